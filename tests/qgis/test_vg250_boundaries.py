"""``wip:vg250boundaries`` through QGIS's network stack against a WFS stand-in on the loopback interface."""
from __future__ import annotations

import socket

from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

from conftest import german_ui


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
