"""wip:batchprofile through processing.run: a two-municipality batch of the sample in the engine's own process,
the same overview as `wip batch`, a second run keeps both; the scheduler's default is the QGIS setting."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from qgis.core import QgsProcessingException, QgsSettings
from wip_qgis_testing import SAMPLE_GPKG, RecordingFeedback, run_algorithm

ALG = "wip:batchprofile"
WHERE = "name IN ('Zörbig', 'Petersberg')"


def scenario(folder: Path) -> Path:
    """Wind eligibility and the profile of the sample at 100 m (inputs by absolute path)."""
    roles = ("municipalities", "landuse", "buildings", "roads", "railways", "power_lines", "water", "waterways",
             "protected_areas", "airfields", "wind_turbines")
    data = {"name": "batch", "crs": "EPSG:25832", "resolution_m": 100,
            "layers": {r: {"path": str(SAMPLE_GPKG), "layer": r} for r in roles},
            "area_of_interest": {"layer": "municipalities", "name_field": "name", "id_field": "ags"},
            "eligibility": {"wind": {"catalogue": "wind_sachsen_anhalt", "min_area_ha": 5}},
            "profile": {"report": False, "suitability": False, "grid": None, "sources": {"wind": {}}}}
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_two_municipalities_then_a_second_run_keeps_both(wip_plugin, tmp_path):
    from wip_qgis_plugin.cli import main

    sc = scenario(tmp_path)
    params = {"SCENARIO": str(sc), "MUNICIPALITIES": f"{SAMPLE_GPKG}|layername=municipalities",
              "NAME_FIELD": "name", "ID_FIELD": "ags", "WHERE": WHERE, "SCHEDULER": "",
              "OUTPUT_FOLDER": str(tmp_path / "batch")}
    feedback = RecordingFeedback()
    res = run_algorithm(ALG, params, feedback=feedback)
    assert (res["N_DONE"], res["N_KEPT"], res["N_FAILED"]) == (2, 0, 0)
    assert any("Running the batch in the engine Python" in line for line in feedback.infos), feedback.infos
    overview = Path(res["OVERVIEW"]).read_text(encoding="utf-8")
    assert "Zörbig" in overview and "Petersberg" in overview
    assert Path(res["OVERVIEW_MAP"]).is_file()
    again = run_algorithm(ALG, params)
    assert (again["N_DONE"], again["N_KEPT"], again["N_FAILED"]) == (0, 2, 0)
    assert Path(again["OVERVIEW"]).read_text(encoding="utf-8") == overview
    # the command line builds the same job: its overview of the same municipalities is the same
    assert main(["batch", str(sc), "--municipalities", f"{SAMPLE_GPKG}:municipalities", "--name-field", "name",
                 "--id-field", "ags", "--where", WHERE, "--out-dir", str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "batch_overview.csv").read_text(encoding="utf-8") == overview


def test_scheduler_defaults_to_the_setting_and_is_checked(wip_plugin, tmp_path):
    from qgis.core import QgsApplication

    from wip_qgis_plugin.processing_algorithms.batch_profile import KEY_DASK_SCHEDULER

    settings = QgsSettings()
    saved = settings.value(KEY_DASK_SCHEDULER)
    settings.setValue(KEY_DASK_SCHEDULER, "tcp://127.0.0.1:1")
    try:
        alg = QgsApplication.processingRegistry().createAlgorithmById(ALG)
        assert alg.parameterDefinition("SCHEDULER").defaultValue() == "tcp://127.0.0.1:1"
    finally:
        if saved is None:
            settings.remove(KEY_DASK_SCHEDULER)
        else:
            settings.setValue(KEY_DASK_SCHEDULER, saved)
    with pytest.raises(QgsProcessingException, match="no Dask scheduler address"):
        run_algorithm(ALG, {"SCENARIO": str(scenario(tmp_path)), "SCHEDULER": "localhost",
                            "OUTPUT_FOLDER": str(tmp_path / "b")})
