"""The engine must import without QGIS or Qt: every core module, with those imports blocked."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import wip_qgis_plugin.core as core

BLOCKER = r"""
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6', 'sip', 'processing'):
            raise ImportError('blocked for the test: ' + name)
sys.meta_path.insert(0, Block())
import importlib
for m in MODULES:
    importlib.import_module(m)
import wip_qgis_plugin.cli
loaded = [m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6')]
assert not loaded, loaded
print('ok', len(MODULES))
"""


def core_modules() -> list[str]:
    """Every module under core/, sub-packages included (walk_packages, not iter_modules)."""
    return [m.name for m in pkgutil.walk_packages(core.__path__, prefix="wip_qgis_plugin.core.")]


def test_the_walk_finds_every_file():
    files = {p for p in Path(core.__file__).parent.rglob("*.py") if "__pycache__" not in p.parts}
    assert len(core_modules()) == len(files) - 1  # all but core/__init__.py itself


def test_every_core_module_imports_with_qgis_blocked():
    modules = core_modules()
    assert len(modules) >= 8
    code = f"MODULES = {modules!r}\n" + BLOCKER
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ok {len(modules)}"


def test_no_qgis_import_statement_in_core():
    root = Path(core.__file__).parent
    paths = sorted(root.rglob("*.py"))
    assert any(p.parent != root for p in paths)  # the sub-packages are read too
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                for bad in ("qgis", "PyQt5", "PyQt6", "processing"):
                    assert stripped.split()[1].split(".")[0] != bad, f"{path.relative_to(root)}: {stripped}"
