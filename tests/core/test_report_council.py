"""The German report as a council member reads it (issue 15): a municipality's page shows its own figures, numbers
in German format (also on the charts' axes), a reason wherever a best site has no grid figure or a source is
missing, German law texts, and the quoted sources of the presets in German.

Oracles: the sites written to ``profile_sites.gpkg`` (summed here) and the rooftop engine's roofs, numbers formatted
here with Python's format and the German separators, golden texts, and a list of English words.
"""
from __future__ import annotations

import dataclasses
import html
import re
from types import SimpleNamespace

import geopandas as gpd
import pytest
import yaml
from test_profile import GPKG, NAMES, make_plan

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.errors import CatalogueError
from wip_qgis_plugin.core.profile.engine import run_profile
from wip_qgis_plugin.core.profile.model import GENERATION_SOURCES, NO_SITES_TO_CONNECT, SourceSpec
from wip_qgis_plugin.core.profile.report_sources import density_text, grid_reason

pytestmark = pytest.mark.skipif(not GPKG.is_file(), reason="sample region missing")

#: English words that have no business in a German sentence (lower case, whole words).
ENGLISH_WORDS = ("and", "or", "not", "nor", "the", "of", "since", "former", "included", "needed", "over", "with",
                 "without", "force", "parking", "lots", "land", "grassland", "farmland", "site", "sites", "reused",
                 "computed", "missing", "file", "role", "profile", "inhabitant", "use", "true", "false",
                 "none", "fixed_south", "agri_vertical", "floating")


def german(x: float, digits: int) -> str:
    """``x`` with German separators (thin-space grouping, decimal comma): the oracle of the report's format."""
    return f"{x:,.{digits}f}".replace(",", "\u2009").replace(".", ",")


def page_text(path) -> str:
    """The visible text of a report page (no style, no images, tags as spaces, entities decoded)."""
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<style>.*?</style>|<img[^>]*>", " ", t, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", t))


def table_rows(page: str, heading: str) -> list[list[str]]:
    """The body rows (cells as text) of the first table after the ``<h2>`` ``heading``."""
    part = page.split(f"<h2>{heading}</h2>", 1)[1]
    table = part[part.index("<table>"):part.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in rows]


@pytest.fixture(scope="module")
def german_run(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("in")
    out = tmp_path_factory.mktemp("out")
    plan = make_plan(out, inputs, report=True, language="de", suitability=False)
    return run_profile(dataclasses.replace(plan, sources=plan.sources[:2] + (SourceSpec("agri_pv"),
                                                                             SourceSpec("pv_rooftop"))))


def test_a_municipality_page_shows_its_own_sources_not_the_runs(german_run):
    out = german_run.plan.output_dir
    sites = gpd.read_file(out / "profile_sites.gpkg", layer="sites", engine="pyogrio")
    overview = (out / "report" / "index.html").read_text(encoding="utf-8")
    for name in NAMES:
        page = german_run.files[f"report:{name}"].read_text(encoding="utf-8")
        rows = {r[0]: r for r in table_rows(page, "Erzeugungsarten")}
        for key in ("wind", "pv_ground", "agri_pv"):
            own = sites[(sites["source"] == key) & (sites["municipality"] == name)]
            run = sites[sites["source"] == key]
            assert 0 < len(own) < len(run)
            cell = rows[GENERATION_SOURCES[key].label("de")][2]
            assert f"{german(own['capacity_mw'].sum(), 1)} MW an {len(own)} Standorten" in cell, (name, key, cell)
            assert f"{german(run['capacity_mw'].sum(), 1)} MW" not in cell
            flh = own["energy_mwh_per_a"].sum() / own["capacity_mw"].sum()
            assert f"{german(flh, 0)} Volllaststunden" in cell
            assert f"{german(run['capacity_mw'].sum(), 1)} MW an {len(run)} Standorten" in overview
        assert "alle Gemeinden dieses Laufs" not in page and "dieser Gemeinde" in page


def worded(text: str) -> str:
    """``text`` without what the report quotes rather than words: paths, ids and places of files (``demand.yml``,
    ``heat_pump.intercept``, ``rotor_in``), versions (``2024.1``, ``demandlib 0.2.2``), dates (1.1.2023), the time
    of the run and the titles of publications („Time series of …“)."""
    text = re.sub(r"„[^“]*“", " ", text)
    text = re.sub(r"WIP \S+|\d{4}-\d\d-\d\dT[\d:]+", " ", text)  # the version and the time of the run
    text = re.sub(r"\S*[/_\[]\S*|\b[A-Za-z]+\.[A-Za-z]\S*", " ", text)  # paths, ids, places in a file
    text = re.sub(r"\b\d{4}\.\d+\b|\b\d+\.\d+\.\d+\b", " ", text)  # catalogue and software versions
    return re.sub(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", " ", text)  # German dates (1.1.2023)


def english_numbers(text: str) -> list[str]:
    """Numbers in English format in ``text``: a grouping comma (1,200; a German decimal 0,245 starts with 0) or a
    decimal point (4.2), with some context."""
    return re.findall(r".{0,30}(?<![\d,])[1-9]\d{0,2},\d{3}(?![\d,]).{0,10}|.{0,30}\d\.\d.{0,10}", text)


def assumptions_section(path) -> str:
    """The section *Annahmen und Quellen* of a page, without its tables of run parameters and input layers (their
    keys and paths are the run's own words, ``land``, ``year``)."""
    page = path.read_text(encoding="utf-8").split("<h2>Annahmen und Quellen</h2>", 1)[1]
    page = re.sub(r"<h3>(Parameter|Eingangsebene)</h3>\s*<table>.*?</table>", " ", page, flags=re.S)
    page = re.sub(r"<style>.*?</style>|<img[^>]*>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_no_english_number_format_in_the_german_report(german_run):
    """No grouping comma (1,200) and no decimal point (4.2) in the text the report words, nor in the sources of the
    presets it quotes (Annahmen und Quellen)."""
    for path in (german_run.plan.output_dir / "report").glob("*.html"):
        for text in (page_text(path).split("Annahmen und Quellen")[0], assumptions_section(path)):
            assert not english_numbers(worded(text)), (path.name, english_numbers(worded(text)))
    quoted = assumptions_section(german_run.files[f"report:{NAMES[0]}"])
    assert "0,245 × 512 TWh / 83,2 Mio. = 1\u2009508 kWh" in quoted  # the demand preset's note, German
    assert "12\u2009320 km" in quoted and "0,20 kWh/km" in quoted  # the demand-scenario figures, German


def test_a_turbine_is_described_with_german_numbers():
    facts = {"turbine": "Enercon E-141/4200", "turbine_mw": 4.2, "hub_height_m": 159.0, "rotor_diameter_m": 141.0,
             "spacing_d": (5.0, 3.0), "capacity_mw": 2415.04, "n_sites": 30823, "noise_checked": True,
             "noise_reduced": 189, "noise_night_off": 319, "noise_lost_gwh": 1393.2, "shadow_modules": 1200}
    de = density_text(facts, "de")
    assert "Anlagenlayout Enercon E-141/4200 (4,2 MW, Nabe 159 m, Rotor 141 m), Abstände 5 D × 3 D" in de
    assert "2\u2009415,0 MW an 30\u2009823 Standorten" in de
    assert "1\u2009393,2 GWh/a weniger · 1\u2009200 Anlagen mit Schattenabschaltung" in de
    en = density_text(facts, "en")
    assert "Enercon E-141/4200 (4.2 MW, hub 159 m, rotor 141 m)" in en and "2,415.0 MW in 30,823 sites" in en
    assert "System Feste Süd-Aufständerung" == density_text({"system": "fixed_south"}, "de")


def test_every_best_site_without_a_grid_figure_has_a_reason(german_run):
    seen = 0
    for name in NAMES:
        page = german_run.files[f"report:{name}"].read_text(encoding="utf-8")
        for row in table_rows(page, "Beste Standorte"):
            source, site, _, _, cost, substation, reason = row
            assert reason and reason != "–", row
            if cost == "–":
                seen += 1
                assert reason.startswith(("kein", "nicht bewertet")), row
            else:
                assert reason.startswith(("angeschlossen", "teilweise")), row
    assert seen  # the sample's best sites include agri-PV, which has no connection of its own


@pytest.mark.parametrize(("site", "note", "de"), [
    ({"source": "wind", "grid_status": "no_free_capacity"}, "",
     "kein Anschluss: Umspannwerke in Reichweite, aber keines mit freier Kapazität"),
    ({"source": "pv_ground", "grid_status": "no_suitable_substation"}, "",
     "kein Anschluss: kein Umspannwerk der nötigen Spannungsebene in Reichweite (längste Trasse der Ebene)"),
    ({"source": "wind", "grid_status": "above_all_levels"}, "",
     "kein Anschluss: Leistung über der Grenze jeder Anschlussebene des Netzkatalogs"),
    ({"source": "wind", "grid_status": ""}, "no substation layer given",
     "nicht bewertet: keine Ebene der Umspannwerke angegeben"),
    ({"source": "pv_ground", "grid_status": ""}, "no grid step in this profile",
     "nicht bewertet: dieses Profil hat keinen Netzschritt"),
    ({"source": "wind", "grid_status": ""}, NO_SITES_TO_CONNECT,
     "nicht bewertet: kein Standort mit Leistung zum Anschließen"),
    ({"source": "agri_pv", "grid_status": ""}, "",
     "kein eigener Netzanschluss: Alternative zur Freiflächen-PV auf derselben Fläche (deren Anschluss gilt)"),
    ({"source": "pv_ground", "grid_status": "partly_connected", "capacity_mw": 12.5, "grid_connected_mw": 4.25}, "",
     "teilweise angeschlossen: 4,25 von 12,5 MW passen in die freie Kapazität in Reichweite"),
])
def test_the_reason_for_a_missing_grid_figure(site, note, de):
    result = SimpleNamespace(grid_note=note, sites=gpd.GeoDataFrame())
    assert grid_reason(site, result, "de") == de
    assert grid_reason(site, result, "en") != de and grid_reason(site, result, "en")


@pytest.mark.parametrize("preset", ["pv_ground", "pv_ground_bplan"])
def test_the_category_law_texts_are_german_in_german(preset):
    cat = load_catalogue(preset)
    for cid, category in cat.categories.items():
        assert category.law_text is not None, cid
        de = category.law_in("de")
        words = set(re.findall(r"[A-Za-z_]+", de))
        assert not words & set(ENGLISH_WORDS), (cid, sorted(words & set(ENGLISH_WORDS)))
        assert category.law_in("en") != de


def test_the_german_page_has_no_english_words(german_run):
    """Everything the report words is German, and so are the sources of the presets it quotes."""
    for name in NAMES:
        path = german_run.files[f"report:{name}"]
        for text in (page_text(path).split("Annahmen und Quellen")[0], worded(assumptions_section(path))):
            words = set(re.findall(r"[A-Za-z_]+", text))
            assert not words & set(ENGLISH_WORDS), (name, sorted(words & set(ENGLISH_WORDS)))
    quoted = assumptions_section(german_run.files[f"report:{NAMES[0]}"])
    for german_source in ("Nettostromverbrauch 2019 ≈ 512 TWh", "Spannen der Investitions- und Betriebskosten",
                          "Modellannahme: Jede Wärmepumpe ist eine Luft-Wärmepumpe"):
        assert german_source in quoted
    law = table_rows(german_run.files[f"report:{NAMES[0]}"].read_text(encoding="utf-8"), "PV-Flächenkategorien")
    assert law[0][1].endswith("(1.1.2023)") and "Rand" not in law[0][1]  # the law_text, not the citation


def test_a_law_text_needs_both_languages(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({
        "extends": "pv_ground", "schema": "wip-catalogue/1", "id": "c", "version": "1", "technology": "pv_ground",
        "title": {"de": "c", "en": "c"},
        "categories": {"parking": {"label": {"de": "p", "en": "p"}, "law": "eeg2023_37_parking",
                                   "law_text": {"de": "nur Deutsch"}, "valid_from": "2023-01-01",
                                   "system": "fixed_south", "density": {"value": "1 MWp/ha", "source": "bplan"}}}}),
        encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert "categories.parking.law_text: needs a German and an English text" in str(err.value)


def test_rooftop_pv_on_a_municipality_page_has_its_own_density_and_yield(german_run):
    """The rooftop sites of ``profile_sites.gpkg`` (MW, count, energy) and the engine's roofs of the same sites (kWp,
    usable roof) give the page's figures: no "0 MWp je km²", no missing yield."""
    out = german_run.plan.output_dir
    sites = gpd.read_file(out / "profile_sites.gpkg", layer="sites", engine="pyogrio")
    roofs = gpd.read_file(out / "profile_pv_rooftop.gpkg", layer="rooftop_pv", engine="pyogrio")
    label = GENERATION_SOURCES["pv_rooftop"].label("de")
    for name in NAMES:
        own = sites[(sites["source"] == "pv_rooftop") & (sites["municipality"] == name)]
        assert 0 < len(own) < (sites["source"] == "pv_rooftop").sum()
        mine = roofs[roofs["site_id"].astype(str).isin(own["site_id"].astype(str)) & (roofs["municipality"] == name)]
        assert len(mine) == len(own)
        kwp, roof_m2 = mine["capacity_kwp"].sum(), mine["usable_roof_m2"].sum()
        cell = {r[0]: r for r in table_rows(german_run.files[f"report:{name}"].read_text(encoding="utf-8"),
                                            "Erzeugungsarten")}[label][2]
        assert f"{german(own['capacity_mw'].sum(), 1)} MW an {german(len(own), 0)} Standorten" in cell, cell
        assert f"{german(kwp / 1000 / (roof_m2 / 1e6), 0)} MWp je km² nutzbarer Dachfläche" in cell, cell
        assert f"{german(own['energy_mwh_per_a'].sum() * 1000 / kwp, 0)} kWh/kWp/a" in cell, cell
        flh = own["energy_mwh_per_a"].sum() / own["capacity_mw"].sum()
        assert f"{german(flh, 0)} Volllaststunden" in cell and " 0 MWp je km²" not in cell, cell


def test_a_missing_source_gives_its_reason_in_german(german_run):
    from wip_qgis_plugin.core.profile.model import SourceResult
    from wip_qgis_plugin.core.profile.report_sources import sources_table
    from wip_qgis_plugin.core.profile.sources import run_source
    from wip_qgis_plugin.core.progress import NullProgress

    class Warnings(NullProgress):
        def __init__(self):
            super().__init__()
            self.lines = []

        def warning(self, message):
            self.lines.append(message)

    progress = Warnings()
    ctx = SimpleNamespace(technologies={}, plan=SimpleNamespace(layers={}))
    agri = run_source(ctx, SourceSpec("agri_pv"), progress).reason
    roof = run_source(ctx, SourceSpec("pv_rooftop"), progress).reason
    floating = run_source(ctx, SourceSpec("pv_floating"), progress).reason
    assert agri == "it builds on the eligible areas of 'ground-mounted PV', which this profile does not compute"
    assert roof == "no building layer given"  # the JSON and the log keep the English text
    assert progress.lines[1].render("de") == "Dach-PV: fehlt — keine Gebäudeebene angegeben"
    result = dataclasses.replace(german_run, sources={
        "agri_pv": SourceResult("agri_pv", "missing", reason=agri),
        "pv_rooftop": SourceResult("pv_rooftop", "missing", reason=roof),
        "pv_floating": SourceResult("pv_floating", "missing", reason=floating)})
    reasons = [row[3] for row in table_rows("<h2>x</h2>" + sources_table(result, "de", NAMES[0]), "x")]
    assert reasons == ["sie baut auf den Potenzialflächen von „Freiflächen-PV“ auf, die dieses Profil nicht berechnet",
                       "keine Gebäudeebene angegeben",
                       "keine Gewässerebene angegeben (Rolle water, oder lakes für eine Ebene der zulässigen Seen)"]


def tick_texts(fig) -> list[str]:
    """The numbers on the axes of ``fig`` as drawn."""
    fig.canvas.draw()
    return [t.get_text() for ax in fig.axes for t in (*ax.get_xticklabels(), *ax.get_yticklabels()) if t.get_text()]


def test_the_charts_number_their_axes_in_german(german_run, monkeypatch):
    """matplotlib writes 1000 and 0.5; the German report's charts 1 000 and 0,5 (the format of its tables)."""
    from wip_qgis_plugin.core.profile import report

    drawn = []
    monkeypatch.setattr(report, "_png", lambda fig: drawn.append(fig) or "")
    m = german_run.municipalities[0]
    report.chart_monthly(m.balance, "de")
    report.chart_duration(m.balance, "de")
    report.chart_sweep([{"name": "A", "variant": "v", "setback_m": s, "eligible_ha": e, "total_ha": 1000.0}
                        for s, e in ((500, 12.5), (1000, 5.0), (1500, 1.25))], None, "de")
    numbers = [t for fig in drawn for t in tick_texts(fig) if re.search(r"\d", t)]
    assert any("\u2009" in t for t in numbers) and any("," in t for t in numbers), numbers  # 1 000 MWh, 2,5 %
    assert not [t for t in numbers if re.search(r"\d\.\d|\d{4}", t)], numbers
    for fig in drawn:
        for ax in fig.axes:  # the oracle: each tick's value formatted here
            for value, label in zip(ax.get_yticks(), ax.get_yticklabels()):
                assert label.get_text() == german(value, len(f"{value:g}".partition(".")[2])).replace("-", "−")


def test_the_sweep_chart_numbers_its_axes_in_german(monkeypatch, tmp_path):
    from matplotlib.figure import Figure

    from wip_qgis_plugin.core.eligibility import sweep

    drawn = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: drawn.append(fig))
    setbacks = [500.0, 1000.0, 1500.0, 2000.0]
    result = SimpleNamespace(criterion_id="settlement", rows=[SimpleNamespace(name="A")], variants=["v"],
                             setbacks_m=setbacks, series=lambda variant, name=None: [1.2, 0.8, 0.5, 0.3])
    catalogue = SimpleNamespace(criterion=lambda cid: SimpleNamespace(label=SimpleNamespace(get=lambda lang: "Ort")))
    sweep._write_chart(tmp_path / "sweep.png", result, catalogue, "de")
    numbers = tick_texts(drawn[0])
    assert "1\u2009000" in numbers and any(re.fullmatch(r"[01],\d+", t) for t in numbers), numbers  # 1 000 m, 0,6 %
    assert not [t for t in numbers if re.search(r"\d\.\d|\d{4}", t)], numbers
