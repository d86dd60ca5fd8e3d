"""Suitability: catalogue sections, rasters on the grid, and run_suitability on a tiny synthetic region."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
import yaml
from affine import Affine
from conftest import CRS, X0, Y0
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from rasterio.features import rasterize

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, run_eligibility
from wip_qgis_plugin.core.errors import Cancelled, CatalogueError, InputError
from wip_qgis_plugin.core.data.raster_grid import Grid, Window
from wip_qgis_plugin.core.data.layers import ROLES, LayerRef
from wip_qgis_plugin.core.progress import NullProgress
from wip_qgis_plugin.core.data.rasters import (
    RASTER_ROLES,
    RasterRef,
    aspect_deg,
    check_raster,
    read_on_grid,
    role_values,
    slope_deg,
)
from wip_qgis_plugin.core.suitability.engine import (
    SCORE_NODATA,
    SensitivitySettings,
    SuitabilityOutputs,
    SuitabilitySettings,
    run_suitability,
)

RES = 50.0
BASE = {
    "schema": "wip-catalogue/1", "id": "suit_test", "version": "1", "technology": "wind",
    "title": {"de": "Test", "en": "Test"},
    "criteria": [{"id": "village", "label": {"de": "Dorf", "en": "Village"}, "kind": "hard", "layer": "landuse",
                  "filter": {"landuse": ["residential"]}, "buffer": "500 m", "source": "test source",
                  "valid_from": "2020-01-01"}],
}


def soft(cid, inp, vf, weight=1.0, **extra):
    return {"id": cid, "label": {"de": cid, "en": cid}, "input": inp, "value_function": vf, "weight": weight,
            "source": "modelling assumption for the test", **extra}


ROAD_SCORE = soft("road", {"distance_to": {"layer": "roads", "filter": {"highway": ["motorway"]}}},
                  {"type": "linear", "from": "0 m", "to": "2000 m"})
SUIT = {
    "aggregation": "weighted_linear", "weighting": "direct",
    "criteria": [
        soft("wind", {"raster": "wind_speed_150m"}, {"type": "linear", "from": "5.5 m/s", "to": "7 m/s"}, 0.4),
        soft("road", {"distance_to": {"layer": "roads", "filter": {"highway": ["motorway", "track"]}}},
             {"type": "linear", "from": "2 km", "to": "0 m"}, 0.3),
        soft("slope", {"raster": "slope"}, {"type": "linear", "from": "15 °", "to": "5 °"}, 0.2),
        soft("aspect", {"raster": "aspect"}, {"type": "piecewise", "points": [["0 °", 0.5], ["180 °", 1],
                                                                              ["360 °", 0.5]]},
             0.1, missing_score=1.0),
    ],
}


def write_catalogue(tmp: Path, suitability: dict | None, name: str = "cat.yaml") -> Path:
    raw = dict(BASE)
    if suitability is not None:
        raw["suitability"] = suitability
    path = tmp / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def write_raster(path: Path, data: np.ndarray, transform: Affine, crs: str | None, nodata=None) -> RasterRef:
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype, crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(data, 1)
    return RasterRef(str(path))


def dem_raster(tmp: Path, gradient_north: float = 0.05) -> RasterRef:
    """A plane rising to the north (faces south), 20 m pixels, reaching 2 km around the region."""
    r = 20.0
    x0, y1 = X0 - 2000, Y0 + 5000
    w, h = int(12000 / r), int(7000 / r)
    yc = y1 - (np.arange(h) + 0.5) * r
    z = 100.0 + gradient_north * (yc - Y0)
    return write_raster(tmp / "dem.tif", np.repeat(z[:, None], w, axis=1).astype("float32"),
                        Affine(r, 0, x0, 0, -r, y1), CRS)


def wind_raster_wgs84(tmp: Path) -> tuple[RasterRef, tuple[float, float]]:
    """Wind speed rising eastwards from 5.5 to 7.0 m/s, in EPSG:4326 (reprojected on reading)."""
    t = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    lon0, lat0, lon1, lat1 = t.transform_bounds(X0 - 1500, Y0 - 1500, X0 + 9500, Y0 + 4500)
    w, h = 400, 200
    lon = lon0 + (np.arange(w) + 0.5) * (lon1 - lon0) / w
    ws = 5.5 + 1.5 * (lon - lon0) / (lon1 - lon0)
    data = np.repeat(ws[None, :], h, axis=0).astype("float32")
    data[:40, :40] = -9999.0  # a nodata corner outside the region
    tr = Affine((lon1 - lon0) / w, 0, lon0, 0, -(lat1 - lat0) / h, lat1)
    return write_raster(tmp / "wind.tif", data, tr, "EPSG:4326", nodata=-9999.0), (lon0, lon1)


@pytest.fixture
def scored_region(small_region):
    """The small region with an eligibility run (50 m), a DEM and a wind-speed raster."""
    tmp = small_region["tmp"]
    cat = load_catalogue(write_catalogue(tmp, SUIT))
    layers = small_region["layers"]
    outs = EligibilityOutputs(tmp / "elig.tif", polygons=tmp / "areas.gpkg")
    res = run_eligibility(cat, layers, AreaOfInterest(layers["municipalities"]), outs,
                          EligibilitySettings(resolution_m=RES, kinds=("hard",), min_area_ha=0.0, workers=1))
    wind, _ = wind_raster_wgs84(tmp)
    return {**small_region, "catalogue": cat, "eligibility": res,
            "rasters": {"dem": dem_raster(tmp), "wind_speed_150m": wind},
            "areas": LayerRef(str(tmp / "areas.gpkg"), "eligible_areas")}


def read(path: Path) -> np.ndarray:
    with rasterio.open(path) as ds:
        return ds.read(1)


def pixel_centres(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    r = grid.resolution_m
    xs = grid.left + (np.arange(grid.width) + 0.5) * r
    ys = grid.top - (np.arange(grid.height) + 0.5) * r
    return np.meshgrid(xs, ys)


# ----------------------------------------------------------------- catalogue
def test_every_preset_has_a_sourced_suitability_section():
    for pid in ("wind_sachsen_anhalt", "wind_sachsen", "wind_thueringen", "pv_ground"):
        cat = load_catalogue(pid)
        spec = cat.suitability
        assert spec is not None and len(spec.criteria) >= 4, pid
        assert sum(spec.weights()) == pytest.approx(1.0)
        assert set(spec.raster_roles()) <= set(RASTER_ROLES) and set(spec.layer_roles()) <= set(ROLES)
        for c in spec.criteria:
            assert c.label.de and c.label.en and len(cat.source_text(c.source)) > 20, (pid, c.id)
            assert 0.0 <= float(c.value_function(c.value_function.reach())) <= 1.0
    wind = load_catalogue("wind_sachsen_anhalt").suitability
    assert wind.criterion("wind_speed").input.raster == "wind_speed_150m"
    assert wind.criterion("settlement_distance").value_function(1500.0) == pytest.approx(0.5)
    pv = load_catalogue("pv_ground").suitability
    soil = pv.criterion("soil_quality").value_function
    assert (soil(20), soil(30), soil(40), soil(50), soil(65), soil(95)) == pytest.approx((1, 1, 0.75, 0.5, 0.25, 0))
    assert pv.criterion("slope").value_function(10.0) == pytest.approx(0.5)


def test_exclusion_overrides_keep_the_suitability_section():
    cat = load_catalogue("wind_sachsen_anhalt").with_overrides({"settlements_soft": {"buffer": "800 m"}})
    assert cat.suitability == load_catalogue("wind_sachsen_anhalt").suitability


def test_broken_suitability_section_reports_every_problem(tmp_path):
    bad = {
        "aggregation": "weighted_lineer", "weighting": "direct", "colour": "red",
        "criteria": [
            soft("wind", {"raster": "wind_speed_15m"}, {"type": "linear", "from": "5 m/s", "to": "7 m/s"}),
            soft("road", {"distance_to": {"layer": "road", "filter": {}}}, {"type": "linear", "from": 1, "to": 2}),
            {**soft("slope", {"raster": "slope"}, {"type": "linear", "from": "5 m", "to": "1 m"}), "source": ""},
            {k: v for k, v in soft("soil", {"raster": "soil_quality"}, {"type": "sigmoid", "midpoint": 40,
                                                                           "width": 5}).items() if k != "weight"},
            soft("wind", {"raster": "dem"}, {"type": "step", "thresholds": ["1 m"], "scores": [0, 1]}, weight=-1),
        ],
    }
    with pytest.raises(CatalogueError) as err:
        load_catalogue(write_catalogue(tmp_path, bad))
    problems = err.value.problems
    text = "\n".join(problems)
    for needle in (
        "suitability.aggregation: 'weighted_lineer'", "did you mean 'weighted_linear'",
        "suitability.colour: unknown key",
        "suitability.criteria[0] (wind).input.raster: 'wind_speed_15m'", "did you mean 'wind_speed_150m'",
        "suitability.criteria[1] (road).input.distance_to.layer: 'road'", "did you mean 'roads'",
        "suitability.criteria[2] (slope).value_function: '5 m' is a length",
        "suitability.criteria[2] (slope).source: required",
        "suitability.criteria[3] (soil).weight: required",
        "suitability.criteria[4] (wind).id: 'wind' is used twice",
        "suitability.criteria[4] (wind).weight: -1",
    ):
        assert needle in text, needle
    assert len(problems) >= 9


def test_ahp_weighting_in_a_user_file(tmp_path):
    user = tmp_path / "ahp.yaml"
    user.write_text(yaml.safe_dump({
        "extends": "wind_sachsen_anhalt", "id": "ahp_test", "version": "1",
        "suitability": {"weighting": "ahp", "remove": ["road_access"], "ahp": [
            ["wind_speed", "settlement_distance", 2], ["wind_speed", "grid_distance", 4],
            ["settlement_distance", "grid_distance", 2]]},
    }), encoding="utf-8")
    spec = load_catalogue(user).suitability
    assert spec.ids == ("wind_speed", "settlement_distance", "grid_distance")
    np.testing.assert_allclose(spec.weights(), [4 / 7, 2 / 7, 1 / 7], atol=1e-12)
    assert spec.ahp_result().consistency_ratio == pytest.approx(0.0, abs=1e-12)

    user.write_text(yaml.safe_dump({
        "extends": "wind_sachsen_anhalt", "id": "ahp_test", "version": "1",
        "suitability": {"weighting": "ahp", "ahp": [
            ["wind_speed", "settlement_distance", "1/3"], ["wind_speed", "grid_distnace", 4],
            ["wind_speed", "road_access", 12]]},
    }), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(user)
    text = "\n".join(err.value.problems)
    assert "suitability.ahp[1]: 'grid_distnace' is not a suitability criterion (did you mean 'grid_distance'?)" in text
    assert "suitability.ahp[2]: 12 lies outside Saaty's scale" in text


def test_suitability_overrides():
    cat = load_catalogue("wind_sachsen_anhalt")
    new = cat.with_suitability_overrides({"aggregation": "weighted_geometric", "weights": {"wind_speed": 0.85},
                                          "criteria": {"road_access": None}})
    spec = new.suitability
    assert spec.aggregation == "weighted_geometric" and "road_access" not in spec.ids
    np.testing.assert_allclose(spec.weights(), [0.85 / 1.3, 0.25 / 1.3, 0.2 / 1.3])
    pairs = [["wind_speed", "settlement_distance", 3], ["wind_speed", "grid_distance", 3],
             ["wind_speed", "road_access", 5], ["settlement_distance", "grid_distance", 1],
             ["settlement_distance", "road_access", 2], ["grid_distance", "road_access", 2]]
    ahp = cat.with_suitability_overrides({"weighting": "ahp", "ahp": pairs}).suitability.ahp_result()
    assert ahp.weights[0] == max(ahp.weights) and ahp.consistent
    with pytest.raises(CatalogueError, match="did you mean 'wind_speed'"):
        cat.with_suitability_overrides({"weights": {"wind_sped": 1}})


# ----------------------------------------------------------------- rasters
def test_slope_and_aspect_literal_values():
    yy, xx = np.mgrid[0:5, 0:6].astype(float)
    r = 10.0
    east_up = xx * r * 0.1             # rises to the east: faces west
    np.testing.assert_allclose(slope_deg(east_up, r), math.degrees(math.atan(0.1)), rtol=1e-6)
    np.testing.assert_allclose(aspect_deg(east_up, r), 270.0, atol=1e-4)
    north_up = -yy * r * 1.0           # rows run south: rises to the north, faces south, 45°
    np.testing.assert_allclose(slope_deg(north_up, r), 45.0, rtol=1e-6)
    np.testing.assert_allclose(aspect_deg(north_up, r), 180.0, atol=1e-4)
    assert np.isnan(aspect_deg(np.full((4, 4), 7.0), r)).all()
    assert np.isnan(aspect_deg(xx * r * 0.01, r)).all()   # 0.57°: flatter than 1°, no aspect
    assert slope_deg(np.zeros((0, 0)), r).shape == (0, 0)


def test_rasters_in_any_crs_onto_the_grid(tmp_path):
    grid = Grid.aligned((X0, Y0, X0 + 8000, Y0 + 3000), 100.0)
    crs = ProjCRS.from_user_input(CRS)
    wind, (lon0, lon1) = wind_raster_wgs84(tmp_path)
    check_raster(wind, "wind_speed_150m", grid, crs)
    ws = read_on_grid(wind, grid, Window(0, 0, grid.height, grid.width), crs)
    assert not np.isnan(ws).any()
    gx, gy = pixel_centres(grid)
    lon, _ = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(gx, gy)
    np.testing.assert_allclose(ws, 5.5 + 1.5 * (lon - lon0) / (lon1 - lon0), atol=0.01)
    dem = dem_raster(tmp_path)
    z = role_values("dem", {"dem": dem}, grid, Window(0, 0, grid.height, grid.width), crs)
    np.testing.assert_allclose(z, 100.0 + 0.05 * (gy - Y0), atol=1e-3)
    slope = role_values("slope", {"dem": dem}, grid, Window(5, 5, 10, 20), crs)
    np.testing.assert_allclose(slope, math.degrees(math.atan(0.05)), rtol=1e-4)
    aspect = role_values("aspect", {"dem": dem}, grid, Window(0, 0, grid.height, grid.width), crs)
    np.testing.assert_allclose(aspect, 180.0, atol=0.01)   # edges included: the ring repeats the edge
    # nodata becomes NaN
    off = Grid.aligned((X0 - 1500, Y0 + 4000, X0 - 1000, Y0 + 4500), 100.0)
    assert np.isnan(read_on_grid(wind, off, Window(0, 0, off.height, off.width), crs)).any()


def test_raster_errors(tmp_path):
    grid = Grid.aligned((X0, Y0, X0 + 8000, Y0 + 3000), 100.0)
    crs = ProjCRS.from_user_input(CRS)
    small = write_raster(tmp_path / "small.tif", np.ones((10, 10), "float32"), Affine(100, 0, X0, 0, -100, Y0 + 3000),
                         CRS)
    with pytest.raises(InputError, match="does not cover the area of interest"):
        check_raster(small, "dem", grid, crs)
    nocrs = write_raster(tmp_path / "nocrs.tif", np.ones((40, 90), "float32"),
                         Affine(100, 0, X0 - 100, 0, -100, Y0 + 3100), None)
    with pytest.raises(InputError, match="no coordinate reference system"):
        check_raster(nocrs, "dem", grid, crs)
    with pytest.raises(InputError, match="does not exist"):
        check_raster(RasterRef(str(tmp_path / "missing.tif")), "dem", grid, crs)
    with pytest.raises(InputError, match="'slope' or a 'dem' raster"):
        role_values("slope", {}, grid, Window(0, 0, 2, 2), crs)


# ----------------------------------------------------------------- run_suitability
def test_scores_only_on_eligible_pixels_and_sites_ranked(scored_region, tmp_path):
    reg = scored_region
    out = tmp_path / "out"
    outs = SuitabilityOutputs(out / "suit.tif", sites=out / "sites.gpkg", sites_table=out / "sites.csv",
                              stability=out / "stab.tif")
    sens = SensitivitySettings(runs=20, perturbation=0.3, top_pct=10.0, seed=1)
    res = run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, reg["tmp"] / "elig.tif", outs,
                          SuitabilitySettings(tile_px=32, sensitivity=sens), NullProgress(),
                          eligible_areas=reg["areas"])
    elig, suit, stab = read(reg["tmp"] / "elig.tif"), read(outs.suitability), read(outs.stability)
    assert (elig == 1).sum() > 100 and (elig == 0).sum() > 100
    np.testing.assert_array_equal(suit != SCORE_NODATA, elig == 1)   # all inputs are defined here
    assert suit[suit != SCORE_NODATA].max() <= 100
    np.testing.assert_array_equal(stab != SCORE_NODATA, suit != SCORE_NODATA)
    assert stab[stab != SCORE_NODATA].max() <= 100
    assert res.scored_ha == pytest.approx((elig == 1).sum() * RES * RES / 1e4)
    assert res.mean_score == pytest.approx(suit[suit != SCORE_NODATA].mean(), abs=0.5)
    assert res.weights == pytest.approx((0.4, 0.3, 0.2, 0.1))
    assert res.criterion_means["slope"] == pytest.approx(1.0) and res.criterion_means["aspect"] == pytest.approx(1.0)
    assert len(res.top_thresholds) == 20

    # sites: every scored pixel belongs to one polygon (min area 0); mean equals the raster mean inside
    sites = res.sites
    assert sum(s.n_pixels for s in sites) == (elig == 1).sum()
    assert sorted(s.rank for s in sites) == list(range(1, len(sites) + 1))
    assert [s.rank for s in sites] == list(range(1, len(sites) + 1))
    means = [s.mean for s in sites]
    assert all(a >= b for a, b in zip(means, means[1:]))
    import geopandas as gpd

    frame = gpd.read_file(outs.sites, layer="candidate_sites")
    assert len(frame) == len(sites) and list(frame["rank"]) == [s.rank for s in sites]
    grid = res.grid
    for s, geom in zip(sites[:5], frame.geometry.values[:5]):
        inside = rasterize([(geom, 1)], out_shape=suit.shape, transform=grid.transform, fill=0).astype(bool)
        assert inside.sum() == s.n_pixels
        assert s.mean == pytest.approx(suit[inside].mean(), abs=0.5)
        assert s.p10 <= s.p50 <= s.p90 and s.rank_min <= s.rank_max
    assert (out / "sites.csv").read_text(encoding="utf-8").startswith("rank,site_id,name,ags,area_ha")
    assert not list(out.glob(".*part*"))


def test_scores_follow_the_value_function_of_the_exact_distance(scored_region, tmp_path):
    """Spy on the pipeline with one distance criterion: the raster score is the value function of the
    distance to the road, within the distance error (≤ half a pixel diagonal; coarse cells for long reach)."""
    reg = scored_region
    road = reg["frames"]["roads"]
    line = road.geometry.values[road["highway"].to_numpy() == "motorway"][0]
    for reach_m, tol_px in ((2000.0, 0.5 * math.sqrt(2)), (40000.0, 1.5 * math.sqrt(2))):
        crit = {**ROAD_SCORE, "value_function": {"type": "linear", "from": "0 m", "to": f"{reach_m:g} m"}}
        cat = load_catalogue(write_catalogue(tmp_path, {"criteria": [crit]}, f"one_{int(reach_m)}.yaml"))
        out = tmp_path / f"one_{int(reach_m)}.tif"
        res = run_suitability(cat, reg["layers"], {}, None, reg["tmp"] / "elig.tif", SuitabilityOutputs(out),
                              SuitabilitySettings(tile_px=40))
        suit = read(out)
        gx, gy = pixel_centres(res.grid)
        ok = suit != SCORE_NODATA
        exact = shapely.distance(shapely.points(gx[ok], gy[ok]), line)
        expected = 100.0 * np.clip(exact / reach_m, 0, 1)
        assert np.abs(suit[ok] - expected).max() <= 100.0 * tol_px * RES / reach_m + 0.5 + 1e-6


def test_sensitivity_without_perturbation_is_all_or_nothing(scored_region, tmp_path):
    reg = scored_region
    outs = SuitabilityOutputs(tmp_path / "s.tif", stability=tmp_path / "stab.tif")
    run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, reg["tmp"] / "elig.tif", outs,
                    SuitabilitySettings(tile_px=64, sensitivity=SensitivitySettings(runs=5, perturbation=0.0,
                                                                                   top_pct=10.0)))
    stab = read(outs.stability)
    vals = stab[stab != SCORE_NODATA]
    assert set(np.unique(vals)) <= {0, 100}
    assert 0.10 <= (vals == 100).mean() <= 0.3
    suit = read(outs.suitability)[stab != SCORE_NODATA]
    assert suit[vals == 100].min() >= suit[vals == 0].max() - 1   # the top set holds the best scores


def test_aoi_subset_and_geometric_aggregation(scored_region, tmp_path):
    reg = scored_region
    cat = reg["catalogue"].with_suitability_overrides({"aggregation": "weighted_geometric"})
    out = tmp_path / "west.tif"
    aoi = AreaOfInterest(reg["layers"]["municipalities"], names=("Westdorf",))
    res = run_suitability(cat, reg["layers"], reg["rasters"], aoi, reg["tmp"] / "elig.tif",
                          SuitabilityOutputs(out, sites_table=tmp_path / "w.csv"), SuitabilitySettings(tile_px=50),
                          eligible_areas=reg["areas"])
    suit = read(out)
    gx, _ = pixel_centres(res.grid)
    assert (suit[gx > X0 + 4000] == SCORE_NODATA).all() and (suit[gx < X0 + 4000] != SCORE_NODATA).any()
    assert res.aggregation == "weighted_geometric"
    assert {s.name for s in res.sites} == {"Westdorf"}




def test_cancel_leaves_no_output(scored_region, tmp_path, cancel_after):
    reg = scored_region
    out = tmp_path / "cancel"
    outs = SuitabilityOutputs(out / "s.tif", sites=out / "s.gpkg", stability=out / "st.tif")
    with pytest.raises(Cancelled):
        run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, reg["tmp"] / "elig.tif", outs,
                        SuitabilitySettings(tile_px=32, sensitivity=SensitivitySettings(runs=3)), cancel_after(12),
                        eligible_areas=reg["areas"])
    assert not [p for p in out.iterdir()] if out.exists() else True


def test_input_errors(scored_region, tmp_path):
    reg = scored_region
    elig = reg["tmp"] / "elig.tif"
    outs = SuitabilityOutputs(tmp_path / "x.tif")
    no_suit = load_catalogue(write_catalogue(tmp_path, None, "nosuit.yaml"))
    with pytest.raises(InputError, match="no 'suitability:' section"):
        run_suitability(no_suit, reg["layers"], reg["rasters"], None, elig, outs)
    with pytest.raises(InputError, match="'wind_speed_150m'"):
        run_suitability(reg["catalogue"], reg["layers"], {"dem": reg["rasters"]["dem"]}, None, elig, outs)
    with pytest.raises(InputError, match="need the layer role"):
        run_suitability(reg["catalogue"], {}, reg["rasters"], None, elig, outs)
    with pytest.raises(InputError, match="stability raster needs a sensitivity"):
        run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, elig,
                        SuitabilityOutputs(tmp_path / "x.tif", stability=tmp_path / "st.tif"))
    with pytest.raises(InputError, match="eligible-area polygons"):
        run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, elig,
                        SuitabilityOutputs(tmp_path / "x.tif", sites=tmp_path / "s.gpkg"))
    with pytest.raises(InputError, match="run the eligibility analysis first"):
        run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, tmp_path / "none.tif", outs)
    assert not (tmp_path / "x.tif").exists()


def test_no_eligible_area_writes_an_empty_site_layer_of_polygons(scored_region, tmp_path):
    """Zero is a result: an eligible-area layer without features gives a candidate_sites layer of 0
    MultiPolygons (not one of unknown geometry, which QGIS neither draws nor styles)."""
    import geopandas as gpd
    import pyogrio

    from wip_qgis_plugin.core.data.outputs import write_vector

    reg = scored_region
    areas = gpd.read_file(reg["areas"].path, layer="eligible_areas").iloc[:0]
    write_vector(tmp_path / "none.gpkg", areas, "eligible_areas", "MultiPolygon")
    outs = SuitabilityOutputs(tmp_path / "s.tif", sites=tmp_path / "sites.gpkg", sites_table=tmp_path / "sites.csv")
    res = run_suitability(reg["catalogue"], reg["layers"], reg["rasters"], None, reg["tmp"] / "elig.tif", outs,
                          SuitabilitySettings(tile_px=64), NullProgress(),
                          eligible_areas=LayerRef(str(tmp_path / "none.gpkg"), "eligible_areas"))
    assert res.sites == ()
    info = pyogrio.read_info(outs.sites, layer="candidate_sites")
    assert info["geometry_type"] == "MultiPolygon" and int(info["features"]) == 0
    assert (tmp_path / "sites.csv").read_text(encoding="utf-8").strip().startswith("rank,site_id,name,ags,area_ha")


def test_eligibility_grid_reads_the_grid_and_refuses_what_is_not_one(tmp_path):
    """The one reader of an eligibility raster's grid (suitability and solar both call it)."""
    from wip_qgis_plugin.core.data.rasters import eligibility_grid

    data = np.zeros((3, 4), dtype="uint8")
    write_raster(tmp_path / "ok.tif", data, Affine(25.0, 0, 1000.0, 0, -25.0, 2000.0), CRS)
    grid, crs = eligibility_grid(tmp_path / "ok.tif")
    assert (grid.left, grid.top, grid.resolution_m, grid.width, grid.height) == (1000.0, 2000.0, 25.0, 4, 3)
    assert crs.to_epsg() == ProjCRS(CRS).to_epsg()
    write_raster(tmp_path / "rect.tif", data, Affine(25.0, 0, 1000.0, 0, -20.0, 2000.0), CRS)
    with pytest.raises(InputError, match="is not a north-up grid with square pixels"):
        eligibility_grid(tmp_path / "rect.tif")
    write_raster(tmp_path / "nocrs.tif", data, Affine(25.0, 0, 1000.0, 0, -25.0, 2000.0), None)
    with pytest.raises(InputError, match="has no CRS"):
        eligibility_grid(tmp_path / "nocrs.tif")
    write_raster(tmp_path / "deg.tif", data, Affine(0.1, 0, 11.0, 0, -0.1, 52.0), "EPSG:4326")
    with pytest.raises(InputError, match="geographic"):
        eligibility_grid(tmp_path / "deg.tif")
    with pytest.raises(InputError, match="does not exist; run the eligibility analysis first"):
        eligibility_grid(tmp_path / "none.tif")
