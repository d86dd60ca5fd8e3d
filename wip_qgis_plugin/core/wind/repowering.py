"""Repowering: which existing turbines are old enough to be replaced, and what a new layout puts in their place.

:func:`run_repowering` reads the existing turbines (role ``wind_turbines``: commissioning year, hub height,
rotor, capacity as OSM, the UFZ/MaStR-like tables or this project write them) and a new layout: given (the
turbines of :func:`.layout.run_turbine_layout`, or those left by the immission check), or placed here
(:class:`ReplacementLayout`: the layout engine on the eligible land within the candidates' zones and the
plan's repowering areas). An existing turbine is a candidate when it has reached ``min_age_years`` (20 by
default: the end of the EEG payment period) in ``reference_year``.

A new turbine is a repowering turbine, and says by which rule in ``repowering_rule``:

- ``16b_5h``: it stands within ``zone_h`` times its own total height of a candidate (§ 16b (2) BImSchG: the
  simplified procedure for a modernisation applies to a new turbine within five times its total height of the
  old one, as amended in 2024; before: twice); it replaces those candidates;
- ``plan_area``: otherwise, it stands in a repowering area of the plan (a regional plan's
  "Repoweringflächen", optional polygons); it replaces the candidates standing in the same area, if any.

A turbine within 5 H that also stands in a plan area replaces the candidates of both. Each replaced old
turbine is shared equally among the new turbines that replace it (``old_replaced``, ``old_mw_replaced``,
``old_mwh_per_a_replaced`` on the new turbines sum to the totals). The balance per municipality: old
turbines, MW and MWh/a removed (the old energy as capacity × ``old_full_load_hours``, by default the measured
ABW fleet figure of DOMAIN.md), new turbines, MW and MWh/a put in their place.

Turbines without a commissioning year are counted and left out (not guessed); zero candidates is a result.
"""
from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, write_csv, write_vector
from ..defaults import DEFAULT_CRS
from ..eligibility.aoi import AreaOfInterest
from ..errors import InputError
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from .immission import HUB_FIELDS, ROTOR_FIELDS, metres
from .layout import LayoutOutputs, LayoutSettings, run_turbine_layout
from .turbines import load_turbine
from ..messages import msg

#: Fields with the commissioning year (or a date starting with it), first found wins.
YEAR_FIELDS = ("commissioning_year", "start_date", "Year", "Inbetriebnahme", "inbetriebnahme")
#: Fields with the rated power: MW, kW or OSM text (``"3.05 MW"``).
POWER_FIELDS = (("capacity_mw", 1.0), ("Power_kW", 0.001), ("generator:output:electricity", None))
TABLE_FIELDS = ("municipality", "old_replaced", "old_mw", "old_mwh_per_a", "new_turbines", "new_mw",
                "new_mwh_per_a", "net_mw", "net_mwh_per_a", "new_16b_5h", "new_plan_area")
#: Values of ``repowering_rule`` (a new turbine that is no repowering turbine has ``""``).
RULE_16B, RULE_PLAN = "16b_5h", "plan_area"
#: Fields added to the new turbines (``turbines`` output).
NEW_FIELDS = ("repowering_rule", "replaces", "old_replaced", "old_mw_replaced", "old_mwh_per_a_replaced")
#: Sides of the polygon that stands for a zone's circle when the layout engine places turbines in it (the
#: polygon lies inside the circle, so every tower placed in it keeps the exact distance). [-]
ZONE_QUAD_SEGS = 32


@dataclass(frozen=True)
class RepoweringSettings:
    """Which turbines are old, and how close a new one must stand to replace them.

    Attributes
    ----------
    crs : str
        Projected working CRS.
    reference_year : int or None
        The year of the assessment; None: this year.
    min_age_years : float
        Age from which an existing turbine is a candidate (20: the EEG payment period). [a]
    zone_h : float
        A new turbine replaces candidates within this many of its total heights (§ 16b (2) BImSchG: 5). [-]
    old_full_load_hours : float
        Full-load hours of the old turbines (the ABW fleet 2011–2015, DOMAIN.md). [h/a]
    name_field : str
        Field of the municipalities' names (the balance's rows).
    """

    crs: str = DEFAULT_CRS
    reference_year: int | None = None
    min_age_years: float = 20.0
    zone_h: float = 5.0
    old_full_load_hours: float = 1630.0
    name_field: str = "name"

    def check(self) -> None:
        """Raise :class:`InputError` naming impossible settings."""
        if not self.min_age_years >= 0 or not self.zone_h > 0 or not 0 < self.old_full_load_hours < 8760:
            raise InputError("Repowering: min_age_years ≥ 0, zone_h > 0 and 0 < old_full_load_hours < 8,760 h; "
                             f"got {self.min_age_years!r}, {self.zone_h!r}, {self.old_full_load_hours!r}.")


@dataclass(frozen=True)
class RepoweringOutputs:
    """Destinations: the existing turbines with their status (GeoPackage, layer ``old_turbines``), the balance
    (CSV) and the new turbines with their repowering rule (GeoPackage, layer ``turbines``; required when the
    replacement layout is placed here)."""

    old_turbines: Path
    table: Path | None = None
    turbines: Path | None = None


@dataclass(frozen=True)
class ReplacementLayout:
    """Place the replacement turbines with the layout engine (:func:`.layout.run_turbine_layout`).

    The turbines stand on ``eligible_areas`` within ``zone_h`` total heights of a candidate or in a repowering
    area of the plan (under rotor-in the zone grows by the rotor radius before the engine shrinks the land by
    it, so the tower keeps the zone).

    Attributes
    ----------
    eligible_areas : LayerRef
        Eligible-area polygons (``eligible_areas`` of an eligibility run: area_id, name, ags).
    turbine : str or None
        The replacement turbine (name or YAML file); None: :data:`..defaults.DEFAULT_TURBINE`.
    rasters : dict of str to str
        Wind rasters and dem, as for the layout.
    layers : dict of str to LayerRef
        ``landuse``/``water`` (roughness) and ``buildings`` (distance to houses), as for the layout.
    settings : LayoutSettings
        Spacing, rotor-in, objective, wakes; its CRS is replaced by the repowering's.
    aoi : AreaOfInterest or None
        The municipalities of the layout's tables.
    """

    eligible_areas: LayerRef
    turbine: str | None = None
    rasters: Mapping[str, str] = field(default_factory=dict)
    layers: Mapping[str, LayerRef] = field(default_factory=dict)
    settings: LayoutSettings = field(default_factory=LayoutSettings)
    aoi: AreaOfInterest | None = None


@dataclass(frozen=True)
class RepoweringResult:
    """The balance of old and new turbines (totals; ``rows`` per municipality).

    ``n_candidates``: existing turbines old enough; ``n_replaced``: those a new turbine replaces (``old_mw`` and
    ``old_mwh_per_a`` are theirs); ``n_new``: the repowering turbines (``n_new_16b`` within the zone,
    ``n_new_plan_area`` by the plan's areas alone); ``n_layout``: all new turbines, ``placed``: whether this run
    placed them.
    """

    reference_year: int
    n_existing: int
    n_without_year: int
    n_candidates: int
    n_replaced: int
    old_mw: float
    old_mwh_per_a: float
    n_new: int
    new_mw: float
    new_mwh_per_a: float
    rows: tuple[dict[str, Any], ...] = field(default=())
    outputs: RepoweringOutputs | None = None
    n_new_16b: int = 0
    n_new_plan_area: int = 0
    n_layout: int = 0
    placed: bool = False


def commissioning_year(values: Any) -> np.ndarray:
    """The year a field holds (``2009``, ``"2009-05-12"``, ``"12.05.2009"``); NaN where none. [a]"""
    text = pd.Series(values, dtype=object).astype(str)
    year = text.str.extract(r"((?:19|20)\d\d)")[0]
    return pd.to_numeric(year, errors="coerce").to_numpy(float)


def rated_mw(frame: pd.DataFrame) -> np.ndarray:
    """Rated power from the first power field present [MW]; NaN where it cannot be read."""
    for name, factor in POWER_FIELDS:
        if name not in frame.columns:
            continue
        if factor is not None:
            return pd.to_numeric(frame[name], errors="coerce").to_numpy(float) * factor
        out = []
        for v in frame[name].astype(str):
            m = re.match(r"\s*(\d+(?:[.,]\d+)?)\s*(MW|kW|W)?\s*$", v)
            scale = {"MW": 1.0, "kW": 1e-3, "W": 1e-6, None: np.nan}[m.group(2)] if m else np.nan  # no unit: unknown
            out.append(float(m.group(1).replace(",", ".")) * scale if m else np.nan)
        return np.asarray(out)
    return np.full(len(frame), np.nan)




def repowering_pairs(new_points: np.ndarray, reach_m: np.ndarray, candidates: np.ndarray,
                     plan_areas: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Which new turbine replaces which candidate, by exact distance and by the plan's repowering areas.

    Parameters
    ----------
    new_points : array of shapely Points
        The new turbines.
    reach_m : array of float
        Per new turbine, the distance within which it replaces a candidate (``zone_h`` × total height). [m]
    candidates : array of shapely Points
        The candidates (existing turbines old enough).
    plan_areas : array of shapely Polygons, optional
        The plan's repowering areas.

    Returns
    -------
    tuple of numpy.ndarray
        ``new_index, candidate_index`` of every pair (unique, sorted), ``pair_in_zone`` (per pair: the candidate
        stands within the new turbine's reach), ``within_zone`` (per new turbine: some candidate within its
        reach) and ``in_plan_area`` (per new turbine: it stands in a repowering area).
    """
    new_points = np.asarray(new_points, dtype=object)
    candidates = np.asarray(candidates, dtype=object)
    n = len(new_points)
    pairs = [np.empty((0, 3), dtype=np.int64)]  # new, candidate, 1 = within the zone
    within, in_plan = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if n and len(candidates):  # exact distances, as for every setback
        t, o = shapely.STRtree(candidates).query(new_points, predicate="dwithin", distance=np.asarray(reach_m, float))
        within[t] = True
        pairs.append(np.column_stack([t, o, np.ones(len(t), dtype=np.int64)]))
    if n and plan_areas is not None and len(plan_areas):
        tree = shapely.STRtree(np.asarray(plan_areas, dtype=object))
        t, area_t = tree.query(new_points, predicate="intersects")
        in_plan[t] = True
        if len(candidates):
            o, area_o = tree.query(candidates, predicate="intersects")
            joined = pd.DataFrame({"t": t, "a": area_t}).merge(pd.DataFrame({"o": o, "a": area_o}), on="a")
            pairs.append(np.column_stack([joined["t"].to_numpy(np.int64), joined["o"].to_numpy(np.int64),
                                          np.zeros(len(joined), dtype=np.int64)]))
    frame = pd.DataFrame(np.vstack(pairs), columns=["t", "o", "zone"]).groupby(["t", "o"], as_index=False)["zone"].max()
    return (frame["t"].to_numpy(np.int64), frame["o"].to_numpy(np.int64), frame["zone"].to_numpy(bool), within,
            in_plan)


def replacement_zones(candidates: np.ndarray, radius_m: float, plan_areas: np.ndarray | None = None,
                      grow_m: float = 0.0) -> shapely.Geometry:
    """Where replacement turbines may stand: within ``radius_m`` of a candidate or in a plan's repowering area.

    The circles are polygons of :data:`ZONE_QUAD_SEGS` sides per quarter inside the exact circle; ``grow_m``
    widens everything (the rotor radius under rotor-in, which the layout engine takes off again). [m]
    """
    parts = [shapely.buffer(np.asarray(candidates, dtype=object), radius_m + grow_m, quad_segs=ZONE_QUAD_SEGS)]
    if plan_areas is not None and len(plan_areas):
        areas = np.asarray(plan_areas, dtype=object)
        parts.append(shapely.buffer(areas, grow_m, quad_segs=ZONE_QUAD_SEGS) if grow_m > 0 else areas)
    geoms = np.concatenate(parts)
    return shapely.union_all(geoms) if len(geoms) else shapely.Polygon()


def place_replacements(placement: ReplacementLayout, candidates: np.ndarray, plan_areas: np.ndarray | None,
                       zone_h: float, crs: Any, folder: Path, progress: Progress) -> LayerRef:
    """Run the layout engine on the eligible land within the replacement zones; the placed turbines' layer."""
    turbine = load_turbine(placement.turbine, placement.settings.hub_height_m)
    height = turbine.hub_height_m + turbine.rotor_radius_m
    grow = turbine.rotor_radius_m if placement.settings.rotor_in else 0.0
    zones = replacement_zones(candidates, zone_h * height, plan_areas, grow)
    info = layer_info(placement.eligible_areas, "eligible areas")
    columns = tuple(c for c in ("area_id", "name", "ags") if c in info.fields)
    if zones.is_empty:
        areas = gpd.GeoDataFrame({c: np.array([], dtype=object) for c in columns},
                                 geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    else:
        areas = read_layer(placement.eligible_areas, "eligible areas", crs, tuple(shapely.bounds(zones)), columns,
                           "repair", empty_ok=True)
        cut = [_polygons(g) for g in shapely.intersection(np.asarray(areas.geometry.values, dtype=object), zones)]
        areas = areas.set_geometry(gpd.GeoSeries(cut, crs=crs))
        areas = areas[shapely.area(areas.geometry.values) > 0].reset_index(drop=True)
    ha = float(areas.geometry.area.sum()) / 1e4
    if plan_areas is not None and len(plan_areas):
        progress.info(msg("repowering_replacement_plan", area_ha=ha, h=float(zone_h)))
    else:
        progress.info(msg("repowering_replacement", area_ha=ha, h=float(zone_h)))
    ref = LayerRef(str(folder / "replacement_areas.gpkg"), "eligible_areas")
    write_vector(Path(ref.path), areas, "eligible_areas", "MultiPolygon")
    out = LayoutOutputs(folder / "replacement_turbines.gpkg")
    settings = replace(placement.settings, crs=crs.to_string())
    run_turbine_layout(placement.turbine, ref, dict(placement.rasters), dict(placement.layers), out, settings,
                       progress, placement.aoi)
    return LayerRef(str(out.turbines), "turbines")


def _polygons(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal parts of an intersection as one MultiPolygon (lines and points where edges touch dropped)."""
    parts = shapely.get_parts(shapely.get_parts(geom))  # a collection may hold multipolygons
    polygons = parts[shapely.get_type_id(parts) == 3]
    return shapely.multipolygons(polygons) if len(polygons) else shapely.MultiPolygon()


def _municipality(points: np.ndarray, aoi: gpd.GeoDataFrame | None) -> np.ndarray:
    out = np.full(len(points), "(outside)" if aoi is not None else "(all)", dtype=object)
    if aoi is None or aoi.empty or not len(points):
        return out
    p, a = shapely.STRtree(aoi.geometry.values).query(points, predicate="intersects")
    out[p] = aoi["name"].astype(str).to_numpy()[a]
    return out


def _read_existing(existing: LayerRef, crs: Any) -> tuple[gpd.GeoDataFrame, str]:
    info = layer_info(existing, "existing turbines")
    year_field = next((f for f in YEAR_FIELDS if f in info.fields), None)
    hub_field = next((f for f in HUB_FIELDS if f in info.fields), None)
    rotor_field = next((f for f in ROTOR_FIELDS if f in info.fields), None)
    if year_field is None or hub_field is None or rotor_field is None:
        raise InputError(f"The existing turbines ({existing.describe()}) need a commissioning year "
                         f"({' or '.join(YEAR_FIELDS[:3])}), a hub height and a rotor diameter field. Fields present: "
                         f"{', '.join(info.fields) or 'none'}.")
    power_cols = tuple(n for n, _ in POWER_FIELDS if n in info.fields)
    old = read_layer(existing, "existing turbines", crs, columns=(year_field, hub_field, rotor_field, *power_cols),
                     empty_ok=True)
    return old.explode(index_parts=False).reset_index(drop=True), year_field


def _read_new(new: LayerRef, crs: Any) -> gpd.GeoDataFrame:
    info = layer_info(new, "new turbines")
    needed = ("hub_height_m", "rotor_diameter_m", "capacity_mw", "energy_mwh_per_a")
    missing = [f for f in needed if f not in info.fields]
    if missing:
        raise InputError(f"The new turbines ({new.describe()}) lack the field(s) {', '.join(missing)}; give a layout "
                         "(wip layout, or the turbines after wip immission). Fields present: "
                         f"{', '.join(info.fields) or 'none'}.")
    frame = read_layer(new, "new turbines", crs, columns=tuple(info.fields), empty_ok=True)
    frame = frame.drop(columns=[c for c in NEW_FIELDS if c in frame.columns])  # a repowering output read again
    return frame.explode(index_parts=False).reset_index(drop=True)


def run_repowering(existing: LayerRef, new: LayerRef | None, outputs: RepoweringOutputs,
                   settings: RepoweringSettings = RepoweringSettings(), municipalities: LayerRef | None = None,
                   progress: Progress | None = None, plan_areas: LayerRef | None = None,
                   placement: ReplacementLayout | None = None) -> RepoweringResult:
    """Repowering candidates among the existing turbines and the new turbines that replace them.

    Parameters
    ----------
    existing : LayerRef
        Existing turbines (points) with a commissioning year, hub height and rotor fields.
    new : LayerRef or None
        New turbines (points) with ``hub_height_m``, ``rotor_diameter_m``, ``capacity_mw`` and
        ``energy_mwh_per_a``; None: ``placement`` places them.
    outputs : RepoweringOutputs
        Destinations.
    settings : RepoweringSettings
        Age, zone and the old turbines' full-load hours.
    municipalities : LayerRef, optional
        Polygons with their name in ``settings.name_field``: the balance per municipality (else one row).
    progress : Progress, optional
        Progress and messages.
    plan_areas : LayerRef, optional
        The plan's repowering areas (polygons): new turbines in them are repowering turbines too.
    placement : ReplacementLayout, optional
        Place the replacement turbines on eligible land in the zones (instead of ``new``).

    Raises
    ------
    InputError
        Neither or both of ``new`` and ``placement``; missing fields; candidates without a readable power.
    """
    progress = progress or NullProgress()
    settings.check()
    crs = check_working_crs(settings.crs)
    if (new is None) == (placement is None):
        raise InputError("Repowering: give either the new turbines (a layout) or the eligible areas to place a "
                         "replacement layout on, not " + ("both." if new is not None else "neither."))
    if placement is not None and outputs.turbines is None:
        raise InputError("Repowering: a placed replacement layout needs a destination for its turbines "
                         "(outputs.turbines).")
    year_now = settings.reference_year or dt.date.today().year
    old, year_field = _read_existing(existing, crs)
    years = commissioning_year(old[year_field])
    mw = rated_mw(old)
    no_year = ~np.isfinite(years)
    if no_year.any():
        progress.warning(msg("repowering_no_year", n=int(no_year.sum()), m=len(old), field=year_field))
    candidate = np.isfinite(years) & (year_now - years >= settings.min_age_years)
    if np.any(candidate & ~np.isfinite(mw)):
        raise InputError(f"{int(np.sum(candidate & ~np.isfinite(mw)))} repowering candidate(s) have no readable rated "
                         f"power ({', '.join(n for n, _ in POWER_FIELDS)}); fill it.")
    plan = None
    if plan_areas is not None:
        frame = read_layer(plan_areas, "repowering areas", crs, invalid="repair", empty_ok=True)
        kinds = set(shapely.get_type_id(frame.geometry.values).tolist())
        if kinds - {3, 6}:
            raise InputError(f"The repowering areas ({plan_areas.describe()}) must be polygons; give the plan's "
                             "repowering areas (Repoweringflächen) as a polygon layer.")
        plan = np.asarray(frame.geometry.values, dtype=object)
    old_pts = np.asarray(old.geometry.values, dtype=object)
    cand_idx = np.flatnonzero(candidate)
    with tempfile.TemporaryDirectory(prefix="wip_repowering_") as folder:
        if placement is not None:
            new = place_replacements(placement, old_pts[cand_idx], plan, settings.zone_h, crs, Path(folder),
                                     SubProgress(progress, 0.05, 0.85))
        assert new is not None
        turbines = _read_new(new, crs)
    check_cancelled(progress)
    height = metres(turbines["hub_height_m"]) + metres(turbines["rotor_diameter_m"]) / 2.0
    if not np.all(np.isfinite(height)):
        raise InputError(f"{int(np.sum(~np.isfinite(height)))} new turbine(s) of {new.describe()} have no readable "
                         "hub_height_m or rotor_diameter_m; fill them.")
    new_pts = np.asarray(turbines.geometry.values, dtype=object)
    t, o, pair_zone, within, in_plan = repowering_pairs(new_pts, settings.zone_h * height, old_pts[cand_idx], plan)
    o = cand_idx[o]  # candidate → existing turbine
    rule = np.where(within, RULE_16B, np.where(in_plan, RULE_PLAN, "")).astype(object)
    repowering = rule != ""
    replaced = np.zeros(len(old), dtype=bool)
    replaced[o] = True
    by_zone = np.zeros(len(old), dtype=bool)
    by_zone[o[pair_zone]] = True
    k = np.bincount(o, minlength=len(old))  # new turbines replacing each old one
    share = 1.0 / k[o] if len(o) else np.empty(0)
    old_mw = np.nan_to_num(mw)
    old_mwh = old_mw * settings.old_full_load_hours
    old_id = np.asarray([f"A{i + 1}" for i in range(len(old))], dtype=object)
    replaces = [[] for _ in range(len(turbines))]
    for ti, oi in zip(t.tolist(), o.tolist()):
        replaces[ti].append(old_id[oi])
    turbines["repowering_rule"] = rule
    turbines["replaces"] = np.asarray([",".join(r) for r in replaces], dtype=object)
    turbines["old_replaced"] = np.bincount(t, weights=share, minlength=len(turbines))
    turbines["old_mw_replaced"] = np.bincount(t, weights=share * old_mw[o], minlength=len(turbines))
    turbines["old_mwh_per_a_replaced"] = np.bincount(t, weights=share * old_mwh[o], minlength=len(turbines))
    aoi = read_layer(municipalities, "municipalities", crs, columns=(settings.name_field,),
                     invalid="repair").rename(columns={settings.name_field: "name"}) if municipalities else None
    old_muni = _municipality(old_pts, aoi)
    new_muni = _municipality(new_pts, aoi)
    new_mw = pd.to_numeric(turbines["capacity_mw"], errors="coerce").fillna(0.0).to_numpy(float)
    new_mwh = pd.to_numeric(turbines["energy_mwh_per_a"], errors="coerce").fillna(0.0).to_numpy(float)
    rows = []
    for name in sorted(set(old_muni[replaced]) | set(new_muni[repowering])):
        a, n = replaced & (old_muni == name), repowering & (new_muni == name)
        row = {"municipality": name, "old_replaced": int(a.sum()), "old_mw": float(np.sum(old_mw[a])),
               "old_mwh_per_a": float(np.sum(old_mwh[a])), "new_turbines": int(n.sum()),
               "new_mw": float(new_mw[n].sum()), "new_mwh_per_a": float(new_mwh[n].sum()),
               "new_16b_5h": int(np.sum(n & (rule == RULE_16B))), "new_plan_area": int(np.sum(n & (rule == RULE_PLAN)))}
        row["net_mw"] = row["new_mw"] - row["old_mw"]
        row["net_mwh_per_a"] = row["new_mwh_per_a"] - row["old_mwh_per_a"]
        rows.append(row)
    status = np.where(no_year, "no commissioning year", np.where(
        replaced, "repowering: replaced", np.where(candidate, "candidate: no new turbine within the zone", "too young")))
    out = gpd.GeoDataFrame({"old_id": old_id, "commissioning_year": years, "age_years": year_now - years,
                            "capacity_mw": mw, "status": status.astype(object),
                            "repowering_rule": np.where(replaced, np.where(by_zone, RULE_16B, RULE_PLAN), "").astype(
                                object), "replaced_by": k.astype(np.int64), "municipality": old_muni},
                           geometry=old.geometry.values, crs=old.crs)
    with OutputTransaction() as tx:
        write_vector(tx.temp_for(Path(outputs.old_turbines)), out, "old_turbines", "Point")
        if outputs.table is not None:
            write_csv(tx.temp_for(Path(outputs.table)), TABLE_FIELDS, [[r[f] for f in TABLE_FIELDS] for r in rows])
        if outputs.turbines is not None:
            write_vector(tx.temp_for(Path(outputs.turbines)), turbines, "turbines", "Point")
    progress.info(msg("repowering_summary", year=int(year_now), n=int(candidate.sum()), m=len(old),
                      age=float(settings.min_age_years), k=int(by_zone.sum()), h=float(settings.zone_h)))
    if plan is not None:
        progress.info(msg("repowering_plan_areas", n=int(in_plan.sum()), m=int(np.sum(rule == RULE_PLAN)),
                          h=float(settings.zone_h), k=int(np.sum(replaced & ~by_zone))))
    return RepoweringResult(year_now, len(old), int(no_year.sum()), int(candidate.sum()), int(replaced.sum()),
                            float(np.sum(old_mw[replaced])), float(np.sum(old_mwh[replaced])), int(repowering.sum()),
                            float(new_mw[repowering].sum()), float(new_mwh[repowering].sum()), tuple(rows), outputs,
                            int(np.sum(rule == RULE_16B)), int(np.sum(rule == RULE_PLAN)), len(turbines),
                            placement is not None)
