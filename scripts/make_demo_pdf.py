#!/usr/bin/env python3
"""Print the site maps (PDF) of a municipal energy profile with QGIS, headless.

`make demo` runs it after `wip run sample_layers/scenario.yaml` (the profile step writes
out/profile_sites.gpkg, the eligible areas and the suitability raster):

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_demo_pdf.py out

The base map comes from the sample GeoPackage (``--base``): its layers landuse (settlement areas), roads,
water and, where it has one, places. ``--language`` (default de) sets the texts and QGIS's UI locale for
the run, so the pages show that language's number format (``12,3 ha``) also headless; the user's locale
setting is restored afterwards.

With ``--images DIR`` it also writes the README pictures: the first PDF page and the top of the
first municipality's HTML report as small PNGs (the report is rendered with QtWebKit where present).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_GPKG = REPO / "sample_layers" / "revier_sample.gpkg"
#: The site maps' base-map parameters and the sample GeoPackage's layers that fill them (PLACES optional).
BASE_LAYERS = {"SETTLEMENTS": "landuse", "ROADS": "roads", "WATER": "water", "PLACES": "places"}
#: The QGIS UI locale of a ``--language``: texts and number format of the pages.
LOCALES = {"de": "de_DE", "en": "en_GB"}


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


def base_map_parameters(base: Path | None) -> dict:
    """The base-map parameters from the layers of ``base`` that exist (none without a GeoPackage)."""
    if base is None or not base.is_file():
        if base is not None:
            print(f"{base} does not exist: site maps without a base map", file=sys.stderr)
        return {}
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(base)}
    return {key: f"{base}|layername={name}" for key, name in BASE_LAYERS.items() if name in layers}


def use_locale(language: str):
    """Set QGIS's UI locale (``locale/userLocale``, read by the plugin's texts and number format) and Qt's
    default locale for ``language``; returns a function that restores both."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QLocale

    settings = QgsSettings()
    old_setting, old_default = settings.value("locale/userLocale", None), QLocale()
    settings.setValue("locale/userLocale", LOCALES.get(language, language))
    QLocale.setDefault(QLocale(LOCALES.get(language, language)))

    def restore() -> None:
        if old_setting is None:
            settings.remove("locale/userLocale")
        else:
            settings.setValue("locale/userLocale", old_setting)
        QLocale.setDefault(old_default)

    return restore


def site_map_parameters(folder: Path, pdf: Path, top_n: int, title: str, base: Path | None = None) -> dict:
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
    params.update(base_map_parameters(base))
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
    parser.add_argument("--language", default="de", choices=sorted(LOCALES),
                        help="language of the map texts and numbers (default de)")
    parser.add_argument("--base", default=str(SAMPLE_GPKG),
                        help="GeoPackage of the base map: layers landuse, roads, water, places (optional) "
                             "(default: the sample's; '' for none)")
    args = parser.parse_args(argv)
    folder = Path(args.folder).resolve()
    pdf = Path(args.pdf) if args.pdf else folder / "site_maps.pdf"
    app, plugin = start_qgis()
    restore_locale = use_locale(args.language)
    try:
        return print_maps(args, folder, pdf, plugin)
    finally:
        restore_locale()


def print_maps(args: argparse.Namespace, folder: Path, pdf: Path, plugin) -> int:
    """The PDF (and the pictures) in the language set."""
    import processing

    from wip_qgis_plugin.i18n import install_translator, remove_translator

    remove_translator()
    if args.language != "en":
        install_translator(args.language)
    params = site_map_parameters(folder, pdf, args.top, args.title, Path(args.base) if args.base else None)
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
