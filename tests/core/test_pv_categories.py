"""Categories of PV land (issue 19): eligible land per category, exact, overlaps counted in each and once in the
total; conversion land from OSM and from ATKIS 41005 gives the same area."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import yaml
from conftest import X0, Y0, frame, write_layers

from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args
from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.sources.profile import CANONICAL_COLUMNS
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.errors import CatalogueError
from wip_qgis_plugin.core.jobs.protocol import run_job
from wip_qgis_plugin.core.progress import NullProgress

Q = 256
AREA = shapely.box(X0, Y0, X0 + 6000, Y0 + 4000)
MOTORWAY = shapely.LineString([(X0 - 100, Y0 + 2000), (X0 + 6100, Y0 + 2000)])
MINE = shapely.box(X0 + 3000, Y0 + 1800, X0 + 5000, Y0 + 3800)    # straddles the corridor's northern half
PIT = shapely.box(X0 + 300, Y0 + 3200, X0 + 1300, Y0 + 3900)      # outside every corridor


def test_categories_are_exact_and_overlaps_count_once_in_the_total(tmp_path):
    layers = write_layers(tmp_path / "pv.gpkg", {
        "municipalities": frame([AREA], name=["Tagebaudorf"], ags=["15082999"]),
        "roads": frame([MOTORWAY], highway=["motorway"]),
        "landuse": frame([MINE, PIT], landuse=["quarry", "brownfield"])})
    cat = load_catalogue("pv_ground")
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, tmp_path / "t.csv")
    res = run_eligibility(cat, layers, AreaOfInterest(layers["municipalities"], "name"), outs,
                          EligibilitySettings(resolution_m=5.0, workers=1, kinds=("hard",)))
    ban = MOTORWAY.buffer(40 + 15, quad_segs=Q)                   # FStrG § 9 building ban from the edge
    corridor = MOTORWAY.buffer(500 + 15, quad_segs=Q).intersection(AREA).difference(ban)
    conversion = shapely.union_all([MINE, PIT]).intersection(AREA).difference(ban)
    m = res.municipalities[0]
    assert m.categories["corridor"] == pytest.approx(corridor.area / 1e4, rel=0.003)
    assert m.categories["conversion"] == pytest.approx(conversion.area / 1e4, rel=0.003)
    union = shapely.union_all([corridor, conversion]).area / 1e4
    assert m.eligible_ha == pytest.approx(union, rel=0.003)
    assert m.eligible_ha < m.categories["corridor"] + m.categories["conversion"] - 10   # the overlap once
    table = pd.read_csv(tmp_path / "t.csv")
    assert list(table.columns[5:7]) == ["eligible_corridor_ha", "eligible_conversion_ha"]
    assert table["eligible_conversion_ha"].iloc[-1] == pytest.approx(m.categories["conversion"], abs=0.01)


def test_only_a_permitted_zone_has_a_category(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({
        "extends": "pv_ground", "schema": "wip-catalogue/1", "id": "c", "version": "1", "technology": "pv_ground",
        "title": {"de": "c", "en": "c"},
        "criteria": [{"id": "forest", "category": "wald"}, {"id": "conversion_land", "category": "ehemals tagebau"}]}),
        encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert "forest).category: only a permitted zone" in str(err.value)
    assert "'ehemals tagebau' must be a word" in str(err.value)


def test_conversion_land_from_atkis_41005_equals_osm_quarry(tmp_path):
    crs = "EPSG:25832"
    muni = tmp_path / "gemeinde.gpkg"
    gpd.GeoDataFrame({"name": ["Tagebaudorf"], "ags": ["15082999"]}, geometry=[AREA], crs=crs).to_file(
        muni, layer="municipalities", driver="GPKG")
    osm = tmp_path / "osm.gpkg"
    empty = dict.fromkeys(CANONICAL_COLUMNS["landuse"])
    gpd.GeoDataFrame([{**empty, "landuse": "quarry", "geometry": MINE}], geometry="geometry", crs=crs).to_file(
        osm, layer="landuse", driver="GPKG")
    gpd.GeoDataFrame([{**dict.fromkeys(CANONICAL_COLUMNS["roads"]), "highway": "motorway", "geometry": MOTORWAY}],
                     geometry="geometry", crs=crs).to_file(osm, layer="roads", driver="GPKG")
    gpd.GeoDataFrame({"name": ["Tagebaudorf"], "ags": ["15082999"]}, geometry=[AREA], crs=crs).to_file(
        osm, layer="municipalities", driver="GPKG")
    dlm = tmp_path / "basis_dlm.gpkg"
    gpd.GeoDataFrame([{"LAND": "15", "OBJART": 41005, "OBJID": "DEST1", "geometry": MINE}], geometry="geometry",
                     crs=crs).to_file(dlm, layer="sie02_f", driver="GPKG")
    gpd.GeoDataFrame([{"LAND": "15", "OBJART": 42003, "WDM": 1301, "OBJID": "DEST2", "geometry": MOTORWAY}],
                     geometry="geometry", crs=crs).to_file(dlm, layer="ver01_l", driver="GPKG")

    def run(out, *args):
        argv = ["eligibility", "--catalogue", "pv_ground", "--resolution", "5", "--workers", "1", "--min-area", "0",
                "--kinds", "hard", "--out-dir", str(out), *args]
        job, _ = eligibility_job_from_args(build_parser().parse_args(argv))
        run_job(job, NullProgress())
        return pd.read_csv(out / "pv_ground_table.csv").iloc[0]

    from_osm = run(tmp_path / "osm_out", "--gpkg", str(osm))
    from_atkis = run(tmp_path / "atkis_out", "--layer", f"municipalities={muni}:municipalities", "--source", str(dlm))
    expected = MINE.intersection(AREA).difference(MOTORWAY.buffer(55, quad_segs=Q)).area / 1e4
    assert from_osm["eligible_conversion_ha"] == pytest.approx(expected, rel=0.005)
    assert from_atkis["eligible_conversion_ha"] == pytest.approx(from_osm["eligible_conversion_ha"], abs=1e-6)
    assert from_atkis["eligible_ha"] == pytest.approx(from_osm["eligible_ha"], abs=1e-6)
