"""OSM data for the area of a run: plan the Overpass query, download it, convert it to the canonical layout.

Three steps, so that the download itself can run where the network is (the plugin fetches through
QGIS's network stack in QGIS's Python, the engine may run in another Python):

1. :func:`plan_osm_download` (job ``osm_plan``): the layer roles the catalogue reads, the largest
   setback of its criteria (with its reference turbine) as the margin around the municipalities,
   the WGS84 box and the Overpass query (:mod:`..data.overpass`);
2. :func:`..data.overpass.download_osm`: the answer as an ``.osm`` file, checked and counted;
3. :func:`convert_osm` (job ``osm_convert``): the ``.osm`` file read with GDAL's OSM driver and
   written as one GeoPackage with one layer per role (:func:`..data.sources.prepare.prepare_sources`).

:func:`run_osm_download` runs all three in this process (the CLI ``wip osm-download`` and tests).
It lives in the job layer because it is the one step that needs both the catalogue (the margin)
and the area of interest (the box) before any planning rule is applied.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue.loader import Catalogue
from ..catalogue.model import KINDS
from ..data.overpass import (
    DEFAULT_OVERPASS_URL,
    DEFAULT_TIMEOUT_S,
    ROLE_SELECTORS,
    DownloadResult,
    Fetch,
    download_osm,
    expand_bbox_wgs84,
    overpass_query,
    urllib_fetch,
)
from ..data.sources.prepare import SourceSpec, prepare_sources
from ..defaults import DEFAULT_CRS
from ..eligibility.aoi import AreaOfInterest, read_aoi_frame
from ..errors import InputError
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from ..units import Turbine
from ..messages import localised, msg

#: Longest building diagonal assumed when a criterion groups buildings (as the eligibility engine). [m]
GROUP_BUILDING_M = 100.0
#: Added to the largest setback: features a little farther still decide the edge of the zones. [m]
EXTRA_MARGIN_M = 100.0


@dataclass(frozen=True)
class OsmDownloadSettings:
    """Settings of an OSM download.

    Attributes
    ----------
    server_url : str
        Overpass ``interpreter`` endpoint.
    timeout_s : float
        Time limit of the query on the server. [s]
    kinds : tuple of str
        Criteria kinds whose layers and setbacks count (default: all, permitted zones included).
    crs : str
        Projected working CRS of the GeoPackage. [EPSG code]
    extra_margin_m : float
        Added to the largest setback. [m]
    turbine : Turbine or None
        Turbine for setbacks in H or R (None: the catalogue's reference turbine).
    """

    server_url: str = DEFAULT_OVERPASS_URL
    timeout_s: float = DEFAULT_TIMEOUT_S
    kinds: tuple[str, ...] = KINDS
    crs: str = DEFAULT_CRS
    extra_margin_m: float = EXTRA_MARGIN_M
    turbine: Turbine | None = None


@dataclass(frozen=True)
class OsmDownloadOutputs:
    """Files of an OSM download: the canonical GeoPackage and the raw OSM XML (default: same name, ``.osm``)."""

    geopackage: Path
    osm: Path | None = None

    def osm_path(self) -> Path:
        """The ``.osm`` file: :attr:`osm`, else the GeoPackage's name with ``.osm``."""
        return Path(self.osm) if self.osm else Path(self.geopackage).with_suffix(".osm")


@dataclass(frozen=True)
class OsmPlan:
    """What to download.

    Attributes
    ----------
    query : str
        Overpass QL (``[out:xml]``, full recursion).
    roles : tuple of str
        Layer roles the query covers.
    margin_m : float
        Margin around the municipalities: the largest setback plus the extra margin. [m]
    margin_criterion : str
        Id of the criterion with the largest setback (``""`` if none has one).
    bbox_wgs84 : tuple of float
        ``(west, south, east, north)`` of the query, margin included. [°]
    bbox : tuple of float
        The same area in the working CRS, ``(xmin, ymin, xmax, ymax)``. [m]
    crs : str
        Working CRS.
    areas : int
        Number of selected municipality features. [-]
    not_downloadable : tuple of str
        Roles the catalogue reads that the query cannot provide (e.g. raster roles).
    """

    query: str
    roles: tuple[str, ...]
    margin_m: float
    margin_criterion: str
    bbox_wgs84: tuple[float, float, float, float]
    bbox: tuple[float, float, float, float]
    crs: str
    areas: int
    not_downloadable: tuple[str, ...] = ()


def largest_setback(catalogue: Catalogue, kinds: Sequence[str] = KINDS,
                    turbine: Turbine | None = None) -> tuple[float, str]:
    """The largest reach of the catalogue's active criteria of ``kinds`` and the criterion it belongs to. [m]

    A criterion grouping buildings reaches farther by the group's extent
    (``(min_dwellings − 1) × (max_gap + GROUP_BUILDING_M)``), as in the eligibility engine.

    Raises
    ------
    InputError
        If a setback is given in H or R and there is no turbine (catalogue or ``turbine``).
    """
    turbine = turbine or catalogue.reference_turbine
    best, best_id = 0.0, ""
    for c in catalogue.active(tuple(kinds)):
        try:
            reach = c.buffer_m(turbine)
        except ValueError as exc:
            raise InputError(f"Criterion '{c.id}' of catalogue '{catalogue.id}': {exc}") from exc
        if c.group is not None:
            reach += (c.group.min_dwellings - 1) * (c.group.max_gap_m + GROUP_BUILDING_M)
        if reach > best:
            best, best_id = reach, c.id
    return best, best_id


def catalogue_roles(catalogue: Catalogue, kinds: Sequence[str] = KINDS) -> tuple[str, ...]:
    """Layer roles the catalogue's criteria of ``kinds`` and its suitability inputs read, in order."""
    roles = list(catalogue.roles_needed(tuple(kinds)))
    if catalogue.suitability is not None:
        roles += catalogue.suitability.layer_roles()
    return tuple(dict.fromkeys(roles))


def plan_osm_download(catalogue: Catalogue, aoi: AreaOfInterest, settings: OsmDownloadSettings | None = None,
                      progress: Progress | None = None) -> OsmPlan:
    """The query for the catalogue's roles around the selected municipalities.

    Raises
    ------
    InputError
        Unreadable area of interest, no role the query can provide, a setback without turbine.
    """
    settings = settings or OsmDownloadSettings()
    progress = progress or NullProgress()
    wanted = catalogue_roles(catalogue, settings.kinds)
    roles = tuple(r for r in wanted if ROLE_SELECTORS.get(r))  # nests are not in OSM
    missing = tuple(r for r in wanted if not ROLE_SELECTORS.get(r))
    if not roles:
        raise InputError(f"The criteria of catalogue '{catalogue.id}' read no layer that OpenStreetMap provides "
                         f"({', '.join(wanted) or 'no layer at all'}).")
    setback, criterion = largest_setback(catalogue, settings.kinds, settings.turbine)
    margin = setback + max(settings.extra_margin_m, 0.0)
    frame, _ = read_aoi_frame(aoi, settings.crs, "repair", progress)
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    bbox_wgs84 = expand_bbox_wgs84([float(v) for v in frame.to_crs("EPSG:4326").total_bounds], margin)
    query = overpass_query(roles, bbox_wgs84, settings.timeout_s)
    progress.info(msg("osm_download_plan", n=len(frame), margin=margin,
                      criterion=criterion or localised(en="none", de="keiner"), roles=", ".join(roles)))
    return OsmPlan(query, roles, margin, criterion, bbox_wgs84,
                   (xmin - margin, ymin - margin, xmax + margin, ymax + margin), str(settings.crs), len(frame), missing)


def convert_osm(osm: str | Path, geopackage: str | Path, crs: str = DEFAULT_CRS,
                bbox: Sequence[float] | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Write the canonical GeoPackage (one layer per role) of an ``.osm`` file, atomically.

    Parameters
    ----------
    osm : str or Path
        OSM XML (or PBF) file.
    geopackage : str or Path
        The GeoPackage to write (replaced only on success).
    crs : str
        Projected working CRS of the layers.
    bbox : sequence of float, optional
        Only features intersecting ``(xmin, ymin, xmax, ymax)`` in ``crs``. [m]
    progress : Progress, optional
        Progress and cancel.

    Returns
    -------
    dict
        ``geopackage``, ``layers`` (role → layer name), ``counts`` (role → features), ``profile``, ``notes``.
    """
    geopackage = Path(geopackage)
    geopackage.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{geopackage.stem}.{os.getpid()}-", suffix=".part",
                                     dir=geopackage.parent) as work:
        prepared = prepare_sources([SourceSpec(str(osm))], work, crs,
                                   tuple(bbox) if bbox is not None else None, progress)  # type: ignore[arg-type]
        check_cancelled(progress or NullProgress())
        if not prepared.layers:
            raise InputError(f"{Path(osm).name}: the OSM data holds no feature of any layer role within the area; "
                             "check the area (and the Overpass server's answer) and download again.")
        os.replace(prepared.gpkg, geopackage)
    profiles = ", ".join(dict.fromkeys(m.profile.id for m in prepared.matches))
    return {"geopackage": str(geopackage), "layers": {r: ref.layer for r, ref in prepared.layers.items()},
            "counts": {r: c.kept for r, c in prepared.counts.items()}, "profile": profiles,
            "notes": list(prepared.notes)}


@dataclass(frozen=True)
class OsmDownloadResult:
    """The plan, the download and the conversion of :func:`run_osm_download`."""

    plan: OsmPlan
    download: DownloadResult
    conversion: dict[str, Any]


def run_osm_download(catalogue: Catalogue, aoi: AreaOfInterest, outputs: OsmDownloadOutputs,
                     settings: OsmDownloadSettings | None = None, progress: Progress | None = None,
                     fetch: Fetch = urllib_fetch) -> OsmDownloadResult:
    """Plan, download and convert in this process; the ``.osm`` file is kept next to the GeoPackage.

    Raises
    ------
    OverpassError
        No connection, a busy or refusing server, an answer that is not OSM data.
    Cancelled
        If the user cancels; the step that was running leaves no file.
    """
    settings = settings or OsmDownloadSettings()
    progress = progress or NullProgress()
    plan = plan_osm_download(catalogue, aoi, settings, SubProgress(progress, 0.0, 0.05))
    download = download_osm(plan.query, outputs.osm_path(), fetch, SubProgress(progress, 0.05, 0.7),
                            settings.server_url, settings.timeout_s)
    conversion = convert_osm(download.path, outputs.geopackage, plan.crs, plan.bbox, SubProgress(progress, 0.7, 1.0))
    progress.report(1.0, msg("step_done"))
    return OsmDownloadResult(plan, download, conversion)
