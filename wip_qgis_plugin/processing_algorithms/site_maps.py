"""Processing algorithm ``wip:sitemaps``: a print-layout atlas, one PDF page per municipality and top site.

The map shows eligible areas, suitability, sites, connection lines and municipal boundaries,
styled from ``styles/site_map_*.qml`` in the colours of the report (``core.profile.legend``).
The pages and the layout are built in ``atlas.py``. The dialog starts with the open project's
municipalities layer (and the sites and connections of the same profile), recognised by its data source,
name or fields (:func:`profile_layers`).
"""
from __future__ import annotations

import gc
import re
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsLayoutExporter,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..compat import FLAG_NO_THREADING, NUMBER_INTEGER, SOURCE_ANY_GEOMETRY, SOURCE_POLYGON
from ..core.defaults import DEFAULT_CRS
from ..i18n import tr
from .atlas import atlas_layout, pages_layer
from .base import WipAlgorithm, in_main_thread
from .inputs import source_label
from .output_styles import STYLE_DIR


def styled(layer, style: str, name: str):
    """``layer`` with ``styles/<style>.qml`` (colours of core.profile.legend, see scripts/make_styles.py), renamed."""
    layer.loadNamedStyle(str(STYLE_DIR / f"{style}.qml"))
    layer.setName(name)
    return layer


def style_sites(sites: QgsVectorLayer) -> QgsVectorLayer:
    """Sites by generation source (markers for points), labelled with the translated source names."""
    if sites.fields().indexOf("source") < 0:
        sites.setName(tr("Sites"))
        return sites
    point = sites.geometryType() == getattr(QgsWkbTypes, "PointGeometry", 0)
    styled(sites, "site_map_sites_points" if point else "site_map_sites", tr("Sites"))
    renderer = sites.renderer()
    for index, category in enumerate(renderer.categories()):
        renderer.updateCategoryLabel(index, source_label(category.value()))
    return sites


#: Names a municipalities layer goes by (lower case): the role, the sample project's and VG250's.
MUNICIPALITY_NAMES = ("municipalities", "gemeinden", "gemeinde", "vg250_gem")
#: The profile's output GeoPackage (wip:municipalprofile) and its layers.
PROFILE_GPKG = "profile_sites.gpkg"


def _source_layer(layer) -> tuple[str, str]:
    """(file name, layer name inside it) of an OGR layer's source, lower case ('' where absent)."""
    path, _, options = layer.source().partition("|")
    match = re.search(r"layername=([^|]+)", options)
    return Path(path).name.lower(), (match.group(1).strip().lower() if match else Path(path).stem.lower())


def municipality_score(layer, name_field: str = "name") -> int:
    """How surely ``layer`` holds municipalities: 3 the profile's output, 2 by its data source's layer or
    its name, 1 by its fields (name and AGS key), 0 not at all (e.g. the profile's sites)."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid() \
            or layer.geometryType() != getattr(QgsWkbTypes, "PolygonGeometry", 2):
        return 0
    file_name, source_layer = _source_layer(layer)
    if source_layer == "municipalities":
        return 3 if file_name == PROFILE_GPKG else 2
    if layer.name().strip().lower() in MUNICIPALITY_NAMES or source_layer in MUNICIPALITY_NAMES:
        return 2
    fields = {f.lower() for f in layer.fields().names()}
    return 1 if {name_field, "ags"} <= fields else 0


def profile_layers(project: QgsProject) -> dict[str, str]:
    """Layer ids for the dialog: MUNICIPALITIES (the best-scored layer, the topmost of equals in the layer
    tree), and SITES and CONNECTIONS where they come from the same profile_sites.gpkg. Empty if the project
    has no layer that looks like municipalities."""
    ordered = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer() is not None]
    ordered += [lyr for lyr in project.mapLayers().values() if lyr not in ordered]
    scored = [(municipality_score(lyr), -i, lyr) for i, lyr in enumerate(ordered)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return {}
    best = max(scored, key=lambda s: s[:2])[2]
    chosen = {SiteMaps.MUNICIPALITIES: best.id()}
    gpkg = best.source().partition("|")[0]
    if Path(gpkg).name.lower() == PROFILE_GPKG:
        for parameter, wanted in ((SiteMaps.SITES, "sites"), (SiteMaps.CONNECTIONS, "connections")):
            for lyr in ordered:
                if lyr.source().partition("|")[0] == gpkg and _source_layer(lyr)[1] == wanted:
                    chosen[parameter] = lyr.id()
                    break
    return chosen


class SiteMaps(WipAlgorithm):
    """Print one PDF page per municipality and per top site from a profile's outputs."""

    GROUP_ID = "profile"
    MUNICIPALITIES, SITES, CONNECTIONS = "MUNICIPALITIES", "SITES", "CONNECTIONS"
    WIND_AREAS, PV_AREAS, SUITABILITY = "WIND_AREAS", "PV_AREAS", "SUITABILITY"
    NAME_FIELD, TOP_N, TITLE = "NAME_FIELD", "TOP_N", "TITLE"
    OUTPUT_PDF, PAGES = "OUTPUT_PDF", "PAGES"

    def name(self) -> str:
        return "sitemaps"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Site maps (PDF)")

    def flags(self):
        # print layouts render in the main thread (as QGIS's own layout export algorithms do)
        return super().flags() | FLAG_NO_THREADING

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.MUNICIPALITIES, tr("Municipalities [polygons] (profile_sites.gpkg, layer municipalities)"),
            [SOURCE_POLYGON]))
        self.add_parameter(QgsProcessingParameterString(
            self.NAME_FIELD, tr("Municipality name field"), defaultValue="name", optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SITES, tr("Sites (profile_sites.gpkg, layer sites: municipality, source, energy_mwh_per_a)"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.CONNECTIONS, tr("Grid connection lines (profile_sites.gpkg, layer connections)"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.WIND_AREAS, tr("Eligible wind areas [polygons]"), [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.PV_AREAS, tr("Eligible ground-mounted PV areas [polygons]"), [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.SUITABILITY, tr("Suitability raster (score 0–100)"), optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.TOP_N, tr("Site pages per municipality [-]"), type=NUMBER_INTEGER, minValue=0, defaultValue=3))
        self.add_parameter(QgsProcessingParameterString(
            self.TITLE, tr("Title"), defaultValue=tr("Municipal energy profile"), optional=True))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_PDF, tr("Site maps (PDF)"), fileFilter=tr("PDF files (*.pdf)")))
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, tr("Number of pages")))
        self.preselect_layers()

    def preselect_layers(self) -> None:
        """Start the dialog with the open project's municipalities (not the alphabetically first polygon
        layer, which is what QGIS shows for a layer parameter without a default).

        A default for the dialog only (``setGuiDefaultValueOverride``): processing.run, qgis_process and
        models still have to name the layers. Read in the main thread only, where the dialog is made
        (QGIS creates the algorithm afresh for each dialog); never while an algorithm runs in a task.
        """
        if not in_main_thread():
            return
        for name, layer_id in profile_layers(QgsProject.instance()).items():
            self.parameterDefinition(name).setGuiDefaultValueOverride(layer_id)

    # ----------------------------------------------------------------- layers
    def _layer(self, parameters, name, context) -> QgsVectorLayer | None:
        if not parameters.get(name):
            return None
        layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(tr("“{parameter}”: cannot open the layer.").format(
                parameter=self.parameterDefinition(name).description()))
        return layer.clone()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT_PDF, context))
        if pdf.suffix.lower() != ".pdf":
            raise QgsProcessingException(tr("“{output}”: the file must end in .pdf (got “{path}”).").format(
                output=self.parameterDefinition(self.OUTPUT_PDF).description(), path=str(pdf)))
        try:
            project, layout, pages = self.build(parameters, context)
            refusal = None
        except QgsProcessingException as exc:
            refusal = str(exc)
        if refusal is not None:  # raised afresh: the first one's traceback holds cloned layers (see below)
            raise QgsProcessingException(refusal)
        n_pages = pages.featureCount()
        try:
            feedback.pushInfo(tr("Printing {n} pages").format(n=n_pages))
            settings = QgsLayoutExporter.PdfExportSettings()
            settings.dpi = 150
            settings.rasterizeWholeImage = False
            tmp = pdf.with_name(f".{pdf.stem}.part.pdf")
            result, error = QgsLayoutExporter.exportToPdf(layout.atlas(), str(tmp), settings)
            if result != QgsLayoutExporter.ExportResult.Success or feedback.isCanceled():
                if tmp.exists():
                    tmp.unlink()
                raise QgsProcessingException(tr("The PDF could not be written: {error}").format(error=error))
            tmp.replace(pdf)
        finally:
            # The layout and its private project go now, while QGIS runs. A failed or cancelled export
            # raises from this frame: its traceback (kept by the caller) would otherwise hold them past
            # QGIS's exit, where destroying them crashes qgis_process or the session.
            del layout, pages
            project.clear()
            del project
            gc.collect()
        return {self.OUTPUT_PDF: str(pdf), self.PAGES: n_pages}

    def build(self, parameters, context):
        """The project (styled layers), the print layout with its atlas, and the pages layer."""
        munis = self._layer(parameters, self.MUNICIPALITIES, context)
        name_field = self.parameterAsString(parameters, self.NAME_FIELD, context) or "name"
        if munis.fields().indexOf(name_field) < 0:
            raise QgsProcessingException(
                tr("The municipalities layer has no field “{field}”.").format(field=name_field))
        sites = self._layer(parameters, self.SITES, context)
        if sites is not None and sites.fields().indexOf("source") >= 0:
            # single roofs and agri-PV (an alternative use of the ground-PV land) are neither drawn nor paged
            sites.setSubsetString("\"source\" NOT IN ('pv_rooftop', 'agri_pv')")
        connections = self._layer(parameters, self.CONNECTIONS, context)
        wind = self._layer(parameters, self.WIND_AREAS, context)
        pv = self._layer(parameters, self.PV_AREAS, context)
        suitability = None
        if parameters.get(self.SUITABILITY):
            raster = self.parameterAsRasterLayer(parameters, self.SUITABILITY, context)
            if raster is not None and raster.isValid():
                suitability = QgsRasterLayer(raster.source(), tr("Suitability (0–100)"), raster.providerType())
                suitability.loadNamedStyle(str(STYLE_DIR / "suitability.qml"))
        top_n = self.parameterAsInt(parameters, self.TOP_N, context)
        title = self.parameterAsString(parameters, self.TITLE, context) or tr("Municipal energy profile")

        project = QgsProject()
        crs = munis.crs() if not munis.crs().isGeographic() else QgsCoordinateReferenceSystem(DEFAULT_CRS)
        project.setCrs(crs)
        styled_layers = [styled(munis.clone(), "site_map_boundary", tr("Municipal boundary"))]
        if connections is not None:
            styled_layers.append(styled(connections, "site_map_connections", tr("Grid connection")))
        if sites is not None:
            styled_layers.append(style_sites(sites))
        if wind is not None:
            styled_layers.append(styled(wind, "site_map_wind_areas", tr("Potential area wind")))
        if pv is not None:
            styled_layers.append(styled(pv, "site_map_pv_areas", tr("Potential area ground PV")))
        if suitability is not None:
            styled_layers.append(suitability)
        for lyr in styled_layers:
            project.addMapLayer(lyr, False)
        pages = pages_layer(munis, sites, name_field, top_n, crs)
        project.addMapLayer(pages, False)
        if pages.featureCount() == 0:
            raise QgsProcessingException(tr("The municipalities layer has no features: nothing to print."))
        return project, atlas_layout(project, styled_layers, pages, title), pages
