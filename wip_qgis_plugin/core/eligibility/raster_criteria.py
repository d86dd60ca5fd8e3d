"""Raster exclusion criteria: cells of a land-cover (or any role's) raster, with an exact setback.

A raster criterion (``raster: land_cover, values: [1, 2], buffer: 1000 m``) reads the raster of its
role (``EligibilitySettings.rasters``; any CRS, any resolution) on the analysis grid, cell-centre
rule of docs/conventions.md: each pixel takes the value of the source cell that holds its centre
(nearest neighbour for classes; a continuous role such as ``slope`` is read as its role says,
bilinear). The pixels whose value :meth:`~..catalogue.classes.ValueSelection.matches` are the
criterion's features: their square outlines, merged into polygons, form a :class:`.distance.FeatureSet`
like the features of a layer. So

* with ``buffer: 0 m`` a pixel is excluded exactly when its own value matches (its centre lies
  inside its own square);
* with a buffer ``B`` a pixel is excluded when its centre lies within ``B`` of a selected pixel's
  square — the exact Euclidean distance of :mod:`.distance`, never a dilation: 1000 m reach 1000 m
  on the diagonal too.

Nodata is explicit: a pixel whose value is the raster's nodata, or that the raster does not cover,
never matches; the share of such pixels in the area of interest is reported (and a raster that
covers none of it is refused). A criterion whose role has no raster, or whose file is missing, is
*not assessed*, as a criterion whose layer is missing (:class:`.inputs.NotAssessed`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS
from rasterio.features import rasterize, shapes

from ..catalogue.model import Criterion
from ..data.raster_grid import Grid, Window
from ..data.rasters import RasterRef, raster_bounds, role_values, sources_for
from ..errors import InputError
from ..progress import Progress, check_cancelled
from .distance import FeatureSet
from .inputs import NotAssessed
from ..messages import msg

_BLOCK_PX = 2048  # edge of the blocks the raster is read in [pixels]


@dataclass(frozen=True)
class RasterInput:
    """The raster a raster criterion reads.

    Attributes
    ----------
    criterion : Criterion
        The criterion.
    role : str
        The role whose raster is read (``dem`` for a ``slope`` criterion without a slope raster).
    ref : RasterRef
        The raster.
    """

    criterion: Criterion
    role: str
    ref: RasterRef

    def describe(self) -> str:
        """``clc.tif`` or ``dem.tif (slope derived from dem)``."""
        derived = f" ({self.criterion.raster} derived from {self.role})" if self.role != self.criterion.raster else ""
        return self.ref.describe() + derived


@dataclass(frozen=True)
class ClassCells:
    """The pixels a raster criterion selects, as polygons, and what the raster lacks.

    Attributes
    ----------
    geometries : numpy.ndarray of shapely Polygons
        The selected pixels' squares, merged (4-connected), within reach of the area of interest.
    cells : int
        Selected pixels within reach.
    aoi_pixels : int
        Pixels of the area of interest.
    nodata_pixels : int
        Pixels of the area of interest with no value (nodata, or not covered by the raster).
    """

    geometries: np.ndarray
    cells: int
    aoi_pixels: int
    nodata_pixels: int

    @property
    def nodata_pct(self) -> float:
        """Share of the area of interest with no value. [%]"""
        return 100.0 * self.nodata_pixels / self.aoi_pixels if self.aoi_pixels else 0.0


def resolve_raster_inputs(criteria: Sequence[Criterion], rasters: Mapping[str, RasterRef]
                          ) -> tuple[list[RasterInput], list[NotAssessed]]:
    """The raster of every raster criterion among ``criteria``, and the raster criteria that cannot be assessed.

    A role without a raster (nor one it derives from) or a raster file that does not exist makes the
    criterion not assessed. Layer criteria are skipped.
    """
    inputs, absent = [], []
    for c in criteria:
        if not c.raster:
            continue
        try:
            role, ref = sources_for(c.raster, rasters)
        except InputError:
            absent.append(NotAssessed(c.id, c.raster, f"no raster for role '{c.raster}'", "raster"))
            continue
        if not Path(ref.path).exists():
            absent.append(NotAssessed(c.id, c.raster, f"file {ref.path!r} does not exist", "raster"))
        else:
            inputs.append(RasterInput(c, role, ref))
    return inputs, absent


def class_cells(ri: RasterInput, grid: Grid, reach_m: float, aoi_geoms: np.ndarray, crs: CRS,
                progress: Progress) -> ClassCells:
    """Read a raster criterion's raster on the grid grown by ``reach_m`` and polygonise the selected pixels.

    Parameters
    ----------
    ri : RasterInput
        The criterion and its raster.
    grid : Grid
        The analysis grid.
    reach_m : float
        How far around the grid the cells are read (the largest setback and a margin). [m]
    aoi_geoms : numpy.ndarray of shapely geometries
        The areas of interest (for the nodata share).
    crs : pyproj.CRS
        The working CRS.
    progress : Progress
        Cancellation.

    Returns
    -------
    ClassCells

    Raises
    ------
    InputError
        The raster cannot be read, has no CRS, or covers none of the area of interest.
    """
    c = ri.criterion
    assert c.values is not None
    bx0, by0, bx1, by1 = raster_bounds(ri.ref, ri.role, crs)
    margin = int(np.ceil(reach_m / grid.resolution_m))
    whole = Window(-margin, -margin, grid.height + 2 * margin, grid.width + 2 * margin)
    rasters = {ri.role: ri.ref}
    pieces: list[np.ndarray] = []
    cells = aoi_pixels = nodata = 0
    for row in range(whole.row, whole.row + whole.height, _BLOCK_PX):
        for col in range(whole.col, whole.col + whole.width, _BLOCK_PX):
            check_cancelled(progress)
            block = Window(row, col, min(_BLOCK_PX, whole.row + whole.height - row),
                           min(_BLOCK_PX, whole.col + whole.width - col))
            x0, y0, x1, y1 = grid.window_bounds(block)
            shape = (block.height, block.width)
            if x0 >= bx1 or x1 <= bx0 or y0 >= by1 or y1 <= by0:
                values = np.full(shape, np.nan, dtype=np.float32)  # the raster does not reach this block
            else:
                values = role_values(c.raster, rasters, grid, block, crs)
            inside = _aoi_mask(aoi_geoms, grid, block)
            if inside.any():
                aoi_pixels += int(inside.sum())
                nodata += int((inside & ~np.isfinite(values)).sum())
            selected = c.values.matches(values)
            n = int(selected.sum())
            if n:
                cells += n
                polys = [shapely.geometry.shape(g) for g, _ in shapes(
                    selected.astype(np.uint8), mask=selected, connectivity=4,
                    transform=grid.window_transform(block))]
                pieces.append(np.asarray(polys, dtype=object))
    if aoi_pixels and nodata == aoi_pixels:
        raise InputError(
            f"Raster for role '{c.raster}' ({ri.describe()}) has no value anywhere in the area of interest (it is "
            f"nodata there or does not reach it): criterion '{c.id}' cannot be assessed. Use a raster of the area, "
            "or check its CRS and nodata value.")
    geoms = np.concatenate(pieces) if pieces else np.empty(0, dtype=object)
    return ClassCells(geoms, cells, aoi_pixels, nodata)


def raster_feature_sets(raster_inputs: Sequence[RasterInput], grid: Grid, reach_m: float, aoi_geoms: np.ndarray,
                        crs: CRS, progress: Progress) -> list[tuple[FeatureSet, ClassCells]]:
    """The feature set (selected pixels' squares) and the cells of every raster criterion, in order.

    Criteria selecting the same values of the same role share one feature set (key
    :meth:`~..catalogue.model.Criterion.selection_key`), read once. Logs the cells within reach and
    warns of the share of the area of interest without a value.
    """
    out: list[tuple[FeatureSet, ClassCells]] = []
    done: dict[str, tuple[FeatureSet, ClassCells]] = {}
    for ri in raster_inputs:
        c = ri.criterion
        key = c.selection_key()
        if key not in done:
            check_cancelled(progress)
            cells = class_cells(ri, grid, reach_m, aoi_geoms, crs, progress)
            done[key] = (FeatureSet(key, cells.geometries), cells)
            progress.info(msg("raster_criterion_cells", criterion=c.id, n=int(cells.cells), raster=c.raster,
                              values=str(c.values), path=ri.describe()))
            if cells.nodata_pixels:
                progress.warning(msg("raster_nodata_share", raster=c.raster, path=ri.describe(),
                                     pct=cells.nodata_pct, criterion=c.id))
        out.append(done[key])
    return out


def _aoi_mask(aoi_geoms: np.ndarray, grid: Grid, window: Window) -> np.ndarray:
    """Pixels of ``window`` whose centre lies in an area of interest."""
    return rasterize(((g, 1) for g in aoi_geoms), out_shape=(window.height, window.width),
                     transform=grid.window_transform(window), all_touched=False, fill=0, dtype="uint8").astype(bool)
