"""The setback kernel against exact shapely distances, pixel by pixel, on every code path."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from wip_qgis_plugin.core.eligibility.distance import FeatureSet, burn_shapes, within_masks
from wip_qgis_plugin.core.data.raster_grid import Grid, Window


def pixel_centres(grid: Grid, window: Window) -> np.ndarray:
    x0, _, _, y1 = grid.window_bounds(window)
    cols, rows = np.meshgrid(np.arange(window.width), np.arange(window.height))
    return shapely.points(x0 + (cols + 0.5) * grid.resolution_m, y1 - (rows + 0.5) * grid.resolution_m)


@pytest.fixture(scope="module")
def features() -> FeatureSet:
    rng = np.random.default_rng(11)
    houses = [shapely.box(x, y, x + rng.uniform(6, 25), y + rng.uniform(6, 25))
              for x, y in rng.uniform(200, 2800, size=(60, 2))]
    road = shapely.LineString([(0, 130), (1500, 1700), (3000, 1900)])
    lake = shapely.Point(2200, 700).buffer(180, quad_segs=40)
    tower = shapely.Point(801.3, 2444.7)
    return FeatureSet("mixed", np.array(houses + [road, lake, tower], dtype=object))


_ORACLE: dict = {}


def oracle(features: FeatureSet, grid: Grid, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Exact distance of every pixel centre to the nearest feature, and 'inside a polygon'."""
    key = grid.resolution_m
    if key not in _ORACLE:
        centres = pixel_centres(grid, window)
        tree = shapely.STRtree(features.geometries)
        _, dist = tree.query_nearest(centres.ravel(), return_distance=True, all_matches=False)
        xy = shapely.get_coordinates(centres.ravel())
        inside = np.zeros(centres.size, bool)
        for g in features.geometries[features.polygonal]:
            inside |= shapely.contains_xy(g, xy[:, 0], xy[:, 1])
        _ORACLE[key] = (dist.reshape(centres.shape), inside.reshape(centres.shape))
    return _ORACLE[key]


@pytest.mark.parametrize("res", [10.0, 25.0])
@pytest.mark.parametrize("buffers", [(250.0,), (0.0, 7.0, 300.0), (40.0, 1000.0)])
def test_masks_equal_the_exact_distance_predicate(features, res, buffers):
    grid = Grid.aligned((0.0, 0.0, 3000.0, 3000.0), res)
    window = Window(0, 0, grid.height, grid.width)
    exact_d, inside = oracle(features, grid, window)
    for coarse in (1, 2, 4, None):
        masks = within_masks(features, grid, window, buffers, coarse=coarse)
        for mask, b in zip(masks, buffers):
            expected = inside if b == 0 else exact_d < b
            assert np.array_equal(mask, expected), (res, b, coarse, int((mask != expected).sum()))


def test_tiles_agree_with_one_window(features):
    grid = Grid.aligned((0.0, 0.0, 3000.0, 3000.0), 10.0)
    whole = within_masks(features, grid, Window(0, 0, grid.height, grid.width), (500.0,))[0]
    pieced = np.zeros_like(whole)
    for w in grid.tiles(64):
        pieced[w.row:w.row + w.height, w.col:w.col + w.width] = within_masks(features, grid, w, (500.0,))[0]
    assert np.array_equal(whole, pieced)


def test_burn_shapes_packed_and_single_cover_the_same_outlines(features):
    from rasterio.features import rasterize
    grid = Grid.aligned((0.0, 0.0, 3000.0, 3000.0), 10.0)
    a = rasterize(burn_shapes(features.geometries), out_shape=(grid.height, grid.width),
                  transform=grid.transform, all_touched=True)
    b = rasterize(burn_shapes(features.geometries, pack_width_m=40.0), out_shape=(grid.height, grid.width),
                  transform=grid.transform, all_touched=True)
    assert np.array_equal(a, b)  # no two features overlap here


def test_empty_feature_set_excludes_nothing():
    grid = Grid.aligned((0.0, 0.0, 1000.0, 1000.0), 10.0)
    fs = FeatureSet("none", np.array([], dtype=object))
    (mask,) = within_masks(fs, grid, Window(0, 0, 100, 100), (500.0,))
    assert not mask.any()


def test_distance_field_is_within_half_a_pixel_diagonal(features):
    from wip_qgis_plugin.core.eligibility.distance import distance_field
    grid = Grid.aligned((0.0, 0.0, 3000.0, 3000.0), 25.0)
    window = Window(0, 0, grid.height, grid.width)
    exact_d, inside = oracle(features, grid, window)
    d = distance_field(features, grid, window, 800.0)
    near = exact_d < 790.0
    assert np.all(np.abs(d[near] - exact_d[near]) <= 25.0 * np.sqrt(2) / 2 + 1e-3)
    assert np.isinf(d[exact_d > 820.0]).all()
    assert (d[inside] == 0).all()
