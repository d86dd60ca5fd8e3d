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
        order = np.argsort(self.azimuth_rad, kind="stable")
        # sorted twice round the horizon, so that a window across north is one slice
        object.__setattr__(self, "_order2", np.r_[order, order])
        object.__setattr__(self, "_sorted2", np.r_[self.azimuth_rad[order], self.azimuth_rad[order] + 2 * math.pi])

    def window(self, lo_rad: np.ndarray, hi_rad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per window [lo, hi] of azimuths the instants in it, as (window, instant) index pairs. [rad]"""
        n = len(self.azimuth_rad)
        shift = np.floor(lo_rad / (2 * math.pi)) * 2 * math.pi
        lo, hi = lo_rad - shift, hi_rad - shift
        start = np.searchsorted(self._sorted2, lo)
        end = np.minimum(np.searchsorted(self._sorted2, hi, side="right"), start + n)
        counts = np.maximum(end - start, 0)
        total = int(counts.sum())
        which = np.repeat(np.arange(len(lo)), counts)
        pos = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(start, counts)
        return which, self._order2[pos]


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


def shadow_hits(hub_xyz: np.ndarray, rotor_radius_m: float, points_xyz: np.ndarray, sun: SunPath
                ) -> tuple[np.ndarray, np.ndarray]:
    """(point, instant) pairs at which one turbine shades points (the exact test, vectorised).

    Candidates are the instants whose sun azimuth lies within the rotor disc's angular radius of the
    hub's azimuth seen from the point (widened by the elevation); each is then tested exactly.
    """
    v = np.asarray(hub_xyz, dtype=float)[None, :] - np.asarray(points_xyz, dtype=float).reshape(-1, 3)
    dist = np.linalg.norm(v, axis=1)
    theta = np.arcsin(np.clip(rotor_radius_m / np.maximum(dist, 1e-9), 0.0, 1.0))
    top = np.abs(np.arcsin(np.clip(v[:, 2] / np.maximum(dist, 1e-9), -1.0, 1.0))) + theta
    with np.errstate(invalid="ignore", divide="ignore"):
        half = 1.01 * np.arcsin(np.clip(np.sin(theta) / np.cos(np.minimum(top, math.radians(89.0))), 0.0, 1.0))
    half = np.where(top >= math.radians(89.0), math.pi, half)
    az = np.arctan2(v[:, 0], v[:, 1]) % (2 * math.pi)
    which, step = sun.window(az - half, az + half)
    # the sun's elevation must lie within the disc's angular radius of the hub's, too (a cheap first cut)
    elev = np.arcsin(np.clip(v[:, 2] / np.maximum(dist, 1e-9), -1.0, 1.0))
    sin_lo = np.sin(np.maximum(elev - theta, -math.pi / 2))
    sin_hi = np.sin(np.minimum(elev + theta, math.pi / 2))
    z = sun.vectors[step, 2]
    near = (z >= sin_lo[which]) & (z <= sin_hi[which])
    which, step = which[near], step[near]
    s = sun.vectors[step]
    vv = v[which]
    t = np.einsum("ij,ij->i", s, vv)
    hit = (t > 0) & (dist[which] ** 2 - t * t <= rotor_radius_m ** 2)
    return which[hit], step[hit]


def shadow_flicker(hub_xyz: np.ndarray, rotor_radius_m: Any, receptor_xyz: np.ndarray, sun: SunPath,
                   reach_m: Any, chunk: int = 2000) -> ShadowResult:
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
    chunk : int
        Receptors (raster cells) handled together (memory).
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
    tree = cKDTree(hub_xyz[:, :2])
    n_steps = len(sun.vectors)
    for lo in range(0, m, chunk):
        part = receptor_xyz[lo:lo + chunk]
        keys, pairs = [], []
        by_turbine: dict[int, list[int]] = {}
        for i, js in enumerate(tree.query_ball_point(part[:, :2], float(reach.max()))):
            for j in js:
                by_turbine.setdefault(int(j), []).append(i)
        for j, idx in by_turbine.items():
            idx = np.asarray(idx, dtype=np.int64)
            idx = idx[np.linalg.norm(part[idx] - hub_xyz[j], axis=1) <= reach[j]]
            if not len(idx):
                continue
            which, step = shadow_hits(hub_xyz[j], float(radius[j]), part[idx], sun)
            if len(which):
                keys.append(idx[which] * n_steps + step)
                pairs.append(np.unique(idx[which]) * n + j)
        if not keys:
            continue
        k = np.unique(np.concatenate(keys))
        point = k // n_steps
        hours[lo:lo + len(part)] = np.bincount(point, minlength=len(part)) * sun.step_min / 60.0
        day_key = np.unique(point * 366 + sun.day[k % n_steps], return_counts=True)
        day_point = day_key[0] // 366
        np.maximum.at(worst, lo + day_point, day_key[1] * sun.step_min)
        days[lo:lo + len(part)] = np.bincount(day_point, minlength=len(part))
        for pair in np.unique(np.concatenate(pairs)):
            casting[lo + int(pair // n)] = np.r_[casting[lo + int(pair // n)], int(pair % n)]
    return ShadowResult(hours, worst, days, casting)


def shadow_hours_grid(hub_xy: np.ndarray, hub_height_m: Any, rotor_radius_m: Any, left: float, top: float,
                      resolution_m: float, width: int, height: int, sun: SunPath, reach_m: float,
                      window_height_m: float = 2.0) -> np.ndarray:
    """A raster of astronomically possible shadow hours per year, summed over turbines (flat ground). [h/a]

    On flat ground the shadow a turbine casts depends only on the offset from it, so one kernel per
    (hub height, rotor) is computed exactly (:func:`shadow_flicker` at the kernel's cells) and added
    at each turbine's cell. Two simplifications, both said in the raster's metadata: the shadows of two
    turbines falling on a cell at the same instant count twice here (the receptor table counts them once),
    and each turbine stands at the centre of its cell (±half a pixel).
    """
    hub_xy = np.asarray(hub_xy, dtype=float).reshape(-1, 2)
    n = len(hub_xy)
    hub = np.broadcast_to(np.asarray(hub_height_m, dtype=float), (n,))
    radius = np.broadcast_to(np.asarray(rotor_radius_m, dtype=float), (n,))
    out = np.zeros((height, width))
    half = int(math.ceil(reach_m / resolution_m))
    k = np.arange(-half, half + 1) * resolution_m
    dx, dy = np.meshgrid(k, -k)
    cells = np.column_stack([dx.ravel(), dy.ravel(), np.full(dx.size, window_height_m)])
    kernels: dict[tuple[float, float], np.ndarray] = {}
    col = np.floor((hub_xy[:, 0] - left) / resolution_m).astype(np.int64)
    row = np.floor((top - hub_xy[:, 1]) / resolution_m).astype(np.int64)
    for j in range(n):
        key = (round(float(hub[j]), 1), round(float(radius[j]), 1))
        if key not in kernels:
            kernels[key] = shadow_flicker(np.array([[0.0, 0.0, key[0]]]), key[1], cells, sun,
                                          reach_m).hours_per_year.reshape(dx.shape)
        kern = kernels[key]
        r0, c0 = row[j] - half, col[j] - half
        rs, cs = max(r0, 0), max(c0, 0)
        re, ce = min(r0 + kern.shape[0], height), min(c0 + kern.shape[1], width)
        if rs < re and cs < ce:
            out[rs:re, cs:ce] += kern[rs - r0:re - r0, cs - c0:ce - c0]
    return out
