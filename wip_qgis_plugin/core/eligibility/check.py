"""The data check (``wip check-data``, algorithm "Eingangsdaten prüfen"): silent mismatches caught before a run.

For every active criterion of a catalogue, :func:`run_data_check` counts the features of its layer
within reach (the extent of the area of interest grown by the criterion's setback), those its
filter (and the dwelling rule) select, and their area [ha] and length [km] there; and it warns of
what makes a run silently wrong (codes of :data:`.check_text.TEMPLATES`):

* ``not_assessed``: the criterion's layer is missing; ``empty_layer``: the layer holds no feature;
* ``no_match`` / ``nothing_in_reach``: nothing is selected within reach;
* ``dwelling_share``: under 5 % of the buildings within reach match a dwelling filter;
  ``building_yes_share``: over 90 % of the buildings of the layer are ``building=yes``;
* ``no_landuse``: over 10 % of the area lies in no land-use polygon at all;
* ``crs_missing``, ``crs_geographic``; ``invalid_geometries`` (count and the first features);
  ``null_names`` in the municipality layer; ``missing_field``;
* ``near_miss``: a value of a filtered key close to a value a filter names (``sub_station`` ~
  ``substation``) that no filter names.

With ``geometry=False`` (:func:`quick_check`, at the start of every eligibility run) only schemas,
attributes and feature bounds are read: no geometry, hence no areas, lengths, invalid geometries or
land-use coverage (unless a filter needs ``$area_ha``). The table (CSV, one row per criterion and one
per warning) is documented in docs/check_data.md.
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

from ..catalogue.filters import PSEUDO_FIELDS, FeatureFilter
from ..catalogue.loader import Catalogue
from ..catalogue.model import Criterion
from ..data.layers import LayerRef, check_working_crs
from ..data.outputs import OutputTransaction, write_csv
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from ..spec import suggest
from .aoi import AreaOfInterest
from .check_reads import (
    AoiExtent,
    LayerRead,
    grow,
    in_box,
    layer_values,
    measure,
    near_value,
    read_aoi_extent,
    read_within,
    uncovered_fraction,
)
from .check_text import DataWarning, render
from .engine import EligibilitySettings
from .inputs import CriterionInput, check_bindings, frame_key, resolve_inputs, selection_mask
from ..messages import msg

#: Columns of the check's CSV table (docs/check_data.md).
CSV_COLUMNS = ("row_type", "code", "criterion", "kind", "role", "layer", "status", "filter", "buffer_m", "in_reach",
               "matched", "area_ha", "length_km", "dwellings_explicit", "dwellings_unknown", "not_dwellings",
               "count", "share_pct", "value", "known_value", "where", "message")
_TEXT_OPS = ("in", "==", "not_in", "!=")


@dataclass(frozen=True)
class DataCheckOutputs:
    """Destination of the check's table (CSV); None writes nothing."""

    table: Path | None = None


@dataclass(frozen=True)
class DataCheckSettings:
    """How to check.

    Parameters
    ----------
    eligibility : EligibilitySettings
        The settings of the eligibility run to check (CRS, kinds, date, turbine, layer bindings).
    language : str
        ``en`` or ``de``: the language of the table's messages.
    geometry : bool
        Read geometries (areas, lengths, invalid geometries, land-use coverage); False: attributes
        and feature bounds only (the cheap check at the start of a run).
    min_dwelling_share_pct : float
        Warn if fewer buildings within reach match a dwelling filter. [%]
    max_building_yes_pct : float
        Warn if more buildings of the layer are ``building=yes``. [%]
    max_uncovered_pct : float
        Warn if more of the area lies in no land-use polygon. [%]
    max_edit_distance : int
        Edits within which a value counts as close to a filter's value.
    max_where : int
        Features named per finding.
    coverage_points : int
        Points of the grid the land-use coverage is estimated on (:func:`.check_reads.uncovered_fraction`).
    """

    eligibility: EligibilitySettings = field(default_factory=EligibilitySettings)
    language: str = "en"
    geometry: bool = True
    min_dwelling_share_pct: float = 5.0
    max_building_yes_pct: float = 90.0
    max_uncovered_pct: float = 10.0
    max_edit_distance: int = 2
    max_where: int = 5
    coverage_points: int = 200_000

    @property
    def crs(self) -> str:
        """The working CRS (of the eligibility settings)."""
        return self.eligibility.crs


@dataclass(frozen=True)
class CriterionCheck:
    """What one criterion would read.

    Attributes
    ----------
    criterion, kind, role, label : str
        The criterion.
    status : str
        ``assessed``, ``not_assessed``, ``unreadable`` (its layer cannot be read) or ``raster``.
    layer : str
        The layers it reads (``path|layername=…``, ``; ``-separated).
    filter : str
        What it selects.
    buffer_m : float or None
        Its setback. [m]
    in_reach, matched : int or None
        Features of its layer within reach, and those it selects.
    area_ha, length_km : float or None
        Area [ha] and length [km] of the selected features within reach (None without geometries).
    dwellings : tuple of int or None
        Explicit dwellings, buildings of unknown use, not dwellings (criteria with the dwelling rule).
    """

    criterion: str
    kind: str
    role: str
    label: str
    status: str
    layer: str = ""
    filter: str = ""
    buffer_m: float | None = None
    in_reach: int | None = None
    matched: int | None = None
    area_ha: float | None = None
    length_km: float | None = None
    dwellings: tuple[int, int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON data of the row."""
        out = {k: getattr(self, k) for k in ("criterion", "kind", "role", "label", "status", "layer", "filter",
                                             "buffer_m", "in_reach", "matched")}
        out["area_ha"] = None if self.area_ha is None else round(self.area_ha, 4)
        out["length_km"] = None if self.length_km is None else round(self.length_km, 4)
        out["dwellings"] = None if self.dwellings is None else dict(zip(("explicit", "unknown", "not_dwelling"),
                                                                       self.dwellings))
        return out


@dataclass(frozen=True)
class DataCheckResult:
    """The check's rows and warnings.

    Attributes
    ----------
    catalogue : str
        ``id version``.
    criteria : tuple of CriterionCheck
        One per active criterion, in catalogue order.
    warnings : tuple of DataWarning
        Every finding, in the order found.
    aoi : AoiExtent
        The selected areas.
    uncovered_pct : float or None
        Share of the area in no land-use polygon (None: not computed). [%]
    table : Path or None
        The CSV written.
    seconds : float
        Time taken. [s]
    """

    catalogue: str
    criteria: tuple[CriterionCheck, ...]
    warnings: tuple[DataWarning, ...]
    aoi: AoiExtent
    uncovered_pct: float | None = None
    table: Path | None = None
    seconds: float = 0.0

    def codes(self) -> list[str]:
        """The codes of the warnings, in order."""
        return [w.code for w in self.warnings]


def _conditions(flt: FeatureFilter):
    yield from flt.conditions
    for sub in flt.any_of:
        yield from _conditions(sub)


def _text_conditions(c: Criterion):
    """Conditions on text values of a criterion's filter and, if it reads it, the dwelling rule."""
    filters = [c.filter]
    if c.dwellings and c.dwelling_rule is not None:
        filters += [c.dwelling_rule.dwelling, c.dwelling_rule.not_dwelling]
    for flt in filters:
        for cond in _conditions(flt):
            if cond.op in _TEXT_OPS and cond.field not in PSEUDO_FIELDS:
                yield cond


def known_values(catalogue: Catalogue) -> dict[str, set[str]]:
    """Every value some filter of the catalogue (or its dwelling rule) names, per key."""
    out: dict[str, set[str]] = {}
    filters = [c.filter for c in catalogue.criteria]
    if catalogue.dwelling_rule is not None:
        filters += [catalogue.dwelling_rule.dwelling, catalogue.dwelling_rule.not_dwelling]
    for flt in filters:
        for cond in _conditions(flt):
            if cond.op in _TEXT_OPS:
                out.setdefault(cond.field, set()).update(str(v) for v in cond.values)
    return out


def _is_dwelling_filter(c: Criterion) -> bool:
    return c.layer == "buildings" and bool(c.dwellings or "building" in c.filter.fields())


def _uses_pseudo(c: Criterion) -> bool:
    return any(cond.field in PSEUDO_FIELDS for cond in _conditions(c.filter))


def _label(ci: CriterionInput) -> str:
    return ci.criterion.id if ci.bound else ci.criterion.layer


class _Findings:
    """Warnings in order, layer findings once per layer."""

    def __init__(self) -> None:
        self.items: list[DataWarning] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, w: DataWarning, once: bool = False) -> None:
        key = (w.code, w.layer, w.value)
        if once and key in self._seen:
            return
        self._seen.add(key)
        self.items.append(w)


def _read_group(group: list[CriterionInput], crs: Any, box: tuple[float, float, float, float], geometry: bool,
                settings: DataCheckSettings, found: _Findings,
                inside: tuple[float, float, float, float]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None,
                                                                    list[LayerRead], list[str]]:
    """Read the layers of the criteria sharing a frame; returns frame, bounds, geometries, reads, problems."""
    first = group[0]
    columns = [] if first.bound else list(dict.fromkeys(f for ci in group for f in ci.criterion.fields()))
    reads, frames, bounds, geoms, problems = [], [], [], [], []
    for k, source in enumerate(first.sources):
        role = source.role or source.criterion
        fixed = dict(source.attributes)
        try:
            lr = read_within(source.layer, role, [c for c in columns if c not in fixed], crs, box, geometry,
                             settings.max_where, inside)
        except InputError as exc:
            problems.append(str(exc))
            found.add(DataWarning("unreadable", role=_label(first), layer=source.layer.describe(),
                                  params={"layer": source.layer.describe(), "role": _label(first),
                                          "reason": str(exc).rstrip(".")}), once=True)
            continue
        for w in lr.warnings:
            w.role = w.role or role
            found.add(w, once=True)
        if k == 0 and first.own_layer:  # the run reads the role's own layer strictly: a missing field refuses it
            for fname in columns:
                if fname not in lr.info.fields and fname not in fixed:
                    users = [ci.criterion.id for ci in group if fname in ci.criterion.fields()]
                    hint = suggest(fname, lr.info.fields)
                    found.add(DataWarning("missing_field", criterion=", ".join(users), role=role,
                                          layer=source.layer.describe(), value=fname,
                                          params={"layer": source.layer.describe(), "role": role, "field": fname,
                                                  "criterion": ", ".join(users), "hint": hint}), once=True)
        extra = {c: None for c in columns if c not in lr.frame.columns}
        extra.update(fixed)
        frames.append(lr.frame.assign(**extra).reset_index(drop=True) if extra else lr.frame.reset_index(drop=True))
        bounds.append(lr.bounds)
        if lr.geometry is not None:
            geoms.append(lr.geometry)
        reads.append(lr)
    if not frames:
        return pd.DataFrame(), np.zeros((0, 4)), None, reads, problems
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    garr = np.concatenate(geoms) if geometry and len(geoms) == len(frames) else None
    return frame, np.concatenate(bounds), garr, reads, problems


def _near_misses(group: list[CriterionInput], frame: pd.DataFrame, known: Mapping[str, set[str]],
                 settings: DataCheckSettings, found: _Findings) -> None:
    """Values of the filtered keys close to a value a filter names, that no filter names."""
    targets: dict[str, dict[str, list[str]]] = {}  # field → target value → criteria
    for ci in group:
        if ci.bound:
            continue
        for cond in _text_conditions(ci.criterion):
            for v in cond.values:
                users = targets.setdefault(cond.field, {}).setdefault(str(v), [])
                if ci.criterion.id not in users:
                    users.append(ci.criterion.id)
    role = _label(group[0])
    for fname, values in targets.items():
        if fname not in frame.columns or not len(frame):
            continue
        raw = frame[fname].dropna().value_counts()
        counts = raw.groupby(raw.index.astype(str).str.strip()).sum()
        for value, n in counts.items():
            if not value or value in known.get(fname, ()):
                continue
            close = near_value(value, list(values), settings.max_edit_distance)
            if close is None:
                continue
            users = ", ".join(values[close])
            found.add(DataWarning("near_miss", criterion=users, role=role, count=int(n), value=f"{fname}={value}",
                                  known_value=close,
                                  params={"field": fname, "value": value, "count": int(n), "role": role,
                                          "known": close, "criteria": users}))


def _building_yes(group: list[CriterionInput], reads: list[LayerRead], catalogue: Catalogue,
                  settings: DataCheckSettings, found: _Findings) -> None:
    """The share of ``building=yes`` over the whole buildings layer(s)."""
    values = [lr.frame["building"] if len(lr.frame) == lr.info.feature_count and "building" in lr.frame.columns
              else layer_values(lr.ref, "building")  # the whole layer, read again only if not all was read
              for lr in reads if "building" in lr.info.fields and lr.info.feature_count]
    if not values:
        return
    series = pd.concat(values, ignore_index=True)
    raw = series.dropna().value_counts()
    total, yes = len(series), int(raw[raw.index.astype(str).str.strip() == "yes"].sum())
    share = 100.0 * yes / total
    if share <= settings.max_building_yes_pct:
        return
    rule = [ci.criterion for ci in group if ci.criterion.dwellings and ci.criterion.dwelling_rule is not None]
    if rule:
        treatment = rule[0].dwelling_rule.unknown if rule[0].dwellings == "possible" else "not_dwelling"
        sub = ("treatment_dwelling" if treatment == "dwelling" else "treatment_not_dwelling", {})
        consequence = ("building_yes_rule", {"treatment": sub})
    else:
        users = ", ".join(ci.criterion.id for ci in group if _is_dwelling_filter(ci.criterion)) or "–"
        consequence = ("building_yes_filter", {"criteria": users})
    layer = "; ".join(lr.ref.describe() for lr in reads)
    found.add(DataWarning("building_yes_share", criterion=", ".join(ci.criterion.id for ci in group), role="buildings",
                          layer=layer, count=yes, share_pct=share, value="building=yes",
                          params={"count": yes, "total": total, "share_pct": share, "consequence": consequence}))


def run_data_check(catalogue: Catalogue, layers: Mapping[str, LayerRef], aoi: AreaOfInterest,
                   outputs: DataCheckOutputs | None = None, settings: DataCheckSettings | None = None,
                   progress: Progress | None = None) -> DataCheckResult:
    """Check the inputs of an eligibility run; write the table if ``outputs.table`` is set.

    Parameters
    ----------
    catalogue : Catalogue
        The criteria (the active ones of ``settings.eligibility.kinds`` are checked).
    layers : dict
        Role → layer, as for :func:`.engine.run_eligibility`.
    aoi : AreaOfInterest
        The municipalities.
    outputs : DataCheckOutputs, optional
        The CSV table.
    settings : DataCheckSettings, optional
        The eligibility settings, language and thresholds.
    progress : Progress, optional
        Progress and cancel.

    Raises
    ------
    InputError
        If the area of interest cannot be read (no name field, no polygon, a name not in it) or a layer
        binding names an unknown criterion or role; every other problem is a warning of the result.
    """
    t0 = time.perf_counter()
    progress = progress or NullProgress()
    outputs = outputs or DataCheckOutputs()
    settings = settings or DataCheckSettings()
    es = settings.eligibility
    crs = check_working_crs(es.crs)
    active = list(catalogue.active(tuple(es.kinds), es.on_date))
    check_bindings(es.layer_bindings, [c.id for c in catalogue.criteria])
    inputs, absent = resolve_inputs([c for c in active if not getattr(c, "raster", "")], layers, es.layer_bindings)
    turbine = es.turbine or catalogue.reference_turbine
    progress.report(0.0, render("progress_aoi", {}))
    extent, aoi_warnings = read_aoi_extent(aoi, crs, settings.max_where)
    found = _Findings()
    for w in aoi_warnings:
        found.add(w, once=True)
    rows: dict[str, CriterionCheck] = {}
    for a in absent:
        c = catalogue.criterion(a.criterion)
        rows[c.id] = CriterionCheck(c.id, c.kind, a.role, c.label.get(settings.language), "not_assessed",
                                    filter=str(c.filter), buffer_m=c.buffer_m(turbine))
        found.add(DataWarning("not_assessed", criterion=c.id, role=a.role, value=a.reason,
                              params={"criterion": c.id, "reason": a.reason, "role": a.role}))
    known = known_values(catalogue)
    groups: dict[str, list[CriterionInput]] = {}
    for ci in inputs:
        groups.setdefault(frame_key(ci), []).append(ci)
    uncovered_pct = None
    for g, (key, group) in enumerate(groups.items()):
        check_cancelled(progress)
        progress.report(0.05 + 0.85 * g / max(1, len(groups)), render("progress_layer", {"role": _label(group[0])}))
        buffers = {ci.criterion.id: ci.criterion.buffer_m(turbine) for ci in group}
        box = grow(extent.bounds, max(buffers.values()))
        geometry = settings.geometry or any(_uses_pseudo(ci.criterion) for ci in group)
        inside = grow(extent.bounds, min(buffers.values()))
        frame, bounds, geoms, reads, problems = _read_group(group, crs, box, geometry, settings, found, inside)
        lacking = {w.value for w in found.items if w.code == "missing_field" and w.role == _label(group[0])}
        layer_text = "; ".join(b.layer.describe() for b in group[0].sources)
        if not reads:
            for ci in group:
                c = ci.criterion
                rows[c.id] = CriterionCheck(c.id, c.kind, _label(ci), c.label.get(settings.language), "unreadable",
                                            layer_text, str(c.filter), buffers[c.id])
            continue
        empty = all(lr.info.feature_count == 0 for lr in reads)
        if empty:
            ids = ", ".join(ci.criterion.id for ci in group)
            found.add(DataWarning("empty_layer", criterion=ids, role=_label(group[0]), layer=layer_text, count=0,
                                  params={"layer": layer_text, "role": _label(group[0]), "criteria": ids}))
        for ci in group:
            c = ci.criterion
            cbox = grow(extent.bounds, buffers[c.id])
            reach = in_box(bounds, cbox)
            sub = frame[reach].reset_index(drop=True)
            if not ci.bound:
                sub = sub.assign(**{f: None for f in c.fields() if f not in sub.columns})
            if geoms is not None and _uses_pseudo(c):  # $area_ha, $length_km
                sub = gpd.GeoDataFrame(sub, geometry=list(geoms[reach]), crs=crs)
            mask, counts = selection_mask(ci, sub)
            matched = int(mask.sum())
            area = length = None
            if settings.geometry and geoms is not None:
                area, length = measure(geoms[reach][mask], cbox)
            dwell = None if counts is None else (counts.explicit, counts.unknown, counts.not_dwelling)
            rows[c.id] = CriterionCheck(c.id, c.kind, _label(ci), c.label.get(settings.language), "assessed",
                                        layer_text, str(c.filter) if not ci.bound else "all features",
                                        buffers[c.id], int(reach.sum()), matched, area, length, dwell)
            if empty:
                continue
            if not reach.any():
                found.add(DataWarning("nothing_in_reach", criterion=c.id, role=_label(ci), layer=layer_text,
                                      count=0, params={"criterion": c.id, "role": _label(ci),
                                                       "buffer_m": buffers[c.id]}))
            elif matched == 0 and not any(f in lacking for f in c.fields()):  # a missing field is its own warning
                found.add(DataWarning("no_match", criterion=c.id, role=_label(ci), layer=layer_text, count=0,
                                      params={"criterion": c.id, "role": _label(ci), "in_reach": int(reach.sum()),
                                              "filter": str(c.filter) if c.filter.conditions or c.filter.any_of
                                              else str(c.dwelling_rule or c.filter)}))
            elif not ci.bound and _is_dwelling_filter(c):
                share = 100.0 * matched / int(reach.sum())
                if share < settings.min_dwelling_share_pct:
                    found.add(DataWarning("dwelling_share", criterion=c.id, role="buildings", layer=layer_text,
                                          count=matched, share_pct=share,
                                          params={"criterion": c.id, "matched": matched, "in_reach": int(reach.sum()),
                                                  "share_pct": share}))
        _near_misses(group, frame, known, settings, found)
        if key == "role:buildings":
            _building_yes(group, reads, catalogue, settings, found)
        if key == "role:landuse" and settings.geometry and geoms is not None and extent.total_ha > 0:
            check_cancelled(progress)
            progress.report(0.92, render("progress_landuse", {}))
            uncovered_ha = uncovered_fraction(extent.geoms, geoms, settings.coverage_points) * extent.total_ha
            uncovered_pct = 100.0 * uncovered_ha / extent.total_ha
            if uncovered_pct > settings.max_uncovered_pct:
                found.add(DataWarning("no_landuse", role="landuse", layer=layer_text, share_pct=uncovered_pct,
                                      params={"share_pct": uncovered_pct, "uncovered_ha": uncovered_ha,
                                              "total_ha": extent.total_ha}))
    for c in active:
        if getattr(c, "raster", "") and c.id not in rows:
            rows[c.id] = CriterionCheck(c.id, c.kind, c.raster, c.label.get(settings.language), "raster",
                                        filter=c.selects(), buffer_m=c.buffer_m(turbine))
    criteria = tuple(rows[c.id] for c in active if c.id in rows)
    result = DataCheckResult(f"{catalogue.id} {catalogue.version}", criteria, tuple(found.items), extent,
                             uncovered_pct, outputs.table, time.perf_counter() - t0)
    if outputs.table is not None:
        with OutputTransaction() as tx:
            write_data_check_table(tx.temp_for(outputs.table), result, settings.language)
    n_absent = sum(1 for r in criteria if r.status == "not_assessed")
    progress.info(render("summary", {"n_criteria": len(criteria), "n_not_assessed": n_absent,
                                     "n_warnings": len(found.items)}))
    progress.report(1.0, msg("step_done"))
    return result


def quick_check(catalogue: Catalogue, layers: Mapping[str, LayerRef], aoi: AreaOfInterest,
                settings: EligibilitySettings, progress: Progress | None = None) -> DataCheckResult:
    """The cheap check at the start of an eligibility run: schemas, attributes and feature bounds only."""
    return run_data_check(catalogue, layers, aoi, DataCheckOutputs(),
                          DataCheckSettings(settings, geometry=False), NullProgress() if progress is None else progress)


def _num(value: Any) -> Any:
    return "" if value is None else value


def data_check_rows(result: DataCheckResult, language: str = "en") -> list[list[Any]]:
    """The rows of the CSV table (:data:`CSV_COLUMNS`): one per criterion, then one per warning."""
    rows = []
    for r in result.criteria:
        d = r.dwellings or ("", "", "")
        rows.append(["criterion", "", r.criterion, r.kind, r.role, r.layer, r.status, r.filter, _num(r.buffer_m),
                     _num(r.in_reach), _num(r.matched), _num(r.area_ha), _num(r.length_km), d[0], d[1], d[2],
                     "", "", "", "", "", r.label])
    for w in result.warnings:
        rows.append(["warning", w.code, w.criterion, "", w.role, w.layer, "", "", "", "", "", "", "", "", "", "",
                     _num(w.count), _num(w.share_pct), w.value, w.known_value, w.where, w.text(language)])
    return rows


def write_data_check_table(path: Path, result: DataCheckResult, language: str = "en") -> None:
    """Write the CSV table of a check (UTF-8, comma-separated; columns :data:`CSV_COLUMNS`)."""
    write_csv(path, CSV_COLUMNS, data_check_rows(result, language))


def data_check_json(result: DataCheckResult) -> dict[str, Any]:
    """JSON data of a check: catalogue, area, criteria, warnings (each with its messages in en and de)."""
    return {"catalogue": result.catalogue,
            "aoi": {"n_areas": result.aoi.n_areas, "total_ha": round(result.aoi.total_ha, 4),
                    "bounds": [round(v, 3) for v in result.aoi.bounds],
                    "uncovered_pct": None if result.uncovered_pct is None else round(result.uncovered_pct, 3)},
            "criteria": [r.to_json() for r in result.criteria],
            "warnings": [w.to_json() for w in result.warnings],
            "table": None if result.table is None else str(result.table), "seconds": round(result.seconds, 3)}


def warning_lines(warnings: Sequence[DataWarning], skip: Sequence[str] = ()) -> list[str]:
    """The English log lines of warnings (``Data check: …``), leaving out the codes ``skip``."""
    return [w.line() for w in warnings if w.code not in skip]
