"""The dialogs start with the open project's layers, recognised as the planning panel recognises them.

A layer parameter without a default shows the alphabetically first layer of a fitting geometry (or nothing):
fourteen empty slots in Land eligibility although the project's ``buildings``, ``landuse``, ``roads`` … say
what they are. :func:`preselect_roles` and :func:`preselect_municipalities` give the dialog the layers that
``panel_detect`` finds by ``layername=``, file name or layer name and geometry (the municipalities layer, and
its name and key fields, by ``detect_municipality_layer``).

Only as the dialog's default (``setGuiDefaultValueOverride``): ``processing.run``, ``qgis_process`` and models
still get exactly the layers they name, never one guessed from a project. Only in the main thread, where QGIS
makes the algorithm for a dialog; never while an algorithm runs in a task.
"""
from __future__ import annotations

from collections.abc import Iterable

from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes
from qgis.PyQt.QtCore import QCoreApplication, QThread

from ..panel_detect import (
    KEY_FIELDS,
    NAME_FIELDS,
    POLYGON,
    LayerInfo,
    detect_municipality_layer,
    detect_roles,
    geometry_class,
    pick_field,
)


def _in_main_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def project_layer_infos(project: QgsProject | None = None) -> list[LayerInfo]:
    """What the detection reads of the project's valid layers, in the order of the layer tree (top first)."""
    project = project or QgsProject.instance()
    ordered = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer() is not None]
    ordered += [layer for layer in project.mapLayers().values() if layer not in ordered]
    infos = []
    for layer in ordered:
        if isinstance(layer, QgsVectorLayer) and layer.isValid():
            infos.append(LayerInfo(layer.name(), layer.source(), QgsWkbTypes.displayString(layer.wkbType()),
                                   tuple(layer.fields().names()), layer.id()))
        elif isinstance(layer, QgsRasterLayer) and layer.isValid():
            infos.append(LayerInfo(layer.name(), layer.source(), "Raster", (), layer.id()))
    return infos


def _municipalities(infos: list[LayerInfo]) -> LayerInfo | None:
    return detect_municipality_layer([i for i in infos if geometry_class(i.geometry) == POLYGON])


def preselect_municipalities(alg, layer: str, name_field: str | None = None, id_field: str | None = None) -> None:
    """Start ``alg``'s dialog with the project's municipalities layer in the parameter ``layer`` and its name and
    key (AGS) fields in ``name_field`` / ``id_field`` (where ``alg`` has them)."""
    if not _in_main_thread():
        return
    found = _municipalities(project_layer_infos())
    if found is None:
        return
    alg.parameterDefinition(layer).setGuiDefaultValueOverride(found.key)
    for param, wanted in ((name_field, NAME_FIELDS), (id_field, KEY_FIELDS)):
        field = pick_field(found.fields, wanted) if param else None
        if field and alg.parameterDefinition(param) is not None:
            alg.parameterDefinition(param).setGuiDefaultValueOverride(field)


def preselect_roles(alg, roles: Iterable[str], parameter_name) -> dict[str, str]:
    """Start ``alg``'s dialog with the project's layer of each of ``roles`` (the parameter ``parameter_name(role)``);
    the municipalities layer serves no other role. Returns ``{role: layer id}`` of what was preselected."""
    if not _in_main_thread():
        return {}
    infos = project_layer_infos()
    if not infos:
        return {}
    municipalities = _municipalities(infos)
    found = detect_roles(infos, tuple(roles), exclude=[municipalities.key] if municipalities else [])
    chosen = {}
    for role, info in found.items():
        definition = alg.parameterDefinition(parameter_name(role))
        if definition is not None:
            definition.setGuiDefaultValueOverride(info.key)
            chosen[role] = info.key
    return chosen
