"""The first start without a working engine (first_run.py, plugin.py, environment.py), headless.

The message a planner sees: one short sentence with a button, never a pip command where the system manages
QGIS's Python (PEP 668: Debian 12, Ubuntu 24.04); the button's task with its progress dialog, the log on
failure, cancelling, and the message gone once the engine can run. The environment's creation runs through
worker.create_engine_environment with its commands recorded instead of run (no network, no venv).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsApplication

from wip_qgis_plugin import environment, worker
from wip_qgis_plugin.core.errors import Cancelled
from wip_qgis_plugin.first_run import EngineSetup, log_file


@pytest.fixture
def managed(monkeypatch):
    """QGIS's Python as on Debian 12: managed by the system (an EXTERNALLY-MANAGED file), or not."""
    def set_to(value: bool):
        monkeypatch.setattr(environment, "externally_managed", lambda *a, **k: value)
    return set_to


@pytest.fixture
def desktop(qgis_app):
    """A main window with a real message bar (pytest-qgis's takes text only)."""
    from qgis.gui import QgsMessageBar
    from qgis.PyQt.QtWidgets import QMainWindow

    class Iface:
        def __init__(self):
            self.window = QMainWindow()
            self.bar = QgsMessageBar(self.window)

        def mainWindow(self):  # noqa: N802 (QGIS API)
            return self.window

        def messageBar(self):  # noqa: N802 (QGIS API)
            return self.bar

    iface = Iface()
    yield iface
    iface.bar.clearWidgets()
    iface.window.deleteLater()


def items(bar) -> list[tuple[str, list[str], Qgis.MessageLevel]]:
    """The message bar's items: (text, button labels, level)."""
    return [(item.text(), [b.text() for b in buttons(item)], item.level()) for item in bar.items()]


def buttons(item) -> list:
    from qgis.PyQt.QtWidgets import QPushButton

    return [b for b in item.findChildren(QPushButton) if b.text()]


def wait_for(setup: EngineSetup, seconds: float = 30) -> None:
    end = time.time() + seconds
    while setup.task is not None and time.time() < end:
        QgsApplication.processEvents()
        time.sleep(0.02)
    QgsApplication.processEvents()
    assert setup.task is None, "the task did not finish"


# ----------------------------------------------------------------- what the message says, per platform
def test_externally_managed_is_read_from_the_pep_668_marker(tmp_path):
    stdlib = tmp_path / "lib" / "python3.11"
    stdlib.mkdir(parents=True)
    assert not environment.externally_managed(str(stdlib), "/usr", "/usr")  # Windows, macOS, a pip-able Python
    (stdlib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\n", encoding="utf-8")
    assert environment.externally_managed(str(stdlib), "/usr", "/usr")  # Debian 12's /usr/bin/python3
    assert not environment.externally_managed(str(stdlib), "/home/u/venv", "/usr")  # a venv on it


def test_where_the_system_manages_the_python_no_pip_is_advised(managed, monkeypatch):
    managed(True)
    monkeypatch.setattr(environment, "numpy_abi_error", lambda: "")
    for message in (environment.missing_dependencies_message(["geopandas", "pvlib", "demandlib"]),
                    environment.library_mismatch_message(["shapely: GEOS 3.12 (QGIS: 3.11)"])):
        assert "pip install" not in message and "--user" not in message, message
        assert "Create engine environment" in message
    assert "geopandas" in environment.missing_dependencies_message(["geopandas"])


def test_where_pip_may_install_into_qgis_python_it_is_still_offered(managed, monkeypatch):
    managed(False)  # OSGeo4W on Windows, the QGIS installers for macOS
    monkeypatch.setattr(environment, "numpy_abi_error", lambda: "")
    message = environment.missing_dependencies_message(["geopandas"])
    assert "python3 -m pip install --user" in message and "OSGeo4W Shell" in message
    assert "Create engine environment" in message


# ----------------------------------------------------------------- the plugin's start message
@pytest.fixture
def engine_missing(monkeypatch, managed):
    """QGIS's Python without geopandas and rasterio, no engine Python, on a system-managed Python."""
    managed(True)
    monkeypatch.setattr(environment, "missing_dependencies", lambda: ["geopandas", "rasterio"])
    monkeypatch.setattr(environment, "numpy_abi_error", lambda: "")


def test_the_start_message_has_the_button_and_the_log_the_whole_story(desktop, engine_missing):
    from wip_qgis_plugin.plugin import WipPlugin

    logged = []
    record = lambda message, tag, level: logged.append(message) if tag == "WIP" else None  # noqa: E731
    QgsApplication.messageLog().messageReceived.connect(record)
    try:
        plugin = WipPlugin(desktop)
        plugin.report_engine_status()
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(record)
    [(text, labels, level)] = items(desktop.bar)
    assert text == "The engine lacks Python packages."  # one line; no command
    assert labels == ["Create engine environment"] and level == Qgis.MessageLevel.Warning
    [button] = buttons(desktop.bar.items()[0])
    assert "QGIS's own Python stays unchanged" in button.toolTip()
    assert len(logged) == 1 and "geopandas rasterio" in logged[0] and "pip install" not in logged[0]
    assert desktop.bar.items()[0].toolTip() == logged[0]  # what is missing, and every way out
    plugin.setup.dismiss()


def test_the_start_message_goes_once_the_engine_runs(desktop):
    state = {"problem": True}
    setup = EngineSetup(desktop, lambda: ("missing", state["problem"]))
    setup.show("The engine needs packages.")
    assert len(items(desktop.bar)) == 1
    assert setup.recheck() == ("missing", True) and len(items(desktop.bar)) == 1
    state["problem"] = False
    setup.recheck()
    assert items(desktop.bar) == []


# ----------------------------------------------------------------- the button's task
@pytest.fixture
def recorded_commands(monkeypatch):
    """worker.create_engine_environment with venv and pip recorded, not run: venv "makes" the interpreter."""
    commands = []

    def stream(command, progress, start, stop, cwd):
        commands.append([Path(c).name if i == 0 else c for i, c in enumerate(command)])
        progress.info("$ " + " ".join(command))
        progress.info("Successfully installed geopandas-1.0.1")
        progress.report(stop, command[-1])
        if command[1:3] == ["-m", "venv"]:
            python = worker.venv_python(Path(command[3]))
            python.parent.mkdir(parents=True)
            python.write_text("", encoding="utf-8")

    monkeypatch.setattr(worker, "_stream", stream)
    return commands


def test_the_button_creates_the_environment_and_the_message_goes(desktop, tmp_path, recorded_commands):
    target = tmp_path / "wip_engine"
    setup = EngineSetup(desktop, lambda: ("", False), target=target)  # the engine Python works afterwards
    setup.show("The engine needs packages.")
    [button] = buttons(desktop.bar.items()[0])
    button.click()  # the button's slot: the task and its progress dialog
    assert setup.task is not None and setup.dialog is not None and setup.dialog.isVisible()
    wait_for(setup)
    assert [c[1:3] for c in recorded_commands][:2] == [["-m", "venv"], ["-m", "pip"]]
    assert setup.dialog is None
    python = worker.venv_python(target)
    assert worker.engine_python() == str(python)  # stored as the engine Python
    assert items(desktop.bar) == [(f"Engine environment ready: {python}", [], Qgis.MessageLevel.Success)]
    assert "Successfully installed geopandas-1.0.1" in log_file(target).read_text(encoding="utf-8")


def test_an_environment_that_still_cannot_run_the_engine_keeps_the_message(desktop, tmp_path, recorded_commands):
    problem = "The engine Python “…/wip_engine/bin/python” lacks these packages: edt."
    setup = EngineSetup(desktop, lambda: (problem, True), target=tmp_path / "wip_engine")
    setup.show("The engine needs packages.")
    setup.start()
    wait_for(setup)
    assert items(desktop.bar) == [(problem, ["Create engine environment"], Qgis.MessageLevel.Warning)]


def test_a_failure_names_the_log_with_a_button_to_open_it(desktop, tmp_path):
    def failing(target, progress):
        progress.info("Collecting rasterio")
        progress.info("error: externally-managed-environment")
        raise worker.WorkerFailed("“pip install” failed (exit code 1):\nerror: externally-managed-environment")

    target = tmp_path / "wip_engine"
    setup = EngineSetup(desktop, lambda: ("missing", True), create=failing, target=target)
    setup.start()
    wait_for(setup)
    [(text, labels, level)] = items(desktop.bar)
    assert level == Qgis.MessageLevel.Critical and labels == ["Show log"]
    assert "failed: “pip install” failed (exit code 1). The whole output is in" in text and str(log_file(target)) in text
    assert "error: externally-managed-environment" in log_file(target).read_text(encoding="utf-8")


def test_cancel_stops_the_creation(desktop, tmp_path):
    started = []

    def slow(target, progress):
        started.append(True)
        end = time.time() + 20
        while not progress.is_cancelled() and time.time() < end:
            time.sleep(0.01)
        raise Cancelled("Creating the engine environment was cancelled.")

    setup = EngineSetup(desktop, lambda: ("missing", True), create=slow, target=tmp_path / "wip_engine")
    setup.start()
    end = time.time() + 10
    while not started and time.time() < end:
        QgsApplication.processEvents()
        time.sleep(0.01)
    from qgis.PyQt.QtWidgets import QPushButton

    [cancel] = setup.dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    wait_for(setup)
    assert items(desktop.bar) == [("Creating the engine environment was cancelled.", [], Qgis.MessageLevel.Info)]
