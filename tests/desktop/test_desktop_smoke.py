"""The real QGIS desktop under Xvfb: the plugin zip in a fresh profile, German locale, the sample project.

One QGIS session per run (module fixture ``session``): `scripts/package.py` builds the zip, which is
unzipped into a fresh profile (as Plugins → Install from ZIP does) and enabled; QGIS starts with
``--code desktop_driver.py``, which records what a planner sees (menu, toolbox, every algorithm's
dialog, one algorithm run from its dialog onto the canvas) and quits. startup.py records the message
log from before the plugins load. A second session (fixture ``first_run_session``) starts QGIS with its
Python as the system gives it, without the engine's packages, and looks at the start message. Screenshots
go to $CI_ARTIFACTS/desktop/<QGIS version>/ (kept by CI, not committed), else to pytest's temporary folder. Without the `qgis` binary or xvfb-run the tests
skip with the reason (make test-desktop installs Xvfb).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SAMPLE = REPO / "sample_layers"
TS = REPO / "wip_qgis_plugin" / "i18n" / "wip_de.ts"
MENU = "WIP Energie & Raumplanung"
#: Run from its dialog: land eligibility for one municipality on a coarse grid (about 20 s).
RUN = {"algorithm": "wip:landeligibility", "parameters": {
    "PRESET": "wind_sachsen_anhalt", "AOI": f"{SAMPLE / 'revier_sample.gpkg'}|layername=municipalities",
    "AOI_NAME_FIELD": "name", "AOI_NAMES": "Zörbig", "RESOLUTION": 100,
    **{role.upper(): f"{SAMPLE / 'revier_sample.gpkg'}|layername={role}"
       for role in ("landuse", "buildings", "roads", "railways", "water", "waterways", "protected_areas")}}}
#: Parameters whose pre-selected value in the sample project must be this layer.
EXPECTED_LAYERS = {("wip:sitemaps", "MUNICIPALITIES"): "Gemeinden"}

pytestmark = pytest.mark.slow


def german(source: str) -> str:
    """The German translation of a source string in wip_de.ts (the source itself if untranslated)."""
    for message in ET.parse(TS).iter("message"):
        if message.findtext("source") == source:
            return message.findtext("translation") or source
    return source


def same_value(shown, default) -> bool:
    """A dialog value against a declared default (numbers as floats, choices by index or text, lists)."""
    if isinstance(default, (list, tuple)) or isinstance(shown, (list, tuple)):
        as_list = lambda v: [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])]  # noqa: E731
        return as_list(shown) == as_list(default)
    try:
        return float(shown) == float(default)
    except (TypeError, ValueError):
        return str(shown) == str(default)


def qgis_version_label() -> str:
    try:
        from qgis.core import Qgis
        return Qgis.QGIS_VERSION.split("-")[0]
    except ImportError:
        return "unknown"


def run_desktop(root: Path, artefacts: Path, mode: str = "", with_engine: bool = True) -> dict:
    """Start QGIS under Xvfb with the zip in a fresh German profile and desktop_driver.py; its result.

    ``with_engine``: the engine's packages of the Python running the tests are on QGIS's path (else QGIS's
    Python has only what the system gives it, as for a planner who installed QGIS and the plugin).
    """
    qgis = shutil.which("qgis")
    xvfb = shutil.which("xvfb-run")
    if qgis is None:
        pytest.skip("the QGIS desktop (qgis) is not installed")
    if xvfb is None:
        pytest.skip("xvfb-run is not installed (make test-desktop installs it: apt install xvfb xauth)")
    shutil.rmtree(artefacts, ignore_errors=True)
    artefacts.mkdir(parents=True)

    built = root / "wip_qgis_plugin.zip"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "package.py"), "--output", str(built)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    profile = root / "profiles" / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(built) as zf:
        zf.extractall(plugins)
    (profile / "QGIS").mkdir()
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[locale]\nuserLocale=de\noverrideFlag=true\nglobalLocale=de_DE\n\n"
        "[PythonPlugins]\nwip_qgis_plugin=true\nprocessing=true\n\n"
        "[qgis]\ncheckVersion=false\nshowTips=false\n\n"
        "[app]\nplugin_installer\\checkOnStart=false\n\n"
        "[core]\nNewsFeed\\httpsfeedqgisorg\\disabled=true\n", encoding="utf-8")
    xdg = root / "xdg"
    (xdg / "QGIS" / "QGIS3").mkdir(parents=True)
    shutil.copy(HERE / "startup.py", xdg / "QGIS" / "QGIS3" / "startup.py")
    log = artefacts / "message_log.jsonl"
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]) if with_engine else {}
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "QGIS_PLUGINPATH", "PYTHONPATH") and not k.startswith("WIP_ENGINE")}
    env.update(WIP_DESKTOP_OUT=str(artefacts), WIP_DESKTOP_SAMPLE=str(SAMPLE), WIP_DESKTOP_LOG=str(log),
               WIP_DESKTOP_RUN=json.dumps(RUN), WIP_DESKTOP_MODE=mode, XDG_DATA_HOME=str(xdg), HOME=str(root),
               XDG_RUNTIME_DIR=str(root), PYTHONPATH=os.pathsep.join(paths), LANG="C.UTF-8")
    if not with_engine:
        # QGIS's Python takes the first python3 on the PATH as its executable: a venv's (the matrix
        # chroots put /opt/wip-venv/bin first) would bring the venv's packages along
        env.pop("VIRTUAL_ENV", None)
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if p and not (Path(p).parent / "pyvenv.cfg").is_file())
    cmd = [xvfb, "-a", "-s", "-screen 0 1600x1000x24", qgis, "--profiles-path", str(root / "profiles"),
           "--profile", "default", "--nologo", "--noversioncheck", "--code", str(HERE / "desktop_driver.py")]
    try:
        proc = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, timeout=900,
                              stdin=subprocess.DEVNULL)
        output = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        output = f"QGIS did not quit within {exc.timeout} s"
    (artefacts / "qgis_output.txt").write_text(output, encoding="utf-8")
    result_file = artefacts / "result.json"
    assert result_file.is_file(), f"the driver wrote no result; QGIS said:\n{output[-4000:]}"
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["log"] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] \
        if log.is_file() else []
    result["artefacts"] = str(artefacts)
    return result


def artefact_folder(root: Path, label: str) -> Path:
    """$CI_ARTIFACTS/desktop/<QGIS version>[-label] (kept by CI), else in pytest's temporary folder."""
    base = Path(os.environ["CI_ARTIFACTS"]) / "desktop" / qgis_version_label() \
        if os.environ.get("CI_ARTIFACTS") else root / "out"
    return base.with_name(f"{base.name}-{label}") if label else base


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("desktop")
    return run_desktop(root, artefact_folder(root, ""))


@pytest.fixture(scope="module")
def first_run_session(tmp_path_factory) -> dict:
    """QGIS's Python as the system gives it, without the engine's packages (no engine Python either)."""
    probe = subprocess.run(["/usr/bin/python3", "-c", "import geopandas, pvlib, edt"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("the system's Python has the engine's packages: no first-run message to see")
    root = tmp_path_factory.mktemp("desktop-first-run")
    return run_desktop(root, artefact_folder(root, "first-run"), mode="first_run", with_engine=False)


def test_plugin_loads_without_python_errors(session):
    assert not session["errors"], session["errors"]
    assert session["provider_loaded"] and "wip_qgis_plugin" in session["active_plugins"]
    assert session["locale"] == "de"
    # the tag of Python errors is translated ("Python-Fehler" in German); a traceback is one in any language
    python_errors = [m for m in session["log"] if m["tag"] in ("Python error", "Python-Fehler")
                     or "Traceback (most recent call last)" in m["message"] or (m["tag"] == "WIP" and m["level"] >= 1)]
    assert not python_errors, python_errors


def test_menu_entries_have_their_german_names(session):
    assert MENU in session["plugin_menu"], f"Plugins menu shows {list(session['plugin_menu'])}"
    expected = [german(s) for s in ("Engine Python…", "Create engine environment", "Check engine",
                                    "Always run the engine in the engine Python",
                                    "WIP planning panel",  # panel.py
                                    "Why is this excluded?", "Style exclusion reasons per criterion",
                                    "Exclusion zones per criterion as polygons")]  # reason_inspector.py
    assert session["plugin_menu"][MENU] == expected


def test_toolbox_group_has_its_german_name_and_every_algorithm(session):
    from wip_qgis_plugin.processing_algorithms import ALGORITHMS

    groups = session["toolbox"]
    assert list(groups) == [MENU], groups
    algorithms = [name for names in groups[MENU].values() for name in names]
    assert len(algorithms) == len(ALGORITHMS), groups
    assert german("Land eligibility") in algorithms
    # the groups in the order of the work, numbered so that the toolbox's alphabetical sort keeps it
    assert list(groups[MENU]) == ["0 Eingangsdaten", "1 Flächeneignung", "2 Eignungsbewertung", "3 Potenzial",
                                  "4 Netz", "5 Energieprofil", "6 Flächenbilanz"], groups


def test_every_dialog_opens_with_sensible_defaults(session):
    assert session["project_loaded"], "the sample project did not load"
    from wip_qgis_plugin.processing_algorithms import ALGORITHMS

    dialogs = session["dialogs"]
    assert len(dialogs) == len(ALGORITHMS)
    broken = {alg: d["error"] for alg, d in dialogs.items() if d["error"]}
    assert not broken, broken
    # each dialog starts from the parameters' declared defaults (numbers, choices, switches, texts)
    differ = {}
    for cls in ALGORITHMS:
        alg = cls()
        alg.initAlgorithm({})
        values = dialogs[f"wip:{alg.name()}"]["values"]
        for p in alg.parameterDefinitions():
            default = p.defaultValue()
            if default is None or p.type() not in ("number", "enum", "boolean", "string", "distance"):
                continue
            shown = values.get(p.name())
            if not same_value(shown, default) and not (isinstance(default, str) and shown == german(default)):
                differ[f"{alg.name()}.{p.name()}"] = (default, shown)
    assert not differ, differ
    # every required output has a destination (a temporary file unless chosen)
    for alg, d in dialogs.items():
        assert all(v not in (None, "") for k, v in d["values"].items() if k.startswith("OUTPUT")
                   and k in d.get("required", d["values"])), (alg, d["values"])


def test_one_algorithm_runs_from_its_dialog_onto_the_canvas_styled(session):
    added = session["run_added_layers"]
    assert added, session.get("run_log")
    assert all(layer["valid"] for layer in added.values()), added
    rasters = {n: layer for n, layer in added.items() if layer["type"] == "QgsRasterLayer"}
    assert rasters, added
    # the plugin's style (classes eligible / excluded / outside), not QGIS's default grey ramp
    assert all(layer["renderer"] != "QgsSingleBandGrayRenderer" for layer in rasters.values()), rasters
    assert "main_window.png" in session["screenshots"]


def test_site_maps_dialog_preselects_the_municipalities(session):
    """Not the alphabetically first polygon layer ("Flugplatz"), which QGIS shows for a layer without a default."""
    for (alg, name), layer in EXPECTED_LAYERS.items():
        assert session["dialogs"][alg]["values"].get(name) == layer, (alg, name, session["dialogs"][alg]["values"].get(name))


def test_first_start_without_the_engine_shows_one_message_with_the_button(first_run_session):
    """Issue 15, first run: one short German message, a button that creates the engine environment, and no
    pip command (Debian's Python is externally managed: pip would refuse)."""
    assert not first_run_session["errors"], first_run_session["errors"]
    ours = [m for m in first_run_session["message_bar"] if "WIP" in m["title"]]
    assert len(ours) == 1, first_run_session["message_bar"]
    [message] = ours
    assert message["buttons"] == [german("Create engine environment")]
    assert message["text"] == "Dem Rechenkern fehlen Python-Pakete."  # one line of the bar, no command
    assert "Python von QGIS bleibt unverändert" in message["tooltips"][0]
    assert message["tooltip"].startswith("Der WIP-Rechenkern benötigt Python-Pakete, die in der Python-Umgebung von "
                                          "QGIS fehlen:") and "pip install" not in message["tooltip"]
    logged = [m["message"] for m in first_run_session["log"] if m["tag"] == "WIP"]
    assert logged and not any("pip install" in m for m in logged), logged  # the full text in the log
    assert "first_run.png" in first_run_session["screenshots"]
