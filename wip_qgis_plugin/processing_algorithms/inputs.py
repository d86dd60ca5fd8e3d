"""Parameter blocks several algorithms share, each as an ``add_…`` (declare) and a reading function.

Catalogue, area of interest, working CRS, optional numbers and fields, PV weather and losses,
turbine and wind resource, generation sources. Each function takes the algorithm and uses its
class constants for the parameter names (``alg.PRESET``, ``alg.AOI`` …), so the declaring and
the reading side cannot drift apart. No algorithm module imports another: what two of them
share lives here (or in ``roles.py`` for the layer roles).
"""
from __future__ import annotations

import csv
import importlib.util
from functools import cache
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterMatrix,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from ..compat import (
    DISTANCE_METERS,
    FIELD_ANY,
    FILE_BEHAVIOR_FILE,
    NUMBER_DOUBLE,
    NUMBER_INTEGER,
    SOURCE_ANY_GEOMETRY,
    SOURCE_POLYGON,
    crs_for_engine,
    push_warning,
)
from ..core.defaults import DEFAULT_CRS, DEFAULT_TURBINE
from ..i18n import tr
from .base import ENGINE_VECTOR_FORMATS, PLUGIN_DIR, preset_ids
from .preselect import preselect_municipalities
from .roles import add_role_parameters, raster_path, role_layers

# Field and CRS parameters are optional with defaults: QGIS 3.22 (processing.run, qgis_process)
# refuses a missing value of a required field or CRS parameter despite its default.
DEFAULT_NAME_FIELD = "name"


def add_catalogue_parameters(alg, default_preset: str, preset_label: str | None = None) -> None:
    """PRESET (enum of preset ids) and CATALOGUE (YAML file that replaces it)."""
    presets = preset_ids()
    preset = QgsProcessingParameterEnum(
        alg.PRESET, preset_label or tr("Criteria preset"), options=presets,
        defaultValue=default_preset if default_preset in presets else None)
    preset.setUsesStaticStrings(True)  # the value is the preset id, stable across versions
    alg.add_parameter(preset)
    alg.add_parameter(QgsProcessingParameterFile(
        alg.CATALOGUE, tr("Criteria catalogue file (YAML, replaces the preset)"),
        optional=True, fileFilter=tr("YAML files (*.yaml *.yml)")))


def catalogue_spec(alg, parameters, context, **overrides) -> dict:
    """The catalogue as the engine job names it: the catalogue file if one was given, else the preset.

    ``overrides`` are added as they are (``tag_buffers``, ``overrides``, ``suitability_overrides``;
    see ``core.jobs.protocol``); the engine loads and checks the catalogue.
    """
    path = alg.parameterAsFile(parameters, alg.CATALOGUE, context)
    spec = {"source": path or alg.parameterAsEnumString(parameters, alg.PRESET, context)}
    spec.update({k: v for k, v in overrides.items() if v})
    return spec


def add_aoi_parameters(alg, optional: bool = False, id_field: bool = False) -> None:
    """AOI (municipality polygons), AOI_NAME_FIELD, optionally AOI_ID_FIELD, and AOI_NAMES."""
    alg.add_parameter(QgsProcessingParameterFeatureSource(
        alg.AOI, tr("Area of interest: municipalities [polygons]"), [SOURCE_POLYGON], optional=optional))
    alg.add_parameter(QgsProcessingParameterField(
        alg.AOI_NAME_FIELD, tr("Municipality name field"), defaultValue=DEFAULT_NAME_FIELD,
        parentLayerParameterName=alg.AOI, type=FIELD_ANY, optional=True))
    if id_field:
        alg.add_parameter(QgsProcessingParameterField(
            alg.AOI_ID_FIELD, tr("Municipality key field (AGS)"), defaultValue="ags",
            parentLayerParameterName=alg.AOI, type=FIELD_ANY, optional=True))
    alg.add_parameter(QgsProcessingParameterString(
        alg.AOI_NAMES, tr("Only these municipalities (comma-separated names)"), optional=True))
    preselect_municipalities(alg, alg.AOI, alg.AOI_NAME_FIELD, alg.AOI_ID_FIELD if id_field else None)


def area_of_interest(alg, parameters, context, feedback) -> dict | None:
    """The engine's AreaOfInterest (as JSON), or None if the (optional) AOI parameter was left empty."""
    ref = alg.layer_ref(parameters, alg.AOI, context, feedback)
    if ref is None:
        return None
    names = alg.parameterAsString(parameters, alg.AOI_NAMES, context)
    aoi = {"layer": ref,
           "name_field": alg.parameterAsString(parameters, alg.AOI_NAME_FIELD, context) or DEFAULT_NAME_FIELD,
           "names": [n.strip() for n in names.split(",") if n.strip()]}
    if hasattr(alg, "AOI_ID_FIELD"):
        aoi["id_field"] = alg.parameterAsString(parameters, alg.AOI_ID_FIELD, context) or None
    return aoi


def add_crs_parameter(alg) -> None:
    """CRS: the projected working CRS in metres."""
    alg.add_parameter(QgsProcessingParameterCrs(
        alg.CRS, tr("Working CRS (projected, in metres)"), defaultValue=DEFAULT_CRS, optional=True))


def working_crs(alg, parameters, context) -> str:
    """The working CRS as the engine takes it; refuses geographic CRS and CRS not in metres."""
    crs = alg.parameterAsCrs(parameters, alg.CRS, context)
    if not crs.isValid() or crs.isGeographic() or crs.mapUnits() != DISTANCE_METERS:
        raise QgsProcessingException(tr(
            "The working CRS “{crs}” is not a projected CRS in metres; setbacks and areas are "
            "measured in metres. Choose EPSG:25832 (ETRS89 / UTM 32N, Sachsen-Anhalt and "
            "Thüringen) or EPSG:25833 (ETRS89 / UTM 33N, Sachsen).").format(
                crs=crs.authid() or crs.description()))
    return crs_for_engine(crs)


# ----------------------------------------------------------------- single values
def optional_number(alg, parameters, name, context) -> float | None:
    """A number parameter's value, None if it was left empty."""
    value = parameters.get(name)
    return None if value is None or value == "" else alg.parameterAsDouble(parameters, name, context)


def field_value(alg, parameters, name, context, default: str | None) -> str | None:
    """A field parameter's value, ``default`` if it was left empty."""
    return alg.parameterAsString(parameters, name, context) or default


# ----------------------------------------------------------------- PV weather and losses
def add_pv_weather_parameters(alg) -> None:
    """LOSSES (DC losses [%]), WEATHER_FILE and TRY_REGION, all advanced."""
    alg.add_parameter(QgsProcessingParameterNumber(
        alg.LOSSES, tr("DC losses (empty: the itemised PVWatts defaults, 14.1) [%]"), type=NUMBER_DOUBLE,
        minValue=0.0, maxValue=99.0, optional=True), advanced=True)
    add_weather_parameters(alg)


def add_weather_parameters(alg) -> None:
    """WEATHER_FILE and TRY_REGION (read by :func:`weather_source`), both advanced."""
    alg.add_parameter(QgsProcessingParameterFile(
        alg.WEATHER_FILE, tr("Weather file (PVGIS TMY, EPW or CSV; empty: DWD test reference year)"),
        behavior=FILE_BEHAVIOR_FILE, optional=True, fileFilter=tr("Weather files (*.csv *.json *.epw)")),
        advanced=True)
    alg.add_parameter(QgsProcessingParameterNumber(
        alg.TRY_REGION, tr("DWD TRY climate region 1–15 (0: the region of each site) [-]"),
        type=NUMBER_INTEGER, minValue=0, maxValue=15, defaultValue=0), advanced=True)


def weather_source(alg, parameters, context) -> str | None:
    """The engine's weather: a file, a TRY region, or None (the TRY region of each site)."""
    path = alg.parameterAsFile(parameters, alg.WEATHER_FILE, context)
    region = alg.parameterAsInt(parameters, alg.TRY_REGION, context)
    if path and region:
        raise QgsProcessingException(tr("Give either a weather file or a TRY region, not both."))
    return path or (str(region) if region else None)


# ----------------------------------------------------------------- turbine and wind resource
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
    """The turbine name or file and the hub height [m] (None: the turbine's)."""
    path = alg.parameterAsFile(parameters, alg.TURBINE_FILE, context)
    hub = optional_number(alg, parameters, alg.HUB_HEIGHT, context)
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


# ----------------------------------------------------------------- generation sources
#: Generation sources of the profile (the keys of core.profile.model.GENERATION_SOURCES, listed here so
#: that loading the provider does not import the engine; a test compares them).
SOURCE_KEYS = ("wind", "pv_ground", "agri_pv", "pv_rooftop", "pv_floating")


def source_label(key: str) -> str:
    """Translated name of a generation source."""
    return {"wind": tr("wind (turbine layout)"), "pv_ground": tr("ground-mounted PV"),
            "agri_pv": tr("agrivoltaics"), "pv_rooftop": tr("rooftop PV"), "pv_floating": tr("floating PV")}[key]


def category_label(key: str, labels: dict[str, dict[str, str]] | None = None, language: str = "de") -> str:
    """The name of a ground-PV land category: the preset's label in ``language``, else a built-in one."""
    given = (labels or {}).get(key) or {}
    if given.get(language):
        return given[language]
    return {"corridor": tr("Corridors along motorways and railways"),
            "conversion": tr("Conversion land (mining land, spoil heaps, brownfields)"),
            "disadvantaged": tr("Farmland in disadvantaged areas"),
            "agri_pv": tr("Agri-PV on farmland (counted only)"),
            "parking": tr("Parking lots (solar carports)")}.get(key, key)


# ----------------------------------------------------------------- data sources (core/data/sources, docs/sources.md)
#: Files the engine reads as sources directly: the vector formats, and OSM files through GDAL's OSM driver.
SOURCE_FORMATS = [*ENGINE_VECTOR_FORMATS, "osm", "pbf"]


def add_sources_parameter(alg, name: str = "SOURCES") -> None:
    """An optional multi-layer parameter: layers in a source profile (OSM, QuickOSM, Geofabrik, ATKIS, ALKIS …)."""
    alg.add_parameter(QgsProcessingParameterMultipleLayers(
        name, tr("Data sources: OSM, QuickOSM, Geofabrik, ATKIS, ALKIS or authority layers (read by their schema)"),
        layerType=SOURCE_ANY_GEOMETRY, optional=True))


def source_list(alg, parameters, name, context, feedback) -> list[dict]:
    """The engine's sources (``[{path, profile}]``) of a multi-layer parameter, one per file.

    A layer of a file the engine reads (GeoPackage, Shapefile, ``.osm``/``.pbf`` …) gives that file, whose every
    layer its profile reads (QGIS shows the layers of an OSM file or a GeoPackage one by one: several of them give
    the file once); other layers (memory, database, filtered) are exported to a temporary GeoPackage first.
    """
    out: list[dict] = []
    for layer in alg.parameterAsLayerList(parameters, name, context) or []:
        path, _ = QgsProcessingUtils.convertToCompatibleFormatAndLayerName(
            layer, False, f"source_{len(out)}", SOURCE_FORMATS, "gpkg", context, feedback)
        path = path.split("|")[0]
        if path.startswith("/vsigzip/") or path.startswith("/vsizip/"):  # e.g. a dropped .osm.gz: the file itself
            path = path.split("/", 2)[2]
        if any(s["path"] == path for s in out):
            continue
        if layer.subsetString():
            push_warning(feedback, tr("Data source “{layer}”: its filter is not applied; every feature of "
                                      "{path} is read by the source profile.").format(layer=layer.name(), path=path))
        out.append({"path": path, "profile": None})
    return out


# ----------------------------------------------------------------- the inputs of an eligibility run (and its data check)
#: Parameter names shared by "Land eligibility" and "Check input data".
KINDS = "KINDS"
KIND_IDS = ("hard", "soft", "case_by_case")
SETTLEMENT_SETBACK = "SETTLEMENT_SETBACK"
CRITERION_LAYERS = "CRITERION_LAYERS"


def add_kinds_parameter(alg) -> None:
    """KINDS: which criteria kinds exclude land (default hard and soft), shown as three check boxes.

    QGIS's list widget for a multiple choice reads "2 options selected"; the check boxes show which.
    """
    kinds = QgsProcessingParameterEnum(
        KINDS, tr("Criteria kinds to exclude"),
        options=[tr("hard"), tr("soft"), tr("case by case")], allowMultiple=True, defaultValue=[0, 1])
    kinds.setMetadata({"widget_wrapper": {"useCheckBoxes": True, "columns": len(KIND_IDS)}})
    alg.add_parameter(kinds)


def add_eligibility_input_parameters(alg, default_preset: str) -> None:
    """Catalogue, kinds and the settlement setback (the main levers, at the top), area of interest, sources, one
    layer per role and criterion layers."""
    add_catalogue_parameters(alg, default_preset)
    add_kinds_parameter(alg)
    alg.add_parameter(QgsProcessingParameterNumber(
        SETTLEMENT_SETBACK, tr("Setback to settlements [m] (replaces the preset's)"),
        type=NUMBER_DOUBLE, minValue=0.0, optional=True))
    add_aoi_parameters(alg, optional=True)  # without it: the municipalities of an OSM source
    add_sources_parameter(alg, "SOURCES")
    add_role_parameters(alg)
    alg.add_parameter(QgsProcessingParameterMatrix(
        CRITERION_LAYERS, tr("Criteria with their own layer (criterion id → layer; every feature of the layer counts)"),
        numberRows=1, hasFixedNumberRows=False,
        headers=[tr("Criterion id"), tr("Layer (file, or name of a project layer)")], optional=True), advanced=True)


def criterion_layer_bindings(alg, parameters, context, feedback) -> list[dict]:
    """The criterion layers of the matrix parameter as the engine's layer bindings (``--criterion-layer``).

    Each row names a criterion id and a layer: a file (``NSG.shp``, ``schutz.gpkg|layername=nsg``) or a layer
    of the project by name or id. Layers the engine cannot read directly are exported to a GeoPackage first.
    """
    values = [str(v or "").strip() for v in alg.parameterAsMatrix(parameters, CRITERION_LAYERS, context) or []]
    if not any(values):  # the empty default (one blank row, or a blank cell) binds nothing
        return []
    label = alg.parameterDefinition(CRITERION_LAYERS).description()
    if len(values) % 2:
        raise QgsProcessingException(tr("“{parameter}”: give pairs of criterion id and layer.").format(
            parameter=label))
    out = []
    for k in range(0, len(values), 2):
        criterion, value = values[k], values[k + 1]
        if not criterion and not value:
            continue
        if not criterion or not value:
            raise QgsProcessingException(tr("“{parameter}”, row {row}: give both the criterion id and the layer.")
                                         .format(parameter=label, row=k // 2 + 1))
        layer = QgsProcessingUtils.mapLayerFromString(value, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(tr(
                "“{parameter}”, row {row}: cannot open the layer “{value}” (give a file path or the name of a "
                "layer of the project).").format(parameter=label, row=k // 2 + 1, value=value))
        path, name = QgsProcessingUtils.convertToCompatibleFormatAndLayerName(
            layer, False, f"criterion_{criterion}", ENGINE_VECTOR_FORMATS, "gpkg", context, feedback)
        out.append({"layer": {"path": path.split("|")[0], "layer": name or None}, "criterion": criterion})
    return out


def eligibility_inputs(alg, parameters, context, feedback) -> dict:
    """What "Land eligibility" and "Check input data" hand to their job: catalogue, layers, aoi, sources, kinds and
    the criterion layer bindings; refuses a run without kinds or without any area of interest."""
    kinds = [KIND_IDS[i] for i in alg.parameterAsEnums(parameters, KINDS, context)]
    if not kinds:
        raise QgsProcessingException(tr("Choose at least one kind of criteria to exclude."))
    tag_buffers = {}
    if parameters.get(SETTLEMENT_SETBACK) not in (None, ""):
        tag_buffers["settlement_setback"] = alg.parameterAsDouble(parameters, SETTLEMENT_SETBACK, context)
    sources = source_list(alg, parameters, "SOURCES", context, feedback)
    aoi = area_of_interest(alg, parameters, context, feedback)
    if aoi is None and not sources:
        raise QgsProcessingException(tr(
            "Give the area of interest “{label}” (AOI), or a data source with administrative boundaries "
            "(an OSM file or layer).").format(label=alg.parameterDefinition("AOI").description()))
    if aoi is None:
        names = alg.parameterAsString(parameters, "AOI_NAMES", context)
        aoi = {"name_field": alg.parameterAsString(parameters, "AOI_NAME_FIELD", context) or "name",
               "names": [n.strip() for n in names.split(",") if n.strip()]}
    return {"catalogue": catalogue_spec(alg, parameters, context, tag_buffers=tag_buffers),
            "layers": role_layers(alg, parameters, context, feedback), "aoi": aoi, "sources": sources,
            "kinds": kinds, "layer_bindings": criterion_layer_bindings(alg, parameters, context, feedback)}


# ----------------------------------------------------------------- the reference turbine of a WindBG accounting
#: Reference turbine of the wind presets (a test keeps these equal to their reference_turbine) and the tower-foot
#: radius (core.eligibility.windbg.DEFAULT_TOWER_FOOT_RADIUS_M). [m]
REFERENCE_HUB_HEIGHT, REFERENCE_ROTOR_DIAMETER, DEFAULT_TOWER_FOOT_RADIUS = 159.0, 141.0, 4.0


def add_reference_turbine_parameters(alg, advanced: bool = False) -> None:
    """Hub height, rotor diameter and tower-foot radius of the rotor-in offset (WindBG and plan-area accounting)."""
    for name, label, default in (
            ("HUB_HEIGHT", tr("Reference turbine: hub height [m]"), REFERENCE_HUB_HEIGHT),
            ("ROTOR_DIAMETER", tr("Reference turbine: rotor diameter [m]"), REFERENCE_ROTOR_DIAMETER),
            ("TOWER_FOOT_RADIUS", tr("Tower-foot radius [m]"), DEFAULT_TOWER_FOOT_RADIUS)):
        alg.add_parameter(QgsProcessingParameterNumber(
            name, label, type=NUMBER_DOUBLE, minValue=0.0, defaultValue=default), advanced=advanced)


def reference_turbine(alg, parameters, context) -> dict:
    """The reference turbine of :func:`add_reference_turbine_parameters` as the engine's Turbine (JSON)."""
    return {"hub_height_m": alg.parameterAsDouble(parameters, "HUB_HEIGHT", context),
            "rotor_diameter_m": alg.parameterAsDouble(parameters, "ROTOR_DIAMETER", context),
            "name": tr("reference turbine")}
