"""Dask as the executor of batches: a municipality is a task of a ``dask.distributed`` cluster.

``wip batch … --dask local[:N]`` starts a :class:`distributed.LocalCluster` of ``N`` worker processes on the
loopback interface; ``--scheduler tcp://HOST:PORT`` sends the tasks to a running scheduler (``dask scheduler``
and ``dask worker`` on other machines, or dask-jobqueue / dask-kubernetes; docs/scale.md). Dask schedules and
retries: a task whose worker dies (killed, out of memory) is run again on another worker (up to the scheduler's
``allowed-failures``), and an error of the task is retried ``retries`` times. A retried task starts from an
empty folder (:func:`.batch.run_municipality`), so a killed worker leaves nothing half-written in the results.

Workers run each task in their own process without forked tile workers (Dask's worker processes may not have
children); the parallelism is the cluster's. Every worker must see the scenario, its inputs and the batch
folder under the same paths (a shared file system), and have this plugin's engine installed.

dask and distributed are imported only when a cluster is used: the engine runs without them.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from ..cluster import (  # noqa: F401 - the batch's names
    check_workers,
    dask_client,
    engine_version,
    import_distributed,
    local_workers,
)
from ..errors import InputError
from .batch import MunicipalityTask, TaskRunner, run_municipality

#: Retries of a task that raised an error (a killed worker is retried by the scheduler in any case).
DEFAULT_RETRIES = 1


def run_task(task: MunicipalityTask) -> dict[str, Any]:
    """A batch task as a Dask worker runs it: in the worker's process, without forked tile workers."""
    return run_municipality(replace(task, settings=replace(task.settings, single_process=True)))


def dask_runner(client: Any, retries: int = DEFAULT_RETRIES) -> TaskRunner:
    """A :data:`.batch.TaskRunner` that sends every task to the cluster of ``client`` and yields them as they finish.

    A task that failed for good (its error after the retries, or its worker killed too often) is yielded with its
    exception; the others go on. Ending the iteration early (Ctrl+C, a cancel) cancels the tasks not yet finished.
    """
    distributed = import_distributed()

    def runner(tasks: Sequence[MunicipalityTask]) -> Iterator[tuple[MunicipalityTask, Any]]:
        futures = {client.submit(run_task, task, key=f"wip-batch-{task.municipality.folder}-{os.getpid()}",
                                 pure=False, retries=retries): task for task in tasks}
        try:
            for future in distributed.as_completed(list(futures)):
                task = futures[future]
                try:
                    yield task, future.result()
                except Exception as exc:  # noqa: BLE001 - the task's error, or KilledWorker: reported, not raised
                    yield task, exc
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                client.cancel(pending)
    return runner
