"""“Warum ausgeschlossen?” on a real reasons raster: wip:landeligibility on the sample (one
municipality, 100 m); the reasons the inspector gives are checked against setbacks measured with
shapely on the input layers; the per-criterion style and the exclusion zones come from the sidecar."""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsLayerTreeModel,
    QgsMapLayerLegendUtils,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from wip_qgis_testing import ALG_ID, WIND_ROLES, run_algorithm

from wip_qgis_plugin.core.eligibility.reason_bits import decode_reasons, read_bit_table
from wip_qgis_plugin.processing_algorithms.output_styles import ReasonStylePostProcessor, style_post_processor
from wip_qgis_plugin.reason_inspector import (
    ReasonInspectorTool,
    ReasonPanel,
    exclusion_zones_layer,
    format_setback,
    install_reason_inspector,
    reason_lines,
    reasons_at,
)
from wip_qgis_plugin.reason_style import apply_reason_style, is_reasons_layer, present_values

#: Explicit dwellings of the sample's OSM tags (the preset's dwelling rule counts them as dwellings).
DWELLINGS = ("house", "detached", "residential", "apartments")
TOLERANCE_M = 1.0  # exact setbacks from pixel centres: only a centre within 1 m of the edge may go either way


@pytest.fixture(scope="module")
def run(wip_plugin, sample_region, tmp_path_factory):
    """The reasons raster and sidecar of the first sample municipality, plus the pixel centres."""
    folder = tmp_path_factory.mktemp("reasons")
    name = sample_region.names[0]
    result = run_algorithm(ALG_ID, sample_region.parameters(
        WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=100, AOI_NAMES=name,
        OUTPUT_ELIGIBILITY=str(folder / "wind_eligibility.tif"), OUTPUT_REASONS=str(folder / "wind_reasons.tif")))
    path = folder / "wind_reasons.tif"
    assert result["OUTPUT_REASONS"] == str(path) and (folder / "wind_reasons_bits.json").is_file()
    with rasterio.open(path) as ds:
        data, nodata, transform = ds.read(1), ds.nodata, ds.transform
    rows, cols = np.indices(data.shape)
    xs, ys = rasterio.transform.xy(transform, rows.ravel(), cols.ravel(), offset="center")
    return {"path": path, "name": name, "data": data, "nodata": nodata, "region": sample_region,
            "x": np.asarray(xs).reshape(data.shape), "y": np.asarray(ys).reshape(data.shape)}


@pytest.fixture(scope="module")
def oracle(run):
    """Distances [m] of every pixel centre to the residential land use and to the explicit dwellings."""
    import geopandas as gpd
    import shapely

    gpkg = run["region"].path
    landuse = gpd.read_file(gpkg, layer="landuse", engine="pyogrio").to_crs("EPSG:25832")
    buildings = gpd.read_file(gpkg, layer="buildings", engine="pyogrio").to_crs("EPSG:25832")
    munis = gpd.read_file(gpkg, layer="municipalities", engine="pyogrio").to_crs("EPSG:25832")
    centres = shapely.points(run["x"].ravel(), run["y"].ravel())

    def distance(geoms):
        tree = shapely.STRtree(np.asarray(geoms))
        (points, _), dist = tree.query_nearest(centres, return_distance=True, all_matches=False)
        out = np.full(len(centres), np.inf)
        out[points] = dist
        return out.reshape(run["data"].shape)

    area = munis.geometry[munis["name"] == run["name"]].union_all()
    return {"residential": distance(landuse.geometry[landuse["landuse"] == "residential"]),
            "dwellings": distance(buildings.geometry[buildings["building"].isin(DWELLINGS)]),
            "any_building": distance(buildings.geometry),
            "inside": shapely.contains_xy(area, run["x"], run["y"]),
            "boundary": distance([area.boundary])}




@pytest.fixture
def layer(run):
    lyr = QgsRasterLayer(str(run["path"]), "wind_reasons")
    assert lyr.isValid() and is_reasons_layer(lyr)
    QgsProject.instance().addMapLayer(lyr)
    yield lyr
    QgsProject.instance().removeMapLayer(lyr.id())


@pytest.fixture
def tool(qgis_canvas, layer):
    qgis_canvas.setDestinationCrs(layer.crs())
    qgis_canvas.setLayers([layer])
    panel = ReasonPanel()
    yield ReasonInspectorTool(qgis_canvas, panel)
    qgis_canvas.setLayers([])
    panel.deleteLater()


def ids(pixel):
    return [r.id for r in pixel.reasons]


def test_the_area_of_interest_is_the_municipality_and_every_value_decodes(run, oracle):
    bits = read_bit_table(run["path"])
    data, inside = run["data"], run["data"] != run["nodata"]
    sure = oracle["boundary"] > TOLERANCE_M  # a centre on the boundary may go either way
    assert sure.mean() > 0.99
    np.testing.assert_array_equal(inside[sure], oracle["inside"][sure])
    for value in np.unique(data):
        pixel = decode_reasons(int(value), bits, run["nodata"])
        assert pixel.status == ("outside" if value == run["nodata"] else "eligible" if value == 0 else "excluded")
        assert sum(r.value for r in pixel.reasons) == (0 if value == run["nodata"] else value)


def test_the_settlement_setback_matches_shapely_on_every_pixel(run, oracle):
    """Soft settlement criterion: residential land use + 1000 m, measured from the pixel centre."""
    bits = {b.id: b for b in read_bit_table(run["path"])}
    soft = bits["settlements_soft"]
    assert soft.buffer_m == 1000.0
    inside = run["data"] != run["nodata"]
    has_bit = (run["data"] & soft.value) != 0
    d = oracle["residential"]
    sure = inside & (np.abs(d - soft.buffer_m) > TOLERANCE_M)
    assert (sure & (d < soft.buffer_m)).sum() > 100
    np.testing.assert_array_equal(has_bit[sure], d[sure] < soft.buffer_m)


def test_the_inspector_answers_for_pixels_near_dwellings_and_settlements(run, oracle, tool):
    """Pixels whose centre lies within the setbacks (shapely) list the criteria; an eligible pixel none."""
    bits = {b.id: b for b in read_bit_table(run["path"])}
    dwellings = bits["dwellings_2h"]
    inside = run["data"] != run["nodata"]
    near_house = inside & (oracle["dwellings"] < dwellings.buffer_m - TOLERANCE_M)
    near_settlement = inside & (oracle["residential"] < 1000.0 - TOLERANCE_M)
    far = inside & (oracle["any_building"] > dwellings.buffer_m + TOLERANCE_M) & (oracle["residential"] > 1001.0)
    picks = {"house": np.argwhere(near_house)[::97][:4], "settlement": np.argwhere(near_settlement)[::89][:4],
             "far": np.argwhere(far)[::13][:4]}
    assert all(len(p) for p in picks.values())
    for kind, cells in picks.items():
        for r, c in cells:
            found = tool.inspect(QgsPointXY(run["x"][r, c], run["y"][r, c]))
            assert found is not None and found.pixel.value == run["data"][r, c]
            reasons = ids(found.pixel)
            if kind == "house":
                assert "dwellings_2h" in reasons
            elif kind == "settlement":
                assert "settlements_soft" in reasons
            else:
                assert not {"dwellings_2h", "settlements_soft", "settlements_hard"} & set(reasons)
    r, c = np.argwhere(inside & (run["data"] == 0))[0]
    eligible = tool.inspect(QgsPointXY(run["x"][r, c], run["y"][r, c]))
    assert eligible.pixel.status == "eligible" and eligible.pixel.reasons == ()
    r, c = np.argwhere(~inside)[0]
    assert tool.inspect(QgsPointXY(run["x"][r, c], run["y"][r, c])).pixel.status == "outside"
    assert tool.inspect(QgsPointXY(0.0, 0.0)).pixel.status == "outside"  # off the raster


def test_the_answer_is_german_with_setback_and_source(run, oracle, tool, german):
    inside = run["data"] != run["nodata"]
    soft = 1 << next(b.bit for b in read_bit_table(run["path"]) if b.id == "settlements_soft")
    r, c = np.argwhere(inside & ((run["data"] & soft) != 0))[0]
    found = tool.inspect(QgsPointXY(run["x"][r, c], run["y"][r, c]))
    text = tool.panel.browser.toPlainText()
    assert "Siedlungsflächen + 1.000 m (Vorsorgeabstand)" in text
    assert "Abstand: 1.000 m" in text and "Quelle: Reiner Lemoine Institut" in text
    assert "Ausgeschlossen durch" in text
    lines = reason_lines(found.pixel)
    assert any(line.startswith("Siedlungsflächen + 1.000 m") and "Abstand: 1.000 m" in line for line in lines)
    dwellings = next(b for b in read_bit_table(run["path"]) if b.id == "dwellings_2h")
    assert format_setback(dwellings) == "459 m (2 H)"
    r, c = np.argwhere(inside & (run["data"] == 0))[0]
    tool.inspect(QgsPointXY(run["x"][r, c], run["y"][r, c]))
    assert tool.panel.browser.toPlainText().startswith("nicht ausgeschlossen")
    r, c = np.argwhere(~inside)[0]
    tool.inspect(QgsPointXY(run["x"][r, c], run["y"][r, c]))
    assert tool.panel.browser.toPlainText().startswith("außerhalb des Gebiets")


def test_a_click_in_another_crs_reads_the_same_pixel(run, tool, qgis_canvas, layer):
    inside = np.argwhere(run["data"] != run["nodata"])
    r, c = inside[len(inside) // 2]
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    qgis_canvas.setDestinationCrs(wgs84)
    point = QgsCoordinateTransform(layer.crs(), wgs84, QgsProject.instance()).transform(
        QgsPointXY(run["x"][r, c], run["y"][r, c]))
    found = tool.inspect(point)
    assert found.pixel.value == run["data"][r, c]
    assert found.x == pytest.approx(run["x"][r, c], abs=0.01)


def test_no_reasons_raster_in_the_map_says_what_to_do(qgis_canvas, german):
    qgis_canvas.setLayers([])
    tool = ReasonInspectorTool(qgis_canvas, ReasonPanel())
    assert tool.inspect(QgsPointXY(0, 0)) is None
    assert "Kein Ausschlussgründe-Raster" in tool.panel.browser.toPlainText()


def test_the_style_has_a_german_legend_entry_per_criterion(run, layer, german):
    bits = read_bit_table(run["path"])
    values = {int(v) for v in np.unique(run["data"]) if v != run["nodata"]}
    assert present_values(run["path"]) == values
    assert apply_reason_style(layer)
    legend = [label for label, _ in layer.renderer().legendSymbologyItems()]
    alone = [b for b in bits if b.value in values]  # criteria that are somewhere the only reason
    assert len(alone) >= 5
    assert legend[0] == "nicht ausgeschlossen"
    assert [x for x in legend if not x.startswith("mehrere Gründe")][1:] == [b.label_de for b in alone]
    several = [x for x in legend if x.startswith("mehrere Gründe, darunter ")]
    assert several and all(x[len("mehrere Gründe, darunter "):] in {b.label_de for b in bits} for x in several)
    assert not any(b.label_en in legend for b in bits if b.label_en != b.label_de)
    # every pixel is drawn in the class of its last criterion: alone → its own colour, with others → darker
    renderer, shader = layer.renderer(), layer.renderer().shader().rasterShaderFunction()
    items = shader.colorRampItemList()
    for value in values:
        ok, *rgba = shader.shade(float(value))
        item = next(i for i in items if value <= i.value)
        pixel = decode_reasons(value, bits)
        assert ok and tuple(rgba) == item.color.getRgb()
        if value:
            name = pixel.reasons[-1].label_de
            assert item.label == (name if len(pixel.reasons) == 1 else f"mehrere Gründe, darunter {name}")
    assert renderer.type() == "singlebandpseudocolor"


def test_the_post_processor_of_the_algorithm_styles_per_criterion(run, layer, german):
    processor = style_post_processor("reasons")
    assert isinstance(processor, ReasonStylePostProcessor)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())  # the layer fixture added the layer there, as QGIS does
    processor.postProcessLayer(layer, context, QgsProcessingFeedback())
    legend = [label for label, _ in layer.renderer().legendSymbologyItems()]
    assert "Siedlungsflächen + 1.000 m (Vorsorgeabstand)" in legend
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    assert QgsMapLayerLegendUtils.legendNodeUserLabel(node, 0).startswith("Ausschlussgründe")


def test_the_exclusion_zones_are_one_labelled_polygon_per_criterion(run, layer, german):
    zones = exclusion_zones_layer(layer)
    bits = read_bit_table(run["path"])
    data = run["data"][run["data"] != run["nodata"]]
    present = [b for b in bits if (data & b.value).any()]
    features = {f["criterion"]: f for f in zones.getFeatures()}
    assert list(features) == [b.id for b in present]
    for b in present:
        f = features[b.id]
        assert f["label"] == b.label_de and f["setback_m"] == b.buffer_m and f["source"] == b.source
        expected_ha = float(((data & b.value) != 0).sum())  # 100 m pixels: 1 ha each
        assert f["area_ha"] == pytest.approx(expected_ha)
        assert f.geometry().area() / 10_000 == pytest.approx(expected_ha, rel=1e-6)
    assert zones.renderer().type() == "categorizedSymbol"


def test_install_and_unload_add_and_remove_the_actions(qgis_iface, layer, german):
    handle = install_reason_inspector(qgis_iface, "WIP Energie && Raumplanung")
    assert [a.text() for a in handle.actions] == ["Warum ausgeschlossen?", "Ausschlussgründe je Kriterium darstellen",
                                                  "Ausschlusszonen je Kriterium als Polygone"]
    handle.inspect_action.trigger()
    assert qgis_iface.mapCanvas().mapTool() is handle.tool
    qgis_iface.setActiveLayer(layer)
    assert handle.style_active_layer()
    points = QgsVectorLayer("Point?crs=EPSG:25832", "points", "memory")
    QgsProject.instance().addMapLayer(points)
    qgis_iface.setActiveLayer(points)  # not a reasons raster, and none on the canvas
    qgis_iface.mapCanvas().setLayers([points])
    assert not handle.style_active_layer() and handle.add_zones_of_active_layer() is None
    assert any("kein Ausschlussgründe-Raster" in m for m in qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning))
    handle.unload()
    QgsProject.instance().removeMapLayer(points.id())
    assert handle.actions == [] and qgis_iface.mapCanvas().mapTool() is not handle.tool


def test_the_sidecar_names_the_bits_of_the_raster_metadata(run):
    """The inspector trusts the sidecar: it describes the same bits as the raster's own WIP_BITS tag."""
    with rasterio.open(run["path"]) as ds:
        tagged = json.loads(ds.tags()["WIP_BITS"])
    assert [(t["bit"], t["id"]) for t in tagged] == [(b.bit, b.id) for b in read_bit_table(run["path"])]


def test_a_front_end_loads_a_styled_reasons_layer_into_a_group(run, german):
    from wip_qgis_plugin.reason_style import add_reasons_layer

    project = QgsProject()
    group = project.layerTreeRoot().addGroup("WIP")
    layer = add_reasons_layer(run["path"], project, group)
    assert layer is not None and layer.name() == "Ausschlussgründe"
    assert [n.layer() for n in group.findLayers()] == [layer]
    assert layer.renderer().legendSymbologyItems()[0][0] == "nicht ausgeschlossen"
    model = QgsLayerTreeModel(project.layerTreeRoot())
    shown = [n.data(Qt.ItemDataRole.DisplayRole) for n in model.layerLegendNodes(group.findLayer(layer.id()))]
    assert shown[0].startswith("Ausschlussgründe (Klick mit „Warum ausgeschlossen?“")
    assert shown[1] == "nicht ausgeschlossen" and not any("bit field" in x for x in shown)
    assert add_reasons_layer(run["path"].with_name("missing.tif"), project) is None


def test_outside_the_permitted_zones_is_a_reason_of_its_own(sample_region, tmp_path, german):
    """pv_ground: land outside every permitted zone (corridors, disadvantaged farmland, …) is excluded by a
    bit of its own; the inspector names it, the legend draws it light grey."""
    import pyogrio

    from wip_qgis_plugin.core.catalogue.loader import load_catalogue
    from wip_qgis_plugin.core.data.layers import LayerRef
    from wip_qgis_plugin.core.eligibility.engine import (
        AreaOfInterest,
        EligibilityOutputs,
        EligibilitySettings,
        run_eligibility,
    )

    gpkg = str(sample_region.path)
    roles = [n for n, _ in pyogrio.list_layers(gpkg) if n != "municipalities"]
    path = tmp_path / "pv_reasons.tif"
    run_eligibility(load_catalogue("pv_ground"), layers={r: LayerRef(gpkg, r) for r in roles},
                    aoi=AreaOfInterest(LayerRef(gpkg, "municipalities"), "name", sample_region.names[:1]),
                    outputs=EligibilityOutputs(eligibility=tmp_path / "pv_eligibility.tif", reasons=path),
                    settings=EligibilitySettings(resolution_m=100.0, crs="EPSG:25832", workers=1))
    bits = read_bit_table(path)
    permitted = bits[-1]
    assert permitted.kind == "permitted" and permitted.label_de.startswith("außerhalb der zulässigen Zonen")
    with rasterio.open(path) as ds:
        data, transform = ds.read(1), ds.transform
    r, c = np.argwhere(data == permitted.value)[0]
    layer = QgsRasterLayer(str(path), "pv_reasons")
    x, y = rasterio.transform.xy(transform, r, c, offset="center")
    pixel = reasons_at(layer, QgsPointXY(x, y))
    assert [b.id for b in pixel.reasons] == ["outside_permitted_zones"]
    assert reason_lines(pixel)[1].startswith("außerhalb der zulässigen Zonen") and "kein Abstand" in reason_lines(pixel)[1]
    assert apply_reason_style(layer)
    items = {i.label: i.color for i in layer.renderer().shader().rasterShaderFunction().colorRampItemList()}
    assert items[permitted.label_de].name() == "#bdbdbd"


class RecordingIface:
    """The parts of QgisInterface the layer context menu uses, recording the calls (pytest-qgis's iface has none)."""

    def __init__(self, iface):
        self.iface, self.by_type, self.by_layer, self.removed = iface, [], [], []

    def __getattr__(self, name):
        return getattr(self.iface, name)

    def addCustomActionForLayerType(self, action, menu, layer_type, all_layers):  # noqa: N802 (QGIS API)
        self.by_type.append((action.text(), all_layers))

    def addCustomActionForLayer(self, action, layer):  # noqa: N802 (QGIS API)
        self.by_layer.append((action.text(), layer.name()))

    def removeCustomActionForLayerType(self, action):  # noqa: N802 (QGIS API)
        self.removed.append(action.text())
        return True


def test_reasons_rasters_get_the_style_and_zone_actions_in_their_context_menu(qgis_iface, run, german):
    iface = RecordingIface(qgis_iface)
    handle = install_reason_inspector(iface, "WIP")
    names = ["Ausschlussgründe je Kriterium darstellen", "Ausschlusszonen je Kriterium als Polygone"]
    assert iface.by_type == [(n, False) for n in names]
    other = QgsVectorLayer("Point?crs=EPSG:25832", "points", "memory")
    reasons = QgsRasterLayer(str(run["path"]), "added later")
    QgsProject.instance().addMapLayers([other, reasons])
    try:
        assert iface.by_layer == [(n, "added later") for n in names]
    finally:
        handle.unload()
        QgsProject.instance().removeMapLayers([other.id(), reasons.id()])
    assert iface.removed == names
