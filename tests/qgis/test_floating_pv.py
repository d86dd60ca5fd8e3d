"""wip:floatingpv through processing.run: the engine's fields on the same lakes, the WHG limits held (exact
geometry), the named open-cast lakes added to the reservoirs, the outputs written."""
from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from wip_qgis_testing import RecordingFeedback, run_algorithm

ALG = "wip:floatingpv"


def test_fields_keep_the_law_and_match_the_engine(provider, sample_region, tmp_path):
    from wip_qgis_plugin.core.data.layers import LayerRef
    from wip_qgis_plugin.core.solar.floating import FloatingOutputs, FloatingSettings, run_floating

    feedback = RecordingFeedback()
    params = {"LAKES": sample_region.uri("water"), "NAMES": "Goitzschesee", "SHORE_M": 40, "MAX_SHARE": 15,
              "AOI": sample_region.uri("municipalities"), "AOI_NAME_FIELD": "name",
              "OUTPUT_FIELDS": str(tmp_path / "floating.gpkg"), "OUTPUT_TABLE": str(tmp_path / "floating.csv")}
    result = run_algorithm(ALG, params, feedback=feedback)
    fields = gpd.read_file(tmp_path / "floating.gpkg", layer="floating_pv", engine="pyogrio")
    water = gpd.read_file(sample_region.path, layer="water", engine="pyogrio")
    qualifying = water[water["water"].isin(["reservoir", "basin"]) | (water["name"] == "Goitzschesee")]
    assert sorted(fields["lake"]) == sorted(qualifying["name"])
    for _, f in fields.iterrows():
        lake = qualifying.loc[qualifying["name"] == f["lake"]].geometry.iloc[0]
        assert f.geometry.area <= 0.15 * lake.area * (1 + 1e-9)
        assert f.geometry.distance(lake.boundary) >= 40.0 - 1e-6
        assert shapely.difference(f.geometry, lake).area < 1e-6 * f.geometry.area
    assert result["N_FIELDS"] == len(fields)
    assert result["CAPACITY_MWP"] == pytest.approx(fields["capacity_mwp"].sum())
    assert result["ENERGY_GWH_PER_A"] == pytest.approx(fields["energy_mwh_per_a"].sum() / 1000)
    assert (tmp_path / "floating.csv").is_file()
    engine = run_floating(LayerRef(str(sample_region.path), "water"), FloatingOutputs(),
                          FloatingSettings(lake_filter={"any": [{"water": ["reservoir", "basin"]},
                                                                {"name": ["Goitzschesee"]}]}),
                          LayerRef(str(sample_region.path), "municipalities"))
    assert engine.frame["capacity_mwp"].sum() == pytest.approx(result["CAPACITY_MWP"], rel=1e-9)
    # the other flooded mine (water=lake, not named) is said to be left out
    assert any("water=lake" in w for w in feedback.warnings)


def test_a_layer_of_qualifying_lakes_takes_every_feature(provider, sample_region, tmp_path):
    water = gpd.read_file(sample_region.path, layer="water", engine="pyogrio")
    lakes = water[water["name"].isin(["Seelhausener See"])]
    path = tmp_path / "lakes.gpkg"
    lakes.to_file(path, layer="lakes", engine="pyogrio")
    result = run_algorithm(ALG, {"LAKES": f"{path}|layername=lakes", "WHICH": 1,
                                 "OUTPUT_FIELDS": str(tmp_path / "f.gpkg")})
    assert result["N_FIELDS"] == 1 and result["CAPACITY_MWP"] > 0
