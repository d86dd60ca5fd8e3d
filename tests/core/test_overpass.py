"""OSM download from an Overpass server: the query, the checks of the answer, the conversion.

Never touches the network: the answers are a recorded (synthetic) OSM XML file served by a fake
fetch, and the connection errors come from servers on the loopback interface.
"""
from __future__ import annotations

import http.server
import math
import socket
import threading
import urllib.parse
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from pyproj import Geod
from shapely.geometry import box

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data import overpass as op
from wip_qgis_plugin.core.data.layers import ROLES
from wip_qgis_plugin.core.eligibility.aoi import AreaOfInterest
from wip_qgis_plugin.core.errors import Cancelled
from wip_qgis_plugin.core.jobs.build import osm_convert_job, osm_plan_job
from wip_qgis_plugin.core.jobs.osm_download import (
    OsmDownloadOutputs,
    OsmDownloadSettings,
    largest_setback,
    run_osm_download,
)
from wip_qgis_plugin.core.jobs.protocol import job_outputs, run_job

DATA = Path(__file__).parent / "data"
ANSWER = DATA / "overpass_answer.osm"
SERVER = "https://overpass.example.org/api/interpreter"


class FakeFetch:
    """Serves a recorded answer in chunks and remembers the request."""

    def __init__(self, payload: bytes, chunk: int = 256, failure: op.FetchFailure | None = None):
        self.payload, self.chunk, self.failure = payload, chunk, failure
        self.calls: list[tuple[str, bytes, float]] = []

    def __call__(self, url: str, body: bytes, timeout_s: float):
        self.calls.append((url, body, timeout_s))
        if self.failure is not None:
            raise self.failure
        return (self.payload[i:i + self.chunk] for i in range(0, len(self.payload), self.chunk))

    def query(self) -> str:
        return urllib.parse.parse_qs(self.calls[0][1].decode())["data"][0]


class Recorder:
    def __init__(self, cancel_after: int | None = None):
        self.calls, self.cancel_after, self.lines = 0, cancel_after, []

    def report(self, fraction, message=None):
        self.lines.append(("report", fraction, message))

    def info(self, message):
        self.lines.append(("info", message))

    def warning(self, message):
        self.lines.append(("warning", message))

    def is_cancelled(self):
        self.calls += 1
        return self.cancel_after is not None and self.calls > self.cancel_after


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------- the query
def test_every_role_has_selectors():
    assert set(op.ROLE_SELECTORS) == set(ROLES)


def test_query_holds_the_tags_of_the_roles_and_the_box():
    q = op.overpass_query(["buildings", "landuse", "protected_areas", "power_lines", "substations", "water"],
                          (11.5, 49.9, 11.7, 50.1), timeout_s=120)
    assert q.startswith("[out:xml][timeout:120][bbox:49.900000,11.500000,50.100000,11.700000];\n")
    for part in ('way["building"];', 'relation["building"];', 'way["landuse"];', 'relation["landuse"];',
                 'relation["boundary"~"^(protected_area|national_park)$"];', 'relation["leisure"="nature_reserve"];',
                 'way["power"~"^(line|minor_line|cable)$"];', 'nwr["power"~"^(substation|sub_station)$"];',
                 'way["natural"="water"];', 'relation["natural"="water"];'):
        assert part in q, part
    assert q.rstrip().endswith("(._;>;);\nout body;")  # full recursion: GDAL builds ways and multipolygons
    assert "highway" not in q and "railway" not in q and "aeroway" not in q


def test_query_shares_selectors_between_roles_and_refuses_unknown_roles():
    q = op.overpass_query(["landuse", "settlements", "forest"], (11.5, 49.9, 11.7, 50.1))
    assert q.count('way["landuse"];') == 1
    assert 'way["natural"="wood"];' in q  # natural=wood is forest
    with pytest.raises(op.InputError, match="No OSM download for layer role.*'slope'.*known roles: municipalities"):
        op.overpass_query(["buildings", "slope"], (11.5, 49.9, 11.7, 50.1))
    with pytest.raises(op.InputError, match="No layer role to download"):
        op.overpass_query([], (11.5, 49.9, 11.7, 50.1))


def test_margin_grows_the_box_by_at_least_the_distance():
    bbox = (11.60, 49.98, 11.61, 49.986)
    west, south, east, north = op.expand_bbox_wgs84(bbox, 1100.0)
    # literal: 1100 m / 110,574 m per degree of latitude = 0.009948°; longitude at 49.996° N: 0.015372°
    assert (west, south, east, north) == (11.584628, 49.970051, 11.625372, 49.995949)
    geod = Geod(ellps="WGS84")
    for lon0, lat0, lon1, lat1 in ((11.60, 49.98, 11.60, south), (11.61, 49.986, 11.61, north),
                                   (11.60, north, west, north), (11.61, north, east, north),
                                   (11.60, south, west, south)):
        assert geod.inv(lon0, lat0, lon1, lat1)[2] >= 1100.0  # never smaller than asked
        assert geod.inv(lon0, lat0, lon1, lat1)[2] <= 1100.0 * 1.01
    with pytest.raises(op.InputError, match="empty"):
        op.expand_bbox_wgs84((11.7, 49.9, 11.6, 50.0), 100.0)


# ----------------------------------------------------------------- the download
def test_recorded_answer_is_written_and_counted(tmp_path):
    fetch = FakeFetch(ANSWER.read_bytes())
    progress = Recorder()
    out = tmp_path / "area.osm"
    result = op.download_osm("[out:xml];node(1);out;", out, fetch, progress, SERVER, timeout_s=100)
    assert (result.nodes, result.ways, result.relations) == (18, 6, 1)
    assert result.timestamp == "2024-05-01T12:00:00Z" and result.remarks == ()
    assert out.read_bytes() == ANSWER.read_bytes() and result.size_bytes == ANSWER.stat().st_size
    assert leftovers(tmp_path) == ["area.osm"]
    url, body, timeout = fetch.calls[0]
    assert (url, timeout) == (SERVER, 160.0) and fetch.query() == "[out:xml];node(1);out;"
    assert ("info", f"OSM data from {SERVER}: 18 nodes, 6 ways, 1 relations (0.0 MB).") in progress.lines


def test_a_failed_download_keeps_the_previous_file(tmp_path):
    out = tmp_path / "area.osm"
    out.write_text("previous")
    with pytest.raises(op.OverpassError):
        op.download_osm("q", out, FakeFetch(b"<html><p>nope</p></html>"), server_url=SERVER)
    assert out.read_text() == "previous" and leftovers(tmp_path) == ["area.osm"]


OVERPASS_TIMEOUT_DOC = b"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="Overpass API 0.7.62">
<meta osm_base="2024-05-01T12:00:00Z"/>
<node id="1" lat="50.0" lon="11.6"/>
<remark> runtime error: Query timed out in "query" at line 3 after 301 seconds. </remark>
</osm>
"""
OVERPASS_HTML_ERROR = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en"><head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8" lang="en"/>
  <title>OSM3S Response</title></head><body>
<p>The data included in this document is from www.openstreetmap.org.</p>
<p><strong style="color:#FF0000">Error</strong>: line 2: parse error: Unknown type "wey" </p>
</body></html>
"""


@pytest.mark.parametrize("payload, code, said", [
    (OVERPASS_TIMEOUT_DOC, "server_error", 'runtime error: Query timed out in "query" at line 3 after 301 seconds.'),
    (OVERPASS_HTML_ERROR, "not_osm", 'Error : line 2: parse error: Unknown type "wey"'),
    (b"", "not_osm", "an empty answer"),
    (ANSWER.read_bytes()[:700], "not_osm", "the OSM XML is cut off or broken"),
])
def test_answers_that_are_not_osm_data_leave_no_file(tmp_path, payload, code, said):
    with pytest.raises(op.OverpassError) as info:
        op.download_osm("q", tmp_path / "area.osm", FakeFetch(payload), server_url=SERVER)
    assert info.value.code == code and info.value.server == SERVER
    assert said in str(info.value) and SERVER in str(info.value)
    assert "Geofabrik" in str(info.value) and "another Overpass server" in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failure, code, words", [
    (op.FetchFailure("timeout", "timed out"), "timeout", "did not answer in time"),
    (op.FetchFailure("offline", "[Errno -3] Temporary failure in name resolution"), "offline",
     "no connection ([Errno -3] Temporary failure in name resolution)"),
    (op.FetchFailure("http", "Too Many Requests", 429, b"<p>rate_limited: please wait</p>"), "busy",
     "is busy (HTTP 429: too many requests). The server said: rate_limited: please wait"),
    (op.FetchFailure("http", "Gateway Timeout", 504, b""), "gateway_timeout",
     "is overloaded (HTTP 504: gateway timeout). The server said: Gateway Timeout"),
    (op.FetchFailure("http", "Bad Request", 400, OVERPASS_HTML_ERROR), "http",
     'refused the query (HTTP 400). The server said: The data included in this document is from '
     'www.openstreetmap.org. Error : line 2: parse error: Unknown type "wey"'),
])
def test_connection_problems_name_the_server_and_what_to_do(tmp_path, failure, code, words):
    with pytest.raises(op.OverpassError) as info:
        op.download_osm("q", tmp_path / "area.osm", FakeFetch(b"", failure=failure), server_url=SERVER)
    message = str(info.value)
    assert info.value.code == code and words in message, message
    assert SERVER in message and "Geofabrik" in message
    assert leftovers(tmp_path) == []


def test_cancel_between_chunks_leaves_no_file(tmp_path):
    with pytest.raises(Cancelled):
        op.download_osm("q", tmp_path / "area.osm", FakeFetch(ANSWER.read_bytes(), chunk=100),
                        Recorder(cancel_after=3), SERVER)
    assert leftovers(tmp_path) == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_urllib_fetch_refused_connection_is_offline(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/api/interpreter"
    with pytest.raises(op.OverpassError) as info:
        op.download_osm("q", tmp_path / "area.osm", op.urllib_fetch, server_url=url, timeout_s=1)
    assert info.value.code == "offline" and f"Cannot reach the Overpass server {url}" in str(info.value)
    assert "refused" in str(info.value).lower()
    assert leftovers(tmp_path) == []


@pytest.fixture
def local_server():
    """An HTTP server on the loopback interface: POST answers by path (429, 504, or the recorded answer)."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            seen.append(self.rfile.read(int(self.headers["Content-Length"])))
            status, body = {"/busy": (429, b"<html><body><p>Too many requests: slow down.</p></body></html>"),
                            "/slow": (504, b"<html><body><h1>504 Gateway Time-out</h1></body></html>")}.get(
                                self.path, (200, ANSWER.read_bytes()))
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if status != 200 else "application/osm3s+xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_urllib_fetch_against_a_local_server(tmp_path, local_server):
    base, seen = local_server
    result = op.download_osm("[out:xml];way(1);out;", tmp_path / "a.osm", server_url=f"{base}/api/interpreter")
    assert (result.nodes, result.ways, result.relations) == (18, 6, 1)
    assert urllib.parse.parse_qs(seen[0].decode())["data"] == ["[out:xml];way(1);out;"]
    with pytest.raises(op.OverpassError) as busy:
        op.download_osm("q", tmp_path / "b.osm", server_url=f"{base}/busy")
    assert busy.value.code == "busy" and "Too many requests: slow down." in str(busy.value)
    with pytest.raises(op.OverpassError) as slow:
        op.download_osm("q", tmp_path / "c.osm", server_url=f"{base}/slow")
    assert slow.value.code == "gateway_timeout" and "504 Gateway Time-out" in str(slow.value)
    assert leftovers(tmp_path) == ["a.osm"]


# ----------------------------------------------------------------- plan and conversion
@pytest.fixture
def municipality(tmp_path) -> AreaOfInterest:
    """One municipality around the recorded answer's village (EPSG:25832)."""
    frame = gpd.GeoDataFrame({"name": ["Testdorf", "Anderswo"]}, geometry=[
        box(11.600, 49.980, 11.610, 49.986), box(12.5, 50.5, 12.6, 50.6)], crs="EPSG:4326").to_crs("EPSG:25832")
    path = tmp_path / "gemeinden.gpkg"
    frame.to_file(path, layer="gemeinden")
    return AreaOfInterest(layer=op_layer(path), name_field="name", names=("Testdorf",))


def op_layer(path: Path):
    from wip_qgis_plugin.core.data.layers import LayerRef

    return LayerRef(str(path), "gemeinden")


def test_the_margin_is_the_largest_setback_with_the_reference_turbine():
    thueringen = load_catalogue("wind_thueringen")
    assert largest_setback(thueringen) == (1000.0, "settlements_soft")
    # SächsBO § 84: 1,000 m to groups of 5 dwellings, and a group reaches 4 × (50 m gap + 100 m building) farther
    assert largest_setback(load_catalogue("wind_sachsen")) == (1600.0, "dwelling_groups_saechsbo")
    assert largest_setback(load_catalogue("wind_sachsen_anhalt"), ("hard", "soft")) == (1000.0, "settlements_soft")


def test_plan_job_covers_the_catalogue_roles_and_the_margin(municipality):
    job = osm_plan_job({"source": "wind_thueringen"}, municipality, {"server_url": SERVER})
    assert job_outputs(job) == []
    plan = run_job(job)
    assert plan["roles"] == ["landuse", "buildings", "protected_areas", "water", "substations", "roads"]
    assert plan["margin_m"] == 1100.0 and plan["margin_criterion"] == "settlements_soft" and plan["areas"] == 1
    west, south, east, north = plan["bbox_wgs84"]
    assert f"[bbox:{south:.6f},{west:.6f},{north:.6f},{east:.6f}]" in plan["query"]
    geod = Geod(ellps="WGS84")
    assert 1100.0 <= geod.inv(11.6, 49.98, 11.6, south)[2] <= 1100.0 * 1.01  # only the selected municipality
    assert 1100.0 <= geod.inv(11.61, 49.986, east, 49.986)[2] <= 1100.0 * 1.02
    for tag in ('way["landuse"]', 'way["building"]', 'relation["boundary"~"^(protected_area|national_park)$"]',
                'way["natural"="water"]', 'nwr["power"~"^(substation|sub_station)$"]', 'way["highway"~'):
        assert tag in plan["query"], tag
    aoi = gpd.GeoSeries([box(11.600, 49.980, 11.610, 49.986)], crs="EPSG:4326").to_crs("EPSG:25832").total_bounds
    assert plan["bbox"] == pytest.approx([aoi[0] - 1100, aoi[1] - 1100, aoi[2] + 1100, aoi[3] + 1100], abs=1e-6)


def test_run_downloads_and_writes_the_canonical_geopackage(tmp_path, municipality):
    fetch = FakeFetch(ANSWER.read_bytes())
    out = tmp_path / "osm" / "testdorf.gpkg"
    result = run_osm_download(load_catalogue("wind_thueringen"), municipality, OsmDownloadOutputs(out),
                              OsmDownloadSettings(server_url=SERVER), Recorder(), fetch)
    assert fetch.query() == result.plan.query and fetch.calls[0][0] == SERVER
    assert result.download.path == out.with_suffix(".osm") and result.download.ways == 6
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"landuse", "buildings", "roads", "power_lines", "protected_areas", "wind_turbines"} <= layers
    assert "water" not in layers  # no feature downloaded: left out, so the water criteria say "not assessed"
    counts = result.conversion["counts"]
    assert (counts["landuse"], counts["buildings"], counts["roads"], counts["power_lines"], counts["water"],
            counts["protected_areas"], counts["wind_turbines"]) == (1, 1, 1, 1, 0, 1, 1)  # the pond lies 2.9 km east
    nsg = gpd.read_file(out, layer="protected_areas")
    assert list(nsg["protection_title"]) == ["Naturschutzgebiet"] and nsg.crs.to_epsg() == 25832
    house = gpd.read_file(out, layer="buildings")
    # the 0.0002° × 0.0002° house: 14.3 m × 22.2 m at 49.98° N
    assert house.geometry.area.iloc[0] == pytest.approx(0.0002 * 111_320 * math.cos(math.radians(49.9821)) *
                                                         0.0002 * 111_250, rel=0.01)
    assert sorted(p.name for p in out.parent.iterdir()) == ["testdorf.gpkg", "testdorf.osm"]


def test_convert_job_writes_the_geopackage_it_names(tmp_path):
    job = osm_convert_job(str(ANSWER), str(tmp_path / "c.gpkg"), "EPSG:25832")
    assert job_outputs(job) == [tmp_path / "c.gpkg"]
    result = run_job(job)
    assert result["profile"] == "osm_gdal" and result["layers"]["buildings"] == "buildings"
    assert (tmp_path / "c.gpkg").exists() and leftovers(tmp_path) == ["c.gpkg"]


# ----------------------------------------------------------------- command line and imports
def test_cli_osm_download(tmp_path, municipality, monkeypatch, capsys):
    from wip_qgis_plugin.cli import main

    fetch = FakeFetch(ANSWER.read_bytes())
    monkeypatch.setattr(op, "urllib_fetch", fetch)
    out = tmp_path / "dl" / "testdorf.gpkg"
    argv = ["osm-download", "--catalogue", "wind_thueringen", "--aoi", f"{municipality.layer.path}:gemeinden",
            "--names", "Testdorf", "--server", SERVER, "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "1 area(s), margin 1,100 m (largest setback: settlements_soft)" in printed
    assert "18 nodes, 6 ways, 1 relations" in printed and f"→ {out}" in printed
    assert fetch.calls[0][0] == SERVER and 'way["building"];' in fetch.query()
    assert {"buildings", "landuse", "roads"} <= {name for name, _ in pyogrio.list_layers(out)}
    monkeypatch.setattr(op, "urllib_fetch", FakeFetch(b"", failure=op.FetchFailure("offline", "Connection refused")))
    assert main(argv[:-1] + [str(tmp_path / "offline.gpkg")]) == 2
    assert f"wip: error: Cannot reach the Overpass server {SERVER}: no connection (Connection refused)" in \
        capsys.readouterr().err
    assert not (tmp_path / "offline.gpkg").exists() and not (tmp_path / "offline.osm").exists()


def test_cli_default_server_is_the_engine_default():
    from wip_qgis_plugin.cli import build_parser

    args = build_parser().parse_args(["osm-download", "--catalogue", "x", "--aoi", "a.gpkg", "--out", "o.gpkg"])
    assert args.server == op.DEFAULT_OVERPASS_URL and args.timeout == op.DEFAULT_TIMEOUT_S


def test_the_download_imports_only_the_standard_library():
    """The plugin downloads in QGIS's Python, which may lack the engine's packages."""
    import subprocess
    import sys

    code = ("import sys, wip_qgis_plugin.core.data.overpass; print(sorted(m for m in sys.modules if m.split('.')[0] "
            "in {'numpy','pandas','geopandas','shapely','rasterio','yaml','pyproj','pyogrio'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
