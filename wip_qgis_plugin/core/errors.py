"""Exceptions of the engine.

Every message names the layer, field or value at fault and says what to do.
All derive from :class:`WipError` (a :class:`ValueError`), so callers can catch
one type; Processing algorithms turn them into ``QgsProcessingException``.
"""
from __future__ import annotations

from collections.abc import Sequence


class WipError(ValueError):
    """Base class of all engine errors with a user-facing message."""


class InputError(WipError):
    """An input layer, raster, field or parameter cannot be used as given."""


class CatalogueError(WipError):
    """A criteria catalogue (or override file) has one or more problems.

    Parameters
    ----------
    source : str
        File or preset the problems were found in.
    problems : sequence of str
        Every problem found, each prefixed with its place in the file
        (e.g. ``criteria[3].buffer``).
    """

    def __init__(self, source: str, problems: Sequence[str]):
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"Criteria catalogue {source!r} has {len(self.problems)} problem(s):\n{lines}"
        )


class Cancelled(WipError):
    """The user cancelled the run; no partial output was left behind."""

    def __init__(self, message: str = "The run was cancelled; no output was written."):
        super().__init__(message)
