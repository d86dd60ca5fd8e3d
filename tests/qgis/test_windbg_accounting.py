"""wip:windbgaccounting through processing.run: the engine's accounting on the same inputs, as a
table and as styled municipality polygons; defaults from the presets; clear refusals."""
from __future__ import annotations

import pytest
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
)
from wip_qgis_testing import assert_refused, run_algorithm

from wip_qgis_plugin.core.catalogue.loader import list_presets, load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.windbg import (
    DEFAULT_TOWER_FOOT_RADIUS_M,
    WINDBG_FIELDS,
    WindbgSettings,
    municipal_areas,
    windbg_accounting,
    write_windbg_csv,
)
from wip_qgis_plugin.processing_algorithms.output_styles import StylePostProcessor
from wip_qgis_plugin.processing_algorithms.windbg_accounting import WindbgAccounting

ALG = "wip:windbgaccounting"


def parameters(run, **extra) -> dict:
    return {"AOI": run.region.uri("municipalities"), "AOI_NAME_FIELD": "name", "AOI_ID_FIELD": "ags",
            "AOI_NAMES": ", ".join(run.names), "ELIGIBLE_AREAS": run.areas_uri, **extra}


@pytest.mark.parametrize("rotor_in", [False, True])
def test_matches_the_engine_on_the_sample_region(provider, sample_eligibility, tmp_path, rotor_in):
    table, polygons = tmp_path / "windbg.csv", tmp_path / "windbg.gpkg"
    result = run_algorithm(ALG, parameters(sample_eligibility, ROTOR_IN=rotor_in, OUTPUT_TABLE=str(table),
                                           OUTPUT_MUNICIPALITIES=str(polygons)))
    region = sample_eligibility.region
    munis = municipal_areas(AreaOfInterest(LayerRef(str(region.path), "municipalities"), "name",
                                           sample_eligibility.names), "EPSG:25832")
    expected = windbg_accounting(munis, LayerRef(str(sample_eligibility.areas), "eligible_areas"),
                                 settings=WindbgSettings(rotor_in=rotor_in,
                                                         turbine=load_catalogue("wind_sachsen_anhalt").reference_turbine))
    write_windbg_csv(tmp_path / "engine.csv", expected)
    assert table.read_text(encoding="utf-8") == (tmp_path / "engine.csv").read_text(encoding="utf-8")
    assert result["COUNTED_HA"] == pytest.approx(expected.total.counted_ha)
    assert result["COUNTED_PCT"] == pytest.approx(expected.total.counted_pct)
    assert result["GAP_2032_HA"] == pytest.approx(expected.total.gap_2032_ha)
    assert expected.total.eligible_ha == pytest.approx(sum(r.eligible_ha for r in expected.rows))
    if rotor_in:
        assert expected.total.counted_ha < expected.total.eligible_ha

    layer = QgsVectorLayer(result["OUTPUT_MUNICIPALITIES"])
    assert layer.isValid() and [f.name() for f in layer.fields() if f.name() != "fid"] == list(WINDBG_FIELDS)
    features = {f["name"]: f for f in layer.getFeatures()}
    assert set(features) == set(sample_eligibility.names)
    for row in expected.rows:
        feature = features[row.name]
        assert feature["counted_pct"] == pytest.approx(row.counted_pct)
        assert feature["gap_2032_ha"] == pytest.approx(row.gap_2032_ha)
        assert feature["target_2027_pct"] == row.target_2027_pct == 1.8  # Sachsen-Anhalt, from the AGS
        assert feature.geometry().area() / 10_000 == pytest.approx(row.area_ha, rel=1e-9)


def test_municipalities_are_styled_by_share_against_target(provider, sample_eligibility, tmp_path):
    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    out = str(tmp_path / "windbg.gpkg")
    result = run_algorithm(ALG, parameters(
        sample_eligibility, OUTPUT_TABLE=str(tmp_path / "t.csv"),
        OUTPUT_MUNICIPALITIES=QgsProcessingOutputLayerDefinition(out, project)), context=context)
    details = context.layerToLoadOnCompletionDetails(result["OUTPUT_MUNICIPALITIES"])
    assert isinstance(details.postProcessor(), StylePostProcessor)
    layer = QgsVectorLayer(result["OUTPUT_MUNICIPALITIES"])
    details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
    assert layer.renderer().type() == "RuleRenderer"
    filters = [rule.filterExpression() for rule in layer.renderer().rootRule().children()]
    assert any('"target_2032_pct"' in f for f in filters) and any('"target_2027_pct"' in f for f in filters)


def test_defaults_are_the_reference_turbine_of_the_wind_presets():
    for preset in (p for p in list_presets() if p.technology == "wind"):
        turbine = load_catalogue(preset.id).reference_turbine
        assert turbine.hub_height_m == WindbgAccounting.REFERENCE_HUB_HEIGHT, preset.id
        assert turbine.rotor_diameter_m == WindbgAccounting.REFERENCE_ROTOR_DIAMETER, preset.id
    assert WindbgAccounting.DEFAULT_TOWER_FOOT_RADIUS == DEFAULT_TOWER_FOOT_RADIUS_M


def test_geographic_crs_is_refused(provider, sample_eligibility, tmp_path):
    params = parameters(sample_eligibility, CRS="EPSG:4326", OUTPUT_TABLE=str(tmp_path / "t.csv"),
                        OUTPUT_MUNICIPALITIES=str(tmp_path / "m.gpkg"))
    assert_refused(ALG, params, tmp_path, "EPSG:4326", "not a projected CRS in metres")


def test_tower_foot_wider_than_the_rotor_is_refused(provider, sample_eligibility, tmp_path):
    params = parameters(sample_eligibility, ROTOR_IN=True, TOWER_FOOT_RADIUS=80,
                        OUTPUT_TABLE=str(tmp_path / "t.csv"), OUTPUT_MUNICIPALITIES=str(tmp_path / "m.gpkg"))
    assert_refused(ALG, params, tmp_path, "tower-foot radius", "70.5")


def test_eligible_areas_without_municipality_names_are_refused(provider, sample_eligibility, tmp_path):
    params = parameters(sample_eligibility, ELIGIBLE_AREAS=sample_eligibility.region.uri("buildings"),
                        OUTPUT_TABLE=str(tmp_path / "t.csv"))
    assert_refused(ALG, params, tmp_path, "no field 'name'")


def test_cancelled_run_leaves_nothing(provider, sample_eligibility, tmp_path):
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    params = parameters(sample_eligibility, OUTPUT_TABLE=str(tmp_path / "t.csv"),
                        OUTPUT_MUNICIPALITIES=str(tmp_path / "m.gpkg"))
    assert_refused(ALG, params, tmp_path, "cancel", feedback=feedback)
