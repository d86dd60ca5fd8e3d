"""The "Data sources" parameter of wip:landeligibility: QGIS layers of files in a source profile, turned into the
job's sources (one per file), with the per-role parameters winning and the municipalities of an OSM source as the
area of interest when none is given.

World (EPSG:25832, on the 10 m grid): a 2 km × 2 km municipality (400 ha) in a QuickOSM-like GeoPackage with its
admin boundary, a 25 ha forest and a motorway across it (100 m setback: 40 ha inside) → 335 ha eligible.
"""
from __future__ import annotations

import pytest
import yaml
from qgis.core import QgsFeatureRequest, QgsVectorLayer
from wip_qgis_testing import ALG_ID, RecordingFeedback, assert_refused, require_engine, run_algorithm

X0, Y0 = 600_000.0, 5_600_000.0
CRS = "EPSG:25832"


@pytest.fixture()
def world(tmp_path):
    require_engine()
    import geopandas as gpd
    import shapely

    def write(path, layer, rows):
        gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).to_file(path, layer=layer, driver="GPKG")

    osm = tmp_path / "osm.gpkg"
    motorway = shapely.LineString([(X0 - 500, Y0 + 1500), (X0 + 2500, Y0 + 1500)])
    write(osm, "boundary", [{"full_id": "r1", "osm_type": "relation", "boundary": "administrative",
                             "admin_level": "8", "name": "Testdorf", "de:amtlicher_gemeindeschluessel": "15088999",
                             "geometry": shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)}])
    write(osm, "landuse", [{"full_id": "w1", "osm_type": "way", "landuse": "forest",
                            "geometry": shapely.box(X0 + 200, Y0 + 200, X0 + 700, Y0 + 700)}])
    write(osm, "highway", [{"full_id": "w2", "osm_type": "way", "highway": "motorway", "geometry": motorway}])
    write(tmp_path / "tracks.gpkg", "roads", [{"highway": "track", "geometry": motorway}])
    criteria = [
        {"id": "forest", "layer": "landuse", "filter": {"landuse": ["forest"]}, "buffer": "0 m"},
        {"id": "motorway", "layer": "roads", "filter": {"highway": ["motorway"]}, "buffer": "100 m"}]
    catalogue = {"schema": "wip-catalogue/1", "id": "t_sources", "version": "1", "technology": "wind",
                 "title": {"de": "T", "en": "T"},
                 "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "test"},
                 "criteria": [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "kind": "hard",
                               "valid_from": "2020-01-01", **c} for c in criteria]}
    (tmp_path / "cat.yaml").write_text(yaml.safe_dump(catalogue), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return tmp_path, out


def params(folder, out, **extra):
    return {"CATALOGUE": str(folder / "cat.yaml"), "KINDS": [0], "RESOLUTION": 10, "MIN_AREA": 0,
            "OUTPUT_ELIGIBILITY": str(out / "e.tif"), **extra}


def test_sources_give_the_layers_and_the_area_of_interest(provider, world):
    folder, out = world
    layers = [f"{folder / 'osm.gpkg'}|layername={name}" for name in ("boundary", "landuse", "highway")]
    feedback = RecordingFeedback()
    result = run_algorithm(ALG_ID, params(folder, out, SOURCES=layers), feedback=feedback)
    assert result["TOTAL_HA"] == pytest.approx(400.0) and result["ELIGIBLE_HA"] == pytest.approx(335.0)
    detected = [line for line in feedback.infos if "OSM (QuickOSM layers)" in line]
    assert len(detected) == 1 and detected[0].startswith("osm.gpkg:")  # three layers of one file: one source


def test_a_role_parameter_wins_over_the_sources(provider, world):
    folder, out = world
    result = run_algorithm(ALG_ID, params(folder, out, SOURCES=[f"{folder / 'osm.gpkg'}|layername=highway"],
                                          ROADS=f"{folder / 'tracks.gpkg'}|layername=roads"))
    assert result["ELIGIBLE_HA"] == pytest.approx(375.0)  # tracks: no motorway setback; the forest still counts


def test_a_memory_layer_is_exported_and_read_by_its_schema(provider, world):
    folder, out = world
    boundary = QgsVectorLayer(f"{folder / 'osm.gpkg'}|layername=boundary", "boundary", "ogr")
    forest = QgsVectorLayer(f"{folder / 'osm.gpkg'}|layername=landuse", "landuse", "ogr")
    memories = [layer.materialize(QgsFeatureRequest()) for layer in (boundary, forest)]
    assert all(m.providerType() == "memory" for m in memories)
    result = run_algorithm(ALG_ID, params(folder, out, SOURCES=memories))
    assert result["ELIGIBLE_HA"] == pytest.approx(375.0)  # boundary and forest exported; no roads given


def test_without_area_of_interest_and_sources_the_run_is_refused(provider, world):
    folder, out = world
    assert_refused(ALG_ID, params(folder, out, LANDUSE=f"{folder / 'osm.gpkg'}|layername=landuse"), out,
                   "AOI", "administrative boundaries")
