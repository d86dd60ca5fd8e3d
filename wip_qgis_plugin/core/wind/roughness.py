"""Roughness length of the land: the table per land-use class and the shapes it gives a map.

:func:`load_roughness_table` reads ``presets/roughness.yml`` (or a user table in the same
schema, ``wip-roughness/1``): z0 per OSM class (``landuse=farmland``) and per CORINE Land Cover
code, a default and the roughness around the reference weather station, each with its source;
every problem of the file is reported at once. :func:`roughness_shapes` turns the ``landuse``
(and ``water``) layers into ``(geometry, z0)`` pairs that the resource models burn into a
window (:func:`core.wind.resource.roughness_on_window`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..data.layers import LayerRef, layer_info, read_layer
from ..errors import InputError, SpecError
from ..spec import PRESET_DIR, read_yaml

ROUGHNESS_PRESET = PRESET_DIR / "roughness.yml"
#: What the roughness table is called in messages (:class:`core.errors.SpecError`).
ROUGHNESS_KIND = "Roughness table"
SCHEMA = "wip-roughness/1"


@dataclass(frozen=True)
class RoughnessTable:
    """Roughness length z0 per land-use class (``presets/roughness.yml``).

    Attributes
    ----------
    osm : dict of str to float
        ``"landuse=farmland"`` → z0. [m]
    corine : dict of int to float
        CORINE Land Cover code → z0. [m]
    default_m : float
        z0 where no class applies. [m]
    reference_station_m : float
        z0 around the weather station whose wind is extrapolated. [m]
    sources : dict of str to str
        Citations.
    """

    osm: dict[str, float]
    corine: dict[int, float]
    default_m: float
    reference_station_m: float
    sources: dict[str, str] = field(default_factory=dict)

    def osm_keys(self) -> list[str]:
        """OSM keys the table uses (``landuse``, ``natural`` …)."""
        return sorted({k.split("=", 1)[0] for k in self.osm})


def _z0(value: Any, where: str, problems: list[str]) -> float:
    z0 = value.get("z0") if isinstance(value, dict) else value
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?(?:e-?\d+)?)\s*m\s*", str(z0))
    if not match:
        problems.append(f"{where}: {z0!r} is not a length; write e.g. '0.05 m'")
        return math.nan
    if isinstance(value, dict) and not value.get("source"):
        problems.append(f"{where}.source: required")
    out = float(match.group(1))
    if not 0 < out < 5:
        problems.append(f"{where}: z0 {out} m is outside (0, 5) m")
    return out


@lru_cache(maxsize=4)
def load_roughness_table(path: str | None = None) -> RoughnessTable:
    """Read and validate a roughness table (default: the shipped one), every problem at once.

    Raises
    ------
    SpecError
        The file cannot be read, or listing each problem with its place in the file.
    """
    path = Path(path) if path else ROUGHNESS_PRESET
    raw = read_yaml(path, str(path), ROUGHNESS_KIND)
    problems: list[str] = []
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise SpecError(ROUGHNESS_KIND, str(path), [f"schema must be {SCHEMA!r}"])
    osm = {}
    for key, value in (raw.get("osm") or {}).items():
        if "=" not in str(key):
            problems.append(f"osm.{key}: write OSM classes as key=value, e.g. landuse=farmland")
        osm[str(key)] = _z0(value, f"osm.{key}", problems)
    corine = {}
    for key, value in (raw.get("corine") or {}).items():
        if not re.fullmatch(r"\d{3}", str(key)):
            problems.append(f"corine.{key}: a CORINE class is a three-digit code")
            continue
        corine[int(key)] = _z0(value, f"corine.{key}", problems)
    default = _z0(raw.get("default"), "default", problems)
    station = _z0(raw.get("reference_station"), "reference_station", problems)
    if problems:
        raise SpecError(ROUGHNESS_KIND, str(path), problems)
    return RoughnessTable(osm, corine, default, station, dict(raw.get("sources") or {}))


def roughness_shapes(layers: Mapping[str, LayerRef], table: RoughnessTable, crs: Any,
                     bbox: tuple[float, float, float, float], corine_field: str | None = None,
                     ) -> list[tuple[Any, float]]:
    """(geometry, z0) pairs from the ``landuse`` (and ``water``) layers, water last (on top).

    OSM: the first of the table's keys (landuse, natural, leisure, aeroway) whose ``key=value``
    is in the table; CORINE: the code in ``corine_field``. Unknown classes are left out (default z0).
    """
    shapes: list[tuple[Any, float]] = []
    for role in ("landuse", "water"):
        ref = layers.get(role)
        if ref is None:
            continue
        fields = layer_info(ref, role).fields
        if corine_field and role == "landuse":
            if corine_field not in fields:
                raise InputError(f"The land-use layer ({ref.describe()}) has no field {corine_field!r} with "
                                 f"CORINE codes; fields: {', '.join(fields)}.")
            frame = read_layer(ref, role, crs, bbox=bbox, columns=(corine_field,))
            codes = frame[corine_field].astype(str).str.extract(r"(\d{3})")[0]
            values = [table.corine.get(int(c)) if isinstance(c, str) else None for c in codes]
        else:
            keys = [k for k in table.osm_keys() if k in fields]
            if not keys:
                if role == "water":
                    frame = read_layer(ref, role, crs, bbox=bbox)
                    values = [table.osm.get("natural=water", table.default_m)] * len(frame)
                    shapes.extend((g, v) for g, v in zip(frame.geometry.values, values))
                continue
            frame = read_layer(ref, role, crs, bbox=bbox, columns=tuple(keys))
            values = [None] * len(frame)
            for key in reversed(keys):  # the first key wins
                col = frame[key].astype(object).where(frame[key].notna(), None)
                for i, val in enumerate(col):
                    z0 = table.osm.get(f"{key}={val}") if val is not None else None
                    if z0 is not None:
                        values[i] = z0
        shapes.extend((g, v) for g, v in zip(frame.geometry.values, values) if v is not None and g is not None)
    return shapes
