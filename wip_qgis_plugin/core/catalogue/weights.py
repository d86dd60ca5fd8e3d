"""Criterion weights: direct weights and AHP pairwise comparisons with Saaty's consistency.

A catalogue's ``suitability:`` section weights its criteria either directly (normalised by
:func:`normalise_weights`) or by an AHP pairwise comparison matrix (:func:`pairwise_matrix`,
:func:`ahp_weights`, :func:`inconsistent_pairs`). :data:`AGGREGATION_NAMES` lists the aggregation
methods a catalogue may name; the suitability stage implements them
(:data:`core.suitability.mcda.AGGREGATIONS`).

Pure functions on numpy arrays, no I/O.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Aggregation methods a catalogue may name (``aggregation``); implemented in
#: :data:`core.suitability.mcda.AGGREGATIONS`, which has exactly these keys.
AGGREGATION_NAMES: tuple[str, ...] = ("weighted_linear", "weighted_geometric")

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


# ----------------------------------------------------------------- direct weights
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
