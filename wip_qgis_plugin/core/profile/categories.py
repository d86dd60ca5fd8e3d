"""PV potential per category of land (corridors, conversion land, disadvantaged areas, agri-PV, parking …).

The eligibility run reports the eligible hectares of each category a catalogue's permitted zones open
(``MunicipalityStats.categories``); the catalogue's ``categories:`` block (:mod:`..catalogue.categories`) says
which PV system stands on it and how densely. Here each category becomes capacity (ha × MWp/ha), energy
(capacity × the system's specific yield in the profile's weather year, pvlib) and an LCOE (the cost table's
technology of the category, lease per hectare included, no grid connection: the category has no site yet).

Categories overlap (a disadvantaged field along a motorway is in both), so their figures are never summed: the
eligible area of the technology is the union, counted once.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..economics.costs import CostTable
from ..economics.lcoe import site_lcoe
from ..solar.model import prepare_sky, specific_yields
from ..solar.systems import load_pv_systems

#: The cost table's technology of a category (default ``pv_ground``).
CATEGORY_TECHNOLOGY = {"agri_pv": "pv_agri", "parking": "pv_parking", "floating": "pv_floating"}


@dataclass(frozen=True)
class CategoryPotential:
    """The potential of one category in one municipality.

    Attributes
    ----------
    category : str
        Its id (``conversion`` …).
    eligible_ha : float
        Eligible land of the category. [ha]
    capacity_mwp : float
        ha × the category's density. [MWp]
    yield_kwh_per_kwp : float
        Specific yield of the category's system in the weather year. [kWh/kWp/a]
    energy_gwh : float
        capacity × yield. [GWh/a]
    lcoe_eur_per_mwh : float
        Levelised cost without grid connection (NaN without energy). [EUR/MWh]
    assessed : bool
        False when the eligibility run could not assess the category (its zones' layer missing): every figure
        is NaN then, never a zero.
    """

    category: str
    eligible_ha: float
    capacity_mwp: float
    yield_kwh_per_kwp: float
    energy_gwh: float
    lcoe_eur_per_mwh: float
    assessed: bool = True


def system_yields(systems_wanted: set[str], weather: Any, lon: float, lat: float) -> dict[str, float]:
    """Specific yield of each PV system on flat ground at (lon, lat) in the weather year. [kWh/kWp/a]"""
    systems = load_pv_systems()
    elevation = weather.elevation_m if math.isfinite(getattr(weather, "elevation_m", math.nan)) else 0.0
    sky = prepare_sky(weather, lat, lon, elevation)
    return {s: float(specific_yields(sky, systems.system(s), systems, [0.0], [math.nan])[0])
            for s in sorted(systems_wanted)}


def category_potentials(categories: Mapping[str, Any], eligible_ha: Mapping[str, float],
                        yields: Mapping[str, float], table: CostTable) -> list[CategoryPotential]:
    """The potential of each category of ``categories`` (catalogue's ``AreaCategory`` by id) with eligible land.

    Parameters
    ----------
    categories : mapping of str to AreaCategory
        The catalogue's categories (system, density).
    eligible_ha : mapping of str to float
        Eligible land per category of one municipality (a category missing here was not assessed). [ha]
    yields : mapping of str to float
        Specific yield per PV system (:func:`system_yields`). [kWh/kWp/a]
    table : CostTable
        Cost rates for the LCOE.
    """
    out = []
    for cid, cat in categories.items():
        if cid not in eligible_ha:  # its zones were not assessed: not a zero
            out.append(CategoryPotential(cid, math.nan, math.nan, float(yields[cat.system]), math.nan, math.nan,
                                         False))
            continue
        ha = float(eligible_ha[cid])
        mwp = cat.capacity_mwp(ha)
        spec = float(yields[cat.system])
        energy_mwh = mwp * spec
        tech = CATEGORY_TECHNOLOGY.get(cid, "pv_ground")
        lcoe = float(site_lcoe(table, tech, mwp * 1000.0, energy_mwh, 0.0, ha)) if energy_mwh > 0 \
            and tech in table.technologies else math.nan
        out.append(CategoryPotential(cid, ha, mwp, spec, energy_mwh / 1000.0, lcoe))
    return out


def category_indicators(key: str, potentials: list[CategoryPotential]) -> dict[str, float]:
    """Indicators ``<key>_<category>_eligible_ha``, ``_potential_mwp``, ``_potential_gwh``, ``_lcoe_eur_per_mwh``."""
    ind: dict[str, float] = {}
    for p in potentials:
        base = f"{key}_{p.category}"
        ind.update({f"{base}_eligible_ha": p.eligible_ha, f"{base}_potential_mwp": p.capacity_mwp,
                    f"{base}_potential_gwh": p.energy_gwh, f"{base}_lcoe_eur_per_mwh": p.lcoe_eur_per_mwh})
    return ind


__all__ = ["CATEGORY_TECHNOLOGY", "CategoryPotential", "category_indicators", "category_potentials", "system_yields"]
