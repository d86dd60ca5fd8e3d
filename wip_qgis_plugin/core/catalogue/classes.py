"""Which cells of a raster a raster criterion selects: class codes, a comparison or a range.

Examples (YAML)::

    values: [1, 2]                  # class codes (CORINE index 1, 2: urban fabric)
    values: 112                     # one code
    values: {">=": 13}              # every value from 13 on (comparisons may be combined:
    values: {">": 5, "<=": 12}      #   all must hold)
    values: {between: [5, 12]}      # 5 ≤ value ≤ 12 (both ends included)

A cell whose value is nodata (or that the raster does not cover) never matches, whatever the form.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..spec import suggest

_COMPARISONS = (">", ">=", "<", "<=")
_FORMS = "a list of class codes ([1, 2]), {'>=': 13} (also >, <, <=) or {between: [5, 12]}"


@dataclass(frozen=True)
class ValueSelection:
    """The raster values a criterion selects: ``codes`` (any of them), and every comparison of ``bounds``.

    Attributes
    ----------
    codes : tuple of float
        Class codes; a cell matches when its value is one of them. Empty: no code test.
    bounds : tuple of (str, float)
        Comparisons ``(op, value)`` with op in ``>``, ``>=``, ``<``, ``<=``; all must hold.
    """

    codes: tuple[float, ...] = ()
    bounds: tuple[tuple[str, float], ...] = ()

    def matches(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the selected cells; NaN (nodata, not covered) never matches.

        Parameters
        ----------
        values : numpy.ndarray
            Raster values on the grid (NaN where unknown).
        """
        values = np.asarray(values, dtype=np.float64)
        known = np.isfinite(values)
        out = np.isin(values, np.asarray(self.codes, dtype=np.float64)) if self.codes else known.copy()
        with np.errstate(invalid="ignore"):
            for op, limit in self.bounds:
                out &= {">": values > limit, ">=": values >= limit, "<": values < limit,
                        "<=": values <= limit}[op]
        return out & known

    def __str__(self) -> str:
        parts = []
        if self.codes:
            parts.append(f"value in [{', '.join(f'{c:g}' for c in self.codes)}]")
        parts.extend(f"value {op} {limit:g}" for op, limit in self.bounds)
        return " and ".join(parts)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def parse_values(raw: Any) -> ValueSelection:
    """Parse the ``values:`` of a raster criterion.

    Raises
    ------
    ValueError
        Naming the bad part and the accepted forms.
    """
    if isinstance(raw, list):
        if not raw:
            raise ValueError(f"the list of class codes is empty; give {_FORMS}")
        try:
            codes = tuple(_number(v) for v in raw)
        except ValueError as exc:
            raise ValueError(f"{exc}: class codes are numbers, e.g. [1, 2]") from None
        return ValueSelection(codes=tuple(dict.fromkeys(codes)))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return ValueSelection(codes=(_number(raw),))
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"cannot read {raw!r}; give {_FORMS}")
    bounds: list[tuple[str, float]] = []
    for op, value in raw.items():
        if op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError(f"between: needs [low, high], got {value!r}")
            try:
                low, high = _number(value[0]), _number(value[1])
            except ValueError as exc:
                raise ValueError(f"between: {exc}") from None
            if low > high:
                raise ValueError(f"between: the low end {low:g} is above the high end {high:g}")
            bounds += [(">=", low), ("<=", high)]
        elif op in _COMPARISONS:
            try:
                bounds.append((op, _number(value)))
            except ValueError as exc:
                raise ValueError(f"{op}: {exc}") from None
        else:
            raise ValueError(f"unknown operator {op!r}{suggest(str(op), (*_COMPARISONS, 'between'))}; give {_FORMS}")
    return ValueSelection(bounds=tuple(bounds))
