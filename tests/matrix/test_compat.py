"""wip_qgis_plugin.compat on the QGIS it runs in: one test per API difference between 3.22, 3.40 and 3.44.

Run on every column of the matrix (the system's 3.22, trixie's 3.40, sid's 3.44). Each test states
which name the running version must get (the scoped ``Qgis`` enum where it exists, the 3.22 name
otherwise) and that QGIS accepts the value where the plugin uses it, so a compat branch that picks the
wrong name, or a name that QGIS no longer takes, fails on the version concerned.
"""
from __future__ import annotations

import pytest
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsField,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsUnitTypes,
)

from wip_qgis_plugin import compat

V = compat.QGIS_VERSION_INT


def test_version_int_is_the_running_qgis():
    major, minor = (int(p) for p in Qgis.QGIS_VERSION.split(".")[:2])
    assert V // 100 == major * 100 + minor


def test_source_types_are_accepted_by_a_feature_source():
    """3.36 moved QgsProcessing.TypeVector* to Qgis.ProcessingSourceType."""
    if V >= 33600:
        assert compat.SOURCE_POLYGON == Qgis.ProcessingSourceType.VectorPolygon
    types = [compat.SOURCE_POLYGON, compat.SOURCE_LINE, compat.SOURCE_POINT, compat.SOURCE_ANY_GEOMETRY]
    param = QgsProcessingParameterFeatureSource("IN", "in", types)
    assert [int(t) for t in param.dataTypes()] == [2, 1, 0, -1]


def test_number_types():
    """3.36: QgsProcessingParameterNumber.Double/Integer → Qgis.ProcessingNumberParameterType."""
    if V >= 33600:
        assert compat.NUMBER_DOUBLE == Qgis.ProcessingNumberParameterType.Double
    assert QgsProcessingParameterNumber("N", "n", compat.NUMBER_DOUBLE).dataType() == compat.NUMBER_DOUBLE
    assert QgsProcessingParameterNumber("N", "n", compat.NUMBER_INTEGER).dataType() == compat.NUMBER_INTEGER
    assert compat.NUMBER_DOUBLE != compat.NUMBER_INTEGER


def test_parameter_flags():
    """3.36: QgsProcessingParameterDefinition.Flag* → Qgis.ProcessingParameterFlag (flags combine with |)."""
    if V >= 33600:
        assert compat.FLAG_ADVANCED == Qgis.ProcessingParameterFlag.Advanced
    param = compat.set_advanced(QgsProcessingParameterNumber("N", "n", compat.NUMBER_DOUBLE, optional=True))
    assert param.flags() & compat.FLAG_ADVANCED
    assert param.flags() & compat.FLAG_OPTIONAL


def test_field_parameter_type():
    """3.36: QgsProcessingParameterField.Any → Qgis.ProcessingFieldParameterDataType.Any."""
    if V >= 33600:
        assert compat.FIELD_ANY == Qgis.ProcessingFieldParameterDataType.Any
    param = QgsProcessingParameterField("F", "f", None, "IN", compat.FIELD_ANY)
    assert param.dataType() == compat.FIELD_ANY


def test_file_parameter_behavior():
    """3.36: QgsProcessingParameterFile.File → Qgis.ProcessingFileParameterBehavior.File."""
    if V >= 33600:
        assert compat.FILE_BEHAVIOR_FILE == Qgis.ProcessingFileParameterBehavior.File
    assert QgsProcessingParameterFile("F", "f", compat.FILE_BEHAVIOR_FILE).behavior() == compat.FILE_BEHAVIOR_FILE


def test_distance_units():
    """3.30: QgsUnitTypes.Distance* → Qgis.DistanceUnit."""
    if V >= 33000:
        assert compat.DISTANCE_METERS == Qgis.DistanceUnit.Meters
        assert compat.DISTANCE_KILOMETERS == Qgis.DistanceUnit.Kilometers
    assert QgsUnitTypes.fromUnitToUnitFactor(compat.DISTANCE_KILOMETERS, compat.DISTANCE_METERS) == 1000.0


def test_layout_units():
    """3.30: QgsUnitTypes.LayoutMillimeters → Qgis.LayoutUnit.Millimeters."""
    if V >= 33000:
        assert compat.LAYOUT_MILLIMETERS == Qgis.LayoutUnit.Millimeters
    assert QgsUnitTypes.toString(compat.LAYOUT_MILLIMETERS).lower() in ("mm", "millimeters")


def test_crs_wkt_variant():
    """3.36: QgsCoordinateReferenceSystem.WKT_PREFERRED → Qgis.CrsWktVariant.Preferred (WKT2)."""
    if V >= 33600:
        assert compat.WKT_PREFERRED == Qgis.CrsWktVariant.Preferred
    crs = QgsCoordinateReferenceSystem()
    crs.createFromProj("+proj=tmerc +lat_0=0 +lon_0=11 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m")
    wkt = compat.crs_for_engine(crs)
    assert wkt.startswith(("PROJCRS", "BOUNDCRS")), wkt[:40]
    assert compat.crs_for_engine(QgsCoordinateReferenceSystem("EPSG:25832")) == "EPSG:25832"


def test_field_types():
    """3.38: QgsField takes a QMetaType.Type (Qt6 has no QVariant.Type); 3.22 takes QVariant.Type."""
    string, double = QgsField("s", compat.FIELD_TYPE_STRING), QgsField("d", compat.FIELD_TYPE_DOUBLE)
    assert string.isNumeric() is False and double.isNumeric() is True
    if V >= 33800:
        from qgis.PyQt.QtCore import QMetaType
        assert compat.FIELD_TYPE_STRING == QMetaType.Type.QString


def test_no_threading_flag():
    """3.36: QgsProcessingAlgorithm.FlagNoThreading → Qgis.ProcessingAlgorithmFlag.NoThreading."""
    from wip_qgis_plugin.processing_algorithms import SiteMaps

    if V >= 33600:
        assert compat.FLAG_NO_THREADING == Qgis.ProcessingAlgorithmFlag.NoThreading
    assert SiteMaps().flags() & compat.FLAG_NO_THREADING


def test_layout_enums():
    """QgsLayoutItemMap.Auto and QgsLayoutItemPage.Landscape live in their scoped enums (needed by Qt6)."""
    assert compat.ATLAS_SCALING_AUTO == QgsLayoutItemMap.AtlasScalingMode.Auto
    assert compat.PAGE_LANDSCAPE == QgsLayoutItemPage.Orientation.Landscape


def test_push_warning_reaches_the_feedback():
    class Recorder(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, message):  # noqa: N802 (QGIS API)
            self.warnings.append(message)

    feedback = Recorder()
    compat.push_warning(feedback, "Achtung")
    assert feedback.warnings == ["Achtung"]


def test_scale_bar_segment_size_mode():
    """3.40: QgsLayoutItemScaleBar.SegmentSizeFitWidth → Qgis.ScaleBarSegmentSizeMode.FitWidth (no int)."""
    from qgis.core import QgsLayoutItemScaleBar, QgsPrintLayout, QgsProject

    if hasattr(Qgis, "ScaleBarSegmentSizeMode"):
        assert compat.SCALEBAR_FIT_WIDTH == Qgis.ScaleBarSegmentSizeMode.FitWidth
    layout = QgsPrintLayout(QgsProject.instance())
    bar = QgsLayoutItemScaleBar(layout)
    bar.setSegmentSizeMode(compat.SCALEBAR_FIT_WIDTH)
    assert bar.segmentSizeMode() == compat.SCALEBAR_FIT_WIDTH


def test_layout_label_font_without_deprecated_calls():
    """3.24: QgsLayoutItemLabel.setFont is deprecated (warns) → setTextFormat; 3.22 has only setFont."""
    import warnings

    from qgis.core import QgsLayoutItemLabel, QgsPrintLayout, QgsProject
    from qgis.PyQt.QtGui import QFont

    label = QgsLayoutItemLabel(QgsPrintLayout(QgsProject.instance()))
    font = QFont("Sans", 15)
    font.setBold(True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        compat.set_label_font(label, font)
    shown = label.textFormat().font() if hasattr(label, "textFormat") else label.font()
    assert shown.bold()
    if hasattr(label, "textFormat"):
        assert label.textFormat().size() == 15


def test_legend_style_font_without_deprecated_calls():
    """3.30: QgsLegendStyle.setFont is deprecated → setTextFormat."""
    import warnings

    from qgis.core import QgsLegendStyle
    from qgis.PyQt.QtGui import QFont

    style = QgsLegendStyle()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        compat.set_legend_style_font(style, QFont("Sans", 8))
    if hasattr(style, "textFormat"):
        assert style.textFormat().size() == 8
    else:
        assert style.font().pointSizeF() == 8


@pytest.mark.parametrize("algorithm", [cls.__name__ for cls in
                                       __import__("wip_qgis_plugin.processing_algorithms",
                                                  fromlist=["ALGORITHMS"]).ALGORITHMS])
def test_every_algorithm_declares_its_parameters(algorithm):
    """initAlgorithm on this version: every parameter definition is valid and checks its own default."""
    from wip_qgis_plugin import processing_algorithms

    alg = getattr(processing_algorithms, algorithm)()
    alg.initAlgorithm({})
    params = alg.parameterDefinitions()
    assert params, algorithm
    for p in params:
        assert p.name() and p.description(), (algorithm, p.name())
        if p.defaultValue() is not None and p.type() not in ("enum",):
            assert p.checkValueIsAcceptable(p.defaultValue()), (algorithm, p.name(), p.defaultValue())
