"""Horizon shading from the elevation model (optional step of the solar potential).

For each eligible pixel, :func:`horizon_angles` finds the elevation angle of the terrain horizon
in ``sectors`` directions: the steepest rise ``(z(p + d·u) − z(p)) / d`` over sample distances
``d`` (geometric steps from one pixel to ``max_distance_m``). While the sun stands below the
horizon of its sector, the beam is blocked. :func:`horizon_loss` subtracts the yield the beam
would have brought then, from the per-orientation table of
:func:`.solar_model.specific_yields` (``horizon=HorizonBands(...)``): the loss is linear in the
blocked beam (the inverter's clipping and the cell temperature are taken as unchanged) and the
diffuse light from below the horizon is not removed (small: the sky near the horizon).
"""
from __future__ import annotations

import math

import numpy as np

#: Sample distances per direction (geometric steps).
N_STEPS = 16


def sample_offsets(resolution_m: float, max_distance_m: float, sectors: int,
                   n_steps: int = N_STEPS) -> list[list[tuple[int, int, float]]]:
    """Per sector, the pixel offsets (row, column) and their true distances [m] to sample."""
    distances = np.geomspace(resolution_m, max(max_distance_m, resolution_m), n_steps)
    out = []
    for k in range(sectors):
        azimuth = math.radians(k * 360.0 / sectors)
        seen: dict[tuple[int, int], float] = {}
        for d in distances:
            dr = int(round(-d * math.cos(azimuth) / resolution_m))   # rows run north to south
            dc = int(round(d * math.sin(azimuth) / resolution_m))
            if (dr, dc) != (0, 0) and (dr, dc) not in seen:
                seen[(dr, dc)] = math.hypot(dr, dc) * resolution_m
        out.append([(dr, dc, dist) for (dr, dc), dist in seen.items()])
    return out


def horizon_angles(dem: np.ndarray, rows: np.ndarray, cols: np.ndarray, resolution_m: float,
                   sectors: int = 16, max_distance_m: float = 2000.0) -> np.ndarray:
    """Horizon elevation angle of pixels of a DEM array, per direction.

    Parameters
    ----------
    dem : numpy.ndarray
        Elevations [m], rows north to south; NaN where unknown (ignored).
    rows, cols : numpy.ndarray
        Pixels to evaluate (indices into ``dem``).
    resolution_m : float
        Pixel size [m].
    sectors : int
        Number of directions (sector k looks towards ``k · 360 / sectors`` degrees from north).
    max_distance_m : float
        How far to look [m].

    Returns
    -------
    numpy.ndarray
        ``(len(rows), sectors)`` float32 horizon angles [°], ≥ 0.
    """
    rows = np.asarray(rows, np.int64)
    cols = np.asarray(cols, np.int64)
    height, width = dem.shape
    z0 = dem[rows, cols].astype(np.float64)
    out = np.zeros((rows.size, sectors), np.float32)
    for k, offsets in enumerate(sample_offsets(resolution_m, max_distance_m, sectors)):
        best = np.zeros(rows.size)
        for dr, dc, dist in offsets:
            r, c = rows + dr, cols + dc
            inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            z = np.full(rows.size, np.nan)
            z[inside] = dem[r[inside], c[inside]]
            rise = (z - z0) / dist
            best = np.fmax(best, np.nan_to_num(rise, nan=0.0))
        out[:, k] = np.degrees(np.arctan(best))
    return out


def horizon_loss(table: np.ndarray, keys: np.ndarray, angles: np.ndarray, band_deg: float) -> np.ndarray:
    """Yield lost behind the horizon [kWh/kWp/a] per pixel.

    Parameters
    ----------
    table : numpy.ndarray
        ``(n_keys, sectors, bands)`` beam yield per orientation key and sun cell
        (from :func:`.solar_model.specific_yields` with ``horizon``).
    keys : numpy.ndarray
        Orientation key per pixel (row of ``table``).
    angles : numpy.ndarray
        ``(n, sectors)`` horizon angles [°] per pixel.
    band_deg : float
        Width of the elevation bands of ``table`` [°].

    Returns
    -------
    numpy.ndarray
        Lost yield per pixel; the blocked part of the band the horizon ends in counts pro rata.
    """
    n_keys, sectors, bands = table.shape
    cumulative = np.concatenate([np.zeros((n_keys, sectors, 1)), np.cumsum(table, axis=2)], axis=2)
    padded = np.concatenate([table, np.zeros((n_keys, sectors, 1))], axis=2)
    position = np.asarray(angles, float) / band_deg
    band = np.clip(np.floor(position).astype(np.int64), 0, bands)
    fraction = np.where(band < bands, position - band, 0.0)
    k = np.arange(sectors)[None, :]
    key = np.asarray(keys, np.int64)[:, None]
    lost = cumulative[key, k, band] + fraction * padded[key, k, band]
    return lost.sum(axis=1)
