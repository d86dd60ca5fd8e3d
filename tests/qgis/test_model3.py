"""The shipped Model Designer model wip_qgis_plugin/models/municipal_profile_chain.model3.

It chains the single algorithms: Land eligibility → Suitability → Turbine layout (wind) and
Land eligibility → Suitability → Solar potential (ground PV) → Municipal energy profile (reusing the
turbines and solar sites) → Site maps (PDF). The model is written by :func:`build_model`; regenerate
the shipped file with the system's QGIS 3.22 from the repository root (QGIS 3.26 and later would name the
model's outputs after their descriptions, and scripts calling ``maps:maps`` would break):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/qgis/test_model3.py --write
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "wip_qgis_plugin" / "models" / "municipal_profile_chain.model3"
LAYERS = ("landuse", "buildings", "roads", "railways", "substations", "water", "waterways", "protected_areas",
          "airfields")
RASTERS = ("wind_speed_150m", "dem", "soil_quality")
CHILDREN = {"wind_eligibility": "wip:landeligibility", "wind_suitability": "wip:suitability",
            "wind_layout": "wip:turbinelayout", "pv_eligibility": "wip:landeligibility",
            "pv_suitability": "wip:suitability", "pv_solar": "wip:solarpotential",
            "profile": "wip:municipalprofile", "maps": "wip:sitemaps"}


def build_model():
    """The model, built with the Processing model API."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterNumber,
        QgsProcessingParameterRasterLayer,
        QgsProcessingParameterString,
    )
    from qgis.core import QgsProcessingModelChildParameterSource as Source
    from qgis.PyQt.QtCore import QPointF

    model = QgsProcessingModelAlgorithm("municipal_profile_chain", "WIP")
    model.setHelpContent({"ALG_DESC": "Municipal energy profile as a chain of the single WIP algorithms: eligibility "
                                      "and suitability for wind and ground PV, turbine layout, solar potential, the "
                                      "profile with its reports, and the site maps (PDF).",
                          "ALG_CREATOR": "WIP", "ALG_VERSION": "1"})
    from wip_qgis_plugin.compat import NUMBER_DOUBLE, SOURCE_ANY_GEOMETRY, SOURCE_POLYGON

    inputs = [QgsProcessingParameterFeatureSource("aoi", "Municipalities", [SOURCE_POLYGON]),
              QgsProcessingParameterString("names", "Only these municipalities (comma-separated)", optional=True)]
    inputs += [QgsProcessingParameterFeatureSource(n, n.replace("_", " ").capitalize(),
                                                   [SOURCE_ANY_GEOMETRY], optional=True)
               for n in LAYERS]
    inputs += [QgsProcessingParameterRasterLayer(r, r.replace("_", " "), optional=True) for r in RASTERS]
    inputs.append(QgsProcessingParameterNumber("resolution", "Grid resolution [m]", NUMBER_DOUBLE, 25.0, minValue=1.0))
    for i, definition in enumerate(inputs):
        component = QgsProcessingModelParameter(definition.name())
        component.setPosition(QPointF(120, 40 + 45 * i))
        model.addModelParameter(definition, component)

    def child(cid: str, x: float, y: float, description: str, params: dict, outputs: dict | None = None):
        alg = QgsProcessingModelChildAlgorithm(CHILDREN[cid])
        alg.setChildId(cid)
        alg.setDescription(description)
        alg.setPosition(QPointF(x, y))
        for name, source in params.items():
            alg.addParameterSources(name, source if isinstance(source, list) else [source])
        # every other mandatory parameter at its default (models store no implicit defaults)
        from qgis.core import QgsApplication

        from wip_qgis_plugin.compat import FLAG_OPTIONAL

        definition = QgsApplication.processingRegistry().algorithmById(CHILDREN[cid])
        for d in definition.parameterDefinitions():
            optional = d.flags() & FLAG_OPTIONAL
            if d.name() not in params and not optional and not d.isDestination() and d.defaultValue() is not None:
                alg.addParameterSources(d.name(), [Source.fromStaticValue(d.defaultValue())])
        if outputs:
            outs = {}
            for out_name, (child_output, label) in outputs.items():
                o = QgsProcessingModelOutput(out_name, label)
                o.setChildId(cid)
                o.setChildOutputName(child_output)
                o.setPosition(QPointF(x + 220, y + 40))
                outs[out_name] = o
            alg.setModelOutputs(outs)
        model.addChildAlgorithm(alg)

    aoi = {"AOI": Source.fromModelParameter("aoi"), "AOI_NAME_FIELD": Source.fromStaticValue("name"),
           "AOI_NAMES": Source.fromModelParameter("names")}
    layers = {n.upper(): Source.fromModelParameter(n) for n in LAYERS}
    rasters = {r.upper(): Source.fromModelParameter(r) for r in RASTERS}
    temp = Source.fromStaticValue("TEMPORARY_OUTPUT")
    for tech, preset, y in (("wind", "wind_sachsen_anhalt", 80), ("pv", "pv_ground", 480)):
        child(f"{tech}_eligibility", 450, y, f"Land eligibility ({preset})", {
            "PRESET": Source.fromStaticValue(preset), **aoi, **layers, "KINDS": Source.fromStaticValue([0, 1]),
            "RESOLUTION": Source.fromModelParameter("resolution"), "CRS": Source.fromStaticValue("EPSG:25832"),
            "MIN_AREA": Source.fromStaticValue(5.0 if tech == "wind" else 1.0),
            "OUTPUT_ELIGIBILITY": temp, "OUTPUT_AREAS": temp})
        child(f"{tech}_suitability", 700, y + 60, f"Suitability ({preset})", {
            "PRESET": Source.fromStaticValue(preset),
            "ELIGIBILITY": Source.fromChildOutput(f"{tech}_eligibility", "OUTPUT_ELIGIBILITY"),
            "ELIGIBLE_AREAS": Source.fromChildOutput(f"{tech}_eligibility", "OUTPUT_AREAS"), **aoi,
            **{k: v for k, v in layers.items() if k in ("LANDUSE", "SUBSTATIONS", "ROADS", "RAILWAYS")}, **rasters,
            "AGGREGATION": Source.fromStaticValue(0), "SENSITIVITY_RUNS": Source.fromStaticValue(0),
            "PERTURBATION": Source.fromStaticValue(20.0), "TOP_SHARE": Source.fromStaticValue(10.0),
            "OUTPUT_SUITABILITY": temp, "OUTPUT_SITES": temp})
    child("wind_layout", 950, 200, "Turbine layout (E-141/4200)", {
        "ELIGIBLE_AREAS": Source.fromChildOutput("wind_eligibility", "OUTPUT_AREAS"),
        "TURBINE": Source.fromStaticValue("E-141/4200"), "ROTOR_IN": Source.fromStaticValue(False),
        "SPACING_ALONG": Source.fromStaticValue(5.0), "SPACING_ACROSS": Source.fromStaticValue(3.0),
        "OBJECTIVE": Source.fromStaticValue(0), "WAKE_MODEL": Source.fromStaticValue(0),
        "WEIBULL_K": Source.fromStaticValue(2.0), "AVAILABILITY_LOSS": Source.fromStaticValue(3.0),
        "ELECTRICAL_LOSS": Source.fromStaticValue(2.0), "OTHER_LOSS": Source.fromStaticValue(0.0),
        "WIND_SPEED_150M": Source.fromModelParameter("wind_speed_150m"), "DEM": Source.fromModelParameter("dem"),
        "LANDUSE": Source.fromModelParameter("landuse"), "WATER": Source.fromModelParameter("water"),
        "BUILDINGS": Source.fromModelParameter("buildings"), "OUTPUT_TURBINES": temp})
    child("pv_solar", 950, 600, "Solar potential (fixed south)", {
        "ELIGIBILITY": Source.fromChildOutput("pv_eligibility", "OUTPUT_ELIGIBILITY"),
        "SITES": Source.fromChildOutput("pv_suitability", "OUTPUT_SITES"), **aoi,
        "DEM": Source.fromModelParameter("dem"), "SYSTEM": Source.fromStaticValue(0),
        "TRY_REGION": Source.fromStaticValue(0), "USE_TERRAIN": Source.fromStaticValue(True),
        "OUTPUT_YIELD": temp, "OUTPUT_SITES": temp})
    child("profile", 1200, 400, "Municipal energy profile", {
        **aoi, "AOI_ID_FIELD": Source.fromStaticValue("ags"), "POPULATION_FIELD": Source.fromStaticValue("population"),
        "WIND_PRESET": Source.fromStaticValue("wind_sachsen_anhalt"), "PV_PRESET": Source.fromStaticValue("pv_ground"),
        **layers, **rasters, "RESOLUTION": Source.fromModelParameter("resolution"),
        "CRS": Source.fromStaticValue("EPSG:25832"), "SOURCES": Source.fromStaticValue([0, 1]),
        "WIND_SITES": Source.fromChildOutput("wind_layout", "OUTPUT_TURBINES"),
        "PV_GROUND_SITES": Source.fromChildOutput("pv_solar", "OUTPUT_SITES"),
        "TOP_N": Source.fromStaticValue(3), "LANGUAGE": Source.fromStaticValue(0),
        "REUSE": Source.fromStaticValue(True), "ROTOR_IN": Source.fromStaticValue(False)},  # as the layout above
        {"profile": ("OUTPUT_FOLDER", "Profile folder (indicators, reports)")})
    child("maps", 1450, 400, "Site maps (PDF)", {
        "MUNICIPALITIES": Source.fromChildOutput("profile", "OUTPUT_MUNICIPALITIES"),
        "NAME_FIELD": Source.fromStaticValue("name"), "SITES": Source.fromChildOutput("profile", "OUTPUT_SITES"),
        "WIND_AREAS": Source.fromChildOutput("wind_eligibility", "OUTPUT_AREAS"),
        "PV_AREAS": Source.fromChildOutput("pv_eligibility", "OUTPUT_AREAS"),
        "SUITABILITY": Source.fromChildOutput("wind_suitability", "OUTPUT_SUITABILITY"),
        "TOP_N": Source.fromStaticValue(1), "TITLE": Source.fromStaticValue("Kommunales Energieprofil")},
        {"maps": ("OUTPUT_PDF", "Site maps (PDF)")})
    return model


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", Path(path).read_bytes()))


#: The model's outputs as the shipped file names them (written by QGIS 3.22): '<child>:<output>'.
SHIPPED_OUTPUTS = {"profile:profile", "maps:maps"}


def fresh_output_names() -> set[str]:
    """What this QGIS names the outputs of a model built in code (not read from a file).

    QGIS 3.26 (qgis/QGIS#47559) names the outputs of newly created models after their descriptions
    ("Site maps (PDF)" → ``site_maps_pdf``) and keeps '<child>:<output>' for models read from files
    written before, such as the shipped one; tested on 3.22, 3.40 and 3.44.
    """
    from qgis.core import Qgis

    if Qgis.QGIS_VERSION_INT < 32600:
        return SHIPPED_OUTPUTS
    return {"profile_folder_indicators_reports", "site_maps_pdf"}


def test_shipped_model_is_current_and_valid(provider):
    from qgis.core import QgsProcessingModelAlgorithm

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL)), f"{MODEL} does not load"
    ok, problems = model.validate()
    assert ok, problems
    assert {c: model.childAlgorithm(c).algorithmId() for c in model.childAlgorithms()} == CHILDREN
    fresh = build_model()
    inputs = lambda m: sorted(d.name() for d in m.parameterDefinitions() if not d.isDestination())  # noqa: E731
    outputs = lambda m: {d.name() for d in m.parameterDefinitions() if d.isDestination()}  # noqa: E731
    assert inputs(model) == inputs(fresh), "regenerate the model (see the module docstring)"
    # the file keeps the names scripts and parent models call it with, on every QGIS version
    assert outputs(model) == SHIPPED_OUTPUTS, "regenerate the model with QGIS 3.22 (see the module docstring)"
    assert outputs(fresh) == fresh_output_names()
    assert {c: sorted(model.childAlgorithm(c).modelOutputs()) for c in CHILDREN} == \
        {c: sorted(fresh.childAlgorithm(c).modelOutputs()) for c in CHILDREN}
    for cid in CHILDREN:
        assert model.childAlgorithm(cid).parameterSources().keys() == \
            fresh.childAlgorithm(cid).parameterSources().keys(), cid


@pytest.mark.slow
def test_model_runs_on_the_sample_region(provider, sample_region, tmp_path):
    import processing
    from qgis.core import QgsProcessingModelAlgorithm
    from wip_qgis_testing import SAMPLE_DIR

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    names = sample_region.names[:2]
    params = {"aoi": sample_region.uri("municipalities"), "names": ",".join(names), "resolution": 100.0,
              **{n: sample_region.uri(n) for n in LAYERS},
              "wind_speed_150m": str(SAMPLE_DIR / "wind_speed_150m.tif"), "dem": str(SAMPLE_DIR / "dem.tif"),
              "soil_quality": str(SAMPLE_DIR / "soil_quality.tif"),
              "profile:profile": str(tmp_path / "profile"), "maps:maps": str(tmp_path / "maps.pdf")}
    result = processing.run(model, params)
    folder = Path(result["profile:profile"])
    assert (folder / "report" / "index.html").is_file()
    text = (folder / "profile_indicators.csv").read_text(encoding="utf-8")
    assert all(n in text for n in names)
    import json

    data = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    assert data["sources"]["wind"]["status"] == "reused" and data["sources"]["pv_ground"]["status"] == "reused"
    sites_pages = sum(min(1, len([s for s in m["top_sites"]])) for m in data["municipalities"])
    assert pdf_pages(Path(result["maps:maps"])) == len(names) + sites_pages


def main() -> int:
    import os

    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_HASH_SEED", "0")  # XML attributes in the same order on every run
    # the texts stored in the model (help, file filters) in English, whatever the user's QGIS settings say
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = tempfile.mkdtemp(prefix="wip-model3-")
    os.environ["LC_ALL"] = os.environ["LANG"] = "C.UTF-8"
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    sys.path.insert(0, str(REPO))
    from wip_qgis_plugin import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    model = build_model()
    ok, problems = model.validate()
    if not ok:
        raise SystemExit(f"invalid model: {problems}")
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    if not model.toFile(str(MODEL)):
        raise SystemExit(f"could not write {MODEL}")
    print(MODEL)
    del plugin, app
    return 0


if __name__ == "__main__" and "--write" in sys.argv:
    sys.exit(main())
