"""Source profiles (core/data/sources): other_tags parsing, detection of each shipped profile from tiny files
written here in the real schemas, the canonical tags they map to, and the problems of a profile file."""
from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, box

from wip_qgis_plugin.core.data.sources.detect import detect_source
from wip_qgis_plugin.core.data.sources.prepare import prepare_sources
from wip_qgis_plugin.core.data.sources.profile import load_source_profile, parse_source_profile, profile_ids
from wip_qgis_plugin.core.data.sources.tags import parse_hstore
from wip_qgis_plugin.core.errors import InputError, SpecError

CRS = "EPSG:25832"
X0, Y0 = 680_000.0, 5_540_000.0  # Bayreuth, UTM 32N


def sq(i: int, size: float = 50.0):
    return box(X0 + 100 * i, Y0, X0 + 100 * i + size, Y0 + size)


def line(i: int):
    return LineString([(X0 + 100 * i, Y0 + 500), (X0 + 100 * i + 80, Y0 + 520)])


def write(path: Path, rows: list[dict], layer: str | None = None, crs: str = CRS) -> None:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    pyogrio.write_dataframe(frame, path, layer=layer)


def tags_of(prepared, role: str, key: str) -> list:
    frame = pyogrio.read_dataframe(prepared.layers[role].path, layer=prepared.layers[role].layer)
    return [None if v is None or v != v else v for v in frame[key]]


# ------------------------------------------------------------------------------------ other_tags
@pytest.mark.parametrize("text, expected", [
    ('"power"=>"line","voltage"=>"110000"', {"power": "line", "voltage": "110000"}),
    ('"name"=>"Am \\"Wald\\", Süd"', {"name": 'Am "Wald", Süd'}),
    ('"note"=>"a,b=>c","x"=>"1"', {"note": "a,b=>c", "x": "1"}),
    ('"fixme"=>NULL,"ref"=>"B 85"', {"fixme": None, "ref": "B 85"}),
    ('"path"=>"C:\\\\temp"', {"path": "C:\\temp"}),
    ('"de:amtlicher_gemeindeschluessel"=>"09472150"', {"de:amtlicher_gemeindeschluessel": "09472150"}),
    (None, {}), ("", {}), (float("nan"), {}),
])
def test_other_tags_are_parsed_like_postgresql_hstore(text, expected):
    assert parse_hstore(text) == expected


# --------------------------------------------------------------------------------- fixtures
@pytest.fixture
def gdal_gpkg(tmp_path):
    path = tmp_path / "bayreuth.gpkg"
    write(path, [
        {"osm_id": None, "osm_way_id": "1", "name": "Hof", "building": "yes", "landuse": None, "natural": None,
         "boundary": None, "admin_level": None, "other_tags": '"addr:street"=>"Hauptstraße"', "geometry": sq(0)},
        {"osm_id": None, "osm_way_id": "2", "name": None, "building": "no", "landuse": None, "natural": None,
         "boundary": None, "admin_level": None, "other_tags": None, "geometry": sq(1)},
        {"osm_id": None, "osm_way_id": "3", "name": "Wohngebiet", "building": None, "landuse": "residential",
         "natural": None, "boundary": None, "admin_level": None, "other_tags": None, "geometry": sq(2)},
        {"osm_id": None, "osm_way_id": "4", "name": None, "building": None, "landuse": None, "natural": "wood",
         "boundary": None, "admin_level": None, "other_tags": '"wood"=>"mixed"', "geometry": sq(3)},
        {"osm_id": None, "osm_way_id": "5", "name": None, "building": None, "landuse": None, "natural": None,
         "boundary": None, "admin_level": None, "other_tags": '"power"=>"sub_station","voltage"=>"110000;20000"',
         "geometry": sq(4)},
        {"osm_id": None, "osm_way_id": "6", "name": "Weiher", "building": None, "landuse": None, "natural": "water",
         "boundary": None, "admin_level": None, "other_tags": '"water"=>"pond"', "geometry": sq(5)},
        {"osm_id": "62", "osm_way_id": None, "name": "Heinersreuth", "building": None, "landuse": None,
         "natural": None, "boundary": "administrative", "admin_level": "8",
         "other_tags": '"de:amtlicher_gemeindeschluessel"=>"09472150","population"=>"3978"',
         "geometry": box(X0 - 1000, Y0 - 1000, X0 + 2000, Y0 + 2000)},
        {"osm_id": "7", "osm_way_id": None, "name": "NSG Test", "building": None, "landuse": None, "natural": None,
         "boundary": "protected_area", "admin_level": None,
         "other_tags": '"protection_title"=>"Naturschutzgebiet","protect_class"=>"4"', "geometry": sq(6)},
    ], layer="multipolygons")
    write(path, [
        {"osm_id": "10", "name": "B 85", "highway": "primary", "waterway": None, "railway": None,
         "other_tags": '"ref"=>"B 85"', "geometry": line(0)},
        {"osm_id": "11", "name": None, "highway": None, "waterway": None, "railway": "rail",
         "other_tags": '"tracks"=>"2","usage"=>"main"', "geometry": line(1)},
        {"osm_id": "12", "name": None, "highway": None, "waterway": None, "railway": None,
         "other_tags": '"power"=>"line","voltage"=>"110000","cables"=>"6"', "geometry": line(2)},
        {"osm_id": "13", "name": "Roter Main", "highway": None, "waterway": "river", "railway": None,
         "other_tags": None, "geometry": line(3)},
        {"osm_id": "14", "name": None, "highway": None, "waterway": None, "railway": "abandoned",
         "other_tags": None, "geometry": line(4)},
    ], layer="lines")
    write(path, [
        {"osm_id": "20", "name": None, "highway": None,
         "other_tags": '"power"=>"generator","generator:source"=>"wind"', "geometry": Point(X0, Y0 + 900)},
        {"osm_id": "21", "name": "UW", "highway": None, "other_tags": '"power"=>"substation"',
         "geometry": Point(X0 + 50, Y0 + 900)},
    ], layer="points")
    return path


def test_gdal_osm_layers_are_detected_and_the_detection_line_names_the_roles(gdal_gpkg):
    match = detect_source(gdal_gpkg)
    assert match.profile.id == "osm_gdal"
    assert match.describe().startswith("bayreuth.gpkg: OSM (GDAL driver) — 3 layers → municipalities, landuse, "
                                       "buildings, roads, railways, power_lines, substations, water, waterways, ")


def test_gdal_osm_other_tags_become_canonical_columns(gdal_gpkg, tmp_path):
    out = prepare_sources([gdal_gpkg], tmp_path / "work", CRS)
    assert tags_of(out, "buildings", "building") == ["yes"]  # building=no is no building
    assert out.counts["buildings"].dropped["not selected by the profile"] == 7
    assert sorted(tags_of(out, "landuse", "landuse")) == ["forest", "residential"]  # natural=wood → forest
    assert tags_of(out, "roads", "highway") == ["primary"] and tags_of(out, "roads", "ref") == ["B 85"]
    assert tags_of(out, "railways", "tracks") == ["2"]  # railway=abandoned is not a railway
    assert tags_of(out, "power_lines", "voltage") == ["110000"]
    assert sorted(tags_of(out, "substations", "power")) == ["substation", "substation"]  # sub_station spelling
    assert tags_of(out, "substations", "voltage").count("110000;20000") == 1
    assert tags_of(out, "water", "water") == ["pond"]
    assert tags_of(out, "protected_areas", "protection_title") == ["Naturschutzgebiet"]
    assert tags_of(out, "wind_turbines", "generator:source") == ["wind"]
    assert tags_of(out, "municipalities", "name") == ["Heinersreuth"]
    assert tags_of(out, "municipalities", "ags") == ["09472150"]
    assert tags_of(out, "municipalities", "population") == ["3978"]
    # covered, but no feature: left out (its criteria are not assessed) and said; the count stays
    assert "airfields" not in out.layers and "settlements" not in out.layers
    assert "airfields" not in [name for name, _ in pyogrio.list_layers(out.gpkg)]
    assert out.counts["airfields"].kept == 0
    assert any(n.startswith("no feature in the sources for: ") and "airfields" in n and "not assessed" in n
               for n in out.notes)
    assert any("Heinersreuth (09472150)" in n for n in out.notes)


def test_an_explicit_profile_is_used_and_said(gdal_gpkg):
    match = detect_source(gdal_gpkg, "osm_quickosm")
    assert match.profile.id == "osm_quickosm" and "(named)" in match.describe()


@pytest.fixture
def quickosm_gpkg(tmp_path):
    path = tmp_path / "quickosm.gpkg"
    write(path, [
        {"full_id": "w1", "osm_id": "1", "osm_type": "way", "building": "house", "landuse": None, "geometry": sq(0)},
        {"full_id": "w2", "osm_id": "2", "osm_type": "way", "building": "yes", "landuse": "farmyard",
         "geometry": sq(1)},
    ], layer="building_heinersreuth")
    write(path, [
        {"full_id": "w2", "osm_id": "2", "osm_type": "way", "landuse": "farmyard", "building": "yes",
         "geometry": sq(1)},
        {"full_id": "w3", "osm_id": "3", "osm_type": "way", "landuse": "industrial", "building": None,
         "geometry": sq(2)},
    ], layer="landuse_heinersreuth")
    write(path, [
        {"full_id": "w9", "osm_id": "9", "osm_type": "way", "railway": "rail", "geometry": line(0)},  # no tracks column
    ], layer="railway_heinersreuth")
    return path


def test_quickosm_layers_tags_as_columns_missing_columns_and_duplicates(quickosm_gpkg, tmp_path):
    match = detect_source(quickosm_gpkg)
    assert match.profile.id == "osm_quickosm"
    # a landuse layer may hold landuse=reservoir: it can give water too (0 features here)
    assert set(match.roles) == {"landuse", "buildings", "railways", "water"}
    out = prepare_sources([quickosm_gpkg], tmp_path / "w", CRS)
    assert sorted(tags_of(out, "buildings", "building")) == ["house", "yes"]  # w2 once, not from both layers
    assert out.counts["buildings"].dropped["duplicate of a feature in another layer"] == 1
    assert sorted(tags_of(out, "landuse", "landuse")) == ["farmyard", "industrial"]
    assert tags_of(out, "railways", "tracks") == [None]
    assert out.counts["water"].kept == 0


def geofabrik_rows():
    return {
        "gis_osm_buildings_a_free_1": [
            {"osm_id": "1", "code": 1500, "fclass": "building", "name": None, "type": None, "geometry": sq(0)},
            {"osm_id": "2", "code": 1500, "fclass": "building", "name": None, "type": "garage", "geometry": sq(1)}],
        "gis_osm_landuse_a_free_1": [
            {"osm_id": "3", "code": 7203, "fclass": "residential", "name": None, "geometry": sq(2)},
            {"osm_id": "4", "code": 7202, "fclass": "park", "name": None, "geometry": sq(3)},
            {"osm_id": "5", "code": 7201, "fclass": "forest", "name": None, "geometry": sq(4)}],
        "gis_osm_natural_a_free_1": [
            {"osm_id": "6", "code": 4121, "fclass": "wood", "name": None, "geometry": sq(5)}],
        "gis_osm_roads_free_1": [
            {"osm_id": "7", "code": 5112, "fclass": "trunk", "name": None, "ref": "B 2", "geometry": line(0)},
            {"osm_id": "8", "code": 5142, "fclass": "track_grade2", "name": None, "ref": None, "geometry": line(1)}],
        "gis_osm_water_a_free_1": [
            {"osm_id": "9", "code": 8201, "fclass": "reservoir", "name": None, "geometry": sq(6)},
            {"osm_id": "10", "code": 8221, "fclass": "wetland", "name": None, "geometry": sq(7)}],
    }


def check_geofabrik(out):
    assert sorted(tags_of(out, "buildings", "building")) == ["garage", "yes"]  # empty type = building=yes
    assert sorted(tags_of(out, "landuse", "landuse")) == ["forest", "forest", "residential"]  # park is no landuse
    assert tags_of(out, "roads", "highway") == ["trunk", "track"]
    assert tags_of(out, "water", "natural") == ["water"] and tags_of(out, "water", "water") == ["reservoir"]


def test_geofabrik_shapefiles_in_a_folder_and_in_the_zip(tmp_path):
    folder = tmp_path / "oberfranken-latest-free.shp"
    folder.mkdir()
    for name, rows in geofabrik_rows().items():
        write(folder / f"{name}.shp", rows)
    match = detect_source(folder)
    assert match.profile.id == "osm_geofabrik"
    assert match.roles == {"landuse": ("gis_osm_landuse_a_free_1", "gis_osm_natural_a_free_1"),
                           "buildings": ("gis_osm_buildings_a_free_1",), "roads": ("gis_osm_roads_free_1",),
                           "water": ("gis_osm_water_a_free_1",), "protected_areas": ("gis_osm_landuse_a_free_1",)}
    check_geofabrik(prepare_sources([folder], tmp_path / "w1", CRS))
    archive = tmp_path / "oberfranken-latest-free.shp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    assert detect_source(archive).profile.id == "osm_geofabrik"
    check_geofabrik(prepare_sources([archive], tmp_path / "w2", CRS))


def test_atkis_basis_dlm_codes_become_osm_tags(tmp_path):
    folder = tmp_path / "dlm"
    folder.mkdir()
    write(folder / "sie02_f.shp", [
        {"OBJART": 41001, "OBJART_TXT": "AX_Wohnbauflaeche", "OBJID": "A1", "NAM": None, "geometry": sq(0)},
        {"OBJART": 41002, "OBJART_TXT": "AX_IndustrieUndGewerbeflaeche", "OBJID": "A2", "NAM": None, "geometry": sq(1)},
        {"OBJART": 41006, "OBJART_TXT": "AX_FlaecheGemischterNutzung", "OBJID": "A3", "NAM": None, "geometry": sq(2)},
        {"OBJART": 41005, "OBJART_TXT": "AX_TagebauGrubeSteinbruch", "OBJID": "A4", "NAM": None, "geometry": sq(3)},
        {"OBJART": 41008, "OBJART_TXT": "AX_SportFreizeitUndErholungsflaeche", "OBJID": "A5", "NAM": None,
         "geometry": sq(4)}])
    write(folder / "veg02_f.shp", [{"OBJART": 43002, "OBJART_TXT": "AX_Wald", "OBJID": "B1", "geometry": sq(5)}])
    write(folder / "gew01_f.shp", [
        {"OBJART": 44006, "OBJART_TXT": "AX_StehendesGewaesser", "OBJID": "C1", "geometry": sq(6)},
        {"OBJART": 44001, "OBJART_TXT": "AX_Fliessgewaesser", "OBJID": "C2", "geometry": sq(7)}])
    write(folder / "ver01_l.shp", [
        {"OBJART": 42003, "OBJID": "D1", "WDM": 1301, "BEZ": "A9", "geometry": line(0)},
        {"OBJART": 42003, "OBJID": "D2", "WDM": 1303, "BEZ": "B85", "geometry": line(1)},
        {"OBJART": 42003, "OBJID": "D3", "WDM": 1307, "BEZ": None, "geometry": line(2)}])
    write(folder / "ver03_l.shp", [{"OBJART": 42014, "OBJART_TXT": "AX_Bahnstrecke", "OBJID": "E1", "BKT": 1100,
                                    "geometry": line(3)}])
    write(folder / "sie03_l.shp", [{"OBJART": 51005, "OBJART_TXT": "AX_Leitung", "OBJID": "F1", "SPG": 110,
                                    "geometry": line(4)}])
    assert detect_source(folder).profile.id == "atkis_basis_dlm"
    out = prepare_sources([folder], tmp_path / "w", CRS)
    assert tags_of(out, "landuse", "landuse") == ["residential", "industrial", "residential", "quarry", "forest"]
    assert tags_of(out, "water", "water") == ["lake", "river"] and tags_of(out, "water", "natural") == ["water"] * 2
    assert tags_of(out, "roads", "highway") == ["motorway", "primary", "unclassified"]
    assert tags_of(out, "roads", "ref") == ["A9", "B85", None]
    assert tags_of(out, "railways", "railway") == ["rail"]
    assert tags_of(out, "power_lines", "power") == ["line"] and tags_of(out, "power_lines", "voltage") == ["110000"]
    # polygon layers only: 41008 and the two water areas are read and not selected
    assert out.counts["landuse"].read == 8 and out.counts["landuse"].dropped["not selected by the profile"] == 3


def test_alkis_gebaeudefunktion_becomes_building_values(tmp_path):
    path = tmp_path / "gebaeude.shp"
    codes = [1010, 1122, 1313, 2463, 2721, 2100, 3020, 9998, None]
    write(path, [{"OBJART": 31001, "GFK": c, "geometry": sq(i)} for i, c in enumerate(codes)])
    assert detect_source(path).profile.id == "alkis_buildings"
    out = prepare_sources([path], tmp_path / "w", CRS)
    assert tags_of(out, "buildings", "building") == ["residential", "residential", "hut", "garage", "barn",
                                                     "commercial", "public", "yes", "yes"]
    lower = tmp_path / "alkis.gpkg"
    write(lower, [{"gebaeudefunktion": 1000, "geometry": sq(0)}], layer="ax_gebaeude")
    assert tags_of(prepare_sources([lower], tmp_path / "w2", CRS), "buildings", "building") == ["residential"]


def test_authority_layers_get_their_category_from_the_file_name_or_the_named_part(tmp_path):
    nsg = tmp_path / "NSG_Oberfranken.shp"
    write(nsg, [{"NAME": "Ködeltal", "geometry": sq(0)}, {"NAME": "Tal", "geometry": sq(1)}])
    wsg = tmp_path / "twsg_zonen.shp"
    write(wsg, [{"ZONE": "2", "geometry": sq(2)}, {"ZONE": "3A", "geometry": sq(3)}])
    assert detect_source(nsg).profile.id == "authority_layer"
    out = prepare_sources([nsg, wsg], tmp_path / "w", CRS)
    assert tags_of(out, "protected_areas", "protection_title") == ["Naturschutzgebiet"] * 2 + ["Wasserschutzgebiet"] * 2
    assert tags_of(out, "protected_areas", "zone") == [None, None, "II", "IIIA"]
    assert tags_of(out, "protected_areas", "name")[:2] == ["Ködeltal", "Tal"]
    plain = tmp_path / "schutzgebiete_2024.shp"
    write(plain, [{"id": 1, "geometry": sq(0)}])
    with pytest.raises(InputError, match="no source profile recognises"):
        detect_source(plain)
    out = prepare_sources([{"path": str(plain), "profile": "authority_layer:lsg"}], tmp_path / "w2", CRS)
    assert tags_of(out, "protected_areas", "protection_title") == ["Landschaftsschutzgebiet"]
    with pytest.raises(InputError, match="has no part 'xyz'; parts: ffh, lsg, np, nsg, spa, wsg"):
        detect_source(plain, "authority_layer:xyz")


def test_the_bbox_limits_what_is_read(gdal_gpkg, tmp_path):
    out = prepare_sources([gdal_gpkg], tmp_path / "w", CRS, bbox=(X0, Y0, X0 + 150, Y0 + 60))
    assert tags_of(out, "buildings", "building") == ["yes"]
    assert out.counts["landuse"].kept == 0 and out.counts["municipalities"].kept == 1


def test_a_missing_source_and_a_layer_without_crs_are_refused_by_name(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        detect_source(tmp_path / "nope.osm")
    path = tmp_path / "gis_osm_roads_free_1.shp"
    write(path, [{"fclass": "primary", "geometry": line(0)}])
    for suffix in (".prj",):
        path.with_suffix(suffix).unlink()
    with pytest.raises(InputError, match="has no coordinate reference system"):
        prepare_sources([path], tmp_path / "w", CRS)


def test_every_shipped_profile_loads_and_cites_a_source_for_each_part():
    assert profile_ids() == ("alkis_buildings", "atkis_basis_dlm", "authority_layer", "osm_gdal", "osm_geofabrik",
                             "osm_quickosm")
    for pid in profile_ids():
        profile = load_source_profile(pid)
        for part in profile.parts:
            assert len(profile.citation(part)) > 30, (pid, part.place)


def test_a_profile_file_lists_every_problem_with_its_place(tmp_path):
    raw = {
        "schema": "wip-source-profile/1", "id": "my profile", "label": {"de": "x"},
        "detect": {"layers": ["*"], "priorty": 3},
        "sources": {"wiki": "OpenStreetMap Wiki, Key:landuse"},
        "roles": {
            "landuse": [{"layer": "*", "where": {"OBJART": {"between": [1]}}, "tags": {"landuse": {"map": {1: "a"}}},
                         "source": "wikki"}],
            "buildngs": [{"copy": ["building"], "source": "wiki"}],
            "roads": [{"geometry": "lines", "tags": {"highway": {"from": "WDM", "ranges": [[5, 1, "x"]]}}}],
        },
    }
    with pytest.raises(SpecError) as err:
        parse_source_profile(raw, "my.yaml")
    assert err.value.kind == "Source profile"
    assert list(err.value.problems) == [
        "id: 'my profile' is not an identifier (letters, digits, _)",
        "label: needs a German and an English text, e.g. {de: '…', en: '…'}",
        "roles.landuse[0].tags.landuse: 'from' (the field read) is missing",
        "roles.landuse[0].source: 'wikki' is not an entry of 'sources' (did you mean 'wiki'?)",
        "roles.landuse[0].where.OBJART: write {between: [low, high]} with two numbers",
        "roles.buildngs: not a layer role (did you mean 'buildings'?); roles: " + ", ".join(
            __import__("wip_qgis_plugin.core.data.layers", fromlist=["ROLES"]).ROLES),
        "roles.roads[0].geometry: 'lines' is not one of point, line, polygon (did you mean 'line'?)",
        "roles.roads[0].tags.highway.ranges[0]: low 5 is above high 1",
        "roles.roads[0].source: missing; name an entry of 'sources' or cite the document the mapping follows",
        "detect.priorty: unknown key (did you mean 'priority'?)",
    ]
