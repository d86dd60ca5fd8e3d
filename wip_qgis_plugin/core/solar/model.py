"""The PV yield kernel: annual specific yield [kWh/kWp/a] of many orientations on one weather year.

The chain is pvlib's PVWatts chain, the one ``pvlib.modelchain.ModelChain.with_pvwatts`` runs,
written as plain pvlib function calls so that many orientations share one solar position and
run as one array operation:

1. solar position at the representative instants of the weather (``Weather.solar_times``), with
   the weather's pressure and air temperature (``pvlib.solarposition.get_solarposition``);
2. plane-of-array irradiance (``pvlib.irradiance.get_total_irradiance``, Hay–Davies sky
   diffuse, albedo of the preset);
3. incidence-angle modifier on the beam (``pvlib.iam.physical``);
4. cell temperature (``pvlib.temperature.sapm_cell``, parameter set of the system type);
5. DC power (``pvlib.pvsystem.pvwatts_dc``), times ``1 − pvwatts_losses / 100``;
6. AC power (``pvlib.inverter.pvwatts``; inverter rated ``1 / dc_ac_ratio`` kW AC per kWp).

Specific yield = annual AC energy per kWp of DC capacity. Bifacial systems add
``bifaciality × rear_factor × rear-plane irradiance`` to the effective irradiance.

Terrain: the racks follow the ground (modelling assumption). The rack's orientation is defined
on level ground and rotated with the ground's normal (slope, aspect): a 25° south rack on a 5°
south slope faces 30° south, on a 5° north slope 20° south; east/west slopes turn it a little.
Row shading: the PVWatts ``shading`` loss item stands for the rows' shading on level ground; on
a slope, fixed racks gain or lose the difference of the geometric beam shading between the
slope and level ground (:func:`row_shaded_fraction`): rows on a slope falling towards the sun
shade each other less, on a slope rising towards it more. Trackers put their axis along the ground (axis tilt from the north–south component of the slope,
cross-axis tilt from the east–west component, for backtracking).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.pvlib_shim import pvlib_module
from .systems import PVSYST_MODELS, PvSystem, PvSystems
from ..data.weather import Weather, dni_from_beam_and_zenith

#: Orientations evaluated at once (memory: chunk × hours × 8 bytes per array).
CHUNK = 64


@dataclass(frozen=True)
class Sky:
    """Weather and sun of one site, shared by every orientation.

    Attributes are numpy arrays over the hours: ``ghi, dni, dhi`` [W/m²], ``temp_air`` [°C],
    ``wind_speed`` [m/s], ``zenith`` (apparent) and ``azimuth`` [°], ``dni_extra`` [W/m²];
    ``years`` the length of the record [a].
    """

    latitude: float
    longitude: float
    ghi: np.ndarray
    dni: np.ndarray
    dhi: np.ndarray
    temp_air: np.ndarray
    wind_speed: np.ndarray
    zenith: np.ndarray
    azimuth: np.ndarray
    dni_extra: np.ndarray
    years: float


def prepare_sky(weather: Weather, latitude: float, longitude: float, elevation_m: float = 0.0) -> Sky:
    """Solar position and weather arrays for a site.

    Parameters
    ----------
    weather : Weather
        Hourly weather (its ``solar_times`` give the instants for the sun).
    latitude, longitude : float
        Site [°].
    elevation_m : float
        Site elevation [m] (only used where the weather has no pressure).
    """
    pvlib = pvlib_module()

    times = weather.solar_times()
    d = weather.data
    position = pvlib.solarposition.get_solarposition(
        times, latitude, longitude, altitude=elevation_m, pressure=d["pressure"].to_numpy(),
        temperature=d["temp_air"].to_numpy(), method="nrel_numpy")
    # dni_extra as pvlib.pvsystem.PVSystem.get_irradiance computes it
    dni_extra = pvlib.irradiance.get_extra_radiation(times)
    dni = d["dni"].to_numpy(float)
    if weather.dni_derived:  # the measured beam on the horizontal, turned into DNI with the sun here, not at the station
        beam = np.clip(d["ghi"].to_numpy(float) - d["dhi"].to_numpy(float), 0.0, None)
        dni = dni_from_beam_and_zenith(beam, position["apparent_zenith"].to_numpy(float), times)
    return Sky(float(latitude), float(longitude), d["ghi"].to_numpy(float), dni,
               d["dhi"].to_numpy(float), d["temp_air"].to_numpy(float), d["wind_speed"].to_numpy(float),
               position["apparent_zenith"].to_numpy(float), position["azimuth"].to_numpy(float),
               np.asarray(dni_extra, dtype=float), weather.years)


# ----------------------------------------------------------------------------- geometry

def _unit_normal(tilt_deg: np.ndarray, azimuth_deg: np.ndarray) -> np.ndarray:
    t, a = np.radians(tilt_deg), np.radians(azimuth_deg)
    return np.stack([np.sin(t) * np.sin(a), np.sin(t) * np.cos(a), np.cos(t)], axis=-1)


def _tilt_azimuth(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tilt = np.degrees(np.arccos(np.clip(normal[..., 2], -1.0, 1.0)))
    azimuth = np.mod(np.degrees(np.arctan2(normal[..., 0], normal[..., 1])), 360.0)
    return tilt, azimuth


def on_terrain(tilt_deg: np.ndarray | float, azimuth_deg: np.ndarray | float,
               slope_deg: np.ndarray | float, aspect_deg: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Orientation of a plane defined on level ground after the ground is tilted (racks follow it).

    The plane's normal is rotated by the rotation that takes the vertical onto the ground's
    normal (about the horizontal axis perpendicular to the aspect, by the slope).

    Parameters
    ----------
    tilt_deg, azimuth_deg : array-like
        Orientation on level ground [°] (azimuth clockwise from north).
    slope_deg, aspect_deg : array-like
        Terrain slope [°] and the direction it faces (downhill) [°]; aspect NaN means flat.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Effective tilt [0, 180] and azimuth [0, 360) [°].
    """
    tilt, azimuth, slope, aspect = np.broadcast_arrays(
        np.asarray(tilt_deg, float), np.asarray(azimuth_deg, float), np.asarray(slope_deg, float),
        np.asarray(aspect_deg, float))
    slope = np.where(np.isnan(aspect), 0.0, slope)
    aspect = np.nan_to_num(aspect, nan=180.0)
    n = _unit_normal(tilt, azimuth)
    s, a = np.radians(slope), np.radians(aspect)
    # rotation axis: vertical × ground normal, horizontal and perpendicular to the aspect
    k = np.stack([-np.cos(a), np.sin(a), np.zeros_like(a)], axis=-1)
    cos_s, sin_s = np.cos(s)[..., None], np.sin(s)[..., None]
    k_cross_n = np.cross(k, n)
    k_dot_n = np.sum(k * n, axis=-1, keepdims=True)
    rotated = n * cos_s + k_cross_n * sin_s + k * k_dot_n * (1.0 - cos_s)
    return _tilt_azimuth(rotated)


def tracker_axis(slope_deg: float, aspect_deg: float) -> tuple[float, float, float]:
    """Axis of a north–south tracker row laid along the ground.

    Returns
    -------
    (float, float, float)
        ``axis_tilt`` [°, ≥ 0], ``axis_azimuth`` [°, 180 or 0: the lower end], ``cross_axis_tilt``
        [°, pvlib's right-handed convention].
    """
    if not math.isfinite(aspect_deg) or slope_deg <= 0:
        return 0.0, 180.0, 0.0
    t = math.tan(math.radians(slope_deg))
    down_south = t * math.cos(math.radians(aspect_deg - 180.0))
    down_east = t * math.sin(math.radians(aspect_deg))
    if down_south >= 0:
        return math.degrees(math.atan(down_south)), 180.0, math.degrees(math.atan(-down_east))
    return math.degrees(math.atan(-down_south)), 0.0, math.degrees(math.atan(down_east))


# ----------------------------------------------------------------------------- the chain

def _poa(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, albedo: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plane-of-array global, effective (beam × IAM + diffuse) and diffuse irradiance [W/m²].

    ``tilt``/``azimuth`` are (k, 1) or (k, hours) arrays; the results are (k, hours).
    """
    pvlib = pvlib_module()

    irr = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, sky.zenith, sky.azimuth, sky.dni, sky.ghi, sky.dhi, dni_extra=sky.dni_extra,
        albedo=albedo, model="haydavies")
    aoi = pvlib.irradiance.aoi(tilt, azimuth, sky.zenith, sky.azimuth)
    direct = np.nan_to_num(np.asarray(irr["poa_direct"], float))
    diffuse = np.nan_to_num(np.asarray(irr["poa_diffuse"], float))
    iam = np.nan_to_num(np.asarray(pvlib.iam.physical(aoi), float))
    return direct + diffuse, direct * iam + diffuse, diffuse


def _beam_dependent_diffuse(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, albedo: float) -> np.ndarray:
    """The part of the diffuse irradiance that goes with the beam [W/m²] (for horizon shading).

    With the sun behind the horizon the Hay–Davies circumsolar term ``dhi·AI·Rb`` becomes
    isotropic (``dhi·AI·(1 + cos β)/2``) and the ground no longer reflects the beam
    (``albedo·(ghi − dhi)·(1 − cos β)/2``): the difference, as pvlib.irradiance.haydavies writes it.
    """
    pvlib = pvlib_module()

    cos_aoi = np.maximum(pvlib.irradiance.aoi_projection(tilt, azimuth, sky.zenith, sky.azimuth), 0.0)
    rb = cos_aoi / np.maximum(np.cos(np.radians(sky.zenith)), 0.01745)
    ai = sky.dni / sky.dni_extra
    cos_tilt = np.cos(np.radians(tilt))
    circumsolar = sky.dhi * ai * (rb - 0.5 * (1.0 + cos_tilt))
    ground = albedo * (sky.ghi - sky.dhi) * 0.5 * (1.0 - cos_tilt)
    return np.nan_to_num(np.maximum(circumsolar, 0.0) + ground)


def dc_power(sky: Sky, effective: np.ndarray, poa_global: np.ndarray, systems: PvSystems,
              temperature_model: str, losses_pct: float) -> np.ndarray:
    """Hourly DC power per kWp DC [kW/kWp] of each row of ``effective`` [W/m²], after the DC losses."""
    pvlib = pvlib_module()

    if temperature_model in PVSYST_MODELS:  # heat-loss factors (floating PV), module efficiency from its power
        temp_cell = pvlib.temperature.pvsyst_cell(poa_global, sky.temp_air, sky.wind_speed,
                                                  module_efficiency=systems.module_w_per_m2 / 1000.0,
                                                  **PVSYST_MODELS[temperature_model])
    else:
        params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][temperature_model]
        temp_cell = pvlib.temperature.sapm_cell(poa_global, sky.temp_air, sky.wind_speed, **params)
    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, 1.0, systems.gamma_pdc)  # kW per kWp
    return np.asarray(pdc, float) * (1.0 - losses_pct / 100.0)


def _inverter(pdc: np.ndarray, systems: PvSystems) -> np.ndarray:
    """AC power [kW/kWp] of the DC power ``pdc`` [kW/kWp] (PVWatts inverter at the preset's DC/AC ratio)."""
    pvlib = pvlib_module()

    pac0 = 1.0 / systems.dc_ac_ratio
    pac = pvlib.inverter.pvwatts(pdc, pac0 / systems.inverter_efficiency, systems.inverter_efficiency)
    return np.nan_to_num(np.clip(np.asarray(pac, float), 0.0, None))


def _ac_power(sky: Sky, effective: np.ndarray, poa_global: np.ndarray, systems: PvSystems,
              temperature_model: str, losses_pct: float) -> np.ndarray:
    """Hourly AC power per kWp DC [kW/kWp] of each row of ``effective`` [W/m²]."""
    return _inverter(dc_power(sky, effective, poa_global, systems, temperature_model, losses_pct), systems)


def _planes_ac_power(sky: Sky, planes: Planes, systems: PvSystems, temperature_model: str,
                     losses_pct: float) -> np.ndarray:
    """Hourly AC power per kWp DC [kW/kWp] of each orientation of ``planes``.

    Arrays of their own (the two halves of an east–west rack) each go through the cell temperature and the DC
    model with their own irradiance; their DC power meets at the one inverter (each half is half the capacity).
    """
    if not planes.arrays:
        return _ac_power(sky, planes.effective, planes.poa, systems, temperature_model, losses_pct)
    share = 1.0 / len(planes.arrays)
    pdc = sum(share * dc_power(sky, eff, poa, systems, temperature_model, losses_pct) for eff, poa in planes.arrays)
    return _inverter(pdc, systems)


def hourly_output(weather: Weather, latitude: float, longitude: float, system: PvSystem, systems: PvSystems,
                  slope_deg: float = 0.0, aspect_deg: float = float("nan"), tilt_deg: float | None = None,
                  losses_pct: float | None = None) -> pd.Series:
    """Hourly AC output of one kWp of a system type on ground of one orientation [kW/kWp].

    For load-balance and profile steps: the same chain as :func:`specific_yields` (its sum over
    a year is the specific yield), indexed like ``weather.data`` (UTC, hour-ending labels for
    the TRY: the energy of the hour ending at the label, in kWh per kWp).
    """
    sky = prepare_sky(weather, latitude, longitude, weather.elevation_m if math.isfinite(weather.elevation_m) else 0.0)
    if tilt_deg is None:
        tilt_deg = system.tilt_deg if system.tilt_deg is not None else optimal_tilt(sky, system, systems)
    losses = systems.total_loss_pct() if losses_pct is None else float(losses_pct)
    planes = MOUNTINGS[system.mounting](sky, system, systems, float(tilt_deg), np.array([slope_deg], float),
                                        np.array([aspect_deg], float))
    power = _planes_ac_power(sky, planes, systems, system.temperature_model, losses)[0]
    return pd.Series(power, index=weather.data.index, name="ac_kw_per_kwp")


def _ac_energy(sky: Sky, effective: np.ndarray, poa_global: np.ndarray, systems: PvSystems,
               temperature_model: str, losses_pct: float) -> np.ndarray:
    """Annual AC energy per kWp DC [kWh/kWp/a] of each row of ``effective`` [W/m²]."""
    return _ac_power(sky, effective, poa_global, systems, temperature_model, losses_pct).sum(axis=-1) / sky.years


def row_shaded_fraction(sky: Sky, tilt_deg: float, azimuth_deg: float, gcr: float,
                        ground_rise_deg: np.ndarray) -> np.ndarray:
    """Share of the module height in the beam shadow of the row in front (2-D rows) [-].

    ``1 − sin(α + θ) / (gcr · sin(α + θ + β))`` clipped to [0, 1], with α the sun's elevation
    in the plane perpendicular to the rows (profile angle), β the tilt of the modules on the
    ground and θ the slope of the ground falling away in the direction the modules face
    (positive: the next row stands lower). Zero when the sun is behind the rows or down.

    Parameters
    ----------
    sky : Sky
    tilt_deg, azimuth_deg : float
        Module tilt relative to the ground and the direction the rows face [°].
    gcr : float
        Ground coverage ratio along the ground [-].
    ground_rise_deg : numpy.ndarray
        θ per orientation, shape (k,) [°].

    Returns
    -------
    numpy.ndarray
        (k, hours) shaded fraction.
    """
    elevation = np.radians(90.0 - sky.zenith)
    facing = np.cos(np.radians(sky.azimuth - azimuth_deg))
    up = (elevation > 0) & (facing > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = np.where(up, np.arctan2(np.tan(elevation), facing), np.pi / 2)
    alpha = profile[None, :] + np.radians(ground_rise_deg)[:, None]
    beta = math.radians(tilt_deg)
    with np.errstate(divide="ignore", invalid="ignore"):
        lit = np.sin(alpha) / (gcr * np.sin(alpha + beta))
    shaded = np.clip(1.0 - np.nan_to_num(lit, nan=1.0), 0.0, 1.0)
    shaded[:, ~up] = 0.0
    return np.where(alpha <= 0, 1.0, shaded) * up[None, :]


@dataclass(frozen=True)
class Planes:
    """Irradiance on the modules of k orientations, (k, hours) arrays [W/m²].

    ``effective`` is what the DC model converts (beam × IAM + diffuse, plus the bifacial rear
    gain), ``poa`` what heats the cells, ``beam`` the part of ``effective`` the horizon takes
    away when it hides the sun (front beam × IAM and the beam-dependent diffuse). ``arrays``, where a
    rack has parts facing different ways (east–west), holds ``(effective, poa)`` of each part: they are
    modelled apart up to the inverter (``effective`` and ``poa`` are then their means).
    """

    effective: np.ndarray
    poa: np.ndarray
    beam: np.ndarray
    arrays: tuple[tuple[np.ndarray, np.ndarray], ...] = ()


def _fixed(sky: Sky, system: PvSystem, systems: PvSystems, tilt: float, slope: np.ndarray,
           aspect: np.ndarray) -> Planes:
    t, a = on_terrain(tilt, system.azimuth_deg, slope, aspect)
    poa, eff, diffuse = _poa(sky, t[:, None], a[:, None], systems.albedo)
    beam = eff - diffuse
    extra_diffuse = _beam_dependent_diffuse(sky, t[:, None], a[:, None], systems.albedo)
    # the PVWatts shading item stands for row shading on level ground: on a slope, add the
    # difference of the geometric beam shading on the slope and on level ground
    fall = np.where(np.isnan(aspect), 0.0, np.degrees(np.arctan(
        np.tan(np.radians(np.nan_to_num(slope))) * np.cos(np.radians(np.nan_to_num(aspect) - system.azimuth_deg)))))
    if np.any(fall != 0):
        extra = (row_shaded_fraction(sky, tilt, system.azimuth_deg, system.gcr, fall)
                 - row_shaded_fraction(sky, tilt, system.azimuth_deg, system.gcr, np.zeros(1)))
        beam = beam * np.clip(1.0 - extra, 0.0, None)
        eff = diffuse + beam
    if system.bifaciality > 0:
        rear, _, _ = _poa(sky, (180.0 - t)[:, None], np.mod(a + 180.0, 360.0)[:, None], systems.albedo)
        gain = system.bifaciality * system.rear_factor * rear
        eff, poa = eff + gain, poa + gain
    return Planes(eff, poa, beam + extra_diffuse)


def _east_west(sky: Sky, system: PvSystem, systems: PvSystems, tilt: float, slope: np.ndarray,
               aspect: np.ndarray) -> Planes:
    halves = []
    extra = 0.0
    for azimuth in (system.azimuth_deg, system.azimuth_deg + 180.0):
        t, a = on_terrain(tilt, azimuth, slope, aspect)
        halves.append(_poa(sky, t[:, None], a[:, None], systems.albedo))
        extra = extra + 0.5 * _beam_dependent_diffuse(sky, t[:, None], a[:, None], systems.albedo)
    # one inverter for both halves: half the capacity faces each way, each half with its own cell temperature
    poa = 0.5 * (halves[0][0] + halves[1][0])
    eff = 0.5 * (halves[0][1] + halves[1][1])
    diffuse = 0.5 * (halves[0][2] + halves[1][2])
    return Planes(eff, poa, eff - diffuse + extra, arrays=((halves[0][1], halves[0][0]), (halves[1][1], halves[1][0])))


def _vertical_bifacial(sky: Sky, system: PvSystem, systems: PvSystems, tilt: float, slope: np.ndarray,
                       aspect: np.ndarray) -> Planes:
    t, a = on_terrain(tilt, system.azimuth_deg, slope, aspect)
    poa, eff, diffuse = _poa(sky, t[:, None], a[:, None], systems.albedo)
    rear, _, _ = _poa(sky, (180.0 - t)[:, None], np.mod(a + 180.0, 360.0)[:, None], systems.albedo)
    gain = system.bifaciality * system.rear_factor * rear
    extra = _beam_dependent_diffuse(sky, t[:, None], a[:, None], systems.albedo)
    return Planes(eff + gain, poa + gain, eff - diffuse + extra)


def _single_axis(sky: Sky, system: PvSystem, systems: PvSystems, tilt: float, slope: np.ndarray,
                 aspect: np.ndarray) -> Planes:
    pvlib = pvlib_module()

    tilts, azimuths = [], []
    for s, asp in zip(slope, aspect):
        axis_tilt, axis_azimuth, cross = tracker_axis(float(s), float(asp))
        track = pvlib.tracking.singleaxis(sky.zenith, sky.azimuth, axis_tilt=axis_tilt,
                                          axis_azimuth=axis_azimuth, max_angle=system.max_angle_deg,
                                          backtrack=True, gcr=system.gcr, cross_axis_tilt=cross)
        # stowed flat at night (pvlib gives NaN there)
        tilts.append(np.nan_to_num(np.asarray(track["surface_tilt"], float), nan=0.0))
        azimuths.append(np.nan_to_num(np.asarray(track["surface_azimuth"], float), nan=180.0))
    poa, eff, diffuse = _poa(sky, np.array(tilts), np.array(azimuths), systems.albedo)
    extra = _beam_dependent_diffuse(sky, np.array(tilts), np.array(azimuths), systems.albedo)
    return Planes(eff, poa, eff - diffuse + extra)


#: Irradiance models by mounting kind: f(sky, system, systems, tilt, slopes, aspects) -> Planes.
MOUNTINGS: dict[str, Callable[..., Planes]] = {
    "fixed": _fixed,
    "east_west": _east_west,
    "vertical_bifacial": _vertical_bifacial,
    "single_axis": _single_axis,
}


@dataclass(frozen=True)
class HorizonBands:
    """Where the sun stands, for horizon shading: azimuth sectors × elevation bands.

    Sector k is centred on ``k · 360 / sectors`` degrees; band m spans
    ``[m · band_deg, (m + 1) · band_deg)`` of solar elevation, the last band reaching 90°.
    """

    sectors: int = 16
    band_deg: float = 1.0
    max_deg: float = 45.0

    @property
    def n_bands(self) -> int:
        return int(math.ceil(self.max_deg / self.band_deg))

    def cells(self, sky: Sky) -> np.ndarray:
        """Flat (sector, band) cell of each hour; -1 with the sun down or above ``max_deg``."""
        elevation = 90.0 - sky.zenith
        width = 360.0 / self.sectors
        sector = (np.floor(np.mod(sky.azimuth + width / 2.0, 360.0) / width).astype(int)) % self.sectors
        band = np.floor(elevation / self.band_deg).astype(int)
        ok = (elevation > 0) & (band < self.n_bands)
        return np.where(ok, sector * self.n_bands + np.clip(band, 0, self.n_bands - 1), -1)


def specific_yields(sky: Sky, system: PvSystem, systems: PvSystems, slope_deg: Sequence[float],
                    aspect_deg: Sequence[float], tilt_deg: float | None = None,
                    losses_pct: float | None = None, progress: Callable[[float], None] | None = None,
                    horizon: HorizonBands | None = None) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Annual specific yield of a system type on ground of each (slope, aspect).

    Parameters
    ----------
    sky : Sky
        From :func:`prepare_sky`.
    system : PvSystem
        The system type.
    systems : PvSystems
        Module, inverter, albedo and losses.
    slope_deg, aspect_deg : sequence of float
        Ground orientations [°]; aspect NaN = flat.
    tilt_deg : float, optional
        Rack tilt on level ground [°]; default: the system's tilt (its optimum if it has none:
        :func:`optimal_tilt`).
    losses_pct : float, optional
        Combined DC loss [%]; default: the preset's items combined (pvwatts_losses).
    progress : callable, optional
        Called with the fraction done after each chunk; may raise to stop.
    horizon : HorizonBands, optional
        Also return, per orientation, the yield the beam brings while the sun stands in each
        (sector, band) cell: ``(n, sectors, bands)`` [kWh/kWp/a]. It is the cell's share of the
        effective irradiance times the orientation's yield per effective irradiance
        (linearised: the inverter's clipping and the cell temperature are taken as unchanged).

    Returns
    -------
    numpy.ndarray, or (numpy.ndarray, numpy.ndarray) with ``horizon``
        Specific yield [kWh/kWp/a] per orientation (and the beam yield table).
    """
    slope = np.asarray(slope_deg, dtype=float).ravel()
    aspect = np.asarray(aspect_deg, dtype=float).ravel()
    if tilt_deg is None:
        tilt_deg = system.tilt_deg if system.tilt_deg is not None else optimal_tilt(sky, system, systems)
    losses = systems.total_loss_pct() if losses_pct is None else float(losses_pct)
    model = MOUNTINGS[system.mounting]
    out = np.empty(slope.size)
    cells = horizon.cells(sky) if horizon is not None else None
    n_cells = horizon.sectors * horizon.n_bands if horizon is not None else 0
    table = np.zeros((slope.size, n_cells))
    chunk = CHUNK if system.mounting != "single_axis" else 8
    for i in range(0, slope.size, chunk):
        planes = model(sky, system, systems, float(tilt_deg), slope[i:i + chunk], aspect[i:i + chunk])
        energy = _planes_ac_power(sky, planes, systems, system.temperature_model, losses).sum(axis=-1) / sky.years
        out[i:i + chunk] = energy
        if cells is not None:
            total = planes.effective.sum(axis=1)
            per_irradiance = np.where(total > 0, energy / np.where(total > 0, total, 1.0), 0.0)
            up = cells >= 0
            for j in range(planes.beam.shape[0]):
                sums = np.bincount(cells[up], weights=planes.beam[j, up], minlength=n_cells)
                table[i + j] = sums * per_irradiance[j]
        if progress is not None:
            progress(min(1.0, (i + chunk) / max(1, slope.size)))
    if horizon is not None:
        return out, table.reshape(slope.size, horizon.sectors, horizon.n_bands)
    return out


def optimal_tilt(sky: Sky, system: PvSystem, systems: PvSystems, tilts: Sequence[float] = range(10, 56)) -> float:
    """Rack tilt on level ground with the highest specific yield (1° steps) [°]."""
    tilts = np.asarray(list(tilts), dtype=float)
    fixed = PvSystem(system.id, system.label_de, system.label_en, "fixed", None, system.fallback_tilt_deg,
                     system.azimuth_deg, system.gcr, system.area_use, 0.0, 0.0, system.temperature_model)
    losses = systems.total_loss_pct()
    yields = np.concatenate([
        _fixed_at_tilts(sky, fixed, systems, tilts[i:i + CHUNK], losses) for i in range(0, tilts.size, CHUNK)])
    return float(tilts[int(np.argmax(yields))])


def _fixed_at_tilts(sky: Sky, system: PvSystem, systems: PvSystems, tilts: np.ndarray, losses: float) -> np.ndarray:
    poa, eff, _ = _poa(sky, tilts[:, None], np.full((tilts.size, 1), system.azimuth_deg), systems.albedo)
    return _ac_energy(sky, eff, poa, systems, system.temperature_model, losses)


def plane_yields(sky: Sky, systems: PvSystems, tilt_deg: Sequence[float], azimuth_deg: Sequence[float],
                 temperature_model: str, losses_pct: float | None = None) -> np.ndarray:
    """Specific yield of monofacial planes of given tilt and azimuth (roof faces) [kWh/kWp/a]."""
    tilt = np.asarray(tilt_deg, float).ravel()
    azimuth = np.asarray(azimuth_deg, float).ravel()
    losses = systems.total_loss_pct() if losses_pct is None else float(losses_pct)
    out = np.empty(tilt.size)
    for i in range(0, tilt.size, CHUNK):
        poa, eff, _ = _poa(sky, tilt[i:i + CHUNK, None], azimuth[i:i + CHUNK, None], systems.albedo)
        out[i:i + CHUNK] = _ac_energy(sky, eff, poa, systems, temperature_model, losses)
    return out


def annual_poa_kwh_per_m2(sky: Sky, tilt_deg: float, azimuth_deg: float, albedo: float = 0.2) -> float:
    """Annual plane-of-array irradiation of one plane [kWh/m²/a]."""
    poa, _, _ = _poa(sky, np.array([[tilt_deg]]), np.array([[azimuth_deg]]), albedo)
    return float(poa.sum() / 1000.0 / sky.years)


def weather_frame(sky: Sky) -> pd.DataFrame:  # pragma: no cover - debugging aid
    """The sky arrays as a DataFrame (for inspection)."""
    return pd.DataFrame({"ghi": sky.ghi, "dni": sky.dni, "dhi": sky.dhi, "zenith": sky.zenith,
                         "azimuth": sky.azimuth})
