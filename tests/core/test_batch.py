"""Resumable batches (core/jobs/batch.py, `wip batch`): one folder per municipality, a marker written last, an
overview joined at the end; a batch killed half-way resumes and ends with the overview of an uninterrupted one.

The scenario is a reduced copy of sample_layers/scenario.yaml (eligibility of wind and ground PV, then the profile
with two sources, no grid, no report) at 50 m, on the two smallest sample municipalities, so that a batch takes a
few seconds.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from wip_qgis_plugin.cli import main
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.jobs.batch import (
    FOLDERS_NAME,
    MANIFEST_NAME,
    MARKER_NAME,
    OVERVIEW_MAP_NAME,
    OVERVIEW_NAME,
    BatchSettings,
    batch_tasks,
    folder_name,
    list_municipalities,
    read_marker,
    read_overview,
    run_batch,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_layers"
GPKG = SAMPLE / "revier_sample.gpkg"
#: The two smallest sample municipalities (26 and 50 km²), as an OGR SQL condition.
WHERE = "name IN ('Raguhn-Jeßnitz', 'Petersberg')"
VG250 = Path("/work/shared/realdata/vg250ew_gemeinden/gemeinden_mitteldeutsches_revier.gpkg")


def batch_scenario(folder: Path) -> Path:
    """The sample scenario reduced to what a batch test needs, written into ``folder`` (inputs by absolute path)."""
    sample = yaml.safe_load((SAMPLE / "scenario.yaml").read_text(encoding="utf-8"))
    layers = {role: {"path": str(GPKG), "layer": ref["layer"]} for role, ref in sample["layers"].items()}
    data = {"name": "batch test", "crs": sample["crs"], "resolution_m": 50, "output_dir": "out",
            "layers": layers, "area_of_interest": sample["area_of_interest"], "eligibility": sample["eligibility"],
            "rasters": {k: str(SAMPLE / v) for k, v in sample["rasters"].items()},
            "profile": {"report": False, "suitability": False, "grid": None,
                        "sources": {"wind": {}, "pv_ground": {}}}}
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    return batch_scenario(tmp_path_factory.mktemp("batch_scenario"))


@pytest.fixture(scope="module")
def uninterrupted(scenario, tmp_path_factory) -> tuple[Path, list]:
    """A batch of the two municipalities that ran through in this process."""
    out = tmp_path_factory.mktemp("uninterrupted")
    outcomes = list(run_batch(scenario, out, BatchSettings(where=WHERE)))
    return out, outcomes


def test_folder_names_are_ascii_and_keyed():
    assert folder_name("Raguhn-Jeßnitz", "15082298") == "15082298_Raguhn-Jessnitz"
    assert folder_name("Halle (Saale)", "15002000") == "15002000_Halle_Saale"
    assert folder_name("Zörbig, Stadt", "") == "Zoerbig_Stadt"


def test_municipalities_of_a_layer_in_order_selected_by_where():
    layer = LayerRef(str(GPKG), "municipalities")
    every = list_municipalities(layer, "name", "ags")
    assert len(every) == 8 and every[0].name == "Bitterfeld-Wolfen" and every[0].key == "15082015"
    two = list_municipalities(layer, "name", "ags", WHERE)
    assert [m.name for m in two] == ["Petersberg", "Raguhn-Jeßnitz"]
    assert [m.folder for m in two] == ["15088305_Petersberg", "15082298_Raguhn-Jessnitz"]
    by_name = list_municipalities(layer, "name", None, WHERE)  # no key field: the name selects
    assert [m.key for m in by_name] == ["Petersberg", "Raguhn-Jeßnitz"] and by_name[0].ags == ""


def test_without_where_the_batch_takes_the_scenarios_area_of_interest_names(tmp_path):
    path = batch_scenario(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert batch_tasks(path, tmp_path / "b") and len(batch_tasks(path, tmp_path / "b")) == 8  # names: []: all
    path.write_text(text.replace("names: []", "names: [Zörbig, '15088305']"), encoding="utf-8")
    assert [t.municipality.name for t in batch_tasks(path, tmp_path / "b")] == ["Zörbig", "Petersberg"]
    assert len(batch_tasks(path, tmp_path / "b", BatchSettings(where="name LIKE 'B%'"))) == 1  # --where wins


@pytest.mark.parametrize("where, message", [("nosuchfield = 1", "cannot be evaluated"),
                                            ("name = 'Atlantis'", "No municipality selected")])
def test_a_bad_selection_is_an_input_error(where, message):
    with pytest.raises(InputError, match=message):
        list_municipalities(LayerRef(str(GPKG), "municipalities"), "name", "ags", where)


def test_a_missing_name_field_names_the_fields():
    with pytest.raises(InputError, match="no field 'GEN'.*ags"):
        list_municipalities(LayerRef(str(GPKG), "municipalities"), "GEN")


def test_uninterrupted_batch_writes_a_folder_per_municipality_and_the_overview(uninterrupted):
    out, outcomes = uninterrupted
    assert [(o.municipality.name, o.status) for o in outcomes] == [("Petersberg", "done"), ("Raguhn-Jeßnitz", "done")]
    rows = read_overview(out / OVERVIEW_NAME)
    assert [(r["key"], r["name"], r["folder"]) for r in rows] == [
        ("15088305", "Petersberg", f"{FOLDERS_NAME}/15088305_Petersberg"),
        ("15082298", "Raguhn-Jeßnitz", f"{FOLDERS_NAME}/15082298_Raguhn-Jessnitz")]
    for row in rows:
        folder = out / row["folder"]
        marker = read_marker(folder)
        assert marker is not None and marker["rows"][0]["name"] == row["name"]
        for name in ("wind_eligibility.tif", "pv_ground_areas.gpkg", "profile_indicators.csv", "wip_run.json"):
            assert (folder / name).is_file(), name
        profile = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
        (m,) = profile["municipalities"]  # the task's profile is of its municipality alone
        assert m["name"] == row["name"]
        assert float(row["area_ha"]) == pytest.approx(m["indicators"]["area_ha"], abs=0)
    # the sample municipalities' areas: Petersberg 50.3 km², Raguhn-Jeßnitz 26.4 km² (50 m pixels)
    assert float(rows[0]["area_ha"]) == pytest.approx(5033, rel=0.01)
    assert float(rows[1]["area_ha"]) == pytest.approx(2635, rel=0.01)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["complete"] and [m["status"] for m in manifest["municipalities"]] == ["done", "done"]
    assert not list(out.rglob(".*.part*"))


def test_the_overview_map_holds_each_municipality_with_its_row(uninterrupted):
    """batch_overview.gpkg: the municipalities' polygons in the scenario's CRS with the overview's numbers; each
    polygon's area is the profile's area of the municipality (50 m pixels: within 1 %)."""
    import geopandas as gpd

    out, _ = uninterrupted
    rows = read_overview(out / OVERVIEW_NAME)
    layer = gpd.read_file(out / OVERVIEW_MAP_NAME, layer="municipalities", engine="pyogrio")
    assert list(layer["key"]) == [r["key"] for r in rows] and layer.crs.to_epsg() == 25832
    assert set(layer.geom_type) == {"MultiPolygon"}
    for (_, feature), row in zip(layer.iterrows(), rows):
        assert feature["wind_eligible_ha"] == float(row["wind_eligible_ha"])
        assert feature.geometry.area / 1e4 == pytest.approx(float(row["area_ha"]), rel=0.01)


def test_a_batch_run_again_keeps_every_finished_municipality(scenario, uninterrupted):
    out, _ = uninterrupted
    before = (out / OVERVIEW_NAME).read_bytes()
    outcomes = list(run_batch(scenario, out, BatchSettings(where=WHERE)))
    assert [o.status for o in outcomes] == ["skipped", "skipped"]
    assert (out / OVERVIEW_NAME).read_bytes() == before


def test_a_change_of_the_scenario_redoes_every_municipality(scenario, uninterrupted, tmp_path):
    """A marker counts only for the inputs it was computed from (its fingerprint): after a change of the scenario
    file, the finished folders are handed to the runner again instead of being kept."""
    import shutil
    from dataclasses import replace

    out = tmp_path / "copy"
    shutil.copytree(uninterrupted[0], out)
    tasks = batch_tasks(scenario, out, BatchSettings(where=WHERE))
    assert tasks[0].fingerprint and read_marker(tasks[0].folder, tasks[0].fingerprint) is not None
    changed = tmp_path / "changed" / "scenario.yaml"
    changed.parent.mkdir()
    changed.write_text(scenario.read_text(encoding="utf-8").replace("min_area_ha: 5", "min_area_ha: 6"),
                       encoding="utf-8")
    assert batch_tasks(changed, out, BatchSettings(where=WHERE))[0].fingerprint != tasks[0].fingerprint
    assert batch_tasks(scenario, out, BatchSettings(where=WHERE, resolution_m=25))[0].fingerprint != \
        tasks[0].fingerprint
    handed = []

    def recording_runner(todo):
        for task in todo:
            handed.append(task.municipality.name)
            yield task, {"key": task.municipality.key, "folder": task.municipality.folder, "rows": []}

    other = [replace(t, fingerprint="of other inputs") for t in tasks]
    outcomes = list(run_batch(scenario, out, BatchSettings(where=WHERE), recording_runner, tasks=other))
    assert handed == ["Petersberg", "Raguhn-Jeßnitz"] and [o.status for o in outcomes] == ["done", "done"]


def test_a_batch_killed_half_way_resumes_with_the_same_overview(scenario, uninterrupted, tmp_path):
    """`wip batch` in a subprocess, SIGKILLed once the first municipality's marker is there; the second's folder is
    half-written. Run again, the batch keeps the first, redoes the second from an empty folder, and joins the same
    overview as the uninterrupted batch."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-c", "import sys; from wip_qgis_plugin.cli import main; sys.exit(main(sys.argv[1:]))",
           "batch", str(scenario), "--out-dir", str(out), "--where", WHERE]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    first = out / FOLDERS_NAME / "15088305_Petersberg" / MARKER_NAME
    second = out / FOLDERS_NAME / "15082298_Raguhn-Jessnitz"
    try:
        deadline = time.monotonic() + 120
        while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert first.exists(), "the first municipality never finished"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert not (out / OVERVIEW_NAME).exists()
    if read_marker(second) is not None:
        pytest.skip("the second municipality finished before the kill reached the batch (a very fast machine)")
    second.mkdir(parents=True, exist_ok=True)
    (second / "left_by_the_killed_run.tif").write_bytes(b"half")  # what a run killed mid-step may leave
    outcomes = list(run_batch(scenario, out, BatchSettings(where=WHERE)))
    assert [(o.municipality.name, o.status) for o in outcomes] == [("Petersberg", "skipped"),
                                                                    ("Raguhn-Jeßnitz", "done")]
    assert not (second / "left_by_the_killed_run.tif").exists()
    assert read_overview(out / OVERVIEW_NAME) == read_overview(uninterrupted[0] / OVERVIEW_NAME)


def test_a_failed_municipality_leaves_no_overview_until_it_is_run_again(scenario, uninterrupted, tmp_path):
    """A task that fails (here: injected by the runner) is reported, the others finish; the overview waits for
    every municipality; the next batch runs only the failed one."""
    out = tmp_path / "failing"
    ran = []

    def failing_runner(tasks):
        for task in tasks:
            ran.append(task.municipality.name)
            if task.municipality.name == "Petersberg":
                yield task, InputError("injected failure")
            else:
                from wip_qgis_plugin.core.jobs.batch import run_municipality
                yield task, run_municipality(task)

    outcomes = list(run_batch(scenario, out, BatchSettings(where=WHERE), failing_runner))
    assert [(o.status, o.error) for o in outcomes] == [("failed", "injected failure"), ("done", "")]
    assert not (out / OVERVIEW_NAME).exists()
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert not manifest["complete"] and manifest["municipalities"][0]["error"] == "injected failure"
    ran.clear()
    outcomes = list(run_batch(scenario, out, BatchSettings(where=WHERE)))
    assert [(o.municipality.name, o.status) for o in outcomes] == [("Raguhn-Jeßnitz", "skipped"),
                                                                    ("Petersberg", "done")]
    assert read_overview(out / OVERVIEW_NAME) == read_overview(uninterrupted[0] / OVERVIEW_NAME)


def test_wip_batch_command_prints_each_municipality_and_refuses_a_second_batch_into_the_folder(
        scenario, uninterrupted, capsys):
    out, _ = uninterrupted
    assert main(["batch", str(scenario), "--out-dir", str(out), "--where", WHERE]) == 0
    printed = capsys.readouterr().out
    assert "Batch of 2 municipalities" in printed and "Petersberg (15088305): finished earlier, kept" in printed
    assert f"→ {out / OVERVIEW_NAME}" in printed
    from wip_qgis_plugin.core.jobs.paths import folder_lock
    with folder_lock(out, "test"):  # held by this process: another process is refused
        proc = subprocess.run([sys.executable, "-m", "wip_qgis_plugin.cli", "batch", str(scenario), "--out-dir",
                               str(out), "--where", WHERE], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2 and "Another wip run is writing" in proc.stderr


@pytest.mark.skipif(not VG250.exists(), reason="VG250 municipalities absent (../shared/realdata)")
def test_real_vg250_municipalities_as_the_batch_layer(scenario, tmp_path):
    """The 177 Revier municipalities of VG250 (EPSG:4326) as the batch layer: listed by AGS; one of them runs on the
    sample layers and its area is VG250's."""
    layer = LayerRef(str(VG250), "gemeinden")
    every = list_municipalities(layer, "name", "ags")
    assert len(every) == 177 and len({m.folder for m in every}) == 177
    settings = BatchSettings(municipalities=layer, where="ags = '15082340'")
    (task,) = batch_tasks(scenario, tmp_path, settings)
    assert task.municipality.name == "Sandersdorf-Brehna"
    (outcome,) = run_batch(scenario, tmp_path, settings, tasks=[task])
    assert outcome.status == "done", outcome.error
    (row,) = read_overview(tmp_path / OVERVIEW_NAME)
    import pyogrio
    km2 = float(pyogrio.read_dataframe(str(VG250), layer="gemeinden", where="ags = '15082340'",
                                       read_geometry=False)["area_km2"].iloc[0])
    assert float(row["area_ha"]) == pytest.approx(km2 * 100, rel=0.02)


def test_the_batch_leaves_the_working_folder_alone(scenario, uninterrupted):
    assert not (scenario.parent / "out").exists()  # the scenario's own output_dir is not used by a batch
    assert os.path.isdir(uninterrupted[0] / FOLDERS_NAME)
