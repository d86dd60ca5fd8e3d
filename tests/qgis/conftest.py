"""Fixtures for the QGIS tests (pytest-qgis 2.1, headless).

``wip_plugin`` loads the plugin as QGIS does (classFactory → initGui) into the session's
QgsApplication; ``small_region`` is a tiny synthetic GeoPackage written here; ``sample_region``
is sample_layers/revier_sample.gpkg (skipped while absent); ``sample_eligibility`` the engine's wind
eligibility run on two of its municipalities at 50 m. Helpers live in wip_qgis_testing.py.
"""
from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QLocale
from wip_qgis_testing import SAMPLE_DIR, SAMPLE_GPKG, WIND_ROLES, X0, Y0, Region, require_engine


@pytest.fixture(autouse=True)
def clean_engine_settings(monkeypatch):
    """Every test starts with no engine Python and the engine mode ``auto``, whatever the environment
    (WIP_ENGINE_PYTHON, WIP_ENGINE_MODE) or the profile say; tests that use the worker set them."""
    from qgis.core import QgsSettings

    from wip_qgis_plugin import worker

    monkeypatch.delenv(worker.ENV_ENGINE_PYTHON, raising=False)
    monkeypatch.delenv(worker.ENV_ENGINE_MODE, raising=False)
    settings = QgsSettings()
    saved = {k: settings.value(k) for k in (worker.KEY_ENGINE_PYTHON, worker.KEY_ENGINE_MODE)}
    for key in saved:
        settings.remove(key)
    yield
    for key, value in saved.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


@pytest.fixture(scope="session")
def wip_plugin(qgis_processing, qgis_iface):
    """The plugin, loaded as QGIS loads it; its provider is registered for the session."""
    from wip_qgis_plugin import classFactory

    plugin = classFactory(qgis_iface)
    plugin.initGui()
    yield plugin
    plugin.unload()


@pytest.fixture
def provider(wip_plugin):
    """The registered provider (looked up per test: unloading deletes the old object)."""
    return QgsApplication.processingRegistry().providerById("wip")


@pytest.fixture(scope="session")
def small_region(tmp_path_factory) -> Region:
    """Two 4 × 3 km municipalities with a village, a forest, houses, a lake, a river, a motorway
    and a nature reserve just outside (EPSG:25832); deterministic, written once per session."""
    require_engine()
    import geopandas as gpd
    import shapely

    def frame(geoms, **cols):
        return gpd.GeoDataFrame(dict(cols), geometry=list(geoms), crs="EPSG:25832")

    layers = {
        "municipalities": frame(
            [shapely.box(X0, Y0, X0 + 4000, Y0 + 3000), shapely.box(X0 + 4000, Y0, X0 + 8000, Y0 + 3000)],
            name=["Westdorf", "Ostheim"], ags=["15082001", "15082002"]),
        "landuse": frame(
            [shapely.Point(X0 + 2000, Y0 + 1500).buffer(300), shapely.box(X0 + 5000, Y0 + 200, X0 + 6000, Y0 + 1200)],
            landuse=["residential", "forest"]),
        "buildings": frame(
            [shapely.box(X0 + 300, Y0 + 300, X0 + 312, Y0 + 310),
             shapely.box(X0 + 7000, Y0 + 2600, X0 + 7012, Y0 + 2610)],
            building=["house", "barn"]),
        "protected_areas": frame([shapely.box(X0 + 8150, Y0 + 500, X0 + 9000, Y0 + 1500)],
                                 protection_title=["Naturschutzgebiet"], zone=[None]),
        "water": frame([shapely.Point(X0 + 7000, Y0 + 700).buffer(250)], natural=["water"], water=["lake"]),
        "waterways": frame([shapely.LineString([(X0 + 3500, Y0 - 100), (X0 + 3600, Y0 + 3100)])],
                           waterway=["river"]),
        "roads": frame([shapely.LineString([(X0 - 500, Y0 + 2200), (X0 + 8600, Y0 + 2000)])],
                       highway=["motorway"]),
    }
    path = tmp_path_factory.mktemp("region") / "region.gpkg"
    for name, gdf in layers.items():
        gdf.to_file(path, layer=name, driver="GPKG", engine="pyogrio", dataset_options={"VERSION": "1.2"})
    return Region(path, tuple(layers), ("Westdorf", "Ostheim"))


@pytest.fixture(scope="session")
def sample_region() -> Region:
    """sample_layers/revier_sample.gpkg, with up to three municipality names from it."""
    if not SAMPLE_GPKG.is_file():
        pytest.skip(f"{SAMPLE_GPKG} does not exist (sample_layers/make_sample_region.py writes it)")
    require_engine()
    import pyogrio

    layers = tuple(name for name, _ in pyogrio.list_layers(SAMPLE_GPKG))
    munis = pyogrio.read_dataframe(SAMPLE_GPKG, layer="municipalities", columns=["name"],
                                   read_geometry=False)
    return Region(SAMPLE_GPKG, layers, tuple(sorted(munis["name"].astype(str)))[:3])




@dataclass(frozen=True)
class EligibilityRun:
    """Outputs of an eligibility run: raster, eligible-area polygons, the municipalities and totals."""

    region: Region
    names: tuple[str, ...]
    raster: Path
    areas: Path
    eligible_ha: float

    @property
    def areas_uri(self) -> str:
        return f"{self.areas}|layername=eligible_areas"


@pytest.fixture(scope="session")
def sample_eligibility(sample_region, tmp_path_factory) -> EligibilityRun:
    """wind_sachsen_anhalt eligibility of the first two sample municipalities at 50 m (engine)."""
    from wip_qgis_plugin.core.catalogue.loader import load_catalogue
    from wip_qgis_plugin.core.eligibility.engine import (
        AreaOfInterest,
        EligibilityOutputs,
        EligibilitySettings,
        run_eligibility,
    )
    from wip_qgis_plugin.core.data.layers import LayerRef

    folder = tmp_path_factory.mktemp("eligibility")
    names = sample_region.names[:2]
    result = run_eligibility(
        load_catalogue("wind_sachsen_anhalt"),
        layers={r: LayerRef(str(sample_region.path), r) for r in WIND_ROLES},
        aoi=AreaOfInterest(LayerRef(str(sample_region.path), "municipalities"), "name", names),
        outputs=EligibilityOutputs(eligibility=folder / "elig.tif", polygons=folder / "areas.gpkg"),
        settings=EligibilitySettings(resolution_m=50.0, crs="EPSG:25832", workers=1),
    )
    return EligibilityRun(sample_region, names, folder / "elig.tif", folder / "areas.gpkg", result.eligible_ha)


@contextmanager
def german_ui() -> Iterator[None]:
    """QGIS in German as the plugin finds it: the locale setting, the translator installed as the plugin does at
    start, and German number formats (QLocale's default); all restored afterwards."""
    from wip_qgis_plugin import i18n

    settings = QgsSettings()
    old, old_locale = settings.value("locale/userLocale", ""), QLocale()
    settings.setValue("locale/userLocale", "de_DE")
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert i18n.ui_language() == "de"
    assert i18n.install_translator()
    try:
        yield
    finally:
        i18n.remove_translator()
        QLocale.setDefault(old_locale)
        settings.setValue("locale/userLocale", old)


@pytest.fixture
def german(qgis_app):
    """German UI and number format for one test (:func:`german_ui`)."""
    with german_ui():
        yield


SAMPLE_PROJECT = SAMPLE_DIR / "revier_sample.qgz"


@pytest.fixture
def sample_project(qgis_app):
    """The sample project read into the project instance (cleared afterwards)."""
    if not SAMPLE_PROJECT.is_file():
        pytest.skip(f"{SAMPLE_PROJECT} does not exist (sample_layers/make_project.py writes it)")
    project = QgsProject.instance()
    assert project.read(str(SAMPLE_PROJECT))
    yield project
    project.clear()


# ----------------------------------------------------------------- a VG250-EW WFS on the loopback interface
def feature(name: str, ags: str, x0: float, gf: int = 4) -> dict:
    ring = [[x0, 5_700_000.0], [x0 + 1000.0, 5_700_000.0], [x0 + 1000.0, 5_701_000.0], [x0, 5_700_000.0]]
    return {"type": "Feature", "properties": {"GEN": name, "AGS": ags, "EWZ": 1000, "GF": gf, "SN_L": ags[:2]},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


ANSWER = {"type": "FeatureCollection", "features": [
    feature("Zörbig", "15082430", 700_000.0), feature("Sandersdorf-Brehna", "15082440", 702_000.0),
    feature("Leipzig", "14713000", 720_000.0), feature("Wasserfläche", "15082999", 704_000.0, gf=2)]}


@pytest.fixture
def wfs():
    """A WFS stand-in: GeoJSON for GetFeature requests; records the queries."""
    queries = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            queries.append(query)
            answer = json.dumps(ANSWER).encode() if query.get("REQUEST") == "GetFeature" else b""
            self.send_response(200 if answer else 400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/wfs_vg250-ew", queries
    server.shutdown()
    server.server_close()
