"""Hourly balance: energy is conserved hour by hour; indicators on small literal cases."""
from __future__ import annotations

import numpy as np
import pytest

from wip_qgis_plugin.core.profile.balance import hourly_balance
from wip_qgis_plugin.core.errors import InputError


def test_literal_case():
    b = hourly_balance(np.array([0.0, 2.0, 5.0, 1.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    assert b.self_consumed.tolist() == [0.0, 2.0, 3.0, 1.0]
    assert b.surplus.tolist() == [0.0, 0.0, 2.0, 0.0]
    assert b.deficit.tolist() == [1.0, 0.0, 0.0, 3.0]
    assert b.self_sufficiency_pct == pytest.approx(60.0)
    assert b.balance_pct == pytest.approx(80.0)
    assert b.hours_covered_pct == pytest.approx(50.0)
    assert b.self_consumption_pct == pytest.approx(75.0)


@pytest.mark.parametrize("seed", range(5))
def test_energy_is_conserved_every_hour(seed):
    rng = np.random.default_rng(seed)
    gen = rng.gamma(0.5, 3.0, 8760) * rng.integers(0, 2, 8760)
    dem = rng.uniform(1.0, 5.0, 8760)
    b = hourly_balance(gen, dem)
    np.testing.assert_allclose(b.self_consumed + b.surplus, gen, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.self_consumed + b.deficit, dem, rtol=0, atol=1e-12)
    assert np.all(b.surplus >= 0) and np.all(b.deficit >= 0)
    assert not np.any((b.surplus > 0) & (b.deficit > 0))       # never import and export at once
    m = b.monthly()
    assert m["generation"].sum() == pytest.approx(b.generation_mwh)
    assert m["surplus"].sum() + m["self_consumed"].sum() == pytest.approx(b.generation_mwh)
    assert b.residual_duration_curve()[0] >= b.residual_duration_curve()[-1]
    assert 0.0 <= b.self_sufficiency_pct <= 100.0


def test_monthly_split_of_a_leap_year():
    b = hourly_balance(np.ones(8784), np.ones(8784))
    assert b.monthly()["demand"][1] == 29 * 24


def test_refuses_mismatched_or_negative_series():
    with pytest.raises(InputError, match="same year"):
        hourly_balance(np.ones(8760), np.ones(8784))
    with pytest.raises(InputError, match="negative"):
        hourly_balance(-np.ones(3), np.ones(3))


def test_no_demand_gives_nan_shares():
    b = hourly_balance(np.ones(3), np.zeros(3))
    assert np.isnan(b.self_sufficiency_pct) and b.surplus_mwh == 3.0
