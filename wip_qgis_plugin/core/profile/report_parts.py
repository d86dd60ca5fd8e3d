"""Building blocks of the HTML reports: tables, numbers by language, and the sections on economics.

:func:`html_table` and :func:`fmt_number` are what every report table uses; :func:`economics_section` gives the
LCOE and the municipal income per source of a municipality (or of the whole area), :func:`economics_assumptions`
the cost table the figures come from, every value with its source.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..economics.costs import CostTable, load_cost_table
from .model import GENERATION_SOURCES, ProfileResult

#: Texts of the economics sections, by language.
ECONOMICS_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "economics": "Wirtschaftlichkeit und kommunale Wertschöpfung", "source": "Erzeugungsart", "origin": "Quelle",
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
        "economics": "Economics and municipal value", "source": "Source", "origin": "Source",
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


#: Parts of German compounds a narrow table header may break before (with a soft hyphen).
_STEMS = ("fläche", "anteil", "versorgung", "anschluss", "kosten", "bedarf", "steuer", "einnahmen", "leistung",
          "deckung", "gestehungs", "eigentümer", "gemeinde")


def soft_hyphens(label: str) -> str:
    """``label`` with a soft hyphen (U+00AD) before the parts of its long German compounds
    ("Eigen\u00adversorgung"), so that a narrow table header breaks there and not past the page's edge."""
    def split(m: re.Match) -> str:
        word = m.group(0)
        for stem in _STEMS:
            i = word.lower().find(stem, 3)
            if i > 0 and len(word) - i >= 4:
                word = word[:i] + "\u00ad" + word[i:]
        return word
    return re.sub(r"\w{12,}", split, label)


def fmt_date(day: Any, language: str = "de") -> str:
    """A date for a report cell: ``1.1.2023`` in German, ``2023-01-01`` in English."""
    return f"{day.day}.{day.month}.{day.year}" if language == "de" else day.isoformat()


def html_table(header: list[str], rows: list[list[str]], numeric: set[int] | frozenset[int] = frozenset(),
               wide: set[int] | frozenset[int] = frozenset()) -> str:
    """An HTML table; the cells of the ``numeric`` columns right-aligned, those of the ``wide`` columns (running
    text: a law, a reason, a source) given room to read (cells are HTML already)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    cls = {**{i: ' class="w"' for i in wide}, **{i: ' class="n"' for i in numeric}}
    body = "".join("<tr>" + "".join(f"<td{cls.get(i, '')}>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
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
    """The cost table the profile used (its plan's), read once per result (every page quotes it)."""
    ref = getattr(result.plan, "cost_table", None)
    cached = result.__dict__.get("_cost_table")
    if cached is None or cached[0] != ref:
        cached = result.__dict__["_cost_table"] = (ref, load_cost_table(ref))
    return cached[1]


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
        for band in tech.sizes:  # smaller plants' rates
            opex = band.opex_eur_per_kw_a if band.opex_eur_per_kw_a is not None else tech.opex_eur_per_kw_a
            tech_rows.append([html.escape(f"{tech.label.get(lang)} < {f(band.below_kw, '-')} kW"),
                              f"{f(band.capex[0])} ({f(band.capex[1])} – {f(band.capex[2])})", f(opex), lease or "–"])
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
    src_rows = [[html.escape(k), html.escape(v.get(lang))] for k, v in t.sources.items()]
    out += f"<h3>{etext('sources', lang)}</h3>" + html_table([etext("origin", lang), ""], src_rows, wide={1})
    return out


#: Texts of the demand-scenario sections, by language.
SCENARIO_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "scenarios": "Bedarfsszenarien: Strom, Wärmepumpen, Elektroautos", "scenario": "Szenario",
        "demand": "Strombedarf", "heat_pumps": "davon Wärmepumpen", "electric_vehicles": "davon Elektroautos",
        "peak": "Spitzenlast", "balance": "bilanzielle Deckung", "self_sufficiency": "zeitgleiche Eigenversorgung",
        "storage": "Speicher für {target:g} % Eigenversorgung", "unreachable": "nicht erreichbar",
        "scenarios_note": "Erzeugung wie oben (das heute berechnete Potenzial); der Bedarf je Szenario: heutiger "
                          "Strombedarf × Effizienzfaktor, dazu Wärmepumpen (Wärmebedarf je Einwohner, BDEW-"
                          "Wärmeprofile, Leistungszahl aus der Temperatur des Wetterjahres) und Elektroautos, "
                          "jeweils über den heutigen Bestand hinaus. Speicher: kleinste Kapazität (Leistung = halbe "
                          "Kapazität je Stunde, Wirkungsgrad 90 %), die stündlich gefahren die Eigenversorgung "
                          "erreicht; ab etwa 90 % ist das eher die Größe der saisonalen Lücke als eine Batterie.",
        "scenario_assumptions": "Annahmen der Bedarfsszenarien", "place": "Größe", "value": "Wert",
        "source": "Quelle", "no_scenarios": "keine Bedarfsszenarien (keine stündliche Bilanz oder Einwohnerzahl)",
    },
    "en": {
        "scenarios": "Demand scenarios: electricity, heat pumps, electric cars", "scenario": "Scenario",
        "demand": "Electricity demand", "heat_pumps": "of which heat pumps", "electric_vehicles": "of which electric cars",
        "peak": "Peak demand", "balance": "Annual balance", "self_sufficiency": "Self-sufficiency (same hour)",
        "storage": "Storage for {target:g} % self-sufficiency", "unreachable": "not reachable",
        "scenarios_note": "Generation as above (the potential computed today); the demand of each scenario: today's "
                          "electricity × an efficiency factor, plus heat pumps (heat demand per inhabitant, BDEW heat "
                          "profiles, COP from the weather year's temperature) and electric cars, each beyond "
                          "today's stock. Storage: the smallest capacity (power = half the capacity per hour, "
                          "round-trip efficiency 90 %) that reaches the self-sufficiency in an hourly dispatch; from "
                          "about 90 % on it is the size of the seasonal gap rather than a battery.",
        "scenario_assumptions": "Assumptions of the demand scenarios", "place": "Item", "value": "Value",
        "source": "Source", "no_scenarios": "no demand scenarios (no hourly balance or population)",
    },
}


def stext(key: str, language: str) -> str:
    """A text of the demand-scenario sections in ``language`` (German for an unknown language)."""
    return SCENARIO_TEXTS.get(language, SCENARIO_TEXTS["de"])[key]


def scenario_label(catalogue: Any, scenario_id: str, language: str) -> str:
    """The name of a demand scenario (its id without a catalogue)."""
    try:
        return catalogue.scenario(scenario_id).label.get(language)
    except Exception:  # noqa: BLE001 - a label is never worth failing a report
        return scenario_id


def scenario_indicator_label(key: str, language: str, catalogue: Any = None) -> tuple[str, str] | None:
    """(label, unit) of a scenario indicator (``demand_2045_gwh``, ``storage_80_2045_mwh`` …), None for other keys."""
    parts = key.split("_")
    if key.startswith("storage_") and key.endswith("_mwh") and len(parts) == 4:
        try:
            target = float(parts[1])
        except ValueError:
            return None
        return f"{stext('storage', language).format(target=target)} ({scenario_label(catalogue, parts[2], language)})", \
            "MWh"
    for prefix, what, unit in (("demand_", "demand", "GWh/a"), ("balance_", "balance", "%"),
                               ("self_sufficiency_", "self_sufficiency", "%")):
        suffix = "_gwh" if unit == "GWh/a" else "_pct"
        if key.startswith(prefix) and key.endswith(suffix):
            sid = key[len(prefix):-len(suffix)]
            if sid and "_" not in sid:
                return f"{stext(what, language)} {scenario_label(catalogue, sid, language)}", unit
    return None


def scenarios_section(result: ProfileResult, m: Any) -> str:
    """The demand scenarios of one municipality: demand by component, balance and storage per scenario (HTML)."""
    lang = result.plan.language
    cat = result.scenario_catalogue
    if cat is None:
        return ""
    head = f"<h2>{stext('scenarios', lang)}</h2>"
    if not m.scenarios:
        return head + f"<p class=\"note\">{stext('no_scenarios', lang)}</p>"
    targets = list(m.scenarios[0].storage)
    reasons = []
    rows = []
    for f in m.scenarios:
        cells = [html.escape(scenario_label(cat, f.scenario, lang)),
                 fmt_number(f.demand_mwh["total"] / 1000, "GWh/a", lang),
                 fmt_number(f.demand_mwh["heat_pumps"] / 1000, "GWh/a", lang),
                 fmt_number(f.demand_mwh["electric_vehicles"] / 1000, "GWh/a", lang),
                 fmt_number(f.peak_mw, "MW", lang), fmt_number(f.balance.get("balance_pct"), "%", lang),
                 fmt_number(f.balance.get("self_sufficiency_pct"), "%", lang)]
        for t in targets:
            sizing = f.storage[t]
            if sizing.capacity_mwh is None:
                cells.append(stext("unreachable", lang))
                reasons.append(f"{scenario_label(cat, f.scenario, lang)}, {t:g} %: {sizing.reason}")
            else:
                cells.append(fmt_number(sizing.capacity_mwh, "MWh", lang))
        rows.append(cells)
    header = [stext("scenario", lang), f"{stext('demand', lang)} [GWh/a]", f"{stext('heat_pumps', lang)} [GWh/a]",
              f"{stext('electric_vehicles', lang)} [GWh/a]", f"{stext('peak', lang)} [MW]",
              f"{stext('balance', lang)} [%]", f"{stext('self_sufficiency', lang)} [%]"] + \
        [f"{stext('storage', lang).format(target=t)} [MWh]" for t in targets]
    note = f"<p class=\"note\">{stext('scenarios_note', lang)}</p>"
    if reasons:
        note += "<ul class=\"note\">" + "".join(f"<li>{html.escape(r)}</li>" for r in dict.fromkeys(reasons)) + "</ul>"
    return head + html_table(header, rows, set(range(1, len(header)))) + note


#: The unit words of the demand-scenario figures in German (the file writes its units in English).
UNIT_WORDS_DE = {"cars/1000 inhabitants": "Pkw je 1\u2009000 Einwohner", "relative weights": "relative Gewichte"}


def figure_text(value: str, language: str) -> str:
    """A figure as its file writes it (``0.20 kWh/km``, ``12320 km``) in ``language``: for German with its digits
    as written, a decimal comma, thin-space grouping and German unit words (``0,20 kWh/km``, ``12\u2009320 km``)."""
    m = re.fullmatch(r"([-−]?)(\d+)(?:\.(\d+))?(\s.*)?", value.strip())
    if language != "de" or m is None:
        return value
    sign, whole, fraction, unit = m.groups()
    number = f"{int(whole):,}".replace(",", "\u2009") + (f",{fraction}" if fraction else "")
    unit = (unit or "").strip()
    return f"{sign}{number}" + (f" {UNIT_WORDS_DE.get(unit, unit)}" if unit else "")


def scenario_assumptions(result: ProfileResult) -> str:
    """Every figure of the demand scenarios with its source (HTML; '' without scenarios)."""
    cat = result.scenario_catalogue
    if cat is None:
        return ""
    lang = result.plan.language
    rows = [[html.escape(place), html.escape(figure_text(value, lang)), html.escape(text.get(lang) or key)]
            for place, value, key, text in cat.rows]
    return f"<h3>{stext('scenario_assumptions', lang)} ({html.escape(cat.id)} {html.escape(cat.version)})</h3>" + \
        html_table([stext("place", lang), stext("value", lang), stext("source", lang)], rows, wide={2})


#: Texts of the PV land category section, by language.
CATEGORY_TEXTS: dict[str, dict[str, str]] = {
    "de": {"categories": "PV-Flächenkategorien", "category": "Kategorie", "law": "Rechtsgrundlage (seit)",
           "area": "Fläche", "capacity": "Leistung", "energy": "Ertrag", "lcoe": "Stromgestehungskosten",
           "cap": "Deckel / Einschränkung",
           "categories_note": "Die Kategorien überlappen (ein benachteiligtes Feld an der Autobahn zählt in beiden) "
                              "und werden nicht addiert; die Potenzialfläche oben ist ihre Vereinigung. Leistung = "
                              "Fläche × Belegungsdichte der Kategorie, Ertrag mit dem PV-System der Kategorie im "
                              "Wetterjahr (pvlib); Stromgestehungskosten ohne Netzanschluss. Deckel der Länder "
                              "werden genannt, nicht auf die Fläche angewendet.",
           "counted_only": "nur ausgewiesen, öffnet keine Freiflächen-PV-Fläche",
           "not_assessed": "nicht bewertet (Layer fehlt)"},
    "en": {"categories": "PV land categories", "category": "Category", "law": "Legal basis (since)",
           "area": "Area", "capacity": "Capacity", "energy": "Energy", "lcoe": "LCOE", "cap": "Cap / restriction",
           "categories_note": "The categories overlap (a disadvantaged field along a motorway counts in both) and are "
                              "not added up; the eligible area above is their union. Capacity = area × the "
                              "category's density, energy with the category's PV system in the weather year (pvlib); "
                              "LCOE without grid connection. The Länder's caps are stated, not applied to the area.",
           "counted_only": "reported only, opens no ground-PV land",
           "not_assessed": "not assessed (layer missing)"},
}


def categories_section(result: ProfileResult, m: Any) -> str:
    """PV potential per category of land of a municipality (HTML; '' without categories)."""
    lang = result.plan.language
    texts = CATEGORY_TEXTS.get(lang, CATEGORY_TEXTS["de"])
    parts = []
    for key, potentials in (m.categories or {}).items():
        cats = getattr(result.technologies[key].catalogue, "categories", {}) or {}
        rows = []
        for p in potentials:
            cat = cats.get(p.category)
            label = cat.label.get(lang) if cat is not None else p.category
            law = ""
            if cat is not None:
                text = cat.law_in(lang, result.technologies[key].catalogue.source_text(cat.law))
                if cat.law_text is None and len(text) > 160:  # a citation: its start
                    text = text[:157] + "…"
                law = f"{text} ({fmt_date(cat.valid_from, lang)})"
            cap = cat.cap.text.get(lang) if cat is not None and cat.cap is not None else ""
            if cat is not None and not getattr(cat, "opens", True):
                cap = f"{texts['counted_only']}. {cap}".strip()
            if not p.assessed:
                rows.append([html.escape(label), html.escape(law), f'<span class="missing">{texts["not_assessed"]}'
                             "</span>", "–", "–", "–", html.escape(cap)])
                continue
            rows.append([html.escape(label), html.escape(law), fmt_number(p.eligible_ha, "ha", lang),
                         fmt_number(p.capacity_mwp, "MW", lang), fmt_number(p.energy_gwh, "GWh/a", lang),
                         fmt_number(p.lcoe_eur_per_mwh, "€/MWh", lang), html.escape(cap)])
        parts.append(html_table([texts["category"], texts["law"], f"{texts['area']} [ha]",
                                 f"{texts['capacity']} [MWp]", f"{texts['energy']} [GWh/a]",
                                 f"{texts['lcoe']} [€/MWh]", texts["cap"]], rows, {2, 3, 4, 5}, {1, 6}))
    if not parts:
        return ""
    return f"<h2>{texts['categories']}</h2>" + "".join(parts) + f"<p class=\"note\">{texts['categories_note']}</p>"


def category_labels(result: ProfileResult) -> dict[str, Any]:
    """``<technology>_<category>`` → the category's Label, for the indicator names."""
    out = {}
    for key, tech in result.technologies.items():
        for cid, cat in (getattr(tech.catalogue, "categories", None) or {}).items():
            out[f"{key}_{cid}"] = cat.label
    return out


def category_indicator_label(key: str, language: str, labels: Mapping[str, Any] | None = None) -> \
        tuple[str, str] | None:
    """(label, unit) of a category indicator (``pv_ground_conversion_potential_gwh`` …), None for other keys;
    ``labels``: :func:`category_labels` (without: the category's id)."""
    texts = CATEGORY_TEXTS.get(language, CATEGORY_TEXTS["de"])
    for suffix, what, unit in (("_eligible_ha", "area", "ha"), ("_potential_mwp", "capacity", "MWp"),
                               ("_potential_gwh", "energy", "GWh/a"), ("_lcoe_eur_per_mwh", "lcoe", "€/MWh")):
        if key.endswith(suffix) and key.count("_") >= 3 and not key.startswith(("lcoe_", "demand_")):
            stem = key[:-len(suffix)]
            if stem in ("wind", "pv_ground"):
                return None
            name = labels[stem].get(language) if labels and stem in labels else stem
            return f"{name}: {texts[what]}", unit
    return None


def municipal_value_rows(indicators: Mapping[str, float]) -> dict[str, float]:
    """The € indicators of a municipality (the keys the report's economics section and the overview show)."""
    return {k: v for k, v in indicators.items() if k in ("eeg6_keur", "trade_tax_keur", "municipal_value_keur",
                                                         "lease_keur") or k.startswith("lcoe_")}


__all__ = ["CATEGORY_TEXTS", "ECONOMICS_TEXTS", "SCENARIO_TEXTS", "UNIT_WORDS_DE", "categories_section",
           "category_indicator_label", "category_labels", "cost_table_of", "economics_assumptions",
           "economics_section", "etext", "figure_text", "fmt_date", "fmt_number", "html_table",
           "municipal_value_rows", "scenario_assumptions", "scenario_indicator_label", "scenario_label",
           "scenarios_section", "soft_hyphens", "source_economics_rows", "stext"]
