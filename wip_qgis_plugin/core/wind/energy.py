"""Annual energy per pixel: the wind yield run (settings, outputs, orchestrator).

:func:`run_wind_yield` writes the rasters [MWh/a], [h/a] and [m/s at hub] and a table per
municipality, tile by tile (GeoTIFF via :mod:`core.data.outputs`, atomically). The wind at hub
height comes from :mod:`.resource` (rasters, or the TRY wind over the roughness of
:mod:`.roughness`), the energy from the lookup table of :mod:`.physics`.

Losses are stated, never hidden (:class:`Losses`): availability, electrical, and a wake
placeholder (until a layout gives the real wake loss, see :mod:`core.wind.layout`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.warp import transform_bounds

from ..data.layers import LayerRef, check_working_crs
from ..data.outputs import OutputTransaction, open_raster_writer, write_csv
from ..data.raster_grid import Grid, Window
from ..data.rasters import RasterRef
from ..defaults import DEFAULT_CRS
from ..eligibility.engine import read_aoi_areas
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from .resource import (
    RESOURCE_DESCRIPTIONS,
    WIND_RASTER_ROLES,
    SiteClimate,
    WindResourceSettings,
    prepare_resource,
    resource_on_window,
    table_for,
)
from .turbines import WindTurbine, load_turbine
from ..messages import msg

NODATA = -9999.0


@dataclass(frozen=True)
class Losses:
    """Energy losses applied to the gross yield, each in [%].

    Attributes
    ----------
    availability_pct : float
        Technical availability loss (downtime). [%]
    electrical_pct : float
        Electrical losses up to the grid connection point. [%]
    wake_pct : float
        Wake loss placeholder for single-pixel yields (a layout replaces it). [%]
    other_pct : float
        Curtailment (bats, noise, shadow flicker) and other losses. [%]
    """

    availability_pct: float = 3.0
    electrical_pct: float = 2.0
    wake_pct: float = 5.0
    other_pct: float = 0.0

    def factor(self, include_wake: bool = True) -> float:
        """Net / gross energy. [-]"""
        parts = [self.availability_pct, self.electrical_pct, self.other_pct] + ([self.wake_pct] if include_wake else [])
        for p in parts:
            if not 0.0 <= p < 100.0:
                raise InputError(f"A loss of {p!r} % is not between 0 and 100 %.")
        return float(np.prod([1.0 - p / 100.0 for p in parts]))

    def describe(self) -> str:
        """The losses in words, for logs and raster metadata."""
        return (f"availability {self.availability_pct:g} %, electrical {self.electrical_pct:g} %, "
                f"wake {self.wake_pct:g} %, other {self.other_pct:g} %")


@dataclass(frozen=True)
class WindYieldOutputs:
    """Destination files; ``None`` skips an output (the energy raster is required).

    Attributes
    ----------
    energy : Path
        Net annual energy per turbine site. [MWh/a]
    full_load_hours : Path or None
        Net full-load hours. [h/a]
    wind_speed : Path or None
        Mean wind speed at hub height. [m/s]
    table : Path or None
        Per-municipality means (CSV).
    """

    energy: Path
    full_load_hours: Path | None = None
    wind_speed: Path | None = None
    table: Path | None = None


@dataclass(frozen=True)
class WindYieldSettings:
    """How to run the yield.

    Attributes
    ----------
    resolution_m : float
        Pixel size. [m]
    crs : str
        Projected working CRS (default :data:`core.defaults.DEFAULT_CRS`).
    hub_height_m : float or None
        Hub height replacing the turbine's. [m]
    losses : Losses
        Stated losses.
    resource : WindResourceSettings
        Weibull k, weather, roughness.
    tile_px : int
        Tile edge. [pixels]
    """

    resolution_m: float = 25.0
    crs: str = DEFAULT_CRS
    hub_height_m: float | None = None
    losses: Losses = field(default_factory=Losses)
    resource: WindResourceSettings = field(default_factory=WindResourceSettings)
    tile_px: int = 1024


@dataclass(frozen=True)
class MunicipalYield:
    """Yield figures of one municipality (pixels whose centre lies inside).

    Attributes
    ----------
    name, ags : str
        Municipality.
    area_ha : float
        Pixel-counted area. [ha]
    mean_wind_speed_m_s, mean_full_load_hours, max_full_load_hours : float
        Means and maximum over its pixels. [m/s], [h/a]
    """

    name: str
    ags: str
    area_ha: float
    mean_wind_speed_m_s: float
    mean_full_load_hours: float
    max_full_load_hours: float


@dataclass(frozen=True)
class WindYieldResult:
    """What :func:`run_wind_yield` computed."""

    turbine: WindTurbine
    resource_model: str
    climate: SiteClimate
    weibull_k: float | None
    losses: Losses
    loss_factor: float
    mean_wind_speed_m_s: float
    mean_full_load_hours: float
    mean_density_kg_m3: float
    municipalities: tuple[MunicipalYield, ...]
    grid: Grid
    outputs: WindYieldOutputs


@dataclass
class _Accumulator:
    n: np.ndarray
    speed: np.ndarray
    flh: np.ndarray
    flh_max: np.ndarray
    rho: float = 0.0
    rho_n: int = 0


def _aoi_frame(aoi: Any, crs: Any):
    """Municipal polygons (dissolved by name) of an AreaOfInterest: names, ags, geometries."""
    return read_aoi_areas(aoi, crs, "error")



def _grid_for(aoi: Any, rasters: Mapping[str, Any], crs: Any, resolution_m: float):
    """The grid and (if an AOI is given) its municipalities."""
    if aoi is not None:
        names, ids, geoms = _aoi_frame(aoi, crs)
        return Grid.aligned(tuple(shapely.total_bounds(geoms)), resolution_m), names, ids, geoms
    wind = [r for r in rasters if r in WIND_RASTER_ROLES]
    if not wind:
        raise InputError("Without a wind speed raster the yield needs an area of interest (municipalities).")
    path = rasters[wind[0]].path if isinstance(rasters[wind[0]], RasterRef) else str(rasters[wind[0]])
    with rasterio.open(path) as src:
        bounds = transform_bounds(src.crs, crs.to_wkt(), *src.bounds, densify_pts=21)
    r = resolution_m
    inner = (bounds[0] + r, bounds[1] + r, bounds[2] - r, bounds[3] - r)  # stay inside the raster
    return Grid.aligned(inner, resolution_m), [], [], np.asarray([], dtype=object)


def run_wind_yield(
    turbine: WindTurbine | str | None,
    aoi: Any,
    rasters: Mapping[str, Any],
    layers: Mapping[str, LayerRef],
    outputs: WindYieldOutputs,
    settings: WindYieldSettings = WindYieldSettings(),
    progress: Progress | None = None,
) -> WindYieldResult:
    """Annual energy, full-load hours and hub-height wind speed per pixel.

    Parameters
    ----------
    turbine : WindTurbine, str or None
        The turbine, or its name for :func:`core.wind.turbines.load_turbine`.
        None: :data:`core.defaults.DEFAULT_TURBINE`.
    aoi : AreaOfInterest or None
        Municipalities; pixels outside are nodata. Without it, the wind raster's extent.
    rasters : mapping
        ``wind_speed_100m``, ``wind_speed_150m`` (one, two or none) and ``dem`` → path or RasterRef.
    layers : mapping of str to LayerRef
        ``landuse`` (and ``water``) for the roughness (models ``log_law`` and ``reference_wind``).
    outputs : WindYieldOutputs
        Destination files.
    settings : WindYieldSettings
        Resolution, CRS, hub height, losses, resource settings.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    WindYieldResult

    Raises
    ------
    InputError
        Bad rasters or layers, unknown turbine.
    Cancelled
        The user cancelled; no output is left behind.
    """
    progress = progress or NullProgress()
    crs = check_working_crs(settings.crs)
    turbine = load_turbine(turbine, settings.hub_height_m)
    hub = turbine.hub_height_m
    progress.report(0.0, msg("step_reading_area_rasters"))
    grid, names, ids, geoms = _grid_for(aoi, rasters, crs, settings.resolution_m)
    model, inp = prepare_resource(hub, rasters, layers, grid, crs, settings.resource)
    climate = inp.climate
    progress.info(msg("energy_turbine_resource", turbine=turbine.describe(), source=RESOURCE_DESCRIPTIONS[model],
                      weather=climate.name))
    table = table_for(turbine, settings.resource, climate)
    loss_factor = settings.losses.factor()
    progress.info(msg("energy_losses", losses=settings.losses.describe(), factor=float(loss_factor)))
    check_cancelled(progress)
    n_m = len(names)
    acc = _Accumulator(np.zeros(n_m + 1), np.zeros(n_m + 1), np.zeros(n_m + 1), np.zeros(n_m + 1))
    tags = {"WIP_TURBINE": turbine.describe(), "WIP_RESOURCE": RESOURCE_DESCRIPTIONS[model],
            "WIP_LOSSES": settings.losses.describe(), "WIP_WEATHER": climate.name,
            "WIP_WEIBULL_K": "raster" if settings.resource.weibull_k_raster else
            f"{settings.resource.weibull_k or climate.weibull_k:.3f}"}
    specs = [(outputs.energy, "energy", "net annual energy per turbine [MWh/a]"),
             (outputs.full_load_hours, "flh", "net full-load hours [h/a]"),
             (outputs.wind_speed, "speed", "mean wind speed at hub height [m/s]")]
    tiles = list(grid.tiles(settings.tile_px))
    with OutputTransaction() as tx:
        writers = {}
        try:
            for path, key, desc in specs:
                if path is not None:
                    writers[key] = open_raster_writer(tx.temp_for(Path(path)), grid.width, grid.height,
                                                         grid.transform, crs, "float32", NODATA,
                                                         tags={**tags, "WIP_UNIT": desc}, description=desc)
            for i, window in enumerate(tiles):
                check_cancelled(progress)
                speed, k, rho = resource_on_window(model, inp, grid, window, crs, hub)
                zone = _zones(geoms, grid, window) if n_m else np.zeros(speed.shape, np.int32)
                inside = (zone > 0) if n_m else np.isfinite(speed)
                gross = table.lookup(speed, k, rho)
                net = gross * loss_factor
                flh = net / turbine.nominal_power_mw
                valid = inside & np.isfinite(net)
                values = {"energy": net, "flh": flh, "speed": speed}
                for key, ds in writers.items():
                    out = np.where(valid, values[key], NODATA).astype(np.float32)
                    ds.write(out, 1, window=((window.row, window.row + window.height),
                                             (window.col, window.col + window.width)))
                _accumulate(acc, zone, valid, speed, flh, rho)
                progress.report(0.05 + 0.9 * (i + 1) / len(tiles), msg("step_computing_yield"))
        finally:
            for ds in writers.values():
                ds.close()
        check_cancelled(progress)
        munis = _municipal_rows(acc, names, ids, grid)
        if outputs.table is not None:
            _write_table(tx.temp_for(Path(outputs.table)), munis, turbine, settings.losses)
    n_all = acc.n.sum()
    progress.report(1.0, msg("step_done"))
    return WindYieldResult(
        turbine=turbine, resource_model=model, climate=climate,
        weibull_k=None if settings.resource.weibull_k_raster else (settings.resource.weibull_k or climate.weibull_k),
        losses=settings.losses, loss_factor=loss_factor,
        mean_wind_speed_m_s=float(acc.speed.sum() / n_all) if n_all else math.nan,
        mean_full_load_hours=float(acc.flh.sum() / n_all) if n_all else math.nan,
        mean_density_kg_m3=acc.rho / acc.rho_n if acc.rho_n else math.nan,
        municipalities=tuple(munis), grid=grid, outputs=outputs)


def _zones(geoms: np.ndarray, grid: Grid, window: Window) -> np.ndarray:
    """1-based municipality index of each pixel centre on a window (0 outside)."""
    return rasterize(((g, i + 1) for i, g in enumerate(geoms)), out_shape=(window.height, window.width),
                     transform=grid.window_transform(window), fill=0, dtype="int32")


def _accumulate(acc: _Accumulator, zone: np.ndarray, valid: np.ndarray, speed: np.ndarray, flh: np.ndarray,
                rho: np.ndarray) -> None:
    z = zone[valid]
    n = acc.n.size
    acc.n += np.bincount(z, minlength=n)
    acc.speed += np.bincount(z, weights=speed[valid], minlength=n)
    acc.flh += np.bincount(z, weights=flh[valid], minlength=n)
    if z.size:
        np.maximum.at(acc.flh_max, z, flh[valid])
        acc.rho += float(rho[valid].sum())
        acc.rho_n += int(z.size)


def _municipal_rows(acc: _Accumulator, names: list[str], ids: list[str], grid: Grid) -> list[MunicipalYield]:
    rows = []
    for i, name in enumerate(names, start=1):
        n = acc.n[i]
        rows.append(MunicipalYield(str(name), str(ids[i - 1]), float(n * grid.pixel_area_ha),
                                   float(acc.speed[i] / n) if n else math.nan,
                                   float(acc.flh[i] / n) if n else math.nan, float(acc.flh_max[i]) if n else math.nan))
    return rows


def _write_table(path: Path, rows: list[MunicipalYield], turbine: WindTurbine, losses: Losses) -> None:
    write_csv(path, ["name", "ags", "area_ha", "mean_wind_speed_m_s", "mean_full_load_hours",
                        "max_full_load_hours", "turbine", "losses"],
                 [[r.name, r.ags, r.area_ha, r.mean_wind_speed_m_s, r.mean_full_load_hours, r.max_full_load_hours,
                   turbine.name or turbine.id, losses.describe()] for r in rows])
