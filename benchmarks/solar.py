#!/usr/bin/env python3
"""Benchmark of the solar potential engine on the Land-size synthetic region (not a test).

Ground-mounted PV (fixed south racks, optimum tilt, racks following the DEM, TRY weather of each
pixel's climate region) on the eligible land of an eligibility run at 25 m, on the 140 × 140 km
region of ``benchmarks/_region.py``; with the eligible polygons as sites and totals per
municipality. The eligibility run it needs is made first (and cached; ``--eligibility wind`` uses
the much larger wind eligible land instead of the PV corridors). Optionally rooftop PV of all the
region's buildings. Each case runs on its own in a fresh process: wall time and peak memory (PSS
of the process tree). Target of issue 4: ≤ 60 s and ≤ 2 GB on 2 cores.

Usage::

    python benchmarks/solar.py [--size-km 140] [--res 25] [--eligibility pv_ground|wind] [--rooftop | --rooftop-only]
                               [--stages] [--data-dir benchmarks/.data]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import measure  # noqa: E402
from _region import ensure_region  # noqa: E402

GROUND = r"""
import sys, json
from pathlib import Path
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.solar.ground import SolarOutputs, SolarSettings, run_solar_potential
region, elig, areas, out_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
gpkg = str(region / "revier_sample.gpkg")
outs = SolarOutputs(out_dir / "yield.tif", out_dir / "capacity_density.tif", out_dir / "energy_density.tif",
                    out_dir / "sites.gpkg", out_dir / "sites.csv", out_dir / "municipalities.csv")
res = run_solar_potential(elig, {"dem": str(region / "dem.tif")}, AreaOfInterest(LayerRef(gpkg, "municipalities"), "name"),
                          LayerRef(str(areas), "eligible_areas"), outs, SolarSettings())
print(json.dumps({"eligible_ha": round(res.eligible_ha), "capacity_mwp": round(res.capacity_mwp),
                  "energy_gwh_per_a": round(res.energy_mwh_per_a / 1000), "mean_yield": round(res.mean_yield_kwh_per_kwp, 1),
                  "bins": res.n_bins, "regions": [r.region for r in res.regions], "sites": len(res.sites)}))
"""

ROOFTOP = r"""
import sys, json, time
from pathlib import Path
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.solar.rooftop import RooftopOutputs, RooftopSettings, run_rooftop_solar
region, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
gpkg = str(region / "revier_sample.gpkg")


class Stages:
    # wall and CPU time [s] from one progress report to the next, labelled by the step that ran
    def __init__(self):
        self.rows, self.last = [], (time.perf_counter(), time.process_time(), "start")

    def report(self, fraction, message=None):
        now = (time.perf_counter(), time.process_time())
        self.rows.append([self.last[2], round(now[0] - self.last[0], 2), round(now[1] - self.last[1], 2)])
        self.last = (*now, str(message or fraction))

    def info(self, message):
        pass

    def warning(self, message):
        pass

    def is_cancelled(self):
        return False


stages = Stages()
res = run_rooftop_solar(LayerRef(gpkg, "buildings"), AreaOfInterest(LayerRef(gpkg, "municipalities"), "name"),
                        RooftopOutputs(out_dir / "rooftop.gpkg", None, out_dir / "rooftop_municipalities.csv"),
                        RooftopSettings(), stages)
print(json.dumps({"buildings": res.n_buildings, "capacity_mwp": round(res.capacity_mwp),
                  "energy_gwh_per_a": round(res.energy_mwh_per_a / 1000), "classes": res.n_classes,
                  "stages": stages.rows[1:]}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--res", type=float, default=25.0)
    ap.add_argument("--eligibility", choices=["pv_ground", "wind"], default="pv_ground",
                    help="whose eligible land to model (wind: a larger area)")
    ap.add_argument("--rooftop", action="store_true", help="also measure rooftop PV of all buildings")
    ap.add_argument("--rooftop-only", action="store_true", help="measure rooftop PV only (no eligibility, no ground PV)")
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    ap.add_argument("--stages", action="store_true",
                    help="rooftop: also print wall and CPU time of each step (from the engine's progress reports)")
    a = ap.parse_args()
    region = ensure_region(a.data_dir, a.size_km)
    tag = f"{int(a.size_km)}km_{int(a.res)}m"
    elig_dir = a.data_dir / f"out_{int(a.res)}m" if a.size_km == 140 else a.data_dir / f"out_{tag}"
    tech = a.eligibility
    catalogue = {"pv_ground": "pv_ground", "wind": "wind_sachsen_anhalt"}[tech]
    elig, areas = elig_dir / f"{tech}_eligibility.tif", elig_dir / f"{tech}_areas.gpkg"
    if (not elig.exists() or not areas.exists()) and not a.rooftop_only:
        subprocess.run([sys.executable, "-m", "wip_qgis_plugin.cli", "eligibility", "--catalogue", catalogue,
                        "--gpkg", str(region / "revier_sample.gpkg"), "--resolution", f"{a.res:g}",
                        "--out-dir", str(elig_dir), "--min-area", "1" if tech == "pv_ground" else "5"], check=True)
    out_dir = a.data_dir / f"solar_{tag}_{tech}"
    out_dir.mkdir(parents=True, exist_ok=True)
    if a.rooftop_only:
        return _rooftop(region, out_dir, a.size_km, a.stages)
    m = measure([sys.executable, "-c", GROUND, str(region), str(elig), str(areas), str(out_dir)])
    if m["rc"] != 0:
        print(m["output"])
        return 1
    info = json.loads(m["output"].strip().splitlines()[-1])
    print(json.dumps({"case": f"solar potential, fixed south, DEM terrain, {tech} eligible land, {a.size_km:g} km",
                      "res_m": a.res, "wall_s": round(m["wall_s"], 1), "peak_mib": round(m["peak_mib"]), **info}))
    if a.rooftop:
        return _rooftop(region, out_dir, a.size_km, a.stages)
    return 0


def _rooftop(region: Path, out_dir: Path, size_km: float, stages: bool = False) -> int:
    """Rooftop PV of every building of the region in a fresh process: wall, CPU, peak PSS, load (and per step)."""
    m = measure([sys.executable, "-c", ROOFTOP, str(region), str(out_dir)])
    if m["rc"] != 0:
        print(m["output"])
        return 1
    info = json.loads(m["output"].strip().splitlines()[-1])
    steps = info.pop("stages", [])
    if stages:
        for label, wall, cpu in steps:
            print(f"  {wall:7.2f} s wall {cpu:7.2f} s CPU  {label}")
    print(json.dumps({"case": f"rooftop PV, all buildings, {size_km:g} km", "wall_s": round(m["wall_s"], 1),
                      "cpu_s": round(m["cpu_s"], 1), "peak_mib": round(m["peak_mib"]),
                      "load": f"{m['load_before']:.1f}–{m['load_after']:.1f}", **info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
