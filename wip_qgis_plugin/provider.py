"""The Processing provider ``wip``: lists the plugin's algorithms in the toolbox."""
from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .environment import menu_name
from .processing_algorithms import ALGORITHMS
from .processing_algorithms.base import ICON_PATH, PLUGIN_DIR


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
        return menu_name()

    def longName(self) -> str:  # noqa: N802 (QGIS API)
        return f"{self.name()} {plugin_version()}"

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS API)
        return str(ICON_PATH)

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS API)
        """All algorithms, also when the engine cannot run (the plugin says why at start, canExecute on use)."""
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
