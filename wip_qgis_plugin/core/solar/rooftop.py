"""Rooftop PV potential from building footprints.

:func:`run_rooftop_solar` estimates, for every building of a footprint layer, the roof area
usable for modules, the installable capacity and the annual energy, and totals them per
municipality. OSM tags are used where present:

* ``building`` → building type: usable share of each roof face and the roof form assumed
  without a ``roof:shape`` tag (``rooftop.building_types`` of presets/pv_systems.yml; unknown
  types count as ``yes``);
* ``roof:shape`` (flat, gabled, hipped, skillion, gambrel, mansard; others as the type's
  default), ``roof:angle`` [°], ``roof:direction`` [° or N/NE/…: the direction a skillion roof
  faces], ``roof:orientation`` (``along``/``across``: the ridge along or across the longer
  side) and ``height`` [m] (carried into the output).

Roof geometry (modelling assumptions, see the preset): the ridge runs along the longer side of
the footprint's minimum rotated rectangle; a gabled roof has two faces facing away from the
ridge, a hipped roof two main faces and two hip ends (a hip end covers W²/4 of the plan for a
W × L rectangle), a skillion roof one face (towards ``roof:direction``, else the side nearer to
south); each face's area is its plan area / cos(tilt). Faces within ``exclude_north`` of north
are not used. Flat roofs carry east–west racks. Capacity = face area × usable share × packing ×
module power per m²; faces are grouped into orientation classes (tilt and azimuth bins) and
pvlib runs once per class and weather region (:func:`.solar_model.plane_yields`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ..data.outputs import OutputTransaction, write_csv
from ..defaults import DEFAULT_CRS
from ..eligibility.engine import AreaOfInterest
from ..eligibility.engine import read_aoi_areas
from ..errors import InputError
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, check_cancelled
from .model import plane_yields, prepare_sky
from .rooftop_gpkg import write_indexed_gpkg
from .systems import PvSystems, load_pv_systems
from ..data.weather import find_try_region, load_try, read_weather, try_region_outlines
from ..messages import msg

#: Fields of the building output (units in the names).
BUILDING_FIELDS = ("site_id", "municipality", "ags", "building", "roof_shape", "height_m", "footprint_m2",
                   "roof_tilt_deg", "orientation", "roof_area_m2", "usable_roof_m2", "module_area_m2",
                   "capacity_kwp", "capacity_mw", "energy_mwh_per_a", "yield_kwh_per_kwp")
#: Fields of the municipality table.
MUNICIPALITY_FIELDS = ("municipality", "ags", "n_buildings", "n_with_pv", "footprint_m2", "usable_roof_m2",
                       "capacity_mwp", "capacity_mw", "energy_mwh_per_a", "yield_kwh_per_kwp")
#: Compass classes of face azimuths.
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_COMPASS_DEG = {"N": 0, "NNE": 22.5, "NE": 45, "ENE": 67.5, "E": 90, "ESE": 112.5, "SE": 135, "SSE": 157.5,
                "S": 180, "SSW": 202.5, "SW": 225, "WSW": 247.5, "W": 270, "WNW": 292.5, "NW": 315,
                "NNW": 337.5}


@dataclass(frozen=True)
class RooftopOutputs:
    """Destination files; ``None`` skips an output.

    Attributes
    ----------
    buildings : Path or None
        GeoPackage, layer ``rooftop_pv``: footprints with :data:`BUILDING_FIELDS`.
    buildings_table : Path or None
        The same as CSV (no geometry).
    municipalities_table : Path or None
        CSV with :data:`MUNICIPALITY_FIELDS` and a TOTAL row.
    """

    buildings: Path | None = None
    buildings_table: Path | None = None
    municipalities_table: Path | None = None


@dataclass(frozen=True)
class RooftopSettings:
    """How to model rooftop PV.

    Attributes
    ----------
    crs : str
        Working CRS (projected, metres).
    preset : str
        PV system preset id or YAML file.
    weather : str or None
        One weather source for all buildings (TRY region or file); None: the TRY region of each
        building.
    losses_pct : float or None
        Combined DC losses [%]; None: the preset's items combined.
    tilt_step_deg, azimuth_step_deg : float
        Orientation class size [°].
    invalid_geometries : str
        ``error`` or ``repair``.
    """

    crs: str = DEFAULT_CRS
    preset: str = "pv_systems"
    weather: str | None = None
    losses_pct: float | None = None
    tilt_step_deg: float = 5.0
    azimuth_step_deg: float = 10.0
    invalid_geometries: str = "error"


@dataclass(frozen=True)
class MunicipalRooftop:
    """Rooftop totals of one municipality (see :data:`MUNICIPALITY_FIELDS`)."""

    municipality: str
    ags: str
    n_buildings: int
    n_with_pv: int
    footprint_m2: float
    usable_roof_m2: float
    capacity_mwp: float
    capacity_mw: float
    energy_mwh_per_a: float
    yield_kwh_per_kwp: float


@dataclass(frozen=True)
class RooftopResult:
    """What a run produced."""

    outputs: RooftopOutputs
    n_buildings: int
    n_with_pv: int
    usable_roof_m2: float
    capacity_mwp: float
    capacity_mw: float
    energy_mwh_per_a: float
    mean_yield_kwh_per_kwp: float
    n_classes: int
    municipalities: tuple[MunicipalRooftop, ...] = ()
    buildings: pd.DataFrame | None = None


# ----------------------------------------------------------------------------- tags

def _number(value: Any) -> float:
    """A number from an OSM tag value (``"35"``, ``"35 °"``, ``"12.5 m"``); NaN otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    match = re.match(r"^\s*([+-]?\d+(?:[.,]\d+)?)", str(value))
    return float(match.group(1).replace(",", ".")) if match else float("nan")


def _direction(value: Any) -> float:
    """``roof:direction``: degrees or a compass point; NaN if unreadable."""
    if isinstance(value, str) and value.strip().upper() in _COMPASS_DEG:
        return float(_COMPASS_DEG[value.strip().upper()])
    return _number(value) % 360.0 if math.isfinite(_number(value)) else float("nan")


def compass_class(azimuth_deg: float) -> str:
    """Compass class (N, NE, …) of an azimuth [°]."""
    return COMPASS[int(((azimuth_deg % 360.0) + 22.5) // 45.0) % 8]


# ----------------------------------------------------------------------------- geometry

def long_axis_deg(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direction and extent of each footprint's long axis (vectorised, no per-building loop).

    The long axis is the principal axis of the second moments of area of the footprint's convex
    hull (for a rectangle: its longer side); length and width are the hull's extents along and
    across it.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Azimuth of the long axis in [0, 180) [°], length and width [m].
    """
    n = len(geoms)
    if n == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    hulls = shapely.convex_hull(np.asarray(geoms, dtype=object))
    if not (shapely.get_type_id(hulls) == 3).all():      # a hull without area: a point or a line
        raise InputError("Building footprints must be polygons with an area.")
    coords, index = shapely.get_coordinates(hulls, return_index=True)   # a hull has one ring, its exterior
    counts = np.bincount(index, minlength=n)
    if coords.size == 0 or not counts.all():
        raise InputError("Building footprints must be polygons with an area.")
    start = np.cumsum(counts) - counts
    origin = coords[start]                      # shift each ring to one of its vertices (precision)
    xy = coords - np.repeat(origin, counts, axis=0)
    same = index[:-1] == index[1:]
    x0, y0, x1, y1 = xy[:-1, 0][same], xy[:-1, 1][same], xy[1:, 0][same], xy[1:, 1][same]
    owner = index[:-1][same]
    cross = x0 * y1 - x1 * y0

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(owner, weights=values, minlength=n)

    area = total(cross) / 2.0
    area = np.where(area == 0, 1e-12, area)
    cx, cy = total((x0 + x1) * cross) / (6.0 * area), total((y0 + y1) * cross) / (6.0 * area)
    sxx = total((x0 * x0 + x0 * x1 + x1 * x1) * cross) / 12.0 - area * cx * cx
    syy = total((y0 * y0 + y0 * y1 + y1 * y1) * cross) / 12.0 - area * cy * cy
    sxy = total((x0 * y1 + 2 * x0 * y0 + 2 * x1 * y1 + x1 * y0) * cross) / 24.0 - area * cx * cy
    sign = np.sign(area)                                   # rings may run clockwise
    sxx, syy, sxy = sxx * sign, syy * sign, sxy * sign
    theta = 0.5 * np.arctan2(2.0 * sxy, sxx - syy)          # from the x axis (east), counter-clockwise
    azimuth = np.mod(90.0 - np.degrees(theta), 180.0)
    ux, uy = np.sin(np.radians(azimuth)), np.cos(np.radians(azimuth))
    ux, uy = np.repeat(ux, counts), np.repeat(uy, counts)
    along = xy[:, 0] * ux + xy[:, 1] * uy
    across = xy[:, 0] * uy - xy[:, 1] * ux
    length = np.maximum.reduceat(along, start) - np.minimum.reduceat(along, start)
    width = np.maximum.reduceat(across, start) - np.minimum.reduceat(across, start)
    return azimuth, length, width


@dataclass(frozen=True)
class Face:
    """A roof face: plan share of the footprint, tilt and azimuth [°] (azimuth NaN: E–W racks)."""

    plan_share: float
    tilt_deg: float
    azimuth_deg: float


def roof_faces(shape: str, tilt_deg: float, ridge_deg: float, length_m: float, width_m: float,
               direction_deg: float, flat_roof_tilt_deg: float) -> list[Face]:
    """The faces of a roof form (see the module doc).

    Parameters
    ----------
    shape : str
        Roof form (flat, gabled, hipped, skillion, gambrel, mansard).
    tilt_deg : float
        Roof pitch [°].
    ridge_deg : float
        Azimuth of the ridge [°].
    length_m, width_m : float
        Sides of the footprint rectangle along and across the ridge [m].
    direction_deg : float
        Direction a skillion roof faces (NaN: the side nearer to south) [°].
    flat_roof_tilt_deg : float
        Tilt of the east–west racks on flat roofs [°].
    """
    left, right = (ridge_deg + 90.0) % 360.0, (ridge_deg + 270.0) % 360.0
    if shape == "flat" or tilt_deg < 5.0:
        return [Face(1.0, flat_roof_tilt_deg, float("nan"))]
    if shape == "skillion":
        if math.isnan(direction_deg):
            direction_deg = min((left, right), key=lambda a: abs(((a - 180.0) + 180.0) % 360.0 - 180.0))
        return [Face(1.0, tilt_deg, direction_deg % 360.0)]
    if shape in ("hipped", "mansard") and length_m > 0 and width_m > 0:
        end = min(0.5, width_m / (4.0 * length_m))      # W²/4 of L·W per hip end
        main = (1.0 - 2.0 * end) / 2.0
        return [Face(main, tilt_deg, left), Face(main, tilt_deg, right),
                Face(end, tilt_deg, ridge_deg % 360.0), Face(end, tilt_deg, (ridge_deg + 180.0) % 360.0)]
    return [Face(0.5, tilt_deg, left), Face(0.5, tilt_deg, right)]


# ----------------------------------------------------------------------------- the run

def _faces_table(frame: gpd.GeoDataFrame, systems: PvSystems,
                 columns: Mapping[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roof faces of every building (vectorised :func:`roof_faces`) and each building's type, form and tilt.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Faces: ``building`` (row of ``frame``), ``area_m2`` (inclined), ``tilt_deg``, ``azimuth_deg``
        (NaN: east–west racks on a flat roof), ``usable`` (0 for faces towards north), ``flat``.
        Buildings: ``type``, ``shape``, ``tilt_deg``, ``footprint_m2``.
    """
    spec = systems.rooftop
    n = len(frame)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    footprint = shapely.area(geoms)
    ridge, length, width = long_axis_deg(geoms)

    def tag(name: str) -> pd.Series:
        return frame[columns[name]].reset_index(drop=True) if columns.get(name) else pd.Series([None] * n, dtype=object)

    # each tag column is read once per distinct value, types and shapes as positions in the preset's tables
    type_keys, shape_keys = list(spec.building_types), list(spec.roof_shapes)
    type_ix = _per_value(tag("building"), lambda v: _position(_lower(v, "yes"), type_keys, type_keys.index("yes")), int)
    types = np.array(type_keys, dtype=str)[type_ix]
    default_shape = np.array([shape_keys.index(v.default_shape) for v in spec.building_types.values()], dtype=int)
    shape_ix = _per_value(tag("roof_shape"), lambda v: _position(_lower(v, ""), shape_keys, -1), int)
    shape_ix = np.where(shape_ix >= 0, shape_ix, default_shape[type_ix])
    shapes = np.array(shape_keys, dtype=str)[shape_ix]
    usable = np.array([v.usable for v in spec.building_types.values()], dtype=float)[type_ix]
    tagged = _per_value(tag("roof_angle"), _number, float)
    tilt = np.where(np.isfinite(tagged) & (tagged >= 0) & (tagged < 80), tagged,
                    np.array([v.tilt_deg for v in spec.roof_shapes.values()], dtype=float)[shape_ix])
    across = _per_value(tag("roof_orientation"), lambda v: isinstance(v, str) and v.strip().lower() == "across", bool)
    ridge = np.where(across, (ridge + 90.0) % 180.0, ridge)
    length, width = np.where(across, width, length), np.where(across, length, width)
    direction = _per_value(tag("roof_direction"), _direction, float)

    def is_shape(*names: str) -> np.ndarray:
        return np.isin(shape_ix, [shape_keys.index(x) for x in names if x in shape_keys])

    flat = is_shape("flat") | (tilt < 5.0)
    skillion = ~flat & is_shape("skillion")
    hipped = ~flat & is_shape("hipped", "mansard") & (length > 0) & (width > 0)
    gabled = ~flat & ~skillion & ~hipped
    left, right = (ridge + 90.0) % 360.0, (ridge + 270.0) % 360.0
    off_south = lambda a: np.abs(((a - 180.0) + 180.0) % 360.0 - 180.0)  # noqa: E731
    nearer_south = np.where(off_south(left) <= off_south(right), left, right)
    end = np.minimum(0.5, width / np.maximum(4.0 * length, 1e-9))
    main = (1.0 - 2.0 * end) / 2.0
    parts: list[tuple[np.ndarray, ...]] = []

    def add(sel: np.ndarray, share: np.ndarray | float, face_tilt: np.ndarray | float, azimuth: np.ndarray | float,
            is_flat: bool) -> None:
        idx = np.flatnonzero(sel)
        parts.append((idx, np.broadcast_to(share, (n,))[idx], np.broadcast_to(face_tilt, (n,))[idx],
                      np.broadcast_to(azimuth, (n,))[idx], np.full(len(idx), is_flat)))

    add(flat, 1.0, spec.flat_roof_tilt_deg, np.nan, True)
    add(skillion, 1.0, tilt, np.where(np.isfinite(direction), direction % 360.0, nearer_south), False)
    for share, azimuth in ((main, left), (main, right), (end, ridge % 360.0), (end, (ridge + 180.0) % 360.0)):
        add(hipped, share, tilt, azimuth, False)
    for azimuth in (left, right):
        add(gabled, 0.5, tilt, azimuth, False)
    b, face_share, face_tilt, face_azimuth, is_flat = (np.concatenate(column) for column in zip(*parts))
    order = np.argsort(b, kind="stable")                  # the faces of a building together, in the order above
    b, face_share, face_tilt, face_azimuth, is_flat = (a[order] for a in (b, face_share, face_tilt, face_azimuth,
                                                                          is_flat))
    plan = footprint[b] * face_share
    area = np.where(is_flat, plan, plan / np.cos(np.radians(face_tilt)))
    north = ~is_flat & (off_south(face_azimuth + 180.0) < spec.exclude_north_deg)
    faces = pd.DataFrame({"building": b, "area_m2": area, "tilt_deg": face_tilt, "azimuth_deg": face_azimuth,
                          "usable": np.where(north, 0.0, usable[b]), "flat": is_flat})
    meta = pd.DataFrame({"type": types, "shape": shapes, "tilt_deg": np.where(flat, 0.0, tilt),
                         "footprint_m2": footprint})
    return faces, meta


def _per_value(values: pd.Series, func: Any, dtype: Any) -> np.ndarray:
    """``values.map(func)`` computed once per distinct value (a tag column repeats few values a million times)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=dtype)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = func(None)                       # missing values (None, NaN) under code -1
    return mapped[codes]


def _lower(value: Any, missing: str) -> str:
    """A text tag stripped and in lower case; ``missing`` for anything else."""
    return str(value).strip().lower() if isinstance(value, str) else missing


def _position(key: str, keys: list[str], missing: int) -> int:
    return keys.index(key) if key in keys else missing


def _columns(info_fields: list[str]) -> dict[str, str]:
    wanted = {"building": "building", "roof_shape": "roof:shape", "roof_angle": "roof:angle",
              "roof_direction": "roof:direction", "roof_orientation": "roof:orientation", "height": "height"}
    return {k: v for k, v in wanted.items() if v in info_fields}


def run_rooftop_solar(
    buildings: LayerRef,
    aoi: AreaOfInterest | None,
    outputs: RooftopOutputs,
    settings: RooftopSettings = RooftopSettings(),
    progress: Progress | None = None,
) -> RooftopResult:
    """Model rooftop PV on building footprints and write the outputs.

    Parameters
    ----------
    buildings : LayerRef
        Building footprints (polygons), OSM-tagged where possible.
    aoi : AreaOfInterest or None
        Only buildings whose centre lies in these areas; totals per municipality.
    outputs : RooftopOutputs
        Destination files.
    settings : RooftopSettings
        PV systems, weather, working CRS (default :data:`core.defaults.DEFAULT_CRS`).
    progress : Progress, optional

    Returns
    -------
    RooftopResult

    Raises
    ------
    InputError
        Bad inputs (nothing is written).
    Cancelled
        The user cancelled (nothing is written).
    """
    progress = progress or NullProgress()
    if outputs.municipalities_table is not None and aoi is None:
        raise InputError("Rooftop totals per municipality need the area of interest (municipality layer and "
                         "name field).")
    progress.report(0.0, msg("step_reading_buildings"))
    systems = load_pv_systems(settings.preset)
    spec = systems.rooftop
    crs = check_working_crs(settings.crs)
    losses = systems.total_loss_pct() if settings.losses_pct is None else float(settings.losses_pct)
    names: list[str] = []
    ids: list[str] = []
    muni_geoms = None
    bbox = None
    if aoi is not None:
        names, ids, muni_geoms = read_aoi_areas(aoi, crs, settings.invalid_geometries)
        corners = shapely.bounds(np.asarray(muni_geoms, dtype=object))
        bbox = (*np.nanmin(corners[:, :2], axis=0), *np.nanmax(corners[:, 2:], axis=0))
    info = layer_info(buildings, "buildings")
    columns = _columns(list(info.fields))
    if (bbox is not None and info.crs is not None and info.bounds is not None and info.crs.equals(crs)
            and bbox[0] <= info.bounds[0] and bbox[1] <= info.bounds[1] and bbox[2] >= info.bounds[2]
            and bbox[3] >= info.bounds[3]):
        bbox = None  # the whole layer lies in the box: read it without a spatial filter (faster, same features)
    frame = read_layer(buildings, "buildings", crs, bbox, tuple(columns.values()), settings.invalid_geometries,
                       empty_ok=True)  # no building is a result: 0 MWp
    geoms = np.asarray(frame.geometry.values, dtype=object)
    footprints = (shapely.get_type_id(geoms) != 0) & (shapely.area(geoms) > 0)  # no points
    if not footprints.all():                        # (a million rows are copied only if some go)
        frame = frame[footprints].reset_index(drop=True)
    centres = shapely.point_on_surface(np.asarray(frame.geometry.values, dtype=object))
    muni_index = np.full(len(frame), -1)
    if muni_geoms is not None:
        muni_index = _containing_area(muni_geoms, shapely.get_x(centres), shapely.get_y(centres))
        keep = muni_index >= 0
        if not keep.all():
            frame, centres, muni_index = frame[keep].reset_index(drop=True), centres[keep], muni_index[keep]
    check_cancelled(progress)
    if len(frame) == 0:
        progress.warning(msg("rooftop_no_buildings", layer=buildings.describe()))
    progress.report(0.1, msg("rooftop_roof_faces", n=len(frame)))
    faces, meta = _faces_table(frame, systems, columns) if len(frame) else (
        pd.DataFrame(columns=["building", "area_m2", "tilt_deg", "azimuth_deg", "usable", "flat"]),
        pd.DataFrame(columns=["type", "shape", "tilt_deg", "footprint_m2"]))
    n = len(frame)
    # per face, as arrays (faces of one building are adjacent; ``owner`` is the building's row)
    owner = faces["building"].to_numpy(int)
    is_flat = faces["flat"].to_numpy(bool)
    area = faces["area_m2"].to_numpy(float)
    usable_m2 = area * faces["usable"].to_numpy(float)
    module_m2 = usable_m2 * spec.packing
    small = np.bincount(owner, module_m2, minlength=n) < spec.min_module_area_m2
    module_m2 = np.where(small[owner], 0.0, module_m2)
    kwp_face = module_m2 * systems.module_w_per_m2 / 1000.0

    # weather regions of the buildings
    user = None
    if settings.weather not in (None, "", "auto", "try"):
        user = read_weather(int(settings.weather) if str(settings.weather).isdigit() else settings.weather)
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_ll.transform(shapely.get_x(centres), shapely.get_y(centres)) if len(frame) else ([], [])
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    region = np.zeros(len(frame), int)
    if user is None and len(frame):
        region = _try_regions(lon, lat)
    face_region = region[owner]
    # orientation classes
    t_step, a_step = settings.tilt_step_deg, settings.azimuth_step_deg
    tilt_c = np.rint(faces["tilt_deg"].to_numpy(float) / t_step) * t_step
    az_c = np.mod(np.rint(faces["azimuth_deg"].to_numpy(float) / a_step) * a_step, 360.0)
    face_yield = np.full(len(faces), np.nan)
    n_classes = 0
    regions = sorted(set(int(r) for r in np.unique(face_region)))
    for k, code in enumerate(regions):
        check_cancelled(progress)
        weather = user if user is not None else load_try(code)
        sel_b = region == code
        sky = prepare_sky(weather, float(np.mean(lat[sel_b])), float(np.mean(lon[sel_b])),
                          weather.elevation_m if math.isfinite(weather.elevation_m) else 0.0)
        in_region = face_region == code
        pitched = in_region & ~is_flat
        # classes in order of first appearance; ``cls`` is each pitched face's class
        cls, class_tilt, class_az = _classes(tilt_c[pitched], az_c[pitched])
        if len(cls):
            values = plane_yields(sky, systems, class_tilt, class_az, spec.temperature_model, losses)
            face_yield[pitched] = values[cls]
        flat = in_region & is_flat
        if flat.any():
            east_west = plane_yields(sky, systems, [spec.flat_roof_tilt_deg] * 2, [90.0, 270.0],
                                     spec.temperature_model, losses)
            face_yield[flat] = float(np.mean(east_west))
        n_classes += len(class_tilt) + (1 if flat.any() else 0)
        progress.report(0.1 + 0.6 * (k + 1) / max(1, len(regions)), msg("rooftop_pvlib_region", code=str(code)))
    energy_face = kwp_face * np.nan_to_num(face_yield, nan=0.0) / 1000.0

    # per building
    kwp = np.bincount(owner, kwp_face, minlength=n)
    energy = np.bincount(owner, energy_face, minlength=n)
    usable = np.bincount(owner, usable_m2, minlength=n)
    roof = np.bincount(owner, area, minlength=n)
    module = np.bincount(owner, module_m2, minlength=n)
    orientation = _orientations(n, owner, kwp_face, faces["azimuth_deg"].to_numpy(float), is_flat)
    height = _per_value(frame[columns["height"]], _number, float) if "height" in columns else np.full(n, np.nan)
    table = pd.DataFrame({
        "site_id": [f"roof-{i + 1}" for i in range(n)],
        "municipality": np.array(list(names) + [""], dtype=object)[muni_index],   # -1 (no AOI): ""
        "ags": np.array(list(ids) + [""], dtype=object)[muni_index],
        "building": meta["type"].to_numpy() if n else [], "roof_shape": meta["shape"].to_numpy() if n else [],
        "height_m": height, "footprint_m2": meta["footprint_m2"].to_numpy(float) if n else np.empty(0),
        "roof_tilt_deg": meta["tilt_deg"].to_numpy(float) if n else np.empty(0), "orientation": orientation,
        "roof_area_m2": roof, "usable_roof_m2": usable, "module_area_m2": module, "capacity_kwp": kwp,
        "capacity_mw": kwp / 1000.0 / systems.dc_ac_ratio, "energy_mwh_per_a": energy,
        "yield_kwh_per_kwp": np.where(kwp > 0, energy * 1000.0 / np.where(kwp > 0, kwp, 1.0), np.nan),
    })
    munis = _municipalities(names, ids, muni_index, table, systems.dc_ac_ratio)
    total = _municipal("TOTAL", "", table, systems.dc_ac_ratio)
    check_cancelled(progress)
    progress.report(0.8, msg("step_writing"))
    with OutputTransaction() as tx:
        if outputs.buildings is not None:
            out = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(frame.geometry.values, crs=crs), crs=crs)
            write_indexed_gpkg(tx.temp_for(outputs.buildings), out, "rooftop_pv", "MultiPolygon")
        if outputs.buildings_table is not None:
            write_csv(tx.temp_for(outputs.buildings_table), BUILDING_FIELDS, table[list(BUILDING_FIELDS)]
                         .itertuples(index=False, name=None))
        if outputs.municipalities_table is not None:
            write_csv(tx.temp_for(outputs.municipalities_table), MUNICIPALITY_FIELDS,
                         ([getattr(m, f) for f in MUNICIPALITY_FIELDS] for m in munis + [total]))
        check_cancelled(progress)
    progress.report(1.0, msg("step_done"))
    return RooftopResult(outputs, total.n_buildings, total.n_with_pv, total.usable_roof_m2, total.capacity_mwp,
                         total.capacity_mw, total.energy_mwh_per_a, total.yield_kwh_per_kwp, n_classes,
                         tuple(munis), table)


def _containing_area(areas: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the area that contains each point (its interior; a point in overlapping areas: the later), -1: none.

    Asked from the areas' side, each prepared once, of the points in its box (points sorted by x):
    querying from the points tests a million points against unprepared polygons (72 s at 1.16 M).
    """
    out = np.full(len(x), -1)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    for i, area in enumerate(areas):
        if area is None or shapely.is_empty(area):
            continue
        x0, y0, x1, y1 = shapely.bounds(area)
        near = order[np.searchsorted(xs, x0, "left"):np.searchsorted(xs, x1, "right")]
        near = near[(y[near] >= y0) & (y[near] <= y1)]
        shapely.prepare(area)
        out[near[shapely.contains_xy(area, x[near], y[near])]] = i
    return out


def _try_regions(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """TRY region per point (points outside every outline: the region of their mean position)."""
    region = np.zeros(len(lon), int)
    for code, geometry in try_region_outlines():
        geometry = shapely.from_wkb(shapely.to_wkb(geometry))   # an own copy, prepared: a million points
        shapely.prepare(geometry)
        x0, y0, x1, y1 = shapely.bounds(geometry)
        todo = np.flatnonzero(region == 0)                       # the first region covering a point keeps it
        todo = todo[(lon[todo] >= x0) & (lon[todo] <= x1) & (lat[todo] >= y0) & (lat[todo] <= y1)]
        region[todo[shapely.intersects_xy(geometry, lon[todo], lat[todo])]] = code  # = covers(point)
    if (region == 0).any():
        region[region == 0] = find_try_region(float(np.mean(lon[region == 0])), float(np.mean(lat[region == 0])))
    return region


def _classes(tilt: np.ndarray, azimuth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (tilt, azimuth) pairs in order of first appearance, and each face's pair."""
    t_code, t_values = pd.factorize(tilt)
    a_code, a_values = pd.factorize(azimuth)
    pair, first = pd.factorize(t_code.astype(np.int64) * max(1, len(a_values)) + a_code)
    return pair, t_values[first // max(1, len(a_values))], a_values[first % max(1, len(a_values))]


def _orientations(n: int, owner: np.ndarray, kwp: np.ndarray, azimuth: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Compass class of each building's face of the largest capacity (``flat E-W``; ``-`` without PV)."""
    with_pv = np.flatnonzero(kwp > 0)
    # largest first, ties as pandas' sort_values(ascending=False) orders them (the order of earlier versions)
    by_kwp = with_pv[::-1][kwp[with_pv][::-1].argsort(kind="quicksort")][::-1]
    _, first = np.unique(owner[by_kwp], return_index=True)     # each building's first face in that order
    best = by_kwp[first]
    labels = np.array(COMPASS + ("flat E-W",), dtype=object)
    cls = np.where(flat[best], len(COMPASS), (((np.mod(np.nan_to_num(azimuth[best]), 360.0) + 22.5) // 45.0)
                                              .astype(int) % 8))
    orientation = np.full(n, "-", dtype=object)
    orientation[owner[best]] = labels[cls]
    return orientation


def _municipalities(names: list[str], ids: list[str], muni_index: np.ndarray, table: pd.DataFrame,
                    dc_ac: float) -> list[MunicipalRooftop]:
    """:func:`_municipal` of every area at once (sums by area index; a million buildings, hundreds of areas)."""
    m = len(names)
    if m == 0:
        return []
    inside = muni_index >= 0
    at = muni_index[inside]

    def total(column: str) -> np.ndarray:
        return np.bincount(at, table[column].to_numpy(float)[inside], minlength=m)

    kwp, energy = total("capacity_kwp"), total("energy_mwh_per_a")
    count = np.bincount(at, minlength=m)
    with_pv = np.bincount(at, table["capacity_kwp"].to_numpy(float)[inside] > 0, minlength=m)
    footprint, usable = total("footprint_m2"), total("usable_roof_m2")
    return [MunicipalRooftop(names[i], ids[i], int(count[i]), int(with_pv[i]), float(footprint[i]), float(usable[i]),
                             float(kwp[i]) / 1000.0, float(kwp[i]) / 1000.0 / dc_ac, float(energy[i]),
                             float(energy[i]) * 1000.0 / float(kwp[i]) if kwp[i] > 0 else float("nan"))
            for i in range(m)]


def _municipal(name: str, ags: str, rows: pd.DataFrame, dc_ac: float) -> MunicipalRooftop:
    kwp = float(rows["capacity_kwp"].sum())
    energy = float(rows["energy_mwh_per_a"].sum())
    return MunicipalRooftop(name, ags, int(len(rows)), int((rows["capacity_kwp"] > 0).sum()),
                            float(rows["footprint_m2"].sum()), float(rows["usable_roof_m2"].sum()),
                            kwp / 1000.0, kwp / 1000.0 / dc_ac, energy,
                            energy * 1000.0 / kwp if kwp > 0 else float("nan"))


__all__ = ["BUILDING_FIELDS", "COMPASS", "MUNICIPALITY_FIELDS", "Face", "MunicipalRooftop", "RooftopOutputs",
           "RooftopResult", "RooftopSettings", "compass_class", "long_axis_deg", "roof_faces", "run_rooftop_solar",
           ]
