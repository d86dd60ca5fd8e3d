"""Floating PV as a generation source of the profile, and the economics settings of the profile (cost table,
trade-tax multiplier per municipality or for all), checked against exact geometry and the trade-tax formula."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import LogRecorder

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.economics.costs import load_cost_table
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec
from wip_qgis_plugin.core.solar.systems import load_pv_systems

REPO = Path(__file__).resolve().parents[2]
GPKG = REPO / "sample_layers" / "revier_sample.gpkg"
#: Flooded open-cast mines of the sample tagged water=lake (the planner names them), and its reservoir.
MINE_LAKES = ["Goitzschesee", "Seelhausener See"]

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")


def floating_plan(out: Path, **extra) -> ProfilePlan:
    lake_filter = {"any": [{"water": ["reservoir", "basin"]}, {"name": MINE_LAKES}]}
    kwargs = dict(layers={"water": LayerRef(str(GPKG), "water")},
                  aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ()), output_dir=out,
                  sources=(SourceSpec("pv_floating", options={"lake_filter": lake_filter}),), report=False,
                  grid_catalogue=None)
    kwargs.update(extra)
    return ProfilePlan(**kwargs)


@pytest.fixture(scope="module")
def floating(tmp_path_factory):
    progress = LogRecorder()
    result = run_profile(floating_plan(tmp_path_factory.mktemp("floating")), progress)
    return result, progress


def test_floating_fields_keep_the_law_and_add_up(floating):
    """Each field lies on its lake, covers at most 15 % of it and keeps 40 m from every shore (exact shapely
    geometry of the input layer); capacity = area × the floating system's density; the municipality figures and
    the hourly series sum to the sites."""
    result, progress = floating
    water = gpd.read_file(GPKG, layer="water", engine="pyogrio")
    lakes = water[(water["water"] == "reservoir") | water["name"].isin(MINE_LAKES)].set_index("name")
    sites = result.sites[result.sites["source"] == "pv_floating"]
    assert sorted(sites["lake"]) == sorted(lakes.index)
    density = load_pv_systems().capacity_density_mwp_per_ha("floating")
    for _, site in sites.iterrows():
        lake = lakes.loc[site["lake"], "geometry"]
        field = site.geometry
        assert field.area <= 0.15 * lake.area * (1 + 1e-9)
        assert field.area >= 0.14 * lake.area  # a large lake gives its whole share
        assert shapely.difference(field, lake).area < 1e-6 * field.area
        assert field.distance(lake.boundary) >= 40.0 - 1e-6  # every ring of every part: shores and islands
        assert site["capacity_mwp"] == pytest.approx(field.area / 1e4 * density, rel=1e-6)
        assert site["capacity_mw"] == pytest.approx(site["capacity_mwp"] / load_pv_systems().dc_ac_ratio, rel=1e-9)
    for m in result.municipalities:
        mine = sites[sites["municipality"] == m.name]
        assert m.indicators["pv_floating_capacity_mw"] == pytest.approx(mine["capacity_mw"].sum())
        assert m.indicators["pv_floating_energy_gwh"] == pytest.approx(mine["energy_mwh_per_a"].sum() / 1000)
    src = result.sources["pv_floating"]
    for name, series in src.hourly_mw.items():
        expected = sites.loc[sites["municipality"] == name, "energy_mwh_per_a"].sum()
        assert series.sum() == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # the named water=lake features are selected, so no warning that water=lake lakes were left out
    assert not [w for w in progress.warnings if "water=lake" in w]
    # § 6 EEG: floating PV pays its own municipality 0.2 ct/kWh
    for m in result.municipalities:
        energy = sites.loc[sites["municipality"] == m.name, "energy_mwh_per_a"].sum()
        assert m.indicators["eeg6_keur"] == pytest.approx(energy * 2.0 / 1000)


def test_without_a_filter_only_reservoirs_qualify_and_the_mine_lakes_are_named(tmp_path):
    progress = LogRecorder()
    plan = floating_plan(tmp_path, sources=(SourceSpec("pv_floating"),))
    result = run_profile(plan, progress)
    water = gpd.read_file(GPKG, layer="water", engine="pyogrio")
    reservoirs = set(water.loc[water["water"].isin(["reservoir", "basin"]), "name"])
    assert "Muldestausee" in reservoirs and set(result.sites["lake"]) == reservoirs
    assert any("water=lake" in w and "2 lake(s)" in w for w in progress.warnings)


def test_floating_without_water_layer_is_missing_not_zero(tmp_path):
    plan = floating_plan(tmp_path, layers={})
    result = run_profile(plan, LogRecorder())
    assert result.sources["pv_floating"].status == "missing"
    assert "water layer" in result.sources["pv_floating"].reason


def test_unknown_floating_option_is_refused(tmp_path):
    plan = floating_plan(tmp_path, sources=(SourceSpec("pv_floating", options={"shore": 50}),))
    with pytest.raises(InputError, match="shore_m"):
        run_profile(plan, LogRecorder())


def sites_layer(folder: Path) -> tuple[LayerRef, str]:
    """Two cheap PV parks (profitable at the table's market price), one in each of two municipalities."""
    munis = gpd.read_file(GPKG, layer="municipalities", engine="pyogrio")
    rows = []
    for name in ("Zörbig", "Landsberg"):
        poly = munis.loc[munis["name"] == name].geometry.iloc[0]
        rows.append({"site_id": f"pv-{name[:3]}", "municipality": name, "capacity_mw": 20.0,
                     "energy_mwh_per_a": 20.0 * 1050.0, "geometry": poly.representative_point()})
    path = folder / "sites.gpkg"
    gpd.GeoDataFrame(rows, crs=munis.crs).to_file(path, layer="sites", engine="pyogrio")
    hourly = folder / "hourly.csv"
    np.savetxt(hourly, np.full(8760, 1050.0 / 8760), header="capacity_factor", comments="", fmt="%.9f")
    return LayerRef(str(path), "sites"), str(hourly)


def municipalities_with_hebesatz(folder: Path) -> LayerRef:
    munis = gpd.read_file(GPKG, layer="municipalities", engine="pyogrio")
    munis["hebesatz"] = [450.0 if n == "Zörbig" else None for n in munis["name"]]
    path = folder / "munis.gpkg"
    munis.to_file(path, layer="municipalities", engine="pyogrio")
    return LayerRef(str(path), "municipalities")


def test_trade_tax_follows_the_hebesatz_of_the_layer_and_the_default(tmp_path):
    """Zörbig's field says 450 %, Landsberg has none and gets the run's 300 %: the trade tax of identical parks is
    profit × 3.5 % × Hebesatz × 90 %, so their ratio is 450/300 and each equals the formula."""
    ref, hourly = sites_layer(tmp_path)
    aoi = AreaOfInterest(municipalities_with_hebesatz(tmp_path), "name", ("Zörbig", "Landsberg"))
    plan = ProfilePlan(layers={}, aoi=aoi, output_dir=tmp_path / "out", sources=(SourceSpec("pv_ground", ref, hourly),),
                       report=False, grid_catalogue=None, hebesatz_pct=300.0)
    result = run_profile(plan, LogRecorder())
    tax = {m.name: m.indicators["trade_tax_keur"] for m in result.municipalities}
    assert tax["Zörbig"] > 0
    assert tax["Zörbig"] / tax["Landsberg"] == pytest.approx(450 / 300, rel=1e-9)
    t = load_cost_table()
    p = t.technology("pv_ground")
    kw, energy = 20_000.0, 21_000.0
    invest = kw * p.capex_eur_per_kw
    profit = energy * t.market_price_eur_per_mwh - kw * (p.opex_eur_per_kw_a + p.lease_eur_per_kw_a) \
        - invest / t.lifetime_a - 0.5 * invest * t.discount_rate
    assert tax["Landsberg"] * 1000 == pytest.approx(profit * 0.035 * 3.0 * 0.9, rel=1e-9)
    assert result.provenance["economics"]["hebesatz_pct"] == {"Zörbig": 450.0, "Landsberg": 300.0}
    # without the run's default, Landsberg gets the cost table's
    plan2 = dataclasses.replace(plan, hebesatz_pct=None, output_dir=tmp_path / "out2")
    tax2 = {m.name: m.indicators["trade_tax_keur"] for m in run_profile(plan2, LogRecorder()).municipalities}
    assert tax2["Landsberg"] / tax["Landsberg"] == pytest.approx(t.hebesatz / 3.0, rel=1e-9)
    assert tax2["Zörbig"] == pytest.approx(tax["Zörbig"], rel=1e-12)


def test_implausible_hebesatz_in_the_layer_is_reported_and_replaced(tmp_path):
    ref, hourly = sites_layer(tmp_path)
    munis = gpd.read_file(GPKG, layer="municipalities", engine="pyogrio")
    munis["hs"] = [4000.0 if n == "Zörbig" else 380.0 for n in munis["name"]]
    path = tmp_path / "m.gpkg"
    munis.to_file(path, layer="municipalities", engine="pyogrio")
    aoi = AreaOfInterest(LayerRef(str(path), "municipalities"), "name", ("Zörbig", "Landsberg"))
    progress = LogRecorder()
    plan = ProfilePlan(layers={}, aoi=aoi, output_dir=tmp_path / "out", sources=(SourceSpec("pv_ground", ref, hourly),),
                       report=False, grid_catalogue=None, hebesatz_field="hs")
    result = run_profile(plan, progress)
    assert any("Zörbig" in w and "hs" in w for w in progress.warnings)
    assert result.provenance["economics"]["hebesatz_pct"] == {"Landsberg": 380.0}
    with pytest.raises(InputError, match="hebesatz_pct"):
        dataclasses.replace(plan, hebesatz_pct=40.0).check()


def test_scenario_economics_keys(tmp_path):
    from wip_qgis_plugin.core.scenario.profile_section import read_economics

    problems: list[str] = []
    assert read_economics({"table": "economics", "hebesatz_field": "hs", "hebesatz_pct": 380}, tmp_path,
                          problems) == {"cost_table": "economics", "hebesatz_field": "hs", "hebesatz_pct": 380.0}
    assert not problems
    read_economics({"table": "no_such_table", "hebesatz_pct": 40, "hebesats": 1}, tmp_path, problems)
    assert len(problems) == 3
    assert any("hebesats" in p for p in problems) and any("no_such_table" in p for p in problems)


def test_scenario_floating_options_are_checked_on_load(tmp_path):
    from wip_qgis_plugin.core.scenario.profile_section import read_sources

    problems: list[str] = []
    specs = read_sources({"pv_floating": {"options": {"shore_m": 50, "max_shares": 0.1}}}, tmp_path, problems)
    assert specs[0].options == {"shore_m": 50, "max_shares": 0.1}
    assert len(problems) == 1 and "max_shares" in problems[0] and "max_share" in problems[0]


def test_report_economics_section_states_the_weighted_lcoe_and_the_rates(floating):
    """The report's economics table gives the energy-weighted LCOE of the sites (recomputed here from the site table)
    with its range, and the assumptions list the cost table's rates and the multiplier of each municipality."""
    from wip_qgis_plugin.core.profile.report_parts import economics_assumptions, economics_section, fmt_number

    result, _ = floating
    sites = result.sites[result.sites["municipality"] == "Muldestausee"]
    weighted = (sites["lcoe_eur_per_mwh"] * sites["energy_mwh_per_a"]).sum() / sites["energy_mwh_per_a"].sum()
    html_text = economics_section(result, "Muldestausee")
    assert "Schwimmende PV" in html_text and f">{fmt_number(weighted, '€/MWh', 'de')}<" in html_text
    assert ">3<" in html_text  # three fields
    assert "keine Standorte" in economics_section(result, "Zörbig")
    t = load_cost_table()
    text = economics_assumptions(result)
    assert f">{fmt_number(100 * t.discount_rate, '', 'de')}<" in text and "Fraunhofer ISE" in text
    assert "Standard-Hebesatz" in text and ">400<" in text  # no field, no default given: the table's 400 %


def test_cli_profile_flags_read_as_the_scenario_keys(tmp_path):
    """`wip profile/run --hebesatz-pct … --demand-scenarios none` end in the same plan fields as the scenario keys;
    a bad value stops with the key's wording."""
    import argparse

    from wip_qgis_plugin.cli import _with_profile_options
    from wip_qgis_plugin.core.scenario.spec import load_scenario, plan_from_scenario

    sc = load_scenario(REPO / "sample_layers" / "scenario.yaml", output_dir=tmp_path)
    args = argparse.Namespace(cost_table="economics", hebesatz_field="hs", hebesatz_pct=380.0,
                              demand_scenarios="none", storage_targets=None)
    plan = plan_from_scenario(_with_profile_options(sc, args))
    assert (plan.cost_table, plan.hebesatz_field, plan.hebesatz_pct, plan.demand_scenarios) == \
        ("economics", "hs", 380.0, None)
    args = argparse.Namespace(cost_table=None, hebesatz_field=None, hebesatz_pct=None, demand_scenarios=None,
                              storage_targets="75,95")
    assert plan_from_scenario(_with_profile_options(sc, args)).storage_targets_pct == (75.0, 95.0)
    with pytest.raises(SystemExit, match="hebesatz_pct"):
        _with_profile_options(sc, argparse.Namespace(cost_table=None, hebesatz_field=None, hebesatz_pct=50.0,
                                                     demand_scenarios=None, storage_targets=None))


def test_cli_floating_builds_the_same_job(tmp_path, capsys):
    """`wip floating` writes the fields of the named lakes and the reservoirs; the flooded mine not named is left out
    with a warning; the fields keep the WHG limits."""
    from wip_qgis_plugin.cli import main

    code = main(["floating", "--water", f"{GPKG}:water", "--lakes", "Goitzschesee", "--aoi", f"{GPKG}:municipalities",
                 "--out-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    fields = gpd.read_file(tmp_path / "floating_pv_fields.gpkg", layer="floating_pv", engine="pyogrio")
    water = gpd.read_file(GPKG, layer="water", engine="pyogrio")
    wanted = set(water.loc[water["water"].isin(["reservoir", "basin"]) | (water["name"] == "Goitzschesee"), "name"])
    assert set(fields["lake"]) == wanted
    assert "Seelhausener" not in set(fields["lake"]) and "water=lake" in out + err
    assert (fields["share_pct"] <= 15.0 + 1e-6).all()
    assert f"{len(fields)} field(s)" in out


def test_pv_sites_are_priced_by_their_dc_capacity_and_pay_lease_by_area():
    """The cost table is per kWp: a PV site of 10 MW AC / 12 MWp on 16 ha costs 12,000 kWp × the rates plus
    16 ha × the lease (closed-form annuity), not 10,000 kW without a lease."""
    from wip_qgis_plugin.core.economics.lcoe import annuity_factor
    from wip_qgis_plugin.core.economics.sites import site_economics

    munis = gpd.read_file(GPKG, layer="municipalities", engine="pyogrio")
    poly = munis.geometry.iloc[0]
    sites = gpd.GeoDataFrame({"site_id": ["a"], "municipality": [munis["name"].iloc[0]], "capacity_mw": [10.0],
                              "capacity_mwp": [12.0], "area_ha": [16.0], "energy_mwh_per_a": [11_500.0],
                              "source": ["pv_ground"], "grid_cost_eur": [0.0]},
                             geometry=[poly.representative_point()], crs=munis.crs)
    out, _ = site_economics(sites, munis, load_cost_table())
    t = load_cost_table()
    p = t.technology("pv_ground")
    cost = 12_000 * p.capex_eur_per_kw * annuity_factor(t.discount_rate, t.lifetime_a) + 12_000 * p.opex_eur_per_kw_a \
        + 16.0 * p.lease_eur_per_ha_a
    assert out["lcoe_eur_per_mwh"].iloc[0] == pytest.approx(cost / 11_500.0, rel=1e-9)
    assert out["lease_eur_per_a"].iloc[0] == pytest.approx(16.0 * p.lease_eur_per_ha_a)
