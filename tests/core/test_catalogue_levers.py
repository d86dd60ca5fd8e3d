"""The planning levers of a catalogue spec (core/catalogue/levers.py): forest in or out, the PV land categories
that open land, the settlement setback — checked against exact shapely areas, not against the engine's own
intermediate results."""
from __future__ import annotations

import pytest
import shapely
from conftest import X0, Y0, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import load_catalogue_spec
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.errors import InputError

Q = 256
AREA = shapely.box(X0, Y0, X0 + 6000, Y0 + 4000)
FOREST = shapely.box(X0 + 3500, Y0 + 500, X0 + 5500, Y0 + 3500)
VILLAGE = shapely.box(X0 + 500, Y0 + 1500, X0 + 1100, Y0 + 2100)
MOTORWAY = shapely.LineString([(X0 - 100, Y0 + 2000), (X0 + 6100, Y0 + 2000)])
PIT = shapely.box(X0 + 300, Y0 + 3200, X0 + 1300, Y0 + 3900)


def eligible_ha(tmp_path, spec, layers, kinds=("hard", "soft")) -> float:
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, tmp_path / "t.csv")
    res = run_eligibility(load_catalogue_spec(spec), layers, AreaOfInterest(layers["municipalities"], "name"), outs,
                          EligibilitySettings(resolution_m=5.0, workers=1, kinds=kinds, min_area_ha=0.0))
    return res.municipalities[0].eligible_ha


@pytest.fixture
def wind_layers(tmp_path):
    return write_layers(tmp_path / "w.gpkg", {
        "municipalities": frame([AREA], name=["Walddorf"], ags=["15082999"]),
        "landuse": frame([FOREST, VILLAGE], landuse=["forest", "residential"])})


def test_forest_open_gives_back_exactly_the_forest_and_excluded_keeps_it_out(tmp_path, wind_layers):
    # wind_thueringen assesses forest case by case (not excluded); its settlement criteria reach the village
    preset = eligible_ha(tmp_path / "p", {"source": "wind_thueringen"}, wind_layers)
    excluded = eligible_ha(tmp_path / "x", {"source": "wind_thueringen", "forest": "excluded"}, wind_layers)
    opened = eligible_ha(tmp_path / "o", {"source": "wind_thueringen", "forest": "open"}, wind_layers)
    assert opened == pytest.approx(preset, abs=0.01)  # case by case was not excluded anyway
    catalogue = load_catalogue_spec({"source": "wind_thueringen", "forest": "excluded"})
    assert next(c for c in catalogue.criteria if c.id == "forest").kind == "soft"
    # the forest criterion has no setback; the village's soft settlement setback (1,000 m) does not reach the forest
    village_zone = VILLAGE.buffer(1000, quad_segs=Q)
    only_forest = FOREST.intersection(AREA).difference(village_zone).area / 1e4
    assert only_forest > 500
    assert preset - excluded == pytest.approx(only_forest, rel=0.003)


def test_forest_levers_are_refused_where_the_catalogue_has_no_forest():
    with pytest.raises(InputError, match="no forest criterion"):
        load_catalogue_spec({"source": "wind_thueringen", "overrides": {"forest": None}, "forest": "open"})
    with pytest.raises(InputError, match="not a choice"):
        load_catalogue_spec({"source": "wind_thueringen", "forest": "maybe"})


def test_only_the_chosen_categories_open_land(tmp_path):
    layers = write_layers(tmp_path / "pv.gpkg", {
        "municipalities": frame([AREA], name=["Tagebaudorf"], ags=["15082999"]),
        "roads": frame([MOTORWAY], highway=["motorway"]),
        "landuse": frame([PIT], landuse=["brownfield"])})
    ban = MOTORWAY.buffer(40 + 15, quad_segs=Q)
    corridor = MOTORWAY.buffer(500 + 15, quad_segs=Q).intersection(AREA).difference(ban).area / 1e4
    conversion = PIT.intersection(AREA).area / 1e4
    both = eligible_ha(tmp_path / "a", {"source": "pv_ground"}, layers, kinds=("hard",))
    only_conversion = eligible_ha(tmp_path / "c", {"source": "pv_ground", "categories": ["conversion"]}, layers,
                                  kinds=("hard",))
    only_corridor = eligible_ha(tmp_path / "k", {"source": "pv_ground", "categories": ["corridor", "parking"]},
                                layers, kinds=("hard",))
    assert both == pytest.approx(corridor + conversion, rel=0.003)
    assert only_conversion == pytest.approx(conversion, rel=0.003)
    assert only_corridor == pytest.approx(corridor, rel=0.003)


def test_categories_are_refused_where_unknown_or_none(tmp_path):
    with pytest.raises(InputError, match="not in the catalogue pv_ground"):
        load_catalogue_spec({"source": "pv_ground", "categories": ["wald"]})
    with pytest.raises(InputError, match="at least one"):
        load_catalogue_spec({"source": "pv_ground", "categories": []})


def test_the_settlement_setback_lever_is_the_tag_buffer(tmp_path, wind_layers):
    near = eligible_ha(tmp_path / "n", {"source": "wind_thueringen", "tag_buffers": {"settlement_setback": 800}},
                       wind_layers, kinds=("hard", "soft"))
    far = eligible_ha(tmp_path / "f", {"source": "wind_thueringen", "tag_buffers": {"settlement_setback": 1500}},
                      wind_layers, kinds=("hard", "soft"))
    ring = VILLAGE.buffer(1500, quad_segs=Q).difference(VILLAGE.buffer(800, quad_segs=Q)).intersection(AREA)
    assert near - far == pytest.approx(ring.area / 1e4, rel=0.005)
