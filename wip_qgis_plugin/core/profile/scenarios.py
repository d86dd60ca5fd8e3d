"""Demand scenarios in the profile: each municipality's balance today, in 2030 and in 2045, and the storage that
would lift its self-sufficiency to 80 and 90 %.

The generation stays that of the profile (the potential computed today); the demand of each scenario
(:func:`.demand_scenarios.scenario_demand`: today's demand × the efficiency factor, plus heat pumps with their
COP from the weather year's temperature, plus electric cars) is set against it hour by hour
(:func:`.balance.hourly_balance`), and :func:`.storage.storage_for_targets` sizes the storage. The figures
become indicators ``demand_<scenario>_gwh``, ``self_sufficiency_<scenario>_pct``, ``balance_<scenario>_pct``,
``storage_<target>_<scenario>_mwh`` for every scenario but the reference (today: the profile's own demand and
balance), and a table of each municipality in the report.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .balance import hourly_balance
from .demand_scenarios import DemandScenarioCatalogue, scenario_demand
from .storage import StorageSizing, storage_for_targets

#: Self-sufficiency targets the storage is sized for. [%]
DEFAULT_TARGETS_PCT = (80.0, 90.0)


@dataclass
class ScenarioFigures:
    """One scenario of one municipality.

    Attributes
    ----------
    scenario : str
        Scenario id (``today``, ``2030``, ``2045``).
    demand_mwh : dict of str to float
        Annual electricity per component (``base``, ``heat_pumps``, ``electric_vehicles``) and ``total``. [MWh/a]
    peak_mw : float
        Highest hourly demand. [MW]
    heat_pump_heat_mwh, seasonal_cop : float
        Heat the added heat pumps supply [MWh_th/a] and their seasonal COP [-].
    balance : dict of str to float
        :meth:`.balance.HourlyBalance.summary` of the profile's generation against this demand.
    storage : dict of float to StorageSizing
        The smallest storage per self-sufficiency target. [%]
    """

    scenario: str
    demand_mwh: dict[str, float]
    peak_mw: float
    heat_pump_heat_mwh: float
    seasonal_cop: float
    balance: dict[str, float]
    storage: dict[float, StorageSizing] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """JSON-able form (storage by target, as text keys)."""
        return {"scenario": self.scenario, "demand_mwh": self.demand_mwh, "peak_mw": self.peak_mw,
                "heat_pump_heat_mwh": self.heat_pump_heat_mwh,
                "seasonal_cop": None if not math.isfinite(self.seasonal_cop) else self.seasonal_cop,
                "balance": self.balance,
                "storage": {f"{t:g}": {"capacity_mwh": s.capacity_mwh, "power_mw": s.power_mw,
                                       "self_sufficiency_pct": s.self_sufficiency_pct,
                                       "without_storage_pct": s.without_storage_pct,
                                       "upper_bound_pct": s.upper_bound_pct, "reason": s.reason}
                            for t, s in self.storage.items()}}


def municipal_scenarios(generation_mw: np.ndarray, base_demand_mw: np.ndarray, population: float,
                        catalogue: DemandScenarioCatalogue, temperature_c: np.ndarray, year: int, land: str,
                        targets_pct: Sequence[float] = DEFAULT_TARGETS_PCT) -> list[ScenarioFigures]:
    """Every scenario of ``catalogue`` for one municipality.

    Parameters
    ----------
    generation_mw, base_demand_mw : numpy.ndarray
        The profile's hourly generation and today's hourly demand of the municipality. [MW]
    population : float
        Inhabitants. [-]
    catalogue : DemandScenarioCatalogue
        The scenarios (:func:`.demand_scenarios.load_demand_scenarios`).
    temperature_c : numpy.ndarray
        Hourly air temperature of the weather year. [°C]
    year, land : int, str
        Calendar year of the hours; Land code (holidays of the heat profiles).
    targets_pct : sequence of float
        Self-sufficiency targets of the storage sizing. [%]
    """
    out = []
    for sid in catalogue.scenario_ids:
        demand = scenario_demand(base_demand_mw, population, sid, catalogue, temperature_c, year, land)
        total = demand.total_mw
        balance = hourly_balance(generation_mw, total)
        storage = storage_for_targets(generation_mw, total, tuple(float(t) for t in targets_pct))
        summary = demand.summary()
        out.append(ScenarioFigures(sid, demand.annual_mwh(), float(summary["peak_mw"]),
                                   float(summary["heat_pump_heat_mwh"]), float(summary["seasonal_cop"]),
                                   balance.summary(), storage))
    return out


def scenario_indicators(figures: Sequence[ScenarioFigures], reference: str) -> dict[str, float]:
    """Indicators of the scenarios other than ``reference``: demand [GWh/a], balance and self-sufficiency [%], and
    the storage per target [MWh] (NaN where no storage reaches it)."""
    ind: dict[str, float] = {}
    for f in figures:
        if f.scenario == reference:
            continue
        ind[f"demand_{f.scenario}_gwh"] = f.demand_mwh["total"] / 1000.0
        ind[f"balance_{f.scenario}_pct"] = float(f.balance.get("balance_pct", math.nan))
        ind[f"self_sufficiency_{f.scenario}_pct"] = float(f.balance.get("self_sufficiency_pct", math.nan))
        for target, sizing in f.storage.items():
            ind[f"storage_{target:g}_{f.scenario}_mwh"] = math.nan if sizing.capacity_mwh is None \
                else float(sizing.capacity_mwh)
    return ind


def scenario_temperature(weather: Any) -> np.ndarray:
    """The hourly air temperature of a weather year, gaps filled linearly (the heat profiles need every hour). [°C]"""
    t = np.asarray(weather.data["temp_air"].to_numpy(dtype=float))
    bad = ~np.isfinite(t)
    if bad.all():
        raise ValueError("the weather year has no air temperature")
    if bad.any():
        idx = np.arange(t.size)
        t = t.copy()
        t[bad] = np.interp(idx[bad], idx[~bad], t[~bad])
    return t


def scenarios_json(per_municipality: Mapping[str, Sequence[ScenarioFigures]]) -> dict[str, list[dict[str, Any]]]:
    """The scenario figures of every municipality, JSON-able."""
    return {name: [f.as_json() for f in figs] for name, figs in per_municipality.items()}


__all__ = ["DEFAULT_TARGETS_PCT", "ScenarioFigures", "municipal_scenarios", "scenario_indicators",
           "scenario_temperature", "scenarios_json"]
