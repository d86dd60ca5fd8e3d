"""The project's layers as the guided panel sees them: what the detection reads of each layer, the roles of the
panel's table and their short names, the default output folder."""
from __future__ import annotations

import tempfile
from pathlib import Path

from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes

from . import panel_detect as detect
from .i18n import tr
from .panel_params import LAKES_ROLE, PANEL_RASTER_ROLES
from .processing_algorithms.roles import INPUT_ROLES

POPULATION_FIELDS = ("population", "einwohner", "ewz", "pop")
#: Roles shown in the table: the algorithm's layer roles, the lakes of floating PV, the rasters it scores with.
PANEL_ROLES = (*INPUT_ROLES, LAKES_ROLE, *PANEL_RASTER_ROLES)


def role_name(role: str) -> str:
    """Short name of a layer role for the table (the algorithm's labels are longer)."""
    return {
        "landuse": tr("Land use"), "settlements": tr("Settlement areas (other source)"),
        "forest": tr("Forest (other source)"), "buildings": tr("Buildings"), "roads": tr("Roads"),
        "railways": tr("Railways"), "power_lines": tr("Power lines"), "substations": tr("Substations"),
        "water": tr("Water bodies"), "waterways": tr("Watercourses"), "protected_areas": tr("Protected areas"),
        "airfields": tr("Airfields"), "wind_turbines": tr("Existing wind turbines"),
        "pv_parks": tr("Existing PV parks"), "nest_sites": tr("Nest sites"), "parking": tr("Parking lots"),
        "disadvantaged_areas": tr("Disadvantaged areas"), LAKES_ROLE: tr("Lakes for floating PV"),
        "dem": tr("Elevation model"), "wind_speed_150m": tr("Wind speed 150 m"),
        "wind_speed_100m": tr("Wind speed 100 m"), "soil_quality": tr("Soil quality"),
    }.get(role, role)


def layer_info(layer) -> detect.LayerInfo:
    """What the detection reads of a QGIS layer."""
    if isinstance(layer, QgsRasterLayer):
        return detect.LayerInfo(layer.name(), layer.source(), "Raster", (), layer.id())
    if isinstance(layer, QgsVectorLayer):
        return detect.LayerInfo(layer.name(), layer.source(), QgsWkbTypes.displayString(layer.wkbType()),
                                tuple(layer.fields().names()), layer.id())
    return detect.LayerInfo(layer.name(), layer.source(), "", (), layer.id())


def project_layers(project: QgsProject) -> list:
    """The project's vector and raster layers, in the order of the layer tree (top first), then the others."""
    ordered = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer() is not None]
    seen = {layer.id() for layer in ordered}
    ordered += [layer for layer in project.mapLayers().values() if layer.id() not in seen]
    return [layer for layer in ordered if isinstance(layer, (QgsVectorLayer, QgsRasterLayer)) and layer.isValid()]


def default_output_folder(project: QgsProject) -> str:
    """``<project folder>/wip_profil`` for a saved project, else ``<temp>/wip_profil``: stable, so a second
    run reuses the eligibility of the first where nothing changed."""
    home = project.homePath()
    return str(Path(home or tempfile.gettempdir()) / "wip_profil")
