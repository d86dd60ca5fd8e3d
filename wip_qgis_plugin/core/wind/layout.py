"""Turbine layouts in eligible areas: elliptical spacing, lattice-offset search, Jensen wakes.

**Placement.** Turbines stand where their tower (rotor-out) or their whole rotor disc
(rotor-in: the area shrunk by one rotor radius) lies inside an eligible area. Two turbines
keep an elliptical distance: ``(u / (a·D))² + (w / (c·D))² ≥ 1`` for their separation ``u``
along the main wind direction and ``w`` across it (default a = 5, c = 3 rotor diameters).
In coordinates scaled by the ellipse's axes this is a minimum distance of 1, whose densest
packing is the hexagonal lattice; so each connected piece of the eligible land gets a
staggered lattice (rows across the wind, ``c·D`` apart within a row, rows ``a·D·√3/2`` apart,
every other row shifted by half a spacing). :func:`place_turbines` tries ``offsets²`` shifts
of the lattice per piece and keeps the one with the most turbines (``objective="count"``) or
the most energy (``"energy"``), then fills what the lattice missed greedily from a finer
candidate grid (best energy first, or in grid order), accepting a candidate only if it keeps
the distance to every turbine placed so far (also across pieces). Every pair is checked, so
the spacing holds for all pairs by construction; the count is good, not proven maximal.

**Wakes** come from :mod:`.wakes` (Jensen, or a windpowerlib farm efficiency curve), the energy
at each tower from the same resource models and Weibull table as the yield raster
(:mod:`.resource`, :mod:`.physics`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, records_frame, write_csv, write_vector
from ..data.raster_grid import Grid
from ..defaults import DEFAULT_CRS
from ..eligibility.aoi import AreaOfInterest, read_aoi_areas
from ..errors import InputError
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from .energy import Losses
from .resource import (
    ResourceInputs,
    WindResourceSettings,
    climate_from_weather,
    prepare_resource,
    resource_on_window,
    site_weather,
    table_for,
)
from .turbines import WindTurbine, load_turbine
from .wakes import WAKE_MODELS, efficiency_curve_wake_loss, jensen_wake_loss, wind_rose
from ..messages import msg

#: Building values counted as houses for ``dist_house_m`` (OSM ``building=*``; others are ignored
#: when the layer has a ``building`` field).
HOUSE_VALUES = frozenset({"house", "detached", "semidetached_house", "terrace", "apartments", "residential",
                          "bungalow", "farm", "dormitory", "yes"})
#: Distance beyond which houses are not searched (dist_house_m is NaN then). [m]
HOUSE_SEARCH_M = 5000.0


# ----------------------------------------------------------------- spacing
def _axes(main_direction_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors (east, north) along the main wind direction and across it."""
    t = math.radians(main_direction_deg)
    return np.array([math.sin(t), math.cos(t)]), np.array([math.cos(t), -math.sin(t)])


def spacing_ratio(dx: Any, dy: Any, main_direction_deg: float, along_m: float, across_m: float) -> np.ndarray:
    """``(u / along)² + (w / across)²`` of separations (dx, dy); ≥ 1 keeps the spacing. [-]"""
    eu, ew = _axes(main_direction_deg)
    dx = np.asarray(dx, dtype=float)
    dy = np.asarray(dy, dtype=float)
    u = dx * eu[0] + dy * eu[1]
    w = dx * ew[0] + dy * ew[1]
    return (u / along_m) ** 2 + (w / across_m) ** 2


def spacing_violations(xy: np.ndarray, main_direction_deg: float, along_m: float, across_m: float,
                       tolerance: float = 1e-6) -> list[tuple[int, int]]:
    """Pairs of turbines closer than the spacing ellipse (every pair within ``along_m`` is checked)."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        return []
    pairs = np.array(sorted(cKDTree(xy).query_pairs(max(along_m, across_m) * (1 + 1e-9))), dtype=int).reshape(-1, 2)
    if not len(pairs):
        return []
    d = xy[pairs[:, 1]] - xy[pairs[:, 0]]
    bad = spacing_ratio(d[:, 0], d[:, 1], main_direction_deg, along_m, across_m) < 1.0 - tolerance
    return [tuple(p) for p in pairs[bad].tolist()]


class _SpacingIndex:
    """Placed turbines in a hash grid; answers 'does a new one keep the spacing to all?'."""

    def __init__(self, main_direction_deg: float, along_m: float, across_m: float):
        self.eu, self.ew = _axes(main_direction_deg)
        self.along, self.across = along_m, across_m
        self.cell = max(along_m, across_m)
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def fits(self, x: float, y: float) -> bool:
        cx, cy = int(math.floor(x / self.cell)), int(math.floor(y / self.cell))
        for i in (cx - 1, cx, cx + 1):
            for j in (cy - 1, cy, cy + 1):
                for px, py in self.cells.get((i, j), ()):
                    dx, dy = x - px, y - py
                    u = dx * self.eu[0] + dy * self.eu[1]
                    w = dx * self.ew[0] + dy * self.ew[1]
                    if (u / self.along) ** 2 + (w / self.across) ** 2 < 1.0 - 1e-9:
                        return False
        return True

    def add(self, x: float, y: float) -> None:
        key = (int(math.floor(x / self.cell)), int(math.floor(y / self.cell)))
        self.cells.setdefault(key, []).append((x, y))


def lattice_points(bounds: tuple[float, float, float, float], main_direction_deg: float, along_m: float,
                   across_m: float, offset_u: float = 0.0, offset_w: float = 0.0) -> np.ndarray:
    """Staggered lattice covering ``bounds`` that keeps the spacing ellipse exactly. [m]

    Rows run across the main direction, ``across_m`` apart within a row; rows are
    ``along_m · √3/2`` apart and every other row is shifted by ``across_m / 2``.
    """
    eu, ew = _axes(main_direction_deg)
    x0, y0, x1, y1 = bounds
    corners = np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]])
    u = corners @ eu
    w = corners @ ew
    row_step = along_m * math.sqrt(3.0) / 2.0 * (1 + 1e-6)
    col_step = across_m * (1 + 1e-6)
    rows = np.arange(math.floor((u.min() - offset_u) / row_step) - 1, math.ceil((u.max() - offset_u) / row_step) + 2)
    cols = np.arange(math.floor((w.min() - offset_w) / col_step) - 2, math.ceil((w.max() - offset_w) / col_step) + 2)
    rr, cc = np.meshgrid(rows, cols, indexing="ij")
    uu = offset_u + rr * row_step
    ww = offset_w + (cc + 0.5 * (rr % 2)) * col_step
    pts = uu.ravel()[:, None] * eu[None, :] + ww.ravel()[:, None] * ew[None, :]
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    return pts[inside]


def place_turbines(feasible: shapely.Geometry, main_direction_deg: float, along_m: float, across_m: float,
                   energy_at: Any = None, objective: str = "count", offsets: int = 4, fill_step_m: float | None = None,
                   index: _SpacingIndex | None = None, progress: Progress | None = None) -> np.ndarray:
    """Tower positions in ``feasible`` keeping the spacing ellipse (see the module docstring).

    Parameters
    ----------
    feasible : shapely geometry
        Where a tower may stand (eligible land, shrunk by the rotor radius under rotor-in).
    main_direction_deg : float
        Main wind direction, clockwise from north. [°]
    along_m, across_m : float
        Spacing along and across the main direction. [m]
    energy_at : callable, optional
        ``f(xy) -> energy`` per point (used by ``objective="energy"``: lattice shift and fill order).
    objective : {"count", "energy"}
        What the lattice shift maximises.
    offsets : int
        Lattice shifts tried per axis (``offsets²`` in all).
    fill_step_m : float, optional
        Spacing of the greedy fill's candidate grid [m]; default ``across_m / 3``.
    index : _SpacingIndex, optional
        Turbines already placed (other areas); new ones are added to it.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` tower coordinates. [m]
    """
    if objective not in ("count", "energy"):
        raise InputError(f"objective must be 'count' or 'energy', not {objective!r}")
    index = index or _SpacingIndex(main_direction_deg, along_m, across_m)
    progress = progress or NullProgress()
    placed: list[np.ndarray] = []
    parts = [p for p in shapely.get_parts(feasible) if not p.is_empty and p.area > 0]
    row_step = along_m * math.sqrt(3.0) / 2.0
    step = fill_step_m or across_m / 3.0
    for n_part, part in enumerate(parts):
        check_cancelled(progress)
        shapely.prepare(part)
        best, best_score = np.empty((0, 2)), (-1.0, -1.0)
        for i in range(offsets):
            for j in range(offsets):
                pts = lattice_points(part.bounds, main_direction_deg, along_m, across_m,
                                     2 * row_step * i / offsets, across_m * j / offsets)
                pts = pts[shapely.contains_xy(part, pts[:, 0], pts[:, 1])] if len(pts) else pts
                if objective == "energy" and energy_at is not None and len(pts):
                    score = (float(np.nansum(energy_at(pts))), len(pts))
                else:
                    score = (len(pts), 0.0)  # the first shift with the most turbines
                if score > best_score:
                    best, best_score = pts, score
        accepted = []
        for x, y in best:
            if index.fits(x, y):
                index.add(x, y)
                accepted.append((x, y))
        cand = lattice_grid(part.bounds, step)
        cand = cand[shapely.contains_xy(part, cand[:, 0], cand[:, 1])] if len(cand) else cand
        if len(cand) and energy_at is not None and objective == "energy":
            cand = cand[np.argsort(-np.nan_to_num(energy_at(cand), nan=-1.0), kind="stable")]
        for x, y in cand:
            if index.fits(x, y):
                index.add(x, y)
                accepted.append((x, y))
        if accepted:
            placed.append(np.asarray(accepted))
        progress.report((n_part + 1) / max(len(parts), 1), msg("step_placing_turbines"))
    return np.vstack(placed) if placed else np.empty((0, 2))


def lattice_grid(bounds: tuple[float, float, float, float], step_m: float) -> np.ndarray:
    """Square grid of candidate points (cell centres) over ``bounds``. [m]"""
    x0, y0, x1, y1 = bounds
    xs = np.arange(x0 + step_m / 2, x1, step_m)
    ys = np.arange(y0 + step_m / 2, y1, step_m)
    xx, yy = np.meshgrid(xs, ys)
    return np.column_stack([xx.ravel(), yy.ravel()])


# ----------------------------------------------------------------- the run
@dataclass(frozen=True)
class LayoutOutputs:
    """Destination files; ``None`` skips an output (the turbine points are required).

    Attributes
    ----------
    turbines : Path
        Turbine points (GeoPackage, layer ``turbines``).
    sites_table : Path or None
        Totals per eligible area (CSV).
    municipalities_table : Path or None
        Totals per municipality (CSV).
    sites : Path or None
        The eligible areas with their totals (GeoPackage, layer ``layout_sites``; polygons).
    """

    turbines: Path
    sites_table: Path | None = None
    municipalities_table: Path | None = None
    sites: Path | None = None


@dataclass(frozen=True)
class LayoutSettings:
    """How to place turbines.

    Attributes
    ----------
    crs : str
        Projected working CRS (default :data:`core.defaults.DEFAULT_CRS`).
    hub_height_m : float or None
        Hub height replacing the turbine's. [m]
    rotor_in : bool
        The whole rotor disc must lie inside the eligible area (else only the tower).
    spacing_along_d, spacing_across_d : float
        Spacing along and across the main wind direction. [rotor diameters]
    main_direction_deg : float or None
        Main wind direction (from north, clockwise); None: from the weather. [°]
    objective : str
        ``count`` (most turbines) or ``energy`` (most energy).
    offsets : int
        Lattice shifts tried per axis. [-]
    resolution_m : float
        Grid of the wind resource at the turbines. [m]
    losses : Losses
        Availability, electrical and other losses (the wake loss is computed, ``wake_pct`` unused).
    resource : WindResourceSettings
        Weibull k, weather and roughness (as for the yield raster).
    thrust_coefficient : float or None
        One Ct for the Jensen model at every speed; None (default): the turbine's thrust curve, or the generic
        curve of :func:`.wakes.generic_thrust_coefficient` (0.8 up to rated speed, the rated thrust above). [-]
    wake_decay : float
        Wake decay constant k of the Jensen model (0.075 onshore: Katic et al. 1986, WAsP's onshore default). [-]
    wake_sectors : int
        Direction sectors of the wind rose (frequencies and mean speeds per sector). [-]
    wake_step_deg : float
        Largest spacing of the directions the wakes are evaluated at within a sector (:func:`.wakes.wind_rose`). [°]
    wake_model : str
        ``jensen`` (default) or a windpowerlib wind-farm efficiency curve (``dena_mean``, ``knorr_mean``).
    """

    crs: str = DEFAULT_CRS
    hub_height_m: float | None = None
    rotor_in: bool = False
    spacing_along_d: float = 5.0
    spacing_across_d: float = 3.0
    main_direction_deg: float | None = None
    objective: str = "count"
    offsets: int = 4
    resolution_m: float = 50.0
    losses: Losses = field(default_factory=Losses)
    resource: WindResourceSettings = field(default_factory=WindResourceSettings)
    thrust_coefficient: float | None = None
    wake_decay: float = 0.075
    wake_sectors: int = 12
    wake_step_deg: float = 2.0
    wake_model: str = "jensen"


@dataclass(frozen=True)
class SiteTotals:
    """Totals of one eligible area (``site_id``) or one municipality (``site_id`` empty).

    Attributes
    ----------
    site_id, municipality : str
        Keys.
    area_ha : float
        Eligible area. [ha]
    n_turbines : int
        Turbines placed.
    capacity_mw, energy_mwh_per_a : float
        Nominal capacity [MW] and net energy [MWh/a].
    full_load_hours : float
        Net full-load hours. [h/a]
    wake_loss_pct : float
        Energy-weighted wake loss. [%]
    density_mw_per_km2 : float
        Capacity per eligible area. [MW/km²]
    """

    site_id: str
    municipality: str
    area_ha: float
    n_turbines: int
    capacity_mw: float
    energy_mwh_per_a: float
    full_load_hours: float
    wake_loss_pct: float
    density_mw_per_km2: float


@dataclass(frozen=True)
class LayoutResult:
    """What :func:`run_turbine_layout` placed."""

    turbine: WindTurbine
    n_turbines: int
    capacity_mw: float
    energy_mwh_per_a: float
    full_load_hours: float
    wake_loss_pct: float
    main_direction_deg: float
    rotor_in: bool
    sites: tuple[SiteTotals, ...]
    municipalities: tuple[SiteTotals, ...]
    turbines: gpd.GeoDataFrame
    outputs: LayoutOutputs


TURBINE_FIELDS = ("site_id", "turbine_id", "municipality", "ags", "turbine", "capacity_mw", "hub_height_m",
                  "rotor_diameter_m", "wind_speed_m_s", "energy_gross_mwh_per_a", "energy_mwh_per_a",
                  "full_load_hours", "wake_loss_pct", "dist_house_m")
SITE_FIELDS = ("site_id", "municipality", "area_ha", "n_turbines", "capacity_mw", "energy_mwh_per_a",
               "full_load_hours", "wake_loss_pct", "density_mw_per_km2")


def _read_areas(ref: LayerRef, crs: Any) -> gpd.GeoDataFrame:
    """The eligible areas with ``site_id``, ``municipality`` and ``ags``; empty if the layer holds none (0 ha)."""
    info = layer_info(ref, "eligible areas")
    cols = tuple(c for c in ("area_id", "name", "ags") if c in info.fields)
    frame = read_layer(ref, "eligible areas", crs, columns=cols, empty_ok=True)
    frame = frame[shapely.area(frame.geometry.values) > 0].reset_index(drop=True)
    if "area_id" not in frame:
        frame["area_id"] = np.arange(1, len(frame) + 1)
    frame["site_id"] = [f"W{int(a)}" if str(a).isdigit() else str(a) for a in frame["area_id"]]
    frame["municipality"] = frame["name"].astype(str) if "name" in frame else ""
    frame["ags"] = frame["ags"].astype(str) if "ags" in frame else ""
    return frame


def _house_distance(ref: LayerRef | None, xy: np.ndarray, crs: Any) -> np.ndarray:
    if ref is None or not len(xy):
        return np.full(len(xy), np.nan)
    x0, y0 = xy.min(axis=0) - HOUSE_SEARCH_M
    x1, y1 = xy.max(axis=0) + HOUSE_SEARCH_M
    fields = layer_info(ref, "buildings").fields
    frame = read_layer(ref, "buildings", crs, bbox=(x0, y0, x1, y1),
                       columns=("building",) if "building" in fields else ())
    if "building" in frame:
        frame = frame[frame["building"].astype(str).isin(HOUSE_VALUES)]
    if frame.empty:
        return np.full(len(xy), np.nan)
    tree = shapely.STRtree(frame.geometry.values)
    pts = shapely.points(xy)
    _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    return np.where(dist <= HOUSE_SEARCH_M, dist, np.nan)


def run_turbine_layout(
    turbine: WindTurbine | str | None,
    eligible_areas: LayerRef,
    rasters: Mapping[str, Any],
    layers: Mapping[str, LayerRef],
    outputs: LayoutOutputs,
    settings: LayoutSettings = LayoutSettings(),
    progress: Progress | None = None,
    aoi: AreaOfInterest | None = None,
) -> LayoutResult:
    """Place turbines in eligible areas, estimate their energy and wake losses, write the results.

    Zero is a result: with no eligible area, or none large enough for one turbine, the outputs are
    written all the same (an empty points layer with the fields of :data:`TURBINE_FIELDS`, tables
    of zeros) and the result says 0 turbines.

    Parameters
    ----------
    turbine : WindTurbine, str or None
        The turbine or its name (:func:`core.wind.turbines.load_turbine`).
        None: :data:`core.defaults.DEFAULT_TURBINE`.
    eligible_areas : LayerRef
        Eligible-area polygons (``eligible_areas`` of the eligibility run: area_id, name, ags).
    rasters : mapping
        Wind rasters and dem, as for :func:`core.wind.energy.run_wind_yield`.
    layers : mapping of str to LayerRef
        ``landuse``/``water`` (roughness) and ``buildings`` (distance to the nearest house).
    outputs : LayoutOutputs
        Destination files.
    settings : LayoutSettings
        Spacing, rotor-in, objective, wake model, losses.
    progress : Progress, optional
        Progress and cancellation.
    aoi : AreaOfInterest, optional
        The municipalities: each gets a row of the municipalities table, 0 turbines where none stands.
        Without it, the municipalities named by the eligible areas.
    """
    progress = progress or NullProgress()
    crs = check_working_crs(settings.crs)
    turbine = load_turbine(turbine, settings.hub_height_m)
    if settings.wake_model not in WAKE_MODELS:
        raise InputError(f"Unknown wake model {settings.wake_model!r}; use one of {', '.join(WAKE_MODELS)}.")
    if settings.spacing_along_d <= 0 or settings.spacing_across_d <= 0:
        raise InputError("The spacing along and across the main wind direction must be positive (rotor diameters).")
    progress.report(0.0, msg("step_reading_eligible"))
    areas = _read_areas(eligible_areas, crs)
    aoi_names = [str(n) for n in read_aoi_areas(aoi, crs, "repair")[0]] if aoi is not None else []
    if areas.empty:
        progress.info(msg("layout_no_polygons", layer=eligible_areas.describe()))
        direction = settings.main_direction_deg if settings.main_direction_deg is not None else math.nan
        xy, speed, gross, wake = np.empty((0, 2)), np.empty(0), np.empty(0), np.empty(0)
    else:
        direction, xy, speed, gross, wake = _place_and_yield(turbine, areas, rasters, layers, settings, crs,
                                                             progress)
        if not len(xy):
            mode = "rotor-in" if settings.rotor_in else "rotor-out"
            progress.info(msg("layout_no_area_large_enough", rotor_m=float(turbine.rotor_diameter_m), mode=mode))
    net = gross * (1 - wake) * settings.losses.factor(include_wake=False)
    check_cancelled(progress)
    progress.report(0.9, msg("step_distance_houses"))
    dist = _house_distance(layers.get("buildings"), xy, crs)
    site_idx = _site_of(areas, xy)
    frame = gpd.GeoDataFrame({  # text columns stay text with 0 turbines (the empty layer keeps its schema)
        key: np.asarray(areas[key].to_numpy()[site_idx] if len(xy) else [], dtype=object)
        for key in ("site_id", "municipality", "ags")
    }, geometry=gpd.GeoSeries(shapely.points(xy) if len(xy) else [], crs=crs), crs=crs)
    frame.insert(1, "turbine_id", np.asarray([f"{s}-{n}" for s, n in zip(frame["site_id"],
                                                                          _running_numbers(frame["site_id"]))],
                                             dtype=object))
    frame["turbine"] = turbine.name or turbine.id
    frame["capacity_mw"] = turbine.nominal_power_mw
    frame["hub_height_m"] = turbine.hub_height_m
    frame["rotor_diameter_m"] = turbine.rotor_diameter_m
    frame["wind_speed_m_s"] = speed
    frame["energy_gross_mwh_per_a"] = gross
    frame["energy_mwh_per_a"] = net
    frame["full_load_hours"] = net / turbine.nominal_power_mw
    frame["wake_loss_pct"] = 100.0 * wake
    frame["dist_house_m"] = dist
    frame = frame[[*TURBINE_FIELDS, "geometry"]]
    sites = _totals(frame, areas, "site_id")
    munis = _totals(frame, areas, "municipality", aoi_names)
    with OutputTransaction() as tx:
        write_vector(tx.temp_for(Path(outputs.turbines)), frame, "turbines", "Point")
        if outputs.sites is not None:
            write_vector(tx.temp_for(Path(outputs.sites)), _sites_frame(areas, sites), "layout_sites", "MultiPolygon")
        for path, rows in ((outputs.sites_table, sites), (outputs.municipalities_table, munis)):
            if path is not None:
                write_csv(tx.temp_for(Path(path)), SITE_FIELDS,
                             [[getattr(r, f) for f in SITE_FIELDS] for r in rows])
        check_cancelled(progress)
    total_gross_free = float(np.nansum(gross))
    total = _total_row(frame, float(areas.geometry.area.sum()) / 1e4, "", "TOTAL")
    progress.report(1.0, msg("step_done"))
    return LayoutResult(turbine, len(frame), total.capacity_mw, total.energy_mwh_per_a, total.full_load_hours,
                        100.0 * float(np.nansum(gross * wake)) / total_gross_free if total_gross_free else 0.0,
                        float(direction), settings.rotor_in, tuple(sites), tuple(munis), frame, outputs)


def _place_and_yield(turbine: WindTurbine, areas: gpd.GeoDataFrame, rasters: Mapping[str, Any],
                     layers: Mapping[str, LayerRef], settings: LayoutSettings, crs: Any, progress: Progress
                     ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Main direction [°], tower positions [m], hub wind speed [m/s], gross energy [MWh/a] and wake loss [-]."""
    bounds = tuple(shapely.total_bounds(areas.geometry.values))
    grid = Grid.aligned(bounds, settings.resolution_m)
    x0, y0, x1, y1 = grid.bounds
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform((x0 + x1) / 2, (y0 + y1) / 2)
    weather = site_weather(settings.resource.weather, lon, lat)
    climate = climate_from_weather(weather)
    direction = settings.main_direction_deg if settings.main_direction_deg is not None else climate.main_direction_deg
    progress.info(msg("layout_turbine_rotor_in" if settings.rotor_in else "layout_turbine_rotor_out",
                      turbine=turbine.name or turbine.id, power_mw=float(turbine.nominal_power_mw),
                      rotor_m=float(turbine.rotor_diameter_m), hub_m=float(turbine.hub_height_m),
                      total_m=float(turbine.total_height_m), direction_deg=float(direction),
                      direction_source=msg("direction_parameter") if settings.main_direction_deg is not None
                      else climate.name, along_d=float(settings.spacing_along_d),
                      across_d=float(settings.spacing_across_d)))
    model, inp = prepare_resource(turbine.hub_height_m, rasters, layers, grid, crs, settings.resource, climate)
    table = table_for(turbine, settings.resource, climate)
    fields = _resource_grid(model, inp, grid, crs, turbine.hub_height_m, SubProgress(progress, 0.02, 0.3))

    def at(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        col = np.clip(((xy[:, 0] - grid.left) / grid.resolution_m).astype(int), 0, grid.width - 1)
        row = np.clip(((grid.top - xy[:, 1]) / grid.resolution_m).astype(int), 0, grid.height - 1)
        return fields[0][row, col], fields[1][row, col], fields[2][row, col]

    def energy_at(xy: np.ndarray) -> np.ndarray:
        return table.lookup(*at(xy)) if len(xy) else np.empty(0)

    union = union_touching(areas.geometry.values)
    feasible = shrink(union, turbine.rotor_radius_m) if settings.rotor_in else union
    along = settings.spacing_along_d * turbine.rotor_diameter_m
    across = settings.spacing_across_d * turbine.rotor_diameter_m
    xy = place_turbines(feasible, direction, along, across, energy_at, settings.objective, settings.offsets,
                        progress=SubProgress(progress, 0.3, 0.8))
    check_cancelled(progress)
    progress.report(0.8, msg("step_wake_losses"))
    speed, k, rho = at(xy) if len(xy) else (np.empty(0),) * 3
    directions, freq, ratios = wind_rose(weather.data["wind_speed"], weather.data["wind_direction"],
                                         settings.wake_sectors, settings.wake_step_deg)
    gross = table.lookup(speed, k, rho) if len(xy) else np.empty(0)
    if not len(xy):
        wake = np.empty(0)
    elif settings.wake_model == "jensen":
        wake = jensen_wake_loss(xy, turbine, speed, k, rho, table, directions, freq, settings.thrust_coefficient,
                                settings.wake_decay, ratios)
    else:
        wake = efficiency_curve_wake_loss(settings.wake_model, turbine, speed, k, rho, table,
                                          lambda t: table_for(t, settings.resource, climate))
    return float(direction), xy, speed, gross, wake


def union_touching(geoms: np.ndarray) -> shapely.Geometry:
    """The union of polygons, merging only those that touch or overlap.

    Eligible areas are mostly apart (setbacks separate them); only parts cut by a municipal
    boundary touch. Joining just those groups gives the same result as a union of all, many
    times faster on a Land-size region.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    geoms = np.asarray(geoms, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return shapely.MultiPolygon()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(geoms), len(geoms)))
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.diff(label[order])) + 1
    pieces = [geoms[g[0]] if len(g) == 1 else shapely.union_all(geoms[g]) for g in np.split(order, bounds)]
    parts = shapely.get_parts(np.asarray(pieces, dtype=object))
    return shapely.multipolygons(parts[shapely.get_type_id(parts) == 3])


def shrink(area: shapely.Geometry, distance_m: float, threads: int = 2) -> shapely.Geometry:
    """The area with its boundary moved inward by ``distance_m`` (rotor-in).

    The parts of a dissolved area are disjoint, so shrinking each alone equals shrinking the whole
    (and is about twice as fast, GEOS skips the final union); two threads share the parts (shapely
    releases the GIL).
    """
    from concurrent.futures import ThreadPoolExecutor

    parts = shapely.get_parts(area)
    if len(parts) == 0:
        return shapely.MultiPolygon()
    chunks = [c for c in np.array_split(parts, max(1, min(threads, len(parts)))) if len(c)]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        shrunk = list(pool.map(lambda c: shapely.buffer(c, -float(distance_m), quad_segs=16), chunks))
    pieces = shapely.get_parts(np.concatenate(shrunk))
    return shapely.multipolygons(pieces[~shapely.is_empty(pieces)])


def _resource_grid(model: str, inp: ResourceInputs, grid: Grid, crs: Any, hub: float, progress: Progress):
    speed = np.full((grid.height, grid.width), np.nan, np.float32)
    k = np.full_like(speed, np.nan)
    rho = np.full_like(speed, np.nan)
    tiles = list(grid.tiles(1024))
    for i, w in enumerate(tiles):
        check_cancelled(progress)
        s, kk, r = resource_on_window(model, inp, grid, w, crs, hub)
        sl = (slice(w.row, w.row + w.height), slice(w.col, w.col + w.width))
        speed[sl], k[sl], rho[sl] = s, kk, r
        progress.report((i + 1) / len(tiles), msg("step_wind_resource"))
    return speed, k, rho


def _sites_frame(areas: gpd.GeoDataFrame, sites: list[SiteTotals]) -> gpd.GeoDataFrame:
    """The eligible areas (dissolved by site_id) with the layout's totals."""
    shapes = areas.dissolve(by="site_id", sort=False).geometry if len(areas) else {}
    return records_frame(sites, SITE_FIELDS, [shapes[r.site_id] for r in sites], areas.crs, SiteTotals)


def _site_of(areas: gpd.GeoDataFrame, xy: np.ndarray) -> np.ndarray:
    """Index of the eligible area each tower stands in (the nearest one if on a boundary)."""
    if not len(xy):
        return np.empty(0, int)
    tree = shapely.STRtree(areas.geometry.values)
    idx = tree.query_nearest(shapely.points(xy), all_matches=False)
    out = np.empty(len(xy), int)
    out[idx[0]] = idx[1]
    return out


def _running_numbers(keys: Any) -> list[int]:
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(seen[key])
    return out


def _total_row(frame: gpd.GeoDataFrame, area_ha: float, site_id: str, municipality: str) -> SiteTotals:
    n = len(frame)
    cap = float(frame["capacity_mw"].sum()) if n else 0.0
    energy = float(frame["energy_mwh_per_a"].sum()) if n else 0.0
    gross = float(frame["energy_gross_mwh_per_a"].sum()) if n else 0.0
    wake = float((frame["energy_gross_mwh_per_a"] * frame["wake_loss_pct"]).sum() / gross) if gross else 0.0
    return SiteTotals(site_id, municipality, area_ha, n, cap, energy, energy / cap if cap else 0.0, wake,
                      cap / (area_ha / 100.0) if area_ha else 0.0)


def _totals(frame: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, key: str, first: list[str] | None = None
            ) -> list[SiteTotals]:
    """Totals per value of ``key`` (site_id or municipality), in the order of the areas.

    ``first``: values listed first in this order, with zeros where no area has them (the municipalities
    of the area of interest).
    """
    area_ha = (areas.geometry.area / 1e4).groupby(areas[key].to_numpy(), sort=False).sum()
    if first:
        area_ha = pd.concat([pd.Series(0.0, index=[v for v in dict.fromkeys(first) if v not in area_ha.index]),
                             area_ha]).reindex([*dict.fromkeys(first), *(v for v in area_ha.index if v not in first)])
    first_muni = areas.groupby(key, sort=False)["municipality"].first()
    turbines = frame.groupby(key, sort=False).indices if len(frame) else {}
    empty = frame.iloc[:0]
    rows = []
    for value, ha in area_ha.items():
        sub = frame.iloc[turbines[value]] if value in turbines else empty
        if key == "site_id":
            rows.append(_total_row(sub, float(ha), str(value), str(first_muni[value])))
        else:
            rows.append(_total_row(sub, float(ha), "", str(value)))
    return rows
