#!/usr/bin/env python3
"""Benchmark of `wip prepare` (not a test): a window read from the GeoPackage vs the prepared FlatGeobuf.

A batch reads each input once per municipality with the municipality's bounding box. This measures that read on
the Land-size synthetic region of the peer harness (``../shared/peers/make_scenario.py --size-km 140``: 1.17 M
buildings, EPSG:25832), generated into a temporary folder (or ``--gpkg`` an existing one; never committed):

* the time `wip prepare` takes to convert the buildings once (reprojection is a no-op here: same CRS);
* reading the buildings of a 10 × 10 km window, with the engine's reader (``read_layer``: pyogrio with
  ``bbox=``), from the GeoPackage (its R-tree) and from the prepared FlatGeobuf (its packed Hilbert R-tree),
  each ``--repeat`` times in a fresh process per format (a warm page cache after the first), plus the
  whole-layer read for scale;
* the bare ``pyogrio.read_dataframe(bbox=…)``, without the engine's checks (the engine's first read of a layer
  in a process also counts the features without geometry over the whole layer, from every feature's bounds);
* the same window read through ``/vsicurl/`` from a loopback HTTP server (``--http``), where only the index and
  the features in the box are fetched.

Wall times are reported, not asserted (2 shared cores: an upper bound).

Usage::

    python benchmarks/prepare.py [--gpkg /tmp/land.gpkg] [--window-km 10] [--repeat 3] [--http]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = REPO.parent / "shared" / "peers"

READ = r"""
import json, sys, time
t0 = time.perf_counter()
from pyproj import CRS
import pyogrio
from wip_qgis_plugin.core.data.layers import LayerRef, read_layer
path, layer, box, repeat, raw = sys.argv[1], sys.argv[2] or None, json.loads(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
t_import = time.perf_counter() - t0
times, n = [], 0
for _ in range(repeat):
    t = time.perf_counter()
    if raw == "pyogrio":
        n = len(pyogrio.read_dataframe(path, layer=layer, bbox=tuple(box) if box else None))
    else:
        n = len(read_layer(LayerRef(path, layer), "buildings", CRS.from_epsg(25832), bbox=tuple(box) if box else None))
    times.append(time.perf_counter() - t)
print(json.dumps({"features": n, "seconds": times, "import_s": t_import}))
"""


def read_times(path: str, layer: str | None, box, repeat: int, how: str = "engine") -> dict:
    """A read of ``path`` in a fresh process (``engine``: ``read_layer``; ``pyogrio``: the bare read)."""
    out = subprocess.run([sys.executable, "-c", READ, path, layer or "", json.dumps(box), str(repeat), how],
                         capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpkg", help="the synthetic region (default: generated into a temporary folder)")
    ap.add_argument("--size-km", type=float, default=140.0, help="side of the generated region [km]")
    ap.add_argument("--window-km", type=float, default=10.0, help="side of the window read [km]")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--http", action="store_true", help="also read through /vsicurl/ from a loopback server")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wip_prepare_bench_"))
    gpkg = Path(args.gpkg) if args.gpkg else tmp / "land.gpkg"
    if not gpkg.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, str(PEERS / "make_scenario.py"), "--size-km", str(args.size_km),
                        "--out", str(gpkg)], check=True, stdout=subprocess.DEVNULL)
        print(f"generated {gpkg} in {time.perf_counter() - t:.1f} s")
    import pyogrio

    info = pyogrio.read_info(str(gpkg), layer="buildings")
    xmin, ymin, xmax, ymax = info["total_bounds"]
    cx, cy, half = (xmin + xmax) / 2, (ymin + ymax) / 2, args.window_km * 500.0
    box = [cx - half, cy - half, cx + half, cy + half]
    print(f"{gpkg}: {info['features']:,} buildings, {os.path.getsize(gpkg) / 2**20:,.0f} MiB; window "
          f"{args.window_km:g} × {args.window_km:g} km at the centre")
    prepared = tmp / "prepared"
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("wip")), "prepare", f"{gpkg}:buildings", "--out-dir",
                    str(prepared)], check=True, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    prepare_s = time.perf_counter() - t
    fgb = next(prepared.glob("*.fgb"))
    print(f"wip prepare (buildings → FlatGeobuf with spatial index): {prepare_s:.1f} s, "
          f"{fgb.stat().st_size / 2**20:,.0f} MiB")
    rows = []
    for label, path, layer in (("GeoPackage", str(gpkg), "buildings"), ("FlatGeobuf", str(fgb), None)):
        window = read_times(path, layer, box, args.repeat)
        whole = read_times(path, layer, None, 1)
        rows.append((label, window, whole))
        rows.append((f"{label}, bare pyogrio bbox read", read_times(path, layer, box, args.repeat, "pyogrio"), None))
    if args.http:
        sys.path.insert(0, str(REPO / "tests" / "core"))
        from range_server import serve_folder

        with serve_folder(str(gpkg.parent)) as url_g, serve_folder(str(prepared)) as url_f:
            for label, path, layer in (("GeoPackage /vsicurl/", f"/vsicurl/{url_g}/{gpkg.name}", "buildings"),
                                       ("FlatGeobuf /vsicurl/", f"/vsicurl/{url_f}/{fgb.name}", None)):
                rows.append((label, read_times(path, layer, box, args.repeat), None))
    print(f"\n| input | features in window | window read [s] ({args.repeat} reads) | whole layer [s] |")
    print("|---|---|---|---|")
    for label, window, whole in rows:
        times = " / ".join(f"{s:.2f}" for s in window["seconds"])
        total = "" if whole is None else f"{whole['seconds'][0]:.1f} ({whole['features']:,})"
        print(f"| {label} | {window['features']:,} | {times} | {total} |")
    print(f"\n(temporary files in {tmp}; delete them when done)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
