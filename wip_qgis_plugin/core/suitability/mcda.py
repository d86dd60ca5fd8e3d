"""Multi-criteria decision analysis: aggregation of criterion scores and sensitivity analysis.

Pure functions on numpy arrays, no I/O. The criteria themselves (value functions, direct and AHP
weights) belong to the catalogue's criteria language (:mod:`core.catalogue.value_functions`,
:mod:`core.catalogue.weights`); here :data:`AGGREGATIONS` combines the scores of several criteria
per pixel, and the sensitivity helpers perturb the weights, find each run's top share and rank
candidate sites.

Conventions: a pixel with a NaN criterion score aggregates to NaN.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..catalogue.weights import AGGREGATION_NAMES, normalise_weights


# ----------------------------------------------------------------- aggregation
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
assert tuple(AGGREGATIONS) == AGGREGATION_NAMES, "catalogue.weights.AGGREGATION_NAMES must name AGGREGATIONS"


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
