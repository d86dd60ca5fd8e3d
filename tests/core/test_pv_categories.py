"""Categories of PV land (issue 19): eligible land per category, exact, overlaps counted in each and once in the
total; conversion land from OSM and from ATKIS 41005 gives the same area."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import yaml
from conftest import X0, Y0, frame, write_layers

from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args
from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.sources.profile import CANONICAL_COLUMNS
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.errors import CatalogueError
from wip_qgis_plugin.core.jobs.protocol import run_job
from wip_qgis_plugin.core.progress import NullProgress

Q = 256
AREA = shapely.box(X0, Y0, X0 + 6000, Y0 + 4000)
MOTORWAY = shapely.LineString([(X0 - 100, Y0 + 2000), (X0 + 6100, Y0 + 2000)])
MINE = shapely.box(X0 + 3000, Y0 + 1800, X0 + 5000, Y0 + 3800)    # straddles the corridor's northern half
PIT = shapely.box(X0 + 300, Y0 + 3200, X0 + 1300, Y0 + 3900)      # outside every corridor


def test_categories_are_exact_and_overlaps_count_once_in_the_total(tmp_path):
    layers = write_layers(tmp_path / "pv.gpkg", {
        "municipalities": frame([AREA], name=["Tagebaudorf"], ags=["15082999"]),
        "roads": frame([MOTORWAY], highway=["motorway"]),
        "landuse": frame([MINE, PIT], landuse=["quarry", "brownfield"])})
    cat = load_catalogue("pv_ground")
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, tmp_path / "t.csv")
    res = run_eligibility(cat, layers, AreaOfInterest(layers["municipalities"], "name"), outs,
                          EligibilitySettings(resolution_m=5.0, workers=1, kinds=("hard",)))
    ban = MOTORWAY.buffer(40 + 15, quad_segs=Q)                   # FStrG § 9 building ban from the edge
    corridor = MOTORWAY.buffer(500 + 15, quad_segs=Q).intersection(AREA).difference(ban)
    conversion = shapely.union_all([MINE, PIT]).intersection(AREA).difference(ban)
    m = res.municipalities[0]
    assert m.categories["corridor"] == pytest.approx(corridor.area / 1e4, rel=0.003)
    assert m.categories["conversion"] == pytest.approx(conversion.area / 1e4, rel=0.003)
    union = shapely.union_all([corridor, conversion]).area / 1e4
    assert m.eligible_ha == pytest.approx(union, rel=0.003)
    assert m.eligible_ha < m.categories["corridor"] + m.categories["conversion"] - 10   # the overlap once
    table = pd.read_csv(tmp_path / "t.csv")
    assert list(table.columns[5:7]) == ["eligible_corridor_ha", "eligible_conversion_ha"]
    assert table["eligible_conversion_ha"].iloc[-1] == pytest.approx(m.categories["conversion"], abs=0.01)


def test_only_a_permitted_zone_has_a_category(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({
        "extends": "pv_ground", "schema": "wip-catalogue/1", "id": "c", "version": "1", "technology": "pv_ground",
        "title": {"de": "c", "en": "c"},
        "criteria": [{"id": "forest", "category": "wald"}, {"id": "conversion_land", "category": "ehemals tagebau"}]}),
        encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert "forest).category: only a permitted zone" in str(err.value)
    assert "'ehemals tagebau' must be a word" in str(err.value)


def test_conversion_land_from_atkis_41005_equals_osm_quarry(tmp_path):
    crs = "EPSG:25832"
    muni = tmp_path / "gemeinde.gpkg"
    gpd.GeoDataFrame({"name": ["Tagebaudorf"], "ags": ["15082999"]}, geometry=[AREA], crs=crs).to_file(
        muni, layer="municipalities", driver="GPKG")
    osm = tmp_path / "osm.gpkg"
    empty = dict.fromkeys(CANONICAL_COLUMNS["landuse"])
    gpd.GeoDataFrame([{**empty, "landuse": "quarry", "geometry": MINE}], geometry="geometry", crs=crs).to_file(
        osm, layer="landuse", driver="GPKG")
    gpd.GeoDataFrame([{**dict.fromkeys(CANONICAL_COLUMNS["roads"]), "highway": "motorway", "geometry": MOTORWAY}],
                     geometry="geometry", crs=crs).to_file(osm, layer="roads", driver="GPKG")
    gpd.GeoDataFrame({"name": ["Tagebaudorf"], "ags": ["15082999"]}, geometry=[AREA], crs=crs).to_file(
        osm, layer="municipalities", driver="GPKG")
    dlm = tmp_path / "basis_dlm.gpkg"
    gpd.GeoDataFrame([{"LAND": "15", "OBJART": 41005, "OBJID": "DEST1", "geometry": MINE}], geometry="geometry",
                     crs=crs).to_file(dlm, layer="sie02_f", driver="GPKG")
    gpd.GeoDataFrame([{"LAND": "15", "OBJART": 42003, "WDM": 1301, "OBJID": "DEST2", "geometry": MOTORWAY}],
                     geometry="geometry", crs=crs).to_file(dlm, layer="ver01_l", driver="GPKG")

    def run(out, *args):
        argv = ["eligibility", "--catalogue", "pv_ground", "--resolution", "5", "--workers", "1", "--min-area", "0",
                "--kinds", "hard", "--out-dir", str(out), *args]
        job, _ = eligibility_job_from_args(build_parser().parse_args(argv))
        run_job(job, NullProgress())
        return pd.read_csv(out / "pv_ground_table.csv").iloc[0]

    from_osm = run(tmp_path / "osm_out", "--gpkg", str(osm))
    from_atkis = run(tmp_path / "atkis_out", "--layer", f"municipalities={muni}:municipalities", "--source", str(dlm))
    expected = MINE.intersection(AREA).difference(MOTORWAY.buffer(55, quad_segs=Q)).area / 1e4
    assert from_osm["eligible_conversion_ha"] == pytest.approx(expected, rel=0.005)
    assert from_atkis["eligible_conversion_ha"] == pytest.approx(from_osm["eligible_conversion_ha"], abs=1e-6)
    assert from_atkis["eligible_ha"] == pytest.approx(from_osm["eligible_ha"], abs=1e-6)


# --- the categories of issue 19, point 1: every one matched from OSM (GDAL layout) and from ATKIS codes -----------
QUARRY = shapely.box(X0 + 300, Y0 + 3000, X0 + 1300, Y0 + 3800)       # landuse=quarry / 41005
HEAP = shapely.box(X0 + 1600, Y0 + 3000, X0 + 2400, Y0 + 3700)       # man_made=spoil_heap / 41003 Halde
FIELD = shapely.box(X0 + 3000, Y0 + 2800, X0 + 5800, Y0 + 3900)      # landuse=farmland / 43001 VEG 1010
MEADOW = shapely.box(X0 + 300, Y0 + 200, X0 + 1500, Y0 + 900)        # landuse=meadow / 43001 VEG 1020
TOWN = shapely.box(X0 + 2500, Y0 + 100, X0 + 3500, Y0 + 900)         # landuse=residential / 41001
LOT_TOWN = shapely.box(X0 + 2800, Y0 + 300, X0 + 2900, Y0 + 420)     # 1.2 ha surface lot inside the town
LOT_BIG = shapely.box(X0 + 4000, Y0 + 300, X0 + 4100, Y0 + 400)      # 1 ha, no parking=* (a surface lot)
LOT_SMALL = shapely.box(X0 + 4300, Y0 + 300, X0 + 4325, Y0 + 330)    # 0.075 ha: below 36 spaces × 25 m²
LOT_UNDER = shapely.box(X0 + 4500, Y0 + 300, X0 + 4600, Y0 + 400)    # parking=underground (OSM only)
DISADVANTAGED = shapely.box(X0, Y0 + 2600, X0 + 6000, Y0 + 4000)     # the user's layer of benachteiligte Gebiete


def _hstore(tags: dict) -> str | None:
    return ",".join(f'"{k}"=>"{v}"' for k, v in tags.items()) or None


@pytest.fixture(scope="module")
def two_schemas(tmp_path_factory):
    """The same land as GDAL reads an OSM file (columns + other_tags) and as an ATKIS Basis-DLM export."""
    root = tmp_path_factory.mktemp("pv_categories")
    crs = "EPSG:25832"
    muni = root / "gemeinde.gpkg"
    gpd.GeoDataFrame({"name": ["Tagebaudorf"], "ags": ["15082999"]}, geometry=[AREA], crs=crs).to_file(
        muni, layer="municipalities", driver="GPKG")
    gpd.GeoDataFrame({"name": ["Benachteiligt"]}, geometry=[DISADVANTAGED], crs=crs).to_file(
        muni, layer="benachteiligte_gebiete", driver="GPKG")
    osm = root / "extract.gpkg"  # ogr2ogr extract.gpkg extract.osm.pbf: keys of osmconf.ini as columns
    polys = [({"landuse": "quarry"}, {}, QUARRY), ({"man_made": "spoil_heap"}, {}, HEAP),
             ({"landuse": "farmland"}, {}, FIELD), ({"landuse": "meadow"}, {}, MEADOW),
             ({"landuse": "residential"}, {}, TOWN), ({"amenity": "parking"}, {"parking": "surface"}, LOT_TOWN),
             ({"amenity": "parking"}, {}, LOT_BIG), ({"amenity": "parking"}, {}, LOT_SMALL),
             ({"amenity": "parking"}, {"parking": "underground"}, LOT_UNDER)]
    rows = [{"osm_id": None, "osm_way_id": str(k + 1), "name": None, "landuse": None, "man_made": None,
             "amenity": None, **cols, "other_tags": _hstore(other), "geometry": g} for k, (cols, other, g) in
            enumerate(polys)]
    gpd.GeoDataFrame(rows, geometry="geometry", crs=crs).to_file(osm, layer="multipolygons", driver="GPKG")
    gpd.GeoDataFrame([{"osm_id": "1", "name": "A 9", "highway": "motorway", "other_tags": '"ref"=>"A 9"',
                       "geometry": MOTORWAY}], geometry="geometry", crs=crs).to_file(osm, layer="lines", driver="GPKG")
    dlm = root / "basis_dlm.gpkg"
    atkis = {"sie02_f": [(41005, {}, QUARRY), (41003, {}, HEAP), (41001, {}, TOWN)],
             "veg01_f": [(43001, {"VEG": 1010}, FIELD), (43001, {"VEG": 1020}, MEADOW)],
             "ver02_f": [(42009, {"FKT": 5310}, LOT_TOWN), (42009, {"FKT": 5310}, LOT_BIG),
                         (42009, {"FKT": 5310}, LOT_SMALL)],
             "ver01_l": [(42003, {"WDM": 1301}, MOTORWAY)]}
    for layer, feats in atkis.items():
        fields = sorted({k for _, attrs, _ in feats for k in attrs})
        gpd.GeoDataFrame([{"LAND": "15", "OBJART": code, "OBJID": f"DEST{layer}{k}", **dict.fromkeys(fields),
                           **attrs, "geometry": g} for k, (code, attrs, g) in enumerate(feats)],
                         geometry="geometry", crs=crs).to_file(dlm, layer=layer, driver="GPKG")
    return {"muni": muni, "osm": osm, "dlm": dlm}


def _run(out, source, muni, *extra):
    argv = ["eligibility", "--catalogue", "pv_ground", "--resolution", "5", "--workers", "1", "--min-area", "0",
            "--kinds", "hard", "--out-dir", str(out), "--layer", f"municipalities={muni}:municipalities",
            "--source", str(source), *extra]
    job, _ = eligibility_job_from_args(build_parser().parse_args(argv))
    return run_job(job, NullProgress()), pd.read_csv(out / "pv_ground_table.csv").iloc[0]


def _oracle() -> dict[str, shapely.Geometry]:
    ban = MOTORWAY.buffer(40 + 15, quad_segs=Q)
    town = TOWN.difference(LOT_TOWN)                      # the settlement criterion spares the parking lot
    excluded = shapely.union_all([ban, town])
    zones = {"corridor": MOTORWAY.buffer(500 + 15, quad_segs=Q).intersection(AREA),
             "conversion": shapely.union_all([QUARRY, HEAP]), "agri_pv": shapely.union_all([FIELD, MEADOW]),
             "parking": shapely.union_all([LOT_TOWN, LOT_BIG])}
    return {k: z.difference(excluded) for k, z in zones.items()}


def test_every_category_from_osm_gdal_and_from_atkis_is_the_exact_area(two_schemas, tmp_path):
    from_osm, osm_row = _run(tmp_path / "osm", two_schemas["osm"], two_schemas["muni"])
    from_atkis, atkis_row = _run(tmp_path / "atkis", two_schemas["dlm"], two_schemas["muni"])
    oracle = _oracle()
    for cat, geom in oracle.items():
        assert osm_row[f"eligible_{cat}_ha"] == pytest.approx(geom.area / 1e4, rel=0.003), cat
        assert atkis_row[f"eligible_{cat}_ha"] == pytest.approx(osm_row[f"eligible_{cat}_ha"], abs=1e-6), cat
    # agri-PV is counted only (opens: false): measured on land free of every exclusion, opening nothing
    opened = [g for cat, g in oracle.items() if cat != "agri_pv"]
    assert osm_row["eligible_ha"] == pytest.approx(shapely.union_all(opened).area / 1e4, rel=0.003)
    assert atkis_row["eligible_ha"] == pytest.approx(osm_row["eligible_ha"], abs=1e-6)
    # the small lot (0.075 ha < 0.09 ha) and the underground garage open nothing
    assert osm_row["eligible_parking_ha"] == pytest.approx((LOT_TOWN.area + LOT_BIG.area) / 1e4, rel=1e-9)
    # no layer of the disadvantaged areas: the zone is not assessed, said in the result, and opens nothing (the
    # engine leaves the category's column out then; the parking zone and its exception are assessed)
    for res, row in ((from_osm, osm_row), (from_atkis, atkis_row)):
        missing = [a["criterion"] for a in res["not_assessed"]]
        assert "disadvantaged_farmland" in missing and "parking_lots" not in missing
        assert row.get("eligible_disadvantaged_ha", 0.0) == 0.0


def test_disadvantaged_areas_from_the_users_layer(two_schemas, tmp_path):
    _, row = _run(tmp_path / "dis", two_schemas["osm"], two_schemas["muni"],
                  "--layer", f"disadvantaged_areas={two_schemas['muni']}:benachteiligte_gebiete")
    assert row["eligible_disadvantaged_ha"] == pytest.approx(DISADVANTAGED.area / 1e4, rel=1e-9)
    opened = [g for cat, g in _oracle().items() if cat != "agri_pv"]   # agri-PV opens no land
    assert row["eligible_ha"] == pytest.approx(shapely.union_all([*opened, DISADVANTAGED]).area / 1e4, rel=0.003)


def test_the_categories_block_gives_law_system_density_and_cap():
    cat = load_catalogue("pv_ground")
    assert list(cat.categories) == ["corridor", "conversion", "disadvantaged", "agri_pv", "parking"]
    agri = cat.categories["agri_pv"]
    assert (agri.system, agri.density_mwp_per_ha, agri.valid_from.isoformat()) == ("agri_vertical", 0.30, "2023-01-01")
    assert "§ 37 Abs. 1 Nr. 3" in cat.source_text(agri.law)
    assert agri.capacity_mwp(10.0) == pytest.approx(3.0)
    assert [c for c, v in cat.categories.items() if not v.opens] == ["agri_pv"]     # counted only
    cap = cat.categories["disadvantaged"].cap
    assert cap is not None and cap.per_year_mw == {"ST": 100.0, "SN": 180.0, "TH": 180.0}
    assert "100 MW" in cap.text.en and "FFAVO" in cat.source_text(cap.source)
    assert cat.categories["parking"].density_mwp_per_ha == 1.0
    assert {c.category for c in cat.criteria if c.kind == "permitted"} == set(cat.categories)
    bplan = load_catalogue("pv_ground_bplan")
    assert list(bplan.categories)[-1] == "bplan" and bplan.criterion("bplan_municipal_area").layer == "municipalities"


def test_categories_block_problems_are_reported_at_once(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({
        "extends": "pv_ground", "schema": "wip-catalogue/1", "id": "c", "version": "1", "technology": "pv_ground",
        "title": {"de": "c", "en": "c"},
        "criteria": [{"id": "moor", "label": {"de": "Moor", "en": "Moor"}, "kind": "permitted", "category": "moor",
                      "layer": "landuse", "filter": {"landuse": ["bog"]}, "buffer": "0 m", "source": "bplan",
                      "valid_from": "2023-01-01"}],
        "categories": {
            "agri_pv": {"label": {"de": "a", "en": "a"}, "law": "eeg2023_37_agri", "valid_from": "2023-01-01",
                        "system": "agri_vertikal", "density": {"value": 0.3, "source": "pv_systems_agri_vertical"}},
            "parking": {"label": {"de": "p", "en": "p"}, "law": "eeg_parkplatz", "valid_from": "2023-01-01",
                        "system": "fixed_south", "density": {"value": "10 MW"}, "opens": "nein"},
            "gruen": {"label": {"de": "g", "en": "g"}, "law": "bplan", "system": "fixed_south",
                      "density": {"value": "73 MWp/km²", "source": "carport_density"},
                      "cap": {"text": {"de": "x", "en": "x"}, "per_year": {"XX": "5 MW"}, "source": "bplan"}}}}),
        encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    text = str(err.value)
    assert "categories.agri_pv.system: 'agri_vertikal' is not a PV system of presets/pv_systems.yml (did you mean " \
           "'agri_vertical'?)" in text
    assert "categories.agri_pv.density.value: 0.3 has no unit" in text
    assert "categories.parking.law: 'eeg_parkplatz' is not a key of 'sources'" in text
    assert "categories.parking.density.value: '10 MW' is a power, but this value is a capacity per land area" in text
    assert "categories.parking.density.source: required" in text
    assert "categories.parking.opens: 'nein' must be true (the zones open land) or false (counted only)" in text
    assert "categories.gruen.valid_from: required" in text
    assert "categories.gruen.cap.per_year.XX: not a Land" in text
    assert "criteria (moor).category: 'moor' is not declared in 'categories'" in text
