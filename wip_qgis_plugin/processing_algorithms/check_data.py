"""Processing algorithm ``wip:checkdata`` ("Eingangsdaten prüfen"): the data check of an eligibility run.

The same inputs as "Land eligibility"; the engine's ``check_data`` job (core/eligibility/check.py)
counts the features each criterion would read and select within reach, names the criteria that would
not be assessed and warns of silent mismatches (``building=yes``, near-miss tag values, missing CRS …).
The table goes to the log and to a CSV, in the language of the QGIS interface.
"""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..compat import NUMBER_DOUBLE, push_warning
from ..core.eligibility.check_text import table_lines  # standard library only: fine where the engine is missing
from ..core.jobs.build import check_data_job
from ..i18n import tr, ui_language
from .base import WipAlgorithm
from .inputs import (
    add_aoi_parameters,
    add_catalogue_parameters,
    add_crs_parameter,
    add_sources_parameter,
    area_of_interest,
    catalogue_spec,
    source_list,
    working_crs,
)
from .roles import add_role_parameters, role_layers


class CheckData(WipAlgorithm):
    """Check the input layers against a criteria catalogue before computing the eligibility."""

    GROUP_ID = "data"
    PRESET = "PRESET"
    CATALOGUE = "CATALOGUE"
    AOI = "AOI"
    AOI_NAME_FIELD = "AOI_NAME_FIELD"
    AOI_NAMES = "AOI_NAMES"
    SOURCES = "SOURCES"
    SETTLEMENT_SETBACK = "SETTLEMENT_SETBACK"
    KINDS = "KINDS"
    CRS = "CRS"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    WARNINGS = "WARNINGS"
    NOT_ASSESSED = "NOT_ASSESSED"
    KIND_IDS = ("hard", "soft", "case_by_case")
    DEFAULT_PRESET = "wind_sachsen_anhalt"

    def name(self) -> str:
        return "checkdata"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Check input data")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_catalogue_parameters(self, self.DEFAULT_PRESET)
        add_aoi_parameters(self, optional=True)  # without it: the municipalities of an OSM source
        add_sources_parameter(self, self.SOURCES)
        add_role_parameters(self)
        self.add_parameter(QgsProcessingParameterEnum(
            self.KINDS, tr("Criteria kinds to exclude"),
            options=[tr("hard"), tr("soft"), tr("case by case")], allowMultiple=True,
            defaultValue=[0, 1]))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SETTLEMENT_SETBACK, tr("Setback to settlements [m] (replaces the preset's)"),
            type=NUMBER_DOUBLE, minValue=0.0, optional=True), advanced=True)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Data check table (CSV)"), fileFilter=tr("CSV files (*.csv)")))
        self.addOutput(QgsProcessingOutputNumber(self.WARNINGS, tr("Number of warnings")))
        self.addOutput(QgsProcessingOutputNumber(self.NOT_ASSESSED, tr("Criteria that would not be assessed")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        kinds = [self.KIND_IDS[i] for i in self.parameterAsEnums(parameters, self.KINDS, context)]
        if not kinds:
            raise QgsProcessingException(tr("Choose at least one kind of criteria to exclude."))
        tag_buffers = {}
        if parameters.get(self.SETTLEMENT_SETBACK) not in (None, ""):
            tag_buffers["settlement_setback"] = self.parameterAsDouble(parameters, self.SETTLEMENT_SETBACK, context)
        language = "de" if ui_language() == "de" else "en"
        table = self.output_path(parameters, self.OUTPUT_TABLE, context, (".csv",))
        sources = source_list(self, parameters, self.SOURCES, context, feedback)
        aoi = area_of_interest(self, parameters, context, feedback)
        if aoi is None and not sources:
            raise QgsProcessingException(tr(
                "Give the area of interest “{label}” (AOI), or a data source with administrative boundaries "
                "(an OSM file or layer).").format(label=self.parameterDefinition(self.AOI).description()))
        if aoi is None:
            names = self.parameterAsString(parameters, self.AOI_NAMES, context)
            aoi = {"name_field": self.parameterAsString(parameters, self.AOI_NAME_FIELD, context) or "name",
                   "names": [n.strip() for n in names.split(",") if n.strip()]}
        result = self.run_engine(check_data_job(
            catalogue_spec(self, parameters, context, tag_buffers=tag_buffers),
            role_layers(self, parameters, context, feedback), aoi, {"table": table}, {"crs": crs, "kinds": kinds},
            sources=sources, language=language), feedback)
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
