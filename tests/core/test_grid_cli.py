"""`wip grid-check`, `wip connect`, the scenario key `grid:` and the worker jobs of the grid steps:
each equals the engine called directly, on the sample region; problems are listed with their place."""
from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import yaml

from wip_qgis_plugin.cli import main
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.grid.connection import ConnectionOutputs, run_grid_connection
from wip_qgis_plugin.core.grid.settings import ConnectionSettings, TopologySettings
from wip_qgis_plugin.core.grid.topology import check_grid_topology
from wip_qgis_plugin.core.jobs.protocol import Job, job_outputs, run_job
from wip_qgis_plugin.core.scenario.spec import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_layers" / "revier_sample.gpkg"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample region not generated")


def ref(layer: str) -> LayerRef:
    return LayerRef(str(SAMPLE), layer)


@pytest.fixture
def sites(tmp_path) -> Path:
    """30 seeded point sites with site_id and capacity_mw, and 12 polygon sites without capacity
    (as the suitability step writes them: layer candidate_sites), in the sample region."""
    rng = np.random.default_rng(66)
    n = 30
    xy = np.column_stack([rng.uniform(710_000, 736_000, n), rng.uniform(5_710_000, 5_731_000, n)])
    cap = np.round(np.where(rng.random(n) < 0.7, rng.uniform(1, 20, n), rng.uniform(20, 150, n)), 1)
    path = tmp_path / "in" / "sites.gpkg"
    path.parent.mkdir()
    gpd.GeoDataFrame({"site_id": [f"S{i}" for i in range(n)], "municipality": "Zörbig", "capacity_mw": cap},
                     geometry=shapely.points(xy), crs="EPSG:25832").to_file(path, layer="points", engine="pyogrio")
    boxes = [shapely.box(x, y, x + rng.uniform(200, 900), y + rng.uniform(200, 900)) for x, y in xy[:12]]
    gpd.GeoDataFrame({"rank": np.arange(1, 13), "site_id": [f"W{i}" for i in range(12)]}, geometry=boxes,
                     crs="EPSG:25832").to_file(path, layer="candidate_sites", engine="pyogrio")
    return path


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def engine_csv(sites: LayerRef, folder: Path, **settings) -> tuple[list[dict], object]:
    folder.mkdir(parents=True, exist_ok=True)
    result = run_grid_connection(sites, ref("substations"), ref("roads"), settings=ConnectionSettings(**settings),
                                 outputs=ConnectionOutputs(site_table=folder / "engine.csv"))
    return csv_rows(folder / "engine.csv"), result


# ------------------------------------------------------------------ CLI
def test_grid_check_writes_the_report(tmp_path, capsys):
    assert main(["grid-check", "--gpkg", str(SAMPLE), "--snap", "10", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "snapped_to_substation            2" in out and "levels 380, 220, 110, 20 kV" in out
    report = tmp_path / "grid_topology.gpkg"
    assert sorted(n for n, _ in pyogrio.list_layers(report)) == ["grid_lines", "topology_report"]
    expected = check_grid_topology(ref("power_lines"), ref("substations"), settings=TopologySettings(10.0))
    got = gpd.read_file(report, layer="topology_report")
    assert sorted(got["kind"]) == sorted(expected.report_frame()["kind"])


def test_connect_equals_the_engine(sites, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["connect", "--gpkg", str(SAMPLE), "--sites", f"{sites}:points", "--out-dir", str(out)]) == 0
    printed = capsys.readouterr().out
    rows, result = engine_csv(LayerRef(str(sites), "points"), tmp_path / "engine", site_id_field="site_id")
    assert csv_rows(out / "grid_sites.csv") == rows and rows[0]["site_id"] == "S0"
    assert sorted(n for n, _ in pyogrio.list_layers(out / "grid.gpkg")) == \
        ["connection_sites", "connections", "substation_load"]
    conn = gpd.read_file(out / "grid.gpkg", layer="connections")
    assert np.allclose(sorted(conn["cost_eur"]), sorted(result.connections["cost_eur"]))
    assert f"connected {result.summary()['connected_mw']:,.1f} MW" in printed


def test_connect_with_capacity_from_the_area_and_greedy(sites, tmp_path):
    out = tmp_path / "out"
    assert main(["connect", "--gpkg", str(SAMPLE), "--sites", f"{sites}:candidate_sites", "--area-per-mw", "5",
                 "--allocation", "greedy", "--prefix", "w", "--out-dir", str(out)]) == 0
    rows, _ = engine_csv(LayerRef(str(sites), "candidate_sites"), tmp_path / "engine", area_ha_per_mw=5.0,
                         allocation="greedy", site_id_field="site_id")
    assert csv_rows(out / "w_sites.csv") == rows
    areas = gpd.read_file(sites, layer="candidate_sites").area / 10_000
    assert [float(r["capacity_mw"]) for r in rows] == pytest.approx(list(areas / 5.0), abs=1e-4)


@pytest.mark.parametrize("extra, message", [
    (["--capacity-field", "leistung"], "no field 'leistung'"),
    (["--crs", "EPSG:4326"], "geographic"),
    (["--site-capacity", "5", "--area-per-mw", "2"], "not both"),
])
def test_connect_errors_exit_with_the_message(sites, tmp_path, capsys, extra, message):
    code = main(["connect", "--gpkg", str(SAMPLE), "--sites", f"{sites}:points", "--out-dir", str(tmp_path / "o"),
                 *extra])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


# ------------------------------------------------------------------ scenario
def grid_scenario(tmp_path: Path, sites: Path, grid: dict) -> Path:
    layers = {r: {"path": str(SAMPLE), "layer": r}
              for r in ("municipalities", "landuse", "roads", "power_lines", "substations")}
    data = {"name": "Grid", "output_dir": "out", "layers": layers,
            "eligibility": {"wind": {"catalogue": "wind_sachsen_anhalt"}}, "suitability": {"wind": {}},
            "grid": grid}
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_scenario_grid_step_runs_and_writes_the_outputs(sites, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    # what the suitability step "wind" writes (the test does not run it)
    polygons = gpd.read_file(sites, layer="candidate_sites")
    polygons.to_file(out / "wind_sites.gpkg", layer="candidate_sites", engine="pyogrio")
    path = grid_scenario(tmp_path, sites, {
        "snap_tolerance_m": 10,
        "connect": {"wind": {"sites": "suitability.wind", "area_ha_per_mw": 5},
                    "points": {"sites": {"path": "in/sites.gpkg", "layer": "points"}}}})
    assert main(["run", str(path), "--only", "grid"]) == 0
    printed = capsys.readouterr().out
    assert "grid topology:" in printed and "wind: grid connection of 12 sites" in printed
    for name in ("grid_topology.gpkg", "wind_grid.gpkg", "wind_grid_sites.csv", "points_grid.gpkg",
                 "points_grid_sites.csv"):
        assert (out / name).is_file(), name
    assert not (out / "wind_eligibility.tif").exists()   # --only grid
    rows, _ = engine_csv(LayerRef(str(out / "wind_sites.gpkg"), "candidate_sites"), tmp_path / "e1",
                         area_ha_per_mw=5.0, site_id_field="site_id")
    assert csv_rows(out / "wind_grid_sites.csv") == rows
    rows, _ = engine_csv(LayerRef(str(sites), "points"), tmp_path / "e2", site_id_field="site_id")
    assert csv_rows(out / "points_grid_sites.csv") == rows


def test_scenario_grid_problems_are_listed_together(sites, tmp_path):
    path = grid_scenario(tmp_path, sites, {
        "snap_tolerence_m": 10, "lines": "railways",
        "connect": {"a": {"sites": "suitability.pv"}, "b": {"sites": "solar_yield.pv"},
                    "c": {"sites": "suitability.wind", "site_capacity_mw": 5, "area_ha_per_mw": 2},
                    "d": {"sites": "suitability.wind", "capacity": 3}}})
    with pytest.raises(InputError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "grid.snap_tolerence_m: unknown key (did you mean 'snap_tolerance_m'?)" in text
    assert "grid.lines: the role 'railways' is not under 'layers'" in text
    assert "grid.connect.a.sites: the scenario has no suitability step 'pv'" in text
    assert "grid.connect.b.sites: unknown step 'solar_yield'" in text
    assert "grid.connect.c: Give either a capacity per site [MW] or an area per MW [ha], not both." in text
    assert "grid.connect.d.capacity: unknown key" in text


def test_scenario_grid_connects_the_solar_sites(sites, tmp_path, capsys):
    """``sites: solar.<key>``: the solar step's sites with their AC capacity (field capacity_mw)."""
    path = grid_scenario(tmp_path, sites, {"connect": {"pv": {"sites": "solar.pv"}}})
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["eligibility"]["pv"] = {"catalogue": "pv_ground"}
    raw["suitability"]["pv"] = {}
    raw["solar"] = {"pv": {}, "agri": {"eligibility": "pv", "sites": False}}
    raw["grid"]["connect"]["agri"] = {"sites": "solar.agri"}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="grid.connect.agri.sites: the scenario has no solar step 'agri'"):
        load_scenario(path)  # a solar step without sites has none to connect
    del raw["grid"]["connect"]["agri"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    sc = load_scenario(path)
    solar = {r.key: r for r in sc.solar}["pv"]
    conn = sc.grid.connections[0]
    assert conn.sites == LayerRef(str(solar.outputs.sites), "solar_sites")
    assert conn.settings.capacity_field == "capacity_mw"
    # what the solar step "pv" writes (the test does not run it): polygons with capacity_mw
    out = sc.output_dir
    out.mkdir(exist_ok=True)
    polygons = gpd.read_file(sites, layer="candidate_sites")
    polygons["capacity_mw"] = np.round(polygons.area / 10_000 * 0.6, 2)
    polygons.to_file(solar.outputs.sites, layer="solar_sites", engine="pyogrio")
    assert main(["run", str(path), "--only", "grid"]) == 0
    rows, _ = engine_csv(conn.sites, tmp_path / "e", site_id_field="site_id")
    assert csv_rows(out / "pv_grid_sites.csv") == rows
    assert sum(float(r["capacity_mw"]) for r in rows) == pytest.approx(polygons["capacity_mw"].sum(), abs=0.05)


def test_sample_scenario_has_a_grid_step():
    sc = load_scenario(ROOT / "sample_layers" / "scenario.yaml")
    assert sc.grid is not None and sc.grid.lines == LayerRef(str(SAMPLE), "power_lines")
    keys = {c.key: c for c in sc.grid.connections}
    assert set(keys) == {"wind", "pv_ground"}
    # immission.wind: the layout as it stands after noise and shadow flicker
    assert keys["wind"].sites == LayerRef(str(sc.output_dir / "wind_immission_turbines.gpkg"), "turbines")
    assert keys["pv_ground"].sites == LayerRef(str(sc.output_dir / "pv_ground_solar_sites.gpkg"), "solar_sites")
    assert keys["pv_ground"].settings.area_ha_per_mw is None  # capacity_mw of the solar sites


# ------------------------------------------------------------------ worker jobs
def test_worker_jobs_equal_the_engine(sites, tmp_path):
    out = tmp_path / "job"
    arguments = {
        "sites": {"path": str(sites), "layer": "points"}, "substations": {"path": str(SAMPLE), "layer": "substations"},
        "roads": {"path": str(SAMPLE), "layer": "roads"}, "power_lines": {"path": str(SAMPLE), "layer": "power_lines"},
        "catalogue": "grid_connection", "settings": {"site_id_field": "site_id"}, "topology": {"snap_tolerance_m": 10},
        "outputs": {"connections": str(out / "g.gpkg"), "sites": str(out / "g.gpkg"),
                    "site_table": str(out / "s.csv"), "topology_report": str(out / "t.gpkg")},
        "crs": "EPSG:25832"}
    job = Job("grid_connection", arguments)
    assert sorted(p.name for p in job_outputs(job)) == ["g.gpkg", "s.csv", "t.gpkg"]
    out.mkdir()
    result = run_job(job)
    rows, expected = engine_csv(LayerRef(str(sites), "points"), tmp_path / "engine", site_id_field="site_id")
    assert csv_rows(out / "s.csv") == rows
    assert result["summary"]["connected_mw"] == pytest.approx(expected.summary()["connected_mw"])
    assert result["summary"]["topology"]["issues"]["snapped_to_substation"] == 2
    assert [s["site_id"] for s in result["sites"]] == [r["site_id"] for r in rows]
    topo = run_job(Job("grid_topology", {"lines": {"path": str(SAMPLE), "layer": "power_lines"},
                                         "substations": {"path": str(SAMPLE), "layer": "substations"},
                                         "settings": {"snap_tolerance_m": 1.0}, "report": str(out / "r.gpkg")}))
    assert "snapped_to_substation" not in topo["summary"]["issues"] and (out / "r.gpkg").is_file()


def test_connection_outputs_are_written_together_or_not_at_all(sites, tmp_path):
    """A topology report without power lines is refused before anything is written."""
    out = tmp_path / "o"
    out.mkdir()
    with pytest.raises(InputError, match="needs the power-line layer"):
        run_grid_connection(LayerRef(str(sites), "points"), ref("substations"), ref("roads"),
                            outputs=ConnectionOutputs(connections=out / "g.gpkg", topology_report=out / "t.gpkg"))
    assert list(out.iterdir()) == []
