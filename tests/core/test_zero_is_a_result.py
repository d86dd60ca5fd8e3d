"""Zero is a result (issue 13, point 6): every step after eligibility carries on when a technology has 0 ha.

Each case is built first as the 0-ha input it describes (an eligible-area layer without features, an
eligibility raster without an eligible pixel, a layer of no buildings, no sites, no power lines) on
the small region of conftest.py; the step must write its files with their fields, state literal
zeros and raise nothing. The last test runs ``wip run`` on a scenario whose settlement setback of
50 km leaves no wind land.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
import yaml
from conftest import CRS, X0, Y0, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, run_eligibility
from wip_qgis_plugin.core.grid.connection import ConnectionOutputs, run_grid_connection
from wip_qgis_plugin.core.grid.settings import ConnectionSettings
from wip_qgis_plugin.core.grid.topology import TopologyOutputs, check_grid_topology
from wip_qgis_plugin.core.jobs.adapters import grid_connection_json, turbine_layout_json
from wip_qgis_plugin.core.jobs.protocol import to_jsonable
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec, TechnologyStep
from wip_qgis_plugin.core.solar.ground import MUNICIPALITY_FIELDS, SITE_FIELDS, SolarOutputs, run_solar_potential
from wip_qgis_plugin.core.solar.rooftop import RooftopOutputs, run_rooftop_solar
from wip_qgis_plugin.core.wind.layout import TURBINE_FIELDS, LayoutOutputs, LayoutSettings, run_turbine_layout
from wip_qgis_plugin.core.wind.layout import SITE_FIELDS as LAYOUT_SITE_FIELDS
from wip_qgis_plugin.core.wind.resource import WindResourceSettings

MUNIS = ["Westdorf", "Ostheim"]

#: A wind catalogue whose village criterion carries the settlement setback (``settlement_setback_m``).
CATALOGUE = {
    "schema": "wip-catalogue/1", "id": "zero_test", "version": "1", "technology": "wind",
    "title": {"de": "Null", "en": "Zero"},
    "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "test"},
    "criteria": [
        {"id": "village", "kind": "hard", "layer": "landuse", "filter": {"landuse": ["residential"]},
         "buffer": "1000 m", "tags": ["settlement_setback"]},
        {"id": "lake", "kind": "hard", "layer": "water", "filter": {}, "buffer": "65 m"},
    ],
}


class Recorder:
    """A progress that keeps every message."""

    def __init__(self):
        self.lines: list[str] = []

    def report(self, fraction, message=None):
        pass

    def info(self, message):
        self.lines.append(message)

    def warning(self, message):
        self.lines.append(message)

    def is_cancelled(self):
        return False


def catalogue_file(tmp: Path) -> Path:
    path = tmp / "zero_test.yaml"
    crit = [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "valid_from": "2020-01-01", **c}
            for c in CATALOGUE["criteria"]]
    path.write_text(yaml.safe_dump({**CATALOGUE, "criteria": crit}, allow_unicode=True), encoding="utf-8")
    return path


def fields_of(path: Path, layer: str) -> tuple[list[str], str, int]:
    info = pyogrio.read_info(path, layer=layer)
    return list(info["fields"]), info["geometry_type"], int(info["features"])


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def zero_wind(small_region) -> dict:
    """The small region's wind eligibility with a 50 km settlement setback: 0 ha (raster and areas)."""
    tmp = small_region["tmp"]
    cat = load_catalogue(catalogue_file(tmp)).with_tag_buffer("settlement_setback", 50_000.0)
    outs = EligibilityOutputs(tmp / "wind_eligibility.tif", tmp / "wind_reasons.tif", tmp / "wind_areas.gpkg",
                              tmp / "wind_table.csv")
    aoi = AreaOfInterest(small_region["layers"]["municipalities"], "name", id_field="ags")
    res = run_eligibility(cat, small_region["layers"], aoi, outs, EligibilitySettings(resolution_m=100.0, workers=1))
    assert res.eligible_ha == 0.0  # the case is built: nothing is left
    return {**small_region, "aoi": aoi, "eligibility": outs, "areas": LayerRef(str(outs.polygons), "eligible_areas")}


# ----------------------------------------------------------------- wind layout
def test_layout_on_no_eligible_area_writes_empty_outputs_and_zeros(zero_wind, tmp_path):
    progress = Recorder()
    out = LayoutOutputs(tmp_path / "t.gpkg", tmp_path / "sites.csv", tmp_path / "munis.csv", tmp_path / "s.gpkg")
    res = run_turbine_layout("E-141/4200", zero_wind["areas"], {}, {}, out,
                             LayoutSettings(resource=WindResourceSettings(weather="4")), progress, aoi=zero_wind["aoi"])
    assert (res.n_turbines, res.capacity_mw, res.energy_mwh_per_a, res.full_load_hours) == (0, 0.0, 0.0, 0.0)
    assert any(line.startswith("0 turbines: no eligible area") for line in progress.lines)
    fields, geometry, n = fields_of(out.turbines, "turbines")
    assert fields == list(TURBINE_FIELDS) and geometry == "Point" and n == 0
    types = dict(zip(fields, pyogrio.read_info(out.turbines, layer="turbines")["ogr_types"]))
    assert types["site_id"] == types["municipality"] == "OFTString" and types["capacity_mw"] == "OFTReal"
    fields, geometry, n = fields_of(out.sites, "layout_sites")
    assert fields == list(LAYOUT_SITE_FIELDS) and geometry == "MultiPolygon" and n == 0
    assert rows_of(out.sites_table) == []
    munis = rows_of(out.municipalities_table)
    assert [r["municipality"] for r in munis] == MUNIS
    for r in munis:
        assert (r["n_turbines"], float(r["capacity_mw"]), float(r["energy_mwh_per_a"])) == ("0", 0.0, 0.0)
    data = to_jsonable(turbine_layout_json(res))  # as a job sends it: no direction without a site → null
    assert data["n_turbines"] == 0 and data["main_direction_deg"] is None and math.isnan(res.main_direction_deg)
    json.dumps(data, allow_nan=False)


def test_layout_on_areas_smaller_than_a_turbine_places_none(tmp_path):
    small = shapely.box(X0, Y0, X0 + 60, Y0 + 60)  # 60 m: no rotor disc of 141 m fits (rotor-in)
    layers = write_layers(tmp_path / "a.gpkg", {"eligible_areas": frame([small], area_id=[1], name=["Westdorf"],
                                                                        ags=["15082001"])})
    progress = Recorder()
    out = LayoutOutputs(tmp_path / "t.gpkg", municipalities_table=tmp_path / "m.csv")
    res = run_turbine_layout("E-141/4200", layers["eligible_areas"], {}, {}, out,
                             LayoutSettings(rotor_in=True, main_direction_deg=250.0,
                                            resource=WindResourceSettings(weather="4")), progress)
    assert res.n_turbines == 0 and res.capacity_mw == 0.0 and res.main_direction_deg == 250.0
    assert any("0 turbines: no eligible area is large enough" in line for line in progress.lines)
    assert fields_of(out.turbines, "turbines")[1:] == ("Point", 0)
    (row,) = rows_of(out.municipalities_table)
    assert row["municipality"] == "Westdorf" and row["n_turbines"] == "0"
    assert float(row["area_ha"]) == pytest.approx(0.36) and float(row["density_mw_per_km2"]) == 0.0


# ----------------------------------------------------------------- solar and rooftop
def test_solar_potential_on_no_eligible_pixel(zero_wind, tmp_path):
    out = SolarOutputs(specific_yield=tmp_path / "y.tif", sites=tmp_path / "s.gpkg", sites_table=tmp_path / "s.csv",
                       municipalities_table=tmp_path / "m.csv")
    res = run_solar_potential(zero_wind["eligibility"].eligibility, {}, zero_wind["aoi"], zero_wind["areas"], out)
    assert (res.eligible_ha, res.capacity_mwp, res.capacity_mw, res.energy_mwh_per_a, len(res.sites)) == \
        (0.0, 0.0, 0.0, 0.0, 0)
    assert [(m.municipality, m.capacity_mwp, m.energy_mwh_per_a) for m in res.municipalities] == \
        [(n, 0.0, 0.0) for n in MUNIS]
    with rasterio.open(out.specific_yield) as ds:  # a valid raster of nodata
        band = ds.read(1)
        assert ds.nodata is not None and (band == ds.nodata).all()
    assert fields_of(out.sites, "solar_sites") == (list(SITE_FIELDS), "MultiPolygon", 0)
    munis = rows_of(out.municipalities_table)
    assert list(munis[0]) == list(MUNICIPALITY_FIELDS)
    assert [(r["municipality"], float(r["capacity_mwp"]), float(r["energy_mwh_per_a"])) for r in munis] == \
        [(n, 0.0, 0.0) for n in [*MUNIS, "TOTAL"]]


def test_rooftop_with_no_building(small_region, tmp_path):
    empty = frame([], building=np.array([], dtype=object))
    layers = write_layers(tmp_path / "b.gpkg", {"buildings": empty})
    aoi = AreaOfInterest(small_region["layers"]["municipalities"], "name", id_field="ags")
    out = RooftopOutputs(tmp_path / "roof.gpkg", tmp_path / "roof.csv", tmp_path / "munis.csv")
    res = run_rooftop_solar(layers["buildings"], aoi, out)
    assert (res.n_buildings, res.n_with_pv, res.capacity_mwp, res.energy_mwh_per_a) == (0, 0, 0.0, 0.0)
    assert [(m.municipality, m.n_buildings, m.capacity_mwp) for m in res.municipalities] == \
        [(n, 0, 0.0) for n in MUNIS]
    fields, geometry, n = fields_of(out.buildings, "rooftop_pv")
    assert {"site_id", "municipality", "capacity_kwp", "capacity_mw", "energy_mwh_per_a"} <= set(fields)
    assert geometry == "MultiPolygon" and n == 0
    assert [float(r["capacity_mwp"]) for r in rows_of(out.municipalities_table)] == [0.0, 0.0, 0.0]


# ----------------------------------------------------------------- grid
@pytest.fixture
def grid_layers(tmp_path) -> dict[str, LayerRef]:
    subs = frame([shapely.Point(X0 + 4000, Y0 + 1500)], voltage=["110000;20000"], free_capacity_mw=[50.0],
                 name=["UW Mitte"])
    lines = frame([shapely.LineString([(X0 - 2000, Y0 + 1500), (X0 + 4000, Y0 + 1500)])], voltage=["110000"])
    no_lines = frame([], voltage=np.array([], dtype=object))
    no_sites = frame([], capacity_mw=np.array([], dtype=float), site_id=np.array([], dtype=object))
    roads = frame([shapely.LineString([(X0, Y0 + 1400), (X0 + 8000, Y0 + 1400)])], highway=["secondary"])
    return write_layers(tmp_path / "grid.gpkg", {"substations": subs, "power_lines": lines, "no_lines": no_lines,
                                                 "no_sites": no_sites, "roads": roads})


def test_grid_connection_of_no_site(grid_layers, tmp_path):
    progress = Recorder()
    out = ConnectionOutputs(tmp_path / "c.gpkg", tmp_path / "c.gpkg", tmp_path / "c.csv", tmp_path / "c.gpkg")
    res = run_grid_connection(grid_layers["no_sites"], grid_layers["substations"], grid_layers["roads"],
                              outputs=out, settings=ConnectionSettings(site_id_field="site_id", crs=CRS),
                              progress=progress)
    s = res.summary()
    assert (s["sites"], s["capacity_mw"], s["connected_mw"], s["unconnected_mw"], s["cost_eur"]) == (0, 0.0, 0.0, 0.0,
                                                                                                     0.0)
    assert math.isnan(s["cost_eur_per_kw"]) and to_jsonable(grid_connection_json(res))["summary"]["cost_eur_per_kw"] is None
    assert any(line.startswith("0 sites to connect") for line in progress.lines)
    fields, geometry, n = fields_of(out.connections, "connections")
    assert geometry == "LineString" and n == 0 and {"site_id", "substation", "allocated_mw", "cost_eur"} <= set(fields)
    fields, _, n = fields_of(out.sites, "connection_sites")
    assert n == 0 and fields == ["site_id", "capacity_mw", "level", "voltage_kv", "status", "substation", "length_km",
                                 "connected_mw", "unconnected_mw", "cost_eur", "cost_eur_per_kw",
                                 "cheapest_option_eur"]
    subs = gpd.read_file(out.substations, layer="substation_load", engine="pyogrio")
    assert list(subs["name"]) == ["UW Mitte"] and list(subs["allocated_mw"]) == [0.0]
    assert list(subs["remaining_mw"]) == [50.0]
    assert rows_of(out.site_table) == []


def test_topology_of_an_empty_lines_layer_says_so(grid_layers, tmp_path):
    progress = Recorder()
    out = TopologyOutputs(tmp_path / "t.gpkg", tmp_path / "t.gpkg")
    topo = check_grid_topology(grid_layers["no_lines"], grid_layers["substations"], out, progress=progress)
    s = topo.summary()
    assert (s["line_pieces"], s["length_km"], s["components"], s["levels_v"]) == (0, 0.0, 0, [])
    assert any(line.startswith("0 power lines in") for line in progress.lines)
    assert fields_of(out.cleaned_lines, "grid_lines")[1:] == ("LineString", 0)
    assert fields_of(out.report, "topology_report")[1:] == ("Point", 1)  # the unattached substation


# ----------------------------------------------------------------- profile
def test_profile_with_a_technology_at_zero_ha(small_region, tmp_path):
    tmp = small_region["tmp"]
    layers = small_region["layers"]
    plan = ProfilePlan(
        layers=layers, output_dir=tmp_path / "profile",
        aoi=AreaOfInterest(layers["municipalities"], "name", id_field="ags"),
        technologies=(TechnologyStep("wind", {"source": str(catalogue_file(tmp)),
                                              "tag_buffers": {"settlement_setback": 50_000.0}}),),
        sources=(SourceSpec("wind"), SourceSpec("pv_rooftop")),
        resolution_m=100.0, workers=1, report=True, suitability=False, grid_catalogue=None, language="en")
    res = run_profile(plan, Recorder())
    wind = res.sources["wind"]
    assert wind.status == "computed" and wind.density.startswith("0 ha eligible")
    assert "0.0 MW in 0 sites" in wind.density
    for m in res.municipalities:
        ind = m.indicators
        assert (ind["wind_eligible_ha"], ind["wind_capacity_mw"], ind["wind_energy_gwh"], ind["wind_sites"]) == \
            (0.0, 0.0, 0.0, 0.0)
        assert ind["pv_rooftop_capacity_mw"] > 0 and math.isfinite(ind["balance_pct"])  # the balance is computed
        assert ind["energy_gwh"] == pytest.approx(ind["pv_rooftop_energy_gwh"])
    with open(tmp_path / "profile" / "profile_indicators.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert [float(r["wind_capacity_mw"]) for r in rows] == [0.0, 0.0, 0.0]  # two municipalities and TOTAL
    page = (tmp_path / "profile" / "report" / "index.html").read_text(encoding="utf-8")
    assert "0 ha eligible" in page


# ----------------------------------------------------------------- wip run
def test_wip_run_with_zero_wind_land_runs_to_the_end(small_region, grid_layers, tmp_path, capsys):
    from wip_qgis_plugin.cli import main

    region = small_region["path"]
    grid = Path(grid_layers["substations"].path)
    text = f"""
name: zero
crs: {CRS}
resolution_m: 100
workers: 1
output_dir: out
layers:
  municipalities: {{path: {region}, layer: municipalities}}
  landuse: {{path: {region}, layer: landuse}}
  water: {{path: {region}, layer: water}}
  buildings: {{path: {region}, layer: buildings}}
  roads: {{path: {grid}, layer: roads}}
  substations: {{path: {grid}, layer: substations}}
  power_lines: {{path: {grid}, layer: power_lines}}
area_of_interest: {{layer: municipalities, name_field: name, id_field: ags}}
eligibility:
  wind: {{catalogue: {catalogue_file(small_region["tmp"])}, settlement_setback_m: 50000}}
windbg:
  wind: {{rotor_in: true}}
wind:
  turbine: E-141/4200
  hub_height_m: 159
  resolution_m: 100
  layout: {{areas: wind, rotor_in: true}}
grid:
  catalogue: grid_connection
  connect:
    wind: {{sites: layout.wind}}
profile:
  sources: {{wind: {{}}}}
  language: en
"""
    path = tmp_path / "zero.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path)]) == 0
    printed = capsys.readouterr()
    out = printed.out
    assert "TOTAL" in out and "0.0    0.00%" in out.split("wind: eligible area")[1].split("\n")[4]
    layout = out.split("turbine layout (")[1]
    assert ": 0 × Enercon E-141/4200" in layout.splitlines()[0]
    assert "  TOTAL                           0      0.0       0.0" in layout
    assert "0 turbines: no eligible area" in printed.err
    assert "wind: grid connection of 0 sites (0.0 MW" in out and "connected 0.0 MW for 0.00 M€ (n/a €/kW)" in out
    profile = out.split("profile: 2 municipalities")[1]
    # the profile takes the scenario's own layout (one chain): its 0 turbines
    assert "wind        reused   0 ha eligible; reused sites; 0.0 MW in 0 sites" in profile
    for name in MUNIS:
        assert (tmp_path / "out" / "report" / f"{name}.html").is_file()
    rows = rows_of(tmp_path / "out" / "wind_layout_municipalities.csv")
    assert [(r["municipality"], r["n_turbines"]) for r in rows] == [(n, "0") for n in MUNIS]
    assert fields_of(tmp_path / "out" / "wind_turbines.gpkg", "turbines")[1:] == ("Point", 0)
