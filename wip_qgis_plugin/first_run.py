"""The engine set up from the desktop: one message with a button, a progress dialog, a log on failure.

Where neither QGIS's Python nor an engine Python can run the engine, the plugin shows one short line in
the message bar (``environment.start_message``; what is missing in its tooltip and in the log) with the
button *Create engine environment*. The button (and
the menu entry of the same name) runs ``worker.create_engine_environment`` as a background task; a progress
dialog shows the current step and can cancel it. The whole output of venv and pip goes to a log file beside
the environment (``<QGIS profile>/wip_engine.log``); a failure names it, with a button that opens it. Once the
engine can run (checked again when the environment is ready, or by *Check engine*), the message goes.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask

from .core.errors import Cancelled
from .i18n import tr
from .worker import create_engine_environment, default_environment_dir

LOG_TAG = "WIP"


def title() -> str:
    return tr("WIP Energy & Spatial Planning")


def log_file(target: Path) -> Path:
    """The log of creating the environment in ``target``: beside it, ``wip_engine.log``."""
    return target.with_name(target.name + ".log")


class LogProgress:
    """The engine's Progress protocol for the task: the fraction to the task (and from there to the dialog),
    the current step for the dialog's label, every line of venv and pip to the log file."""

    def __init__(self, task: QgsTask, log):
        self.task = task
        self.log = log
        self.step = ""

    def report(self, fraction: float, message: str | None = None) -> None:
        if message:
            self.step = message
        self.task.setProgress(100.0 * fraction)

    def info(self, message: str) -> None:
        self.log.write(message.rstrip("\n") + "\n")
        self.log.flush()

    def warning(self, message: str) -> None:
        self.info(message)

    def is_cancelled(self) -> bool:
        return self.task.isCanceled()


def message_widget(text: str, button_text: str, slot: Callable[[], None], tooltip: str = ""):
    """A message bar widget: the plugin's name, ``text`` and one button that calls ``slot``."""
    from qgis.gui import QgsMessageBar
    from qgis.PyQt.QtWidgets import QPushButton

    widget = QgsMessageBar.createMessage(title(), text)
    button = QPushButton(button_text, widget)
    button.setToolTip(tooltip)
    button.clicked.connect(slot)
    widget.layout().addWidget(button)
    return widget


class EngineSetup:
    """The start message with its button, and the creation of the engine environment behind it.

    ``check`` returns the engine's state as ``plugin.engine_status_message`` does: (message, problem).
    ``create`` and ``target`` are those of ``worker.create_engine_environment`` (replaced in tests).
    """

    def __init__(self, iface, check: Callable[[], tuple[str, bool]], create=create_engine_environment,
                 target: Path | None = None):
        self.iface = iface
        self.check = check
        self.create = create
        self.target = target
        self.item = None  # the start message in the message bar
        self.task: QgsTask | None = None
        self.dialog = None
        self.progress: LogProgress | None = None
        self.cancelled = False

    # ------------------------------------------------------------- the message
    def bar(self):
        return self.iface.messageBar() if self.iface is not None and hasattr(self.iface, "messageBar") else None

    def show(self, text: str, details: str = "") -> None:
        """Show ``text`` with the button (replacing an earlier start message), ``details`` as its tooltip."""
        self.dismiss()
        bar = self.bar()
        if bar is None:
            return
        if not hasattr(bar, "pushWidget"):  # a message bar that takes text only (pytest-qgis's)
            bar.pushMessage(title(), text, Qgis.MessageLevel.Warning, 0)
            return
        widget = message_widget(text, tr("Create engine environment"), self.start, tr(
            "Creates a separate Python environment with the engine's packages (about a minute, needs the "
            "internet); QGIS's own Python stays unchanged."))
        widget.setToolTip(details)
        self.item = bar.pushWidget(widget, Qgis.MessageLevel.Warning, 0)

    def dismiss(self) -> None:
        """Remove the start message (once the engine can run)."""
        if self.item is not None and self.bar() is not None:
            try:
                self.bar().popWidget(self.item)
            except RuntimeError:  # closed by the user: its C++ object is gone
                pass
        self.item = None

    def recheck(self) -> tuple[str, bool]:
        """Ask ``check`` again; the start message goes if the engine can run."""
        message, problem = self.check()
        if not problem:
            self.dismiss()
        return message, problem

    # ------------------------------------------------------------- creating the environment
    def start(self) -> None:
        """Create the engine environment in a task, with a progress dialog (a second call shows the dialog)."""
        if self.task is not None:
            if self.dialog is not None:
                self.dialog.show()
                self.dialog.raise_()
            return
        from qgis.PyQt.QtWidgets import QProgressDialog

        target = Path(self.target or default_environment_dir())
        parent = self.iface.mainWindow() if self.iface is not None and hasattr(self.iface, "mainWindow") else None
        self.dialog = QProgressDialog(tr("Creating the engine environment in {folder}").format(folder=target),
                                      tr("Cancel"), 0, 100, parent)
        self.dialog.setWindowTitle(tr("Creating the WIP engine environment"))
        self.dialog.setMinimumWidth(520)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(0)
        self.cancelled = False
        self.task = QgsTask.fromFunction(tr("Creating the WIP engine environment"), self._work, target,
                                         on_finished=self._finished)
        self.dialog.canceled.connect(self.cancel)
        self.task.progressChanged.connect(self._progress)
        QgsApplication.taskManager().addTask(self.task)
        self.dialog.show()

    def cancel(self) -> None:
        if self.task is not None:
            self.cancelled = True
            self.task.cancel()
            if self.dialog is not None:
                self.dialog.setLabelText(tr("Cancelling …"))

    def _work(self, task: QgsTask, target: Path) -> str:
        """In the task's thread: the environment, its output to the log file."""
        log = log_file(target)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w", encoding="utf-8") as stream:
            self.progress = LogProgress(task, stream)
            return str(self.create(target, progress=self.progress))

    def _progress(self, value: float) -> None:
        if self.dialog is not None:
            self.dialog.setValue(int(value))
            if self.progress is not None and self.progress.step and not self.dialog.wasCanceled():
                self.dialog.setLabelText(self.progress.step)

    def _finished(self, exception, result=None) -> None:
        """In the main thread: close the dialog; on success check the engine again, else say why with the log."""
        target = Path(self.target or default_environment_dir())
        self.task = None
        self.progress = None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        bar = self.bar()
        if exception is None and result:
            message, problem = self.recheck()
            text = tr("Engine environment ready: {python}").format(python=result)
            QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Success)
            if bar is not None:
                if problem:
                    self.show(message)
                else:
                    bar.pushMessage(title(), text, Qgis.MessageLevel.Success, 10)
            return
        if isinstance(exception, Cancelled) or self.cancelled:
            text = tr("Creating the engine environment was cancelled.")
            QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Info)
            if bar is not None:
                bar.pushMessage(title(), text, Qgis.MessageLevel.Info, 8)
            return
        log = log_file(target)
        first = str(exception).strip().splitlines()[0].rstrip(":") if str(exception).strip() else ""
        text = tr("Creating the engine environment failed: {error}. The whole output is in {log}.").format(
            error=first or type(exception).__name__, log=log)
        QgsMessageLog.logMessage(f"{text}\n{exception}", LOG_TAG, Qgis.MessageLevel.Critical)
        if bar is None:
            return
        if not hasattr(bar, "pushWidget"):
            bar.pushMessage(title(), text, Qgis.MessageLevel.Critical, 0)
            return
        bar.pushWidget(message_widget(text, tr("Show log"), lambda: open_file(log)), Qgis.MessageLevel.Critical, 0)


def open_file(path: Path) -> None:
    """Open ``path`` with the system's viewer."""
    from qgis.PyQt.QtCore import QUrl
    from qgis.PyQt.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
