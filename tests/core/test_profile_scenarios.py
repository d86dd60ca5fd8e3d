"""Demand scenarios in the profile: today equals the profile's own demand and balance; 2030/2045 add exactly the
heat pumps and electric cars the preset's figures give (computed here from the preset's inputs); the storage found
reaches its target and a smaller one does not; the report and the scenario keys carry them."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import LogRecorder

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.profile.demand_scenarios import load_demand_scenarios
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec
from wip_qgis_plugin.core.profile.storage import simulate_storage

REPO = Path(__file__).resolve().parents[2]
GPKG = REPO / "sample_layers" / "revier_sample.gpkg"
NAMES = ("Muldestausee", "Zörbig")

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    lake_filter = {"any": [{"water": ["reservoir"]}, {"name": ["Goitzschesee"]}]}
    plan = ProfilePlan(layers={"water": LayerRef(str(GPKG), "water")},
                       aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", NAMES),
                       output_dir=tmp_path_factory.mktemp("scenarios"),
                       sources=(SourceSpec("pv_floating", options={"lake_filter": lake_filter}),), report=True,
                       grid_catalogue=None)
    return run_profile(plan, LogRecorder())


def test_today_is_the_profiles_own_demand_and_balance(run):
    for m in run.municipalities:
        today = next(f for f in m.scenarios if f.scenario == "today")
        assert today.demand_mwh["total"] / 1000 == pytest.approx(m.indicators["demand_gwh"], rel=1e-12)
        assert today.balance["self_sufficiency_pct"] == pytest.approx(m.indicators["self_sufficiency_pct"], rel=1e-12)
        assert today.demand_mwh["heat_pumps"] == 0 and today.demand_mwh["electric_vehicles"] == 0
        assert "demand_today_gwh" not in m.indicators  # today is the profile's own indicators


def test_scenarios_add_what_the_preset_says(run):
    """2045: base × its efficiency factor; electric cars = inhabitants × cars per inhabitant × km × kWh/km × (share
    2045 − share today); the heat pumps' heat = inhabitants × (share 2045 × heat per inhabitant 2045 − share today ×
    heat per inhabitant today), and their electricity is that heat over a plausible seasonal COP."""
    cat = load_demand_scenarios()
    today, s45 = cat.scenario("today"), cat.scenario("2045")
    t = cat.transport
    for m in run.municipalities:
        pop = m.indicators["population"]
        f45 = next(f for f in m.scenarios if f.scenario == "2045")
        assert f45.demand_mwh["base"] == pytest.approx(m.indicators["demand_gwh"] * 1000 * s45.electricity_factor,
                                                       rel=1e-9)
        ev = pop * t.cars_per_inhabitant * t.km_per_car * t.kwh_per_km * (s45.ev_share - today.ev_share) / 1000
        assert f45.demand_mwh["electric_vehicles"] == pytest.approx(ev, rel=1e-9)
        heat = pop * (s45.heat_pump_share * sum(s45.heat_kwh_per_inhabitant.values())
                      - today.heat_pump_share * sum(today.heat_kwh_per_inhabitant.values())) / 1000
        assert f45.heat_pump_heat_mwh == pytest.approx(heat, rel=1e-9)
        assert 1.5 < f45.seasonal_cop < 4.5
        assert f45.demand_mwh["heat_pumps"] == pytest.approx(heat / f45.seasonal_cop, rel=1e-9)
        total = f45.demand_mwh["base"] + f45.demand_mwh["heat_pumps"] + f45.demand_mwh["electric_vehicles"]
        assert m.indicators["demand_2045_gwh"] == pytest.approx(total / 1000, rel=1e-12)
        assert m.indicators["demand_2045_gwh"] > m.indicators["demand_2030_gwh"] > m.indicators["demand_gwh"]


def scenario_hourly_demand(run, m, scenario: str) -> np.ndarray:
    """The scenario's hourly demand, rebuilt from the profile's demand and the weather the profile used."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from wip_qgis_plugin.core.data.weather import weather_for_site
    from wip_qgis_plugin.core.profile.demand_scenarios import scenario_demand
    from wip_qgis_plugin.core.profile.scenarios import scenario_temperature

    c = shapely.union_all(np.asarray(run.boundaries.geometry.values)).centroid
    lon, lat = Transformer.from_crs(run.boundaries.crs, "EPSG:4326", always_xy=True).transform(c.x, c.y)
    temperature = scenario_temperature(weather_for_site(lon, lat, None))
    assert isinstance(run.boundaries, gpd.GeoDataFrame)
    return scenario_demand(m.balance.demand, m.indicators["population"], scenario, load_demand_scenarios(),
                           temperature, run.plan.year, "ST").total_mw


def test_storage_is_the_smallest_that_reaches_the_target(run):
    """Re-simulated with the sized storage, the self-sufficiency reaches the target; with 97 % of it, it does not;
    an unreachable target has a reason and lies above the bound; the indicators carry the sizes (NaN: none)."""
    checked = 0
    for m in run.municipalities:
        gen = m.balance.generation
        for f in m.scenarios:
            demand = scenario_hourly_demand(run, m, f.scenario)
            assert demand.sum() == pytest.approx(f.demand_mwh["total"], rel=1e-9)
            for target, sizing in f.storage.items():
                if f.scenario != "today":
                    value = m.indicators[f"storage_{target:g}_{f.scenario}_mwh"]
                    assert math.isnan(value) if sizing.capacity_mwh is None else value == sizing.capacity_mwh
                if sizing.capacity_mwh is None:
                    assert sizing.reason and sizing.upper_bound_pct < target
                    continue
                if sizing.capacity_mwh == 0:
                    assert f.balance["self_sufficiency_pct"] >= target
                    continue
                assert simulate_storage(gen, demand, sizing.capacity_mwh).self_sufficiency_pct >= target - 1e-9
                assert simulate_storage(gen, demand, 0.97 * sizing.capacity_mwh).self_sufficiency_pct < target
                checked += 1
    assert checked >= 4  # Muldestausee's floating PV reaches 80 and 90 % in every scenario with a storage


def test_report_and_json_carry_the_scenarios(run):
    import json

    page = (Path(run.files["report"]).parent / "Muldestausee.html").read_text(encoding="utf-8")
    assert "Bedarfsszenarien" in page and "Speicher für 90 % Eigenversorgung" in page
    assert "Ruhnau" in page  # the assumptions page cites the COP model
    data = json.loads(Path(run.files["json"]).read_text(encoding="utf-8"))
    m = next(x for x in data["municipalities"] if x["name"] == "Zörbig")
    assert [s["scenario"] for s in m["demand_scenarios"]] == ["today", "2030", "2045"]
    assert data["provenance"]["demand_scenarios"]["id"] == "demand_scenarios"


def test_scenario_keys(tmp_path):
    from wip_qgis_plugin.core.scenario.profile_section import read_demand_scenarios

    problems: list[str] = []
    assert read_demand_scenarios(None, tmp_path, problems) == {"demand_scenarios": None}
    assert read_demand_scenarios({"catalogue": "demand_scenarios", "storage_targets_pct": [70, 95]}, tmp_path,
                                 problems) == {"demand_scenarios": "demand_scenarios", "storage_targets_pct": (70.0, 95.0)}
    assert not problems
    read_demand_scenarios({"catalogue": "nope", "storage_targets_pct": [0, 120], "target": 1}, tmp_path, problems)
    assert len(problems) == 3


def test_without_scenarios_no_scenario_indicators(tmp_path):
    plan = ProfilePlan(layers={"water": LayerRef(str(GPKG), "water")},
                       aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Zörbig",)),
                       output_dir=tmp_path, sources=(SourceSpec("pv_floating"),), report=False, grid_catalogue=None,
                       demand_scenarios=None)
    result = run_profile(plan, LogRecorder())
    assert not [k for k in result.municipalities[0].indicators if "2045" in k]
    assert result.provenance["demand_scenarios"] is None


def test_demand_profiles_leave_the_warning_filters_alone():
    """demandlib 0.2.2's ElecSlp sets warnings.simplefilter('error') for the process; a second profile (or any
    later library warning) must not turn into an error."""
    import warnings

    from wip_qgis_plugin.core.profile import demand as demand_module

    before = list(warnings.filters)
    demand_module.profile_shares.cache_clear()
    for key in ("h0", "g0"):
        demand_module.profile_shares(key, 2011, "ST")
    assert warnings.filters == before
