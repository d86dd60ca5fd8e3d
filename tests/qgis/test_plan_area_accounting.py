"""wip:planareaaccounting through processing.run: a plan's designated areas per municipality, the same as the engine
(and against shapely), rotor-in, and the designated land the model excludes by criterion."""
from __future__ import annotations

import csv

import pytest
from wip_qgis_testing import X0, Y0, run_algorithm

ALG = "wip:planareaaccounting"


@pytest.fixture
def plan_layer(small_region, tmp_path):
    import geopandas as gpd
    import shapely

    path = tmp_path / "vorranggebiete.gpkg"
    areas = [shapely.box(X0 + 500, Y0 + 300, X0 + 1500, Y0 + 1300), shapely.box(X0 + 3500, Y0 + 1800, X0 + 4500,
                                                                                  Y0 + 2800)]
    gpd.GeoDataFrame({"bezeich": ["I", "II"]}, geometry=areas, crs="EPSG:25832").to_file(path, layer="vr")
    return f"{path}|layername=vr"


def test_designated_areas_per_municipality_and_by_criterion(provider, small_region, plan_layer, tmp_path):
    elig = run_algorithm("wip:landeligibility", small_region.parameters(
        ("landuse", "buildings", "protected_areas", "water", "waterways"), RESOLUTION=25,
        OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"), OUTPUT_REASONS=str(tmp_path / "wind_reasons.tif")))
    table, criteria = tmp_path / "plan.csv", tmp_path / "plan_criteria.csv"
    result = run_algorithm(ALG, {
        "PLAN_AREAS": plan_layer, "AOI": small_region.uri("municipalities"), "AOI_NAME_FIELD": "name",
        "AOI_ID_FIELD": "ags", "REASONS": elig["OUTPUT_REASONS"], "ROTOR_IN": False,
        "OUTPUT_TABLE": str(table), "OUTPUT_CRITERIA": str(criteria)})
    assert result["DESIGNATED_HA"] == pytest.approx(200.0)
    rows = {r["name"]: r for r in csv.DictReader(table.open(encoding="utf-8"))}
    assert float(rows["Westdorf"]["designated_ha"]) == pytest.approx(150.0)
    assert float(rows["Ostheim"]["designated_ha"]) == pytest.approx(50.0)
    assert result["OUTSIDE_ELIGIBLE_HA"] > 0  # the village's setback reaches into the first area
    excluded = {r["criterion"]: float(r["designated_excluded_ha"]) for r in csv.DictReader(criteria.open())}
    assert excluded and max(excluded.values()) > 0
    inner = run_algorithm(ALG, {
        "PLAN_AREAS": plan_layer, "AOI": small_region.uri("municipalities"), "AOI_NAME_FIELD": "name",
        "AOI_ID_FIELD": "ags", "ROTOR_IN": True, "OUTPUT_TABLE": str(tmp_path / "inner.csv")})
    # rotor-in with the E-141 (offset 66.5 m): (1000 − 133)² m² per square area
    assert inner["COUNTED_PCT"] * 2400 / 100 == pytest.approx(2 * 867.0 ** 2 / 1e4, rel=0.01)
