"""Electricity demand of municipalities: annual by sector, hourly by BDEW standard load profiles.

The annual demand comes from the population and per-inhabitant sector figures
(``presets/demand.yml``, each with its source) or from a user table of the municipality's own
figures. Each sector follows a normalised hourly profile from a registry
(:data:`PROFILE_BUILDERS`): the BDEW standard load profiles H0, G0, L0 … and an industrial
step profile, all computed by demandlib (``bdew.ElecSlp``, ``IndustrialLoadProfile``) for the
weather year of the generation, with the German public holidays of that year.

Example::

    cat = load_demand_catalogue()                       # the shipped preset
    md = demand_from_population("Zörbig", "15082430", 9_000, cat)
    md.annual_mwh                                        # MWh/a, all sectors
    hourly = hourly_demand_mw(md, cat, year=2010)        # 8760 hourly means [MW]
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..economics.costs import read_text, read_texts
from ..errors import InputError, SpecError
from ..spec import PRESET_DIR, Label, read_yaml

DEFAULT_PRESET = "demand"
#: What a demand file is called in messages.
DEMAND_KIND = "Demand catalogue"
SCHEMA = "wip-demand/1"

_TOP = {"schema", "id", "version", "valid_from", "title", "sources", "assumptions", "sectors"}
_SECTOR = {"id", "label", "per_inhabitant", "profile"}
#: No text (a figure without an assumption or note).
NO_TEXT = Label("", "")


@dataclass(frozen=True)
class Sector:
    """One demand sector.

    Attributes
    ----------
    id : str
        Stable id (``households``, ``commerce`` …); also the column of a demand table
        (``<id>_mwh``).
    label_de, label_en : str
        Names for reports.
    kwh_per_inhabitant : float
        Annual electricity per inhabitant. [kWh/a]
    profile : str
        Key of :data:`PROFILE_BUILDERS` (``h0``, ``g0``, ``l0``, ``industrial`` …).
    source : Label
        Text of the figure's source, per language (the same in both where the file gives one string).
    assumption : Label
        Text of the modelling assumption (empty if none).
    note : Label
        How the figure was derived.
    """

    id: str
    label_de: str
    label_en: str
    kwh_per_inhabitant: float
    profile: str
    source: Label = NO_TEXT
    assumption: Label = NO_TEXT
    note: Label = NO_TEXT

    def label(self, language: str = "de") -> str:
        """Name in ``language``."""
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class DemandCatalogue:
    """Sector figures and profiles, loaded and validated once (``presets/demand.yml``)."""

    id: str
    version: str
    valid_from: dt.date
    title_de: str
    title_en: str
    sectors: tuple[Sector, ...]
    origin: str = ""

    def sector(self, sector_id: str) -> Sector:
        """The sector with this id."""
        for s in self.sectors:
            if s.id == sector_id:
                return s
        raise KeyError(sector_id)

    def provenance(self) -> dict[str, Any]:
        """What a result records about the catalogue."""
        return {"id": self.id, "version": self.version, "origin": self.origin}

    def source_rows(self, language: str = "en") -> list[tuple[str, str, str]]:
        """(sector, figure, source and assumption) rows for a report's assumptions table, the texts in
        ``language``."""
        return [(s.id, f"{s.kwh_per_inhabitant:g} kWh/inhabitant/a, profile {s.profile}",
                 " ".join(t.get(language) for t in (s.source, s.assumption, s.note) if t.get(language)))
                for s in self.sectors]


# ----------------------------------------------------------------- loading
def _kwh(value: Any) -> float:
    """``1500 kWh`` / ``1.5 MWh`` → kWh (a unit is required)."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(kWh|MWh)\s*", str(value))
    if not m:
        raise ValueError(f"{value!r} is not an energy with a unit; write e.g. '1500 kWh' or '1.5 MWh'")
    return float(m.group(1)) * (1000.0 if m.group(2) == "MWh" else 1.0)


def load_demand_catalogue(ref: str | Path = DEFAULT_PRESET) -> DemandCatalogue:
    """Load the demand catalogue: the preset id ``demand`` or a YAML file of the same schema.

    Raises
    ------
    SpecError
        Listing every problem with its place in the file.
    """
    path = Path(ref)
    if not path.suffix:
        path = PRESET_DIR / f"{ref}.yml"
    if not path.is_file():
        raise InputError(f"Demand catalogue {str(ref)!r} not found: give 'demand' or a YAML file "
                         f"(schema {SCHEMA}).")
    raw = read_yaml(path, str(path), DEMAND_KIND) or {}
    return build_demand_catalogue(raw, str(path))


def build_demand_catalogue(raw: Any, origin: str = "<mapping>") -> DemandCatalogue:
    """Validate a parsed demand catalogue (see :func:`load_demand_catalogue`)."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise SpecError(DEMAND_KIND, origin, ["the file must be a mapping"])
    for key in raw:
        if key not in _TOP:
            problems.append(f"{key}: unknown key")
    if raw.get("schema") != SCHEMA:
        problems.append(f"schema: must be {SCHEMA!r}")
    sources = read_texts(raw, ("sources",), problems)
    assumptions = read_texts(raw, ("assumptions",), problems)
    try:
        valid_from = dt.date.fromisoformat(str(raw.get("valid_from")))
    except ValueError:
        problems.append("valid_from: write a date YYYY-MM-DD")
        valid_from = dt.date(1970, 1, 1)
    title = raw.get("title") or {}
    sectors: list[Sector] = []
    seen: set[str] = set()
    for i, s in enumerate(raw.get("sectors") or []):
        where = f"sectors[{i}]"
        if not isinstance(s, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        for key in s:
            if key not in _SECTOR:
                problems.append(f"{where}.{key}: unknown key")
        sid = str(s.get("id", ""))
        if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
            problems.append(f"{where}.id: a lowercase id is required")
        elif sid in seen:
            problems.append(f"{where}.id: {sid!r} appears twice")
        seen.add(sid)
        figure = s.get("per_inhabitant") or {}
        try:
            kwh = _kwh(figure.get("value"))
        except ValueError as exc:
            problems.append(f"{where}.per_inhabitant.value: {exc}")
            kwh = float("nan")
        src = figure.get("source")
        if src not in sources:
            problems.append(f"{where}.per_inhabitant.source: {src!r} is not a key of 'sources'")
        assumption = figure.get("assumption")
        if assumption is not None and assumption not in assumptions:
            problems.append(f"{where}.per_inhabitant.assumption: {assumption!r} is not a key of 'assumptions'")
        profile = (s.get("profile") or {}).get("id")
        if profile not in PROFILE_BUILDERS:
            problems.append(f"{where}.profile.id: {profile!r} is not a profile; profiles: "
                            f"{', '.join(sorted(PROFILE_BUILDERS))}")
        label = s.get("label") or {}
        if not isinstance(label, Mapping) or set(label) - {"de", "en"} or not all(
                isinstance(label.get(k), str) for k in ("de", "en")):
            problems.append(f"{where}.label: give {{de: text, en: text}} (quote texts with commas)")
            label = {}
        note = read_text(figure["note"], f"{where}.per_inhabitant.note", problems) if "note" in figure else NO_TEXT
        sectors.append(Sector(sid, str(label.get("de", sid)), str(label.get("en", sid)), kwh, str(profile),
                              sources.get(src, NO_TEXT), assumptions.get(assumption, NO_TEXT) if assumption else NO_TEXT,
                              note))
    if not sectors:
        problems.append("sectors: give at least one sector")
    if problems:
        raise SpecError(DEMAND_KIND, origin, problems)
    return DemandCatalogue(str(raw.get("id", "demand")), str(raw.get("version", "")), valid_from,
                           str(title.get("de", "")), str(title.get("en", "")), tuple(sectors), origin)


# ----------------------------------------------------------------- annual demand
@dataclass(frozen=True)
class MunicipalDemand:
    """Annual electricity demand of one municipality.

    Attributes
    ----------
    name, ags : str
        Municipality.
    population : float or None
        Inhabitants (None when the figures come from a table without population).
    by_sector_mwh : dict of str to float
        Annual demand per sector id. [MWh/a]
    origin : str
        ``population`` (catalogue figures) or ``table`` (the user's figures, with its file).
    """

    name: str
    ags: str
    population: float | None
    by_sector_mwh: dict[str, float] = field(default_factory=dict)
    origin: str = "population"

    @property
    def annual_mwh(self) -> float:
        """Annual demand of all sectors. [MWh/a]"""
        return float(sum(self.by_sector_mwh.values()))


def demand_from_population(name: str, ags: str, population: float, catalogue: DemandCatalogue) -> MunicipalDemand:
    """Annual demand per sector = population × the sector's kWh per inhabitant. [MWh/a]"""
    if not np.isfinite(population) or population < 0:
        raise InputError(f"Municipality {name!r}: population {population!r} is not a number ≥ 0; fill the "
                         "population field, or give a demand table.")
    return MunicipalDemand(name, ags, float(population),
                           {s.id: population * s.kwh_per_inhabitant / 1000.0 for s in catalogue.sectors})


def read_demand_table(path: str | Path, catalogue: DemandCatalogue) -> dict[str, dict[str, float]]:
    """Read a user demand table (CSV): one row per municipality.

    Columns: ``name`` or ``ags`` (the key), and either ``<sector>_mwh`` per sector of the
    catalogue (missing sectors count 0) or ``total_mwh`` (split over the sectors in the
    proportions of the catalogue's per-inhabitant figures). Rows are returned keyed by both
    name and AGS. [MWh/a]

    Raises
    ------
    InputError
        A missing file, key column or a value that is not a number ≥ 0, naming row and column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Demand table {str(path)!r} does not exist.")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        semicolon = first.count(";") > first.count(",")  # German Excel: ';' and decimal commas
        rows = list(csv.DictReader(fh, delimiter=";" if semicolon else ","))
    if not rows:
        raise InputError(f"Demand table {path}: no rows.")
    cols = set(rows[0])
    if not cols & {"name", "ags"}:
        raise InputError(f"Demand table {path}: needs a column 'name' or 'ags' naming the municipality; "
                         f"columns: {', '.join(sorted(cols))}.")
    sector_cols = {s.id: f"{s.id}_mwh" for s in catalogue.sectors}
    if not (cols & set(sector_cols.values())) and "total_mwh" not in cols:
        raise InputError(f"Demand table {path}: needs 'total_mwh' or per-sector columns "
                         f"{', '.join(sector_cols.values())} [MWh/a].")
    weights = np.array([s.kwh_per_inhabitant for s in catalogue.sectors], dtype=float)
    weights = weights / weights.sum()
    out: dict[str, dict[str, float]] = {}
    problems = []
    for i, row in enumerate(rows, start=2):
        def number(col: str, row: Mapping[str, Any] = row, i: int = i) -> float:
            value = _table_number(row.get(col), semicolon)
            if value is None:
                problems.append(f"row {i}, column {col}: {row.get(col)!r} is not a number ≥ 0")
                return 0.0
            return value

        if any(c in cols for c in sector_cols.values()):
            figures = {sid: number(col) for sid, col in sector_cols.items() if col in cols}
            figures.update({sid: 0.0 for sid in sector_cols if sid not in figures})
        else:
            total = number("total_mwh")
            figures = {s.id: total * w for s, w in zip(catalogue.sectors, weights)}
        for key in (row.get("name"), row.get("ags")):
            if key and key.strip():
                out[key.strip()] = figures
    if problems:
        raise InputError(f"Demand table {path} has {len(problems)} problem(s):\n" +
                         "\n".join(f"  - {p}" for p in problems))
    return out


def _table_number(raw: Any, semicolon: bool) -> float | None:
    """A table cell as a number ≥ 0 (empty: 0; ``1.234,5`` in semicolon files); None if it is none."""
    text = (raw or "").strip()
    if semicolon and "," in text:  # 1.234,5 → 1234.5
        text = text.replace(".", "").replace(",", ".")
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) and value >= 0 else None


# ----------------------------------------------------------------- hourly profiles
def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


#: Land codes (ISO 3166-2:DE without the prefix) with each statewide holiday beyond the national ones.
#: Sources: the Länder's Feiertagsgesetze as in force in 2025 (e.g. BayFTG Art. 1, FTG BW § 1, SächsSFG § 1,
#: FeiertG LSA § 2, ThürFtG § 2 (Weltkindertag since 2019), BE FTG (Frauentag since 2019), MV FTG (Frauentag
#: since 2023), the northern Länder's Reformation Day since 2018); regional holidays (Fronleichnam in parts of
#: Sachsen and Thüringen, Mariä Himmelfahrt in Catholic Bavarian communities, Augsburg's Friedensfest) are not
#: statewide and left out.
LAND_HOLIDAYS: dict[str, frozenset[str]] = {
    "BW": frozenset({"epiphany", "corpus_christi", "all_saints"}),
    "BY": frozenset({"epiphany", "corpus_christi", "all_saints"}),
    "BE": frozenset({"womens_day"}),
    "BB": frozenset({"reformation"}),
    "HB": frozenset({"reformation_2018"}),
    "HH": frozenset({"reformation_2018"}),
    "HE": frozenset({"corpus_christi"}),
    "MV": frozenset({"reformation", "womens_day_2023"}),
    "NI": frozenset({"reformation_2018"}),
    "NW": frozenset({"corpus_christi", "all_saints"}),
    "RP": frozenset({"corpus_christi", "all_saints"}),
    "SL": frozenset({"corpus_christi", "assumption", "all_saints"}),
    "SN": frozenset({"reformation", "repentance"}),
    "ST": frozenset({"epiphany", "reformation"}),
    "SH": frozenset({"reformation_2018"}),
    "TH": frozenset({"reformation", "childrens_day"}),
}


def public_holidays(year: int, land: str = "ST") -> dict[dt.date, str]:
    """German public holidays of ``year`` valid in the whole country, plus the Land's statewide ones.

    ``land``: a code of :data:`LAND_HOLIDAYS` (all 16 Länder, ``ST``, ``BY`` …); another code gives the
    national holidays only. Reformation Day 2017 (the 500th anniversary) was a holiday everywhere.
    """
    easter = easter_sunday(year)
    days = {
        dt.date(year, 1, 1): "Neujahr", easter - dt.timedelta(days=2): "Karfreitag",
        easter + dt.timedelta(days=1): "Ostermontag", dt.date(year, 5, 1): "Tag der Arbeit",
        easter + dt.timedelta(days=39): "Christi Himmelfahrt", easter + dt.timedelta(days=50): "Pfingstmontag",
        dt.date(year, 10, 3): "Tag der Deutschen Einheit", dt.date(year, 12, 25): "1. Weihnachtstag",
        dt.date(year, 12, 26): "2. Weihnachtstag",
    }
    own = LAND_HOLIDAYS.get(land, frozenset())
    nov22 = dt.date(year, 11, 22)
    rules = {
        "epiphany": (dt.date(year, 1, 6), "Heilige Drei Könige", True),
        "womens_day": (dt.date(year, 3, 8), "Internationaler Frauentag", year >= 2019),
        "womens_day_2023": (dt.date(year, 3, 8), "Internationaler Frauentag", year >= 2023),
        "corpus_christi": (easter + dt.timedelta(days=60), "Fronleichnam", True),
        "assumption": (dt.date(year, 8, 15), "Mariä Himmelfahrt", True),
        "childrens_day": (dt.date(year, 9, 20), "Weltkindertag", year >= 2019),
        "reformation": (dt.date(year, 10, 31), "Reformationstag", True),
        "reformation_2018": (dt.date(year, 10, 31), "Reformationstag", year >= 2018),
        "all_saints": (dt.date(year, 11, 1), "Allerheiligen", True),
        "repentance": (nov22 - dt.timedelta(days=(nov22.weekday() - 2) % 7), "Buß- und Bettag", True),
    }
    for key in sorted(own):
        day, name, applies = rules[key]
        if applies:
            days[day] = name
    if year == 2017 and land in LAND_HOLIDAYS:
        days[dt.date(2017, 10, 31)] = "Reformationstag"
    if land == "BE" and year in (2020, 2025):  # 75th and 80th anniversary of the end of the war (one-off laws)
        days[dt.date(year, 5, 8)] = "Tag der Befreiung"
    return days


def _hours(year: int) -> int:
    return 8784 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 8760


def _to_hourly(quarter_hours: np.ndarray, year: int) -> np.ndarray:
    """Quarter-hourly values → hourly means, normalised to sum 1."""
    n = _hours(year)
    values = np.asarray(quarter_hours, dtype=float)[: 4 * n].reshape(n, 4).mean(axis=1)
    total = values.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("demandlib returned an empty profile")
    return values / total


def _bdew_profile(key: str) -> Callable[[int, str], np.ndarray]:
    def build(year: int, land: str) -> np.ndarray:
        from demandlib import bdew

        slp = bdew.ElecSlp(year, holidays=public_holidays(year, land))
        frame = slp.get_scaled_power_profiles({key: 1.0})
        return _to_hourly(frame[key].to_numpy(), year)
    return build


def _industrial_profile(year: int, land: str) -> np.ndarray:
    import pandas as pd
    from demandlib import particular_profiles

    index = pd.date_range(f"{year}-01-01", periods=4 * _hours(year), freq="15min")
    profile = particular_profiles.IndustrialLoadProfile(index, holidays=public_holidays(year, land))
    return _to_hourly(profile.simple_profile(1.0).to_numpy(), year)


def _bdew25_profile(cls_name: str) -> Callable[[int, str], np.ndarray]:
    def build(year: int, land: str) -> np.ndarray:
        import pandas as pd
        from demandlib import bdew

        index = pd.date_range(f"{year}-01-01", periods=4 * _hours(year), freq="15min")
        return _to_hourly(getattr(bdew, cls_name)(index, holidays=public_holidays(year, land)).to_numpy(), year)
    return build


#: Hourly profile builders by id: ``build(year, land) -> shares of the year's demand per hour``
#: (sum 1; 8760 or 8784 values). BDEW 1999 profiles of demandlib's ElecSlp (``h0_dyn`` with the
#: dynamisation function), the BDEW 2025 revision (``h25`` dynamic, ``g25``, ``l25``) and the
#: industrial step profile.
PROFILE_BUILDERS: dict[str, Callable[[int, str], np.ndarray]] = {
    **{k: _bdew_profile(k) for k in ("h0", "h0_dyn", "g0", "g1", "g2", "g3", "g4", "g5", "g6", "l0", "l1", "l2")},
    **{k.lower(): _bdew25_profile(k) for k in ("H25", "G25", "L25")},
    "industrial": _industrial_profile,
}


@functools.lru_cache(maxsize=64)
def profile_shares(profile: str, year: int, land: str = "ST") -> np.ndarray:
    """Hourly shares of the annual demand of a profile (sum 1; cached, read-only). [-]"""
    if profile not in PROFILE_BUILDERS:
        raise InputError(f"Unknown load profile {profile!r}; profiles: {', '.join(sorted(PROFILE_BUILDERS))}.")
    with warnings.catch_warnings():  # demandlib 0.2.2's ElecSlp sets simplefilter("error") for the whole process
        shares = PROFILE_BUILDERS[profile](int(year), land)
    shares.setflags(write=False)
    return shares


def hourly_demand_mw(demand: MunicipalDemand, catalogue: DemandCatalogue, year: int,
                     land: str = "ST") -> np.ndarray:
    """Hourly mean demand of a municipality over ``year`` (sum = annual demand). [MW]"""
    total = np.zeros(_hours(year))
    for sector_id, mwh in demand.by_sector_mwh.items():
        if mwh:
            total += mwh * profile_shares(catalogue.sector(sector_id).profile, year, land)
    return total


def sector_hourly_mw(demand: MunicipalDemand, catalogue: DemandCatalogue, year: int,
                     land: str = "ST") -> dict[str, np.ndarray]:
    """Hourly mean demand per sector. [MW]"""
    return {sid: mwh * profile_shares(catalogue.sector(sid).profile, year, land)
            for sid, mwh in demand.by_sector_mwh.items()}


def demands_for(names: Sequence[str], ags: Sequence[str], population: Sequence[float | None],
                catalogue: DemandCatalogue, table: Mapping[str, Mapping[str, float]] | None = None,
                table_origin: str = "table") -> list[MunicipalDemand]:
    """One :class:`MunicipalDemand` per municipality.

    The table's figures where it has the name or AGS, else from the population.

    Raises
    ------
    InputError
        A municipality with neither table figures nor a population.
    """
    out = []
    missing = []
    for name, key, pop in zip(names, ags, population):
        row = (table or {}).get(name) or (table or {}).get(key)
        if row is not None:
            out.append(MunicipalDemand(name, key, None if pop is None else float(pop), dict(row), table_origin))
        elif pop is None or not np.isfinite(pop):
            missing.append(name)
        else:
            out.append(demand_from_population(name, key, float(pop), catalogue))
    if missing:
        raise InputError(f"No demand for {', '.join(missing)}: the municipality layer has no population for them "
                         "and the demand table has no row; add a 'population' field or a table row (name or ags).")
    return out
