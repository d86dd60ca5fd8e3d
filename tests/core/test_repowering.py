"""Repowering: candidates by age, replacement within 5 H (exact distances), the balance, refusals."""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from conftest import CRS, X0, Y0, LogRecorder

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.wind.repowering import (
    RepoweringOutputs,
    RepoweringSettings,
    commissioning_year,
    rated_mw,
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
