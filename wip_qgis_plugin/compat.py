"""API names that differ between QGIS 3.22 (Qt5) and QGIS 3.36+ / 4.x (Qt6).

QGIS 3.36 moved the Processing enums into scoped enums on ``Qgis`` (the old names are
deprecated and gone in QGIS 4); Qt6 only accepts scoped Qt enums. The plugin uses the names
defined here, so each difference is resolved once. Qt is always imported through
``qgis.PyQt``, which maps to PyQt5 or PyQt6.
"""
from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemScaleBar,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsTextFormat,
    QgsUnitTypes,
)

#: QGIS version as an integer, e.g. 32216 for 3.22.16.
QGIS_VERSION_INT: int = Qgis.versionInt() if hasattr(Qgis, "versionInt") else Qgis.QGIS_VERSION_INT

if hasattr(Qgis, "ProcessingSourceType"):  # QGIS >= 3.36
    SOURCE_POLYGON = Qgis.ProcessingSourceType.VectorPolygon
    SOURCE_LINE = Qgis.ProcessingSourceType.VectorLine
    SOURCE_POINT = Qgis.ProcessingSourceType.VectorPoint
    SOURCE_ANY_GEOMETRY = Qgis.ProcessingSourceType.VectorAnyGeometry
else:
    SOURCE_POLYGON = QgsProcessing.TypeVectorPolygon
    SOURCE_LINE = QgsProcessing.TypeVectorLine
    SOURCE_POINT = QgsProcessing.TypeVectorPoint
    SOURCE_ANY_GEOMETRY = QgsProcessing.TypeVectorAnyGeometry

if hasattr(Qgis, "ProcessingNumberParameterType"):  # QGIS >= 3.36
    NUMBER_DOUBLE = Qgis.ProcessingNumberParameterType.Double
    NUMBER_INTEGER = Qgis.ProcessingNumberParameterType.Integer
else:
    NUMBER_DOUBLE = QgsProcessingParameterNumber.Double
    NUMBER_INTEGER = QgsProcessingParameterNumber.Integer

if hasattr(Qgis, "ProcessingParameterFlag"):  # QGIS >= 3.36
    FLAG_ADVANCED = Qgis.ProcessingParameterFlag.Advanced
    FLAG_OPTIONAL = Qgis.ProcessingParameterFlag.Optional
else:
    FLAG_ADVANCED = QgsProcessingParameterDefinition.FlagAdvanced
    FLAG_OPTIONAL = QgsProcessingParameterDefinition.FlagOptional

if hasattr(Qgis, "ProcessingFieldParameterDataType"):  # QGIS >= 3.36
    FIELD_ANY = Qgis.ProcessingFieldParameterDataType.Any
else:
    FIELD_ANY = QgsProcessingParameterField.Any

if hasattr(Qgis, "ProcessingFileParameterBehavior"):  # QGIS >= 3.36
    FILE_BEHAVIOR_FILE = Qgis.ProcessingFileParameterBehavior.File
else:
    FILE_BEHAVIOR_FILE = QgsProcessingParameterFile.File

if hasattr(Qgis, "DistanceUnit"):  # QGIS >= 3.30
    DISTANCE_METERS = Qgis.DistanceUnit.Meters
else:
    DISTANCE_METERS = QgsUnitTypes.DistanceMeters

if hasattr(Qgis, "CrsWktVariant"):  # QGIS >= 3.36
    WKT_PREFERRED = Qgis.CrsWktVariant.Preferred
else:
    WKT_PREFERRED = QgsCoordinateReferenceSystem.WKT_PREFERRED


if QGIS_VERSION_INT >= 33800:  # QgsField takes a QMetaType (Qt6 has no QVariant.Type)
    from qgis.PyQt.QtCore import QMetaType
    FIELD_TYPE_STRING, FIELD_TYPE_DOUBLE = QMetaType.Type.QString, QMetaType.Type.Double
else:
    from qgis.PyQt.QtCore import QVariant
    FIELD_TYPE_STRING, FIELD_TYPE_DOUBLE = QVariant.String, QVariant.Double


def qgis_enum(scoped: str, member: str, fallback):
    """``Qgis.<scoped>.<member>`` where it exists (QGIS ≥ 3.30/3.36, required by QGIS 4), else ``fallback``."""
    group = getattr(Qgis, scoped, None)
    return getattr(group, member) if group is not None and hasattr(group, member) else fallback


#: Algorithm flag: run in the main thread (print layouts).
FLAG_NO_THREADING = qgis_enum("ProcessingAlgorithmFlag", "NoThreading",
                              getattr(QgsProcessingAlgorithm, "FlagNoThreading", 0))
#: Print layout units and map-item modes.
LAYOUT_MILLIMETERS = qgis_enum("LayoutUnit", "Millimeters", getattr(QgsUnitTypes, "LayoutMillimeters", 0))
DISTANCE_KILOMETERS = qgis_enum("DistanceUnit", "Kilometers", getattr(QgsUnitTypes, "DistanceKilometers", 0))
ATLAS_SCALING_AUTO = getattr(QgsLayoutItemMap, "AtlasScalingMode", QgsLayoutItemMap).Auto
PAGE_LANDSCAPE = getattr(QgsLayoutItemPage, "Orientation", QgsLayoutItemPage).Landscape
#: Scale bar segments sized to fit between the minimum and maximum bar width. QGIS 3.40 moved the enum to
#: ``Qgis.ScaleBarSegmentSizeMode`` and ``setSegmentSizeMode`` no longer takes the integer 1.
SCALEBAR_FIT_WIDTH = qgis_enum("ScaleBarSegmentSizeMode", "FitWidth",
                               getattr(QgsLayoutItemScaleBar, "SegmentSizeFitWidth", 1))


def set_label_font(item, font) -> None:
    """Set a layout label's font: ``QgsLayoutItemLabel.setFont`` is deprecated since QGIS 3.24 (it warns, and
    fails where warnings are errors) in favour of ``setTextFormat``; 3.22 has only ``setFont``."""
    if hasattr(item, "setTextFormat"):
        item.setTextFormat(QgsTextFormat.fromQFont(font))
    else:
        item.setFont(font)


def set_legend_style_font(style, font) -> None:
    """Set the font of a ``QgsLegendStyle``: ``setFont`` is deprecated since QGIS 3.30 (``setTextFormat``)."""
    if hasattr(style, "setTextFormat"):
        fmt = style.textFormat()
        fmt.setFont(font)
        if font.pointSizeF() > 0:
            fmt.setSize(font.pointSizeF())
        style.setTextFormat(fmt)
    else:
        style.setFont(font)


def crs_for_engine(crs: QgsCoordinateReferenceSystem) -> str:
    """The CRS as pyproj understands it: the EPSG code if it has one, else WKT2."""
    authid = crs.authid()
    return authid if authid.upper().startswith("EPSG:") else crs.toWkt(WKT_PREFERRED)


def set_advanced(param: QgsProcessingParameterDefinition) -> QgsProcessingParameterDefinition:
    """Mark a parameter as advanced (shown under "Advanced Parameters") and return it."""
    param.setFlags(param.flags() | FLAG_ADVANCED)
    return param


def push_warning(feedback, message: str) -> None:
    """Show a warning in the log; ``pushWarning`` exists only since QGIS 3.16."""
    if hasattr(feedback, "pushWarning"):
        feedback.pushWarning(message)
    else:  # pragma: no cover - QGIS < 3.16 is not supported, kept for forks
        feedback.reportError(message, False)
