"""wip:solarpotential through processing.run: the engine's result on the same inputs, styled outputs,
clear refusals that leave no file behind."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from wip_qgis_testing import SAMPLE_DIR, RecordingFeedback, assert_refused, read_band, run_algorithm

from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.solar.ground import NODATA, SolarOutputs, SolarSettings, run_solar_potential

ALG = "wip:solarpotential"
DEM = SAMPLE_DIR / "dem.tif"


def parameters(run, **extra) -> dict:
    params = {"ELIGIBILITY": str(run.raster), "SITES": run.areas_uri, "AOI": run.region.uri("municipalities"),
              "AOI_NAME_FIELD": "name", "AOI_NAMES": ", ".join(run.names), "DEM": str(DEM)}
    params.update(extra)
    return params


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matches_the_engine_on_the_sample_region(provider, sample_eligibility, tmp_path):
    run = sample_eligibility
    out = {"OUTPUT_YIELD": str(tmp_path / "y.tif"), "OUTPUT_CAPACITY_DENSITY": str(tmp_path / "c.tif"),
           "OUTPUT_ENERGY_DENSITY": str(tmp_path / "e.tif"), "OUTPUT_SITES": str(tmp_path / "sites.gpkg"),
           "OUTPUT_SITES_TABLE": str(tmp_path / "sites.csv"), "OUTPUT_MUNICIPALITIES": str(tmp_path / "m.csv")}
    feedback = RecordingFeedback()
    result = run_algorithm(ALG, parameters(run, SYSTEM=3, **out), feedback=feedback)   # agri-PV vertical
    engine_dir = tmp_path / "engine"
    engine = run_solar_potential(
        run.raster, {"dem": str(DEM)},
        AreaOfInterest(LayerRef(str(run.region.path), "municipalities"), "name", run.names),
        LayerRef(str(run.areas), "eligible_areas"),
        SolarOutputs(engine_dir / "y.tif", sites_table=engine_dir / "sites.csv"), SolarSettings(system="agri_vertical"))
    assert np.array_equal(read_band(out["OUTPUT_YIELD"]), read_band(engine_dir / "y.tif"))
    assert result["CAPACITY_MWP"] == pytest.approx(engine.capacity_mwp)
    assert result["ENERGY_GWH_PER_A"] == pytest.approx(engine.energy_mwh_per_a / 1000)
    assert result["MEAN_YIELD_KWH_PER_KWP"] == pytest.approx(engine.mean_yield_kwh_per_kwp)
    assert csv_rows(out["OUTPUT_SITES_TABLE"]) == csv_rows(engine_dir / "sites.csv")
    munis = csv_rows(out["OUTPUT_MUNICIPALITIES"])
    assert [m["municipality"] for m in munis] == [*run.names, "TOTAL"]
    density = read_band(out["OUTPUT_CAPACITY_DENSITY"])
    assert np.allclose(density[density != NODATA], 0.301)
    assert any("orientation bin" in line for line in feedback.infos)
    assert feedback.progress_values and max(feedback.progress_values) == pytest.approx(100)


def test_optional_outputs_and_parameters(provider, sample_eligibility, tmp_path):
    run = sample_eligibility
    result = run_algorithm(ALG, parameters(run, SITES=None, DEM=None, TILT=25, LOSSES=20,
                                           OUTPUT_YIELD=str(tmp_path / "y.tif"),
                                           OUTPUT_ENERGY_DENSITY=None, OUTPUT_SITES=None,
                                           OUTPUT_MUNICIPALITIES=None))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y.tif"]
    values = read_band(tmp_path / "y.tif")
    assert np.ptp(values[values != NODATA]) == pytest.approx(0, abs=1e-3)   # level ground: one bin
    assert 750 < result["MEAN_YIELD_KWH_PER_KWP"] < 900                    # 25°, 20 % losses


def test_refusals_leave_nothing(provider, sample_eligibility, tmp_path):
    run = sample_eligibility
    folder = tmp_path / "out"
    folder.mkdir()
    assert_refused(ALG, parameters(run, OUTPUT_YIELD=str(folder / "y.png")), folder, ".tif")
    bad = tmp_path / "w.csv"
    bad.write_text("time,ghi\n2010-01-01T00:00Z,0\n", encoding="utf-8")
    assert_refused(ALG, parameters(run, OUTPUT_YIELD=str(folder / "y.tif"), TRY_REGION=4, WEATHER_FILE=str(bad)),
                   folder, "not both")
    assert_refused(ALG, parameters(run, OUTPUT_YIELD=str(folder / "y.tif"), WEATHER_FILE=str(bad)), folder,
                   "w.csv", "temp_air")


def test_qgis_process_runs_the_solar_potential(sample_eligibility, tmp_path):
    """qgis_process sees the algorithm and runs it in-process, with pvlib imported although its h5py
    clashes with QGIS's HDF5 there (core/data/pvlib_shim.py)."""
    import json

    from wip_qgis_testing import PLUGIN_DIR, enable_plugin, qgis_process_env, run_qgis_process

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    enable_plugin(env, tmp_path)
    out = tmp_path / "y.tif"
    proc = run_qgis_process(["--json", "run", ALG, "--", f"ELIGIBILITY={sample_eligibility.raster}",
                             f"DEM={DEM}", f"OUTPUT_YIELD={out}"], env, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    assert out.is_file() and 950 < results["MEAN_YIELD_KWH_PER_KWP"] < 1000
