"""Paths of GDAL's virtual file systems (``/vsicurl/``, ``/vsis3/``, ``/vsizip/`` …): passed through untouched.

GDAL opens a layer or raster over HTTP(S), from object storage or inside an archive when its path starts with
a ``/vsi…/`` prefix (https://gdal.org/user/virtual_file_systems.html). Such a path is no file of the local file
system: ``pathlib.Path`` collapses the ``//`` of ``/vsicurl/https://host/…``, ``Path.resolve()`` would glue the
scenario's folder in front of it, and ``Path.exists()`` is false for it. Every place that resolves or checks an
input path asks :func:`is_vsi` first and leaves such a path as written; whether it can be opened is then GDAL's
answer, and the refusal names the layer or raster as for a local file.

Object storage is configured by GDAL's own variables, read by every worker from its environment:
``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``, ``AWS_S3_ENDPOINT`` (an S3-compatible store
such as MinIO or Ceph), ``AWS_VIRTUAL_HOSTING`` and ``AWS_NO_SIGN_REQUEST=YES`` for public buckets
(``/vsis3/``); ``GS_*`` for ``/vsigs/``, ``AZURE_*`` for ``/vsiaz/``; ``GDAL_HTTP_*`` for ``/vsicurl/``.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The prefix every GDAL virtual file system path starts with.
VSI_PREFIX = "/vsi"


def is_vsi(path: str | os.PathLike | None) -> bool:
    """Whether ``path`` is a GDAL virtual file system path (``/vsicurl/…``, ``/vsis3/…``, ``/vsizip/…``).

    Parameters
    ----------
    path : str, path-like or None
        As written by the user (a scenario, a command-line option, a job argument).

    Returns
    -------
    bool
        True for a path that starts with ``/vsi`` followed by a name and a slash; such a path must not be
        wrapped in :class:`pathlib.Path`, resolved or checked with ``exists()``.
    """
    if path is None:
        return False
    text = os.fspath(path) if not isinstance(path, str) else path
    if not isinstance(text, str) or not text.startswith(VSI_PREFIX):
        return False
    head = text[len(VSI_PREFIX):].split("/", 1)
    return len(head) == 2 and head[0].replace("_", "").isalnum()


def resolve_input(path: str | os.PathLike, base: str | os.PathLike) -> str:
    """An input path as the engine keeps it: a VSI path as written, any other resolved against ``base``.

    Parameters
    ----------
    path : str or path-like
        As written (relative to ``base``, absolute, or a GDAL virtual file system path).
    base : str or path-like
        Folder a relative local path is relative to (the scenario's).

    Returns
    -------
    str
        The absolute local path, or the VSI path unchanged.
    """
    text = os.fspath(path)
    if is_vsi(text):
        return text
    return str((Path(base) / text).resolve())


def path_exists(path: str | os.PathLike) -> bool:
    """``os.path.exists`` for local paths; for a VSI path True (GDAL's open decides, and names the error).

    Use this for the early "file does not exist" refusals, which for a VSI path would be wrong: a remote object
    is only known to be missing once GDAL has tried to open it.
    """
    text = os.fspath(path)
    return True if is_vsi(text) else os.path.exists(text)
