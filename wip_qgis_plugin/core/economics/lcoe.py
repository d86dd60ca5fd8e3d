"""Levelised cost of electricity: the annuity of the investment plus the operating cost, per MWh.

``LCOE = (CAPEX · a(r, n) + OPEX) / E`` with the annuity factor ``a = r / (1 − (1 + r)^−n)`` (``1/n`` at
``r = 0``): the constant price per MWh whose discounted revenue over the lifetime equals the discounted cost,
for a constant yearly energy ``E``. The grid connection (from the grid step) counts as investment.
"""
from __future__ import annotations

import numpy as np

from .costs import CostTable


def annuity_factor(rate: float, years: float) -> float:
    """Capital recovery factor. [1/a]

    Parameters
    ----------
    rate : float
        Discount rate per year (0.05 = 5 %). [1/a]
    years : float
        Lifetime. [a]
    """
    if years <= 0:
        raise ValueError(f"the lifetime must be positive, not {years}")
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years)


def lcoe_eur_per_mwh(capex_eur, opex_eur_per_a, energy_mwh_per_a, rate: float, years: float,
                     connection_eur=0.0) -> np.ndarray:
    """LCOE of one or many sites; NaN where the energy is zero. [EUR/MWh]

    Parameters
    ----------
    capex_eur : float or array
        Investment of the plant. [EUR]
    opex_eur_per_a : float or array
        Operating cost a year (lease included where it is counted). [EUR/a]
    energy_mwh_per_a : float or array
        Energy a year. [MWh/a]
    rate, years : float
        Discount rate [1/a] and lifetime [a].
    connection_eur : float or array
        Grid connection investment. [EUR]
    """
    energy = np.asarray(energy_mwh_per_a, dtype=float)
    cost = (np.asarray(capex_eur, dtype=float) + np.asarray(connection_eur, dtype=float)) \
        * annuity_factor(rate, years) + np.asarray(opex_eur_per_a, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(energy > 0, cost / np.where(energy > 0, energy, 1.0), np.nan)


def site_lcoe(table: CostTable, technology: str, capacity_kw, energy_mwh_per_a, connection_eur=0.0,
              area_ha=0.0, bound: str = "value") -> np.ndarray:
    """LCOE of sites of one technology from the cost table, lease included. [EUR/MWh]

    Parameters
    ----------
    table : CostTable
        Rates and financing.
    technology : str
        A technology of the table (``wind``, ``pv_ground`` …).
    capacity_kw : float or array
        Installed power. [kW]
    energy_mwh_per_a : float or array
        Energy a year. [MWh/a]
    connection_eur : float or array
        Grid connection investment. [EUR]
    area_ha : float or array
        Land of a PV site (for a lease per hectare). [ha]
    bound : str
        ``value``, ``low`` or ``high``: which investment of the table's range.
    """
    t = table.technology(technology)
    kw = np.asarray(capacity_kw, dtype=float)
    capex = t.capex_for(kw, bound)  # the rate of each plant's size band
    opex = kw * (t.opex_for(kw) + t.lease_eur_per_kw_a) + np.asarray(area_ha, dtype=float) * t.lease_eur_per_ha_a
    return lcoe_eur_per_mwh(kw * capex, opex, energy_mwh_per_a, table.discount_rate, table.lifetime_a,
                            connection_eur)
