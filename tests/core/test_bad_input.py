"""Bad input and faults (issue 16): every case refuses with exit code 2 and a message naming the culprit and the fix,
or runs and says what it did; never a traceback, never a changed input, never a stray file in the output folder.

Each case builds its broken input from a small clean region (two municipalities, 4 × 3 km each, a village, houses, a
road, a lake) and runs ``wip`` in this process through :func:`wip_qgis_plugin.cli.main` (what the console script
runs). ``check`` then asserts the exit code, the fragments of the message, no ``Traceback`` on stderr, the inputs'
hashes unchanged and the output folder free of temporary files.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import shapely
import yaml
from conftest import X0, Y0, frame
from test_eligibility import BASE as ELIGIBILITY_BASE

from wip_qgis_plugin.cli import main

BASE = {**ELIGIBILITY_BASE, "id": "bad_input"}
CRITERIA = [
    {"id": "village", "kind": "hard", "layer": "landuse", "filter": {"landuse": ["residential"]}, "buffer": "500 m"},
    {"id": "houses", "kind": "soft", "layer": "buildings", "filter": {"building": ["house"]}, "buffer": "2 H"},
    {"id": "motorway", "kind": "hard", "layer": "roads", "filter": {"highway": ["motorway"]}, "buffer": "100 m"},
    {"id": "lake", "kind": "hard", "layer": "water", "filter": {}, "buffer": "65 m"},
]


def catalogue(criteria: list[dict] | None = None, **top) -> dict:
    full = [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "valid_from": "2020-01-01", **c}
            for c in (criteria or CRITERIA)]
    return {**BASE, **top, "criteria": full}


def region_frames() -> dict:
    west = shapely.box(X0, Y0, X0 + 4000, Y0 + 3000)
    east = shapely.box(X0 + 4000, Y0, X0 + 8000, Y0 + 3000)
    houses = [shapely.box(X0 + x - 6, Y0 + y - 5, X0 + x + 6, Y0 + y + 5)
              for x, y in ((500, 500), (3000, 2500), (6000, 600), (7500, 2800))]
    return {
        "municipalities": frame([west, east], name=["Westdorf", "Ostheim"], ags=["15082001", "15082002"]),
        "landuse": frame([shapely.Point(X0 + 2000, Y0 + 1500).buffer(300)], landuse=["residential"]),
        "buildings": frame(houses, building=["house", "house", "barn", "house"]),
        "roads": frame([shapely.LineString([(X0 - 500, Y0 + 2200), (X0 + 8600, Y0 + 2000)])], highway=["motorway"]),
        "water": frame([shapely.Point(X0 + 7000, Y0 + 700).buffer(250)], natural=["water"]),
    }


@dataclass
class Case:
    """A broken input: ``make(folder)`` writes it and returns the ``wip`` arguments (``{out}`` is the output folder)."""

    id: str
    make: Callable[[Path], list[str]]
    code: int
    fragments: tuple[str, ...] = ()
    stdout: tuple[str, ...] = ()
    inputs: list[str] = field(default_factory=list)


def write_region(folder: Path, frames: dict | None = None, name: str = "region.gpkg") -> Path:
    path = folder / name
    for layer, f in (frames or region_frames()).items():
        f.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path


def write_catalogue(folder: Path, data: dict | None = None, text: str | bytes | None = None) -> Path:
    path = folder / "cat.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text if text is not None else yaml.safe_dump(data or catalogue(), allow_unicode=True),
                        encoding="utf-8")
    return path


def eligibility(folder: Path, gpkg: Path | None = None, cat: Path | None = None, *extra: str) -> list[str]:
    gpkg = gpkg or write_region(folder)
    cat = cat or write_catalogue(folder)
    return ["eligibility", "--catalogue", str(cat), "--gpkg", str(gpkg), "--resolution", "50", "--workers", "1",
            "--min-area", "0", "--out-dir", "{out}", *extra]


def digest(paths: list[Path]) -> dict[str, str]:
    out = {}
    for p in paths:
        for f in sorted([p] if p.is_file() else p.rglob("*") if p.is_dir() else []):
            if f.is_file():
                out[str(f)] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def run_case(case: Case, tmp_path: Path, capsys) -> tuple[int, str, str]:
    data = tmp_path / "data"
    data.mkdir()
    args = case.make(data)
    out = tmp_path / "out"
    before = digest([data])
    code = main([a.replace("{out}", str(out)) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err, captured.err
    assert digest([data]) == before, "an input was changed"
    if out.exists():
        stray = [p.name for p in out.rglob("*") if ".part" in p.name or p.name.startswith(".")]
        assert stray == [], f"temporary files left in the output folder: {stray}"
    return code, captured.out, captured.err


# ----------------------------------------------------------------- the cases
def null_names(folder: Path) -> list[str]:
    f = region_frames()
    f["municipalities"]["name"] = [None, "Ostheim"]
    return eligibility(folder, write_region(folder, f))


def namesakes(folder: Path) -> list[str]:
    f = region_frames()
    f["municipalities"]["name"] = ["Neustadt", "Neustadt"]
    return eligibility(folder, write_region(folder, f))


def comma_name(folder: Path) -> list[str]:
    f = region_frames()
    f["municipalities"]["name"] = ["Zörbig, Stadt", "Ostheim"]
    return eligibility(folder, write_region(folder, f), None, "--names", "Zörbig, Stadt")


def truncated_gpkg(folder: Path) -> list[str]:
    good = write_region(folder, name="good.gpkg")
    bad = folder / "region.gpkg"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    good.unlink()
    return eligibility(folder, bad)


def truncated_layer(folder: Path) -> list[str]:
    """One layer (given with --layer) is a damaged copy: the refusal names that file."""
    gpkg = write_region(folder)
    bad = folder / "roads_copy.gpkg"
    bad.write_bytes(gpkg.read_bytes()[: gpkg.stat().st_size // 3])
    return eligibility(folder, gpkg, None, "--layer", f"roads={bad}:roads")


def zero_byte_gpkg(folder: Path) -> list[str]:
    (folder / "region.gpkg").write_bytes(b"")
    return eligibility(folder, folder / "region.gpkg")


def garbage_gpkg(folder: Path) -> list[str]:
    (folder / "region.gpkg").write_bytes(b"this is not a geopackage\n" * 100)
    return eligibility(folder, folder / "region.gpkg")


def directory_as_layer(folder: Path) -> list[str]:
    gpkg = write_region(folder)
    (folder / "roads_dir").mkdir()
    return eligibility(folder, gpkg, None, "--layer", f"roads={folder / 'roads_dir'}")


def latin1_catalogue(folder: Path) -> list[str]:
    text = yaml.safe_dump(catalogue(title={"de": "Prüfkatalog Größe", "en": "Test"}), allow_unicode=True)
    return eligibility(folder, None, write_catalogue(folder, text=text.encode("latin-1")))


def bom_catalogue(folder: Path) -> list[str]:
    text = yaml.safe_dump(catalogue(title={"de": "Prüfkatalog", "en": "Test"}), allow_unicode=True)
    return eligibility(folder, None, write_catalogue(folder, text=b"\xef\xbb\xbf" + text.encode("utf-8")))


def binary_catalogue(folder: Path) -> list[str]:
    return eligibility(folder, None, write_catalogue(folder, text=bytes(range(256)) * 4))


def alias_bomb(folder: Path) -> list[str]:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, 9):
        prev, name = chr(ord("a") + k - 1), chr(ord("a") + k)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return eligibility(folder, None, write_catalogue(folder, text="\n".join(lines) + "\n"))


def output_folder_is_a_file(folder: Path) -> list[str]:
    args = eligibility(folder)
    blocker = folder / "out_is_a_file"
    blocker.write_text("x")
    return [a if a != "{out}" else str(blocker) for a in args]


def resolution(value: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        args = eligibility(folder)
        return args[:args.index("--resolution") + 1] + [value] + args[args.index("--resolution") + 2:]
    return make


def huge_setback(buffer: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        crit = [dict(CRITERIA[0], buffer=buffer)] + CRITERIA[1:]
        return eligibility(folder, None, write_catalogue(folder, catalogue(crit)))
    return make


LINES = {"id": "hv_lines", "kind": "hard", "layer": "power_lines",
         "filter": {"power": ["line"], "voltage": {">=": 110000}}, "buffer": "120 m"}


def power_lines(voltages: list) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        f = region_frames()
        f["power_lines"] = frame([shapely.LineString([(X0 + 500 + 1000 * k, Y0 - 100), (X0 + 500 + 1000 * k, Y0 + 3100)])
                                  for k in range(len(voltages))], power=["line"] * len(voltages), voltage=voltages)
        return eligibility(folder, write_region(folder, f), write_catalogue(folder, catalogue([*CRITERIA, LINES])))
    return make


def write_raster(path: Path, value: float, nodata: float | None = None) -> Path:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=100, height=50, count=1, dtype="float32", crs="EPSG:25832",
                       transform=from_origin(X0 - 1000, Y0 + 4000, 100.0, 100.0), nodata=nodata) as dst:
        dst.write(np.full((1, 50, 100), value, dtype="float32"))
    return path


def wind_raster(value: float, nodata: float | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        gpkg = write_region(folder)
        tif = write_raster(folder / "wind150.tif", value, nodata)
        return ["wind", "--turbine", "E-141/4200", "--hub-height", "159", "--gpkg", str(gpkg),
                "--raster", f"wind_speed_150m={tif}", "--resolution", "100", "--out-dir", "{out}"]
    return make


def scenario(folder: Path, edit: Callable[[dict], object] | None = None, text: str | None = None,
             *extra: str) -> list[str]:
    gpkg = write_region(folder)
    cat = folder / "cat.yaml" if (folder / "cat.yaml").exists() else write_catalogue(folder)
    data = {"name": "t", "crs": "EPSG:25832", "resolution_m": 50, "workers": 1, "output_dir": str(folder.parent / "out"),
            "layers": {r: {"path": str(gpkg), "layer": r} for r in ("municipalities", "landuse", "buildings", "roads",
                                                                      "water")},
            "area_of_interest": {"layer": "municipalities", "name_field": "name", "id_field": "ags"},
            "eligibility": {"wind": {"catalogue": str(cat), "kinds": ["hard", "soft"], "min_area_ha": 0}}}
    if edit is not None:
        edit(data)
    path = folder / "scenario.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return ["run", str(path), *extra]


def scenario_case(edit: Callable[[dict], object] | None = None, text: str | None = None,
                  *extra: str) -> Callable[[Path], list[str]]:
    return lambda folder: scenario(folder, edit, text, *extra)


SUITABILITY = {"aggregation": "weighted_linear", "weighting": "direct", "criteria": [
    {"id": "slope", "label": {"de": "Hang", "en": "Slope"}, "input": {"raster": "slope"},
     "value_function": {"type": "linear", "from": "15 °", "to": "5 °"}, "weight": 1.0, "source": "t"}]}


def dem_is_an_output(folder: Path) -> list[str]:
    """The scenario's DEM lies where the suitability step would write its raster: refused before any work."""
    write_catalogue(folder, catalogue(suitability=SUITABILITY, sources={"t": "test source"}))

    def edit(data: dict) -> None:
        out = folder / "outdir"
        out.mkdir()
        dem = out / "wind_suitability.tif"
        dem.write_bytes(b"not really a DEM, but an input all the same")
        data["output_dir"] = str(out)
        data["rasters"] = {"dem": str(dem)}
        data["suitability"] = {"wind": {}}
    return scenario(folder, edit)


def utf8_shapefile_without_cpg(folder: Path) -> list[str]:
    """Municipalities as a UTF-8 Shapefile whose .cpg is missing (GDAL would read it as Latin-1: "ZÃ¶rbig")."""
    gpkg = write_region(folder)
    munis = region_frames()["municipalities"]
    munis["name"] = ["Zörbig", "Sandersdorf-Brehna"]
    shp = folder / "gemeinden.shp"
    munis.to_file(shp, engine="pyogrio", encoding="UTF-8")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    return eligibility(folder, gpkg, None, "--layer", f"municipalities={shp}")


def boundary_as_landuse(folder: Path) -> list[str]:
    """The municipality boundaries given as the land-use layer, tagged residential: 0 ha by the input."""
    f = region_frames()
    f["landuse"] = frame(list(f["municipalities"].geometry), landuse=["residential", "residential"])
    return eligibility(folder, write_region(folder, f))


def layer_without_crs(folder: Path) -> list[str]:
    """Buildings written without any CRS (UTM metres): refused naming the layer, never read as degrees."""
    gpkg = write_region(folder)
    nocrs = folder / "buildings_nocrs.gpkg"
    b = region_frames()["buildings"]
    b.set_crs(None, allow_override=True).to_file(nocrs, layer="buildings", driver="GPKG", engine="pyogrio")
    return eligibility(folder, gpkg, None, "--layer", f"buildings={nocrs}:buildings")


def sweep_tiny_step(folder: Path) -> list[str]:
    args = eligibility(folder)
    args[0] = "sweep"
    return [*args, "--criterion", "village", "--from", "400", "--to", "1500", "--step", "0.001"]


def null_ags_windbg(folder: Path) -> list[str]:
    """A municipality without AGS in a WindBG run: its Land cannot be told; refused naming it (was 'nan')."""
    f = region_frames()
    f["municipalities"]["ags"] = [None, "15082002"]
    gpkg = write_region(folder, {"municipalities": f["municipalities"]}, "gemeinden.gpkg")
    return scenario(folder, lambda d: (d["layers"].update(municipalities={"path": str(gpkg), "layer": "municipalities"}),
                                       d.update(windbg={"wind": {"rotor_in": False}})))


def null_geometries(n_null: int, n_houses: int = 4) -> Callable[[Path], list[str]]:
    """Buildings of which ``n_null`` have no geometry (an export that lost them): counted; refused above 1 %."""
    def make(folder: Path) -> list[str]:
        f = region_frames()
        houses = list(f["buildings"].geometry)
        houses += [shapely.box(X0 + 100 + 20 * k, Y0 + 100, X0 + 110 + 20 * k, Y0 + 110) for k in range(n_houses - 4)]
        gdf = frame(houses + [None] * n_null, building=["barn"] * (len(houses) + n_null))
        f["buildings"] = gdf
        return eligibility(folder, write_region(folder, f))
    return make


def dem_all_nodata(folder: Path) -> list[str]:
    """A DEM that is nodata over the whole area: refused (it used to become flat ground and scores 'nan')."""
    write_catalogue(folder, catalogue(suitability=SUITABILITY, sources={"t": "test source"}))
    dem = write_raster(folder / "dem.tif", -32768.0, -32768.0)
    return scenario(folder, lambda d: d.update(rasters={"dem": str(dem)}, suitability={"wind": {}}))


CASES = [
    Case("null_names", null_names, 0, stdout=("15082001",)),
    Case("namesakes", namesakes, 0, stdout=("Neustadt (15082001)", "Neustadt (15082002)")),
    Case("comma_name", comma_name, 0, stdout=("Zörbig, Stadt",)),
    Case("truncated_gpkg", truncated_gpkg, 2, ("region.gpkg",)),
    Case("truncated_layer", truncated_layer, 2, ("roads_copy.gpkg", "roads")),
    Case("zero_byte_gpkg", zero_byte_gpkg, 2, ("region.gpkg",)),
    Case("garbage_gpkg", garbage_gpkg, 2, ("region.gpkg",)),
    Case("directory_as_layer", directory_as_layer, 2, ("roads_dir",)),
    Case("latin1_catalogue", latin1_catalogue, 0, ("warning", "cat.yaml is not UTF-8", "line ")),
    Case("latin1_catalogue_warned_once", latin1_catalogue, 0, ("is not UTF-8",)),
    Case("bom_catalogue", bom_catalogue, 0),
    Case("binary_catalogue", binary_catalogue, 2, ("cat.yaml", "not a text file", "line 1, column 1")),
    Case("alias_bomb", alias_bomb, 2, ("cat.yaml", "alias")),
    Case("output_folder_is_a_file", output_folder_is_a_file, 2, ("out_is_a_file",)),
    Case("resolution_zero", resolution("0"), 2, ("resolution",)),
    Case("resolution_inf", resolution("inf"), 2, ("--resolution", "positive number", "inf")),
    Case("resolution_nan", resolution("nan"), 2, ("--resolution", "positive number", "nan")),
    Case("resolution_tiny", resolution("0.001"), 2, ("0.001", "cells")),
    Case("resolution_larger_than_the_area", resolution("100000"), 2, ("100000", "larger")),
    Case("setback_1000_km", huge_setback("1000 km"), 2, ("village", "1,000,000 m", "50 km")),
    Case("setback_million_h", huge_setback("1000000 H"), 2, ("village",)),
    Case("voltage_words", power_lines(["hoch", "hoch", "110000"]), 2, ("hv_lines", "voltage", "'hoch'")),
    Case("wind_raster_clean", wind_raster(6.5), 0),
    Case("wind_raster_negative", wind_raster(-3.0), 2, ("wind150.tif", "-3", "0 and 30 m/s")),
    Case("wind_raster_km_per_h", wind_raster(23.4 * 3.6), 2, ("wind150.tif", "84.24", "km/h")),
    Case("wind_raster_all_nodata", wind_raster(-9999.0, -9999.0), 2, ("wind150.tif", "no data")),
    Case("dem_all_nodata", dem_all_nodata, 2, ("dem.tif", "no data")),
    Case("null_geometries_refused", null_geometries(2), 2, ("buildings", "2 of 6", "no geometry")),
    Case("null_geometries_warned", null_geometries(1, 200), 0, ("buildings", "1 of 201", "no geometry")),
    Case("layer_without_crs", layer_without_crs, 2, ("buildings_nocrs.gpkg", "has no coordinate reference system",
                                                      "Assign its CRS")),
    Case("sweep_tiny_step", sweep_tiny_step, 2, ("--step", "at most 200")),
    Case("null_ags_windbg", null_ags_windbg, 2, ("Westdorf", "Land")),
    Case("boundary_as_landuse", boundary_as_landuse, 0, ("village covers 100 % of Westdorf", "right layer")),
    Case("utf8_shapefile_without_cpg", utf8_shapefile_without_cpg, 0, ("gemeinden.shp", ".cpg"),
         stdout=("Zörbig",)),
    Case("scenario_clean", scenario_case(), 0, stdout=("Westdorf",)),
    Case("scenario_top_level_list", scenario_case(text="- a\n- b\n"), 2, ("scenario.yaml", "mapping")),
    Case("scenario_top_level_string", scenario_case(text="just text\n"), 2, ("scenario.yaml", "mapping")),
    Case("scenario_layers_list", scenario_case(lambda d: d.update(layers=["a.gpkg"])), 2, ("layers",)),
    Case("scenario_names_integer", scenario_case(lambda d: d["area_of_interest"].update(names=7)), 2, ("names",)),
    Case("scenario_resolution_text", scenario_case(lambda d: d.update(resolution_m="fein")), 2, ("resolution_m",)),
    Case("scenario_invalid_date", scenario_case(lambda d: d.update(on_date="2024-13-45")), 2,
         ("scenario.yaml", "on_date", "2024-13-45")),
    Case("scenario_impossible_date_unquoted", lambda folder: scenario(folder, None, yaml.safe_dump(
        {"name": "t", "on_date": "X"}).replace("X", "2024-13-45")), 2, ("scenario.yaml", "month must be in 1..12")),
    Case("run_resolution_zero", scenario_case(None, None, "--resolution", "0"), 2, ("resolution",)),
    Case("dem_is_an_output", dem_is_an_output, 2, ("wind_suitability.tif", "input")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, capsys):
    code, out, err = run_case(case, tmp_path, capsys)
    assert code == case.code, (out, err)
    if case.id == "latin1_catalogue_warned_once":
        assert err.count("is not UTF-8") == 1, err
    for fragment in case.fragments:
        assert fragment in err, err
    for fragment in case.stdout:
        assert fragment in out, out


def test_the_clean_region_runs(tmp_path, capsys):
    code, out, err = run_case(Case("clean", lambda f: eligibility(f), 0), tmp_path, capsys)
    assert code == 0 and "Westdorf" in out and "Ostheim" in out
    assert "WARNING" not in err.upper() and "right layer" not in err, err  # the checks stay silent on clean data
    shutil.rmtree(tmp_path / "out")


def test_voltages_written_as_text_exclude_like_numbers(tmp_path, capsys):
    """110 kV, 110.000 and 110000;20000 are 110 kV lines: the same eligible land as the numbers (was +472 ha)."""
    results = {}
    for label, voltages in (("numbers", [110000, 110000, 110000]), ("text", ["110 kV", "110.000", "110000;20000"])):
        folder = tmp_path / label
        folder.mkdir()
        code = main([a.replace("{out}", str(folder / "out")) for a in power_lines(voltages)(folder)])
        assert code == 0, capsys.readouterr().err
        table = (folder / "out" / "wind_table.csv").read_text(encoding="utf-8").splitlines()
        results[label] = [line.split(",")[:4] for line in table]
    assert results["text"] == results["numbers"]
    free = tmp_path / "none"
    free.mkdir()
    assert main([a.replace("{out}", str(free / "out")) for a in power_lines(["20000", "20000", "20000"])(free)]) == 0
    total = (free / "out" / "wind_table.csv").read_text(encoding="utf-8").splitlines()
    assert total[1:] != results["numbers"][1:]  # the 110 kV buffers exclude land the 20 kV lines do not


@pytest.mark.parametrize("release_after_s", [None, 1.0])
def test_a_locked_geopackage_is_waited_for_then_refused(tmp_path, capsys, release_after_s):
    """Another program holds the GeoPackage (an edit being saved): GDAL waits 5 s; released in time, the run goes
    on; still locked, it is refused naming the file (it was 'database is locked' in a traceback)."""
    import sqlite3
    import threading

    data = tmp_path / "data"
    data.mkdir()
    args = [a.replace("{out}", str(tmp_path / "out")) for a in eligibility(data)]
    holder = sqlite3.connect(data / "region.gpkg", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    timer = threading.Timer(release_after_s, lambda: holder.execute("ROLLBACK")) if release_after_s else None
    if timer:
        timer.start()
    try:
        code = main(args)
    finally:
        if timer:
            timer.join()
        else:
            holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if release_after_s:
        assert code == 0, err
    else:
        assert code == 2 and "region.gpkg" in err and "locked by another program" in err, err


#: The eligibility cases whose job can be built (damaged catalogues and --gpkg files are refused while the
#: arguments are read, before there is a job to hand over; those refusals are the CLI cases above).
WORKER_CASES = [c for c in CASES if c.id in {
    "null_names", "namesakes", "comma_name", "truncated_layer", "latin1_catalogue", "resolution_tiny",
    "resolution_larger_than_the_area", "voltage_words", "utf8_shapefile_without_cpg", "directory_as_layer"}]


@pytest.mark.parametrize("case", WORKER_CASES, ids=[c.id for c in WORKER_CASES])
def test_bad_input_through_the_worker_protocol(case: Case, tmp_path):
    """The same inputs as a job file run by ``wip worker`` (how QGIS runs the engine in another Python): an
    ``error`` message naming the culprit and never a traceback in it, or a result; exit 1 or 0."""
    import json
    import subprocess
    import sys

    from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args

    data = tmp_path / "data"
    data.mkdir()
    args = [a.replace("{out}", str(tmp_path / "out")) for a in case.make(data)]
    before = digest([data])
    job, _ = eligibility_job_from_args(build_parser().parse_args(args))
    job_file = job.write(tmp_path / "job.json")
    proc = subprocess.run([sys.executable, "-m", "wip_qgis_plugin.cli", "worker", str(job_file)],
                          capture_output=True, text=True, timeout=300)
    messages = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    final = messages[-1]
    assert digest([data]) == before
    assert "Traceback" not in proc.stderr
    if case.code == 0:
        assert proc.returncode == 0 and final["type"] == "result", final
        return
    assert proc.returncode == 1 and final["type"] == "error", final
    assert final["code"] != "internal", final
    assert "Traceback" not in final["message"]
    for fragment in case.fragments:
        assert fragment in final["message"], final["message"]


@pytest.fixture
def small_disk(tmp_path):
    """A 48 kB file system (tmpfs) as the output folder's home; skipped where mounting is not allowed."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.parametrize("state", ["full", "read_only"])
def test_a_full_or_read_only_output_disk_is_refused_cleanly(tmp_path, capsys, small_disk, state):
    import subprocess

    data = tmp_path / "data"
    data.mkdir()
    out = small_disk / "out"
    args = [a.replace("{out}", str(out)) for a in eligibility(data)]
    args[args.index("--resolution") + 1] = "2"  # outputs of some 100 kB: more than the disk holds
    if state == "read_only":
        args[args.index("--resolution") + 1] = "50"
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert ("disk is full" in err) if state == "full" else ("read-only" in err), err
    leftovers = [p.name for p in small_disk.rglob("*") if ".part" in p.name or p.name.startswith(".")]
    assert leftovers == []


def test_a_namesake_has_one_label_whichever_municipalities_are_selected(tmp_path):
    """Selected alone by its key, a namesake keeps its "Name (AGS)" label, as in a run of the whole layer."""
    from wip_qgis_plugin.core.data.layers import LayerRef
    from wip_qgis_plugin.core.eligibility.aoi import AreaOfInterest, read_aoi_areas

    f = region_frames()
    f["municipalities"]["name"] = ["Neustadt", "Neustadt"]
    gpkg = write_region(tmp_path, f)
    layer = LayerRef(str(gpkg), "municipalities")
    everything, _, _ = read_aoi_areas(AreaOfInterest(layer), "EPSG:25832")
    alone, _, _ = read_aoi_areas(AreaOfInterest(layer, names=("15082002",)), "EPSG:25832")
    assert sorted(everything) == ["Neustadt (15082001)", "Neustadt (15082002)"]
    assert alone == ["Neustadt (15082002)"]


def test_a_key_written_twice_is_a_problem_not_a_silent_overwrite(tmp_path):
    """YAML keeps the last of two equal keys: a catalogue with two 'criteria:' blocks would lose the first."""
    from wip_qgis_plugin.core.catalogue.loader import load_catalogue
    from wip_qgis_plugin.core.errors import SpecError

    path = tmp_path / "twice.yaml"
    path.write_text("extends: wind_sachsen\nid: twice\ncriteria:\n  - {id: forest, buffer: 100 m}\nversion: '1'\n"
                    "criteria:\n  - {id: nature_reserves, buffer: 300 m}\n", encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_catalogue(path)
    assert "line 6: the key 'criteria' is written twice in one mapping (first on line 3)" in str(err.value)
