"""Raster exclusion criteria: class rasters in another CRS and resolution against exact vector oracles.

The land-cover raster is written in EPSG:3035 at 100 m; the analysis grid is EPSG:25832 at 25 m.
Oracles are independent of the engine: the class cells as polygons (their corners transformed with
pyproj) buffered with shapely, and the pixel-centre rule evaluated with pyproj point by point.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
import yaml
from conftest import X0, Y0, frame, write_layers
from pyproj import Transformer
from rasterio.transform import from_origin

from wip_qgis_plugin.core.catalogue.classes import ValueSelection, parse_values
from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.rasters import RasterRef
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.eligibility.sweep import SweepSettings, run_setback_sweep
from wip_qgis_plugin.core.errors import CatalogueError, InputError

BASE = {"schema": "wip-catalogue/1", "id": "rtest", "version": "1", "technology": "wind",
        "title": {"de": "Test", "en": "Test"}}
SRC_RES = 100.0  # land-cover cell size [m], EPSG:3035
NODATA = 255
TO_3035 = Transformer.from_crs(25832, 3035, always_xy=True)
TO_25832 = Transformer.from_crs(3035, 25832, always_xy=True)


def catalogue(tmp: Path, criteria: list[dict], name: str = "cat.yaml"):
    full = [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "valid_from": "2020-01-01", **c}
            for c in criteria]
    path = tmp / name
    path.write_text(yaml.safe_dump({**BASE, "criteria": full}), encoding="utf-8")
    return load_catalogue(path)


def land_cover(tmp: Path, nodata_box: tuple[int, int, int, int] | None = None) -> dict:
    """A CORINE-like raster (EPSG:3035, 100 m) around the AOI: background classes and urban patches 1, 2.

    Returns the path, the array, its transform and the AOI (EPSG:25832).
    """
    aoi = shapely.Polygon([(X0, Y0), (X0 + 9000, Y0 + 400), (X0 + 8600, Y0 + 7000), (X0 + 3000, Y0 + 7600),
                           (X0 - 200, Y0 + 4000)])
    # the raster's extent: the AOI's bounds in 3035 plus 3 km
    xs, ys = TO_3035.transform(*np.array(aoi.exterior.coords).T)
    left = np.floor((xs.min() - 3000) / SRC_RES) * SRC_RES
    top = np.ceil((ys.max() + 3000) / SRC_RES) * SRC_RES
    width = int(np.ceil((xs.max() + 3000 - left) / SRC_RES))
    height = int(np.ceil((top - ys.min() + 3000) / SRC_RES))
    rng = np.random.default_rng(11)
    background = rng.choice([12, 18, 21, 23, 31], size=(height // 5 + 1, width // 5 + 1))
    data = np.kron(background, np.ones((5, 5), dtype=int))[:height, :width].astype(np.uint8)
    rows, cols = np.mgrid[0:height, 0:width]
    cx, cy = left + (cols + 0.5) * SRC_RES, top - (rows + 0.5) * SRC_RES
    centres = [(X0 + 2500, Y0 + 2500, 450.0, 1), (X0 + 6500, Y0 + 5200, 600.0, 2), (X0 + 7800, Y0 + 900, 300.0, 1),
               (X0 + 4200, Y0 + 6300, 250.0, 2)]
    for x, y, radius, code in centres:
        ex, ey = TO_3035.transform(x, y)
        data[np.hypot(cx - ex, (cy - ey) * 1.4) < radius] = code  # elongated patches, staircase edges
    if nodata_box is not None:
        r0, r1, c0, c1 = nodata_box
        data[r0:r1, c0:c1] = NODATA
    transform = from_origin(left, top, SRC_RES, SRC_RES)
    path = tmp / "clc.tif"
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="uint8",
                       crs="EPSG:3035", transform=transform, nodata=NODATA) as ds:
        ds.write(data, 1)
    layers = write_layers(tmp / "aoi.gpkg", {"municipalities": frame([aoi], name=["Rasterdorf"])})
    return {"path": path, "data": data, "transform": transform, "aoi": aoi, "layers": layers, "tmp": tmp}


def cell_polygons(lc: dict, codes) -> np.ndarray:
    """The source cells with one of ``codes`` as polygons in EPSG:25832 (their four corners transformed)."""
    rows, cols = np.nonzero(np.isin(lc["data"], list(codes)))
    t = lc["transform"]
    x0, y1 = t.c + cols * SRC_RES, t.f - rows * SRC_RES
    corners = [(x0, y1), (x0 + SRC_RES, y1), (x0 + SRC_RES, y1 - SRC_RES), (x0, y1 - SRC_RES)]
    pts = [np.column_stack(TO_25832.transform(x, y)) for x, y in corners]
    return shapely.polygons(np.stack(pts, axis=1))


def run(lc: dict, criteria: list[dict], res: float = 25.0, tag: str = "a", rasters=None, layers=None, **kw):
    tmp = lc["tmp"]
    cat = catalogue(tmp, criteria, f"cat_{tag}.yaml")
    outs = EligibilityOutputs(tmp / f"elig_{tag}.tif", tmp / f"reasons_{tag}.tif", None, tmp / f"table_{tag}.csv")
    rasters = {"land_cover": RasterRef(str(lc["path"]))} if rasters is None else rasters
    settings = EligibilitySettings(resolution_m=res, rasters=rasters, **{"workers": 1, **kw})
    layers = layers or lc["layers"]
    return run_eligibility(cat, layers, AreaOfInterest(lc["layers"]["municipalities"]), outs, settings)


URBAN = {"id": "urban_fabric", "kind": "hard", "raster": "land_cover", "values": [1, 2], "buffer": "1000 m"}


@pytest.fixture
def lc(tmp_path):
    return land_cover(tmp_path)


# ----------------------------------------------------------------- against exact vector equivalents
def test_buffered_classes_match_the_exact_vector_equivalent(lc):
    """1000 m around the urban classes: raster path = shapely oracle = vector path, within 0.5 %."""
    result = run(lc, [URBAN], tag="raster")
    cells = cell_polygons(lc, (1, 2))
    exact = shapely.difference(lc["aoi"], shapely.union_all(shapely.buffer(cells, 1000.0, quad_segs=64))).area / 1e4
    assert 0.2 * lc["aoi"].area / 1e4 < exact < 0.8 * lc["aoi"].area / 1e4  # a real case: much land either way
    assert result.eligible_ha == pytest.approx(exact, rel=0.005)
    # the same cells as polygons through the vector path
    layers = write_layers(lc["tmp"] / "cells.gpkg", {"municipalities": frame([lc["aoi"]], name=["Rasterdorf"]),
                                                      "landuse": frame(cells, landuse=["urban"] * len(cells))})
    vector = run(lc, [{"id": "urban_vector", "kind": "hard", "layer": "landuse", "filter": {"landuse": ["urban"]},
                       "buffer": "1000 m"}], tag="vector", layers=layers, rasters={})
    assert vector.eligible_ha == pytest.approx(exact, rel=0.005)
    assert result.eligible_ha == pytest.approx(vector.eligible_ha, rel=0.005)
    assert result.total_ha == pytest.approx(lc["aoi"].area / 1e4, rel=0.002)


def test_classes_without_buffer_follow_the_pixel_centre_rule(lc):
    """0 m: a pixel is excluded exactly when the source cell holding its centre has the class."""
    run(lc, [dict(URBAN, buffer="0 m")], tag="zero")
    with rasterio.open(lc["tmp"] / "elig_zero.tif") as ds:
        elig, t = ds.read(1), ds.transform
    rows, cols = np.nonzero(elig != 255)
    x, y = TO_3035.transform(t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e)
    fc = (x - lc["transform"].c) / SRC_RES
    fr = (lc["transform"].f - y) / SRC_RES
    expected = np.isin(lc["data"][np.floor(fr).astype(int), np.floor(fc).astype(int)], [1, 2])
    got = elig[rows, cols] == 0
    assert expected.sum() > 1000
    wrong = got != expected
    # only pixels whose centre lies within 1 m of a source cell's edge may differ (GDAL's approximate transform)
    edge_m = SRC_RES * np.minimum(np.abs(fc - np.round(fc)), np.abs(fr - np.round(fr)))
    assert wrong.sum() <= 0.001 * len(got)
    assert (edge_m[wrong] < 1.0).all()
    # and the excluded area matches the exact intersection of the cells with the AOI
    exact = shapely.intersection(shapely.union_all(cell_polygons(lc, (1, 2))), lc["aoi"]).area / 1e4
    assert got.sum() * 25 * 25 / 1e4 == pytest.approx(exact, rel=0.005)


@pytest.mark.parametrize("values, codes", [([1, 2], (1, 2)), ({">=": 21}, (21, 23, 31)),
                                           ({"between": [12, 21]}, (12, 18, 21)), (18, (18,)),
                                           ({">": 12, "<=": 21}, (18, 21))])
def test_value_forms_select_their_classes(lc, values, codes):
    crit = {"id": "sel", "kind": "hard", "raster": "land_cover", "values": values, "buffer": "0 m"}
    result = run(lc, [crit], res=50.0, tag="forms")
    exact = shapely.intersection(shapely.union_all(cell_polygons(lc, codes)), lc["aoi"]).area / 1e4
    assert result.municipalities[0].criteria["sel"].excluded_ha == pytest.approx(exact, rel=0.01)


def test_value_selection_matches():
    v = np.array([1.0, 2.0, 13.0, 20.0, np.nan, 255.0])
    assert parse_values([1, 2]).matches(v).tolist() == [True, True, False, False, False, False]
    assert parse_values({">=": 13}).matches(v).tolist() == [False, False, True, True, False, True]
    assert parse_values({"between": [5, 13]}).matches(v).tolist() == [False, False, True, False, False, False]
    assert parse_values(20).matches(v).tolist() == [False, False, False, True, False, False]
    assert parse_values({"between": [5, 12]}) == ValueSelection(bounds=((">=", 5.0), ("<=", 12.0)))
    assert str(parse_values({"between": [5, 12]})) == "value >= 5 and value <= 12"


# ----------------------------------------------------------------- exact distance, not a dilation
def test_buffer_reaches_its_distance_on_the_diagonal(tmp_path):
    """One class cell, 1000 m: excluded pixels are exactly those within 1000 m of the cell (a rounded square)."""
    res = 25.0
    left, top = X0 - 3000.0, Y0 + 3000.0
    data = np.zeros((60, 60), dtype=np.uint8)
    data[30, 30] = 1  # the cell [X0, X0 + 100] × [Y0 - 100, Y0]
    path = tmp_path / "one.tif"
    with rasterio.open(path, "w", driver="GTiff", width=60, height=60, count=1, dtype="uint8", crs="EPSG:25832",
                       transform=from_origin(left, top, 100.0, 100.0), nodata=NODATA) as ds:
        ds.write(data, 1)
    aoi = shapely.box(X0 - 2000, Y0 - 2100, X0 + 2100, Y0 + 2000)
    layers = write_layers(tmp_path / "aoi.gpkg", {"municipalities": frame([aoi], name=["A"])})
    lc = {"tmp": tmp_path, "layers": layers, "path": path}
    run(lc, [dict(URBAN, values=[1])], res=res, tag="diag")
    with rasterio.open(tmp_path / "elig_diag.tif") as ds:
        elig, t = ds.read(1), ds.transform
    rows, cols = np.mgrid[0:elig.shape[0], 0:elig.shape[1]]
    px, py = t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e
    # distance from every pixel centre to the square cell, computed by hand
    dx = np.maximum(np.maximum(X0 - px, px - (X0 + 100)), 0.0)
    dy = np.maximum(np.maximum((Y0 - 100) - py, py - Y0), 0.0)
    d = np.hypot(dx, dy)
    assert d[elig == 0].max() < 1000.0
    assert d[elig == 1].min() >= 1000.0
    # along the diagonal from the cell's corner the exclusion reaches 1000 m, not 707 m (a diamond)
    diagonal = (dx > 0) & (np.abs(dx - dy) < 1.0)
    assert d[diagonal & (elig == 0)].max() > 960.0
    exact = shapely.box(X0, Y0 - 100, X0 + 100, Y0).buffer(1000.0, quad_segs=64).area
    assert (elig == 0).sum() * res * res == pytest.approx(exact, rel=0.005)


# ----------------------------------------------------------------- nodata
def test_nodata_never_matches_and_its_share_is_reported(tmp_path):
    """A nodata block inside the AOI: even {'>=': 13} (which 255 would pass) excludes nothing there."""
    lc = land_cover(tmp_path, nodata_box=(20, 50, 40, 80))
    nodata_cells = shapely.union_all([p for p in cell_polygons(lc, (NODATA,))])
    crit = {"id": "coarse", "kind": "hard", "raster": "land_cover", "values": {">=": 13}, "buffer": "0 m"}
    result = run(lc, [crit], tag="nd")
    with rasterio.open(tmp_path / "elig_nd.tif") as ds:
        elig, t = ds.read(1), ds.transform
    rows, cols = np.nonzero(elig != 255)
    pts = shapely.points(t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e)
    in_nodata = shapely.contains_xy(shapely.buffer(nodata_cells, -1.0), shapely.get_x(pts), shapely.get_y(pts))
    assert in_nodata.sum() > 500
    assert (elig[rows[in_nodata], cols[in_nodata]] == 1).all()  # eligible: nodata never matches
    share = 100.0 * shapely.intersection(nodata_cells, lc["aoi"]).area / lc["aoi"].area
    status = next(s for s in result.criteria if s["id"] == "coarse")
    assert status["nodata_pct"] == pytest.approx(share, rel=0.02)
    assert status["status"] == "assessed" and status["role"] == "land_cover"
    with open(tmp_path / "table_nd_criteria.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["criterion"] == "coarse")
    assert float(row["nodata_pct"]) == pytest.approx(share, rel=0.02)


def test_raster_outside_the_area_is_refused(tmp_path):
    data = np.full((10, 10), 1, dtype=np.uint8)
    path = tmp_path / "far.tif"
    with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8", crs="EPSG:3035",
                       transform=from_origin(3_000_000, 2_000_000, 100, 100), nodata=NODATA) as ds:
        ds.write(data, 1)
    layers = write_layers(tmp_path / "aoi.gpkg", {"municipalities": frame([shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)],
                                                                          name=["A"])})
    lc = {"tmp": tmp_path, "layers": layers}
    with pytest.raises(InputError, match="land_cover.*no value anywhere in the area of interest"):
        run(lc, [URBAN], rasters={"land_cover": RasterRef(str(path))}, tag="far")


# ----------------------------------------------------------------- not assessed, reasons, tables, sweep
def test_missing_raster_is_not_assessed(lc, tmp_path):
    rim = {"id": "aoi_itself", "kind": "hard", "layer": "municipalities", "filter": {}, "buffer": "0 m"}
    # with no raster at all and no other criterion, nothing can be assessed: refused
    with pytest.raises(InputError, match="No criterion can be assessed.*--raster ROLE=FILE"):
        run(lc, [URBAN], tag="none", rasters={})
    # no raster for the role: not assessed, the run goes on with the layer criterion
    result = run(lc, [URBAN, rim], tag="na1", rasters={})
    assert [(a.criterion, a.role, a.input) for a in result.not_assessed] == [("urban_fabric", "land_cover", "raster")]
    assert "no raster for role 'land_cover'" in result.not_assessed[0].reason
    # a missing file: the same
    result = run(lc, [URBAN, rim], tag="na2", rasters={"land_cover": RasterRef(str(tmp_path / "nope.tif"))})
    (na,) = result.not_assessed
    assert na.criterion == "urban_fabric" and na.input == "raster" and "does not exist" in na.reason
    assert "--raster land_cover=FILE" in na.hint()
    assert result.eligible_ha == pytest.approx(0.0, abs=1e-9)  # the AOI excludes itself
    status = {s["id"]: s for s in result.criteria}
    assert status["urban_fabric"]["status"] == "not_assessed" and status["urban_fabric"]["nodata_pct"] is None
    with pytest.raises(InputError, match="land_cover.*--raster ROLE=FILE"):
        run(lc, [URBAN, rim], tag="na3", rasters={"land_cover": RasterRef(str(tmp_path / "nope.tif"))},
            require_all=True)


def test_reasons_and_tables_include_raster_criteria(lc):
    """Bits in catalogue order across layer and raster criteria; the sidecar, the tables and the tags name the raster."""
    wood = shapely.box(X0 + 4000, Y0 + 3000, X0 + 4600, Y0 + 3500)
    layers = write_layers(lc["tmp"] / "wood.gpkg", {"municipalities": frame([lc["aoi"]], name=["Rasterdorf"]),
                                                     "forest": frame([wood], landuse=["forest"])})
    crits = [{"id": "wood", "kind": "hard", "layer": "forest", "filter": {}, "buffer": "0 m"}, URBAN,
             {"id": "wood_edge", "kind": "soft", "layer": "forest", "filter": {}, "buffer": "50 m"}]
    result = run(lc, crits, tag="bits", layers=layers)
    assert [(b["id"], b["bit"]) for b in result.bits] == [("wood", 0), ("urban_fabric", 1), ("wood_edge", 2)]
    bits = json.loads((lc["tmp"] / "reasons_bits_bits.json").read_text(encoding="utf-8"))["bits"]
    bit = bits[1]
    assert bit["raster"] == "land_cover" and bit["layer"] == "" and bit["filter"] == "value in [1, 2]"
    assert bit["buffer_m"] == 1000.0 and bits[0]["raster"] == "" and bits[0]["layer"] == "forest"
    with open(lc["tmp"] / "table_bits_criteria.csv", encoding="utf-8") as fh:
        rows = {r["criterion"]: r for r in csv.DictReader(fh)}
    urban = rows["urban_fabric"]
    assert urban["role"] == "land_cover" and urban["status"] == "assessed" and urban["input"] == str(lc["path"])
    assert int(urban["features"]) > 100 and float(urban["nodata_pct"]) == 0.0  # selected cells within reach
    assert rows["wood"]["nodata_pct"] == ""
    stats = result.municipalities[0].criteria["urban_fabric"]
    assert float(urban["excluded_ha"]) == pytest.approx(stats.excluded_ha)
    with rasterio.open(lc["tmp"] / "reasons_bits.tif") as ds:
        reasons, tags = ds.read(1), ds.tags()
    assert tags["WIP_RASTER_LAND_COVER"] == str(lc["path"])
    assert (((reasons & 2) != 0) & (reasons != 255)).sum() * 25 * 25 / 1e4 == pytest.approx(stats.excluded_ha)


def test_sweep_varies_a_raster_criterion(lc):
    cat = catalogue(lc["tmp"], [URBAN], "cat_sweep.yaml")
    settings = EligibilitySettings(resolution_m=50.0, rasters={"land_cover": RasterRef(str(lc["path"]))}, workers=1)
    sweep = run_setback_sweep(cat, lc["layers"], AreaOfInterest(lc["layers"]["municipalities"]), "urban_fabric",
                              [500.0, 1000.0], settings=SweepSettings(settings))
    single = run(lc, [URBAN], res=50.0, tag="sw")
    at_1000 = [r for r in sweep.rows if r.setback_m == 1000.0]
    assert sum(r.eligible_ha for r in at_1000) == pytest.approx(single.eligible_ha, rel=1e-9)
    assert sweep.series("all")[0] > sweep.series("all")[1]


# ----------------------------------------------------------------- the schema
def test_schema_problems_are_listed_together(tmp_path):
    bad = [
        {"id": "typo", "kind": "hard", "raster": "land_cove", "values": [1], "buffer": "0 m"},
        {"id": "form", "kind": "hard", "raster": "land_cover", "values": {"~": 3}, "buffer": "0 m"},
        {"id": "both", "kind": "hard", "raster": "land_cover", "layer": "landuse", "values": [1], "buffer": "0 m"},
        {"id": "neither", "kind": "hard", "buffer": "0 m"},
        {"id": "novalues", "kind": "hard", "raster": "land_cover", "buffer": "0 m"},
        {"id": "withfilter", "kind": "hard", "raster": "land_cover", "values": [1], "filter": {"a": 1},
         "buffer": "0 m"},
        {"id": "between", "kind": "hard", "raster": "land_cover", "values": {"between": [12, 5]}, "buffer": "0 m"},
        {"id": "strings", "kind": "hard", "raster": "land_cover", "values": ["urban"], "buffer": "0 m"},
        {"id": "layervalues", "kind": "hard", "layer": "landuse", "values": [1], "buffer": "0 m"},
    ]
    with pytest.raises(CatalogueError) as info:
        catalogue(tmp_path, bad)
    text = str(info.value)
    for place, words in [("criteria[0] (typo).raster", "did you mean 'land_cover'"),
                         ("criteria[1] (form).values", "unknown operator '~'"),
                         ("criteria[2] (both)", "not both"),
                         ("criteria[3] (neither)", "needs 'layer'"),
                         ("criteria[4] (novalues).values", "required with 'raster'"),
                         ("criteria[5] (withfilter).filter", "layer criteria only"),
                         ("criteria[6] (between).values", "low end 12 is above the high end 5"),
                         ("criteria[7] (strings).values", "class codes are numbers"),
                         ("criteria[8] (layervalues).values", "only a raster criterion")]:
        assert f"{place}: " in text and words in text, (place, words, text)


def test_a_class_raster_cannot_be_scored(tmp_path):
    raw = {**BASE, "criteria": [{**URBAN, "label": {"de": "u", "en": "u"}, "source": "s", "valid_from": "2020-01-01"}],
           "suitability": {"criteria": [{"id": "lc", "label": {"de": "l", "en": "l"}, "input": {"raster": "land_cover"},
                                         "value_function": {"type": "linear", "from": "0 m", "to": "1 m"},
                                         "weight": 1, "source": "s"}]}}
    path = tmp_path / "suit.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(CatalogueError, match="holds class codes, which a value function cannot score"):
        load_catalogue(path)


def test_raster_criterion_reads_a_role_and_values(tmp_path):
    cat = catalogue(tmp_path, [URBAN, {"id": "v", "kind": "soft", "layer": "landuse", "filter": {}, "buffer": "0 m"}])
    c = cat.criterion("urban_fabric")
    assert (c.raster, c.layer, c.role) == ("land_cover", "", "land_cover")
    assert c.values == ValueSelection(codes=(1.0, 2.0)) and c.buffer_m(None) == 1000.0
    assert cat.roles_needed() == ("landuse",) and cat.raster_roles_needed() == ("land_cover",)


# ----------------------------------------------------------------- front ends: wip eligibility, wip run
def test_wip_eligibility_takes_the_raster(lc, capsys):
    from wip_qgis_plugin.cli import main

    catalogue(lc["tmp"], [URBAN], "cli.yaml")
    args = ["eligibility", "--catalogue", str(lc["tmp"] / "cli.yaml"), "--layer",
            f"municipalities={lc['layers']['municipalities'].path}:municipalities", "--resolution", "25",
            "--out-dir", str(lc["tmp"] / "cli"), "--workers", "1"]
    assert main(args + ["--raster", f"land_cover={lc['path']}"]) == 0
    with open(lc["tmp"] / "cli" / "wind_table_criteria.csv", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    single = run(lc, [URBAN], tag="cli_ref")
    assert row["status"] == "assessed"
    assert float(row["excluded_ha"]) == pytest.approx(single.total_ha - single.eligible_ha)
    capsys.readouterr()
    assert main(args + ["--raster", "land_cove=x.tif"]) == 2
    assert "did you mean 'land_cover'" in capsys.readouterr().err


def test_scenario_rasters_reach_the_eligibility_runs(lc):
    from wip_qgis_plugin.core.jobs.runner import run_scenario
    from wip_qgis_plugin.core.scenario.spec import load_scenario

    catalogue(lc["tmp"], [URBAN], "sc.yaml")
    data = {"name": "R", "resolution_m": 25, "output_dir": "sc_out", "workers": 1,
            "layers": {"municipalities": {"path": "aoi.gpkg", "layer": "municipalities"}},
            "rasters": {"land_cover": "clc.tif"},
            "area_of_interest": {"layer": "municipalities", "name_field": "name"},
            "eligibility": {"wind": {"catalogue": "sc.yaml"}}}
    path = lc["tmp"] / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    sc = load_scenario(path)
    assert sc.runs[0].settings.rasters == {"land_cover": RasterRef(str(lc["path"].resolve()))}
    (step,) = [s for s in run_scenario(sc) if s.kind == "eligibility"]
    single = run(lc, [URBAN], tag="sc_ref")
    assert step.result["eligible_ha"] == pytest.approx(single.eligible_ha)
    assert step.result["not_assessed"] == []


def test_slope_criterion_derives_the_slope_from_the_dem(tmp_path):
    """``raster: slope`` with only a DEM: the slope is derived; the steep half (26.6°) is excluded by >= 15°."""
    left, top, res = X0 - 1000.0, Y0 + 3000.0, 50.0
    cols = np.arange(120)
    x = left + (cols + 0.5) * res
    z = np.where(x < X0 + 2000, 0.5 * (x - left), 0.5 * (X0 + 2000 - left))  # 1 in 2 west of X0 + 2000, then flat
    dem = np.tile(z, (100, 1)).astype(np.float32)
    path = tmp_path / "dem.tif"
    with rasterio.open(path, "w", driver="GTiff", width=120, height=100, count=1, dtype="float32", crs="EPSG:25832",
                       transform=from_origin(left, top, res, res), nodata=-9999.0) as ds:
        ds.write(dem, 1)
    aoi = shapely.box(X0, Y0, X0 + 4000, Y0 + 2000)
    layers = write_layers(tmp_path / "aoi.gpkg", {"municipalities": frame([aoi], name=["A"])})
    lc = {"tmp": tmp_path, "layers": layers}
    steep = {"id": "steep", "kind": "hard", "raster": "slope", "values": {">=": 15}, "buffer": "0 m"}
    result = run(lc, [steep], rasters={"dem": RasterRef(str(path))}, tag="slope")
    assert result.not_assessed == ()
    assert result.municipalities[0].criteria["steep"].excluded_ha == pytest.approx(2000 * 2000 / 1e4, rel=0.02)
    assert result.criteria[0]["input"] == f"{path} (slope derived from dem)"


def test_tiles_and_workers_do_not_change_a_raster_criterion(lc):
    one = run(lc, [URBAN], tag="t1")
    tiled = run(lc, [URBAN], tag="t2", tile_px=128, workers=2)
    with rasterio.open(lc["tmp"] / "elig_t1.tif") as a, rasterio.open(lc["tmp"] / "elig_t2.tif") as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))
    assert tiled.eligible_ha == one.eligible_ha
