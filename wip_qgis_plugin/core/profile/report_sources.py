"""The generation sources and the best sites in the HTML reports, worded per language.

:func:`density_text` words a source's facts (capacity, sites, turbines, densities, full-load hours …) with the
number format of the language ("2 415,0 MW an 88 Standorten", "4,2 MW"); :func:`municipal_facts` gives those
facts for one municipality from its own sites, so a municipality's page shows its own figures and the overview
the run's. :func:`grid_reason` says in words why a site has no grid figure (no substation with free capacity in
reach, no grid layer, not grid-connected by design …), from the connection status the grid step gave each site
(:data:`..grid.connection.SITE_STATUS`) and the run's grid note. :func:`note_text` words the engine's notes.
"""
from __future__ import annotations

import html
import math
import numbers
import re
import string
from collections.abc import Mapping
from typing import Any

from ..grid.connection import SITE_STATUS
from ..messages import Message
from ..solar.systems import DEFAULT_PRESET, load_pv_systems
from ..spec import PRESET_DIR
from .indicators import sites_of
from .model import GENERATION_SOURCES, NO_SITES_TO_CONNECT, ProfileResult
from .report_parts import fmt_number, html_table

#: Parts of the density statement of a generation source, by language: fact → template.
DENSITY_PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (("zero_eligible", "0 ha Potenzialfläche"), ("reused", "übernommene Standorte"), ("turbine", "Anlagenlayout {turbine} ({turbine_mw:g} MW, Nabe "
           "{hub_height_m:g} m, Rotor {rotor_diameter_m:g} m), Abstände {spacing_d[0]:g} D × {spacing_d[1]:g} D"),
           ("system", "System {system}"), ("capacity_mw", "{capacity_mw:,.1f} MW an {n_sites} Standorten"),
           ("n_turbines", "{n_turbines} Anlagen"),
           ("mw_per_km2_eligible", "{mw_per_km2_eligible:.1f} MW je km² Potenzialfläche"),
           ("mwp_per_ha", "{mwp_per_ha:.2f} MWp je ha"), ("mwp_per_km2_roof", "{mwp_per_km2_roof:.0f} MWp je km² "
           "nutzbarer Dachfläche"), ("yield_kwh_per_kwp", "{yield_kwh_per_kwp:,.0f} kWh/kWp/a"),
           ("full_load_hours", "{full_load_hours:,.0f} Volllaststunden"),
           ("wake_loss_pct", "Parkverluste {wake_loss_pct:.1f} %"),
           ("noise_checked", "Lärm (TA Lärm) und Schattenwurf geprüft: {noise_reduced} Anlagen schallreduziert · "
            "{noise_night_off} nachts abgeschaltet · {noise_lost_gwh:.1f} GWh/a weniger · {shadow_modules} Anlagen mit "
            "Schattenabschaltung"),
           ("repowering_checked", "Repowering (§ 16b BImSchG): {repowering_new} neue Anlagen ({repowering_new_mw:,.1f} "
            "MW · {repowering_new_gwh:,.1f} GWh/a) ersetzen {repowering_old} Altanlagen ({repowering_old_mw:,.1f} MW · "
            "{repowering_old_gwh:,.1f} GWh/a) · {repowering_plan_area} davon über Repoweringflächen des Plans · netto "
            "{repowering_net_gwh:+,.1f} GWh/a gegenüber den Altanlagen"),
           ("alternative", "Alternative zur Freiflächen-PV auf derselben Fläche, nicht in den Summen")),
    "en": (("zero_eligible", "0 ha eligible"), ("reused", "reused sites"), ("turbine", "turbine layout {turbine} ({turbine_mw:g} MW, hub "
           "{hub_height_m:g} m, rotor {rotor_diameter_m:g} m), spacing {spacing_d[0]:g} D × {spacing_d[1]:g} D"),
           ("system", "system {system}"), ("capacity_mw", "{capacity_mw:,.1f} MW in {n_sites} sites"),
           ("n_turbines", "{n_turbines} turbines"),
           ("mw_per_km2_eligible", "{mw_per_km2_eligible:.1f} MW per km² of eligible area"),
           ("mwp_per_ha", "{mwp_per_ha:.2f} MWp per ha"), ("mwp_per_km2_roof", "{mwp_per_km2_roof:.0f} MWp per km² "
           "of usable roof"), ("yield_kwh_per_kwp", "{yield_kwh_per_kwp:,.0f} kWh/kWp/a"),
           ("full_load_hours", "{full_load_hours:,.0f} full-load hours"),
           ("wake_loss_pct", "wake losses {wake_loss_pct:.1f} %"),
           ("noise_checked", "noise (TA Lärm) and shadow flicker checked: {noise_reduced} turbines in a quieter mode, "
            "{noise_night_off} off at night, {noise_lost_gwh:.1f} GWh/a less; {shadow_modules} turbines with a shadow "
            "shutdown"),
           ("repowering_checked", "repowering (§ 16b BImSchG): {repowering_new} new turbines ({repowering_new_mw:,.1f} "
            "MW, {repowering_new_gwh:,.1f} GWh/a) replace {repowering_old} old ones ({repowering_old_mw:,.1f} MW, "
            "{repowering_old_gwh:,.1f} GWh/a), {repowering_plan_area} of them by the plan's repowering areas; net "
            "{repowering_net_gwh:+,.1f} GWh/a against the old turbines"),
           ("alternative", "an alternative to ground PV on the same land, not in the totals")),
}

#: Facts of a source that hold for the whole run and cannot be split by municipality from the site table (they
#: come from the single turbines): the overview states them, a municipality's page does not.
RUN_WIDE_FACTS = ("wake_loss_pct", "noise_checked", "repowering_checked")

#: Texts of the sources and best-sites tables, by language.
SOURCE_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "source": "Erzeugungsart", "status": "Stand", "density": "Leistung, Dichte, Layout", "reason": "Grund",
        "missing": "fehlt", "computed": "berechnet", "reused": "übernommen",
        "scope_run": "Summen und Dichten aller Gemeinden dieses Laufs.",
        "scope_municipality": "Leistung, Standorte, Anlagen, Dichten und Volllaststunden dieser Gemeinde (ihre "
                              "Standorte); Lärm, Schattenwurf, Repowering und Parkverluste des ganzen Laufs stehen in "
                              "der Übersicht.",
        "site": "Standort", "capacity": "Leistung [MW]", "energy": "Ertrag [GWh/a]",
        "grid_cost": "Netzanschluss [Mio. €]", "substation": "Umspannwerk", "grid": "Netzanschluss: Stand / Grund",
        "connected": "angeschlossen", "split": "angeschlossen, auf mehrere Umspannwerke aufgeteilt",
        "partly_connected": "teilweise angeschlossen: {connected} von {capacity} MW passen in die freie Kapazität "
                            "in Reichweite",
        "no_free_capacity": "kein Anschluss: Umspannwerke in Reichweite, aber keines mit freier Kapazität",
        "no_suitable_substation": "kein Anschluss: kein Umspannwerk der nötigen Spannungsebene in Reichweite "
                                  "(längste Trasse der Ebene)",
        "above_all_levels": "kein Anschluss: Leistung über der Grenze jeder Anschlussebene des Netzkatalogs",
        "not_grid_connected": "kein eigener Netzanschluss: {why}",
        "alternative": "Alternative zur Freiflächen-PV auf derselben Fläche (deren Anschluss gilt)",
        "local_grid": "speist ins örtliche Verteilnetz",
        "no_grid_step": "nicht bewertet: dieses Profil hat keinen Netzschritt",
        "no_substation_layer": "nicht bewertet: keine Ebene der Umspannwerke angegeben",
        "no_sites": "nicht bewertet: kein Standort mit Leistung zum Anschließen",
        "not_assessed": "nicht bewertet: {why}",
        "unknown_status": "kein Anschluss ({status})",
        "no_sources": "Keine Erzeugungsart in diesem Profil.",
    },
    "en": {
        "source": "Source", "status": "Status", "density": "Capacity, density, layout", "reason": "Reason",
        "missing": "missing", "computed": "computed", "reused": "reused",
        "scope_run": "Totals and densities of all municipalities of this run.",
        "scope_municipality": "Capacity, sites, turbines, densities and full-load hours of this municipality (its "
                              "sites); noise, shadow flicker, repowering and wake losses of the whole run are on the "
                              "overview.",
        "site": "Site", "capacity": "Capacity [MW]", "energy": "Energy [GWh/a]", "grid_cost": "Grid connection [M€]",
        "substation": "Substation", "grid": "Grid connection: status / reason",
        "connected": "connected", "split": "connected, split between substations",
        "partly_connected": "partly connected: {connected} of {capacity} MW fit into the free capacity within reach",
        "no_free_capacity": "not connected: substations within reach, but none with free capacity left",
        "no_suitable_substation": "not connected: no substation of the level needed within reach (the level's "
                                  "longest route)",
        "above_all_levels": "not connected: capacity above every connection level of the grid catalogue",
        "not_grid_connected": "no grid connection of its own: {why}",
        "alternative": "an alternative to ground PV on the same land (whose connection applies)",
        "local_grid": "feeds the local distribution grid",
        "no_grid_step": "not assessed: this profile has no grid step",
        "no_substation_layer": "not assessed: no substation layer given",
        "no_sites": "not assessed: no site with a capacity to connect",
        "not_assessed": "not assessed: {why}",
        "unknown_status": "not connected ({status})",
        "no_sources": "No generation source in this profile.",
    },
}


def stext(key: str, language: str) -> str:
    """A text of the sources and best-sites tables in ``language`` (German for an unknown language)."""
    return SOURCE_TEXTS.get(language, SOURCE_TEXTS["de"])[key]


class _LocalNumbers(string.Formatter):
    """Formats the numbers of a template with the language's separators (German: 1 234,5); text as it is."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return super().format_field(value, format_spec)
        spec = format_spec
        if isinstance(value, numbers.Integral) and spec in ("", "d"):
            value = int(value)
            spec = ",d"
        elif "," not in spec and spec[-1:] in ("f", "d"):
            m = re.fullmatch(r"([+\- ]?)(\d*)(\.\d+)?([fd])", spec)
            if m:
                spec = f"{m.group(1)}{m.group(2)},{m.group(3) or ''}{m.group(4)}"
        s = format(value, spec)
        if self.language == "de":
            s = s.replace(",", "\x00").replace(".", ",").replace("\x00", "\u2009")
        return s


def _system_labels() -> dict[str, tuple[str, str]]:
    """The (German, English) names of the preset's PV systems; read once per version of the preset file."""
    try:
        stamp = (PRESET_DIR / f"{DEFAULT_PRESET}.yml").stat().st_mtime_ns
    except OSError:
        stamp = None
    if _LABELS.get("stamp", ...) != stamp:
        systems = load_pv_systems().systems
        _LABELS.clear()
        _LABELS.update(stamp=stamp, labels={k: (s.label_de, s.label_en) for k, s in systems.items()})
    return _LABELS["labels"]


#: The last read of :func:`_system_labels`.
_LABELS: dict[str, Any] = {}


def system_label(system: str, language: str) -> str:
    """The name of a PV system of ``presets/pv_systems.yml`` in ``language`` (its id if the preset lacks it)."""
    try:
        de, en = _system_labels()[system]
    except Exception:  # noqa: BLE001 - a label is never worth failing a report
        return system
    return (en if language == "en" else de) or system


def density_text(facts: Mapping[str, Any], language: str = "de") -> str:
    """The density statement of a source from its facts (see :func:`.sources.density_facts`).

    Numbers in the language's format (German: decimal comma, thin-space grouping), PV systems by their name.
    A zero is a result and is stated ("0 ha eligible; 0.0 MW in 0 sites"); a fact that is None or False is
    left out.
    """
    formatter = _LocalNumbers(language)
    shown = dict(facts)
    if isinstance(shown.get("system"), str):
        shown["system"] = system_label(shown["system"], language)
    parts = []
    for key, template in DENSITY_PARTS.get(language, DENSITY_PARTS["de"]):
        if facts.get(key) is not None and facts.get(key) is not False:
            try:
                parts.append(formatter.format(template, **shown))
            except (KeyError, IndexError, TypeError, ValueError):
                continue
    return "; ".join(parts)


def municipal_facts(result: ProfileResult, key: str, name: str) -> dict[str, Any]:
    """The facts of source ``key`` for municipality ``name``, from its own sites.

    Capacity, sites, turbines, MW per km² of the municipality's eligible area, MWp per ha, yield and full-load
    hours are summed over the municipality's sites (as :func:`.sources.density_facts` does for the run); the
    settings (turbine, system, reused, alternative) are the run's; :data:`RUN_WIDE_FACTS` are left out.
    """
    src = result.sources[key]
    facts = {k: v for k, v in src.facts.items() if k in ("turbine", "turbine_mw", "hub_height_m", "rotor_diameter_m",
                                                         "spacing_d", "system", "reused", "alternative")}
    sites = result.sites
    if len(sites):
        sites = sites_of(result, "source+municipality", (key, name))
    cap = float(sites["capacity_mw"].sum()) if len(sites) else 0.0
    energy = float(sites["energy_mwh_per_a"].sum()) if len(sites) else 0.0
    facts.update(capacity_mw=cap, n_sites=int(len(sites)))
    if "n_turbines" in sites.columns and "n_turbines" in src.facts:
        facts["n_turbines"] = int(sites["n_turbines"].fillna(0).sum())
    tech = result.technologies.get(GENERATION_SOURCES[key].technology or "")
    if tech is not None:
        stats = tech.stats.get(name)
        km2 = (stats.eligible_ha if stats is not None else 0.0) / 100.0
        if km2 > 0:
            facts["mw_per_km2_eligible"] = cap / km2
        else:
            facts["zero_eligible"] = True
    # the run's site table holds every source's columns: a column counts where this source's sites fill it
    dc = next((c for c in ("capacity_mwp", "capacity_kwp") if c in sites.columns and sites[c].notna().any()), None)
    if dc is not None and len(sites):
        mwp = float(sites[dc].fillna(0).sum()) / (1000.0 if dc == "capacity_kwp" else 1.0)
        if mwp > 0:
            facts["yield_kwh_per_kwp"] = energy / mwp
        if "eligible_ha" in sites.columns and sites["eligible_ha"].fillna(0).sum() > 0:
            facts["mwp_per_ha"] = mwp / float(sites["eligible_ha"].fillna(0).sum())
        if "usable_roof_m2" in sites.columns and sites["usable_roof_m2"].fillna(0).sum() > 0:
            facts["mwp_per_km2_roof"] = mwp / (float(sites["usable_roof_m2"].fillna(0).sum()) / 1e6)
    if cap > 0:
        facts["full_load_hours"] = energy / cap
    return facts


def sources_table(result: ProfileResult, language: str, name: str | None = None) -> str:
    """The generation sources with their status, figures and reason (HTML); of municipality ``name`` (its own
    sites) or, with None, of the whole run; with the note which of the two it is."""
    rows = []
    for key, src in result.sources.items():
        cls = ' class="s missing"' if src.status == "missing" else ' class="s"'
        if src.status == "missing":
            figures = "–"
        else:
            facts = src.facts if name is None else municipal_facts(result, key, name)
            figures = html.escape(density_text(facts, language) or src.density or "–")
        rows.append([GENERATION_SOURCES[key].label(language), f"<span{cls}>{stext(src.status, language)}</span>",
                     figures, html.escape(note_text(src.reason, language) if src.reason else "")])
    if not rows:
        return f'<p class="note">{stext("no_sources", language)}</p>'
    scope = stext("scope_run" if name is None else "scope_municipality", language)
    return html_table([stext(k, language) for k in ("source", "status", "density", "reason")], rows, wide={2}) + \
        f'<p class="note">{scope}</p>'


def grid_reason(site: Mapping[str, Any], result: ProfileResult, language: str) -> str:
    """The grid connection of a site in words: its status, and why there is no grid figure where there is none.

    ``site``: a best-site record (``source``, ``grid_status``, ``capacity_mw``, ``grid_connected_mw`` …).
    """
    source = GENERATION_SOURCES.get(str(site.get("source")))
    status = str(site.get("grid_status") or "")
    if source is not None and not source.grid_connected:
        why = stext("alternative" if not source.additive else "local_grid", language)
        return stext("not_grid_connected", language).format(why=why)
    if not status:
        note = result.grid_note
        if note in ("", "no grid step in this profile"):
            return stext("no_grid_step", language)
        if note == "no substation layer given":
            return stext("no_substation_layer", language)
        if note == NO_SITES_TO_CONNECT:
            return stext("no_sites", language)
        return stext("not_assessed", language).format(why=note_text(note, language))
    if status == "partly_connected":
        connected = site.get("grid_connected_mw")
        if connected is None and "uid" in site and "grid_connected_mw" in result.sites.columns:
            match = result.sites.loc[result.sites["uid"] == site["uid"], "grid_connected_mw"]
            connected = float(match.iloc[0]) if len(match) else None
        return stext(status, language).format(connected=fmt_number(connected, "MW", language),
                                              capacity=fmt_number(site.get("capacity_mw"), "MW", language))
    if status in SITE_STATUS:
        return stext(status, language)
    return stext("unknown_status", language).format(status=status)


def top_sites_table(result: ProfileResult, top_sites: list[Mapping[str, Any]], language: str) -> str:
    """The best sites of a municipality: source, site, capacity, energy, grid cost, substation and the grid
    connection's status or the reason it has none (HTML)."""
    rows = []
    for s in top_sites:
        cost = s.get("grid_cost_eur")
        cost = None if cost is None or (isinstance(cost, float) and math.isnan(cost)) else cost / 1e6
        rows.append([GENERATION_SOURCES[s["source"]].label(language), html.escape(str(s["site_id"])),
                     fmt_number(s["capacity_mw"], "MW", language),
                     fmt_number(s["energy_mwh_per_a"] / 1000.0, "GWh/a", language), fmt_number(cost, "", language),
                     html.escape(str(s.get("substation") or "–")), html.escape(grid_reason(s, result, language))])
    return html_table([stext(k, language) for k in ("source", "site", "capacity", "energy", "grid_cost",
                                                    "substation", "grid")], rows, {2, 3, 4}, {6})


#: The engine's notes (English) and their German wording: pattern → template (groups by name).
NOTE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?P<key>\w+): alternative use of the ground-PV land, not in the totals or the balance",
     "{source}: alternative Nutzung der Freiflächen-PV-Fläche, nicht in den Summen und nicht in der Bilanz"),
    (r"(?P<key>\w+): no hourly series, not in the hourly balance",
     "{source}: keine Stundenwerte, nicht in der stündlichen Bilanz"),
    (r"no generation source with an hourly series: no hourly balance",
     "keine Erzeugungsart mit Stundenwerten: keine stündliche Bilanz"),
    (r"demand: no population \(field (?P<field>.+)\) and no demand table row",
     "Strombedarf: keine Einwohnerzahl (Feld {field}) und keine Zeile in der Bedarfstabelle"),
    (r"demand scenarios: need the hourly balance and the population; not computed",
     "Bedarfsszenarien: brauchen die stündliche Bilanz und die Einwohnerzahl; nicht berechnet"),
    (r"grid: no grid step in this profile", "Netz: dieses Profil hat keinen Netzschritt"),
    (r"grid: no substation layer given", "Netz: keine Ebene der Umspannwerke angegeben"),
    (r"grid: " + re.escape(NO_SITES_TO_CONNECT), "Netz: kein Standort mit Leistung zum Anschließen"),
)


def note_text(note: str, language: str) -> str:
    """An engine note or reason in ``language``: a :class:`~..messages.Message` rendered from the engine's message
    table; a plain English note as it is in English, in German where :data:`NOTE_PATTERNS` knows it, source keys
    by their names (else the English note)."""
    if isinstance(note, Message):
        return note.render(language)
    if language == "en":
        return note
    for pattern, template in NOTE_PATTERNS:
        m = re.fullmatch(pattern, note.strip())
        if m:
            groups = m.groupdict()
            key = groups.get("key")
            source = GENERATION_SOURCES[key].label(language) if key in GENERATION_SOURCES else key
            return template.format(source=source, **{k: v for k, v in groups.items() if k != "key"})
    return note


__all__ = ["DENSITY_PARTS", "NOTE_PATTERNS", "RUN_WIDE_FACTS", "SOURCE_TEXTS", "density_text", "grid_reason",
           "municipal_facts", "note_text", "sources_table", "stext", "system_label", "top_sites_table"]
