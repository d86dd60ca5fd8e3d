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

from wip_qgis_plugin.cli import main

BASE = {
    "schema": "wip-catalogue/1", "id": "bad_input", "version": "1", "technology": "wind",
    "title": {"de": "Test", "en": "Test"},
    "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "test"},
}
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


CASES = [
    Case("null_names", null_names, 0, stdout=("15082001",)),
    Case("namesakes", namesakes, 0, stdout=("Neustadt (15082001)", "Neustadt (15082002)")),
    Case("comma_name", comma_name, 0, stdout=("Zörbig, Stadt",)),
    Case("truncated_gpkg", truncated_gpkg, 2, ("region.gpkg",)),
    Case("zero_byte_gpkg", zero_byte_gpkg, 2, ("region.gpkg",)),
    Case("garbage_gpkg", garbage_gpkg, 2, ("region.gpkg",)),
    Case("directory_as_layer", directory_as_layer, 2, ("roads_dir",)),
    Case("latin1_catalogue", latin1_catalogue, 0, ("warning", "cat.yaml is not UTF-8", "line ")),
    Case("bom_catalogue", bom_catalogue, 0),
    Case("binary_catalogue", binary_catalogue, 2, ("cat.yaml", "not a text file", "line 1, column 1")),
    Case("alias_bomb", alias_bomb, 2, ("cat.yaml", "alias")),
    Case("output_folder_is_a_file", output_folder_is_a_file, 2, ("out_is_a_file",)),
    Case("resolution_zero", resolution("0"), 2, ("resolution",)),
    Case("resolution_inf", resolution("inf"), 2, ("resolution",)),
    Case("resolution_nan", resolution("nan"), 2, ("resolution",)),
    Case("resolution_tiny", resolution("0.001"), 2, ("0.001", "cells")),
    Case("resolution_larger_than_the_area", resolution("100000"), 2, ("100000", "larger")),
    Case("setback_1000_km", huge_setback("1000 km"), 2, ("village", "1,000,000 m", "50 km")),
    Case("setback_million_h", huge_setback("1000000 H"), 2, ("village",)),
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
    for fragment in case.fragments:
        assert fragment in err, err
    for fragment in case.stdout:
        assert fragment in out, out


def test_the_clean_region_runs(tmp_path, capsys):
    code, out, _ = run_case(Case("clean", lambda f: eligibility(f), 0), tmp_path, capsys)
    assert code == 0 and "Westdorf" in out and "Ostheim" in out
    shutil.rmtree(tmp_path / "out")
