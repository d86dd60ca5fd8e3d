"""The area of interest: the municipalities (or any polygons) a run analyses, read robustly.

Only the selected features matter: a NULL name or an invalid polygon elsewhere in the layer (the
VG250 file of three Länder has one) never blocks a run. For the selected features:

* **NULL names** (no value, or only blanks, in the name field): a feature with a value in the id
  field (``ags``) is labelled by that value, with a warning; without one the run is refused,
  naming the layer, the field and the count. Selecting by name never selects such a feature.
* **Invalid geometries** follow ``invalid``: ``error`` refuses, naming the municipalities;
  ``repair`` repairs them (``shapely.make_valid``, polygon parts kept); ``skip`` leaves the
  invalid features out, with a warning naming them (refused if nothing is left).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ..data.layers import LayerRef, layer_info, read_frame
from ..errors import InputError
from ..messages import msg
from ..progress import NullProgress, Progress

#: How invalid geometries are handled (``--invalid-geometries``, scenario ``invalid_geometries``).
INVALID_MODES = ("error", "repair", "skip")


@dataclass(frozen=True)
class AreaOfInterest:
    """The municipalities (or any polygons) to analyse.

    Parameters
    ----------
    layer : LayerRef
        Polygon layer, usually municipality boundaries.
    name_field : str
        Field naming each area (results are reported per distinct name).
    names : tuple of str
        Names to analyse; empty for every feature.
    id_field : str or None
        Optional key field (e.g. ``ags``) carried into the results if present; it also labels
        features whose name is NULL.
    """

    layer: LayerRef
    name_field: str = "name"
    names: tuple[str, ...] = ()
    id_field: str | None = "ags"


def check_invalid_mode(invalid: str) -> str:
    """Return ``invalid`` if it is one of :data:`INVALID_MODES`.

    Raises
    ------
    InputError
        Naming the accepted values.
    """
    if invalid not in INVALID_MODES:
        raise InputError(f"invalid_geometries: {invalid!r} is not one of {', '.join(INVALID_MODES)}.")
    return invalid


def _text(value: Any) -> str:
    """An attribute value as text: integral floats without '.0'; NULL and blanks as ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _polygonal(geom: Any) -> Any:
    """The polygon parts of a repaired geometry (make_valid may add lines or points)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _label_names(frame: gpd.GeoDataFrame, aoi: AreaOfInterest, id_field: str | None,
                 progress: Progress) -> list[str]:
    """Names of all features, NULL names labelled by the id; refuses NULL names without one."""
    names = [_text(v) for v in frame[aoi.name_field]]
    ids = [_text(v) for v in frame[id_field]] if id_field else [""] * len(names)
    nameless = [i for i, n in enumerate(names) if not n]
    if not nameless:
        return names
    unlabelled = [i for i in nameless if not ids[i]]
    if unlabelled:
        raise InputError(
            f"The area-of-interest layer ({aoi.layer.describe()}) has {len(unlabelled)} feature(s) with no name in "
            f"field {aoi.name_field!r}{f' and no value in {id_field!r}' if id_field else ''} (first: feature index "
            f"{unlabelled[0]}). Fill in the names, choose another name field, or select the municipalities "
            "by name.")
    for i in nameless:
        names[i] = ids[i]
    progress.warning(msg("aoi_features_without_name", n=len(nameless), layer=aoi.layer.describe(),
                         field=aoi.name_field, id_field=id_field, names=", ".join(names[i] for i in nameless[:10])
                         + (" …" if len(nameless) > 10 else "")))
    return names


def rejoin_names(names: tuple[str, ...] | list[str], available: set[str]) -> list[str]:
    """Requested names with the pieces of a name that contains a comma joined again.

    A comma-separated selection (``--names "Zörbig, Stadt,Landsberg"``, the Processing field) splits
    "Zörbig, Stadt" into two; adjacent pieces that are not names on their own but are one together
    (joined by ", " or ",") are put back together.
    """
    pieces = [str(n).strip() for n in names]
    heads = {a.split(",", 1)[0].strip() for a in available if "," in a}  # first pieces of names with commas
    out: list[str] = []
    i = 0
    while i < len(pieces):
        joined = None
        if pieces[i] not in available and pieces[i] in heads:  # the longest run from here that is a name joined
            joined = next(((sep.join(pieces[i:j]), j) for j in range(len(pieces), i + 1, -1) for sep in (", ", ",")
                           if sep.join(pieces[i:j]) in available), None)
        if joined is None:
            out.append(pieces[i])
            i += 1
        else:
            out.append(joined[0])
            i = joined[1]
    return out


def shared_names(names: list[str], ids: list[str]) -> set[str]:
    """Names that several features with different keys carry (a missing key counts as a key of its own)."""
    by_name: dict[str, set[str]] = {}
    for n, i in zip(names, ids):
        by_name.setdefault(n, set()).add(i)
    return {n for n, found in by_name.items() if len(found) > 1}


def _separate_namesakes(label: list[str], ids: list[str], shared: set[str], aoi: AreaOfInterest,
                        id_field: str | None, progress: Progress) -> list[str]:
    """Labels that keep apart different municipalities of the same name: ``Name (AGS)``.

    ``shared`` are the names several keys carry in the *whole* layer, so a municipality gets the same label
    whichever municipalities a run selects (an eligibility run of the region and a WindBG run of one of them
    agree). Features of one name and one key (a municipality in several parts) keep the name and are dissolved
    together. A selected feature of a shared name without a key is refused instead of being merged silently.
    """
    mine = sorted({n for n in label if n in shared})
    if not mine:
        return label
    keyless = sorted({n for n, i in zip(label, ids) if n in shared and not i})
    if keyless:
        raise InputError(
            f"The area-of-interest layer ({aoi.layer.describe()}) has several features named "
            f"{', '.join(repr(n) for n in keyless[:5])} that cannot be told apart (some have no value in "
            f"{id_field!r}); they would be merged into one area. Fill in the key of each, or dissolve them on "
            "purpose first.")
    progress.warning(msg("aoi_shared_names", n=len(mine), layer=aoi.layer.describe(), id_field=id_field,
                         names=", ".join(mine[:10]) + (" …" if len(mine) > 10 else "")))
    return [f"{n} ({i})" if n in shared else n for n, i in zip(label, ids)]


def _apply_invalid(frame: gpd.GeoDataFrame, label: list[str], aoi: AreaOfInterest, invalid: str,
                   progress: Progress) -> gpd.GeoDataFrame:
    """Refuse, repair or skip the invalid geometries of the selected features."""
    valid = shapely.is_valid(frame.geometry.values)
    if valid.all():
        return frame
    bad = np.flatnonzero(~valid)
    names = sorted({label[i] for i in bad})
    listed = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
    reason = shapely.is_valid_reason(frame.geometry.values[bad[0]])
    if invalid == "error":
        raise InputError(
            f"The area-of-interest layer ({aoi.layer.describe()}) has {len(bad)} invalid geometr"
            f"{'y' if len(bad) == 1 else 'ies'} among the selected areas ({listed}; {reason}). Repair them "
            "(QGIS: Processing → Fix geometries), or let the run repair them (--invalid-geometries repair, "
            "scenario: invalid_geometries: repair) or leave them out (skip).")
    if invalid == "repair":
        geoms = frame.geometry.values.copy()
        geoms[bad] = [_polygonal(g) for g in shapely.make_valid(geoms[bad])]
        progress.warning(msg("aoi_repaired_one" if len(bad) == 1 else "aoi_repaired", n=len(bad), names=listed))
        return frame.set_geometry(geoms)
    progress.warning(msg("aoi_left_out_one" if len(bad) == 1 else "aoi_left_out", n=len(bad), names=listed))
    return frame[valid]


def read_aoi_frame(aoi: AreaOfInterest, crs: Any, invalid: str = "error", progress: Progress | None = None,
                   extra: tuple[str, ...] = ()) -> tuple[gpd.GeoDataFrame, str | None]:
    """The selected features of the area-of-interest layer in ``crs``, with a text column ``aoi_label``.

    Parameters
    ----------
    aoi : AreaOfInterest
        The layer, its name/id fields and the chosen names (all when empty).
    crs : Any
        Working CRS the polygons are returned in.
    invalid : {"error", "repair", "skip"}
        How invalid geometries among the selected features are handled (see the module docstring).
    progress : Progress, optional
        Receives the warnings (labelled NULL names, namesakes kept apart, repaired or skipped geometries).
    extra : tuple of str
        More fields to read along where the layer has them (e.g. the population).

    Returns
    -------
    (GeoDataFrame, str or None)
        The features (``aoi_label``: the name, or the id of a nameless feature; ``aoi_id``: the id as
        text, "" without an id field) and the id field used.

    Raises
    ------
    InputError
        No polygons, a missing field or CRS, a name not in the layer, a NULL name without an id,
        or an invalid geometry under ``invalid="error"``.
    """
    progress = progress or NullProgress()
    check_invalid_mode(invalid)
    info = layer_info(aoi.layer, "area of interest")
    if info.crs is None:
        raise InputError(
            f"The area-of-interest layer ({aoi.layer.describe()}) has no coordinate reference system. Assign its CRS "
            "(QGIS: Layer Properties → Source → Assigned CRS) and save it.")
    if aoi.name_field and aoi.name_field not in info.fields:
        raise InputError(
            f"The area-of-interest layer ({aoi.layer.describe()}) has no field {aoi.name_field!r}; "
            f"fields: {', '.join(info.fields)}. Choose the field that names the municipalities."
        )
    id_field = aoi.id_field if aoi.name_field and aoi.id_field and aoi.id_field in info.fields else None
    cols = [c for c in dict.fromkeys((aoi.name_field, id_field, *[e for e in extra if e in info.fields])) if c]
    frame = read_frame(aoi.layer.path, aoi.layer.layer, "The area-of-interest layer", progress, columns=cols) \
        if info.feature_count else gpd.GeoDataFrame(geometry=[], crs=info.crs)
    if frame.crs is None:
        frame = frame.set_crs(info.crs)
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)].reset_index(drop=True)
    if frame.empty:
        raise InputError(f"The area-of-interest layer ({aoi.layer.describe()}) holds no polygons.")
    shared: set[str] = set()
    if aoi.name_field and id_field:  # namesakes over the whole layer: labels independent of the selection
        shared = shared_names([_text(v) for v in frame[aoi.name_field]], [_text(v) for v in frame[id_field]])
    if not aoi.name_field:  # the whole layer is one area
        label = [aoi.layer.layer or Path(aoi.layer.path).stem] * len(frame)
    elif aoi.names:
        label = [_text(v) for v in frame[aoi.name_field]]
        ids = [_text(v) for v in frame[id_field]] if id_field else [""] * len(label)
        available = sorted({n for n in label if n})
        wanted = rejoin_names(aoi.names, set(available))
        missing = [n for n in wanted if n not in available and n not in ids]
        if missing:
            raise InputError(
                f"No area named {', '.join(repr(m) for m in missing)} in field {aoi.name_field!r}"
                f"{f' (nor with that {id_field!r})' if id_field else ''} of "
                f"{aoi.layer.describe()}; available: {', '.join(available[:30])}"
                f"{' …' if len(available) > 30 else ''}."
            )
        chosen = np.asarray(wanted, dtype=object)
        keep = np.isin(np.asarray(label, dtype=object), chosen) | np.isin(np.asarray(ids, dtype=object), chosen)
        frame = frame[keep].reset_index(drop=True)
        label = [n or i for n, i, k in zip(label, ids, keep) if k]
    else:
        label = _label_names(frame, aoi, id_field, progress)
    ids = [_text(v) for v in frame[id_field]] if id_field else [""] * len(label)
    label = _separate_namesakes(label, ids, shared, aoi, id_field, progress)
    frame = frame.assign(aoi_label=label, aoi_id=ids if id_field else "")
    frame = _apply_invalid(frame, label, aoi, invalid, progress)
    if frame.empty:
        raise InputError(f"The area-of-interest layer ({aoi.layer.describe()}) holds no valid polygon among the "
                         "selected areas; repair the geometries (invalid_geometries: repair).")
    if not frame.crs.equals(crs):
        frame = frame.to_crs(crs)
        if (~frame.geometry.is_valid).any():
            frame = frame.set_geometry([_polygonal(g) if not g.is_valid else g
                                        for g in shapely.make_valid(frame.geometry.values)])
    return frame, id_field


def read_aoi_areas(aoi: AreaOfInterest, crs: Any, invalid: str = "error",
                   progress: Progress | None = None) -> tuple[list[str], list[str], np.ndarray]:
    """Names, ids and polygons of the areas of interest, in ``crs`` (features of one name dissolved).

    Parameters
    ----------
    aoi : AreaOfInterest
        The municipalities layer, its name/id fields and the chosen names (all when empty).
    crs : Any
        Working CRS the polygons are returned in.
    invalid : {"error", "repair", "skip"}
        How invalid geometries among the selected areas are handled.
    progress : Progress, optional
        Receives the warnings of :func:`read_aoi_frame`.

    Returns
    -------
    tuple of (list of str, list of str, numpy.ndarray)
        Names, ids ("" without an id field) and one (multi)polygon per area.

    Raises
    ------
    InputError
        As :func:`read_aoi_frame`.
    """
    frame, _ = read_aoi_frame(aoi, crs, invalid, progress)
    polys = frame[shapely.area(frame.geometry.values) > 0]
    if polys.empty:
        raise InputError(f"The area-of-interest layer ({aoi.layer.describe()}) holds no polygons.")
    grouped = polys.dissolve(by="aoi_label", sort=False, aggfunc="first").reset_index()
    return (grouped["aoi_label"].tolist(), grouped["aoi_id"].astype(str).tolist(),
            np.asarray(grouped.geometry.values, dtype=object))
