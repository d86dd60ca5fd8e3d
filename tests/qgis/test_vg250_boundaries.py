"""``wip:vg250boundaries`` through QGIS's network stack against a WFS stand-in on the loopback interface."""
from __future__ import annotations

import http.server
import json
import socket
import threading
import urllib.parse

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

from conftest import german_ui


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


class Errors(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.errors = []

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 (QGIS API)
        self.errors.append(error)
        super().reportError(error, fatalError)


def run(provider, params):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("wip:vg250boundaries")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    results, ok = algorithm.run(params, context, feedback)
    return results, ok, context


def test_the_boundaries_of_sachsen_anhalt_through_qgis(provider, wfs, tmp_path):
    url, queries = wfs
    out = tmp_path / "gemeinden.geojson"
    results, ok, context = run(provider, {"LANDS": [14], "SERVER_URL": url, "OUTPUT": str(out)})  # 14: ST
    assert ok and results["N_MUNICIPALITIES"] == 2
    assert queries[0]["TYPENAMES"] == "vg250-ew:vg250_gem" and "<fes:Literal>15</fes:Literal>" in queries[0]["FILTER"]
    layer = QgsVectorLayer(str(out), "g", "ogr")
    assert layer.isValid() and layer.featureCount() == 2 and layer.crs().authid() == "EPSG:25832"
    assert sorted(f["GEN"] for f in layer.getFeatures()) == ["Sandersdorf-Brehna", "Zörbig"]
    assert list(context.layersToLoadOnCompletion()) == [str(out)]


def test_offline_stops_with_the_manual_download_in_german(provider, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with german_ui():
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("wip:vg250boundaries")
        feedback = Errors()
        results, ok = algorithm.run({"LANDS": [14], "SERVER_URL": f"http://127.0.0.1:{port}/x",
                                     "OUTPUT": str(tmp_path / "g.geojson")}, QgsProcessingContext(), feedback)
    assert not ok and list(tmp_path.iterdir()) == []
    assert feedback.errors and feedback.errors[-1].startswith("Keine Verbindung zum VG250-Dienst"), feedback.errors
    assert "gdz.bkg.bund.de" in feedback.errors[-1]
