"""Grid topology: voltages, snapping, T-junctions, idempotent cleaning, voltage levels, sample and real grids."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from conftest import CRS, X0, Y0

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.grid.cleaning import clean_lines
from wip_qgis_plugin.core.grid.issues import ISSUE_KINDS
from wip_qgis_plugin.core.grid.settings import TopologySettings
from wip_qgis_plugin.core.grid.topology import (
    TopologyOutputs,
    build_topology,
    check_grid_topology,
    layer_names,
    write_layers_atomic,
    write_topology_outputs,
)
from wip_qgis_plugin.core.grid.voltages import explode_lines, parse_voltages

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_layers" / "revier_sample.gpkg"
REAL = ROOT.parent / "shared" / "realdata"
SCIGRID = REAL / "scigrid_de_grid" / "scigrid_de_mitteldeutschland.gpkg"
OSMGRID = REAL / "osm_powergrid_2016_complexnet" / "osm_hv_grid_mitteldeutschland.gpkg"


def lines(geoms, voltages, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"voltage": voltages, **cols}, geometry=list(geoms), crs=CRS)


def line(*xy) -> shapely.LineString:
    return shapely.LineString([(X0 + x, Y0 + y) for x, y in xy])


def subs(points, voltages, names) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"voltage": voltages, "name": names},
                            geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in points], crs=CRS)


def kinds(topo) -> list[str]:
    return [i.kind for i in topo.issues]


def geometry_set(frame: gpd.GeoDataFrame) -> set:
    return {(int(v), shapely.normalize(g).wkb) for v, g in zip(frame["voltage_v"], frame.geometry)}


# ------------------------------------------------------------------ voltages
@pytest.mark.parametrize("value, expected", [
    ("110000", (110000,)), ("110000;20000", (110000, 20000)), ("20000;110000", (110000, 20000)),
    ("0;380000;380000", (380000,)), (380.0, (380000,)), (220000.0, (220000,)), ("", ()), (None, ()),
    (float("nan"), ()), ("unknown", ()), ("110 kV", (110000,)),
])
def test_parse_voltages(value, expected):
    assert parse_voltages(value) == expected


def test_explode_gives_one_row_per_level_and_lists_lines_without_voltage():
    frame = lines([line((0, 0), (100, 0)), line((0, 10), (100, 10)), line((0, 20), (100, 20))],
                  ["110000;20000", None, "20000"])
    out, missing = explode_lines(frame, "voltage")
    assert sorted(zip(out["line_id"], out["voltage_v"])) == [(0, 20000), (0, 110000), (2, 20000)]
    assert missing.tolist() == [1]
    out, _ = explode_lines(frame, "voltage", min_voltage_v=110000)
    assert out["voltage_v"].tolist() == [110000]
    with pytest.raises(InputError, match="no field 'spannung'"):
        explode_lines(frame, "spannung")


# ------------------------------------------------------------------ snapping and splitting
def test_ends_within_tolerance_merge_and_are_reported():
    frame = lines([line((0, 0), (100, 0)), line((105, 0), (200, 0))], ["110000", "110000"])
    topo = build_topology(frame, None, TopologySettings(snap_tolerance_m=10))
    snapped = topo.issues_of("snapped_endpoint")
    assert len(snapped) == 1 and snapped[0].distance_m == pytest.approx(5.0)
    assert nx.number_connected_components(topo.graph) == 1
    assert len(topo.issues_of("dangling_end")) == 2          # the two far ends
    loose = build_topology(frame, None, TopologySettings(snap_tolerance_m=1))
    assert nx.number_connected_components(loose.graph) == 2
    assert len(loose.issues_of("dangling_end")) == 4 and not loose.issues_of("snapped_endpoint")
    assert len(loose.issues_of("isolated_component")) == 1


def test_ends_apart_by_rounding_are_joined_without_a_report():
    """Ends 0.5 mm apart (coordinates rounded differently, as in SciGRID): one network, nothing reported."""
    a, b = line((0, 0), (100, 0)), line((100.0005, 0), (200, 0))
    topo = build_topology(lines([a, b], ["110000", "110000"]), None, TopologySettings(snap_tolerance_m=10))
    assert nx.number_connected_components(topo.graph) == 1
    assert not topo.issues_of("snapped_endpoint") and len(topo.issues_of("dangling_end")) == 2


def test_dangling_end_near_a_line_becomes_a_t_junction():
    main = line((0, 0), (200, 0))
    branch = line((100, 4), (100, 150))                      # starts 4 m beside the main line
    topo = build_topology(lines([main, branch], ["20000", "20000"]), None, TopologySettings(snap_tolerance_m=10))
    t = topo.issues_of("t_junction")
    assert len(t) == 1 and t[0].distance_m == pytest.approx(4.0) and (t[0].x, t[0].y) == (X0 + 100, Y0)
    assert len(topo.lines) == 3                              # main split in two
    assert sorted(d for _, d in topo.graph.degree()) == [1, 1, 1, 3]
    assert topo.lines["length_m"].sum() == pytest.approx(200 + 150)


def test_end_exactly_on_a_line_splits_it_without_moving():
    main = line((0, 0), (200, 0))
    branch = line((50, 0), (50, -80))                        # T-junction, no shared vertex
    topo = build_topology(lines([main, branch], ["20000", "20000"]), None, TopologySettings(snap_tolerance_m=0))
    assert not topo.issues_of("t_junction") and not topo.issues_of("snapped_endpoint")
    assert len(topo.lines) == 3 and nx.number_connected_components(topo.graph) == 1


def test_shared_vertices_split_but_plain_crossings_do_not():
    a = line((0, 0), (50, 50), (100, 100))
    b = line((0, 100), (50, 50), (100, 0))                   # shares the vertex (50, 50)
    c = line((0, 30), (100, 40))                             # crosses both without a vertex
    topo = build_topology(lines([a, b, c], ["110000"] * 3), None, TopologySettings(snap_tolerance_m=1))
    assert len(topo.lines[topo.lines["line_id"] < 2]) == 4
    assert len(topo.lines[topo.lines["line_id"] == 2]) == 1
    assert nx.number_connected_components(topo.graph) == 2   # the crossing line stays apart


def messy_grid(seed: int) -> gpd.GeoDataFrame:
    """A lattice of lines whose ends are jittered by up to 6 m, plus T-branches, two levels."""
    rng = np.random.default_rng(seed)
    geoms, volts = [], []
    for k in range(5):
        for horizontal in (True, False):
            for s in range(4):
                a = np.array([s * 300.0, k * 300.0]) if horizontal else np.array([k * 300.0, s * 300.0])
                b = a + (np.array([300.0, 0]) if horizontal else np.array([0, 300.0]))
                mid = (a + b) / 2 + rng.normal(0, 20, 2)
                pts = np.array([a + rng.uniform(-4, 4, 2), mid, b + rng.uniform(-4, 4, 2)])
                geoms.append(shapely.LineString(pts + [X0, Y0]))
                volts.append("20000" if (k + s) % 3 else "110000;20000")
    for _ in range(6):   # branches starting 0–7 m beside a line
        k, s = rng.integers(0, 5), rng.integers(0, 4)
        x = s * 300.0 + rng.uniform(100, 200)
        start = np.array([x, k * 300.0 + rng.uniform(2, 7)])
        geoms.append(shapely.LineString(np.array([start, start + [rng.uniform(-50, 50), 120.0]]) + [X0, Y0]))
        volts.append("20000")
    return lines(geoms, volts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cleaning_is_idempotent(seed):
    exploded, _ = explode_lines(messy_grid(seed), "voltage")
    anchors = np.array([[X0 + 600.0, Y0 + 600.0], [X0 + 1.0, Y0 + 2.0]])
    once = clean_lines(exploded, 10.0, anchors, 10.0)
    assert once.converged and once.snaps
    twice = clean_lines(once.lines, 10.0, anchors, 10.0)
    assert not twice.snaps and not twice.collapsed
    assert geometry_set(twice.lines) == geometry_set(once.lines)
    assert len(twice.lines) == len(once.lines)
    # the graph built from the cleaned lines is the same and reports no further moves
    topo1 = build_topology(messy_grid(seed), None, TopologySettings(snap_tolerance_m=10))
    again = once.lines.assign(voltage=once.lines["voltage_v"].astype(str))
    topo2 = build_topology(again, None, TopologySettings(snap_tolerance_m=10))
    assert topo2.graph.number_of_edges() == topo1.graph.number_of_edges()
    assert sorted(d for _, d in topo2.graph.degree()) == sorted(d for _, d in topo1.graph.degree())
    assert not {"snapped_endpoint", "t_junction"} & set(kinds(topo2))


def test_voltage_levels_meet_only_in_substations():
    hv = line((0, 0), (500, 0))
    mv = line((500, 0), (500, 400))                          # shares the end point with the 110 kV line
    frame = lines([hv, mv], ["110000", "20000"])
    apart = build_topology(frame, None, TopologySettings(snap_tolerance_m=10))
    assert nx.number_connected_components(apart.graph) == 2
    station = subs([(500, 0)], ["110000;20000"], ["UW Ost"])
    joined = build_topology(frame, station, TopologySettings(snap_tolerance_m=10))
    g = joined.graph
    assert nx.number_connected_components(g) == 1
    for u, v, d in g.edges(data=True):
        if d["kind"] == "line":   # a line never joins two levels
            assert g.nodes[u]["voltage_v"] == g.nodes[v]["voltage_v"] == d["voltage_v"]
        else:
            assert d["kind"] == "transformer" and g.nodes[u]["substation"] == g.nodes[v]["substation"] == 0
    ends = [n for n, d in g.nodes(data=True) if d["kind"] == "end"]
    path = nx.shortest_path(g, ends[0], ends[1])
    kinds_on_path = [g.get_edge_data(a, b)[0]["kind"] for a, b in zip(path[:-1], path[1:])]
    assert kinds_on_path.count("transformer") == 1
    assert joined.substations["voltage_levels"].iat[0] == "110000;20000"
    assert bool(joined.substations["in_main_grid"].iat[0])


def test_polygon_substation_attaches_line_ends_inside_it_and_reports_the_rest():
    frame = lines([line((0, 0), (300, 0)), line((340, 10), (700, 10))], ["110000", "110000"])
    yard = gpd.GeoDataFrame({"voltage": ["110000"], "name": ["UW Feld"]},
                            geometry=[shapely.box(X0 + 290, Y0 - 30, X0 + 350, Y0 + 30)], crs=CRS)
    lonely = subs([(5000, 5000)], ["110000"], ["UW Fern"])
    topo = build_topology(frame, gpd.GeoDataFrame(
        {"voltage": ["110000", "110000"], "name": ["UW Feld", "UW Fern"]},
        geometry=[yard.geometry.iat[0], lonely.geometry.iat[0]], crs=CRS), TopologySettings(snap_tolerance_m=5))
    assert nx.number_connected_components(topo.graph) == 2   # the two lines + UW Feld; UW Fern alone
    assert topo.substations["n_line_ends"].tolist() == [2, 0]
    not_attached = topo.issues_of("substation_not_attached")
    assert [i.substation for i in not_attached] == ["UW Fern"]


def test_voltage_mismatch_and_missing_voltage_are_reported():
    frame = lines([line((0, 0), (300, 0)), line((0, 50), (300, 50))], ["220000", None])
    station = subs([(0, 0)], ["110000"], ["UW Alt"])
    topo = build_topology(frame, station, TopologySettings())
    assert "substation_voltage_mismatch" in kinds(topo)
    nv = topo.issues_of("no_voltage")
    assert len(nv) == 1 and nv[0].feature == 1
    report = topo.report_frame()
    assert set(report["kind"]) <= set(ISSUE_KINDS) and report.crs == frame.crs
    assert (report.geom_type == "Point").all() and report["fix"].str.len().min() > 10


def test_geographic_crs_and_bad_tolerance_are_refused():
    frame = lines([line((0, 0), (10, 0))], ["110000"]).to_crs("EPSG:4326")
    with pytest.raises(InputError, match="geographic"):
        build_topology(frame)
    with pytest.raises(InputError, match="tolerance"):
        build_topology(lines([line((0, 0), (10, 0))], ["110000"]), None, TopologySettings(snap_tolerance_m=-1))


def test_outputs_are_written_atomically(tmp_path):
    frame = lines([line((0, 0), (100, 0)), line((105, 0), (200, 0))], ["110000", "110000"])
    topo = build_topology(frame, None, TopologySettings())
    out = tmp_path / "grid.gpkg"
    write_topology_outputs(topo, report=out, lines=out)
    assert sorted(layer_names(out)) == ["grid_lines", "topology_report"]
    back = gpd.read_file(out, layer="topology_report")
    assert len(back) == len(topo.issues)
    bad = tmp_path / "bad.gpkg"
    with pytest.raises(AttributeError):   # the second layer fails: nothing is left behind
        write_layers_atomic([(bad, "ok", topo.report_frame()), (bad, "broken", None)])
    assert not bad.exists() and not list(tmp_path.glob(".*part*"))


# ------------------------------------------------------------------ sample region
@pytest.mark.skipif(not SAMPLE.exists(), reason="sample region not generated")
def test_sample_region_builds_and_the_report_lists_the_two_defects(tmp_path):
    ref = lambda layer: LayerRef(str(SAMPLE), layer)  # noqa: E731
    topo = check_grid_topology(ref("power_lines"), ref("substations"), TopologyOutputs(report=tmp_path / "report.gpkg"),
                               settings=TopologySettings(snap_tolerance_m=10))
    assert topo.converged and topo.levels_v() == (380000, 220000, 110000, 20000)
    snapped = topo.issues_of("snapped_to_substation")
    found = {(i.voltage_v, i.substation): i.distance_m for i in snapped}
    assert found == {(110000, "Umspannwerk Zörbig"): pytest.approx(5.0, abs=0.01),
                     (20000, "Umspannwerk Landsberg"): pytest.approx(5.0, abs=0.01)}
    assert topo.substations["in_main_grid"].all()
    assert not topo.issues_of("isolated_component") and not topo.issues_of("no_voltage")
    assert (tmp_path / "report.gpkg").exists()
    assert_clean_is_fixed_point(topo)
    # with a 1 m tolerance the two defects stay open: dangling ends 5 m from those substations
    loose = check_grid_topology(ref("power_lines"), ref("substations"), settings=TopologySettings(snap_tolerance_m=1))
    near = {(i.voltage_v, i.substation) for i in loose.issues_of("dangling_end") if i.distance_m < 6}
    assert near == {(110000, "Umspannwerk Zörbig"), (20000, "Umspannwerk Landsberg")}


# ------------------------------------------------------------------ real grids (../shared/realdata)
def assert_clean_is_fixed_point(topo) -> None:
    """Cleaning the cleaned lines again moves and splits nothing."""
    pts = topo.substations.geometry
    anchors = shapely.get_coordinates(pts[pts.geom_type == "Point"].values)
    tol = topo.settings.snap_tolerance_m
    again = clean_lines(topo.lines[["line_id", "voltage_v", "geometry"]], tol, anchors,
                        topo.settings.attach_tolerance_m)
    assert not again.snaps and not again.collapsed and len(again.lines) == len(topo.lines)
    assert geometry_set(again.lines) == geometry_set(topo.lines)


def reachable_or_reported(topo) -> list[str]:
    """Names of substations neither in the main grid nor reported."""
    reported_components = {i.component for i in topo.issues_of("isolated_component")}
    not_attached = {i.feature for i in topo.issues_of("substation_not_attached")}
    missing = []
    for j, row in enumerate(topo.substations.itertuples()):
        if row.in_main_grid or j in not_attached or row.component in reported_components:
            continue
        missing.append(str(getattr(row, "name", j)))
    return missing


@pytest.mark.realdata
@pytest.mark.skipif(not SCIGRID.exists(), reason="../shared/realdata/scigrid_de_grid absent")
def test_scigrid_transmission_grid_builds_and_every_substation_is_reachable_or_reported():
    topo = check_grid_topology(LayerRef(str(SCIGRID), "lines"), LayerRef(str(SCIGRID), "buses"),
                               settings=TopologySettings(snap_tolerance_m=50))
    assert set(topo.levels_v()) == {380000, 220000}
    assert topo.summary()["length_km"] > 1000
    assert topo.converged and reachable_or_reported(topo) == []
    assert topo.substations["in_main_grid"].sum() >= len(topo.substations) / 2
    assert_clean_is_fixed_point(topo)


@pytest.mark.realdata
@pytest.mark.skipif(not OSMGRID.exists(), reason="../shared/realdata/osm_powergrid_2016_complexnet absent")
def test_osm_high_voltage_grid_builds_and_every_substation_is_reachable_or_reported(tmp_path):
    vertices = gpd.read_file(OSMGRID, layer="vertices")
    stations = vertices[vertices["typ"].isin(["substation", "sub_station"])]
    path = tmp_path / "stations.gpkg"
    stations.to_file(path, layer="substations", driver="GPKG", engine="pyogrio")
    topo = check_grid_topology(LayerRef(str(OSMGRID), "lines"), LayerRef(str(path), "substations"),
                               TopologyOutputs(report=tmp_path / "report.gpkg"),
                               settings=TopologySettings(snap_tolerance_m=50))
    assert {380000, 220000, 110000} <= set(topo.levels_v())
    assert topo.converged and reachable_or_reported(topo) == []
    assert topo.issues_of("no_voltage")              # the layer has a line without voltage
    assert_clean_is_fixed_point(topo)
    assert len(gpd.read_file(tmp_path / "report.gpkg")) == len(topo.issues)


def test_colocated_buses_are_one_substation():
    """SciGRID's 'Lauchstädt' and 'Lauchstädt_220kV' stand on one point: one substation with both levels, attached
    to its 380 kV and its 220 kV line (the second bus was reported unattached)."""
    a = line((0, 0), (1000, 0))
    b = line((0, 0), (0, 1000))
    subs = gpd.GeoDataFrame({"name": ["Lauchstädt", "Lauchstädt_220kV"], "voltage": ["380000", "220000"]},
                            geometry=[shapely.Point(X0, Y0), shapely.Point(X0, Y0)], crs=CRS)
    topo = build_topology(lines([a, b], ["380000", "220000"]), subs, TopologySettings(snap_tolerance_m=10))
    assert len(topo.substations) == 1
    assert topo.substations["name"].iloc[0] == "Lauchstädt;Lauchstädt_220kV"
    assert not topo.issues_of("substation_not_attached") and not topo.issues_of("substation_voltage_mismatch")
