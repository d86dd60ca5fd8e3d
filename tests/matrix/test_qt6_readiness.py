"""Qt6 / QGIS 4 readiness beyond the static scan: the plugin's modules run against the real PyQt6.

No Qt6 build of QGIS is packaged by Debian, so qt6_stub_run.py puts PyQt6 behind a ``qgis.PyQt`` shim
like QGIS 4's and stubs QGIS's own classes (see its docstring for what that does and does not check).
Needs PyQt6 for the interpreter running the tests (Debian: python3-pyqt6; make test-qgis-matrix installs
it on the system); skipped with the reason where it is missing, e.g. in the matrix chroots.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "qt6_stub_run.py"


#: The plugin menu's entries (English): the engine's four, the planning panel, the reason inspector's three.
MENU_ENTRIES = ["Engine Python…", "Create engine environment", "Check engine",
                "Always run the engine in the engine Python", "WIP planning panel", "Why is this excluded?",
                "Style exclusion reasons per criterion", "Exclusion zones per criterion as polygons"]


def run_stubbed(repo: Path, tmp_path: Path) -> dict:
    probe = subprocess.run([sys.executable, "-c", "import PyQt6.QtWidgets"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("PyQt6 is not installed for this Python (Debian: apt install python3-pyqt6)")
    out = tmp_path / "qt6.json"
    proc = subprocess.run([sys.executable, str(RUNNER), str(repo), str(out)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                                                       "HOME": str(tmp_path)})
    assert proc.returncode == 0 and out.is_file(), proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    return run_stubbed(REPO, tmp_path_factory.mktemp("qt6"))


def test_every_gui_module_imports_under_pyqt6(result):
    assert result["qt"].startswith("6.")
    assert not result["import_errors"], {k: v.splitlines()[-1] for k, v in result["import_errors"].items()}
    assert "wip_qgis_plugin.plugin" in result["imported"] and "wip_qgis_plugin.provider" in result["imported"]


def test_every_algorithm_declares_its_parameters_under_pyqt6(result):
    from wip_qgis_plugin.processing_algorithms import ALGORITHMS

    broken = {k: v.splitlines()[-1] for k, v in result["algorithms"].items() if v != "ok"}
    assert not broken, broken
    assert len(result["algorithms"]) == len(ALGORITHMS)


def test_plugin_menu_loads_and_unloads_under_pyqt6(result):
    gui = result["gui"]
    assert "error" not in gui, gui.get("error")
    assert len(gui["menu"]) >= 4 and gui["left_after_unload"] == []  # the engine's four at least


def test_planning_tools_install_under_pyqt6(result):
    """The planning panel and the reason inspector (a failure of either is only logged) install under PyQt6: their
    dock, toolbar action and icons are real PyQt6 objects in the stand-in's window."""
    assert len(result["gui"]["menu"]) == len(MENU_ENTRIES), result["gui"]["menu"]


def test_the_stand_in_catches_a_qt5_only_enum(tmp_path):
    """The check itself: a module using the unscoped Qt5 enum Qt.AlignLeft fails to import under PyQt6."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "wip_qgis_plugin", copy / "wip_qgis_plugin",
                    ignore=shutil.ignore_patterns("__pycache__", "core", "presets", "help", "styles", "icons"))
    shutil.copytree(REPO / "wip_qgis_plugin" / "core", copy / "wip_qgis_plugin" / "core",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("presets", "help", "styles", "icons"):
        shutil.copytree(REPO / "wip_qgis_plugin" / folder, copy / "wip_qgis_plugin" / folder)
    provider = copy / "wip_qgis_plugin" / "provider.py"
    provider.write_text(provider.read_text(encoding="utf-8") +
                        "\nfrom qgis.PyQt.QtCore import Qt\n_ALIGN = Qt.AlignLeft\n", encoding="utf-8")
    broken = run_stubbed(copy, tmp_path)
    assert "wip_qgis_plugin.provider" in broken["import_errors"]
    assert "AlignLeft" in broken["import_errors"]["wip_qgis_plugin.provider"]
