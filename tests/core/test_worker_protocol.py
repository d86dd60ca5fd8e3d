"""The JSON job and message protocol of the out-of-process engine (core/jobs/protocol.py)."""
from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import rasterio

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.data.outputs import OutputTransaction
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.eligibility.report import bits_sidecar
from wip_qgis_plugin.core.errors import Cancelled, InputError, InternalError
from wip_qgis_plugin.core.jobs import protocol as wp
from wip_qgis_plugin.core.suitability.engine import SensitivitySettings, SuitabilityOutputs, SuitabilitySettings
from wip_qgis_plugin.core.units import Turbine

REPO = Path(__file__).resolve().parents[2]
ROLES = ("landuse", "buildings", "roads", "water", "protected_areas", "waterways")


def with_waterways(region: dict) -> str:
    """The region's GeoPackage with a river layer added (the wind presets read waterways)."""
    import pyogrio
    import shapely
    from conftest import X0, Y0, frame

    path = str(region["path"])
    if "waterways" not in {name for name, _ in pyogrio.list_layers(path)}:
        river = frame([shapely.LineString([(X0 + 3500, Y0 - 100), (X0 + 3600, Y0 + 3100)])], waterway=["river"])
        river.to_file(path, layer="waterways", driver="GPKG", engine="pyogrio")
    return path


def eligibility_job(region: dict, out: Path, **settings) -> wp.Job:
    path = with_waterways(region)
    return wp.Job("eligibility", {
        "catalogue": {"source": "wind_sachsen_anhalt"},
        "layers": {r: {"path": path, "layer": r} for r in ROLES},
        "aoi": {"layer": {"path": path, "layer": "municipalities"}, "name_field": "name", "names": []},
        "outputs": {"eligibility": out / "elig.tif", "reasons": out / "reasons.tif"},
        "settings": {"resolution_m": 50.0, "workers": 1, **settings},
    })


def serve(job: wp.Job, folder: Path, cancel: threading.Event | None = None) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = wp.serve(job.write(folder / "job.json"), out, cancel=cancel)
    return code, [wp.decode_message(line) for line in out.getvalue().splitlines()]


# ----------------------------------------------------------------- jobs and messages
def test_job_round_trips_through_its_file(tmp_path):
    job = wp.Job("eligibility", {"outputs": {"eligibility": tmp_path / "e.tif"}, "settings": {"kinds": ("hard",)}},
                 single_process=True)
    back = wp.Job.read(job.write(tmp_path / "job.json"))
    assert back.name == "eligibility" and back.single_process is True and back.protocol == wp.PROTOCOL_VERSION
    assert back.arguments == {"outputs": {"eligibility": str(tmp_path / "e.tif")}, "settings": {"kinds": ["hard"]}}
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("data, fragment", [
    ({"protocol": 0, "job": "eligibility", "arguments": {}}, "protocol version 0"),
    ({"protocol": wp.PROTOCOL_VERSION, "job": "nope", "arguments": {}}, "Unknown job 'nope'"),
    ({"protocol": wp.PROTOCOL_VERSION, "job": "eligibility", "arguments": []}, "arguments must be"),
    ({"protocol": wp.PROTOCOL_VERSION, "job": "eligibility", "arguments": {}, "extra": 1}, "unknown keys: extra"),
    ([1, 2], "JSON object"),
])
def test_malformed_jobs_are_refused(data, fragment):
    with pytest.raises(wp.ProtocolError, match=fragment):
        wp.Job.from_dict(data)


@pytest.mark.parametrize("kind, fields", [
    ("hello", {"protocol": 1, "pid": 7, "python": "3.11.2", "version": "0.1.0"}),
    ("progress", {"fraction": 0.25, "message": "Tile 1 of 4"}),
    ("progress", {"fraction": 1.0, "message": None}),
    ("info", {"message": "Layer 'roads': 2 feature(s) within reach."}),
    ("warning", {"message": "Zörbig – ümlauts ß"}),
    ("result", {"job": "eligibility", "result": {"eligible_ha": 1.5, "outputs": {"table": None}}}),
    ("error", {"error": "InputError", "message": "no", "code": None, "details": {}}),
])
def test_messages_round_trip_as_single_lines(kind, fields):
    line = wp.encode_message(kind, **fields)
    assert "\n" not in line
    assert wp.decode_message(line) == {"type": kind, **fields}


def test_nan_and_numpy_scalars_become_json():
    line = wp.encode_message("result", result={"mean": float("nan"), "n": np.int64(3), "ha": np.float32(1.5)})
    assert wp.decode_message(line)["result"] == {"mean": None, "n": 3, "ha": 1.5}


@pytest.mark.parametrize("line, fragment", [
    ("Warning 1: GDAL says hello", "Not a protocol line"),
    ('{"type": "shout", "message": "x"}', "Not a protocol message"),
    ('{"type": "progress"}', "lacks fraction"),
])
def test_other_lines_are_not_messages(line, fragment):
    with pytest.raises(wp.ProtocolError, match=fragment):
        wp.decode_message(line)


@pytest.mark.parametrize("exc, cls, code", [
    (wp.JobError("missing_roles", "need roads", {"roles": ["roads"]}), wp.JobError, "missing_roles"),
    (Cancelled(), Cancelled, "cancelled"),
    (InputError("AOI has no feature 'X'"), wp.WipError, None),
    (RuntimeError("boom"), InternalError, "internal"),
])
def test_errors_cross_the_process_boundary(exc, cls, code):
    try:
        raise exc
    except Exception as caught:  # noqa: BLE001 - as the worker does
        fields = wp.error_fields(caught)
    message = wp.decode_message(wp.encode_message("error", **fields))
    assert message["code"] == code
    again = wp.exception_from(message)
    assert isinstance(again, cls) and str(exc) in str(again)
    if code == "missing_roles":
        assert again.details == {"roles": ["roads"]}
    if code == "internal":  # a short message to show, the traceback only for the log
        assert "RuntimeError" in str(again) and "please report" in str(again)
        assert "Traceback" not in str(again) and "Traceback" in again.details


# ----------------------------------------------------------------- dataclass codec
@pytest.mark.parametrize("value", [
    LayerRef("/data/region.gpkg", "roads"),
    LayerRef("/data/roads.shp"),
    AreaOfInterest(LayerRef("/data/r.gpkg", "municipalities"), "GEN", ("Zörbig", "Landsberg"), None),
    EligibilityOutputs(Path("/out/e.tif"), polygons=Path("/out/a.gpkg")),
    EligibilitySettings(resolution_m=25.0, kinds=("hard",), turbine=Turbine(150.0, 160.0, "E-160"),
                        on_date=dt.date(2024, 2, 1), workers=1),
    SuitabilityOutputs(Path("/out/s.tif"), sites_table=Path("/out/s.csv")),
    SuitabilitySettings(sensitivity=SensitivitySettings(runs=5, perturbation=0.1), temp_dir=Path("/tmp/x")),
])
def test_dataclasses_round_trip_through_json(value):
    data = json.loads(json.dumps(wp.encode_dataclass(value)))
    assert wp.decode_dataclass(type(value), data) == value


def test_decoding_fills_defaults_and_names_bad_fields():
    settings = wp.decode_dataclass(EligibilitySettings, {"resolution_m": 50, "kinds": ["hard", "soft"]})
    assert settings.resolution_m == 50.0 and isinstance(settings.resolution_m, float)
    assert settings.kinds == ("hard", "soft") and settings.crs == EligibilitySettings().crs
    with pytest.raises(wp.ProtocolError, match=r"settings: EligibilitySettings has no field resolution;"):
        wp.decode_dataclass(EligibilitySettings, {"resolution": 50}, "settings")
    with pytest.raises(wp.ProtocolError, match=r"aoi.names\[0\]: 3 is not a str"):
        wp.decode_dataclass(AreaOfInterest, {"layer": {"path": "x.gpkg"}, "names": [3]}, "aoi")
    with pytest.raises(wp.ProtocolError, match="outputs.eligibility: a value is required"):
        wp.decode_dataclass(EligibilityOutputs, {"eligibility": None}, "outputs")
    with pytest.raises(wp.ProtocolError, match="is not a date"):
        wp.decode_dataclass(EligibilitySettings, {"on_date": "1st of May"})


# ----------------------------------------------------------------- registry and files
def test_every_entry_point_names_an_engine_function():
    assert set(wp.entry_point_names()) >= {"eligibility", "setback_sweep", "suitability", "windbg"}
    for entry in wp.ENTRY_POINTS.values():
        assert callable(wp.resolve_function(entry)), entry.function


def test_partial_files_are_the_temporary_files_of_the_engine(tmp_path):
    final = tmp_path / "elig.tif"
    tx = OutputTransaction()
    tmp = tx.temp_for(final)
    tmp.write_bytes(b"half")
    Path(str(tmp) + ".aux.xml").write_text("<x/>")
    (tmp_path / "elig_other.tif").write_bytes(b"not ours")
    assert wp.partial_files(final) == sorted([tmp, Path(str(tmp) + ".aux.xml")])
    assert wp.remove_partial_files([final]) and not tmp.exists()
    assert (tmp_path / "elig_other.tif").exists()
    tx.rollback()


def test_job_outputs_include_the_reasons_sidecar(tmp_path, small_region):
    job = eligibility_job(small_region, tmp_path)
    assert bits_sidecar(tmp_path / "reasons.tif") in wp.job_outputs(job)
    assert tmp_path / "elig.tif" in wp.job_outputs(job)


def test_dependency_problems_name_missing_and_old_packages():
    assert wp.dependency_problems() == []  # this environment has the engine
    found = wp.dependency_problems({"numpy": "numpy>=99.0", "wip_no_such_module": "wip-no-such-package",
                                    "shapely": "shapely>=2"})
    assert found == ["numpy>=99.0", "wip-no-such-package"]


# ----------------------------------------------------------------- serving a job
def test_serve_runs_the_job_like_the_engine(small_region, tmp_path):
    out = tmp_path / "worker"
    code, messages = serve(eligibility_job(small_region, out), tmp_path)
    assert code == 0, messages[-1]
    assert messages[0]["type"] == "hello" and messages[0]["protocol"] == wp.PROTOCOL_VERSION
    assert messages[-1]["type"] == "result"
    fractions = [m["fraction"] for m in messages if m["type"] == "progress"]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(m["type"] == "info" for m in messages)

    direct = run_eligibility(
        load_catalogue("wind_sachsen_anhalt"), {r: LayerRef(str(small_region["path"]), r) for r in ROLES},
        AreaOfInterest(LayerRef(str(small_region["path"]), "municipalities")),
        EligibilityOutputs(tmp_path / "direct.tif"), EligibilitySettings(resolution_m=50.0, workers=1))
    result = messages[-1]["result"]
    assert result["eligible_ha"] == pytest.approx(direct.eligible_ha)
    assert [m["name"] for m in result["municipalities"]] == ["Westdorf", "Ostheim"]
    with rasterio.open(out / "elig.tif") as a, rasterio.open(tmp_path / "direct.tif") as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))
    assert (out / "reasons_bits.json").is_file()


def test_refused_job_reports_a_coded_error(small_region, tmp_path):
    job = eligibility_job(small_region, tmp_path / "out", require_all=True)  # without: "not assessed", no refusal
    del job.arguments["layers"]["buildings"]
    code, messages = serve(job, tmp_path)
    assert code == 1
    error = messages[-1]
    assert error["type"] == "error" and error["code"] == "missing_roles"
    assert error["details"]["roles"] == ["buildings"] and error["details"]["catalogue"] == "wind_sachsen_anhalt"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_cancelled_job_writes_nothing(small_region, tmp_path):
    cancel = threading.Event()
    cancel.set()
    out = tmp_path / "out"
    code, messages = serve(eligibility_job(small_region, out), tmp_path, cancel)
    assert code == 130 and messages[-1]["code"] == "cancelled"
    assert not out.exists() or list(out.iterdir()) == []


def test_engine_errors_keep_their_message(small_region, tmp_path):
    job = eligibility_job(small_region, tmp_path / "out")
    job.arguments["aoi"]["names"] = ["Nirgendwo"]
    code, messages = serve(job, tmp_path)
    assert code == 1 and messages[-1]["error"] == "InputError" and "Nirgendwo" in messages[-1]["message"]


def test_sweep_job_finds_the_settlement_setback(small_region, tmp_path):
    path = with_waterways(small_region)
    result = wp.run_job(wp.Job("setback_sweep", {
        "catalogue": {"source": "wind_sachsen_anhalt"},
        "layers": {r: {"path": path, "layer": r} for r in ROLES},
        "aoi": {"layer": {"path": path, "layer": "municipalities"}},
        "criterion": None, "setbacks_m": [600.0, 1000.0], "settings": {"resolution_m": 50.0, "workers": 1},
        "variants": {"all": [], "no forest": ["forest"]}, "table": tmp_path / "s.csv", "chart": None,
    }))
    assert result["criterion_id"] == "settlements_soft" and result["setbacks_m"] == [600.0, 1000.0]
    assert result["series"]["all"][0] >= result["series"]["all"][1]
    assert result["series"]["no forest"][0] >= result["series"]["all"][0]
    assert (tmp_path / "s.csv").is_file()


def test_worker_command_reports_its_python_and_cancels_on_request(small_region, tmp_path):
    check = subprocess.run([sys.executable, "-m", "wip_qgis_plugin.cli", "worker", "--check"], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    report = json.loads(check.stdout)
    assert report["protocol"] == wp.PROTOCOL_VERSION and report["problems"] == []

    out = tmp_path / "out"
    job_file = eligibility_job(small_region, out, resolution_m=5.0, tile_px=128).write(tmp_path / "job.json")
    proc = subprocess.Popen([sys.executable, "-m", "wip_qgis_plugin.cli", "worker", "--control-stdin",
                             str(job_file)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(wp.decode_message(line))
        if lines[-1]["type"] == "progress" and "Tile" in (lines[-1]["message"] or ""):
            proc.stdin.write("cancel\n")
            proc.stdin.flush()
            break
    rest = [wp.decode_message(line) for line in proc.stdout]
    assert proc.wait(timeout=30) == 130
    assert rest[-1]["type"] == "error" and rest[-1]["code"] == "cancelled"
    assert not out.exists() or list(out.iterdir()) == []


def test_the_protocol_imports_with_the_standard_library_only():
    """The plugin reads, writes and builds jobs (core/jobs/build.py) in a QGIS Python without the engine's packages."""
    code = ("import wip_qgis_plugin.core.jobs.protocol, wip_qgis_plugin.core.jobs.build, sys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] "
            "in {'numpy','pandas','geopandas','shapely','rasterio','yaml'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_every_job_has_an_adapter_and_lists_its_outputs_without_the_engine():
    code = ("import sys; from wip_qgis_plugin.core.jobs import protocol as wp; "
            "j = wp.Job('eligibility', {'outputs': {'eligibility': '/x/e.tif', 'reasons': '/x/r.tif'}}); "
            "print([str(p) for p in wp.job_outputs(j)], 'wip_qgis_plugin.core.jobs.adapters' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "['/x/e.tif', '/x/r.tif', '/x/r_bits.json'] False", out.stderr
    for entry in wp.ENTRY_POINTS.values():
        assert callable(wp.resolve(entry.adapter)), entry.adapter
        assert entry.adapter == f"wip_qgis_plugin.core.jobs.adapters:{entry.name}_job"
