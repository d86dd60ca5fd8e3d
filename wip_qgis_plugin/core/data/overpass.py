"""OpenStreetMap data for an area from an Overpass server: the query, the download, the checks.

:func:`overpass_query` writes an Overpass QL query for the OSM features the catalogue roles read
(:data:`ROLE_SELECTORS`, one entry per role of :data:`.layers.ROLES`) inside a WGS84 box, with
full recursion (``(._;>;); out body;``) so that GDAL's OSM driver can build every way and
multipolygon. :func:`download_osm` posts it, streams the answer into a temporary file next to the
destination (the pattern ``.<stem>.<random>.part<suffix>`` of :class:`.outputs.OutputTransaction`,
so a killed run is cleaned up the same way), checks it is OSM XML, counts its nodes, ways and
relations and renames it onto the destination; on any error or cancel no file is left.

The fetch is injectable: :func:`urllib_fetch` (standard library, the CLI) or the plugin's fetch
through QGIS's network stack (proxy and authentication settings of QGIS). A fetch is
``fetch(url, body, timeout_s) -> iterable of bytes`` and raises :class:`FetchFailure` for
connection problems and HTTP errors; :func:`download_osm` turns those into an
:class:`OverpassError` with a stable ``code`` that names the server and what to do.

This module imports only the standard library: the plugin
downloads in QGIS's own Python even when the engine's packages live in another one. That is also
why it writes its one file itself instead of through :mod:`.outputs` (which imports GDAL bindings).
"""
from __future__ import annotations

import math
import os
import re
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from ..messages import msg

#: The public Overpass instance (the default server; a setting of the CLI and the plugin).
DEFAULT_OVERPASS_URL = "https://overpass-api.de/api/interpreter"
#: Other public instances a message suggests when the default one is busy.
OTHER_OVERPASS_URLS = ("https://overpass.kumi.systems/api/interpreter",
                       "https://maps.mail.ru/osm/tools/overpass/api/interpreter")
#: Where whole regions are offered as files instead (read with a source profile, no server needed).
GEOFABRIK_URL = "https://download.geofabrik.de/europe/germany.html"
#: Server-side time limit of the query. [s]
DEFAULT_TIMEOUT_S = 300.0
#: Bytes read from the connection per chunk (cancellation is checked between chunks). [B]
CHUNK_BYTES = 1 << 16

_ROADS = "^(motorway|trunk|primary|secondary|tertiary)(_link)?$|^(unclassified|residential|living_street)$"
_RAILWAYS = "^(rail|light_rail|narrow_gauge|subway|tram|preserved|construction|disused)$"

#: Overpass QL selectors per layer role: the features the shipped catalogues filter on (their keys
#: and, where a key is very common, only the values a preset or a suitability input can read).
#: Each selector is completed with the query's global bounding box.
ROLE_SELECTORS: dict[str, tuple[str, ...]] = {
    "municipalities": ('relation["boundary"="administrative"]["admin_level"="8"]',),
    "landuse": ('way["landuse"]', 'relation["landuse"]',
                'way["natural"~"^(wood|scrub|heath|wetland|grassland)$"]',
                'relation["natural"~"^(wood|scrub|heath|wetland|grassland)$"]',
                'way["man_made"="spoil_heap"]', 'relation["man_made"="spoil_heap"]'),
    "settlements": ('way["landuse"~"^(residential|commercial|industrial|retail)$"]',
                    'relation["landuse"~"^(residential|commercial|industrial|retail)$"]'),
    "forest": ('way["landuse"="forest"]', 'relation["landuse"="forest"]',
               'way["natural"="wood"]', 'relation["natural"="wood"]'),
    "buildings": ('way["building"]', 'relation["building"]'),
    "roads": (f'way["highway"~"{_ROADS}"]',),
    "railways": (f'way["railway"~"{_RAILWAYS}"]',),
    "power_lines": ('way["power"~"^(line|minor_line|cable)$"]',),
    "substations": ('nwr["power"~"^(substation|sub_station)$"]',),
    "water": ('way["natural"="water"]', 'relation["natural"="water"]',
              'way["waterway"="riverbank"]', 'relation["waterway"="riverbank"]',
              'way["landuse"~"^(reservoir|basin)$"]'),
    "waterways": ('way["waterway"~"^(river|stream|canal|ditch|drain)$"]',),
    "protected_areas": ('way["boundary"~"^(protected_area|national_park)$"]',
                        'relation["boundary"~"^(protected_area|national_park)$"]',
                        'way["leisure"="nature_reserve"]', 'relation["leisure"="nature_reserve"]'),
    "airfields": ('nwr["aeroway"~"^(aerodrome|airstrip|heliport)$"]',),
    "wind_turbines": ('node["power"="generator"]["generator:source"="wind"]',),
    "pv_parks": ('way["power"="plant"]["plant:source"="solar"]',
                 'relation["power"="plant"]["plant:source"="solar"]'),
    "nest_sites": (),  # not in OpenStreetMap: the nature conservation authority's layer (kept confidential)
    "parking": ('way["amenity"="parking"]', 'relation["amenity"="parking"]'),
    "disadvantaged_areas": (),  # not in OpenStreetMap: the Land's layer of the benachteiligte Gebiete
}

#: One degree of latitude, at its shortest (at the equator, WGS84). [m]
_M_PER_DEG_LAT = 110_574.0
#: One degree of longitude at the equator (WGS84). [m]
_M_PER_DEG_LON = 111_320.0


# ----------------------------------------------------------------- the area
def expand_bbox_wgs84(bbox: Sequence[float], margin_m: float) -> tuple[float, float, float, float]:
    """A WGS84 box grown by at least ``margin_m`` on every side, rounded outwards to 1e-6°. [°]

    The margin is converted with the shortest degree of latitude (110,574 m) and the degree of
    longitude at the box's latitude farthest from the equator, so it is never smaller than asked.

    Parameters
    ----------
    bbox : sequence of float
        ``(west, south, east, north)``. [°]
    margin_m : float
        Distance to add on every side. [m]
    """
    west, south, east, north = (float(v) for v in bbox)
    if not (west <= east and south <= north):
        raise InputError(f"The area's box {tuple(bbox)} is empty: west must be ≤ east and south ≤ north.")
    margin = max(float(margin_m), 0.0)
    dlat = margin / _M_PER_DEG_LAT
    south, north = max(south - dlat, -90.0), min(north + dlat, 90.0)
    cos_lat = max(math.cos(math.radians(max(abs(south), abs(north)))), 1e-6)
    dlon = margin / (_M_PER_DEG_LON * cos_lat)
    west, east = max(west - dlon, -180.0), min(east + dlon, 180.0)
    return (math.floor(west * 1e6) / 1e6, math.floor(south * 1e6) / 1e6,
            math.ceil(east * 1e6) / 1e6, math.ceil(north * 1e6) / 1e6)


# ----------------------------------------------------------------- the query
def overpass_query(roles: Iterable[str], bbox_wgs84: Sequence[float], timeout_s: float = DEFAULT_TIMEOUT_S) -> str:
    """The Overpass QL query for the features of ``roles`` in a WGS84 box, answering OSM XML.

    Parameters
    ----------
    roles : iterable of str
        Layer roles (keys of :data:`ROLE_SELECTORS`), e.g. ``catalogue.roles_needed()``.
    bbox_wgs84 : sequence of float
        ``(west, south, east, north)``, already grown by the margin. [°]
    timeout_s : float
        Server-side time limit of the query. [s]

    Raises
    ------
    InputError
        For an unknown role (naming the known ones) or no role at all.
    """
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLE_SELECTORS]
    if unknown:
        raise InputError(f"No OSM download for layer role(s) {', '.join(map(repr, unknown))}; "
                         f"known roles: {', '.join(ROLE_SELECTORS)}.")
    if not roles:
        raise InputError("No layer role to download: the catalogue's criteria read no vector layer.")
    west, south, east, north = bbox_wgs84
    selectors = dict.fromkeys(s for r in roles for s in ROLE_SELECTORS[r])
    body = "\n".join(f"  {s};" for s in selectors)
    return (f"[out:xml][timeout:{int(math.ceil(timeout_s))}]"
            f"[bbox:{south:.6f},{west:.6f},{north:.6f},{east:.6f}];\n"
            f"(\n{body}\n);\n(._;>;);\nout body;\n")


# ----------------------------------------------------------------- fetching
class FetchFailure(Exception):
    """A fetch could not get an answer: ``kind`` is ``offline``, ``timeout`` or ``http``.

    Parameters
    ----------
    kind : str
        ``offline`` (no connection, DNS failure, refused), ``timeout`` or ``http`` (an error status).
    detail : str
        The underlying error text.
    status : int or None
        The HTTP status of an ``http`` failure.
    body : bytes
        The body of the error answer (Overpass explains its refusals there).
    """

    def __init__(self, kind: str, detail: str = "", status: int | None = None, body: bytes = b""):
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.body = body


#: ``fetch(url, body, timeout_s) -> chunks of the answer``; raises :class:`FetchFailure`.
Fetch = Callable[[str, bytes, float], Iterable[bytes]]


def urllib_fetch(url: str, body: bytes, timeout_s: float) -> Iterable[bytes]:
    """POST ``body`` to ``url`` (GET for an empty body) with the standard library; yields the answer in chunks.

    Raises
    ------
    FetchFailure
        ``offline``, ``timeout`` or ``http`` (with the status and the error body).
    """
    headers = {"User-Agent": f"wip-qgis-plugin/{__version__}"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    request = urllib.request.Request(url, data=body or None, method="POST" if body else "GET", headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)  # noqa: S310 (the user's server URL)
    except urllib.error.HTTPError as exc:
        raise FetchFailure("http", str(exc.reason), exc.code, _read_quietly(exc)) from exc
    except urllib.error.URLError as exc:
        kind = "timeout" if isinstance(exc.reason, (socket.timeout, TimeoutError)) else "offline"
        raise FetchFailure(kind, str(exc.reason)) from exc
    except (socket.timeout, TimeoutError) as exc:
        raise FetchFailure("timeout", str(exc)) from exc
    except OSError as exc:
        raise FetchFailure("offline", str(exc)) from exc
    return _chunks(response)


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()[:100_000]
    except OSError:
        return b""


def _chunks(response: Any) -> Iterable[bytes]:
    with response:
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except (socket.timeout, TimeoutError) as exc:
                raise FetchFailure("timeout", str(exc)) from exc
            except OSError as exc:
                raise FetchFailure("offline", str(exc)) from exc
            if not chunk:
                return
            yield chunk


# ----------------------------------------------------------------- errors
class OverpassError(InputError):
    """The server gave no usable OSM data; ``code`` says why, the message says what to do.

    Attributes
    ----------
    code : str
        ``offline``, ``timeout``, ``busy`` (HTTP 429), ``gateway_timeout`` (HTTP 504), ``http``
        (another HTTP error), ``server_error`` (the server's remark, e.g. its time or memory
        limit) or ``not_osm`` (an HTML page or other text instead of OSM XML).
    server : str
        The server URL.
    remark : str
        The server's own explanation, or the connection error, as plain text.
    status : int or None
        HTTP status, if there was one.
    """

    def __init__(self, code: str, server: str, remark: str = "", status: int | None = None):
        self.code = code
        self.server = server
        self.remark = remark
        self.status = status
        super().__init__(overpass_message(code, server, remark, status))


def overpass_message(code: str, server: str, remark: str = "", status: int | None = None) -> str:
    """The English message of an :class:`OverpassError` (the plugin words its own from ``code``)."""
    said = f" The server said: {remark}" if remark else ""
    others = " or ".join(OTHER_OVERPASS_URLS)
    alternatives = (f"try again later, use another Overpass server (e.g. {others}), or load a Geofabrik "
                    f"extract ({GEOFABRIK_URL}) and give it as a source instead")
    if code == "offline":
        return (f"Cannot reach the Overpass server {server}: no connection ({remark or 'network unreachable'}). "
                "Check the internet connection and the proxy settings, or load a Geofabrik extract "
                f"({GEOFABRIK_URL}) and give it as a source instead.")
    if code == "timeout":
        return (f"The Overpass server {server} did not answer in time.{said} The area may be too large for one "
                f"query: select fewer municipalities, raise the time limit, {alternatives}.")
    if code == "busy":
        return f"The Overpass server {server} is busy (HTTP 429: too many requests).{said} Please {alternatives}."
    if code == "gateway_timeout":
        return (f"The Overpass server {server} is overloaded (HTTP 504: gateway timeout).{said} Please "
                f"{alternatives}.")
    if code == "http":
        return f"The Overpass server {server} refused the query (HTTP {status}).{said} Please {alternatives}."
    if code == "server_error":
        return (f"The Overpass server {server} stopped the query.{said} Select fewer municipalities or "
                f"{alternatives}.")
    return (f"The answer of {server} is not OSM data (is the URL an Overpass API 'interpreter' endpoint?).{said} "
            f"Check the server URL, or {alternatives}.")


def _page_text(data: bytes, limit: int = 400) -> str:
    """The readable text of an error page: its paragraphs (or its text) without markup."""
    text = data.decode("utf-8", errors="replace")
    paragraphs = re.findall(r"<p\b[^>]*>(.*?)</p>", text, flags=re.S | re.I)
    if paragraphs:
        text = " ".join(paragraphs)
    else:
        text = re.sub(r"<(script|style|head)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
                  .replace("&amp;", "&")).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failure_error(failure: FetchFailure, server: str) -> OverpassError:
    if failure.kind == "offline":
        return OverpassError("offline", server, failure.detail)
    if failure.kind == "timeout":
        return OverpassError("timeout", server)
    remark = _page_text(failure.body) if failure.body else failure.detail
    code = {429: "busy", 504: "gateway_timeout"}.get(failure.status or 0, "http")
    return OverpassError(code, server, remark, failure.status)


# ----------------------------------------------------------------- download
@dataclass(frozen=True)
class DownloadResult:
    """What :func:`download_osm` wrote.

    Attributes
    ----------
    path : Path
        The OSM XML file.
    nodes, ways, relations : int
        Elements in the file. [-]
    size_bytes : int
        File size. [B]
    server : str
        The server it came from.
    timestamp : str
        The OSM data's timestamp as the server states it (``osm_base``), or ``""``.
    remarks : tuple of str
        Remarks of the server that are not errors.
    """

    path: Path
    nodes: int
    ways: int
    relations: int
    size_bytes: int
    server: str
    timestamp: str = ""
    remarks: tuple[str, ...] = field(default_factory=tuple)


def download_osm(query: str, out_path: str | Path, fetch: Fetch = urllib_fetch, progress: Progress | None = None,
                 server_url: str = DEFAULT_OVERPASS_URL, timeout_s: float = DEFAULT_TIMEOUT_S) -> DownloadResult:
    """Run ``query`` on an Overpass server and write the OSM XML answer to ``out_path`` atomically.

    Parameters
    ----------
    query : str
        Overpass QL answering ``[out:xml]`` (:func:`overpass_query`).
    out_path : str or Path
        The ``.osm`` file to write (replaced only when the whole answer is good).
    fetch : Fetch
        How to post the query (:func:`urllib_fetch`, or the plugin's QGIS network fetch).
    progress : Progress, optional
        Receives the download size and the counts; cancelling is honoured between chunks.
    server_url : str
        The Overpass ``interpreter`` endpoint.
    timeout_s : float
        Time limit of the query; the connection waits 60 s longer. [s]

    Raises
    ------
    OverpassError
        Offline, timeout, HTTP 429/504/other, a server remark or an answer that is not OSM XML.
    Cancelled
        If the user cancelled; no file is left.
    """
    progress = progress or NullProgress()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    body = urllib.parse.urlencode({"data": query}).encode("utf-8")
    progress.report(0.02, msg("osm_querying", server=server_url))
    check_cancelled(progress)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.stem}.", suffix=f".part{out_path.suffix}",
                                    dir=out_path.parent)
    tmp = Path(tmp_name)
    try:
        size, reported = 0, 0
        with os.fdopen(fd, "wb") as fh:
            try:
                for chunk in fetch(server_url, body, timeout_s + 60.0):
                    check_cancelled(progress)
                    fh.write(chunk)
                    size += len(chunk)
                    if size - reported >= 1 << 20:
                        reported = size
                        mb = size / 1e6
                        progress.report(0.05 + 0.85 * mb / (mb + 50.0), msg("osm_downloaded", mb=mb, server=server_url))
            except FetchFailure as failure:
                raise _failure_error(failure, server_url) from failure
        check_cancelled(progress)
        progress.report(0.92, msg("osm_checking"))
        counts = count_osm_elements(tmp, server_url, progress)
        check_cancelled(progress)
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    result = DownloadResult(out_path, counts["node"], counts["way"], counts["relation"], size, server_url,
                            counts["timestamp"], counts["remarks"])
    progress.info(msg("osm_data_counts", server=server_url, nodes=result.nodes, ways=result.ways,
                      relations=result.relations, mb=size / 1e6))
    for remark in result.remarks:
        progress.warning(msg("osm_remark", server=server_url, remark=remark))
    return result


def count_osm_elements(path: Path, server: str = "", progress: Progress | None = None) -> dict[str, Any]:
    """Count the nodes, ways and relations of an OSM XML file, refusing anything else.

    Returns
    -------
    dict
        ``node``, ``way``, ``relation`` (counts), ``timestamp`` (``osm_base`` or ``""``) and
        ``remarks`` (tuple of the server's non-error remarks).

    Raises
    ------
    OverpassError
        ``not_osm`` for HTML or other text, ``server_error`` for an error remark in the document.
    """
    progress = progress or NullProgress()
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not re.search(rb"<osm[\s>]", head):
        raise OverpassError("not_osm", server, _page_text(head + _tail(path)) if head.strip() else "an empty answer")
    counts: dict[str, Any] = {"node": 0, "way": 0, "relation": 0, "timestamp": "", "remarks": ()}
    remarks: list[str] = []
    try:
        for n, (_, element) in enumerate(ET.iterparse(path, events=("end",))):
            tag = element.tag
            if tag in ("node", "way", "relation"):
                counts[tag] += 1
                element.clear()
            elif tag == "remark":
                remarks.append(" ".join((element.text or "").split()))
            elif tag == "meta":
                counts["timestamp"] = element.get("osm_base", "")
            if n % 200_000 == 0:
                check_cancelled(progress)
    except ET.ParseError as exc:
        raise OverpassError("not_osm", server, f"the OSM XML is cut off or broken ({exc})") from exc
    errors = [r for r in remarks if "error" in r.lower()]
    if errors:
        raise OverpassError("server_error", server, "; ".join(errors))
    counts["remarks"] = tuple(remarks)
    return counts


def _tail(path: Path) -> bytes:
    """The rest of a short file (an error page is small; a big file is not read again)."""
    return path.read_bytes()[4096:100_000] if path.stat().st_size < 100_000 else b""
