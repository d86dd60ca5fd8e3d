"""Wake losses of a turbine layout: the Jensen model and windpowerlib's farm efficiency curves.

:func:`jensen_wake_loss` (N. O. Jensen 1983, Katic et al. 1986): behind a rotor the speed deficit
is ``(1 − √(1 − Ct)) · (R / (R + k·x))²`` on a wake widening linearly with the decay constant
``k``, weighted by the part of the downstream rotor disc inside the wake
(:func:`circle_overlap_fraction`); deficits of several wakes add in squares. The directions come from
:func:`wind_rose`: the weather's hourly directions in sectors, each sector spread evenly over
sub-directions of at most 2° (evaluated at the sector centres alone, the wakes of a regular layout fall
on its lattice rows: +1.9 pp of wake loss against 1° directions), with the sector's mean speed relative to
the mean of all hours (a per-sector Weibull scale). Per direction the hub speed of each turbine is
``v · r_s · (1 − δ)``, its energy read from the run's :class:`~.physics.AepTable`; the wake loss is
``1 − Σ f · E(v r_s (1 − δ)) / Σ f · E(v r_s)``. Ct follows the turbine's thrust curve where it has one,
else :func:`generic_thrust_coefficient`. :func:`efficiency_curve_wake_loss` applies a speed-only farm
efficiency (dena-Netzstudie II, Knorr 2016) instead.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from ..errors import InputError
from .physics import AepTable
from .turbines import WindTurbine

#: Distance beyond which a turbine's wake is ignored. [rotor diameters]
WAKE_REACH_D = 30.0


def circle_overlap_fraction(distance_m: Any, wake_radius_m: Any, rotor_radius_m: float) -> np.ndarray:
    """Share of a rotor disc inside a wake circle (centres ``distance_m`` apart). [-]"""
    d = np.asarray(distance_m, dtype=float)
    rw = np.asarray(wake_radius_m, dtype=float)
    r = float(rotor_radius_m)
    out = np.zeros(np.broadcast(d, rw).shape)
    full = d <= rw - r
    out[full] = 1.0
    part = (d < rw + r) & ~full
    if part.any():
        dd, ww = np.broadcast_to(d, out.shape)[part], np.broadcast_to(rw, out.shape)[part]
        a1 = r ** 2 * np.arccos(np.clip((dd ** 2 + r ** 2 - ww ** 2) / (2 * dd * r), -1, 1))
        a2 = ww ** 2 * np.arccos(np.clip((dd ** 2 + ww ** 2 - r ** 2) / (2 * dd * ww), -1, 1))
        a3 = 0.5 * np.sqrt(np.clip((-dd + r + ww) * (dd + r - ww) * (dd - r + ww) * (dd + r + ww), 0, None))
        out[part] = (a1 + a2 - a3) / (math.pi * r ** 2)
    return out


#: Ct of a modern pitch-regulated rotor below rated wind speed, and the shape above it (the rated thrust held:
#: Ct ∝ 1/v²). Modelling assumption after published reference turbines (IEA 3.4 MW RWT, NREL 5 MW: Ct 0.75–0.85
#: between cut-in and rated speed, falling steeply above); used where the turbine has no thrust curve. [-]
GENERIC_CT_BELOW_RATED = 0.8
#: Share of the rated power at which a power curve counts as having reached rated speed. [-]
RATED_SHARE = 0.99


def rated_speed(turbine: WindTurbine) -> float:
    """The first speed of the power curve at which it reaches :data:`RATED_SHARE` of the rated power. [m/s]"""
    v = np.asarray(turbine.wind_speeds_m_s, dtype=float)
    p = np.asarray(turbine.power_kw, dtype=float)
    top = max(float(p.max()), turbine.nominal_power_kw)
    reached = np.flatnonzero(p >= RATED_SHARE * top)
    return float(v[reached[0]]) if reached.size else float(v[-1])


def generic_thrust_coefficient(speed_m_s: Any, rated_speed_m_s: float) -> np.ndarray:
    """Ct of a pitch-regulated turbine without a thrust curve: :data:`GENERIC_CT_BELOW_RATED` up to rated speed,
    then ``Ct_r · (v_r / v)²`` (constant rated thrust). [-]"""
    v = np.maximum(np.asarray(speed_m_s, dtype=float), 0.1)
    return np.where(v <= rated_speed_m_s, GENERIC_CT_BELOW_RATED,
                    GENERIC_CT_BELOW_RATED * (rated_speed_m_s / v) ** 2)


def thrust_coefficients(turbine: WindTurbine, speed_m_s: Any, constant: float | None = None) -> np.ndarray:
    """Ct at the given free-stream speeds: ``constant`` if given, else the turbine's thrust curve, else the generic
    curve (:func:`generic_thrust_coefficient`). [-]"""
    speed = np.asarray(speed_m_s, dtype=float)
    if constant is not None:
        return np.full(speed.shape, float(constant))
    curve = getattr(turbine, "thrust_coefficients", ())
    if curve:
        return np.interp(speed, turbine.wind_speeds_m_s, curve, left=0.0, right=float(curve[-1]))
    return generic_thrust_coefficient(speed, rated_speed(turbine))


def jensen_deficits(xy: np.ndarray, wind_from_deg: float, rotor_radius_m: float, thrust_coefficient: Any = 0.8,
                    wake_decay: float = 0.075, pairs: np.ndarray | None = None) -> np.ndarray:
    """Speed deficit of each turbine for wind from one direction (Jensen, squares summed). [-]

    ``thrust_coefficient`` is one Ct for every rotor or one per turbine (the wake of turbine i has Ct[i]).
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    if n < 2:
        return np.zeros(n)
    if pairs is None:
        pairs = np.array(sorted(cKDTree(xy).query_pairs(WAKE_REACH_D * 2 * rotor_radius_m)), dtype=int).reshape(-1, 2)
    if not len(pairs):
        return np.zeros(n)
    t = math.radians(wind_from_deg)
    down = -np.array([math.sin(t), math.cos(t)])  # the wind blows towards this
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    d = xy[j] - xy[i]
    x = d @ down
    lateral = np.abs(d[:, 0] * down[1] - d[:, 1] * down[0])
    behind = x > 0
    r = rotor_radius_m
    rw = r + wake_decay * np.where(behind, x, 0.0)
    ct = np.clip(np.broadcast_to(np.asarray(thrust_coefficient, dtype=float), (n,))[i], 0.0, 1.0)
    deficit = (1 - np.sqrt(1 - ct)) * (r / rw) ** 2
    deficit = np.where(behind, deficit * circle_overlap_fraction(lateral, rw, r), 0.0)
    return np.sqrt(np.bincount(j, weights=deficit ** 2, minlength=n))


def direction_frequencies(speeds_m_s: Any, directions_deg: Any, sectors: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Sector centres [°] and the share of hours with wind from each sector [-] (calm hours left out)."""
    centres, freq, _ = _sectors(speeds_m_s, directions_deg, sectors)
    return centres, freq


def _sectors(speeds_m_s: Any, directions_deg: Any, sectors: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = np.asarray(speeds_m_s, dtype=float)
    d = np.asarray(directions_deg, dtype=float)
    ok = np.isfinite(d) & np.isfinite(v) & (v > 0)
    width = 360.0 / sectors
    idx = np.floor(((d[ok] + width / 2) % 360.0) / width).astype(int)
    counts = np.bincount(idx, minlength=sectors).astype(float)
    if counts.sum() == 0:
        raise InputError("The weather has no wind directions; the wake loss needs them.")
    sums = np.bincount(idx, weights=v[ok], minlength=sectors)
    mean = v[ok].mean()
    ratio = np.where(counts > 0, sums / np.where(counts > 0, counts, 1.0) / mean, 1.0)
    return np.arange(sectors) * width, counts / counts.sum(), ratio


def wind_rose(speeds_m_s: Any, directions_deg: Any, sectors: int = 12,
              step_deg: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The directions a wake loss is evaluated at: each sector spread evenly over sub-directions.

    Parameters
    ----------
    speeds_m_s, directions_deg : array-like
        Hourly wind speed [m/s] and direction (from) [°] of the weather; calm and NaN hours left out.
    sectors : int
        Sectors of the rose (frequencies and mean speeds are counted per sector). [-]
    step_deg : float
        Largest spacing of the sub-directions within a sector. [°]

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Directions [°], their frequencies (summing to 1) [-] and the mean speed of their sector relative to the
        mean of all hours [-] (the per-sector Weibull scale with the shape kept).
    """
    centres, freq, ratio = _sectors(speeds_m_s, directions_deg, sectors)
    width = 360.0 / sectors
    n = max(1, math.ceil(width / step_deg - 1e-9))
    offsets = (np.arange(n) + 0.5) * width / n - width / 2
    directions = (centres[:, None] + offsets[None, :]) % 360.0
    return (directions.ravel(), np.repeat(freq / n, n), np.repeat(ratio, n))


def jensen_wake_loss(xy: np.ndarray, turbine: WindTurbine, mean_speed_m_s: np.ndarray, k: np.ndarray,
                     density_kg_m3: np.ndarray, table: AepTable, directions_deg: np.ndarray, frequencies: np.ndarray,
                     thrust_coefficient: float | None = None, wake_decay: float = 0.075,
                     speed_ratios: np.ndarray | None = None) -> np.ndarray:
    """Wake loss of each turbine of a layout, over the directions of the rose. [-] (0 … 1)

    Parameters
    ----------
    xy : numpy.ndarray
        Tower positions ``(n, 2)``. [m]
    turbine : WindTurbine
        The turbine.
    mean_speed_m_s, k, density_kg_m3 : numpy.ndarray
        Free-stream mean hub speed [m/s], Weibull k [-] and air density [kg/m³] per turbine.
    table : AepTable
        Energy table of the turbine.
    directions_deg, frequencies : numpy.ndarray
        Directions (wind from) [°] and their frequencies [-] (:func:`wind_rose`).
    thrust_coefficient : float, optional
        One Ct for all speeds; default: the turbine's thrust curve or :func:`generic_thrust_coefficient` at the
        free mean speed of each rotor in each direction. [-]
    wake_decay : float
        Decay constant k of the wake (0.075 onshore). [-]
    speed_ratios : numpy.ndarray, optional
        Mean speed of each direction relative to the mean of all hours (:func:`wind_rose`); default 1. [-]
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        return np.zeros(len(xy))
    ratios = np.ones(len(directions_deg)) if speed_ratios is None else np.asarray(speed_ratios, dtype=float)
    pairs = np.array(sorted(cKDTree(xy).query_pairs(WAKE_REACH_D * turbine.rotor_diameter_m)), dtype=int).reshape(-1, 2)
    free = np.zeros(len(xy))
    waked = np.zeros(len(xy))
    for deg, freq, ratio in zip(directions_deg, frequencies, ratios):
        if freq == 0:
            continue
        speed = mean_speed_m_s * ratio
        ct = thrust_coefficients(turbine, speed, thrust_coefficient)
        deficit = jensen_deficits(xy, float(deg), turbine.rotor_radius_m, ct, wake_decay, pairs)
        free += freq * table.lookup(speed, k, density_kg_m3)
        waked += freq * table.lookup(speed * (1 - deficit), k, density_kg_m3)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(free > 0, 1.0 - waked / free, 0.0)


def efficiency_curve_wake_loss(curve_name: str, turbine: WindTurbine, mean_speed_m_s: np.ndarray, k: np.ndarray,
                               density_kg_m3: np.ndarray, table: AepTable, table_builder: Callable[..., AepTable],
                               ) -> np.ndarray:
    """Wake loss from a wind-farm efficiency curve of windpowerlib (dena-Netzstudie II, Knorr 2016). [-]

    The curve reduces every wind speed by a farm efficiency that depends on the speed only, not
    on the layout (a farm-average figure, as windpowerlib uses it for aggregated farms); the
    reduced power curve is tabulated like the free one and the loss read per turbine.
    """
    from windpowerlib.wake_losses import reduce_wind_speed

    speeds = np.arange(0.0, 40.0001, 0.05)
    reduced = np.asarray(reduce_wind_speed(speeds, wind_efficiency_curve_name=curve_name), dtype=float)
    waked_turbine = replace(turbine, wind_speeds_m_s=tuple(speeds.tolist()),
                            power_kw=tuple(turbine.power_curve_kw(reduced).tolist()))
    free = table.lookup(mean_speed_m_s, k, density_kg_m3)
    waked = table_builder(waked_turbine).lookup(mean_speed_m_s, k, density_kg_m3)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(free > 0, np.clip(1.0 - waked / free, 0.0, 1.0), 0.0)


#: Wake models by id: ``jensen`` (the layout's own geometry) or a windpowerlib efficiency curve.
WAKE_MODELS = ("jensen", "dena_mean", "knorr_mean")
