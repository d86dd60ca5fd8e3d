"""The plugin object QGIS creates: it registers the Processing provider and nothing else."""
from __future__ import annotations

from qgis.core import QgsApplication

from .i18n import install_translator, remove_translator
from .provider import WipProvider


class WipPlugin:
    """Registers the ``wip`` Processing provider (also when QGIS runs headless, e.g. qgis_process)."""

    def __init__(self, iface):
        self.iface = iface
        self.provider: WipProvider | None = None
        install_translator()

    def initProcessing(self) -> None:  # noqa: N802 (QGIS API)
        """Add the provider; qgis_process calls only this, the desktop also calls initGui."""
        if self.provider is None:
            self.provider = WipProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS API)
        self.initProcessing()

    def unload(self) -> None:
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator()
