"""Municipal energy profile on two sample municipalities: indicator sums equal the per-site figures,
the hourly balance conserves energy, missing sources are reported (never estimated), provenance is
recorded, earlier outputs are reused, a failing run writes nothing."""
from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from conftest import LogRecorder
import shapely

from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.indicators import total_row
from wip_qgis_plugin.core.profile.model import (
    GENERATION_SOURCES,
    SITE_FIELDS,
    ProfilePlan,
    SourceSpec,
    TechnologyStep,
)

REPO = Path(__file__).resolve().parents[2]
GPKG = REPO / "sample_layers" / "revier_sample.gpkg"
NAMES = ("Zörbig", "Landsberg")
ROLES = ("landuse", "buildings", "roads", "railways", "power_lines", "substations", "water", "waterways",
         "protected_areas", "airfields")
PV_FULL_LOAD_H = 950.0
WIND_FULL_LOAD_H = 2000.0

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")


Recorder = LogRecorder  # a progress recording its warnings and infos (conftest)


def capacity_factor(full_load_h: float, phase: float) -> np.ndarray:
    """A deterministic hourly capacity factor whose year sums to ``full_load_h``."""
    h = np.arange(8760)
    daily = np.sin(2 * np.pi * (h % 24 - 6 + phase) / 24)
    daily = np.clip(daily, 0, None) if full_load_h < 1500 else 1.0 + 0.5 * daily  # PV by day, wind always
    shape = daily * (1.2 + np.cos(2 * np.pi * h / 8760))
    return shape / shape.sum() * full_load_h


def write_sites(folder: Path, key: str, full_load_h: float, seed: int) -> tuple[LayerRef, str]:
    """Reused sites: seeded points inside the two municipalities, with an hourly CSV."""
    munis = gpd.read_file(GPKG, layer="municipalities", engine="pyogrio")
    rng = np.random.default_rng(seed)
    rows = []
    for name in NAMES:
        poly = munis.loc[munis["name"] == name].geometry.iloc[0]
        x0, y0, x1, y1 = poly.bounds
        n = 0
        while n < 4:
            p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
            if poly.contains(p):
                cap = float(rng.uniform(3.0, 25.0))
                rows.append({"site_id": f"{key}-{name[:3]}-{n}", "municipality": name, "capacity_mw": cap,
                             "energy_mwh_per_a": cap * full_load_h, "geometry": p})
                n += 1
    frame = gpd.GeoDataFrame(rows, crs=munis.crs)
    path = folder / f"{key}_reused.gpkg"
    frame.to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    hourly = folder / f"{key}_hourly.csv"
    np.savetxt(hourly, capacity_factor(full_load_h, seed), header="capacity_factor", comments="", fmt="%.9f")
    return LayerRef(str(path), "sites"), str(hourly)


def make_plan(out: Path, inputs: Path, **extra) -> ProfilePlan:
    pv, pv_hourly = write_sites(inputs, "pv_ground", PV_FULL_LOAD_H, 1)
    wind, wind_hourly = write_sites(inputs, "wind", WIND_FULL_LOAD_H, 2)
    kwargs = dict(
        layers={r: LayerRef(str(GPKG), r) for r in ROLES},
        aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", NAMES),
        output_dir=out,
        technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, min_area_ha=5),
                      TechnologyStep("pv_ground", {"source": "pv_ground"})),
        sources=(SourceSpec("wind", wind, wind_hourly), SourceSpec("pv_ground", pv, pv_hourly),
                 SourceSpec("agri_pv"), SourceSpec("pv_rooftop")),
        rasters={"dem": str(REPO / "sample_layers/dem.tif"),
                 "wind_speed_150m": str(REPO / "sample_layers/wind_speed_150m.tif"),
                 "soil_quality": str(REPO / "sample_layers/soil_quality.tif")},
        resolution_m=100.0, workers=1, report=False)
    kwargs.update(extra)
    return ProfilePlan(**kwargs)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("inputs")
    out = tmp_path_factory.mktemp("profile")
    progress = Recorder()
    plan = make_plan(out, inputs)
    return run_profile(plan, progress), progress, plan


def test_indicator_sums_equal_the_per_site_figures(run):
    result, _, _ = run
    sites = result.sites
    assert set(sites.columns) >= set(SITE_FIELDS) | {"source", "grid_cost_eur"}
    present = [k for k, s in result.sources.items() if s.status != "missing"]
    assert {"wind", "pv_ground"} <= set(present)
    assert result.municipalities
    for m in result.municipalities:
        for key in present:
            part = sites[(sites["municipality"] == m.name) & (sites["source"] == key)]
            assert m.indicators[f"{key}_capacity_mw"] == pytest.approx(part["capacity_mw"].sum())
            assert m.indicators[f"{key}_energy_gwh"] == pytest.approx(part["energy_mwh_per_a"].sum() / 1000)
            assert m.indicators[f"{key}_sites"] == len(part)
        for key in ("wind", "pv_ground"):  # the reused layers: four sites each
            assert m.indicators[f"{key}_sites"] == 4
        additive = [k for k in present if GENERATION_SOURCES[k].additive]
        assert m.indicators["capacity_mw"] == pytest.approx(sum(m.indicators[f"{k}_capacity_mw"] for k in additive))
        assert m.indicators["energy_gwh"] == pytest.approx(sum(m.indicators[f"{k}_energy_gwh"] for k in additive))
        own = sites[sites["municipality"] == m.name]
        assert m.indicators["grid_cost_meur"] == pytest.approx(own["grid_cost_eur"].sum() / 1e6)
        connected = own[own["source"].map(lambda k: GENERATION_SOURCES[k].grid_connected)]
        assert m.indicators["grid_connected_mw"] + m.indicators["grid_unconnected_mw"] == pytest.approx(
            connected["capacity_mw"].sum())
    tot = total_row(result)
    for key in ("capacity_mw", "energy_gwh", "area_ha", "demand_gwh", "wind_eligible_ha", "grid_cost_meur"):
        assert tot[key] == pytest.approx(sum(m.indicators[key] for m in result.municipalities))
    additive_sites = sites[sites["source"].map(lambda k: GENERATION_SOURCES[k].additive)]
    assert tot["capacity_mw"] == pytest.approx(additive_sites["capacity_mw"].sum())


def test_balance_conserves_energy_and_matches_the_sites(run):
    result, _, _ = run
    assert result.municipalities
    for m in result.municipalities:
        b = m.balance
        assert b is not None and b.hours == 8760
        np.testing.assert_allclose(b.self_consumed + b.surplus, b.generation, atol=1e-9)
        np.testing.assert_allclose(b.self_consumed + b.deficit, b.demand, atol=1e-9)
        assert b.demand_mwh == pytest.approx(m.demand.annual_mwh)
        assert b.generation_mwh == pytest.approx(m.indicators["energy_gwh"] * 1000, rel=1e-6)
        assert m.indicators["self_sufficiency_pct"] <= min(100.0, m.indicators["balance_pct"]) + 1e-9
        assert 0 <= m.indicators["hours_covered_pct"] <= 100


def test_missing_sources_are_reported_not_estimated(run):
    result, progress, _ = run
    assert result.municipalities
    for key in ("agri_pv", "pv_rooftop"):
        src = result.sources[key]
        if src.status != "missing":
            continue
        assert src.reason
        assert all(f"{key}_capacity_mw" not in m.indicators for m in result.municipalities)
        assert any(key in w for w in progress.warnings)
    assert result.sources["pv_ground"].status == "reused"


def test_areas_demand_and_windbg(run):
    result, _, _ = run
    assert result.municipalities
    for m in result.municipalities:
        ind = m.indicators
        assert 0 < ind["wind_eligible_ha"] < ind["area_ha"]
        assert ind["wind_eligible_pct"] == pytest.approx(100 * ind["wind_eligible_ha"] /
                                                         result.technologies["wind"].stats[m.name].total_ha)
        assert 0 <= ind["wind_suitable_ha"] <= ind["wind_eligible_ha"] + 1e-6
        assert ind["windbg_target_2032_pct"] == 2.2                       # Sachsen-Anhalt
        assert ind["windbg_counted_ha"] <= ind["wind_eligible_ha"] + 1e-6  # rotor-in shrinks the areas
        assert ind["demand_gwh"] == pytest.approx(ind["population"] * 6.05 / 1000)  # 6,050 kWh per inhabitant


def test_outputs_carry_the_provenance(run):
    result, _, plan = run
    data = json.loads(result.files["json"].read_text(encoding="utf-8"))
    prov = data["provenance"]
    assert prov["catalogues"]["wind"]["id"] == "wind_sachsen_anhalt" and prov["catalogues"]["wind"]["version"]
    assert prov["demand"]["id"] == "demand" and prov["grid"]["id"] == "grid_connection"
    assert prov["parameters"]["resolution_m"] == 100.0
    assert prov["input_layers"]["buildings"].endswith("layername=buildings")
    assert {m["name"] for m in data["municipalities"]} == set(NAMES)
    with open(result.files["indicators"], encoding="utf-8") as fh:
        assert fh.readline().startswith("# WIP municipal energy profile")
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == [*NAMES, "TOTAL"]
    import pyogrio

    layers = {n for n, _ in pyogrio.list_layers(result.files["gpkg"])}
    assert {"municipalities", "sites", "connections"} <= layers
    meta = pyogrio.read_info(result.files["gpkg"], layer="municipalities")["layer_metadata"]
    assert json.loads(meta["WIP_PROVENANCE"])["catalogues"]["pv_ground"]["id"] == "pv_ground"


def test_second_run_reuses_the_eligibility(run, tmp_path):
    result, _, plan = run
    progress = Recorder()
    again = run_profile(dataclasses.replace(plan, sources=plan.sources[:2]), progress)
    assert any("reusing" in i for i in progress.infos)
    assert again.technologies["wind"].reused
    assert result.municipalities and len(again.municipalities) == len(result.municipalities)
    for a, b in zip(result.municipalities, again.municipalities):
        assert a.indicators["wind_eligible_ha"] == pytest.approx(b.indicators["wind_eligible_ha"])


def test_changed_setbacks_are_not_reused(run):
    _, _, plan = run
    from dataclasses import replace

    changed = replace(plan, technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt",
                                                                  "tag_buffers": {"settlement_setback": 800}},
                                                         min_area_ha=5),), sources=(), suitability=False)
    progress = Recorder()
    result = run_profile(changed, progress)
    assert not result.technologies["wind"].reused
    assert not any("reusing" in i for i in progress.infos)


def test_a_failing_run_leaves_no_output(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    bad = inputs / "demand.csv"
    bad.write_text("name,total_mwh\nZörbig,-5\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InputError, match="row 2"):
        run_profile(make_plan(out, inputs, demand_table=str(bad), technologies=()))
    assert not out.exists() or not any(out.rglob("*.*"))


def test_bad_settings_are_named(tmp_path):
    plan = make_plan(tmp_path / "o", tmp_path, sources=(SourceSpec("tidal"),), language="fr")
    with pytest.raises(InputError) as info:
        run_profile(plan)
    assert "tidal" in str(info.value) and "fr" in str(info.value)
    assert set(GENERATION_SOURCES) == {"wind", "pv_ground", "agri_pv", "pv_rooftop", "pv_floating"}


def test_hourly_shapes_of_the_weather_year():
    from wip_qgis_plugin.core.profile.sources import pv_hourly_shares, wind_hourly_shares
    from wip_qgis_plugin.core.wind.turbines import load_turbine
    from wip_qgis_plugin.core.data.weather import load_try

    weather = load_try(4)
    pv = pv_hourly_shares(weather, ((30.0, 180.0, 1.0),))
    assert pv.shape == (8760,) and pv.sum() == pytest.approx(1.0) and np.all(pv >= 0)
    by_hour = pv.reshape(365, 24).sum(axis=0)
    assert by_hour[:3].sum() == 0 and by_hour.argmax() in (11, 12, 13)   # night dark, peak about noon (MEZ)
    assert pv[4000:5000].sum() > 3 * pv[:1000].sum()                     # summer above winter
    wind = wind_hourly_shares(weather, load_turbine("E-141/4200", 159.0))
    assert wind.sum() == pytest.approx(1.0) and np.all(wind >= 0) and np.count_nonzero(wind) > 4000


def test_wind_layout_source_sums_its_turbines(tmp_path):
    import geopandas as gpd

    plan = ProfilePlan(
        layers={r: LayerRef(str(GPKG), r) for r in ROLES}, output_dir=tmp_path,
        aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Petersberg",)),
        technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, min_area_ha=5),),
        sources=(SourceSpec("wind"),), rasters={"wind_speed_150m": str(REPO / "sample_layers/wind_speed_150m.tif")},
        resolution_m=100.0, workers=1, report=False, suitability=False, grid_catalogue=None)
    result = run_profile(plan)
    src = result.sources["wind"]
    assert src.status == "computed" and "E-141" in src.density and "MW per km²" in src.density
    turbines = gpd.read_file(tmp_path / "profile_wind_turbines.gpkg", layer="turbines", engine="pyogrio")
    m = result.municipalities[0]
    assert m.indicators["wind_capacity_mw"] == pytest.approx(turbines["capacity_mw"].sum())
    assert len(turbines) > 0 and m.indicators["wind_capacity_mw"] == pytest.approx(4.2 * len(turbines))
    assert m.indicators["wind_energy_gwh"] == pytest.approx(turbines["energy_mwh_per_a"].sum() / 1000)
    assert m.balance.generation_mwh == pytest.approx(m.indicators["wind_energy_gwh"] * 1000)
    assert "grid: no grid step in this profile" in m.notes


# ------------------------------------------------------------------ real boundaries (../shared/realdata)
REAL_MUNICIPALITIES = (REPO.parent / "shared" / "realdata" / "vg250ew_gemeinden"
                       / "gemeinden_mitteldeutsches_revier.gpkg")


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not REAL_MUNICIPALITIES.is_file(), reason="../shared/realdata absent")
def test_real_revier_municipalities(tmp_path):
    """The 177 real municipalities of the Revier (BKG VG250-EW, EPSG:4326, Sachsen, Sachsen-Anhalt,
    Thüringen) with the sample region's layers where they overlap: eligibility, WindBG, demand and
    the reports of all of them, on a 500 m grid (about 30 s on 2 cores; the same at 100 m with every
    report: scripts in docs/profile.md)."""
    import pyogrio

    plan = ProfilePlan(
        layers={r: LayerRef(str(GPKG), r) for r in ROLES},
        aoi=AreaOfInterest(LayerRef(str(REAL_MUNICIPALITIES), "gemeinden"), "name", ()), output_dir=tmp_path,
        technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, min_area_ha=5),),
        sources=(), population_field="pop", resolution_m=500.0, suitability=False, grid_catalogue=None, workers=2)
    result = run_profile(plan)
    real = pyogrio.read_dataframe(REAL_MUNICIPALITIES, layer="gemeinden", read_geometry=False)
    assert len(result.municipalities) == real["name"].nunique() == 177
    lands = {m.ags[:2]: m.indicators["windbg_target_2032_pct"] for m in result.municipalities}
    assert lands == {"14": 2.0, "15": 2.2, "16": 2.2}                     # Sachsen, Sachsen-Anhalt, Thüringen
    pops = dict(zip(real["name"], real["pop"]))
    for m in result.municipalities:
        assert m.indicators["demand_gwh"] == pytest.approx(pops[m.name] * 6.05 / 1000)
        assert 0 <= m.indicators["wind_eligible_pct"] <= 100
    # inside the sample region the sample's layers exclude land; far outside nothing does
    assert result.municipality("Zörbig").indicators["wind_eligible_pct"] < 30
    assert len(list((tmp_path / "report").glob("*.html"))) == 178


def test_reused_sites_without_hourly_values_follow_the_weather_year(tmp_path):
    pv, _ = write_sites(tmp_path, "pv_ground", PV_FULL_LOAD_H, 5)
    plan = make_plan(tmp_path / "out", tmp_path, technologies=(TechnologyStep("pv_ground", {"source": "pv_ground"}),),
                     sources=(SourceSpec("pv_ground", pv),), suitability=False, grid_catalogue=None)
    result = run_profile(plan)
    assert "30° south" in result.provenance["sources"]["pv_ground"]["hourly_shape"]
    assert result.municipalities
    for m in result.municipalities:
        assert m.balance.generation_mwh == pytest.approx(m.indicators["pv_ground_energy_gwh"] * 1000)
        night = m.balance.generation.reshape(365, 24)[:, :3]
        assert night.sum() == 0


def test_cancelled_after_the_sources_leaves_no_profile_file(tmp_path):
    from wip_qgis_plugin.core.errors import Cancelled

    class CancelAtGrid(Recorder):
        seen = False

        def report(self, fraction, message=None):
            self.seen = self.seen or message == "Grid connection"

        def is_cancelled(self):
            return self.seen

    plan = make_plan(tmp_path / "out", tmp_path, technologies=(TechnologyStep("pv_ground", {"source": "pv_ground"}),),
                     sources=(SourceSpec("pv_ground"), SourceSpec("pv_rooftop")), suitability=False)
    with pytest.raises(Cancelled):
        run_profile(plan, CancelAtGrid())
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert left and all(not n.startswith(("profile", ".")) for n in left), left   # only the eligibility step's files
    assert not (tmp_path / "out" / "report").exists() or not any((tmp_path / "out" / "report").iterdir())


def test_worker_job_round_trip(tmp_path):
    """The `profile` job (JSON arguments, as the QGIS plugin and the engine worker send them)."""
    from wip_qgis_plugin.core.jobs.protocol import ENTRY_POINTS, Job, job_outputs, run_job, to_jsonable

    plan = make_plan(tmp_path / "out", tmp_path, technologies=(TechnologyStep("pv_ground", {"source": "pv_ground"}),),
                     sources=(make_plan(tmp_path / "o", tmp_path).sources[1], SourceSpec("agri_pv")),
                     suitability=False, grid_catalogue=None)
    job = Job("profile", {"plan": plan})
    result = run_job(Job.from_dict(json.loads(json.dumps(job.to_dict()))))
    direct = run_profile(dataclasses.replace(plan, output_dir=tmp_path / "direct"))
    assert [m["name"] for m in result["municipalities"]] == list(NAMES)
    for m, d in zip(result["municipalities"], direct.municipalities):
        assert m["indicators"]["pv_ground_energy_gwh"] == pytest.approx(d.indicators["pv_ground_energy_gwh"])
        assert m["indicators"]["self_sufficiency_pct"] == pytest.approx(d.indicators["self_sufficiency_pct"])
    assert "profile" in ENTRY_POINTS
    outputs = {p.name for p in job_outputs(Job("profile", to_jsonable({"plan": plan})))}
    assert {"profile.json", "profile_indicators.csv", "pv_ground_eligibility.tif",
            "profile_agri_pv_sites.gpkg"} <= outputs


def test_scenario_profile_section(tmp_path, capsys):
    from wip_qgis_plugin.cli import main
    from wip_qgis_plugin.core.scenario.spec import load_scenario

    text = f"""
name: t
resolution_m: 100
output_dir: out
layers:
  municipalities: {{path: {GPKG}, layer: municipalities}}
  roads: {{path: {GPKG}, layer: roads}}
  railways: {{path: {GPKG}, layer: railways}}
  landuse: {{path: {GPKG}, layer: landuse}}
  water: {{path: {GPKG}, layer: water}}
  waterways: {{path: {GPKG}, layer: waterways}}
  protected_areas: {{path: {GPKG}, layer: protected_areas}}
area_of_interest: {{layer: municipalities, names: [Petersberg]}}
eligibility:
  pv_ground: {{catalogue: pv_ground}}
profile:
  sources: {{pv_ground: {{}}}}
  grid: null
  language: en
"""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).profile.language == "en"
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "profile: 1 municipalities" in out and "Petersberg" in out
    page = (tmp_path / "out" / "report" / "Petersberg.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert main(["profile", str(path), "--language", "de", "--no-report"]) == 0   # reuses the eligibility
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("language: en", "langauge: en\n  sources2: {}").replace(
        "pv_ground: {}}", "pv_groud: {}}"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    msg = str(info.value)
    assert "profile.langauge" in msg and "did you mean 'language'" in msg and "profile.sources.pv_groud" in msg


def test_municipalities_without_population_are_reported_not_failed(tmp_path):
    progress = Recorder()
    plan = make_plan(tmp_path / "out", tmp_path, technologies=(), sources=(), population_field="einwohner",
                     grid_catalogue=None)
    result = run_profile(plan, progress)
    assert any("demand: missing for" in w and "einwohner" in w for w in progress.warnings)
    assert result.municipalities
    for m in result.municipalities:
        assert "demand_gwh" not in m.indicators and m.balance is None
        assert any("no population" in n for n in m.notes)


def test_one_chain_from_another_folder_with_an_absolute_output_dir(tmp_path, capsys):
    """A scenario with eligibility, wind layout (rotor-in), WindBG and a profile whose wind source names the layout
    by key (``layout.wind``), run from a copy in another folder with an absolute output_dir: the profile takes the
    scenario's turbines (same count and capacity as the layout) and counts WindBG rotor-in like the scenario."""
    from wip_qgis_plugin.cli import main

    out = tmp_path / "results"  # absolute, not next to the scenario
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    text = f"""
name: chain
resolution_m: 100
output_dir: {out}
layers:
  municipalities: {{path: {GPKG}, layer: municipalities}}
  landuse: {{path: {GPKG}, layer: landuse}}
  buildings: {{path: {GPKG}, layer: buildings}}
  water: {{path: {GPKG}, layer: water}}
  waterways: {{path: {GPKG}, layer: waterways}}
  protected_areas: {{path: {GPKG}, layer: protected_areas}}
area_of_interest: {{layer: municipalities, names: [Petersberg]}}
rasters:
  wind_speed_150m: {REPO / "sample_layers/wind_speed_150m.tif"}
eligibility:
  wind: {{catalogue: wind_sachsen_anhalt, min_area_ha: 5}}
windbg:
  wind: {{rotor_in: true}}
wind:
  turbine: E-141/4200
  hub_height_m: 159
  resolution_m: 100
  layout: {{areas: wind, rotor_in: true}}
profile:
  sources: {{wind: {{sites: layout.wind}}}}
  grid: null
  suitability: false
  report: false
"""
    path = elsewhere / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path)]) == 0, capsys.readouterr().err
    turbines = gpd.read_file(out / "wind_turbines.gpkg", layer="turbines", engine="pyogrio")
    assert len(turbines) > 0
    profile = json.loads((out / "profile.json").read_text(encoding="utf-8"))
    (muni,) = profile["municipalities"]
    assert muni["indicators"]["wind_capacity_mw"] == pytest.approx(turbines["capacity_mw"].sum())
    windbg = list(csv.DictReader((out / "wind_windbg.csv").open(encoding="utf-8")))
    assert windbg[0]["accounting"].startswith("rotor-in")
    assert muni["indicators"]["windbg_counted_ha"] == pytest.approx(float(windbg[0]["counted_ha"]), rel=1e-6)


def test_the_profile_takes_the_scenarios_grid_and_layout_settings(tmp_path):
    """plan_from_scenario: the grid step gets the scenario's grid settings (unknown free capacity, fields,
    allocation; it ignored them), the wind source the scenario's turbine, rotor-in and spacing."""
    import yaml

    from wip_qgis_plugin.core.scenario.spec import load_scenario, plan_from_scenario

    data = yaml.safe_load((REPO / "sample_layers" / "scenario.yaml").read_text(encoding="utf-8"))
    data["grid"]["unknown_free_capacity_mw"] = 12.5
    data["wind"]["layout"].update(rotor_in=False, spacing_along_d=6)
    data["profile"]["sources"]["wind"] = {}
    data["output_dir"] = str(tmp_path / "out")
    for key, value in list(data.get("rasters", {}).items()):
        data["rasters"][key] = str(REPO / "sample_layers" / value)
    for key, value in data["layers"].items():
        value["path"] = str(REPO / "sample_layers" / value["path"])
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan = plan_from_scenario(load_scenario(path))
    assert plan.grid_settings["unknown_free_capacity_mw"] == 12.5
    assert plan.grid_settings["allocation"] == "min_cost_flow"
    wind = next(s for s in plan.sources if s.key == "wind")
    assert wind.sites is None  # the layout has not run in this folder: the profile lays out with its settings
    assert wind.options["rotor_in"] is False and wind.options["spacing_along_d"] == 6
    assert wind.options["turbine"] == "E-141/4200" and wind.options["hub_height_m"] == 159


def test_the_profile_states_what_the_energy_is_worth_to_each_municipality(run):
    """§ 6 EEG: ground PV pays its own municipality 2 €/MWh; the wind payments of all municipalities add up to at
    most 2 €/MWh of the wind energy (the zones may reach beyond the area); the municipal income is § 6 plus the
    trade tax; the LCOE of a source is the energy-weighted LCOE of its sites, and each site's equals the annuity
    formula (computed here)."""
    from wip_qgis_plugin.core.economics.costs import load_cost_table
    from wip_qgis_plugin.core.economics.lcoe import annuity_factor

    result, _, _ = run
    t = load_cost_table()
    sites = result.sites
    wind_energy = sites.loc[sites["source"] == "wind", "energy_mwh_per_a"].sum()
    pv = sites[sites["source"] == "pv_ground"]
    eeg_total = sum(m.indicators["eeg6_keur"] for m in result.municipalities) * 1000
    pv_payment = pv["energy_mwh_per_a"].sum() * 2.0
    assert pv_payment < eeg_total <= pv_payment + wind_energy * 2.0 + 1e-6
    a = annuity_factor(t.discount_rate, t.lifetime_a)
    for _, site in sites[sites["source"] == "wind"].iterrows():
        kw = site["capacity_mw"] * 1000
        grid = 0.0 if not np.isfinite(site["grid_cost_eur"]) else site["grid_cost_eur"]
        expected = ((kw * 1600 + grid) * a + kw * (45 + 20)) / site["energy_mwh_per_a"]
        assert site["lcoe_eur_per_mwh"] == pytest.approx(expected, rel=1e-9)
    for m in result.municipalities:
        ind = m.indicators
        assert ind["municipal_value_keur"] == pytest.approx(ind["eeg6_keur"] + ind["trade_tax_keur"])
        own = sites[(sites["municipality"] == m.name) & (sites["source"] == "pv_ground")]
        if len(own):
            weighted = (own["lcoe_eur_per_mwh"] * own["energy_mwh_per_a"]).sum() / own["energy_mwh_per_a"].sum()
            assert ind["lcoe_pv_ground_eur_per_mwh"] == pytest.approx(weighted)
    assert result.provenance["economics"]["price_year"] == 2024
    written = gpd.read_file(result.files["gpkg"], layer="sites")
    assert {"lcoe_eur_per_mwh", "trade_tax_eur_per_a", "lcoe_rank"} <= set(written.columns)
    for _, part in written.groupby(["municipality", "source"]):
        ordered = part.sort_values("lcoe_rank")["lcoe_eur_per_mwh"].dropna().to_numpy()
        assert (np.diff(ordered) >= 0).all()
