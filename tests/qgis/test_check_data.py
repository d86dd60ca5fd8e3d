"""wip:checkdata ("Eingangsdaten prüfen") through processing.run: the engine's check on the small region,
the CSV written, the table in the log, German in a German interface."""
from __future__ import annotations

import csv

from wip_qgis_testing import RecordingFeedback, run_algorithm

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.check import DataCheckSettings, run_data_check
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilitySettings

ALG = "wip:checkdata"
ROLES = ("landuse", "buildings", "protected_areas", "water", "waterways", "roads")


def read_rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_runs_on_the_small_region_and_writes_the_csv(provider, small_region, tmp_path):
    out = tmp_path / "check.csv"
    feedback = RecordingFeedback()
    result = run_algorithm(ALG, small_region.parameters(ROLES, PRESET="wind_sachsen_anhalt", OUTPUT_TABLE=str(out)),
                           feedback=feedback)
    engine = run_data_check(load_catalogue("wind_sachsen_anhalt"),
                            {r: LayerRef(str(small_region.path), r) for r in ROLES},
                            AreaOfInterest(LayerRef(str(small_region.path), "municipalities")), None,
                            DataCheckSettings(EligibilitySettings()))
    rows = read_rows(out)
    criteria = [r for r in rows if r["row_type"] == "criterion"]
    warnings = [r for r in rows if r["row_type"] == "warning"]
    assert [r["criterion"] for r in criteria] == [c.criterion for c in engine.criteria]
    assert len(criteria) == 11  # wind_sachsen_anhalt, hard and soft
    assert [r["code"] for r in warnings] == engine.codes()
    assert result["WARNINGS"] == len(engine.warnings) and result["NOT_ASSESSED"] == 0
    assert result["OUTPUT_TABLE"] == str(out)
    dwellings = next(r for r in criteria if r["criterion"] == "dwellings_2h")
    assert (dwellings["matched"], dwellings["dwellings_explicit"], dwellings["not_dwellings"]) == ("1", "1", "1")
    assert any(line.startswith("Data check of catalogue wind_sachsen_anhalt") for line in feedback.infos)


def test_names_the_criteria_not_assessed_in_german(provider, small_region, tmp_path, monkeypatch):
    from wip_qgis_plugin.processing_algorithms import check_data

    monkeypatch.setattr(check_data, "ui_language", lambda: "de")
    out = tmp_path / "check.csv"
    result = run_algorithm(ALG, small_region.parameters(("landuse", "buildings"), PRESET="wind_sachsen_anhalt",
                                                        OUTPUT_TABLE=str(out)))
    absent = [r for r in read_rows(out) if r["code"] == "not_assessed"]
    assert [r["criterion"] for r in absent] == ["nature_reserves", "bird_protection", "drinking_water_1_2",
                                                "water_bodies", "ffh_areas", "standing_water", "rivers_first_order"]
    assert absent[0]["message"].startswith("Kriterium „nature_reserves“ würde NICHT GEPRÜFT")
    assert result["NOT_ASSESSED"] == 7
