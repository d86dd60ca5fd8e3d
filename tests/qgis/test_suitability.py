"""wip:suitability through processing.run: the engine's result on the same inputs, AHP weights
with their consistency ratio, styled outputs, clear refusals that leave no file behind."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from wip_qgis_testing import SAMPLE_DIR, RecordingFeedback, assert_refused, read_band, run_algorithm

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.data.rasters import RasterRef
from wip_qgis_plugin.core.suitability.engine import (
    SensitivitySettings,
    SuitabilityOutputs,
    SuitabilitySettings,
    run_suitability,
)
from wip_qgis_plugin.processing_algorithms.output_styles import StylePostProcessor

ALG = "wip:suitability"
ROLES = ("landuse", "substations", "roads")  # read by wind_sachsen_anhalt's soft criteria
WIND_150 = SAMPLE_DIR / "wind_speed_150m.tif"
# wind_speed is 3× as important as settlement_distance …; settlement_distance vs road_access (9)
# contradicts the other judgements: CR ≈ 0.71
INCONSISTENT_AHP = [
    ["wind_speed", "settlement_distance", 3], ["wind_speed", "grid_distance", 5], ["wind_speed", "road_access", 5],
    ["settlement_distance", "grid_distance", 1], ["settlement_distance", "road_access", 9],
    ["grid_distance", "road_access", "1/7"],
]
CONSISTENT_AHP = [
    ["wind_speed", "settlement_distance", 2], ["wind_speed", "grid_distance", 4], ["wind_speed", "road_access", 4],
    ["settlement_distance", "grid_distance", 2], ["settlement_distance", "road_access", 2],
    ["grid_distance", "road_access", 1],
]


def parameters(run, **extra) -> dict:
    region = run.region
    params = {"PRESET": "wind_sachsen_anhalt", "ELIGIBILITY": str(run.raster), "ELIGIBLE_AREAS": run.areas_uri,
              "AOI": region.uri("municipalities"), "AOI_NAME_FIELD": "name", "AOI_NAMES": ", ".join(run.names),
              "WIND_SPEED_150M": str(WIND_150), "SENSITIVITY_RUNS": 0}
    params.update({role.upper(): region.uri(role) for role in ROLES})
    params.update(extra)
    return params


def engine(run, outputs: SuitabilityOutputs, catalogue=None, sensitivity=None, sites=True):
    """run_suitability on the same inputs: the oracle of the wrapper."""
    region = run.region
    return run_suitability(
        catalogue or load_catalogue("wind_sachsen_anhalt"),
        layers={r: LayerRef(str(region.path), r) for r in ROLES},
        rasters={"wind_speed_150m": RasterRef(str(WIND_150))},
        aoi=AreaOfInterest(LayerRef(str(region.path), "municipalities"), "name", run.names),
        eligibility_raster=run.raster, outputs=outputs, settings=SuitabilitySettings(sensitivity=sensitivity),
        eligible_areas=LayerRef(str(run.areas), "eligible_areas") if sites else None)


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matches_the_engine_on_the_sample_region(provider, sample_eligibility, tmp_path):
    out = {name: str(tmp_path / f) for name, f in (
        ("OUTPUT_SUITABILITY", "s.tif"), ("OUTPUT_SITES", "sites.gpkg"), ("OUTPUT_SITES_TABLE", "sites.csv"),
        ("OUTPUT_STABILITY", "stab.tif"))}
    result = run_algorithm(ALG, parameters(sample_eligibility, SENSITIVITY_RUNS=10, PERTURBATION=20,
                                           TOP_SHARE=10, **out))
    ref = tmp_path / "engine"
    ref.mkdir()
    expected = engine(sample_eligibility, SuitabilityOutputs(
        ref / "s.tif", sites_table=ref / "sites.csv", stability=ref / "stab.tif"),
        sensitivity=SensitivitySettings(runs=10, perturbation=0.2, top_pct=10.0))
    for name, path in out.items():
        assert result[name] == path and Path(path).is_file(), name
    suitability = read_band(out["OUTPUT_SUITABILITY"])
    np.testing.assert_array_equal(suitability, read_band(ref / "s.tif"))
    np.testing.assert_array_equal(read_band(out["OUTPUT_STABILITY"]), read_band(ref / "stab.tif"))
    scored = suitability[suitability != 255]
    assert scored.size and scored.min() >= 0 and scored.max() <= 100
    assert result["MEAN_SCORE"] == pytest.approx(expected.mean_score)
    assert result["CONSISTENCY_RATIO"] is None  # the preset weights directly
    assert csv_rows(out["OUTPUT_SITES_TABLE"]) == csv_rows(ref / "sites.csv")
    sites = QgsVectorLayer(f"{out['OUTPUT_SITES']}|layername=candidate_sites")
    assert sites.featureCount() == len(expected.sites) > 0
    assert sorted(f["rank"] for f in sites.getFeatures()) == list(range(1, len(expected.sites) + 1))


@pytest.mark.parametrize("matrix, consistent", [(INCONSISTENT_AHP, False), (CONSISTENT_AHP, True)])
def test_ahp_matrix_reports_cr_and_warns_about_inconsistent_pairs(provider, sample_eligibility, tmp_path,
                                                                  matrix, consistent):
    feedback = RecordingFeedback()
    out = tmp_path / "s.tif"
    result = run_algorithm(ALG, parameters(sample_eligibility, AHP=matrix, OUTPUT_SUITABILITY=str(out)),
                           feedback=feedback)
    catalogue = load_catalogue("wind_sachsen_anhalt").with_suitability_overrides(
        {"weighting": "ahp", "ahp": [list(row) for row in matrix]})
    expected = engine(sample_eligibility, SuitabilityOutputs(tmp_path / "engine.tif"), catalogue, sites=False)
    np.testing.assert_array_equal(read_band(out), read_band(tmp_path / "engine.tif"))
    assert result["CONSISTENCY_RATIO"] == pytest.approx(expected.ahp.consistency_ratio)
    assert any(f"CR = {expected.ahp.consistency_ratio:.3f}" in line for line in feedback.infos)
    ahp_warnings = [w for w in feedback.warnings if "consistency ratio" in w]
    if consistent:
        assert result["CONSISTENCY_RATIO"] < 0.1 and not ahp_warnings
    else:
        assert result["CONSISTENCY_RATIO"] > 0.1
        assert ahp_warnings and "settlement_distance vs road_access" in ahp_warnings[0]


def test_flat_matrix_and_geometric_aggregation(provider, sample_eligibility, tmp_path):
    """qgis_process and models pass the matrix as one flat list; the aggregation overrides the catalogue."""
    flat = [value for row in CONSISTENT_AHP for value in row]
    out = tmp_path / "s.tif"
    run_algorithm(ALG, parameters(sample_eligibility, AHP=flat, AGGREGATION=2, OUTPUT_SUITABILITY=str(out)))
    catalogue = load_catalogue("wind_sachsen_anhalt").with_suitability_overrides(
        {"weighting": "ahp", "ahp": CONSISTENT_AHP, "aggregation": "weighted_geometric"})
    engine(sample_eligibility, SuitabilityOutputs(tmp_path / "engine.tif"), catalogue, sites=False)
    np.testing.assert_array_equal(read_band(out), read_band(tmp_path / "engine.tif"))


def test_outputs_are_styled_when_loaded(provider, sample_eligibility, tmp_path):
    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    outputs = {"OUTPUT_SUITABILITY": tmp_path / "s.tif", "OUTPUT_SITES": tmp_path / "sites.gpkg",
               "OUTPUT_STABILITY": tmp_path / "stab.tif"}
    params = parameters(sample_eligibility, SENSITIVITY_RUNS=5)
    params.update({k: QgsProcessingOutputLayerDefinition(str(v), project) for k, v in outputs.items()})
    run_algorithm(ALG, params, context=context)
    for name, renderer in (("OUTPUT_SUITABILITY", "singlebandpseudocolor"), ("OUTPUT_SITES", "graduatedSymbol"),
                           ("OUTPUT_STABILITY", "singlebandpseudocolor")):
        details = context.layerToLoadOnCompletionDetails(str(outputs[name]))
        assert isinstance(details.postProcessor(), StylePostProcessor), name
        layer = QgsVectorLayer(str(outputs[name])) if name == "OUTPUT_SITES" else QgsRasterLayer(str(outputs[name]))
        details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
        assert layer.renderer().type() == renderer, name
        if name == "OUTPUT_SUITABILITY":  # a fixed 0–100 ramp; 255 (not scored) is not drawn
            shader = layer.renderer().shader().rasterShaderFunction()
            assert (shader.minimumValue(), shader.maximumValue()) == (0.0, 100.0) and shader.clip()


def test_without_eligible_areas_sites_are_skipped_with_a_warning(provider, sample_eligibility, tmp_path):
    feedback = RecordingFeedback()
    params = parameters(sample_eligibility, ELIGIBLE_AREAS=None, OUTPUT_SUITABILITY=str(tmp_path / "s.tif"),
                        OUTPUT_SITES_TABLE=str(tmp_path / "sites.csv"))
    result = run_algorithm(ALG, params, feedback=feedback)
    assert result["OUTPUT_SITES_TABLE"] is None and not (tmp_path / "sites.csv").exists()
    assert any("eligible areas" in w for w in feedback.warnings)


# ----------------------------------------------------------------- refusals
def test_missing_eligibility_raster_is_refused(provider, sample_eligibility, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    params = parameters(sample_eligibility, ELIGIBILITY=str(tmp_path / "nowhere.tif"),
                        OUTPUT_SUITABILITY=str(out / "s.tif"))
    assert_refused(ALG, params, out, "ELIGIBILITY", "nowhere.tif")  # QGIS checks before the run
    del params["ELIGIBILITY"]
    assert_refused(ALG, params, out, "ELIGIBILITY")


def test_missing_inputs_of_the_soft_criteria_are_named(provider, sample_eligibility, tmp_path):
    params = parameters(sample_eligibility, SUBSTATIONS=None, WIND_SPEED_150M=None,
                        OUTPUT_SUITABILITY=str(tmp_path / "s.tif"))
    assert_refused(ALG, params, tmp_path, "wind_sachsen_anhalt", "“Substations [",
                   "“Mean wind speed 150 m above ground [raster, m/s]”")


def test_geographic_eligibility_raster_is_refused(provider, sample_eligibility, tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    raster = tmp_path / "in" / "elig_4326.tif"
    raster.parent.mkdir()
    with rasterio.open(raster, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8",
                       crs="EPSG:4326", transform=from_origin(12.1, 51.7, 0.001, 0.001), nodata=255) as ds:
        ds.write(np.ones((1, 10, 10), dtype="uint8"))
    out = tmp_path / "out"
    out.mkdir()
    params = parameters(sample_eligibility, ELIGIBILITY=str(raster), OUTPUT_SUITABILITY=str(out / "s.tif"))
    assert_refused(ALG, params, out, "geographic", "EPSG:25832")


@pytest.mark.parametrize("extra, fragments", [
    ({"SENSITIVITY_RUNS": 0, "OUTPUT_STABILITY": "stab.tif"}, ("stability raster needs sensitivity runs",)),
    ({"AHP": ["wind_speed", "grid_distance", 3, "road_access", "x"]}, ("rows of three values", "got 5 values")),
    ({"AHP": [["wind_speed", "grid_distanc", 3]]}, ("grid_distanc", "grid_distance")),
])
def test_bad_options_are_refused(provider, sample_eligibility, tmp_path, extra, fragments):
    extra = {k: str(tmp_path / v) if k.startswith("OUTPUT") else v for k, v in extra.items()}
    params = parameters(sample_eligibility, OUTPUT_SUITABILITY=str(tmp_path / "s.tif"), **extra)
    assert_refused(ALG, params, tmp_path, *fragments)


def test_cancelled_run_leaves_nothing(provider, sample_eligibility, tmp_path):
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    params = parameters(sample_eligibility, SENSITIVITY_RUNS=5, OUTPUT_SUITABILITY=str(tmp_path / "s.tif"),
                        OUTPUT_SITES=str(tmp_path / "sites.gpkg"), OUTPUT_STABILITY=str(tmp_path / "stab.tif"))
    assert_refused(ALG, params, tmp_path, "cancel", feedback=feedback)
