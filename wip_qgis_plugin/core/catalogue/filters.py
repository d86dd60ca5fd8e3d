"""Attribute filters on features, written in catalogues in OSM tagging.

Examples (YAML)::

    filter: {landuse: [residential, commercial]}          # value in list
    filter: {railway: rail, tracks: {">=": 2}}            # all conditions hold
    filter: {voltage: {">=": 110000}}                     # "110000;20000" → 110000
    filter: {natural: water, $area_ha: {">": 1}}          # area after reprojection
    filter: {any: [{highway: motorway}, {highway: trunk}]}

Numeric comparisons read OSM multi-values (``"380000;110000"``) by their largest
number, units and German formats (``"110 kV"``, ``"110.000"``) and number words (``"zwei"``) through
:func:`..units.numbers_in_text`; a value that holds no number never matches, and
:func:`unparsed_values` counts such values for the run's warning or refusal.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..units import numbers_in_text

_OPS = {"in", "not_in", "==", "!=", ">", ">=", "<", "<="}
_NUM_OPS = {">", ">=", "<", "<="}
PSEUDO_FIELDS = {"$area_ha", "$length_km"}


@dataclass(frozen=True)
class Condition:
    """``field op values``: one test on one attribute."""

    field: str
    op: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class FeatureFilter:
    """All ``conditions`` hold and, if ``any_of`` is given, at least one of those filters."""

    conditions: tuple[Condition, ...] = ()
    any_of: tuple[FeatureFilter, ...] = ()

    def fields(self) -> tuple[str, ...]:
        """Attribute fields the filter reads (pseudo fields excluded)."""
        out = [c.field for c in self.conditions if c.field not in PSEUDO_FIELDS]
        for f in self.any_of:
            out.extend(f.fields())
        return tuple(dict.fromkeys(out))

    def __str__(self) -> str:
        parts = [f"{c.field} {c.op} {list(c.values) if len(c.values) != 1 else c.values[0]}" for c in self.conditions]
        if self.any_of:
            parts.append("(" + " or ".join(str(f) for f in self.any_of) + ")")
        return " and ".join(parts) or "all features"

    def describe(self) -> dict[str, str]:
        """The filter for a person, per language (``{"en": ..., "de": ...}``, a value for :mod:`..messages`).

        German: ``landuse = quarry oder brownfield und $area_ha ≥ 0,09``; English as :meth:`__str__`.
        """
        return {"en": str(self), "de": _german(self)}


_GERMAN_OPS = {"in": "=", "not_in": "≠", "==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def _german_value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,}".translate(str.maketrans({",": ".", ".": ","}))


def _german(flt: FeatureFilter) -> str:
    parts = []
    for c in flt.conditions:
        joiner = " oder " if c.op in ("in", "==") else ", "
        parts.append(f"{c.field} {_GERMAN_OPS.get(c.op, c.op)} {joiner.join(_german_value(v) for v in c.values)}")
    if flt.any_of:
        parts.append("(" + " oder ".join(_german(f) for f in flt.any_of) + ")")
    return " und ".join(parts) or "alle Objekte"


def parse_filter(raw: Any) -> FeatureFilter:
    """Parse the YAML form of a filter.

    Raises
    ------
    ValueError
        Naming the field and the accepted forms.
    """
    if raw is None or raw == {}:
        return FeatureFilter()
    if not isinstance(raw, dict):
        raise ValueError("a filter is a mapping of field names to values, e.g. {landuse: [residential]}")
    conditions = []
    any_of: tuple[FeatureFilter, ...] = ()
    for fld, spec in raw.items():
        if fld == "any":
            if not isinstance(spec, list) or not spec:
                raise ValueError("'any' takes a list of filters")
            any_of = tuple(parse_filter(s) for s in spec)
            continue
        if fld.startswith("$") and fld not in PSEUDO_FIELDS:
            raise ValueError(f"unknown pseudo field {fld!r}; use {', '.join(sorted(PSEUDO_FIELDS))}")
        if isinstance(spec, list):
            conditions.append(Condition(fld, "in", tuple(str(v) for v in spec)))
        elif isinstance(spec, dict):
            for op, val in spec.items():
                if op not in _OPS:
                    raise ValueError(f"{fld}: unknown operator {op!r}; use one of {', '.join(sorted(_OPS))}")
                if op in _NUM_OPS:
                    if isinstance(val, bool) or not isinstance(val, (int, float)):
                        raise ValueError(f"{fld}: {op} needs a number, got {val!r}")
                    conditions.append(Condition(fld, op, (float(val),)))
                elif op in ("in", "not_in"):
                    vals = val if isinstance(val, list) else [val]
                    conditions.append(Condition(fld, op, tuple(str(v) for v in vals)))
                else:
                    conditions.append(Condition(fld, op, (str(val),)))
        elif isinstance(spec, (str, int, float)) and not isinstance(spec, bool):
            conditions.append(Condition(fld, "in", (str(spec),)))
        else:
            raise ValueError(f"{fld}: cannot read {spec!r}; give a value, a list or {{'>=': number}}")
    return FeatureFilter(tuple(conditions), any_of)


def _as_text(series: pd.Series) -> np.ndarray:
    """Attribute values as strings; integral floats without '.0'; missing as ''."""
    out = []
    for v in series.to_numpy(dtype=object):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append("")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return np.asarray(out, dtype=object)


def _as_number(series: pd.Series) -> np.ndarray:
    """Attribute values as numbers (:func:`..units.numbers_in_text`: units, German formats, number words); OSM
    multi-values by their largest number; NaN for no value or one that does not parse (see :func:`unparsed_values`)."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    values = series.to_numpy(dtype=object)
    table = {v: numbers_in_text(v) for v in pd.unique(values[pd.notna(values)])}
    out = np.full(len(series), np.nan)
    for i, v in enumerate(values):
        nums = table.get(v) if v is not None and not (isinstance(v, float) and np.isnan(v)) else None
        if nums:
            out[i] = max(nums)
    return out


def unparsed_values(flt: FeatureFilter, frame: Any) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Per field a numeric condition reads: how many of the features the filter's other conditions select hold a
    value that is no number, and examples.

    Such a feature never matches (``voltage = "hoch"`` is not ≥ 110000): the caller warns or refuses.
    """
    out: dict[str, tuple[int, tuple[str, ...]]] = {}
    fields = {c.field for c in flt.conditions if c.op in _NUM_OPS and not c.field.startswith("$")}
    for f in flt.any_of:
        for name, found in unparsed_values(f, frame).items():
            out[name] = found
    if not fields:
        return out
    others = FeatureFilter(tuple(c for c in flt.conditions if c.op not in _NUM_OPS), ())
    candidates = evaluate(others, frame)  # only features the rest of the filter selects (power=line, not all lines)
    for name in sorted(fields):
        if name not in frame.columns or pd.api.types.is_numeric_dtype(frame[name].dtype):
            continue
        values = frame[name].to_numpy(dtype=object)[candidates]
        bad = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))
               and numbers_in_text(v) is None]
        if bad:
            out[name] = (len(bad), tuple(sorted({str(v) for v in bad}))[:5])
    return out


def evaluate(flt: FeatureFilter, frame: Any) -> np.ndarray:
    """Return a boolean mask of the features of a GeoDataFrame that pass the filter."""
    n = len(frame)
    mask = np.ones(n, dtype=bool)
    for c in flt.conditions:
        if c.field == "$area_ha":
            values: np.ndarray = frame.geometry.area.to_numpy() / 10_000.0
        elif c.field == "$length_km":
            values = frame.geometry.length.to_numpy() / 1000.0
        else:
            values = None
        if c.op in _NUM_OPS:
            nums = values if values is not None else _as_number(frame[c.field])
            with np.errstate(invalid="ignore"):
                ok = {">": nums > c.values[0], ">=": nums >= c.values[0],
                      "<": nums < c.values[0], "<=": nums <= c.values[0]}[c.op]
            mask &= np.nan_to_num(ok, nan=False).astype(bool)
        else:
            text = _as_text(frame[c.field]) if values is None else np.asarray([f"{v:g}" for v in values], dtype=object)
            member = np.isin(text, np.asarray(c.values, dtype=object))
            mask &= member if c.op in ("in", "==") else ~member
    if flt.any_of:
        anym = np.zeros(n, dtype=bool)
        for f in flt.any_of:
            anym |= evaluate(f, frame)
        mask &= anym
    return mask
