#!/usr/bin/env python3
"""Benchmark of the full municipal energy profile on the sample region (not a test).

The whole chain from scratch, each case in a fresh process and a fresh output folder (nothing
reused): eligibility and suitability for wind and ground PV, the turbine layout, ground PV, agri-PV
and rooftop PV through their engines, grid connection, demand, hourly balance, indicators and the
HTML reports. Cases: one municipality, and all municipalities of the sample region. Reports wall
time and peak memory (PSS of the process tree); target ≤ 30 s for one municipality on 2 cores.

Usage::

    python benchmarks/profile.py [--res 10] [--one Zörbig] [--cases one,all] [--no-report]
    python benchmarks/profile.py --res 100 --cases one        # smoke run
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _measure import measure  # noqa: E402

SCRIPT = r"""
import sys, json, time
from pathlib import Path
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import GENERATION_SOURCES, ProfilePlan, SourceSpec, TechnologyStep

class Steps:
    def __init__(self):
        self.t0, self.last, self.steps = time.perf_counter(), None, {}
    def report(self, fraction, message=None):
        if message and message != self.last:
            now = time.perf_counter()
            if self.last is not None:
                self.steps[self.last] = self.steps.get(self.last, 0.0) + now - self.t0
            self.t0, self.last = now, message
    def info(self, m): pass
    def warning(self, m): print("warning:", m, file=sys.stderr)
    def is_cancelled(self): return False

sample, out, res = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
names, report = sys.argv[4], sys.argv[5] == "1"
gpkg = str(sample / "revier_sample.gpkg")
roles = ("landuse", "buildings", "roads", "railways", "power_lines", "substations", "water", "waterways",
         "protected_areas", "airfields", "wind_turbines", "pv_parks")
plan = ProfilePlan(
    layers={r: LayerRef(gpkg, r) for r in roles},
    aoi=AreaOfInterest(LayerRef(gpkg, "municipalities"), "name", tuple(n for n in names.split(",") if n)),
    output_dir=out, reuse=False, resolution_m=res, report=report,
    technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, min_area_ha=5),
                  TechnologyStep("pv_ground", {"source": "pv_ground"})),
    sources=tuple(SourceSpec(k) for k in GENERATION_SOURCES),
    rasters={k: str(sample / f"{k}.tif") for k in ("dem", "wind_speed_100m", "wind_speed_150m", "soil_quality")})
steps = Steps()
result = run_profile(plan, steps)
steps.report(1.0, "end")
print(json.dumps({"municipalities": len(result.municipalities), "seconds_engine": result.seconds,
                  "sources": {k: s.status for k, s in result.sources.items()},
                  "steps_s": {k: round(v, 2) for k, v in steps.steps.items()}}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--res", type=float, default=10.0, help="grid resolution [m]")
    parser.add_argument("--one", default="Zörbig", help="the municipality of the 'one' case")
    parser.add_argument("--cases", default="one,all", help="comma-separated: one, all")
    parser.add_argument("--sample-dir", default=str(REPO / "sample_layers"))
    parser.add_argument("--no-report", action="store_true", help="leave the HTML reports out")
    args = parser.parse_args()
    rows = []
    for case in args.cases.split(","):
        names = args.one if case == "one" else ""
        with tempfile.TemporaryDirectory(prefix=f"wip_profile_{case}_") as out:
            m = measure([sys.executable, "-c", SCRIPT, args.sample_dir, out, str(args.res), names,
                         "0" if args.no_report else "1"])
        if m["rc"] != 0:
            print(m["output"][-3000:])
            return m["rc"]
        last = json.loads(m["output"].strip().splitlines()[-1])
        rows.append((case, m["wall_s"], m["peak_mib"], last))
        print(f"{case:>4}: {last['municipalities']} municipalities at {args.res:g} m: {m['wall_s']:.1f} s wall, "
              f"{m['peak_mib']:.0f} MiB peak (PSS); sources {last['sources']}")
        for step, seconds in sorted(last["steps_s"].items(), key=lambda kv: -kv[1])[:8]:
            print(f"        {seconds:7.2f} s  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
