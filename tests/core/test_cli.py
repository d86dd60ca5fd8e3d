"""The `wip` command line: scenario runs, single steps, presets, errors as exit codes."""
from __future__ import annotations

import yaml
from test_eligibility import CRITERIA, catalogue_file

from wip_qgis_plugin.cli import main


def scenario(region: dict, **extra) -> str:
    tmp = region["tmp"]
    cat = catalogue_file(tmp, CRITERIA, "cli_cat.yaml")
    layers = {role: {"path": "region.gpkg", "layer": role} for role in region["layers"]}
    data = {
        "name": "Test", "resolution_m": 25, "output_dir": "out", "layers": layers,
        "area_of_interest": {"layer": "municipalities", "name_field": "name"},
        "eligibility": {"wind": {"catalogue": cat.name, "min_area_ha": 2}},
        **extra,
    }
    path = tmp / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_run_scenario_writes_outputs_and_prints_the_table(small_region, capsys):
    path = scenario(small_region, sweep={"wind": {"criterion": "village",
                                                  "setbacks_m": {"from": 500, "to": 1000, "step": 250},
                                                  "variants": {"mit Wald": [], "ohne Wald": ["forest"]}}})
    assert main(["run", path]) == 0
    out = capsys.readouterr().out
    assert "Westdorf" in out and "Ostheim" in out and "TOTAL" in out
    folder = small_region["tmp"] / "out"
    for name in ("wind_eligibility.tif", "wind_reasons.tif", "wind_areas.gpkg", "wind_table.csv",
                 "wind_reasons_bits.json", "wind_sweep.csv", "wind_sweep.png"):
        assert (folder / name).exists(), name
    assert "ohne Wald" in out


def test_scenario_problems_are_listed_together(small_region, capsys):
    path = scenario(small_region, resolutoin_m=10, sweep={"pv": {"criterion": "x", "setbacks_m": [1]}})
    assert main(["run", path]) == 2
    err = capsys.readouterr().err
    assert "resolutoin_m: unknown key (did you mean 'resolution_m'?)" in err
    assert "sweep.pv: no technology 'pv'" in err


def test_eligibility_subcommand_with_gpkg(small_region, capsys):
    gpkg = str(small_region["path"])
    cat = str(catalogue_file(small_region["tmp"], CRITERIA, "cli2.yaml"))
    out_dir = str(small_region["tmp"] / "single")
    assert main(["eligibility", "--catalogue", cat, "--gpkg", gpkg, "--names", "Westdorf",
                 "--resolution", "50", "--out-dir", out_dir, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "Westdorf" in out and "Ostheim" not in out


def test_presets_list_and_show(capsys):
    assert main(["presets"]) == 0
    assert "wind_sachsen_anhalt" in capsys.readouterr().out
    assert main(["presets", "show", "pv_ground"]) == 0
    out = capsys.readouterr().out
    assert "baugb_privilege_motorway" in out and "215" in out


def test_broken_catalogue_gives_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: wip-catalogue/1\nid: x\n", encoding="utf-8")
    gpkg = tmp_path / "none.gpkg"
    assert main(["eligibility", "--catalogue", str(bad), "--gpkg", str(gpkg)]) == 2
    assert "problem(s)" in capsys.readouterr().err


def test_suitability_and_windbg_subcommands(small_region, capsys, tmp_path):
    from pathlib import Path
    ROOT = Path(__file__).resolve().parents[2]
    gpkg = ROOT / "sample_layers" / "revier_sample.gpkg"
    if not gpkg.exists():
        import pytest
        pytest.skip("sample region not generated")
    common = ["--catalogue", "wind_sachsen_anhalt", "--gpkg", str(gpkg), "--names", "Zörbig",
              "--resolution", "50", "--workers", "1", "--out-dir", str(tmp_path)]
    assert main(["eligibility", *common]) == 0
    assert main(["suitability", *common, "--eligibility", str(tmp_path / "wind_eligibility.tif"),
                 "--areas", str(tmp_path / "wind_areas.gpkg"),
                 "--raster", f"wind_speed_150m={ROOT / 'sample_layers' / 'wind_speed_150m.tif'}",
                 "--runs", "5"]) == 0
    assert main(["windbg", *common, "--areas", str(tmp_path / "wind_areas.gpkg"), "--rotor-in"]) == 0
    out = capsys.readouterr().out
    assert "mean score" in out and "rotor-in" in out
    for name in ("wind_suitability.tif", "wind_stability.tif", "wind_sites.csv", "wind_windbg.csv"):
        assert (tmp_path / name).exists(), name


def test_scenario_on_date_applies_the_rules_of_that_day(small_region, capsys):
    from wip_qgis_plugin.core.scenario.spec import load_scenario
    sc = load_scenario(scenario(small_region, on_date="2021-06-30"))
    import datetime as dt
    assert sc.runs[0].settings.on_date == dt.date(2021, 6, 30)


def test_wip_eligibility_builds_the_job_of_the_land_eligibility_algorithm():
    """One job path: the flags give the arguments the algorithm's parameters give (processing_algorithms/
    land_eligibility.py: catalogue spec with the settlement setback, role layers, AOI, outputs, settings)."""
    from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args

    args = build_parser().parse_args([
        "eligibility", "--catalogue", "wind_sachsen_anhalt",
        "--layer", "municipalities=/data/region.gpkg:municipalities",
        "--layer", "buildings=/data/region.gpkg:buildings", "--names", "Aland, Barby", "--resolution", "25",
        "--settlement-setback", "900", "--out-dir", "/out"])
    job, key = eligibility_job_from_args(args)
    assert key == "wind" and job.name == "eligibility"
    assert dict(job.arguments) == {
        "catalogue": {"source": "wind_sachsen_anhalt", "tag_buffers": {"settlement_setback": 900.0}},
        "layers": {"buildings": {"path": "/data/region.gpkg", "layer": "buildings"}},  # municipalities: the AOI
        "aoi": {"layer": {"path": "/data/region.gpkg", "layer": "municipalities"}, "name_field": "name",
                "names": ["Aland", "Barby"]},
        "outputs": {"eligibility": "/out/wind_eligibility.tif", "reasons": "/out/wind_reasons.tif",
                    "polygons": "/out/wind_areas.gpkg", "table": "/out/wind_table.csv"},
        "settings": {"resolution_m": 25.0, "crs": "EPSG:25832", "kinds": ["hard", "soft"], "min_area_ha": 5.0,
                     "require_all": False, "invalid_geometries": "error"},
    }


# --- wip run: every step is the job of its subcommand (core/jobs/runner.py)
def tagged_catalogue(region: dict):
    """The test criteria with the village tagged as the settlement setback."""
    criteria = [{**c, "tags": ["settlement_setback"]} if c["id"] == "village" else c for c in CRITERIA]
    return catalogue_file(region["tmp"], criteria, "tagged.yaml")


def test_scenario_steps_are_the_jobs_of_the_subcommands(small_region):
    """The runner builds each step with the builders of core/jobs/build.py; the catalogue travels as the
    scenario's job spec (preset or file, overrides with the settlement setback, suitability overrides)."""
    from wip_qgis_plugin.core.jobs.protocol import Job
    from wip_qgis_plugin.core.jobs.runner import scenario_steps
    from wip_qgis_plugin.core.scenario.spec import load_scenario

    tagged_catalogue(small_region)
    sc = load_scenario(scenario(small_region, eligibility={"wind": {
        "catalogue": "tagged.yaml", "min_area_ha": 2, "overrides": {"lake": {"buffer": "100 m"}},
        "settlement_setback_m": 800}}, sweep={"wind": {"criterion": "village", "setbacks_m": [500, 1000]}}))
    steps = list(scenario_steps(sc))
    assert [s.job.name for s in steps] == ["eligibility", "setback_sweep"]
    assert all(isinstance(s.job, Job) for s in steps)
    elig, sweep = (s.job.arguments for s in steps)
    cat = str(small_region["tmp"] / "tagged.yaml")
    assert elig["catalogue"] == sweep["catalogue"] == {
        "source": cat, "overrides": {"lake": {"buffer": "100 m"}, "village": {"buffer": "800 m"}}}
    assert elig["settings"]["resolution_m"] == 25.0 and elig["settings"]["min_area_ha"] == 2.0
    assert elig["outputs"]["polygons"] == str(small_region["tmp"] / "out" / "wind_areas.gpkg")
    assert sweep["setbacks_m"] == [500.0, 1000.0] and sweep["criterion"] == "village"


def test_scenario_step_as_a_job_gives_the_engine_result(small_region):
    """The eligibility step of `wip run`, sent as a job, gives the figures of the engine called with the
    scenario's own loaded catalogue (override and settlement setback applied by the scenario), as the runner
    did before it sent jobs."""
    import pytest

    from wip_qgis_plugin.core.eligibility.engine import EligibilityOutputs, run_eligibility
    from wip_qgis_plugin.core.jobs.runner import run_scenario
    from wip_qgis_plugin.core.scenario.spec import load_scenario

    tagged_catalogue(small_region)
    sc = load_scenario(scenario(small_region, eligibility={"wind": {
        "catalogue": "tagged.yaml", "min_area_ha": 2, "overrides": {"lake": {"buffer": "300 m"}},
        "settlement_setback_m": 600}}))
    (step,) = list(run_scenario(sc))
    run = sc.runs[0]
    direct = run_eligibility(run.catalogue, sc.layers, sc.aoi, EligibilityOutputs(small_region["tmp"] / "direct.tif"),
                             run.settings)
    assert step.kind == "eligibility" and step.details["catalogue"] == run.catalogue.id
    assert step.result["eligible_ha"] == pytest.approx(direct.eligible_ha, abs=1e-9)
    assert [m["eligible_ha"] for m in step.result["municipalities"]] == pytest.approx(
        [m.eligible_ha for m in direct.municipalities], abs=1e-9)
    assert 0 < step.result["eligible_ha"] < step.result["total_ha"] == pytest.approx(2400.0)  # two 4 × 3 km areas


def test_run_out_dir_writes_elsewhere_and_reads_inputs_beside_the_scenario(small_region, tmp_path_factory,
                                                                            monkeypatch, capsys):
    """`wip run --out-dir DIR`: every output in DIR (relative to the working folder), none in the scenario's own
    output_dir; the inputs are still found beside the scenario file."""
    path = scenario(small_region)
    cwd = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(cwd)
    assert main(["run", path, "--out-dir", "results/a"]) == 0
    out = capsys.readouterr().out
    folder = cwd / "results" / "a"
    assert f"→ {folder}" in out
    for name in ("wind_eligibility.tif", "wind_areas.gpkg", "wind_table.csv", "wip_run.json"):
        assert (folder / name).exists(), name
    assert not (small_region["tmp"] / "out").exists()


def test_profile_out_dir_and_scenario_output_dir_override(small_region, tmp_path):
    """load_scenario(output_dir=…) moves every output path of the scenario, the profile plan's folder included."""
    from wip_qgis_plugin.core.jobs.runner import scenario_paths
    from wip_qgis_plugin.core.scenario.spec import load_scenario, plan_from_scenario

    sc = load_scenario(scenario(small_region, profile={}), output_dir=tmp_path / "o")
    assert sc.output_dir == (tmp_path / "o").resolve()
    _, outputs = scenario_paths(sc)
    assert outputs and all(p.is_relative_to(sc.output_dir) for p in outputs)
    assert plan_from_scenario(sc).output_dir == sc.output_dir
