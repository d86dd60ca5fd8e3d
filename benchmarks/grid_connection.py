#!/usr/bin/env python3
"""Benchmark of the grid connection engine on the Land-size synthetic region (not a test).

5,000 candidate sites (seeded: 70 % medium voltage 1–20 MW, 25 % 110 kV 20–120 MW, 5 % above
120 MW) are routed along the road network of the 140 × 140 km region of ``benchmarks/_region.py``
to the region's substations, priced with the ``grid_connection`` preset and allocated by minimum-cost
flow (plus the greedy baseline and the marginal costs); the outputs are written. The run is measured
in a fresh process: wall time and peak memory (PSS of the process tree), with the time of each step.

Usage::

    python benchmarks/grid_connection.py [--size-km 140] [--sites 5000] [--seed 7] [--data-dir benchmarks/.data]
                                         [--free-capacity-factor 1]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import measure  # noqa: E402
from _region import ensure_region  # noqa: E402

SCRIPT = r"""
import json, sys, time
from pathlib import Path
from wip_qgis_plugin.core.grid.connection import ConnectionOutputs, run_grid_connection
from wip_qgis_plugin.core.grid.settings import ConnectionSettings
from wip_qgis_plugin.core.data.layers import LayerRef

class Clock:
    def __init__(self):
        self.t0 = self.last = time.perf_counter()
        self.steps, self.name = {}, "start"
    def report(self, fraction, message=None):
        if message:
            now = time.perf_counter()
            self.steps[self.name] = round(now - self.last, 2)
            self.name, self.last = message, now
    def info(self, message): pass
    def warning(self, message): pass
    def is_cancelled(self): return False

gpkg, sites, out, subs = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]
clock = Clock()
res = run_grid_connection(LayerRef(sites, "sites"), LayerRef(subs, "substations"), LayerRef(gpkg, "roads"),
                          settings=ConnectionSettings(), progress=clock,
                          outputs=ConnectionOutputs(connections=out / "grid.gpkg", sites=out / "grid.gpkg",
                                                    substations=out / "grid.gpkg", site_table=out / "sites.csv"))
clock.report(1.0, "end")
s = res.summary()
print(json.dumps({"steps_s": clock.steps, "sites": s["sites"], "substations": len(res.substations),
                  "pairs": int(len(res.allocation.problem.pair_site)), "connections": len(res.connections),
                  "capacity_mw": round(s["capacity_mw"]), "connected_mw": round(s["connected_mw"]),
                  "cost_meur": round(s["cost_eur"] / 1e6, 1),
                  "greedy_connected_mw": round(s["baseline"]["connected_mw"]),
                  "greedy_cost_meur": round(s["baseline"]["cost_eur"] / 1e6, 1), "status": s["status"]}))
"""


def make_sites(path: Path, region_gpkg: Path, n: int, seed: int) -> Path:
    """Seeded candidate sites inside the region (cached)."""
    if path.exists():
        return path
    import geopandas as gpd
    import numpy as np
    import pyogrio
    import shapely

    info = pyogrio.read_info(str(region_gpkg), layer="municipalities")
    x0, y0, x1, y1 = info["total_bounds"]
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, n, p=[0.70, 0.25, 0.05])
    cap = np.where(kind == 0, rng.uniform(1, 20, n), np.where(kind == 1, rng.uniform(20, 120, n),
                                                                rng.uniform(120, 300, n)))
    xy = np.column_stack([rng.uniform(x0 + 2000, x1 - 2000, n), rng.uniform(y0 + 2000, y1 - 2000, n)])
    pts = shapely.points(xy)
    geoms = np.where(rng.random(n) < 0.5, pts, shapely.buffer(pts, np.sqrt(cap * 15_000 / np.pi)))  # ~1.5 ha/MW
    frame = gpd.GeoDataFrame({"site": [f"S{k:05d}" for k in range(n)], "capacity_mw": np.round(cap, 1)},
                             geometry=list(geoms), crs=info["crs"])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    return path


def scaled_substations(path: Path, region_gpkg: Path, factor: float) -> Path:
    """The region's substations with their free capacity multiplied by ``factor`` (cached)."""
    if path.exists():
        return path
    import geopandas as gpd

    subs = gpd.read_file(region_gpkg, layer="substations")
    subs["free_capacity_mw"] = subs["free_capacity_mw"] * factor
    subs.to_file(path, layer="substations", driver="GPKG", engine="pyogrio")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--sites", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    ap.add_argument("--free-capacity-factor", type=float, default=1.0,
                    help="scale the substations' free capacity (e.g. 100: every site connects, every route is drawn)")
    a = ap.parse_args()
    region = ensure_region(a.data_dir, a.size_km)
    gpkg = region / "revier_sample.gpkg"
    sites = make_sites(a.data_dir / f"grid_sites_{int(a.size_km)}km_{a.sites}_{a.seed}.gpkg", gpkg, a.sites, a.seed)
    subs = gpkg
    if a.free_capacity_factor != 1.0:
        subs = scaled_substations(a.data_dir / f"grid_subs_{int(a.size_km)}km_x{a.free_capacity_factor:g}.gpkg",
                                  gpkg, a.free_capacity_factor)
    out = a.data_dir / f"grid_out_{int(a.size_km)}km"
    out.mkdir(parents=True, exist_ok=True)
    m = measure([sys.executable, "-c", SCRIPT, str(gpkg), str(sites), str(out), str(subs)])
    if m["rc"] != 0:
        print(m["output"])
        return 1
    info = json.loads(m["output"].strip().splitlines()[-1])
    print(json.dumps({"case": f"grid connection, {a.sites} sites, roads of {a.size_km:g} km region, "
                              f"free capacity × {a.free_capacity_factor:g}",
                      "wall_s": round(m["wall_s"], 1), "peak_mib": round(m["peak_mib"]), **info}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
