"""Building blocks of the HTML reports: tables, numbers by language, and the sections on economics.

:func:`html_table` and :func:`fmt_number` are what every report table uses; :func:`economics_section` gives the
LCOE and the municipal income per source of a municipality (or of the whole area), :func:`economics_assumptions`
the cost table the figures come from, every value with its source.
"""
from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..economics.costs import CostTable, load_cost_table
from .model import GENERATION_SOURCES, ProfileResult

#: Texts of the economics sections, by language.
ECONOMICS_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "economics": "Wirtschaftlichkeit und kommunale Wertschöpfung", "source": "Quelle",
        "lcoe": "Stromgestehungskosten (energiegewichtet)", "lcoe_range": "Spanne der Standorte",
        "trade_tax": "Gewerbesteuer", "lease": "Pacht", "sites": "Standorte", "per_year": "T€/a",
        "economics_note": "Stromgestehungskosten mit Netzanschluss und Pacht (Annuität über die Nutzungsdauer); "
                          "Gewerbesteuer vereinfacht: Gewinn = Erlös zum Marktpreis − Betrieb, Pacht, lineare "
                          "Abschreibung und Zinsen auf die halbe Investition; 90 % an die Standortgemeinde "
                          "(§ 29 GewStG). § 6 EEG: 0,2 ct/kWh, bei Wind an alle Gemeinden im Umkreis von 2,5 km "
                          "nach Flächenanteil. Schätzungen für die Abwägung, keine Steuerprognose.",
        "cost_table": "Kostentabelle", "technology": "Technologie", "capex": "Investition", "opex": "Betrieb",
        "financing": "Finanzierung und Erlöse", "discount_rate": "Kalkulationszins (real)",
        "lifetime": "Nutzungsdauer", "market_price": "Marktpreis", "price_year": "Preisstand",
        "municipal": "Kommunale Sätze", "eeg_payment": "Zahlung nach § 6 EEG", "eeg_radius": "Umkreis Wind (§ 6 EEG)",
        "steuermesszahl": "Steuermesszahl", "site_share": "Anteil der Standortgemeinde",
        "hebesatz": "Hebesatz", "hebesatz_default": "Standard-Hebesatz", "sources": "Quellen",
        "value": "Wert", "unit": "Einheit", "none": "keine Standorte mit Ertrag", "item": "Größe",
    },
    "en": {
        "economics": "Economics and municipal value", "source": "Source",
        "lcoe": "Levelised cost of electricity (energy-weighted)", "lcoe_range": "Range of the sites",
        "trade_tax": "Trade tax", "lease": "Lease", "sites": "Sites", "per_year": "k€/a",
        "economics_note": "LCOE including the grid connection and the lease (annuity over the lifetime); trade tax "
                          "simplified: profit = revenue at the market price − operation, lease, straight-line "
                          "depreciation and interest on half the investment; 90 % to the site municipality "
                          "(§ 29 GewStG). EEG § 6: 0.2 ct/kWh, for wind shared by the municipalities within 2.5 km "
                          "by area share. Estimates for the planning decision, not a tax forecast.",
        "cost_table": "Cost table", "technology": "Technology", "capex": "Investment", "opex": "Operation",
        "financing": "Financing and revenue", "discount_rate": "Discount rate (real)", "lifetime": "Lifetime",
        "market_price": "Market price", "price_year": "Price year", "municipal": "Municipal rates",
        "eeg_payment": "Payment under EEG § 6", "eeg_radius": "Radius for wind (EEG § 6)",
        "steuermesszahl": "Steuermesszahl (base rate)", "site_share": "Share of the site municipality",
        "hebesatz": "Trade-tax multiplier (Hebesatz)", "hebesatz_default": "Default multiplier", "sources": "Sources",
        "value": "Value", "unit": "Unit", "none": "no sites with energy", "item": "Item",
    },
}


def etext(key: str, language: str) -> str:
    """A text of the economics sections in ``language`` (German for an unknown language)."""
    return ECONOMICS_TEXTS.get(language, ECONOMICS_TEXTS["de"])[key]


def fmt_number(value: Any, unit: str = "", language: str = "de") -> str:
    """A number for a report cell: digits by size and unit, German separators (thin space, comma) for ``de``;
    "–" for a missing value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, (int, float, np.floating)):
        v = float(value)
        digits = 0 if abs(v) >= 100 or unit in ("-", "ha") else (1 if abs(v) >= 10 else 2)
        s = f"{v:,.{digits}f}"
        if language == "de":
            s = s.replace(",", "\u2009").replace(".", ",")
        return s
    return html.escape(str(value))


def html_table(header: list[str], rows: list[list[str]], numeric: set[int] | frozenset[int] = frozenset()) -> str:
    """An HTML table; the cells of the ``numeric`` columns right-aligned (cells are HTML already)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def source_economics_rows(sites: Any, language: str) -> list[list[str]]:
    """Per generation source of ``sites``: sites, energy-weighted LCOE, its range over the sites, trade tax and lease
    a year (table cells)."""
    rows = []
    if sites is None or len(sites) == 0 or "lcoe_eur_per_mwh" not in sites.columns:
        return rows
    for key, part in sites.groupby("source", sort=False):
        e = part["energy_mwh_per_a"].to_numpy(float)
        lcoe = part["lcoe_eur_per_mwh"].to_numpy(float)
        ok = np.isfinite(lcoe) & (e > 0)
        weighted = float((lcoe[ok] * e[ok]).sum() / e[ok].sum()) if ok.any() else math.nan
        span = (f"{fmt_number(lcoe[ok].min(), '', language)} – {fmt_number(lcoe[ok].max(), '', language)}"
                if ok.any() else "–")
        label = GENERATION_SOURCES[key].label(language) if key in GENERATION_SOURCES else str(key)
        rows.append([html.escape(label), fmt_number(int(len(part)), "-", language),
                     fmt_number(weighted, "€/MWh", language), span,
                     fmt_number(float(np.nansum(part["trade_tax_eur_per_a"].to_numpy(float))) / 1000, "", language),
                     fmt_number(float(np.nansum(part["lease_eur_per_a"].to_numpy(float))) / 1000, "", language)])
    return rows


def economics_section(result: ProfileResult, name: str | None) -> str:
    """LCOE and income per source for municipality ``name`` (None: the whole area), with the method's note."""
    lang = result.plan.language
    sites = result.sites
    if name is not None and len(sites):
        sites = sites[sites["municipality"].astype(str) == name]
    rows = source_economics_rows(sites, lang)
    per_year = etext("per_year", lang)
    body = html_table([etext("source", lang), etext("sites", lang), f"{etext('lcoe', lang)} [€/MWh]",
                       f"{etext('lcoe_range', lang)} [€/MWh]", f"{etext('trade_tax', lang)} [{per_year}]",
                       f"{etext('lease', lang)} [{per_year}]"], rows, {1, 2, 3, 4, 5}) if rows else \
        f"<p class=\"note\">{etext('none', lang)}</p>"
    return f"<h2>{etext('economics', lang)}</h2>{body}<p class=\"note\">{etext('economics_note', lang)}</p>"


def cost_table_of(result: ProfileResult) -> CostTable:
    """The cost table the profile used (its plan's)."""
    return load_cost_table(getattr(result.plan, "cost_table", None))


def economics_assumptions(result: ProfileResult) -> str:
    """The cost table behind the figures: rates per technology, financing, municipal rates, the multipliers used and
    the sources (HTML)."""
    lang = result.plan.language
    t = cost_table_of(result)
    f = lambda v, u="": fmt_number(v, u, lang)  # noqa: E731
    tech_rows = []
    for tech in t.technologies.values():
        capex = f"{f(tech.capex_eur_per_kw)} ({f(tech.capex_low_eur_per_kw)} – {f(tech.capex_high_eur_per_kw)})"
        lease = " · ".join(x for x in (f"{f(tech.lease_eur_per_kw_a)} €/kW/a" if tech.lease_eur_per_kw_a else "",
                                       f"{f(tech.lease_eur_per_ha_a)} €/ha/a" if tech.lease_eur_per_ha_a else "") if x)
        tech_rows.append([html.escape(tech.label.get(lang)),
                          capex, f(tech.opex_eur_per_kw_a), lease or "–"])
    out = f"<h3>{etext('cost_table', lang)} ({html.escape(t.id)}, {etext('price_year', lang)} {t.price_year})</h3>"
    out += html_table([etext("technology", lang), f"{etext('capex', lang)} [€/kW]", f"{etext('opex', lang)} [€/kW/a]",
                       etext("lease", lang)], tech_rows, {1, 2})
    rows = [[etext("discount_rate", lang), f(100 * t.discount_rate), "%"],
            [etext("lifetime", lang), f(t.lifetime_a), "a"],
            [etext("market_price", lang), f(t.market_price_eur_per_mwh), "€/MWh"],
            [etext("eeg_payment", lang), f(t.eeg_payment_eur_per_mwh), "€/MWh"],
            [etext("eeg_radius", lang), f(t.eeg_wind_radius_m, "-"), "m"],
            [etext("steuermesszahl", lang), f(100 * t.trade_tax_rate), "%"],
            [etext("site_share", lang), f(100 * t.trade_tax_site_share), "%"],
            [etext("hebesatz_default", lang), f(100 * t.hebesatz, "-"), "%"]]
    used = (result.provenance.get("economics") or {}).get("hebesatz_pct") or {}
    rows += [[f"{etext('hebesatz', lang)} {html.escape(str(n))}", f(v, "-"), "%"] for n, v in used.items()]
    out += f"<h3>{etext('financing', lang)} · {etext('municipal', lang)}</h3>" + html_table(
        [etext("item", lang), etext("value", lang), etext("unit", lang)], rows, {1})
    src_rows = [[html.escape(k), html.escape(v)] for k, v in t.sources.items()]
    out += f"<h3>{etext('sources', lang)}</h3>" + html_table([etext("source", lang), ""], src_rows)
    return out


def municipal_value_rows(indicators: Mapping[str, float]) -> dict[str, float]:
    """The € indicators of a municipality (the keys the report's economics section and the overview show)."""
    return {k: v for k, v in indicators.items() if k in ("eeg6_keur", "trade_tax_keur", "municipal_value_keur",
                                                         "lease_keur") or k.startswith("lcoe_")}


__all__ = ["ECONOMICS_TEXTS", "cost_table_of", "economics_assumptions", "economics_section", "etext", "fmt_number",
           "html_table", "municipal_value_rows", "source_economics_rows"]
