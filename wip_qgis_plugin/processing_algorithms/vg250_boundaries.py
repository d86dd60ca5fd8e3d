"""Processing algorithm ``wip:vg250boundaries``: the official municipal boundaries (BKG VG250-EW) of chosen Länder.

For a planner without a municipalities layer: the BKG's open WFS gives name (``GEN``), key (``AGS``) and
population (``EWZ``) of every municipality; the GeoJSON written here is the municipalities layer of the other
algorithms and of the planning panel. The download runs in QGIS's Python through QGIS's network stack
(``network.qgis_fetch``: proxy settings apply, cancel aborts); the engine code is ``core/data/vg250.py``
(standard library only), the same the command ``wip boundaries`` runs.
"""
from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from ..core.data.vg250 import LAND_NUMBERS, VG250_WFS_URL, download_vg250
from ..core.errors import Cancelled, InputError
from ..core.messages import render
from ..feedback import FeedbackProgress
from ..i18n import tr, ui_language
from .base import WipAlgorithm
from .network import qgis_fetch

#: The Länder in the order of the parameter (codes as the presets and ``wip boundaries --land`` name them).
LAND_CODES = tuple(LAND_NUMBERS)


class Vg250Boundaries(WipAlgorithm):
    """Download the VG250-EW municipalities of the chosen Länder into a GeoJSON layer."""

    GROUP_ID = "data"
    LANDS, SERVER_URL, OUTPUT, N_MUNICIPALITIES = "LANDS", "SERVER_URL", "OUTPUT", "N_MUNICIPALITIES"
    DEFAULT_LANDS = ("ST", "SN", "TH")

    def name(self) -> str:
        return "vg250boundaries"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Load municipal boundaries (VG250-EW)")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterEnum(
            self.LANDS, tr("Länder"), options=list(LAND_CODES), allowMultiple=True,
            defaultValue=[LAND_CODES.index(c) for c in self.DEFAULT_LANDS]))
        self.add_parameter(QgsProcessingParameterString(
            self.SERVER_URL, tr("VG250-EW web feature service (WFS URL)"), defaultValue=VG250_WFS_URL), advanced=True)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, tr("Municipalities (GeoJSON)"), fileFilter=tr("GeoJSON (*.geojson)")))
        self.addOutput(QgsProcessingOutputNumber(self.N_MUNICIPALITIES, tr("Number of municipalities")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        lands = [LAND_CODES[i] for i in self.parameterAsEnums(parameters, self.LANDS, context)]
        if not lands:
            raise QgsProcessingException(tr("Choose at least one Land."))
        server = (self.parameterAsString(parameters, self.SERVER_URL, context) or "").strip() or VG250_WFS_URL
        if not server.startswith(("https://", "http://")):
            raise QgsProcessingException(tr("“{url}” is no WFS URL: give the service's address, e.g. {default}.")
                                         .format(url=server, default=VG250_WFS_URL))
        out = self.output_path(parameters, self.OUTPUT, context, (".geojson", ".json"))
        try:
            result = download_vg250(out, lands, qgis_fetch(feedback), FeedbackProgress(feedback), server)
        except InputError as exc:
            raise QgsProcessingException(render(exc.args[0], "de" if ui_language() == "de" else "en")) from exc
        except Cancelled as exc:
            raise QgsProcessingException(tr("The run was cancelled; no output was written.")) from exc
        project = context.project()
        if project is not None:
            name = tr("Municipalities (VG250-EW)")
            context.addLayerToLoadOnCompletion(str(result.path), QgsProcessingContext.LayerDetails(name, project, name))
        return {self.OUTPUT: str(result.path), self.N_MUNICIPALITIES: result.count}
