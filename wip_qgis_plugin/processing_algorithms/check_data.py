"""Processing algorithm ``wip:checkdata`` ("Eingangsdaten prüfen"): the data check of an eligibility run.

The same inputs as "Land eligibility"; the engine's ``check_data`` job (core/eligibility/check.py)
counts the features each criterion would read and select within reach, names the criteria that would
not be assessed and warns of silent mismatches (``building=yes``, near-miss tag values, missing CRS …).
The table goes to the log and to a CSV, in the language of the QGIS interface.
"""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
)

from ..compat import push_warning
from ..core.eligibility.check_text import table_lines  # standard library only: fine where the engine is missing
from ..core.jobs.build import check_data_job
from ..i18n import tr, ui_language
from .base import WipAlgorithm
from .inputs import (
    CRITERION_LAYERS,
    KIND_IDS,
    KINDS,
    SETTLEMENT_SETBACK,
    add_crs_parameter,
    add_eligibility_input_parameters,
    eligibility_inputs,
    working_crs,
)


class CheckData(WipAlgorithm):
    """Check the input layers against a criteria catalogue before computing the eligibility."""

    GROUP_ID = "data"
    PRESET = "PRESET"
    CATALOGUE = "CATALOGUE"
    AOI = "AOI"
    AOI_NAME_FIELD = "AOI_NAME_FIELD"
    AOI_NAMES = "AOI_NAMES"
    SOURCES = "SOURCES"
    SETTLEMENT_SETBACK = SETTLEMENT_SETBACK
    CRITERION_LAYERS = CRITERION_LAYERS
    KINDS = KINDS
    CRS = "CRS"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    WARNINGS = "WARNINGS"
    NOT_ASSESSED = "NOT_ASSESSED"
    KIND_IDS = KIND_IDS
    DEFAULT_PRESET = "wind_sachsen_anhalt"

    def name(self) -> str:
        return "checkdata"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Check input data")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_eligibility_input_parameters(self, self.DEFAULT_PRESET)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Data check table (CSV)"), fileFilter=tr("CSV files (*.csv)")))
        self.addOutput(QgsProcessingOutputNumber(self.WARNINGS, tr("Number of warnings")))
        self.addOutput(QgsProcessingOutputNumber(self.NOT_ASSESSED, tr("Criteria that would not be assessed")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        given = eligibility_inputs(self, parameters, context, feedback)
        language = "de" if ui_language() == "de" else "en"
        table = self.output_path(parameters, self.OUTPUT_TABLE, context, (".csv",))
        settings = {"crs": crs, "kinds": given["kinds"]}
        if given["layer_bindings"]:
            settings["layer_bindings"] = given["layer_bindings"]
        result = self.run_engine(check_data_job(
            given["catalogue"], given["layers"], given["aoi"], {"table": table}, settings,
            sources=given["sources"], language=language), feedback)
        for line in (result.get("sources") or {}).get("detected") or []:
            feedback.pushInfo(line)
        lines = table_lines(result, language)
        for line in lines:
            feedback.pushInfo(line)
        for w in result["warnings"]:
            push_warning(feedback, w["messages"][language])
        not_assessed = sum(1 for c in result["criteria"] if c["status"] == "not_assessed")
        return {self.OUTPUT_TABLE: result["table"], self.WARNINGS: len(result["warnings"]),
                self.NOT_ASSESSED: not_assessed}
