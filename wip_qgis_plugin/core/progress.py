"""A small progress and cancellation protocol between callers and the engine.

The engine never sees a ``QgsProcessingFeedback``: the Processing algorithms
wrap their feedback in an object with these four methods, the command line
wraps a terminal progress bar, and tests pass :class:`NullProgress` or a
recorder.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from .errors import Cancelled


@runtime_checkable
class Progress(Protocol):
    """What the engine calls to report progress and to ask for cancellation."""

    def report(self, fraction: float, message: str | None = None) -> None:
        """Report overall progress in [0, 1], optionally with a step message."""

    def info(self, message: str) -> None:
        """Report an informational message (a log line)."""

    def warning(self, message: str) -> None:
        """Report a warning the user should read."""

    def is_cancelled(self) -> bool:
        """Return True once the user asked to stop."""


class NullProgress:
    """Progress sink that ignores everything and never cancels."""

    def report(self, fraction: float, message: str | None = None) -> None:  # noqa: D102
        pass

    def info(self, message: str) -> None:  # noqa: D102
        pass

    def warning(self, message: str) -> None:  # noqa: D102
        pass

    def is_cancelled(self) -> bool:  # noqa: D102
        return False


class SubProgress:
    """Map the [0, 1] range of a sub-step onto ``[start, stop]`` of a parent.

    Parameters
    ----------
    parent : Progress
        The progress object of the whole run.
    start, stop : float
        Fractions of the parent's range this step covers.
    """

    def __init__(self, parent: Progress, start: float, stop: float):
        self._parent = parent
        self._start = float(start)
        self._span = float(stop) - float(start)

    def report(self, fraction: float, message: str | None = None) -> None:  # noqa: D102
        f = min(max(fraction, 0.0), 1.0)
        self._parent.report(self._start + self._span * f, message)

    def info(self, message: str) -> None:  # noqa: D102
        self._parent.info(message)

    def warning(self, message: str) -> None:  # noqa: D102
        self._parent.warning(message)

    def is_cancelled(self) -> bool:  # noqa: D102
        return self._parent.is_cancelled()


def check_cancelled(progress: Progress) -> None:
    """Raise :class:`Cancelled` if the user asked to stop."""
    if progress.is_cancelled():
        raise Cancelled()


class RecordedProgress:
    """Holds the lines of work done in a helper thread, to pass them on in a fixed order afterwards.

    Reads done side by side must not interleave their lines: each gets one of these, and :meth:`replay` passes its
    info and warning lines to the run's progress in the order of the work, whichever thread finished first.
    Cancellation is asked of the parent at once; fractions are dropped (the caller reports its own).
    """

    def __init__(self, parent: Progress):
        self._parent = parent
        self._lines: list[tuple[str, str]] = []

    def report(self, fraction: float, message: str | None = None) -> None:  # noqa: D102
        pass

    def info(self, message: str) -> None:  # noqa: D102
        self._lines.append(("info", message))

    def warning(self, message: str) -> None:  # noqa: D102
        self._lines.append(("warning", message))

    def is_cancelled(self) -> bool:  # noqa: D102
        return self._parent.is_cancelled()

    def replay(self) -> None:
        """Pass the recorded lines to the parent, in the order they were recorded."""
        for kind, message in self._lines:
            getattr(self._parent, kind)(message)
        self._lines.clear()
