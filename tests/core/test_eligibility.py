"""Eligibility engine: exact-geometry oracle, invariants, reach beyond the AOI, mixed CRS, bad input."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
import yaml
from conftest import X0, Y0, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, run_eligibility
from wip_qgis_plugin.core.errors import Cancelled, CatalogueError, InputError

BASE = {
    "schema": "wip-catalogue/1", "id": "test", "version": "1", "technology": "wind",
    "title": {"de": "Test", "en": "Test"},
    "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "test"},
}
CRITERIA = [
    {"id": "village", "kind": "hard", "layer": "landuse", "filter": {"landuse": ["residential"]}, "buffer": "1000 m"},
    {"id": "houses", "kind": "soft", "layer": "buildings", "filter": {"building": ["house"]}, "buffer": "2 H"},
    {"id": "motorway", "kind": "hard", "layer": "roads", "filter": {"highway": ["motorway"]}, "buffer": "100 m"},
    {"id": "forest", "kind": "soft", "layer": "landuse", "filter": {"landuse": ["forest"]}, "buffer": "0 m"},
    {"id": "lake", "kind": "hard", "layer": "water", "filter": {}, "buffer": "65 m"},
    {"id": "nsg", "kind": "hard", "layer": "protected_areas",
     "filter": {"protection_title": ["Naturschutzgebiet"]}, "buffer": "200 m"},
]


def catalogue_file(tmp: Path, criteria: list[dict], name: str = "cat.yaml") -> Path:
    """Write a catalogue with the given criteria (labels, sources and dates filled in)."""
    full = [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "valid_from": "2020-01-01", **c}
            for c in criteria]
    path = tmp / name
    path.write_text(yaml.safe_dump({**BASE, "criteria": full}), encoding="utf-8")
    return path


def run(region: dict, criteria: list[dict], res: float = 10.0, tag: str = "a", **kw):
    tmp = region["tmp"]
    cat = load_catalogue(catalogue_file(tmp, criteria, f"cat_{tag}.yaml"))
    outs = EligibilityOutputs(tmp / f"elig_{tag}.tif", tmp / f"reasons_{tag}.tif",
                              tmp / f"areas_{tag}.gpkg", tmp / f"table_{tag}.csv")
    layers = kw.pop("layers", region["layers"])
    settings = EligibilitySettings(resolution_m=res, **kw)
    aoi = AreaOfInterest(layers["municipalities"])
    return run_eligibility(cat, layers, aoi, outs, settings)


def exact_eligible_ha(region: dict, criteria: list[dict], turbine_h: float = 225.0) -> float:
    """The vector oracle: AOI minus the union of exact buffers (64 segments per quarter)."""
    f = region["frames"]
    aoi = shapely.union_all(f["municipalities"].geometry.values)
    parts = []
    for c in criteria:
        layer = f[c["layer"]]
        sel = np.ones(len(layer), bool)
        for fld, vals in c["filter"].items():
            sel &= layer[fld].astype(str).isin(vals).to_numpy()
        b = c["buffer"]
        dist = 2 * turbine_h if b == "2 H" else float(b.split()[0])
        geoms = layer.geometry.values[sel]
        exact = shapely.buffer(geoms, dist, quad_segs=64) if dist > 0 else geoms
        parts.append(shapely.union_all(exact))
    return shapely.difference(aoi, shapely.union_all(parts)).area / 1e4


@pytest.mark.parametrize("res", [10.0, 25.0])
def test_matches_exact_vector_result(small_region, res):
    result = run(small_region, CRITERIA, res=res, tag=f"r{int(res)}")
    exact = exact_eligible_ha(small_region, CRITERIA)
    assert exact > 100  # the case leaves real eligible land
    assert result.eligible_ha == pytest.approx(exact, rel=0.005)
    assert result.total_ha == pytest.approx(2400.0, rel=1e-9)


def test_setback_is_euclidean_in_every_direction(tmp_path):
    """A single point with a 1000 m setback: excluded pixels form a disc of radius 1000 m."""
    cx, cy = X0 + 2505.0, Y0 + 2505.0
    aoi = frame([shapely.box(X0, Y0, X0 + 5000, Y0 + 5000)], name=["A"])
    pts = frame([shapely.Point(cx, cy)], power=["generator"])
    layers = write_layers(tmp_path / "p.gpkg", {"municipalities": aoi, "wind_turbines": pts})
    crit = [{"id": "p", "kind": "hard", "layer": "wind_turbines", "filter": {}, "buffer": "1000 m"}]
    region = {"tmp": tmp_path, "layers": layers}
    run(region, crit, res=10.0, tag="disc")
    with rasterio.open(tmp_path / "elig_disc.tif") as ds:
        elig = ds.read(1)
        t = ds.transform
    rows, cols = np.nonzero(elig == 0)
    xs = t.c + (cols + 0.5) * t.a
    ys = t.f + (rows + 0.5) * t.e
    d = np.hypot(xs - cx, ys - cy)
    assert d.max() < 1000.0                           # nothing excluded beyond the setback
    rows, cols = np.nonzero(elig == 1)
    d_free = np.hypot(t.c + (cols + 0.5) * t.a - cx, t.f + (rows + 0.5) * t.e - cy)
    assert d_free.min() >= 1000.0                     # nothing within it left eligible
    # the diagonal reaches as far as the axes (no diamond, no square)
    assert (elig == 0).sum() * 100 == pytest.approx(np.pi * 1000 ** 2, rel=0.002)


def test_adding_a_criterion_never_grows_the_eligible_area(small_region):
    areas = [run(small_region, CRITERIA[:k], res=25.0, tag=f"k{k}").eligible_ha for k in range(1, len(CRITERIA) + 1)]
    assert all(b <= a + 1e-9 for a, b in zip(areas, areas[1:]))
    assert areas[-1] < areas[0]


def test_enlarging_a_buffer_never_grows_the_eligible_area(small_region):
    areas = []
    for b in (400, 700, 1000, 1300):
        crit = [dict(CRITERIA[0], buffer=f"{b} m")] + CRITERIA[1:]
        areas.append(run(small_region, crit, res=25.0, tag=f"b{b}").eligible_ha)
    assert all(b < a for a, b in zip(areas, areas[1:]))


def test_feature_outside_the_aoi_reaches_in(small_region):
    nsg_only = [c for c in CRITERIA if c["id"] == "nsg"]
    result = run(small_region, nsg_only, res=10.0, tag="nsg")
    ost = next(m for m in result.municipalities if m.name == "Ostheim")
    # the reserve lies 150 m east of the AOI: 50 m of its 200 m buffer reach in over 1000 m of edge
    expected_ha = 50 * 1000 / 1e4 + 50 * 50 * (1 - np.pi / 4) * 0 / 1e4
    exact = exact_eligible_ha(small_region, nsg_only)
    assert ost.criteria["nsg"].excluded_ha == pytest.approx(2400 - exact, rel=0.02)
    assert ost.criteria["nsg"].excluded_ha > 0.8 * expected_ha


def test_mixed_crs_inputs_give_the_same_result(small_region, tmp_path):
    f = small_region["frames"]
    reprojected = {
        "municipalities": f["municipalities"],
        "landuse": f["landuse"].to_crs(4326),
        "buildings": f["buildings"].to_crs(25833),
        "roads": f["roads"].to_crs(3035),
        "water": f["water"],
        "protected_areas": f["protected_areas"].to_crs(4326),
    }
    layers = write_layers(tmp_path / "mixed.gpkg", reprojected)
    a = run(small_region, CRITERIA, res=25.0, tag="same")
    b = run(small_region, CRITERIA, res=25.0, tag="mixed", layers=layers)
    assert b.eligible_ha == pytest.approx(a.eligible_ha, rel=0.002)


def test_tiles_and_workers_do_not_change_the_result(small_region):
    a = run(small_region, CRITERIA, res=10.0, tag="t1", tile_px=4096, workers=1)
    b = run(small_region, CRITERIA, res=10.0, tag="t2", tile_px=97, workers=2)
    with rasterio.open(a.outputs.eligibility) as da, rasterio.open(b.outputs.eligibility) as db:
        assert np.array_equal(da.read(1), db.read(1))
    with rasterio.open(a.outputs.reasons) as da, rasterio.open(b.outputs.reasons) as db:
        assert np.array_equal(da.read(1), db.read(1))
    pa = gpd.read_file(a.outputs.polygons)
    pb = gpd.read_file(b.outputs.polygons)
    assert len(pa) == len(pb)
    assert pa.area.sum() == pytest.approx(pb.area.sum(), rel=1e-9)


def test_outputs_are_consistent(small_region):
    r = run(small_region, CRITERIA, res=10.0, tag="cons")
    with rasterio.open(r.outputs.eligibility) as ds:
        elig = ds.read(1)
        assert ds.crs.to_epsg() == 25832
        assert ds.nodata == 255
        assert "WIP_CATALOGUE" in ds.tags()
    with rasterio.open(r.outputs.reasons) as ds:
        reasons = ds.read(1)
        tags = ds.tags()
    inside = elig != 255
    assert ((reasons[inside] == 0) == (elig[inside] == 1)).all()
    assert (elig == 1).sum() * 0.01 == pytest.approx(r.eligible_ha)
    bits = {b["id"]: b["value"] for b in r.bits}
    assert set(bits) == {c["id"] for c in CRITERIA}
    assert "BIT_0" in tags
    sidecar = r.outputs.reasons.with_name(r.outputs.reasons.stem + "_bits.json")
    assert sidecar.exists()
    # per-municipality table sums to the AOI and areas are conserved
    assert sum(m.total_ha for m in r.municipalities) == pytest.approx(2400.0)
    for m in r.municipalities:
        for st in m.criteria.values():
            assert 0 <= st.only_this_ha <= st.excluded_ha <= m.total_ha - m.eligible_ha + 1e-9
    table = (r.outputs.table).read_text(encoding="utf-8").splitlines()
    assert table[0].startswith("name,ags,total_ha,eligible_ha,eligible_pct,excl_village_ha,only_village_ha")
    assert table[-1].startswith("TOTAL")
    polys = gpd.read_file(r.outputs.polygons)
    assert set(polys["name"]) <= {"Westdorf", "Ostheim"}
    assert (polys["area_ha"] >= 1.0).all()
    assert polys.area.sum() / 1e4 <= r.eligible_ha + 1e-6


def test_min_area_filter(small_region):
    big = run(small_region, CRITERIA, res=10.0, tag="m1", min_area_ha=50.0)
    polys = gpd.read_file(big.outputs.polygons)
    assert (polys["area_ha"] >= 50.0).all()


def test_inputs_are_not_modified(small_region):
    path = small_region["path"]
    before = path.read_bytes()
    run(small_region, CRITERIA, res=25.0, tag="ro")
    assert path.read_bytes() == before


# ------------------------------------------------------------------ bad input
def _no_outputs(tmp: Path, tag: str) -> bool:
    return not any(p.name.startswith((f"elig_{tag}", f"reasons_{tag}", f"areas_{tag}", f"table_{tag}",
                                      f".elig_{tag}", f".reasons_{tag}", f".areas_{tag}", f".table_{tag}"))
                   for p in tmp.iterdir())


def test_empty_layer_means_no_such_features(small_region, tmp_path):
    """An empty layer is assessed: the criterion excludes 0 ha, the others as without it."""
    f = small_region["frames"]
    empty = f["roads"].iloc[0:0]
    layers = dict(small_region["layers"], **write_layers(tmp_path / "e.gpkg", {"roads": empty}))
    r = run(small_region, CRITERIA, res=25.0, tag="empty", layers=layers)
    assert r.not_assessed == ()
    assert sum(m.criteria["motorway"].excluded_ha for m in r.municipalities) == 0.0
    others = [c for c in CRITERIA if c["id"] != "motorway"]
    assert r.eligible_ha == pytest.approx(exact_eligible_ha(small_region, others), rel=0.01)
    status = {s["id"]: s for s in r.criteria}
    assert status["motorway"]["status"] == "assessed" and status["motorway"]["features"] == 0


def test_missing_filter_field_is_named(small_region):
    crit = [dict(CRITERIA[0], filter={"landuse_typo": ["residential"]})]
    with pytest.raises(InputError, match=r"no field 'landuse_typo'.*Fields present: .*landuse"):
        run(small_region, crit, res=25.0, tag="field")
    assert _no_outputs(small_region["tmp"], "field")


def test_invalid_geometry_is_refused_or_repaired(small_region, tmp_path):
    f = small_region["frames"]
    bowtie = shapely.Polygon([(X0 + 100, Y0 + 100), (X0 + 900, Y0 + 900), (X0 + 900, Y0 + 100), (X0 + 100, Y0 + 900)])
    bad = frame(list(f["landuse"].geometry) + [bowtie], landuse=list(f["landuse"]["landuse"]) + ["forest"])
    layers = dict(small_region["layers"], **write_layers(tmp_path / "bad.gpkg", {"landuse": bad}))
    with pytest.raises(InputError, match=r"invalid geometr.*Fix geometries"):
        run(small_region, CRITERIA, res=25.0, tag="inv", layers=layers)
    assert _no_outputs(small_region["tmp"], "inv")
    repaired = run(small_region, CRITERIA, res=25.0, tag="rep", layers=layers, invalid_geometries="repair")
    plain = run(small_region, CRITERIA, res=25.0, tag="plain")
    assert repaired.eligible_ha < plain.eligible_ha


def test_aoi_outside_the_data_is_refused(small_region, tmp_path):
    far = frame([shapely.box(X0 + 90_000, Y0, X0 + 92_000, Y0 + 2000)], name=["Fern"])
    layers = dict(small_region["layers"], **write_layers(tmp_path / "far.gpkg", {"municipalities": far}))
    with pytest.raises(InputError, match="outside every input layer"):
        run(small_region, CRITERIA, res=25.0, tag="far", layers=layers)
    assert _no_outputs(small_region["tmp"], "far")


def test_area_far_from_every_feature_of_covering_layers_is_eligible_with_a_warning(tmp_path, cancel_after):
    """A municipality inside the layers' extent with no feature within reach: 100 % eligible, said loudly."""
    corners = [shapely.box(X0 - 30_000, Y0 - 30_000, X0 - 29_000, Y0 - 29_000),
               shapely.box(X0 + 30_000, Y0 + 30_000, X0 + 31_000, Y0 + 31_000)]
    layers = write_layers(tmp_path / "sparse.gpkg", {
        "municipalities": frame([shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)], name=["Mitte"], ags=["15000001"]),
        "landuse": frame(corners, landuse=["residential", "forest"]),
        "buildings": frame(corners, building=["house", "house"], **{"building:flats": [1, 1]}),
        "roads": frame([shapely.LineString([(X0 - 30_000, Y0 + 30_000), (X0 - 29_000, Y0 + 30_000)])],
                       highway=["motorway"]),
        "water": frame([corners[1]], natural=["water"]),
        "protected_areas": frame([corners[0]], protection_title=["Naturschutzgebiet"]),
    })
    progress = cancel_after(10**9)
    cat = load_catalogue(catalogue_file(tmp_path, CRITERIA, "cat_sparse.yaml"))
    outs = EligibilityOutputs(tmp_path / "e.tif", None, None, tmp_path / "t.csv")
    result = run_eligibility(cat, layers, AreaOfInterest(layers["municipalities"]), outs,
                             EligibilitySettings(resolution_m=25.0), progress)
    assert result.total_ha == pytest.approx(400.0)
    assert result.eligible_ha == pytest.approx(400.0)
    assert sum("No feature of any input layer lies within reach" in line for line in progress.lines) == 1


def test_geographic_working_crs_is_refused(small_region):
    with pytest.raises(InputError, match="geographic"):
        run(small_region, CRITERIA, res=25.0, tag="geo", crs="EPSG:4326")


def test_catalogue_typo_is_reported_with_its_place(tmp_path):
    crit = [dict(CRITERIA[0], kind="hrad"), dict(CRITERIA[1], bufer="100 m")]
    path = catalogue_file(tmp_path, crit)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    msg = str(err.value)
    assert "criteria[0] (village).kind: 'hrad'" in msg and "did you mean 'hard'" in msg
    assert "criteria[1] (houses).bufer: unknown key (did you mean 'buffer'?)" in msg
    assert len(err.value.problems) == 2


def test_unknown_aoi_name_lists_the_available_ones(small_region):
    cat = load_catalogue(catalogue_file(small_region["tmp"], CRITERIA))
    aoi = AreaOfInterest(small_region["layers"]["municipalities"], names=("Nirgendwo",))
    with pytest.raises(InputError, match="available: Ostheim, Westdorf"):
        run_eligibility(cat, small_region["layers"], aoi, EligibilityOutputs(small_region["tmp"] / "x.tif"))


def test_cancel_leaves_no_output(small_region):
    class CancelAfterStart:
        calls = 0

        def report(self, fraction, message=None):
            pass

        def info(self, message):
            pass

        def warning(self, message):
            pass

        def is_cancelled(self):
            self.calls += 1
            return self.calls > 3

    cat = load_catalogue(catalogue_file(small_region["tmp"], CRITERIA))
    tmp = small_region["tmp"]
    outs = EligibilityOutputs(tmp / "elig_c.tif", tmp / "reasons_c.tif", tmp / "areas_c.gpkg", tmp / "table_c.csv")
    with pytest.raises(Cancelled):
        run_eligibility(cat, small_region["layers"], AreaOfInterest(small_region["layers"]["municipalities"]),
                        outs, EligibilitySettings(resolution_m=10.0, tile_px=64, workers=1), CancelAfterStart())
    assert _no_outputs(tmp, "c")


def test_output_onto_an_input_is_refused(small_region):
    cat = load_catalogue(catalogue_file(small_region["tmp"], CRITERIA, "io.yaml"))
    before = small_region["path"].read_bytes()
    with pytest.raises(InputError, match="also an input"):
        run_eligibility(cat, small_region["layers"], AreaOfInterest(small_region["layers"]["municipalities"]),
                        EligibilityOutputs(small_region["tmp"] / "e.tif", polygons=small_region["path"]),
                        EligibilitySettings(resolution_m=50.0))
    assert small_region["path"].read_bytes() == before


def test_dwelling_group_straddling_the_reach_keeps_its_members(tmp_path):
    """Five houses 40 m apart running away from the AOI: only the first is within 1000 m + 2 px."""
    aoi = frame([shapely.box(X0, Y0, X0 + 3000, Y0 + 3000)], name=["A"])
    houses = [shapely.box(X0 + 4000 + 40 * i, Y0 + 1500, X0 + 4010 + 40 * i, Y0 + 1510) for i in range(5)]
    b = frame(houses, building=["house"] * 5, **{"building:flats": [1] * 5})
    layers = write_layers(tmp_path / "g.gpkg", {"municipalities": aoi, "buildings": b})
    crit = [{"id": "groups", "kind": "hard", "layer": "buildings", "filter": {"building": ["house"]},
             "group": {"min_dwellings": 5, "max_gap": "50 m"}, "buffer": "1010 m"}]
    r = run({"tmp": tmp_path, "layers": layers}, crit, res=10.0, tag="grp")
    assert r.municipalities[0].criteria["groups"].excluded_ha > 0


def test_repaired_collection_lines_do_not_exclude_with_zero_setback(tmp_path):
    from wip_qgis_plugin.core.eligibility.distance import FeatureSet, within_masks
    from wip_qgis_plugin.core.data.raster_grid import Grid, Window
    coll = shapely.GeometryCollection([shapely.box(0, 0, 100, 100), shapely.LineString([(0, 500), (1000, 500)])])
    grid = Grid.aligned((0, 0, 1000, 1000), 10.0)
    (mask,) = within_masks(FeatureSet("c", np.array([coll], dtype=object)), grid, Window(0, 0, 100, 100), (0.0,))
    assert mask.sum() == 100  # the 100 × 100 m box only, no stripe along the line
