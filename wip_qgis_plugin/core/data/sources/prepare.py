"""Sources → one canonical GeoPackage: one layer per role, OSM-style tag columns, in the working CRS.

:func:`prepare_sources` detects (or takes) the profile of each source, reads the layers its parts name
(only the features in ``bbox`` when given), selects and maps them, and writes every role into one
GeoPackage in ``workdir`` through :class:`..outputs.OutputTransaction` (no half-written file). The caller
owns ``workdir``: a temporary folder deleted after the run, so the prepared file never outlives it.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from ...errors import InputError
from ...progress import NullProgress, Progress, check_cancelled
from ..layers import LayerRef, check_working_crs, read_frame
from ..outputs import OutputTransaction, write_vector
from .detect import SourceLayer, SourceMatch, detect_source
from .profile import CANONICAL_COLUMNS, RolePart
from .tags import LayerTags, geometry_mask, part_columns, part_mask
from ...messages import msg

#: Name of the prepared GeoPackage in the work folder.
PREPARED_NAME = "sources.gpkg"
_ID_FIELDS = ("full_id", "osm_id", "osm_way_id", "OBJID", "gml_id")


@dataclass(frozen=True)
class SourceSpec:
    """A source of a run: a file, folder or zip, and optionally its profile (``id`` or ``id:part``)."""

    path: str
    profile: str | None = None


@dataclass(frozen=True)
class RoleCount:
    """The features of one role: read from the layers its parts name, kept, and dropped with the reason."""

    role: str
    read: int
    kept: int
    dropped: Mapping[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """``buildings: 4,267 kept of 5,412 read (1,145 not selected)``."""
        why = ", ".join(f"{n:,} {reason}" for reason, n in self.dropped.items() if n)
        return f"{self.role}: {self.kept:,} kept of {self.read:,} read" + (f" ({why})" if why else "")


@dataclass(frozen=True)
class PreparedSources:
    """The result of :func:`prepare_sources`.

    Attributes
    ----------
    gpkg : Path
        The canonical GeoPackage (in the caller's work folder).
    layers : dict
        Role → :class:`..layers.LayerRef` into ``gpkg``. A role the sources name but hold no feature of is
        left out (its criteria are then not assessed): an extract without protected areas is no evidence
        that there are none.
    counts : dict
        Role → :class:`RoleCount`.
    matches : tuple of SourceMatch
        The sources with their profiles.
    notes : tuple of str
        What the preparation changed or could not do (repaired geometries, municipalities found …).
    seconds : float
        Time taken. [s]
    """

    gpkg: Path
    layers: dict[str, LayerRef]
    counts: dict[str, RoleCount]
    matches: tuple[SourceMatch, ...]
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


def as_source_spec(value: SourceSpec | Mapping[str, Any] | str | Path) -> SourceSpec:
    """A :class:`SourceSpec` from itself, a path, or ``{path, profile}``."""
    if isinstance(value, SourceSpec):
        return value
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"path", "profile"})
        if unknown or not value.get("path"):
            raise InputError(f"Source {dict(value)!r}: give {{path: FILE, profile: ID}} "
                             f"(unknown: {', '.join(unknown)}).")
        return SourceSpec(str(value["path"]), value.get("profile") or None)
    return SourceSpec(str(value))


def _needed_fields(match: SourceMatch, parts: Sequence[RolePart], layer: SourceLayer) -> list[str]:
    """The columns of a layer the parts read (case as in the layer), its hstore and its id field."""
    wanted = {c.field.lower() for p in parts for c in p.where + p.exclude}
    wanted |= {f.lower() for p in parts for r in p.rules for f in r.fields}
    wanted |= {f.lower() for f in _ID_FIELDS} | {"osm_type"}
    if match.profile.hstore:
        wanted.add(match.profile.hstore.lower())
    return [f for f in layer.fields if f.lower() in wanted]


def _read(layer: SourceLayer, columns: list[str], crs: CRS, bbox: tuple[float, float, float, float] | None,
          where: str) -> gpd.GeoDataFrame:
    info_crs = pyogrio.read_info(layer.dataset, layer=layer.layer_arg).get("crs")
    if not info_crs:
        raise InputError(f"{where}: layer {layer.name!r} of {layer.dataset!r} has no coordinate reference system. "
                         "Assign its CRS (QGIS: Layer Properties → Source → Assigned CRS; a Shapefile needs its "
                         ".prj) and save it.")
    src = CRS.from_user_input(info_crs)
    kwargs: dict[str, Any] = {"columns": columns}
    if bbox is not None:
        from pyproj import Transformer

        box = Transformer.from_crs(crs, src, always_xy=True).transform_bounds(*bbox, densify_pts=21)
        kwargs["bbox"] = box
    frame = read_frame(layer.dataset, layer.layer_arg, where, **kwargs)
    if frame.crs is None:
        frame = frame.set_crs(src)
    return frame


def _repair(geoms: np.ndarray, family: str | None) -> tuple[np.ndarray, int]:
    """Invalid geometries made valid (their polygon parts for polygon layers); the number repaired."""
    bad = ~shapely.is_valid(geoms)
    if not bad.any():
        return geoms, 0
    out = geoms.copy()
    fixed = shapely.make_valid(geoms[bad])
    if family == "polygon":
        polygonal = ("Polygon", "MultiPolygon")
        fixed = np.array([shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in polygonal])
                          for g in fixed], dtype=object)
    out[bad] = fixed
    return out, int(bad.sum())


def _feature_ids(tags: LayerTags, layer: SourceLayer) -> pd.Series:
    """A key that names the same feature in two layers.

    QuickOSM ``full_id``, GDAL ``osm_id``/``osm_way_id``, Geofabrik ``osm_id``, ATKIS/ALKIS ``OBJID``;
    None where a layer has none (no duplicates removed).
    """
    if tags.has("full_id"):
        return tags.get("full_id")
    if tags.has("osm_type") and tags.has("osm_id"):
        return tags.get("osm_type").fillna("") + tags.get("osm_id").fillna("")
    if tags.has("osm_way_id") and tags.has("osm_id"):  # GDAL multipolygons: relations in osm_id, ways in osm_way_id
        way = tags.get("osm_way_id")
        return ("w" + way).where(way.notna(), "r" + tags.get("osm_id").fillna(""))
    if tags.has("osm_id"):  # Geofabrik: the same OSM id in two themes is the same feature (nodes apart)
        return ("n" if "point" in layer.geometry_type.lower() else "x") + tags.get("osm_id").fillna("")
    for name in ("OBJID", "gml_id"):  # ATKIS/ALKIS object ids are unique across files
        if tags.has(name):
            return tags.get(name)
    return pd.Series([None] * len(tags.frame), index=tags.frame.index, dtype=object)


def _role_frame(role: str, pieces: list[gpd.GeoDataFrame], crs: CRS) -> gpd.GeoDataFrame:
    extra = [c for p in pieces for c in p.columns if c not in CANONICAL_COLUMNS[role] and c not in
             ("geometry", "source_layer", "feature_id")]
    columns = list(CANONICAL_COLUMNS[role]) + list(dict.fromkeys(extra)) + ["source_layer"]
    if not pieces:
        return gpd.GeoDataFrame({c: pd.Series([], dtype=object) for c in columns}, geometry=gpd.GeoSeries([], crs=crs),
                                crs=crs)
    frame = pd.concat(pieces, ignore_index=True)
    for c in columns:
        if c not in frame.columns:
            frame[c] = None
    return gpd.GeoDataFrame(frame[columns + ["geometry"]], geometry="geometry", crs=crs)


def _municipality_note(frame: gpd.GeoDataFrame) -> str:
    names = [f"{n} ({a})" if isinstance(a, str) and a else str(n) for n, a in zip(frame["name"], frame["ags"])]
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return f"municipalities from the administrative boundaries (admin_level 8) of the sources: {len(names)} — {shown}"


def prepare_sources(sources: Sequence[SourceSpec | Mapping[str, Any] | str | Path], workdir: str | Path,
                    crs: str | CRS, bbox: tuple[float, float, float, float] | None = None,
                    progress: Progress | None = None) -> PreparedSources:
    """Write the canonical GeoPackage of a run's sources.

    Parameters
    ----------
    sources : sequence
        Paths or :class:`SourceSpec` / ``{path, profile}``; a later source adds features to the roles of
        an earlier one.
    workdir : path
        Folder the GeoPackage is written to (the caller's temporary folder).
    crs : str or pyproj.CRS
        Projected working CRS of the result.
    bbox : tuple of float, optional
        ``(xmin, ymin, xmax, ymax)`` in the working CRS: only features intersecting it are read. [m]
    progress : Progress, optional
        Progress and cancel.

    Raises
    ------
    InputError
        A source that cannot be read or recognised, a layer without CRS.
    Cancelled
        If the user cancels.
    """
    t0 = time.perf_counter()
    progress = progress or NullProgress()
    working = check_working_crs(crs)
    specs = [as_source_spec(s) for s in sources]
    if not specs:
        raise InputError("No source given: give a file, folder or zip (--source PATH).")
    matches = tuple(detect_source(s.path, s.profile) for s in specs)
    pieces: dict[str, list[gpd.GeoDataFrame]] = {}
    read: dict[str, int] = {}
    unselected: dict[str, int] = {}
    repaired: dict[str, int] = {}
    covered: set[str] = set()
    n_layers = sum(len({lyr.name for part in m.parts() for lyr in m.layers_for(part)}) for m in matches)
    done = 0
    for match in matches:
        by_layer: dict[SourceLayer, list[RolePart]] = {}
        for part in match.parts():
            for lyr in match.layers_for(part):
                by_layer.setdefault(lyr, []).append(part)
                covered.add(part.role)
        for lyr, parts in by_layer.items():
            check_cancelled(progress)
            progress.report(0.9 * done / max(n_layers, 1), msg("sources_reading_layer", name=lyr.name))
            frame = _read(lyr, _needed_fields(match, parts, lyr), working, bbox, f"Source {match.path!r}")
            frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)].reset_index(drop=True)
            if not frame.crs.equals(working):
                frame = frame.to_crs(working)
            tags = LayerTags(frame, match.profile.hstore)
            ids = _feature_ids(tags, lyr)
            types = frame.geometry.geom_type
            selected_any: dict[str, np.ndarray] = {}
            for part in parts:
                mask = geometry_mask(types, part.geometry) & part_mask(tags, part)
                selected_any[part.role] = selected_any.get(part.role, np.zeros(len(frame), bool)) | mask
                if not mask.any():
                    continue
                cols = part_columns(tags, part, mask)
                piece = gpd.GeoDataFrame(cols, geometry=frame.geometry.values[mask], crs=frame.crs)
                piece["source_layer"] = f"{Path(match.path).name}|{lyr.name}"
                piece["feature_id"] = ids[mask].to_numpy(dtype=object)
                pieces.setdefault(part.role, []).append(piece)
            for role, sel in selected_any.items():
                read[role] = read.get(role, 0) + len(frame)
                unselected[role] = unselected.get(role, 0) + int((~sel).sum())
            done += 1
    check_cancelled(progress)
    if not covered:
        raise InputError("The sources give no layer role: " + "; ".join(m.describe() for m in matches) +
                         ". Name their profile (--source-profile) or give the layers by role (--layer ROLE=FILE).")
    progress.report(0.9, msg("step_writing_prepared"))
    gpkg = Path(workdir) / PREPARED_NAME
    layers: dict[str, LayerRef] = {}
    counts: dict[str, RoleCount] = {}
    notes: list[str] = []
    empty: list[str] = []
    with OutputTransaction() as tx:
        tmp: Path | None = None  # asked for at the first role written: no file when every role is empty
        for role in [r for r in CANONICAL_COLUMNS if r in covered]:
            parts_of_role = pieces.get(role, [])
            frame = pd.concat(parts_of_role, ignore_index=True) if parts_of_role else None
            duplicates = 0
            if frame is not None:
                keyed = frame["feature_id"].notna()
                dup = keyed & frame["feature_id"].duplicated(keep="first")
                duplicates = int(dup.sum())
                frame = frame[~dup]
                family = "polygon" if role not in ("roads", "railways", "power_lines", "waterways") and \
                    frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all() else None
                geoms, repaired[role] = _repair(np.asarray(frame.geometry.values, dtype=object), family)
                frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=working).values)
                frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
            out = _role_frame(role, [frame.drop(columns=["feature_id"])] if frame is not None else [], working)
            if len(out) == 0:  # not "no such features": a source that names a role but holds none of it
                empty.append(role)  # is no evidence of absence (OSM extracts and protected areas), so not assessed
            else:
                tmp = tmp or tx.temp_for(gpkg)
                write_vector(tmp, out, role)
                layers[role] = LayerRef(str(gpkg), role)
            counts[role] = RoleCount(role, read.get(role, 0), len(out),
                                     {"not selected by the profile": unselected.get(role, 0),
                                      "duplicate of a feature in another layer": duplicates})
            if repaired.get(role):
                notes.append(f"{role}: {repaired[role]} invalid geometr{'y' if repaired[role] == 1 else 'ies'} "
                             "repaired (shapely make_valid)")
            if role == "municipalities":
                notes.append(_municipality_note(out))
    if empty:
        notes.append(f"no feature in the sources for: {', '.join(empty)} — the criteria reading "
                     f"{'this role' if len(empty) == 1 else 'these roles'} are not assessed; give the authority's "
                     "layer (--layer ROLE=FILE or --criterion-layer) to assess them")
    uncovered = [r for r in CANONICAL_COLUMNS if r not in covered]
    if uncovered:
        notes.append(f"not in the sources: {', '.join(uncovered)}")
    return PreparedSources(gpkg, layers, counts, matches, tuple(notes), time.perf_counter() - t0)
