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
os.environ.setdefault("QT_HASH_SEED", "0")  # XML attributes in the same order on every run
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsColorRampShader,
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsMapLayer,
    QgsPalettedRasterRenderer,
    QgsPalLayerSettings,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererRange,
    QgsRuleBasedRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
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


# Suitability score 0–100 (uint8, 255 = not scored: outside the ramp, so transparent).
SUITABILITY = [
    (0.0, (215, 25, 28, 255), "0 wenig geeignet / least suitable"),
    (25.0, (253, 174, 97, 255), "25"),
    (50.0, (255, 255, 191, 255), "50"),
    (75.0, (166, 217, 106, 255), "75"),
    (100.0, (26, 150, 65, 255), "100 am besten geeignet / most suitable"),
]

# Stability: percent of the sensitivity runs in which a pixel is in the top share.
STABILITY = [
    (0.0, (247, 251, 255, 120), "0 % nie in der Spitzengruppe / never in the top share"),
    (50.0, (107, 174, 214, 255), "50 %"),
    (100.0, (8, 48, 107, 255), "100 % immer in der Spitzengruppe / always in the top share"),
]

# Candidate sites by mean score [0–100]: lower bound, upper bound, colour, label.
SITES = [
    (0.0, 20.0, (215, 25, 28), "0–20"),
    (20.0, 40.0, (253, 174, 97), "20–40"),
    (40.0, 60.0, (255, 255, 191), "40–60"),
    (60.0, 80.0, (166, 217, 106), "60–80"),
    (80.0, 100.0, (26, 150, 65), "80–100"),
]

# WindBG: the counted share of a municipality against its Land's targets.
WINDBG = [
    ('"counted_pct" >= "target_2032_pct"', (26, 150, 65),
     "erreicht den Anteil für 2032 / reaches the 2032 share"),
    ('"counted_pct" >= "target_2027_pct" AND "counted_pct" < "target_2032_pct"', (166, 217, 106),
     "erreicht den Anteil für 2027 / reaches the 2027 share"),
    ('"counted_pct" >= 0.5 * "target_2027_pct" AND "counted_pct" < "target_2027_pct"', (253, 174, 97),
     "mindestens die Hälfte des Anteils für 2027 / at least half the 2027 share"),
    ('"counted_pct" < 0.5 * "target_2027_pct"', (215, 25, 28),
     "unter der Hälfte des Anteils für 2027 / below half the 2027 share"),
]


def _byte_raster(folder: str) -> QgsRasterLayer:
    from osgeo import gdal

    path = os.path.join(folder, "template.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 2, 2, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((0, 1, 0, 2, 0, -1))
    ds = None
    return QgsRasterLayer(path, "template")


def _save(layer, name: str, labels: bool = False) -> None:
    categories = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Rendering
    if labels:
        categories |= QgsMapLayer.StyleCategory.Labeling
    message, ok = layer.saveNamedStyle(str(STYLES / f"{name}.qml"), categories)
    if not ok:
        raise SystemExit(f"could not write {name}.qml: {message}")


def _fill(rgb, alpha: int = 200) -> QgsFillSymbol:
    r, g, b = rgb
    return QgsFillSymbol.createSimple({
        "color": f"{r},{g},{b},{alpha}", "outline_color": "60,60,60,255", "outline_width": "0.3",
        "outline_width_unit": "MM"})


def _labels(expression: str) -> QgsVectorLayerSimpleLabeling:
    settings = QgsPalLayerSettings()
    settings.fieldName = expression
    settings.isExpression = True
    text = QgsTextFormat()
    text.setSize(9)
    text.buffer().setEnabled(True)
    settings.setFormat(text)
    return QgsVectorLayerSimpleLabeling(settings)


def _vector_styles() -> None:
    polygons = QgsVectorLayer("Polygon?crs=EPSG:25832", "eligible areas", "memory")
    symbol = QgsFillSymbol.createSimple({
        "color": "46,125,50,110", "outline_color": "27,94,32,255", "outline_width": "0.4",
        "outline_width_unit": "MM"})
    polygons.setRenderer(QgsSingleSymbolRenderer(symbol))
    _save(polygons, "eligible_areas")

    sites = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=rank:integer&field=mean:double",
                           "candidate sites", "memory")
    ranges = [QgsRendererRange(lo, hi, _fill(rgba), label) for lo, hi, rgba, label in SITES]
    sites.setRenderer(QgsGraduatedSymbolRenderer("mean", ranges))
    sites.setLabeling(_labels('"rank"'))
    sites.setLabelsEnabled(True)
    _save(sites, "candidate_sites", labels=True)

    munis = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=name:string&field=counted_pct:double"
                           "&field=target_2027_pct:double&field=target_2032_pct:double", "windbg", "memory")
    root = QgsRuleBasedRenderer.Rule(None)
    for expression, rgba, label in WINDBG:
        root.appendChild(QgsRuleBasedRenderer.Rule(_fill(rgba, alpha=170), 0, 0, expression, label))
    munis.setRenderer(QgsRuleBasedRenderer(root))
    munis.setLabeling(_labels('"name" || \'\\n\' || format_number("counted_pct", 2) || \' %\''))
    munis.setLabelsEnabled(True)
    _save(munis, "windbg_municipalities", labels=True)


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

        for name, items in (("suitability", SUITABILITY), ("stability", STABILITY)):
            ramp = QgsColorRampShader(0.0, 100.0)
            ramp.setColorRampType(QgsColorRampShader.Interpolated)
            ramp.setClip(True)  # 255 (not scored) is outside the ramp: not drawn
            ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, QColor(*rgba), label)
                                       for v, rgba, label in items])
            shader = QgsRasterShader(0.0, 100.0)
            shader.setRasterShaderFunction(ramp)
            renderer = QgsSingleBandPseudoColorRenderer(raster.dataProvider(), 1, shader)
            renderer.setClassificationMin(0.0)
            renderer.setClassificationMax(100.0)
            raster.setRenderer(renderer)
            _save(raster, name)
        del raster, renderer, shader, ramp  # free the layer before its file and QGIS go (else a crash)

    _vector_styles()  # layers are gone before exitQgis (else a crash at exit)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
