"""Economics: the cost table, LCOE against a discounted cash flow, § 6 EEG shares by hand, trade tax arithmetic."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml

from wip_qgis_plugin.core.economics.costs import load_cost_table
from wip_qgis_plugin.core.economics.lcoe import annuity_factor, lcoe_eur_per_mwh, site_lcoe
from wip_qgis_plugin.core.economics.value import (
    eeg_payments,
    eeg_shares,
    present_value,
    taxable_profit_eur,
    trade_tax_eur,
)
from wip_qgis_plugin.core.errors import SpecError


def test_the_shipped_table_has_a_source_and_unit_for_every_value():
    t = load_cost_table()
    assert (t.discount_rate, t.lifetime_a, t.eeg_payment_eur_per_mwh, t.eeg_wind_radius_m) == (0.05, 25.0, 2.0, 2500.0)
    assert (t.trade_tax_rate, t.trade_tax_site_share, t.hebesatz) == (0.035, 0.9, 4.0)
    assert set(t.technologies) == {"wind", "pv_ground", "pv_agri", "pv_floating", "pv_parking", "pv_rooftop"}
    for tech in t.technologies.values():
        assert tech.capex_low_eur_per_kw <= tech.capex_eur_per_kw <= tech.capex_high_eur_per_kw
    assert t.price_year == 2024 and "Fraunhofer ISE" in t.sources["ise2024"].en
    assert "Spannen der Investitions- und Betriebskosten" in t.sources["ise2024"].de


def test_a_bad_table_lists_every_problem(tmp_path):
    bad = tmp_path / "costs.yml"
    bad.write_text(yaml.safe_dump({
        "schema": "wip-economics/1", "sources": {"s": "x"}, "discount_rate": {"value": "5 %", "source": "s"},
        "lifetime": {"value": 25, "source": "s"}, "market_price": {"value": "70 EUR/MWh"},
        "technologies": {"wind": {"capex": {"value": "1600 EUR/m", "source": "s"},
                                  "opex": {"value": "45 EUR/kW/a", "source": "t"}}},
        "municipal": {}}), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_cost_table(str(bad))
    text = str(err.value)
    for expected in ("lifetime.value: 25 has no unit", "market_price.source: required",
                     "technologies.wind.capex.value", "technologies.wind.opex.source: 't' is not a key",
                     "municipal.eeg_payment: required", "technologies.wind.label"):
        assert expected in text, expected


def discounted_lcoe(capex, opex, energy, rate, years):
    """Oracle: the price p with Σ p·E/(1+r)^t = CAPEX + Σ OPEX/(1+r)^t, t = 1 … n (a year at a time)."""
    disc = sum((1 + rate) ** -t for t in range(1, int(years) + 1))
    return (capex + opex * disc) / (energy * disc)


@pytest.mark.parametrize("rate, years", [(0.05, 25), (0.0, 20), (0.08, 30)])
def test_lcoe_equals_the_discounted_cash_flow(rate, years):
    capex, opex, energy = 4.2e6 * 1.6, 4200 * 45.0, 4200 * 2.1  # a 4.2 MW turbine, 2,100 h/a
    assert float(lcoe_eur_per_mwh(capex, opex, energy, rate, years)) == pytest.approx(
        discounted_lcoe(capex, opex, energy, rate, years), rel=1e-12)
    assert annuity_factor(0.05, 25) == pytest.approx(0.0709525, rel=1e-6)


def test_site_lcoe_counts_connection_and_lease_and_zero_energy_is_nan():
    t = load_cost_table()
    wind = site_lcoe(t, "wind", [4200.0, 4200.0, 4200.0], [8820.0, 8820.0, 0.0], connection_eur=[0.0, 1e6, 0.0])
    a = annuity_factor(0.05, 25)
    expected = (4200 * 1600 * a + 4200 * (45 + 20)) / 8820
    assert wind[0] == pytest.approx(expected) and wind[1] == pytest.approx(expected + 1e6 * a / 8820)
    assert math.isnan(wind[2])
    pv = site_lcoe(t, "pv_ground", 10_000.0, 10_500.0, area_ha=10.0)
    assert float(pv) == pytest.approx((10_000 * 800 * a + 10_000 * 14 + 10 * 2500) / 10_500)
    low, high = (float(site_lcoe(t, "pv_ground", 1.0, 1.05, bound=b)) for b in ("low", "high"))
    assert low < float(site_lcoe(t, "pv_ground", 1.0, 1.05)) < high
    assert 40 < low and high < 90                         # EUR/MWh: the order of the ISE 2024 range for ground PV


def test_eeg_payment_of_a_turbine_on_a_municipal_border_by_hand():
    """A turbine 1,000 m west of the border of two square municipalities: the 2.5 km circle lies 1,000 m into the
    eastern one; its share is the circular segment's area over the circle's (closed form)."""
    r, d = 2500.0, 1000.0
    west = shapely.box(-20_000, -20_000, 0, 20_000)
    east = shapely.box(0, -20_000, 20_000, 20_000)
    far = shapely.box(30_000, 30_000, 40_000, 40_000)
    turbine = shapely.Point(-d, 0.0)
    shares = eeg_shares([turbine], [west, east, far], r, quad_segs=2048)
    h = r - d                                             # the segment beyond the border
    segment = r * r * math.acos((r - h) / r) - (r - h) * math.sqrt(2 * r * h - h * h)
    assert shares[0, 1] == pytest.approx(segment / (math.pi * r * r), rel=1e-5)
    assert shares[0].sum() == pytest.approx(1.0) and shares[0, 2] == 0.0
    payments = eeg_payments([10_000.0], shares)           # 10 GWh × 0.2 ct/kWh = 20,000 EUR
    assert payments.sum() == pytest.approx(20_000.0)
    assert payments[1] == pytest.approx(20_000.0 * segment / (math.pi * r * r), rel=1e-5)
    # a second turbine far inside the west: all of it to the west
    two = eeg_shares([turbine, shapely.Point(-10_000, 0)], [west, east], r)
    assert two[1] == pytest.approx([1.0, 0.0])
    assert eeg_shares([shapely.Point(100_000, 0)], [west, east], r).sum() == 0.0   # abroad: nobody
    # only the study municipality in the layer: it gets its own share of the circle, not the whole payment
    alone = eeg_shares([turbine], [west], r, quad_segs=2048)
    assert alone[0, 0] == pytest.approx(1 - segment / (math.pi * r * r), rel=1e-5)


def test_trade_tax_arithmetic():
    t = load_cost_table()
    # profit 100,000 EUR at Hebesatz 400 %: 100,000 × 3.5 % × 4 × 90 % = 12,600 EUR to the site
    assert float(trade_tax_eur(100_000.0, 4.0, t)) == pytest.approx(12_600.0)
    assert float(trade_tax_eur(100_000.0, 4.0, t, allowance=True)) == pytest.approx(75_500 * 0.035 * 4 * 0.9)
    assert float(trade_tax_eur(-5.0, 4.0, t)) == 0.0
    profit = taxable_profit_eur(t, "wind", 4200.0, 8820.0)
    invest = 4200 * 1600.0
    expected = 8820 * 70 - 4200 * 65 - invest / 25 - 0.5 * invest * 0.05
    assert float(profit) == pytest.approx(max(expected, 0.0))
    assert float(present_value(1000.0, t)) == pytest.approx(1000.0 * sum(1.05 ** -k for k in range(1, 26)))
    assert np.all(taxable_profit_eur(t, "wind", 4200.0, [0.0, 20_000.0]) >= 0)


def test_site_economics_by_hand():
    """A wind farm near the border of two municipalities and a PV park in the east: § 6 EEG of the farm shared by
    the areas of its 2.5 km zone (shapely), the park's to its own municipality; trade tax and lease per site."""
    import geopandas as gpd

    from wip_qgis_plugin.core.economics.sites import site_economics

    t = load_cost_table()
    west, east = shapely.box(-20_000, -20_000, 0, 20_000), shapely.box(0, -20_000, 20_000, 20_000)
    munis = gpd.GeoDataFrame({"name": ["West", "Ost"]}, geometry=[west, east], crs="EPSG:25832")
    farm = shapely.box(-1500, -200, -500, 200)
    park = shapely.box(5000, 0, 5300, 300)
    sites = gpd.GeoDataFrame({"source": ["wind", "pv_ground", "pv_rooftop"], "municipality": ["West", "Ost", "Ost"],
                              "capacity_mw": [12.6, 9.0, 0.1], "energy_mwh_per_a": [25_000.0, 9_500.0, 95.0],
                              "grid_cost_eur": [1e6, np.nan, np.nan], "area_ha": [0.0, 9.0, 0.0]},
                             geometry=[farm, park, shapely.Point(6000, 0)], crs="EPSG:25832")
    out, per = site_economics(sites, munis, t, {"Ost": 3.8})
    zone = farm.buffer(2500, quad_segs=256)
    east_share = zone.intersection(east).area / zone.area
    assert per["Ost"]["eeg6_eur_per_a"] == pytest.approx(25_000 * 2 * east_share + 9_500 * 2, rel=5e-5)
    assert per["West"]["eeg6_eur_per_a"] == pytest.approx(25_000 * 2 * (1 - east_share), rel=5e-5)
    profit = max(9_500 * 70 - 9_000 * 14 - 9 * 2500 - 9_000 * 800 / 25 - 0.5 * 9_000 * 800 * 0.05, 0.0)
    assert out.loc[1, "trade_tax_eur_per_a"] == pytest.approx(profit * 0.035 * 3.8 * 0.9)
    assert out.loc[1, "lease_eur_per_a"] == pytest.approx(9 * 2500)
    assert per["Ost"]["trade_tax_eur_per_a"] == pytest.approx(out.loc[1, "trade_tax_eur_per_a"]
                                                             + out.loc[2, "trade_tax_eur_per_a"])
    assert np.isfinite(out["lcoe_eur_per_mwh"]).all() and "lcoe_wind_eur_per_mwh" in per["West"]


def test_size_bands_price_small_plants_apart(tmp_path):
    """Rooftop PV below 30 kWp takes its band's investment, larger roofs the technology's; the LCOE of both equals
    the closed-form annuity; bands are checked (a band without a size, or two ending at the same size)."""
    import numpy as np
    import pytest as _pytest

    from wip_qgis_plugin.core.economics.costs import load_cost_table
    from wip_qgis_plugin.core.economics.lcoe import annuity_factor, site_lcoe
    from wip_qgis_plugin.core.errors import SpecError

    t = load_cost_table()
    roof = t.technology("pv_rooftop")
    assert roof.sizes and roof.sizes[0].below_kw == 30.0
    kw = np.array([9.9, 30.0, 250.0])
    energy = kw * 0.95
    a = annuity_factor(t.discount_rate, t.lifetime_a)
    capex = np.where(kw < 30, roof.sizes[0].capex[0], roof.capex_eur_per_kw)
    expected = (kw * capex * a + kw * roof.opex_eur_per_kw_a) / energy
    np.testing.assert_allclose(site_lcoe(t, "pv_rooftop", kw, energy), expected, rtol=1e-12)
    assert roof.capex_for([10.0], "high")[0] == roof.sizes[0].capex[2]
    bad = (tmp_path / "costs.yml")
    text = (Path(t.origin).read_text(encoding="utf-8")
            .replace("      - below: 30 kW", "      - below: 30 kW\n        capex: {value: 1 EUR/kWp, source: ise2024}\n"
                     "      - below: 30 kW\n        capex: {value: 2 EUR/kWp, source: ise2024}\n      - below: x", 1))
    bad.write_text(text, encoding="utf-8")
    with _pytest.raises(SpecError) as info:
        load_cost_table(bad)
    assert "sizes" in str(info.value)
