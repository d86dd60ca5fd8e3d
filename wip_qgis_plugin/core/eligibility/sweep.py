"""Setback sweep: the eligible share as a function of one criterion's setback.

"How much land does our municipality have at 800 m instead of 1000 m to the
settlements — with and without forest?" The sweep answers it in one pass: every
other criterion is computed once per tile, the swept criterion's distance
transform once, and each setback is a threshold on it (exact, as in
:mod:`.distance`). Variants drop criteria (e.g. ``forest``) from the others.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from rasterio.features import rasterize

from ..data.outputs import OutputTransaction, write_csv
from ..catalogue.loader import Catalogue
from .distance import within_masks
from .exception_zones import exception_masks
from .engine import AreaOfInterest, EligibilitySettings, check_outputs_not_inputs, prepare_run, iterate_tiles
from ..errors import InputError
from ..data.raster_grid import Window
from ..data.layers import LayerRef
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from ..messages import msg


@dataclass(frozen=True)
class SweepRow:
    """Eligible area of one municipality at one setback in one variant. [ha], [%]"""

    variant: str
    name: str
    ags: str
    setback_m: float
    total_ha: float
    eligible_ha: float

    @property
    def eligible_pct(self) -> float:
        """Eligible share of the municipality. [%]"""
        return 100.0 * self.eligible_ha / self.total_ha if self.total_ha else 0.0


@dataclass(frozen=True)
class SweepResult:
    """All rows of a sweep, with the swept criterion and the files written."""

    criterion_id: str
    setbacks_m: tuple[float, ...]
    variants: tuple[str, ...]
    rows: tuple[SweepRow, ...]
    table: Path | None = None
    chart: Path | None = None

    def series(self, variant: str, name: str | None = None) -> np.ndarray:
        """Eligible share per setback for a municipality (None: the whole AOI). [%]"""
        rows = [r for r in self.rows if r.variant == variant and (name is None or r.name == name)]
        out = []
        for s in self.setbacks_m:
            sel = [r for r in rows if r.setback_m == s]
            total = sum(r.total_ha for r in sel)
            out.append(100.0 * sum(r.eligible_ha for r in sel) / total if total else 0.0)
        return np.asarray(out)


@dataclass(frozen=True)
class SweepOutputs:
    """The files a sweep writes (atomically); ``None`` skips a file.

    Attributes
    ----------
    table : Path or None
        CSV table, one row per variant, setback and municipality.
    chart : Path or None
        Line chart of the eligible share against the setback (PNG or SVG by suffix).
    """

    table: Path | None = None
    chart: Path | None = None


@dataclass(frozen=True)
class SweepSettings:
    """How to run a sweep.

    Attributes
    ----------
    eligibility : EligibilitySettings
        Resolution, CRS, kinds, turbine and tiling, as for :func:`.engine.run_eligibility`.
    language : str
        Language of the chart's labels (``de`` or ``en``).
    """

    eligibility: EligibilitySettings = field(default_factory=EligibilitySettings)
    language: str = "de"


@dataclass
class _SweepPlan:
    base: object
    swept_index: int
    setbacks_m: tuple[float, ...]
    drop: list[set[int]]


def _sweep_tile(plan: _SweepPlan, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Pixel counts per (variant, setback, area): total and eligible."""
    base = plan.base
    grid = base.grid
    shape = (window.height, window.width)
    n_areas = len(base.aoi_geoms)
    labels = rasterize(((g, i + 1) for i, g in enumerate(base.aoi_geoms)), out_shape=shape,
                       transform=grid.window_transform(window), all_touched=False, fill=0, dtype="uint16")
    n_var, n_set = len(plan.drop), len(plan.setbacks_m)
    total = np.bincount(labels.ravel(), minlength=n_areas + 1).astype(float)
    eligible = np.zeros((n_var, n_set, n_areas + 1))
    if not labels.any():
        return total, eligible
    masks: dict[int, np.ndarray] = {}
    swept: list[np.ndarray] = []
    permitted = np.zeros(shape, dtype=bool) if base.permitted_idx else None
    for fs, use in zip(base.feature_sets, base.uses):
        has_swept = any(ci == plan.swept_index for ci, _ in use)
        buffers = tuple(b for ci, b in use if ci != plan.swept_index)
        if has_swept:
            buffers = buffers + plan.setbacks_m
        result = within_masks(fs, grid, window, buffers)
        others = [ci for ci, _ in use if ci != plan.swept_index]
        for ci, mask in zip(others, result[:len(others)]):
            if ci in base.permitted_idx:
                permitted |= mask
            else:
                masks[ci] = mask
        if has_swept:
            swept = result[len(others):]
    for ci, mask in exception_masks(base.exceptions, grid, window).items():  # where a criterion does not apply
        if ci == plan.swept_index:
            swept = [m & ~mask for m in swept]
        elif ci in masks:
            masks[ci] &= ~mask
    inside = labels > 0
    if permitted is not None:
        inside &= permitted
    for v, drop in enumerate(plan.drop):
        free = inside.copy()
        for ci, mask in masks.items():
            if ci not in drop:
                free &= ~mask
        for s, mask in enumerate(swept):
            ok = free & ~mask
            eligible[v, s] = np.bincount(labels[ok], minlength=n_areas + 1)
    return total, eligible


def run_setback_sweep(
    catalogue: Catalogue,
    layers: Mapping[str, LayerRef],
    aoi: AreaOfInterest,
    criterion_id: str,
    setbacks_m: Sequence[float],
    variants: Mapping[str, Sequence[str]] | None = None,
    outputs: SweepOutputs = SweepOutputs(),
    settings: SweepSettings = SweepSettings(),
    progress: Progress | None = None,
) -> SweepResult:
    """Eligible area per municipality for each setback of one criterion.

    Parameters
    ----------
    catalogue : Catalogue
        Criteria; ``criterion_id`` must be an active exclusion criterion.
    layers, aoi
        As for :func:`.engine.run_eligibility`.
    criterion_id : str
        The criterion whose setback varies (e.g. ``settlements_soft``).
    setbacks_m : sequence of float
        Setbacks to evaluate, e.g. 400 … 1500 in steps of 100. [m]
    variants : mapping of str to sequence of str, optional
        Named variants, each dropping the listed criteria, e.g.
        ``{"mit Wald": [], "ohne Wald": ["forest"]}``. Default: one variant ``all``.
    outputs : SweepOutputs
        CSV table and chart to write (default: none).
    settings : SweepSettings
        Eligibility settings (CRS inside) and the chart's language.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    SweepResult
    """
    progress = progress or NullProgress()
    language = settings.language
    eligibility = settings.eligibility
    table, chart = outputs.table, outputs.chart
    check_outputs_not_inputs(outputs, [*layers.values(), aoi.layer, *(b.layer for b in eligibility.layer_bindings)])
    steps = tuple(sorted({float(s) for s in setbacks_m}))
    if not steps or steps[0] < 0:
        raise InputError("Give one or more non-negative setbacks for the sweep, e.g. 400 … 1500 m.")
    variants = dict(variants or {"all": []})
    base_plan, names, ids = prepare_run(catalogue, layers, aoi, eligibility, False, SubProgress(progress, 0, 0.1),
                                        extra_reach_m=steps[-1])
    crit_ids = [c.id for c in base_plan.criteria]
    absent = {a.criterion: a for a in base_plan.not_assessed}
    if criterion_id in absent:
        raise InputError(f"The swept criterion {criterion_id!r} cannot be assessed: {absent[criterion_id].reason}; "
                         f"{absent[criterion_id].hint()}.")
    if criterion_id not in crit_ids:
        raise InputError(
            f"The criterion {criterion_id!r} is not active in {catalogue.id!r} with kinds {eligibility.kinds}; "
            f"active: {', '.join(crit_ids)}.")
    swept = crit_ids.index(criterion_id)
    if base_plan.criteria[swept].kind == "permitted":
        raise InputError(f"{criterion_id!r} is a permitted zone; sweep an exclusion criterion.")
    drop = []
    for vname, ids_to_drop in variants.items():
        ids_to_drop = [c for c in ids_to_drop if c not in absent]  # not assessed: nothing to drop
        unknown = [c for c in ids_to_drop if c not in crit_ids]
        if unknown:
            raise InputError(f"Variant {vname!r} drops unknown or inactive criteria {unknown}; active: {crit_ids}.")
        if criterion_id in ids_to_drop:
            raise InputError(f"Variant {vname!r} drops the swept criterion {criterion_id!r}; drop other criteria.")
        drop.append({crit_ids.index(c) for c in ids_to_drop})
    # the swept criterion's own buffer is replaced by the sweep's setbacks
    plan = _SweepPlan(base_plan, swept, steps, drop)
    grid = base_plan.grid
    tiles = list(grid.tiles(max(2, eligibility.tile_px // 2 * 2)))
    n_areas = len(names)
    total = np.zeros(n_areas + 1)
    eligible = np.zeros((len(drop), len(steps), n_areas + 1))
    results = iterate_tiles(plan, tiles, eligibility.workers, progress, _sweep_tile)
    try:
        for done, (t, e) in enumerate(results, 1):
            check_cancelled(progress)
            total += t
            eligible += e
            progress.report(0.1 + 0.8 * done / len(tiles), msg("step_tile", n=done, m=len(tiles)))
    finally:
        results.close()
    px = grid.pixel_area_ha
    rows = tuple(
        SweepRow(vname, names[i], ids[i], s, total[i + 1] * px, eligible[v, k, i + 1] * px)
        for v, vname in enumerate(variants) for k, s in enumerate(steps) for i in range(n_areas)
    )
    result = SweepResult(criterion_id, steps, tuple(variants), rows)
    with OutputTransaction() as tx:
        if table is not None:
            write_csv(tx.temp_for(table), ["variant", "name", "ags", "setback_m", "total_ha", "eligible_ha",
                                              "eligible_pct"],
                         [(r.variant, r.name, r.ags, r.setback_m, r.total_ha, r.eligible_ha, r.eligible_pct)
                          for r in rows])
        if chart is not None:
            _write_chart(tx.temp_for(chart), result, catalogue, language)
        check_cancelled(progress)
    progress.report(1.0, msg("step_done"))
    return replace(result, table=table, chart=chart)


_TEXT = {
    "de": {"x": "Abstand [m] – {label}", "y": "Eignungsfläche [% der Gemeindefläche]", "all": "Gebiet gesamt"},
    "en": {"x": "Setback [m] – {label}", "y": "Eligible area [% of municipal area]", "all": "whole area"},
}


def tick_label(value: float, language: str) -> str:
    """A chart's tick value in ``language``: as many decimals as the value has (``0.5``, ``1000``), digits grouped,
    matplotlib's minus; German with a thin space and a decimal comma (``1\u2009000``, ``0,5``), as the report's
    tables write numbers."""
    text = f"{round(float(value), 6):,.6f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text.replace("-", "\u2212")
    return text.replace(",", "\u2009").replace(".", ",") if language == "de" else text


def localise_ticks(ax: Any, language: str, axes: str = "xy") -> None:
    """Number the ``axes`` (``"x"``, ``"y"`` or ``"xy"``) of the matplotlib axes ``ax`` in ``language`` with
    :func:`tick_label` (matplotlib's own format is English: ``1000``, ``0.5``)."""
    from matplotlib.ticker import FuncFormatter

    for name in axes:
        getattr(ax, f"{name}axis").set_major_formatter(FuncFormatter(lambda v, _pos: tick_label(v, language)))


def _write_chart(path: Path, result: SweepResult, catalogue: Catalogue, language: str) -> None:
    """Line chart of the eligible share against the setback (matplotlib, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    text = _TEXT.get(language, _TEXT["de"])
    label = catalogue.criterion(result.criterion_id).label.get(language)
    names = sorted({r.name for r in result.rows})
    fig = Figure(figsize=(8, 4.8), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    styles = ["-", "--", ":", "-."]
    colours = [f"C{i % 10}" for i in range(len(names) + 1)]
    for v, variant in enumerate(result.variants):
        ls = styles[v % len(styles)]
        for i, name in enumerate(names):
            ax.plot(result.setbacks_m, result.series(variant, name), ls, color=colours[i], lw=1.2,
                    label=f"{name} ({variant})" if len(result.variants) > 1 else name)
        ax.plot(result.setbacks_m, result.series(variant), ls, color="black", lw=2.4,
                label=f"{text['all']} ({variant})" if len(result.variants) > 1 else text["all"])
    ax.set_xlabel(text["x"].format(label=label))
    ax.set_ylabel(text["y"])
    localise_ticks(ax, language)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fmt = "svg" if path.suffix.lower() == ".svg" else "png"
    fig.savefig(path, format=fmt)
