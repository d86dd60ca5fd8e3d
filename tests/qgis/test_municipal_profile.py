"""wip:municipalprofile through processing.run: the engine's profile on the same inputs, reused sites,
missing sources reported, the report as HTML output, the source keys in step with the engine."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from wip_qgis_testing import SAMPLE_DIR, RecordingFeedback, run_algorithm

ALG = "wip:municipalprofile"
ROLES = ("landuse", "buildings", "roads", "railways", "substations", "water", "waterways", "protected_areas",
         "airfields")


def parameters(region, folder: Path, **extra) -> dict:
    params = region.parameters(ROLES, AOI_NAMES=", ".join(region.names[:2]), RESOLUTION=100,
                               DEM=str(SAMPLE_DIR / "dem.tif"), WIND_SPEED_150M=str(SAMPLE_DIR / "wind_speed_150m.tif"),
                               SOIL_QUALITY=str(SAMPLE_DIR / "soil_quality.tif"), OUTPUT_FOLDER=str(folder))
    params.update(extra)
    return params


def reused_sites(region, tmp_path: Path) -> Path:
    """Two reused PV sites per municipality (points with the site fields)."""
    import geopandas as gpd

    munis = gpd.read_file(region.path, layer="municipalities", engine="pyogrio")
    rows = []
    for name in region.names[:2]:
        point = munis.loc[munis["name"] == name].geometry.iloc[0].representative_point()
        for i, cap in enumerate((4.0, 12.5)):
            rows.append({"site_id": f"{name}-{i}", "municipality": name, "capacity_mw": cap,
                         "energy_mwh_per_a": cap * 950.0, "geometry": point})
    path = tmp_path / "pv_sites.gpkg"
    gpd.GeoDataFrame(rows, crs=munis.crs).to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    return path


def test_matches_the_engine_and_reports_missing_sources(provider, sample_region, tmp_path):
    """Ground PV from reused sites; rooftop PV missing (no building layer given): reported, not estimated."""
    from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
    from wip_qgis_plugin.core.data.layers import LayerRef
    from wip_qgis_plugin.core.profile.engine import run_profile
    from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec, TechnologyStep

    sites = reused_sites(sample_region, tmp_path)
    feedback = RecordingFeedback()
    roles = tuple(r for r in ROLES if r != "buildings")
    params = parameters(sample_region, tmp_path / "alg", SOURCES=[1, 3], WIND_PRESET="none",
                        PV_GROUND_SITES=f"{sites}|layername=sites", LANGUAGE=1)
    del params["BUILDINGS"]
    result = run_algorithm(ALG, params, feedback=feedback)
    names = sample_region.names[:2]
    assert result["N_MUNICIPALITIES"] == 2
    report = Path(result["OUTPUT_REPORT"])
    assert report.name == "index.html" and all(n in report.read_text(encoding="utf-8") for n in names)
    assert '<html lang="en">' in report.read_text(encoding="utf-8")
    assert any("rooftop PV" in w and "missing" in w and "building" in w for w in feedback.warnings)
    data = json.loads((tmp_path / "alg" / "profile.json").read_text(encoding="utf-8"))
    assert data["sources"]["pv_ground"]["status"] == "reused"
    assert data["sources"]["pv_rooftop"]["status"] == "missing"

    engine = run_profile(ProfilePlan(
        layers={r: LayerRef(str(sample_region.path), r) for r in roles},
        aoi=AreaOfInterest(LayerRef(str(sample_region.path), "municipalities"), "name", names),
        output_dir=tmp_path / "engine", technologies=(TechnologyStep("pv_ground", {"source": "pv_ground"}),),
        sources=(SourceSpec("pv_ground", LayerRef(str(sites), "sites")), SourceSpec("pv_rooftop")),
        rasters={"dem": str(SAMPLE_DIR / "dem.tif"), "wind_speed_150m": str(SAMPLE_DIR / "wind_speed_150m.tif"),
                 "soil_quality": str(SAMPLE_DIR / "soil_quality.tif")},
        resolution_m=100.0, report=False, workers=1))
    by_name = {m["name"]: m["indicators"] for m in data["municipalities"]}
    for m in engine.municipalities:
        assert set(by_name[m.name]) == set(m.indicators)
        for key, value in m.indicators.items():
            got = by_name[m.name][key]  # JSON writes NaN (e.g. a storage no size reaches) as null
            assert (float("nan") if got is None else got) == pytest.approx(value, rel=1e-9, nan_ok=True), key
        assert by_name[m.name]["pv_ground_capacity_mw"] == pytest.approx(16.5)
        assert "pv_rooftop_capacity_mw" not in by_name[m.name]


def test_outputs_load_as_layers(provider, sample_region, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run_algorithm(ALG, parameters(sample_region, tmp_path, SOURCES=[3], PV_PRESET="none"))
    munis = QgsVectorLayer(result["OUTPUT_MUNICIPALITIES"], "m", "ogr")
    assert munis.isValid() and munis.featureCount() == 2
    fields = munis.fields().names()
    assert "wind_eligible_ha" in fields and "demand_gwh" in fields and "pv_ground_eligible_ha" not in fields
    indicators = Path(result["OUTPUT_INDICATORS"]).read_text(encoding="utf-8")
    assert indicators.startswith("# WIP municipal energy profile")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert all(s.startswith("data:image/png") for s in re.findall(r'src="([^"]*)"', page))


def test_source_keys_match_the_engine():
    from wip_qgis_plugin.core.profile.model import GENERATION_SOURCES
    from wip_qgis_plugin.processing_algorithms.inputs import SOURCE_KEYS

    assert tuple(GENERATION_SOURCES) == SOURCE_KEYS


def test_hourly_output_has_a_full_year(provider, sample_region, tmp_path):
    import pandas as pd

    run_algorithm(ALG, parameters(sample_region, tmp_path, SOURCES=[], WIND_PRESET=None, PV_PRESET="none"))
    hourly = pd.read_csv(tmp_path / "profile_hourly.csv")
    assert len(hourly) == 8760
    cols = [c for c in hourly.columns if c.endswith("_demand_mw")]
    assert len(cols) == 2 and np.all(hourly[cols].to_numpy() > 0)


def test_outputs_are_loaded_styled_on_completion(provider, sample_region, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProject

    from wip_qgis_plugin.processing_algorithms.output_styles import STYLE_DIR

    context = QgsProcessingContext()
    project = QgsProject()
    context.setProject(project)
    run_algorithm(ALG, parameters(sample_region, tmp_path, SOURCES=[], PV_PRESET="none"), context=context)
    details = context.layersToLoadOnCompletion()
    assert len(details) == 2
    for uri, detail in details.items():
        assert uri.startswith(str(tmp_path / "profile_sites.gpkg"))
        assert Path(detail.postProcessor().qml).parent == STYLE_DIR and Path(detail.postProcessor().qml).is_file()


def test_through_the_engine_worker(provider, sample_region, tmp_path, monkeypatch, clean_engine_settings):
    """The same profile in the engine Python (a `wip worker` subprocess) as in QGIS's Python."""
    import sys

    from wip_qgis_plugin import environment, worker

    params = dict(SOURCES=[3], PV_PRESET="none", SWEEP=False)
    inside = run_algorithm(ALG, parameters(sample_region, tmp_path / "in", **params))
    monkeypatch.setattr(environment, "missing_dependencies", lambda: ["geopandas"])
    monkeypatch.setenv(worker.ENV_ENGINE_PYTHON, sys.executable)
    feedback = RecordingFeedback()
    outside = run_algorithm(ALG, parameters(sample_region, tmp_path / "out", **params), feedback=feedback)
    assert any("engine Python" in line for line in feedback.infos)
    assert outside["N_MUNICIPALITIES"] == inside["N_MUNICIPALITIES"] == 2
    a = json.loads((tmp_path / "in" / "profile.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "out" / "profile.json").read_text(encoding="utf-8"))
    assert [m["indicators"] for m in a["municipalities"]] == [m["indicators"] for m in b["municipalities"]]
    assert Path(outside["OUTPUT_REPORT"]).is_file()
