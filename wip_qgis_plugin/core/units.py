"""Values with units as written in configuration files: one grammar for the whole engine.

A value is a number (``.`` or ``,`` as the decimal mark, an optional exponent, ``-`` or ``−``)
followed by a unit symbol: ``"500 m"``, ``"6,5 m/s"``, ``"70 kEUR/km"``, ``"-0.35 %/K"``.
:func:`parse_quantity` reads one into the canonical unit of a *kind* (:data:`KINDS`);
:func:`parse_distance` reads a setback, a sum of such terms in ``m``, ``km``, ``H`` (the total
height of the reference turbine, hub height + rotor radius) and ``R`` (its rotor radius). A
:class:`Distance` keeps the three parts apart until a turbine is known, then
:meth:`Distance.metres` resolves it.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: One number and a unit symbol (possibly empty); the number group is read by :func:`_number`.
_QUANTITY = re.compile(r"^\s*([+\-−]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")
_TERM_UNITS = ("m", "km", "H", "R")


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


@dataclass(frozen=True)
class QuantityKind:
    """What a value may be written in, and its canonical unit.

    Attributes
    ----------
    dimension : str
        Physical dimension, named in messages (``length``, ``speed``, ``power`` …).
    unit : str
        Canonical unit the value is converted to.
    symbols : mapping of str to float or callable
        Accepted unit symbols, each with its factor to ``unit`` (or a function). ``""`` (no
        symbol) is accepted only where it is listed, for dimensionless values.
    example : str
        An example value, for messages.
    """

    dimension: str
    unit: str
    symbols: Mapping[str, float | Callable[[float], float]] = field(default_factory=dict)
    example: str = ""

    def convert(self, number: float, symbol: str) -> float:
        """``number`` given in ``symbol``, in the canonical unit."""
        factor = self.symbols[symbol]
        return float(factor(number)) if callable(factor) else float(number * factor)


def _slope_percent_to_deg(v: float) -> float:
    return math.degrees(math.atan(v / 100.0))


_LENGTH = {"m": 1.0, "km": 1000.0}
_DEG = {"°": 1.0, "deg": 1.0}
#: Every kind of value the configuration files hold, by name (the name is mostly the canonical unit).
KINDS: dict[str, QuantityKind] = {
    # criterion inputs of the suitability analysis (by dimension)
    "length": QuantityKind("length", "m", _LENGTH, "'500 m'"),
    "speed": QuantityKind("speed", "m/s", {"m/s": 1.0, "km/h": 1.0 / 3.6}, "'6.5 m/s'"),
    "angle": QuantityKind("angle", "°", {**_DEG, "%": _slope_percent_to_deg}, "'10 °'"),
    "points": QuantityKind("points", "points", {"": 1.0, "points": 1.0, "AZ": 1.0, "SQR": 1.0}, "35"),
    # grid connection catalogue
    "MW": QuantityKind("power", "MW", {"W": 1e-6, "kW": 1e-3, "MW": 1.0, "GW": 1e3}, "'20 MW'"),
    "kW": QuantityKind("power", "kW", {"W": 1e-3, "kW": 1.0, "MW": 1e3}, "'4200 kW'"),
    "V": QuantityKind("voltage", "V", {"V": 1.0, "kV": 1e3}, "'110 kV'"),
    "EUR": QuantityKind("money", "EUR", {"EUR": 1.0, "kEUR": 1e3, "MEUR": 1e6, "€": 1.0, "k€": 1e3, "M€": 1e6},
                        "'9.2 MEUR'"),
    "EUR/km": QuantityKind("cost per length", "EUR/km",
                           {"EUR/km": 1.0, "kEUR/km": 1e3, "MEUR/km": 1e6, "EUR/m": 1e3,
                            "€/km": 1.0, "k€/km": 1e3, "M€/km": 1e6, "€/m": 1e3}, "'70 kEUR/km'"),
    "km": QuantityKind("length", "km", {"m": 1e-3, "km": 1.0}, "'12 km'"),
    # PV systems
    "deg": QuantityKind("angle", "°", _DEG, "'35 °'"),
    "percent": QuantityKind("percentage", "%", {"%": 1.0}, "'14 %'"),
    "fraction": QuantityKind("fraction", "-", {"%": 0.01, "": 1.0}, "'40 %'"),
    "w_per_m2": QuantityKind("irradiance or power per area", "W/m²",
                             {"W/m²": 1.0, "W/m2": 1.0, "kW/m²": 1000.0, "kW/m2": 1000.0}, "'215 W/m²'"),
    "per_k": QuantityKind("temperature coefficient", "1/K", {"%/K": 0.01, "1/K": 1.0}, "'-0.35 %/K'"),
    "m2": QuantityKind("area", "m²", {"m²": 1.0, "m2": 1.0}, "'2 m²'"),
    "MWp/ha": QuantityKind("capacity per land area", "MWp/ha", {"MWp/ha": 1.0, "MW/ha": 1.0, "kWp/ha": 1e-3,
                           "MWp/km²": 0.01, "MW/km²": 0.01, "MWp/km2": 0.01, "MW/km2": 0.01}, "'0.73 MWp/ha'"),
    # economics
    "EUR/kW": QuantityKind("cost per power", "EUR/kW", {"EUR/kW": 1.0, "EUR/kWp": 1.0, "€/kW": 1.0, "€/kWp": 1.0,
                                                        "EUR/MW": 1e-3, "€/MW": 1e-3, "kEUR/MW": 1.0,
                                                        "k€/MW": 1.0}, "'1500 EUR/kW'"),
    "EUR/kW/a": QuantityKind("cost per power and year", "EUR/kW/a",
                             {"EUR/kW/a": 1.0, "EUR/kWp/a": 1.0, "€/kW/a": 1.0, "€/kWp/a": 1.0,
                              "EUR/MW/a": 1e-3, "€/MW/a": 1e-3, "kEUR/MW/a": 1.0, "k€/MW/a": 1.0},
                             "'40 EUR/kW/a'"),
    "EUR/MWh": QuantityKind("price of energy", "EUR/MWh", {"EUR/MWh": 1.0, "€/MWh": 1.0, "ct/kWh": 10.0},
                            "'0.2 ct/kWh'"),
    "EUR/ha/a": QuantityKind("lease per area and year", "EUR/ha/a", {"EUR/ha/a": 1.0, "€/ha/a": 1.0},
                             "'2500 EUR/ha/a'"),
    "years": QuantityKind("duration", "a", {"a": 1.0, "years": 1.0}, "'25 a'"),
}


def _dimension_of(symbol: str) -> str | None:
    """The dimension a unit symbol belongs to, if exactly one dimension knows it."""
    dims = {k.dimension for k in KINDS.values() if symbol and symbol in k.symbols}
    return dims.pop() if len(dims) == 1 else None


def parse_quantity(value: object, kind: str) -> float:
    """Read a value with its unit into the canonical unit of ``kind``.

    ``"500 m"``, ``"1.5 km"`` → 1500 (``length``, metres); ``"36 km/h"`` → 10 (``speed``, m/s);
    ``"15 %"`` → 8.53 (``angle``: a slope gradient, converted with atan); ``"70 kEUR/km"`` →
    70,000 (``EUR/km``); ``"40 %"`` or ``0.4`` → 0.4 (``fraction``). A bare number is accepted
    only for dimensionless kinds (``points``, ``fraction``).

    Parameters
    ----------
    value : str or float
        The value as written in the file.
    kind : str
        A key of :data:`KINDS`.

    Returns
    -------
    float
        The value in the kind's canonical unit.

    Raises
    ------
    ValueError
        If the value has no unit, an unknown unit, or a unit of another dimension; the message
        lists the accepted units.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of value {kind!r}; use one of {', '.join(KINDS)}")
    k = KINDS[kind]
    accepted = ", ".join(s for s in k.symbols if s) or "no unit"
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number; write e.g. {k.example}")
    if isinstance(value, (int, float)):
        if "" in k.symbols:
            return k.convert(float(value), "")
        raise ValueError(f"{value!r} has no unit; write e.g. {k.example} (units: {accepted})")
    match = _QUANTITY.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"cannot read {value!r}; write a number and one of {accepted}, e.g. {k.example}")
    number, symbol = _number(match.group(1)), match.group(2)
    if symbol not in k.symbols and symbol.replace(" ", "") in k.symbols:
        symbol = symbol.replace(" ", "")
    if symbol in k.symbols:
        return k.convert(number, symbol)
    if symbol == "":
        raise ValueError(f"{value!r} has no unit; write e.g. {k.example} (units: {accepted})")
    other = _dimension_of(symbol)
    if other is not None and other != k.dimension:
        raise ValueError(f"{value!r} is a {other}, but this value is a {k.dimension} [{k.unit}]; "
                         f"write a number and one of {accepted}")
    raise ValueError(f"{value!r}: unknown unit {symbol!r}; write a number and one of {accepted}")


@dataclass(frozen=True)
class Turbine:
    """Turbine dimensions used by height-based setbacks.

    Parameters
    ----------
    hub_height_m : float
        Hub height. [m]
    rotor_diameter_m : float
        Rotor diameter. [m]
    name : str
        Type designation, for reports.
    """

    hub_height_m: float
    rotor_diameter_m: float
    name: str = ""

    @property
    def rotor_radius_m(self) -> float:
        """Rotor radius. [m]"""
        return self.rotor_diameter_m / 2.0

    @property
    def total_height_m(self) -> float:
        """Total height H = hub height + rotor radius. [m]"""
        return self.hub_height_m + self.rotor_radius_m


@dataclass(frozen=True)
class Distance:
    """A setback: metres plus multiples of total height and of rotor radius."""

    metres_part: float = 0.0
    total_height_multiple: float = 0.0
    rotor_radius_multiple: float = 0.0

    @property
    def needs_turbine(self) -> bool:
        """True if the distance depends on turbine dimensions."""
        return self.total_height_multiple != 0.0 or self.rotor_radius_multiple != 0.0

    def metres(self, turbine: Turbine | None = None) -> float:
        """Resolve to metres. [m]

        Raises
        ------
        ValueError
            If the distance uses H or R and no turbine is given.
        """
        if self.needs_turbine and turbine is None:
            raise ValueError(
                f"The setback {self} is given in turbine heights or rotor radii; "
                "set a reference turbine (catalogue 'reference_turbine' or scenario 'turbine')."
            )
        out = self.metres_part
        if turbine is not None:
            out += self.total_height_multiple * turbine.total_height_m
            out += self.rotor_radius_multiple * turbine.rotor_radius_m
        return out

    def __str__(self) -> str:
        parts = []
        if self.total_height_multiple:
            parts.append(f"{self.total_height_multiple:g} H")
        if self.rotor_radius_multiple:
            parts.append(f"{self.rotor_radius_multiple:g} R")
        if self.metres_part or not parts:
            parts.append(f"{self.metres_part:g} m")
        return " + ".join(parts)


def parse_distance(value: object) -> Distance:
    """Parse ``"500 m"``, ``"1.5 km"``, ``"2 H"``, ``"1 R + 50 m"`` or a mapping.

    A mapping may have the keys ``m``, ``H`` and ``R``. A bare number is refused:
    every value in a catalogue carries its unit.

    Raises
    ------
    ValueError
        With the accepted forms, if the value cannot be read.
    """
    if isinstance(value, Distance):
        return value
    if isinstance(value, dict):
        unknown = set(value) - {"m", "H", "R"}
        if unknown:
            raise ValueError(f"unknown unit key(s) {sorted(unknown)}; use m, H or R")
        try:
            return Distance(
                float(value.get("m", 0.0)), float(value.get("H", 0.0)), float(value.get("R", 0.0))
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a number in {value!r}") from exc
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f"{value!r} has no unit; write e.g. '{value} m', '2 H' (total heights) or '1 R + 50 m'"
        )
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a distance; write e.g. '500 m', '2 H' or '1 R + 50 m'")
    m = h = r = 0.0
    for term in value.replace("−", "-").split("+"):
        match = _QUANTITY.match(term)
        if not match or match.group(2) not in _TERM_UNITS:
            raise ValueError(
                f"cannot read {value!r}; write e.g. '500 m', '1.5 km', '2 H' or '1 R + 50 m'"
            )
        number, unit = _number(match.group(1)), match.group(2)
        if unit in _LENGTH:
            m += _LENGTH[unit] * number
        elif unit == "H":
            h += number
        else:
            r += number
    d = Distance(m, h, r)
    if m < 0 or h < 0 or r < 0:
        raise ValueError(f"{value!r}: a setback cannot be negative")
    return d


def parse_length_m(value: object, what: str) -> float:
    """Parse a plain length such as ``"159 m"`` into metres (no H or R allowed)."""
    d = parse_distance(value)
    if d.needs_turbine:
        raise ValueError(f"{what} must be in metres, not in turbine heights or rotor radii")
    return d.metres_part


#: Largest setback a criterion may have: legal setbacks reach a few kilometres (military aviation up to 6 km,
#: the extended check zone of the Schreiadler 5 km); 50 km is a typo or a wrong unit. [m]
MAX_SETBACK_M = 50_000.0


def setback_problem(metres: float) -> str | None:
    """Why a setback [m] cannot be used (not finite, negative, above :data:`MAX_SETBACK_M`), or None."""
    if not math.isfinite(metres):
        return f"is not a finite distance ({metres})"
    if metres < 0:
        return f"is negative ({metres:g} m)"
    if metres > MAX_SETBACK_M:
        return (f"is {metres:,.0f} m, more than {MAX_SETBACK_M / 1000:g} km: a typo or a wrong unit? "
                "Legal setbacks reach a few kilometres")
    return None


# ----------------------------------------------------------------- numbers written as text in attribute fields
_UNIT_FACTORS = {"": 1.0, "v": 1.0, "kv": 1e3, "mv": 1e6}
_WORDS = {"null": 0, "kein": 0, "keine": 0, "none": 0, "zero": 0, "ein": 1, "eins": 1, "eine": 1, "einer": 1,
          "eingleisig": 1, "one": 1, "single": 1, "zwei": 2, "zweigleisig": 2, "two": 2, "double": 2, "drei": 3,
          "three": 3, "vier": 4, "four": 4, "fünf": 5, "five": 5, "sechs": 6, "six": 6}
_PIECE = re.compile(r"^\s*([-+]?[\d.,\s']*\d)\s*([a-zA-Z]*)\s*$")


def _decimal(text: str) -> float | None:
    """``110.000`` (German thousands) → 110000, ``1.234,5`` → 1234.5, ``110,5`` → 110.5, ``0.4`` → 0.4."""
    t = text.replace(" ", "").replace("'", "").replace("\u202f", "")
    if "," in t and "." in t:  # the last one is the decimal mark
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif "," in t:
        t = t.replace(",", "") if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", t) and t.count(",") > 1 else t.replace(",", ".")
    elif t.count(".") > 1 or re.fullmatch(r"[-+]?[1-9]\d{0,2}\.\d{3}", t):
        if not re.fullmatch(r"[-+]?[1-9]\d{0,2}(\.\d{3})+", t):
            return None
        t = t.replace(".", "")
    try:
        return float(t)
    except ValueError:
        return None


def numbers_in_text(value: object) -> tuple[float, ...] | None:
    """The numbers an attribute value holds, in base units (volts); ``()`` for no value, None if it does not parse.

    Handles what real layers hold: several values (``110000;20000``, OSM's separator, also ``,`` or ``/``
    between whole numbers), units (``110 kV`` → 110000, ``380kV``, ``20000 V``), German number formats
    (``110.000`` → 110000, ``0,4``) and number words (``zwei``, ``two``, ``eingleisig``).
    Numbers are returned as they are (a plain ``110`` stays 110: whether that is volts is the data's matter,
    warned about by the data check).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (float(value),)
    text = str(value).strip()
    if not text:
        return ()
    word = _WORDS.get(text.lower())
    if word is not None:
        return (float(word),)
    parts = re.split(r"\s*[;|/]\s*", text)
    if len(parts) == 1 and re.fullmatch(r"\d{4,}(\s*,\s*\d{4,})+", text):  # "110000,20000": a list, not a decimal
        parts = re.split(r"\s*,\s*", text)
    out = []
    for part in parts:
        found = _PIECE.match(part)
        if found is None or found.group(2).lower() not in _UNIT_FACTORS:
            return None
        number = _decimal(found.group(1))
        if number is None:
            return None
        out.append(number * _UNIT_FACTORS[found.group(2).lower()])
    return tuple(out)
