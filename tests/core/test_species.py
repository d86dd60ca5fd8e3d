"""Nest zones of collision-prone birds (BNatSchG § 45b, Anlage 1): the table, the criteria, exact areas."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
import rasterio.transform
import shapely
import yaml
from conftest import X0, Y0, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.catalogue.species import CENTRAL_WEIGHT, load_species_table, species_criteria
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, run_eligibility
from wip_qgis_plugin.core.errors import CatalogueError
from wip_qgis_plugin.core.suitability.engine import SuitabilityOutputs, SuitabilitySettings, run_suitability

#: Anlage 1 Abschnitt 1 zu § 45b BNatSchG: near zone, central and extended check zone [m], as the law prints them.
ANLAGE_1 = {
    "Seeadler": (500, 2000, 5000), "Fischadler": (500, 1000, 3000), "Schreiadler": (1500, 3000, 5000),
    "Steinadler": (1000, 3000, 5000), "Wiesenweihe": (400, 500, 2500), "Kornweihe": (400, 500, 2500),
    "Rohrweihe": (400, 500, 2500), "Rotmilan": (500, 1200, 3500), "Schwarzmilan": (500, 1000, 2500),
    "Wanderfalke": (500, 1000, 2500), "Baumfalke": (350, 450, 2000), "Wespenbussard": (500, 1000, 2000),
    "Weißstorch": (500, 1000, 2000), "Sumpfohreule": (500, 1000, 2500), "Uhu": (500, 1000, 2500),
}


def test_the_table_is_the_anlage():
    table = load_species_table()
    assert {s.de: (s.near_m, s.central_m, s.extended_m) for s in table.species} == ANLAGE_1
    assert {s.de for s in table.species if s.low_rotor_only} == {"Wiesenweihe", "Kornweihe", "Rohrweihe", "Uhu"}
    assert (table.rotor_tip_limit_m, table.rotor_tip_limit_hilly_m, table.rotor_tip_limit_coast_m) == (50.0, 80.0, 30.0)
    assert [s.de for s in table.species if s.near_exempt] == ["Rohrweihe"]
    assert "BGBl. I S. 1362" in table.sources["bnatschg_45b"]


def test_species_with_equal_distances_share_a_criterion_and_low_rotor_species_follow_the_turbine():
    problems: list[str] = []
    low, _, note_low, _ = species_criteria({"field": "art"}, 30.0, problems)       # lower tip 30 m: all 15 count
    high, _, note_high, scores = species_criteria({"field": "art"}, 88.5, problems)     # E-141 at 159 m: tip 88.5 m
    assert not problems and note_low == ""
    assert "check zones of Wiesenweihe, Kornweihe, Rohrweihe, Uhu not counted" in note_high and "88.5 m" in note_high
    assert "the near zone of Wiesenweihe, Kornweihe, Uhu still counts" in note_high
    near = {c["id"]: c for c in low if c["kind"] == "hard"}
    assert set(near) == {"species_near_350m", "species_near_400m", "species_near_500m", "species_near_1000m",
                         "species_near_1500m"}
    assert "Rotmilan" in near["species_near_500m"]["filter"]["art"]
    assert "milvus milvus" in near["species_near_500m"]["filter"]["art"]          # Latin, lower case
    high_ids = {c["id"]: c for c in high}
    # harriers keep their 400 m near zone (the marsh harrier excepted); their 500 m central zone is gone
    assert "Rohrweihe" not in high_ids["species_near_400m"]["filter"]["art"]
    assert "Wiesenweihe" in high_ids["species_near_400m"]["filter"]["art"]
    assert "Uhu" in high_ids["species_near_500m"]["filter"]["art"]
    assert "species_central_500m" not in high_ids and "Uhu" not in high_ids["species_central_1000m"]["filter"]["art"]
    assert "ROTMILAN" in high_ids["species_near_500m"]["filter"]["art"]
    assert {c["kind"] for c in low} == {"hard", "soft", "case_by_case"}
    hilly, _, note, _ = species_criteria({"terrain": "hilly"}, 60.0, problems)    # 60 m < 80 m: they count
    assert note == "" and any("Uhu" in c["label"]["de"] for c in hilly if c["kind"] == "soft")
    _, _, note, _ = species_criteria({"terrain": "coast"}, 35.0, problems)          # 35 m ≥ 30 m at the coast
    assert "(coast)" in note
    species_criteria({"feld": "x", "zones": ["near", "far"]}, None, problems)
    assert any("feld" in p for p in problems) and any("'far'" in p for p in problems)


def catalogue(tmp_path, **zones):
    path = tmp_path / "birds.yaml"
    path.write_text(yaml.safe_dump({
        "schema": "wip-catalogue/1", "id": "birds", "version": "1", "technology": "wind",
        "title": {"de": "Vögel", "en": "Birds"},
        "reference_turbine": {"hub_height": "159 m", "rotor_diameter": "141 m", "source": "test"},
        "species_zones": {"layer": "nest_sites", "field": "art", **zones}}, allow_unicode=True), encoding="utf-8")
    return load_catalogue(path)


@pytest.mark.parametrize("kinds, radii", [(("hard",), (500, 500)), (("hard", "soft"), (1200, 2000))])
def test_zones_exclude_exactly_the_circles(tmp_path, kinds, radii):
    """A red kite, a white-tailed eagle and an eagle-owl in an 8 × 3 km area; under a 159 m hub (lower tip 88.5 m)
    the owl's check zones do not count but its 500 m near zone does: the land excluded equals the union of the
    circles cut to the area (shapely)."""
    area = shapely.box(X0, Y0, X0 + 8000, Y0 + 3000)
    kite, eagle, owl = (X0 + 1500, Y0 + 1000), (X0 + 6000, Y0 + 1800), (X0 + 3800, Y0 + 2600)
    layers = write_layers(tmp_path / "layers.gpkg", {
        "municipalities": frame([area], name=["Vogelsdorf"], ags=["15082999"]),
        "nest_sites": frame([shapely.Point(kite), shapely.Point(eagle), shapely.Point(owl)],
                            art=["Rotmilan", "Haliaeetus albicilla", "Uhu"])})
    cat = catalogue(tmp_path)
    assert "Uhu" in cat.description
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", tmp_path / "a.gpkg", tmp_path / "t.csv")
    res = run_eligibility(cat, layers, AreaOfInterest(layers["municipalities"], "name"), outs,
                          EligibilitySettings(resolution_m=5.0, kinds=kinds, workers=1))
    excluded = shapely.union_all([shapely.Point(kite).buffer(radii[0], quad_segs=256),
                                  shapely.Point(eagle).buffer(radii[1], quad_segs=256),
                                  shapely.Point(owl).buffer(500.0, quad_segs=256)]).intersection(area)
    expected_ha = (area.area - excluded.area) / 1e4
    assert res.eligible_ha == pytest.approx(expected_ha, rel=0.003)


def test_species_criteria_take_overrides_like_any_other(tmp_path):
    cat = catalogue(tmp_path)
    wider = cat.with_overrides({"species_near_500m": {"buffer": "600 m"}})
    assert wider.criterion("species_near_500m").buffer_m(None) == 600.0
    assert wider.description == cat.description and "Uhu" in wider.description   # the note survives a rebuild
    assert len(wider.criteria) == len(cat.criteria)                                # nothing expanded twice


def test_a_bad_species_table_is_reported(tmp_path):
    bad = tmp_path / "birds.yml"
    bad.write_text(yaml.safe_dump({"schema": "wip-species/1", "sources": {"x": "y"},
                                   "rotor_tip_limit": {"value": "50 m", "hilly": "80 m"},
                                   "species": [{"id": "a", "de": "A", "scientific": "A a", "en": "A",
                                                "near": "500", "central": "400 m", "extended": "300 m"}]}),
                   encoding="utf-8")
    with pytest.raises(CatalogueError, match="near: '500' is not a distance"):
        catalogue(tmp_path, table=str(bad))


def test_central_zones_become_shared_suitability_scores():
    """One score per (near, central) pair of radii; together they weigh CENTRAL_WEIGHT; the owl's 500/1000 m
    pair is gone under a high rotor, the red kite's runs linearly from 500 m to 1,200 m."""
    problems: list[str] = []
    *_, scores = species_criteria({"field": "art"}, 88.5, problems)
    *_, all_scores = species_criteria({"field": "art", "central_weight": 0.3}, 30.0, problems)
    assert not problems
    by_id = {c["id"]: c for c in scores}
    kite = by_id["species_central_500_1200m"]
    assert kite["value_function"] == {"type": "linear", "from": "500 m", "to": "1200 m"}
    assert "Rotmilan" in kite["input"]["distance_to"]["filter"]["art"]
    assert "Uhu" not in by_id["species_central_500_1000m"]["input"]["distance_to"]["filter"]["art"]
    assert "species_central_400_500m" not in by_id                    # harriers: check zones off under a high rotor
    assert sum(c["weight"] for c in scores) == pytest.approx(CENTRAL_WEIGHT)
    assert sum(c["weight"] for c in all_scores) == pytest.approx(0.3)
    assert "species_central_400_500m" in {c["id"] for c in all_scores}
    species_criteria({"central_weight": 2}, None, problems)
    assert any("central_weight: 2 is not a weight" in p for p in problems)


def test_a_nest_lowers_the_suitability_in_its_central_zone_exactly(tmp_path):
    """Only hard criteria: the land 500–1,200 m from a red kite's nest is eligible and its species score is
    (d − 500) / 700 by the exact distance to the nest; the total score is that share of the weight."""
    area = shapely.box(X0, Y0, X0 + 3000, Y0 + 600)
    kite = shapely.Point(X0, Y0 + 300)
    layers = write_layers(tmp_path / "layers.gpkg", {
        "municipalities": frame([area], name=["Vogelsdorf"], ags=["15082999"]),
        "nest_sites": frame([kite], art=["Rotmilan"])})
    path = tmp_path / "birds.yaml"
    path.write_text(yaml.safe_dump({
        "schema": "wip-catalogue/1", "id": "birds", "version": "1", "technology": "wind",
        "title": {"de": "Vögel", "en": "Birds"},
        "reference_turbine": {"hub_height": "159 m", "rotor_diameter": "141 m", "source": "test"},
        "species_zones": {"layer": "nest_sites", "field": "art", "central_weight": 0.5},
        "suitability": {"criteria": [{
            "id": "flat", "label": {"de": "Eben", "en": "Flat"}, "source": "a test's own criterion", "weight": 0.5,
            "input": {"distance_to": {"layer": "nest_sites", "filter": {"art": ["nobody"]}}},
            "value_function": {"type": "linear", "from": "0 m", "to": "1 m"}, "missing_score": 1}]}},
        allow_unicode=True), encoding="utf-8")
    cat = load_catalogue(path)
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, None)
    run_eligibility(cat, layers, AreaOfInterest(layers["municipalities"], "name"), outs,
                    EligibilitySettings(resolution_m=10.0, kinds=("hard",), workers=1))
    out = tmp_path / "s.tif"
    run_suitability(cat, layers, {}, None, tmp_path / "e.tif", SuitabilityOutputs(out),
                    SuitabilitySettings())
    with rasterio.open(out) as ds:
        score = ds.read(1)
        transform = ds.transform
    rows, cols = np.nonzero(score != 255)
    xs, ys = rasterio.transform.xy(transform, rows, cols)
    d = shapely.distance(shapely.points(np.column_stack([xs, ys])), kite)
    kite_score = np.clip((d - 500.0) / 700.0, 0.0, 1.0)
    # the flat criterion scores 1 everywhere (no feature: as far away as can be); the species groups without a
    # nest weigh nothing, the kite's group carries the whole central weight (0.5 of 1.0): 1 − 0.5 × (1 − score)
    expected = 100 * (1 - 0.5 * (1 - kite_score))
    assert d.min() >= 500 - 10                                   # the near zone is excluded
    assert np.abs(score[rows, cols] - expected).max() <= 1.0     # uint8 rounding
    assert score[rows, cols].min() <= 51 and score[rows, cols].max() == 100     # the near zone's edge: half lost


def test_the_central_weight_goes_to_the_groups_with_nests():
    from wip_qgis_plugin.core.catalogue.species import share_central_weight

    ids = ["wind", "species_central_500_1200m", "species_central_500_2000m", "species_central_350_450m"]
    w = np.array([0.5, 0.5 / 3, 0.5 / 3, 0.5 / 3])
    two = share_central_weight(ids, w, {"species_central_500_1200m": 3, "species_central_500_2000m": 1})
    assert two.tolist() == pytest.approx([0.5, 0.25, 0.25, 0.0])
    none = share_central_weight(ids, w, {})
    assert none.tolist() == pytest.approx([1.0, 0.0, 0.0, 0.0])                 # no nest: nothing to penalise
    assert share_central_weight(["a", "b"], np.array([0.3, 0.7]), {}).tolist() == [0.3, 0.7]
