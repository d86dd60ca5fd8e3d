"""wip:windyield through processing.run: the engine's rasters on the same inputs, outputs, refusals."""
from __future__ import annotations

import numpy as np
import pytest
from wip_qgis_testing import SAMPLE_DIR, assert_refused, read_band, run_algorithm

from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.wind.energy import WindYieldOutputs, WindYieldSettings, run_wind_yield

ALG = "wip:windyield"


def test_matches_the_engine(provider, sample_region, tmp_path):
    names = sample_region.names[:1]
    params = {"TURBINE": "E-141/4200", "HUB_HEIGHT": 159, "AOI": sample_region.uri("municipalities"),
              "AOI_NAME_FIELD": "name", "AOI_NAMES": ",".join(names),
              "WIND_SPEED_100M": str(SAMPLE_DIR / "wind_speed_100m.tif"),
              "WIND_SPEED_150M": str(SAMPLE_DIR / "wind_speed_150m.tif"), "DEM": str(SAMPLE_DIR / "dem.tif"),
              "RESOLUTION": 100, "OUTPUT_ENERGY": str(tmp_path / "e.tif"),
              "OUTPUT_FULL_LOAD_HOURS": str(tmp_path / "flh.tif"), "OUTPUT_TABLE": str(tmp_path / "t.csv")}
    result = run_algorithm(ALG, params)
    assert (tmp_path / "e.tif").exists() and (tmp_path / "t.csv").exists()
    engine = run_wind_yield(
        "E-141/4200", AreaOfInterest(LayerRef(str(sample_region.path), "municipalities"), "name", names),
        {"wind_speed_100m": SAMPLE_DIR / "wind_speed_100m.tif", "wind_speed_150m": SAMPLE_DIR / "wind_speed_150m.tif",
         "dem": SAMPLE_DIR / "dem.tif"}, {}, WindYieldOutputs(tmp_path / "ref.tif"),
        WindYieldSettings(resolution_m=100, hub_height_m=159))
    np.testing.assert_allclose(read_band(tmp_path / "e.tif"), read_band(tmp_path / "ref.tif"))
    assert result["MEAN_FULL_LOAD_HOURS"] == pytest.approx(engine.mean_full_load_hours)
    flh = read_band(tmp_path / "flh.tif")
    assert 1500 < np.median(flh[flh > 0]) < 3500


def test_refuses_an_unknown_turbine_file(provider, sample_region, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: wip-turbine/1\nid: x\nhub_height: 100\n", encoding="utf-8")
    assert_refused(ALG, {"TURBINE_FILE": str(bad), "WIND_SPEED_150M": str(SAMPLE_DIR / "wind_speed_150m.tif"),
                         "RESOLUTION": 500, "OUTPUT_ENERGY": str(out / "e.tif")}, out, "hub_height", "power_curve")


def test_qgis_process_runs_the_wind_yield(tmp_path):
    """qgis_process sees the algorithm and runs it in-process (the TRY weather without pvlib, whose
    h5py clashes with QGIS's HDF5 there)."""
    import json

    from wip_qgis_testing import PLUGIN_DIR, enable_plugin, qgis_process_env, run_qgis_process

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    enable_plugin(env, tmp_path)
    out = tmp_path / "e.tif"
    proc = run_qgis_process(["--json", "run", ALG, "--", "TURBINE=nrel_6mw_170",
                             f"WIND_SPEED_150M={SAMPLE_DIR / 'wind_speed_150m.tif'}", "RESOLUTION=500",
                             f"OUTPUT_ENERGY={out}"], env, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    assert out.is_file() and 2000 < results["MEAN_FULL_LOAD_HOURS"] < 4000
