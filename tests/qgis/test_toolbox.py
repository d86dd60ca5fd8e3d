"""The toolbox as a planner meets it in the German QGIS (issue 15): the groups in the order of the work, names
that fit, the main levers of "Land eligibility" in view, its defaults those of the sample scenario, readable
choices, and the plugin menu's title shown with its '&'.

The order and the widgets are read from QGIS's own toolbox model and parameter widgets, not restated."""
from __future__ import annotations

import pytest
import yaml
from qgis.core import QgsApplication, QgsProcessingContext, QgsSettings
from qgis.PyQt.QtGui import QKeySequence
from wip_qgis_testing import REPO

from wip_qgis_plugin import environment, i18n
from wip_qgis_plugin.compat import FLAG_ADVANCED
from wip_qgis_plugin.processing_algorithms import ALGORITHMS

SCENARIO = REPO / "sample_layers" / "scenario.yaml"

#: The groups as the German toolbox lists them, in the order of the work.
GERMAN_GROUPS = ["0 Eingangsdaten", "1 Flächeneignung", "2 Eignungsbewertung", "3 Potenzial", "4 Netz",
                 "5 Energieprofil", "6 Flächenbilanz"]
ENGLISH_GROUPS = ["0 Input data", "1 Eligibility", "2 Suitability", "3 Potential", "4 Grid", "5 Energy profile",
                  "6 Area accounting"]
#: The algorithm ids scripts, models and qgis_process call: renaming the display names must keep them.
ALGORITHM_IDS = {"checkdata", "osmdownload", "landeligibility", "setbacksweep", "suitability", "windbgaccounting",
                 "planareaaccounting", "solarpotential", "rooftopsolar", "floatingpv", "windyield", "turbinelayout",
                 "windimmission", "windrepowering", "gridtopologycheck", "gridconnection", "municipalprofile",
                 "sitemaps", "vg250boundaries", "batchprofile"}
#: Longest display name the toolbox shows without cutting it off at its default width (German).
MAX_NAME = 35


@pytest.fixture
def german(qgis_app):
    settings = QgsSettings()
    old = settings.value("locale/userLocale", "")
    settings.setValue("locale/userLocale", "de_DE")
    assert i18n.install_translator()
    yield
    i18n.remove_translator()
    settings.setValue("locale/userLocale", old)


def toolbox_groups(provider) -> dict[str, list[str]]:
    """Group → algorithm names under the provider, in the order QGIS's toolbox (its proxy model) shows them."""
    from qgis.gui import QgsProcessingToolboxModel, QgsProcessingToolboxProxyModel

    model = QgsProcessingToolboxProxyModel(None, QgsApplication.processingRegistry())
    provider_row = [model.index(r, 0) for r in range(model.rowCount())
                    if model.data(model.index(r, 0)) == provider.name()]
    assert provider_row, [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    groups = {}
    for g in range(model.rowCount(provider_row[0])):
        group = model.index(g, 0, provider_row[0])
        groups[model.data(group)] = [model.data(model.index(a, 0, group)) for a in range(model.rowCount(group))]
    assert QgsProcessingToolboxModel  # the model the toolbox dock is built on
    return groups


def test_german_toolbox_lists_the_groups_in_the_order_of_the_work(provider, german):
    provider.refreshAlgorithms()  # names as the German toolbox builds them
    groups = toolbox_groups(provider)
    assert list(groups) == GERMAN_GROUPS
    assert "Flächeneignung (Tabuzonen)" in groups["1 Flächeneignung"]
    assert sum(len(names) for names in groups.values()) == len(ALGORITHMS)


def test_english_group_names_are_numbered_likewise(qgis_app):
    i18n.remove_translator()
    from wip_qgis_plugin.processing_algorithms.base import GROUP_IDS, group_name

    assert [group_name(g) for g in GROUP_IDS] == ENGLISH_GROUPS
    assert sorted(ENGLISH_GROUPS) == ENGLISH_GROUPS
    assert {cls.GROUP_ID for cls in ALGORITHMS} == set(GROUP_IDS)  # the ids stay: models and scripts use them


def test_german_display_names_fit_and_the_ids_stay(german):
    names = {cls().name(): cls().displayName() for cls in ALGORITHMS}
    assert set(names) == ALGORITHM_IDS
    too_long = {alg: name for alg, name in names.items() if len(name) > MAX_NAME}
    assert not too_long, too_long
    assert names["suitability"] == "Gewichtete Eignungsbewertung"
    assert names["planareaaccounting"] == "Windflächen eines Plans bilanzieren"


def land_eligibility():
    from wip_qgis_plugin.processing_algorithms.land_eligibility import LandEligibility

    algorithm = LandEligibility()
    algorithm.initAlgorithm()
    return algorithm


@pytest.mark.parametrize("algorithm_id", ["landeligibility", "checkdata"])
def test_settlement_setback_is_a_main_parameter_next_to_the_catalogue(qgis_app, algorithm_id):
    cls = next(c for c in ALGORITHMS if c().name() == algorithm_id)
    algorithm = cls()
    algorithm.initAlgorithm()
    setback = algorithm.parameterDefinition("SETTLEMENT_SETBACK")
    assert not setback.flags() & FLAG_ADVANCED
    order = [p.name() for p in algorithm.parameterDefinitions()]
    assert order.index("SETTLEMENT_SETBACK") < order.index("AOI")  # above the layers, not below 17 of them


def test_table_and_polygons_are_created_by_default(qgis_app):
    algorithm = land_eligibility()
    for name in ("OUTPUT_AREAS", "OUTPUT_TABLE", "OUTPUT_ELIGIBILITY"):
        assert algorithm.parameterDefinition(name).createByDefault(), name
    assert not algorithm.parameterDefinition("OUTPUT_REASONS").createByDefault()


def test_the_dialog_creates_the_table_and_the_polygons(qgis_app):
    """The dialog's output widgets start on a temporary output, not on "skip"."""
    from qgis.gui import QgsGui, QgsProcessingGui

    algorithm = land_eligibility()
    values = {}
    for name in ("OUTPUT_AREAS", "OUTPUT_TABLE", "OUTPUT_REASONS"):
        wrapper = QgsGui.processingGuiRegistry().createParameterWidgetWrapper(
            algorithm.parameterDefinition(name), QgsProcessingGui.Standard)
        widget = wrapper.createWrappedWidget(QgsProcessingContext())
        assert widget is not None
        value = wrapper.parameterValue()
        values[name] = getattr(value, "sink", value)
        values[name] = values[name].staticValue() if hasattr(values[name], "staticValue") else values[name]
    assert values["OUTPUT_AREAS"] == values["OUTPUT_TABLE"] == "TEMPORARY_OUTPUT", values
    assert values["OUTPUT_REASONS"] in (None, ""), values


def scenario() -> dict:
    return yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))


def test_land_eligibility_defaults_are_the_scenarios_for_the_default_preset(qgis_app):
    algorithm = land_eligibility()
    data = scenario()
    wind = data["eligibility"]["wind"]
    assert algorithm.parameterDefinition("PRESET").defaultValue() == wind["catalogue"]
    assert algorithm.parameterDefinition("MIN_AREA").defaultValue() == pytest.approx(wind["min_area_ha"])
    assert algorithm.parameterDefinition("RESOLUTION").defaultValue() == pytest.approx(data["resolution_m"])
    kinds = [algorithm.KIND_IDS[i] for i in algorithm.parameterDefinition("KINDS").defaultValue()]
    assert kinds == wind["kinds"]
    assert algorithm.parameterDefinition("CRS").defaultValue() == data["crs"]


def test_the_minimum_patch_of_pv_is_documented_where_the_default_cannot_follow_the_preset(qgis_app):
    """A Processing default cannot change with the chosen preset: the help says what to give for PV."""
    from wip_qgis_plugin.processing_algorithms.base import help_for

    pv = scenario()["eligibility"]["pv_ground"]["min_area_ha"]
    for language in ("en", "de"):
        text = help_for("landeligibility", language)["parameters"]["MIN_AREA"]
        assert f"{pv:g} ha" in text and "5 ha" in text, text


def dialog_default(algorithm_id: str, parameter: str):
    """The default the algorithm's dialog shows for ``parameter``."""
    cls = next(c for c in ALGORITHMS if c().name() == algorithm_id)
    instance = cls()
    instance.initAlgorithm()
    return instance.parameterDefinition(parameter).defaultValue()  # read while the algorithm lives


def cli_default(argv: list[str], dest: str):
    """The value ``wip`` gives ``dest`` when the flag is left out (the subcommand's required arguments given)."""
    from wip_qgis_plugin.cli import build_parser

    return getattr(build_parser().parse_args(argv), dest)


#: Dialog defaults that the sample scenario also sets: (algorithm, parameter, the scenario's value, the
#: subcommand with its required arguments, the flag's dest, the words of the help that state the default).
SCENARIO_DEFAULTS = [
    ("landeligibility", "MIN_AREA", lambda s: s["eligibility"]["wind"]["min_area_ha"],
     ["eligibility", "--catalogue", "x"], "min_area", {"en": "5 ha", "de": "5 ha"}),
    ("setbacksweep", "RESOLUTION", lambda s: s["sweep"]["wind"]["resolution_m"],
     ["sweep", "--catalogue", "x", "--criterion", "c"], "resolution", {"en": "Default 25 m", "de": "Standard 25 m"}),
    ("suitability", "SENSITIVITY_RUNS", lambda s: s["suitability"]["wind"]["sensitivity"]["runs"],
     ["suitability", "--catalogue", "x", "--eligibility", "e.tif"], "runs", {"en": "Default 50", "de": "Standard 50"}),
    ("windbgaccounting", "ROTOR_IN", lambda s: s["windbg"]["wind"]["rotor_in"],
     ["windbg", "--catalogue", "x", "--areas", "a.gpkg"], "rotor_in",
     {"en": "Default: on", "de": "Voreinstellung: an"}),
    ("turbinelayout", "ROTOR_IN", lambda s: s["wind"]["layout"]["rotor_in"],
     ["layout", "--areas", "a.gpkg"], "rotor_in", {"en": "Default: on", "de": "Voreinstellung: an"}),
    # the scenario's repowering places no layout of its own; a replacement layout follows the scenario's layout
    ("windrepowering", "ROTOR_IN", lambda s: s["wind"]["layout"]["rotor_in"],
     ["repowering", "--existing", "t.gpkg"], "rotor_in", {"en": "Default: on", "de": "Voreinstellung: an"}),
    ("windimmission", "SHADOW_REAL_CASE", lambda s: s["wind"]["immission"]["shadow_real_case"],
     ["immission", "--turbines", "t.gpkg"], "shadow_real_case", {"en": "Default: on", "de": "Voreinstellung: an"}),
]


#: The scenario parser's default where a scenario file leaves the key out: (algorithm, parameter) → (the key's
#: place in the sample scenario, what the loaded Scenario holds). The repowering's replacement layout is the
#: scenario's wind.layout (wind.repowering.turbines: place).
PARSER_DEFAULTS = {
    ("windbgaccounting", "ROTOR_IN"): (("windbg", "wind", "rotor_in"), lambda sc: sc.windbg[0].rotor_in),
    ("turbinelayout", "ROTOR_IN"): (("wind", "layout", "rotor_in"), lambda sc: sc.wind.layout.rotor_in),
    ("windrepowering", "ROTOR_IN"): (("wind", "layout", "rotor_in"), lambda sc: sc.wind.layout.rotor_in),
    ("windimmission", "SHADOW_REAL_CASE"): (("wind", "immission", "shadow_real_case"),
                                            lambda sc: sc.wind.immission.shadow_real_case),
}


def scenario_default(tmp_path, keys: tuple[str, ...], read):
    """What the scenario parser makes of the sample scenario without the key ``keys`` (its layers made absolute,
    the file written elsewhere)."""
    from wip_qgis_plugin.core.scenario.spec import load_scenario

    raw = scenario()
    for ref in raw["layers"].values():
        ref["path"] = str(SCENARIO.parent / ref["path"])
    raw["output_dir"] = str(tmp_path / "out")
    section = raw
    for key in keys[:-1]:
        section = section[key]
    del section[keys[-1]]
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return read(load_scenario(path))


@pytest.mark.parametrize("algorithm_id, parameter, in_scenario, argv, dest, words", SCENARIO_DEFAULTS,
                         ids=[f"{a}-{p}" for a, p, *_ in SCENARIO_DEFAULTS])
def test_dialog_defaults_are_the_scenarios_and_the_flags(qgis_app, algorithm_id, parameter, in_scenario, argv, dest,
                                                         words, tmp_path):
    """A planner who opens a dialog gets the sample scenario's choice, `wip` without the flag the same, a scenario
    file without the key the same, and the help says so (issue 15: a flag and a parameter never disagree)."""
    from wip_qgis_plugin.processing_algorithms.base import help_for

    expected = in_scenario(scenario())
    assert dialog_default(algorithm_id, parameter) == pytest.approx(expected)
    assert cli_default(argv, dest) == pytest.approx(expected)
    if (algorithm_id, parameter) in PARSER_DEFAULTS:
        keys, read = PARSER_DEFAULTS[algorithm_id, parameter]
        assert scenario_default(tmp_path, keys, read) == pytest.approx(expected), keys
    for language, text in words.items():
        assert text in help_for(algorithm_id, language)["parameters"][parameter], (language, text)


def test_plan_area_rotor_in_stays_off_because_it_is_the_plans_rule(qgis_app):
    """Whether a regional plan requires rotor-in is a fact of the plan, not a choice (WindBG § 4 (3)); the scenario
    has no plan, its model default is off. Dialog and flag agree on off."""
    assert dialog_default("planareaaccounting", "ROTOR_IN") is False
    assert cli_default(["plan-areas", "--catalogue", "x", "--areas", "a.gpkg"], "rotor_in") is False


def test_the_profile_and_the_turbine_tools_agree_on_rotor_in(qgis_app):
    """The profile's layout and WindBG accounting, and the single tools, all start rotor-in."""
    assert {dialog_default(a, "ROTOR_IN")
            for a in ("municipalprofile", "windbgaccounting", "turbinelayout", "windrepowering")} == {True}


def test_repowering_year_stays_this_year_and_the_help_names_the_scenarios(qgis_app):
    """The dialog counts the age this year (a fixed 2030 would go stale and answer another question than "which
    turbines may be repowered now"); the help names the scenario's 2030 for a look ahead; `wip` agrees."""
    from wip_qgis_plugin.processing_algorithms.base import help_for

    assert dialog_default("windrepowering", "YEAR") is None
    assert cli_default(["repowering", "--existing", "t.gpkg"], "year") is None
    year = scenario()["wind"]["repowering"]["year"]
    for language in ("en", "de"):
        assert str(year) in help_for("windrepowering", language)["parameters"]["YEAR"]


@pytest.mark.parametrize("algorithm_id", ["landeligibility", "setbacksweep", "checkdata"])
def test_criteria_kinds_show_as_check_boxes(qgis_app, algorithm_id):
    """Not "2 options selected": one check box per kind, hard and soft ticked."""
    from qgis.gui import QgsGui, QgsProcessingGui
    from qgis.PyQt.QtWidgets import QCheckBox

    cls = next(c for c in ALGORITHMS if c().name() == algorithm_id)
    algorithm = cls()
    algorithm.initAlgorithm()
    wrapper = QgsGui.processingGuiRegistry().createParameterWidgetWrapper(
        algorithm.parameterDefinition("KINDS"), QgsProcessingGui.Standard)
    widget = wrapper.createWrappedWidget(QgsProcessingContext())
    boxes = [(box.text(), box.isChecked()) for box in widget.findChildren(QCheckBox)]
    assert boxes == [("hard", True), ("soft", True), ("case by case", False)]
    assert wrapper.parameterValue() == [0, 1]


def test_menu_title_shows_the_ampersand(german, qgis_iface, monkeypatch):
    """Qt reads one '&' in a menu title as a mnemonic ("WIP Energie _Raumplanung"); the menu doubles it, the
    messages that name the menu keep one."""
    from wip_qgis_plugin import plugin as plugin_module

    titles = []
    monkeypatch.setattr(qgis_iface, "addPluginToMenu", lambda menu, action: titles.append(menu), raising=False)
    monkeypatch.setattr(qgis_iface, "removePluginMenu", lambda menu, action: None, raising=False)
    monkeypatch.setattr(plugin_module.WipPlugin, "initProcessing", lambda self: None)
    wip = plugin_module.WipPlugin(qgis_iface)
    try:
        wip.initGui()
    finally:
        wip.unload()
        i18n.install_translator()  # unload removes the translator the fixture installed
    assert titles and set(titles) == {"WIP Energie && Raumplanung"}  # the panel's and inspector's entries too
    assert QKeySequence.mnemonic(titles[0]).isEmpty()  # no letter underlined: Qt shows "&"
    assert environment.menu_name() == "WIP Energie & Raumplanung"
    assert "Erweiterungen → WIP Energie & Raumplanung → " in environment.missing_dependencies_message(["geopandas"])
