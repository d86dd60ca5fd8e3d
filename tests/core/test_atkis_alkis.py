"""ATKIS Basis-DLM and ALKIS in their real schemas give the same eligibility as the equivalent OSM-tagged layers.

The fixtures are written here as the survey administrations export them (AdV, ATKIS-Objektartenkatalog Basis-DLM
and ALKIS-Objektartenkatalog, GeoInfoDok 6.0/7.1): the Basis-DLM as one Shapefile per object group (``sie02_f``
Siedlungsflächen, ``veg01_f`` Landwirtschaft, ``veg02_f`` Wald, ``gew01_f``/``gew01_l`` Gewässer, ``ver01_l``
Straßenachsen, ``ver03_l`` Bahnstrecken, ``sie03_l`` Leitungen) with the export's fields ``LAND``, ``MODELLART``,
``OBJART``, ``OBJART_TXT``, ``OBJID``, ``BEGINN`` and the attribute codes ``WDM`` (Widmung), ``BKT``, ``SPG`` [kV],
``BEZ``, ``NAM`` as text (as in the Shape export) — and the same object groups as layers of one GeoPackage with
integer codes; ALKIS AX_Gebaeude (OBJART 31001) with ``gebaeudefunktion`` (NAS → GeoPackage) or ``GFK`` (Shape).
The same geometries with OSM tags (landuse, natural/water, waterway, highway, railway, power/voltage, building)
are the oracle: ``wip eligibility`` gives the same eligible hectares with the shipped presets, literally.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args
from wip_qgis_plugin.core.data.sources.prepare import prepare_sources
from wip_qgis_plugin.core.data.sources.profile import CANONICAL_COLUMNS
from wip_qgis_plugin.core.jobs.protocol import run_job
from wip_qgis_plugin.core.progress import NullProgress

CRS = "EPSG:25832"
X0, Y0 = 640_000.0, 5_700_000.0
SIDE = 6000.0  # one municipality of 6 km × 6 km = 3,600 ha


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def seg(*points):
    return shapely.LineString([(X0 + x, Y0 + y) for x, y in points])


#: (object group, OBJART, attribute codes, geometry, OSM role, OSM tags) — the same feature in both schemas.
FEATURES = [
    ("sie02_f", 41001, {}, box(500, 500, 1300, 1100), "landuse", {"landuse": "residential"}),
    ("sie02_f", 41006, {}, box(4800, 4800, 5400, 5300), "landuse", {"landuse": "residential"}),
    ("sie02_f", 41002, {}, box(3000, 500, 3600, 900), "landuse", {"landuse": "industrial"}),
    ("sie02_f", 41008, {}, box(1500, 1500, 1700, 1700), "landuse", {"landuse": "recreation_ground"}),  # not read
    ("veg01_f", 43001, {}, box(0, 3000, 6000, 3500), "landuse", {"landuse": "farmland"}),  # no VEG: farmland
    ("veg02_f", 43002, {}, box(2000, 2500, 3000, 4000), "landuse", {"landuse": "forest"}),
    ("gew01_f", 44006, {}, box(4000, 2000, 4300, 2400), "water", {"natural": "water", "water": "lake"}),
    ("gew01_f", 44001, {}, box(0, 5700, 6000, 5760), "water", {"natural": "water", "water": "river"}),
    ("gew01_l", 44004, {"WDM": "1320"}, seg((0, 5730), (6000, 5730)), "waterways", {"waterway": "river"}),
    ("gew01_l", 44004, {"WDM": "1340"}, seg((3500, 0), (3500, 2000)), "waterways", {"waterway": "stream"}),
    ("ver01_l", 42003, {"WDM": "1301", "BEZ": "A9"}, seg((5500, -100), (5500, 6100)), "roads",
     {"highway": "motorway"}),
    ("ver01_l", 42003, {"WDM": "1303", "BEZ": "B2"}, seg((-100, 2000), (6100, 2000)), "roads",
     {"highway": "primary"}),
    ("ver01_l", 42003, {"WDM": "1307"}, seg((1000, 1100), (1000, 2000)), "roads", {"highway": "unclassified"}),
    ("ver03_l", 42014, {"BKT": "1100"}, seg((0, 0), (6000, 6000)), "railways", {"railway": "rail"}),
    ("sie03_l", 51005, {"SPG": "380"}, seg((-100, 4500), (6100, 4500)), "power_lines",
     {"power": "line", "voltage": "380000"}),
]
#: ALKIS buildings: (Gebäudefunktion, centre, OSM building value).
BUILDINGS = [
    (1010, (700, 700), "residential"),      # Wohnhaus, in the Wohnbaufläche
    (1010, (5000, 5000), "residential"),    # in the Fläche gemischter Nutzung
    (2463, (2500, 1000), "garage"),         # Garage in the open: no dwelling setback
    (2721, (4000, 1200), "barn"),           # Scheune
    (2100, (3300, 700), "commercial"),      # Gebäude für Gewerbe und Industrie
    (9998, (1500, 5000), "yes"),            # nach Quellenlage nicht zu spezifizieren: a possible dwelling
    (1313, (2200, 5200), "hut"),            # Gartenhaus
]


def building(centre):
    x, y = centre
    return box(x - 6, y - 5, x + 6, y + 5)


def atkis_rows(group: str, text_codes: bool) -> list[dict]:
    rows = []
    for k, (g, objart, attrs, geom, _, _) in enumerate(FEATURES):
        if g != group:
            continue
        code = str(objart) if text_codes else objart
        extra = attrs if text_codes else {a: int(v) if v.isdigit() else v for a, v in attrs.items()}
        rows.append({"LAND": "15", "MODELLART": "Basis-DLM", "OBJART": code, "OBJART_TXT": f"AX_{objart}",
                     "OBJID": f"DEST{k:012d}", "BEGINN": "2020-01-01T00:00:00Z", **extra, "geometry": geom})
    return rows


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("atkis")
    groups = sorted({f[0] for f in FEATURES})
    shape = root / "basis_dlm_shape"  # the Shape export: one file per object group, codes as text
    shape.mkdir()
    for g in groups:
        frame(atkis_rows(g, True)).to_file(shape / f"{g}.shp")
    gpkg = root / "basis_dlm.gpkg"  # the same as one GeoPackage, integer codes
    for g in groups:
        frame(atkis_rows(g, False)).to_file(gpkg, layer=g, driver="GPKG")
    alkis_gpkg = root / "alkis.gpkg"
    frame([{"gml_id": f"DEST{k:012d}BL", "gebaeudefunktion": code, "geometry": building(c)}
           for k, (code, c, _) in enumerate(BUILDINGS)]).to_file(alkis_gpkg, layer="ax_gebaeude", driver="GPKG")
    alkis_shp = root / "gebaeude.shp"
    frame([{"OBJART": "31001", "GFK": str(code), "geometry": building(c)}
           for code, c, _ in BUILDINGS]).to_file(alkis_shp)
    alkis_simple = root / "GEBAEUDE_vereinfacht.shp"  # ALKIS vereinfacht: the object type before the code
    frame([{"GFK": f"31001_{code}", "GEBFKT": "", "geometry": building(c)}
           for code, c, _ in BUILDINGS]).to_file(alkis_simple)
    muni = root / "gemeinde.gpkg"
    frame([{"name": "Musterstadt", "ags": "15088999", "geometry": box(0, 0, SIDE, SIDE)}]).to_file(
        muni, layer="municipalities", driver="GPKG")
    osm = root / "osm.gpkg"  # the oracle: the same geometries with OSM tags, one layer per role (every tag column)
    for role in sorted({f[4] for f in FEATURES}):
        empty = dict.fromkeys(CANONICAL_COLUMNS[role])
        frame([{**empty, **tags, "geometry": geom} for _, _, _, geom, r, tags in FEATURES if r == role]).to_file(
            osm, layer=role, driver="GPKG")
    frame([{"building": value, "geometry": building(c)} for _, c, value in BUILDINGS]).to_file(
        osm, layer="buildings", driver="GPKG")
    frame([{"name": "Musterstadt", "ags": "15088999", "geometry": box(0, 0, SIDE, SIDE)}]).to_file(
        osm, layer="municipalities", driver="GPKG")
    return {"shape": shape, "gpkg": gpkg, "alkis_gpkg": alkis_gpkg, "alkis_shp": alkis_shp,
            "alkis_simple": alkis_simple, "muni": muni,
            "osm": osm}


def eligibility(out: Path, catalogue: str, *args: str) -> dict:
    argv = ["eligibility", "--catalogue", catalogue, "--resolution", "25", "--workers", "1", "--min-area", "0",
            "--out-dir", str(out), *args]
    job, _ = eligibility_job_from_args(build_parser().parse_args(argv))
    return run_job(job, NullProgress())


#: Eligible hectares of the OSM-tagged oracle (25 m grid; wind: hard and soft; PV: the preset's kinds).
EXPECTED = {"wind_sachsen_anhalt": 2399.44, "pv_ground": 1073.31}


@pytest.mark.parametrize("catalogue", ["wind_sachsen_anhalt", "pv_ground"])
@pytest.mark.parametrize("dlm, alkis", [("shape", "alkis_shp"), ("gpkg", "alkis_gpkg"), ("shape", "alkis_simple")])
def test_atkis_and_alkis_give_the_eligibility_of_the_osm_layers(data, tmp_path, catalogue, dlm, alkis):
    osm = eligibility(tmp_path / "osm", catalogue, "--gpkg", str(data["osm"]))
    official = eligibility(tmp_path / "official", catalogue, "--layer", f"municipalities={data['muni']}:municipalities",
                           "--source", str(data[dlm]), "--source", str(data[alkis]))
    detected = official["sources"]["detected"]
    assert "ATKIS Basis-DLM" in detected[0] and "ALKIS buildings" in detected[1]
    counts = official["sources"]["counts"]
    # the polygons of sie02_f, veg01_f, veg02_f and gew01_f are read for landuse: 41008 and the water left out
    assert counts["landuse"]["kept"] == 5 and counts["landuse"]["dropped"]["not selected by the profile"] == 3
    assert (counts["roads"]["kept"], counts["railways"]["kept"], counts["power_lines"]["kept"]) == (3, 1, 1)
    assert (counts["water"]["kept"], counts["waterways"]["kept"], counts["buildings"]["kept"]) == (2, 2, 7)
    assert official["total_ha"] == pytest.approx(3600.0)
    assert official["eligible_ha"] == pytest.approx(osm["eligible_ha"], abs=1e-6)
    assert official["eligible_ha"] == pytest.approx(EXPECTED[catalogue], abs=0.01)
    assert official["dwellings"] == osm["dwellings"]
    assert [a["criterion"] for a in official["not_assessed"]] == [a["criterion"] for a in osm["not_assessed"]]


@pytest.mark.parametrize("alkis", ["alkis_shp", "alkis_gpkg", "alkis_simple"])
def test_alkis_building_functions_become_osm_building_values(data, tmp_path, alkis):
    prepared = prepare_sources([str(data[alkis])], tmp_path, CRS)
    frame = gpd.read_file(prepared.gpkg, layer="buildings")
    assert "ALKIS buildings" in prepared.matches[0].describe()
    got = sorted(zip(frame.geometry.centroid.x.round() - X0, frame["building"]))
    assert got == sorted((float(c[0]), value) for _, c, value in BUILDINGS)
