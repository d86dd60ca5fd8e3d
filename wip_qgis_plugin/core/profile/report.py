"""HTML reports of a municipal energy profile: one per municipality and an overview.

Self-contained files: charts and maps are PNGs embedded as base64 ``data:`` URIs, the style is
inline, nothing is loaded from elsewhere, so the files open offline and can be mailed. Texts come
from :data:`MESSAGES` (German default, English switchable); the engine cannot use Qt's tr().

Charts (matplotlib, headless): the setback sweep, the monthly energy balance, the duration
curves of demand and generation. Maps are drawn with matplotlib from the profile's geometries;
inside QGIS, :func:`write_reports` takes ``map_renderer`` to draw them with QGIS instead.
"""
from __future__ import annotations

import base64
import datetime as dt
import gc
import html
import io
import math
import multiprocessing as mp
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..data.outputs import OutputTransaction
from ..eligibility.sweep import localise_ticks
from ..progress import NullProgress, Progress, check_cancelled
from .balance import HourlyBalance
from .indicators import indicator_columns, sites_of, total_row
from .legend import (
    BOUNDARY_COLOUR,
    CONNECTION_COLOUR,
    DEMAND_COLOUR,
    ELIGIBLE_FILL,
    GENERATION_COLOUR,
    RESIDUAL_COLOUR,
    SELF_CONSUMED_COLOUR,
    source_colour,
)
from .model import GENERATION_SOURCES, MunicipalProfile, ProfileResult
from .report_parts import (
    categories_section,
    category_indicator_label,
    category_labels,
    economics_assumptions,
    economics_section,
    scenario_assumptions,
    scenario_indicator_label,
    scenarios_section,
)
from .report_parts import fmt_number as _fmt
from .report_parts import soft_hyphens
from .report_parts import html_table as _table
from .report_sources import density_text, note_text, sources_table, top_sites_table
from .report_style import REPORT_CSS
from ..messages import msg

#: User-facing texts of the report, by language.
MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        "title": "Kommunales Energieprofil", "overview": "Übersicht", "municipality": "Gemeinde",
        "indicator": "Kennzahl", "value": "Wert", "unit": "Einheit", "created": "Erstellt",
        "indicators": "Kennzahlen", "map": "Karte", "charts": "Diagramme", "top_sites": "Beste Standorte",
        "assumptions": "Annahmen und Quellen", "provenance": "Herkunft der Daten",
        "sources_status": "Erzeugungsarten", "source": "Quelle", "file": "Datei", "role": "Rolle",
        "capacity": "Leistung [MW]", "energy": "Ertrag [GWh/a]", "yes": "ja", "no": "nein",
        "no_sites": "Keine Standorte berechnet.", "notes": "Hinweise",
        "sweep": "Flächenanteil Wind nach Abstand zu Siedlungen", "setback": "Abstand zu Siedlungen [m]",
        "share": "geeigneter Flächenanteil [%]", "monthly": "Monatliche Energiebilanz",
        "month": "Monat", "mwh": "Energie [MWh]", "generation": "Erzeugung", "demand": "Verbrauch",
        "self_consumed": "zeitgleich genutzt", "duration": "Dauerlinien", "hours": "Stunden des Jahres",
        "mw": "Leistung [MW]", "no_balance": "Keine stündliche Bilanz: keine Erzeugungsart mit Stundenwerten.",
        "no_sweep": "Kein Abstands-Sweep berechnet (Szenario-Schlüssel sweep).",
        "eligible_wind": "Potenzialfläche Wind", "eligible_pv": "Potenzialfläche Freiflächen-PV",
        "sites": "Standorte", "connections": "Netzanschluss", "boundary": "Gemeindegrenze",
        "demand_sectors": "Strombedarf nach Sektoren", "sector": "Sektor", "catalogue": "Katalog",
        "version": "Version", "layer": "Eingangsebene", "parameter": "Parameter", "total": "Gesamt",
        "report_of": "Bericht", "lang_note": "Alle Werte sind Potenziale unter den genannten Annahmen, keine Planung.",
        "attribution": "Kartengrundlage: Eingabedaten des Nutzers; © GeoBasis-DE / BKG (Gemeindegrenzen, wo "
                       "VG250 genutzt), © OpenStreetMap-Mitwirkende (OSM-Ebenen)",
        "overview_land": "Fläche und Leistung", "overview_energy": "Energie, Netz und Einnahmen",
        "back": "zur Übersicht", "grid": "Netz", "demand_cat": "Strombedarf", "preset": "Vorlage",
        "demand_from_population": "Aus der Einwohnerzahl × Sektorwerten je Einwohner (presets/demand.yml, "
                                  "Bundesdurchschnitte); stündlich nach BDEW-Standardlastprofilen (demandlib).",
        "demand_from_table": "Eigene Werte der Gemeinde aus {table}; stündlich nach BDEW-Standardlastprofilen "
                             "(demandlib).",
    },
    "en": {
        "title": "Municipal energy profile", "overview": "Overview", "municipality": "Municipality",
        "indicator": "Indicator", "value": "Value", "unit": "Unit", "created": "Created",
        "indicators": "Indicators", "map": "Map", "charts": "Charts", "top_sites": "Top sites",
        "assumptions": "Assumptions and sources", "provenance": "Provenance",
        "sources_status": "Generation sources", "source": "Source", "file": "File", "role": "Role",
        "capacity": "Capacity [MW]", "energy": "Energy [GWh/a]", "yes": "yes", "no": "no",
        "no_sites": "No sites computed.", "notes": "Notes",
        "sweep": "Wind area share by setback to settlements", "setback": "Setback to settlements [m]",
        "share": "eligible share of the area [%]", "monthly": "Monthly energy balance",
        "month": "Month", "mwh": "Energy [MWh]", "generation": "Generation", "demand": "Demand",
        "self_consumed": "used in the same hour", "duration": "Duration curves", "hours": "Hours of the year",
        "mw": "Power [MW]", "no_balance": "No hourly balance: no generation source with hourly values.",
        "no_sweep": "No setback sweep computed (scenario key sweep).",
        "eligible_wind": "Eligible area wind", "eligible_pv": "Eligible area ground PV",
        "sites": "Sites", "connections": "Grid connection", "boundary": "Municipal boundary",
        "demand_sectors": "Electricity demand by sector", "sector": "Sector", "catalogue": "Catalogue",
        "version": "Version", "layer": "Input layer", "parameter": "Parameter", "total": "Total",
        "report_of": "Report", "lang_note": "All values are potentials under the stated assumptions, not plans.",
        "attribution": "Map data: the user's input layers; © GeoBasis-DE / BKG (municipal boundaries where VG250 "
                       "is used), © OpenStreetMap contributors (OSM layers)",
        "overview_land": "Land and capacity", "overview_energy": "Energy, grid and income",
        "back": "back to the overview", "grid": "Grid", "demand_cat": "Electricity demand", "preset": "preset",
        "demand_from_population": "From the population × sector figures per inhabitant (presets/demand.yml, "
                                  "national averages); hourly by BDEW standard load profiles (demandlib).",
        "demand_from_table": "The municipality's own figures from {table}; hourly by BDEW standard load profiles "
                             "(demandlib).",
    },
}

#: Indicator labels and units, by language: key → (label, unit).
INDICATOR_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "area_ha": ("Gemeindefläche", "ha"), "population": ("Einwohner", "-"),
        "wind_eligible_ha": ("Potenzialfläche Wind", "ha"), "wind_eligible_pct": ("Potenzialfläche Wind", "%"),
        "wind_suitable_ha": ("gut geeignete Fläche Wind", "ha"),
        "wind_suitable_pct": ("gut geeignete Fläche Wind", "%"),
        "windbg_counted_ha": ("WindBG anrechenbare Fläche", "ha"), "windbg_counted_pct": ("WindBG Flächenanteil", "%"),
        "windbg_target_2027_pct": ("WindBG Landesziel 2027", "%"),
        "windbg_target_2032_pct": ("WindBG Landesziel 2032", "%"),
        "windbg_share_of_target_2032_pct": ("Flächenanteil im Verhältnis zum Ziel 2032", "%"),
        "pv_ground_eligible_ha": ("Potenzialfläche Freiflächen-PV", "ha"),
        "pv_ground_eligible_pct": ("Potenzialfläche Freiflächen-PV", "%"),
        "pv_ground_suitable_ha": ("gut geeignete Fläche PV", "ha"),
        "pv_ground_suitable_pct": ("gut geeignete Fläche PV", "%"),
        "capacity_mw": ("Leistung gesamt", "MW"), "energy_gwh": ("Ertrag gesamt", "GWh/a"),
        "demand_gwh": ("Strombedarf", "GWh/a"), "peak_demand_mw": ("Spitzenlast", "MW"),
        "balance_pct": ("bilanzielle Deckung", "%"), "self_sufficiency_pct": ("zeitgleiche Eigenversorgung", "%"),
        "hours_covered_pct": ("Stunden mit Deckung", "%"), "surplus_gwh": ("Überschuss (Export)", "GWh/a"),
        "deficit_gwh": ("Defizit (Import)", "GWh/a"), "grid_connected_mw": ("angeschlossene Leistung", "MW"),
        "grid_unconnected_mw": ("ohne freien Netzanschluss", "MW"),
        "grid_cost_meur": ("Netzanschlusskosten", "Mio. €"), "grid_cost_eur_per_kw": ("Netzanschlusskosten", "€/kW"),
        "eeg6_keur": ("Zahlung nach § 6 EEG an die Gemeinde", "T€/a"),
        "trade_tax_keur": ("Gewerbesteuer (90 % Standortanteil, vereinfacht)", "T€/a"),
        "municipal_value_keur": ("Kommunale Einnahmen (§ 6 EEG + Gewerbesteuer)", "T€/a"),
        "lease_keur": ("Pacht an die Flächeneigentümer", "T€/a"),
        "lcoe_wind_eur_per_mwh": ("Stromgestehungskosten Wind", "€/MWh"),
        "lcoe_pv_ground_eur_per_mwh": ("Stromgestehungskosten Freiflächen-PV", "€/MWh"),
        "lcoe_agri_pv_eur_per_mwh": ("Stromgestehungskosten Agri-PV", "€/MWh"),
        "lcoe_pv_rooftop_eur_per_mwh": ("Stromgestehungskosten Dach-PV", "€/MWh"),
        "lcoe_pv_floating_eur_per_mwh": ("Stromgestehungskosten schwimmende PV", "€/MWh"),
    },
    "en": {
        "area_ha": ("Municipal area", "ha"), "population": ("Inhabitants", "-"),
        "wind_eligible_ha": ("Eligible area wind", "ha"), "wind_eligible_pct": ("Eligible area wind", "%"),
        "wind_suitable_ha": ("Well-suited area wind", "ha"), "wind_suitable_pct": ("Well-suited area wind", "%"),
        "windbg_counted_ha": ("WindBG counted area", "ha"), "windbg_counted_pct": ("WindBG area share", "%"),
        "windbg_target_2027_pct": ("WindBG Land target 2027", "%"),
        "windbg_target_2032_pct": ("WindBG Land target 2032", "%"),
        "windbg_share_of_target_2032_pct": ("Area share relative to the 2032 target", "%"),
        "pv_ground_eligible_ha": ("Eligible area ground PV", "ha"),
        "pv_ground_eligible_pct": ("Eligible area ground PV", "%"),
        "pv_ground_suitable_ha": ("Well-suited area PV", "ha"), "pv_ground_suitable_pct": ("Well-suited area PV", "%"),
        "capacity_mw": ("Total capacity", "MW"), "energy_gwh": ("Total energy", "GWh/a"),
        "demand_gwh": ("Electricity demand", "GWh/a"), "peak_demand_mw": ("Peak demand", "MW"),
        "balance_pct": ("Annual balance (generation / demand)", "%"),
        "self_sufficiency_pct": ("Self-sufficiency (same hour)", "%"),
        "hours_covered_pct": ("Hours covered", "%"), "surplus_gwh": ("Surplus (export)", "GWh/a"),
        "deficit_gwh": ("Deficit (import)", "GWh/a"), "grid_connected_mw": ("Connected capacity", "MW"),
        "grid_unconnected_mw": ("Not connectable (no free capacity)", "MW"),
        "grid_cost_meur": ("Grid connection cost", "M€"), "grid_cost_eur_per_kw": ("Grid connection cost", "€/kW"),
        "eeg6_keur": ("Payment to the municipality under EEG § 6", "k€/a"),
        "trade_tax_keur": ("Trade tax (90 % site share, simplified)", "k€/a"),
        "municipal_value_keur": ("Municipal income (EEG § 6 + trade tax)", "k€/a"),
        "lease_keur": ("Lease to the landowners", "k€/a"),
        "lcoe_wind_eur_per_mwh": ("Levelised cost of electricity, wind", "€/MWh"),
        "lcoe_pv_ground_eur_per_mwh": ("Levelised cost of electricity, ground PV", "€/MWh"),
        "lcoe_agri_pv_eur_per_mwh": ("Levelised cost of electricity, agri-PV", "€/MWh"),
        "lcoe_pv_rooftop_eur_per_mwh": ("Levelised cost of electricity, rooftop PV", "€/MWh"),
        "lcoe_pv_floating_eur_per_mwh": ("Levelised cost of electricity, floating PV", "€/MWh"),
    },
}

_SOURCE_FIELDS = {"capacity_mw": ("capacity", "MW"), "energy_gwh": ("energy", "GWh/a"), "sites": ("sites", "-")}
_MONTHS = {"de": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
           "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]}

#: ``renderer(result, municipality name or None, path) -> None``: draws a map PNG at ``path``.
MapRenderer = Callable[[ProfileResult, "str | None", Path], None]


def demand_origin(origin: str, language: str) -> str:
    """Where a municipality's demand comes from, in words."""
    if origin == "population":
        return text("demand_from_population", language)
    return text("demand_from_table", language).format(table=origin.removeprefix("table ").strip())


def text(key: str, language: str) -> str:
    """A report text in ``language`` (English where a German text is missing)."""
    return MESSAGES.get(language, MESSAGES["de"]).get(key) or MESSAGES["en"][key]


def indicator_label(key: str, language: str, sources: Mapping[str, Any] | None = None,
                    catalogue: Any = None, categories: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """(label, unit) of an indicator key (``catalogue``: the demand scenarios, ``categories``: the PV land
    categories' labels, for their names)."""
    table = INDICATOR_LABELS.get(language, INDICATOR_LABELS["de"])
    if key in table:
        return table[key]
    for src in GENERATION_SOURCES.values():
        for suffix, (what, unit) in _SOURCE_FIELDS.items():
            if key == f"{src.key}_{suffix}":
                return f"{src.label(language)}: {text(what, language).split(' [')[0]}", unit
    return (scenario_indicator_label(key, language, catalogue) or category_indicator_label(key, language, categories)
            or (key, ""))


def slug(name: str) -> str:
    """A file-name-safe form of a municipality name (umlauts kept as ASCII transliteration)."""
    t = name.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}))
    return re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_") or "municipality"


# ----------------------------------------------------------------- charts
def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(b64: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}">'


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def chart_monthly(balance: HourlyBalance, language: str) -> str:
    """Monthly generation and demand bars, the part used in the same hour hatched (PNG, base64)."""
    plt = _pyplot()
    m = balance.monthly()
    x = np.arange(12)
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.bar(x - 0.2, m["generation"], 0.4, label=text("generation", language), color=GENERATION_COLOUR)
    ax.bar(x + 0.2, m["demand"], 0.4, label=text("demand", language), color=DEMAND_COLOUR)
    ax.bar(x - 0.2, m["self_consumed"], 0.4, label=text("self_consumed", language), fill=False, hatch="//",
           edgecolor=SELF_CONSUMED_COLOUR, linewidth=0)
    ax.set_xticks(x, _MONTHS.get(language, _MONTHS["de"]))
    ax.set_ylabel(text("mwh", language))
    localise_ticks(ax, language, "y")
    ax.set_title(text("monthly", language))
    ax.legend(fontsize=8, ncol=3)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def chart_duration(balance: HourlyBalance, language: str) -> str:
    """Duration curves of demand, generation and the residual load (PNG, base64)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    hours = np.arange(1, balance.hours + 1)
    ax.plot(hours, np.sort(balance.generation)[::-1], label=text("generation", language), color=GENERATION_COLOUR)
    ax.plot(hours, np.sort(balance.demand)[::-1], label=text("demand", language), color=DEMAND_COLOUR)
    residual = f"{text('demand', language)} − {text('generation', language)}"
    ax.plot(hours, balance.residual_duration_curve(), label=residual, color=RESIDUAL_COLOUR, linestyle="--")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel(text("hours", language))
    ax.set_ylabel(text("mw", language))
    localise_ticks(ax, language)
    ax.set_title(text("duration", language))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def chart_sweep(rows: list[dict[str, Any]], name: str | None, language: str) -> str | None:
    """Eligible wind share per setback, one line per variant (PNG, base64); None without rows."""
    sel = [r for r in rows if name is None or r["name"] == name]
    if not sel:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    for variant in dict.fromkeys(r["variant"] for r in sel):
        setbacks = sorted({float(r["setback_m"]) for r in sel if r["variant"] == variant})
        share = []
        for s in setbacks:
            part = [r for r in sel if r["variant"] == variant and float(r["setback_m"]) == s]
            total = sum(float(r["total_ha"]) for r in part)
            share.append(100.0 * sum(float(r["eligible_ha"]) for r in part) / total if total else 0.0)
        ax.plot(setbacks, share, marker="o", label=str(variant))
    ax.set_xlabel(text("setback", language))
    ax.set_ylabel(text("share", language))
    localise_ticks(ax, language)
    ax.set_title(text("sweep", language))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def _areas(path: Path | None, names: set[str] | None, crs: Any, cache: dict[str, Any] | None = None):
    import geopandas as gpd

    if path is None or not Path(path).exists():
        return None
    cache = {} if cache is None else cache
    if str(path) not in cache:
        cache[str(path)] = gpd.read_file(path, layer="eligible_areas", engine="pyogrio")
    frame = cache[str(path)]
    if names is not None and "name" in frame.columns:
        frame = frame[frame["name"].isin(names)]
    return frame.to_crs(crs) if frame.crs is not None and not frame.crs.equals(crs) else frame


def matplotlib_map(result: ProfileResult, name: str | None, path: Path) -> None:
    """A map of one municipality (or all, ``name=None``) as PNG.

    Boundary, eligible areas, sites, connections, with a scale bar, a north arrow and the attribution.
    """
    plt = _pyplot()
    from matplotlib.patches import Patch

    lang = result.plan.language
    bounds = result.boundaries if name is None else result.boundaries[result.boundaries["name"] == name]
    names = None if name is None else {name}
    fig, ax = plt.subplots(figsize=(7.0, 6.0))
    handles = []
    for key, label in (("wind", "eligible_wind"), ("pv_ground", "eligible_pv")):
        color = ELIGIBLE_FILL[key]
        tech = result.technologies.get(key)
        frame = _areas(tech.outputs.polygons if tech else None, names, result.boundaries.crs,
                       result.__dict__.setdefault("_area_frames", {}))
        if frame is not None and len(frame):
            frame.plot(ax=ax, color=color, alpha=0.8 if key == "wind" else 0.6, linewidth=0)
            handles.append(Patch(color=color, label=text(label, lang)))
    if result.connections is not None and len(result.connections):
        conn = result.connections
        if name is not None:
            uids = set(sites_of(result, "municipality", name)["uid"]) if len(result.sites) else set()
            conn = conn[conn["site_id"].isin(uids)]
        if len(conn):
            conn.plot(ax=ax, color=CONNECTION_COLOUR, linewidth=1.0)
            handles.append(Patch(color=CONNECTION_COLOUR, label=text("connections", lang)))
    sites = result.sites if name is None or not len(result.sites) else sites_of(result, "municipality", name)
    if len(sites):  # single roofs and agri-PV (an alternative on the ground-PV land) are not drawn
        sites = sites[sites["source"].map(lambda k: GENERATION_SOURCES[k].ranked and GENERATION_SOURCES[k].additive)]
    for key, group in sites.groupby("source") if len(sites) else []:
        pts = group.geometry.representative_point()
        ax.scatter(pts.x, pts.y, s=14, color=source_colour(key), zorder=3)
        handles.append(Patch(color=source_colour(key), label=GENERATION_SOURCES[key].label(lang)))
    bounds.boundary.plot(ax=ax, color=BOUNDARY_COLOUR, linewidth=1.2)
    handles.append(Patch(facecolor="none", edgecolor=BOUNDARY_COLOUR, label=text("boundary", lang)))
    x0, y0, x1, y1 = bounds.total_bounds
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    span = x1 - x0
    bar = 10 ** math.floor(math.log10(max(span / 4, 1.0)))
    bar = bar * (5 if span / 4 >= 5 * bar else 2 if span / 4 >= 2 * bar else 1)
    bx, by = x0, y0 - 0.5 * pad
    ax.plot([bx, bx + bar], [by, by], color="black", linewidth=3)
    ax.text(bx + bar / 2, by + 0.4 * pad, f"{bar / 1000:g} km" if bar >= 1000 else f"{bar:g} m",
            ha="center", fontsize=8)
    ax.annotate("N", xy=(0.96, 0.95), xytext=(0.96, 0.86), xycoords="axes fraction", ha="center",
                arrowprops={"arrowstyle": "-|>", "color": "black"}, fontsize=10, fontweight="bold")
    ax.legend(handles=handles, fontsize=7, loc="lower right", framealpha=0.9)
    ax.set_title(name or text("overview", lang))
    ax.annotate(text("attribution", lang), xy=(0.0, -0.01), xycoords="axes fraction", va="top", fontsize=6,
                color="#444444", wrap=True)
    fig.savefig(path, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)


# ----------------------------------------------------------------- HTML
def _page(title: str, body: str, language: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{REPORT_CSS}</style></head><body>\n{body}\n</body></html>\n")


def _origin(origin: Any, lang: str) -> str:
    """Where a catalogue comes from: ``preset x`` worded in ``lang``, a file as it is."""
    origin = str(origin or "")
    return f"{text('preset', lang)} {origin[7:]}" if origin.startswith("preset ") else origin


def parameter_value(value: Any, lang: str) -> str:
    """A parameter's value for the report: yes/no, '–' for none, numbers in the language's format, lists and
    mappings item by item."""
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if value is None:
        return "–"
    if isinstance(value, (int, float)):
        s = f"{value:g}"
        return s.replace(".", ",") if lang == "de" else s
    if isinstance(value, (list, tuple)):
        return "; ".join(parameter_value(v, lang) for v in value) or "–"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {parameter_value(v, lang)}" for k, v in value.items()) or "–"
    return str(value)


def _assumptions(result: ProfileResult, lang: str) -> str:
    prov = result.provenance
    catalogues = [(GENERATION_SOURCES[k].label(lang).split(" (")[0] if k in GENERATION_SOURCES else k, v)
                  for k, v in prov.get("catalogues", {}).items()]
    catalogues.append((text("demand_cat", lang), prov["demand"]))
    if prov.get("grid"):
        catalogues.append((text("grid", lang), prov["grid"]))
    rows = [[html.escape(k), html.escape(f"{v.get('id')} {v.get('version')}"),
             html.escape(_origin(v.get("origin"), lang))] for k, v in catalogues]
    out = _table([text("catalogue", lang), text("version", lang), text("file", lang)], rows)
    sector_rows = []
    for sid, fig, src in result.demand_catalogue.source_rows(lang):
        sector = result.demand_catalogue.sector(sid)
        if lang == "de":
            fig = (f"{_fmt(float(sector.kwh_per_inhabitant), '-', lang)} kWh je Einwohner und Jahr, "
                   f"Profil {sector.profile}")
        sector_rows.append([html.escape(sector.label(lang)), html.escape(fig), html.escape(src)])
    out += f"<h3>{text('demand_sectors', lang)}</h3>" + _table([text("sector", lang), text("value", lang),
                                                               text("source", lang)], sector_rows, wide={2})
    params = prov.get("parameters", {})
    prow = [[html.escape(k), html.escape(parameter_value(v, lang))] for k, v in params.items() if k != "output_dir"]
    out += f"<h3>{text('parameter', lang)}</h3>" + _table([text("parameter", lang), text("value", lang)], prow)
    out += economics_assumptions(result) + scenario_assumptions(result)
    lrows = [[html.escape(r), html.escape(p)] for r, p in {**prov.get("input_layers", {}),
                                                          **prov.get("input_rasters", {})}.items()]
    out += f"<h3>{text('layer', lang)}</h3>" + _table([text("role", lang), text("layer", lang)], lrows)
    return out


def _indicator_rows(ind: Mapping[str, float], cols: list[str], lang: str, result: ProfileResult) -> list[list[str]]:
    """The indicator table's rows; the PV land categories have their own section and are left out here."""
    rows = []
    stems = category_labels(result)
    for c in cols:
        if c in ind and not any(c.startswith(f"{stem}_") for stem in stems):
            label, unit = indicator_label(c, lang, result.sources, result.scenario_catalogue)
            rows.append([html.escape(label), _fmt(ind[c], unit, lang), html.escape(unit)])
    return rows


def municipality_html(result: ProfileResult, m: MunicipalProfile, map_png: str | None) -> str:
    """The report of one municipality (HTML text)."""
    lang = result.plan.language
    cols = indicator_columns(result)
    created = result.provenance.get("created", dt.datetime.now().isoformat(timespec="seconds"))
    parts = [f"<p><a href=\"index.html\">← {text('back', lang)}</a></p>",
             f"<h1>{text('title', lang)}: {html.escape(m.name)}</h1>",
             f"<p class=\"note\">AGS {html.escape(m.ags)} · {text('created', lang)} {html.escape(created)} · "
             f"WIP {html.escape(str(result.provenance.get('wip_version')))}. {text('lang_note', lang)}</p>",
             f"<h2>{text('indicators', lang)}</h2>",
             _table([text("indicator", lang), text("value", lang), text("unit", lang)],
                    _indicator_rows(m.indicators, cols, lang, result), {1})]
    parts.append(f"<h2>{text('sources_status', lang)}</h2>" + sources_table(result, lang, m.name))
    if m.demand is not None:
        rows = [[html.escape(result.demand_catalogue.sector(s).label(lang)), _fmt(v / 1000.0, "GWh/a", lang), "GWh/a"]
                for s, v in m.demand.by_sector_mwh.items()]
        parts.append(f"<h3>{text('demand_sectors', lang)}</h3>" + _table(
            [text("sector", lang), text("value", lang), text("unit", lang)], rows, {1}) +
            f"<p class=\"note\">{html.escape(demand_origin(m.demand.origin, lang))}</p>")
    if map_png:
        parts.append(f"<h2>{text('map', lang)}</h2>" + _img(map_png, f"{text('map', lang)} {m.name}"))
    parts.append(f"<h2>{text('charts', lang)}</h2>")
    if m.balance is not None:
        parts.append(_img(chart_monthly(m.balance, lang), text("monthly", lang)))
        parts.append(_img(chart_duration(m.balance, lang), text("duration", lang)))
    else:
        parts.append(f"<p class=\"note\">{text('no_balance', lang)}</p>")
    sweep = chart_sweep(result.sweep["rows"], m.name, lang) if result.sweep else None
    parts.append(_img(sweep, text("sweep", lang)) if sweep else f"<p class=\"note\">{text('no_sweep', lang)}</p>")
    parts.append(f"<h2>{text('top_sites', lang)}</h2>")
    if m.top_sites:
        parts.append(top_sites_table(result, m.top_sites, lang))
    else:
        parts.append(f"<p class=\"note\">{text('no_sites', lang)}</p>")
    parts.append(categories_section(result, m))
    parts.append(economics_section(result, m.name))
    parts.append(scenarios_section(result, m))
    if m.notes:
        parts.append(f"<h3>{text('notes', lang)}</h3><ul>"
                     + "".join(f"<li>{html.escape(note_text(n, lang))}</li>" for n in m.notes)
                     + "</ul>")
    parts.append(f"<h2>{text('assumptions', lang)}</h2>" + _assumptions(result, lang))
    return _page(f"{text('title', lang)} {m.name}", "\n".join(parts), lang)


def overview_html(result: ProfileResult, links: Mapping[str, str], map_png: str | None) -> str:
    """The overview report: one row per municipality and the total (HTML text)."""
    lang = result.plan.language
    keys = [c for c in ("area_ha", "population", "wind_eligible_pct", "windbg_counted_pct", "pv_ground_eligible_pct",
                        "capacity_mw", "energy_gwh", "demand_gwh", "balance_pct", "self_sufficiency_pct",
                        "grid_cost_meur", "municipal_value_keur") if c in indicator_columns(result)]
    last = result.scenario_catalogue.scenario_ids[-1] if result.scenario_catalogue is not None else None
    if last and f"self_sufficiency_{last}_pct" in indicator_columns(result):
        keys.insert(keys.index("self_sufficiency_pct") + 1 if "self_sufficiency_pct" in keys else len(keys),
                    f"self_sufficiency_{last}_pct")
    tot = total_row(result)
    land = [k for k in keys if k in ("area_ha", "population", "wind_eligible_pct", "windbg_counted_pct",
                                     "pv_ground_eligible_pct", "capacity_mw")]
    tables = ""
    for title, part in (("overview_land", land), ("overview_energy", [k for k in keys if k not in land])):
        if not part:
            continue
        header = [text("municipality", lang)] + [
            f"{soft_hyphens(html.escape(indicator_label(k, lang)[0]))} [{html.escape(indicator_label(k, lang)[1])}]"
            for k in part]
        rows = [[f'<a href="{html.escape(links[m.name])}">{html.escape(m.name)}</a>'] +
                [_fmt(m.indicators.get(k), indicator_label(k, lang)[1], lang) for k in part]
                for m in result.municipalities]
        rows.append([f"<b>{text('total', lang)}</b>"] +
                    [_fmt(tot.get(k), indicator_label(k, lang)[1], lang) for k in part])
        tables += f"<h3>{text(title, lang)}</h3>" + _table(header, rows, set(range(1, len(header))))
    parts = [f"<h1>{text('title', lang)}: {text('overview', lang)}</h1>",
             f"<p class=\"note\">{text('created', lang)} {html.escape(result.provenance.get('created', ''))} · "
             f"WIP {html.escape(str(result.provenance.get('wip_version')))}. {text('lang_note', lang)}</p>",
             f"<h2>{text('indicators', lang)}</h2>", tables,
             f"<h2>{text('sources_status', lang)}</h2>", sources_table(result, lang)]
    if map_png:
        parts.append(f"<h2>{text('map', lang)}</h2>" + _img(map_png, text("map", lang)))
    sweep = chart_sweep(result.sweep["rows"], None, lang) if result.sweep else None
    if sweep:
        parts.append(f"<h2>{text('charts', lang)}</h2>" + _img(sweep, text("sweep", lang)))
    parts.append(economics_section(result, None))
    parts.append(f"<h2>{text('assumptions', lang)}</h2>" + _assumptions(result, lang))
    return _page(f"{text('title', lang)}: {text('overview', lang)}", "\n".join(parts), lang)


def _map_b64(renderer: MapRenderer, result: ProfileResult, name: str | None, tmp_dir: Path) -> str | None:
    path = tmp_dir / f".map_{slug(name or 'overview')}.{os.getpid()}.png"   # namesakes' slugs in two workers
    try:
        renderer(result, name, path)
        return base64.b64encode(path.read_bytes()).decode("ascii")
    finally:
        if path.exists():
            path.unlink()


#: What the forked report workers draw from (set before the fork, inherited by every worker): the result, the map
#: renderer and the report folder.
_PAGE_JOB: tuple[ProfileResult, MapRenderer, Path] | None = None
#: Municipalities from which the pages are drawn in ``plan.workers`` forked processes (below: in this process).
PARALLEL_PAGES_FROM = 8


def _page_of(i: int) -> tuple[int, str]:
    result, renderer, folder = _PAGE_JOB
    m = result.municipalities[i]
    return i, municipality_html(result, m, _map_b64(renderer, result, m.name, folder))


def municipality_pages(result: ProfileResult, renderer: MapRenderer, folder: Path, may_fork: bool = True
                       ) -> Iterator[tuple[int, str]]:
    """Each municipality's index and report page (HTML text), in order.

    With ``plan.workers`` > 1, many municipalities and ``may_fork`` (the matplotlib maps: a QGIS renderer is not
    forked), the pages are drawn in that many forked processes (the same function, the same pages); the eligible
    areas are read once, before the fork.
    """
    global _PAGE_JOB
    n = len(result.municipalities)
    workers = min(int(result.plan.workers), n)
    if workers <= 1 or n < PARALLEL_PAGES_FROM or not may_fork or "fork" not in mp.get_all_start_methods():
        _PAGE_JOB = (result, renderer, folder)
        try:
            yield from (_page_of(i) for i in range(n))
        finally:
            _PAGE_JOB = None
        return
    cache = result.__dict__.setdefault("_area_frames", {})
    for key in ("wind", "pv_ground"):
        tech = result.technologies.get(key)
        _areas(tech.outputs.polygons if tech else None, None, result.boundaries.crs, cache)
    _pyplot()
    _PAGE_JOB = (result, renderer, folder)
    # the parent's objects out of the workers' garbage collection: a collection in a worker would write to every
    # object's header and so copy every page of the parent's heap (1.2 M sites: gigabytes per worker)
    gc.collect()
    gc.freeze()
    pool = mp.get_context("fork").Pool(workers)
    done = False
    try:
        yield from pool.imap(_page_of, range(n))
        done = True
    finally:
        if done:   # every page drawn: the workers end by themselves
            pool.close()
        else:      # an error or a cancel
            pool.terminate()
        pool.join()
        gc.unfreeze()
        _PAGE_JOB = None


def write_reports(result: ProfileResult, tx: OutputTransaction, progress: Progress | None = None,
                  map_renderer: MapRenderer | None = None) -> dict[str, Path]:
    """Write ``report/index.html`` and one ``report/<name>.html`` per municipality.

    Through the output transaction ``tx``; returns the files by key (``report`` = the overview).
    """
    progress = progress or NullProgress()
    renderer = map_renderer or matplotlib_map
    folder = result.plan.output_dir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    links = {m.name: f"{slug(m.name)}.html" for m in result.municipalities}
    files: dict[str, Path] = {}
    n = len(result.municipalities)
    for i, page in municipality_pages(result, renderer, folder, map_renderer is None):
        m = result.municipalities[i]
        progress.report(0.92 + 0.07 * i / max(1, n), msg("profile_step_report", name=m.name))
        check_cancelled(progress)
        target = folder / links[m.name]
        tmp = tx.temp_for(target)
        tmp.write_text(page, encoding="utf-8")
        files[f"report:{m.name}"] = target
    index = folder / "index.html"
    tmp = tx.temp_for(index)
    tmp.write_text(overview_html(result, links, _map_b64(renderer, result, None, folder)), encoding="utf-8")
    files["report"] = index
    return files
