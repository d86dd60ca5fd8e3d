"""Tags of features: the ``other_tags`` hstore of GDAL's OSM driver, and one profile part applied to a layer.

GDAL's OSM driver writes the keys of its ``osmconf.ini`` as columns and every other tag into one text
column ``other_tags`` in PostgreSQL hstore syntax (``"power"=>"line","voltage"=>"110000"``; quotes and
backslashes inside keys and values are escaped with a backslash; a value may be ``NULL``). A feature's
tags are its columns and the parsed hstore together, so the same part works on a GDAL layer (tags in
``other_tags``) and a QuickOSM layer (tags as columns); a key in neither has no value.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .profile import Condition, RolePart, TagRule, code_text

_PAIR = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*=>\s*(?:"((?:[^"\\]|\\.)*)"|(NULL))\s*(?:,|$)')
_ESCAPE = re.compile(r"\\(.)")
_GEOMETRY_FAMILY = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
                    "LinearRing": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}


def parse_hstore(text: object) -> dict[str, str | None]:
    r"""The tags of one ``other_tags`` value.

    Parameters
    ----------
    text : str or None
        ``"key"=>"value",…`` as GDAL writes it; None, NaN or ``""`` for no tags.

    Returns
    -------
    dict
        Key → value (None for an hstore ``NULL``). Text that is not hstore yields the pairs read up to it.

    Examples
    --------
    >>> parse_hstore('"name"=>"A \\"B\\", C","x"=>NULL')
    {'name': 'A "B", C', 'x': None}
    """
    if not isinstance(text, str) or not text:
        return {}
    out: dict[str, str | None] = {}
    pos = 0
    while pos < len(text):
        m = _PAIR.match(text, pos)
        if not m:
            break
        key = _ESCAPE.sub(r"\1", m.group(1))
        out[key] = None if m.group(3) else _ESCAPE.sub(r"\1", m.group(2))
        pos = m.end()
    return out


def is_empty(value: object) -> bool:
    """True for a missing attribute value: None, NaN or an empty text."""
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value)


def _text(series: pd.Series) -> pd.Series:
    """Values as code texts, None where there is no value."""
    return pd.Series([None if is_empty(v) else code_text(v) for v in series.to_numpy(dtype=object)],
                     index=series.index, dtype=object)


class LayerTags:
    """The tags of the features of one layer, looked up by key (column names case-insensitively).

    Parameters
    ----------
    frame : pandas.DataFrame
        The layer's attributes.
    hstore : str or None
        Name of the hstore column to parse (GDAL OSM driver: ``other_tags``).
    """

    def __init__(self, frame: pd.DataFrame, hstore: str | None = None):
        self.frame = frame
        self.columns = {str(c).lower(): c for c in frame.columns if c != "geometry"}
        self._hstore: list[dict[str, str | None]] | None = None
        if hstore and hstore.lower() in self.columns:
            self._hstore = [parse_hstore(v) for v in frame[self.columns[hstore.lower()]].to_numpy(dtype=object)]
        self._cache: dict[str, pd.Series] = {}

    def has(self, key: str) -> bool:
        """Whether the key is a column of the layer (a key only in the hstore is not)."""
        return key.lower() in self.columns

    def get(self, key: str) -> pd.Series:
        """The values of ``key`` as texts (None: no value); a column first, else the hstore."""
        if key not in self._cache:
            if key.lower() in self.columns:
                values = _text(self.frame[self.columns[key.lower()]])
                if self._hstore is not None:  # a column GDAL left empty may still be in other_tags
                    values = values.where(values.notna(), pd.Series([h.get(key) for h in self._hstore],
                                                                    index=self.frame.index, dtype=object))
            elif self._hstore is not None:
                values = pd.Series([h.get(key) for h in self._hstore], index=self.frame.index, dtype=object)
                values = values.where(values != "", None)
            else:
                values = pd.Series([None] * len(self.frame), index=self.frame.index, dtype=object)
            self._cache[key] = values
        return self._cache[key]


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def condition_mask(tags: LayerTags, cond: Condition) -> np.ndarray:
    """Boolean mask of the features that pass one condition."""
    values = tags.get(cond.field)
    if cond.op == "any":
        return values.notna().to_numpy()
    if cond.op == "none":
        return values.isna().to_numpy()
    if cond.op == "in":
        return values.isin(cond.values).to_numpy()
    lo, hi = cond.bounds or (np.nan, np.nan)
    nums = _numbers(values)
    return (nums >= lo) & (nums <= hi)


def geometry_mask(geometry_types: pd.Series, geometry: str | None) -> np.ndarray:
    """Features of a geometry family (``point``, ``line``, ``polygon``; None: all)."""
    if geometry is None:
        return np.ones(len(geometry_types), dtype=bool)
    return geometry_types.map(lambda t: _GEOMETRY_FAMILY.get(t) == geometry).to_numpy(dtype=bool)


def part_mask(tags: LayerTags, part: RolePart) -> np.ndarray:
    """The features a part selects: every ``where`` condition holds and not every ``except`` condition."""
    mask = np.ones(len(tags.frame), dtype=bool)
    for cond in part.where:
        mask &= condition_mask(tags, cond)
    if part.exclude:
        out = np.ones(len(tags.frame), dtype=bool)
        for cond in part.exclude:
            out &= condition_mask(tags, cond)
        mask &= ~out
    return mask


def _mapped(raw: str, rule: TagRule, lookup: Mapping[str, str | None]) -> str | None:
    if raw in lookup:
        return lookup[raw]
    if rule.ranges:
        try:
            number = float(raw)
        except ValueError:
            number = np.nan
        for lo, hi, value in rule.ranges:
            if lo <= number <= hi:
                return value
    if rule.has_default:
        return rule.default
    if rule.scale is not None:
        try:
            return code_text(float(raw) * rule.scale)
        except ValueError:
            return raw
    return raw


def _codes(raw: pd.Series, pattern: str) -> pd.Series:
    """The code inside each raw value (the pattern's first group); values it does not match pass unchanged."""
    compiled = re.compile(pattern)

    def one(value: str | None) -> str | None:
        found = None if value is None else compiled.fullmatch(value)
        return value if found is None else found.group(1)
    table = {v: one(v) for v in pd.unique(raw.dropna())}
    return pd.Series([None if v is None else table[v] for v in raw.to_numpy(dtype=object)], index=raw.index,
                     dtype=object)


def rule_values(tags: LayerTags, rule: TagRule) -> pd.Series:
    """The canonical values one rule writes, for every feature of the layer (None: no value)."""
    index = tags.frame.index
    if rule.constant is not None or not rule.fields:
        return pd.Series([rule.constant] * len(index), index=index, dtype=object)
    key = next((f for f in rule.fields if tags.has(f)), rule.fields[0])
    raw = tags.get(key)
    if rule.code is not None:
        raw = _codes(raw, rule.code)
    lookup = dict(rule.mapping)
    table = {v: _mapped(v, rule, lookup) for v in pd.unique(raw.dropna())}
    return pd.Series([rule.missing if v is None else table[v] for v in raw.to_numpy(dtype=object)],
                     index=index, dtype=object)


def part_columns(tags: LayerTags, part: RolePart, mask: np.ndarray) -> dict[str, pd.Series]:
    """The canonical columns of the selected features; a later rule fills what an earlier left empty."""
    out: dict[str, pd.Series] = {}
    for rule in part.rules:
        values = rule_values(tags, rule)[mask]
        out[rule.column] = values if rule.column not in out else out[rule.column].where(out[rule.column].notna(),
                                                                                        values)
    return out
