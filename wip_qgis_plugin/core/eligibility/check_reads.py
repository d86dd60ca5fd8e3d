"""What the data check (:mod:`.check`) reads: the area of interest's extent and a layer's features within a box.

Nothing here refuses: a missing CRS, an invalid geometry or a NULL name is a :class:`.check_text.DataWarning`
of the check, not an error. With ``geometry=False`` a layer is read cheaply (attributes and feature
bounds only, :func:`pyogrio.read_bounds`), for the check at the start of every eligibility run.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from ..data.layers import LayerInfo, LayerRef, layer_info
from ..errors import InputError
from .aoi import AreaOfInterest
from .check_text import DataWarning

Box = tuple[float, float, float, float]
_POLYGONAL = (3, 6)  # shapely type ids of Polygon, MultiPolygon
_LINEAR = (1, 2, 5)  # LineString, LinearRing, MultiLineString


@dataclass(frozen=True)
class AoiExtent:
    """The selected areas of interest in the working CRS.

    Attributes
    ----------
    bounds : tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the selected areas. [m]
    geoms : numpy.ndarray
        Their polygons (invalid ones repaired).
    total_ha : float
        The area of their union. [ha]
    n_areas : int
        Number of selected features.
    """

    bounds: Box
    geoms: np.ndarray
    total_ha: float
    n_areas: int


@dataclass
class LayerRead:
    """The features of one layer within a box: attributes, bounds in the working CRS, geometries if read."""

    ref: LayerRef
    info: LayerInfo
    frame: pd.DataFrame
    bounds: np.ndarray  # (n, 4) in the working CRS [m]
    geometry: np.ndarray | None  # shapely geometries in the working CRS (invalid ones repaired), or None
    warnings: list[DataWarning] = field(default_factory=list)


def grow(box: Box, metres: float) -> Box:
    """``box`` grown by ``metres`` on every side."""
    return (box[0] - metres, box[1] - metres, box[2] + metres, box[3] + metres)


def in_box(bounds: np.ndarray, box: Box) -> np.ndarray:
    """Which feature bounds ``(n, 4)`` intersect ``box``."""
    if not len(bounds):
        return np.zeros(0, dtype=bool)
    return (bounds[:, 0] <= box[2]) & (bounds[:, 2] >= box[0]) & (bounds[:, 1] <= box[3]) & (bounds[:, 3] >= box[1])


def _box_to(box: Box, src: CRS, dst: CRS) -> Box:
    if src.equals(dst):
        return box
    t = Transformer.from_crs(src, dst, always_xy=True)
    xmin, ymin, xmax, ymax = t.transform_bounds(*box, densify_pts=21)
    dx, dy = (xmax - xmin) * 0.01, (ymax - ymin) * 0.01
    return (xmin - dx, ymin - dy, xmax + dx, ymax + dy)


def _bounds_to(bounds: np.ndarray, src: CRS, dst: CRS) -> np.ndarray:
    """Feature bounds reprojected through their corners (enough to decide what lies within reach)."""
    if src.equals(dst) or not len(bounds):
        return bounds
    t = Transformer.from_crs(src, dst, always_xy=True)
    xs = np.concatenate([bounds[:, 0], bounds[:, 2], bounds[:, 0], bounds[:, 2]])
    ys = np.concatenate([bounds[:, 1], bounds[:, 1], bounds[:, 3], bounds[:, 3]])
    x, y = t.transform(xs, ys)
    x, y = np.asarray(x).reshape(4, -1), np.asarray(y).reshape(4, -1)
    return np.column_stack([x.min(0), y.min(0), x.max(0), y.max(0)])


def where_text(fids: Sequence[Any], points: Sequence[Any] | None, n_max: int, total: int) -> str:
    """``fid 12 (681234, 5541234), fid 40 (…) …``: the first features of a finding."""
    items = []
    for i, fid in enumerate(list(fids)[:n_max]):
        p = None if points is None else points[i]
        at = "" if p is None or shapely.is_empty(p) else f" ({p.x:.0f}, {p.y:.0f})"
        items.append(f"fid {fid}{at}")
    return ", ".join(items) + (" …" if total > n_max else "")


def defined_crs(info: LayerInfo) -> CRS | None:
    """The layer's CRS; None if it has none or an undefined one.

    A GeoPackage's srs_id 0 or -1 ("Undefined geographic SRS") is reported by GDAL as a geographic CRS.
    """
    if info.crs is None or info.crs.name.lower().startswith("undefined"):
        return None
    return info.crs


def crs_warnings(ref: LayerRef, info: LayerInfo, working: CRS) -> list[DataWarning]:
    """A missing (or undefined) or geographic CRS of a layer."""
    layer = ref.describe()
    if defined_crs(info) is None:
        return [DataWarning("crs_missing", layer=layer, params={"layer": layer})]
    if info.crs.is_geographic:
        return [DataWarning("crs_geographic", layer=layer, value=info.crs.to_string(),
                            params={"layer": layer, "crs": info.crs.to_string(), "working_crs": working.to_string()})]
    return []


def _invalid(ref: LayerRef, fids: np.ndarray, geoms: np.ndarray, n_max: int) -> tuple[np.ndarray, DataWarning | None]:
    valid = shapely.is_valid(geoms)
    if valid.all():
        return valid, None
    bad = np.flatnonzero(~valid)
    points = shapely.point_on_surface(shapely.make_valid(geoms[bad[:n_max]]))
    where = where_text(fids[bad], points, n_max, len(bad))
    layer = ref.describe()
    return valid, DataWarning("invalid_geometries", layer=layer, count=int(len(bad)), where=where,
                              params={"layer": layer, "count": int(len(bad)), "where": where})


def _contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def read_within(ref: LayerRef, role: str, columns: Sequence[str], working: CRS, box: Box, geometry: bool,
                n_max: int = 5, inside: Box | None = None) -> LayerRead:
    """The features of a layer whose bounds intersect ``box`` (working CRS), with the ``columns`` it has.

    ``inside`` (without geometries): if the whole layer lies within this box (the smallest reach of the
    criteria reading it), every feature is within every reach and the feature bounds are not read.

    Without a CRS the layer is read as if it were in the working CRS (and the warning says the run refuses it).
    Invalid geometries are counted (first ``n_max`` named) and repaired for measuring.

    Raises
    ------
    InputError
        If the file or layer cannot be opened.
    """
    info = layer_info(ref, role)
    warnings = crs_warnings(ref, info, working)
    crs = defined_crs(info) or working
    present = [c for c in dict.fromkeys(columns) if c in info.fields]
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in present})
    if info.feature_count == 0:
        return LayerRead(ref, info, empty, np.zeros((0, 4)), np.zeros(0, dtype=object) if geometry else None,
                         warnings)
    layer_box = _box_to(box, working, crs)
    try:
        if geometry:
            gdf = pyogrio.read_dataframe(ref.path, layer=ref.layer, columns=present, bbox=layer_box,
                                         fid_as_index=True)
            gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
            geoms = np.asarray(gdf.geometry.values, dtype=object)
            valid, bad = _invalid(ref, gdf.index.to_numpy(), geoms, n_max)
            if bad is not None:
                warnings.append(bad)
                geoms = geoms.copy()
                geoms[~valid] = shapely.make_valid(geoms[~valid])
            if not crs.equals(working):
                geoms = np.asarray(gpd.GeoSeries(geoms, crs=crs).to_crs(working).values, dtype=object)
            frame = pd.DataFrame(gdf.drop(columns="geometry"))
            return LayerRead(ref, info, frame, shapely.bounds(geoms).reshape(-1, 4), geoms, warnings)
        frame = pyogrio.read_dataframe(ref.path, layer=ref.layer, columns=present, bbox=layer_box,
                                       read_geometry=False, fid_as_index=True)
        if inside is not None and info.bounds is not None and _box_to(info.bounds, crs, working) == info.bounds \
                and _contains(inside, info.bounds):  # the whole layer lies within reach: no bounds needed
            return LayerRead(ref, info, frame, np.tile(np.asarray(info.bounds, dtype=float), (len(frame), 1)), None,
                             warnings)
        fids, bounds = pyogrio.read_bounds(ref.path, layer=ref.layer, bbox=layer_box)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputError(f"cannot read {ref.describe()}: {exc}") from exc
    frame = frame.reindex(fids) if len(frame) != len(fids) or not np.array_equal(frame.index.to_numpy(), fids) \
        else frame
    return LayerRead(ref, info, frame, _bounds_to(np.asarray(bounds, dtype=float).T.reshape(-1, 4), crs, working),
                     None, warnings)


def layer_values(ref: LayerRef, field_name: str) -> pd.Series:
    """The values of one field over the whole layer, without geometries (None: no value)."""
    frame = pyogrio.read_dataframe(ref.path, layer=ref.layer, columns=[field_name], read_geometry=False)
    return frame[field_name]


def measure(geoms: np.ndarray, box: Box) -> tuple[float, float]:
    """Area [ha] of the polygons and length [km] of the lines, clipped to ``box``."""
    if not len(geoms):
        return 0.0, 0.0
    b = shapely.bounds(geoms)
    inside = (b[:, 0] >= box[0]) & (b[:, 1] >= box[1]) & (b[:, 2] <= box[2]) & (b[:, 3] <= box[3])
    clipped = geoms.copy()
    if (~inside).any():
        clipped[~inside] = shapely.clip_by_rect(geoms[~inside], *box)
    types = shapely.get_type_id(geoms)
    area = float(shapely.area(clipped[np.isin(types, _POLYGONAL)]).sum()) / 10_000.0
    length = float(shapely.length(clipped[np.isin(types, _LINEAR)]).sum()) / 1000.0
    return area, length


def _tiles(box: Box, tile_m: float):
    x0, y0, x1, y1 = box
    nx, ny = max(1, int(np.ceil((x1 - x0) / tile_m))), max(1, int(np.ceil((y1 - y0) / tile_m)))
    for i in range(nx):
        for j in range(ny):
            yield (x0 + i * tile_m, y0 + j * tile_m, min(x1, x0 + (i + 1) * tile_m), min(y1, y0 + (j + 1) * tile_m))


def _clipped_union(geoms: np.ndarray, tree: shapely.STRtree, tile: Box) -> Any:
    idx = tree.query(shapely.box(*tile))
    if not len(idx):
        return None
    return shapely.union_all(shapely.clip_by_rect(geoms[idx], *tile))


def coverage_areas(areas: np.ndarray, cover: np.ndarray | None = None, tile_m: float = 10_000.0) -> tuple[float, float]:
    """Area of the union of ``areas`` and the part of it no polygon of ``cover`` covers (exact). [m²]

    Computed tile by tile (``tile_m`` squares): the union of many polygons is far cheaper in small
    pieces. For many detailed cover polygons :func:`uncovered_fraction` is much faster.
    """
    areas = areas[np.isin(shapely.get_type_id(areas), _POLYGONAL)]
    if not len(areas):
        return 0.0, 0.0
    polys = np.zeros(0, dtype=object) if cover is None else cover[np.isin(shapely.get_type_id(cover), _POLYGONAL)]
    area_tree = shapely.STRtree(areas)
    cover_tree = shapely.STRtree(polys) if len(polys) else None
    total = uncovered = 0.0
    for tile in _tiles(tuple(shapely.total_bounds(areas)), tile_m):
        a = _clipped_union(areas, area_tree, tile)
        if a is None or a.is_empty:
            continue
        total += a.area
        c = None if cover_tree is None else _clipped_union(polys, cover_tree, tile)
        uncovered += a.area if c is None or c.is_empty else shapely.difference(a, c).area
    return float(total), float(uncovered)


def uncovered_fraction(areas: np.ndarray, cover: np.ndarray, n_points: int = 200_000) -> float:
    """Share of ``areas`` that no polygon of ``cover`` covers, estimated on a regular grid of points. [-]

    About ``n_points`` points lie in the areas (a square grid, cell centres); a point on a cover
    polygon's boundary counts as covered. The standard error is below √(p(1-p)/n), 0.1 % (absolute)
    for 200,000 points; measured on the 140 km benchmark region: 1.383 % against 1.384 % exact.
    """
    areas = areas[np.isin(shapely.get_type_id(areas), _POLYGONAL)]
    if not len(areas):
        return 0.0
    x0, y0, x1, y1 = shapely.total_bounds(areas)
    step = float(np.sqrt(max(float(shapely.area(areas).sum()), 1.0) / n_points))
    xs, ys = np.arange(x0 + step / 2, x1, step), np.arange(y0 + step / 2, y1, step)
    if not len(xs) or not len(ys):
        return 0.0
    gx, gy = np.meshgrid(xs, ys)
    points = shapely.points(gx.ravel(), gy.ravel())
    points = points[np.unique(shapely.STRtree(points).query(areas, predicate="intersects")[1])]
    if not len(points):
        return 0.0
    polys = cover[np.isin(shapely.get_type_id(cover), _POLYGONAL)]
    if not len(polys):
        return 1.0
    covered = np.unique(shapely.STRtree(points).query(polys, predicate="intersects")[1])  # prepared polygons
    return 1.0 - len(covered) / len(points)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_aoi_extent(aoi: AreaOfInterest, working: CRS, n_max: int = 5) -> tuple[AoiExtent, list[DataWarning]]:
    """The selected areas (all, or those named) and the findings on the area-of-interest layer.

    Findings: a missing or geographic CRS, features with no name (over the whole layer), invalid
    geometries among the selected areas.

    Raises
    ------
    InputError
        If the layer cannot be opened, lacks the name field, holds no polygon, or a name is not in it.
    """
    info = layer_info(aoi.layer, "area of interest")
    layer = aoi.layer.describe()
    warnings = crs_warnings(aoi.layer, info, working)
    if aoi.name_field and aoi.name_field not in info.fields:
        raise InputError(f"The area-of-interest layer ({layer}) has no field {aoi.name_field!r}; fields: "
                         f"{', '.join(info.fields)}. Choose the field that names the municipalities.")
    id_field = aoi.id_field if aoi.id_field and aoi.id_field in info.fields else None
    cols = [c for c in dict.fromkeys((aoi.name_field, id_field)) if c]
    frame = pyogrio.read_dataframe(aoi.layer.path, layer=aoi.layer.layer, columns=cols, fid_as_index=True) \
        if info.feature_count else gpd.GeoDataFrame(geometry=[], crs=info.crs)
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if frame.empty:
        raise InputError(f"The area-of-interest layer ({layer}) holds no polygons.")
    names = [_text(v) for v in frame[aoi.name_field]] if aoi.name_field else [""] * len(frame)
    if aoi.name_field:
        nameless = [i for i, n in enumerate(names) if not n]
        if nameless:
            where = where_text(frame.index.to_numpy()[nameless], None, n_max, len(nameless))
            if id_field:
                keys = [_text(frame[id_field].iloc[i]) for i in nameless[:n_max]]
                where = ", ".join(f"{w} {id_field}={k or '∅'}" for w, k in zip(where.split(", "), keys)) + \
                    (" …" if len(nameless) > n_max else "")
            warnings.append(DataWarning("null_names", role="municipalities", layer=layer, count=len(nameless),
                                        where=where, value=aoi.name_field,
                                        params={"layer": layer, "count": len(nameless), "field": aoi.name_field,
                                                "where": where}))
    if aoi.names:
        available = sorted({n for n in names if n})
        missing = [n for n in aoi.names if n not in available]
        if missing:
            raise InputError(f"No area named {', '.join(repr(m) for m in missing)} in field {aoi.name_field!r} of "
                             f"{layer}; available: {', '.join(available[:30])}{' …' if len(available) > 30 else ''}.")
        frame = frame[np.isin(np.asarray(names, dtype=object), np.asarray(list(aoi.names), dtype=object))]
    geoms = np.asarray(frame.geometry.values, dtype=object)
    valid, bad = _invalid(aoi.layer, frame.index.to_numpy(), geoms, n_max)
    if bad is not None:
        bad.role = "municipalities"
        warnings.append(bad)
        geoms = geoms.copy()
        geoms[~valid] = shapely.make_valid(geoms[~valid])
    crs = defined_crs(info) or working
    if not crs.equals(working):
        geoms = np.asarray(gpd.GeoSeries(geoms, crs=crs).to_crs(working).values, dtype=object)
        geoms = np.where(shapely.is_valid(geoms), geoms, shapely.make_valid(geoms))
    parts = shapely.get_parts(geoms)
    polys = parts[np.isin(shapely.get_type_id(parts), _POLYGONAL) & (shapely.area(parts) > 0)]
    if not len(polys):
        raise InputError(f"The area-of-interest layer ({layer}) holds no polygons among the selected areas.")
    total, _ = coverage_areas(polys)
    return AoiExtent(tuple(float(v) for v in shapely.total_bounds(polys)), polys, total / 10_000.0, len(frame)), \
        warnings


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions that turn ``a`` into ``b``."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _normal(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def near_value(value: str, targets: Sequence[str], max_distance: int = 2) -> str | None:
    """The value of ``targets`` that ``value`` nearly is (``sub_station`` → ``substation``), or None.

    Close means equal but for case, ``-``, ``_`` and blanks, or, for targets of 4 letters and more,
    within ``max_distance`` edits (1 for targets of up to 5 letters). Multi-values (``a;b``) are not compared.
    """
    if ";" in value or value in targets:
        return None
    best, best_d = None, None
    for t in targets:
        d = edit_distance(_normal(value), _normal(t))
        limit = 0 if len(t) < 4 else (1 if len(t) <= 5 else max_distance)
        if d <= limit and (best_d is None or d < best_d):
            best, best_d = t, d
    return best
