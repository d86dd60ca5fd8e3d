"""The immission job on a small drawn village: receptors, area types, limits met, pre-load, outputs, refusals."""
from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from conftest import LogRecorder

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.wind.immission import (
    ImmissionOutputs,
    ImmissionSettings,
    ModeReduction,
    grid_convergence_deg,
    metres,
    run_immission,
)

CRS = "EPSG:25832"
X0, Y0 = 700_000.0, 5_720_000.0
#: ISO 9613-2 / Interimsverfahren, written out here (not the engine's code): absorption [dB/km] per band,
#: the shipped generic spectrum [dB] (normalised below), A_gr = −3 dB, surcharge 1.28·√(0.5² + 1.2² + 1.0²).
ALPHA = [0.1, 0.4, 1.0, 1.9, 3.7, 9.7, 32.8, 117.0]
SHAPE = [-18.4, -12.4, -8.4, -5.9, -5.6, -7.4, -12.4, -21.9]
SURCHARGE = 1.28 * math.sqrt(0.25 + 1.44 + 1.0)


def oracle_level(sources, receptor):
    """Rated level at a receptor [dB(A)] from (x, y, z, L_WA) sources, by the formula."""
    norm = 10 * math.log10(sum(10 ** (v / 10) for v in SHAPE))
    total = 0.0
    for x, y, z, lw in sources:
        d = math.dist((x, y, z), receptor)
        for shape, alpha in zip(SHAPE, ALPHA):
            total += 10 ** ((lw + shape - norm - (20 * math.log10(d) + 11) - alpha * d / 1000 + 3) / 10)
    return 10 * math.log10(total) + SURCHARGE


def village(tmp_path: Path, existing: bool = False, area_field: bool = False) -> dict[str, LayerRef]:
    """A residential area with three houses 800–900 m west of the farm, a farmhouse in the open 1,000 m east."""
    g = tmp_path / "layers.gpkg"
    houses = [shapely.box(X0 - 900, Y0 + k * 40, X0 - 880, Y0 + k * 40 + 12) for k in range(3)]
    farm = shapely.box(X0 + 1400, Y0 + 300, X0 + 1415, Y0 + 312)
    shed = shapely.box(X0 + 1300, Y0 - 500, X0 + 1310, Y0 - 490)
    b = gpd.GeoDataFrame({"building": ["house"] * 3 + ["farm", "shed"]}, geometry=[*houses, farm, shed], crs=CRS)
    if area_field:
        b["area_type"] = ["WR", "WR", "WR", None, None]
    b.to_file(g, layer="buildings", driver="GPKG")
    gpd.GeoDataFrame({"landuse": ["residential", "farmland"]},
                     geometry=[shapely.box(X0 - 1100, Y0 - 100, X0 - 850, Y0 + 300),
                               shapely.box(X0 + 1000, Y0 - 1000, X0 + 3000, Y0 + 1000).difference(farm.buffer(5))],
                     crs=CRS).to_file(g, layer="landuse", driver="GPKG")
    layers = {"buildings": LayerRef(str(g), "buildings"), "landuse": LayerRef(str(g), "landuse")}
    if existing:
        gpd.GeoDataFrame({"height:hub": ["100 m"], "rotor:diameter": ["82"]},
                         geometry=[shapely.Point(X0 - 1500, Y0 + 900)], crs=CRS).to_file(
            g, layer="wind_turbines", driver="GPKG")
        layers["wind_turbines"] = LayerRef(str(g), "wind_turbines")
    return layers


def farm(tmp_path: Path) -> LayerRef:
    """Three new turbines (hub 160 m, rotor 140 m, 4.2 MW, 10 GWh/a each) in a row north–south at x = X0."""
    path = tmp_path / "turbines.gpkg"
    gpd.GeoDataFrame({"turbine_id": ["T1", "T2", "T3"], "hub_height_m": [160.0] * 3, "rotor_diameter_m": [140.0] * 3,
                      "capacity_mw": [4.2] * 3, "energy_mwh_per_a": [10_000.0] * 3},
                     geometry=[shapely.Point(X0, Y0 + k) for k in (-400.0, 0.0, 400.0)], crs=CRS).to_file(
        path, layer="turbines", driver="GPKG")
    return LayerRef(str(path), "turbines")


def outputs(tmp_path: Path) -> ImmissionOutputs:
    o = tmp_path / "out"
    return ImmissionOutputs(o / "receptors.gpkg", o / "turbines.gpkg", o / "noise.tif", o / "contours.gpkg",
                            o / "shadow.tif")


MODES = (ModeReduction("SO2", 3.0, 0.93), ModeReduction("SO4", 6.0, 0.82))


def test_village_limits_met_and_levels_equal_the_formula(tmp_path):
    layers = village(tmp_path)
    result = run_immission(farm(tmp_path), layers, outputs(tmp_path), ImmissionSettings(modes=MODES))
    rec = pyogrio.read_dataframe(result.outputs.receptors)
    # the three houses in the residential area (WA, 40 dB(A)) and the farmhouse in the open (AB, 45); no shed
    assert sorted(rec["area_type"]) == ["AB", "WA", "WA", "WA"]
    assert sorted(rec["limit_db"]) == [40.0, 40.0, 40.0, 45.0]
    assert result.area_type_sources == {"landuse": 3, "default": 1}
    # the receptor is the building's point nearest the farm (its façade): 880 m from the middle turbine
    wa = rec[rec["area_type"] == "WA"]
    assert wa.geometry.x.to_numpy() == pytest.approx([X0 - 880.0] * 3)
    # 106 dB(A) unrestricted (rotor ≥ 130 m): the village hears 40.5 dB(A) rated, so the farm is quietened
    before = oracle_level([(X0, Y0 + k, 160.0, 106.0) for k in (-400.0, 0.0, 400.0)], (X0 - 880.0, Y0, 5.0))
    assert before > 40.0
    assert result.noise_met and (rec["level_db"] <= rec["limit_db"] + 1e-9).all()
    turbines = pyogrio.read_dataframe(result.outputs.turbines, layer="turbines")
    power = {"0": 106.0, "SO2": 103.0, "SO4": 100.0}
    sources = [(p.x, p.y, 160.0, power[m]) for p, m in zip(turbines.geometry, turbines["mode"]) if m in power]
    for row in rec.itertuples():
        assert row.level_db == pytest.approx(oracle_level(sources, (row.geometry.x, row.geometry.y, 5.0)), abs=0.01)
    assert result.n_turbines == 3 and result.n_reduced + result.n_night_off >= 1
    lost = 10_000.0 * 3 - turbines["energy_mwh_per_a"].sum()
    assert turbines["energy_before_mwh_per_a"].tolist() == [10_000.0] * 3
    assert lost == pytest.approx(result.energy_mwh_before - result.energy_mwh_after_noise)
    assert lost > 0


def test_a_field_area_type_wins_and_is_stricter(tmp_path):
    """The buildings' area_type field says WR (35 dB(A)): more reduction than WA from the land use."""
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    wa = run_immission(farm(tmp_path / "a"), village(tmp_path / "a"), outputs(tmp_path / "a"),
                       ImmissionSettings(modes=MODES, shadow=False))
    wr = run_immission(farm(tmp_path / "b"), village(tmp_path / "b", area_field=True), outputs(tmp_path / "b"),
                       ImmissionSettings(modes=MODES, shadow=False))
    assert wr.area_types.get("WR") == 3 and wr.area_type_sources["field"] == 3
    assert wr.energy_mwh_after_noise < wa.energy_mwh_after_noise
    rec = pyogrio.read_dataframe(wr.outputs.receptors)
    assert (rec["level_db"] <= rec["limit_db"] + 1e-9).all()


def test_existing_turbines_are_preload(tmp_path):
    without = run_immission(farm(tmp_path), village(tmp_path), outputs(tmp_path),
                            ImmissionSettings(modes=MODES, shadow=False))
    (tmp_path / "e").mkdir()
    layers = village(tmp_path / "e", existing=True)
    with_pre = run_immission(farm(tmp_path / "e"), layers, outputs(tmp_path / "e"),
                             ImmissionSettings(modes=MODES, shadow=False))
    assert with_pre.energy_mwh_after_noise <= without.energy_mwh_after_noise
    rec = pyogrio.read_dataframe(with_pre.outputs.receptors)
    # the old turbine (OSM text "100 m", "82": 103 dB(A) from the table) is heard in the village
    assert np.isfinite(rec.loc[rec["area_type"] == "WA", "preload_db"]).all()
    house = rec[rec["area_type"] == "WA"].iloc[0]
    assert house["preload_db"] == pytest.approx(
        oracle_level([(X0 - 1500.0, Y0 + 900.0, 100.0, 103.0)], (house.geometry.x, house.geometry.y, 5.0)), abs=0.01)


def test_remove_as_last_resort_and_report_only(tmp_path):
    strict = run_immission(farm(tmp_path), village(tmp_path, area_field=True), outputs(tmp_path),
                           ImmissionSettings(shadow=False, last_resort="remove"))
    assert strict.n_removed >= 1 and strict.capacity_mw_after < strict.capacity_mw_before
    kept = pyogrio.read_dataframe(strict.outputs.turbines, layer="turbines")
    removed = pyogrio.read_dataframe(strict.outputs.turbines, layer="removed_turbines")
    assert len(kept) + len(removed) == 3 and len(removed) == strict.n_removed
    assert kept["capacity_mw"].sum() == pytest.approx(strict.capacity_mw_after)
    (tmp_path / "r").mkdir()
    report = run_immission(farm(tmp_path / "r"), village(tmp_path / "r", area_field=True), outputs(tmp_path / "r"),
                           ImmissionSettings(shadow=False, reduce=False))
    assert report.n_kept == 3 and not report.noise_met and report.n_over_noise == 3


def test_shadow_receptors_and_raster(tmp_path):
    result = run_immission(farm(tmp_path), village(tmp_path), outputs(tmp_path), ImmissionSettings(modes=MODES))
    rec = pyogrio.read_dataframe(result.outputs.receptors)
    # the village lies west of the farm: evening sun throws shadow on it; the farmhouse north-east gets morning
    assert (rec.loc[rec["area_type"] == "WA", "shadow_h_per_a"] > 0).all()
    with rasterio.open(result.outputs.shadow_raster) as ds:
        grid = ds.read(1)
        assert "count twice" in ds.tags()["simplifications"]
        # right under the farm's turbines (within the rotor radius) there is no shadow at 3° ... but around them
        assert grid.max() > 30.0
    with rasterio.open(result.outputs.noise_raster) as ds:
        assert ds.tags()["unit"] == "dB(A)" and ds.read(1).max() > 40.0
    contours = pyogrio.read_dataframe(result.outputs.contours)
    assert set(contours["level_db"]) <= {35.0, 40.0, 45.0, 50.0} and len(contours)
    # no temporary file left
    assert not list((tmp_path / "out").glob("*.part*"))


def test_no_buildings_assesses_nothing_and_says_so(tmp_path):
    log = LogRecorder()
    result = run_immission(farm(tmp_path), {}, outputs(tmp_path), ImmissionSettings(), progress=log)
    assert result.n_receptors == 0 and result.n_kept == 3
    assert any("not assessed" in w for w in log.warnings)
    assert pyogrio.read_info(result.outputs.receptors)["features"] == 0


def test_bad_inputs_are_refused_with_the_fix(tmp_path):
    layers = village(tmp_path, area_field=True)
    b = pyogrio.read_dataframe(layers["buildings"].path, layer="buildings")
    b.loc[0, "area_type"] = "Wohngebiet"
    b.to_file(layers["buildings"].path, layer="buildings", driver="GPKG")
    with pytest.raises(InputError, match="Wohngebiet.*TA Lärm"):
        run_immission(farm(tmp_path), layers, outputs(tmp_path), ImmissionSettings())
    with pytest.raises(InputError, match="loudest first"):
        ImmissionSettings(modes=(ModeReduction("a", 4.0, 0.9), ModeReduction("b", 2.0, 0.95))).check()
    with pytest.raises(InputError, match="data sheet"):
        ImmissionSettings(sound_power_db=60.0).check()
    bare = tmp_path / "bare.gpkg"
    gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(X0, Y0)], crs=CRS).to_file(bare, layer="t", driver="GPKG")
    with pytest.raises(InputError, match="hub height and a rotor diameter"):
        run_immission(LayerRef(str(bare), "t"), layers, outputs(tmp_path), ImmissionSettings())
    assert not (tmp_path / "out" / "receptors.gpkg").exists()


def test_multipoint_turbines_and_a_dem_in_another_crs(tmp_path):
    """A MultiPoint of three turbines is three turbines (it was read as none); a DEM in EPSG:25833 is sampled at
    the right place; one that covers nothing is refused, not taken as flat ground."""
    import numpy as np
    from rasterio.transform import from_origin

    layers = village(tmp_path)
    multi = tmp_path / "multi.gpkg"
    gpd.GeoDataFrame({"hub_height_m": [160.0], "rotor_diameter_m": [140.0]},
                     geometry=[shapely.MultiPoint([(X0, Y0 - 400), (X0, Y0), (X0, Y0 + 400)])], crs=CRS).to_file(
        multi, layer="turbines", driver="GPKG")
    result = run_immission(LayerRef(str(multi), "turbines"), layers, outputs(tmp_path), ImmissionSettings(shadow=False))
    assert result.n_turbines == 3
    from pyproj import Transformer

    cx, cy = Transformer.from_crs(CRS, "EPSG:25833", always_xy=True).transform(X0, Y0)
    dem = tmp_path / "dem33.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=200, height=200, count=1, dtype="float32",
                       crs="EPSG:25833", transform=from_origin(cx - 5000, cy + 5000, 50.0, 50.0)) as ds:
        ds.write(np.full((1, 200, 200), 100.0, dtype="float32"))
    (tmp_path / "d").mkdir()
    lifted = run_immission(farm(tmp_path / "d"), village(tmp_path / "d"), outputs(tmp_path / "d"),
                           ImmissionSettings(shadow=False, modes=MODES), {"dem": str(dem)})
    flat = run_immission(farm(tmp_path / "d"), village(tmp_path / "d"), outputs(tmp_path / "d"),
                         ImmissionSettings(shadow=False, modes=MODES))
    assert lifted.max_level_db == pytest.approx(flat.max_level_db, abs=1e-6)   # 100 m everywhere: same geometry
    far = tmp_path / "far.tif"
    with rasterio.open(far, "w", driver="GTiff", width=10, height=10, count=1, dtype="float32", crs=CRS,
                       transform=from_origin(X0 + 500_000, Y0, 50.0, 50.0)) as ds:
        ds.write(np.full((1, 10, 10), 100.0, dtype="float32"))
    with pytest.raises(InputError, match="no value at any turbine"):
        run_immission(farm(tmp_path / "d"), village(tmp_path / "d"), outputs(tmp_path / "d"),
                      ImmissionSettings(shadow=False), {"dem": str(far)})


def test_a_facade_on_the_edge_of_residential_land_is_in_it(tmp_path):
    """The receptor point lies on the building's outline; where that outline touches the residential polygon's
    edge the dwelling is WA, not the laxer AB."""
    g = tmp_path / "edge.gpkg"
    house = shapely.box(X0 - 900, Y0, X0 - 880, Y0 + 12)
    gpd.GeoDataFrame({"building": ["house"]}, geometry=[house], crs=CRS).to_file(g, layer="buildings", driver="GPKG")
    gpd.GeoDataFrame({"landuse": ["residential"]}, geometry=[shapely.box(X0 - 1200, Y0 - 100, X0 - 880, Y0 + 100)],
                     crs=CRS).to_file(g, layer="landuse", driver="GPKG")
    result = run_immission(farm(tmp_path), {"buildings": LayerRef(str(g), "buildings"),
                                            "landuse": LayerRef(str(g), "landuse")}, outputs(tmp_path),
                           ImmissionSettings(shadow=False, modes=MODES))
    assert result.area_types == {"WA": 1}


def test_helpers():
    assert metres(["120", "120 m", "98,5", "x"]).tolist()[:3] == [120.0, 120.0, 98.5]
    lon, lat, conv = grid_convergence_deg(CRS, 726_000.0, 5_722_000.0)
    # UTM 32 at 12.26° E, 51.6° N: γ ≈ Δλ · sin φ = 3.26° · 0.784 ≈ 2.56°
    assert conv == pytest.approx((lon - 9.0) * math.sin(math.radians(lat)), abs=0.02)


@pytest.mark.parametrize("last_resort", ["night_off", "remove"])
def test_shadow_beside_the_noise_equals_one_process(tmp_path, last_resort):
    """With two workers the shadow runs in a forked process beside the noise (where no turbine can be removed),
    else after it: receptors, turbines and totals are those of one process."""
    runs = []
    for workers in (1, 2):
        (tmp_path / str(workers)).mkdir()
        settings = ImmissionSettings(modes=MODES[:1], last_resort=last_resort, workers=workers)
        result = run_immission(farm(tmp_path / str(workers)), village(tmp_path / str(workers), existing=True),
                               ImmissionOutputs(tmp_path / str(workers) / "r.gpkg", tmp_path / str(workers) / "t.gpkg"),
                               settings)
        runs.append((result, pyogrio.read_dataframe(result.outputs.receptors),
                     pyogrio.read_dataframe(result.outputs.turbines, layer="turbines")))
    (one, rec1, tur1), (two, rec2, tur2) = runs
    assert (rec1["shadow_h_per_a"] > 0).any() and one.n_shadow_turbines > 0 and one.n_reduced + one.n_night_off
    for column in ("level_db", "preload_db", "shadow_h_per_a", "shadow_max_min_per_day"):
        assert rec2[column].tolist() == pytest.approx(rec1[column].tolist(), abs=1e-9)
    assert tur2["status"].tolist() == tur1["status"].tolist()
    assert tur2["shadow_loss_mwh_upper"].tolist() == pytest.approx(tur1["shadow_loss_mwh_upper"].tolist())
    assert (two.shadow_energy_mwh_upper, two.max_shadow_hours) == pytest.approx(
        (one.shadow_energy_mwh_upper, one.max_shadow_hours))


def test_the_real_case_is_a_fraction_of_the_astronomical_shadow(tmp_path):
    """With the site's TRY: every receptor's real duration lies between 0 and its astronomical hours, the
    shaded village gets some, and the receptor table carries it against the LAI's 8 h/a."""
    log = LogRecorder()
    result = run_immission(farm(tmp_path), village(tmp_path), outputs(tmp_path),
                           ImmissionSettings(modes=MODES, shadow_real_case=True), progress=log)
    rec = pyogrio.read_dataframe(result.outputs.receptors)
    assert {"shadow_real_h_per_a", "shadow_real_over_limit"} <= set(rec.columns)
    assert (rec["shadow_real_h_per_a"] <= rec["shadow_h_per_a"] + 1e-9).all()
    shaded = rec["shadow_h_per_a"] > 0
    assert (rec.loc[shaded, "shadow_real_h_per_a"] > 0).any()
    assert (rec.loc[shaded, "shadow_real_h_per_a"] < 0.5 * rec.loc[shaded, "shadow_h_per_a"]).all()
    assert (rec.loc[~shaded, "shadow_real_h_per_a"] == 0).all()
    assert (rec["shadow_real_over_limit"] == (rec["shadow_real_h_per_a"] > 8.0)).all()
    assert any("real case" in m and "TRY" in m for m in log.infos)
