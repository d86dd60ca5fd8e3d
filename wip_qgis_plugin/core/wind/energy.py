"""Wind resource and annual energy per pixel: extrapolation, air density, Weibull AEP.

Three pure layers, then one orchestrator:

* **Vertical profiles** (stateless numpy functions): :func:`log_law_speed`,
  :func:`shear_exponent` / :func:`power_law_speed`, :func:`reference_to_hub_speed` (a
  station's 10 m wind to hub height over local roughness), :func:`air_density_kg_m3`.
* **Energy**: :func:`weibull_aep_mwh` (one site, fine integration) and :class:`AepTable`, a
  lookup table of the gross annual energy over mean wind speed × Weibull k × air density, built
  once per run and interpolated per pixel (vectorised; no integration per pixel).
  :func:`series_energy_mwh` is the hourly time-series path (constant wind, TRY years).
* **Resource models** (a registry, :data:`RESOURCE_MODELS`): ``shear`` (wind speed rasters
  at two heights), ``log_law`` (one raster + roughness from land use), ``reference_wind``
  (no raster: the DWD TRY wind of the region, extrapolated over the local roughness).
* :func:`run_wind_yield` writes the rasters [MWh/a], [h/a] and [m/s at hub] and a table per
  municipality, tile by tile (GeoTIFF via :mod:`core.data.outputs`, atomically).

Losses are stated, never hidden: availability, electrical, and a wake placeholder (until a
layout gives the real wake loss, see :mod:`core.wind.layout`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.special import gamma

from ..data.outputs import OutputTransaction, open_raster_writer, write_csv
from ..errors import InputError
from ..data.raster_grid import Grid, Window
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, check_cancelled
from ..data.rasters import RasterRef, check_raster, read_on_grid
from .turbines import WindTurbine, density_corrected_power_kw, load_turbine

ROUGHNESS_PRESET = Path(__file__).resolve().parents[2] / "presets" / "roughness.yml"
HOURS_PER_YEAR = 8760.0
#: Temperature lapse rate of the standard atmosphere (ISO 2533). [K/m]
LAPSE_RATE_K_M = 0.0065
#: Specific gas constant of dry air. [J/(kg K)]
R_DRY_AIR = 287.058
#: Default Weibull shape (central German inland sites at hub heights above 100 m have k ≈ 2.0–2.3
#: in the Global Wind Atlas; the TRY 2010 region 4 hourly 10 m wind fits k = 2.09; modelling assumption). [-]
DEFAULT_WEIBULL_K = 2.0
WIND_RASTER_ROLES = {"wind_speed_100m": 100.0, "wind_speed_150m": 150.0}
NODATA = -9999.0


# ----------------------------------------------------------------- roughness
@dataclass(frozen=True)
class RoughnessTable:
    """Roughness length z0 per land-use class (``presets/roughness.yml``).

    Attributes
    ----------
    osm : dict of str to float
        ``"landuse=farmland"`` → z0. [m]
    corine : dict of int to float
        CORINE Land Cover code → z0. [m]
    default_m : float
        z0 where no class applies. [m]
    reference_station_m : float
        z0 around the weather station whose wind is extrapolated. [m]
    sources : dict of str to str
        Citations.
    """

    osm: dict[str, float]
    corine: dict[int, float]
    default_m: float
    reference_station_m: float
    sources: dict[str, str] = field(default_factory=dict)

    def osm_keys(self) -> list[str]:
        """OSM keys the table uses (``landuse``, ``natural`` …)."""
        return sorted({k.split("=", 1)[0] for k in self.osm})


def _z0(value: Any, where: str, problems: list[str]) -> float:
    z0 = value.get("z0") if isinstance(value, dict) else value
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?(?:e-?\d+)?)\s*m\s*", str(z0))
    if not match:
        problems.append(f"{where}: {z0!r} is not a length; write e.g. '0.05 m'")
        return math.nan
    if isinstance(value, dict) and not value.get("source"):
        problems.append(f"{where}.source: required")
    out = float(match.group(1))
    if not 0 < out < 5:
        problems.append(f"{where}: z0 {out} m is outside (0, 5) m")
    return out


@lru_cache(maxsize=4)
def load_roughness_table(path: str | None = None) -> RoughnessTable:
    """Read and validate a roughness table (default: the shipped one), every problem at once.

    Raises
    ------
    InputError
        Listing each problem with its place in the file.
    """
    path = Path(path) if path else ROUGHNESS_PRESET
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Roughness table {str(path)!r} cannot be read: {exc}") from exc
    problems: list[str] = []
    if not isinstance(raw, dict) or raw.get("schema") != "wip-roughness/1":
        raise InputError(f"Roughness table {str(path)!r}: schema must be 'wip-roughness/1'.")
    osm = {}
    for key, value in (raw.get("osm") or {}).items():
        if "=" not in str(key):
            problems.append(f"osm.{key}: write OSM classes as key=value, e.g. landuse=farmland")
        osm[str(key)] = _z0(value, f"osm.{key}", problems)
    corine = {}
    for key, value in (raw.get("corine") or {}).items():
        if not re.fullmatch(r"\d{3}", str(key)):
            problems.append(f"corine.{key}: a CORINE class is a three-digit code")
            continue
        corine[int(key)] = _z0(value, f"corine.{key}", problems)
    default = _z0(raw.get("default"), "default", problems)
    station = _z0(raw.get("reference_station"), "reference_station", problems)
    if problems:
        raise InputError(f"Roughness table {str(path)!r} has {len(problems)} problem(s):\n"
                         + "\n".join(f"  - {p}" for p in problems))
    return RoughnessTable(osm, corine, default, station, dict(raw.get("sources") or {}))


# ----------------------------------------------------------------- vertical profiles
def log_law_speed(speed_m_s: Any, height_m: Any, hub_height_m: Any, roughness_m: Any) -> np.ndarray:
    """Logarithmic wind profile (neutral stratification): speed at hub height. [m/s]

    ``v_hub = v · ln(h_hub / z0) / ln(h / z0)``, as windpowerlib's ``logarithmic_profile``
    without obstacle height.

    Parameters
    ----------
    speed_m_s : array_like
        Wind speed at ``height_m``. [m/s]
    height_m, hub_height_m : array_like
        Heights above ground. [m]
    roughness_m : array_like
        Roughness length z0, smaller than both heights. [m]
    """
    z0 = np.asarray(roughness_m, dtype=float)
    ratio = np.log(np.asarray(hub_height_m) / z0) / np.log(np.asarray(height_m) / z0)
    return np.asarray(speed_m_s, dtype=float) * ratio


def shear_exponent(speed_low_m_s: Any, height_low_m: float, speed_high_m_s: Any, height_high_m: float) -> np.ndarray:
    """Hellmann shear exponent between two heights. [-]

    ``alpha = ln(v2 / v1) / ln(h2 / h1)``; NaN where a speed is not positive.
    """
    v1 = np.asarray(speed_low_m_s, dtype=float)
    v2 = np.asarray(speed_high_m_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(v2 / v1) / math.log(height_high_m / height_low_m)
    return np.where((v1 > 0) & (v2 > 0), out, np.nan)


def power_law_speed(speed_m_s: Any, height_m: float, hub_height_m: float, alpha: Any) -> np.ndarray:
    """Power-law (Hellmann) profile: speed at hub height. [m/s]"""
    return np.asarray(speed_m_s, dtype=float) * (hub_height_m / height_m) ** np.asarray(alpha, dtype=float)


def reference_to_hub_speed(reference_m_s: Any, reference_height_m: float, hub_height_m: float, roughness_m: Any,
                           station_roughness_m: float, blending_height_m: float) -> np.ndarray:
    """A station's wind carried to hub height over the local roughness. [m/s]

    Two log profiles meeting at a blending height where the wind no longer feels the
    surface (a simple internal-boundary-layer model): up from the station's height with the
    station's roughness, down to the hub with the local roughness. Above the blending height
    only the station profile applies. Rougher ground thus gives a lower hub wind, as it should.

    Parameters
    ----------
    reference_m_s : array_like
        Station wind speed at ``reference_height_m``. [m/s]
    reference_height_m, hub_height_m, blending_height_m : float
        Heights above ground. [m]
    roughness_m : array_like
        Local roughness length. [m]
    station_roughness_m : float
        Roughness length around the station. [m]
    """
    at_hub_station = log_law_speed(reference_m_s, reference_height_m, hub_height_m, station_roughness_m)
    at_blend = log_law_speed(reference_m_s, reference_height_m, blending_height_m, station_roughness_m)
    local = log_law_speed(at_blend, blending_height_m, hub_height_m, roughness_m)
    return np.where(hub_height_m >= blending_height_m, at_hub_station, local)


def air_density_kg_m3(ground_elevation_m: Any, hub_height_m: float, temperature_c: float, pressure_pa: float,
                      station_elevation_m: float) -> np.ndarray:
    """Air density at hub height from a station's temperature and pressure. [kg/m³]

    Temperature falls with the standard lapse rate (windpowerlib ``linear_gradient``),
    pressure by 1/8 hPa per metre and the ideal gas law gives the density (windpowerlib
    ``ideal_gas``); heights are measured above sea level.

    Parameters
    ----------
    ground_elevation_m : array_like
        Terrain height above sea level. [m]
    hub_height_m : float
        Hub height above ground. [m]
    temperature_c : float
        Mean air temperature at the station (2 m). [°C]
    pressure_pa : float
        Mean air pressure at the station. [Pa]
    station_elevation_m : float
        Station height above sea level. [m]
    """
    from windpowerlib.density import ideal_gas
    from windpowerlib.temperature import linear_gradient

    hub_asl = np.asarray(ground_elevation_m, dtype=float) + hub_height_m
    temp_k = linear_gradient(temperature_c + 273.15, station_elevation_m + 2.0, hub_asl)
    return np.asarray(ideal_gas(pressure_pa, station_elevation_m, hub_asl, temp_k), dtype=float)


# ----------------------------------------------------------------- energy
def weibull_scale_m_s(mean_speed_m_s: Any, k: Any) -> np.ndarray:
    """Weibull scale parameter A from the mean speed and shape k. [m/s]"""
    return np.asarray(mean_speed_m_s, dtype=float) / gamma(1.0 + 1.0 / np.asarray(k, dtype=float))


def weibull_k_from_speeds(speeds_m_s: Any) -> float:
    """Weibull shape k of a wind-speed series (empirical method of Justus et al. 1978). [-]

    ``k = (sigma / mean) ** -1.086``; calm hours are kept.
    """
    v = np.asarray(speeds_m_s, dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 2 or v.mean() <= 0:
        raise InputError("Cannot fit a Weibull shape: the wind-speed series is empty or calm.")
    return float((v.std() / v.mean()) ** -1.086)


def series_energy_mwh(turbine: WindTurbine, speeds_m_s: Any, density_kg_m3: float | None = None,
                      hours_per_step: float = 1.0) -> float:
    """Gross energy of a wind-speed time series at hub height. [MWh]

    ``sum(P(v_t)) · Δt``; with ``density_kg_m3`` the power curve is density-corrected.
    """
    v = np.asarray(speeds_m_s, dtype=float)
    power = (turbine.power_curve_kw(v) if density_kg_m3 is None
             else density_corrected_power_kw(turbine, v, density_kg_m3))
    return float(np.nansum(power)) * hours_per_step / 1000.0


def weibull_aep_mwh(turbine: WindTurbine, mean_speed_m_s: float, k: float, density_kg_m3: float | None = None,
                    step_m_s: float = 0.01, hours: float = HOURS_PER_YEAR) -> float:
    """Gross annual energy of one site from a Weibull distribution. [MWh/a]

    Bins of ``step_m_s`` up to 50 m/s: the power at the bin's centre times the bin's
    probability (difference of the Weibull CDF), times the hours of the year.
    """
    edges = np.arange(0.0, 50.0 + step_m_s, step_m_s)
    return float(_weibull_energy(turbine, edges, np.asarray([mean_speed_m_s]), np.asarray([k]),
                                 density_kg_m3)[0]) * hours / 1000.0


def _weibull_energy(turbine: WindTurbine, edges: np.ndarray, means: np.ndarray, ks: np.ndarray,
                    density_kg_m3: float | None) -> np.ndarray:
    """Mean power [kW] for each (mean, k) pair (same length arrays)."""
    mids = 0.5 * (edges[1:] + edges[:-1])
    power = (turbine.power_curve_kw(mids) if density_kg_m3 is None
             else density_corrected_power_kw(turbine, mids, density_kg_m3))
    out = np.zeros(means.shape, dtype=float)
    positive = means > 0
    scale = weibull_scale_m_s(means[positive], ks[positive])[:, None]
    cdf = 1.0 - np.exp(-(edges[None, :] / scale) ** ks[positive][:, None])
    out[positive] = (np.diff(cdf, axis=1) * power[None, :]).sum(axis=1)
    return out


@dataclass(frozen=True)
class AepTable:
    """Gross annual energy over mean speed × Weibull k × air density, interpolated per pixel.

    Built by :func:`build_aep_table`; :meth:`lookup` interpolates multilinearly on its
    ascending axes (values outside the axes are clamped to the edges).

    Attributes
    ----------
    speeds_m_s, ks, densities_kg_m3 : numpy.ndarray
        Ascending axes (a single value makes an axis constant).
    energy_mwh : numpy.ndarray
        Gross energy per year, shape ``(speeds, ks, densities)``. [MWh/a]
    """

    speeds_m_s: np.ndarray
    ks: np.ndarray
    densities_kg_m3: np.ndarray
    energy_mwh: np.ndarray

    def lookup(self, mean_speed_m_s: Any, k: Any, density_kg_m3: Any) -> np.ndarray:
        """Gross annual energy for each pixel. [MWh/a] (NaN where the speed is NaN)"""
        v = np.asarray(mean_speed_m_s, dtype=np.float64)
        shape = np.broadcast_shapes(v.shape, np.shape(k), np.shape(density_kg_m3))
        coords = []
        for axis, values in ((self.speeds_m_s, v), (self.ks, k), (self.densities_kg_m3, density_kg_m3)):
            values = np.broadcast_to(np.asarray(values, dtype=np.float64), shape)
            if axis.size == 1:
                coords.append((np.zeros(shape, np.intp), np.zeros(shape)))
                continue
            steps = np.diff(axis)
            if np.allclose(steps, steps[0]):  # uniform axis: direct index arithmetic
                pos = np.clip((values - axis[0]) / steps[0], 0.0, axis.size - 1.000001)
                pos = np.where(np.isfinite(pos), pos, 0.0)
                i0 = pos.astype(np.intp)
                coords.append((i0, pos - i0))
            else:
                i0 = np.clip(np.searchsorted(axis, values, side="right") - 1, 0, axis.size - 2)
                frac = np.clip((values - axis[i0]) / (axis[i0 + 1] - axis[i0]), 0.0, 1.0)
                coords.append((i0, np.where(np.isfinite(frac), frac, 0.0)))
        out = np.zeros(shape)
        for corner in range(8):
            idx, weight = [], np.ones(shape)
            for dim, (i0, frac) in enumerate(coords):
                up = (corner >> dim) & 1
                if up and self.energy_mwh.shape[dim] == 1:
                    weight = weight * 0.0
                    idx.append(i0)
                    continue
                idx.append(i0 + up)
                weight = weight * (frac if up else 1.0 - frac)
            out += weight * self.energy_mwh[tuple(idx)]
        return np.where(np.isfinite(v), out, np.nan)


def build_aep_table(turbine: WindTurbine, ks: Any, densities_kg_m3: Any, max_speed_m_s: float = 20.0,
                    speed_step_m_s: float = 0.05, bin_m_s: float = 0.05) -> AepTable:
    """Tabulate the gross annual energy of ``turbine`` (see :class:`AepTable`).

    Parameters
    ----------
    turbine : WindTurbine
        The turbine.
    ks : array_like
        Uniform Weibull-k axis (or one value). [-]
    densities_kg_m3 : array_like
        Uniform density axis (or one value). [kg/m³]
    max_speed_m_s, speed_step_m_s : float
        Mean-speed axis 0 … max. [m/s]
    bin_m_s : float
        Integration bin width over the wind speed. [m/s]
    """
    speeds = np.arange(0.0, max_speed_m_s + speed_step_m_s / 2, speed_step_m_s)
    ks = np.atleast_1d(np.asarray(ks, dtype=float))
    dens = np.atleast_1d(np.asarray(densities_kg_m3, dtype=float))
    edges = np.arange(0.0, 50.0 + bin_m_s / 2, bin_m_s)
    mids = 0.5 * (edges[1:] + edges[:-1])
    vv, kk = np.meshgrid(speeds, ks, indexing="ij")
    means, shapes = vv.ravel(), kk.ravel()
    # bin probabilities do not depend on the density: one matrix, times one power column per density
    probs = np.zeros((means.size, mids.size))
    positive = means > 0
    scale = weibull_scale_m_s(means[positive], shapes[positive])[:, None]
    probs[positive] = np.diff(1.0 - np.exp(-(edges[None, :] / scale) ** shapes[positive][:, None]), axis=1)
    power = np.column_stack([density_corrected_power_kw(turbine, mids, float(rho)) for rho in dens])
    table = (probs @ power).reshape(speeds.size, ks.size, dens.size) * HOURS_PER_YEAR / 1000.0
    return AepTable(speeds, ks, dens, table)


@dataclass(frozen=True)
class Losses:
    """Energy losses applied to the gross yield, each in [%].

    Attributes
    ----------
    availability_pct : float
        Technical availability loss (downtime). [%]
    electrical_pct : float
        Electrical losses up to the grid connection point. [%]
    wake_pct : float
        Wake loss placeholder for single-pixel yields (a layout replaces it). [%]
    other_pct : float
        Curtailment (bats, noise, shadow flicker) and other losses. [%]
    """

    availability_pct: float = 3.0
    electrical_pct: float = 2.0
    wake_pct: float = 5.0
    other_pct: float = 0.0

    def factor(self, include_wake: bool = True) -> float:
        """Net / gross energy. [-]"""
        parts = [self.availability_pct, self.electrical_pct, self.other_pct] + ([self.wake_pct] if include_wake else [])
        for p in parts:
            if not 0.0 <= p < 100.0:
                raise InputError(f"A loss of {p!r} % is not between 0 and 100 %.")
        return float(np.prod([1.0 - p / 100.0 for p in parts]))

    def describe(self) -> str:
        """The losses in words, for logs and raster metadata."""
        return (f"availability {self.availability_pct:g} %, electrical {self.electrical_pct:g} %, "
                f"wake {self.wake_pct:g} %, other {self.other_pct:g} %")


# ----------------------------------------------------------------- resource models
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


def main_wind_direction_deg(speeds_m_s: Any, directions_deg: Any) -> float:
    """Main wind direction: the direction of the vector sum of v³-weighted unit vectors. [°]

    Weighted with the cube of the speed (the energy flux), so the direction the energy
    comes from wins over frequent light winds. NaN directions (calm) are ignored.
    """
    v = np.asarray(speeds_m_s, dtype=float)
    d = np.asarray(directions_deg, dtype=float)
    ok = np.isfinite(v) & np.isfinite(d) & (v > 0)
    if not ok.any():
        raise InputError("The weather has no wind directions; give the main wind direction as a parameter.")
    w = v[ok] ** 3
    rad = np.radians(d[ok])
    return float(np.degrees(np.arctan2((w * np.sin(rad)).sum(), (w * np.cos(rad)).sum())) % 360.0)


def climate_from_weather(weather: Any) -> SiteClimate:
    """The :class:`SiteClimate` of a :class:`core.data.weather.Weather`."""
    data = weather.data
    return SiteClimate(
        reference_speed_m_s=float(data["wind_speed"].mean()), reference_height_m=float(weather.wind_height_m),
        temperature_c=float(data["temp_air"].mean()), pressure_pa=float(data["pressure"].mean()),
        elevation_m=float(weather.elevation_m) if np.isfinite(weather.elevation_m) else 0.0,
        weibull_k=weibull_k_from_speeds(data["wind_speed"]),
        main_direction_deg=main_wind_direction_deg(data["wind_speed"], data["wind_direction"]),
        name=str(weather.name))


def site_weather(source: str | int | None, lon: float, lat: float) -> Any:
    """The weather of a site: a weather file or TRY region, default the TRY region of the site."""
    from ..data.weather import weather_for_site

    if isinstance(source, str) and source.strip().isdigit():
        source = int(source)  # a TRY region number
    try:
        return weather_for_site(lon, lat, source)
    except (ImportError, ValueError, OSError) as exc:
        if isinstance(exc, InputError) or not (source is None or isinstance(source, int)
                                               or str(source).strip().lower() in ("", "try", "auto")):
            raise
        # load_try derives DNI with pvlib, whose h5py import fails inside qgis_process (HDF5 clash);
        # the wind needs no irradiance (see /tmp/wip-coord/REQUEST-weather.md)
        from ..data.weather import find_try_region

        return _try_wind_only(int(source) if isinstance(source, int) else find_try_region(lon, lat))


def _try_wind_only(region: int) -> Any:
    """The wind, temperature and pressure columns of a DWD TRY 2010 region (no irradiance, no pvlib).

    A stand-in for :func:`core.data.weather.load_try` where pvlib cannot be imported.
    """
    from types import SimpleNamespace

    import pandas as pd

    from ..data.weather import _demandlib_weather_dir, _parse_try_header

    path = _demandlib_weather_dir() / f"TRY2010_{region:02d}_Jahr.dat"
    if not path.is_file():
        raise InputError(f"TRY file for region {region} not found: {path}. Reinstall demandlib.")
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("***"))
    meta = _parse_try_header(lines[:start], path)
    raw = pd.DataFrame([line.split() for line in lines[start + 1:] if line.strip()],
                       columns=lines[start - 1].split()).astype(float)
    data = pd.DataFrame({"wind_speed": raw["WG"], "wind_direction": raw["WR"].where(raw["WR"].between(0, 360)),
                         "temp_air": raw["t"], "pressure": raw["p"] * 100.0})
    return SimpleNamespace(data=data, elevation_m=meta["elevation_m"], wind_height_m=10.0,
                           name=f"TRY 2010 region {region} ({meta['station']})", region=region)


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
class _ResourceInputs:
    """What a resource model reads on a window (prepared once per run)."""

    rasters: dict[str, RasterRef]
    roughness_shapes: list[tuple[Any, float]]
    roughness_default_m: float
    station_roughness_m: float
    climate: SiteClimate
    settings: WindResourceSettings


def _shear_model(inp: _ResourceInputs, grid: Grid, window: Window, crs: Any, hub_height_m: float) -> np.ndarray:
    (role_lo, h_lo), (role_hi, h_hi) = sorted(
        ((r, WIND_RASTER_ROLES[r]) for r in inp.rasters if r in WIND_RASTER_ROLES), key=lambda t: t[1])
    lo = read_on_grid(inp.rasters[role_lo], grid, window, crs)
    hi = read_on_grid(inp.rasters[role_hi], grid, window, crs)
    return power_law_speed(hi, h_hi, hub_height_m, shear_exponent(lo, h_lo, hi, h_hi))


def _log_law_model(inp: _ResourceInputs, grid: Grid, window: Window, crs: Any, hub_height_m: float) -> np.ndarray:
    role = next(r for r in inp.rasters if r in WIND_RASTER_ROLES)
    speed = read_on_grid(inp.rasters[role], grid, window, crs)
    z0 = roughness_on_window(inp, grid, window)
    return log_law_speed(speed, WIND_RASTER_ROLES[role], hub_height_m, z0)


def _reference_model(inp: _ResourceInputs, grid: Grid, window: Window, crs: Any, hub_height_m: float) -> np.ndarray:
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


def roughness_on_window(inp: _ResourceInputs, grid: Grid, window: Window) -> np.ndarray:
    """Roughness length on a window from the land-use shapes (default elsewhere). [m]"""
    from rasterio.features import rasterize

    shape = (window.height, window.width)
    if not inp.roughness_shapes:
        return np.full(shape, inp.roughness_default_m, dtype=np.float32)
    return rasterize(inp.roughness_shapes, out_shape=shape, transform=grid.window_transform(window),
                     fill=inp.roughness_default_m, dtype="float32")


def roughness_shapes(layers: Mapping[str, LayerRef], table: RoughnessTable, crs: Any,
                     bbox: tuple[float, float, float, float], corine_field: str | None = None,
                     ) -> list[tuple[Any, float]]:
    """(geometry, z0) pairs from the ``landuse`` (and ``water``) layers, water last (on top).

    OSM: the first of the table's keys (landuse, natural, leisure, aeroway) whose ``key=value``
    is in the table; CORINE: the code in ``corine_field``. Unknown classes are left out (default z0).
    """
    shapes: list[tuple[Any, float]] = []
    for role in ("landuse", "water"):
        ref = layers.get(role)
        if ref is None:
            continue
        fields = layer_info(ref, role).fields
        if corine_field and role == "landuse":
            if corine_field not in fields:
                raise InputError(f"The land-use layer ({ref.describe()}) has no field {corine_field!r} with "
                                 f"CORINE codes; fields: {', '.join(fields)}.")
            frame = read_layer(ref, role, crs, bbox=bbox, columns=(corine_field,))
            codes = frame[corine_field].astype(str).str.extract(r"(\d{3})")[0]
            values = [table.corine.get(int(c)) if isinstance(c, str) else None for c in codes]
        else:
            keys = [k for k in table.osm_keys() if k in fields]
            if not keys:
                if role == "water":
                    frame = read_layer(ref, role, crs, bbox=bbox)
                    values = [table.osm.get("natural=water", table.default_m)] * len(frame)
                    shapes.extend((g, v) for g, v in zip(frame.geometry.values, values))
                continue
            frame = read_layer(ref, role, crs, bbox=bbox, columns=tuple(keys))
            values = [None] * len(frame)
            for key in reversed(keys):  # the first key wins
                col = frame[key].astype(object).where(frame[key].notna(), None)
                for i, val in enumerate(col):
                    z0 = table.osm.get(f"{key}={val}") if val is not None else None
                    if z0 is not None:
                        values[i] = z0
        shapes.extend((g, v) for g, v in zip(frame.geometry.values, values) if v is not None and g is not None)
    return shapes


# ----------------------------------------------------------------- the run
@dataclass(frozen=True)
class WindYieldOutputs:
    """Destination files; ``None`` skips an output (the energy raster is required).

    Attributes
    ----------
    energy : Path
        Net annual energy per turbine site. [MWh/a]
    full_load_hours : Path or None
        Net full-load hours. [h/a]
    wind_speed : Path or None
        Mean wind speed at hub height. [m/s]
    table : Path or None
        Per-municipality means (CSV).
    """

    energy: Path
    full_load_hours: Path | None = None
    wind_speed: Path | None = None
    table: Path | None = None


@dataclass(frozen=True)
class WindYieldSettings:
    """How to run the yield.

    Attributes
    ----------
    resolution_m : float
        Pixel size. [m]
    crs : str
        Projected working CRS.
    hub_height_m : float or None
        Hub height replacing the turbine's. [m]
    losses : Losses
        Stated losses.
    resource : WindResourceSettings
        Weibull k, weather, roughness.
    tile_px : int
        Tile edge. [pixels]
    """

    resolution_m: float = 25.0
    crs: str = "EPSG:25832"
    hub_height_m: float | None = None
    losses: Losses = field(default_factory=Losses)
    resource: WindResourceSettings = field(default_factory=WindResourceSettings)
    tile_px: int = 1024


@dataclass(frozen=True)
class MunicipalYield:
    """Yield figures of one municipality (pixels whose centre lies inside).

    Attributes
    ----------
    name, ags : str
        Municipality.
    area_ha : float
        Pixel-counted area. [ha]
    mean_wind_speed_m_s, mean_full_load_hours, max_full_load_hours : float
        Means and maximum over its pixels. [m/s], [h/a]
    """

    name: str
    ags: str
    area_ha: float
    mean_wind_speed_m_s: float
    mean_full_load_hours: float
    max_full_load_hours: float


@dataclass(frozen=True)
class WindYieldResult:
    """What :func:`run_wind_yield` computed."""

    turbine: WindTurbine
    resource_model: str
    climate: SiteClimate
    weibull_k: float | None
    losses: Losses
    loss_factor: float
    mean_wind_speed_m_s: float
    mean_full_load_hours: float
    mean_density_kg_m3: float
    municipalities: tuple[MunicipalYield, ...]
    grid: Grid
    outputs: WindYieldOutputs


@dataclass
class _Accumulator:
    n: np.ndarray
    speed: np.ndarray
    flh: np.ndarray
    flh_max: np.ndarray
    rho: float = 0.0
    rho_n: int = 0


def _aoi_frame(aoi: Any, crs: Any):
    """Municipal polygons (dissolved by name) of an AreaOfInterest: names, ags, geometries."""
    from ..eligibility.engine import read_aoi_areas

    return read_aoi_areas(aoi, crs, "error")


def _climate(settings: WindResourceSettings, centre_xy: tuple[float, float], crs: Any) -> SiteClimate:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(*centre_xy)
    return climate_from_weather(site_weather(settings.weather, lon, lat))


def prepare_resource(turbine_hub_m: float, rasters: Mapping[str, Any], layers: Mapping[str, LayerRef],
                     grid: Grid, crs: Any, settings: WindResourceSettings, climate: SiteClimate | None = None,
                     ) -> tuple[str, _ResourceInputs]:
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
        climate = _climate(settings, ((x0 + x1) / 2, (y0 + y1) / 2), crs)
    station = settings.station_roughness_m if settings.station_roughness_m else table.reference_station_m
    return model, _ResourceInputs(refs, shapes, table.default_m, station, climate, settings)


def resource_on_window(model: str, inp: _ResourceInputs, grid: Grid, window: Window, crs: Any,
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


def _grid_for(aoi: Any, rasters: Mapping[str, Any], crs: Any, resolution_m: float):
    """The grid and (if an AOI is given) its municipalities."""
    if aoi is not None:
        names, ids, geoms = _aoi_frame(aoi, crs)
        import shapely

        return Grid.aligned(tuple(shapely.total_bounds(geoms)), resolution_m), names, ids, geoms
    wind = [r for r in rasters if r in WIND_RASTER_ROLES]
    if not wind:
        raise InputError("Without a wind speed raster the yield needs an area of interest (municipalities).")
    import rasterio
    from rasterio.warp import transform_bounds

    path = rasters[wind[0]].path if isinstance(rasters[wind[0]], RasterRef) else str(rasters[wind[0]])
    with rasterio.open(path) as src:
        bounds = transform_bounds(src.crs, crs.to_wkt(), *src.bounds, densify_pts=21)
    r = resolution_m
    inner = (bounds[0] + r, bounds[1] + r, bounds[2] - r, bounds[3] - r)  # stay inside the raster
    return Grid.aligned(inner, resolution_m), [], [], np.asarray([], dtype=object)


def run_wind_yield(
    turbine: WindTurbine | str,
    aoi: Any,
    rasters: Mapping[str, Any],
    layers: Mapping[str, LayerRef],
    outputs: WindYieldOutputs,
    settings: WindYieldSettings = WindYieldSettings(),
    progress: Progress | None = None,
) -> WindYieldResult:
    """Annual energy, full-load hours and hub-height wind speed per pixel.

    Parameters
    ----------
    turbine : WindTurbine or str
        The turbine, or its name for :func:`core.wind.turbines.load_turbine`.
    aoi : AreaOfInterest or None
        Municipalities; pixels outside are nodata. Without it, the wind raster's extent.
    rasters : mapping
        ``wind_speed_100m``, ``wind_speed_150m`` (one, two or none) and ``dem`` → path or RasterRef.
    layers : mapping of str to LayerRef
        ``landuse`` (and ``water``) for the roughness (models ``log_law`` and ``reference_wind``).
    outputs : WindYieldOutputs
        Destination files.
    settings : WindYieldSettings
        Resolution, CRS, hub height, losses, resource settings.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    WindYieldResult

    Raises
    ------
    InputError
        Bad rasters or layers, unknown turbine.
    Cancelled
        The user cancelled; no output is left behind.
    """
    progress = progress or NullProgress()
    crs = check_working_crs(settings.crs)
    turbine = load_turbine(turbine, settings.hub_height_m)
    hub = turbine.hub_height_m
    progress.report(0.0, "Reading the area and the rasters")
    grid, names, ids, geoms = _grid_for(aoi, rasters, crs, settings.resolution_m)
    model, inp = prepare_resource(hub, rasters, layers, grid, crs, settings.resource)
    climate = inp.climate
    progress.info(f"Turbine {turbine.describe()}; wind at hub from {RESOURCE_DESCRIPTIONS[model]}; "
                  f"weather {climate.name}")
    table = table_for(turbine, settings.resource, climate)
    loss_factor = settings.losses.factor()
    progress.info(f"Losses: {settings.losses.describe()} → net = {loss_factor:.3f} × gross")
    check_cancelled(progress)
    n_m = len(names)
    acc = _Accumulator(np.zeros(n_m + 1), np.zeros(n_m + 1), np.zeros(n_m + 1), np.zeros(n_m + 1))
    tags = {"WIP_TURBINE": turbine.describe(), "WIP_RESOURCE": RESOURCE_DESCRIPTIONS[model],
            "WIP_LOSSES": settings.losses.describe(), "WIP_WEATHER": climate.name,
            "WIP_WEIBULL_K": "raster" if settings.resource.weibull_k_raster else
            f"{settings.resource.weibull_k or climate.weibull_k:.3f}"}
    specs = [(outputs.energy, "energy", "net annual energy per turbine [MWh/a]"),
             (outputs.full_load_hours, "flh", "net full-load hours [h/a]"),
             (outputs.wind_speed, "speed", "mean wind speed at hub height [m/s]")]
    tiles = list(grid.tiles(settings.tile_px))
    with OutputTransaction() as tx:
        writers = {}
        try:
            for path, key, desc in specs:
                if path is not None:
                    writers[key] = open_raster_writer(tx.temp_for(Path(path)), grid.width, grid.height,
                                                         grid.transform, crs, "float32", NODATA,
                                                         tags={**tags, "WIP_UNIT": desc}, description=desc)
            for i, window in enumerate(tiles):
                check_cancelled(progress)
                speed, k, rho = resource_on_window(model, inp, grid, window, crs, hub)
                zone = _zones(geoms, grid, window) if n_m else np.zeros(speed.shape, np.int32)
                inside = (zone > 0) if n_m else np.isfinite(speed)
                gross = table.lookup(speed, k, rho)
                net = gross * loss_factor
                flh = net / turbine.nominal_power_mw
                valid = inside & np.isfinite(net)
                values = {"energy": net, "flh": flh, "speed": speed}
                for key, ds in writers.items():
                    out = np.where(valid, values[key], NODATA).astype(np.float32)
                    ds.write(out, 1, window=((window.row, window.row + window.height),
                                             (window.col, window.col + window.width)))
                _accumulate(acc, zone, valid, speed, flh, rho)
                progress.report(0.05 + 0.9 * (i + 1) / len(tiles), "Computing the yield")
        finally:
            for ds in writers.values():
                ds.close()
        check_cancelled(progress)
        munis = _municipal_rows(acc, names, ids, grid)
        if outputs.table is not None:
            _write_table(tx.temp_for(Path(outputs.table)), munis, turbine, settings.losses)
    n_all = acc.n.sum()
    progress.report(1.0, "Done")
    return WindYieldResult(
        turbine=turbine, resource_model=model, climate=climate,
        weibull_k=None if settings.resource.weibull_k_raster else (settings.resource.weibull_k or climate.weibull_k),
        losses=settings.losses, loss_factor=loss_factor,
        mean_wind_speed_m_s=float(acc.speed.sum() / n_all) if n_all else math.nan,
        mean_full_load_hours=float(acc.flh.sum() / n_all) if n_all else math.nan,
        mean_density_kg_m3=acc.rho / acc.rho_n if acc.rho_n else math.nan,
        municipalities=tuple(munis), grid=grid, outputs=outputs)


def _zones(geoms: np.ndarray, grid: Grid, window: Window) -> np.ndarray:
    """1-based municipality index of each pixel centre on a window (0 outside)."""
    from rasterio.features import rasterize

    return rasterize(((g, i + 1) for i, g in enumerate(geoms)), out_shape=(window.height, window.width),
                     transform=grid.window_transform(window), fill=0, dtype="int32")


def _accumulate(acc: _Accumulator, zone: np.ndarray, valid: np.ndarray, speed: np.ndarray, flh: np.ndarray,
                rho: np.ndarray) -> None:
    z = zone[valid]
    n = acc.n.size
    acc.n += np.bincount(z, minlength=n)
    acc.speed += np.bincount(z, weights=speed[valid], minlength=n)
    acc.flh += np.bincount(z, weights=flh[valid], minlength=n)
    if z.size:
        np.maximum.at(acc.flh_max, z, flh[valid])
        acc.rho += float(rho[valid].sum())
        acc.rho_n += int(z.size)


def _municipal_rows(acc: _Accumulator, names: list[str], ids: list[str], grid: Grid) -> list[MunicipalYield]:
    rows = []
    for i, name in enumerate(names, start=1):
        n = acc.n[i]
        rows.append(MunicipalYield(str(name), str(ids[i - 1]), float(n * grid.pixel_area_ha),
                                   float(acc.speed[i] / n) if n else math.nan,
                                   float(acc.flh[i] / n) if n else math.nan, float(acc.flh_max[i]) if n else math.nan))
    return rows


def _write_table(path: Path, rows: list[MunicipalYield], turbine: WindTurbine, losses: Losses) -> None:
    write_csv(path, ["name", "ags", "area_ha", "mean_wind_speed_m_s", "mean_full_load_hours",
                        "max_full_load_hours", "turbine", "losses"],
                 [[r.name, r.ags, r.area_ha, r.mean_wind_speed_m_s, r.mean_full_load_hours, r.max_full_load_hours,
                   turbine.name or turbine.id, losses.describe()] for r in rows])
