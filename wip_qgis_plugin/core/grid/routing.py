"""Routes of connection lines: which substations a site can reach, and the line drawn to each.

A router from :data:`ROUTERS` finds, for every site, the suitable substations it can reach within
the level's longest route (:meth:`Router.candidates`), and draws the routes of the pairs the
allocation chose (:meth:`Router.routes`):

- ``roads`` (:class:`RoadRouter`) follows the road network: a weighted graph of the noded road
  lines (:func:`build_road_network`), with a straight access segment from the site to the
  nearest road point and from the substation to its nearest road point;
- ``cost_raster`` (:class:`RasterRouter`) is a least-cost path over an 8-neighbour graph of a
  cost-factor raster (:class:`CostSurface`).

Routers see sites and substations only as geometries (:class:`Endpoints`), so this module needs
nothing else of the grid package.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.csgraph import dijkstra as csgraph_dijkstra
from shapely.ops import substring

from ..errors import InputError
from ..progress import Progress, check_cancelled


# ----------------------------------------------------------------------------------------------
# Road network
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoadNetwork:
    """The noded road lines as arrays; :meth:`to_graph` gives the weighted networkx graph.

    Attributes
    ----------
    pieces : numpy.ndarray
        Road pieces between junctions (LineStrings, working CRS).
    u, v : numpy.ndarray
        End nodes of each piece.
    node_xy : numpy.ndarray
        ``(n, 2)`` node coordinates. [m]
    length_m : numpy.ndarray
        Piece lengths. [m]
    factor : numpy.ndarray
        Cost factor of each piece (road class). [-]
    usable : numpy.ndarray
        True for the pieces that are graph edges (the cheapest of parallel pieces; no loops).
    """

    pieces: np.ndarray
    u: np.ndarray
    v: np.ndarray
    node_xy: np.ndarray
    length_m: np.ndarray
    factor: np.ndarray
    usable: np.ndarray

    @property
    def weight(self) -> np.ndarray:
        """Edge weights: length × factor. [m]"""
        return self.length_m * self.factor

    def to_graph(self) -> nx.Graph:
        """The weighted road graph: nodes 0…n-1 (``x``, ``y``), edges ``weight`` [m], ``length_m`` [m], ``piece``."""
        g = nx.Graph()
        g.add_nodes_from((i, {"x": float(x), "y": float(y)}) for i, (x, y) in enumerate(self.node_xy))
        idx = np.flatnonzero(self.usable)
        g.add_edges_from((int(self.u[p]), int(self.v[p]),
                          {"weight": float(self.weight[p]), "length_m": float(self.length_m[p]), "piece": int(p)})
                         for p in idx)
        return g


def build_road_network(roads: gpd.GeoDataFrame, highway_field: str = "highway",
                       factors: Mapping[str, float] | None = None) -> RoadNetwork:
    """Node the road lines at every junction and crossing and index them as a graph.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        Road centre lines (OSM highway=*), projected CRS in metres.
    highway_field : str
        Road class field (only read when ``factors`` are given).
    factors : mapping, optional
        Cost factor per road class; other classes 1. [-]

    Raises
    ------
    InputError
        No lines, or the class field is missing while factors are given.
    """
    parts = shapely.get_parts(roads.geometry.values)
    parts = parts[(shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)]
    if not len(parts):
        raise InputError("The road layer holds no lines; give road centre lines (OSM highway=*).")
    parts = shapely.force_2d(parts)
    pieces = shapely.get_parts(shapely.node(shapely.multilinestrings(parts)))
    pieces = pieces[shapely.length(pieces) > 0]
    factor = np.ones(len(pieces))
    if factors:
        if highway_field not in roads.columns:
            raise InputError(f"Road cost factors are given but the road layer has no field {highway_field!r}.")
        part_rows = shapely.get_parts(roads.geometry.values, return_index=True)[1]
        classes = roads[highway_field].astype(str).to_numpy(dtype=object)
        keep = (shapely.get_type_id(shapely.get_parts(roads.geometry.values)) == 1)
        part_factor = np.array([float(factors.get(c, 1.0)) for c in classes[part_rows[keep]]])
        mid = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
        tree = shapely.STRtree(parts)
        pairs = tree.query(mid, predicate="dwithin", distance=1e-6)
        factor = np.full(len(pieces), np.inf)
        np.minimum.at(factor, pairs[0], part_factor[pairs[1]])
        factor[~np.isfinite(factor)] = 1.0
    coords = shapely.get_coordinates(pieces)
    n = shapely.get_num_coordinates(pieces)
    last = np.cumsum(n) - 1
    first = last - n + 1
    ends = np.vstack([coords[first], coords[last]])
    node_xy, inverse = np.unique(np.round(ends, 3), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    u, v = inverse[:len(pieces)], inverse[len(pieces):]
    length = shapely.length(pieces)
    usable = u != v
    # among parallel pieces keep the cheapest
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((np.arange(len(pieces)), length * factor, b, a))
    dup = np.zeros(len(order), dtype=bool)
    dup[1:] = (a[order][1:] == a[order][:-1]) & (b[order][1:] == b[order][:-1])
    usable[order[dup]] = False
    return RoadNetwork(pieces, u, v, node_xy, length, factor, usable)


def main_road_components(network: RoadNetwork, min_share: float = 0.01) -> np.ndarray:
    """Pieces of the road components holding at least ``min_share`` of the road length (the largest always).

    Isolated pieces (a farm track that crosses no other road in the data) are left out, so that
    nothing attaches to a road that leads nowhere. [-]
    """
    use = np.flatnonzero(network.usable)
    n = len(network.node_xy)
    graph = coo_matrix((np.ones(len(use)), (network.u[use], network.v[use])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    length = np.bincount(label[network.u[use]], weights=network.length_m[use], minlength=label.max() + 1)
    good = (length >= min_share * length.sum()) | (length == length.max())
    return good[label[network.u]] & network.usable


@dataclass(frozen=True)
class Access:
    """Straight access segments from geometries to their nearest usable road piece.

    Attributes
    ----------
    piece : numpy.ndarray
        Road piece reached.
    position_m : numpy.ndarray
        Position of the access point along the piece from its first vertex. [m]
    length_m : numpy.ndarray
        Length of the straight access segment. [m]
    segment : numpy.ndarray
        Access segments (LineStrings from the geometry to the road).
    """

    piece: np.ndarray
    position_m: np.ndarray
    length_m: np.ndarray
    segment: np.ndarray


def attach_to_roads(network: RoadNetwork, geoms: np.ndarray, allowed: np.ndarray | None = None) -> Access:
    """The nearest point on a usable (and allowed) road piece for each geometry."""
    ok = network.usable if allowed is None else network.usable & allowed
    idx = np.flatnonzero(ok)
    if not len(idx):
        raise InputError("No usable road piece to attach sites or substations to; check the road layer.")
    tree = shapely.STRtree(network.pieces[idx])
    pairs = tree.query_nearest(geoms, all_matches=False)
    nearest = np.empty(len(geoms), dtype=np.int64)
    nearest[pairs[0]] = idx[pairs[1]]
    seg = shapely.shortest_line(geoms, network.pieces[nearest])
    road_pt = shapely.get_point(seg, 1)
    pos = shapely.line_locate_point(network.pieces[nearest], road_pt)
    return Access(nearest, pos, shapely.length(seg), seg)


@dataclass(frozen=True)
class Entries:
    """Points where usable roads cross the edge of polygon sites: where a route may enter the site.

    Attributes
    ----------
    site : numpy.ndarray
        Site each entry belongs to.
    piece : numpy.ndarray
        Road piece crossed.
    position_m : numpy.ndarray
        Position of the crossing along the piece from its first vertex. [m]
    """

    site: np.ndarray
    piece: np.ndarray
    position_m: np.ndarray


def polygon_entries(network: RoadNetwork, geoms: np.ndarray, allowed: np.ndarray | None = None) -> Entries:
    """Every point where a usable (and allowed) road piece meets the edge of a polygon site.

    A road that crosses a site reaches it where it enters, at whichever edge is nearest the
    substation; the nearest point alone (:func:`attach_to_roads`) is one arbitrary crossing and may
    send the route once through the site. Points are never entries.
    """
    ok = network.usable if allowed is None else network.usable & allowed
    idx = np.flatnonzero(ok)
    polygons = np.flatnonzero(np.isin(shapely.get_type_id(geoms), (3, 6)))
    empty = Entries(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if not len(idx) or not len(polygons):
        return empty
    edges = shapely.boundary(geoms[polygons])
    tree = shapely.STRtree(network.pieces[idx])
    q_edge, q_piece = tree.query(edges, predicate="intersects")
    if not len(q_edge):
        return empty
    pieces = idx[q_piece]
    crossing = shapely.intersection(edges[q_edge], network.pieces[pieces])
    # a road along the edge overlaps it: its ends are the entries
    pts = shapely.get_coordinates(shapely.extract_unique_points(crossing), return_index=False)
    counts = shapely.get_num_coordinates(shapely.extract_unique_points(crossing))
    owner = np.repeat(polygons[q_edge], counts)
    piece = np.repeat(pieces, counts)
    pos = shapely.line_locate_point(network.pieces[piece], shapely.points(pts))
    order = np.lexsort((pos, piece, owner))
    return Entries(owner[order].astype(np.int64), piece[order].astype(np.int64), pos[order])


# ----------------------------------------------------------------------------------------------
# Routers
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidates:
    """Site–substation pairs a router can connect within the level's longest route.

    Attributes
    ----------
    site, substation : numpy.ndarray
        Indices.
    weighted_m : numpy.ndarray
        Route length weighted by cost factors (road class or raster), access included. [m]
    """

    site: np.ndarray
    substation: np.ndarray
    weighted_m: np.ndarray


@dataclass(frozen=True)
class Route:
    """A connection route from a site to a substation.

    Attributes
    ----------
    geometry : shapely.LineString
        From the site to the substation.
    length_m : float
        Geometric length. [m]
    access_m : float
        Straight (off-road) part of it. [m]
    """

    geometry: shapely.LineString
    length_m: float
    access_m: float


class Endpoints(Protocol):
    """Sites or substations as a router sees them."""

    @property
    def geometry(self) -> np.ndarray:
        """Points or polygons (working CRS)."""


class Router(Protocol):
    """Finds candidate pairs and draws the routes of chosen pairs."""

    def candidates(self, level: np.ndarray, suitable: np.ndarray, limit_m: np.ndarray,
                   progress: Progress) -> Candidates:
        """Pairs within the limit; ``suitable[level, substation]``, ``limit_m[level]`` [m]."""

    def routes(self, pairs: Sequence[tuple[int, int]], progress: Progress) -> list[Route]:
        """The route of each ``(site, substation)`` pair."""


@dataclass(frozen=True)
class RoutingInputs:
    """What the routers may use: the sites, the substations and the network or surface.

    Attributes
    ----------
    sites, substations : Endpoints
        Their geometries (e.g. :class:`~.sites.SiteInputs`, :class:`~.sites.SubstationInputs`).
    roads : RoadNetwork or None
        The road network (``roads`` router).
    cost_surface : CostSurface or None
        The cost-factor raster (``cost_raster`` router).
    road_component_share : float
        Sites and substations attach only to road components with at least this share of the
        road length (the largest always). [-]
    """

    sites: Endpoints
    substations: Endpoints
    roads: RoadNetwork | None = None
    cost_surface: CostSurface | None = None
    road_component_share: float = 0.01


class RoadRouter:
    """Routes along the road graph, with straight access segments at both ends.

    The road pieces plus one node per access point (the pieces split there) form the routing
    graph. A polygon site a road crosses also has a node at every crossing of its edge
    (:func:`polygon_entries`) and an end node that its access point and its entries lead into at no
    cost, one way: its route starts at the best entry, not at an arbitrary one, is not drawn through
    the site, and no other route can pass through the site for free. The routing graph (roads only); :attr:`graph` is it as a weighted networkx graph. Dijkstra runs on the same edge list
    in ``scipy.sparse.csgraph`` (compiled; a networkx run per substation was too slow at Land
    scale), one limited search per substation, batched. Sites and substations attach to the
    nearest road piece of a main road component (see :func:`main_road_components`), so that a
    site beside an isolated farm track still reaches the network.
    """

    #: Substations searched together (memory: batch × nodes × 8 bytes).
    BATCH = 16

    def __init__(self, inputs: RoutingInputs):
        if inputs.roads is None:
            raise InputError("The 'roads' router needs a road layer (OSM highway=*).")
        net = inputs.roads
        self.net = net
        self.inputs = inputs
        allowed = main_road_components(net, inputs.road_component_share)
        self.sub_access = attach_to_roads(net, inputs.substations.geometry, allowed)
        self.site_access = attach_to_roads(net, inputs.sites.geometry, allowed)
        self.entries = polygon_entries(net, inputs.sites.geometry, allowed)
        self.n_nodes = len(net.node_xy)
        self.n_sites = len(inputs.sites.geometry)
        n_base = self.n_nodes + self.n_sites + len(inputs.substations.geometry) + len(self.entries.site)
        with_entries = np.unique(self.entries.site)
        self.end_node = self.n_nodes + np.arange(self.n_sites)   # where a site's route ends
        self.end_node[with_entries] = n_base + np.arange(len(with_entries))
        self.n_total = n_base + len(with_entries)
        self.edges = self._routing_edges()
        e = self.edges
        w = np.maximum(e["weight"], 1e-9)   # csgraph would drop explicit zeros
        two_way = e["piece"] >= 0           # roads both ways; a polygon site's end node only reached, never left
        self.csr = coo_matrix((np.r_[w, w[two_way]], (np.r_[e["a"], e["b"][two_way]], np.r_[e["b"], e["a"][two_way]])),
                              shape=(self.n_total, self.n_total)).tocsr()
        self._edge_of: dict[tuple[int, int], int] = {}
        self._coords: dict[int, np.ndarray] = {}
        self._road_m: dict[tuple[int, int], float] = {}

    def _routing_edges(self) -> dict[str, np.ndarray]:
        """Edges of the road graph split at the access and entry points; the cheapest of parallel edges.

        The edges into a polygon site's end node (from its access point and each entry) have piece −1,
        weight 0 and one direction, ``a`` → ``b`` (nothing drawn, nothing paid, nothing passes through).
        """
        net = self.net
        acc_piece = np.concatenate([self.site_access.piece, self.sub_access.piece, self.entries.piece])
        acc_pos = np.concatenate([self.site_access.position_m, self.sub_access.position_m, self.entries.position_m])
        acc_node = self.n_nodes + np.arange(len(acc_piece))
        usable = np.flatnonzero(net.usable)
        touched = np.zeros(len(net.pieces), dtype=bool)
        touched[acc_piece] = True
        plain = usable[~touched[usable]]
        e_piece, e_from, e_to = [plain], [np.zeros(len(plain))], [net.length_m[plain]]
        e_a, e_b = [net.u[plain]], [net.v[plain]]
        order = np.lexsort((acc_node, acc_pos, acc_piece))
        sp, spos, snode = acc_piece[order], acc_pos[order], acc_node[order]
        bounds = np.flatnonzero(np.r_[True, sp[1:] != sp[:-1], True])
        for s, e in zip(bounds[:-1], bounds[1:]):
            p = int(sp[s])
            nodes = np.r_[net.u[p], snode[s:e], net.v[p]]
            pos = np.r_[0.0, spos[s:e], net.length_m[p]]
            e_piece.append(np.full(len(nodes) - 1, p))
            e_from.append(pos[:-1])
            e_to.append(pos[1:])
            e_a.append(nodes[:-1])
            e_b.append(nodes[1:])
        edges = {"piece": np.concatenate(e_piece).astype(np.int64), "from": np.concatenate(e_from),
                 "to": np.concatenate(e_to), "a": np.concatenate(e_a).astype(np.int64),
                 "b": np.concatenate(e_b).astype(np.int64)}
        edges["weight"] = (edges["to"] - edges["from"]) * net.factor[edges["piece"]]
        lo, hi = np.minimum(edges["a"], edges["b"]), np.maximum(edges["a"], edges["b"])
        order = np.lexsort((np.arange(len(lo)), edges["weight"], hi, lo))
        first = np.r_[True, (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])]
        keep = np.sort(order[first])
        edges = {k: v[keep] for k, v in edges.items()}
        n_entries = len(self.entries.site)
        if n_entries:
            first_entry = self.n_nodes + self.n_sites + len(self.sub_access.piece)
            sites = np.unique(self.entries.site)
            a = np.r_[first_entry + np.arange(n_entries, dtype=np.int64), self.n_nodes + sites]
            b = np.r_[self.end_node[self.entries.site], self.end_node[sites]]
            virtual = {"piece": np.full(len(a), -1, dtype=np.int64), "from": np.zeros(len(a)), "to": np.zeros(len(a)),
                       "a": a.astype(np.int64), "b": b.astype(np.int64), "weight": np.zeros(len(a))}
            edges = {k: np.concatenate([v, virtual[k]]) for k, v in edges.items()}
        return edges

    @property
    def graph(self) -> nx.Graph:
        """The routing graph as a weighted networkx graph (``weight`` [m], ``e``: edge index)."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n_total))
        e = self.edges
        g.add_edges_from((int(a), int(b), {"weight": float(w), "e": k})
                         for k, (a, b, w, p) in enumerate(zip(e["a"], e["b"], e["weight"], e["piece"])) if p >= 0)
        return g

    def site_node(self, i: int) -> int:
        """Graph node where site ``i``'s route ends: its access point, or a polygon site's end node."""
        return int(self.end_node[i])

    def substation_node(self, j: int) -> int:
        """Graph node of substation ``j``'s access point."""
        return self.n_nodes + self.n_sites + j

    def candidates(self, level: np.ndarray, suitable: np.ndarray, limit_m: np.ndarray,
                   progress: Progress) -> Candidates:
        """One limited Dijkstra per substation some site can use, cut off at the longest route."""
        n_subs = len(self.inputs.substations.geometry)
        has_sites = np.zeros(suitable.shape[0], dtype=bool)
        has_sites[np.unique(level[level >= 0])] = True
        cutoff = np.full(n_subs, -1.0)
        for j in range(n_subs):
            lv = np.flatnonzero(suitable[:, j] & has_sites)
            if len(lv):
                cutoff[j] = float(limit_m[lv].max()) - float(self.sub_access.length_m[j])
        work = np.flatnonzero(cutoff >= 0)
        work = work[np.argsort(cutoff[work], kind="stable")]
        site_nodes = self.end_node
        site_acc = self.site_access.length_m
        out_i, out_j, out_w = [], [], []
        for start in range(0, len(work), self.BATCH):
            check_cancelled(progress)
            progress.report(start / max(len(work), 1))
            batch = work[start:start + self.BATCH]
            dist = csgraph_dijkstra(self.csr, directed=True, indices=self.n_nodes + self.n_sites + batch,
                                    limit=float(cutoff[batch].max()))[:, site_nodes]
            for row, j in enumerate(batch):
                d = dist[row]
                sites = np.flatnonzero(d <= cutoff[j])
                total = d[sites] + site_acc[sites] + self.sub_access.length_m[j]
                lvl = level[sites]
                ok = lvl >= 0
                ok[ok] &= suitable[lvl[ok], j] & (total[ok] <= limit_m[lvl[ok]])
                out_i.append(sites[ok])
                out_j.append(np.full(int(ok.sum()), j))
                out_w.append(total[ok])
                self._road_m.update(zip(zip(sites[ok].tolist(), [int(j)] * int(ok.sum())), d[sites[ok]].tolist()))
        if not out_i:
            return Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        return Candidates(np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64),
                          np.concatenate(out_w))

    def routes(self, pairs: Sequence[tuple[int, int]], progress: Progress) -> list[Route]:
        """Draw each pair's route: one Dijkstra per substation used, cut off at its farthest site."""
        by_sub: dict[int, list[int]] = {}
        for k, (_, j) in enumerate(pairs):
            by_sub.setdefault(int(j), []).append(k)
        out: list[Route] = [None] * len(pairs)  # type: ignore[list-item]
        for step, (j, ks) in enumerate(sorted(by_sub.items())):
            check_cancelled(progress)
            progress.report(step / max(len(by_sub), 1))
            need = max(self._road_m.get((int(pairs[k][0]), j), np.inf) for k in ks)
            _, pred = csgraph_dijkstra(self.csr, directed=True, indices=self.substation_node(j),
                                       limit=float(need) * (1 + 1e-9) + 1e-6 if np.isfinite(need) else np.inf,
                                       return_predecessors=True)
            for k in ks:
                out[k] = self._route(int(pairs[k][0]), j, pred)
        return out

    def road_path(self, site: int, substation: int, pred: np.ndarray | None = None) -> list[int]:
        """Graph nodes from the site's access point to the substation's (empty if unreachable)."""
        src = self.substation_node(substation)
        if pred is None:
            _, pred = csgraph_dijkstra(self.csr, directed=True, indices=src, return_predecessors=True)
        node = self.site_node(site)
        path = [node]
        while node != src:
            node = int(pred[node])
            if node < 0:
                return []
            path.append(node)
        return path

    def _edge(self, x: int, y: int) -> int:
        if not self._edge_of:
            e = self.edges
            self._edge_of = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(e["a"], e["b"]))}
        k = self._edge_of.get((x, y))
        return self._edge_of[(y, x)] if k is None else k

    def _piece_coords(self, p: int) -> np.ndarray:
        if p not in self._coords:
            self._coords[p] = shapely.get_coordinates(self.net.pieces[p])
        return self._coords[p]

    def _edge_coords(self, k: int, start: int) -> np.ndarray:
        e = self.edges
        p, a, b = int(e["piece"][k]), float(e["from"][k]), float(e["to"][k])
        if p < 0:  # into a polygon site's end node: nothing to draw
            return np.empty((0, 2))
        if a <= 0.0 and b >= self.net.length_m[p]:
            c = self._piece_coords(p)
        else:
            c = shapely.get_coordinates(substring(self.net.pieces[p], a, b))
        return c if int(e["a"][k]) == start else c[::-1]

    def _route(self, i: int, j: int, pred: np.ndarray) -> Route:
        path = self.road_path(i, j, pred)
        if len(path) > 1 and path[0] != self.n_nodes + i:   # a polygon site's end node: drop its virtual edge
            path = path[1:]
        entered = path[0] != self.n_nodes + i                # the route starts at an entry on the site's edge
        parts = [] if entered else [shapely.get_coordinates(self.site_access.segment[i])]
        for x, y in zip(path[:-1], path[1:]):
            parts.append(self._edge_coords(self._edge(x, y), x))
        parts.append(shapely.get_coordinates(self.sub_access.segment[j])[::-1])
        coords = np.vstack(parts)
        keep = np.r_[True, np.any(coords[1:] != coords[:-1], axis=1)]
        coords = coords[keep]
        if len(coords) < 2:
            coords = np.vstack([coords, coords])
        line = shapely.LineString(coords)
        site_access_m = 0.0 if entered else float(self.site_access.length_m[i])
        return Route(line, float(line.length), site_access_m + float(self.sub_access.length_m[j]))


@dataclass(frozen=True)
class CostSurface:
    """A raster of cost factors for least-cost routing (1 = open farmland; NaN or ≤ 0 = impassable).

    Attributes
    ----------
    factor : numpy.ndarray
        Cost factor per cell. [-]
    x0, y0 : float
        Upper-left corner of the raster. [m]
    resolution_m : float
        Cell size (square cells). [m]
    """

    factor: np.ndarray
    x0: float
    y0: float
    resolution_m: float

    def cell_of(self, xy: np.ndarray) -> np.ndarray:
        """Flat index of the cell holding each point (-1 outside)."""
        rows, cols = self.factor.shape
        c = np.floor((xy[:, 0] - self.x0) / self.resolution_m).astype(np.int64)
        r = np.floor((self.y0 - xy[:, 1]) / self.resolution_m).astype(np.int64)
        inside = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
        return np.where(inside, r * cols + c, -1)

    def centre_of(self, cells: np.ndarray) -> np.ndarray:
        """Coordinates of cell centres. [m]"""
        cols = self.factor.shape[1]
        r, c = np.divmod(np.asarray(cells), cols)
        return np.column_stack([self.x0 + (c + 0.5) * self.resolution_m, self.y0 - (r + 0.5) * self.resolution_m])

    def graph(self) -> Any:
        """8-neighbour cost graph (scipy CSR): step length × mean factor of both cells. [m]"""
        f = np.where(np.isfinite(self.factor) & (self.factor > 0), self.factor, np.nan)
        rows, cols = f.shape
        idx = np.arange(rows * cols).reshape(rows, cols)
        src, dst, w = [], [], []
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            c0, c1 = max(0, -dc), cols - max(0, dc)
            a = idx[0:rows - dr, c0:c1]
            b = idx[dr:rows, c0 + dc:c1 + dc]
            step = self.resolution_m * math.hypot(dr, dc)
            cost = step * (f.ravel()[a.ravel()] + f.ravel()[b.ravel()]) / 2.0
            ok = np.isfinite(cost)
            src.append(a.ravel()[ok])
            dst.append(b.ravel()[ok])
            w.append(cost[ok])
        s, d, ww = np.concatenate(src), np.concatenate(dst), np.concatenate(w)
        n = rows * cols
        return coo_matrix((np.r_[ww, ww], (np.r_[s, d], np.r_[d, s])), shape=(n, n)).tocsr()


def read_cost_surface(path: Path | str, band: int = 1) -> CostSurface:
    """Read a cost-factor GeoTIFF (square cells, north up) into a :class:`CostSurface`.

    Raises
    ------
    InputError
        If the raster is rotated or its cells are not square.
    """
    import rasterio

    with rasterio.open(path) as ds:
        t = ds.transform
        if t.b != 0 or t.d != 0 or abs(abs(t.e) - t.a) > 1e-9 * t.a:
            raise InputError(f"Cost raster {path}: cells must be square and north up; warp it first (gdalwarp -tr).")
        data = ds.read(band).astype(float)
        if ds.nodata is not None:
            data[data == ds.nodata] = np.nan
    return CostSurface(data, float(t.c), float(t.f), float(t.a))


class RasterRouter:
    """Least-cost paths over a cost-factor raster (8 neighbours; scipy Dijkstra per substation).

    Sites and substations enter at the cell holding their representative point (the point itself,
    or a point inside a polygon); routes run between cell centres. Meant for municipal extents:
    the graph holds 8 edges per cell.
    """

    def __init__(self, inputs: RoutingInputs):
        if inputs.cost_surface is None:
            raise InputError("The 'cost_raster' router needs a cost raster (cost factor per cell, 1 = farmland).")
        self.surface = inputs.cost_surface
        self.inputs = inputs
        self.csr = self.surface.graph()
        self.site_cell = self.surface.cell_of(_points_xy(inputs.sites.geometry))
        self.sub_cell = self.surface.cell_of(_points_xy(inputs.substations.geometry))
        self._pred: dict[int, np.ndarray] = {}

    def candidates(self, level: np.ndarray, suitable: np.ndarray, limit_m: np.ndarray,
                   progress: Progress) -> Candidates:
        """One limited Dijkstra per substation over the raster graph."""
        out_i, out_j, out_w = [], [], []
        n_subs = len(self.sub_cell)
        for j in range(n_subs):
            check_cancelled(progress)
            progress.report(j / max(n_subs, 1))
            lv = np.flatnonzero(suitable[:, j])
            if self.sub_cell[j] < 0 or not len(lv):
                continue
            dist = csgraph_dijkstra(self.csr, directed=True, indices=int(self.sub_cell[j]),
                                    limit=float(limit_m[lv].max()))
            inside = self.site_cell >= 0
            d = np.full(len(self.site_cell), np.inf)
            d[inside] = dist[self.site_cell[inside]]
            lvl = level
            ok = (lvl >= 0) & np.isfinite(d)
            ok[ok] &= suitable[lvl[ok], j] & (d[ok] <= limit_m[lvl[ok]])
            sites = np.flatnonzero(ok)
            out_i.append(sites)
            out_j.append(np.full(len(sites), j))
            out_w.append(d[sites])
        if not out_i:
            return Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        return Candidates(np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64),
                          np.concatenate(out_w))

    def routes(self, pairs: Sequence[tuple[int, int]], progress: Progress) -> list[Route]:
        """Follow the predecessors from each site cell to the substation cell."""
        out = []
        for i, j in pairs:
            pred = self._pred.get(int(j))
            if pred is None:   # only the substations used keep their predecessors
                _, pred = csgraph_dijkstra(self.csr, directed=True, indices=int(self.sub_cell[j]),
                                           return_predecessors=True)
                self._pred[int(j)] = pred
            cells = [int(self.site_cell[i])]
            while cells[-1] != self.sub_cell[j] and pred[cells[-1]] >= 0:
                cells.append(int(pred[cells[-1]]))
            xy = self.surface.centre_of(np.array(cells))
            if len(xy) < 2:
                xy = np.vstack([xy, xy])
            line = shapely.LineString(xy)
            out.append(Route(line, float(line.length), 0.0))
        return out


def _points_xy(geoms: np.ndarray) -> np.ndarray:
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts)


#: Routers by name: how a connection line finds its way.
ROUTERS: dict[str, Callable[[RoutingInputs], Router]] = {
    "roads": RoadRouter,
    "cost_raster": RasterRouter,
}
