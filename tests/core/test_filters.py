"""Attribute filters in OSM tagging."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from wip_qgis_plugin.core.catalogue.filters import evaluate, parse_filter, unparsed_values
from wip_qgis_plugin.core.units import numbers_in_text


@pytest.fixture
def lines():
    return gpd.GeoDataFrame({
        "power": ["line", "line", "minor_line", "line", None],
        "voltage": ["380000;110000", "110000", "20000", None, "110000"],
        "tracks": [2.0, 1.0, np.nan, 2.0, 2.0],
    }, geometry=[shapely.LineString([(0, 0), (i + 1, 0)]) for i in range(5)], crs=25832)


def test_membership_and_numeric_osm_multivalues(lines):
    f = parse_filter({"power": ["line"], "voltage": {">=": 110000}})
    assert evaluate(f, lines).tolist() == [True, True, False, False, False]


def test_integral_floats_match_their_text(lines):
    assert evaluate(parse_filter({"tracks": [2]}), lines).tolist() == [True, False, False, True, True]
    assert evaluate(parse_filter({"tracks": {">=": 2}}), lines).tolist() == [True, False, False, True, True]


def test_pseudo_fields_and_any(lines):
    f = parse_filter({"$length_km": {">": 0.0035}})
    assert evaluate(f, lines).tolist() == [False, False, False, True, True]
    g = parse_filter({"any": [{"power": "minor_line"}, {"voltage": {">": 200000}}]})
    assert evaluate(g, lines).tolist() == [True, False, True, False, False]


def test_not_in(lines):
    assert evaluate(parse_filter({"power": {"not_in": ["line"]}}), lines).tolist() == [False, False, True, False, True]


@pytest.mark.parametrize("bad", [{"x": {"~": 1}}, {"x": {">": "a"}}, {"$volume": {">": 1}}, "landuse=forest"])
def test_bad_filters_are_refused(bad):
    with pytest.raises(ValueError):
        parse_filter(bad)


@pytest.mark.parametrize("text, numbers", [
    ("110 kV", (110000.0,)), ("380kV", (380000.0,)), ("20000 V", (20000.0,)), ("110.000", (110000.0,)),
    ("110000;20000", (110000.0, 20000.0)), ("110000,20000", (110000.0, 20000.0)), ("20 kV; 0,4 kV", (20000.0, 400.0)),
    ("0,4", (0.4,)), ("0.400", (0.4,)), ("1.234,5", (1234.5,)), ("2", (2.0,)), ("zwei", (2.0,)), ("two", (2.0,)),
    ("eingleisig", (1.0,)), (7, (7.0,)), (110000.0, (110000.0,)), ("", ()), (None, ()), (float("nan"), ()),
    ("medium", None), ("abc123", None), ("110 kVA", None), ("1.23.4", None), (True, None),
])
def test_numbers_in_text(text, numbers):
    assert numbers_in_text(text) == numbers


def test_voltages_as_text_match_the_numeric_filter_and_the_rest_is_counted():
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({"power": ["line"] * 7 + ["minor_line"],
                              "voltage": ["110 kV", "110.000", "", "380000;110000", "20000", "hoch", None, "mittel"]},
                             geometry=[shapely.Point(i, 0) for i in range(8)])
    flt = parse_filter({"power": ["line"], "voltage": {">=": 110000}})
    assert evaluate(flt, frame).tolist() == [True, True, False, True, False, False, False, False]
    # "hoch" on a power line is counted; "mittel" on a minor line is not read by this filter
    assert unparsed_values(flt, frame) == {"voltage": (1, ("hoch",))}
