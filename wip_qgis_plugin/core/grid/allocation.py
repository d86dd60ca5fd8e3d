"""Allocation of the sites' capacity to substations without exceeding their free capacity.

An allocator from :data:`ALLOCATORS` solves an :class:`AllocationProblem` (sites, substations and
the cost of every candidate pair): ``min_cost_flow`` (networkx network simplex, with the marginal
cost of the next MW per substation) or ``greedy`` (each site, in input order, takes its cheapest
substation that still has room for all of it: the baseline).

Min-cost-flow formulation (integers, as network simplex needs them): one unit is ``mw_unit`` MW
(default 0.1 MW). Site *i* supplies ``s_i = ceil(P_i / mw_unit)`` units; substation *j* takes at
most ``c_j = floor(F_j / mw_unit)`` units (so a substation is never overloaded in MW); a sink *T*
takes everything. Arcs: site→substation for every candidate pair at ``round(C_ij / s_i)`` EUR per
unit (a site sending all its units pays its full connection cost ``C_ij``); substation→T with
capacity ``c_j`` at 0; site→T ("not connected") with capacity ``s_i`` at a penalty ``M`` larger
than any rerouting can save, so the flow first connects as many MW as possible, then at least
cost. The flow may split a site between substations (the LP relaxation of the single-source
problem); a basic optimal solution splits at most one site per saturated substation, and split
sites are flagged.

Marginal cost of the next MW at a substation: the increase of the optimal cost if one unit of
the substation's free capacity were taken away, per MW, i.e. the shadow price of its capacity.
It equals the shortest path from the substation to T in the residual network of the optimal
flow (Bellman-Ford, no negative cycles at optimality): 0 where capacity is left; for a full
substation, the extra cost of moving the displaced MW to the next-best substation. Where the
displaced MW has nowhere else to go the value is NaN and ``next_mw_displaces`` is true.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np


@dataclass(frozen=True)
class AllocationProblem:
    """Sites, substations and the connection cost of every candidate pair.

    Attributes
    ----------
    supply_mw : numpy.ndarray
        Capacity of each site. [MW]
    capacity_mw : numpy.ndarray
        Free capacity of each substation. [MW]
    pair_site, pair_sub : numpy.ndarray
        Candidate pairs.
    pair_cost_eur : numpy.ndarray
        Cost of connecting the whole site over the pair. [EUR]
    mw_unit : float
        Size of one flow unit. [MW]
    """

    supply_mw: np.ndarray
    capacity_mw: np.ndarray
    pair_site: np.ndarray
    pair_sub: np.ndarray
    pair_cost_eur: np.ndarray
    mw_unit: float = 0.1

    @property
    def supply_units(self) -> np.ndarray:
        """Site capacities in units, rounded up."""
        return np.ceil(np.asarray(self.supply_mw) / self.mw_unit - 1e-9).astype(np.int64)

    @property
    def capacity_units(self) -> np.ndarray:
        """Free capacities in units, rounded down."""
        return np.floor(np.asarray(self.capacity_mw) / self.mw_unit + 1e-9).astype(np.int64)

    @property
    def unit_cost(self) -> np.ndarray:
        """Cost per unit of each pair: pair cost / site units, rounded to whole EUR. [EUR]"""
        su = self.supply_units[self.pair_site]
        return np.rint(np.asarray(self.pair_cost_eur) / np.maximum(su, 1)).astype(np.int64)

    @property
    def penalty(self) -> int:
        """Cost per unit left unconnected: above anything rerouting can save. [EUR]"""
        top = int(self.unit_cost.max()) if len(self.pair_site) else 0
        return max(top, 1) * (2 * len(self.capacity_mw) + 4) + 1

    @property
    def displacement_threshold(self) -> int:
        """Residual path costs above this pass through "not connected". [EUR]"""
        top = int(self.unit_cost.max()) if len(self.pair_site) else 0
        return max(top, 1) * (len(self.capacity_mw) + 2)

    def objective(self, pair_units: np.ndarray) -> int:
        """Integer objective of an allocation: pair units × unit cost + unconnected units × penalty."""
        left = self.supply_units - np.bincount(self.pair_site, weights=pair_units, minlength=len(self.supply_mw))
        return int(np.dot(pair_units.astype(np.int64), self.unit_cost)) + int(left.sum()) * self.penalty


@dataclass(frozen=True)
class Allocation:
    """Which share of each site goes to which substation.

    Attributes
    ----------
    method : str
        The allocator used.
    problem : AllocationProblem
        The problem solved.
    pair_units : numpy.ndarray
        Units sent over each candidate pair.
    marginal_units : numpy.ndarray
        Per substation: cost of the next unit [EUR]; NaN where unknown or displacing a site.
    displaces : numpy.ndarray
        Per substation: the next MW would push MW out of the grid (no alternative).
    built_bound_eur : float
        Proven lower bound of the built cost of any allocation connecting as many MW [EUR]; equal to
        :attr:`built_cost_eur` where the allocation is proven optimal, NaN where no bound is known.
    """

    method: str
    problem: AllocationProblem
    pair_units: np.ndarray
    marginal_units: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    displaces: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0, dtype=bool))
    built_bound_eur: float = float("nan")

    @property
    def pair_share(self) -> np.ndarray:
        """Share of its site each pair carries. [-]"""
        return self.pair_units / np.maximum(self.problem.supply_units[self.problem.pair_site], 1)

    @property
    def pair_mw(self) -> np.ndarray:
        """MW of its site each pair carries. [MW]"""
        return self.pair_share * np.asarray(self.problem.supply_mw)[self.problem.pair_site]

    @property
    def connected_mw_per_site(self) -> np.ndarray:
        """Connected capacity per site. [MW]"""
        p = self.problem
        return np.bincount(p.pair_site, weights=self.pair_mw, minlength=len(p.supply_mw))

    @property
    def unconnected_mw(self) -> np.ndarray:
        """Capacity per site left unconnected. [MW]"""
        return np.maximum(np.asarray(self.problem.supply_mw) - self.connected_mw_per_site, 0.0)

    @property
    def load_mw(self) -> np.ndarray:
        """Allocated load per substation (≤ its free capacity). [MW]"""
        p = self.problem
        return np.bincount(p.pair_sub, weights=self.pair_mw, minlength=len(p.capacity_mw))

    @property
    def load_units(self) -> np.ndarray:
        """Allocated units per substation (≤ its capacity in units)."""
        p = self.problem
        return np.bincount(p.pair_sub, weights=self.pair_units, minlength=len(p.capacity_mw)).astype(np.int64)

    @property
    def connection_cost_eur(self) -> float:
        """Σ share × pair cost: the cost allocated by MW (what a split site's pieces would pay by share). [EUR]"""
        return float(np.dot(self.pair_share, self.problem.pair_cost_eur))

    @property
    def built_cost_eur(self) -> float:
        """Σ cost of every line that carries MW: what must be built (a split site needs each of its lines). [EUR]"""
        return float(self.problem.pair_cost_eur[self.pair_units > 0].sum())

    @property
    def built_cost_per_site_eur(self) -> np.ndarray:
        """Per site the cost of every line it uses. [EUR]"""
        p = self.problem
        used = self.pair_units > 0
        return np.bincount(p.pair_site[used], weights=p.pair_cost_eur[used], minlength=len(p.supply_mw))

    @property
    def built_gap_pct(self) -> float:
        """How far the built cost may lie above the optimum (0 where proven optimal; NaN if unknown). [%]"""
        if not np.isfinite(self.built_bound_eur):
            return float("nan")
        cost = self.built_cost_eur
        return 0.0 if cost <= self.built_bound_eur + 0.5 else 100.0 * (cost - self.built_bound_eur) / max(cost, 1.0)

    @property
    def objective(self) -> int:
        """The integer objective (see :meth:`AllocationProblem.objective`)."""
        return self.problem.objective(self.pair_units)

    @property
    def marginal_cost_eur_per_mw(self) -> np.ndarray:
        """Marginal cost of the next MW at each substation. [EUR/MW]"""
        if not len(self.marginal_units):
            return np.full(len(self.problem.capacity_mw), np.nan)
        return self.marginal_units / self.problem.mw_unit


def allocate_min_cost_flow(problem: AllocationProblem) -> Allocation:
    """Optimal allocation as a minimum-cost flow (networkx network simplex), with marginal costs.

    See the module docstring for the formulation.
    """
    graph = _flow_graph(problem)
    _, flow = nx.network_simplex(graph)
    n = len(problem.supply_mw)
    units = np.array([flow[int(i)].get(n + int(j), 0) for i, j in zip(problem.pair_site, problem.pair_sub)],
                     dtype=np.int64)
    marginal, displaces = _marginal_units(problem, graph, flow)
    return Allocation("min_cost_flow", problem, units, marginal, displaces)


def _flow_graph(problem: AllocationProblem) -> nx.DiGraph:
    n, m = len(problem.supply_mw), len(problem.capacity_mw)
    su, cu, uc, pen = problem.supply_units, problem.capacity_units, problem.unit_cost, problem.penalty
    sink = n + m
    g = nx.DiGraph()
    for i in range(n):
        g.add_node(i, demand=-int(su[i]))
    for j in range(m):
        g.add_node(n + j, demand=0)
    g.add_node(sink, demand=int(su.sum()))
    for i, j, c in zip(problem.pair_site.tolist(), problem.pair_sub.tolist(), uc.tolist()):
        g.add_edge(i, n + j, weight=int(c), capacity=int(su[i]))
    for i in range(n):
        g.add_edge(i, sink, weight=pen, capacity=int(su[i]))
    for j in range(m):
        g.add_edge(n + j, sink, weight=0, capacity=int(cu[j]))
    return g


def _marginal_units(problem: AllocationProblem, graph: nx.DiGraph, flow: Mapping[Any, Mapping[Any, int]]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Shortest residual path from each substation to the sink (the shadow price of its capacity)."""
    n, m = len(problem.supply_mw), len(problem.capacity_mw)
    sink = n + m
    rev = nx.DiGraph()
    rev.add_nodes_from(graph.nodes)
    for a, b, d in graph.edges(data=True):
        f = flow[a][b]
        if f < d["capacity"]:
            rev.add_edge(b, a, weight=d["weight"])      # residual a→b, reversed
        if f > 0:
            rev.add_edge(a, b, weight=-d["weight"])     # residual b→a, reversed
    dist = nx.single_source_bellman_ford_path_length(rev, sink, weight="weight")
    marginal = np.full(m, np.nan)
    displaces = np.zeros(m, dtype=bool)
    limit = problem.displacement_threshold
    for j in range(m):
        d = dist.get(n + j)
        if d is None:
            continue
        if d > limit:
            displaces[j] = True
        else:
            marginal[j] = float(d)
    return marginal, displaces


def consolidate_splits(allocation: Allocation) -> Allocation:
    """A split site moved onto one substation where that connects the same MW for less than its lines cost built.

    The flow prices a site's pieces by their share of a line; built, every piece needs its own line. For each
    split site (largest saving first), the cheapest single candidate pair whose substation has room for all the
    site's connected units replaces the split when its one line costs less than the split's lines together.
    Connected MW never change; the marginal costs of substations whose load changed become unknown (NaN).
    """
    p = allocation.problem
    units = allocation.pair_units.copy()
    capacity_units = p.capacity_units
    for _ in range(len(p.supply_mw)):
        used = units > 0
        n_used = np.bincount(p.pair_site[used], minlength=len(p.supply_mw))
        load = np.bincount(p.pair_sub, weights=units, minlength=len(p.capacity_mw))
        best = None
        for i in np.flatnonzero(n_used > 1):
            mine = np.flatnonzero(p.pair_site == i)
            sent = units[mine]
            built = float(p.pair_cost_eur[mine][sent > 0].sum())
            total = int(sent.sum())
            for k, j, cost in zip(mine, p.pair_sub[mine], p.pair_cost_eur[mine]):
                room = capacity_units[j] - load[j] + units[k]
                if room >= total and cost < built and (best is None or built - cost > best[0]):
                    best = (built - cost, i, k, total)
        if best is None:
            break
        _, i, k, total = best
        units[p.pair_site == i] = 0
        units[k] = total
    return _with_units(allocation, units, float("nan"))


def _with_units(allocation: Allocation, units: np.ndarray, bound_eur: float) -> Allocation:
    """``allocation`` with other pair units; the flow's shadow prices become unknown where a load changed."""
    p = allocation.problem
    marginal, displaces = allocation.marginal_units, allocation.displaces
    if len(marginal):
        before = np.bincount(p.pair_sub, weights=allocation.pair_units, minlength=len(p.capacity_mw))
        after = np.bincount(p.pair_sub, weights=units, minlength=len(p.capacity_mw))
        changed = before != after
        marginal = np.where(changed, np.nan, marginal)
        displaces = np.where(changed, False, displaces) if len(displaces) else displaces
    return Allocation(allocation.method, p, units, marginal, displaces, bound_eur)


def fixed_charge_allocation(allocation: Allocation, time_limit_s: float = 30.0) -> Allocation:
    """The allocation at least built cost that connects as many MW as ``allocation`` (exact fixed charge).

    A line costs its full price once it carries any MW, so a split site pays every one of its lines and a
    piece of a site pays a whole line. The min-cost flow prices a line by the share it carries; its cost is
    a lower bound of the built cost, so a flow without pieces (every used pair carrying its whole site) is
    optimal as it stands. Otherwise a mixed-integer programme decides (HiGHS through ``scipy.optimize.milp``):

    minimise Σ C_k·y_k subject to Σ_k∈i x_k ≤ s_i (site), Σ_k∈j x_k ≤ c_j (substation), x_k ≤ s_i·y_k
    (a line carries only where it is built), Σ x_k ≥ U (as many units connected as ``allocation``),
    x integer units, y binary.

    Splitting is thus chosen only where it connects more MW or costs less built. Within ``time_limit_s``
    the best of the programme's solution and :func:`consolidate_splits` is kept, with the proven bound in
    :attr:`Allocation.built_bound_eur` (the gap is reported, not hidden).

    Parameters
    ----------
    allocation : Allocation
        A feasible allocation (normally the min-cost flow); its connected units are the target.
    time_limit_s : float
        Wall-time limit of the programme. [s]
    """
    p = allocation.problem
    share = allocation.pair_share
    used = allocation.pair_units > 0
    if not used.any() or np.all(share[used] >= 1.0 - 1e-12):
        return _with_units(allocation, allocation.pair_units.copy(), allocation.built_cost_eur)
    fallback = consolidate_splits(allocation)
    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_matrix
    except ImportError:  # pragma: no cover - scipy is a dependency
        return fallback
    n_pairs, n_sites, n_subs = len(p.pair_site), len(p.supply_mw), len(p.capacity_mw)
    su = p.supply_units
    cost = np.asarray(p.pair_cost_eur, dtype=float)
    k = np.arange(n_pairs)
    rows = np.r_[p.pair_site, n_sites + p.pair_sub, n_sites + n_subs + k, n_sites + n_subs + k,
                 np.full(n_pairs, n_sites + n_subs + n_pairs)]
    cols = np.r_[k, k, k, n_pairs + k, k]
    vals = np.r_[np.ones(n_pairs), np.ones(n_pairs), np.ones(n_pairs), -su[p.pair_site].astype(float),
                 np.ones(n_pairs)]
    a = coo_matrix((vals, (rows, cols)), shape=(n_sites + n_subs + n_pairs + 1, 2 * n_pairs)).tocsr()
    target = float(allocation.pair_units.sum())
    lower = np.r_[np.full(n_sites + n_subs + n_pairs, -np.inf), target]
    upper = np.r_[su.astype(float), p.capacity_units.astype(float), np.zeros(n_pairs), np.inf]
    result = milp(np.r_[np.zeros(n_pairs), cost], integrality=np.ones(2 * n_pairs),
                  bounds=Bounds(np.zeros(2 * n_pairs), np.r_[su[p.pair_site].astype(float), np.ones(n_pairs)]),
                  constraints=LinearConstraint(a, lower, upper),
                  options={"time_limit": float(time_limit_s), "mip_rel_gap": 1e-9})
    bound = float(getattr(result, "mip_dual_bound", np.nan) or np.nan)
    if result.x is None:
        return _with_units(fallback, fallback.pair_units, bound if result.status != 2 else np.nan)
    units = np.rint(result.x[:n_pairs]).astype(np.int64)
    if result.status == 0:
        bound = float(result.fun)
    candidate = Allocation(allocation.method, p, units)
    if candidate.built_cost_eur > fallback.built_cost_eur or units.sum() < target:
        return _with_units(fallback, fallback.pair_units, bound)
    return _with_units(allocation, units, bound)


def allocate_greedy(problem: AllocationProblem) -> Allocation:
    """Baseline: each site, in input order, takes its cheapest substation with room for all of it."""
    su, left = problem.supply_units, problem.capacity_units.copy()
    uc = problem.unit_cost
    units = np.zeros(len(problem.pair_site), dtype=np.int64)
    order = np.lexsort((problem.pair_sub, uc, problem.pair_site))
    bounds = np.flatnonzero(np.r_[True, problem.pair_site[order][1:] != problem.pair_site[order][:-1], True]) \
        if len(order) else np.array([0])
    for s, e in zip(bounds[:-1], bounds[1:]):
        for k in order[s:e]:
            i, j = problem.pair_site[k], problem.pair_sub[k]
            if left[j] >= su[i]:
                units[k] = su[i]
                left[j] -= su[i]
                break
    m = len(problem.capacity_mw)
    return Allocation("greedy", problem, units, np.full(m, np.nan), np.zeros(m, dtype=bool))


#: Allocators by name.
ALLOCATORS: dict[str, Callable[[AllocationProblem], Allocation]] = {
    "min_cost_flow": allocate_min_cost_flow,
    "greedy": allocate_greedy,
}
