"""qgis_process (QGIS 3.22: qgis_process.bin) finds the plugin, from the source tree and from
the packaged zip, and runs wip:landeligibility in a fresh profile.

How qgis_process discovers the plugin on 3.22: QGIS_PLUGINPATH names an extra plugin folder
(here: a temporary folder with a symlink to wip_qgis_plugin), QGIS_CUSTOM_CONFIG_PATH a fresh
profile, and `qgis_process.bin plugins enable wip_qgis_plugin` writes
`[PythonPlugins] wip_qgis_plugin=true` into its QGIS3.ini. qgis_process then calls classFactory
and initProcessing of every enabled plugin with hasProcessingProvider=yes.
"""
from __future__ import annotations

import importlib.util
import json
import zipfile

import pytest
from wip_qgis_testing import (
    ALG_ID,
    PLUGIN_DIR,
    REPO,
    cli_arguments,
    enable_plugin,
    qgis_process_env,
    run_qgis_process,
)

pytestmark = pytest.mark.slow
WIND_ROLES = ("landuse", "buildings", "protected_areas", "water", "waterways")


def run_algorithm(small_region, env, cwd, out):
    params = small_region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50,
                                     OUTPUT_ELIGIBILITY=str(out))
    proc = run_qgis_process(["--json", "run", ALG_ID, *cli_arguments(params)], env, cwd)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(proc.stdout)["results"]


def test_engine_packages_use_the_libraries_of_qgis():
    """Wheels that bundle their own GEOS/PROJ/GDAL give wrong results or crash inside
    qgis_process and QGIS; `make venv` compiles them against QGIS's libraries."""
    from wip_qgis_plugin.environment import library_mismatches

    assert library_mismatches() == []


def test_qgis_process_runs_the_plugin_from_the_source_tree(small_region, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    enable_plugin(env, tmp_path)

    listing = run_qgis_process(["list"], env, tmp_path)
    assert listing.returncode == 0, listing.stderr[-2000:]  # also: no crash at exit
    assert ALG_ID in listing.stdout

    out = tmp_path / "elig.tif"
    results = run_algorithm(small_region, env, tmp_path, out)
    assert out.is_file() and results["OUTPUT_ELIGIBILITY"] == str(out)
    assert results["TOTAL_HA"] == pytest.approx(2400.0)
    assert 0.0 < results["ELIGIBLE_PCT"] < 100.0


def test_qgis_process_reports_errors_with_a_non_zero_exit(small_region, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    enable_plugin(env, tmp_path)
    params = small_region.parameters(WIND_ROLES, CRS="EPSG:4326",
                                     OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    proc = run_qgis_process(["run", ALG_ID, *cli_arguments(params)], env, tmp_path)
    assert proc.returncode != 0
    assert "not a projected CRS in metres" in proc.stdout + proc.stderr
    assert not (tmp_path / "e.tif").exists()


def test_packaged_zip_installs_into_a_fresh_profile_and_runs(small_region, tmp_path):
    spec = importlib.util.spec_from_file_location("package", REPO / "scripts" / "package.py")
    package = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    archive = package.build(tmp_path / "dist" / "wip_qgis_plugin.zip")

    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert {n.split("/")[0] for n in names} == {"wip_qgis_plugin"}
        for required in ("metadata.txt", "LICENSE", "__init__.py", "i18n/wip_de.qm",
                         "styles/eligibility.qml", "presets/wind_sachsen_anhalt.yaml"):
            assert f"wip_qgis_plugin/{required}" in names, required
        assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".ts"))]
        assert not [n for n in names if "/tests/" in n]
        assert archive.stat().st_size < 25 * 1024 * 1024
        profile = tmp_path / "profile"
        zf.extractall(profile / "profiles" / "default" / "python" / "plugins")

    env = qgis_process_env(profile)  # no QGIS_PLUGINPATH: only the installed copy exists
    enable_plugin(env, tmp_path)
    out = tmp_path / "from_zip.tif"
    results = run_algorithm(small_region, env, tmp_path, out)
    assert out.is_file()
    assert results["TOTAL_HA"] == pytest.approx(2400.0)


def test_qgis_process_runs_the_setback_sweep(small_region, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    enable_plugin(env, tmp_path)
    table, chart = tmp_path / "sweep.csv", tmp_path / "sweep.svg"
    params = small_region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50, SETBACK_FROM=600,
                                     SETBACK_TO=1200, SETBACK_STEP=300, VARIANTS="forest",
                                     OUTPUT_TABLE=str(table), OUTPUT_CHART=str(chart))
    proc = run_qgis_process(["--json", "run", "wip:setbacksweep", *cli_arguments(params)], env, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    assert results["CRITERION_ID"] == "settlements_soft" and results["OUTPUT_TABLE"] == str(table)
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("variant,name,ags,setback_m") and len(lines) == 1 + 2 * 3 * 2
    assert "<svg" in chart.read_text(encoding="utf-8")[:1000]


def test_qgis_process_runs_through_the_engine_python(small_region, tmp_path):
    """WIP_ENGINE_MODE=worker: the algorithm runs in the engine Python; relative paths still work."""
    import sys

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    env.update(WIP_ENGINE_MODE="worker", WIP_ENGINE_PYTHON=sys.executable)
    enable_plugin(env, tmp_path)
    folder = small_region.path.parent
    params = {"AOI": f"{small_region.path.name}|layername=municipalities", "AOI_NAME_FIELD": "name",
              **{role.upper(): f"{small_region.path.name}|layername={role}" for role in WIND_ROLES},
              "RESOLUTION": 50, "OUTPUT_ELIGIBILITY": str(tmp_path / "worker.tif")}
    proc = run_qgis_process(["--json", "run", ALG_ID, *cli_arguments(params)], env, folder)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    output = json.loads(proc.stdout)
    assert output["results"]["TOTAL_HA"] == pytest.approx(2400.0)
    assert (tmp_path / "worker.tif").is_file()
    infos = output["log"]["info"]
    assert infos[0] == f"Running the engine in the engine Python {sys.executable}"
    assert any(line.startswith("Layer 'buildings':") for line in infos)  # the worker's messages


@pytest.fixture(scope="module")
def process_env(tmp_path_factory):
    """A qgis_process profile with the plugin from the source tree enabled (shared by the bad-input sample)."""
    root = tmp_path_factory.mktemp("qp")
    plugins = root / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(root / "profile", plugin_path=plugins)
    enable_plugin(env, root)
    return env


def _damaged_copy(small_region, folder):
    bad = folder / "roads_damaged.gpkg"
    data = small_region.path.read_bytes()
    bad.write_bytes(data[: len(data) // 3])
    return f"{bad}|layername=roads"


def _null_names(small_region, folder):
    import geopandas as gpd

    munis = gpd.read_file(small_region.path, layer="municipalities")
    munis.loc[0, "name"] = None
    path = folder / "gemeinden.gpkg"
    munis.to_file(path, layer="municipalities", driver="GPKG")
    return f"{path}|layername=municipalities"


#: (id, parameter changes, exit code is non-zero, fragments of the output): the issue-16 sample through qgis_process.
BAD_INPUT = [
    ("resolution_text", lambda r, f: {"RESOLUTION": "abc"}, True, ("“Grid resolution [m]” (RESOLUTION)", "abc")),
    ("damaged_layer", lambda r, f: {"ROADS": _damaged_copy(r, f)}, True, ("roads_damaged.gpkg",)),
    ("unknown_name", lambda r, f: {"AOI_NAMES": "Nirgendwo"}, True, ("Nirgendwo", "Westdorf")),
    ("null_names", lambda r, f: {"AOI": _null_names(r, f)}, False, ("15082001",)),
    ("tiny_resolution", lambda r, f: {"RESOLUTION": 1.0, "AOI_NAMES": "Westdorf"}, False, ()),
]


@pytest.mark.parametrize("case_id, change, fails, fragments", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_through_qgis_process(small_region, process_env, tmp_path, case_id, change, fails, fragments):
    """Refusals name the parameter or file and the fix, with a non-zero exit, no Python traceback and no output;
    a NULL municipality name is labelled by its AGS."""
    out = tmp_path / "out" / "e.tif"
    params = small_region.parameters(WIND_ROLES, RESOLUTION=100, OUTPUT_ELIGIBILITY=str(out))
    params.update(change(small_region, tmp_path))
    proc = run_qgis_process(["run", ALG_ID, *cli_arguments(params)], process_env, tmp_path)
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text
    assert (proc.returncode != 0) == fails, text
    for fragment in fragments:
        assert fragment in text, text
    if fails:
        assert not out.exists()
        assert not [p for p in out.parent.glob("*")] if out.parent.exists() else True
