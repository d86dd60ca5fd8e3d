"""HTML reports: one per municipality and an overview, self-contained (images embedded), German by
default and English on request; charts and maps drawn headless."""
from __future__ import annotations

import dataclasses
import re

import pytest
from test_profile import GPKG, NAMES, make_plan

from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import SourceSpec
from wip_qgis_plugin.core.profile.report import INDICATOR_LABELS, MESSAGES, slug

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")


@pytest.fixture(scope="module", params=["de", "en"])
def reports(request, tmp_path_factory):
    inputs = tmp_path_factory.mktemp("in")
    out = tmp_path_factory.mktemp("out")
    plan = make_plan(out, inputs, report=True, language=request.param, suitability=False,
                     sweep_setbacks_m=(500.0, 1000.0, 1500.0), sweep_resolution_m=100.0)
    result = run_profile(dataclasses.replace(plan, sources=plan.sources[:2] + (SourceSpec("agri_pv"),)))
    return result, request.param


def test_report_files_exist_for_each_municipality(reports):
    result, _ = reports
    index = result.files["report"]
    assert index == result.plan.output_dir / "report" / "index.html" and index.is_file()
    for name in NAMES:
        page = result.files[f"report:{name}"]
        assert page.is_file() and page.name == f"{slug(name)}.html"
        assert name in page.read_text(encoding="utf-8")
    overview = index.read_text(encoding="utf-8")
    for name in NAMES:
        assert f'href="{slug(name)}.html"' in overview and name in overview


def test_reports_are_self_contained(reports):
    result, _ = reports
    for path in (result.plan.output_dir / "report").glob("*.html"):
        page = path.read_text(encoding="utf-8")
        sources = re.findall(r'src="([^"]*)"', page)
        assert sources, path
        assert all(s.startswith("data:image/png;base64,") for s in sources), path
        assert "<link" not in page and "<script" not in page and "http://" not in page
    page = result.files[f"report:{NAMES[0]}"].read_text(encoding="utf-8")
    assert len(re.findall(r"<img ", page)) == 4  # map, monthly balance, duration curve, setback sweep
    assert not list((result.plan.output_dir / "report").glob(".*"))  # no temporary map files left


def test_language_switch(reports):
    result, language = reports
    page = result.files[f"report:{NAMES[0]}"].read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page
    assert MESSAGES[language]["title"] in page
    assert INDICATOR_LABELS[language]["demand_gwh"][0] in page
    other = "en" if language == "de" else "de"
    assert MESSAGES[other]["top_sites"] not in page


def test_message_tables_match():
    assert set(MESSAGES["de"]) == set(MESSAGES["en"])
    assert set(INDICATOR_LABELS["de"]) == set(INDICATOR_LABELS["en"])


def test_slug():
    assert slug("Zörbig") == "Zoerbig" and slug("Raguhn-Jeßnitz") == "Raguhn_Jessnitz"
    assert slug("///") == "municipality"


def test_setback_sweep_chart_data(reports):
    import csv

    result, language = reports
    with open(result.plan.output_dir / "profile_wind_sweep.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    variants = {r["variant"] for r in rows}
    assert variants == ({"with forest", "without forest"} if language == "en" else {"mit Wald", "ohne Wald"})
    for name in NAMES:
        for variant in variants:
            share = [float(r["eligible_pct"]) for r in rows if r["name"] == name and r["variant"] == variant]
            assert len(share) == 3 and share[0] >= share[1] >= share[2]        # larger setback, less land
        at_1000 = {r["variant"]: float(r["eligible_ha"]) for r in rows
                   if r["name"] == name and float(r["setback_m"]) == 1000.0}
        with_forest, without_forest = (at_1000[v] for v in sorted(variants, key=lambda v: ("ohne" in v or "out" in v)))
        assert without_forest >= with_forest                                   # dropping the forest rule adds land
    assert result.sweep["criterion"] == "settlements_soft"


def test_pages_drawn_in_forked_workers_are_the_same(reports, monkeypatch, tmp_path):
    """With ``plan.workers`` > 1 the municipality pages come from forked processes: the same pages, in order."""
    import multiprocessing as mp

    from wip_qgis_plugin.core.profile import report

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform")
    result, _ = reports
    monkeypatch.setattr(result, "plan", dataclasses.replace(result.plan, workers=2))
    alone = list(report.municipality_pages(result, report.matplotlib_map, tmp_path, may_fork=False))
    monkeypatch.setattr(report, "PARALLEL_PAGES_FROM", 1)
    forked = list(report.municipality_pages(result, report.matplotlib_map, tmp_path))
    assert [i for i, _ in forked] == list(range(len(result.municipalities)))
    assert forked == alone
    assert not list(tmp_path.iterdir())   # the maps' temporary files are gone
