"""Scenarios: one YAML file naming the input layers by role, the technologies and the outputs.

Paths in a scenario are relative to the scenario file. The file is read and checked in one pass
(every problem with its place, raised together); each step's section becomes a typed run
(:class:`TechnologyRun`, :class:`WindRun`, :class:`ProfileSection` …). This module is longer than
700 lines because it is the one validator of the one scenario format, section by section.

Example::

    name: Beispielregion
    crs: EPSG:25832
    resolution_m: 10
    output_dir: ../out
    layers:
      municipalities: {path: revier_sample.gpkg, layer: municipalities}
      buildings: {path: revier_sample.gpkg, layer: buildings}
    area_of_interest: {layer: municipalities, name_field: name, names: []}
    eligibility:
      wind: {catalogue: wind_sachsen_anhalt, kinds: [hard, soft], min_area_ha: 1}
      pv_ground: {catalogue: pv_ground, overrides: {forest: {buffer: 30 m}}}
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..catalogue.loader import Catalogue, load_catalogue
from ..catalogue.model import DEFAULT_KINDS
from ..data.layers import ROLES, LayerRef
from ..data.rasters import RASTER_ROLES
from ..defaults import DEFAULT_CRS, DEFAULT_TURBINE
from ..eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings
from ..errors import InputError
from ..grid.connection import ConnectionOutputs
from ..grid.settings import ConnectionSettings, TopologySettings
from ..profile.model import GENERATION_SOURCES, ProfilePlan, SourceSpec, TechnologyStep
from ..solar.ground import SolarOutputs, SolarSettings
from ..solar.rooftop import RooftopOutputs, RooftopSettings
from ..solar.systems import load_pv_systems
from ..spec import suggest, unknown_keys
from ..units import Turbine
from ..wind.energy import Losses, WindYieldOutputs, WindYieldSettings
from ..wind.layout import LayoutOutputs, LayoutSettings
from ..wind.resource import WindResourceSettings
from ..wind.turbines import load_turbine

_TOP = {"name", "crs", "resolution_m", "output_dir", "layers", "area_of_interest", "eligibility",
        "turbine", "invalid_geometries", "workers", "on_date", "sweep", "rasters", "suitability", "windbg", "grid", "wind"}
_TOP |= {"profile"}  # municipal energy profile (core/profile/)
_TOP |= {"solar", "rooftop"}  # solar potential and rooftop PV (core/solar/ground.py, core/solar/rooftop.py)
_SUIT = {"sensitivity", "aggregation", "weights", "ahp", "weighting"}
_WINDBG = {"rotor_in", "tower_foot_radius_m"}
_SWEEP = {"criterion", "setbacks_m", "variants", "resolution_m"}
_AOI = {"layer", "name_field", "names", "id_field"}
_TECH = {"catalogue", "kinds", "overrides", "min_area_ha", "settlement_setback_m"}


@dataclass(frozen=True)
class TechnologyRun:
    """One eligibility run of a scenario."""

    key: str
    catalogue: Catalogue
    settings: EligibilitySettings
    outputs: EligibilityOutputs
    catalogue_spec: dict[str, Any] = field(default_factory=dict)  # as a job names it (catalogue_job_spec)


@dataclass(frozen=True)
class SweepRun:
    """A setback sweep of a scenario, on the catalogue of one technology run."""

    key: str
    run: TechnologyRun
    criterion_id: str
    setbacks_m: tuple[float, ...]
    variants: dict[str, list[str]]
    table: Path
    chart: Path


def parse_setbacks(raw: Any) -> tuple[float, ...]:
    """``[400, 500]`` or ``{from: 400, to: 1500, step: 100}`` → setbacks. [m]"""
    if isinstance(raw, dict):
        start, stop, step = float(raw["from"]), float(raw["to"]), float(raw["step"])
        if step <= 0 or stop < start:
            raise ValueError("needs from ≤ to and a positive step")
        n = int(round((stop - start) / step))
        return tuple(start + i * step for i in range(n + 1))
    if isinstance(raw, list) and raw:
        return tuple(float(v) for v in raw)
    raise ValueError("give a list of setbacks in metres or {from: 400, to: 1500, step: 100}")


@dataclass(frozen=True)
class SuitabilityRun:
    """Suitability scoring of one technology's eligible land."""

    key: str
    run: TechnologyRun
    sensitivity: dict[str, float] | None
    suitability: Path
    sites: Path
    sites_table: Path
    stability: Path | None


@dataclass(frozen=True)
class WindbgRun:
    """WindBG area accounting of one technology's eligible areas."""

    key: str
    run: TechnologyRun
    rotor_in: bool
    tower_foot_radius_m: float
    table: Path


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario."""

    name: str
    path: Path
    layers: dict[str, LayerRef]
    aoi: AreaOfInterest
    output_dir: Path
    runs: tuple[TechnologyRun, ...] = field(default=())
    sweeps: tuple[SweepRun, ...] = field(default=())
    rasters: dict[str, str] = field(default_factory=dict)
    suitability: tuple[SuitabilityRun, ...] = field(default=())
    windbg: tuple[WindbgRun, ...] = field(default=())
    grid: GridRun | None = None
    wind: WindRun | None = None
    profile: ProfileSection | None = None  # the `profile:` section (None: the scenario has none)
    solar: tuple[Any, ...] = ()  # SolarRun per `solar:` entry
    rooftop: Any = None  # RooftopRun of the `rooftop:` key


def outputs_for(output_dir: Path, key: str) -> EligibilityOutputs:
    """Standard output names of a technology run in a folder."""
    return EligibilityOutputs(
        output_dir / f"{key}_eligibility.tif", output_dir / f"{key}_reasons.tif",
        output_dir / f"{key}_areas.gpkg", output_dir / f"{key}_table.csv",
    )


def _layer_ref(raw: Any, base: Path, where: str, problems: list[str]) -> LayerRef | None:
    if isinstance(raw, str):
        path, _, layer = raw.partition("|layername=")
        return LayerRef(str((base / path).resolve()), layer or None)
    if isinstance(raw, dict) and "path" in raw:
        extra = set(raw) - {"path", "layer"}
        if extra:
            problems.append(f"{where}: unknown key(s) {sorted(extra)}; use path and layer")
        return LayerRef(str((base / raw["path"]).resolve()), raw.get("layer"))
    problems.append(f"{where}: give {{path: file.gpkg, layer: name}} or a path")
    return None


def _kinds(raw: Any) -> tuple[str, ...]:
    """``[hard, soft]`` or ``"hard, soft"`` → kinds; missing → the default."""
    if raw is None:
        return DEFAULT_KINDS
    if isinstance(raw, str):
        return tuple(k.strip() for k in raw.split(",") if k.strip())
    return tuple(str(k) for k in raw)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, reporting every problem at once.

    Raises
    ------
    InputError
        Listing every problem with its place in the file.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise InputError(f"Scenario file {str(path)!r} does not exist.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"Scenario {path}: not valid YAML: {exc}") from exc
    base = path.parent
    problems: list[str] = []
    unknown_keys(raw, _TOP, "", problems)
    layers: dict[str, LayerRef] = {}
    for role, ref in (raw.get("layers") or {}).items():
        if role not in ROLES:
            problems.append(f"layers.{role}: not a layer role{suggest(role, ROLES)}; roles: {', '.join(ROLES)}")
            continue
        lr = _layer_ref(ref, base, f"layers.{role}", problems)
        if lr is not None:
            layers[role] = lr
    aoi_raw = raw.get("area_of_interest") or {"layer": "municipalities"}
    unknown_keys(aoi_raw, _AOI, "area_of_interest.", problems)
    aoi_layer_raw = aoi_raw.get("layer", "municipalities")
    aoi_layer = layers.get(aoi_layer_raw) if isinstance(aoi_layer_raw, str) and aoi_layer_raw in ROLES else \
        _layer_ref(aoi_layer_raw, base, "area_of_interest.layer", problems)
    if aoi_layer is None:
        problems.append("area_of_interest.layer: give a role of 'layers' (e.g. municipalities) or {path, layer}")
    names = aoi_raw.get("names") or []
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    turbine = None
    if raw.get("turbine"):
        t = raw["turbine"]
        try:
            if isinstance(t, str) or (isinstance(t, dict) and "type" in t):  # a turbine with a power curve
                name = t if isinstance(t, str) else str(t["type"])
                hub = None if isinstance(t, str) or t.get("hub_height_m") is None else float(t["hub_height_m"])
                turbine = load_turbine(str((base / name).resolve()) if name.endswith((".yaml", ".yml")) else name, hub)
            else:
                turbine = Turbine(float(t["hub_height_m"]), float(t["rotor_diameter_m"]), str(t.get("name", "")))
        except InputError as exc:
            problems.append(f"turbine: {exc}")
        except (KeyError, TypeError, ValueError):
            problems.append("turbine: needs hub_height_m and rotor_diameter_m (numbers in metres), or a turbine "
                            f"type: {DEFAULT_TURBINE}, {{type: nrel_6mw_170, hub_height_m: 165}} or a turbine YAML file")
    on_date = None
    if raw.get("on_date") is not None:
        try:
            on_date = dt.date.fromisoformat(str(raw["on_date"]))
        except ValueError:
            problems.append(f"on_date: {raw['on_date']!r} is not a date; write YYYY-MM-DD")
    out_dir = (base / str(raw.get("output_dir", "out"))).resolve()
    runs = []
    techs = raw.get("eligibility") or {}
    if not techs:
        problems.append("eligibility: name at least one technology, e.g. wind: {catalogue: wind_sachsen_anhalt}")
    for key, spec in techs.items():
        where = f"eligibility.{key}"
        if not isinstance(spec, dict) or "catalogue" not in spec:
            problems.append(f"{where}: needs at least 'catalogue' (a preset id or a YAML file)")
            continue
        unknown_keys(spec, _TECH, f"{where}.", problems)
        cat_ref = str(spec["catalogue"])
        if cat_ref.endswith((".yaml", ".yml")):
            cat_ref = str((base / cat_ref).resolve())
        try:
            cat = load_catalogue(cat_ref)
            if spec.get("overrides") is not None and not (
                    isinstance(spec["overrides"], dict)
                    and all(isinstance(v, dict) or v is None for v in spec["overrides"].values())):
                raise ValueError("overrides map criterion ids to fields, e.g. {forest: {buffer: 30 m}} "
                                 "or {airfields: null} to drop one")
            if spec.get("overrides"):
                cat = cat.with_overrides(spec["overrides"])
            if spec.get("settlement_setback_m") is not None:
                cat = cat.with_tag_buffer("settlement_setback", float(spec["settlement_setback_m"]))
        except ValueError as exc:
            problems.append(f"{where}.catalogue: {exc}")
            continue
        try:
            settings = EligibilitySettings(
                resolution_m=float(raw.get("resolution_m", 10.0)), crs=str(raw.get("crs", DEFAULT_CRS)),
                kinds=_kinds(spec.get("kinds")), min_area_ha=float(spec.get("min_area_ha", 1.0)),
                turbine=turbine, on_date=on_date, invalid_geometries=str(raw.get("invalid_geometries", "error")),
                **({"workers": int(raw["workers"])} if raw.get("workers") else {}),
            )
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        runs.append(TechnologyRun(key, cat, settings, outputs_for(out_dir, key), catalogue_job_spec(spec, cat, base)))
    sweeps = []
    by_key = {r.key: r for r in runs}
    for key, spec in (raw.get("sweep") or {}).items():
        where = f"sweep.{key}"
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{suggest(key, by_key)}")
            continue
        if not isinstance(spec, dict) or "criterion" not in spec or "setbacks_m" not in spec:
            problems.append(f"{where}: needs 'criterion' and 'setbacks_m'")
            continue
        unknown_keys(spec, _SWEEP, f"{where}.", problems)
        try:
            steps = parse_setbacks(spec["setbacks_m"])
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}.setbacks_m: {exc}")
            continue
        variants = {str(k): list(v or []) for k, v in (spec.get("variants") or {"all": []}).items()}
        run = by_key[key]
        if spec.get("resolution_m"):
            run = replace(run, settings=replace(run.settings, resolution_m=float(spec["resolution_m"])))
        sweeps.append(SweepRun(key, run, str(spec["criterion"]), steps, variants,
                               out_dir / f"{key}_sweep.csv", out_dir / f"{key}_sweep.png"))
    rasters = {}
    for role, rpath in (raw.get("rasters") or {}).items():
        if role not in RASTER_ROLES:
            problems.append(f"rasters.{role}: not a raster role{suggest(role, RASTER_ROLES)}; "
                            f"roles: {', '.join(RASTER_ROLES)}")
            continue
        rasters[role] = str((base / str(rpath)).resolve())
    suits = []
    for key, spec in (raw.get("suitability") or {}).items():
        where = f"suitability.{key}"
        spec = spec or {}
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{suggest(key, by_key)}")
            continue
        unknown_keys(spec, _SUIT, f"{where}.", problems)
        run = by_key[key]
        overrides = {k: spec[k] for k in ("aggregation", "weights", "ahp", "weighting") if k in spec}
        if overrides:
            try:
                run = replace(run, catalogue=run.catalogue.with_suitability_overrides(overrides))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
        if run.catalogue.suitability is None:
            problems.append(f"{where}: the catalogue {run.catalogue.id!r} has no 'suitability' section")
            continue
        sens = spec.get("sensitivity")
        suits.append(SuitabilityRun(key, run, dict(sens) if sens else None, out_dir / f"{key}_suitability.tif",
                                    out_dir / f"{key}_sites.gpkg", out_dir / f"{key}_sites.csv",
                                    out_dir / f"{key}_stability.tif" if sens else None))
    windbgs = []
    for key, spec in (raw.get("windbg") or {}).items():
        where = f"windbg.{key}"
        spec = spec or {}
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{suggest(key, by_key)}")
            continue
        unknown_keys(spec, _WINDBG, f"{where}.", problems)
        windbgs.append(WindbgRun(key, by_key[key], bool(spec.get("rotor_in", False)),
                                 float(spec.get("tower_foot_radius_m", 4.0)), out_dir / f"{key}_windbg.csv"))
    wind = _wind_run(raw.get("wind"), base, by_key, out_dir, rasters, raw, problems) if raw.get("wind") else None
    solar = _solar_runs(raw.get("solar"), base, by_key, {s.key: s for s in suits}, out_dir, rasters, raw, problems)
    grid = _grid_run(raw.get("grid"), base, layers, out_dir, str(raw.get("crs", DEFAULT_CRS)),
                     {"suitability": {s.key for s in suits},
                      "layout": {"wind"} if wind is not None and wind.layout is not None else set(),
                      "solar": {r.key for r in solar if r.outputs.sites is not None}},
                     problems) if raw.get("grid") else None
    profile = _profile_section(raw["profile"] or {}, base, [r.key for r in runs], problems) \
        if "profile" in raw else None  # municipal energy profile (core/profile/)
    rooftop = _rooftop_run(raw.get("rooftop"), base, layers, out_dir, raw, problems) if "rooftop" in raw else None
    if problems:
        raise InputError(f"Scenario {path} has {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    assert aoi_layer is not None
    aoi = AreaOfInterest(aoi_layer, str(aoi_raw.get("name_field", "name")), tuple(str(n) for n in names),
                         aoi_raw.get("id_field", "ags"))
    return Scenario(str(raw.get("name", path.stem)), path, layers, aoi, out_dir, tuple(runs), tuple(sweeps),
                    rasters, tuple(suits), tuple(windbgs), grid, wind,
                    profile=profile, solar=solar, rooftop=rooftop)


# ----------------------------------------------------------------------------------------------
# grid: topology check and grid connection of sites (core/grid/topology.py, core/grid/connection.py)
# ----------------------------------------------------------------------------------------------
#: Scenario steps whose sites the grid step connects (``sites: suitability.wind``): step → where
#: its run ``key`` writes them in the output folder.
SITE_STEPS: dict[str, Any] = {
    "suitability": lambda out_dir, key: LayerRef(str(out_dir / f"{key}_sites.gpkg"), "candidate_sites"),
}
_GRID = {"lines", "substations", "roads", "cost_raster", "catalogue", "snap_tolerance_m", "voltage_field",
         "substation_voltage_field", "free_capacity_field", "name_field", "unknown_free_capacity_mw",
         "allocation", "connect"}
_CONNECT = {"sites", "capacity_field", "site_capacity_mw", "area_ha_per_mw", "site_id_field", "terrain_factor_field"}


@dataclass(frozen=True)
class GridConnectionRun:
    """The connection of one set of sites (``grid.connect.<key>``)."""

    key: str
    sites: LayerRef
    settings: Any  # core.grid.settings.ConnectionSettings
    outputs: Any  # core.grid.connection.ConnectionOutputs


@dataclass(frozen=True)
class GridRun:
    """The scenario's grid step: the topology check and the connections of its site sets."""

    lines: LayerRef | None
    substations: LayerRef
    roads: LayerRef | None
    cost_raster: Path | None
    catalogue: str
    topology: Any  # core.grid.settings.TopologySettings
    crs: str
    report: Path
    cleaned_lines: Path
    connections: tuple[GridConnectionRun, ...] = ()


def _grid_layer(raw: Any, role: str, base: Path, layers: dict[str, LayerRef], where: str,
                problems: list[str]) -> LayerRef | None:
    """A grid input: a role of ``layers`` (default: ``role``), or {path, layer} / a path."""
    raw = role if raw is None else raw
    if isinstance(raw, str) and raw in ROLES:
        if raw not in layers:
            problems.append(f"{where}: the role {raw!r} is not under 'layers'; add it or give {{path, layer}}")
        return layers.get(raw)
    return _layer_ref(raw, base, where, problems)


def _grid_sites(raw: Any, base: Path, out_dir: Path, steps: dict[str, set[str]], where: str,
                problems: list[str]) -> LayerRef | None:
    """Sites: ``<step>.<key>`` (the sites another step of this scenario writes) or a layer."""
    if isinstance(raw, str) and "." in raw and not raw.endswith((".gpkg", ".shp", ".geojson", ".fgb")):
        step, _, key = raw.partition(".")
        if step not in SITE_STEPS:
            problems.append(f"{where}: unknown step {step!r}{suggest(step, SITE_STEPS)}; steps with sites: "
                            f"{', '.join(SITE_STEPS)} (or give {{path, layer}})")
            return None
        if key not in steps.get(step, set()):
            problems.append(f"{where}: the scenario has no {step} step {key!r}{suggest(key, steps.get(step, ()))}")
            return None
        return SITE_STEPS[step](out_dir, key)
    if raw is None:
        problems.append(f"{where}: give the sites: a step's sites (e.g. suitability.wind) or {{path, layer}}")
        return None
    return _layer_ref(raw, base, where, problems)


def _grid_run(raw: Any, base: Path, layers: dict[str, LayerRef], out_dir: Path, crs: str,
              steps: dict[str, set[str]], problems: list[str]) -> GridRun | None:
    """Read the ``grid:`` key (problems are collected, not raised)."""
    if not isinstance(raw, dict):
        problems.append("grid: give a mapping, e.g. {snap_tolerance_m: 10, connect: {wind: {sites: suitability.wind}}}")
        return None
    unknown_keys(raw, _GRID, "grid.", problems)
    lines = None if raw.get("lines") is None and "power_lines" not in layers else _grid_layer(
        raw.get("lines"), "power_lines", base, layers, "grid.lines", problems)  # no lines: no topology check
    subs = _grid_layer(raw.get("substations"), "substations", base, layers, "grid.substations", problems)
    cost_raster = (base / str(raw["cost_raster"])).resolve() if raw.get("cost_raster") else None
    roads = None if cost_raster is not None and raw.get("roads") is None else _grid_layer(
        raw.get("roads"), "roads", base, layers, "grid.roads", problems)
    catalogue = str(raw.get("catalogue", "grid_connection"))
    if catalogue.endswith((".yaml", ".yml")):
        catalogue = str((base / catalogue).resolve())
    fields = {"substation_voltage_field": str(raw.get("substation_voltage_field", "voltage")),
              "substation_name_field": str(raw.get("name_field", "name"))}
    try:
        topology = TopologySettings(snap_tolerance_m=float(raw.get("snap_tolerance_m", 10.0)),
                                    voltage_field=str(raw.get("voltage_field", "voltage")),
                                    substation_voltage_field=fields["substation_voltage_field"],
                                    name_field=fields["substation_name_field"])
        topology.check()
    except (TypeError, ValueError) as exc:
        problems.append(f"grid.snap_tolerance_m: {exc}")
        return None
    connections = []
    for key, spec in (raw.get("connect") or {}).items():
        where = f"grid.connect.{key}"
        spec = spec if isinstance(spec, dict) else {"sites": spec}
        unknown_keys(spec, _CONNECT, f"{where}.", problems)
        sites = _grid_sites(spec.get("sites"), base, out_dir, steps, f"{where}.sites", problems)
        try:
            settings = ConnectionSettings(
                capacity_field=str(spec.get("capacity_field", "capacity_mw")),
                site_capacity_mw=None if spec.get("site_capacity_mw") is None else float(spec["site_capacity_mw"]),
                area_ha_per_mw=None if spec.get("area_ha_per_mw") is None else float(spec["area_ha_per_mw"]),
                site_id_field=spec.get("site_id_field"),  # None: site_id where the layer has it
                terrain_factor_field=spec.get("terrain_factor_field"),
                substation_free_field=str(raw.get("free_capacity_field", "free_capacity_mw")),
                unknown_free_capacity_mw=(None if raw.get("unknown_free_capacity_mw") is None
                                          else float(raw["unknown_free_capacity_mw"])),
                allocation=str(raw.get("allocation", "min_cost_flow")),
                router="cost_raster" if cost_raster is not None else "roads", **fields)
            settings.check()
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        if sites is not None:
            gpkg = out_dir / f"{key}_grid.gpkg"
            connections.append(GridConnectionRun(key, sites, settings, ConnectionOutputs(
                connections=gpkg, sites=gpkg, site_table=out_dir / f"{key}_grid_sites.csv", substations=gpkg)))
    if subs is None:
        return None
    return GridRun(lines, subs, roads, cost_raster, catalogue, topology, crs, out_dir / "grid_topology.gpkg",
                   out_dir / "grid_topology.gpkg", tuple(connections))


# ----------------------------------------------------------------------------------------------
# wind: yield rasters and turbine layout (core/wind/, core/wind/layout.py)
# ----------------------------------------------------------------------------------------------
_WIND = {"turbine", "hub_height_m", "resolution_m", "weibull_k", "weibull_k_raster", "weather", "losses", "layout",
         "roughness_field"}
_LAYOUT = {"areas", "rotor_in", "spacing_along_d", "spacing_across_d", "main_direction_deg", "objective",
           "offsets", "resolution_m", "thrust_coefficient", "wake_decay", "wake_model"}


@dataclass(frozen=True)
class WindRun:
    """The scenario's wind step: yield rasters, and a layout in eligible areas if asked for."""

    turbine: str
    rasters: dict[str, str]
    settings: Any  # core.wind.energy.WindYieldSettings
    outputs: Any  # core.wind.energy.WindYieldOutputs
    areas: LayerRef | None = None
    layout: Any = None  # core.wind.layout.LayoutSettings
    layout_outputs: Any = None  # core.wind.layout.LayoutOutputs


#: ``grid.connect.<key>.sites: layout.wind``: the turbines of the scenario's wind layout (grouped by site_id).
SITE_STEPS["layout"] = lambda out_dir, key: LayerRef(str(out_dir / f"{key}_turbines.gpkg"), "turbines")


def _wind_run(raw: Any, base: Path, by_key: dict[str, TechnologyRun], out_dir: Path, rasters: dict[str, str],
              top: dict[str, Any], problems: list[str]) -> WindRun | None:
    """Read the ``wind:`` key (problems are collected, not raised)."""
    if not isinstance(raw, dict):
        problems.append(f"wind: give a mapping, e.g. {{turbine: {DEFAULT_TURBINE}, hub_height_m: 159, "
                        "layout: {areas: wind}}")
        return None
    unknown_keys(raw, _WIND, "wind.", problems)
    default = top.get("turbine")
    default = default if isinstance(default, str) else default.get("type") if isinstance(default, dict) else None
    turbine = str(raw.get("turbine", default or DEFAULT_TURBINE))
    if turbine.endswith((".yaml", ".yml")):
        turbine = str((base / turbine).resolve())
    hub = raw.get("hub_height_m")
    if hub is None and "turbine" not in raw and isinstance(top.get("turbine"), dict):
        hub = top["turbine"].get("hub_height_m")  # the scenario's turbine, as for the setbacks
    try:
        load_turbine(turbine, None if hub is None else float(hub))
        settings = WindYieldSettings(
            resolution_m=float(raw.get("resolution_m", top.get("resolution_m", 25.0))),
            crs=str(top.get("crs", DEFAULT_CRS)),
            hub_height_m=None if hub is None else float(hub),
            losses=Losses(**{k: float(v) for k, v in (raw.get("losses") or {}).items()}),
            resource=WindResourceSettings(
                weibull_k=None if raw.get("weibull_k", 2.0) == "weather" else float(raw.get("weibull_k", 2.0)),
                weather=None if raw.get("weather") is None else str(raw["weather"]),
                roughness_field=raw.get("roughness_field"),
                weibull_k_raster=str((base / str(raw["weibull_k_raster"])).resolve()) if raw.get("weibull_k_raster")
                else None))
        settings.losses.factor()
    except (TypeError, ValueError) as exc:
        problems.append(f"wind: {exc}")
        return None
    wind_rasters = {r: p for r, p in rasters.items() if r in ("wind_speed_100m", "wind_speed_150m", "dem")}
    outputs = WindYieldOutputs(out_dir / "wind_energy.tif", out_dir / "wind_full_load_hours.tif",
                               out_dir / "wind_speed_hub.tif", out_dir / "wind_yield.csv")
    spec = raw.get("layout")
    if not spec:
        return WindRun(turbine, wind_rasters, settings, outputs)
    spec = spec if isinstance(spec, dict) else {}
    unknown_keys(spec, _LAYOUT, "wind.layout.", problems)
    areas_raw = spec.get("areas", "wind")
    if isinstance(areas_raw, str) and areas_raw in by_key:
        areas = LayerRef(str(by_key[areas_raw].outputs.polygons), "eligible_areas")
    elif isinstance(areas_raw, (dict, str)) and not (isinstance(areas_raw, str) and areas_raw.isidentifier()):
        areas = _layer_ref(areas_raw, base, "wind.layout.areas", problems)
    else:
        problems.append(f"wind.layout.areas: no technology {areas_raw!r} under 'eligibility'{suggest(areas_raw, by_key)}; "
                        "give its key or {path, layer}")
        return None
    try:
        layout = LayoutSettings(
            crs=settings.crs, hub_height_m=settings.hub_height_m, rotor_in=bool(spec.get("rotor_in", False)),
            spacing_along_d=float(spec.get("spacing_along_d", 5.0)),
            spacing_across_d=float(spec.get("spacing_across_d", 3.0)),
            main_direction_deg=None if spec.get("main_direction_deg") is None else float(spec["main_direction_deg"]),
            objective=str(spec.get("objective", "count")), offsets=int(spec.get("offsets", 4)),
            resolution_m=float(spec.get("resolution_m", 50.0)), losses=settings.losses, resource=settings.resource,
            thrust_coefficient=float(spec.get("thrust_coefficient", 0.8)), wake_decay=float(spec.get("wake_decay", 0.075)),
            wake_model=str(spec.get("wake_model", "jensen")))
        if layout.objective not in ("count", "energy"):
            raise ValueError(f"objective must be count or energy, not {layout.objective!r}")
    except (TypeError, ValueError) as exc:
        problems.append(f"wind.layout: {exc}")
        return None
    layout_out = LayoutOutputs(out_dir / "wind_turbines.gpkg", out_dir / "wind_layout_sites.csv",
                               out_dir / "wind_layout_municipalities.csv", out_dir / "wind_layout_sites.gpkg")
    return WindRun(turbine, wind_rasters, settings, outputs, areas, layout, layout_out)


# ----------------------------------------------------------------------------------------------
# solar: potential of eligible land (core/solar/ground.py) and rooftop PV (core/solar/rooftop.py)
# ----------------------------------------------------------------------------------------------
_SOLAR = {"eligibility", "system", "tilt_deg", "gcr", "losses_pct", "weather", "use_terrain", "slope_step_deg",
          "aspect_step_deg", "max_slope_deg", "sites", "preset", "horizon", "horizon_distance_m"}
_ROOFTOP = {"buildings", "weather", "losses_pct", "preset"}


@dataclass(frozen=True)
class SolarRun:
    """One ``solar:`` entry: PV on the eligible land of an eligibility run."""

    key: str
    eligibility: Path
    sites: LayerRef | None
    settings: Any  # core.solar.ground.SolarSettings
    outputs: Any  # core.solar.ground.SolarOutputs


@dataclass(frozen=True)
class RooftopRun:
    """The ``rooftop:`` key: PV on the buildings' roofs."""

    buildings: LayerRef
    settings: Any  # core.solar.rooftop.RooftopSettings
    outputs: Any  # core.solar.rooftop.RooftopOutputs


def weather_source(raw: Any, base: Path) -> str | None:
    """``weather:`` as the engine takes it: None (TRY region per site), a region, or a file (relative to ``base``).

    Parameters
    ----------
    raw : any
        As written: None, ``auto``/``try``, a TRY region (``4``, ``TRY 4``) or a file.
    base : Path
        Folder that a relative file is relative to (the scenario's; the CLI's working folder).
    """
    if raw is None or str(raw).strip().lower() in ("", "auto", "try"):
        return None
    text = str(raw).strip()
    if re.fullmatch(r"(?i)(try\s*[:_ -]?\s*)?\d{1,2}", text):
        return text
    return str((base / text).resolve())


def _solar_runs(raw: Any, base: Path, by_key: dict[str, Any], suits: dict[str, Any], out_dir: Path,
                rasters: dict[str, str], top: dict[str, Any], problems: list[str]) -> tuple[SolarRun, ...]:
    """Read the ``solar:`` key: ``{output key: {eligibility: <technology key>, system: …}}``."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append("solar: give a mapping, e.g. {pv_ground: {system: fixed_south}}")
        return ()
    runs = []
    for key, spec in raw.items():
        where = f"solar.{key}"
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(f"{where}: give a mapping, e.g. {{system: agri_vertical}}")
            continue
        unknown_keys(spec, _SOLAR, f"{where}.", problems)
        tech = str(spec.get("eligibility", key))
        if tech not in by_key:
            problems.append(f"{where}.eligibility: no technology {tech!r} under 'eligibility'{suggest(tech, by_key)}")
            continue
        run = by_key[tech]
        if spec.get("sites", True) is False:
            sites = None
        elif tech in suits:
            sites = LayerRef(str(suits[tech].sites), "candidate_sites")
        else:
            sites = LayerRef(str(run.outputs.polygons), "eligible_areas")
        try:
            settings = SolarSettings(
                system=str(spec.get("system", "fixed_south")),
                tilt_deg=None if spec.get("tilt_deg") is None else float(spec["tilt_deg"]),
                gcr=None if spec.get("gcr") is None else float(spec["gcr"]),
                losses_pct=None if spec.get("losses_pct") is None else float(spec["losses_pct"]),
                weather=weather_source(spec.get("weather"), base),
                use_terrain=bool(spec.get("use_terrain", True)),
                slope_step_deg=float(spec.get("slope_step_deg", 1.0)),
                aspect_step_deg=float(spec.get("aspect_step_deg", 10.0)),
                max_slope_deg=float(spec.get("max_slope_deg", 30.0)),
                horizon=bool(spec.get("horizon", False)),
                horizon_distance_m=float(spec.get("horizon_distance_m", 2000.0)),
                preset=str((base / spec["preset"]).resolve()) if str(spec.get("preset", "")).endswith((".yml", ".yaml"))
                else str(spec.get("preset", "pv_systems")),
                invalid_geometries=str(top.get("invalid_geometries", "error")))
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        try:
            load_pv_systems(settings.preset).system(settings.system)
        except ValueError as exc:
            problems.append(f"{where}.system: {exc}")
            continue
        outputs = SolarOutputs(out_dir / f"{key}_solar_yield.tif", out_dir / f"{key}_solar_capacity_density.tif",
                               out_dir / f"{key}_solar_energy_density.tif",
                               out_dir / f"{key}_solar_sites.gpkg" if sites is not None else None,
                               out_dir / f"{key}_solar_sites.csv" if sites is not None else None,
                               out_dir / f"{key}_solar_municipalities.csv")
        runs.append(SolarRun(str(key), run.outputs.eligibility, sites, settings, outputs))
    return tuple(runs)


#: ``grid.connect.<key>.sites: solar.pv_ground``: the solar sites of a solar step (their AC capacity_mw).
SITE_STEPS["solar"] = lambda out_dir, key: LayerRef(str(out_dir / f"{key}_solar_sites.gpkg"), "solar_sites")


def _rooftop_run(raw: Any, base: Path, layers: dict[str, LayerRef], out_dir: Path, top: dict[str, Any],
                 problems: list[str]) -> RooftopRun | None:
    """Read the ``rooftop:`` key: ``{buildings: <role or {path, layer}>, weather: …, losses_pct: …}``."""
    spec = raw or {}
    if not isinstance(spec, dict):
        problems.append("rooftop: give a mapping (or {} for the defaults)")
        return None
    unknown_keys(spec, _ROOFTOP, "rooftop.", problems)
    ref = spec.get("buildings", "buildings")
    if isinstance(ref, str) and ref in ROLES:
        buildings = layers.get(ref)
        if buildings is None:
            problems.append(f"rooftop.buildings: the role {ref!r} is not under 'layers'")
            return None
    else:
        buildings = _layer_ref(ref, base, "rooftop.buildings", problems)
        if buildings is None:
            return None
    try:
        settings = RooftopSettings(
            crs=str(top.get("crs", DEFAULT_CRS)), weather=weather_source(spec.get("weather"), base),
            losses_pct=None if spec.get("losses_pct") is None else float(spec["losses_pct"]),
            preset=str(spec.get("preset", "pv_systems")), invalid_geometries=str(top.get("invalid_geometries", "error")))
    except (TypeError, ValueError) as exc:
        problems.append(f"rooftop: {exc}")
        return None
    return RooftopRun(buildings, settings, RooftopOutputs(out_dir / "rooftop_pv.gpkg", out_dir / "rooftop_pv.csv",
                                                          out_dir / "rooftop_municipalities.csv"))


# ----------------------------------------------------------------------------------------------
# profile: the municipal energy profile (core/profile/)
# ----------------------------------------------------------------------------------------------
#: Keys of a scenario's ``profile:`` section.
PROFILE_KEYS = {"names", "technologies", "sources", "demand", "grid", "weather", "year", "top_n",
                "suitable_min_score", "rotor_in", "language", "report", "suitability", "reuse", "sweep"}
_DEMAND_KEYS = {"catalogue", "table", "population_field", "land"}
_SOURCE_KEYS = ("sites", "hourly", "options")


def _all_sources() -> tuple[SourceSpec, ...]:
    return tuple(SourceSpec(k) for k in GENERATION_SOURCES)


@dataclass(frozen=True)
class ProfileSection:
    """The ``profile:`` section of a scenario, read and checked with the rest of the file (paths resolved).

    Attributes
    ----------
    technologies : tuple of str or None
        Keys of the eligibility runs the profile builds on (None: every run of the scenario).
    sources : tuple of SourceSpec
        Generation sources (default: every source of :data:`~..profile.model.GENERATION_SOURCES`,
        computed).
    names : tuple of str
        Municipalities (empty: those of the scenario's ``area_of_interest``).
    demand_catalogue, demand_table, population_field, land
        The ``demand:`` key (see :class:`~..profile.model.ProfilePlan`).
    grid_catalogue : str or None
        Grid connection catalogue (``grid: null``: no grid step).
    weather : str or None
        Weather of the hourly series (see :func:`weather_source`).
    sweep_setbacks_m : tuple of float
        Settlement setbacks of the sweep chart (``sweep.setbacks_m``). [m]
    sweep_resolution_m : float
        Grid of the sweep. [m]
    year, top_n, suitable_min_score, rotor_in, language, report, suitability, reuse
        As in :class:`~..profile.model.ProfilePlan`.
    """

    technologies: tuple[str, ...] | None = None
    sources: tuple[SourceSpec, ...] = field(default_factory=_all_sources)
    names: tuple[str, ...] = ()
    demand_catalogue: str = "demand"
    demand_table: str | None = None
    population_field: str = "population"
    land: str | None = None
    grid_catalogue: str | None = "grid_connection"
    weather: str | None = None
    year: int = 2010
    top_n: int = 5
    suitable_min_score: float = 70.0
    rotor_in: bool = True
    language: str = "de"
    report: bool = True
    suitability: bool = True
    reuse: bool = True
    sweep_setbacks_m: tuple[float, ...] = ()
    sweep_resolution_m: float = 50.0


def _resolved(ref: str, base: Path) -> str:
    """A preset id as it is; a YAML file relative to the scenario resolved against its folder."""
    return str((base / ref).resolve()) if ref.endswith((".yaml", ".yml")) else ref


def catalogue_job_spec(raw: Mapping[str, Any], catalogue: Catalogue, base: Path) -> dict[str, Any]:
    """A scenario technology's catalogue as an engine job names it (``{"source": …, "overrides": …}``).

    The settlement setback is folded into the overrides, applied after the user's, as the scenario does.
    """
    ref = _resolved(str(raw.get("catalogue", catalogue.id)), base)
    overrides = {k: (None if v is None else dict(v)) for k, v in (raw.get("overrides") or {}).items()}
    if raw.get("settlement_setback_m") is not None:
        metres = float(raw["settlement_setback_m"])
        for c in catalogue.criteria:
            if "settlement_setback" in c.tags:
                overrides[c.id] = {**(overrides.get(c.id) or {}), "buffer": f"{metres:g} m"}
    return {"source": ref, **({"overrides": overrides} if overrides else {})}


def _source_specs(raw: Any, base: Path, problems: list[str]) -> tuple[SourceSpec, ...]:
    """``profile.sources``: ``{key: {} or {sites: file.gpkg|layername=x, hourly: x.csv, options: {…}}}``."""
    if raw is None:
        return _all_sources()
    if not isinstance(raw, Mapping):
        problems.append("profile.sources: map source keys to {} or {sites: file.gpkg|layername=x, hourly: x.csv}")
        return ()
    specs = []
    for key, spec in raw.items():
        where = f"profile.sources.{key}"
        if key not in GENERATION_SOURCES:
            problems.append(f"{where}: not a generation source{suggest(key, GENERATION_SOURCES)}; "
                            f"sources: {', '.join(GENERATION_SOURCES)}")
        spec = spec or {}
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: give {{}} or {{sites: file.gpkg|layername=x, hourly: x.csv}}")
            continue
        for k in spec:
            if k not in _SOURCE_KEYS:
                problems.append(f"{where}.{k}: unknown key; use {', '.join(_SOURCE_KEYS)}")
        sites = None if spec.get("sites") is None else _layer_ref(spec["sites"], base, f"{where}.sites", problems)
        hourly = str((base / str(spec["hourly"])).resolve()) if spec.get("hourly") else None
        specs.append(SourceSpec(str(key), sites, hourly, dict(spec.get("options") or {})))
    return tuple(specs)


def _profile_section(raw: Any, base: Path, technology_keys: list[str], problems: list[str]) -> ProfileSection | None:
    """Read the ``profile:`` key (problems are collected, not raised)."""
    if not isinstance(raw, Mapping):
        problems.append("profile: give a mapping, e.g. {sources: {pv_ground: {}}, top_n: 5}")
        return None
    unknown_keys(raw, PROFILE_KEYS, "profile.", problems)
    techs = raw.get("technologies")
    for key in techs or []:
        if key not in technology_keys:
            problems.append(f"profile.technologies: no technology {key!r} under 'eligibility'"
                            f"{suggest(key, technology_keys)}")
    sources = _source_specs(raw.get("sources"), base, problems)
    demand = raw.get("demand") or {}
    if not isinstance(demand, Mapping):
        problems.append("profile.demand: give a mapping, e.g. {table: demand.csv, population_field: population}")
        demand = {}
    unknown_keys(demand, _DEMAND_KEYS, "profile.demand.", problems)
    grid = raw.get("grid", {"catalogue": "grid_connection"})
    if grid is not None and not isinstance(grid, Mapping):
        problems.append("profile.grid: give {catalogue: grid_connection} or null (no grid step)")
        grid = None
    language = raw.get("language", "de")
    if language not in ("de", "en"):
        problems.append("profile.language: de or en")
    sweep = raw.get("sweep")
    setbacks: tuple[float, ...] = ()
    if sweep is not None:
        try:
            setbacks = parse_setbacks(sweep.get("setbacks_m") if isinstance(sweep, Mapping) else None)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"profile.sweep.setbacks_m: {exc}")
    for key, kind in (("top_n", int), ("year", int), ("suitable_min_score", (int, float))):
        if key in raw and not isinstance(raw[key], kind):
            problems.append(f"profile.{key}: a number")
    names = raw.get("names") or ()
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    try:
        return ProfileSection(
            technologies=None if not techs else tuple(str(k) for k in techs), sources=sources,
            names=tuple(str(n) for n in names),
            demand_catalogue=_resolved(str(demand.get("catalogue", "demand")), base),
            demand_table=str((base / str(demand["table"])).resolve()) if demand.get("table") else None,
            population_field=str(demand.get("population_field", "population")),
            land=None if demand.get("land") is None else str(demand["land"]),
            grid_catalogue=None if grid is None else _resolved(str(grid.get("catalogue", "grid_connection")), base),
            weather=weather_source(raw.get("weather"), base), year=int(raw.get("year", 2010)),
            top_n=int(raw.get("top_n", 5)), suitable_min_score=float(raw.get("suitable_min_score", 70.0)),
            rotor_in=bool(raw.get("rotor_in", True)), language=str(language), report=bool(raw.get("report", True)),
            suitability=bool(raw.get("suitability", True)), reuse=bool(raw.get("reuse", True)),
            sweep_setbacks_m=setbacks,
            sweep_resolution_m=float((sweep if isinstance(sweep, Mapping) else {}).get("resolution_m", 50.0)))
    except (TypeError, ValueError) as exc:
        problems.append(f"profile: {exc}")
        return None


def plan_from_scenario(sc: Scenario, resolution_m: float | None = None) -> ProfilePlan:
    """The profile plan of a scenario (its ``profile:`` section, or the defaults without one).

    Outputs go to the scenario's folder, so the eligibility and suitability outputs of the same
    scenario run are reused.

    Parameters
    ----------
    sc : Scenario
        A loaded scenario.
    resolution_m : float, optional
        Grid of the eligibility steps (default: that of the scenario's first run). [m]
    """
    section = sc.profile or ProfileSection()
    runs = {r.key: r for r in sc.runs}
    keys = list(section.technologies or runs)
    techs = tuple(TechnologyStep(k, dict(runs[k].catalogue_spec or {"source": runs[k].catalogue.id}),
                                 tuple(runs[k].settings.kinds), float(runs[k].settings.min_area_ha)) for k in keys)
    first = runs[keys[0]].settings if keys else None
    aoi = sc.aoi if not section.names else replace(sc.aoi, names=section.names)
    return ProfilePlan(
        layers=dict(sc.layers), aoi=aoi, output_dir=Path(sc.output_dir), technologies=techs,
        sources=section.sources, rasters={k: str(v) for k, v in sc.rasters.items()},
        resolution_m=float(resolution_m or (first.resolution_m if first else 25.0)),
        crs=first.crs if first else DEFAULT_CRS, reuse=section.reuse, suitability=section.suitability,
        rotor_in=section.rotor_in, demand_catalogue=section.demand_catalogue, demand_table=section.demand_table,
        population_field=section.population_field, land=section.land, grid_catalogue=section.grid_catalogue,
        weather=section.weather, year=section.year, top_n=section.top_n,
        suitable_min_score=section.suitable_min_score, report=section.report, language=section.language,
        sweep_setbacks_m=section.sweep_setbacks_m, sweep_resolution_m=section.sweep_resolution_m,
        workers=first.workers if first else 2, invalid_geometries=first.invalid_geometries if first else "error")
