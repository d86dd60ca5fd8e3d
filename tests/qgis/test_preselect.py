"""The dialogs start with the project's layers, recognised by role (processing_algorithms/preselect.py)."""
from __future__ import annotations

from qgis.core import QgsApplication, QgsProject


def override_names(algorithm, project) -> dict[str, str]:
    out = {}
    for definition in algorithm.parameterDefinitions():
        value = definition.guiDefaultValueOverride()
        if value not in (None, ""):
            layer = project.mapLayer(value) if isinstance(value, str) else None
            out[definition.name()] = layer.name() if layer is not None else value
    return out


def test_land_eligibility_starts_with_the_sample_projects_layers(provider, sample_project):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("wip:landeligibility")
    chosen = override_names(algorithm, sample_project)
    assert chosen["AOI"] == "Gemeinden" and chosen["AOI_NAME_FIELD"] == "name"
    assert {k: chosen.get(k) for k in ("BUILDINGS", "LANDUSE", "ROADS", "RAILWAYS", "WATER", "PROTECTED_AREAS")} == {
        "BUILDINGS": "Gebäude", "LANDUSE": "Landnutzung", "ROADS": "Straßen", "RAILWAYS": "Bahnstrecken",
        "WATER": "Gewässer", "PROTECTED_AREAS": "Schutzgebiete"}
    assert "Gemeinden" not in {v for k, v in chosen.items() if k != "AOI"}  # the municipalities serve no role
    # the dialog only: scripts, qgis_process and models get exactly what they name
    assert algorithm.parameterDefinition("BUILDINGS").defaultValue() is None
    assert algorithm.parameterDefinition("AOI").defaultValue() is None


def test_the_profile_dialog_gets_rasters_and_key_fields(provider, sample_project):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("wip:municipalprofile")
    chosen = override_names(algorithm, sample_project)
    assert chosen["AOI"] == "Gemeinden" and chosen["AOI_ID_FIELD"] == "ags"
    assert chosen.get("DEM") == "Höhenmodell" and chosen.get("SUBSTATIONS") == "Umspannwerke"


def test_nothing_is_preselected_without_a_project(provider, qgis_app):
    QgsProject.instance().clear()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("wip:landeligibility")
    assert override_names(algorithm, QgsProject.instance()) == {}
