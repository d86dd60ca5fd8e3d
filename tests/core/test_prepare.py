"""`wip prepare`: layers into spatially indexed FlatGeobuf in the working CRS, a prepared copy of a scenario."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import yaml
from pyproj import CRS

from wip_qgis_plugin.cli import main
from wip_qgis_plugin.core.data.layers import LayerRef, read_layer
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.jobs.prepare import PrepareSettings, check_format, prepare_layer, prepare_scenario

SAMPLE = Path(__file__).resolve().parents[2] / "sample_layers"


def _messy_layer(path: Path) -> None:
    """40 squares in EPSG:25833 with text and number fields, two without geometry, one empty, two bow-ties."""
    rng = np.random.default_rng(7)
    x0, y0 = 300_000.0, 5_700_000.0
    geoms = [shapely.box(x0 + 100 * i, y0 + 50 * (i % 5), x0 + 100 * i + 30, y0 + 50 * (i % 5) + 30) for i in range(40)]
    geoms[3] = None
    geoms[11] = None
    geoms[17] = shapely.Polygon()
    bowtie = shapely.Polygon([(x0, y0), (x0 + 10, y0 + 10), (x0 + 10, y0), (x0, y0 + 10)])
    geoms[21] = bowtie
    geoms[22] = shapely.affinity.translate(bowtie, 500, 0)
    frame = gpd.GeoDataFrame({"name": [f"Haus {i} ö" for i in range(40)], "levels": rng.integers(1, 5, 40),
                              "building": ["house"] * 40}, geometry=geoms, crs="EPSG:25833")
    frame.to_file(path, layer="buildings", driver="GPKG", engine="pyogrio")


def test_prepared_file_has_the_features_fields_and_crs_of_the_input(tmp_path):
    src = tmp_path / "messy.gpkg"
    _messy_layer(src)
    out = tmp_path / "prepared" / "buildings.fgb"
    done = prepare_layer(LayerRef(str(src), "buildings"), out, PrepareSettings(crs="EPSG:25832"))
    info_in, info_out = pyogrio.read_info(str(src), layer="buildings"), pyogrio.read_info(str(out))
    assert info_in["features"] == done.features_read == 40
    assert (done.no_geometry, done.invalid, done.unplaced) == (3, 2, 0)
    assert info_out["features"] == done.features_written == 35
    assert list(info_out["fields"]) == list(info_in["fields"]) == list(done.fields)
    assert CRS.from_user_input(info_out["crs"]).equals(CRS.from_epsg(25832))
    assert not [p.name for p in out.parent.iterdir() if p.name != "buildings.fgb"]  # no temporary file left
    # the features are the valid ones of the input, reprojected, fields kept
    expected = gpd.read_file(src, layer="buildings", engine="pyogrio")
    keep = ~shapely.is_missing(expected.geometry.values) & ~shapely.is_empty(expected.geometry.values)
    expected = expected[keep & shapely.is_valid(expected.geometry.values)]
    expected = expected.to_crs(25832).sort_values("name").reset_index(drop=True)
    got = pyogrio.read_dataframe(str(out)).sort_values("name").reset_index(drop=True)  # the index orders the file
    assert got["name"].tolist() == expected["name"].tolist() and got["levels"].tolist() == expected["levels"].tolist()
    assert np.allclose(shapely.bounds(got.geometry.values), shapely.bounds(expected.geometry.values), atol=1e-6)
    # the engine's reader reads it by box: the spatial index answers
    box = tuple(shapely.bounds(expected.geometry.values[:5]).min(axis=0)[:2]) + \
        tuple(shapely.bounds(expected.geometry.values[:5]).max(axis=0)[2:])
    part = read_layer(LayerRef(str(out)), "buildings", CRS.from_epsg(25832), bbox=box)
    assert 5 <= len(part) < len(got)


def test_invalid_geometries_repaired_on_request_and_counted(tmp_path):
    src = tmp_path / "messy.gpkg"
    _messy_layer(src)
    done = prepare_layer(LayerRef(str(src), "buildings"), tmp_path / "b.fgb",
                         PrepareSettings(crs="EPSG:25832", invalid="repair"))
    assert (done.invalid, done.features_written) == (2, 37)
    assert "2 invalid repaired" in done.describe(repaired=True)
    assert shapely.is_valid(pyogrio.read_dataframe(str(tmp_path / "b.fgb")).geometry.values).all()


def test_geoparquet_refused_without_gdal_parquet_driver():
    if "Parquet" in pyogrio.list_drivers():
        assert check_format("geoparquet")[0] == "Parquet"
    else:
        with pytest.raises(InputError, match="Parquet driver"):
            check_format("geoparquet")
    with pytest.raises(InputError, match="flatgeobuf or geoparquet"):
        check_format("shapefile")


def test_cli_prepares_every_layer_of_a_file(tmp_path, capsys):
    src = tmp_path / "messy.gpkg"
    _messy_layer(src)
    gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(300_000, 5_700_000)], crs="EPSG:25833").to_file(
        src, layer="points", driver="GPKG", engine="pyogrio")
    assert main(["prepare", str(src), "--out-dir", str(tmp_path / "out"), "--crs", "EPSG:25832"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["messy_buildings.fgb", "messy_points.fgb"]
    captured = capsys.readouterr()
    assert "3 without geometry, 2 invalid" in captured.out + captured.err


def test_prepared_scenario_gives_the_same_eligibility_table(tmp_path):
    layers = {role: {"path": str(SAMPLE / "revier_sample.gpkg"), "layer": role}
              for role in ("municipalities", "landuse", "buildings", "roads", "railways", "power_lines", "water",
                           "waterways", "protected_areas", "airfields", "wind_turbines")}
    data = {"name": "prepare", "crs": "EPSG:25832", "resolution_m": 100, "output_dir": "out", "layers": layers,
            "area_of_interest": {"layer": "municipalities", "name_field": "name", "id_field": "ags",
                                 "names": ["Zörbig"]},
            "eligibility": {"wind": {"catalogue": "wind_sachsen_anhalt", "min_area_ha": 5}}}
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = prepare_scenario(scenario, tmp_path / "prepared")
    assert Path(done.scenario) == tmp_path / "scenario_prepared.yaml"
    assert set(done.layers) == set(layers)
    for role, layer in done.layers.items():
        assert layer.path.endswith(f"revier_sample_{role}.fgb")
        assert pyogrio.read_info(layer.path)["features"] == \
            pyogrio.read_info(str(SAMPLE / "revier_sample.gpkg"), layer=role)["features"] == layer.features_written
    prepared = yaml.safe_load(Path(done.scenario).read_text(encoding="utf-8"))
    assert prepared["layers"]["buildings"] == "prepared/revier_sample_buildings.fgb"
    assert prepared["eligibility"] == data["eligibility"]
    assert main(["run", str(scenario), "--out-dir", str(tmp_path / "a")]) == 0
    assert main(["run", done.scenario, "--out-dir", str(tmp_path / "b")]) == 0
    table = (tmp_path / "a" / "wind_table.csv").read_text(encoding="utf-8")
    assert "Zörbig" in table and (tmp_path / "b" / "wind_table.csv").read_text(encoding="utf-8") == table
