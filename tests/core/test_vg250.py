"""Municipal boundaries from the BKG's VG250-EW WFS (core/data/vg250.py), against a stand-in server."""
from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest

from wip_qgis_plugin.core.data import vg250
from wip_qgis_plugin.core.data.overpass import FetchFailure
from wip_qgis_plugin.core.errors import Cancelled, InputError

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "vg250ew_gemeinden" / "gemeinden_sn_st_th.gpkg"


def feature(name: str, ags: str, gf: int | None = 4, ewz: int = 1000) -> dict:
    props = {"GEN": name, "AGS": ags, "EWZ": ewz, "SN_L": ags[:2]}
    if gf is not None:
        props["GF"] = gf
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}


COLLECTION = {"type": "FeatureCollection", "features": [
    feature("Zörbig", "15082430"), feature("Bitterfeld-Wolfen", "15082015"), feature("Leipzig", "14713000"),
    feature("Bodensee-Anteil", "15082999", gf=2), feature("Erfurt", "16051000")]}


class FakeService:
    """A WFS stand-in: answers with ``collection`` in chunks; optionally refuses requests with a FILTER."""

    def __init__(self, collection: dict, refuse_filter: bool = False, chunk: int = 64):
        self.data = json.dumps(collection).encode("utf-8")
        self.refuse_filter = refuse_filter
        self.chunk = chunk
        self.urls: list[str] = []

    def __call__(self, url: str, body: bytes, timeout_s: float):
        self.urls.append(url)
        assert body == b""  # a GET
        if self.refuse_filter and "FILTER=" in url:
            raise FetchFailure("http", "Bad Request", 400, b"<ExceptionReport>filter not supported</ExceptionReport>")
        return (self.data[i:i + self.chunk] for i in range(0, len(self.data), self.chunk))


class Recorder:
    def __init__(self, cancel_after: int | None = None):
        self.lines, self.warnings, self.calls, self.cancel_after = [], [], 0, cancel_after

    def report(self, fraction, message=None):
        self.calls += 1

    def info(self, message):
        self.lines.append(message)

    def warning(self, message):
        self.warnings.append(message)

    def is_cancelled(self):
        return self.cancel_after is not None and self.calls >= self.cancel_after


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_the_request_asks_for_the_municipalities_of_the_lands_as_geojson():
    url = vg250.vg250_request_url(["ST", "sn"])
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith("https://sgx.geodatenzentrum.de/wfs_vg250-ew?")
    assert query["TYPENAMES"] == "vg250-ew:vg250_gem" and query["OUTPUTFORMAT"] == "application/json"
    assert query["SRSNAME"] == "EPSG:25832" and query["VERSION"] == "2.0.0"
    assert "<fes:Or>" in query["FILTER"] and "<fes:Literal>15</fes:Literal>" in query["FILTER"]
    assert "<fes:Literal>14</fes:Literal>" in query["FILTER"]
    assert "FILTER" not in dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(vg250.vg250_request_url([])).query))
    with pytest.raises(InputError, match="not a German Land code"):
        vg250.vg250_request_url(["XX"])


def test_the_lands_land_areas_are_written_and_counted(tmp_path):
    service, rec = FakeService(COLLECTION), Recorder()
    result = vg250.download_vg250(tmp_path / "gemeinden.geojson", ["ST"], fetch=service, progress=rec)
    written = json.loads(result.path.read_text(encoding="utf-8"))
    assert [f["properties"]["GEN"] for f in written["features"]] == ["Zörbig", "Bitterfeld-Wolfen"]
    assert result.per_land == {"ST": 2} and result.left_out == 3 and result.count == 2
    assert "2 municipalities (ST 2)" in rec.lines[-1] and "dl-de/by-2-0" in rec.lines[-1]
    assert rec.lines[-1].render("de").startswith("2 Gemeinden (ST 2)")
    assert len(service.urls) == 1 and leftovers(tmp_path) == []


def test_a_service_refusing_the_filter_is_asked_again_and_the_lands_kept_by_their_key(tmp_path):
    service, rec = FakeService(COLLECTION, refuse_filter=True), Recorder()
    result = vg250.download_vg250(tmp_path / "g.geojson", ["ST", "TH"], fetch=service, progress=rec)
    assert result.per_land == {"ST": 2, "TH": 1}
    assert len(service.urls) == 2 and "FILTER=" not in service.urls[1]
    assert rec.warnings and "HTTP 400" in rec.warnings[0]


@pytest.mark.parametrize("failure, words", [
    (FetchFailure("offline", "Name or service not known"), "No connection"),
    (FetchFailure("timeout", "timed out"), "did not answer in time"),
])
def test_offline_or_slow_is_refused_with_the_manual_download_and_leaves_nothing(tmp_path, failure, words):
    (tmp_path / "g.geojson").write_text("old", encoding="utf-8")

    def fetch(url, body, timeout_s):
        raise failure

    with pytest.raises(InputError, match=words) as info:
        vg250.download_vg250(tmp_path / "g.geojson", ["ST"], fetch=fetch)
    assert vg250.VG250_OPEN_DATA in str(info.value)
    assert info.value.args[0].render("de").startswith(("Keine Verbindung", "Der VG250-Dienst"))  # worded per language
    assert (tmp_path / "g.geojson").read_text(encoding="utf-8") == "old" and leftovers(tmp_path) == []


@pytest.mark.parametrize("answer, words", [
    ({"type": "FeatureCollection", "features": []}, "no municipality"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}}]}, "GEN"),
    ({"error": "nope"}, "did not answer with GeoJSON"),
])
def test_an_answer_without_municipalities_is_refused(tmp_path, answer, words):
    with pytest.raises(InputError, match=words):
        vg250.download_vg250(tmp_path / "g.geojson", ["ST"], fetch=FakeService(answer))
    assert not (tmp_path / "g.geojson").exists() and leftovers(tmp_path) == []


def test_cancelling_during_the_download_leaves_no_file(tmp_path):
    with pytest.raises(Cancelled):
        vg250.download_vg250(tmp_path / "g.geojson", ["ST"], fetch=FakeService(COLLECTION, chunk=16),
                             progress=Recorder(cancel_after=5))
    assert list(tmp_path.iterdir()) == []


def test_the_real_vg250_of_sachsen_anhalt(tmp_path):
    """The real VG250-EW of SN/ST/TH (../shared/realdata), served in the WFS's field names: 218 municipalities of
    Sachsen-Anhalt, the figure of the data's own SOURCE.txt."""
    if not REALDATA.is_file():
        pytest.skip(f"{REALDATA} is not there (real data are not part of the repository)")
    gpd = pytest.importorskip("geopandas")
    frame = gpd.read_file(REALDATA, layer="gemeinden").to_crs(25832)
    frame = frame.rename(columns={"name": "GEN", "ags": "AGS", "pop": "EWZ"})[["GEN", "AGS", "EWZ", "geometry"]]
    collection = json.loads(frame.to_json())
    result = vg250.download_vg250(tmp_path / "st.geojson", ["ST"], fetch=FakeService(collection, chunk=1 << 16))
    assert result.per_land == {"ST": 218}
    written = gpd.read_file(result.path)
    assert written.crs.to_epsg() == 25832  # the file names its CRS (GeoJSON without one is read as WGS84)
    assert len(written) == 218 and "Zörbig" in set(written["GEN"])
    assert written.geometry.area.sum() / 1e6 == pytest.approx(20_460, rel=0.02)  # Sachsen-Anhalt: 20,459 km²


def test_the_command_writes_the_lands_and_says_how_many(tmp_path, monkeypatch, capsys):
    from wip_qgis_plugin.cli import main
    from wip_qgis_plugin.core.data import overpass

    service = FakeService(COLLECTION)
    monkeypatch.setattr(overpass, "urllib_fetch", service)
    assert main(["boundaries", "--land", "ST", "--land", "SN", "--out", str(tmp_path / "g.geojson")]) == 0
    out = capsys.readouterr().out
    assert "boundaries: 3 municipalities (SN 1, ST 2), 2 left out" in out
    assert "<fes:Literal>14</fes:Literal>" in urllib.parse.unquote_plus(service.urls[0])
