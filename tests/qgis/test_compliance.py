"""Metadata every algorithm of the provider must have (looped over all of them)."""
from __future__ import annotations

import re

import pytest

from wip_qgis_plugin.processing_algorithms import ALGORITHMS
from wip_qgis_plugin.processing_algorithms.base import help_for

# A short description starts with a verb in the third person: "Computes …", "Berechnet …".
FIRST_WORD_IS_VERB = {"en": re.compile(r"^[A-Z][a-z]+s\b"), "de": re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+t\b")}


@pytest.fixture(params=[cls().name() for cls in ALGORITHMS])
def algorithm(request, provider):
    return provider.algorithm(request.param)


def test_every_algorithm_class_is_in_the_provider(provider):
    assert sorted(a.name() for a in provider.algorithms()) == sorted(c().name() for c in ALGORITHMS)


def test_id_is_a_stable_lowercase_name(algorithm):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", algorithm.name())
    assert algorithm.id() == f"wip:{algorithm.name()}"


def test_texts_and_icon(algorithm):
    assert algorithm.displayName().strip()
    assert algorithm.group().strip() and algorithm.groupId().strip()
    assert algorithm.shortHelpString().strip()
    assert algorithm.shortDescription().strip()
    assert not algorithm.icon().isNull()
    assert algorithm.helpUrl().startswith("https://")


@pytest.mark.parametrize("language", ["en", "de"])
def test_help_exists_in_english_and_german(algorithm, language):
    text = help_for(algorithm.name(), language)
    assert text is help_for(algorithm.name(), language)  # cached, loaded once
    assert FIRST_WORD_IS_VERB[language].match(text["description"]), text["description"]
    assert text["help"] and all(p.strip() for p in text["help"])
    names = {d.name() for d in algorithm.parameterDefinitions()}
    assert set(text["parameters"]) == names, "help must document exactly the parameters"


def test_every_parameter_and_output_has_a_description(algorithm):
    for definition in algorithm.parameterDefinitions():
        assert definition.description().strip(), definition.name()
        assert definition.name() == definition.name().upper(), definition.name()
    for output in algorithm.outputDefinitions():
        assert output.description().strip(), output.name()


def test_units_are_in_the_labels_of_numeric_parameters(algorithm):
    for definition in algorithm.parameterDefinitions():
        if definition.type() == "number":  # [-]: a count or another dimensionless number
            assert re.search(r"\[(m|ha|%|°|kW|MW|€|-|dB|dB\(A\)|a|h/a)\]", definition.description()), definition.name()


@pytest.mark.parametrize("language", ["en", "de"])
def test_tags_for_the_toolbox_search(algorithm, language, monkeypatch):
    from wip_qgis_plugin.processing_algorithms import base

    monkeypatch.setattr(base, "ui_language", lambda: language)
    tags = algorithm.tags()
    assert len(tags) >= 3 and all(t.strip() for t in tags) and len(set(tags)) == len(tags)
    assert tags == help_for(algorithm.name(), language)["tags"]


def test_help_of_numeric_parameters_states_their_unit(algorithm):
    """A number parameter whose label has a unit in brackets states it in its help text as well."""
    text = help_for(algorithm.name(), "en")["parameters"]
    for definition in algorithm.parameterDefinitions():
        unit = re.search(r"\[(m|ha|%|-)\]", definition.description())
        if unit and definition.type() == "number":
            assert f"[{unit.group(1)}]" in text[definition.name()], definition.name()
