"""Grid connection: catalogue, routes against an independent shortest path, flow against greedy, marginal costs."""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from conftest import CRS, X0, Y0, LogRecorder
from scipy.sparse.csgraph import dijkstra

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError, SpecError
from wip_qgis_plugin.core.grid.allocation import (
    ALLOCATORS,
    AllocationProblem,
    allocate_greedy,
    allocate_min_cost_flow,
    consolidate_splits,
    fixed_charge_allocation,
)
from wip_qgis_plugin.core.grid.catalogue import build_connection_catalogue, load_connection_catalogue
from wip_qgis_plugin.core.grid.connection import ConnectionOutputs, plan_connections, run_grid_connection
from wip_qgis_plugin.core.grid.routing import CostSurface, RasterRouter, RoadRouter, RoutingInputs, build_road_network
from wip_qgis_plugin.core.grid.settings import ConnectionSettings
from wip_qgis_plugin.core.grid.sites import group_sites, prepare_sites, prepare_substations
from wip_qgis_plugin.core.progress import NullProgress
from wip_qgis_plugin.core.spec import PRESET_DIR
from wip_qgis_plugin.core.units import parse_quantity

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_layers" / "revier_sample.gpkg"


# ------------------------------------------------------------------ catalogue
def test_quantities_need_units():
    assert parse_quantity("70 kEUR/km", "EUR/km") == 70_000
    assert parse_quantity("0.52 MEUR/km", "EUR/km") == pytest.approx(520_000)
    assert parse_quantity("9,2 MEUR", "EUR") == pytest.approx(9_200_000)
    assert parse_quantity("110 kV", "V") == 110_000 and parse_quantity("500 kW", "MW") == 0.5
    with pytest.raises(ValueError, match="no unit"):
        parse_quantity(20, "MW")
    with pytest.raises(ValueError, match="kW, MW"):
        parse_quantity("20 kV", "MW")


def test_preset_levels_costs_and_sources():
    cat = load_connection_catalogue()
    assert [lv.id for lv in cat.levels] == ["mv_20kv", "hv_110kv", "ehv_transmission"]
    assert cat.level_for(20.0).id == "mv_20kv" and cat.level_for(20.01).id == "hv_110kv"
    assert cat.level_for(120.0).id == "hv_110kv" and cat.level_for(500.0).id == "ehv_transmission"
    mv, hv, ehv = cat.levels
    assert (mv.line_cost.low, mv.line_cost.value, mv.line_cost.high) == (50_000, 70_000, 90_000)
    assert hv.line_cost.value == pytest.approx(520_000) and not hv.line_cost.assumption
    assert "0.52" in cat.source_text(hv.line_cost.source) and "dena" in cat.source_text(hv.line_cost.source)
    assert ehv.bay_cost.value == pytest.approx(9.2e6) and "NEP" in cat.source_text(ehv.bay_cost.source)
    assert mv.suits((110000, 20000)) and not mv.suits((380000, 110000)) and ehv.suits((380000, 110000))
    assumed = {(lv, name) for lv, name, _ in cat.assumption_rows()}
    assert {("mv_20kv", "bay_cost"), ("hv_110kv", "bay_cost"), ("mv_20kv", "max_capacity")} <= assumed
    assert ("hv_110kv", "line_cost") not in assumed
    assert mv.cost_eur(2.0) == pytest.approx(2 * 70_000 + 100_000)


def test_catalogue_validation_reports_every_problem_at_once():
    raw = yaml.safe_load((PRESET_DIR / "grid_connection.yml").read_text(encoding="utf-8"))
    raw["levels"][0]["line_cost"]["value"] = "70 kEUR"            # wrong unit
    raw["levels"][1]["bay_cost"]["source"] = "dena_vns_203"       # typo
    raw["levels"][2]["colour"] = "red"                            # unknown key
    raw["levels"][1]["max_capacity"]["value"] = "10 MW"           # limits no longer rising
    with pytest.raises(SpecError) as err:
        build_connection_catalogue(raw, "test.yml")
    text = str(err.value)
    assert len(err.value.problems) == 4, text
    assert "levels[0] (mv_20kv).line_cost.value" in text and "EUR/km" in text
    assert "did you mean 'dena_vns_2030'" in text and "levels[2] (ehv_transmission).colour" in text
    assert "rising max_capacity" in text


# ------------------------------------------------------------------ a synthetic road region
def lattice_roads(seed: int, n: int = 7, step: float = 500.0) -> gpd.GeoDataFrame:
    """A jittered lattice of roads, some links missing, plus an isolated farm track."""
    rng = np.random.default_rng(seed)
    nodes = {(i, k): np.array([X0 + i * step, Y0 + k * step]) + rng.uniform(-60, 60, 2)
             for i in range(n) for k in range(n)}
    geoms, cls = [], []
    for (i, k), p in nodes.items():
        for di, dk in ((1, 0), (0, 1)):
            q = nodes.get((i + di, k + dk))
            if q is None or rng.random() < 0.15:
                continue
            mid = (p + q) / 2 + rng.normal(0, 25, 2)
            geoms.append(shapely.LineString([p, mid, q]))
            cls.append("tertiary" if rng.random() < 0.3 else "unclassified")
    geoms.append(shapely.LineString([(X0 - 900, Y0 - 900), (X0 - 600, Y0 - 880)]))   # leads nowhere
    cls.append("track")
    return gpd.GeoDataFrame({"highway": cls}, geometry=geoms, crs=CRS)


def points(xy, crs=CRS, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(dict(cols), geometry=shapely.points(np.asarray(xy)), crs=crs)


def scattered(rng, n, extent=3000.0):
    return np.column_stack([X0 + rng.uniform(-200, extent + 200, n), Y0 + rng.uniform(-200, extent + 200, n)])


def independent_distance(graph, net, pi, pj, posi, posj) -> float:
    """Shortest road distance between two access points: networkx on the plain road graph plus the
    partial pieces at both ends (the router runs scipy on a graph split at the access points)."""
    fi, fj = net.factor[pi], net.factor[pj]
    ends_i = ((int(net.u[pi]), posi * fi), (int(net.v[pi]), (net.length_m[pi] - posi) * fi))
    ends_j = ((int(net.u[pj]), posj * fj), (int(net.v[pj]), (net.length_m[pj] - posj) * fj))
    best = math.inf
    for node_j, dj in ends_j:
        dist = nx.single_source_dijkstra_path_length(graph, node_j, weight="weight")
        for node_i, di in ends_i:
            best = min(best, di + dist.get(node_i, math.inf) + dj)
    if pi == pj:
        best = min(best, abs(posi - posj) * fi)
    return float(best)


@pytest.mark.parametrize("seed", [11, 12])
def test_road_routes_equal_an_independent_shortest_path(seed):
    rng = np.random.default_rng(seed)
    roads = lattice_roads(seed)
    net = build_road_network(roads, factors={"tertiary": 1.0, "unclassified": 1.3})
    site_xy, sub_xy = scattered(rng, 12), scattered(rng, 4)
    site_xy[0] = (X0 - 700, Y0 - 800)                # beside the isolated track: must still reach the grid
    sites = points(site_xy, capacity_mw=np.full(12, 5.0))
    subs = points(sub_xy, voltage=["110000;20000"] * 4, free_capacity_mw=[30.0] * 4)
    cat = load_connection_catalogue()
    s_in = prepare_sites(sites, cat, ConnectionSettings())
    b_in = prepare_substations(subs, ConnectionSettings())
    router = RoadRouter(RoutingInputs(s_in, b_in, net))
    suitable = np.ones((len(cat.levels), 4), dtype=bool)
    cand = router.candidates(s_in.level, suitable, np.full(len(cat.levels), 1e9), NullProgress())
    sa, ba = router.site_access, router.sub_access
    track = int(np.flatnonzero(shapely.intersects(net.pieces, roads.geometry.iat[-1]))[0])
    assert track not in set(sa.piece.tolist()) | set(ba.piece.tolist())   # nothing attaches to the track
    found = {(int(i), int(j)): w for i, j, w in zip(cand.site, cand.substation, cand.weighted_m)}
    assert net.usable[sa.piece[0]]                                            # the site beside it uses a real road
    plain = net.to_graph()
    assert plain.number_of_edges() == int(net.usable.sum())
    for i in range(12):
        for j in range(4):
            expected = sa.length_m[i] + ba.length_m[j] + independent_distance(
                plain, net, sa.piece[i], ba.piece[j], sa.position_m[i], ba.position_m[j])
            if np.isfinite(expected):
                assert found[(i, j)] == pytest.approx(expected, rel=1e-9, abs=1e-6)
            else:
                assert (i, j) not in found
    assert len(found) >= 12 * 4 * 0.5
    # the router's own networkx graph agrees with its scipy searches
    g = router.graph
    for (i, j), w in list(found.items())[:8]:
        d = nx.shortest_path_length(g, router.site_node(i), router.substation_node(j), weight="weight")
        assert w == pytest.approx(d + sa.length_m[i] + ba.length_m[j], rel=1e-9)
    # drawn routes start at the site, end at the substation, and are as long as the unweighted distance
    pairs = [(int(i), int(j)) for i, j in zip(cand.site[:10], cand.substation[:10])]
    for (i, j), route in zip(pairs, router.routes(pairs, NullProgress())):
        c = shapely.get_coordinates(route.geometry)
        assert np.allclose(c[0], shapely.get_coordinates(sa.segment[i])[0])
        assert np.allclose(c[-1], sub_xy[j])
        assert route.length_m <= cand.weighted_m[(cand.site == i) & (cand.substation == j)][0] + 1e-6


@pytest.mark.parametrize("sub_x, expected_m", [(5000.0, 4000.0 + 50.0), (-4000.0, 4000.0 + 50.0)])
def test_a_polygon_site_is_entered_at_its_best_edge_crossing(sub_x, expected_m):
    """A 1 km square park crossed by a straight road (Solarpark Brehna: 2.588 km where 2.351 km existed): the route
    starts where the road leaves the park towards the substation, on either side, and never runs through the
    park. Hand figures: 4 km of road from the park's edge to the substation's access point, plus its 50 m."""
    park = shapely.box(X0, Y0 - 500, X0 + 1000, Y0 + 500)
    sites = gpd.GeoDataFrame({"capacity_mw": [10.0]}, geometry=[park], crs=CRS)
    sub_xy = (X0 + sub_x, Y0 + 50)
    subs = points([sub_xy], voltage=["110000;20000"], free_capacity_mw=[100.0])
    roads = gpd.GeoDataFrame({"highway": ["secondary"]},
                             geometry=[shapely.LineString([(X0 - 6000, Y0), (X0 + 7000, Y0)])], crs=CRS)
    res = plan_connections(sites, subs, settings=ConnectionSettings(baseline=False), roads=roads)
    row = res.connections.iloc[0]
    assert row.geometry.length == pytest.approx(expected_m, abs=0.01)
    assert row.length_km * 1000 == pytest.approx(expected_m, abs=0.01)
    assert row.access_km * 1000 == pytest.approx(50.0, abs=0.01)
    assert row.geometry.intersection(park).length == pytest.approx(0.0, abs=1e-6)
    level = load_connection_catalogue().level(row.level)
    assert row.cost_eur == pytest.approx(level.cost_eur(expected_m / 1000.0), rel=1e-6)


def test_no_route_passes_through_a_polygon_site_for_free():
    """A point site west of a 1 km park whose road bends 1,345 m through it: its route follows the bend. (Joined
    to the park's entries both ways, the park once let other routes jump its width for nothing.)"""
    park = shapely.box(X0, Y0 - 500, X0 + 1000, Y0 + 500)
    road = shapely.LineString([(X0 - 4000, Y0), (X0, Y0), (X0 + 500, Y0 + 450), (X0 + 1000, Y0), (X0 + 6000, Y0)])
    sites = gpd.GeoDataFrame({"capacity_mw": [10.0, 10.0]}, geometry=[park, shapely.Point(X0 - 3000, Y0 + 20)],
                             crs=CRS)
    subs = points([(X0 + 5000, Y0 + 50)], voltage=["110000;20000"], free_capacity_mw=[100.0])
    res = plan_connections(sites, subs, settings=ConnectionSettings(baseline=False),
                           roads=gpd.GeoDataFrame({"highway": ["secondary"]}, geometry=[road], crs=CRS))
    lines = res.connections.set_index("site_id").sort_index()
    bend = 2 * math.hypot(500.0, 450.0)
    assert lines.loc["1", "length_km"] * 1000 == pytest.approx(20.0 + 3000.0 + bend + 4000.0 + 50.0, abs=0.01)
    assert lines.loc["1"].geometry.length == pytest.approx(lines.loc["1", "length_km"] * 1000, abs=0.01)
    assert lines.loc["0", "length_km"] * 1000 == pytest.approx(4000.0 + 50.0, abs=0.01)   # the park: east edge


def test_unweighted_route_length_equals_the_drawn_line():
    rng = np.random.default_rng(5)
    roads = lattice_roads(5)
    sites = points(scattered(rng, 6), capacity_mw=[4.0] * 6)
    subs = points(scattered(rng, 2), voltage=["110000;20000"] * 2, free_capacity_mw=[100.0] * 2)
    res = plan_connections(sites, subs, settings=ConnectionSettings(baseline=False), roads=roads)
    assert (res.sites["status"] == "connected").all()
    for row in res.connections.itertuples():
        cost = load_connection_catalogue().level("mv_20kv").cost_eur(row.length_km)
        assert row.cost_eur == pytest.approx(cost, rel=1e-9)
        assert row.geometry.length / 1000 == pytest.approx(row.length_km)


# ------------------------------------------------------------------ allocation
def random_problem(rng, n_sites=None, n_subs=None, caps=(0.0, 3.0, 10.0, 25.0, 60.0)) -> AllocationProblem:
    n = int(n_sites or rng.integers(3, 25))
    m = int(n_subs or rng.integers(2, 7))
    supply = rng.choice([0.8, 2.0, 4.5, 9.0, 15.0, 30.0], n)
    cap = rng.choice(caps, m)
    pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.6]
    ps = np.array([p[0] for p in pairs], dtype=np.int64)
    pb = np.array([p[1] for p in pairs], dtype=np.int64)
    cost = rng.uniform(1e5, 3e6, len(pairs))
    return AllocationProblem(supply, cap, ps, pb, cost, 0.1)


@pytest.mark.parametrize("seed", range(12))
def test_flow_respects_capacities_and_beats_greedy(seed):
    rng = np.random.default_rng(seed)
    for _ in range(4):
        p = random_problem(rng)
        flow, greedy = allocate_min_cost_flow(p), allocate_greedy(p)
        for a in (flow, greedy):
            assert (a.load_units <= p.capacity_units).all()
            assert (a.load_mw <= p.capacity_mw + 1e-9).all()
            per_site = np.bincount(p.pair_site, weights=a.pair_units, minlength=len(p.supply_mw))
            assert (per_site <= p.supply_units).all() and (a.pair_units >= 0).all()
        assert flow.objective <= greedy.objective
        assert flow.connected_mw_per_site.sum() >= greedy.connected_mw_per_site.sum() - 1e-9
        # greedy never splits a site
        assert set(np.unique(greedy.pair_share)) <= {0.0, 1.0}


def test_literal_case_flow_swaps_what_greedy_gets_wrong():
    # site A (10 MW): S1 1.0 M€, S2 1.1 M€; site B (10 MW): S1 1.0 M€, S2 3.0 M€; S1 holds 10 MW, S2 20 MW
    p = AllocationProblem(np.array([10.0, 10.0]), np.array([10.0, 20.0]), np.array([0, 0, 1, 1]),
                          np.array([0, 1, 0, 1]), np.array([1.0e6, 1.1e6, 1.0e6, 3.0e6]))
    greedy, flow = allocate_greedy(p), allocate_min_cost_flow(p)
    assert greedy.connection_cost_eur == pytest.approx(4.0e6)          # A→S1, B→S2
    assert flow.connection_cost_eur == pytest.approx(2.1e6)            # A→S2, B→S1
    assert flow.pair_units.tolist() == [0, 100, 100, 0]
    # taking 1 MW from S1 moves 1 MW of B to S2: (3.0 − 1.0) M€ / 10 MW = 200 k€ per MW; S2 has room
    assert flow.marginal_cost_eur_per_mw.tolist() == pytest.approx([200_000.0, 0.0])
    assert flow.displaces.tolist() == [False, False]


@pytest.mark.parametrize("seed", range(8))
def test_marginal_cost_equals_resolving_with_one_unit_less(seed):
    rng = np.random.default_rng(100 + seed)
    caps = (0.0, 3.0, 10.0, 25.0, 60.0) if seed % 2 else (20.0, 30.0, 45.0)   # scarce / ample capacity
    p = random_problem(rng, n_sites=10, n_subs=4, caps=caps)
    base = allocate_min_cost_flow(p)
    for j in range(len(p.capacity_mw)):
        if p.capacity_units[j] == 0:
            continue
        cap = p.capacity_mw.copy()
        cap[j] = (p.capacity_units[j] - 1) * p.mw_unit
        smaller = AllocationProblem(p.supply_mw, cap, p.pair_site, p.pair_sub, p.pair_cost_eur, p.mw_unit)
        # same integer costs and penalty (they depend on supply and pairs only)
        assert smaller.penalty == p.penalty
        delta = allocate_min_cost_flow(smaller).objective - base.objective
        if base.displaces[j]:
            assert delta > p.displacement_threshold
        else:
            assert delta == base.marginal_units[j]


def test_allocators_registry():
    assert set(ALLOCATORS) == {"min_cost_flow", "greedy"}
    with pytest.raises(InputError, match="did you mean 'greedy'"):
        ConnectionSettings(allocation="gready").check()


# ------------------------------------------------------------------ end to end
def small_region(tmp_path: Path):
    rng = np.random.default_rng(21)
    roads = lattice_roads(21)
    site_xy = scattered(rng, 9)
    cap = [3.0, 8.0, 12.0, 18.0, 25.0, 60.0, 140.0, 4.0, 6.0]
    polys = [shapely.Point(x, y).buffer(120) if k % 2 else shapely.Point(x, y) for k, (x, y) in enumerate(site_xy)]
    sites = gpd.GeoDataFrame({"name": [f"S{k}" for k in range(9)], "capacity_mw": cap},
                             geometry=polys, crs=CRS).explode(index_parts=False)
    subs = points([(X0 + 500, Y0 + 500), (X0 + 2500, Y0 + 2600), (X0 + 1500, Y0 + 1400), (X0 + 90_000, Y0)],
                  voltage=["110000;20000", "110000;20000", "380000;110000", "110000;20000"],
                  free_capacity_mw=[20.0, 15.0, 200.0, 50.0], name=["UW A", "UW B", "UW C", "UW Fern"])
    gpkg = tmp_path / "region.gpkg"
    for layer, frame in (("sites", sites), ("substations", subs), ("roads", roads)):
        frame.to_file(gpkg, layer=layer, driver="GPKG", engine="pyogrio")
    return gpkg


def test_run_grid_connection_end_to_end(tmp_path):
    gpkg = small_region(tmp_path)
    out = tmp_path / "out" / "grid.gpkg"
    outputs = ConnectionOutputs(connections=out, sites=out, substations=out, site_table=tmp_path / "out" / "sites.csv")
    res = run_grid_connection(LayerRef(str(gpkg), "sites"), LayerRef(str(gpkg), "substations"),
                              LayerRef(str(gpkg), "roads"), settings=ConnectionSettings(site_id_field="name"),
                              outputs=outputs)
    s = res.sites.set_index("site_id")
    assert s.loc["S0", "level"] == "mv_20kv" and s.loc["S4", "level"] == "hv_110kv"
    assert s.loc["S6", "level"] == "ehv_transmission" and s.loc["S6", "substation"] == "UW C"
    assert (res.substations["allocated_mw"] <= res.substations["free_capacity_mw"] + 1e-9).all()
    assert "UW Fern" not in set(res.substations["name"])   # 90 km away: beyond every route limit, not read
    connected = s[s["connected_mw"] > 0]
    assert (connected["cost_eur_per_kw"] > 0).all()
    assert np.allclose(connected["cost_eur_per_kw"], connected["cost_eur"] / (connected["connected_mw"] * 1000))
    assert set(s["status"]) <= {"connected", "split", "partly_connected", "no_free_capacity"}
    summary = res.summary()
    assert summary["baseline"]["cost_eur"] >= 0 and summary["connected_mw"] >= summary["baseline"]["connected_mw"]
    import pyogrio
    assert sorted(n for n, _ in pyogrio.list_layers(out)) == ["connection_sites", "connections", "substation_load"]
    with open(tmp_path / "out" / "sites.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9 and "cost_eur_per_kw" in rows[0]
    assert not list((tmp_path / "out").glob(".*part*"))


def test_unreachable_and_oversized_sites_get_a_status(tmp_path):
    cat = load_connection_catalogue()
    raw = yaml.safe_load((PRESET_DIR / "grid_connection.yml").read_text(encoding="utf-8"))
    raw["levels"][2]["max_capacity"] = {"value": "300 MW", "source": "max_route"}
    capped = build_connection_catalogue(raw)
    roads = lattice_roads(3)
    sites = points([(X0 + 550, Y0 + 550), (X0 + 200, Y0 + 150), (X0 + 300, Y0 + 300), (X0 + 2500, Y0 + 2500)],
                   capacity_mw=[5.0, 400.0, 150.0, 6.0])
    subs = points([(X0 + 600, Y0 + 600)], voltage=["110000;20000"], free_capacity_mw=[2.0])
    res = plan_connections(sites, subs, capped, roads=roads)
    assert res.sites["status"].tolist() == ["partly_connected", "above_all_levels", "no_suitable_substation",
                                            "no_free_capacity"]
    assert res.substations["allocated_mw"].iat[0] == pytest.approx(2.0)
    lonely = plan_connections(sites.iloc[[0]], points([(X0 + 600, Y0 + 600)], voltage=["380000;220000"],
                                                      free_capacity_mw=[100.0]), cat, roads=roads)
    assert lonely.sites["status"].tolist() == ["no_suitable_substation"]


def test_inputs_are_checked_with_clear_messages():
    roads = lattice_roads(1)
    sites = points([(X0, Y0)], capacity_mw=[5.0])
    subs = points([(X0 + 500, Y0)], voltage=["110000;20000"], free_capacity_mw=[np.nan])
    with pytest.raises(InputError, match="no capacity field 'leistung'"):
        plan_connections(sites, subs, settings=ConnectionSettings(capacity_field="leistung"), roads=roads)
    with pytest.raises(InputError, match="unknown_free_capacity_mw"):
        plan_connections(sites, subs, roads=roads)
    res = plan_connections(sites, subs, settings=ConnectionSettings(unknown_free_capacity_mw=10.0), roads=roads)
    assert res.sites["status"].iat[0] == "connected"
    with pytest.raises(InputError, match="positive capacity"):
        plan_connections(sites.assign(capacity_mw=[0.0]), subs, roads=roads)
    with pytest.raises(InputError, match="needs a road layer"):
        plan_connections(sites, subs.assign(free_capacity_mw=[5.0]))


# ------------------------------------------------------------------ cost raster
def test_raster_router_least_cost_paths():
    f = np.ones((40, 60))
    surface = CostSurface(f, X0, Y0 + 400.0, 10.0)
    csr = surface.graph()
    a, b, diag = surface.cell_of(np.array([[X0 + 5, Y0 + 395], [X0 + 305, Y0 + 395], [X0 + 305, Y0 + 95]]))
    d = dijkstra(csr, indices=[a])[0]
    assert d[b] == pytest.approx(300.0)                              # straight along a row
    assert d[diag] == pytest.approx(300 * math.sqrt(2))              # 30 diagonal steps
    walled = f.copy()
    walled[:35, 20] = np.nan                                           # a wall with a gap at the bottom
    s2 = CostSurface(walled, X0, Y0 + 400.0, 10.0)
    sites = points([(X0 + 5, Y0 + 395)], capacity_mw=[5.0])
    subs = points([(X0 + 305, Y0 + 395)], voltage=["20000"], free_capacity_mw=[10.0])
    cat = load_connection_catalogue()
    settings = ConnectionSettings(router="cost_raster")
    res = plan_connections(sites, subs, cat, settings, cost_surface=s2)
    assert res.connections["length_km"].iat[0] * 1000 > 800            # detour through the gap (≈ 824 m)
    router = RasterRouter(RoutingInputs(prepare_sites(sites, cat, settings), prepare_substations(subs, settings),
                                        cost_surface=surface))
    cand = router.candidates(np.array([0]), np.ones((3, 1), dtype=bool), np.full(3, 1e6), NullProgress())
    assert cand.weighted_m.tolist() == pytest.approx([300.0])


# ------------------------------------------------------------------ sample region
@pytest.mark.skipif(not SAMPLE.exists(), reason="sample region not generated")
def test_sample_pv_parks_connect_along_roads():
    pv = gpd.read_file(SAMPLE, layer="pv_parks")
    pv["capacity_mw"] = [float(re.findall(r"[\d.]+", v)[0]) for v in pv["plant:output:electricity"]]
    subs = gpd.read_file(SAMPLE, layer="substations")
    roads = gpd.read_file(SAMPLE, layer="roads")
    res = plan_connections(pv, subs, roads=roads)
    assert len(res.sites) == 4 and (res.sites["level"] != "").all()
    assert (res.substations["allocated_mw"] <= res.substations["free_capacity_mw"] + 1e-9).all()
    done = res.connections
    assert len(done) >= 1
    by_name = subs.set_index("name").geometry
    for row in done.itertuples():
        end = shapely.Point(shapely.get_coordinates(row.geometry)[-1])
        assert end.distance(by_name[row.substation]) < 1e-6
    assert pd.api.types.is_float_dtype(res.sites["cost_eur_per_kw"])


def test_sites_sharing_an_id_are_one_site():
    """Turbines of one wind farm (same site_id) are connected as one site: capacities summed."""
    frame = gpd.GeoDataFrame({"site_id": ["A", "B", "A", "A"], "capacity_mw": [4.2, 6.0, 4.2, 4.2],
                              "terrain": [1.0, 1.5, 2.0, 3.0]},
                             geometry=shapely.points([(0, 0), (5000, 0), (500, 0), (1000, 0)]), crs="EPSG:25832")
    settings = ConnectionSettings(site_id_field="site_id", terrain_factor_field="terrain")
    grouped = group_sites(frame, settings)
    assert list(grouped["site_id"]) == ["A", "B"]
    assert list(grouped["capacity_mw"]) == pytest.approx([12.6, 6.0])
    assert grouped["capacity_mw"].sum() == pytest.approx(frame["capacity_mw"].sum())  # capacity conserved
    assert list(grouped["terrain"]) == pytest.approx([2.0, 1.5])
    assert shapely.get_num_geometries(grouped.geometry.values[0]) == 3
    unique = frame.assign(site_id=["A", "B", "C", "D"])
    assert group_sites(unique, settings) is unique
    assert group_sites(frame, ConnectionSettings(site_id_field="site_id", area_ha_per_mw=2.0)) is frame
    assert group_sites(frame, ConnectionSettings()) is frame


@pytest.mark.parametrize("single_line_eur, expected_subs", [(8.0e6, [2]), (12.0e6, [0, 1])])
def test_a_split_site_is_priced_built_and_split_only_where_it_pays(single_line_eur, expected_subs):
    """An 80 MW site; S1 and S2 have 60 MW free each at 5 M€ a line, S3 has room for all at ``single_line_eur``.
    The flow splits over S1 and S2 (priced by share: 5 M€); built, the split needs both lines (10 M€): a single
    line at 8 M€ replaces it, one at 12 M€ does not."""
    problem = AllocationProblem(np.array([80.0]), np.array([60.0, 60.0, 100.0]), np.array([0, 0, 0]),
                                np.array([0, 1, 2]), np.array([5.0e6, 5.0e6, single_line_eur]), 0.1)
    flow = allocate_min_cost_flow(problem)
    assert sorted(np.flatnonzero(flow.pair_units > 0)) == [0, 1] and flow.connection_cost_eur == pytest.approx(5.0e6)
    assert flow.built_cost_eur == pytest.approx(10.0e6)
    done = consolidate_splits(flow)
    assert sorted(np.flatnonzero(done.pair_units > 0).tolist()) == expected_subs
    assert done.connected_mw_per_site[0] == pytest.approx(80.0)
    assert done.built_cost_eur == pytest.approx(min(10.0e6, single_line_eur))


def brute_force_built_cost(p: AllocationProblem) -> tuple[int, float]:
    """Oracle: every subset of lines built; the most units they can carry (networkx max flow), and the least
    built cost among the subsets that carry that most."""
    import itertools

    n, m = len(p.supply_mw), len(p.capacity_mw)
    best_units, best_cost = -1, math.inf
    for chosen in itertools.product((0, 1), repeat=len(p.pair_site)):
        g = nx.DiGraph()
        for i in range(n):
            g.add_edge("s", ("i", i), capacity=int(p.supply_units[i]))
        for j in range(m):
            g.add_edge(("j", j), "t", capacity=int(p.capacity_units[j]))
        for k, on in enumerate(chosen):
            if on:
                g.add_edge(("i", int(p.pair_site[k])), ("j", int(p.pair_sub[k])), capacity=int(p.supply_units[
                    p.pair_site[k]]))
        units = nx.maximum_flow_value(g, "s", "t") if g.number_of_edges() else 0
        cost = float(np.dot(chosen, p.pair_cost_eur))
        if units > best_units or (units == best_units and cost < best_cost):
            best_units, best_cost = units, cost
    return best_units, best_cost


def test_fixed_charge_moves_two_sites_where_consolidation_cannot():
    """Site A 80 MW: S1 and S2 (60 MW free each) at 5 M€ a line, S3 (90 MW free) at 6 M€; site B 20 MW: S3 at
    1 M€, S1 at 1.5 M€. The flow splits A over S1/S2 and puts B on S3 (built 11 M€); A alone cannot move to S3
    (B holds 20 of its 90 MW), so the one-site consolidation keeps the split; moving B to S1 and A to S3 costs
    7.5 M€ built and connects the same 100 MW."""
    p = AllocationProblem(np.array([80.0, 20.0]), np.array([60.0, 60.0, 90.0]), np.array([0, 0, 0, 1, 1]),
                          np.array([0, 1, 2, 2, 0]), np.array([5.0e6, 5.0e6, 6.0e6, 1.0e6, 1.5e6]), 0.1)
    flow = allocate_min_cost_flow(p)
    assert flow.built_cost_eur == pytest.approx(11.0e6)
    assert consolidate_splits(flow).built_cost_eur == pytest.approx(11.0e6)
    exact = fixed_charge_allocation(flow)
    assert exact.built_cost_eur == pytest.approx(7.5e6)
    assert exact.pair_units.tolist() == [0, 0, 800, 0, 200]
    assert exact.built_gap_pct == 0.0 and exact.built_bound_eur == pytest.approx(7.5e6)
    assert exact.connected_mw_per_site.sum() == pytest.approx(100.0)
    assert (exact.load_units <= p.capacity_units).all()
    assert brute_force_built_cost(p) == (1000, pytest.approx(7.5e6))


@pytest.mark.parametrize("seed", range(10))
def test_fixed_charge_equals_brute_force(seed):
    """Small random problems (≤ 12 lines, scarce capacity so that sites split): the exact step connects as many
    units as any choice of lines can and builds them at the least cost the enumeration of all 2^k choices finds."""
    rng = np.random.default_rng(900 + seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    supply = rng.choice([0.8, 4.5, 9.0, 15.0, 30.0], n)
    cap = rng.choice([3.0, 10.0, 25.0, 40.0], m)
    pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.8][:12]
    p = AllocationProblem(supply, cap, np.array([a for a, _ in pairs], dtype=np.int64),
                          np.array([b for _, b in pairs], dtype=np.int64), rng.uniform(1e5, 3e6, len(pairs)), 0.1)
    flow = allocate_min_cost_flow(p)
    exact = fixed_charge_allocation(flow)
    units, cost = brute_force_built_cost(p)
    assert int(exact.pair_units.sum()) == units == int(flow.pair_units.sum())
    assert exact.built_cost_eur == pytest.approx(cost, rel=1e-9)
    assert exact.built_cost_eur <= consolidate_splits(flow).built_cost_eur + 1e-6
    assert (exact.load_units <= p.capacity_units).all()
    per_site = np.bincount(p.pair_site, weights=exact.pair_units, minlength=n)
    assert (per_site <= p.supply_units).all()


def test_a_flow_without_pieces_is_optimal_as_it_stands():
    """Every used line carries its whole site: the flow's cost is the lower bound, nothing to solve."""
    p = AllocationProblem(np.array([10.0, 10.0]), np.array([10.0, 20.0]), np.array([0, 0, 1, 1]),
                          np.array([0, 1, 0, 1]), np.array([1.0e6, 1.1e6, 1.0e6, 3.0e6]))
    flow = allocate_min_cost_flow(p)
    exact = fixed_charge_allocation(flow)
    assert exact.pair_units.tolist() == flow.pair_units.tolist()
    assert exact.built_gap_pct == 0.0
    assert exact.marginal_cost_eur_per_mw.tolist() == pytest.approx(flow.marginal_cost_eur_per_mw.tolist())


def test_joints_in_the_substations_layer_are_left_out_with_a_warning():
    """An OSM grid's vertices layer: two substations (one spelt sub_station) and three line joints; the joints never
    become substations (46 did on real data) and the warning counts them."""
    import geopandas as gpd
    import shapely

    subs = gpd.GeoDataFrame({"power": ["substation", "sub_station", "joint", "joint", "joint"],
                             "voltage": ["110000"] * 5, "free_capacity_mw": [50.0] * 5, "name": list("ABCDE")},
                            geometry=[shapely.Point(700_000 + 3000 * k, 5_700_000) for k in range(5)],
                            crs="EPSG:25832")
    sites = gpd.GeoDataFrame({"capacity_mw": [20.0]}, geometry=[shapely.Point(700_100, 5_700_100)], crs="EPSG:25832")
    roads = gpd.GeoDataFrame({"highway": ["secondary"]}, geometry=[shapely.LineString([(699_000, 5_700_050),
                                                                                       (714_000, 5_700_050)])],
                             crs="EPSG:25832")
    log = LogRecorder()
    res = plan_connections(sites, subs, roads=roads, progress=log)
    assert list(res.substations["name"]) == ["A", "B"]
    assert any("3 power=joint" in w for w in log.warnings)
