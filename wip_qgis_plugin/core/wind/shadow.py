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
class DayFrame:
    """The sun's daily circles, for finding at once the instants a direction's disc holds on each day.

    A direction's angular distance from the sun is at least the difference of their angles above the
    plane normal to ``pole`` (for any pole); with the pole near the celestial one, that angle (a
    declination) changes slowly over the year and the sun's angle about the pole (an hour angle) steadily
    over each day.

    Attributes
    ----------
    pole, east, north : numpy.ndarray
        An orthonormal frame: the axis of the daily circles and two directions normal to it. [-]
    declination : numpy.ndarray
        Per instant its angle above the plane normal to the pole. [rad]
    first, last : numpy.ndarray
        Per day (index: day of the year) its first and last instant (last < first: none).
    dawn, pace : numpy.ndarray
        Per day the hour angle of its first instant [rad] and the mean step of the hour angle [rad].
    low, high : numpy.ndarray
        Per day its smallest and largest declination. [rad]
    seasons : tuple of (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        The days with instants in parts of the year, each with the running maximum of ``high`` and the
        minimum of ``low`` over the days after: both never fall, so a declination's days are found by
        bisection.
    """

    pole: np.ndarray
    east: np.ndarray
    north: np.ndarray
    declination: np.ndarray
    first: np.ndarray
    last: np.ndarray
    dawn: np.ndarray
    pace: np.ndarray
    low: np.ndarray
    high: np.ndarray
    seasons: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]


def day_frame(vectors: np.ndarray, day: np.ndarray) -> DayFrame | None:
    """The :class:`DayFrame` of sun vectors in time order; None where their hour angle does not rise each day."""
    vectors, day = np.asarray(vectors, dtype=float).reshape(-1, 3), np.asarray(day, dtype=np.int64)
    same = day[1:] == day[:-1] if len(day) > 1 else np.zeros(0, dtype=bool)
    if np.count_nonzero(same) < 3 or np.any(day[1:] < day[:-1]):
        return None
    step = vectors[1:][same] - vectors[:-1][same]
    pole = np.linalg.eigh(step.T @ step)[1][:, 0]   # the direction the daily steps are normal to
    pole = pole if pole[2] >= 0 else -pole
    mean = vectors.mean(axis=0)
    east = mean - (mean @ pole) * pole
    if np.linalg.norm(east) < 1e-6:
        return None
    east /= np.linalg.norm(east)
    north = np.cross(pole, east)
    hour = np.arctan2(vectors @ north, vectors @ east)
    if np.any(np.diff(hour)[same] <= 0):
        north, hour = -north, -hour
        if np.any(np.diff(hour)[same] <= 0):
            return None
    dec = np.arcsin(np.clip(vectors @ pole, -1.0, 1.0))
    days = np.arange(int(day[-1]) + 1)
    first, last = np.searchsorted(day, days), np.searchsorted(day, days, side="right") - 1
    has = np.flatnonzero(last >= first)
    low, high = np.full(len(days), np.inf), np.full(len(days), -np.inf)
    low[has], high[has] = np.minimum.reduceat(dec, first[has]), np.maximum.reduceat(dec, first[has])
    mid = (low[has] + high[has]) / 2
    cuts = sorted({0, int(np.argmax(mid)), int(np.argmin(mid)), len(has)})
    seasons = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        part = has[lo:hi] if mid[hi - 1] >= mid[lo] else has[lo:hi][::-1]   # declination rising
        seasons.append((part, np.maximum.accumulate(high[part]), np.minimum.accumulate(low[part][::-1])[::-1]))
    dawn, pace = np.zeros(len(days)), np.ones(len(days))
    dawn[has] = hour[first[has]]
    pace[has] = (hour[last[has]] - dawn[has]) / np.maximum(last[has] - first[has], 1)
    return DayFrame(pole, east, north, dec, first, last, dawn, pace, low, high,
                    tuple(seasons))


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
    minute : numpy.ndarray or None
        Minute of the year (local standard time UTC+1) at which each instant's step starts; None where unknown.
    """

    vectors: np.ndarray
    azimuth_rad: np.ndarray
    day: np.ndarray
    step_min: float
    minute: np.ndarray | None = None

    def __post_init__(self) -> None:
        order = np.argsort(self.azimuth_rad, kind="stable")
        # sorted twice round the horizon, so that a window across north is one slice
        object.__setattr__(self, "_order2", np.r_[order, order])
        object.__setattr__(self, "_sorted2", np.r_[self.azimuth_rad[order], self.azimuth_rad[order] + 2 * math.pi])
        object.__setattr__(self, "_frame", day_frame(self.vectors, self.day))

    @property
    def frame(self) -> DayFrame | None:
        """The daily circles (:func:`day_frame`); None for instants out of time order."""
        return self._frame

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


def grid_convergence_deg(crs: Any, x: float, y: float) -> tuple[float, float, float]:
    """(longitude, latitude, angle from true north to grid north, clockwise) at a point of ``crs``. [°]

    Measured by projecting a short step to true north: its grid azimuth is minus the angle.
    """
    from pyproj import Transformer

    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_grid = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    nx_, ny_ = to_grid.transform(lon, lat + 0.001)
    return float(lon), float(lat), -math.degrees(math.atan2(nx_ - x, ny_ - y))


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
    minute = np.asarray((times[keep] - start) // pd.Timedelta(minutes=1), dtype=np.int64)
    return SunPath(vectors, az, np.asarray(times.dayofyear[keep] - 1), float(step_min), minute)


def _ragged(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of these sizes: the group of each element and its place in its group."""
    counts = np.asarray(counts, dtype=np.int64)
    group = np.repeat(np.arange(len(counts)), counts)
    return group, np.arange(len(group)) - (np.cumsum(counts) - counts)[group]


def _runs(v: np.ndarray, radius: np.ndarray, sun: SunPath, frame: DayFrame
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (point, day) the first and last instant a rotor shades the point: (pair, first, last) arrays.

    ``v`` holds per pair the vector point → hub ``(k, 3)`` [m], ``radius`` the rotor radius [m]. An instant
    is a hit where the ray towards the sun passes within the rotor radius of the hub, in front of the point
    (the exact test, as for every instant); along a day the sun's angle from the hub rises and then falls,
    so each day's hits are one run, found from an estimate by stepping its ends with the exact test.
    """
    dist = np.linalg.norm(v, axis=1)
    theta = np.arcsin(np.clip(radius / np.maximum(dist, 1e-9), 0.0, 1.0))
    unit = v / np.maximum(dist, 1e-9)[:, None]
    dec = np.arcsin(np.clip(unit @ frame.pole, -1.0, 1.0))
    hour = np.arctan2(unit @ frame.north, unit @ frame.east)
    # candidate days: the sun's declination within the disc's angular radius of the hub's (a bound, exact)
    pairs, days = [], []
    for part, high, low in frame.seasons:
        lo = np.searchsorted(high, dec - theta - 1e-9)
        hi = np.searchsorted(low, dec + theta + 1e-9, side="right")
        which, pos = _ragged(np.maximum(hi - lo, 0))
        pairs.append(which)
        days.append(part[lo[which] + pos])
    k, d = np.concatenate(pairs), np.concatenate(days)
    first, last = frame.first[d], frame.last[d]
    r2, d2 = radius[k] ** 2, dist[k] ** 2
    vx, vy, vz = (np.ascontiguousarray(v[k, c]) for c in range(3))
    sx, sy, sz = (np.ascontiguousarray(sun.vectors[:, c]) for c in range(3))

    def hit(i: np.ndarray, sel: Any = slice(None)) -> np.ndarray:
        t = sx[i] * vx[sel] + sy[i] * vy[sel] + sz[i] * vz[sel]
        return (t > 0) & (d2[sel] - t * t <= r2[sel])

    # the instant nearest the hub's hour angle: there the day's closest approach is, or next to it
    dawn, pace = frame.dawn[d], frame.pace[d]
    cur = np.clip(first + np.rint((hour[k] - dawn) / pace).astype(np.int64), first, last)
    t_cur = sx[cur] * vx + sy[cur] * vy + sz[cur] * vz
    todo, move = np.arange(len(k)), np.ones(len(k), dtype=np.int64)
    while len(todo):                    # uphill along the day to the closest approach
        up = cur[todo] + move
        ok = np.flatnonzero((up >= first[todo]) & (up <= last[todo]))
        t_up = sx[up[ok]] * vx[todo[ok]] + sy[up[ok]] * vy[todo[ok]] + sz[up[ok]] * vz[todo[ok]]
        better = ok[t_up > t_cur[todo[ok]]]
        cur[todo[better]], t_cur[todo[better]] = up[better], t_up[t_up > t_cur[todo[ok]]]
        flip = np.ones(len(todo), dtype=bool)
        flip[better] = False
        flip &= move > 0                # not up the one way: the other, once
        todo, move = np.r_[todo[better], todo[flip]], np.r_[move[better], -move[flip]]
    keep = np.flatnonzero(hit(cur))
    k, d, first, last, cur, dawn, pace, r2, d2, vx, vy, vz = (a[keep] for a in (k, d, first, last, cur, dawn, pace,
                                                                               r2, d2, vx, vy, vz))
    # the run's ends from the hour-angle half-width at the day's mean declination, stepped to the exact ends
    mean = (frame.low[d] + frame.high[d]) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_w = (np.cos(theta[k]) - np.sin(mean) * np.sin(dec[k])) / (np.cos(mean) * np.cos(dec[k]))
    half = np.arccos(np.clip(np.nan_to_num(cos_w, nan=1.0), -1.0, 1.0))
    ends = []
    for sign, bound in ((-1, first), (1, last)):
        guess = first + np.rint((hour[k] + sign * half - dawn) / pace).astype(np.int64)
        end = np.clip(guess, np.minimum(cur, bound), np.maximum(cur, bound))
        inside = hit(end)
        out = np.flatnonzero(inside & (end != bound))   # widen while the next instant is a hit
        while len(out):
            nxt = end[out] + sign
            go = hit(nxt, out)
            end[out[go]] = nxt[go]
            out = out[go & (nxt != bound[out])]
        back = np.flatnonzero(~inside)                  # narrow until a hit (the closest approach is one)
        while len(back):
            end[back] -= sign
            back = back[~hit(end[back], back)]
        ends.append(end)
    return k, ends[0], ends[1]


def _window_hits(v: np.ndarray, rotor_radius_m: float, sun: SunPath) -> tuple[np.ndarray, np.ndarray]:
    """(point, instant) hits of one rotor for sun paths without a :class:`DayFrame`: every instant in a window.

    Candidates are the instants whose sun azimuth lies within the rotor disc's angular radius of the
    hub's azimuth seen from the point (widened by the elevation); each is then tested exactly.
    """
    dist = np.linalg.norm(v, axis=1)
    theta = np.arcsin(np.clip(rotor_radius_m / np.maximum(dist, 1e-9), 0.0, 1.0))
    top = np.abs(np.arcsin(np.clip(v[:, 2] / np.maximum(dist, 1e-9), -1.0, 1.0))) + theta
    with np.errstate(invalid="ignore", divide="ignore"):
        half = 1.01 * np.arcsin(np.clip(np.sin(theta) / np.cos(np.minimum(top, math.radians(89.0))), 0.0, 1.0))
    half = np.where(top >= math.radians(89.0), math.pi, half)
    az = np.arctan2(v[:, 0], v[:, 1]) % (2 * math.pi)
    which, step = sun.window(az - half, az + half)
    t = np.einsum("ij,ij->i", sun.vectors[step], v[which])
    hit = (t > 0) & (dist[which] ** 2 - t * t <= rotor_radius_m ** 2)
    return which[hit], step[hit]


def shadow_hits(hub_xyz: np.ndarray, rotor_radius_m: float, points_xyz: np.ndarray, sun: SunPath
                ) -> tuple[np.ndarray, np.ndarray]:
    """(point, instant) pairs at which one turbine shades points (the exact test at every instant)."""
    v = np.asarray(hub_xyz, dtype=float)[None, :] - np.asarray(points_xyz, dtype=float).reshape(-1, 3)
    if sun.frame is None:
        return _window_hits(v, float(rotor_radius_m), sun)
    k, first, last = _runs(v, np.full(len(v), float(rotor_radius_m)), sun, sun.frame)
    run, pos = _ragged(last - first + 1)
    return k[run], first[run] + pos


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
    turbine_hours : numpy.ndarray or None
        With limits: per turbine the hours per year it shades at least one receptor over them (what a
        shutdown module keyed to those receptors switches it off for, at most). [h/a]
    """

    hours_per_year: np.ndarray
    max_minutes_per_day: np.ndarray
    days: np.ndarray
    turbines: list[np.ndarray]
    turbine_hours: np.ndarray | None = None


def shadow_flicker(hub_xyz: np.ndarray, rotor_radius_m: Any, receptor_xyz: np.ndarray, sun: SunPath,
                   reach_m: Any, chunk: int = 4096, limits: tuple[float, float] | None = None) -> ShadowResult:
    """Astronomically possible shadow of turbines at receptors.

    The receptors go in blocks of neighbours; per (receptor, turbine, day) the run of instants in
    shadow (:func:`shadow_hits`), the runs of the turbines at a receptor merged so that an instant
    shaded by several counts once.

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
    limits : (float, float), optional
        Hours per year and minutes on the worst day a receptor may get; given, the result has the
        ``turbine_hours`` at receptors over either. [h/a, min/d]
    """
    from scipy.spatial import cKDTree

    hub_xyz = np.asarray(hub_xyz, dtype=float).reshape(-1, 3)
    receptor_xyz = np.asarray(receptor_xyz, dtype=float).reshape(-1, 3)
    n, m = len(hub_xyz), len(receptor_xyz)
    radius = np.broadcast_to(np.asarray(rotor_radius_m, dtype=float), (n,))
    reach = np.broadcast_to(np.asarray(reach_m, dtype=float), (n,))
    hours, worst, days = np.zeros(m), np.zeros(m), np.zeros(m, dtype=np.int64)
    if not n or not m or not len(sun.vectors):
        return ShadowResult(hours, worst, days, [np.empty(0, np.int64) for _ in range(m)])
    tree = cKDTree(hub_xyz[:, :2])
    n_steps, n_days = len(sun.vectors), int(sun.day.max()) + 1
    order = np.lexsort((receptor_xyz[:, 1], np.floor(receptor_xyz[:, 0] / 1000.0)))
    cast, shut = [], []
    for lo in range(0, m, chunk):
        idx = order[lo:lo + chunk]
        part = receptor_xyz[idx]
        # the sparse distance matrix leaves out distance 0: the receptors are moved by 1 mm for the search only
        pairs = cKDTree(part[:, :2] + np.array([1e-3, 0.0])).sparse_distance_matrix(
            tree, float(reach.max()) + 0.01, output_type="ndarray")
        i, j = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
        near = np.linalg.norm(part[i] - hub_xyz[j], axis=1) <= reach[j]
        i, j = i[near], j[near]
        v = hub_xyz[j] - part[i]
        if sun.frame is not None:
            k, first, last = _runs(v, radius[j], sun, sun.frame)
        else:   # every hit its own run
            hits = [(np.flatnonzero(j == t)[w], s) for t in np.unique(j)
                    for w, s in [_window_hits(v[j == t], float(radius[t]), sun)]]
            k = np.concatenate([h[0] for h in hits]) if hits else np.empty(0, np.int64)
            first = last = np.concatenate([h[1] for h in hits]) if hits else np.empty(0, np.int64)
        if not len(k):
            continue
        point, turbine = i[k], j[k]
        cast.append(np.unique(idx[point] * n + turbine))
        by_point, start, count = _merge(point, first, last, n_steps)
        hours[idx] = np.bincount(by_point, weights=count, minlength=len(part)) * sun.step_min / 60.0
        per_day = np.bincount(by_point * n_days + sun.day[start], weights=count,
                              minlength=len(part) * n_days).reshape(len(part), n_days)
        worst[idx] = per_day.max(axis=1) * sun.step_min
        days[idx] = np.count_nonzero(per_day, axis=1)
        if limits is not None:   # the runs at receptors over a limit, joined per turbine where they overlap
            over = ((hours[idx] > limits[0]) | (worst[idx] > limits[1]))[point]
            shut.append(_join(turbine[over], first[over], last[over], n_steps))
    pair = np.sort(np.concatenate(cast)) if cast else np.empty(0, np.int64)
    bounds = np.searchsorted(pair // n, np.arange(m + 1))
    turbine = pair % n
    turbine_hours = None
    if limits is not None:
        joined = [np.concatenate(x) for x in zip(*shut)] if shut else [np.empty(0, np.int64)] * 3
        t, _, count = _merge(*joined, n_steps)
        turbine_hours = np.bincount(t, weights=count, minlength=n) * sun.step_min / 60.0
    return ShadowResult(hours, worst, days, [turbine[a:b] for a, b in zip(bounds[:-1], bounds[1:])],
                        turbine_hours)


def _merge(group: np.ndarray, first: np.ndarray, last: np.ndarray, n_steps: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of instants merged per group: (group, first instant, instants no earlier run of the group held).

    The runs come back ordered by group and first instant; the counts of a group add up to its instants.
    """
    o = np.argsort(group * n_steps + first, kind="stable")
    group, first, last = group[o], first[o], last[o]
    start, end = group * n_steps + first, group * n_steps + last
    covered = np.r_[-1, np.maximum.accumulate(end)[:-1]]
    return group, first, np.maximum(end - np.maximum(start - 1, covered), 0).astype(float)


def _join(group: np.ndarray, first: np.ndarray, last: np.ndarray, n_steps: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of instants joined per group where they overlap or touch: (group, first, last) of the joined ones."""
    o = np.argsort(group * n_steps + first, kind="stable")
    group, first, last = group[o], first[o], last[o]
    start, end = group * n_steps + first, group * n_steps + last
    new = np.r_[True, start[1:] > np.maximum.accumulate(end)[:-1] + 1] if len(start) else np.zeros(0, dtype=bool)
    at = np.flatnonzero(new)
    return group[at], first[at], np.maximum.reduceat(end, at) - group[at] * n_steps if len(at) else last[at]


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
