"""Processing algorithm ``wip:turbinelayout``: turbines in eligible areas, energy, wake losses, totals."""
from __future__ import annotations

import math

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorDestination,
)

from ..compat import NUMBER_DOUBLE, SOURCE_ANY_GEOMETRY, SOURCE_POINT, SOURCE_POLYGON
from ..core.jobs.build import turbine_layout_job
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


class TurbineLayout(WipAlgorithm):
    """Place turbines in eligible areas with elliptical spacing; energy, wake losses, totals."""

    GROUP_ID = "potential"
    TURBINE, TURBINE_FILE, HUB_HEIGHT = "TURBINE", "TURBINE_FILE", "HUB_HEIGHT"
    ELIGIBLE_AREAS, BUILDINGS, CRS = "ELIGIBLE_AREAS", "BUILDINGS", "CRS"
    WIND_SPEED_100M, WIND_SPEED_150M, DEM = "WIND_SPEED_100M", "WIND_SPEED_150M", "DEM"
    LANDUSE, WATER, WEIBULL_K, WEATHER = "LANDUSE", "WATER", "WEIBULL_K", "WEATHER"
    WEIBULL_K_RASTER = "WEIBULL_K_RASTER"
    AVAILABILITY_LOSS, ELECTRICAL_LOSS, OTHER_LOSS = "AVAILABILITY_LOSS", "ELECTRICAL_LOSS", "OTHER_LOSS"
    ROTOR_IN, SPACING_ALONG, SPACING_ACROSS = "ROTOR_IN", "SPACING_ALONG", "SPACING_ACROSS"
    MAIN_DIRECTION, OBJECTIVE, WAKE_MODEL = "MAIN_DIRECTION", "OBJECTIVE", "WAKE_MODEL"
    OUTPUT_TURBINES, OUTPUT_SITES_TABLE = "OUTPUT_TURBINES", "OUTPUT_SITES_TABLE"
    OUTPUT_MUNICIPALITIES_TABLE, OUTPUT_SITES = "OUTPUT_MUNICIPALITIES_TABLE", "OUTPUT_SITES"
    N_TURBINES, CAPACITY_MW, ENERGY_GWH, WAKE_LOSS_PCT = "N_TURBINES", "CAPACITY_MW", "ENERGY_GWH", "WAKE_LOSS_PCT"
    OBJECTIVES = ("count", "energy")
    WAKE_MODELS = ("jensen", "dena_mean", "knorr_mean")  # core.wind.wakes.WAKE_MODELS (a test compares them)

    def name(self) -> str:
        return "turbinelayout"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Turbine layout")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.ELIGIBLE_AREAS, tr("Eligible wind areas [polygons] (from Land eligibility)"), [SOURCE_POLYGON]))
        add_turbine_parameters(self)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.ROTOR_IN, tr("Rotor-in: the whole rotor inside the eligible area"), defaultValue=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SPACING_ALONG, tr("Spacing along the main wind direction, in rotor diameters [-]"), type=NUMBER_DOUBLE,
            minValue=1.0, defaultValue=5.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SPACING_ACROSS, tr("Spacing across the main wind direction, in rotor diameters [-]"),
            type=NUMBER_DOUBLE, minValue=1.0, defaultValue=3.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.MAIN_DIRECTION, tr("Main wind direction, clockwise from north [°] (empty: from the weather)"),
            type=NUMBER_DOUBLE, minValue=0.0, maxValue=360.0, optional=True))
        self.add_parameter(QgsProcessingParameterEnum(
            self.OBJECTIVE, tr("Maximise"), options=[tr("number of turbines"), tr("energy")], defaultValue=0))
        self.add_parameter(QgsProcessingParameterEnum(
            self.WAKE_MODEL, tr("Wake model"), options=[
                tr("Jensen (layout geometry, wind directions)"), tr("dena wind-farm efficiency curve (windpowerlib)"),
                tr("Knorr wind-farm efficiency curve (windpowerlib)")], defaultValue=0), advanced=True)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.BUILDINGS, tr("Buildings [polygons or points, OSM building=*] (distance to the nearest house)"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        add_resource_parameters(self)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_TURBINES, tr("Turbines [points]"), type=SOURCE_POINT))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_SITES, tr("Eligible areas with layout totals [polygons]"), type=SOURCE_POLYGON, optional=True,
            createByDefault=False))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_SITES_TABLE, tr("Totals per eligible area (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_MUNICIPALITIES_TABLE, tr("Totals per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True))
        for name, label in ((self.N_TURBINES, tr("Number of turbines")), (self.CAPACITY_MW, tr("Capacity [MW]")),
                            (self.ENERGY_GWH, tr("Net annual energy [GWh/a]")),
                            (self.WAKE_LOSS_PCT, tr("Wake loss [%]"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_TURBINES, (".gpkg",)), (self.OUTPUT_SITES_TABLE, (".csv",)),
            (self.OUTPUT_MUNICIPALITIES_TABLE, (".csv",)), (self.OUTPUT_SITES, (".gpkg",)))}
        turbine, hub = turbine_spec(self, parameters, context)
        rasters, layers, resource, losses = resource_inputs(self, parameters, context, feedback)
        buildings = self.layer_ref(parameters, self.BUILDINGS, context, feedback)
        if buildings:
            layers["buildings"] = buildings
        direction = optional_number(self, parameters, self.MAIN_DIRECTION, context)
        result = self.run_engine(turbine_layout_job(
            turbine, self.layer_ref(parameters, self.ELIGIBLE_AREAS, context, feedback), rasters, layers,
            outputs={"turbines": out[self.OUTPUT_TURBINES], "sites_table": out[self.OUTPUT_SITES_TABLE],
                     "municipalities_table": out[self.OUTPUT_MUNICIPALITIES_TABLE], "sites": out[self.OUTPUT_SITES]},
            settings={"crs": crs, "hub_height_m": hub,
                      "rotor_in": self.parameterAsBoolean(parameters, self.ROTOR_IN, context),
                      "spacing_along_d": self.parameterAsDouble(parameters, self.SPACING_ALONG, context),
                      "spacing_across_d": self.parameterAsDouble(parameters, self.SPACING_ACROSS, context),
                      "main_direction_deg": direction,
                      "objective": self.OBJECTIVES[self.parameterAsEnum(parameters, self.OBJECTIVE, context)],
                      "wake_model": self.WAKE_MODELS[self.parameterAsEnum(parameters, self.WAKE_MODEL, context)],
                      "losses": losses, "resource": resource}), feedback)
        feedback.pushInfo(tr("{n} turbines ({turbine}), {mw:.1f} MW, {gwh:.1f} GWh/a net, {flh:.0f} full-load hours, "
                             "wake loss {wake:.1f} %, main wind direction {direction:.0f}°").format(
            n=result["n_turbines"], turbine=result["turbine"], mw=result["capacity_mw"],
            gwh=result["energy_mwh_per_a"] / 1000.0, flh=result["full_load_hours"], wake=result["wake_loss_pct"],
            direction=math.nan if result["main_direction_deg"] is None else result["main_direction_deg"]))  # 0 ha
        for m in result["municipalities"]:
            feedback.pushInfo(tr("{name}: {n} turbines, {mw:.1f} MW, {gwh:.1f} GWh/a").format(
                name=m["municipality"], n=m["n_turbines"], mw=m["capacity_mw"], gwh=m["energy_mwh_per_a"] / 1000.0))
        results = {key: str(path) if path else None for key, path in out.items()}
        attach_style(context, results[self.OUTPUT_TURBINES], "wind_turbines")
        results.update({self.N_TURBINES: result["n_turbines"], self.CAPACITY_MW: result["capacity_mw"],
                        self.ENERGY_GWH: result["energy_mwh_per_a"] / 1000.0,
                        self.WAKE_LOSS_PCT: result["wake_loss_pct"]})
        return results
