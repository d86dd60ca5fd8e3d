"""Municipal boundaries where the planner has none: the BKG's VG250-EW, fetched from its open WFS.

The Bundesamt für Kartographie und Geodäsie publishes the official municipality boundaries with population
(VG250-EW, 1:250,000, © GeoBasis-DE / BKG, Datenlizenz Deutschland – Namensnennung 2.0) as a WFS,
``https://sgx.geodatenzentrum.de/wfs_vg250-ew``, feature type ``vg250-ew:vg250_gem``, fields ``GEN`` (name),
``AGS`` (key), ``EWZ`` (population), ``SN_L`` (the Land's number), ``GF`` (4: land area; 2: water parts,
e.g. of Lake Constance, which are left out). One GetFeature request per download, as GeoJSON in the working
CRS, filtered to the chosen Länder by an OGC filter on ``SN_L``; a server that refuses the filter gets the
request without it, and the Länder are then kept by the first two digits of the AGS.

The answer is streamed into ``.<name>.<random>.part.geojson`` beside the destination, checked (a feature
collection whose features have a name and an 8-digit key) and renamed only then: nothing half-written, an
existing file replaced only by a good one. Standard library only: the plugin runs it in QGIS's own Python.
"""
from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..messages import msg
from ..progress import NullProgress, Progress, check_cancelled
from .overpass import Fetch, FetchFailure, urllib_fetch

VG250_WFS_URL = "https://sgx.geodatenzentrum.de/wfs_vg250-ew"
VG250_TYPENAME = "vg250-ew:vg250_gem"
VG250_LICENCE = "© GeoBasis-DE / BKG, dl-de/by-2-0 (VG250-EW)"
VG250_OPEN_DATA = "https://gdz.bkg.bund.de/index.php/default/verwaltungsgebiete-1-250-000-mit-einwohnerzahlen-" \
                  "stand-31-12-vg250-ew-31-12.html"
#: The Länder by code (as the presets name them) and their number in the AGS and in VG250's SN_L.
LAND_NUMBERS: dict[str, str] = {"SH": "01", "HH": "02", "NI": "03", "HB": "04", "NW": "05", "HE": "06", "RP": "07",
                                "BW": "08", "BY": "09", "SL": "10", "BE": "11", "BB": "12", "MV": "13", "SN": "14",
                                "ST": "15", "TH": "16"}
#: Geofaktor of land areas (VG250 ``GF``: 4 land with structure; 2 water parts).
LAND_AREA_GF = 4
DEFAULT_TIMEOUT_S = 180.0


def land_filter(land_codes: Sequence[str]) -> str:
    """An OGC Filter Encoding 2.0 filter selecting the Länder ``land_codes`` by ``SN_L`` (empty: none)."""
    numbers = [land_number(code) for code in land_codes]
    tests = "".join(f"<fes:PropertyIsEqualTo><fes:ValueReference>SN_L</fes:ValueReference><fes:Literal>{n}"
                    "</fes:Literal></fes:PropertyIsEqualTo>" for n in numbers)
    if not tests:
        return ""
    body = f"<fes:Or>{tests}</fes:Or>" if len(numbers) > 1 else tests
    return f'<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">{body}</fes:Filter>'


def land_number(code: str) -> str:
    """The two-digit number of a Land code (``ST`` → ``15``); raises :class:`InputError` for an unknown code."""
    number = LAND_NUMBERS.get(str(code).upper())
    if number is None:
        raise InputError(msg("vg250_land_code", code=str(code), codes=", ".join(LAND_NUMBERS)))
    return number


def vg250_request_url(land_codes: Sequence[str], base_url: str = VG250_WFS_URL, crs: str = "EPSG:25832",
                      with_filter: bool = True) -> str:
    """The GetFeature request (WFS 2.0, GeoJSON) for the municipalities of ``land_codes`` (empty: all of Germany)."""
    query = {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": VG250_TYPENAME,
             "SRSNAME": crs, "OUTPUTFORMAT": "application/json"}
    flt = land_filter(land_codes) if with_filter else ""
    if flt:
        query["FILTER"] = flt
    return f"{base_url}?{urllib.parse.urlencode(query)}"


@dataclass(frozen=True)
class Vg250Result:
    """A written boundary file: its path, municipalities per Land code, the features left out (water parts)."""

    path: Path
    per_land: dict[str, int]
    left_out: int

    @property
    def count(self) -> int:
        """Municipalities written."""
        return sum(self.per_land.values())


def _field(properties: dict[str, Any], name: str) -> Any:
    for key, value in properties.items():
        if key.lower() == name.lower():
            return value
    return None


def keep_municipalities(collection: dict[str, Any], land_codes: Sequence[str]) -> tuple[list[dict], int]:
    """The land-area municipalities of ``land_codes`` (all Länder for none) in a GeoJSON feature collection,
    and the number of features left out; raises :class:`InputError` if it is no VG250 municipality collection."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InputError(msg("vg250_not_geojson", server=VG250_WFS_URL, detail="no FeatureCollection",
                             url=VG250_OPEN_DATA))
    wanted = {land_number(c) for c in land_codes}
    kept, left_out = [], 0
    for feature in collection.get("features") or []:
        props = feature.get("properties") or {}
        name, key = _field(props, "GEN"), str(_field(props, "AGS") or "")
        if not name or not (key.isdigit() and len(key) == 8):
            raise InputError(msg("vg250_not_municipalities", fields=", ".join(sorted(props)[:12]) or "–",
                                 url=VG250_OPEN_DATA))
        gf = _field(props, "GF")
        if (gf is not None and str(gf) != str(LAND_AREA_GF)) or (wanted and key[:2] not in wanted):
            left_out += 1
            continue
        kept.append(feature)
    return kept, left_out


def download_vg250(out_path: str | Path, land_codes: Sequence[str], fetch: Fetch = urllib_fetch,
                   progress: Progress | None = None, base_url: str = VG250_WFS_URL, crs: str = "EPSG:25832",
                   timeout_s: float = DEFAULT_TIMEOUT_S) -> Vg250Result:
    """Fetch the VG250-EW municipalities of ``land_codes`` and write them as GeoJSON to ``out_path`` atomically.

    Parameters
    ----------
    out_path : str or Path
        The ``.geojson`` file to write.
    land_codes : sequence of str
        Land codes (``ST``, ``SN`` …); empty: all of Germany (about 11,000 municipalities, some 100 MB).
    fetch : Fetch
        How to send the request (:func:`.overpass.urllib_fetch`; tests give a stand-in).
    progress : Progress, optional
        Download size and counts; cancelling is honoured between chunks.
    base_url : str
        The WFS endpoint.
    crs : str
        CRS of the answer (the working CRS, metres).
    timeout_s : float
        Time limit of the connection. [s]

    Raises
    ------
    InputError
        Offline, an error of the service, or an answer without municipalities (with the manual download).
    Cancelled
        If the user cancelled; no file is left.
    """
    progress = progress or NullProgress()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    lands = [str(c).upper() for c in land_codes]
    for code in lands:
        land_number(code)
    progress.report(0.02, msg("vg250_request", server=base_url))
    try:
        data = _fetch_all(vg250_request_url(lands, base_url, crs), fetch, progress, timeout_s)
    except FetchFailure as failure:
        if failure.kind != "http" or not lands:
            raise _download_error(failure, base_url) from failure
        progress.warning(msg("vg250_no_filter", server=base_url, status=failure.status or 0))
        try:
            data = _fetch_all(vg250_request_url(lands, base_url, crs, with_filter=False), fetch, progress, timeout_s)
        except FetchFailure as second:
            raise _download_error(second, base_url) from second
    check_cancelled(progress)
    try:
        collection = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(msg("vg250_not_geojson", server=base_url, detail=str(exc)[:200],
                             url=VG250_OPEN_DATA)) from exc
    features, left_out = keep_municipalities(collection, lands)
    if not features:
        raise InputError(msg("vg250_empty", server=base_url, lands=", ".join(lands) or "DE", url=VG250_OPEN_DATA))
    per_land: dict[str, int] = {}
    numbers = {v: k for k, v in LAND_NUMBERS.items()}
    for feature in features:
        code = numbers.get(str(_field(feature["properties"], "AGS"))[:2], "?")
        per_land[code] = per_land.get(code, 0) + 1
    # the CRS as the service names it, else the one asked for: GeoJSON without it would be read as WGS84
    out = {"type": "FeatureCollection", "crs": collection.get("crs") or {
        "type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs.split(':')[-1]}"}}, "features": features}
    _write_atomically(out_path, json.dumps(out, ensure_ascii=False).encode("utf-8"))
    result = Vg250Result(out_path, dict(sorted(per_land.items())), left_out)
    progress.info(msg("vg250_written", n=result.count, lands=", ".join(f"{k} {v}" for k, v in result.per_land.items()),
                      path=str(out_path), licence=VG250_LICENCE))
    return result


def _fetch_all(url: str, fetch: Fetch, progress: Progress, timeout_s: float) -> bytes:
    parts, size = [], 0
    chunks: Iterable[bytes] = fetch(url, b"", timeout_s)
    for chunk in chunks:
        check_cancelled(progress)
        parts.append(chunk)
        size += len(chunk)
        mb = size / 1e6
        progress.report(0.05 + 0.85 * mb / (mb + 20.0), msg("vg250_downloaded", mb=mb))
    return b"".join(parts)


def _download_error(failure: FetchFailure, server: str) -> InputError:
    if failure.kind == "offline":
        return InputError(msg("vg250_offline", server=server, detail=failure.detail, url=VG250_OPEN_DATA))
    if failure.kind == "timeout":
        return InputError(msg("vg250_timeout", server=server, url=VG250_OPEN_DATA))
    return InputError(msg("vg250_refused", server=server, status=int(failure.status or 0),
                          said=failure.body[:200].decode("utf-8", "replace"), url=VG250_OPEN_DATA))


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
