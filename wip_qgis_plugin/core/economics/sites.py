"""Economics of a profile's sites: LCOE per site and what each municipality gets a year.

:func:`site_economics` takes the sites of all sources (columns ``source``, ``municipality``, ``capacity_mw``,
``energy_mwh_per_a``, optionally ``grid_cost_eur`` and ``area_ha``; geometry: a wind farm's footprint) and the
municipality areas, and returns the sites with ``lcoe_eur_per_mwh``, ``trade_tax_eur_per_a`` and
``lease_eur_per_a``, and per municipality the § 6 EEG payment, the trade tax, the lease and LCOE by source.

§ 6 EEG of a wind farm: the municipalities within 2,500 m of its turbines share it by their area in that zone;
the farm's footprint (the turbines' hull grown by the rotor radius) grown by 2,500 m stands for the union of the
turbines' circles (an approximation: it is slightly larger than the union). A ground-mounted PV park pays its own
municipality. Rooftop PV pays none. Trade tax: 90 % of the tax on the site's profit to its municipality.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .costs import CostTable
from .lcoe import site_lcoe
from .value import taxable_profit_eur, trade_tax_eur

#: The cost table's technology of each profile source.
SOURCE_TECHNOLOGY = {"wind": "wind", "pv_ground": "pv_ground", "agri_pv": "pv_agri", "pv_rooftop": "pv_rooftop",
                     "pv_floating": "pv_floating"}
#: Sources that pay the § 6 EEG payment, and how: shared by the zone around the site, or to its own municipality.
EEG6 = {"wind": "zone", "pv_ground": "own", "agri_pv": "own", "pv_floating": "own"}


def installed_kw(sites: gpd.GeoDataFrame) -> np.ndarray:
    """The capacity the cost table prices: DC for PV (``capacity_mwp`` or ``capacity_kwp`` where the sites have it;
    ``capacity_mw`` is AC for PV), else ``capacity_mw``. [kW]"""
    kw = sites["capacity_mw"].to_numpy(float) * 1000.0
    for column, factor in (("capacity_kwp", 1.0), ("capacity_mwp", 1000.0)):
        if column in sites.columns:
            dc = pd.to_numeric(sites[column], errors="coerce").to_numpy(float) * factor
            kw = np.where(np.isfinite(dc) & (dc > 0), dc, kw)
    return kw


def site_area_ha(sites: gpd.GeoDataFrame) -> np.ndarray:
    """Land of each site for a lease per hectare: ``area_ha``, else ``eligible_ha``, else 0. [ha]"""
    for column in ("area_ha", "eligible_ha"):
        if column in sites.columns:
            return np.nan_to_num(pd.to_numeric(sites[column], errors="coerce").to_numpy(float))
    return np.zeros(len(sites))


def site_economics(sites: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame, table: CostTable,
                   hebesatz: Mapping[str, float] | None = None, name_field: str = "name",
                   counted: set[str] | None = None) -> tuple[gpd.GeoDataFrame, dict[str, dict[str, float]]]:
    """LCOE, trade tax and lease per site, and the municipal figures a year.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The profile's sites (see the module docstring).
    municipalities : geopandas.GeoDataFrame
        Municipality areas with ``name_field``.
    table : CostTable
        Rates, financing and the municipal rates.
    hebesatz : mapping of str to float, optional
        Trade-tax multiplier per municipality (4.0 = 400 %); the table's default for the others.
    name_field : str
        The municipalities' name field.
    counted : set of str, optional
        Sources counted in the municipal totals (the profile's additive ones); default: all.

    Returns
    -------
    (geopandas.GeoDataFrame, dict)
        The sites with ``lcoe_eur_per_mwh``, ``trade_tax_eur_per_a``, ``lease_eur_per_a``; per municipality
        ``eeg6_eur_per_a``, ``trade_tax_eur_per_a``, ``lease_eur_per_a`` and ``lcoe_<source>_eur_per_mwh``
        (energy-weighted). [EUR/a], [EUR/MWh]
    """
    out = sites.copy()
    names = [str(n) for n in municipalities[name_field]]
    per: dict[str, dict[str, float]] = {n: {"eeg6_eur_per_a": 0.0, "trade_tax_eur_per_a": 0.0,
                                            "lease_eur_per_a": 0.0} for n in names}
    for col in ("lcoe_eur_per_mwh", "trade_tax_eur_per_a", "lease_eur_per_a"):
        out[col] = np.nan
    if out.empty:
        return out, per
    hebesatz = hebesatz or {}
    counted = set(out["source"]) if counted is None else counted
    areas = np.asarray(municipalities.geometry.values, dtype=object)
    for source, part in out.groupby("source"):
        tech = SOURCE_TECHNOLOGY.get(str(source))
        if tech is None or tech not in table.technologies:
            continue
        kw = installed_kw(part)
        energy = part["energy_mwh_per_a"].to_numpy(float)
        grid = np.nan_to_num(part["grid_cost_eur"].to_numpy(float)) if "grid_cost_eur" in part else 0.0
        ha = site_area_ha(part)
        t = table.technology(tech)
        out.loc[part.index, "lcoe_eur_per_mwh"] = site_lcoe(table, tech, kw, energy, grid, ha)
        profit = taxable_profit_eur(table, tech, kw, energy, grid, ha)
        rate = np.array([hebesatz.get(str(m), table.hebesatz) for m in part["municipality"]])
        out.loc[part.index, "trade_tax_eur_per_a"] = trade_tax_eur(profit, rate, table)
        out.loc[part.index, "lease_eur_per_a"] = kw * t.lease_eur_per_kw_a + np.asarray(ha) * t.lease_eur_per_ha_a
        if source not in counted:
            continue
        payment = energy * table.eeg_payment_eur_per_mwh
        mode = EEG6.get(str(source))
        if mode == "zone":
            zones = shapely.buffer(np.asarray(part.geometry.values, dtype=object), table.eeg_wind_radius_m, quad_segs=64)
            inside = np.zeros((len(zones), len(areas)))  # only the pairs that meet: GEOS warns on empty results
            left, right = shapely.STRtree(areas).query(zones, predicate="intersects")
            inside[left, right] = shapely.area(shapely.intersection(zones[left], areas[right]))
            share = inside / shapely.area(zones)[:, None]
            for j, n in enumerate(names):
                per[n]["eeg6_eur_per_a"] += float((payment * share[:, j]).sum())
        for (m, tax, lease, pay) in zip(part["municipality"], out.loc[part.index, "trade_tax_eur_per_a"],
                                        out.loc[part.index, "lease_eur_per_a"], payment):
            if str(m) not in per:
                continue
            per[str(m)]["trade_tax_eur_per_a"] += float(tax)
            per[str(m)]["lease_eur_per_a"] += float(lease)
            if mode == "own":
                per[str(m)]["eeg6_eur_per_a"] += float(pay)
    for n in names:
        mine = out[(out["municipality"].astype(str) == n) & (out["energy_mwh_per_a"] > 0)]
        for source, part in mine.groupby("source"):
            e = part["energy_mwh_per_a"].to_numpy(float)
            lcoe = part["lcoe_eur_per_mwh"].to_numpy(float)
            if np.isfinite(lcoe).any():
                ok = np.isfinite(lcoe)
                per[n][f"lcoe_{source}_eur_per_mwh"] = float((lcoe[ok] * e[ok]).sum() / e[ok].sum())
    return out, per


def hebesatz_of(municipalities: gpd.GeoDataFrame, field: str = "hebesatz", name_field: str = "name") -> dict[str, Any]:
    """The trade-tax multipliers a municipality layer gives (``400`` or ``4.0`` both mean 400 %)."""
    if field not in municipalities.columns:
        return {}
    out = {}
    for n, v in zip(municipalities[name_field], municipalities[field]):
        try:
            value = float(v)
        except (TypeError, ValueError):
            continue
        if np.isfinite(value) and value > 0:
            out[str(n)] = value / 100.0 if value > 20 else value
    return out
