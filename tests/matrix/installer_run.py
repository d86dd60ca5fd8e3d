"""Install the plugin zip with QGIS's own plugin installer (pyplugin_installer), in a fresh process.

    python installer_run.py REPOSITORY_URL HOME_PLUGIN_DIR RESULT.json

Run by test_plugin_installer.py with the interpreter that has QGIS's bindings, in a fresh profile
(QGIS_CUSTOM_CONFIG_PATH) and without the source tree on sys.path, so what loads is the installed
copy. The steps are the plugin manager's: the repository is read from the settings, fetched
(QgsPluginInstaller.fetchAvailablePlugins), the plugin listed with its status, installed
(installPlugin: download, unzip into the home plugin folder, loadPlugin, startPlugin). A minimal
iface stands in for the desktop (a real main window as the dialogs' parent). A watchdog closes any
modal dialog left open after 120 s (an error dialog of the installer) and the run then fails.
The result (what was installed, loaded, registered) goes to RESULT.json.
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

REPO_KEY = "WIP local repository"


class _Anything:
    """Accepts any method call (the parts of iface the installer only notifies)."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def register_plugin_manager_settings() -> list:
    """The plugin manager's settings, where QGIS >= 3.44's installer reads them from the settings tree.

    The desktop application registers the node ``plugin-manager`` and its entries; a bare QgsApplication
    does not, so they are registered here as the application does (updates not checked on start,
    experimental plugins allowed, as set for the older versions through QgsSettings below).
    """
    try:
        from qgis.core import QgsSettingsTree  # QGIS >= 3.30
    except ImportError:
        return []
    if not hasattr(QgsSettingsTree, "node") or QgsSettingsTree.node("plugin-manager") is not None:
        return []
    from qgis.core import (
        QgsSettingsEntryBool,
        QgsSettingsEntryString,
        QgsSettingsEntryStringList,
        QgsSettingsEntryVariant,
    )
    from qgis.PyQt.QtCore import QDate

    node = QgsSettingsTree.treeRoot().createChildNode("plugin-manager")
    return [node,
            QgsSettingsEntryBool("automatically-check-for-updates", node, False),
            QgsSettingsEntryVariant("check-on-start-last-date", node, QDate.currentDate()),
            QgsSettingsEntryBool("allow-experimental", node, True),
            QgsSettingsEntryBool("allow-deprecated", node, False),
            QgsSettingsEntryStringList("seen-plugins", node, []),
            QgsSettingsEntryString("last-zip-directory", node, "")]


def main() -> int:
    url, home, result_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    home.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(home))
    from qgis.core import QgsApplication, QgsSettings

    app = QgsApplication([], True)
    app.initQgis()
    sys.path.append(str(Path(QgsApplication.pkgDataPath()) / "python"))  # pyplugin_installer lives there
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QApplication, QMainWindow

    import qgis.utils

    window = QMainWindow()
    menus: dict[str, list[str]] = {}

    class Iface(_Anything):
        def mainWindow(self):  # noqa: N802 (QGIS API)
            return window

        def addPluginToMenu(self, menu, action):  # noqa: N802 (QGIS API)
            menus.setdefault(menu, []).append(action.text())

        def removePluginMenu(self, menu, action):  # noqa: N802 (QGIS API)
            pass

        def messageBar(self):  # noqa: N802 (QGIS API)
            return _Anything()

        def pluginManagerInterface(self):  # noqa: N802 (QGIS API)
            return _Anything()

    qgis.utils.iface = Iface()
    qgis.utils.home_plugin_path = str(home)
    qgis.utils.HOME_PLUGIN_PATH = str(home)  # QGIS >= 3.44's name (imported by the installer)
    qgis.utils.plugin_paths = [str(home)]

    registered = register_plugin_manager_settings()  # noqa: F841 (kept alive for the installer)
    settings = QgsSettings()
    settings.setValue("app/plugin_installer/checkOnStart", False)
    settings.setValue("app/plugin_installer/allowExperimental", True)
    settings.setValue(f"app/plugin_repositories/{REPO_KEY}/url", url)
    settings.setValue(f"app/plugin_repositories/{REPO_KEY}/enabled", True)
    from pyplugin_installer.installer_data import officialRepo

    # The official repository stays off (no network here): present in the settings, disabled.
    settings.setValue(f"app/plugin_repositories/{officialRepo[0]}/url", officialRepo[1])
    settings.setValue(f"app/plugin_repositories/{officialRepo[0]}/enabled", False)

    stuck: list[str] = []

    def watchdog():
        for widget in QApplication.topLevelWidgets():
            if widget.isModal() and widget.isVisible():
                stuck.append(f"{type(widget).__name__}: {widget.windowTitle()}")
                widget.reject() if hasattr(widget, "reject") else widget.close()

    timer = QTimer()
    timer.timeout.connect(watchdog)
    timer.start(120_000)

    result: dict = {"stuck_dialogs": stuck}
    try:
        import pyplugin_installer
        from pyplugin_installer.installer_data import plugins, repositories

        installer = pyplugin_installer.instance()
        installer.fetchAvailablePlugins(True)
        result["repository_state"] = repositories.all()[REPO_KEY]["state"]
        result["repository_error"] = repositories.all()[REPO_KEY].get("error", "")
        plugins.rebuild()
        listed = plugins.all().get("wip_qgis_plugin")
        result["listed"] = listed is not None
        if listed is not None:
            # An experimental plugin is offered (and installed) on the experimental branch.
            key = "status_exp" if listed["experimental"] else "status"
            result["status_before"] = listed.get(key)
            result["experimental"] = listed["experimental"]
            installer.installPlugin("wip_qgis_plugin", quiet=True, stable=not listed["experimental"])
            installed = plugins.all().get("wip_qgis_plugin") or {}
            result["status_after"] = installed.get(key)
            result["error"] = installed.get("error")
            result["error_details"] = installed.get("error_details")
        result["installed_files"] = sorted(p.name for p in (home / "wip_qgis_plugin").iterdir()) \
            if (home / "wip_qgis_plugin").is_dir() else []
        result["active"] = "wip_qgis_plugin" in qgis.utils.active_plugins
        module = sys.modules.get("wip_qgis_plugin")
        result["module_file"] = getattr(module, "__file__", None)
        provider = QgsApplication.processingRegistry().providerById("wip")
        result["provider_algorithms"] = sorted(a.id() for a in provider.algorithms()) if provider else []
        result["menus"] = menus
        result["enabled_setting"] = settings.value("PythonPlugins/wip_qgis_plugin", False, type=bool)
    except Exception:  # noqa: BLE001 - reported to the test through the result file
        result["exception"] = traceback.format_exc()
    result_path.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    timer.stop()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
