"""Exceptions of the engine.

Every message names the layer, field or value at fault and says what to do.
Errors about the user's input derive from :class:`WipError` (a :class:`ValueError`), so callers
can catch one type; Processing algorithms turn them into ``QgsProcessingException``.
:class:`Cancelled` is deliberately *not* a ``ValueError``: a broad ``except ValueError`` around a
computation must never swallow the user's cancel.
"""
from __future__ import annotations

from collections.abc import Sequence


class WipError(ValueError):
    """Base class of all engine errors with a user-facing message."""


class InputError(WipError):
    """An input layer, raster, field or parameter cannot be used as given."""


class SpecError(WipError):
    """A configuration file (catalogue, turbine, PV systems, grid, demand, scenario …) has problems.

    Parameters
    ----------
    kind : str
        What the file is, as the message names it (``"Criteria catalogue"``, ``"Turbine file"`` …).
    source : str
        File or preset the problems were found in.
    problems : sequence of str
        Every problem found, each prefixed with its place in the file
        (e.g. ``criteria[3].buffer``).
    """

    def __init__(self, kind: str, source: str, problems: Sequence[str]):
        self.kind = kind
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{kind} {source!r} has {len(self.problems)} problem(s):\n{lines}")


class CatalogueError(SpecError):
    """A criteria catalogue (or its override file) has one or more problems.

    Parameters
    ----------
    source : str
        File or preset the problems were found in.
    problems : sequence of str
        Every problem found, each with its place in the file.
    """

    KIND = "Criteria catalogue"

    def __init__(self, source: str, problems: Sequence[str]):
        super().__init__(self.KIND, source, problems)


def spec_error(kind: str, source: str, problems: Sequence[str]) -> SpecError:
    """The :class:`SpecError` for a file of ``kind`` (a :class:`CatalogueError` for criteria catalogues)."""
    if kind == CatalogueError.KIND:
        return CatalogueError(source, problems)
    return SpecError(kind, source, problems)


class Cancelled(Exception):
    """The user cancelled the run; no partial output was left behind.

    Not a :class:`WipError`/``ValueError`` (see the module docstring).
    """

    def __init__(self, message: str = "The run was cancelled; no output was written."):
        super().__init__(message)
