"""Where the wind at hub height comes from: the site's climate and the resource models.

* :class:`SiteClimate` (:func:`climate_from_weather`): the mean wind, temperature, pressure,
  Weibull k and main direction of a weather year; :func:`site_weather` finds the weather of a
  site (a weather file or DWD TRY region, default the TRY region of the site).
* **Resource models** (a registry, :data:`RESOURCE_MODELS`): ``shear`` (wind speed rasters at
  two heights), ``log_law`` (one raster + roughness from land use), ``reference_wind`` (no
  raster: the DWD TRY wind of the region, extrapolated over the local roughness).
  :func:`prepare_resource` checks the inputs once per run; :func:`resource_on_window` gives the
  mean hub speed, Weibull k and air density on a window; :func:`table_for` the energy table.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyproj import Transformer
from rasterio.features import rasterize

from ..data.layers import LayerRef
from ..data.raster_grid import Grid, Window
from ..data.rasters import RasterRef, check_raster, read_on_grid
from ..data.weather import Weather, find_try_region, load_try, weather_for_site
from ..errors import InputError
from .physics import (
    AepTable,
    air_density_kg_m3,
    build_aep_table,
    log_law_speed,
    main_wind_direction_deg,
    power_law_speed,
    reference_to_hub_speed,
    shear_exponent,
    weibull_k_from_speeds,
)
from .roughness import load_roughness_table, roughness_shapes
from .turbines import WindTurbine

#: Default Weibull shape (central German inland sites at hub heights above 100 m have k ≈ 2.0–2.3
#: in the Global Wind Atlas; the TRY 2010 region 4 hourly 10 m wind fits k = 2.09; modelling assumption). [-]
DEFAULT_WEIBULL_K = 2.0
#: Wind speed raster roles and the height they stand for. [m]
WIND_RASTER_ROLES = {"wind_speed_100m": 100.0, "wind_speed_150m": 150.0}


@dataclass(frozen=True)
class SiteClimate:
    """The weather quantities the yield needs (from a TRY or another weather file).

    Attributes
    ----------
    reference_speed_m_s : float
        Mean wind speed at ``reference_height_m``. [m/s]
    reference_height_m : float
        Height of the wind measurement above ground. [m]
    temperature_c : float
        Mean air temperature. [°C]
    pressure_pa : float
        Mean air pressure at the station. [Pa]
    elevation_m : float
        Station height above sea level. [m]
    weibull_k : float
        Weibull shape of the station's hourly wind. [-]
    main_direction_deg : float
        Energy-weighted main wind direction (from north, clockwise). [°]
    name : str
        The weather's name (e.g. TRY region).
    """

    reference_speed_m_s: float
    reference_height_m: float
    temperature_c: float
    pressure_pa: float
    elevation_m: float
    weibull_k: float
    main_direction_deg: float
    name: str = ""


def climate_from_weather(weather: Any) -> SiteClimate:
    """The :class:`SiteClimate` of a :class:`core.data.weather.Weather`."""
    data = weather.data
    return SiteClimate(
        reference_speed_m_s=float(data["wind_speed"].mean()), reference_height_m=float(weather.wind_height_m),
        temperature_c=float(data["temp_air"].mean()), pressure_pa=float(data["pressure"].mean()),
        elevation_m=float(weather.elevation_m) if np.isfinite(weather.elevation_m) else 0.0,
        weibull_k=weibull_k_from_speeds(data["wind_speed"]),
        main_direction_deg=main_wind_direction_deg(data["wind_speed"], data["wind_direction"]),
        name=weather.name)


def site_weather(source: str | int | None, lon: float, lat: float) -> Weather:
    """The weather of a site: a weather file or TRY region, default the TRY region of the site.

    Where the full TRY cannot be read (pvlib, which derives its DNI, fails to import inside
    ``qgis_process``: an HDF5 clash of h5py), the TRY without irradiance is used: the wind needs none.
    """
    if isinstance(source, str) and source.strip().isdigit():
        source = int(source)  # a TRY region number
    try:
        return weather_for_site(lon, lat, source)
    except (ImportError, ValueError, OSError) as exc:
        if isinstance(exc, InputError) or not (source is None or isinstance(source, int)
                                               or str(source).strip().lower() in ("", "try", "auto")):
            raise
        region = int(source) if isinstance(source, int) else find_try_region(lon, lat)
        return load_try(region, irradiance=False)


@dataclass(frozen=True)
class WindResourceSettings:
    """Where the wind at hub height comes from and how it is distributed.

    Attributes
    ----------
    weibull_k : float or None
        Weibull shape; None fits it to the weather's hourly wind. [-]
    weibull_k_raster : str or None
        A raster of Weibull k (e.g. Global Wind Atlas ``combined-Weibull-k``); replaces ``weibull_k``.
    weather : str or None
        Weather source (TRY region ``"4"``, ``.epw``, PVGIS ``.csv``/``.json``); None: the TRY
        region of the area's centre.
    roughness_table : str or None
        Roughness YAML (default: ``presets/roughness.yml``).
    roughness_field : str or None
        Field of the land-use layer holding CORINE codes; None: OSM keys (landuse, natural …).
    station_roughness_m : float or None
        Roughness around the weather station; None: the table's ``reference_station``. [m]
    blending_height_m : float
        Height where the station's and the local profile meet. [m]
    """

    weibull_k: float | None = DEFAULT_WEIBULL_K
    weibull_k_raster: str | None = None
    weather: str | None = None
    roughness_table: str | None = None
    roughness_field: str | None = None
    station_roughness_m: float | None = None
    blending_height_m: float = 250.0


@dataclass(frozen=True)
class ResourceInputs:
    """What a resource model reads on a window (prepared once per run by :func:`prepare_resource`).

    Attributes
    ----------
    rasters : dict of str to RasterRef
        Wind speed rasters and ``dem`` by role.
    roughness_shapes : list of (geometry, float)
        Land-use shapes with their roughness length. [m]
    roughness_default_m, station_roughness_m : float
        z0 where no shape applies, and around the weather station. [m]
    climate : SiteClimate
        The site's climate.
    settings : WindResourceSettings
        The run's resource settings.
    """

    rasters: dict[str, RasterRef]
    roughness_shapes: list[tuple[Any, float]]
    roughness_default_m: float
    station_roughness_m: float
    climate: SiteClimate
    settings: WindResourceSettings


def _shear_model(inp: ResourceInputs, grid: Grid, window: Window, crs: Any, hub_height_m: float) -> np.ndarray:
    (role_lo, h_lo), (role_hi, h_hi) = sorted(
        ((r, WIND_RASTER_ROLES[r]) for r in inp.rasters if r in WIND_RASTER_ROLES), key=lambda t: t[1])
    lo = read_on_grid(inp.rasters[role_lo], grid, window, crs)
    hi = read_on_grid(inp.rasters[role_hi], grid, window, crs)
    return power_law_speed(hi, h_hi, hub_height_m, shear_exponent(lo, h_lo, hi, h_hi))


def _log_law_model(inp: ResourceInputs, grid: Grid, window: Window, crs: Any, hub_height_m: float) -> np.ndarray:
    role = next(r for r in inp.rasters if r in WIND_RASTER_ROLES)
    speed = read_on_grid(inp.rasters[role], grid, window, crs)
    z0 = roughness_on_window(inp, grid, window)
    return log_law_speed(speed, WIND_RASTER_ROLES[role], hub_height_m, z0)


def _reference_model(inp: ResourceInputs, grid: Grid, window: Window, crs: Any, hub_height_m: float) -> np.ndarray:
    z0 = roughness_on_window(inp, grid, window)
    c = inp.climate
    return reference_to_hub_speed(np.full(z0.shape, c.reference_speed_m_s), c.reference_height_m, hub_height_m,
                                  z0, inp.station_roughness_m, inp.settings.blending_height_m)


#: Resource models by id: f(inputs, grid, window, crs, hub height) → mean wind speed at hub [m/s].
RESOURCE_MODELS: dict[str, Callable[..., np.ndarray]] = {
    "shear": _shear_model, "log_law": _log_law_model, "reference_wind": _reference_model}
RESOURCE_DESCRIPTIONS = {
    "shear": "mean wind speed rasters at 100 m and 150 m, power law with the shear exponent of each pixel",
    "log_law": "one mean wind speed raster, logarithmic profile with the roughness of the land use",
    "reference_wind": "mean wind of the weather station (DWD TRY), logarithmic profiles over the station's and "
                      "the local roughness meeting at the blending height",
}


def resource_model_for(rasters: Mapping[str, Any]) -> str:
    """``shear`` with two wind rasters, ``log_law`` with one, ``reference_wind`` with none."""
    n = sum(1 for r in rasters if r in WIND_RASTER_ROLES)
    return {0: "reference_wind", 1: "log_law"}.get(n, "shear")


def roughness_on_window(inp: ResourceInputs, grid: Grid, window: Window) -> np.ndarray:
    """Roughness length on a window from the land-use shapes (default elsewhere). [m]"""
    shape = (window.height, window.width)
    if not inp.roughness_shapes:
        return np.full(shape, inp.roughness_default_m, dtype=np.float32)
    return rasterize(inp.roughness_shapes, out_shape=shape, transform=grid.window_transform(window),
                     fill=inp.roughness_default_m, dtype="float32")


def climate_at(settings: WindResourceSettings, centre_xy: tuple[float, float], crs: Any) -> SiteClimate:
    """The climate of the weather of ``settings`` at a point of the working CRS."""
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(*centre_xy)
    return climate_from_weather(site_weather(settings.weather, lon, lat))


def prepare_resource(turbine_hub_m: float, rasters: Mapping[str, Any], layers: Mapping[str, LayerRef],
                     grid: Grid, crs: Any, settings: WindResourceSettings, climate: SiteClimate | None = None,
                     ) -> tuple[str, ResourceInputs]:
    """Check the rasters, read the roughness shapes and the climate; choose the resource model."""
    refs = {r: (p if isinstance(p, RasterRef) else RasterRef(str(p))) for r, p in rasters.items() if p}
    unknown = [r for r in refs if r not in WIND_RASTER_ROLES and r != "dem"]
    if unknown:
        raise InputError(f"Raster role(s) {', '.join(unknown)} are not used by the wind yield; give "
                         f"{', '.join(WIND_RASTER_ROLES)} and/or dem.")
    for role, ref in refs.items():
        check_raster(ref, role, grid, crs)
    if settings.weibull_k_raster:
        check_raster(RasterRef(settings.weibull_k_raster), "weibull_k", grid, crs)
    model = resource_model_for(refs)
    table = load_roughness_table(settings.roughness_table)
    shapes = [] if model == "shear" else roughness_shapes(layers, table, crs, grid.bounds, settings.roughness_field)
    if climate is None:
        x0, y0, x1, y1 = grid.bounds
        climate = climate_at(settings, ((x0 + x1) / 2, (y0 + y1) / 2), crs)
    station = settings.station_roughness_m if settings.station_roughness_m else table.reference_station_m
    return model, ResourceInputs(refs, shapes, table.default_m, station, climate, settings)


def resource_on_window(model: str, inp: ResourceInputs, grid: Grid, window: Window, crs: Any,
                       hub_height_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean speed at hub [m/s], Weibull k [-] and air density [kg/m³] on a window."""
    speed = RESOURCE_MODELS[model](inp, grid, window, crs, hub_height_m)
    c = inp.climate
    if "dem" in inp.rasters:
        elevation = read_on_grid(inp.rasters["dem"], grid, window, crs)
        elevation = np.where(np.isfinite(elevation), elevation, c.elevation_m)
    else:
        elevation = np.full(speed.shape, c.elevation_m)
    rho = air_density_kg_m3(elevation, hub_height_m, c.temperature_c, c.pressure_pa, c.elevation_m)
    if inp.settings.weibull_k_raster:
        k = read_on_grid(RasterRef(inp.settings.weibull_k_raster), grid, window, crs)
    else:
        k = np.full(speed.shape, inp.settings.weibull_k if inp.settings.weibull_k else c.weibull_k)
    return speed.astype(np.float32), k.astype(np.float32), rho.astype(np.float32)


def table_for(turbine: WindTurbine, settings: WindResourceSettings, climate: SiteClimate) -> AepTable:
    """The lookup table a run needs: constant k or a k axis, a density axis 1.00–1.35 kg/m³."""
    if settings.weibull_k_raster:
        ks: Any = np.arange(1.0, 4.0001, 0.05)
        step = 0.1
    else:
        ks = settings.weibull_k if settings.weibull_k else climate.weibull_k
        step = 0.05
    return build_aep_table(turbine, ks, np.arange(1.0, 1.3501, 0.0125), max_speed_m_s=20.0, speed_step_m_s=step)
