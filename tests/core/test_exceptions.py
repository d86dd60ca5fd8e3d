"""Statutory exceptions of a criterion (``except_within``): exact areas, dates, absent data, bindings, sweep."""
from __future__ import annotations

import datetime as dt

import pytest
import shapely
import yaml
from conftest import X0, Y0, LogRecorder, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.eligibility.inputs import LayerBinding
from wip_qgis_plugin.core.eligibility.sweep import SweepSettings, run_setback_sweep
from wip_qgis_plugin.core.errors import CatalogueError, InputError

Q = 256  # quad segments of the oracle's circles
AREA = shapely.box(X0, Y0, X0 + 8000, Y0 + 5000)
VILLAGE = shapely.box(X0 + 500, Y0 + 2000, X0 + 1500, Y0 + 3000)
FOREST = shapely.box(X0 + 2200, Y0 + 1000, X0 + 3200, Y0 + 4000)
MOTORWAY = shapely.LineString([(X0 + 1000, Y0), (X0 + 1000, Y0 + 1200)])


def catalogue(tmp_path, forest_from="2022-11-16", extra_zone=None):
    """10 H (H = 200 m: 2,000 m) to residential land, except in forests and within 500 m of motorways; 1,000 m
    to residential land everywhere."""
    zones = [
        {"id": "forest", "label": {"de": "Wald", "en": "Forest"}, "layer": "landuse",
         "filter": {"landuse": ["forest"]}, "buffer": "0 m", "source": "test rule", "valid_from": forest_from},
        {"id": "motorways", "label": {"de": "Autobahnen + 500 m", "en": "Motorways + 500 m"}, "layer": "roads",
         "filter": {"highway": ["motorway"]}, "buffer": "500 m", "source": "test rule", "valid_from": "2022-11-16"},
        *([extra_zone] if extra_zone else [])]
    path = tmp_path / "land.yaml"
    path.write_text(yaml.safe_dump({
        "schema": "wip-catalogue/1", "id": "land", "version": "1", "technology": "wind",
        "title": {"de": "Land", "en": "Land"},
        "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "100 m", "source": "test"},
        "criteria": [
            {"id": "settlements_10h", "label": {"de": "10 H", "en": "10 H"}, "kind": "hard", "layer": "landuse",
             "filter": {"landuse": ["residential"]}, "buffer": "10 H", "source": "test rule",
             "valid_from": "2014-11-21", "tags": ["settlement_setback"], "except_within": zones},
            {"id": "settlements_1000m", "label": {"de": "1.000 m", "en": "1,000 m"}, "kind": "hard",
             "layer": "landuse", "filter": {"landuse": ["residential"]}, "buffer": "1000 m", "source": "test rule",
             "valid_from": "2014-11-21"}]}, allow_unicode=True), encoding="utf-8")
    return load_catalogue(path)


def layers(tmp_path, with_roads=True):
    data = {"municipalities": frame([AREA], name=["Waldau"], ags=["09472999"]),
            "landuse": frame([VILLAGE, FOREST], landuse=["residential", "forest"])}
    if with_roads:
        data["roads"] = frame([MOTORWAY], highway=["motorway"])
    return write_layers(tmp_path / "layers.gpkg", data)


def run(tmp_path, cat, lay, on=dt.date(2025, 1, 1), bindings=(), progress=None):
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, None)
    return run_eligibility(cat, lay, AreaOfInterest(lay["municipalities"], "name"), outs,
                           EligibilitySettings(resolution_m=10.0, workers=1, on_date=on, layer_bindings=tuple(bindings)),
                           progress)


def expected_ha(*exceptions, ten_h=2000.0):
    far = VILLAGE.buffer(ten_h, quad_segs=Q).difference(shapely.union_all(exceptions)) if exceptions else \
        VILLAGE.buffer(ten_h, quad_segs=Q)
    excluded = shapely.union_all([far, VILLAGE.buffer(1000.0, quad_segs=Q)]).intersection(AREA)
    return (AREA.area - excluded.area) / 1e4


def test_the_rule_does_not_apply_within_its_exceptions_exactly(tmp_path):
    cat = catalogue(tmp_path)
    assert [z.id for z in cat.criterion("settlements_10h").except_within] == [
        "settlements_10h.forest", "settlements_10h.motorways"]
    assert "roads" in cat.roles_needed()
    res = run(tmp_path, cat, layers(tmp_path))
    oracle = expected_ha(FOREST, MOTORWAY.buffer(500.0, quad_segs=Q))
    assert res.eligible_ha == pytest.approx(oracle, rel=0.003)
    assert res.eligible_ha > expected_ha() + 50          # the exceptions free real land: not a no-op


def test_an_exception_counts_only_from_its_date(tmp_path):
    cat = catalogue(tmp_path, forest_from="2030-01-01")
    res = run(tmp_path, cat, layers(tmp_path))
    assert res.eligible_ha == pytest.approx(expected_ha(MOTORWAY.buffer(500.0, quad_segs=Q)), rel=0.003)
    before = run(tmp_path, cat, layers(tmp_path), on=dt.date(2020, 1, 1))
    assert before.eligible_ha == pytest.approx(expected_ha(), rel=0.003)


def test_an_exception_without_data_is_not_assessed_and_the_rule_applies_there(tmp_path):
    log = LogRecorder()
    res = run(tmp_path, catalogue(tmp_path), layers(tmp_path, with_roads=False), progress=log)
    assert res.eligible_ha == pytest.approx(expected_ha(FOREST), rel=0.003)
    warning = next(w for w in log.warnings if "settlements_10h.motorways" in w)
    assert "NOT ASSESSED" in warning and "stricter reading" in warning and "roads" in warning


def test_a_layer_bound_to_an_exception_is_read_whole(tmp_path):
    """A plan's wind energy areas, given as their own layer: every feature counts."""
    plan = shapely.box(X0 + 2600, Y0 + 300, X0 + 3200, Y0 + 900)     # between 1,000 m and the 10 H of the village
    zone = {"id": "plan_areas", "label": {"de": "Vorranggebiete", "en": "Priority areas"}, "layer": "landuse",
            "filter": {"landuse": ["wind_energy_area"]}, "buffer": "0 m", "source": "test rule",
            "valid_from": "2022-11-16"}
    cat = catalogue(tmp_path, extra_zone=zone)
    lay = layers(tmp_path)
    plan_ref = write_layers(tmp_path / "plan.gpkg", {"vorrang": frame([plan], name=["VR 1"])})["vorrang"]
    res = run(tmp_path, cat, lay, bindings=[LayerBinding(plan_ref, criterion="settlements_10h.plan_areas")])
    with_plan = expected_ha(FOREST, MOTORWAY.buffer(500.0, quad_segs=Q), plan)
    assert with_plan > expected_ha(FOREST, MOTORWAY.buffer(500.0, quad_segs=Q)) + 10    # the plan frees land
    assert res.eligible_ha == pytest.approx(with_plan, rel=0.003)
    with pytest.raises(InputError, match="settlements_10h.plan_areaz"):
        run(tmp_path, cat, lay, bindings=[LayerBinding(plan_ref, criterion="settlements_10h.plan_areaz")])


def test_the_sweep_keeps_the_exceptions(tmp_path):
    cat = catalogue(tmp_path)
    lay = layers(tmp_path)
    res = run_setback_sweep(cat, lay, AreaOfInterest(lay["municipalities"], "name"), "settlements_10h",
                            [1500.0, 2500.0], settings=SweepSettings(EligibilitySettings(resolution_m=10.0, workers=1,
                                                                                         on_date=dt.date(2025, 1, 1))))
    exceptions = (FOREST, MOTORWAY.buffer(500.0, quad_segs=Q))
    for row in res.rows:
        assert row.eligible_ha == pytest.approx(expected_ha(*exceptions, ten_h=row.setback_m), rel=0.003)


def test_bad_exceptions_are_reported_with_their_place(tmp_path):
    with pytest.raises(CatalogueError) as err:
        catalogue(tmp_path, extra_zone={"id": "x", "kind": "hard", "label": {"de": "x", "en": "x"}})
    assert "except_within[2]: an exception takes no 'kind'" in str(err.value)
    with pytest.raises(CatalogueError) as err:
        catalogue(tmp_path, extra_zone={"id": "y", "label": {"de": "y", "en": "y"}, "layer": "roadz",
                                        "buffer": "0 m", "source": "s", "valid_from": "2022-01-01"})
    assert "except_within[2].layer: 'roadz' is not a layer role" in str(err.value)


def test_the_bit_table_names_the_exceptions(tmp_path):
    import json
    run(tmp_path, catalogue(tmp_path), layers(tmp_path))
    bits = json.loads((tmp_path / "r_bits.json").read_text(encoding="utf-8"))
    entry = next(b for b in (bits["bits"] if isinstance(bits, dict) else bits) if b["id"] == "settlements_10h")
    assert [z["id"] for z in entry["except_within"]] == ["settlements_10h.forest", "settlements_10h.motorways"]
    assert entry["except_within"][1]["buffer"] == "500 m"


def test_an_inset_keeps_the_exception_inside_its_edges(tmp_path):
    """Forest from 100 m inside its edge (BayBO: the tower foot one rotor radius inside): the freed land is the
    forest shrunk by 100 m."""
    cat = catalogue(tmp_path)
    raw = yaml.safe_load((tmp_path / "land.yaml").read_text(encoding="utf-8"))
    raw["criteria"][0]["except_within"][0]["inset"] = "100 m"
    (tmp_path / "inset.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    inset = load_catalogue(tmp_path / "inset.yaml")
    assert inset.criterion("settlements_10h").except_within[0].inset.metres(None) == 100.0
    res = run(tmp_path, inset, layers(tmp_path))
    expected = expected_ha(FOREST.buffer(-100.0, join_style="mitre"), MOTORWAY.buffer(500.0, quad_segs=Q))
    assert res.eligible_ha == pytest.approx(expected, rel=0.003)
    assert res.eligible_ha < run(tmp_path, cat, layers(tmp_path)).eligible_ha - 10


def test_an_exception_whose_layer_lacks_its_field_is_not_assessed(tmp_path):
    """A roads layer without a highway field (an authority's lines): the motorway exception is not assessed, the
    run goes on with the stricter reading and says which exception and field."""
    data = {"municipalities": frame([AREA], name=["Waldau"], ags=["09472999"]),
            "landuse": frame([VILLAGE, FOREST], landuse=["residential", "forest"]),
            "roads": frame([MOTORWAY], kind=["A 9"])}
    lay = write_layers(tmp_path / "nofield.gpkg", data)
    log = LogRecorder()
    res = run(tmp_path, catalogue(tmp_path), lay, progress=log)
    assert res.eligible_ha == pytest.approx(expected_ha(FOREST), rel=0.003)
    warning = next(w for w in log.warnings if "settlements_10h.motorways" in w)
    assert "no field highway" in warning and "stricter reading" in warning


def test_exceptions_belong_to_exclusions_and_count_from_their_date(tmp_path):
    cat = catalogue(tmp_path)
    assert "roads" in cat.roles_needed(("hard",), dt.date(2025, 1, 1))
    assert "roads" not in cat.roles_needed(("hard",), dt.date(2020, 1, 1))    # the exceptions came in 2022
    raw = yaml.safe_load((tmp_path / "land.yaml").read_text(encoding="utf-8"))
    raw["criteria"].append({"id": "corridor", "label": {"de": "K", "en": "C"}, "kind": "permitted",
                            "layer": "roads", "buffer": "500 m", "source": "s", "valid_from": "2020-01-01",
                            "except_within": raw["criteria"][0]["except_within"][:1]})
    (tmp_path / "permitted.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="a permitted zone has no exceptions"):
        load_catalogue(tmp_path / "permitted.yaml")
