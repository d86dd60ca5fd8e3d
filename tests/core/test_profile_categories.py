"""PV potential per category of land in the profile: the eligible hectares of the eligibility table, capacity =
hectares × the category's density from the catalogue, a plausible specific yield per system, the LCOE of the
closed-form annuity, and no sum over the overlapping categories."""
from __future__ import annotations

import csv
from pathlib import Path

import pyogrio
import pytest
from conftest import LogRecorder

from wip_qgis_plugin.core.catalogue.loader import load_catalogue_spec
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.economics.costs import load_cost_table
from wip_qgis_plugin.core.economics.lcoe import annuity_factor
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import ProfilePlan, TechnologyStep

REPO = Path(__file__).resolve().parents[2]
GPKG = REPO / "sample_layers" / "revier_sample.gpkg"
NAMES = ("Muldestausee", "Südliches Anhalt", "Zörbig")

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    roles = [name for name, _ in pyogrio.list_layers(GPKG) if name != "municipalities"]
    plan = ProfilePlan(layers={r: LayerRef(str(GPKG), r) for r in roles},
                       aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", NAMES),
                       output_dir=tmp_path_factory.mktemp("categories"),
                       technologies=(TechnologyStep("pv_ground", {"source": "pv_ground"}),), sources=(),
                       resolution_m=50.0, suitability=False, report=True, grid_catalogue=None, demand_scenarios=None,
                       workers=1)
    return run_profile(plan, LogRecorder())


def test_categories_follow_the_table_and_the_catalogue(run):
    cats = load_catalogue_spec({"source": "pv_ground"}).categories
    assert {"corridor", "conversion"} <= set(cats)
    table = Path(run.technologies["pv_ground"].outputs.table)
    with open(table, encoding="utf-8", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    t = load_cost_table()
    a = annuity_factor(t.discount_rate, t.lifetime_a)
    for m in run.municipalities:
        ind = m.indicators
        for cid, cat in cats.items():
            ha = ind[f"pv_ground_{cid}_eligible_ha"]
            assert ha == pytest.approx(float(rows[m.name][f"eligible_{cid}_ha"]), abs=1e-3)
            mwp = ind[f"pv_ground_{cid}_potential_mwp"]
            assert mwp == pytest.approx(ha * cat.density_mwp_per_ha, rel=1e-9)
            gwh = ind[f"pv_ground_{cid}_potential_gwh"]
            if mwp > 0:
                spec = gwh * 1e6 / (mwp * 1e3)  # kWh/kWp
                assert 800 < spec < 1250, (cid, spec)
                tech = {"agri_pv": "pv_agri", "parking": "pv_parking"}.get(cid, "pv_ground")
                p = t.technology(tech)
                kw = mwp * 1000
                cost = kw * p.capex_eur_per_kw * a + kw * (p.opex_eur_per_kw_a + p.lease_eur_per_kw_a) \
                    + ha * p.lease_eur_per_ha_a
                assert ind[f"pv_ground_{cid}_lcoe_eur_per_mwh"] == pytest.approx(cost / (gwh * 1000), rel=1e-9)
        # a category never holds more than the technology's union, and the union is never their sum
        assert all(ind[f"pv_ground_{c}_eligible_ha"] <= ind["pv_ground_eligible_ha"] + 1e-6
                   for c in cats if getattr(cats[c], "opens", True))
        assert not [k for k in ind if "categories" in k or k.endswith("_total_mwp")]


def test_the_revier_municipalities_have_mining_land(run):
    """Muldestausee and Südliches Anhalt, shaped by open-cast mining, show conversion land (0 ha before)."""
    for name in ("Muldestausee", "Südliches Anhalt"):
        ind = run.municipality(name).indicators
        assert ind["pv_ground_conversion_eligible_ha"] > 50
        assert ind["pv_ground_conversion_potential_gwh"] > 40


def test_report_has_the_category_section_with_law_and_caps(run):
    page = (Path(run.files["report"]).parent / "Muldestausee.html").read_text(encoding="utf-8")
    assert "PV-Flächenkategorien" in page and "Konversionsflächen" in page and "EEG 2023 § 37" in page
    assert "nicht addiert" in page
    # the indicator table leaves the category figures to their own section
    head = page.split("PV-Flächenkategorien")[0]
    assert "conversion" not in head


def test_a_category_without_its_layer_is_not_assessed_not_zero(tmp_path):
    """Without the disadvantaged-areas layer the category's figures are NaN and the report says 'nicht bewertet';
    the warning says the land it would open stays closed."""
    import math

    roles = [name for name, _ in pyogrio.list_layers(GPKG) if name not in ("municipalities", "disadvantaged_areas")]
    progress = LogRecorder()
    plan = ProfilePlan(layers={r: LayerRef(str(GPKG), r) for r in roles},
                       aoi=AreaOfInterest(LayerRef(str(GPKG), "municipalities"), "name", ("Muldestausee",)),
                       output_dir=tmp_path, technologies=(TechnologyStep("pv_ground", {"source": "pv_ground"}),),
                       sources=(), resolution_m=100.0, suitability=False, report=True, grid_catalogue=None,
                       demand_scenarios=None, workers=1)
    result = run_profile(plan, progress)
    ind = result.municipalities[0].indicators
    assert math.isnan(ind["pv_ground_disadvantaged_eligible_ha"]) and math.isnan(ind["pv_ground_disadvantaged_potential_gwh"])
    assert ind["pv_ground_conversion_eligible_ha"] > 0
    assert any("NOT ASSESSED" in w and "stays closed" in w for w in progress.warnings)
    page = (tmp_path / "report" / "Muldestausee.html").read_text(encoding="utf-8")
    assert "nicht bewertet (Layer fehlt)" in page
