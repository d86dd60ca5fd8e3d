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

from ..data.outputs import OutputTransaction, write_csv, write_vector
from ..defaults import DEFAULT_CRS
from ..eligibility.engine import AreaOfInterest
from ..eligibility.engine import read_aoi_areas
from ..errors import InputError
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, check_cancelled
from .model import plane_yields, prepare_sky
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
    coords, index = shapely.get_coordinates(shapely.get_exterior_ring(hulls), return_index=True)
    if coords.size == 0 or np.unique(index).size != n:
        raise InputError("Building footprints must be polygons with an area.")
    start = np.searchsorted(index, np.arange(n))
    origin = coords[start]                      # shift each ring to one of its vertices (precision)
    xy = coords - origin[index]
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
    along = xy[:, 0] * ux[index] + xy[:, 1] * uy[index]
    across = xy[:, 0] * uy[index] - xy[:, 1] * ux[index]
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

    types = tag("building").map(lambda v: str(v).strip().lower() if isinstance(v, str) else "yes")
    types = types.where(types.isin(list(spec.building_types)), "yes")
    shapes = tag("roof_shape").map(lambda v: str(v).strip().lower() if isinstance(v, str) else "")
    default_shape = types.map({k: v.default_shape for k, v in spec.building_types.items()})
    shapes = shapes.where(shapes.isin(list(spec.roof_shapes)), default_shape).to_numpy(str)
    usable = types.map({k: v.usable for k, v in spec.building_types.items()}).to_numpy(float)
    tagged = tag("roof_angle").map(_number).to_numpy(float)
    tilt = np.where(np.isfinite(tagged) & (tagged >= 0) & (tagged < 80), tagged,
                    np.array([spec.roof_shapes[x].tilt_deg for x in shapes]))
    across = tag("roof_orientation").map(lambda v: isinstance(v, str) and v.strip().lower() == "across").to_numpy(bool)
    ridge = np.where(across, (ridge + 90.0) % 180.0, ridge)
    length, width = np.where(across, width, length), np.where(across, length, width)
    direction = tag("roof_direction").map(_direction).to_numpy(float)

    flat = (shapes == "flat") | (tilt < 5.0)
    skillion = ~flat & (shapes == "skillion")
    hipped = ~flat & np.isin(shapes, ("hipped", "mansard")) & (length > 0) & (width > 0)
    gabled = ~flat & ~skillion & ~hipped
    left, right = (ridge + 90.0) % 360.0, (ridge + 270.0) % 360.0
    off_south = lambda a: np.abs(((a - 180.0) + 180.0) % 360.0 - 180.0)  # noqa: E731
    nearer_south = np.where(off_south(left) <= off_south(right), left, right)
    end = np.minimum(0.5, width / np.maximum(4.0 * length, 1e-9))
    main = (1.0 - 2.0 * end) / 2.0
    parts = []

    def add(sel: np.ndarray, share: np.ndarray | float, face_tilt: np.ndarray | float, azimuth: np.ndarray | float,
            is_flat: bool) -> None:
        idx = np.flatnonzero(sel)
        parts.append(pd.DataFrame({
            "building": idx, "share": np.broadcast_to(share, (n,))[idx],
            "tilt_deg": np.broadcast_to(face_tilt, (n,))[idx], "azimuth_deg": np.broadcast_to(azimuth, (n,))[idx],
            "flat": is_flat}))

    add(flat, 1.0, spec.flat_roof_tilt_deg, np.nan, True)
    add(skillion, 1.0, tilt, np.where(np.isfinite(direction), direction % 360.0, nearer_south), False)
    for share, azimuth in ((main, left), (main, right), (end, ridge % 360.0), (end, (ridge + 180.0) % 360.0)):
        add(hipped, share, tilt, azimuth, False)
    for azimuth in (left, right):
        add(gabled, 0.5, tilt, azimuth, False)
    faces = pd.concat(parts, ignore_index=True).sort_values(["building"], kind="stable").reset_index(drop=True)
    b = faces["building"].to_numpy(int)
    plan = footprint[b] * faces["share"].to_numpy(float)
    is_flat = faces["flat"].to_numpy(bool)
    faces["area_m2"] = np.where(is_flat, plan, plan / np.cos(np.radians(faces["tilt_deg"].to_numpy(float))))
    north = ~is_flat & (off_south(faces["azimuth_deg"].to_numpy(float) + 180.0) < spec.exclude_north_deg)
    faces["usable"] = np.where(north, 0.0, usable[b])
    meta = pd.DataFrame({"type": types.to_numpy(str), "shape": shapes, "tilt_deg": np.where(flat, 0.0, tilt),
                         "footprint_m2": footprint})
    return faces[["building", "area_m2", "tilt_deg", "azimuth_deg", "usable", "flat"]], meta


def _columns(info_fields: list[str]) -> dict[str, str]:
    wanted = {"building": "building", "roof_shape": "roof:shape", "roof_angle": "roof:angle",
              "roof_direction": "roof:direction", "roof_orientation": "roof:orientation", "height": "height",
              "levels": "building:levels"}
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
        bbox = shapely.union_all(muni_geoms).bounds
    info = layer_info(buildings, "buildings")
    columns = _columns(list(info.fields))
    frame = read_layer(buildings, "buildings", crs, bbox, tuple(columns.values()), settings.invalid_geometries,
                       empty_ok=True)  # no building is a result: 0 MWp
    frame = frame[shapely.get_type_id(frame.geometry.values).astype(int) != 0].copy()  # points
    frame = frame[shapely.area(frame.geometry.values) > 0].reset_index(drop=True)
    centres = shapely.point_on_surface(frame.geometry.values)
    muni_index = np.full(len(frame), -1)
    if muni_geoms is not None:
        # "centre within municipality" asked from the municipalities' side: each polygon is prepared once
        # (querying from the points tested a million points against unprepared polygons: 72 s at 1.16 M)
        muni, point = shapely.STRtree(centres).query(muni_geoms, predicate="contains")
        order = np.lexsort((muni, point))  # a centre in two overlapping areas keeps the later one
        muni_index[point[order]] = muni[order]
        keep = muni_index >= 0
        frame, centres, muni_index = frame[keep].reset_index(drop=True), centres[keep], muni_index[keep]
    check_cancelled(progress)
    if len(frame) == 0:
        progress.warning(msg("rooftop_no_buildings", layer=buildings.describe()))
    progress.report(0.1, msg("rooftop_roof_faces", n=len(frame)))
    faces, meta = _faces_table(frame, systems, columns) if len(frame) else (
        pd.DataFrame(columns=["building", "area_m2", "tilt_deg", "azimuth_deg", "usable", "flat"]),
        pd.DataFrame(columns=["type", "shape", "tilt_deg", "footprint_m2"]))
    faces["usable_m2"] = faces["area_m2"] * faces["usable"]
    faces["module_m2"] = faces["usable_m2"] * spec.packing
    module_total = faces.groupby("building")["module_m2"].sum().reindex(range(len(frame)), fill_value=0.0)
    small = module_total.to_numpy() < spec.min_module_area_m2
    faces.loc[faces["building"].isin(np.flatnonzero(small)), "module_m2"] = 0.0
    faces["kwp"] = faces["module_m2"] * systems.module_w_per_m2 / 1000.0

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
    faces["region"] = region[faces["building"].to_numpy(int)] if len(faces) else []
    # orientation classes
    t_step, a_step = settings.tilt_step_deg, settings.azimuth_step_deg
    faces["tilt_c"] = np.rint(faces["tilt_deg"].astype(float) / t_step) * t_step
    faces["az_c"] = np.mod(np.rint(faces["azimuth_deg"].astype(float) / a_step) * a_step, 360.0)
    faces["yield"] = np.nan
    n_classes = 0
    regions = sorted(set(int(r) for r in faces["region"])) if len(faces) else []
    for k, code in enumerate(regions):
        check_cancelled(progress)
        weather = user if user is not None else load_try(code)
        sel_b = region == code
        sky = prepare_sky(weather, float(np.mean(lat[sel_b])), float(np.mean(lon[sel_b])),
                          weather.elevation_m if math.isfinite(weather.elevation_m) else 0.0)
        in_region = (faces["region"] == code).to_numpy()
        pitched = in_region & ~faces["flat"].to_numpy(bool)
        classes = faces.loc[pitched, ["tilt_c", "az_c"]].drop_duplicates()
        if len(classes):
            values = plane_yields(sky, systems, classes["tilt_c"], classes["az_c"], spec.temperature_model, losses)
            lookup = {(t, a): v for t, a, v in zip(classes["tilt_c"], classes["az_c"], values)}
            faces.loc[pitched, "yield"] = [lookup[(t, a)] for t, a in
                                           zip(faces.loc[pitched, "tilt_c"], faces.loc[pitched, "az_c"])]
        flat = in_region & faces["flat"].to_numpy(bool)
        if flat.any():
            east_west = plane_yields(sky, systems, [spec.flat_roof_tilt_deg] * 2, [90.0, 270.0],
                                     spec.temperature_model, losses)
            faces.loc[flat, "yield"] = float(np.mean(east_west))
        n_classes += len(classes) + (1 if flat.any() else 0)
        progress.report(0.1 + 0.6 * (k + 1) / max(1, len(regions)), msg("rooftop_pvlib_region", code=str(code)))
    faces["energy_mwh"] = faces["kwp"] * faces["yield"].fillna(0.0) / 1000.0

    # per building
    n = len(frame)
    by = faces.groupby("building")
    kwp = by["kwp"].sum().reindex(range(n), fill_value=0.0).to_numpy()
    energy = by["energy_mwh"].sum().reindex(range(n), fill_value=0.0).to_numpy()
    usable = by["usable_m2"].sum().reindex(range(n), fill_value=0.0).to_numpy()
    roof = by["area_m2"].sum().reindex(range(n), fill_value=0.0).to_numpy()
    module = by["module_m2"].sum().reindex(range(n), fill_value=0.0).to_numpy()
    best = faces[faces["kwp"] > 0].sort_values("kwp", ascending=False).drop_duplicates("building")
    orientation = np.array(["-"] * n, dtype=object)
    for b, az, is_flat in zip(best["building"], best["azimuth_deg"], best["flat"]):
        orientation[int(b)] = "flat E-W" if is_flat else compass_class(float(az))
    height = frame[columns["height"]].map(_number).to_numpy(float) if "height" in columns else np.full(n, np.nan)
    table = pd.DataFrame({
        "site_id": [f"roof-{i + 1}" for i in range(n)],
        "municipality": [names[m] if m >= 0 else "" for m in muni_index],
        "ags": [ids[m] if m >= 0 else "" for m in muni_index],
        "building": meta["type"].to_numpy() if n else [], "roof_shape": meta["shape"].to_numpy() if n else [],
        "height_m": height, "footprint_m2": meta["footprint_m2"].to_numpy(float) if n else np.empty(0),
        "roof_tilt_deg": meta["tilt_deg"].to_numpy(float) if n else np.empty(0), "orientation": orientation,
        "roof_area_m2": roof, "usable_roof_m2": usable, "module_area_m2": module, "capacity_kwp": kwp,
        "capacity_mw": kwp / 1000.0 / systems.dc_ac_ratio, "energy_mwh_per_a": energy,
        "yield_kwh_per_kwp": np.where(kwp > 0, energy * 1000.0 / np.where(kwp > 0, kwp, 1.0), np.nan),
    })
    munis = [_municipal(names[m], ids[m], table[muni_index == m], systems.dc_ac_ratio) for m in range(len(names))]
    total = _municipal("TOTAL", "", table, systems.dc_ac_ratio)
    check_cancelled(progress)
    progress.report(0.8, msg("step_writing"))
    with OutputTransaction() as tx:
        if outputs.buildings is not None:
            out = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(list(frame.geometry.values), crs=crs), crs=crs)
            write_vector(tx.temp_for(outputs.buildings), out, "rooftop_pv", "MultiPolygon")
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


def _try_regions(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """TRY region per point (points outside every outline: the region of their mean position)."""
    points = shapely.points(lon, lat)
    region = np.zeros(len(points), int)
    for code, geometry in try_region_outlines():
        inside = shapely.covers(geometry, points) & (region == 0)
        region[inside] = code
    if (region == 0).any():
        region[region == 0] = find_try_region(float(np.mean(lon[region == 0])), float(np.mean(lat[region == 0])))
    return region


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
