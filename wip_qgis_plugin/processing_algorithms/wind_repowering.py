"""Processing algorithm ``wip:windrepowering``: old turbines that repowering replaces and the new ones in their place."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorDestination,
)

from ..compat import NUMBER_DOUBLE, NUMBER_INTEGER, SOURCE_POINT, SOURCE_POLYGON
from ..core.jobs.build import repowering_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import (
    add_crs_parameter,
    add_resource_parameters,
    add_turbine_parameters,
    optional_number,
    resource_inputs,
    turbine_spec,
    working_crs,
)
from .output_styles import attach_style


class WindRepowering(WipAlgorithm):
    """Existing turbines old enough for repowering, the new turbines that replace them (§ 16b BImSchG, the plan's
    repowering areas) and the balance of energy before and after."""

    GROUP_ID = "potential"
    EXISTING, TURBINES, ELIGIBLE_AREAS = "EXISTING", "TURBINES", "ELIGIBLE_AREAS"
    PLAN_AREAS, MUNICIPALITIES = "PLAN_AREAS", "MUNICIPALITIES"
    YEAR, MIN_AGE, ZONE_H, OLD_FULL_LOAD_HOURS = "YEAR", "MIN_AGE", "ZONE_H", "OLD_FULL_LOAD_HOURS"
    TURBINE, TURBINE_FILE, HUB_HEIGHT = "TURBINE", "TURBINE_FILE", "HUB_HEIGHT"
    ROTOR_IN, SPACING_ALONG, SPACING_ACROSS, OBJECTIVE = "ROTOR_IN", "SPACING_ALONG", "SPACING_ACROSS", "OBJECTIVE"
    WIND_SPEED_100M, WIND_SPEED_150M, DEM = "WIND_SPEED_100M", "WIND_SPEED_150M", "DEM"
    LANDUSE, WATER, WEIBULL_K, WEATHER = "LANDUSE", "WATER", "WEIBULL_K", "WEATHER"
    WEIBULL_K_RASTER = "WEIBULL_K_RASTER"
    AVAILABILITY_LOSS, ELECTRICAL_LOSS, OTHER_LOSS = "AVAILABILITY_LOSS", "ELECTRICAL_LOSS", "OTHER_LOSS"
    CRS = "CRS"
    OUTPUT_OLD, OUTPUT_TURBINES, OUTPUT_TABLE = "OUTPUT_OLD", "OUTPUT_TURBINES", "OUTPUT_TABLE"
    N_CANDIDATES, N_REPLACED, N_NEW = "N_CANDIDATES", "N_REPLACED", "N_NEW"
    OLD_GWH, NEW_GWH = "OLD_GWH", "NEW_GWH"
    OBJECTIVES = ("count", "energy")

    def name(self) -> str:
        return "windrepowering"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Repowering")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.EXISTING, tr("Existing turbines [points] (commissioning year, hub height, rotor, rated power)"),
            [SOURCE_POINT]))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.TURBINES, tr("New turbines [points] (a layout; empty: place a replacement layout)"), [SOURCE_POINT],
            optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.ELIGIBLE_AREAS, tr("Eligible wind areas [polygons] (the replacement layout stands on them)"),
            [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.PLAN_AREAS, tr("Repowering areas of the plan [polygons]"), [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.MUNICIPALITIES, tr("Municipalities [polygons, field name] (the balance per municipality)"),
            [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.YEAR, tr("Year of the assessment [-] (empty: this year)"), type=NUMBER_INTEGER, minValue=1950,
            maxValue=2100, optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.MIN_AGE, tr("Age from which an existing turbine is a candidate [a]"), type=NUMBER_DOUBLE,
            minValue=0.0, defaultValue=20.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.ZONE_H, tr("Replacement zone, in total heights of the new turbine [-]"), type=NUMBER_DOUBLE,
            minValue=0.1, defaultValue=5.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.OLD_FULL_LOAD_HOURS, tr("Full-load hours of the old turbines [h/a]"), type=NUMBER_DOUBLE,
            minValue=1.0, maxValue=8759.0, defaultValue=1630.0), advanced=True)
        add_turbine_parameters(self)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.ROTOR_IN, tr("Rotor-in: the whole rotor inside the eligible area"), defaultValue=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SPACING_ALONG, tr("Spacing along the main wind direction, in rotor diameters [-]"), type=NUMBER_DOUBLE,
            minValue=1.0, defaultValue=5.0), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.SPACING_ACROSS, tr("Spacing across the main wind direction, in rotor diameters [-]"),
            type=NUMBER_DOUBLE, minValue=1.0, defaultValue=3.0), advanced=True)
        self.add_parameter(QgsProcessingParameterEnum(
            self.OBJECTIVE, tr("Maximise"), options=[tr("number of turbines"), tr("energy")], defaultValue=0),
            advanced=True)
        add_resource_parameters(self)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_OLD, tr("Existing turbines with their repowering status [points]"), type=SOURCE_POINT))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_TURBINES, tr("New turbines with their repowering rule [points]"), type=SOURCE_POINT))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Balance per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True))
        for name, label in ((self.N_CANDIDATES, tr("Repowering candidates")),
                            (self.N_REPLACED, tr("Old turbines replaced")),
                            (self.N_NEW, tr("New repowering turbines")),
                            (self.OLD_GWH, tr("Energy of the old turbines replaced [GWh/a]")),
                            (self.NEW_GWH, tr("Energy of the new repowering turbines [GWh/a]"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        new = self.layer_ref(parameters, self.TURBINES, context, feedback)
        areas = self.layer_ref(parameters, self.ELIGIBLE_AREAS, context, feedback)
        if bool(new) == bool(areas):
            raise QgsProcessingException(tr(
                "Give either the new turbines (a layout) or the eligible wind areas to place a replacement layout "
                "on, one of the two."))
        crs = working_crs(self, parameters, context)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_OLD, (".gpkg",)), (self.OUTPUT_TURBINES, (".gpkg",)), (self.OUTPUT_TABLE, (".csv",)))}
        year = optional_number(self, parameters, self.YEAR, context)
        settings = {"crs": crs, "reference_year": None if year is None else int(year),
                    "min_age_years": self.parameterAsDouble(parameters, self.MIN_AGE, context),
                    "zone_h": self.parameterAsDouble(parameters, self.ZONE_H, context),
                    "old_full_load_hours": self.parameterAsDouble(parameters, self.OLD_FULL_LOAD_HOURS, context)}
        placement = None
        if areas:
            turbine, hub = turbine_spec(self, parameters, context)
            rasters, layers, resource, losses = resource_inputs(self, parameters, context, feedback)
            placement = {"eligible_areas": areas, "turbine": turbine, "rasters": rasters, "layers": layers,
                         "settings": {
                             "crs": crs, "hub_height_m": hub,
                             "rotor_in": self.parameterAsBoolean(parameters, self.ROTOR_IN, context),
                             "spacing_along_d": self.parameterAsDouble(parameters, self.SPACING_ALONG, context),
                             "spacing_across_d": self.parameterAsDouble(parameters, self.SPACING_ACROSS, context),
                             "objective": self.OBJECTIVES[self.parameterAsEnum(parameters, self.OBJECTIVE, context)],
                             "resolution_m": 50.0, "losses": losses, "resource": resource}}
        result = self.run_engine(repowering_job(
            self.layer_ref(parameters, self.EXISTING, context, feedback), new or None,
            {"old_turbines": out[self.OUTPUT_OLD], "table": out[self.OUTPUT_TABLE],
             "turbines": out[self.OUTPUT_TURBINES]}, settings,
            self.layer_ref(parameters, self.MUNICIPALITIES, context, feedback),
            self.layer_ref(parameters, self.PLAN_AREAS, context, feedback), placement), feedback)
        feedback.pushInfo(tr(
            "{n} old turbines ({mw:.1f} MW, {gwh:.1f} GWh/a) replaced by {k} new ones ({new_mw:.1f} MW, "
            "{new_gwh:.1f} GWh/a): {zone} within the zone, {plan} by the plan's repowering areas").format(
            n=result["n_replaced"], mw=result["old_mw"], gwh=result["old_mwh_per_a"] / 1000.0, k=result["n_new"],
            new_mw=result["new_mw"], new_gwh=result["new_mwh_per_a"] / 1000.0, zone=result["n_new_16b"],
            plan=result["n_new_plan_area"]))
        for row in result["rows"]:
            feedback.pushInfo(tr("{name}: {old} old turbines ({old_gwh:.1f} GWh/a) → {new} new ({new_gwh:.1f} "
                                 "GWh/a)").format(name=row["municipality"], old=row["old_replaced"],
                                                  old_gwh=row["old_mwh_per_a"] / 1000.0, new=row["new_turbines"],
                                                  new_gwh=row["new_mwh_per_a"] / 1000.0))
        results = {key: str(path) if path else None for key, path in out.items()}
        attach_style(context, results[self.OUTPUT_OLD], "repowering_old")
        attach_style(context, results[self.OUTPUT_TURBINES], "repowering_turbines")
        results.update({self.N_CANDIDATES: result["n_candidates"], self.N_REPLACED: result["n_replaced"],
                        self.N_NEW: result["n_new"], self.OLD_GWH: result["old_mwh_per_a"] / 1000.0,
                        self.NEW_GWH: result["new_mwh_per_a"] / 1000.0})
        return results
