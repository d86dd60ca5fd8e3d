"""wip:windrepowering through processing.run: two old turbines in the small region, a given layout and a plan
repowering area; a placed replacement layout; refusals that name the fix and leave nothing behind."""
from __future__ import annotations

import csv

import geopandas as gpd
import pyogrio
import pytest
import shapely
from wip_qgis_testing import X0, Y0, assert_refused, run_algorithm

ALG = "wip:windrepowering"
#: New turbine: hub 160 m, rotor 140 m → H = 230 m, 5 H = 1,150 m.
ZONE_M = 5 * 230.0


@pytest.fixture
def turbines(tmp_path):
    path = tmp_path / "turbines.gpkg"
    gpd.GeoDataFrame({"start_date": ["2001", "2015"], "height:hub": ["80", "120"], "rotor:diameter": ["77", "101"],
                      "generator:output:electricity": ["1.5 MW", "3 MW"]},
                     geometry=[shapely.Point(X0 + 1000, Y0 + 1000), shapely.Point(X0 + 6000, Y0 + 2000)],
                     crs="EPSG:25832").to_file(path, layer="existing", driver="GPKG", engine="pyogrio")
    gpd.GeoDataFrame({"turbine_id": ["N1", "N2", "N3"], "hub_height_m": [160.0] * 3, "rotor_diameter_m": [140.0] * 3,
                      "capacity_mw": [4.2] * 3, "energy_mwh_per_a": [10_000.0] * 3},
                     geometry=[shapely.Point(X0 + 1000 + ZONE_M - 1.0, Y0 + 1000),  # 1 m inside 5 H
                               shapely.Point(X0 + 1000, Y0 + 1000 - ZONE_M - 1.0),  # 1 m outside
                               shapely.Point(X0 + 6500, Y0 + 2500)],                # young turbine's area
                     crs="EPSG:25832").to_file(path, layer="new", driver="GPKG", engine="pyogrio")
    gpd.GeoDataFrame({"name": ["R1"]}, geometry=[shapely.box(X0 + 6200, Y0 + 2200, X0 + 7000, Y0 + 2900)],
                     crs="EPSG:25832").to_file(path, layer="plan", driver="GPKG", engine="pyogrio")
    return path


def test_a_given_layout_with_a_plan_area(provider, small_region, turbines, tmp_path):
    out = tmp_path / "out"
    result = run_algorithm(ALG, {
        "EXISTING": f"{turbines}|layername=existing", "TURBINES": f"{turbines}|layername=new",
        "PLAN_AREAS": f"{turbines}|layername=plan", "MUNICIPALITIES": small_region.uri("municipalities"),
        "YEAR": 2026, "OUTPUT_OLD": str(out / "old.gpkg"), "OUTPUT_TURBINES": str(out / "new.gpkg"),
        "OUTPUT_TABLE": str(out / "balance.csv")})
    assert (result["N_CANDIDATES"], result["N_REPLACED"], result["N_NEW"]) == (1, 1, 2)
    assert result["OLD_GWH"] == pytest.approx(1.5 * 1630.0 / 1000.0)
    assert result["NEW_GWH"] == pytest.approx(20.0)
    new = pyogrio.read_dataframe(out / "new.gpkg", layer="turbines")
    assert new["repowering_rule"].tolist() == ["16b_5h", "", "plan_area"]
    assert new["replaces"].tolist() == ["A1", "", ""]
    old = pyogrio.read_dataframe(out / "old.gpkg", layer="old_turbines")
    assert old["status"].tolist() == ["repowering: replaced", "too young"]
    rows = list(csv.DictReader((out / "balance.csv").read_text(encoding="utf-8").splitlines()))
    assert [(r["municipality"], r["old_replaced"], r["new_turbines"]) for r in rows] == [
        ("Ostheim", "0", "1"), ("Westdorf", "1", "1")]


def test_a_replacement_layout_is_placed(provider, small_region, turbines, tmp_path):
    areas = tmp_path / "areas.gpkg"
    gpd.GeoDataFrame({"area_id": [1], "name": ["Westdorf"], "ags": ["15082001"]},
                     geometry=[shapely.box(X0, Y0, X0 + 4000, Y0 + 3000)], crs="EPSG:25832").to_file(
        areas, layer="eligible_areas", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    result = run_algorithm(ALG, {
        "EXISTING": f"{turbines}|layername=existing", "ELIGIBLE_AREAS": f"{areas}|layername=eligible_areas",
        "YEAR": 2026, "TURBINE": "E-141/4200", "OUTPUT_OLD": str(out / "old.gpkg"),
        "OUTPUT_TURBINES": str(out / "new.gpkg")})
    new = pyogrio.read_dataframe(out / "new.gpkg", layer="turbines")
    assert len(new) == result["N_NEW"] > 0 and (new["repowering_rule"] == "16b_5h").all()
    h = new["hub_height_m"] + new["rotor_diameter_m"] / 2
    assert (new.geometry.distance(shapely.Point(X0 + 1000, Y0 + 1000)) <= 5 * h).all()  # the exact zone


def test_neither_or_both_new_layouts_are_refused(provider, turbines, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert_refused(ALG, {"EXISTING": f"{turbines}|layername=existing", "OUTPUT_OLD": str(out / "old.gpkg"),
                         "OUTPUT_TURBINES": str(out / "new.gpkg")}, out, "eligible wind areas", "one of the two")
    assert_refused(ALG, {"EXISTING": f"{turbines}|layername=new", "TURBINES": f"{turbines}|layername=new",
                         "OUTPUT_OLD": str(out / "old.gpkg"), "OUTPUT_TURBINES": str(out / "new.gpkg")},
                   out, "commissioning year", "start_date")
