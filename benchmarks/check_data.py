#!/usr/bin/env python3
"""Benchmark of the data check (`wip check-data`) on the Land-size synthetic region (not a test).

Generates (once, cached, see ``_region.py``) the region of ``--size-km`` × ``--size-km`` (about 1.2 M
buildings, 46,000 land-use polygons, 392 municipalities at 140 km), then runs ``wip check-data`` with
the Sachsen-Anhalt wind preset (hard + soft criteria, every municipality) in its own process and
prints wall time and peak memory of the process tree; and, in this process, the time of the cheap
check every eligibility run makes at its start (``quick_check``: attributes and bounds only).
Target: the full check ≤ 10 s.

Usage::

    python benchmarks/check_data.py [--size-km 140] [--data-dir benchmarks/.data]
    /usr/bin/time -v python -m wip_qgis_plugin.cli check-data --catalogue wind_sachsen_anhalt \
        --gpkg benchmarks/.data/land_140km/revier_sample.gpkg --out-dir /tmp/check
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from _measure import measure  # noqa: E402
from _region import ensure_region  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    a = ap.parse_args()
    gpkg = ensure_region(a.data_dir, a.size_km) / "revier_sample.gpkg"
    out = a.data_dir / "check_out"
    cmd = [sys.executable, "-m", "wip_qgis_plugin.cli", "check-data", "--catalogue", "wind_sachsen_anhalt",
           "--gpkg", str(gpkg), "--out-dir", str(out)]
    m = measure(cmd)
    if m["rc"] != 0:
        print(m["output"])
        raise SystemExit(f"run failed: {' '.join(cmd)}")
    lines = m["output"].splitlines()
    rows = [{"case": f"wip check-data, region {a.size_km:g} km, wind_sachsen_anhalt hard+soft",
             "wall_s": round(m["wall_s"], 1), "peak_mib": round(m["peak_mib"]),
             "warnings": next((x.strip() for x in lines if x.startswith(("Warnings", "No warnings"))), "")}]
    print(rows[-1])

    from wip_qgis_plugin.core.catalogue.loader import load_catalogue
    from wip_qgis_plugin.core.data.layers import LayerRef
    from wip_qgis_plugin.core.eligibility.check import quick_check
    from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilitySettings

    cat = load_catalogue("wind_sachsen_anhalt")
    layers = {r: LayerRef(str(gpkg), r) for r in cat.roles_needed()}
    t0 = time.perf_counter()
    quick_check(cat, layers, AreaOfInterest(LayerRef(str(gpkg), "municipalities")), EligibilitySettings())
    rows.append({"case": "quick_check at the start of an eligibility run (in process)",
                 "wall_s": round(time.perf_counter() - t0, 1)})
    print(rows[-1])
    if a.json:
        a.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
