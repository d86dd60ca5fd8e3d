"""A Dask client for the engine: of a running scheduler, or of a LocalCluster on this machine.

Used by batches (a municipality a task, :mod:`.jobs.distributed`) and by the eligibility run (a tile a task,
:mod:`.eligibility.dask_tiles`). A scheduler is named by one string, the same on the command line, in a job and in
the plugin's setting: ``local`` or ``local:N`` (a :class:`distributed.LocalCluster` of ``N`` worker processes on the
loopback interface) or ``tcp://HOST:PORT`` (the scheduler of ``dask scheduler`` / ``dask worker``, dask-jobqueue or
dask-kubernetes; docs/scale.md).

dask and distributed are imported only when a cluster is used: the engine runs without them.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import __version__
from .errors import InputError


def is_local(spec: str) -> bool:
    """Whether a scheduler string names a LocalCluster (``local`` or ``local:N``)."""
    return spec == "local" or spec.startswith("local:")


@contextmanager
def client_for(spec: str, timeout_s: float = 20.0) -> Iterator[Any]:
    """A client for a scheduler string (``local[:N]`` or an address), closed when the block ends.

    Raises
    ------
    InputError
        A bad string, dask missing, or no scheduler at the address.
    """
    if is_local(spec):
        with dask_client(workers=local_workers(spec), timeout_s=timeout_s) as client:
            yield client
    elif "://" in spec:
        with dask_client(scheduler=spec, timeout_s=timeout_s) as client:
            yield client
    else:
        raise InputError(f"Dask scheduler {spec!r}: give local, local:N (N worker processes on this machine) or "
                         "the address of a running scheduler, tcp://HOST:PORT (docs/scale.md).")


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
