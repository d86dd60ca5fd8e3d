"""Adapter from a ``QgsProcessingFeedback`` to the engine's Progress protocol."""
from __future__ import annotations

from qgis.core import QgsProcessingFeedback

from .compat import push_warning


class FeedbackProgress:
    """Implements ``wip_qgis_plugin.core.progress.Progress`` on a Processing feedback.

    Progress fractions in [0, 1] become the 0–100 % bar, step messages the progress text
    (only when they change), warnings go to the log in orange, and cancelling in the dialog
    (or qgis_process's Ctrl+C) is reported back to the engine.
    """

    def __init__(self, feedback: QgsProcessingFeedback | None):
        self._feedback = feedback if feedback is not None else QgsProcessingFeedback()
        self._last_message: str | None = None

    def report(self, fraction: float, message: str | None = None) -> None:
        self._feedback.setProgress(100.0 * min(max(float(fraction), 0.0), 1.0))
        if message and message != self._last_message:
            self._last_message = message
            self._feedback.setProgressText(message)

    def info(self, message: str) -> None:
        self._feedback.pushInfo(message)

    def warning(self, message: str) -> None:
        push_warning(self._feedback, message)

    def is_cancelled(self) -> bool:
        return self._feedback.isCanceled()
