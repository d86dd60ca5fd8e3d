"""The connection catalogue: voltage levels of a grid connection and what they cost.

``presets/grid_connection.yml`` (schema ``wip-grid-connection/1``) lists the connection levels by
rising capacity limit. Each level names the substation voltages that suit it and its costs, every
figure a :class:`Quantity` with its unit and its source (a citation, or a modelling assumption of
the project). :func:`load_connection_catalogue` reads a preset or a file and reports every
problem with its place in the file in one :class:`~..errors.SpecError` (kind ``"Grid connection
catalogue"``); values with units are read by :func:`~..units.parse_quantity`.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SpecError
from ..spec import (
    PRESET_DIR,
    Label,
    items_with_ids,
    preset_path,
    read_date,
    read_label,
    read_quantity,
    read_yaml,
    suggest,
    unknown_keys,
)
from ..units import KINDS, parse_quantity

SCHEMA = "wip-grid-connection/1"
DEFAULT_PRESET = "grid_connection"
#: What :class:`~..errors.SpecError` calls a connection catalogue.
KIND = "Grid connection catalogue"


@dataclass(frozen=True)
class Quantity:
    """A catalogue value in its canonical unit, with its source.

    Attributes
    ----------
    value : float
        The value in ``unit``.
    unit : str
        Canonical unit (a key of :data:`~..units.KINDS`).
    source : str
        Key of the catalogue's ``sources`` or ``assumptions``.
    assumption : bool
        True if the source is a modelling assumption of the project.
    low, high : float or None
        Published range, if any (same unit).
    note : str
        Remark.
    """

    value: float
    unit: str
    source: str
    assumption: bool
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ConnectionLevel:
    """A connection voltage level: which sites, which substations, what it costs.

    Attributes
    ----------
    id : str
        Identifier (e.g. ``mv_20kv``).
    label : Label
        Name shown to users.
    connection_voltage_v : float
        Voltage of the connection line. [V]
    max_capacity : Quantity or None
        Largest site capacity of the level [MW]; None: no upper limit.
    substation_voltages_v : tuple of int
        A substation suits the level if it has one of these voltages. [V]
    line_cost : Quantity
        Cost of the connection line per km. [EUR/km]
    bay_cost : Quantity
        Cost of the bay at the substation. [EUR]
    max_route : Quantity
        Longest connection line considered. [km]
    valid_from : datetime.date
        Date from which the figures apply.
    """

    id: str
    label: Label
    connection_voltage_v: float
    max_capacity: Quantity | None
    substation_voltages_v: tuple[int, ...]
    line_cost: Quantity
    bay_cost: Quantity
    max_route: Quantity
    valid_from: dt.date

    @property
    def max_capacity_mw(self) -> float:
        """Largest site capacity of the level (inf without limit). [MW]"""
        return math.inf if self.max_capacity is None else self.max_capacity.value

    @property
    def max_route_m(self) -> float:
        """Longest connection line. [m]"""
        return self.max_route.value * 1000.0

    def suits(self, substation_levels_v: Iterable[int]) -> bool:
        """True if a substation with these voltage levels can take a site of this level."""
        return bool(set(substation_levels_v) & set(self.substation_voltages_v))

    def cost_eur(self, weighted_length_km: float | np.ndarray) -> float | np.ndarray:
        """Connection cost for a (terrain-weighted) line length. [EUR]"""
        return weighted_length_km * self.line_cost.value + self.bay_cost.value


@dataclass(frozen=True)
class ConnectionCatalogue:
    """Validated connection levels and cost rates (immutable)."""

    id: str
    version: str
    title: Label
    valid_from: dt.date
    levels: tuple[ConnectionLevel, ...]
    sources: tuple[tuple[str, str], ...] = ()
    assumptions: tuple[tuple[str, str], ...] = ()
    description: str = ""
    origin: str = ""

    def level_for(self, capacity_mw: float) -> ConnectionLevel | None:
        """The lowest level whose capacity limit ``capacity_mw`` does not exceed (None if none). [MW]"""
        for level in self.levels:
            if capacity_mw <= level.max_capacity_mw:
                return level
        return None

    def level(self, level_id: str) -> ConnectionLevel:
        """The level with this id (KeyError naming the known ids otherwise)."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"No connection level {level_id!r}; known: {', '.join(lv.id for lv in self.levels)}")

    def source_text(self, key: str) -> str:
        """Citation or assumption text of a source key."""
        return dict(self.sources).get(key) or dict(self.assumptions).get(key) or key

    def assumption_rows(self) -> list[tuple[str, str, str]]:
        """``(level id, value name, assumption text)`` of every value that is a modelling assumption."""
        rows = []
        for lv in self.levels:
            for name in ("max_capacity", "line_cost", "bay_cost", "max_route"):
                q = getattr(lv, name)
                if q is not None and q.assumption:
                    rows.append((lv.id, name, self.source_text(q.source)))
        return rows

    def provenance(self) -> dict[str, Any]:
        """What a result records about the catalogue."""
        return {"id": self.id, "version": self.version, "origin": self.origin}


#: Keys of the catalogue file, of a level and of a value with its source.
TOP_KEYS = frozenset({"schema", "id", "version", "valid_from", "title", "description", "sources", "assumptions",
                      "levels"})
LEVEL_KEYS = frozenset({"id", "label", "connection_voltage", "max_capacity", "substation_voltages", "line_cost",
                        "bay_cost", "max_route", "valid_from", "note"})
QUANTITY_KEYS = frozenset({"value", "low", "high", "source", "note"})


def load_connection_catalogue(ref: str | Path = DEFAULT_PRESET) -> ConnectionCatalogue:
    """Load the connection catalogue: a preset id (``grid_connection``) or a YAML file.

    Raises
    ------
    SpecError
        Listing every problem with its place in the file.
    """
    path = preset_path(ref, (".yml", ".yaml")) or Path(ref)
    origin = f"preset {ref}" if path.parent == PRESET_DIR and str(ref) == path.stem else str(path)
    if not path.exists():
        raise SpecError(KIND, str(ref), [f"no such file or preset; the shipped preset is {DEFAULT_PRESET!r}"])
    raw = read_yaml(path, origin, KIND)
    return build_connection_catalogue(raw, origin)


def build_connection_catalogue(raw: Any, origin: str = "<mapping>") -> ConnectionCatalogue:
    """Validate a raw catalogue mapping in one pass and build the frozen object.

    Raises
    ------
    SpecError
        Listing every problem found.
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise SpecError(KIND, origin, ["the file must hold a mapping (schema, id, levels …)"])
    unknown_keys(raw, TOP_KEYS, "", problems)
    if raw.get("schema") != SCHEMA:
        problems.append(f"schema: must be {SCHEMA!r}, found {raw.get('schema')!r}")
    for key in ("id", "version"):
        if not isinstance(raw.get(key), (str, int, float)) or str(raw.get(key)).strip() == "":
            problems.append(f"{key}: required")
    title = read_label(raw.get("title"), "title", problems)
    valid_from = read_date(raw.get("valid_from"), "valid_from", problems) or dt.date(1900, 1, 1)
    sources = _text_map(raw.get("sources"), "sources", problems)
    assumptions = _text_map(raw.get("assumptions"), "assumptions", problems)
    for key in set(sources) & set(assumptions):
        problems.append(f"assumptions.{key}: the key is also in 'sources'; use distinct keys")
    levels: list[ConnectionLevel] = []
    raw_levels: list[dict[str, Any]] = []
    for where, lv in items_with_ids(raw.get("levels"), "levels", problems, what="connection levels"):
        raw_levels.append(lv)
        level = _level(lv, where, sources, assumptions, problems)
        if level is not None:
            levels.append(level)
    caps = [_raw_max_capacity(lv) for lv in raw_levels]
    if sum(c == math.inf for c in caps) > 1:
        problems.append("levels: only one level may have no max_capacity (null)")
    caps = [c for c in caps if c is not None]
    if caps != sorted(caps) or len(set(caps)) != len(caps):
        problems.append("levels: list the levels by rising max_capacity, each limit higher than the one before")
    if problems:
        raise SpecError(KIND, origin, problems)
    return ConnectionCatalogue(
        id=str(raw["id"]), version=str(raw["version"]), title=title, valid_from=valid_from, levels=tuple(levels),
        sources=tuple(sorted(sources.items())), assumptions=tuple(sorted(assumptions.items())),
        description=str(raw.get("description", "")).strip(), origin=origin)


def _raw_max_capacity(lv: dict[str, Any]) -> float | None:
    """A level's capacity limit as far as it can be read (inf for null, None if unreadable). [MW]"""
    raw = lv.get("max_capacity")
    if raw is None:
        return math.inf if "max_capacity" in lv else None
    try:
        return parse_quantity(raw.get("value"), "MW") if isinstance(raw, dict) else None
    except ValueError:
        return None


def _text_map(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        problems.append(f"{where}: must map short keys to texts (citations or explanations)")
        return {}
    return {str(k): " ".join(str(v).split()) for k, v in value.items()}


def _quantity(raw: Any, unit: str, where: str, sources: dict[str, str], assumptions: dict[str, str],
              problems: list[str]) -> Quantity | None:
    """A value with its unit and source (``{value, low, high, source, note}``); None after a problem."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping {{value: '… {next(iter(KINDS[unit].symbols))}', source: KEY}}")
        return None
    n_before = len(problems)
    unknown_keys(raw, QUANTITY_KEYS, f"{where}.", problems)
    values: dict[str, float | None] = {}
    for key in ("value", "low", "high"):
        values[key] = None
        if raw.get(key) is not None:
            values[key] = read_quantity(raw[key], unit, f"{where}.{key}", problems)
        elif key == "value":
            problems.append(f"{where}.value: required (a number with its unit)")
    value = values["value"]
    if value is not None and value < 0:
        problems.append(f"{where}.value: must not be negative")
    low, high = values["low"], values["high"]
    if value is not None and ((low is not None and low > value) or (high is not None and high < value)):
        problems.append(f"{where}: value must lie between low and high")
    source = raw.get("source")
    if not isinstance(source, str) or source not in sources and source not in assumptions:
        keys = [*sources, *assumptions]
        problems.append(f"{where}.source: {source!r} is not a key of 'sources' or 'assumptions'"
                        f"{suggest(str(source), keys)}")
    if len(problems) > n_before or value is None:
        return None
    return Quantity(value, unit, source, source in assumptions, low, high, str(raw.get("note", "")))


def _level(lv: dict[str, Any], where: str, sources: dict[str, str], assumptions: dict[str, str],
           problems: list[str]) -> ConnectionLevel | None:
    """One connection level of the file; None after a problem."""
    n_before = len(problems)
    unknown_keys(lv, LEVEL_KEYS, f"{where}.", problems)
    lid = lv.get("id")
    if not isinstance(lid, str) or not lid.isidentifier():
        problems.append(f"{where}.id: {lid!r} must be a word of letters, digits and _")
    label = read_label(lv.get("label"), f"{where}.label", problems)
    voltage = read_quantity(lv.get("connection_voltage"), "V", f"{where}.connection_voltage", problems)
    max_cap = None
    if lv.get("max_capacity") is not None:
        max_cap = _quantity(lv["max_capacity"], "MW", f"{where}.max_capacity", sources, assumptions, problems)
    elif "max_capacity" not in lv:
        problems.append(f"{where}.max_capacity: required ({{value: '20 MW', source: KEY}}, or null for no limit)")
    subv: list[int] = []
    raw_subv = lv.get("substation_voltages")
    if not isinstance(raw_subv, list) or not raw_subv:
        problems.append(f"{where}.substation_voltages: a list of voltages such as [110 kV]")
    else:
        for k, v in enumerate(raw_subv):
            volt = read_quantity(v, "V", f"{where}.substation_voltages[{k}]", problems)
            if volt is not None:
                subv.append(int(round(volt)))
    line_cost = _quantity(lv.get("line_cost"), "EUR/km", f"{where}.line_cost", sources, assumptions, problems)
    bay_cost = _quantity(lv.get("bay_cost"), "EUR", f"{where}.bay_cost", sources, assumptions, problems)
    max_route = _quantity(lv.get("max_route"), "km", f"{where}.max_route", sources, assumptions, problems)
    valid_from = None
    if "valid_from" not in lv:
        problems.append(f"{where}.valid_from: required (date from which the figures apply, YYYY-MM-DD)")
    else:
        valid_from = read_date(lv["valid_from"], f"{where}.valid_from", problems)
    if len(problems) > n_before or line_cost is None or bay_cost is None or max_route is None or valid_from is None:
        return None
    return ConnectionLevel(lid, label, voltage or 0.0, max_cap, tuple(subv), line_cost, bay_cost, max_route,
                           valid_from)
