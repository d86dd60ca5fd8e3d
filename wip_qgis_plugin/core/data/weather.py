"""Hourly weather for the energy models: DWD test reference years and user files.

Slightly longer than 700 lines because every weather reader (TRY, PVGIS, EPW, CSV) stands behind one type.

One data type, :class:`Weather`, whatever the source:

* **DWD TRY 2010** (default): the test reference year of the climate region that contains the
  site (:func:`find_try_region`, :func:`load_try`), read from the data files shipped in the PyPI
  package demandlib (``demandlib/vdi/resources_weather``; 15 climate regions of Germany).
* **PVGIS TMY** (CSV or JSON as downloaded from PVGIS), **EPW**, and a **plain CSV** with
  ``ghi/dni/dhi/temp_air/wind_speed`` columns (:func:`read_weather_csv`).

:func:`read_weather` dispatches on the source (a TRY region number, ``"TRY04"``, or a file path,
by format from the registry :data:`READERS`).

Timestamp convention
--------------------
``Weather.data`` has an hourly, tz-aware **UTC** index. Each label is the timestamp the source
gives the value; what it stands for is stated by ``irradiance_time_offset_min``: the minutes to
add to a label to get the instant that represents the value (used for the solar position).

* TRY: ``HH`` is 1..24 in MEZ (UTC+1) and the values are means over the hour ending at ``HH``.
  The label is the **end of the hour** in UTC, so ``MM=1, DD=1, HH=1`` (00:00–01:00 MEZ) becomes
  ``2010-01-01 00:00 UTC`` and the year covers ``2010-01-01 00:00`` .. ``2010-12-31 23:00`` UTC
  (8760 h; the TRY is a synthetic year without a year number, 2010 is used as a non-leap
  year). The offset is ``-30`` min (the mid-point of the hour).
* EPW: hour-ending means in local standard time, converted to UTC; offset ``-30`` min.
* PVGIS TMY: instants in UTC (offset from the file's "Irradiance Time Offset" where given,
  else 0). Each month comes from a different year; all labels are put into 2010 and sorted.
* Plain CSV: see :func:`read_weather_csv` (default: hour-ending means, offset ``-30`` min).

Irradiance
----------
``ghi`` global horizontal, ``dni`` direct normal, ``dhi`` diffuse horizontal [W/m²]. Where only
the beam on the horizontal (TRY ``B``) or only ``ghi`` and ``dhi`` are given, ``dni`` is derived
as ``beam_horizontal / cos(zenith)`` at the representative instant (pvlib.irradiance.dni: zero
for an apparent zenith above 88°, where the division is unstable), and never above the
extraterrestrial normal irradiance.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..messages import msg
from .pvlib_shim import pvlib_module

#: Columns of :attr:`Weather.data` and their units.
COLUMNS: dict[str, str] = {
    "ghi": "W/m²",
    "dni": "W/m²",
    "dhi": "W/m²",
    "temp_air": "°C",
    "wind_speed": "m/s",
    "wind_direction": "°",
    "pressure": "Pa",
    "relative_humidity": "%",
}
#: The irradiance columns of :data:`COLUMNS` (left out by ``load_try(region, irradiance=False)``).
IRRADIANCE_COLUMNS = ("ghi", "dni", "dhi")
#: Year the index of typical years (TRY, TMY, EPW) is put into (not a leap year).
TYPICAL_YEAR = 2010
#: Apparent solar zenith above which no DNI is derived from beam horizontal [°].
MAX_ZENITH_FOR_DNI_DEG = 88.0
#: Irradiance above this is taken as a unit error (Wh, kJ) [W/m²].
MAX_IRRADIANCE_W_PER_M2 = 1500.0
#: Standard atmosphere at sea level, used where a file has no pressure [Pa].
STANDARD_PRESSURE_PA = 101325.0

TRY_SOURCE = (
    "DWD/BBR Testreferenzjahr 2010 (TRY 2010, mittleres Jahr, Bezugszeitraum 1988-2007), "
    "Klimaregion {region} ({region_name}), Station {station}; data files as shipped in the "
    "PyPI package demandlib (vdi/resources_weather/TRY2010_{region:02d}_Jahr.dat)"
)


@dataclasses.dataclass(frozen=True)
class Weather:
    """Hourly weather of one place.

    Attributes
    ----------
    data : pandas.DataFrame
        Hourly values with a tz-aware UTC index (see the module's timestamp convention) and the
        columns of :data:`COLUMNS`: ``ghi``, ``dni``, ``dhi`` [W/m²], ``temp_air`` [°C],
        ``wind_speed`` [m/s] at ``wind_height_m``, ``wind_direction`` [°, from north, NaN where
        unknown or variable], ``pressure`` [Pa], ``relative_humidity`` [%].
    latitude, longitude : float
        Position of the station or grid point the data describe [°, WGS 84]; NaN if unknown.
    elevation_m : float
        Height of the station above sea level [m]; NaN if unknown.
    wind_height_m : float
        Height of the wind measurement above ground [m] (10 for TRY, PVGIS and EPW).
    name : str
        Short name (e.g. ``"TRY 2010 region 4 (Potsdam)"``).
    source : str
        Citation of the data.
    irradiance_time_offset_min : float
        Minutes to add to an index label to get the instant that represents its values
        (``-30`` for hour-ending means) [min].
    region : int or None
        TRY climate region (1..15), None for other sources.
    dni_derived : bool
        ``dni`` was computed here from the beam on the horizontal with the sun at ``latitude``/``longitude``
        (TRY, a CSV with ghi and dhi only): a site elsewhere derives it again with its own sun
        (:func:`..solar.model.prepare_sky`), since the beam on the horizontal is what was measured.
    """

    data: pd.DataFrame
    latitude: float
    longitude: float
    elevation_m: float
    wind_height_m: float
    name: str
    source: str
    irradiance_time_offset_min: float = 0.0
    region: int | None = None
    dni_derived: bool = False

    def solar_times(self) -> pd.DatetimeIndex:
        """Instants representing each hour, for the solar position (UTC)."""
        return self.data.index + pd.Timedelta(minutes=self.irradiance_time_offset_min)

    @property
    def years(self) -> float:
        """Length of the record in years (1.0 for one full year of 8760 or 8784 hours)."""
        n = len(self.data)
        return 1.0 if n in (8760, 8784) else n / 8766.0

    def annual_ghi_kwh_per_m2(self) -> float:
        """Global horizontal irradiation per year [kWh/m²/a]."""
        return float(self.data["ghi"].sum()) / 1000.0 / self.years


# --------------------------------------------------------------------------- TRY regions

def _demandlib_weather_dir() -> Path:
    """Folder of demandlib's TRY files, located without importing demandlib."""
    spec = importlib.util.find_spec("demandlib")
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            "The DWD test reference years come with the Python package 'demandlib', which is not "
            "installed. Install it (pip install demandlib) or give a weather file (PVGIS TMY, EPW "
            "or CSV)."
        )
    folder = Path(list(spec.submodule_search_locations)[0]) / "vdi" / "resources_weather"
    if not (folder / "TRY_polygons.geojson").is_file():
        raise InputError(
            f"demandlib is installed but its TRY weather files are missing ({folder}). Reinstall "
            "demandlib or give a weather file (PVGIS TMY, EPW or CSV)."
        )
    return folder


@functools.lru_cache(maxsize=1)
def _try_polygons() -> tuple[tuple[int, str, str, Any], ...]:
    from shapely.geometry import shape
    from shapely.prepared import prep

    with open(_demandlib_weather_dir() / "TRY_polygons.geojson", encoding="utf-8") as handle:
        collection = json.load(handle)
    regions = []
    for feature in collection["features"]:
        props = feature["properties"]
        geometry = shape(feature["geometry"])
        regions.append((int(props["TRY_code"]), str(props.get("Region", "")),
                        str(props.get("Station", "")), (geometry, prep(geometry))))
    return tuple(sorted(regions, key=lambda r: r[0]))


def find_try_region(lon: float, lat: float) -> int:
    """Return the DWD TRY 2010 climate region (1..15) that contains a point.

    Parameters
    ----------
    lon, lat : float
        Position [°, WGS 84 / CRS84].

    Returns
    -------
    int
        Region number (e.g. 4 for Halle, Leipzig, Potsdam; 9 for Chemnitz, Jena).

    Raises
    ------
    InputError
        If the point lies outside the 15 regions (outside Germany).
    """
    from shapely.geometry import Point

    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InputError(f"Position ({lon}, {lat}) is not a number; give longitude and latitude in degrees.")
    point = Point(float(lon), float(lat))
    for code, _name, _station, (_geometry, prepared) in _try_polygons():
        if prepared.covers(point):
            return code
    # the polygons are digitised coarsely along the coast and the border: take a region within ~5 km
    best = min(_try_polygons(), key=lambda r: r[3][0].distance(point))
    if best[3][0].distance(point) <= 0.05:
        return best[0]
    raise InputError(
        f"Position lon={lon:.4f}, lat={lat:.4f} lies outside the 15 DWD test reference year regions "
        "(Germany only). Check that the coordinates are longitude/latitude in degrees (WGS 84), or "
        "give a weather file for the site (PVGIS TMY, EPW or CSV)."
    )


def try_region_outlines() -> list[tuple[int, object]]:
    """``(region, shapely geometry in lon/lat)`` of the 15 TRY regions, by region number."""
    return [(code, geometry) for code, _name, _station, (geometry, _prepared) in _try_polygons()]


def try_region_names() -> dict[int, str]:
    """Names of the TRY climate regions, keyed by region number."""
    return {code: name for code, name, _station, _geometry in _try_polygons()}


_LAGE = re.compile(r"(\d+)\s*°\s*(\d+)\s*'\s*([NS]).*?(\d+)\s*°\s*(\d+)\s*'\s*([OEW]).*?(-?\d+)\s*Meter")


def _parse_try_header(lines: list[str], path: Path) -> dict[str, Any]:
    head = "\n".join(lines)
    match = _LAGE.search(head)
    if match is None:
        raise InputError(f"TRY file {path}: no 'Lage: ..°..'N ..°..'O .. Meter über NN' line in the header.")
    lat = int(match[1]) + int(match[2]) / 60.0
    lon = int(match[4]) + int(match[5]) / 60.0
    lat = -lat if match[3] == "S" else lat
    lon = -lon if match[6] == "W" else lon
    station = re.search(r"Station:\s*(.+?)\s{2,}", lines[1] + "  ")
    region_name = re.sub(r"^TRY\d+\s+", "", lines[0]).split("(Klimaregion")[0].strip()
    return {"latitude": lat, "longitude": lon, "elevation_m": float(match[7]),
            "station": station[1].strip() if station else "", "region_name": region_name}


@functools.lru_cache(maxsize=16)
def _read_try_file(region: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """Header facts and hourly rows of a TRY file (``beam_horizontal`` not yet turned into ``dni``)."""
    path = _demandlib_weather_dir() / f"TRY2010_{region:02d}_Jahr.dat"
    if not path.is_file():
        raise InputError(f"TRY file for region {region} not found: {path}. Reinstall demandlib.")
    with open(path, encoding="utf-8") as handle:
        text = handle.read().splitlines()
    try:
        start = next(i for i, line in enumerate(text) if line.startswith("***"))
    except StopIteration:
        raise InputError(f"TRY file {path}: no '***' line ending the header.") from None
    meta = _parse_try_header(text[:start], path)
    names = text[start - 1].split()
    rows = [line.split() for line in text[start + 1:] if line.strip()]
    raw = pd.DataFrame(np.asarray(rows, dtype=float), columns=names)
    if len(raw) != 8760:
        raise InputError(f"TRY file {path}: {len(raw)} hourly rows, expected 8760.")
    # hour ending at HH MEZ (UTC+1) -> label = end of the hour in UTC
    start_of_day = pd.to_datetime(
        {"year": TYPICAL_YEAR, "month": raw["MM"].astype(int), "day": raw["DD"].astype(int)})
    index = pd.DatetimeIndex(start_of_day + pd.to_timedelta(raw["HH"].astype(int) - 1, unit="h"))
    index = index.tz_localize("UTC")
    if not (index[1:] - index[:-1] == pd.Timedelta(hours=1)).all():
        raise InputError(f"TRY file {path}: the MM/DD/HH columns are not consecutive hours.")
    wind_direction = raw["WR"].where((raw["WR"] >= 0) & (raw["WR"] <= 360))
    frame = pd.DataFrame({
        "ghi": (raw["B"] + raw["D"]).to_numpy(),
        "beam_horizontal": raw["B"].to_numpy(),
        "dhi": raw["D"].to_numpy(),
        "temp_air": raw["t"].to_numpy(),
        "wind_speed": raw["WG"].to_numpy(),
        "wind_direction": wind_direction.to_numpy(),
        "pressure": (raw["p"] * 100.0).to_numpy(),
        "relative_humidity": raw["RF"].to_numpy(),
    }, index=index)
    return meta, frame


@functools.lru_cache(maxsize=32)
def _load_try_cached(region: int, irradiance: bool) -> Weather:
    meta, frame = _read_try_file(region)
    frame = frame.copy()
    offset = -30.0
    beam = frame.pop("beam_horizontal")
    if irradiance:
        frame["dni"] = dni_from_beam_horizontal(
            beam, frame.index + pd.Timedelta(minutes=offset), meta["latitude"], meta["longitude"],
            meta["elevation_m"])
        columns = list(COLUMNS)
    else:
        columns = [c for c in COLUMNS if c not in IRRADIANCE_COLUMNS]
    station = meta["station"]
    return Weather(
        data=frame[columns], latitude=meta["latitude"], longitude=meta["longitude"],
        elevation_m=meta["elevation_m"], wind_height_m=10.0,
        name=msg("try_region", region=region, station=station),
        source=TRY_SOURCE.format(region=region, region_name=meta["region_name"], station=station),
        irradiance_time_offset_min=offset, region=region, dni_derived=irradiance,
    )


def load_try(region: int, irradiance: bool = True) -> Weather:
    """Load the DWD test reference year 2010 of a climate region.

    Parameters
    ----------
    region : int
        Climate region 1..15 (see :func:`find_try_region`).
    irradiance : bool
        With ``False`` the irradiance columns (``ghi``, ``dni``, ``dhi``) are left out and pvlib is
        not imported: the wind, temperature, pressure and humidity, for the wind models (pvlib's
        h5py import fails inside ``qgis_process``, where the wind still runs).

    Returns
    -------
    Weather
        8760 hourly values (hour-ending means, labels at the end of the hour in UTC,
        ``irradiance_time_offset_min = -30``), position and elevation of the TRY station,
        wind at 10 m. ``ghi = B + D``, ``dhi = D`` and ``dni`` from ``B`` (see
        :func:`dni_from_beam_horizontal`). Wind direction is NaN for calm/variable (999).
        Each call returns its own copy of the data.
    """
    if isinstance(region, bool) or not isinstance(region, (int, np.integer)) or not 1 <= int(region) <= 15:
        raise InputError(f"TRY region {region!r} does not exist; the DWD TRY 2010 has the regions 1..15.")
    cached = _load_try_cached(int(region), bool(irradiance))
    return dataclasses.replace(cached, data=cached.data.copy())


# --------------------------------------------------------------------------- irradiance helpers

def _solar_zenith(times: pd.DatetimeIndex, latitude: float, longitude: float,
                  elevation_m: float) -> pd.Series:
    pvlib = pvlib_module()

    altitude = 0.0 if not math.isfinite(elevation_m) else elevation_m
    position = pvlib.solarposition.get_solarposition(times, latitude, longitude, altitude=altitude)
    return position["apparent_zenith"]


def dni_from_beam_horizontal(beam_horizontal: pd.Series | np.ndarray, times: pd.DatetimeIndex,
                             latitude: float, longitude: float, elevation_m: float = 0.0,
                             max_zenith_deg: float = MAX_ZENITH_FOR_DNI_DEG) -> np.ndarray:
    """Direct normal irradiance from the beam on the horizontal plane.

    ``dni = beam_horizontal / cos(apparent zenith)`` (pvlib.irradiance.dni), 0 where the apparent
    zenith exceeds ``max_zenith_deg`` or the sun is down, and at most the extraterrestrial
    normal irradiance.

    Parameters
    ----------
    beam_horizontal : array-like
        Beam (direct) irradiance on the horizontal plane [W/m²].
    times : pandas.DatetimeIndex
        Instants representing the values (e.g. mid-hour for hourly means), tz-aware.
    latitude, longitude : float
        Position [°].
    elevation_m : float
        Elevation above sea level [m].
    max_zenith_deg : float
        Apparent zenith above which no DNI is derived [°].

    Returns
    -------
    numpy.ndarray
        Direct normal irradiance [W/m²].
    """
    zenith = _solar_zenith(pd.DatetimeIndex(times), latitude, longitude, elevation_m)
    return dni_from_beam_and_zenith(beam_horizontal, zenith.to_numpy(float), zenith.index, max_zenith_deg)


def dni_from_beam_and_zenith(beam_horizontal: pd.Series | np.ndarray, apparent_zenith: np.ndarray,
                             times: pd.DatetimeIndex, max_zenith_deg: float = MAX_ZENITH_FOR_DNI_DEG) -> np.ndarray:
    """:func:`dni_from_beam_horizontal` with the sun's apparent zenith already known (e.g. at a site). [W/m²]"""
    pvlib = pvlib_module()

    beam = np.clip(np.asarray(beam_horizontal, dtype=float), 0.0, None)
    index = pd.DatetimeIndex(times)
    zenith = pd.Series(np.asarray(apparent_zenith, dtype=float), index=index)
    dni = pvlib.irradiance.dni(pd.Series(beam, index=index), pd.Series(0.0, index=index),
                               zenith, zenith_threshold_for_zero_dni=max_zenith_deg)
    dni = np.nan_to_num(np.asarray(dni, dtype=float), nan=0.0)
    extra = np.asarray(pvlib.irradiance.get_extra_radiation(index), dtype=float)
    return np.minimum(np.clip(dni, 0.0, None), extra)


def _complete_irradiance(frame: pd.DataFrame, times: pd.DatetimeIndex, latitude: float,
                         longitude: float, elevation_m: float, path: Path) -> pd.DataFrame:
    """Fill ghi/dni/dhi from whichever two (or beam_horizontal + dhi) are present."""
    have = {c for c in ("ghi", "dni", "dhi", "beam_horizontal") if c in frame}
    if {"ghi", "dni", "dhi"} <= have:
        return frame
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise InputError(
            f"Weather file {path}: deriving {sorted({'ghi', 'dni', 'dhi'} - have)} needs the "
            "position of the data; give latitude and longitude.")
    if "beam_horizontal" in have and "dhi" in have:
        frame["ghi"] = frame["beam_horizontal"] + frame["dhi"]
        frame["dni"] = dni_from_beam_horizontal(frame["beam_horizontal"], times, latitude, longitude,
                                                elevation_m)
    elif {"ghi", "dhi"} <= have:
        frame["dni"] = dni_from_beam_horizontal(
            (frame["ghi"] - frame["dhi"]).clip(lower=0.0), times, latitude, longitude, elevation_m)
    elif {"ghi", "dni"} <= have:
        cos_zenith = np.cos(np.radians(_solar_zenith(times, latitude, longitude, elevation_m).to_numpy()))
        frame["dhi"] = (frame["ghi"] - frame["dni"] * np.clip(cos_zenith, 0.0, None)).clip(lower=0.0)
    elif {"dni", "dhi"} <= have:
        cos_zenith = np.cos(np.radians(_solar_zenith(times, latitude, longitude, elevation_m).to_numpy()))
        frame["ghi"] = frame["dhi"] + frame["dni"] * np.clip(cos_zenith, 0.0, None)
    else:
        raise InputError(
            f"Weather file {path}: irradiance columns {sorted(have) or 'none'} are not enough. Give "
            "two of ghi, dni, dhi (or beam_horizontal and dhi) in W/m².")
    return frame.drop(columns=["beam_horizontal"], errors="ignore")


# --------------------------------------------------------------------------- checks

def _check_index(index: pd.DatetimeIndex, path: Path) -> None:
    if index.hasnans:
        first = int(np.flatnonzero(index.isna())[0])
        raise InputError(f"Weather file {path}: timestamp in data row {first + 1} cannot be read; "
                         "write times as ISO 8601 (e.g. 2010-01-01T00:00Z).")
    duplicated = index.duplicated()
    if duplicated.any():
        first = index[duplicated][0]
        raise InputError(f"Weather file {path}: timestamp {first} occurs twice; each hour must "
                         "appear once.")
    steps = index[1:] - index[:-1]
    bad = np.flatnonzero(steps != pd.Timedelta(hours=1))
    if len(bad):
        i = int(bad[0])
        raise InputError(
            f"Weather file {path}: timestamps must be consecutive hours, but {index[i]} is "
            f"followed by {index[i + 1]} (data row {i + 2}). Fill gaps and sort the rows by time.")
    if len(index) < 8760:
        raise InputError(
            f"Weather file {path}: {len(index)} hourly rows; annual yields need at least one full "
            "year (8760 hours).")


def _check_values(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    for column in ("ghi", "dni", "dhi", "temp_air", "wind_speed"):
        values = frame[column]
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise InputError(f"Weather file {path}: column {column!r} has no value at "
                             f"{frame.index[row]} (data row {row + 1}); fill the gap.")
    for column in ("ghi", "dni", "dhi"):
        high = frame[column] > MAX_IRRADIANCE_W_PER_M2
        if high.any():
            raise InputError(
                f"Weather file {path}: column {column!r} reaches {frame[column].max():.0f} at "
                f"{frame.index[high.to_numpy()][0]}; irradiance must be hourly means in W/m² "
                "(not Wh/m² sums or J/cm²).")
        frame[column] = frame[column].clip(lower=0.0)
    if frame["temp_air"].abs().max() > 70:
        raise InputError(f"Weather file {path}: temp_air reaches {frame['temp_air'].abs().max():.0f}; "
                         "it must be in °C (not Kelvin).")
    if (frame["wind_speed"] < 0).any():
        raise InputError(f"Weather file {path}: wind_speed has negative values.")
    return frame


def _finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    if "wind_direction" not in frame:
        frame["wind_direction"] = np.nan
    if "pressure" not in frame:
        frame["pressure"] = STANDARD_PRESSURE_PA
    if "relative_humidity" not in frame:
        frame["relative_humidity"] = np.nan
    frame = _check_values(frame, path)
    return frame[list(COLUMNS)].astype(float)


def _into_typical_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Relabel a typical year whose months come from different years into TYPICAL_YEAR."""
    index = frame.index
    if len(index) == 0:
        return frame
    new = pd.DatetimeIndex([t.replace(year=TYPICAL_YEAR) for t in index])
    frame = frame.copy()
    frame.index = new
    return frame.sort_index()


def _missing(path: Path, columns: Mapping[str, str], found: list[str]) -> None:
    missing = [c for c in columns if c not in found]
    if missing:
        raise InputError(
            f"Weather file {path}: missing column(s) {', '.join(missing)} "
            f"({', '.join(f'{c} [{columns[c]}]' for c in missing)}). Columns found: {', '.join(found)}.")


# --------------------------------------------------------------------------- readers

def read_pvgis_tmy(path: str | Path) -> Weather:
    """Read a typical meteorological year downloaded from PVGIS (CSV or JSON).

    Uses :func:`pvlib.iotools.read_pvgis_tmy`. The months (from different years) are relabelled
    into :data:`TYPICAL_YEAR`; timestamps are instants in UTC (offset from the file's
    "Irradiance Time Offset" where given). Wind at 10 m.
    """
    pvlib = pvlib_module()

    path = Path(path)
    try:
        data, meta = pvlib.iotools.read_pvgis_tmy(str(path), pvgis_format=path.suffix.lower().lstrip("."))
    except (KeyError, ValueError, IndexError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"Weather file {path} is not a PVGIS TMY file ({type(exc).__name__}: {exc}). Download the "
            "TMY from PVGIS as CSV or JSON, or use the plain CSV format (time, ghi, dni, dhi, "
            "temp_air, wind_speed).") from exc
    _missing(path, {"ghi": "W/m²", "dni": "W/m²", "dhi": "W/m²", "temp_air": "°C",
                    "wind_speed": "m/s"}, list(data.columns))
    inputs = meta.get("inputs", {}) if isinstance(meta, dict) else {}
    location = inputs.get("location", inputs)
    offset_h = 0.0
    for key, value in inputs.items():
        if "offset" in str(key).lower():
            try:
                offset_h = float(value)
            except (TypeError, ValueError):
                pass
    frame = _into_typical_year(data)
    _check_index(frame.index, path)
    return Weather(
        data=_finish(frame, path), latitude=float(location.get("latitude", math.nan)),
        longitude=float(location.get("longitude", math.nan)),
        elevation_m=float(location.get("elevation", math.nan)), wind_height_m=10.0,
        name=f"PVGIS TMY {path.name}", source=f"PVGIS typical meteorological year (EC JRC), file {path}",
        irradiance_time_offset_min=60.0 * offset_h,
    )


def read_epw(path: str | Path) -> Weather:
    """Read an EnergyPlus weather file (EPW) with :func:`pvlib.iotools.read_epw`.

    EPW values are means over the hour ending at the EPW ``hour`` (1..24) in local standard time;
    they are labelled by the end of their hour in UTC (pvlib labels the start) and relabelled into :data:`TYPICAL_YEAR` (offset ``-30`` min). Wind at 10 m.
    """
    pvlib = pvlib_module()

    path = Path(path)
    try:
        data, meta = pvlib.iotools.read_epw(str(path))
    except (KeyError, ValueError, IndexError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"Weather file {path} is not a readable EPW file ({type(exc).__name__}: "
                         f"{exc}).") from exc
    data = data.rename(columns={"atmospheric_pressure": "pressure"})
    _missing(path, {"ghi": "W/m²", "dni": "W/m²", "dhi": "W/m²", "temp_air": "°C",
                    "wind_speed": "m/s"}, list(data.columns))
    # pvlib labels EPW hours by their start (hour 1 -> 00:00); label them by their end, like TRY
    data = data.tz_convert("UTC")
    data.index = data.index + pd.Timedelta(hours=1)
    wind_direction = data["wind_direction"].where(data["wind_direction"].between(0, 360))
    data = data.assign(wind_direction=wind_direction)
    frame = _into_typical_year(data[[c for c in COLUMNS if c in data]])
    _check_index(frame.index, path)
    return Weather(
        data=_finish(frame, path), latitude=float(meta.get("latitude", math.nan)),
        longitude=float(meta.get("longitude", math.nan)),
        elevation_m=float(meta.get("altitude", math.nan)), wind_height_m=10.0,
        name=f"EPW {meta.get('city', path.stem)}", source=f"EnergyPlus weather file {path}",
        irradiance_time_offset_min=-30.0,
    )


#: Accepted spellings of the plain-CSV columns (lower case) → canonical names.
CSV_ALIASES: dict[str, str] = {
    "ghi": "ghi", "dni": "dni", "dhi": "dhi", "bhi": "beam_horizontal",
    "beam_horizontal": "beam_horizontal", "temp_air": "temp_air", "temperature": "temp_air",
    "wind_speed": "wind_speed", "wind_direction": "wind_direction", "pressure": "pressure",
    "relative_humidity": "relative_humidity",
}
#: Names of the time column of a plain CSV (lower case).
CSV_TIME_COLUMNS = ("time", "timestamp", "datetime", "date", "time(utc)")
#: Plain-CSV time labels → offset to the representative instant [min].
TIME_LABELS: dict[str, float] = {"end": -30.0, "start": 30.0, "instant": 0.0}


def read_weather_csv(path: str | Path, *, latitude: float = math.nan, longitude: float = math.nan,
                     elevation_m: float = math.nan, time_label: str = "end",
                     wind_height_m: float = 10.0) -> Weather:
    """Read a plain CSV of hourly weather.

    Columns (names case-insensitive, comma or semicolon separated):

    * irradiance [W/m², hourly means]: ``ghi``, ``dni``, ``dhi`` — two of them are enough, or
      ``bhi`` (beam on the horizontal) with ``dhi``; the rest is derived (needs ``latitude`` and
      ``longitude``).
    * ``temp_air`` [°C], ``wind_speed`` [m/s at ``wind_height_m``] (required);
      ``wind_direction`` [°], ``pressure`` [Pa], ``relative_humidity`` [%] (optional).
    * time (optional): a column ``time``/``timestamp``/``datetime``/``date``, ISO 8601. Times
      with an offset (``+01:00``, ``Z``) are converted to UTC; times without one are taken as
      UTC. Without a time column the file must have 8760 rows, taken as the hours of
      :data:`TYPICAL_YEAR` from 1 January 00:00 UTC.
    * rows: consecutive hours, at least one full year.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    latitude, longitude, elevation_m : float
        Position of the data [°, m]; needed when an irradiance column must be derived.
    time_label : {"end", "start", "instant"}
        What a timestamp stands for: the end of the hour its values average (default, as in
        TRY and EPW), its start, or an instant.
    wind_height_m : float
        Height of the wind speed above ground [m].
    """
    path = Path(path)
    if time_label not in TIME_LABELS:
        raise InputError(f"time_label {time_label!r} is not one of {', '.join(TIME_LABELS)}.")
    try:
        raw = pd.read_csv(path, sep=None, engine="python", comment="#")
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"Weather file {path} cannot be read as CSV: {exc}") from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    time_column = next((lower[n] for n in CSV_TIME_COLUMNS if n in lower), None)
    frame = pd.DataFrame({CSV_ALIASES[c.lower()]: pd.to_numeric(raw[c], errors="coerce")
                          for c in raw.columns if c.lower() in CSV_ALIASES})
    for column in frame:
        bad = frame[column].isna() & raw[next(c for c in raw.columns if CSV_ALIASES.get(c.lower()) == column)].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"Weather file {path}: column {column!r}, data row {row + 1}: "
                             "not a number.")
    required = {"temp_air": "°C", "wind_speed": "m/s"}
    _missing(path, required, list(frame.columns) + list(raw.columns))
    irradiance = {c for c in ("ghi", "dni", "dhi", "beam_horizontal") if c in frame}
    if len(irradiance) < 2 or irradiance == {"ghi", "beam_horizontal"} or irradiance == {"dni", "beam_horizontal"}:
        raise InputError(
            f"Weather file {path}: irradiance columns {sorted(irradiance) or 'none'} are not enough; "
            f"give ghi, dni and dhi [W/m²] (two of them, or bhi and dhi, are enough). Columns "
            f"found: {', '.join(raw.columns)}.")
    if time_column is not None:
        stamps = pd.to_datetime(raw[time_column], errors="coerce", utc=True, format="mixed")
        index = pd.DatetimeIndex(stamps)
    else:
        if len(frame) not in (8760,):
            raise InputError(
                f"Weather file {path}: no time column ({'/'.join(CSV_TIME_COLUMNS)}) and {len(frame)} "
                "rows; without a time column the file must have exactly 8760 hourly rows.")
        index = pd.date_range(f"{TYPICAL_YEAR}-01-01", periods=len(frame), freq="h", tz="UTC")
    _check_index(index, path)
    frame.index = index
    offset = TIME_LABELS[time_label]
    derived = "dni" not in frame.columns
    frame = _complete_irradiance(frame, index + pd.Timedelta(minutes=offset), latitude, longitude,
                                 elevation_m, path)
    return Weather(
        data=_finish(frame, path), latitude=float(latitude), longitude=float(longitude),
        elevation_m=float(elevation_m), wind_height_m=float(wind_height_m),
        name=f"CSV {path.name}", source=f"user weather file {path}",
        irradiance_time_offset_min=offset, dni_derived=derived,
    )


def _is_pvgis_csv(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.readline().lower().startswith(b"latitude")


def _read_csv_any(path: Path, **kwargs: Any) -> Weather:
    if _is_pvgis_csv(path):
        return read_pvgis_tmy(path)
    return read_weather_csv(path, **kwargs)


#: Weather file readers by file suffix.
READERS: dict[str, Callable[..., Weather]] = {
    ".csv": _read_csv_any,
    ".txt": _read_csv_any,
    ".json": lambda path, **_: read_pvgis_tmy(path),
    ".epw": lambda path, **_: read_epw(path),
}

_TRY_NAME = re.compile(r"^\s*try\s*[:_ -]?\s*(\d{1,2})\s*$", re.IGNORECASE)


def read_weather(source: int | str | Path, **csv_options: Any) -> Weather:
    """Read weather from a TRY region or a file.

    Parameters
    ----------
    source : int, str or Path
        A TRY region number (``4``), a region name (``"TRY04"``, ``"try:4"``), or a weather file:
        ``.epw`` (EPW), ``.json`` (PVGIS TMY), ``.csv`` (PVGIS TMY if it starts with
        ``Latitude``, else the plain CSV of :func:`read_weather_csv`).
    **csv_options
        Passed to :func:`read_weather_csv` (latitude, longitude, elevation_m, time_label,
        wind_height_m).
    """
    if isinstance(source, (int, np.integer)) and not isinstance(source, bool):
        return load_try(int(source))
    if isinstance(source, str):
        match = _TRY_NAME.match(source)
        if match:
            return load_try(int(match[1]))
    path = Path(source)
    if not path.is_file():
        raise InputError(f"Weather file {path} does not exist. Give a weather file (.csv, .json, .epw) "
                         "or a DWD TRY region (1..15, e.g. TRY04).")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"Weather file {path}: unknown format {path.suffix!r}; known: "
                         f"{', '.join(sorted(READERS))}.")
    return reader(path, **csv_options)


def weather_for_site(lon: float, lat: float, source: int | str | Path | None = None,
                     **csv_options: Any) -> Weather:
    """Weather for a site: the given source, or the TRY region containing the site.

    Plain-CSV files get the site's position where no position is given.
    """
    if source is None or (isinstance(source, str) and source.strip().lower() in ("", "try", "auto")):
        return load_try(find_try_region(lon, lat))
    csv_options.setdefault("latitude", lat)
    csv_options.setdefault("longitude", lon)
    return read_weather(source, **csv_options)
