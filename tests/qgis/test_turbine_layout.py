"""wip:turbinelayout through processing.run: turbines in the sample's eligible areas, spacing and
containment, fields for the grid step, the totals tables."""
from __future__ import annotations

import csv

import pyogrio
import shapely
from wip_qgis_testing import run_algorithm

from wip_qgis_plugin.core.wind.layout import spacing_violations

ALG = "wip:turbinelayout"


def test_layout_on_the_sample_eligibility(provider, sample_eligibility, tmp_path):
    region = sample_eligibility.region
    params = {"ELIGIBLE_AREAS": sample_eligibility.areas_uri, "TURBINE": "E-141/4200", "HUB_HEIGHT": 159,
              "ROTOR_IN": True, "MAIN_DIRECTION": 250, "WEATHER": "4", "BUILDINGS": region.uri("buildings"),
              "OUTPUT_TURBINES": str(tmp_path / "t.gpkg"), "OUTPUT_MUNICIPALITIES_TABLE": str(tmp_path / "m.csv"),
              "OUTPUT_SITES": str(tmp_path / "sites.gpkg")}
    result = run_algorithm(ALG, params)
    turbines = pyogrio.read_dataframe(tmp_path / "t.gpkg")
    assert len(turbines) == result["N_TURBINES"] > 0
    assert {"site_id", "municipality", "capacity_mw", "energy_mwh_per_a", "dist_house_m"} <= set(turbines.columns)
    xy = shapely.get_coordinates(turbines.geometry.values)
    assert spacing_violations(xy, 250.0, 5 * 141.0, 3 * 141.0) == []
    areas = shapely.union_all(pyogrio.read_dataframe(sample_eligibility.areas, layer="eligible_areas").geometry.values)
    assert shapely.within(shapely.buffer(turbines.geometry.values, 70.45), areas).all()
    assert turbines["dist_house_m"].min() > 500  # hard settlement setback of the preset
    sites = pyogrio.read_dataframe(tmp_path / "sites.gpkg")
    assert sites["n_turbines"].sum() == len(turbines) and set(turbines["site_id"]) <= set(sites["site_id"])
    with open(tmp_path / "m.csv", encoding="utf-8") as fh:
        assert sum(int(r["n_turbines"]) for r in csv.DictReader(fh)) == len(turbines)


def test_wake_models_match_the_engine():
    from wip_qgis_plugin.core.wind.wakes import WAKE_MODELS
    from wip_qgis_plugin.processing_algorithms.turbine_layout import TurbineLayout

    assert TurbineLayout.WAKE_MODELS == WAKE_MODELS
