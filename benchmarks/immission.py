#!/usr/bin/env python3
"""Benchmark of the noise and shadow-flicker check at Land size (issue 20; not a test).

A seeded synthetic Land (``--size-km`` square, default 140 km): villages of houses (points, in residential
land-use circles) and wind farms of turbines on a 5 D × 3 D lattice at least 1 km from every village, about
``--turbines`` turbines in all (default 15,000, the Land-size layout of benchmarks/wind.py has 14,822). The check
runs as ``wip immission`` in a fresh process (both quieter modes, night shutdown, no rasters): wall time and
peak memory (PSS of the process tree, the forked shadow worker included), the engine's figures and the
machine's load before and after.

Usage::

    python benchmarks/immission.py [--size-km 140] [--turbines 15000] [--houses 1000000] [--seed 3]
                                   [--data-dir benchmarks/.data] [--rasters]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import measure  # noqa: E402


def make_land(path: Path, size_km: float, n_turbines: int, n_houses: int, seed: int) -> Path:
    """Villages, houses and farms (cached by their parameters)."""
    if path.exists():
        return path
    import geopandas as gpd
    import numpy as np
    import shapely
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    x0, y0, size = 640_000.0, 5_640_000.0, size_km * 1000.0
    n_villages = max(1, n_houses // 700)
    centres = np.column_stack([x0 + rng.uniform(0, size, n_villages), y0 + rng.uniform(0, size, n_villages)])
    radius = rng.uniform(250, 600, n_villages)
    per = rng.multinomial(n_houses, np.full(n_villages, 1.0 / n_villages))
    owner = np.repeat(np.arange(n_villages), per)
    r = radius[owner] * np.sqrt(rng.random(n_houses))
    a = rng.uniform(0, 2 * np.pi, n_houses)
    houses = centres[owner] + np.column_stack([r * np.cos(a), r * np.sin(a)])
    village_tree = cKDTree(centres)
    d, rotor = 141.0, 141.0
    farm_xy = []
    while sum(len(f) for f in farm_xy) < n_turbines:
        c = np.array([x0 + rng.uniform(2000, size - 2000), y0 + rng.uniform(2000, size - 2000)])
        rows, cols = rng.integers(2, 6), rng.integers(3, 8)
        gx, gy = np.meshgrid(np.arange(cols) * 3 * d, np.arange(rows) * 5 * d)
        pts = c + np.column_stack([gx.ravel(), gy.ravel()])
        dist, idx = village_tree.query(pts)
        if np.all(dist - radius[idx] >= 1000.0):
            farm_xy.append(pts)
    xy = np.vstack(farm_xy)[:n_turbines]
    crs = "EPSG:25832"
    turbines = gpd.GeoDataFrame({"turbine_id": [f"T{k}" for k in range(len(xy))], "hub_height_m": 159.0,
                                 "rotor_diameter_m": rotor, "capacity_mw": 4.2, "energy_mwh_per_a": 11_000.0},
                                geometry=shapely.points(xy), crs=crs)
    path.parent.mkdir(parents=True, exist_ok=True)
    turbines.to_file(path, layer="turbines", driver="GPKG", engine="pyogrio")
    gpd.GeoDataFrame({"building": np.full(n_houses, "house", dtype=object)}, geometry=shapely.points(houses),
                     crs=crs).to_file(path, layer="buildings", driver="GPKG", engine="pyogrio")
    gpd.GeoDataFrame({"landuse": np.full(n_villages, "residential", dtype=object)},
                     geometry=shapely.buffer(shapely.points(centres), radius + 20), crs=crs).to_file(
        path, layer="landuse", driver="GPKG", engine="pyogrio")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-km", type=float, default=140.0)
    ap.add_argument("--turbines", type=int, default=15_000)
    ap.add_argument("--houses", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=HERE / ".data")
    ap.add_argument("--rasters", action="store_true", help="also the noise and shadow rasters")
    a = ap.parse_args()
    gpkg = make_land(a.data_dir / f"immission_{int(a.size_km)}km_{a.turbines}_{a.houses}_{a.seed}.gpkg",
                     a.size_km, a.turbines, a.houses, a.seed)
    out = a.data_dir / "immission_out"
    raster = [] if a.rasters else ["--resolution", "0", "--shadow-resolution", "0"]
    cmd = [sys.executable, "-m", "wip_qgis_plugin.cli", "immission", "--turbines", f"{gpkg}:turbines",
           "--gpkg", str(gpkg), "--mode", "SO2:2:0.95", "--mode", "SO4:4:0.87", "--out-dir", str(out), *raster]
    load_before = os.getloadavg()[0]
    m = measure(cmd)
    print(m["output"][-2500:])
    # the machine's 1-minute load before and after: timings on a shared machine are only comparable with it
    print(json.dumps({"size_km": a.size_km, "turbines": a.turbines, "houses": a.houses, "wall_s": round(m["wall_s"], 1),
                      "peak_mib": round(m["peak_mib"]), "rc": m["rc"],
                      "load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}))
    return m["rc"]


if __name__ == "__main__":
    sys.exit(main())
