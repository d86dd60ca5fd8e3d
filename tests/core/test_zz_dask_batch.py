"""Batches on Dask (core/jobs/distributed.py): a LocalCluster of two worker processes on the loopback interface gives
the overview of the batch in this process row for row, also when a worker is killed in the middle of a task.

The scenario and the municipalities are those of test_batch.py (two sample municipalities at 50 m).


Named to run last in tests/core: a Dask client leaves its IO-loop thread in the pytest process, and a process
forked after that (the eligibility engine's tile workers) can inherit a held lock and hang (seen once in CI at
test_raster_criteria)."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from test_batch import WHERE, batch_scenario  # noqa: E402

from wip_qgis_plugin.core.errors import InputError  # noqa: E402
from wip_qgis_plugin.core.jobs.batch import (  # noqa: E402
    FOLDERS_NAME,
    OVERVIEW_NAME,
    BatchSettings,
    read_marker,
    read_overview,
    run_batch,
)
from wip_qgis_plugin.core.jobs.distributed import (  # noqa: E402
    check_workers,
    dask_client,
    dask_runner,
    local_workers,
)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    return batch_scenario(tmp_path_factory.mktemp("dask_scenario"))


@pytest.fixture(scope="module")
def local_rows(scenario, tmp_path_factory) -> list[dict[str, str]]:
    """The overview of the same batch run in this process (no Dask)."""
    out = tmp_path_factory.mktemp("local")
    assert all(o.status == "done" for o in run_batch(scenario, out, BatchSettings(where=WHERE)))
    return read_overview(out / OVERVIEW_NAME)


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2) as c:
        yield c


def test_local_workers_spec():
    assert local_workers("local:3") == 3
    assert local_workers("local") >= 1
    for bad in ("local:0", "local:x", "tcp://127.0.0.1:8786"):
        with pytest.raises(InputError):
            local_workers(bad)


def test_no_scheduler_at_the_address_is_an_input_error():
    with pytest.raises(InputError, match="no Dask scheduler answers"), dask_client("tcp://127.0.0.1:9", timeout_s=1):
        pass


class FakeClient:
    """What check_workers asks of a client: workers that connect (or not) and run a function."""

    def __init__(self, versions, connected=True):
        self.versions, self.connected = versions, connected
        self.scheduler = type("Scheduler", (), {"address": "tcp://127.0.0.1:8786"})()

    def wait_for_workers(self, n, timeout=None):
        if not self.connected:
            raise TimeoutError("no workers")

    def run(self, function):
        if isinstance(self.versions, Exception):
            raise self.versions
        return self.versions


def test_workers_of_another_engine_version_or_none_at_all_are_refused(client):
    from wip_qgis_plugin.core import __version__

    assert set(check_workers(client).values()) == {__version__}  # the LocalCluster's workers: this engine
    with pytest.raises(InputError, match=r"another version.*tcp://w2 \(0.0.1\)"):
        check_workers(FakeClient({"tcp://w1": __version__, "tcp://w2": "0.0.1"}))
    with pytest.raises(InputError, match="No Dask worker is connected"):
        check_workers(FakeClient({}, connected=False), timeout_s=0.1)
    with pytest.raises(InputError, match="cannot import this plugin's engine"):
        check_workers(FakeClient(ModuleNotFoundError("No module named 'wip_qgis_plugin'")))


def test_local_cluster_batch_equals_the_local_batch_row_for_row(scenario, local_rows, client, tmp_path):
    workers = set(client.run(os.getpid).values())
    outcomes = list(run_batch(scenario, tmp_path, BatchSettings(where=WHERE), dask_runner(client)))
    assert sorted(o.status for o in outcomes) == ["done", "done"], [o.error for o in outcomes]
    assert read_overview(tmp_path / OVERVIEW_NAME) == local_rows
    for folder in (tmp_path / FOLDERS_NAME).iterdir():  # each ran in a worker process, not here
        assert read_marker(folder)["pid"] in workers


def test_a_worker_killed_during_a_task_is_retried_and_the_batch_ends_with_the_same_overview(
        scenario, local_rows, client, tmp_path):
    """SIGKILL to the worker process holding a municipality's folder once that task has written a file; Dask runs
    the task again on a worker, which starts from an empty folder."""
    workers = set(client.run(os.getpid).values())
    killed: dict[int, Path] = {}
    stop = threading.Event()

    def kill_a_worker_in_the_middle_of_a_task() -> None:
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            for lock in (tmp_path / FOLDERS_NAME).glob("*/.wip.lock"):
                try:
                    holder = lock.read_text(encoding="utf-8")
                except OSError:
                    continue
                written = [p for p in lock.parent.iterdir() if p.name != ".wip.lock"]
                if holder.startswith("pid ") and written:
                    pid = int(holder.split(",")[0].split()[1])
                    if pid in workers:
                        os.kill(pid, signal.SIGKILL)
                        killed[pid] = lock.parent
                        return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_worker_in_the_middle_of_a_task, daemon=True)
    killer.start()
    try:
        outcomes = list(run_batch(scenario, tmp_path, BatchSettings(where=WHERE), dask_runner(client)))
    finally:
        stop.set()
        killer.join()
    assert killed, "no task was caught running"
    assert sorted(o.status for o in outcomes) == ["done", "done"], [o.error for o in outcomes]
    ((pid, folder),) = killed.items()
    assert read_marker(folder)["pid"] != pid  # finished by another worker process
    assert read_overview(tmp_path / OVERVIEW_NAME) == local_rows
    assert not list(tmp_path.rglob(".*.part*"))


def test_wip_batch_scheduler_option_sends_the_tasks_to_that_scheduler(scenario, local_rows, client, tmp_path, capsys):
    """`wip batch --scheduler ADDRESS` (here the address of the test's LocalCluster, as `dask scheduler` prints it)."""
    from wip_qgis_plugin.cli import main

    address = client.scheduler.address
    assert main(["batch", str(scenario), "--out-dir", str(tmp_path), "--where", "name = 'Raguhn-Jeßnitz'",
                 "--scheduler", address]) == 0
    printed = capsys.readouterr().out
    assert f"on Dask scheduler {address}" in printed and "Raguhn-Jeßnitz (15082298): done" in printed
    assert read_overview(tmp_path / OVERVIEW_NAME) == [r for r in local_rows if r["name"] == "Raguhn-Jeßnitz"]
    assert read_marker(tmp_path / FOLDERS_NAME / "15082298_Raguhn-Jessnitz")["pid"] in set(
        client.run(os.getpid).values())
