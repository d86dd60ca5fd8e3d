"""Rule presets for the Länder beyond the Revier: sources and dates, statutory rules by date, Bayern's 10 H with
its exceptions exactly, on a synthetic case and on the real OSM extract of Heinersreuth (Bayern)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
import yaml
from conftest import X0, Y0, frame, write_layers

from wip_qgis_plugin.core.catalogue.loader import list_presets, load_catalogue
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)
from wip_qgis_plugin.core.catalogue.lands import AGS_LAND

TODAY = dt.date(2026, 12, 7)
Q = 256
#: Länder with a statutory distance rule of their own (Land law under BauGB § 249 (3)/(9)), and since when.
STATUTORY = {"wind_bayern": ("BY", "settlements_10h", dt.date(2014, 11, 21)),
             "wind_brandenburg": ("BB", "settlements_bbgweaabg", dt.date(2022, 5, 20)),
             "wind_sachsen": ("SN", "settlements_saechsbo", dt.date(2022, 6, 8)),
             "wind_nordrhein_westfalen": ("NW", "settlements_baugb_ag_nrw", dt.date(2021, 7, 15))}
PRACTICE = {"wind_hessen": "HE", "wind_mecklenburg_vorpommern": "MV", "wind_niedersachsen": "NI",
            "wind_thueringen": "TH", "wind_sachsen_anhalt": "ST"}


def wind_presets():
    return {p.id: load_catalogue(p.id) for p in list_presets() if p.technology == "wind"}


def test_every_land_has_a_wind_preset_and_every_rule_a_dated_source():
    presets = wind_presets()
    by_land = {c.land: pid for pid, c in presets.items() if c.land}
    assert {land for land, _, _ in STATUTORY.values()} | set(PRACTICE.values()) <= set(by_land)
    assert presets["wind_regionalplanung"].land is None           # the fallback for every other Land
    assert set(AGS_LAND.values()) - set(by_land) <= {"SH", "HH", "HB", "RP", "BW", "SL", "BE"}
    year = re.compile(r"(19|20)\d\d")
    for pid, cat in presets.items():
        assert cat.title.de and cat.title.en and cat.description, pid
        for c in cat.criteria:
            text = cat.source_text(c.source)
            assert text.strip() and c.valid_from, (pid, c.id)
            if c.tags and "settlement_setback" in c.tags:
                assert year.search(text), (pid, c.id, text)         # a settlement rule says of when it is


@pytest.mark.parametrize("pid", sorted(STATUTORY))
def test_a_statutory_rule_applies_from_its_date(pid):
    land, rule, since = STATUTORY[pid]
    cat = load_catalogue(pid)
    assert cat.land == land
    crit = cat.criterion(rule)
    assert crit.kind == "hard" and crit.valid_from == since and "settlement_setback" in crit.tags
    assert rule in {c.id for c in cat.active(("hard",), since)}
    assert rule not in {c.id for c in cat.active(("hard",), since - dt.timedelta(days=1))}


def test_nrw_1000_m_ended_with_its_repeal_in_2023():
    cat = load_catalogue("wind_nordrhein_westfalen")
    assert "settlements_baugb_ag_nrw" in {c.id for c in cat.active(("hard",), dt.date(2022, 6, 1))}
    now = {c.id for c in cat.active(("hard", "soft"), TODAY)}
    assert not {"settlements_baugb_ag_nrw", "dwelling_groups_baugb_ag_nrw"} & now
    assert "settlements_soft" in now                                # practice stands in for the regional plans


def test_bayern_has_10h_with_the_exceptions_of_2022_and_art_82a():
    cat = load_catalogue("wind_bayern")
    ten_h = cat.criterion("settlements_10h")
    assert ten_h.buffer_m(cat.reference_turbine) == pytest.approx(10 * (159 + 70.5))
    assert [z.id.split(".")[1] for z in ten_h.except_within] == ["forest", "motorways", "main_railways"]
    assert ten_h.except_within[0].inset.metres(cat.reference_turbine) == 70.5       # 1 R of the E-141
    assert all(z.valid_from == dt.date(2022, 11, 16) for z in ten_h.except_within)
    assert {z.id.split(".")[1]: z.buffer_m(None) for z in ten_h.except_within} == {
        "forest": 0.0, "motorways": 500.0, "main_railways": 500.0}
    assert cat.criterion("settlements_art82a").buffer_m(None) == 1000.0
    assert "settlements_soft" not in {c.id for c in cat.criteria}
    assert "railways" in cat.roles_needed(("hard",), TODAY)


def test_bayern_exactly_on_a_synthetic_municipality(tmp_path):
    """Village, forest, motorway and a main railway: the land free of hard criteria is the area minus the village's
    2,295 m (10 H) outside the exceptions and minus its 1,000 m everywhere (shapely); before 16 Nov 2022 the
    10 H hold everywhere."""
    area = shapely.box(X0, Y0, X0 + 9000, Y0 + 6000)
    village = shapely.box(X0 + 3000, Y0 + 2500, X0 + 4000, Y0 + 3500)
    forest = shapely.box(X0 + 5000, Y0 + 500, X0 + 6500, Y0 + 5500)
    motorway = shapely.LineString([(X0, Y0 + 1000), (X0 + 9000, Y0 + 1000)])
    railway = shapely.LineString([(X0 + 1200, Y0), (X0 + 1200, Y0 + 6000)])
    layers = write_layers(tmp_path / "by.gpkg", {
        "municipalities": frame([area], name=["Musterau"], ags=["09999999"]),
        "landuse": frame([village, forest], landuse=["residential", "forest"]),
        "roads": frame([motorway], highway=["motorway"]),
        "railways": frame([railway], railway=["rail"], usage=["main"])})

    def eligible(on):
        outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, None)
        return run_eligibility(load_catalogue("wind_bayern"), layers, AreaOfInterest(layers["municipalities"], "name"),
                               outs, EligibilitySettings(resolution_m=10.0, kinds=("hard",), workers=1, on_date=on,
                                                         crs="EPSG:25832")).eligible_ha

    inside_forest = forest.buffer(-70.5, join_style="mitre")           # the tower foot one rotor radius inside
    exceptions = shapely.union_all([inside_forest, motorway.buffer(500, quad_segs=Q),
                                    railway.buffer(500, quad_segs=Q)])
    ten_h = village.buffer(2295.0, quad_segs=Q)
    now = shapely.union_all([ten_h.difference(exceptions), village.buffer(1000.0, quad_segs=Q)]).intersection(area)
    assert eligible(TODAY) == pytest.approx((area.area - now.area) / 1e4, rel=0.003)
    assert eligible(dt.date(2020, 1, 1)) == pytest.approx((area.area - ten_h.intersection(area).area) / 1e4, rel=0.003)


EXTRACT = Path("/work/shared/realdata/osm_north_bayreuth_2014/north-bayreuth.osm.gz")


@pytest.mark.skipif(not EXTRACT.exists(), reason="real OSM extract not available")
def test_bayern_on_the_real_heinersreuth_extract(tmp_path):
    """Heinersreuth (AGS 09472150) from the real OSM extract: the two settlement rules of wind_bayern alone (every
    other criterion removed) exclude exactly the land shapely computes from the same prepared layers, forests of
    the extract free real land from the 10 H, and the run on the full preset says which exceptions it read."""
    import gzip
    import shutil

    from conftest import LogRecorder

    from wip_qgis_plugin.core.data.sources.prepare import prepare_sources

    osm = tmp_path / "north-bayreuth.osm"
    with gzip.open(EXTRACT, "rb") as src, open(osm, "wb") as dst:
        shutil.copyfileobj(src, dst)
    prepared = prepare_sources([osm], tmp_path / "prepared", "EPSG:25832")
    lay = prepared.layers
    base = load_catalogue("wind_bayern")
    keep = {"settlements_10h", "settlements_art82a"}
    own = tmp_path / "by_settlements.yaml"
    own.write_text(yaml.safe_dump({"schema": "wip-catalogue/1", "id": "by_settlements", "version": "1",
                                   "technology": "wind", "title": {"de": "BY", "en": "BY"}, "extends": "wind_bayern",
                                   "remove": sorted(c.id for c in base.criteria if c.id not in keep)}),
                   encoding="utf-8")
    cat = load_catalogue(own)
    assert {c.id for c in cat.criteria} == keep
    log = LogRecorder()
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, None)
    res = run_eligibility(cat, lay, AreaOfInterest(lay["municipalities"], "name"), outs,
                          EligibilitySettings(resolution_m=10.0, kinds=("hard",), workers=1, on_date=TODAY,
                                              crs="EPSG:25832"), log)

    def read(role):
        return pyogrio.read_dataframe(lay[role].path, layer=lay[role].layer)

    muni = shapely.union_all(read("municipalities").geometry.values)
    landuse = read("landuse")
    residential = shapely.union_all(landuse.geometry.values[np.asarray(landuse["landuse"] == "residential")])
    forest = shapely.union_all(landuse.geometry.values[np.asarray(landuse["landuse"] == "forest")])
    roads, rail = read("roads"), read("railways")
    motorways = roads.geometry.values[np.asarray(roads["highway"] == "motorway")]
    usage = rail["usage"] if "usage" in rail.columns else None
    main_lines = rail.geometry.values[np.asarray((rail["railway"] == "rail") & (usage == "main"))] \
        if usage is not None else []
    inside_forest = forest.buffer(-70.5, quad_segs=Q)                  # one rotor radius inside the forest edge
    exceptions = shapely.union_all([inside_forest, *[g.buffer(500, quad_segs=Q) for g in [*motorways, *main_lines]]])
    excluded = shapely.union_all([residential.buffer(2295.0, quad_segs=Q).difference(exceptions),
                                  residential.buffer(1000.0, quad_segs=Q)]).intersection(muni)
    expected_ha = (muni.area - excluded.area) / 1e4
    assert res.eligible_ha == pytest.approx(expected_ha, rel=0.01, abs=0.5)
    strict = (muni.area - residential.buffer(2295.0, quad_segs=Q).intersection(muni).area) / 1e4
    assert res.eligible_ha > strict + 1.0                 # the extract's forests free land from the 10 H
    assert any("Exception 'settlements_10h.forest'" in m for m in log.infos)


def test_every_land_gets_a_preset_and_a_municipality_of_another_land_is_warned_about(tmp_path):
    from conftest import LogRecorder

    from wip_qgis_plugin.core.catalogue.lands import land_of_key, preset_for_land

    assert {land: preset_for_land(land) for land in ("BY", "BB", "NW", "SN", "ST", "TH", "HE", "MV", "NI")} == {
        "BY": "wind_bayern", "BB": "wind_brandenburg", "NW": "wind_nordrhein_westfalen", "SN": "wind_sachsen",
        "ST": "wind_sachsen_anhalt", "TH": "wind_thueringen", "HE": "wind_hessen",
        "MV": "wind_mecklenburg_vorpommern", "NI": "wind_niedersachsen"}
    assert {preset_for_land(land) for land in ("SH", "HH", "HB", "RP", "BW", "SL", "BE")} == {"wind_regionalplanung"}
    assert preset_for_land("BY", "pv_ground") is None
    assert (land_of_key("09472150"), land_of_key("150820000000"), land_of_key("Z1"), land_of_key("123")) == (
        "BY", "ST", None, None)
    assert land_of_key(9472150) == land_of_key("9472150.0") == land_of_key(9472150.0) == "BY"   # a numeric column
    area = shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)
    layers = write_layers(tmp_path / "m.gpkg", {
        "municipalities": frame([area, shapely.box(X0 + 2000, Y0, X0 + 4000, Y0 + 2000)],
                                name=["Heinersreuth", "Zörbig"], ags=["09472150", "15082440"]),
        "landuse": frame([shapely.box(X0 + 100, Y0 + 100, X0 + 200, Y0 + 200)], landuse=["residential"])})
    outs = EligibilityOutputs(tmp_path / "e.tif", tmp_path / "r.tif", None, None)
    log = LogRecorder()
    run_eligibility(load_catalogue("wind_sachsen_anhalt"), layers,
                    AreaOfInterest(layers["municipalities"], "name", id_field="ags"), outs,
                    EligibilitySettings(resolution_m=50.0, workers=1), log)
    found = [w for w in log.warnings if "holds the rules of the Land ST" in w]
    assert len(found) == 1 and "Heinersreuth" in found[0] and "Zörbig" not in found[0]
    assert "wind_bayern" in found[0]
    log = LogRecorder()
    run_eligibility(load_catalogue("wind_regionalplanung"), layers,
                    AreaOfInterest(layers["municipalities"], "name", id_field="ags"), outs,
                    EligibilitySettings(resolution_m=50.0, workers=1), log)
    assert not [w for w in log.warnings if "holds the rules" in w]     # the practice preset names no Land
