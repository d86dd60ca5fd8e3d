"""Storage in the hourly balance: a hand-computed dispatch, energy conservation, and the sized capacity against a
brute-force scan written here independently of the engine (a plain loop over the hours)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.profile.storage import (
    DEFAULT_C_RATE_PER_H,
    simulate_storage,
    storage_for_self_sufficiency,
    storage_for_targets,
)


# ----------------------------------------------------------------- an independent reference
def brute_self_sufficiency(gen, dem, capacity, power, rt, warm_up=True, soc_start=0.0):
    """Self-sufficiency [%] of a greedy storage, as a plain loop (no numpy, no engine code)."""
    eff = math.sqrt(rt)

    def one_year(soc):
        served = 0.0
        for g, d in zip(gen, dem):
            if g >= d:
                served += d
                room = (capacity - soc) / eff
                put = min(g - d, power, room)
                soc = min(capacity, soc + put * eff)
            else:
                served += g
                take = min(d - g, power, soc * eff)
                soc = max(0.0, soc - take / eff)
                served += take
        return served, soc

    soc = soc_start
    if warm_up:
        _, soc = one_year(0.0)
    served, _ = one_year(soc)
    return 100.0 * served / sum(dem)


def brute_smallest_capacity(gen, dem, target, step, rt=0.9, c_rate=DEFAULT_C_RATE_PER_H, power=None,
                            warm_up=True, limit=400.0):
    """First capacity on the grid 0, step, 2 step … whose self-sufficiency reaches the target."""
    k = 0
    while k * step <= limit:
        cap = k * step
        p = c_rate * cap if power is None else power
        if brute_self_sufficiency(gen, dem, cap, p, rt, warm_up) >= target - 1e-9:
            return cap
        k += 1
    return None


@pytest.fixture(scope="module")
def three_weeks():
    """Three weeks of hourly data: a PV-like day curve with random clouds, a demand with an evening peak."""
    rng = np.random.default_rng(20261207)
    hours = np.arange(21 * 24)
    hod = hours % 24
    sun = np.clip(np.sin((hod - 6) / 12 * np.pi), 0, None)
    clouds = np.repeat(rng.uniform(0.2, 1.0, 21), 24)
    gen = 12.0 * sun * clouds
    dem = 2.0 + 1.5 * np.exp(-0.5 * ((hod - 19) / 2.0) ** 2) + rng.uniform(0, 0.3, hours.size)
    return gen, dem


# ----------------------------------------------------------------- simulation
def test_hand_example_without_losses():
    r = simulate_storage([4, 0, 0, 0], [0, 1, 1, 1], 2.0, power_mw=10.0, roundtrip_efficiency=1.0,
                         initial_soc_fraction=0.0)
    np.testing.assert_allclose(r.charge_mw, [2, 0, 0, 0])
    np.testing.assert_allclose(r.export_mw, [2, 0, 0, 0])
    np.testing.assert_allclose(r.discharge_mw, [0, 1, 1, 0])
    np.testing.assert_allclose(r.import_mw, [0, 0, 0, 1])
    np.testing.assert_allclose(r.soc_mwh, [2, 1, 0, 0])
    assert r.self_sufficiency_pct == pytest.approx(200 / 3)
    assert r.self_sufficiency_without_storage_pct == 0.0


def test_hand_example_with_losses_and_power_limit():
    # η = 0.81 → √η = 0.9 each way: 2 MWh stored take 2.222 MWh in; 2 MWh stored give 1.8 MWh out
    r = simulate_storage([4, 0, 0, 0], [0, 1, 1, 1], 2.0, power_mw=10.0, roundtrip_efficiency=0.81,
                         initial_soc_fraction=0.0)
    assert r.charge_mw[0] == pytest.approx(2 / 0.9)
    np.testing.assert_allclose(r.discharge_mw, [0, 1, 0.8, 0])
    assert r.self_sufficiency_pct == pytest.approx(100 * 1.8 / 3)
    assert r.losses_mwh == pytest.approx(2 / 0.9 - 1.8)
    limited = simulate_storage([4, 0, 0, 0], [0, 1, 1, 1], 2.0, power_mw=0.5, roundtrip_efficiency=1.0,
                               initial_soc_fraction=0.0)
    np.testing.assert_allclose(limited.charge_mw, [0.5, 0, 0, 0])
    np.testing.assert_allclose(limited.discharge_mw, [0, 0.5, 0, 0])


def test_default_power_is_the_c_rate_times_the_capacity():
    r = simulate_storage([1, 0], [0, 1], 10.0)
    assert r.power_mw == pytest.approx(DEFAULT_C_RATE_PER_H * 10.0) == 5.0


def test_energy_is_conserved_every_hour(three_weeks):
    gen, dem = three_weeks
    r = simulate_storage(gen, dem, 12.0, roundtrip_efficiency=0.85)
    np.testing.assert_allclose(r.direct_mw + r.charge_mw + r.export_mw, gen, atol=1e-12)
    np.testing.assert_allclose(r.direct_mw + r.discharge_mw + r.import_mw, dem, atol=1e-12)
    eff = math.sqrt(0.85)
    soc_before = np.concatenate([[r.initial_soc_mwh], r.soc_mwh[:-1]])
    np.testing.assert_allclose(r.soc_mwh - soc_before, r.charge_mw * eff - r.discharge_mw / eff, atol=1e-9)
    assert np.all(r.soc_mwh >= 0) and np.all(r.soc_mwh <= 12.0 + 1e-12)
    assert np.all(r.charge_mw <= r.power_mw + 1e-12) and np.all(r.discharge_mw <= r.power_mw + 1e-12)
    assert np.all(r.export_mw >= -1e-12) and np.all(r.import_mw >= -1e-12)
    assert not np.any((r.charge_mw > 0) & (r.discharge_mw > 0))


def test_warm_up_never_credits_energy_the_year_did_not_charge(three_weeks):
    gen, dem = three_weeks
    r = simulate_storage(gen, dem, 10_000.0, roundtrip_efficiency=0.9)
    assert r.soc_mwh[-1] >= r.initial_soc_mwh - 1e-9
    assert r.discharge_mw.sum() <= 0.9 * r.charge_mw.sum() + 1e-9


def test_simulation_matches_the_independent_loop(three_weeks):
    gen, dem = three_weeks
    for cap, rt, frac in ((0.0, 0.9, None), (5.0, 0.9, None), (20.0, 0.8, None), (7.5, 0.95, 0.0)):
        r = simulate_storage(gen, dem, cap, roundtrip_efficiency=rt, initial_soc_fraction=frac)
        expected = brute_self_sufficiency(gen.tolist(), dem.tolist(), cap, DEFAULT_C_RATE_PER_H * cap, rt,
                                          warm_up=frac is None)
        assert r.self_sufficiency_pct == pytest.approx(expected, rel=1e-12)


def test_self_sufficiency_never_falls_with_capacity(three_weeks):
    gen, dem = three_weeks
    values = [simulate_storage(gen, dem, c).self_sufficiency_pct for c in np.arange(0, 80, 2.5)]
    assert all(b >= a - 1e-12 for a, b in zip(values, values[1:]))
    assert values[-1] > values[0]


# ----------------------------------------------------------------- sizing against the brute force
@pytest.mark.parametrize("target", [45.0, 60.0, 75.0])
def test_sizing_matches_brute_force_scan(three_weeks, target):
    gen, dem = three_weeks
    step = 0.25
    brute = brute_smallest_capacity(gen.tolist(), dem.tolist(), target, step)
    sized = storage_for_self_sufficiency(gen, dem, target)
    assert brute is not None and sized.reachable, sized.reason
    assert brute - step < sized.capacity_mwh <= brute + 1e-6
    assert sized.self_sufficiency_pct >= target - 1e-6
    assert sized.power_mw == pytest.approx(DEFAULT_C_RATE_PER_H * sized.capacity_mwh)


def test_sizing_with_a_fixed_power_and_an_empty_start_matches_brute_force(three_weeks):
    gen, dem = three_weeks
    step = 0.25
    brute = brute_smallest_capacity(gen.tolist(), dem.tolist(), 55.0, step, rt=0.85, power=3.0, warm_up=False)
    sized = storage_for_self_sufficiency(gen, dem, 55.0, power_mw=3.0, roundtrip_efficiency=0.85,
                                         initial_soc_fraction=0.0)
    assert brute - step < sized.capacity_mwh <= brute + 1e-6
    assert sized.power_mw == 3.0


def test_targets_helper_gives_growing_capacities(three_weeks):
    gen, dem = three_weeks
    out = storage_for_targets(gen, dem, (50.0, 70.0))
    assert set(out) == {50.0, 70.0}
    assert 0 < out[50.0].capacity_mwh < out[70.0].capacity_mwh


# ----------------------------------------------------------------- edge cases
def test_target_already_met_needs_no_storage(three_weeks):
    gen, dem = three_weeks
    base = simulate_storage(gen, dem, 0.0).self_sufficiency_pct
    sized = storage_for_self_sufficiency(gen, dem, base - 1.0)
    assert sized.capacity_mwh == 0.0 and sized.power_mw == 0.0 and sized.reason == ""
    assert sized.without_storage_pct == pytest.approx(base)


def test_unreachable_target_gives_none_with_the_reason(three_weeks):
    gen, dem = three_weeks
    sized = storage_for_self_sufficiency(gen, dem, 99.0)
    bound = 100 * (np.minimum(gen, dem).sum() + 0.9 * np.clip(gen - dem, 0, None).sum()) / dem.sum()
    assert bound < 99.0
    assert sized.capacity_mwh is None and not sized.reachable
    assert sized.upper_bound_pct == pytest.approx(bound)
    assert "surplus" in sized.reason and "99" in sized.reason


def test_zero_generation():
    dem = np.full(48, 2.0)
    sized = storage_for_self_sufficiency(np.zeros(48), dem, 10.0)
    assert sized.capacity_mwh is None and "no local generation" in sized.reason
    assert simulate_storage(np.zeros(48), dem, 50.0).self_sufficiency_pct == 0.0


def test_zero_demand_has_no_sizing():
    sized = storage_for_self_sufficiency(np.ones(24), np.zeros(24), 80.0)
    assert sized.capacity_mwh is None and "no demand" in sized.reason
    assert math.isnan(simulate_storage(np.ones(24), np.zeros(24), 1.0).self_sufficiency_pct)


def test_bad_input_is_refused():
    with pytest.raises(InputError, match="same"):
        simulate_storage([1, 2], [1, 2, 3], 1.0)
    with pytest.raises(InputError, match="negative or missing"):
        simulate_storage([1, -2], [1, 2], 1.0)
    with pytest.raises(InputError, match="capacity"):
        simulate_storage([1, 2], [1, 2], -1.0)
    with pytest.raises(InputError, match="efficiency"):
        simulate_storage([1, 2], [1, 2], 1.0, roundtrip_efficiency=1.2)
    with pytest.raises(InputError, match="Initial state"):
        simulate_storage([1, 2], [1, 2], 1.0, initial_soc_fraction=1.5)
    with pytest.raises(InputError, match="target"):
        storage_for_self_sufficiency([1, 2], [1, 2], 120.0)


def hourly_dispatch(surplus, deficit, capacity, power, eta_in, eta_out, soc):
    """The engine's greedy dispatch hour by hour, as it was before the runs (energy delivered, final charge)."""
    delivered = 0.0
    for s, d in zip(surplus, deficit):
        if s > 0.0:
            charge = min(s, power, max(capacity - soc, 0.0) / eta_in)
            soc = min(soc + charge * eta_in, capacity)
        elif d > 0.0:
            discharge = min(d, power, soc * eta_out)
            soc = max(soc - discharge / eta_out, 0.0)
            delivered += discharge
    return delivered, soc


def test_run_dispatch_gives_the_hourly_dispatch_to_the_last_bit():
    """The sizing's dispatch by runs (skipping the rest of a run once full or empty) equals the hour-by-hour one."""
    from wip_qgis_plugin.core.profile.storage import dispatch_runs, hour_runs

    rng = np.random.default_rng(7)
    for trial in range(20):
        gen = rng.gamma(0.6, 3.0, 8760) * (rng.random(8760) < 0.7)
        dem = 1.0 + np.sin(np.arange(8760) / 24.0 * 2 * np.pi) ** 2 + rng.random(8760)
        if trial % 5 == 0:
            gen[::7] = dem[::7]   # hours with neither surplus nor deficit
        direct = np.minimum(gen, dem)
        surplus, deficit = (gen - direct).tolist(), (dem - direct).tolist()
        runs = hour_runs(surplus, deficit)
        for capacity in (0.0, 1e-9, 0.5, 3.0, 17.0, 250.0, 1e6):
            for power in (0.0, 0.5 * capacity, 2.0, 1e9):
                for eta in (1.0, 0.9 ** 0.5):
                    for soc in (0.0, 0.5 * capacity, capacity):
                        expected = hourly_dispatch(surplus, deficit, capacity, power, eta, eta, soc)
                        assert dispatch_runs(runs, capacity, power, eta, eta, soc) == expected


def test_sizing_is_unchanged_by_the_run_dispatch():
    """Sizes found with the run dispatch are those of a bisection on the hour-by-hour dispatch (the old way)."""
    import math as _math

    from wip_qgis_plugin.core.profile import storage as st

    rng = np.random.default_rng(11)
    hours = np.arange(8760)
    gen = np.clip(np.sin((hours % 24 - 6) / 12 * np.pi), 0, None) * (3.0 + rng.random(8760))
    dem = 1.0 + 0.3 * rng.random(8760)
    eta = _math.sqrt(st.DEFAULT_ROUNDTRIP_EFFICIENCY)
    direct = np.minimum(gen, dem)
    surplus, deficit = (gen - direct).tolist(), (dem - direct).tolist()
    for target in (60.0, 80.0, 90.0):
        sized = st.storage_for_self_sufficiency(gen, dem, target)
        assert sized.reachable
        need = target * dem.sum() / 100.0 - direct.sum() - 1e-9 * dem.sum()

        def reaches(capacity: float) -> bool:
            power = st.DEFAULT_C_RATE_PER_H * capacity
            soc0 = hourly_dispatch(surplus, deficit, capacity, power, eta, eta, 0.0)[1]
            return hourly_dispatch(surplus, deficit, capacity, power, eta, eta, soc0)[0] >= need

        high = max(sum(surplus) * eta, 1e-9)
        while not reaches(high):
            high *= 2.0
        low, tol = 0.0, st.SIZING_TOLERANCE * float(dem.sum())
        while high - low > max(tol, 1e-12 * high):
            mid = 0.5 * (low + high)
            low, high = (low, mid) if reaches(mid) else (mid, high)
        assert sized.capacity_mwh == high
