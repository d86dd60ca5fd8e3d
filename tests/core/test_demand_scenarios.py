"""Demand scenarios: the preset and its validation, the heat-pump COP against hand values, and the conservation of
every annual sum in the hourly series (heat, heat-pump electricity, cars, base)."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from wip_qgis_plugin.core.errors import InputError, SpecError
from wip_qgis_plugin.core.profile.demand_scenarios import (
    DEFAULT_COP_MODEL,
    build_demand_scenarios,
    charging_shares,
    ev_annual_mwh,
    heat_profile_shares,
    heat_pump_cop,
    heat_pump_heat_mwh,
    hours_in_year,
    load_demand_scenarios,
    scenario_demand,
    scenario_demands,
)
from wip_qgis_plugin.core.spec import PRESET_DIR, read_yaml

POPULATION = 9_000.0


@pytest.fixture(scope="module")
def cat():
    return load_demand_scenarios()


@pytest.fixture(scope="module")
def raw():
    path = PRESET_DIR / "demand_scenarios.yml"
    return read_yaml(path, str(path))


def synthetic_temperature(hours: int) -> np.ndarray:
    """A year of hourly temperatures: 9 °C mean, ±10 K over the seasons (coldest mid-January), ±4 K a day."""
    h = np.arange(hours)
    return 9.0 - 10.0 * np.cos(2 * np.pi * (h - 15 * 24) / hours) - 4.0 * np.cos(2 * np.pi * (h % 24 - 3) / 24)


def synthetic_base(hours: int) -> np.ndarray:
    """Today's demand of a municipality: about 6 MW with a day curve. [MW]"""
    h = np.arange(hours)
    return 6.0 + 2.0 * np.sin(2 * np.pi * (h % 24 - 8) / 24) ** 2


# ----------------------------------------------------------------- the preset
def test_preset_has_the_three_scenarios_with_sources(cat):
    assert cat.scenario_ids == ("today", "2030", "2045") and cat.reference == "today"
    assert cat.id == "demand_scenarios" and cat.version
    for place, value, source, text in cat.rows:
        assert source and text.de.strip() and text.en.strip(), f"{place} has no source text"
    places = {r[0] for r in cat.rows}
    assert "transport.charging_profile" in places and "heat_pump.intercept" in places
    s2045 = cat.scenario("2045")
    assert s2045.heat_pump_share == pytest.approx(0.70) and s2045.ev_share == pytest.approx(0.90)
    assert cat.transport.cars_per_inhabitant == pytest.approx(0.558)
    assert cat.transport.kwh_per_km == pytest.approx(0.20) and cat.transport.km_per_car == 12320
    assert cat.cop == DEFAULT_COP_MODEL


def test_assumptions_say_they_are_assumptions(raw):
    for key, text in raw["assumptions"].items():
        assert "assumption" in text["en"].lower() or "definition" in text["en"].lower(), key
        assert "modellannahme" in text["de"].lower() or "definition" in text["de"].lower(), key


def test_every_problem_is_reported_at_once_with_its_place(raw):
    bad = copy.deepcopy(raw)
    bad["heat"]["segments"][0]["shlp_type"]["value"] = "XYZ"
    bad["heat"]["segments"][1]["building_class"]["value"] = 3
    bad["heat_pump"]["linear"]["value"] = "-0.09 K"
    bad["transport"]["km_per_car"]["source"] = "nowhere"
    bad["transport"]["charging_profile"]["weights"] = [1.0] * 23
    bad["scenarios"][1]["ev_share"]["value"] = "0.1 %"
    bad["scenarios"][2]["heat_per_inhabitant"].pop("commercial")
    bad["scenarios"][2]["colour"] = "red"
    bad["reference"] = "yesterday"
    with pytest.raises(SpecError) as err:
        build_demand_scenarios(bad, "bad.yml")
    text = str(err.value)
    for place in ("heat.segments[0] (residential).shlp_type", "heat.segments[1] (commercial).building_class",
                  "heat_pump.linear.value", "transport.km_per_car.source", "transport.charging_profile.weights",
                  "scenarios[2] (2045).heat_per_inhabitant.commercial: missing", "scenarios[2] (2045).colour",
                  "reference: 'yesterday'"):
        assert place in text, place
    assert len(err.value.problems) >= 8


def test_a_scenario_cannot_have_fewer_cars_or_heat_pumps_than_the_reference(raw):
    bad = copy.deepcopy(raw)
    bad["scenarios"][1]["ev_share"]["value"] = "0.1 %"
    bad["scenarios"][1]["heat_pump_share"]["value"] = "1 %"
    with pytest.raises(SpecError, match=r"scenarios\[1\] \(2030\).ev_share.*below the reference"):
        build_demand_scenarios(bad)
    bad = copy.deepcopy(raw)
    bad["scenarios"][0]["electricity_factor"]["value"] = "90 %"
    with pytest.raises(SpecError, match="electricity_factor must be 100 %"):
        build_demand_scenarios(bad)


def test_unknown_scenario_names_the_known_ones(cat):
    with pytest.raises(InputError, match="today, 2030, 2045"):
        cat.scenario("2050")


# ----------------------------------------------------------------- COP
def test_cop_hand_values():
    # ΔT = (40 − T) − T for radiators; COP = 0.85 (6.08 − 0.09 ΔT + 0.0005 ΔT²)
    np.testing.assert_allclose(heat_pump_cop([-10.0, 0.0, 10.0]), [0.85 * 2.48, 0.85 * 3.28, 0.85 * 4.48])
    np.testing.assert_allclose(heat_pump_cop([-10.0, 0.0, 10.0]), [2.108, 2.788, 3.808])
    # the lift never falls below 15 K: from 12.5 °C on the space-heating COP stays at 0.85 × 4.8425
    np.testing.assert_allclose(heat_pump_cop([12.5, 20.0, 30.0]), [4.116125] * 3)
    # hot water at 50 °C: ΔT = 50 at 0 °C → 0.85 × (6.08 − 4.5 + 1.25)
    assert heat_pump_cop(0.0, 50.0) == pytest.approx(2.4055)


def test_cop_rises_with_temperature():
    t = np.linspace(-20, 12, 65)
    for sink in (None, 50.0):
        cop = heat_pump_cop(t, sink)
        assert np.all(np.diff(cop) > 0)
        assert np.all(cop > 1.0)
    assert np.isnan(heat_pump_cop([np.nan, 0.0])[0])


# ----------------------------------------------------------------- profiles
@pytest.mark.parametrize("year", [2010, 2012])
def test_heat_and_charging_profiles_sum_to_one(cat, year):
    n = hours_in_year(year)
    t = synthetic_temperature(n)
    for segment in cat.segments:
        for hot_water in (False, True):
            shares = heat_profile_shares(t, year, segment, hot_water)
            assert shares.shape == (n,) and np.all(shares >= 0)
            assert shares.sum() == pytest.approx(1.0, rel=1e-12)
        space = heat_profile_shares(t, year, segment)
        assert space[: 31 * 24].sum() > 5 * space[181 * 24: 212 * 24].sum()  # January ≫ July
    charging = charging_shares(n, cat.transport.charging_weights)
    assert charging.sum() == pytest.approx(1.0, rel=1e-12)
    assert int(np.argmax(charging[:24])) in (18, 19)
    np.testing.assert_array_equal(charging[:24], charging[-24:])


# ----------------------------------------------------------------- conservation of the annual sums
@pytest.mark.parametrize("year", [2010, 2012])
def test_scenarios_conserve_every_annual_sum(cat, year):
    n = hours_in_year(year)
    t, base = synthetic_temperature(n), synthetic_base(n)
    ref = cat.scenario("today")
    results = scenario_demands(base, POPULATION, cat, t, year)
    for sid, sd in results.items():
        sc = cat.scenario(sid)
        annual = sd.annual_mwh()
        assert sd.base_mw.shape == sd.heat_pumps_mw.shape == sd.electric_vehicles_mw.shape == (n,)
        assert annual["base"] == pytest.approx(sc.electricity_factor * base.sum(), rel=1e-9)
        heat = sum(heat_pump_heat_mwh(POPULATION, sc, ref, seg.id) for seg in cat.segments)
        assert sd.heat_pump_heat_mw.sum() == pytest.approx(heat, rel=1e-6, abs=1e-9)
        assert annual["electric_vehicles"] == pytest.approx(ev_annual_mwh(POPULATION, sc, ref, cat.transport),
                                                            rel=1e-6, abs=1e-9)
        assert annual["total"] == pytest.approx(sd.total_mw.sum(), rel=1e-12)
        assert sd.heat_demand_mwh == pytest.approx(POPULATION * sum(sc.heat_kwh_per_inhabitant.values()) / 1000)
        if heat:  # electricity = heat / COP each hour: the year's COP lies between the hours' extremes
            cop = sd.heat_pump_heat_mw / sd.heat_pumps_mw
            assert heat_pump_cop(t.min(), 50.0) - 1e-9 <= sd.seasonal_cop <= heat_pump_cop(t.max()) + 1e-9
            assert np.all(cop[sd.heat_pumps_mw > 0] >= heat_pump_cop(t, 50.0)[sd.heat_pumps_mw > 0] - 1e-9)
    assert results["2045"].annual_mwh()["heat_pumps"] > results["2030"].annual_mwh()["heat_pumps"] > 0


def test_today_is_the_base_demand_exactly(cat):
    t, base = synthetic_temperature(8760), synthetic_base(8760)
    sd = scenario_demand(base, POPULATION, "today", cat, t, 2010)
    np.testing.assert_array_equal(sd.total_mw, base)
    assert sd.annual_mwh()["heat_pumps"] == 0 == sd.annual_mwh()["electric_vehicles"]


def test_heat_pump_heat_is_the_heat_demand_times_the_share_beyond_today(cat):
    sc, ref = cat.scenario("2045"), cat.scenario("today")
    # residential: 0.70 × 4725 − 0.024 × 6300 kWh per inhabitant
    assert heat_pump_heat_mwh(POPULATION, sc, ref, "residential") == pytest.approx(
        POPULATION * (0.70 * 4725 - 0.024 * 6300) / 1000)
    # cars: 9,000 × 0.558 × (0.90 − 0.003) × 12,320 km × 0.20 kWh/km
    assert ev_annual_mwh(POPULATION, sc, ref, cat.transport) == pytest.approx(11_099.6646, rel=1e-7)


def test_real_weather_gives_a_plausible_seasonal_cop(cat):
    from wip_qgis_plugin.core.data.weather import load_try

    t = load_try(4, irradiance=False).data["temp_air"].to_numpy()
    sd = scenario_demand(synthetic_base(8760), POPULATION, "2045", cat, t, 2010)
    assert 2.6 < sd.seasonal_cop < 3.6  # field tests of air-source heat pumps in existing buildings: about 3
    assert sd.heat_pumps_mw[:31 * 24].sum() > 4 * sd.heat_pumps_mw[181 * 24: 212 * 24].sum()


def test_inputs_of_the_wrong_year_are_refused(cat):
    with pytest.raises(InputError, match="8784"):
        scenario_demand(synthetic_base(8760), POPULATION, "2030", cat, synthetic_temperature(8760), 2012)
    t = synthetic_temperature(8760)
    t[5] = np.nan
    with pytest.raises(InputError, match="missing"):
        scenario_demand(synthetic_base(8760), POPULATION, "2030", cat, t, 2010)
    with pytest.raises(InputError, match="population"):
        scenario_demand(synthetic_base(8760), -1.0, "2030", cat, synthetic_temperature(8760), 2010)


def test_heat_pump_electricity_is_heat_over_cop_hour_by_hour(cat):
    """Space heat at the heating curve's COP, hot water at the 50 °C COP, per segment and hour."""
    t = synthetic_temperature(8760)
    sd = scenario_demand(synthetic_base(8760), POPULATION, "2030", cat, t, 2010)
    sc, ref = cat.scenario("2030"), cat.scenario("today")
    expected = np.zeros(8760)
    for seg in cat.segments:
        mwh = heat_pump_heat_mwh(POPULATION, sc, ref, seg.id)
        expected += mwh * (1 - seg.hot_water_share) * heat_profile_shares(t, 2010, seg) / heat_pump_cop(t)
        expected += mwh * seg.hot_water_share * heat_profile_shares(t, 2010, seg, True) / heat_pump_cop(t, 50.0)
    np.testing.assert_allclose(sd.heat_pumps_mw, expected, rtol=1e-12)
