"""Repowering: candidates by age, replacement within 5 H (exact distances), the balance, refusals."""
from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from conftest import CRS, X0, Y0, LogRecorder

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.wind.layout import LayoutSettings
from wip_qgis_plugin.core.wind.repowering import (
    ReplacementLayout,
    RepoweringOutputs,
    RepoweringSettings,
    commissioning_year,
    rated_mw,
    repowering_pairs,
    run_repowering,
)

#: New turbine: hub 160 m, rotor 140 m → total height 230 m; 5 H = 1,150 m.
ZONE_M = 5 * (160.0 + 70.0)


def layers(tmp_path):
    g = tmp_path / "t.gpkg"
    old = gpd.GeoDataFrame({"start_date": ["2000", "2016-05-01", None, "1998"], "height:hub": ["65", "120", "80", "60"],
                            "rotor:diameter": ["66 m", "101", "70", "48"],
                            "generator:output:electricity": ["1.5 MW", "3050 kW", "2 MW", "600 kW"]},
                           geometry=[shapely.Point(X0, Y0), shapely.Point(X0 + 5000, Y0), shapely.Point(X0, Y0 + 5000),
                                     shapely.Point(X0 + 9000, Y0 + 9000)], crs=CRS)
    old.to_file(g, layer="old", driver="GPKG")
    new = gpd.GeoDataFrame({"hub_height_m": [160.0] * 3, "rotor_diameter_m": [140.0] * 3, "capacity_mw": [4.2] * 3,
                            "energy_mwh_per_a": [11_000.0] * 3},
                           geometry=[shapely.Point(X0 + ZONE_M - 1.0, Y0), shapely.Point(X0, Y0 - ZONE_M - 1.0),
                                     shapely.Point(X0 + 5000, Y0 + 300)], crs=CRS)
    new.to_file(g, layer="new", driver="GPKG")
    gpd.GeoDataFrame({"name": ["West", "Ost"]}, geometry=[shapely.box(X0 - 3000, Y0 - 3000, X0 + 2500, Y0 + 6000),
                                                          shapely.box(X0 + 2500, Y0 - 3000, X0 + 10000, Y0 + 10000)],
                     crs=CRS).to_file(g, layer="munis", driver="GPKG")
    return LayerRef(str(g), "old"), LayerRef(str(g), "new"), LayerRef(str(g), "munis")


def test_candidates_zone_and_balance(tmp_path):
    """2026: the 2000 turbine (26 years) is a candidate, the 2016 one is not, the one without a year is reported;
    of the new turbines the one 1 m inside 5 H replaces it, the one 1 m outside does not; the 1998 turbine is old
    but has nothing new near it."""
    old, new, munis = layers(tmp_path)
    log = LogRecorder()
    out = RepoweringOutputs(tmp_path / "out" / "old.gpkg", tmp_path / "out" / "balance.csv")
    r = run_repowering(old, new, out, RepoweringSettings(reference_year=2026), munis, log)
    assert (r.n_existing, r.n_without_year, r.n_candidates, r.n_replaced, r.n_new) == (4, 1, 2, 1, 1)
    assert r.old_mw == pytest.approx(1.5) and r.old_mwh_per_a == pytest.approx(1.5 * 1630.0)
    assert r.new_mw == pytest.approx(4.2) and r.new_mwh_per_a == pytest.approx(11_000.0)
    assert [row["municipality"] for row in r.rows] == ["West"]
    assert any("no commissioning year" in w for w in log.warnings)
    status = pyogrio.read_dataframe(out.old_turbines)["status"].tolist()
    assert status == ["repowering: replaced", "too young", "no commissioning year",
                      "candidate: no new turbine within the zone"]
    # the exact zone: shapely's distance, not a polygon buffer
    assert shapely.Point(X0 + ZONE_M - 1.0, Y0).distance(shapely.Point(X0, Y0)) < ZONE_M
    r2 = run_repowering(old, new, out, RepoweringSettings(reference_year=2026, zone_h=5.0 * (ZONE_M + 2) / ZONE_M),
                        munis)
    assert r2.n_new == 2   # a zone 2 m wider takes the second turbine too


def test_zero_candidates_is_a_result_and_bad_input_is_refused(tmp_path):
    old, new, munis = layers(tmp_path)
    r = run_repowering(old, new, RepoweringOutputs(tmp_path / "o.gpkg", tmp_path / "b.csv"),
                       RepoweringSettings(reference_year=2005), munis)
    assert (r.n_candidates, r.n_replaced, r.n_new, r.rows) == (0, 0, 0, ())
    with pytest.raises(InputError, match="commissioning year"):
        run_repowering(new, new, RepoweringOutputs(tmp_path / "x.gpkg"), RepoweringSettings())
    with pytest.raises(InputError, match="min_age_years"):
        RepoweringSettings(min_age_years=-1).check()


def test_parsers():
    assert commissioning_year(["2009", "2012-05-01", "01.03.1999", None, "unbekannt"]).tolist()[:3] == [
        2009.0, 2012.0, 1999.0]
    assert math.isnan(commissioning_year(["unbekannt"])[0])
    frame = gpd.GeoDataFrame({"generator:output:electricity": ["3.05 MW", "2000 kW", "850", "2,3 MW"]})
    mw = rated_mw(frame)
    assert mw[0] == pytest.approx(3.05) and mw[1] == pytest.approx(2.0) and np.isnan(mw[2])
    assert mw[3] == pytest.approx(2.3)
    assert rated_mw(gpd.GeoDataFrame({"Power_kW": [2300]}))[0] == pytest.approx(2.3)


def test_wip_repowering(tmp_path, capsys):
    from wip_qgis_plugin.cli import main

    old, new, munis = layers(tmp_path)
    assert main(["repowering", "--existing", f"{old.path}:old", "--turbines", f"{new.path}:new", "--aoi",
                 f"{munis.path}:munis", "--year", "2026", "--out-dir", str(tmp_path / "cli")]) == 0
    printed = capsys.readouterr().out
    assert "2 of 4 existing turbines old enough (1 without a commissioning year), 1 replaced by 1 new" in printed
    rows = (tmp_path / "cli" / "wind_repowering.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("municipality,old_replaced,old_mw") and rows[1].startswith("West,1,1.5")


# ----------------------------------------------------------------- the plan's repowering areas, shares, placement
SAMPLE = Path(__file__).resolve().parents[2] / "sample_layers"


def new_layer(path, points, name="new"):
    n = len(points)
    gpd.GeoDataFrame({"turbine_id": [f"N{i + 1}" for i in range(n)], "hub_height_m": [160.0] * n,
                      "rotor_diameter_m": [140.0] * n, "capacity_mw": [4.2] * n, "energy_mwh_per_a": [11_000.0] * n},
                     geometry=list(points), crs=CRS).to_file(path, layer=name, driver="GPKG")
    return LayerRef(str(path), name)


def test_plan_area_turbines_count_with_their_rule(tmp_path):
    """N1 within 5 H of the 2000 turbine (and in the plan area): 16b_5h; N2 far from every candidate but in the
    plan area that holds the 1998 turbine: plan_area, replaces it; N3 in an area without a candidate: plan_area,
    replaces nothing; N4 nowhere: no repowering turbine."""
    old, _, munis = layers(tmp_path)
    g = tmp_path / "plan.gpkg"
    area = shapely.box(X0 - 2000, Y0 - 2000, X0 + 2000, Y0 + 2000)   # holds the 2000 turbine (A1)
    area2 = shapely.box(X0 + 7000, Y0 + 7000, X0 + 9500, Y0 + 9500)   # holds the 1998 turbine (A4)
    area3 = shapely.box(X0 + 5500, Y0 - 3000, X0 + 6500, Y0 - 2000)   # no candidate
    gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[area, area2, area3], crs=CRS).to_file(g, layer="rep")
    new = new_layer(tmp_path / "n.gpkg", [shapely.Point(X0 + 500, Y0), shapely.Point(X0 + 7100, Y0 + 7100),
                                          shapely.Point(X0 + 6000, Y0 - 2500), shapely.Point(X0 - 2500, Y0 + 9000)])
    out = RepoweringOutputs(tmp_path / "o.gpkg", tmp_path / "b.csv", tmp_path / "t.gpkg")
    log = LogRecorder()
    r = run_repowering(old, new, out, RepoweringSettings(reference_year=2026), munis, log,
                       plan_areas=LayerRef(str(g), "rep"))
    t = pyogrio.read_dataframe(out.turbines)
    assert t["repowering_rule"].tolist() == ["16b_5h", "plan_area", "plan_area", ""]
    assert t["replaces"].tolist() == ["A1", "A4", "", ""]
    assert t["turbine_id"].tolist() == ["N1", "N2", "N3", "N4"]  # the layout's own fields are kept
    assert (r.n_new, r.n_new_16b, r.n_new_plan_area, r.n_replaced, r.n_layout) == (3, 1, 2, 2, 4)
    assert r.old_mw == pytest.approx(1.5 + 0.6)
    o = pyogrio.read_dataframe(out.old_turbines)
    assert o["repowering_rule"].tolist() == ["16b_5h", "", "", "plan_area"]
    assert o["replaced_by"].tolist() == [1, 0, 0, 1]
    assert "Repowering areas of the plan: 3 new turbine(s) stand in them, 2 of them outside every 5 H zone; they " \
           "replace 1 more candidate(s)." in log.infos
    balance = {row["municipality"]: row for row in r.rows}
    assert balance["Ost"]["new_plan_area"] == 2 and balance["West"]["new_16b_5h"] == 1


def test_old_turbines_are_shared_among_their_replacements(tmp_path):
    """Two new turbines within 5 H of one candidate share it half and half; the shares sum to the totals."""
    old, _, munis = layers(tmp_path)
    new = new_layer(tmp_path / "n.gpkg", [shapely.Point(X0 + 300, Y0), shapely.Point(X0 - 300, Y0)])
    out = RepoweringOutputs(tmp_path / "o.gpkg", None, tmp_path / "t.gpkg")
    r = run_repowering(old, new, out, RepoweringSettings(reference_year=2026), munis)
    t = pyogrio.read_dataframe(out.turbines)
    assert t["old_replaced"].tolist() == [0.5, 0.5]
    assert t["old_mw_replaced"].sum() == pytest.approx(r.old_mw) == pytest.approx(1.5)
    assert t["old_mwh_per_a_replaced"].sum() == pytest.approx(r.old_mwh_per_a)


def test_pairs_are_exact_distances():
    """repowering_pairs against shapely's distance of every pair (seeded points, reach per turbine)."""
    rng = np.random.default_rng(20)
    new = shapely.points(rng.uniform(0, 5000, (60, 2)))
    cand = shapely.points(rng.uniform(0, 5000, (40, 2)))
    reach = rng.uniform(200, 1200, 60)
    t, o, zone, within, in_plan = repowering_pairs(new, reach, cand)
    d = shapely.distance(new[:, None], cand[None, :])
    want = np.argwhere(d <= reach[:, None])
    assert sorted(zip(t.tolist(), o.tolist())) == sorted(map(tuple, want.tolist()))
    assert zone.all() and not in_plan.any() and within.tolist() == (d <= reach[:, None]).any(axis=1).tolist()
    empty = repowering_pairs(new, reach, np.empty(0, dtype=object))
    assert len(empty[0]) == 0 and not empty[2].any()


def test_the_samples_turbines(tmp_path):
    """The sample's 33 existing turbines (2007–2012): in 2030 23 are candidates (69.6 MW, 113.4 GWh/a at 1,630 h);
    a new turbine 1 km east of each is within 5 H (1,147.5 m for H = 229.5 m) of it; in 2026 none is 20."""
    existing = LayerRef(str(SAMPLE / "revier_sample.gpkg"), "wind_turbines")
    old = gpd.read_file(existing.path, layer=existing.layer)
    pts = shapely.points(shapely.get_coordinates(old.geometry.values) + [1000.0, 0.0])
    new = new_layer(tmp_path / "n.gpkg", pts)
    out = RepoweringOutputs(tmp_path / "o.gpkg", tmp_path / "b.csv", tmp_path / "t.gpkg")
    r = run_repowering(existing, new, out, RepoweringSettings(reference_year=2030),
                       LayerRef(str(SAMPLE / "revier_sample.gpkg"), "municipalities"))
    years = commissioning_year(old["start_date"])
    assert r.n_existing == 33 and r.n_candidates == int((2030 - years >= 20).sum()) == 23
    assert r.n_replaced == 23 and r.old_mw == pytest.approx(69.6)
    assert r.old_mwh_per_a == pytest.approx(69.6 * 1630.0)
    # the oracle: a new turbine replaces iff some candidate lies within 5 × 230 m (exact distance)
    d = shapely.distance(pts[:, None], np.asarray(old.geometry.values)[None, 2030 - years >= 20])
    assert r.n_new == int((d <= 5 * 230.0).any(axis=1).sum())
    assert sum(row["old_replaced"] for row in r.rows) == 23
    r0 = run_repowering(existing, new, out, RepoweringSettings(reference_year=2026))
    assert (r0.n_candidates, r0.n_replaced, r0.n_new, r0.rows) == (0, 0, 0, ())


def test_a_replacement_layout_is_placed_within_the_zones(tmp_path):
    """No layout given: the layout engine places turbines on the eligible land within 5 H of the candidates or in
    the plan's area; every placed repowering turbine keeps the exact distance (shapely) or stands in the area."""
    old, _, munis = layers(tmp_path)
    g = tmp_path / "areas.gpkg"
    gpd.GeoDataFrame({"area_id": [1], "name": ["West"], "ags": ["1"]},
                     geometry=[shapely.box(X0 - 3000, Y0 - 3000, X0 + 10_000, Y0 + 10_000)], crs=CRS).to_file(
        g, layer="eligible_areas")
    gpd.GeoDataFrame({"name": ["p"]}, geometry=[shapely.box(X0 + 5500, Y0 - 3000, X0 + 7000, Y0 - 1500)],
                     crs=CRS).to_file(tmp_path / "plan.gpkg", layer="rep")
    out = RepoweringOutputs(tmp_path / "o.gpkg", tmp_path / "b.csv", tmp_path / "t.gpkg")
    placement = ReplacementLayout(LayerRef(str(g), "eligible_areas"), "E-141/4200",
                                  settings=LayoutSettings(resolution_m=200.0))
    r = run_repowering(old, None, out, RepoweringSettings(reference_year=2026), munis,
                       plan_areas=LayerRef(str(tmp_path / "plan.gpkg"), "rep"), placement=placement)
    t = pyogrio.read_dataframe(out.turbines)
    assert r.placed and r.n_layout == len(t) > 0 and r.n_new == len(t)
    h = 159.0 + 141.0 / 2
    cand = [shapely.Point(X0, Y0), shapely.Point(X0 + 9000, Y0 + 9000)]
    zone = np.array([min(p.distance(c) for c in cand) <= 5 * h for p in t.geometry])
    in_plan = t.geometry.within(shapely.box(X0 + 5500, Y0 - 3000, X0 + 7000, Y0 - 1500)).to_numpy()
    assert (zone | in_plan).all() and zone.any() and in_plan.any()
    assert t["repowering_rule"].tolist() == np.where(zone, "16b_5h", "plan_area").tolist()
    with pytest.raises(InputError, match="not both"):
        run_repowering(old, old, out, RepoweringSettings(), placement=placement)


def test_no_candidate_places_nothing_and_says_so(tmp_path):
    old, _, munis = layers(tmp_path)
    g = tmp_path / "areas.gpkg"
    gpd.GeoDataFrame({"area_id": [1], "name": ["West"], "ags": ["1"]},
                     geometry=[shapely.box(X0 - 3000, Y0 - 3000, X0 + 10_000, Y0 + 10_000)], crs=CRS).to_file(
        g, layer="eligible_areas")
    out = RepoweringOutputs(tmp_path / "o.gpkg", tmp_path / "b.csv", tmp_path / "t.gpkg")
    log = LogRecorder()
    r = run_repowering(old, None, out, RepoweringSettings(reference_year=2005), munis, log,
                       placement=ReplacementLayout(LayerRef(str(g), "eligible_areas")))
    assert (r.n_candidates, r.n_layout, r.n_new, r.rows, r.placed) == (0, 0, 0, (), True)
    assert "Replacement layout: 0.0 ha of eligible land within 5 H of the candidates." in log.infos
    assert len(pyogrio.read_dataframe(out.turbines)) == 0
