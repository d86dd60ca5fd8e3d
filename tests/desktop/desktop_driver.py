# Runs inside the real QGIS desktop (qgis --code desktop_driver.py), started by test_desktop_smoke.py
# under Xvfb with a fresh profile in German. It looks at what a planner sees and writes it to
# $WIP_DESKTOP_OUT/result.json, with screenshots beside it, then quits QGIS:
#   - the plugin's entries in the Plugins menu, as displayed (mnemonic '&' removed);
#   - the provider and its groups in the Processing toolbox;
#   - every algorithm's dialog on the sample project: the values it would run with, a screenshot;
#   - one algorithm (land eligibility) run from its dialog: the layers it adds, their renderers;
#   - the main window with the outputs on the canvas.
# With WIP_DESKTOP_MODE=first_run (QGIS's Python without the engine's packages) it records the message
# bar instead: the start message, its buttons, a screenshot. With WIP_DESKTOP_MODE=panel it drives the
# planning panel on the sample project (Zörbig, 100 m), records the layer tree, the results and the report,
# then asks the reason inspector about the points of $WIP_DESKTOP_PROBES (EPSG:25832), with screenshots.
# Every step catches its own errors into the result, so one broken step does not hide the others.
import json
import os
import re
import time
import traceback
from pathlib import Path

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.utils import active_plugins, iface, plugins

OUT = Path(os.environ["WIP_DESKTOP_OUT"])
SAMPLE = Path(os.environ["WIP_DESKTOP_SAMPLE"])
RUN_PARAMS = json.loads(os.environ.get("WIP_DESKTOP_RUN", "{}"))
result = {"errors": {}, "screenshots": []}


def shot(widget, name):
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    result["screenshots"].append(path.name)


def wait(seconds, until=lambda: False):
    end = time.time() + seconds
    while time.time() < end and not until():
        QgsApplication.processEvents()
        time.sleep(0.05)


def displayed(text):
    """A menu text as Qt shows it: '&x' marks a mnemonic (x underlined), '&&' is a literal '&'."""
    return re.sub(r"&(.)", r"\1", text)


def step(name):
    def wrap(fn):
        def run():
            try:
                fn()
            except Exception:  # noqa: BLE001 - reported to the test
                result["errors"][name] = traceback.format_exc()
        run.__name__ = name
        return run
    return wrap


@step("environment")
def environment():
    from qgis.core import Qgis, QgsSettings
    result["qgis_version"] = Qgis.QGIS_VERSION
    result["locale"] = QgsSettings().value("locale/userLocale", "")
    result["active_plugins"] = list(active_plugins)
    result["provider_loaded"] = QgsApplication.processingRegistry().providerById("wip") is not None


@step("menu")
def menu():
    entries = {}
    for action in iface.pluginMenu().actions():
        sub = action.menu()
        if sub is not None:
            entries[displayed(action.text())] = [displayed(a.text()) for a in sub.actions() if not a.isSeparator()]
    result["plugin_menu"] = entries


@step("toolbox")
def toolbox():
    from qgis.PyQt.QtCore import Qt
    box = plugins["processing"].toolbox
    box.show()
    wait(1)
    tree = box.algorithmTree
    model = tree.model()
    groups = {}
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        name = model.data(index, Qt.ItemDataRole.DisplayRole)
        if name and "WIP" in name:
            tree.expand(index)
            children = {}
            for r in range(model.rowCount(index)):
                child = model.index(r, 0, index)
                tree.expand(child)
                children[model.data(child, Qt.ItemDataRole.DisplayRole)] = [
                    model.data(model.index(k, 0, child), Qt.ItemDataRole.DisplayRole)
                    for k in range(model.rowCount(child))]
            groups[name] = children
    result["toolbox"] = groups
    wait(1)
    shot(box, "toolbox")


@step("project")
def project():
    ok = QgsProject.instance().read(str(SAMPLE / "revier_sample.qgz"))
    result["project_loaded"] = bool(ok)
    result["project_layers"] = sorted(layer.name() for layer in QgsProject.instance().mapLayers().values())
    wait(2)


def value_label(value):
    """A parameter value as the test compares it: a layer's name for layers, else the value."""
    if isinstance(value, (QgsVectorLayer, QgsRasterLayer)):
        return value.name()
    if isinstance(value, str):
        layer = QgsProject.instance().mapLayer(value)
        if layer is not None:
            return layer.name()
    try:
        json.dumps(value)
        return value
    except TypeError:
        return repr(value)


@step("dialogs")
def dialogs():
    import processing
    result["dialogs"] = {}
    for alg in sorted(QgsApplication.processingRegistry().providerById("wip").algorithms(), key=lambda a: a.id()):
        entry = {"title": None, "values": {}, "error": None}
        try:
            dlg = processing.createAlgorithmDialog(alg.id(), {})
            dlg.show()
            wait(1.5)
            entry["title"] = dlg.windowTitle()
            values = dlg.createProcessingParameters()
            entry["values"] = {k: value_label(v) for k, v in values.items()}
            shot(dlg, f"dialog_{alg.name()}")
            dlg.close()
            dlg.deleteLater()
        except Exception:  # noqa: BLE001
            entry["error"] = traceback.format_exc()
        result["dialogs"][alg.id()] = entry
        wait(0.2)


@step("run_from_dialog")
def run_from_dialog():
    import processing
    before = set(QgsProject.instance().mapLayers())
    dlg = processing.createAlgorithmDialog(RUN_PARAMS["algorithm"], RUN_PARAMS["parameters"])
    dlg.show()
    wait(1)
    dlg.runButton().click()
    finished = lambda: bool(dlg.results())  # noqa: E731
    wait(600, lambda: finished() or (QgsApplication.taskManager().countActiveTasks() == 0
                                      and len(set(QgsProject.instance().mapLayers()) - before) > 0))
    wait(3)
    shot(dlg, "run_dialog")
    log_widget = getattr(dlg, "textLog", None)
    result["run_log"] = log_widget.toPlainText()[-4000:] if log_widget is not None else ""
    added = [QgsProject.instance().mapLayer(i) for i in set(QgsProject.instance().mapLayers()) - before]
    result["run_added_layers"] = {
        layer.name(): {"type": type(layer).__name__,
                       "renderer": type(layer.renderer()).__name__ if layer.renderer() else None,
                       "style_source": layer.styleManager().currentStyle(),
                       "valid": layer.isValid()}
        for layer in added}
    dlg.close()
    for layer in added:
        iface.mapCanvas().setExtent(layer.extent())
        break
    iface.mapCanvas().refreshAllLayers()
    wait(5, lambda: not iface.mapCanvas().isDrawing())
    wait(2)
    shot(iface.mainWindow(), "main_window")


@step("panel")
def panel_run():
    handle = plugins["wip_qgis_plugin"].panel
    dock = handle.dock
    if not dock.isVisible():
        handle.action.trigger()  # the menu entry shows (and hides) the dock
    wait(2)
    result["panel_visible"] = dock.isVisible()
    result["panel_municipalities_layer"] = dock.aoi_layer().name() if dock.aoi_layer() is not None else None
    dock.set_checked_names(["Zörbig"])
    dock.resolution.setCurrentIndex(dock.resolution.findData(100.0))
    dock.sweep.setChecked(False)
    dock.output.setText(str(OUT / "profil"))
    wait(1)
    result["panel_land"] = dock.land_label.text()
    shot(dock, "panel")
    done = []
    dock.finished.connect(lambda ok, results: done.append(ok))
    result["panel_started"] = dock.run()
    result["panel_status_start"] = dock.status.text()
    wait(600, lambda: bool(done))
    wait(3)
    result["panel_done"] = done
    result["panel_status"] = dock.status.text()
    group = dock.result_group
    result["panel_group"] = group.name() if group is not None else None
    result["panel_group_layers"] = [
        {"name": node.layer().name(), "valid": node.layer().isValid(),
         "renderer": type(node.layer().renderer()).__name__ if node.layer().renderer() else None}
        for node in group.findLayers()] if group is not None else []
    result["panel_report"] = str(dock.report_path) if dock.report_path is not None else None
    result["panel_results_text"] = dock.results_view.toPlainText()
    from qgis.PyQt.QtWidgets import QScrollArea
    for scroll in dock.findChildren(QScrollArea):
        scroll.ensureWidgetVisible(dock.results_view)  # the results are at the foot of the panel
    wait(1)
    shot(dock, "panel_results")
    iface.mapCanvas().refreshAllLayers()
    wait(5, lambda: not iface.mapCanvas().isDrawing())
    shot(iface.mainWindow(), "panel_main_window")


@step("reason_inspector")
def reason_inspector():
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY
    inspector = plugins["wip_qgis_plugin"].reason_inspector
    layer = QgsRasterLayer(str(OUT / "profil" / "wind_reasons.tif"), "wind_reasons")
    result["reasons_layer_valid"] = layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    iface.setActiveLayer(layer)
    inspector.style_action.trigger()
    inspector.inspect_action.trigger()  # the map tool, and the dock on the right
    wait(2)
    canvas = iface.mapCanvas()
    to_canvas = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:25832"),
                                       canvas.mapSettings().destinationCrs(), QgsProject.instance())
    result["reasons"] = {}
    for name, (x, y) in json.loads(os.environ.get("WIP_DESKTOP_PROBES", "{}")).items():
        found = inspector.tool.inspect(to_canvas.transform(QgsPointXY(x, y)), layer)
        result["reasons"][name] = None if found is None else {
            "status": found.pixel.status, "ids": [b.id for b in found.pixel.reasons],
            "text": inspector.panel.browser.toPlainText()}
    wait(1)
    shot(inspector.panel, "reason_inspector")
    shot(iface.mainWindow(), "reason_inspector_main_window")


@step("site_maps")
def site_maps():
    """The site maps of the panel's profile (wip:sitemaps with the sample's land use, roads and water as base map)."""
    import processing
    folder = OUT / "profil"
    gpkg = folder / "profile_sites.gpkg"
    sample = SAMPLE / "revier_sample.gpkg"
    res = processing.run("wip:sitemaps", {
        "MUNICIPALITIES": f"{gpkg}|layername=municipalities", "SITES": f"{gpkg}|layername=sites",
        "CONNECTIONS": f"{gpkg}|layername=connections", "SETTLEMENTS": f"{sample}|layername=landuse",
        "ROADS": f"{sample}|layername=roads", "WATER": f"{sample}|layername=water", "TOP_N": 1,
        "OUTPUT_PDF": str(OUT / "site_maps.pdf")})
    result["site_maps_pages"] = res.get("PAGES")
    result["site_maps_pdf"] = str(OUT / "site_maps.pdf")


@step("first_run")
def first_run():
    from qgis.PyQt.QtWidgets import QPushButton
    wait(3)
    result["message_bar"] = [
        {"text": item.text(), "title": item.title(), "level": int(item.level()), "tooltip": item.toolTip(),
         "buttons": [b.text() for b in item.findChildren(QPushButton) if b.text()],
         "tooltips": [b.toolTip() for b in item.findChildren(QPushButton) if b.text()]}
        for item in iface.messageBar().items()]
    shot(iface.mainWindow(), "first_run")
    import sys

    from wip_qgis_plugin import plugin as wip_plugin
    result["engine_check"] = {"start_message": list(wip_plugin.start_message()), "python": sys.executable,
                              "sys_path": sys.path, "reported": getattr(plugins.get("wip_qgis_plugin"), "_reported", None)}


def finish():
    (OUT / "result.json").write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    QgsProject.instance().setDirty(False)
    QgsProject.instance().clear()
    QTimer.singleShot(500, QgsApplication.instance().quit)


def main():
    wait(60, lambda: QgsApplication.processingRegistry().providerById("wip") is not None)
    wait(2)
    steps = {"first_run": (environment, first_run), "panel": (environment, project, panel_run, reason_inspector, site_maps)}.get(
        os.environ.get("WIP_DESKTOP_MODE", ""), (environment, menu, toolbox, project, dialogs, run_from_dialog))
    for fn in steps:
        fn()
    finish()


QTimer.singleShot(2000, main)
