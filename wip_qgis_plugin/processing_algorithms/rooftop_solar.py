"""Processing algorithm ``wip:rooftopsolar``: PV potential of building roofs."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterVectorDestination,
)

from ..compat import SOURCE_POLYGON, push_warning
from ..core.jobs.build import rooftop_solar_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import (
    add_aoi_parameters,
    add_crs_parameter,
    add_pv_weather_parameters,
    area_of_interest,
    optional_number,
    weather_source,
    working_crs,
)
from .output_styles import attach_style


class RooftopSolar(WipAlgorithm):
    """Estimate usable roof area, capacity and energy per building and municipality."""

    GROUP_ID = "potential"
    BUILDINGS, CRS = "BUILDINGS", "CRS"
    AOI, AOI_NAME_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_NAMES"
    LOSSES, WEATHER_FILE, TRY_REGION = "LOSSES", "WEATHER_FILE", "TRY_REGION"
    OUTPUT_BUILDINGS, OUTPUT_BUILDINGS_TABLE = "OUTPUT_BUILDINGS", "OUTPUT_BUILDINGS_TABLE"
    OUTPUT_MUNICIPALITIES = "OUTPUT_MUNICIPALITIES"
    CAPACITY_MWP, ENERGY_GWH, USABLE_ROOF_HA = "CAPACITY_MWP", "ENERGY_GWH_PER_A", "USABLE_ROOF_HA"

    def name(self) -> str:
        return "rooftopsolar"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Rooftop solar potential")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.BUILDINGS, tr("Building footprints [polygons] (OSM tags building, roof:shape, roof:angle …)"),
            [SOURCE_POLYGON]))
        add_aoi_parameters(self, optional=True)
        add_crs_parameter(self)
        add_pv_weather_parameters(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_BUILDINGS, tr("Rooftop PV per building [polygons]"), type=SOURCE_POLYGON))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_BUILDINGS_TABLE, tr("Rooftop PV per building (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True, createByDefault=False))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_MUNICIPALITIES, tr("Totals per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.CAPACITY_MWP, tr("Installable capacity [MWp]")))
        self.addOutput(QgsProcessingOutputNumber(self.ENERGY_GWH, tr("Annual energy [GWh/a]")))
        self.addOutput(QgsProcessingOutputNumber(self.USABLE_ROOF_HA, tr("Usable roof area [ha]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_BUILDINGS, (".gpkg",)), (self.OUTPUT_BUILDINGS_TABLE, (".csv",)),
            (self.OUTPUT_MUNICIPALITIES, (".csv",)))}
        aoi = area_of_interest(self, parameters, context, feedback)
        if aoi is None and out[self.OUTPUT_MUNICIPALITIES]:
            push_warning(feedback, tr("No totals per municipality: give the area of interest (municipalities)."))
            out[self.OUTPUT_MUNICIPALITIES] = None
        result = self.run_engine(rooftop_solar_job(
            self.layer_ref(parameters, self.BUILDINGS, context, feedback),
            outputs={"buildings": out[self.OUTPUT_BUILDINGS], "buildings_table": out[self.OUTPUT_BUILDINGS_TABLE],
                     "municipalities_table": out[self.OUTPUT_MUNICIPALITIES]},
            settings={"crs": working_crs(self, parameters, context),
                      "losses_pct": optional_number(self, parameters, self.LOSSES, context),
                      "weather": weather_source(self, parameters, context)},
            aoi=aoi), feedback)
        feedback.pushInfo(tr("{n} of {total} buildings: {roof:.1f} ha usable roof, {mwp:.1f} MWp ({mw:.1f} MW AC), "
                             "{gwh:.1f} GWh/a, {yield_:.0f} kWh/kWp/a").format(
            n=result["n_with_pv"], total=result["n_buildings"], roof=result["usable_roof_m2"] / 10_000.0,
            mwp=result["capacity_mwp"], mw=result["capacity_mw"], gwh=result["energy_mwh_per_a"] / 1000.0,
            yield_=result["mean_yield_kwh_per_kwp"] or 0.0))
        results = {key: str(path) if path else None for key, path in out.items()}
        attach_style(context, results[self.OUTPUT_BUILDINGS], "rooftop_pv")
        results[self.CAPACITY_MWP] = result["capacity_mwp"]
        results[self.ENERGY_GWH] = result["energy_mwh_per_a"] / 1000.0
        results[self.USABLE_ROOF_HA] = result["usable_roof_m2"] / 10_000.0
        return results
