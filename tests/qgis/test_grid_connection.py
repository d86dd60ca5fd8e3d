"""wip:gridconnection through processing.run and qgis_process: the engine's routes, costs and
allocation on the same inputs, styled outputs, clear refusals and cancels that leave no file."""
from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
)
from wip_qgis_testing import (
    PLUGIN_DIR,
    RecordingFeedback,
    assert_refused,
    cli_arguments,
    enable_plugin,
    qgis_process_env,
    run_algorithm,
    run_qgis_process,
)

from wip_qgis_plugin.core.grid.connection import ConnectionOutputs, run_grid_connection
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.grid.settings import ConnectionSettings, TopologySettings
from wip_qgis_plugin.processing_algorithms.output_styles import StylePostProcessor

ALG = "wip:gridconnection"
OUTPUTS = {"OUTPUT_CONNECTIONS": "conn.gpkg", "OUTPUT_SITES": "sites.gpkg", "OUTPUT_SITES_TABLE": "sites.csv",
           "OUTPUT_SUBSTATIONS": "subs.gpkg", "OUTPUT_TOPOLOGY": "topo.gpkg"}


@pytest.fixture(scope="session")
def grid_sites(sample_region, tmp_path_factory):
    """Seeded candidate sites in the sample region: 40 points (1–150 MW, with site_id) and the
    sample's 4 PV parks as polygons (no capacity field), plus layers for the refusals."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(6)
    folder = tmp_path_factory.mktemp("grid_sites")
    path = folder / "sites.gpkg"
    n = 40
    xy = np.column_stack([rng.uniform(710_000, 736_000, n), rng.uniform(5_710_000, 5_731_000, n)])
    capacity = np.round(np.where(rng.random(n) < 0.7, rng.uniform(1, 20, n), rng.uniform(20, 150, n)), 1)
    points = gpd.GeoDataFrame({"site_id": [f"P{i:02d}" for i in range(n)], "municipality": "Zörbig",
                               "capacity_mw": capacity, "energy_mwh_per_a": capacity * 1500.0},
                              geometry=shapely.points(xy), crs="EPSG:25832")
    points.to_file(path, layer="points", driver="GPKG", engine="pyogrio")
    points.drop(columns="capacity_mw").to_file(path, layer="no_capacity", driver="GPKG", engine="pyogrio")
    points.iloc[:0].to_file(path, layer="empty", driver="GPKG", engine="pyogrio")
    points.set_geometry(points.buffer(100).boundary).to_file(path, layer="lines", driver="GPKG", engine="pyogrio")
    parks = gpd.read_file(sample_region.path, layer="pv_parks")[["name", "geometry"]]
    parks.to_file(path, layer="parks", driver="GPKG", engine="pyogrio")
    return path


def uri(path: Path, layer: str) -> str:
    return f"{path}|layername={layer}"


def parameters(region, sites: str, folder: Path, **extra) -> dict:
    params = {"SITES": sites, "SUBSTATIONS": region.uri("substations"), "ROADS": region.uri("roads"),
              "POWER_LINES": region.uri("power_lines")}
    params.update({k: str(folder / v) for k, v in OUTPUTS.items()})
    params.update(extra)
    return params


def engine(region, sites: LayerRef, folder: Path, settings: ConnectionSettings):
    """run_grid_connection on the same inputs: the oracle of the wrapper."""
    folder.mkdir()
    ref = lambda layer: LayerRef(str(region.path), layer)  # noqa: E731
    outputs = ConnectionOutputs(folder / "conn.gpkg", folder / "sites.gpkg", folder / "sites.csv",
                                folder / "subs.gpkg", folder / "topo.gpkg")
    return run_grid_connection(sites, ref("substations"), ref("roads"), power_lines=ref("power_lines"), outputs=outputs,
                               settings=replace(settings, topology=TopologySettings(snap_tolerance_m=10.0)))


def features(path: Path, layer: str, fields: tuple[str, ...]) -> list[tuple]:
    vl = QgsVectorLayer(uri(path, layer))
    assert vl.isValid(), path
    return sorted(tuple(f[name] for name in fields) + (round(f.geometry().length(), 3),) for f in vl.getFeatures())


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matches_the_engine_on_the_sample_region(provider, sample_region, grid_sites, tmp_path):
    out = tmp_path / "alg"
    out.mkdir()
    result = run_algorithm(ALG, parameters(sample_region, uri(grid_sites, "points"), out))
    expected = engine(sample_region, LayerRef(str(grid_sites), "points"), tmp_path / "engine",
                      ConnectionSettings(site_id_field="site_id"))
    for name, file in OUTPUTS.items():
        assert result[name] == str(out / file) and (out / file).is_file(), name
    fields = ("site_id", "substation", "level", "allocated_mw", "length_km", "cost_eur")
    mine = features(out / "conn.gpkg", "connections", fields)
    assert mine == features(tmp_path / "engine" / "conn.gpkg", "connections", fields)
    assert len(mine) == len(expected.connections) > 5
    assert csv_rows(out / "sites.csv") == csv_rows(tmp_path / "engine" / "sites.csv")
    assert [r["site_id"] for r in csv_rows(out / "sites.csv")] == [f"P{i:02d}" for i in range(40)]
    load = features(out / "subs.gpkg", "substation_load", ("name", "allocated_mw", "free_capacity_mw"))
    assert load == features(tmp_path / "engine" / "subs.gpkg", "substation_load",
                            ("name", "allocated_mw", "free_capacity_mw"))
    assert all(allocated <= free + 1e-9 for _, allocated, free, _ in load)
    summary = expected.summary()
    assert result["CONNECTED_MW"] == pytest.approx(summary["connected_mw"])
    assert result["COST_EUR"] == pytest.approx(summary["cost_eur"])
    assert result["COST_EUR_PER_KW"] == pytest.approx(summary["cost_eur_per_kw"])
    assert result["BASELINE_COST_EUR"] == pytest.approx(summary["baseline"]["cost_eur"])
    assert result["UNCONNECTED_SITES"] == int((~expected.sites["status"].isin(["connected", "split"])).sum()) > 0
    report = QgsVectorLayer(uri(out / "topo.gpkg", "topology_report"))
    kinds = sorted(f["kind"] for f in report.getFeatures())
    assert kinds == sorted(expected.topology.report_frame()["kind"]) and kinds.count("snapped_to_substation") == 2


@pytest.mark.parametrize("extra, settings", [
    ({"AREA_PER_MW": 1.5}, ConnectionSettings(area_ha_per_mw=1.5)),
    ({"SITE_CAPACITY": 30.0, "ALLOCATION": 1}, ConnectionSettings(site_capacity_mw=30.0, allocation="greedy")),
])
def test_capacity_from_the_area_or_per_site(provider, sample_region, grid_sites, tmp_path, extra, settings):
    out = tmp_path / "alg"
    out.mkdir()
    params = parameters(sample_region, uri(grid_sites, "parks"), out, POWER_LINES=None, OUTPUT_TOPOLOGY=None,
                        **extra)
    result = run_algorithm(ALG, params)
    expected = engine(sample_region, LayerRef(str(grid_sites), "parks"), tmp_path / "engine", settings)
    rows = csv_rows(out / "sites.csv")
    assert rows == csv_rows(tmp_path / "engine" / "sites.csv")
    capacity = [float(r["capacity_mw"]) for r in rows]
    if "AREA_PER_MW" in extra:
        areas = [f.geometry().area() / 10_000 for f in QgsVectorLayer(uri(grid_sites, "parks")).getFeatures()]
        assert capacity == pytest.approx([a / 1.5 for a in areas], abs=1e-4)  # CSV: 4 decimals
    else:
        assert capacity == [30.0] * 4
    assert result["OUTPUT_TOPOLOGY"] is None and not (out / "topo.gpkg").exists()
    assert result["CONNECTED_MW"] == pytest.approx(expected.summary()["connected_mw"])


def test_outputs_are_styled_when_loaded(provider, sample_region, grid_sites, tmp_path):
    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    params = parameters(sample_region, uri(grid_sites, "points"), tmp_path)
    params.update({k: QgsProcessingOutputLayerDefinition(str(tmp_path / v), project)
                   for k, v in OUTPUTS.items() if v.endswith(".gpkg")})
    run_algorithm(ALG, params, context=context)
    for name, layer_name, renderer in (
            ("OUTPUT_CONNECTIONS", "connections", "categorizedSymbol"),
            ("OUTPUT_SITES", "connection_sites", "RuleRenderer"),
            ("OUTPUT_SUBSTATIONS", "substation_load", "RuleRenderer"),
            ("OUTPUT_TOPOLOGY", "topology_report", "categorizedSymbol")):
        path = str(tmp_path / OUTPUTS[name])
        details = context.layerToLoadOnCompletionDetails(path)
        assert isinstance(details.postProcessor(), StylePostProcessor), name
        layer = QgsVectorLayer(uri(Path(path), layer_name))
        details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
        assert layer.renderer().type() == renderer, name
    assert context.layerToLoadOnCompletionDetails(str(tmp_path / "sites.gpkg")).postProcessor().qml.name == \
        "connection_sites_points.qml"


# ----------------------------------------------------------------- refusals
def test_an_empty_sites_layer_connects_0_mw(provider, sample_region, grid_sites, tmp_path):
    """Zero is a result (a technology of 0 ha): empty layers with their fields, 0 MW for 0 EUR, no EUR/kW."""
    out = tmp_path / "alg"
    out.mkdir()
    result = run_algorithm(ALG, parameters(sample_region, uri(grid_sites, "empty"), out))
    assert (result["CONNECTED_MW"], result["UNCONNECTED_MW"], result["COST_EUR"]) == (0.0, 0.0, 0.0)
    assert result["COST_EUR_PER_KW"] is None
    routes = QgsVectorLayer(uri(out / "conn.gpkg", "connections"))
    sites = QgsVectorLayer(uri(out / "sites.gpkg", "connection_sites"))
    assert routes.isValid() and sites.isValid() and routes.featureCount() == sites.featureCount() == 0
    assert {"site_id", "substation", "allocated_mw", "cost_eur"} <= set(routes.fields().names())
    assert {"site_id", "connected_mw", "cost_eur_per_kw", "status"} <= set(sites.fields().names())
    assert csv_rows(out / "sites.csv") == []


@pytest.mark.parametrize("case, fragments", [
    ("no_capacity", ("no field 'capacity_mw'", "capacity per site or an area per MW")),
    ("lines", ("points or polygons",)),
    ("geographic", ("not a projected CRS in metres", "EPSG:25832")),
    ("area_of_points", ("needs polygon sites",)),
    ("both_capacities", ("not both",)),
    ("raster_missing", ("needs a cost raster",)),
])
def test_bad_input_is_refused_with_a_clear_message(provider, sample_region, grid_sites, tmp_path, case, fragments):
    sites = {"no_capacity": uri(grid_sites, "no_capacity"), "lines": uri(grid_sites, "lines"),
             "empty": uri(grid_sites, "empty")}.get(case, uri(grid_sites, "points"))
    extra = {"geographic": {"CRS": "EPSG:4326"}, "area_of_points": {"AREA_PER_MW": 2.0},
             "both_capacities": {"AREA_PER_MW": 2.0, "SITE_CAPACITY": 5.0},
             "raster_missing": {"ROUTING": 1}}.get(case, {})
    assert_refused(ALG, parameters(sample_region, sites, tmp_path, **extra), tmp_path, *fragments)


class CancelAt(RecordingFeedback):
    """Cancels at the first progress text containing ``trigger``."""

    def __init__(self, trigger: str):
        super().__init__()
        self.trigger = trigger

    def setProgressText(self, text):  # noqa: N802 (QGIS API)
        super().setProgressText(text)
        if self.trigger.lower() in text.lower():
            self.cancel()


@pytest.mark.parametrize("trigger", ["Reading voltage levels", "Drawing routes"])
def test_cancelled_run_leaves_nothing(provider, sample_region, grid_sites, tmp_path, trigger):
    feedback = CancelAt(trigger)
    assert_refused(ALG, parameters(sample_region, uri(grid_sites, "points"), tmp_path), tmp_path, "cancel",
                   feedback=feedback)
    assert any(trigger in t for t in feedback.progress_texts)


# ----------------------------------------------------------------- qgis_process
@pytest.mark.slow
def test_qgis_process_runs_grid_connection_on_the_sample(sample_region, grid_sites, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "wip_qgis_plugin").symlink_to(PLUGIN_DIR, target_is_directory=True)
    env = qgis_process_env(tmp_path / "profile", plugin_path=plugins)
    enable_plugin(env, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    params = parameters(sample_region, uri(grid_sites, "points"), out)
    proc = run_qgis_process(["--json", "run", ALG, *cli_arguments(params)], env, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    expected = engine(sample_region, LayerRef(str(grid_sites), "points"), tmp_path / "engine",
                      ConnectionSettings(site_id_field="site_id"))
    assert results["OUTPUT_CONNECTIONS"] == str(out / "conn.gpkg")
    assert results["CONNECTED_MW"] == pytest.approx(expected.summary()["connected_mw"])
    assert csv_rows(out / "sites.csv") == csv_rows(tmp_path / "engine" / "sites.csv")


def test_engine_python_gives_the_same_result(provider, sample_region, grid_sites, tmp_path, monkeypatch):
    """The job runs in a separate engine Python (QGIS's lacks the packages): same files, same numbers."""
    import sys

    from wip_qgis_plugin import environment, worker

    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    params = parameters(sample_region, uri(grid_sites, "points"), inside)
    first = run_algorithm(ALG, params)
    monkeypatch.setattr(environment, "missing_dependencies", lambda: ["geopandas"])
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, sys.executable)
    feedback = RecordingFeedback()
    second = run_algorithm(ALG, parameters(sample_region, uri(grid_sites, "points"), outside), feedback=feedback)
    assert any("engine Python" in line for line in feedback.infos)
    assert csv_rows(outside / "sites.csv") == csv_rows(inside / "sites.csv")
    for key in ("CONNECTED_MW", "COST_EUR", "UNCONNECTED_SITES", "BASELINE_COST_EUR"):
        assert second[key] == pytest.approx(first[key]), key


def test_memory_layer_sites_are_exported_for_the_engine(provider, sample_region, grid_sites, tmp_path):
    from qgis.core import QgsFeature

    source = QgsVectorLayer(uri(grid_sites, "parks"), "parks", "ogr")
    memory = QgsVectorLayer("MultiPolygon?crs=EPSG:25832&field=site_id:string&field=leistung:double",
                            "sites", "memory")
    features = []
    for k, feature in enumerate(source.getFeatures()):
        copy = QgsFeature(memory.fields())
        copy.setGeometry(feature.geometry())
        copy.setAttributes([f"park{k}", 12.5])
        features.append(copy)
    memory.dataProvider().addFeatures(features)
    project = QgsProject.instance()
    project.addMapLayer(memory)
    try:
        context = QgsProcessingContext()
        context.setProject(project)
        result = run_algorithm(ALG, parameters(sample_region, memory.id(), tmp_path, CAPACITY_FIELD="leistung",
                                               POWER_LINES=None, OUTPUT_TOPOLOGY=None), context=context)
    finally:
        project.removeMapLayer(memory.id())
    rows = csv_rows(tmp_path / "sites.csv")
    assert [r["site_id"] for r in rows] == ["park0", "park1", "park2", "park3"]
    assert [float(r["capacity_mw"]) for r in rows] == [12.5] * 4
    assert result["CONNECTED_MW"] > 0
