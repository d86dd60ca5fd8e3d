"""The panel's way to municipal boundaries for a planner who has none: ``wip:vg250boundaries`` of one Land.

The button "Load boundaries (VG250-EW)…" in box 1 asks for the Land (the one the panel's Land choice names,
else Sachsen-Anhalt), runs the algorithm as a background task — it only downloads and writes a file through
QGIS's network stack, nothing of the engine and none of the project's layers — and adds the file to the
project as "Gemeinden (VG250-EW)", which the panel then picks as its municipalities layer.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from .i18n import tr
from .processing_algorithms.vg250_boundaries import LAND_CODES

ALGORITHM_ID = "wip:vg250boundaries"


class ErrorFeedback(QgsProcessingFeedback):
    """Keeps the run's error messages (the reason a download failed)."""

    def __init__(self):
        super().__init__()
        self.errors: list[str] = []

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 (QGIS API)
        self.errors.append(error)
        super().reportError(error, fatalError)


def boundaries_file(folder: str | Path, land: str) -> Path:
    """Where the boundaries of ``land`` are kept: ``<folder>/gemeinden_vg250_<land>.geojson``."""
    return Path(folder) / f"gemeinden_vg250_{land.lower()}.geojson"


class BoundariesLoader(QObject):
    """One download of a Land's boundaries; ``finished(layer or None, message)`` when it has ended."""

    finished = pyqtSignal(object, str)

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.project = project
        self.task = None
        self.feedback = None
        self.context = None
        self.path: Path | None = None

    def start(self, land: str, folder: str | Path, server_url: str | None = None) -> bool:
        """Start the download of ``land`` (a code of ``LAND_CODES``) into ``folder``; False if one is running."""
        if self.task is not None:
            return False
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        if algorithm is None:
            self.finished.emit(None, tr("The algorithm {id} is not available: is the plugin's provider loaded?")
                               .format(id=ALGORITHM_ID))
            return False
        self.path = boundaries_file(folder, land)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        params = {"LANDS": [LAND_CODES.index(land)], "OUTPUT": str(self.path)}
        if server_url:
            params["SERVER_URL"] = server_url
        self.context = QgsProcessingContext()
        self.feedback = ErrorFeedback()
        self.task = QgsProcessingAlgRunnerTask(algorithm, params, self.context, self.feedback)
        self.task.executed.connect(self._executed)
        QgsApplication.taskManager().addTask(self.task)
        return True

    def _executed(self, ok: bool, results: dict) -> None:
        self.task = None
        if not ok:
            reason = self.feedback.errors[-1] if self.feedback.errors else tr("see the log")
            self.finished.emit(None, tr("The boundaries could not be loaded: {error}").format(error=reason))
            return
        layer = QgsVectorLayer(str(results.get("OUTPUT") or self.path), tr("Municipalities (VG250-EW)"), "ogr")
        if not layer.isValid():
            self.finished.emit(None, tr("The boundaries file {path} cannot be read.").format(path=self.path))
            return
        self.project.addMapLayer(layer)
        self.finished.emit(layer, tr("{n} municipalities loaded (© GeoBasis-DE / BKG, dl-de/by-2-0).").format(
            n=layer.featureCount()))
