#!/usr/bin/env python3
"""Benchmark of the suitability engine on the Land-size synthetic region (not a test).

Six soft criteria (``suitability_6criteria.yaml``: wind speed, settlement distance, substation
distance, road access, slope, distance to high-voltage lines) and 100 sensitivity runs on the
eligible land of the Sachsen-Anhalt wind preset, at 25 m, on the 140 × 140 km region of
``benchmarks/_region.py``. The eligibility run it needs is made first (and cached); the
suitability run is measured on its own, in a fresh process: wall time and peak memory (PSS of
the process tree).

Usage::

    python benchmarks/suitability.py [--size-km 140] [--res 25] [--runs 100] [--data-dir benchmarks/.data]
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

SCRIPT = r"""
import sys, json
from pathlib import Path
from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.suitability.engine import (SensitivitySettings, SuitabilityOutputs, SuitabilitySettings,
                                              run_suitability)
region, elig_dir, out_dir, runs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
gpkg = str(region / "revier_sample.gpkg")
cat = load_catalogue(sys.argv[5])
layers = {r: LayerRef(gpkg, r) for r in ("landuse", "substations", "roads", "power_lines")}
rasters = {"wind_speed_150m": region / "wind_speed_150m.tif", "dem": region / "dem.tif"}
outs = SuitabilityOutputs(out_dir / "suitability.tif", out_dir / "sites.gpkg", out_dir / "sites.csv",
                          out_dir / "stability.tif")
res = run_suitability(cat, layers, rasters, None, elig_dir / "wind_eligibility.tif", outs,
                      SuitabilitySettings(sensitivity=SensitivitySettings(runs=runs)),
                      eligible_areas=LayerRef(str(elig_dir / "wind_areas.gpkg"), "eligible_areas"))
print(json.dumps({"scored_ha": res.scored_ha, "mean_score": res.mean_score, "sites": len(res.sites)}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--res", type=float, default=25.0)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    a = ap.parse_args()
    region = ensure_region(a.data_dir, a.size_km)
    elig_dir = a.data_dir / f"out_{int(a.res)}m"
    if not (elig_dir / "wind_eligibility.tif").exists() or not (elig_dir / "wind_areas.gpkg").exists():
        subprocess.run([sys.executable, "-m", "wip_qgis_plugin.cli", "eligibility", "--catalogue",
                        "wind_sachsen_anhalt", "--gpkg", str(region / "revier_sample.gpkg"), "--resolution",
                        f"{a.res:g}", "--out-dir", str(elig_dir), "--min-area", "5"], check=True)
    out_dir = a.data_dir / f"suit_{int(a.res)}m"
    out_dir.mkdir(parents=True, exist_ok=True)
    m = measure([sys.executable, "-c", SCRIPT, str(region), str(elig_dir), str(out_dir), str(a.runs),
                 str(HERE / "suitability_6criteria.yaml")])
    if m["rc"] != 0:
        print(m["output"])
        return 1
    info = json.loads(m["output"].strip().splitlines()[-1])
    print(json.dumps({"case": f"suitability, 6 soft criteria, {a.runs} sensitivity runs, {a.size_km:g} km",
                      "res_m": a.res, "wall_s": round(m["wall_s"], 1), "peak_mib": round(m["peak_mib"]), **info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
