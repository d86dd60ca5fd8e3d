"""Adapter from a ``QgsProcessingFeedback`` to the engine's Progress protocol."""
from __future__ import annotations

from qgis.core import QgsProcessingFeedback

from .compat import push_warning
from .core.eligibility.check_text import translate_check_line  # standard library only
from .core.messages import Message  # standard library only
from .i18n import ui_language


def translate_engine_message(message: str) -> str:
    """The engine line in the UI language: a :class:`~.core.messages.Message` rendered by its id and parameters
    (numbers in the language's format), a data check line by its table (core/eligibility/check_text.py);
    anything else unchanged."""
    language = "de" if ui_language() == "de" else "en"
    if isinstance(message, Message):
        return message.render(language)
    return translate_check_line(message, language) or message


class FeedbackProgress:
    """Implements ``wip_qgis_plugin.core.progress.Progress`` on a Processing feedback.

    Progress fractions in [0, 1] become the 0–100 % bar, step messages the progress text
    (only when they change), warnings go to the log in orange, and cancelling in the dialog
    (or qgis_process's Ctrl+C) is reported back to the engine. Known engine lines are shown
    in the UI language. The engine in a separate Python reports through the same object.
    """

    def __init__(self, feedback: QgsProcessingFeedback | None):
        self._feedback = feedback if feedback is not None else QgsProcessingFeedback()
        self._last_message: str | None = None

    def report(self, fraction: float, message: str | None = None) -> None:
        self._feedback.setProgress(100.0 * min(max(float(fraction), 0.0), 1.0))
        if message and message != self._last_message:
            self._last_message = message
            self._feedback.setProgressText(translate_engine_message(message))

    def info(self, message: str) -> None:
        self._feedback.pushInfo(translate_engine_message(message))

    def warning(self, message: str) -> None:
        push_warning(self._feedback, translate_engine_message(message))

    def is_cancelled(self) -> bool:
        return self._feedback.isCanceled()
