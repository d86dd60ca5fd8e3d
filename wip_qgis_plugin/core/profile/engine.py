"""Municipal energy profile ("Zukunftsprofil"): the whole chain for chosen municipalities.

eligibility → suitability → generation sources (wind layout, ground PV, agri-PV, rooftop PV) →
grid connection → demand → hourly balance → indicators per municipality, with the provenance of
every number (catalogue versions, parameters, input layers).

Generation sources plug in through :data:`GENERATION_SOURCES`: each entry computes its sites
with the engine of its technology, or reuses outputs computed before (a site layer with
``site_id``, ``municipality``, ``capacity_mw``, ``energy_mwh_per_a`` and optionally an hourly
CSV). A source whose engine is not available and that has nothing to reuse is reported as
*missing*, with the reason — never estimated otherwise.

Steps whose outputs already exist in the output folder with the same provenance (catalogue id
and version, resolution, area of interest) are reused, not recomputed (``reuse=True``).

Example::

    plan = ProfilePlan(layers=..., rasters=..., aoi=..., output_dir=Path("out/profile"),
                       technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}),
                                     TechnologyStep("pv_ground", {"source": "pv_ground"})),
                       sources=(SourceSpec("wind"), SourceSpec("pv_ground")))
    result = run_profile(plan)
    result.municipalities[0].indicators["pv_ground_energy_gwh"]
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib
import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

from .balance import HourlyBalance, hourly_balance
from .demand import (
    DemandCatalogue,
    MunicipalDemand,
    demands_for,
    hourly_demand_mw,
    load_demand_catalogue,
    read_demand_table,
)
from ..eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, MunicipalityStats
from ..spec import suggest
from ..errors import InputError, WipError
from ..data.outputs import OutputTransaction, write_json
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, SubProgress, check_cancelled

#: Fields every site layer (computed or reused) carries.
SITE_FIELDS = ("site_id", "municipality", "capacity_mw", "energy_mwh_per_a")


class SourceUnavailable(WipError):
    """A generation source cannot be computed here (its engine or an input is missing)."""


# ----------------------------------------------------------------- plan
@dataclass(frozen=True)
class TechnologyStep:
    """Eligibility (and suitability) of one technology.

    Attributes
    ----------
    key : str
        ``wind`` or ``pv_ground`` (the output prefix and the key generation sources refer to).
    catalogue : dict
        Catalogue as an engine job names it: ``{"source": preset id or YAML, "overrides": …}``.
    kinds : tuple of str
        Exclusion kinds.
    min_area_ha : float
        Smallest eligible polygon kept. [ha]
    """

    key: str
    catalogue: dict[str, Any]
    kinds: tuple[str, ...] = ("hard", "soft")
    min_area_ha: float = 1.0


@dataclass(frozen=True)
class SourceSpec:
    """One generation source of the profile.

    Attributes
    ----------
    key : str
        Key of :data:`GENERATION_SOURCES` (``wind``, ``pv_ground``, ``agri_pv``, ``pv_rooftop``).
    sites : LayerRef or None
        Reuse this site layer instead of computing (fields :data:`SITE_FIELDS`).
    hourly : str or None
        CSV of the reused source's hourly generation: a column per municipality [MW], or one
        column ``capacity_factor`` [-] applied to each municipality's capacity; 8760 rows.
    options : dict
        Options passed to the source's engine (e.g. densities).
    """

    key: str
    sites: LayerRef | None = None
    hourly: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfilePlan:
    """Everything a profile run needs (JSON-able: the worker job carries it).

    Attributes
    ----------
    layers : dict of str to LayerRef
        Input layers by role.
    rasters : dict of str to str
        Input rasters by role (suitability criteria, wind speed).
    aoi : AreaOfInterest
        The municipalities (``names``: the chosen ones).
    output_dir : Path
        Folder of every output.
    technologies : tuple of TechnologyStep
        Eligibility steps.
    sources : tuple of SourceSpec
        Generation sources.
    resolution_m : float
        Grid of the eligibility steps. [m]
    crs : str
        Working CRS.
    reuse : bool
        Reuse outputs of earlier runs in ``output_dir`` whose provenance matches.
    suitability : bool
        Score the eligible land (needs the catalogue's rasters).
    rotor_in : bool
        WindBG § 4 rotor-in deduction for the counted wind area.
    demand_catalogue : str
        Demand preset id or YAML file.
    demand_table : str or None
        CSV with the municipalities' own demand (see :func:`.demand.read_demand_table`).
    population_field : str
        Population field of the municipality layer.
    land : str or None
        Land code where the AGS does not tell it (``ST``, ``SN``, ``TH``).
    grid_catalogue : str or None
        Grid connection catalogue (None: no grid step).
    weather : str or None
        Weather of the generation sources (None: the TRY region of the area's centre).
    year : int
        Calendar year of the hourly series (the weather year; TRY: 2010).
    top_n : int
        Sites listed per municipality.
    suitable_min_score : float
        A candidate site counts as suitable from this mean score on. [0–100]
    report : bool
        Write the HTML reports.
    language : str
        ``de`` or ``en`` for the reports.
    workers : int
        Processes for the eligibility tiles.
    invalid_geometries : str
        ``error`` or ``repair``.
    sweep_setbacks_m : tuple of float
        Settlement setbacks of the wind sweep chart (empty: none, or the scenario's
        ``wind_sweep.csv`` in the output folder). [m]
    sweep_resolution_m : float
        Grid of the sweep (coarser than the eligibility is fine for a chart). [m]
    """

    layers: dict[str, LayerRef]
    aoi: AreaOfInterest
    output_dir: Path
    technologies: tuple[TechnologyStep, ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    rasters: dict[str, str] = field(default_factory=dict)
    resolution_m: float = 25.0
    crs: str = "EPSG:25832"
    reuse: bool = True
    suitability: bool = True
    rotor_in: bool = True
    demand_catalogue: str = "demand"
    demand_table: str | None = None
    population_field: str = "population"
    land: str | None = None
    grid_catalogue: str | None = "grid_connection"
    weather: str | None = None
    year: int = 2010
    top_n: int = 5
    suitable_min_score: float = 70.0
    report: bool = True
    language: str = "de"
    workers: int = 2
    invalid_geometries: str = "error"
    sweep_setbacks_m: tuple[float, ...] = ()
    sweep_resolution_m: float = 50.0

    def check(self) -> None:
        """Raise :class:`InputError` naming every impossible setting."""
        problems = []
        keys = [t.key for t in self.technologies]
        if len(set(keys)) != len(keys):
            problems.append(f"technologies: a key appears twice ({', '.join(keys)})")
        for s in self.sources:
            if s.key not in GENERATION_SOURCES:
                problems.append(f"sources.{s.key}: not a generation source; sources: {', '.join(GENERATION_SOURCES)}")
        if self.language not in ("de", "en"):
            problems.append(f"language {self.language!r}: use de or en")
        if self.top_n < 0:
            problems.append("top_n: use 0 or more")
        if not 0 <= self.suitable_min_score <= 100:
            problems.append("suitable_min_score: a score between 0 and 100")
        if problems:
            raise InputError("The profile settings have problems:\n" + "\n".join(f"  - {p}" for p in problems))


# ----------------------------------------------------------------- step results
@dataclass
class TechnologyFigures:
    """Eligibility and suitability of one technology (one run)."""

    key: str
    catalogue: Any
    stats: dict[str, MunicipalityStats]
    outputs: EligibilityOutputs
    reused: bool
    suitability: Path | None = None
    sites: Path | None = None
    suitable_ha: dict[str, float] = field(default_factory=dict)
    suitability_note: str = ""


@dataclass
class SourceResult:
    """What one generation source contributed.

    Attributes
    ----------
    key : str
        Source key.
    status : str
        ``computed``, ``reused`` or ``missing``.
    reason : str
        Why it is missing ('' otherwise).
    sites : GeoDataFrame or None
        One row per site with :data:`SITE_FIELDS` (+ ``source``).
    hourly_mw : dict of str to ndarray, or None
        Hourly generation per municipality [MW] (None: the source has no hourly series).
    density : str
        The capacity density or layout rule used, in English (the report words ``facts`` in its
        language).
    facts : dict
        Numbers behind the density: ``capacity_mw``, ``n_sites``, ``mw_per_km2_eligible``,
        ``mwp_per_ha``, ``yield_kwh_per_kwp``, ``full_load_hours``, ``turbine`` … (see
        :func:`density_facts`).
    provenance : dict
        Engine, catalogue/equipment versions and parameters.
    """

    key: str
    status: str
    reason: str = ""
    sites: gpd.GeoDataFrame | None = None
    hourly_mw: dict[str, np.ndarray] | None = None
    density: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class MunicipalProfile:
    """Indicators of one municipality.

    ``indicators`` holds numbers with their unit in the key (``area_ha``, ``wind_eligible_pct``,
    ``pv_ground_capacity_mw``, ``pv_ground_energy_gwh``, ``demand_gwh``, ``self_sufficiency_pct``,
    ``grid_cost_meur`` …); a source or step that is missing leaves its keys out.
    """

    name: str
    ags: str
    indicators: dict[str, float]
    demand: MunicipalDemand | None = None
    balance: HourlyBalance | None = None
    top_sites: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ProfileResult:
    """Everything a profile run produced (the report reads it)."""

    plan: ProfilePlan
    municipalities: list[MunicipalProfile]
    technologies: dict[str, TechnologyFigures]
    sources: dict[str, SourceResult]
    sites: gpd.GeoDataFrame
    connections: gpd.GeoDataFrame | None
    boundaries: gpd.GeoDataFrame
    demand_catalogue: DemandCatalogue
    provenance: dict[str, Any]
    files: dict[str, Path]
    sweep: dict[str, Any] | None = None
    grid_note: str = ""
    seconds: float = 0.0

    def municipality(self, name: str) -> MunicipalProfile:
        """The profile of one municipality."""
        for m in self.municipalities:
            if m.name == name:
                return m
        raise KeyError(name)


# ----------------------------------------------------------------- generation sources
@dataclass(frozen=True)
class SourceContext:
    """What a generation source may use: the plan, the technology steps' outputs, the boundaries."""

    plan: ProfilePlan
    technologies: Mapping[str, TechnologyFigures]
    boundaries: gpd.GeoDataFrame
    crs: Any
    tx: Any = None

    def output(self, name: str) -> Path:
        """Where a source writes ``output_dir/name``.

        A temporary file of the run's transaction (renamed when the whole profile succeeds), or
        the final path without one.
        """
        final = self.plan.output_dir / name
        return self.tx.temp_for(final) if self.tx is not None else final


@dataclass(frozen=True)
class GenerationSource:
    """A registered generation source.

    Attributes
    ----------
    key : str
        Registry key.
    label_de, label_en : str
        Names for reports.
    technology : str or None
        The technology step whose eligible areas it builds on (None: none).
    grid_connected : bool
        Whether its sites get a grid connection (rooftop PV does not: it feeds the local grid).
    compute : callable
        ``compute(context, spec, progress) -> SourceResult``; raises :class:`SourceUnavailable`.
    additive : bool
        Counted in the totals and the hourly balance (agri-PV is not: it is an alternative use of
        the ground-PV land).
    ranked : bool
        Its sites compete for the top-N list and site maps (single roofs do not).
    """

    key: str
    label_de: str
    label_en: str
    technology: str | None
    grid_connected: bool
    compute: Callable[[SourceContext, SourceSpec, Progress], SourceResult]
    additive: bool = True
    ranked: bool = True

    def label(self, language: str = "de") -> str:
        """Name in ``language``."""
        return self.label_en if language == "en" else self.label_de


def _engine(module: str, *names: str) -> Any:
    """A function of a sibling engine module; :class:`SourceUnavailable` if it is not there."""
    try:
        mod = importlib.import_module(f"{__package__.rsplit('.', 1)[0]}.{module}")
    except ImportError as exc:
        raise SourceUnavailable(f"the engine module core/{module}.py is not available in this version ({exc})") \
            from exc
    for name in names:
        if hasattr(mod, name):
            return getattr(mod, name)
    raise SourceUnavailable(f"core/{module}.py has none of {', '.join(names)}")


def _not_computable(key: str, engine: str) -> Callable[[SourceContext, SourceSpec, Progress], SourceResult]:
    """Compute function of a source whose engine is looked up at run time (see :data:`SOURCE_ENGINES`)."""
    def compute(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
        runner = SOURCE_ENGINES.get(key)
        if runner is None:
            raise SourceUnavailable(f"no engine computes {key} in this version ({engine}); give a site layer "
                                    "computed elsewhere to reuse it")
        return runner(ctx, spec, progress)
    return compute


#: Engine adapters by source key: ``run(context, spec, progress) -> SourceResult``. Filled by the
#: solar and wind integrations below when their engines are present.
SOURCE_ENGINES: dict[str, Callable[[SourceContext, SourceSpec, Progress], SourceResult]] = {}

# ----------------------------------------------------------------- engine adapters
#: Roughness length of the log profile that carries the weather's wind to hub height (farmland). [m]
_SHAPE_ROUGHNESS_M = 0.1


def _centre_lonlat(ctx: SourceContext) -> tuple[float, float]:
    from pyproj import Transformer

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
    from ..data.weather import weather_for_site

    lon, lat = _centre_lonlat(ctx)
    weather = weather_for_site(lon, lat, ctx.plan.weather)
    if len(weather.data) != _hours(ctx.plan.year):
        raise InputError(f"The weather {weather.name!r} has {len(weather.data)} hours; the profile year "
                         f"{ctx.plan.year} has {_hours(ctx.plan.year)}. Give a weather file of one whole year.")
    return weather


def _shares(values: np.ndarray) -> np.ndarray:
    values = np.clip(np.nan_to_num(np.asarray(values, dtype=float)), 0.0, None)
    total = values.sum()
    if total <= 0:
        raise SourceUnavailable("the weather year gives no generation at all (check the weather file)")
    return values / total


def pv_hourly_shares(weather: Any, planes: Sequence[tuple[float, float, float]], albedo: float = 0.2) -> np.ndarray:
    """Hourly shares of a year's PV energy (sum 1) from the plane-of-array irradiance of weighted planes.

    ``planes`` are (tilt [°], azimuth [°], weight [-]); the cell temperature lowers the output
    by 0.35 %/K above 25 °C (PVWatts γ of crystalline modules). The annual level comes from the
    solar engine; this gives only the distribution over the hours of the same weather year.
    """
    from ..solar.model import prepare_sky
    from ..data.pvlib_shim import pvlib_module

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
    return _shares(power)


def wind_hourly_shares(weather: Any, turbine: Any) -> np.ndarray:
    """Hourly shares of a year's wind energy (sum 1). [-]

    The weather's wind carried to hub height by a log profile (z0 = 0.1 m, farmland) through the
    turbine's power curve. The annual level comes from the layout (local resource, wakes, losses).
    """
    height = float(getattr(weather, "wind_height_m", 10.0))
    v = np.nan_to_num(weather.data["wind_speed"].to_numpy(dtype=float))
    hub = v * math.log(turbine.hub_height_m / _SHAPE_ROUGHNESS_M) / math.log(height / _SHAPE_ROUGHNESS_M)
    return _shares(np.asarray(turbine.power_curve_kw(hub), dtype=float))


def _scaled_hourly(sites: gpd.GeoDataFrame, names: Sequence[str], shares: np.ndarray) -> dict[str, np.ndarray]:
    energy = sites.groupby("municipality")["energy_mwh_per_a"].sum().to_dict()
    return {n: float(energy.get(n, 0.0)) * shares for n in names}


def _wind_layout(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    layout = _engine("wind.layout", "run_turbine_layout")
    from ..wind.layout import LayoutOutputs, LayoutSettings

    tech = ctx.technologies["wind"]
    ref = tech.catalogue.reference_turbine
    turbine = str(spec.options.get("turbine") or "E-141/4200")  # the wind presets' reference turbine (DOMAIN.md)
    hub = spec.options.get("hub_height_m", ref.hub_height_m if ref is not None else None)
    wind_rasters = {k: v for k, v in ctx.plan.rasters.items() if k in ("wind_speed_100m", "wind_speed_150m", "dem")}
    layers = {k: v for k, v in ctx.plan.layers.items() if k in ("landuse", "water", "buildings")}
    out = ctx.output("profile_wind_turbines.gpkg")
    try:
        res = layout(turbine, LayerRef(str(tech.outputs.polygons), "eligible_areas"), wind_rasters, layers,
                     LayoutOutputs(turbines=out), LayoutSettings(crs=ctx.plan.crs, hub_height_m=hub,
                                                                 rotor_in=bool(spec.options.get("rotor_in", False))),
                     progress)
    except InputError as exc:
        raise SourceUnavailable(f"the turbine layout cannot run: {exc}") from exc
    turbines = res.turbines
    names = list(ctx.boundaries["name"])
    turbines = turbines[turbines["municipality"].isin(names)]
    sites = wind_farms(turbines, res.turbine.rotor_radius_m, ctx.crs)
    shares = wind_hourly_shares(profile_weather(ctx), res.turbine)
    t = res.turbine
    facts = {"turbine": t.name, "turbine_mw": t.nominal_power_mw, "hub_height_m": t.hub_height_m,
             "rotor_diameter_m": t.rotor_diameter_m, "spacing_d": (LayoutSettings().spacing_along_d,
                                                                   LayoutSettings().spacing_across_d),
             "wake_loss_pct": res.wake_loss_pct}
    return SourceResult("wind", "computed", sites=sites, hourly_mw=_scaled_hourly(sites, names, shares),
                        facts=facts, provenance={"engine": "core.wind.layout.run_turbine_layout", "turbine": t.name,
                                                     "hub_height_m": t.hub_height_m, "file": final_name(out),
                                                     "hourly_shape": "TRY wind, log law z0 0.1 m, power curve"})


def tech_area_km2(tech: TechnologyFigures, names: Sequence[str]) -> float:
    """Eligible area of a technology over some municipalities. [km²]"""
    return sum(tech.stats[n].eligible_ha for n in names if n in tech.stats) / 100.0


#: Planes of the hourly PV shapes: (tilt [°], azimuth [°], weight [-]).
_PV_PLANES = {
    "fixed_south": ((30.0, 180.0, 1.0),), "east_west": ((15.0, 90.0, 0.5), (15.0, 270.0, 0.5)),
    "single_axis": ((30.0, 120.0, 0.5), (30.0, 240.0, 0.5)),
    "agri_vertical": ((90.0, 90.0, 1.0), (90.0, 270.0, 0.7)), "agri_elevated": ((25.0, 180.0, 1.0),),
    "rooftop": ((35.0, 180.0, 0.4), (35.0, 90.0, 0.3), (35.0, 270.0, 0.3)),
}


def _solar(default_system: str) -> Callable[[SourceContext, SourceSpec, Progress], SourceResult]:
    def run(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
        solar = _engine("solar.ground", "run_solar_potential")
        from ..solar.ground import SolarOutputs, SolarSettings

        tech = ctx.technologies["pv_ground"]
        system = str(spec.options.get("system", default_system))
        out = ctx.output(f"profile_{spec.key}_sites.gpkg")
        sites_ref = LayerRef(str(tech.sites), "candidate_sites") if tech.sites is not None and tech.sites.exists() \
            else LayerRef(str(tech.outputs.polygons), "eligible_areas")
        rasters = {k: v for k, v in ctx.plan.rasters.items() if k in ("dem", "slope", "aspect")}
        try:
            outputs = SolarOutputs(specific_yield=ctx.output(f"profile_{spec.key}_yield.tif"), sites=out)
            res = solar(tech.outputs.eligibility, outputs,
                        SolarSettings(system=system, weather=ctx.plan.weather), rasters, ctx.plan.aoi, sites_ref,
                        progress)
        except InputError as exc:
            raise SourceUnavailable(f"the solar engine cannot run: {exc}") from exc
        frame = gpd.read_file(out, layer="solar_sites", engine="pyogrio")
        names = list(ctx.boundaries["name"])
        frame = frame[frame["municipality"].isin(names)].reset_index(drop=True)
        frame["site_id"] = frame["site_id"].astype(str)
        shares = pv_hourly_shares(profile_weather(ctx), _PV_PLANES.get(system, _PV_PLANES["fixed_south"]))
        return SourceResult(spec.key, "computed", sites=frame, hourly_mw=_scaled_hourly(frame, names, shares),
                            facts={"system": system},
                            provenance={"engine": "core.solar.ground.run_solar_potential", "system": system,
                                                         "file": final_name(out), "weather": ctx.plan.weather or "TRY",
                                                         "hourly_shape": f"pvlib POA of {system} planes",
                                                         "eligible_ha": float(res.eligible_ha)
                                                         if hasattr(res, "eligible_ha") else None})
    return run


def _rooftop(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    rooftop = _engine("solar.rooftop", "run_rooftop_solar")
    from ..solar.rooftop import RooftopOutputs, RooftopSettings

    if "buildings" not in ctx.plan.layers:
        raise SourceUnavailable("no building layer given")
    out = ctx.output("profile_pv_rooftop.gpkg")
    try:
        rooftop(ctx.plan.layers["buildings"], RooftopOutputs(buildings=out),
                RooftopSettings(crs=ctx.plan.crs, weather=ctx.plan.weather,
                                invalid_geometries=ctx.plan.invalid_geometries), ctx.plan.aoi, progress)
    except InputError as exc:
        raise SourceUnavailable(f"the rooftop engine cannot run: {exc}") from exc
    frame = gpd.read_file(out, layer="rooftop_pv", engine="pyogrio")
    names = list(ctx.boundaries["name"])
    frame = frame[frame["municipality"].isin(names) & (frame["capacity_mw"] > 0)].reset_index(drop=True)
    frame["site_id"] = frame["site_id"].astype(str)
    shares = pv_hourly_shares(profile_weather(ctx), _PV_PLANES["rooftop"])
    return SourceResult("pv_rooftop", "computed", sites=frame, hourly_mw=_scaled_hourly(frame, names, shares),
                        provenance={"engine": "core.solar.rooftop.run_rooftop_solar", "file": final_name(out),
                                                     "hourly_shape": "pvlib POA, 35° S/E/W mix"})


SOURCE_ENGINES.update({"wind": _wind_layout, "pv_ground": _solar("fixed_south"), "agri_pv": _solar("agri_vertical"),
                       "pv_rooftop": _rooftop})

#: The generation sources a profile can include.
GENERATION_SOURCES: dict[str, GenerationSource] = {
    "wind": GenerationSource("wind", "Windenergie (Anlagenlayout)", "wind (turbine layout)", "wind", True,
                             _not_computable("wind", "core/wind/, issue 5")),
    "pv_ground": GenerationSource("pv_ground", "Freiflächen-PV", "ground-mounted PV", "pv_ground", True,
                                  _not_computable("pv_ground", "core/solar/ground.py, issue 4")),
    "agri_pv": GenerationSource("agri_pv", "Agri-PV", "agrivoltaics", "pv_ground", False,
                                _not_computable("agri_pv", "core/solar/ground.py, issue 4"), additive=False),
    "pv_rooftop": GenerationSource("pv_rooftop", "Dach-PV", "rooftop PV", None, False,
                                   _not_computable("pv_rooftop", "core/solar/rooftop.py, issue 4"), ranked=False),
}


def read_sites(ref: LayerRef, crs: Any, key: str) -> gpd.GeoDataFrame:
    """A reused site layer in the working CRS, checked for :data:`SITE_FIELDS`."""
    info = layer_info(ref, f"{key} sites")
    missing = [f for f in SITE_FIELDS if f not in info.fields]
    if missing:
        raise InputError(f"The {key} site layer ({ref.describe()}) lacks the field(s) {', '.join(missing)}; a "
                         f"reused site layer needs {', '.join(SITE_FIELDS)} (capacity in MW, energy in MWh/a).")
    extra = tuple(f for f in ("score", "mean", "rank", "density", "turbine_id", "rotor_diameter_m", "eligible_ha",
                              "usable_roof_m2", "capacity_mwp", "capacity_kwp") if f in info.fields)
    frame = read_layer(ref, f"{key} sites", crs, columns=SITE_FIELDS + extra, invalid="repair")
    frame["site_id"] = frame["site_id"].astype(str)
    frame["municipality"] = frame["municipality"].astype(str)
    for col in ("capacity_mw", "energy_mwh_per_a"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").fillna(0.0).astype(float)
    return frame


def read_hourly(path: str | Path, capacity_mw: Mapping[str, float], hours: int) -> dict[str, np.ndarray]:
    """Hourly generation per municipality from a CSV (see :class:`SourceSpec`). [MW]"""
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
    if "turbine_id" in sites.columns:  # a turbine layer: one site per wind farm (eligible area)
        radius = float(sites["rotor_diameter_m"].max()) / 2.0 if "rotor_diameter_m" in sites.columns else 0.0
        sites = wind_farms(sites, radius, ctx.crs)
    hourly = None
    names = list(ctx.boundaries["name"])
    if spec.hourly:
        caps = sites.groupby("municipality")["capacity_mw"].sum().to_dict()
        hourly = read_hourly(spec.hourly, {n: caps.get(n, 0.0) for n in names}, _hours(ctx.plan.year))
        shape = f"from {spec.hourly}"
    else:
        try:
            hourly = _scaled_hourly(sites, names, default_shares(ctx, spec))
            shape = DEFAULT_SHAPES[spec.key]
        except (InputError, SourceUnavailable) as exc:
            shape = f"none ({exc})"
    density = str(sites["density"].iloc[0]) if "density" in sites.columns and len(sites) else ""
    return SourceResult(spec.key, "reused", sites=sites, hourly_mw=hourly, density=density,
                        provenance={"reused": spec.sites.describe(), "hourly_shape": shape})


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


def density_facts(ctx: SourceContext, key: str, sites: gpd.GeoDataFrame) -> dict[str, Any]:
    """Capacity densities and full-load hours of a source's sites (the report words them)."""
    cap = float(sites["capacity_mw"].sum()) if len(sites) else 0.0
    source = GENERATION_SOURCES[key]
    facts: dict[str, Any] = {"capacity_mw": cap, "n_sites": int(len(sites))}
    if "n_turbines" in sites.columns:
        facts["n_turbines"] = int(sites["n_turbines"].sum())
    if source.technology in ctx.technologies:
        km2 = tech_area_km2(ctx.technologies[source.technology], list(ctx.boundaries["name"]))
        if km2 > 0:
            facts["mw_per_km2_eligible"] = cap / km2
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


#: How the hourly series of a reused source without an hourly file is shaped (its annual energy is kept).
DEFAULT_SHAPES = {
    "wind": "weather year's wind, log law z0 0.1 m, power curve of the turbine (option turbine, default E-141/4200)",
    "pv_ground": "weather year's irradiance on a 30° south plane (pvlib)",
    "agri_pv": "weather year's irradiance on vertical east/west planes (pvlib)",
    "pv_rooftop": "weather year's irradiance on 35° south/east/west roofs (pvlib)",
}


def default_shares(ctx: SourceContext, spec: SourceSpec) -> np.ndarray:
    """Hourly shares (sum 1) of a source over the weather year, for reused sites without hourly values."""
    weather = profile_weather(ctx)
    if spec.key == "wind":
        from ..wind.turbines import load_turbine

        turbine = load_turbine(str(spec.options.get("turbine") or "E-141/4200"),
                               float(spec.options.get("hub_height_m") or 159.0))
        return wind_hourly_shares(weather, turbine)
    system = {"pv_ground": "fixed_south", "agri_pv": "agri_vertical", "pv_rooftop": "rooftop"}[spec.key]
    return pv_hourly_shares(weather, _PV_PLANES[system])


def _hours(year: int) -> int:
    return 8784 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 8760


def run_source(ctx: SourceContext, spec: SourceSpec, progress: Progress) -> SourceResult:
    """Compute or reuse one source; a source that cannot run is returned as ``missing`` with the reason."""
    source = GENERATION_SOURCES[spec.key]
    try:
        if spec.sites is not None:
            result = reuse_source(ctx, spec)
        else:
            if source.technology is not None and source.technology not in ctx.technologies:
                raise SourceUnavailable(f"it builds on the eligible areas of '{source.technology}', which this "
                                        "profile does not compute")
            result = source.compute(ctx, spec, progress)
    except SourceUnavailable as exc:
        progress.warning(f"{spec.key}: missing — {exc}")
        return SourceResult(spec.key, "missing", reason=str(exc))
    if result.sites is not None:
        from .report import density_text

        result.facts = {**density_facts(ctx, spec.key, result.sites), **result.facts,
                        "reused": result.status == "reused"}
        result.density = result.density or density_text(result.facts, "en")
    if result.sites is not None:
        missing = [f for f in SITE_FIELDS if f not in result.sites.columns]
        if missing:
            raise InputError(f"The {spec.key} engine returned sites without {', '.join(missing)}.")
        result.sites = result.sites.assign(source=spec.key)
    return result


# ----------------------------------------------------------------- eligibility steps
def _raster_tags(path: Path) -> dict[str, str]:
    import rasterio

    try:
        with rasterio.open(path) as ds:
            return dict(ds.tags())
    except Exception:  # noqa: BLE001 - an unreadable old file is simply not reused
        return {}


def _aoi_tag(aoi: AreaOfInterest) -> str:
    return f"{aoi.layer.describe()} {aoi.name_field} in {list(aoi.names) or 'all'}"


def _read_table(path: Path) -> dict[str, MunicipalityStats]:
    out = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["name"] == "TOTAL":
                continue
            out[row["name"]] = MunicipalityStats(row["name"], row.get("ags", ""), float(row["total_ha"]),
                                                 float(row["eligible_ha"]), {})
    return out


def _same_criteria(reasons: Path, catalogue: Any, kinds: tuple[str, ...]) -> bool:
    """Whether the reason bits of a raster name the catalogue's active criteria, setbacks and filters.

    Overrides change them without changing the catalogue version.
    """
    sidecar = Path(reasons).with_name(Path(reasons).stem + "_bits.json")
    try:
        bits = json.loads(sidecar.read_text(encoding="utf-8"))["bits"]
    except (OSError, ValueError, KeyError):
        return False
    found = {(b["id"], b["buffer"], b["filter"]) for b in bits if b.get("kind") != "permitted"}
    wanted = {(c.id, str(c.buffer), str(c.filter)) for c in catalogue.active(kinds) if c.kind != "permitted"}
    return found == wanted


def _eligibility_step(plan: ProfilePlan, step: TechnologyStep, progress: Progress) -> TechnologyFigures:
    from ..eligibility.engine import run_eligibility
    from ..jobs.protocol import _catalogue

    catalogue = _catalogue(step.catalogue)
    out = plan.output_dir
    outputs = EligibilityOutputs(out / f"{step.key}_eligibility.tif", out / f"{step.key}_reasons.tif",
                                 out / f"{step.key}_areas.gpkg", out / f"{step.key}_table.csv")
    tags = _raster_tags(outputs.eligibility) if plan.reuse and outputs.eligibility.exists() else {}
    wanted = {"WIP_RESOLUTION_M": f"{plan.resolution_m:g}", "WIP_KINDS": ",".join(step.kinds),
              "WIP_AOI": _aoi_tag(plan.aoi)}
    # the catalogue's id and version must match; overrides are compared criterion by criterion
    same_catalogue = tags.get("WIP_CATALOGUE", "").startswith(f"{catalogue.id} {catalogue.version} (")
    if tags and same_catalogue and all(tags.get(k) == v for k, v in wanted.items()) and outputs.polygons.exists() \
            and outputs.table.exists() and _same_criteria(outputs.reasons, catalogue, step.kinds):
        progress.info(f"{step.key}: reusing {outputs.eligibility} (same catalogue, resolution and area)")
        return TechnologyFigures(step.key, catalogue, _read_table(outputs.table), outputs, True)
    settings = EligibilitySettings(resolution_m=plan.resolution_m, crs=plan.crs, kinds=step.kinds,
                                   min_area_ha=step.min_area_ha, workers=plan.workers,
                                   invalid_geometries=plan.invalid_geometries)
    layers = {r: ref for r, ref in plan.layers.items() if r in catalogue.roles_needed(step.kinds)}
    missing = [r for r in catalogue.roles_needed(step.kinds) if r not in layers and r != "municipalities"]
    if missing:
        raise InputError(f"The criteria of catalogue {catalogue.id!r} need layers for {', '.join(missing)}; "
                         "add them to the profile's inputs.")
    if "municipalities" in catalogue.roles_needed(step.kinds):
        layers.setdefault("municipalities", plan.aoi.layer)
    result = run_eligibility(catalogue, layers, plan.aoi, outputs, settings, progress)
    return TechnologyFigures(step.key, catalogue, {m.name: m for m in result.municipalities}, result.outputs, False)


def _suitability_step(plan: ProfilePlan, tech: TechnologyFigures, progress: Progress) -> None:
    """Score the eligible land and sum the area of sites with a mean score ≥ the threshold."""
    from ..data.rasters import RASTER_ROLES
    from ..suitability.engine import SuitabilityOutputs, SuitabilitySettings, run_suitability

    spec = tech.catalogue.suitability
    if spec is None:
        tech.suitability_note = "the catalogue has no suitability section"
        return
    raster_path = plan.output_dir / f"{tech.key}_suitability.tif"
    sites_path = plan.output_dir / f"{tech.key}_sites.gpkg"
    if tech.reused and plan.reuse and raster_path.exists() and sites_path.exists() \
            and raster_path.stat().st_mtime >= tech.outputs.eligibility.stat().st_mtime:
        progress.info(f"{tech.key}: reusing {raster_path}")
    else:
        missing_r = [r for r in spec.raster_roles() if r not in plan.rasters
                     and (RASTER_ROLES[r].derived_from if r in RASTER_ROLES else None) not in plan.rasters]
        missing_l = [r for r in spec.layer_roles() if r not in plan.layers and r != "municipalities"]
        if missing_r or missing_l:
            tech.suitability_note = f"not scored: inputs missing ({', '.join(missing_l + missing_r)})"
            progress.warning(f"{tech.key} suitability: {tech.suitability_note}")
            return
        layers = {r: ref for r, ref in plan.layers.items() if r in spec.layer_roles()}
        run_suitability(tech.catalogue, layers, plan.rasters, plan.aoi, tech.outputs.eligibility,
                        SuitabilityOutputs(raster_path, sites_path), SuitabilitySettings(
                            invalid_geometries=plan.invalid_geometries), progress,
                        eligible_areas=LayerRef(str(tech.outputs.polygons), "eligible_areas"))
    tech.suitability, tech.sites = raster_path, sites_path
    sites = gpd.read_file(sites_path, engine="pyogrio", columns=["name", "area_ha", "mean"], ignore_geometry=True)
    good = sites[pd.to_numeric(sites["mean"], errors="coerce") >= plan.suitable_min_score]
    tech.suitable_ha = {str(k): float(v) for k, v in good.groupby("name")["area_ha"].sum().items()}


def _windbg(plan: ProfilePlan, tech: TechnologyFigures) -> dict[str, Any]:
    from ..eligibility.windbg import municipal_areas_from_stats, windbg_accounting

    munis = municipal_areas_from_stats(list(tech.stats.values()), plan.land)
    turbine = tech.catalogue.reference_turbine
    res = windbg_accounting(munis, LayerRef(str(tech.outputs.polygons), "eligible_areas"),
                            rotor_in=plan.rotor_in and turbine is not None, turbine=turbine, crs=plan.crs)
    return {r.name: r for r in res.rows} | {"_accounting": res.accounting}


def _sweep_series(plan: ProfilePlan, technologies: Mapping[str, TechnologyFigures], tx: OutputTransaction,
                  progress: Progress) -> dict[str, Any] | None:
    """The wind setback sweep for the charts.

    Computed with ``plan.sweep_setbacks_m`` (settlement setback, with and without forest), else the
    one a scenario run wrote (``wind_sweep.csv``), else None.
    """
    if plan.sweep_setbacks_m and "wind" in technologies:
        from ..eligibility.sweep import run_setback_sweep

        cat = technologies["wind"].catalogue
        step = next(s for s in plan.technologies if s.key == "wind")
        swept = [c.id for c in cat.active(step.kinds) if "settlement_setback" in c.tags and c.kind != "permitted"]
        if not swept:
            progress.warning("sweep: the wind catalogue has no criterion tagged settlement_setback")
            return None
        forest = [c.id for c in cat.active(step.kinds) if c.id == "forest" or "forest" in c.tags]
        labels = ("with forest", "without forest") if plan.language == "en" else ("mit Wald", "ohne Wald")
        variants = {labels[0]: [], labels[1]: forest} if forest else {labels[0]: []}
        layers = {r: ref for r, ref in plan.layers.items() if r in cat.roles_needed(step.kinds)}
        if "municipalities" in cat.roles_needed(step.kinds):
            layers.setdefault("municipalities", plan.aoi.layer)
        table = plan.output_dir / "profile_wind_sweep.csv"
        settings = EligibilitySettings(resolution_m=max(plan.sweep_resolution_m, plan.resolution_m), crs=plan.crs,
                                       kinds=step.kinds, workers=plan.workers,
                                       invalid_geometries=plan.invalid_geometries)
        res = run_setback_sweep(cat, layers, plan.aoi, swept[-1], plan.sweep_setbacks_m, settings, variants,
                                progress=progress)
        rows = [{"variant": r.variant, "name": r.name, "ags": r.ags, "setback_m": r.setback_m, "total_ha": r.total_ha,
                 "eligible_ha": r.eligible_ha, "eligible_pct": r.eligible_pct} for r in res.rows]
        pd.DataFrame(rows).to_csv(tx.temp_for(table), index=False, float_format="%.4f")
        return {"file": str(table), "criterion": swept[-1], "rows": rows,
                "resolution_m": settings.resolution_m}
    path = plan.output_dir / "wind_sweep.csv"
    if not path.exists():
        return None
    frame = pd.read_csv(path)
    return {"file": str(path), "rows": frame.to_dict("records")}


# ----------------------------------------------------------------- grid
def _grid_step(plan: ProfilePlan, sites: gpd.GeoDataFrame, crs: Any, progress: Progress
               ) -> tuple[gpd.GeoDataFrame | None, dict[str, dict[str, float]], str, dict[str, Any]]:
    """Connect the grid-connected sites; per site cost, per municipality totals."""
    if plan.grid_catalogue is None:
        return None, {}, "no grid step in this profile", {}
    if "substations" not in plan.layers:
        return None, {}, "no substation layer given", {}
    if sites.empty:
        return None, {}, "no sites with a capacity to connect", {}
    from ..grid.connection import ConnectionSettings, load_connection_catalogue, plan_connections

    cat = load_connection_catalogue(plan.grid_catalogue)
    reach = max(lv.max_route_m for lv in cat.levels) + 1000.0
    x0, y0, x1, y1 = sites.total_bounds
    bbox = (x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    settings = ConnectionSettings(capacity_field="capacity_mw", site_id_field="uid")
    sinfo = layer_info(plan.layers["substations"], "substations")
    cols = tuple(f for f in ("voltage", "free_capacity_mw", "name") if f in sinfo.fields)
    subs = read_layer(plan.layers["substations"], "substations", crs, bbox, cols, invalid="repair")
    roads = None
    if "roads" in plan.layers:
        rinfo = layer_info(plan.layers["roads"], "roads")
        roads = read_layer(plan.layers["roads"], "roads", crs, bbox,
                           ("highway",) if "highway" in rinfo.fields else (), invalid="repair")
    frame = sites[["uid", "capacity_mw", "geometry"]].copy()
    res = plan_connections(frame, subs, cat, settings, roads=roads, progress=progress)
    table = res.sites.set_index("site_id")
    return res.connections, {str(k): {c: table.loc[k, c] for c in ("connected_mw", "cost_eur", "status",
                                                                      "substation", "length_km")}
                             for k in table.index}, "", cat.provenance()


# ----------------------------------------------------------------- orchestration
def _boundaries(plan: ProfilePlan, crs: Any) -> gpd.GeoDataFrame:
    aoi = plan.aoi
    info = layer_info(aoi.layer, "municipalities")
    if aoi.name_field not in info.fields:
        raise InputError(f"The municipality layer ({aoi.layer.describe()}) has no field {aoi.name_field!r}.")
    cols = [aoi.name_field] + [c for c in (aoi.id_field, plan.population_field) if c and c in info.fields]
    frame = read_layer(aoi.layer, "municipalities", crs, columns=tuple(dict.fromkeys(cols)),
                       invalid=plan.invalid_geometries)
    frame[aoi.name_field] = frame[aoi.name_field].astype(str)
    if aoi.names:
        unknown = [n for n in aoi.names if n not in set(frame[aoi.name_field])]
        if unknown:
            raise InputError(f"No municipality named {', '.join(unknown)} in {aoi.layer.describe()}.")
        frame = frame[frame[aoi.name_field].isin(aoi.names)]
    agg: dict[str, Any] = {"geometry": lambda g: shapely.union_all(np.asarray(g))}
    if aoi.id_field and aoi.id_field in frame.columns:
        agg[aoi.id_field] = "first"
    if plan.population_field in frame.columns:
        agg[plan.population_field] = "sum"
    groups = frame.groupby(aoi.name_field, sort=False).agg(agg).reset_index()
    out = gpd.GeoDataFrame({
        "name": groups[aoi.name_field].astype(str),
        "ags": groups[aoi.id_field].astype(str) if aoi.id_field in groups.columns else "",
        "population": pd.to_numeric(groups[plan.population_field], errors="coerce")
        if plan.population_field in groups.columns else np.nan,
    }, geometry=list(groups["geometry"]), crs=crs)
    return out


def _demand(plan: ProfilePlan, boundaries: gpd.GeoDataFrame, cat: DemandCatalogue,
            progress: Progress) -> list[MunicipalDemand]:
    """Demand of every municipality with a table row or a population; the others are reported."""
    table = read_demand_table(plan.demand_table, cat) if plan.demand_table else None
    pops = [None if not np.isfinite(p) else float(p) for p in boundaries["population"].astype(float)]
    names, ags = list(boundaries["name"]), list(boundaries["ags"])
    known = [i for i in range(len(names)) if pops[i] is not None or names[i] in (table or {})
             or ags[i] in (table or {})]
    lacking = [names[i] for i in range(len(names)) if i not in set(known)]
    if lacking:
        progress.warning(f"demand: missing for {', '.join(lacking[:10])}{' …' if len(lacking) > 10 else ''} — no "
                         f"population (field {plan.population_field!r}) and no row in a demand table; no balance "
                         "for them")
    return demands_for([names[i] for i in known], [ags[i] for i in known], [pops[i] for i in known], cat, table,
                       f"table {plan.demand_table}" if plan.demand_table else "table")


def _land(plan: ProfilePlan, ags: str) -> str:
    from ..eligibility.windbg import land_of

    try:
        return land_of(ags, plan.land)
    except InputError:
        return plan.land or "ST"


def provenance_of(plan: ProfilePlan, technologies: Mapping[str, TechnologyFigures],
                  sources: Mapping[str, SourceResult], demand_cat: DemandCatalogue,
                  grid: dict[str, Any]) -> dict[str, Any]:
    """What every output records: versions, parameters and input layers."""
    from .. import __version__

    return {
        "wip_version": __version__, "created": dt.datetime.now().isoformat(timespec="seconds"),
        "parameters": {k: v for k, v in dataclasses.asdict(plan).items()
                       if k not in ("layers", "rasters", "aoi", "technologies", "sources")},
        "area_of_interest": {"layer": plan.aoi.layer.describe(), "name_field": plan.aoi.name_field,
                             "names": list(plan.aoi.names) or "all"},
        "input_layers": {r: ref.describe() for r, ref in plan.layers.items()},
        "input_rasters": dict(plan.rasters),
        "catalogues": {k: {**t.catalogue.provenance(), "kinds": next(
            (list(s.kinds) for s in plan.technologies if s.key == k), []), "reused": t.reused}
            for k, t in technologies.items()},
        "sources": {k: {"status": s.status, "reason": s.reason, "density": s.density, "facts": s.facts,
                        **s.provenance}
                    for k, s in sources.items()},
        "demand": {**demand_cat.provenance(), "table": plan.demand_table, "population_field": plan.population_field},
        "grid": grid,
    }


def _site_records(sites: gpd.GeoDataFrame, top_n: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if sites.empty:
        return out
    sites = sites[sites["source"].map(lambda k: GENERATION_SOURCES[k].ranked)]
    ranked = sites.sort_values(["municipality", "energy_mwh_per_a", "capacity_mw"], ascending=[True, False, False])
    for name, group in ranked.groupby("municipality", sort=False):
        rows = []
        for _, r in group.head(top_n).iterrows():
            rows.append({k: (None if isinstance(r[k], float) and math.isnan(r[k]) else r[k])
                         for k in ("uid", "source", "site_id", "capacity_mw", "energy_mwh_per_a",
                                   "grid_cost_eur", "grid_status", "substation", "grid_length_km") if k in r})
        out[str(name)] = rows
    return out


def _unique_ids(sites: gpd.GeoDataFrame) -> pd.Series:
    """``source:site_id``, made unique with the municipality and then the row where ids repeat."""
    uid = sites["source"].astype(str) + ":" + sites["site_id"].astype(str)
    if uid.duplicated().any():
        uid = sites["source"].astype(str) + ":" + sites["municipality"].astype(str) + ":" + sites["site_id"].astype(str)
    if uid.duplicated().any():
        uid = uid + "#" + pd.Series(np.arange(len(uid)), index=uid.index).astype(str)
    return uid


def run_profile(plan: ProfilePlan, progress: Progress | None = None) -> ProfileResult:
    """Run the whole profile and write its outputs (all or nothing).

    Outputs in ``plan.output_dir``: ``profile_indicators.csv`` (one row per municipality and
    a TOTAL row), ``profile.json`` (indicators, sources, provenance), ``profile_hourly.csv``
    (demand and generation per municipality [MW]), ``profile_sites.gpkg`` (layers
    ``municipalities`` with the indicators, ``sites``, ``connections``) and, with
    ``plan.report``, ``report/index.html`` plus one HTML per municipality. Eligibility and
    suitability outputs go to the same folder under their usual names.

    Raises
    ------
    InputError
        Missing layers, fields or a bad setting, naming the fix.
    """
    progress = progress or NullProgress()
    t0 = time.perf_counter()
    plan.check()
    crs = check_working_crs(plan.crs)
    plan.output_dir.mkdir(parents=True, exist_ok=True)
    boundaries = _boundaries(plan, crs)
    demand_cat = load_demand_catalogue(plan.demand_catalogue)
    demands = {d.name: d for d in _demand(plan, boundaries, demand_cat, progress)}
    n_tech = max(1, len(plan.technologies))
    technologies: dict[str, TechnologyFigures] = {}
    for i, step in enumerate(plan.technologies):
        sub = SubProgress(progress, 0.5 * i / n_tech, 0.5 * (i + 0.8) / n_tech)
        progress.report(0.5 * i / n_tech, f"{step.key}: eligibility")
        tech = _eligibility_step(plan, step, sub)
        if plan.suitability:
            progress.report(0.5 * (i + 0.8) / n_tech, f"{step.key}: suitability")
            _suitability_step(plan, tech, SubProgress(progress, 0.5 * (i + 0.8) / n_tech, 0.5 * (i + 1) / n_tech))
        technologies[step.key] = tech
        check_cancelled(progress)
    windbg = _windbg(plan, technologies["wind"]) if "wind" in technologies else {}
    tx = OutputTransaction()
    try:
        result = _generation_to_outputs(plan, progress, t0, crs, boundaries, demand_cat, demands, technologies,
                                        windbg, tx)
        tx.commit()
    except BaseException:
        tx.rollback()
        raise
    progress.report(1.0, "Done")
    return result


def _generation_to_outputs(plan: ProfilePlan, progress: Progress, t0: float, crs: Any, boundaries: gpd.GeoDataFrame,
                           demand_cat: DemandCatalogue, demands: Mapping[str, MunicipalDemand],
                           technologies: dict[str, TechnologyFigures], windbg: Mapping[str, Any],
                           tx: OutputTransaction) -> ProfileResult:
    """Sources, grid, indicators and outputs, all written through ``tx``."""
    ctx = SourceContext(plan, technologies, boundaries, crs, tx)
    sources: dict[str, SourceResult] = {}
    for i, spec in enumerate(plan.sources):
        progress.report(0.5 + 0.3 * i / max(1, len(plan.sources)), f"{spec.key}: generation")
        sources[spec.key] = run_source(ctx, spec, SubProgress(progress, 0.5 + 0.3 * i / len(plan.sources),
                                                              0.5 + 0.3 * (i + 1) / len(plan.sources)))
        check_cancelled(progress)
    frames = [s.sites for s in sources.values() if s.sites is not None and not s.sites.empty]
    sites = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs) if frames else \
        gpd.GeoDataFrame({f: [] for f in (*SITE_FIELDS, "source")}, geometry=[], crs=crs)
    sites["uid"] = _unique_ids(sites)
    progress.report(0.8, "Grid connection")
    grid_sites = sites[sites["source"].map(lambda k: GENERATION_SOURCES[k].grid_connected)] if len(sites) else sites
    connections, per_site, grid_note, grid_prov = _grid_step(plan, grid_sites, crs, SubProgress(progress, 0.8, 0.9))
    sites["grid_cost_eur"] = sites["uid"].map(lambda u: float(per_site[u]["cost_eur"]) if u in per_site else np.nan)
    sites["grid_connected_mw"] = sites["uid"].map(
        lambda u: float(per_site[u]["connected_mw"]) if u in per_site else np.nan)
    sites["grid_status"] = sites["uid"].map(lambda u: str(per_site[u]["status"]) if u in per_site else "")
    sites["substation"] = sites["uid"].map(lambda u: str(per_site[u]["substation"]) if u in per_site else "")
    sites["grid_length_km"] = sites["uid"].map(
        lambda u: float(per_site[u]["length_km"]) if u in per_site else np.nan)
    check_cancelled(progress)
    progress.report(0.88, "Setback sweep")
    sweep = _sweep_series(plan, technologies, tx, SubProgress(progress, 0.88, 0.9))
    progress.report(0.9, "Indicators and balance")
    tops = _site_records(sites, plan.top_n)
    municipalities = []
    for _, row in boundaries.iterrows():
        municipalities.append(_municipal_profile(plan, row, technologies, windbg, sources, sites, demands,
                                                 demand_cat, per_site, grid_note, tops))
    result = ProfileResult(plan, municipalities, technologies, sources, sites, connections, boundaries, demand_cat,
                           provenance_of(plan, technologies, sources, demand_cat, grid_prov), {},
                           sweep, grid_note)
    result.provenance["windbg_accounting"] = windbg.get("_accounting")
    result.seconds = time.perf_counter() - t0
    check_cancelled(progress)
    _write_outputs(result, progress, tx)
    return result


def _municipal_profile(plan: ProfilePlan, row: Any, technologies: Mapping[str, TechnologyFigures],
                       windbg: Mapping[str, Any], sources: Mapping[str, SourceResult], sites: gpd.GeoDataFrame,
                       demands: Mapping[str, MunicipalDemand], demand_cat: DemandCatalogue,
                       per_site: Mapping[str, Any], grid_note: str,
                       tops: Mapping[str, list[dict[str, Any]]]) -> MunicipalProfile:
    name = str(row["name"])
    ind: dict[str, float] = {"area_ha": float(row.geometry.area) / 10_000.0}
    if np.isfinite(row["population"]):
        ind["population"] = float(row["population"])
    notes: list[str] = []
    for key, tech in technologies.items():
        st = tech.stats.get(name)
        if st is None:
            continue
        ind[f"{key}_eligible_ha"] = st.eligible_ha
        ind[f"{key}_eligible_pct"] = st.eligible_pct
        if tech.suitability is not None:
            ind[f"{key}_suitable_ha"] = tech.suitable_ha.get(name, 0.0)
            ind[f"{key}_suitable_pct"] = 100.0 * ind[f"{key}_suitable_ha"] / st.total_ha if st.total_ha else 0.0
    wb = windbg.get(name)
    if wb is not None:
        ind.update(windbg_counted_ha=wb.counted_ha, windbg_counted_pct=wb.counted_pct,
                   windbg_target_2027_pct=wb.target_2027_pct, windbg_target_2032_pct=wb.target_2032_pct,
                   windbg_share_of_target_2032_pct=100.0 * wb.counted_pct / wb.target_2032_pct
                   if wb.target_2032_pct else float("nan"))
    mine = sites[sites["municipality"] == name] if len(sites) else sites
    gen_hourly = None
    hours = _hours(plan.year)
    for key, src in sources.items():
        if src.status == "missing":
            continue
        part = mine[mine["source"] == key]
        ind[f"{key}_capacity_mw"] = float(part["capacity_mw"].sum())
        ind[f"{key}_energy_gwh"] = float(part["energy_mwh_per_a"].sum()) / 1000.0
        ind[f"{key}_sites"] = float(len(part))
        if not GENERATION_SOURCES[key].additive:
            notes.append(f"{key}: alternative use of the ground-PV land, not in the totals or the balance")
            continue
        if src.hourly_mw is not None and name in src.hourly_mw:
            series = np.asarray(src.hourly_mw[name], dtype=float)
            gen_hourly = series if gen_hourly is None else gen_hourly + series
        else:
            notes.append(f"{key}: no hourly series, not in the hourly balance")
    present = [k for k, s in sources.items() if s.status != "missing" and GENERATION_SOURCES[k].additive]
    if present:
        ind["capacity_mw"] = sum(ind[f"{k}_capacity_mw"] for k in present)
        ind["energy_gwh"] = sum(ind[f"{k}_energy_gwh"] for k in present)
    demand = demands.get(name)
    balance = None
    if demand is not None:
        ind["demand_gwh"] = demand.annual_mwh / 1000.0
        dem_hourly = hourly_demand_mw(demand, demand_cat, plan.year, _land(plan, demand.ags))
        ind["peak_demand_mw"] = float(dem_hourly.max())
        if gen_hourly is not None:
            if gen_hourly.size != hours:
                raise InputError(f"{name}: hourly generation has {gen_hourly.size} values; the year {plan.year} "
                                 f"has {hours} hours.")
            balance = hourly_balance(gen_hourly, dem_hourly)
            ind.update(self_sufficiency_pct=balance.self_sufficiency_pct, balance_pct=balance.balance_pct,
                       hours_covered_pct=balance.hours_covered_pct, surplus_gwh=balance.surplus_mwh / 1000.0,
                       deficit_gwh=balance.deficit_mwh / 1000.0)
        else:
            notes.append("no generation source with an hourly series: no hourly balance")
    else:
        notes.append(f"demand: no population (field {plan.population_field!r}) and no demand table row")
    uids = [u for u in mine["uid"] if u in per_site] if len(mine) else []
    if uids:
        ind["grid_cost_meur"] = float(np.nansum([float(per_site[u]["cost_eur"]) for u in uids])) / 1e6
        connected = float(np.nansum([float(per_site[u]["connected_mw"]) for u in uids]))
        ind["grid_connected_mw"] = connected
        ind["grid_unconnected_mw"] = float(mine.loc[mine["uid"].isin(uids), "capacity_mw"].sum()) - connected
        ind["grid_cost_eur_per_kw"] = ind["grid_cost_meur"] * 1e6 / (connected * 1000.0) if connected else float("nan")
    elif grid_note:
        notes.append(f"grid: {grid_note}")
    return MunicipalProfile(name, str(row["ags"]), ind, demand, balance, tops.get(name, []), notes)


# ----------------------------------------------------------------- outputs
INDICATOR_ORDER = (
    "area_ha", "population", "wind_eligible_ha", "wind_eligible_pct", "wind_suitable_ha", "wind_suitable_pct",
    "windbg_counted_ha", "windbg_counted_pct", "windbg_target_2027_pct", "windbg_target_2032_pct",
    "windbg_share_of_target_2032_pct", "pv_ground_eligible_ha", "pv_ground_eligible_pct", "pv_ground_suitable_ha",
    "pv_ground_suitable_pct",
    *(f"{k}_{f}" for k in GENERATION_SOURCES for f in ("capacity_mw", "energy_gwh", "sites")),
    "capacity_mw", "energy_gwh", "demand_gwh", "peak_demand_mw", "balance_pct", "self_sufficiency_pct",
    "hours_covered_pct", "surplus_gwh", "deficit_gwh", "grid_connected_mw", "grid_unconnected_mw", "grid_cost_meur",
    "grid_cost_eur_per_kw",
)

#: Indicators that add up over municipalities (the TOTAL row sums them; shares are recomputed).
_ADDITIVE = ("area_ha", "population", "_ha", "_mw", "_gwh", "_sites", "grid_cost_meur")


def indicator_columns(result: ProfileResult) -> list[str]:
    """Indicator keys present in any municipality, in the report order."""
    present = set().union(*(m.indicators for m in result.municipalities)) if result.municipalities else set()
    return [k for k in INDICATOR_ORDER if k in present] + sorted(present - set(INDICATOR_ORDER))


def total_row(result: ProfileResult) -> dict[str, float]:
    """Indicators of the whole area: sums, and shares recomputed from the sums."""
    cols = indicator_columns(result)
    tot: dict[str, float] = {}
    for c in cols:
        if c.endswith(_ADDITIVE) or c in _ADDITIVE:
            if c == "peak_demand_mw":
                continue
            tot[c] = float(sum(m.indicators.get(c, 0.0) for m in result.municipalities))
    for key in result.technologies:
        if f"{key}_eligible_ha" in tot and tot.get("area_ha"):
            tot[f"{key}_eligible_pct"] = 100.0 * tot[f"{key}_eligible_ha"] / sum(
                s.total_ha for s in result.technologies[key].stats.values())
        if f"{key}_suitable_ha" in tot and tot.get("area_ha"):
            tot[f"{key}_suitable_pct"] = 100.0 * tot[f"{key}_suitable_ha"] / sum(
                s.total_ha for s in result.technologies[key].stats.values())
    if "windbg_counted_ha" in tot and "wind" in result.technologies:
        area = sum(s.total_ha for s in result.technologies["wind"].stats.values())
        tot["windbg_counted_pct"] = 100.0 * tot["windbg_counted_ha"] / area if area else float("nan")
    bals = [m.balance for m in result.municipalities if m.balance is not None]
    if bals and len(bals) == len(result.municipalities):
        b = hourly_balance(sum(x.generation for x in bals), sum(x.demand for x in bals))
        tot.update(balance_pct=b.balance_pct, self_sufficiency_pct=b.self_sufficiency_pct,
                   hours_covered_pct=b.hours_covered_pct, surplus_gwh=b.surplus_mwh / 1000,
                   deficit_gwh=b.deficit_mwh / 1000, peak_demand_mw=float(b.demand.max()))
    if tot.get("grid_connected_mw"):
        tot["grid_cost_eur_per_kw"] = tot["grid_cost_meur"] * 1e6 / (tot["grid_connected_mw"] * 1000.0)
    return tot


def _write_outputs(result: ProfileResult, progress: Progress, tx: OutputTransaction) -> None:
    out = result.plan.output_dir
    files = {"indicators": out / "profile_indicators.csv", "json": out / "profile.json",
             "hourly": out / "profile_hourly.csv", "gpkg": out / "profile_sites.gpkg"}
    cols = indicator_columns(result)
    tmp = tx.temp_for(files["indicators"])
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# WIP municipal energy profile {result.provenance['wip_version']}, "
                 f"{result.provenance['created']}; provenance in profile.json\n")
        w = csv.writer(fh)
        w.writerow(["name", "ags", *cols])
        for m in result.municipalities:
            w.writerow([m.name, m.ags, *(_fmt(m.indicators.get(c)) for c in cols)])
        tot = total_row(result)
        w.writerow(["TOTAL", "", *(_fmt(tot.get(c)) for c in cols)])
    hours = _hours(result.plan.year)
    hourly = {"hour": np.arange(hours)}
    for m in result.municipalities:
        if m.balance is not None:
            hourly[f"{m.name}_demand_mw"] = m.balance.demand
            hourly[f"{m.name}_generation_mw"] = m.balance.generation
        elif m.demand is not None:
            hourly[f"{m.name}_demand_mw"] = hourly_demand_mw(m.demand, result.demand_catalogue,
                                                              result.plan.year, _land(result.plan, m.ags))
    pd.DataFrame(hourly).to_csv(tx.temp_for(files["hourly"]), index=False, float_format="%.4f")
    gpkg = tx.temp_for(files["gpkg"])
    munis = result.boundaries[["name", "ags", "geometry"]].copy()
    for c in cols:
        munis[c] = [m.indicators.get(c, np.nan) for m in result.municipalities]
    # the provenance travels with the layer (GDAL layer metadata; QGIS: Layer Properties → Information)
    munis.to_file(gpkg, layer="municipalities", driver="GPKG", engine="pyogrio", dataset_options={"VERSION": "1.2"},
                  layer_metadata={"WIP_PROVENANCE": json.dumps(to_plain(result.provenance), ensure_ascii=False)})
    site_cols = [c for c in ("uid", "source", "site_id", "municipality", "capacity_mw", "energy_mwh_per_a",
                             "grid_cost_eur", "grid_connected_mw", "grid_status", "substation", "grid_length_km")
                 if c in result.sites.columns]
    sites = result.sites[site_cols + ["geometry"]].copy()
    sites["rank"] = sites.groupby("municipality")["energy_mwh_per_a"].rank(ascending=False, method="first") \
        if len(sites) else []
    _write_layer(gpkg, sites, "sites")
    if result.connections is not None and len(result.connections):
        _write_layer(gpkg, result.connections, "connections")
    if result.plan.report:
        from .report import write_reports

        files.update(write_reports(result, tx, progress))
    result.files = files
    tmpj = tx.temp_for(files["json"])
    write_json(tmpj, profile_json(result))


def _write_layer(path: Path, frame: gpd.GeoDataFrame, layer: str) -> None:
    frame = frame.copy()
    for c in frame.columns:
        if c != "geometry" and frame[c].dtype == object:
            frame[c] = frame[c].astype(str)
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", mode="a" if Path(path).exists() else "w")


def _fmt(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:.4f}" if isinstance(value, float) else value


def to_plain(v: Any) -> Any:
    """JSON-able data: NaN as None, numpy scalars as numbers, paths as strings."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (np.floating, np.integer)):
        return to_plain(v.item())
    if isinstance(v, dict):
        return {str(k): to_plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_plain(x) for x in v]
    if isinstance(v, Path):
        return str(v)
    return v


def profile_json(result: ProfileResult) -> dict[str, Any]:
    """The profile as JSON data (indicators, sources, top sites, monthly balance, provenance)."""
    clean = to_plain

    munis = []
    for m in result.municipalities:
        entry: dict[str, Any] = {"name": m.name, "ags": m.ags, "indicators": m.indicators, "notes": m.notes,
                                 "top_sites": m.top_sites}
        if m.demand is not None:
            entry["demand_by_sector_mwh"] = m.demand.by_sector_mwh
            entry["demand_origin"] = m.demand.origin
        if m.balance is not None:
            entry["monthly_mwh"] = {k: v.tolist() for k, v in m.balance.monthly().items()}
        munis.append(entry)
    return clean({"municipalities": munis, "total": total_row(result),
                  "sources": {k: {"status": s.status, "reason": s.reason, "density": s.density}
                              for k, s in result.sources.items()},
                  "provenance": result.provenance, "files": {k: str(v) for k, v in result.files.items()},
                  "seconds": result.seconds})


def profile_output_files(plan: Mapping[str, Any]) -> list[Path]:
    """Every file a profile job (its plan as JSON) may write, for cleaning up after a killed worker."""
    out = plan.get("output_dir")
    if not out:
        return []
    out = Path(out)
    files = [out / f"profile{s}" for s in ("_indicators.csv", ".json", "_hourly.csv", "_sites.gpkg",
                                            "_wind_turbines.gpkg", "_pv_rooftop.gpkg", "_pv_ground_sites.gpkg",
                                            "_pv_ground_yield.tif", "_agri_pv_sites.gpkg", "_agri_pv_yield.tif",
                                            "_wind_sweep.csv")]
    for step in plan.get("technologies") or []:
        key = step.get("key") if isinstance(step, Mapping) else None
        if key:
            files += [out / f"{key}_{s}" for s in ("eligibility.tif", "reasons.tif", "reasons_bits.json", "areas.gpkg",
                                                  "table.csv", "suitability.tif", "sites.gpkg")]
    report = out / "report"
    if report.is_dir():
        files += sorted(report.glob("*.html"))
    return files


def reuse_specs(raw: Mapping[str, Any] | None, base: Path) -> tuple[SourceSpec, ...]:
    """Source specs from a scenario's ``profile.sources`` mapping (paths relative to ``base``)."""
    specs = []
    for key, spec in (raw or {}).items():
        spec = spec or {}
        sites = spec.get("sites")
        ref = None
        if isinstance(sites, str):
            path, _, layer = sites.partition("|layername=")
            ref = LayerRef(str((base / path).resolve()), layer or None)
        elif isinstance(sites, Mapping):
            ref = LayerRef(str((base / sites["path"]).resolve()), sites.get("layer"))
        hourly = str((base / spec["hourly"]).resolve()) if spec.get("hourly") else None
        specs.append(SourceSpec(str(key), ref, hourly, dict(spec.get("options") or {})))
    return tuple(specs)


#: Keys of a scenario's ``profile:`` section.
PROFILE_KEYS = {"names", "technologies", "sources", "demand", "grid", "weather", "year", "top_n",
                "suitable_min_score", "rotor_in", "language", "report", "suitability", "reuse", "sweep"}
_DEMAND_KEYS = {"catalogue", "table", "population_field", "land"}


def check_profile_spec(raw: Any, technology_keys: Sequence[str], problems: list[str]) -> None:
    """Validate a scenario's ``profile:`` section, appending every problem with its place."""
    if not isinstance(raw, Mapping):
        problems.append("profile: give a mapping, e.g. {sources: {pv_ground: {}}, top_n: 5}")
        return

    for key in raw:
        if key not in PROFILE_KEYS:
            problems.append(f"profile.{key}: unknown key{suggest(key, PROFILE_KEYS)}")
    for key in raw.get("technologies") or []:
        if key not in technology_keys:
            problems.append(f"profile.technologies: no technology {key!r} under 'eligibility'"
                            f"{suggest(key, technology_keys)}")
    sources = raw.get("sources") if raw.get("sources") is not None else {}
    if not isinstance(sources, Mapping):
        problems.append("profile.sources: map source keys to {} or {sites: file.gpkg|layername=x, hourly: x.csv}")
    else:
        for key, spec in sources.items():
            if key not in GENERATION_SOURCES:
                problems.append(f"profile.sources.{key}: not a generation source{suggest(key, GENERATION_SOURCES)}; "
                                f"sources: {', '.join(GENERATION_SOURCES)}")
            for k in (spec or {}):
                if k not in ("sites", "hourly", "options"):
                    problems.append(f"profile.sources.{key}.{k}: unknown key; use sites, hourly, options")
    for k in (raw.get("demand") or {}):
        if k not in _DEMAND_KEYS:
            problems.append(f"profile.demand.{k}: unknown key{suggest(k, _DEMAND_KEYS)}")
    if raw.get("language", "de") not in ("de", "en"):
        problems.append("profile.language: de or en")
    if raw.get("sweep") is not None:
        from ..scenario.spec import parse_setbacks

        try:
            parse_setbacks((raw["sweep"] or {}).get("setbacks_m") if isinstance(raw["sweep"], Mapping) else None)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"profile.sweep.setbacks_m: {exc}")
    for key, kind in (("top_n", int), ("year", int), ("suitable_min_score", (int, float))):
        if key in raw and not isinstance(raw[key], kind):
            problems.append(f"profile.{key}: a number")


def _catalogue_spec(raw: Mapping[str, Any], catalogue: Any, base: Path) -> dict[str, Any]:
    """A scenario technology's catalogue as an engine job names it.

    The settlement setback is folded into the overrides, applied after the user's, as the scenario does.
    """
    ref = str(raw.get("catalogue", catalogue.id))
    if ref.endswith((".yaml", ".yml")):
        ref = str((base / ref).resolve())
    overrides = {k: (None if v is None else dict(v)) for k, v in (raw.get("overrides") or {}).items()}
    if raw.get("settlement_setback_m") is not None:
        metres = float(raw["settlement_setback_m"])
        for c in catalogue.criteria:
            if "settlement_setback" in c.tags:
                overrides[c.id] = {**(overrides.get(c.id) or {}), "buffer": f"{metres:g} m"}
    return {"source": ref, **({"overrides": overrides} if overrides else {})}


def _sweep_setbacks(raw: Any) -> tuple[float, ...]:
    if not raw:
        return ()
    from ..scenario.spec import parse_setbacks

    return parse_setbacks(raw.get("setbacks_m"))


def plan_from_scenario(sc: Any, resolution_m: float | None = None) -> ProfilePlan:
    """The profile plan of a scenario's ``profile:`` section.

    Outputs go to the scenario's folder, so the eligibility and suitability outputs of the same
    scenario run are reused.
    """
    raw = dict(sc.profile or {})
    base = Path(sc.path).parent
    runs = {r.key: r for r in sc.runs}
    keys = list(raw.get("technologies") or runs)
    techs = []
    raw_scenario = yaml.safe_load(Path(sc.path).read_text(encoding="utf-8")) or {}
    for key in keys:
        run = runs[key]
        spec = _catalogue_spec((raw_scenario.get("eligibility") or {}).get(key) or {}, run.catalogue, base)
        techs.append(TechnologyStep(key, spec, tuple(run.settings.kinds), float(run.settings.min_area_ha)))
    first = runs[keys[0]].settings if keys else None
    demand = raw.get("demand") or {}
    names = raw.get("names")
    aoi = sc.aoi if not names else dataclasses.replace(sc.aoi, names=tuple(str(n) for n in names))
    sources = reuse_specs(raw.get("sources") if raw.get("sources") is not None
                          else {k: {} for k in GENERATION_SOURCES}, base)
    grid = raw.get("grid", {"catalogue": "grid_connection"})
    return ProfilePlan(
        layers=dict(sc.layers), aoi=aoi, output_dir=Path(sc.output_dir), technologies=tuple(techs),
        sources=sources, rasters={k: str(v) for k, v in sc.rasters.items()},
        resolution_m=float(resolution_m or (first.resolution_m if first else 25.0)),
        crs=first.crs if first else "EPSG:25832", reuse=bool(raw.get("reuse", True)),
        suitability=bool(raw.get("suitability", True)), rotor_in=bool(raw.get("rotor_in", True)),
        demand_catalogue=str(demand.get("catalogue", "demand")),
        demand_table=str((base / demand["table"]).resolve()) if demand.get("table") else None,
        population_field=str(demand.get("population_field", "population")), land=demand.get("land"),
        grid_catalogue=None if grid is None else str(grid.get("catalogue", "grid_connection")),
        weather=raw.get("weather"), year=int(raw.get("year", 2010)), top_n=int(raw.get("top_n", 5)),
        suitable_min_score=float(raw.get("suitable_min_score", 70.0)), report=bool(raw.get("report", True)),
        language=str(raw.get("language", "de")),
        sweep_setbacks_m=_sweep_setbacks(raw.get("sweep")),
        sweep_resolution_m=float((raw.get("sweep") or {}).get("resolution_m", 50.0)),
        workers=first.workers if first else 2,
        invalid_geometries=first.invalid_geometries if first else "error")


__all__ = [
    "GENERATION_SOURCES", "SITE_FIELDS", "SOURCE_ENGINES", "GenerationSource", "MunicipalProfile", "ProfilePlan",
    "ProfileResult", "SourceContext", "SourceResult", "SourceSpec", "SourceUnavailable", "TechnologyStep",
    "check_profile_spec", "indicator_columns", "plan_from_scenario", "profile_json", "profile_output_files",
    "run_profile", "total_row",
]
