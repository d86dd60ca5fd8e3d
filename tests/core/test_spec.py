"""The configuration-file toolkit (core/spec.py): lists of mappings with unique ids."""
from __future__ import annotations

import pytest

from wip_qgis_plugin.core.spec import Problems, items_with_ids


def test_items_are_named_by_their_id_and_a_second_id_is_reported():
    problems: list[str] = []
    raw = [{"id": "mv", "x": 1}, {"x": 2}, {"id": "hv"}, {"id": "mv", "x": 3}]
    items = list(items_with_ids(raw, "levels", problems, what="connection levels"))
    assert [place for place, _ in items] == ["levels[0] (mv)", "levels[1]", "levels[2] (hv)", "levels[3] (mv)"]
    assert [item.get("x") for _, item in items] == [1, 2, None, 3]  # the item itself, the duplicate too
    assert problems == ["levels[3] (mv).id: 'mv' is used twice"]


def test_an_item_that_is_not_a_mapping_is_skipped_with_its_index():
    problems: list[str] = []
    items = list(items_with_ids([["a"], {"id": "a"}, "b"], "suitability.criteria", problems))
    assert [place for place, _ in items] == ["suitability.criteria[1] (a)"]
    assert problems == ["suitability.criteria[0]: must be a mapping", "suitability.criteria[2]: must be a mapping"]


def test_an_id_that_is_not_text_leaves_the_place_by_index_and_is_not_compared():
    problems: list[str] = []
    items = list(items_with_ids([{"id": 3}, {"id": 3}], "criteria", problems))
    assert [place for place, _ in items] == ["criteria[0]", "criteria[1]"]
    assert problems == []


@pytest.mark.parametrize("raw", [None, [], {"id": "a"}, "levels"])
def test_a_missing_or_empty_list_is_one_problem_and_no_item(raw):
    problems: list[str] = []
    assert list(items_with_ids(raw, "levels", problems, what="connection levels")) == []
    assert problems == ["levels: a non-empty list of connection levels is required"]


def test_the_default_word_for_the_items_and_a_problems_collector():
    problems = Problems("Scenario", "s.yaml")
    assert list(items_with_ids(None, "sites", problems)) == []
    assert problems.messages == ["sites: a non-empty list of items is required"]


def test_problems_of_an_item_follow_its_own_id_problem():
    """The caller's problems of item i come after the helper's problems of item i (one pass, in order)."""
    problems: list[str] = []
    for place, _ in items_with_ids([{"id": "a"}, 1, {"id": "a"}], "levels", problems):
        problems.append(f"{place}.value: checked")
    assert problems == ["levels[0] (a).value: checked", "levels[1]: must be a mapping",
                        "levels[2] (a).id: 'a' is used twice", "levels[2] (a).value: checked"]
