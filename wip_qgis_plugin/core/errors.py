"""Exceptions of the engine.

Every message names the layer, field or value at fault and says what to do.
Errors about the user's input derive from :class:`WipError` (a :class:`ValueError`), so callers
can catch one type; Processing algorithms turn them into ``QgsProcessingException``.
:class:`Cancelled` is deliberately *not* a ``ValueError``: a broad ``except ValueError`` around a
computation must never swallow the user's cancel.
"""
from __future__ import annotations

import errno
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


class InternalError(WipError):
    """An unexpected failure of the engine: a short message for the user, the traceback for the log.

    Parameters
    ----------
    message : str
        What failed, in one line.
    details : str
        The traceback (written to the log only, never in the message).
    """

    def __init__(self, message: str, details: str = ""):
        self.details = details
        super().__init__(message)


_ERRNO_FIXES = {
    errno.ENOSPC: "the disk is full: free space or choose another output folder",
    errno.EROFS: "the file system is read-only: choose an output folder you can write to",
    errno.EACCES: "permission denied: choose a file or folder you can read and write",
    errno.EPERM: "operation not permitted: choose a file or folder you can read and write",
    errno.EISDIR: "a folder was given where a file is expected: give the file",
    errno.ENOTDIR: "a file was given where a folder is expected (e.g. an output folder that is a file): give a folder",
    errno.EEXIST: "a file of that name is in the way (e.g. an output folder that is a file): remove it or choose "
                  "another name",
    errno.ENAMETOOLONG: "the file name is too long: choose a shorter path",
    errno.ENOENT: "the file or folder does not exist: check the path",
}
_GIS_MODULES = ("pyogrio", "fiona", "osgeo", "rasterio", "shapely", "pyproj", "sqlite3")


def _origin(exc: BaseException) -> str:
    return type(exc).__module__.split(".")[0]


def user_error(exc: BaseException) -> WipError | None:
    """The :class:`InputError` that real input can cause behind ``exc``, or None for a defect of the engine.

    The one boundary where exceptions of GDAL/pyogrio/rasterio/pyproj, the operating system, YAML, text
    decoding and memory become messages that name the file or value and the fix (standard library only:
    the classes are recognised by name and module). :class:`WipError` and :class:`Cancelled` pass as they are.
    """
    if isinstance(exc, (WipError, Cancelled)):
        return exc if isinstance(exc, WipError) else None
    text = " ".join(str(exc).split()) or type(exc).__name__
    low = text.lower()
    if isinstance(exc, MemoryError):
        return InputError("Not enough memory for this run: choose a coarser resolution (e.g. 25 m instead of 5 m), "
                          "fewer municipalities at once, or smaller setbacks.")
    if isinstance(exc, UnicodeDecodeError):
        return InputError(f"A file is not in a text encoding the engine reads ({exc.encoding}: byte "
                          f"{exc.object[exc.start:exc.start + 1]!r} at position {exc.start}). Save it as UTF-8.")
    if "database is locked" in low or "database table is locked" in low:
        return InputError(f"A GeoPackage is locked by another program ({text}). Close the layer's editing session "
                          "(QGIS: toggle editing off, save) or the other program, then run again.")
    if "disk is full" in low or "no space left" in low:
        return InputError(f"The disk is full ({text}). Free space or choose another output folder.")
    if isinstance(exc, OSError) and exc.errno in _ERRNO_FIXES:
        where = exc.filename if exc.filename is not None else text
        return InputError(f"{where}: {_ERRNO_FIXES[exc.errno]} ({exc.strerror or text}).")
    if _origin(exc) == "pandas" or type(exc).__name__ in ("ParserError", "EmptyDataError"):
        return InputError(f"A table (CSV) cannot be read: {text}. Check its separator, header and numbers.")
    if _origin(exc) == "yaml":
        return InputError(f"A YAML file cannot be read: {text}. Correct it at the line and column given.")
    if _origin(exc) in _GIS_MODULES or type(exc).__name__ in ("DataSourceError", "DataLayerError", "FieldError",
                                                              "RasterioIOError", "CRSError", "ProjError"):
        fix = "Check that the file is complete and in a format GDAL reads (open it in QGIS), and give it again."
        if "crs" in low or "proj" in low or _origin(exc) == "pyproj":
            fix = "Check the layer's coordinate reference system (QGIS: Layer Properties → Source)."
        elif "malformed" in low or "not a database" in low or "not recognized" in low or "truncated" in low:
            fix = "The file is damaged or not a GIS file: export it again from its source."
        return InputError(f"A layer or raster cannot be read: {text}. {fix}")
    if isinstance(exc, RecursionError):
        return InputError("A file is nested too deeply to read (e.g. a YAML file with endless aliases); simplify it.")
    return None


def internal_error(exc: BaseException, details: str = "") -> InternalError:
    """The short message of an unexpected failure (the traceback goes to ``details``, for the log)."""
    return InternalError(f"Internal error ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}). This is a "
                         "defect of the plugin, not of your data: please report it with the log.", details)
