#!/usr/bin/env python3
"""Print the site maps (PDF) of a municipal energy profile with QGIS, headless.

`make demo` runs it after `wip run sample_layers/scenario.yaml` (the profile step writes
out/profile_sites.gpkg, the eligible areas and the suitability raster):

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_demo_pdf.py out

With ``--images DIR`` it also writes the README pictures: the first PDF page and the top of the
first municipality's HTML report as small PNGs (the report is rendered with QtWebKit where present).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def start_qgis():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication

    app = QgsApplication([], True)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from wip_qgis_plugin import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    return app, plugin


def site_map_parameters(folder: Path, pdf: Path, top_n: int, title: str) -> dict:
    gpkg = folder / "profile_sites.gpkg"
    if not gpkg.is_file():
        raise SystemExit(f"{gpkg} does not exist: run the profile first (wip run sample_layers/scenario.yaml)")
    params = {"MUNICIPALITIES": f"{gpkg}|layername=municipalities", "NAME_FIELD": "name",
              "SITES": f"{gpkg}|layername=sites", "TOP_N": top_n, "TITLE": title, "OUTPUT_PDF": str(pdf)}
    import pyogrio

    if "connections" in {name for name, _ in pyogrio.list_layers(gpkg)}:
        params["CONNECTIONS"] = f"{gpkg}|layername=connections"
    for key, name in (("WIND_AREAS", "wind_areas.gpkg"), ("PV_AREAS", "pv_ground_areas.gpkg")):
        if (folder / name).is_file():
            params[key] = f"{folder / name}|layername=eligible_areas"
    if (folder / "wind_suitability.tif").is_file():
        params["SUITABILITY"] = str(folder / "wind_suitability.tif")
    return params


def page_png(params: dict, path: Path, page: int = 0, dpi: int = 45) -> None:
    """One atlas page as PNG (the same layout the algorithm prints)."""
    from qgis.core import QgsLayoutExporter, QgsProcessingContext

    from wip_qgis_plugin.processing_algorithms.site_maps import SiteMaps

    alg = SiteMaps()
    alg.initAlgorithm()
    _project, layout, _pages = alg.build(params, QgsProcessingContext())
    atlas = layout.atlas()
    atlas.beginRender()
    atlas.first()
    for _ in range(page):
        atlas.next()
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    QgsLayoutExporter(layout).exportToImage(str(path), settings)
    atlas.endRender()


def report_png(html: Path, path: Path, width: int = 900, height: int = 1100) -> bool:
    """The top of an HTML report as PNG (QtWebKit); False where QtWebKit is missing."""
    try:
        from qgis.PyQt.QtCore import QEventLoop, QSize, QUrl
        from qgis.PyQt.QtGui import QImage, QPainter
        from qgis.PyQt.QtWebKitWidgets import QWebPage
    except ImportError:
        return False
    page = QWebPage()
    page.setViewportSize(QSize(width, height))
    loop = QEventLoop()
    page.mainFrame().loadFinished.connect(loop.quit)
    page.mainFrame().load(QUrl.fromLocalFile(str(html)))
    (loop.exec if hasattr(loop, "exec") else loop.exec_)()
    image = QImage(QSize(width, height), QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    page.mainFrame().render(painter)
    painter.end()
    return image.scaledToWidth(width * 3 // 4).save(str(path), "PNG")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO / "out"), help="the profile's output folder")
    parser.add_argument("--pdf", help="PDF to write (default: FOLDER/site_maps.pdf)")
    parser.add_argument("--top", type=int, default=2, help="site pages per municipality")
    parser.add_argument("--title", default="Kommunales Energieprofil")
    parser.add_argument("--images", help="also write README pictures (PNG) into this folder")
    parser.add_argument("--language", default="de", help="language of the map texts (de or en)")
    args = parser.parse_args(argv)
    folder = Path(args.folder).resolve()
    pdf = Path(args.pdf) if args.pdf else folder / "site_maps.pdf"
    app, plugin = start_qgis()
    import processing

    from wip_qgis_plugin.i18n import install_translator

    if args.language != "en":
        install_translator(args.language)
    params = site_map_parameters(folder, pdf, args.top, args.title)
    result = processing.run("wip:sitemaps", params)
    print(f"{result['OUTPUT_PDF']}: {result['PAGES']} pages")
    if args.images:
        images = Path(args.images)
        images.mkdir(parents=True, exist_ok=True)
        page_png(params, images / "profile_site_map.png")
        print(images / "profile_site_map.png")
        reports = sorted((folder / "report").glob("*.html"))
        first = next((r for r in reports if r.name != "index.html"), None)
        if first is not None and report_png(first, images / "profile_report.png"):
            print(images / "profile_report.png")
        if (folder / "report" / "index.html").is_file() and report_png(folder / "report" / "index.html",
                                                                       images / "profile_overview.png", 1100, 700):
            print(images / "profile_overview.png")
    del plugin
    return 0


if __name__ == "__main__":
    sys.exit(main())
