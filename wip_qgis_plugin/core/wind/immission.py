"""Immission control of a turbine layout: noise at every dwelling, shadow flicker, and the turbines that stay.

:func:`run_immission` reads the new turbines (a layout's points), the existing turbines (pre-load),
the dwellings (``buildings``) and the land use, then

1. takes as receptor each dwelling's point nearest to the new turbines (the façade the noise reaches
   first), at the table's height, with its area type (a field of the buildings layer; else the land
   use it stands in; else "Außenbereich") and the night limit of TA Lärm 6.1;
2. sums the noise of existing and new turbines (:mod:`.noise`), and where a receptor is over its limit
   switches new turbines to quieter modes or removes them (:func:`.noise.reduce_for_noise`), counting the
   energy lost;
3. computes the astronomically possible shadow of the remaining turbines at every receptor
   (:mod:`.shadow`; beside the noise in a second process where no turbine can be removed); where a receptor
   gets more than 30 h/a or 30 min/d the turbines casting on it need a shadow shutdown module, whose energy
   loss is bounded above by the shadow hours at their mean power;
4. writes the receptor table, the turbines with their mode and status, a raster of the rated noise
   level with contour polygons at the limits, and a raster of shadow hours per year (all atomic).

Zero is a result: no new turbine gives empty tables; no dwelling within reach gives no receptor and
says so.
"""
from __future__ import annotations

import math
import multiprocessing as mp
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine

from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, open_raster_writer, write_vector
from ..defaults import DEFAULT_CRS
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from .layout import HOUSE_VALUES
from .noise import (
    ImmissionTable,
    SoundMode,
    band_power_db,
    contributions,
    levels_on_points,
    load_immission_table,
    reduce_for_noise,
)
from .shadow import grid_convergence_deg, shadow_flicker, shadow_hours_grid, shadow_reach_m, sun_path
from .shadow_real import REAL_LIMIT_H_PER_A, receptor_real_hours
from ..messages import msg

#: Field names read from a turbines layer, first found wins (ours, UFZ/MaStR-like, German).
HUB_FIELDS = ("hub_height_m", "Hub_m", "height:hub", "nabenhoehe", "Nabenhoehe")
ROTOR_FIELDS = ("rotor_diameter_m", "Dia_m", "rotor:diameter", "rotordurchmesser", "Rotordurchmesser")
SOUND_FIELDS = ("sound_power_db", "lwa_db", "schallleistung_db")
ENERGY_FIELDS = ("energy_mwh_per_a",)
#: Name of the last mode: switched off at night.
NIGHT_OFF = "night off"
#: Noise levels at which contour polygons are drawn (the night limits). [dB(A)]
CONTOUR_LEVELS_DB = (35.0, 40.0, 45.0, 50.0)


@dataclass(frozen=True)
class ModeReduction:
    """A noise-reduced operating mode, relative to the unrestricted one.

    Attributes
    ----------
    name : str
        The manufacturer's designation (``"SO2"``, ``"NRO 102"``).
    reduction_db : float
        Sound power below the unrestricted mode. [dB]
    energy_factor : float
        Annual energy in this mode relative to the unrestricted one. [-]
    """

    name: str
    reduction_db: float
    energy_factor: float


@dataclass(frozen=True)
class ImmissionSettings:
    """How to check a layout.

    Attributes
    ----------
    crs : str
        Projected working CRS.
    table : str or None
        A user immission table (schema ``wip-immission/1``); None: ``presets/immission.yml``.
    sound_power_db : float or None
        L_WA of the new turbines in their unrestricted mode; None: the turbines layer's field, else the
        table's value for the rotor class. [dB(A)]
    modes : tuple of ModeReduction
        Quieter modes of the new turbines, loudest first (after the unrestricted one); none: a turbine
        over a limit can only be removed.
    reduce : bool
        Quieten new turbines until every receptor meets its limit (else only report).
    last_resort : str
        What happens to a turbine its quietest mode leaves over a limit: ``night_off`` (default; switched
        off 22–6 h, when the night limits apply, losing the table's night share of its energy) or
        ``remove`` (taken out of the layout).
    noise, shadow : bool
        Which checks run.
    area_type_field : str
        Field of the buildings layer with the area type (WR, WA, MI, MD, AB, GE, GI), used where present.
    existing_sound_power_db : float or None
        L_WA of existing turbines without a field; None: the table's value for their rotor class. [dB(A)]
    reach_m : float
        Receptors farther than this from every new turbine are not assessed. [m]
    resolution_m : float
        Pixel of the noise raster (0: none). [m]
    shadow_resolution_m : float
        Pixel of the shadow raster (0: none). [m]
    year : int
        Year of the sun positions.
    blade_depth_m : float or None
        Mean blade chord; None: the table's. [m]
    workers : int
        Processes: from 2 on, where no turbine can be removed the shadow flicker runs beside the noise.
    shadow_real_case : bool
        Also the real shadow duration per receptor (sunshine, operation, the rotor turned into the wind of a weather
        year; :mod:`.shadow_real`) against the LAI's 8 h/a.
    weather : str or None
        The weather year of the real case (a file or a TRY region); None: the TRY region of the site.
    """

    crs: str = DEFAULT_CRS
    table: str | None = None
    sound_power_db: float | None = None
    modes: tuple[ModeReduction, ...] = ()
    reduce: bool = True
    last_resort: str = "night_off"
    noise: bool = True
    shadow: bool = True
    area_type_field: str = "area_type"
    existing_sound_power_db: float | None = None
    reach_m: float = 3000.0
    resolution_m: float = 25.0
    shadow_resolution_m: float = 50.0
    year: int = 2023
    blade_depth_m: float | None = None
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    shadow_real_case: bool = False
    weather: str | None = None

    def check(self) -> None:
        """Raise :class:`InputError` naming impossible settings."""
        for name, value in (("sound_power_db", self.sound_power_db),
                            ("existing_sound_power_db", self.existing_sound_power_db)):
            if value is not None and not 70.0 <= value <= 125.0:
                raise InputError(f"{name} = {value!r} dB(A): a wind turbine's sound power lies between about 95 "
                                 "and 110 dB(A); give the data sheet's value.")
        reduction, factor = 0.0, 1.0
        for m in self.modes:
            if not (0.0 < m.energy_factor <= factor) or not m.reduction_db > reduction:
                raise InputError(f"Mode {m.name!r} (−{m.reduction_db:g} dB, energy × {m.energy_factor:g}): give "
                                 "modes loudest first, each quieter than the one before, with an energy factor in "
                                 "(0, 1] no larger than the one before.")
            reduction, factor = m.reduction_db, m.energy_factor
        if self.last_resort not in ("night_off", "remove"):
            raise InputError(f"last_resort = {self.last_resort!r}: use night_off or remove.")
        if not self.reach_m > 0:
            raise InputError(f"reach_m = {self.reach_m!r} m: use a positive distance, e.g. 3000 m.")
        if self.resolution_m < 0 or self.shadow_resolution_m < 0:
            raise InputError("Raster resolutions must be positive (0: no raster).")


@dataclass(frozen=True)
class ImmissionOutputs:
    """Destination files; None skips an output.

    Attributes
    ----------
    receptors : Path
        Receptor points (GeoPackage, layer ``receptors``) with levels, limits, shadow hours.
    turbines : Path or None
        The turbines that stand after the check, with mode, status and energy after it (GeoPackage, layer
        ``turbines``: the layout a profile counts); removed ones in layer ``removed_turbines``.
    noise_raster : Path or None
        Rated noise level at receptor height (GeoTIFF). [dB(A)]
    contours : Path or None
        Areas above each night limit (GeoPackage, layer ``noise_contours``).
    shadow_raster : Path or None
        Astronomically possible shadow (GeoTIFF). [h/a]
    """

    receptors: Path
    turbines: Path | None = None
    noise_raster: Path | None = None
    contours: Path | None = None
    shadow_raster: Path | None = None


@dataclass(frozen=True)
class ImmissionResult:
    """What :func:`run_immission` found.

    Attributes
    ----------
    n_turbines, n_kept, n_reduced, n_night_off, n_removed : int
        New turbines: all, left unrestricted, in a quieter mode, off at night, removed for noise.
    capacity_mw_before, capacity_mw_after : float
        Capacity of the new turbines before and after. [MW]
    energy_mwh_before, energy_mwh_after_noise : float
        Annual energy before and after the noise reduction. [MWh/a]
    shadow_energy_mwh_upper : float
        Upper bound of the energy a shadow shutdown costs (astronomical hours at rated power). [MWh/a]
    n_shadow_turbines : int
        Turbines that need a shadow shutdown module.
    n_receptors, n_over_noise, n_over_shadow : int
        Receptors assessed; over the noise limit after the reduction (pre-load); over the shadow limits.
    area_types : dict of str to int
        Receptors per area type.
    area_type_sources : dict of str to int
        Where the area type came from (field, land use, default).
    max_level_db : float
        Highest rated level at a receptor after the reduction. [dB(A)]
    max_shadow_hours : float
        Highest astronomical shadow at a receptor. [h/a]
    noise_met : bool
        Every receptor meets its limit after the reduction.
    outputs : ImmissionOutputs
        The files written.
    turbines : geopandas.GeoDataFrame
        The new turbines with their status.
    """

    n_turbines: int
    n_kept: int
    n_reduced: int
    n_night_off: int
    n_removed: int
    capacity_mw_before: float
    capacity_mw_after: float
    energy_mwh_before: float
    energy_mwh_after_noise: float
    shadow_energy_mwh_upper: float
    n_shadow_turbines: int
    n_receptors: int
    n_over_noise: int
    n_over_shadow: int
    area_types: dict[str, int]
    area_type_sources: dict[str, int]
    max_level_db: float
    max_shadow_hours: float
    noise_met: bool
    outputs: ImmissionOutputs
    turbines: gpd.GeoDataFrame = field(repr=False)


def _first(fields: Sequence[str], names: Sequence[str]) -> str | None:
    return next((n for n in names if n in fields), None)


def metres(values: Any) -> np.ndarray:
    """Numbers of a field that may hold text as OSM writes it (``"120"``, ``"120 m"``, ``"120,5"``). [m]"""
    text = pd.Series(values, dtype=object).astype(str).str.replace(",", ".", regex=False)
    number = text.str.extract(r"^\s*(\d+(?:\.\d+)?)\s*(?:m)?\s*$")[0]
    return pd.to_numeric(number, errors="coerce").to_numpy(float)


def read_turbines(ref: LayerRef, role: str, crs: Any, table: ImmissionTable, sound_power_db: float | None,
                  bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    """Turbine points with ``hub_height_m``, ``rotor_diameter_m``, ``sound_power_db`` (and energy where given).

    Missing hub heights or rotors are refused with the fields present; a missing sound power takes
    ``sound_power_db`` or the table's value for the rotor class, counted in ``sound_power_source``.
    """
    info = layer_info(ref, role)
    hub, rotor = _first(info.fields, HUB_FIELDS), _first(info.fields, ROTOR_FIELDS)
    if hub is None or rotor is None:
        raise InputError(f"The {role} layer ({ref.describe()}) needs a hub height and a rotor diameter field "
                         f"({' or '.join(HUB_FIELDS[:2])}; {' or '.join(ROTOR_FIELDS[:2])}). Fields present: "
                         f"{', '.join(info.fields) or 'none'}.")
    sound = _first(info.fields, SOUND_FIELDS)
    energy = _first(info.fields, ENERGY_FIELDS)
    extra = tuple(c for c in ("turbine_id", "turbine", "capacity_mw", "site_id", "municipality", "ags",
                              "full_load_hours") if c in info.fields)
    cols = tuple(dict.fromkeys(c for c in (hub, rotor, sound, energy, *extra) if c))
    frame = read_layer(ref, role, crs, bbox=bbox, columns=cols, empty_ok=True)
    kinds = shapely.get_type_id(frame.geometry.values)
    if np.any((kinds != 0) & (kinds != 4)):
        raise InputError(f"The {role} layer ({ref.describe()}) holds {int(np.sum((kinds != 0) & (kinds != 4)))} "
                         "feature(s) that are no points; give turbine positions as points.")
    frame = frame.explode(index_parts=False).reset_index(drop=True)  # a MultiPoint: one turbine per part
    out = gpd.GeoDataFrame({c: frame[c] for c in extra}, geometry=frame.geometry.values, crs=frame.crs)
    out["hub_height_m"] = metres(frame[hub])
    out["rotor_diameter_m"] = metres(frame[rotor])
    bad = ~((out["hub_height_m"] > 0) & (out["rotor_diameter_m"] > 0))
    if bad.any():
        raise InputError(f"{int(bad.sum())} turbine(s) of the {role} layer ({ref.describe()}) have no positive hub "
                         f"height ({hub}) or rotor diameter ({rotor}) (first: row {int(np.flatnonzero(bad)[0])}). "
                         "Fill the fields or remove those turbines.")
    given = pd.to_numeric(frame[sound], errors="coerce").to_numpy(float) if sound else np.full(len(frame), np.nan)
    default = np.array([sound_power_db if sound_power_db is not None else
                        table.noise.default_sound_power_db(float(d)) for d in out["rotor_diameter_m"]])
    out["sound_power_db"] = np.where(np.isfinite(given), given, default)
    out["sound_power_source"] = np.where(np.isfinite(given), "field", "setting" if sound_power_db is not None
                                         else "table").astype(object)
    if energy:
        out["energy_mwh_per_a"] = pd.to_numeric(frame[energy], errors="coerce").fillna(0.0).to_numpy(float)
    return out


def _receptors(buildings: LayerRef | None, landuse: LayerRef | None, new_xy: np.ndarray, crs: Any,
               table: ImmissionTable, settings: ImmissionSettings) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Dwellings within reach of the new turbines: the point nearest to them, with area type and limit."""
    empty = gpd.GeoDataFrame({"building_id": np.array([], dtype=object), "area_type": np.array([], dtype=object),
                              "area_type_source": np.array([], dtype=object)},
                             geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    if buildings is None or not len(new_xy):
        return empty, {}
    r = settings.reach_m
    bbox = (*(new_xy.min(axis=0) - r), *(new_xy.max(axis=0) + r))
    fields = layer_info(buildings, "buildings").fields
    cols = tuple(c for c in ("building", settings.area_type_field) if c in fields)
    frame = read_layer(buildings, "buildings", crs, bbox=bbox, columns=cols, invalid="repair", empty_ok=True)
    if "building" in frame:
        frame = frame[frame["building"].astype(str).isin(HOUSE_VALUES)]
    frame = frame.reset_index(drop=True)
    if frame.empty:
        return empty, {}
    turbines, geoms = shapely.points(new_xy), frame.geometry.values
    if np.all((shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)):   # points (house coordinates)
        from scipy.spatial import cKDTree
        idx = np.flatnonzero(cKDTree(new_xy).query(shapely.get_coordinates(geoms), distance_upper_bound=r)[0] <= r)
        points = geoms[idx]
    else:   # the outline's point nearest to the nearest turbine
        (near, which), dist = shapely.STRtree(turbines).query_nearest(geoms, max_distance=r, return_distance=True,
                                                                      all_matches=False)
        idx, which = near[dist <= r], which[dist <= r]
        points = shapely.get_point(shapely.shortest_line(geoms[idx], turbines[which]), 0)
    limits = table.noise.night_limits_db
    area = np.full(len(idx), table.noise.default_area_type, dtype=object)
    source = np.full(len(idx), "default", dtype=object)
    if settings.area_type_field in frame:
        given = frame[settings.area_type_field].to_numpy(dtype=object)[idx]
        ok = np.array([str(v).strip().upper() in limits if v is not None and v == v else False for v in given])
        unknown = sorted({str(v) for v, good in zip(given, ok) if not good and v is not None and v == v and str(v)})
        if unknown:
            raise InputError(f"Field {settings.area_type_field!r} of the buildings layer holds area types without "
                             f"a night limit: {', '.join(unknown[:5])}. Use {', '.join(limits)} (TA Lärm 6.1).")
        area[ok] = [str(v).strip().upper() for v in given[ok]]
        source[ok] = "field"
    open_ = source == "default"
    if landuse is not None and open_.any() and table.noise.area_type_from_landuse:
        area[open_], found = _area_from_landuse(landuse, points[open_], crs, table)
        source[np.flatnonzero(open_)[found]] = "landuse"
    out = gpd.GeoDataFrame({"building_id": np.asarray([str(i) for i in idx], dtype=object), "area_type": area,
                            "area_type_source": source}, geometry=points, crs=crs)
    return out, {k: int(v) for k, v in pd.Series(source).value_counts().items()}


def _area_from_landuse(landuse: LayerRef, points: np.ndarray, crs: Any, table: ImmissionTable
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Area type of each point from the land-use polygon it lies in (the table's key=value mapping)."""
    mapping = table.noise.area_type_from_landuse
    keys = sorted({k.split("=", 1)[0] for k in mapping})
    fields = layer_info(landuse, "landuse").fields
    keys = [k for k in keys if k in fields]
    area = np.full(len(points), table.noise.default_area_type, dtype=object)
    found = np.zeros(len(points), dtype=bool)
    if not keys or not len(points):
        return area, found
    xy = shapely.get_coordinates(points)
    bbox = (*xy.min(axis=0), *xy.max(axis=0))
    frame = read_layer(landuse, "landuse", crs, bbox=bbox, columns=tuple(keys), invalid="repair", empty_ok=True)
    cls = np.full(len(frame), None, dtype=object)
    for key in reversed(keys):  # the first key wins
        values = frame[key].to_numpy(dtype=object)
        hit = np.array([f"{key}={v}" in mapping for v in values], dtype=bool) if len(values) else np.zeros(0, bool)
        cls[hit] = [mapping[f"{key}={v}"] for v in values[hit]]
    has = np.flatnonzero(cls != None)  # noqa: E711 - element-wise
    if not len(has):
        return area, found
    tree = shapely.STRtree(frame.geometry.values[has])
    p, poly = tree.query(points, predicate="intersects")   # a façade on the land use's edge is in it
    # a point in several polygons takes the strictest (lowest) limit
    limits = table.noise.night_limits_db
    for i, k in zip(p, poly):
        c = cls[has[k]]
        if not found[i] or limits[c] < limits[area[i]]:
            area[i], found[i] = c, True
    return area, found


def _noise_grid(xy: np.ndarray, reach_m: float, resolution_m: float) -> tuple[Affine, int, int, np.ndarray]:
    """A north-up grid around the turbines and its cell centres ``(n, 2)``."""
    x0, y0 = np.floor((xy.min(axis=0) - reach_m) / resolution_m) * resolution_m
    x1, y1 = np.ceil((xy.max(axis=0) + reach_m) / resolution_m) * resolution_m
    width, height = int(round((x1 - x0) / resolution_m)), int(round((y1 - y0) / resolution_m))
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    centres = np.column_stack([x0 + (cols.ravel() + 0.5) * resolution_m, y1 - (rows.ravel() + 0.5) * resolution_m])
    return Affine(resolution_m, 0, x0, 0, -resolution_m, y1), width, height, centres


def _write_raster(path: Path, values: np.ndarray, transform: Affine, crs: Any, description: str,
                  tags: Mapping[str, str]) -> None:
    with open_raster_writer(path, values.shape[1], values.shape[0], transform, crs, "float32", -9999.0, tags,
                            description) as ds:
        ds.write(np.where(np.isfinite(values), values, -9999.0).astype("float32"), 1)


def _contours(levels: np.ndarray, transform: Affine, crs: Any) -> gpd.GeoDataFrame:
    """Polygons of the area at or above each contour level."""
    from rasterio import features

    rows = []
    for threshold in CONTOUR_LEVELS_DB:
        mask = np.isfinite(levels) & (levels >= threshold)
        if not mask.any():
            continue
        shapes = [shapely.geometry.shape(g) for g, v in features.shapes(mask.astype("uint8"), mask=mask,
                                                                          transform=transform) if v == 1]
        rows.append((threshold, shapely.union_all(shapes)))
    return gpd.GeoDataFrame({"level_db": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=crs)


def _ground(dem: str | None, xy: np.ndarray, crs: Any = None) -> np.ndarray:
    """Ground elevation at points of the working CRS ``crs`` from a DEM in any CRS, nearest pixel. [m]

    No DEM: 0 (flat ground). Points off the DEM take the mean of those on it.

    Raises
    ------
    InputError
        The DEM has no CRS, or covers none of the points (a wrong file or CRS).
    """
    if not dem or not len(xy):
        return np.zeros(len(xy))
    import rasterio
    from pyproj import CRS, Transformer
    from rasterio.windows import from_bounds

    with rasterio.open(dem) as ds:
        if ds.crs is None:
            raise InputError(f"The elevation model {dem} has no CRS; assign it (QGIS: Assign projection) or leave "
                             "the elevation model out (flat ground).")
        if crs is not None and not CRS.from_user_input(ds.crs.to_wkt()).equals(CRS.from_user_input(crs)):
            x, y = Transformer.from_crs(crs, ds.crs.to_wkt(), always_xy=True).transform(xy[:, 0], xy[:, 1])
            xy = np.column_stack([x, y])
        res = max(abs(ds.transform.a), abs(ds.transform.e))
        x0, y0 = xy.min(axis=0) - res
        x1, y1 = xy.max(axis=0) + res
        window = from_bounds(x0, y0, x1, y1, ds.transform).round_offsets().round_lengths()
        data = ds.read(1, window=window, boundless=True, fill_value=ds.nodata if ds.nodata is not None else np.nan,
                       masked=False).astype(float)
        transform = ds.window_transform(window)
        nodata = ds.nodata
        full = rasterio.windows.Window(0, 0, ds.width, ds.height)
    if nodata is not None:
        data[data == nodata] = np.nan
    cols = np.floor((xy[:, 0] - transform.c) / transform.a).astype(np.int64)
    rows = np.floor((xy[:, 1] - transform.f) / transform.e).astype(np.int64)
    inside = (rows >= 0) & (rows < data.shape[0]) & (cols >= 0) & (cols < data.shape[1])
    values = np.full(len(xy), np.nan)
    values[inside] = data[rows[inside], cols[inside]]
    if not np.isfinite(values).any():
        raise InputError(f"The elevation model {dem} ({full.width} × {full.height} pixels) has no value at any "
                         "turbine or dwelling: check its CRS and extent, or leave it out (flat ground).")
    return np.where(np.isfinite(values), values, np.nanmean(values))


def _status(mode: np.ndarray, modes: Sequence[Sequence[SoundMode]]) -> list[str]:
    return ["removed (noise)" if m < 0 else "unrestricted" if m == 0 else "off at night (noise)"
            if modes[i][m].name == NIGHT_OFF else f"mode {modes[i][m].name}" for i, m in enumerate(mode)]


def _noise_stage(new_xyz: np.ndarray, new_lw: Any, ex_xyz: np.ndarray, ex_lw: Any, rxyz: np.ndarray,
                 limits: np.ndarray, modes: list[list[SoundMode]], table: ImmissionTable, settings: ImmissionSettings
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Noise of the new turbines over existing ones at the receptors, quietened as the settings say: (mode per
    turbine, rated level, rated pre-load, every limit met). ``new_lw``, ``ex_lw``: sound powers. [dB(A)]"""
    c_new, c_ex = (contributions(xyz, band_power_db(lw, table.noise.spectrum_db), rxyz, table.noise,
                                 settings.reach_m * 3) for xyz, lw in ((new_xyz, new_lw), (ex_xyz, ex_lw)))
    pre = np.bincount(c_ex.receptor, weights=c_ex.energy, minlength=len(rxyz))
    red = reduce_for_noise(c_new, modes, limits, table.noise.uncertainty_db, pre) if settings.reduce else None
    with np.errstate(divide="ignore"):
        level = red.levels_db if red else 10 * np.log10(pre + np.bincount(
            c_new.receptor, weights=c_new.energy, minlength=len(rxyz))) + table.noise.uncertainty_db
        met = red.met if red else bool(np.all(level <= limits + 1e-9))
        pre_level = 10 * np.log10(pre) + table.noise.uncertainty_db
    return red.mode if red else np.zeros(len(new_xyz), dtype=np.int64), level, pre_level, met


def _shadow_stage(crs: Any, year: int, table: ImmissionTable, new_xyz: np.ndarray, new_radius: np.ndarray,
                  capacity: np.ndarray, energy: np.ndarray, ex_xyz: np.ndarray, ex_radius: np.ndarray,
                  window: np.ndarray, reach: float, kept: np.ndarray) -> tuple[Any, ...]:
    """Shadow of the new turbines ``kept`` and existing ones at the receptor windows: (sun path, hours [h/a] and
    worst day [min/d] per receptor, turbines needing a shutdown module, bound of its energy [MWh/a])."""
    centre = new_xyz[kept, :2].mean(axis=0)
    lon, lat, conv = grid_convergence_deg(crs, float(centre[0]), float(centre[1]))
    sun = sun_path(lat, lon, year, table.shadow.time_step_min, table.shadow.min_sun_elevation_deg, conv)
    sh = shadow_flicker(np.vstack([new_xyz[kept], ex_xyz]), np.r_[new_radius[kept], ex_radius], window, sun, reach,
                        limits=(table.shadow.max_hours_per_year, table.shadow.max_minutes_per_day))
    # the turbines shading a receptor over a limit need a module; the upper bound of its energy: the hours they
    # shade any of those receptors, at rated power (mean power where the capacity is unknown: then an estimate)
    needs, hours = np.zeros(len(new_xyz), dtype=bool), np.zeros(len(new_xyz))
    hours[kept] = sh.turbine_hours[:np.count_nonzero(kept)]
    needs[kept] = hours[kept] > 0
    loss = hours * np.where(np.isfinite(capacity), capacity, energy / 8760.0)
    return sun, sh.hours_per_year, sh.max_minutes_per_day, needs, loss


def run_immission(
    turbines: LayerRef,
    layers: Mapping[str, LayerRef],
    outputs: ImmissionOutputs,
    settings: ImmissionSettings = ImmissionSettings(),
    rasters: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImmissionResult:
    """Noise and shadow flicker of new turbines at the dwellings; quieten or remove turbines over a limit.

    Parameters
    ----------
    turbines : LayerRef
        The new turbines (a layout's ``turbines`` layer, or any points with hub height and rotor fields).
    layers : mapping of str to LayerRef
        ``buildings`` (the dwellings: receptors), ``landuse`` (area types), ``wind_turbines`` (existing
        turbines: noise pre-load and shadow), each optional; without buildings nothing is assessed.
    outputs : ImmissionOutputs
        Destination files.
    settings : ImmissionSettings
        Sound power, modes, what to check.
    rasters : mapping, optional
        ``dem``: ground elevations for hub and window heights.
    progress : Progress, optional
        Progress and cancellation.
    """
    progress = progress or NullProgress()
    settings.check()
    crs = check_working_crs(settings.crs)
    table = load_immission_table(settings.table)
    progress.report(0.0, msg("step_reading_turbines"))
    new = read_turbines(turbines, "new turbines", crs, table, settings.sound_power_db)
    new_xy = shapely.get_coordinates(new.geometry.values)
    if "energy_mwh_per_a" not in new:
        new["energy_mwh_per_a"] = 0.0
        if len(new):
            progress.warning(msg("immission_no_energy_field"))
    if "capacity_mw" not in new:
        new["capacity_mw"] = np.nan
    existing = None
    if layers.get("wind_turbines") is not None and len(new_xy):
        bbox = (*(new_xy.min(axis=0) - 2 * settings.reach_m), *(new_xy.max(axis=0) + 2 * settings.reach_m))
        existing = read_turbines(layers["wind_turbines"], "existing turbines", crs, table,
                                 settings.existing_sound_power_db, bbox)
        progress.info(msg("immission_preload", n=len(existing), km=2 * settings.reach_m / 1000))
    elif len(new_xy):
        progress.warning(msg("immission_no_existing_turbines"))
    progress.report(0.1, msg("step_receptors"))
    receptors, sources = _receptors(layers.get("buildings"), layers.get("landuse"), new_xy, crs, table, settings)
    if layers.get("buildings") is None and len(new_xy):
        progress.warning(msg("immission_no_buildings"))
    elif len(new_xy) and receptors.empty:
        progress.info(msg("immission_no_dwelling", reach_m=float(settings.reach_m)))
    rec_xy = shapely.get_coordinates(receptors.geometry.values) if len(receptors) else np.empty((0, 2))
    dem = (rasters or {}).get("dem")
    rec_z = _ground(dem, rec_xy, crs) + table.noise.receptor_height_m
    new_xyz = np.column_stack([new_xy, _ground(dem, new_xy, crs) + new["hub_height_m"].to_numpy(float)]) \
        if len(new_xy) else np.empty((0, 3))
    limits = np.array([table.noise.night_limits_db[a] for a in receptors["area_type"]], dtype=float)
    night = [SoundMode(NIGHT_OFF, -math.inf, 1.0 - table.noise.night_energy_share)] \
        if settings.last_resort == "night_off" else []
    modes = [[SoundMode("0", float(lw), 1.0), *[SoundMode(m.name, float(lw) - m.reduction_db, m.energy_factor)
                                                for m in settings.modes], *night] for lw in new["sound_power_db"]]
    ex_xyz, ex_radius, ex_lw, radii = np.empty((0, 3)), [], [], new["rotor_diameter_m"].to_numpy(float) / 2
    if existing is not None and len(existing):
        ex_xy = shapely.get_coordinates(existing.geometry.values)
        ex_xyz = np.column_stack([ex_xy, _ground(dem, ex_xy, crs) + existing["hub_height_m"].to_numpy(float)])
        ex_radius, ex_lw = existing["rotor_diameter_m"].to_numpy(float) / 2, existing["sound_power_db"].to_numpy(float)
    energy = new["energy_mwh_per_a"].to_numpy(float)
    blade = settings.blade_depth_m or table.shadow.blade_depth_m
    reach = shadow_reach_m(blade, table.shadow.sun_diameter_deg, table.shadow.min_sun_coverage)
    shadow_args = None
    if settings.shadow and len(receptors) and len(new):
        window = np.column_stack([rec_xy, rec_z - table.noise.receptor_height_m + table.shadow.receptor_height_m])
        shadow_args = (crs, settings.year, table, new_xyz, radii, new["capacity_mw"].to_numpy(float), energy, ex_xyz,
                       ex_radius, window, reach)
    # where no turbine can be removed, the shadow of all of them runs beside the noise, in a forked process
    pool = job = None
    if shadow_args is not None and settings.workers > 1 and "fork" in mp.get_all_start_methods() and (
            settings.last_resort == "night_off" or not (settings.noise and settings.reduce)):
        pool = mp.get_context("fork").Pool(1)
        job = pool.apply_async(_shadow_stage, (*shadow_args, np.ones(len(new), dtype=bool)))
    try:
        check_cancelled(progress)
        progress.report(0.2, msg("step_noise_shadow" if job is not None else "step_noise"))
        mode, level, pre_level, noise_met = _noise_stage(new_xyz, new["sound_power_db"], ex_xyz, ex_lw, np.column_stack(
            [rec_xy, rec_z]), limits, modes, table, settings) if settings.noise and len(receptors) else (
            np.zeros(len(new), dtype=np.int64), *np.full((2, len(receptors)), -np.inf), True)
        kept = mode >= 0
        check_cancelled(progress)
        progress.report(0.5, msg("step_shadow_flicker"))
        shadow = None if shadow_args is None or not kept.any() else job.get() if job is not None and kept.all() \
            else _shadow_stage(*shadow_args, kept)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    night_off = np.array([m >= 0 and modes[i][m].name == NIGHT_OFF for i, m in enumerate(mode)], dtype=bool)
    heard = kept & ~night_off   # what the night raster hears
    lw_now = np.array([modes[i][m].sound_power_db if m >= 0 else np.nan for i, m in enumerate(mode)])
    factor = np.array([modes[i][m].energy_factor if m >= 0 else 0.0 for i, m in enumerate(mode)])
    sun, hours, worst, shadow_turbines, shadow_loss = shadow or (None, *np.zeros((2, len(receptors))),
                                                                 np.zeros(len(new), dtype=bool), np.zeros(len(new)))
    status = _status(mode, modes)
    out_turbines = new.copy()
    out_turbines["mode"] = [modes[i][m].name if m >= 0 else "" for i, m in enumerate(mode)]
    out_turbines["sound_power_now_db"] = lw_now
    out_turbines["status"] = np.asarray(status, dtype=object)
    out_turbines["energy_before_mwh_per_a"] = energy
    out_turbines["energy_mwh_per_a"] = energy * factor   # what the profile counts
    out_turbines["energy_lost_noise_mwh_per_a"] = energy * (1.0 - factor)
    out_turbines["shadow_module"] = shadow_turbines
    out_turbines["shadow_loss_mwh_upper"] = shadow_loss
    rec = receptors.copy()
    rec["limit_db"] = limits
    rec["preload_db"] = pre_level
    rec["level_db"] = level
    rec["margin_db"] = limits - level
    rec["shadow_h_per_a"] = hours
    rec["shadow_max_min_per_day"] = worst
    rec["shadow_over_limit"] = (hours > table.shadow.max_hours_per_year) | (worst > table.shadow.max_minutes_per_day)
    if settings.shadow_real_case and sun is not None:
        hubs = np.vstack([new_xyz[kept], ex_xyz])
        rec["shadow_real_h_per_a"] = receptor_real_hours(hubs, np.r_[radii[kept], ex_radius], window, sun, reach,
                                                         hours > 0, new["hub_height_m"], crs, settings.weather, progress)
        rec["shadow_real_over_limit"] = rec["shadow_real_h_per_a"] > REAL_LIMIT_H_PER_A
    rec["area_label"] = np.asarray([table.noise.area_labels.get(a, a) for a in rec["area_type"]], dtype=object)
    check_cancelled(progress)
    progress.report(0.7, msg("step_writing"))
    with OutputTransaction() as tx:
        write_vector(tx.temp_for(Path(outputs.receptors)), rec, "receptors", "Point")
        if outputs.turbines is not None:
            # the layout after the check (what stands) and, in a second layer, what was removed
            target = tx.temp_for(Path(outputs.turbines))
            write_vector(target, out_turbines[kept], "turbines", "Point")
            write_vector(target, out_turbines[~kept], "removed_turbines", "Point")
        sources_all = np.vstack([new_xyz[heard], ex_xyz]) if len(ex_xyz) else new_xyz[heard]
        if (outputs.noise_raster is not None or outputs.contours is not None) and len(sources_all) \
                and settings.resolution_m > 0:
            around = new_xyz[kept][:, :2] if kept.any() else new_xy
            transform, width, height, centres = _noise_grid(around, settings.reach_m, settings.resolution_m)
            lw_all = np.r_[lw_now[heard], existing["sound_power_db"].to_numpy(float) if len(ex_xyz) else []]
            cxyz = np.column_stack([centres, _ground(dem, centres, crs) + table.noise.receptor_height_m]) if dem else \
                np.column_stack([centres, np.full(len(centres), table.noise.receptor_height_m)])
            values = (levels_on_points(sources_all, band_power_db(lw_all, table.noise.spectrum_db), cxyz,
                                       table.noise, settings.reach_m * 2)
                      + table.noise.uncertainty_db).reshape(height, width)
            values = np.maximum(values, 0.0)   # 0: no turbine heard within reach
            tags = {"quantity": "rated noise level at night, L_r + 1.28 sigma", "unit": "dB(A)",
                    "method": "ISO 9613-2, LAI Interimsverfahren", "receptor_height_m": table.noise.receptor_height_m,
                    "sources": f"turbines heard at night within {settings.reach_m * 2:g} m (0: none)"}
            if outputs.noise_raster is not None:
                _write_raster(tx.temp_for(Path(outputs.noise_raster)), values, transform, crs,
                              "Beurteilungspegel nachts [dB(A)]", tags)
            if outputs.contours is not None:
                write_vector(tx.temp_for(Path(outputs.contours)), _contours(values, transform, crs), "noise_contours",
                             "MultiPolygon")
        if outputs.shadow_raster is not None and sun is not None and settings.shadow_resolution_m > 0:
            progress.report(0.8, msg("step_shadow_raster"))
            hub_xy = np.vstack([new_xy[kept], ex_xyz[:, :2]]) if len(ex_xyz) else new_xy[kept]
            hub_h = np.r_[new["hub_height_m"].to_numpy(float)[kept],
                          existing["hub_height_m"].to_numpy(float) if len(ex_xyz) else []]
            transform, width, height, _ = _noise_grid(new_xy[kept], reach, settings.shadow_resolution_m)
            grid = shadow_hours_grid(hub_xy, hub_h, np.r_[radii[kept], ex_radius], transform.c, transform.f,
                                     settings.shadow_resolution_m, width, height, sun, reach,
                                     table.shadow.receptor_height_m)
            _write_raster(tx.temp_for(Path(outputs.shadow_raster)), grid, transform, crs,
                          "Schattenwurf astronomisch möglich [h/a]",
                          {"quantity": "astronomically possible shadow flicker, summed over turbines", "unit": "h/a",
                           "simplifications": "flat ground; simultaneous shadows of two turbines count twice; "
                                              "turbines at their pixel's centre; the receptor table is exact"})
        check_cancelled(progress)
    over_noise = int(np.sum(level > limits + 1e-9))
    counts = pd.Series(rec["area_type"]).value_counts()
    progress.report(1.0, msg("step_done"))
    cap = new["capacity_mw"].to_numpy(float)
    return ImmissionResult(
        len(new), int(np.sum(mode == 0)), int(np.sum((mode > 0) & ~night_off)), int(night_off.sum()),
        int(np.sum(mode < 0)), float(np.nansum(cap)),
        float(np.nansum(cap[kept])), float(energy.sum()), float((energy * factor).sum()), float(shadow_loss.sum()),
        int(shadow_turbines.sum()), len(rec), over_noise, int(rec["shadow_over_limit"].sum()),
        {str(k): int(v) for k, v in counts.items()}, sources,
        float(np.max(level)) if len(level) else math.nan, float(np.max(hours)) if len(hours) else 0.0,
        noise_met, outputs, out_turbines)
