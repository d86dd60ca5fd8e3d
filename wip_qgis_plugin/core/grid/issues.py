"""The topology report: the kinds of issues, the issues a grid has, and the report layer.

:data:`ISSUE_KINDS` says what each kind means and what to do about it; :func:`find_issues` lists
the places of a built grid a planner should look at (moved ends, dangling ends, isolated parts,
unattached substations …); :func:`issues_frame` turns them into a point layer.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from .cleaning import CleanedLines
from .graph import anchor_xy, substation_names
from .settings import TopologySettings
from .voltages import format_voltages, parse_voltages


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



#: Line ends moved less than this are joined silently: coordinates that differ by rounding, not a gap. [m]
MIN_REPORTED_SNAP_M = 0.01


def find_issues(
    lines: gpd.GeoDataFrame, graph: nx.MultiGraph, pieces: gpd.GeoDataFrame, subs: gpd.GeoDataFrame,
    cleaned: CleanedLines, no_voltage: np.ndarray, settings: TopologySettings,
) -> list[TopologyIssue]:
    """Every place of the grid the report lists (see :data:`ISSUE_KINDS`).

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        The power lines as read (for lines without a voltage).
    graph : networkx.MultiGraph
        The grid graph (see :func:`~.graph.build_grid_graph`).
    pieces, subs : geopandas.GeoDataFrame
        The line pieces and substations of the graph, with their components.
    cleaned : CleanedLines
        The cleaning's moved ends and collapsed lines.
    no_voltage : numpy.ndarray
        Row positions of lines without a voltage value.
    settings : TopologySettings
        Tolerances and field names.
    """
    issues: list[TopologyIssue] = []
    names = substation_names(subs, settings.name_field)
    sub_geoms = subs.geometry.values
    sub_tree = shapely.STRtree(sub_geoms) if len(sub_geoms) else None

    def nearest_sub(x: float, y: float) -> tuple[str, float]:
        if sub_tree is None:
            return "", float("nan")
        pt = shapely.Point(x, y)
        j = int(sub_tree.nearest(pt))
        return names[j], float(shapely.distance(pt, sub_geoms[j]))

    for s in cleaned.snaps:
        if s.distance_m < MIN_REPORTED_SNAP_M:  # rounding in the data (SciGRID: 78 sub-millimetre "snaps"), no issue
            continue
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
        x, y = anchor_xy(sub_geoms[j:j + 1])[0]
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
