"""Catalogues: presets, validation in one pass, extends and overrides, units, dates."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from wip_qgis_plugin.core.catalogue.loader import list_presets, load_catalogue
from wip_qgis_plugin.core.errors import CatalogueError
from wip_qgis_plugin.core.units import Distance, Turbine, parse_distance


def test_every_preset_loads_and_cites_its_sources():
    presets = {p.id: p for p in list_presets()}
    assert {"wind_sachsen_anhalt", "wind_sachsen", "wind_thueringen", "pv_ground"} <= set(presets)
    for pid in presets:
        cat = load_catalogue(pid)
        assert cat.title.de and cat.title.en
        for c in cat.criteria:
            assert c.label.de and c.label.en
            assert len(cat.source_text(c.source)) > 20, (pid, c.id)  # a real citation, not a bare key
            assert isinstance(c.valid_from, dt.date)


def test_saxony_preset_has_the_saechsbo_rules():
    cat = load_catalogue("wind_sachsen")
    groups = cat.criterion("dwelling_groups_saechsbo")
    assert groups.buffer_m(cat.reference_turbine) == 1000.0
    assert groups.group is not None and groups.group.min_dwellings == 5
    assert "SächsBO" in cat.source_text(groups.source)


def test_pv_preset_corridors_and_ban():
    cat = load_catalogue("pv_ground")
    assert cat.criterion("baugb_privilege_motorway").kind == "permitted"
    assert cat.criterion("baugb_privilege_motorway").buffer_m(None) == 200.0 + 15.0
    assert cat.criterion("eeg_corridor_motorway").buffer.metres() == 500.0
    assert cat.criterion("motorway_building_ban").buffer.metres() == 40.0
    assert cat.criterion("baugb_privilege_motorway").valid_from == dt.date(2023, 1, 1)


def test_thuringia_forest_is_not_a_hard_exclusion():
    cat = load_catalogue("wind_thueringen")
    assert cat.criterion("forest").kind == "case_by_case"
    assert cat.criterion("forest").valid_from == dt.date(2022, 9, 27)


@pytest.mark.parametrize("text, metres", [
    ("500 m", 500.0), ("1.5 km", 1500.0), ("2 H", 2 * 229.5), ("1 R + 50 m", 70.5 + 50.0), ("0 m", 0.0),
    ("2,5 H", 2.5 * 229.5),
])
def test_distance_units(text, metres):
    t = Turbine(159.0, 141.0)
    assert parse_distance(text).metres(t) == pytest.approx(metres)


@pytest.mark.parametrize("bad", [500, "500", "500 ft", "-5 m", "", None, "2 H +"])
def test_distance_without_unit_is_refused(bad):
    with pytest.raises(ValueError):
        parse_distance(bad)


def test_height_setback_needs_a_turbine():
    with pytest.raises(ValueError, match="reference turbine"):
        Distance(0.0, 2.0, 0.0).metres(None)


def test_user_file_extends_a_preset_and_overrides_one_value(tmp_path):
    user = tmp_path / "gemeinde.yaml"
    user.write_text(yaml.safe_dump({
        "extends": "wind_sachsen_anhalt",
        "id": "wind_gemeinde_x", "version": "2025.1",
        "criteria": [
            {"id": "settlements_soft", "buffer": "800 m"},
            {"id": "red_kite_nests", "label": {"de": "Rotmilan-Horste", "en": "Red kite nests"}, "kind": "hard",
             "layer": "protected_areas", "filter": {"protection_title": ["Horst"]}, "buffer": "500 m",
             "source": "BNatSchG § 45b Anlage 1 (Nahbereich Rotmilan 500 m)", "valid_from": "2022-07-29"},
        ],
        "remove": ["airfields"],
    }), encoding="utf-8")
    base = load_catalogue("wind_sachsen_anhalt")
    cat = load_catalogue(user)
    assert cat.id == "wind_gemeinde_x"
    assert cat.criterion("settlements_soft").buffer.metres() == 800.0
    assert cat.criterion("settlements_soft").source == base.criterion("settlements_soft").source
    assert cat.criterion("red_kite_nests").buffer.metres() == 500.0
    assert "airfields" not in {c.id for c in cat.criteria}
    assert len(cat.criteria) == len(base.criteria)  # one added, one removed


def test_extends_merges_the_files_sources_with_the_presets(tmp_path):
    """A municipality's file adds its own source keys; the preset's criteria keep citing theirs (they were lost)."""
    user = tmp_path / "gemeinde.yaml"
    user.write_text(yaml.safe_dump({
        "extends": "wind_sachsen_anhalt", "id": "wind_gemeinde_y", "version": "2025.1",
        "sources": {"ratsbeschluss": "Gemeinderat Musterstadt, Beschluss 2025/17: Rotmilan-Horste"},
        "criteria": [{"id": "red_kite_nests", "label": {"de": "Rotmilan-Horste", "en": "Red kite nests"},
                      "kind": "hard", "layer": "protected_areas", "filter": {"protection_title": ["Horst"]},
                      "buffer": "500 m", "source": "ratsbeschluss", "valid_from": "2025-01-01"}],
    }), encoding="utf-8")
    base = load_catalogue("wind_sachsen_anhalt")
    cat = load_catalogue(user)
    assert dict(cat.sources)["ratsbeschluss"].startswith("Gemeinderat Musterstadt")
    assert set(dict(base.sources)) < set(dict(cat.sources))
    assert cat.criterion("nature_reserves").source == base.criterion("nature_reserves").source


def test_overrides_return_a_new_catalogue():
    base = load_catalogue("wind_sachsen_anhalt")
    new = base.with_tag_buffer("settlement_setback", 750)
    assert new.criterion("settlements_soft").buffer.metres() == 750.0
    assert base.criterion("settlements_soft").buffer.metres() == 1000.0
    with pytest.raises(CatalogueError, match="did you mean 'settlements_soft'"):
        base.with_overrides({"setlements_soft": {"buffer": "1 m"}})
    with pytest.raises(CatalogueError, match="buffer"):
        base.with_overrides({"settlements_soft": {"buffer": "viel"}})


def test_rules_apply_from_their_date():
    cat = load_catalogue("wind_sachsen_anhalt")
    before = {c.id for c in cat.active(("hard", "soft"), dt.date(2022, 12, 31))}
    after = {c.id for c in cat.active(("hard", "soft"), dt.date(2023, 2, 1))}
    assert "dwellings_2h" not in before and "dwellings_2h" in after


def test_every_problem_is_reported_at_once(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({
        "schema": "wip-catalogue/1", "id": "x", "version": "1", "technology": "wnid",
        "title": {"de": "x"},
        "criteria": [
            {"id": "a", "label": {"de": "a", "en": "a"}, "kind": "hard", "layer": "biuldings",
             "buffer": "100", "source": "s", "valid_from": "2020-13-01"},
            {"id": "a", "label": {"de": "a", "en": "a"}, "kind": "soft", "layer": "roads",
             "buffer": "2 H", "source": "a long enough citation", "valid_from": "2020-01-01"},
        ],
    }), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(bad)
    msg = str(err.value)
    for expected in ("technology: 'wnid'", "did you mean 'wind'", "title: needs a German and an English",
                     "criteria[0] (a).layer: 'biuldings'", "did you mean 'buildings'",
                     "criteria[0] (a).buffer: '100' has no unit" if False else "criteria[0] (a).buffer:",
                     "criteria[0] (a).valid_from: '2020-13-01' is not a date",
                     "criteria[0] (a).source: 's' is not a key of 'sources'",
                     "criteria[1] (a).buffer: 2 H needs a 'reference_turbine'"):
        assert expected in msg, expected
    assert len(err.value.problems) >= 7


def test_yaml_syntax_error_names_the_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema: wip-catalogue/1\ncriteria: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="line"):
        load_catalogue(bad)


def test_unknown_preset_suggests_the_right_one():
    with pytest.raises(CatalogueError, match="did you mean 'wind_sachsen'"):
        load_catalogue("wind_sachsn")


def test_saechsbo_distance_applies_from_8_june_2022():
    """SächsBO § 84 (Fourth amending Act of 1 June 2022, SächsGVBl. S. 366) applies from 8 June 2022."""
    cat = load_catalogue("wind_sachsen")
    before = {c.id for c in cat.active(("hard",), dt.date(2022, 6, 7))}
    after = {c.id for c in cat.active(("hard",), dt.date(2022, 6, 8))}
    assert {"settlements_saechsbo", "dwelling_groups_saechsbo"} <= after - before


def test_preset_list_holds_only_criteria_catalogues(tmp_path, monkeypatch):
    """Equipment and cost tables in the preset folder (other schemas) are not listed as presets."""
    import shutil

    from wip_qgis_plugin.core.catalogue import loader as catalogue_module

    for path in catalogue_module.PRESET_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "zz_equipment.yaml").write_text("schema: wip-something/1\nitems: []\n", encoding="utf-8")
    monkeypatch.setattr(catalogue_module, "PRESET_DIR", tmp_path)
    ids = {p.id for p in catalogue_module.list_presets()}
    assert {"wind_sachsen_anhalt", "wind_sachsen", "wind_thueringen", "pv_ground"} <= ids
    assert "zz_equipment" not in ids and all(p.technology for p in catalogue_module.list_presets())


def test_a_user_file_replaces_the_dwelling_rule_and_overrides_the_selection(tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text(yaml.safe_dump({
        "extends": "wind_sachsen_anhalt", "id": "mine", "version": "1",
        "dwelling_rule": {"dwelling": {"building": ["house"]}, "not_dwelling": {"building": ["garage"]},
                          "unknown": "not_dwelling", "source": "local building register: every use is known"},
    }), encoding="utf-8")
    cat = load_catalogue(user)
    assert cat.dwelling_rule.unknown == "not_dwelling"
    assert cat.criterion("dwellings_2h").dwelling_rule is cat.dwelling_rule
    assert cat.criterion("dwellings_2h").fields() == ("building",)
    explicit = load_catalogue("wind_sachsen_anhalt").with_overrides({"dwellings_2h": {"dwellings": "explicit"}})
    assert explicit.criterion("dwellings_2h").dwellings == "explicit"
    with pytest.raises(CatalogueError, match=r"dwellings_2h\).dwellings: 'all' is not one of possible, explicit"):
        load_catalogue("wind_sachsen_anhalt").with_overrides({"dwellings_2h": {"dwellings": "all"}})


def test_a_user_catalogue_adds_and_turns_criteria_into_raster_criteria(tmp_path):
    """extends: a new raster criterion, a layer criterion turned into one (layer: null), overrides of values."""
    path = tmp_path / "clc.yaml"
    path.write_text(yaml.safe_dump({
        "extends": "wind_sachsen_anhalt", "id": "clc", "version": "1",
        "criteria": [
            {"id": "urban_fabric", "label": {"de": "Siedlung (CLC)", "en": "Urban fabric (CLC)"}, "kind": "hard",
             "raster": "land_cover", "values": [1, 2], "buffer": "1000 m", "source": "CLC 2018",
             "valid_from": "2018-01-01"},
            {"id": "forest", "layer": None, "filter": None, "raster": "land_cover", "values": {"between": [23, 25]}},
        ]}), encoding="utf-8")
    cat = load_catalogue(path)
    base = load_catalogue("wind_sachsen_anhalt")
    assert [c.id for c in cat.criteria] == [c.id for c in base.criteria] + ["urban_fabric"]
    forest = cat.criterion("forest")
    assert (forest.raster, forest.layer, str(forest.values)) == ("land_cover", "", "value >= 23 and value <= 25")
    assert forest.buffer == base.criterion("forest").buffer  # the rest is inherited
    assert "land_cover" in cat.raster_roles_needed() and "land_cover" not in cat.roles_needed()
    narrower = cat.with_overrides({"urban_fabric": {"values": [1]}})
    assert narrower.criterion("urban_fabric").values.codes == (1.0,)
    with pytest.raises(CatalogueError, match=r"urban_fabric\)\.values: unknown operator"):
        cat.with_overrides({"urban_fabric": {"values": {"=>": 3}}})
