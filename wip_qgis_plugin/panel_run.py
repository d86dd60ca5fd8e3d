"""The planning panel's run: the job built in QGIS's main thread, the engine in a process of its own.

The panel never runs the engine inside QGIS. The Processing algorithm's job is built in the main thread
(:meth:`~.processing_algorithms.municipal_profile.MunicipalProfile.build_job` reads the project's layers
there), then a worker process (``python -m wip_qgis_plugin.cli worker``, :mod:`.worker`) computes it. A
Python thread only reads the worker's messages and passes them to the panel's feedback, whose signals
are queued into the main thread. Cancelling stops the worker process (its tile workers too) and
removes what it left half-written: nothing of the engine (PROJ, GDAL, forked tile workers) ever runs
in a thread of the QGIS desktop, which crashed QGIS 3.22 and 3.40 when a run was cancelled.

Which Python: the engine Python of the settings where the engine runs there (``wip/engine_mode``),
otherwise an interpreter of QGIS's own Python version with QGIS's ``sys.path``, so the worker finds the
same packages QGIS's Python imports.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsProcessingFeedback
from qgis.PyQt.QtCore import QObject, pyqtSignal

from . import environment, worker
from .core.errors import Cancelled, WipError
from .core.jobs.protocol import JobError
from .feedback import FeedbackProgress
from .i18n import tr


class PanelFeedback(QgsProcessingFeedback):
    """Passes the run's progress text, warnings and errors on as signals (queued into the panel's thread)."""

    text = pyqtSignal(str)
    warning = pyqtSignal(str)

    def setProgressText(self, text):  # noqa: N802 (QGIS API)
        super().setProgressText(text)
        self.text.emit(text)

    def pushWarning(self, message):  # noqa: N802 (QGIS API)
        super().pushWarning(message)
        self.warning.emit(message)

    def reportError(self, message, fatalError=False):  # noqa: N802, N803 (QGIS API)
        super().reportError(message, fatalError)
        self.warning.emit(message)


@dataclass(frozen=True)
class EngineCommand:
    """The interpreter a panel run starts and the folders put on its ``PYTHONPATH``."""

    python: str
    extra_path: tuple[str, ...] = ()


def qgis_python() -> str:
    """An interpreter of this Python's version: ``sys.executable`` where it is Python (tests, scripts),
    else the one :func:`.worker.base_python` finds (in the desktop ``sys.executable`` is QGIS itself)."""
    if Path(sys.executable).name.lower().startswith("python"):
        return sys.executable
    return worker.base_python()


def engine_command(path: Sequence[str] | None = None) -> EngineCommand:
    """Where the panel's engine runs; raises :class:`WipError` with the fix where it cannot run anywhere."""
    plan = environment.engine_plan()
    if plan.where is None:
        raise WipError(plan.message)
    if plan.where == "worker":
        return EngineCommand(plan.python)
    folders = sys.path if path is None else path
    return EngineCommand(qgis_python(), tuple(p for p in folders if p and Path(p).is_dir()))


class ProfileRun(QObject):
    """One run of an engine job in a worker process, watched from a Python thread.

    ``finished(ok, cancelled, result, message)`` is emitted once, queued into the thread the object lives
    in: the engine's JSON result, or the reason it failed.
    """

    finished = pyqtSignal(bool, bool, dict, str)

    def __init__(self, job, feedback, command: EngineCommand, folder: Path, describe=str, parent=None):
        super().__init__(parent)
        self.job = job
        self.feedback = feedback
        self.command = command
        self.folder = Path(folder)
        self.describe = describe  # wording of an engine refusal (the algorithm's job_error_message)
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker and its watching thread."""
        self.thread = threading.Thread(target=self._watch, name="wip-panel-run", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        """Ask the run to stop: the watching thread stops the worker within its grace time."""
        self.feedback.cancel()

    def wait(self, timeout_s: float = 10.0) -> bool:
        """Wait for the watching thread (e.g. when QGIS closes); True if it has ended."""
        if self.thread is not None:
            self.thread.join(timeout_s)
            return not self.thread.is_alive()
        return True

    def _watch(self) -> None:
        try:
            result = worker.run_in_worker(self.job, FeedbackProgress(self.feedback), self.command.python,
                                          folder=self.folder, extra_path=self.command.extra_path)
        except Cancelled:
            self.finished.emit(False, True, {}, tr("The run was cancelled; no output was written."))
        except JobError as exc:
            self.finished.emit(False, False, {}, self.describe(exc))
        except Exception as exc:  # noqa: BLE001 (WipError, WorkerFailed, OSError: said in the panel, never a traceback)
            self.finished.emit(False, False, {}, str(exc) or type(exc).__name__)
        else:
            self.finished.emit(True, False, dict(result), "")
