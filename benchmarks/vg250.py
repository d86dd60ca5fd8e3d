#!/usr/bin/env python3
"""Benchmark: every VG250 municipality of Sachsen, Sachsen-Anhalt and Thüringen as the area of interest (not a test).

Reads /work/shared/realdata/vg250ew_gemeinden (in place) and runs ``wip eligibility`` in a fresh process per case
with a one-criterion catalogue (a 2 km × 2 km lake in Halle) at ``--res`` metres, printing wall time, peak
memory of the process tree and the number of areas:

- the Mitteldeutsches Revier (177 municipalities);
- the three Länder keyed by name (VG250 repeats 14 names: their features are dissolved into one area each);
- the three Länder keyed by AGS (``--name-field ags``: 1,260 areas);
- the three Länder with ``--invalid-geometries error`` (refused, naming Nottertal-Heilinger Höhen, 16064077).

Usage::

    python benchmarks/vg250.py [--res 100] [--data /work/shared/realdata/vg250ew_gemeinden]
"""
from __future__ import annotations

import argparse
import csv
import shlex
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import measure  # noqa: E402

CATALOGUE = {"schema": "wip-catalogue/1", "id": "one_lake", "version": "1", "technology": "wind",
             "title": {"de": "See", "en": "Lake"},
             "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "benchmark catalogue"},
             "criteria": [{"id": "lake", "label": {"de": "See", "en": "Lake"}, "kind": "hard", "layer": "water",
                           "filter": {"natural": ["water"]}, "buffer": "0 m", "source": "benchmark catalogue",
                           "valid_from": "2020-01-01"}]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--res", type=float, default=100.0, help="grid resolution [m]")
    ap.add_argument("--data", type=Path, default=Path("/work/shared/realdata/vg250ew_gemeinden"))
    args = ap.parse_args()
    revier, laender = args.data / "gemeinden_mitteldeutsches_revier.gpkg", args.data / "gemeinden_sn_st_th.gpkg"
    if not laender.exists():
        print(f"no VG250 data in {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wip-vg250-") as tmp:
        root = Path(tmp)
        water = root / "lake.gpkg"
        gpd.GeoDataFrame({"natural": ["water"]}, geometry=[shapely.box(704_700, 5_705_700, 706_700, 5_707_700)],
                         crs="EPSG:25832").to_file(water, layer="water", driver="GPKG")
        (root / "one_lake.yaml").write_text(yaml.safe_dump(CATALOGUE), encoding="utf-8")
        cases = [("Revier (177)", revier, []), ("3 Länder by name", laender, ["--invalid-geometries", "repair"]),
                 ("3 Länder by AGS", laender, ["--invalid-geometries", "repair", "--name-field", "ags"]),
                 ("3 Länder, error mode", laender, ["--invalid-geometries", "error"])]
        print(f"{'case':<24} {'wall s':>7} {'peak MiB':>9} {'rc':>3} {'areas':>6}  note")
        for k, (label, gpkg, extra) in enumerate(cases):
            out = root / f"out{k}"
            cmd = [sys.executable, "-m", "wip_qgis_plugin.cli", "eligibility", "--catalogue",
                   str(root / "one_lake.yaml"), "--layer", f"municipalities={gpkg}:gemeinden", "--layer",
                   f"water={water}:water", "--resolution", f"{args.res:g}", "--kinds", "hard", "--min-area", "0",
                   "--prefix", "vg", "--out-dir", str(out), *extra]
            log = out.with_suffix(".log")  # the table of 1,260 rows would fill measure()'s pipe: a file instead
            m = measure(["sh", "-c", " ".join(shlex.quote(c) for c in cmd) + f" > {shlex.quote(str(log))} 2>&1"])
            m["output"] = log.read_text(encoding="utf-8") if log.exists() else ""
            table = out / "vg_table.csv"
            areas = sum(1 for _ in csv.DictReader(table.open(encoding="utf-8"))) - 1 if table.exists() else 0  # TOTAL
            note = next((line.strip() for line in m["output"].splitlines()
                         if "invalid" in line.lower() or "error" in line.lower()), "")
            total = next((line.split()[1:3] for line in m["output"].splitlines() if line.strip().startswith("TOTAL")),
                         None)
            note = (f"total/eligible ha {total}; " if total else "") + note
            print(f"{label:<24} {m['wall_s']:>7.1f} {m['peak_mib']:>9.0f} {m['rc']:>3} {areas:>6}  {note[:220]}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
