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

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from .. import __version__
from ..errors import InputError
from .batch import MunicipalityTask, TaskRunner, run_municipality

#: Retries of a task that raised an error (a killed worker is retried by the scheduler in any case).
DEFAULT_RETRIES = 1


def local_workers(spec: str) -> int:
    """The number of workers of ``--dask local[:N]`` (``local``: one per core).

    Raises
    ------
    InputError
        Anything but ``local`` or ``local:N`` with a whole ``N`` ≥ 1.
    """
    name, _, count = spec.partition(":")
    if name != "local":
        raise InputError(f"--dask {spec!r}: give local or local:N (N worker processes on this machine); for a "
                         "cluster, give its scheduler with --scheduler tcp://HOST:PORT.")
    if not count:
        return max(1, os.cpu_count() or 1)
    if not count.isdigit() or int(count) < 1:
        raise InputError(f"--dask {spec!r}: N must be a whole number of worker processes ≥ 1, e.g. local:2.")
    return int(count)


def import_distributed() -> Any:
    """The ``distributed`` package, or an error that says how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise InputError("Running on Dask needs the packages dask and distributed: pip install -c constraints.txt "
                         "dask distributed (they are in requirements.txt).") from exc
    return distributed


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, timeout_s: float = 20.0) -> Iterator[Any]:
    """A Dask client for the block: of the scheduler at ``scheduler``, or of a LocalCluster of ``workers`` processes.

    The LocalCluster listens on the loopback interface only, without dashboard, one thread per worker; it is
    closed when the block ends. ``timeout_s``: how long to wait for the scheduler to answer. [s]

    Raises
    ------
    InputError
        Neither or both given, dask missing, or no scheduler at the address.
    """
    if (scheduler is None) == (workers is None):
        raise InputError("Give either a scheduler address (tcp://HOST:PORT) or a number of local workers.")
    distributed = import_distributed()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=f"{timeout_s}s")
        except OSError as exc:
            raise InputError(f"--scheduler {scheduler!r}: no Dask scheduler answers there ({exc}). Start one with "
                             "`dask scheduler` and its workers with `dask worker ADDRESS` (docs/scale.md).") from exc
        try:
            check_workers(client, timeout_s)
            yield client
        finally:
            client.close()
        return
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, scheduler_port=0, silence_logs=logging.ERROR)
    try:
        with distributed.Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def engine_version() -> str:
    """The version of the engine in this process (what :func:`check_workers` asks every worker)."""
    return __version__


def check_workers(client: Any, timeout_s: float = 20.0) -> dict[str, str]:
    """Refuse a cluster whose workers cannot run this engine's tasks; return each worker's version.

    Refused: no worker connected within ``timeout_s``, the plugin missing on a worker, or another version of it
    there.

    Raises
    ------
    InputError
        Naming the workers and the fix.
    """
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except TimeoutError as exc:
        raise InputError(f"No Dask worker is connected to the scheduler {client.scheduler.address} (waited "
                         f"{timeout_s:g} s). Start workers with `dask worker {client.scheduler.address}`.") from exc
    try:
        versions = client.run(engine_version)
    except ImportError as exc:
        raise InputError(f"A Dask worker cannot import this plugin's engine ({exc}). Install the same version of it "
                         "in the workers' Python environment (docs/scale.md).") from exc
    other = {w: v for w, v in versions.items() if v != __version__}
    if other:
        listed = ", ".join(f"{w} ({v})" for w, v in list(other.items())[:5])
        raise InputError(f"Dask workers run another version of the engine than this one ({__version__}): {listed}. "
                         "Install the same version everywhere, so that every municipality is computed alike.")
    return versions


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
