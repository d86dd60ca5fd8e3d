"""Indicators of the profile: per municipality (:func:`municipal_profile`) and for the whole area (:func:`total_row`).

Every indicator key carries its unit (``_ha``, ``_pct``, ``_mw``, ``_gwh`` …); a source or step that
is missing leaves its keys out. :data:`INDICATOR_ORDER` is the order of the tables and the report.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..eligibility.windbg import land_of
from ..errors import InputError
from .balance import hourly_balance
from .demand import DemandCatalogue, MunicipalDemand, hourly_demand_mw
from .model import (
    GENERATION_SOURCES,
    NO_SITES_TO_CONNECT,
    MunicipalProfile,
    ProfilePlan,
    ProfileResult,
    SourceResult,
    TechnologyFigures,
    hours_of_year,
)

#: Order of the indicators in the tables and the report (others follow, sorted).
INDICATOR_ORDER = (
    "area_ha", "population", "wind_eligible_ha", "wind_eligible_pct", "wind_suitable_ha", "wind_suitable_pct",
    "windbg_counted_ha", "windbg_counted_pct", "windbg_target_2027_pct", "windbg_target_2032_pct",
    "windbg_share_of_target_2032_pct", "pv_ground_eligible_ha", "pv_ground_eligible_pct", "pv_ground_suitable_ha",
    "pv_ground_suitable_pct",
    *(f"{k}_{f}" for k in GENERATION_SOURCES for f in ("capacity_mw", "energy_gwh", "sites")),
    "capacity_mw", "energy_gwh", "demand_gwh", "peak_demand_mw", "balance_pct", "self_sufficiency_pct",
    "hours_covered_pct", "surplus_gwh", "deficit_gwh", "grid_connected_mw", "grid_unconnected_mw", "grid_cost_meur",
    "grid_cost_eur_per_kw", "eeg6_keur", "trade_tax_keur", "municipal_value_keur", "lease_keur",
    *(f"lcoe_{k}_eur_per_mwh" for k in GENERATION_SOURCES),
)

#: Indicators that add up over municipalities (the TOTAL row sums them; shares are recomputed).
ADDITIVE_SUFFIXES = ("area_ha", "population", "_ha", "_mw", "_gwh", "_sites", "grid_cost_meur", "_keur")


def municipal_value_indicators(economics: Mapping[str, float]) -> dict[str, float]:
    """What the municipality gets a year (§ 6 EEG, its 90 % of the trade tax; the lease to landowners apart) [k€/a],
    and the energy-weighted LCOE of its sites per source [€/MWh] (:func:`..economics.sites.site_economics`)."""
    if not economics:
        return {}
    eeg, tax = economics.get("eeg6_eur_per_a", 0.0), economics.get("trade_tax_eur_per_a", 0.0)
    out = {"eeg6_keur": eeg / 1000.0, "trade_tax_keur": tax / 1000.0, "municipal_value_keur": (eeg + tax) / 1000.0,
           "lease_keur": economics.get("lease_eur_per_a", 0.0) / 1000.0}
    out.update({k: v for k, v in economics.items() if k.startswith("lcoe_")})
    return out


def municipality_land(plan: ProfilePlan, ags: str) -> str:
    """The Land of a municipality (from its AGS, else ``plan.land``, else Sachsen-Anhalt)."""
    try:
        return land_of(ags, plan.land)
    except InputError:
        return plan.land or "ST"


def unique_ids(sites: gpd.GeoDataFrame) -> pd.Series:
    """``source:site_id``, made unique with the municipality and then the row where ids repeat."""
    uid = sites["source"].astype(str) + ":" + sites["site_id"].astype(str)
    if uid.duplicated().any():
        uid = sites["source"].astype(str) + ":" + sites["municipality"].astype(str) + ":" + sites["site_id"].astype(str)
    if uid.duplicated().any():
        uid = uid + "#" + pd.Series(np.arange(len(uid)), index=uid.index).astype(str)
    return uid


def group_positions(frame: pd.DataFrame, keys: Any) -> dict[Any, np.ndarray]:
    """Row positions of each group of ``keys`` (a column name or a list of Series), in the rows' order: the rows a
    selection by equality with the group's key picks (NaN keys in none), found in one pass instead of one per key."""
    if not len(frame):
        return {}
    return dict(frame.groupby(keys, sort=False).indices)


def sites_of(result: Any, key: str, name: Any) -> pd.DataFrame:
    """The sites of ``result`` whose ``key`` column (``municipality``, or ``source+municipality`` for the pair
    ``(source, str(municipality))``) equals ``name``, in their order; the groups are found once per result."""
    sites = result.sites
    cache = result.__dict__.setdefault("_site_groups", {})
    if cache.get("_of") is not sites:   # another site table: group again
        cache.clear()
        cache["_of"] = sites
    if key not in cache:
        cache[key] = group_positions(sites, [sites["source"], sites["municipality"].astype(str)]) \
            if key == "source+municipality" else group_positions(sites, key)
    return sites.iloc[cache[key].get(name, np.empty(0, dtype=np.intp))]


def site_records(sites: gpd.GeoDataFrame, top_n: int) -> dict[str, list[dict[str, Any]]]:
    """The ``top_n`` ranked sites of each municipality, by energy (NaN as None)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if sites.empty:
        return out
    sites = sites[sites["source"].map(lambda k: GENERATION_SOURCES[k].ranked)]
    ranked = sites.sort_values(["municipality", "energy_mwh_per_a", "capacity_mw"], ascending=[True, False, False])
    for name, group in ranked.groupby("municipality", sort=False):
        rows = []
        for _, r in group.head(top_n).iterrows():
            rows.append({k: (None if isinstance(r[k], float) and math.isnan(r[k]) else r[k])
                         for k in ("uid", "source", "site_id", "capacity_mw", "energy_mwh_per_a",
                                   "grid_cost_eur", "grid_status", "substation", "grid_length_km") if k in r})
        out[str(name)] = rows
    return out


def municipal_profile(plan: ProfilePlan, row: Any, technologies: Mapping[str, TechnologyFigures],
                      windbg: Mapping[str, Any], sources: Mapping[str, SourceResult], sites: gpd.GeoDataFrame,
                      demands: Mapping[str, MunicipalDemand], demand_cat: DemandCatalogue,
                      per_site: Mapping[str, Any], grid_note: str,
                      tops: Mapping[str, list[dict[str, Any]]], mine: pd.DataFrame | None = None) -> MunicipalProfile:
    """Indicators, balance and notes of one municipality (``row`` of the boundaries).

    ``mine``: its rows of ``sites`` where the caller has them (:func:`group_positions`), else they are selected here.
    """
    name = str(row["name"])
    ind: dict[str, float] = {"area_ha": float(row.geometry.area) / 10_000.0}
    if np.isfinite(row["population"]):
        ind["population"] = float(row["population"])
    notes: list[str] = []
    for key, tech in technologies.items():
        st = tech.stats.get(name)
        if st is None:
            continue
        ind[f"{key}_eligible_ha"] = st.eligible_ha
        ind[f"{key}_eligible_pct"] = st.eligible_pct
        if tech.suitability is not None:
            ind[f"{key}_suitable_ha"] = tech.suitable_ha.get(name, 0.0)
            ind[f"{key}_suitable_pct"] = 100.0 * ind[f"{key}_suitable_ha"] / st.total_ha if st.total_ha else 0.0
    wb = windbg.get(name)
    if wb is not None:
        ind.update(windbg_counted_ha=wb.counted_ha, windbg_counted_pct=wb.counted_pct,
                   windbg_target_2027_pct=wb.target_2027_pct, windbg_target_2032_pct=wb.target_2032_pct,
                   windbg_share_of_target_2032_pct=100.0 * wb.counted_pct / wb.target_2032_pct
                   if wb.target_2032_pct else float("nan"))
    if mine is None:
        mine = sites[sites["municipality"] == name] if len(sites) else sites
    gen_hourly = None
    hours = hours_of_year(plan.year)
    for key, src in sources.items():
        if src.status == "missing":
            continue
        part = mine[mine["source"] == key]
        ind[f"{key}_capacity_mw"] = float(part["capacity_mw"].sum())
        ind[f"{key}_energy_gwh"] = float(part["energy_mwh_per_a"].sum()) / 1000.0
        ind[f"{key}_sites"] = float(len(part))
        if not GENERATION_SOURCES[key].additive:
            notes.append(f"{key}: alternative use of the ground-PV land, not in the totals or the balance")
            continue
        if src.hourly_mw is not None and name in src.hourly_mw:
            series = np.asarray(src.hourly_mw[name], dtype=float)
            gen_hourly = series if gen_hourly is None else gen_hourly + series
        else:
            notes.append(f"{key}: no hourly series, not in the hourly balance")
    present = [k for k, s in sources.items() if s.status != "missing" and GENERATION_SOURCES[k].additive]
    if present:
        ind["capacity_mw"] = sum(ind[f"{k}_capacity_mw"] for k in present)
        ind["energy_gwh"] = sum(ind[f"{k}_energy_gwh"] for k in present)
    demand = demands.get(name)
    balance = None
    if demand is not None:
        ind["demand_gwh"] = demand.annual_mwh / 1000.0
        dem_hourly = hourly_demand_mw(demand, demand_cat, plan.year, municipality_land(plan, demand.ags))
        ind["peak_demand_mw"] = float(dem_hourly.max())
        if gen_hourly is not None:
            if gen_hourly.size != hours:
                raise InputError(f"{name}: hourly generation has {gen_hourly.size} values; the year {plan.year} "
                                 f"has {hours} hours.")
            balance = hourly_balance(gen_hourly, dem_hourly)
            ind.update(self_sufficiency_pct=balance.self_sufficiency_pct, balance_pct=balance.balance_pct,
                       hours_covered_pct=balance.hours_covered_pct, surplus_gwh=balance.surplus_mwh / 1000.0,
                       deficit_gwh=balance.deficit_mwh / 1000.0)
        else:
            notes.append("no generation source with an hourly series: no hourly balance")
    else:
        notes.append(f"demand: no population (field {plan.population_field!r}) and no demand table row")
    uids = [u for u in mine["uid"] if u in per_site] if len(mine) else []
    if uids:
        ind["grid_cost_meur"] = float(np.nansum([float(per_site[u]["cost_eur"]) for u in uids])) / 1e6
        connected = float(np.nansum([float(per_site[u]["connected_mw"]) for u in uids]))
        ind["grid_connected_mw"] = connected
        ind["grid_unconnected_mw"] = float(mine.loc[mine["uid"].isin(uids), "capacity_mw"].sum()) - connected
        ind["grid_cost_eur_per_kw"] = ind["grid_cost_meur"] * 1e6 / (connected * 1000.0) if connected else float("nan")
    elif grid_note in ("", NO_SITES_TO_CONNECT):  # the grid step ran, on no site here: 0 MW for 0 EUR (no EUR/kW)
        ind.update(grid_connected_mw=0.0, grid_unconnected_mw=0.0, grid_cost_meur=0.0)
        if grid_note:
            notes.append(f"grid: {grid_note}")
    else:
        notes.append(f"grid: {grid_note}")
    return MunicipalProfile(name, str(row["ags"]), ind, demand, balance, tops.get(name, []), notes)


def indicator_columns(result: ProfileResult) -> list[str]:
    """Indicator keys present in any municipality, in the report order."""
    present = set().union(*(m.indicators for m in result.municipalities)) if result.municipalities else set()
    return [k for k in INDICATOR_ORDER if k in present] + sorted(present - set(INDICATOR_ORDER))


def total_row(result: ProfileResult) -> dict[str, float]:
    """Indicators of the whole area: sums, and shares recomputed from the sums."""
    cols = indicator_columns(result)
    tot: dict[str, float] = {}
    for c in cols:
        if c.endswith(ADDITIVE_SUFFIXES) or c in ADDITIVE_SUFFIXES:
            if c == "peak_demand_mw":
                continue
            tot[c] = float(sum(m.indicators.get(c, 0.0) for m in result.municipalities))
    for key in result.technologies:
        if f"{key}_eligible_ha" in tot and tot.get("area_ha"):
            tot[f"{key}_eligible_pct"] = 100.0 * tot[f"{key}_eligible_ha"] / sum(
                s.total_ha for s in result.technologies[key].stats.values())
        if f"{key}_suitable_ha" in tot and tot.get("area_ha"):
            tot[f"{key}_suitable_pct"] = 100.0 * tot[f"{key}_suitable_ha"] / sum(
                s.total_ha for s in result.technologies[key].stats.values())
    if "windbg_counted_ha" in tot and "wind" in result.technologies:
        area = sum(s.total_ha for s in result.technologies["wind"].stats.values())
        tot["windbg_counted_pct"] = 100.0 * tot["windbg_counted_ha"] / area if area else float("nan")
    bals = [m.balance for m in result.municipalities if m.balance is not None]
    if bals and len(bals) == len(result.municipalities):
        b = hourly_balance(sum(x.generation for x in bals), sum(x.demand for x in bals))
        tot.update(balance_pct=b.balance_pct, self_sufficiency_pct=b.self_sufficiency_pct,
                   hours_covered_pct=b.hours_covered_pct, surplus_gwh=b.surplus_mwh / 1000,
                   deficit_gwh=b.deficit_mwh / 1000, peak_demand_mw=float(b.demand.max()))
    if tot.get("grid_connected_mw"):
        tot["grid_cost_eur_per_kw"] = tot["grid_cost_meur"] * 1e6 / (tot["grid_connected_mw"] * 1000.0)
    return tot
