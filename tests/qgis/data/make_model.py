#!/usr/bin/env python3
"""Regenerate eligibility_zonal.model3: wip:landeligibility → native:zonalstatisticsfb.

The model takes the municipalities and the five layers the wind presets read (hard and soft
criteria), computes the eligibility raster and sums it per municipality (count and sum of
eligible cells). Run with QGIS's Python from the repository root:
    QT_QPA_PLATFORM=offscreen python3 tests/qgis/data/make_model.py
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
sys.path.append("/usr/share/qgis/python/plugins")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessing,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
)
from qgis.core import QgsProcessingModelChildParameterSource as Source  # noqa: E402
from qgis.PyQt.QtCore import QPointF  # noqa: E402

LAYERS = ("landuse", "buildings", "protected_areas", "water", "waterways")


def build() -> QgsProcessingModelAlgorithm:
    model = QgsProcessingModelAlgorithm("eligibility_zonal", "WIP tests")
    inputs = [QgsProcessingParameterFeatureSource("aoi", "Municipalities", [QgsProcessing.TypeVectorPolygon])]
    inputs += [QgsProcessingParameterFeatureSource(n, n, [QgsProcessing.TypeVectorAnyGeometry]) for n in LAYERS]
    inputs.append(QgsProcessingParameterNumber("resolution", "Resolution [m]",
                                               QgsProcessingParameterNumber.Double, 50.0))
    for i, definition in enumerate(inputs):
        component = QgsProcessingModelParameter(definition.name())
        component.setPosition(QPointF(100, 60 + 60 * i))
        model.addModelParameter(definition, component)

    eligibility = QgsProcessingModelChildAlgorithm("wip:landeligibility")
    eligibility.setChildId("eligibility")
    eligibility.setDescription("Land eligibility")
    eligibility.setPosition(QPointF(400, 200))
    eligibility.addParameterSources("PRESET", [Source.fromStaticValue("wind_sachsen_anhalt")])
    eligibility.addParameterSources("AOI", [Source.fromModelParameter("aoi")])
    eligibility.addParameterSources("AOI_NAME_FIELD", [Source.fromStaticValue("name")])
    eligibility.addParameterSources("CRS", [Source.fromStaticValue("EPSG:25832")])
    eligibility.addParameterSources("KINDS", [Source.fromStaticValue([0, 1])])
    eligibility.addParameterSources("MIN_AREA", [Source.fromStaticValue(1.0)])
    eligibility.addParameterSources("RESOLUTION", [Source.fromModelParameter("resolution")])
    for n in LAYERS:
        eligibility.addParameterSources(n.upper(), [Source.fromModelParameter(n)])
    eligibility.addParameterSources("OUTPUT_ELIGIBILITY", [Source.fromStaticValue("TEMPORARY_OUTPUT")])
    model.addChildAlgorithm(eligibility)

    zonal = QgsProcessingModelChildAlgorithm("native:zonalstatisticsfb")
    zonal.setChildId("zonal")
    zonal.setDescription("Eligible cells per municipality")
    zonal.setPosition(QPointF(700, 200))
    zonal.addParameterSources("INPUT", [Source.fromModelParameter("aoi")])
    zonal.addParameterSources("INPUT_RASTER", [Source.fromChildOutput("eligibility", "OUTPUT_ELIGIBILITY")])
    zonal.addParameterSources("RASTER_BAND", [Source.fromStaticValue(1)])
    zonal.addParameterSources("COLUMN_PREFIX", [Source.fromStaticValue("elig_")])
    zonal.addParameterSources("STATISTICS", [Source.fromStaticValue([0, 1])])  # count, sum
    output = QgsProcessingModelOutput("zonal", "Eligible cells per municipality")
    output.setChildId("zonal")
    output.setChildOutputName("OUTPUT")
    output.setPosition(QPointF(900, 260))
    zonal.setModelOutputs({"zonal": output})
    model.addChildAlgorithm(zonal)  # adds the destination parameter "zonal:zonal"
    return model


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from wip_qgis_plugin import classFactory

    plugin = classFactory(None)  # keep a reference: the provider lives as long as the plugin
    plugin.initProcessing()
    model = build()
    ok, problems = model.validate()
    if not ok:
        raise SystemExit(f"invalid model: {problems}")
    path = HERE / "eligibility_zonal.model3"
    if not model.toFile(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
