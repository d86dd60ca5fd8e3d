"""The engine out of process: when QGIS's Python lacks the engine's packages, the algorithms say so
and run the engine in another Python (`wip worker`), with the same results, progress in the
feedback, cancel within a second and nothing half-written left behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsSettings,
    QgsVectorLayer,
)
from wip_qgis_testing import ALG_ID, REPO, WIND_ROLES, RecordingFeedback, read_band, run_algorithm

from wip_qgis_plugin import worker
from wip_qgis_plugin.core.errors import Cancelled
from wip_qgis_plugin.core.jobs.protocol import Job
from wip_qgis_plugin.feedback import FeedbackProgress
from wip_qgis_plugin.processing_algorithms import ALGORITHMS


@pytest.fixture
def without_engine_packages(monkeypatch, clean_engine_settings):
    """QGIS's Python as if geopandas were missing (the in-process dependency check says so)."""
    from wip_qgis_plugin import environment as base

    monkeypatch.setattr(base, "missing_dependencies", lambda: ["geopandas"])


@pytest.fixture
def engine_python(monkeypatch, without_engine_packages):
    """This venv's Python (which has the engine) as the engine Python."""
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, sys.executable)
    return sys.executable


def eligibility_parameters(region, out: Path, **extra) -> dict:
    return region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50,
                             OUTPUT_ELIGIBILITY=str(out / "elig.tif"), OUTPUT_REASONS=str(out / "reasons.tif"),
                             OUTPUT_TABLE=str(out / "table.csv"), **extra)


# ----------------------------------------------------------------- the message
def test_missing_packages_are_named_with_every_way_out(provider, without_engine_packages):
    assert len(provider.algorithms()) == len(ALGORITHMS)  # the algorithms are listed all the same
    for algorithm in provider.algorithms():
        ok, message = algorithm.canExecute()
        assert not ok
        for fragment in ("geopandas", "pip install", "Engine Python…", "Create engine environment"):
            assert fragment in message, (fragment, message)


def test_numpy_that_breaks_the_gdal_bindings_is_named(provider, monkeypatch):
    from wip_qgis_plugin import environment as base

    assert base.numpy_abi_error() == ""  # here osgeo.gdal_array imports with the numpy found
    monkeypatch.setattr(base, "numpy_abi_error", lambda: "numpy 2.1.0: osgeo.gdal_array: _ARRAY_API not found")
    real_version = base.importlib.metadata.version
    monkeypatch.setattr(base.importlib.metadata, "version",
                        lambda name: "2.1.0" if name == "numpy" else real_version(name))
    assert base.missing_dependencies() == ["numpy<2"]
    ok, message = provider.algorithm("landeligibility").canExecute()
    assert not ok and '"numpy<2"' in message and "_ARRAY_API not found" in message and "GDAL" in message


def test_plugin_reports_the_engine_once(qgis_iface, without_engine_packages):
    from qgis.core import Qgis

    from wip_qgis_plugin.plugin import WipPlugin

    logged = []

    def record(message, tag, level):
        logged.append((tag, message))

    QgsApplication.messageLog().messageReceived.connect(record)
    try:
        plugin = WipPlugin(qgis_iface)
        bar = qgis_iface.messageBar()
        before = len(bar.get_messages(Qgis.Warning))
        assert "geopandas" in plugin.report_engine_status()
        assert plugin.report_engine_status() == ""  # once per session
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(record)
    ours = [m for tag, m in logged if tag == "WIP"]
    assert len(ours) == 1 and "geopandas" in ours[0]
    assert len(bar.get_messages(Qgis.Warning)) == before + 1


def test_a_missing_engine_python_is_named(provider, without_engine_packages, monkeypatch, tmp_path):
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, str(tmp_path / "no" / "python"))
    ok, message = provider.algorithm("landeligibility").canExecute()
    assert not ok and str(tmp_path / "no" / "python") in message and "Engine Python…" in message


def test_an_engine_python_without_the_packages_is_told_what_to_install(provider, without_engine_packages,
                                                                         monkeypatch):
    python = "/usr/bin/python3"
    status = worker.probe_engine(python) if Path(python).is_file() else None
    if status is None or status.ok or not status.problems:
        pytest.skip(f"{python} is absent or has the engine's packages")
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, python)
    ok, message = provider.algorithm("landeligibility").canExecute()
    assert not ok
    assert f'"{python}" -m pip install' in message and status.problems[0] in message


def test_worker_mode_without_engine_python_says_so(provider, clean_engine_settings, monkeypatch):
    monkeypatch.setenv(worker.ENV_ENGINE_MODE, "worker")
    ok, message = provider.algorithm("setbacksweep").canExecute()
    assert not ok and "wip/engine_mode" in message


# ----------------------------------------------------------------- running through the worker
def test_worker_gives_the_in_process_result(provider, small_region, tmp_path, monkeypatch, clean_engine_settings):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    inside = run_algorithm(ALG_ID, eligibility_parameters(small_region, tmp_path / "in"))

    from wip_qgis_plugin import environment as base

    monkeypatch.setattr(base, "missing_dependencies", lambda: ["geopandas"])
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, sys.executable)
    feedback = RecordingFeedback()
    outside = run_algorithm(ALG_ID, eligibility_parameters(small_region, tmp_path / "out"), feedback=feedback)

    assert any("engine Python" in line and sys.executable in line for line in feedback.infos)
    assert outside["ELIGIBLE_HA"] == pytest.approx(inside["ELIGIBLE_HA"], abs=1e-9)
    assert outside["TOTAL_HA"] == pytest.approx(2400.0)
    assert outside["OUTPUT_ELIGIBILITY"] == str(tmp_path / "out" / "elig.tif")
    for name in ("elig.tif", "reasons.tif"):
        np.testing.assert_array_equal(read_band(tmp_path / "out" / name), read_band(tmp_path / "in" / name))
    assert (tmp_path / "out" / "table.csv").read_text() == (tmp_path / "in" / "table.csv").read_text()
    # the worker's progress reaches the feedback
    assert feedback.progress_values and feedback.progress_values[-1] == 100.0
    assert feedback.progress_values == sorted(feedback.progress_values)
    assert "Reading layers" in feedback.progress_texts and "Tile 1 of 1" in feedback.progress_texts
    assert any(line.startswith("Layer 'buildings':") for line in feedback.infos)
    assert any(line.startswith("Westdorf:") for line in feedback.infos)
    assert not list(Path(QgsProcessingUtils.tempFolder()).glob("wip_job_*.json"))


def test_setback_sweep_through_the_worker_matches(provider, small_region, tmp_path, monkeypatch,
                                                  clean_engine_settings):
    params = small_region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50, SETBACK_FROM=600,
                                     SETBACK_TO=1200, SETBACK_STEP=300, VARIANTS="forest")
    inside = run_algorithm("wip:setbacksweep", dict(params, OUTPUT_TABLE=str(tmp_path / "in.csv")))
    from wip_qgis_plugin import environment as base

    monkeypatch.setattr(base, "missing_dependencies", lambda: ["geopandas"])
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, sys.executable)
    outside = run_algorithm("wip:setbacksweep", dict(params, OUTPUT_TABLE=str(tmp_path / "out.csv")))
    assert outside["CRITERION_ID"] == inside["CRITERION_ID"] == "settlements_soft"
    assert (tmp_path / "out.csv").read_text() == (tmp_path / "in.csv").read_text()


def test_memory_layers_reach_the_worker_as_files(provider, small_region, tmp_path, engine_python):
    source = QgsVectorLayer(small_region.uri("municipalities"), "m", "ogr")
    memory = QgsVectorLayer("Polygon?crs=EPSG:25832&field=name:string", "aoi", "memory")
    features = []
    for feature in source.getFeatures():
        copy = QgsFeature(memory.fields())
        copy.setGeometry(feature.geometry())
        copy.setAttribute("name", feature["name"])
        features.append(copy)
    memory.dataProvider().addFeatures(features)
    params = small_region.parameters(WIND_ROLES, RESOLUTION=50, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    params["AOI"] = memory
    result = run_algorithm(ALG_ID, params)
    assert result["TOTAL_HA"] == pytest.approx(2400.0)


@pytest.mark.parametrize("change, fragments", [
    # a missing layer is refused only with REQUIRE_ALL (otherwise its criteria are "not assessed", issue 13)
    ({"drop": "BUILDINGS", "REQUIRE_ALL": True}, ("wind_sachsen_anhalt", "“Buildings [polygons or points")),
    ({"AOI_NAMES": "Nirgendwo"}, ("Nirgendwo",)),
])
def test_worker_errors_arrive_as_clear_messages(provider, small_region, tmp_path, engine_python, change, fragments):
    params = small_region.parameters(WIND_ROLES, RESOLUTION=50, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    params.pop(change.pop("drop", ""), None)
    params.update(change)
    with pytest.raises(QgsProcessingException) as info:
        run_algorithm(ALG_ID, params)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------- cancel
class CancelOnProgress(RecordingFeedback):
    """Cancels at the first progress text containing ``trigger``; remembers when."""

    def __init__(self, trigger: str = ""):
        super().__init__()
        self.trigger = trigger
        self.cancelled_at: float | None = None

    def setProgressText(self, text):  # noqa: N802 (QGIS API)
        super().setProgressText(text)
        if self.cancelled_at is None and self.trigger in text:
            self.cancelled_at = time.monotonic()
            self.cancel()


@pytest.fixture
def started(monkeypatch):
    """The WorkerRun objects the worker module starts."""
    runs = []
    real = worker.start_worker

    def spy(*args, **kwargs):
        runs.append(real(*args, **kwargs))
        return runs[-1]

    monkeypatch.setattr(worker, "start_worker", spy)
    return runs


def living_in_group(pgid: int) -> list[int]:
    """Processes of a process group that still run (zombies, dead and waiting to be reaped, do not count)."""
    if not Path("/proc").is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [pgid]
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in "ZX":
            living.append(int(stat.parent.name))
    return living


def assert_gone(run, within_s: float = 1.0) -> None:
    """The worker has ended, and within ``within_s`` every process it forked too."""
    assert run.proc.poll() is not None, "the worker still runs"
    if os.name == "nt":
        return
    deadline = time.monotonic() + within_s
    while living_in_group(run.proc.pid):
        assert time.monotonic() < deadline, f"still alive: {living_in_group(run.proc.pid)}"
        time.sleep(0.02)


def test_cancel_ends_the_worker_within_a_second(provider, small_region, tmp_path, engine_python, started):
    feedback = CancelOnProgress()
    params = small_region.parameters(WIND_ROLES, RESOLUTION=5, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"),
                                     OUTPUT_AREAS=str(tmp_path / "a.gpkg"))
    with pytest.raises(QgsProcessingException, match="cancel"):
        run_algorithm(ALG_ID, params, feedback=feedback)
    assert time.monotonic() - feedback.cancelled_at < 1.0
    assert len(started) == 1
    assert_gone(started[0])
    assert list(tmp_path.iterdir()) == []
    assert not started[0].job_file.exists()


def test_a_killed_worker_leaves_no_partial_file(small_region, tmp_path, started, monkeypatch):
    removed = []
    real_remove = worker.remove_partial_files
    monkeypatch.setattr(worker, "remove_partial_files", lambda outputs: removed.extend(real_remove(outputs)))
    out = tmp_path / "out"
    path = str(small_region.path)
    job = Job("eligibility", {
        "catalogue": {"source": "wind_sachsen_anhalt"},
        "layers": {r: {"path": path, "layer": r} for r in WIND_ROLES},
        "aoi": {"layer": {"path": path, "layer": "municipalities"}},
        "outputs": {"eligibility": out / "e.tif", "reasons": out / "r.tif"},
        "settings": {"resolution_m": 5.0, "tile_px": 128, "workers": 2},
    })
    feedback = CancelOnProgress("Tile")
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        worker.run_in_worker(job, FeedbackProgress(feedback), sys.executable, grace_s=0.0, folder=tmp_path)
    assert time.monotonic() - feedback.cancelled_at < 1.0, time.monotonic() - t0
    assert_gone(started[0])
    assert removed, "the kill came after the engine had cleaned up; nothing half-written was tested"
    assert list(out.iterdir()) == []


# ----------------------------------------------------------------- a QGIS without geopandas
BLOCKED_SESSION = r"""
import importlib.abc, json, os, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "geopandas":
            raise ModuleNotFoundError("No module named 'geopandas' (blocked for the test)")

sys.meta_path.insert(0, Block())
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
from processing.core.Processing import Processing
Processing.initialize()
logged = []
QgsApplication.messageLog().messageReceived.connect(lambda m, tag, level: logged.append([tag, m]))
from wip_qgis_plugin import classFactory
plugin = classFactory(None)
plugin.initProcessing()
alg = QgsApplication.processingRegistry().algorithmById("wip:landeligibility")
ok, message = alg.canExecute()
os.environ["WIP_ENGINE_PYTHON"] = sys.argv[1]
import processing
result = processing.run("wip:landeligibility", json.loads(sys.argv[2]))
algorithms = len(QgsApplication.processingRegistry().providerById("wip").algorithms())
print("RESULT " + json.dumps({"ok": ok, "message": message, "algorithms": algorithms,
                              "logged": [m for t, m in logged if t == "WIP"],
                              "total_ha": result["TOTAL_HA"], "eligible_ha": result["ELIGIBLE_HA"],
                              "geopandas_loaded": "geopandas" in sys.modules}))
plugin.unload()
"""


@pytest.mark.slow
def test_qgis_without_geopandas_runs_through_the_worker(small_region, tmp_path):
    params = small_region.parameters(WIND_ROLES, RESOLUTION=50, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIP_ENGINE")}
    env.update(QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    proc = subprocess.run([sys.executable, "-c", BLOCKED_SESSION, sys.executable, json.dumps(params)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(lines[-1][7:])
    assert not report["ok"] and "geopandas" in report["message"] and "pip install" in report["message"]
    assert len(report["logged"]) == 1 and "geopandas" in report["logged"][0]
    assert report["algorithms"] == len(ALGORITHMS)
    assert report["total_ha"] == pytest.approx(2400.0) and 0 < report["eligible_ha"] < 2400.0
    assert report["geopandas_loaded"] is False
    assert (tmp_path / "e.tif").is_file()


# ----------------------------------------------------------------- creating the engine environment
def fake_wheel(folder: Path, name: str = "wip_engine_probe", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel, so that the venv and pip steps run without a network."""
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {f"{name}.py": "VALUE = 42\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    files[f"{info}/RECORD"] = "".join(f"{n},,\n" for n in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as zf:
        for n, text in files.items():
            zf.writestr(n, text)
    return wheel


@pytest.mark.slow
def test_create_engine_environment_installs_pinned_requirements(tmp_path, clean_engine_settings):
    import importlib.util

    fake_wheel(tmp_path / "wheels")
    (tmp_path / "requirements.txt").write_text("wip_engine_probe\n")
    (tmp_path / "constraints.txt").write_text("wip_engine_probe==1.0\n")
    feedback = RecordingFeedback()
    python = worker.create_engine_environment(
        tmp_path / "env", python=sys.executable, progress=FeedbackProgress(feedback),
        requirements=tmp_path / "requirements.txt", constraints=tmp_path / "constraints.txt",
        pip_options=("--no-index", "--find-links", str(tmp_path / "wheels")))
    assert python == worker.venv_python(tmp_path / "env") and python.is_file()
    code = "import wip_engine_probe, sys; print(wip_engine_probe.VALUE, sys.prefix)"
    check = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60)
    assert check.stdout.split()[0] == "42" and Path(check.stdout.split()[1]) == tmp_path / "env"
    assert importlib.util.find_spec("wip_engine_probe") is None  # QGIS's own Python is unchanged
    assert QgsSettings().value(worker.KEY_ENGINE_PYTHON) == str(python) == worker.engine_python()
    assert feedback.progress_values[-1] == 100.0
    assert any("-c" in line and "-r" in line and "pip" in line for line in feedback.infos)
    assert any("wip_engine_probe" in line for line in feedback.infos)


def test_shipped_requirements_are_pinned_and_cover_the_engine():
    folder = worker.ENGINE_ENV_FILES
    names = [line.split("#")[0].strip() for line in (folder / "requirements.txt").read_text().splitlines()]
    names = {n.lower() for n in names if n}
    no_deps = [line.split("#")[0].strip() for line in (folder / "requirements-nodeps.txt").read_text().splitlines()]
    no_deps = {n.split("==")[0].lower() for n in no_deps if n}
    assert all("==" in line for line in (folder / "requirements-nodeps.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")), "requirements-nodeps.txt must pin exact versions"
    from wip_qgis_plugin.core.jobs.protocol import ENGINE_DEPENDENCIES

    wanted = {r.split(">=")[0].lower() for r in ENGINE_DEPENDENCIES.values()}
    assert wanted <= names | no_deps
    assert not names & no_deps
    pins = {line.split("==")[0].strip().lower() for line in (folder / "constraints.txt").read_text().splitlines()
            if "==" in line and not line.startswith("#")}
    assert names <= pins, f"not pinned: {names - pins}"


def _requirement_names(path) -> set[str]:
    import re

    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {re.split(r"[<>=!;\s]", line, maxsplit=1)[0].lower() for line in lines if line}


def test_shipped_engine_requirements_follow_the_project_requirements():
    """The copies in engine_env/ (shipped in the zip) name the same engine packages as the top level, but for the
    test tools and the command line's cluster runs (wip batch --dask/--scheduler), which the plugin's engine never
    imports."""
    root = worker.ENGINE_ENV_FILES.parents[1]
    tests_only = {"pytest", "pytest-qgis", "dask", "distributed"}
    assert _requirement_names(root / "requirements.txt") - tests_only == \
        _requirement_names(worker.ENGINE_ENV_FILES / "requirements.txt")
    assert _requirement_names(root / "requirements-nodeps.txt") == \
        _requirement_names(worker.ENGINE_ENV_FILES / "requirements-nodeps.txt")


def test_dependency_message_installs_demandlib_without_its_dependencies(monkeypatch):
    from wip_qgis_plugin import environment as base

    monkeypatch.setattr(base, "numpy_abi_error", lambda: "")
    message = base.missing_dependencies_message(["pvlib", "demandlib"])
    assert "--no-binary shapely,pyproj,pyogrio,rasterio pvlib " in message
    assert "--no-deps demandlib" in message
    assert "rasterio pvlib demandlib" not in message
    only = base.missing_dependencies_message(["demandlib"])
    assert "--no-binary" not in only and "--no-deps demandlib" in only
