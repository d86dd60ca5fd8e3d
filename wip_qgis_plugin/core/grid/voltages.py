"""Voltages of power lines and substations, read OSM style, and lines split by voltage level.

``"110000;20000"`` is a line or substation of two levels (several circuits on one set of
towers, or a substation's buses); numbers below 1000 are read as kV (SciGRID's ``v_nom``).
:func:`explode_lines` turns a power-line layer into one row per line part and level.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ..errors import InputError

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_voltages(value: Any) -> tuple[int, ...]:
    """Voltage levels of an OSM voltage value, highest first. [V]

    ``"110000;20000"`` → ``(110000, 20000)``; ``380.0`` (kV, as in SciGRID) → ``(380000,)``;
    zeros, empty and missing values → ``()``.
    """
    if value is None or isinstance(value, bool):
        return ()
    if isinstance(value, (int, float, np.integer, np.floating)):
        numbers = [] if np.isnan(value) else [float(value)]
    else:
        numbers = [float(n.replace(",", ".")) for n in _NUMBER.findall(str(value))]
    out = {int(round(n * 1000.0 if n < 1000.0 else n)) for n in numbers if n > 0}
    return tuple(sorted(out, reverse=True))


def format_voltages(levels: Sequence[int]) -> str:
    """OSM style text of voltage levels: ``"380000;110000"``."""
    return ";".join(str(int(v)) for v in sorted(set(levels), reverse=True))


def explode_lines(
    lines: gpd.GeoDataFrame, voltage_field: str, min_voltage_v: float = 0.0
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """One row per line part and voltage level.

    A line tagged with several voltages (several circuits on one set of towers) becomes one
    row per level.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        (Multi)LineStrings with a voltage field.
    voltage_field : str
        The voltage field.
    min_voltage_v : float
        Levels below this are dropped. [V]

    Returns
    -------
    (geopandas.GeoDataFrame, numpy.ndarray)
        Rows with ``line_id`` (row position in ``lines``), ``voltage_v`` and geometry; and the
        row positions of lines without any voltage value.

    Raises
    ------
    InputError
        If the voltage field is missing or a geometry is not a line.
    """
    if voltage_field not in lines.columns:
        raise InputError(
            f"The power-line layer has no field {voltage_field!r}. Fields present: "
            f"{', '.join(c for c in lines.columns if c != 'geometry') or 'none'}. Choose the field "
            "holding the voltage in volts (OSM: voltage).")
    geoms = lines.geometry.values
    types = set(shapely.get_type_id(geoms).tolist()) - {1, 5}
    if types:
        raise InputError(
            "The power-line layer holds geometries other than lines (type ids "
            f"{sorted(types)}); give a line layer (OSM power=line / minor_line).")
    rows: list[tuple[int, int, Any]] = []
    no_voltage: list[int] = []
    for i, (value, geom) in enumerate(zip(lines[voltage_field].to_numpy(dtype=object), geoms)):
        levels = parse_voltages(value)
        if not levels:
            no_voltage.append(i)
            continue
        parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
        for level in levels:
            if level < min_voltage_v:
                continue
            rows.extend((i, level, p) for p in parts)
    out = gpd.GeoDataFrame({"line_id": [r[0] for r in rows], "voltage_v": [r[1] for r in rows]},
                           geometry=[shapely.force_2d(r[2]) for r in rows], crs=lines.crs)
    return out, np.asarray(no_voltage, dtype=np.int64)
