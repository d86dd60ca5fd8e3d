#!/usr/bin/env python3
"""Build the QGIS project ``revier_sample.qgz`` for the synthetic sample region.

Run headless with the Python that has the QGIS bindings, after ``make_sample_region.py``::

    QT_QPA_PLATFORM=offscreen python sample_layers/make_project.py

The project references ``revier_sample.gpkg`` and the GeoTIFFs next to it by relative paths,
uses German layer names and groups, gives every layer a readable style, and is reopened at the
end to check that every layer is valid.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["GDAL_PAM_ENABLED"] = "NO"  # no .aux.xml statistics files next to the shipped rasters

from qgis.core import (  # noqa: E402  (the environment variable must be set first)
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsColorRampShader,
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsLinePatternFillSymbolLayer,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRectangle,
    QgsReferencedRectangle,
    QgsRendererCategory,
    QgsSimpleFillSymbolLayer,
    QgsSimpleLineSymbolLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont  # noqa: E402

HERE = Path(__file__).resolve().parent
GPKG = "revier_sample.gpkg"
PROJECT = "revier_sample.qgz"
CRS = "EPSG:25832"


# ----------------------------------------------------------------------------------------------
# Symbol helpers
# ----------------------------------------------------------------------------------------------
def fill(color: str, outline: str | None = None, width: float = 0.2, style: Qt.BrushStyle = Qt.SolidPattern
         ) -> QgsFillSymbol:
    """Simple fill symbol; ``outline=None`` draws no outline. Widths in mm."""
    sym = QgsFillSymbol()
    layer = QgsSimpleFillSymbolLayer(QColor(color), style, QColor(outline or color), Qt.SolidLine, width)
    if outline is None:
        layer.setStrokeStyle(Qt.NoPen)
    sym.changeSymbolLayer(0, layer)
    return sym


def hatch(color: str, angle: float, distance: float = 2.0, width: float = 0.3, outline_width: float = 0.5,
          dashed: bool = False) -> QgsFillSymbol:
    """Hatched, transparent fill with an outline in the same colour (protected areas)."""
    sym = QgsFillSymbol()
    outline = QgsSimpleFillSymbolLayer(QColor(0, 0, 0, 0), Qt.NoBrush, QColor(color),
                                       Qt.DashLine if dashed else Qt.SolidLine, outline_width)
    sym.changeSymbolLayer(0, outline)
    lines = QgsLinePatternFillSymbolLayer()
    lines.setLineAngle(angle)
    lines.setDistance(distance)
    lines.setLineWidth(width)
    lines.setColor(QColor(color))
    sym.appendSymbolLayer(lines)
    return sym


def line(color: str, width: float, dash: bool = False, casing: str | None = None) -> QgsLineSymbol:
    """Line symbol (width in mm), optionally dashed or with a darker casing below."""
    sym = QgsLineSymbol()
    layers = []
    if casing:
        layers.append(QgsSimpleLineSymbolLayer(QColor(casing), width + 0.4))
    top = QgsSimpleLineSymbolLayer(QColor(color), width)
    if dash:
        top.setPenStyle(Qt.DashLine)
    layers.append(top)
    for lyr in layers:
        lyr.setPenCapStyle(Qt.RoundCap)
    sym.changeSymbolLayer(0, layers[0])
    for lyr in layers[1:]:
        sym.appendSymbolLayer(lyr)
    return sym


def rail(width: float, tracks: int) -> QgsLineSymbol:
    """Railway: dark line with white dashes (double track) or a thinner dashed line (single)."""
    sym = QgsLineSymbol()
    base = QgsSimpleLineSymbolLayer(QColor("#555555"), width)
    sym.changeSymbolLayer(0, base)
    dash = QgsSimpleLineSymbolLayer(QColor("#ffffff"), width * 0.5)
    dash.setUseCustomDashPattern(True)
    dash.setCustomDashVector([3.0, 3.0] if tracks == 2 else [1.5, 3.0])
    sym.appendSymbolLayer(dash)
    return sym


def marker(shape: str, color: str, size: float, outline: str = "#ffffff") -> QgsMarkerSymbol:
    """Simple marker (size in mm)."""
    return QgsMarkerSymbol.createSimple({"name": shape, "color": color, "size": str(size),
                                         "outline_color": outline, "outline_width": "0.3"})


def categorized(field: str, cats: Sequence[tuple[str, str, object]]) -> QgsCategorizedSymbolRenderer:
    """Categorised renderer from (value, label, symbol) triples."""
    return QgsCategorizedSymbolRenderer(field, [QgsRendererCategory(v, s, lbl) for v, lbl, s in cats])


def pseudocolor(layer: QgsRasterLayer, stops: Sequence[tuple[float, str, str]]) -> None:
    """Interpolated pseudocolour renderer from (value, colour, label) stops."""
    ramp = QgsColorRampShader(stops[0][0], stops[-1][0])
    ramp.setColorRampType(QgsColorRampShader.Interpolated)
    ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, QColor(c), lbl) for v, c, lbl in stops])
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(stops[0][0])
    renderer.setClassificationMax(stops[-1][0])
    layer.setRenderer(renderer)


def label(layer: QgsVectorLayer, field: str, size: float = 10.0, bold: bool = True) -> None:
    """Label features with a white halo."""
    fmt = QgsTextFormat()
    font = QFont("Sans Serif")
    font.setBold(bold)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor("#303030"))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(1.0)
    buf.setColor(QColor("#ffffff"))
    fmt.setBuffer(buf)
    settings = QgsPalLayerSettings()
    settings.fieldName = field
    settings.setFormat(fmt)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


# ----------------------------------------------------------------------------------------------
# Styles per layer
# ----------------------------------------------------------------------------------------------
def style_municipalities(layer: QgsVectorLayer) -> None:
    """Municipal boundaries: no fill, dark dash-dot outline, name labels."""
    sym = QgsFillSymbol()
    border = QgsSimpleFillSymbolLayer(QColor(0, 0, 0, 0), Qt.NoBrush, QColor("#3c3c3c"), Qt.DashDotLine, 0.7)
    sym.changeSymbolLayer(0, border)
    layer.setRenderer(QgsSingleSymbolRenderer(sym))
    label(layer, "name", 11.0)


def style_landuse(layer: QgsVectorLayer) -> None:
    """Landuse in the usual (OSM Carto-like) map colours."""
    layer.setRenderer(categorized("landuse", [
        ("farmland", "Ackerland", fill("#eef0d5")),
        ("meadow", "Grünland", fill("#cdebb0")),
        ("forest", "Wald", fill("#add19e")),
        ("residential", "Wohnbaufläche", fill("#e0dfdf", "#c8c8c8", 0.1)),
        ("commercial", "Gewerbe", fill("#f2dad9", "#d9b5b3", 0.1)),
        ("industrial", "Industrie", fill("#ebdbe8", "#cdb8c9", 0.1)),
        ("quarry", "Tagebau / Halde", fill("#c5c3c3", "#a09e9e", 0.2)),
        ("brownfield", "Kippe / Brache (Bergbaufolgefläche)", fill("#c7c7b4", "#a3a38c", 0.2)),
        ("spoil_heap", "Halde", fill("#b9aea2", "#8f8377", 0.2)),
    ]))


def style_buildings(layer: QgsVectorLayer) -> None:
    """Buildings in grey."""
    layer.setRenderer(QgsSingleSymbolRenderer(fill("#a9a39e", "#857f7a", 0.1)))


def style_roads(layer: QgsVectorLayer) -> None:
    """Roads by class (``highway``)."""
    layer.setRenderer(categorized("highway", [
        ("motorway", "Autobahn", line("#e892a2", 1.4, casing="#c24e6b")),
        ("trunk", "Kraftfahrstraße", line("#f9b29c", 1.2, casing="#c84e2f")),
        ("primary", "Bundesstraße", line("#fcd6a4", 1.0, casing="#a06b00")),
        ("secondary", "Landesstraße", line("#f7fabf", 0.8, casing="#707d05")),
        ("tertiary", "Kreisstraße", line("#ffffff", 0.7, casing="#8f8f8f")),
        ("unclassified", "Gemeindestraße", line("#ffffff", 0.5, casing="#a0a0a0")),
        ("residential", "Wohnstraße", line("#ffffff", 0.35, casing="#b0b0b0")),
        ("track", "Wirtschaftsweg", line("#b39262", 0.2, dash=True)),
    ]))


def style_railways(layer: QgsVectorLayer) -> None:
    """Railways: main lines double-track style, branch lines thinner."""
    layer.setRenderer(categorized("usage", [
        ("main", "Hauptbahn", rail(1.0, 2)),
        ("branch", "Nebenbahn", rail(0.7, 1)),
    ]))


def style_power_lines(layer: QgsVectorLayer) -> None:
    """Power lines by voltage."""
    layer.setRenderer(categorized("voltage", [
        ("380000", "380 kV", line("#d7191c", 0.8)),
        ("220000", "220 kV", line("#1a9641", 0.7)),
        ("110000", "110 kV", line("#7b3294", 0.5)),
        ("20000", "20 kV", line("#fdae61", 0.3)),
    ]))


def style_substations(layer: QgsVectorLayer) -> None:
    """Substations: squares, larger for transmission."""
    layer.setRenderer(categorized("substation", [
        ("transmission", "Übertragungsnetz (380/220 kV)", marker("square", "#d7191c", 3.6, "#000000")),
        ("distribution", "Verteilnetz (110/20 kV)", marker("square", "#7b3294", 2.6, "#000000")),
    ]))
    label(layer, "name", 8.0, bold=False)


def style_water(layer: QgsVectorLayer) -> None:
    """Standing water and river areas in blue."""
    layer.setRenderer(QgsSingleSymbolRenderer(fill("#aad3df", "#6a9fb5", 0.2)))


def style_waterways(layer: QgsVectorLayer) -> None:
    """Waterways by type."""
    layer.setRenderer(categorized("waterway", [
        ("river", "Fluss", line("#4a80c8", 1.0)),
        ("canal", "Kanal", line("#4a80c8", 0.8)),
        ("stream", "Bach", line("#6a9fd8", 0.45)),
        ("ditch", "Graben", line("#8ab4e8", 0.25)),
    ]))


def style_protected_areas(layer: QgsVectorLayer) -> None:
    """Protected areas hatched by title."""
    layer.setRenderer(categorized("protection_title", [
        ("Naturschutzgebiet", "Naturschutzgebiet (NSG)", hatch("#1b7837", 45.0, 2.0)),
        ("FFH-Gebiet", "FFH-Gebiet", hatch("#5aae61", -45.0, 2.5)),
        ("Vogelschutzgebiet", "Vogelschutzgebiet (SPA)", hatch("#2166ac", 0.0, 3.0)),
        ("Landschaftsschutzgebiet", "Landschaftsschutzgebiet (LSG)", hatch("#8c7e1f", 90.0, 4.0, 0.2, 0.4, True)),
        ("Wasserschutzgebiet", "Wasserschutzgebiet (Zonen I–III)", hatch("#4393c3", 30.0, 1.5, 0.2, 0.4, True)),
    ]))


def style_airfields(layer: QgsVectorLayer) -> None:
    """Airfields in light grey with a dark outline, labelled."""
    layer.setRenderer(QgsSingleSymbolRenderer(fill("#e9e7e2", "#6e6e6e", 0.4)))
    label(layer, "name", 8.0, bold=False)


def style_wind_turbines(layer: QgsVectorLayer) -> None:
    """Wind turbines as blue triangles."""
    layer.setRenderer(QgsSingleSymbolRenderer(marker("triangle", "#1f5fbf", 3.2)))


def style_parking(layer: QgsVectorLayer) -> None:
    """Parking lots: grey, surface lots with a dark outline, others dashed."""
    layer.setRenderer(categorized("parking", [
        ("surface", "Parkplatz (ebenerdig)", fill("#eeeeee", "#5b5b5b", 0.3)),
        ("multi-storey", "Parkhaus", fill("#cfcfcf", "#5b5b5b", 0.3)),
    ]))
    label(layer, "name", 7.0, bold=False)


def style_disadvantaged(layer: QgsVectorLayer) -> None:
    """Benachteiligte Gebiete: an orange hatch over the land."""
    layer.setRenderer(QgsSingleSymbolRenderer(hatch("#d98c1f", 45.0, 3.0)))


def style_pv_parks(layer: QgsVectorLayer) -> None:
    """PV parks: blue fill with panel-row hatching."""
    sym = fill("#8fa8d8", "#2c4f9e", 0.3)
    rows = QgsLinePatternFillSymbolLayer()
    rows.setLineAngle(0.0)
    rows.setDistance(1.0)
    rows.setLineWidth(0.15)
    rows.setColor(QColor("#2c4f9e"))
    sym.appendSymbolLayer(rows)
    layer.setRenderer(QgsSingleSymbolRenderer(sym))


def style_dem(layer: QgsRasterLayer) -> None:
    """Elevation as a hypsometric pseudocolour ramp."""
    pseudocolor(layer, [(50.0, "#2b83ba", "50 m"), (70.0, "#abdda4", "70 m"), (85.0, "#ffffbf", "85 m"),
                        (100.0, "#fdae61", "100 m"), (115.0, "#a6611a", "115 m"), (130.0, "#f5f5f5", "130 m")])


def style_wind(layer: QgsRasterLayer) -> None:
    """Mean wind speed, viridis-like ramp 5-7.5 m/s."""
    pseudocolor(layer, [(5.0, "#440154", "5,0 m/s"), (5.5, "#3b528b", "5,5 m/s"), (6.0, "#21918c", "6,0 m/s"),
                        (6.5, "#5ec962", "6,5 m/s"), (7.0, "#b5de2b", "7,0 m/s"), (7.5, "#fde725", "7,5 m/s")])
    layer.renderer().setOpacity(0.85)


def style_soil(layer: QgsRasterLayer) -> None:
    """Ackerzahl: red (poor) to green (very good)."""
    pseudocolor(layer, [(20.0, "#d7191c", "20"), (40.0, "#fdae61", "40"), (60.0, "#ffffbf", "60"),
                        (80.0, "#a6d96a", "80"), (95.0, "#1a9641", "95")])


# ----------------------------------------------------------------------------------------------
# Project assembly
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerSpec:
    """One project layer.

    Attributes
    ----------
    name : str
        German layer name shown in QGIS.
    source : str
        GeoPackage layer name or GeoTIFF file name.
    style : callable
        Function that styles the layer in place.
    visible : bool
        Initial visibility.
    """

    name: str
    source: str
    style: Callable
    visible: bool = True


GROUPS: tuple[tuple[str, tuple[LayerSpec, ...]], ...] = (
    ("Verwaltung", (LayerSpec("Gemeinden", "municipalities", style_municipalities),)),
    ("Energie", (
        LayerSpec("Windenergieanlagen", "wind_turbines", style_wind_turbines),
        LayerSpec("Umspannwerke", "substations", style_substations),
        LayerSpec("Stromleitungen", "power_lines", style_power_lines),
        LayerSpec("PV-Freiflächenanlagen", "pv_parks", style_pv_parks),
    )),
    ("Siedlung und Verkehr", (
        LayerSpec("Gebäude", "buildings", style_buildings),
        LayerSpec("Bahnstrecken", "railways", style_railways),
        LayerSpec("Straßen", "roads", style_roads),
        LayerSpec("Flugplatz", "airfields", style_airfields),
        LayerSpec("Parkplätze", "parking", style_parking),
    )),
    ("Natur und Wasser", (
        LayerSpec("Schutzgebiete", "protected_areas", style_protected_areas),
        LayerSpec("Fließgewässer", "waterways", style_waterways),
        LayerSpec("Gewässer", "water", style_water),
    )),
    ("Landnutzung", (
        LayerSpec("Benachteiligte Gebiete (synthetisch)", "disadvantaged_areas", style_disadvantaged, False),
        LayerSpec("Landnutzung", "landuse", style_landuse),
    )),
    ("Raster", (
        LayerSpec("Windgeschwindigkeit 100 m", "wind_speed_100m.tif", style_wind, False),
        LayerSpec("Windgeschwindigkeit 150 m", "wind_speed_150m.tif", style_wind, False),
        LayerSpec("Bodenqualität", "soil_quality.tif", style_soil, False),
        LayerSpec("Höhenmodell", "dem.tif", style_dem, True),
    )),
)


def build_project(folder: Path) -> Path:
    """Create the project file in ``folder`` from the data files there.

    Parameters
    ----------
    folder : pathlib.Path
        Folder with ``revier_sample.gpkg`` and the GeoTIFFs; the project is written there.

    Returns
    -------
    pathlib.Path
        Path of the written ``.qgz``.
    """
    gpkg = folder / GPKG
    if not gpkg.exists():
        raise FileNotFoundError(f"{gpkg} not found: run make_sample_region.py first")
    project = QgsProject.instance()
    project.clear()
    project.setTitle("WIP Energie- und Raumplanung: synthetische Beispielregion Mitteldeutsches Revier")
    project.setCrs(QgsCoordinateReferenceSystem(CRS))
    project.writeEntryBool("Paths", "/Absolute", False)
    root = project.layerTreeRoot()
    extent = QgsRectangle()
    for group_name, specs in GROUPS:
        group = root.addGroup(group_name)
        for spec in specs:
            if spec.source.endswith(".tif"):
                layer = QgsRasterLayer(str(folder / spec.source), spec.name, "gdal")
            else:
                layer = QgsVectorLayer(f"{gpkg}|layername={spec.source}", spec.name, "ogr")
            if not layer.isValid():
                raise RuntimeError(f"layer {spec.name} ({spec.source}) could not be loaded")
            spec.style(layer)
            if spec.source == "municipalities":
                extent = layer.extent()
            project.addMapLayer(layer, False)
            node = group.addLayer(layer)
            node.setItemVisibilityChecked(spec.visible)
            node.setExpanded(False)
        group.setExpanded(group_name != "Raster")
    project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, project.crs()))
    out = folder / PROJECT
    if not project.write(str(out)):
        raise RuntimeError(f"could not write {out}: {project.error()}")
    return out


def check_project(path: Path) -> list[tuple[str, bool, str]]:
    """Reopen a project and report (layer name, valid, source) for every layer."""
    project = QgsProject.instance()
    project.clear()
    if not project.read(str(path)):
        raise RuntimeError(f"could not read {path}: {project.error()}")
    return [(lyr.name(), lyr.isValid(), lyr.source()) for lyr in project.mapLayers().values()]


def main(argv: Sequence[str] | None = None) -> int:
    """Build and verify the project; returns a process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folder", type=Path, default=HERE, help="folder with the sample data")
    args = ap.parse_args(argv)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        out = build_project(args.folder.resolve())
        print(f"wrote {out}")
        report = check_project(out)
        bad = [name for name, ok, _ in report if not ok]
        for name, ok, src in sorted(report):
            print(f"  {'ok ' if ok else 'BAD'} {name:28s} {src}")
        if bad:
            print(f"invalid layers: {bad}", file=sys.stderr)
            return 1
        print(f"all {len(report)} layers valid after reopening {out.name}")
        return 0
    finally:
        QgsProject.instance().clear()
        app.exitQgis()


if __name__ == "__main__":
    sys.exit(main())
