"""Input layer parameters, one per layer role of the engine (``core.data.layers.ROLES``), and
input raster parameters, one per raster role (``core.data.rasters.RASTER_ROLES``).

The role ``municipalities`` is the area of interest and has its own parameter; all
other roles are optional vector parameters named after the role in capitals
(``buildings`` → ``BUILDINGS``), so models and qgis_process calls read naturally.
Raster roles are named the same way (``wind_speed_150m`` → ``WIND_SPEED_150M``).
"""
from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingParameterFeatureSource, QgsProcessingParameterRasterLayer

from ..compat import SOURCE_ANY_GEOMETRY
from ..i18n import tr
from ..panel_detect import ROLE_ALIASES
from .preselect import preselect_roles

#: Roles with an input layer parameter, in the order they are shown.
INPUT_ROLES = (
    "landuse", "settlements", "forest", "buildings", "roads", "railways", "power_lines", "substations", "water",
    "waterways", "protected_areas", "airfields", "wind_turbines", "pv_parks", "nest_sites", "parking",
    "disadvantaged_areas",
)


def parameter_name(role: str) -> str:
    """Name of the parameter holding the layer of ``role``."""
    return role.upper()


def role_label(role: str) -> str:
    """Translated parameter label of a role, with the geometry and tags expected."""
    return {
        "landuse": tr("Land use, forest and settlement areas [polygons, OSM landuse=*]"),
        "settlements": tr("Settlement areas from another source [polygons, e.g. ATKIS Ortslage]"),
        "forest": tr("Forest from another source [polygons]"),
        "buildings": tr("Buildings [polygons or points, OSM building=*]"),
        "roads": tr("Roads [lines, OSM highway=*]"),
        "railways": tr("Railways [lines, OSM railway=*]"),
        "power_lines": tr("Power lines [lines, OSM power=line, voltage]"),
        "substations": tr("Substations [polygons or points, OSM power=substation]"),
        "water": tr("Water bodies [polygons, OSM natural=water]"),
        "waterways": tr("Watercourses [lines, OSM waterway=*]"),
        "protected_areas": tr("Protected areas [polygons, OSM boundary=protected_area]"),
        "airfields": tr("Airfields [polygons or points, OSM aeroway=aerodrome]"),
        "wind_turbines": tr("Existing wind turbines [points, OSM generator:source=wind]"),
        "pv_parks": tr("Existing PV parks [polygons, OSM plant:source=solar]"),
        "nest_sites": tr("Nests of collision-prone birds [points, species field; BNatSchG § 45b]"),
        "parking": tr("Parking lots [polygons, OSM amenity=parking] (PV category parking)"),
        "disadvantaged_areas": tr("Disadvantaged areas (benachteiligte Gebiete) [polygons] (PV category under the "
                                  "Land ordinance)"),
    }[role]


def add_role_parameters(alg, shown: tuple[str, ...] | None = None) -> None:
    """Declare one optional vector parameter per input role on ``alg``.

    With ``shown``, the other roles' parameters are advanced (folded away in the dialog).
    """
    for role in INPUT_ROLES:
        alg.add_parameter(QgsProcessingParameterFeatureSource(
            parameter_name(role), role_label(role), [SOURCE_ANY_GEOMETRY], optional=True),
            advanced=shown is not None and role not in shown)
    preselect_roles(alg, INPUT_ROLES, parameter_name)  # the dialog starts with the project's layers


def role_layers(alg, parameters, context, feedback, roles: tuple[str, ...] = INPUT_ROLES) -> dict:
    """Map each of ``roles`` whose parameter was given to the engine's LayerRef (as JSON)."""
    layers = {}
    for role in roles:
        if role not in INPUT_ROLES:
            continue
        ref = alg.layer_ref(parameters, parameter_name(role), context, feedback)
        if ref is not None:
            layers[role] = ref
    return layers


def role_parameter_label(alg, role: str) -> str:
    """Label of the parameter of a layer or raster role on ``alg`` (the role's label if it has none)."""
    definition = alg.parameterDefinition(parameter_name(role))
    if definition is not None:
        return definition.description()
    if role in INPUT_ROLES:
        return role_label(role)
    return raster_role_label(role) if role in RASTER_INPUT_ROLES else role


#: Raster roles with an input raster parameter (the keys of ``core.data.rasters.RASTER_ROLES``,
#: listed here so that loading the provider does not import the engine; a test compares them).
RASTER_INPUT_ROLES = ("dem", "slope", "aspect", "wind_speed_100m", "wind_speed_150m", "soil_quality", "land_cover")

#: Raster roles of class codes: read by exclusion criteria only (no parameter on the scoring algorithms).
CLASS_RASTER_ROLES = ("land_cover",)

#: Raster roles the engine derives from another role's raster when none is given.
DERIVED_RASTER_ROLES = {"slope": "dem", "aspect": "dem"}


def raster_role_label(role: str) -> str:
    """Translated parameter label of a raster role, with its unit."""
    return {
        "dem": tr("Elevation model [raster, m above sea level]"),
        "slope": tr("Slope [raster, °] (derived from the elevation model if empty)"),
        "aspect": tr("Aspect [raster, ° from north] (derived from the elevation model if empty)"),
        "wind_speed_100m": tr("Mean wind speed 100 m above ground [raster, m/s]"),
        "wind_speed_150m": tr("Mean wind speed 150 m above ground [raster, m/s]"),
        "soil_quality": tr("Soil quality [raster, Ackerzahl 0–100 points]"),
        "land_cover": tr("Land cover [raster, class codes: CORINE, LBM-DE, Copernicus] (for raster criteria)"),
    }[role]


def add_raster_role_parameters(alg, shown: tuple[str, ...] | None = None) -> None:
    """Declare one optional raster parameter per scored raster role on ``alg`` (others advanced; class rasters
    such as land cover are read by exclusion criteria only and get no parameter here)."""
    roles = [r for r in RASTER_INPUT_ROLES if r not in CLASS_RASTER_ROLES]
    for role in roles:
        alg.add_parameter(QgsProcessingParameterRasterLayer(
            parameter_name(role), raster_role_label(role), optional=True),
            advanced=shown is not None and role not in shown)
    preselect_roles(alg, [r for r in roles if r in ROLE_ALIASES], parameter_name)


def raster_path(alg, parameters, name, context) -> str | None:
    """File (or GDAL data source) of a raster parameter; None if it was left empty.

    Raises QgsProcessingException for a value that is no readable raster, or a raster
    that is not read by GDAL (e.g. a WMS layer), which the engine cannot open.
    """
    value = parameters.get(name)
    if value is None or value == "":
        return None
    layer = alg.parameterAsRasterLayer(parameters, name, context)
    if layer is None or not layer.isValid():
        raise QgsProcessingException(tr("“{parameter}”: cannot open the raster “{value}”.").format(
            parameter=alg.parameterDefinition(name).description(), value=value))
    if layer.providerType() != "gdal":
        raise QgsProcessingException(tr(
            "“{parameter}”: the raster “{layer}” is not a file read by GDAL (provider {provider}). "
            "Save it as GeoTIFF first (right-click → Export → Save As).").format(
                parameter=alg.parameterDefinition(name).description(), layer=layer.name(),
                provider=layer.providerType()))
    return layer.source()


def raster_roles(alg, parameters, context, roles: tuple[str, ...] = RASTER_INPUT_ROLES) -> dict:
    """Map each of ``roles`` whose raster parameter was given to its file path."""
    rasters = {}
    for role in roles:
        path = raster_path(alg, parameters, parameter_name(role), context) if role in RASTER_INPUT_ROLES else None
        if path is not None:
            rasters[role] = path
    return rasters
