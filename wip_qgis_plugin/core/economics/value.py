"""What the energy is worth to the municipality: § 6 EEG payment, trade tax and land lease, per year.

* **§ 6 EEG** (:func:`eeg_shares`, :func:`eeg_payments`): 0.2 ct/kWh of a wind turbine's energy goes to the
  municipalities within 2,500 m of its tower, each by the share of its area in that circle (the circle's part
  outside every municipality given, e.g. abroad, is not paid); a ground-mounted PV park's to the municipality of
  the site.
* **Trade tax** (:func:`trade_tax_eur`): the taxable profit of the plant (a stated simplification, see the cost
  table's ``profit`` assumption) × Steuermesszahl 3.5 % × the Hebesatz, of which 90 % goes to the municipalities of
  the plants by installed power (§ 29 (1) Nr. 2 GewStG) and 10 % to the operator's seat (not counted here).
* **Lease** (in :mod:`.lcoe` as cost; here as income of the landowners): per MW for wind, per hectare for PV.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from .costs import CostTable
from .lcoe import annuity_factor


def eeg_shares(turbines: Sequence, municipalities: Sequence, radius_m: float = 2500.0,
               quad_segs: int = 64) -> np.ndarray:
    """Share of each municipality in each turbine's § 6 EEG payment. [-]

    Parameters
    ----------
    turbines : sequence of shapely Point
        Tower positions (projected CRS in metres).
    municipalities : sequence of shapely (Multi)Polygon
        Municipality areas (not overlapping).
    radius_m : float
        Radius of the circle around the tower. [m]
    quad_segs : int
        Segments per quarter circle of the circle polygon.

    Returns
    -------
    numpy.ndarray
        ``(n_turbines, n_municipalities)``: each municipality's area within the circle over the circle's area; a
        row sums to 1 only where the municipalities given cover the whole circle.
    """
    circles = shapely.buffer(np.asarray(list(turbines), dtype=object), radius_m, quad_segs=quad_segs)
    areas = np.asarray(list(municipalities), dtype=object)
    tree = shapely.STRtree(areas)
    out = np.zeros((len(circles), len(areas)))
    left, right = tree.query(circles, predicate="intersects")
    out[left, right] = shapely.area(shapely.intersection(circles[left], areas[right]))
    # § 6 (2) EEG: the share of the circle's area — the part outside the municipalities given (neighbours not in
    # the layer, abroad) is nobody's here, not spread over the others
    return out / shapely.area(circles)[:, None]


def eeg_payments(energy_mwh_per_a, shares: np.ndarray, rate_eur_per_mwh: float = 2.0) -> np.ndarray:
    """§ 6 EEG payment per municipality a year: Σ energy × rate × share. [EUR/a]"""
    energy = np.asarray(energy_mwh_per_a, dtype=float)
    return (energy * rate_eur_per_mwh) @ shares


def taxable_profit_eur(table: CostTable, technology: str, capacity_kw, energy_mwh_per_a, connection_eur=0.0,
                       area_ha=0.0, price_eur_per_mwh: float | None = None) -> np.ndarray:
    """Taxable profit of a plant in an average year (the table's simplification; a loss is 0). [EUR/a]

    Revenue − operating cost and lease − straight-line depreciation − interest on half the investment.
    """
    t = table.technology(technology)
    kw = np.asarray(capacity_kw, dtype=float)
    invest = kw * t.capex_for(kw) + np.asarray(connection_eur, dtype=float)
    price = table.market_price_eur_per_mwh if price_eur_per_mwh is None else price_eur_per_mwh
    revenue = np.asarray(energy_mwh_per_a, dtype=float) * price
    cost = kw * (t.opex_for(kw) + t.lease_eur_per_kw_a) + np.asarray(area_ha, dtype=float) * t.lease_eur_per_ha_a
    profit = revenue - cost - invest / table.lifetime_a - 0.5 * invest * table.discount_rate
    return np.maximum(profit, 0.0)


def trade_tax_eur(profit_eur_per_a, hebesatz: float, table: CostTable, allowance: bool = False) -> np.ndarray:
    """Trade tax of the site municipality a year: (profit − allowance) × 3.5 % × Hebesatz × 90 %. [EUR/a]

    Parameters
    ----------
    profit_eur_per_a : float or array
        Taxable profit. [EUR/a]
    hebesatz : float
        The municipality's multiplier (4.0 = 400 %). [-]
    table : CostTable
        Steuermesszahl, site share and allowance.
    allowance : bool
        Deduct the allowance of partnerships (§ 11 (1) GewStG). It applies once per company: pass the
        company's profit, not a turbine's, or the allowance is deducted once per turbine.
    """
    base = np.asarray(profit_eur_per_a, dtype=float) - (table.trade_tax_allowance_eur if allowance else 0.0)
    return np.maximum(base, 0.0) * table.trade_tax_rate * hebesatz * table.trade_tax_site_share


def present_value(per_year_eur, table: CostTable) -> np.ndarray:
    """The value over the lifetime of a constant yearly amount, discounted: amount / annuity factor. [EUR]"""
    return np.asarray(per_year_eur, dtype=float) / annuity_factor(table.discount_rate, table.lifetime_a)
