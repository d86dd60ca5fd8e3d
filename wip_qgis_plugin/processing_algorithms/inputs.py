"""Parameter blocks several algorithms share: catalogue, area of interest, working CRS.

Each function takes the algorithm and uses its class constants for the parameter names
(``alg.PRESET``, ``alg.AOI`` …), so the declaring and the reading side cannot drift apart.
"""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from ..compat import DISTANCE_METERS, FIELD_ANY, SOURCE_POLYGON, crs_for_engine
from ..i18n import tr
from .base import preset_ids

DEFAULT_CRS = "EPSG:25832"
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
