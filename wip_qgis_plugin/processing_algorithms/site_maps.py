"""Processing algorithm ``wip:sitemaps``: a print-layout atlas, one PDF page per municipality and top site.

The layout is built in code (no template file to keep in step): an A4 landscape page with the
map (eligible areas, suitability, sites, connection lines, municipal boundaries), a legend, a
scale bar, a north arrow, the title, the date and the data attribution. The atlas runs over a
memory layer of pages: each municipality, then its best sites (by annual energy).
"""
from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPrintLayout,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
    QgsRasterLayer,
    QgsSingleSymbolRenderer,
    QgsSymbolLayerUtils,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType, QVariant
from qgis.PyQt.QtGui import QColor, QFont

from ..compat import NUMBER_INTEGER, SOURCE_ANY_GEOMETRY, SOURCE_POLYGON
from ..i18n import tr
from .base import WipAlgorithm
from .output_styles import STYLE_DIR

ATTRIBUTION = "© GeoBasis-DE / BKG (VG250), © OpenStreetMap contributors (ODbL)"

def _enum(scoped: str, member: str, fallback):
    """``Qgis.<scoped>.<member>`` where it exists (QGIS ≥ 3.30/3.36, required by QGIS 4), else the old name."""
    group = getattr(Qgis, scoped, None)
    return getattr(group, member) if group is not None and hasattr(group, member) else fallback


_NO_THREADING = _enum("ProcessingAlgorithmFlag", "NoThreading", getattr(QgsProcessingAlgorithm, "FlagNoThreading", 0))
_MM = _enum("LayoutUnit", "Millimeters", getattr(QgsUnitTypes, "LayoutMillimeters", 0))
_KM = _enum("DistanceUnit", "Kilometers", getattr(QgsUnitTypes, "DistanceKilometers", 0))
_ATLAS_AUTO = getattr(QgsLayoutItemMap, "AtlasScalingMode", QgsLayoutItemMap).Auto
_LANDSCAPE = getattr(QgsLayoutItemPage, "Orientation", QgsLayoutItemPage).Landscape
_STRING = QMetaType.Type.QString if Qgis.QGIS_VERSION_INT >= 33800 else QVariant.String
_SOURCE_COLORS = {"wind": "#1f78b4", "pv_ground": "#ff7f00", "agri_pv": "#33a02c", "pv_rooftop": "#e31a1c"}


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
        return super().flags() | _NO_THREADING

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

    @staticmethod
    def _fill(layer: QgsVectorLayer, color: str, outline: str = "transparent", width: float = 0.0,
              opacity: float = 0.75) -> None:
        # transparency in the colour, not the layer: layer opacity makes QGIS rasterise the layer in PDFs
        fill = QColor(color)
        fill.setAlphaF(opacity if color != "transparent" else 0.0)
        symbol = QgsFillSymbol.createSimple({"color": fill.name(QColor.NameFormat.HexArgb) if color != "transparent"
                                             else "transparent", "outline_color": outline,
                                             "outline_width": str(width), "outline_style":
                                             "solid" if outline != "transparent" else "no"})
        if color != "transparent":
            symbol.setColor(fill)
        layer.setRenderer(QgsSingleSymbolRenderer(symbol))

    def _style_sites(self, layer: QgsVectorLayer) -> None:
        from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory, QgsWkbTypes

        from .municipal_profile import source_label

        cats = []
        point = layer.geometryType() == getattr(QgsWkbTypes, "PointGeometry", 0)
        for key in ("wind", "pv_ground"):
            color = _SOURCE_COLORS[key]
            symbol = QgsMarkerSymbol.createSimple({"name": "circle", "color": color, "size": "3",
                                                   "outline_color": "white"}) if point else \
                QgsFillSymbol.createSimple({"color": color, "outline_color": "black", "outline_width": "0.3"})
            fill = QColor(color)
            fill.setAlphaF(0.85)
            symbol.setColor(fill)
            cats.append(QgsRendererCategory(key, symbol, source_label(key)))
        if layer.fields().indexOf("source") >= 0:
            layer.setRenderer(QgsCategorizedSymbolRenderer("source", cats))
        layer.setName(tr("Sites"))

    def _pages_layer(self, munis: QgsVectorLayer, sites: QgsVectorLayer | None, name_field: str, top_n: int,
                     crs: QgsCoordinateReferenceSystem) -> QgsVectorLayer:
        pages = QgsVectorLayer(f"Polygon?crs={crs.authid() or 'EPSG:25832'}", "pages", "memory")
        provider = pages.dataProvider()
        provider.addAttributes([QgsField("page_title", _STRING), QgsField("kind", _STRING),
                                QgsField("municipality", _STRING)])
        pages.updateFields()
        features = []
        by_name: dict[str, list] = {}
        if sites is not None and top_n > 0 and sites.fields().indexOf("municipality") >= 0:
            transform = QgsCoordinateTransform(sites.crs(), crs, QgsProject.instance().transformContext()) \
                if sites.crs() != crs else None
            energy = sites.fields().indexOf("energy_mwh_per_a")
            for f in sites.getFeatures():
                geom = QgsGeometry(f.geometry())
                if transform is not None:
                    geom.transform(transform)
                by_name.setdefault(str(f["municipality"]), []).append(
                    (float(f[energy]) if energy >= 0 and f[energy] is not None else 0.0, f, geom))
        m_transform = QgsCoordinateTransform(munis.crs(), crs, QgsProject.instance().transformContext()) \
            if munis.crs() != crs else None
        for f in munis.getFeatures():
            name = str(f[name_field])
            geom = QgsGeometry(f.geometry())
            if m_transform is not None:
                geom.transform(m_transform)
            feat = QgsFeature(pages.fields())
            feat.setGeometry(geom)
            feat.setAttributes([name, "municipality", name])
            features.append(feat)
            ranked = sorted(by_name.get(name, []), key=lambda t: -t[0])[:top_n]
            for rank, (mwh, site, sgeom) in enumerate(ranked, start=1):
                sf = QgsFeature(pages.fields())
                sf.setGeometry(sgeom.buffer(1500.0 if sgeom.area() < 1e6 else 500.0, 16))
                src = str(site["source"]) if site.fields().indexOf("source") >= 0 else ""
                sid = str(site["site_id"]) if site.fields().indexOf("site_id") >= 0 else str(site.id())
                sf.setAttributes([tr("{name} – site {rank}: {source} {site} ({gwh:.1f} GWh/a)").format(
                    name=name, rank=rank, source=src, site=sid, gwh=mwh / 1000.0), "site", name])
                features.append(sf)
        provider.addFeatures(features)
        pages.updateExtents()
        return pages

    # ----------------------------------------------------------------- layout
    def _layout(self, project: QgsProject, layers: list, pages: QgsVectorLayer, title: str) -> QgsPrintLayout:
        layout = QgsPrintLayout(project)
        layout.initializeDefaults()  # one A4 page
        page = layout.pageCollection().page(0)
        page.setPageSize("A4", _LANDSCAPE)
        layout.setName("WIP site maps")

        def label(text_value: str, x: float, y: float, w: float, h: float, size: int, bold: bool = False):
            item = QgsLayoutItemLabel(layout)
            item.setText(text_value)
            font = QFont("Sans", size)
            font.setBold(bold)
            item.setFont(font)
            item.attemptMove(QgsLayoutPoint(x, y, _MM))
            item.attemptResize(QgsLayoutSize(w, h, _MM))
            layout.addLayoutItem(item)
            return item

        label(f"{title}: [% \"page_title\" %]", 10, 6, 270, 10, 15, True)
        map_item = QgsLayoutItemMap(layout)
        map_item.attemptMove(QgsLayoutPoint(10, 18, _MM))
        map_item.attemptResize(QgsLayoutSize(205, 170, _MM))
        map_item.setLayers(layers)
        map_item.setCrs(pages.crs())
        map_item.setFrameEnabled(True)
        map_item.setExtent(pages.extent())
        layout.addLayoutItem(map_item)
        atlas = layout.atlas()
        atlas.setCoverageLayer(pages)
        atlas.setEnabled(True)
        atlas.setPageNameExpression('"page_title"')
        map_item.setAtlasDriven(True)
        map_item.setAtlasScalingMode(_ATLAS_AUTO)
        map_item.setAtlasMargin(0.08)
        legend = QgsLayoutItemLegend(layout)
        legend.setTitle(tr("Legend"))
        legend.setLinkedMap(map_item)
        legend.setAutoUpdateModel(False)
        model_root = legend.model().rootGroup()
        model_root.removeAllChildren()
        for lyr in layers:
            model_root.addLayer(lyr)
        for style in (QgsLegendStyle.Style.SymbolLabel, QgsLegendStyle.Style.Subgroup):
            font = legend.style(style).font()
            font.setPointSizeF(8.0)
            legend.rstyle(style).setFont(font)
        legend.setWrapString("~")
        legend.attemptMove(QgsLayoutPoint(220, 18, _MM))
        layout.addLayoutItem(legend)
        scale = QgsLayoutItemScaleBar(layout)
        scale.setStyle("Single Box")
        scale.setLinkedMap(map_item)
        scale.applyDefaultSize()
        scale.setUnits(_KM)
        scale.setUnitLabel("km")
        scale.setNumberOfSegments(2)
        scale.setNumberOfSegmentsLeft(0)
        scale.setUnitsPerSegment(1.0)
        scale.setSegmentSizeMode(getattr(QgsLayoutItemScaleBar, "SegmentSizeFitWidth", 1))
        scale.setMinimumBarWidth(25)
        scale.setMaximumBarWidth(60)
        scale.attemptMove(QgsLayoutPoint(12, 190, _MM))
        layout.addLayoutItem(scale)
        arrow = QgsLayoutItemPicture(layout)
        arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath("arrows/NorthArrow_02.svg",
                                                                      project.pathResolver()))
        arrow.setLinkedMap(map_item)
        arrow.attemptMove(QgsLayoutPoint(200, 20, _MM))
        arrow.attemptResize(QgsLayoutSize(12, 12, _MM))
        layout.addLayoutItem(arrow)
        page_of = tr("Page [% @atlas_featurenumber %] of [% @atlas_totalfeatures %]")
        label(tr("Date: {date}").format(date=dt.date.today().isoformat()) + " · " + page_of, 220, 178, 70, 6, 8)
        label(ATTRIBUTION, 220, 185, 70, 12, 7)
        label(tr("Potentials under the stated assumptions, not plans. WIP energy and spatial planning."),
              220, 197, 70, 8, 7)
        return layout

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
        crs = munis.crs() if not munis.crs().isGeographic() else QgsCoordinateReferenceSystem("EPSG:25832")
        project.setCrs(crs)
        styled = []
        boundary = munis.clone()
        self._fill(boundary, "transparent", "#222222", 0.6, 1.0)
        boundary.setName(tr("Municipal boundary"))
        styled.append(boundary)
        if connections is not None:
            connections.setRenderer(QgsSingleSymbolRenderer(QgsLineSymbol.createSimple(
                {"line_color": "#6a3d9a", "line_width": "0.6"})))
            connections.setName(tr("Grid connection"))
            styled.append(connections)
        if sites is not None:
            self._style_sites(sites)
            styled.append(sites)
        if wind is not None:
            self._fill(wind, "#9ecae1")
            wind.setName(tr("Potential area wind"))
            styled.append(wind)
        if pv is not None:
            self._fill(pv, "#fdd0a2")
            pv.setName(tr("Potential area ground PV"))
            styled.append(pv)
        if suitability is not None:
            styled.append(suitability)
        for lyr in styled:
            project.addMapLayer(lyr, False)
        pages = self._pages_layer(munis, sites, name_field, top_n, crs)
        project.addMapLayer(pages, False)
        if pages.featureCount() == 0:
            raise QgsProcessingException(tr("The municipalities layer has no features: nothing to print."))
        return project, self._layout(project, styled, pages, title), pages
