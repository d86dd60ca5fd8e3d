"""wip:rooftopsolar through processing.run: the engine's result on the same inputs, refusals."""
from __future__ import annotations

import csv

import pytest
from qgis.core import QgsVectorLayer
from wip_qgis_testing import RecordingFeedback, assert_refused, run_algorithm

from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.solar.rooftop import RooftopOutputs, RooftopSettings, run_rooftop_solar

ALG = "wip:rooftopsolar"


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matches_the_engine_on_the_sample_region(provider, sample_region, tmp_path):
    names = sample_region.names[:2]
    out = {"OUTPUT_BUILDINGS": str(tmp_path / "roofs.gpkg"), "OUTPUT_MUNICIPALITIES": str(tmp_path / "m.csv")}
    feedback = RecordingFeedback()
    result = run_algorithm(ALG, {"BUILDINGS": sample_region.uri("buildings"), "AOI": sample_region.uri("municipalities"),
                                 "AOI_NAME_FIELD": "name", "AOI_NAMES": ", ".join(names), "CRS": "EPSG:25832",
                                 **out}, feedback=feedback)
    engine = run_rooftop_solar(LayerRef(str(sample_region.path), "buildings"),
                               AreaOfInterest(LayerRef(str(sample_region.path), "municipalities"), "name", names),
                               RooftopOutputs(municipalities_table=tmp_path / "engine.csv"), RooftopSettings())
    assert csv_rows(out["OUTPUT_MUNICIPALITIES"]) == csv_rows(tmp_path / "engine.csv")
    assert result["CAPACITY_MWP"] == pytest.approx(engine.capacity_mwp)
    assert result["ENERGY_GWH_PER_A"] == pytest.approx(engine.energy_mwh_per_a / 1000)
    layer = QgsVectorLayer(f"{out['OUTPUT_BUILDINGS']}|layername=rooftop_pv", "roofs", "ogr")
    assert layer.isValid() and layer.featureCount() == engine.n_buildings
    assert "capacity_kwp" in layer.fields().names()
    assert any("usable roof" in line for line in feedback.infos)


def test_refuses_a_geographic_crs(provider, sample_region, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    assert_refused(ALG, {"BUILDINGS": sample_region.uri("buildings"), "CRS": "EPSG:4326",
                         "OUTPUT_BUILDINGS": str(folder / "roofs.gpkg")}, folder, "EPSG:4326")
