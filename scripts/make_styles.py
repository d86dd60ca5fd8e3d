#!/usr/bin/env python3
"""Write the QML styles of the algorithm outputs into wip_qgis_plugin/styles/.

The styles are built with the QGIS API (so QGIS 3.22 and later read them) and committed;
rerun after changing colours here:  QT_QPA_PLATFORM=offscreen python3 scripts/make_styles.py
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsColorRampShader,
    QgsFillSymbol,
    QgsMapLayer,
    QgsPalettedRasterRenderer,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor  # noqa: E402

STYLES = Path(__file__).resolve().parent.parent / "wip_qgis_plugin" / "styles"

# value, colour (RGBA), label
ELIGIBILITY = [
    (0, (120, 120, 120, 90), "ausgeschlossen / excluded"),
    (1, (46, 125, 50, 255), "geeignet / eligible"),
]

# The reasons raster is a bit field (one bit per criterion, decoded by the GeoTIFF metadata
# and the *_bits.json sidecar): 0 transparent, any exclusion red; Identify shows the value.
REASONS = [
    (0.0, (255, 255, 255, 0), "nicht ausgeschlossen / not excluded"),
    (float("inf"), (198, 40, 40, 150),
     "ausgeschlossen: Wert = Summe der Kriterien-Bits (siehe *_bits.json) / "
     "excluded: value = sum of criterion bits (see *_bits.json)"),
]


def _byte_raster(folder: str) -> QgsRasterLayer:
    from osgeo import gdal

    path = os.path.join(folder, "template.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 2, 2, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((0, 1, 0, 2, 0, -1))
    ds = None
    return QgsRasterLayer(path, "template")


def _save(layer, name: str) -> None:
    categories = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Rendering
    message, ok = layer.saveNamedStyle(str(STYLES / f"{name}.qml"), categories)
    if not ok:
        raise SystemExit(f"could not write {name}.qml: {message}")


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    with tempfile.TemporaryDirectory() as tmp:
        raster = _byte_raster(tmp)
        classes = [QgsPalettedRasterRenderer.Class(v, QColor(*rgba), label)
                   for v, rgba, label in ELIGIBILITY]
        raster.setRenderer(QgsPalettedRasterRenderer(raster.dataProvider(), 1, classes))
        _save(raster, "eligibility")

        ramp = QgsColorRampShader(0.0, 1.0)
        ramp.setColorRampType(QgsColorRampShader.Discrete)
        ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, QColor(*rgba), label)
                                   for v, rgba, label in REASONS])
        shader = QgsRasterShader()
        shader.setRasterShaderFunction(ramp)
        raster.setRenderer(QgsSingleBandPseudoColorRenderer(raster.dataProvider(), 1, shader))
        _save(raster, "reasons")

    polygons = QgsVectorLayer("Polygon?crs=EPSG:25832", "eligible areas", "memory")
    symbol = QgsFillSymbol.createSimple({
        "color": "46,125,50,110", "outline_color": "27,94,32,255", "outline_width": "0.4",
        "outline_width_unit": "MM"})
    polygons.setRenderer(QgsSingleSymbolRenderer(symbol))
    _save(polygons, "eligible_areas")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
