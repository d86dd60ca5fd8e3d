"""Grid connection of candidate sites: voltage level, route, cost and allocation to substations.

Pipeline (:func:`plan_connections`; :func:`run_grid_connection` reads the layers and writes the
outputs around it):

1. **Level.** Each site's capacity [MW] picks the lowest level of the connection catalogue
   (:mod:`.catalogue`, ``presets/grid_connection.yml``) whose limit it does not exceed; a
   substation *suits* a level if it has one of the level's substation voltages (:mod:`.sites`).
2. **Routes.** A router from :data:`~.routing.ROUTERS` finds, for every site, the suitable
   substations it can reach within the level's longest route, along the roads or over a
   cost-factor raster (:mod:`.routing`).
3. **Price.** ``cost = weighted length [km] × line cost [EUR/km] × terrain factor + bay cost [EUR]``.
4. **Allocation.** An allocator from :data:`~.allocation.ALLOCATORS` assigns the sites' MW to
   substations without exceeding any substation's free capacity (:mod:`.allocation`: minimum-cost
   flow with marginal costs, or the greedy baseline).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, write_csv, write_vector
from ..errors import InputError
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from .allocation import ALLOCATORS, Allocation, AllocationProblem, allocate_greedy, fixed_charge_allocation
from .catalogue import DEFAULT_PRESET, ConnectionCatalogue, ConnectionLevel, load_connection_catalogue
from .issues import issues_frame
from .routing import (
    ROUTERS,
    Candidates,
    CostSurface,
    RoadNetwork,
    Route,
    RoutingInputs,
    build_road_network,
    read_cost_surface,
)
from .settings import ConnectionSettings, TopologySettings
from .sites import SiteInputs, SubstationInputs, group_sites, prepare_sites, prepare_substations
from .topology import GridTopology, build_topology, read_grid_layers
from ..messages import localised, msg

#: Site status values and what they mean.
SITE_STATUS: dict[str, str] = {
    "connected": "connected to one substation",
    "split": "connected, its capacity split between substations (every line built and counted)",
    "partly_connected": "only part of its capacity fits into the free capacity within reach",
    "no_free_capacity": "suitable substations within reach, but none with free capacity left",
    "no_suitable_substation": "no substation of its level within the level's longest route",
    "above_all_levels": "capacity above every level's limit in the catalogue",
}


@dataclass(frozen=True)
class ConnectionResult:
    """Connections, site table and substation loads of a run.

    Attributes
    ----------
    connections : geopandas.GeoDataFrame
        One route per (site, substation) pair carrying MW: ``site_id``, ``substation``,
        ``level``, ``voltage_kv``, ``allocated_mw``, ``share``, ``length_km``, ``access_km``,
        ``cost_eur`` (whole pair), ``allocated_cost_eur`` (share × cost), ``split``.
    sites : geopandas.GeoDataFrame
        One row per site: ``site_id``, ``capacity_mw``, ``level``, ``voltage_kv``, ``status``,
        ``substation``, ``length_km``, ``connected_mw``, ``unconnected_mw``, ``cost_eur``,
        ``cost_eur_per_kw``, ``cheapest_option_eur``.
    substations : geopandas.GeoDataFrame
        One row per substation: ``name``, ``voltage``, ``free_capacity_mw``, ``allocated_mw``,
        ``remaining_mw``, ``n_sites``, ``utilisation_pct``, ``marginal_cost_eur_per_mw``,
        ``next_mw_displaces``, ``n_candidates``.
    allocation : Allocation
        The allocation chosen.
    baseline : Allocation or None
        The greedy allocation, for comparison.
    catalogue : ConnectionCatalogue
        Levels and costs used.
    topology : GridTopology or None
        The checked power-line topology, when power lines were given.
    """

    connections: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    substations: gpd.GeoDataFrame
    allocation: Allocation
    baseline: Allocation | None
    catalogue: ConnectionCatalogue
    topology: GridTopology | None = None

    def summary(self) -> dict[str, Any]:
        """Totals for logs and reports.

        With no site (a technology of 0 ha) or nothing connected, the totals are 0 MW and 0 EUR and
        ``cost_eur_per_kw`` is NaN (no cost per kW of nothing; None in a job's JSON, printed "n/a").
        """
        a = self.allocation
        connected = float(a.connected_mw_per_site.sum())
        out = {"allocation": a.method, "catalogue": self.catalogue.provenance(), "sites": len(self.sites),
               "capacity_mw": float(np.sum(a.problem.supply_mw)), "connected_mw": connected,
               "unconnected_mw": float(a.unconnected_mw.sum()), "cost_eur": a.built_cost_eur,
               "cost_allocated_eur": a.connection_cost_eur, "cost_gap_pct": a.built_gap_pct,
               "cost_eur_per_kw": a.built_cost_eur / (connected * 1000.0) if connected else float("nan"),
               "split_sites": int((self.sites["status"] == "split").sum()),
               "status": self.sites["status"].value_counts().to_dict()}
        if self.baseline is not None:
            b = self.baseline
            out["baseline"] = {"allocation": b.method, "connected_mw": float(b.connected_mw_per_site.sum()),
                               "cost_eur": b.built_cost_eur}
        if self.topology is not None:
            out["topology"] = self.topology.summary()
        return out


def plan_connections(
    sites: gpd.GeoDataFrame,
    substations: gpd.GeoDataFrame,
    catalogue: ConnectionCatalogue | None = None,
    settings: ConnectionSettings | None = None,
    roads: gpd.GeoDataFrame | RoadNetwork | None = None,
    cost_surface: CostSurface | None = None,
    progress: Progress | None = None,
) -> ConnectionResult:
    """Choose levels, route, price and allocate the sites to substations.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Candidate sites (points or polygons) with ``settings.capacity_field`` [MW].
    substations : geopandas.GeoDataFrame
        Substations (points or polygons) with a voltage and a free-capacity field [MW].
    catalogue : ConnectionCatalogue, optional
        Levels and costs; default the ``grid_connection`` preset.
    settings : ConnectionSettings, optional
        Fields and methods; default :class:`~.settings.ConnectionSettings`.
    roads : geopandas.GeoDataFrame or RoadNetwork, optional
        Road lines (``roads`` router).
    cost_surface : CostSurface, optional
        Cost-factor raster (``cost_raster`` router).
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    ConnectionResult

    Raises
    ------
    InputError
        Naming the layer, field or value at fault.
    """
    progress = progress or NullProgress()
    settings = settings or ConnectionSettings()
    settings.check()
    catalogue = catalogue or load_connection_catalogue()
    crs = sites.crs
    if crs is not None:
        check_working_crs(crs)
    if substations.crs is not None and crs is not None and not CRS.from_user_input(substations.crs).equals(
            CRS.from_user_input(crs)):
        substations = substations.to_crs(crs)
    site_in = prepare_sites(sites, catalogue, settings)
    sub_in = prepare_substations(substations, settings)
    if sub_in.dropped:
        types = settings.substation_types
        progress.warning(msg("substations_layer_mixed", dropped=", ".join(
            f"{n} {settings.substation_type_field}={k}" for k, n in sub_in.dropped),
            types=localised(en=" or ".join(types), de=" oder ".join(types))))
    progress.report(0.02, msg("step_road_network"))
    network = None
    if isinstance(roads, RoadNetwork):
        network = roads
    elif roads is not None:
        if crs is not None and roads.crs is not None and not CRS.from_user_input(roads.crs).equals(
                CRS.from_user_input(crs)):
            roads = roads.to_crs(crs)
        network = build_road_network(roads, settings.highway_field, dict(settings.road_factors) or None)
    check_cancelled(progress)
    levels = catalogue.levels
    if len(site_in.ids):
        router = ROUTERS[settings.router](RoutingInputs(site_in, sub_in, network, cost_surface,
                                                        settings.road_component_share))
        suitable = np.array([[lv.suits(s) for s in sub_in.levels_v] for lv in levels], dtype=bool).reshape(
            len(levels), len(sub_in.names))
        limit = np.array([lv.max_route_m for lv in levels])
        progress.report(0.1, msg("step_routes"))
        cand = router.candidates(site_in.level, suitable, limit, SubProgress(progress, 0.1, 0.6))
    else:  # no site (0 ha): no route to find, nor a road network needed
        router = None
        cand = Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    cost = _pair_costs(cand, site_in, levels)
    keep = _cheapest_per_site(cand.site, cost, settings.max_candidates)
    problem = AllocationProblem(site_in.capacity_mw, sub_in.free_mw, cand.site[keep], cand.substation[keep],
                                cost[keep], settings.mw_unit)
    progress.report(0.6, msg("step_allocation"))
    # every line a site uses is built: split only where that connects more MW or costs less built
    allocation = fixed_charge_allocation(ALLOCATORS[settings.allocation](problem), settings.allocation_time_limit_s)
    gap = allocation.built_gap_pct
    if not gap == 0.0 and allocation.pair_units.any():
        progress.warning(msg("allocation_not_proven_gap" if np.isfinite(gap) else "allocation_not_proven",
                             seconds=float(settings.allocation_time_limit_s), gap_pct=float(gap)))
    baseline = allocate_greedy(problem) if settings.baseline and settings.allocation != "greedy" else None
    check_cancelled(progress)
    used = np.flatnonzero(allocation.pair_units > 0)
    progress.report(0.7, msg("step_drawing_routes"))
    routes = router.routes([(int(problem.pair_site[k]), int(problem.pair_sub[k])) for k in used],
                           SubProgress(progress, 0.7, 0.95)) if router is not None else []
    frames = _frames(site_in, sub_in, catalogue, problem, allocation, used, routes, cand, crs)
    progress.report(1.0)
    return ConnectionResult(*frames, allocation, baseline, catalogue)


def _pair_costs(cand: Candidates, sites: SiteInputs, levels: Sequence[ConnectionLevel]) -> np.ndarray:
    line = np.array([lv.line_cost.value for lv in levels])
    bay = np.array([lv.bay_cost.value for lv in levels])
    lvl = sites.level[cand.site]
    return cand.weighted_m / 1000.0 * sites.terrain[cand.site] * line[lvl] + bay[lvl]


def _cheapest_per_site(site: np.ndarray, cost: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` cheapest pairs of every site."""
    if not len(site):
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((cost, site))
    s = site[order]
    start = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    rank = np.arange(len(s)) - np.repeat(start, np.diff(np.r_[start, len(s)]))
    return np.sort(order[rank < k])


def _frames(sites: SiteInputs, subs: SubstationInputs, catalogue: ConnectionCatalogue, problem: AllocationProblem,
            alloc: Allocation, used: np.ndarray, routes: list[Route], cand: Candidates, crs: Any
            ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    levels = catalogue.levels
    n = len(sites.ids)
    share, mw = alloc.pair_share, alloc.pair_mw
    n_conn = np.bincount(problem.pair_site[used], minlength=n)
    pi, pj = problem.pair_site[used], problem.pair_sub[used]
    level_id = [levels[k].id if k >= 0 else "" for k in sites.level]
    volt = [levels[k].connection_voltage_v / 1000.0 if k >= 0 else np.nan for k in sites.level]
    connections = gpd.GeoDataFrame({
        "site_id": sites.ids[pi] if len(used) else np.empty(0, dtype=object),
        "substation": np.asarray([subs.names[j] for j in pj], dtype=object),
        "substation_index": pj.astype(np.int64),
        "level": np.asarray([level_id[i] for i in pi], dtype=object),
        "voltage_kv": np.asarray([volt[i] for i in pi], dtype=float),
        "allocated_mw": mw[used],
        "share": share[used],
        "length_km": np.asarray([r.length_m / 1000.0 for r in routes], dtype=float),
        "access_km": np.asarray([r.access_m / 1000.0 for r in routes], dtype=float),
        "cost_eur": problem.pair_cost_eur[used],
        "allocated_cost_eur": share[used] * problem.pair_cost_eur[used],
        "split": n_conn[pi] > 1,
    }, geometry=gpd.GeoSeries([r.geometry for r in routes], crs=crs), crs=crs)
    connected = np.asarray(alloc.connected_mw_per_site, dtype=float)
    unconnected = np.asarray(alloc.unconnected_mw, dtype=float)
    cost_site = alloc.built_cost_per_site_eur  # every line a site uses is built, also the line of a small piece
    n_cand_all = np.bincount(cand.site, minlength=n)
    cheapest = np.full(n, np.nan)
    if len(problem.pair_site):
        tmp = np.full(n, np.inf)
        np.minimum.at(tmp, problem.pair_site, problem.pair_cost_eur)
        cheapest = np.where(np.isfinite(tmp), tmp, np.nan)
    main_sub = [""] * n
    main_len = np.full(n, np.nan)
    names_of: dict[int, list[str]] = {}
    best_share = np.zeros(n)
    for k, (i, j) in enumerate(zip(pi.tolist(), pj.tolist())):
        names_of.setdefault(i, []).append(subs.names[j])
        if share[used[k]] > best_share[i]:
            best_share[i] = share[used[k]]
            main_len[i] = routes[k].length_m / 1000.0
    for i, names in names_of.items():
        main_sub[i] = "; ".join(names)
    status = np.where(sites.level < 0, "above_all_levels",
                      np.where(n_cand_all == 0, "no_suitable_substation",
                               np.where(connected <= 1e-9, "no_free_capacity",
                                        np.where(unconnected > 1e-6, "partly_connected",
                                                 np.where(n_conn > 1, "split", "connected")))))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_kw = np.where(connected > 0, cost_site / (connected * 1000.0), np.nan)
    site_frame = gpd.GeoDataFrame({
        "site_id": np.asarray(sites.ids, dtype=object), "capacity_mw": np.asarray(sites.capacity_mw, dtype=float),
        "level": np.asarray(level_id, dtype=object), "voltage_kv": np.asarray(volt, dtype=float),
        "status": status.astype(object), "substation": np.asarray(main_sub, dtype=object), "length_km": main_len,
        "connected_mw": connected,
        "unconnected_mw": unconnected, "cost_eur": np.where(connected > 0, cost_site, np.nan),
        "cost_eur_per_kw": per_kw, "cheapest_option_eur": cheapest,
    }, geometry=gpd.GeoSeries(sites.geometry, crs=crs), crs=crs)
    load = alloc.load_mw
    m = len(subs.names)
    n_sites = np.bincount(pj, minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(subs.free_mw > 0, load / subs.free_mw * 100.0, np.nan)
    sub_frame = gpd.GeoDataFrame({
        "name": list(subs.names), "voltage": [";".join(str(v) for v in lv) for lv in subs.levels_v],
        "free_capacity_mw": subs.free_mw, "allocated_mw": load, "remaining_mw": np.round(subs.free_mw - load, 9),
        "n_sites": n_sites, "utilisation_pct": util, "marginal_cost_eur_per_mw": alloc.marginal_cost_eur_per_mw,
        "next_mw_displaces": alloc.displaces if len(alloc.displaces) else np.zeros(m, dtype=bool),
        "n_candidates": np.bincount(problem.pair_sub, minlength=m),
    }, geometry=subs.geometry, crs=crs)
    return connections, site_frame, sub_frame


@dataclass(frozen=True)
class ConnectionOutputs:
    """Where to write the results (None: not written).

    Attributes
    ----------
    connections : Path or None
        GeoPackage, layer ``connections`` (routes).
    sites : Path or None
        GeoPackage, layer ``connection_sites``.
    site_table : Path or None
        CSV of the site table.
    substations : Path or None
        GeoPackage, layer ``substation_load``.
    topology_report : Path or None
        GeoPackage, layer ``topology_report`` (needs power lines).
    """

    connections: Path | None = None
    sites: Path | None = None
    site_table: Path | None = None
    substations: Path | None = None
    topology_report: Path | None = None

    def paths(self) -> list[Path]:
        """Every file written (each once)."""
        return list(dict.fromkeys(Path(p) for p in (self.connections, self.sites, self.site_table,
                                                     self.substations, self.topology_report) if p))


def write_connection_outputs(result: ConnectionResult, outputs: ConnectionOutputs) -> ConnectionOutputs:
    """Write the outputs atomically (all or nothing); several layers may share one GeoPackage."""
    layers = [(outputs.connections, "connections", result.connections, "LineString"),
              (outputs.sites, "connection_sites", result.sites, "Point"),
              (outputs.substations, "substation_load", result.substations, "Point")]
    if outputs.topology_report is not None:
        report = (result.topology.report_frame() if result.topology is not None
                  else issues_frame((), result.connections.crs))
        layers.append((outputs.topology_report, "topology_report", report, "Point"))
    with OutputTransaction() as tx:
        temps: dict[Path, Path] = {}
        for path, layer, frame, geometry_type in layers:  # the type of a layer without features
            if path is None:
                continue
            path = Path(path)
            if path not in temps:
                temps[path] = tx.temp_for(path)
            write_vector(temps[path], frame, layer, geometry_type)
        if outputs.site_table is not None:
            table = pd.DataFrame(result.sites.drop(columns=result.sites.geometry.name))
            write_csv(tx.temp_for(Path(outputs.site_table)), list(table.columns),
                      table.itertuples(index=False, name=None))
    return outputs


def run_grid_connection(
    sites: LayerRef,
    substations: LayerRef,
    roads: LayerRef | None = None,
    catalogue: ConnectionCatalogue | str | Path | None = None,
    cost_raster: Path | str | None = None,
    power_lines: LayerRef | None = None,
    outputs: ConnectionOutputs = ConnectionOutputs(),
    settings: ConnectionSettings | None = None,
    progress: Progress | None = None,
) -> ConnectionResult:
    """Read the layers, plan the connections and write the outputs (all or nothing).

    Substations, roads and power lines are read within the sites' extent grown by the longest
    route of the catalogue, so that substations just outside the area are considered. With
    ``power_lines`` the grid topology is checked as well (``settings.topology``; its voltage
    and name fields default to the substation fields of ``settings``) and its report is
    written to ``outputs.topology_report``.

    Parameters
    ----------
    sites, substations : LayerRef
        Candidate sites (points or polygons) and substations.
    roads : LayerRef, optional
        Road lines (``roads`` router).
    catalogue : ConnectionCatalogue, str or Path, optional
        Levels and costs: the catalogue, a preset id or a YAML file; default ``grid_connection``.
    cost_raster : Path or str, optional
        Cost-factor GeoTIFF (``cost_raster`` router).
    power_lines : LayerRef, optional
        Power lines, for the topology check.
    outputs : ConnectionOutputs
        Where to write the results.
    settings : ConnectionSettings, optional
        Fields, methods, the working CRS and the topology settings; default
        :class:`~.settings.ConnectionSettings`.
    progress : Progress, optional
        Progress and cancellation.

    Raises
    ------
    InputError
        Missing files, layers or fields, naming the layer and the fix.
    """
    progress = progress or NullProgress()
    settings = settings or ConnectionSettings()
    working = check_working_crs(settings.crs)
    cat = catalogue if isinstance(catalogue, ConnectionCatalogue) else load_connection_catalogue(
        catalogue or DEFAULT_PRESET)
    settings.check()
    sinfo = layer_info(sites, "sites")
    cols = settings.site_columns()
    missing = [c for c in cols if c not in sinfo.fields]
    if missing:
        hint = (" Choose the capacity field, or give a capacity per site or an area per MW."
                if settings.capacity_source == "field" and settings.capacity_field in missing else "")
        raise InputError(f"Sites layer ({sites.describe()}) has no field {', '.join(map(repr, missing))}. "
                         f"Fields present: {', '.join(sinfo.fields) or 'none'}.{hint}")
    site_frame = group_sites(read_layer(sites, "sites", working, None, cols, invalid="repair", empty_ok=True),
                             settings)
    if site_frame.empty:  # a technology of 0 ha: nothing to route, every substation keeps its free capacity
        progress.info(msg("grid_no_sites", layer=sites.describe()))
        numbers = [c for c in cols if c != settings.site_id_field]  # an empty layer's fields come back untyped
        site_frame = site_frame.astype({c: float for c in numbers})
    reach = max(lv.max_route_m for lv in cat.levels) + 1000.0
    x0, y0, x1, y1 = site_frame.total_bounds
    bbox = None if site_frame.empty else (x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    subinfo = layer_info(substations, "substations")
    sub_cols = tuple(f for f in (settings.substation_voltage_field, settings.substation_free_field,
                                 settings.substation_name_field) if f in subinfo.fields)
    sub_frame = read_layer(substations, "substations", working, bbox, sub_cols, invalid="repair")
    road_frame = None
    if roads is not None and not site_frame.empty:
        rinfo = layer_info(roads, "roads")
        rcols = (settings.highway_field,) if settings.highway_field in rinfo.fields else ()
        road_frame = read_layer(roads, "roads", working, bbox, rcols, invalid="repair")
    if outputs.topology_report is not None and power_lines is None:
        raise InputError("The topology report needs the power-line layer; give it, or leave the report out.")
    grid = None
    if power_lines is not None:
        topo_settings = replace(settings.topology or TopologySettings(
            substation_voltage_field=settings.substation_voltage_field, name_field=settings.substation_name_field),
            crs=settings.crs, bbox=tuple(float(v) for v in bbox) if bbox is not None else None)
        topo_settings.check()
        line_frame, topo_subs = read_grid_layers(power_lines, substations, topo_settings)
        grid = build_topology(line_frame, topo_subs, topo_settings, SubProgress(progress, 0.0, 0.1))
    surface = read_cost_surface(cost_raster) if cost_raster is not None else None
    result = plan_connections(site_frame, sub_frame, cat, settings, road_frame, surface,
                              SubProgress(progress, 0.1 if grid is not None else 0.0, 1.0))
    if grid is not None:
        result = replace(result, topology=grid)
    check_cancelled(progress)
    write_connection_outputs(result, outputs)
    return result
