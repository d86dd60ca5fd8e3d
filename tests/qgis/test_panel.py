"""The guided panel "WIP Planung" (panel.py and its helpers), headless.

Layer detection on the sample project's layers (pure function), the Land and wind preset from the AGS, the
presets as the panel reads them against the engine's loader, the parameters of wip:municipalprofile the panel
builds (checked by the algorithm itself), the results area from a small synthetic profile.json in German, the
dock on the sample project, install/unload, and one real run of the profile through the panel (Zörbig, 100 m).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QLocale
from wip_qgis_testing import SAMPLE_DIR, SAMPLE_GPKG

from wip_qgis_plugin import panel_detect as detect
from wip_qgis_plugin import panel_presets as presets
from wip_qgis_plugin.panel_params import ALGORITHM_ID, PanelState, profile_parameters, state_problems
from wip_qgis_plugin.panel_results import format_number, results_html

#: The sample GeoPackage's layers and their geometry (sample_layers/make_sample_region.py).
SAMPLE_LAYERS = {
    "municipalities": "MultiPolygon", "landuse": "MultiPolygon", "buildings": "Polygon", "roads": "LineString",
    "railways": "LineString", "power_lines": "LineString", "substations": "Point", "water": "MultiPolygon",
    "waterways": "LineString", "protected_areas": "MultiPolygon", "airfields": "MultiPolygon",
    "wind_turbines": "Point", "pv_parks": "MultiPolygon", "parking": "MultiPolygon",
    "disadvantaged_areas": "MultiPolygon",
}
#: The German layer names of the sample project (sample_layers/make_project.py) by the GeoPackage layer.
PROJECT_NAMES = {
    "municipalities": "Gemeinden", "landuse": "Landnutzung", "buildings": "Gebäude", "roads": "Straßen",
    "railways": "Bahnstrecken", "power_lines": "Stromleitungen", "substations": "Umspannwerke", "water": "Gewässer",
    "waterways": "Fließgewässer", "protected_areas": "Schutzgebiete", "airfields": "Flugplatz",
    "wind_turbines": "Windenergieanlagen", "pv_parks": "PV-Freiflächenanlagen", "parking": "Parkplätze",
    "disadvantaged_areas": "Benachteiligte Gebiete (synthetisch)",
}


def sample_infos(names: dict[str, str] | None = None, with_uri: bool = True) -> list[detect.LayerInfo]:
    fields = {"municipalities": ("fid", "name", "ags", "population", "land")}
    return [detect.LayerInfo((names or {}).get(layer, layer),
                             f"{SAMPLE_GPKG}|layername={layer}" if with_uri else f"/data/{layer}_{i}.gpkg",
                             geometry, fields.get(layer, ()), key=layer)
            for i, (layer, geometry) in enumerate(SAMPLE_LAYERS.items())]






# ----------------------------------------------------------------- detection (pure)
def test_every_sample_layer_is_found_by_its_layername():
    found = detect.detect_roles(sample_infos(), exclude=["municipalities"])
    assert detect.layer_keys(found) == {role: role for role in SAMPLE_LAYERS if role != "municipalities"}


def test_the_sample_projects_german_layer_names_suffice():
    """Without a telling source URI the German names of the sample project give the same roles."""
    found = detect.detect_roles(sample_infos(PROJECT_NAMES, with_uri=False), exclude=["municipalities"])
    assert detect.layer_keys(found) == {role: role for role in SAMPLE_LAYERS if role != "municipalities"}
    municipalities = detect.detect_municipality_layer(sample_infos(PROJECT_NAMES, with_uri=False))
    assert municipalities.key == "municipalities"
    assert detect.municipality_fields(municipalities.fields) == ("name", "ags")


def test_geometry_must_fit_the_role_and_one_layer_serves_one_role():
    infos = [detect.LayerInfo("water", "x.gpkg|layername=water", "LineString", key="w-line"),
             detect.LayerInfo("Gewässer", "y.shp", "Polygon", key="w-poly"),
             detect.LayerInfo("roads", "r.gpkg|layername=roads", "MultiLineString", key="roads"),
             detect.LayerInfo("Straßen (alt)", "s.gpkg|layername=strassen_alt", "LineString", key="old"),
             detect.LayerInfo("dem", "/d/dem.tif", "Raster", key="dem"),
             detect.LayerInfo("Gemeinden", "g.gpkg|layername=gemeinden", "Point", key="gem-points")]
    found = detect.layer_keys(detect.detect_roles(infos))
    assert found["water"] == "w-poly"  # a line layer named water is no water-body layer
    assert found["roads"] == "roads"  # the exact name beats "strassen_alt"
    assert found["dem"] == "dem"
    assert "waterways" not in found and "municipalities" not in found
    assert detect.detect_municipality_layer(infos) is None  # points are no municipalities


def test_municipalities_by_name_or_by_name_and_key_fields():
    vg250 = detect.LayerInfo("VG250_GEM", "/bkg/VG250_GEM.shp", "Polygon", ("ARS", "AGS", "GEN", "BEZ"), "vg")
    assert detect.municipality_fields(vg250.fields) == ("GEN", "AGS")
    other = detect.LayerInfo("Verwaltung", "/x/verw.gpkg|layername=verw", "MultiPolygon", ("name", "ags"), "v")
    plain = detect.LayerInfo("Flurstücke", "/x/fl.gpkg|layername=fl", "Polygon", ("id",), "f")
    assert detect.detect_municipality_layer([plain, other]).key == "v"
    assert detect.detect_municipality_layer([plain, other, vg250]).key == "vg"
    assert detect.detect_municipality_layer([plain]) is None


# ----------------------------------------------------------------- Land and presets
@pytest.mark.parametrize("ags, land, preset", [
    ("15082430", "ST", "wind_sachsen_anhalt"), ("14522080", "SN", "wind_sachsen"),
    ("16077001", "TH", "wind_thueringen"), ("9472150", "BY", "wind_bayern"),  # leading zero lost
    ("07111000", "RP", "wind_regionalplanung"), ("x", None, "wind_regionalplanung"),
])
def test_land_and_wind_preset_from_the_ags(ags, land, preset):
    assert presets.land_of_key(ags) == land
    assert presets.wind_preset_for_land(land) == preset


def test_wind_preset_per_land_agrees_with_the_engine():
    pytest.importorskip("yaml")
    from wip_qgis_plugin.core.catalogue.lands import AGS_LAND, FALLBACK_WIND_PRESET, preset_for_land

    assert presets.FALLBACK_WIND_PRESET == FALLBACK_WIND_PRESET
    for land in AGS_LAND.values():
        assert presets.wind_preset_for_land(land) == preset_for_land(land, "wind"), land


def test_preset_titles_setback_and_forest_as_the_engine_reads_them():
    from wip_qgis_plugin.core.catalogue.loader import load_catalogue

    summaries = presets.summaries()
    assert summaries["wind_sachsen_anhalt"].title("de").startswith("Windenergie Sachsen-Anhalt")
    assert summaries["wind_sachsen_anhalt"].forest_excluded is True
    assert summaries["wind_thueringen"].forest_excluded is False  # case by case since BVerfG 2022
    assert set(summaries["pv_ground"].categories) >= {"corridor", "conversion", "disadvantaged", "agri_pv",
                                                      "parking"}
    for p in presets.presets_of("wind"):
        catalogue = load_catalogue(p.id)
        engine = [c for c in catalogue.criteria if "settlement_setback" in c.tags]
        assert [c.id for c in p.settlement] == [c.id for c in engine], p.id
        forest = next((c for c in catalogue.criteria if c.id == "forest"), None)
        assert (p.forest.kind if p.forest else None) == (forest.kind if forest else None), p.id


# ----------------------------------------------------------------- parameters of wip:municipalprofile
def sample_state(folder: Path, **changes) -> PanelState:
    layers = {role: f"{SAMPLE_GPKG}|layername={role}" for role in SAMPLE_LAYERS if role != "municipalities"}
    values = dict(aoi=f"{SAMPLE_GPKG}|layername=municipalities", names=("Zörbig",), output_folder=str(folder),
                  layers=layers, rasters={"dem": str(SAMPLE_DIR / "dem.tif"),
                                          "wind_speed_150m": str(SAMPLE_DIR / "wind_speed_150m.tif"),
                                          "soil_quality": str(SAMPLE_DIR / "soil_quality.tif")},
                  resolution_m=100.0)
    values.update(changes)
    return PanelState(**values)


def test_parameters_of_the_panel_state(tmp_path):
    params = profile_parameters(sample_state(tmp_path, names=("Zörbig", "Landsberg"), sources=("pv_ground", "wind"),
                                             hebesatz_pct=380, rotor_in=False, demand_scenarios=False,
                                             wind_preset=None, land="SN", layers={"lakes": "lakes.gpkg",
                                                                                  "roads": "r.gpkg", "x": "y"}))
    assert params["AOI_NAMES"] == "Zörbig, Landsberg"
    assert params["AOI_NAME_FIELD"] == "name" and params["AOI_ID_FIELD"] == "ags"
    assert params["SOURCES"] == [0, 1]  # indices in SOURCE_KEYS order: wind, pv_ground
    assert params["HEBESATZ_PCT"] == 380.0 and params["ROTOR_IN"] is False and params["DEMAND_SCENARIOS"] is False
    assert params["WIND_PRESET"] == "none" and params["PV_PRESET"] == "pv_ground"
    assert params["LAND"] == 2  # MunicipalProfile.LAND_IDS.index("SN")
    assert params["FLOATING_LAKES"] == "lakes.gpkg" and params["ROADS"] == "r.gpkg" and "X" not in params
    assert params["RESOLUTION"] == 100.0 and params["OUTPUT_FOLDER"] == str(tmp_path)
    assert params["LANGUAGE"] == 0 and params["REUSE"] is True
    defaults = profile_parameters(sample_state(tmp_path))
    assert "HEBESATZ_PCT" not in defaults and defaults["LAND"] == 0 and defaults["SOURCES"] == [0, 1, 2, 3, 4]
    assert defaults["DEM"] == str(SAMPLE_DIR / "dem.tif") and defaults["BUILDINGS"].endswith("layername=buildings")


def test_the_levers_become_the_algorithms_parameters_and_catalogue_spec(provider, tmp_path):
    """Setback, forest, turbine and PV categories of the panel reach the engine's catalogue spec and sources."""
    if not SAMPLE_GPKG.is_file():
        pytest.skip(f"{SAMPLE_GPKG} does not exist")
    state = sample_state(tmp_path, settlement_setback_m=1200.0, forest="open", turbine="E-126/4200",
                         pv_categories=("corridor", "parking"))
    params = profile_parameters(state)
    assert params["SETTLEMENT_SETBACK"] == 1200.0 and params["FOREST"] == 2 and params["TURBINE"] == "E-126/4200"
    assert params["PV_CATEGORIES"] == [0, 4]
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    context = QgsProcessingContext()
    ok, message = algorithm.checkParameterValues(params, context)
    assert ok, message
    plan = algorithm.build_job(params, context, None).arguments["plan"]
    wind, pv = plan["technologies"]
    assert wind["catalogue"] == {"source": "wind_sachsen_anhalt", "forest": "open",
                                 "tag_buffers": {"settlement_setback": 1200.0}}
    assert pv["catalogue"] == {"source": "pv_ground", "categories": ["corridor", "parking"]}
    assert {s["key"]: s["options"] for s in plan["sources"]}["wind"] == {"turbine": "E-126/4200"}
    defaults = algorithm.build_job(profile_parameters(sample_state(tmp_path)), context, None).arguments["plan"]
    assert defaults["technologies"][0]["catalogue"] == {"source": "wind_sachsen_anhalt", "forest": "preset"}
    assert defaults["technologies"][1]["catalogue"] == {"source": "pv_ground"}


def test_the_lever_box_starts_at_the_presets_setback_and_categories(german, qgis_app):
    from wip_qgis_plugin.panel_levers import LeverBox, setback_m

    assert setback_m("1000 m") == 1000 and setback_m("1.5 km") == 1500 and setback_m("2 H") is None
    box = LeverBox(QLocale())
    summaries = presets.summaries()
    box.show_presets(summaries["wind_sachsen_anhalt"], summaries["pv_ground"], "de")
    assert box.setback.value() == 1000 and not box.setback.isEnabled()
    assert list(box.category_checks) == ["corridor", "conversion", "disadvantaged", "agri_pv", "parking"]
    values = box.values()
    assert values["settlement_setback_m"] is None and values["pv_categories"] is None and values["forest"] == "preset"
    box.setback_on.setChecked(True)
    box.setback.setValue(800)
    box.category_checks["agri_pv"].setChecked(False)
    box.forest.setCurrentIndex(box.forest.findData("excluded"))
    values = box.values()
    assert values["settlement_setback_m"] == 800.0 and values["forest"] == "excluded"
    assert values["pv_categories"] == ("corridor", "conversion", "disadvantaged", "parking")
    box.show_presets(None, None, "de")  # no presets: nothing to change, nothing to choose
    assert not box.setback_on.isEnabled() and not box.forest.isEnabled() and box.category_checks == {}


def test_the_algorithm_accepts_the_panels_parameters(provider, tmp_path):
    if not SAMPLE_GPKG.is_file():
        pytest.skip(f"{SAMPLE_GPKG} does not exist")
    algorithm = QgsApplication.processingRegistry().algorithmById(ALGORITHM_ID)
    params = profile_parameters(sample_state(tmp_path, hebesatz_pct=410.0))
    assert set(params) <= {d.name() for d in algorithm.parameterDefinitions()}
    ok, message = algorithm.checkParameterValues(params, QgsProcessingContext())
    assert ok, message


def test_what_keeps_the_panel_from_a_run(tmp_path):
    assert state_problems(sample_state(tmp_path)) == []
    assert len(state_problems(sample_state(tmp_path, names=(), output_folder=""))) == 2
    with pytest.raises(ValueError, match="comma"):
        profile_parameters(sample_state(tmp_path, names=("Halle, Saale",)))


# ----------------------------------------------------------------- results area
def synthetic_profile() -> dict:
    indicators = {
        "wind_eligible_ha": 1234.5, "pv_ground_eligible_ha": 945.16, "energy_gwh": 662.02, "demand_gwh": 101.0,
        "pv_ground_corridor_eligible_ha": 945.16, "pv_ground_corridor_potential_gwh": 662.7466,
        "pv_ground_conversion_eligible_ha": 0.0, "pv_ground_conversion_potential_gwh": 0.0,
        "pv_ground_disadvantaged_eligible_ha": None, "pv_ground_disadvantaged_potential_gwh": None,
        "pv_ground_agri_pv_eligible_ha": 3757.59, "pv_ground_agri_pv_potential_gwh": 1099.1,
        "pv_ground_parking_eligible_ha": 12.4, "pv_ground_parking_potential_gwh": 8.26,
        "pv_floating_capacity_mw": 31.3, "pv_floating_energy_gwh": 26.46, "pv_floating_sites": 2.0,
        "eeg6_keur": 1945.26, "trade_tax_keur": 1055.49, "municipal_value_keur": 3000.75, "lease_keur": 3024.0,
        "demand_2045_gwh": 472.66, "balance_2045_pct": 225.98, "self_sufficiency_2045_pct": 70.52,
        "storage_80_2045_mwh": 181.16, "storage_90_2045_mwh": None,
    }
    return {"municipalities": [{"name": "Zörbig", "ags": "15082430", "indicators": indicators},
                               {"name": "Landsberg", "ags": "15088205", "indicators": {"demand_gwh": 1.0}}]}


def test_results_in_german_with_german_numbers(german):
    page = results_html(synthetic_profile(), ["Zörbig"], QLocale(), presets.summaries()["pv_ground"].categories)
    text = page.replace("&amp;", "&")
    assert "Landsberg" not in text
    for expected in ("1.235", "945", "662,7", "3.758", "1.099,1", "12", "8,3",  # PV land per category
                     "31,3", "26,5",  # floating PV
                     "1.945", "1.055", "3.001", "3.024",  # k€/a
                     "472,7", "226", "71", "181",  # 2045
                     "nicht bewertet", "Korridore an Autobahnen und Schienenwegen", "Parkplatz-PV",
                     "Zahlung nach § 6 EEG", "Gewerbesteuer", "Pacht", "Bilanz 2045", "Speicher für 90 %"):
        assert expected in text, expected
    assert "1,234.5" not in text and "945.2" not in text
    assert format_number(float("nan")) == "–" and format_number(None, missing="x") == "x"
    assert format_number(1050.0, 0, QLocale()) == "1.050"


def test_results_of_a_run_without_scenarios_say_so(german):
    profile = {"municipalities": [{"name": "A", "indicators": {"self_sufficiency_pct": 40.0}}]}
    assert "nicht berechnet" in results_html(profile, [], QLocale())


# ----------------------------------------------------------------- the dock
def test_panel_on_the_sample_project(german, provider, sample_project, tmp_path):
    from wip_qgis_plugin.panel import PlanningPanel

    panel = PlanningPanel(project=sample_project)
    try:
        assert panel.aoi_combo.currentText() == "Gemeinden"
        assert (panel.name_field.currentData(), panel.key_field.currentData()) == ("name", "ags")
        assert panel.names.count() == 8 and panel.checked_names() == []
        assert panel.run_button.text() == "Energieprofil erstellen"
        chosen = {role: combo.currentText() for role, combo in panel.role_combos.items() if combo.currentData()}
        assert chosen["buildings"] == "Gebäude" and chosen["waterways"] == "Fließgewässer"
        assert chosen["disadvantaged_areas"].startswith("Benachteiligte Gebiete")
        assert chosen["dem"] == "Höhenmodell" and chosen["soil_quality"] == "Bodenqualität"
        assert "settlements" not in chosen and "lakes" not in chosen
        panel.set_checked_names(["Zörbig"])
        assert panel.lands() == ["ST"] and "Sachsen-Anhalt" in panel.land_label.text()
        assert panel.wind_preset.currentData() == "wind_sachsen_anhalt"
        assert panel.wind_preset.currentText().startswith("Windenergie Sachsen-Anhalt")
        assert "1.000 m" in panel.preset_info.text() and "Wald: ausgeschlossen" in panel.preset_info.text()
        panel.set_wind_preset("wind_thueringen")  # the planner's choice stays while the Land stays
        panel.set_checked_names(["Zörbig", "Landsberg"])
        assert panel.wind_preset.currentData() == "wind_thueringen"
        panel.output.setText(str(tmp_path))
        params = profile_parameters(panel.state())
        assert params["AOI_NAMES"] == "Landsberg, Zörbig" and params["POPULATION_FIELD"] == "population"
        layer = sample_project.mapLayer(params["BUILDINGS"])
        assert layer.name() == "Gebäude"
        ok, message = QgsApplication.processingRegistry().algorithmById(ALGORITHM_ID).checkParameterValues(
            params, _project_context(sample_project))
        assert ok, message
    finally:
        panel.unload()
        panel.deleteLater()


def _project_context(project) -> QgsProcessingContext:
    context = QgsProcessingContext()
    context.setProject(project)
    return context


def test_install_and_unload(qgis_iface, qgis_app):
    from wip_qgis_plugin.panel import SETTINGS_VISIBLE, install_panel

    settings = QgsSettings()
    saved = settings.value(SETTINGS_VISIBLE)
    settings.remove(SETTINGS_VISIBLE)
    try:
        qgis_iface.mainWindow().show()  # the dock reports its visibility in a shown window, as in QGIS
        handle = install_panel(qgis_iface, "WIP Energie && Raumplanung")
        assert handle.dock.objectName() == "WipPlanningPanel" and handle.action.isCheckable()
        assert handle.action.isChecked() and not handle.dock.isHidden()  # shown at the first start
        handle.action.setChecked(False)
        assert handle.dock.isHidden()
        handle.action.setChecked(True)
        assert not handle.dock.isHidden()
        handle.dock.hide()  # closed by its title bar: the action follows
        assert not handle.action.isChecked()
        handle.unload()
        QgsApplication.processEvents()
        assert settings.value(SETTINGS_VISIBLE, type=bool) is False  # hidden at the next start
    finally:
        qgis_iface.mainWindow().hide()
        if saved is None:
            settings.remove(SETTINGS_VISIBLE)
        else:
            settings.setValue(SETTINGS_VISIBLE, saved)


def test_a_real_run_through_the_panel(german, provider, sample_project, tmp_path):
    """Zörbig at 100 m through the panel's parameters, the engine in a worker process: layers, results, report."""
    from wip_qgis_plugin.panel import PlanningPanel

    panel = PlanningPanel(project=sample_project)
    try:
        panel.set_checked_names(["Zörbig"])
        panel.resolution.setCurrentIndex(panel.resolution.findData(100.0))
        panel.sweep.setChecked(False)  # the setback chart runs twelve eligibilities at 50 m: not needed here
        panel.output.setText(str(tmp_path / "out"))
        done = []
        panel.finished.connect(lambda ok, results: done.append(ok))
        start = time.time()
        assert panel.run(), panel.status.text()
        assert not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
        while not done and time.time() - start < 120:
            QgsApplication.processEvents()
            time.sleep(0.05)
        assert done == [True], panel.status.text()
        assert time.time() - start < 60
        group = panel.result_group
        assert group.name().startswith("WIP Ergebnis ")
        assert [layer.name() for layer in group.findLayers()] == ["Gemeinden mit Kennzahlen", "Standorte des Profils"]
        assert all(node.layer().isValid() for node in group.findLayers())
        assert len(sample_project.mapLayersByName("Gemeinden mit Kennzahlen")) == 1  # loaded once, by the panel
        assert panel.report_button.isEnabled() and panel.report_path.name == "index.html"
        text = panel.results_view.toPlainText()
        assert "Zörbig" in text and "Was die Gemeinde erhält" in text and "Bilanz 2045" in text
        profile = json.loads((tmp_path / "out" / "profile.json").read_text(encoding="utf-8"))
        assert [m["name"] for m in profile["municipalities"]] == ["Zörbig"]
        ind = profile["municipalities"][0]["indicators"]
        expected = format_number(ind["municipal_value_keur"], 0, QLocale())
        assert expected in text
        assert panel.progress.value() == 100 and not panel.cancel_button.isEnabled()
    finally:
        panel.unload()
        panel.deleteLater()


def test_cancel_stops_the_run(german, provider, sample_project, tmp_path):
    from wip_qgis_plugin.panel import PlanningPanel

    panel = PlanningPanel(project=sample_project)
    try:
        panel.set_checked_names(["Zörbig"])
        panel.output.setText(str(tmp_path / "out"))
        done = []
        panel.finished.connect(lambda ok, results: done.append(ok))
        assert panel.run(), panel.status.text()
        assert not panel.run()  # one run at a time
        panel.cancel()
        start = time.time()
        while not done and time.time() - start < 60:
            QgsApplication.processEvents()
            time.sleep(0.05)
        assert done == [False]
        assert panel.status.text() == "Abgebrochen." and panel.run_button.isEnabled()
        assert panel.result_group is None
        assert not [p.name for p in (tmp_path / "out").rglob(".*part*")], "half-written files after the cancel"
        assert not (tmp_path / "out" / "profile.json").exists()
    finally:
        panel.unload()
        panel.deleteLater()


def test_boundaries_for_a_planner_without_a_municipalities_layer(german, provider, tmp_path, wfs):
    """The panel's VG250-EW button: the Land's boundaries from the (stand-in) WFS become its municipalities layer."""
    from wip_qgis_plugin.panel import PlanningPanel

    url, queries = wfs
    project = QgsProject.instance()
    project.clear()
    panel = PlanningPanel(project=project)
    try:
        assert panel.aoi_combo.count() == 0
        panel.output.setText(str(tmp_path / "out"))
        loaded = []
        panel.boundaries.finished.connect(lambda layer, message: loaded.append((layer, message)))
        assert panel.load_boundaries("ST", url)
        assert panel.status.text() == "Die Gemeindegrenzen von Sachsen-Anhalt werden geladen …"
        start = time.time()
        while not loaded and time.time() - start < 30:
            QgsApplication.processEvents()
            time.sleep(0.05)
        layer, message = loaded[0]
        assert layer is not None, message
        assert message.startswith("2 Gemeinden geladen") and panel.status.text() == message
        assert panel.aoi_combo.currentData() == layer.id()
        assert panel.name_field.currentData() == "GEN" and panel.key_field.currentData() == "AGS"
        assert sorted(panel.names.item(i).text() for i in range(panel.names.count())) == \
            ["Sandersdorf-Brehna", "Zörbig"]
        panel.set_checked_names(["Zörbig"])
        assert panel.land_label.text().startswith("Sachsen-Anhalt")  # from the AGS of the VG250 layer
        assert (tmp_path / "out" / "gemeinden_vg250_st.geojson").is_file()
        assert "<fes:Literal>15</fes:Literal>" in queries[0]["FILTER"]
    finally:
        panel.unload()
        panel.deleteLater()
        project.clear()


def test_tables_for_excel_follow_the_language_unless_chosen(qgis_app):
    from qgis.core import QgsSettings

    from conftest import german_ui
    from wip_qgis_plugin import worker
    from wip_qgis_plugin.core.jobs.protocol import Job
    from wip_qgis_plugin.panel_levers import LeverBox

    settings = QgsSettings()
    saved = settings.value(worker.KEY_CSV_FORMAT)
    settings.remove(worker.KEY_CSV_FORMAT)
    try:
        assert worker.csv_format() == "standard"
        with german_ui():
            assert worker.csv_format() == "excel_de"
            assert worker.with_csv_format(Job("profile", {})).csv_format == "excel_de"
            assert worker.with_csv_format(Job("profile", {}, csv_format="standard")).csv_format == "standard"
            box = LeverBox(QLocale())
            assert box.excel.isChecked()
            box.excel.setChecked(False)  # the planner's choice is kept
            assert worker.csv_format() == "standard"
    finally:
        if saved is None:
            settings.remove(worker.KEY_CSV_FORMAT)
        else:
            settings.setValue(worker.KEY_CSV_FORMAT, saved)
