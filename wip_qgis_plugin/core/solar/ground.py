"""Solar potential of eligible land: ground-mounted PV and agri-PV.

Slightly longer than 700 lines because the run, its binning and its per-site totals share one set of tile arrays.

:func:`run_solar_potential` turns the eligible pixels of an eligibility run into

* a **specific yield** raster [kWh/kWp/a] (annual AC energy per kWp DC),
* a **capacity density** raster [MWp/ha] (ground coverage ratio × area use × module power),
* an **energy density** raster [MWh/ha/a] (yield × density),
* per candidate site (suitability sites or eligible polygons) installed DC and AC capacity and
  annual energy, and totals per municipality.

Performance: pvlib runs once per distinct **orientation bin** and weather region, not per pixel.
Each eligible pixel's terrain slope and aspect (from the DEM) fall into a bin of
``slope_step_deg`` × ``aspect_step_deg`` (ground flatter than 1° is one "flat" bin); the yield
of every bin that occurs is computed with the full hourly pvlib chain (:mod:`.model`) at
the bin's centre and mapped back onto the pixels. The work grows with the number of bins
(at most ``1 + max_slope/slope_step × 360/aspect_step``) times the number of TRY regions the
area touches, not with the number of pixels. The mapping error is bounded by the yield change
within half a bin (tested against the per-pixel computation).

Optional horizon shading from the DEM (:mod:`.horizon`): the beam is blocked while the sun
stands behind the terrain horizon of a pixel (linearised per-pixel correction of the bin yield).

Weather: the DWD TRY 2010 region containing each pixel (:mod:`core.data.weather`), or one weather
file/region for all pixels. The sun is computed at the centroid of each region's eligible
pixels.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from pyproj import CRS, Transformer
from rasterio.features import rasterize

from .. import __version__ as wip_version
from ..data.outputs import OutputTransaction, open_raster_writer, records_frame, write_csv, write_vector
from ..eligibility.engine import ELIGIBLE, AreaOfInterest
from ..eligibility.engine import read_aoi_areas
from ..errors import InputError
from ..data.raster_grid import Grid, Window
from ..data.layers import LayerRef, layer_info, read_layer
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from ..data.rasters import (
    FLAT_SLOPE_DEG,
    RasterRef,
    aspect_deg,
    check_raster,
    eligibility_grid,
    read_on_grid,
    role_values,
    slope_deg,
)
from .horizon import horizon_angles, horizon_loss
from .model import HorizonBands, optimal_tilt, prepare_sky, specific_yields
from .systems import PvSystem, PvSystems, load_pv_systems
from ..data.weather import Weather, find_try_region, load_try, read_weather, try_region_outlines
from ..messages import msg

NODATA = -9999.0
#: Fields of the site outputs (units in the names).
SITE_FIELDS = ("site_id", "municipality", "ags", "system", "area_ha", "eligible_ha", "capacity_mwp",
               "capacity_mw", "energy_mwh_per_a", "yield_kwh_per_kwp", "suitability_rank", "suitability_mean")
#: Fields of the municipality table.
MUNICIPALITY_FIELDS = ("municipality", "ags", "eligible_ha", "capacity_mwp", "capacity_mw", "energy_mwh_per_a",
                       "yield_kwh_per_kwp")


@dataclass(frozen=True)
class SolarOutputs:
    """Destination files; ``None`` skips an output (the specific yield raster is required).

    Attributes
    ----------
    specific_yield : Path
        GeoTIFF float32, annual AC energy per kWp DC [kWh/kWp/a], -9999 outside eligible land.
    capacity_density : Path or None
        GeoTIFF float32 [MWp/ha].
    energy_density : Path or None
        GeoTIFF float32 [MWh/ha/a].
    sites : Path or None
        GeoPackage, layer ``solar_sites``: candidate sites with :data:`SITE_FIELDS`.
    sites_table : Path or None
        The same as CSV.
    municipalities_table : Path or None
        CSV with :data:`MUNICIPALITY_FIELDS` per municipality of the area of interest and a TOTAL row.
    """

    specific_yield: Path
    capacity_density: Path | None = None
    energy_density: Path | None = None
    sites: Path | None = None
    sites_table: Path | None = None
    municipalities_table: Path | None = None


@dataclass(frozen=True)
class SolarSettings:
    """How to model.

    Attributes
    ----------
    system : str
        System type of the preset (``fixed_south``, ``east_west``, ``single_axis``,
        ``agri_vertical``, ``agri_elevated``).
    tilt_deg : float or None
        Rack tilt on level ground [°]; None: the system's tilt (fixed south: the optimum for the
        weather of each region).
    gcr : float or None
        Ground coverage ratio [-]; None: the system's.
    losses_pct : float or None
        Combined DC losses [%]; None: the preset's loss items combined (14.08 %).
    weather : str or None
        Weather for every pixel: a TRY region (``"4"``, ``"TRY04"``) or a file (PVGIS TMY, EPW,
        CSV); None: the TRY region of each pixel.
    use_terrain : bool
        Rotate the racks with the terrain (needs a ``dem`` or ``slope`` + ``aspect`` raster).
    slope_step_deg, aspect_step_deg : float
        Orientation bin size [°].
    max_slope_deg : float
        Steeper ground is put in the bin of this slope [°].
    preset : str
        PV system preset id or YAML file.
    horizon : bool
        Block the beam behind the terrain horizon (needs the ``dem`` raster; :mod:`.horizon`).
    horizon_distance_m : float
        How far the horizon is searched [m].
    horizon_sectors : int
        Number of horizon directions.
    tile_px : int
        Tile edge [pixels].
    invalid_geometries : str
        ``error`` or ``repair``.
    """

    system: str = "fixed_south"
    tilt_deg: float | None = None
    gcr: float | None = None
    losses_pct: float | None = None
    weather: str | None = None
    use_terrain: bool = True
    slope_step_deg: float = 1.0
    aspect_step_deg: float = 10.0
    max_slope_deg: float = 30.0
    preset: str = "pv_systems"
    horizon: bool = False
    horizon_distance_m: float = 2000.0
    horizon_sectors: int = 16
    tile_px: int = 2048
    invalid_geometries: str = "error"


@dataclass(frozen=True)
class SiteYield:
    """Solar potential of one candidate site (see :data:`SITE_FIELDS`; units in the names)."""

    site_id: str
    municipality: str
    ags: str
    system: str
    area_ha: float
    eligible_ha: float
    capacity_mwp: float
    capacity_mw: float
    energy_mwh_per_a: float
    yield_kwh_per_kwp: float
    suitability_rank: int = -1
    suitability_mean: float = float("nan")


@dataclass(frozen=True)
class MunicipalYield:
    """Totals of one municipality (see :data:`MUNICIPALITY_FIELDS`)."""

    municipality: str
    ags: str
    eligible_ha: float
    capacity_mwp: float
    capacity_mw: float
    energy_mwh_per_a: float
    yield_kwh_per_kwp: float


@dataclass(frozen=True)
class RegionModel:
    """One weather region of a run: where its sun was computed and its tilt and bins."""

    region: str
    weather: str
    latitude: float
    longitude: float
    tilt_deg: float
    n_bins: int
    flat_yield_kwh_per_kwp: float


@dataclass(frozen=True)
class SolarResult:
    """What a run produced (totals over the eligible pixels of the area)."""

    outputs: SolarOutputs
    system: str
    capacity_density_mwp_per_ha: float
    dc_ac_ratio: float
    losses_pct: float
    eligible_ha: float
    capacity_mwp: float
    capacity_mw: float
    energy_mwh_per_a: float
    mean_yield_kwh_per_kwp: float
    regions: tuple[RegionModel, ...] = ()
    sites: tuple[SiteYield, ...] = ()
    municipalities: tuple[MunicipalYield, ...] = ()
    n_bins: int = 0
    horizon_loss_pct: float = 0.0


# ----------------------------------------------------------------------------- binning

@dataclass(frozen=True)
class OrientationBins:
    """Terrain orientation bins: key 0 is flat, key ``1 + i·n_aspect + j`` is slope bin i, aspect bin j."""

    slope_step_deg: float = 1.0
    aspect_step_deg: float = 10.0
    max_slope_deg: float = 30.0

    @property
    def n_aspect(self) -> int:
        return max(1, int(round(360.0 / self.aspect_step_deg)))

    @property
    def n_slope(self) -> int:
        return max(1, int(math.ceil(self.max_slope_deg / self.slope_step_deg)))

    @property
    def size(self) -> int:
        """Number of possible keys."""
        return 1 + self.n_slope * self.n_aspect

    def keys(self, slope_deg: np.ndarray, aspect_deg: np.ndarray) -> np.ndarray:
        """Bin key per pixel (int32); flat (aspect NaN or slope < 1°, or slope NaN) → 0."""
        slope = np.asarray(slope_deg, float)
        aspect = np.asarray(aspect_deg, float)
        flat = np.isnan(aspect) | np.isnan(slope) | (slope < FLAT_SLOPE_DEG)
        s = np.clip(np.rint(np.nan_to_num(slope) / self.slope_step_deg), 1, self.n_slope).astype(np.int32)
        a = (np.floor(np.mod(np.nan_to_num(aspect) + self.aspect_step_deg / 2.0, 360.0)
                      / self.aspect_step_deg).astype(np.int32)) % self.n_aspect
        return np.where(flat, 0, 1 + (s - 1) * self.n_aspect + a).astype(np.int32)

    def centres(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Slope and aspect [°] of bin keys (aspect NaN for the flat bin)."""
        keys = np.asarray(keys, np.int64)
        i = (keys - 1) // self.n_aspect
        j = (keys - 1) % self.n_aspect
        slope = np.where(keys == 0, 0.0, (i + 1) * self.slope_step_deg)
        aspect = np.where(keys == 0, np.nan, j * self.aspect_step_deg)
        return slope.astype(float), aspect.astype(float)


# ----------------------------------------------------------------------------- helpers

def _slices(w: Window) -> tuple[tuple[int, int], tuple[int, int]]:
    return ((w.row, w.row + w.height), (w.col, w.col + w.width))


def _labels(geoms: Any, grid: Grid, window: Window, values: Any = None) -> np.ndarray:
    """Rasterise polygons with labels (default 1..n) on a window; 0 elsewhere."""
    values = range(1, len(geoms) + 1) if values is None else values
    shapes = [(g, int(v)) for g, v in zip(geoms, values) if g is not None and not g.is_empty]
    if not shapes:
        return np.zeros((window.height, window.width), np.int32)
    return rasterize(shapes, out_shape=(window.height, window.width), transform=grid.window_transform(window),
                     fill=0, dtype="int32")


def resolve_system(systems: PvSystems, settings: SolarSettings) -> PvSystem:
    """The system type with the settings' tilt and GCR applied."""
    system = systems.system(settings.system)
    changes: dict[str, Any] = {}
    if settings.tilt_deg is not None:
        if not 0 <= settings.tilt_deg <= 90:
            raise InputError(f"Tilt {settings.tilt_deg}° is out of range; give 0–90°.")
        changes["tilt_deg"] = float(settings.tilt_deg)
    if settings.gcr is not None:
        if not 0.05 <= settings.gcr <= 1.0:
            raise InputError(f"Ground coverage ratio {settings.gcr} is out of range; give 0.05–1.")
        changes["gcr"] = float(settings.gcr)
    return dataclasses.replace(system, **changes) if changes else system


def _terrain(refs: Mapping[str, RasterRef], grid: Grid, window: Window, crs: CRS, dem: np.ndarray | None,
             margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Slope and aspect [°] on a window: from their rasters, or from the DEM read once (grown by ``margin``).

    The same values as :func:`.rasters.role_values` (one ring of pixels for the central
    differences; beyond the raster the edge is repeated).
    """
    if {"slope", "aspect"} <= set(refs) or dem is None:
        return (role_values("slope", refs, grid, window, crs), role_values("aspect", refs, grid, window, crs))
    base = dem[margin - 1:dem.shape[0] - margin + 1, margin - 1:dem.shape[1] - margin + 1]
    base = np.where(np.isnan(base), np.pad(base[1:-1, 1:-1], 1, mode="edge"), base)
    return slope_deg(base, grid.resolution_m)[1:-1, 1:-1], aspect_deg(base, grid.resolution_m)[1:-1, 1:-1]


def capacity_density_mwp_per_ha(systems: PvSystems, system: PvSystem) -> float:
    """Installed DC capacity per hectare: gcr × area use × module power [MWp/ha]."""
    return system.gcr * system.area_use * systems.module_w_per_m2 / 100.0


@dataclass
class _TileBins:
    window: Window
    index: np.ndarray      # flat positions of modelled pixels
    region: np.ndarray     # region code per pixel (0 = user weather)
    key: np.ndarray        # orientation bin per pixel
    muni: np.ndarray       # municipality label (0 = none)
    horizon: np.ndarray | None = None   # (n, sectors) horizon angles [°]


def _region_polygons(crs: CRS) -> tuple[list[Any], list[int]]:
    outlines = try_region_outlines()
    frame = gpd.GeoDataFrame({"code": [code for code, _ in outlines]},
                             geometry=[geometry for _, geometry in outlines], crs="OGC:CRS84").to_crs(crs)
    return list(frame.geometry.values), list(frame["code"])


def _to_lonlat(crs: CRS, x: float, y: float) -> tuple[float, float]:
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return float(lon), float(lat)


def _weather_for(region: int, user: Weather | None) -> Weather:
    return user if user is not None else load_try(region)


# ----------------------------------------------------------------------------- the run

def run_solar_potential(
    eligibility_raster: Path,
    rasters: Mapping[str, RasterRef | str | Path] | None,
    aoi: AreaOfInterest | None,
    sites: LayerRef | None,
    outputs: SolarOutputs,
    settings: SolarSettings = SolarSettings(),
    progress: Progress | None = None,
) -> SolarResult:
    """Model PV on the eligible pixels of an eligibility raster and write the outputs.

    Parameters
    ----------
    eligibility_raster : Path
        Eligibility raster of a previous run (1 = eligible); its grid and CRS are used (the
        working CRS of the run is the raster's, so the settings hold none).
    rasters : mapping of str to RasterRef or path, or None
        ``dem`` (slope and aspect are derived) or ``slope`` and ``aspect``; without them the
        ground is taken as level.
    aoi : AreaOfInterest or None
        Restrict to these areas and total per municipality.
    sites : LayerRef or None
        Candidate sites: the suitability sites (``candidate_sites``) or the eligible polygons
        (``eligible_areas``); needed for ``outputs.sites`` / ``sites_table``.
    outputs : SolarOutputs
        Destination files.
    settings : SolarSettings
        System, weather, terrain and binning.
    progress : Progress, optional

    Returns
    -------
    SolarResult

    Raises
    ------
    InputError
        Bad inputs (nothing is written).
    Cancelled
        The user cancelled (nothing is written).
    """
    progress = progress or NullProgress()
    if (outputs.sites is not None or outputs.sites_table is not None) and sites is None:
        raise InputError("Solar potential per site needs a sites layer: the candidate sites of the suitability "
                         "analysis or the eligible areas of the eligibility analysis.")
    if outputs.municipalities_table is not None and aoi is None:
        raise InputError("Totals per municipality need the area of interest (municipality layer and name field).")
    for name in ("slope_step_deg", "aspect_step_deg", "max_slope_deg"):
        if not getattr(settings, name) > 0:
            raise InputError(f"{name} must be positive, got {getattr(settings, name)}.")
    progress.report(0.0, msg("step_reading_inputs"))
    systems = load_pv_systems(settings.preset)
    system = resolve_system(systems, settings)
    density = capacity_density_mwp_per_ha(systems, system)
    losses = systems.total_loss_pct() if settings.losses_pct is None else float(settings.losses_pct)
    if not 0 <= losses < 100:
        raise InputError(f"Losses of {losses} % are out of range; give 0–99 %.")
    grid, crs = eligibility_grid(Path(eligibility_raster))
    refs = {role: r if isinstance(r, RasterRef) else RasterRef(str(r)) for role, r in (rasters or {}).items()}
    terrain = settings.use_terrain and ("dem" in refs or {"slope", "aspect"} <= set(refs))
    if settings.use_terrain and not terrain:
        progress.warning(msg("ground_no_dem"))
    for role in (("slope", "aspect") if {"slope", "aspect"} <= set(refs) else ("dem",)) if terrain else ():
        check_raster(refs[role], role, grid, crs)
    if settings.horizon:
        if "dem" not in refs:
            raise InputError("Horizon shading needs the elevation model (raster role 'dem'); give it, or switch "
                             "the horizon off.")
        check_raster(refs["dem"], "dem", grid, crs)
        if not settings.horizon_distance_m > 0 or settings.horizon_sectors < 4:
            raise InputError("Horizon shading needs a positive search distance and at least 4 directions.")
    bands = HorizonBands(settings.horizon_sectors, 1.0, 45.0) if settings.horizon else None
    margin = int(math.ceil(settings.horizon_distance_m / grid.resolution_m)) if settings.horizon else 0
    user_weather = None
    if settings.weather not in (None, "", "auto", "try"):
        user_weather = read_weather(int(settings.weather) if str(settings.weather).isdigit() else settings.weather)
    names: list[str] = []
    ids: list[str] = []
    muni_geoms: Any = None
    if aoi is not None:
        names, ids, muni_geoms = read_aoi_areas(aoi, crs, settings.invalid_geometries)
    region_geoms, region_codes = _region_polygons(crs) if user_weather is None else ([], [])
    bins = OrientationBins(settings.slope_step_deg, settings.aspect_step_deg, settings.max_slope_deg)
    tiles = list(grid.tiles(max(1, settings.tile_px)))

    # pass 1: which pixels, which region, which orientation bin
    saved: list[_TileBins] = []
    stats: dict[int, list[float]] = {}          # region -> [n, sum x, sum y]
    for t, window in enumerate(tiles):
        check_cancelled(progress)
        with rasterio.open(eligibility_raster) as ds:
            mask = ds.read(1, window=_slices(window)) == ELIGIBLE
        muni = np.zeros(mask.shape, np.int32)
        if muni_geoms is not None and mask.any():
            muni = _labels(muni_geoms, grid, window)
            mask &= muni > 0
        if not mask.any():
            continue
        index = np.flatnonzero(mask)
        dem = read_on_grid(refs["dem"], grid, window.grow(max(1, margin)), crs, "bilinear") \
            if "dem" in refs and (bands is not None or (terrain and not {"slope", "aspect"} <= set(refs))) else None
        if terrain:
            slope, aspect = _terrain(refs, grid, window, crs, dem, max(1, margin))
            key = bins.keys(slope.ravel()[index], aspect.ravel()[index])
        else:
            key = np.zeros(index.size, np.int32)
        if user_weather is None:
            region = _labels(region_geoms, grid, window, region_codes).ravel()[index]
        else:
            region = np.zeros(index.size, np.int32)
        rows, cols = np.divmod(index, window.width)
        xs = grid.left + (window.col + cols + 0.5) * grid.resolution_m
        ys = grid.top - (window.row + rows + 0.5) * grid.resolution_m
        for code in np.unique(region):
            sel = region == code
            acc = stats.setdefault(int(code), [0.0, 0.0, 0.0])
            acc[0] += sel.sum()
            acc[1] += xs[sel].sum()
            acc[2] += ys[sel].sum()
        angles = None
        if bands is not None:
            rows, cols = np.divmod(index, window.width)
            angles = horizon_angles(dem, rows + margin, cols + margin, grid.resolution_m, bands.sectors,
                                    settings.horizon_distance_m)
        saved.append(_TileBins(window, index.astype(np.int32), region.astype(np.int16), key.astype(np.int32),
                               muni.ravel()[index].astype(np.int32), angles))
        progress.report(0.3 * (t + 1) / len(tiles), msg("step_terrain_tile", n=t + 1, m=len(tiles)))
    if not saved:
        progress.warning(msg("ground_no_eligible_pixel"))

    # pixels outside every TRY polygon (coarse borders) take the region of the area's centre
    if 0 in stats and user_weather is None:
        n, sx, sy = stats.pop(0)
        fallback = find_try_region(*_to_lonlat(crs, sx / n, sy / n))
        progress.info(msg("solar_try_fallback", area_ha=float(n * grid.pixel_area_ha), code=str(fallback)))
        acc = stats.setdefault(fallback, [0.0, 0.0, 0.0])
        acc[0] += n
        acc[1] += sx
        acc[2] += sy
        for tile in saved:
            tile.region[tile.region == 0] = fallback

    # model each region's bins
    tables: dict[int, np.ndarray] = {}
    beam_tables: dict[int, np.ndarray] = {}
    regions: list[RegionModel] = []
    n_regions = max(1, len(stats))
    for r, (code, (n, sx, sy)) in enumerate(sorted(stats.items())):
        check_cancelled(progress)
        weather = _weather_for(code, user_weather)
        lon, lat = _to_lonlat(crs, sx / n, sy / n)
        used = np.unique(np.concatenate([tile.key[tile.region == code] for tile in saved]))
        sky = prepare_sky(weather, lat, lon, weather.elevation_m if math.isfinite(weather.elevation_m) else 0.0)
        tilt = system.tilt_deg
        if tilt is None:
            tilt = optimal_tilt(sky, system, systems)
        slope_c, aspect_c = bins.centres(used)
        sub = SubProgress(progress, 0.3 + 0.4 * r / n_regions, 0.3 + 0.4 * (r + 1) / n_regions)

        def step(fraction: float, sub: SubProgress = sub, code: int = code) -> None:
            check_cancelled(sub)
            sub.report(fraction, msg("pvlib_region", region=str(code)))

        values = specific_yields(sky, system, systems, slope_c, aspect_c, tilt_deg=tilt, losses_pct=losses,
                                 progress=step, horizon=bands)
        if bands is not None:
            values, beam = values
            beam_tables[code] = np.zeros((bins.size, bands.sectors, bands.n_bands))
            beam_tables[code][used] = beam
        table = np.full(bins.size, np.nan)
        table[used] = values
        tables[code] = table
        flat = float(specific_yields(sky, system, systems, [0.0], [np.nan], tilt_deg=tilt, losses_pct=losses)[0])
        regions.append(RegionModel(str(code) if user_weather is None else "user", weather.name, lat, lon, float(tilt),
                                   int(used.size), flat))
        progress.info(msg("pv_region_yield", weather=weather.name, bins=int(used.size), tilt_deg=float(tilt),
                          yield_kwh_per_kwp=flat))

    # pass 2: write rasters, sum per site and municipality
    site_frame = _read_sites(sites, crs, aoi, names, ids, muni_geoms, settings) if sites is not None else None
    site_tree = shapely.STRtree(np.asarray(site_frame.geometry.values, dtype=object)) \
        if site_frame is not None and len(site_frame) else None
    n_sites = len(site_frame) if site_frame is not None else 0
    site_n = np.zeros(n_sites + 1)
    site_y = np.zeros(n_sites + 1)
    muni_n = np.zeros(len(names) + 1)
    muni_y = np.zeros(len(names) + 1)
    total_n = 0
    total_y = 0.0
    unshaded_y = 0.0
    tags = _tags(systems, system, settings, losses, density, regions)
    px_ha = grid.pixel_area_ha
    by_window = {(tile.window.row, tile.window.col): tile for tile in saved}
    with OutputTransaction() as tx:
        writers = {}
        specs = {"specific_yield": (outputs.specific_yield, "specific yield [kWh/kWp/a]"),
                 "capacity_density": (outputs.capacity_density, "capacity density [MWp/ha]"),
                 "energy_density": (outputs.energy_density, "energy density [MWh/ha/a]")}
        try:
            for name, (path, description) in specs.items():
                if path is not None:
                    writers[name] = open_raster_writer(
                        tx.temp_for(path), grid.width, grid.height, grid.transform, crs, "float32", NODATA,
                        {**tags, "WIP_QUANTITY": description}, description)
            for t, window in enumerate(tiles):
                check_cancelled(progress)
                tile = by_window.get((window.row, window.col))
                empty = np.full(window.height * window.width, NODATA, np.float32)
                if tile is None:
                    for ds in writers.values():
                        ds.write(empty.reshape(window.height, window.width), 1, window=_slices(window))
                    continue
                yields = np.empty(tile.index.size)
                for code in np.unique(tile.region):
                    sel = tile.region == code
                    yields[sel] = tables[int(code)][tile.key[sel]]
                    if bands is not None and tile.horizon is not None:
                        lost = horizon_loss(beam_tables[int(code)], tile.key[sel], tile.horizon[sel], bands.band_deg)
                        unshaded_y += float(yields[sel].sum())
                        yields[sel] -= lost
                values = {"specific_yield": yields, "capacity_density": np.full(yields.size, density),
                          "energy_density": yields * density}
                for name, ds in writers.items():
                    out = empty.copy()
                    out[tile.index] = values[name]
                    ds.write(out.reshape(window.height, window.width), 1, window=_slices(window))
                total_n += tile.index.size
                total_y += float(yields.sum())
                muni_n += np.bincount(tile.muni, minlength=len(names) + 1)
                muni_y += np.bincount(tile.muni, weights=yields, minlength=len(names) + 1)
                if site_tree is not None:
                    idx = site_tree.query(shapely.box(*grid.window_bounds(window)))
                    if idx.size:
                        geoms = site_frame.geometry.values
                        labels = _labels([geoms[i] for i in idx], grid, window, [int(i) + 1 for i in idx])
                        lab = labels.ravel()[tile.index]
                        site_n += np.bincount(lab, minlength=n_sites + 1)
                        site_y += np.bincount(lab, weights=yields, minlength=n_sites + 1)
                progress.report(0.7 + 0.25 * (t + 1) / len(tiles), msg("step_writing_tile", n=t + 1, m=len(tiles)))
        finally:
            for ds in writers.values():
                ds.close()
        check_cancelled(progress)
        site_rows = _site_rows(site_frame, site_n, site_y, px_ha, density, systems.dc_ac_ratio, system.id) \
            if site_frame is not None else []
        if outputs.sites is not None:
            frame = records_frame(site_rows, SITE_FIELDS, [site_frame.geometry.values[i] for i in range(len(site_rows))],
                                  crs, SiteYield)
            write_vector(tx.temp_for(outputs.sites), frame, "solar_sites", "MultiPolygon")
        if outputs.sites_table is not None:
            write_csv(tx.temp_for(outputs.sites_table), SITE_FIELDS,
                         ([getattr(s, f) for f in SITE_FIELDS] for s in site_rows))
        munis = [_municipal(names[i], ids[i], muni_n[i + 1], muni_y[i + 1], px_ha, density, systems.dc_ac_ratio)
                 for i in range(len(names))]
        if outputs.municipalities_table is not None:
            rows = munis + [_municipal("TOTAL", "", total_n, total_y, px_ha, density, systems.dc_ac_ratio)]
            write_csv(tx.temp_for(outputs.municipalities_table), MUNICIPALITY_FIELDS,
                         ([getattr(m, f) for f in MUNICIPALITY_FIELDS] for m in rows))
        check_cancelled(progress)
    progress.report(1.0, msg("step_done"))
    total = _municipal("TOTAL", "", total_n, total_y, px_ha, density, systems.dc_ac_ratio)
    return SolarResult(
        outputs=outputs, system=system.id, capacity_density_mwp_per_ha=density, dc_ac_ratio=systems.dc_ac_ratio,
        losses_pct=losses, eligible_ha=total.eligible_ha, capacity_mwp=total.capacity_mwp,
        capacity_mw=total.capacity_mw, energy_mwh_per_a=total.energy_mwh_per_a,
        mean_yield_kwh_per_kwp=total.yield_kwh_per_kwp, regions=tuple(regions), sites=tuple(site_rows),
        municipalities=tuple(munis), n_bins=sum(r.n_bins for r in regions),
        horizon_loss_pct=100.0 * (1.0 - total_y / unshaded_y) if unshaded_y > 0 else 0.0)


def _municipal(name: str, ags: str, n: float, sum_yield: float, px_ha: float, density: float,
               dc_ac: float) -> MunicipalYield:
    ha = n * px_ha
    mwp = ha * density
    mean = sum_yield / n if n else float("nan")
    return MunicipalYield(name, ags, ha, mwp, mwp / dc_ac, sum_yield * px_ha * density if n else 0.0, mean)


def _read_sites(ref: LayerRef, crs: CRS, aoi: AreaOfInterest | None, names: list[str], ids: list[str],
                muni_geoms: Any, settings: SolarSettings) -> gpd.GeoDataFrame:
    info = layer_info(ref, "candidate sites")
    wanted = ("site_id", "area_id", "name", "ags", "rank", "mean", "municipality")
    cols = tuple(c for c in wanted if c in info.fields)
    if info.feature_count == 0:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)
    frame = read_layer(ref, "candidate sites", crs, columns=cols, invalid=settings.invalid_geometries)
    frame = frame[shapely.area(frame.geometry.values) > 0].reset_index(drop=True)
    key = "site_id" if "site_id" in frame.columns else "area_id" if "area_id" in frame.columns else None
    frame["_id"] = [f"pv-{v}" for v in (frame[key] if key else range(1, len(frame) + 1))]
    if "name" in frame.columns or "municipality" in frame.columns:
        frame["_muni"] = frame["name" if "name" in frame.columns else "municipality"].astype(str)
        frame["_ags"] = frame["ags"].astype(str) if "ags" in frame.columns else ""
    elif muni_geoms is not None:
        tree = shapely.STRtree(muni_geoms)
        points = shapely.point_on_surface(frame.geometry.values)
        inside = tree.query(points, predicate="within")
        muni = [""] * len(frame)
        ags = [""] * len(frame)
        for p, m in zip(*inside):
            muni[p], ags[p] = names[m], ids[m]
        frame["_muni"], frame["_ags"] = muni, ags
    else:
        frame["_muni"], frame["_ags"] = "", ""
    if aoi is not None and aoi.names:
        frame = frame[frame["_muni"].isin(aoi.names)].reset_index(drop=True)
    frame["_rank"] = frame["rank"].astype(int) if "rank" in frame.columns else -1
    frame["_mean"] = frame["mean"].astype(float) if "mean" in frame.columns else float("nan")
    return frame


def _site_rows(frame: gpd.GeoDataFrame, n: np.ndarray, sum_yield: np.ndarray, px_ha: float, density: float,
               dc_ac: float, system_id: str) -> list[SiteYield]:
    rows = []
    for i in range(len(frame)):
        count = n[i + 1]
        ha = count * px_ha
        mwp = ha * density
        rows.append(SiteYield(
            site_id=str(frame["_id"].iloc[i]), municipality=str(frame["_muni"].iloc[i]),
            ags=str(frame["_ags"].iloc[i]), system=system_id,
            area_ha=float(shapely.area(frame.geometry.values[i]) / 10_000.0), eligible_ha=float(ha),
            capacity_mwp=float(mwp), capacity_mw=float(mwp / dc_ac),
            energy_mwh_per_a=float(sum_yield[i + 1] * px_ha * density),
            yield_kwh_per_kwp=float(sum_yield[i + 1] / count) if count else float("nan"),
            suitability_rank=int(frame["_rank"].iloc[i]), suitability_mean=float(frame["_mean"].iloc[i])))
    return rows


def _tags(systems: PvSystems, system: PvSystem, settings: SolarSettings, losses: float, density: float,
          regions: list[RegionModel]) -> dict[str, str]:
    return {
        "WIP_VERSION": wip_version,
        "WIP_PV_PRESET": f"{systems.id} {systems.version} ({systems.origin})",
        "WIP_PV_SYSTEM": system.id,
        "WIP_PV_GCR": f"{system.gcr:g}",
        "WIP_PV_CAPACITY_DENSITY_MWP_PER_HA": f"{density:.4f}",
        "WIP_PV_LOSSES_PCT": f"{losses:.2f}",
        "WIP_PV_DC_AC_RATIO": f"{systems.dc_ac_ratio:g}",
        "WIP_WEATHER": json.dumps({r.region: f"{r.weather}, sun at {r.latitude:.3f}N {r.longitude:.3f}E, "
                                              f"tilt {r.tilt_deg:g}°" for r in regions}, ensure_ascii=False),
        "WIP_BINS": f"slope {settings.slope_step_deg:g}°, aspect {settings.aspect_step_deg:g}°, "
                    f"max {settings.max_slope_deg:g}°, terrain {'on' if settings.use_terrain else 'off'}",
        "WIP_HORIZON": (f"{settings.horizon_sectors} directions up to {settings.horizon_distance_m:g} m"
                        if settings.horizon else "off"),
        "WIP_CREATED": dt.datetime.now().isoformat(timespec="seconds"),
    }


__all__ = ["MUNICIPALITY_FIELDS", "NODATA", "SITE_FIELDS", "MunicipalYield", "OrientationBins", "RegionModel",
           "SiteYield", "SolarOutputs", "SolarResult", "SolarSettings", "capacity_density_mwp_per_ha",
           "resolve_system", "run_solar_potential"]
