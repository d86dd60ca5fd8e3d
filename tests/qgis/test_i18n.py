"""German user interface: the .ts covers every tr() string, the committed .qm matches it, and
the plugin installs it according to the QGIS locale."""
from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator
from wip_qgis_testing import PLUGIN_DIR, REPO

from wip_qgis_plugin import i18n
from wip_qgis_plugin.processing_algorithms.base import help_for
from wip_qgis_plugin.processing_algorithms.land_eligibility import LandEligibility
from wip_qgis_plugin.processing_algorithms.setback_sweep import SetbackSweep
from wip_qgis_plugin.processing_algorithms.suitability import Suitability
from wip_qgis_plugin.processing_algorithms.windbg_accounting import WindbgAccounting

TS = PLUGIN_DIR / "i18n" / "wip_de.ts"
QM = PLUGIN_DIR / "i18n" / "wip_de.qm"


def ts_translations() -> dict[str, str | None]:
    out = {}
    for message in ET.parse(TS).getroot().iter("message"):
        translation = message.find("translation")
        finished = translation is not None and translation.get("type") != "unfinished"
        out[message.findtext("source")] = translation.text if finished else None
    return out


def collect_tr_strings() -> dict:
    spec = importlib.util.spec_from_file_location("update_ts", REPO / "scripts" / "update_ts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.collect_messages()


@pytest.fixture
def german(qgis_app):
    """German translator installed through the locale setting, as the plugin does at start."""
    settings = QgsSettings()
    old = settings.value("locale/userLocale", "")
    settings.setValue("locale/userLocale", "de_DE")
    assert i18n.ui_language() == "de"
    assert i18n.install_translator()
    yield
    i18n.remove_translator()
    settings.setValue("locale/userLocale", old)


def test_every_tr_string_has_a_finished_german_translation():
    translations = ts_translations()
    missing = [s for s in collect_tr_strings() if not translations.get(s)]
    assert not missing, f"run `make ts`, translate, then `make i18n`: {missing}"


def test_compiled_qm_matches_the_ts(qgis_app):
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)  # translate() as the plugin calls it (UTF-8)
    try:
        for source, translation in ts_translations().items():
            assert QCoreApplication.translate(i18n.CONTEXT, source) == translation, "make i18n"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_german_locale_translates_the_algorithm(german):
    algorithm = LandEligibility()
    assert algorithm.displayName() == "Flächeneignung (Ausschlusskriterien)"
    assert algorithm.group() == "Flächeneignung"
    assert algorithm.shortDescription().startswith("Schließt Flächen")
    algorithm.initAlgorithm()
    assert algorithm.parameterDefinition("RESOLUTION").description() == "Rasterauflösung [m]"


@pytest.mark.parametrize("cls, name, group, parameter, label", [
    (Suitability, "Eignungsbewertung (gewichtete Kriterien)", "Eignungsbewertung", "PERTURBATION",
     "Sensitivität: Variation der Gewichte ± [%]"),
    (WindbgAccounting, "WindBG-Flächenbilanz", "Flächenbilanzen", "TOWER_FOOT_RADIUS", "Turmfußradius [m]"),
    (SetbackSweep, "Abstandsvariation", "Flächeneignung", "SETBACK_STEP", "Schrittweite [m]"),
])
def test_german_locale_translates_the_planning_algorithms(german, cls, name, group, parameter, label):
    algorithm = cls()
    assert (algorithm.displayName(), algorithm.group()) == (name, group)
    algorithm.initAlgorithm()
    assert algorithm.parameterDefinition(parameter).description() == label
    assert algorithm.shortDescription() == help_for(algorithm.name(), "de")["description"]
    assert algorithm.tags() == help_for(algorithm.name(), "de")["tags"]


def test_english_without_translator():
    i18n.remove_translator()
    assert LandEligibility().displayName() == "Land eligibility"
    assert not i18n.install_translator("xx")  # no such translation: stays English
