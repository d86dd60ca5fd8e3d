"""The analysis grid: aligned to the working CRS, cut into tiles.

Conventions (see docs/conventions.md): the grid's origin is a multiple of the
resolution in the working CRS, so runs at the same resolution share pixels; a
pixel stands for its centre point (a pixel is excluded when its centre lies
within the setback); rows run north to south.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from affine import Affine


@dataclass(frozen=True)
class Window:
    """A rectangle of pixels: first row and column, height and width [pixels]."""

    row: int
    col: int
    height: int
    width: int

    def grow(self, margin: int) -> Window:
        """The window grown by ``margin`` pixels on every side (may reach off the grid)."""
        return Window(self.row - margin, self.col - margin, self.height + 2 * margin, self.width + 2 * margin)


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid.

    Parameters
    ----------
    left, top : float
        Coordinates of the upper-left corner. [m]
    resolution_m : float
        Pixel size. [m]
    width, height : int
        Size in pixels.
    """

    left: float
    top: float
    resolution_m: float
    width: int
    height: int

    @classmethod
    def aligned(cls, bounds: tuple[float, float, float, float], resolution_m: float) -> Grid:
        """Smallest grid aligned to multiples of ``resolution_m`` covering ``bounds``."""
        if not resolution_m > 0:
            raise ValueError(f"resolution must be positive, got {resolution_m!r} m")
        xmin, ymin, xmax, ymax = bounds
        r = resolution_m
        left = math.floor(xmin / r) * r
        right = math.ceil(xmax / r) * r
        bottom = math.floor(ymin / r) * r
        top = math.ceil(ymax / r) * r
        return cls(left, top, r, max(1, round((right - left) / r)), max(1, round((top - bottom) / r)))

    @property
    def transform(self) -> Affine:
        """Affine pixel → map transform of the whole grid."""
        return Affine(self.resolution_m, 0.0, self.left, 0.0, -self.resolution_m, self.top)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the grid. [m]"""
        r = self.resolution_m
        return (self.left, self.top - self.height * r, self.left + self.width * r, self.top)

    @property
    def pixel_area_ha(self) -> float:
        """Area of one pixel. [ha]"""
        return self.resolution_m ** 2 / 10_000.0

    def window_transform(self, w: Window) -> Affine:
        """Transform of a window (which may reach off the grid)."""
        r = self.resolution_m
        return Affine(r, 0.0, self.left + w.col * r, 0.0, -r, self.top - w.row * r)

    def window_bounds(self, w: Window) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of a window. [m]"""
        r = self.resolution_m
        x0 = self.left + w.col * r
        y1 = self.top - w.row * r
        return (x0, y1 - w.height * r, x0 + w.width * r, y1)

    def tiles(self, size: int) -> Iterator[Window]:
        """Windows of at most ``size`` × ``size`` pixels covering the grid, row by row."""
        for row in range(0, self.height, size):
            for col in range(0, self.width, size):
                yield Window(row, col, min(size, self.height - row), min(size, self.width - col))
