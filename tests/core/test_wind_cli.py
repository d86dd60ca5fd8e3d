"""`wip wind`, `wip layout`, the scenario key `wind:` and the worker jobs run the same engine."""
from __future__ import annotations

from pathlib import Path

import pyogrio
import pytest
import shapely
import yaml

from conftest import X0, Y0, frame, write_layers
from wip_qgis_plugin.cli import main
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.scenario.spec import load_scenario
from wip_qgis_plugin.core.jobs.protocol import ENTRY_POINTS, Job, job_outputs, resolve_function, run_job

SAMPLE = Path(__file__).resolve().parents[2] / "sample_layers"


@pytest.fixture
def areas(tmp_path):
    return write_layers(tmp_path / "areas.gpkg", {"eligible_areas": frame(
        [shapely.box(X0, Y0, X0 + 3000, Y0 + 2000)], area_id=[1], name=["Westdorf"], ags=["15082001"])})


def test_cli_layout_and_list(tmp_path, areas, capsys):
    assert main(["wind", "--list-turbines"]) == 0
    assert "E-141/4200" in capsys.readouterr().out
    assert main(["layout", "--areas", areas["eligible_areas"].path, "--direction", "250", "--weather", "4",
                 "--out-dir", str(tmp_path / "o")]) == 0
    text = capsys.readouterr().out
    assert "TOTAL" in text and "Westdorf" in text
    assert len(pyogrio.read_dataframe(tmp_path / "o" / "wind_turbines.gpkg", layer="turbines")) > 3


def test_worker_jobs_are_registered():
    for name in ("wind_yield", "turbine_layout"):
        assert callable(resolve_function(ENTRY_POINTS[name]))
    job = Job("turbine_layout", {"outputs": {"turbines": "/x/t.gpkg", "sites_table": "/x/s.csv"}})
    assert [str(p) for p in job_outputs(job)] == ["/x/t.gpkg", "/x/s.csv"]


def test_worker_layout_job(tmp_path, areas):
    result = run_job(Job("turbine_layout", {
        "turbine": "nrel_6mw_170", "eligible_areas": {"path": areas["eligible_areas"].path, "layer": "eligible_areas"},
        "outputs": {"turbines": str(tmp_path / "t.gpkg")},
        "settings": {"main_direction_deg": 250.0, "rotor_in": True, "resource": {"weather": "4"}}}))
    assert result["n_turbines"] > 0 and result["capacity_mw"] == pytest.approx(6.0 * result["n_turbines"])


def _scenario(tmp_path, wind):
    raw = {"layers": {"municipalities": {"path": str(SAMPLE / "revier_sample.gpkg"), "layer": "municipalities"}},
           "eligibility": {"wind": {"catalogue": "wind_sachsen_anhalt"}}, "wind": wind}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_scenario_wind_key(tmp_path):
    sc = load_scenario(_scenario(tmp_path, {"turbine": "N131/3600", "hub_height_m": 134,
                                            "layout": {"areas": "wind", "rotor_in": True}}))
    assert sc.wind.settings.hub_height_m == 134 and sc.wind.layout.rotor_in
    assert sc.wind.areas.path.endswith("wind_areas.gpkg")
    with pytest.raises(InputError) as err:
        load_scenario(_scenario(tmp_path, {"turbine": "N131/360", "colour": 1, "layout": {"areas": "pv"}}))
    assert "wind.colour" in str(err.value) and "N131/3600" in str(err.value)


def test_grid_step_can_connect_the_layout_turbines(tmp_path):
    sc = load_scenario(_grid_scenario(tmp_path))
    conn = sc.grid.connections[0]
    assert conn.sites.path.endswith("wind_turbines.gpkg") and conn.sites.layer == "turbines"
    assert conn.sites.path == str(sc.wind.layout_outputs.turbines)


def _grid_scenario(tmp_path):
    gpkg = str(SAMPLE / "revier_sample.gpkg")
    raw = {"layers": {r: {"path": gpkg, "layer": r} for r in ("municipalities", "substations", "roads", "power_lines")},
           "eligibility": {"wind": {"catalogue": "wind_sachsen_anhalt"}},
           "wind": {"layout": {"areas": "wind"}},
           "grid": {"connect": {"wind": {"sites": "layout.wind"}}}}
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_scenario_turbine_by_type_feeds_setbacks_and_the_wind_step(tmp_path):
    path = _scenario(tmp_path, {"layout": {"areas": "wind"}})
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["turbine"] = {"type": "nrel_6mw_170", "hub_height_m": 145}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    sc = load_scenario(path)
    turbine = sc.runs[0].settings.turbine
    assert turbine.total_height_m == pytest.approx(145 + 85)  # "2 H" setbacks use it
    assert sc.wind.turbine == "nrel_6mw_170" and sc.wind.settings.hub_height_m == 145
    raw["turbine"] = "E-141/42"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="E-141/4200"):
        load_scenario(path)
