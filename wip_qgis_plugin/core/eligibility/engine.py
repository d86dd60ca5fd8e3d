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
  excludes and the area no other criterion excludes).

Memory stays bounded by the tile size whatever the extent; tiles run on up to
``workers`` processes.

The module is a little longer than 700 lines because the plan, the forked tile workers and the
writers of one run share private tile structures that are clearer kept together.
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import rasterize, shapes

from .. import __version__ as wip_version
from ..data.outputs import OutputTransaction, open_raster_writer, write_csv, write_json, write_vector
from ..catalogue.loader import Catalogue
from ..catalogue.model import DEFAULT_KINDS, EXCLUSION_KINDS, Criterion
from .distance import FeatureSet, within_masks
from ..defaults import DEFAULT_CRS
from ..errors import Cancelled, InputError
from ..catalogue.filters import evaluate
from ..data.raster_grid import Grid, Window
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from ..units import Turbine

OUTSIDE_PERMITTED = "outside_permitted_zones"
_MAX_BUILDING_M = 100.0  # longest building diagonal assumed when reading groups of buildings [m]
ELIGIBLE, EXCLUDED, NODATA = 1, 0, 255


@dataclass(frozen=True)
class AreaOfInterest:
    """The municipalities (or any polygons) to analyse.

    Parameters
    ----------
    layer : LayerRef
        Polygon layer, usually municipality boundaries.
    name_field : str
        Field naming each area (results are reported per distinct name).
    names : tuple of str
        Names to analyse; empty for every feature.
    id_field : str or None
        Optional key field (e.g. ``ags``) carried into the results if present.
    """

    layer: LayerRef
    name_field: str = "name"
    names: tuple[str, ...] = ()
    id_field: str | None = "ags"


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
    tile_px : int
        Tile edge. [pixels]
    workers : int
        Processes for tiles (1 runs in this process).
    invalid_geometries : str
        ``error`` (default, as QGIS) or ``repair``.
    """

    resolution_m: float = 10.0
    crs: str = DEFAULT_CRS
    kinds: tuple[str, ...] = DEFAULT_KINDS
    min_area_ha: float = 1.0
    turbine: Turbine | None = None
    on_date: dt.date | None = None
    tile_px: int = 2048
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    invalid_geometries: str = "error"


@dataclass(frozen=True)
class CriterionStats:
    """Area a criterion excludes in one municipality. [ha]"""

    excluded_ha: float
    only_this_ha: float


@dataclass(frozen=True)
class MunicipalityStats:
    """Eligibility figures of one area of interest. Areas in [ha], shares in [%]."""

    name: str
    ags: str
    total_ha: float
    eligible_ha: float
    criteria: dict[str, CriterionStats]

    @property
    def eligible_pct(self) -> float:
        """Eligible share of the area. [%]"""
        return 100.0 * self.eligible_ha / self.total_ha if self.total_ha else 0.0


@dataclass(frozen=True)
class EligibilityResult:
    """What a run produced."""

    outputs: EligibilityOutputs
    municipalities: list[MunicipalityStats]
    bits: list[dict[str, Any]]
    grid: Grid
    n_polygons: int = 0

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


def read_aoi_areas(aoi: AreaOfInterest, crs: Any, invalid: str) -> tuple[list[str], list[str], np.ndarray]:
    """Names, ids and polygons of the areas of interest, in ``crs``.

    Parameters
    ----------
    aoi : AreaOfInterest
        The municipalities layer, its name/id fields and the chosen names (all when empty).
    crs : Any
        Working CRS the polygons are returned in.
    invalid : str
        How invalid geometries are handled: "error" (refuse, naming them) or "repair".

    Returns
    -------
    tuple of (list of str, list of str, numpy.ndarray)
        Names, ids ("" without an id field) and one (multi)polygon per area.

    Raises
    ------
    InputError
        If the layer holds no polygons, lacks the name field or a chosen name is missing.
    """
    info = layer_info(aoi.layer, "area of interest")
    if not aoi.name_field:  # the whole layer is one area
        frame = read_layer(aoi.layer, "area of interest", crs, invalid=invalid)
        polys = frame.geometry.values[shapely.area(frame.geometry.values) > 0]
        if len(polys) == 0:
            raise InputError(f"The area-of-interest layer ({aoi.layer.describe()}) holds no polygons.")
        name = aoi.layer.layer or Path(aoi.layer.path).stem
        return [name], [""], np.asarray([shapely.union_all(polys)], dtype=object)
    if aoi.name_field not in info.fields:
        raise InputError(
            f"The area-of-interest layer ({aoi.layer.describe()}) has no field {aoi.name_field!r}; "
            f"fields: {', '.join(info.fields)}. Choose the field that names the municipalities."
        )
    cols = (aoi.name_field,) + ((aoi.id_field,) if aoi.id_field and aoi.id_field in info.fields else ())
    frame = read_layer(aoi.layer, "area of interest", crs, columns=cols, invalid=invalid)
    frame[aoi.name_field] = frame[aoi.name_field].astype(str)
    if aoi.names:
        available = sorted(frame[aoi.name_field].unique())
        missing = [n for n in aoi.names if n not in available]
        if missing:
            raise InputError(
                f"No area named {', '.join(repr(m) for m in missing)} in field {aoi.name_field!r} of "
                f"{aoi.layer.describe()}; available: {', '.join(available[:30])}"
                f"{' …' if len(available) > 30 else ''}."
            )
        frame = frame[frame[aoi.name_field].isin(aoi.names)]
    polys = frame[shapely.area(frame.geometry.values) > 0]
    if polys.empty:
        raise InputError(f"The area-of-interest layer ({aoi.layer.describe()}) holds no polygons.")
    grouped = polys.dissolve(by=aoi.name_field, sort=False, aggfunc="first").reset_index()
    names = grouped[aoi.name_field].tolist()
    ids = grouped[aoi.id_field].astype(str).tolist() if len(cols) > 1 else [""] * len(names)
    return names, ids, np.asarray(grouped.geometry.values, dtype=object)


def _select_features(frame: gpd.GeoDataFrame, crit: Criterion) -> np.ndarray:
    mask = evaluate(crit.filter, frame)
    geoms = np.asarray(frame.geometry.values[mask], dtype=object)
    if crit.group is not None and geoms.size:
        geoms = _apply_group_rule(geoms, frame[mask], crit)
    return geoms


def _apply_group_rule(geoms: np.ndarray, frame: gpd.GeoDataFrame, crit: Criterion) -> np.ndarray:
    """Keep buildings in groups (gap ≤ max_gap) holding at least min_dwellings dwellings."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rule = crit.group
    assert rule is not None
    dwell = np.ones(len(geoms))
    if rule.dwellings_field and rule.dwellings_field in frame.columns:
        v = pd.to_numeric(frame[rule.dwellings_field], errors="coerce").to_numpy(dtype=float)
        dwell = np.where(np.isfinite(v) & (v > 0), v, 1.0)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=rule.max_gap_m)
    n = len(geoms)
    graph = coo_matrix((np.ones(left.size), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    totals = np.bincount(labels, weights=dwell)
    return geoms[totals[labels] >= rule.min_dwellings]


def prepare_run(
    catalogue: Catalogue, layers: Mapping[str, LayerRef], aoi: AreaOfInterest,
    settings: EligibilitySettings, want_polygons: bool, progress: Progress, extra_reach_m: float = 0.0,
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

    Returns
    -------
    (EligibilityPlan, list of str, list of str)
        The plan, and the names and ids of the areas of interest.
    """
    crs = check_working_crs(settings.crs)
    if not settings.resolution_m > 0:
        raise InputError(f"The resolution must be positive, got {settings.resolution_m!r} m.")
    bad_kinds = [k for k in settings.kinds if k not in EXCLUSION_KINDS]
    if bad_kinds:
        raise InputError(f"Unknown exclusion kind(s) {bad_kinds}; use {', '.join(EXCLUSION_KINDS)}.")
    criteria = list(catalogue.active(tuple(settings.kinds), settings.on_date))
    if not criteria:
        raise InputError(f"No criterion of catalogue {catalogue.id!r} applies with kinds {settings.kinds}.")
    missing = [r for r in dict.fromkeys(c.layer for c in criteria) if r not in layers]
    if missing:
        raise InputError(
            f"The catalogue {catalogue.id!r} needs the layer role(s) {', '.join(missing)} "
            f"(criteria: {', '.join(c.id for c in criteria if c.layer in missing)}). Give a layer for "
            "each, or leave those criteria out (override them with null / choose other kinds)."
        )
    turbine = settings.turbine or catalogue.reference_turbine
    buffers = [c.buffer_m(turbine) for c in criteria]

    names, ids, aoi_geoms = read_aoi_areas(aoi, crs, settings.invalid_geometries)
    aoi_union = shapely.union_all(aoi_geoms)
    grid = Grid.aligned(aoi_union.bounds, settings.resolution_m)
    reach = max(max(buffers), extra_reach_m) + 2 * settings.resolution_m
    xmin, ymin, xmax, ymax = aoi_union.bounds
    read_box = (xmin - reach, ymin - reach, xmax + reach, ymax + reach)
    progress.info(
        f"Area of interest: {len(names)} area(s), grid {grid.width} × {grid.height} pixels at "
        f"{settings.resolution_m:g} m; reading features up to {reach:,.0f} m around it."
    )

    by_role: dict[str, list[int]] = {}
    for i, c in enumerate(criteria):
        by_role.setdefault(c.layer, []).append(i)
    frames: dict[str, gpd.GeoDataFrame] = {}
    overlapping = False
    for role, idxs in by_role.items():
        check_cancelled(progress)
        cols = tuple(dict.fromkeys(f for i in idxs for f in criteria[i].filter.fields()))
        group_fields = tuple(criteria[i].group.dwellings_field for i in idxs
                             if criteria[i].group and criteria[i].group.dwellings_field)
        info = layer_info(layers[role], role)
        cols = cols + tuple(f for f in group_fields if f in info.fields and f not in cols)
        box = read_box
        groups = [criteria[i].group for i in idxs if criteria[i].group is not None]
        if groups:  # a group with a member in reach has its nearest members within this much more
            extra = max((g.min_dwellings - 1) * (g.max_gap_m + _MAX_BUILDING_M) for g in groups)
            box = (read_box[0] - extra, read_box[1] - extra, read_box[2] + extra, read_box[3] + extra)
        frames[role] = read_layer(layers[role], role, crs, box, cols, settings.invalid_geometries)
        overlapping |= len(frames[role]) > 0
        progress.info(f"Layer '{role}': {len(frames[role])} feature(s) within reach.")
    if not overlapping:
        raise InputError(
            f"The area of interest (bounds {', '.join(f'{v:.0f}' for v in aoi_union.bounds)} in "
            f"{crs.to_string()}) lies outside every input layer: no feature lies within reach. "
            "Check the selected municipalities and the layers' CRS."
        )

    sets: dict[str, FeatureSet] = {}
    uses: dict[str, list[tuple[int, float]]] = {}
    for i, c in enumerate(criteria):
        key = f"{c.layer}|{c.filter}|{c.group}"
        if key not in sets:
            geoms = _select_features(frames[c.layer], c)
            sets[key] = FeatureSet(key, geoms)
            if len(geoms) == 0:
                progress.info(f"Criterion '{c.id}': no feature of '{c.layer}' matches {c.filter} within reach.")
        uses.setdefault(key, []).append((i, buffers[i]))
    for key, fs in sets.items():  # build the vertex trees once, before workers fork
        if len(fs) and any(b > 0 for _, b in uses[key]):
            fs.vertex_tree(settings.resolution_m)

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
                 permitted, bit_of, n_bits, want_polygons, dtype)
    return plan, names, ids


# ----------------------------------------------------------------- tile work
_PLAN: EligibilityPlan | None = None
_TILE_FN: Any = None


@dataclass
class _TileResult:
    window: Window
    eligible: np.ndarray
    reasons: np.ndarray
    total: np.ndarray
    eligible_count: np.ndarray
    excluded: np.ndarray      # (n_bits_total, n_areas + 1)
    only: np.ndarray
    polygons: list[tuple[Any, int]]


def _compute_tile(plan: EligibilityPlan, window: Window) -> _TileResult:
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
    if not labels.any():
        reasons[:] = np.iinfo(plan.reason_dtype).max
        return _TileResult(window, np.full(shape, NODATA, np.uint8), reasons,
                           np.zeros(n_areas + 1), np.zeros(n_areas + 1), zeros, zeros.copy(), [])
    permitted = np.zeros(shape, dtype=bool) if plan.permitted_idx else None
    for fs, use in zip(plan.feature_sets, plan.uses):
        masks = within_masks(fs, grid, window, tuple(b for _, b in use))
        for (ci, _), mask in zip(use, masks):
            if plan.bit_of[ci] >= 0:
                reasons |= mask.astype(plan.reason_dtype) << np.array(plan.bit_of[ci], dtype=plan.reason_dtype)
            else:
                permitted |= mask
    if permitted is not None:
        reasons |= (~permitted).astype(plan.reason_dtype) << np.array(plan.n_bits, dtype=plan.reason_dtype)
    inside = labels > 0
    eligible = np.where(inside, (reasons == 0).astype(np.uint8), NODATA).astype(np.uint8)
    reasons[~inside] = np.iinfo(plan.reason_dtype).max
    lab = labels[inside].astype(np.int64)
    rin = reasons[inside]
    total = np.bincount(lab, minlength=n_areas + 1).astype(float)
    elig_count = np.bincount(lab[rin == 0], minlength=n_areas + 1).astype(float)
    excluded = np.zeros((n_total_bits, n_areas + 1))
    only = np.zeros((n_total_bits, n_areas + 1))
    for k in range(n_total_bits):
        bit = np.array(1 << k, dtype=plan.reason_dtype)
        hit = (rin & bit) != 0
        excluded[k] = np.bincount(lab[hit], minlength=n_areas + 1)
        only[k] = np.bincount(lab[rin == bit], minlength=n_areas + 1)
    polys: list[tuple[Any, int]] = []
    if plan.want_polygons:
        elig_labels = np.where(eligible == ELIGIBLE, labels, 0).astype(np.int32)
        if elig_labels.any():
            for geom, value in shapes(elig_labels, mask=elig_labels > 0,
                                      transform=grid.window_transform(window), connectivity=4):
                polys.append((shapely.geometry.shape(geom), int(value)))
    return _TileResult(window, eligible, reasons, total, elig_count, excluded, only, polys)


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
        Input layer per role; every role the active criteria read is required.
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
    check_outputs_not_inputs(outputs, [*layers.values(), aoi.layer])
    progress.report(0.0, "Reading layers")
    plan, names, ids = prepare_run(catalogue, layers, aoi, settings, outputs.polygons is not None,
                                SubProgress(progress, 0.0, 0.15))
    grid = plan.grid
    crs = check_working_crs(settings.crs)
    bits = _bit_table(plan, catalogue, settings)
    n_areas = len(names)
    n_total_bits = len(bits)
    total = np.zeros(n_areas + 1)
    elig = np.zeros(n_areas + 1)
    excluded = np.zeros((n_total_bits, n_areas + 1))
    only = np.zeros((n_total_bits, n_areas + 1))
    polygons: list[tuple[Any, int]] = []
    tiles = list(grid.tiles(max(2, settings.tile_px // 2 * 2)))  # even: coarse cells align
    tags = _provenance_tags(catalogue, settings, layers, aoi)

    with OutputTransaction() as tx:
        elig_ds = open_raster_writer(
            tx.temp_for(outputs.eligibility), grid.width, grid.height, grid.transform, crs,
            "uint8", NODATA, tags, "eligible (1) / excluded (0)")
        reason_ds = None
        results = iterate_tiles(plan, tiles, settings.workers, progress)
        try:
            if outputs.reasons is not None:
                reason_tags = dict(tags, WIP_BITS=_json_bits(bits))
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
                polygons.extend(res.polygons)
                progress.report(0.15 + 0.75 * done / len(tiles),
                                f"Tile {done} of {len(tiles)}")
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
            )
            for i in range(n_areas)
        ]
        if outputs.reasons is not None:
            write_json(tx.temp_for(_bits_sidecar(outputs.reasons)),
                          {"bits": bits, "provenance": tags})
        n_polys = 0
        if outputs.polygons is not None:
            progress.report(0.92, "Building eligible-area polygons")
            frame = _polygons_frame(polygons, tiles, grid, names, ids, settings.min_area_ha, crs,
                                    catalogue)
            n_polys = len(frame)
            write_vector(tx.temp_for(outputs.polygons), frame, "eligible_areas")
        if outputs.table is not None:
            _write_table(tx.temp_for(outputs.table), stats, bits)
        check_cancelled(progress)
    progress.report(1.0, "Done")
    written = EligibilityOutputs(outputs.eligibility, outputs.reasons, outputs.polygons, outputs.table)
    return EligibilityResult(written, stats, bits, grid, n_polys)


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
    tile_fn = tile_fn or _compute_tile
    if workers <= 1 or len(tiles) == 1 or "fork" not in mp.get_all_start_methods():
        for w in tiles:
            check_cancelled(progress)
            yield tile_fn(plan, w)
        return
    _PLAN, _TILE_FN = plan, tile_fn
    ctx = mp.get_context("fork")
    pool = ctx.Pool(processes=min(workers, len(tiles)))
    try:
        for res in pool.imap(_worker, tiles, chunksize=1):
            if progress.is_cancelled():
                pool.terminate()
                raise Cancelled()
            yield res
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _PLAN, _TILE_FN = None, None


def _bit_table(plan: EligibilityPlan, catalogue: Catalogue, settings: EligibilitySettings) -> list[dict[str, Any]]:
    bits = []
    for ci, c in enumerate(plan.criteria):
        if plan.bit_of[ci] >= 0:
            bits.append({
                "bit": plan.bit_of[ci], "value": 1 << plan.bit_of[ci], "id": c.id, "kind": c.kind,
                "layer": c.layer, "filter": str(c.filter), "buffer": str(c.buffer),
                "buffer_m": round(plan.buffers_m[ci], 3), "label_de": c.label.de, "label_en": c.label.en,
                "source": catalogue.source_text(c.source), "valid_from": c.valid_from.isoformat(),
            })
    if plan.permitted_idx:
        zones = ", ".join(plan.criteria[i].id for i in plan.permitted_idx)
        bits.append({
            "bit": plan.n_bits, "value": 1 << plan.n_bits, "id": OUTSIDE_PERMITTED, "kind": "permitted",
            "layer": "", "filter": "", "buffer": "", "buffer_m": 0.0,
            "label_de": f"außerhalb der zulässigen Zonen ({zones})",
            "label_en": f"outside the permitted zones ({zones})",
            "source": "; ".join(catalogue.source_text(plan.criteria[i].source) for i in plan.permitted_idx),
            "valid_from": "",
        })
    return bits


def _json_bits(bits: list[dict[str, Any]]) -> str:
    return json.dumps([{k: b[k] for k in ("bit", "id", "kind", "buffer_m")} for b in bits])


def _bits_sidecar(reasons: Path) -> Path:
    return Path(reasons).with_name(Path(reasons).stem + "_bits.json")


def _provenance_tags(catalogue: Catalogue, settings: EligibilitySettings,
                     layers: Mapping[str, LayerRef], aoi: AreaOfInterest) -> dict[str, str]:
    tags = {
        "WIP_VERSION": wip_version,
        "WIP_CATALOGUE": f"{catalogue.id} {catalogue.version} ({catalogue.origin})",
        "WIP_RESOLUTION_M": f"{settings.resolution_m:g}",
        "WIP_KINDS": ",".join(settings.kinds),
        "WIP_ON_DATE": (settings.on_date or dt.date.today()).isoformat(),
        "WIP_AOI": f"{aoi.layer.describe()} {aoi.name_field} in {list(aoi.names) or 'all'}",
        "WIP_CREATED": dt.datetime.now().isoformat(timespec="seconds"),
    }
    for role, ref in layers.items():
        tags[f"WIP_LAYER_{role.upper()}"] = ref.describe()
    return tags


def _polygons_frame(
    polygons: list[tuple[Any, int]], tiles: list[Window], grid: Grid, names: list[str],
    ids: list[str], min_area_ha: float, crs: Any, catalogue: Catalogue,
) -> gpd.GeoDataFrame:
    """Merge tile pieces across tile seams, attach attributes and apply the area filter."""
    cols = ["area_id", "name", "ags", "area_ha", "technology", "catalogue"]
    if not polygons:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)
    geoms = np.asarray([p for p, _ in polygons], dtype=object)
    labels = np.asarray([v for _, v in polygons])
    seams_x = sorted({grid.left + w.col * grid.resolution_m for w in tiles if w.col > 0})
    seams_y = sorted({grid.top - w.row * grid.resolution_m for w in tiles if w.row > 0})
    b = shapely.bounds(geoms)
    eps = grid.resolution_m * 1e-3
    on_seam = np.zeros(len(geoms), dtype=bool)
    for x in seams_x:
        on_seam |= (np.abs(b[:, 0] - x) < eps) | (np.abs(b[:, 2] - x) < eps)
    for y in seams_y:
        on_seam |= (np.abs(b[:, 1] - y) < eps) | (np.abs(b[:, 3] - y) < eps)
    keep_geoms = list(geoms[~on_seam])
    keep_labels = list(labels[~on_seam])
    if on_seam.any():
        sg, sl = geoms[on_seam], labels[on_seam]
        for lab in np.unique(sl):
            merged = shapely.union_all(sg[sl == lab], grid_size=grid.resolution_m * 1e-3)
            parts = shapely.get_parts(merged)
            keep_geoms.extend(parts)
            keep_labels.extend([lab] * len(parts))
    garr = np.asarray(keep_geoms, dtype=object)
    larr = np.asarray(keep_labels, dtype=int)
    area_ha = shapely.area(garr) / 10_000.0
    sel = area_ha >= min_area_ha
    garr, larr, area_ha = garr[sel], larr[sel], area_ha[sel]
    order = np.lexsort((-area_ha, larr))
    garr, larr, area_ha = garr[order], larr[order], area_ha[order]
    return gpd.GeoDataFrame({
        "area_id": np.arange(1, len(garr) + 1),
        "name": [names[i - 1] for i in larr],
        "ags": [ids[i - 1] for i in larr],
        "area_ha": np.round(area_ha, 4),
        "technology": catalogue.technology,
        "catalogue": f"{catalogue.id} {catalogue.version}",
    }, geometry=list(garr), crs=crs)


def _write_table(path: Path, stats: list[MunicipalityStats], bits: list[dict[str, Any]]) -> None:
    header = ["name", "ags", "total_ha", "eligible_ha", "eligible_pct"]
    for b in bits:
        header += [f"excl_{b['id']}_ha", f"only_{b['id']}_ha"]
    rows = []
    for m in stats + [_total_row(stats, bits)]:
        row: list[Any] = [m.name, m.ags, m.total_ha, m.eligible_ha, m.eligible_pct]
        for b in bits:
            c = m.criteria[b["id"]]
            row += [c.excluded_ha, c.only_this_ha]
        rows.append(row)
    write_csv(path, header, rows)


def _total_row(stats: list[MunicipalityStats], bits: list[dict[str, Any]]) -> MunicipalityStats:
    return MunicipalityStats(
        "TOTAL", "", sum(m.total_ha for m in stats), sum(m.eligible_ha for m in stats),
        {b["id"]: CriterionStats(sum(m.criteria[b["id"]].excluded_ha for m in stats),
                                 sum(m.criteria[b["id"]].only_this_ha for m in stats)) for b in bits},
    )
