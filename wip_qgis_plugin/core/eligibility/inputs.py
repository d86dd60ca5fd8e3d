"""Which layer each criterion reads: role layers, layers bound to one criterion, criteria not assessed.

A criterion reads its role's layer (``layers[role]``), filtered by the criterion's filter. Two kinds
of :class:`LayerBinding` (data, in :class:`.engine.EligibilitySettings`) add to that:

* **bound to a criterion** (``criterion="nature_reserves"``): the criterion reads this layer
  instead of its role's layer, and *every feature counts* (its filter and dwelling rule are not
  applied; a group rule still is). Typical: one shapefile per protection category from the
  Landesamt (NSG.shp, LSG.shp …) that has no ``protection_title`` field.
* **serving a role with fixed attributes** (``role="protected_areas", attributes=(("protection_title",
  "Naturschutzgebiet"),)``): the layer's features join the role's features with these values
  set, so the catalogue's filters work unchanged. Several layers can serve one role.

A criterion with no layer at all (its role not given, or every file of it missing) is **not
assessed** (:class:`NotAssessed`): the run goes on, and the criterion is listed in the log, the
result, the reasons sidecar and the per-criterion table — unless ``require_all`` refuses the run.
An *empty* layer is assessed: no such features, 0 ha excluded.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from pyproj.exceptions import ProjError

from ..catalogue.dwellings import DwellingCounts, select
from ..catalogue.filters import evaluate, unparsed_values
from ..catalogue.model import Criterion
from ..data.layers import MAX_DROPPED_PCT, ROLES, LayerRef, layer_info, read_layer
from ..data.vsi import path_exists
from ..errors import InputError
from ..progress import Progress, RecordedProgress
from ..spec import suggest
from ..messages import msg


@dataclass(frozen=True)
class LayerBinding:
    """A layer bound to one criterion, or serving one role with fixed attribute values.

    Parameters
    ----------
    layer : LayerRef
        The layer.
    criterion : str
        Id of the criterion that reads only this layer (every feature counts); "" for a role layer.
    role : str
        Role the layer's features join (with ``attributes`` set); "" for a criterion layer.
    attributes : tuple of (str, str)
        Field values every feature of the layer gets, e.g. ``(("protection_title", "Naturschutzgebiet"),)``.
    """

    layer: LayerRef
    criterion: str = ""
    role: str = ""
    attributes: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """``path|layername=… (protection_title=Naturschutzgebiet)``."""
        fixed = ", ".join(f"{k}={v}" for k, v in self.attributes)
        return self.layer.describe() + (f" ({fixed})" if fixed else "")


@dataclass(frozen=True)
class NotAssessed:
    """A criterion whose data is absent: the run treats its land as not excluded by it.

    Attributes
    ----------
    criterion : str
        Criterion id.
    role : str
        The layer role it reads (the raster role of a raster criterion).
    reason : str
        Why: no layer (raster) for the role, or the file does not exist.
    input : str
        ``layer`` or ``raster``: what the criterion reads.
    """

    criterion: str
    role: str
    reason: str
    input: str = "layer"

    def hint(self) -> str:
        """How to provide the data."""
        if self.input == "raster":
            return f"give a raster for role '{self.role}' (--raster {self.role}=FILE, scenario rasters.{self.role})"
        return (f"give a layer for role '{self.role}' (--layer {self.role}=FILE, scenario layers.{self.role}) "
                f"or bind one to the criterion (scenario criterion_layers: {{{self.criterion}: FILE}})")


@dataclass(frozen=True)
class CriterionInput:
    """The layers one criterion reads: filtered role layers, or bound layers (every feature counts)."""

    criterion: Criterion
    sources: tuple[LayerBinding, ...]
    bound: bool
    own_layer: bool = False  # the first source is the role's own layer: its fields must exist


def check_bindings(bindings: Sequence[LayerBinding], criterion_ids: Sequence[str]) -> None:
    """Refuse bindings naming an unknown criterion or role, or both or neither.

    Raises
    ------
    InputError
        Listing every bad binding with the fix.
    """
    problems = []
    for b in bindings:
        if bool(b.criterion) == bool(b.role):
            problems.append(f"{b.layer.describe()}: bind it either to a criterion or to a role")
        elif b.criterion and b.criterion not in criterion_ids:
            problems.append(f"{b.layer.describe()}: no criterion {b.criterion!r} in the catalogue"
                            f"{suggest(b.criterion, criterion_ids)}")
        elif b.role and b.role not in ROLES:
            problems.append(f"{b.layer.describe()}: {b.role!r} is not a layer role{suggest(b.role, ROLES)}")
        elif b.criterion and b.attributes:
            problems.append(f"{b.layer.describe()}: a layer bound to criterion {b.criterion!r} takes no attributes "
                            "(every feature counts)")
    if problems:
        raise InputError("Layer bindings: " + "; ".join(problems) + ".")


def resolve_inputs(criteria: Sequence[Criterion], layers: Mapping[str, LayerRef],
                   bindings: Sequence[LayerBinding]) -> tuple[list[CriterionInput], list[NotAssessed]]:
    """The layers of every layer criterion, and the layer criteria that cannot be assessed.

    A layer whose file does not exist counts as absent. Raster criteria are skipped (see
    :func:`.raster_criteria.resolve_raster_inputs`).
    """
    inputs, absent = [], []
    for c in criteria:
        if c.raster:  # raster criteria: see .raster_criteria
            continue
        own = tuple(b for b in bindings if b.criterion == c.id)
        if own:
            present = tuple(b for b in own if path_exists(b.layer.path))
            if present:
                inputs.append(CriterionInput(c, present, True))
            else:
                absent.append(NotAssessed(c.id, c.layer, "file " + ", ".join(repr(b.layer.path) for b in own)
                                          + " does not exist"))
            continue
        given = ((LayerBinding(layers[c.layer], role=c.layer),) if c.layer in layers else ()) + \
            tuple(b for b in bindings if b.role == c.layer)
        present = tuple(b for b in given if path_exists(b.layer.path))
        if present:
            own = c.layer in layers and present[0] is given[0]
            inputs.append(CriterionInput(c, present, False, own))
        elif given:
            absent.append(NotAssessed(c.id, c.layer, "file " + ", ".join(repr(b.layer.path) for b in given)
                                      + " does not exist"))
        else:
            absent.append(NotAssessed(c.id, c.layer, f"no layer for role '{c.layer}'"))
    return inputs, absent


def missing_roles_message(catalogue_id: str, absent: Sequence[NotAssessed]) -> str:
    """The refusal of a run that must assess every criterion (``require_all``), naming every missing role."""
    roles = list(dict.fromkeys(a.role for a in absent))
    per_role = "; ".join(f"{r} ({', '.join(a.criterion for a in absent if a.role == r)})" for r in roles)
    return (f"The catalogue {catalogue_id!r} needs the layer role(s) {', '.join(roles)}, which are missing "
            f"(criteria: {per_role}). Give a layer for each (--layer ROLE=FILE, scenario layers), bind one to "
            "the criterion (criterion_layers), or leave require_all off to run without those criteria."
            + (" Raster roles (" + ", ".join(dict.fromkeys(a.role for a in absent if a.input == "raster"))
               + ") take a raster: --raster ROLE=FILE, scenario rasters." if any(a.input == "raster" for a in absent)
               else ""))


#: Layers read side by side (threads) by :func:`read_inputs`.
READ_THREADS = min(4, os.cpu_count() or 1)


def _source_frame(source: LayerBinding, columns: Sequence[str], strict: bool, crs: Any,
                  box: tuple[float, float, float, float], invalid: str, progress: Progress) -> gpd.GeoDataFrame:
    """Features of one layer within ``box``, with its fixed attributes set.

    ``strict``: every column must exist (a role's own layer); otherwise a missing column has no
    value (a bound or attribute layer), with a warning.
    """
    fixed = dict(source.attributes)
    info = layer_info(source.layer, source.role or source.criterion)
    wanted = [c for c in columns if c not in fixed]
    present = wanted if strict else [c for c in wanted if c in info.fields]
    lacking = [c for c in wanted if c not in present]
    if lacking:
        progress.warning(msg("layer_lacks_fields", layer=source.describe(), fields=", ".join(lacking)))
    if info.feature_count == 0:
        frame = gpd.GeoDataFrame({c: pd.Series([], dtype=object) for c in present}, geometry=[], crs=crs)
    else:
        frame = read_layer(source.layer, source.role or source.criterion, crs, box, tuple(present), invalid,
                           progress=progress)
    extra = {c: None for c in lacking}
    extra.update(fixed)
    return frame.assign(**extra) if extra else frame


def read_inputs(inputs: Sequence[CriterionInput], crs: Any, boxes: Mapping[str, tuple[float, float, float, float]],
                invalid: str, progress: Progress) -> tuple[dict[str, gpd.GeoDataFrame], bool]:
    """Read the frame of every input (keyed by :func:`frame_key`) within its box.

    ``boxes`` maps each frame key to its read box. Returns the frames and whether any layer that holds
    features has one within reach or an extent that overlaps its box (land far from every feature of
    layers that cover it is eligible; layers that all lie elsewhere point to a wrong CRS or selection).
    """
    groups = list(_by_frame(inputs).items())

    def read_group(group: list[CriterionInput], key: str, lines: Progress) -> tuple[gpd.GeoDataFrame, bool, bool]:
        columns = tuple(dict.fromkeys(f for ci in group for f in ci.criterion.fields())) if not group[0].bound else ()
        dwell = tuple(ci.criterion.group.dwellings_field for ci in group
                      if ci.criterion.group and ci.criterion.group.dwellings_field)
        parts = []
        any_data, any_in_reach = False, False
        for k, source in enumerate(group[0].sources):
            info = layer_info(source.layer, source.role or source.criterion)
            extra = tuple(f for f in dwell if f in info.fields and f not in columns)
            strict = k == 0 and group[0].own_layer
            parts.append(_source_frame(source, columns + extra, strict, crs, boxes[key], invalid, lines))
            any_data |= info.feature_count != 0
            any_in_reach |= len(parts[-1]) > 0 or _extent_reaches(info, crs, boxes[key])
        frame = parts[0] if len(parts) == 1 else gpd.GeoDataFrame(
            pd.concat(parts, ignore_index=True), geometry="geometry", crs=crs)
        return frame.reset_index(drop=True), any_data, any_in_reach

    # the layers side by side: GDAL's reading and shapely's validity checks release the GIL; each read's lines are
    # held and passed on in the order of the layers, and the first failing layer in that order is the error raised
    recorded = [RecordedProgress(progress) for _ in groups]
    with ThreadPoolExecutor(max_workers=max(1, min(len(groups), READ_THREADS))) as pool:
        futures = [pool.submit(read_group, group, key, lines) for (key, group), lines in zip(groups, recorded)]
        wait(futures)
    frames: dict[str, gpd.GeoDataFrame] = {}
    any_data, any_in_reach = False, False
    for (key, group), lines, future in zip(groups, recorded, futures):
        lines.replay()
        frame, data, reach = future.result()  # raises the layer's own error
        frames[key] = frame
        any_data |= data
        any_in_reach |= reach
        progress.info(msg("layer_features_in_reach", layer=_frame_label(group[0]), n=len(frame)))
    return frames, any_in_reach or not any_data


def _extent_reaches(info: Any, crs: Any, box: tuple[float, float, float, float]) -> bool:
    """Whether a layer's extent overlaps ``box`` (working CRS); False without extent or CRS."""
    if info.feature_count == 0 or info.bounds is None or info.crs is None:
        return False
    try:
        xmin, ymin, xmax, ymax = Transformer.from_crs(info.crs, crs, always_xy=True).transform_bounds(
            *info.bounds, densify_pts=21)
    except ProjError:
        return False
    values = (xmin, ymin, xmax, ymax)
    if not all(np.isfinite(values)):
        return False
    return xmin <= box[2] and box[0] <= xmax and ymin <= box[3] and box[1] <= ymax


def frame_key(ci: CriterionInput) -> str:
    """Criteria with the same key read the same frame: a role's layers, or one criterion's bound layers."""
    return f"criterion:{ci.criterion.id}" if ci.bound else f"role:{ci.criterion.layer}"


def _frame_label(ci: CriterionInput) -> str:
    return ci.criterion.id if ci.bound else ci.criterion.layer


def _by_frame(inputs: Sequence[CriterionInput]) -> dict[str, list[CriterionInput]]:
    out: dict[str, list[CriterionInput]] = {}
    for ci in inputs:
        out.setdefault(frame_key(ci), []).append(ci)
    return out


def check_numbers(ci: CriterionInput, frame: gpd.GeoDataFrame, progress: Progress) -> None:
    """Warn about features whose value for a numeric condition is no number (they never match); refuse above
    :data:`..data.layers.MAX_DROPPED_PCT` of the features the rest of the filter selects.

    Raises
    ------
    InputError
        Naming the criterion, the field, examples of the values and the fix.
    """
    if ci.bound or not len(frame):
        return
    c = ci.criterion
    for name, (count, examples) in unparsed_values(c.filter, frame).items():
        text = (f"Criterion '{c.id}': {count} feature(s) of '{c.layer}' within reach have a value of {name!r} that is "
                f"no number ({', '.join(repr(e) for e in examples)}); they do not match {c.filter}")
        if 100.0 * count / len(frame) > MAX_DROPPED_PCT:
            raise InputError(f"{text} — more than {MAX_DROPPED_PCT:g} % of the features: legally relevant features "
                             f"would be missed. Correct the values (numbers, e.g. 110000 or '110 kV') and run again.")
        progress.warning(text + ".")


def selection_mask(ci: CriterionInput, frame: gpd.GeoDataFrame) -> tuple[np.ndarray, DwellingCounts | None]:
    """Which features of its frame a criterion reads, and the dwelling counts if it uses the dwelling rule."""
    if ci.bound:
        return np.ones(len(frame), dtype=bool), None
    c = ci.criterion
    mask = evaluate(c.filter, frame)
    counts = None
    if c.dwellings and c.dwelling_rule is not None:
        dwell, counts = select(c.dwelling_rule, c.dwellings, frame[mask])
        mask = mask.copy()
        mask[np.flatnonzero(mask)[~dwell]] = False
    return mask, counts


def select_features(frame: gpd.GeoDataFrame, ci: CriterionInput) -> tuple[np.ndarray, DwellingCounts | None]:
    """The geometries a criterion selects from its frame (group rule applied), and its dwelling counts."""
    mask, counts = selection_mask(ci, frame)
    geoms = np.asarray(frame.geometry.values[mask], dtype=object)
    if ci.criterion.group is not None and geoms.size:
        geoms = _apply_group_rule(geoms, frame[mask], ci.criterion)
    return geoms, counts


def _apply_group_rule(geoms: np.ndarray, frame: gpd.GeoDataFrame, crit: Criterion) -> np.ndarray:
    """Keep buildings in groups (gap ≤ max_gap) holding at least min_dwellings dwellings."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rule = crit.group
    assert rule is not None
    dwell = np.ones(len(geoms))
    if rule.dwellings_field and rule.dwellings_field in frame.columns:
        v = pd.to_numeric(frame[rule.dwellings_field], errors="coerce").to_numpy(dtype=float)
        dwell = np.where(np.isfinite(v) & (v > 0), v, 1.0)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=rule.max_gap_m)
    n = len(geoms)
    graph = coo_matrix((np.ones(left.size), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    totals = np.bincount(labels, weights=dwell)
    return geoms[totals[labels] >= rule.min_dwellings]
