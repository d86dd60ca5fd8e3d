"""Shadow flicker in the "real case": the astronomical shadow only when the sun shines, the rotor turns and its
disc, turned into the wind, stands between the sun and the window.

The astronomical worst case (:mod:`.shadow`) assumes a cloudless sky, a rotor always turning and always facing the
sun. The LAI guidance (WEA-Schattenwurf-Hinweise) also names the real duration: at most 8 h a year where a
shutdown automation counts it. Here it is computed from an hourly weather year (the TRY of the site, or the run's
weather file), instant by instant of the astronomical shadow:

* **sunshine**: the direct normal irradiance of the hour is at least 120 W/m² (the WMO definition of sunshine);
* **operation**: the wind at hub height (log law from the weather's height) is at least the cut-in speed;
* **orientation**: the rotor disc (radius R) stands perpendicular to the hour's wind direction; the shadow falls
  on the window when the ray from the window towards the sun crosses the disc (exact, not the sphere the
  astronomical case uses).

The result is a figure for one typical year, not a guarantee: the weather of a test reference year stands in for
the statistics of the site.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .physics import log_law_speed
from .shadow import SunPath, shadow_hits
from ..messages import msg

#: WMO: sunshine where the direct normal irradiance is at least this. [W/m²]
SUNSHINE_DNI_W_M2 = 120.0
#: LAI WEA-Schattenwurf-Hinweise: real shadow duration a year at a receptor, with a shutdown automation. [h/a]
REAL_LIMIT_H_PER_A = 8.0


@dataclass(frozen=True)
class HourlyConditions:
    """The weather year as the real case reads it, one value per hour of the year (local standard time).

    Attributes
    ----------
    sunshine : numpy.ndarray of bool
        The sun shines (DNI ≥ 120 W/m²).
    wind_from_rad : numpy.ndarray
        Grid azimuth the wind blows from, clockwise from grid north; NaN where unknown (the rotor is then
        taken to face the sun: the astronomical disc). [rad]
    hub_speed_m_s : numpy.ndarray
        Wind speed at hub height. [m/s]
    """

    sunshine: np.ndarray
    wind_from_rad: np.ndarray
    hub_speed_m_s: np.ndarray


def hourly_conditions(weather: Any, hub_height_m: float, roughness_m: float = 0.1,
                      grid_convergence_deg: float = 0.0) -> HourlyConditions:
    """The hours of a :class:`~..data.weather.Weather` year as :class:`HourlyConditions`.

    Parameters
    ----------
    weather : Weather
        Hourly ``dni`` [W/m²], ``wind_speed`` [m/s] at ``wind_height_m`` and ``wind_direction`` [° from true north].
    hub_height_m : float
        Hub height of the turbines. [m]
    roughness_m : float
        Roughness length of the log law. [m]
    grid_convergence_deg : float
        Angle from true north to grid north. [°]
    """
    data = weather.data
    dni = data["dni"].to_numpy(float) if "dni" in data else np.zeros(len(data))
    direction = data["wind_direction"].to_numpy(float) if "wind_direction" in data else np.full(len(data), np.nan)
    speed = log_law_speed(data["wind_speed"].to_numpy(float), weather.wind_height_m, hub_height_m, roughness_m)
    return HourlyConditions(np.nan_to_num(dni) >= SUNSHINE_DNI_W_M2,
                            np.radians((direction - grid_convergence_deg) % 360.0), np.asarray(speed, float))


def real_case_hours(hub_xyz: np.ndarray, rotor_radius_m: Any, receptor_xyz: np.ndarray, sun: SunPath,
                    conditions: HourlyConditions, reach_m: Any, cut_in_m_s: float = 3.0) -> np.ndarray:
    """Real shadow duration per receptor a year (instants shaded by any turbine counted once). [h/a]

    Parameters
    ----------
    hub_xyz : numpy.ndarray
        ``(n, 3)`` hub positions. [m]
    rotor_radius_m : float or numpy.ndarray
        Rotor radius, one or per turbine. [m]
    receptor_xyz : numpy.ndarray
        ``(m, 3)`` receptor windows. [m]
    sun : SunPath
        With ``minute`` (:func:`~.shadow.sun_path`).
    conditions : HourlyConditions
        The weather year (:func:`hourly_conditions`).
    reach_m : float or numpy.ndarray
        Per turbine the distance within which shadow counts. [m]
    cut_in_m_s : float
        Wind speed from which a rotor turns. [m/s]
    """
    from scipy.spatial import cKDTree

    if sun.minute is None:
        raise ValueError("the real case needs the sun path's minutes (core.wind.shadow.sun_path)")
    hub_xyz = np.asarray(hub_xyz, dtype=float).reshape(-1, 3)
    receptor_xyz = np.asarray(receptor_xyz, dtype=float).reshape(-1, 3)
    n, m = len(hub_xyz), len(receptor_xyz)
    hours = np.zeros(m)
    if not n or not m:
        return hours
    radius = np.broadcast_to(np.asarray(rotor_radius_m, dtype=float), (n,))
    reach = np.broadcast_to(np.asarray(reach_m, dtype=float), (n,))
    n_hours = len(conditions.sunshine)
    hour_of = (sun.minute // 60) % n_hours
    usable = conditions.sunshine & (conditions.hub_speed_m_s >= cut_in_m_s)
    tree = cKDTree(receptor_xyz[:, :2])
    keys = []
    for j in range(n):
        near = np.asarray(tree.query_ball_point(hub_xyz[j, :2], float(reach[j])), dtype=np.int64)
        if not len(near):
            continue
        which, step = shadow_hits(hub_xyz[j], float(radius[j]), receptor_xyz[near], sun)
        if not len(which):
            continue
        hour = hour_of[step]
        ok = usable[hour]
        which, step, hour = which[ok], step[ok], hour[ok]
        theta = conditions.wind_from_rad[hour]
        normal = np.column_stack([np.sin(theta), np.cos(theta), np.zeros_like(theta)])
        s = sun.vectors[step]
        v = hub_xyz[j] - receptor_xyz[near[which]]
        facing = ~np.isfinite(theta)  # no direction: the rotor faces the sun (the astronomical disc)
        normal[facing] = s[facing]
        denom = np.einsum("ij,ij->i", normal, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.einsum("ij,ij->i", normal, v) / denom
        miss = t[:, None] * s - v
        hit = (np.abs(denom) > 1e-9) & (t > 0) & (np.einsum("ij,ij->i", miss, miss) <= radius[j] ** 2)
        keys.append(near[which[hit]] * len(sun.vectors) + step[hit])
    if keys:
        k = np.unique(np.concatenate(keys))
        hours += np.bincount(k // len(sun.vectors), minlength=m) * sun.step_min / 60.0
    return hours



def receptor_real_hours(hub_xyz: np.ndarray, rotor_radius_m: Any, receptor_xyz: np.ndarray, sun: SunPath,
                        reach_m: Any, shaded: np.ndarray, hub_heights_m: Any, crs: Any, weather: str | None,
                        progress: Any = None) -> np.ndarray:
    """The real duration at the receptors with astronomical shadow (0 elsewhere), from the site's weather year. [h/a]

    Parameters
    ----------
    hub_xyz, rotor_radius_m, receptor_xyz, sun, reach_m
        As for :func:`real_case_hours`.
    shaded : numpy.ndarray of bool
        The receptors with any astronomical shadow (the others have no real shadow either).
    hub_heights_m : array-like
        Hub heights of the turbines; their median lifts the weather's wind. [m]
    crs
        The working CRS (for the site's TRY region and grid north).
    weather : str or None
        A weather file or TRY region; None: the TRY region of the turbines' centre.
    progress : Progress, optional
        Says which weather year was read.
    """
    from ..data.weather import find_try_region, load_try, read_weather
    from .shadow import grid_convergence_deg

    out = np.zeros(len(receptor_xyz))
    if not np.any(shaded) or not len(hub_xyz):
        return out
    centre = np.asarray(hub_xyz, dtype=float)[:, :2].mean(axis=0)
    lon, lat, conv = grid_convergence_deg(crs, float(centre[0]), float(centre[1]))
    year = read_weather(int(weather) if str(weather).isdigit() else weather) if weather else \
        load_try(find_try_region(lon, lat))
    heights = np.asarray(hub_heights_m, dtype=float)
    hub = float(np.nanmedian(heights)) if np.isfinite(heights).any() else 150.0
    conditions = hourly_conditions(year, hub, grid_convergence_deg=conv)
    if progress is not None:
        progress.info(msg("shadow_real_case", name=year.name, sun=int(conditions.sunshine.sum()), hub_m=hub,
                          limit=float(REAL_LIMIT_H_PER_A)))
    idx = np.flatnonzero(shaded)
    out[idx] = real_case_hours(hub_xyz, rotor_radius_m, np.asarray(receptor_xyz)[idx], sun, conditions, reach_m)
    return out
