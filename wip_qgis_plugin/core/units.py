"""Distances with units as written in catalogues: ``"500 m"``, ``"2 H"``, ``"1 R + 50 m"``.

``H`` is the total height of the reference turbine (hub height + rotor radius),
``R`` its rotor radius. A :class:`Distance` keeps the three parts apart until a
turbine is known, then :meth:`Distance.metres` resolves it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TERM = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(m|km|H|R)\s*$")
_UNITS = {"m": "metres", "km": "kilometres", "H": "total turbine heights", "R": "rotor radii"}


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
        match = _TERM.match(term)
        if not match:
            raise ValueError(
                f"cannot read {value!r}; write e.g. '500 m', '1.5 km', '2 H' or '1 R + 50 m'"
            )
        number = float(match.group(1).replace(",", "."))
        unit = match.group(2)
        if unit == "m":
            m += number
        elif unit == "km":
            m += 1000.0 * number
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
