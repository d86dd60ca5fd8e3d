#!/usr/bin/env python3
"""Benchmark of the land-eligibility engine on a Land-size synthetic region (not a test).

Generates (once, cached) a region of ``--size-km`` × ``--size-km`` with the sample-region
generator (~60 buildings per km², about 1.2 M at 140 km), then runs the Sachsen-Anhalt wind
preset (hard + soft criteria) at 25 m and 10 m through the ``wip`` command line, each in its own
process, and prints wall time and peak memory of the whole process tree.

With ``--peer-gpkg`` it also runs this engine on the peer harness's scenario
(../shared/peers, ``make_scenario.py``) with the same nine criteria (``peer_criteria.yaml``),
so that the figures can be set against atlite, the QGIS chain and numpy + EDT measured on the
same input in the same session; ``--peer-results`` reads their result JSON files and prints
the ratios.

Usage::

    python benchmarks/eligibility.py [--size-km 140] [--res 25 10] [--data-dir benchmarks/.data]
    python benchmarks/eligibility.py --skip-own --peer-gpkg /tmp/peerdata/s140.gpkg \
        --peer-results /tmp/peerdata/results
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _measure import measure  # noqa: E402
from _region import ensure_region  # noqa: E402


def run_case(gpkg: Path, catalogue: str, res: float, out_dir: Path, extra: list[str]) -> dict:
    """One eligibility run through the CLI in a fresh process."""
    cmd = [sys.executable, "-m", "wip_qgis_plugin.cli", "eligibility", "--catalogue", catalogue,
           "--gpkg", str(gpkg), "--resolution", f"{res:g}", "--out-dir", str(out_dir), *extra]
    m = measure(cmd)
    if m["rc"] != 0:
        print(m["output"])
        raise SystemExit(f"run failed: {' '.join(cmd)}")
    total = [line for line in m["output"].splitlines() if line.strip().startswith("TOTAL")]
    m["total_line"] = total[-1].strip() if total else ""
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--res", type=float, nargs="+", default=[25.0, 10.0])
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    ap.add_argument("--skip-own", action="store_true", help="skip the run on the generated region")
    ap.add_argument("--peer-gpkg", type=Path, help="peer harness scenario GeoPackage (s140.gpkg)")
    ap.add_argument("--peer-results", type=Path, help="peer harness results folder (*.json, *.time)")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    a = ap.parse_args()
    rows = []
    if not a.skip_own:
        gpkg = ensure_region(a.data_dir, a.size_km) / "revier_sample.gpkg"
        for res in a.res:
            m = run_case(gpkg, "wind_sachsen_anhalt", res, a.data_dir / f"out_{int(res)}m", ["--names", ""])
            rows.append({"case": f"own region {a.size_km:g} km, wind_sachsen_anhalt hard+soft", "res_m": res,
                         "wall_s": round(m["wall_s"], 1), "cpu_s": round(m["cpu_s"], 1),
                         "peak_mib": round(m["peak_mib"]),
                         "load": f"{m['load_before']:.1f}–{m['load_after']:.1f}", "total": m["total_line"]})
            print(rows[-1])
    if a.peer_gpkg:
        for res in a.res:
            m = run_case(a.peer_gpkg, str(HERE / "peer_criteria.yaml"), res, a.data_dir / f"peer_out_{int(res)}m",
                         ["--layer", f"municipalities={a.peer_gpkg}:region", "--name-field", "",
                          "--layer", f"waterways={a.peer_gpkg}:rivers"])
            rows.append({"case": "peer scenario, 9 criteria", "res_m": res, "wall_s": round(m["wall_s"], 1),
                         "cpu_s": round(m["cpu_s"], 1), "peak_mib": round(m["peak_mib"]),
                         "load": f"{m['load_before']:.1f}–{m['load_after']:.1f}", "total": m["total_line"]})
            print(rows[-1])
    if a.peer_results and a.peer_results.exists():
        print("\npeer results (same input):")
        for js in sorted(a.peer_results.glob("s140_*_r1.json")):
            d = json.loads(js.read_text())
            t = js.with_suffix(".time")
            wall = peak = None
            cpu = 0.0
            if t.exists():
                for line in t.read_text().splitlines():
                    if "Elapsed (wall clock)" in line:
                        parts = line.rsplit(" ", 1)[1].split(":")
                        wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
                    if "Maximum resident" in line:
                        peak = int(line.rsplit(" ", 1)[1]) / 1024
                    if "User time" in line or "System time" in line:
                        cpu += float(line.rsplit(" ", 1)[1])
            print(f"  {js.stem:<32} wall {wall or 0:7.1f} s  cpu {cpu:7.1f} s  peak RSS {peak or 0:7.0f} MiB  "
                  f"eligible {d.get('eligible_km2', d.get('eligible_fraction'))}")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
