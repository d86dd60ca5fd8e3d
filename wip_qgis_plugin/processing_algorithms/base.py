"""Shared plumbing of the WIP Processing algorithms.

Each algorithm is a thin class: it declares parameters, turns layers into file paths, builds
one engine job (``core.jobs.protocol.Job``: the engine function's name and JSON arguments)
and hands it to :meth:`WipAlgorithm.run_engine`, which runs it in QGIS's Python or, where that
lacks the engine's packages, in the engine Python (``worker.py``), and maps engine errors to
``QgsProcessingException``. What they all need lives here: translation, help text from
``help/<algorithm id>.json``, the dependency check, and layer and output conversion (styles:
output_styles.py).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
)
from qgis.PyQt.QtCore import QCoreApplication, QThread
from qgis.PyQt.QtGui import QIcon

from .. import worker
from ..compat import push_warning, set_advanced
from ..core.jobs import protocol as worker_protocol
from ..core.errors import Cancelled, WipError
from ..core.jobs.protocol import Job, JobError
from ..feedback import FeedbackProgress
from ..i18n import tr, ui_language

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "icons" / "wip.svg"
HELP_DIR = PLUGIN_DIR / "help"
HOMEPAGE = "https://github.com/wip-energy/wip_qgis_plugin"

#: Python modules the engine imports, with the pip requirement that provides each (a copy of
#: core.jobs.protocol.ENGINE_DEPENDENCIES, which the engine Python checks itself against).
ENGINE_DEPENDENCIES = dict(worker_protocol.ENGINE_DEPENDENCIES)

#: Vector formats the engine reads straight from the file; other layers are exported to gpkg.
ENGINE_VECTOR_FORMATS = ["gpkg", "shp", "geojson", "json", "fgb", "sqlite", "gml", "kml"]

#: Packages compiled from source so that they use QGIS's own GEOS, PROJ and GDAL.
NO_BINARY = "shapely,pyproj,pyogrio,rasterio"


def menu_name() -> str:
    """Name of the plugin's menu (under Plugins) and of the provider."""
    return tr("WIP Energy & Spatial Planning")


def group_name(group_id: str) -> str:
    """Translated name of an algorithm group."""
    return {"eligibility": tr("Eligibility"), "suitability": tr("Suitability"),
            "accounting": tr("Area accounting"), "grid": tr("Grid"), "potential": tr("Potential"),
            "profile": tr("Profile")}[group_id]


@cache
def _help_data(algorithm_id: str) -> dict[str, Any]:
    with open(HELP_DIR / f"{algorithm_id}.json", encoding="utf-8") as fh:
        return json.load(fh)


def help_for(algorithm_id: str, language: str | None = None) -> dict[str, Any]:
    """Help of an algorithm in the UI language (English if there is none in that language)."""
    data = _help_data(algorithm_id)
    return data.get(language or ui_language()) or data["en"]


def preset_ids() -> list[str]:
    """Ids of the shipped criteria presets (``presets/<id>.yaml``), sorted.

    Read from the file names, as the engine's ``list_presets()`` does, without importing the
    engine: loading the provider (at every QGIS and qgis_process start) stays cheap and works
    even when the engine's packages are missing.
    """
    return sorted(p.stem for p in (PLUGIN_DIR / "presets").glob("*.yaml"))


def in_main_thread() -> bool:
    """True in qgis_process, scripts and tests; False in the desktop's Processing worker thread.

    The engine forks worker processes for tiles; forking from a thread of the QGIS desktop can
    deadlock the child (locks held by other threads, e.g. GDAL's during map rendering), so
    algorithms run tiles in-process there.
    """
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


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


def _quoted(requirements: list[str]) -> str:
    return " ".join(f'"{m}"' if any(c in m for c in "<>=") else m for m in requirements)


def missing_dependencies_message(missing: list[str]) -> str:
    """What is missing in QGIS's Python and the three ways to fix it."""
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


@dataclass(frozen=True)
class EnginePlan:
    """Where the engine runs: ``in_process``, ``worker`` (with ``python``) or nowhere (``message`` says why)."""

    where: str | None
    python: str = ""
    message: str = ""


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


def library_mismatches() -> list[str]:
    """Engine packages built with another GEOS, PROJ or GDAL than QGIS uses.

    Binary wheels bundle their own copies of these libraries; inside QGIS and qgis_process
    they clash with QGIS's (observed: shapely returning empty results, crashes at exit).
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
    qgis_proj = f"{QgsProjUtils.projVersionMajor()}.{QgsProjUtils.projVersionMinor()}"
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


class WipAlgorithm(QgsProcessingAlgorithm):
    """Base class: metadata from ``help/<name>.json``, helpers for layers and outputs."""

    GROUP_ID = ""

    def tr(self, text: str) -> str:
        return tr(text)

    def createInstance(self):  # noqa: N802 (QGIS API)
        return type(self)()

    def group(self) -> str:
        return group_name(self.GROUP_ID)

    def groupId(self) -> str:  # noqa: N802 (QGIS API)
        return self.GROUP_ID

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS API)
        return str(ICON_PATH)

    def shortDescription(self) -> str:  # noqa: N802 (QGIS API)
        return help_for(self.name())["description"]

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API)
        text = help_for(self.name())
        parts = [f"<p>{p}</p>" for p in text["help"]]
        params = [(d.description(), text["parameters"].get(d.name()))
                  for d in self.parameterDefinitions()]
        items = "".join(f"<dt><b>{label}</b></dt><dd>{doc}</dd>" for label, doc in params if doc)
        return "".join(parts) + (f"<h3>{tr('Parameters')}</h3><dl>{items}</dl>" if items else "")

    def tags(self) -> list[str]:
        """Search words of the toolbox, from the help data."""
        return list(help_for(self.name()).get("tags", []))

    def helpUrl(self) -> str:  # noqa: N802 (QGIS API)
        return f"{HOMEPAGE}#{self.name()}"

    def canExecute(self):  # noqa: N802 (QGIS API)
        plan = engine_plan()
        return (True, "") if plan.where else (False, plan.message)

    def add_parameter(self, param, advanced: bool = False):
        """Add a parameter with its tooltip from the help data."""
        doc = help_for(self.name())["parameters"].get(param.name())
        if doc and hasattr(param, "setHelp"):
            param.setHelp(doc)
        self.addParameter(set_advanced(param) if advanced else param)
        return param

    def require_engine(self, feedback) -> EnginePlan:
        """Where the engine runs; raises if nowhere, warns if its packages use other C libraries than QGIS."""
        plan = engine_plan()
        if plan.where is None:
            raise QgsProcessingException(plan.message)
        if plan.where == "in_process":
            mismatches = library_mismatches()
            if mismatches and feedback is not None:
                push_warning(feedback, tr(
                    "These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. "
                    "Inside QGIS this can give wrong results or crashes. Reinstall them compiled "
                    "against the libraries of QGIS: python3 -m pip install --user --force-reinstall "
                    "--no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio"
                ).format(list="; ".join(mismatches)))
        return plan

    def run_engine(self, job: Job, feedback) -> dict:
        """Run an engine job in QGIS's Python or in the engine Python; returns its JSON result.

        Engine errors become ``QgsProcessingException`` with the engine's message (refusals with a
        code are worded by :meth:`job_error_message`); a cancelled run leaves no output.
        """
        plan = self.require_engine(feedback)
        progress = FeedbackProgress(feedback)
        try:
            if plan.where == "worker":
                progress.info(tr("Running the engine in the engine Python {python}").format(python=plan.python))
                return worker.run_in_worker(job, progress, plan.python)
            return worker_protocol.run_job(replace(job, single_process=not in_main_thread()), progress)
        except JobError as exc:
            raise QgsProcessingException(self.job_error_message(exc)) from exc
        except Cancelled as exc:
            raise QgsProcessingException(tr("The run was cancelled; no output was written.")) from exc
        except WipError as exc:
            raise QgsProcessingException(str(exc)) from exc

    def job_error_message(self, error: JobError) -> str:
        """Translated message of an engine refusal (``error.code``, ``error.details``)."""
        from .roles import role_parameter_label

        details = error.details
        if error.code == "missing_roles":
            return tr(
                "The criteria of catalogue “{catalogue}” ({kinds}) need these input layers, which "
                "were not given: {layers}. Add them, or choose fewer criteria kinds or another "
                "catalogue.").format(catalogue=details["catalogue"], kinds=", ".join(details["kinds"]),
                                     layers="; ".join(f"“{role_parameter_label(self, r)}”" for r in details["roles"]))
        if error.code == "missing_inputs":
            labels = [role_parameter_label(self, r) for r in [*details["layers"], *details["rasters"]]]
            return tr(
                "The suitability criteria of catalogue “{catalogue}” need these inputs, which were not "
                "given: {inputs}. Add them, or remove those criteria from the catalogue.").format(
                    catalogue=details["catalogue"], inputs="; ".join(f"“{m}”" for m in labels))
        if error.code == "no_default_criterion":
            return tr(
                "The catalogue “{catalogue}” has no active criterion tagged settlement_setback: give the id of "
                "the criterion to vary.").format(catalogue=details["catalogue"])
        if error.code == "needs_matplotlib":
            return tr("The chart needs the Python package matplotlib: install it "
                      "(\"{python}\" -m pip install matplotlib), or leave the chart out.").format(
                          python=details.get("python", "python3"))
        return str(error)

    def layer_ref(self, parameters, name, context, feedback) -> dict | None:
        """The engine's LayerRef (as JSON) for a vector parameter, or None if it was left empty.

        Files the engine reads directly are passed as they are; memory, database and
        filtered layers are exported to a temporary GeoPackage first, so the engine (in
        QGIS's Python or in another one) always reads a file.
        """
        if self.parameterAsSource(parameters, name, context) is None:
            return None
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, name, context, ENGINE_VECTOR_FORMATS, "gpkg", feedback)
        return {"path": path, "layer": layer or None} if path else None

    def output_path(self, parameters, name, context, suffixes: tuple[str, ...]) -> Path | None:
        """Path of a file output, None if it is skipped; refuses formats the engine cannot write."""
        if isinstance(self.parameterDefinition(name), QgsProcessingParameterFileDestination):
            value = self.parameterAsFileOutput(parameters, name, context)
        else:
            value = self.parameterAsOutputLayer(parameters, name, context)
        if not value:
            return None
        path = Path(value)
        if path.suffix.lower() not in suffixes:
            raise QgsProcessingException(
                tr("“{output}”: the file must end in {suffixes} (got “{path}”).").format(
                    output=self.parameterDefinition(name).description(),
                    suffixes=" / ".join(suffixes), path=value))
        return path
