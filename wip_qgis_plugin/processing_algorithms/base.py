"""Shared plumbing of the WIP Processing algorithms.

Each algorithm is a thin class: it declares parameters, turns layers into file paths, builds
one engine job (``core.jobs.protocol.Job``: the engine function's name and JSON arguments)
with the builder of ``core.jobs.build`` that the ``wip`` subcommand uses too, and hands it to :meth:`WipAlgorithm.run_engine`, which runs it in QGIS's Python or, where that
lacks the engine's packages, in the engine Python (``worker.py``), and maps engine errors to
``QgsProcessingException``. What they all need lives here: translation, help text from
``help/<algorithm id>.json``, and layer and output conversion. Elsewhere: whether and where the
engine can run (``environment.py``), shared parameter blocks (``inputs.py``, ``roles.py``) and
output styles (``output_styles.py``).
"""
from __future__ import annotations

import json
from dataclasses import replace
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

from .. import environment, worker
from ..compat import FLAG_OPTIONAL, push_warning, set_advanced
from ..core.errors import Cancelled, InternalError, WipError
from ..core.jobs.protocol import Job, JobError, run_job
from ..environment import EnginePlan
from ..feedback import FeedbackProgress
from ..i18n import tr, ui_language
from .roles import role_parameter_label

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "icons" / "wip.svg"
HELP_DIR = PLUGIN_DIR / "help"
HOMEPAGE = "https://github.com/wip-energy/wip_qgis_plugin"

#: Vector formats the engine reads straight from the file; other layers are exported to gpkg.
ENGINE_VECTOR_FORMATS = ["gpkg", "shp", "geojson", "json", "fgb", "sqlite", "gml", "kml"]


#: Group ids in the order of the work: data, eligibility, suitability, potential, grid, profile, accounting.
GROUP_IDS = ("data", "eligibility", "suitability", "potential", "grid", "profile", "accounting")


def group_name(group_id: str) -> str:
    """Translated name of an algorithm group, numbered in the order of the work (:data:`GROUP_IDS`).

    QGIS sorts the toolbox's groups by their names; the leading number keeps them in the order a
    planner works in, in every language ("0 Eingangsdaten", "1 Flächeneignung" …).
    """
    return {"data": tr("0 Input data"), "eligibility": tr("1 Eligibility"), "suitability": tr("2 Suitability"),
            "potential": tr("3 Potential"), "grid": tr("4 Grid"), "profile": tr("5 Energy profile"),
            "accounting": tr("6 Area accounting")}[group_id]


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


def expected_value(definition) -> str:
    """What a parameter takes, in words, for a refusal of its value."""
    kind = definition.type()
    if kind == "number":
        low, high = definition.minimum(), definition.maximum()
        if high < 1e300:
            return tr("a number from {low} to {high}").format(low=f"{low:g}", high=f"{high:g}")
        return tr("a number of at least {low}").format(low=f"{low:g}") if low > -1e300 else tr("a number")
    if kind == "enum":
        return tr("one of: {options}").format(options=", ".join(definition.options()))
    if kind in ("source", "vector", "raster", "multilayer", "layer"):
        return tr("a layer of the project or a file QGIS can open (check the path and the layer name)")
    if kind == "crs":
        return tr("a coordinate reference system, e.g. EPSG:25832")
    if kind == "field":
        return tr("a field of the chosen layer")
    if not definition.flags() & FLAG_OPTIONAL and "destination" not in kind:
        return tr("a value (this parameter is required)")
    return tr("a valid value (see the help of the parameter)")


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

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        """QGIS's check, with a message that names the parameter by its label, the value and what it takes."""
        ok, message = super().checkParameterValues(parameters, context)
        if ok:
            return ok, message
        for definition in self.parameterDefinitions():
            value = parameters.get(definition.name())
            if definition.checkValueIsAcceptable(value, context):
                continue
            return False, tr("“{label}” ({name}): the value “{value}” cannot be used — {expected}.").format(
                label=definition.description(), name=definition.name(),
                value="" if value is None else str(value)[:200], expected=expected_value(definition))
        return ok, message

    def canExecute(self):  # noqa: N802 (QGIS API)
        plan = environment.engine_plan()
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
        plan = environment.engine_plan()
        if plan.where is None:
            raise QgsProcessingException(plan.message)
        if plan.where == "in_process":
            mismatches = environment.library_mismatches()
            if mismatches and feedback is not None:
                push_warning(feedback, environment.library_mismatch_message(mismatches))
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
            return run_job(replace(worker.with_csv_format(job), single_process=not in_main_thread()), progress)
        except JobError as exc:
            raise QgsProcessingException(self.job_error_message(exc)) from exc
        except Cancelled as exc:
            raise QgsProcessingException(tr("The run was cancelled; no output was written.")) from exc
        except InternalError as exc:  # the traceback to the log, a short message to the dialog
            feedback.pushDebugInfo(exc.details)
            raise QgsProcessingException(str(exc)) from exc
        except WipError as exc:
            raise QgsProcessingException(str(exc)) from exc

    def job_error_message(self, error: JobError) -> str:
        """Translated message of an engine refusal (``error.code``, ``error.details``)."""
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
