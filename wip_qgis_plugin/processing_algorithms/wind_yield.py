"""Processing algorithm ``wip:windyield``: annual energy, full-load hours and hub-height wind per pixel.

The turbine and wind-resource parameters are shared with ``wip:turbinelayout`` (``inputs.py``).
"""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
)

from ..compat import NUMBER_DOUBLE
from ..core.jobs.build import wind_yield_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import (
    add_aoi_parameters,
    add_crs_parameter,
    add_resource_parameters,
    add_turbine_parameters,
    area_of_interest,
    resource_inputs,
    turbine_spec,
    working_crs,
)
from .output_styles import attach_style


class WindYield(WipAlgorithm):
    """Annual energy, full-load hours and mean hub-height wind speed of a turbine per pixel."""

    GROUP_ID = "potential"
    TURBINE, TURBINE_FILE, HUB_HEIGHT = "TURBINE", "TURBINE_FILE", "HUB_HEIGHT"
    AOI, AOI_NAME_FIELD, AOI_NAMES, CRS = "AOI", "AOI_NAME_FIELD", "AOI_NAMES", "CRS"
    WIND_SPEED_100M, WIND_SPEED_150M, DEM = "WIND_SPEED_100M", "WIND_SPEED_150M", "DEM"
    LANDUSE, WATER, WEIBULL_K, WEATHER = "LANDUSE", "WATER", "WEIBULL_K", "WEATHER"
    WEIBULL_K_RASTER = "WEIBULL_K_RASTER"
    AVAILABILITY_LOSS, ELECTRICAL_LOSS, OTHER_LOSS = "AVAILABILITY_LOSS", "ELECTRICAL_LOSS", "OTHER_LOSS"
    WAKE_LOSS, RESOLUTION = "WAKE_LOSS", "RESOLUTION"
    OUTPUT_ENERGY, OUTPUT_FULL_LOAD_HOURS = "OUTPUT_ENERGY", "OUTPUT_FULL_LOAD_HOURS"
    OUTPUT_WIND_SPEED, OUTPUT_TABLE = "OUTPUT_WIND_SPEED", "OUTPUT_TABLE"
    MEAN_FULL_LOAD_HOURS, MEAN_WIND_SPEED = "MEAN_FULL_LOAD_HOURS", "MEAN_WIND_SPEED"

    def name(self) -> str:
        return "windyield"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Wind resource and yield")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_turbine_parameters(self)
        add_aoi_parameters(self, optional=True)
        add_resource_parameters(self)
        self.add_parameter(QgsProcessingParameterNumber(
            self.WAKE_LOSS, tr("Wake loss placeholder [%]"), type=NUMBER_DOUBLE, minValue=0.0, maxValue=99.0,
            defaultValue=5.0), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.RESOLUTION, tr("Resolution [m]"), type=NUMBER_DOUBLE, minValue=1.0, defaultValue=25.0))
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_ENERGY, tr("Net annual energy per turbine [MWh/a]")))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_FULL_LOAD_HOURS, tr("Full-load hours [h/a]"), optional=True))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_WIND_SPEED, tr("Mean wind speed at hub height [m/s]"), optional=True))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Table per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.MEAN_FULL_LOAD_HOURS, tr("Mean full-load hours [h/a]")))
        self.addOutput(QgsProcessingOutputNumber(self.MEAN_WIND_SPEED, tr("Mean wind speed at hub height [m/s]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_ENERGY, (".tif", ".tiff")), (self.OUTPUT_FULL_LOAD_HOURS, (".tif", ".tiff")),
            (self.OUTPUT_WIND_SPEED, (".tif", ".tiff")), (self.OUTPUT_TABLE, (".csv",)))}
        turbine, hub = turbine_spec(self, parameters, context)
        rasters, layers, resource, losses = resource_inputs(self, parameters, context, feedback)
        losses["wake_pct"] = self.parameterAsDouble(parameters, self.WAKE_LOSS, context)
        result = self.run_engine(wind_yield_job(
            turbine, area_of_interest(self, parameters, context, feedback), rasters, layers,
            outputs={"energy": out[self.OUTPUT_ENERGY], "full_load_hours": out[self.OUTPUT_FULL_LOAD_HOURS],
                     "wind_speed": out[self.OUTPUT_WIND_SPEED], "table": out[self.OUTPUT_TABLE]},
            settings={"resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context), "crs": crs,
                      "hub_height_m": hub, "losses": losses, "resource": resource}), feedback)
        feedback.pushInfo(tr("Turbine: {turbine}").format(turbine=result["turbine"]))
        feedback.pushInfo(tr("Weather: {weather}; Weibull k {k}; losses: {losses}").format(
            weather=result["weather"], k=result["weibull_k"], losses=result["losses"]))
        for m in result["municipalities"]:
            feedback.pushInfo(tr("{name}: mean wind speed {speed:.2f} m/s, {flh:.0f} full-load hours").format(
                name=m["name"], speed=m["mean_wind_speed_m_s"] or 0.0, flh=m["mean_full_load_hours"] or 0.0))
        results = {key: str(path) if path else None for key, path in out.items()}
        for key, style in ((self.OUTPUT_ENERGY, "wind_energy"), (self.OUTPUT_FULL_LOAD_HOURS, "wind_full_load_hours"),
                           (self.OUTPUT_WIND_SPEED, "wind_speed_hub")):
            attach_style(context, results[key], style)
        results[self.MEAN_FULL_LOAD_HOURS] = result["mean_full_load_hours"]
        results[self.MEAN_WIND_SPEED] = result["mean_wind_speed_m_s"]
        return results
