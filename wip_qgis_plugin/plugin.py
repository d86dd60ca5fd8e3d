"""The plugin object QGIS creates: the Processing provider, the engine check and the engine menu."""
from __future__ import annotations

from qgis.core import Qgis, QgsApplication, QgsMessageLog

from . import environment
from .first_run import EngineSetup
from .i18n import install_translator, remove_translator, tr
from .provider import WipProvider
from .worker import engine_mode, engine_python, set_engine_mode, set_engine_python

LOG_TAG = "WIP"


def engine_status_message() -> tuple[str, bool]:
    """The engine's state as the log and the menu's *Check engine* word it, and whether it is a problem
    ('' if all is well in-process)."""
    plan = environment.engine_plan()
    if plan.where is None:
        return plan.message, True
    if plan.where == "worker":
        return tr("The WIP engine runs in the engine Python {python}.").format(python=plan.python), False
    return "", False


def start_message() -> tuple[str, str, bool]:
    """The start-up check: (short text for the message bar, full text for the log, problem).

    Where only packages are missing in QGIS's Python and no engine Python is set, the bar gets one short
    line with the button that creates the engine environment (``first_run``); the log and the message's
    tooltip keep the full text (with the pip command where pip may install into QGIS's Python, never where
    the system manages it).
    """
    message, problem = engine_status_message()
    if problem and not engine_python() and engine_mode() == "auto" and environment.missing_dependencies():
        return environment.start_message(), message, True
    return message, message, problem


class WipPlugin:
    """Registers the ``wip`` Processing provider (also when QGIS runs headless, e.g. qgis_process).

    On start it checks the engine once: when neither QGIS's Python nor a configured engine
    Python can run it, one message says what is missing (the full text in the log; in the desktop
    a short one in the message bar with a button that creates the engine environment, see
    ``first_run.py``); the algorithms are listed all the same. The menu Plugins → WIP
    Energy & Spatial Planning sets the engine Python or creates an engine environment.
    """

    def __init__(self, iface):
        self.iface = iface
        self.provider: WipProvider | None = None
        self.actions: list = []
        self.setup = EngineSetup(iface, engine_status_message)
        self.panel = None  # the dock "WIP Planung" (panel.py)
        self.reason_inspector = None  # the map tool "Warum ausgeschlossen?" (reason_inspector.py)
        self._reported = False
        install_translator()

    def initProcessing(self) -> None:  # noqa: N802 (QGIS API)
        """Add the provider; qgis_process calls only this, the desktop also calls initGui."""
        if self.provider is None:
            self.provider = WipProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)
        self.report_engine_status()

    def report_engine_status(self) -> str:
        """Log the engine check once per session (in the desktop also the start message with its button);
        returns the logged message."""
        if self._reported:
            return ""
        self._reported = True
        try:
            short, message, problem = start_message()
        except Exception as exc:  # noqa: BLE001 - a broken environment must not stop QGIS from starting
            message = tr("The WIP engine could not be checked: {error}").format(error=exc)
            short, problem = message, True
        if message:
            level = Qgis.MessageLevel.Warning if problem else Qgis.MessageLevel.Info
            QgsMessageLog.logMessage(message, LOG_TAG, level)
            if problem:
                try:
                    self.setup.show(short, details=message)
                except Exception as exc:  # noqa: BLE001 - the message must not stop QGIS from starting
                    QgsMessageLog.logMessage(f"start message: {exc}", LOG_TAG, Qgis.MessageLevel.Warning)
        return message

    def initGui(self) -> None:  # noqa: N802 (QGIS API)
        self.initProcessing()
        if self.iface is None or not hasattr(self.iface, "addPluginToMenu"):
            return
        try:
            from qgis.PyQt.QtGui import QAction  # Qt6 (QGIS 4)
        except ImportError:
            from qgis.PyQt.QtWidgets import QAction  # Qt5

        menu = self.menu_title()
        for text, slot in ((tr("Engine Python…"), self.choose_engine_python),
                           (tr("Create engine environment"), self.create_engine_environment),
                           (tr("Check engine"), self.check_engine)):
            action = QAction(text, self.iface.mainWindow())
            action.triggered.connect(slot)
            self.iface.addPluginToMenu(menu, action)
            self.actions.append(action)
        force = QAction(tr("Always run the engine in the engine Python"), self.iface.mainWindow())
        force.setCheckable(True)
        force.setChecked(engine_mode() == "worker")
        force.toggled.connect(self.force_worker)
        self.iface.addPluginToMenu(menu, force)
        self.actions.append(force)
        self.install_tools(menu)

    def install_tools(self, menu: str) -> None:
        """The guided panel and the reason inspector; neither may stop the plugin from loading."""
        try:
            from .panel import install_panel

            self.panel = install_panel(self.iface, menu)
        except Exception as exc:  # noqa: BLE001 - a broken panel must not cost the planner the toolbox
            QgsMessageLog.logMessage(f"panel: {exc}", LOG_TAG, Qgis.MessageLevel.Warning)
        try:
            from .reason_inspector import install_reason_inspector

            toolbar = self.iface.pluginToolBar() if hasattr(self.iface, "pluginToolBar") else None
            self.reason_inspector = install_reason_inspector(self.iface, menu, toolbar=toolbar)
        except Exception as exc:  # noqa: BLE001 - as above
            QgsMessageLog.logMessage(f"reason inspector: {exc}", LOG_TAG, Qgis.MessageLevel.Warning)

    @staticmethod
    def menu_title() -> str:
        """The submenu's title under Plugins: the plugin's name with '&' doubled, since Qt reads a single
        '&' in a menu title as a mnemonic marker ("WIP Energie & Raumplanung" would show as
        "WIP Energie _Raumplanung"); the provider's name in the toolbox is plain text and keeps one '&'."""
        return environment.menu_name().replace("&", "&&")

    def unload(self) -> None:
        for tool in ("panel", "reason_inspector"):  # before the provider goes: the panel cancels a running profile
            if getattr(self, tool) is not None:
                getattr(self, tool).unload()
                setattr(self, tool, None)
        self.setup.dismiss()
        if self.iface is not None and hasattr(self.iface, "removePluginMenu"):
            for action in self.actions:
                self.iface.removePluginMenu(self.menu_title(), action)
        self.actions = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator()

    # ------------------------------------------------------------- menu actions
    def choose_engine_python(self) -> None:
        from qgis.PyQt.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self.iface.mainWindow(), tr("Engine Python (an interpreter with the engine's packages)"),
            engine_python(), tr("Python interpreter (python*)"))
        if path:
            set_engine_python(path)
            self.check_engine()

    def force_worker(self, checked: bool) -> None:
        set_engine_mode("worker" if checked else "auto")

    def check_engine(self) -> None:
        message, problem = self.setup.recheck()
        level = Qgis.MessageLevel.Warning if problem else Qgis.MessageLevel.Success
        self.iface.messageBar().pushMessage(
            tr("WIP Energy & Spatial Planning"),
            message or tr("The WIP engine runs in the Python of QGIS."), level, 0 if problem else 8)

    def create_engine_environment(self) -> None:
        """Create the engine environment in a background task, with a progress dialog (``first_run``)."""
        self.setup.start()
