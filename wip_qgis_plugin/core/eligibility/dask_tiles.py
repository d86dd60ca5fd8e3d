"""The tiles of one eligibility run as tasks of a Dask cluster.

With ``EligibilitySettings.scheduler`` set (``wip eligibility|run … --dask local[:N]`` or ``--scheduler
tcp://HOST:PORT``), :func:`.engine.run_eligibility` still checks the inputs and counts the features in this process,
then sends every tile that touches an area of interest to the cluster as one task (:func:`.engine.tile_task`). A
task reads only the features within reach of its tile, by bounding box, from the paths of the run (every worker must
see them under the same paths: a shared file system, or GDAL's virtual file systems such as ``/vsicurl/`` and
``/vsis3/``), computes the tile exactly as a local tile worker does and returns its pixels, counts and polygon
pieces. This process writes each tile into the outputs as it arrives (the eligibility and reason GeoTIFFs, the
tables, the polygons merged across the seams in tile order), inside the run's output transaction: the result equals
the local run pixel for pixel and row for row, and nothing is written until every tile is done.

Dask schedules and retries: a task whose worker dies is run again on another worker (the scheduler's
``distributed.scheduler.allowed-failures``, default 3), an error of a task is retried once and then stops the run
with the task's own message. A cancel (Ctrl+C, the Processing dialog's Cancel) cancels the tasks not yet finished.
Tiles that touch no area of interest are not sent: they are filled in this process.

Memory per worker is bounded by one tile (its features within reach, its arrays), not by the region.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import shapely

from ..catalogue.loader import Catalogue
from ..cluster import client_for, import_distributed
from ..data.layers import LayerRef
from ..data.raster_grid import Window
from ..data.rasters import RasterRef
from ..data.vsi import is_vsi
from ..errors import Cancelled
from ..progress import Progress
from .aoi import AreaOfInterest

#: Retries of a tile task that raised an error (a killed worker is retried by the scheduler in any case).
TILE_RETRIES = 1


@dataclass(frozen=True)
class TileJob:
    """What a tile task needs to compute its tile: the run's inputs and settings (paths, not data).

    Parameters
    ----------
    catalogue : Catalogue
        The run's catalogue (overrides applied).
    layers : dict of str to LayerRef
        Input layer per role, with absolute paths (:func:`absolute_job`).
    aoi : AreaOfInterest
        The areas of interest of the run.
    settings : EligibilitySettings
        The run's settings (the task runs them without scheduler, in one process).
    want_polygons : bool
        Whether the tile vectorises its eligible pixels.
    """

    catalogue: Catalogue
    layers: dict[str, LayerRef]
    aoi: AreaOfInterest
    settings: Any
    want_polygons: bool


def absolute(path: str) -> str:
    """A path as every worker must see it: absolute (a GDAL virtual file system path stays as written)."""
    return path if is_vsi(path) else os.path.abspath(path)


def absolute_job(job: TileJob) -> TileJob:
    """The job with every input path absolute, so that workers in another working folder find them."""
    def ref(r: LayerRef) -> LayerRef:
        return replace(r, path=absolute(str(r.path)))

    settings = job.settings
    bindings = tuple(replace(b, layer=ref(b.layer)) for b in settings.layer_bindings)
    rasters = {k: replace(r, path=absolute(str(r.path))) if isinstance(r, RasterRef) else r
               for k, r in settings.rasters.items()}
    settings = replace(settings, layer_bindings=bindings, rasters=rasters, scheduler=None, workers=1)
    return replace(job, layers={k: ref(r) for k, r in job.layers.items()},
                   aoi=replace(job.aoi, layer=ref(job.aoi.layer)), settings=settings)


def touches_areas(plan: Any, window: Window) -> bool:
    """Whether a tile touches an area of interest of the plan (else it is nodata only)."""
    return bool(shapely.intersects(shapely.box(*plan.grid.window_bounds(window)), plan.aoi_geoms).any())


def iterate_dask_tiles(job: TileJob, plan: Any, tiles: list[Window], progress: Progress,
                       task: Callable[[TileJob, Window], Any], compute: Callable[[Any, Window], Any],
                       retries: int = TILE_RETRIES) -> Iterator[Any]:
    """Yield the result of every tile, as it finishes, computed by the tasks of the run's Dask cluster.

    Parameters
    ----------
    job : TileJob
        The run's inputs and settings; ``job.settings.scheduler`` names the cluster.
    plan : EligibilityPlan
        The plan this process made (tiles outside every area are filled from it here).
    tiles : list of Window
        The run's tiles.
    progress : Progress
        Checked for a cancel between tiles.
    task : callable
        ``task(job, window)``: a tile as a worker computes it (:func:`.engine.tile_task`, a module-level function
        the workers import).
    compute : callable
        ``compute(plan, window)``: a tile computed here from the plan (:func:`.engine.compute_tile`).
    retries : int
        Retries of a task that raised an error.

    Raises
    ------
    Cancelled
        The user cancelled; the tasks not yet finished are cancelled.
    InputError
        No scheduler, no worker, another engine version on a worker, or a task's own error.
    """
    distributed = import_distributed()
    sent = [w for w in tiles if touches_areas(plan, w)]
    for w in tiles:
        if w not in sent:
            yield compute(plan, w)
    if not sent:
        return
    task_job = absolute_job(job)
    with client_for(job.settings.scheduler) as client:
        shared = client.scatter(task_job, broadcast=True)
        token = f"{os.getpid()}-{id(plan):x}"
        futures = [client.submit(task, shared, w, key=f"wip-tile-{w.row}-{w.col}-{token}", pure=False,
                                 retries=retries) for w in sent]
        try:
            for future in distributed.as_completed(futures):
                if progress.is_cancelled():
                    raise Cancelled()
                yield future.result()
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                client.cancel(pending)

