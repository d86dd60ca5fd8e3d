"""Processing algorithm ``wip:windimmission``: noise (TA Lärm) and shadow flicker (LAI) of a turbine layout."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMatrix,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..compat import NUMBER_DOUBLE, SOURCE_ANY_GEOMETRY, SOURCE_POINT, SOURCE_POLYGON
from ..core.jobs.build import immission_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import add_crs_parameter, optional_number, working_crs
from .output_styles import attach_style


def mode_rows(values) -> list[dict]:
    """Quieter modes from a matrix parameter's flat list (name, reduction [dB], energy factor)."""
    values = list(values or [])
    rows = []
    for k in range(0, len(values) - len(values) % 3, 3):
        name, reduction, factor = (str(v).strip() for v in values[k:k + 3])
        if not name and not reduction and not factor:
            continue
        try:
            rows.append({"name": name, "reduction_db": float(reduction.replace(",", ".")),
                         "energy_factor": float(factor.replace(",", "."))})
        except ValueError:
            raise QgsProcessingException(tr(
                "Quieter modes, row {row}: “{name}”, “{reduction}”, “{factor}” — give a name, the reduction in dB "
                "(e.g. 3) and the annual energy factor (e.g. 0.93).").format(
                row=k // 3 + 1, name=name, reduction=reduction, factor=factor)) from None
    return rows


class WindImmission(WipAlgorithm):
    """Noise at every dwelling and shadow flicker of new turbines; quieten or switch off turbines over a limit."""

    GROUP_ID = "potential"
    TURBINES, BUILDINGS, LANDUSE, EXISTING, DEM = "TURBINES", "BUILDINGS", "LANDUSE", "EXISTING", "DEM"
    SOUND_POWER, MODES, REDUCE, LAST_RESORT = "SOUND_POWER", "MODES", "REDUCE", "LAST_RESORT"
    NOISE, SHADOW, REACH, RESOLUTION, SHADOW_RESOLUTION, CRS = (
        "NOISE", "SHADOW", "REACH", "RESOLUTION", "SHADOW_RESOLUTION", "CRS")
    SHADOW_REAL_CASE, WEATHER = "SHADOW_REAL_CASE", "WEATHER"
    TABLE = "TABLE"
    OUTPUT_RECEPTORS, OUTPUT_TURBINES = "OUTPUT_RECEPTORS", "OUTPUT_TURBINES"
    OUTPUT_NOISE, OUTPUT_CONTOURS, OUTPUT_SHADOW = "OUTPUT_NOISE", "OUTPUT_CONTOURS", "OUTPUT_SHADOW"
    N_RECEPTORS, N_REDUCED, N_NIGHT_OFF, ENERGY_LOST_GWH = "N_RECEPTORS", "N_REDUCED", "N_NIGHT_OFF", "ENERGY_LOST_GWH"
    LAST_RESORTS = ("night_off", "remove")

    def name(self) -> str:
        return "windimmission"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Noise and shadow flicker")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.TURBINES, tr("New turbines [points] (from Turbine layout)"), [SOURCE_POINT]))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.BUILDINGS, tr("Buildings: dwellings, the receptors [polygons or points, OSM building=*]"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.LANDUSE, tr("Land use (area type of the receptors: residential → general residential area)"),
            [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.EXISTING, tr("Existing turbines [points] (noise pre-load; hub height and rotor fields)"),
            [SOURCE_POINT], optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SOUND_POWER, tr("Sound power of the new turbines L_WA [dB(A)] (empty: by rotor size)"),
            type=NUMBER_DOUBLE, minValue=70.0, maxValue=125.0, optional=True))
        self.add_parameter(QgsProcessingParameterMatrix(
            self.MODES, tr("Quieter modes, loudest first (name, reduction [dB], annual energy factor)"),
            numberRows=1, hasFixedNumberRows=False,
            headers=[tr("Mode"), tr("Reduction [dB]"), tr("Energy factor [-]")], optional=True))
        self.add_parameter(QgsProcessingParameterBoolean(
            self.REDUCE, tr("Quieten turbines until every dwelling meets its night limit"), defaultValue=True))
        self.add_parameter(QgsProcessingParameterEnum(
            self.LAST_RESORT, tr("A turbine still over a limit in its quietest mode is"),
            options=[tr("switched off at night (22–6 h)"), tr("removed")], defaultValue=0))
        self.add_parameter(QgsProcessingParameterBoolean(self.NOISE, tr("Noise"), defaultValue=True), advanced=True)
        self.add_parameter(QgsProcessingParameterBoolean(self.SHADOW, tr("Shadow flicker"), defaultValue=True),
                           advanced=True)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.SHADOW_REAL_CASE, tr("Also the real shadow duration (sunshine, operation, rotor in the wind; 8 h/a)"),
            defaultValue=True), advanced=True)
        self.add_parameter(QgsProcessingParameterString(
            self.WEATHER, tr("Weather of the real case: TRY region or weather file (empty: the site's TRY region)"),
            optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.DEM, tr("Elevation model (ground heights of turbines and dwellings)"), optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.REACH, tr("Dwellings within this distance of a new turbine [m]"), type=NUMBER_DOUBLE,
            minValue=100.0, defaultValue=3000.0), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.RESOLUTION, tr("Noise raster pixel [m]"), type=NUMBER_DOUBLE, minValue=1.0, defaultValue=25.0),
            advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.SHADOW_RESOLUTION, tr("Shadow raster pixel [m]"), type=NUMBER_DOUBLE, minValue=1.0,
            defaultValue=50.0), advanced=True)
        self.add_parameter(QgsProcessingParameterFile(
            self.TABLE, tr("Immission table (YAML: limits, spectrum, sound power by rotor; empty: the shipped one)"),
            fileFilter=tr("YAML files (*.yaml *.yml)"), optional=True), advanced=True)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_RECEPTORS, tr("Dwellings with noise level, limit and shadow hours [points]"),
            type=SOURCE_POINT))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_TURBINES, tr("Turbines after the check (mode, status, energy) [points]"), type=SOURCE_POINT))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_NOISE, tr("Night noise level [dB(A)]"), optional=True))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_CONTOURS, tr("Areas above 35/40/45/50 dB(A) [polygons]"), type=SOURCE_POLYGON, optional=True,
            createByDefault=False))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_SHADOW, tr("Astronomically possible shadow flicker [h/a]"), optional=True))
        for name, label in ((self.N_RECEPTORS, tr("Dwellings assessed")),
                            (self.N_REDUCED, tr("Turbines in a quieter mode")),
                            (self.N_NIGHT_OFF, tr("Turbines switched off at night")),
                            (self.ENERGY_LOST_GWH, tr("Energy lost to noise reduction [GWh/a]"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_RECEPTORS, (".gpkg",)), (self.OUTPUT_TURBINES, (".gpkg",)), (self.OUTPUT_NOISE, (".tif",)),
            (self.OUTPUT_CONTOURS, (".gpkg",)), (self.OUTPUT_SHADOW, (".tif",)))}
        layers = {}
        for role, name in (("buildings", self.BUILDINGS), ("landuse", self.LANDUSE),
                           ("wind_turbines", self.EXISTING)):
            ref = self.layer_ref(parameters, name, context, feedback)
            if ref:
                layers[role] = ref
        dem = self.parameterAsRasterLayer(parameters, self.DEM, context)
        settings = {
            "crs": crs, "table": self.parameterAsFile(parameters, self.TABLE, context) or None, "sound_power_db": optional_number(self, parameters, self.SOUND_POWER, context),
            "modes": mode_rows(self.parameterAsMatrix(parameters, self.MODES, context)),
            "reduce": self.parameterAsBoolean(parameters, self.REDUCE, context),
            "last_resort": self.LAST_RESORTS[self.parameterAsEnum(parameters, self.LAST_RESORT, context)],
            "noise": self.parameterAsBoolean(parameters, self.NOISE, context),
            "shadow": self.parameterAsBoolean(parameters, self.SHADOW, context),
            "reach_m": self.parameterAsDouble(parameters, self.REACH, context),
            "resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context),
            "shadow_resolution_m": self.parameterAsDouble(parameters, self.SHADOW_RESOLUTION, context),
            "shadow_real_case": self.parameterAsBoolean(parameters, self.SHADOW_REAL_CASE, context),
            "weather": self.parameterAsString(parameters, self.WEATHER, context) or None}
        result = self.run_engine(immission_job(
            self.layer_ref(parameters, self.TURBINES, context, feedback), layers,
            outputs={"receptors": out[self.OUTPUT_RECEPTORS], "turbines": out[self.OUTPUT_TURBINES],
                     "noise_raster": out[self.OUTPUT_NOISE], "contours": out[self.OUTPUT_CONTOURS],
                     "shadow_raster": out[self.OUTPUT_SHADOW]},
            settings=settings, rasters={"dem": dem.source()} if dem is not None else {}), feedback)
        lost = (result["energy_mwh_before"] - result["energy_mwh_after_noise"]) / 1000.0
        feedback.pushInfo(tr(
            "{n} new turbines: {kept} unrestricted, {reduced} in a quieter mode, {night} off at night, {removed} "
            "removed; energy {before:.1f} → {after:.1f} GWh/a").format(
            n=result["n_turbines"], kept=result["n_kept"], reduced=result["n_reduced"],
            night=result["n_night_off"], removed=result["n_removed"], before=result["energy_mwh_before"] / 1000.0,
            after=result["energy_mwh_after_noise"] / 1000.0))
        feedback.pushInfo(tr("{n} dwellings assessed; {over} over their noise limit, {shadow} over the shadow limits "
                             "(30 h/a, 30 min/d); {modules} turbines need a shadow shutdown module").format(
            n=result["n_receptors"], over=result["n_over_noise"], shadow=result["n_over_shadow"],
            modules=result["n_shadow_turbines"]))
        results = {key: str(path) if path else None for key, path in out.items()}
        for key, style in ((self.OUTPUT_RECEPTORS, "noise_receptors"), (self.OUTPUT_TURBINES, "wind_turbines"),
                           (self.OUTPUT_NOISE, "wind_noise"), (self.OUTPUT_CONTOURS, "noise_contours"),
                           (self.OUTPUT_SHADOW, "wind_shadow")):
            attach_style(context, results[key], style)
        results.update({self.N_RECEPTORS: result["n_receptors"], self.N_REDUCED: result["n_reduced"],
                        self.N_NIGHT_OFF: result["n_night_off"], self.ENERGY_LOST_GWH: lost})
        return results
