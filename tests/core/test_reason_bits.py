"""Decoding the reasons raster: a value and the bit table → the criteria that exclude the pixel;
the classes of its legend (one per criterion alone, one per criterion with others)."""
from __future__ import annotations

import json

import pytest

from wip_qgis_plugin.core.eligibility.reason_bits import (
    ReasonBit,
    decode_reasons,
    legend_classes,
    parse_bit_table,
    read_bit_table,
    sidecar_path,
)

BITS = [
    {"bit": 0, "value": 1, "id": "settlements_hard", "kind": "hard", "buffer": "500 m", "buffer_m": 500.0,
     "label_de": "Wohnbauflächen + 500 m", "label_en": "Residential areas + 500 m", "source": "UBA 2013"},
    {"bit": 2, "value": 4, "id": "forest", "kind": "soft", "buffer": "0 m", "buffer_m": 0.0,
     "label_de": "Wald", "label_en": "Forest", "source": "LWaldG"},
    {"bit": 1, "value": 2, "id": "nature_reserves", "kind": "hard", "buffer": "200 m", "buffer_m": 200.0,
     "label_de": "Naturschutzgebiete + 200 m", "label_en": "Nature reserves + 200 m", "source": "BNatSchG § 23"},
    {"bit": 3, "value": 8, "id": "outside_permitted_zones", "kind": "permitted", "buffer": "", "buffer_m": 0.0,
     "label_de": "außerhalb der zulässigen Zonen (vrg)", "label_en": "outside the permitted zones (vrg)",
     "source": "Regionalplan"},
]


@pytest.fixture
def bits():
    return parse_bit_table({"bits": BITS, "criteria": []})


def test_the_table_is_sorted_by_bit_and_keeps_labels_setbacks_and_sources(bits):
    assert [b.bit for b in bits] == [0, 1, 2, 3]
    assert bits[1] == ReasonBit(1, "nature_reserves", "hard", "Naturschutzgebiete + 200 m", "Nature reserves + 200 m",
                                "200 m", 200.0, "BNatSchG § 23", "", "")
    assert bits[2].value == 4
    assert bits[2].label("de") == "Wald" and bits[2].label("en") == "Forest" and bits[2].label("fr") == "Forest"


@pytest.mark.parametrize("value, ids", [
    (1, ["settlements_hard"]),
    (4, ["forest"]),
    (5, ["settlements_hard", "forest"]),
    (15, ["settlements_hard", "nature_reserves", "forest", "outside_permitted_zones"]),
    (8.0, ["outside_permitted_zones"]),
])
def test_an_excluded_pixel_lists_every_criterion_of_its_bits(bits, value, ids):
    got = decode_reasons(value, bits, nodata=255)
    assert got.status == "excluded" and got.value == int(value)
    assert [r.id for r in got.reasons] == ids


def test_zero_is_eligible_and_nodata_none_or_nan_is_outside(bits):
    assert decode_reasons(0, bits, nodata=255).status == "eligible"
    assert decode_reasons(0, bits).reasons == ()
    for value in (255, None, float("nan")):
        got = decode_reasons(value, bits, nodata=255)
        assert got.status == "outside" and got.value is None and got.reasons == ()
    assert decode_reasons(65535, bits).status == "outside"  # nodata unknown: every bit of uint16 set


def test_a_bit_the_table_does_not_describe_says_the_files_do_not_belong_together(bits):
    with pytest.raises(ValueError, match="different runs"):
        decode_reasons(16 + 1, bits, nodata=255)
    with pytest.raises(ValueError, match="non-negative integers"):
        decode_reasons(-1, bits)
    with pytest.raises(ValueError, match="bit"):
        parse_bit_table({"bits": [{"id": "x"}]})
    with pytest.raises(ValueError, match="twice"):
        parse_bit_table([BITS[0], BITS[0]])


def test_the_sidecar_is_read_from_beside_the_raster(tmp_path):
    raster = tmp_path / "wind_reasons.tif"
    assert sidecar_path(raster) == tmp_path / "wind_reasons_bits.json"
    sidecar_path(raster).write_text(json.dumps({"bits": BITS}), encoding="utf-8")
    assert [b.id for b in read_bit_table(raster)][:2] == ["settlements_hard", "nature_reserves"]
    with pytest.raises(FileNotFoundError):
        read_bit_table(tmp_path / "other_reasons.tif")
    sidecar_path(raster).write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_bit_table(raster)


def test_legend_classes_are_intervals_one_per_criterion_alone_and_one_with_others(bits):
    classes = legend_classes(bits)
    assert [(c.lower, c.upper, c.kind, c.bit.id if c.bit else None) for c in classes] == [
        (-1, 0, "eligible", None),
        (0, 1, "single", "settlements_hard"),
        (1, 2, "single", "nature_reserves"), (2, 3, "several", "nature_reserves"),
        (3, 4, "single", "forest"), (4, 7, "several", "forest"),
        (7, 8, "single", "outside_permitted_zones"), (8, 15, "several", "outside_permitted_zones"),
    ]
    # invariant: the intervals tile 0 … 2**n - 1 without gap or overlap, and each value's class is right
    for v in range(16):
        (c,) = [c for c in classes if c.lower < v <= c.upper]
        reasons = decode_reasons(v, bits).reasons
        assert (c.bit is None) == (v == 0)
        if c.bit is not None:
            assert reasons[-1] == c.bit and (c.kind == "single") == (len(reasons) == 1)


def test_legend_classes_keep_only_values_the_raster_holds(bits):
    classes = legend_classes(bits, present=[0, 1, 5, 6])
    assert [(c.kind, c.bit.id if c.bit else None) for c in classes] == [
        ("eligible", None), ("single", "settlements_hard"), ("several", "forest")]
    assert [c.kind for c in legend_classes(bits, present=[])] == ["eligible"]
