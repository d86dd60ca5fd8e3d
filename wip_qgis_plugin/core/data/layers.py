"""Input layers: references, roles, and reading them safely into the working CRS.

A *role* is what a layer means to the engine (``buildings``, ``roads`` …); the
criteria catalogue names roles, a scenario or a Processing algorithm maps each
role to a concrete layer. Attribute values follow OpenStreetMap tagging, so a
layer downloaded with QuickOSM works unchanged.
"""
from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from ..errors import InputError
from .vsi import is_vsi

#: Vector layer roles the catalogues may name, with a short description.
ROLES: dict[str, str] = {
    "municipalities": "municipality boundaries (name, ags, population)",
    "landuse": "land use polygons (OSM landuse=*)",
    "settlements": "settlement area polygons from another source (e.g. ALKIS/ATKIS Ortslage)",
    "forest": "forest polygons from another source (when not part of the land use layer)",
    "buildings": "building footprints (OSM building=*)",
    "roads": "road centre lines (OSM highway=*)",
    "railways": "railway centre lines (OSM railway=*, tracks)",
    "power_lines": "power lines (OSM power=line/minor_line, voltage)",
    "substations": "substations (OSM power=substation, voltage)",
    "water": "standing and flowing water polygons (OSM natural=water)",
    "waterways": "watercourse centre lines (OSM waterway=*)",
    "protected_areas": "protected areas (OSM boundary=protected_area, protection_title)",
    "airfields": "airfields (OSM aeroway=aerodrome)",
    "wind_turbines": "existing wind turbines (OSM power=generator, generator:source=wind)",
    "pv_parks": "existing PV parks (OSM power=plant, plant:source=solar)",
    "nest_sites": "nests of collision-prone birds (points with a species field; BNatSchG § 45b)",
    "parking": "parking lots (OSM amenity=parking, parking=surface|multi-storey|underground …)",
    "disadvantaged_areas": "disadvantaged farming areas (benachteiligte Gebiete, EEG § 3 Nr. 7) opened by a Land ordinance",
}


@dataclass(frozen=True)
class LayerRef:
    """A vector layer in a file: a path and, for multi-layer files, a layer name.

    Parameters
    ----------
    path : str
        File path (GeoPackage, Shapefile, GeoJSON, FlatGeobuf …).
    layer : str or None
        Layer name inside the file; None for single-layer formats.
    """

    path: str
    layer: str | None = None

    def describe(self) -> str:
        """Return ``path|layername=…`` as QGIS shows a layer source."""
        return f"{self.path}|layername={self.layer}" if self.layer else str(self.path)


def check_working_crs(crs: str | CRS) -> CRS:
    """Return the working CRS as a pyproj CRS, refusing geographic ones.

    Raises
    ------
    InputError
        If the CRS is unknown or geographic (setbacks need metres).
    """
    try:
        out = CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(
            f"Unknown working CRS {crs!r}: give an EPSG code such as EPSG:25832 "
            "(ETRS89 / UTM 32N) or EPSG:25833."
        ) from exc
    if not out.is_projected:
        raise InputError(
            f"The working CRS {out.to_string()} is geographic (degrees); setbacks are "
            "measured in metres. Choose a projected CRS: EPSG:25832 (ETRS89 / UTM 32N, "
            "Sachsen-Anhalt, Thüringen) or EPSG:25833 (UTM 33N, Sachsen)."
        )
    unit = out.axis_info[0].unit_name if out.axis_info else "metre"
    if unit not in ("metre", "meter", "m"):
        raise InputError(f"The working CRS {out.to_string()} uses {unit!r}; use a CRS in metres.")
    return out


@dataclass(frozen=True)
class LayerInfo:
    """What a layer holds, read without loading its features."""

    ref: LayerRef
    crs: CRS | None
    fields: tuple[str, ...]
    geometry_type: str | None
    feature_count: int
    bounds: tuple[float, float, float, float] | None


#: Text that is UTF-8 decoded as Latin-1: "Ã¶" for "ö", "Ã" followed by a byte of 0x80–0xBF.
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")


def _shapefile_without_cpg(path: str | Path) -> bool:
    if is_vsi(path):  # a remote Shapefile: its .cpg cannot be looked for without a request; GDAL's reading stands
        return False
    p = Path(path)
    return p.suffix.lower() == ".shp" and not p.with_suffix(".cpg").exists() and not p.with_suffix(".CPG").exists()


def _looks_like_mojibake(frame: Any) -> bool:
    for column in frame.columns:
        if column == "geometry" or not (frame[column].dtype == object
                                         or pd.api.types.is_string_dtype(frame[column].dtype)):
            continue
        if any(isinstance(v, str) and _MOJIBAKE.search(v) for v in frame[column].to_numpy(dtype=object)[:10_000]):
            return True
    return False


def retry_locked(read: Callable[[], Any], what: str) -> Any:
    """Call ``read``; a file another program has locked (an edit being saved) becomes a refusal naming it.

    GDAL's SQLite driver already waits 5 s for a locked GeoPackage before it gives up; no second wait here.

    Raises
    ------
    InputError
        Still locked after GDAL's wait, naming ``what`` and the fix.
    """
    try:
        return read()
    except Exception as exc:  # pyogrio/GDAL report SQLite's lock as a plain error
        text = str(exc).lower()
        if "database is locked" not in text and "database table is locked" not in text:
            raise
        raise InputError(f"{what} is locked by another program (SQLite: {' '.join(str(exc).split())}; waited 5 s). "
                         "Save or stop the edits (QGIS: toggle editing off), close the other program, and run "
                         "again.") from exc


def read_frame(path: str | Path, layer: str | None = None, what: str = "layer", progress: Any = None,
               **kwargs: Any) -> gpd.GeoDataFrame:
    """``pyogrio.read_dataframe`` with one fix real data needs: a UTF-8 Shapefile without its ``.cpg`` file.

    GDAL reads such a file as Latin-1 ("Zörbig" becomes "ZÃ¶rbig" in every output). When a ``.shp`` has no
    ``.cpg`` and its texts look like UTF-8 read as Latin-1, it is read again as UTF-8, with a warning.
    """
    frame = retry_locked(lambda: pyogrio.read_dataframe(str(path), layer=layer, **kwargs), f"{what} {str(path)!r}")
    if _shapefile_without_cpg(path) and _looks_like_mojibake(frame):
        frame = pyogrio.read_dataframe(str(path), layer=layer, encoding="UTF-8", **kwargs)
        message = (f"{what} {str(path)!r}: a Shapefile without .cpg file whose texts are UTF-8; read as UTF-8. "
                   "Add a .cpg file containing UTF-8 (QGIS: export with encoding UTF-8) to say so.")
        if progress is not None:
            progress.warning(message)
        else:
            warnings.warn(message, stacklevel=2)
    return frame


def layer_names(path: str | Path, what: str) -> list[str]:
    """The layer names of a vector file; InputError naming the file and ``what`` it was given as if it cannot be read."""
    if is_vsi(path):  # /vsicurl/, /vsis3/, /vsizip/ …: no local file to look for; GDAL's open answers
        try:
            return [name for name, _ in pyogrio.list_layers(str(path))]
        except Exception as exc:  # pyogrio raises DataSourceError and friends
            raise InputError(f"{what}: GDAL cannot open {str(path)!r} (a GDAL virtual file system path): "
                             f"{' '.join(str(exc).split())}. Check the address and that every machine running the "
                             "engine reaches it (for /vsis3/: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
                             "AWS_S3_ENDPOINT; for /vsicurl/: the server must answer HTTP Range requests).") from exc
    if not Path(path).exists():
        raise InputError(f"{what}: file {str(path)!r} does not exist.")
    try:
        return [name for name, _ in retry_locked(lambda: pyogrio.list_layers(str(path)), f"{what}: {str(path)!r}")]
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        if Path(path).is_dir():
            raise InputError(f"{what}: {str(path)!r} is a folder with no layer GDAL reads; give the file.") from exc
        raise InputError(f"{what}: cannot open {str(path)!r}: {' '.join(str(exc).split())}. Check that it is a complete "
                         "GeoPackage, Shapefile or other file GDAL reads (open it in QGIS); export it again if it is "
                         "damaged.") from exc


#: Layer metadata read in this process, by file identity (path, layer, modification time, size): a Dask worker's
#: tile tasks and a run's steps ask for the same layers again and again (GDAL opens a GeoPackage in ~20 ms).
_INFO_CACHE: dict[tuple[Any, ...], LayerInfo] = {}


def file_identity(path: str | Path) -> tuple[Any, ...] | None:
    """``(path, modification time [ns], size)`` of a local file; None for a virtual file system path or a folder."""
    if is_vsi(path):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.abspath(path), st.st_mtime_ns, st.st_size) if Path(path).is_file() else None


def layer_info(ref: LayerRef, role: str) -> LayerInfo:
    """Read a layer's CRS, fields, geometry type, count and extent (once per file version and process).

    Raises
    ------
    InputError
        If the file or layer does not exist or cannot be opened.
    """
    ident = file_identity(ref.path)
    key = None if ident is None else (*ident, ref.layer)
    if key is not None and key in _INFO_CACHE:
        return replace(_INFO_CACHE[key], ref=ref)
    info = read_layer_info(ref, role)
    if key is not None:
        if len(_INFO_CACHE) > 256:
            _INFO_CACHE.clear()
        _INFO_CACHE[key] = info
    return info


def read_layer_info(ref: LayerRef, role: str) -> LayerInfo:
    """Read a layer's metadata from its file (:func:`layer_info` without the cache)."""
    layers = layer_names(ref.path, f"Layer for role '{role}'")
    if ref.layer is not None and ref.layer not in layers:
        raise InputError(
            f"Layer for role '{role}': {ref.path!r} has no layer {ref.layer!r}; "
            f"it has: {', '.join(layers)}."
        )
    try:
        info = retry_locked(lambda: pyogrio.read_info(ref.path, layer=ref.layer), f"Layer for role '{role}' "
                            f"({ref.describe()})")
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InputError(f"Layer for role '{role}': cannot read {ref.describe()}: {' '.join(str(exc).split())}. "
                         "Open it in QGIS to check it; export it again if it is damaged.") from exc
    crs = None
    if info.get("crs"):
        try:
            crs = CRS.from_user_input(info["crs"])
        except CRSError:
            crs = None
        if crs is not None and "undefined" in crs.name.lower():  # GDAL's stand-in for a GeoPackage without CRS
            crs = None
    count = int(info.get("features") or 0)
    tb = info.get("total_bounds")
    bounds = tuple(float(v) for v in tb) if tb is not None and len(tb) == 4 else None
    return LayerInfo(
        ref=ref,
        crs=crs,
        fields=tuple(str(f) for f in info.get("fields", ())),
        geometry_type=info.get("geometry_type"),
        feature_count=count,
        bounds=bounds,
    )


def read_layer(
    ref: LayerRef,
    role: str,
    working_crs: CRS,
    bbox: tuple[float, float, float, float] | None = None,
    columns: tuple[str, ...] = (),
    invalid: str = "error",
    empty_ok: bool = False,
    progress: Any = None,
) -> gpd.GeoDataFrame:
    """Read the features of a layer that may matter, reprojected to the working CRS.

    Features dropped on reading (no geometry, coordinates the reprojection cannot place) are counted and
    warned about; above :data:`MAX_DROPPED_PCT` of the features read, the run is refused. A geographic
    CRS whose coordinates are no degrees (UTM metres declared as EPSG:4326) is refused outright.

    Parameters
    ----------
    ref : LayerRef
        The layer.
    role : str
        Its role, used in messages.
    working_crs : pyproj.CRS
        Projected CRS the result is returned in.
    bbox : tuple of float, optional
        ``(xmin, ymin, xmax, ymax)`` in the working CRS: only features
        intersecting this box are read (the AOI grown by the largest buffer).
    columns : tuple of str
        Attribute fields needed; each must exist in the layer.
    invalid : {"error", "repair", "skip"}
        What to do with invalid geometries (``skip`` leaves them out).
    empty_ok : bool
        A layer without features is a result (e.g. the eligible areas of 0 ha): an empty frame with
        the ``columns``, not an error.
    progress : Progress, optional
        Receives the warning about dropped features.

    Raises
    ------
    InputError
        Missing file, layer, CRS or field; empty layer (unless ``empty_ok``); invalid geometries
        under ``invalid="error"``.
    """
    info = layer_info(ref, role)
    if info.feature_count == 0 and empty_ok and all(c in info.fields for c in columns):
        return gpd.GeoDataFrame({c: np.array([], dtype=object) for c in columns},
                                geometry=gpd.GeoSeries([], crs=working_crs), crs=working_crs)
    if info.feature_count == 0:
        raise InputError(
            f"Layer for role '{role}' ({ref.describe()}) contains no features. "
            "Choose the right layer, or leave the role empty if no criterion should use it."
        )
    if info.crs is None:
        raise InputError(
            f"Layer for role '{role}' ({ref.describe()}) has no coordinate reference system. "
            "Assign its CRS (QGIS: Layer Properties → Source → Assigned CRS) and save it."
        )
    missing = [c for c in columns if c not in info.fields]
    if missing:
        raise InputError(
            f"Layer for role '{role}' ({ref.describe()}) has no field "
            f"{', '.join(repr(m) for m in missing)}; the criteria filter on it. "
            f"Fields present: {', '.join(info.fields) or 'none'}. Rename the field or adapt the "
            "criterion's filter in the catalogue."
        )
    check_declared_crs(info, role)
    read_bbox = None
    if bbox is not None:
        read_bbox = _bbox_to_crs(bbox, working_crs, info.crs)
    kwargs: dict[str, Any] = {"columns": list(columns)}
    if read_bbox is not None:
        kwargs["bbox"] = read_bbox
    try:
        gdf = read_frame(ref.path, ref.layer, f"Layer for role '{role}'", progress, **kwargs)
    except InputError:
        raise
    except Exception as exc:  # pyogrio/GDAL: a damaged file, a lock, an unreadable field
        raise InputError(f"Layer for role '{role}' ({ref.describe()}) cannot be read: {' '.join(str(exc).split())}. "
                         "Open it in QGIS to check it; export it again if it is damaged, close other programs "
                         "writing to it.") from exc
    if gdf.crs is None:
        gdf = gdf.set_crs(info.crs)
    read = len(gdf)
    gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    no_geometry = read - len(gdf)
    if bbox is not None:  # a box never returns features without geometry: count them over the whole layer
        report_dropped(ref, role, info.feature_count, {"no geometry (NULL or empty), in the whole layer":
                                                       null_geometry_count(ref.path, ref.layer, _stamp(ref.path))},
                       progress)
        no_geometry = 0
    gdf = _check_validity(gdf, ref, role, invalid)
    unplaced = 0
    if not gdf.crs.equals(working_crs):
        gdf = gdf.to_crs(working_crs)
        bounds = shapely.bounds(gdf.geometry.values)
        placed = np.isfinite(bounds).all(axis=1) if len(gdf) else np.ones(0, dtype=bool)
        unplaced = int((~placed).sum())
        gdf = gdf[placed]
        if (~gdf.geometry.is_valid).any():
            gdf = gdf.set_geometry(shapely.make_valid(gdf.geometry.values))
    report_dropped(ref, role, read, {"no geometry (NULL or empty)": no_geometry,
                                     f"coordinates that cannot be placed in {working_crs.to_string()}": unplaced},
                   progress)
    return gdf.reset_index(drop=True)


def _stamp(path: str) -> tuple[int, int]:
    """Modification time and size of a file and its SQLite write-ahead log (a key that changes with the data)."""
    out = []
    if is_vsi(path):  # a remote object: no stamp without a request; counted once per process
        return (0, 0, 0, 0)
    for p in (Path(path), Path(str(path) + "-wal")):
        try:
            st = p.stat()
            out += [st.st_mtime_ns, st.st_size]
        except OSError:
            out += [0, 0]
    return tuple(out)


@functools.lru_cache(maxsize=64)
def null_geometry_count(path: str, layer: str | None, stamp: tuple[int, ...]) -> int:
    """Features of a layer without geometry (NULL or empty bounds), counted from the bounds of every feature."""
    del stamp  # part of the cache key: a changed file is counted again
    counted = gpkg_null_geometry_count(path, layer)
    if counted is not None:
        return counted
    try:
        _, bounds = pyogrio.read_bounds(path, layer=layer)
    except Exception:  # noqa: BLE001 - a layer whose bounds cannot be read is read (and refused) by read_layer
        return 0
    bounds = np.asarray(bounds, dtype=float)
    return int(np.isnan(bounds).any(axis=0).sum()) if bounds.size else 0


def gpkg_null_geometry_count(path: str, layer: str | None) -> int | None:
    """The features of a GeoPackage layer whose geometry is NULL or empty, counted by SQL (the geometry blobs' headers
    only, ~5× faster than the bounds of every feature); None where that cannot be asked (another format)."""
    if is_vsi(path) or not str(path).lower().endswith(".gpkg"):
        return None
    try:
        name = layer or pyogrio.list_layers(path)[0][0]
        column = pyogrio.read_info(path, layer=name).get("geometry_name") or "geom"
        sql = (f'SELECT COUNT(*) AS n FROM "{name.replace(chr(34), chr(34) * 2)}" WHERE '
               f'"{column}" IS NULL OR ST_IsEmpty("{column}")')
        frame = pyogrio.read_dataframe(path, sql=sql, read_geometry=False)
        return int(frame.iloc[0, 0])
    except Exception:  # noqa: BLE001 - a view, an odd layer: count from the bounds instead
        return None


#: Share of a layer's features that may be dropped on reading before the run refuses. [%]
MAX_DROPPED_PCT = 1.0


def report_dropped(ref: LayerRef, role: str, read: int, dropped: dict[str, int], progress: Any = None) -> None:
    """Warn about features dropped on reading, per reason; refuse above :data:`MAX_DROPPED_PCT` of those read.

    Raises
    ------
    InputError
        More than :data:`MAX_DROPPED_PCT` of the features read were dropped.
    """
    total = sum(dropped.values())
    if not total or not read:
        return
    why = ", ".join(f"{n:,} with {reason}" for reason, n in dropped.items() if n)
    share = 100.0 * total / read
    text = f"Layer for role '{role}' ({ref.describe()}): {total:,} of {read:,} feature(s) read left out ({why})"
    if share > MAX_DROPPED_PCT:
        raise InputError(f"{text} — {share:.1f} %, more than {MAX_DROPPED_PCT:g} %: legally relevant features would "
                         "be missing from the result. Repair the layer (QGIS: Processing → Remove null geometries; "
                         "check the layer's CRS) and run again.")
    if progress is not None:
        progress.warning(text + ".")


def check_declared_crs(info: LayerInfo, role: str) -> None:
    """Refuse a layer whose declared geographic CRS cannot be true: coordinates beyond ±180° / ±90°.

    The typical case: UTM coordinates in metres in a file that says EPSG:4326; reprojected, they would land
    nowhere (or be dropped) and the criterion would exclude nothing.
    """
    if info.crs is None or not info.crs.is_geographic or info.bounds is None or info.feature_count == 0:
        return
    xmin, ymin, xmax, ymax = info.bounds
    if max(abs(xmin), abs(xmax)) > 180.0 + 1e-6 or max(abs(ymin), abs(ymax)) > 90.0 + 1e-6:
        raise InputError(
            f"Layer for role '{role}' ({info.ref.describe()}) declares the geographic CRS "
            f"{info.crs.to_string() if info.crs.to_epsg() else info.crs.name} (degrees), but its coordinates reach {xmin:,.0f}, {ymin:,.0f} … {xmax:,.0f}, "
            f"{ymax:,.0f}: they are not degrees. Assign the CRS the coordinates are in (e.g. EPSG:25832 for UTM 32N; "
            "QGIS: Layer Properties → Source → Assigned CRS) and save the layer.")


def _check_validity(gdf: gpd.GeoDataFrame, ref: LayerRef, role: str, invalid: str) -> gpd.GeoDataFrame:
    valid = shapely.is_valid(gdf.geometry.values)
    if valid.all():
        return gdf
    bad = np.flatnonzero(~valid)
    if invalid == "repair":
        geoms = gdf.geometry.values.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
        return gdf.set_geometry(geoms)
    if invalid == "skip":  # leave the invalid features out
        return gdf[valid]
    first = int(bad[0])
    reason = shapely.is_valid_reason(gdf.geometry.values[first])
    raise InputError(
        f"Layer for role '{role}' ({ref.describe()}) has {len(bad)} invalid geometr"
        f"{'y' if len(bad) == 1 else 'ies'} (first: feature index {first}, {reason}). "
        "Repair them (QGIS: Processing → Fix geometries) or allow automatic repair "
        "(scenario: invalid_geometries: repair)."
    )


def _bbox_to_crs(
    bbox: tuple[float, float, float, float], src: CRS, dst: CRS
) -> tuple[float, float, float, float]:
    if src.equals(dst):
        return bbox
    from pyproj import Transformer

    t = Transformer.from_crs(src, dst, always_xy=True)
    xmin, ymin, xmax, ymax = t.transform_bounds(*bbox, densify_pts=21)
    # a little slack against curvature between the densified points
    dx, dy = (xmax - xmin) * 0.01, (ymax - ymin) * 0.01
    return (xmin - dx, ymin - dy, xmax + dx, ymax + dy)
