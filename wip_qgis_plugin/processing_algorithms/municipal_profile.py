"""Processing algorithm ``wip:municipalprofile``: the municipal energy profile and its reports."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputHtml,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from ..compat import (
    FIELD_ANY,
    FILE_BEHAVIOR_FILE,
    NUMBER_DOUBLE,
    NUMBER_INTEGER,
    SOURCE_ANY_GEOMETRY,
    SOURCE_POLYGON,
)
from ..core.defaults import DEFAULT_TURBINE
from ..core.jobs.build import profile_job
from ..core.jobs.protocol import Job
from ..i18n import format_number, tr
from .base import WipAlgorithm, preset_ids
from .inputs import (
    SOURCE_KEYS,
    add_aoi_parameters,
    add_crs_parameter,
    add_sources_parameter,
    area_of_interest,
    category_label,
    source_label,
    source_list,
    turbine_ids,
    working_crs,
)
from .output_styles import style_post_processor
from .roles import add_raster_role_parameters, add_role_parameters, raster_roles, role_layers


class MunicipalProfile(WipAlgorithm):
    """Eligibility, suitability, generation, grid connection, demand and balance per municipality."""

    GROUP_ID = "profile"
    AOI, AOI_NAME_FIELD, AOI_ID_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_ID_FIELD", "AOI_NAMES"
    POPULATION_FIELD, DEMAND_TABLE = "POPULATION_FIELD", "DEMAND_TABLE"
    WIND_PRESET, PV_PRESET = "WIND_PRESET", "PV_PRESET"
    RESOLUTION, CRS = "RESOLUTION", "CRS"
    SOURCES, TOP_N, LANGUAGE, REUSE = "SOURCES", "TOP_N", "LANGUAGE", "REUSE"
    SWEEP = "SWEEP"
    ROTOR_IN, LAND = "ROTOR_IN", "LAND"
    FLOATING_LAKES = "FLOATING_LAKES"
    COST_TABLE, HEBESATZ_FIELD, HEBESATZ_PCT = "COST_TABLE", "HEBESATZ_FIELD", "HEBESATZ_PCT"
    DEMAND_SCENARIOS, SCENARIO_FILE = "DEMAND_SCENARIOS", "SCENARIO_FILE"
    SETTLEMENT_SETBACK, FOREST, TURBINE, PV_CATEGORIES = "SETTLEMENT_SETBACK", "FOREST", "TURBINE", "PV_CATEGORIES"
    #: Choices of FOREST (core.catalogue.levers.FOREST_MODES) and of PV_CATEGORIES (the land categories of the
    #: ground-PV presets, core/catalogue/categories.py).
    FOREST_MODES = ("preset", "excluded", "open")
    PV_CATEGORY_KEYS = ("corridor", "conversion", "disadvantaged", "agri_pv", "parking")
    #: The Länder a profile can name where the AGS does not tell (None: from the AGS).
    LAND_IDS = (None, "ST", "SN", "TH", "BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL")
    DATA_SOURCES = "DATA_SOURCES"  # layers in a source profile (SOURCES are the generation sources)
    #: Settlement setbacks of the sweep chart [m] and its grid [m].
    SWEEP_SETBACKS_M, SWEEP_RESOLUTION_M = tuple(range(400, 1501, 100)), 50.0
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    OUTPUT_REPORT, OUTPUT_INDICATORS = "OUTPUT_REPORT", "OUTPUT_INDICATORS"
    OUTPUT_SITES, OUTPUT_MUNICIPALITIES = "OUTPUT_SITES", "OUTPUT_MUNICIPALITIES"
    N_MUNICIPALITIES = "N_MUNICIPALITIES"
    LANGUAGES = ("de", "en")
    NO_PRESET = "none"
    SHOWN_ROLES = ("landuse", "buildings", "roads", "substations", "water", "waterways", "protected_areas")

    def name(self) -> str:
        return "municipalprofile"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Municipal energy profile")

    @staticmethod
    def site_parameter(key: str) -> str:
        """Name of the parameter with a reused site layer of a source (``pv_ground`` → ``PV_GROUND_SITES``)."""
        return f"{key.upper()}_SITES"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_aoi_parameters(self, optional=True, id_field=True)  # without it: the municipalities of an OSM source
        add_sources_parameter(self, self.DATA_SOURCES)
        self.add_parameter(QgsProcessingParameterField(
            self.POPULATION_FIELD, tr("Population field"), defaultValue="population",
            parentLayerParameterName=self.AOI, type=FIELD_ANY, optional=True))
        for name, label, prefix, default in (
                (self.WIND_PRESET, tr("Wind criteria preset (none: no wind areas)"), "wind", "wind_sachsen_anhalt"),
                (self.PV_PRESET, tr("Ground-mounted PV criteria preset (none: no PV areas)"), "pv", "pv_ground")):
            options = [self.NO_PRESET] + [p for p in preset_ids() if p.startswith(prefix)]
            param = QgsProcessingParameterEnum(name, label, options=options, optional=True,
                                               defaultValue=default if default in options else self.NO_PRESET)
            param.setUsesStaticStrings(True)
            self.add_parameter(param)
        self.add_parameter(QgsProcessingParameterNumber(
            self.SETTLEMENT_SETBACK, tr("Wind: settlement setback [m] (empty: the preset's)"), type=NUMBER_DOUBLE,
            minValue=0.0, maxValue=5000.0, optional=True))
        self.add_parameter(QgsProcessingParameterEnum(
            self.FOREST, tr("Wind: forest"), options=[tr("as the preset says"), tr("excluded"),
                                                      tr("not excluded (forest opened)")], defaultValue=0))
        turbine = QgsProcessingParameterEnum(self.TURBINE, tr("Wind: turbine (windpowerlib power curve or preset)"),
                                             options=turbine_ids(), defaultValue=DEFAULT_TURBINE)
        turbine.setUsesStaticStrings(True)
        self.add_parameter(turbine)
        self.add_parameter(QgsProcessingParameterEnum(
            self.PV_CATEGORIES, tr("Ground-mounted PV: land categories that open land"),
            options=[category_label(k) for k in self.PV_CATEGORY_KEYS], allowMultiple=True, optional=True,
            defaultValue=list(range(len(self.PV_CATEGORY_KEYS)))))
        add_role_parameters(self, shown=self.SHOWN_ROLES)
        add_raster_role_parameters(self, shown=("dem", "wind_speed_150m", "soil_quality"))
        self.add_parameter(QgsProcessingParameterNumber(
            self.RESOLUTION, tr("Grid resolution [m]"), type=NUMBER_DOUBLE, minValue=1.0, defaultValue=25.0))
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterEnum(
            self.SOURCES, tr("Generation sources"), options=[source_label(k) for k in SOURCE_KEYS],
            allowMultiple=True, optional=True, defaultValue=list(range(len(SOURCE_KEYS)))))
        for key in SOURCE_KEYS:
            self.add_parameter(QgsProcessingParameterFeatureSource(
                self.site_parameter(key),
                tr("Reuse computed sites: {source} (site_id, municipality, capacity_mw, energy_mwh_per_a)").format(
                    source=source_label(key)), [SOURCE_ANY_GEOMETRY], optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.FLOATING_LAKES, tr("Lakes where floating PV is allowed (artificial or heavily modified, e.g. flooded "
                                    "open-cast mines; empty: the reservoirs and basins of the water layer)"),
            [SOURCE_POLYGON], optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterField(
            self.HEBESATZ_FIELD, tr("Trade-tax multiplier field (Hebesatz, e.g. 400)"), defaultValue="hebesatz",
            parentLayerParameterName=self.AOI, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.HEBESATZ_PCT, tr("Trade-tax multiplier where the field gives none [%] (empty: the cost table's)"),
            type=NUMBER_DOUBLE, minValue=200.0, maxValue=1000.0, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterFile(
            self.COST_TABLE, tr("Cost table (YAML; empty: the shipped economics table)"), behavior=FILE_BEHAVIOR_FILE,
            optional=True, fileFilter=tr("YAML files (*.yml *.yaml)")), advanced=True)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.DEMAND_SCENARIOS, tr("Demand scenarios 2030 and 2045 (heat pumps, electric cars) with the storage for "
                                      "80 and 90 % self-sufficiency"), defaultValue=True))
        self.add_parameter(QgsProcessingParameterFile(
            self.SCENARIO_FILE, tr("Demand scenario file (YAML; empty: the shipped scenarios)"),
            behavior=FILE_BEHAVIOR_FILE, optional=True, fileFilter=tr("YAML files (*.yml *.yaml)")), advanced=True)
        self.add_parameter(QgsProcessingParameterFile(
            self.DEMAND_TABLE, tr("Demand table (CSV: name or ags, MWh/a per sector or total_mwh)"),
            behavior=FILE_BEHAVIOR_FILE, optional=True, fileFilter=tr("CSV files (*.csv)")))
        self.add_parameter(QgsProcessingParameterNumber(
            self.TOP_N, tr("Top sites per municipality [-]"), type=NUMBER_INTEGER, minValue=0, defaultValue=5))
        self.add_parameter(QgsProcessingParameterEnum(
            self.LANGUAGE, tr("Report language"), options=[tr("German"), tr("English")], defaultValue=0))
        self.add_parameter(QgsProcessingParameterBoolean(
            self.SWEEP, tr("Chart of the wind area share by settlement setback, 400–1500 m (50 m grid)"),
            defaultValue=True))
        self.add_parameter(QgsProcessingParameterBoolean(
            self.ROTOR_IN, tr("Rotor inside the wind areas (rotor-in): the turbine layout and the WindBG accounting"),
            defaultValue=True))
        self.add_parameter(QgsProcessingParameterEnum(
            self.LAND, tr("Land, where the municipality key (AGS) does not tell"),
            options=[tr("from the AGS")] + [code for code in self.LAND_IDS[1:]], defaultValue=0, optional=True),
            advanced=True)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.REUSE, tr("Reuse outputs of an earlier run in the output folder (same catalogue, grid and area)"),
            defaultValue=True), advanced=True)
        self.add_parameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder")))
        self.addOutput(QgsProcessingOutputHtml(self.OUTPUT_REPORT, tr("Profile report (overview)")))
        self.addOutput(QgsProcessingOutputFile(self.OUTPUT_INDICATORS, tr("Indicators per municipality (CSV)")))
        self.addOutput(QgsProcessingOutputVectorLayer(self.OUTPUT_SITES, tr("Sites of the profile")))
        self.addOutput(QgsProcessingOutputVectorLayer(self.OUTPUT_MUNICIPALITIES, tr("Municipalities with indicators")))
        self.addOutput(QgsProcessingOutputNumber(self.N_MUNICIPALITIES, tr("Number of municipalities")))

    @staticmethod
    def load_on_completion(context, layers) -> None:
        """Have QGIS load ``(uri, name, style)`` layers into the run's project when the run ends, styled.

        Only recorded on the context (QGIS loads them in the main thread afterwards); nothing is
        loaded by processing.run or qgis_process.
        """
        project = context.project()
        if project is None:
            return
        for uri, name, style in layers:
            details = QgsProcessingContext.LayerDetails(name, project, name)
            details.setPostProcessor(style_post_processor(style))
            context.addLayerToLoadOnCompletion(uri, details)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        job = self.build_job(parameters, context, feedback)
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        return self.outputs(self.run_engine(job, feedback), folder, context, feedback)

    def build_job(self, parameters, context, feedback) -> Job:
        """The engine job of the parameters (layers resolved to files); raises ``QgsProcessingException``.

        Reads the project's layers, so call it in the main thread when the layers are the project's
        (the planning panel builds the job here and runs it in the engine's own process).
        """
        folder = Path(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
        technologies = []
        for key, name in (("wind", self.WIND_PRESET), ("pv_ground", self.PV_PRESET)):
            preset = self.parameterAsEnumString(parameters, name, context)
            if preset and preset != self.NO_PRESET:
                technologies.append({"key": key, "catalogue": {"source": preset, **self.levers(key, parameters,
                                                                                                context)},
                                     "min_area_ha": 5.0 if key == "wind" else 1.0})
        chosen = [SOURCE_KEYS[i] for i in self.parameterAsEnums(parameters, self.SOURCES, context)]
        sources = []
        for key in chosen:
            reused = self.layer_ref(parameters, self.site_parameter(key), context, feedback)
            options = {"turbine": self.parameterAsEnumString(parameters, self.TURBINE, context) or DEFAULT_TURBINE} \
                if key == "wind" else {}
            sources.append({"key": key, "sites": reused, "options": options})
        data_sources = source_list(self, parameters, self.DATA_SOURCES, context, feedback)
        aoi = area_of_interest(self, parameters, context, feedback)
        if aoi is None and not data_sources:
            raise QgsProcessingException(tr("Give the municipalities layer."))
        if aoi is None:  # the municipalities of the data sources (administrative boundaries of an OSM source)
            names = self.parameterAsString(parameters, self.AOI_NAMES, context)
            aoi = {"name_field": self.parameterAsString(parameters, self.AOI_NAME_FIELD, context) or "name",
                   "names": [n.strip() for n in names.split(",") if n.strip()],
                   "id_field": self.parameterAsString(parameters, self.AOI_ID_FIELD, context) or "ags"}
        plan = {
            "layers": role_layers(self, parameters, context, feedback), "aoi": aoi, "output_dir": str(folder),
            "technologies": technologies, "sources": sources, "rasters": raster_roles(self, parameters, context),
            "resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context),
            "crs": working_crs(self, parameters, context),
            "reuse": self.parameterAsBool(parameters, self.REUSE, context),
            "demand_table": self.parameterAsFile(parameters, self.DEMAND_TABLE, context) or None,
            "population_field": self.parameterAsString(parameters, self.POPULATION_FIELD, context) or "population",
            "top_n": self.parameterAsInt(parameters, self.TOP_N, context),
            "language": self.LANGUAGES[self.parameterAsEnum(parameters, self.LANGUAGE, context)],
            "sweep_setbacks_m": list(self.SWEEP_SETBACKS_M) if self.parameterAsBool(parameters, self.SWEEP, context)
            else [],
            "sweep_resolution_m": self.SWEEP_RESOLUTION_M,
            "rotor_in": self.parameterAsBool(parameters, self.ROTOR_IN, context),
            "land": self.LAND_IDS[self.parameterAsEnum(parameters, self.LAND, context)],
            "hebesatz_field": self.parameterAsString(parameters, self.HEBESATZ_FIELD, context) or "hebesatz",
        }
        if parameters.get(self.HEBESATZ_PCT) not in (None, ""):
            plan["hebesatz_pct"] = self.parameterAsDouble(parameters, self.HEBESATZ_PCT, context)
        if not self.parameterAsBool(parameters, self.DEMAND_SCENARIOS, context):
            plan["demand_scenarios"] = None
        elif self.parameterAsFile(parameters, self.SCENARIO_FILE, context):
            plan["demand_scenarios"] = self.parameterAsFile(parameters, self.SCENARIO_FILE, context)
        cost_table = self.parameterAsFile(parameters, self.COST_TABLE, context)
        if cost_table:
            plan["cost_table"] = cost_table
        lakes = self.layer_ref(parameters, self.FLOATING_LAKES, context, feedback)
        if lakes:
            plan["layers"]["lakes"] = lakes
        return profile_job(plan, data_sources)

    def levers(self, technology: str, parameters, context) -> dict:
        """The planning levers of a technology's catalogue spec (core.catalogue.levers): the wind settlement
        setback (a tag buffer) and forest; the ground-PV land categories (only where some are left out)."""
        if technology == "wind":
            out = {"forest": self.FOREST_MODES[self.parameterAsEnum(parameters, self.FOREST, context)]}
            if parameters.get(self.SETTLEMENT_SETBACK) not in (None, ""):
                out["tag_buffers"] = {"settlement_setback": self.parameterAsDouble(
                    parameters, self.SETTLEMENT_SETBACK, context)}
            return out
        chosen = self.parameterAsEnums(parameters, self.PV_CATEGORIES, context)
        if parameters.get(self.PV_CATEGORIES) in (None, "") or len(set(chosen)) == len(self.PV_CATEGORY_KEYS):
            return {}
        return {"categories": [self.PV_CATEGORY_KEYS[i] for i in sorted(set(chosen))]}

    def outputs(self, result: dict, folder: str, context, feedback) -> dict:
        """The algorithm's outputs from the engine's result; reports missing sources and the figures per
        municipality to ``feedback`` and has the layers loaded when the run ends (:meth:`load_on_completion`)."""
        for line in (result.get("data_sources") or {}).get("detected") or []:
            feedback.pushInfo(line)
        # a missing source was reported by the engine as it happened, in the UI language (core/profile/sources.py)
        for m in result["municipalities"]:
            ind = m["indicators"]
            feedback.pushInfo(tr("{name}: {area} ha, demand {demand} GWh/a, energy {energy} GWh/a").format(
                name=m["name"], area=format_number(ind.get("area_ha"), 0), demand=format_number(ind.get("demand_gwh")),
                energy=format_number(ind.get("energy_gwh"))))
        files = result["files"]
        self.load_on_completion(context, [
            (f"{files['gpkg']}|layername=municipalities", tr("Municipalities with indicators"),
             "profile_municipalities"),
            (f"{files['gpkg']}|layername=sites", tr("Sites of the profile"), "profile_sites")])
        return {
            self.OUTPUT_FOLDER: str(folder),
            self.OUTPUT_REPORT: files.get("report"),
            self.OUTPUT_INDICATORS: files.get("indicators"),
            self.OUTPUT_SITES: f"{files['gpkg']}|layername=sites",
            self.OUTPUT_MUNICIPALITIES: f"{files['gpkg']}|layername=municipalities",
            self.N_MUNICIPALITIES: len(result["municipalities"]),
        }
