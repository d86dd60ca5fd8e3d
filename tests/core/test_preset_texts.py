"""The quoted texts of the presets (sources, assumptions, notes) per language (issue 15): a plain string (users' own
files, shown as written) or ``{de: …, en: …}``; every other form is a problem with its place, reported together
with the file's other problems. The shipped presets give both languages, and their German texts write numbers the
German way (decimal comma, thin-space grouping).

Oracles: the YAML files as parsed here, and hand-written bad files with the places their problems must name.
"""
from __future__ import annotations

import copy
import re

import pytest
import yaml

from wip_qgis_plugin.core.economics.costs import load_cost_table
from wip_qgis_plugin.core.errors import SpecError
from wip_qgis_plugin.core.profile.demand import build_demand_catalogue, load_demand_catalogue
from wip_qgis_plugin.core.profile.demand_scenarios import build_demand_scenarios, load_demand_scenarios
from wip_qgis_plugin.core.spec import PRESET_DIR, read_yaml

PRESETS = ("demand", "economics", "demand_scenarios")


def english_numbers(text: str) -> list[str]:
    """Numbers with an English grouping comma (1,508) or decimal point (0.245) in ``text``; software versions
    (demandlib 0.2.2) and dates (31.12.2019) are not numbers of the text."""
    text = re.sub(r"\b\d+\.\d+\.\d+\b", " ", text)
    return re.findall(r"\d,\d{3}(?!\d)|\d\.\d", text)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_quoted_text_of_a_preset_is_german_and_english(preset):
    raw = read_yaml(PRESET_DIR / f"{preset}.yml", preset)
    texts = {f"{block}.{k}": v for block in ("sources", "assumptions") for k, v in (raw.get(block) or {}).items()}
    assert texts
    for where, text in texts.items():
        assert isinstance(text, dict) and set(text) == {"de", "en"}, where
        assert text["de"] != text["en"], where
        assert not english_numbers(text["de"]), (where, english_numbers(text["de"]))


def test_the_loaders_give_each_language_its_text():
    households = load_demand_catalogue().sector("households")
    assert households.note.de == "0,245 × 512 TWh / 83,2 Mio. = 1\u2009508 kWh"
    assert households.note.en == "0.245 × 512 TWh / 83.2 M = 1,508 kWh"
    row = dict((sid, text) for sid, _, text in load_demand_catalogue().source_rows("de"))["households"]
    assert "Nettostromverbrauch 2019 ≈ 512 TWh" in row and row.endswith("= 1\u2009508 kWh")
    assert "net electricity consumption" in dict((s, t) for s, _, t in load_demand_catalogue().source_rows())[
        "households"]
    assert load_cost_table().sources["gewstg"].de.startswith("Gewerbesteuergesetz: § 11 Abs. 2 Steuermesszahl 3,5 %")
    rows = {place: text for place, _, _, text in load_demand_scenarios().rows}
    assert rows["transport.km_per_car"].de.startswith("Kraftfahrt-Bundesamt, Verkehr in Kilometern (VK) 2023, "
                                                      "Pressemitteilung vom 28.6.2024")
    assert "12\u2009320 km" in rows["transport.km_per_car"].de and "12,320 km" in rows["transport.km_per_car"].en


def test_a_plain_string_is_shown_as_written_in_both_languages():
    cat = build_demand_catalogue({"schema": "wip-demand/1", "valid_from": "2020-01-01", "sources": {"s": "own survey"},
                                  "sectors": [{"id": "a", "label": {"de": "A", "en": "A"},
                                               "per_inhabitant": {"value": "12 kWh", "source": "s", "note": "n"},
                                               "profile": {"id": "h0"}}]})
    assert cat.sector("a").source.de == cat.sector("a").source.en == "own survey"
    assert cat.source_rows("de")[0][2] == cat.source_rows("en")[0][2] == "own survey n"


BAD_TEXTS = {"x": {"de": "nur Deutsch"}, "y": {"de": "a", "en": "b", "fr": "c"}, "z": ["a", "b"]}


def test_a_bad_demand_text_is_named_with_its_place():
    with pytest.raises(SpecError) as err:
        build_demand_catalogue({"schema": "wip-demand/1", "valid_from": "2020-01-01", "sources": {"s": "x", **BAD_TEXTS},
                                "sectors": [{"id": "a", "label": {"de": "A", "en": "A"},
                                             "per_inhabitant": {"value": "12", "source": "s", "note": {"en": "n"}},
                                             "profile": {"id": "h0"}}]})
    text = str(err.value)
    for expected in ("sources.x: needs a German and an English text", "sources.y: fr: unknown language",
                     "sources.z: write a text, or one per language", "sectors[0].per_inhabitant.note: needs a German",
                     "sectors[0].per_inhabitant.value"):  # and the file's other problems, in the same pass
        assert expected in text, expected


def test_a_bad_cost_table_text_is_named_with_its_place(tmp_path):
    raw = read_yaml(PRESET_DIR / "economics.yml", "economics")
    raw["assumptions"] = {**raw["assumptions"], **BAD_TEXTS}
    raw["lifetime"] = {"value": 25, "source": "lifetime"}
    path = tmp_path / "costs.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_cost_table(str(path))
    text = str(err.value)
    for expected in ("assumptions.x: needs a German and an English text", "assumptions.y: fr: unknown language",
                     "assumptions.z: write a text", "lifetime.value: 25 has no unit"):
        assert expected in text, expected


def test_a_bad_scenario_text_is_named_with_its_place():
    raw = copy.deepcopy(read_yaml(PRESET_DIR / "demand_scenarios.yml", "demand_scenarios"))
    raw["sources"] = {**raw["sources"], **BAD_TEXTS}
    raw["assumptions"]["plain"] = "Modelling assumption of a user, one language"
    raw["heat_pump"]["minimum_lift"] = {"value": "15 K", "source": "plain"}
    raw["heat_pump"]["intercept"]["value"] = "x"
    with pytest.raises(SpecError) as err:
        build_demand_scenarios(raw, "s.yml")
    text = str(err.value)
    for expected in ("sources.x: needs a German and an English text", "sources.y: fr: unknown language",
                     "sources.z: write a text", "heat_pump.intercept"):
        assert expected in text, expected
    del raw["sources"]["x"], raw["sources"]["y"], raw["sources"]["z"]
    raw["heat_pump"]["intercept"]["value"] = 6.08
    rows = {place: text for place, _, _, text in build_demand_scenarios(raw, "s.yml").rows}
    assert rows["heat_pump.minimum_lift"].de == rows["heat_pump.minimum_lift"].en == raw["assumptions"]["plain"]
