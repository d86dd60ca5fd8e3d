"""Value functions: how a physical value becomes a score in [0, 1].

A *value function* maps a physical value (a distance in metres, a wind speed in m/s, a slope in
degrees, an Ackerzahl in points) to a score in [0, 1]. The kinds live in the registry
:data:`VALUE_FUNCTIONS` and are chosen by name (the ``type`` of a catalogue's ``value_function``);
:meth:`ValueFunction.from_spec` reads the YAML form with units. Part of the criteria language of
the catalogue; the suitability stage applies them (:mod:`core.suitability`).

Pure functions on numpy arrays, no I/O. A NaN input gives a NaN score; scalars give numpy
scalars, arrays keep their shape.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..spec import suggest
from ..units import KINDS, parse_quantity

# ----------------------------------------------------------------- units
#: Canonical unit of each physical dimension a criterion input can have (see :data:`core.units.KINDS`).
DIMENSION_UNITS: dict[str, str] = {d: KINDS[d].unit for d in ("length", "speed", "angle", "points")}


# ----------------------------------------------------------------- value functions
def _finish(x: Any, out: np.ndarray) -> np.ndarray:
    """Return a numpy scalar for scalar input, the array otherwise."""
    return out[()] if np.ndim(x) == 0 else out


def linear(x: Any, x0: float, x1: float) -> np.ndarray:
    """Linear score: ``x0`` → 0, ``x1`` → 1, straight in between, clipped outside.

    Either direction: with ``x0 > x1`` the score falls as ``x`` grows.

    Parameters
    ----------
    x : array_like
        Physical values. [input unit]
    x0, x1 : float
        Values scoring 0 and 1. [input unit]

    Returns
    -------
    numpy.ndarray
        Scores in [0, 1]; NaN where ``x`` is NaN.
    """
    if x0 == x1:
        raise ValueError(f"linear value function: 'from' and 'to' are both {x0:g}")
    xa = np.asarray(x, dtype=float)
    return _finish(x, np.clip((xa - x0) / (x1 - x0), 0.0, 1.0))


def step(x: Any, thresholds: Sequence[float], scores: Sequence[float]) -> np.ndarray:
    """Step score: ``scores[i]`` for ``thresholds[i-1] <= x < thresholds[i]``.

    Parameters
    ----------
    x : array_like
        Physical values. [input unit]
    thresholds : sequence of float
        Strictly increasing class limits. [input unit]
    scores : sequence of float
        One score more than thresholds: below the first, between each pair,
        from the last on.

    Returns
    -------
    numpy.ndarray
        Scores; NaN where ``x`` is NaN.
    """
    t = np.asarray(thresholds, dtype=float)
    s = np.asarray(scores, dtype=float)
    if s.size != t.size + 1:
        raise ValueError(f"step value function: {t.size} threshold(s) need {t.size + 1} scores, got {s.size}")
    if t.size > 1 and not (np.diff(t) > 0).all():
        raise ValueError("step value function: thresholds must increase strictly")
    xa = np.asarray(x, dtype=float)
    out = s[np.searchsorted(t, xa, side="right")]
    out = np.where(np.isnan(xa), np.nan, out)
    return _finish(x, np.asarray(out, dtype=float))


def sigmoid(x: Any, midpoint: float, width: float) -> np.ndarray:
    """Logistic score ``1 / (1 + exp(-(x - midpoint) / width))``.

    Parameters
    ----------
    x : array_like
        Physical values. [input unit]
    midpoint : float
        Value scoring 0.5. [input unit]
    width : float
        Scale: the score goes from 0.27 to 0.73 over ``midpoint ± width``;
        negative for a falling score. [input unit]

    Returns
    -------
    numpy.ndarray
        Scores in (0, 1); NaN where ``x`` is NaN.
    """
    if width == 0 or not math.isfinite(width):
        raise ValueError(f"sigmoid value function: width must be a non-zero number, got {width!r}")
    xa = np.asarray(x, dtype=float)
    return _finish(x, 0.5 * (1.0 + np.tanh(0.5 * (xa - midpoint) / width)))  # = logistic, overflow-free


def gaussian(x: Any, optimum: float, width: float) -> np.ndarray:
    """Bell-shaped score ``exp(-((x - optimum) / width)² / 2)``: 1 at the optimum.

    Parameters
    ----------
    x : array_like
        Physical values. [input unit]
    optimum : float
        Value scoring 1. [input unit]
    width : float
        Standard deviation of the bell (score 0.61 at ``optimum ± width``). [input unit]

    Returns
    -------
    numpy.ndarray
        Scores in (0, 1]; NaN where ``x`` is NaN.
    """
    if not width > 0:
        raise ValueError(f"gaussian value function: width must be positive, got {width!r}")
    xa = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        z = (xa - optimum) / width
        return _finish(x, np.exp(-0.5 * z * z))


def piecewise(x: Any, xs: Sequence[float], ys: Sequence[float]) -> np.ndarray:
    """Piecewise-linear score through the points ``(xs[i], ys[i])``, constant beyond the ends.

    Parameters
    ----------
    x : array_like
        Physical values. [input unit]
    xs : sequence of float
        Strictly increasing breakpoints (at least two). [input unit]
    ys : sequence of float
        Scores at the breakpoints.

    Returns
    -------
    numpy.ndarray
        Scores; NaN where ``x`` is NaN.
    """
    xp = np.asarray(xs, dtype=float)
    yp = np.asarray(ys, dtype=float)
    if xp.size < 2 or xp.size != yp.size:
        raise ValueError("piecewise value function: needs at least two (x, score) points")
    if not (np.diff(xp) > 0).all():
        raise ValueError("piecewise value function: the x values must increase strictly")
    xa = np.asarray(x, dtype=float)
    return _finish(x, np.asarray(np.interp(xa, xp, yp), dtype=float))


# --- parsing of the YAML forms (canonical units) --------------------------------
def _score(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.0:
        raise ValueError(f"{what}: {v!r} is not a score between 0 and 1")
    return float(v)


def _parse_linear(raw: Mapping[str, Any], dim: str) -> dict[str, Any]:
    for key in ("from", "to"):
        if key not in raw:
            raise ValueError(f"linear needs 'from' (value scoring 0) and 'to' (value scoring 1); '{key}' is missing")
    x0, x1 = parse_quantity(raw["from"], dim), parse_quantity(raw["to"], dim)
    if x0 == x1:
        raise ValueError(f"linear: 'from' and 'to' are both {raw['from']!r}")
    return {"x0": x0, "x1": x1}


def _parse_step(raw: Mapping[str, Any], dim: str) -> dict[str, Any]:
    th, sc = raw.get("thresholds"), raw.get("scores")
    if not isinstance(th, list) or not th or not isinstance(sc, list):
        raise ValueError("step needs 'thresholds' (a list of values with units) and 'scores' (one more score)")
    t = [parse_quantity(v, dim) for v in th]
    s = [_score(v, "step.scores") for v in sc]
    if len(s) != len(t) + 1:
        raise ValueError(f"step: {len(t)} threshold(s) need {len(t) + 1} scores, got {len(s)}")
    if any(b <= a for a, b in zip(t, t[1:])):
        raise ValueError("step: thresholds must increase strictly")
    return {"thresholds": tuple(t), "scores": tuple(s)}


def _parse_sigmoid(raw: Mapping[str, Any], dim: str) -> dict[str, Any]:
    if "midpoint" not in raw or "width" not in raw:
        raise ValueError("sigmoid needs 'midpoint' (value scoring 0.5) and 'width' (a positive value with unit)")
    width = parse_quantity(raw["width"], dim)
    if not width > 0:
        raise ValueError("sigmoid: width must be positive (use direction: decreasing for a falling score)")
    direction = raw.get("direction", "increasing")
    if direction not in ("increasing", "decreasing"):
        raise ValueError(f"sigmoid: direction {direction!r} is not 'increasing' or 'decreasing'")
    return {"midpoint": parse_quantity(raw["midpoint"], dim),
            "width": width if direction == "increasing" else -width}


def _parse_gaussian(raw: Mapping[str, Any], dim: str) -> dict[str, Any]:
    if "optimum" not in raw or "width" not in raw:
        raise ValueError("gaussian needs 'optimum' (value scoring 1) and 'width' (a positive value with unit)")
    width = parse_quantity(raw["width"], dim)
    if not width > 0:
        raise ValueError("gaussian: width must be positive")
    return {"optimum": parse_quantity(raw["optimum"], dim), "width": width}


def _parse_piecewise(raw: Mapping[str, Any], dim: str) -> dict[str, Any]:
    pts = raw.get("points")
    if not isinstance(pts, list) or len(pts) < 2 or not all(isinstance(p, list) and len(p) == 2 for p in pts):
        raise ValueError("piecewise needs 'points': a list of at least two [value, score] pairs, "
                         "e.g. [[0 °, 0.3], [180 °, 1]]")
    xs = [parse_quantity(p[0], dim) for p in pts]
    ys = [_score(p[1], "piecewise score") for p in pts]
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise ValueError("piecewise: the values must increase strictly")
    return {"xs": tuple(xs), "ys": tuple(ys)}


@dataclass(frozen=True)
class ValueFunctionKind:
    """One entry of the value-function registry.

    Attributes
    ----------
    function : callable
        ``function(x, **params) -> scores``.
    parse : callable
        ``parse(raw_yaml_mapping, dimension) -> params`` (canonical units).
    reach : callable
        ``reach(**params) -> float``: the score no longer changes (within 1e-4)
        for inputs above this value. [input unit]
    keys : frozenset of str
        YAML keys besides ``type``.
    """

    function: Callable[..., np.ndarray]
    parse: Callable[[Mapping[str, Any], str], dict[str, Any]]
    reach: Callable[..., float]
    keys: frozenset[str]


#: Value functions by name (the ``type`` in a catalogue).
VALUE_FUNCTIONS: dict[str, ValueFunctionKind] = {
    "linear": ValueFunctionKind(linear, _parse_linear, lambda x0, x1: max(x0, x1), frozenset({"from", "to"})),
    "step": ValueFunctionKind(step, _parse_step, lambda thresholds, scores: thresholds[-1],
                              frozenset({"thresholds", "scores"})),
    "sigmoid": ValueFunctionKind(sigmoid, _parse_sigmoid, lambda midpoint, width: midpoint + 10.0 * abs(width),
                                 frozenset({"midpoint", "width", "direction"})),
    "gaussian": ValueFunctionKind(gaussian, _parse_gaussian, lambda optimum, width: optimum + 5.0 * width,
                                  frozenset({"optimum", "width"})),
    "piecewise": ValueFunctionKind(piecewise, _parse_piecewise, lambda xs, ys: xs[-1], frozenset({"points"})),
}


@dataclass(frozen=True)
class ValueFunction:
    """A value function with its parameters in canonical units.

    Attributes
    ----------
    kind : str
        Key of :data:`VALUE_FUNCTIONS`.
    params : tuple of (str, value) pairs
        Keyword parameters of the function. [canonical unit of ``unit``]
    unit : str
        Canonical unit of the input: ``m``, ``m/s``, ``°`` or ``points``.
    """

    kind: str
    params: tuple[tuple[str, Any], ...]
    unit: str

    def __call__(self, x: Any) -> np.ndarray:
        """Scores in [0, 1] of the physical values ``x`` (NaN → NaN)."""
        return VALUE_FUNCTIONS[self.kind].function(x, **dict(self.params))

    def reach(self) -> float:
        """Input value above which the score is constant (within 1e-4). [unit]"""
        return float(VALUE_FUNCTIONS[self.kind].reach(**dict(self.params)))

    def describe(self) -> str:
        """Short text such as ``linear(x0=500, x1=2000) [m]``."""
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.params)
        return f"{self.kind}({args}) [{self.unit}]"

    @classmethod
    def from_spec(cls, raw: Any, dimension: str) -> ValueFunction:
        """Build from the YAML form, e.g. ``{type: linear, from: 500 m, to: 2000 m}``.

        Parameters
        ----------
        raw : mapping
            The ``value_function`` mapping of a criterion.
        dimension : str
            Dimension of the criterion's input (a key of :data:`DIMENSION_UNITS`).

        Raises
        ------
        ValueError
            Unknown type or key, missing parameter, value without or with a wrong unit.
        """
        if not isinstance(raw, Mapping):
            raise ValueError("must be a mapping such as {type: linear, from: '500 m', to: '2000 m'}")
        kind = raw.get("type")
        if kind not in VALUE_FUNCTIONS:
            raise ValueError(f"type {kind!r} is not one of {', '.join(VALUE_FUNCTIONS)}"
                             f"{suggest(str(kind), VALUE_FUNCTIONS)}")
        entry = VALUE_FUNCTIONS[kind]
        unknown = sorted(set(raw) - entry.keys - {"type"})
        if unknown:
            raise ValueError(f"{kind}: unknown key(s) {', '.join(unknown)}; {kind} takes "
                             f"{', '.join(sorted(entry.keys))}")
        params = entry.parse(raw, dimension)
        return cls(kind, tuple(params.items()), DIMENSION_UNITS[dimension])
