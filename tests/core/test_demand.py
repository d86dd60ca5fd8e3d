"""Annual demand from population or a table; BDEW hourly profiles from demandlib."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from wip_qgis_plugin.core.profile.demand import (
    PROFILE_BUILDERS,
    build_demand_catalogue,
    demand_from_population,
    demands_for,
    easter_sunday,
    hourly_demand_mw,
    load_demand_catalogue,
    profile_shares,
    public_holidays,
    read_demand_table,
)
from wip_qgis_plugin.core.errors import SpecError, InputError


@pytest.fixture(scope="module")
def cat():
    return load_demand_catalogue()


def test_preset_has_sources_and_units(cat):
    assert cat.id == "demand" and cat.version
    assert {s.id for s in cat.sectors} >= {"households", "commerce", "industry"}
    for s in cat.sectors:
        assert s.source.de and s.source.en and s.kwh_per_inhabitant > 0 and s.profile in PROFILE_BUILDERS
    assert cat.sector("households").kwh_per_inhabitant == 1500.0


def test_annual_demand_is_population_times_figures(cat):
    md = demand_from_population("Zörbig", "15082430", 1000, cat)
    assert md.by_sector_mwh["households"] == pytest.approx(1500.0)
    assert md.annual_mwh == pytest.approx(sum(s.kwh_per_inhabitant for s in cat.sectors))
    with pytest.raises(InputError, match="population"):
        demand_from_population("X", "", -3, cat)


@pytest.mark.parametrize("profile", ["h0", "h0_dyn", "h25", "g0", "g25", "l0", "industrial"])
def test_profiles_are_hourly_shares_of_the_year(profile):
    shares = profile_shares(profile, 2010)
    assert shares.shape == (8760,)
    assert shares.sum() == pytest.approx(1.0)
    assert np.all(shares > 0)
    assert not shares.flags.writeable


def test_h25_has_a_winter_evening_peak_and_g0_works_on_weekdays():
    h0 = profile_shares("h25", 2010)
    g0 = profile_shares("g0", 2010)
    jan = slice(0, 31 * 24)
    jul = slice(181 * 24, 212 * 24)
    assert h0[jan].mean() > h0[jul].mean()            # households use more in winter
    day = h0[6 * 24:7 * 24]                           # Thursday 7 Jan 2010
    assert day[18:21].max() > day[2:5].max()          # evening above night
    monday, sunday = g0[10 * 24 + 10], g0[9 * 24 + 10]  # 11 and 10 Jan 2010, 10:00
    assert monday > 1.5 * sunday


def test_leap_year_has_8784_hours():
    assert profile_shares("h0", 2012).shape == (8784,)


def test_hourly_demand_conserves_the_annual_sum(cat):
    md = demand_from_population("A", "15000000", 12_345, cat)
    hourly = hourly_demand_mw(md, cat, 2010)
    assert hourly.sum() == pytest.approx(md.annual_mwh, rel=1e-12)


def test_holidays():
    assert easter_sunday(2010) == dt.date(2010, 4, 4)
    assert easter_sunday(2024) == dt.date(2024, 3, 31)
    st = public_holidays(2010, "ST")
    assert dt.date(2010, 10, 31) in st and dt.date(2010, 1, 6) in st
    assert dt.date(2010, 11, 17) in public_holidays(2010, "SN")  # Buß- und Bettag
    assert dt.date(2010, 10, 31) not in public_holidays(2010, "XX")


#: Statewide public holidays in 2024 per Land (9 national ones plus the Land's own), as the Länder list them.
HOLIDAYS_2024 = {"BW": 12, "BY": 12, "BE": 10, "BB": 10, "HB": 10, "HH": 10, "HE": 10, "MV": 11, "NI": 10, "NW": 11,
                 "RP": 11, "SL": 12, "SN": 11, "ST": 11, "SH": 10, "TH": 11}


def test_holidays_of_every_land():
    assert {land: len(public_holidays(2024, land)) for land in HOLIDAYS_2024} == HOLIDAYS_2024
    by, be, sn = public_holidays(2024, "BY"), public_holidays(2024, "BE"), public_holidays(2024, "SN")
    assert by[dt.date(2024, 5, 30)] == "Fronleichnam" and dt.date(2024, 11, 1) in by and dt.date(2024, 1, 6) in by
    assert be[dt.date(2024, 3, 8)] == "Internationaler Frauentag" and dt.date(2024, 10, 31) not in be
    assert sn[dt.date(2024, 11, 20)] == "Buß- und Bettag"
    assert dt.date(2024, 8, 15) in public_holidays(2024, "SL") and dt.date(2024, 9, 20) in public_holidays(2024, "TH")
    assert dt.date(2017, 10, 31) in public_holidays(2017, "BY")          # the 500th anniversary, everywhere
    assert dt.date(2015, 10, 31) not in public_holidays(2015, "NI")      # the north since 2018
    assert dt.date(2022, 3, 8) not in public_holidays(2022, "MV")        # Frauentag in MV since 2023
    assert dt.date(2025, 5, 8) in public_holidays(2025, "BE")


def test_demand_table_per_sector_and_total(cat, tmp_path):
    per_sector = tmp_path / "d.csv"
    per_sector.write_text("name,ags,households_mwh,industry_mwh\nZörbig,15082430,1000,250\n", encoding="utf-8")
    rows = read_demand_table(per_sector, cat)
    assert rows["Zörbig"] == rows["15082430"]
    assert rows["Zörbig"]["households"] == 1000 and rows["Zörbig"]["commerce"] == 0
    total = tmp_path / "t.csv"
    total.write_text("ags;total_mwh\n15082430;1.234,5\n", encoding="utf-8")  # German Excel
    assert sum(read_demand_table(total, cat)["15082430"].values()) == pytest.approx(1234.5)


def test_demand_table_problems_are_named(cat, tmp_path):
    bad = tmp_path / "b.csv"
    bad.write_text("name,total_mwh\nA,abc\nB,-1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_demand_table(bad, cat)
    assert "row 2" in str(info.value) and "row 3" in str(info.value)
    nokey = tmp_path / "n.csv"
    nokey.write_text("gemeinde,total_mwh\nA,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="'name' or 'ags'"):
        read_demand_table(nokey, cat)


def test_demands_for_prefers_the_table_and_names_gaps(cat):
    out = demands_for(["A", "B"], ["1", "2"], [100, 200], cat, {"2": {"households": 5.0}}, "t.csv")
    assert out[0].origin == "population" and out[1].origin == "t.csv" and out[1].annual_mwh == 5.0
    with pytest.raises(InputError, match="C"):
        demands_for(["C"], ["3"], [None], cat)


def test_catalogue_problems_are_all_reported():
    with pytest.raises(SpecError) as info:
        build_demand_catalogue({"schema": "wip-demand/1", "valid_from": "2020-01-01", "sources": {"s": "x"},
                                "sectors": [{"id": "a", "per_inhabitant": {"value": "12", "source": "s"},
                                             "profile": {"id": "h0"}},
                                            {"id": "b", "per_inhabitant": {"value": "1 kWh", "source": "q"},
                                             "profile": {"id": "zz"}, "label": {"de": "V (B", "E)": None}}]})
    text = str(info.value)
    assert "sectors[0].per_inhabitant.value" in text and "sectors[1].per_inhabitant.source" in text
    assert "sectors[1].profile.id" in text and "sectors[1].label" in text
