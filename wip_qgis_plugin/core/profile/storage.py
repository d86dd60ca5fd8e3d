"""A municipal battery in the hourly balance: greedy dispatch, and the capacity that reaches a self-sufficiency.

:func:`simulate_storage` runs one storage through the hours of a year (generation and demand as hourly mean
powers [MW], one hour = 1 MWh per MW):

* each hour the generation first meets the demand of the same hour (``direct`` = min(generation, demand));
* a surplus charges the storage, as far as its power and its free capacity allow; the rest is exported;
* a deficit is met from the storage, as far as its power and its charge allow; the rest is imported.

The round-trip efficiency is split evenly: √η on charging and √η on discharging. Self-sufficiency is the share
of the demand met by local generation, directly or through the storage:
(Σ direct + Σ discharge) / Σ demand.

The storage's power defaults to :data:`DEFAULT_C_RATE_PER_H` × capacity (0.5 /h: a "2-hour" battery, the common
size of large lithium-ion storage built in Germany in 2023–2024). Unless an initial charge is given, the year is
run once from empty as a warm-up and the result is the second run, starting with the charge the first one ended
with — so a storage is never credited with energy it did not charge from the year's own surplus.

:func:`storage_for_self_sufficiency` finds the smallest capacity that reaches a target share by bisection: with
the power a fixed C-rate of the capacity (or fixed), the self-sufficiency never falls when the capacity grows
(each hour's charge is at least that of a smaller storage, and so is each hour's discharge). It says why when no
storage can reach the target: even a storage without limits can serve at most the year's surplus × η.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..errors import InputError

#: Storage power per MWh of capacity when no power is given. [1/h]
DEFAULT_C_RATE_PER_H = 0.5
#: Round-trip efficiency of a lithium-ion battery system (AC to AC), a common planning value. [-]
DEFAULT_ROUNDTRIP_EFFICIENCY = 0.9
#: Relative tolerance of the sized capacity, against the annual demand in MWh. [-]
SIZING_TOLERANCE = 1e-6


@dataclass(frozen=True)
class StorageResult:
    """Hour-by-hour dispatch of one storage; every array is in [MWh] per hour (= mean MW).

    Per hour: generation = direct + charge + export; demand = direct + discharge + import; the state of charge
    changes by charge × √η − discharge / √η.

    Attributes
    ----------
    capacity_mwh, power_mw, roundtrip_efficiency : float
        The storage: usable capacity [MWh], charging and discharging power [MW], round-trip efficiency [-].
    generation_mw, demand_mw : numpy.ndarray
        The inputs. [MW]
    direct_mw : numpy.ndarray
        Generation used in its own hour: min(generation, demand). [MW]
    charge_mw, discharge_mw : numpy.ndarray
        Surplus taken into the storage; energy delivered from it to the demand. [MW]
    export_mw, import_mw : numpy.ndarray
        Surplus left after charging; demand left after discharging. [MW]
    soc_mwh : numpy.ndarray
        State of charge at the end of each hour. [MWh]
    initial_soc_mwh : float
        State of charge before the first hour. [MWh]
    """

    capacity_mwh: float
    power_mw: float
    roundtrip_efficiency: float
    generation_mw: np.ndarray
    demand_mw: np.ndarray
    direct_mw: np.ndarray
    charge_mw: np.ndarray
    discharge_mw: np.ndarray
    export_mw: np.ndarray
    import_mw: np.ndarray
    soc_mwh: np.ndarray
    initial_soc_mwh: float

    @property
    def demand_mwh(self) -> float:
        """Annual demand. [MWh/a]"""
        return float(self.demand_mw.sum())

    @property
    def self_sufficiency_pct(self) -> float:
        """Share of the demand met by local generation, directly or from the storage (NaN without demand). [%]"""
        served = float(self.direct_mw.sum() + self.discharge_mw.sum())
        return 100.0 * served / self.demand_mwh if self.demand_mwh > 0 else float("nan")

    @property
    def self_sufficiency_without_storage_pct(self) -> float:
        """Share of the demand met in its own hour, without the storage. [%]"""
        return 100.0 * float(self.direct_mw.sum()) / self.demand_mwh if self.demand_mwh > 0 else float("nan")

    @property
    def losses_mwh(self) -> float:
        """Energy lost in the storage over the year (charged − delivered − gain of charge). [MWh/a]"""
        gain = float(self.soc_mwh[-1]) - self.initial_soc_mwh if self.soc_mwh.size else 0.0
        return float(self.charge_mw.sum() - self.discharge_mw.sum()) - gain

    @property
    def full_cycles(self) -> float:
        """Energy delivered over the capacity: equivalent full cycles a year (0 without capacity). [1/a]"""
        return float(self.discharge_mw.sum()) / self.capacity_mwh if self.capacity_mwh > 0 else 0.0

    def summary(self) -> dict[str, float]:
        """The indicators, for tables and JSON ([MWh], [MW], [%], [1/a])."""
        return {"capacity_mwh": self.capacity_mwh, "power_mw": self.power_mw,
                "self_sufficiency_pct": self.self_sufficiency_pct,
                "self_sufficiency_without_storage_pct": self.self_sufficiency_without_storage_pct,
                "charged_mwh": float(self.charge_mw.sum()), "discharged_mwh": float(self.discharge_mw.sum()),
                "export_mwh": float(self.export_mw.sum()), "import_mwh": float(self.import_mw.sum()),
                "losses_mwh": self.losses_mwh, "full_cycles": self.full_cycles}


def _series(generation_mw: ArrayLike, demand_mw: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    gen = np.asarray(generation_mw, dtype=float)
    dem = np.asarray(demand_mw, dtype=float)
    if gen.ndim != 1 or gen.shape != dem.shape:
        raise InputError(f"Generation ({gen.shape}) and demand ({dem.shape}) must be hourly series of the same "
                         "year; compute both for the same weather year.")
    for label, arr in (("generation", gen), ("demand", dem)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise InputError(f"The hourly {label} has negative or missing values.")
    return gen, dem


def _storage(capacity_mwh: float, power_mw: float | None, c_rate_per_h: float,
             roundtrip_efficiency: float) -> tuple[float, float]:
    """Checked capacity and power. [MWh], [MW]"""
    if not math.isfinite(capacity_mwh) or capacity_mwh < 0:
        raise InputError(f"Storage capacity {capacity_mwh!r} MWh must be a number ≥ 0.")
    if not 0 < roundtrip_efficiency <= 1:
        raise InputError(f"Round-trip efficiency {roundtrip_efficiency!r} must lie in (0, 1]; e.g. 0.9.")
    if not math.isfinite(c_rate_per_h) or c_rate_per_h <= 0:
        raise InputError(f"C-rate {c_rate_per_h!r} /h must be a number > 0; e.g. 0.5 (a 2-hour battery).")
    power = c_rate_per_h * capacity_mwh if power_mw is None else float(power_mw)
    if not math.isfinite(power) or power < 0:
        raise InputError(f"Storage power {power_mw!r} MW must be a number ≥ 0.")
    return float(capacity_mwh), power


def _dispatch(surplus: list[float], deficit: list[float], capacity: float, power: float, eta_in: float,
              eta_out: float, soc: float, record: bool) -> tuple[float, float, list[tuple[float, float, float]]]:
    """One pass over the hours: (energy delivered, final charge, [(charge, discharge, soc)] if ``record``)."""
    delivered = 0.0
    rows: list[tuple[float, float, float]] = []
    for s, d in zip(surplus, deficit):
        charge = discharge = 0.0
        if s > 0.0:
            charge = min(s, power, max(capacity - soc, 0.0) / eta_in)
            soc = min(soc + charge * eta_in, capacity)
        elif d > 0.0:
            discharge = min(d, power, soc * eta_out)
            soc = max(soc - discharge / eta_out, 0.0)
            delivered += discharge
        if record:
            rows.append((charge, discharge, soc))
    return delivered, soc, rows


def hour_runs(surplus: list[float], deficit: list[float]) -> list[tuple[bool, list[float]]]:
    """The hours as runs of charging hours (surplus > 0: their surplus) and discharging hours (else deficit > 0:
    their deficit), in order; hours with neither are left out (the dispatch does nothing in them)."""
    runs: list[tuple[bool, list[float]]] = []
    for s, d in zip(surplus, deficit):
        kind, value = (True, s) if s > 0.0 else (False, d) if d > 0.0 else (None, 0.0)
        if kind is None:
            continue
        if runs and runs[-1][0] is kind:
            runs[-1][1].append(value)
        else:
            runs.append((kind, [value]))
    return runs


def dispatch_runs(runs: list[tuple[bool, list[float]]], capacity: float, power: float, eta_in: float,
                  eta_out: float, soc: float) -> tuple[float, float]:
    """:func:`_dispatch` without the record, on :func:`hour_runs`: (energy delivered, final charge).

    The same arithmetic hour by hour, so the same figures to the last bit, but the rest of a run is skipped once
    the storage is full (charging) or empty (discharging): those hours change nothing.
    """
    delivered = 0.0
    for charging, values in runs:
        if charging:
            for s in values:
                if soc >= capacity:
                    break
                charge = min(s, power, max(capacity - soc, 0.0) / eta_in)
                soc = min(soc + charge * eta_in, capacity)
        else:
            for d in values:
                if soc <= 0.0:
                    break
                discharge = min(d, power, soc * eta_out)
                soc = max(soc - discharge / eta_out, 0.0)
                delivered += discharge
    return delivered, soc


def _start(surplus: list[float], deficit: list[float], capacity: float, power: float, eta: float,
           initial_soc_fraction: float | None, runs: list[tuple[bool, list[float]]] | None = None) -> float:
    """State of charge before the first hour: given, or the end of a warm-up run from empty. [MWh]"""
    if initial_soc_fraction is not None:
        if not 0 <= initial_soc_fraction <= 1:
            raise InputError(f"Initial state of charge {initial_soc_fraction!r} must lie in [0, 1] (share of the "
                             "capacity), or be None for a warm-up year.")
        return initial_soc_fraction * capacity
    if runs is not None:
        return dispatch_runs(runs, capacity, power, eta, eta, 0.0)[1]
    return _dispatch(surplus, deficit, capacity, power, eta, eta, 0.0, False)[1]


def simulate_storage(generation_mw: ArrayLike, demand_mw: ArrayLike, capacity_mwh: float,
                     power_mw: float | None = None, roundtrip_efficiency: float = DEFAULT_ROUNDTRIP_EFFICIENCY,
                     initial_soc_fraction: float | None = None,
                     c_rate_per_h: float = DEFAULT_C_RATE_PER_H) -> StorageResult:
    """Greedy hourly dispatch of one storage against the local balance.

    Parameters
    ----------
    generation_mw, demand_mw : array_like
        Hourly mean generation and demand of the same hours. [MW]
    capacity_mwh : float
        Usable capacity. [MWh]
    power_mw : float, optional
        Charging and discharging power; default ``c_rate_per_h`` × capacity. [MW]
    roundtrip_efficiency : float
        Energy out over energy in, split evenly between charging and discharging. [-]
    initial_soc_fraction : float, optional
        Charge before the first hour as a share of the capacity; default (None) the charge at the end of a
        warm-up run of the same year from empty. [-]
    c_rate_per_h : float
        Power per MWh of capacity when ``power_mw`` is not given. [1/h]

    Returns
    -------
    StorageResult

    Raises
    ------
    InputError
        Series of different length, negative or missing values, an impossible storage.
    """
    gen, dem = _series(generation_mw, demand_mw)
    capacity, power = _storage(capacity_mwh, power_mw, c_rate_per_h, roundtrip_efficiency)
    eta = math.sqrt(roundtrip_efficiency)
    direct = np.minimum(gen, dem)
    surplus, deficit = (gen - direct).tolist(), (dem - direct).tolist()
    soc0 = _start(surplus, deficit, capacity, power, eta, initial_soc_fraction)
    _, _, rows = _dispatch(surplus, deficit, capacity, power, eta, eta, soc0, True)
    table = np.array(rows, dtype=float).reshape(-1, 3)
    charge, discharge, soc = table[:, 0], table[:, 1], table[:, 2]
    return StorageResult(capacity, power, float(roundtrip_efficiency), gen, dem, direct, charge, discharge,
                         gen - direct - charge, dem - direct - discharge, soc, float(soc0))


@dataclass(frozen=True)
class StorageSizing:
    """The smallest storage that reaches a self-sufficiency target, or why none does.

    Attributes
    ----------
    target_pct : float
        The target. [%]
    capacity_mwh, power_mw : float or None
        The storage found (0 when the target is met without one); None when no storage reaches it. [MWh], [MW]
    self_sufficiency_pct : float
        Reached with that storage (NaN when none was found). [%]
    without_storage_pct : float
        Self-sufficiency without a storage. [%]
    upper_bound_pct : float
        The most any storage could reach: (Σ direct + min(Σ deficit, η × Σ surplus)) / Σ demand. [%]
    reason : str
        Why no storage reaches the target ('' when one does).
    """

    target_pct: float
    capacity_mwh: float | None
    power_mw: float | None
    self_sufficiency_pct: float
    without_storage_pct: float
    upper_bound_pct: float
    reason: str = ""

    @property
    def reachable(self) -> bool:
        """Whether a storage reaches the target."""
        return self.capacity_mwh is not None


def storage_for_self_sufficiency(generation_mw: ArrayLike, demand_mw: ArrayLike, target_pct: float,
                                 power_mw: float | None = None,
                                 roundtrip_efficiency: float = DEFAULT_ROUNDTRIP_EFFICIENCY,
                                 initial_soc_fraction: float | None = None,
                                 c_rate_per_h: float = DEFAULT_C_RATE_PER_H,
                                 tolerance_mwh: float | None = None) -> StorageSizing:
    """The smallest storage capacity whose greedy dispatch reaches ``target_pct`` self-sufficiency.

    Bisection on :func:`simulate_storage`'s self-sufficiency, which does not fall as the capacity grows.

    Parameters
    ----------
    generation_mw, demand_mw : array_like
        Hourly mean generation and demand of the same hours. [MW]
    target_pct : float
        Self-sufficiency to reach, in (0, 100]. [%]
    power_mw, roundtrip_efficiency, initial_soc_fraction, c_rate_per_h
        As in :func:`simulate_storage` (a fixed ``power_mw`` holds for every capacity tried).
    tolerance_mwh : float, optional
        Width of the final bracket; default :data:`SIZING_TOLERANCE` × annual demand in MWh. [MWh]

    Returns
    -------
    StorageSizing
        Capacity 0 when the target is met without storage; None with a reason when no storage reaches it
        (not enough surplus over the year, no generation, or a fixed power too small).

    Raises
    ------
    InputError
        Bad series, a target outside (0, 100], or an impossible storage.
    """
    gen, dem = _series(generation_mw, demand_mw)
    if not (math.isfinite(target_pct) and 0 < target_pct <= 100):
        raise InputError(f"Self-sufficiency target {target_pct!r} % must lie in (0, 100].")
    _storage(0.0, power_mw, c_rate_per_h, roundtrip_efficiency)
    eta = math.sqrt(roundtrip_efficiency)
    direct = np.minimum(gen, dem)
    surplus, deficit = (gen - direct).tolist(), (dem - direct).tolist()
    demand_mwh, direct_mwh = float(dem.sum()), float(direct.sum())
    if demand_mwh <= 0:
        return StorageSizing(target_pct, None, None, math.nan, math.nan, math.nan, "there is no demand")
    base_pct = 100.0 * direct_mwh / demand_mwh
    bound_pct = 100.0 * (direct_mwh + min(sum(deficit), roundtrip_efficiency * sum(surplus))) / demand_mwh
    need = target_pct * demand_mwh / 100.0 - direct_mwh - 1e-9 * demand_mwh  # energy the storage must deliver

    def power(capacity: float) -> float:
        return c_rate_per_h * capacity if power_mw is None else float(power_mw)

    runs = hour_runs(surplus, deficit)

    def reaches(capacity: float) -> bool:
        soc0 = _start(surplus, deficit, capacity, power(capacity), eta, initial_soc_fraction, runs)
        return dispatch_runs(runs, capacity, power(capacity), eta, eta, soc0)[0] >= need

    if need <= 0:
        return StorageSizing(target_pct, 0.0, 0.0, base_pct, base_pct, bound_pct)
    if bound_pct < target_pct - 1e-9:
        what = ("there is no local generation" if not gen.any() else
                f"the year's surplus of {sum(surplus):,.0f} MWh × η {roundtrip_efficiency:g} can cover at most "
                f"{bound_pct:.1f} % of the demand ({base_pct:.1f} % without storage)")
        return StorageSizing(target_pct, None, None, math.nan, base_pct, bound_pct,
                             f"No storage reaches {target_pct:g} %: {what}; more local generation is needed.")
    high = max(sum(surplus) * eta, 1e-9)
    for _ in range(12):
        if reaches(high):
            break
        high *= 2.0
    else:
        return StorageSizing(target_pct, None, None, math.nan, base_pct, bound_pct,
                             f"No storage up to {high:,.0f} MWh ({power(high):,.1f} MW) reaches {target_pct:g} %: "
                             "the power limits the discharge, or the surplus comes after the deficits it should "
                             "cover.")
    low = 0.0
    tol = SIZING_TOLERANCE * demand_mwh if tolerance_mwh is None else float(tolerance_mwh)
    while high - low > max(tol, 1e-12 * high):
        mid = 0.5 * (low + high)
        low, high = (low, mid) if reaches(mid) else (mid, high)
    result = simulate_storage(gen, dem, high, power_mw, roundtrip_efficiency, initial_soc_fraction, c_rate_per_h)
    return StorageSizing(target_pct, high, result.power_mw, result.self_sufficiency_pct, base_pct, bound_pct)


def storage_for_targets(generation_mw: ArrayLike, demand_mw: ArrayLike, targets_pct: tuple[float, ...] = (80.0, 90.0),
                        **options: float | None) -> dict[float, StorageSizing]:
    """:func:`storage_for_self_sufficiency` for each target (default 80 and 90 %), by target. [%]"""
    return {float(t): storage_for_self_sufficiency(generation_mw, demand_mw, t, **options)  # type: ignore[arg-type]
            for t in targets_pct}
