#!/usr/bin/env python3
"""Benchmark of the full municipal energy profile for every municipality of the Land-size region (not a test).

Issue 18, point 3: "the full profile for all municipalities of the Land-size region ≤ 10 min on 2 cores".
The region is the benchmarks' synthetic 140 × 140 km region (``benchmarks/_region.py``: 392 municipalities,
~1.16 M buildings, DEM and wind rasters). The scenario is the sample's full chain
(``sample_layers/scenario.yaml``) as a consultant runs it: eligibility (wind, ground PV), suitability (wind with
50 sensitivity runs), WindBG, the setback sweep, wind yield and turbine layout with noise, shadow flicker and
repowering, ground PV, agri-PV, rooftop PV, the grid (topology check and connection) and the profile with
every source (floating PV included), the demand scenarios and the HTML reports — written with absolute input
paths into the data folder (not the repo), at ``--res`` (25 m by default; the wind and sweep steps at
max(res, 25 m) as in the sample scenario).

Case ``run``: one ``wip run`` of that scenario in a fresh process and a fresh output folder (nothing reused),
one area of interest with all municipalities. Case ``batch``: ``wip batch`` in one process (one task per
municipality), for comparison. Prints wall time, CPU time (user + system of the process tree), peak PSS of the
process tree (``_measure.py``), the 1-minute load before and after, the steps' times from ``wip_run.json``, and
when each progress line appeared (the profile step's sub-steps).

Measured 2026-12-08 (2 shared cores, load 3-9 from other sessions' jobs: wall times are upper bounds, CPU time is
the steadier figure): ``wip run`` of the whole chain at 25 m for the 392 municipalities, 2,839 s wall, 1,226 s CPU,
10.6 GiB peak PSS (before gc.freeze() in the report workers); the profile step alone (``wip profile`` on that
run's outputs): before this benchmark's changes 1,654 s wall / 861 s CPU / 3.1 GiB, after 626 s / 489 s / 4.2 GiB,
the same indicators, hourly series and profile.json. Slowest steps (wall, under load): immission 792 s, profile
959 s (reports ~640 s of it), windbg 311 s, rooftop PV 125 s, sweep 98 s, grid connection 80 + 77 s.

Usage::

    python benchmarks/land_profile.py [--res 25] [--cases run] [--keep] [--region DIR]
    python benchmarks/land_profile.py --res 100 --region sample_layers     # smoke run on the sample region
    python benchmarks/land_profile.py --cases batch --where "name LIKE 'A%'"
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402
from _measure import measure  # noqa: E402

#: Runs a command and writes every line it prints, with the seconds since the start, into a log file as the lines
#: come (``tail -f`` it). Nothing goes to the wrapper's stdout: ``_measure.measure`` reads that pipe only at the end,
#: and a full pipe would stop the run. The wrapper's own CPU time and memory (a few MiB) are part of the tree.
STAMP = r"""
import subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
with open(sys.argv[1], "w", encoding="utf-8") as log:
    for line in p.stdout:
        log.write(f"[{time.perf_counter() - t0:8.1f}] {line}")
        log.flush()
sys.exit(p.wait())
"""


#: The child's printed lines as they come (stdout through a pipe is block-buffered otherwise).
UNBUFFERED = {**os.environ, "PYTHONUNBUFFERED": "1"}


def scenario(region: Path, folder: Path, res: float, report: bool = True) -> Path:
    """The sample scenario for ``region``: the same steps and settings, inputs by absolute path, output in
    ``folder/out``; written to ``folder/scenario.yaml``."""
    sample = yaml.safe_load((REPO / "sample_layers" / "scenario.yaml").read_text(encoding="utf-8"))
    data = dict(sample)
    data["name"] = f"Land-size region {region.name}, {res:g} m"
    data["resolution_m"] = res
    data["output_dir"] = str(folder / "out")
    data["layers"] = {role: {"path": str(region / ref["path"]), "layer": ref["layer"]}
                      for role, ref in sample["layers"].items()}
    data["rasters"] = {k: str(region / v) for k, v in sample["rasters"].items()}
    data["sweep"] = {k: {**v, "resolution_m": max(res, float(v.get("resolution_m", res)))}
                     for k, v in sample["sweep"].items()}
    data["wind"] = {**sample["wind"], "resolution_m": max(res, float(sample["wind"].get("resolution_m", res)))}
    if not report:
        data["profile"] = {**sample["profile"], "report": False}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def municipality_count(region: Path) -> int:
    import pyogrio

    return int(pyogrio.read_info(str(region / "revier_sample.gpkg"), layer="municipalities")["features"])


def print_measure(case: str, m: dict, n: int, res: float) -> None:
    print(f"{case}: {n} municipalities at {res:g} m: {m['wall_s']:.1f} s wall, {m['cpu_s']:.1f} s CPU, "
          f"{m['peak_mib']:.0f} MiB peak PSS (load {m['load_before']:.1f} → {m['load_after']:.1f}, "
          f"{os.cpu_count()} cores), exit {m['rc']}")


def run_case(scen: Path, folder: Path, n: int, res: float, tail: int) -> dict:
    """``wip run`` of the whole scenario in a fresh process."""
    wip = str(Path(sys.executable).with_name("wip"))
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    m = measure([sys.executable, "-c", STAMP, str(folder / "run.log"), wip, "run", str(scen)], interval_s=1.0,
                env=UNBUFFERED)
    print_measure("wip run", m, n, res)
    lines = (folder / "run.log").read_text(encoding="utf-8").splitlines()
    if m["rc"] != 0:
        print("\n".join(lines[-tail:]))
        return {"case": "run", **{k: v for k, v in m.items() if k != "output"}}
    manifest = json.loads((out / "wip_run.json").read_text(encoding="utf-8"))
    print("steps (wip_run.json):")
    for s in manifest["steps"]:
        print(f"  {s['seconds']:8.1f} s  {s['kind']} {s['key']}")
    print(f"  {sum(s['seconds'] for s in manifest['steps']):8.1f} s  sum of the steps")
    print(f"progress lines with the seconds since the start: {folder / 'run.log'}")
    total = out / "profile_indicators.csv"
    if total.exists():
        import csv

        rows = list(csv.DictReader(line for line in total.open(encoding="utf-8") if not line.startswith("#")))
        tot = next((r for r in rows if r.get("name") == "TOTAL"), rows[-1])
        keys = ("capacity_mw", "energy_gwh", "demand_gwh", "balance_pct", "self_sufficiency_pct",
                "grid_connected_mw", "grid_cost_meur")
        print(f"profile: {len(rows) - 1} municipality rows; TOTAL " + ", ".join(f"{k} {tot.get(k)}" for k in keys))
    reports = list((out / "report").glob("*.html")) if (out / "report").exists() else []
    print(f"report pages: {len(reports)}")
    return {"case": "run", "steps": manifest["steps"], **{k: v for k, v in m.items() if k != "output"}}


def batch_case(scen: Path, folder: Path, n: int, res: float, where: str | None, tail: int) -> dict:
    """``wip batch`` of the same scenario in one process (one task per municipality)."""
    wip = str(Path(sys.executable).with_name("wip"))
    out = folder / "batch"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-c", STAMP, str(folder / "batch.log"), wip, "batch", str(scen), "--out-dir", str(out)]
    cmd += ["--where", where] if where else []
    m = measure(cmd, interval_s=1.0, env=UNBUFFERED)
    manifest_path = out / "wip_batch.json"
    per = {}
    if manifest_path.exists():
        per = {x["name"]: x.get("seconds") for x in json.loads(manifest_path.read_text(encoding="utf-8"))
               ["municipalities"]}
    print_measure("wip batch", m, len(per) or n, res)
    if m["rc"] != 0:
        print("\n".join((folder / "batch.log").read_text(encoding="utf-8").splitlines()[-tail:]))
    secs = sorted((v for v in per.values() if v is not None), reverse=True)
    if secs:
        print(f"  per municipality: Σ {sum(secs):.1f} s, mean {sum(secs) / len(secs):.1f} s, max {secs[0]:.1f} s")
    return {"case": "batch", "municipalities": len(per), **{k: v for k, v in m.items() if k != "output"}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--res", type=float, default=25.0, help="grid resolution [m] (default 25)")
    parser.add_argument("--cases", default="run", help="comma-separated: run, batch")
    parser.add_argument("--size-km", type=float, default=140.0, help="the region's size (benchmarks/_region.py)")
    parser.add_argument("--data-dir", type=Path, default=HERE / ".data")
    parser.add_argument("--region", type=Path, help="another region folder with revier_sample.gpkg and the rasters "
                                                    "(e.g. sample_layers for a smoke run)")
    parser.add_argument("--where", help="batch: OGR SQL selection of the municipalities (default: all)")
    parser.add_argument("--no-report", action="store_true", help="the profile without its HTML reports")
    parser.add_argument("--tail", type=int, default=60, help="lines of output shown when a run fails")
    a = parser.parse_args()
    if a.region:
        region = a.region.resolve()
    else:
        region = a.data_dir / f"land_{int(a.size_km)}km"
        if not ((region / "revier_sample.gpkg").exists() and (region / "wind_speed_150m.tif").exists()):
            from _region import ensure_region

            region = ensure_region(a.data_dir, a.size_km)
    folder = a.data_dir / f"{region.name}_profile_{a.res:g}m{'_noreport' if a.no_report else ''}"
    scen = scenario(region, folder, a.res, not a.no_report)
    n = municipality_count(region)
    print(f"scenario {scen} ({n} municipalities)")
    rows = []
    for case in a.cases.split(","):
        if case == "run":
            rows.append(run_case(scen, folder, n, a.res, a.tail))
        elif case == "batch":
            rows.append(batch_case(scen, folder, n, a.res, a.where, a.tail))
        else:
            parser.error(f"unknown case {case!r}")
    print(json.dumps(rows, ensure_ascii=False, default=str))
    return max(int(r["rc"]) for r in rows)


if __name__ == "__main__":
    sys.exit(main())
