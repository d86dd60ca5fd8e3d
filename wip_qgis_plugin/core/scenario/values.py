"""Readers of the small values the scenario's sections share: layer references, names, setbacks, weather.

Paths are relative to the scenario file (``base``, its folder). Readers that take a ``problems``
collector append to it instead of raising, so one pass reports every problem of the file.
"""
from __future__ import annotations

import math

import re
from pathlib import Path
from typing import Any

from ..catalogue.model import DEFAULT_KINDS
from ..data.layers import LayerRef
from ..data.vsi import resolve_input


def layer_ref(raw: Any, base: Path, where: str, problems: list[str]) -> LayerRef | None:
    """A layer as a scenario writes it: ``file.gpkg|layername=x``, a path, or ``{path, layer}``.

    Parameters
    ----------
    raw : any
        As written in the file.
    base : Path
        Folder a relative path is relative to (the scenario's).
    where : str
        Place of the value in the file, for the problems (``layers.roads``).
    problems : list of str
        Collector the problems are appended to.

    Returns
    -------
    LayerRef or None
        None if ``raw`` names no layer (the problem is recorded).
    """
    if isinstance(raw, str):
        path, _, layer = raw.partition("|layername=")
        return LayerRef(resolve_input(path, base), layer or None)
    if isinstance(raw, dict) and "path" in raw:
        extra = set(raw) - {"path", "layer"}
        if extra:
            problems.append(f"{where}: unknown key(s) {sorted(extra)}; use path and layer")
        return LayerRef(resolve_input(str(raw["path"]), base), raw.get("layer"))
    problems.append(f"{where}: give {{path: file.gpkg, layer: name}} or a path")
    return None


def read_kinds(raw: Any) -> tuple[str, ...]:
    """``[hard, soft]`` or ``"hard, soft"`` → kinds; missing → :data:`~..catalogue.model.DEFAULT_KINDS`."""
    if raw is None:
        return DEFAULT_KINDS
    if isinstance(raw, str):
        return tuple(k.strip() for k in raw.split(",") if k.strip())
    return tuple(str(k) for k in raw)


def read_names(raw: Any) -> Any:
    """Names as a list, or ``"A, B"`` split at the commas; missing → ``[]``.

    Anything else is returned as it is (the caller converts it).
    """
    names = raw or []
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    return names


def resolved(ref: str, base: Path) -> str:
    """A preset id as it is; a YAML file relative to the scenario resolved against its folder ``base``."""
    return str((base / ref).resolve()) if ref.endswith((".yaml", ".yml")) else ref


#: Most setbacks a sweep computes (each is a full distance pass over the grid; a chart shows a few dozen). [-]
MAX_SWEEP_STEPS = 200


def parse_setbacks(raw: Any) -> tuple[float, ...]:
    """``[400, 500]`` or ``{from: 400, to: 1500, step: 100}`` → setbacks. [m]

    Raises
    ------
    ValueError
        If ``raw`` is neither a non-empty list nor a range with ``from ≤ to`` and a positive step.
    KeyError
        If the range lacks ``from``, ``to`` or ``step``.
    """
    if isinstance(raw, dict):
        start, stop, step = float(raw["from"]), float(raw["to"]), float(raw["step"])
        if not all(math.isfinite(v) for v in (start, stop, step)) or step <= 0 or stop < start:
            raise ValueError("needs from ≤ to and a positive step")
        n = int(round((stop - start) / step))
        if n + 1 > MAX_SWEEP_STEPS:
            raise ValueError(f"{n + 1:,} setbacks from {start:g} to {stop:g} m in steps of {step:g} m; a sweep takes "
                             f"at most {MAX_SWEEP_STEPS} (a step of {(stop - start) / (MAX_SWEEP_STEPS - 1):.3g} m or more)")
        return tuple(start + i * step for i in range(n + 1))
    if isinstance(raw, list) and raw:
        values = tuple(float(v) for v in raw)
        if len(values) > MAX_SWEEP_STEPS or not all(math.isfinite(v) for v in values):
            raise ValueError(f"give at most {MAX_SWEEP_STEPS} finite setbacks")
        return values
    raise ValueError("give a list of setbacks in metres or {from: 400, to: 1500, step: 100}")


def weather_source(raw: Any, base: Path) -> str | None:
    """``weather:`` as the engine takes it: None (TRY region per site), a region, or a file (relative to ``base``).

    Parameters
    ----------
    raw : any
        As written: None, ``auto``/``try``, a TRY region (``4``, ``TRY 4``) or a file.
    base : Path
        Folder that a relative file is relative to (the scenario's; the CLI's working folder).
    """
    if raw is None or str(raw).strip().lower() in ("", "auto", "try"):
        return None
    text = str(raw).strip()
    if re.fullmatch(r"(?i)(try\s*[:_ -]?\s*)?\d{1,2}", text):
        return text
    return resolve_input(text, base)
