"""The scenario spec (core/scenario/: spec, model and the section readers): the sample scenario loads
with its steps, every problem of a broken file is reported at once with its place and in the order of
the sections, the ``profile:`` section is typed, the profile plan of a scenario is the one the engine
ran before the spec read the section itself, and paths are relative to the scenario file."""
from __future__ import annotations

from pathlib import Path

import pytest

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec, TechnologyStep
from wip_qgis_plugin.core.scenario.model import ProfileSection
from wip_qgis_plugin.core.scenario.spec import load_scenario, plan_from_scenario

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_layers" / "scenario.yaml"
GPKG = REPO / "sample_layers" / "revier_sample.gpkg"

#: A scenario that uses every key of the profile section (and a setback and override to fold in).
FULL = f"""
name: t
resolution_m: 50
crs: EPSG:25832
workers: 1
output_dir: out
layers:
  municipalities: {{path: {GPKG}, layer: municipalities}}
  roads: {{path: {GPKG}, layer: roads}}
area_of_interest: {{layer: municipalities, names: [Petersberg, Zörbig]}}
eligibility:
  wind: {{catalogue: wind_sachsen_anhalt, settlement_setback_m: 900, overrides: {{forest: {{buffer: 30 m}}}},
          min_area_ha: 3, kinds: [hard]}}
  pv_ground: {{catalogue: pv_ground}}
profile:
  names: [Zörbig]
  technologies: [wind]
  sources: {{pv_ground: {{sites: sites.gpkg|layername=s, hourly: h.csv, options: {{a: 1}}}},
             wind: {{sites: {{path: w.gpkg, layer: t}}}}}}
  demand: {{table: demand.csv, population_field: pop, land: ST, catalogue: demand}}
  grid: {{catalogue: grid_connection}}
  weather: "4"
  year: 2010
  top_n: 3
  suitable_min_score: 60
  rotor_in: false
  language: en
  report: false
  suitability: false
  reuse: false
  sweep: {{setbacks_m: {{from: 400, to: 600, step: 100}}, resolution_m: 100}}
"""

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_scenario_loads_with_its_steps():
    sc = load_scenario(SAMPLE)
    assert sc.name == "Beispielregion Bitterfeld-Wolfen / Zörbig"
    assert [r.key for r in sc.runs] == ["wind", "pv_ground"]
    assert [r.settings.min_area_ha for r in sc.runs] == [5.0, 1.0]
    assert {r.settings.resolution_m for r in sc.runs} == {10.0}
    assert [s.key for s in sc.sweeps] == ["wind"] and len(sc.sweeps[0].setbacks_m) == 12
    assert sc.sweeps[0].run.settings.resolution_m == 25.0
    assert [s.key for s in sc.suitability] == ["wind", "pv_ground"]
    assert [w.key for w in sc.windbg] == ["wind"] and sc.windbg[0].rotor_in is True
    assert [c.key for c in sc.grid.connections] == ["wind", "pv_ground"]
    assert sc.wind.turbine == "E-141/4200" and sc.wind.layout.rotor_in is True
    assert [s.key for s in sc.solar] == ["pv_ground", "agri_pv"]
    assert sc.rooftop.buildings.layer == "buildings"
    assert set(sc.rasters) == {"dem", "wind_speed_100m", "wind_speed_150m", "soil_quality"}
    assert sc.output_dir == (REPO / "out").resolve()
    assert sc.aoi.names == () and sc.aoi.id_field == "ags"
    assert [r.catalogue_spec for r in sc.runs] == [{"source": "wind_sachsen_anhalt"}, {"source": "pv_ground"}]


def test_every_problem_is_reported_at_once_with_its_place_and_a_suggestion(tmp_path):
    text = (FULL.replace("resolution_m: 50", "resolutoin_m: 50")
            .replace("min_area_ha: 3", "min_area_hs: 3")
            .replace("  top_n: 3", "  top_m: 3")
            .replace("population_field: pop", "population_fiel: pop")
            .replace("wind: {sites:", "wnd: {sites:")
            .replace("  language: en", "  language: fr"))
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, text))
    msg = str(info.value)
    assert "has 6 problem(s)" in msg
    for line in ("resolutoin_m: unknown key (did you mean 'resolution_m'?)",
                 "eligibility.wind.min_area_hs: unknown key (did you mean 'min_area_ha'?)",
                 "profile.top_m: unknown key (did you mean 'top_n'?)",
                 "profile.demand.population_fiel: unknown key (did you mean 'population_field'?)",
                 "profile.sources.wnd: not a generation source (did you mean 'wind'?)",
                 "profile.language: de or en"):
        assert f"  - {line}" in msg, line


def test_the_problems_of_every_section_come_in_the_order_of_the_sections(tmp_path):
    """One reader per group of sections; together they report in the order the file is read."""
    text = f"""
layers:
  municipalities: {{path: {GPKG}, layer: municipalities, extra: 1}}
  munis: x.gpkg
area_of_interest: {{layer: municipalities, names: 5}}
on_date: 2024-13-45x
eligibility:
  agri: {{catalogue: pv_ground}}
  bad: 5
sweep: {{agri: {{criterion: x, setbacks_m: {{from: 5, to: 1, step: 1}}}}}}
rasters: {{dme: a.tif}}
windbg: {{wnd: {{}}}}
wind: {{layout: {{areas: nope1}}}}
solar: 5
grid:
  connect: {{a: {{sites: solar.agri}}, c: {{sites: foo.bar}}}}
profile: [1]
rooftop: 5
"""
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, text))
    lines = [line[4:] for line in str(info.value).splitlines()[1:]]
    assert [line.split(":")[0] for line in lines] == [
        "layers.municipalities", "layers.munis", "area_of_interest.names", "on_date", "eligibility.bad",
        "sweep.agri.setbacks_m", "rasters.dme", "windbg.wnd", "wind.layout.areas", "solar",
        "grid.substations", "grid.roads", "grid.connect.a.sites", "grid.connect.c.sites", "profile", "rooftop"]
    assert lines[0] == "layers.municipalities: unknown key(s) ['extra']; use path and layer"
    assert lines[2].startswith("area_of_interest.names: give a list of names")
    assert lines[5] == "sweep.agri.setbacks_m: needs from ≤ to and a positive step"
    assert lines[6].startswith("rasters.dme: not a raster role (did you mean 'dem'?)")
    assert lines[12] == "grid.connect.a.sites: the scenario has no solar step 'agri'"
    assert lines[13].startswith("grid.connect.c.sites: unknown step 'foo'; "
                                "steps with sites: suitability, layout, immission, repowering, solar")


def test_a_profile_section_that_is_not_a_mapping_is_named(tmp_path):
    text = FULL.split("profile:")[0] + "profile: [wind]\n"
    with pytest.raises(InputError, match=r"profile: give a mapping"):
        load_scenario(write(tmp_path, text))


def test_the_profile_section_is_typed(tmp_path):
    sc = load_scenario(write(tmp_path, FULL))
    p = sc.profile
    assert p.technologies == ("wind",) and p.names == ("Zörbig",)
    assert p.sources == (SourceSpec("pv_ground", LayerRef(str(tmp_path / "sites.gpkg"), "s"), str(tmp_path / "h.csv"),
                                    {"a": 1}),
                         SourceSpec("wind", LayerRef(str(tmp_path / "w.gpkg"), "t")))
    assert (p.demand_table, p.population_field, p.land) == (str(tmp_path / "demand.csv"), "pop", "ST")
    assert (p.grid_catalogue, p.weather, p.year, p.top_n, p.suitable_min_score) == ("grid_connection", "4", 2010, 3, 60.0)
    assert (p.rotor_in, p.language, p.report, p.suitability, p.reuse) == (False, "en", False, False, False)
    assert p.sweep_setbacks_m == (400.0, 500.0, 600.0) and p.sweep_resolution_m == 100.0
    # without the keys: every source computed, grid step with the default catalogue
    bare = load_scenario(write(tmp_path / "bare", FULL.split("profile:")[0] + "profile: {grid: null}\n"))
    assert [s.key for s in bare.profile.sources] == ["wind", "pv_ground", "agri_pv", "pv_rooftop", "pv_floating"]
    assert all(s.sites is None for s in bare.profile.sources)
    assert bare.profile.grid_catalogue is None and bare.profile.technologies is None
    assert ProfileSection().grid_catalogue == "grid_connection"
    assert load_scenario(write(tmp_path / "none", FULL.split("profile:")[0])).profile is None


def test_plan_from_scenario_equals_the_plan_of_the_old_path(tmp_path):
    """The values the profile engine built when it read the scenario's YAML a second time itself."""
    sc = load_scenario(write(tmp_path, FULL))
    plan = plan_from_scenario(sc)
    expected = ProfilePlan(
        layers={"municipalities": LayerRef(str(GPKG), "municipalities"), "roads": LayerRef(str(GPKG), "roads")},
        aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Zörbig",), "ags"),
        output_dir=tmp_path / "out",
        technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt", "overrides": {
            "forest": {"buffer": "30 m"}, "settlements_soft": {"buffer": "900 m"}}}, ("hard",), 3.0),),
        sources=(SourceSpec("pv_ground", LayerRef(str(tmp_path / "sites.gpkg"), "s"), str(tmp_path / "h.csv"),
                            {"a": 1}),
                 SourceSpec("wind", LayerRef(str(tmp_path / "w.gpkg"), "t"))),
        rasters={}, resolution_m=50.0, crs="EPSG:25832", reuse=False, suitability=False, rotor_in=False,
        demand_catalogue="demand", demand_table=str(tmp_path / "demand.csv"), population_field="pop", land="ST",
        grid_catalogue="grid_connection", weather="4", year=2010, top_n=3, suitable_min_score=60.0, report=False,
        language="en", workers=1, invalid_geometries="error", sweep_setbacks_m=(400.0, 500.0, 600.0),
        sweep_resolution_m=100.0)
    for name in ProfilePlan.__dataclass_fields__:
        assert getattr(plan, name) == getattr(expected, name), name
    assert plan_from_scenario(sc, 200.0).resolution_m == 200.0


def test_plan_of_the_sample_scenario(monkeypatch):
    plan = plan_from_scenario(load_scenario(SAMPLE))
    out = (REPO / "out").resolve()
    assert plan.technologies == (TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, ("hard", "soft"), 5.0),
                                 TechnologyStep("pv_ground", {"source": "pv_ground"}, ("hard", "soft"), 1.0))
    layout = {"turbine": "E-141/4200", "hub_height_m": 159.0, "rotor_in": True, "spacing_along_d": 5.0,
              "spacing_across_d": 3.0}  # the scenario's wind.layout (one chain)
    # repowering.wind: the layout after noise and shadow flicker (what stands, with the energy its modes leave), with
    # the old turbines each new one replaces
    assert plan.sources == (SourceSpec("wind", LayerRef(str(out / "wind_repowering_turbines.gpkg"), "turbines"),
                                       options=layout),
                            SourceSpec("pv_ground", LayerRef(str(out / "pv_ground_solar_sites.gpkg"), "solar_sites")),
                            SourceSpec("agri_pv", LayerRef(str(out / "agri_pv_solar_sites.gpkg"), "solar_sites")),
                            SourceSpec("pv_rooftop", LayerRef(str(out / "rooftop_pv.gpkg"), "rooftop_pv")),
                            SourceSpec("pv_floating", options={"lake_filter": {"any": [
                                {"water": ["reservoir", "basin"]}, {"name": ["Goitzschesee", "Seelhausener See"]}]}}))
    assert (plan.resolution_m, plan.top_n, plan.language, plan.grid_catalogue, plan.weather) == (
        10.0, 5, "de", "grid_connection", None)
    assert plan.output_dir == out and plan.aoi.names == () and plan.sweep_setbacks_m == ()


def test_paths_are_relative_to_the_scenario_file_not_the_working_folder(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    text = FULL.replace("demand.csv", "data/demand.csv").replace("sites.gpkg|", "../shared/sites.gpkg|") \
        .replace('weather: "4"', "weather: weather/try.csv")
    folder = tmp_path / "scenarios"
    plan = plan_from_scenario(load_scenario(write(folder, text)))
    assert plan.demand_table == str(folder / "data" / "demand.csv")
    assert plan.sources[0].sites == LayerRef(str(tmp_path / "shared" / "sites.gpkg"), "s")
    assert plan.sources[0].hourly == str(folder / "h.csv")
    assert plan.weather == str(folder / "weather" / "try.csv")
    assert plan.output_dir == folder / "out"
