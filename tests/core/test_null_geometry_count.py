"""Features without geometry are counted over the whole layer (they are dropped on reading, and reported): by SQL for
a GeoPackage, from every feature's bounds otherwise; both counts agree on the same features. (FlatGeobuf with its index
holds no feature without geometry: GDAL leaves them out when it writes one.)"""
from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
import shapely

from wip_qgis_plugin.core.data.layers import gpkg_null_geometry_count, null_geometry_count


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    geoms = [shapely.box(0, 0, 10, 10), None, shapely.Polygon(), shapely.box(20, 0, 30, 10), None]
    return gpd.GeoDataFrame({"name": list("abcde")}, geometry=geoms, crs="EPSG:25832")


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_null_and_empty_geometries_are_counted_in_every_format(frame, tmp_path, suffix):
    path = tmp_path / f"layer{suffix}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(path, layer="layer" if suffix == ".gpkg" else None)
    layer = "layer" if suffix == ".gpkg" else None
    count = null_geometry_count(str(path), layer, (1,))
    assert count == 3  # two NULL, one empty
    if suffix == ".gpkg":
        assert gpkg_null_geometry_count(str(path), layer) == 3
        assert gpkg_null_geometry_count(str(path), None) == 3  # the only layer
    else:
        assert gpkg_null_geometry_count(str(path), layer) is None  # counted from the bounds


def test_a_layer_name_with_quotes_is_quoted(frame, tmp_path):
    path = tmp_path / "odd.gpkg"
    frame.to_file(path, layer='Gebäude "alt"')
    assert gpkg_null_geometry_count(str(path), 'Gebäude "alt"') == 3
