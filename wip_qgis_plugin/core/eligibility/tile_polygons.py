"""The eligible-area polygons of a run: tile pieces merged across tile seams, attributed and filtered by area."""
from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ..catalogue.loader import Catalogue
from ..data.raster_grid import Grid, Window


def polygons_frame(
    polygons: list[tuple[Any, int]], tiles: list[Window], grid: Grid, names: list[str],
    ids: list[str], min_area_ha: float, crs: Any, catalogue: Catalogue,
) -> gpd.GeoDataFrame:
    """Merge tile pieces across tile seams, attach attributes and apply the area filter."""
    cols = ["area_id", "name", "ags", "area_ha", "technology", "catalogue"]
    if not polygons:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)
    geoms = np.asarray([p for p, _ in polygons], dtype=object)
    labels = np.asarray([v for _, v in polygons])
    seams_x = sorted({grid.left + w.col * grid.resolution_m for w in tiles if w.col > 0})
    seams_y = sorted({grid.top - w.row * grid.resolution_m for w in tiles if w.row > 0})
    b = shapely.bounds(geoms)
    eps = grid.resolution_m * 1e-3
    on_seam = np.zeros(len(geoms), dtype=bool)
    for x in seams_x:
        on_seam |= (np.abs(b[:, 0] - x) < eps) | (np.abs(b[:, 2] - x) < eps)
    for y in seams_y:
        on_seam |= (np.abs(b[:, 1] - y) < eps) | (np.abs(b[:, 3] - y) < eps)
    keep_geoms = list(geoms[~on_seam])
    keep_labels = list(labels[~on_seam])
    if on_seam.any():
        sg, sl = geoms[on_seam], labels[on_seam]
        for lab in np.unique(sl):
            merged = shapely.union_all(sg[sl == lab], grid_size=grid.resolution_m * 1e-3)
            parts = shapely.get_parts(merged)
            keep_geoms.extend(parts)
            keep_labels.extend([lab] * len(parts))
    garr = np.asarray(keep_geoms, dtype=object)
    larr = np.asarray(keep_labels, dtype=int)
    area_ha = shapely.area(garr) / 10_000.0
    sel = area_ha >= min_area_ha
    garr, larr, area_ha = garr[sel], larr[sel], area_ha[sel]
    order = np.lexsort((-area_ha, larr))
    garr, larr, area_ha = garr[order], larr[order], area_ha[order]
    return gpd.GeoDataFrame({
        "area_id": np.arange(1, len(garr) + 1),
        "name": [names[i - 1] for i in larr],
        "ags": [ids[i - 1] for i in larr],
        "area_ha": np.round(area_ha, 4),
        "technology": catalogue.technology,
        "catalogue": f"{catalogue.id} {catalogue.version}",
    }, geometry=list(garr), crs=crs)
