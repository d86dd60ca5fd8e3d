"""Can the engine run, and where: the environment checks of the plugin.

The engine needs Python packages (numpy, shapely, geopandas, rasterio …) that QGIS's own
Python may lack or may have in a build that clashes with QGIS's GDAL, GEOS or PROJ. This
module finds out without importing the engine (QGIS start stays light), chooses between
running in-process and in a separate engine Python (``worker.py``), and words what to do
when neither works. The plugin reports it at start (``plugin.py``); every algorithm asks
before it runs (``processing_algorithms/base.py``).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import worker
from .core.jobs import protocol as worker_protocol
from .i18n import tr

#: Python modules the engine imports, with the pip requirement that provides each (a copy of
#: core.jobs.protocol.ENGINE_DEPENDENCIES, which the engine Python checks itself against).
ENGINE_DEPENDENCIES = dict(worker_protocol.ENGINE_DEPENDENCIES)

#: Packages compiled from source so that they use QGIS's own GEOS, PROJ and GDAL.
NO_BINARY = "shapely,pyproj,pyogrio,rasterio"


def menu_name() -> str:
    """Name of the plugin's menu (under Plugins) and of the provider."""
    return tr("WIP Energy & Spatial Planning")


@dataclass(frozen=True)
class EnginePlan:
    """Where the engine runs: ``in_process``, ``worker`` (with ``python``) or nowhere (``message`` says why)."""

    where: str | None
    python: str = ""
    message: str = ""


@cache
def numpy_abi_error() -> str:
    """Why QGIS's GDAL bindings cannot use the numpy found ('' if they can, or if either is absent).

    ``osgeo.gdal_array`` is compiled against one numpy ABI; a numpy 2 installed over a GDAL built
    for numpy 1 (or the other way round) breaks it, and with it every raster the engine reads in
    QGIS. Checked once per session.
    """
    try:
        if importlib.util.find_spec("numpy") is None or importlib.util.find_spec("osgeo") is None:
            return ""
    except (ImportError, ValueError):
        return ""
    try:
        import numpy
    except Exception as exc:  # noqa: BLE001 - a broken numpy: say so, whatever it raised
        return f"numpy: {exc}"
    try:
        from osgeo import gdal_array  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        return f"numpy {numpy.__version__}: osgeo.gdal_array: {str(exc).strip().splitlines()[-1][:200]}"
    return ""


def missing_dependencies() -> list[str]:
    """Pip requirements of the engine that are missing or too old in QGIS's Python.

    Includes ``numpy<2`` or ``numpy>=2`` when the numpy found does not fit QGIS's GDAL bindings.
    Found without importing the engine's packages (QGIS start stays light).
    """
    missing = worker_protocol.dependency_problems(ENGINE_DEPENDENCIES)
    if not any(m.startswith("numpy") for m in missing) and numpy_abi_error():
        major = int(importlib.metadata.version("numpy").split(".")[0])
        missing.append("numpy<2" if major >= 2 else "numpy>=2")
    return missing


def qgis_proj_version(proj_utils) -> str:
    """Major.minor of the PROJ library loaded in this process (the one QGIS uses).

    ``QgsProjUtils.projVersionMajor/Minor`` are the version QGIS was compiled with; a distribution may update
    PROJ under it without a rebuild (Debian sid: QGIS 3.44 built with PROJ 9.8 runs on 9.9), so the version
    GDAL reports at run time comes first.
    """
    try:
        from osgeo import osr

        return f"{osr.GetPROJVersionMajor()}.{osr.GetPROJVersionMinor()}"
    except (ImportError, AttributeError):
        return f"{proj_utils.projVersionMajor()}.{proj_utils.projVersionMinor()}"


def library_mismatches() -> list[str]:
    """Engine packages built with another GEOS, PROJ or GDAL than QGIS uses.

    Binary wheels bundle their own copies of these libraries; inside QGIS and qgis_process
    they clash with QGIS's (observed: shapely returning empty results, crashes at exit).
    Imports the packages, so it is called only when the engine is about to run in-process.
    """
    import pyogrio
    import pyproj
    import rasterio
    import shapely
    from qgis.core import Qgis, QgsProjUtils

    found = []
    qgis_geos = Qgis.geosVersion().split("-")[0]
    if shapely.geos_version_string.split("-")[0] != qgis_geos:
        found.append(f"shapely: GEOS {shapely.geos_version_string} (QGIS: {qgis_geos})")
    qgis_proj = qgis_proj_version(QgsProjUtils)
    if not pyproj.proj_version_str.startswith(qgis_proj + "."):
        found.append(f"pyproj: PROJ {pyproj.proj_version_str} (QGIS: {qgis_proj})")
    try:
        from osgeo import gdal
    except ImportError:
        return found
    for name, version in (("pyogrio", pyogrio.__gdal_version_string__), ("rasterio", rasterio.__gdal_version__)):
        if version != gdal.__version__:
            found.append(f"{name}: GDAL {version} (QGIS: {gdal.__version__})")
    return found


def engine_plan() -> EnginePlan:
    """Choose in-process or worker from the setting ``wip/engine_mode`` and what is installed."""
    mode = worker.engine_mode()
    missing = [] if mode == "worker" else missing_dependencies()
    if mode == "in_process" or (mode == "auto" and not missing):
        if missing:
            return EnginePlan(None, message=missing_dependencies_message(missing))
        return EnginePlan("in_process")
    python = worker.engine_python()
    if not python:
        if mode == "worker":
            return EnginePlan(None, message=tr(
                "The engine is set to run in a separate Python (wip/engine_mode = worker), but no engine "
                "Python is set: set one under Plugins → {menu} → Engine Python…, or run Plugins → {menu} → "
                "Create engine environment.").format(menu=menu_name()))
        return EnginePlan(None, message=missing_dependencies_message(missing))
    status = worker.probe_engine(python)
    if not status.ok:
        return EnginePlan(None, python, engine_python_message(status))
    return EnginePlan("worker", python)


def externally_managed(stdlib: str | None = None, prefix: str | None = None, base_prefix: str | None = None) -> bool:
    """Whether pip must not install into this Python (PEP 668): an ``EXTERNALLY-MANAGED`` file in its
    standard library folder, as Debian 12, Ubuntu 23.04 and Fedora 38 ship for their system Python, which
    QGIS uses there. A venv is never externally managed. The arguments are for tests."""
    prefix = sys.prefix if prefix is None else prefix
    base_prefix = sys.base_prefix if base_prefix is None else base_prefix
    if prefix != base_prefix:
        return False
    folder = stdlib if stdlib is not None else sysconfig.get_path("stdlib")
    return bool(folder) and (Path(folder) / "EXTERNALLY-MANAGED").is_file()


# ----------------------------------------------------------------- messages
def _quoted(requirements: list[str]) -> str:
    return " ".join(f'"{m}"' if any(c in m for c in "<>=") else m for m in requirements)


def start_message() -> str:
    """The first start's message: one line of the message bar beside the button that creates the engine
    environment (the button's tooltip says what that does; the item's tooltip and the log, what is missing)."""
    return tr("The engine lacks Python packages.")


def missing_dependencies_message(missing: list[str]) -> str:
    """What is missing in QGIS's Python and the ways to fix it (pip only where pip may install into it)."""
    if externally_managed():
        return tr(
            "The WIP engine needs Python packages that are missing in the Python environment of QGIS: "
            "{packages}. That Python is managed by the operating system (PEP 668): pip cannot add packages to it. "
            "Let the plugin create an engine environment for them under Plugins → {menu} → Create "
            "engine environment (QGIS's own Python stays unchanged), or set a Python that has them under "
            "Plugins → {menu} → Engine Python….").format(packages=_quoted(missing), menu=menu_name())
    no_deps = [m for m in missing if m in worker_protocol.NO_DEPS_REQUIREMENTS]
    with_deps = [m for m in missing if m not in worker_protocol.NO_DEPS_REQUIREMENTS]
    text = tr(
        "The WIP engine needs Python packages that are missing in the Python environment of "
        "QGIS: {packages}. Install them and restart QGIS, e.g. with: python3 -m pip install "
        "--user --no-binary shapely,pyproj,pyogrio,rasterio {packages} (on Windows in the "
        "OSGeo4W Shell)."
    ).format(packages=_quoted(with_deps)) if with_deps else ""
    if no_deps:
        text += (" " if text else "") + tr(
            "Install {packages} without its dependencies (its metadata asks for numpy 2, which the GDAL "
            "bindings of QGIS cannot load): python3 -m pip install --user --no-deps {packages}"
        ).format(packages=_quoted(no_deps))
    abi = numpy_abi_error()
    if abi:
        text += " " + tr("The numpy found does not work with the GDAL bindings of QGIS ({error}).").format(error=abi)
    return text + " " + tr(
        "Or run the engine in a separate Python that has them: set it under Plugins → {menu} → Engine Python…, "
        "or let the plugin create one under Plugins → {menu} → Create engine environment (QGIS's own Python "
        "stays unchanged).").format(menu=menu_name())


def engine_python_message(status) -> str:
    """Why the configured engine Python cannot run the engine, and what to do."""
    if status.problems:
        return tr("The engine Python “{python}” lacks these packages: {packages}. Install them with: "
                  "\"{python}\" -m pip install {packages}, or run Plugins → {menu} → Create engine "
                  "environment.").format(python=status.python, packages=_quoted(list(status.problems)),
                                         menu=menu_name())
    return tr("The engine Python “{python}” cannot run the engine ({error}). Set another one under "
              "Plugins → {menu} → Engine Python…, or run Plugins → {menu} → Create engine "
              "environment.").format(python=status.python, error=status.error, menu=menu_name())


def library_mismatch_message(mismatches: list[str]) -> str:
    """Warning about engine packages built against other C libraries than QGIS's, with the fix."""
    if externally_managed():
        return tr(
            "These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. Inside QGIS "
            "this can give wrong results or crashes. Run the engine in an engine environment instead: "
            "Plugins → {menu} → Create engine environment, then Always run the engine in the engine Python."
        ).format(list="; ".join(mismatches), menu=menu_name())
    return tr(
        "These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. "
        "Inside QGIS this can give wrong results or crashes. Reinstall them compiled "
        "against the libraries of QGIS: python3 -m pip install --user --force-reinstall "
        "--no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio"
    ).format(list="; ".join(mismatches))
