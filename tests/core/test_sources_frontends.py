"""Sources in every front end: the scenario key ``sources:``, ``wip run --source`` and the same prepared layers
for every step of a run (prepared once, in a temporary folder that does not outlive the run).

The world: one municipality of 2 km × 2 km (400 ha) in a QuickOSM-like GeoPackage with its admin boundary, a
25 ha forest and a motorway crossing it (100 m setback: 2,000 m × 200 m = 40 ha inside), all on the 10 m grid,
so the eligible area is exactly 400 − 25 − 40 = 335 ha (an oracle independent of the engine).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import yaml

from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args, main
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.jobs.adapters import source_bbox
from wip_qgis_plugin.core.jobs.protocol import run_job
from wip_qgis_plugin.core.jobs.runner import bind_layers, run_scenario
from wip_qgis_plugin.core.scenario.sources_section import SOURCES_PATH, source_placeholder
from wip_qgis_plugin.core.scenario.spec import load_scenario

CRS = "EPSG:25832"
X0, Y0 = 600_000.0, 5_600_000.0
MUNI = shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)  # 400 ha
FOREST = shapely.box(X0 + 200, Y0 + 200, X0 + 700, Y0 + 700)  # 25 ha
MOTORWAY = shapely.LineString([(X0 - 500, Y0 + 1500), (X0 + 2500, Y0 + 1500)])  # 100 m: 40 ha inside
CATALOGUE = {
    "schema": "wip-catalogue/1", "id": "t_sources", "version": "1", "technology": "wind",
    "title": {"de": "T", "en": "T"},
    "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "test"},
    "criteria": [
        {"id": "forest", "kind": "hard", "layer": "landuse", "filter": {"landuse": ["forest"]}, "buffer": "0 m"},
        {"id": "motorway", "kind": "hard", "layer": "roads", "filter": {"highway": ["motorway"]}, "buffer": "100 m"},
    ],
}
CATALOGUE["criteria"] = [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "valid_from": "2020-01-01", **c}
                         for c in CATALOGUE["criteria"]]


def write(path: Path, layer: str, rows: list[dict]) -> None:
    gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).to_file(path, layer=layer, driver="GPKG")


@pytest.fixture()
def world(tmp_path):
    osm = tmp_path / "osm.gpkg"  # QuickOSM layout: full_id, osm_type, one column per tag
    write(osm, "boundary", [{"full_id": "r1", "osm_type": "relation", "boundary": "administrative",
                             "admin_level": "8", "name": "Testdorf", "de:amtlicher_gemeindeschluessel": "15088999",
                             "geometry": MUNI}])
    write(osm, "landuse", [{"full_id": "w1", "osm_type": "way", "landuse": "forest", "geometry": FOREST}])
    write(osm, "highway", [{"full_id": "w2", "osm_type": "way", "highway": "motorway", "geometry": MOTORWAY}])
    (tmp_path / "cat.yaml").write_text(yaml.safe_dump(CATALOGUE), encoding="utf-8")
    return tmp_path


def scenario(folder: Path, **top) -> Path:
    data = {"name": "t", "crs": CRS, "resolution_m": 10, "workers": 1, "output_dir": "out",
            "eligibility": {"wind": {"catalogue": "cat.yaml", "kinds": ["hard"], "min_area_ha": 0}}, **top}
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture()
def own_tmp(tmp_path, monkeypatch):
    """A temporary root of its own, to see that the run leaves no prepared file behind."""
    root = tmp_path / "tmp_root"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def test_scenario_sources_give_the_layers_and_the_municipalities(world, own_tmp):
    sc = load_scenario(scenario(world, sources=["osm.gpkg"]))
    assert sc.layers["municipalities"] == source_placeholder("municipalities") and sc.aoi.layer.path == SOURCES_PATH
    results = list(run_scenario(sc))
    assert [r.kind for r in results] == ["sources", "eligibility"]
    src, elig = results[0].result, results[1].result
    assert src["counts"]["municipalities"]["kept"] == 1 and src["counts"]["roads"]["kept"] == 1
    assert "OSM (QuickOSM layers)" in src["detected"][0]
    assert elig["total_ha"] == pytest.approx(400.0) and elig["eligible_ha"] == pytest.approx(335.0)
    (m,) = elig["municipalities"]
    assert (m["name"], m["ags"]) == ("Testdorf", "15088999")
    assert list(own_tmp.iterdir()) == []  # the prepared GeoPackage was deleted with its folder


def test_wip_run_source_flag_and_the_scenario_layers_win(world, own_tmp, capsys):
    other = world / "small.gpkg"  # the scenario's own municipality: the western half (200 ha)
    write(other, "municipalities", [{"name": "West", "ags": "15088998",
                                     "geometry": shapely.box(X0, Y0, X0 + 1000, Y0 + 2000)}])
    path = scenario(world, layers={"municipalities": {"path": "small.gpkg", "layer": "municipalities"}})
    assert main(["run", str(path), "--source", str(world / "osm.gpkg")]) == 0
    out = capsys.readouterr().out
    assert "osm.gpkg: OSM (QuickOSM layers)" in out and "sources:" in out
    # West: 200 ha − forest 25 ha − motorway 1,000 m × 200 m = 20 ha → 155 ha
    row = next(line for line in out.splitlines() if line.strip().startswith("West"))
    assert row.split()[1:3] == ["200.0", "155.0"]
    assert list(own_tmp.iterdir()) == []


def test_a_role_under_layers_replaces_the_sources_role(world):
    roads = world / "roads.gpkg"  # no motorway: only the forest is excluded
    write(roads, "roads", [{"highway": "track", "geometry": MOTORWAY}])
    sc = load_scenario(scenario(world, sources=[{"path": "osm.gpkg", "profile": "osm_quickosm"}],
                                layers={"roads": {"path": "roads.gpkg", "layer": "roads"}}))
    assert sc.layers["roads"] == LayerRef(str(roads.resolve()), "roads")
    elig = [r for r in run_scenario(sc) if r.kind == "eligibility"][0].result
    assert elig["eligible_ha"] == pytest.approx(375.0)


def test_wip_run_and_wip_eligibility_with_the_same_source_agree(world, capsys):
    assert main(["eligibility", "--catalogue", str(world / "cat.yaml"), "--source", str(world / "osm.gpkg"),
                 "--kinds", "hard", "--resolution", "10", "--min-area", "0", "--workers", "1",
                 "--out-dir", str(world / "e")]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.strip().startswith("Testdorf"))
    assert row.split()[1:3] == ["400.0", "335.0"]


def test_problems_of_the_sources_key_are_listed_with_their_place(world):
    with pytest.raises(InputError) as err:
        load_scenario(scenario(world, sources=["missing.gpkg", {"path": "osm.gpkg", "colour": 1}, 7]))
    text = str(err.value)
    assert "sources[0]: Source" in text and "does not exist" in text
    assert "sources[1]: unknown key(s) ['colour']" in text
    assert "sources[2]: give a path or {path: FILE, profile: ID}" in text
    assert "area_of_interest.layer" in text  # no municipality layer and no source gives one


def test_a_placeholder_without_a_prepared_layer_is_left_out_or_refused_by_role():
    # in a step's layers: left out, so the criteria reading it are not assessed
    assert bind_layers({"buildings": source_placeholder("buildings"), "roads": source_placeholder("roads")},
                       {"roads": LayerRef("x.gpkg", "roads")}) == {"roads": LayerRef("x.gpkg", "roads")}
    # standing alone (the municipalities of a step): refused by role
    with pytest.raises(InputError, match="no layer for the role 'buildings'"):
        bind_layers([source_placeholder("buildings")], {"roads": LayerRef("x.gpkg", "roads")})
    bound = bind_layers({"a": [source_placeholder("roads")], "b": LayerRef("y.gpkg")},
                        {"roads": LayerRef("x.gpkg", "roads")})
    assert bound == {"a": [LayerRef("x.gpkg", "roads")], "b": LayerRef("y.gpkg")}


def test_with_a_municipality_layer_sources_are_read_only_within_reach(world):
    """A forest 40 km away is not read from the sources when the municipality layer is given (the box is the
    municipality plus the largest setback, 100 m, plus 5 km); without it every feature is read."""
    osm = world / "osm.gpkg"
    far = shapely.box(X0 + 40_000, Y0, X0 + 40_500, Y0 + 500)
    write(osm, "landuse", [{"full_id": "w1", "osm_type": "way", "landuse": "forest", "geometry": FOREST},
                           {"full_id": "w3", "osm_type": "way", "landuse": "forest", "geometry": far}])
    muni = world / "muni.gpkg"
    write(muni, "municipalities", [{"name": "Testdorf", "ags": "15088999", "geometry": MUNI}])
    spec = {"source": str(world / "cat.yaml")}
    assert source_bbox({"layer": {"path": str(muni), "layer": "municipalities"}}, [spec], CRS) == pytest.approx(
        (X0 - 5100, Y0 - 5100, X0 + 7100, Y0 + 7100))
    assert source_bbox({"layer": None}, [spec], CRS) is None
    common = ["eligibility", "--catalogue", str(world / "cat.yaml"), "--source", str(osm), "--kinds", "hard",
              "--resolution", "10", "--min-area", "0", "--workers", "1"]
    boxed = run_job(eligibility_job_from_args(build_parser().parse_args(
        [*common, "--layer", f"municipalities={muni}:municipalities", "--out-dir", str(world / "a")]))[0])
    whole = run_job(eligibility_job_from_args(build_parser().parse_args([*common, "--out-dir", str(world / "b")]))[0])
    assert boxed["sources"]["counts"]["landuse"]["kept"] == 1 and whole["sources"]["counts"]["landuse"]["kept"] == 2
    assert boxed["eligible_ha"] == pytest.approx(335.0) and whole["eligible_ha"] == pytest.approx(335.0)
