"""Processing algorithm ``wip:landeligibility``: land eligibility from exclusion criteria."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..compat import NUMBER_DOUBLE, SOURCE_POLYGON, push_warning
from ..core.jobs.build import eligibility_job
from ..i18n import tr
from .base import WipAlgorithm
from .dask_setting import checked_scheduler, dask_scheduler_setting
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
from .output_styles import attach_style
from .roles import parameter_name, raster_role_label, raster_roles


class LandEligibility(WipAlgorithm):
    """Exclude land by a criteria catalogue and report the eligible area per municipality."""

    GROUP_ID = "eligibility"
    PRESET = "PRESET"
    CATALOGUE = "CATALOGUE"
    AOI = "AOI"
    AOI_NAME_FIELD = "AOI_NAME_FIELD"
    AOI_NAMES = "AOI_NAMES"
    SETTLEMENT_SETBACK = SETTLEMENT_SETBACK
    CRITERION_LAYERS = CRITERION_LAYERS
    KINDS = KINDS
    RESOLUTION = "RESOLUTION"
    CRS = "CRS"
    MIN_AREA = "MIN_AREA"
    REQUIRE_ALL = "REQUIRE_ALL"
    LAND_COVER = parameter_name("land_cover")  # the raster of the catalogue's raster criteria (raster: land_cover)
    SOURCES = "SOURCES"
    INVALID_GEOMETRIES = "INVALID_GEOMETRIES"
    INVALID_IDS = ("error", "repair", "skip")
    SCHEDULER = "SCHEDULER"
    OUTPUT_ELIGIBILITY = "OUTPUT_ELIGIBILITY"
    OUTPUT_REASONS = "OUTPUT_REASONS"
    OUTPUT_AREAS = "OUTPUT_AREAS"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    ELIGIBLE_HA = "ELIGIBLE_HA"
    TOTAL_HA = "TOTAL_HA"
    ELIGIBLE_PCT = "ELIGIBLE_PCT"
    KIND_IDS = KIND_IDS
    DEFAULT_PRESET = "wind_sachsen_anhalt"
    #: Minimum patch of the default (wind) preset, as sample_layers/scenario.yaml has it for wind (5 ha); the
    #: scenario's ground PV takes 1 ha: give that for a PV preset (a Processing default cannot follow the preset).
    DEFAULT_MIN_AREA_HA = 5.0

    def name(self) -> str:
        return "landeligibility"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Land eligibility")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_eligibility_input_parameters(self, self.DEFAULT_PRESET)
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.LAND_COVER, raster_role_label("land_cover"), optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.RESOLUTION, tr("Grid resolution [m]"), type=NUMBER_DOUBLE, minValue=1.0,
            defaultValue=10.0))
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterNumber(
            self.MIN_AREA, tr("Minimum area of an eligible patch [ha]"), type=NUMBER_DOUBLE,
            minValue=0.0, defaultValue=self.DEFAULT_MIN_AREA_HA))
        self.add_parameter(QgsProcessingParameterBoolean(
            self.REQUIRE_ALL, tr("Refuse to run if a criterion's layer is missing (otherwise: not assessed)"),
            defaultValue=False, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterEnum(
            self.INVALID_GEOMETRIES, tr("Invalid geometries"),
            options=[tr("refuse"), tr("repair"), tr("leave out")], defaultValue=0, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterString(
            self.SCHEDULER, tr("Dask scheduler for the tiles (empty: this computer)"),
            defaultValue=dask_scheduler_setting() or None, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_ELIGIBILITY, tr("Eligibility raster (1 eligible, 0 excluded)")))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_REASONS, tr("Exclusion reasons raster"), optional=True,
            createByDefault=False))
        # the polygons and the table are what a planner reads first: on in the dialog (a temporary output unless
        # a file is chosen); scripts and qgis_process write them only when given
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_AREAS, tr("Eligible areas [polygons]"), type=SOURCE_POLYGON,
            optional=True, createByDefault=True, defaultValue=None))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Table per municipality (CSV)"),
            fileFilter=tr("CSV files (*.csv)"), optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputNumber(self.ELIGIBLE_HA, tr("Eligible area [ha]")))
        self.addOutput(QgsProcessingOutputNumber(self.TOTAL_HA, tr("Total area [ha]")))
        self.addOutput(QgsProcessingOutputNumber(self.ELIGIBLE_PCT, tr("Eligible share [%]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        given = eligibility_inputs(self, parameters, context, feedback)
        outputs = {
            "eligibility": self.output_path(parameters, self.OUTPUT_ELIGIBILITY, context, (".tif", ".tiff")),
            "reasons": self.output_path(parameters, self.OUTPUT_REASONS, context, (".tif", ".tiff")),
            "polygons": self.output_path(parameters, self.OUTPUT_AREAS, context, (".gpkg",)),
            "table": self.output_path(parameters, self.OUTPUT_TABLE, context, (".csv",))}
        settings = {**self.raster_settings(parameters, context),
                    "resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context),
                    "crs": crs, "kinds": given["kinds"],
                    "min_area_ha": self.parameterAsDouble(parameters, self.MIN_AREA, context),
                    "require_all": self.parameterAsBool(parameters, self.REQUIRE_ALL, context),
                    "invalid_geometries": self.INVALID_IDS[
                        self.parameterAsEnum(parameters, self.INVALID_GEOMETRIES, context)]}
        if given["layer_bindings"]:
            settings["layer_bindings"] = given["layer_bindings"]
        scheduler = checked_scheduler(self.parameterAsString(parameters, self.SCHEDULER, context), local=True)
        if scheduler:  # the tiles as tasks of a Dask cluster (wip eligibility --scheduler/--dask)
            settings["scheduler"] = scheduler
        result = self.run_engine(eligibility_job(
            given["catalogue"], given["layers"], given["aoi"], outputs, settings=settings,
            sources=given["sources"]), feedback)
        for line in (result.get("sources") or {}).get("detected") or []:
            feedback.pushInfo(line)
        for a in result.get("not_assessed") or []:
            push_warning(feedback, tr("Not assessed: criterion “{criterion}” (layer role “{role}”: {reason}).").format(
                criterion=a["criterion"], role=a["role"], reason=a["reason"]))
        for m in result["municipalities"]:
            feedback.pushInfo(tr("{name}: {eligible:.1f} ha eligible of {total:.1f} ha ({pct:.2f} %)")
                              .format(name=m["name"], eligible=m["eligible_ha"], total=m["total_ha"],
                                      pct=m["eligible_pct"]))
        written = result["outputs"]
        eligible_ha, total_ha = float(result["eligible_ha"]), float(result["total_ha"])
        results = {
            self.OUTPUT_ELIGIBILITY: written["eligibility"],
            self.OUTPUT_REASONS: written["reasons"],
            self.OUTPUT_AREAS: written["polygons"],
            self.OUTPUT_TABLE: written["table"],
            self.ELIGIBLE_HA: eligible_ha, self.TOTAL_HA: total_ha,
            self.ELIGIBLE_PCT: 100.0 * eligible_ha / total_ha if total_ha else 0.0,
        }
        for key, style in ((self.OUTPUT_ELIGIBILITY, "eligibility"), (self.OUTPUT_REASONS, "reasons"),
                           (self.OUTPUT_AREAS, "eligible_areas")):
            attach_style(context, results[key], style)
        return results

    def raster_settings(self, parameters, context) -> dict:
        """``{"rasters": {"land_cover": {"path": …}}}`` when the land-cover raster is given (as ``--raster``)."""
        rasters = raster_roles(self, parameters, context, ("land_cover",))
        return {"rasters": {role: {"path": path} for role, path in rasters.items()}} if rasters else {}
