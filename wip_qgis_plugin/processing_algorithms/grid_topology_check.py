"""Processing algorithm ``wip:gridtopologycheck``: power lines as a checked graph, with a defect report."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorDestination,
)

from ..compat import FIELD_ANY, NUMBER_DOUBLE, SOURCE_ANY_GEOMETRY, SOURCE_LINE, SOURCE_POINT
from ..core.jobs.build import grid_topology_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import add_crs_parameter, field_value, optional_number, working_crs
from .output_styles import attach_style

#: Issue kinds counted in the summary outputs: output name → kinds (core.grid.issues.ISSUE_KINDS).
SUMMARY_KINDS = {
    "DANGLING_ENDS": ("dangling_end",),
    "ISOLATED_COMPONENTS": ("isolated_component",),
    "LINES_WITHOUT_VOLTAGE": ("no_voltage",),
    "SNAPS": ("snapped_endpoint", "snapped_to_substation", "t_junction"),
    "UNATTACHED_SUBSTATIONS": ("substation_not_attached",),
}


class GridTopologyCheck(WipAlgorithm):
    """Clean power lines into a graph by voltage level and report dangling ends, islands and gaps."""

    GROUP_ID = "grid"
    POWER_LINES, VOLTAGE_FIELD = "POWER_LINES", "VOLTAGE_FIELD"
    SUBSTATIONS, SUBSTATION_VOLTAGE_FIELD, SUBSTATION_NAME_FIELD = (
        "SUBSTATIONS", "SUBSTATION_VOLTAGE_FIELD", "SUBSTATION_NAME_FIELD")
    SNAP_TOLERANCE, SUBSTATION_TOLERANCE, CRS = "SNAP_TOLERANCE", "SUBSTATION_TOLERANCE", "CRS"
    OUTPUT_REPORT, OUTPUT_LINES = "OUTPUT_REPORT", "OUTPUT_LINES"
    COMPONENTS, LENGTH_KM = "COMPONENTS", "LENGTH_KM"

    def name(self) -> str:
        return "gridtopologycheck"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Grid topology check")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.POWER_LINES, tr("Power lines [lines, OSM power=line, voltage]"), [SOURCE_ANY_GEOMETRY]))
        self.add_parameter(QgsProcessingParameterField(
            self.VOLTAGE_FIELD, tr("Voltage field (volts, OSM style: 110000;20000)"), defaultValue="voltage",
            parentLayerParameterName=self.POWER_LINES, type=FIELD_ANY, optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SUBSTATIONS, tr("Substations [polygons or points, OSM power=substation]"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.SUBSTATION_VOLTAGE_FIELD, tr("Substation voltage field"), defaultValue="voltage",
            parentLayerParameterName=self.SUBSTATIONS, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterField(
            self.SUBSTATION_NAME_FIELD, tr("Substation name field"), defaultValue="name",
            parentLayerParameterName=self.SUBSTATIONS, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.SNAP_TOLERANCE, tr("Snap tolerance [m]"), type=NUMBER_DOUBLE, minValue=0.0, defaultValue=10.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SUBSTATION_TOLERANCE, tr("Substation tolerance [m] (empty: the snap tolerance)"),
            type=NUMBER_DOUBLE, minValue=0.0, optional=True), advanced=True)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_REPORT, tr("Topology report [points]"), type=SOURCE_POINT))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_LINES, tr("Cleaned power lines [lines]"), type=SOURCE_LINE, optional=True,
            createByDefault=False, defaultValue=None))
        for name, label in (
                ("DANGLING_ENDS", tr("Dangling line ends")), ("ISOLATED_COMPONENTS", tr("Isolated grid parts")),
                ("LINES_WITHOUT_VOLTAGE", tr("Lines without voltage")), ("SNAPS", tr("Line ends snapped")),
                ("UNATTACHED_SUBSTATIONS", tr("Substations without lines")),
                (self.COMPONENTS, tr("Connected grid parts")), (self.LENGTH_KM, tr("Line length [km]"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        report = self.output_path(parameters, self.OUTPUT_REPORT, context, (".gpkg",))
        lines = self.output_path(parameters, self.OUTPUT_LINES, context, (".gpkg",))
        substation_tolerance = optional_number(self, parameters, self.SUBSTATION_TOLERANCE, context)
        result = self.run_engine(grid_topology_job(
            self.layer_ref(parameters, self.POWER_LINES, context, feedback),
            self.layer_ref(parameters, self.SUBSTATIONS, context, feedback), crs,
            settings={
                "snap_tolerance_m": self.parameterAsDouble(parameters, self.SNAP_TOLERANCE, context),
                "substation_tolerance_m": substation_tolerance,
                "voltage_field": field_value(self, parameters, self.VOLTAGE_FIELD, context, "voltage"),
                "substation_voltage_field": field_value(self, parameters, self.SUBSTATION_VOLTAGE_FIELD, context,
                                                        "voltage"),
                "name_field": field_value(self, parameters, self.SUBSTATION_NAME_FIELD, context, "name")},
            report=report, cleaned_lines=lines), feedback)
        summary = result["summary"]
        issues = summary["issues"]
        feedback.pushInfo(tr("{length:.1f} km of lines in {pieces} pieces, {components} connected part(s), "
                             "voltage levels {levels} kV").format(
            length=summary["length_km"], pieces=summary["line_pieces"], components=summary["components"],
            levels=", ".join(f"{v / 1000:g}" for v in summary["levels_v"])))
        for kind, count in issues.items():
            feedback.pushInfo(tr("{kind}: {count}").format(kind=kind, count=count))
        results = {self.OUTPUT_REPORT: str(report), self.OUTPUT_LINES: str(lines) if lines else None,
                   self.COMPONENTS: summary["components"], self.LENGTH_KM: summary["length_km"]}
        for name, kinds in SUMMARY_KINDS.items():
            results[name] = sum(issues.get(k, 0) for k in kinds)
        attach_style(context, results[self.OUTPUT_REPORT], "topology_report")
        attach_style(context, results[self.OUTPUT_LINES], "grid_lines")
        return results
