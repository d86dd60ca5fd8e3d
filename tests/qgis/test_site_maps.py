"""wip:sitemaps: an atlas PDF with one page per municipality and per top site, rendered headless."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException
from wip_qgis_testing import SAMPLE_DIR, run_algorithm


def pdf_pages(path: Path) -> int:
    """Number of page objects in a PDF (Qt writes no object streams, so they are plain text)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


@pytest.fixture(scope="module")
def profile_dir(sample_region, tmp_path_factory):
    """A profile of two sample municipalities with two reused PV sites each (engine, 100 m)."""
    import geopandas as gpd

    from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
    from wip_qgis_plugin.core.data.layers import LayerRef
    from wip_qgis_plugin.core.profile.engine import run_profile
    from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec, TechnologyStep

    folder = tmp_path_factory.mktemp("profile")
    names = sample_region.names[:2]
    munis = gpd.read_file(sample_region.path, layer="municipalities", engine="pyogrio")
    rows = []
    for name in names:
        poly = munis.loc[munis["name"] == name].geometry.iloc[0]
        for i, cap in enumerate((4.0, 12.0, 8.0)):
            rows.append({"site_id": f"s{i}", "municipality": name, "capacity_mw": cap,
                         "energy_mwh_per_a": cap * 950.0,
                         "geometry": poly.representative_point().buffer(150.0 * (i + 1))})
    sites = folder / "pv.gpkg"
    gpd.GeoDataFrame(rows, crs=munis.crs).to_file(sites, layer="sites", driver="GPKG", engine="pyogrio")
    roles = ("landuse", "buildings", "roads", "substations", "water", "waterways", "protected_areas", "railways",
             "airfields")
    run_profile(ProfilePlan(
        layers={r: LayerRef(str(sample_region.path), r) for r in roles},
        aoi=AreaOfInterest(LayerRef(str(sample_region.path), "municipalities"), "name", names), output_dir=folder,
        technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}, min_area_ha=5),
                      TechnologyStep("pv_ground", {"source": "pv_ground"})),
        sources=(SourceSpec("pv_ground", LayerRef(str(sites), "sites")),),
        rasters={"wind_speed_150m": str(SAMPLE_DIR / "wind_speed_150m.tif")}, resolution_m=100.0, report=False,
        workers=1))
    return folder


def params(folder: Path, out: Path, **extra) -> dict:
    gpkg = folder / "profile_sites.gpkg"
    p = {"MUNICIPALITIES": f"{gpkg}|layername=municipalities", "SITES": f"{gpkg}|layername=sites",
         "CONNECTIONS": f"{gpkg}|layername=connections",
         "WIND_AREAS": f"{folder / 'wind_areas.gpkg'}|layername=eligible_areas",
         "PV_AREAS": f"{folder / 'pv_ground_areas.gpkg'}|layername=eligible_areas",
         "SUITABILITY": str(folder / "wind_suitability.tif"), "TOP_N": 2, "OUTPUT_PDF": str(out)}
    p.update(extra)
    return p


def test_one_page_per_municipality_and_top_site(provider, profile_dir, tmp_path):
    out = tmp_path / "maps.pdf"
    result = run_algorithm("wip:sitemaps", params(profile_dir, out))
    assert result["PAGES"] == 2 + 2 * 2
    assert out.is_file() and out.read_bytes().startswith(b"%PDF")
    assert pdf_pages(out) == 6
    assert [p.name for p in tmp_path.iterdir()] == ["maps.pdf"]


def test_municipality_pages_only(provider, profile_dir, tmp_path):
    out = tmp_path / "m.pdf"
    result = run_algorithm("wip:sitemaps", {"MUNICIPALITIES": params(profile_dir, out)["MUNICIPALITIES"],
                                            "TOP_N": 0, "OUTPUT_PDF": str(out)})
    assert result["PAGES"] == 2 and pdf_pages(out) == 2


def test_wrong_name_field_is_refused(provider, profile_dir, tmp_path):
    with pytest.raises(QgsProcessingException, match="gemeinde"):
        run_algorithm("wip:sitemaps", params(profile_dir, tmp_path / "x.pdf", NAME_FIELD="gemeinde"))
    assert not list(tmp_path.iterdir())


SESSION = r"""
import json, os, sys
sys.path.append("/usr/share/qgis/python/plugins")
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback
app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing
Processing.initialize()
from wip_qgis_plugin import classFactory
plugin = classFactory(None)
plugin.initProcessing()
alg = QgsApplication.processingRegistry().createAlgorithmById("wip:sitemaps")
try:
    alg.run(json.loads(sys.argv[1]), QgsProcessingContext(), QgsProcessingFeedback())
except QgsProcessingException:
    pass
print("REFUSED", flush=True)
app.exitQgis()
"""


def test_a_refused_run_leaves_qgis_able_to_exit(provider, profile_dir, tmp_path):
    """The refusal keeps no cloned layer alive past QGIS's exit (that crashed qgis_process and the session)."""
    import json
    import os
    import subprocess
    import sys

    from wip_qgis_testing import REPO

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    bad = params(profile_dir, tmp_path / "x.pdf", NAME_FIELD="gemeinde")
    proc = subprocess.run([sys.executable, "-c", SESSION, json.dumps(bad)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert "REFUSED" in proc.stdout, proc.stderr[-2000:]
    assert proc.returncode == 0, f"exit status {proc.returncode}: {proc.stderr[-2000:]}"
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def project_layers():
    """Layers added to the open project (as a planner has them in the desktop); removed afterwards."""
    from qgis.core import QgsProject, QgsVectorLayer

    added = []

    def add(uri: str, name: str) -> QgsVectorLayer:
        layer = QgsVectorLayer(uri, name, "ogr")
        assert layer.isValid(), uri
        QgsProject.instance().addMapLayer(layer)
        added.append(layer.id())
        return layer

    yield add
    QgsProject.instance().removeMapLayers(added)


def gui_defaults(alg_id: str = "wip:sitemaps") -> dict:
    """What the dialog starts with (defaultValueForGui) and the plain defaults, per layer parameter."""
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)  # as each dialog does
    return {name: (alg.parameterDefinition(name).defaultValueForGui(), alg.parameterDefinition(name).defaultValue())
            for name in ("MUNICIPALITIES", "SITES", "CONNECTIONS")}


def test_the_dialog_preselects_the_municipalities_not_the_first_polygon_layer(provider, sample_region, profile_dir,
                                                                              project_layers):
    from qgis.core import QgsProject

    # the sample project's names: "Flugplatz" comes first alphabetically, the sites are polygons too
    project_layers(sample_region.uri("airfields"), "Flugplatz")
    gemeinden = project_layers(sample_region.uri("municipalities"), "Gemeinden")
    project_layers(f"{profile_dir / 'profile_sites.gpkg'}|layername=sites", "Standorte")
    assert gui_defaults()["MUNICIPALITIES"] == (gemeinden.id(), None)  # the dialog only: runs still name it
    # after a profile run its own municipalities win, with the sites and connections of the same file
    gpkg = profile_dir / "profile_sites.gpkg"
    munis = project_layers(f"{gpkg}|layername=municipalities", "Gemeinden (Profil)")
    connections = project_layers(f"{gpkg}|layername=connections", "Netzanschluss")
    sites = QgsProject.instance().mapLayersByName("Standorte")[0]
    assert gui_defaults() == {"MUNICIPALITIES": (munis.id(), None), "SITES": (sites.id(), None),
                              "CONNECTIONS": (connections.id(), None)}


def test_nothing_is_preselected_without_a_municipalities_layer(provider, sample_region, profile_dir, project_layers):
    project_layers(sample_region.uri("airfields"), "Flugplatz")
    project_layers(f"{profile_dir / 'profile_sites.gpkg'}|layername=sites", "Standorte")
    assert gui_defaults() == {"MUNICIPALITIES": (None, None), "SITES": (None, None), "CONNECTIONS": (None, None)}


def test_a_municipalities_layer_is_recognised_by_source_name_or_fields(sample_region, profile_dir):
    from qgis.core import QgsVectorLayer

    from wip_qgis_plugin.processing_algorithms.site_maps import municipality_score

    score = lambda uri, name: municipality_score(QgsVectorLayer(uri, name, "ogr"))  # noqa: E731
    gpkg = profile_dir / "profile_sites.gpkg"
    assert score(f"{gpkg}|layername=municipalities", "x") == 3
    assert score(sample_region.uri("municipalities"), "x") == 2
    assert score(sample_region.uri("landuse"), "Gemeinden") == 2  # named so by the planner
    assert score(f"{gpkg}|layername=sites", "x") == 0
    assert score(sample_region.uri("airfields"), "x") == 0
    assert score(sample_region.uri("roads"), "municipalities") == 0  # lines are never municipalities


def test_an_engine_job_leaves_the_warning_filters_as_it_found_them(monkeypatch, tmp_path):
    """In QGIS's Python a job's libraries must not change the filters for the session: demandlib 0.2.2 sets
    ``simplefilter('error')``, after which GDAL's warnings (through pyogrio) raised inside site maps."""
    import warnings

    from wip_qgis_plugin.core.jobs import protocol

    def leaky(arguments, single_process, progress):
        warnings.simplefilter("error")
        return {"ok": True}

    monkeypatch.setattr(protocol, "resolve", lambda reference: leaky)
    monkeypatch.setattr(protocol, "job_outputs", lambda job: [])
    before = list(warnings.filters)
    assert protocol.run_job(protocol.Job("check_data", {})) == {"ok": True}
    assert list(warnings.filters) == before
