"""WindBG accounting: targets table, rotor-in deduction against exact geometry, orientation values, CSV."""
from __future__ import annotations

import csv
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import CRS, X0, Y0

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.units import Turbine
from wip_qgis_plugin.core.eligibility.windbg import (
    WINDBG_TARGETS,
    MunicipalArea,
    WindbgSettings,
    inward_offset_m,
    land_of,
    municipal_areas,
    rotor_in_geometry,
    windbg_accounting,
    windbg_from_stats,
    write_windbg_csv,
)

E141 = Turbine(159.0, 141.0, "E-141")   # rotor radius 70.5 m → inward offset 66.5 m with a 4 m tower foot


def polys(geoms, names):
    return gpd.GeoDataFrame({"name": names}, geometry=list(geoms), crs=CRS)


def test_targets_match_the_land_figures():
    st, sn, th = WINDBG_TARGETS["ST"], WINDBG_TARGETS["SN"], WINDBG_TARGETS["TH"]
    assert (st.share_2027_pct, st.share_2032_pct) == (1.8, 2.2)
    assert (sn.share_2027_pct, sn.share_2032_pct) == (1.3, 2.0)
    assert (th.share_2027_pct, th.share_2032_pct) == (1.8, 2.2)
    # the rounded 2032 areas of the domain notes: ≈ 450, 369, 357 km²
    assert st.target_km2(2032) == pytest.approx(450, abs=0.5)
    assert sn.target_km2(2032) == pytest.approx(369, abs=0.5)
    assert th.target_km2(2032) == pytest.approx(357, abs=0.7)
    assert "WindBG" in st.source and "Anlage 1" in st.source
    with pytest.raises(ValueError, match="2027 and of 2032"):
        st.share_pct(2030)


def test_land_from_ags():
    assert land_of("15082001") == "ST" and land_of("14730010") == "SN" and land_of("16077001") == "TH"
    assert land_of("", "TH") == "TH"
    # every Land of the WindBG Anlage: Bayern (München), Schleswig-Holstein, Berlin
    assert land_of("09162000") == "BY" and land_of("01001000") == "SH" and land_of("11000000") == "BE"
    assert len(WINDBG_TARGETS) == 16 and WINDBG_TARGETS["BY"].share_pct(2032) == 1.8
    assert WINDBG_TARGETS["BE"].share_pct(2027) == 0.25 and WINDBG_TARGETS["MV"].share_pct(2032) == 2.1
    assert "verify" in WINDBG_TARGETS["BY"].source  # areas outside the Revier rounded to the km²
    with pytest.raises(InputError, match="Cannot tell the Land"):
        land_of("99123000")


def test_inward_offset():
    assert inward_offset_m(E141) == pytest.approx(66.5)
    assert inward_offset_m(E141, 0.0) == pytest.approx(70.5)
    with pytest.raises(ValueError):
        inward_offset_m(E141, 80.0)


def test_rotor_in_of_a_rectangle_and_a_disc_equal_the_closed_forms():
    d = inward_offset_m(E141)
    rect = shapely.box(0, 0, 1000, 600)
    assert rotor_in_geometry([rect], d).area == pytest.approx((1000 - 2 * d) * (600 - 2 * d), rel=1e-9)
    disc = shapely.Point(0, 0).buffer(500, quad_segs=256)
    assert rotor_in_geometry([disc], d).area == pytest.approx(math.pi * (500 - d) ** 2, rel=0.005)
    assert rotor_in_geometry([shapely.box(0, 0, 100, 1000)], d).is_empty   # narrower than two offsets
    assert rotor_in_geometry([], d).is_empty


def test_rotor_in_equals_an_independent_exact_inward_buffer_and_never_exceeds_rotor_out():
    rng = np.random.default_rng(11)
    d = inward_offset_m(E141)
    # an L-shape with a concave corner, and random blobs (unions of discs and boxes)
    shapes = [shapely.Polygon([(0, 0), (1500, 0), (1500, 400), (400, 400), (400, 1200), (0, 1200)])]
    for _ in range(12):
        parts = [shapely.Point(rng.uniform(0, 2000), rng.uniform(0, 2000)).buffer(rng.uniform(100, 500))
                 for _ in range(3)]
        parts.append(shapely.box(*sorted(rng.uniform(0, 2000, 2)), *sorted(rng.uniform(0, 2000, 2))))
        shapes.append(shapely.union_all(parts))
    for shape in shapes:
        got = rotor_in_geometry([shape], d).area
        exact = shape.buffer(-d, quad_segs=128).area
        assert got <= shape.area
        assert got == pytest.approx(exact, rel=0.005, abs=1.0)


def test_accounting_per_municipality_and_total():
    d = inward_offset_m(E141)
    # one eligible block of 1,000 × 600 m split by the municipal boundary at x = 500: rotor-in must not
    # shrink the area along that boundary
    west = shapely.box(X0, Y0, X0 + 500, Y0 + 600)
    east = shapely.box(X0 + 500, Y0, X0 + 1000, Y0 + 600)
    far = shapely.box(X0 + 3000, Y0, X0 + 3400, Y0 + 400)
    eligible = polys([west, east, far], ["A", "B", "B"])
    munis = [MunicipalArea("A", "15082001", 1000.0, "ST"), MunicipalArea("B", "14730010", 3000.0, "SN")]
    out = windbg_accounting(munis, eligible)
    a, b = out.rows
    assert a.eligible_ha == pytest.approx(30.0) and b.eligible_ha == pytest.approx(30.0 + 16.0)
    assert a.counted_ha == a.eligible_ha and out.accounting == "rotor-out"
    assert a.eligible_pct == pytest.approx(3.0)
    assert a.orientation_2027_ha == pytest.approx(18.0) and a.orientation_2032_ha == pytest.approx(22.0)
    assert b.orientation_2027_ha == pytest.approx(39.0) and b.orientation_2032_ha == pytest.approx(60.0)
    assert a.gap_2027_ha == pytest.approx(18.0 - 30.0)
    assert out.total.land == "mixed" and out.total.area_ha == 4000.0
    assert out.total.target_2027_pct == pytest.approx((18.0 + 39.0) / 4000 * 100)

    rin = windbg_accounting(munis, eligible, settings=WindbgSettings(rotor_in=True, turbine=E141))
    ra, rb = rin.rows
    block = (1000 - 2 * d) * (600 - 2 * d) / 1e4
    assert ra.counted_ha == pytest.approx(block / 2, rel=1e-9)
    assert rb.counted_ha == pytest.approx(block / 2 + (400 - 2 * d) ** 2 / 1e4, rel=1e-9)
    for r_out, r_in in zip(out.rows, rin.rows):
        assert r_in.counted_ha <= r_out.counted_ha
        assert r_in.eligible_ha == r_out.eligible_ha
    assert rin.inward_offset_m == pytest.approx(66.5) and rin.accounting == "rotor-in (-66.5 m)"
    with pytest.raises(InputError, match="reference turbine"):
        windbg_accounting(munis, eligible, settings=WindbgSettings(rotor_in=True))


def test_accounting_from_the_eligibility_layers(small_region, tmp_path):
    layers = small_region["layers"]
    munis = municipal_areas(AreaOfInterest(layers["municipalities"]), CRS)
    assert [(m.name, m.land) for m in munis] == [("Westdorf", "ST"), ("Ostheim", "ST")]
    assert [m.area_ha for m in munis] == pytest.approx([1200.0, 1200.0])
    areas = polys([shapely.box(X0 + 100, Y0 + 100, X0 + 900, Y0 + 700)], ["Westdorf"])
    areas.to_file(tmp_path / "areas.gpkg", layer="eligible_areas", driver="GPKG", engine="pyogrio")
    from wip_qgis_plugin.core.data.layers import LayerRef

    res = windbg_accounting(munis, LayerRef(str(tmp_path / "areas.gpkg"), "eligible_areas"),
                            settings=WindbgSettings(rotor_in=True,
                                                    turbine=load_catalogue("wind_sachsen_anhalt").reference_turbine))
    assert res.rows[0].eligible_ha == pytest.approx(48.0) and res.rows[1].eligible_ha == 0.0
    assert res.rows[0].counted_ha == pytest.approx((800 - 133) * (600 - 133) / 1e4)
    assert res.total.land == "ST" and res.total.target_2032_pct == pytest.approx(2.2)

    path = tmp_path / "windbg.csv"
    write_windbg_csv(path, res)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Westdorf", "Ostheim", "TOTAL"]
    assert float(rows[0]["orientation_2027_ha"]) == pytest.approx(21.6)
    assert rows[0]["accounting"] == "rotor-in (-66.5 m)"
    assert not list(tmp_path.glob(".*part*"))


def test_accounting_from_eligibility_statistics():
    from wip_qgis_plugin.core.eligibility.engine import MunicipalityStats

    stats = [MunicipalityStats("A", "15082001", 1000.0, 25.0, {}), MunicipalityStats("B", "16077001", 500.0, 0.0, {})]
    res = windbg_from_stats(stats)
    assert [r.counted_ha for r in res.rows] == [25.0, 0.0] and res.total.eligible_ha == 25.0
    assert res.rows[0].counted_pct == pytest.approx(2.5) and res.rows[1].land == "TH"
    assert res.total.land == "mixed" and res.accounting == "rotor-out"


def test_municipal_areas_ignore_an_invalid_polygon_elsewhere_and_label_null_names(tmp_path):
    from wip_qgis_plugin.core.data.layers import LayerRef

    bowtie = shapely.Polygon([(X0 + 3000, Y0), (X0 + 4000, Y0 + 1000), (X0 + 4000, Y0), (X0 + 3000, Y0 + 1000)])
    frame = gpd.GeoDataFrame({"name": ["Gut", "Kaputt", None], "ags": ["15001001", "16001001", "14001001"]},
                             geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), bowtie,
                                       shapely.box(X0, Y0 + 2000, X0 + 2000, Y0 + 3000)], crs=CRS)
    frame.to_file(tmp_path / "m.gpkg", layer="m", driver="GPKG", engine="pyogrio")
    ref = LayerRef(str(tmp_path / "m.gpkg"), "m")
    (gut,) = municipal_areas(AreaOfInterest(ref, names=("Gut",)), CRS)
    assert (gut.name, gut.ags, gut.land, gut.area_ha) == ("Gut", "15001001", "ST", pytest.approx(100.0))
    with pytest.raises(InputError, match="Kaputt"):
        municipal_areas(AreaOfInterest(ref), CRS)
    munis = municipal_areas(AreaOfInterest(ref), CRS, invalid="skip")
    assert [(m.name, m.land) for m in munis] == [("Gut", "ST"), ("14001001", "SN")]
    assert munis[1].area_ha == pytest.approx(200.0)


#: WindBG Anlage 1 (zu § 3 Abs. 1), BGBl. 2022 I S. 1353: share of the Land's area by the end of 2027 and 2032 [%].
ANLAGE_1 = {"BW": (1.1, 1.8), "BY": (1.1, 1.8), "BE": (0.25, 0.5), "BB": (1.8, 2.2), "HB": (0.25, 0.5),
            "HH": (0.25, 0.5), "HE": (1.8, 2.2), "MV": (1.4, 2.1), "NI": (1.7, 2.2), "NW": (1.1, 1.8),
            "RP": (1.4, 2.2), "SL": (1.1, 1.8), "SN": (1.3, 2.0), "ST": (1.8, 2.2), "SH": (1.3, 2.0),
            "TH": (1.8, 2.2)}


def test_the_targets_of_all_16_laender_are_the_anlage():
    assert {code: (t.share_pct(2027), t.share_pct(2032)) for code, t in WINDBG_TARGETS.items()} == ANLAGE_1
    # the national sums the Anlage's shares make with the Länder's areas: about 1.4 % and 2 % of Germany
    areas = {code: t.area_km2 for code, t in WINDBG_TARGETS.items()}
    germany = sum(areas.values())
    assert germany == pytest.approx(357_600, rel=0.005)
    for year, national in ((2027, 1.4), (2032, 2.0)):
        share = sum(t.target_km2(year) for t in WINDBG_TARGETS.values()) / germany * 100
        assert share == pytest.approx(national, abs=0.05)
