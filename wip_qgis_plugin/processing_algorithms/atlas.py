"""The print layout of ``wip:sitemaps``: the atlas pages layer (titles, figures, overlap notes) and the A4 layout.

Built in code (no template file to keep in step): an A4 landscape page filled by the map, with a box of the
page's figures, a note where sites of different technologies overlap, the legend, a scale bar, a north arrow,
the title, the date and the data attribution. The atlas runs over a memory layer of pages: each municipality,
then its best sites (by annual energy). Texts go through ``tr()``, numbers through the locale of the UI language
(decimal comma in German).
"""
from __future__ import annotations

import datetime as dt
import math

from qgis.core import (
    Qgis,
    QgsBasicNumericFormat,
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
    QgsLayoutObject,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsMapLayerLegendUtils,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsPropertyCollection,
    QgsRasterLayer,
    QgsRectangle,
    QgsSpatialIndex,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QLocale, Qt
from qgis.PyQt.QtGui import QColor, QFont

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
from ..i18n import tr, ui_language

ATTRIBUTION = "© GeoBasis-DE / BKG (VG250), © OpenStreetMap contributors (ODbL)"
#: Shared land below this is no overlap (sites that only touch, rounding at the edges). [ha]
MIN_OVERLAP_HA = 0.05
#: A4 landscape and the page's frame. [mm]
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 7.0
#: The map: from below the title to the footer, left of the side column. [mm]
MAP_X, MAP_Y, MAP_W, MAP_H = MARGIN, 21.0, 210.0, PAGE_H - 21.0 - MARGIN - 9.0
SIDE_X = MAP_X + MAP_W + 4.0
SIDE_W = PAGE_W - MARGIN - SIDE_X
#: The geometry type of polygons (``Qgis.GeometryType`` from QGIS 3.30: an enum, not 2, under Qt6).
POLYGON_GEOMETRY = getattr(getattr(Qgis, "GeometryType", None), "Polygon", None) \
    or getattr(QgsWkbTypes, "PolygonGeometry", 2)
EXCLUDE_FROM_EXPORTS = getattr(getattr(QgsLayoutObject, "DataDefinedProperty", QgsLayoutObject),
                               "ExcludeFromExports")


# ----------------------------------------------------------------- texts
def number_locale() -> QLocale:
    """The locale numbers are written in: that of the UI language (``1.234,5`` in German)."""
    return QLocale(ui_language())


def fmt(value, decimals: int = 1, locale: QLocale | None = None) -> str:
    """``value`` with ``decimals`` in the UI language's locale; '–' for a missing value."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(number):
        return "–"
    return (locale or number_locale()).toString(number, "f", decimals)


def technology_name(source: str) -> str:
    """Name of a generation source in a page title or note (no internal key)."""
    names = {"wind": tr("Wind farm"), "pv_ground": tr("Ground-mounted PV"), "pv_floating": tr("Floating PV"),
             "agri_pv": tr("Agrivoltaics"), "pv_rooftop": tr("Rooftop PV")}
    return names.get(source, source or tr("Site"))


def value(feature: QgsFeature, field: str):
    """The attribute ``field`` of ``feature`` as a float; None where absent, empty or not a number."""
    if feature.fields().indexOf(field) < 0:
        return None
    try:
        number = float(feature[field])
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def is_pv(source: str) -> bool:
    return source.startswith("pv") or source == "agri_pv"


def site_title(name: str, rank: int, site: QgsFeature, area_ha: float) -> str:
    """``Zörbig – Standort 1: Freiflächen-PV, 12,3 ha, 8,9 MWp`` (MW: AC; MWp where the layer has the DC power)."""
    source = str(site["source"]) if site.fields().indexOf("source") >= 0 else ""
    parts = [tr("{area} ha").format(area=fmt(area_ha))] if area_ha > 0 else []
    mwp, mw = value(site, "capacity_mwp"), value(site, "capacity_mw")
    if is_pv(source) and mwp is not None:
        parts.append(tr("{capacity} MWp").format(capacity=fmt(mwp)))
    elif mw is not None:
        parts.append(tr("{capacity} MW").format(capacity=fmt(mw)))
    return tr("{name} – site {rank}: {technology}, {figures}").format(
        name=name, rank=rank, technology=technology_name(source), figures=", ".join(parts))


def grid_status_text(status: str) -> str:
    return {"connected": tr("connected to one substation"),
            "split": tr("connected, split between substations"),
            "partly_connected": tr("only partly: too little free capacity within reach"),
            "no_free_capacity": tr("no substation within reach has free capacity"),
            "no_suitable_substation": tr("no substation of its voltage level within reach"),
            "above_all_levels": tr("larger than every voltage level allows")}.get(status, status)


def site_info(site: QgsFeature, area_ha: float) -> str:
    """The figures of a site page, one labelled line each."""
    source = str(site["source"]) if site.fields().indexOf("source") >= 0 else ""
    lines = [tr("Technology: {technology}").format(technology=technology_name(source))]
    if area_ha > 0:
        lines.append(tr("Area: {area} ha").format(area=fmt(area_ha)))
    mw, mwp, mwh = value(site, "capacity_mw"), value(site, "capacity_mwp"), value(site, "energy_mwh_per_a")
    if mwp is not None and is_pv(source):
        lines.append(tr("Peak power (DC): {capacity} MWp").format(capacity=fmt(mwp)))
    if mw is not None:
        lines.append((tr("Inverter power (AC): {capacity} MW") if is_pv(source)
                      else tr("Rated power: {capacity} MW")).format(capacity=fmt(mw)))
    if mwh is not None:
        lines.append(tr("Annual energy: {energy} GWh/a").format(energy=fmt(mwh / 1000.0)))
        if mw:
            lines.append(tr("Full-load hours: {hours} h/a").format(hours=fmt(mwh / mw, 0)))
    lcoe = value(site, "lcoe_eur_per_mwh")
    if lcoe is not None:
        lines.append(tr("Electricity generation cost (LCOE): {lcoe} €/MWh").format(lcoe=fmt(lcoe, 0)))
    if site.fields().indexOf("grid_status") >= 0 and site["grid_status"]:
        cost = value(site, "grid_cost_eur")
        line = tr("Grid connection: {status}").format(status=grid_status_text(str(site["grid_status"])))
        if cost is not None:
            line += " " + tr("({cost} M€)").format(cost=fmt(cost / 1e6, 2))
        lines.append(line)
    lease = value(site, "lease_eur_per_a")
    if lease:
        lines.append(tr("Lease to landowners: {lease} k€/a").format(lease=fmt(lease / 1000.0, 0)))
    return "\n".join(lines)


def municipality_info(muni: QgsFeature) -> str:
    """The figures of a municipality page (the profile's indicators where the layer has them), labelled."""
    lines: list[str] = []

    def add(template: str, **fields):
        values = {k: value(muni, f) for k, (f, _) in fields.items()}
        if all(v is not None for v in values.values()):
            lines.append(template.format(**{k: fmt(v, fields[k][1]) for k, v in values.items()}))

    add(tr("Generation: {energy} GWh/a from {capacity} MW"), energy=("energy_gwh", 1), capacity=("capacity_mw", 1))
    add(tr("– wind: {n} farms, {capacity} MW, {energy} GWh/a"), n=("wind_sites", 0),
        capacity=("wind_capacity_mw", 1), energy=("wind_energy_gwh", 1))
    add(tr("– ground-mounted PV: {n} sites, {capacity} MW, {energy} GWh/a"), n=("pv_ground_sites", 0),
        capacity=("pv_ground_capacity_mw", 1), energy=("pv_ground_energy_gwh", 1))
    add(tr("– rooftop PV (not drawn): {capacity} MW, {energy} GWh/a"), capacity=("pv_rooftop_capacity_mw", 1),
        energy=("pv_rooftop_energy_gwh", 1))
    add(tr("Electricity demand: {demand} GWh/a"), demand=("demand_gwh", 1))
    add(tr("Annual balance (generation ÷ demand over the year): {pct} %"), pct=("balance_pct", 0))
    add(tr("Self-sufficiency (demand met hour by hour): {pct} %"), pct=("self_sufficiency_pct", 0))
    add(tr("Hours in which generation covers demand: {pct} %"), pct=("hours_covered_pct", 0))
    add(tr("Eligible land for wind: {area} ha ({pct} % of the municipality)"), area=("wind_eligible_ha", 0),
        pct=("wind_eligible_pct", 1))
    add(tr("Eligible land for ground-mounted PV: {area} ha ({pct} % of the municipality)"),
        area=("pv_ground_eligible_ha", 0), pct=("pv_ground_eligible_pct", 1))
    if not lines:
        lines.append(tr("The layer has no indicators of a profile."))
    return "\n".join(lines)


def counted_twice() -> str:
    return tr("The profile counts the energy of both in full: no deduction for the shared land.")


# ----------------------------------------------------------------- overlaps
class Overlaps:
    """Where sites of different technologies share land (``QgsSpatialIndex`` over all sites, in the pages' CRS)."""

    def __init__(self, sites: list[tuple[str, str, QgsGeometry]]):
        self.sites = sites  # (source, municipality, geometry)
        self.index = QgsSpatialIndex()
        for i, (_, _, geom) in enumerate(sites):
            feature = QgsFeature(i)
            feature.setGeometry(geom)
            self.index.addFeature(feature)

    def shared(self, i: int) -> tuple[float, list[str]]:
        """Hectares of site ``i`` also in sites of another technology, and those technologies."""
        source, _, geom = self.sites[i]
        parts, others = [], []
        for j in self.index.intersects(geom.boundingBox()):
            other, _, ogeom = self.sites[j]
            if other == source or not geom.intersects(ogeom):
                continue
            part = geom.intersection(ogeom)
            if part.area() / 1e4 >= MIN_OVERLAP_HA:
                parts.append(part)
                if other not in others:
                    others.append(other)
        return (QgsGeometry.unaryUnion(parts).area() / 1e4 if parts else 0.0), others

    def site_note(self, i: int) -> str:
        area, others = self.shared(i)
        if not others:
            return ""
        return tr("Overlap: {area} ha of this site are also part of a site of another technology ({others})."
                  ).format(area=fmt(area), others=", ".join(technology_name(o) for o in others)) + " " + counted_twice()

    def municipality_note(self, name: str) -> str:
        parts, pairs = [], set()
        for i, (source, muni, geom) in enumerate(self.sites):
            if muni != name:
                continue
            for j in self.index.intersects(geom.boundingBox()):
                other, _, ogeom = self.sites[j]
                if other == source or (j, i) in pairs or not geom.intersects(ogeom):
                    continue
                pairs.add((i, j))
                part = geom.intersection(ogeom)
                if part.area() / 1e4 >= MIN_OVERLAP_HA:
                    parts.append((source, other, part))
        if not parts:
            return ""
        area = QgsGeometry.unaryUnion([p for _, _, p in parts]).area() / 1e4
        names = sorted({technology_name(s) for s, o, _ in parts} | {technology_name(o) for s, o, _ in parts})
        return tr("Overlap: on {area} ha, sites of different technologies ({names}) lie on the same land."
                  ).format(area=fmt(area), names=", ".join(names)) + " " + counted_twice()


# ----------------------------------------------------------------- pages
PAGE_FIELDS = ("page_title", "kind", "municipality", "info_title", "info", "note", "page")


def pages_layer(munis: QgsVectorLayer, sites: QgsVectorLayer | None, name_field: str, top_n: int,
                crs: QgsCoordinateReferenceSystem) -> tuple[QgsVectorLayer, QgsVectorLayer]:
    """The atlas coverage and the sites of the site pages (to outline them), in ``crs``.

    The pages are each municipality, then its ``top_n`` sites by annual energy (buffered), with the attributes
    ``page_title`` (no internal id), ``kind`` (``municipality`` or ``site``), ``municipality``, ``info_title``
    and ``info`` (the figures, one labelled line each), ``note`` (where sites of different technologies overlap,
    else empty) and ``page`` (the page's number from 0; the focus layer's feature of a site page has the same).
    """
    uri = f"Polygon?crs={crs.authid() or DEFAULT_CRS}"
    pages = QgsVectorLayer(uri, "pages", "memory")
    pages.dataProvider().addAttributes([QgsField(f, FIELD_TYPE_STRING) for f in PAGE_FIELDS])
    pages.updateFields()
    focus = QgsVectorLayer(uri, "focus", "memory")
    focus.dataProvider().addAttributes([QgsField("page", FIELD_TYPE_STRING)])
    focus.updateFields()
    context = QgsProject.instance().transformContext()
    all_sites: list[tuple[str, str, QgsGeometry]] = []
    by_name: dict[str, list] = {}
    if sites is not None and sites.fields().indexOf("municipality") >= 0:
        transform = QgsCoordinateTransform(sites.crs(), crs, context) if sites.crs() != crs else None
        has_source = sites.fields().indexOf("source") >= 0
        for f in sites.getFeatures():
            geom = QgsGeometry(f.geometry())
            if transform is not None:
                geom.transform(transform)
            all_sites.append((str(f["source"]) if has_source else "", str(f["municipality"]), geom))
            by_name.setdefault(str(f["municipality"]), []).append(
                (value(f, "energy_mwh_per_a") or 0.0, len(all_sites) - 1, f, geom))
    overlaps = Overlaps(all_sites)
    m_transform = QgsCoordinateTransform(munis.crs(), crs, context) if munis.crs() != crs else None
    features, focused = [], []

    def page(geom, attributes):
        feat = QgsFeature(pages.fields())
        feat.setGeometry(geom)
        feat.setAttributes([*attributes, str(len(features))])
        features.append(feat)

    for f in munis.getFeatures():
        name = str(f[name_field])
        geom = QgsGeometry(f.geometry())
        if m_transform is not None:
            geom.transform(m_transform)
        page(geom, [tr("{name} – overview of the municipality").format(name=name), "municipality", name,
                    tr("Figures of the municipality (potentials)"), municipality_info(f),
                    overlaps.municipality_note(name)])
        ranked = sorted(by_name.get(name, []), key=lambda t: -t[0])[:max(0, top_n)]
        for rank, (_, i, site, sgeom) in enumerate(ranked, start=1):
            area_ha = sgeom.area() / 1e4 if sgeom.type() == POLYGON_GEOMETRY else 0.0  # points have no area
            focus_feature = QgsFeature(focus.fields())
            focus_feature.setGeometry(sgeom)
            focus_feature.setAttributes([str(len(features))])
            focused.append(focus_feature)
            page(sgeom.buffer(1500.0 if sgeom.area() < 1e6 else 500.0, 16),
                 [site_title(name, rank, site, area_ha), "site", name, tr("Figures of this site"),
                  site_info(site, area_ha),
                  overlaps.site_note(i)])
    pages.dataProvider().addFeatures(features)
    pages.updateExtents()
    focus.dataProvider().addFeatures(focused)
    focus.updateExtents()
    return pages, focus


# ----------------------------------------------------------------- layout
def atlas_layout(project: QgsProject, layers: list, base_layers: list, pages: QgsVectorLayer,
                 title: str) -> QgsPrintLayout:
    """An A4 landscape atlas over ``pages``: the map of ``layers`` over the muted ``base_layers`` (top first),
    filling the page left of a column with the figures, the overlap note, the legend and the notes."""
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 page
    layout.pageCollection().page(0).setPageSize("A4", PAGE_LANDSCAPE)
    layout.setName("WIP site maps")

    def place(item, x: float, y: float, w: float | None = None, h: float | None = None):
        item.attemptMove(QgsLayoutPoint(x, y, LAYOUT_MILLIMETERS))
        if w is not None:
            item.attemptResize(QgsLayoutSize(w, h, LAYOUT_MILLIMETERS))
        layout.addLayoutItem(item)
        return item

    def label(text_value: str, x: float, y: float, w: float, h: float, size: float, bold: bool = False,
              colour: QColor | None = None):
        item = QgsLayoutItemLabel(layout)
        item.setText(text_value)
        font = QFont("Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        set_label_font(item, font)
        item.setHAlign(Qt.AlignmentFlag.AlignLeft)
        if colour is not None:
            if hasattr(item, "textFormat"):
                text_format = item.textFormat()
                text_format.setColor(colour)
                item.setTextFormat(text_format)
            else:
                item.setFontColor(colour)
        return place(item, x, y, w, h)

    def boxed(item, fill: QColor, stroke: QColor):
        item.setFrameEnabled(True)
        item.setFrameStrokeColor(stroke)
        item.setBackgroundEnabled(True)
        item.setBackgroundColor(fill)
        item.setMarginX(2.0)
        item.setMarginY(1.5)
        return item

    label(title, MARGIN, 4.5, MAP_W, 5, 8, colour=QColor(90, 90, 90)).setId("header")
    label('[% "page_title" %]', MARGIN, 9.5, PAGE_W - 2 * MARGIN, 10, 14, True).setId("title")
    map_item = QgsLayoutItemMap(layout)
    map_item.setId("map")
    map_item.setLayers(layers + base_layers)
    map_item.setCrs(pages.crs())
    map_item.setFrameEnabled(True)
    place(map_item, MAP_X, MAP_Y, MAP_W, MAP_H)
    # an extent of the item's shape: setExtent fits the item to the extent, and the atlas keeps the extent's shape
    extent = pages.extent()
    width = max(extent.width(), extent.height() * MAP_W / MAP_H)
    height = max(extent.height(), extent.width() * MAP_H / MAP_W)
    centre = extent.center()
    map_item.setExtent(QgsRectangle(centre.x() - width / 2, centre.y() - height / 2, centre.x() + width / 2,
                                    centre.y() + height / 2))
    atlas = layout.atlas()
    atlas.setCoverageLayer(pages)
    atlas.setEnabled(True)
    atlas.setPageNameExpression('"page_title"')
    map_item.setAtlasDriven(True)
    map_item.setAtlasScalingMode(ATLAS_SCALING_AUTO)
    map_item.setAtlasMargin(0.05)

    info_h, note_h = 64.0, 21.0
    boxed(label("", SIDE_X, MAP_Y, SIDE_W, info_h, 7), QColor(246, 246, 246), QColor(170, 170, 170))
    label('[% "info_title" %]', SIDE_X + 2, MAP_Y + 1.5, SIDE_W - 4, 4.5, 7.5, True).setId("info_title")
    label('[% "info" %]', SIDE_X + 2, MAP_Y + 6, SIDE_W - 4, info_h - 7, 7).setId("info")
    note = boxed(label('[% "note" %]', SIDE_X, MAP_Y + info_h + 2, SIDE_W, note_h, 7), QColor(255, 243, 224),
                 QColor(230, 140, 0))
    note.setId("note")
    note.dataDefinedProperties().setProperty(
        EXCLUDE_FROM_EXPORTS, QgsProperty.fromExpression("coalesce(\"note\", '') = ''"))
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle(tr("Legend"))
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for lyr in layers:
        node = root.addLayer(lyr)
        if lyr.name() == tr("Site of this page"):  # its colour depends on the page: the legend shows it plainly
            symbol = lyr.renderer().symbol().clone()
            symbol.symbolLayer(0).setDataDefinedProperties(QgsPropertyCollection())
            QgsMapLayerLegendUtils.setLegendNodeCustomSymbol(node, 0, symbol)
        elif isinstance(lyr, QgsRasterLayer):  # not the band line "Band 1: … (Gray)"
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, 0, tr("score: 100 most, 0 least suitable"))
        legend.model().refreshLayerLegend(node)
    if base_layers:
        group = root.addGroup(tr("Base map"))
        for lyr in base_layers:
            group.addLayer(lyr)
    for style, size in ((QgsLegendStyle.Style.SymbolLabel, 6.5), (QgsLegendStyle.Style.Subgroup, 6.5),
                        (QgsLegendStyle.Style.Group, 7.0), (QgsLegendStyle.Style.Title, 8.5)):
        font = QFont("Sans")
        font.setPointSizeF(size)
        font.setBold(style != QgsLegendStyle.Style.SymbolLabel)
        set_legend_style_font(legend.rstyle(style), font)
        legend.rstyle(style).setMargin(QgsLegendStyle.Side.Top, 0.8 if style != QgsLegendStyle.Style.Title else 0.0)
    legend.setSymbolHeight(3.0)
    legend.setSymbolWidth(6.0)
    legend.setBoxSpace(1.0)
    legend.setWrapString("~")
    place(legend, SIDE_X, MAP_Y + info_h + note_h + 4)

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
    scale.setMaximumBarWidth(55)
    numbers = QgsBasicNumericFormat()  # the scale bar's numbers in the UI language's format (0,7 km)
    numbers.setDecimalSeparator(number_locale().decimalPoint()[:1])
    numbers.setThousandsSeparator(number_locale().groupSeparator()[:1])
    numbers.setNumberDecimalPlaces(1)
    numbers.setShowTrailingZeros(False)
    scale.setNumericFormat(numbers)
    scale.setBackgroundEnabled(True)
    scale.setBackgroundColor(QColor(255, 255, 255, 220))
    place(scale, MAP_X + 3, MAP_Y + MAP_H - 14)
    arrow = QgsLayoutItemPicture(layout)
    arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath("arrows/NorthArrow_02.svg", project.pathResolver()))
    arrow.setLinkedMap(map_item)
    arrow.setBackgroundEnabled(True)
    arrow.setBackgroundColor(QColor(255, 255, 255, 200))
    place(arrow, MAP_X + MAP_W - 14, MAP_Y + 2, 12, 12)
    grey = QColor(90, 90, 90)
    page_of = tr("Page [% @atlas_featurenumber %] of [% @atlas_totalfeatures %]")
    today = number_locale().toString(dt.date.today(), QLocale.FormatType.ShortFormat)
    foot = MAP_Y + MAP_H + 1.5
    label(tr("Date: {date}").format(date=today) + " · " + page_of + " · " + ATTRIBUTION, MAP_X, foot, MAP_W, 4,
          6.5, colour=grey).setId("footer")
    label(tr("Potentials under the stated assumptions, not plans. WIP energy and spatial planning."),
          MAP_X, foot + 3.8, MAP_W, 4, 6.5, colour=grey).setId("disclaimer")
    return layout
