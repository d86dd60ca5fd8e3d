"""Shadow flicker of wind turbines at receptors: the astronomically possible worst case (LAI).

Worst case as the LAI guidance defines it: the sun shines from sunrise to sunset, the rotor turns
and always faces the sun, so its disc seen from a receptor is a circle of the rotor radius around the
hub. A receptor P is in shadow at an instant where the ray from P towards the sun passes within the
rotor radius R of the hub H, in front of P, with the sun at least 3° above the horizon::

    v = H − P,   t = v · s > 0,   |v|² − t² ≤ R²          (s: unit vector towards the sun)

and only where a blade still covers at least 20 % of the sun's disc: a blade of mean depth b at
distance d spans b/d of the sky; across the centre of the sun's disc (diameter α) it covers the
share (2/π)(asin x + x√(1 − x²)) with x = b / (d α), which falls to 20 % at :func:`shadow_reach_m`
(about 2.4 km for b = 3.5 m). Minutes shadowed by several turbines at once count once.

Sun positions: pvlib (NREL SPA, numpy) over one year at ``time_step_min``; directions are turned from
true north to the grid north of the working CRS (the meridian convergence at the site, 2.3° in
EPSG:25832 at the Revier).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.pvlib_shim import pvlib_module


def blade_coverage(x: Any) -> np.ndarray:
    """Share of the sun's disc a strip of width ``x`` × its diameter covers across its centre. [-]"""
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return (2.0 / math.pi) * (np.arcsin(x) + x * np.sqrt(1.0 - x * x))


def shadow_reach_m(blade_depth_m: float, sun_diameter_deg: float = 0.533, min_coverage: float = 0.2) -> float:
    """Distance beyond which a blade covers less than ``min_coverage`` of the sun. [m]"""
    lo, hi = 0.0, 1.0
    for _ in range(80):  # bisection on the monotone coverage
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if blade_coverage(mid) < min_coverage else (lo, mid)
    return blade_depth_m / (hi * math.radians(sun_diameter_deg))


@dataclass(frozen=True)
class SunPath:
    """The sun over one year above a minimum elevation.

    Attributes
    ----------
    vectors : numpy.ndarray
        ``(n, 3)`` unit vectors towards the sun in grid east, grid north, up. [-]
    azimuth_rad : numpy.ndarray
        Grid azimuth of each vector, clockwise from grid north, in [0, 2π). [rad]
    day : numpy.ndarray
        Day of the year (0-based, local standard time UTC+1) of each instant.
    step_min : float
        Minutes each instant stands for. [min]
    """

    vectors: np.ndarray
    azimuth_rad: np.ndarray
    day: np.ndarray
    step_min: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "_order", np.argsort(self.azimuth_rad, kind="stable"))
        object.__setattr__(self, "_sorted_az", self.azimuth_rad[self._order])

    def within(self, lo_rad: float, hi_rad: float) -> np.ndarray:
        """Instants whose azimuth lies in [lo, hi] (wrapping round north). [rad]"""
        two_pi = 2 * math.pi
        if hi_rad - lo_rad >= two_pi:
            return self._order
        lo, hi = lo_rad % two_pi, hi_rad % two_pi
        spans = [(lo, hi)] if lo <= hi else [(lo, two_pi), (0.0, hi)]
        return np.concatenate([self._order[np.searchsorted(self._sorted_az, a):
                                           np.searchsorted(self._sorted_az, b, side="right")] for a, b in spans])


def sun_path(latitude: float, longitude: float, year: int = 2023, step_min: float = 2.0,
             min_elevation_deg: float = 3.0, grid_convergence_deg: float = 0.0) -> SunPath:
    """Sun vectors of one year at ``step_min`` above ``min_elevation_deg`` (pvlib, NREL SPA).

    Parameters
    ----------
    latitude, longitude : float
        The site. [°, WGS 84]
    grid_convergence_deg : float
        Angle from true north to grid north at the site (pyproj's meridian convergence): the grid
        azimuth is the true azimuth minus it. [°]
    """
    import pandas as pd

    pvlib = pvlib_module()
    start = pd.Timestamp(f"{year}-01-01 00:00", tz="Etc/GMT-1")
    times = pd.date_range(start, start + pd.DateOffset(years=1), freq=pd.Timedelta(minutes=step_min),
                          inclusive="left")
    # the instant representing each step is its middle
    position = pvlib.solarposition.get_solarposition(times + pd.Timedelta(minutes=step_min / 2), latitude,
                                                     longitude, method="nrel_numpy")
    elevation = position["apparent_elevation"].to_numpy()
    keep = elevation >= min_elevation_deg
    el = np.radians(elevation[keep])
    az = np.radians((position["azimuth"].to_numpy()[keep] - grid_convergence_deg) % 360.0)
    vectors = np.column_stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)])
    return SunPath(vectors, az, np.asarray(times.dayofyear[keep] - 1), float(step_min))


@dataclass(frozen=True)
class ShadowResult:
    """Astronomically possible shadow per receptor.

    Attributes
    ----------
    hours_per_year : numpy.ndarray
        Hours per year with shadow from at least one turbine. [h/a]
    max_minutes_per_day : numpy.ndarray
        Minutes on the worst day. [min/d]
    days : numpy.ndarray
        Days per year with any shadow. [d]
    turbines : list of numpy.ndarray
        Per receptor the turbines that cast shadow on it.
    """

    hours_per_year: np.ndarray
    max_minutes_per_day: np.ndarray
    days: np.ndarray
    turbines: list[np.ndarray]


def shadow_steps(hub_xyz: np.ndarray, rotor_radius_m: float, receptor_xyz: np.ndarray, sun: SunPath) -> np.ndarray:
    """Indices of the instants of ``sun`` at which one turbine shades one receptor (the exact test)."""
    v = np.asarray(hub_xyz, dtype=float) - np.asarray(receptor_xyz, dtype=float)
    dist = float(np.linalg.norm(v))
    if dist <= rotor_radius_m:
        return np.arange(len(sun.vectors))
    # candidates: sun azimuths within the disc's angular radius (widened by the elevation) of v's azimuth
    theta = math.asin(rotor_radius_m / dist)
    elev = math.asin(max(-1.0, min(1.0, v[2] / dist)))
    top = abs(elev) + theta
    half = math.pi if top >= math.radians(89.0) else \
        1.01 * math.asin(min(1.0, math.sin(theta) / math.cos(top)))
    az = math.atan2(v[0], v[1]) % (2 * math.pi)
    cand = sun.within(az - half, az + half)
    s = sun.vectors[cand]
    t = s @ v
    perp2 = dist * dist - t * t
    hit = (t > 0) & (perp2 <= rotor_radius_m * rotor_radius_m)
    return np.sort(cand[hit])


def shadow_flicker(hub_xyz: np.ndarray, rotor_radius_m: Any, receptor_xyz: np.ndarray, sun: SunPath,
                   reach_m: Any) -> ShadowResult:
    """Astronomically possible shadow of turbines at receptors.

    Parameters
    ----------
    hub_xyz : numpy.ndarray
        ``(n, 3)`` hub positions (z: hub height above the receptors' datum). [m]
    rotor_radius_m : float or numpy.ndarray
        Rotor radius, one or per turbine. [m]
    receptor_xyz : numpy.ndarray
        ``(m, 3)`` receptor windows. [m]
    sun : SunPath
        The sun over the year (:func:`sun_path`).
    reach_m : float or numpy.ndarray
        Per turbine the distance within which shadow counts (:func:`shadow_reach_m`). [m]
    """
    from scipy.spatial import cKDTree

    hub_xyz = np.asarray(hub_xyz, dtype=float).reshape(-1, 3)
    receptor_xyz = np.asarray(receptor_xyz, dtype=float).reshape(-1, 3)
    n, m = len(hub_xyz), len(receptor_xyz)
    radius = np.broadcast_to(np.asarray(rotor_radius_m, dtype=float), (n,))
    reach = np.broadcast_to(np.asarray(reach_m, dtype=float), (n,))
    hours, worst, days = np.zeros(m), np.zeros(m), np.zeros(m, dtype=np.int64)
    casting: list[np.ndarray] = [np.empty(0, np.int64) for _ in range(m)]
    if not n or not m:
        return ShadowResult(hours, worst, days, casting)
    tree = cKDTree(receptor_xyz[:, :2])
    near: dict[int, list[int]] = {}
    for j in range(n):
        for i in tree.query_ball_point(hub_xyz[j, :2], float(reach[j])):
            near.setdefault(int(i), []).append(j)
    for i, js in near.items():
        steps, who = [], []
        for j in js:
            if np.linalg.norm(hub_xyz[j] - receptor_xyz[i]) > reach[j]:
                continue
            k = shadow_steps(hub_xyz[j], float(radius[j]), receptor_xyz[i], sun)
            if len(k):
                steps.append(k)
                who.append(j)
        if not steps:
            continue
        k = np.unique(np.concatenate(steps))
        hours[i] = len(k) * sun.step_min / 60.0
        per_day = np.bincount(sun.day[k])
        worst[i] = per_day.max() * sun.step_min
        days[i] = int(np.count_nonzero(per_day))
        casting[i] = np.asarray(who, dtype=np.int64)
    return ShadowResult(hours, worst, days, casting)
