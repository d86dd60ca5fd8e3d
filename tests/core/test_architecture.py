"""The engine's layout rules (docs/architecture.md), checked on the source of every module under core/.

- dependencies point one way along the chain: root → data → catalogue → eligibility → suitability →
  solar | wind → grid → economics → profile → scenario → jobs (solar and wind do not import each other);
- no import cycle between modules, counting imports inside functions too;
- no private name (``_x``) of one module used by another, in the engine or in the plugin around it;
- every file under core/ at most ~700 lines, or its module docstring says why.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "wip_qgis_plugin"
CORE = PLUGIN / "core"

#: Rank of each part of the engine: a module may import from a part of lower or equal rank only
#: (equal rank: its own part). Parts of the same rank are siblings and must not import each other.
RANKS = {"<root>": 0, "data": 1, "catalogue": 2, "eligibility": 3, "suitability": 4, "solar": 5, "wind": 5,
         "grid": 6, "economics": 7, "profile": 8, "scenario": 9, "jobs": 10}
MAX_LINES = 700


def module_name(path: Path) -> str:
    """Dotted name of a source file under wip_qgis_plugin/ (``wip_qgis_plugin.core.data.layers``)."""
    parts = list(path.relative_to(PLUGIN.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


MODULES = {module_name(p): p for p in source_files(PLUGIN)}
CORE_MODULES = {m: p for m, p in MODULES.items() if m == "wip_qgis_plugin.core" or m.startswith("wip_qgis_plugin.core.")}


def part_of(module: str) -> str:
    """The part of the engine a core module belongs to (``<root>`` for core/*.py)."""
    rest = module.split(".")[2:]
    if not rest or (len(rest) == 1 and (CORE / f"{rest[0]}.py").exists()):
        return "<root>"
    return rest[0]


def imports(path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """``(line, module, names)`` for every import in a file, at any depth, resolved to absolute names."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    yield from imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """The imports of ``source``, a module of ``package`` (see :func:`imports`)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, tuple(a.name for a in node.names)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """The project modules a file imports (a ``from pkg import sub`` counts as importing ``pkg.sub``)."""
    for line, target, names in imports(path):
        if not target.startswith("wip_qgis_plugin"):
            continue
        subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
        if subs:
            yield from ((line, s) for s in subs)
        if not subs or len(subs) < len(names):
            if target in MODULES:
                yield line, target


def test_the_walk_sees_every_sub_package():
    packages = {p.parent.relative_to(CORE).parts[0] for p in CORE.rglob("__init__.py") if p.parent != CORE}
    assert {"data", "catalogue", "eligibility", "suitability", "solar", "wind", "grid", "profile", "scenario",
            "jobs"} <= packages
    assert set(packages) <= set(RANKS), f"a new sub-package needs a rank here and in docs/architecture.md: {packages}"
    assert len(CORE_MODULES) >= 40


def test_dependencies_point_one_way():
    wrong = []
    for module, path in CORE_MODULES.items():
        src = part_of(module)
        for line, target in imported_modules(path):
            if not target.startswith("wip_qgis_plugin.core"):
                wrong.append(f"{path.relative_to(PLUGIN)}:{line} imports {target} (the engine imports nothing "
                             "of the plugin around it)")
                continue
            dst = part_of(target)
            if target == "wip_qgis_plugin.core":
                continue  # the package itself (__version__)
            if dst != src and RANKS[dst] >= RANKS[src]:
                wrong.append(f"{path.relative_to(PLUGIN)}:{line} ({src}) imports {target} ({dst})")
    assert not wrong, "imports against the direction of the chain:\n" + "\n".join(wrong)


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for _, target in imported_modules(path):
            if target != module:
                graph.add_edge(module, target)
    return graph


def test_no_import_cycle_even_through_function_level_imports():
    graph = import_graph()
    # A package's __init__ is imported before its modules; an edge module → its own package is not a cycle.
    graph.remove_edges_from([(a, b) for a, b in graph.edges if a.startswith(b + ".")])
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_name_is_used_outside_its_module():
    wrong = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_aliases: set[str] = set()
        for line, target, names in imports(path):
            if not target.startswith("wip_qgis_plugin") or target == module:
                continue
            for name in names:
                if f"{target}.{name}" in MODULES:
                    module_aliases.add(name)
                elif name.startswith("_") and not name.startswith("__"):
                    wrong.append(f"{path.relative_to(PLUGIN)}:{line} imports {target}.{name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.asname:
                        module_aliases.add(alias.asname)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                wrong.append(f"{path.relative_to(PLUGIN)}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not wrong, "private names used outside their module:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", sorted(CORE_MODULES.values()), ids=lambda p: str(p.relative_to(CORE)))
def test_a_file_is_one_idea(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    if lines <= MAX_LINES:
        return
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "longer than" in doc.lower() or "lines because" in doc.lower(), (
        f"{path.relative_to(PLUGIN)} has {lines} lines (> {MAX_LINES}): split it by idea, or say in its module "
        "docstring why it is longer than that")


@pytest.mark.parametrize("package", sorted(p.parent for p in CORE.rglob("__init__.py")),
                         ids=lambda p: p.name)
def test_every_sub_package_says_what_it_owns_and_may_import(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert len(doc.split()) >= 15, f"{package.name}/__init__.py needs a docstring: what it owns, what it may import"
    if package != CORE:
        assert "import" in doc.lower(), f"{package.name}/__init__.py: say what the package may import"


def test_the_checks_can_fail():
    """The resolver sees a relative, a function-level and a private import (the checks above rely on it)."""
    source = "def f():\n    from ..profile.engine import _x\n    from . import engine\n"
    found = list(imports_in(source, "wip_qgis_plugin.core.eligibility"))
    assert (2, "wip_qgis_plugin.core.profile.engine", ("_x",)) in found
    assert (3, "wip_qgis_plugin.core.eligibility", ("engine",)) in found
