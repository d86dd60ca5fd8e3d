"""Suitability: where on eligible land wind turbines or solar parks should go first.

:func:`run_suitability` scores every eligible pixel of an eligibility run with
the soft criteria of a catalogue's ``suitability:`` section:
each criterion's physical input (the distance to features of a layer, or a
raster value such as wind speed or slope) goes through its value function to a
score in [0, 1]; the scores are weighted and aggregated, and written as a
suitability raster 0–100 (uint8, 255 = not scored). Optionally it ranks the
eligible polygons of the eligibility run as candidate sites (mean and
percentile scores), and runs a sensitivity analysis: N weight sets perturbed
within ± p give a stability raster (percent of runs in which a pixel is among
the top X % of the scored pixels) and the rank spread of every site.

Memory stays bounded by the tile size: the sensitivity runs keep, per tile,
only the quantised criterion scores of the scored pixels in a temporary file,
and find each run's top-X % threshold from a score histogram.

The module is a little longer than 700 lines because scoring, the two sensitivity passes and the
site ranking share one private tile plan that is clearer kept together.
"""
from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from pyproj import CRS
from rasterio.features import rasterize
from scipy import sparse

from .. import __version__ as wip_version
from ..data.outputs import OutputTransaction, open_raster_writer, write_csv, write_vector
from ..catalogue.loader import Catalogue
from ..catalogue.model import SuitabilityCriterion, SuitabilitySpec
from ..catalogue.species import share_central_weight
from ..catalogue.weights import AhpResult, InconsistentPair, inconsistent_pairs
from ..eligibility.distance import FeatureSet, distance_field
from ..eligibility.aoi import read_aoi_frame
from ..eligibility.engine import ELIGIBLE, AreaOfInterest
from ..errors import InputError
from ..catalogue.filters import evaluate
from ..data.raster_grid import Grid, Window
from ..data.layers import LayerRef, layer_info, read_layer
from .mcda import (
    aggregate,
    aggregate_runs,
    perturbed_weights,
    rank_sites,
    rank_spread,
    score_bins,
    top_threshold_bins,
)
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from ..data.rasters import RasterRef, check_raster, eligibility_grid, role_values, sources_for
from ..messages import localise_number, localised, msg

SCORE_NODATA = 255
#: Score bins of the sensitivity thresholds (a run's top X % is found to 1/N_BINS).
N_BINS = 1000
#: Criterion scores are kept as uint8 0…254 between the two sensitivity passes.
_Q = 254
#: Distances are computed on cells of about reach / _REACH_CELLS (never finer than the grid).
_REACH_CELLS = 400


@dataclass(frozen=True)
class SuitabilityOutputs:
    """Destination files; ``None`` skips an output (the suitability raster is required).

    Attributes
    ----------
    suitability : Path
        GeoTIFF, uint8 score 0–100, 255 where not scored.
    sites : Path or None
        GeoPackage (layer ``candidate_sites``): eligible polygons with scores and ranks.
    sites_table : Path or None
        The same as CSV (no geometry).
    stability : Path or None
        GeoTIFF, uint8 percent of sensitivity runs in the top X %, 255 where not scored
        (needs ``SuitabilitySettings.sensitivity``).
    """

    suitability: Path
    sites: Path | None = None
    sites_table: Path | None = None
    stability: Path | None = None


@dataclass(frozen=True)
class SensitivitySettings:
    """Weight perturbation runs.

    Attributes
    ----------
    runs : int
        Number of perturbed weight sets.
    perturbation : float
        Each weight is scaled by a factor in [1 − p, 1 + p], then renormalised. [-]
    top_pct : float
        Size of the top set whose stability is reported. [%]
    seed : int
        Seed of the random generator (same seed, same result).
    """

    runs: int = 100
    perturbation: float = 0.2
    top_pct: float = 10.0
    seed: int = 0


@dataclass(frozen=True)
class SuitabilitySettings:
    """How to run.

    Attributes
    ----------
    tile_px : int
        Tile edge. [pixels]
    sensitivity : SensitivitySettings or None
        Sensitivity analysis (None: none).
    invalid_geometries : str
        ``error`` or ``repair`` (as in eligibility).
    temp_dir : Path or None
        Folder for the temporary score files of the sensitivity runs (default: system temp).
    chunk_px : int
        Pixels aggregated at once under all run weights (memory: runs × chunk × 12 bytes).
    """

    tile_px: int = 2048
    sensitivity: SensitivitySettings | None = None
    invalid_geometries: str = "error"
    temp_dir: Path | None = None
    chunk_px: int = 65536


@dataclass(frozen=True)
class SiteScore:
    """Scores of one candidate site (an eligible polygon). Scores in [0–100].

    Attributes
    ----------
    site_id : int
        ``area_id`` of the eligible polygon (or its position, from 1).
    name, ags : str
        Municipality.
    area_ha : float
        Area. [ha]
    n_pixels : int
        Scored pixels.
    mean, p10, p50, p90 : float
        Mean score and percentiles of the pixel scores (NaN without scored pixels).
    rank : int
        1 = best, by mean score, ties by larger area.
    rank_min, rank_max : int or None
        Best and worst rank over the sensitivity runs.
    """

    site_id: int
    name: str
    ags: str
    area_ha: float
    n_pixels: int
    mean: float
    p10: float
    p50: float
    p90: float
    rank: int
    rank_min: int | None = None
    rank_max: int | None = None


@dataclass(frozen=True)
class SuitabilityResult:
    """What a run produced.

    Attributes
    ----------
    outputs : SuitabilityOutputs
        Files written (None for skipped ones).
    grid : Grid
        Grid of the eligibility raster.
    criteria : tuple of str
        Criterion ids, in weight order.
    weights : tuple of float
        Normalised weights used.
    aggregation : str
        Aggregation method.
    ahp : AhpResult or None
        AHP weights and consistency, with AHP weighting.
    inconsistent : tuple of InconsistentPair
        The worst AHP judgements when CR > 0.1.
    scored_ha : float
        Area with a score. [ha]
    unscored_ha : float
        Eligible area without a score (an input undefined there). [ha]
    mean_score : float
        Mean score of the scored pixels. [0–100]
    criterion_means : dict of str to float
        Mean score per criterion over the scored pixels. [0–1]
    sites : tuple of SiteScore
        Candidate sites by rank.
    top_thresholds : tuple of float
        Per sensitivity run, the lowest score in its top set. [0–100]
    """

    outputs: SuitabilityOutputs
    grid: Grid
    criteria: tuple[str, ...]
    weights: tuple[float, ...]
    aggregation: str
    ahp: AhpResult | None = None
    inconsistent: tuple[InconsistentPair, ...] = ()
    scored_ha: float = 0.0
    unscored_ha: float = 0.0
    mean_score: float = float("nan")
    criterion_means: dict[str, float] = field(default_factory=dict)
    sites: tuple[SiteScore, ...] = ()
    top_thresholds: tuple[float, ...] = ()


# ----------------------------------------------------------------- preparation
@dataclass
class _Plan:
    spec: SuitabilitySpec
    criteria: tuple[SuitabilityCriterion, ...]
    weights: np.ndarray
    grid: Grid
    crs: CRS
    eligibility: Path
    aoi_geoms: np.ndarray | None
    feature_sets: dict[str, FeatureSet]      # criterion id -> features (shared objects)
    reach_m: dict[str, float]                # feature-set key -> distance needed
    rasters: dict[str, RasterRef]
    sites: gpd.GeoDataFrame | None
    site_tree: shapely.STRtree | None


def _read_aoi(aoi: AreaOfInterest, crs: CRS, invalid: str) -> tuple[np.ndarray, set[str]]:
    """The selected areas' polygons and their labels (the names the eligible areas carry)."""
    frame, _ = read_aoi_frame(aoi, crs, invalid)
    frame = frame[shapely.area(frame.geometry.values) > 0]
    if frame.empty:
        raise InputError(f"The area-of-interest layer ({aoi.layer.describe()}) holds no polygons.")
    return np.asarray(frame.geometry.values, dtype=object), set(frame["aoi_label"])


def _read_sites(ref: LayerRef, crs: CRS, labels: set[str] | None, invalid: str,
                progress: Progress) -> gpd.GeoDataFrame:
    info = layer_info(ref, "eligible areas")
    cols = tuple(c for c in ("area_id", "name", "ags", "area_ha") if c in info.fields)
    if info.feature_count == 0:
        progress.warning(msg("suitability_no_eligible_polygons", layer=ref.describe()))
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)
    frame = read_layer(ref, "eligible areas", crs, columns=cols, invalid=invalid)
    if labels is not None and "name" in frame.columns:
        frame = frame[frame["name"].astype(str).isin(labels)]
    frame = frame[shapely.area(frame.geometry.values) > 0].reset_index(drop=True)
    if "area_id" not in frame.columns or not frame["area_id"].is_unique:
        frame["area_id"] = np.arange(1, len(frame) + 1)
    for c in ("name", "ags"):
        frame[c] = frame[c].astype(str) if c in frame.columns else ""
    frame["area_ha"] = shapely.area(frame.geometry.values) / 10_000.0
    return frame


def _prepare(
    catalogue: Catalogue, layers: Mapping[str, LayerRef], rasters: Mapping[str, RasterRef | str | Path],
    aoi: AreaOfInterest | None, eligibility: Path, eligible_areas: LayerRef | None,
    settings: SuitabilitySettings, progress: Progress,
) -> _Plan:
    spec = catalogue.suitability
    if spec is None:
        raise InputError(f"The catalogue {catalogue.id!r} has no 'suitability:' section; add soft criteria "
                         "(see docs/suitability.md) or choose a preset that has them.")
    grid, crs = eligibility_grid(Path(eligibility))
    refs = {role: r if isinstance(r, RasterRef) else RasterRef(str(r)) for role, r in rasters.items()}
    missing_layers = [r for r in spec.layer_roles() if r not in layers]
    if missing_layers:
        users = [c.id for c in spec.criteria if c.input.layer in missing_layers]
        raise InputError(f"The suitability criteria {', '.join(users)} need the layer role(s) "
                         f"{', '.join(missing_layers)}; give a layer for each, or remove those criteria.")
    checked: set[RasterRef] = set()
    for role in spec.raster_roles():
        read_role, ref = sources_for(role, refs)
        if ref not in checked:
            check_raster(ref, read_role, grid, crs)
            checked.add(ref)
    aoi_geoms, labels = _read_aoi(aoi, crs, settings.invalid_geometries) if aoi is not None else (None, None)
    base = shapely.union_all(aoi_geoms).bounds if aoi_geoms is not None else grid.bounds
    r = grid.resolution_m

    keys: dict[str, str] = {}
    reach: dict[str, float] = {}
    for c in spec.criteria:
        if c.input.layer:
            key = f"{c.input.layer}|{c.input.filter}"
            keys[c.id] = key
            reach[key] = max(reach.get(key, 0.0), c.value_function.reach())
    frames: dict[str, gpd.GeoDataFrame] = {}
    sets: dict[str, FeatureSet] = {}
    for c in spec.criteria:
        if not c.input.layer:
            continue
        check_cancelled(progress)
        role = c.input.layer
        role_reach = max(reach[keys[cc.id]] for cc in spec.criteria if cc.input.layer == role)
        if role not in frames:
            cols = tuple(dict.fromkeys(f for cc in spec.criteria if cc.input.layer == role
                                       for f in cc.input.filter.fields()))
            grow = role_reach + 2 * r
            box = (base[0] - grow, base[1] - grow, base[2] + grow, base[3] + grow)
            frames[role] = read_layer(layers[role], role, crs, box, cols, settings.invalid_geometries)
            progress.info(msg("layer_features_within", layer=role, n=len(frames[role]), reach_m=float(role_reach)))
        key = keys[c.id]
        if key not in sets:
            frame = frames[role]
            geoms = np.asarray(frame.geometry.values[evaluate(c.input.filter, frame)], dtype=object)
            sets[key] = FeatureSet(key, geoms)
            if len(geoms) == 0:
                progress.warning(msg("suitability_no_feature_matches", criterion=c.id, role=role,
                                     filter=str(c.input.filter), reach_m=float(reach[key])))
    sites = None
    tree = None
    if eligible_areas is not None:
        sites = _read_sites(eligible_areas, crs, labels, settings.invalid_geometries, progress)
        tree = shapely.STRtree(np.asarray(sites.geometry.values, dtype=object)) if len(sites) else None
    weights = share_central_weight([c.id for c in spec.criteria], np.asarray(spec.weights(), dtype=float),
                                   {cid: len(sets[k]) for cid, k in keys.items()}, progress)
    return _Plan(spec, spec.criteria, weights, grid, crs, Path(eligibility), aoi_geoms,
                 {cid: sets[k] for cid, k in keys.items()}, reach, refs, sites, tree)


# ----------------------------------------------------------------- tile work
def _distance(fs: FeatureSet, grid: Grid, window: Window, reach_m: float) -> np.ndarray:
    """Distance to the features on ``window``, on cells of about reach/400 (at least one pixel). [m]"""
    k = max(1, int(reach_m / (_REACH_CELLS * grid.resolution_m)))
    if k == 1:
        return distance_field(fs, grid, window, reach_m)
    coarse = Grid(grid.left, grid.top, grid.resolution_m * k, -(-grid.width // k), -(-grid.height // k))
    r0, c0 = window.row // k, window.col // k
    r1, c1 = -(-(window.row + window.height) // k), -(-(window.col + window.width) // k)
    d = distance_field(fs, coarse, Window(r0, c0, r1 - r0, c1 - c0), reach_m)
    rows = np.arange(window.row, window.row + window.height) // k - r0
    cols = np.arange(window.col, window.col + window.width) // k - c0
    return d[np.ix_(rows, cols)]


@dataclass
class _Tile:
    window: Window
    index: np.ndarray      # flat positions of the scored pixels in the window
    scores: np.ndarray     # (criteria, n) float32 criterion scores
    total: np.ndarray      # (n,) aggregated score [0, 1]
    site: np.ndarray       # (n,) site index + 1, 0 outside sites
    unscored: int          # eligible pixels left without a score


def _score_tile(plan: _Plan, window: Window, progress: Progress) -> _Tile | None:
    grid = plan.grid
    win = ((window.row, window.row + window.height), (window.col, window.col + window.width))
    with rasterio.open(plan.eligibility) as ds:
        elig = ds.read(1, window=win)
    mask = elig == ELIGIBLE
    if plan.aoi_geoms is not None and mask.any():
        mask &= rasterize(((g, 1) for g in plan.aoi_geoms), out_shape=mask.shape,
                          transform=grid.window_transform(window), fill=0, dtype="uint8").astype(bool)
    if not mask.any():
        return None
    index = np.flatnonzero(mask)
    scores = np.empty((len(plan.criteria), index.size), dtype=np.float32)
    cache: dict[Any, np.ndarray] = {}
    for i, c in enumerate(plan.criteria):
        check_cancelled(progress)
        if c.input.layer:
            fs = plan.feature_sets[c.id]
            if fs.key not in cache:
                cache[fs.key] = _distance(fs, grid, window, plan.reach_m[fs.key])
            x = cache[fs.key]
        else:
            if c.input.raster not in cache:
                cache[c.input.raster] = role_values(c.input.raster, plan.rasters, grid, window, plan.crs)
            x = cache[c.input.raster]
        xv = x.ravel()[index].astype(float)
        s = c.value_function(xv)
        if c.missing_score is not None:
            s = np.where(np.isnan(xv), c.missing_score, s)
        scores[i] = s
    total = aggregate(scores, plan.weights, plan.spec.aggregation)
    ok = ~np.isnan(total)
    site = np.zeros(index.size, dtype=np.int32)
    if plan.site_tree is not None:
        idx = plan.site_tree.query(shapely.box(*grid.window_bounds(window)))
        if idx.size:
            geoms = plan.sites.geometry.values
            labels = rasterize(((geoms[i], int(i) + 1) for i in idx), out_shape=mask.shape,
                               transform=grid.window_transform(window), fill=0, dtype="int32")
            site = labels.ravel()[index]
    return _Tile(window, index[ok], scores[:, ok], total[ok].astype(np.float32), site[ok], int((~ok).sum()))


def _tile_raster(window: Window, index: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.full(window.height * window.width, SCORE_NODATA, dtype=np.uint8)
    out[index] = values
    return out.reshape(window.height, window.width)


def _window_slices(w: Window) -> tuple[tuple[int, int], tuple[int, int]]:
    return ((w.row, w.row + w.height), (w.col, w.col + w.width))


# ----------------------------------------------------------------- the run
def run_suitability(
    catalogue: Catalogue,
    layers: Mapping[str, LayerRef],
    rasters: Mapping[str, RasterRef | str | Path],
    aoi: AreaOfInterest | None,
    eligibility_raster: Path,
    outputs: SuitabilityOutputs,
    settings: SuitabilitySettings = SuitabilitySettings(),
    progress: Progress | None = None,
    *,
    eligible_areas: LayerRef | None = None,
) -> SuitabilityResult:
    """Score the eligible land with the catalogue's soft criteria and write the outputs.

    Parameters
    ----------
    catalogue : Catalogue
        A catalogue with a ``suitability:`` section.
    layers : mapping of str to LayerRef
        Vector layer per role; every role a distance criterion reads is required.
    rasters : mapping of str to RasterRef or path
        Raster per raster role (``slope`` and ``aspect`` may come from ``dem``).
    aoi : AreaOfInterest or None
        Restrict scoring (and sites) to these areas; None scores every eligible pixel.
    eligibility_raster : Path
        Eligibility raster of a previous run (1 eligible); its grid and CRS are used.
    outputs : SuitabilityOutputs
        Destination files.
    settings : SuitabilitySettings
        Tiling and sensitivity.
    progress : Progress, optional
        Progress and cancellation.
    eligible_areas : LayerRef, optional
        Eligible polygons of the eligibility run (layer ``eligible_areas``), ranked
        as candidate sites; required for ``outputs.sites`` / ``sites_table``.

    Returns
    -------
    SuitabilityResult

    Raises
    ------
    InputError
        Missing section, layers, rasters or inputs (nothing is written).
    Cancelled
        The user cancelled (nothing is written).
    """
    progress = progress or NullProgress()
    sens = settings.sensitivity
    if outputs.stability is not None and sens is None:
        raise InputError("A stability raster needs a sensitivity analysis (runs, perturbation, top share).")
    if (outputs.sites is not None or outputs.sites_table is not None) and eligible_areas is None:
        raise InputError("Ranked candidate sites need the eligible-area polygons of the eligibility run "
                         "(GeoPackage layer 'eligible_areas').")
    if sens is not None and (sens.runs < 1 or not 0 <= sens.perturbation < 1 or not 0 < sens.top_pct <= 100):
        raise InputError(f"Sensitivity settings out of range: runs ≥ 1, perturbation in [0, 1), top share in "
                         f"(0, 100] %; got {sens}.")
    progress.report(0.0, msg("step_reading_inputs"))
    plan = _prepare(catalogue, layers, rasters, aoi, Path(eligibility_raster), eligible_areas, settings,
                    SubProgress(progress, 0.0, 0.1))
    spec, grid = plan.spec, plan.grid
    ids = spec.ids
    ahp = spec.ahp_result()
    bad_pairs: tuple[InconsistentPair, ...] = ()
    if ahp is not None and not ahp.consistent:
        bad_pairs = tuple(inconsistent_pairs(spec.ahp_matrix(), ahp.weights, ids))
        de = [f"{p.first} gegenüber {p.second}: angegeben {localise_number(f'{p.judgement:.3g}', 'de')}, die "
              f"Gewichte ergeben {localise_number(f'{p.implied:.3g}', 'de')}" for p in bad_pairs]
        progress.warning(msg("ahp_inconsistent", ratio=float(ahp.consistency_ratio), pairs=localised(en="; ".join(
            f"{p.first} vs {p.second}: given {p.judgement:.3g}, the weights imply {p.implied:.3g}" for p in bad_pairs),
            de="; ".join(de))))
    n_sites = len(plan.sites) if plan.sites is not None else 0
    run_w = (perturbed_weights(plan.weights, sens.runs, sens.perturbation, np.random.default_rng(sens.seed))
             if sens is not None else None)
    want_pass2 = outputs.stability is not None
    tiles = list(grid.tiles(max(1, settings.tile_px)))
    pass1_end = 0.6 if want_pass2 else 0.9
    tags = _tags(catalogue, spec, plan, settings)

    # accumulators
    scored = unscored = 0
    score_sum = 0.0
    crit_sum = np.zeros(len(ids))
    site_n = np.zeros(n_sites + 1, dtype=np.int64)
    site_sum = np.zeros(n_sites + 1)
    site_hist = np.zeros((n_sites + 1, 101), dtype=np.int64)
    run_hist = np.zeros((sens.runs, N_BINS), dtype=np.int64) if sens is not None else None
    run_site_sum = np.zeros((sens.runs, n_sites + 1)) if sens is not None else None

    with OutputTransaction() as tx, tempfile.TemporaryDirectory(dir=settings.temp_dir) as tmp:
        ds = open_raster_writer(tx.temp_for(outputs.suitability), grid.width, grid.height, grid.transform,
                                   plan.crs, "uint8", SCORE_NODATA, tags, "suitability score 0–100")
        saved: dict[int, Path] = {}
        try:
            for t, window in enumerate(tiles):
                check_cancelled(progress)
                tile = _score_tile(plan, window, progress)
                if tile is None:
                    ds.write(np.full((window.height, window.width), SCORE_NODATA, np.uint8), 1,
                             window=_window_slices(window))
                    continue
                pct = np.rint(tile.total * 100.0).astype(np.uint8)
                ds.write(_tile_raster(window, tile.index, pct), 1, window=_window_slices(window))
                scored += tile.index.size
                unscored += tile.unscored
                score_sum += float(tile.total.sum(dtype=np.float64)) * 100.0
                crit_sum += tile.scores.sum(axis=1, dtype=np.float64)
                site_n += np.bincount(tile.site, minlength=n_sites + 1)
                site_sum += np.bincount(tile.site, weights=tile.total * 100.0, minlength=n_sites + 1)
                site_hist += np.bincount(tile.site.astype(np.int64) * 101 + pct,
                                         minlength=(n_sites + 1) * 101).reshape(n_sites + 1, 101)
                if sens is not None and tile.index.size:
                    q = np.rint(tile.scores * _Q).astype(np.uint8)
                    _runs_pass1(q, tile.site, run_w, spec.aggregation, settings.chunk_px,
                                run_hist, run_site_sum, progress)
                    if want_pass2:
                        saved[t] = Path(tmp) / f"tile_{t}.npz"
                        np.savez(saved[t], index=tile.index.astype(np.int32), q=q)
                progress.report(0.1 + (pass1_end - 0.1) * (t + 1) / len(tiles), msg("step_tile", n=t + 1, m=len(tiles)))
        finally:
            ds.close()
        if unscored:
            progress.warning(msg("suitability_unscored", area_ha=float(unscored * grid.pixel_area_ha)))
        thresholds = top_threshold_bins(run_hist, sens.top_pct) if sens is not None else None
        if want_pass2:
            assert sens is not None and thresholds is not None and run_w is not None
            _write_stability(tx.temp_for(outputs.stability), plan, tiles, saved, run_w, thresholds,
                             spec.aggregation, settings.chunk_px, tags, SubProgress(progress, 0.6, 0.9))
        check_cancelled(progress)
        progress.report(0.92, msg("step_ranking_sites"))
        sites = _site_scores(plan, site_n, site_sum, site_hist, run_site_sum) if plan.sites is not None else ()
        if outputs.sites is not None:
            write_vector(tx.temp_for(outputs.sites), _sites_frame(plan, sites), "candidate_sites", "MultiPolygon")
        if outputs.sites_table is not None:
            _write_sites_csv(tx.temp_for(outputs.sites_table), sites)
        check_cancelled(progress)
    progress.report(1.0, msg("step_done"))
    px_ha = grid.pixel_area_ha
    return SuitabilityResult(
        outputs=outputs, grid=grid, criteria=ids, weights=tuple(float(w) for w in plan.weights),
        aggregation=spec.aggregation, ahp=ahp, inconsistent=bad_pairs,
        scored_ha=scored * px_ha, unscored_ha=unscored * px_ha,
        mean_score=score_sum / scored if scored else float("nan"),
        criterion_means={c: float(v / scored) if scored else float("nan") for c, v in zip(ids, crit_sum)},
        sites=tuple(sites),
        top_thresholds=tuple(float(100.0 * b / N_BINS) for b in thresholds) if thresholds is not None else (),
    )


def _runs_pass1(q: np.ndarray, site: np.ndarray, run_w: np.ndarray, method: str, chunk: int,
                run_hist: np.ndarray, run_site_sum: np.ndarray, progress: Progress) -> None:
    """Add a tile's pixels to every run's score histogram and per-site score sums."""
    runs = run_w.shape[0]
    offsets = (np.arange(runs, dtype=np.int64) * N_BINS)[:, None]
    n_sites = run_site_sum.shape[1]
    for a in range(0, q.shape[1], chunk):
        check_cancelled(progress)
        s = q[:, a:a + chunk].astype(np.float32) / _Q
        r = aggregate_runs(s, run_w, method)
        b = score_bins(r, N_BINS)
        run_hist += np.bincount((offsets + b).ravel(), minlength=runs * N_BINS).reshape(runs, N_BINS)
        lab = site[a:a + chunk]
        inside = np.flatnonzero(lab > 0)
        if inside.size:
            onehot = sparse.csr_matrix((np.ones(inside.size), (inside, lab[inside])),
                                       shape=(lab.size, n_sites))
            run_site_sum += np.asarray((onehot.T @ r.T.astype(np.float64)).T) * 100.0


def _write_stability(path: Path, plan: _Plan, tiles: list[Window], saved: dict[int, Path], run_w: np.ndarray,
                     thresholds: np.ndarray, method: str, chunk: int, tags: dict[str, str],
                     progress: Progress) -> None:
    grid = plan.grid
    ds = open_raster_writer(path, grid.width, grid.height, grid.transform, plan.crs, "uint8", SCORE_NODATA,
                               tags, "percent of sensitivity runs in the top set")
    runs = run_w.shape[0]
    try:
        for t, window in enumerate(tiles):
            check_cancelled(progress)
            if t not in saved:
                ds.write(np.full((window.height, window.width), SCORE_NODATA, np.uint8), 1,
                         window=_window_slices(window))
                continue
            data = np.load(saved[t])
            index, q = data["index"], data["q"]
            count = np.zeros(index.size, dtype=np.int32)
            for a in range(0, index.size, chunk):
                check_cancelled(progress)
                r = aggregate_runs(q[:, a:a + chunk].astype(np.float32) / _Q, run_w, method)
                count[a:a + chunk] = (score_bins(r, N_BINS) >= thresholds[:, None]).sum(axis=0)
            pct = np.rint(100.0 * count / runs).astype(np.uint8)
            ds.write(_tile_raster(window, index, pct), 1, window=_window_slices(window))
            saved[t].unlink()
            progress.report((t + 1) / len(tiles), msg("step_stability_tile", n=t + 1, m=len(tiles)))
    finally:
        ds.close()


def _percentile_from_hist(hist: np.ndarray, q: float) -> float:
    """Smallest integer score whose cumulative count reaches q · N (NaN for no pixels)."""
    n = hist.sum()
    if n == 0:
        return float("nan")
    return float(np.searchsorted(np.cumsum(hist), q * n, side="left"))


def _site_scores(plan: _Plan, n: np.ndarray, total: np.ndarray, hist: np.ndarray,
                 run_sum: np.ndarray | None) -> list[SiteScore]:
    sites = plan.sites
    assert sites is not None
    if len(sites) == 0:
        return []
    count = n[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total[1:] / count, np.nan)
    area = sites["area_ha"].to_numpy(dtype=float)
    rank = rank_sites(mean, area)
    rmin = rmax = None
    if run_sum is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            run_means = np.where(count[None, :] > 0, run_sum[:, 1:] / count[None, :], np.nan)
        rmin, rmax = rank_spread(run_means, area)
    out = []
    for i in range(len(sites)):
        h = hist[i + 1]
        out.append(SiteScore(
            site_id=int(sites["area_id"].iloc[i]), name=str(sites["name"].iloc[i]), ags=str(sites["ags"].iloc[i]),
            area_ha=float(area[i]), n_pixels=int(count[i]), mean=float(mean[i]),
            p10=_percentile_from_hist(h, 0.1), p50=_percentile_from_hist(h, 0.5), p90=_percentile_from_hist(h, 0.9),
            rank=int(rank[i]), rank_min=int(rmin[i]) if rmin is not None else None,
            rank_max=int(rmax[i]) if rmax is not None else None,
        ))
    out.sort(key=lambda s: s.rank)
    return out


_SITE_FIELDS = ("rank", "site_id", "name", "ags", "area_ha", "n_pixels", "mean", "p10", "p50", "p90",
                "rank_min", "rank_max")


def _sites_frame(plan: _Plan, sites: list[SiteScore]) -> gpd.GeoDataFrame:
    geoms_by_id = dict(zip(plan.sites["area_id"].astype(int), plan.sites.geometry.values)) if plan.sites is not None \
        else {}
    cols = {f: [getattr(s, f) for s in sites] for f in _SITE_FIELDS}
    cols["rank_min"] = [v if v is not None else -1 for v in cols["rank_min"]]
    cols["rank_max"] = [v if v is not None else -1 for v in cols["rank_max"]]
    return gpd.GeoDataFrame(cols, geometry=[geoms_by_id[s.site_id] for s in sites], crs=plan.crs)


def _write_sites_csv(path: Path, sites: list[SiteScore]) -> None:
    write_csv(path, _SITE_FIELDS, ([getattr(s, f) if getattr(s, f) is not None else "" for f in _SITE_FIELDS]
                                      for s in sites))


def _tags(catalogue: Catalogue, spec: SuitabilitySpec, plan: _Plan, settings: SuitabilitySettings) -> dict[str, str]:
    tags = {
        "WIP_VERSION": wip_version,
        "WIP_CATALOGUE": f"{catalogue.id} {catalogue.version} ({catalogue.origin})",
        "WIP_ELIGIBILITY": str(plan.eligibility),
        "WIP_AGGREGATION": spec.aggregation,
        "WIP_WEIGHTING": spec.weighting,
        "WIP_WEIGHTS": json.dumps({c: round(float(w), 6) for c, w in zip(spec.ids, plan.weights)}),
        "WIP_CRITERIA": json.dumps({c.id: f"{c.input.describe()} → {c.value_function.describe()}"
                                    for c in spec.criteria}, ensure_ascii=False),
        "WIP_CREATED": dt.datetime.now().isoformat(timespec="seconds"),
    }
    if settings.sensitivity is not None:
        s = settings.sensitivity
        tags["WIP_SENSITIVITY"] = (f"runs={s.runs} perturbation={s.perturbation:g} top_pct={s.top_pct:g} "
                                   f"seed={s.seed}")
    for role, ref in plan.rasters.items():
        tags[f"WIP_RASTER_{role.upper()}"] = ref.describe()
    return tags
