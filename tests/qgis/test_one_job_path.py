"""One job path: a Processing algorithm and the ``wip`` subcommand build the same Job for the same choices.

Each test runs an algorithm with ``run_engine`` replaced by a recorder (the job is captured, the engine
never runs) and builds the CLI's job from the equivalent flags (``cli.build_parser`` and the
``*_job_from_args`` helpers); both come from the builders of ``core/jobs/build.py``, so the two jobs
must be equal, name and arguments. A few literal argument values pin what the jobs hold.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsProcessingException
from wip_qgis_testing import X0, Y0, run_algorithm

from wip_qgis_plugin.cli import (
    build_parser,
    eligibility_job_from_args,
    grid_connection_job_from_args,
    immission_job_from_args,
    solar_potential_job_from_args,
    wind_yield_job_from_args,
)
from wip_qgis_plugin.processing_algorithms.base import WipAlgorithm


class Captured(QgsProcessingException):
    """Raised by the recorder instead of running the engine."""


@pytest.fixture
def captured_job(monkeypatch):
    """``run(algorithm_id, parameters)`` → the Job the algorithm hands to ``run_engine``."""
    jobs = []

    def record(self, job, feedback):
        jobs.append(job)
        raise Captured("job captured")

    monkeypatch.setattr(WipAlgorithm, "run_engine", record)

    def run(algorithm_id: str, parameters: dict):
        with pytest.raises(QgsProcessingException):
            run_algorithm(algorithm_id, parameters)
        assert len(jobs) == 1, "the algorithm did not reach run_engine"
        return jobs.pop()

    return run


@pytest.fixture(scope="module")
def raster(tmp_path_factory) -> str:
    """A small GeoTIFF over the small region (EPSG:25832), standing in for any input raster."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path_factory.mktemp("raster") / "grid.tif"
    with rasterio.open(path, "w", driver="GTiff", width=90, height=40, count=1, dtype="float32",
                       crs="EPSG:25832", transform=from_origin(X0 - 500, Y0 + 3500, 100.0, 100.0)) as dst:
        dst.write(np.full((1, 40, 90), 6.5, dtype="float32"))
    return str(path)


@pytest.fixture(scope="module")
def grid_layers(tmp_path_factory) -> Path:
    """Sites (with site_id and capacity), substations and roads in one GeoPackage."""
    import geopandas as gpd
    import shapely

    path = tmp_path_factory.mktemp("grid") / "grid.gpkg"
    frames = {
        "sites": gpd.GeoDataFrame({"site_id": ["a", "b"], "capacity_mw": [20.0, 35.0]},
                                  geometry=[shapely.Point(X0 + 500, Y0 + 500), shapely.Point(X0 + 3000, Y0 + 900)],
                                  crs="EPSG:25832"),
        "substations": gpd.GeoDataFrame({"name": ["UW Nord"], "voltage": ["110000"], "free_capacity_mw": [40.0]},
                                        geometry=[shapely.Point(X0 + 2000, Y0 + 2500)], crs="EPSG:25832"),
        "roads": gpd.GeoDataFrame({"highway": ["secondary"]},
                                  geometry=[shapely.LineString([(X0, Y0 + 2000), (X0 + 4000, Y0 + 2000)])],
                                  crs="EPSG:25832"),
    }
    for name, frame in frames.items():
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def test_land_eligibility_and_wip_eligibility_build_the_same_job(provider, small_region, captured_job, tmp_path):
    gpkg = small_region.path
    roles = ("landuse", "buildings", "roads", "water")
    out = tmp_path / "out"
    params = small_region.parameters(roles, PRESET="wind_sachsen_anhalt", AOI_NAMES="Westdorf", RESOLUTION=25,
                                     SETTLEMENT_SETBACK=900, OUTPUT_ELIGIBILITY=str(out / "wind_eligibility.tif"),
                                     OUTPUT_REASONS=str(out / "wind_reasons.tif"),
                                     OUTPUT_AREAS=str(out / "wind_areas.gpkg"), OUTPUT_TABLE=str(out / "wind_table.csv"))
    algorithm_job = captured_job("wip:landeligibility", params)
    args = build_parser().parse_args([
        "eligibility", "--catalogue", "wind_sachsen_anhalt", "--layer", f"municipalities={gpkg}:municipalities",
        *[f"--layer={role}={gpkg}:{role}" for role in roles], "--names", "Westdorf", "--resolution", "25",
        "--settlement-setback", "900", "--out-dir", str(out)])  # no --min-area: the defaults must agree (5 ha)
    cli_job, key = eligibility_job_from_args(args)
    assert key == "wind"
    assert algorithm_job.name == cli_job.name == "eligibility"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    arguments = algorithm_job.arguments
    assert arguments["catalogue"] == {"source": "wind_sachsen_anhalt", "tag_buffers": {"settlement_setback": 900.0}}
    assert sorted(arguments["layers"]) == sorted(roles)
    assert arguments["aoi"]["names"] == ["Westdorf"]
    assert arguments["settings"] == {"resolution_m": 25.0, "crs": "EPSG:25832", "kinds": ["hard", "soft"],
                                     "min_area_ha": 5.0, "require_all": False, "invalid_geometries": "error"}


def test_criterion_layers_and_criterion_layer_flags_build_the_same_job(provider, small_region, captured_job,
                                                                       tmp_path):
    gpkg = small_region.path
    out = tmp_path / "out"
    params = small_region.parameters(("landuse", "buildings"), PRESET="wind_sachsen_anhalt", RESOLUTION=25,
                                     CRITERION_LAYERS=["nature_reserves", f"{gpkg}|layername=protected_areas",
                                                       "standing_water", f"{gpkg}|layername=water"],
                                     OUTPUT_ELIGIBILITY=str(out / "wind_eligibility.tif"))
    algorithm_job = captured_job("wip:landeligibility", params)
    args = build_parser().parse_args([
        "eligibility", "--catalogue", "wind_sachsen_anhalt", "--layer", f"municipalities={gpkg}:municipalities",
        "--layer", f"landuse={gpkg}:landuse", "--layer", f"buildings={gpkg}:buildings", "--resolution", "25",
        "--criterion-layer", f"nature_reserves={gpkg}:protected_areas",
        "--criterion-layer", f"standing_water={gpkg}:water", "--out-dir", str(out)])
    cli_job, _ = eligibility_job_from_args(args)
    assert algorithm_job.arguments["settings"]["layer_bindings"] == [
        {"layer": {"path": str(gpkg), "layer": "protected_areas"}, "criterion": "nature_reserves"},
        {"layer": {"path": str(gpkg), "layer": "water"}, "criterion": "standing_water"}]
    assert algorithm_job.arguments["settings"] == cli_job.arguments["settings"]


def test_wind_yield_and_wip_wind_build_the_same_job(provider, small_region, captured_job, raster, tmp_path):
    gpkg = small_region.path
    out = tmp_path / "out"
    params = {"TURBINE": "E-141/4200", "HUB_HEIGHT": 159, "AOI": small_region.uri("municipalities"),
              "AOI_NAME_FIELD": "name", "AOI_NAMES": "Westdorf, Ostheim", "WIND_SPEED_150M": raster,
              "LANDUSE": small_region.uri("landuse"), "WATER": small_region.uri("water"), "RESOLUTION": 100,
              "OUTPUT_ENERGY": str(out / "wind_energy.tif"),
              "OUTPUT_FULL_LOAD_HOURS": str(out / "wind_full_load_hours.tif"),
              "OUTPUT_WIND_SPEED": str(out / "wind_speed_hub.tif"), "OUTPUT_TABLE": str(out / "wind_yield.csv")}
    algorithm_job = captured_job("wip:windyield", params)
    cli_job = wind_yield_job_from_args(build_parser().parse_args([
        "wind", "--turbine", "E-141/4200", "--hub-height", "159", "--gpkg", str(gpkg),
        "--names", "Westdorf, Ostheim", "--raster", f"wind_speed_150m={raster}", "--resolution", "100",
        "--out-dir", str(out)]))
    assert algorithm_job.name == cli_job.name == "wind_yield"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    arguments = algorithm_job.arguments
    assert arguments["turbine"] == "E-141/4200" and arguments["rasters"] == {"wind_speed_150m": raster}
    assert sorted(arguments["layers"]) == ["landuse", "water"]
    assert arguments["settings"]["hub_height_m"] == 159.0
    assert arguments["settings"]["losses"] == {"availability_pct": 3.0, "electrical_pct": 2.0, "wake_pct": 5.0,
                                               "other_pct": 0.0}
    assert arguments["settings"]["resource"] == {"weibull_k": 2.0, "weather": None, "weibull_k_raster": None}


def test_grid_connection_and_wip_connect_build_the_same_job(provider, grid_layers, captured_job, tmp_path):
    gpkg = tmp_path / "out" / "grid.gpkg"
    params = {"SITES": f"{grid_layers}|layername=sites", "SUBSTATIONS": f"{grid_layers}|layername=substations",
              "ROADS": f"{grid_layers}|layername=roads", "OUTPUT_CONNECTIONS": str(gpkg), "OUTPUT_SITES": str(gpkg),
              "OUTPUT_SUBSTATIONS": str(gpkg), "OUTPUT_SITES_TABLE": str(tmp_path / "out" / "grid_sites.csv")}
    algorithm_job = captured_job("wip:gridconnection", params)
    cli_job, key = grid_connection_job_from_args(build_parser().parse_args([
        "connect", "--sites", f"{grid_layers}:sites", "--substations", f"{grid_layers}:substations",
        "--roads", f"{grid_layers}:roads", "--out-dir", str(tmp_path / "out")]))
    assert key == "grid"
    assert algorithm_job.name == cli_job.name == "grid_connection"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    arguments = algorithm_job.arguments
    assert arguments["sites"] == {"path": str(grid_layers), "layer": "sites"}
    assert arguments["catalogue"] == "grid_connection" and arguments["crs"] == "EPSG:25832"
    assert arguments["settings"]["site_id_field"] == "site_id"  # the layer has one
    assert arguments["settings"]["router"] == "roads" and arguments["settings"]["allocation"] == "min_cost_flow"
    assert arguments["power_lines"] is None and arguments["topology"] is None


def test_solar_potential_and_wip_solar_build_the_same_job(provider, small_region, captured_job, raster, tmp_path):
    out = tmp_path / "out"
    params = {"ELIGIBILITY": raster, "SYSTEM": 3, "TILT": 90, "AOI": small_region.uri("municipalities"),
              "AOI_NAME_FIELD": "name", "AOI_NAMES": "Ostheim", "LOSSES": 12.5,
              "OUTPUT_YIELD": str(out / "agri_solar_yield.tif"),
              "OUTPUT_CAPACITY_DENSITY": str(out / "agri_solar_capacity_density.tif"),
              "OUTPUT_ENERGY_DENSITY": str(out / "agri_solar_energy_density.tif"),
              "OUTPUT_MUNICIPALITIES": str(out / "agri_solar_municipalities.csv")}
    algorithm_job = captured_job("wip:solarpotential", params)
    cli_job, key = solar_potential_job_from_args(build_parser().parse_args([
        "solar", "--eligibility", raster, "--system", "agri_vertical", "--tilt", "90",
        "--aoi", f"{small_region.path}:municipalities", "--names", "Ostheim", "--losses", "12.5",
        "--prefix", "agri", "--out-dir", str(out)]))
    assert key == "agri"
    assert algorithm_job.name == cli_job.name == "solar_potential"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    arguments = algorithm_job.arguments
    assert arguments["eligibility"] == raster and arguments["sites"] is None and arguments["rasters"] == {}
    assert arguments["settings"] == {"system": "agri_vertical", "tilt_deg": 90.0, "gcr": None, "losses_pct": 12.5,
                                     "weather": None, "use_terrain": True, "horizon": False}
    assert arguments["outputs"]["sites"] is None
    assert arguments["outputs"]["municipalities_table"] == str(out / "agri_solar_municipalities.csv")


def test_land_cover_parameter_and_raster_flag_build_the_same_job(provider, small_region, captured_job, raster,
                                                                 tmp_path):
    """The optional land-cover raster of "Land eligibility" is ``--raster land_cover=FILE`` (settings.rasters)."""
    gpkg = small_region.path
    out = tmp_path / "out"
    params = small_region.parameters(("landuse",), PRESET="wind_sachsen_anhalt", RESOLUTION=25, LAND_COVER=raster,
                                     OUTPUT_ELIGIBILITY=str(out / "wind_eligibility.tif"),
                                     OUTPUT_REASONS=str(out / "wind_reasons.tif"),
                                     OUTPUT_AREAS=str(out / "wind_areas.gpkg"), OUTPUT_TABLE=str(out / "wind_table.csv"))
    algorithm_job = captured_job("wip:landeligibility", params)
    args = build_parser().parse_args([
        "eligibility", "--catalogue", "wind_sachsen_anhalt", "--layer", f"municipalities={gpkg}:municipalities",
        f"--layer=landuse={gpkg}:landuse", "--resolution", "25", "--raster", f"land_cover={raster}",
        "--out-dir", str(out)])
    cli_job, _ = eligibility_job_from_args(args)
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    assert algorithm_job.arguments["settings"]["rasters"] == {"land_cover": {"path": raster}}


def test_noise_and_shadow_and_wip_immission_build_the_same_job(provider, small_region, captured_job, tmp_path):
    import geopandas as gpd
    import shapely

    turbines = tmp_path / "turbines.gpkg"
    gpd.GeoDataFrame({"hub_height_m": [160.0], "rotor_diameter_m": [140.0], "energy_mwh_per_a": [10_000.0]},
                     geometry=[shapely.Point(X0 + 1500, Y0 + 1500)], crs="EPSG:25832").to_file(
        turbines, layer="turbines", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    params = {"TURBINES": f"{turbines}|layername=turbines", "BUILDINGS": small_region.uri("buildings"),
              "LANDUSE": small_region.uri("landuse"), "SOUND_POWER": 105.5,
              "MODES": ["SO2", "3", "0.93", "SO4", "6", "0,82"], "LAST_RESORT": 1, "REACH": 2500,
              "OUTPUT_RECEPTORS": str(out / "wind_receptors.gpkg"), "OUTPUT_TURBINES": str(out / "wind_turbines.gpkg"),
              "OUTPUT_NOISE": str(out / "wind_noise.tif"), "OUTPUT_CONTOURS": str(out / "wind_noise_contours.gpkg"),
              "OUTPUT_SHADOW": str(out / "wind_shadow.tif")}
    algorithm_job = captured_job("wip:windimmission", params)
    gpkg = small_region.path
    cli_job = immission_job_from_args(build_parser().parse_args([
        "immission", "--turbines", f"{turbines}:turbines", "--buildings", f"{gpkg}:buildings",
        "--landuse", f"{gpkg}:landuse", "--sound-power", "105.5", "--mode", "SO2:3:0.93", "--mode", "SO4:6:0.82",
        "--last-resort", "remove", "--reach", "2500", "--out-dir", str(out)]))
    assert algorithm_job.name == cli_job.name == "immission"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    settings = algorithm_job.arguments["settings"]
    assert settings["modes"] == [{"name": "SO2", "reduction_db": 3.0, "energy_factor": 0.93},
                                 {"name": "SO4", "reduction_db": 6.0, "energy_factor": 0.82}]
    assert settings["last_resort"] == "remove" and settings["sound_power_db"] == 105.5
    assert sorted(algorithm_job.arguments["layers"]) == ["buildings", "landuse"]


def test_repowering_and_wip_repowering_build_the_same_job(provider, small_region, captured_job, tmp_path):
    import geopandas as gpd
    import shapely

    from wip_qgis_plugin.cli import repowering_job_from_args

    path = tmp_path / "t.gpkg"
    gpd.GeoDataFrame({"start_date": ["2001"], "height:hub": ["80"], "rotor:diameter": ["77"],
                      "generator:output:electricity": ["1.5 MW"]},
                     geometry=[shapely.Point(X0 + 1000, Y0 + 1000)], crs="EPSG:25832").to_file(
        path, layer="existing", driver="GPKG", engine="pyogrio")
    gpd.GeoDataFrame({"name": ["R1"]}, geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)],
                     crs="EPSG:25832").to_file(path, layer="plan", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    gpkg = small_region.path
    # a placed replacement layout: the layout parameters travel too
    algorithm_job = captured_job("wip:windrepowering", {
        "EXISTING": f"{path}|layername=existing", "ELIGIBLE_AREAS": small_region.uri("municipalities"),
        "PLAN_AREAS": f"{path}|layername=plan", "MUNICIPALITIES": small_region.uri("municipalities"), "YEAR": 2030,
        "MIN_AGE": 25, "ZONE_H": 4, "TURBINE": "E-141/4200", "HUB_HEIGHT": 159, "ROTOR_IN": True,
        "SPACING_ALONG": 6, "LANDUSE": small_region.uri("landuse"), "WATER": small_region.uri("water"),
        "OUTPUT_OLD": str(out / "wind_repowering_old.gpkg"), "OUTPUT_TURBINES": str(out / "wind_repowering_turbines.gpkg"),
        "OUTPUT_TABLE": str(out / "wind_repowering.csv")})
    cli_job = repowering_job_from_args(build_parser().parse_args([
        "repowering", "--existing", f"{path}:existing", "--areas", f"{gpkg}:municipalities",
        "--plan-areas", f"{path}:plan", "--aoi", f"{gpkg}:municipalities", "--year", "2030", "--min-age", "25",
        "--zone-h", "4", "--turbine", "E-141/4200", "--hub-height", "159", "--rotor-in", "--along", "6",
        "--gpkg", str(gpkg), "--out-dir", str(out)]))
    assert algorithm_job.name == cli_job.name == "repowering"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    placement = algorithm_job.arguments["placement"]
    assert placement["settings"]["rotor_in"] is True and placement["settings"]["spacing_along_d"] == 6.0
    assert sorted(placement["layers"]) == ["landuse", "water"]
    assert algorithm_job.arguments["settings"]["zone_h"] == 4.0 and algorithm_job.arguments["turbines"] is None


@pytest.mark.parametrize("rotor_in", [True, False], ids=["rotor-in", "rotor-out"])
def test_windbg_accounting_and_wip_windbg_build_the_same_job(provider, small_region, captured_job, tmp_path,
                                                             rotor_in):
    """Rotor-in sends the reference turbine's dimensions (the presets' 159 m hub, 141 m rotor: the dialog's
    defaults); rotor-out sends none, from either front end."""
    import geopandas as gpd
    import shapely

    from wip_qgis_plugin.cli import windbg_job_from_args

    gpkg = small_region.path
    areas = tmp_path / "wind_areas.gpkg"  # as `wip eligibility` writes them
    gpd.GeoDataFrame({"area_ha": [400.0]}, geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)],
                     crs="EPSG:25832").to_file(areas, layer="eligible_areas", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    algorithm_job = captured_job("wip:windbgaccounting", {
        "AOI": small_region.uri("municipalities"), "AOI_NAME_FIELD": "name", "AOI_NAMES": "Westdorf",
        "ELIGIBLE_AREAS": f"{areas}|layername=eligible_areas", "ROTOR_IN": rotor_in,
        "OUTPUT_TABLE": str(out / "wind_windbg.csv")})
    cli_job, key = windbg_job_from_args(build_parser().parse_args([
        "windbg", "--catalogue", "wind_sachsen_anhalt", "--layer", f"municipalities={gpkg}:municipalities",
        "--names", "Westdorf", "--areas", str(areas), "--rotor-in" if rotor_in else "--no-rotor-in",
        "--out-dir", str(out)]))
    assert key == "wind"
    assert algorithm_job.name == cli_job.name == "windbg"
    assert dict(algorithm_job.arguments) == dict(cli_job.arguments)
    arguments = algorithm_job.arguments
    assert arguments["rotor_in"] is rotor_in
    assert arguments["turbine"] == ({"hub_height_m": 159.0, "rotor_diameter_m": 141.0} if rotor_in else None)
    assert arguments["tower_foot_radius_m"] == 4.0 and arguments["invalid_geometries"] == "error"
    assert arguments["aoi"]["id_field"] == "ags" and arguments["land"] is None


def test_setback_sweep_and_wip_sweep_build_the_same_job(provider, small_region, captured_job, tmp_path):
    """Both keep the eligible patches of at least 5 ha (as "Land eligibility"), not the engine's 1 ha."""
    from wip_qgis_plugin.cli import sweep_job_from_args

    gpkg = small_region.path
    roles = ("landuse", "buildings")
    out = tmp_path / "out"
    algorithm_job = captured_job("wip:setbacksweep", small_region.parameters(
        roles, PRESET="wind_sachsen_anhalt", AOI_NAMES="Westdorf", CRITERION="settlements_soft",
        SETBACK_FROM=600, SETBACK_TO=1000, SETBACK_STEP=200, OUTPUT_TABLE=str(out / "wind_sweep.csv"),
        OUTPUT_CHART=str(out / "wind_sweep.png")))
    cli_job, key = sweep_job_from_args(build_parser().parse_args([
        "sweep", "--catalogue", "wind_sachsen_anhalt", "--layer", f"municipalities={gpkg}:municipalities",
        *[f"--layer={role}={gpkg}:{role}" for role in roles], "--names", "Westdorf",
        "--criterion", "settlements_soft", "--from", "600", "--to", "1000", "--step", "200",
        "--out-dir", str(out)]))  # no --min-area, no --resolution: the defaults must agree
    assert key == "wind"
    assert algorithm_job.name == cli_job.name == "setback_sweep"
    algorithm_arguments, cli_arguments = dict(algorithm_job.arguments), dict(cli_job.arguments)
    # the labels follow the front end: the dialog names its variants and the chart in the QGIS language
    for arguments in (algorithm_arguments, cli_arguments):
        arguments["variants"] = list(arguments["variants"].values())
        del arguments["language"]
    assert algorithm_arguments == cli_arguments
    assert algorithm_job.arguments["settings"] == {"resolution_m": 25.0, "crs": "EPSG:25832",
                                                   "kinds": ["hard", "soft"], "min_area_ha": 5.0,
                                                   "require_all": False, "invalid_geometries": "error"}
    assert algorithm_job.arguments["setbacks_m"] == [600.0, 800.0, 1000.0]
