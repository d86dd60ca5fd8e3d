#!/usr/bin/env python3
"""Write the QML styles of the algorithm outputs and the site-map layers into wip_qgis_plugin/styles/.

The styles are built with the QGIS API (so QGIS 3.22 and later read them) and committed;
rerun after changing colours here or in wip_qgis_plugin/core/profile/legend.py (the colours
of the generation sources, eligible areas and connections, shared with the report):
    QT_QPA_PLATFORM=offscreen python3 scripts/make_styles.py
``--out DIR`` writes them into DIR instead (to compare with the committed ones).
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_HASH_SEED", "0")  # XML attributes in the same order on every run
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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

from wip_qgis_plugin.core.profile.legend import (  # noqa: E402
    CONNECTION_COLOUR,
    ELIGIBLE_FILL,
    SOURCE_COLOURS,
)

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
    _grid_styles()


# Grid connection lines by level: level id, colour, width [mm], label.
GRID_CONNECTIONS = [
    ("mv_20kv", (46, 125, 50), 0.6, "Mittelspannung 20 kV / medium voltage 20 kV"),
    ("hv_110kv", (230, 120, 0), 0.9, "110 kV"),
    ("ehv_transmission", (198, 40, 40), 1.2, "110 kV zum Höchstspannungs-UW / 110 kV to a 220/380 kV substation"),
]
# Power lines by voltage [kV]: lower bound, upper bound, colour, width [mm], label.
GRID_LINES = [
    (0.0, 60.0, (46, 125, 50), 0.4, "Mittelspannung / medium voltage (< 60 kV)"),
    (60.0, 150.0, (230, 120, 0), 0.7, "Hochspannung / high voltage (110 kV)"),
    (150.0, 1000.0, (198, 40, 40), 1.0, "Höchstspannung / extra-high voltage (220/380 kV)"),
]
# Sites by connection cost [€/kW]; sites without a connection grey.
CONNECTION_COST = [
    ('"cost_eur_per_kw" < 25', (26, 150, 65), "< 25 €/kW"),
    ('"cost_eur_per_kw" >= 25 AND "cost_eur_per_kw" < 50', (166, 217, 106), "25–50 €/kW"),
    ('"cost_eur_per_kw" >= 50 AND "cost_eur_per_kw" < 100', (255, 255, 191), "50–100 €/kW"),
    ('"cost_eur_per_kw" >= 100 AND "cost_eur_per_kw" < 200', (253, 174, 97), "100–200 €/kW"),
    ('"cost_eur_per_kw" >= 200', (215, 25, 28), "≥ 200 €/kW"),
    ('"cost_eur_per_kw" IS NULL', (150, 150, 150), "nicht anschließbar / not connectable (status)"),
]
# Substations by the share of their free capacity allocated.
SUBSTATION_LOAD = [
    ('"free_capacity_mw" <= 0', (150, 150, 150), "keine freie Kapazität / no free capacity"),
    ('"free_capacity_mw" > 0 AND "remaining_mw" <= 0.0001', (198, 40, 40), "voll belegt / fully allocated"),
    ('"free_capacity_mw" > 0 AND "remaining_mw" > 0.0001 AND "allocated_mw" > 0', (230, 120, 0),
     "teilweise belegt / partly allocated"),
    ('"free_capacity_mw" > 0 AND "allocated_mw" <= 0', (46, 125, 50), "frei / free"),
]
# Topology report: issue kind, colour, marker shape, label.
TOPOLOGY_KINDS = [
    ("dangling_end", (215, 25, 28), "circle", "offenes Leitungsende / dangling end"),
    ("isolated_component", (123, 50, 148), "diamond", "isolierter Netzteil / isolated grid part"),
    ("no_voltage", (255, 127, 0), "triangle", "Leitung ohne Spannung / line without voltage"),
    ("substation_not_attached", (0, 0, 0), "square", "Umspannwerk ohne Leitung / substation without lines"),
    ("collapsed_line", (255, 127, 0), "cross2", "zu kurze Leitung entfernt / collapsed line dropped"),
    ("snapped_endpoint", (33, 113, 181), "circle", "Ende gefangen / end snapped"),
    ("snapped_to_substation", (33, 113, 181), "square", "Ende an Umspannwerk gefangen / end snapped to substation"),
    ("t_junction", (33, 113, 181), "triangle", "T-Abzweig / T-junction"),
    ("substation_voltage_mismatch", (120, 120, 120), "star", "Spannung fehlt im UW-Tag / level missing in tag"),
]


def _grid_styles() -> None:
    """Styles of the grid outputs: connections, sites, substation load, topology report, lines."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsLineSymbol, QgsMarkerSymbol, QgsRendererCategory

    def line(rgb, width):
        r, g, b = rgb
        return QgsLineSymbol.createSimple({"color": f"{r},{g},{b},255", "width": str(width), "width_unit": "MM"})

    def marker(rgb, shape="circle", size=3.0):
        r, g, b = rgb
        return QgsMarkerSymbol.createSimple({"name": shape, "color": f"{r},{g},{b},230", "size": str(size),
                                             "outline_color": "40,40,40,255", "size_unit": "MM"})

    def rules(layer, items, symbol):
        root = QgsRuleBasedRenderer.Rule(None)
        for expression, rgba, label in items:
            root.appendChild(QgsRuleBasedRenderer.Rule(symbol(rgba), 0, 0, expression, label))
        layer.setRenderer(QgsRuleBasedRenderer(root))

    conn = QgsVectorLayer("LineString?crs=EPSG:25832&field=level:string&field=allocated_mw:double",
                          "connections", "memory")
    conn.setRenderer(QgsCategorizedSymbolRenderer("level", [
        QgsRendererCategory(value, line(rgb, width), label) for value, rgb, width, label in GRID_CONNECTIONS]))
    _save(conn, "grid_connections")

    lines = QgsVectorLayer("LineString?crs=EPSG:25832&field=voltage_kv:double", "grid lines", "memory")
    lines.setRenderer(QgsGraduatedSymbolRenderer("voltage_kv", [
        QgsRendererRange(lo, hi, line(rgb, width), label) for lo, hi, rgb, width, label in GRID_LINES]))
    _save(lines, "grid_lines")

    fields = "&field=site_id:string&field=status:string&field=cost_eur_per_kw:double"
    polygons = QgsVectorLayer(f"MultiPolygon?crs=EPSG:25832{fields}", "connection sites", "memory")
    rules(polygons, CONNECTION_COST, lambda rgb: _fill(rgb, alpha=190))
    _save(polygons, "connection_sites")
    points = QgsVectorLayer(f"Point?crs=EPSG:25832{fields}", "connection sites", "memory")
    rules(points, CONNECTION_COST, lambda rgb: marker(rgb, "circle", 3.0))
    _save(points, "connection_sites_points")

    subs = QgsVectorLayer("Point?crs=EPSG:25832&field=name:string&field=free_capacity_mw:double"
                          "&field=allocated_mw:double&field=remaining_mw:double", "substation load", "memory")
    rules(subs, SUBSTATION_LOAD, lambda rgb: marker(rgb, "square", 4.0))
    subs.setLabeling(_labels('"name" || \'\\n\' || format_number("allocated_mw", 1) || \' / \' || '
                             'format_number("free_capacity_mw", 1) || \' MW\''))
    subs.setLabelsEnabled(True)
    _save(subs, "substation_load", labels=True)

    report = QgsVectorLayer("Point?crs=EPSG:25832&field=kind:string", "topology report", "memory")
    report.setRenderer(QgsCategorizedSymbolRenderer("kind", [
        QgsRendererCategory(kind, marker(rgb, shape, 3.0 if kind in ("dangling_end", "isolated_component") else 2.2),
                            label) for kind, rgb, shape, label in TOPOLOGY_KINDS]))
    _save(report, "topology_report")

# Wind yield rasters: value ramps (min, max) with colours from low to high.
WIND_RASTERS = {
    "wind_full_load_hours": (1500.0, 3500.0, "h/a"),
    "wind_energy": (5000.0, 25000.0, "MWh/a"),
    "wind_speed_hub": (5.0, 8.0, "m/s"),
}
WIND_RAMP = [(0.0, (43, 131, 186, 255)), (0.25, (171, 221, 164, 255)), (0.5, (255, 255, 191, 255)),
             (0.75, (253, 174, 97, 255)), (1.0, (215, 25, 28, 255))]
# Turbines by net full-load hours: lower bound, upper bound, colour, label.
WIND_TURBINES = [
    (0.0, 2000.0, (215, 25, 28), "< 2.000 h/a"),
    (2000.0, 2500.0, (253, 174, 97), "2.000–2.500 h/a"),
    (2500.0, 3000.0, (166, 217, 106), "2.500–3.000 h/a"),
    (3000.0, 99999.0, (26, 150, 65), "≥ 3.000 h/a"),
]


def _ramp_styles(raster, rasters: dict, ramp_colours: list) -> None:
    """One interpolated pseudo-colour style per raster: {name: (min, max, unit)}, colours (fraction, RGBA)."""
    for name, (lo, hi, unit) in rasters.items():
        ramp = QgsColorRampShader(lo, hi)
        ramp.setColorRampType(QgsColorRampShader.Interpolated)
        ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(lo + f * (hi - lo), QColor(*rgba),
                                                                    f"{lo + f * (hi - lo):g} {unit}")
                                   for f, rgba in ramp_colours])
        shader = QgsRasterShader(lo, hi)
        shader.setRasterShaderFunction(ramp)
        renderer = QgsSingleBandPseudoColorRenderer(raster.dataProvider(), 1, shader)
        renderer.setClassificationMin(lo)
        renderer.setClassificationMax(hi)
        raster.setRenderer(renderer)
        _save(raster, name)


def _wind_styles(raster) -> None:
    """Styles of the wind yield rasters and the turbine layout points."""
    from qgis.core import QgsMarkerSymbol

    _ramp_styles(raster, WIND_RASTERS, WIND_RAMP)
    points = QgsVectorLayer("Point?crs=EPSG:25832&field=turbine_id:string&field=full_load_hours:double",
                            "turbines", "memory")
    points.setRenderer(QgsGraduatedSymbolRenderer("full_load_hours", [
        QgsRendererRange(lo, hi, QgsMarkerSymbol.createSimple({
            "name": "circle", "color": f"{r},{g},{b},230", "size": "2.6", "size_unit": "MM",
            "outline_color": "30,30,30,255"}), label) for lo, hi, (r, g, b), label in WIND_TURBINES]))
    _save(points, "wind_turbines")


# Immission: rated night noise level [dB(A)] in classes at the TA Lärm limits, shadow hours [h/a] at the LAI 30 h.
NOISE_CLASSES = [
    (35.0, (255, 255, 255, 0), "< 35 dB(A)"),
    (40.0, (255, 237, 160, 170), "35–40 dB(A) (über reinem Wohngebiet / above pure residential)"),
    (45.0, (254, 178, 76, 190), "40–45 dB(A) (über allgemeinem Wohngebiet / above general residential)"),
    (50.0, (240, 59, 32, 200), "45–50 dB(A) (über Dorf-/Mischgebiet / above village and mixed)"),
    (float("inf"), (128, 0, 38, 210), "≥ 50 dB(A)"),
]
SHADOW_CLASSES = [
    (0.001, (255, 255, 255, 0), "kein Schattenwurf / no shadow"),
    (10.0, (222, 235, 247, 160), "bis 10 h/a"),
    (30.0, (158, 202, 225, 190), "10–30 h/a"),
    (100.0, (49, 130, 189, 200), "30–100 h/a (über der LAI-Grenze / above the LAI limit)"),
    (float("inf"), (8, 48, 107, 210), "≥ 100 h/a"),
]
# Receptors: rule, colour, label.
RECEPTORS = [
    ('"margin_db" < 0', (215, 25, 28), "Richtwert überschritten / over the noise limit"),
    ('"shadow_over_limit"', (253, 174, 97), "Schattenwurf über 30 h/a oder 30 min/d / shadow over the limit"),
    ('"margin_db" < 3', (255, 255, 191), "weniger als 3 dB unter dem Richtwert / within 3 dB of the limit"),
    ("ELSE", (26, 150, 65), "eingehalten / limits met"),
]


def _immission_styles(raster) -> None:
    """Styles of the immission outputs: noise and shadow rasters in classes, receptors, noise contours."""
    from qgis.core import QgsLineSymbol, QgsMarkerSymbol

    for name, items in (("wind_noise", NOISE_CLASSES), ("wind_shadow", SHADOW_CLASSES)):
        ramp = QgsColorRampShader(0.0, items[-2][0])
        ramp.setColorRampType(QgsColorRampShader.Discrete)
        ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, QColor(*rgba), label)
                                   for v, rgba, label in items])
        shader = QgsRasterShader()
        shader.setRasterShaderFunction(ramp)
        raster.setRenderer(QgsSingleBandPseudoColorRenderer(raster.dataProvider(), 1, shader))
        _save(raster, name)
    points = QgsVectorLayer("Point?crs=EPSG:25832&field=margin_db:double&field=shadow_over_limit:boolean",
                            "receptors", "memory")
    root = QgsRuleBasedRenderer.Rule(None)
    for expression, (r, g, b), label in RECEPTORS:
        symbol = QgsMarkerSymbol.createSimple({"name": "square", "color": f"{r},{g},{b},230", "size": "1.8",
                                               "size_unit": "MM", "outline_color": "40,40,40,255"})
        rule = QgsRuleBasedRenderer.Rule(symbol, 0, 0, "" if expression == "ELSE" else expression, label)
        rule.setIsElse(expression == "ELSE")
        root.appendChild(rule)
    points.setRenderer(QgsRuleBasedRenderer(root))
    _save(points, "noise_receptors")
    contours = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=level_db:double", "noise contours", "memory")
    contours.setRenderer(QgsGraduatedSymbolRenderer("level_db", [
        QgsRendererRange(lo - 0.5, lo + 0.5, QgsFillSymbol.createSimple({
            "color": "0,0,0,0", "outline_color": f"{r},{g},{b},255", "outline_width": "0.5",
            "outline_width_unit": "MM"}), f"{lo:g} dB(A)") for lo, _, (r, g, b, _a) in
        zip((35.0, 40.0, 45.0, 50.0), NOISE_CLASSES[1:], [c for _, c, _ in NOISE_CLASSES[1:]])]))
    _save(contours, "noise_contours")
    del QgsLineSymbol


# Repowering: the existing turbines by status, the new ones by the rule that makes them repowering turbines.
REPOWERING_OLD = [
    ('"status" = \'repowering: replaced\'', "cross2", (215, 25, 28), "ersetzt / replaced"),
    ('"status" LIKE \'candidate%\'', "circle", (253, 174, 97), "Kandidat, nichts im Umkreis / candidate, none near"),
    ('"status" = \'too young\'', "circle", (150, 150, 150), "zu jung / too young"),
    ("ELSE", "circle", (255, 255, 255), "ohne Inbetriebnahmejahr / no commissioning year"),
]
REPOWERING_NEW = [
    ('"repowering_rule" = \'16b_5h\'', (33, 102, 172), "§ 16b BImSchG: im 5-H-Umkreis / within 5 H"),
    ('"repowering_rule" = \'plan_area\'', (118, 42, 131), "Repoweringgebiet des Plans / plan's repowering area"),
    ("ELSE", (200, 200, 200), "kein Repowering / no repowering"),
]


def _repowering_styles() -> None:
    """Styles of the repowering outputs: old turbines by status, new turbines by repowering rule."""
    from qgis.core import QgsMarkerSymbol

    for name, fields, rules in (
            ("repowering_old", "field=status:string", [(e, shape, rgb, label) for e, shape, rgb, label in
                                                       REPOWERING_OLD]),
            ("repowering_turbines", "field=repowering_rule:string", [(e, "circle", rgb, label) for e, rgb, label in
                                                                     REPOWERING_NEW])):
        points = QgsVectorLayer(f"Point?crs=EPSG:25832&{fields}", name, "memory")
        root = QgsRuleBasedRenderer.Rule(None)
        for expression, shape, (r, g, b), label in rules:
            symbol = QgsMarkerSymbol.createSimple({
                "name": shape, "color": f"{r},{g},{b},230", "size": "3.2" if shape == "cross2" else "2.6",
                "size_unit": "MM", "outline_color": f"{r},{g},{b},255" if shape == "cross2" else "30,30,30,255",
                "outline_width": "0.6" if shape == "cross2" else "0.2", "outline_width_unit": "MM"})
            rule = QgsRuleBasedRenderer.Rule(symbol, 0, 0, "" if expression == "ELSE" else expression, label)
            rule.setIsElse(expression == "ELSE")
            root.appendChild(rule)
        points.setRenderer(QgsRuleBasedRenderer(root))
        _save(points, name)


# Solar potential rasters (min, max, unit) and the colours of their ramp from low to high.
SOLAR_RASTERS = {
    "solar_yield": (850.0, 1100.0, "kWh/kWp/a"),
    "solar_capacity_density": (0.2, 1.5, "MWp/ha"),
    "solar_energy_density": (200.0, 1500.0, "MWh/ha/a"),
}
SOLAR_RAMP = [(0.0, (255, 255, 204, 255)), (0.25, (254, 217, 118, 255)), (0.5, (253, 141, 60, 255)),
              (0.75, (227, 26, 28, 255)), (1.0, (128, 0, 38, 255))]
# Solar sites by AC capacity [MW]: lower bound, upper bound, colour, label.
SOLAR_SITES = [
    (0.0, 1.0, (255, 255, 204), "< 1 MW"),
    (1.0, 5.0, (254, 217, 118), "1–5 MW"),
    (5.0, 20.0, (253, 141, 60), "5–20 MW"),
    (20.0, 50.0, (227, 26, 28), "20–50 MW"),
    (50.0, 1e9, (128, 0, 38), "≥ 50 MW"),
]
# Rooftop PV by specific yield [kWh/kWp/a]; roofs without PV grey.
ROOFTOP = [
    ('"capacity_kwp" <= 0', (170, 170, 170), "keine PV / no PV"),
    ('"capacity_kwp" > 0 AND "yield_kwh_per_kwp" < 750', (254, 217, 118), "< 750 kWh/kWp"),
    ('"capacity_kwp" > 0 AND "yield_kwh_per_kwp" >= 750 AND "yield_kwh_per_kwp" < 850', (253, 141, 60),
     "750–850 kWh/kWp"),
    ('"capacity_kwp" > 0 AND "yield_kwh_per_kwp" >= 850 AND "yield_kwh_per_kwp" < 950', (227, 26, 28),
     "850–950 kWh/kWp"),
    ('"capacity_kwp" > 0 AND "yield_kwh_per_kwp" >= 950', (128, 0, 38), "≥ 950 kWh/kWp"),
]


def _solar_styles(raster) -> None:
    """Styles of the solar potential rasters, the solar sites and the rooftop PV buildings."""
    _ramp_styles(raster, SOLAR_RASTERS, SOLAR_RAMP)


def _solar_vector_styles() -> None:
    sites = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=capacity_mw:double&field=capacity_mwp:double",
                           "solar sites", "memory")
    sites.setRenderer(QgsGraduatedSymbolRenderer("capacity_mw", [
        QgsRendererRange(lo, hi, _fill(rgb), label) for lo, hi, rgb, label in SOLAR_SITES]))
    sites.setLabeling(_labels('format_number("capacity_mwp", 1) || \' MWp\''))
    sites.setLabelsEnabled(True)
    _save(sites, "solar_sites", labels=True)
    roofs = QgsVectorLayer("Polygon?crs=EPSG:25832&field=capacity_kwp:double&field=yield_kwh_per_kwp:double",
                           "rooftop PV", "memory")
    root = QgsRuleBasedRenderer.Rule(None)
    for expression, rgb, label in ROOFTOP:
        root.appendChild(QgsRuleBasedRenderer.Rule(_fill(rgb, 230), 0, 0, expression, label))
    roofs.setRenderer(QgsRuleBasedRenderer(root))
    _save(roofs, "rooftop_pv")


# Municipal energy profile: municipalities by self-sufficiency [%], sites by generation source.
PROFILE_SELF_SUFFICIENCY = [
    ('"self_sufficiency_pct" < 25', (215, 25, 28), "< 25 % zeitgleiche Eigenversorgung / self-sufficiency"),
    ('"self_sufficiency_pct" >= 25 AND "self_sufficiency_pct" < 50', (253, 174, 97), "25–50 %"),
    ('"self_sufficiency_pct" >= 50 AND "self_sufficiency_pct" < 75', (255, 255, 191), "50–75 %"),
    ('"self_sufficiency_pct" >= 75 AND "self_sufficiency_pct" < 90', (166, 217, 106), "75–90 %"),
    ('"self_sufficiency_pct" >= 90', (26, 150, 65), "≥ 90 %"),
    ('"self_sufficiency_pct" IS NULL', (190, 190, 190), "keine Stundenbilanz / no hourly balance"),
]
PROFILE_SOURCES = [
    ("wind", (31, 120, 180), "Wind (Anlagenlayout) / wind (turbine layout)"),
    ("pv_ground", (255, 127, 0), "Freiflächen-PV / ground-mounted PV"),
    ("agri_pv", (51, 160, 44), "Agri-PV / agrivoltaics"),
    ("pv_rooftop", (227, 26, 28), "Dach-PV / rooftop PV"),
]


def _profile_styles() -> None:
    """Styles of the profile's municipalities (by self-sufficiency) and sites (by source)."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory

    munis = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=name:string&field=self_sufficiency_pct:double",
                           "profile municipalities", "memory")
    root = QgsRuleBasedRenderer.Rule(None)
    for expression, rgb, label in PROFILE_SELF_SUFFICIENCY:
        root.appendChild(QgsRuleBasedRenderer.Rule(_fill(rgb, 170), 0, 0, expression, label))
    munis.setRenderer(QgsRuleBasedRenderer(root))
    label = '"name" || coalesce(\'\\n\' || format_number("self_sufficiency_pct", 0) || \' %\', \'\')'
    munis.setLabeling(_labels(label))
    munis.setLabelsEnabled(True)
    _save(munis, "profile_municipalities", labels=True)
    sites = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=source:string", "profile sites", "memory")
    sites.setRenderer(QgsCategorizedSymbolRenderer("source", [
        QgsRendererCategory(key, _fill(rgb, 220), label) for key, rgb, label in PROFILE_SOURCES]))
    _save(sites, "profile_sites")


# Site maps (wip:sitemaps): the sources drawn on the atlas pages, and the layers' opacity.
# Transparency is in the colours, not the layer: layer opacity makes QGIS rasterise the layer in PDFs.
SITE_MAP_SOURCES = ("wind", "pv_ground")
SITE_MAP_SITE_ALPHA = 0.85
SITE_MAP_AREA_ALPHA = 0.75


def _argb(hex_rgb: str, alpha: float) -> str:
    """``r,g,b,a`` of a ``#rrggbb`` colour with opacity ``alpha`` [0–1]."""
    colour = QColor(hex_rgb)
    colour.setAlphaF(alpha)
    return f"{colour.red()},{colour.green()},{colour.blue()},{colour.alpha()}"


def _site_map_styles() -> None:
    """Styles of the site-map layers: boundary, connections, sites (polygons, points), eligible areas.

    The category labels of the sites are the source keys; the algorithm replaces them by the
    translated source names.
    """
    from qgis.core import QgsCategorizedSymbolRenderer, QgsLineSymbol, QgsMarkerSymbol, QgsRendererCategory

    boundary = QgsVectorLayer("MultiPolygon?crs=EPSG:25832", "municipal boundary", "memory")
    boundary.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({
        "color": "transparent", "outline_color": "#222222", "outline_width": "0.6", "outline_style": "solid"})))
    _save(boundary, "site_map_boundary")

    connections = QgsVectorLayer("LineString?crs=EPSG:25832", "grid connection", "memory")
    connections.setRenderer(QgsSingleSymbolRenderer(QgsLineSymbol.createSimple({
        "line_color": CONNECTION_COLOUR, "line_width": "0.6"})))
    _save(connections, "site_map_connections")

    def site_fill(key):
        return QgsFillSymbol.createSimple({"color": _argb(SOURCE_COLOURS[key], SITE_MAP_SITE_ALPHA),
                                           "outline_color": "black", "outline_width": "0.3"})

    def site_marker(key):
        return QgsMarkerSymbol.createSimple({"name": "circle", "color": _argb(SOURCE_COLOURS[key], SITE_MAP_SITE_ALPHA),
                                             "size": "3", "outline_color": "white"})

    for name, geometry, symbol in (("site_map_sites", "MultiPolygon", site_fill),
                                   ("site_map_sites_points", "Point", site_marker)):
        sites = QgsVectorLayer(f"{geometry}?crs=EPSG:25832&field=source:string", "sites", "memory")
        sites.setRenderer(QgsCategorizedSymbolRenderer("source", [
            QgsRendererCategory(key, symbol(key), key) for key in SITE_MAP_SOURCES]))
        _save(sites, name)

    for key, name in (("wind", "site_map_wind_areas"), ("pv_ground", "site_map_pv_areas")):
        areas = QgsVectorLayer("MultiPolygon?crs=EPSG:25832", name, "memory")
        areas.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({
            "color": _argb(ELIGIBLE_FILL[key], SITE_MAP_AREA_ALPHA), "outline_color": "transparent",
            "outline_width": "0", "outline_style": "no"})))
        _save(areas, name)


#: The muted base map under the site maps (``wip:sitemaps``: SETTLEMENTS, ROADS, WATER, PLACES).
BASE_SETTLEMENTS = {"color": "228,221,212,255", "outline_color": "205,196,186,255", "outline_width": "0.1"}
BASE_WATER = {"color": "196,220,238,255", "outline_color": "160,196,224,255", "outline_width": "0.15"}
BASE_ROAD_COLOUR = "165,165,165,255"
#: Road width by OSM class [mm] (the site maps draw motorway to residential, processing_algorithms/site_maps.py).
BASE_ROAD_WIDTH = ("coalesce(CASE WHEN \"highway\" IN ('motorway', 'trunk') THEN 0.8 "
                   "WHEN \"highway\" IN ('primary', 'secondary') THEN 0.55 "
                   "WHEN \"highway\" IN ('tertiary', 'motorway_link', 'trunk_link', 'primary_link') THEN 0.4 "
                   "ELSE 0.2 END, 0.3)")
#: The outline of a site page's own site: red on its page (the atlas feature's ``page``), invisible elsewhere.
FOCUS_COLOUR = "200,0,0,255"
FOCUS_EXPRESSION = "if(coalesce(\"page\" = attribute(@atlas_feature, 'page'), true), '200,0,0,255', '0,0,0,0')"


def _site_map_base_styles() -> None:
    """Styles of the site maps' base map (settlement areas, roads by class, water bodies, place names with
    labels) and of the page's own site (``site_map_focus``)."""
    from qgis.core import QgsLineSymbol, QgsMarkerSymbol, QgsProperty, QgsSymbolLayer, QgsUnitTypes
    from qgis.PyQt.QtGui import QFont

    for name, colours in (("site_map_base_settlements", BASE_SETTLEMENTS), ("site_map_base_water", BASE_WATER)):
        layer = QgsVectorLayer("MultiPolygon?crs=EPSG:25832", name, "memory")
        layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({
            **colours, "outline_style": "solid", "outline_width_unit": "MM", "style": "solid"})))
        _save(layer, name)

    roads = QgsVectorLayer("LineString?crs=EPSG:25832&field=highway:string", "roads", "memory")
    line = QgsLineSymbol.createSimple({"line_color": BASE_ROAD_COLOUR, "line_width": "0.3", "line_width_unit": "MM",
                                       "capstyle": "round", "joinstyle": "round"})
    line.symbolLayer(0).setDataDefinedProperty(QgsSymbolLayer.PropertyStrokeWidth,
                                               QgsProperty.fromExpression(BASE_ROAD_WIDTH))
    roads.setRenderer(QgsSingleSymbolRenderer(line))
    _save(roads, "site_map_base_roads")

    places = QgsVectorLayer("Point?crs=EPSG:25832&field=name:string", "places", "memory")
    places.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple({
        "name": "circle", "color": "110,110,110,255", "size": "1.1", "outline_style": "no", "outline_width": "0"})))
    settings = QgsPalLayerSettings()
    settings.fieldName = "name"
    settings.isExpression = False
    settings.placement = QgsPalLayerSettings.AroundPoint
    settings.dist = 0.6
    settings.priority = 3
    text = QgsTextFormat()
    text.setFont(QFont("Sans"))
    text.setSize(7.5)
    text.setSizeUnit(QgsUnitTypes.RenderPoints)
    text.setColor(QColor(70, 70, 70))
    text.buffer().setEnabled(True)
    text.buffer().setSize(0.7)
    text.buffer().setSizeUnit(QgsUnitTypes.RenderMillimeters)
    text.buffer().setColor(QColor(255, 255, 255, 220))
    settings.setFormat(text)
    places.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    places.setLabelsEnabled(True)
    _save(places, "site_map_base_places", labels=True)

    focus = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=page:string", "site of this page", "memory")
    outline = QgsFillSymbol.createSimple({"color": "0,0,0,0", "style": "no", "outline_color": FOCUS_COLOUR,
                                          "outline_style": "solid", "outline_width": "0.9",
                                          "outline_width_unit": "MM"})
    outline.symbolLayer(0).setDataDefinedProperty(QgsSymbolLayer.PropertyStrokeColor,
                                                  QgsProperty.fromExpression(FOCUS_EXPRESSION))
    focus.setRenderer(QgsSingleSymbolRenderer(outline))
    _save(focus, "site_map_focus")


def main() -> int:
    global STYLES
    if "--out" in sys.argv:
        STYLES = Path(sys.argv[sys.argv.index("--out") + 1])
        STYLES.mkdir(parents=True, exist_ok=True)
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
        _wind_styles(raster)
        _immission_styles(raster)  # noise and shadow flicker
        _solar_styles(raster)  # solar potential rasters
        del raster, renderer, shader, ramp  # free the layer before its file and QGIS go (else a crash)

    _vector_styles()  # layers are gone before exitQgis (else a crash at exit)
    _repowering_styles()  # old and new turbines of the repowering
    _solar_vector_styles()  # solar sites, rooftop PV
    _profile_styles()  # municipal energy profile
    _site_map_styles()  # layers of the site-map atlas
    _site_map_base_styles()  # the site maps' base map and the page's own site
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
