#!/usr/bin/env python3
"""Qt6 / QGIS 4 compatibility scan of the plugin's Python code (standard library only).

    python3 scripts/qt6_scan.py [wip_qgis_plugin | dist/wip_qgis_plugin.zip ...]

QGIS 4 runs on Qt6 and PyQt6, which accept only scoped enums (``Qt.AlignmentFlag.AlignLeft``,
not ``Qt.AlignLeft``; ``QMetaType.Type.QString``, not ``QVariant.String``), have no ``exec_()``,
moved ``QAction`` to QtGui and dropped ``QRegExp``; QGIS 4 also drops the unscoped aliases of
its own enums (``QgsWkbTypes.Point`` → ``Qgis.WkbType.Point``). Rules:

``pyqt-import``    ``import PyQt5``/``PyQt6``/``sip``: import through ``qgis.PyQt``
``exec_``          ``.exec_()``: use ``.exec()``
``unscoped-enum``  ``Class.Member`` of a Qt or QGIS class without the enum's name
``moved-class``    QAction, QActionGroup, QShortcut … from QtWidgets without a QtGui fallback
``removed-class``  classes Qt6 no longer has (QRegExp, QDesktopWidget …)

Code for old versions is allowed where it is visibly guarded: the ``else`` branch (or the
``if not``) of an ``if hasattr(...)`` or of a version comparison (``if QGIS_VERSION_INT >= …``),
and the ``except ImportError`` handler of a ``try``. A line ending in ``# qt6: ok`` is skipped.
Exit code 1 if anything is found.
"""
from __future__ import annotations

import ast
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_MODULE_PREFIXES = ("qgis.PyQt", "PyQt5", "PyQt6")
QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis", "qgis.processing")
MOVED_TO_QTGUI = {"QAction", "QActionGroup", "QShortcut", "QUndoCommand", "QUndoGroup", "QUndoStack",
                  "QFileSystemModel"}
REMOVED = {"QRegExp", "QRegExpValidator", "QDesktopWidget", "QGLWidget", "QMatrix", "QSound", "QStringRef",
           "QTextCodec", "QWebView", "QtWebKit", "QtWebKitWidgets"}
SUPPRESS = "# qt6: ok"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def _is_feature_test(test: ast.expr) -> bool:
    """``hasattr(...)``, a comparison with a ``*VERSION*`` name, or ``not`` of one."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_feature_test(test.operand)
    if isinstance(test, ast.BoolOp):
        return any(_is_feature_test(v) for v in test.values)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id in ("hasattr", "getattr"):
        return True
    if isinstance(test, ast.Compare):
        names = [n for n in ast.walk(test) if isinstance(n, (ast.Name, ast.Attribute))]
        return any("VERSION" in (n.id if isinstance(n, ast.Name) else n.attr).upper() for n in names)
    return False


def _guarded_nodes(tree: ast.AST) -> set[int]:
    """Ids of the nodes in old-version branches (see the module docstring)."""
    guarded: set[int] = set()

    def mark(nodes) -> None:
        for node in nodes:
            guarded.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp)) and _is_feature_test(node.test):
            negated = isinstance(node.test, ast.UnaryOp)
            branch = node.body if negated else node.orelse
            mark(branch if isinstance(branch, list) else [branch])
        elif isinstance(node, ast.Try):
            for handler in node.handlers:
                names = [n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)] if handler.type else []
                if {"ImportError", "ModuleNotFoundError", "AttributeError"} & set(names):
                    mark(handler.body)
    return guarded


def _imported_classes(tree: ast.AST) -> dict[str, str]:
    """Names imported from Qt or QGIS modules, with their module."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.startswith(QT_MODULE_PREFIXES) or node.module in QGIS_MODULES):
            for alias in node.names:
                names[alias.asname or alias.name] = node.module
    return names


def _is_enum_member(name: str) -> bool:
    """``AlignLeft``, ``String``, ``MultiPolygon``: capitalised, not an ALL_CAPS constant."""
    return name[:1].isupper() and not name.replace("_", "").isupper() and not name.isupper()


def scan_source(text: str, path: str) -> list[Finding]:
    """Findings in one Python source."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return [Finding(path, exc.lineno or 0, "syntax", str(exc))]
    lines = text.splitlines()
    guarded = _guarded_nodes(tree)
    classes = _imported_classes(tree)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    found: list[Finding] = []

    def add(node: ast.AST, rule: str, message: str) -> None:
        line = getattr(node, "lineno", 0)
        if id(node) in guarded or (0 < line <= len(lines) and lines[line - 1].rstrip().endswith(SUPPRESS)):
            return
        found.append(Finding(path, line, rule, message))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("PyQt5", "PyQt6", "PyQt4", "sip"):
                    add(node, "pyqt-import", f"import {alias.name}: import from qgis.PyQt instead")
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in ("PyQt5", "PyQt6", "PyQt4", "sip"):
                add(node, "pyqt-import", f"from {node.module} import …: import from qgis.PyQt instead")
            if node.module.startswith(QT_MODULE_PREFIXES):
                for alias in node.names:
                    if alias.name in REMOVED or node.module.split(".")[-1] in REMOVED:
                        add(node, "removed-class", f"{alias.name} does not exist in Qt6")
                    if node.module.endswith("QtWidgets") and alias.name in MOVED_TO_QTGUI:
                        add(node, "moved-class", f"{alias.name} is in QtGui in Qt6: try qgis.PyQt.QtGui first, "
                                                 "fall back to QtWidgets in an `except ImportError`")
        elif isinstance(node, ast.Attribute):
            if node.attr == "exec_":
                add(node, "exec_", "exec_() is gone in PyQt6: use exec()")
                continue
            if not (isinstance(node.value, ast.Name) and node.value.id in classes):
                continue
            parent = parents.get(id(node))
            if isinstance(parent, ast.Attribute) and parent.value is node:
                continue  # Class.Enum.Member: scoped
            if isinstance(parent, ast.Call) and parent.func is node:
                continue  # Class.Method(...) or Class.Enum(value)
            if node.value.id == "QVariant" and isinstance(node.ctx, ast.Load):
                add(node, "unscoped-enum", f"QVariant.{node.attr}: Qt6 has no QVariant types; QgsField takes "
                                           "QMetaType.Type (e.g. QMetaType.Type.QString) since QGIS 3.38")
            elif _is_enum_member(node.attr) and isinstance(node.ctx, ast.Load):
                add(node, "unscoped-enum", f"{node.value.id}.{node.attr}: name the enum "
                                           f"({node.value.id}.<Enum>.{node.attr}); PyQt6 and QGIS 4 need it")
    return sorted(found, key=lambda f: (f.path, f.line, f.rule))


def python_sources(target: Path):
    """(name, text) of every .py file of a folder or a zip."""
    if target.is_file() and zipfile.is_zipfile(target):
        with zipfile.ZipFile(target) as zf:
            for name in sorted(zf.namelist()):
                if name.endswith(".py"):
                    yield name, zf.read(name).decode("utf-8")
    elif target.is_file():
        yield str(target), target.read_text(encoding="utf-8")
    else:
        for path in sorted(target.rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield str(path.relative_to(target.parent)), path.read_text(encoding="utf-8")


def scan(targets: list[Path]) -> list[Finding]:
    return [f for target in targets for name, text in python_sources(target) for f in scan_source(text, name)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    targets = [Path(a) for a in args] or [ROOT / "wip_qgis_plugin"]
    findings = scan(targets)
    for finding in findings:
        print(finding)
    print(f"qt6_scan: {len(findings)} finding(s) in {', '.join(str(t) for t in targets)}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
