"""Wake losses of a turbine layout: the Jensen model and windpowerlib's farm efficiency curves.

:func:`jensen_wake_loss` (N. O. Jensen 1983, Katic et al. 1986): behind a rotor the speed deficit
is ``(1 − √(1 − Ct)) · (R / (R + k·x))²`` on a wake widening linearly with the decay constant
``k``, weighted by the part of the downstream rotor disc inside the wake
(:func:`circle_overlap_fraction`); deficits of several wakes add in squares. Per direction sector
(:func:`direction_frequencies` of the weather's hourly directions) the mean hub speed of each
turbine is reduced by its deficit and its energy read from the run's :class:`~.physics.AepTable`:
the wake loss is ``1 − Σ_s f_s · E(v · (1 − δ_s)) / E(v)``. :func:`efficiency_curve_wake_loss`
applies a speed-only farm efficiency (dena-Netzstudie II, Knorr 2016) instead.
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


def jensen_deficits(xy: np.ndarray, wind_from_deg: float, rotor_radius_m: float, thrust_coefficient: float = 0.8,
                    wake_decay: float = 0.075, pairs: np.ndarray | None = None) -> np.ndarray:
    """Speed deficit of each turbine for wind from one direction (Jensen, squares summed). [-]"""
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
    deficit = (1 - math.sqrt(1 - thrust_coefficient)) * (r / rw) ** 2
    deficit = np.where(behind, deficit * circle_overlap_fraction(lateral, rw, r), 0.0)
    return np.sqrt(np.bincount(j, weights=deficit ** 2, minlength=n))


def direction_frequencies(speeds_m_s: Any, directions_deg: Any, sectors: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Sector centres [°] and the share of hours with wind from each sector [-] (calm hours left out)."""
    v = np.asarray(speeds_m_s, dtype=float)
    d = np.asarray(directions_deg, dtype=float)
    ok = np.isfinite(d) & np.isfinite(v) & (v > 0)
    width = 360.0 / sectors
    idx = np.floor(((d[ok] + width / 2) % 360.0) / width).astype(int)
    counts = np.bincount(idx, minlength=sectors).astype(float)
    if counts.sum() == 0:
        raise InputError("The weather has no wind directions; the wake loss needs them.")
    return np.arange(sectors) * width, counts / counts.sum()


def jensen_wake_loss(xy: np.ndarray, turbine: WindTurbine, mean_speed_m_s: np.ndarray, k: np.ndarray,
                     density_kg_m3: np.ndarray, table: AepTable, sector_deg: np.ndarray, sector_freq: np.ndarray,
                     thrust_coefficient: float = 0.8, wake_decay: float = 0.075) -> np.ndarray:
    """Wake loss of each turbine of a layout, over the direction sectors. [-] (0 … 1)

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
    sector_deg, sector_freq : numpy.ndarray
        Sector centres (wind from) [°] and their frequencies [-].
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    free = table.lookup(mean_speed_m_s, k, density_kg_m3)
    if len(xy) < 2:
        return np.zeros(len(xy))
    pairs = np.array(sorted(cKDTree(xy).query_pairs(WAKE_REACH_D * turbine.rotor_diameter_m)), dtype=int).reshape(-1, 2)
    waked = np.zeros(len(xy))
    for deg, freq in zip(sector_deg, sector_freq):
        if freq == 0:
            continue
        deficit = jensen_deficits(xy, float(deg), turbine.rotor_radius_m, thrust_coefficient, wake_decay, pairs)
        waked += freq * table.lookup(mean_speed_m_s * (1 - deficit), k, density_kg_m3)
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
