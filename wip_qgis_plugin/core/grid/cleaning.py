"""Cleaning of power lines, each voltage level on its own, until a pass changes nothing.

One pass (:func:`clean_lines` repeats it, at most ``max_passes`` times):

1. line ends within the substation tolerance of a substation point are moved onto it;
2. line ends within the snap tolerance of each other are merged (onto the end most lines share);
3. a dangling line end within the snap tolerance of another line's interior is moved onto that
   line, which is split there (a T-junction); a line end lying exactly on a line splits it;
4. lines are split at vertices they share with another line of the same level.

Lines that merely cross are not joined (overhead lines cross without a junction). Every moved end
is recorded as a :class:`Snap`. Cleaning the cleaned lines changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

#: Exact-coordinate comparisons use this rounding for keys. [m]
KEY_DECIMALS = 6


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


def point_key(xy: np.ndarray) -> tuple[float, float]:
    """A point as a hashable key, rounded to :data:`KEY_DECIMALS` (exact-coordinate comparisons). [m]"""
    return (round(float(xy[0]), KEY_DECIMALS), round(float(xy[1]), KEY_DECIMALS))


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
    end_keys = [point_key(e) for e in ends]
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
        if end_keys[k] in (point_key(coords[line][0]), point_key(coords[line][-1])):
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
    _, group = np.unique(np.round(allv, KEY_DECIMALS), axis=0, return_inverse=True)
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
