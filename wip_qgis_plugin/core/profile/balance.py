"""Hourly energy balance of generation against demand over one weather year.

Both series are hourly mean powers [MW] of the same year (one hour = 1 MWh per MW), so energy
is conserved hour by hour:

* generation = self-consumed + surplus
* demand = self-consumed + deficit

where self-consumed = min(generation, demand). Self-sufficiency is self-consumed / demand; the
balance share is generation / demand over the year (may exceed 100 %); hours covered is the share of
hours in which generation ≥ demand.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError

#: Hours of each month in a year that starts on 1 January 00:00 (non-leap, leap).
_MONTH_DAYS = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))


@dataclass(frozen=True)
class HourlyBalance:
    """Hour-by-hour balance; every array is in [MWh] per hour (= mean MW).

    Attributes
    ----------
    generation, demand : numpy.ndarray
        The inputs.
    self_consumed : numpy.ndarray
        min(generation, demand).
    surplus : numpy.ndarray
        generation − self_consumed (≥ 0).
    deficit : numpy.ndarray
        demand − self_consumed (≥ 0).
    """

    generation: np.ndarray
    demand: np.ndarray
    self_consumed: np.ndarray
    surplus: np.ndarray
    deficit: np.ndarray

    @property
    def hours(self) -> int:
        """Number of hours."""
        return int(self.demand.size)

    @property
    def generation_mwh(self) -> float:
        """Annual generation. [MWh/a]"""
        return float(self.generation.sum())

    @property
    def demand_mwh(self) -> float:
        """Annual demand. [MWh/a]"""
        return float(self.demand.sum())

    @property
    def self_consumed_mwh(self) -> float:
        """Generation used in the same hour inside the municipality. [MWh/a]"""
        return float(self.self_consumed.sum())

    @property
    def surplus_mwh(self) -> float:
        """Generation beyond the demand of its hour (export). [MWh/a]"""
        return float(self.surplus.sum())

    @property
    def deficit_mwh(self) -> float:
        """Demand not met by the generation of its hour (import). [MWh/a]"""
        return float(self.deficit.sum())

    @property
    def self_sufficiency_pct(self) -> float:
        """Share of the demand met in the same hour. [%]"""
        return 100.0 * self.self_consumed_mwh / self.demand_mwh if self.demand_mwh > 0 else float("nan")

    @property
    def balance_pct(self) -> float:
        """Annual generation over annual demand (bilanzielle Deckung; may exceed 100). [%]"""
        return 100.0 * self.generation_mwh / self.demand_mwh if self.demand_mwh > 0 else float("nan")

    @property
    def self_consumption_pct(self) -> float:
        """Share of the generation used in the same hour. [%]"""
        return 100.0 * self.self_consumed_mwh / self.generation_mwh if self.generation_mwh > 0 else float("nan")

    @property
    def hours_covered_pct(self) -> float:
        """Share of hours in which generation ≥ demand. [%]"""
        return 100.0 * float(np.count_nonzero(self.generation >= self.demand)) / self.hours if self.hours else 0.0

    def monthly(self) -> dict[str, np.ndarray]:
        """Monthly sums of generation, demand, self-consumed, surplus, deficit (12 values each). [MWh]"""
        days = _MONTH_DAYS[1] if self.hours == 8784 else _MONTH_DAYS[0]
        if self.hours not in (8760, 8784):
            raise InputError(f"Monthly sums need a whole year of hours (8760 or 8784), got {self.hours}.")
        edges = np.concatenate([[0], np.cumsum(np.array(days) * 24)])
        return {name: np.add.reduceat(getattr(self, name), edges[:-1])
                for name in ("generation", "demand", "self_consumed", "surplus", "deficit")}

    def residual_duration_curve(self) -> np.ndarray:
        """Residual load demand − generation, sorted from highest to lowest. [MW]"""
        return np.sort(self.demand - self.generation)[::-1]

    def summary(self) -> dict[str, float]:
        """The indicators, for tables and JSON."""
        return {"generation_mwh": self.generation_mwh, "demand_mwh": self.demand_mwh,
                "self_consumed_mwh": self.self_consumed_mwh, "surplus_mwh": self.surplus_mwh,
                "deficit_mwh": self.deficit_mwh, "self_sufficiency_pct": self.self_sufficiency_pct,
                "balance_pct": self.balance_pct, "hours_covered_pct": self.hours_covered_pct,
                "peak_demand_mw": float(self.demand.max(initial=0.0)),
                "peak_generation_mw": float(self.generation.max(initial=0.0))}


def hourly_balance(generation_mw: np.ndarray, demand_mw: np.ndarray) -> HourlyBalance:
    """Balance two hourly series of the same year. [MW]

    Raises
    ------
    InputError
        Series of different length, or negative or non-finite values.
    """
    gen = np.asarray(generation_mw, dtype=float)
    dem = np.asarray(demand_mw, dtype=float)
    if gen.shape != dem.shape or gen.ndim != 1:
        raise InputError(f"Generation ({gen.shape}) and demand ({dem.shape}) must be hourly series of the same "
                         "year; compute both for the same weather year.")
    for label, arr in (("generation", gen), ("demand", dem)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise InputError(f"The hourly {label} has negative or missing values.")
    used = np.minimum(gen, dem)
    return HourlyBalance(gen, dem, used, gen - used, dem - used)
