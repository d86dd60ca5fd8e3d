"""Input layer parameters, one per layer role of the engine (``core.layers.ROLES``).

The role ``municipalities`` is the area of interest and has its own parameter; all
other roles are optional vector parameters named after the role in capitals
(``buildings`` → ``BUILDINGS``), so models and qgis_process calls read naturally.
"""
from __future__ import annotations

from qgis.core import QgsProcessingParameterFeatureSource

from ..compat import SOURCE_ANY_GEOMETRY
from ..i18n import tr

#: Roles with an input layer parameter, in the order they are shown.
INPUT_ROLES = (
    "landuse", "settlements", "forest", "buildings", "roads", "railways", "power_lines", "substations", "water",
    "waterways", "protected_areas", "airfields", "wind_turbines", "pv_parks",
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
    }[role]


def add_role_parameters(alg) -> None:
    """Declare one optional vector parameter per input role on ``alg``."""
    for role in INPUT_ROLES:
        alg.add_parameter(QgsProcessingParameterFeatureSource(
            parameter_name(role), role_label(role), [SOURCE_ANY_GEOMETRY], optional=True))


def role_layers(alg, parameters, context, feedback) -> dict:
    """Map each role whose parameter was given to the engine's LayerRef."""
    layers = {}
    for role in INPUT_ROLES:
        ref = alg.layer_ref(parameters, parameter_name(role), context, feedback)
        if ref is not None:
            layers[role] = ref
    return layers
