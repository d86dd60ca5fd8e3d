"""The categories of PV land a catalogue's permitted zones open, with their law, PV system and density.

A permitted zone names the ``category`` of land it opens (``corridor``, ``conversion``, ``agri_pv`` …;
:func:`.exceptions.zone_category`); the catalogue's top-level ``categories:`` block says what each category
is, so that the municipal profile can turn the eligible hectares per category into capacity and energy::

    categories:
      agri_pv:
        label: {de: Agri-PV auf Ackerland, en: Agri-PV on farmland}
        law: eeg2023_37_agri             # a key of `sources` or a full citation
        law_text: {de: "…", en: "…"}     # optional: the law in words per language, for reports
        valid_from: 2023-01-01
        system: agri_vertical            # a system of presets/pv_systems.yml
        density: {value: 0.30 MWp/ha, source: pv_systems_agri_vertical}
        opens: false                     # optional: measured and reported, but opens no land (default true)
        cap:                             # optional: a statutory cap, stated in the outputs, never applied
          text: {de: "…", en: "…"}
          per_year: {ST: 100 MW}         # optional: MW of awards per calendar year, by Land
          source: ffavo_lsa
        note: "…"                        # optional: the simplifications of the model

:func:`parse_categories` validates the block in the catalogue's one pass (every problem with its place):
an unknown PV system, a density without its unit or source, a law or source that is no key of ``sources``,
a ``law_text`` without its German and English text, and a permitted zone whose category the block does not
declare. ``law`` is the source (a key of ``sources``, whose citation may mix languages); ``law_text`` says the
same in each language, and the reports show it in theirs. A catalogue without the block has no
categories (``{}``); one with permitted-zone categories must declare them all.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..spec import PRESET_DIR, Label, read_date, read_label, read_yaml, suggest, unknown_keys
from ..units import parse_quantity

#: The PV system preset whose ``systems:`` a category's ``system`` names.
PV_SYSTEMS_FILE = PRESET_DIR / "pv_systems.yml"
_KEYS = {"label", "law", "law_text", "valid_from", "system", "density", "cap", "note", "opens"}
_CAP_KEYS = {"text", "per_year", "source"}
_LANDS = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH")


@dataclass(frozen=True)
class CategoryCap:
    """A statutory cap on a category (e.g. the MW of awards per year a Land ordinance allows).

    Stated in the outputs and notes; the eligible land is never cut by it.

    Attributes
    ----------
    text : Label
        The cap in words, for notes and reports.
    per_year_mw : dict of str to float
        Awards allowed per calendar year by Land (two letters, e.g. ``ST``). [MW]
    source : str
        A key of the catalogue's ``sources`` or a citation.
    """

    text: Label
    per_year_mw: dict[str, float] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class AreaCategory:
    """One category of PV land: what opens it, which system stands on it, how densely.

    Attributes
    ----------
    id : str
        The category, as the permitted zones name it (``eligible_<id>_ha`` in the tables).
    label : Label
        Name shown to users.
    law : str
        The legal basis: a key of the catalogue's ``sources`` or a citation (see ``Catalogue.source_text``).
    valid_from : datetime.date
        Date from which the law opens the category.
    system : str
        The PV system of ``presets/pv_systems.yml`` that stands on it (``fixed_south``, ``agri_vertical`` …).
    density_mwp_per_ha : float
        Installed DC capacity per hectare of eligible land. [MWp/ha]
    density_source : str
        Source of the density (a key of ``sources`` or a citation).
    cap : CategoryCap or None
        A statutory cap, to be stated, not applied.
    note : str
        The simplifications of the model.
    opens : bool
        True: the category's zones open land (the run's total holds it). False: *counted only* — its land free
        of every exclusion is measured and reported, but opens nothing (e.g. agri-PV on all farmland, which
        would otherwise make nearly every field ground-PV land).
    law_text : Label or None
        The legal basis in words, in German and in English (for reports); None: the reports show the citation
        of ``law``.
    """

    id: str
    label: Label
    law: str
    valid_from: dt.date
    system: str
    density_mwp_per_ha: float
    density_source: str
    cap: CategoryCap | None = None
    note: str = ""
    opens: bool = True
    law_text: Label | None = None

    def law_in(self, language: str, citation: str = "") -> str:
        """The legal basis in ``language``: ``law_text`` where the catalogue gives it, else ``citation`` (the
        full text of ``law``, as the catalogue's ``source_text`` gives it) or ``law`` itself."""
        if self.law_text is not None:
            return self.law_text.get(language)
        return citation or self.law

    def capacity_mwp(self, eligible_ha: float) -> float:
        """Installed capacity on ``eligible_ha`` hectares of this category. [MWp]"""
        return float(eligible_ha) * self.density_mwp_per_ha


def pv_system_ids() -> tuple[str, ...]:
    """The system ids of the shipped PV system preset (``presets/pv_systems.yml``, key ``systems``)."""
    raw = read_yaml(PV_SYSTEMS_FILE, "preset pv_systems", "PV systems")
    systems = raw.get("systems") if isinstance(raw, Mapping) else None
    return tuple(systems) if isinstance(systems, Mapping) else ()


def _source(value: Any, where: str, sources: Mapping[str, str], problems: list[str], what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: required ({what}: a key of 'sources' or a citation)")
        return ""
    if value.isidentifier() and value not in sources:
        problems.append(f"{where}: {value!r} is not a key of 'sources'{suggest(value, sources)}")
    return value


def _cap(raw: Any, where: str, sources: Mapping[str, str], problems: list[str]) -> CategoryCap | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a mapping (text: {{de, en}}, per_year: {{ST: 100 MW}}, source)")
        return None
    unknown_keys(raw, _CAP_KEYS, f"{where}.", problems)
    text = read_label(raw.get("text"), f"{where}.text", problems)
    per_year: dict[str, float] = {}
    if raw.get("per_year") is not None:
        if not isinstance(raw["per_year"], Mapping):
            problems.append(f"{where}.per_year: must map Länder (two letters, e.g. ST) to MW per year ('100 MW')")
        else:
            for land, value in raw["per_year"].items():
                if land not in _LANDS:
                    problems.append(f"{where}.per_year.{land}: not a Land{suggest(str(land), _LANDS)}; use one of "
                                    f"{', '.join(_LANDS)}")
                    continue
                try:
                    per_year[land] = parse_quantity(value, "MW")
                except ValueError as exc:
                    problems.append(f"{where}.per_year.{land}: {exc}")
    source = _source(raw.get("source"), f"{where}.source", sources, problems, "the cap's legal source")
    return CategoryCap(text, per_year, source)


def _category(cid: str, raw: Any, where: str, sources: Mapping[str, str], systems: Sequence[str],
              problems: list[str]) -> AreaCategory | None:
    n_before = len(problems)
    if not cid.isidentifier():
        problems.append(f"{where}: {cid!r} must be a word of letters, digits and _ (e.g. conversion)")
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a mapping (label, law, valid_from, system, density)")
        return None
    unknown_keys(raw, _KEYS, f"{where}.", problems)
    label = read_label(raw.get("label"), f"{where}.label", problems)
    law = _source(raw.get("law"), f"{where}.law", sources, problems, "the law that opens the land")
    law_text = read_label(raw["law_text"], f"{where}.law_text", problems) if raw.get("law_text") is not None \
        else None
    valid_from = None
    if "valid_from" not in raw:
        problems.append(f"{where}.valid_from: required (date from which the law opens the land, YYYY-MM-DD)")
    else:
        valid_from = read_date(raw["valid_from"], f"{where}.valid_from", problems)
    system = raw.get("system")
    if not isinstance(system, str) or system not in systems:
        problems.append(f"{where}.system: {system!r} is not a PV system of presets/pv_systems.yml"
                        f"{suggest(str(system), systems)}; systems: {', '.join(systems)}")
    density, density_source = 0.0, ""
    d = raw.get("density")
    if not isinstance(d, Mapping) or "value" not in d:
        problems.append(f"{where}.density: required, {{value: '0.73 MWp/ha', source: …}}")
    else:
        unknown_keys(d, {"value", "source"}, f"{where}.density.", problems)
        try:
            density = parse_quantity(d["value"], "MWp/ha")
            if not density > 0:
                problems.append(f"{where}.density.value: {d['value']!r} must be positive")
        except ValueError as exc:
            problems.append(f"{where}.density.value: {exc}")
        density_source = _source(d.get("source"), f"{where}.density.source", sources, problems,
                                 "where the density comes from")
    cap = _cap(raw["cap"], f"{where}.cap", sources, problems) if raw.get("cap") is not None else None
    opens = raw.get("opens", True)
    if not isinstance(opens, bool):
        problems.append(f"{where}.opens: {opens!r} must be true (the zones open land) or false (counted only)")
    if len(problems) > n_before or valid_from is None:
        return None
    return AreaCategory(cid, label, law, valid_from, str(system), density, density_source, cap,
                        str(raw.get("note", "")), opens, law_text)


def parse_categories(raw: Any, zones: Sequence[tuple[str, str]], sources: Mapping[str, str],
                     problems: list[str]) -> dict[str, AreaCategory]:
    """The ``categories:`` block of a catalogue, every problem appended to ``problems``.

    Parameters
    ----------
    raw : mapping or None
        The block (category id → mapping); None when the catalogue has none.
    zones : sequence of (str, str)
        ``(place, category)`` of every permitted zone that names a category: each must be declared
        when the block is given.
    sources : mapping of str to str
        The catalogue's ``sources`` (laws and sources may name their keys).
    problems : list of str
        Collects the problems.

    Returns
    -------
    dict of str to AreaCategory
        In the order of the block; ``{}`` without one.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not raw:
        problems.append("categories: must map each category of land (e.g. conversion) to its label, law, "
                        "valid_from, system and density")
        return {}
    systems = pv_system_ids()
    out = {}
    for cid, entry in raw.items():
        cat = _category(str(cid), entry, f"categories.{cid}", sources, systems, problems)
        if cat is not None:
            out[cat.id] = cat
    for where, category in zones:
        if category not in raw:
            problems.append(f"{where}.category: {category!r} is not declared in 'categories'"
                            f"{suggest(category, list(raw))}; declared: {', '.join(map(str, raw))}")
    return out
