"""The HTML reports rendered in headless Chromium (Debian's chromium), as a planner opens and prints them.

A profile of two sample municipalities (engine, 100 m, with the setback sweep, so every chart is there, and the
wind, ground-PV and agri-PV sources, so the sources, best-sites and grid tables are there too)
writes report/index.html and one page per municipality. Each page is opened at 1,280 px wide and must
show no console error, no failed load, every image decoded (non-zero size), and nothing reaching past
the right edge; it is then printed to PDF (A4): every table must reach the PDF whole (not cut at the
page's edge), every table that fits on a page must sit on one page, and no section heading may be left at
the foot of a page (markers put at the start and end of each table, and in each heading and the first line
after it, are looked up per PDF page with pdftotext). Screenshots
and PDFs go to $CI_ARTIFACTS/browser (kept by CI, not committed). Without chromium or pdftotext the
tests skip with the reason (make test-browser installs them).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GPKG = REPO / "sample_layers" / "revier_sample.gpkg"
WIDTH = 1280
#: A4 printed with 0.4 in margins: the content box in CSS pixels (96 per inch).
PAGE_CONTENT_PX = ((8.27 - 0.8) * 96, (11.69 - 0.8) * 96)

pytestmark = pytest.mark.slow

MARK_TABLES = """(() => {
  const tables = [...document.querySelectorAll('table')];
  const heights = [];
  tables.forEach((t, i) => {
    const cells = t.querySelectorAll('td, th');
    if (!cells.length) return;
    for (const [cell, tag] of [[cells[0], 'S'], [cells[cells.length - 1], 'E']]) {
      const m = document.createElement('span');
      m.textContent = 'QX' + i + tag + 'XQ';
      m.style.fontSize = '1px';
      m.style.whiteSpace = 'nowrap';
      cell.appendChild(m);
    }
    heights.push(t.getBoundingClientRect().height);
  });
  return heights;
})()"""

MARK_HEADINGS = """(() => {
  const mark = (text) => { const m = document.createElement('span'); m.textContent = text;
    m.style.fontSize = '1px'; m.style.whiteSpace = 'nowrap'; return m; };
  const headings = [...document.querySelectorAll('h2')];
  headings.forEach((h, i) => {
    h.appendChild(mark('QH' + i + 'XQ'));
    const next = h.nextElementSibling;
    if (!next) return;
    if (next.tagName === 'IMG') next.after(mark('QN' + i + 'XQ'));
    else (next.tagName === 'TABLE' ? next.querySelector('td, th') || next : next).prepend(mark('QN' + i + 'XQ'));
  });
  return headings.length;
})()"""

OVERFLOW = """(() => {
  const W = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1) out.push(el.tagName.toLowerCase() + ' right=' + Math.round(r.right));
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, cut: out.slice(0, 10)};
})()"""

# Chromium shows what it can of a cut-off PNG (the rows it got, the rest transparent) and decode() succeeds:
# the image is also drawn to a canvas and its last row must be painted (the charts and maps are opaque).
IMAGES = """Promise.all([...document.images].map(img => img.decode().then(() => {
  const w = img.naturalWidth, h = img.naturalHeight;
  let lastRow = null;
  if (w > 0 && h > 0) {
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
    try { lastRow = [...ctx.getImageData(0, h - 1, w, 1).data].some((v, i) => i % 4 === 3 && v > 0); }
    catch (e) { lastRow = null; }
  }
  return {ok: w > 0 && h > 0 && lastRow !== false, alt: img.alt, w: w, last_row_painted: lastRow,
          src: img.currentSrc};
}, () => ({ok: false, alt: img.alt, w: 0, src: img.currentSrc}))))"""


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (make test-browser installs it: apt install chromium)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt install poppler-utils)")
    return exe


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    folder = Path(os.environ["CI_ARTIFACTS"]) / "browser" if os.environ.get("CI_ARTIFACTS") \
        else tmp_path_factory.mktemp("browser")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory) -> list[Path]:
    """report/index.html and the municipalities' pages of a small profile run."""
    if not GPKG.is_file():
        pytest.skip(f"{GPKG} is missing")
    try:
        from wip_qgis_plugin.core.data.layers import LayerRef
        from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
        from wip_qgis_plugin.core.profile.engine import run_profile
        from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec, TechnologyStep
    except ImportError as exc:
        pytest.skip(f"the engine's packages are missing: {exc}")
    folder = tmp_path_factory.mktemp("profile")
    roles = ("landuse", "buildings", "roads", "substations", "water", "waterways", "protected_areas", "railways",
             "airfields")
    run_profile(ProfilePlan(
        layers={r: LayerRef(str(GPKG), r) for r in roles},
        aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Zörbig", "Landsberg")),
        output_dir=folder,
        technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, min_area_ha=5),
                      TechnologyStep("pv_ground", {"source": "pv_ground"})),
        sources=(SourceSpec("wind"), SourceSpec("pv_ground"), SourceSpec("agri_pv")),
        rasters={"wind_speed_150m": str(GPKG.parent / "wind_speed_150m.tif")}, resolution_m=100.0,
        report=True, language="de", workers=1, sweep_setbacks_m=(600.0, 1000.0), sweep_resolution_m=100.0))
    pages = sorted((folder / "report").glob("*.html"))
    assert any(p.name == "index.html" for p in pages) and len(pages) >= 3, pages
    return pages


@pytest.fixture(scope="module")
def rendered(chromium, report_pages, artefacts, tmp_path_factory) -> dict:
    """Per page: console errors, failed loads, images, overflow, table heights and the PDF's page per marker."""
    from chromium_cdp import Browser

    browser = Browser(chromium, tmp_path_factory.mktemp("chromium-profile"))
    results = {}
    try:
        for path in report_pages:
            page = browser.page()
            page.open(path.as_uri(), WIDTH)
            name = path.stem
            info = {"images": page.evaluate(IMAGES), "overflow": page.evaluate(OVERFLOW)}
            page.screenshot(artefacts / f"{name}.png")
            info["console_errors"] = [
                " ".join(str(a.get("value", a.get("description", ""))) for a in e.get("args", []))
                for e in page.events("Runtime.consoleAPICalled") if e.get("type") in ("error", "assert")]
            info["exceptions"] = [e["exceptionDetails"].get("text") for e in page.events("Runtime.exceptionThrown")]
            info["log_errors"] = [e["entry"].get("text") for e in page.events("Log.entryAdded")
                                  if e["entry"].get("level") == "error"]
            # tables measured as printed: print media, the A4 content width
            page.call("Emulation.setEmulatedMedia", {"media": "print"})
            page.call("Emulation.setDeviceMetricsOverride", {"width": int(PAGE_CONTENT_PX[0]), "height": 1000,
                                                             "deviceScaleFactor": 1, "mobile": False})
            info["table_heights"] = page.evaluate(MARK_TABLES)
            info["headings"] = page.evaluate(MARK_HEADINGS)
            pdf = artefacts / f"{name}.pdf"
            page.pdf_a4(pdf)
            info["marker_pages"] = marker_pages(pdf)
            info["heading_pages"] = marker_pages(pdf, r"Q([HN]\d+)XQ")
            results[name] = info
    finally:
        browser.close()
    return results


def marker_pages(pdf: Path, pattern: str = r"QX(\d+[SE])XQ") -> dict[str, list[int]]:
    """Each marker (by default a table's, QX<i><S|E>XQ) with the PDF pages its text is on."""
    import re

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1)) if info.returncode == 0 else 1
    found: dict[str, list[int]] = {}
    for n in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True).stdout
        text = re.sub(r"\s+", "", text)  # a marker may wrap in a narrow cell
        for marker in re.findall(pattern, text):
            found.setdefault(marker, []).append(n)
    return found


def test_no_console_errors_and_nothing_failed_to_load(rendered):
    problems = {name: {k: info[k] for k in ("console_errors", "exceptions", "log_errors") if info[k]}
                for name, info in rendered.items()}
    assert not any(problems.values()), problems


def image_problem(src: str) -> str:
    """Why the image file behind ``src`` (a data: or file: URI) is not complete ('' if it is)."""
    import base64
    import io
    from urllib.parse import unquote, urlparse

    from PIL import Image

    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    elif src.startswith("file:"):
        data = Path(unquote(urlparse(src).path)).read_bytes()
    else:
        return ""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # reads every row: a cut-off file raises
    except Exception as exc:  # noqa: BLE001 - PIL raises OSError, SyntaxError … for broken files
        return f"{type(exc).__name__}: {exc}"
    return ""


def test_every_image_is_decoded(rendered):
    for name, info in rendered.items():
        assert info["images"], f"{name}: no images (charts and map expected)"
        bad = [{k: v for k, v in i.items() if k != "src"} for i in info["images"] if not i["ok"]]
        assert not bad, (name, bad)
        broken = {i["alt"]: image_problem(i["src"]) for i in info["images"] if image_problem(i["src"])}
        assert not broken, (name, broken)


def test_nothing_is_cut_off_at_1280_px(rendered):
    for name, info in rendered.items():
        overflow = info["overflow"]
        assert overflow["scrollWidth"] <= overflow["width"] and not overflow["cut"], (name, overflow)


def test_printed_tables_are_not_cut_at_the_page_edge(rendered):
    """Every table's last cell reaches the PDF (a table wider than A4 loses its right edge)."""
    missing = {name: [i for i in range(len(info["table_heights"]))
                      if f"{i}S" not in info["marker_pages"] or f"{i}E" not in info["marker_pages"]]
               for name, info in rendered.items()}
    assert not any(missing.values()), missing


def test_pdf_page_breaks_do_not_split_tables(rendered):
    """A table shorter than a page is printed on one page."""
    split = {}
    for name, info in rendered.items():
        pages = info["marker_pages"]
        for i, height in enumerate(info["table_heights"]):
            start, end = pages.get(f"{i}S"), pages.get(f"{i}E")
            if start and end and height < PAGE_CONTENT_PX[1] * 0.9 and start[0] != end[-1]:
                split.setdefault(name, []).append(f"table {i} ({height:.0f} px) on pages {start[0]}–{end[-1]}")
    assert not split, split


def test_no_heading_is_left_at_the_foot_of_a_page(rendered):
    """A section heading is printed on the page where its section starts (its next element's first line)."""
    orphaned = {}
    for name, info in rendered.items():
        pages = info["heading_pages"]
        assert len([k for k in pages if k.startswith("H")]) == info["headings"], (name, pages)
        for i in range(info["headings"]):
            heading, start = pages.get(f"H{i}"), pages.get(f"N{i}")
            if heading and start and heading[-1] != start[0]:
                orphaned.setdefault(name, []).append(f"heading {i} on page {heading[-1]}, its section on {start[0]}")
    assert not orphaned, orphaned


def test_every_page_prints_to_an_a4_pdf(rendered, artefacts):
    for name, info in rendered.items():
        out = subprocess.run(["pdfinfo", str(artefacts / f"{name}.pdf")], capture_output=True, text=True).stdout
        assert "(A4)" in out, (name, out)
        assert info["marker_pages"], f"{name}: no table text in the PDF"
