"""MCDA kernel: value functions, units, AHP weights and consistency, aggregation, sensitivity helpers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wip_qgis_plugin.core.units import parse_quantity

from wip_qgis_plugin.core.catalogue.value_functions import (
    VALUE_FUNCTIONS,
    ValueFunction,
    gaussian,
    linear,
    piecewise,
    sigmoid,
    step,
)
from wip_qgis_plugin.core.catalogue.weights import (
    AGGREGATION_NAMES,
    SAATY_RANDOM_INDEX,
    ahp_weights,
    check_pairwise,
    inconsistent_pairs,
    normalise_weights,
    pairwise_matrix,
)
from wip_qgis_plugin.core.suitability.mcda import (
    AGGREGATIONS,
    aggregate,
    aggregate_runs,
    perturbed_weights,
    rank_sites,
    rank_spread,
    top_share,
    top_threshold_bins,
    weighted_geometric,
    weighted_linear,
)

# one parameter set per registered value function (physical units irrelevant here)
SAMPLE_PARAMS = {
    "linear": {"x0": 500.0, "x1": 2000.0},
    "step": {"thresholds": (1000.0, 3000.0), "scores": (0.0, 0.5, 1.0)},
    "sigmoid": {"midpoint": 1500.0, "width": 200.0},
    "gaussian": {"optimum": 1500.0, "width": 300.0},
    "piecewise": {"xs": (0.0, 1000.0, 2000.0), "ys": (0.2, 1.0, 0.0)},
}


# ----------------------------------------------------------------- units
@pytest.mark.parametrize("text, dim, expected", [
    ("500 m", "length", 500.0), ("1.5 km", "length", 1500.0), ("6,5 m/s", "speed", 6.5),
    ("36 km/h", "speed", 10.0), ("10 °", "angle", 10.0), ("12deg", "angle", 12.0),
    ("100 %", "angle", 45.0), (35, "points", 35.0), ("35 AZ", "points", 35.0), ("40 points", "points", 40.0),
])
def test_parse_quantity(text, dim, expected):
    assert parse_quantity(text, dim) == pytest.approx(expected)


@pytest.mark.parametrize("text, dim, needle", [
    (500, "length", "no unit"), ("5 m/s", "length", "is a speed"), ("5 furlongs", "length", "unknown unit"),
    ("fast", "speed", "cannot read"), ("10 m", "angle", "is a length"),
])
def test_parse_quantity_errors(text, dim, needle):
    with pytest.raises(ValueError, match=needle):
        parse_quantity(text, dim)


# ----------------------------------------------------------------- value functions
def test_linear_literal_values_both_directions():
    x = np.array([0.0, 500.0, 1250.0, 2000.0, 5000.0, np.inf])
    np.testing.assert_allclose(linear(x, 500.0, 2000.0), [0, 0, 0.5, 1, 1, 1])
    np.testing.assert_allclose(linear(x, 2000.0, 500.0), [1, 1, 0.5, 0, 0, 0])
    assert linear(5.5, 5.5, 7.0) == 0.0 and linear(6.25, 5.5, 7.0) == pytest.approx(0.5)


def test_step_literal_values():
    s = step(np.array([0.0, 999.9, 1000.0, 2999.0, 3000.0, 1e9]), (1000.0, 3000.0), (0.0, 0.5, 1.0))
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 0.5, 1.0, 1.0])


def test_sigmoid_and_gaussian_literal_values():
    assert sigmoid(6.0, 6.0, 0.5) == pytest.approx(0.5)
    assert sigmoid(6.5, 6.0, 0.5) == pytest.approx(1 / (1 + math.exp(-1)))
    assert sigmoid(6.5, 6.0, -0.5) == pytest.approx(1 / (1 + math.exp(1)))  # negative width: falling
    assert gaussian(180.0, 180.0, 45.0) == pytest.approx(1.0)
    assert gaussian(135.0, 180.0, 45.0) == pytest.approx(math.exp(-0.5))
    assert gaussian(225.0, 180.0, 45.0) == pytest.approx(gaussian(135.0, 180.0, 45.0))


def test_piecewise_literal_values_and_ends():
    xs, ys = (0.0, 90.0, 180.0, 270.0, 360.0), (0.6, 0.85, 1.0, 0.85, 0.6)
    np.testing.assert_allclose(piecewise(np.array([-10.0, 0.0, 45.0, 180.0, 315.0, 400.0]), xs, ys),
                               [0.6, 0.6, 0.725, 1.0, 0.725, 0.6])


@pytest.mark.parametrize("kind", list(VALUE_FUNCTIONS))
def test_every_value_function_handles_nan_empty_scalar_and_stays_in_range(kind):
    f = VALUE_FUNCTIONS[kind].function
    p = SAMPLE_PARAMS[kind]
    rng = np.random.default_rng(1)
    x = rng.uniform(-1000, 6000, 500)
    y = f(x, **p)
    assert y.shape == x.shape and np.all((y >= 0) & (y <= 1))
    out = f(np.array([np.nan, 1000.0, np.nan]), **p)
    assert np.isnan(out[0]) and np.isnan(out[2]) and not np.isnan(out[1])
    assert f(np.array([]), **p).shape == (0,)
    scalar = f(1234.0, **p)
    assert np.ndim(scalar) == 0 and isinstance(float(scalar), float)
    assert f(np.zeros((3, 4)), **p).shape == (3, 4)


@pytest.mark.parametrize("kind, params, increasing", [
    ("linear", {"x0": 500.0, "x1": 2000.0}, True), ("linear", {"x0": 20000.0, "x1": 2000.0}, False),
    ("step", {"thresholds": (1.0, 2.0, 3.0), "scores": (0.0, 0.2, 0.7, 1.0)}, True),
    ("sigmoid", {"midpoint": 6.0, "width": 0.4}, True), ("sigmoid", {"midpoint": 6.0, "width": -0.4}, False),
    ("piecewise", {"xs": (0.0, 300.0), "ys": (0.3, 1.0)}, True),
])
def test_monotone_value_functions(kind, params, increasing):
    x = np.sort(np.random.default_rng(2).uniform(-100, 25000, 2000))
    d = np.diff(VALUE_FUNCTIONS[kind].function(x, **params))
    assert (d >= -1e-15).all() if increasing else (d <= 1e-15).all()


def test_value_function_from_yaml_with_units():
    vf = ValueFunction.from_spec({"type": "linear", "from": "5.5 m/s", "to": "7 m/s"}, "speed")
    assert vf.unit == "m/s" and vf(6.25) == pytest.approx(0.5) and vf.reach() == 7.0
    vf = ValueFunction.from_spec({"type": "linear", "from": "20 km", "to": "2 km"}, "length")
    assert vf(11000.0) == pytest.approx(0.5) and vf.reach() == 20000.0
    vf = ValueFunction.from_spec({"type": "sigmoid", "midpoint": "6 m/s", "width": "0.5 m/s",
                                  "direction": "decreasing"}, "speed")
    assert vf(5.5) == pytest.approx(1 / (1 + math.exp(-1)))
    vf = ValueFunction.from_spec({"type": "step", "thresholds": ["1 km", "3 km"], "scores": [1, 0.5, 0]}, "length")
    assert vf(2000.0) == 0.5 and vf.reach() == 3000.0
    vf = ValueFunction.from_spec({"type": "piecewise", "points": [[30, 1], [50, 0]]}, "points")
    assert vf(40) == pytest.approx(0.5)
    assert "linear" in ValueFunction.from_spec({"type": "linear", "from": "1 km", "to": "2 km"}, "length").describe()


@pytest.mark.parametrize("spec, needle", [
    ({"type": "linaer", "from": "1 m", "to": "2 m"}, "did you mean 'linear'"),
    ({"type": "linear", "from": "1 m/s", "to": "2 m/s"}, "is a speed"),
    ({"type": "linear", "from": "1 m"}, "'to' is missing"),
    ({"type": "linear", "from": "1 m", "to": "1 m"}, "both"),
    ({"type": "step", "thresholds": ["1 m"], "scores": [0, 0.5, 1]}, "need 2 scores"),
    ({"type": "piecewise", "points": [["2 m", 0], ["1 m", 1]]}, "increase strictly"),
    ({"type": "piecewise", "points": [["1 m", 0], ["2 m", 1.5]]}, "between 0 and 1"),
    ({"type": "gaussian", "optimum": "1 m", "width": "0 m"}, "positive"),
    ({"type": "linear", "from": "1 m", "to": "2 m", "slope": 3}, "unknown key"),
])
def test_value_function_spec_errors(spec, needle):
    with pytest.raises(ValueError, match=needle):
        ValueFunction.from_spec(spec, "length")


# ----------------------------------------------------------------- AHP
def consistent(v):
    v = np.asarray(v, float)
    return v[:, None] / v[None, :]


def test_saaty_random_index_table():
    assert [SAATY_RANDOM_INDEX[n] for n in range(1, 11)] == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert sorted(SAATY_RANDOM_INDEX) == list(range(1, 16))


def test_consistent_matrix_has_cr_zero_and_weights_of_the_generating_vector():
    res = ahp_weights(consistent([4, 2, 1]))
    np.testing.assert_allclose(res.weights, [4 / 7, 2 / 7, 1 / 7], atol=1e-12)
    assert res.lambda_max == pytest.approx(3.0) and res.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    v = np.random.default_rng(3).uniform(1, 9, 7)
    res = ahp_weights(consistent(v))
    np.testing.assert_allclose(res.weights, v / v.sum(), atol=1e-12)
    assert res.consistency_ratio == pytest.approx(0.0, abs=1e-10) and res.consistent


@pytest.mark.parametrize("a12, a13, a23", [(2.0, 9.0, 2.0), (3.0, 5.0, 1 / 2), (5.0, 1 / 3, 3.0)])
def test_inconsistent_3x3_against_the_closed_form(a12, a13, a23):
    # For n = 3: w ∝ row geometric means, λmax = 1 + δ^(1/3) + δ^(-1/3) with δ = a13 / (a12·a23).
    m = np.array([[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]])
    res = ahp_weights(m)
    g = np.prod(m, axis=1) ** (1 / 3)
    np.testing.assert_allclose(res.weights, g / g.sum(), rtol=1e-10)
    delta = a13 / (a12 * a23)
    lam = 1 + delta ** (1 / 3) + delta ** (-1 / 3)
    assert res.lambda_max == pytest.approx(lam, rel=1e-10)
    assert res.consistency_index == pytest.approx((lam - 3) / 2, rel=1e-9)
    assert res.consistency_ratio == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-9)


def test_hand_checkable_cr_values():
    # a12 = 2, a13 = 9, a23 = 2: δ = 2.25, λmax = 3.0735, CR = 0.063 (acceptable)
    res = ahp_weights([[1, 2, 9], [1 / 2, 1, 2], [1 / 9, 1 / 2, 1]])
    assert res.lambda_max == pytest.approx(3.0735, abs=1e-4)
    assert res.consistency_ratio == pytest.approx(0.0634, abs=1e-4)
    # a cycle A > B > C > A: δ = 1/27, λmax = 1 + 1/3 + 3, CR = 1.149
    cyc = ahp_weights([[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]])
    assert cyc.lambda_max == pytest.approx(13 / 3) and not cyc.consistent


def test_inconsistent_pairs_names_the_flipped_judgement():
    m = consistent([8, 4, 2, 1])
    m[0, 3], m[3, 0] = 1 / 8, 8.0  # A vs D flipped
    res = ahp_weights(m, list("ABCD"))
    assert res.consistency_ratio > 0.1
    worst = inconsistent_pairs(m, res.weights, list("ABCD"))
    assert (worst[0].first, worst[0].second) == ("A", "D") and worst[0].judgement == pytest.approx(1 / 8)
    assert worst[0].factor > worst[1].factor >= 1.0


@pytest.mark.parametrize("matrix, needle", [
    ([[1, 2, 3], [0.5, 1, 2]], "square"),
    ([[1, -2], [-0.5, 1]], r"cell \(a, b\)"),
    ([[1, 3], [0.5, 1]], r"\(a, b\) = 3 and \(b, a\) = 0.5 are not reciprocal"),
    ([[2, 1], [1, 1]], r"diagonal cell \(a, a\)"),
    ([[1, np.nan], [1, 1]], "positive"),
])
def test_pairwise_matrix_validation_names_the_cell(matrix, needle):
    with pytest.raises(ValueError, match=needle):
        check_pairwise(matrix, ["a", "b", "c"][:len(matrix)] if len(matrix) == len(matrix[0]) else None)


def test_reciprocal_tolerance_accepts_rounded_thirds():
    check_pairwise([[1, 3], [0.33, 1]])


def test_pairwise_matrix_from_judgements():
    m = pairwise_matrix(["a", "b", "c"], [("a", "b", 3), ("c", "a", 2), ("b", "c", 1 / 5)])
    assert m[0, 1] == 3 and m[1, 0] == pytest.approx(1 / 3) and m[2, 0] == 2 and m[0, 2] == 0.5
    with pytest.raises(ValueError, match=r"missing comparison\(s\): \[b, c, \?\]"):
        pairwise_matrix(["a", "b", "c"], [("a", "b", 3), ("a", "c", 2)])
    with pytest.raises(ValueError, match="given twice"):
        pairwise_matrix(["a", "b"], [("a", "b", 3), ("b", "a", 2)])
    with pytest.raises(ValueError, match="not a criterion"):
        pairwise_matrix(["a", "b"], [("a", "x", 3)])


# ----------------------------------------------------------------- aggregation
def test_weighted_linear_and_geometric_literal_values():
    s = np.array([[1.0, 0.0, 0.25], [0.0, 1.0, 1.0]])
    np.testing.assert_allclose(weighted_linear(s, [3, 1]), [0.75, 0.25, 0.4375])
    np.testing.assert_allclose(weighted_geometric(s, [1, 1]), [0.0, 0.0, 0.5])
    # a zero-weight criterion does not enter the geometric mean, even with a zero score
    np.testing.assert_allclose(weighted_geometric(np.array([[0.5], [0.0]]), [1, 0]), [0.5])


@pytest.mark.parametrize("method", list(AGGREGATIONS))
def test_aggregation_nan_empty_and_range(method):
    rng = np.random.default_rng(4)
    s = rng.uniform(0, 1, (4, 300))
    s[2, 7] = np.nan
    out = aggregate(s, rng.uniform(0.1, 1, 4), method)
    assert np.isnan(out[7]) and np.isnan(out).sum() == 1
    ok = out[~np.isnan(out)]
    assert ((ok >= 0) & (ok <= 1)).all()
    pct = np.rint(ok * 100)
    assert pct.min() >= 0 and pct.max() <= 100
    assert aggregate(np.zeros((4, 0)), [1, 1, 1, 1], method).shape == (0,)
    assert aggregate(np.ones((4, 2, 3)), [1, 2, 3, 4], method).shape == (2, 3)


def test_weights_are_validated():
    np.testing.assert_allclose(normalise_weights([2, 2, 4]), [0.25, 0.25, 0.5])
    for bad in ([], [1, -1], [0, 0], [1, np.inf]):
        with pytest.raises(ValueError):
            normalise_weights(bad)
    with pytest.raises(ValueError, match="one row per criterion"):
        weighted_linear(np.ones((3, 5)), [1, 1])


@pytest.mark.parametrize("method", list(AGGREGATIONS))
def test_raising_a_weight_never_lowers_a_pixel_that_criterion_favours(method):
    """Property over random inputs: where criterion j scores at least the others' aggregate
    (their weighted mean; geometric: their weighted geometric mean), more weight for j never
    lowers the score."""
    rng = np.random.default_rng(5)
    for _ in range(50):
        k = int(rng.integers(2, 7))
        s = rng.uniform(0, 1, (k, 400))
        s[rng.uniform(size=s.shape) < 0.05] = 0.0
        w = rng.uniform(0.05, 1, k)
        j = int(rng.integers(k))
        w2 = w.copy()
        w2[j] *= rng.uniform(1.01, 5)
        others = aggregate(np.delete(s, j, axis=0), np.delete(w, j), method)
        favoured = s[j] >= others
        before, after = aggregate(s, w, method), aggregate(s, w2, method)
        assert (after[favoured] >= before[favoured] - 1e-12).all()
        assert (after[~favoured] <= before[~favoured] + 1e-12).all()


@pytest.mark.parametrize("method", list(AGGREGATIONS))
def test_run_aggregation_agrees_with_single_aggregation(method):
    rng = np.random.default_rng(6)
    s = rng.uniform(0, 1, (5, 200)).astype(np.float32)
    s[1, :10] = 0.0
    runs = perturbed_weights(rng.uniform(0.1, 1, 5), 8, 0.3, rng)
    out = aggregate_runs(s, runs, method)
    for r in range(8):
        np.testing.assert_allclose(out[r], aggregate(s, runs[r], method), atol=1e-5)


# ----------------------------------------------------------------- sensitivity
def test_perturbed_weights_are_seeded_normalised_and_within_range():
    w = np.array([0.4, 0.25, 0.2, 0.15])
    a = perturbed_weights(w, 200, 0.2, np.random.default_rng(42))
    b = perturbed_weights(w, 200, 0.2, np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (200, 4)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    ratio = (a / w) / (a / w).max(axis=1, keepdims=True)  # factors up to the common renormalisation
    assert ratio.min() >= 0.8 / 1.2 - 1e-12
    np.testing.assert_allclose(perturbed_weights(w, 3, 0.0, np.random.default_rng(0)), np.tile(w, (3, 1)))
    with pytest.raises(ValueError):
        perturbed_weights(w, 3, 1.0, np.random.default_rng(0))


def test_top_share_and_thresholds():
    scores = np.tile(np.linspace(0.0, 0.99, 100), (5, 1))  # five identical runs, 100 distinct scores
    share = top_share(scores, 10.0)
    np.testing.assert_array_equal(share, np.r_[np.zeros(90), np.ones(10)])
    hist = np.array([[0, 5, 5, 0], [10, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(top_threshold_bins(hist, 50.0), [2, 0, 4])
    np.testing.assert_array_equal(top_threshold_bins(hist, 60.0), [1, 0, 4])


def test_ranks_and_rank_spread():
    np.testing.assert_array_equal(rank_sites([50.0, 70.0, 50.0, np.nan], [10.0, 1.0, 20.0, 99.0]), [3, 1, 2, 4])
    runs = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 3.0, 1.0]])
    lo, hi = rank_spread(runs, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(lo, [1, 1, 1])
    np.testing.assert_array_equal(hi, [3, 2, 3])


def test_the_catalogue_names_exactly_the_aggregations_suitability_implements():
    assert tuple(AGGREGATIONS) == AGGREGATION_NAMES
