"""Plain JSON data of engine values (standard library only).

One conversion for provenance files, job arguments and results, and for freezing raw YAML:
:func:`to_plain`. It imports nothing but the standard library, so the job protocol
(``jobs/protocol.py``) can use it where numpy and geopandas are missing.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def to_plain(value: Any, default: Callable[[Any], Any] = str) -> Any:
    """``value`` as plain JSON types (dicts, lists, str, finite numbers, bool, None).

    Dataclasses become objects, tuples and lists lists, sets sorted lists, paths strings, dates
    ISO strings, numpy scalars and arrays numbers and lists; NaN and ±inf become None.

    Parameters
    ----------
    value : any
        The value to convert.
    default : callable, optional
        Applied to anything else (default: ``str``); may raise to refuse the value.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name), default) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v, default) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [to_plain(v, default) for v in items]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return to_plain(value.tolist(), default)
    if hasattr(value, "item"):
        return to_plain(value.item(), default)
    return default(value)
