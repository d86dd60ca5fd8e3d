"""Repowering in scenarios and the profile: wind.repowering is read and checked with the file, runs as a step
after the immission check, and the profile counts the old turbines a reused layout replaces (facts, report line)."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import LogRecorder

from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.jobs.runner import wind_steps
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import ProfilePlan, SourceSpec
from wip_qgis_plugin.core.profile.report import density_text
from wip_qgis_plugin.core.profile.sources import repowering_facts
from wip_qgis_plugin.core.scenario.spec import load_scenario, plan_from_scenario
from wip_qgis_plugin.core.wind.repowering import RepoweringOutputs, RepoweringSettings, run_repowering

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_layers"
GPKG = SAMPLE / "revier_sample.gpkg"
NAMES = ("Zörbig", "Landsberg")


def test_the_sample_scenario_runs_repowering_after_the_immission_check():
    sc = load_scenario(SAMPLE / "scenario.yaml")
    rp = sc.wind.repowering
    assert rp.turbines == "immission" and rp.settings.reference_year == 2030 and rp.settings.zone_h == 5.0
    assert rp.existing == LayerRef(str(GPKG), "wind_turbines")
    steps = list(wind_steps(sc.wind, sc.layers, sc.aoi))
    assert [s.label for s in steps] == ["wind yield", "turbine layout", "immission", "repowering"]
    job = steps[-1].job
    assert job.name == "repowering"
    assert job.arguments["turbines"]["path"].endswith("wind_immission_turbines.gpkg")
    assert job.arguments["placement"] is None and job.arguments["municipalities"]["layer"] == "municipalities"
    # the profile counts the checked layout with the old turbines it replaces (repowering.wind)
    plan = plan_from_scenario(sc)
    assert plan.sources[0].sites.path.endswith("wind_repowering_turbines.gpkg")


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text.format(gpkg=GPKG), encoding="utf-8")
    return path


BASE = """
layers:
  municipalities: {{path: {gpkg}, layer: municipalities}}
  wind_turbines: {{path: {gpkg}, layer: wind_turbines}}
area_of_interest: {{layer: municipalities, name_field: name}}
eligibility:
  wind: {{catalogue: wind_sachsen_anhalt}}
"""


def test_repowering_sections_are_checked_with_the_file(tmp_path):
    text = BASE + """wind:
  layout: {{areas: wind}}
  repowering: {{turbines: immission, zone: 5, min_age_years: -1}}
"""
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, text))
    message = str(info.value)
    assert "wind.repowering.zone: unknown key" in message
    assert "wind.repowering.turbines: immission needs wind.immission" in message
    assert "wind.repowering: Repowering: min_age_years ≥ 0" in message
    # without a layout: a replacement layout is placed on the eligible wind areas
    sc = load_scenario(write(tmp_path, BASE + "wind:\n  repowering: {{plan_areas: {{path: {gpkg}, layer: water}}}}\n"))
    rp = sc.wind.repowering
    assert rp.turbines == "place" and rp.areas.path.endswith("wind_areas.gpkg") and rp.layout is not None
    assert rp.plan_areas == LayerRef(str(GPKG), "water")
    step = list(wind_steps(sc.wind, sc.layers, sc.aoi))[-1]
    assert step.job.arguments["turbines"] is None
    assert step.job.arguments["placement"]["eligible_areas"]["path"].endswith("wind_areas.gpkg")
    with pytest.raises(InputError, match="wind.repowering.existing: the role 'wind_turbines' is not under"):
        load_scenario(write(tmp_path, BASE.replace("  wind_turbines: {{path: {gpkg}, layer: wind_turbines}}\n", "")
                            + "wind:\n  repowering: {{}}\n"))


def new_layout(path: Path) -> LayerRef:
    """One new turbine 600 m east of each existing turbine of Zörbig and Landsberg (a layout's fields)."""
    old = gpd.read_file(GPKG, layer="wind_turbines")
    munis = gpd.read_file(GPKG, layer="municipalities")
    xy = shapely.get_coordinates(old.geometry.values) + [600.0, 0.0]
    pts = shapely.points(xy)
    name = np.full(len(pts), "", dtype=object)
    for n, poly in zip(munis["name"], munis.geometry):
        name[shapely.contains(poly, pts)] = n
    keep = np.isin(name, NAMES)
    gpd.GeoDataFrame({"site_id": [f"W{i}" for i in range(int(keep.sum()))], "turbine_id": [
        f"W{i}-1" for i in range(int(keep.sum()))], "municipality": name[keep], "hub_height_m": 159.0,
        "rotor_diameter_m": 141.0, "capacity_mw": 4.2, "energy_mwh_per_a": 10_000.0},
        geometry=pts[keep], crs=old.crs).to_file(path, layer="turbines", driver="GPKG")
    return LayerRef(str(path), "turbines")


def test_the_profile_counts_what_repowering_replaces(tmp_path):
    layout = new_layout(tmp_path / "layout.gpkg")
    out = RepoweringOutputs(tmp_path / "old.gpkg", tmp_path / "b.csv", tmp_path / "rep.gpkg")
    r = run_repowering(LayerRef(str(GPKG), "wind_turbines"), layout, out, RepoweringSettings(reference_year=2030),
                       LayerRef(str(GPKG), "municipalities"))
    assert r.n_new > 0 and r.n_replaced > 0
    facts = repowering_facts(gpd.read_file(out.turbines))
    assert facts["repowering_new"] == r.n_new and facts["repowering_old"] == r.n_replaced
    assert facts["repowering_old_mw"] == pytest.approx(r.old_mw)
    assert facts["repowering_old_gwh"] == pytest.approx(r.old_mwh_per_a / 1000.0)
    assert facts["repowering_new_gwh"] == pytest.approx(r.new_mwh_per_a / 1000.0)
    assert repowering_facts(gpd.read_file(layout.path)) == {}  # a layout repowering never saw
    plan = ProfilePlan(layers={}, aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", NAMES),
                       output_dir=tmp_path / "profile", technologies=(),
                       sources=(SourceSpec("wind", LayerRef(str(out.turbines), "turbines")),),
                       suitability=False, grid_catalogue=None, report=True, language="de")
    result = run_profile(plan, LogRecorder())
    saved = json.loads((tmp_path / "profile" / "profile.json").read_text(encoding="utf-8"))
    assert saved["provenance"]["sources"]["wind"]["facts"]["repowering_old"] == r.n_replaced
    assert result.sources["wind"].facts["repowering_new_mw"] == pytest.approx(r.new_mw)
    page = (tmp_path / "profile" / "report" / "index.html").read_text(encoding="utf-8")
    old_mw = f"{r.old_mw:,.1f}".replace(",", "\u2009").replace(".", ",")  # German numbers
    assert f"Repowering (§ 16b BImSchG): {r.n_new} neue Anlagen" in page
    assert f"ersetzen {r.n_replaced} Altanlagen ({old_mw} MW" in page
    english = density_text(result.sources["wind"].facts, "en")
    assert f"{r.n_new} new turbines ({r.new_mw:,.1f} MW, {r.new_mwh_per_a / 1000:,.1f} GWh/a) replace " \
           f"{r.n_replaced} old ones ({r.old_mw:,.1f} MW, {r.old_mwh_per_a / 1000:,.1f} GWh/a)" in english
