"""Budgets before allocation: a run's grid is checked against its areas and a cell limit before anything is read.

A typo in the resolution (0.001 m, 100 km) must end in a refusal with the numbers and the resolution that works,
not in a MemoryError after minutes, nor in a confident 0 ha.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from ..errors import InputError

#: Most grid cells a run may have (the areas' bounding box at the resolution): 2 G cells is all of Saxony at 5 m
#: or a Land-size region at 3 m; more is a typo in the resolution, or a batch per municipality (settings.max_cells).
MAX_CELLS = 2_000_000_000
#: Fewest pixels a selected area must cover: below it the area is a few pixels' rounding, not a result.
MIN_PIXELS_PER_AREA = 4


def check_resolution(resolution_m: float) -> None:
    """Refuse a resolution that is not a positive finite number. [m]"""
    if not (isinstance(resolution_m, (int, float)) and math.isfinite(resolution_m) and resolution_m > 0):
        raise InputError(f"The resolution must be a positive number of metres, got {resolution_m!r}; typical: "
                         "10 or 25 m.")


def check_grid_budget(names: list[str], geoms: Any, resolution_m: float, max_cells: int = MAX_CELLS) -> None:
    """Refuse, before anything is allocated, a grid too large for the resolution and a resolution too coarse
    for an area (fewer than :data:`MIN_PIXELS_PER_AREA` pixels: the result would be rounding, e.g. 0 ha).

    Raises
    ------
    InputError
        With the numbers and the resolution that would work.
    """
    xmin, ymin, xmax, ymax = shapely.union_all(geoms).bounds
    cells = ((xmax - xmin) / resolution_m + 1) * ((ymax - ymin) / resolution_m + 1)
    if cells > max_cells:
        km2 = (xmax - xmin) * (ymax - ymin) / 1e6
        finest = math.sqrt((xmax - xmin) * (ymax - ymin) / max_cells)
        raise InputError(
            f"A resolution of {resolution_m:g} m over {km2:,.0f} km² (the selected areas' extent) is {cells:,.3g} "
            f"cells, more than the {max_cells:,.3g} a run may have (~{cells * 9 / 2**30:,.0f} GiB of outputs): use "
            f"{math.ceil(finest):g} m or coarser, or fewer municipalities at once.")
    areas = shapely.area(np.asarray(geoms, dtype=object))
    small = [(n, a) for n, a in zip(names, areas) if a < MIN_PIXELS_PER_AREA * resolution_m ** 2]
    if small:
        listed = ", ".join(f"{n} ({a / 1e4:,.4g} ha)" for n, a in small[:5]) + (" …" if len(small) > 5 else "")
        finest = math.sqrt(min(a for _, a in small) / MIN_PIXELS_PER_AREA) if min(a for _, a in small) > 0 else 0.0
        raise InputError(
            f"The resolution of {resolution_m:g} m is larger than the area of {listed}: fewer than "
            f"{MIN_PIXELS_PER_AREA} pixels, the result would be rounding. Use a resolution of at most {finest:.3g} m, "
            "or leave such areas out.")
