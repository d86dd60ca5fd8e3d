"""Processing algorithm ``wip:batchprofile``: a scenario's chain up to the profile for many municipalities.

The same ``batch`` job as ``wip batch`` (``core/jobs/build.batch_job``): one folder per municipality, an
overview table and map, resumable (a second run into the same folder keeps the finished municipalities). The
municipalities run on the Dask scheduler of the parameter SCHEDULER (default: the QGIS setting
``wip/dask_scheduler``), or, without one, one after the other. Either way the job runs in an engine process of
its own (``worker.py``), never in a QGIS thread: a batch takes hours, a Dask client starts threads of its own,
and the forked tile workers of the engine must not be forked from QGIS.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProject,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from .. import worker
from ..compat import NUMBER_DOUBLE, SOURCE_POLYGON, push_warning
from ..core.errors import Cancelled, InternalError, WipError
from ..core.jobs.build import batch_job
from ..core.jobs.protocol import JobError
from ..feedback import FeedbackProgress
from ..i18n import tr
from ..panel_run import engine_command
from .base import WipAlgorithm, in_main_thread
from .dask_setting import KEY_DASK_SCHEDULER, checked_scheduler, dask_scheduler_setting  # noqa: F401

class BatchProfile(WipAlgorithm):
    """Energy profiles of many municipalities: `wip batch` as an algorithm."""

    GROUP_ID = "profile"
    SCENARIO, MUNICIPALITIES, NAME_FIELD, ID_FIELD, WHERE = "SCENARIO", "MUNICIPALITIES", "NAME_FIELD", "ID_FIELD", \
        "WHERE"
    RESOLUTION, SCHEDULER, OUTPUT_FOLDER = "RESOLUTION", "SCHEDULER", "OUTPUT_FOLDER"
    OVERVIEW, OVERVIEW_MAP, N_DONE, N_KEPT, N_FAILED = "OVERVIEW", "OVERVIEW_MAP", "N_DONE", "N_KEPT", "N_FAILED"

    def name(self) -> str:
        return "batchprofile"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Energy profiles of many municipalities")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFile(
            self.SCENARIO, tr("Scenario file"), extension="yaml"))
        project_scenario = Path(QgsProject.instance().homePath() or ".") / "scenario.yaml"
        if in_main_thread() and QgsProject.instance().homePath() and project_scenario.is_file():
            # the dialog starts with the open project's scenario.yaml (scripts still have to name it)
            self.parameterDefinition(self.SCENARIO).setGuiDefaultValueOverride(str(project_scenario))
        self.add_parameter(QgsProcessingParameterVectorLayer(
            self.MUNICIPALITIES, tr("Municipalities (default: the scenario's area of interest)"),
            [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.NAME_FIELD, tr("Name field"), parentLayerParameterName=self.MUNICIPALITIES, optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.ID_FIELD, tr("Key field (e.g. AGS)"), parentLayerParameterName=self.MUNICIPALITIES, optional=True))
        self.add_parameter(QgsProcessingParameterString(
            self.WHERE, tr("Selection (OGR SQL condition)"), optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.RESOLUTION, tr("Grid resolution [m] (default: the scenario's)"),
            NUMBER_DOUBLE, optional=True, minValue=1.0), advanced=True)
        scheduler = QgsProcessingParameterString(self.SCHEDULER, tr("Dask scheduler (empty: one after the other)"),
                                                 defaultValue=dask_scheduler_setting() or None, optional=True)
        self.add_parameter(scheduler)
        self.add_parameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Batch folder")))
        self.addOutput(QgsProcessingOutputFile(self.OVERVIEW, tr("Overview table")))
        self.addOutput(QgsProcessingOutputVectorLayer(self.OVERVIEW_MAP, tr("Overview map")))
        self.addOutput(QgsProcessingOutputNumber(self.N_DONE, tr("Municipalities computed")))
        self.addOutput(QgsProcessingOutputNumber(self.N_KEPT, tr("Municipalities kept from an earlier run")))
        self.addOutput(QgsProcessingOutputNumber(self.N_FAILED, tr("Municipalities failed")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        scenario = self.parameterAsFile(parameters, self.SCENARIO, context)
        if not scenario or not Path(scenario).is_file():
            raise QgsProcessingException(tr("Choose the scenario file (.yaml)."))
        out_dir = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        out_dir = self.parameterAsFileOutput(parameters, self.OUTPUT_FOLDER, context) or out_dir
        scheduler = checked_scheduler(self.parameterAsString(parameters, self.SCHEDULER, context))
        resolution = parameters.get(self.RESOLUTION)
        settings = {
            "municipalities": self.layer_ref(parameters, self.MUNICIPALITIES, context, feedback),
            "name_field": self.parameterAsString(parameters, self.NAME_FIELD, context) or None,
            "id_field": self.parameterAsString(parameters, self.ID_FIELD, context) or None,
            "where": (self.parameterAsString(parameters, self.WHERE, context) or "").strip() or None,
            "resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context)
            if resolution not in (None, "") else None,
        }
        job = batch_job(scenario, str(Path(out_dir).resolve()), settings, scheduler or None)
        result = self.run_batch(job, feedback)
        for row in result["municipalities"]:
            if row["status"] == "failed":
                push_warning(feedback, tr("{name}: failed ({error}); run the algorithm again into the same folder "
                                          "to retry it.").format(name=row["name"], error=row["error"]))
        project = context.project()
        if project is not None and result.get("overview_map"):
            name = tr("Energy profiles (batch)")
            context.addLayerToLoadOnCompletion(f"{result['overview_map']}|layername=municipalities",
                                               QgsProcessingContext.LayerDetails(name, project, name))
        return {self.OUTPUT_FOLDER: result["out_dir"], self.OVERVIEW: result.get("overview"),
                self.OVERVIEW_MAP: result.get("overview_map"), self.N_DONE: result["done"],
                self.N_KEPT: result["skipped"], self.N_FAILED: result["failed"]}

    def run_batch(self, job, feedback) -> dict:
        """Run the batch job in an engine process of its own (never in a QGIS thread); returns its result."""
        progress = FeedbackProgress(feedback)
        try:
            command = engine_command()
            progress.info(tr("Running the batch in the engine Python {python}").format(python=command.python))
            return worker.run_in_worker(job, progress, command.python, extra_path=command.extra_path)
        except JobError as exc:
            raise QgsProcessingException(self.job_error_message(exc)) from exc
        except Cancelled as exc:
            raise QgsProcessingException(tr("The batch was cancelled; finished municipalities are kept, run it "
                                            "again to go on.")) from exc
        except InternalError as exc:
            feedback.pushDebugInfo(exc.details)
            raise QgsProcessingException(str(exc)) from exc
        except WipError as exc:
            raise QgsProcessingException(str(exc)) from exc


