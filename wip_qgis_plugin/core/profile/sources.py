"""Generation sources of the profile: compute each source's sites with its engine, or reuse them.

Each source of :data:`.model.GENERATION_SOURCES` has a compute function in
:data:`SOURCE_COMPUTE`: the wind turbine layout (:func:`~..wind.layout.run_turbine_layout`),
ground-mounted and agri-PV (:func:`~..solar.ground.run_solar_potential`) and rooftop PV
(:func:`~..solar.rooftop.run_rooftop_solar`). A source can instead reuse a site layer computed
before (fields :data:`.model.SITE_FIELDS`, optionally an hourly CSV). A source that cannot run is
reported as *missing*, with the reason — never estimated otherwise.

The engines give the annual energy; the hourly series spreads it over the weather year with a
shape (:func:`pv_hourly_shares`, :func:`wind_hourly_shares`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ..data.layers import LayerRef, layer_info, read_layer
from ..data.pvlib_shim import pvlib_module
from ..data.weather import weather_for_site
from ..defaults import DEFAULT_TURBINE
from ..errors import InputError
from ..messages import Message, localised, msg
from ..progress import Progress
from ..solar.floating import FloatingOutputs, FloatingSettings, run_floating
from ..solar.ground import SolarOutputs, SolarSettings, run_solar_potential
from ..solar.model import prepare_sky
from ..solar.rooftop import RooftopOutputs, RooftopSettings, run_rooftop_solar
from ..solar.systems import load_pv_systems
from ..wind.layout import LayoutOutputs, LayoutSettings, run_turbine_layout
from ..wind.turbines import load_turbine
from .model import (
    GENERATION_SOURCES,
    SITE_FIELDS,
    SourceContext,
    SourceResult,
    SourceSpec,
    SourceUnavailable,
    TechnologyFigures,
    hours_of_year,
)
from .report import density_text

#: ``compute(context, spec, progress) -> SourceResult``; raises :class:`~.model.SourceUnavailable`.
SourceCompute = Callable[[SourceContext, SourceSpec, Progress], SourceResult]

#: Roughness length of the log profile that carries the weather's wind to hub height (farmland). [m]
SHAPE_ROUGHNESS_M = 0.1

#: Hub height of the reference turbine for the hourly shape of reused wind sites. [m]
REFERENCE_HUB_HEIGHT_M = 159.0

#: Planes of the hourly PV shapes: (tilt [°], azimuth [°], weight [-]).
PV_PLANES = {
    "fixed_south": ((30.0, 180.0, 1.0),), "east_west": ((15.0, 90.0, 0.5), (15.0, 270.0, 0.5)),
    "single_axis": ((30.0, 120.0, 0.5), (30.0, 240.0, 0.5)),
    "agri_vertical": ((90.0, 90.0, 1.0), (90.0, 270.0, 0.7)), "agri_elevated": ((25.0, 180.0, 1.0),),
    "rooftop": ((35.0, 180.0, 0.4), (35.0, 90.0, 0.3), (35.0, 270.0, 0.3)),
    "floating": ((12.0, 90.0, 0.5), (12.0, 270.0, 0.5)),
}

#: How the hourly series of a reused source without an hourly file is shaped (its annual energy is kept).
DEFAULT_SHAPES = {
    "wind": "weather year's wind, log law z0 0.1 m, power curve of the turbine (option turbine, default "
            f"{DEFAULT_TURBINE})",
    "pv_ground": "weather year's irradiance on a 30° south plane (pvlib)",
    "agri_pv": "weather year's irradiance on vertical east/west planes (pvlib)",
    "pv_rooftop": "weather year's irradiance on 35° south/east/west roofs (pvlib)",
    "pv_floating": "weather year's irradiance on 12° east/west pontoon planes (pvlib)",
}


# ----------------------------------------------------------------- hourly shapes
def centre_lonlat(ctx: SourceContext) -> tuple[float, float]:
    """Longitude and latitude of the centre of the profile's municipalities. [°]"""
    c = shapely.union_all(np.asarray(ctx.boundaries.geometry.values)).centroid
    lon, lat = Transformer.from_crs(ctx.crs, "EPSG:4326", always_xy=True).transform(c.x, c.y)
    return float(lon), float(lat)


def final_name(path: Path) -> str:
    """The final path of a transaction's temporary file (``dir/.stem.XXXX.part.ext`` → ``dir/stem.ext``)."""
    path = Path(path)
    m = re.fullmatch(r"\.(.+)\.[^.]+\.part(\.[^.]+)", path.name)
    return str(path.with_name(m.group(1) + m.group(2)) if m else path)


def profile_weather(ctx: SourceContext) -> Any:
    """The weather year of the hourly series: ``plan.weather`` or the TRY region of the area's centre."""
    lon, lat = centre_lonlat(ctx)
    weather = weather_for_site(lon, lat, ctx.plan.weather)
    hours = hours_of_year(ctx.plan.year)
    if len(weather.data) != hours:
        raise InputError(f"The weather {weather.name!r} has {len(weather.data)} hours; the profile year "
                         f"{ctx.plan.year} has {hours}. Give a weather file of one whole year.")
    return weather


def error_text(exc: Exception) -> str:
    """The text of ``exc``: its :class:`~..messages.Message` where it was raised with one (rendered in the reader's
    language later), else its English text."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Message) else str(exc)


def shares_of(values: np.ndarray) -> np.ndarray:
    """Hourly values as shares of their sum (negative and NaN hours count 0). [-]"""
    values = np.clip(np.nan_to_num(np.asarray(values, dtype=float)), 0.0, None)
    total = values.sum()
    if total <= 0:
        raise SourceUnavailable(msg("profile_no_generation"))
    return values / total


def pv_hourly_shares(weather: Any, planes: Sequence[tuple[float, float, float]], albedo: float = 0.2) -> np.ndarray:
    """Hourly shares of a year's PV energy (sum 1) from the plane-of-array irradiance of weighted planes.

    ``planes`` are (tilt [°], azimuth [°], weight [-]); the cell temperature lowers the output
    by 0.35 %/K above 25 °C (PVWatts γ of crystalline modules). The annual level comes from the
    solar engine; this gives only the distribution over the hours of the same weather year.
    """
    pvlib = pvlib_module()  # with a stand-in h5py where QGIS's HDF5 clashes with h5py (qgis_process)

    sky = prepare_sky(weather, weather.latitude, weather.longitude, weather.elevation_m)
    power = np.zeros(sky.ghi.size)
    for tilt, azimuth, weight in planes:
        irr = pvlib.irradiance.get_total_irradiance(tilt, azimuth, sky.zenith, sky.azimuth, sky.dni, sky.ghi,
                                                    sky.dhi, dni_extra=sky.dni_extra, albedo=albedo,
                                                    model="haydavies")
        poa = np.nan_to_num(np.asarray(irr["poa_global"], dtype=float))
        cell = sky.temp_air + poa / 800.0 * 25.0  # NOCT-like rise: 25 K at 800 W/m²
        power += weight * poa * (1.0 - 0.0035 * np.clip(cell - 25.0, 0.0, None))
    return shares_of(power)


def wind_hourly_shares(weather: Any, turbine: Any) -> np.ndarray:
    """Hourly shares of a year's wind energy (sum 1). [-]

    The weather's wind carried to hub height by a log profile (z0 = 0.1 m, farmland) through the
    turbine's power curve. The annual level comes from the layout (local resource, wakes, losses).
    """
    height = float(getattr(weather, "wind_height_m", 10.0))
    v = np.nan_to_num(weather.data["wind_speed"].to_numpy(dtype=float))
    hub = v * math.log(turbine.hub_height_m / SHAPE_ROUGHNESS_M) / math.log(height / SHAPE_ROUGHNESS_M)
    return shares_of(np.asarray(turbine.power_curve_kw(hub), dtype=float))


def scaled_hourly(sites: gpd.GeoDataFrame, names: Sequence[str], shares: np.ndarray) -> dict[str, np.ndarray]:
    """Hourly generation per municipality: its sites' annual energy spread by ``shares``. [MW]"""
    energy = sites.groupby("municipality")["energy_mwh_per_a"].sum().to_dict()
    return {n: float(energy.get(n, 0.0)) * shares for n in names}


def default_shares(ctx: SourceContext, spec: SourceSpec) -> np.ndarray:
    """Hourly shares (sum 1) of a source over the weather year, for reused sites without hourly values."""
    weather = profile_weather(ctx)
    if spec.key == "wind":
        turbine = load_turbine(str(spec.options.get("turbine") or DEFAULT_TURBINE),
                               float(spec.options.get("hub_height_m") or REFERENCE_HUB_HEIGHT_M))
        return wind_hourly_shares(weather, turbine)
    system = {"pv_ground": "fixed_south", "agri_pv": "agri_vertical", "pv_rooftop": "rooftop",
              "pv_floating": "floating"}[spec.key]
    return pv_hourly_shares(weather, PV_PLANES[system])


# ----------------------------------------------------------------- engines
def wind_farms(turbines: gpd.GeoDataFrame, rotor_radius_m: float, crs: Any) -> gpd.GeoDataFrame:
    """Turbine points → one site per (site_id, municipality).

    Capacity and energy are summed; the footprint is the convex hull of the turbines grown by the
    rotor radius.
    """
    rows = []
    for (site, muni), group in turbines.groupby(["site_id", "municipality"], sort=False):
        hull = shapely.convex_hull(shapely.union_all(np.asarray(group.geometry.values)))
        rows.append({"site_id": str(site), "municipality": str(muni), "capacity_mw": float(group["capacity_mw"].sum()),
                     "energy_mwh_per_a": float(group["energy_mwh_per_a"].sum()), "n_turbines": int(len(group)),
                     "geometry": hull.buffer(rotor_radius_m) if rotor_radius_m > 0 else hull})
    if not rows:
        return gpd.GeoDataFrame({f: [] for f in SITE_FIELDS}, geometry=[], crs=crs)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)


def wind_layout_source(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    """Wind: a turbine layout in the eligible wind areas, one site per wind farm."""
    tech = ctx.technologies["wind"]
    ref = tech.catalogue.reference_turbine
    turbine = str(spec.options.get("turbine") or DEFAULT_TURBINE)  # the wind presets' reference turbine (DOMAIN.md)
    hub = spec.options.get("hub_height_m", ref.hub_height_m if ref is not None else None)
    wind_rasters = {k: v for k, v in ctx.plan.rasters.items() if k in ("wind_speed_100m", "wind_speed_150m", "dem")}
    layers = {k: v for k, v in ctx.plan.layers.items() if k in ("landuse", "water", "buildings")}
    out = ctx.output("profile_wind_turbines.gpkg")
    defaults = LayoutSettings()
    settings = LayoutSettings(  # rotor-in as the profile's WindBG accounting counts it, unless the source says
        crs=ctx.plan.crs, hub_height_m=hub, rotor_in=bool(spec.options.get("rotor_in", ctx.plan.rotor_in)),
        spacing_along_d=float(spec.options.get("spacing_along_d", defaults.spacing_along_d)),
        spacing_across_d=float(spec.options.get("spacing_across_d", defaults.spacing_across_d)))
    try:
        res = run_turbine_layout(turbine, LayerRef(str(tech.outputs.polygons), "eligible_areas"), wind_rasters,
                                 layers, LayoutOutputs(turbines=out), settings, progress)
    except InputError as exc:
        raise SourceUnavailable(msg("profile_layout_cannot_run", error=error_text(exc))) from exc
    turbines = res.turbines
    names = list(ctx.boundaries["name"])
    turbines = turbines[turbines["municipality"].isin(names)]
    sites = wind_farms(turbines, res.turbine.rotor_radius_m, ctx.crs)
    shares = wind_hourly_shares(profile_weather(ctx), res.turbine)
    t = res.turbine
    facts = {"turbine": t.name, "turbine_mw": t.nominal_power_mw, "hub_height_m": t.hub_height_m,
             "rotor_diameter_m": t.rotor_diameter_m, "spacing_d": (settings.spacing_along_d, settings.spacing_across_d),
             "rotor_in": settings.rotor_in, "wake_loss_pct": res.wake_loss_pct}
    return SourceResult("wind", "computed", sites=sites, hourly_mw=scaled_hourly(sites, names, shares),
                        facts=facts, provenance={"engine": "core.wind.layout.run_turbine_layout", "turbine": t.name,
                                                 "hub_height_m": t.hub_height_m, "file": final_name(out),
                                                 "hourly_shape": "TRY wind, log law z0 0.1 m, power curve"})


def ground_pv_source(default_system: str) -> SourceCompute:
    """PV on the eligible ground-PV land with ``default_system`` (ground-mounted or agri-PV)."""
    def run(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
        tech = ctx.technologies["pv_ground"]
        system = str(spec.options.get("system", default_system))
        out = ctx.output(f"profile_{spec.key}_sites.gpkg")
        sites_ref = LayerRef(str(tech.sites), "candidate_sites") if tech.sites is not None and tech.sites.exists() \
            else LayerRef(str(tech.outputs.polygons), "eligible_areas")
        rasters = {k: v for k, v in ctx.plan.rasters.items() if k in ("dem", "slope", "aspect")}
        try:
            outputs = SolarOutputs(specific_yield=ctx.output(f"profile_{spec.key}_yield.tif"), sites=out)
            res = run_solar_potential(tech.outputs.eligibility, rasters, ctx.plan.aoi, sites_ref, outputs,
                                      SolarSettings(system=system, weather=ctx.plan.weather), progress)
        except InputError as exc:
            raise SourceUnavailable(msg("profile_solar_cannot_run", error=error_text(exc))) from exc
        frame = gpd.read_file(out, layer="solar_sites", engine="pyogrio")
        names = list(ctx.boundaries["name"])
        frame = frame[frame["municipality"].isin(names)].reset_index(drop=True)
        frame["site_id"] = frame["site_id"].astype(str)
        shares = pv_hourly_shares(profile_weather(ctx), PV_PLANES.get(system, PV_PLANES["fixed_south"]))
        return SourceResult(spec.key, "computed", sites=frame, hourly_mw=scaled_hourly(frame, names, shares),
                            facts={"system": system},
                            provenance={"engine": "core.solar.ground.run_solar_potential", "system": system,
                                        "file": final_name(out), "weather": ctx.plan.weather or "TRY",
                                        "hourly_shape": f"pvlib POA of {system} planes",
                                        "eligible_ha": float(res.eligible_ha) if hasattr(res, "eligible_ha")
                                        else None})
    return run


def rooftop_source(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    """Rooftop PV on the buildings of the profile's municipalities."""
    if "buildings" not in ctx.plan.layers:
        raise SourceUnavailable(msg("profile_no_building_layer"))
    out = ctx.output("profile_pv_rooftop.gpkg")
    try:
        run_rooftop_solar(ctx.plan.layers["buildings"], ctx.plan.aoi, RooftopOutputs(buildings=out),
                          RooftopSettings(crs=ctx.plan.crs, weather=ctx.plan.weather,
                                          invalid_geometries=ctx.plan.invalid_geometries), progress)
    except InputError as exc:
        raise SourceUnavailable(msg("profile_rooftop_cannot_run", error=error_text(exc))) from exc
    frame = gpd.read_file(out, layer="rooftop_pv", engine="pyogrio")
    names = list(ctx.boundaries["name"])
    frame = frame[frame["municipality"].isin(names) & (frame["capacity_mw"] > 0)].reset_index(drop=True)
    frame["site_id"] = frame["site_id"].astype(str)
    shares = pv_hourly_shares(profile_weather(ctx), PV_PLANES["rooftop"])
    return SourceResult("pv_rooftop", "computed", sites=frame, hourly_mw=scaled_hourly(frame, names, shares),
                        provenance={"engine": "core.solar.rooftop.run_rooftop_solar", "file": final_name(out),
                                    "hourly_shape": "pvlib POA, 35° S/E/W mix"})


#: Options of the floating-PV source and the :class:`~..solar.floating.FloatingSettings` field each sets.
FLOATING_OPTIONS = ("lake_filter", "shore_m", "max_share", "min_field_ha")


def floating_source(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    """Floating PV on the qualifying lakes (WHG § 36 (3): ≤ 15 % of the surface, ≥ 40 m from the shore).

    The lakes are the layer of role ``lakes`` if given (every feature qualifies unless ``lake_filter`` says
    otherwise), else the ``water`` layer with the default filter (OSM reservoirs and basins) or ``lake_filter``.
    """
    role = "lakes" if "lakes" in ctx.plan.layers else "water"
    if role not in ctx.plan.layers:
        raise SourceUnavailable(msg("profile_no_water_layer"))
    unknown = sorted(set(spec.options) - set(FLOATING_OPTIONS))
    if unknown:
        raise InputError(f"pv_floating options: unknown {', '.join(unknown)}; options: {', '.join(FLOATING_OPTIONS)}")
    values: dict[str, Any] = {k: spec.options[k] for k in FLOATING_OPTIONS if k in spec.options}
    if role == "lakes" and "lake_filter" not in values:
        values["lake_filter"] = None
    if str(values.get("lake_filter", "")).lower() == "none":
        values["lake_filter"] = None
    for key in ("shore_m", "max_share", "min_field_ha"):
        if key in values:
            values[key] = float(values[key])
    settings = FloatingSettings(crs=ctx.plan.crs, weather=ctx.plan.weather, **values)
    out = ctx.output("profile_pv_floating.gpkg")
    try:
        res = run_floating(ctx.plan.layers[role], FloatingOutputs(fields=out), settings, ctx.plan.aoi.layer,
                           ctx.plan.aoi.name_field, progress)
    except InputError as exc:
        raise SourceUnavailable(msg("profile_floating_cannot_run", error=error_text(exc))) from exc
    names = list(ctx.boundaries["name"])
    frame = res.frame[res.frame["municipality"].isin(names)].reset_index(drop=True)
    # capacity_mw is AC, as for every PV source (the cost table prices the DC capacity_mwp); the lease per hectare
    # is the field's water area
    frame["capacity_mw"] = frame["capacity_mwp"] / load_pv_systems().dc_ac_ratio
    frame["area_ha"] = frame["floating_ha"]
    frame.insert(0, "site_id", [f"fpv-{i + 1}" for i in range(len(frame))])
    shares = pv_hourly_shares(profile_weather(ctx), PV_PLANES["floating"])
    facts = {"system": settings.system, "shore_m": settings.shore_m, "max_share_pct": 100 * settings.max_share,
             "lakes": int(len(res.frame)), "lakes_left_out": len(res.skipped)}
    return SourceResult("pv_floating", "computed", sites=frame, hourly_mw=scaled_hourly(frame, names, shares),
                        facts=facts, provenance={"engine": "core.solar.floating.run_floating", "layer": role,
                                                 "lake_filter": str(settings.lake_filter), "file": final_name(out),
                                                 "hourly_shape": "pvlib POA of 12° east/west planes",
                                                 "law": "WHG § 36 (3)"})


#: How each generation source of :data:`.model.GENERATION_SOURCES` computes its sites.
SOURCE_COMPUTE: dict[str, SourceCompute] = {
    "wind": wind_layout_source, "pv_ground": ground_pv_source("fixed_south"),
    "agri_pv": ground_pv_source("agri_vertical"), "pv_rooftop": rooftop_source, "pv_floating": floating_source,
}


# ----------------------------------------------------------------- reuse
def read_sites(ref: LayerRef, crs: Any, key: str) -> gpd.GeoDataFrame:
    """A reused site layer in the working CRS, checked for :data:`.model.SITE_FIELDS`."""
    info = layer_info(ref, f"{key} sites")
    missing = [f for f in SITE_FIELDS if f not in info.fields]
    if missing:
        raise InputError(f"The {key} site layer ({ref.describe()}) lacks the field(s) {', '.join(missing)}; a "
                         f"reused site layer needs {', '.join(SITE_FIELDS)} (capacity in MW, energy in MWh/a).")
    extra = tuple(f for f in ("score", "mean", "rank", "density", "turbine_id", "rotor_diameter_m", "eligible_ha", "area_ha",
                              "usable_roof_m2", "capacity_mwp", "capacity_kwp", "status", "shadow_module",
                              "energy_lost_noise_mwh_per_a", *REPOWERING_FIELDS) if f in info.fields)
    frame = read_layer(ref, f"{key} sites", crs, columns=SITE_FIELDS + extra, invalid="repair", empty_ok=True)
    frame["site_id"] = frame["site_id"].astype(str)
    frame["municipality"] = frame["municipality"].astype(str)
    for col in ("capacity_mw", "energy_mwh_per_a"):  # 0 sites (a technology of 0 ha) read as an empty frame
        frame[col] = pd.to_numeric(frame[col], errors="coerce").fillna(0.0).astype(float)
    return frame


def read_hourly(path: str | Path, capacity_mw: Mapping[str, float], hours: int) -> dict[str, np.ndarray]:
    """Hourly generation per municipality from a CSV (see :class:`~.model.SourceSpec`). [MW]"""
    frame = pd.read_csv(path)
    if len(frame) != hours:
        raise InputError(f"Hourly generation {str(path)!r} has {len(frame)} rows; the year has {hours} hours.")
    if "capacity_factor" in frame.columns:
        cf = frame["capacity_factor"].to_numpy(dtype=float)
        if np.any(cf < 0) or np.any(cf > 1) or not np.all(np.isfinite(cf)):
            raise InputError(f"{path}: capacity_factor must lie in [0, 1] every hour.")
        return {name: cap * cf for name, cap in capacity_mw.items()}
    missing = [n for n in capacity_mw if n not in frame.columns]
    if missing:
        raise InputError(f"Hourly generation {str(path)!r} has no column for {', '.join(missing)} (MW per "
                         "municipality) and no column capacity_factor.")
    return {name: frame[name].to_numpy(dtype=float) for name in capacity_mw}


def reuse_source(ctx: SourceContext, spec: SourceSpec) -> SourceResult:
    """A source from a site layer computed before (and its hourly CSV, if given)."""
    assert spec.sites is not None
    sites = read_sites(spec.sites, ctx.crs, spec.key)
    names_set = set(ctx.boundaries["name"])
    sites = sites[sites["municipality"].isin(names_set) & (sites["capacity_mw"] > 0)].reset_index(drop=True)
    facts = {**immission_facts(sites), **repowering_facts(sites)}
    if "turbine_id" in sites.columns:  # a turbine layer: one site per wind farm (eligible area)
        radius = float(sites["rotor_diameter_m"].max()) / 2.0 if "rotor_diameter_m" in sites.columns else 0.0
        sites = wind_farms(sites, radius, ctx.crs)
    hourly = None
    names = list(ctx.boundaries["name"])
    if spec.hourly:
        caps = sites.groupby("municipality")["capacity_mw"].sum().to_dict()
        hourly = read_hourly(spec.hourly, {n: caps.get(n, 0.0) for n in names}, hours_of_year(ctx.plan.year))
        shape = f"from {spec.hourly}"
    else:
        try:
            hourly = scaled_hourly(sites, names, default_shares(ctx, spec))
            shape = DEFAULT_SHAPES[spec.key]
        except (InputError, SourceUnavailable) as exc:
            shape = f"none ({exc})"
    density = str(sites["density"].iloc[0]) if "density" in sites.columns and len(sites) else ""
    return SourceResult(spec.key, "reused", sites=sites, hourly_mw=hourly, density=density, facts=facts,
                        provenance={"reused": spec.sites.describe(), "hourly_shape": shape})


def immission_facts(turbines: gpd.GeoDataFrame) -> dict[str, Any]:
    """What the noise and shadow-flicker check did to a reused turbine layer (:mod:`..wind.immission`); {} if none."""
    if "energy_lost_noise_mwh_per_a" not in turbines.columns:
        return {}
    status = turbines["status"].astype(str) if "status" in turbines.columns else pd.Series([], dtype=str)
    return {"noise_checked": True, "noise_reduced": int(status.str.startswith("mode").sum()),
            "noise_night_off": int((status == "off at night (noise)").sum()),
            "noise_lost_gwh": float(turbines["energy_lost_noise_mwh_per_a"].sum()) / 1000.0,
            "shadow_modules": int(turbines["shadow_module"].astype(bool).sum())
            if "shadow_module" in turbines.columns else 0}


#: Fields of a turbine layer the repowering step wrote (:mod:`..wind.repowering`).
REPOWERING_FIELDS = ("repowering_rule", "old_replaced", "old_mw_replaced", "old_mwh_per_a_replaced")


def repowering_facts(turbines: gpd.GeoDataFrame) -> dict[str, Any]:
    """What repowering does in a reused turbine layer (:mod:`..wind.repowering`): the new repowering turbines
    and the old ones they replace (their shares summed); {} if the layer has not been through it."""
    if not all(f in turbines.columns for f in REPOWERING_FIELDS):
        return {}
    rule = turbines["repowering_rule"].fillna("").astype(str)
    new = (rule != "").to_numpy()

    def total(column: str, rows: Any = slice(None)) -> float:
        return float(pd.to_numeric(turbines.loc[rows, column], errors="coerce").fillna(0.0).sum())

    old_gwh = total("old_mwh_per_a_replaced") / 1000.0
    new_gwh = total("energy_mwh_per_a", new) / 1000.0
    return {"repowering_checked": True, "repowering_new": int(new.sum()), "repowering_new_mw": total("capacity_mw", new),
            "repowering_new_gwh": new_gwh, "repowering_plan_area": int((rule == "plan_area").sum()),
            "repowering_old": int(round(total("old_replaced"))), "repowering_old_mw": total("old_mw_replaced"),
            "repowering_old_gwh": old_gwh, "repowering_net_gwh": new_gwh - old_gwh}


# ----------------------------------------------------------------- densities and the run of one source
def tech_area_km2(tech: TechnologyFigures, names: Sequence[str]) -> float:
    """Eligible area of a technology over some municipalities. [km²]"""
    return sum(tech.stats[n].eligible_ha for n in names if n in tech.stats) / 100.0


def density_facts(ctx: SourceContext, key: str, sites: gpd.GeoDataFrame) -> dict[str, Any]:
    """Capacity densities and full-load hours of a source's sites (the report words them)."""
    cap = float(sites["capacity_mw"].sum()) if len(sites) else 0.0
    source = GENERATION_SOURCES[key]
    facts: dict[str, Any] = {"capacity_mw": cap, "n_sites": int(len(sites))}
    if "n_turbines" in sites.columns:
        facts["n_turbines"] = int(sites["n_turbines"].sum())
    if source.technology in ctx.technologies:
        km2 = tech_area_km2(ctx.technologies[source.technology], list(ctx.boundaries["name"]))
        facts["eligible_ha"] = km2 * 100.0
        if km2 > 0:
            facts["mw_per_km2_eligible"] = cap / km2
        else:  # a zero is a result: the report says "0 ha eligible"
            facts["zero_eligible"] = True
    dc = "capacity_mwp" if "capacity_mwp" in sites.columns else "capacity_kwp" if "capacity_kwp" in sites.columns \
        else None
    if dc is not None:
        mwp = float(sites[dc].sum()) / (1000.0 if dc == "capacity_kwp" else 1.0)
        facts["capacity_mwp"] = mwp
        if mwp > 0:
            facts["yield_kwh_per_kwp"] = float(sites["energy_mwh_per_a"].sum()) / mwp  # MWh/MWp = kWh/kWp
        if "eligible_ha" in sites.columns and sites["eligible_ha"].sum() > 0:
            facts["mwp_per_ha"] = mwp / float(sites["eligible_ha"].sum())
        if "usable_roof_m2" in sites.columns and sites["usable_roof_m2"].sum() > 0:
            facts["mwp_per_km2_roof"] = mwp / (float(sites["usable_roof_m2"].sum()) / 1e6)
    if cap > 0:
        facts["full_load_hours"] = float(sites["energy_mwh_per_a"].sum()) / cap
    if not source.additive:
        facts["alternative"] = True
    return facts


def run_source(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    """Compute or reuse one source; a source that cannot run is returned as ``missing`` with the reason."""
    source = GENERATION_SOURCES[spec.key]
    try:
        if spec.sites is not None:
            result = reuse_source(ctx, spec)
        else:
            if source.technology is not None and source.technology not in ctx.technologies:
                needed = GENERATION_SOURCES.get(source.technology)
                raise SourceUnavailable(msg("profile_source_needs_technology", technology=localised(
                    en=needed.label("en"), de=needed.label("de")) if needed else source.technology))
            result = SOURCE_COMPUTE[spec.key](ctx, spec, progress)
    except SourceUnavailable as exc:
        reason = error_text(exc)
        label = localised(en=source.label("en"), de=source.label("de"))
        progress.warning(msg("profile_source_missing", source=label, reason=reason))
        return SourceResult(spec.key, "missing", reason=reason)
    if result.sites is not None:
        result.facts = {**density_facts(ctx, spec.key, result.sites), **result.facts,
                        "reused": result.status == "reused"}
        result.density = result.density or density_text(result.facts, "en")
        missing = [f for f in SITE_FIELDS if f not in result.sites.columns]
        if missing:
            raise InputError(f"The {spec.key} engine returned sites without {', '.join(missing)}.")
        result.sites = result.sites.assign(source=spec.key)
    return result
