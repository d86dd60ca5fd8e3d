"""Exact Euclidean setbacks on a raster: the kernel of the eligibility engine.

A pixel is *within* a setback ``B`` of a feature set when the Euclidean distance
from the pixel centre to the nearest feature is less than ``B``; for ``B = 0`` a
pixel is within when its centre lies inside a polygon.

Method (per tile, on the tile grown by the largest setback):

1. burn every pixel the features touch (``all_touched``), so each burned pixel
   holds a piece of a feature and each feature lies in burned pixels;
2. a Euclidean distance transform gives, for every pixel centre, the distance
   ``d_edt`` to the nearest burned pixel centre. By (1), the true distance ``d``
   satisfies ``|d - d_edt| <= r·√2/2`` (``r`` = resolution);
3. pixels with ``d_edt < B - r·√2/2`` are within, pixels with
   ``d_edt >= B + r·√2/2`` are not; for the thin band in between the exact
   distance to the geometries is computed with shapely (STRtree nearest).

The result equals "pixel centre within ``B`` of the exact geometry" up to
floating-point rounding: no diamond or square buffers, no widening of lines by
touched cells, and a classification error of at most half a pixel at the edge
of every setback (the pixel-centre sampling itself).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import edt
import numpy as np
import shapely
from rasterio.features import rasterize

from .grid import Grid, Window

_HALF_DIAGONAL = math.sqrt(2.0) / 2.0
_SAFETY = 1e-6  # relative slack on the band edges against float32 rounding


@dataclass
class FeatureSet:
    """Geometries of one layer role after filtering, in the working CRS.

    Parameters
    ----------
    key : str
        Identifier (role and filter), shared by criteria reading the same features.
    geometries : numpy.ndarray of shapely geometries
        The features.
    """

    key: str
    geometries: np.ndarray
    tree: shapely.STRtree = field(init=False, repr=False)
    polygonal: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.geometries = np.asarray(self.geometries, dtype=object)
        self.tree = shapely.STRtree(self.geometries)
        gtype = shapely.get_type_id(self.geometries)
        self.polygonal = np.isin(gtype, (3, 6)) | (
            (gtype == 7) & (shapely.area(self.geometries) > 0)
        )

    def __len__(self) -> int:
        return len(self.geometries)

    def candidates(self, bounds: tuple[float, float, float, float]) -> np.ndarray:
        """Indices of features whose envelope meets ``bounds``."""
        return self.tree.query(shapely.box(*bounds))


def margin_pixels(max_buffer_m: float, resolution_m: float) -> int:
    """Pixels a tile must grow by so that every feature within the setback is seen."""
    return int(math.ceil(max_buffer_m / resolution_m)) + 2


def within_masks(
    features: FeatureSet, grid: Grid, window: Window, buffers_m: tuple[float, ...]
) -> list[np.ndarray]:
    """Boolean masks of the pixels of ``window`` within each setback of ``features``.

    Parameters
    ----------
    features : FeatureSet
        Features to measure from.
    grid : Grid
        The analysis grid.
    window : Window
        The tile (on ``grid``) to compute.
    buffers_m : tuple of float
        Setbacks. [m]

    Returns
    -------
    list of numpy.ndarray
        One ``bool`` array of the window's shape per setback.
    """
    shape = (window.height, window.width)
    out = [np.zeros(shape, dtype=bool) for _ in buffers_m]
    if len(features) == 0:
        return out
    r = grid.resolution_m
    positive = [b for b in buffers_m if b > 0]
    margin = margin_pixels(max(positive), r) if positive else 0
    grown = window.grow(margin)
    idx = features.candidates(grid.window_bounds(grown))
    if idx.size == 0:
        return out
    geoms = features.geometries[idx]
    if any(b <= 0 for b in buffers_m):
        inside = _inside_polygons(geoms[features.polygonal[idx]], grid, window)
        for mask, b in zip(out, buffers_m):
            if b <= 0:
                mask |= inside
    if not positive:
        return out
    burned = rasterize(
        ((g, 1) for g in geoms), out_shape=(grown.height, grown.width),
        transform=grid.window_transform(grown), all_touched=True, fill=0, dtype="uint8",
    )
    if not burned.any():
        return out
    d_all = edt.edt(burned == 0, anisotropy=(r, r), black_border=False, parallel=1)
    d = d_all[margin:margin + window.height, margin:margin + window.width]
    tol = _HALF_DIAGONAL * r
    band = np.zeros(shape, dtype=bool)
    for mask, b in zip(out, buffers_m):
        if b > 0:
            lo, hi = (b - tol) * (1 - _SAFETY), (b + tol) * (1 + _SAFETY)
            mask |= d < lo
            band |= (d >= lo) & (d < hi)
    if band.any():
        rows, cols = np.nonzero(band)
        exact = _exact_distance(features, grid, window, rows, cols, max(positive) + tol)
        for mask, b in zip(out, buffers_m):
            if b > 0:
                sel = exact < b
                mask[rows[sel], cols[sel]] = True
    return out


def _inside_polygons(geoms: np.ndarray, grid: Grid, window: Window) -> np.ndarray:
    """Pixels of ``window`` whose centre lies inside any of the polygons."""
    shape = (window.height, window.width)
    if geoms.size == 0:
        return np.zeros(shape, dtype=bool)
    burned = rasterize(
        ((g, 1) for g in geoms), out_shape=shape, transform=grid.window_transform(window),
        all_touched=False, fill=0, dtype="uint8",
    )
    return burned.astype(bool)


def _exact_distance(
    features: FeatureSet, grid: Grid, window: Window, rows: np.ndarray, cols: np.ndarray,
    max_distance: float,
) -> np.ndarray:
    """Exact distance from the centres of the given pixels to the nearest feature. [m]"""
    r = grid.resolution_m
    x0, _, _, y1 = grid.window_bounds(window)
    xs = x0 + (cols + 0.5) * r
    ys = y1 - (rows + 0.5) * r
    points = shapely.points(xs, ys)
    found, dist = features.tree.query_nearest(points, max_distance=max_distance, return_distance=True)
    out = np.full(points.shape[0], np.inf)
    # several equidistant features may be returned per point: keep the minimum
    np.minimum.at(out, found[0], dist)
    return out
