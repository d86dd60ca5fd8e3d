"""Grid topology: power-line layers as a networkx graph, cleaned, by voltage level, with a defect report.

The lines of a layer (OSM ``power=line`` / ``minor_line`` or any layer with a voltage field,
:mod:`.voltages`) become the edges of a :class:`networkx.MultiGraph` (:mod:`.graph`). Voltage
levels are kept apart: a node carries one voltage level, and lines of different levels meet only
in a substation, whose buses of different levels are joined by *transformer* edges. Before the
graph is built the geometry is cleaned, level by level, until nothing changes any more
(:mod:`.cleaning`: ends onto substations, ends merged, T-junctions, splits at shared vertices).

Lines that merely cross are not connected (overhead lines cross without a junction). Every change
and every suspicious place is reported as a :class:`~.issues.TopologyIssue` (:mod:`.issues`);
:meth:`GridTopology.report_frame` turns them into a point layer. :func:`check_grid_topology`
reads the layers, builds the topology and writes the :class:`TopologyOutputs`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pyogrio
import shapely

from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, write_vector
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from .cleaning import clean_lines
from .graph import build_grid_graph, substation_frame
from .issues import ISSUE_KINDS, TopologyIssue, find_issues, issues_frame
from .settings import TopologySettings
from .voltages import explode_lines
from ..messages import msg


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


def build_topology(
    lines: gpd.GeoDataFrame,
    substations: gpd.GeoDataFrame | None = None,
    settings: TopologySettings | None = None,
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
    settings : TopologySettings, optional
        Tolerances and field names; default :class:`TopologySettings`.
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
    settings = settings or TopologySettings()
    settings.check()
    if lines.crs is not None:
        check_working_crs(lines.crs)
    subs = substation_frame(substations, lines.crs, settings)
    progress.report(0.05, msg("step_reading_voltage_levels"))
    exploded, no_voltage = explode_lines(lines, settings.voltage_field, settings.min_voltage_v)
    check_cancelled(progress)
    point_subs = np.flatnonzero(shapely.get_type_id(subs.geometry.values) == 0)
    anchors = shapely.get_coordinates(subs.geometry.values[point_subs]) if len(point_subs) else None
    progress.report(0.15, msg("step_cleaning_lines"))
    cleaned = clean_lines(exploded, settings.snap_tolerance_m, anchors, settings.attach_tolerance_m,
                          settings.max_passes)
    check_cancelled(progress)
    progress.report(0.6, msg("step_building_graph"))
    graph, pieces, subs = build_grid_graph(cleaned.lines, subs, settings)
    check_cancelled(progress)
    progress.report(0.85, msg("step_topology_report"))
    issues = find_issues(lines, graph, pieces, subs, cleaned, no_voltage, settings)
    progress.report(1.0)
    return GridTopology(graph, pieces, subs, tuple(issues), settings, cleaned.converged)


def read_grid_layers(
    lines: LayerRef,
    substations: LayerRef | None,
    settings: TopologySettings | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Read the power-line and substation layers into the working CRS (``settings.crs``, ``settings.bbox``).

    Raises
    ------
    InputError
        Missing file, layer, CRS or voltage field (naming the fields present).
    """
    settings = settings or TopologySettings()
    working = check_working_crs(settings.crs)
    bbox = settings.bbox
    info = layer_info(lines, "power_lines")
    if settings.voltage_field not in info.fields:
        raise InputError(
            f"Layer for role 'power_lines' ({lines.describe()}) has no field {settings.voltage_field!r}. "
            f"Fields present: {', '.join(info.fields) or 'none'}. Choose the field holding the voltage in "
            "volts (OSM: voltage; SciGRID: v_nom in kV).")
    line_frame = read_layer(lines, "power_lines", working, bbox, (settings.voltage_field,), invalid="repair",
                            empty_ok=True)
    sub_frame = None
    if substations is not None:
        sinfo = layer_info(substations, "substations")
        wanted = tuple(f for f in dict.fromkeys((settings.substation_voltage_field, settings.name_field,
                                                 "free_capacity_mw", "capacity_mva")) if f in sinfo.fields)
        sub_frame = read_layer(substations, "substations", working, bbox, wanted, invalid="repair")
    return line_frame, sub_frame


@dataclass(frozen=True)
class TopologyOutputs:
    """Where to write the results of a topology check (None: not written).

    Attributes
    ----------
    report : Path or None
        GeoPackage for the issues (layer ``topology_report``).
    cleaned_lines : Path or None
        GeoPackage for the cleaned line pieces (layer ``grid_lines``); may be the report's file.
    """

    report: Path | None = None
    cleaned_lines: Path | None = None

    def paths(self) -> list[Path]:
        """Every file written (each once)."""
        return list(dict.fromkeys(Path(p) for p in (self.report, self.cleaned_lines) if p))


def check_grid_topology(
    lines: LayerRef,
    substations: LayerRef | None = None,
    outputs: TopologyOutputs = TopologyOutputs(),
    settings: TopologySettings | None = None,
    progress: Progress | None = None,
) -> GridTopology:
    """Read the layers, build the topology and write the report layers (atomically).

    Parameters
    ----------
    lines, substations : LayerRef
        Power lines and (optionally) substations.
    outputs : TopologyOutputs
        Where to write the report and the cleaned lines.
    settings : TopologySettings, optional
        Tolerances, fields, the working CRS (projected, metres) and the extent read; default
        :class:`TopologySettings`.
    progress : Progress, optional
        Progress and cancellation.
    """
    progress = progress or NullProgress()
    settings = settings or TopologySettings()
    line_frame, sub_frame = read_grid_layers(lines, substations, settings)
    if line_frame.empty:  # an empty layer is a result, not an error
        n_subs = len(sub_frame) if sub_frame is not None else 0
        progress.info(msg("grid_no_lines", layer=lines.describe(), n=n_subs))
    topo = build_topology(line_frame, sub_frame, settings, progress)
    write_topology_outputs(topo, outputs.report, outputs.cleaned_lines)
    return topo


def write_topology_outputs(topology: GridTopology, report: Path | None = None, lines: Path | None = None) -> None:
    """Write the report and the cleaned lines as GeoPackages, atomically (all or nothing)."""
    items: list[tuple[Path, str, gpd.GeoDataFrame]] = []
    if report is not None:
        items.append((Path(report), "topology_report", topology.report_frame()))
    if lines is not None:
        items.append((Path(lines), "grid_lines", topology.lines.drop(columns=["u", "v"])))
    write_layers_atomic(items)


#: Geometry type of each layer this module writes (a layer without features keeps it).
LAYER_GEOMETRY = {"topology_report": "Point", "grid_lines": "LineString"}


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
            write_vector(temps[path], frame, layer, LAYER_GEOMETRY.get(layer))


def layer_names(path: Path) -> list[str]:
    """Layer names of a written GeoPackage (for tests and logs)."""
    return [str(name) for name, _ in pyogrio.list_layers(path)]
