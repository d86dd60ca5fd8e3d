"""Weather: DWD TRY regions and files, PVGIS TMY / EPW / plain CSV readers, DNI derivation, errors."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from wip_qgis_plugin.core.data import weather as wx
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.data.weather import (
    COLUMNS,
    Weather,
    dni_from_beam_horizontal,
    find_try_region,
    load_try,
    read_weather,
    read_weather_csv,
    weather_for_site,
)

HALLE = (11.97, 51.48)
REALDATA_TRY = Path("/work/shared/realdata/met_dwd_try2010_demandlib")


@pytest.fixture(scope="module")
def try4() -> Weather:
    return load_try(4)


# --------------------------------------------------------------------------- regions

@pytest.mark.parametrize(("lon", "lat", "region"), [
    (11.97, 51.48, 4),    # Halle (Saale)
    (12.37, 51.34, 4),    # Leipzig
    (13.06, 52.40, 4),    # Potsdam (the TRY 4 station)
    (12.92, 50.83, 9),    # Chemnitz (the TRY 9 station)
    (11.59, 50.93, 9),    # Jena
    (10.62, 51.80, 8),    # Braunlage (Oberharz)
    (12.08, 54.18, 2),    # Rostock-Warnemünde
])
def test_find_try_region(lon, lat, region):
    assert find_try_region(lon, lat) == region


@pytest.mark.parametrize(("lon", "lat"), [(2.35, 48.85), (51.48, 11.97), (float("nan"), 51.0)])
def test_find_try_region_outside_germany_or_swapped(lon, lat):
    with pytest.raises(InputError, match="outside the 15|not a number"):
        find_try_region(lon, lat)


# --------------------------------------------------------------------------- TRY

def test_try_region4_header_and_shape(try4):
    assert try4.name == "TRY 2010 region 4 (Potsdam)"
    assert try4.latitude == pytest.approx(52 + 23 / 60)
    assert try4.longitude == pytest.approx(13 + 4 / 60)
    assert try4.elevation_m == 81.0
    assert try4.wind_height_m == 10.0
    assert try4.region == 4
    assert "Potsdam" in try4.source and "TRY 2010" in try4.source
    assert list(try4.data.columns) == list(COLUMNS)
    index = try4.data.index
    assert len(index) == 8760 and str(index.tz) == "UTC"
    # HH=1 MEZ on 1 January (00:00-01:00 MEZ) ends at 00:00 UTC; HH=24 on 31 Dec ends at 23:00 UTC
    assert index[0] == pd.Timestamp("2010-01-01 00:00", tz="UTC")
    assert index[-1] == pd.Timestamp("2010-12-31 23:00", tz="UTC")
    assert try4.irradiance_time_offset_min == -30.0


def test_try_region4_first_row_values(try4):
    # first data line: " 4 1 1 1 1 7 230 5.7 -2.6 1005.3 2.2 93 70 0 0 ..."
    first = try4.data.iloc[0]
    assert first["wind_direction"] == 230 and first["wind_speed"] == 5.7
    assert first["temp_air"] == -2.6 and first["pressure"] == pytest.approx(100530.0)
    assert first["relative_humidity"] == 93 and first["ghi"] == 0


def test_try_region4_annual_sums_match_domain_figures(try4):
    # DOMAIN.md: TRY region 4 GHI ≈ 1,075 kWh/m²/a, mean wind 4.0 m/s at 10 m
    assert try4.annual_ghi_kwh_per_m2() == pytest.approx(1075, rel=0.01)
    assert try4.data["wind_speed"].mean() == pytest.approx(4.0, abs=0.1)
    assert (try4.data["dhi"] <= try4.data["ghi"]).all()


def test_try_hour_ending_convention_puts_solar_noon_mid_interval(try4):
    # mean GHI by label hour is symmetric about label ≈ 11.6 UTC = mid-point 11:08 UTC (solar noon at 13.07° E)
    profile = try4.data["ghi"].groupby(try4.data.index.hour).mean()
    centre = float((profile * profile.index).sum() / profile.sum())
    noon_utc = 12 - 13.07 / 15
    assert centre - 0.5 == pytest.approx(noon_utc, abs=0.2)


def test_try_dni_reproduces_beam_horizontal(try4):
    d = try4.data
    zenith = pvlib.solarposition.get_solarposition(
        try4.solar_times(), try4.latitude, try4.longitude, altitude=81)["apparent_zenith"].to_numpy()
    beam_back = d["dni"].to_numpy() * np.clip(np.cos(np.radians(zenith)), 0, None)
    beam = (d["ghi"] - d["dhi"]).to_numpy()
    assert beam_back.sum() == pytest.approx(beam.sum(), rel=0.002)   # < 0.2 % lost above 88°
    day = zenith < 80
    assert np.allclose(beam_back[day], beam[day], atol=1e-6)


def test_load_try_returns_independent_copies():
    a = load_try(9)
    a.data.loc[:, "ghi"] = -1
    assert load_try(9).data["ghi"].min() == 0


@pytest.mark.parametrize("region", [0, 16, "4", True])
def test_load_try_rejects_bad_region(region):
    with pytest.raises(InputError, match="1..15"):
        load_try(region)


def test_all_regions_load_with_plausible_ghi():
    for region in range(1, 16):
        weather = load_try(region)
        assert 900 < weather.annual_ghi_kwh_per_m2() < 1200, region
        assert 47 < weather.latitude < 55 and 6 < weather.longitude < 15


@pytest.mark.skipif(not REALDATA_TRY.is_dir(), reason="real data not present")
def test_try_matches_realdata_copy(try4):
    files = sorted(REALDATA_TRY.rglob("*04*Jahr*.dat"))
    if not files:
        pytest.skip("no TRY region 4 file in the real data folder")
    lines = [ln.split() for ln in files[0].read_text(encoding="utf-8", errors="replace").splitlines()]
    start = next(i for i, ln in enumerate(lines) if ln and ln[0].startswith("***"))
    rows = np.array([ln for ln in lines[start + 1:] if ln], dtype=float)
    assert np.allclose(rows[:, 13] + rows[:, 14], try4.data["ghi"].to_numpy())


# --------------------------------------------------------------------------- dispatcher

@pytest.mark.parametrize("source", [4, "TRY04", "try:4", "try 4"])
def test_read_weather_try_names(source):
    assert read_weather(source).region == 4


def test_weather_for_site_defaults_to_try_region():
    assert weather_for_site(*HALLE).region == 4


def test_read_weather_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_weather(tmp_path / "nope.csv")


def test_read_weather_unknown_suffix(tmp_path):
    path = tmp_path / "weather.xlsx"
    path.write_text("x")
    with pytest.raises(InputError, match="unknown format"):
        read_weather(path)


# --------------------------------------------------------------------------- plain CSV

def _write_csv(try4: Weather, path: Path, columns: list[str], time: bool = True, **renames) -> Path:
    frame = try4.data[columns].rename(columns=renames)
    if time:
        frame.insert(0, "time", try4.data.index.strftime("%Y-%m-%dT%H:%M:%SZ"))
    frame.to_csv(path, index=False)
    return path


def test_plain_csv_roundtrip(try4, tmp_path):
    path = _write_csv(try4, tmp_path / "w.csv", list(COLUMNS))
    weather = read_weather(path)
    pd.testing.assert_frame_equal(weather.data, try4.data, check_freq=False, check_names=False)
    assert weather.irradiance_time_offset_min == -30.0


def test_plain_csv_without_time_column_and_semicolons(try4, tmp_path):
    path = tmp_path / "w.csv"
    try4.data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].to_csv(path, index=False, sep=";")
    weather = read_weather_csv(path)
    assert weather.data.index[0] == pd.Timestamp("2010-01-01", tz="UTC")
    assert np.allclose(weather.data["ghi"], try4.data["ghi"])
    assert weather.data["pressure"].eq(101325.0).all()


def test_plain_csv_local_offset_is_converted_to_utc(try4, tmp_path):
    frame = try4.data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].copy()
    frame.insert(0, "Time", try4.data.index.tz_convert("Etc/GMT-1").strftime("%Y-%m-%d %H:%M%z"))
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    assert read_weather_csv(path).data.index.equals(try4.data.index)


def test_plain_csv_derives_dni_from_beam_horizontal(try4, tmp_path):
    frame = pd.DataFrame({"time": try4.data.index.strftime("%Y-%m-%dT%H:%MZ"),
                          "BHI": (try4.data["ghi"] - try4.data["dhi"]).to_numpy(),
                          "dhi": try4.data["dhi"].to_numpy(), "temp_air": try4.data["temp_air"].to_numpy(),
                          "wind_speed": try4.data["wind_speed"].to_numpy()})
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    weather = read_weather_csv(path, latitude=try4.latitude, longitude=try4.longitude, elevation_m=81)
    assert np.allclose(weather.data["dni"], try4.data["dni"])
    assert np.allclose(weather.data["ghi"], try4.data["ghi"])


def test_plain_csv_derives_dni_from_ghi_and_dhi_with_site_position(try4, tmp_path):
    path = _write_csv(try4, tmp_path / "w.csv", ["ghi", "dhi", "temp_air", "wind_speed"])
    weather = weather_for_site(try4.longitude, try4.latitude, path)
    assert weather.data["dni"].sum() == pytest.approx(try4.data["dni"].sum(), rel=1e-3)


def test_plain_csv_deriving_needs_position(try4, tmp_path):
    path = _write_csv(try4, tmp_path / "w.csv", ["ghi", "dhi", "temp_air", "wind_speed"])
    with pytest.raises(InputError, match="needs the position"):
        read_weather_csv(path)


def test_plain_csv_missing_column_is_named(try4, tmp_path):
    path = _write_csv(try4, tmp_path / "w.csv", ["ghi", "dni", "dhi", "temp_air"])
    with pytest.raises(InputError, match=r"w\.csv.*missing column\(s\) wind_speed"):
        read_weather(path)


def test_plain_csv_one_irradiance_column_is_not_enough(try4, tmp_path):
    path = _write_csv(try4, tmp_path / "w.csv", ["ghi", "temp_air", "wind_speed"])
    with pytest.raises(InputError, match="not enough"):
        read_weather(path)


def test_plain_csv_gap_in_timestamps_is_reported(try4, tmp_path):
    frame = try4.data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].drop(try4.data.index[100])
    frame.insert(0, "time", frame.index.strftime("%Y-%m-%dT%H:%MZ"))
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"consecutive hours.*2010-01-05 03:00.*2010-01-05 05:00"):
        read_weather(path)


def test_plain_csv_duplicate_and_unreadable_timestamps(try4, tmp_path):
    frame = try4.data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].copy()
    stamps = list(frame.index.strftime("%Y-%m-%dT%H:%MZ"))
    frame.insert(0, "time", stamps)
    frame.iloc[5, 0] = stamps[4]
    frame.to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(InputError, match="occurs twice"):
        read_weather(tmp_path / "dup.csv")
    frame.iloc[5, 0] = "yesterday"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError, match="row 6 cannot be read"):
        read_weather(tmp_path / "bad.csv")


def test_plain_csv_short_record_and_unit_errors(try4, tmp_path):
    path = _write_csv(try4, tmp_path / "w.csv", ["ghi", "dni", "dhi", "temp_air", "wind_speed"])
    short = pd.read_csv(path).iloc[:1000]
    short.to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(InputError, match="1000 hourly rows"):
        read_weather(tmp_path / "short.csv")
    joules = pd.read_csv(path)
    joules["ghi"] *= 3.6   # kJ/m² per hour
    joules.to_csv(tmp_path / "kj.csv", index=False)
    with pytest.raises(InputError, match="'ghi' reaches"):
        read_weather(tmp_path / "kj.csv")
    kelvin = pd.read_csv(path)
    kelvin["temp_air"] += 273.15
    kelvin.to_csv(tmp_path / "k.csv", index=False)
    with pytest.raises(InputError, match="Kelvin"):
        read_weather(tmp_path / "k.csv")
    holes = pd.read_csv(path)
    holes.loc[42, "temp_air"] = np.nan
    holes.to_csv(tmp_path / "holes.csv", index=False)
    with pytest.raises(InputError, match="'temp_air' has no value.*data row 43"):
        read_weather(tmp_path / "holes.csv")


# --------------------------------------------------------------------------- PVGIS and EPW

def _pvgis_rows(try4: Weather) -> pd.DataFrame:
    d = try4.data
    # months from different years, as in a real PVGIS TMY
    index = pd.DatetimeIndex([t.replace(year=2005 + t.month % 7) for t in d.index])
    return pd.DataFrame({
        "time(UTC)": index.strftime("%Y%m%d:%H%M"), "T2m": d["temp_air"].to_numpy(),
        "RH": d["relative_humidity"].to_numpy(), "G(h)": d["ghi"].to_numpy(),
        "Gb(n)": d["dni"].to_numpy(), "Gd(h)": d["dhi"].to_numpy(), "IR(h)": 300.0,
        "WS10m": d["wind_speed"].to_numpy(), "WD10m": d["wind_direction"].fillna(0).to_numpy(),
        "SP": d["pressure"].to_numpy()})


def test_pvgis_tmy_json(try4, tmp_path):
    rows = _pvgis_rows(try4)
    src = {"inputs": {"location": {"latitude": 51.48, "longitude": 11.97, "elevation": 90.0}},
           "outputs": {"months_selected": [{"month": m, "year": 2005 + m % 7} for m in range(1, 13)],
                       "tmy_hourly": rows.to_dict("records")},
           "meta": {"inputs": {}}}
    path = tmp_path / "tmy.json"
    path.write_text(json.dumps(src))
    weather = read_weather(path)
    assert (weather.latitude, weather.longitude, weather.elevation_m) == (51.48, 11.97, 90.0)
    assert weather.data.index[0] == pd.Timestamp("2010-01-01", tz="UTC")
    assert np.allclose(weather.data["ghi"], try4.data["ghi"])
    assert np.allclose(weather.data["pressure"], try4.data["pressure"])


def test_pvgis_tmy_csv(try4, tmp_path):
    rows = _pvgis_rows(try4)
    head = ("Latitude (decimal degrees): 51.480\r\nLongitude (decimal degrees): 11.970\r\n"
            "Elevation (m): 90.0\r\nIrradiance Time Offset (h): 0.1761\r\nmonth,year\r\n"
            + "".join(f"{m},{2005 + m % 7}\r\n" for m in range(1, 13)))
    body = rows.to_csv(index=False, lineterminator="\r\n")
    path = tmp_path / "tmy.csv"
    path.write_bytes((head + body + "T2m: 2-m air temperature (degree Celsius)\r\n").encode())
    weather = read_weather(path)
    assert weather.irradiance_time_offset_min == pytest.approx(0.1761 * 60)
    assert np.allclose(weather.data["dni"], try4.data["dni"])
    assert weather.latitude == 51.48


def test_pvgis_json_that_is_not_pvgis(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}')
    with pytest.raises(InputError, match="not a PVGIS TMY file"):
        read_weather(path)


def _write_epw(try4: Weather, path: Path) -> Path:
    local = try4.data.tz_convert("Etc/GMT-1")   # EPW: local standard time, hour-ending labels
    header = ["LOCATION,Potsdam,BB,DEU,TRY2010,103790,52.38,13.07,1.0,81.0"] + [
        "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,test", "COMMENTS 2,test",
        "DATA PERIODS,1,1,Data,Friday,1/1,12/31"]
    lines = []
    for t, row in zip(local.index, local.itertuples(index=False)):
        hour = t.hour if t.hour else 24
        day = t - pd.Timedelta(hours=1) if t.hour == 0 else t
        values = [1999, day.month, day.day, hour, 60, "?", row.temp_air, 0.0, row.relative_humidity,
                  row.pressure, 0, 0, 300, row.ghi, row.dni, row.dhi, 0, 0, 0, 0,
                  999 if math.isnan(row.wind_direction) else row.wind_direction, row.wind_speed,
                  5, 5, 9999, 99999, 9, 999999999, 0, 0.1, 0, 88, 0.2, 0, 0]
        lines.append(",".join(str(v) for v in values))
    path.write_text("\n".join(header + lines) + "\n")
    return path


def test_epw(try4, tmp_path):
    weather = read_weather(_write_epw(try4, tmp_path / "potsdam.epw"))
    assert weather.name == "EPW Potsdam" and weather.elevation_m == 81.0
    assert weather.irradiance_time_offset_min == -30.0
    pd.testing.assert_index_equal(weather.data.index, try4.data.index, check_names=False)
    assert np.allclose(weather.data["ghi"], try4.data["ghi"])
    assert np.allclose(weather.data["pressure"], try4.data["pressure"])
    assert weather.data["wind_direction"].isna().sum() == try4.data["wind_direction"].isna().sum()


def test_dni_from_beam_horizontal_values():
    times = pd.DatetimeIndex(["2010-06-21 11:00", "2010-06-21 23:00"], tz="UTC")
    zenith = pvlib.solarposition.get_solarposition(times, 51.5, 12.0)["apparent_zenith"].to_numpy()
    dni = dni_from_beam_horizontal(np.array([500.0, 10.0]), times, 51.5, 12.0)
    assert dni[0] == pytest.approx(500 / math.cos(math.radians(zenith[0])))
    assert dni[1] == 0.0   # night
    # beam near the horizon is capped at the extraterrestrial normal irradiance
    low = pd.DatetimeIndex(["2010-12-21 07:35"], tz="UTC")
    assert dni_from_beam_horizontal(np.array([200.0]), low, 51.5, 12.0)[0] <= 1415


def test_weather_years():
    index = pd.date_range("2010-01-01", periods=2 * 8760, freq="h", tz="UTC")
    frame = pd.DataFrame({c: 1.0 for c in COLUMNS}, index=index)
    weather = Weather(frame, 0, 0, 0, 10, "x", "y")
    assert weather.years == pytest.approx(2 * 8760 / 8766)
    assert wx.TYPICAL_YEAR == 2010
