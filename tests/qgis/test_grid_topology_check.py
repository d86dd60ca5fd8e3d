"""wip:gridtopologycheck through processing.run: the engine's report on the same inputs, summary
numbers, styled outputs, clear refusals and a cancel that leaves no file."""
from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
)
from wip_qgis_testing import RecordingFeedback, assert_refused, run_algorithm

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.grid.settings import TopologySettings
from wip_qgis_plugin.core.grid.topology import TopologyOutputs, check_grid_topology
from wip_qgis_plugin.processing_algorithms.output_styles import StylePostProcessor

ALG = "wip:gridtopologycheck"


def parameters(region, folder: Path, **extra) -> dict:
    params = {"POWER_LINES": region.uri("power_lines"), "SUBSTATIONS": region.uri("substations"),
              "SNAP_TOLERANCE": 10.0, "OUTPUT_REPORT": str(folder / "report.gpkg"),
              "OUTPUT_LINES": str(folder / "lines.gpkg")}
    params.update(extra)
    return params


def rows(path: Path, layer: str, fields: tuple[str, ...]) -> list[tuple]:
    vl = QgsVectorLayer(f"{path}|layername={layer}")
    assert vl.isValid(), path
    return sorted(tuple(f[n] for n in fields) + (f.geometry().asWkt(3),) for f in vl.getFeatures())


@pytest.mark.parametrize("tolerance", [10.0, 1.0])
def test_matches_the_engine_on_the_sample_region(provider, sample_region, tmp_path, tolerance):
    out = tmp_path / "alg"
    out.mkdir()
    result = run_algorithm(ALG, parameters(sample_region, out, SNAP_TOLERANCE=tolerance))
    ref = lambda layer: LayerRef(str(sample_region.path), layer)  # noqa: E731
    topo = check_grid_topology(ref("power_lines"), ref("substations"),
                               TopologyOutputs(report=tmp_path / "report.gpkg", cleaned_lines=tmp_path / "lines.gpkg"),
                               settings=TopologySettings(snap_tolerance_m=tolerance))
    fields = ("kind", "voltage_kv", "distance_m", "substation")
    assert rows(out / "report.gpkg", "topology_report", fields) == rows(tmp_path / "report.gpkg", "topology_report",
                                                                         fields)
    assert rows(out / "lines.gpkg", "grid_lines", ("voltage_kv", "component")) == \
        rows(tmp_path / "lines.gpkg", "grid_lines", ("voltage_kv", "component"))
    issues = topo.summary()["issues"]
    assert result["DANGLING_ENDS"] == issues["dangling_end"] > 0
    assert result["SNAPS"] == (2 if tolerance == 10.0 else 0) == len(topo.issues_of("snapped_to_substation"))
    assert result["ISOLATED_COMPONENTS"] == result["LINES_WITHOUT_VOLTAGE"] == result["UNATTACHED_SUBSTATIONS"] == 0
    assert result["COMPONENTS"] == 1 and result["LENGTH_KM"] == pytest.approx(topo.summary()["length_km"])


def test_defects_of_a_small_grid_are_counted(provider, tmp_path):
    """A 110 kV line with a 4 m gap, a 20 kV island and a line without voltage."""
    import geopandas as gpd
    import shapely

    lines = gpd.GeoDataFrame({"spannung": ["110000", "110000", "20000", None]}, geometry=[
        shapely.LineString([(0, 0), (1000, 0)]), shapely.LineString([(1004, 0), (2000, 0)]),
        shapely.LineString([(5000, 5000), (5500, 5000)]), shapely.LineString([(0, 300), (900, 300)])],
        crs="EPSG:25832")
    subs = gpd.GeoDataFrame({"name": ["UW A", "UW B"], "voltage": ["110000", "110000;20000"]},
                            geometry=shapely.points([(0, 0), (2000, 0)]), crs="EPSG:25832")
    gpkg = tmp_path / "in.gpkg"
    lines.to_file(gpkg, layer="lines", driver="GPKG", engine="pyogrio")
    subs.to_file(gpkg, layer="subs", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    out.mkdir()
    result = run_algorithm(ALG, {"POWER_LINES": f"{gpkg}|layername=lines", "VOLTAGE_FIELD": "spannung",
                                 "SUBSTATIONS": f"{gpkg}|layername=subs", "SNAP_TOLERANCE": 5.0,
                                 "OUTPUT_REPORT": str(out / "r.gpkg")})
    assert result["SNAPS"] == 1 and result["LINES_WITHOUT_VOLTAGE"] == 1 and result["ISOLATED_COMPONENTS"] == 1
    assert result["COMPONENTS"] == 2 and result["OUTPUT_LINES"] is None
    assert result["LENGTH_KM"] == pytest.approx(2.5, abs=1e-6)
    assert sorted(p.name for p in out.iterdir()) == ["r.gpkg"]


def test_outputs_are_styled_when_loaded(provider, sample_region, tmp_path):
    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    params = parameters(sample_region, tmp_path)
    for key in ("OUTPUT_REPORT", "OUTPUT_LINES"):
        params[key] = QgsProcessingOutputLayerDefinition(params[key], project)
    run_algorithm(ALG, params, context=context)
    for file, layer_name, renderer in (("report.gpkg", "topology_report", "categorizedSymbol"),
                                       ("lines.gpkg", "grid_lines", "graduatedSymbol")):
        details = context.layerToLoadOnCompletionDetails(str(tmp_path / file))
        assert isinstance(details.postProcessor(), StylePostProcessor), file
        layer = QgsVectorLayer(f"{tmp_path / file}|layername={layer_name}")
        details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
        assert layer.renderer().type() == renderer, file


# ----------------------------------------------------------------- refusals
@pytest.mark.parametrize("extra, fragments", [
    ({"POWER_LINES": "substations"}, ("other than lines",)),
    ({"VOLTAGE_FIELD": "cables"}, ()),  # a field without voltages: every line reported, not refused
    ({"VOLTAGE_FIELD": "spannung"}, ("no field 'spannung'", "Fields present")),
    ({"CRS": "EPSG:4326"}, ("not a projected CRS in metres",)),
])
def test_bad_input_is_refused_with_a_clear_message(provider, sample_region, tmp_path, extra, fragments):
    extra = {k: sample_region.uri(v) if k == "POWER_LINES" else v for k, v in extra.items()}
    params = parameters(sample_region, tmp_path, **extra)
    if not fragments:
        result = run_algorithm(ALG, params)
        assert result["LINES_WITHOUT_VOLTAGE"] > 0 or result["LENGTH_KM"] > 0
        return
    assert_refused(ALG, params, tmp_path, *fragments)


def test_empty_line_layer_is_a_result(provider, tmp_path):
    """Zero is a result: 0 km of lines in 0 pieces, and the log says there is no grid to check."""
    import geopandas as gpd

    gpkg = tmp_path / "in" / "empty.gpkg"
    gpkg.parent.mkdir()
    gpd.GeoDataFrame({"voltage": []}, geometry=[], crs="EPSG:25832").to_file(
        gpkg, layer="lines", driver="GPKG", engine="pyogrio")
    out = tmp_path / "out"
    out.mkdir()
    feedback = RecordingFeedback()
    result = run_algorithm(ALG, {"POWER_LINES": f"{gpkg}|layername=lines", "OUTPUT_REPORT": str(out / "r.gpkg")},
                           feedback=feedback)
    assert result["COMPONENTS"] == 0 and result["LENGTH_KM"] == 0.0
    assert (out / "r.gpkg").is_file() and any("0 power lines in" in line for line in feedback.infos)


def test_cancelled_run_leaves_nothing(provider, sample_region, tmp_path):
    feedback = RecordingFeedback()
    feedback.cancel()
    assert_refused(ALG, parameters(sample_region, tmp_path), tmp_path, "cancel", feedback=feedback)


def test_a_second_styled_run_after_the_first_context_is_gone(provider, sample_region, tmp_path):
    """The context owns (and deletes) the post-processors: a later run must get a living one."""
    import gc

    project = QgsProject.instance()
    for run in ("first", "second"):
        folder = tmp_path / run
        folder.mkdir()
        context = QgsProcessingContext()
        context.setProject(project)
        params = parameters(sample_region, folder, OUTPUT_LINES=None)
        params["OUTPUT_REPORT"] = QgsProcessingOutputLayerDefinition(str(folder / "report.gpkg"), project)
        run_algorithm(ALG, params, context=context)
        processor = context.layerToLoadOnCompletionDetails(str(folder / "report.gpkg")).postProcessor()
        assert isinstance(processor, StylePostProcessor)
        del context, processor
        gc.collect()
