"""Floating PV (WHG § 36 (3)): never more than 15 % of a lake, never closer than 40 m to any shore (exact), only
on the lakes that qualify; capacity and energy from the floating system."""
from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from conftest import X0, Y0, LogRecorder, frame, write_layers

from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.solar.floating import FloatingOutputs, FloatingSettings, floating_area, run_floating

LAKES = {
    "rectangle with an island": shapely.Polygon(
        [(0, 0), (3000, 0), (3000, 1200), (0, 1200)], [[(1400, 500), (1600, 500), (1600, 700), (1400, 700)]]),
    "circle": shapely.Point(0, 0).buffer(1500, quad_segs=64),
    "L-shaped mining lake": shapely.Polygon([(0, 0), (4000, 0), (4000, 600), (600, 600), (600, 3000), (0, 3000)]),
    "narrow": shapely.box(0, 0, 2000, 70),                     # nowhere 40 m from both shores
    "small": shapely.box(0, 0, 400, 300),                      # more than the share 40 m from the shore
    "tiny": shapely.box(0, 0, 200, 100),                       # less: all of it 40 m from the shore is used
}


@pytest.mark.parametrize("name", sorted(LAKES))
def test_the_field_keeps_the_share_and_the_shore_distance_exactly(name):
    lake = LAKES[name]
    field = floating_area(lake, 40.0, 0.15)
    if field.is_empty:
        assert name == "narrow"
        return
    assert field.area <= 0.15 * lake.area + 1e-6
    assert lake.contains(field)
    assert shapely.distance(field, lake.boundary) >= 40.0 - 1e-9        # exterior and islands alike
    inner = lake.buffer(-40.0, quad_segs=256)
    if inner.area > 0.15 * lake.area:
        assert field.area >= 0.15 * lake.area * 0.999                      # the share is used, not wasted
    else:
        # all of the inner lake (its offset widened by 1/cos(π/64) ≈ 0.12 % so the chords keep 40 m)
        assert field.area == pytest.approx(lake.buffer(-40.0 / math.cos(math.pi / 64), quad_segs=256).area, rel=0.002)
    assert field.geom_type in ("Polygon", "MultiPolygon") and field.is_valid


def test_only_qualifying_lakes_get_fields_and_energy_is_capacity_times_yield(tmp_path):
    reservoir = shapely.box(X0, Y0, X0 + 2000, Y0 + 1500)
    natural = shapely.box(X0 + 5000, Y0, X0 + 7000, Y0 + 1500)
    pond = shapely.box(X0 + 9000, Y0, X0 + 9200, Y0 + 150)
    layers = write_layers(tmp_path / "w.gpkg", {
        "water": frame([reservoir, natural, pond], natural=["water"] * 3, water=["reservoir", "lake", "reservoir"],
                       name=["Restsee Nord", "Naturteich", "Klärbecken"]),
        "municipalities": frame([shapely.box(X0 - 100, Y0 - 100, X0 + 10_000, Y0 + 2000)], name=["Seedorf"])})
    log = LogRecorder()
    res = run_floating(layers["water"], FloatingOutputs(tmp_path / "f.gpkg", tmp_path / "f.csv"),
                       FloatingSettings(crs="EPSG:25832"), layers["municipalities"], progress=log)
    assert list(res.frame["lake"]) == ["Restsee Nord"]
    row = res.frame.iloc[0]
    assert row["floating_ha"] == pytest.approx(0.15 * 300.0, rel=1e-3)
    assert row["capacity_mwp"] == pytest.approx(row["floating_ha"] * 0.70 * 0.90 * 2.15, rel=1e-9)
    assert row["energy_mwh_per_a"] == pytest.approx(row["capacity_mwp"] * row["yield_kwh_per_kwp"], rel=1e-9)
    assert 750 < row["yield_kwh_per_kwp"] < 1150                       # east–west at 12° in central Germany
    assert res.municipalities["Seedorf"]["capacity_mwp"] == pytest.approx(row["capacity_mwp"])
    assert res.skipped["Klärbecken"].startswith("0.45 ha left after 40 m from the shore and 15 % of 3.0 ha")
    assert (tmp_path / "f.gpkg").is_file() and (tmp_path / "f.csv").is_file()
    assert any("(WHG) § 36 Abs. 3" in m and "45.0 ha" not in m for m in log.infos)
    assert any("1 lake(s) tagged water=lake" in w for w in log.warnings)     # the natural lake, said aloud


def test_the_floating_cell_runs_cooler_than_a_rack_on_land():
    """The heat-loss factors of a closed floating structure (u_c 25.2, u_v 3.7) against the SAPM open rack: a
    direct pvlib computation at 800 W/m², 20 °C, 2 m/s."""
    import pvlib

    from wip_qgis_plugin.core.solar.systems import PVSYST_MODELS

    floating = pvlib.temperature.pvsyst_cell(800.0, 20.0, 2.0, module_efficiency=0.215, **PVSYST_MODELS["floating_closed"])
    rack = pvlib.temperature.sapm_cell(800.0, 20.0, 2.0, **pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
        "open_rack_glass_glass"])
    assert floating == pytest.approx(20 + 0.9 * 800 * (1 - 0.215) / (25.2 + 3.7 * 2.0))
    assert floating < rack


def test_a_layer_of_qualifying_lakes_is_read_whole(tmp_path):
    lake = shapely.box(X0, Y0, X0 + 2000, Y0 + 1500)
    layers = write_layers(tmp_path / "w.gpkg", {"water": frame([lake], name=["Goitzsche"])})
    res = run_floating(layers["water"], FloatingOutputs(), FloatingSettings(crs="EPSG:25832", lake_filter=None))
    assert list(res.frame["lake"]) == ["Goitzsche"] and res.frame["share_pct"].iloc[0] <= 15.0 + 1e-9
    with pytest.raises(InputError, match="has no field water the lake filter reads"):
        run_floating(layers["water"], FloatingOutputs(), FloatingSettings(crs="EPSG:25832"))


def test_the_floating_system_runs_through_the_pvsyst_cell_temperature():
    """The engine's DC power of the floating system equals PVWatts at the PVsyst cell temperature computed here
    from the heat-loss factors (u_c 25.2, u_v 3.7) and the module efficiency of 215 W/m², for one hour."""
    from wip_qgis_plugin.core.solar import model
    from wip_qgis_plugin.core.solar.systems import load_pv_systems

    systems = load_pv_systems()
    sky = type("Sky", (), {"temp_air": np.array([20.0]), "wind_speed": np.array([2.0])})()
    poa = np.array([[800.0]])
    got = model.dc_power(sky, poa, poa, systems, "floating_closed", 0.0)
    t_cell = 20.0 + 0.9 * 800.0 * (1 - 0.215) / (25.2 + 3.7 * 2.0)
    assert float(got[0, 0]) == pytest.approx(800.0 / 1000.0 * (1 + systems.gamma_pdc * (t_cell - 25.0)), rel=1e-9)
    land = model.dc_power(sky, poa, poa, systems, "open_rack_glass_glass", 0.0)
    assert float(got[0, 0]) > float(land[0, 0])                          # cooler cells, more power
