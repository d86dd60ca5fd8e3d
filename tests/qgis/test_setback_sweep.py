"""wip:setbacksweep through processing.run: the engine's sweep on the same inputs, equal to
wip:landeligibility at the preset's setback, monotone, charts by extension, clear refusals."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from qgis.core import QgsProcessingFeedback
from wip_qgis_testing import WIND_ROLES, assert_refused, run_algorithm

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilitySettings
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.sweep import SweepOutputs, SweepSettings, run_setback_sweep

ALG = "wip:setbacksweep"


def parameters(region, names=(), **extra) -> dict:
    return region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50,
                             AOI_NAMES=", ".join(names), **extra)


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matches_the_engine_and_land_eligibility_on_the_sample_region(provider, sample_eligibility, tmp_path):
    region, names = sample_eligibility.region, sample_eligibility.names
    table, chart = tmp_path / "sweep.csv", tmp_path / "sweep.png"
    result = run_algorithm(ALG, parameters(region, names, SETBACK_FROM=800, SETBACK_TO=1200, SETBACK_STEP=200,
                                           VARIANTS="forest", OUTPUT_TABLE=str(table), OUTPUT_CHART=str(chart)))
    assert result == {"OUTPUT_TABLE": str(table), "OUTPUT_CHART": str(chart), "CRITERION_ID": "settlements_soft"}
    assert chart.read_bytes()[:4] == b"\x89PNG"

    expected = run_setback_sweep(
        load_catalogue("wind_sachsen_anhalt"), {r: LayerRef(str(region.path), r) for r in WIND_ROLES},
        AreaOfInterest(LayerRef(str(region.path), "municipalities"), "name", names), "settlements_soft",
        [800, 1000, 1200], {"all criteria": [], "without forest": ["forest"]},
        SweepOutputs(table=tmp_path / "engine.csv"), SweepSettings(EligibilitySettings(resolution_m=50.0, workers=1)))
    rows = csv_rows(table)
    assert rows == csv_rows(tmp_path / "engine.csv")
    assert {r["variant"] for r in rows} == {"all criteria", "without forest"}

    # at the preset's 1000 m the sweep is the eligibility run (same pixels, exact thresholds)
    at_preset = sum(float(r["eligible_ha"]) for r in rows if r["variant"] == "all criteria"
                    and float(r["setback_m"]) == 1000)
    assert at_preset == pytest.approx(sample_eligibility.eligible_ha, abs=1e-6)
    with_forest, without = expected.series("all criteria"), expected.series("without forest")
    assert np.all(np.diff(with_forest) < 0) and np.all(without >= with_forest)


def test_agrees_with_land_eligibility_through_processing(provider, small_region, tmp_path):
    sweep = run_algorithm(ALG, parameters(small_region, SETBACK_FROM=600, SETBACK_TO=1500, SETBACK_STEP=300,
                                          OUTPUT_TABLE=str(tmp_path / "sweep.csv")))
    rows = csv_rows(sweep["OUTPUT_TABLE"])
    assert sorted({float(r["setback_m"]) for r in rows}) == [600.0, 900.0, 1200.0, 1500.0]
    for setback in (600, 1500):
        single = run_algorithm("wip:landeligibility", small_region.parameters(
            WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50, SETTLEMENT_SETBACK=setback,
            OUTPUT_ELIGIBILITY=str(tmp_path / f"e{setback}.tif")))
        swept = sum(float(r["eligible_ha"]) for r in rows if float(r["setback_m"]) == setback)
        assert swept == pytest.approx(single["ELIGIBLE_HA"], abs=1e-6)


def test_svg_chart_by_extension_and_an_explicit_criterion(provider, small_region, tmp_path):
    chart = tmp_path / "sweep.svg"
    result = run_algorithm(ALG, parameters(small_region, CRITERION="settlements_soft", SETBACK_FROM=500,
                                           SETBACK_TO=1000, SETBACK_STEP=250, OUTPUT_TABLE=str(tmp_path / "t.csv"),
                                           OUTPUT_CHART=str(chart)))
    assert result["CRITERION_ID"] == "settlements_soft"
    assert "<svg" in chart.read_text(encoding="utf-8")[:1000]


@pytest.mark.parametrize("extra, fragments", [
    ({"CRITERION": "nope"}, ("'nope' is not active", "settlements_soft")),
    ({"VARIANTS": "forest; wald"}, ("wald",)),
    ({"CRS": "EPSG:4326"}, ("EPSG:4326", "not a projected CRS in metres")),
    ({"SETBACK_FROM": 1500, "SETBACK_TO": 400}, ("from ≤ to",)),
    ({"SETBACK_FROM": 0, "SETBACK_TO": 5000, "SETBACK_STEP": 10}, ("at most 100",)),
    ({"OUTPUT_CHART": "sweep.pdf"}, (".png / .svg",)),
])
def test_bad_input_is_refused(provider, small_region, tmp_path, extra, fragments):
    extra = {k: str(tmp_path / v) if k.startswith("OUTPUT") else v for k, v in extra.items()}
    params = parameters(small_region, OUTPUT_TABLE=str(tmp_path / "t.csv"), OUTPUT_CHART=str(tmp_path / "c.png"))
    assert_refused(ALG, dict(params, **extra), tmp_path, *fragments)


def test_cancelled_run_leaves_nothing(provider, small_region, tmp_path):
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    params = parameters(small_region, OUTPUT_TABLE=str(tmp_path / "t.csv"), OUTPUT_CHART=str(tmp_path / "c.png"))
    assert_refused(ALG, params, tmp_path, "cancel", feedback=feedback)
