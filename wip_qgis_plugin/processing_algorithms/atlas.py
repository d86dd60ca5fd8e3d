"""The print layout of ``wip:sitemaps``: the atlas pages layer and the A4 layout over it.

Built in code (no template file to keep in step): an A4 landscape page with the map, a legend,
a scale bar, a north arrow, the title, the date and the data attribution. The atlas runs over
a memory layer of pages: each municipality, then its best sites (by annual energy).
"""
from __future__ import annotations

import datetime as dt

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsPrintLayout,
    QgsProject,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QFont

from ..compat import (
    ATLAS_SCALING_AUTO,
    DISTANCE_KILOMETERS,
    FIELD_TYPE_STRING,
    LAYOUT_MILLIMETERS,
    PAGE_LANDSCAPE,
    SCALEBAR_FIT_WIDTH,
    set_label_font,
    set_legend_style_font,
)
from ..core.defaults import DEFAULT_CRS
from ..i18n import tr

ATTRIBUTION = "© GeoBasis-DE / BKG (VG250), © OpenStreetMap contributors (ODbL)"


def pages_layer(munis: QgsVectorLayer, sites: QgsVectorLayer | None, name_field: str, top_n: int,
                crs: QgsCoordinateReferenceSystem) -> QgsVectorLayer:
    """The atlas coverage: each municipality, then its ``top_n`` sites by annual energy (buffered), in ``crs``.

    Attributes ``page_title``, ``kind`` (``municipality`` or ``site``) and ``municipality``.
    """
    pages = QgsVectorLayer(f"Polygon?crs={crs.authid() or DEFAULT_CRS}", "pages", "memory")
    provider = pages.dataProvider()
    provider.addAttributes([QgsField("page_title", FIELD_TYPE_STRING), QgsField("kind", FIELD_TYPE_STRING),
                            QgsField("municipality", FIELD_TYPE_STRING)])
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


def atlas_layout(project: QgsProject, layers: list, pages: QgsVectorLayer, title: str) -> QgsPrintLayout:
    """An A4 landscape atlas over ``pages``: map of ``layers``, legend, scale bar, north arrow, title, notes."""
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 page
    page = layout.pageCollection().page(0)
    page.setPageSize("A4", PAGE_LANDSCAPE)
    layout.setName("WIP site maps")

    def label(text_value: str, x: float, y: float, w: float, h: float, size: int, bold: bool = False):
        item = QgsLayoutItemLabel(layout)
        item.setText(text_value)
        font = QFont("Sans", size)
        font.setBold(bold)
        set_label_font(item, font)
        item.attemptMove(QgsLayoutPoint(x, y, LAYOUT_MILLIMETERS))
        item.attemptResize(QgsLayoutSize(w, h, LAYOUT_MILLIMETERS))
        layout.addLayoutItem(item)
        return item

    label(f"{title}: [% \"page_title\" %]", 10, 6, 270, 10, 15, True)
    map_item = QgsLayoutItemMap(layout)
    map_item.attemptMove(QgsLayoutPoint(10, 18, LAYOUT_MILLIMETERS))
    map_item.attemptResize(QgsLayoutSize(205, 170, LAYOUT_MILLIMETERS))
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
    map_item.setAtlasScalingMode(ATLAS_SCALING_AUTO)
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
        font = QFont("Sans")
        font.setPointSizeF(8.0)
        set_legend_style_font(legend.rstyle(style), font)
    legend.setWrapString("~")
    legend.attemptMove(QgsLayoutPoint(220, 18, LAYOUT_MILLIMETERS))
    layout.addLayoutItem(legend)
    scale = QgsLayoutItemScaleBar(layout)
    scale.setStyle("Single Box")
    scale.setLinkedMap(map_item)
    scale.applyDefaultSize()
    scale.setUnits(DISTANCE_KILOMETERS)
    scale.setUnitLabel("km")
    scale.setNumberOfSegments(2)
    scale.setNumberOfSegmentsLeft(0)
    scale.setUnitsPerSegment(1.0)
    scale.setSegmentSizeMode(SCALEBAR_FIT_WIDTH)
    scale.setMinimumBarWidth(25)
    scale.setMaximumBarWidth(60)
    scale.attemptMove(QgsLayoutPoint(12, 190, LAYOUT_MILLIMETERS))
    layout.addLayoutItem(scale)
    arrow = QgsLayoutItemPicture(layout)
    arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath("arrows/NorthArrow_02.svg",
                                                                  project.pathResolver()))
    arrow.setLinkedMap(map_item)
    arrow.attemptMove(QgsLayoutPoint(200, 20, LAYOUT_MILLIMETERS))
    arrow.attemptResize(QgsLayoutSize(12, 12, LAYOUT_MILLIMETERS))
    layout.addLayoutItem(arrow)
    page_of = tr("Page [% @atlas_featurenumber %] of [% @atlas_totalfeatures %]")
    label(tr("Date: {date}").format(date=dt.date.today().isoformat()) + " · " + page_of, 220, 178, 70, 6, 8)
    label(ATTRIBUTION, 220, 185, 70, 12, 7)
    label(tr("Potentials under the stated assumptions, not plans. WIP energy and spatial planning."),
          220, 197, 70, 8, 7)
    return layout
