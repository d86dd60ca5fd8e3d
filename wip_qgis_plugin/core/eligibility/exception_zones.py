"""The exceptions of criteria (``except_within``, :mod:`..catalogue.exceptions`) on the analysis grid.

:func:`read_exception_zones` reads the features of every exception in force on the run's date (within its
buffer around the area of interest); :func:`exception_masks` gives, per tile, the pixels where each criterion
does not apply. An exception without data is not assessed: the criterion applies there as well (the
stricter reading), and the run says so.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from ..catalogue.model import Criterion
from ..data.layers import LayerRef, layer_info
from ..data.raster_grid import Grid, Window
from ..progress import Progress
from ..units import Turbine
from ..messages import msg
from .distance import FeatureSet, within_masks
from .inputs import (
    CriterionInput,
    LayerBinding,
    NotAssessed,
    check_numbers,
    frame_key,
    read_inputs,
    resolve_inputs,
    select_features,
)
from .raster_criteria import raster_feature_sets, resolve_raster_inputs


@dataclass(frozen=True)
class ExceptionZone:
    """One exception of one criterion, read.

    Attributes
    ----------
    criterion : int
        Index of the criterion (in the plan's criteria) that does not apply within the zone.
    zone : Criterion
        The exception (id ``<criterion>.<exception>``).
    features : FeatureSet
        Its features within reach.
    buffer_m : float
        Its buffer. [m]
    edges : FeatureSet or None
        The outlines of its areas, where it starts ``inset_m`` inside them.
    inset_m : float
        How far inside its areas' edges it starts. [m]
    """

    criterion: int
    zone: Criterion
    features: FeatureSet
    buffer_m: float
    edges: FeatureSet | None = None
    inset_m: float = 0.0


def read_exception_zones(
    criteria: Sequence[Criterion], layers: Mapping[str, LayerRef], rasters: Mapping[str, object],
    bindings: Sequence[LayerBinding], on: dt.date, turbine: Turbine | None, crs: object,
    aoi_bounds: tuple[float, float, float, float], aoi_geoms: np.ndarray, grid: Grid, invalid: str,
    progress: Progress,
) -> list[ExceptionZone]:
    """The exceptions in force on ``on`` of ``criteria``, with their features (warning for each not assessed).

    Parameters
    ----------
    criteria : sequence of Criterion
        The run's assessed criteria, in the order of the plan.
    layers, rasters, bindings
        The run's layers by role, rasters by role and layer bindings.
    on : datetime.date
        The run's date: an exception counts if it is in force then.
    turbine : Turbine or None
        For buffers in H or R.
    crs
        Working CRS.
    aoi_bounds : tuple of float
        Bounds of the area of interest. [m]
    aoi_geoms : numpy.ndarray
        The areas (for raster exceptions).
    grid : Grid
        The analysis grid.
    invalid : str
        How invalid geometries are handled.
    progress : Progress
        Warnings go here.
    """
    wanted = [(i, z) for i, c in enumerate(criteria) for z in c.except_within if z.applies_on(on)]
    if not wanted:
        return []
    zones = [z for _, z in wanted]
    owner = {z.id: i for i, z in wanted}
    inputs, absent = resolve_inputs(zones, layers, bindings)
    raster_inputs, raster_absent = resolve_raster_inputs(zones, rasters)
    inputs, lacking = _with_fields(inputs)
    for a in absent + raster_absent + lacking:
        parent = criteria[owner[a.criterion]].id
        progress.warning(msg("exception_not_assessed", exception=a.criterion, criterion=parent, reason=a.reason,
                             hint=a.hint()))
    buffers = {z.id: z.buffer_m(turbine) for z in zones}
    boxes = {}
    for ci in inputs:
        grow = buffers[ci.criterion.id] + 2 * grid.resolution_m
        old = boxes.get(frame_key(ci), (np.inf, np.inf, -np.inf, -np.inf))
        box = (aoi_bounds[0] - grow, aoi_bounds[1] - grow, aoi_bounds[2] + grow, aoi_bounds[3] + grow)
        boxes[frame_key(ci)] = (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
    frames, _ = read_inputs(inputs, crs, boxes, invalid, progress) if inputs else ({}, False)
    out = []
    for ci in inputs:
        z = ci.criterion
        check_numbers(ci, frames[frame_key(ci)], progress)
        geoms, _ = select_features(frames[frame_key(ci)], ci)
        fs = FeatureSet(f"exception:{z.id}", geoms)
        if len(fs) and buffers[z.id] > 0:
            fs.vertex_tree(grid.resolution_m)
        inset = z.inset.metres(turbine)
        edges = None
        if inset > 0:
            outline = shapely.boundary(shapely.union_all(shapely.buffer(geoms, buffers[z.id]))) if len(geoms) else None
            edges = FeatureSet(f"exception-edges:{z.id}", np.asarray(shapely.get_parts(outline) if outline is not None
                                                                     else [], dtype=object))
            if len(edges):
                edges.vertex_tree(grid.resolution_m)
        if inset > 0:
            progress.info(msg("exception_zone_inset", exception=z.id, n=len(fs), criterion=criteria[owner[z.id]].id,
                              buffer_m=float(buffers[z.id]), inset_m=float(inset)))
        else:
            progress.info(msg("exception_zone", exception=z.id, n=len(fs), criterion=criteria[owner[z.id]].id,
                              buffer_m=float(buffers[z.id])))
        out.append(ExceptionZone(owner[z.id], z, fs, buffers[z.id], edges, inset))
    reach = max(buffers.values()) + 2 * grid.resolution_m
    for ri, (fs, _) in zip(raster_inputs, raster_feature_sets(raster_inputs, grid, reach, aoi_geoms, crs, progress)):
        z = ri.criterion
        out.append(ExceptionZone(owner[z.id], z, fs, buffers[z.id]))
    return out


def _with_fields(inputs: list[CriterionInput]) -> tuple[list[CriterionInput], list[NotAssessed]]:
    """The inputs whose own layer has every field the exception's filter reads; the others as not assessed."""
    usable, lacking = [], []
    for ci in inputs:
        if ci.own_layer and not ci.bound:
            have = layer_info(ci.sources[0].layer, ci.criterion.layer).fields
            missing = [f for f in ci.criterion.fields() if f not in have]
            if missing:
                lacking.append(NotAssessed(ci.criterion.id, ci.criterion.layer,
                                           f"its layer has no field {', '.join(missing)}"))
                continue
        usable.append(ci)
    return usable, lacking


def exception_masks(zones: Sequence[ExceptionZone], grid: Grid, window: Window) -> dict[int, np.ndarray]:
    """Per criterion index, the pixels of ``window`` within any of its exceptions."""
    masks: dict[int, np.ndarray] = {}
    for z in zones:
        (mask,) = within_masks(z.features, grid, window, (z.buffer_m,))
        if z.edges is not None and mask.any():
            (near_edge,) = within_masks(z.edges, grid, window, (z.inset_m,))
            mask &= ~near_edge
        masks[z.criterion] = masks[z.criterion] | mask if z.criterion in masks else mask
    return masks
