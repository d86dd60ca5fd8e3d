"""The engine's messages by id (core/messages.py, core/messages.json): table, rendering, wire, use."""
from __future__ import annotations

import ast
import json
import pickle
import string
from pathlib import Path

import pytest

from wip_qgis_plugin.core.messages import Message, from_wire, msg, render, to_wire, wordings

CORE = Path(__file__).resolve().parents[2] / "wip_qgis_plugin" / "core"


def fields(wording: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(wording) if name}


def used_ids() -> dict[str, list[str]]:
    """Every literal id of a ``msg(...)`` call in the engine, with the places it is used."""
    found: dict[str, list[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "msg" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    found.setdefault(first.value, []).append(f"{path.name}:{node.lineno}")
                elif isinstance(first, ast.IfExp):
                    for branch in (first.body, first.orelse):
                        found.setdefault(branch.value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_every_message_has_english_and_german_with_the_same_fields():
    for message_id, entry in wordings().items():
        assert set(entry) == {"en", "de"}, message_id
        assert fields(entry["en"]) == fields(entry["de"]), message_id
        assert entry["en"] != entry["de"] or not any(c.isalpha() for c in entry["en"].replace("{", "")), message_id


def test_every_id_the_engine_uses_is_in_the_table_and_every_entry_is_used():
    used = used_ids()
    assert used, "no msg() call found"
    assert sorted(set(used) - set(wordings())) == [], used
    assert sorted(set(wordings()) - set(used)) == []


def test_numbers_are_formatted_by_language_not_by_the_english_text():
    m = msg("layer_features_within", layer="roads", n=12345, reach_m=20000.0)
    assert m == "Layer 'roads': 12,345 feature(s) within 20,000 m."
    assert m.render("de") == "Layer „roads“: 12.345 Objekt(e) innerhalb von 20.000 m."
    f = msg("floating_summary", fields=2, lakes=2, mwp=75.84, gwh=1064.06, source="WHG § 36")
    assert f.render("de") == "Schwimmende PV: 2 Feld(er) auf 2 geeigneten See(n), 75,8 MWp, 1.064,1 GWh/a (WHG § 36)"
    assert f.render("fr") == str(f)  # a language without wordings: English


def test_a_message_inside_a_message_is_rendered_in_the_same_language():
    weather = msg("try_region", region=4, station="Potsdam")
    line = msg("pv_region_yield", weather=weather, bins=3, tilt_deg=34.0, yield_kwh_per_kwp=961.4)
    assert line == "TRY 2010 region 4 (Potsdam): 3 orientation bin(s), tilt 34°, level ground 961 kWh/kWp/a."
    assert line.render("de").startswith("TRY 2010 Region 4 (Potsdam): 3 Ausrichtungsklasse(n), Neigung 34°")


def test_over_the_wire_and_pickled_a_message_keeps_its_id_and_parameters():
    weather = msg("try_region", region=4, station="Potsdam")
    line = msg("pv_region_yield", weather=weather, bins=3, tilt_deg=34.0, yield_kwh_per_kwp=961.4)
    received = from_wire(json.loads(json.dumps(to_wire(line))))
    assert isinstance(received, Message) and received.render("de") == line.render("de")
    assert pickle.loads(pickle.dumps(line)).render("de") == line.render("de")
    assert from_wire({"message": "plain line"}) == "plain line"
    unknown = from_wire({"message": "from a newer engine", "id": "no_such_id", "params": {}})
    assert unknown == "from a newer engine" and not isinstance(unknown, Message)
    assert render("plain", "de") == "plain"


def test_an_unknown_id_is_refused_with_the_fix():
    with pytest.raises(KeyError, match="messages.json"):
        msg("no_such_message")
