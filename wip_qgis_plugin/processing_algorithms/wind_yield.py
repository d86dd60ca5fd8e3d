"""Processing algorithm ``wip:windyield``: annual energy, full-load hours and hub-height wind per pixel.

The turbine and wind-resource parameters are shared with ``wip:turbinelayout`` (the functions
below take the algorithm and use its class constants for the parameter names).
"""
from __future__ import annotations

import csv
import importlib.util
from functools import cache
from pathlib import Path

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from ..compat import NUMBER_DOUBLE, SOURCE_POLYGON
from ..core.jobs.protocol import Job
from ..i18n import tr
from .base import PLUGIN_DIR, WipAlgorithm
from .inputs import add_aoi_parameters, add_crs_parameter, area_of_interest, working_crs
from .output_styles import attach_style
from .roles import raster_path

DEFAULT_TURBINE = "E-141/4200"


@cache
def turbine_ids() -> list[str]:
    """Turbine presets and windpowerlib types with a power curve, read without importing the engine."""
    ids = sorted(p.stem for p in (PLUGIN_DIR / "presets" / "turbines").glob("*.yaml"))
    spec = importlib.util.find_spec("windpowerlib")
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "oedb" / "turbine_data.csv"
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                ids += sorted(r["turbine_type"] for r in csv.DictReader(fh)
                              if str(r.get("has_power_curve")).lower() == "true")
    return ids if DEFAULT_TURBINE in ids else [DEFAULT_TURBINE, *ids]


def add_turbine_parameters(alg) -> None:
    """TURBINE (enum), TURBINE_FILE (YAML replacing it) and HUB_HEIGHT."""
    turbine = QgsProcessingParameterEnum(alg.TURBINE, tr("Turbine (windpowerlib power curve or preset)"),
                                         options=turbine_ids(), defaultValue=DEFAULT_TURBINE)
    turbine.setUsesStaticStrings(True)
    alg.add_parameter(turbine)
    alg.add_parameter(QgsProcessingParameterFile(
        alg.TURBINE_FILE, tr("Turbine file (YAML with power curve, replaces the turbine)"), optional=True,
        fileFilter=tr("YAML files (*.yaml *.yml)")))
    alg.add_parameter(QgsProcessingParameterNumber(
        alg.HUB_HEIGHT, tr("Hub height [m] (empty: the turbine's)"), type=NUMBER_DOUBLE, minValue=10.0,
        optional=True))


def turbine_spec(alg, parameters, context) -> tuple[str, float | None]:
    """The turbine name or file and the hub height (None: the turbine's)."""
    path = alg.parameterAsFile(parameters, alg.TURBINE_FILE, context)
    hub = parameters.get(alg.HUB_HEIGHT)
    hub = alg.parameterAsDouble(parameters, alg.HUB_HEIGHT, context) if hub not in (None, "") else None
    return path or alg.parameterAsEnumString(parameters, alg.TURBINE, context), hub


def add_resource_parameters(alg) -> None:
    """Wind rasters, DEM, land use and water (roughness), Weibull k, weather, losses."""
    for name, label in ((alg.WIND_SPEED_100M, tr("Mean wind speed 100 m above ground [raster, m/s]")),
                        (alg.WIND_SPEED_150M, tr("Mean wind speed 150 m above ground [raster, m/s]")),
                        (alg.DEM, tr("Elevation model [raster, m above sea level]"))):
        alg.add_parameter(QgsProcessingParameterRasterLayer(name, label, optional=True))
    for name, label in ((alg.LANDUSE, tr("Land use, forest and settlement areas [polygons, OSM landuse=*]")),
                        (alg.WATER, tr("Water bodies [polygons, OSM natural=water]"))):
        alg.add_parameter(QgsProcessingParameterFeatureSource(name, label, [SOURCE_POLYGON], optional=True))
    alg.add_parameter(QgsProcessingParameterNumber(
        alg.WEIBULL_K, tr("Weibull shape k [-] (0: fit to the weather)"), type=NUMBER_DOUBLE, minValue=0.0,
        maxValue=5.0, defaultValue=2.0))
    alg.add_parameter(QgsProcessingParameterRasterLayer(
        alg.WEIBULL_K_RASTER, tr("Weibull shape k [raster, -] (replaces the number)"), optional=True), advanced=True)
    alg.add_parameter(QgsProcessingParameterString(
        alg.WEATHER, tr("Weather: DWD TRY region (1–15) or weather file (empty: TRY region of the area)"),
        optional=True), advanced=True)
    for name, label, default in ((alg.AVAILABILITY_LOSS, tr("Availability loss [%]"), 3.0),
                                 (alg.ELECTRICAL_LOSS, tr("Electrical loss [%]"), 2.0),
                                 (alg.OTHER_LOSS, tr("Curtailment and other losses [%]"), 0.0)):
        alg.add_parameter(QgsProcessingParameterNumber(name, label, type=NUMBER_DOUBLE, minValue=0.0, maxValue=99.0,
                                                       defaultValue=default), advanced=True)


def resource_inputs(alg, parameters, context, feedback) -> tuple[dict, dict, dict, dict]:
    """Rasters, layers, resource settings and losses (JSON for the engine job)."""
    rasters = {role: raster_path(alg, parameters, name, context) for role, name in (
        ("wind_speed_100m", alg.WIND_SPEED_100M), ("wind_speed_150m", alg.WIND_SPEED_150M), ("dem", alg.DEM))}
    layers = {role: alg.layer_ref(parameters, name, context, feedback) for role, name in (
        ("landuse", alg.LANDUSE), ("water", alg.WATER))}
    k = alg.parameterAsDouble(parameters, alg.WEIBULL_K, context)
    weather = alg.parameterAsString(parameters, alg.WEATHER, context).strip()
    resource = {"weibull_k": k or None, "weather": weather or None,
                "weibull_k_raster": raster_path(alg, parameters, alg.WEIBULL_K_RASTER, context)}
    losses = {"availability_pct": alg.parameterAsDouble(parameters, alg.AVAILABILITY_LOSS, context),
              "electrical_pct": alg.parameterAsDouble(parameters, alg.ELECTRICAL_LOSS, context),
              "other_pct": alg.parameterAsDouble(parameters, alg.OTHER_LOSS, context)}
    return ({r: p for r, p in rasters.items() if p}, {r: ref for r, ref in layers.items() if ref}, resource, losses)


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
        result = self.run_engine(Job("wind_yield", {
            "turbine": turbine, "aoi": area_of_interest(self, parameters, context, feedback),
            "rasters": rasters, "layers": layers,
            "outputs": {"energy": out[self.OUTPUT_ENERGY], "full_load_hours": out[self.OUTPUT_FULL_LOAD_HOURS],
                        "wind_speed": out[self.OUTPUT_WIND_SPEED], "table": out[self.OUTPUT_TABLE]},
            "settings": {"resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context), "crs": crs,
                         "hub_height_m": hub, "losses": losses, "resource": resource},
        }), feedback)
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
