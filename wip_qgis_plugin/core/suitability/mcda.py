"""Multi-criteria decision analysis: value functions, AHP weights, aggregation, sensitivity.

Pure functions on numpy arrays, no I/O. A *value function* maps a physical
value (a distance in metres, a wind speed in m/s, a slope in degrees, an
Ackerzahl in points) to a score in [0, 1]; the kinds live in the registry
:data:`VALUE_FUNCTIONS` and are chosen by name. Weights come directly from a
catalogue or from an AHP pairwise comparison matrix (:func:`ahp_weights`);
:data:`AGGREGATIONS` combines the scores of several criteria per pixel.

Conventions: a NaN input gives a NaN score, and a pixel with a NaN criterion
score aggregates to NaN; scalars give numpy scalars, arrays keep their shape.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..units import KINDS, parse_quantity

# ----------------------------------------------------------------- units
#: Canonical unit of each physical dimension a criterion input can have (see :data:`.units.KINDS`).
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
            import difflib

            close = difflib.get_close_matches(str(kind), list(VALUE_FUNCTIONS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"type {kind!r} is not one of {', '.join(VALUE_FUNCTIONS)}{hint}")
        entry = VALUE_FUNCTIONS[kind]
        unknown = sorted(set(raw) - entry.keys - {"type"})
        if unknown:
            raise ValueError(f"{kind}: unknown key(s) {', '.join(unknown)}; {kind} takes "
                             f"{', '.join(sorted(entry.keys))}")
        params = entry.parse(raw, dimension)
        return cls(kind, tuple(params.items()), DIMENSION_UNITS[dimension])


# ----------------------------------------------------------------- AHP
#: Saaty's random consistency index RI(n): the mean consistency index of random
#: reciprocal matrices of size n (n = 1 … 15), as published in Saaty, T. L.
#: (1980): The Analytic Hierarchy Process. McGraw-Hill, New York; n ≤ 10 also in
#: Saaty, T. L. (1990): How to make a decision: the analytic hierarchy process.
#: European Journal of Operational Research 48, 9–26.
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
#: Saaty's threshold: a consistency ratio above 0.1 calls for revising the judgements.
CR_THRESHOLD = 0.1


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of a pairwise comparison matrix.

    Attributes
    ----------
    weights : tuple of float
        Normalised principal eigenvector (sums to 1).
    lambda_max : float
        Principal eigenvalue (= n for a perfectly consistent matrix).
    consistency_index : float
        CI = (λmax − n) / (n − 1); 0 for n ≤ 2.
    consistency_ratio : float
        CR = CI / RI(n) with Saaty's random index; 0 for n ≤ 2.
    """

    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def n(self) -> int:
        """Size of the matrix."""
        return len(self.weights)

    @property
    def consistent(self) -> bool:
        """True if CR ≤ 0.1 (Saaty's rule)."""
        return self.consistency_ratio <= CR_THRESHOLD


@dataclass(frozen=True)
class InconsistentPair:
    """A judgement that disagrees with the weights derived from the whole matrix.

    Attributes
    ----------
    first, second : str
        Criterion names (row, column).
    judgement : float
        The value given, a_ij ("first is a_ij times as important as second").
    implied : float
        The ratio the weights imply, w_i / w_j.
    factor : float
        max(a_ij / (w_i/w_j), (w_i/w_j) / a_ij) ≥ 1: how far off the judgement is.
    """

    first: str
    second: str
    judgement: float
    implied: float
    factor: float


def check_pairwise(matrix: Any, names: Sequence[str] | None = None, rel_tol: float = 0.02) -> np.ndarray:
    """Validate a pairwise comparison matrix and return it as a float array.

    Parameters
    ----------
    matrix : array_like
        Square matrix, a_ij = importance of criterion i relative to j.
    names : sequence of str, optional
        Criterion names used in messages (default ``1 … n``).
    rel_tol : float
        Allowed relative deviation of a_ij · a_ji from 1 (0.33 for 1/3 passes).

    Raises
    ------
    ValueError
        Naming the cell: not square, not positive and finite, or not reciprocal.
    """
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"a pairwise comparison matrix must be square and non-empty, got shape {a.shape}")
    n = a.shape[0]
    labels = list(names) if names is not None else [str(i + 1) for i in range(n)]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} names for a {n} × {n} matrix")
    bad = np.argwhere(~np.isfinite(a) | (a <= 0))
    if bad.size:
        i, j = bad[0]
        raise ValueError(f"cell ({labels[i]}, {labels[j]}) = {a[i, j]!r}: every comparison must be a positive "
                         "number (Saaty's scale 1/9 … 9)")
    prod = a * a.T
    off = np.argwhere(np.abs(prod - 1.0) > rel_tol)
    if off.size:
        i, j = off[0]
        if i == j:
            raise ValueError(f"diagonal cell ({labels[i]}, {labels[i]}) = {a[i, i]:g}: must be 1")
        raise ValueError(f"cells ({labels[i]}, {labels[j]}) = {a[i, j]:g} and ({labels[j]}, {labels[i]}) = "
                         f"{a[j, i]:g} are not reciprocal: their product must be 1 (e.g. 3 and 1/3)")
    return a


def ahp_weights(matrix: Any, names: Sequence[str] | None = None) -> AhpResult:
    """Weights (principal eigenvector), λmax, CI and CR of a pairwise comparison matrix.

    Parameters
    ----------
    matrix : array_like
        Square, positive, reciprocal matrix of at most 15 criteria.
    names : sequence of str, optional
        Criterion names used in messages.

    Returns
    -------
    AhpResult

    Raises
    ------
    ValueError
        Invalid matrix (see :func:`check_pairwise`) or more than 15 criteria.
    """
    a = check_pairwise(matrix, names)
    n = a.shape[0]
    if n not in SAATY_RANDOM_INDEX:
        raise ValueError(f"{n} criteria: Saaty's random index is tabulated for at most 15")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = max(0.0, (lam - n) / (n - 1)) if n > 2 else 0.0
    ri = SAATY_RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(tuple(float(v) for v in w), lam, ci, cr)


def inconsistent_pairs(
    matrix: Any, weights: Sequence[float], names: Sequence[str] | None = None, top: int = 3
) -> list[InconsistentPair]:
    """The judgements farthest from the ratios the weights imply, worst first.

    Use with a CR > 0.1 warning: revising these pairs lowers the inconsistency most.

    Parameters
    ----------
    matrix : array_like
        The pairwise comparison matrix.
    weights : sequence of float
        Weights derived from it (:func:`ahp_weights`).
    names : sequence of str, optional
        Criterion names.
    top : int
        How many pairs to return.

    Returns
    -------
    list of InconsistentPair
        Upper-triangle pairs sorted by ``factor``, largest first.
    """
    a = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = a.shape[0]
    labels = list(names) if names is not None else [str(i + 1) for i in range(n)]
    pairs = []
    for i in range(n):
        for j in range(i + 1, n):
            implied = w[i] / w[j]
            pairs.append(InconsistentPair(labels[i], labels[j], float(a[i, j]), float(implied),
                                          float(math.exp(abs(math.log(a[i, j] / implied))))))
    pairs.sort(key=lambda p: -p.factor)
    return pairs[:top]


def pairwise_matrix(names: Sequence[str], judgements: Iterable[tuple[str, str, float]]) -> np.ndarray:
    """Build the full reciprocal matrix from upper-triangle judgements by name.

    Parameters
    ----------
    names : sequence of str
        Criterion names in matrix order.
    judgements : iterable of (str, str, float)
        ``(a, b, v)``: a is v times as important as b. Every unordered pair once.

    Raises
    ------
    ValueError
        Unknown name, a pair compared with itself or twice, a missing pair, v ≤ 0.
    """
    index = {n: i for i, n in enumerate(names)}
    a = np.ones((len(names), len(names)))
    seen: set[frozenset[str]] = set()
    for first, second, value in judgements:
        for nm in (first, second):
            if nm not in index:
                raise ValueError(f"{nm!r} is not a criterion; criteria: {', '.join(names)}")
        if first == second:
            raise ValueError(f"{first!r} is compared with itself")
        key = frozenset((first, second))
        if key in seen:
            raise ValueError(f"the pair ({first}, {second}) is given twice")
        if not value > 0:
            raise ValueError(f"({first}, {second}): {value!r} is not a positive number")
        seen.add(key)
        a[index[first], index[second]] = value
        a[index[second], index[first]] = 1.0 / value
    missing = [(names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))
               if frozenset((names[i], names[j])) not in seen]
    if missing:
        raise ValueError("missing comparison(s): " + ", ".join(f"[{x}, {y}, ?]" for x, y in missing))
    return a


# ----------------------------------------------------------------- aggregation
def normalise_weights(weights: Any) -> np.ndarray:
    """Weights scaled to sum to 1.

    Raises
    ------
    ValueError
        Negative, non-finite or all-zero weights.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty list of numbers")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"weights must be finite and non-negative, got {w.tolist()}")
    total = w.sum()
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return w / total


def _stack(scores: Any, n_weights: int) -> np.ndarray:
    s = np.asarray(scores, dtype=float)
    if s.ndim == 0 or s.shape[0] != n_weights:
        raise ValueError(f"scores must have one row per criterion ({n_weights}), got shape {s.shape}")
    return s


def weighted_linear(scores: Any, weights: Any) -> np.ndarray:
    """Weighted linear combination Σ wᵢ·sᵢ over the first axis (criteria).

    Parameters
    ----------
    scores : array_like
        Shape ``(criteria, …)``, scores in [0, 1].
    weights : array_like
        One weight per criterion (normalised here).

    Returns
    -------
    numpy.ndarray
        Shape ``(…)``, in [0, 1]; NaN where any criterion is NaN.
    """
    w = normalise_weights(weights)
    s = _stack(scores, w.size)
    out = np.tensordot(w, s, axes=1)
    out = np.where(np.isnan(s).any(axis=0), np.nan, out)
    return np.clip(out, 0.0, 1.0)


def weighted_geometric(scores: Any, weights: Any) -> np.ndarray:
    """Weighted geometric mean Π sᵢ^wᵢ over the first axis (criteria).

    A score of 0 in one criterion with a positive weight gives 0: a weak
    criterion cannot be fully compensated by the others.

    Parameters
    ----------
    scores : array_like
        Shape ``(criteria, …)``, scores in [0, 1].
    weights : array_like
        One weight per criterion (normalised here).

    Returns
    -------
    numpy.ndarray
        Shape ``(…)``, in [0, 1]; NaN where any criterion is NaN.
    """
    w = normalise_weights(weights)
    s = _stack(scores, w.size)
    nan = np.isnan(s).any(axis=0)
    active = w > 0
    sa = np.clip(s[active], 0.0, 1.0)
    zero = (sa == 0).any(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(sa > 0, sa, 1.0))
    out = np.exp(np.tensordot(w[active], logs, axes=1))
    out = np.where(zero, 0.0, out)
    out = np.where(nan, np.nan, out)
    return np.clip(out, 0.0, 1.0)


#: Aggregation methods by name (``aggregation`` in a catalogue).
AGGREGATIONS: dict[str, Callable[[Any, Any], np.ndarray]] = {
    "weighted_linear": weighted_linear,
    "weighted_geometric": weighted_geometric,
}


def aggregate(scores: Any, weights: Any, method: str = "weighted_linear") -> np.ndarray:
    """Aggregate criterion scores with the method of that name (see :data:`AGGREGATIONS`)."""
    if method not in AGGREGATIONS:
        raise ValueError(f"aggregation {method!r} is not one of {', '.join(AGGREGATIONS)}")
    return AGGREGATIONS[method](scores, weights)


def aggregate_runs(scores: np.ndarray, run_weights: np.ndarray, method: str) -> np.ndarray:
    """Aggregate the same pixels under many weight sets at once (for sensitivity runs).

    Parameters
    ----------
    scores : numpy.ndarray
        Shape ``(criteria, pixels)``, finite scores in [0, 1].
    run_weights : numpy.ndarray
        Shape ``(runs, criteria)``, each row normalised, all positive.
    method : str
        ``weighted_linear`` or ``weighted_geometric``.

    Returns
    -------
    numpy.ndarray
        ``float32`` array of shape ``(runs, pixels)``.
    """
    s = np.asarray(scores, dtype=np.float32)
    w = np.asarray(run_weights, dtype=np.float32)
    if method == "weighted_linear":
        return np.clip(w @ s, 0.0, 1.0)
    if method == "weighted_geometric":
        zero = (s <= 0).any(axis=0)
        logs = np.log(np.where(s > 0, s, 1.0).astype(np.float32))
        out = np.exp(w @ logs)
        out[:, zero] = 0.0
        return np.clip(out, 0.0, 1.0)
    raise ValueError(f"aggregation {method!r} is not one of {', '.join(AGGREGATIONS)}")


# ----------------------------------------------------------------- sensitivity
def perturbed_weights(
    weights: Any, runs: int, perturbation: float, rng: np.random.Generator
) -> np.ndarray:
    """Weight sets for a sensitivity analysis.

    Each weight is multiplied by a factor drawn uniformly from
    ``[1 − perturbation, 1 + perturbation]``, then each set is renormalised.

    Parameters
    ----------
    weights : array_like
        Base weights (normalised here).
    runs : int
        Number of weight sets.
    perturbation : float
        Relative range, in [0, 1). [-]
    rng : numpy.random.Generator
        Seeded generator (results are reproducible).

    Returns
    -------
    numpy.ndarray
        Shape ``(runs, criteria)``; every row sums to 1.
    """
    if not 0.0 <= perturbation < 1.0:
        raise ValueError(f"perturbation must be in [0, 1), got {perturbation!r}")
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs!r}")
    w = normalise_weights(weights)
    factors = rng.uniform(1.0 - perturbation, 1.0 + perturbation, size=(runs, w.size))
    out = w[None, :] * factors
    return out / out.sum(axis=1, keepdims=True)


def score_bins(scores: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index ``floor(score · n_bins)`` (1 falls in the last bin) of scores in [0, 1]."""
    return np.minimum((np.asarray(scores) * n_bins).astype(np.int64), n_bins - 1)


def top_threshold_bins(histograms: np.ndarray, top_pct: float) -> np.ndarray:
    """Per run, the lowest bin still in the top ``top_pct`` % of the pixels.

    The top set of a run is every pixel in a bin ≥ the threshold: at least
    ``ceil(top_pct/100 · N)`` pixels (ties in the threshold bin are kept).

    Parameters
    ----------
    histograms : numpy.ndarray
        Shape ``(runs, bins)``: pixel counts per score bin.
    top_pct : float
        Share of the pixels forming the top set. [%]

    Returns
    -------
    numpy.ndarray
        Shape ``(runs,)``, integer bin indices (``bins`` if a run has no pixel).
    """
    if not 0.0 < top_pct <= 100.0:
        raise ValueError(f"top share must be in (0, 100] %, got {top_pct!r}")
    h = np.asarray(histograms)
    n_bins = h.shape[1]
    total = h.sum(axis=1)
    need = np.ceil(total * top_pct / 100.0)
    from_top = np.cumsum(h[:, ::-1], axis=1)
    first = np.argmax(from_top >= need[:, None], axis=1)
    return np.where(total > 0, n_bins - 1 - first, n_bins)


def top_share(run_scores: np.ndarray, top_pct: float, n_bins: int = 1000) -> np.ndarray:
    """Share of runs in which each pixel is in the top ``top_pct`` % of that run.

    Parameters
    ----------
    run_scores : numpy.ndarray
        Shape ``(runs, pixels)``, scores in [0, 1].
    top_pct : float
        Size of the top set. [%]
    n_bins : int
        Score resolution of the thresholds (as in the streaming computation).

    Returns
    -------
    numpy.ndarray
        Shape ``(pixels,)``, shares in [0, 1].
    """
    r = np.asarray(run_scores)
    bins = score_bins(r, n_bins)
    runs = r.shape[0]
    hist = np.bincount((np.arange(runs)[:, None] * n_bins + bins).ravel(),
                       minlength=runs * n_bins).reshape(runs, n_bins)
    thr = top_threshold_bins(hist, top_pct)
    return (bins >= thr[:, None]).mean(axis=0)


def rank_sites(mean_scores: Any, areas: Any) -> np.ndarray:
    """Ranks (1 = best) by mean score, ties by larger area, then by position; NaN ranks last.

    Parameters
    ----------
    mean_scores : array_like
        Shape ``(sites,)`` or ``(runs, sites)``.
    areas : array_like
        Shape ``(sites,)``. [ha]

    Returns
    -------
    numpy.ndarray
        Integer ranks of the same shape as ``mean_scores``.
    """
    m = np.atleast_2d(np.asarray(mean_scores, dtype=float))
    a = np.asarray(areas, dtype=float)
    out = np.empty(m.shape, dtype=np.int64)
    pos = np.arange(m.shape[1])
    for r in range(m.shape[0]):
        key = np.where(np.isnan(m[r]), np.inf, -m[r])
        order = np.lexsort((pos, -a, key))
        out[r, order] = np.arange(1, m.shape[1] + 1)
    return out[0] if np.ndim(mean_scores) == 1 else out


def rank_spread(run_means: np.ndarray, areas: Any) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank of every site over the runs.

    Parameters
    ----------
    run_means : numpy.ndarray
        Shape ``(runs, sites)``: mean score of each site in each run.
    areas : array_like
        Shape ``(sites,)``, tie-break. [ha]

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Minimum (best) and maximum (worst) rank per site.
    """
    ranks = rank_sites(np.atleast_2d(run_means), areas)
    ranks = np.atleast_2d(ranks)
    return ranks.min(axis=0), ranks.max(axis=0)
