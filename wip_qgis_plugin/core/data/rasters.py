"""Input rasters (elevation, wind speed, soil quality …) read onto the analysis grid.

A *raster role* is what a raster means to the engine (``wind_speed_150m``,
``soil_quality`` …), just as layer roles name vector layers. Any raster in any
CRS is warped onto a window of the analysis grid (:class:`core.data.raster_grid.Grid`):
bilinear for continuous values, nearest for classes and angles — a pixel then takes
the value of the source cell that holds its centre (GDAL's nearest neighbour, the
pixel-centre rule of docs/conventions.md); the source's nodata becomes NaN.
``slope`` and ``aspect`` are derived from ``dem`` when no raster is given for them.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.windows
from pyproj import CRS
from rasterio.enums import Resampling
from rasterio.warp import reproject, transform_bounds

from ..errors import InputError
from .layers import check_working_crs
from .raster_grid import Grid, Window
from .vsi import is_vsi


@dataclass(frozen=True)
class RasterRole:
    """What a raster role holds.

    Attributes
    ----------
    description : str
        Short text for users.
    unit : str
        Unit of the values (canonical unit of ``dimension``).
    dimension : str
        ``length``, ``speed``, ``angle`` or ``points`` (see :mod:`core.catalogue.value_functions`), or
        ``class`` for class codes (land cover), which only exclusion criteria read.
    resampling : str
        ``bilinear`` (continuous values) or ``nearest`` (classes, angles).
    derived_from : str or None
        Role it can be computed from when no raster is given.
    valid_range : tuple of float or None
        Values a raster of the role can hold, in ``unit``; a raster with values outside is refused
        (a wind raster in km/h, a DEM in centimetres …). None: no check (class codes).
    """

    description: str
    unit: str
    dimension: str
    resampling: str
    derived_from: str | None = None
    valid_range: tuple[float, float] | None = None


#: Raster roles a suitability criterion or a raster exclusion criterion may read (``class`` rasters only
#: the latter: a value function cannot score class codes).
RASTER_ROLES: dict[str, RasterRole] = {
    # valid ranges: Germany lies between −3.5 m (Neuendorf-Sachsenbande) and 2,962 m (Zugspitze), the DEM bound
    # leaves room for any European DEM; mean wind speeds above 30 m/s do not occur as annual means anywhere;
    # the Ackerzahl reaches a little over 100 with its climate and terrain bonus.
    "dem": RasterRole("digital elevation model, height above sea level", "m", "length", "bilinear",
                      valid_range=(-500.0, 5000.0)),
    "slope": RasterRole("terrain slope (derived from dem if not given)", "°", "angle", "bilinear", "dem",
                        valid_range=(0.0, 90.0)),
    "aspect": RasterRole("direction the slope faces, clockwise from north (derived from dem if not "
                         "given; NaN on ground flatter than 1°)", "°", "angle", "nearest", "dem",
                         valid_range=(0.0, 360.0)),
    "wind_speed_100m": RasterRole("mean wind speed 100 m above ground (e.g. Global Wind Atlas)",
                                  "m/s", "speed", "bilinear", valid_range=(0.0, 30.0)),
    "wind_speed_150m": RasterRole("mean wind speed 150 m above ground (e.g. Global Wind Atlas)",
                                  "m/s", "speed", "bilinear", valid_range=(0.0, 30.0)),
    "soil_quality": RasterRole("soil quality: Ackerzahl or Soil Quality Rating, 0–100 points",
                               "points", "points", "nearest", valid_range=(0.0, 120.0)),
    "land_cover": RasterRole("land cover classes (CORINE Land Cover, LBM-DE, Copernicus land cover): "
                             "class codes, for exclusion criteria", "class code", "class", "nearest"),
}


@dataclass(frozen=True)
class RasterRef:
    """A raster file and band.

    Parameters
    ----------
    path : str
        File path (GeoTIFF or anything GDAL reads).
    band : int
        Band number (1-based).
    """

    path: str
    band: int = 1

    def describe(self) -> str:
        """Return ``path`` (and the band if not 1)."""
        return f"{self.path} (band {self.band})" if self.band != 1 else str(self.path)


def raster_bounds(ref: RasterRef, role: str, crs: CRS) -> tuple[float, float, float, float]:
    """Check that a raster can be read (file, band, CRS) and return its extent in ``crs``.

    Parameters
    ----------
    ref : RasterRef
        The raster.
    role : str
        Its role, used in messages.
    crs : pyproj.CRS
        The working CRS.

    Returns
    -------
    tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the raster in ``crs``. [m]

    Raises
    ------
    InputError
        Missing file or band, unreadable file, or no CRS (naming the role, the file and the fix).
    """
    if not is_vsi(ref.path) and not Path(ref.path).exists():
        raise InputError(f"Raster for role '{role}': file {ref.path!r} does not exist.")
    try:
        src = rasterio.open(ref.path)
    except rasterio.errors.RasterioIOError as exc:
        hint = (" (a GDAL virtual file system path: check the address and that every machine running the engine "
                "reaches it; /vsis3/ reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_S3_ENDPOINT)"
                if is_vsi(ref.path) else "")
        raise InputError(f"Raster for role '{role}': cannot open {ref.path!r}{hint}: {exc}") from exc
    with src:
        if not 1 <= ref.band <= src.count:
            raise InputError(f"Raster for role '{role}' ({ref.path}) has {src.count} band(s); band {ref.band} "
                             "does not exist.")
        if src.crs is None:
            raise InputError(
                f"Raster for role '{role}' ({ref.path}) has no coordinate reference system. Assign one "
                "(QGIS: Raster → Projections → Assign Projection, or gdal_edit.py -a_srs EPSG:…)."
            )
        return transform_bounds(src.crs, crs.to_wkt(), *src.bounds, densify_pts=21)


def check_raster(ref: RasterRef, role: str, grid: Grid, crs: CRS) -> None:
    """Check that a raster can be read and covers every pixel centre of ``grid``.

    Parameters
    ----------
    ref : RasterRef
        The raster.
    role : str
        Its role, used in messages.
    grid : Grid
        The analysis grid.
    crs : pyproj.CRS
        CRS of the grid.

    Raises
    ------
    InputError
        Missing file or band, no CRS, or an extent that does not cover the grid.
    """
    xmin, ymin, xmax, ymax = raster_bounds(ref, role, crs)
    half = grid.resolution_m / 2.0
    gx0, gy0, gx1, gy1 = grid.bounds
    need = (gx0 + half, gy0 + half, gx1 - half, gy1 - half)
    if xmin > need[0] or ymin > need[1] or xmax < need[2] or ymax < need[3]:
        raise InputError(
            f"Raster for role '{role}' ({ref.path}) does not cover the area of interest: it spans "
            f"{xmin:.0f}, {ymin:.0f} – {xmax:.0f}, {ymax:.0f}, the area needs {need[0]:.0f}, {need[1]:.0f} – "
            f"{need[2]:.0f}, {need[3]:.0f} (in {crs.to_string()}). Use a raster of the whole area."
        )
    check_plausible(ref, role, grid.bounds, crs)


#: Most pixels read (per side) to check a raster's values over the area: a decimated read, not the whole raster.
_CHECK_PX = 1024


def check_plausible(ref: RasterRef, role: str, bounds: tuple[float, float, float, float], crs: CRS) -> None:
    """Refuse a raster whose values over ``bounds`` (working CRS) are all nodata or outside its role's range.

    Raises
    ------
    InputError
        Naming the file, the values found, the expected range and the likely cause (km/h, centimetres …).
    """
    spec = RASTER_ROLES.get(role)
    if spec is None or spec.dimension == "class":
        return
    with rasterio.open(ref.path) as src:
        box = transform_bounds(crs, src.crs, *bounds, densify_pts=21)
        window = rasterio.windows.from_bounds(*box, transform=src.transform).round_offsets().round_lengths()
        window = window.intersection(rasterio.windows.Window(0, 0, src.width, src.height))
        scale = max(1.0, max(window.width, window.height) / _CHECK_PX)
        shape = (max(1, int(window.height / scale)), max(1, int(window.width / scale)))
        data = src.read(ref.band, window=window, out_shape=shape, masked=True, resampling=Resampling.nearest)
    values = np.ma.masked_invalid(data.astype("float64")).compressed()
    if values.size == 0:
        raise InputError(f"Raster for role '{role}' ({ref.path}) holds no data over the area of interest (every "
                         "pixel is nodata): check its nodata value and that it is the right raster for this area.")
    if spec.valid_range is None:
        return
    lo, hi = float(values.min()), float(values.max())
    low, high = spec.valid_range
    if lo < low or hi > high:
        hint = ""
        if spec.dimension == "speed" and hi > high and hi <= 3.6 * high:
            hint = " In km/h? Divide by 3.6."
        elif spec.dimension == "length" and hi > high:
            hint = " In centimetres or decimetres? Convert to metres."
        elif lo < low and spec.dimension in ("speed", "length", "points"):
            hint = " A nodata value that is not declared as such? Set it (GDAL: gdal_edit.py -a_nodata)."
        raise InputError(f"Raster for role '{role}' ({ref.path}) has values from {lo:,.4g} to {hi:,.4g} {spec.unit} "
                         f"over the area of interest; a {spec.description} lies between {low:,.4g} and {high:,.4g} "
                         f"{spec.unit}.{hint}")


def eligibility_grid(path: Path | str) -> tuple[Grid, CRS]:
    """The analysis grid and working CRS of an eligibility raster written before.

    The stages that build on an eligibility run (suitability, solar) work on its grid.

    Parameters
    ----------
    path : path
        The eligibility GeoTIFF.

    Returns
    -------
    (Grid, pyproj.CRS)
        Its grid and its CRS (checked as a working CRS, see :func:`.layers.check_working_crs`).

    Raises
    ------
    InputError
        The file does not exist, has no CRS, is not north-up with square pixels, or its CRS is not
        a projected CRS in metres.
    """
    if not is_vsi(path) and not Path(path).exists():
        raise InputError(f"Eligibility raster {str(path)!r} does not exist; run the eligibility analysis first.")
    with rasterio.open(path) as ds:
        if ds.crs is None:
            raise InputError(f"Eligibility raster {str(path)!r} has no CRS.")
        t = ds.transform
        if t.b != 0 or t.d != 0 or not math.isclose(t.a, -t.e):
            raise InputError(f"Eligibility raster {str(path)!r} is not a north-up grid with square pixels.")
        return Grid(t.c, t.f, t.a, ds.width, ds.height), check_working_crs(ds.crs.to_wkt())


def read_on_grid(
    ref: RasterRef, grid: Grid, window: Window, crs: CRS, resampling: str = "bilinear"
) -> np.ndarray:
    """Warp a raster onto a window of the analysis grid.

    Parameters
    ----------
    ref : RasterRef
        The raster (any CRS).
    grid : Grid
        The analysis grid.
    window : Window
        The window to fill (may reach off the grid).
    crs : pyproj.CRS
        CRS of the grid.
    resampling : str
        ``bilinear`` or ``nearest`` (a :class:`rasterio.enums.Resampling` name).

    Returns
    -------
    numpy.ndarray
        ``float32`` array of the window's shape; nodata and uncovered pixels are NaN.
    """
    out = np.full((window.height, window.width), np.nan, dtype=np.float32)
    with rasterio.open(ref.path) as src:
        src_nodata = src.nodatavals[ref.band - 1]
        reproject(
            source=rasterio.band(src, ref.band), destination=out,
            src_crs=src.crs, src_nodata=src_nodata,
            dst_transform=grid.window_transform(window), dst_crs=crs.to_wkt(), dst_nodata=np.nan,
            resampling=Resampling[resampling],
        )
    return out


def _gradients(dem: np.ndarray, resolution_m: float) -> tuple[np.ndarray, np.ndarray]:
    """East and north components of the elevation gradient. [m/m]"""
    d_row, d_col = np.gradient(dem.astype(np.float64), resolution_m)
    return d_col, -d_row  # rows run north to south


def slope_deg(dem: np.ndarray, resolution_m: float) -> np.ndarray:
    """Terrain slope from elevations on a north-up grid. [°]

    Central differences inside, one-sided at the edges (``numpy.gradient``).

    Parameters
    ----------
    dem : numpy.ndarray
        Elevations, rows north to south. [m]
    resolution_m : float
        Pixel size. [m]

    Returns
    -------
    numpy.ndarray
        ``float32`` slope in [0, 90). NaN where a neighbour is NaN.
    """
    if dem.size == 0:
        return np.zeros(dem.shape, np.float32)
    gx, gy = _gradients(dem, resolution_m)
    return np.degrees(np.arctan(np.hypot(gx, gy))).astype(np.float32)


#: Ground flatter than this has no aspect (modelling assumption: on such slopes the
#: direction hardly matters and DEM noise decides it). [°]
FLAT_SLOPE_DEG = 1.0


def aspect_deg(dem: np.ndarray, resolution_m: float, flat_slope_deg: float = FLAT_SLOPE_DEG) -> np.ndarray:
    """Direction the terrain faces (downslope), clockwise from north. [°]

    0 = north, 90 = east, 180 = south, 270 = west; NaN on flat ground.

    Parameters
    ----------
    dem : numpy.ndarray
        Elevations, rows north to south. [m]
    resolution_m : float
        Pixel size. [m]
    flat_slope_deg : float
        Pixels with a slope below this are flat (NaN); 0 marks only a zero gradient. [°]

    Returns
    -------
    numpy.ndarray
        ``float32`` aspect in [0, 360), NaN where flat or where a neighbour is NaN.
    """
    if dem.size == 0:
        return np.zeros(dem.shape, np.float32)
    gx, gy = _gradients(dem, resolution_m)
    out = np.mod(np.degrees(np.arctan2(-gx, -gy)), 360.0)
    grad = np.hypot(gx, gy)
    out[(grad == 0) | (grad < np.tan(np.radians(flat_slope_deg)))] = np.nan
    return out.astype(np.float32)


#: Derivations of roles computed from another role's values: f(values, resolution_m).
DERIVED: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {"slope": slope_deg, "aspect": aspect_deg}


def sources_for(role: str, rasters: Mapping[str, RasterRef]) -> tuple[str, RasterRef]:
    """The raster a role is read from: its own, or the one it derives from.

    Returns
    -------
    (str, RasterRef)
        The role actually read and its raster.

    Raises
    ------
    InputError
        If neither the role nor its source role has a raster.
    """
    if role in rasters:
        return role, rasters[role]
    base = RASTER_ROLES[role].derived_from if role in RASTER_ROLES else None
    if base is not None and base in rasters:
        return base, rasters[base]
    alt = f" or a '{base}' raster to derive it from" if base else ""
    raise InputError(f"The suitability criteria need a raster for role '{role}'{alt}; none was given.")


def role_values(
    role: str, rasters: Mapping[str, RasterRef], grid: Grid, window: Window, crs: CRS
) -> np.ndarray:
    """Values of a raster role on a window of the grid, derived from ``dem`` if needed.

    Parameters
    ----------
    role : str
        A key of :data:`RASTER_ROLES`.
    rasters : mapping of str to RasterRef
        Rasters by role.
    grid, window : Grid, Window
        Where to read.
    crs : pyproj.CRS
        CRS of the grid.

    Returns
    -------
    numpy.ndarray
        ``float32`` values in the role's unit; NaN where unknown.
    """
    read_role, ref = sources_for(role, rasters)
    if read_role == role:
        return read_on_grid(ref, grid, window, crs, RASTER_ROLES[role].resampling)
    grown = window.grow(1)  # one pixel more for the central differences at the edges
    base = read_on_grid(ref, grid, grown, crs, RASTER_ROLES[read_role].resampling)
    # the ring outside the window may lie beyond the raster: repeat the edge there
    base = np.where(np.isnan(base), np.pad(base[1:-1, 1:-1], 1, mode="edge"), base)
    return DERIVED[role](base, grid.resolution_m)[1:-1, 1:-1]
