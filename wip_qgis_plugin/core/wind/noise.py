"""Wind turbine noise at receptors: ISO 9613-2 in the LAI "Interimsverfahren", against TA Lärm.

The level of a turbine at a receptor, per octave band *f* (all levels A-weighted) [dB]::

    L_f = L_W,f − A_div − A_atm,f − A_gr
    A_div   = 20 lg(d / 1 m) + 11            (geometric divergence, d the slant distance hub → receptor)
    A_atm,f = α_f · d / 1000                 (atmospheric absorption, α in dB/km)
    A_gr    = −3 dB                          (the Interimsverfahren's fixed ground term; C_met = 0)

The bands and then the turbines add energetically; the rated level is the sum plus the upper
confidence surcharge 1.28 · √(σ_R² + σ_P² + σ_Prog²) (≈ 2.1 dB). A receptor meets its night
limit (TA Lärm 6.1 by its area type) where the rated level does not exceed it.

:func:`load_immission_table` reads ``presets/immission.yml`` (schema ``wip-immission/1``), every
value with its unit and source, every problem of a file at once. :func:`band_power_db` spreads a
total sound power over the octave bands with the turbine's spectrum; :func:`contributions` gives the
energy each turbine brings to each receptor within reach (sparse); :func:`receptor_levels_db` sums
them; :func:`reduce_for_noise` drops turbines or switches them to quieter modes until every receptor
meets its limit.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SpecError
from ..spec import PRESET_DIR, read_yaml

IMMISSION_PRESET = PRESET_DIR / "immission.yml"
IMMISSION_KIND = "Immission table"
SCHEMA = "wip-immission/1"
#: Where the pre-load alone exceeds a limit, new sources must stay this far below it (TA Lärm 3.2.1 (2):
#: an additional load at least 6 dB(A) below the limit is irrelevant). [dB]
IRRELEVANCE_DB = 6.0
#: Octave-band centre frequencies of the calculation. [Hz]
OCTAVE_BANDS_HZ = (63, 125, 250, 500, 1000, 2000, 4000, 8000)

_QUANTITY = re.compile(r"\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(\S*)\s*")


@dataclass(frozen=True)
class NoiseTable:
    """The noise part of the immission table.

    Attributes
    ----------
    absorption_db_per_km : numpy.ndarray
        Atmospheric absorption per octave band. [dB/km]
    ground_db : float
        Ground attenuation A_gr (negative: the ground adds). [dB]
    receptor_height_m : float
        Height of a receptor above ground. [m]
    uncertainty_db : float
        Surcharge for the upper confidence limit, 1.28·σ. [dB]
    spectrum_db : numpy.ndarray
        Relative A-weighted band levels, normalised to an energetic sum of 0 dB. [dB]
    sound_power_by_rotor : tuple of (float, float)
        (rotor diameter below [m], L_WA [dB]) in ascending order: the default sound power.
    night_limits_db : dict of str to float
        Night limit per area type (WR, WA, MI, MD, AB, GE, GI …). [dB(A)]
    area_labels : dict of str to str
        German name of each area type.
    area_type_from_landuse : dict of str to str
        ``"landuse=residential"`` → area type.
    default_area_type : str
        Area type of receptors no land use tells about.
    night_energy_share : float
        Share of a turbine's annual energy produced at night (22–6 h): what switching it off at night
        costs. [-]
    """

    absorption_db_per_km: np.ndarray
    ground_db: float
    receptor_height_m: float
    uncertainty_db: float
    spectrum_db: np.ndarray
    sound_power_by_rotor: tuple[tuple[float, float], ...]
    night_limits_db: dict[str, float]
    area_labels: dict[str, str]
    area_type_from_landuse: dict[str, str]
    default_area_type: str
    night_energy_share: float = 1.0 / 3.0

    def default_sound_power_db(self, rotor_diameter_m: float) -> float:
        """L_WA of a turbine with this rotor where its file has none. [dB(A)]"""
        for below, value in self.sound_power_by_rotor:
            if rotor_diameter_m < below:
                return value
        return self.sound_power_by_rotor[-1][1]


@dataclass(frozen=True)
class ShadowTable:
    """The shadow-flicker part of the immission table.

    Attributes
    ----------
    max_hours_per_year, max_minutes_per_day : float
        Limits of the astronomically possible shadow. [h/a], [min/d]
    min_sun_elevation_deg : float
        Sun elevations below are not counted. [°]
    min_sun_coverage : float
        Share of the sun's disc a blade must cover. [-]
    sun_diameter_deg : float
        Apparent diameter of the sun. [°]
    blade_depth_m : float
        Mean blade chord where the turbine gives none. [m]
    receptor_height_m : float
        Height of the receptor window. [m]
    time_step_min : float
        Step of the sun positions. [min]
    """

    max_hours_per_year: float
    max_minutes_per_day: float
    min_sun_elevation_deg: float
    min_sun_coverage: float
    sun_diameter_deg: float
    blade_depth_m: float
    receptor_height_m: float
    time_step_min: float


@dataclass(frozen=True)
class ImmissionTable:
    """``presets/immission.yml``: noise and shadow-flicker rules with their sources."""

    noise: NoiseTable
    shadow: ShadowTable
    sources: dict[str, str] = field(default_factory=dict)
    path: str = ""


_UNITS = {"dB": 1.0, "dB/km": 1.0, "m": 1.0, "km": 1000.0, "h": 1.0, "min": 1.0, "deg": 1.0, "°": 1.0,
          "%": 0.01, "": 1.0, "Hz": 1.0}


def _value(raw: Any, where: str, unit: str, problems: list[str], key: str = "value") -> float:
    """A quantity written with ``unit`` (``"-3 dB"``); its source required where it is a mapping."""
    value = raw.get(key) if isinstance(raw, Mapping) else raw
    if isinstance(raw, Mapping) and key == "value" and not raw.get("source"):
        problems.append(f"{where}.source: required")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and unit == "":
        return float(value)
    match = _QUANTITY.fullmatch(str(value)) if value is not None else None
    units = {unit} | ({"%", ""} if unit == "%" else set()) | ({"deg", "°"} if unit == "deg" else set()) | (
        {"km"} if unit == "m" else set())
    if not match or match.group(2) not in units:
        problems.append(f"{where}: {value!r} is not a value in {unit or 'a plain number'}; write e.g. "
                        f"'{'-3 dB' if unit == 'dB' else '30 ' + unit if unit else '1.28'}'")
        return math.nan
    return float(match.group(1)) * _UNITS[match.group(2)]


def _noise(raw: Any, problems: list[str]) -> NoiseTable:
    raw = raw if isinstance(raw, Mapping) else {}
    if not raw:
        problems.append("noise: required")
    bands = [float(m.group(1)) if (m := _QUANTITY.fullmatch(str(b))) and m.group(2) == "Hz" else math.nan
             for b in raw.get("bands") or []]
    if tuple(bands) != tuple(float(b) for b in OCTAVE_BANDS_HZ):
        problems.append(f"noise.bands: the octave bands {', '.join(f'{b} Hz' for b in OCTAVE_BANDS_HZ)} are "
                        "required, in this order")

    def per_band(key: str, unit: str) -> np.ndarray:
        entry = raw.get(key)
        if not isinstance(entry, Mapping) or not entry.get("source"):
            problems.append(f"noise.{key}: a mapping with values, unit and source is required")
            return np.full(len(OCTAVE_BANDS_HZ), np.nan)
        values = entry.get("values")
        if entry.get("unit") != unit or not isinstance(values, list) or len(values) != len(OCTAVE_BANDS_HZ) \
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            problems.append(f"noise.{key}: {len(OCTAVE_BANDS_HZ)} numbers in {unit} (unit: {unit}) are required")
            return np.full(len(OCTAVE_BANDS_HZ), np.nan)
        return np.asarray(values, dtype=float)

    absorption = per_band("absorption", "dB/km")
    if np.any(absorption < 0):
        problems.append("noise.absorption: absorption coefficients cannot be negative")
    spectrum = per_band("spectrum", "dB")
    spectrum = spectrum - 10.0 * np.log10(np.sum(10.0 ** (0.1 * spectrum)))
    sigma = [_value(raw.get(k), f"noise.{k}", "dB", problems)
             for k in ("sigma_measurement", "sigma_production", "sigma_forecast")]
    factor = _value(raw.get("confidence_factor"), "noise.confidence_factor", "", problems)
    by_rotor = []
    for i, row in enumerate(raw.get("sound_power_by_rotor") or []):
        where = f"noise.sound_power_by_rotor[{i}]"
        if not isinstance(row, Mapping):
            problems.append(f"{where}: a mapping rotor_below, value, source is required")
            continue
        by_rotor.append((_value(row, where + ".rotor_below", "m", problems, key="rotor_below"),
                         _value(row, where, "dB", problems)))
    if not by_rotor:
        problems.append("noise.sound_power_by_rotor: at least one row is required")
    elif [r for r, _ in by_rotor] != sorted(r for r, _ in by_rotor):
        problems.append("noise.sound_power_by_rotor: rows must ascend by rotor_below")
    limits, labels = {}, {}
    for code, entry in (raw.get("night_limits") or {}).items():
        limits[str(code)] = _value(entry, f"noise.night_limits.{code}", "dB", problems)
        labels[str(code)] = str(entry.get("label", code)) if isinstance(entry, Mapping) else str(code)
    if not limits:
        problems.append("noise.night_limits: required")
    mapping = {str(k): str(v) for k, v in (raw.get("area_type_from_landuse") or {}).items()}
    for k, v in mapping.items():
        if "=" not in k:
            problems.append(f"noise.area_type_from_landuse.{k}: write OSM classes as key=value")
        if v not in limits:
            problems.append(f"noise.area_type_from_landuse.{k}: area type {v!r} has no night limit")
    default = str(raw.get("default_area_type", ""))
    if default not in limits:
        problems.append(f"noise.default_area_type: {default!r} has no night limit")
    night = _value(raw.get("night_energy_share"), "noise.night_energy_share", "%", problems)
    if not 0.0 < night < 1.0:
        problems.append("noise.night_energy_share: a share between 0 and 100 %")
    return NoiseTable(absorption, _value(raw.get("ground"), "noise.ground", "dB", problems),
                      _value(raw.get("receptor_height"), "noise.receptor_height", "m", problems),
                      factor * math.sqrt(sum(s * s for s in sigma)), spectrum, tuple(by_rotor), limits, labels,
                      mapping, default, night)


def _shadow(raw: Any, problems: list[str]) -> ShadowTable:
    raw = raw if isinstance(raw, Mapping) else {}
    if not raw:
        problems.append("shadow: required")
    spec = (("max_hours_per_year", "h"), ("max_minutes_per_day", "min"), ("min_sun_elevation", "deg"),
            ("min_sun_coverage", "%"), ("sun_diameter", "deg"), ("blade_depth", "m"), ("receptor_height", "m"),
            ("time_step", "min"))
    values = [_value(raw.get(k), f"shadow.{k}", unit, problems) for k, unit in spec]
    for (k, _), v in zip(spec, values):
        if not v > 0 and k != "min_sun_elevation":
            problems.append(f"shadow.{k}: must be positive")
    if values[-1] > 10:
        problems.append("shadow.time_step: use at most 10 min (the LAI asks for 1 min)")
    return ShadowTable(*values)


@lru_cache(maxsize=4)
def load_immission_table(path: str | None = None) -> ImmissionTable:
    """Read and validate an immission table (default: the shipped one), every problem at once.

    Raises
    ------
    SpecError
        The file cannot be read, or listing each problem with its place in the file.
    """
    where = Path(path) if path else IMMISSION_PRESET
    raw = read_yaml(where, str(where), IMMISSION_KIND)
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        raise SpecError(IMMISSION_KIND, str(where), [f"schema must be {SCHEMA!r}"])
    problems: list[str] = []
    noise = _noise(raw.get("noise"), problems)
    shadow = _shadow(raw.get("shadow"), problems)
    if problems:
        raise SpecError(IMMISSION_KIND, str(where), problems)
    return ImmissionTable(noise, shadow, {str(k): str(v) for k, v in (raw.get("sources") or {}).items()}, str(where))


# ----------------------------------------------------------------------------------------------
# Propagation
# ----------------------------------------------------------------------------------------------
def band_power_db(sound_power_db: Any, spectrum_db: np.ndarray) -> np.ndarray:
    """Octave-band sound power of sources with total ``sound_power_db`` and a normalised spectrum. [dB(A)]

    Returns an array of shape ``(n, bands)``; the bands of each row add up to its total.
    """
    total = np.atleast_1d(np.asarray(sound_power_db, dtype=float))
    return total[:, None] + np.asarray(spectrum_db, dtype=float)[None, :]


def band_attenuation_db(distance_m: Any, table: NoiseTable) -> np.ndarray:
    """A_div + A_atm,f + A_gr for slant distances ``distance_m``; shape ``(..., bands)``. [dB]"""
    d = np.maximum(np.asarray(distance_m, dtype=float), 1.0)
    a_div = 20.0 * np.log10(d) + 11.0
    return a_div[..., None] + d[..., None] / 1000.0 * table.absorption_db_per_km + table.ground_db


def level_db(band_power: np.ndarray, distance_m: Any, table: NoiseTable) -> np.ndarray:
    """A-weighted level of sources (band powers ``(n, bands)``) at slant distances ``(n,)``. [dB(A)]"""
    bands = np.asarray(band_power, dtype=float) - band_attenuation_db(distance_m, table)
    return 10.0 * np.log10(np.sum(10.0 ** (0.1 * bands), axis=-1))


def energetic_sum_db(levels_db: Any, axis: int | None = None) -> np.ndarray:
    """10 lg Σ 10^(L/10); −inf for no source. [dB]"""
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.sum(10.0 ** (0.1 * np.asarray(levels_db, dtype=float)), axis=axis))


@dataclass(frozen=True)
class Contributions:
    """What each source brings to each receptor within reach (sparse).

    Attributes
    ----------
    receptor, source : numpy.ndarray
        Index pairs.
    energy : numpy.ndarray
        10^(L/10) of the source's level at the receptor (no uncertainty surcharge). [-]
    n_receptors : int
        Number of receptors.
    grouped : bool
        The pairs of each receptor come together (as :func:`contributions` gives them).
    """

    receptor: np.ndarray
    source: np.ndarray
    energy: np.ndarray
    n_receptors: int
    grouped: bool = False

    def levels_db(self, weight: np.ndarray | None = None) -> np.ndarray:
        """Level at each receptor with each source's energy scaled by ``weight`` (0 = off). [dB(A)]"""
        e = self.energy if weight is None else self.energy * weight[self.source]
        total = np.bincount(self.receptor, weights=e, minlength=self.n_receptors)
        with np.errstate(divide="ignore"):
            return 10.0 * np.log10(total)


def contributions(source_xyz: np.ndarray, band_power: np.ndarray, receptor_xyz: np.ndarray, table: NoiseTable,
                  reach_m: float = 10_000.0, block: int = 512, grouped: bool = True) -> Contributions:
    """Energy of every source at every receptor within ``reach_m`` (horizontal). [-]

    The pairs of each receptor come together (``grouped``: the receptors go in blocks of neighbours, the
    search is faster so); indices are 32-bit. ``grouped=False`` leaves the pairs of a block in the search's
    order (for levels only: each receptor's pairs keep their order, so its sum is the same to the last bit).

    Parameters
    ----------
    source_xyz, receptor_xyz : numpy.ndarray
        ``(n, 3)`` positions; z is the height above a common datum (hub / window height). [m]
    band_power : numpy.ndarray
        ``(n_sources, bands)`` octave-band sound power of each source. [dB(A)]
    reach_m : float
        Sources farther away are left out (at 10 km a 106 dB(A) turbine brings < 10 dB(A)). [m]
    block : int
        Receptors searched and computed together (memory in flight: some 40 bytes per pair of a block).
    """
    from scipy.spatial import cKDTree

    source_xyz = np.asarray(source_xyz, dtype=float).reshape(-1, 3)
    receptor_xyz = np.asarray(receptor_xyz, dtype=float).reshape(-1, 3)
    band_power = np.asarray(band_power, dtype=float)
    band_power = band_power.reshape(len(source_xyz), -1) if band_power.size else np.empty((len(source_xyz), 0))
    n_rec = len(receptor_xyz)
    if not len(source_xyz) or not n_rec:
        return Contributions(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0), n_rec)
    total = energetic_sum_db(band_power, axis=1)
    shapes, shape_of = np.unique(np.round(band_power - total[:, None], 9), axis=0, return_inverse=True)
    shape_of = shape_of.reshape(-1)
    # one table per spectrum shape, long enough for every distance within reach
    far = math.hypot(reach_m, float(np.ptp(np.r_[source_xyz[:, 2], receptor_xyz[:, 2]]))) + 1.0
    tables = [_attenuation_table(tuple(shape.tolist()), table, far) for shape in shapes]
    sources = cKDTree(source_xyz[:, :2])
    src_cols = np.ascontiguousarray(source_xyz.T)
    # receptors in strips 1 km wide, along each strip by y: a block of them lies close together
    order = np.lexsort((receptor_xyz[:, 1], np.floor(receptor_xyz[:, 0] / 1000.0)))
    # the output grows into arrays sized from a sample (filling them is much faster than joining blocks)
    sample = receptor_xyz[order[:: max(1, n_rec // 4000)], :2]
    size = int(1.05 * n_rec * np.mean(sources.query_ball_point(sample, reach_m, return_length=True))) + 4 * block
    out_r, out_s, out_e = np.empty(size, np.int32), np.empty(size, np.int32), np.empty(size)
    n = 0
    for lo in range(0, n_rec, block):
        idx = order[lo:lo + block]
        part = receptor_xyz[idx]
        # the sparse distance matrix leaves out distance 0: the receptors are moved by 1 mm for the search only
        pairs = cKDTree(part[:, :2] + np.array([1e-3, 0.0])).sparse_distance_matrix(
            sources, reach_m, output_type="ndarray")
        if grouped:
            by_receptor = np.argsort(pairs["i"].astype(np.int16), kind="stable")
            r, s = pairs["i"][by_receptor], pairs["j"][by_receptor]
        else:
            r, s = pairs["i"], pairs["j"]
        if n + len(r) > len(out_r):
            size = int(1.5 * (n + len(r)))
            out_r, out_s, out_e = (np.concatenate([a[:n], np.empty(size - n, a.dtype)]) for a in (out_r, out_s, out_e))
        d = _slant_distance_m(np.ascontiguousarray(part.T), r, src_cols, s)
        energy = out_e[n:n + len(r)]
        for k, lg in enumerate(tables):
            mine = slice(None) if len(tables) == 1 else np.flatnonzero(shape_of[s] == k)
            energy[mine] = np.exp((total[s[mine]] + _interp_uniform(d[mine], *lg)) * LN10_TENTH)   # 10^(L/10)
        out_r[n:n + len(r)] = idx[r]
        out_s[n:n + len(r)] = s
        n += len(r)
    r, s, energy = out_r[:n], out_s[:n], out_e[:n]
    return Contributions(r, s, energy, n_rec, grouped=grouped)


def _slant_distance_m(receptor_cols: np.ndarray, receptor: np.ndarray, source_cols: np.ndarray,
                      source: np.ndarray) -> np.ndarray:
    """Distance of each (receptor, source) index pair in 3D, from coordinates by column ``(3, n)``. [m]"""
    d = receptor_cols[0][receptor]
    d -= source_cols[0][source]
    d *= d
    for k in (1, 2):
        dk = receptor_cols[k][receptor]
        dk -= source_cols[k][source]
        dk *= dk
        d += dk
    return np.sqrt(d, out=d)


def _interp_uniform(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """``numpy.interp`` on an evenly spaced ``xp`` reaching beyond every ``x`` (the same values, faster)."""
    x = np.maximum(x, xp[0])
    j = ((x - xp[0]) / (xp[1] - xp[0])).astype(np.int64)
    slope = (fp[1:] - fp[:-1]) / (xp[1:] - xp[:-1])
    x -= xp[j]
    x *= slope[j]
    x += fp[j]
    return x


#: ln(10) / 10: 10^(L/10) = exp(L · LN10_TENTH), faster than the power. [1/dB]
LN10_TENTH = 0.1 * math.log(10.0)
#: Distance step of the tabulated attenuation (:func:`contributions`); linear interpolation of the level
#: between steps this fine is exact to < 0.001 dB from 10 m on. [m]
TABLE_STEP_M = 0.5


def _attenuation_table(shape: tuple[float, ...], table: NoiseTable, max_distance_m: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Distances and the level of a 0 dB source of this spectrum shape there, tabulated. ([m], [dB])"""
    top = TABLE_STEP_M * (math.ceil(max(max_distance_m, 1.0) / TABLE_STEP_M / 4096) * 4096 + 1)
    d = np.arange(1.0, top + TABLE_STEP_M, TABLE_STEP_M)
    return d, level_db(np.asarray(shape)[None, :].repeat(len(d), axis=0), d, table)


def levels_on_points(source_xyz: np.ndarray, band_power: np.ndarray, points_xyz: np.ndarray, table: NoiseTable,
                     reach_m: float = 10_000.0, chunk: int = 20_000) -> np.ndarray:
    """Total level of all sources at many points (a raster's cells), in chunks of bounded memory. [dB(A)]"""
    points_xyz = np.asarray(points_xyz, dtype=float).reshape(-1, 3)
    out = np.full(len(points_xyz), -np.inf)
    for start in range(0, len(points_xyz), chunk):
        part = contributions(source_xyz, band_power, points_xyz[start:start + chunk], table, reach_m, grouped=False)
        out[start:start + chunk] = part.levels_db()
    return out


@dataclass(frozen=True)
class SoundMode:
    """An operating mode of a turbine type.

    Attributes
    ----------
    name : str
        Manufacturer's designation (``"0 s"``, ``"SO2"``).
    sound_power_db : float
        Apparent sound power L_WA in this mode. [dB(A)]
    energy_factor : float
        Annual energy in this mode relative to the unrestricted one (night-time only modes: the
        share of the year's energy lost at night). [-]
    """

    name: str
    sound_power_db: float
    energy_factor: float = 1.0


@dataclass(frozen=True)
class NoiseReduction:
    """The outcome of :func:`reduce_for_noise`.

    Attributes
    ----------
    mode : numpy.ndarray
        Per new turbine the mode index chosen, −1 where the turbine is removed.
    levels_db : numpy.ndarray
        Rated level (with the surcharge) at each receptor after the reduction. [dB(A)]
    met : bool
        Every receptor meets its limit (False only where pre-load alone exceeds it).
    steps : int
        Rounds of changes (each moves every turbine named by a receptor over its limit one mode down).
    preloaded : numpy.ndarray
        Per receptor: the pre-load alone exceeds the limit (the new turbines kept irrelevant there).
    """

    mode: np.ndarray
    levels_db: np.ndarray
    met: bool
    steps: int
    preloaded: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))


#: In each round of :func:`reduce_for_noise` a receptor's loudest turbine is first sought among the pairs
#: whose unrestricted energy lies within this of its loudest one's, and among all its pairs only where those
#: have fallen to the level of the others. [dB]
NEAR_DB = 6.0


def _segments(grouped_receptor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal receptors in grouped pairs: first pair of each, its receptor, its length."""
    r = grouped_receptor
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if len(r) else np.empty(0, np.int64)
    return starts, r[starts], np.diff(np.r_[starts, len(r)])


def _expand(lengths: np.ndarray) -> np.ndarray:
    """The group of each element of consecutive groups of these lengths (``repeat(arange(n), lengths)``, faster)."""
    ends = np.cumsum(lengths)
    mark = np.zeros(int(ends[-1]) + 1 if len(ends) else 1, np.int32)
    if np.all(lengths > 0):
        mark[ends] = 1
    else:
        np.add.at(mark, ends, 1)
    return np.cumsum(mark[:-1], dtype=np.int32)


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``arange(lo[i], hi[i])`` for every i, concatenated, and the i of each element."""
    n = np.asarray(hi, dtype=np.int64) - lo
    which = _expand(n)
    return np.arange(len(which)) + (np.asarray(lo, dtype=np.int64) - (np.cumsum(n) - n))[which], which


def _grouping(receptor: np.ndarray) -> np.ndarray | None:
    """An order that brings the pairs of each receptor together; None where they come so."""
    if len(receptor) < 2:
        return None
    runs = np.count_nonzero(receptor[1:] != receptor[:-1]) + 1
    return None if runs == np.count_nonzero(np.bincount(receptor)) else np.argsort(receptor, kind="stable")


def _loudest(val: np.ndarray, starts: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group of pairs (``starts``; ``group`` of each pair) its largest value, and the pairs that reach it."""
    top = np.maximum.reduceat(val, starts) if len(starts) else np.empty(0)
    return top, np.flatnonzero(val == top[group])


def _group_sums(energy: np.ndarray, source: np.ndarray, scale: np.ndarray, starts: np.ndarray,
                batch: int = 1 << 22) -> np.ndarray:
    """Per group of pairs (from ``starts`` on) the sum of energy × scale of its source, in batches."""
    out = np.empty(len(starts))
    g0 = 0
    while g0 < len(starts):
        g1 = max(g0 + 1, int(np.searchsorted(starts, starts[g0] + batch)))
        p0, p1 = starts[g0], starts[g1] if g1 < len(starts) else len(energy)
        out[g0:g1] = np.add.reduceat(energy[p0:p1] * scale[source[p0:p1]], starts[g0:g1] - p0)
        g0 = g1
    return out


def reduce_for_noise(new: Contributions, modes: Sequence[Sequence[SoundMode]], limits_db: np.ndarray,
                     uncertainty_db: float, preload_energy: np.ndarray | None = None,
                     max_steps: int = 100_000) -> NoiseReduction:
    """Quieten new turbines until every receptor meets its limit: the loudest contributor first.

    ``new`` holds each new turbine's energy in its first (unrestricted) mode; a switch to mode *m*
    scales it by 10^((L_W,m − L_W,0)/10). At each step every receptor over its limit names the
    loudest new turbine it still hears, and all those turbines move to their next quieter mode at
    once, or are removed after their quietest one (a last mode of −inf dB, "off at night", is never
    followed by a removal: it is silent). Then every changed turbine is tried one step louder again
    (a later change may have made an earlier one unnecessary), kept where every limit still holds.

    Where the pre-load (existing turbines) alone exceeds the limit, the new turbines may add only an
    irrelevant share: their rated level must stay at least :data:`IRRELEVANCE_DB` below the limit
    (TA Lärm 3.2.1 (2)); the receptor stays over its limit and is reported, not blamed on them.

    Parameters
    ----------
    new : Contributions
        Unrestricted energies of the new turbines.
    modes : sequence of sequence of SoundMode
        Per new turbine its modes, loudest first (one mode: the turbine can only be removed).
    limits_db : numpy.ndarray
        Night limit per receptor. [dB(A)]
    uncertainty_db : float
        Upper-confidence surcharge added to every level. [dB]
    preload_energy : numpy.ndarray, optional
        Per receptor the energy of existing turbines. [-]
    """
    from scipy.sparse import coo_matrix

    n_rec = new.n_receptors
    pre = np.zeros(n_rec) if preload_energy is None else np.asarray(preload_energy, dtype=float)
    n_src = len(modes)
    mode = np.zeros(n_src, dtype=np.int64)
    scale = np.ones(n_src)
    limits = np.asarray(limits_db, dtype=float)
    allowed = 10.0 ** (0.1 * (limits - uncertainty_db))
    preloaded = pre > allowed * (1 + 1e-12)
    # the new turbines' own target: the limit, or where the pre-load alone exceeds it, the irrelevance margin
    target = np.where(preloaded, 10.0 ** (0.1 * (limits - IRRELEVANCE_DB - uncertainty_db)), allowed - pre)
    base_power = np.array([m[0].sound_power_db if len(m) else 0.0 for m in modes])
    rec, src, energy = new.receptor, new.source, new.energy
    order = None if new.grouped else _grouping(rec)
    if order is not None:
        rec, src, energy = rec[order], src[order], energy[order]
    starts, grp_rec, lengths = _segments(rec)        # the pairs of each receptor
    start = np.zeros(n_rec)                          # what the new turbines bring
    if len(starts):
        start[grp_rec] = np.add.reduceat(energy, starts)
    # Only receptors over their target at the start take part: a turbine's energy only falls while it steps
    # down, and trying it one step louder again never goes above where it started, so a receptor within its
    # target at the start stays within it. (One that hears no new turbine is no matter of theirs.)
    act = start[grp_rec] > target[grp_rec] * (1 + 1e-12) + 1e-300
    a_rec, a_len = grp_rec[act], lengths[act]
    n_act = len(a_rec)
    added, target = start[a_rec], target[a_rec]
    hopeless = np.zeros(n_act, dtype=bool)
    mask = np.repeat(act, lengths)
    a_src, a_e = src[mask], energy[mask]             # their pairs, by receptor
    a_loc = _expand(a_len)
    del mask
    a_starts = np.cumsum(a_len) - a_len
    # by turbine (a counting sort): the receptors it reaches, and its energy there
    by_src = coo_matrix((a_e, (a_src, a_loc)), shape=(n_src, n_act)).tocsr() if n_act else None
    # the near pairs of each receptor, and the loudest of its other ones (unrestricted)
    top = np.maximum.reduceat(a_e, a_starts) if n_act else np.empty(0)
    near = a_e >= (top * 10.0 ** (-0.1 * NEAR_DB))[a_loc]
    bound = np.maximum.reduceat(np.where(near, 0.0, a_e), a_starts) if n_act else np.empty(0)
    c_rec, c_src, c_e = a_loc[near], a_src[near], a_e[near]
    del near, top, a_loc
    c_starts, c_seg_rec, c_len = _segments(c_rec)
    c_group = _expand(c_len)
    steps = 0
    while steps < max_steps and n_act:
        over = ~hopeless & (added > target * (1 + 1e-12) + 1e-300)
        if not over.any():
            break
        if np.count_nonzero(over) < 0.7 * len(c_seg_rec):
            # receptors within their target never come back: the rounds go on with the pairs of the others
            keep = over[c_rec]
            c_rec, c_src, c_e = c_rec[keep], c_src[keep], c_e[keep]
            c_starts, c_seg_rec, c_len = _segments(c_rec)
            c_group = _expand(c_len)
        # every receptor over its limit names its loudest new turbine still heard; all of them step down at once
        val = c_e * scale[c_src]
        top, hit = _loudest(val, c_starts, c_group)
        loud = np.zeros(n_act)
        loud[c_seg_rec] = top
        sure = over & (loud > bound)        # a near pair is the loudest: no other can reach it
        chosen = [c_src[hit[sure[c_rec[hit]]]]]
        unsure = np.flatnonzero(over & ~sure)
        if len(unsure):                     # the near pairs are quiet now: all pairs of these receptors
            pairs, which = _ranges(a_starts[unsure], a_starts[unsure] + a_len[unsure])
            val = a_e[pairs] * scale[a_src[pairs]]
            u_starts = np.cumsum(a_len[unsure]) - a_len[unsure]
            top, hit = _loudest(val, u_starts, which)
            hopeless[unsure[top <= 0]] = True   # nothing new is heard there any more
            chosen.append(a_src[pairs[hit[val[hit] > 0]]])
            # their near pairs anew: within NEAR_DB of the loudest now
            fresh = a_e[pairs] >= (top * 10.0 ** (-0.1 * NEAR_DB))[which]
            bound[unsure] = np.maximum.reduceat(np.where(fresh, 0.0, a_e[pairs]), u_starts)
            fresh &= ~hopeless[unsure][which]
            keep = np.ones(n_act, dtype=bool)
            keep[unsure] = False
            keep = keep[c_rec]
            c_rec, c_src, c_e = (np.concatenate([c[keep], new[fresh]]) for c, new in
                                 ((c_rec, unsure[which]), (c_src, a_src[pairs]), (c_e, a_e[pairs])))
            c_starts, c_seg_rec, c_len = _segments(c_rec)
            c_group = _expand(c_len)
        chosen = np.unique(np.concatenate(chosen))
        if not len(chosen):
            continue
        old = scale.copy()
        for t in chosen:
            if mode[t] + 1 < len(modes[t]):
                mode[t] += 1
                scale[t] = 10.0 ** (0.1 * (modes[t][mode[t]].sound_power_db - base_power[t]))
            else:
                mode[t], scale[t] = -1, 0.0
        moved, which = _ranges(by_src.indptr[chosen], by_src.indptr[chosen + 1])
        added = added - np.bincount(by_src.indices[moved], minlength=n_act,
                                    weights=by_src.data[moved] * (old - scale)[chosen][which])
        steps += 1
    # undo what later changes made unnecessary: each changed turbine one step louder while every limit holds
    changed = True
    while changed:
        changed = False
        for t in np.flatnonzero(mode != 0):
            louder = len(modes[t]) - 1 if mode[t] < 0 else mode[t] - 1
            new_scale = 10.0 ** (0.1 * (modes[t][louder].sound_power_db - base_power[t]))
            mine = slice(by_src.indptr[t], by_src.indptr[t + 1])
            rec_t, more = by_src.indices[mine], by_src.data[mine] * (new_scale - scale[t])
            if np.all(hopeless[rec_t] | (added[rec_t] + more <= target[rec_t] * (1 + 1e-12) + 1e-300)):
                np.add.at(added, rec_t, more)
                mode[t], scale[t], changed = louder, new_scale, True
    # every receptor's level from scratch with the modes chosen
    total = pre.copy()
    if len(starts):
        total[grp_rec] += _group_sums(energy, src, scale, starts)
    total = np.maximum(total, 0.0)
    with np.errstate(divide="ignore"):
        levels = 10.0 * np.log10(total) + uncertainty_db
    met = bool(np.all(levels <= limits + 1e-9))
    return NoiseReduction(mode, levels, met, steps, preloaded)
