#!/usr/bin/env python3
"""Benchmark of `wip batch` on the sample region (not a test): in one process, and on LocalClusters of N workers.

Each case is a fresh `wip batch` process into a fresh folder (nothing reused): the scenario's chain up to the
municipal profile for every selected municipality. The scenario is the sample scenario reduced to eligibility (wind,
ground PV) and the profile (by default with the wind and ground-PV sources, no grid, no report; ``--full``: every
source, the grid and the reports, as the sample scenario's profile). Reports wall time, peak memory (PSS of the
whole process tree: the CLI, Dask's nannies and workers), the time of each municipality (inside its task) and
whether every case joined the same overview.

Usage::

    python benchmarks/batch.py [--res 50] [--cases inprocess,local:1,local:2] [--where "name IN ('Zörbig')"]
    python benchmarks/batch.py --res 25 --full --cases inprocess
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402
from _measure import measure  # noqa: E402


def scenario(folder: Path, res: float, full: bool) -> Path:
    """The sample scenario reduced to eligibility and the profile, inputs by absolute path."""
    sample_dir = REPO / "sample_layers"
    sample = yaml.safe_load((sample_dir / "scenario.yaml").read_text(encoding="utf-8"))
    layers = {role: {"path": str(sample_dir / ref["path"]), "layer": ref["layer"]}
              for role, ref in sample["layers"].items()}
    profile = {"language": "de"} if full else {"report": False, "suitability": False, "grid": None,
                                                "sources": {"wind": {}, "pv_ground": {}}}
    data = {"name": "batch benchmark", "crs": sample["crs"], "resolution_m": res, "output_dir": "out",
            "layers": layers, "area_of_interest": sample["area_of_interest"], "eligibility": sample["eligibility"],
            "rasters": {k: str(sample_dir / v) for k, v in sample["rasters"].items()}, "profile": profile}
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def differences(a: str, b: str) -> str:
    """The columns in which two overviews differ, with the largest relative difference of each."""
    import csv
    import io

    ra, rb = list(csv.DictReader(io.StringIO(a))), list(csv.DictReader(io.StringIO(b)))
    if len(ra) != len(rb) or (ra and ra[0].keys() != rb[0].keys()):
        return f"other rows or columns ({len(ra)} vs {len(rb)} rows)"
    out = {}
    for x, y in zip(ra, rb):
        for k in x:
            if x[k] != y[k]:
                try:
                    d = abs(float(x[k]) - float(y[k])) / max(abs(float(x[k])), 1e-12)
                except ValueError:
                    d = float("inf")
                out[k] = max(out.get(k, 0.0), d)
    return ", ".join(f"{k} (rel. {v:.1e})" for k, v in out.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--res", type=float, default=50.0, help="grid resolution [m]")
    parser.add_argument("--cases", default="inprocess,local:1,local:2",
                        help="comma-separated: inprocess, local:N (a LocalCluster of N workers)")
    parser.add_argument("--where", help="OGR SQL selection of the sample municipalities (default: all 8)")
    parser.add_argument("--full", action="store_true", help="the sample scenario's whole profile (all sources, grid, "
                                                            "reports)")
    args = parser.parse_args()
    wip = str(Path(sys.executable).with_name("wip"))
    rows, overviews = [], {}
    with tempfile.TemporaryDirectory(prefix="wip-batch-bench-") as tmp:
        scen = scenario(Path(tmp), args.res, args.full)
        for case in args.cases.split(","):
            out = Path(tmp) / case.replace(":", "_")
            cmd = [wip, "batch", str(scen), "--out-dir", str(out)] + (["--where", args.where] if args.where else [])
            cmd += [] if case == "inprocess" else ["--dask", case]
            m = measure(cmd, interval_s=0.2)
            if m["rc"] != 0:
                print(m["output"][-3000:], file=sys.stderr)
                return 1
            manifest = json.loads((out / "wip_batch.json").read_text(encoding="utf-8"))
            per = {x["name"]: x["seconds"] for x in manifest["municipalities"]}
            overviews[case] = (out / "batch_overview.csv").read_text(encoding="utf-8")
            rows.append({"case": case, "wall_s": round(m["wall_s"], 1), "peak_mib": round(m["peak_mib"]),
                         "municipalities": len(per), "task_s_sum": round(sum(per.values()), 1),
                         "task_s": per})
    first = next(iter(overviews.values()))
    print(f"sample region, {args.res:g} m, {'full profile' if args.full else 'eligibility + profile (2 sources)'}; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'case':<10} {'wall s':>7} {'peak MiB':>9} {'munis':>6} {'Σ task s':>9}  per municipality [s]")
    for r in rows:
        per = ", ".join(f"{k} {v:.1f}" for k, v in r["task_s"].items())
        print(f"{r['case']:<10} {r['wall_s']:>7.1f} {r['peak_mib']:>9} {r['municipalities']:>6} "
              f"{r['task_s_sum']:>9.1f}  {per}")
    print("same overview in every case:", all(o == first for o in overviews.values()))
    for case, text in overviews.items():
        if text != first:
            print(f"  {case} differs from {next(iter(overviews))}: {differences(first, text)}")
    print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
