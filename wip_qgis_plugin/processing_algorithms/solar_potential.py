"""Processing algorithm ``wip:solarpotential``: PV yield, capacity and energy on eligible land."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorDestination,
)

from ..compat import NUMBER_DOUBLE, SOURCE_POLYGON, push_warning
from ..core.jobs.build import solar_potential_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import add_aoi_parameters, add_pv_weather_parameters, area_of_interest, optional_number, weather_source
from .output_styles import attach_style
from .roles import raster_path, raster_role_label

#: System types of presets/pv_systems.yml, in the order of the SYSTEM parameter.
SYSTEMS = ("fixed_south", "east_west", "single_axis", "agri_vertical", "agri_elevated")


def system_labels() -> list[str]:
    """Translated names of :data:`SYSTEMS`."""
    return [tr("Fixed south-facing racks"), tr("East–west racks"), tr("Single-axis tracking (north–south axis)"),
            tr("Agri-PV, vertical bifacial (east–west)"), tr("Agri-PV, elevated")]


class SolarPotential(WipAlgorithm):
    """Model PV on eligible land with pvlib on real weather; yield, densities, sites, municipalities."""

    GROUP_ID = "potential"
    ELIGIBILITY, SITES, DEM = "ELIGIBILITY", "SITES", "DEM"
    AOI, AOI_NAME_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_NAMES"
    SYSTEM, TILT, GCR, LOSSES = "SYSTEM", "TILT", "GCR", "LOSSES"
    WEATHER_FILE, TRY_REGION, USE_TERRAIN = "WEATHER_FILE", "TRY_REGION", "USE_TERRAIN"
    HORIZON = "HORIZON"
    OUTPUT_YIELD, OUTPUT_CAPACITY_DENSITY = "OUTPUT_YIELD", "OUTPUT_CAPACITY_DENSITY"
    OUTPUT_ENERGY_DENSITY, OUTPUT_SITES = "OUTPUT_ENERGY_DENSITY", "OUTPUT_SITES"
    OUTPUT_SITES_TABLE, OUTPUT_MUNICIPALITIES = "OUTPUT_SITES_TABLE", "OUTPUT_MUNICIPALITIES"
    CAPACITY_MWP, ENERGY_GWH, MEAN_YIELD = "CAPACITY_MWP", "ENERGY_GWH_PER_A", "MEAN_YIELD_KWH_PER_KWP"

    def name(self) -> str:
        return "solarpotential"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Solar potential (ground/agri-PV)")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.ELIGIBILITY, tr("Eligibility raster (from Land eligibility)")))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SITES, tr("Candidate sites [polygons] (from Suitability analysis or Land eligibility)"),
            [SOURCE_POLYGON], optional=True))
        add_aoi_parameters(self, optional=True)
        self.add_parameter(QgsProcessingParameterRasterLayer(self.DEM, raster_role_label("dem"), optional=True))
        self.add_parameter(QgsProcessingParameterEnum(
            self.SYSTEM, tr("PV system"), options=system_labels(), defaultValue=0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.TILT, tr("Rack tilt (empty: the system's; fixed south: the optimum) [°]"), type=NUMBER_DOUBLE,
            minValue=0.0, maxValue=90.0, optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.GCR, tr("Ground coverage ratio (empty: the system's) [-]"), type=NUMBER_DOUBLE,
            minValue=0.05, maxValue=1.0, optional=True), advanced=True)
        add_pv_weather_parameters(self)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.USE_TERRAIN, tr("Racks follow the terrain slope and aspect (needs the elevation model)"),
            defaultValue=True), advanced=True)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.HORIZON, tr("Horizon shading from the elevation model (slower)"), defaultValue=False), advanced=True)
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_YIELD, tr("Specific yield [kWh/kWp/a]")))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_CAPACITY_DENSITY, tr("Capacity density [MWp/ha]"), optional=True, createByDefault=False))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_ENERGY_DENSITY, tr("Energy density [MWh/ha/a]"), optional=True))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_SITES, tr("Solar sites [polygons]"), type=SOURCE_POLYGON, optional=True))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_SITES_TABLE, tr("Solar sites table (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True, createByDefault=False))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_MUNICIPALITIES, tr("Totals per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.CAPACITY_MWP, tr("Installable capacity [MWp]")))
        self.addOutput(QgsProcessingOutputNumber(self.ENERGY_GWH, tr("Annual energy [GWh/a]")))
        self.addOutput(QgsProcessingOutputNumber(self.MEAN_YIELD, tr("Mean specific yield [kWh/kWp/a]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        eligibility = raster_path(self, parameters, self.ELIGIBILITY, context)
        if eligibility is None:
            raise QgsProcessingException(tr("Give the eligibility raster written by “Land eligibility”."))
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_YIELD, (".tif", ".tiff")), (self.OUTPUT_CAPACITY_DENSITY, (".tif", ".tiff")),
            (self.OUTPUT_ENERGY_DENSITY, (".tif", ".tiff")), (self.OUTPUT_SITES, (".gpkg",)),
            (self.OUTPUT_SITES_TABLE, (".csv",)), (self.OUTPUT_MUNICIPALITIES, (".csv",)))}
        sites = self.layer_ref(parameters, self.SITES, context, feedback)
        if sites is None and (out[self.OUTPUT_SITES] or out[self.OUTPUT_SITES_TABLE]):
            push_warning(feedback, tr("No solar sites: give the candidate sites [polygons] to total them."))
            out[self.OUTPUT_SITES] = out[self.OUTPUT_SITES_TABLE] = None
        aoi = area_of_interest(self, parameters, context, feedback)
        if aoi is None and out[self.OUTPUT_MUNICIPALITIES]:
            push_warning(feedback, tr("No totals per municipality: give the area of interest (municipalities)."))
            out[self.OUTPUT_MUNICIPALITIES] = None
        dem = raster_path(self, parameters, self.DEM, context)
        system = SYSTEMS[self.parameterAsEnum(parameters, self.SYSTEM, context)]
        result = self.run_engine(solar_potential_job(
            eligibility,
            outputs={"specific_yield": out[self.OUTPUT_YIELD], "capacity_density": out[self.OUTPUT_CAPACITY_DENSITY],
                     "energy_density": out[self.OUTPUT_ENERGY_DENSITY], "sites": out[self.OUTPUT_SITES],
                     "sites_table": out[self.OUTPUT_SITES_TABLE],
                     "municipalities_table": out[self.OUTPUT_MUNICIPALITIES]},
            settings={"system": system, "tilt_deg": optional_number(self, parameters, self.TILT, context),
                      "gcr": optional_number(self, parameters, self.GCR, context),
                      "losses_pct": optional_number(self, parameters, self.LOSSES, context),
                      "weather": weather_source(self, parameters, context),
                      "use_terrain": self.parameterAsBool(parameters, self.USE_TERRAIN, context),
                      "horizon": self.parameterAsBool(parameters, self.HORIZON, context)},
            rasters={"dem": dem} if dem else {}, aoi=aoi, sites=sites), feedback)
        if result["horizon_loss_pct"]:
            feedback.pushInfo(tr("Horizon shading: {loss:.2f} % of the yield").format(loss=result["horizon_loss_pct"]))
        for region in result["regions"]:
            feedback.pushInfo(tr("{weather}: tilt {tilt:g}°, {bins} orientation bin(s), level ground "
                                 "{flat:.0f} kWh/kWp/a").format(weather=region["weather"], tilt=region["tilt_deg"],
                                                                bins=region["n_bins"],
                                                                flat=region["flat_yield_kwh_per_kwp"]))
        feedback.pushInfo(tr("{ha:.1f} ha × {density:.2f} MWp/ha = {mwp:.1f} MWp ({mw:.1f} MW AC), {gwh:.1f} GWh/a, "
                             "{yield_:.0f} kWh/kWp/a with {losses:.1f} % losses").format(
            ha=result["eligible_ha"], density=result["capacity_density_mwp_per_ha"], mwp=result["capacity_mwp"],
            mw=result["capacity_mw"], gwh=result["energy_mwh_per_a"] / 1000.0,
            yield_=result["mean_yield_kwh_per_kwp"] or 0.0, losses=result["losses_pct"]))
        results = {key: str(path) if path else None for key, path in out.items()}
        for key, style in ((self.OUTPUT_YIELD, "solar_yield"), (self.OUTPUT_CAPACITY_DENSITY, "solar_capacity_density"),
                           (self.OUTPUT_ENERGY_DENSITY, "solar_energy_density"), (self.OUTPUT_SITES, "solar_sites")):
            attach_style(context, results[key], style)
        results[self.CAPACITY_MWP] = result["capacity_mwp"]
        results[self.ENERGY_GWH] = result["energy_mwh_per_a"] / 1000.0
        results[self.MEAN_YIELD] = result["mean_yield_kwh_per_kwp"]
        return results
