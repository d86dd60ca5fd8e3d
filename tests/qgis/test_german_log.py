"""The German log of a full profile run: no English number format, no English engine line (issue 15).

``wip:municipalprofile`` runs on the sample for Zörbig with QGIS in German (translator and QLocale), every
source and the setback chart on, as the planning panel starts it. Every line the run gives the Processing
log (progress texts, infos, warnings, errors) is checked:
- numbers in English format: grouping commas (``1,200 m``) or a decimal point (``4.2 MW``); a German
  reader takes "1,050 m" for 1.05 m;
- English words in a line (the function words of English sentences: "the", "of", "and", "within" …),
  i.e. an engine message that reached the German log untranslated.
File paths, URLs, dates and version numbers are left out of the number check.
"""
from __future__ import annotations

import re
import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

from conftest import german_ui
from test_panel import SAMPLE_GPKG, sample_state
from wip_qgis_plugin.panel_params import ALGORITHM_ID, profile_parameters

#: English function words that never occur in a German sentence of the plugin.
ENGLISH_WORDS = {"the", "of", "and", "are", "is", "have", "has", "with", "within", "without", "from", "for",
                 "not", "to", "be", "or", "there", "this", "that", "each", "every", "all", "only", "no", "left",
                 "out", "on", "at", "feature", "features", "lake", "lakes", "tile", "hub", "spacing", "along", "across", "reading", "writing", "done", "missing", "reusing", "buildings"}
#: What is not a number in a sentence: paths, URLs, dates (07.12.26), times, versions (3.22.16), identifiers.
NOT_NUMBERS = re.compile(r"(?:\S*[/\\]\S*)|(?:https?://\S+)|(?:\b\d{1,2}\.\d{1,2}\.\d{2,4}\b)|(?:\b\d+(?:\.\d+){2,}\b)"
                         r"|(?:\b[\w-]*[A-Za-z][\w-]*\d[\w.-]*)")
ENGLISH_GROUPING = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])")
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])|(?<![\d.,])\d+\.\d{4,}(?![\d.,])")
#: Quoted names (layers, criteria ids, tags and values of the data) are the data's, not the sentence's; so are
#: identifiers (``missing_score``) and tags (``water=lake``).
QUOTED = re.compile(r"„[^“]*“|'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\S*[_=]\S*")


class Recorder(QgsProcessingFeedback):
    """Every line a person would read in the Processing log."""

    def __init__(self):
        super().__init__()
        self.lines: list[tuple[str, str]] = []

    def setProgressText(self, text):  # noqa: N802 (QGIS API)
        self.lines.append(("progress", text))
        super().setProgressText(text)

    def pushInfo(self, info):  # noqa: N802 (QGIS API)
        self.lines.append(("info", info))
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802 (QGIS API)
        self.lines.append(("warning", warning))
        super().pushWarning(warning)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 (QGIS API)
        self.lines.append(("error", error))
        super().reportError(error, fatalError)


def english_numbers(line: str) -> list[str]:
    text = NOT_NUMBERS.sub(" ", line)
    return ENGLISH_GROUPING.findall(text) + ENGLISH_DECIMAL.findall(text)


def english_words(line: str) -> list[str]:
    words = re.findall(r"[A-Za-zÄÖÜäöüß-]+", QUOTED.sub(" ", NOT_NUMBERS.sub(" ", line)))
    return [w for w in words if w.lower() in ENGLISH_WORDS]


@pytest.mark.parametrize("line, numbers, words", [
    ("Objekte werden bis 1,200 m um das Gebiet gelesen.", ["1,200"], []),
    ("Anlage E-141/4200: 4.2 MW, Rotor 141 m", ["4.2"], []),
    ("Zörbig: 11.491 ha, Bedarf 110,8 GWh/a", [], []),
    ("WIP Ergebnis 07.12.26 22:47, Ordner /tmp/a.1/b", [], []),
    ("5.0 ha of eligible land have no score", ["5.0"], ["of", "have", "no"]),
    ("Kriterium „drinking_water“: kein Objekt erfüllt protection_title in Wasserschutzgebiet and zone in ['I']",
     [], ["and"]),
    ("Layer „roads“: 1.359 Objekt(e) innerhalb von 3.000 m.", [], []),
])
def test_the_checks_find_english_formats(line, numbers, words):
    assert english_numbers(line) == numbers
    assert english_words(line) == words


@pytest.fixture(scope="module")
def german_log(qgis_app, wip_plugin, tmp_path_factory):
    if not SAMPLE_GPKG.is_file():
        pytest.skip(f"{SAMPLE_GPKG} does not exist")
    folder = tmp_path_factory.mktemp("german-log") / "out"
    params = profile_parameters(sample_state(folder))
    params["SWEEP"] = True
    with german_ui():
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        feedback = Recorder()
        results, ok = algorithm.run(params, context, feedback)
    assert ok, feedback.lines[-5:]
    return feedback.lines


def test_the_run_logs_enough_to_be_checked(german_log):
    kinds = {kind for kind, _ in german_log}
    assert {"progress", "info"} <= kinds and len(german_log) > 50
    assert any("Zörbig" in line for _, line in german_log)


def test_no_english_number_format_in_the_german_log(german_log):
    found = [(line, english_numbers(line)) for _, line in german_log if english_numbers(line)]
    assert not found, "English number formats in the German log:\n" + "\n".join(f"{n}: {line}" for line, n in found)


def test_no_english_engine_line_in_the_german_log(german_log):
    found = [(line, english_words(line)) for _, line in german_log if english_words(line)]
    assert not found, "English lines in the German log:\n" + "\n".join(f"{w}: {line}" for line, w in found)
