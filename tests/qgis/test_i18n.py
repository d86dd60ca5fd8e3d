"""German user interface: the .ts covers every tr() string, the committed .qm matches it, and
the plugin installs it according to the QGIS locale."""
from __future__ import annotations

import ast
import importlib.util
import xml.etree.ElementTree as ET

import pytest
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
    assert algorithm.displayName() == "Flächeneignung (Tabuzonen)"
    assert algorithm.group() == "1 Flächeneignung"
    assert algorithm.shortDescription().startswith("Schließt Flächen")
    algorithm.initAlgorithm()
    assert algorithm.parameterDefinition("RESOLUTION").description() == "Rasterauflösung [m]"


@pytest.mark.parametrize("cls, name, group, parameter, label", [
    (Suitability, "Gewichtete Eignungsbewertung", "2 Eignungsbewertung", "PERTURBATION",
     "Sensitivität: Variation der Gewichte ± [%]"),
    (WindbgAccounting, "WindBG-Flächenbilanz", "6 Flächenbilanz", "TOWER_FOOT_RADIUS", "Turmfußradius [m]"),
    (SetbackSweep, "Abstandsvariation", "1 Flächeneignung", "SETBACK_STEP", "Schrittweite [m]"),
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


def test_ts_has_no_unfinished_or_obsolete_messages():
    """`make ts` marks new strings unfinished; a translator finishes them before `make i18n`."""
    root = ET.parse(TS).getroot()
    states = [m.find("translation").get("type") for m in root.iter("message")]
    assert states.count("unfinished") == 0, "translate the unfinished messages in wip_de.ts"
    assert not {"vanished", "obsolete"} & set(states), "run `make ts` to drop messages no longer in the code"
    assert set(ts_translations()) == set(collect_tr_strings()), "run `make ts`"


def plugin_sources():
    for path in sorted(PLUGIN_DIR.rglob("*.py")):
        if "core" not in path.relative_to(PLUGIN_DIR).parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def call_name(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def test_tr_is_called_with_literal_strings_only():
    """update_ts.py collects literals; tr(variable) would never be translated (except in the tr methods)."""
    bad = []
    for path, tree in plugin_sources():
        wrappers = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == "tr"
                    for n in ast.walk(f)}
        bad += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                if isinstance(node, ast.Call) and call_name(node) == "tr" and id(node) not in wrappers
                and not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))]
    assert not bad, bad


#: Calls whose first argument (or, for parameters and outputs, second) is shown to the user.
USER_TEXT_CALLS = {"pushInfo": 0, "pushWarning": 0, "reportError": 0, "setProgressText": 0, "pushMessage": 1,
                   "QgsProcessingException": 0, "WorkerFailed": 0, "push_warning": 1, "QAction": 0}


def test_user_facing_texts_go_through_tr():
    def literal_text(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return any(c.isalpha() for c in node.value)
        return isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.Constant) and any(c.isalpha() for c in v.value) for v in node.values)

    bad = []
    for path, tree in plugin_sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = call_name(node)
            is_definition = name.startswith(("QgsProcessingParameter", "QgsProcessingOutput"))
            index = 1 if is_definition else USER_TEXT_CALLS.get(name)
            if index is not None and len(node.args) > index and literal_text(node.args[index]):
                bad.append(f"{path.relative_to(PLUGIN_DIR)}:{node.lineno} {name}")
    assert not bad, f"wrap these texts in tr(): {bad}"


def literal_english(node) -> str | None:
    """The English text a call argument spells out in the source (a literal, an f-string or a sum with one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isalpha() for c in node.value):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "1" for v in node.values)
        return text if any(c.isalpha() for c in text) else None
    if isinstance(node, ast.BinOp):
        return literal_english(node.left) or literal_english(node.right)
    return None


def engine_literal_lines() -> dict[str, str]:
    """``{"path:line": text}`` of every report/info/warning call in core that passes English text, not a msg()."""
    found = {}
    for path in sorted((PLUGIN_DIR / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and call_name(node) in ("report", "info", "warning"):
                for arg in node.args:
                    text = literal_english(arg)
                    if text:
                        found[f"{path.relative_to(PLUGIN_DIR / 'core')}:{node.lineno}"] = text
    return found


#: Warnings still passed as English text (shown in English in a German QGIS): the line below is assembled from
#: PreparedLayer.describe's terminal wording. A new line must not join it: give it a msg() id in core/messages.json.
ENGLISH_WARNINGS = (
    "Layer 1: ",  # jobs/prepare.py: a prepared layer's problems, worded by PreparedLayer.describe
)


def test_the_engine_lines_shown_in_qgis_are_translated(german):
    """Core reports its progress and log lines by message id (core/messages.json), never as English text that
    the QGIS side would have to rematch: QGIS renders them in its language, numbers included."""
    from wip_qgis_plugin.core.messages import msg
    from wip_qgis_plugin.feedback import translate_engine_message

    lines = engine_literal_lines()
    english = {where: text for where, text in lines.items() if not text.startswith(ENGLISH_WARNINGS)}
    assert not english, f"report these engine lines by msg() with an entry in core/messages.json: {english}"
    stale = [w for w in ENGLISH_WARNINGS if not any(text.startswith(w) for text in lines.values())]
    assert not stale, f"these warnings have a message id now, remove them from ENGLISH_WARNINGS: {stale}"
    assert translate_engine_message(msg("step_tile", n=3, m=8)) == "Kachel 3 von 8"
    assert translate_engine_message(msg("sources_read_within", w=1200.0, h=4.25)) == \
        "Quellen gelesen im Umkreis von 1.200,0 × 4,2 km um die gewählten Gebiete."
    assert translate_engine_message("AOI has no feature 'X'") == "AOI has no feature 'X'"  # others pass through


def test_german_dependency_message(german, monkeypatch):
    from wip_qgis_plugin import environment

    monkeypatch.setattr(environment, "numpy_abi_error", lambda: "")
    message = environment.missing_dependencies_message(["geopandas"])
    assert message.startswith("Der WIP-Rechenkern benötigt Python-Pakete")
    assert "Erweiterungen → WIP Energie & Raumplanung → Rechenkernumgebung erstellen" in message
