"""The plugin's modules against PyQt6, through a stand-in for QGIS 4's ``qgis`` package (run in its own process).

    python qt6_stub_run.py REPO RESULT.json

Debian has no Qt6 build of QGIS, so QGIS 4 cannot run here. What can: the real PyQt6 behind a
``qgis.PyQt`` shim made like QGIS 4's (``qgis.PyQt.QtCore`` is ``PyQt6.QtCore`` …) and stubs for
``qgis.core`` / ``qgis.gui`` that accept any call and answer like QGIS 4 (``Qgis.versionInt()`` is
40000, every scoped enum exists). Every GUI-side module of the plugin is imported, every algorithm
declares its parameters, and the plugin object runs initGui/unload against a stand-in iface with a
real PyQt6 main window, so Qt6's changes show where the plugin's code runs: enums only in their scoped
form (``Qt.AlignmentFlag.AlignLeft``), QAction in QtGui, no QVariant.Type, exec() without the
underscore, signals connected with PyQt6's signatures. The stubs check nothing of QGIS's own API
(the version matrix runs the real QGIS 3.22, 3.40 and 3.44 for that).
"""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import tempfile
import traceback
import types
from pathlib import Path

QGIS4 = 40000


class _StubMeta(type):
    """Class-level attribute access answers with a stub (enums, static methods, nested classes)."""

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _stub_class(f"{cls.__name__}.{name}")

    def __call__(cls, *args, **kwargs):
        return super().__call__(*args, **kwargs)

    def __or__(cls, other):
        return cls

    __ror__ = __and__ = __rand__ = __or__

    def __int__(cls):
        return 0

    def __iter__(cls):
        return iter(())


class _Stub(metaclass=_StubMeta):
    """Any QGIS object: takes any arguments, answers any method with another stub."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Stub()

    def __call__(self, *args, **kwargs):
        return _Stub()

    def __or__(self, other):
        return self

    __ror__ = __and__ = __rand__ = __or__

    def __bool__(self):
        return True

    def __iter__(self):
        return iter(())

    def __int__(self):
        return 0

    def __index__(self):
        return 0

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


_classes: dict[str, type] = {}


class _Project(_Stub):
    """QgsProject.instance(): no project file, no layers."""

    def homePath(self):  # noqa: N802 (QGIS API)
        return ""

    def fileName(self):  # noqa: N802 (QGIS API)
        return ""

    def mapLayers(self):  # noqa: N802 (QGIS API)
        return {}


class _Settings:
    """QgsSettings with values kept in memory (the plugin reads its locale and engine settings)."""

    store: dict = {"locale/userLocale": "de"}

    def value(self, key, default=None, type=None):  # noqa: A002 (QGIS API)
        value = self.store.get(key, default)
        return type(value) if type is not None and value is not None else value

    def setValue(self, key, value):  # noqa: N802 (QGIS API)
        self.store[key] = value

    def remove(self, key):
        self.store.pop(key, None)


def _stub_class(name: str) -> type:
    if name not in _classes:
        _classes[name] = _StubMeta(name.split(".")[-1], (_Stub,), {"__qualname__": name})
    return _classes[name]


def _stub_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__getattr__ = lambda attr: _stub_class(attr) if not attr.startswith("__") else (_ for _ in ()).throw(
        AttributeError(attr))
    return module


def install_fake_qgis(folder: Path) -> None:
    """A ``qgis`` package whose PyQt is PyQt6 (as in QGIS 4) and whose core and gui are stubs."""
    pyqt = folder / "qgis" / "PyQt"
    pyqt.mkdir(parents=True)
    (folder / "qgis" / "__init__.py").write_text("")
    (pyqt / "__init__.py").write_text("from PyQt6 import sip  # noqa: F401\n")
    for name in ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtXml", "QtSvg", "QtPrintSupport"):
        (pyqt / f"{name}.py").write_text(f"from PyQt6.{name} import *  # noqa: F401,F403\n")
    sys.path.insert(0, str(folder))

    qgis_class = _stub_class("Qgis")
    qgis_class.versionInt = staticmethod(lambda: QGIS4)
    qgis_class.QGIS_VERSION_INT = QGIS4
    qgis_class.QGIS_VERSION = "4.0.0-stub"
    qgis_class.geosVersion = staticmethod(lambda: "3.13.0")
    core = _stub_module("qgis.core")
    core.Qgis = qgis_class
    core.QgsSettings = _Settings
    # what QGIS answers with Qt or Python values where the plugin passes them on to Qt or pathlib
    from PyQt6.QtGui import QIcon

    app_class = _stub_class("QgsApplication")
    app_class.getThemeIcon = staticmethod(lambda *args: QIcon())
    app_class.iconPath = staticmethod(lambda *args: "")
    project = _stub_class("QgsProject")
    project.instance = staticmethod(lambda: _Project())
    core.QgsApplication, core.QgsProject = app_class, project
    gui = _stub_module("qgis.gui")
    sys.modules["qgis.core"], sys.modules["qgis.gui"] = core, gui
    processing = _stub_module("processing")
    sys.modules["processing"] = processing


def main() -> int:
    repo, result_path = Path(sys.argv[1]), Path(sys.argv[2])
    result: dict = {"imported": [], "import_errors": {}, "algorithms": {}, "gui": None}
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    install_fake_qgis(Path(tempfile.mkdtemp()))
    sys.path.insert(1, str(repo))
    from PyQt6.QtCore import QT_VERSION_STR
    from PyQt6.QtWidgets import QApplication, QMainWindow

    result["qt"] = QT_VERSION_STR
    app = QApplication([])

    import wip_qgis_plugin

    gui_modules = ["wip_qgis_plugin." + m.name for m in pkgutil.iter_modules(wip_qgis_plugin.__path__)
                   if not m.ispkg and m.name not in ("cli", "worker_main")]
    gui_modules += ["wip_qgis_plugin.processing_algorithms." + m.name
                    for m in pkgutil.iter_modules([str(repo / "wip_qgis_plugin" / "processing_algorithms")])]
    for name in sorted(gui_modules):
        try:
            importlib.import_module(name)
            result["imported"].append(name)
        except Exception:  # noqa: BLE001 - reported to the test
            result["import_errors"][name] = traceback.format_exc()

    try:
        from wip_qgis_plugin.processing_algorithms import ALGORITHMS

        for cls in ALGORITHMS:
            try:
                alg = cls()
                alg.initAlgorithm({})
                alg.name(), alg.displayName(), alg.group(), alg.shortHelpString()
                result["algorithms"][cls.__name__] = "ok"
            except Exception:  # noqa: BLE001
                result["algorithms"][cls.__name__] = traceback.format_exc()
    except Exception:  # noqa: BLE001
        result["algorithms"]["<import>"] = traceback.format_exc()

    window = QMainWindow()
    menu: list[str] = []

    class Iface:
        def mainWindow(self):  # noqa: N802 (QGIS API)
            return window

        def addPluginToMenu(self, title, action):  # noqa: N802 (QGIS API)
            menu.append(f"{title} / {action.text()}")

        def removePluginMenu(self, title, action):  # noqa: N802 (QGIS API)
            menu.remove(f"{title} / {action.text()}")

        def messageBar(self):  # noqa: N802 (QGIS API)
            return _Stub()

        def addDockWidget(self, area, dock):  # noqa: N802 (QGIS API) - a real PyQt6 dock in the real window
            window.addDockWidget(area, dock)

        def removeDockWidget(self, dock):  # noqa: N802 (QGIS API)
            window.removeDockWidget(dock)

        def pluginToolBar(self):  # noqa: N802 (QGIS API)
            return toolbar

        def __getattr__(self, name):  # the map canvas, the layer tree …: QGIS objects, stubbed
            return lambda *args, **kwargs: _Stub()

    toolbar = window.addToolBar("plugins")

    try:
        plugin = wip_qgis_plugin.classFactory(Iface())
        plugin.initGui()
        added = list(menu)
        force = plugin.actions[-1]
        force.setChecked(False)  # a real PyQt6 toggled(bool) signal into the plugin's slot
        plugin.unload()
        result["gui"] = {"menu": added, "left_after_unload": menu}
    except Exception:  # noqa: BLE001
        result["gui"] = {"error": traceback.format_exc()}
    result_path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
