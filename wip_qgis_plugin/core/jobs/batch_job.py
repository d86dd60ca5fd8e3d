"""The ``batch`` job: `wip batch` and the algorithm "Energy profiles of many municipalities" run the same job.

The job's work is here, not in :mod:`.adapters`: the batch runs the scenario runner (:mod:`.runner`), which
imports :mod:`.adapters`; ``adapters.batch_job`` calls :func:`run_batch_job` by name, so nothing imports this
module but the job's run.

Arguments (JSON): ``scenario`` (file), ``out_dir`` (the batch folder), ``settings`` (the fields of
:class:`.batch.BatchSettings`: ``municipalities`` ``{path, layer}`` or None, ``name_field``, ``id_field``,
``where``, ``only``, ``resolution_m``, ``sources``), ``scheduler`` (a Dask scheduler's address, e.g.
``tcp://host:8786``; empty: this process), ``dask`` (``local[:N]``: a LocalCluster) and ``retries``.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..data.layers import LayerRef
from ..errors import InputError
from ..messages import msg
from ..progress import NullProgress
from .batch import FOLDERS_NAME, MANIFEST_NAME, OVERVIEW_MAP_NAME, OVERVIEW_NAME, BatchSettings, batch_tasks, run_batch
from .distributed import DEFAULT_RETRIES, dask_client, dask_runner, local_workers


def batch_settings(raw: Mapping[str, Any] | None, single_process: bool = False) -> BatchSettings:
    """:class:`.batch.BatchSettings` from a job's ``settings`` (JSON data).

    Raises
    ------
    InputError
        Unknown keys, or a municipality layer without a path.
    """
    raw = dict(raw or {})
    unknown = sorted(set(raw) - {"municipalities", "name_field", "id_field", "where", "only", "resolution_m",
                                 "sources"})
    if unknown:
        raise InputError(f"batch settings: unknown key(s) {unknown}.")
    layer = raw.get("municipalities")
    if layer is not None and not (isinstance(layer, Mapping) and layer.get("path")):
        raise InputError("batch settings: municipalities must be {path, layer}.")
    resolution = raw.get("resolution_m")
    return BatchSettings(
        municipalities=LayerRef(str(layer["path"]), layer.get("layer") or None) if layer else None,
        name_field=raw.get("name_field") or None, id_field=raw.get("id_field") or None,
        where=(raw.get("where") or "").strip() or None, only=tuple(raw.get("only") or ()),
        resolution_m=float(resolution) if resolution else None, sources=tuple(raw.get("sources") or ()),
        single_process=single_process)


def run_batch_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a batch (:func:`.batch.run_batch`) in this process or on a Dask cluster; returns what became of each.

    One line per municipality goes to ``progress.info`` as it is known (``[i/n] name (ags): done (s) | finished
    earlier, kept | FAILED: …``).

    Returns
    -------
    dict
        ``out_dir``, ``where`` (this process, a local cluster or the scheduler), ``done``, ``skipped``, ``failed``
        (counts), ``municipalities`` (``key, name, ags, folder, status, seconds, error`` each), ``overview`` and
        ``overview_map`` (None until every municipality has finished), ``manifest``, ``seconds``.

    Raises
    ------
    InputError
        Both a scheduler and a local cluster, the scenario's or the municipality layer's problems.
    """
    progress = progress or NullProgress()
    scheduler = (arguments.get("scheduler") or "").strip() or None
    local = (arguments.get("dask") or "").strip() or None
    if scheduler and local:
        raise InputError("Give a Dask scheduler address or a local cluster (local[:N]), not both.")
    scenario = str(arguments["scenario"])
    out_dir = Path(arguments["out_dir"]).resolve()
    settings = batch_settings(arguments.get("settings"), single_process)
    tasks = batch_tasks(scenario, out_dir, settings)
    where = msg("batch_where_scheduler", address=scheduler) if scheduler else \
        msg("batch_where_local", spec=local) if local else msg("batch_where_process")
    progress.info(msg("batch_head", n=len(tasks), out_dir=str(out_dir), where=where))
    counts = {"done": 0, "skipped": 0, "failed": 0}
    rows: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        runner = None
        if scheduler or local:
            client = stack.enter_context(dask_client(scheduler, local_workers(local) if local else None))
            runner = dask_runner(client, int(arguments.get("retries", DEFAULT_RETRIES)))
        for i, outcome in enumerate(run_batch(scenario, out_dir, settings, runner, progress, tasks), 1):
            counts[outcome.status] += 1
            m = outcome.municipality
            name = f"{m.name} ({m.ags})" if m.ags and m.ags != m.name else m.name
            if outcome.status == "done":
                progress.info(msg("batch_done", i=i, n=len(tasks), name=name, seconds=float(outcome.seconds)))
            elif outcome.status == "skipped":
                progress.info(msg("batch_skipped", i=i, n=len(tasks), name=name))
            else:
                progress.info(msg("batch_failed", i=i, n=len(tasks), name=name, error=str(outcome.error)))
            rows.append({"key": m.key, "name": m.name, "ags": m.ags, "folder": str(out_dir / FOLDERS_NAME / m.folder),
                         "status": outcome.status, "seconds": round(outcome.seconds, 2), "error": outcome.error})
    complete = (out_dir / OVERVIEW_NAME).exists() and not counts["failed"]
    return {"out_dir": str(out_dir), "where": where, **counts, "municipalities": rows,
            "overview": str(out_dir / OVERVIEW_NAME) if complete else None,
            "overview_map": str(out_dir / OVERVIEW_MAP_NAME) if complete and (out_dir / OVERVIEW_MAP_NAME).exists()
            else None,
            "manifest": str(out_dir / MANIFEST_NAME), "seconds": round(time.perf_counter() - t0, 2)}
