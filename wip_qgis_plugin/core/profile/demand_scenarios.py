"""Demand scenarios (today, 2030, 2045): today's electricity plus heat pumps and electric cars, hour by hour.

A scenario of ``presets/demand_scenarios.yml`` (schema ``wip-demand-scenarios/1``) changes a municipality's
electricity demand in three ways, each a component of :class:`ScenarioDemand` [MW per hour]:

* **base**: today's hourly demand (:func:`.demand.hourly_demand_mw`) × the scenario's efficiency factor;
* **heat pumps**: the heat that heat pumps supply beyond the reference scenario (whose heat pumps are already
  inside today's demand), spread over the hours by demandlib's BDEW heat profiles (``bdew.HeatBuilding``,
  space heat and hot water apart) for the weather's temperature, divided by the hourly COP of an air-source
  heat pump (:func:`heat_pump_cop`);
* **electric cars**: cars × electric share beyond the reference × km per car × kWh per km, spread over the
  hours by a daily charging profile.

Every hourly series sums exactly to its annual figure (the profiles are normalised to sum 1). Hour *k* of the
base demand, of the temperature series and of the result is the same hour of ``year`` (8760 or 8784 hours).
Example: ``scenario_demand(hourly_demand_mw(md, demand_cat, 2010), 9_000, "2045", load_demand_scenarios(),
load_try(4, irradiance=False).data["temp_air"].to_numpy(), 2010).annual_mwh()`` [MWh/a]. See docs/demand_scenarios.md.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..economics.costs import read_texts
from ..errors import InputError
from ..spec import PRESET_DIR, Label, Problems, items_with_ids, read_date, read_label, read_quantity, read_yaml
from .demand import public_holidays

KIND = "Demand scenario file"
SCHEMA = "wip-demand-scenarios/1"
DEFAULT_PRESET = "demand_scenarios"

_TOP = {"schema", "id", "version", "valid_from", "title", "reference", "sources", "assumptions", "heat",
        "heat_pump", "transport", "scenarios"}
_SEGMENT = {"id", "label", "shlp_type", "building_class", "wind_class", "hot_water_share"}
_HEAT_PUMP = {"model", "intercept", "linear", "quadratic", "correction", "heating_curve_base", "heating_curve_slope",
              "hot_water_temperature", "minimum_lift"}
_TRANSPORT = {"cars_per_inhabitant", "km_per_car", "energy_per_km", "charging_profile"}
_SCENARIO = {"id", "label", "electricity_factor", "heat_per_inhabitant", "heat_pump_share", "ev_share"}
_VALUE = {"value", "source", "assumption", "note"}

#: Units of the values of this file that :data:`..units.KINDS` does not know (yet): symbol → factor to the
#: canonical unit (the key of the outer mapping).
UNITS: dict[str, dict[str, float]] = {
    "kWh": {"kWh": 1.0, "MWh": 1000.0}, "km": {"km": 1.0, "m": 0.001},
    "kWh/km": {"kWh/km": 1.0, "kWh/100km": 0.01, "kWh/100 km": 0.01, "Wh/km": 0.001},
    "cars/inhabitant": {"cars/inhabitant": 1.0, "cars/1000 inhabitants": 0.001},
    "°C": {"°C": 1.0}, "K": {"K": 1.0}, "K/K": {"K/K": 1.0}, "1/K": {"1/K": 1.0},
    "1/K²": {"1/K²": 1.0, "1/K2": 1.0}, "-": {"": 1.0}}
_NUMBER_UNIT = re.compile(r"^\s*([+\-−]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")

#: BDEW heat-profile types of demandlib 0.2.2 (``bdew.HeatBuilding``); EFH and MFH take building classes 1–11,
#: the others class 0.
SHLP_TYPES = ("EFH", "MFH", "GMF", "GPD", "GHD", "GWA", "GGB", "GKO", "GBD", "GBA", "GMK", "GBH", "GGA", "GHA")
#: Heat-pump COP models by name (one so far).
COP_MODELS = ("air_source_quadratic",)
#: demandlib's temperature intervals cover −20 … 40 °C; the heat profile reads temperatures clipped to them. [°C]
HEAT_PROFILE_TEMPERATURE_RANGE_C = (-20.0, 40.0)


# ----------------------------------------------------------------- the catalogue
@dataclass(frozen=True)
class HeatSegment:
    """One kind of building whose heat a BDEW heat profile describes.

    Attributes
    ----------
    id, label : str, Label
        ``residential``, ``commercial`` … (the key of a scenario's ``heat_per_inhabitant``) and its name.
    shlp_type, building_class, wind_class : str, int, int
        demandlib's BDEW heat profile (``EFH``, ``MFH``, ``GHD`` …), building class (1–11 for EFH/MFH, else 0)
        and wind class (0 sheltered, 1 windy site).
    hot_water_share : float
        Share of the segment's heat used for hot water. [-]
    """

    id: str
    label: Label
    shlp_type: str
    building_class: int
    wind_class: int
    hot_water_share: float


@dataclass(frozen=True)
class CopModel:
    """Air-source heat pump: COP = correction × (intercept + linear ΔT + quadratic ΔT²), ΔT = sink − air.

    Attributes
    ----------
    intercept, linear, quadratic : float
        Regression coefficients. [-], [1/K], [1/K²]
    correction : float
        Factor from test-bench to real operation. [-]
    heating_curve_base_c, heating_curve_slope : float
        Space-heating sink (flow) temperature = base + slope × outdoor temperature. [°C], [K/K]
    hot_water_temperature_c : float
        Sink temperature of hot water. [°C]
    minimum_lift_k : float
        Smallest temperature lift used. [K]
    """

    intercept: float = 6.08
    linear: float = -0.09
    quadratic: float = 0.0005
    correction: float = 0.85
    heating_curve_base_c: float = 40.0
    heating_curve_slope: float = -1.0
    hot_water_temperature_c: float = 50.0
    minimum_lift_k: float = 15.0


#: Ruhnau, Hirth & Praktiknjo (2019), air-source heat pumps, radiator heating curve, hot water at 50 °C.
DEFAULT_COP_MODEL = CopModel()


@dataclass(frozen=True)
class Transport:
    """Passenger cars of a municipality.

    Attributes
    ----------
    cars_per_inhabitant : float
        [cars/inhabitant]
    km_per_car : float
        Distance per car and year. [km/a]
    kwh_per_km : float
        Electricity per km at the charging point, charging losses included. [kWh/km]
    charging_weights : tuple of float
        Relative charging per hour of the day, 24 values (00–01 … 23–24). [-]
    """

    cars_per_inhabitant: float
    km_per_car: float
    kwh_per_km: float
    charging_weights: tuple[float, ...]


@dataclass(frozen=True)
class Scenario:
    """The assumptions of one scenario.

    Attributes
    ----------
    id, label : str, Label
        ``today``, ``2030``, ``2045`` … and its name.
    electricity_factor : float
        Today's electricity demand in this scenario, as a factor. [-]
    heat_kwh_per_inhabitant : dict of str to float
        Heat demand (space heat and hot water) per segment id and inhabitant. [kWh_th/a]
    heat_pump_share : float
        Share of the heat supplied by heat pumps. [-]
    ev_share : float
        Share of the cars that are battery-electric. [-]
    """

    id: str
    label: Label
    electricity_factor: float
    heat_kwh_per_inhabitant: dict[str, float]
    heat_pump_share: float
    ev_share: float


@dataclass(frozen=True)
class DemandScenarioCatalogue:
    """The scenarios and their common assumptions, loaded and checked once (``presets/demand_scenarios.yml``).

    Attributes
    ----------
    reference : str
        The scenario whose heat pumps and electric cars are inside today's demand.
    citations : dict of str to Label
        Every source and assumption text by key, per language.
    rows : tuple of (str, str, str, Label)
        (place, value with unit, source key, source and assumption text) of every figure, for an assumptions table.
    """

    id: str
    version: str
    valid_from: dt.date | None
    title: Label
    reference: str
    segments: tuple[HeatSegment, ...]
    cop: CopModel
    transport: Transport
    scenarios: tuple[Scenario, ...]
    citations: dict[str, Label]
    rows: tuple[tuple[str, str, str, Label], ...] = ()
    origin: str = ""

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id (an :class:`InputError` naming the scenarios there are if none)."""
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise InputError(f"No demand scenario {scenario_id!r} in {self.origin or self.id}; scenarios: "
                         f"{', '.join(s.id for s in self.scenarios)}.")

    @property
    def scenario_ids(self) -> tuple[str, ...]:
        """Ids of the scenarios, in the file's order."""
        return tuple(s.id for s in self.scenarios)

    def provenance(self) -> dict[str, Any]:
        """What a result records about the file."""
        return {"id": self.id, "version": self.version, "origin": self.origin}


def read_amount(raw: Any, unit: str, where: str, problems: Problems) -> float | None:
    """A value with a unit of :data:`UNITS` (``"6300 kWh"``, ``"-0.09 1/K"``) in its canonical unit; None on a problem.

    A bare number is accepted only for the dimensionless unit ``-``.
    """
    symbols = UNITS[unit]
    number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    match = _NUMBER_UNIT.match(repr(raw) if number else raw) if number or isinstance(raw, str) else None
    if match and match.group(2) in symbols:
        return float(match.group(1).replace("−", "-").replace(",", ".")) * symbols[match.group(2)]
    accepted = ", ".join(repr(s) for s in symbols)
    problems.add(f"{where}: cannot read {raw!r}; write a number and one of {accepted}")
    return None


class _Reader:
    """Reads ``{value, source, assumption?, note?}`` figures, citing keys and recording each for the table."""

    def __init__(self, citations: Mapping[str, Label], problems: Problems):
        self.citations = citations
        self.problems = problems
        self.rows: list[tuple[str, str, str, Label]] = []

    def figure(self, raw: Any, where: str, unit: str) -> Any:
        """The figure's value: a float in the canonical ``unit`` (``fraction`` via units, ``text`` as it is)."""
        if not isinstance(raw, Mapping) or "value" not in raw:
            self.problems.add(f"{where}: write {{value: …, source: …}}")
            return None
        self.problems.unknown_keys(raw, _VALUE, f"{where}.")
        for key in ("source", "assumption"):
            cited = raw.get(key)
            if key == "source" and not (isinstance(cited, str) and cited):
                self.problems.add(f"{where}.source: required (a key of 'sources' or 'assumptions')")
            elif cited is not None and cited not in self.citations:
                self.problems.add(f"{where}.{key}: {cited!r} is not a key of 'sources' or 'assumptions'")
        value = raw["value"]
        out: Any = value if unit == "text" else None
        if unit == "fraction":
            out = read_quantity(value, "fraction", f"{where}.value", self.problems)
        elif unit == "int" and isinstance(value, int) and not isinstance(value, bool):
            out = value
        elif unit == "int":
            self.problems.add(f"{where}.value: {value!r} is not a whole number")
        elif unit != "text":
            out = read_amount(value, unit, f"{where}.value", self.problems)
        texts = [self.citations[str(k)] for k in (raw.get("source"), raw.get("assumption")) if str(k) in self.citations]
        text = Label(" ".join(t.de for t in texts), " ".join(t.en for t in texts))
        self.rows.append((where, str(value), str(raw.get("source", "")), text))
        return out

    def ranged(self, raw: Any, where: str, unit: str, low: float, high: float) -> float:
        """A figure's value if it lies in [low, high]; a problem (and NaN) otherwise."""
        value = self.figure(raw, where, unit)
        if value is None:
            return float("nan")
        if not low <= value <= high:
            self.problems.add(f"{where}: {value:g} must lie between {low:g} and {high:g}")
        return float(value)


def load_demand_scenarios(ref: str | Path = DEFAULT_PRESET) -> DemandScenarioCatalogue:
    """Load the demand scenarios: the preset id ``demand_scenarios`` or a YAML file of the same schema.

    Raises
    ------
    InputError
        If the file does not exist.
    SpecError
        Listing every problem of the file with its place.
    """
    path = Path(ref)
    if not path.suffix:
        path = PRESET_DIR / f"{ref}.yml"
    if not path.is_file():
        raise InputError(f"Demand scenario file {str(ref)!r} not found: give 'demand_scenarios' or a YAML file "
                         f"(schema {SCHEMA}).")
    return build_demand_scenarios(read_yaml(path, str(path), KIND), str(path))


def build_demand_scenarios(raw: Any, origin: str = "<mapping>") -> DemandScenarioCatalogue:
    """Check a parsed demand scenario file (see :func:`load_demand_scenarios`), every problem in one pass.

    Raises
    ------
    SpecError
        Listing every problem with its place.
    """
    problems = Problems(KIND, origin)
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        problems.add(f"schema: must be {SCHEMA!r}")
        problems.raise_if_any()
    problems.unknown_keys(raw, _TOP, "")
    citations = read_texts(raw, ("sources", "assumptions"), problems)
    reader = _Reader(citations, problems)
    valid_from = read_date(raw.get("valid_from"), "valid_from", problems)
    title = read_label(raw.get("title"), "title", problems)
    heat = raw.get("heat")
    if not isinstance(heat, Mapping) or set(heat) - {"segments"}:
        problems.add("heat: a mapping with 'segments' only")
    segments = _read_segments(heat.get("segments") if isinstance(heat, Mapping) else None, reader)
    cop = _read_cop(raw.get("heat_pump"), reader)
    transport = _read_transport(raw.get("transport"), reader)
    segment_ids = {s.id for s in segments}
    scenarios = [_read_scenario(place, item, segment_ids, reader)
                 for place, item in items_with_ids(raw.get("scenarios"), "scenarios", problems, "scenarios")]
    reference = str(raw.get("reference", ""))
    by_id = {s.id: s for s in scenarios}
    if reference not in by_id:
        problems.add(f"reference: {reference!r} is not the id of a scenario ({', '.join(by_id) or 'none'})")
    else:
        if by_id[reference].electricity_factor != 1.0:
            problems.add(f"reference: scenario {reference!r} is today's demand; its electricity_factor must be 100 %")
        _check_against_reference(scenarios, by_id[reference], problems)
    problems.raise_if_any()
    return DemandScenarioCatalogue(str(raw.get("id", "")), str(raw.get("version", "")), valid_from, title, reference,
                                   tuple(segments), cop, transport, tuple(scenarios), citations, tuple(reader.rows),
                                   origin)


def _read_segments(raw: Any, reader: _Reader) -> list[HeatSegment]:
    out = []
    for where, item in items_with_ids(raw, "heat.segments", reader.problems, "heat segments"):
        reader.problems.unknown_keys(item, _SEGMENT, f"{where}.")
        sid = str(item.get("id", ""))
        if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
            reader.problems.add(f"{where}.id: a lowercase id is required")
        label = read_label(item.get("label"), f"{where}.label", reader.problems)
        shlp = reader.figure(item.get("shlp_type"), f"{where}.shlp_type", "text")
        bclass = reader.figure(item.get("building_class"), f"{where}.building_class", "int")
        wclass = reader.figure(item.get("wind_class"), f"{where}.wind_class", "int")
        hw = reader.ranged(item.get("hot_water_share"), f"{where}.hot_water_share", "fraction", 0.0, 1.0)
        if shlp is not None and shlp not in SHLP_TYPES:
            reader.problems.add(f"{where}.shlp_type: {shlp!r} is not a BDEW heat profile of demandlib "
                                f"({', '.join(SHLP_TYPES)})")
        residential = shlp in ("EFH", "MFH")
        if bclass is not None and not (1 <= bclass <= 11 if residential else bclass == 0):
            reader.problems.add(f"{where}.building_class: {'1 … 11 for EFH and MFH' if residential else '0'}"
                                f" (not {bclass})")
        if wclass is not None and wclass not in (0, 1):
            reader.problems.add(f"{where}.wind_class: 0 (sheltered) or 1 (windy), not {wclass}")
        out.append(HeatSegment(sid, label, str(shlp), int(bclass or 0), int(wclass or 0), hw))
    return out


def _read_cop(raw: Any, reader: _Reader) -> CopModel:
    if not isinstance(raw, Mapping):
        reader.problems.add("heat_pump: required (model, intercept, linear, quadratic …)")
        return DEFAULT_COP_MODEL
    reader.problems.unknown_keys(raw, _HEAT_PUMP, "heat_pump.")
    model = reader.figure(raw.get("model"), "heat_pump.model", "text")
    if model is not None and model not in COP_MODELS:
        reader.problems.add(f"heat_pump.model: {model!r} is not a COP model ({', '.join(COP_MODELS)})")
    units = {"intercept": "-", "linear": "1/K", "quadratic": "1/K²", "correction": "fraction",
             "heating_curve_base": "°C", "heating_curve_slope": "K/K", "hot_water_temperature": "°C",
             "minimum_lift": "K"}
    values = {key: reader.figure(raw.get(key), f"heat_pump.{key}", unit) for key, unit in units.items()}
    if any(v is None for v in values.values()):
        return DEFAULT_COP_MODEL
    cop = CopModel(values["intercept"], values["linear"], values["quadratic"], values["correction"],
                   values["heating_curve_base"], values["heating_curve_slope"], values["hot_water_temperature"],
                   values["minimum_lift"])
    lifts = np.arange(cop.minimum_lift_k, 80.0, 1.0)
    if np.any(cop.correction * (cop.intercept + cop.linear * lifts + cop.quadratic * lifts ** 2) <= 1.0):
        reader.problems.add("heat_pump: the COP falls to 1 or below for a lift under 80 K; check the coefficients")
    return cop


def _read_transport(raw: Any, reader: _Reader) -> Transport:
    if not isinstance(raw, Mapping):
        reader.problems.add("transport: required (cars_per_inhabitant, km_per_car, energy_per_km, charging_profile)")
        return Transport(0.0, 0.0, 0.0, (1.0,) * 24)
    reader.problems.unknown_keys(raw, _TRANSPORT, "transport.")
    cars = reader.ranged(raw.get("cars_per_inhabitant"), "transport.cars_per_inhabitant", "cars/inhabitant", 0, 2)
    km = reader.ranged(raw.get("km_per_car"), "transport.km_per_car", "km", 0.0, 100_000.0)
    kwh = reader.ranged(raw.get("energy_per_km"), "transport.energy_per_km", "kWh/km", 0.0, 2.0)
    profile = raw.get("charging_profile") if isinstance(raw.get("charging_profile"), Mapping) else {}
    where = "transport.charging_profile"
    reader.problems.unknown_keys(profile, {"source", "weights"}, f"{where}.")
    reader.figure({"value": "24 relative weights", "source": profile.get("source")}, where, "text")  # its source
    raw_w = profile.get("weights")
    if not (isinstance(raw_w, list) and len(raw_w) == 24 and sum(
            1 for w in raw_w if isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0) == 24
            and sum(raw_w) > 0):
        reader.problems.add(f"{where}.weights: 24 numbers ≥ 0 (per hour of the day, 00–01 … 23–24), not all 0")
        return Transport(cars, km, kwh, (1.0,) * 24)
    return Transport(cars, km, kwh, tuple(float(w) for w in raw_w))


def _read_scenario(where: str, item: Mapping[str, Any], segment_ids: set[str], reader: _Reader) -> Scenario:
    reader.problems.unknown_keys(item, _SCENARIO, f"{where}.")
    sid = item.get("id")
    if not isinstance(sid, str) or not sid:
        reader.problems.add(f"{where}.id: a text id is required (quote years: id: \"2030\")")
    label = read_label(item.get("label"), f"{where}.label", reader.problems)
    factor = reader.ranged(item.get("electricity_factor"), f"{where}.electricity_factor", "fraction", 0.0, 3.0)
    heat_raw = item.get("heat_per_inhabitant")
    heat: dict[str, float] = {}
    if not isinstance(heat_raw, Mapping):
        reader.problems.add(f"{where}.heat_per_inhabitant: a mapping of heat segment id to {{value: … kWh, "
                            f"source: …}} ({', '.join(sorted(segment_ids))})")
    else:
        for key in heat_raw:
            if key not in segment_ids:
                reader.problems.add(f"{where}.heat_per_inhabitant.{key}: not a heat segment "
                                    f"({', '.join(sorted(segment_ids))})")
        for key in sorted(segment_ids):
            if key not in heat_raw:
                reader.problems.add(f"{where}.heat_per_inhabitant.{key}: missing")
                continue
            heat[key] = reader.ranged(heat_raw[key], f"{where}.heat_per_inhabitant.{key}", "kWh", 0.0, 100_000.0)
    hp = reader.ranged(item.get("heat_pump_share"), f"{where}.heat_pump_share", "fraction", 0.0, 1.0)
    ev = reader.ranged(item.get("ev_share"), f"{where}.ev_share", "fraction", 0.0, 1.0)
    return Scenario(str(sid), label, factor, heat, hp, ev)


def _check_against_reference(scenarios: list[Scenario], ref: Scenario, problems: Problems) -> None:
    """A scenario adds heat pumps and cars to the reference's; it cannot have fewer than it."""
    for i, s in enumerate(scenarios):
        where = f"scenarios[{i}] ({s.id})"
        if s.ev_share < ref.ev_share:
            problems.add(f"{where}.ev_share: {s.ev_share:.1%} is below the reference scenario's "
                         f"{ref.ev_share:.1%}, whose cars are already inside today's demand")
        for seg, kwh in s.heat_kwh_per_inhabitant.items():
            if seg in ref.heat_kwh_per_inhabitant and (
                    s.heat_pump_share * kwh < ref.heat_pump_share * ref.heat_kwh_per_inhabitant[seg] - 1e-9):
                problems.add(f"{where}.heat_pump_share: the heat pumps' heat of segment {seg!r} "
                             f"({s.heat_pump_share:.1%} × {kwh:g} kWh) is below the reference scenario's, which "
                             "is already inside today's demand")


# ----------------------------------------------------------------- models
def hours_in_year(year: int) -> int:
    """Hours of ``year``: 8784 in a leap year, else 8760."""
    return 8784 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 8760


def space_heating_sink_c(temperature_c: ArrayLike, model: CopModel = DEFAULT_COP_MODEL) -> np.ndarray:
    """Flow temperature of space heating at the outdoor ``temperature_c`` [°C] by the model's heating curve. [°C]"""
    return model.heating_curve_base_c + model.heating_curve_slope * np.asarray(temperature_c, dtype=float)


def heat_pump_cop(temperature_c: ArrayLike, sink_temperature_c: ArrayLike | None = None,
                  model: CopModel = DEFAULT_COP_MODEL) -> np.ndarray:
    """Coefficient of performance of an air-source heat pump. [-]

    COP = correction × (intercept + linear ΔT + quadratic ΔT²) with the lift
    ΔT = max(sink − air, minimum lift) (Ruhnau et al. 2019 with the shipped coefficients).

    Parameters
    ----------
    temperature_c : array_like
        Outdoor air temperature (the heat source). [°C]
    sink_temperature_c : array_like, optional
        Temperature the heat is delivered at; default the space-heating curve
        (:func:`space_heating_sink_c`). Give ``model.hot_water_temperature_c`` for hot water. [°C]
    model : CopModel
        Coefficients.

    Returns
    -------
    numpy.ndarray
        COP per value of ``temperature_c`` (NaN where the temperature is NaN). [-]
    """
    t = np.asarray(temperature_c, dtype=float)
    sink = space_heating_sink_c(t, model) if sink_temperature_c is None else np.asarray(sink_temperature_c, float)
    lift = np.where(np.isnan(t), np.nan, np.maximum(sink - t, model.minimum_lift_k))
    return model.correction * (model.intercept + model.linear * lift + model.quadratic * lift ** 2)


@functools.lru_cache(maxsize=64)
def _heat_shares_cached(temperature_bytes: bytes, year: int, shlp_type: str, building_class: int, wind_class: int,
                        hot_water: bool, land: str) -> np.ndarray:
    import pandas as pd
    from demandlib import bdew

    temperature = np.frombuffer(temperature_bytes, dtype=float)
    index = pd.date_range(f"{year}-01-01", periods=temperature.size, freq="h")
    with warnings.catch_warnings():  # demandlib may change the process's warning filters
        building = bdew.HeatBuilding(index, holidays=public_holidays(year, land),
                                     temperature=pd.Series(temperature, index=index), shlp_type=shlp_type,
                                     building_class=building_class, wind_class=wind_class, annual_heat_demand=1.0,
                                     ww_incl=hot_water, ww_only=hot_water)
        profile = np.asarray(building.get_normalized_bdew_profile(), dtype=float)
    total = profile.sum()
    if profile.shape != temperature.shape or not np.isfinite(total) or total <= 0 or np.any(profile < 0):
        raise InputError(f"demandlib returned no usable heat profile for {shlp_type} (class {building_class}) in "
                         f"{year}; check the temperature series.")
    shares = profile / total
    shares.setflags(write=False)
    return shares


def heat_profile_shares(temperature_c: ArrayLike, year: int, segment: HeatSegment, hot_water: bool = False,
                        land: str = "ST") -> np.ndarray:
    """Hourly shares of a segment's annual space heat (or hot water) by the BDEW heat profile (sum 1). [-]

    demandlib's ``bdew.HeatBuilding`` for the segment's type, building and wind class, the ``year``'s
    weekdays and the Land's holidays; space heat without hot water (``ww_incl=False``) or hot water only
    (``ww_only=True``). Temperatures are clipped to :data:`HEAT_PROFILE_TEMPERATURE_RANGE_C`. Cached per
    temperature series.

    Parameters
    ----------
    temperature_c : array_like
        Hourly outdoor temperature of ``year`` (8760 or 8784 values). [°C]
    year, segment, hot_water, land : int, HeatSegment, bool, str
        Calendar year of the hours (weekdays, holidays), building type, hot water instead of space heat, Land
        code for the holidays (``ST``, ``SN``, ``TH`` …).
    """
    t = np.clip(np.ascontiguousarray(temperature_c, dtype=float), *HEAT_PROFILE_TEMPERATURE_RANGE_C)
    if t.ndim != 1 or t.size != hours_in_year(year) or not np.all(np.isfinite(t)):
        raise InputError(f"The temperature series must have one finite value per hour of {year} "
                         f"({hours_in_year(year)}), got {t.size} values; fill gaps in the weather first.")
    return _heat_shares_cached(t.tobytes(), int(year), segment.shlp_type, segment.building_class,
                               segment.wind_class, bool(hot_water), land)


def charging_shares(hours: int, weights: tuple[float, ...]) -> np.ndarray:
    """Hourly shares of the annual charging energy: the 24 daily weights repeated every day (sum 1). [-]

    Parameters
    ----------
    hours : int
        Length of the year (a multiple of 24). [h]
    weights : tuple of float
        Relative charging per hour of the day, hour 0 = 00–01. [-]
    """
    w = np.asarray(weights, dtype=float)
    if w.size != 24 or hours % 24 or np.any(w < 0) or w.sum() <= 0:
        raise InputError("A charging profile needs 24 weights ≥ 0 (not all 0) and a year of whole days.")
    daily = np.tile(w, hours // 24)
    return daily / daily.sum()


def ev_annual_mwh(population: float, scenario: Scenario, reference: Scenario, transport: Transport) -> float:
    """Electricity the scenario's electric cars use beyond the reference's. [MWh/a]

    inhabitants × cars per inhabitant × (EV share − reference EV share) × km per car × kWh per km / 1000.
    """
    extra_share = max(scenario.ev_share - reference.ev_share, 0.0)
    return (population * transport.cars_per_inhabitant * extra_share * transport.km_per_car
            * transport.kwh_per_km / 1000.0)


def heat_pump_heat_mwh(population: float, scenario: Scenario, reference: Scenario, segment_id: str) -> float:
    """Heat of a segment that the scenario's heat pumps supply beyond the reference's. [MWh_th/a]"""
    own = scenario.heat_pump_share * scenario.heat_kwh_per_inhabitant[segment_id]
    ref = reference.heat_pump_share * reference.heat_kwh_per_inhabitant[segment_id]
    return population * max(own - ref, 0.0) / 1000.0


# ----------------------------------------------------------------- the scenario demand
@dataclass(frozen=True)
class ScenarioDemand:
    """A municipality's hourly electricity demand in one scenario, by component.

    Every array has one value per hour of the year: mean power [MW] = energy of the hour [MWh].

    Attributes
    ----------
    scenario, year : str, int
        Scenario id and the calendar year of the hours.
    base_mw : numpy.ndarray
        Today's demand × the scenario's efficiency factor. [MW]
    heat_pumps_mw : numpy.ndarray
        Electricity of the heat pumps added beyond the reference scenario. [MW]
    electric_vehicles_mw : numpy.ndarray
        Charging of the electric cars added beyond the reference scenario. [MW]
    heat_pump_heat_mw : numpy.ndarray
        Heat those heat pumps supply. [MW_th]
    heat_demand_mwh : float
        The municipality's whole heat demand in the scenario (all supplies). [MWh_th/a]
    """

    scenario: str
    year: int
    base_mw: np.ndarray
    heat_pumps_mw: np.ndarray
    electric_vehicles_mw: np.ndarray
    heat_pump_heat_mw: np.ndarray
    heat_demand_mwh: float

    @property
    def total_mw(self) -> np.ndarray:
        """Sum of the three components. [MW]"""
        return self.base_mw + self.heat_pumps_mw + self.electric_vehicles_mw

    @property
    def seasonal_cop(self) -> float:
        """Heat over electricity of the added heat pumps over the year (NaN without them). [-]"""
        el = float(self.heat_pumps_mw.sum())
        return float(self.heat_pump_heat_mw.sum()) / el if el > 0 else float("nan")

    def annual_mwh(self) -> dict[str, float]:
        """Annual electricity per component and in total. [MWh/a]"""
        parts = {"base": float(self.base_mw.sum()), "heat_pumps": float(self.heat_pumps_mw.sum()),
                 "electric_vehicles": float(self.electric_vehicles_mw.sum())}
        return {**parts, "total": sum(parts.values())}

    def summary(self) -> dict[str, float | str]:
        """Annual figures for tables and JSON ([MWh/a], peak [MW], heat [MWh_th/a], COP [-])."""
        return {"scenario": self.scenario, **{f"{k}_mwh": v for k, v in self.annual_mwh().items()},
                "peak_mw": float(self.total_mw.max(initial=0.0)),
                "heat_pump_heat_mwh": float(self.heat_pump_heat_mw.sum()),
                "heat_demand_mwh": self.heat_demand_mwh, "seasonal_cop": self.seasonal_cop}


def scenario_demand(base_hourly_mw: ArrayLike, population: float, scenario: str,
                    catalogue: DemandScenarioCatalogue, temperature_c: ArrayLike, year: int,
                    land: str = "ST") -> ScenarioDemand:
    """A municipality's hourly demand in a scenario: base, heat pumps and electric cars.

    Parameters
    ----------
    base_hourly_mw : array_like
        Today's hourly electricity demand of the municipality (:func:`.demand.hourly_demand_mw`). [MW]
    population : float
        Inhabitants. [-]
    scenario, catalogue : str, DemandScenarioCatalogue
        Id of a scenario, and the scenarios (:func:`load_demand_scenarios`).
    temperature_c : array_like
        Hourly outdoor temperature of the same hours (the weather year's ``temp_air``). [°C]
    year, land : int, str
        Calendar year of the hours (8760 or 8784 of them); Land code for the holidays of the heat profiles.

    Returns
    -------
    ScenarioDemand
        Each component sums to its annual figure; the reference scenario returns the base demand unchanged.

    Raises
    ------
    InputError
        Series of the wrong length or with missing values, a negative population, an unknown scenario.
    """
    base = np.asarray(base_hourly_mw, dtype=float)
    temperature = np.asarray(temperature_c, dtype=float)
    n = hours_in_year(year)
    if base.ndim != 1 or base.size != n or temperature.shape != base.shape:
        raise InputError(f"Demand scenario {scenario!r}: the base demand ({base.size} values) and the temperature "
                         f"({temperature.size}) must both have one value per hour of {year} ({n}); compute the "
                         "demand for the weather's year.")
    if not np.all(np.isfinite(base)) or np.any(base < 0) or not np.all(np.isfinite(temperature)):
        raise InputError(f"Demand scenario {scenario!r}: the base demand has negative or missing values, or the "
                         "temperature has missing values.")
    if not np.isfinite(population) or population < 0:
        raise InputError(f"Demand scenario {scenario!r}: population {population!r} is not a number ≥ 0.")
    sc = catalogue.scenario(scenario)
    ref = catalogue.scenario(catalogue.reference)
    zeros = np.zeros(n)
    heat_demand = population * sum(sc.heat_kwh_per_inhabitant.values()) / 1000.0
    if sc.id == ref.id:
        return ScenarioDemand(sc.id, year, base.copy(), zeros, zeros.copy(), zeros.copy(), heat_demand)
    heat_th = np.zeros(n)
    electricity = np.zeros(n)
    cop_space = heat_pump_cop(temperature, model=catalogue.cop)
    cop_water = heat_pump_cop(temperature, catalogue.cop.hot_water_temperature_c, catalogue.cop)
    for segment in catalogue.segments:
        mwh = heat_pump_heat_mwh(population, sc, ref, segment.id)
        if mwh <= 0:
            continue
        space = mwh * (1.0 - segment.hot_water_share) * heat_profile_shares(temperature, year, segment, False, land)
        water = mwh * segment.hot_water_share * heat_profile_shares(temperature, year, segment, True, land)
        heat_th += space + water
        electricity += space / cop_space + water / cop_water
    ev_mwh = ev_annual_mwh(population, sc, ref, catalogue.transport)
    ev = ev_mwh * charging_shares(n, catalogue.transport.charging_weights)
    return ScenarioDemand(sc.id, year, base * sc.electricity_factor, electricity, ev, heat_th, heat_demand)


def scenario_demands(base_hourly_mw: ArrayLike, population: float, catalogue: DemandScenarioCatalogue,
                     temperature_c: ArrayLike, year: int, land: str = "ST") -> dict[str, ScenarioDemand]:
    """:func:`scenario_demand` for every scenario of the catalogue, by id (in the file's order)."""
    return {sid: scenario_demand(base_hourly_mw, population, sid, catalogue, temperature_c, year, land)
            for sid in catalogue.scenario_ids}
