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


def test_one_page_per_municipality_and_top_site(provider, profile_dir, sample_region, tmp_path):
    out = tmp_path / "maps.pdf"
    result = run_algorithm("wip:sitemaps", {**params(profile_dir, out), **base_params(sample_region)})
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


# ----------------------------------------------------------------- what a council reads on the pages
@pytest.fixture
def language(qgis_app):
    """Set the QGIS UI language (texts and number format) as the plugin reads it; restored afterwards."""
    from qgis.core import QgsSettings

    from wip_qgis_plugin import i18n

    settings = QgsSettings()
    old = settings.value("locale/userLocale", "")

    def use(code: str) -> None:
        settings.setValue("locale/userLocale", {"de": "de_DE", "en": "en_GB"}[code])
        i18n.remove_translator()
        if code != "en":
            assert i18n.install_translator(code)

    yield use
    i18n.remove_translator()
    settings.setValue("locale/userLocale", old)


@pytest.fixture
def built():
    """``built(parameters)``: (project, layout, pages) of wip:sitemaps, the layout the PDF is printed from.

    Afterwards each project takes its layout and deletes it with its layers, while QGIS runs (a failed test's
    traceback would otherwise keep them past QGIS's exit, where deleting them crashes)."""
    import gc

    from qgis.core import QgsProcessingContext

    from wip_qgis_plugin.processing_algorithms.site_maps import SiteMaps

    made = []

    def build(parameters: dict):
        alg = SiteMaps()
        alg.initAlgorithm()
        made.append(alg.build(parameters, QgsProcessingContext()))
        return made[-1]

    yield build
    for project, layout, _pages in made:
        project.layoutManager().addLayout(layout)
        project.clear()
    made.clear()
    gc.collect()


def page_texts(layout, *item_ids: str) -> list[dict]:
    """Per atlas page, the text each label item of ``item_ids`` prints (expressions evaluated for the page)."""
    atlas = layout.atlas()
    assert atlas.beginRender()
    pages = []
    try:
        for i in range(atlas.count()):
            assert atlas.seekTo(i)
            pages.append({item: layout.itemById(item).currentText() for item in item_ids})
    finally:
        atlas.endRender()
    return pages


def base_params(sample_region) -> dict:
    return {"SETTLEMENTS": sample_region.uri("landuse"), "ROADS": sample_region.uri("roads"),
            "WATER": sample_region.uri("water")}


INTERNAL = re.compile(r"\b(pv_ground|pv_rooftop|agri_pv|wind|s[0-9]|pv-[0-9]+|W[0-9]+)\b")


def test_page_titles_are_human_and_german_with_a_decimal_comma(provider, profile_dir, language, tmp_path, built):
    language("de")
    _project, layout, _pages = built(params(profile_dir, tmp_path / "x.pdf"))
    titles = [page["title"] for page in page_texts(layout, "title")]
    assert len(titles) == 6
    assert not [t for t in titles if INTERNAL.search(t)], titles
    municipality, first, second = titles[:3]
    assert municipality.endswith(" – Gemeindeübersicht")
    name = municipality.split(" – ")[0]
    # the fixture's sites: 4, 12 and 8 MW on circles of 150, 300 and 450 m; ranked by energy: 12 MW, then 8 MW
    assert re.fullmatch(re.escape(name) + r" – Standort 1: Freiflächen-PV, 28,\d ha, 12,0 MW", first), first
    assert re.fullmatch(re.escape(name) + r" – Standort 2: Freiflächen-PV, 63,\d ha, 8,0 MW", second), second


def test_page_titles_in_english_use_a_decimal_point(provider, profile_dir, language, tmp_path, built):
    language("en")
    _project, layout, _pages = built(params(profile_dir, tmp_path / "x.pdf"))
    titles = [page["title"] for page in page_texts(layout, "title")]
    assert titles[0].endswith(" – overview of the municipality")
    assert re.fullmatch(r".+ – site 1: Ground-mounted PV, 28\.\d ha, 12\.0 MW", titles[1]), titles[1]


def test_every_figure_says_what_it_is(provider, profile_dir, language, tmp_path, built):
    """No bare "Zörbig 96 %": each line of the box names its figure; the municipality's balance and
    self-sufficiency are both there and told apart."""
    language("de")
    _project, layout, _pages = built(params(profile_dir, tmp_path / "x.pdf"))
    pages = page_texts(layout, "info_title", "info")
    municipality, site = pages[0], pages[1]
    assert municipality["info_title"] == "Kennzahlen der Gemeinde (Potenziale)"
    assert site["info_title"] == "Kennzahlen des Standorts"
    for page in pages:
        for line in page["info"].splitlines():
            assert re.match(r"^[–\w][^:]*\w[^:]*: ", line), f"unlabelled figure: {line!r}"
            assert "nan" not in line.lower()
    assert re.search(r"^Jahresbilanz \(Erzeugung ÷ Bedarf übers Jahr\): [\d.]+ %$", municipality["info"], re.M)
    assert re.search(r"^Eigenversorgung \(Bedarf Stunde für Stunde gedeckt\): \d+ %$", municipality["info"], re.M)
    assert re.search(r"^Jahresertrag: 11,4 GWh/a$", site["info"], re.M)  # 12 MW × 950 h


def test_the_base_map_is_drawn_under_the_results_and_in_the_legend(provider, profile_dir, sample_region, language,
                                                                   tmp_path, built):
    language("en")
    _project, layout, _pages = built({**params(profile_dir, tmp_path / "x.pdf"), **base_params(sample_region)})
    names = [lyr.name() for lyr in layout.itemById("map").layers()]
    base = ["Place names", "Roads", "Water bodies", "Settlement areas"]
    assert names[-4:] == base, names  # top first: the base map is drawn under every result
    assert names.index("Sites") < names.index("Place names")
    legend = layout.itemById("legend").model().rootGroup()
    group = legend.findGroup("Base map")
    assert group is not None and [node.name() for node in group.findLayers()] == base
    assert {"Sites", "Municipal boundary"} <= {node.name() for node in legend.findLayers()}
    by_name = {lyr.name(): lyr for lyr in layout.itemById("map").layers()}
    assert "residential" in by_name["Settlement areas"].subsetString()  # farmland and forest are no settlement
    assert "track" not in by_name["Roads"].subsetString()
    places = {f["name"] for f in by_name["Place names"].getFeatures()}
    assert "Zörbig" in places and len(places) > 20  # the named settlement areas of the sample
    assert by_name["Place names"].labelsEnabled()


def test_without_base_layers_the_legend_has_no_base_map(provider, profile_dir, tmp_path, built):
    _project, layout, _pages = built(params(profile_dir, tmp_path / "x.pdf"))
    assert layout.itemById("legend").model().rootGroup().findGroup("Base map") is None
    assert not any("Settlement" in lyr.name() for lyr in layout.itemById("map").layers())


def test_the_map_fills_the_page_and_nothing_leaves_it(provider, profile_dir, sample_region, tmp_path, built):
    _project, layout, _pages = built({**params(profile_dir, tmp_path / "x.pdf"), **base_params(sample_region)})
    page = layout.pageCollection().page(0).sizeWithUnits()
    map_item = layout.itemById("map")
    atlas = layout.atlas()
    assert atlas.beginRender()
    try:
        for i in range(atlas.count()):  # the atlas must not resize the map (it did with an empty start extent)
            atlas.seekTo(i)
            size = map_item.sizeWithUnits()
            assert size.width() * size.height() > 0.55 * page.width() * page.height()
            assert map_item.positionWithUnits().y() + size.height() <= page.height() - 5
    finally:
        atlas.endRender()
    legend = layout.itemById("legend")
    legend.adjustBoxSize()
    for item in (legend, layout.itemById("info"), layout.itemById("note"), layout.itemById("footer")):
        rect = item.sceneBoundingRect()
        assert rect.right() <= page.width() and rect.bottom() <= page.height() - 3, item.id()


@pytest.fixture(scope="module")
def overlapping_sites(profile_dir, tmp_path_factory):
    """Sites of both technologies: in the first municipality a wind farm and a PV site share a 100 × 100 m
    square (1 ha) and a second PV site stands apart; in the second a wind farm and a PV site stand apart."""
    import geopandas as gpd
    from shapely.geometry import box

    munis = gpd.read_file(profile_dir / "profile_sites.gpkg", layer="municipalities", engine="pyogrio")
    rows = []
    for k, (name, poly) in enumerate(zip(munis["name"], munis.geometry)):
        x, y = poly.representative_point().coords[0]
        rows += [{"site_id": f"W{k}", "source": "wind", "municipality": name, "capacity_mw": 20.0,
                  "energy_mwh_per_a": 40000.0, "geometry": box(x, y, x + 400, y + 400)},
                 {"site_id": f"pv-{k}a", "source": "pv_ground", "municipality": name, "capacity_mw": 10.0,
                  "energy_mwh_per_a": 9500.0,
                  "geometry": box(x + 300, y + 300, x + 500, y + 500) if k == 0 else box(x - 500, y, x - 300, y + 200)},
                 {"site_id": f"pv-{k}b", "source": "pv_ground", "municipality": name, "capacity_mw": 5.0,
                  "energy_mwh_per_a": 4750.0, "geometry": box(x, y - 700, x + 200, y - 500)}]
    path = tmp_path_factory.mktemp("overlap") / "sites.gpkg"
    gpd.GeoDataFrame(rows, crs=munis.crs).to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    return f"{path}|layername=sites"


def test_the_overlap_note_appears_exactly_where_sites_of_two_technologies_overlap(provider, profile_dir,
                                                                                 overlapping_sites, language,
                                                                                 tmp_path, built):
    from wip_qgis_plugin.processing_algorithms.atlas import EXCLUDE_FROM_EXPORTS

    language("de")
    p = {"MUNICIPALITIES": params(profile_dir, tmp_path / "x.pdf")["MUNICIPALITIES"], "SITES": overlapping_sites,
         "TOP_N": 3, "OUTPUT_PDF": str(tmp_path / "x.pdf")}
    _project, layout, _pages = built(p)
    pages = page_texts(layout, "title", "note")
    assert len(pages) == 8
    municipality_note = pages[0]["note"]
    assert municipality_note.startswith("Überschneidung: Auf 1,0 ha liegen Standorte verschiedener Technologien")
    assert "kein Abzug" in municipality_note  # what the profile does: both counted in full
    wind_note, pv_note, apart = (pages[i]["note"] for i in (1, 2, 3))
    assert pages[1]["title"].split(": ")[1].startswith("Windpark") and "1,0 ha" in wind_note and "Freiflächen-PV" \
        in wind_note
    assert "1,0 ha" in pv_note and "Windpark" in pv_note
    assert apart == ""
    assert [page["note"] for page in pages[4:]] == ["", "", "", ""]  # the second municipality: nothing overlaps
    # the note's box is printed only where there is a note
    note = layout.itemById("note")
    prop = note.dataDefinedProperties().property(EXCLUDE_FROM_EXPORTS)
    atlas = layout.atlas()
    atlas.beginRender()
    try:
        excluded = []
        for i in range(atlas.count()):
            atlas.seekTo(i)
            excluded.append(bool(prop.valueAsBool(layout.createExpressionContext(), False)[0]))
    finally:
        atlas.endRender()
    assert excluded == [False, False, False, True, True, True, True, True]


def test_the_dialog_preselects_the_base_layers_by_their_role(provider, sample_region, project_layers):
    from qgis.core import QgsApplication

    gemeinden = project_layers(sample_region.uri("municipalities"), "Gemeinden")
    landuse = project_layers(sample_region.uri("landuse"), "Landnutzung")
    roads = project_layers(sample_region.uri("roads"), "Straßen")
    water = project_layers(sample_region.uri("water"), "Gewässer")
    project_layers(sample_region.uri("waterways"), "Fließgewässer")
    alg = QgsApplication.processingRegistry().createAlgorithmById("wip:sitemaps")
    chosen = {name: alg.parameterDefinition(name).defaultValueForGui()
              for name in ("MUNICIPALITIES", "SETTLEMENTS", "ROADS", "WATER", "PLACES")}
    assert chosen == {"MUNICIPALITIES": gemeinden.id(), "SETTLEMENTS": landuse.id(), "ROADS": roads.id(),
                      "WATER": water.id(), "PLACES": None}


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
