"""The planning panel in the real QGIS desktop (Xvfb, the zip in a fresh German profile, the sample project).

One QGIS session (``desktop_driver.py`` with WIP_DESKTOP_MODE=panel) opens the sample project, shows the panel
"WIP Planung", picks Zörbig, runs the energy profile at 100 m (the engine in its worker process) and then asks
the reason inspector about two points whose answer is known from the sample data itself (read here with
shapely and the preset's YAML, not from the engine's output): a point inside a residential area of Zörbig
(excluded by "Wohn- und Mischbauflächen + 500 m") and one outside the municipality (outside the area). The
screenshots (panel, results, reason inspector) go to the artefact folder; ``docs/img`` holds copies for the
README.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_desktop_smoke import SAMPLE, artefact_folder, run_desktop

pytestmark = pytest.mark.slow
PRESET = Path(__file__).resolve().parents[2] / "wip_qgis_plugin" / "presets" / "wind_sachsen_anhalt.yaml"


def probe_points() -> dict[str, tuple[float, float]]:
    """EPSG:25832 points with a known answer: inside Zörbig's largest residential area; outside Zörbig."""
    gpd = pytest.importorskip("geopandas")
    gpkg = SAMPLE / "revier_sample.gpkg"
    municipalities = gpd.read_file(gpkg, layer="municipalities").to_crs(25832)
    zoerbig = municipalities.loc[municipalities["name"] == "Zörbig"].geometry.union_all()
    landuse = gpd.read_file(gpkg, layer="landuse").to_crs(25832)
    residential = landuse.loc[(landuse["landuse"] == "residential") & landuse.intersects(zoerbig)].geometry
    inside = max((g.intersection(zoerbig) for g in residential), key=lambda g: g.area).representative_point()
    xmin, ymin, xmax, ymax = zoerbig.bounds
    candidates = [(x, y) for x in (xmin + 150, xmax - 150) for y in (ymin + 150, ymax - 150)]
    from shapely.geometry import Point

    outside = next(c for c in candidates if Point(c).distance(zoerbig) > 100)
    return {"outside": outside, "residential": (inside.x, inside.y)}  # the last one stays in the screenshot


def residential_label() -> str:
    yaml = pytest.importorskip("yaml")
    catalogue = yaml.safe_load(PRESET.read_text(encoding="utf-8"))
    return next(c["label"]["de"] for c in catalogue["criteria"] if c["id"] == "settlements_hard")


@pytest.fixture(scope="module")
def panel_session(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("desktop-panel")
    probes = probe_points()
    saved = os.environ.get("WIP_DESKTOP_PROBES")
    os.environ["WIP_DESKTOP_PROBES"] = json.dumps(probes)
    try:
        result = run_desktop(root, artefact_folder(root, "panel"), mode="panel")
    finally:
        if saved is None:
            os.environ.pop("WIP_DESKTOP_PROBES", None)
        else:
            os.environ["WIP_DESKTOP_PROBES"] = saved
    result["probes"] = probes
    return result


def test_the_panel_runs_the_profile_for_zoerbig(panel_session):
    r = panel_session
    assert not r["errors"], r["errors"]
    assert r["panel_visible"] and r["panel_municipalities_layer"] == "Gemeinden"
    assert r["panel_land"].startswith("Sachsen-Anhalt"), r["panel_land"]
    assert r["panel_started"], r["panel_status_start"]
    assert r["panel_done"] == [True], r["panel_status"]
    assert r["panel_status"].startswith("Fertig. Gemeinden: 1."), r["panel_status"]


def test_the_results_are_a_styled_layer_group_and_a_report(panel_session):
    r = panel_session
    assert r["panel_group"].startswith("WIP Ergebnis ")
    assert [layer["name"] for layer in r["panel_group_layers"]] == ["Gemeinden mit Kennzahlen",
                                                                    "Standorte des Profils"]
    assert all(layer["valid"] and layer["renderer"] for layer in r["panel_group_layers"])
    report = Path(r["panel_report"])
    assert report.name == "index.html" and report.is_file()
    page = report.read_text(encoding="utf-8")
    assert "Zörbig" in page and 'lang="de"' in page
    assert "Zörbig" in r["panel_results_text"] and "Bilanz 2045" in r["panel_results_text"]
    excel = report.parent.parent / "profile_indicators_excel.csv"  # German QGIS: tables also for Excel
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf") and ";" in excel.read_text(encoding="utf-8-sig")


def test_the_reason_inspector_names_the_criteria_of_known_pixels(panel_session):
    r = panel_session
    assert r["reasons_layer_valid"]
    residential = r["reasons"]["residential"]
    assert residential["status"] == "excluded" and "settlements_hard" in residential["ids"], residential
    assert residential_label() in residential["text"]
    assert r["reasons"]["outside"]["status"] == "outside", r["reasons"]["outside"]


def test_screenshots_of_the_panel_and_the_inspector(panel_session):
    folder = Path(panel_session["artefacts"])
    for name in ("panel", "panel_results", "panel_main_window", "reason_inspector"):
        shot = folder / f"{name}.png"
        assert shot.is_file() and shot.stat().st_size > 5_000, name


def test_a_site_map_page_of_the_profile(panel_session):
    """wip:sitemaps on the panel's result, in the same QGIS: a PDF page per municipality and top site; page 2
    (Zörbig's best site) as a picture (pdftoppm)."""
    assert panel_session["site_maps_pages"] >= 2
    pdf = Path(panel_session["site_maps_pdf"])
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: no picture of the page")
    stem = Path(panel_session["artefacts"]) / "site_map_page"
    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "60", "-png", "-singlefile", str(pdf), str(stem)],
                   check=True, timeout=120)
    assert stem.with_suffix(".png").stat().st_size > 20_000


def test_the_report_at_1280_px(panel_session):
    """The panel's report in headless Chromium at 1,280 px (overview and Zörbig's page), as a council member
    opens it: nothing wider than the window."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (make test-desktop installs it)")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
    from chromium_cdp import Browser

    folder = Path(panel_session["artefacts"])
    report = Path(panel_session["panel_report"])
    browser = Browser(chromium, folder / "chromium-profile")
    try:
        page = browser.page()
        for name, html in (("report_overview", report), ("report_zoerbig", report.with_name("Zoerbig.html"))):
            page.open(html.as_uri(), 1280, 900)
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280, name
            page.screenshot(folder / f"{name}.png")
            assert (folder / f"{name}.png").stat().st_size > 20_000
    finally:
        browser.close()
