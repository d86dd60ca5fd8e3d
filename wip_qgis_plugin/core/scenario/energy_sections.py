"""Readers of the scenario's energy sections: ``wind:`` (yield rasters and turbine layout), ``solar:``
(PV on eligible land) and ``rooftop:`` (PV on the buildings' roofs).

Each reader takes the raw value of its key, the runs it builds on and the problems collector;
problems are collected, not raised.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.layers import ROLES, LayerRef
from ..data.vsi import resolve_input
from ..defaults import DEFAULT_CRS, DEFAULT_TURBINE
from ..errors import InputError, SpecError
from ..solar.ground import SolarOutputs, SolarSettings
from ..solar.rooftop import RooftopOutputs, RooftopSettings
from ..solar.systems import load_pv_systems
from ..spec import suggest, unknown_keys
from ..wind.energy import Losses, WindYieldOutputs, WindYieldSettings
from ..wind.immission import ImmissionOutputs, ImmissionSettings, ModeReduction
from ..wind.layout import LayoutOutputs, LayoutSettings
from ..wind.noise import load_immission_table
from ..wind.repowering import RepoweringOutputs, RepoweringSettings
from ..wind.resource import WindResourceSettings
from ..wind.turbines import load_turbine
from .model import (
    DEFAULT_ROTOR_IN,
    DEFAULT_SHADOW_REAL_CASE,
    RepoweringRun,
    RooftopRun,
    SolarRun,
    SuitabilityRun,
    TechnologyRun,
    WindRun,
)
from .values import layer_ref, weather_source

_WIND = {"turbine", "hub_height_m", "resolution_m", "weibull_k", "weibull_k_raster", "weather", "losses", "layout",
         "roughness_field", "immission", "repowering"}
_REPOWERING = {"existing", "turbines", "plan_areas", "year", "min_age_years", "zone_h", "old_full_load_hours"}
_IMMISSION = {"sound_power_db", "modes", "reduce", "last_resort", "noise", "shadow", "area_type_field",
              "existing_sound_power_db", "reach_m", "resolution_m", "shadow_resolution_m", "year", "blade_depth_m",
              "table", "shadow_real_case", "weather"}
_LAYOUT = {"areas", "rotor_in", "spacing_along_d", "spacing_across_d", "main_direction_deg", "objective",
           "offsets", "resolution_m", "thrust_coefficient", "wake_decay", "wake_model"}


def read_wind(raw: Any, base: Path, by_key: dict[str, TechnologyRun], out_dir: Path, rasters: dict[str, str],
              top: dict[str, Any], problems: list[str], layers: dict[str, LayerRef] | None = None) -> WindRun | None:
    """Read the ``wind:`` key (problems are collected, not raised); ``layers``: the scenario's layers by role."""
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
                weibull_k_raster=resolve_input(str(raw["weibull_k_raster"]), base) if raw.get("weibull_k_raster")
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
        if raw.get("immission") is not None:
            problems.append("wind.immission: checks the turbines of a layout; add wind.layout (e.g. "
                            "layout: {areas: wind}) or run `wip immission` on your own turbines")
        wind_areas = LayerRef(str(by_key["wind"].outputs.polygons), "eligible_areas") if "wind" in by_key else None
        repowering = read_repowering(raw.get("repowering"), base, layers or {}, out_dir, "place", wind_areas,
                                     LayoutSettings(crs=settings.crs, hub_height_m=settings.hub_height_m,
                                                    losses=settings.losses, resource=settings.resource),
                                     problems) if raw.get("repowering") is not None else None
        return WindRun(turbine, wind_rasters, settings, outputs, repowering=repowering)
    spec = spec if isinstance(spec, dict) else {}
    unknown_keys(spec, _LAYOUT, "wind.layout.", problems)
    areas_raw = spec.get("areas", "wind")
    if isinstance(areas_raw, str) and areas_raw in by_key:
        areas = LayerRef(str(by_key[areas_raw].outputs.polygons), "eligible_areas")
    elif isinstance(areas_raw, (dict, str)) and not (isinstance(areas_raw, str) and areas_raw.isidentifier()):
        areas = layer_ref(areas_raw, base, "wind.layout.areas", problems)
    else:
        problems.append(f"wind.layout.areas: no technology {areas_raw!r} under 'eligibility'"
                        f"{suggest(areas_raw, by_key)}; "
                        "give its key or {path, layer}")
        return None
    try:
        layout = LayoutSettings(
            crs=settings.crs, hub_height_m=settings.hub_height_m,
            rotor_in=bool(spec.get("rotor_in", DEFAULT_ROTOR_IN)),
            spacing_along_d=float(spec.get("spacing_along_d", 5.0)),
            spacing_across_d=float(spec.get("spacing_across_d", 3.0)),
            main_direction_deg=None if spec.get("main_direction_deg") is None else float(spec["main_direction_deg"]),
            objective=str(spec.get("objective", "count")), offsets=int(spec.get("offsets", 4)),
            resolution_m=float(spec.get("resolution_m", 50.0)), losses=settings.losses, resource=settings.resource,
            thrust_coefficient=None if spec.get("thrust_coefficient") is None else float(spec["thrust_coefficient"]),
            wake_decay=float(spec.get("wake_decay", 0.075)),
            wake_model=str(spec.get("wake_model", "jensen")))
        if layout.objective not in ("count", "energy"):
            raise ValueError(f"objective must be count or energy, not {layout.objective!r}")
    except (TypeError, ValueError) as exc:
        problems.append(f"wind.layout: {exc}")
        return None
    layout_out = LayoutOutputs(out_dir / "wind_turbines.gpkg", out_dir / "wind_layout_sites.csv",
                               out_dir / "wind_layout_municipalities.csv", out_dir / "wind_layout_sites.gpkg")
    immission = read_immission(raw.get("immission"), base, settings.crs, problems) \
        if raw.get("immission") is not None else None
    immission_out = ImmissionOutputs(out_dir / "wind_immission_receptors.gpkg", out_dir / "wind_immission_turbines.gpkg",
                                     out_dir / "wind_noise.tif", out_dir / "wind_noise_contours.gpkg",
                                     out_dir / "wind_shadow.tif") if immission is not None else None
    repowering = read_repowering(raw.get("repowering"), base, layers or {}, out_dir,
                                 "immission" if immission is not None else "layout", areas, layout, problems) \
        if raw.get("repowering") is not None else None
    return WindRun(turbine, wind_rasters, settings, outputs, areas, layout, layout_out, immission, immission_out,
                   repowering)


def read_repowering(raw: Any, base: Path, layers: dict[str, LayerRef], out_dir: Path, default: str,
                    areas: LayerRef | None, layout: LayoutSettings, problems: list[str]) -> RepoweringRun | None:
    """``wind.repowering:`` the existing turbines old enough and what replaces them (problems collected).

    ``default``: the new turbines without a ``turbines`` key (``immission`` where the scenario checks its layout,
    else ``layout``, without a layout ``place``); ``areas`` and ``layout``: where and how a replacement layout
    is placed.
    """
    if not isinstance(raw, dict):
        problems.append("wind.repowering: give a mapping, e.g. {year: 2030, plan_areas: {path: plan.gpkg, "
                        "layer: repowering}}")
        return None
    unknown_keys(raw, _REPOWERING, "wind.repowering.", problems)
    ex = raw.get("existing", "wind_turbines")
    if isinstance(ex, str) and ex in ROLES:
        existing = layers.get(ex)
        if existing is None:
            problems.append(f"wind.repowering.existing: the role {ex!r} is not under 'layers'; add the existing "
                            "turbines there (commissioning year, hub height, rotor) or give {path, layer}")
    else:
        existing = layer_ref(ex, base, "wind.repowering.existing", problems)
    plan = layer_ref(raw["plan_areas"], base, "wind.repowering.plan_areas", problems) if raw.get("plan_areas") \
        else None
    turbines = str(raw.get("turbines", default))
    usable = {"immission": default == "immission", "layout": default in ("immission", "layout"),
              "place": areas is not None}
    if turbines not in usable:
        problems.append(f"wind.repowering.turbines: {turbines!r} is none of immission, layout, place"
                        f"{suggest(turbines, list(usable))}")
    elif not usable[turbines]:
        problems.append(f"wind.repowering.turbines: {turbines} needs " + {
            "immission": "wind.immission (the layout checked for noise)", "layout": "wind.layout",
            "place": "eligible wind areas (wind.layout.areas or an eligibility run 'wind')"}[turbines])
    try:
        settings = RepoweringSettings(
            crs=layout.crs, reference_year=None if raw.get("year") is None else int(raw["year"]),
            min_age_years=float(raw.get("min_age_years", 20.0)), zone_h=float(raw.get("zone_h", 5.0)),
            old_full_load_hours=float(raw.get("old_full_load_hours", 1630.0)))
        settings.check()
    except (TypeError, ValueError, InputError) as exc:
        problems.append(f"wind.repowering: {exc}")
        return None
    if existing is None:
        return None
    return RepoweringRun(settings, RepoweringOutputs(out_dir / "wind_repowering_old.gpkg",
                                                     out_dir / "wind_repowering.csv",
                                                     out_dir / "wind_repowering_turbines.gpkg"),
                         existing, turbines, plan, areas if turbines == "place" else None,
                         layout if turbines == "place" else None)


def read_immission(raw: Any, base: Path, crs: str, problems: list[str]) -> ImmissionSettings | None:
    """``wind.immission:`` noise and shadow flicker of the layout (problems are collected, not raised)."""
    spec = raw if isinstance(raw, dict) else {}
    unknown_keys(spec, _IMMISSION, "wind.immission.", problems)
    try:
        modes = tuple(ModeReduction(str(m["name"]), float(m["reduction_db"]), float(m["energy_factor"]))
                      for m in spec.get("modes") or [])
        optional = {k: (None if spec.get(k) is None else float(spec[k]))
                    for k in ("sound_power_db", "existing_sound_power_db", "blade_depth_m")}
        table = str((base / str(spec["table"])).resolve()) if spec.get("table") else None
        settings = ImmissionSettings(
            crs=crs, table=table, modes=modes, reduce=bool(spec.get("reduce", True)),
            last_resort=str(spec.get("last_resort", "night_off")), noise=bool(spec.get("noise", True)),
            shadow=bool(spec.get("shadow", True)), area_type_field=str(spec.get("area_type_field", "area_type")),
            reach_m=float(spec.get("reach_m", 3000.0)), resolution_m=float(spec.get("resolution_m", 25.0)),
            shadow_resolution_m=float(spec.get("shadow_resolution_m", 50.0)), year=int(spec.get("year", 2023)),
            shadow_real_case=bool(spec.get("shadow_real_case", DEFAULT_SHADOW_REAL_CASE)),
            weather=None if spec.get("weather") is None else str(spec["weather"]), **optional)
        settings.check()
        if table is not None:
            load_immission_table(table)
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"wind.immission: {exc}; modes are written [{{name: SO2, reduction_db: 3, "
                        "energy_factor: 0.93}}]")
        return None
    except (InputError, SpecError) as exc:
        problems.append(f"wind.immission: {exc}")
        return None
    return settings



_SOLAR = {"eligibility", "system", "tilt_deg", "gcr", "losses_pct", "weather", "use_terrain", "slope_step_deg",
          "aspect_step_deg", "max_slope_deg", "sites", "preset", "horizon", "horizon_distance_m"}
_ROOFTOP = {"buildings", "weather", "losses_pct", "preset"}


def read_solar(raw: Any, base: Path, by_key: dict[str, TechnologyRun], suits: dict[str, SuitabilityRun],
               out_dir: Path, rasters: dict[str, str], top: dict[str, Any],
               problems: list[str]) -> tuple[SolarRun, ...]:
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


def read_rooftop(raw: Any, base: Path, layers: dict[str, LayerRef], out_dir: Path, top: dict[str, Any],
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
        buildings = layer_ref(ref, base, "rooftop.buildings", problems)
        if buildings is None:
            return None
    try:
        settings = RooftopSettings(
            crs=str(top.get("crs", DEFAULT_CRS)), weather=weather_source(spec.get("weather"), base),
            losses_pct=None if spec.get("losses_pct") is None else float(spec["losses_pct"]),
            preset=str(spec.get("preset", "pv_systems")),
            invalid_geometries=str(top.get("invalid_geometries", "error")))
    except (TypeError, ValueError) as exc:
        problems.append(f"rooftop: {exc}")
        return None
    return RooftopRun(buildings, settings, RooftopOutputs(out_dir / "rooftop_pv.gpkg", out_dir / "rooftop_pv.csv",
                                                          out_dir / "rooftop_municipalities.csv"))

