"""wip:windimmission through processing.run: a small farm beside the small region's village; limits met, outputs,
a refusal that names the field and leaves nothing behind."""
from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
import shapely
from wip_qgis_testing import X0, Y0, assert_refused, run_algorithm

ALG = "wip:windimmission"


@pytest.fixture
def farm(tmp_path):
    path = tmp_path / "farm.gpkg"
    gpd.GeoDataFrame({"turbine_id": ["T1", "T2"], "hub_height_m": [160.0, 160.0], "rotor_diameter_m": [140.0, 140.0],
                      "capacity_mw": [4.2, 4.2], "energy_mwh_per_a": [10_000.0, 10_000.0]},
                     geometry=[shapely.Point(X0 + 1500, Y0 + 2500), shapely.Point(X0 + 2200, Y0 + 2500)],
                     crs="EPSG:25832").to_file(path, layer="turbines", driver="GPKG", engine="pyogrio")
    return path


def test_noise_and_shadow_on_the_small_region(provider, small_region, farm, tmp_path):
    out = tmp_path / "out"
    params = {"TURBINES": f"{farm}|layername=turbines", "BUILDINGS": small_region.uri("buildings"),
              "LANDUSE": small_region.uri("landuse"), "MODES": ["SO2", "3", "0,93"], "SHADOW_RESOLUTION": 100,
              "OUTPUT_RECEPTORS": str(out / "receptors.gpkg"), "OUTPUT_TURBINES": str(out / "turbines.gpkg"),
              "OUTPUT_NOISE": str(out / "noise.tif"), "OUTPUT_CONTOURS": str(out / "contours.gpkg"),
              "OUTPUT_SHADOW": str(out / "shadow.tif")}
    result = run_algorithm(ALG, params)
    receptors = pyogrio.read_dataframe(out / "receptors.gpkg")
    assert len(receptors) == result["N_RECEPTORS"] > 0
    assert (receptors["level_db"] <= receptors["limit_db"] + 1e-9).all()
    turbines = pyogrio.read_dataframe(out / "turbines.gpkg", layer="turbines")
    assert {"mode", "status", "energy_mwh_per_a", "energy_before_mwh_per_a", "shadow_module"} <= set(turbines.columns)
    assert result["ENERGY_LOST_GWH"] == pytest.approx(20.0 - turbines["energy_mwh_per_a"].sum() / 1000.0)
    for name in ("noise.tif", "contours.gpkg", "shadow.tif"):
        assert (out / name).exists()


def test_a_bad_area_type_is_refused_by_name(provider, small_region, farm, tmp_path):
    buildings = pyogrio.read_dataframe(small_region.path, layer="buildings")
    buildings["area_type"] = "Wohngebiet"
    bad = tmp_path / "bad.gpkg"
    buildings.to_file(bad, layer="buildings", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    out.mkdir()
    assert_refused(ALG, {"TURBINES": f"{farm}|layername=turbines", "BUILDINGS": f"{bad}|layername=buildings",
                         "OUTPUT_RECEPTORS": str(out / "r.gpkg"), "OUTPUT_TURBINES": str(out / "t.gpkg")},
                   out, "area_type", "Wohngebiet")
