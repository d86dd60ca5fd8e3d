"""Land eligibility: where wind turbines or ground-mounted PV are legally possible.

:func:`run_eligibility` reads the layers the active criteria need (every feature
within the largest setback around the area of interest, so that features just
outside a municipality are honoured), computes exact Euclidean setbacks tile by
tile (:mod:`.distance`), and writes

* the eligibility raster (1 eligible, 0 excluded, 255 outside the AOI),
* the exclusion-reason raster (one bit per criterion; bit table in the GeoTIFF
  metadata and a ``*_bits.json`` sidecar),
* eligible-area polygons per municipality (GeoPackage, minimum-area filter),
* a per-municipality table (total, eligible, and per criterion the area it
  excludes and the area no other criterion excludes) and a per-criterion table with each
  criterion's status (:mod:`.report`).

Which layer each criterion reads, criteria bound to their own layer and criteria whose data is
absent (*not assessed*: the run goes on and lists them, unless ``require_all``) are in
:mod:`.inputs`; raster criteria (land-cover classes with an exact setback) in :mod:`.raster_criteria`;
the area of interest is read by :mod:`.aoi`. Memory stays bounded by the tile size
whatever the extent; tiles run on up to ``workers`` processes.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from rasterio.features import rasterize, shapes

from ..catalogue.dwellings import DwellingCounts
from ..catalogue.exceptions import exception_ids
from ..catalogue.lands import land_mismatch
from ..catalogue.loader import Catalogue
from ..catalogue.model import DEFAULT_KINDS, EXCLUSION_KINDS, Criterion
from ..data.layers import LayerRef, check_working_crs
from ..data.outputs import OutputTransaction, open_raster_writer, write_json, write_vector
from ..data.raster_grid import Grid, Window
from ..data.rasters import RasterRef
from ..defaults import DEFAULT_CRS
from ..errors import Cancelled, InputError
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from ..units import Turbine, setback_problem
from ..messages import msg
from .aoi import AreaOfInterest, check_invalid_mode, read_aoi_areas
from .budget import MAX_CELLS, check_grid_budget, check_resolution
from .dask_tiles import TileJob, iterate_dask_tiles
from .distance import FeatureSet, within_masks
from .exception_zones import ExceptionZone, exception_masks, read_exception_zones
from .inputs import (
    READ_THREADS,
    LayerBinding,
    NotAssessed,
    check_bindings,
    check_numbers,
    frame_key,
    missing_roles_message,
    read_inputs,
    resolve_inputs,
    select_features,
)
from .plausibility import covering_features
from .tile_polygons import polygons_frame
from .raster_criteria import raster_feature_sets, resolve_raster_inputs
from .report import (
    OUTSIDE_PERMITTED,
    CriterionStats,
    MunicipalityStats,
    bit_table,
    bits_sidecar,
    criteria_status,
    criteria_table_path,
    json_bits,
    provenance_tags,
    reason_counts,
    sidecar_data,
    total_row,
    write_criteria_table,
    write_table,
)

__all__ = [  # the public names of the run, some defined in .aoi, .inputs and .report
    "ELIGIBLE", "EXCLUDED", "NODATA", "OUTSIDE_PERMITTED", "AreaOfInterest", "CriterionStats", "EligibilityOutputs",
    "EligibilityPlan", "EligibilityResult", "EligibilitySettings", "LayerBinding", "MunicipalityStats", "NotAssessed",
    "check_outputs_not_inputs", "iterate_tiles", "prepare_run", "read_aoi_areas", "run_eligibility",
]
_MAX_BUILDING_M = 100.0  # longest building diagonal assumed when reading groups of buildings [m]
ELIGIBLE, EXCLUDED, NODATA = 1, 0, 255


@dataclass(frozen=True)
class EligibilityOutputs:
    """Destination files; ``None`` skips an output (the eligibility raster is required)."""

    eligibility: Path
    reasons: Path | None = None
    polygons: Path | None = None
    table: Path | None = None


@dataclass(frozen=True)
class EligibilitySettings:
    """How to run.

    Parameters
    ----------
    resolution_m : float
        Pixel size. [m]
    crs : str
        Projected working CRS.
    kinds : tuple of str
        Exclusion kinds to apply (``hard``, ``soft``, ``case_by_case``).
    min_area_ha : float
        Eligible polygons smaller than this are dropped from the polygon output. [ha]
    turbine : Turbine or None
        Turbine for height-based setbacks; defaults to the catalogue's reference turbine.
    on_date : datetime.date or None
        Apply the rules in force on this day (default: today).
    max_cells : int
        Most grid cells the run may have; above it the run is refused before anything is allocated.
    tile_px : int
        Tile edge. [pixels]
    workers : int
        Processes for tiles (1 runs in this process).
    invalid_geometries : str
        ``error`` (default, as QGIS), ``repair`` or ``skip`` (leave the invalid features out). Only
        the features that are read matter: those of the selected areas and those within reach.
    require_all : bool
        Refuse the run if a criterion's data is absent, naming every missing role (default: the
        run goes on and lists the criterion as not assessed).
    layer_bindings : tuple of LayerBinding
        Layers bound to one criterion (every feature counts) or serving a role with fixed
        attribute values (see :mod:`.inputs`).
    rasters : dict of str to RasterRef
        Raster per raster role for the raster criteria (e.g. ``{"land_cover": RasterRef("clc.tif")}``;
        any CRS and resolution, see :mod:`.raster_criteria`). A raster criterion whose role has none
        is not assessed.
    scheduler : str or None
        Run the tiles as tasks of a Dask cluster (:mod:`.dask_tiles`): ``local``, ``local:N`` or a
        scheduler's address ``tcp://HOST:PORT``; None runs them on ``workers`` local processes.
    """

    resolution_m: float = 10.0
    crs: str = DEFAULT_CRS
    kinds: tuple[str, ...] = DEFAULT_KINDS
    min_area_ha: float = 1.0
    turbine: Turbine | None = None
    on_date: dt.date | None = None
    tile_px: int = 2048
    max_cells: int = MAX_CELLS
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    invalid_geometries: str = "error"
    require_all: bool = False
    layer_bindings: tuple[LayerBinding, ...] = ()
    rasters: dict[str, RasterRef] = field(default_factory=dict)
    scheduler: str | None = None


@dataclass(frozen=True)
class EligibilityResult:
    """What a run produced.

    Attributes
    ----------
    not_assessed : tuple of NotAssessed
        Active criteria whose data was absent (their land counts as not excluded by them).
    dwellings : dict of str to DwellingCounts
        Per criterion that reads the catalogue's dwelling rule: the buildings within reach by class.
    criteria : list of dict
        Every active criterion with its status, as in the ``*_bits.json`` sidecar.
    """

    outputs: EligibilityOutputs
    municipalities: list[MunicipalityStats]
    bits: list[dict[str, Any]]
    grid: Grid
    n_polygons: int = 0
    not_assessed: tuple[NotAssessed, ...] = ()
    dwellings: dict[str, DwellingCounts] = field(default_factory=dict)
    criteria: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_ha(self) -> float:
        """Area of interest. [ha]"""
        return sum(m.total_ha for m in self.municipalities)

    @property
    def eligible_ha(self) -> float:
        """Eligible area. [ha]"""
        return sum(m.eligible_ha for m in self.municipalities)


# ----------------------------------------------------------------- preparation
@dataclass
class EligibilityPlan:
    """Everything the tile workers need (inherited by forked workers); built by :func:`prepare_run`."""

    grid: Grid
    aoi_geoms: np.ndarray
    criteria: list[Criterion]
    buffers_m: list[float]
    feature_sets: list[FeatureSet]
    # per feature set: list of (criterion index, buffer)
    uses: list[list[tuple[int, float]]]
    permitted_idx: list[int]
    bit_of: list[int]
    n_bits: int
    want_polygons: bool
    reason_dtype: str
    not_assessed: list[NotAssessed] = field(default_factory=list)
    dwellings: dict[str, DwellingCounts] = field(default_factory=dict)
    features: dict[str, int] = field(default_factory=dict)  # criterion id → features within reach
    inputs: dict[str, str] = field(default_factory=dict)  # criterion id → the layers it read
    nodata_pct: dict[str, float] = field(default_factory=dict)  # raster criterion id → nodata share of the AOI [%]
    exceptions: list[ExceptionZone] = field(default_factory=list)  # areas where a criterion does not apply
    categories: list[str] = field(default_factory=list)  # the categories of the permitted zones, in order
    counted_only: set[str] = field(default_factory=set)  # categories reported but not opening land (opens: false)


def prepare_run(
    catalogue: Catalogue, layers: Mapping[str, LayerRef], aoi: AreaOfInterest,
    settings: EligibilitySettings, want_polygons: bool, progress: Progress, extra_reach_m: float = 0.0,
    tile: Window | None = None,
) -> tuple[EligibilityPlan, list[str], list[str]]:
    """Check the inputs, read every feature within reach and build the tile plan.

    Shared by :func:`run_eligibility` and the setback sweep (:mod:`.sweep`).

    Parameters
    ----------
    catalogue, layers, aoi, settings
        As for :func:`run_eligibility`.
    want_polygons : bool
        Whether the tiles vectorise the eligible pixels.
    progress : Progress
        Progress of the reading.
    extra_reach_m : float
        Read features farther out than the catalogue's largest setback (a sweep's longest
        setback). Layers with a group rule are read farther still, so that groups straddling the
        edge of the reach keep all their members. [m]
    tile : Window, optional
        Read only the features within reach of this window of the run's grid (a Dask tile task,
        :mod:`.dask_tiles`): the plan then serves this tile only.

    Returns
    -------
    (EligibilityPlan, list of str, list of str)
        The plan, and the names and ids of the areas of interest.
    """
    crs = check_working_crs(settings.crs)
    check_resolution(settings.resolution_m)
    bad_kinds = [k for k in settings.kinds if k not in EXCLUSION_KINDS]
    if bad_kinds:
        raise InputError(f"Unknown exclusion kind(s) {bad_kinds}; use {', '.join(EXCLUSION_KINDS)}.")
    check_invalid_mode(settings.invalid_geometries)
    active = list(catalogue.active(tuple(settings.kinds), settings.on_date))
    if not active:
        raise InputError(f"No criterion of catalogue {catalogue.id!r} applies with kinds {settings.kinds}.")
    check_bindings(settings.layer_bindings, [c.id for c in catalogue.criteria] + exception_ids(catalogue.criteria))
    inputs, absent = resolve_inputs(active, layers, settings.layer_bindings)
    raster_inputs, raster_absent = resolve_raster_inputs(active, settings.rasters)
    order = {c.id: k for k, c in enumerate(active)}
    absent = sorted(absent + raster_absent, key=lambda a: order[a.criterion])
    if absent and (settings.require_all or not (inputs or raster_inputs)):
        raise InputError(missing_roles_message(catalogue.id, absent) if settings.require_all else
                         "No criterion can be assessed: " + missing_roles_message(catalogue.id, absent))
    kind_of = {c.id: c.kind for c in active}
    for a in absent:
        if kind_of.get(a.criterion) == "permitted":  # a zone without data opens nothing: the area is a lower bound
            progress.warning(msg("criterion_not_assessed_permitted", criterion=a.criterion, reason=a.reason,
                                 hint=a.hint()))
        else:
            progress.warning(msg("criterion_not_assessed", criterion=a.criterion, reason=a.reason, hint=a.hint()))
    assessed = {ci.criterion.id for ci in inputs} | {ri.criterion.id for ri in raster_inputs}
    criteria = [c for c in active if c.id in assessed]  # catalogue order: the order of the reason bits
    index_of = {c.id: i for i, c in enumerate(criteria)}
    turbine = settings.turbine or catalogue.reference_turbine
    buffers = [c.buffer_m(turbine) for c in criteria]
    for c, b in zip(criteria, buffers):
        problem = setback_problem(b)
        if problem:
            raise InputError(f"Criterion '{c.id}': the setback {c.buffer} {problem} (turbine "
                             f"{turbine.name if turbine else 'none'}). Correct the catalogue or the turbine.")

    names, ids, aoi_geoms = read_aoi_areas(aoi, crs, settings.invalid_geometries, progress)
    for warning in land_mismatch(catalogue.id, catalogue.land, catalogue.technology, names, ids):
        progress.warning(warning)
    check_grid_budget(names, aoi_geoms, settings.resolution_m, settings.max_cells)
    aoi_union = shapely.union_all(aoi_geoms)
    grid = Grid.aligned(aoi_union.bounds, settings.resolution_m)
    reach = max(max(buffers), extra_reach_m) + 2 * settings.resolution_m
    xmin, ymin, xmax, ymax = aoi_union.bounds if tile is None else grid.window_bounds(tile)
    read_box = (xmin - reach, ymin - reach, xmax + reach, ymax + reach)
    progress.info(msg("aoi_grid", n=len(names), width=int(grid.width), height=int(grid.height),
                      resolution_m=float(settings.resolution_m), reach_m=float(reach)))
    boxes = {}
    for ci in inputs:
        key = frame_key(ci)
        grow = 0.0
        if ci.criterion.group is not None:  # a group with a member in reach has its nearest members this much farther
            g = ci.criterion.group
            grow = (g.min_dwellings - 1) * (g.max_gap_m + _MAX_BUILDING_M)
        old = boxes.get(key, read_box)
        boxes[key] = tuple(min(old[k], read_box[k] - grow) if k < 2 else max(old[k], read_box[k] + grow)
                           for k in range(4))
    check_cancelled(progress)
    frames, overlapping = read_inputs(inputs, crs, boxes, settings.invalid_geometries, progress)
    if not overlapping and tile is None:
        raise InputError(
            f"The area of interest (bounds {', '.join(f'{v:.0f}' for v in aoi_union.bounds)} in "
            f"{crs.to_string()}) lies outside every input layer: no layer's extent reaches it. "
            "Check the selected municipalities and the layers' CRS."
        )
    if inputs and not any(len(f) for f in frames.values()):
        progress.warning(msg("no_feature_within_reach"))

    sets: dict[str, FeatureSet] = {}
    uses: dict[str, list[tuple[int, float]]] = {}
    dwellings: dict[str, DwellingCounts] = {}
    counts_of: dict[str, DwellingCounts | None] = {}
    features: dict[str, int] = {}
    for ci in inputs:
        c = ci.criterion
        i = index_of[c.id]
        key = f"criterion:{c.id}" if ci.bound else c.selection_key()
        if key not in sets:
            check_numbers(ci, frames[frame_key(ci)], progress)
            geoms, counts = select_features(frames[frame_key(ci)], ci)
            sets[key] = FeatureSet(key, geoms)
            counts_of[key] = counts
            if counts is not None and counts.unknown_as_dwelling:
                progress.info(msg("dwellings_unknown_counted", criterion=c.id, n=int(counts.explicit),
                                  unknown=int(counts.unknown), excluded=int(counts.not_dwelling)))
            elif counts is not None:
                progress.info(msg("dwellings_unknown_left_out", criterion=c.id, n=int(counts.explicit),
                                  unknown=int(counts.unknown), excluded=int(counts.not_dwelling)))
            if len(geoms) == 0:
                progress.info(msg("criterion_no_feature", criterion=c.id, layer=c.layer, filter=c.filter.describe()))
        if counts_of[key] is not None:
            dwellings[c.id] = counts_of[key]
        uses.setdefault(key, []).append((i, buffers[i]))
        features[c.id] = len(sets[key])
    for warning in covering_features(names, aoi_geoms, sets, {k: [criteria[i].id for i, _ in u] for k, u in uses.items()}):
        progress.warning(warning)
    nodata_pct: dict[str, float] = {}
    for ri, (fs, cells) in zip(raster_inputs, raster_feature_sets(raster_inputs, grid, reach, aoi_geoms, crs,
                                                                  progress)):
        sets.setdefault(fs.key, fs)
        uses.setdefault(fs.key, []).append((index_of[ri.criterion.id], buffers[index_of[ri.criterion.id]]))
        features[ri.criterion.id] = cells.cells
        nodata_pct[ri.criterion.id] = round(cells.nodata_pct, 4)
    # build the vertex trees once, before workers fork (Dask: the tasks build theirs); side by side, as the reads
    trees = [fs for key, fs in sets.items() if len(fs) and any(b > 0 for _, b in uses[key])
             and (tile is not None or not settings.scheduler)]
    with ThreadPoolExecutor(max_workers=max(1, min(len(trees), READ_THREADS))) as pool:
        list(pool.map(lambda fs: fs.vertex_tree(settings.resolution_m), trees))

    permitted = [i for i, c in enumerate(criteria) if c.kind == "permitted"]
    bit_of = [-1] * len(criteria)
    n_bits = 0
    for i, c in enumerate(criteria):
        if c.kind != "permitted":
            bit_of[i] = n_bits
            n_bits += 1
    n_total_bits = n_bits + (1 if permitted else 0)
    if n_total_bits > 31:
        raise InputError(f"{n_total_bits} criteria are active; the reason raster holds at most 31.")
    dtype = "uint8" if n_total_bits <= 7 else "uint16" if n_total_bits <= 15 else "uint32"
    plan = EligibilityPlan(grid, aoi_geoms, criteria, buffers, list(sets.values()), list(uses.values()),
                           permitted, bit_of, n_bits, want_polygons, dtype, absent, dwellings, features,
                           {ci.criterion.id: "; ".join(b.describe() for b in ci.sources) for ci in inputs}
                           | {ri.criterion.id: ri.describe() for ri in raster_inputs}, nodata_pct)
    plan.categories = list(dict.fromkeys(criteria[i].category for i in permitted if criteria[i].category))
    plan.counted_only = {c for c, cat in (getattr(catalogue, "categories", None) or {}).items()
                         if not getattr(cat, "opens", True)}
    plan.exceptions = read_exception_zones(
        criteria, layers, settings.rasters, settings.layer_bindings, settings.on_date or dt.date.today(), turbine,
        crs, aoi_union.bounds, aoi_geoms, grid, settings.invalid_geometries, progress)
    return plan, names, ids


# ----------------------------------------------------------------- tile work
_PLAN: EligibilityPlan | None = None
_TILE_FN: Any = None


@dataclass
class TileResult:
    window: Window
    eligible: np.ndarray
    reasons: np.ndarray
    total: np.ndarray
    eligible_count: np.ndarray
    excluded: np.ndarray      # (n_bits_total, n_areas + 1)
    only: np.ndarray
    polygons: list[tuple[Any, int]]
    by_category: np.ndarray  # (n_categories, n_areas + 1) eligible pixels within each category's zones


def compute_tile(plan: EligibilityPlan, window: Window) -> TileResult:
    grid = plan.grid
    shape = (window.height, window.width)
    n_areas = len(plan.aoi_geoms)
    labels = rasterize(
        ((g, i + 1) for i, g in enumerate(plan.aoi_geoms)), out_shape=shape,
        transform=grid.window_transform(window), all_touched=False, fill=0, dtype="uint16",
    )
    n_total_bits = plan.n_bits + (1 if plan.permitted_idx else 0)
    reasons = np.zeros(shape, dtype=plan.reason_dtype)
    zeros = np.zeros((n_total_bits, n_areas + 1))
    by_category = np.zeros((len(plan.categories), n_areas + 1))
    if not labels.any():
        reasons[:] = np.iinfo(plan.reason_dtype).max
        return TileResult(window, np.full(shape, NODATA, np.uint8), reasons,
                           np.zeros(n_areas + 1), np.zeros(n_areas + 1), zeros, zeros.copy(), [], by_category)
    permitted = np.zeros(shape, dtype=bool) if plan.permitted_idx else None
    in_category = [np.zeros(shape, dtype=bool) for _ in plan.categories]
    for fs, use in zip(plan.feature_sets, plan.uses):
        masks = within_masks(fs, grid, window, tuple(b for _, b in use))
        for (ci, _), mask in zip(use, masks):
            if plan.bit_of[ci] >= 0:
                np.bitwise_or(reasons, np.array(1 << plan.bit_of[ci], dtype=plan.reason_dtype), out=reasons,
                              where=mask)
            else:  # a zone of a counted-only category is measured but opens no land
                if plan.criteria[ci].category not in plan.counted_only:
                    permitted |= mask
                if plan.criteria[ci].category:
                    in_category[plan.categories.index(plan.criteria[ci].category)] |= mask
    for ci, mask in exception_masks(plan.exceptions, grid, window).items():
        if plan.bit_of[ci] >= 0:
            reasons &= ~(mask.astype(plan.reason_dtype) << np.array(plan.bit_of[ci], dtype=plan.reason_dtype))
    if permitted is not None:
        reasons |= (~permitted).astype(plan.reason_dtype) << np.array(plan.n_bits, dtype=plan.reason_dtype)
    inside = labels > 0
    eligible = (reasons == 0).view(np.uint8)
    eligible[~inside] = NODATA
    reasons[~inside] = np.iinfo(plan.reason_dtype).max
    all_inside = bool(inside.all())
    lab = labels.ravel() if all_inside else labels[inside]
    rin = reasons.ravel() if all_inside else reasons[inside]
    total, elig_count, excluded, only = reason_counts(lab, rin, n_areas + 1, n_total_bits)
    outside = np.array(((1 << plan.n_bits) if plan.permitted_idx else 0), dtype=plan.reason_dtype)
    for k, zone in enumerate(in_category):  # counted-only: free of every exclusion, whatever the permitted zones
        free = (rin & ~outside) == 0 if plan.categories[k] in plan.counted_only else rin == 0
        by_category[k] = np.bincount(lab[free & zone[inside]], minlength=n_areas + 1)
    polys: list[tuple[Any, int]] = []
    if plan.want_polygons:
        elig_labels = np.where(eligible == ELIGIBLE, labels, 0).astype(np.int32)
        if elig_labels.any():
            for geom, value in shapes(elig_labels, mask=elig_labels > 0,
                                      transform=grid.window_transform(window), connectivity=4):
                polys.append((shapely.geometry.shape(geom), int(value)))
    return TileResult(window, eligible, reasons, total, elig_count, excluded, only, polys, by_category)


def tile_task(job: TileJob, window: Window) -> TileResult:
    """One tile as a Dask worker computes it (:mod:`.dask_tiles`): read the features within reach, compute it."""
    plan, _, _ = prepare_run(job.catalogue, job.layers, job.aoi, job.settings, job.want_polygons, NullProgress(),
                             tile=window)
    return compute_tile(plan, window)


def _worker(window: Window) -> Any:
    assert _PLAN is not None and _TILE_FN is not None
    return _TILE_FN(_PLAN, window)


# ----------------------------------------------------------------- the run
def run_eligibility(
    catalogue: Catalogue,
    layers: Mapping[str, LayerRef],
    aoi: AreaOfInterest,
    outputs: EligibilityOutputs,
    settings: EligibilitySettings = EligibilitySettings(),
    progress: Progress | None = None,
) -> EligibilityResult:
    """Compute land eligibility for an area of interest and write the outputs.

    Parameters
    ----------
    catalogue : Catalogue
        Criteria (a preset or a user catalogue, with overrides applied).
    layers : mapping of str to LayerRef
        Input layer per role. A criterion whose role has no layer (and no binding in
        ``settings.layer_bindings``) is not assessed, with a warning, unless ``settings.require_all``.
    aoi : AreaOfInterest
        Municipalities (or other polygons) to analyse.
    outputs : EligibilityOutputs
        Destination files.
    settings : EligibilitySettings
        Resolution, CRS, kinds, minimum area, turbine, tiling.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    EligibilityResult

    Raises
    ------
    InputError
        Bad layers, fields, CRS or parameters (nothing is written).
    Cancelled
        The user cancelled (nothing is written).
    """
    progress = progress or NullProgress()
    check_outputs_not_inputs(outputs, [*layers.values(), aoi.layer, *(b.layer for b in settings.layer_bindings),
                                       *settings.rasters.values()])
    progress.report(0.0, msg("step_reading_layers"))
    plan, names, ids = prepare_run(catalogue, layers, aoi, settings, outputs.polygons is not None,
                                SubProgress(progress, 0.0, 0.15))
    grid = plan.grid
    crs = check_working_crs(settings.crs)
    bits = bit_table(plan.criteria, plan.bit_of, plan.buffers_m, plan.permitted_idx, plan.n_bits, catalogue)
    active = catalogue.active(tuple(settings.kinds), settings.on_date)
    status = criteria_status(active, plan.inputs, plan.not_assessed, plan.features, plan.dwellings,
                             plan.nodata_pct)
    n_areas = len(names)
    n_total_bits = len(bits)
    total = np.zeros(n_areas + 1)
    elig = np.zeros(n_areas + 1)
    excluded = np.zeros((n_total_bits, n_areas + 1))
    only = np.zeros((n_total_bits, n_areas + 1))
    by_category = np.zeros((len(plan.categories), n_areas + 1))
    tiles = list(grid.tiles(max(2, settings.tile_px // 2 * 2)))  # even: coarse cells align
    pieces: dict[Window, list[tuple[Any, int]]] = {}  # polygons per tile: joined in tile order, whatever the finish
    tags = provenance_tags(catalogue, settings, layers, aoi, plan.not_assessed)

    with OutputTransaction() as tx:
        elig_ds = open_raster_writer(
            tx.temp_for(outputs.eligibility), grid.width, grid.height, grid.transform, crs,
            "uint8", NODATA, tags, "eligible (1) / excluded (0)")
        reason_ds = None
        if settings.scheduler:  # tiles as tasks of a Dask cluster, each reading its own inputs
            results = iterate_dask_tiles(TileJob(catalogue, dict(layers), aoi, settings, outputs.polygons is not None),
                                         plan, tiles, progress, tile_task, compute_tile)
        else:
            results = iterate_tiles(plan, tiles, settings.workers, progress)
        try:
            if outputs.reasons is not None:
                reason_tags = dict(tags, WIP_BITS=json_bits(bits))
                for b in bits:
                    reason_tags[f"BIT_{b['bit']}"] = f"{b['id']}: {b['label_en']}"
                reason_ds = open_raster_writer(
                    tx.temp_for(outputs.reasons), grid.width, grid.height, grid.transform, crs,
                    plan.reason_dtype, float(np.iinfo(plan.reason_dtype).max), reason_tags,
                    "exclusion reasons (bit field)")
            for done, res in enumerate(results, 1):
                check_cancelled(progress)
                win = ((res.window.row, res.window.row + res.window.height),
                       (res.window.col, res.window.col + res.window.width))
                elig_ds.write(res.eligible, 1, window=win)
                if reason_ds is not None:
                    reason_ds.write(res.reasons, 1, window=win)
                total += res.total
                elig += res.eligible_count
                excluded += res.excluded
                only += res.only
                by_category += res.by_category
                pieces[res.window] = res.polygons
                progress.report(0.15 + 0.75 * done / len(tiles),
                                msg("step_tile", n=done, m=len(tiles)))
        finally:
            results.close()  # stops the worker pool at once on an error or cancel
            elig_ds.close()
            if reason_ds is not None:
                reason_ds.close()
        check_cancelled(progress)
        px_ha = grid.pixel_area_ha
        stats = [
            MunicipalityStats(
                names[i], ids[i], total[i + 1] * px_ha, elig[i + 1] * px_ha,
                {b["id"]: CriterionStats(excluded[k, i + 1] * px_ha, only[k, i + 1] * px_ha)
                 for k, b in enumerate(bits)},
                {cat: by_category[k, i + 1] * px_ha for k, cat in enumerate(plan.categories)},
            )
            for i in range(n_areas)
        ]
        if outputs.reasons is not None:
            write_json(tx.temp_for(bits_sidecar(outputs.reasons)), sidecar_data(bits, status, tags))
        n_polys = 0
        if outputs.polygons is not None:
            progress.report(0.92, msg("step_eligible_polygons"))
            polygons = [piece for w in tiles for piece in pieces.get(w, [])]
            frame = polygons_frame(polygons, tiles, grid, names, ids, settings.min_area_ha, crs,
                                    catalogue)
            n_polys = len(frame)
            write_vector(tx.temp_for(outputs.polygons), frame, "eligible_areas", "MultiPolygon")
        if outputs.table is not None:
            write_table(tx.temp_for(outputs.table), stats, bits)
            write_criteria_table(tx.temp_for(criteria_table_path(outputs.table)), status, total_row(stats, bits),
                                 {c.id: round(b, 3) for c, b in zip(plan.criteria, plan.buffers_m)})
        check_cancelled(progress)
    progress.report(1.0, msg("step_done"))
    written = EligibilityOutputs(outputs.eligibility, outputs.reasons, outputs.polygons, outputs.table)
    for a in plan.not_assessed:  # once more at the end, where the figures are read
        progress.warning(msg("not_assessed_role", criterion=a.criterion, role=a.role, reason=a.reason))
    return EligibilityResult(written, stats, bits, grid, n_polys, tuple(plan.not_assessed), dict(plan.dwellings),
                             status)


def check_outputs_not_inputs(outputs: Any, inputs: list[LayerRef]) -> None:
    """Refuse an output path that is also an input file (it would be overwritten).

    Raises
    ------
    InputError
        Naming the output and the input.
    """
    ins = {Path(ref.path).resolve() for ref in inputs}
    for value in vars(outputs).values():
        if value is not None and Path(value).resolve() in ins:
            raise InputError(
                f"The output {str(value)!r} is also an input layer's file; writing it would replace the "
                "input. Choose another output file.")


def iterate_tiles(plan: EligibilityPlan, tiles: list[Window], workers: int, progress: Progress, tile_fn: Any = None):
    """Yield ``tile_fn(plan, window)`` for every tile in order, from a process pool when ``workers`` > 1.

    Workers are forked, so they share the plan (features, trees) with this process.
    """
    global _PLAN, _TILE_FN
    tile_fn = tile_fn or compute_tile
    if workers <= 1 or len(tiles) == 1 or "fork" not in mp.get_all_start_methods():
        for w in tiles:
            check_cancelled(progress)
            yield tile_fn(plan, w)
        return
    _PLAN, _TILE_FN = plan, tile_fn
    ctx = mp.get_context("fork")
    pool = ctx.Pool(processes=min(workers, len(tiles)))
    done = False
    try:
        for res in pool.imap(_worker, tiles, chunksize=1):
            if progress.is_cancelled():
                raise Cancelled()
            yield res
        pool.close()  # every tile done: the workers end on their own; terminating them here could leave one
        pool.join()   # waiting forever for the task queue's lock (seen once in 10 runs of the 140 km benchmark)
        done = True
    finally:
        if not done:  # an error or a cancel: stop the workers at once
            pool.terminate()
            pool.join()
        _PLAN, _TILE_FN = None, None
