"""Plugin-repository readiness: the built zip passes scripts/check_package.py and the Qt6 / QGIS 4
scan (scripts/qt6_scan.py); both scripts find what they are meant to find."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from wip_qgis_testing import PLUGIN_DIR, REPO

pytestmark = pytest.mark.slow


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory) -> Path:
    return script("package").build(tmp_path_factory.mktemp("dist") / "wip_qgis_plugin.zip")


def run_script(name: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / f"{name}.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_built_zip_passes_the_repository_checks(built_zip):
    proc = run_script("check_package", built_zip)
    assert proc.returncode == 0, proc.stdout
    assert "0 problem(s)" in proc.stdout
    with zipfile.ZipFile(built_zip) as zf:
        names = set(zf.namelist())
    for required in ("LICENSE", "metadata.txt", "i18n/wip_de.qm", "engine_env/requirements.txt",
                     "engine_env/constraints.txt", "worker.py", "core/jobs/protocol.py"):
        assert f"wip_qgis_plugin/{required}" in names, required
    assert not [n for n in names if n.endswith(".ts")]


def test_built_zip_passes_the_qt6_scan(built_zip):
    proc = run_script("qt6_scan", built_zip)
    assert proc.returncode == 0, proc.stdout
    assert "0 finding(s)" in proc.stdout


def test_plugin_sources_pass_the_qt6_scan():
    assert script("qt6_scan").scan([PLUGIN_DIR]) == []


BAD_METADATA = """[general]
name=Broken
qgisMinimumVersion=3.40
qgisMaximumVersion=3.22
description=Does things.
about=More.
version=one
author=Someone
email=someone-at-example
tracker=github.com/x/issues
repository=https://github.com/x
experimental=maybe
icon=icons/missing.png
"""


def test_check_package_finds_what_the_repository_refuses(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("broken/__init__.py", "x = 1\n")
        zf.writestr("broken/metadata.txt", BAD_METADATA)
        zf.writestr("broken/__pycache__/a.cpython-311.pyc", b"\0\0")
        zf.writestr("broken/lib/_speedups.so", b"\x7fELF\0")
        zf.writestr("broken/data.json", b"{\0}")
        zf.writestr("broken/.DS_Store", b"")
    problems = "\n".join(script("check_package").check_zip(bad))
    for fragment in ("homepage is missing", "qgisMinimumVersion 3.40 is above qgisMaximumVersion 3.22",
                     "version='one'", "email='someone-at-example'", "tracker='github.com/x/issues'",
                     "experimental='maybe'", "icon='icons/missing.png'", "broken/LICENSE is missing",
                     "__pycache__ must not be in the zip", "_speedups.so: a .so file", "data.json: a binary file",
                     ".DS_Store must not be in the zip", "defines no classFactory"):
        assert fragment in problems, fragment
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a/__init__.py", "")
        zf.writestr("b/__init__.py", "")
    assert "exactly one top folder" in script("check_package").check_zip(two)[0]
    proc = run_script("check_package", bad)
    assert proc.returncode == 1


def test_qt6_scan_finds_qt5_only_code(tmp_path):
    source = tmp_path / "old.py"
    source.write_text(
        "from PyQt5.QtCore import QVariant\n"
        "from qgis.PyQt.QtCore import Qt, QRegExp\n"
        "from qgis.PyQt.QtWidgets import QAction, QDialog\n"
        "from qgis.core import Qgis, QgsWkbTypes, QgsProcessing, QgsField\n"
        "a = Qt.AlignLeft\n"
        "b = QgsField('n', QVariant.String)\n"
        "QDialog().exec_()\n"
        "c = QgsWkbTypes.Point\n"
        "d = Qt.AlignmentFlag.AlignLeft | Qt.ItemDataRole.UserRole\n"       # scoped: fine
        "e = QgsProcessing.TEMPORARY_OUTPUT\n"                             # a constant: fine
        "f = Qgis.Warning if False else Qgis.MessageLevel.Warning\n"
        "if hasattr(Qgis, 'WkbType'):\n    g = Qgis.WkbType.Point\nelse:\n    g = QgsWkbTypes.Point\n"
        "h = Qt.UserRole  # qt6: ok\n", encoding="utf-8")
    findings = script("qt6_scan").scan([source])
    found = sorted((f.line, f.rule) for f in findings)
    assert found == [(1, "pyqt-import"), (2, "removed-class"), (3, "moved-class"), (5, "unscoped-enum"),
                     (6, "unscoped-enum"), (7, "exec_"), (8, "unscoped-enum"), (11, "unscoped-enum")], found
    assert run_script("qt6_scan", source).returncode == 1
