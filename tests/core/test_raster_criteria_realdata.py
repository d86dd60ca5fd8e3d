"""Raster criteria on real data: CORINE Land Cover (100 m, EPSG:3035) over the Städteregion Aachen.

The GLAES test set (/work/shared/realdata/glaes_aachen_eligibility, see its SOURCE.txt) holds the CLC
raster as the class *index* 1–44 (1 = 111 continuous, 2 = 112 discontinuous urban fabric; 255 nodata),
not the 111–523 codes. GLAES's own exclusion set excludes ``clc [1-2]`` with 1000 m and ``clc [12-22]``
(agricultural areas). The oracle polygonises the classes in the raster's own CRS (rasterio, not the
engine's path), transforms them to EPSG:25832 and buffers them with shapely; the engine reads the
raster warped onto a 25 m grid in EPSG:25832.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
import yaml
from conftest import frame, write_layers
from rasterio.features import shapes

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.data.rasters import RasterRef
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)

DATA = Path("/work/shared/realdata/glaes_aachen_eligibility")
CLC = DATA / "clc-aachen_clipped.tif"
AACHEN = DATA / "aachenShapefile.shp"
pytestmark = pytest.mark.skipif(not (CLC.exists() and AACHEN.exists()), reason="GLAES Aachen data not available")

URBAN = {"id": "urban_fabric", "kind": "hard", "raster": "land_cover", "values": [1, 2], "buffer": "1000 m"}
FARMLAND = {"id": "agriculture", "kind": "hard", "raster": "land_cover", "values": {"between": [12, 22]},
            "buffer": "0 m"}


def catalogue(tmp: Path, criteria: list[dict]):
    full = [{"label": {"de": c["id"], "en": c["id"]}, "source": "GLAES test set", "valid_from": "2020-01-01", **c}
            for c in criteria]
    path = tmp / "clc.yaml"
    path.write_text(yaml.safe_dump({"schema": "wip-catalogue/1", "id": "clc_test", "version": "1",
                                    "technology": "wind", "title": {"de": "CLC", "en": "CLC"},
                                    "criteria": full}), encoding="utf-8")
    return load_catalogue(path)


def clc_polygons(codes) -> gpd.GeoSeries:
    """The CLC cells with one of ``codes``, polygonised in EPSG:3035 and transformed to EPSG:25832."""
    with rasterio.open(CLC) as ds:
        data, transform = ds.read(1), ds.transform
    selected = np.isin(data, list(codes))
    geoms = [shapely.geometry.shape(g) for g, _ in shapes(selected.astype(np.uint8), mask=selected,
                                                           transform=transform, connectivity=4)]
    return gpd.GeoSeries(geoms, crs="EPSG:3035").to_crs(25832)


def run(tmp: Path, criteria: list[dict], layers: dict[str, LayerRef], rasters: dict, tag: str):
    outs = EligibilityOutputs(tmp / f"{tag}.tif", None, None, tmp / f"{tag}.csv")
    settings = EligibilitySettings(resolution_m=25.0, rasters=rasters)
    return run_eligibility(catalogue(tmp, criteria), layers,
                           AreaOfInterest(LayerRef(str(AACHEN)), name_field="NAME_2"), outs, settings)


@pytest.fixture(scope="module")
def aachen() -> shapely.Geometry:
    return gpd.read_file(AACHEN).to_crs(25832).geometry.union_all()


def test_urban_fabric_1000m_matches_the_polygonised_classes(tmp_path, aachen):
    urban = clc_polygons((1, 2))
    exact = shapely.difference(aachen, shapely.union_all(shapely.buffer(urban.values, 1000.0, quad_segs=32)))
    exact_ha = exact.area / 1e4
    raster = run(tmp_path, [URBAN], {}, {"land_cover": RasterRef(str(CLC))}, "raster")
    assert raster.total_ha == pytest.approx(aachen.area / 1e4, rel=0.002)
    assert 0.05 * raster.total_ha < exact_ha < 0.5 * raster.total_ha  # urban Aachen: most land lies within 1 km
    assert raster.eligible_ha == pytest.approx(exact_ha, rel=0.005)
    status = next(s for s in raster.criteria if s["id"] == "urban_fabric")
    assert status["nodata_pct"] == 0.0 and status["features"] > 10_000
    # the same classes as polygons through the vector path
    layers = write_layers(tmp_path / "clc.gpkg", {"landuse": frame(urban.values, landuse=["urban"] * len(urban))})
    vector = run(tmp_path, [{"id": "urban_vector", "kind": "hard", "layer": "landuse",
                             "filter": {"landuse": ["urban"]}, "buffer": "1000 m"}], layers, {}, "vector")
    assert vector.eligible_ha == pytest.approx(exact_ha, rel=0.005)
    assert raster.eligible_ha == pytest.approx(vector.eligible_ha, rel=0.005)


def test_glaes_clc_exclusions_match_the_polygonised_classes(tmp_path, aachen):
    """GLAES's CLC rows: [1-2] with 1000 m and [12-22] (between) without a buffer."""
    urban, farmland = clc_polygons((1, 2)), clc_polygons(range(12, 23))
    excluded = shapely.union_all([shapely.union_all(shapely.buffer(urban.values, 1000.0, quad_segs=32)),
                                  shapely.union_all(farmland.values)])
    exact_ha = shapely.difference(aachen, excluded).area / 1e4
    result = run(tmp_path, [URBAN, FARMLAND], {}, {"land_cover": RasterRef(str(CLC))}, "glaes")
    assert exact_ha > 1000.0
    assert result.eligible_ha == pytest.approx(exact_ha, rel=0.005)
    farm_only = shapely.intersection(aachen, shapely.union_all(farmland.values)).area / 1e4
    assert result.municipalities[0].criteria["agriculture"].excluded_ha == pytest.approx(farm_only, rel=0.005)
