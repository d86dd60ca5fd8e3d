"""Processing algorithm ``wip:floatingpv``: floating PV on artificial and heavily modified lakes (WHG § 36 (3))."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..compat import FIELD_ANY, NUMBER_DOUBLE, SOURCE_POLYGON
from ..core.jobs.build import floating_pv_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import add_crs_parameter, add_weather_parameters, weather_source, working_crs


class FloatingPv(WipAlgorithm):
    """Place floating PV fields on the qualifying lakes and compute their capacity and energy."""

    GROUP_ID = "potential"
    LAKES, WHICH, NAMES, SHORE_M, MAX_SHARE, MIN_FIELD_HA = "LAKES", "WHICH", "NAMES", "SHORE_M", "MAX_SHARE", \
        "MIN_FIELD_HA"
    AOI, AOI_NAME_FIELD, CRS = "AOI", "AOI_NAME_FIELD", "CRS"
    WEATHER_FILE, TRY_REGION = "WEATHER_FILE", "TRY_REGION"
    OUTPUT_FIELDS, OUTPUT_TABLE = "OUTPUT_FIELDS", "OUTPUT_TABLE"
    CAPACITY_MWP, ENERGY_GWH, N_FIELDS = "CAPACITY_MWP", "ENERGY_GWH_PER_A", "N_FIELDS"
    #: Which features of the layer qualify: OSM reservoirs and basins (and the named lakes), or every feature.
    WHICH_OPTIONS = ("reservoirs", "all")

    def name(self) -> str:
        return "floatingpv"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Floating PV on lakes")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.LAKES, tr("Water surfaces [polygons] (OSM natural=water, or a layer of the qualifying lakes)"),
            [SOURCE_POLYGON]))
        self.add_parameter(QgsProcessingParameterEnum(
            self.WHICH, tr("Which lakes qualify (WHG § 36 (3): artificial or heavily modified waters only)"),
            options=[tr("OSM reservoirs and basins (water=reservoir|basin) and the lakes named below"),
                     tr("every feature of the layer (a layer of qualifying lakes)")], defaultValue=0))
        self.add_parameter(QgsProcessingParameterString(
            self.NAMES, tr("Also these lakes by name, comma-separated (flooded open-cast mines OSM tags water=lake)"),
            optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SHORE_M, tr("Distance to every shore [m] (WHG § 36 (3): at least 40)"), type=NUMBER_DOUBLE,
            minValue=0.0, defaultValue=40.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.MAX_SHARE, tr("Largest share of a lake's surface [%] (WHG § 36 (3): at most 15)"),
            type=NUMBER_DOUBLE, minValue=0.1, maxValue=100.0, defaultValue=15.0))
        self.add_parameter(QgsProcessingParameterNumber(
            self.MIN_FIELD_HA, tr("Smallest field [ha]"), type=NUMBER_DOUBLE, minValue=0.0, defaultValue=1.0),
            advanced=True)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.AOI, tr("Municipalities [polygons] (optional: each field is assigned to one)"), [SOURCE_POLYGON],
            optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.AOI_NAME_FIELD, tr("Municipality name field"), defaultValue="name", parentLayerParameterName=self.AOI,
            type=FIELD_ANY, optional=True))
        add_crs_parameter(self)
        add_weather_parameters(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_FIELDS, tr("Floating PV fields [polygons]"), type=SOURCE_POLYGON))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Fields per lake (CSV)"), fileFilter=tr("CSV files (*.csv)"), optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.CAPACITY_MWP, tr("Installable capacity [MWp]")))
        self.addOutput(QgsProcessingOutputNumber(self.ENERGY_GWH, tr("Annual energy [GWh/a]")))
        self.addOutput(QgsProcessingOutputNumber(self.N_FIELDS, tr("Number of fields [-]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_FIELDS, (".gpkg",)), (self.OUTPUT_TABLE, (".csv",)))}
        names = [n.strip() for n in self.parameterAsString(parameters, self.NAMES, context).split(",") if n.strip()]
        if self.WHICH_OPTIONS[self.parameterAsEnum(parameters, self.WHICH, context)] == "all":
            lake_filter = None
        else:
            lake_filter = {"any": [{"water": ["reservoir", "basin"]}, {"name": names}]} if names else \
                {"water": ["reservoir", "basin"]}
        settings = {"crs": working_crs(self, parameters, context), "lake_filter": lake_filter,
                    "shore_m": self.parameterAsDouble(parameters, self.SHORE_M, context),
                    "max_share": self.parameterAsDouble(parameters, self.MAX_SHARE, context) / 100.0,
                    "min_field_ha": self.parameterAsDouble(parameters, self.MIN_FIELD_HA, context),
                    "weather": weather_source(self, parameters, context)}
        result = self.run_engine(floating_pv_job(
            self.layer_ref(parameters, self.LAKES, context, feedback),
            {"fields": out[self.OUTPUT_FIELDS], "table": out[self.OUTPUT_TABLE]}, settings,
            self.layer_ref(parameters, self.AOI, context, feedback),
            self.parameterAsString(parameters, self.AOI_NAME_FIELD, context) or "name"), feedback)
        for field in result["fields"]:
            feedback.pushInfo(tr("{lake}: {ha:.1f} ha of {lake_ha:.1f} ha ({share:.1f} %), {mwp:.1f} MWp, "
                                 "{gwh:.1f} GWh/a").format(
                lake=field["lake"], ha=field["floating_ha"], lake_ha=field["lake_ha"], share=field["share_pct"],
                mwp=field["capacity_mwp"], gwh=field["energy_mwh_per_a"] / 1000.0))
        results = {key: str(path) if path else None for key, path in out.items()}
        results[self.CAPACITY_MWP] = result["capacity_mwp"]
        results[self.ENERGY_GWH] = result["energy_mwh_per_a"] / 1000.0
        results[self.N_FIELDS] = len(result["fields"])
        return results
