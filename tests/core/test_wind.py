"""Wind resource and annual energy: profiles, density, Weibull AEP against direct integration,
the lookup table against the fine integration, the yield run on the sample region."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from scipy import integrate

from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import Cancelled
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.wind.turbines import density_corrected_power_kw, load_turbine
from wip_qgis_plugin.core.wind.energy import Losses, WindYieldOutputs, WindYieldSettings, run_wind_yield
from wip_qgis_plugin.core.wind.physics import (
    air_density_kg_m3,
    build_aep_table,
    log_law_speed,
    main_wind_direction_deg,
    power_law_speed,
    reference_to_hub_speed,
    series_energy_mwh,
    shear_exponent,
    weibull_aep_mwh,
    weibull_k_from_speeds,
    weibull_scale_m_s,
)
from wip_qgis_plugin.core.wind.resource import WindResourceSettings
from wip_qgis_plugin.core.wind.roughness import load_roughness_table

SAMPLE = Path(__file__).resolve().parents[2] / "sample_layers"
GPKG = SAMPLE / "revier_sample.gpkg"
E141 = load_turbine("E-141/4200", 159.0)


def test_constant_wind_energy_is_power_curve_times_8760_h():
    for v in (4.0, 7.3, 11.0, 20.0):
        assert series_energy_mwh(E141, np.full(8760, v)) == pytest.approx(E141.power_curve_kw(v) * 8.76)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_weibull_aep_against_direct_numerical_integration():
    """The binned Weibull energy and the lookup table agree with scipy's quad within 0.5 %."""
    table = build_aep_table(E141, [1.6, 2.0, 2.4], [1.15, 1.20, 1.225])
    for mean, k, rho in ((5.0, 2.0, 1.225), (6.5, 2.0, 1.2), (7.7, 2.4, 1.15), (6.1, 1.6, 1.225), (8.0, 2.2, 1.18)):
        scale = weibull_scale_m_s(mean, k)

        def integrand(v):
            pdf = (k / scale) * (v / scale) ** (k - 1) * math.exp(-(v / scale) ** k)
            return density_corrected_power_kw(E141, v, rho) * pdf

        kinks = sorted(set(np.asarray(E141.wind_speeds_m_s) * (1.225 / rho) ** (1 / 3)) | {25.0})
        direct = integrate.quad(integrand, 0, 40, points=kinks[:50], limit=500)[0] * 8.76
        assert weibull_aep_mwh(E141, mean, k, rho) == pytest.approx(direct, rel=0.005)
        assert float(table.lookup(mean, k, rho)) == pytest.approx(direct, rel=0.005)


def test_weibull_with_a_narrow_distribution_tends_to_constant_wind():
    assert weibull_aep_mwh(E141, 8.0, 60.0) == pytest.approx(E141.power_curve_kw(8.0) * 8.76, rel=0.01)


def test_table_interpolates_between_axes_and_keeps_nan():
    table = build_aep_table(E141, 2.0, [1.1, 1.2, 1.3])
    got = table.lookup(np.array([6.0, np.nan, 6.025]), 2.0, np.array([1.2, 1.2, 1.25]))
    assert math.isnan(got[1])
    assert got[0] == pytest.approx(weibull_aep_mwh(E141, 6.0, 2.0, 1.2), rel=1e-3)
    assert got[2] == pytest.approx(weibull_aep_mwh(E141, 6.025, 2.0, 1.25), rel=2e-3)


def test_log_law_and_shear():
    assert log_law_speed(5.0, 10.0, 10.0, 0.1) == pytest.approx(5.0)
    assert log_law_speed(4.0, 10.0, 100.0, 0.1) == pytest.approx(4.0 * math.log(1000) / math.log(100))
    alpha = shear_exponent(6.0, 100.0, 6.6, 150.0)
    assert power_law_speed(6.6, 150.0, 100.0, alpha) == pytest.approx(6.0)
    assert math.isnan(float(shear_exponent(0.0, 100.0, 6.0, 150.0)))


def test_rougher_ground_gives_less_wind_at_hub():
    v = reference_to_hub_speed(np.full(3, 4.0), 10.0, 120.0, np.array([0.0002, 0.05, 0.75]), 0.1, 250.0)
    assert v[0] > v[1] > v[2]
    same = reference_to_hub_speed(4.0, 10.0, 120.0, 0.1, 0.1, 250.0)  # local = station roughness
    assert float(same) == pytest.approx(log_law_speed(4.0, 10.0, 120.0, 0.1))


def test_air_density():
    rho0 = air_density_kg_m3(0.0, 0.0, 15.0, 101325.0, -2.0)
    assert float(rho0) == pytest.approx(1.225, abs=0.005)
    high = air_density_kg_m3(np.array([100.0, 600.0]), 159.0, 9.5, 100550.0, 81.0)
    assert 1.17 < high[0] < 1.22 and high[1] < high[0] - 0.04


def test_weibull_k_and_main_direction():
    rng = np.random.default_rng(3)
    speeds = 7.0 * rng.weibull(2.2, 200_000)
    assert weibull_k_from_speeds(speeds) == pytest.approx(2.2, rel=0.03)
    assert main_wind_direction_deg([10, 1, 1], [250, 90, 0]) == pytest.approx(250, abs=1)


def test_losses():
    assert Losses().factor() == pytest.approx(0.97 * 0.98 * 0.95)
    assert Losses().factor(include_wake=False) == pytest.approx(0.97 * 0.98)
    with pytest.raises(ValueError):
        Losses(availability_pct=120).factor()


def test_roughness_table_is_sourced_and_complete():
    t = load_roughness_table()
    assert t.osm["landuse=forest"] > t.osm["landuse=farmland"] > t.osm["natural=water"]
    assert len(t.corine) == 44 and t.corine[211] == 0.05
    assert t.sources and t.default_m == 0.05


needs_sample = pytest.mark.skipif(not GPKG.exists(), reason="sample_layers/revier_sample.gpkg missing")


def _run(tmp_path, rasters, **settings):
    aoi = AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Zörbig", "Landsberg"))
    out = WindYieldOutputs(tmp_path / "aep.tif", tmp_path / "flh.tif", tmp_path / "ws.tif", tmp_path / "t.csv")
    layers = {"landuse": LayerRef(str(GPKG), "landuse"), "water": LayerRef(str(GPKG), "water")}
    return run_wind_yield("E-141/4200", aoi, rasters, layers, out,
                          WindYieldSettings(resolution_m=100.0, hub_height_m=159.0, **settings)), out


@needs_sample
def test_full_load_hours_e141_with_try_region_4(tmp_path):
    """E-141/4200 at 159 m, TRY region 4 wind extrapolated over the sample's land use: 2,000–2,800 h."""
    res, out = _run(tmp_path, {"dem": SAMPLE / "dem.tif"}, resource=WindResourceSettings(weather="4"))
    assert res.resource_model == "reference_wind" and "region 4" in res.climate.name
    assert 2000 <= res.mean_full_load_hours <= 2800
    with rasterio.open(out.full_load_hours) as src:
        flh = src.read(1, masked=True)
        assert src.crs.to_epsg() == 25832 and "MWh" not in src.tags()["WIP_UNIT"]
    assert 1500 < flh.min() and flh.max() < 3000
    with rasterio.open(out.energy) as src:
        energy = src.read(1, masked=True)
    np.testing.assert_allclose(energy / 4.2, flh, rtol=1e-5)


@needs_sample
def test_resource_models_agree_roughly_and_shear_path_uses_both_rasters(tmp_path):
    shear, _ = _run(tmp_path, {"wind_speed_100m": SAMPLE / "wind_speed_100m.tif",
                               "wind_speed_150m": SAMPLE / "wind_speed_150m.tif", "dem": SAMPLE / "dem.tif"})
    one, _ = _run(tmp_path, {"wind_speed_150m": SAMPLE / "wind_speed_150m.tif"})
    assert shear.resource_model == "shear" and one.resource_model == "log_law"
    assert 6.0 < shear.mean_wind_speed_m_s < 7.2
    assert one.mean_wind_speed_m_s == pytest.approx(shear.mean_wind_speed_m_s, rel=0.05)
    with open(tmp_path / "t.csv", encoding="utf-8") as fh:
        assert fh.readline().startswith("name,ags,area_ha,mean_wind_speed_m_s")


@needs_sample
def test_cancel_leaves_no_file(tmp_path, cancel_after):
    aoi = AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Zörbig",))
    with pytest.raises(Cancelled):
        run_wind_yield("E-141/4200", aoi, {"wind_speed_150m": SAMPLE / "wind_speed_150m.tif"}, {},
                       WindYieldOutputs(tmp_path / "aep.tif"), WindYieldSettings(resolution_m=100.0), cancel_after(0))
    assert list(tmp_path.iterdir()) == []


@needs_sample
def test_weibull_k_raster_agrees_with_the_constant(tmp_path):
    """A k raster of 2.0 everywhere gives what k = 2.0 gives (the two table paths agree)."""
    import rasterio

    with rasterio.open(SAMPLE / "wind_speed_150m.tif") as src:
        profile = src.profile
        profile.update(dtype="float32", nodata=-9999.0)
        with rasterio.open(tmp_path / "k.tif", "w", **profile) as dst:
            dst.write(np.full((src.height, src.width), 2.0, np.float32), 1)
    rasters = {"wind_speed_150m": SAMPLE / "wind_speed_150m.tif"}
    const, out1 = _run(tmp_path / "a", rasters)
    k_raster = WindResourceSettings(weibull_k_raster=str(tmp_path / "k.tif"))
    raster, out2 = _run(tmp_path / "b", rasters, resource=k_raster)
    assert raster.weibull_k is None
    with rasterio.open(out1.energy) as a, rasterio.open(out2.energy) as b:
        np.testing.assert_allclose(b.read(1, masked=True), a.read(1, masked=True), rtol=2e-3)


def test_wind_only_try_reader_equals_load_try():
    """The fallback reader (used where pvlib cannot be imported) gives the same wind climate."""
    from wip_qgis_plugin.core.data.weather import load_try
    from wip_qgis_plugin.core.wind.resource import climate_from_weather

    full, light = climate_from_weather(load_try(4)), climate_from_weather(load_try(4, irradiance=False))
    assert light == full
