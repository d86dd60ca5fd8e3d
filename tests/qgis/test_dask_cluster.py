"""The plugin against a real Dask cluster: a plain `dask scheduler` and two `dask worker` processes on the loopback
interface (as docs/scale.md sets one up), started from the engine's Python.

* wip:landeligibility with SCHEDULER = the scheduler's address: its tiles run on the workers; the rasters equal the
  run on this computer pixel for pixel, the table row for row; `local:1` (a LocalCluster of the engine process) too;
  a malformed scheduler is refused naming it.
* wip:batchprofile with the same SCHEDULER: the municipalities run on the workers (each marker names a worker's
  process id), and the overview equals the batch run one after the other.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import QgsProcessingException
from test_batch_profile import WHERE
from test_batch_profile import scenario as batch_scenario
from wip_qgis_testing import SAMPLE_GPKG, run_algorithm

pytest.importorskip("distributed")

ROLES = ("landuse", "buildings", "roads", "railways", "power_lines", "water", "waterways", "protected_areas",
         "airfields")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_command() -> list[str]:
    """`dask` of the engine's Python (the venv's), else `python -m distributed.cli.dask_…` of this Python."""
    found = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    return [found] if found else [sys.executable, "-m", "dask"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`dask scheduler` and `dask worker` (two processes, one thread each) on the loopback interface."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("dask_logs")
    logs = [open(log / "scheduler.log", "w"), open(log / "worker.log", "w")]  # noqa: SIM115 - closed below
    procs = [subprocess.Popen([*dask_command(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=logs[0], stderr=subprocess.STDOUT)]
    procs.append(subprocess.Popen([*dask_command(), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                   "--no-dashboard", "--host", "127.0.0.1"], stdout=logs[1], stderr=subprocess.STDOUT))
    try:
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=60)
                    pids = set(client.run(os.getpid).values())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address, pids
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for f in logs:
            f.close()


def eligibility_params(folder: Path, **extra) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    params = {"PRESET": "wind_sachsen_anhalt", "AOI": f"{SAMPLE_GPKG}|layername=municipalities",
              "AOI_NAME_FIELD": "name", "RESOLUTION": 100, "MIN_AREA": 5,
              "OUTPUT_ELIGIBILITY": str(folder / "e.tif"), "OUTPUT_REASONS": str(folder / "r.tif"),
              "OUTPUT_AREAS": str(folder / "a.gpkg"), "OUTPUT_TABLE": str(folder / "t.csv")}
    for role in ROLES:
        params[role.upper()] = f"{SAMPLE_GPKG}|layername={role}"
    return {**params, **extra}


def band(path) -> np.ndarray:
    with rasterio.open(path) as ds:
        return ds.read(1)


def test_land_eligibility_tiles_on_the_cluster_equal_the_run_here(wip_plugin, cluster, tmp_path):
    address, _ = cluster
    here = run_algorithm("wip:landeligibility", eligibility_params(tmp_path / "here", SCHEDULER=""))
    there = run_algorithm("wip:landeligibility", eligibility_params(tmp_path / "there", SCHEDULER=address))
    local = run_algorithm("wip:landeligibility", eligibility_params(tmp_path / "local1", SCHEDULER="local:1"))
    for res in (there, local):
        assert np.array_equal(band(res["OUTPUT_ELIGIBILITY"]), band(here["OUTPUT_ELIGIBILITY"]))
        assert np.array_equal(band(res["OUTPUT_REASONS"]), band(here["OUTPUT_REASONS"]))
        assert Path(res["OUTPUT_TABLE"]).read_bytes() == Path(here["OUTPUT_TABLE"]).read_bytes()
        assert res["ELIGIBLE_HA"] == here["ELIGIBLE_HA"] > 0


def test_a_malformed_scheduler_is_refused_naming_it(wip_plugin, tmp_path):
    with pytest.raises(QgsProcessingException, match="cluster7.*local:N"):
        run_algorithm("wip:landeligibility", eligibility_params(tmp_path / "bad", SCHEDULER="cluster7"))
    assert not list((tmp_path / "bad").iterdir())


def test_batch_profile_on_the_cluster_equals_the_batch_here(wip_plugin, cluster, tmp_path):
    address, pids = cluster
    sc = batch_scenario(tmp_path)
    params = {"SCENARIO": str(sc), "MUNICIPALITIES": f"{SAMPLE_GPKG}|layername=municipalities",
              "NAME_FIELD": "name", "ID_FIELD": "ags", "WHERE": WHERE}
    here = run_algorithm("wip:batchprofile", {**params, "SCHEDULER": "", "OUTPUT_FOLDER": str(tmp_path / "here")})
    there = run_algorithm("wip:batchprofile", {**params, "SCHEDULER": address,
                                               "OUTPUT_FOLDER": str(tmp_path / "there")})
    assert (there["N_DONE"], there["N_FAILED"]) == (2, 0)
    assert Path(there["OVERVIEW"]).read_text(encoding="utf-8") == Path(here["OVERVIEW"]).read_text(encoding="utf-8")
    markers = list((tmp_path / "there").rglob("wip_batch_done.json"))
    assert len(markers) == 2
    assert {json.loads(m.read_text(encoding="utf-8"))["pid"] for m in markers} <= pids  # computed by the workers
