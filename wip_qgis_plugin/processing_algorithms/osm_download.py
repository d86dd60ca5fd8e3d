"""Processing algorithm ``wip:osmdownload``: OSM data for the municipalities from an Overpass server.

Three steps (core/jobs/osm_download.py): the engine plans the query (the catalogue's roles, its
largest setback as the margin), the download runs here in QGIS's Python through
``QgsBlockingNetworkRequest`` (the proxy and authentication settings of QGIS apply; cancelling in
the dialog aborts the transfer), and the engine converts the ``.osm`` file into a GeoPackage with
one layer per role, which QGIS loads when the run ends.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsSettings,
)

from ..core.data.overpass import (
    DEFAULT_OVERPASS_URL,
    DEFAULT_TIMEOUT_S,
    GEOFABRIK_URL,
    OTHER_OVERPASS_URLS,
    OverpassError,
    download_osm,
)
from ..core.errors import Cancelled
from ..core.jobs.build import osm_convert_job, osm_plan_job
from ..feedback import FeedbackProgress
from ..i18n import tr
from .base import WipAlgorithm
from .network import qgis_fetch
from .inputs import (
    add_aoi_parameters,
    add_catalogue_parameters,
    add_crs_parameter,
    area_of_interest,
    catalogue_spec,
    working_crs,
)

#: QgsSettings key of the Overpass server (the default of the SERVER_URL parameter).
KEY_OVERPASS_URL = "wip/overpass_url"


def overpass_url_setting() -> str:
    """The Overpass server of the plugin settings, else the public instance."""
    return (QgsSettings().value(KEY_OVERPASS_URL, "", type=str) or "").strip() or DEFAULT_OVERPASS_URL


def overpass_error_message(error: OverpassError) -> str:
    """Translated message of a failed download: the server, its remark and what to do."""
    said = tr(" The server said: {remark}").format(remark=error.remark) if error.remark else ""
    fields = {"server": error.server, "said": said, "others": " / ".join(OTHER_OVERPASS_URLS),
              "geofabrik": GEOFABRIK_URL, "status": error.status, "reason": error.remark}
    if error.code == "offline":
        return tr("Cannot reach the Overpass server {server}: no connection ({reason}). Check the internet "
                  "connection and the proxy settings (Settings → Options → Network), or load a Geofabrik extract "
                  "({geofabrik}) and give it as a source instead.").format(**fields)
    if error.code == "timeout":
        return tr("The Overpass server {server} did not answer in time. The area may be too large for one query: "
                  "select fewer municipalities, try again later, use another Overpass server (e.g. {others}), or "
                  "load a Geofabrik extract ({geofabrik}) instead.").format(**fields)
    if error.code == "busy":
        return tr("The Overpass server {server} is busy (HTTP 429: too many requests).{said} Try again in a few "
                  "minutes, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) "
                  "instead.").format(**fields)
    if error.code == "gateway_timeout":
        return tr("The Overpass server {server} is overloaded (HTTP 504: gateway timeout).{said} Try again later, "
                  "use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) "
                  "instead.").format(**fields)
    if error.code == "http":
        return tr("The Overpass server {server} refused the query (HTTP {status}).{said} Check the server URL, try "
                  "again later, use another Overpass server (e.g. {others}), or load a Geofabrik extract "
                  "({geofabrik}) instead.").format(**fields)
    if error.code == "server_error":
        return tr("The Overpass server {server} stopped the query.{said} Select fewer municipalities, try again "
                  "later, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) "
                  "instead.").format(**fields)
    return tr("The answer of {server} is not OSM data (is the URL an Overpass API “interpreter” endpoint?).{said} "
              "Check the server URL, use another Overpass server (e.g. {others}), or load a Geofabrik extract "
              "({geofabrik}) instead.").format(**fields)


class OsmDownload(WipAlgorithm):
    """Download the OSM features a catalogue reads, around the municipalities, into a GeoPackage."""

    GROUP_ID = "data"
    PRESET = "PRESET"
    CATALOGUE = "CATALOGUE"
    AOI = "AOI"
    AOI_NAME_FIELD = "AOI_NAME_FIELD"
    AOI_NAMES = "AOI_NAMES"
    CRS = "CRS"
    SERVER_URL = "SERVER_URL"
    OUTPUT = "OUTPUT"
    OUTPUT_OSM = "OUTPUT_OSM"
    NODES, WAYS, RELATIONS, MARGIN = "NODES", "WAYS", "RELATIONS", "MARGIN"
    DEFAULT_PRESET = "wind_sachsen_anhalt"

    def name(self) -> str:
        return "osmdownload"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Download OSM data for the area")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_catalogue_parameters(self, self.DEFAULT_PRESET)
        add_aoi_parameters(self)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterString(
            self.SERVER_URL, tr("Overpass server (API interpreter URL)"), defaultValue=overpass_url_setting()),
            advanced=True)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, tr("OSM data, one layer per role (GeoPackage)"), fileFilter=tr("GeoPackage (*.gpkg)")))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_OSM, tr("Downloaded OSM XML (empty: next to the GeoPackage)"),
            fileFilter=tr("OSM XML (*.osm)"), optional=True, createByDefault=False), advanced=True)
        for name, label in ((self.NODES, tr("OSM nodes")), (self.WAYS, tr("OSM ways")),
                            (self.RELATIONS, tr("OSM relations")), (self.MARGIN, tr("Margin around the area [m]"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def server_url(self, parameters, context) -> str:
        """The server URL parameter, refusing what is not an http(s) URL."""
        url = (self.parameterAsString(parameters, self.SERVER_URL, context) or "").strip() or DEFAULT_OVERPASS_URL
        if not url.startswith(("https://", "http://")):
            raise QgsProcessingException(tr(
                "“{url}” is no Overpass server URL: give the API endpoint, e.g. {default}.").format(
                    url=url, default=DEFAULT_OVERPASS_URL))
        return url

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        server = self.server_url(parameters, context)
        gpkg = self.output_path(parameters, self.OUTPUT, context, (".gpkg",))
        osm = self.output_path(parameters, self.OUTPUT_OSM, context, (".osm",)) or gpkg.with_suffix(".osm")
        aoi = area_of_interest(self, parameters, context, feedback)
        steps = QgsProcessingMultiStepFeedback(3, feedback)
        plan = self.run_engine(osm_plan_job(catalogue_spec(self, parameters, context), aoi,
                                            {"server_url": server, "crs": crs}), steps)
        feedback.pushInfo(tr("Margin around the municipalities: {margin:,.0f} m (largest setback: {criterion}); "
                             "layers: {roles}").format(margin=plan["margin_m"], criterion=plan["margin_criterion"]
                                                       or "-", roles=", ".join(plan["roles"])))
        steps.setCurrentStep(1)
        try:
            download = download_osm(plan["query"], osm, qgis_fetch(steps), FeedbackProgress(steps), server,
                                    DEFAULT_TIMEOUT_S)
        except OverpassError as exc:
            raise QgsProcessingException(overpass_error_message(exc)) from exc
        except Cancelled as exc:
            raise QgsProcessingException(tr("The run was cancelled; no output was written.")) from exc
        steps.setCurrentStep(2)
        try:
            converted = self.run_engine(osm_convert_job(str(osm), str(gpkg), crs, plan["bbox"]), steps)
        except QgsProcessingException:
            osm.unlink(missing_ok=True)
            raise
        for role, n in converted["counts"].items():
            feedback.pushInfo(tr("{role}: {n} feature(s)").format(role=role, n=n))
        self.load_layers(context, gpkg, converted["layers"])
        return {self.OUTPUT: str(gpkg), self.OUTPUT_OSM: str(osm), self.NODES: download.nodes,
                self.WAYS: download.ways, self.RELATIONS: download.relations, self.MARGIN: plan["margin_m"]}

    @staticmethod
    def load_layers(context, gpkg: Path, layers: dict) -> None:
        """Have QGIS load every role layer of the GeoPackage when the run ends (not in processing.run)."""
        project = context.project()
        if project is None:
            return
        for role, layer in layers.items():
            context.addLayerToLoadOnCompletion(f"{gpkg}|layername={layer}",
                                               QgsProcessingContext.LayerDetails(role, project, role))
