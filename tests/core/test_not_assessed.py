"""Criteria whose data is absent (not assessed, require_all), criteria bound to their own layer, the dwelling
rule for buildings of unknown use, and a robust area of interest (NULL names, invalid polygons elsewhere)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml
from conftest import X0, Y0, LogRecorder, frame, write_layers

from wip_qgis_plugin.core.catalogue.dwellings import DwellingRule, classify, select
from wip_qgis_plugin.core.catalogue.filters import parse_filter
from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import LayerRef
from wip_qgis_plugin.core.eligibility.aoi import read_aoi_areas
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    LayerBinding,
    run_eligibility,
)
from wip_qgis_plugin.core.errors import CatalogueError, InputError
from wip_qgis_plugin.core.jobs import protocol as wp

BASE = {
    "schema": "wip-catalogue/1", "id": "t", "version": "1", "technology": "wind",
    "title": {"de": "T", "en": "T"},
    "reference_turbine": {"hub_height": "150 m", "rotor_diameter": "150 m", "source": "test"},  # H = 225 m
}
RULE = {"dwelling": {"building": ["house", "detached"]}, "not_dwelling": {"building": ["garage", "barn", "industrial"]},
        "unknown": "dwelling", "source": "test rule"}
VG250 = Path("/work/shared/realdata/vg250ew_gemeinden/gemeinden_sn_st_th.gpkg")


Log = LogRecorder  # a progress recording its warnings and infos (conftest)


def catalogue(tmp: Path, criteria: list[dict], name: str = "cat.yaml", **top) -> Path:
    full = [{"label": {"de": c["id"], "en": c["id"]}, "source": "test source", "valid_from": "2020-01-01", **c}
            for c in criteria]
    path = tmp / name
    path.write_text(yaml.safe_dump({**BASE, **top, "criteria": full}), encoding="utf-8")
    return path


def outputs(tmp: Path, tag: str) -> EligibilityOutputs:
    return EligibilityOutputs(tmp / f"e_{tag}.tif", tmp / f"r_{tag}.tif", None, tmp / f"t_{tag}.csv")


def run(tmp, criteria, layers, tag="a", progress=None, aoi_layer=None, **settings):
    cat = load_catalogue(catalogue(tmp, criteria, f"c_{tag}.yaml", **settings.pop("top", {})))
    aoi = AreaOfInterest(aoi_layer or layers["municipalities"])
    return run_eligibility(cat, layers, aoi, outputs(tmp, tag),
                           EligibilitySettings(resolution_m=settings.pop("res", 10.0), workers=1, **settings), progress)


AOI_BOX = shapely.box(X0, Y0, X0 + 3000, Y0 + 3000)  # 900 ha
LAKE = shapely.box(X0 + 500, Y0 + 500, X0 + 1000, Y0 + 1000)  # 25 ha
NSG = shapely.box(X0 + 2000, Y0 + 2000, X0 + 2500, Y0 + 2600)  # 30 ha
LSG = shapely.box(X0 + 100, Y0 + 2000, X0 + 700, Y0 + 2500)  # 30 ha
CRITERIA = [
    {"id": "lake", "kind": "hard", "layer": "water", "filter": {"natural": ["water"]}, "buffer": "0 m"},
    {"id": "nsg", "kind": "hard", "layer": "protected_areas", "filter": {"protection_title": ["Naturschutzgebiet"]},
     "buffer": "0 m"},
    {"id": "lsg", "kind": "hard", "layer": "protected_areas",
     "filter": {"protection_title": ["Landschaftsschutzgebiet"]}, "buffer": "0 m"},
]


@pytest.fixture
def region(tmp_path):
    munis = frame([AOI_BOX], name=["A"], ags=["15000001"])
    water = frame([LAKE], natural=["water"])
    layers = write_layers(tmp_path / "r.gpkg", {"municipalities": munis, "water": water})
    nsg = frame([NSG], name=["NSG 1"])
    lsg = frame([LSG], name=["LSG 1"])
    nsg.to_file(tmp_path / "NSG.shp", engine="pyogrio")
    lsg.to_file(tmp_path / "LSG.shp", engine="pyogrio")
    tagged = frame([NSG, LSG], protection_title=["Naturschutzgebiet", "Landschaftsschutzgebiet"])
    tagged_ref = write_layers(tmp_path / "tagged.gpkg", {"protected_areas": tagged})["protected_areas"]
    return {"tmp": tmp_path, "layers": layers, "nsg": LayerRef(str(tmp_path / "NSG.shp")),
            "lsg": LayerRef(str(tmp_path / "LSG.shp")), "tagged": tagged_ref}


# ------------------------------------------------------------------ not assessed
def test_missing_role_is_not_assessed_and_listed_everywhere(region):
    log = Log()
    r = run(region["tmp"], CRITERIA, region["layers"], "na", log)
    assert [(a.criterion, a.role) for a in r.not_assessed] == [("nsg", "protected_areas"), ("lsg", "protected_areas")]
    assert r.eligible_ha == pytest.approx(900.0 - 25.0, abs=1e-6)  # only the lake is excluded
    loud = [w for w in log.warnings if "NOT ASSESSED" in w]
    assert len(loud) == 2 and "'nsg'" in loud[0] and "role 'protected_areas'" in loud[0]
    assert "--layer protected_areas=FILE" in loud[0] and "criterion_layers" in loud[0]
    sidecar = json.loads((region["tmp"] / "r_na_bits.json").read_text(encoding="utf-8"))
    assert [b["id"] for b in sidecar["bits"]] == ["lake"]
    assert [a["id"] for a in sidecar["not_assessed"]] == ["nsg", "lsg"]
    assert {c["id"]: c["status"] for c in sidecar["criteria"]} == {
        "lake": "assessed", "nsg": "not_assessed", "lsg": "not_assessed"}
    with open(region["tmp"] / "t_na_criteria.csv", encoding="utf-8") as fh:
        rows = {row["criterion"]: row for row in csv.DictReader(fh)}
    assert rows["nsg"]["status"] == "not_assessed" and "no layer for role 'protected_areas'" in rows["nsg"]["reason"]
    assert rows["lake"]["status"] == "assessed" and float(rows["lake"]["excluded_ha"]) == pytest.approx(25.0)
    assert rows["lake"]["features"] == "1" and rows["nsg"]["excluded_ha"] == ""


def test_missing_file_is_not_assessed(region):
    layers = dict(region["layers"], protected_areas=LayerRef(str(region["tmp"] / "gone.gpkg"), "protected_areas"))
    r = run(region["tmp"], CRITERIA, layers, "gone")
    assert {a.criterion for a in r.not_assessed} == {"nsg", "lsg"}
    assert "gone.gpkg" in r.not_assessed[0].reason and "does not exist" in r.not_assessed[0].reason


def test_require_all_refuses_naming_every_missing_role(region):
    crit = CRITERIA + [{"id": "roads", "kind": "hard", "layer": "roads", "filter": {}, "buffer": "10 m"}]
    with pytest.raises(InputError) as err:
        run(region["tmp"], crit, region["layers"], "req", require_all=True)
    msg = str(err.value)
    assert "protected_areas" in msg and "roads" in msg and "nsg, lsg" in msg
    assert not (region["tmp"] / "e_req.tif").exists()


def test_require_all_job_is_refused_with_the_missing_roles_code(region):
    job = wp.Job("eligibility", wp.to_jsonable({
        "catalogue": {"source": str(catalogue(region["tmp"], CRITERIA, "job.yaml"))},
        "layers": {"water": region["layers"]["water"]},
        "aoi": {"layer": region["layers"]["municipalities"]},
        "outputs": {"eligibility": str(region["tmp"] / "job.tif")},
        "settings": {"resolution_m": 50.0, "require_all": True, "workers": 1}}))
    with pytest.raises(wp.JobError) as err:
        wp.run_job(job)
    assert err.value.code == "missing_roles" and err.value.details["roles"] == ["protected_areas"]
    job = wp.Job(job.name, dict(job.arguments, settings={"resolution_m": 50.0, "workers": 1}))
    result = wp.run_job(job)
    assert [a["criterion"] for a in result["not_assessed"]] == ["nsg", "lsg"]


def test_nothing_to_assess_is_refused(region):
    only_protected = CRITERIA[1:]
    with pytest.raises(InputError, match="No criterion can be assessed.*protected_areas"):
        run(region["tmp"], only_protected, region["layers"], "none")


def test_empty_layer_is_assessed_with_zero_hectares(region):
    empty = frame([], protection_title=[])
    layers = dict(region["layers"], **write_layers(region["tmp"] / "empty.gpkg", {"protected_areas": empty}))
    r = run(region["tmp"], CRITERIA, layers, "empty")
    assert r.not_assessed == ()
    assert r.municipalities[0].criteria["nsg"].excluded_ha == 0.0
    assert r.eligible_ha == pytest.approx(875.0, abs=1e-6)


# ------------------------------------------------------------------ criteria bound to their own layer
def test_criterion_layers_equal_the_tagged_role_layer(region):
    tagged = run(region["tmp"], CRITERIA, dict(region["layers"], protected_areas=region["tagged"]), "tag")
    bound = run(region["tmp"], CRITERIA, region["layers"], "bound", layer_bindings=(
        LayerBinding(region["nsg"], criterion="nsg"), LayerBinding(region["lsg"], criterion="lsg")))
    assert tagged.eligible_ha == pytest.approx(900.0 - 25.0 - 30.0 - 30.0, abs=1e-6)
    assert bound.eligible_ha == pytest.approx(tagged.eligible_ha, abs=1e-9)
    assert bound.not_assessed == ()
    for cid in ("nsg", "lsg"):
        assert bound.municipalities[0].criteria[cid].excluded_ha == pytest.approx(30.0, abs=1e-6)
    assert "NSG.shp" in {c["id"]: c for c in bound.criteria}["nsg"]["input"]


def test_role_layers_with_fixed_categories_equal_the_tagged_role_layer(region):
    bindings = (LayerBinding(region["nsg"], role="protected_areas",
                             attributes=(("protection_title", "Naturschutzgebiet"),)),
                LayerBinding(region["lsg"], role="protected_areas",
                             attributes=(("protection_title", "Landschaftsschutzgebiet"),)))
    r = run(region["tmp"], CRITERIA, region["layers"], "roles", layer_bindings=bindings)
    assert r.eligible_ha == pytest.approx(815.0, abs=1e-6)
    assert r.municipalities[0].criteria["lsg"].excluded_ha == pytest.approx(30.0, abs=1e-6)


def test_a_bound_layer_ignores_the_filter_every_feature_counts(region):
    # NSG.shp bound to "lsg": the lsg filter (Landschaftsschutzgebiet) is not applied to it
    r = run(region["tmp"], CRITERIA, dict(region["layers"], protected_areas=region["tagged"]), "all",
            layer_bindings=(LayerBinding(region["nsg"], criterion="lsg"),))
    assert r.municipalities[0].criteria["lsg"].excluded_ha == pytest.approx(30.0, abs=1e-6)
    assert r.municipalities[0].criteria["lsg"].only_this_ha == 0.0  # the same land as nsg


def test_binding_an_unknown_criterion_is_refused(region):
    with pytest.raises(InputError, match="no criterion 'nsgg'.*did you mean 'nsg'"):
        run(region["tmp"], CRITERIA, region["layers"], "bad", layer_bindings=(LayerBinding(region["nsg"], criterion="nsgg"),))


def test_scenario_keys_bind_layers(region):
    from wip_qgis_plugin.core.scenario.spec import load_scenario

    tmp = region["tmp"]
    cat = catalogue(tmp, CRITERIA, "sc.yaml")
    sc = {"layers": {"municipalities": {"path": "r.gpkg", "layer": "municipalities"}}, "require_all": True,
          "eligibility": {"wind": {"catalogue": str(cat), "criterion_layers": {"nsg": "NSG.shp"},
                                   "role_layers": {"protected_areas": [
                                       {"path": "LSG.shp", "attributes": {"protection_title": "Landschaftsschutzgebiet"}}]}}}}
    (tmp / "s.yaml").write_text(yaml.safe_dump(sc), encoding="utf-8")
    settings = load_scenario(tmp / "s.yaml").runs[0].settings
    assert settings.require_all is True
    assert settings.layer_bindings == (
        LayerBinding(LayerRef(str(tmp / "NSG.shp")), criterion="nsg"),
        LayerBinding(LayerRef(str(tmp / "LSG.shp")), role="protected_areas",
                     attributes=(("protection_title", "Landschaftsschutzgebiet"),)))
    sc["eligibility"]["wind"]["criterion_layers"] = {"nsgx": "NSG.shp"}
    (tmp / "s.yaml").write_text(yaml.safe_dump(sc), encoding="utf-8")
    with pytest.raises(InputError, match=r"eligibility.wind.criterion_layers.nsgx: no criterion 'nsgx'"):
        load_scenario(tmp / "s.yaml")


def test_cli_flags_reach_the_settings():
    from wip_qgis_plugin.cli import build_parser, eligibility_job_from_args

    args = build_parser().parse_args([
        "eligibility", "--catalogue", "wind_sachsen_anhalt", "--layer", "municipalities=/d/r.gpkg:municipalities",
        "--require-all", "--invalid-geometries", "skip", "--criterion-layer", "nature_reserves=/d/NSG.shp",
        "--role-layer", "protected_areas=/d/LSG.shp;protection_title=Landschaftsschutzgebiet"])
    job, _ = eligibility_job_from_args(args)
    s = job.arguments["settings"]
    assert s["require_all"] is True and s["invalid_geometries"] == "skip"
    assert s["layer_bindings"] == [
        {"layer": {"path": "/d/NSG.shp", "layer": None}, "criterion": "nature_reserves"},
        {"layer": {"path": "/d/LSG.shp", "layer": None}, "role": "protected_areas",
         "attributes": [["protection_title", "Landschaftsschutzgebiet"]]}]
    settings = wp.decode_dataclass(EligibilitySettings, s)
    assert settings.layer_bindings[1].attributes == (("protection_title", "Landschaftsschutzgebiet"),)


# ------------------------------------------------------------------ buildings of unknown use
# 5 explicit dwellings, 8 of unknown use (6 × yes, 2 × no value), 6 not dwellings
USES = ["house"] * 3 + ["detached"] * 2 + ["yes"] * 6 + [None] * 2 + ["garage"] * 3 + ["barn"] * 2 + ["industrial"]


def _buildings():
    rng = np.random.default_rng(11)
    pts = np.column_stack([rng.uniform(X0 - 200, X0 + 3200, len(USES)), rng.uniform(Y0 - 200, Y0 + 3200, len(USES))])
    return frame([shapely.box(x - 7, y - 5, x + 7, y + 5) for x, y in pts], building=USES)


def test_the_rule_sorts_buildings_into_three_classes():
    rule = DwellingRule(parse_filter(RULE["dwelling"]), parse_filter(RULE["not_dwelling"]), "dwelling", "t")
    classes = classify(rule, _buildings())
    assert np.bincount(classes).tolist() == [5, 8, 6]
    mask, counts = select(rule, "possible", _buildings())
    assert (counts.explicit, counts.unknown, counts.not_dwelling) == (5, 8, 6)
    assert int(mask.sum()) == 13 and counts.treated_as_dwelling == 13 and counts.excluded == 6
    mask, counts = select(rule, "explicit", _buildings())
    assert int(mask.sum()) == 5 and counts.treated_as_dwelling == 5 and counts.excluded == 14
    strict = DwellingRule(rule.dwelling, rule.not_dwelling, "not_dwelling", "t")
    assert int(select(strict, "possible", _buildings())[0].sum()) == 5
    # a dwelling value wins over a non-dwelling one of another field
    both = DwellingRule(parse_filter({"building": ["house"]}), parse_filter({"building": {"not_in": ["yes"]}}), "dwelling", "t")
    assert np.bincount(classify(both, _buildings()), minlength=3).tolist() == [3, 6, 10]


def test_2h_zone_covers_the_possible_dwellings(tmp_path):
    b = _buildings()
    layers = write_layers(tmp_path / "b.gpkg", {"municipalities": frame([AOI_BOX], name=["A"]), "buildings": b})
    crit = [{"id": "dwellings_2h", "kind": "soft", "layer": "buildings", "dwellings": "possible", "buffer": "2 H"}]
    log = Log()
    r = run(tmp_path, crit, layers, "dw", log, top={"dwelling_rule": RULE})
    counts = r.dwellings["dwellings_2h"]
    assert (counts.explicit, counts.unknown, counts.not_dwelling) == (5, 8, 6)
    assert any("5 building(s) tagged as dwellings, 8 of unknown use treated as dwellings, 6 excluded" in m
               for m in log.infos)
    possible = b.geometry.values[np.isin(b["building"].fillna("").to_numpy(), ["garage", "barn", "industrial"],
                                         invert=True)]
    assert len(possible) == 13
    oracle = shapely.intersection(shapely.union_all(shapely.buffer(possible, 450.0, quad_segs=64)), AOI_BOX).area / 1e4
    excluded = r.municipalities[0].criteria["dwellings_2h"].excluded_ha
    assert excluded == pytest.approx(oracle, rel=0.01)
    assert oracle > 200.0  # the zone is substantial, not a handful of houses
    sidecar = json.loads((tmp_path / "r_dw_bits.json").read_text(encoding="utf-8"))
    assert sidecar["dwellings"]["dwellings_2h"] == {"explicit": 5, "unknown": 8, "not_dwelling": 6,
                                                    "treated_as_dwelling": 13, "excluded": 6}
    explicit = run(tmp_path, [dict(crit[0], dwellings="explicit")], layers, "dx", top={"dwelling_rule": RULE})
    assert explicit.municipalities[0].criteria["dwellings_2h"].excluded_ha < 0.8 * excluded


def test_dwelling_rule_is_validated(tmp_path):
    crit = [{"id": "d", "kind": "soft", "layer": "buildings", "dwellings": "posible", "buffer": "2 H"}]
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue(tmp_path, crit, dwelling_rule=dict(RULE, unknown="maybe", sorce="x")))
    msg = str(err.value)
    assert "dwelling_rule.unknown: 'maybe'" in msg and "dwelling_rule.sorce: unknown key" in msg
    assert "criteria[0] (d).dwellings: 'posible' is not one of possible, explicit" in msg
    with pytest.raises(CatalogueError, match=r"criteria\[0\] \(d\).dwellings: the catalogue has no 'dwelling_rule'"):
        load_catalogue(catalogue(tmp_path, [dict(crit[0], dwellings="possible")], "n.yaml"))


def test_shipped_wind_presets_use_the_dwelling_rule():
    for preset in ("wind_sachsen", "wind_sachsen_anhalt", "wind_thueringen"):
        cat = load_catalogue(preset)
        assert cat.dwelling_rule is not None and cat.dwelling_rule.unknown == "dwelling"
        c = cat.criterion("dwellings_2h")
        assert c.dwellings == "possible" and c.dwelling_rule is cat.dwelling_rule
        rule = cat.dwelling_rule
        probe = frame([shapely.box(0, 0, 1, 1)] * 5, building=["yes", "house", "garage", "shed", None])
        assert classify(rule, probe).tolist() == [1, 0, 2, 2, 1]


# ------------------------------------------------------------------ area of interest
def test_null_names_are_refused_or_labelled_by_the_id(tmp_path):
    boxes = [shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * (i + 1), Y0 + 1000) for i in range(3)]
    nameless = write_layers(tmp_path / "a.gpkg", {"m": frame(boxes, name=["A", None, "C"], ags=["1", None, "3"])})["m"]
    with pytest.raises(InputError) as err:
        read_aoi_areas(AreaOfInterest(nameless), "EPSG:25832")
    msg = str(err.value)
    assert "a.gpkg|layername=m" in msg and "1 feature(s) with no name in field 'name'" in msg
    # selecting by name never selects the nameless feature
    names, _, _ = read_aoi_areas(AreaOfInterest(nameless, names=("A", "C")), "EPSG:25832")
    assert names == ["A", "C"]
    labelled = write_layers(tmp_path / "b.gpkg", {"m": frame(boxes, name=["A", None, "C"], ags=["1", "2", "3"])})["m"]
    log = Log()
    names, ids, geoms = read_aoi_areas(AreaOfInterest(labelled), "EPSG:25832", progress=log)
    assert names == ["A", "2", "C"] and ids == ["1", "2", "3"]
    assert "labelled by their 'ags'" in log.warnings[0]


def test_invalid_polygon_of_another_municipality_does_not_block(tmp_path):
    bowtie = shapely.Polygon([(X0 + 3000, Y0), (X0 + 4000, Y0 + 1000), (X0 + 4000, Y0), (X0 + 3000, Y0 + 1000)])
    munis = frame([shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), bowtie], name=["Gut", "Kaputt"])
    ref = write_layers(tmp_path / "m.gpkg", {"m": munis})["m"]
    names, _, geoms = read_aoi_areas(AreaOfInterest(ref, names=("Gut",)), "EPSG:25832", "error")
    assert names == ["Gut"] and geoms[0].area == pytest.approx(1e6)
    with pytest.raises(InputError, match=r"1 invalid geometry among the selected areas \(Kaputt;"):
        read_aoi_areas(AreaOfInterest(ref), "EPSG:25832", "error")
    names, _, geoms = read_aoi_areas(AreaOfInterest(ref), "EPSG:25832", "repair")
    assert names == ["Gut", "Kaputt"] and geoms[1].is_valid and geoms[1].area == pytest.approx(5e5)
    log = Log()
    names, _, _ = read_aoi_areas(AreaOfInterest(ref), "EPSG:25832", "skip", log)
    assert names == ["Gut"] and "left out 1 invalid geometry (Kaputt)" in log.warnings[0]
    with pytest.raises(InputError, match="no valid polygon"):
        read_aoi_areas(AreaOfInterest(ref, names=("Kaputt",)), "EPSG:25832", "skip")


@pytest.mark.skipif(not VG250.is_file(), reason="VG250 municipalities not available")
def test_vg250_three_revier_municipalities_at_100_m(tmp_path):
    """The real file holds one invalid polygon (Nottertal-Heilinger Höhen, Thüringen): it must not block."""
    aoi_ref = LayerRef(str(VG250), "gemeinden")
    picked = ("Zörbig", "Bitterfeld-Wolfen", "Sandersdorf-Brehna")
    names, ids, geoms = read_aoi_areas(AreaOfInterest(aoi_ref, names=picked), "EPSG:25832", "error")
    assert sorted(names) == sorted(picked) and sorted(ids) == ["15082015", "15082340", "15082440"]
    centre = shapely.union_all(geoms).centroid
    lake = frame([centre.buffer(500.0, quad_segs=64)], natural=["water"])
    layers = write_layers(tmp_path / "w.gpkg", {"water": lake})
    cat = load_catalogue(catalogue(tmp_path, CRITERIA[:1], "vg.yaml"))
    r = run_eligibility(cat, layers, AreaOfInterest(aoi_ref, names=picked), outputs(tmp_path, "vg"),
                        EligibilitySettings(resolution_m=100.0, workers=1))
    by_name = {m.name: m for m in r.municipalities}
    areas_km2 = {"Zörbig": 114.31, "Bitterfeld-Wolfen": 87.23, "Sandersdorf-Brehna": 82.16}  # VG250 area_km2
    for name, km2 in areas_km2.items():
        assert by_name[name].total_ha == pytest.approx(km2 * 100, rel=0.02)
    assert r.total_ha - r.eligible_ha == pytest.approx(np.pi * 500 ** 2 / 1e4, rel=0.05)
    bad = AreaOfInterest(aoi_ref, names=("Nottertal-Heilinger Höhen", "Zörbig"))
    with pytest.raises(InputError, match="Nottertal-Heilinger Höhen"):
        read_aoi_areas(bad, "EPSG:25832", "error")
    names, _, geoms = read_aoi_areas(bad, "EPSG:25832", "repair")
    assert all(g.is_valid for g in geoms) and len(names) == 2
    assert geoms[names.index("Nottertal-Heilinger Höhen")].area / 1e6 == pytest.approx(75.96, rel=0.02)
    names, _, _ = read_aoi_areas(bad, "EPSG:25832", "skip")
    assert names == ["Zörbig"]
