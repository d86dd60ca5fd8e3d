"""The guided panel's results area: the figures a council asks for, per municipality, from ``profile.json``.

Read from the output folder after a run: eligible ground-PV land and its energy per land category (the
categories overlap and are never summed), floating PV, what the municipality receives (§ 6 EEG payment, trade
tax, their sum, and the lease that goes to the landowners), and the 2045 balance with the storage for 90 %
self-sufficiency. Labels in the UI language (``tr``), numbers in the locale of QGIS (``QLocale``: 1.234,5 in
German). A value the profile could not assess (null/NaN: a category whose layer is missing) reads
"not assessed"; a storage no size reaches reads "–"; an indicator the run did not compute is left out.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from qgis.PyQt.QtCore import QLocale

from .i18n import format_number, tr
from .processing_algorithms.inputs import category_label

#: The ground-PV land categories of the shipped preset, in the order of the report.
PV_CATEGORIES = ("corridor", "conversion", "disadvantaged", "agri_pv", "parking")


def read_profile(folder: str | Path) -> dict[str, Any]:
    """The content of ``<folder>/profile.json``; ValueError saying what is wrong if it cannot be read."""
    path = Path(folder) / "profile.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(tr("No profile.json in {folder}: the profile has not been run there.").format(
            folder=folder)) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(tr("Cannot read {path}: {error}").format(path=path, error=exc)) from None


def is_missing(value: Any) -> bool:
    """None, NaN or not a number."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _row(label: str, value: str, unit: str = "") -> str:
    return (f"<tr><td>{html.escape(label)}</td><td align='right'>{html.escape(value)}</td>"
            f"<td>{html.escape(unit)}</td></tr>")


def _table(rows: list[str], header: list[str] | None = None) -> str:
    head = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in header) if header else ""
    return ("<table width='100%' cellspacing='0' cellpadding='2'>" + (f"<tr>{head}</tr>" if head else "")
            + "".join(rows) + "</table>")


def municipality_html(entry: dict[str, Any], locale: QLocale | None = None,
                      category_labels: dict[str, dict[str, str]] | None = None, language: str = "de") -> str:
    """The results of one municipality (an entry of ``profile.json``'s ``municipalities``) as HTML."""
    ind = entry.get("indicators") or {}
    not_assessed = tr("not assessed")

    def num(key: str, decimals: int = 1, missing: str = "–") -> str:
        return format_number(ind.get(key), decimals, locale, missing)

    parts = [f"<h3>{html.escape(str(entry.get('name', '')))}</h3>"]
    overview = [(tr("Eligible area wind"), "wind_eligible_ha", 0, "ha"),
                (tr("Eligible area ground PV (union of the categories)"), "pv_ground_eligible_ha", 0, "ha"),
                (tr("Energy of the counted sources"), "energy_gwh", 1, "GWh/a"),
                (tr("Electricity demand today"), "demand_gwh", 1, "GWh/a")]
    rows = [_row(label, num(key, d), unit) for label, key, d, unit in overview if key in ind]
    if rows:
        parts.append(_table(rows))

    cats = [c for c in PV_CATEGORIES if f"pv_ground_{c}_eligible_ha" in ind]
    cats += sorted(k[len("pv_ground_"):-len("_eligible_ha")] for k in ind
                   if k.startswith("pv_ground_") and k.endswith("_eligible_ha") and k != "pv_ground_eligible_ha"
                   and k[len("pv_ground_"):-len("_eligible_ha")] not in cats)
    if cats:
        parts.append(f"<h4>{html.escape(tr('Ground PV by land category'))}</h4>")
        rows = [f"<tr><td>{html.escape(category_label(c, category_labels, language))}</td>"
                f"<td align='right'>{html.escape(num(f'pv_ground_{c}_eligible_ha', 0, not_assessed))}</td>"
                f"<td align='right'>{html.escape(num(f'pv_ground_{c}_potential_gwh', 1, not_assessed))}</td></tr>"
                for c in cats]
        parts.append(_table(rows, [tr("Category"), tr("Land [ha]"), tr("Energy [GWh/a]")]))
        parts.append(f"<p><small>{html.escape(tr('The categories overlap: do not add them up.'))}</small></p>")

    if "pv_floating_capacity_mw" in ind:
        parts.append(f"<h4>{html.escape(tr('Floating PV'))}</h4>")
        parts.append(_table([_row(tr("Lakes with a field"), num("pv_floating_sites", 0)),
                             _row(tr("Capacity"), num("pv_floating_capacity_mw", 1), "MW"),
                             _row(tr("Energy"), num("pv_floating_energy_gwh", 1), "GWh/a")]))

    money = [(tr("Payment under § 6 EEG"), "eeg6_keur"), (tr("Trade tax (simplified)"), "trade_tax_keur"),
             (tr("Municipal income (§ 6 EEG + trade tax)"), "municipal_value_keur"),
             (tr("Lease to the landowners"), "lease_keur")]
    rows = [_row(label, num(key, 0), tr("k€/a")) for label, key in money if key in ind]
    if rows:
        parts.append(f"<h4>{html.escape(tr('What the municipality receives'))}</h4>")
        parts.append(_table(rows))

    balance = [(tr("Electricity demand 2045"), "demand_2045_gwh", 1, "GWh/a"),
               (tr("Annual balance 2045 (generation / demand)"), "balance_2045_pct", 0, "%"),
               (tr("Self-sufficiency 2045 (same hour)"), "self_sufficiency_2045_pct", 0, "%"),
               (tr("Storage for 80 % self-sufficiency"), "storage_80_2045_mwh", 0, "MWh"),
               (tr("Storage for 90 % self-sufficiency"), "storage_90_2045_mwh", 0, "MWh")]
    rows = [_row(label, num(key, d), unit) for label, key, d, unit in balance if key in ind]
    if rows:
        parts.append(f"<h4>{html.escape(tr('Balance 2045'))}</h4>")
        parts.append(_table(rows))
        if any(k.startswith("storage_") and is_missing(ind.get(k)) for _, k, _, _ in balance if k in ind):
            parts.append(f"<p><small>{html.escape(tr('–: no storage size reaches the target.'))}</small></p>")
    elif "self_sufficiency_pct" in ind:
        parts.append(f"<p><small>{html.escape(tr('Demand scenarios were not computed.'))}</small></p>")
    return "".join(parts)


def results_html(profile: dict[str, Any], names: list[str] | tuple[str, ...] | None = None,
                 locale: QLocale | None = None, category_labels: dict[str, dict[str, str]] | None = None,
                 language: str = "de") -> str:
    """The results of the chosen municipalities (all of the profile where ``names`` is empty) as HTML."""
    entries = [m for m in profile.get("municipalities") or [] if not names or m.get("name") in names]
    if not entries:
        return f"<p>{html.escape(tr('The profile holds none of the chosen municipalities.'))}</p>"
    return "<hr/>".join(municipality_html(m, locale, category_labels, language) for m in entries)
