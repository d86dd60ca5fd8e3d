"""The grid as a graph: cleaned line pieces as edges, substations as buses joined by transformers.

Voltage levels are kept apart: a node carries one voltage level, and lines of different levels
meet only in a substation, whose buses of different levels are joined by *transformer* edges. Line
ends within the substation tolerance attach to the nearest substation; the other ends become
``end``, ``joint`` or ``junction`` nodes by their degree. Components are numbered by line length,
the main grid (longest) first.
"""
from __future__ import annotations

from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ..errors import InputError
from .cleaning import point_key
from .settings import TopologySettings
from .voltages import format_voltages, parse_voltages


def substation_frame(substations: gpd.GeoDataFrame | None, crs: Any, settings: TopologySettings
                     ) -> gpd.GeoDataFrame:
    """The substations in ``crs``, indexed 0…n-1, multipoints as their centroid (an empty frame for none).

    Raises
    ------
    InputError
        If a geometry is neither a point nor a polygon.
    """
    if substations is None or len(substations) == 0:
        return gpd.GeoDataFrame({"name": pd.Series([], dtype=object)}, geometry=[], crs=crs)
    subs = substations.reset_index(drop=True).copy()
    if crs is not None and subs.crs is not None and not CRS.from_user_input(subs.crs).equals(CRS.from_user_input(crs)):
        subs = subs.to_crs(crs)
    types = set(shapely.get_type_id(subs.geometry.values).tolist()) - {0, 3, 4, 6}
    if types:
        raise InputError("The substation layer holds geometries other than points or polygons "
                         f"(type ids {sorted(types)}); give OSM power=substation as points or areas.")
    geoms = subs.geometry.values
    multi_pt = shapely.get_type_id(geoms) == 4
    if multi_pt.any():
        geoms = geoms.copy()
        geoms[multi_pt] = shapely.centroid(geoms[multi_pt])
        subs = subs.set_geometry(geoms)
    return merge_colocated(subs, CO_LOCATED_M)


#: Substation points closer than this are one substation (SciGRID's buses ``X`` and ``X_220kV`` of one site). [m]
CO_LOCATED_M = 1.0


def merge_colocated(subs: gpd.GeoDataFrame, distance_m: float) -> gpd.GeoDataFrame:
    """Point substations within ``distance_m`` of each other merged into one (the first's point; texts joined with
    ``;`` — names, voltages — other values of the first), so that a site's second bus is not reported unattached."""
    points = np.flatnonzero(shapely.get_type_id(subs.geometry.values) == 0)
    if len(points) < 2:
        return subs
    geoms = subs.geometry.values[points]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=distance_m)
    pairs = left != right
    if not pairs.any():
        return subs
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(points)
    _, label = connected_components(coo_matrix((np.ones(int(pairs.sum())), (left[pairs], right[pairs])),
                                               shape=(n, n)), directed=False)
    keep = np.ones(len(subs), dtype=bool)
    subs = subs.copy()
    for lab in np.unique(label):
        members = points[label == lab]
        if len(members) < 2:
            continue
        first = members[0]
        for column in subs.columns:
            if column == subs.geometry.name or not (subs[column].dtype == object
                                                   or pd.api.types.is_string_dtype(subs[column].dtype)):
                continue
            texts = [str(v) for v in subs[column].iloc[members] if v is not None and str(v) not in ("", "nan")]
            subs.at[subs.index[first], column] = ";".join(dict.fromkeys(texts)) or None
        keep[members[1:]] = False
    return subs[keep].reset_index(drop=True)


def build_grid_graph(pieces: gpd.GeoDataFrame, subs: gpd.GeoDataFrame, settings: TopologySettings
                     ) -> tuple[nx.MultiGraph, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The grid graph of cleaned line pieces and substations (see :class:`~.topology.GridTopology`).

    Returns
    -------
    (networkx.MultiGraph, geopandas.GeoDataFrame, geopandas.GeoDataFrame)
        The graph; the line pieces with ``voltage_kv``, ``length_m``, ``u``, ``v`` and
        ``component``; the substations with ``voltage_levels``, ``n_line_ends``, ``component``
        and ``in_main_grid``.
    """
    geoms = pieces.geometry.values
    levels = pieces["voltage_v"].to_numpy(dtype=np.int64)
    n = len(pieces)
    first = shapely.get_point(geoms, 0) if n else np.empty(0, dtype=object)
    last = shapely.get_point(geoms, -1) if n else np.empty(0, dtype=object)
    end_xy = np.vstack([shapely.get_coordinates(first), shapely.get_coordinates(last)]) if n else np.empty((0, 2))
    end_level = np.concatenate([levels, levels])
    # distinct end locations per level, attached to the nearest substation within the tolerance
    loc_keys: dict[tuple[int, float, float], int] = {}
    loc_of_end = np.empty(2 * n, dtype=np.int64)
    loc_xy: list[np.ndarray] = []
    loc_level: list[int] = []
    for k in range(2 * n):
        key = (int(end_level[k]), *point_key(end_xy[k]))
        if key not in loc_keys:
            loc_keys[key] = len(loc_xy)
            loc_xy.append(end_xy[k])
            loc_level.append(int(end_level[k]))
        loc_of_end[k] = loc_keys[key]
    loc_xy_arr = np.array(loc_xy).reshape(-1, 2)
    loc_sub = np.full(len(loc_xy_arr), -1, dtype=np.int64)
    sub_geoms = subs.geometry.values
    if len(sub_geoms) and len(loc_xy_arr):
        pts = shapely.points(loc_xy_arr)
        tree = shapely.STRtree(sub_geoms)
        tol = settings.attach_tolerance_m
        pairs = tree.query(pts, predicate="dwithin", distance=tol) if tol > 0 else tree.query(pts, "intersects")
        if pairs.shape[1]:
            d = shapely.distance(pts[pairs[0]], sub_geoms[pairs[1]])
            order = np.lexsort((pairs[1], d, pairs[0]))
            keep = np.ones(len(order), dtype=bool)
            keep[1:] = pairs[0][order][1:] != pairs[0][order][:-1]
            loc_sub[pairs[0][order][keep]] = pairs[1][order][keep]
    tag_levels = [parse_voltages(v) for v in (subs[settings.substation_voltage_field].to_numpy(dtype=object)
                                               if settings.substation_voltage_field in subs.columns
                                               else [None] * len(subs))]
    attached_levels: list[set[int]] = [set() for _ in range(len(subs))]
    n_ends = np.zeros(len(subs), dtype=np.int64)
    for k in range(2 * n):
        s = loc_sub[loc_of_end[k]]
        if s >= 0:
            attached_levels[s].add(int(end_level[k]))
            n_ends[s] += 1
    names = substation_names(subs, settings.name_field)
    sub_xy = anchor_xy(sub_geoms)
    graph = nx.MultiGraph()
    bus: dict[tuple[int, int], int] = {}
    for j in range(len(subs)):
        lv = sorted(set(tag_levels[j]) | attached_levels[j], reverse=True) or [0]
        for level in lv:
            node = graph.number_of_nodes()
            bus[(j, level)] = node
            graph.add_node(node, kind="bus", voltage_v=level or None, x=float(sub_xy[j, 0]),
                           y=float(sub_xy[j, 1]), substation=j, name=names[j])
        for a in range(len(lv)):
            for b in range(a + 1, len(lv)):
                graph.add_edge(bus[(j, lv[a])], bus[(j, lv[b])], kind="transformer", voltage_v=None,
                               from_v=lv[a], to_v=lv[b], length_m=0.0, line_id=None, geometry=None,
                               substation=j)
    loc_node = np.empty(len(loc_xy_arr), dtype=np.int64)
    for loc in range(len(loc_xy_arr)):
        s = loc_sub[loc]
        if s >= 0:
            loc_node[loc] = bus[(int(s), loc_level[loc])]
        else:
            node = graph.number_of_nodes()
            graph.add_node(node, kind="end", voltage_v=loc_level[loc], x=float(loc_xy_arr[loc, 0]),
                           y=float(loc_xy_arr[loc, 1]), substation=None, name="")
            loc_node[loc] = node
    u = loc_node[loc_of_end[:n]]
    v = loc_node[loc_of_end[n:]]
    lengths = shapely.length(geoms) if n else np.empty(0)
    line_ids = pieces["line_id"].to_numpy(dtype=np.int64)
    for i in range(n):
        graph.add_edge(int(u[i]), int(v[i]), kind="line", voltage_v=int(levels[i]), length_m=float(lengths[i]),
                       line_id=int(line_ids[i]), geometry=geoms[i])
    for node, data in graph.nodes(data=True):
        if data["kind"] != "bus":
            deg = graph.degree(node)
            data["kind"] = "end" if deg <= 1 else "joint" if deg == 2 else "junction"
    # components, the main grid (longest line length) first
    comps = [sorted(c) for c in nx.connected_components(graph)]
    lengths_by_comp = []
    for c in comps:
        length = sum(d["length_m"] for _, _, d in graph.subgraph(c).edges(data=True))
        lengths_by_comp.append((-length, -len(c), c[0]))
    order = sorted(range(len(comps)), key=lambda i: lengths_by_comp[i])
    comp_of: dict[int, int] = {}
    for rank, ci in enumerate(order):
        for node in comps[ci]:
            comp_of[node] = rank
    nx.set_node_attributes(graph, comp_of, "component")
    out = gpd.GeoDataFrame({
        "line_id": line_ids, "voltage_v": levels, "voltage_kv": levels / 1000.0, "length_m": lengths,
        "u": u, "v": v, "component": np.array([comp_of[int(x)] for x in u], dtype=np.int64),
    }, geometry=geoms, crs=pieces.crs)
    subs = subs.copy()
    subs["voltage_levels"] = [format_voltages(set(tag_levels[j]) | attached_levels[j]) for j in range(len(subs))]
    subs["n_line_ends"] = n_ends
    sub_comp = np.full(len(subs), np.iinfo(np.int64).max, dtype=np.int64)
    for (j, _), node in bus.items():
        sub_comp[j] = min(sub_comp[j], comp_of[node])
    subs["component"] = np.asarray(sub_comp, dtype=np.int64)
    subs["in_main_grid"] = (subs["component"].to_numpy() == 0) & (n_ends > 0)
    return graph, out, subs


def substation_names(subs: gpd.GeoDataFrame, field: str) -> list[str]:
    """Substation names from ``field`` (``#row`` where empty or without the field)."""
    if field not in subs.columns:
        return [f"#{j}" for j in range(len(subs))]
    return [str(v) if v is not None and not (isinstance(v, float) and np.isnan(v)) else f"#{j}"
            for j, v in enumerate(subs[field].to_numpy(dtype=object))]


def anchor_xy(geoms: np.ndarray) -> np.ndarray:
    """A point per substation: the point itself, or a point inside the polygon. [m]"""
    if not len(geoms):
        return np.empty((0, 2))
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts)
