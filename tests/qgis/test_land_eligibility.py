"""wip:landeligibility through processing.run: same result as the engine, any layer source,
styled outputs, clear errors that leave no file behind."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import (
    QgsFeatureRequest,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from wip_qgis_testing import ALG_ID

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.processing_algorithms.output_styles import StylePostProcessor

WIND_ROLES = ("landuse", "buildings", "protected_areas", "water", "waterways")


def run(parameters, context=None, feedback=None):
    import processing

    return processing.run(ALG_ID, parameters, context=context, feedback=feedback)


def engine_result(region, roles, out: Path, names=(), resolution=50.0, **settings):
    """The engine's own result for the same inputs (the oracle of the wrapper)."""
    return run_eligibility(
        load_catalogue("wind_sachsen_anhalt"),
        layers={r: LayerRef(str(region.path), r) for r in roles},
        aoi=AreaOfInterest(LayerRef(str(region.path), "municipalities"), "name", tuple(names)),
        outputs=EligibilityOutputs(eligibility=out),
        settings=EligibilitySettings(resolution_m=resolution, crs="EPSG:25832", **settings),
    )


def read_band(path) -> np.ndarray:
    with rasterio.open(path) as ds:
        return ds.read(1)


def test_matches_the_engine_on_the_small_region(provider, small_region, tmp_path):
    out = tmp_path / "elig.tif"
    result = run(small_region.parameters(
        WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50, OUTPUT_ELIGIBILITY=str(out),
        OUTPUT_TABLE=str(tmp_path / "table.csv")))
    expected = engine_result(small_region, WIND_ROLES, tmp_path / "engine.tif")
    assert result["OUTPUT_ELIGIBILITY"] == str(out) and out.is_file()
    assert (tmp_path / "table.csv").is_file()
    assert result["OUTPUT_REASONS"] is None and result["OUTPUT_AREAS"] is None
    assert result["TOTAL_HA"] == pytest.approx(2400.0)  # two 4 × 3 km municipalities
    assert result["ELIGIBLE_HA"] == pytest.approx(expected.eligible_ha)
    assert 0.0 < result["ELIGIBLE_PCT"] < 100.0
    np.testing.assert_array_equal(read_band(out), read_band(tmp_path / "engine.tif"))


def test_memory_and_filtered_layers_work_like_files(provider, small_region, tmp_path):
    aoi = QgsVectorLayer(small_region.uri("municipalities"), "municipalities", "ogr")
    memory = aoi.materialize(QgsFeatureRequest())
    assert memory.providerType() == "memory"
    filtered = QgsVectorLayer(small_region.uri("landuse"), "landuse", "ogr")
    filtered.setSubsetString("landuse = 'residential'")  # the forest does not count any more
    params = small_region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50,
                                     AOI=memory, LANDUSE=filtered, AOI_NAMES="Ostheim",
                                     OUTPUT_ELIGIBILITY=str(tmp_path / "m.tif"))
    result = run(params)
    assert result["TOTAL_HA"] == pytest.approx(1200.0)
    with_forest = run(dict(params, LANDUSE=small_region.uri("landuse"),
                           OUTPUT_ELIGIBILITY=str(tmp_path / "f.tif")))
    assert result["ELIGIBLE_HA"] > with_forest["ELIGIBLE_HA"]


def test_all_outputs_are_written_and_styled_when_loaded(provider, small_region, tmp_path):
    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    outputs = {name: str(tmp_path / f) for name, f in (
        ("OUTPUT_ELIGIBILITY", "e.tif"), ("OUTPUT_REASONS", "r.tif"),
        ("OUTPUT_AREAS", "a.gpkg"), ("OUTPUT_TABLE", "t.csv"))}
    params = small_region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50)
    params.update({k: QgsProcessingOutputLayerDefinition(v, project) for k, v in outputs.items()})
    result = run(params, context=context)
    for name, path in outputs.items():
        assert result[name] == path and Path(path).is_file(), name
    renderers = {"OUTPUT_ELIGIBILITY": "paletted", "OUTPUT_REASONS": "singlebandpseudocolor",
                 "OUTPUT_AREAS": "singleSymbol"}
    for name, renderer in renderers.items():
        details = context.layerToLoadOnCompletionDetails(outputs[name])
        assert isinstance(details.postProcessor(), StylePostProcessor), name
        layer = (QgsVectorLayer(outputs[name]) if name == "OUTPUT_AREAS"
                 else QgsRasterLayer(outputs[name]))
        details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
        assert layer.renderer().type() == renderer, name


def test_settlement_setback_overrides_the_preset(provider, small_region, tmp_path):
    def eligible(setback):
        extra = {} if setback is None else {"SETTLEMENT_SETBACK": setback}
        return run(small_region.parameters(
            WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50,
            OUTPUT_ELIGIBILITY=str(tmp_path / f"s{setback}.tif"), **extra))["ELIGIBLE_HA"]

    assert eligible(600) > eligible(None) > eligible(1500)  # preset: 1000 m


def test_catalogue_file_replaces_the_preset(provider, small_region, tmp_path):
    catalogue = tmp_path / "mine.yaml"
    catalogue.write_text("extends: wind_sachsen_anhalt\nid: mine\nversion: '1'\ncriteria:\n"
                         "  - {id: settlements_soft, buffer: 600 m}\n", encoding="utf-8")
    base = small_region.parameters(WIND_ROLES, PRESET="wind_sachsen_anhalt", RESOLUTION=50)
    mine = run(dict(base, CATALOGUE=str(catalogue), OUTPUT_ELIGIBILITY=str(tmp_path / "c.tif")))
    setback = run(dict(base, SETTLEMENT_SETBACK=600, OUTPUT_ELIGIBILITY=str(tmp_path / "s.tif")))
    assert mine["ELIGIBLE_HA"] == pytest.approx(setback["ELIGIBLE_HA"])


# ----------------------------------------------------------------- errors
def assert_refused(parameters, tmp_path, *fragments, feedback=None, context=None):
    with pytest.raises(QgsProcessingException) as info:
        run(parameters, feedback=feedback, context=context)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == [], "an output was left behind"


def test_geographic_crs_is_refused(provider, small_region, tmp_path):
    params = small_region.parameters(WIND_ROLES, CRS="EPSG:4326",
                                     OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    assert_refused(params, tmp_path, "EPSG:4326", "not a projected CRS in metres", "EPSG:25832")


def test_missing_layer_the_catalogue_needs_is_named(provider, small_region, tmp_path):
    roles = [r for r in WIND_ROLES if r != "buildings"]
    params = small_region.parameters(roles, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"),
                                     OUTPUT_TABLE=str(tmp_path / "t.csv"), REQUIRE_ALL=True)
    assert_refused(params, tmp_path, "wind_sachsen_anhalt", "“Buildings [polygons or points")


def test_missing_layer_without_require_all_is_not_assessed(provider, small_region, tmp_path):
    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushWarning(self, text):  # noqa: N802 (QGIS API)
            self.lines.append(text)
            super().pushWarning(text)

    roles = [r for r in WIND_ROLES if r != "buildings"]
    feedback = Warnings()
    result = run(small_region.parameters(roles, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif")), feedback=feedback)
    assert result["ELIGIBLE_HA"] > 0
    assert any("dwellings_2h" in line and "buildings" in line for line in feedback.lines), feedback.lines


def test_criterion_bound_to_a_project_layer_is_assessed(provider, small_region, tmp_path):
    """The nature reserve given only as the criterion's own layer (a project layer by name) excludes what the
    protected-areas role excludes; without either the criterion is not assessed and more land is eligible."""
    context = QgsProcessingContext()
    project = QgsProject()
    nsg = QgsVectorLayer(small_region.uri("protected_areas"), "NSG Landesamt", "ogr")
    assert nsg.isValid()
    project.addMapLayer(nsg)
    context.setProject(project)
    roles = [r for r in WIND_ROLES if r != "protected_areas"]
    bound = run(small_region.parameters(roles, RESOLUTION=50, OUTPUT_ELIGIBILITY=str(tmp_path / "bound.tif"),
                                        CRITERION_LAYERS=["nature_reserves", "NSG Landesamt"]), context=context)
    as_role = run(small_region.parameters(WIND_ROLES, RESOLUTION=50, OUTPUT_ELIGIBILITY=str(tmp_path / "role.tif")))
    without = run(small_region.parameters(roles, RESOLUTION=50, OUTPUT_ELIGIBILITY=str(tmp_path / "none.tif")))
    assert bound["ELIGIBLE_HA"] == pytest.approx(as_role["ELIGIBLE_HA"], abs=1e-6)
    assert without["ELIGIBLE_HA"] > bound["ELIGIBLE_HA"] + 1.0
    refused = tmp_path / "refused"
    refused.mkdir()
    params = small_region.parameters(roles, OUTPUT_ELIGIBILITY=str(refused / "e.tif"),
                                     CRITERION_LAYERS=["nature_reserve", "NSG Landesamt"])
    assert_refused(params, refused, "nature_reserve", "nature_reserves", context=context)


def test_case_by_case_criteria_need_more_layers(provider, small_region, tmp_path):
    params = small_region.parameters(WIND_ROLES, KINDS=[0, 1, 2], REQUIRE_ALL=True,
                                     OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    assert_refused(params, tmp_path, "case_by_case", "“Railways [", "“Power lines [", "“Airfields [")


def test_missing_area_of_interest_is_refused(provider, small_region, tmp_path):
    params = small_region.parameters(WIND_ROLES, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    del params["AOI"]
    assert_refused(params, tmp_path, "AOI")


def test_engine_errors_keep_their_message(provider, small_region, tmp_path):
    params = small_region.parameters(WIND_ROLES, AOI_NAMES="Nirgendwo",
                                     OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    assert_refused(params, tmp_path, "Nirgendwo")


def test_cancelled_run_leaves_nothing(provider, small_region, tmp_path):
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    params = small_region.parameters(WIND_ROLES, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif"))
    assert_refused(params, tmp_path, "cancel", feedback=feedback)


def test_packages_built_against_other_libraries_are_warned_about(provider, small_region, tmp_path, monkeypatch):
    from wip_qgis_plugin import environment

    class Recorder(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, message):  # noqa: N802 (QGIS API)
            self.warnings.append(message)

    monkeypatch.setattr(environment, "library_mismatches", lambda: ["shapely: GEOS 9.9.9 (QGIS: 3.11.1)"])
    feedback = Recorder()
    run(small_region.parameters(WIND_ROLES, OUTPUT_ELIGIBILITY=str(tmp_path / "e.tif")), feedback=feedback)
    assert any("GEOS 9.9.9" in w and "--no-binary" in w for w in feedback.warnings)


# ----------------------------------------------------------------- the sample region
def test_sample_region_subset_at_50_m(provider, sample_region, tmp_path):
    roles = [r for r in ("landuse", "buildings", "protected_areas", "water", "waterways")
             if r in sample_region.layers]
    names = sample_region.names[:2]
    out = tmp_path / "elig.tif"
    result = run(sample_region.parameters(
        roles, PRESET="wind_sachsen_anhalt", RESOLUTION=50, AOI_NAMES=", ".join(names),
        OUTPUT_ELIGIBILITY=str(out), OUTPUT_TABLE=str(tmp_path / "t.csv")))
    expected = engine_result(sample_region, roles, tmp_path / "engine.tif", names=names)
    assert out.is_file() and (tmp_path / "t.csv").is_file()
    assert 0.0 < result["ELIGIBLE_PCT"] < 100.0
    assert result["ELIGIBLE_HA"] == pytest.approx(expected.eligible_ha)
    assert result["TOTAL_HA"] == pytest.approx(expected.total_ha)
    assert {m.name for m in expected.municipalities} == set(names)
    np.testing.assert_array_equal(read_band(out), read_band(tmp_path / "engine.tif"))



def test_land_cover_raster_feeds_the_raster_criteria(provider, small_region, tmp_path):
    """A catalogue with a land-cover criterion: the optional raster parameter assesses it, as the engine does."""
    import shapely
    from rasterio.transform import from_origin
    from wip_qgis_testing import X0, Y0

    from wip_qgis_plugin.core.data.rasters import RasterRef

    data = np.full((40, 90), 12, dtype=np.uint8)
    data[10:15, 20:30] = 1  # 500 m × 1 km of class 1, in EPSG:25832 at 100 m
    clc = tmp_path / "clc.tif"
    with rasterio.open(clc, "w", driver="GTiff", width=90, height=40, count=1, dtype="uint8", crs="EPSG:25832",
                       transform=from_origin(X0 - 500, Y0 + 3500, 100.0, 100.0), nodata=255) as ds:
        ds.write(data, 1)
    catalogue = tmp_path / "clc.yaml"
    catalogue.write_text(
        "schema: wip-catalogue/1\nid: clc\nversion: '1'\ntechnology: wind\ntitle: {de: CLC, en: CLC}\ncriteria:\n"
        "  - {id: urban_fabric, label: {de: u, en: u}, kind: hard, raster: land_cover, values: [1, 2], "
        "buffer: 300 m, source: test data, valid_from: 2020-01-01}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    base = small_region.parameters((), CATALOGUE=str(catalogue), RESOLUTION=25)
    result = run(dict(base, LAND_COVER=str(clc), OUTPUT_ELIGIBILITY=str(out / "e.tif")))
    cell = shapely.box(X0 + 1500, Y0 + 1500, X0 + 2500, Y0 + 2000).buffer(300.0, quad_segs=64)
    assert result["TOTAL_HA"] - result["ELIGIBLE_HA"] == pytest.approx(cell.area / 1e4, rel=0.01)
    expected = run_eligibility(
        load_catalogue(str(catalogue)), {}, AreaOfInterest(LayerRef(str(small_region.path), "municipalities")),
        EligibilityOutputs(out / "engine.tif"),
        EligibilitySettings(resolution_m=25.0, rasters={"land_cover": RasterRef(str(clc))}))
    np.testing.assert_array_equal(read_band(out / "e.tif"), read_band(out / "engine.tif"))
    with pytest.raises(QgsProcessingException, match=r"“Land cover \[raster, class codes"):  # without the raster
        run(dict(base, OUTPUT_ELIGIBILITY=str(out / "none.tif")))
    assert expected.not_assessed == ()
