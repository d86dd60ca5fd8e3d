"""Processing algorithm ``wip:planareaaccounting``: a regional plan's designated wind areas per municipality."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
)

from ..compat import SOURCE_POLYGON
from ..core.jobs.build import plan_areas_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import (
    add_aoi_parameters,
    add_crs_parameter,
    add_reference_turbine_parameters,
    area_of_interest,
    reference_turbine,
    working_crs,
)
from .roles import raster_path


class PlanAreaAccounting(WipAlgorithm):
    """Designated wind areas of a regional plan against the WindBG targets, and against the eligible land."""

    GROUP_ID = "accounting"
    AOI, AOI_NAME_FIELD, AOI_ID_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_ID_FIELD", "AOI_NAMES"
    PLAN_AREAS, REASONS, LAND, CRS = "PLAN_AREAS", "REASONS", "LAND", "CRS"
    ROTOR_IN, HUB_HEIGHT, ROTOR_DIAMETER, TOWER_FOOT_RADIUS = "ROTOR_IN", "HUB_HEIGHT", "ROTOR_DIAMETER", \
        "TOWER_FOOT_RADIUS"
    OUTPUT_TABLE, OUTPUT_CRITERIA = "OUTPUT_TABLE", "OUTPUT_CRITERIA"
    DESIGNATED_HA, COUNTED_PCT, OUTSIDE_ELIGIBLE_HA = "DESIGNATED_HA", "COUNTED_PCT", "OUTSIDE_ELIGIBLE_HA"
    LAND_IDS = (None, "ST", "SN", "TH", "BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL")

    def name(self) -> str:
        return "planareaaccounting"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Designated wind areas of a plan")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.PLAN_AREAS, tr("Designated wind areas of the plan [polygons] (Vorranggebiete, Windenergiegebiete)"),
            [SOURCE_POLYGON]))
        add_aoi_parameters(self, id_field=True)
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.REASONS, tr("Exclusion reasons raster of a wind eligibility run (optional: which criteria exclude "
                             "designated land)"), optional=True))
        self.add_parameter(QgsProcessingParameterEnum(
            self.LAND, tr("Land, where the municipality key (AGS) does not tell"),
            options=[tr("from the AGS")] + list(self.LAND_IDS[1:]), defaultValue=0, optional=True), advanced=True)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.ROTOR_IN, tr("The plan requires the rotor inside its areas (rotor-in, WindBG § 4)"),
            defaultValue=False))
        add_reference_turbine_parameters(self, advanced=True)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Designated areas per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)")))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_CRITERIA, tr("Designated land excluded per criterion (CSV)"),
            fileFilter=tr("CSV files (*.csv)"), optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.DESIGNATED_HA, tr("Designated area [ha]")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNTED_PCT, tr("Counted share of the area [%]")))
        self.addOutput(QgsProcessingOutputNumber(self.OUTSIDE_ELIGIBLE_HA,
                                                 tr("Designated area outside the eligible land [ha]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        rotor_in = self.parameterAsBoolean(parameters, self.ROTOR_IN, context)
        turbine = reference_turbine(self, parameters, context)
        reasons = raster_path(self, parameters, self.REASONS, context)
        table = self.output_path(parameters, self.OUTPUT_TABLE, context, (".csv",))
        criteria = self.output_path(parameters, self.OUTPUT_CRITERIA, context, (".csv",)) if reasons else None
        settings = {"crs": working_crs(self, parameters, context), "rotor_in": rotor_in,
                    "turbine": turbine if rotor_in else None,
                    "tower_foot_radius_m": self.parameterAsDouble(parameters, self.TOWER_FOOT_RADIUS, context),
                    "land": self.LAND_IDS[self.parameterAsEnum(parameters, self.LAND, context)]}
        result = self.run_engine(plan_areas_job(
            self.layer_ref(parameters, self.PLAN_AREAS, context, feedback),
            area_of_interest(self, parameters, context, feedback),
            {"table": str(table), "criteria_table": str(criteria) if criteria else None}, settings, reasons), feedback)
        for row in (*result["rows"], result["total"]):
            feedback.pushInfo(tr("{name}: {designated:.1f} ha designated, {counted:.1f} ha counted = {pct:.2f} % "
                                 "(target {t27:g} % 2027, {t32:g} % 2032)").format(
                name=row["name"], designated=row["designated_ha"], counted=row["counted_ha"],
                pct=row["counted_pct"], t27=row["target_2027_pct"], t32=row["target_2032_pct"]))
        for criterion, ha in sorted(result["excluded_by"].items(), key=lambda kv: -kv[1]):
            if ha > 0:
                feedback.pushInfo(tr("Designated land excluded by “{criterion}”: {ha:.1f} ha").format(
                    criterion=criterion, ha=ha))
        total = result["total"]
        return {self.OUTPUT_TABLE: str(table), self.OUTPUT_CRITERIA: str(criteria) if criteria else None,
                self.DESIGNATED_HA: total["designated_ha"], self.COUNTED_PCT: total["counted_pct"],
                self.OUTSIDE_ELIGIBLE_HA: total["outside_eligible_ha"] if total["outside_eligible_ha"] is not None
                else 0.0}
