"""wip:osmdownload through processing.run: a recorded Overpass answer (no network) becomes the canonical
GeoPackage; QGIS's network fetch maps refusals and errors; failures and cancels leave no file."""
from __future__ import annotations

import http.server
import socket
import threading
import urllib.parse
from pathlib import Path

import pytest
from qgis.core import QgsProcessingFeedback, QgsVectorLayer
from wip_qgis_testing import assert_refused, require_engine, run_algorithm

from wip_qgis_plugin.core.data.overpass import FetchFailure, download_osm
from wip_qgis_plugin.processing_algorithms import osm_download

ALG = "wip:osmdownload"
ANSWER = Path(__file__).resolve().parents[1] / "core" / "data" / "overpass_answer.osm"
SERVER = "https://overpass.example.org/api/interpreter"


@pytest.fixture
def municipalities(tmp_path) -> Path:
    """Testdorf around the recorded answer's village, and a second municipality far away (EPSG:25832)."""
    require_engine()
    import geopandas as gpd
    from shapely.geometry import box

    path = tmp_path / "input" / "gemeinden.gpkg"
    path.parent.mkdir()
    gpd.GeoDataFrame({"name": ["Testdorf", "Anderswo"]}, geometry=[
        box(11.600, 49.980, 11.610, 49.986), box(12.5, 50.5, 12.6, 50.6)], crs="EPSG:4326").to_crs(
            "EPSG:25832").to_file(path, layer="gemeinden")
    return path


class FakeFetch:
    def __init__(self, payload: bytes = b"", failure: FetchFailure | None = None):
        self.payload, self.failure, self.calls = payload, failure, []

    def __call__(self, url, body, timeout_s):
        self.calls.append((url, urllib.parse.parse_qs(body.decode())["data"][0]))
        if self.failure is not None:
            raise self.failure
        return iter([self.payload[i:i + 300] for i in range(0, len(self.payload), 300)])


def parameters(aoi: Path, out: Path, **extra) -> dict:
    params = {"PRESET": "wind_thueringen", "AOI": f"{aoi}|layername=gemeinden", "AOI_NAMES": "Testdorf",
              "SERVER_URL": SERVER, "OUTPUT": str(out / "testdorf.gpkg")}
    params.update(extra)
    return params


def test_downloads_and_writes_the_role_layers(provider, municipalities, tmp_path, monkeypatch):
    fake = FakeFetch(ANSWER.read_bytes())
    monkeypatch.setattr(osm_download, "qgis_fetch", lambda feedback: fake)
    out = tmp_path / "out"
    out.mkdir()
    result = run_algorithm(ALG, parameters(municipalities, out))
    assert (result["NODES"], result["WAYS"], result["RELATIONS"]) == (18, 6, 1)
    assert result["MARGIN"] == 1100.0  # wind_thueringen: 1,000 m to settlements + 100 m
    assert result["OUTPUT"] == str(out / "testdorf.gpkg") and result["OUTPUT_OSM"] == str(out / "testdorf.osm")
    url, query = fake.calls[0]
    assert url == SERVER and query.startswith("[out:xml][timeout:300][bbox:49.970") and 'way["building"];' in query
    buildings = QgsVectorLayer(f"{out / 'testdorf.gpkg'}|layername=buildings")
    assert buildings.isValid() and buildings.featureCount() == 1 and buildings.crs().authid() == "EPSG:25832"
    nsg = QgsVectorLayer(f"{out / 'testdorf.gpkg'}|layername=protected_areas")
    assert [f["protection_title"] for f in nsg.getFeatures()] == ["Naturschutzgebiet"]
    assert sorted(p.name for p in out.iterdir()) == ["testdorf.gpkg", "testdorf.osm"]


@pytest.mark.parametrize("failure, fragments", [
    (FetchFailure("offline", "Connection refused"), ("Cannot reach the Overpass server", "Connection refused",
                                                     "Geofabrik")),
    (FetchFailure("http", "Too Many Requests", 429, b"<p>rate_limited</p>"), ("HTTP 429", "rate_limited")),
    (FetchFailure("http", "Gateway Timeout", 504), ("HTTP 504", "another Overpass server")),
    (FetchFailure("timeout", "timed out"), ("did not answer in time", "fewer municipalities")),
])
def test_download_failures_are_explained_and_leave_no_file(provider, municipalities, tmp_path, monkeypatch,
                                                           failure, fragments):
    monkeypatch.setattr(osm_download, "qgis_fetch", lambda feedback: FakeFetch(failure=failure))
    out = tmp_path / "out"
    out.mkdir()
    assert_refused(ALG, parameters(municipalities, out), out, SERVER, *fragments)


def test_an_html_page_is_not_osm_data(provider, municipalities, tmp_path, monkeypatch):
    page = b"<html><body><p><strong>Error</strong>: line 1: parse error</p></body></html>"
    monkeypatch.setattr(osm_download, "qgis_fetch", lambda feedback: FakeFetch(page))
    out = tmp_path / "out"
    out.mkdir()
    assert_refused(ALG, parameters(municipalities, out), out, "is not OSM data", "line 1: parse error")


def test_refuses_a_server_that_is_no_url(provider, municipalities, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert_refused(ALG, parameters(municipalities, out, SERVER_URL="overpass-api.de"), out,
                   "“overpass-api.de” is no Overpass server URL")


# ----------------------------------------------------------------- QGIS's network stack, on the loopback interface
@pytest.fixture
def local_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status, answer = (429, b"<html><p>Too many requests</p></html>") if self.path == "/busy" else \
                (200, ANSWER.read_bytes() if b"data=" in body else b"")
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_qgis_fetch_posts_through_qgis(qgis_app, local_server, tmp_path):
    fetch = osm_download.qgis_fetch(QgsProcessingFeedback())
    result = download_osm("[out:xml];node(1);out;", tmp_path / "a.osm", fetch,
                          server_url=f"{local_server}/api/interpreter", timeout_s=10)
    assert (result.nodes, result.ways, result.relations) == (18, 6, 1)
    with pytest.raises(osm_download.OverpassError) as busy:
        download_osm("q", tmp_path / "b.osm", osm_download.qgis_fetch(None), server_url=f"{local_server}/busy",
                     timeout_s=10)
    assert busy.value.code == "busy" and busy.value.status == 429 and "Too many requests" in busy.value.remark
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(osm_download.OverpassError) as refused:
        download_osm("q", tmp_path / "c.osm", osm_download.qgis_fetch(None), server_url=f"http://127.0.0.1:{port}/x",
                     timeout_s=10)
    assert refused.value.code == "offline" and "refused" in refused.value.remark.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.osm"]


def test_a_cancelled_feedback_cancels_the_fetch(qgis_app, local_server, tmp_path):
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(osm_download.Cancelled):
        download_osm("q", tmp_path / "a.osm", osm_download.qgis_fetch(feedback),
                     server_url=f"{local_server}/api/interpreter", timeout_s=10)
    assert list(tmp_path.iterdir()) == []
