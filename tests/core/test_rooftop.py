"""Rooftop PV: roof geometry, tags, orientation classes, scaling with roof area, municipal totals."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import X0, Y0, frame, write_layers
from shapely import affinity

from wip_qgis_plugin.core.solar import model as sm
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import Cancelled, InputError
from wip_qgis_plugin.core.solar.rooftop import (
    BUILDING_FIELDS,
    RooftopOutputs,
    RooftopSettings,
    compass_class,
    long_axis_deg,
    roof_faces,
    run_rooftop_solar,
)
from wip_qgis_plugin.core.solar.systems import load_pv_systems
from wip_qgis_plugin.core.data.weather import load_try


def _house(x, y, length, width, rotation=0.0):
    box = shapely.box(x - length / 2, y - width / 2, x + length / 2, y + width / 2)
    return affinity.rotate(box, rotation, origin=(x, y))


@pytest.fixture
def town(tmp_path):
    """Buildings with different tags in two municipalities (and one outside)."""
    b = [
        _house(X0 + 100, Y0 + 100, 20, 10),            # 0 gabled, ridge E-W: faces S and N
        _house(X0 + 200, Y0 + 100, 20, 10, 90),        # 1 gabled, ridge N-S: faces E and W
        _house(X0 + 300, Y0 + 100, 30, 20),            # 2 flat (commercial default)
        _house(X0 + 400, Y0 + 100, 6, 3),              # 3 tiny: below the minimum module area
        _house(X0 + 500, Y0 + 100, 8, 6),              # 4 garage: usable 0
        _house(X0 + 1600, Y0 + 100, 20, 10),           # 5 east municipality, hipped, roof:angle 45
        _house(X0 + 1700, Y0 + 100, 12, 10),           # 6 skillion facing SW by tag
        _house(X0 + 5000, Y0 + 100, 20, 10),           # 7 outside the area
    ]
    buildings = frame(b, building=["house", "house", "commercial", "house", "garage", "detached", "shed", None],
                      **{"roof:shape": ["gabled", "gabled", None, "gabled", None, "hipped", "skillion", None],
                         "roof:angle": [None, None, None, None, None, "45", None, None],
                         "roof:direction": [None, None, None, None, None, None, "SW", None],
                         "height": [7.5, 8.0, 12.0, 3.0, 2.5, 9.0, 4.0, 6.0]})
    west = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)
    east = shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)
    layers = write_layers(tmp_path / "town.gpkg", {
        "buildings": buildings, "municipalities": frame([west, east], name=["Westdorf", "Ostheim"], ags=["1", "2"])})
    return {"layers": layers, "tmp": tmp_path, "buildings": buildings,
            "aoi": AreaOfInterest(layers["municipalities"], "name", (), "ags")}


def _run(town, **kw):
    out = RooftopOutputs(town["tmp"] / "roof.gpkg", town["tmp"] / "roof.csv", town["tmp"] / "munis.csv")
    return run_rooftop_solar(town["layers"]["buildings"], town["aoi"], out, RooftopSettings(**kw)), out


def test_buildings_and_tags(town):
    result, out = _run(town)
    t = result.buildings
    assert len(t) == 7 and list(t["municipality"]) == ["Westdorf"] * 5 + ["Ostheim"] * 2
    assert list(t["orientation"]) == ["S", "E", "flat E-W", "-", "-", "S", "SW"]
    assert list(t["roof_shape"]) == ["gabled", "gabled", "flat", "gabled", "flat", "hipped", "skillion"]
    assert t["roof_tilt_deg"].iloc[5] == 45 and t["roof_tilt_deg"].iloc[0] == 35
    assert t["building"].iloc[6] == "yes"          # 'shed' is not in the table: unknown type
    assert t["capacity_kwp"].iloc[3] == 0 and t["capacity_kwp"].iloc[4] == 0
    # gabled E-W ridge: only the south face (100 m² plan / cos 35°) × 50 % usable × 65 % × 215 W/m²
    expected = 100 / math.cos(math.radians(35)) * 0.5 * 0.65 * 0.215
    assert t["capacity_kwp"].iloc[0] == pytest.approx(expected, rel=1e-6)
    # N-S ridge: both faces (east and west)
    assert t["capacity_kwp"].iloc[1] == pytest.approx(2 * expected, rel=1e-6)
    assert t["yield_kwh_per_kwp"].iloc[0] > t["yield_kwh_per_kwp"].iloc[1]
    assert t["height_m"].iloc[2] == 12.0
    assert (t["capacity_mw"] == t["capacity_kwp"] / 1000 / 1.2).all()
    written = pd.read_csv(out.buildings_table)
    assert list(written.columns) == list(BUILDING_FIELDS) and len(written) == 7


def test_south_face_yield_matches_the_kernel(town):
    result, _ = _run(town)
    systems = load_pv_systems()
    sky = sm.prepare_sky(load_try(4), 51.43, 11.87, 81)
    direct = sm.plane_yields(sky, systems, [35.0], [180.0], "close_mount_glass_glass")[0]
    assert result.buildings["yield_kwh_per_kwp"].iloc[0] == pytest.approx(direct, rel=0.005)


def test_rooftop_totals_scale_with_roof_area(town, tmp_path):
    base, _ = _run(town)
    scaled = town["buildings"].copy()
    scaled["geometry"] = [affinity.scale(g, 2.0, 2.0, origin="centroid") for g in scaled.geometry]
    layers = write_layers(tmp_path / "big.gpkg", {"buildings": scaled})
    big = run_rooftop_solar(layers["buildings"], town["aoi"], RooftopOutputs(), RooftopSettings())
    keep = base.buildings["capacity_kwp"] > 0        # the tiny house crosses the minimum when scaled
    assert big.buildings["capacity_kwp"][keep].sum() == pytest.approx(4 * base.capacity_mwp * 1000, rel=1e-9)
    assert big.buildings["energy_mwh_per_a"][keep].sum() == pytest.approx(4 * base.energy_mwh_per_a, rel=1e-9)
    assert big.buildings["usable_roof_m2"].sum() == pytest.approx(4 * base.usable_roof_m2, rel=1e-9)


def test_municipal_totals(town):
    result, out = _run(town)
    table = pd.read_csv(out.municipalities_table)
    assert list(table["municipality"]) == ["Westdorf", "Ostheim", "TOTAL"]
    assert table["n_buildings"].tolist() == [5, 2, 7] and table["n_with_pv"].tolist() == [3, 2, 5]
    assert table["energy_mwh_per_a"].iloc[:2].sum() == pytest.approx(table["energy_mwh_per_a"].iloc[2], rel=1e-4)
    assert result.capacity_mwp == pytest.approx(result.buildings["capacity_kwp"].sum() / 1000)
    assert 700 < result.mean_yield_kwh_per_kwp < 1000


def test_roof_faces_geometry():
    faces = roof_faces("hipped", 30, 90, 20, 10, float("nan"), 10)
    assert sum(f.plan_share for f in faces) == pytest.approx(1.0)
    assert [f.azimuth_deg for f in faces] == [180, 0, 90, 270]
    assert faces[2].plan_share == pytest.approx(10 * 10 / 4 / 200)
    assert roof_faces("skillion", 15, 90, 10, 8, float("nan"), 10)[0].azimuth_deg == 180
    flat = roof_faces("flat", 0, 0, 10, 10, float("nan"), 10)
    assert len(flat) == 1 and math.isnan(flat[0].azimuth_deg) and flat[0].tilt_deg == 10


def test_long_axis_and_compass():
    az, long, short = long_axis_deg(np.array([_house(0, 0, 20, 10), _house(0, 0, 20, 10, 30)]))
    assert az[0] == pytest.approx(90) and az[1] == pytest.approx(60) and long[0] == pytest.approx(20)
    assert short[1] == pytest.approx(10)
    assert [compass_class(a) for a in (0, 44, 46, 180, 200, 350)] == ["N", "NE", "NE", "S", "S", "N"]


def test_errors_and_cancel(town, tmp_path):
    with pytest.raises(InputError, match="area of interest"):
        run_rooftop_solar(town["layers"]["buildings"], None, RooftopOutputs(municipalities_table=tmp_path / "m.csv"))

    class Stop:
        def report(self, fraction, message=None):
            pass

        def info(self, message):
            pass

        def warning(self, message):
            pass

        def is_cancelled(self):
            return True

    out = RooftopOutputs(tmp_path / "c" / "roof.gpkg")
    with pytest.raises(Cancelled):
        run_rooftop_solar(town["layers"]["buildings"], town["aoi"], out, RooftopSettings(), Stop())
    assert not out.buildings.exists()


def test_long_axis_equals_the_minimum_rotated_rectangle_for_rectangles():
    rng = np.random.default_rng(3)
    lengths, widths = rng.uniform(8, 40, 200), rng.uniform(5, 7.9, 200)
    angles = rng.uniform(0, 180, 200)
    geoms = np.array([_house(700_000 + 50 * i, 5_700_000, lo, wi, a)
                      for i, (lo, wi, a) in enumerate(zip(lengths, widths, angles))], dtype=object)
    az, long, short = long_axis_deg(geoms)
    rect = shapely.get_coordinates(shapely.minimum_rotated_rectangle(geoms)).reshape(200, -1, 2)
    sides = [rect[:, 1] - rect[:, 0], rect[:, 2] - rect[:, 1]]
    longer = np.where((np.hypot(*sides[0].T) >= np.hypot(*sides[1].T))[:, None], sides[0], sides[1])
    expected = np.mod(np.degrees(np.arctan2(longer[:, 0], longer[:, 1])), 180.0)
    diff = np.abs((az - expected + 90.0) % 180.0 - 90.0)
    assert diff.max() < 1e-6
    assert np.allclose(long, lengths) and np.allclose(short, widths)


def test_roof_orientation_across_and_angle_tags(tmp_path):
    houses = [_house(X0 + 100, Y0 + 100, 20, 10), _house(X0 + 200, Y0 + 100, 20, 10)]
    layers = write_layers(tmp_path / "b.gpkg", {"buildings": frame(
        houses, building=["house", "house"], **{"roof:shape": ["gabled", "gabled"],
                                                "roof:orientation": [None, "across"], "roof:angle": ["45°", "20"]})})
    t = run_rooftop_solar(layers["buildings"], None, RooftopOutputs(), RooftopSettings()).buildings
    assert list(t["orientation"]) == ["S", "E"]          # ridge across the long side: faces east and west
    assert list(t["roof_tilt_deg"]) == [45.0, 20.0]
    # the 20 × 10 m house: one 100 m² south face at 45°; across: two 100 m² faces (east, west) at 20°
    assert t["roof_area_m2"].iloc[0] == pytest.approx(200 / math.cos(math.radians(45)))
    assert t["usable_roof_m2"].iloc[1] == pytest.approx(2 * 100 / math.cos(math.radians(20)) * 0.5)


def test_vectorised_buildings_equal_a_direct_computation_per_building(tmp_path):
    """Every building of a mixed town, one at a time through roof_faces(), against the vectorised run."""
    from pyproj import Transformer

    from wip_qgis_plugin.core.solar.rooftop import _number, _try_regions

    rng = np.random.default_rng(18)
    n = 120
    shapes = rng.choice(["gabled", "hipped", "skillion", "flat", "mansard", None, "dome"], n)
    types = rng.choice(["house", "detached", "commercial", "garage", "barn", "Residential ", None], n)
    angle = rng.choice([None, "15", "30°", "47", "3", "85"], n)
    direction = rng.choice([None, "S", "sw", "100", "WNW"], n)
    across = rng.choice([None, "across", "along"], n)
    houses = [_house(X0 + 60 * (i % 12), Y0 + 60 * (i // 12), lo, wi, a) for i, (lo, wi, a) in
              enumerate(zip(rng.uniform(5, 40, n), rng.uniform(4, 15, n), rng.uniform(0, 180, n)))]
    houses[7] = shapely.Polygon([(X0 + 420, Y0), (X0 + 450, Y0), (X0 + 450, Y0 + 30), (X0 + 435, Y0 + 30),
                                 (X0 + 435, Y0 + 12), (X0 + 420, Y0 + 12)])          # an L-shaped one
    layers = write_layers(tmp_path / "mixed.gpkg", {"buildings": frame(
        houses, building=list(types), **{"roof:shape": list(shapes), "roof:angle": list(angle),
                                         "roof:direction": list(direction), "roof:orientation": list(across)})})
    t = run_rooftop_solar(layers["buildings"], None, RooftopOutputs(), RooftopSettings()).buildings
    systems = load_pv_systems()
    spec = systems.rooftop
    compass = {"N": 0, "S": 180, "SW": 225, "WNW": 292.5}
    centres = shapely.point_on_surface(np.array(houses, dtype=object))
    lon, lat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(
        shapely.get_x(centres), shapely.get_y(centres))
    region = _try_regions(np.asarray(lon), np.asarray(lat))
    assert (region == region[0]).all()
    weather = load_try(int(region[0]))
    sky = sm.prepare_sky(weather, float(np.mean(lat)), float(np.mean(lon)), weather.elevation_m)
    for i, house in enumerate(houses):
        kind = types[i].strip().lower() if isinstance(types[i], str) else "yes"
        kind = kind if kind in spec.building_types else "yes"
        shape = shapes[i] if shapes[i] in spec.roof_shapes else spec.building_types[kind].default_shape
        tilt = _number(angle[i])
        tilt = tilt if math.isfinite(tilt) and 0 <= tilt < 80 else spec.roof_shapes[shape].tilt_deg
        ridge, length, width = (float(v[0]) for v in long_axis_deg(np.array([house], dtype=object)))
        if across[i] == "across":
            ridge, length, width = (ridge + 90) % 180, width, length
        towards = float(compass.get(str(direction[i]).upper(), direction[i] or "nan"))
        faces = roof_faces(shape, tilt, ridge, length, width, towards, spec.flat_roof_tilt_deg)
        flat = math.isnan(faces[0].azimuth_deg)
        areas = [house.area * f.plan_share / (1.0 if flat else math.cos(math.radians(f.tilt_deg))) for f in faces]
        usable = [a * (0.0 if not flat and abs((f.azimuth_deg % 360) - 180) > 180 - spec.exclude_north_deg
                       else spec.building_types[kind].usable) for a, f in zip(areas, faces)]
        module = [u * spec.packing for u in usable]
        if sum(module) < spec.min_module_area_m2:
            module = [0.0] * len(module)
        kwp = [m * systems.module_w_per_m2 / 1000 for m in module]
        if flat:
            face_yield = [float(np.mean(sm.plane_yields(sky, systems, [spec.flat_roof_tilt_deg] * 2, [90.0, 270.0],
                                                        spec.temperature_model)))]
        else:
            face_yield = list(sm.plane_yields(
                sky, systems, [round(f.tilt_deg / 5) * 5 for f in faces],
                [(round(f.azimuth_deg / 10) * 10) % 360 for f in faces], spec.temperature_model))
        row = t.iloc[i]
        assert row["roof_shape"] == shape and row["building"] == kind, i
        assert row["roof_tilt_deg"] == pytest.approx(0.0 if flat else tilt), i
        assert row["roof_area_m2"] == pytest.approx(sum(areas), rel=1e-9), i
        assert row["usable_roof_m2"] == pytest.approx(sum(usable), rel=1e-9, abs=1e-12), i
        assert row["capacity_kwp"] == pytest.approx(sum(kwp), rel=1e-9, abs=1e-12), i
        assert row["energy_mwh_per_a"] == pytest.approx(sum(k * y / 1000 for k, y in zip(kwp, face_yield)),
                                                        rel=1e-9, abs=1e-12), i
        best = max(range(len(faces)), key=lambda j: kwp[j]) if max(kwp) > 0 else None
        if best is None:
            assert row["orientation"] == "-", i
        elif flat:
            assert row["orientation"] == "flat E-W", i
        elif sum(k == kwp[best] for k in kwp) == 1:                 # ties: either face
            assert row["orientation"] == compass_class(faces[best].azimuth_deg), i
    assert t["capacity_kwp"].gt(0).sum() > 40 and set(t["roof_shape"]) >= {"gabled", "hipped", "skillion", "flat"}


def test_bulk_spatial_index_is_what_gdal_writes(tmp_path):
    """The GeoPackage with the bulk-built R*Tree: same schema as GDAL's, a valid tree, right bbox reads, editable."""
    import sqlite3

    import geopandas as gpd
    import pyogrio

    from wip_qgis_plugin.core.solar.rooftop_gpkg import write_indexed_gpkg

    rng = np.random.default_rng(5)
    n = 3000                                                    # > 51², a tree of three levels
    x, y = rng.uniform(X0, X0 + 20_000, n), rng.uniform(Y0, Y0 + 20_000, n)
    geoms = [shapely.box(a, b, a + s, b + s) for a, b, s in zip(x, y, rng.uniform(2, 300, n))]
    geoms[10] = shapely.MultiPolygon([geoms[10], shapely.box(X0 - 500, Y0 - 500, X0 - 400, Y0 - 400)])
    f = gpd.GeoDataFrame({"site_id": [f"roof-{i + 1}" for i in range(n)], "kwp": rng.random(n)},
                         geometry=geoms, crs="EPSG:25832")
    mine, gdal = tmp_path / "mine.gpkg", tmp_path / "gdal.gpkg"
    write_indexed_gpkg(mine, f, "rooftop_pv", "MultiPolygon")
    f.to_file(gdal, layer="rooftop_pv", driver="GPKG", engine="pyogrio", dataset_options={"VERSION": "1.2"})

    def sql(path, query, *args):
        con = sqlite3.connect(path)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    master = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    assert sql(mine, master) == sql(gdal, master)
    assert sql(mine, "SELECT * FROM gpkg_extensions") == sql(gdal, "SELECT * FROM gpkg_extensions")
    assert sql(mine, "SELECT rtreecheck('rtree_rooftop_pv_geom')") == [("ok",)]
    assert sql(mine, "SELECT count(*) FROM rtree_rooftop_pv_geom") == [(n,)]
    assert pyogrio.read_info(mine, layer="rooftop_pv")["capabilities"]["fast_spatial_filter"]
    assert pyogrio.read_dataframe(mine).equals(pyogrio.read_dataframe(gdal))
    for _ in range(6):
        a, b = rng.uniform(X0, X0 + 18_000), rng.uniform(Y0, Y0 + 18_000)
        box = (a, b, a + 2000, b + 1500)
        got = pyogrio.read_dataframe(mine, bbox=box, columns=["site_id"])
        assert sorted(got["site_id"]) == sorted(f["site_id"][f.intersects(shapely.box(*box))])
        # the index itself: every box whose float32 rounding meets the window, nothing else
        hits = {r[0] for r in sql(mine, "SELECT id FROM rtree_rooftop_pv_geom WHERE maxx >= ? AND minx <= ? AND "
                                        "maxy >= ? AND miny <= ?", box[0], box[2], box[1], box[3])}
        lo, hi = shapely.bounds(np.array(geoms, dtype=object))[:, :2], shapely.bounds(np.array(geoms, dtype=object))[:, 2:]
        near = ((hi[:, 0] >= box[0] - 0.01) & (lo[:, 0] <= box[2] + 0.01) & (hi[:, 1] >= box[1] - 0.01)
                & (lo[:, 1] <= box[3] + 0.01))
        sure = ((hi[:, 0] >= box[0] + 0.01) & (lo[:, 0] <= box[2] - 0.01) & (hi[:, 1] >= box[1] + 0.01)
                & (lo[:, 1] <= box[3] - 0.01))
        assert set((np.flatnonzero(sure) + 1).tolist()) <= hits <= set((np.flatnonzero(near) + 1).tolist())
    # edited later (QGIS, GDAL): the triggers keep the index
    extra = f.iloc[:1].copy()
    extra["geometry"] = [shapely.MultiPolygon([shapely.box(X0 + 30_000, Y0, X0 + 30_010, Y0 + 10)])]
    extra.to_file(mine, layer="rooftop_pv", driver="GPKG", engine="pyogrio", append=True)
    assert len(pyogrio.read_dataframe(mine, bbox=(X0 + 29_999, Y0 - 1, X0 + 30_011, Y0 + 11))) == 1
    assert sql(mine, "SELECT rtreecheck('rtree_rooftop_pv_geom')") == [("ok",)]
    # a handful of features: the root is the only (leaf) node
    few = tmp_path / "few.gpkg"
    write_indexed_gpkg(few, f.iloc[:7], "rooftop_pv", "MultiPolygon")
    assert sql(few, "SELECT rtreecheck('rtree_rooftop_pv_geom')") == [("ok",)]
    assert sql(few, "SELECT count(*) FROM rtree_rooftop_pv_geom_node") == [(1,)]
    assert len(pyogrio.read_dataframe(few, bbox=tuple(shapely.bounds(geoms[3])))) >= 1
    # a feature without geometry has no entry (the ids then have a gap)
    gap = tmp_path / "gap.gpkg"
    holed = f.iloc[:60].copy()
    holed.loc[5, "geometry"] = None
    write_indexed_gpkg(gap, holed, "rooftop_pv", "MultiPolygon")
    assert sql(gap, "SELECT rtreecheck('rtree_rooftop_pv_geom')") == [("ok",)]
    assert sql(gap, "SELECT count(*) FROM rtree_rooftop_pv_geom") == [(59,)]
    assert sql(gap, "SELECT count(*) FROM rtree_rooftop_pv_geom WHERE id = 6") == [(0,)]


def test_no_building_in_the_area_is_a_result(tmp_path):
    """The array paths with zero buildings: an empty layer of roofs, zero totals, no error."""
    import pyogrio

    layers = write_layers(tmp_path / "t.gpkg", {
        "buildings": frame([_house(X0 + 5000, Y0 + 5, 20, 10)], building=["house"]),
        "municipalities": frame([shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)], name=["A"], ags=["1"])})
    out = RooftopOutputs(tmp_path / "r.gpkg", tmp_path / "r.csv", tmp_path / "m.csv")
    result = run_rooftop_solar(layers["buildings"], AreaOfInterest(layers["municipalities"], "name", (), "ags"), out,
                               RooftopSettings())
    assert result.n_buildings == 0 and result.capacity_mwp == 0 and len(result.buildings) == 0
    assert pyogrio.read_info(out.buildings)["features"] == 0
    assert pd.read_csv(out.municipalities_table)["n_buildings"].tolist() == [0, 0]
