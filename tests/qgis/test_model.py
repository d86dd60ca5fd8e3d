"""Model Designer: a saved .model3 chains wip:landeligibility into native:zonalstatisticsfb."""
from __future__ import annotations

import pytest
from qgis.core import QgsProcessingModelAlgorithm, QgsVectorLayer
from wip_qgis_testing import DATA_DIR

MODEL = DATA_DIR / "eligibility_zonal.model3"  # regenerate with data/make_model.py


def test_model_runs_and_its_zonal_sums_match_the_algorithm(provider, small_region, tmp_path):
    import processing

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    ok, problems = model.validate()
    assert ok, problems
    layers = {n: small_region.uri(n) for n in ("landuse", "buildings", "protected_areas", "water", "waterways")}
    zonal = tmp_path / "zonal.gpkg"
    result = processing.run(model, {"aoi": small_region.uri("municipalities"), "resolution": 50,
                                    "zonal:zonal": str(zonal), **layers})
    assert zonal.is_file()
    direct = processing.run("wip:landeligibility", small_region.parameters(
        tuple(layers), PRESET="wind_sachsen_anhalt", RESOLUTION=50,
        OUTPUT_ELIGIBILITY=str(tmp_path / "direct.tif"), OUTPUT_TABLE=str(tmp_path / "t.csv")))

    cell_ha = 50 * 50 / 10_000
    rows = {f["name"]: f for f in QgsVectorLayer(result["zonal:zonal"]).getFeatures()}
    assert set(rows) == set(small_region.names)
    for feature in rows.values():  # 4 × 3 km: 4800 cells, none of them nodata
        assert feature["elig_count"] == 4800
    eligible_ha = sum(f["elig_sum"] for f in rows.values()) * cell_ha
    assert eligible_ha == pytest.approx(direct["ELIGIBLE_HA"])
