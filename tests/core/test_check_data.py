"""The data check (core/eligibility/check.py, `wip check-data`): each warning once on a dirty fixture, none on
a clean one, figures against hand-computed values; the real Bayreuth extract flags building=yes."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import yaml
from conftest import CRS, X0, Y0, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.check import (
    CSV_COLUMNS,
    DataCheckOutputs,
    DataCheckSettings,
    data_check_json,
    quick_check,
    run_data_check,
)
from wip_qgis_plugin.core.eligibility.check_reads import edit_distance, near_value, uncovered_fraction
from wip_qgis_plugin.core.eligibility.check_text import table_lines, translate_check_line
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilitySettings
from wip_qgis_plugin.core.jobs.build import check_data_job, eligibility_job
from wip_qgis_plugin.core.jobs.protocol import job_outputs, run_job

OSM = Path("/work/shared/realdata/osm_north_bayreuth_2014/north-bayreuth.osm.gz")
CRITERIA = [
    {"id": "settlements", "layer": "landuse", "filter": {"landuse": ["residential"]}, "buffer": "100 m"},
    {"id": "forest", "layer": "landuse", "filter": {"landuse": ["forest"]}, "buffer": "0 m"},
    {"id": "dwellings", "layer": "buildings", "dwellings": "possible", "buffer": "200 m"},
    {"id": "houses", "layer": "buildings", "filter": {"building": ["house", "residential"]}, "buffer": "100 m"},
    {"id": "substations", "layer": "substations", "filter": {"power": ["substation"]}, "buffer": "50 m"},
    {"id": "nature", "layer": "protected_areas", "filter": {"protection_title": ["Naturschutzgebiet"]},
     "buffer": "0 m"},
    {"id": "airfields", "layer": "airfields", "filter": {"aeroway": ["aerodrome"]}, "buffer": "500 m"},
    {"id": "railways", "layer": "railways", "filter": {"railway": ["rail"]}, "buffer": "100 m"},
    {"id": "water", "layer": "water", "filter": {"natural": ["water"]}, "buffer": "0 m"},
    {"id": "motorways", "layer": "roads", "filter": {"highway": ["motorway"]}, "buffer": "100 m"},
]
ALL_KINDS = EligibilitySettings(kinds=("hard", "soft", "case_by_case"))


def catalogue_file(tmp: Path) -> Path:
    raw = {"schema": "wip-catalogue/1", "id": "check_test", "version": "1", "technology": "wind",
           "title": {"de": "Test", "en": "Test"},
           "dwelling_rule": {"dwelling": {"building": ["house", "residential"]},
                             "not_dwelling": {"building": ["garage", "shed", "barn"]}, "unknown": "dwelling",
                             "source": "test rule"},
           "criteria": [{"label": {"de": c["id"], "en": c["id"]}, "kind": "hard", "source": "test source",
                         "valid_from": "2020-01-01", **c} for c in CRITERIA]}
    path = tmp / "check_test.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def municipalities(nameless: bool = False) -> gpd.GeoDataFrame:
    geoms = [shapely.box(X0, Y0, X0 + 2000, Y0 + 1000), shapely.box(X0 + 2000, Y0, X0 + 4000, Y0 + 1000)]
    names, ags = ["Westdorf", "Ostheim"], ["15082001", "15082002"]
    if nameless:
        geoms.append(shapely.box(X0 + 6000, Y0, X0 + 7000, Y0 + 1000))
        names.append(None)
        ags.append("15082003")
    return frame(geoms, name=names, ags=ags)


def buildings(kinds: list[str]) -> gpd.GeoDataFrame:
    geoms = [shapely.box(X0 + 100 + 30 * i, Y0 + 100, X0 + 110 + 30 * i, Y0 + 110) for i in range(len(kinds))]
    return frame(geoms, building=kinds)


def clean_layers() -> dict[str, gpd.GeoDataFrame]:
    return {
        "municipalities": municipalities(),
        "landuse": frame([shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), shapely.box(X0 + 1000, Y0, X0 + 4000, Y0 + 1000)],
                         landuse=["residential", "forest"]),
        "buildings": buildings(["house"] * 4 + ["residential"] + ["garage"] * 5),
        "substations": frame([shapely.Point(X0 + 3000, Y0 + 500)], power=["substation"]),
        "protected_areas": frame([shapely.box(X0 + 3500, Y0 + 200, X0 + 3900, Y0 + 800)],
                                 protection_title=["Naturschutzgebiet"]),
        "airfields": frame([shapely.box(X0 + 4200, Y0, X0 + 4400, Y0 + 200)], aeroway=["aerodrome"]),
        "railways": frame([shapely.LineString([(X0 - 1000, Y0 + 500), (X0 + 5000, Y0 + 500)])], railway=["rail"]),
        "water": frame([shapely.box(X0 + 1500, Y0 + 400, X0 + 1600, Y0 + 500)], natural=["water"]),
        "roads": frame([shapely.LineString([(X0 + 3000, Y0 - 500), (X0 + 3000, Y0 + 1500)])], highway=["motorway"]),
    }


def dirty_layers() -> dict[str, gpd.GeoDataFrame]:
    bowtie = shapely.Polygon([(X0 + 200, Y0 + 600), (X0 + 300, Y0 + 700), (X0 + 300, Y0 + 600), (X0 + 200, Y0 + 700)])
    far = shapely.LineString([(X0 + 10_000, Y0 + 10_000), (X0 + 12_000, Y0 + 10_000)])
    return {
        "municipalities": municipalities(nameless=True),  # null_names
        "landuse": frame([shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
                          bowtie],  # half the area in no land-use polygon; one invalid geometry
                         landuse=["residential", "forest", "residential"]),
        "buildings": buildings(["house"] * 2 + ["yes"] * 98),  # 2 % dwellings by filter, 98 % building=yes
        "substations": frame([shapely.Point(X0 + 3000, Y0 + 500)], power=["sub_station"]),  # near miss, no match
        "protected_areas": frame([], protection_title=[]),  # empty layer
        # airfields: not given → not assessed
        "railways": gpd.GeoDataFrame({"railway": ["rail"]}, geometry=[far], crs=CRS).to_crs("EPSG:4326"),
        "water": frame([shapely.box(X0 + 1500, Y0 + 400, X0 + 1600, Y0 + 500)], crs=None, natural=["water"]),
        "roads": frame([shapely.LineString([(X0 + 3000, Y0 - 500), (X0 + 3000, Y0 + 1500)])], hway=["motorway"]),
    }


def check(tmp: Path, layers: dict[str, gpd.GeoDataFrame], names=(), geometry: bool = True, language: str = "en"):
    refs = write_layers(tmp / "layers.gpkg", layers)
    aoi = AreaOfInterest(refs.pop("municipalities"), "name", tuple(names))
    cat = load_catalogue(catalogue_file(tmp))
    return run_data_check(cat, refs, aoi, DataCheckOutputs(tmp / "check.csv"),
                          DataCheckSettings(ALL_KINDS, language=language, geometry=geometry)), refs, aoi, cat


DIRTY_CODES = ["null_names", "not_assessed", "invalid_geometries", "no_landuse", "building_yes_share",
               "dwelling_share", "near_miss", "no_match", "empty_layer", "crs_geographic", "nothing_in_reach",
               "crs_missing", "missing_field"]


def test_the_clean_fixture_gives_no_warning_and_the_figures(tmp_path):
    result, *_ = check(tmp_path, clean_layers())
    assert result.warnings == ()
    rows = {r.criterion: r for r in result.criteria}
    assert [r.status for r in result.criteria] == ["assessed"] * len(CRITERIA)
    assert (rows["settlements"].matched, rows["settlements"].in_reach) == (1, 2)
    assert rows["settlements"].area_ha == pytest.approx(100.0)  # 1 km × 1 km
    assert rows["forest"].area_ha == pytest.approx(300.0)
    assert rows["railways"].length_km == pytest.approx(4.2)  # 6 km line clipped to the area ± 100 m
    assert rows["motorways"].length_km == pytest.approx(1.2)  # 2 km line clipped to the area ± 100 m
    assert (rows["houses"].matched, rows["houses"].in_reach) == (5, 10)
    assert rows["dwellings"].dwellings == (5, 0, 5) and rows["dwellings"].matched == 5
    assert rows["dwellings"].area_ha == pytest.approx(5 * 0.01)
    assert rows["airfields"].matched == 1  # 200 m beyond the area, within its 500 m
    assert result.uncovered_pct == pytest.approx(0.0, abs=1e-9)
    assert result.aoi.total_ha == pytest.approx(400.0)  # 4 km × 1 km


def test_every_warning_of_the_dirty_fixture_once(tmp_path):
    result, *_ = check(tmp_path, dirty_layers(), names=("Westdorf", "Ostheim"))
    assert sorted(result.codes()) == sorted(DIRTY_CODES)
    w = {x.code: x for x in result.warnings}
    assert (w["building_yes_share"].count, round(w["building_yes_share"].share_pct, 3)) == (98, 98.0)
    assert (w["dwelling_share"].criterion, w["dwelling_share"].count, w["dwelling_share"].share_pct) == \
        ("houses", 2, 2.0)
    assert (w["near_miss"].value, w["near_miss"].known_value, w["near_miss"].criterion) == \
        ("power=sub_station", "substation", "substations")
    assert w["no_match"].criterion == "substations"
    assert w["not_assessed"].criterion == "airfields"
    assert w["empty_layer"].criterion == "nature"
    assert w["nothing_in_reach"].criterion == "railways"
    assert w["crs_geographic"].layer.endswith("layername=railways") and w["crs_geographic"].value == "EPSG:4326"
    assert w["crs_missing"].layer.endswith("layername=water")
    assert (w["missing_field"].value, w["missing_field"].criterion) == ("highway", "motorways")
    assert w["invalid_geometries"].count == 1 and w["invalid_geometries"].where.startswith("fid 3 (")
    assert w["null_names"].count == 1 and w["null_names"].where == "fid 3 ags=15082003"
    assert w["no_landuse"].share_pct == pytest.approx(50.0, abs=0.5)  # estimated on a point grid
    status = {r.criterion: r.status for r in result.criteria}
    assert status["airfields"] == "not_assessed" and status["houses"] == "assessed"


def test_the_csv_has_one_row_per_criterion_and_per_warning(tmp_path):
    result, *_ = check(tmp_path, dirty_layers(), names=("Westdorf", "Ostheim"), language="de")
    with open(tmp_path / "check.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["row_type"] for r in rows] == ["criterion"] * len(CRITERIA) + ["warning"] * len(DIRTY_CODES)
    houses = next(r for r in rows if r["row_type"] == "criterion" and r["criterion"] == "houses")
    assert (houses["matched"], houses["in_reach"], houses["status"]) == ("2", "100", "assessed")
    share = next(r for r in rows if r["code"] == "building_yes_share")
    assert share["message"].startswith("98 der 100 Gebäude der Ebene (98,0 %) sind building=yes")


def test_the_quick_check_reads_no_geometry_and_keeps_the_attribute_warnings(tmp_path):
    full, refs, aoi, cat = check(tmp_path, dirty_layers(), names=("Westdorf", "Ostheim"))
    quick = quick_check(cat, refs, aoi, ALL_KINDS)
    geometric = {"invalid_geometries", "no_landuse"}
    assert sorted(quick.codes()) == sorted(c for c in DIRTY_CODES if c not in geometric)
    assert all(r.area_ha is None for r in quick.criteria)
    assert [(r.criterion, r.in_reach, r.matched) for r in quick.criteria] == \
        [(r.criterion, r.in_reach, r.matched) for r in full.criteria]


def test_near_values():
    assert edit_distance("sub_station", "substation") == 1 and edit_distance("kitten", "sitting") == 3
    assert near_value("sub_station", ["substation"]) == "substation"
    assert near_value("resdential", ["residential", "commercial"]) == "residential"
    assert near_value("FFH Gebiet", ["FFH-Gebiet"]) == "FFH-Gebiet"
    assert near_value("III", ["I", "II"]) is None  # short codes: only case and separators
    assert near_value("pool", ["pond"]) is None  # 2 edits on 4 letters
    assert near_value("house;yes", ["house"]) is None


def test_landuse_coverage_estimate_against_shapely(tmp_path):
    rng = np.random.default_rng(7)
    area = np.asarray([shapely.box(0, 0, 5000, 3000)], dtype=object)
    cover = np.asarray([shapely.Point(x, y).buffer(r) for x, y, r in zip(rng.uniform(0, 5000, 60),
                                                                       rng.uniform(0, 3000, 60),
                                                                       rng.uniform(50, 400, 60))], dtype=object)
    exact = shapely.area(shapely.difference(area[0], shapely.union_all(cover))) / area[0].area
    assert uncovered_fraction(area, cover) == pytest.approx(exact, abs=0.003)


def test_lines_are_german_in_qgis_and_in_the_table(tmp_path):
    result, *_ = check(tmp_path, dirty_layers(), names=("Westdorf", "Ostheim"))
    line = next(x for x in result.warnings if x.code == "dwelling_share").line()
    assert line == ("Data check: criterion 'houses': only 2 of 100 buildings within reach (2.0 %) match its dwelling "
                    "filter; OSM tags most buildings building=yes, so the setback to dwellings would miss most of "
                    "them; use the catalogue's dwelling rule (dwellings: possible).")
    assert translate_check_line(line, "de").startswith("Datenprüfung: Kriterium „houses“: nur 2 von 100 Gebäuden")
    for w in result.warnings:  # every line comes back in German, and unchanged in English
        assert translate_check_line(w.line(), "de") == "Datenprüfung: " + w.text("de")
        assert translate_check_line(w.line(), "en") == w.line()
    lines = table_lines(data_check_json(result), "de")
    assert lines[0] == "Datenprüfung für Katalog check_test 1: 2 Gebiet(e), 400,0 ha"
    assert any("NICHT GEPRÜFT" in x for x in lines) and lines[-len(DIRTY_CODES) - 1] == "Warnungen (13)"


def test_the_job_and_the_cli(tmp_path, capsys):
    refs = write_layers(tmp_path / "layers.gpkg", dirty_layers())
    cat = catalogue_file(tmp_path)
    aoi = {"layer": refs["municipalities"], "name_field": "name", "names": ["Westdorf", "Ostheim"]}
    job = check_data_job({"source": str(cat)}, {r: v for r, v in refs.items() if r != "municipalities"}, aoi,
                         {"table": tmp_path / "job.csv"}, {"kinds": ["hard", "soft", "case_by_case"]}, language="de")
    assert job_outputs(job) == [tmp_path / "job.csv"]
    result = run_job(job)
    assert sorted(w["code"] for w in result["warnings"]) == sorted(DIRTY_CODES) and result["language"] == "de"
    json.dumps(result)
    from wip_qgis_plugin.cli import main

    gpkg = tmp_path / "layers.gpkg"
    args = ["check-data", "--catalogue", str(cat), "--kinds", "hard,soft,case_by_case", "--names", "Westdorf,Ostheim",
            "--out-dir", str(tmp_path / "cli")]
    args += [a for role in refs for a in ("--layer", f"{role}={gpkg}:{role}")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Data check of catalogue check_test 1: 2 area(s), 400.0 ha" in out
    assert "[near_miss] 'power=sub_station' (1 feature(s) of 'substations' within reach) is close to 'substation'" \
        in out
    assert (tmp_path / "cli" / "wind_check.csv").exists()


def test_every_eligibility_run_reports_the_warnings_at_its_start(tmp_path):
    layers = dirty_layers()
    layers["water"] = frame([shapely.box(X0 + 1500, Y0 + 400, X0 + 1600, Y0 + 500)], natural=["water"])
    layers["roads"] = clean_layers()["roads"]
    layers["landuse"] = layers["landuse"].iloc[:2]
    refs = write_layers(tmp_path / "layers.gpkg", layers)
    lines = []

    class Log:
        def report(self, fraction, message=None):
            pass

        def info(self, message):
            pass

        def warning(self, message):
            lines.append(message)

        def is_cancelled(self):
            return False

    aoi = {"layer": refs["municipalities"], "name_field": "name", "names": ["Westdorf", "Ostheim"]}
    job = eligibility_job({"source": str(catalogue_file(tmp_path))},
                          {r: v for r, v in refs.items() if r != "municipalities"}, aoi,
                          {"eligibility": tmp_path / "e.tif"}, {"resolution_m": 50, "kinds": ["hard"]})
    result = run_job(job, Log())
    codes = ["null_names", "dwelling_share", "building_yes_share", "no_match", "near_miss", "empty_layer",
             "crs_geographic", "nothing_in_reach"]  # no areas, lengths, invalid geometries or coverage at the start
    assert [w["code"] for w in result["data_check"]] == codes
    assert [x for x in lines if x.startswith("Data check: ")] == \
        ["Data check: " + w["messages"]["en"] for w in result["data_check"]]


# --- the real extract (north of Bayreuth, OSM 2014)
@pytest.fixture(scope="module")
def bayreuth(tmp_path_factory):
    from wip_qgis_plugin.core.data.sources.prepare import prepare_sources

    prepared = prepare_sources([str(OSM)], tmp_path_factory.mktemp("bayreuth"), CRS)
    layers = {r: ref for r, ref in prepared.layers.items() if r != "municipalities"}
    return layers, AreaOfInterest(prepared.layers["municipalities"])


OLD_DWELLING_FILTER = {"building": ["house", "detached", "residential", "apartments", "farm", "semidetached_house",
                                    "terrace"]}  # the preset's filter before the dwelling rule (git HEAD~12)


@pytest.mark.skipif(not OSM.exists(), reason="real OSM extract absent")
def test_bayreuth_flags_building_yes_and_the_old_dwelling_filter(bayreuth):
    layers, aoi = bayreuth
    cat = load_catalogue("wind_sachsen_anhalt")
    old = cat.with_overrides({"dwellings_2h": {"filter": OLD_DWELLING_FILTER, "dwellings": None}})
    settings = DataCheckSettings(ALL_KINDS)
    now = {w.code: w for w in run_data_check(cat, layers, aoi, None, settings).warnings}
    before = run_data_check(old, layers, aoi, None, settings)
    w = {x.code: x for x in before.warnings}
    assert (now["building_yes_share"].count, round(now["building_yes_share"].share_pct, 1)) == (4229, 99.1)
    assert now["building_yes_share"].params["total"] == 4267
    assert "dwelling_share" not in now  # the dwelling rule: 1,160 of 1,175 buildings in reach
    assert w["building_yes_share"].count == 4229
    # the oracle: buildings whose bounds meet the municipality's extent grown by 2 H (2 × 229.5 m)
    b = pyogrio.read_dataframe(layers["buildings"].path, layer="buildings")
    muni = pyogrio.read_dataframe(aoi.layer.path, layer=aoi.layer.layer)
    x0, y0, x1, y1 = muni.total_bounds + np.array([-459.0, -459.0, 459.0, 459.0])
    bb = shapely.bounds(b.geometry.values)
    near = (bb[:, 0] <= x1) & (bb[:, 2] >= x0) & (bb[:, 1] <= y1) & (bb[:, 3] >= y0)
    matched = int(b.building[near].isin(OLD_DWELLING_FILTER["building"]).sum())
    assert (w["dwelling_share"].count, w["dwelling_share"].params["in_reach"]) == (matched, int(near.sum()))
    assert (matched, int(near.sum())) == (12, 1175)
    assert w["dwelling_share"].criterion == "dwellings_2h" and w["dwelling_share"].share_pct < 5.0
    # the extract has no protected areas and no airfields: those criteria are not assessed (not "nothing there")
    assert sorted(x.criterion for x in before.warnings if x.code == "not_assessed") == \
        ["airfields", "bird_protection", "drinking_water_1_2", "ffh_areas", "ffh_buffer", "landscape_protection",
         "nature_reserves"]


@pytest.mark.skipif(not OSM.exists(), reason="real OSM extract absent")
def test_bayreuth_names_every_criterion_not_assessed(bayreuth):
    layers, aoi = bayreuth
    given = {r: ref for r, ref in layers.items() if r not in ("protected_areas", "airfields")}
    result = run_data_check(load_catalogue("wind_sachsen_anhalt"), given, aoi, None, DataCheckSettings(ALL_KINDS))
    absent = [w.criterion for w in result.warnings if w.code == "not_assessed"]
    assert absent == ["nature_reserves", "bird_protection", "drinking_water_1_2", "ffh_areas", "ffh_buffer",
                      "landscape_protection", "airfields"]
    assert [r.criterion for r in result.criteria if r.status == "not_assessed"] == absent
