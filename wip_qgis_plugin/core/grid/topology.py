"""Grid topology: power-line layers as a networkx graph, cleaned, by voltage level, with a defect report.

The lines of a layer (OSM ``power=line`` / ``minor_line`` or any layer with a voltage field)
become the edges of a :class:`networkx.MultiGraph`. Voltage levels are kept apart: a node
carries one voltage level, and lines of different levels meet only in a substation, whose buses
of different levels are joined by *transformer* edges. Before the graph is built the geometry is
cleaned, level by level, until nothing changes any more (so cleaning the cleaned lines changes
nothing):

1. line ends within the substation tolerance of a substation point are moved onto it;
2. line ends within the snap tolerance of each other are merged (onto the end most lines share);
3. a dangling line end within the snap tolerance of another line's interior is moved onto that
   line, which is split there (a T-junction); a line end lying exactly on a line splits it;
4. lines are split at vertices they share with another line of the same level.

Lines that merely cross are not connected (overhead lines cross without a junction). Every change
and every suspicious place is reported as a :class:`TopologyIssue`; :meth:`GridTopology.report_frame`
turns them into a point layer.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import InputError
from ..data.outputs import OutputTransaction, write_vector
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, check_cancelled

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
#: Exact-coordinate comparisons use this rounding for keys. [m]
_KEY_DECIMALS = 6


@dataclass(frozen=True)
class IssueKind:
    """What a kind of topology issue means and what to do about it."""

    severity: str
    title: str
    fix: str


#: The kinds of topology issues (registry: the report and the docs read it).
ISSUE_KINDS: dict[str, IssueKind] = {
    "snapped_endpoint": IssueKind(
        "info", "line end moved onto another line end (within the snap tolerance)",
        "check the moved end; correct the source data if the join is wrong"),
    "snapped_to_substation": IssueKind(
        "info", "line end moved onto a substation point (within the substation tolerance)",
        "check the moved end; correct the source data if the line does not end there"),
    "t_junction": IssueKind(
        "info", "dangling line end moved onto another line's interior, which was split there",
        "check that the lines really join (a T-junction), else lower the snap tolerance"),
    "collapsed_line": IssueKind(
        "warning", "line shorter than the snap tolerance collapsed to a point and was dropped",
        "check the line; lower the snap tolerance if it is a real connection"),
    "no_voltage": IssueKind(
        "warning", "line without a voltage value; left out of the graph",
        "fill the voltage field (OSM: voltage=110000, in volts; several circuits: 110000;20000)"),
    "dangling_end": IssueKind(
        "warning", "line end that meets no other line and no substation",
        "a real end (region edge, village station) or a gap: extend the line or raise the tolerance"),
    "isolated_component": IssueKind(
        "warning", "part of the grid not connected to the main grid",
        "join it to the main grid (missing line or substation), or ignore it if it leaves the region"),
    "substation_not_attached": IssueKind(
        "warning", "substation with no line end within the substation tolerance",
        "move the substation onto its lines' ends, or raise the substation tolerance"),
    "substation_voltage_mismatch": IssueKind(
        "info", "a line of a voltage level the substation's voltage tag does not list ends at it",
        "complete the substation's voltage tag (e.g. 380000;110000)"),
}


@dataclass(frozen=True)
class TopologySettings:
    """How power lines are cleaned and joined.

    Parameters
    ----------
    snap_tolerance_m : float
        Line ends closer than this are merged; dangling ends this close to another line join
        it. [m]
    substation_tolerance_m : float or None
        Line ends this close to a substation (point, or polygon edge) attach to it; None: the
        snap tolerance. [m]
    voltage_field : str
        Field with the voltage in volts, OSM style (``110000``, ``110000;20000``). Values
        below 1000 are read as kV (SciGRID's ``v_nom``).
    substation_voltage_field : str
        Voltage field of the substation layer (may be missing).
    name_field : str
        Name field of the substation layer (may be missing).
    min_voltage_v : float
        Voltage levels below this are left out (not reported). [V]
    max_passes : int
        Upper limit of cleaning passes per voltage level.
    """

    snap_tolerance_m: float = 10.0
    substation_tolerance_m: float | None = None
    voltage_field: str = "voltage"
    substation_voltage_field: str = "voltage"
    name_field: str = "name"
    min_voltage_v: float = 0.0
    max_passes: int = 10

    @property
    def attach_tolerance_m(self) -> float:
        """Tolerance used to attach line ends to substations. [m]"""
        return self.snap_tolerance_m if self.substation_tolerance_m is None else self.substation_tolerance_m

    def check(self) -> None:
        """Raise :class:`InputError` for impossible values."""
        if not self.snap_tolerance_m >= 0 or not self.attach_tolerance_m >= 0:
            raise InputError(
                f"Snap tolerance {self.snap_tolerance_m!r} m / substation tolerance "
                f"{self.substation_tolerance_m!r} m: use zero or a positive distance in metres (e.g. 10).")
        if self.max_passes < 1:
            raise InputError(f"max_passes = {self.max_passes}: use at least 1.")


@dataclass(frozen=True)
class TopologyIssue:
    """One place of the grid a planner should look at.

    Attributes
    ----------
    kind : str
        A key of :data:`ISSUE_KINDS`.
    x, y : float
        Where, in the working CRS. [m]
    voltage_v : int or None
        Voltage level concerned. [V]
    feature : int or None
        Index of the input feature (line or substation) in its layer, in reading order.
    distance_m : float
        Distance an end was moved, or from a dangling end to the nearest substation. [m]
    n_lines : int
        Lines in an isolated component (0 otherwise).
    length_km : float
        Line length of an isolated component. [km]
    component : int
        Component id (0 is the main grid; -1 if not applicable).
    substation : str
        Name of the substation concerned or nearest (empty if none).
    detail : str
        Human-readable description.
    """

    kind: str
    x: float
    y: float
    voltage_v: int | None = None
    feature: int | None = None
    distance_m: float = float("nan")
    n_lines: int = 0
    length_km: float = float("nan")
    component: int = -1
    substation: str = ""
    detail: str = ""

    @property
    def severity(self) -> str:
        """``info`` or ``warning``, from :data:`ISSUE_KINDS`."""
        return ISSUE_KINDS[self.kind].severity


@dataclass(frozen=True)
class Snap:
    """A line end moved by the cleaning.

    Attributes
    ----------
    kind : str
        ``snapped_endpoint``, ``snapped_to_substation`` or ``t_junction``.
    line_id : int
        Input feature index of the line.
    voltage_v : int
        Voltage level. [V]
    from_xy, to_xy : tuple of float
        Old and new position. [m]
    """

    kind: str
    line_id: int
    voltage_v: int
    from_xy: tuple[float, float]
    to_xy: tuple[float, float]

    @property
    def distance_m(self) -> float:
        """How far the end moved. [m]"""
        return float(np.hypot(self.to_xy[0] - self.from_xy[0], self.to_xy[1] - self.from_xy[1]))


@dataclass(frozen=True)
class CleanedLines:
    """Result of :func:`clean_lines`.

    Attributes
    ----------
    lines : geopandas.GeoDataFrame
        One row per cleaned line piece: ``line_id``, ``voltage_v``, geometry.
    snaps : tuple of Snap
        Every moved line end.
    collapsed : tuple of (int, int, float, float)
        ``(line_id, voltage_v, x, y)`` of lines that collapsed to a point.
    converged : bool
        False if ``max_passes`` ran out before a pass changed nothing.
    """

    lines: gpd.GeoDataFrame
    snaps: tuple[Snap, ...]
    collapsed: tuple[tuple[int, int, float, float], ...] = ()
    converged: bool = True


@dataclass(frozen=True)
class GridTopology:
    """The grid as a graph, with the cleaned lines, the substations and the issues found.

    Attributes
    ----------
    graph : networkx.MultiGraph
        Nodes: ``kind`` (``bus`` in a substation, ``junction``, ``joint``, ``end``),
        ``voltage_v`` [V], ``x``, ``y`` [m], ``substation`` (row index or None), ``component``.
        Edges: ``kind`` (``line`` or ``transformer``), ``voltage_v`` [V] (None for
        transformers, which carry ``from_v`` and ``to_v``), ``length_m`` [m], ``line_id``,
        ``geometry``.
    lines : geopandas.GeoDataFrame
        Cleaned line pieces: ``line_id``, ``voltage_v``, ``voltage_kv``, ``length_m``, ``u``,
        ``v`` (graph nodes), ``component``.
    substations : geopandas.GeoDataFrame
        The substations with ``voltage_levels`` (tag levels and levels of attached lines, OSM
        style), ``n_line_ends``, ``component`` and ``in_main_grid``.
    issues : tuple of TopologyIssue
        Everything the report lists.
    settings : TopologySettings
        The settings used.
    converged : bool
        False if cleaning stopped at ``max_passes``.
    """

    graph: nx.MultiGraph
    lines: gpd.GeoDataFrame
    substations: gpd.GeoDataFrame
    issues: tuple[TopologyIssue, ...]
    settings: TopologySettings
    converged: bool = True

    @property
    def crs(self) -> Any:
        """CRS of the geometries."""
        return self.lines.crs

    def levels_v(self) -> tuple[int, ...]:
        """Voltage levels present, highest first. [V]"""
        return tuple(sorted({int(v) for v in self.lines["voltage_v"]}, reverse=True))

    def issues_of(self, kind: str) -> tuple[TopologyIssue, ...]:
        """The issues of one kind."""
        return tuple(i for i in self.issues if i.kind == kind)

    def report_frame(self) -> gpd.GeoDataFrame:
        """The issues as a point layer (one row per issue)."""
        return issues_frame(self.issues, self.crs)

    def summary(self) -> dict[str, Any]:
        """Counts for logs and reports."""
        kinds = {k: len(self.issues_of(k)) for k in ISSUE_KINDS}
        return {"nodes": self.graph.number_of_nodes(), "edges": self.graph.number_of_edges(),
                "line_pieces": len(self.lines), "length_km": float(self.lines["length_m"].sum() / 1000.0),
                "substations": len(self.substations), "levels_v": list(self.levels_v()),
                "components": int(self.lines["component"].max() + 1) if len(self.lines) else 0,
                "issues": {k: n for k, n in kinds.items() if n}}


# ----------------------------------------------------------------------------------------------
# Voltages
# ----------------------------------------------------------------------------------------------
def parse_voltages(value: Any) -> tuple[int, ...]:
    """Voltage levels of an OSM voltage value, highest first. [V]

    ``"110000;20000"`` → ``(110000, 20000)``; ``380.0`` (kV, as in SciGRID) → ``(380000,)``;
    zeros, empty and missing values → ``()``.
    """
    if value is None or isinstance(value, bool):
        return ()
    if isinstance(value, (int, float, np.integer, np.floating)):
        numbers = [] if np.isnan(value) else [float(value)]
    else:
        numbers = [float(n.replace(",", ".")) for n in _NUMBER.findall(str(value))]
    out = {int(round(n * 1000.0 if n < 1000.0 else n)) for n in numbers if n > 0}
    return tuple(sorted(out, reverse=True))


def format_voltages(levels: Sequence[int]) -> str:
    """OSM style text of voltage levels: ``"380000;110000"``."""
    return ";".join(str(int(v)) for v in sorted(set(levels), reverse=True))


def explode_lines(
    lines: gpd.GeoDataFrame, voltage_field: str, min_voltage_v: float = 0.0
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """One row per line part and voltage level.

    A line tagged with several voltages (several circuits on one set of towers) becomes one
    row per level.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        (Multi)LineStrings with a voltage field.
    voltage_field : str
        The voltage field.
    min_voltage_v : float
        Levels below this are dropped. [V]

    Returns
    -------
    (geopandas.GeoDataFrame, numpy.ndarray)
        Rows with ``line_id`` (row position in ``lines``), ``voltage_v`` and geometry; and the
        row positions of lines without any voltage value.

    Raises
    ------
    InputError
        If the voltage field is missing or a geometry is not a line.
    """
    if voltage_field not in lines.columns:
        raise InputError(
            f"The power-line layer has no field {voltage_field!r}. Fields present: "
            f"{', '.join(c for c in lines.columns if c != 'geometry') or 'none'}. Choose the field "
            "holding the voltage in volts (OSM: voltage).")
    geoms = lines.geometry.values
    types = set(shapely.get_type_id(geoms).tolist()) - {1, 5}
    if types:
        raise InputError(
            "The power-line layer holds geometries other than lines (type ids "
            f"{sorted(types)}); give a line layer (OSM power=line / minor_line).")
    rows: list[tuple[int, int, Any]] = []
    no_voltage: list[int] = []
    for i, (value, geom) in enumerate(zip(lines[voltage_field].to_numpy(dtype=object), geoms)):
        levels = parse_voltages(value)
        if not levels:
            no_voltage.append(i)
            continue
        parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
        for level in levels:
            if level < min_voltage_v:
                continue
            rows.extend((i, level, p) for p in parts)
    out = gpd.GeoDataFrame({"line_id": [r[0] for r in rows], "voltage_v": [r[1] for r in rows]},
                           geometry=[shapely.force_2d(r[2]) for r in rows], crs=lines.crs)
    return out, np.asarray(no_voltage, dtype=np.int64)


# ----------------------------------------------------------------------------------------------
# Cleaning
# ----------------------------------------------------------------------------------------------
def clean_lines(
    lines: gpd.GeoDataFrame,
    tolerance_m: float,
    anchors: np.ndarray | None = None,
    anchor_tolerance_m: float | None = None,
    max_passes: int = 10,
) -> CleanedLines:
    """Snap and split lines, each voltage level on its own, until a pass changes nothing.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        LineStrings with ``line_id`` and ``voltage_v`` (see :func:`explode_lines`).
    tolerance_m : float
        Snap tolerance for line ends and T-junctions. [m]
    anchors : numpy.ndarray, optional
        ``(n, 2)`` substation points: ends within ``anchor_tolerance_m`` move onto them and
        stay there. [m]
    anchor_tolerance_m : float, optional
        Tolerance for anchors; default ``tolerance_m``. [m]
    max_passes : int
        Upper limit of passes per level.

    Returns
    -------
    CleanedLines
        Cleaning the returned lines again changes nothing (if ``converged``).
    """
    anchor_tol = tolerance_m if anchor_tolerance_m is None else anchor_tolerance_m
    anchors_xy = np.empty((0, 2)) if anchors is None else np.asarray(anchors, dtype=float).reshape(-1, 2)
    out_coords: list[np.ndarray] = []
    out_ids: list[int] = []
    out_levels: list[int] = []
    snaps: list[Snap] = []
    collapsed: list[tuple[int, int, float, float]] = []
    converged = True
    levels = sorted({int(v) for v in lines["voltage_v"]}, reverse=True) if len(lines) else []
    for level in levels:
        sel = lines[lines["voltage_v"].to_numpy() == level]
        coords = [_dedupe(shapely.get_coordinates(g)) for g in sel.geometry.values]
        ids = [int(i) for i in sel["line_id"]]
        coords, ids, gone = _drop_degenerate(coords, ids, level)
        collapsed.extend(gone)
        changed = True
        for _ in range(max_passes):
            coords, ids, pass_snaps, gone, changed = _clean_pass(coords, ids, level, tolerance_m,
                                                                  anchors_xy, anchor_tol)
            snaps.extend(pass_snaps)
            collapsed.extend(gone)
            if not changed:
                break
        converged &= not changed
        out_coords.extend(coords)
        out_ids.extend(ids)
        out_levels.extend([level] * len(coords))
    frame = gpd.GeoDataFrame({"line_id": np.asarray(out_ids, dtype=np.int64),
                              "voltage_v": np.asarray(out_levels, dtype=np.int64)},
                             geometry=[shapely.linestrings(c) for c in out_coords], crs=lines.crs)
    return CleanedLines(frame, tuple(snaps), tuple(collapsed), converged)


def _dedupe(c: np.ndarray) -> np.ndarray:
    """Drop consecutive repeated vertices."""
    c = np.asarray(c, dtype=float)[:, :2]
    if len(c) < 2:
        return c
    keep = np.ones(len(c), dtype=bool)
    keep[1:] = np.any(c[1:] != c[:-1], axis=1)
    return c[keep]


def _drop_degenerate(coords: list[np.ndarray], ids: list[int], level: int
                     ) -> tuple[list[np.ndarray], list[int], list[tuple[int, int, float, float]]]:
    keep_c, keep_i, gone = [], [], []
    for c, i in zip(coords, ids):
        if len(c) >= 2:
            keep_c.append(c)
            keep_i.append(i)
        elif len(c):
            gone.append((i, level, float(c[0, 0]), float(c[0, 1])))
    return keep_c, keep_i, gone


def _key(xy: np.ndarray) -> tuple[float, float]:
    return (round(float(xy[0]), _KEY_DECIMALS), round(float(xy[1]), _KEY_DECIMALS))


def _clean_pass(
    coords: list[np.ndarray], ids: list[int], level: int, tol: float, anchors_xy: np.ndarray, anchor_tol: float
) -> tuple[list[np.ndarray], list[int], list[Snap], list[tuple[int, int, float, float]], bool]:
    """One pass: anchor ends, merge ends, T-junctions, split at shared vertices."""
    n = len(coords)
    if n == 0:
        return coords, ids, [], [], False
    coords = [c.copy() for c in coords]
    ends = np.vstack([np.array([c[0] for c in coords]), np.array([c[-1] for c in coords])])
    snaps: list[Snap] = []
    changed = False

    def move(k: int, to: np.ndarray, kind: str) -> None:
        nonlocal changed
        if np.array_equal(ends[k], to):
            return
        snaps.append(Snap(kind, ids[k % n], level, (float(ends[k, 0]), float(ends[k, 1])),
                          (float(to[0]), float(to[1]))))
        ends[k] = to
        changed = True

    # 1. ends near a substation point move onto it and stay fixed
    fixed = np.zeros(2 * n, dtype=bool)
    end_pts = shapely.points(ends)
    if len(anchors_xy):
        hit, _ = nearest_point_within(anchors_xy, end_pts, anchor_tol)
        for k in np.flatnonzero(hit >= 0):
            fixed[k] = True
            move(int(k), anchors_xy[hit[k]], "snapped_to_substation")
    # 2. ends within the tolerance of each other merge
    end_pts = shapely.points(ends)
    tree = shapely.STRtree(end_pts)
    pairs = tree.query(end_pts, predicate="dwithin", distance=tol) if tol > 0 else \
        tree.query(end_pts, predicate="intersects")
    m = 2 * n
    graph = coo_matrix((np.ones(pairs.shape[1]), (pairs[0], pairs[1])), shape=(m, m))
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    for comp in np.flatnonzero(sizes > 1):
        members = np.flatnonzero(label == comp)
        rep = _representative(ends[members], fixed[members])
        for k in members:
            if not fixed[k]:
                move(int(k), rep, "snapped_endpoint")
    for k in range(m):
        c = coords[k % n]
        c[0 if k < n else -1] = ends[k]
    coords = [_dedupe(c) for c in coords]
    coords, ids, gone = _drop_degenerate(coords, ids, level)
    if gone:
        return coords, ids, snaps, gone, True
    # 3. T-junctions: ends on (or, if dangling, near) another line's interior
    ends = np.vstack([np.array([c[0] for c in coords]), np.array([c[-1] for c in coords])])
    end_keys = [_key(e) for e in ends]
    count: dict[tuple[float, float], int] = {}
    for key in end_keys:
        count[key] = count.get(key, 0) + 1
    geoms = np.array([shapely.linestrings(c) for c in coords], dtype=object)
    end_pts = shapely.points(ends)
    ltree = shapely.STRtree(geoms)
    pairs = ltree.query(end_pts, predicate="dwithin", distance=max(tol, 1e-9))
    dist = shapely.distance(end_pts[pairs[0]], geoms[pairs[1]]) if pairs.shape[1] else np.empty(0)
    cand: dict[int, list[tuple[float, int]]] = {}
    for k, line, d in zip(pairs[0].tolist(), pairs[1].tolist(), dist.tolist()):
        own = k % n
        if line == own:
            continue
        if end_keys[k] in (_key(coords[line][0]), _key(coords[line][-1])):
            continue
        cand.setdefault(k, []).append((d, line))
    split_at: dict[int, list[np.ndarray]] = {}
    moved_lines: set[int] = set()
    for k in sorted(cand):
        options = sorted(cand[k])
        zero = [line for d, line in options if d <= 1e-9]
        for line in zero:
            split_at.setdefault(line, []).append(ends[k].copy())
        if zero or tol <= 0:
            continue
        own = k % n
        dangling = count[end_keys[k]] == 1 and not (fixed[k] if k < len(fixed) else False)
        d, line = options[0]
        if not dangling or own in split_at or line in moved_lines or own == line:
            continue
        target = geoms[line]
        q = np.array(shapely.get_coordinates(target.interpolate(target.project(end_pts[k]))))[0]
        tc = coords[line]
        near = np.flatnonzero(np.hypot(*(tc - q).T) <= 1e-9)
        if len(near):
            if near[0] in (0, len(tc) - 1):
                continue  # an end: the next pass merges the ends
            q = tc[near[0]].copy()
        snaps.append(Snap("t_junction", ids[own], level, (float(ends[k, 0]), float(ends[k, 1])),
                          (float(q[0]), float(q[1]))))
        coords[own][0 if k < n else -1] = q
        ends[k] = q
        moved_lines.add(own)
        split_at.setdefault(line, []).append(q)
        changed = True
    for line, points in split_at.items():
        coords[line] = _insert_vertices(coords[line], points)
    coords = [_dedupe(c) for c in coords]
    # 4. split at vertices shared with another line (or lying on a line end)
    new_coords, new_ids, did_split = _split_shared(coords, ids)
    return new_coords, new_ids, snaps, [], changed or did_split


def nearest_point_within(targets_xy: np.ndarray, points: np.ndarray, max_distance: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest target point within ``max_distance`` for each point (-1 if none), and its distance.

    Ties go to the lowest target index. [m]
    """
    hit = np.full(len(points), -1, dtype=np.int64)
    dist = np.full(len(points), np.inf)
    if not len(targets_xy) or not len(points):
        return hit, dist
    tree = shapely.STRtree(shapely.points(targets_xy))
    pairs = tree.query(points, predicate="dwithin", distance=max_distance) if max_distance > 0 else \
        tree.query(points, predicate="intersects")
    if pairs.shape[1]:
        d = shapely.distance(points[pairs[0]], shapely.points(targets_xy[pairs[1]]))
        order = np.lexsort((pairs[1], d, pairs[0]))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pairs[0][order][1:] != pairs[0][order][:-1]
        sel = order[first]
        hit[pairs[0][sel]] = pairs[1][sel]
        dist[pairs[0][sel]] = d[sel]
    return hit, dist


def _representative(xy: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Where a cluster of ends meets: a fixed end, else the position most ends share, else the lowest (x, y)."""
    if fixed.any():
        cand = xy[fixed]
        return cand[np.lexsort((cand[:, 1], cand[:, 0]))[0]].copy()
    uniq, counts = np.unique(xy, axis=0, return_counts=True)
    best = np.flatnonzero(counts == counts.max())
    cand = uniq[best]
    return cand[np.lexsort((cand[:, 1], cand[:, 0]))[0]].copy()


def _insert_vertices(c: np.ndarray, points: list[np.ndarray]) -> np.ndarray:
    """Insert points lying on the line ``c`` as vertices, in order along it."""
    a, b = c[:-1], c[1:]
    ab = b - a
    seg_len2 = np.maximum((ab ** 2).sum(axis=1), 1e-300)
    inserts: list[tuple[int, float, np.ndarray]] = []
    for p in points:
        if np.any(np.all(c == p, axis=1)):
            continue
        t = np.clip(((p - a) * ab).sum(axis=1) / seg_len2, 0.0, 1.0)
        d = np.hypot(*(a + t[:, None] * ab - p).T)
        s = int(np.argmin(d))
        inserts.append((s, float(t[s]), p))
    if not inserts:
        return c
    inserts.sort(key=lambda r: (r[0], r[1]))
    out: list[np.ndarray] = []
    j = 0
    for s in range(len(c)):
        out.append(c[s])
        while j < len(inserts) and inserts[j][0] == s:
            out.append(inserts[j][2])
            j += 1
    return _dedupe(np.array(out))


def _split_shared(coords: list[np.ndarray], ids: list[int]) -> tuple[list[np.ndarray], list[int], bool]:
    """Split lines at interior vertices another line shares (as a vertex or an end)."""
    lens = np.array([len(c) for c in coords])
    allv = np.vstack(coords)
    owner = np.repeat(np.arange(len(coords)), lens)
    pos = np.concatenate([np.arange(k) for k in lens])
    interior = (pos > 0) & (pos < np.repeat(lens, lens) - 1)
    _, group = np.unique(np.round(allv, _KEY_DECIMALS), axis=0, return_inverse=True)
    group = group.ravel()
    pairs = np.unique(np.column_stack([group, owner]), axis=0)
    owners_per_group = np.bincount(pairs[:, 0], minlength=group.max() + 1)
    split = interior & (owners_per_group[group] >= 2)
    if not split.any():
        return coords, ids, False
    new_c: list[np.ndarray] = []
    new_i: list[int] = []
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    for li, c in enumerate(coords):
        cut = np.flatnonzero(split[starts[li]:starts[li] + lens[li]])
        if not len(cut):
            new_c.append(c)
            new_i.append(ids[li])
            continue
        bounds = [0, *cut.tolist(), len(c) - 1]
        for s, e in zip(bounds[:-1], bounds[1:]):
            new_c.append(c[s:e + 1].copy())
            new_i.append(ids[li])
    return new_c, new_i, True


# ----------------------------------------------------------------------------------------------
# Graph
# ----------------------------------------------------------------------------------------------
def build_topology(
    lines: gpd.GeoDataFrame,
    substations: gpd.GeoDataFrame | None = None,
    settings: TopologySettings = TopologySettings(),
    progress: Progress | None = None,
) -> GridTopology:
    """Clean power lines and build the grid graph with its topology report.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        Power lines in a projected CRS in metres, with ``settings.voltage_field``.
    substations : geopandas.GeoDataFrame, optional
        Substations as points or polygons (same CRS), optionally with a voltage and a name
        field.
    settings : TopologySettings
        Tolerances and field names.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    GridTopology

    Raises
    ------
    InputError
        Missing voltage field, non-line geometries, geographic CRS, bad tolerances.
    """
    progress = progress or NullProgress()
    settings.check()
    if lines.crs is not None:
        check_working_crs(lines.crs)
    subs = _substation_frame(substations, lines.crs, settings)
    progress.report(0.05, "Reading voltage levels")
    exploded, no_voltage = explode_lines(lines, settings.voltage_field, settings.min_voltage_v)
    check_cancelled(progress)
    point_subs = np.flatnonzero(shapely.get_type_id(subs.geometry.values) == 0)
    anchors = shapely.get_coordinates(subs.geometry.values[point_subs]) if len(point_subs) else None
    progress.report(0.15, "Cleaning lines")
    cleaned = clean_lines(exploded, settings.snap_tolerance_m, anchors, settings.attach_tolerance_m,
                          settings.max_passes)
    check_cancelled(progress)
    progress.report(0.6, "Building the graph")
    graph, pieces, subs = _graph(cleaned.lines, subs, settings)
    check_cancelled(progress)
    progress.report(0.85, "Topology report")
    issues = _issues(lines, graph, pieces, subs, cleaned, no_voltage, settings)
    progress.report(1.0)
    return GridTopology(graph, pieces, subs, tuple(issues), settings, cleaned.converged)


def _substation_frame(substations: gpd.GeoDataFrame | None, crs: Any, settings: TopologySettings
                      ) -> gpd.GeoDataFrame:
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
    return subs


def _graph(pieces: gpd.GeoDataFrame, subs: gpd.GeoDataFrame, settings: TopologySettings
           ) -> tuple[nx.MultiGraph, gpd.GeoDataFrame, gpd.GeoDataFrame]:
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
        key = (int(end_level[k]), *_key(end_xy[k]))
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
    names = _names(subs, settings.name_field)
    sub_xy = _anchor_xy(sub_geoms)
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


def _names(subs: gpd.GeoDataFrame, field: str) -> list[str]:
    if field not in subs.columns:
        return [f"#{j}" for j in range(len(subs))]
    return [str(v) if v is not None and not (isinstance(v, float) and np.isnan(v)) else f"#{j}"
            for j, v in enumerate(subs[field].to_numpy(dtype=object))]


def _anchor_xy(geoms: np.ndarray) -> np.ndarray:
    """A point per substation: the point itself, or a point inside the polygon. [m]"""
    if not len(geoms):
        return np.empty((0, 2))
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts)


def _issues(
    lines: gpd.GeoDataFrame, graph: nx.MultiGraph, pieces: gpd.GeoDataFrame, subs: gpd.GeoDataFrame,
    cleaned: CleanedLines, no_voltage: np.ndarray, settings: TopologySettings,
) -> list[TopologyIssue]:
    issues: list[TopologyIssue] = []
    names = _names(subs, settings.name_field)
    sub_geoms = subs.geometry.values
    sub_tree = shapely.STRtree(sub_geoms) if len(sub_geoms) else None

    def nearest_sub(x: float, y: float) -> tuple[str, float]:
        if sub_tree is None:
            return "", float("nan")
        pt = shapely.Point(x, y)
        j = int(sub_tree.nearest(pt))
        return names[j], float(shapely.distance(pt, sub_geoms[j]))

    for s in cleaned.snaps:
        name, _ = nearest_sub(*s.to_xy) if s.kind == "snapped_to_substation" else ("", 0.0)
        issues.append(TopologyIssue(
            s.kind, s.to_xy[0], s.to_xy[1], s.voltage_v, s.line_id, distance_m=s.distance_m, substation=name,
            detail=f"{s.voltage_v / 1000:g} kV line #{s.line_id}: end moved {s.distance_m:.2f} m from "
                   f"({s.from_xy[0]:.1f}, {s.from_xy[1]:.1f})" + (f" onto {name}" if name else "")))
    for line_id, level, x, y in cleaned.collapsed:
        issues.append(TopologyIssue("collapsed_line", x, y, level, line_id,
                                    detail=f"{level / 1000:g} kV line #{line_id} is shorter than the tolerance"))
    geoms = lines.geometry.values
    for i in no_voltage.tolist():
        p = shapely.line_interpolate_point(geoms[i], 0.5, normalized=True)
        if shapely.get_type_id(p) != 0 or p.is_empty:
            p = shapely.point_on_surface(geoms[i])
        raw = lines[settings.voltage_field].iat[i]
        issues.append(TopologyIssue("no_voltage", float(p.x), float(p.y), None, int(i),
                                    detail=f"line #{i}: {settings.voltage_field}={raw!r}"))
    for j in range(len(subs)):
        x, y = _anchor_xy(sub_geoms[j:j + 1])[0]
        if subs["n_line_ends"].iat[j] == 0:
            issues.append(TopologyIssue("substation_not_attached", float(x), float(y), None, j, substation=names[j],
                                        component=int(subs["component"].iat[j]),
                                        detail=f"{names[j]}: no line end within {settings.attach_tolerance_m:g} m"))
        tags = set(parse_voltages(subs[settings.substation_voltage_field].iat[j])) \
            if settings.substation_voltage_field in subs.columns else set()
        have = set(parse_voltages(subs["voltage_levels"].iat[j]))
        extra = sorted(have - tags, reverse=True)
        if tags and extra:
            issues.append(TopologyIssue(
                "substation_voltage_mismatch", float(x), float(y), extra[0], j, substation=names[j],
                detail=f"{names[j]}: lines of {', '.join(f'{v / 1000:g} kV' for v in extra)} end here, "
                       f"tag says {format_voltages(tags)}"))
    for node, data in sorted(graph.nodes(data=True)):
        if data["kind"] != "end":
            continue
        line_id = next((d["line_id"] for _, _, d in graph.edges(node, data=True)), None)
        name, dist = nearest_sub(data["x"], data["y"])
        issues.append(TopologyIssue(
            "dangling_end", data["x"], data["y"], data["voltage_v"], line_id, distance_m=dist,
            component=int(data["component"]), substation=name,
            detail=f"{data['voltage_v'] / 1000:g} kV line #{line_id} ends here"
                   + (f", {dist:.1f} m from {name}" if name else "")))
    if len(pieces):
        comp = pieces["component"].to_numpy()
        for c in range(1, int(comp.max()) + 1):
            sel = pieces[comp == c]
            if not len(sel):
                continue
            longest = sel.geometry.values[int(np.argmax(sel["length_m"].to_numpy()))]
            p = shapely.line_interpolate_point(longest, 0.5, normalized=True)
            in_comp = [names[j] for j in range(len(subs)) if int(subs["component"].iat[j]) == c]
            levels = sorted(set(sel["voltage_v"].tolist()), reverse=True)
            issues.append(TopologyIssue(
                "isolated_component", float(p.x), float(p.y), int(levels[0]), int(sel["line_id"].iat[0]),
                n_lines=len(sel), length_km=float(sel["length_m"].sum() / 1000.0), component=c,
                substation="; ".join(in_comp),
                detail=f"{len(sel)} line piece(s), {sel['length_m'].sum() / 1000:.2f} km, "
                       f"{', '.join(f'{v / 1000:g} kV' for v in levels)}"
                       + (f", substations: {', '.join(in_comp)}" if in_comp else ", no substation")))
    return issues


def issues_frame(issues: Sequence[TopologyIssue], crs: Any) -> gpd.GeoDataFrame:
    """Topology issues as a point GeoDataFrame (one row per issue).

    Columns: ``kind``, ``severity``, ``voltage_kv``, ``feature``, ``distance_m``, ``n_lines``,
    ``length_km``, ``component``, ``substation``, ``detail``, ``fix``.
    """
    return gpd.GeoDataFrame({
        "kind": [i.kind for i in issues],
        "severity": [i.severity for i in issues],
        "voltage_kv": [float(i.voltage_v) / 1000.0 if i.voltage_v else np.nan for i in issues],
        "feature": pd.array([i.feature for i in issues], dtype="Int64"),
        "distance_m": [i.distance_m for i in issues],
        "n_lines": np.array([i.n_lines for i in issues], dtype=np.int64),
        "length_km": [i.length_km for i in issues],
        "component": np.array([i.component for i in issues], dtype=np.int64),
        "substation": [i.substation for i in issues],
        "detail": [i.detail for i in issues],
        "fix": [ISSUE_KINDS[i.kind].fix for i in issues],
    }, geometry=shapely.points([(i.x, i.y) for i in issues]) if issues else [], crs=crs)


# ----------------------------------------------------------------------------------------------
# Layers and files
# ----------------------------------------------------------------------------------------------
def read_grid_layers(
    lines: LayerRef,
    substations: LayerRef | None,
    crs: str | CRS = "EPSG:25832",
    settings: TopologySettings = TopologySettings(),
    bbox: tuple[float, float, float, float] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Read the power-line and substation layers into the working CRS.

    Raises
    ------
    InputError
        Missing file, layer, CRS or voltage field (naming the fields present).
    """
    working = check_working_crs(crs)
    info = layer_info(lines, "power_lines")
    if settings.voltage_field not in info.fields:
        raise InputError(
            f"Layer for role 'power_lines' ({lines.describe()}) has no field {settings.voltage_field!r}. "
            f"Fields present: {', '.join(info.fields) or 'none'}. Choose the field holding the voltage in "
            "volts (OSM: voltage; SciGRID: v_nom in kV).")
    line_frame = read_layer(lines, "power_lines", working, bbox, (settings.voltage_field,), invalid="repair")
    sub_frame = None
    if substations is not None:
        sinfo = layer_info(substations, "substations")
        wanted = tuple(f for f in dict.fromkeys((settings.substation_voltage_field, settings.name_field,
                                                 "free_capacity_mw", "capacity_mva")) if f in sinfo.fields)
        sub_frame = read_layer(substations, "substations", working, bbox, wanted, invalid="repair")
    return line_frame, sub_frame


def check_grid_topology(
    lines: LayerRef,
    substations: LayerRef | None = None,
    crs: str | CRS = "EPSG:25832",
    settings: TopologySettings = TopologySettings(),
    bbox: tuple[float, float, float, float] | None = None,
    report: Path | None = None,
    cleaned_lines: Path | None = None,
    progress: Progress | None = None,
) -> GridTopology:
    """Read the layers, build the topology and write the report layers (atomically).

    Parameters
    ----------
    lines, substations : LayerRef
        Power lines and (optionally) substations.
    crs : str or pyproj.CRS
        Working CRS (projected, metres).
    settings : TopologySettings
        Tolerances and fields.
    bbox : tuple of float, optional
        Only features intersecting ``(xmin, ymin, xmax, ymax)`` (working CRS). [m]
    report : Path, optional
        GeoPackage for the issues (layer ``topology_report``).
    cleaned_lines : Path, optional
        GeoPackage for the cleaned line pieces (layer ``grid_lines``).
    progress : Progress, optional
        Progress and cancellation.
    """
    progress = progress or NullProgress()
    line_frame, sub_frame = read_grid_layers(lines, substations, crs, settings, bbox)
    topo = build_topology(line_frame, sub_frame, settings, progress)
    write_topology_outputs(topo, report, cleaned_lines)
    return topo


def write_topology_outputs(topology: GridTopology, report: Path | None = None, lines: Path | None = None) -> None:
    """Write the report and the cleaned lines as GeoPackages, atomically (all or nothing)."""
    items: list[tuple[Path, str, gpd.GeoDataFrame]] = []
    if report is not None:
        items.append((Path(report), "topology_report", topology.report_frame()))
    if lines is not None:
        items.append((Path(lines), "grid_lines", topology.lines.drop(columns=["u", "v"])))
    write_layers_atomic(items)


def write_layers_atomic(items: Sequence[tuple[Path, str, gpd.GeoDataFrame]]) -> None:
    """Write ``(path, layer, frame)`` items atomically; several layers may share one GeoPackage."""
    if not items:
        return
    with OutputTransaction() as tx:
        temps: dict[Path, Path] = {}
        for path, layer, frame in items:
            path = Path(path)
            if path not in temps:
                temps[path] = tx.temp_for(path)
            write_vector(temps[path], frame, layer)


def layer_names(path: Path) -> list[str]:
    """Layer names of a written GeoPackage (for tests and logs)."""
    return [str(name) for name, _ in pyogrio.list_layers(path)]
