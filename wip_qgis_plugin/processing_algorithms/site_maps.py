"""Processing algorithm ``wip:sitemaps``: a print-layout atlas, one PDF page per municipality and top site.

The map shows eligible areas, suitability, sites, connection lines and municipal boundaries,
styled from ``styles/site_map_*.qml`` in the colours of the report (``core.profile.legend``).
The pages and the layout are built in ``atlas.py``.
"""
from __future__ import annotations

import gc
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
from .base import WipAlgorithm
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
