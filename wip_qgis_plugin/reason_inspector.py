"""“Warum ausgeschlossen?”: the reason inspector on the map.

A map tool that, for the clicked point on a reasons raster (a ``*_reasons.tif`` with its
``*_bits.json`` beside it), shows in a dock every criterion that excludes that pixel: its label
(German, English when the QGIS locale is not German), its setback in the reader's number format
(``1.000 m``) and its legal source; “nicht ausgeschlossen” for an eligible pixel and “außerhalb des
Gebiets” outside the area of interest. Two more actions: style the active reasons raster per
criterion (``reason_style.py``) and write the exclusion zones of each criterion as polygons.

The decoding itself is QGIS-free (:mod:`core.eligibility.reason_bits`); this module finds the layer,
samples the pixel, formats and shows. ``plugin.py`` calls :func:`install_reason_inspector` from
``initGui`` and the handle's ``unload()`` from ``unload``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsFillSymbol,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.gui import QgsMapToolEmitPoint
from qgis.PyQt.QtCore import QLocale, Qt
from qgis.PyQt.QtWidgets import QDockWidget, QTextBrowser

from .compat import FIELD_TYPE_DOUBLE, FIELD_TYPE_STRING
from .core.eligibility.reason_bits import PixelReasons, ReasonBit, decode_reasons, read_bit_table
from .i18n import tr, ui_language
from .reason_style import apply_reason_style, criterion_colours, is_reasons_layer, layer_file, retitle_band_node

#: Raster layers, for the layer tree's context menu (QGIS ≥ 3.30: ``Qgis.LayerType``; local, not in compat.py).
if hasattr(Qgis, "LayerType"):
    LAYER_TYPE_RASTER = Qgis.LayerType.Raster
else:  # QGIS < 3.30
    from qgis.core import QgsMapLayerType
    LAYER_TYPE_RASTER = QgsMapLayerType.RasterLayer

try:  # Qt6 (QGIS 4)
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5
    from qgis.PyQt.QtWidgets import QAction


# ------------------------------------------------------------------ formatting (what a person reads)
def format_setback(bit: ReasonBit, locale: QLocale | None = None) -> str:
    """The setback in the reader's number format: ``1.000 m``; ``459 m (2 H)`` for a setback in rotor
    heights; “kein Abstand” for none."""
    if not bit.buffer_m:
        return tr("no setback")
    text = f"{(locale or QLocale()).toString(float(bit.buffer_m), 'f', 0)} m"
    given = bit.buffer.strip()
    return f"{text} ({given})" if given and not given.endswith("m") else text  # "2 H": say the rule too


def kind_text(bit: ReasonBit) -> str:
    """Hard or soft criterion (the wind planner's hard and soft taboo zones), or the permitted zones."""
    return {"hard": tr("hard criterion"), "soft": tr("soft criterion"),
            "permitted": tr("permitted zones")}.get(bit.kind, bit.kind)


def status_text(pixel: PixelReasons) -> str:
    """The one-line answer: not excluded, outside the area, or by how many criteria."""
    if pixel.status == "eligible":
        return tr("not excluded")
    if pixel.status == "outside":
        return tr("outside the area")
    if len(pixel.reasons) == 1:
        return tr("Excluded by one criterion:")
    return tr("Excluded by {n} criteria:").format(n=len(pixel.reasons))


def reason_lines(pixel: PixelReasons, language: str | None = None, locale: QLocale | None = None) -> list[str]:
    """The answer as plain lines: the status, then per criterion ``label — setback — source``."""
    language = language or ui_language()
    lines = [status_text(pixel)]
    for b in pixel.reasons:
        lines.append(" — ".join(p for p in (b.label(language), tr("Setback: {setback}").format(
            setback=format_setback(b, locale)), tr("Source: {source}").format(source=b.source) if b.source else "")
            if p))
    return lines


def reason_html(pixel: PixelReasons, layer_name: str = "", language: str | None = None,
                locale: QLocale | None = None) -> str:
    """The answer for the dock: a heading, then one block per criterion (label, kind, setback, source)."""
    language = language or ui_language()
    esc = html.escape
    parts = [f"<p><b>{esc(status_text(pixel))}</b></p>"]
    if pixel.reasons:
        parts.append("<ol>")
        for b in pixel.reasons:
            parts.append(
                f"<li><b>{esc(b.label(language))}</b> <i>({esc(kind_text(b))})</i><br/>"
                f"{esc(tr('Setback: {setback}').format(setback=format_setback(b, locale)))}"
                + (f"<br/><small>{esc(tr('Source: {source}').format(source=b.source))}</small>" if b.source else "")
                + "</li>")
        parts.append("</ol>")
    if layer_name:
        value = "" if pixel.value is None else " · " + tr("raster value {value}").format(value=pixel.value)
        parts.append(f"<p><small>{esc(layer_name)}{esc(value)}</small></p>")
    return "".join(parts)


# ------------------------------------------------------------------ sampling a reasons raster
@dataclass(frozen=True)
class Inspection:
    """The answer for one map point: the layer it was read from, the point in the layer's CRS, the pixel."""

    layer_id: str
    layer_name: str
    x: float
    y: float
    pixel: PixelReasons


def reasons_at(layer: QgsRasterLayer, point: QgsPointXY) -> PixelReasons:
    """The reasons of the pixel of ``layer`` under ``point`` (in the layer's CRS); ``outside`` off the raster."""
    bits = read_bit_table(layer_file(layer))
    provider = layer.dataProvider()
    value, ok = provider.sample(point, 1)
    nodata = provider.sourceNoDataValue(1) if provider.sourceHasNoDataValue(1) else None
    return decode_reasons(value if ok else None, bits, nodata)


def pick_reasons_layer(canvas, active=None) -> QgsRasterLayer | None:
    """The active layer if it is a reasons raster, else the topmost reasons raster shown on the canvas."""
    if active is not None and is_reasons_layer(active):
        return active
    layers = canvas.layers() if canvas is not None else []
    return next((lyr for lyr in layers if is_reasons_layer(lyr)), None)


class ReasonPanel(QDockWidget):
    """The dock that shows the inspector's answer."""

    def __init__(self, parent=None):
        super().__init__(tr("Exclusion reasons"), parent)
        self.setObjectName("WipReasonInspector")
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.setWidget(self.browser)
        self.show_hint()

    def show_hint(self) -> None:
        self.browser.setHtml("<p>" + html.escape(tr(
            "Click a pixel of an exclusion reasons raster (a *_reasons.tif with its *_bits.json beside it) "
            "to see every criterion that excludes it.")) + "</p>")

    def show_html(self, text: str) -> None:
        self.browser.setHtml(text)


class ReasonInspectorTool(QgsMapToolEmitPoint):
    """Click → the reasons of the pixel below, shown in the panel. :meth:`inspect` is the handler."""

    def __init__(self, canvas, panel: ReasonPanel | None = None, active_layer=None):
        super().__init__(canvas)
        self.panel = panel
        self.active_layer = active_layer or (lambda: None)  # a callable: the iface's active layer
        self.last: Inspection | None = None
        self.setCursor(Qt.CursorShape.WhatsThisCursor)

    def canvasReleaseEvent(self, event):  # noqa: N802 (QGIS API)
        if event.button() == Qt.MouseButton.LeftButton:
            self.inspect(self.toMapCoordinates(event.pos()))

    def inspect(self, point: QgsPointXY, layer: QgsRasterLayer | None = None) -> Inspection | None:
        """The reasons for a map point (canvas CRS) on ``layer`` (default: the active or topmost reasons
        raster); shown in the panel. ``None`` when there is no reasons raster in the map."""
        canvas = self.canvas()
        layer = layer or pick_reasons_layer(canvas, self.active_layer())
        if layer is None:
            self.show(None, "<p>" + html.escape(tr(
                "No exclusion reasons raster in the map: run Land eligibility with the exclusion reasons raster "
                "as an output, or add a *_reasons.tif that has its *_bits.json beside it.")) + "</p>")
            return None
        source_crs = canvas.mapSettings().destinationCrs()
        at = QgsPointXY(point)
        if source_crs.isValid() and layer.crs().isValid() and source_crs != layer.crs():
            at = QgsCoordinateTransform(source_crs, layer.crs(), QgsProject.instance()).transform(at)
        try:
            pixel = reasons_at(layer, at)
        except (OSError, ValueError) as exc:
            self.show(None, "<p>" + html.escape(tr("The bit table of {layer} cannot be read: {error}").format(
                layer=layer.name(), error=exc)) + "</p>")
            return None
        found = Inspection(layer.id(), layer.name(), at.x(), at.y(), pixel)
        self.show(found, reason_html(pixel, layer.name()))
        return found

    def show(self, found: Inspection | None, text: str) -> None:
        self.last = found
        if self.panel is not None:
            self.panel.show_html(text)
            self.panel.show()
            self.panel.raise_()


# ------------------------------------------------------------------ exclusion zones as polygons
def exclusion_zones_layer(layer: QgsRasterLayer, language: str | None = None) -> QgsVectorLayer:
    """A memory layer with one (multi)polygon per criterion: the pixels that criterion excludes, with its
    id, label, setback [m], source and area [ha]; styled in the colours of the reasons raster."""
    import numpy as np
    from osgeo import gdal, ogr

    language = language or ui_language()
    path = layer_file(layer)
    bits = read_bit_table(path)
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    data = band.ReadAsArray()
    nodata = band.GetNoDataValue()
    inside = np.ones(data.shape, dtype=bool) if nodata is None else data != nodata
    gt = ds.GetGeoTransform()
    pixel_ha = abs(gt[1] * gt[5]) / 10_000.0
    out = QgsVectorLayer(f"MultiPolygon?crs={layer.crs().authid() or 'EPSG:25832'}",
                         tr("Exclusion zones: {layer}").format(layer=layer.name()), "memory")
    if not layer.crs().authid():
        out.setCrs(layer.crs())
    out.dataProvider().addAttributes([QgsField("criterion", FIELD_TYPE_STRING), QgsField("label", FIELD_TYPE_STRING),
                                      QgsField("setback_m", FIELD_TYPE_DOUBLE), QgsField("source", FIELD_TYPE_STRING),
                                      QgsField("area_ha", FIELD_TYPE_DOUBLE)])
    out.updateFields()
    mem = gdal.GetDriverByName("MEM")
    features = []
    for b in bits:
        mask = (((data & np.array(b.value, dtype=data.dtype)) != 0) & inside).astype(np.uint8)
        if not mask.any():
            continue
        mds = mem.Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Byte)
        mds.SetGeoTransform(gt)
        mds.GetRasterBand(1).WriteArray(mask)
        vds = (ogr.GetDriverByName("Memory") or ogr.GetDriverByName("MEM")).CreateDataSource("zones")  # GDAL ≥ 3.11: MEM
        vlayer = vds.CreateLayer("zones", geom_type=ogr.wkbPolygon)
        vlayer.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
        gdal.Polygonize(mds.GetRasterBand(1), mds.GetRasterBand(1), vlayer, 0)
        parts = []
        for f in vlayer:
            g = QgsGeometry()
            g.fromWkb(bytes(f.GetGeometryRef().ExportToWkb()))
            parts.append(g)
        feature = QgsFeature(out.fields())
        feature.setGeometry(QgsGeometry.collectGeometry(parts))
        feature.setAttributes([b.id, b.label(language), float(b.buffer_m), b.source, float(mask.sum()) * pixel_ha])
        features.append(feature)
    out.dataProvider().addFeatures(features)
    out.updateExtents()
    colours = criterion_colours(bits)
    categories = []
    for b in bits:
        symbol = QgsFillSymbol.createSimple({"color": colours[b.bit].name(), "outline_color": colours[b.bit].darker(
            150).name(), "outline_width": "0.3"})
        symbol.setOpacity(0.6)
        categories.append(QgsRendererCategory(b.id, symbol, b.label(language)))
    out.setRenderer(QgsCategorizedSymbolRenderer("criterion", categories))
    return out


# ------------------------------------------------------------------ the handle plugin.py keeps
class ReasonInspector:
    """The actions, the map tool and the dock; made by :func:`install_reason_inspector`."""

    def __init__(self, iface, menu_name: str, toolbar=None):
        self.iface = iface
        self.menu_name = menu_name
        self.toolbar = toolbar
        window = iface.mainWindow() if hasattr(iface, "mainWindow") else None
        self.panel = ReasonPanel(window)
        self.panel.hide()
        self.docked = False
        self.tool = ReasonInspectorTool(iface.mapCanvas(), self.panel, iface.activeLayer)
        self.inspect_action = QAction(tr("Why is this excluded?"), window)
        self.inspect_action.setCheckable(True)
        self.inspect_action.setIcon(QgsApplication.getThemeIcon("/mActionIdentify.svg"))
        self.inspect_action.setToolTip(tr("Click a pixel of an exclusion reasons raster to see every criterion "
                                          "that excludes it, with its setback and legal source"))
        self.inspect_action.triggered.connect(self.activate)
        self.tool.setAction(self.inspect_action)
        self.style_action = QAction(tr("Style exclusion reasons per criterion"), window)
        self.style_action.triggered.connect(self.style_active_layer)
        self.zones_action = QAction(tr("Exclusion zones per criterion as polygons"), window)
        self.zones_action.triggered.connect(self.add_zones_of_active_layer)
        self.actions = [self.inspect_action, self.style_action, self.zones_action]
        for action in self.actions:
            if hasattr(iface, "addPluginToMenu"):
                iface.addPluginToMenu(menu_name, action)
        if toolbar is not None:
            toolbar.addAction(self.inspect_action)
        # the layer tree's context menu of each reasons raster: style it, vectorise it
        self.layer_actions = [self.style_action, self.zones_action]
        self.in_layer_menu = hasattr(iface, "addCustomActionForLayerType") and hasattr(iface, "addCustomActionForLayer")
        if self.in_layer_menu:
            for action in self.layer_actions:
                iface.addCustomActionForLayerType(action, "", LAYER_TYPE_RASTER, False)
            QgsProject.instance().layersAdded.connect(self.offer_layer_actions)
            self.offer_layer_actions(QgsProject.instance().mapLayers().values())

    def offer_layer_actions(self, layers) -> list:
        """Add the layer actions to the context menu of every reasons raster among ``layers``."""
        offered = [layer for layer in layers if is_reasons_layer(layer)]
        for layer in offered:
            for action in self.layer_actions:
                self.iface.addCustomActionForLayer(action, layer)
        return offered

    def activate(self, checked: bool = True) -> None:
        canvas = self.iface.mapCanvas()
        if not checked:
            if canvas.mapTool() is self.tool:
                canvas.unsetMapTool(self.tool)
            return
        if not self.docked and hasattr(self.iface, "addDockWidget"):
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel)
            self.docked = True
        self.panel.show()
        canvas.setMapTool(self.tool)

    def reasons_layer(self) -> QgsRasterLayer | None:
        return pick_reasons_layer(self.iface.mapCanvas(), self.iface.activeLayer())

    def message(self, text: str, warning: bool = False) -> None:
        bar = self.iface.messageBar() if hasattr(self.iface, "messageBar") else None
        if bar is not None:
            level = Qgis.MessageLevel.Warning if warning else Qgis.MessageLevel.Info
            bar.pushMessage(tr("Exclusion reasons"), text, level, 8)

    def style_active_layer(self) -> bool:
        layer = self.reasons_layer()
        if layer is None or not apply_reason_style(layer):
            self.message(tr("The active layer is not an exclusion reasons raster (no *_bits.json beside it)."), True)
            return False
        retitle_band_node(layer, QgsProject.instance())
        return True

    def add_zones_of_active_layer(self) -> QgsVectorLayer | None:
        layer = self.reasons_layer()
        if layer is None:
            self.message(tr("The active layer is not an exclusion reasons raster (no *_bits.json beside it)."), True)
            return None
        zones = exclusion_zones_layer(layer)
        QgsProject.instance().addMapLayer(zones)
        return zones

    def unload(self) -> None:
        if self.in_layer_menu:
            QgsProject.instance().layersAdded.disconnect(self.offer_layer_actions)
            for action in self.layer_actions:
                self.iface.removeCustomActionForLayerType(action)
        canvas = self.iface.mapCanvas()
        if canvas is not None and canvas.mapTool() is self.tool:
            canvas.unsetMapTool(self.tool)
        for action in self.actions:
            if hasattr(self.iface, "removePluginMenu"):
                self.iface.removePluginMenu(self.menu_name, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            action.deleteLater()
        self.actions = []
        if self.docked and hasattr(self.iface, "removeDockWidget"):
            self.iface.removeDockWidget(self.panel)
        self.panel.deleteLater()
        self.tool.deleteLater()


def install_reason_inspector(iface, menu_name: str, toolbar=None) -> ReasonInspector:
    """Add the reason inspector's actions to the plugin menu ``menu_name`` (and the inspect action to
    ``toolbar``); keep the returned handle and call its ``unload()`` when the plugin unloads."""
    return ReasonInspector(iface, menu_name, toolbar)

