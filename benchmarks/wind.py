#!/usr/bin/env python3
"""Benchmark of the wind yield raster and the turbine layout on the Land-size synthetic region (not a test).

1. AEP raster: E-141/4200 at 159 m hub, wind from the 100 m and 150 m rasters (shear per pixel),
   air density from the DEM and the TRY region, Weibull k = 2: energy [MWh/a], full-load hours
   [h/a] and hub wind [m/s] for the whole region at ``--res`` (140 km at 25 m ≈ 31 M pixels).
2. Layout: turbines in every eligible area of the Sachsen-Anhalt wind preset (the eligibility run
   is made first and cached, as in benchmarks/suitability.py), rotor-in, 5 D × 3 D, Jensen wakes.

Each is measured on its own in a fresh process: wall time and peak memory (PSS of the process tree).

Usage::

    python benchmarks/wind.py [--size-km 140] [--res 25] [--data-dir benchmarks/.data] [--skip-layout]
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

YIELD = r"""
import sys, json
from pathlib import Path
from wip_qgis_plugin.core.defaults import DEFAULT_TURBINE
from wip_qgis_plugin.core.wind.energy import WindYieldOutputs, WindYieldSettings, run_wind_yield
region, out, res = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
r = run_wind_yield(DEFAULT_TURBINE, None, {"wind_speed_100m": region / "wind_speed_100m.tif",
                   "wind_speed_150m": region / "wind_speed_150m.tif", "dem": region / "dem.tif"}, {},
                   WindYieldOutputs(out / "energy.tif", out / "flh.tif", out / "speed.tif"),
                   WindYieldSettings(resolution_m=res, hub_height_m=159.0))
print(json.dumps({"pixels": r.grid.width * r.grid.height, "mean_flh": round(r.mean_full_load_hours),
                  "mean_speed": round(r.mean_wind_speed_m_s, 2)}))
"""

LAYOUT = r"""
import sys, json
from pathlib import Path
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.defaults import DEFAULT_TURBINE
from wip_qgis_plugin.core.wind.layout import LayoutOutputs, LayoutSettings, run_turbine_layout
region, areas, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
r = run_turbine_layout(DEFAULT_TURBINE, LayerRef(str(areas), "eligible_areas"),
                       {"wind_speed_100m": region / "wind_speed_100m.tif",
                        "wind_speed_150m": region / "wind_speed_150m.tif", "dem": region / "dem.tif"},
                       {"buildings": LayerRef(str(region / "revier_sample.gpkg"), "buildings")},
                       LayoutOutputs(out / "turbines.gpkg", out / "sites.csv", out / "municipalities.csv"),
                       LayoutSettings(hub_height_m=159.0, rotor_in=True))
print(json.dumps({"turbines": r.n_turbines, "capacity_mw": round(r.capacity_mw), "flh": round(r.full_load_hours),
                  "wake_loss_pct": round(r.wake_loss_pct, 1)}))
"""


def _run(case: str, cmd: list[str], **info) -> int:
    m = measure(cmd)
    if m["rc"] != 0:
        print(m["output"])
        return 1
    result = json.loads(m["output"].strip().splitlines()[-1])
    print(json.dumps({"case": case, **info, "wall_s": round(m["wall_s"], 1), "peak_mib": round(m["peak_mib"]),
                      **result}))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--res", type=float, default=25.0)
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    ap.add_argument("--skip-layout", action="store_true")
    a = ap.parse_args()
    region = ensure_region(a.data_dir, a.size_km)
    out = a.data_dir / f"wind_{int(a.size_km)}km_{int(a.res)}m"
    out.mkdir(parents=True, exist_ok=True)
    rc = _run(f"wind yield raster, E-141/4200, {a.size_km:g} km", [sys.executable, "-c", YIELD, str(region), str(out),
                                                                    str(a.res)], res_m=a.res)
    if rc or a.skip_layout:
        return rc
    # the 140 km eligibility of benchmarks/suitability.py is reused; other sizes get their own folder
    name = f"out_{int(a.res)}m" if a.size_km == 140 else f"out_{int(a.size_km)}km_{int(a.res)}m"
    elig_dir = a.data_dir / name
    if not (elig_dir / "wind_areas.gpkg").exists():
        subprocess.run([sys.executable, "-m", "wip_qgis_plugin.cli", "eligibility", "--catalogue",
                        "wind_sachsen_anhalt", "--gpkg", str(region / "revier_sample.gpkg"), "--resolution",
                        f"{a.res:g}", "--out-dir", str(elig_dir), "--min-area", "5"], check=True)
    return _run(f"turbine layout in all eligible areas, rotor-in, {a.size_km:g} km", [
        sys.executable, "-c", LAYOUT, str(region), str(elig_dir / "wind_areas.gpkg"), str(out)])


if __name__ == "__main__":
    sys.exit(main())
