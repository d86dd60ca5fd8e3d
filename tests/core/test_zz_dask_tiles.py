"""The tiles of one eligibility run as Dask tasks (core/eligibility/dask_tiles.py): a LocalCluster of two worker
processes on the loopback interface gives the local run's rasters pixel for pixel, its tables row for row and its
polygons feature for feature; also when a worker is killed while it computes a tile; a cancel leaves nothing.

The sample scenario's wind run at 50 m in tiles of 96 pixels (42 tiles), so that
many tasks are in flight. Named to run last (see test_zz_dask_batch.py: a Dask client leaves threads behind).
"""
from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
import pyogrio  # noqa: E402
import rasterio  # noqa: E402
import shapely  # noqa: E402

from wip_qgis_plugin.core.cluster import dask_client  # noqa: E402
from wip_qgis_plugin.core.eligibility.dask_tiles import TileJob, absolute_job, touches_areas  # noqa: E402
from wip_qgis_plugin.core.eligibility.engine import EligibilityOutputs, prepare_run, run_eligibility  # noqa: E402
from wip_qgis_plugin.core.errors import Cancelled, InputError  # noqa: E402
from wip_qgis_plugin.core.progress import NullProgress  # noqa: E402
from wip_qgis_plugin.core.scenario.spec import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "sample_layers" / "scenario.yaml"
RES_M, TILE_PX = 50.0, 96


def wind_run():
    sc = load_scenario(SCENARIO)
    run = next(r for r in sc.runs if r.key == "wind")
    return sc, run, replace(run.settings, resolution_m=RES_M, tile_px=TILE_PX, min_area_ha=1.0)


def outputs(folder: Path) -> EligibilityOutputs:
    folder.mkdir(parents=True, exist_ok=True)
    return EligibilityOutputs(folder / "wind_eligibility.tif", folder / "wind_reasons.tif", folder / "wind_areas.gpkg",
                              folder / "wind_table.csv")


def read_result(folder: Path) -> dict:
    """Every output of a run as comparable values: pixels, profile of the rasters, table bytes, polygons."""
    out = {}
    for name in ("wind_eligibility.tif", "wind_reasons.tif"):
        with rasterio.open(folder / name) as ds:
            tags = {k: v for k, v in ds.tags().items() if k != "WIP_CREATED"}  # the run's time
            out[name] = (ds.read(1), ds.transform, ds.crs.to_epsg(), ds.nodata, ds.dtypes[0], tags)
    for name in ("wind_table.csv", "wind_table_criteria.csv"):
        out[name] = (folder / name).read_text(encoding="utf-8")
    bits = json.loads((folder / "wind_reasons_bits.json").read_text(encoding="utf-8"))
    out["wind_reasons_bits.json"] = json.dumps(bits, sort_keys=True).replace(bits.get("provenance", {}).get(
        "WIP_CREATED", "no time"), "")
    frame = pyogrio.read_dataframe(folder / "wind_areas.gpkg")
    out["polygons"] = (frame.drop(columns="geometry").to_dict("records"),
                       [shapely.normalize(g).wkb for g in frame.geometry])
    return out


def assert_same(a: dict, b: dict) -> None:
    for name in ("wind_eligibility.tif", "wind_reasons.tif"):
        assert np.array_equal(a[name][0], b[name][0]), name
        assert a[name][1:] == b[name][1:], name
    for name in ("wind_table.csv", "wind_table_criteria.csv", "wind_reasons_bits.json"):
        assert a[name] == b[name], name
    assert a["polygons"][0] == b["polygons"][0]
    assert a["polygons"][1] == b["polygons"][1]


@pytest.fixture(scope="module")
def local_result(tmp_path_factory) -> dict:
    """The same run with local tile workers (no Dask)."""
    sc, run, settings = wind_run()
    folder = tmp_path_factory.mktemp("local")
    run_eligibility(run.catalogue, sc.layers, sc.aoi, outputs(folder), replace(settings, workers=1))
    return read_result(folder)


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2) as c:
        yield c


def test_the_run_has_many_tiles_and_the_tasks_read_absolute_paths():
    sc, run, settings = wind_run()
    plan, _, _ = prepare_run(run.catalogue, sc.layers, sc.aoi, settings, True, NullProgress())
    tiles = list(plan.grid.tiles(TILE_PX))
    sent = [w for w in tiles if touches_areas(plan, w)]
    assert len(tiles) >= 30 and len(sent) > 0
    job = absolute_job(TileJob(run.catalogue, dict(sc.layers), sc.aoi, replace(settings, scheduler="local:2"), True))
    assert all(os.path.isabs(r.path) for r in [*job.layers.values(), job.aoi.layer])
    assert job.settings.scheduler is None and job.settings.workers == 1  # a task runs in its worker, no cluster


def test_local_cluster_run_equals_the_local_run(local_result, client, tmp_path):
    sc, run, settings = wind_run()
    result = run_eligibility(run.catalogue, sc.layers, sc.aoi, outputs(tmp_path),
                             replace(settings, scheduler=client.scheduler.address))
    assert result.eligible_ha > 0
    assert_same(read_result(tmp_path), local_result)
    assert not list(tmp_path.rglob("*.part*"))


class KillAWorker(NullProgress):
    """At the first tile that comes back: SIGKILL to a worker process that is computing a tile right then."""

    def __init__(self, client):
        super().__init__()
        self.client, self.killed = client, None

    def report(self, fraction: float, message: str | None = None) -> None:
        if self.killed is not None or not str(message or "").startswith("Tile"):
            return
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            busy = [w for w, keys in self.client.processing().items() if any("wip-tile" in str(k) for k in keys)]
            if busy:
                pid = self.client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                self.killed = pid
                return
            time.sleep(0.01)


def test_a_worker_killed_during_the_run_is_replaced_and_the_result_is_the_same(local_result, client, tmp_path):
    sc, run, settings = wind_run()
    before = set(client.run(os.getpid).values())
    progress = KillAWorker(client)
    run_eligibility(run.catalogue, sc.layers, sc.aoi, outputs(tmp_path),
                    replace(settings, scheduler=client.scheduler.address), progress)
    assert progress.killed in before, "no tile task was caught running"
    assert_same(read_result(tmp_path), local_result)
    assert not list(tmp_path.rglob("*.part*"))
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert progress.killed not in set(client.run(os.getpid).values())


class CancelAfterOneTile(NullProgress):
    def __init__(self):
        super().__init__()
        self.tiles = 0

    def report(self, fraction: float, message: str | None = None) -> None:
        self.tiles += str(message or "").startswith("Tile")

    def is_cancelled(self) -> bool:
        return self.tiles >= 1


def test_a_cancel_stops_the_tasks_and_writes_nothing(client, tmp_path):
    sc, run, settings = wind_run()
    with pytest.raises(Cancelled):
        run_eligibility(run.catalogue, sc.layers, sc.aoi, outputs(tmp_path),
                        replace(settings, scheduler=client.scheduler.address), CancelAfterOneTile())
    assert list(tmp_path.iterdir()) == []
    deadline = time.monotonic() + 30  # the tasks not yet finished are cancelled, not left running
    while time.monotonic() < deadline and any(client.processing().values()):
        time.sleep(0.1)
    assert not any(client.processing().values())


def test_a_bad_scheduler_is_refused_with_the_fix(tmp_path):
    sc, run, settings = wind_run()
    for scheduler, match in (("tcp://127.0.0.1:9", "no Dask scheduler answers"), ("cluster7", "give local, local:N")):
        with pytest.raises(InputError, match=match):
            run_eligibility(run.catalogue, sc.layers, sc.aoi, outputs(tmp_path / "x"),
                            replace(settings, scheduler=scheduler, tile_px=2048))
        assert not list((tmp_path / "x").iterdir())


def test_wip_eligibility_dask_flag_runs_the_tiles_on_a_local_cluster(local_result, tmp_path, capsys):
    """`wip eligibility --dask local:1`: the CLI's own LocalCluster, the same table as the local run."""
    from wip_qgis_plugin.cli import main

    argv = ["eligibility", "--catalogue", "wind_sachsen_anhalt", "--gpkg", str(ROOT / "sample_layers" /
            "revier_sample.gpkg"), "--resolution", f"{RES_M:g}", "--min-area", "1", "--out-dir"]
    assert main([*argv, str(tmp_path / "local")]) == 0
    assert main([*argv, str(tmp_path / "dask"), "--dask", "local:1"]) == 0
    assert (tmp_path / "local" / "wind_table.csv").read_bytes() == (tmp_path / "dask" / "wind_table.csv").read_bytes()
    for name in ("wind_eligibility.tif", "wind_reasons.tif"):
        with rasterio.open(tmp_path / "local" / name) as a, rasterio.open(tmp_path / "dask" / name) as b:
            assert np.array_equal(a.read(1), b.read(1)), name
    assert main([*argv, str(tmp_path / "bad"), "--dask", "tcp://127.0.0.1:8786"]) == 2  # --dask is local[:N] only
    assert "local:N" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists() or not list((tmp_path / "bad").iterdir())


def test_wip_run_on_the_scheduler_gives_the_same_tables_and_profile(client, tmp_path):
    """`wip run --scheduler ADDRESS` (run_scenario(scheduler=…)): the scenario's eligibility steps and the profile's own
    eligibility runs send their tiles to the cluster; every table and the profile's indicators equal the run here.
    The sample reduced to two municipalities at 100 m (test_batch.py's scenario)."""
    import yaml
    from distributed import get_task_stream
    from test_batch import batch_scenario

    from wip_qgis_plugin.core.jobs.runner import run_profile_step, run_scenario

    path = batch_scenario(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["resolution_m"] = 100
    data["area_of_interest"]["names"] = ["Petersberg", "Raguhn-Jeßnitz"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    results = {}
    for label, scheduler in (("here", None), ("cluster", client.scheduler.address)):
        sc = load_scenario(path, output_dir=tmp_path / label)
        steps = list(run_scenario(sc, scheduler=scheduler))
        assert "profile" in [s.kind for s in steps]
        results[label] = {p.name: [line for line in p.read_text(encoding="utf-8").splitlines()
                                   if not line.startswith("# WIP")]  # the header line holds the run's time
                          for p in sorted((tmp_path / label).glob("*.csv"))}
    assert results["cluster"] == results["here"]
    assert {"wind_table.csv", "pv_ground_table.csv", "profile_indicators.csv"} <= set(results["here"])
    # the profile alone into an empty folder: nothing to reuse, it runs its own eligibility steps, on the cluster
    sc = load_scenario(path, output_dir=tmp_path / "profile_only")
    with get_task_stream(client) as stream:
        run_profile_step(sc, scheduler=client.scheduler.address)
    assert any("wip-tile" in str(t["key"]) for t in stream.data), "no tile ran on the cluster"
    indicators = (tmp_path / "profile_only" / "profile_indicators.csv").read_text(encoding="utf-8").splitlines()
    assert [line for line in indicators if not line.startswith("# WIP")] == results["here"]["profile_indicators.csv"]
