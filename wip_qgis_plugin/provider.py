"""The Processing provider ``wip``: lists the plugin's algorithms in the toolbox."""
from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .i18n import tr
from .processing_algorithms import ALGORITHMS
from .processing_algorithms.base import (
    ICON_PATH,
    PLUGIN_DIR,
    missing_dependencies,
    missing_dependencies_message,
)


def plugin_version() -> str:
    """Version from metadata.txt, the one source of truth."""
    for line in (PLUGIN_DIR / "metadata.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("version="):
            return line.split("=", 1)[1].strip()
    return ""


class WipProvider(QgsProcessingProvider):
    """Provider ``wip``: land eligibility, setback sweep, suitability and WindBG accounting."""

    def id(self) -> str:
        return "wip"

    def name(self) -> str:
        return tr("WIP Energy & Spatial Planning")

    def longName(self) -> str:  # noqa: N802 (QGIS API)
        return f"{self.name()} {plugin_version()}"

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS API)
        return str(ICON_PATH)

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS API)
        missing = missing_dependencies()
        if missing:  # the algorithms still load; running them explains what to install
            QgsMessageLog.logMessage(missing_dependencies_message(missing), self.name(),
                                     Qgis.MessageLevel.Warning)
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
