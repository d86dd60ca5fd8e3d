"""The physics of the wind yield: pure numpy kernels, no files, no grid.

* **Vertical profiles**: :func:`log_law_speed`, :func:`shear_exponent` /
  :func:`power_law_speed`, :func:`reference_to_hub_speed` (a station's 10 m wind to hub height
  over local roughness), :func:`air_density_kg_m3`.
* **Energy**: :func:`weibull_aep_mwh` (one site, fine integration) and :class:`AepTable`, a
  lookup table of the gross annual energy over mean wind speed × Weibull k × air density, built
  once per run (:func:`build_aep_table`) and interpolated per pixel (vectorised; no integration
  per pixel). :func:`series_energy_mwh` is the hourly time-series path (constant wind, TRY years).
* **Wind climate statistics**: :func:`weibull_k_from_speeds`, :func:`main_wind_direction_deg`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gamma

from ..errors import InputError
from .turbines import WindTurbine, density_corrected_power_kw

HOURS_PER_YEAR = 8760.0
#: Temperature lapse rate of the standard atmosphere (ISO 2533). [K/m]
LAPSE_RATE_K_M = 0.0065
#: Specific gas constant of dry air. [J/(kg K)]
R_DRY_AIR = 287.058


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
