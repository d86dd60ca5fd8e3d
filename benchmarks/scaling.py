#!/usr/bin/env python3
"""Scaling of the eligibility run on Dask (issue 18, point 3): measured runs, critical path and a cost model.

Not a test. On the peer harness's 140 × 140 km region (``s140.gpkg``, 1.17 M buildings, the nine criteria of
``peer_criteria.yaml``, as ``benchmarks/eligibility.py --peer-gpkg``) and for every resolution of ``--res``:

1. **Runs.** ``wip eligibility`` in a fresh process per case: ``local`` (no Dask, ``--workers 2``, forked tile
   workers) and ``--dask local:N`` for every ``N`` of ``--dask``. Recorded: wall time, CPU time of the whole
   process tree (``getrusage(RUSAGE_CHILDREN)``: every descendant that was waited for), peak PSS of the tree and
   peak PSS of every process on its own (sampled from ``/proc`` every ``--interval`` s), the Dask worker processes
   told apart by their command line (``multiprocessing.spawn``: a LocalCluster's nannies live in the client
   process and spawn one worker process each). Every case's ``*_table.csv`` (and ``*_table_criteria.csv``) must
   equal the local run's byte for byte. A case that fails or outlives ``--timeout`` is recorded with its exit code
   and the tail of its output (a finding, not a crash of this script).
2. **Critical path and cost model** (``--profile``, in one fresh process, single-threaded, public functions
   only): the client's preparation (``engine.prepare_run`` on the whole region, cold: the first call of the
   process; once as the Dask client makes it, without vertex trees, and once as the local run makes it), every
   tile task (``engine.tile_task`` with the job built as ``run_eligibility`` builds it:
   ``dask_tiles.TileJob`` → ``absolute_job``) one after the other, each with its time and its peak memory
   (**peak RSS above the RSS at the task's start**, from ``VmHWM`` after resetting it through
   ``/proc/self/clear_refs``; it includes GDAL's and GEOS's C allocations, which tracemalloc would miss), the same
   tile computed from the whole-region plan (``engine.compute_tile``: the local run's cost of the tile; the
   difference is what re-reading the features by bounding box costs a task), and the client's join: the
   rest of ``run_eligibility`` (writing rasters, polygons, tables) when the tiles arrive at no cost (the run's
   ``iterate_tiles`` replaced by the tiles computed and timed in place). The start of a LocalCluster of N workers
   and the broadcast of the job (``core.cluster.client_for`` + ``scatter``) is timed too.

   Model: ``T(N) = T_prepare + T_start(N) + max(T_longest, ΣT_task / min(N, cores)) + T_join``. On this machine the
   workers share ``cores`` (2) cores, so N above 2 cannot run faster; the prediction for a cluster uses N
   workers with a core each. The CPU model ``CPU(N) = C_0 + ΣT_task + N · c_worker`` is fitted to the measured
   CPU times (least squares, ``C_0`` and ``c_worker``). A Germany-size region (600 × 600 km) scales ΣT_task,
   T_prepare and T_join by the area (×18.4); the longest task stays (the tile size is fixed).

3. Prints Markdown tables and writes everything to ``--json``.

Usage::

    python benchmarks/scaling.py --gpkg /tmp/peerdata/s140.gpkg --res 25 10 --out /tmp/scaling \\
        --json /tmp/scaling/scaling.json
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CATALOGUE = HERE / "peer_criteria.yaml"
GERMANY_KM = 600.0
REGION_KM = 140.0
CLK = os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------- process tree sampling
def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    return children


def _pss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime of the process itself


def _kind(pid: int, root: int, root_cmd: bytes, cmd: bytes) -> str:
    if pid == root:
        return "client"
    if b"resource_tracker" in cmd:
        return "resource_tracker"
    if b"spawn_main" in cmd or b"forkserver" in cmd:
        return "dask_worker"
    if cmd == root_cmd:
        return "fork_worker"
    return "other"


def measure_tree(cmd: list[str], log: Path, timeout_s: float, interval_s: float = 0.5) -> dict[str, Any]:
    """Run ``cmd`` in its own session; sample the PSS of the tree and of every process; kill it after ``timeout_s``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    procs: dict[int, dict[str, Any]] = {}
    peak_tree, timed_out = 0, False
    root_cmd = b""
    while proc.poll() is None:
        if time.perf_counter() - t0 > timeout_s:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)  # the session this script started for the case
            proc.wait()
            break
        children = _children_map()
        total, stack = 0, [proc.pid]
        while stack:
            pid = stack.pop()
            stack.extend(children.get(pid, []))
            try:
                pss = _pss(pid)
                cpu = _cpu_s(pid)
                if pid == proc.pid:  # read again: the first sample may precede the exec
                    root_cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                if pid not in procs:
                    procs[pid] = {"pid": pid, "cmd": Path(f"/proc/{pid}/cmdline").read_bytes(), "peak_pss": 0,
                                  "cpu_s": 0.0, "first_s": time.perf_counter() - t0}
            except (OSError, ValueError):
                continue
            total += pss
            p = procs[pid]
            p["peak_pss"] = max(p["peak_pss"], pss)
            p["cpu_s"] = cpu
            p["last_s"] = time.perf_counter() - t0
        peak_tree = max(peak_tree, total)
        time.sleep(interval_s)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    mib = 2 ** 20
    per_proc = [{"pid": p["pid"], "kind": _kind(p["pid"], proc.pid, root_cmd, p["cmd"]),
                 "peak_pss_mib": round(p["peak_pss"] / mib), "cpu_s_sampled": round(p["cpu_s"], 1),
                 "alive_s": [round(p["first_s"], 1), round(p.get("last_s", 0), 1)]}
                for p in procs.values()]
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_pss_mib": round(peak_tree / mib),
            "rc": None if timed_out else proc.returncode, "timed_out": timed_out, "processes": per_proc,
            "cpu_s_sampled_sum": round(sum(p["cpu_s"] for p in procs.values()), 1),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)}


def eligibility_args(gpkg: Path, res: float) -> list[str]:
    """The arguments of ``wip eligibility`` for the peer scenario (as benchmarks/eligibility.py)."""
    return ["eligibility", "--catalogue", str(CATALOGUE), "--gpkg", str(gpkg), "--resolution", f"{res:g}",
            "--layer", f"municipalities={gpkg}:region", "--name-field", "", "--layer", f"waterways={gpkg}:rivers"]


def tables_of(out_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out_dir.glob("*_table*.csv"))}


def run_case(gpkg: Path, res: float, case: str, out_dir: Path, timeout_s: float, interval_s: float) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():  # a stale output must not pass the comparison
        if old.is_file():
            old.unlink()
    extra = ["--workers", "2"] if case == "local" else ["--dask", case.replace("dask", "local:")]
    cmd = [sys.executable, "-m", "wip_qgis_plugin.cli", *eligibility_args(gpkg, res), "--out-dir", str(out_dir),
           *extra]
    log = out_dir / "run.log"
    m = measure_tree(cmd, log, timeout_s, interval_s)
    text = log.read_text(errors="replace")
    m["case"], m["res_m"], m["cmd"] = case, res, " ".join(cmd[1:])
    total = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("TOTAL")]
    m["total_line"] = total[-1] if total else ""
    m["tables"] = tables_of(out_dir) if m["rc"] == 0 else {}
    if m["rc"] != 0:
        m["error_tail"] = text[-3000:]
    workers = [p for p in m["processes"] if p["kind"] in ("dask_worker", "fork_worker")]
    m["n_worker_processes"] = len(workers)
    m["worker_peak_pss_mib"] = [p["peak_pss_mib"] for p in workers]
    m["client_peak_pss_mib"] = next((p["peak_pss_mib"] for p in m["processes"] if p["kind"] == "client"), None)
    return m


# ----------------------------------------------------------------- profile: one process, task by task
def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _trim() -> None:
    """Give freed heap back to the system (glibc), so that the RSS at a block's start is not last block's garbage."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakRss:
    """Peak RSS above the RSS at the start of the block, from VmHWM reset through /proc/self/clear_refs. [MiB]

    ``peak_abs_mib`` is the process's whole peak RSS in the block (interpreter, libraries and what the block
    holds); the heap is trimmed first.
    """

    def __enter__(self) -> "PeakRss":
        _trim()
        Path("/proc/self/clear_refs").write_text("5")
        self.start = _status_kib("VmRSS")
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0
        self.peak_mib = (_status_kib("VmHWM") - self.start) / 1024
        self.peak_abs_mib = _status_kib("VmHWM") / 1024
        self.end_mib = (_status_kib("VmRSS") - self.start) / 1024


class Breakdown:
    """CPU seconds of the engine's steps, per phase (prepare, task, local), from wrappers around module globals."""

    STEPS = ("read_aoi_areas", "read_inputs", "select_features", "covering_features", "read_exception_zones",
             "raster_feature_sets", "compute_tile", "polygons_frame", "write_vector", "write_table",
             "write_criteria_table")

    def __init__(self) -> None:
        self.phase = "prepare"
        self.cpu: dict[str, dict[str, float]] = {}

    def add(self, name: str, seconds: float) -> None:
        d = self.cpu.setdefault(self.phase, {})
        d[name] = d.get(name, 0.0) + seconds

    def wrap(self, fn: Any, name: str) -> Any:
        def timed(*p: Any, **k: Any) -> Any:
            c = time.process_time()
            try:
                return fn(*p, **k)
            finally:
                self.add(name, time.process_time() - c)
        return timed

    def install(self, engine: Any, distance: Any) -> None:
        for name in self.STEPS:
            if hasattr(engine, name):
                setattr(engine, name, self.wrap(getattr(engine, name), name))
        base, outer = engine.FeatureSet, self

        class TimedFeatureSet(base):  # the STR trees of the features (built in FeatureSet.__init__)
            def __init__(self, *p: Any, **k: Any) -> None:
                c = time.process_time()
                super().__init__(*p, **k)
                outer.add("FeatureSet (STR trees)", time.process_time() - c)

        engine.FeatureSet = TimedFeatureSet
        distance.FeatureSet.vertex_tree = self.wrap(distance.FeatureSet.vertex_tree, "vertex_tree")

    def rounded(self) -> dict[str, dict[str, float]]:
        return {ph: {k: round(v, 2) for k, v in sorted(d.items(), key=lambda kv: -kv[1])} for ph, d in self.cpu.items()}


def _digest(res: Any) -> str:
    h = hashlib.sha256(res.eligible.tobytes())
    h.update(res.reasons.tobytes())
    return h.hexdigest()


def profile(gpkg: Path, res: float, out_dir: Path, dask_ns: list[int]) -> dict[str, Any]:
    """Time the client's preparation, every tile task, every tile from the whole-region plan and the join."""
    sys.path.insert(0, str(ROOT))
    from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args
    from wip_qgis_plugin.core.catalogue.loader import load_catalogue_spec
    from wip_qgis_plugin.core.data.layers import LayerRef
    import pickle

    from wip_qgis_plugin.core.eligibility import dask_tiles, distance, engine
    from wip_qgis_plugin.core.eligibility.engine import (AreaOfInterest, EligibilityOutputs, EligibilitySettings,
                                                          run_eligibility)
    from wip_qgis_plugin.core.jobs.protocol import decode_dataclass
    from wip_qgis_plugin.core.progress import NullProgress

    out_dir.mkdir(parents=True, exist_ok=True)
    args = build_parser().parse_args([*eligibility_args(gpkg, res), "--out-dir", str(out_dir), "--workers", "1"])
    job, _ = eligibility_job_from_args(args)
    a = job.arguments
    catalogue = load_catalogue_spec(a["catalogue"])  # decoded as core.jobs.adapters.eligibility_job does
    layers = {r: decode_dataclass(LayerRef, ref, f"layers.{r}") for r, ref in (a.get("layers") or {}).items()}
    aoi = decode_dataclass(AreaOfInterest, a["aoi"], "aoi")
    settings = dataclasses.replace(decode_dataclass(EligibilitySettings, a["settings"], "settings"), workers=1,
                                   scheduler=None)
    if "municipalities" in catalogue.roles_needed(settings.kinds):
        layers.setdefault("municipalities", aoi.layer)
    outputs = decode_dataclass(EligibilityOutputs, a["outputs"], "outputs")
    want_polygons = outputs.polygons is not None

    steps = Breakdown()
    steps.install(engine, distance)
    steps.phase = "prepare (Dask client)"
    with PeakRss() as prep_client:  # the Dask client's preparation (no vertex trees), cold: first call of the process
        engine.prepare_run(catalogue, layers, aoi, dataclasses.replace(settings, scheduler="local:1"), want_polygons,
                           NullProgress())
    steps.phase = "prepare (local run)"
    with PeakRss() as prep:  # the local run's preparation (with the vertex trees the forked workers share)
        plan, _, _ = engine.prepare_run(catalogue, layers, aoi, settings, want_polygons, NullProgress())
    tiles = list(plan.grid.tiles(max(2, settings.tile_px // 2 * 2)))  # as run_eligibility
    sent = [w for w in tiles if dask_tiles.touches_areas(plan, w)]
    task_job = dask_tiles.absolute_job(dask_tiles.TileJob(catalogue, dict(layers), aoi, settings, want_polygons))
    grid_px = [int(plan.grid.width), int(plan.grid.height)]
    del plan  # a worker holds no whole-region plan: measure the tasks without it
    _trim()
    base_rss_mib = _status_kib("VmRSS") / 1024
    steps.phase = "task"
    per_tile: dict[tuple[int, int], dict[str, Any]] = {}
    for w in sent:
        with PeakRss() as m:
            r = engine.tile_task(task_job, w)
        c = time.process_time()
        blob = pickle.dumps(r, protocol=5)  # what the worker sends back (Dask pickles the TileResult)
        dumped = time.process_time() - c
        pickle.loads(blob)
        loaded = time.process_time() - c - dumped
        per_tile[(w.row, w.col)] = {"row": w.row, "col": w.col, "px": w.width * w.height, "task_s": m.seconds,
                                    "task_cpu_s": m.cpu, "task_peak_mib": m.peak_mib,
                                    "task_peak_abs_mib": m.peak_abs_mib, "digest": _digest(r),
                                    "result_mib": len(blob) / 2**20, "pickle_cpu_s": dumped, "unpickle_cpu_s": loaded,
                                    "n_polygon_pieces": len(r.polygons)}
        del r, blob
    # the local run with the tiles computed in place from the whole-region plan: per tile compute, then the join
    times: dict[str, float] = {}
    real_prepare, real_iterate = engine.prepare_run, engine.iterate_tiles

    def timed_prepare(*p: Any, **k: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        try:
            return real_prepare(*p, **k)
        finally:
            times["prepare_warm_s"] = time.perf_counter() - t
            times["prepare_warm_cpu_s"] = time.process_time() - c

    def in_place(plan_: Any, tiles_: list, workers: int, progress: Any, tile_fn: Any = None):
        for w in tiles_:
            with PeakRss() as m:
                r = engine.compute_tile(plan_, w)
            d = per_tile.setdefault((w.row, w.col), {"row": w.row, "col": w.col, "px": w.width * w.height})
            d.update(compute_s=m.seconds, compute_cpu_s=m.cpu, compute_peak_mib=m.peak_mib,
                     same=d.get("digest", _digest(r)) == _digest(r))
            times["compute_sum_s"] = times.get("compute_sum_s", 0.0) + m.seconds
            times["compute_cpu_sum_s"] = times.get("compute_cpu_sum_s", 0.0) + m.cpu
            t = time.perf_counter()
            yield r
            times["write_tiles_s"] = times.get("write_tiles_s", 0.0) + time.perf_counter() - t

    engine.prepare_run, engine.iterate_tiles = timed_prepare, in_place
    steps.phase = "local run (warm prepare, tiles in place, join)"
    try:
        t, c = time.perf_counter(), time.process_time()
        run_eligibility(catalogue, layers, aoi, outputs, settings, NullProgress())
        run_s, run_cpu = time.perf_counter() - t, time.process_time() - c
    finally:
        engine.prepare_run, engine.iterate_tiles = real_prepare, real_iterate
    join_s = run_s - times["prepare_warm_s"] - times["compute_sum_s"]
    join_cpu = run_cpu - times["prepare_warm_cpu_s"] - times["compute_cpu_sum_s"]
    # a LocalCluster's start, the broadcast of the job and the close
    from wip_qgis_plugin.core.cluster import client_for
    startup = {}
    for n in dask_ns:
        t = time.perf_counter()
        with client_for(f"local:{n}") as client:
            up = time.perf_counter() - t
            client.scatter(task_job, broadcast=True)
            scattered = time.perf_counter() - t
            t_close = time.perf_counter()
        startup[n] = {"start_s": round(up, 2), "start_scatter_s": round(scattered, 2),
                      "close_s": round(time.perf_counter() - t_close, 2)}
    tasks = [per_tile[(w.row, w.col)] for w in sent]
    client_tiles = [per_tile[(w.row, w.col)] for w in tiles if w not in sent]
    task_s = sorted(d["task_s"] for d in tasks)
    task_cpu = sorted(d["task_cpu_s"] for d in tasks)
    reread = [d["task_s"] - d["compute_s"] for d in tasks]
    return {
        "res_m": res, "grid": grid_px, "tile_px": settings.tile_px,
        "n_tiles": len(tiles), "n_tasks": len(sent),
        "prepare_s": prep.seconds, "prepare_cpu_s": prep.cpu, "prepare_peak_mib": prep.peak_mib,
        "prepare_client_s": prep_client.seconds, "prepare_client_cpu_s": prep_client.cpu,
        "prepare_client_peak_mib": prep_client.peak_mib,
        "prepare_warm_s": times["prepare_warm_s"],
        "task_sum_s": sum(task_s), "task_cpu_sum_s": sum(task_cpu),
        "task_cpu_longest_s": task_cpu[-1] if task_cpu else 0.0, "base_rss_mib": base_rss_mib,
        "task_peak_abs_mib_max": max((d["task_peak_abs_mib"] for d in tasks), default=0.0),
        "task_longest_s": task_s[-1] if task_s else 0.0,
        "task_median_s": task_s[len(task_s) // 2] if task_s else 0.0, "task_shortest_s": task_s[0] if task_s else 0.0,
        "task_peak_mib_max": max((d["task_peak_mib"] for d in tasks), default=0.0),
        "task_peak_mib_median": sorted(d["task_peak_mib"] for d in tasks)[len(tasks) // 2] if tasks else 0.0,
        "compute_sum_s": times["compute_sum_s"], "compute_cpu_sum_s": times["compute_cpu_sum_s"],
        "join_cpu_s": join_cpu, "reread_sum_s": sum(reread),
        "reread_median_s": sorted(reread)[len(reread) // 2] if reread else 0.0,
        "client_tiles_s": sum(d["compute_s"] for d in client_tiles),
        "write_tiles_s": times.get("write_tiles_s", 0.0), "join_s": join_s, "run_in_place_s": run_s,
        "tasks_equal_local": all(d.get("same", False) for d in tasks),
        "result_mib_sum": sum(d["result_mib"] for d in tasks),
        "pickle_cpu_sum_s": sum(d["pickle_cpu_s"] + d["unpickle_cpu_s"] for d in tasks),
        "steps_cpu_s": steps.rounded(), "startup": startup,
        "tiles": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()
                                        if k != "digest"} for d in per_tile.values()],
    }


# ----------------------------------------------------------------- model
def model(prof: dict[str, Any], runs: list[dict[str, Any]], cores: int, basis: str = "cpu") -> dict[str, Any]:
    """Predicted wall and CPU per case, the fitted constants and the predictions for 100 workers.

    ``basis`` ``cpu``: the terms are the CPU seconds of the profile (what a dedicated core needs; the steadier
    figure on shared cores); ``wall``: its wall seconds under this session's load.
    """
    c = basis == "cpu"
    # the Dask client's preparation (no vertex trees) where profiled; the local run's otherwise
    prep = prof.get("prepare_client_cpu_s", prof["prepare_cpu_s"]) if c else prof.get("prepare_client_s",
                                                                                      prof["prepare_s"])
    prep_local = prof["prepare_cpu_s"] if c else prof["prepare_s"]
    join = (prof["join_cpu_s"] if c else prof["join_s"]) + prof["client_tiles_s"]
    longest = prof["task_cpu_longest_s"] if c else prof["task_longest_s"]
    total = prof["task_cpu_sum_s"] if c else prof["task_sum_s"]
    serial_tiles = prof["compute_cpu_sum_s"] if c else prof["compute_sum_s"]
    start = {int(n): v["start_scatter_s"] for n, v in prof["startup"].items()}

    def wall(n: int, start_s: float, cores_: int | None = None, scale: float = 1.0) -> float:
        eff = min(n, cores_) if cores_ else n
        return scale * prep + start_s + max(longest, scale * total / eff) + scale * join

    checks, xs, ys = [], [], []
    local = [r for r in runs if r["case"] == "local" and r.get("rc") == 0]
    for r in runs:
        if not r["case"].startswith("dask") or r.get("rc") != 0 or r.get("exclude_from_fit"):
            continue
        n = int(r["case"][4:])
        pred = wall(n, start.get(n, 0.0), cores)
        checks.append({"case": r["case"], "rep": r.get("rep", 1), "wall_measured_s": r["wall_s"],
                       "wall_model_s": round(pred, 1), "ratio": round(r["wall_s"] / pred, 2),
                       "cpu_measured_s": r["cpu_s"], "load": f"{r['load_before']}-{r['load_after']}"})
        xs.append(n)
        ys.append(r["cpu_s"])
    fit: dict[str, Any] = {"basis": basis,
                           "cpu_model_terms_s": round(prof.get("prepare_client_cpu_s", prof["prepare_cpu_s"])
                                                      + prof["task_cpu_sum_s"]
                                                      + prof["join_cpu_s"], 1),
                           "cpu_local_serial_terms_s": round(prof["prepare_cpu_s"] + prof["compute_cpu_sum_s"]
                                                             + prof["join_cpu_s"], 1),
                           "cpu_local_measured_s": [r["cpu_s"] for r in local]}
    if len(set(xs)) >= 2:  # CPU(N) = C0 + N c_worker, least squares
        k = len(xs)
        mx, my = sum(xs) / k, sum(ys) / k
        c_w = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        c0 = my - c_w * mx
        fit.update(cpu_const_s=round(c0, 1), cpu_per_worker_s=round(c_w, 1),
                   cpu_const_minus_model_terms_s=round(c0 - fit["cpu_model_terms_s"], 1))
    # wall not in the model, per task and worker-core (per-task overhead, waiting for the shared cores)
    over = [(ck["wall_measured_s"] - ck["wall_model_s"]) * min(int(ck["case"][4:]), cores) / prof["n_tasks"]
            for ck in checks]
    fit["wall_excess_per_task_s"] = round(sum(over) / len(over), 2) if over else None
    scale = (GERMANY_KM / REGION_KM) ** 2
    start100 = start.get(1, 0.0)  # a running cluster: connect and broadcast, the workers already up
    serial140 = prep_local + serial_tiles + join
    p140 = wall(100, start100)
    pde = wall(100, start100, scale=scale)
    return {
        "basis": basis, "T_prepare_s": round(prep, 1), "T_join_s": round(join, 1), "T_longest_s": round(longest, 1),
        "T_task_sum_s": round(total, 1), "T_local_tiles_sum_s": round(serial_tiles, 1),
        "T_start_s": {n: round(v, 1) for n, v in start.items()}, "checks": checks, "fit": fit,
        "predict_100_workers": {
            "region_140km_s": round(p140, 1), "region_140km_serial_1core_s": round(serial140, 1),
            "region_140km_speedup_vs_1core": round(serial140 / p140, 2),
            "region_140km_client_share": round((prep + join) / p140, 2),
            "germany_area_factor": round(scale, 1), "germany_s": round(pde, 1),
            "germany_serial_1core_s": round(scale * serial140, 1),
            "germany_speedup_vs_1core": round(scale * serial140 / pde, 2),
            "germany_client_prepare_plus_join_s": round(scale * (prep + join), 1),
            "germany_tasks_on_100_s": round(max(longest, scale * total / 100), 1),
            "germany_speedup_bound_infinite_workers": round(scale * serial140 / (scale * (prep + join) + longest), 2),
        },
    }


# ----------------------------------------------------------------- report
def markdown(runs: list[dict], profs: dict[str, dict], models: dict[str, dict], uptimes: list[str]) -> str:
    lines = ["Load (uptime): " + " | ".join(uptimes), "",
             "| res | case | rep | wall s | CPU s (tree) | peak PSS tree MiB | client MiB | worker peak PSS MiB "
             "| table = local | load | rc |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        mark = " (*)" if r.get("engine_note") else ""
        lines.append(f"| {r['res_m']:g} m | {r['case']}{mark} | {r.get('rep', 1)} | {r['wall_s']} | {r['cpu_s']} | "
                     f"{r['peak_pss_mib']} | {r['client_peak_pss_mib']} | "
                     f"{', '.join(map(str, r['worker_peak_pss_mib'])) or '–'} | {r.get('table_equal', '–')} | "
                     f"{r['load_before']}–{r['load_after']} | {'timeout' if r['timed_out'] else r['rc']} |")
    notes = sorted({r["engine_note"] for r in runs if r.get("engine_note")})
    lines += [f"(*) {n}; not in the fit" for n in notes]
    for key, p in profs.items():
        lines += ["", f"### {key}: critical path (one process, tile by tile; memory = peak RSS above the start)", "",
                  "| quantity | value |", "|---|---|"]
        rows = [
            ("grid / tiles / tasks", f"{p['grid'][0]}×{p['grid'][1]} px, {p['n_tiles']} tiles of {p['tile_px']} px, "
                                     f"{p['n_tasks']} tasks"),
            ("Dask client prepare_run (whole region, no vertex trees, cold): wall / CPU / peak",
             f"{p.get('prepare_client_s', float('nan')):.1f} s / {p.get('prepare_client_cpu_s', float('nan')):.1f} s / "
             f"+{p.get('prepare_client_peak_mib', float('nan')):.0f} MiB"),
            ("local prepare_run (with vertex trees; then again warm): wall / CPU / peak",
             f"{p['prepare_s']:.1f} s / {p['prepare_cpu_s']:.1f} s / +{p['prepare_peak_mib']:.0f} MiB; "
             f"warm {p['prepare_warm_s']:.1f} s"),
            ("tile_task: sum / longest / median / shortest",
             f"{p['task_sum_s']:.1f} / {p['task_longest_s']:.1f} / {p['task_median_s']:.1f} / "
             f"{p['task_shortest_s']:.1f} s"),
            ("tile_task CPU: sum / longest", f"{p['task_cpu_sum_s']:.1f} / {p['task_cpu_longest_s']:.1f} s"),
            ("tile_task peak RSS above start: max / median; whole process max",
             f"+{p['task_peak_mib_max']:.0f} / +{p['task_peak_mib_median']:.0f} MiB; "
             f"{p['task_peak_abs_mib_max']:.0f} MiB "
             f"(idle process {p['base_rss_mib']:.0f} MiB)"),
            ("compute_tile from the whole plan (local run): sum wall / CPU",
             f"{p['compute_sum_s']:.1f} / {p['compute_cpu_sum_s']:.1f} s"),
            ("re-reading by bounding box: sum / median per task",
             f"{p['reread_sum_s']:.1f} / {p['reread_median_s']:.2f} s"),
            ("client join CPU", f"{p['join_cpu_s']:.1f} s"),
            ("client join (writing rasters, polygons, tables)", f"{p['join_s']:.1f} s (of it writing tiles "
                                                                  f"{p['write_tiles_s']:.1f} s)"),
            ("LocalCluster start + scatter, by N", ", ".join(f"{n}: {v['start_scatter_s']} s"
                                                             for n, v in p["startup"].items())),
            ("task results equal compute_tile's", p["tasks_equal_local"]),
            ("task results: pickled size sum / pickle+unpickle CPU sum",
             f"{p.get('result_mib_sum', 0):.0f} MiB / {p.get('pickle_cpu_sum_s', 0):.1f} s"),
            *((f"CPU by step, {ph}", ", ".join(f"{k} {v}" for k, v in d.items()))
              for ph, d in p.get("steps_cpu_s", {}).items()),
        ]
        lines += [f"| {a} | {b} |" for a, b in rows]
        for m in (models.get(key, {}), models.get(key + " (wall basis)", {})):
            if not m:
                continue
            lines += ["", f"Model ({m['basis']} basis) T(N) = {m['T_prepare_s']} + T_start(N) + "
                          f"max({m['T_longest_s']}, "
                          f"{m['T_task_sum_s']}/min(N, cores)) + {m['T_join_s']} s; fit: {m['fit']}", "",
                      "| case | rep | wall measured s | wall model s | measured/model | CPU s | load |",
                      "|---|---|---|---|---|---|---|"]
            lines += [f"| {c['case']} | {c['rep']} | {c['wall_measured_s']} | {c['wall_model_s']} | {c['ratio']} | "
                      f"{c['cpu_measured_s']} | {c['load']} |" for c in m["checks"]]
            lines += ["", "Prediction, 100 workers: " + json.dumps(m["predict_100_workers"])]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpkg", type=Path, default=Path("/tmp/peerdata/s140.gpkg"))
    ap.add_argument("--res", type=float, nargs="+", default=[25.0, 10.0])
    ap.add_argument("--dask", type=int, nargs="*", default=[1, 2, 4], help="LocalCluster sizes")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("/tmp/scaling"))
    ap.add_argument("--timeout", type=float, default=1200.0, help="per run [s]")
    ap.add_argument("--interval", type=float, default=0.5, help="memory sampling [s]")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-runs", action="store_true")
    ap.add_argument("--skip-profile", action="store_true")
    ap.add_argument("--reuse-profile", action="store_true", help="use a profile_<res>m.json already in --out")
    ap.add_argument("--load-runs", type=Path, help="take the runs from this earlier --json instead of running them")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--profile-only", type=float, help=argparse.SUPPRESS)  # the profile's own process
    a = ap.parse_args()
    if a.profile_only:
        prof = profile(a.gpkg, a.profile_only, a.out / f"{a.profile_only:g}m" / "profile", a.dask)
        (a.out / f"profile_{a.profile_only:g}m.json").write_text(json.dumps(prof, indent=1))
        return 0
    a.out.mkdir(parents=True, exist_ok=True)
    uptimes = [subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()]
    runs: list[dict] = json.loads(a.load_runs.read_text())["runs"] if a.load_runs else []
    if a.load_runs:
        uptimes = json.loads(a.load_runs.read_text()).get("uptime", []) + uptimes
    profs: dict[str, dict] = {}
    models: dict[str, dict] = {}
    cases = ["local", *(f"dask{n}" for n in a.dask)]
    for res in a.res:
        key = f"{res:g} m"
        if not a.skip_runs and not a.load_runs:
            for rep in range(1, a.reps + 1):
                reference = None
                for case in cases:
                    r = run_case(a.gpkg, res, case, a.out / f"{res:g}m" / f"{case}_r{rep}", a.timeout, a.interval)
                    r["rep"] = rep
                    if case == "local":
                        reference = r["tables"]
                    r["table_equal"] = bool(reference) and r["tables"] == reference if r["rc"] == 0 else False
                    runs.append(r)
                    print(json.dumps({k: v for k, v in r.items() if k not in ("processes", "tables")}), flush=True)
                uptimes.append(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        cached = a.out / f"profile_{res:g}m.json"
        if a.reuse_profile and cached.exists():
            profs[key] = json.loads(cached.read_text())
            models[key] = model(profs[key], [r for r in runs if r["res_m"] == res], a.cores)
            models[key + " (wall basis)"] = model(profs[key], [r for r in runs if r["res_m"] == res], a.cores, "wall")
        elif not a.skip_profile:
            log = a.out / f"profile_{res:g}m.log"
            m = measure_tree([sys.executable, str(Path(__file__).resolve()), "--profile-only", f"{res:g}",
                              "--gpkg", str(a.gpkg), "--out", str(a.out), "--dask", *map(str, a.dask)],
                             log, a.timeout * 3, a.interval)
            if m["rc"] != 0:
                print(log.read_text()[-3000:])
                print(f"profile at {res:g} m failed: rc {m['rc']}", flush=True)
            else:
                profs[key] = json.loads((a.out / f"profile_{res:g}m.json").read_text())
                profs[key]["process"] = {k: m[k] for k in ("wall_s", "cpu_s", "peak_pss_mib", "load_before",
                                                            "load_after")}
                models[key] = model(profs[key], [r for r in runs if r["res_m"] == res], a.cores)
                models[key + " (wall basis)"] = model(profs[key], [r for r in runs if r["res_m"] == res], a.cores,
                                                      "wall")
                print(json.dumps({k: v for k, v in profs[key].items() if k != "tiles"}), flush=True)
            uptimes.append(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    md = markdown(runs, profs, models, uptimes)
    print(md)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"runs": runs, "profile": profs, "model": models, "uptime": uptimes,
                                      "markdown": md}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
