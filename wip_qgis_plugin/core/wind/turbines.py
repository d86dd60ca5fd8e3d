"""Wind turbines with power curves: windpowerlib's library and user turbines in YAML.

A :class:`WindTurbine` is a :class:`core.units.Turbine` (hub height, rotor diameter:
total height H and rotor radius for the setbacks and the rotor-in rule) with a nominal
power and a power curve at the reference air density. Where a turbine comes from:

* a windpowerlib type such as ``E-141/4200``, ``N131/3600`` or ``V126/3450`` (the power
  curves windpowerlib ships, taken from the OpenEnergy Database): :func:`windpowerlib_turbine`;
* a YAML file in the user format (``presets/turbines/<id>.yaml`` or any path), validated in
  one pass that reports every problem with its place: :func:`load_turbine_file`;
* :func:`load_turbine` resolves any of these names.

The power curve is piecewise linear between its points, zero below the first and above
the last point (cut-out). :func:`density_corrected_power_kw` applies the IEC 61400-12-1
correction for air density, as windpowerlib's ``power_curve_density_correction``.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..defaults import DEFAULT_TURBINE
from ..errors import InputError, SpecError
from ..spec import PRESET_DIR, read_quantity, read_yaml, unknown_keys
from ..units import KINDS, Turbine, parse_length_m

TURBINE_PRESET_DIR = PRESET_DIR / "turbines"
SCHEMA = "wip-turbine/1"
#: Reference air density of manufacturers' power curves (IEC 61400-12-1, ISA sea level). [kg/m³]
STANDARD_DENSITY_KG_M3 = 1.225
WINDPOWERLIB_SOURCE = ("windpowerlib {version} (oemof, MIT licence): power curve and turbine data from the "
                       "OpenEnergy Database (oedb) turbine library shipped with the package")

#: Units of a power curve's columns: quantity kinds of :data:`core.units.KINDS` (canonical kW, m/s).
POWER_KIND, SPEED_KIND = KINDS["kW"], KINDS["speed"]
_TOP_KEYS = {"schema", "id", "name", "manufacturer", "hub_height", "hub_heights", "rotor_diameter",
             "nominal_power", "power_curve", "source", "notes", "licence"}
_CURVE_KEYS = {"wind_speed_unit", "power_unit", "air_density", "points", "source"}


class TurbineError(SpecError, InputError):
    """A turbine file has one or more problems (every one listed with its place).

    A :class:`core.errors.SpecError` of kind ``"Turbine file"``, and an ``InputError`` as every
    other refusal of a turbine, so callers that catch either see it.

    Parameters
    ----------
    source : str
        The file the problems are in.
    problems : sequence of str
        Every problem found, each with its place in the file.
    """

    KIND = "Turbine file"

    def __init__(self, source: str, problems: Sequence[str]):
        SpecError.__init__(self, self.KIND, source, problems)


@dataclass(frozen=True)
class WindTurbine(Turbine):
    """A turbine with its power curve (a :class:`core.units.Turbine` for setbacks too).

    Attributes
    ----------
    hub_height_m, rotor_diameter_m : float
        Hub height and rotor diameter. [m]
    name : str
        Type designation for reports.
    id : str
        Stable identifier (windpowerlib type or YAML id).
    nominal_power_kw : float
        Rated power. [kW]
    wind_speeds_m_s : tuple of float
        Wind speeds of the power curve, ascending. [m/s]
    power_kw : tuple of float
        Electrical power at those speeds, at ``curve_density_kg_m3``. [kW]
    curve_density_kg_m3 : float
        Air density the curve refers to. [kg/m³]
    source : str
        Where the data come from.
    hub_heights_m : tuple of float
        Hub heights the type is offered with (information only). [m]
    thrust_coefficients : tuple of float
        Thrust coefficient Ct at ``wind_speeds_m_s`` where the data have one (a YAML turbine's ``ct`` column);
        empty: the wake model uses its generic curve. [-]
    """

    id: str = ""
    nominal_power_kw: float = 0.0
    wind_speeds_m_s: tuple[float, ...] = ()
    power_kw: tuple[float, ...] = ()
    curve_density_kg_m3: float = STANDARD_DENSITY_KG_M3
    source: str = ""
    hub_heights_m: tuple[float, ...] = field(default=())
    thrust_coefficients: tuple[float, ...] = field(default=())

    @property
    def nominal_power_mw(self) -> float:
        """Rated power. [MW]"""
        return self.nominal_power_kw / 1000.0

    @property
    def specific_power_w_m2(self) -> float:
        """Rated power per swept rotor area. [W/m²]"""
        return self.nominal_power_kw * 1000.0 / (np.pi * self.rotor_radius_m ** 2)

    def with_hub_height(self, hub_height_m: float) -> WindTurbine:
        """The same turbine on another tower. [m]"""
        if not hub_height_m > self.rotor_radius_m:
            raise InputError(f"Hub height {hub_height_m!r} m of {self.name or self.id}: it must exceed the rotor "
                             f"radius ({self.rotor_radius_m:g} m).")
        return replace(self, hub_height_m=float(hub_height_m))

    def power_curve_kw(self, wind_speed_m_s: Any) -> np.ndarray:
        """Power at the curve's density, linear between points, 0 outside the curve. [kW]"""
        v = np.asarray(wind_speed_m_s, dtype=float)
        ws = np.asarray(self.wind_speeds_m_s)
        return np.interp(v, ws, np.asarray(self.power_kw), left=0.0, right=0.0)

    def describe(self) -> str:
        """One line for logs: name, power, rotor, hub."""
        return (f"{self.name or self.id}: {self.nominal_power_mw:g} MW, rotor {self.rotor_diameter_m:g} m, "
                f"hub {self.hub_height_m:g} m (H = {self.total_height_m:g} m)")


def density_corrected_power_kw(turbine: WindTurbine, wind_speed_m_s: Any, density_kg_m3: float) -> np.ndarray:
    """Power curve corrected for air density (IEC 61400-12-1, as windpowerlib). [kW]

    The curve's wind speeds are scaled by ``(rho_ref / rho) ** p`` with ``p = 1/3`` up to
    7.5 m/s, ``2/3`` from 12.5 m/s and linear between (Svenningsen 2010, as windpowerlib's
    ``power_curve_density_correction``), then interpolated at ``wind_speed_m_s``.

    Parameters
    ----------
    turbine : WindTurbine
        The turbine.
    wind_speed_m_s : array_like
        Wind speeds at hub height. [m/s]
    density_kg_m3 : float
        Air density at hub height. [kg/m³]
    """
    if not density_kg_m3 > 0:
        raise ValueError(f"air density must be positive, got {density_kg_m3!r} kg/m³")
    ws = np.asarray(turbine.wind_speeds_m_s)
    p = np.interp(ws, [7.5, 12.5], [1.0 / 3.0, 2.0 / 3.0])
    site_ws = ws * (turbine.curve_density_kg_m3 / density_kg_m3) ** p
    return np.interp(np.asarray(wind_speed_m_s, dtype=float), site_ws, np.asarray(turbine.power_kw),
                     left=0.0, right=0.0)


# ----------------------------------------------------------------- windpowerlib
def _windpowerlib_dir() -> Path:
    import windpowerlib

    return Path(windpowerlib.__file__).resolve().parent / "oedb"


def _hub_heights(text: Any) -> tuple[float, ...]:
    """``"99; 129; 135; 159"`` (or ``"127,5"``, ``"75/85"``) → hub heights. [m]"""
    if not isinstance(text, str):
        return ()
    tokens = re.split(r"[;/]\s*|\s+", text)
    return tuple(float(t.replace(",", ".")) for t in tokens if re.fullmatch(r"\d+(?:[.,]\d+)?", t))


@lru_cache(maxsize=1)
def _windpowerlib_table() -> dict[str, dict[str, Any]]:
    """windpowerlib's turbine data (types with a power curve), read from its data file."""
    import pandas as pd

    data = pd.read_csv(_windpowerlib_dir() / "turbine_data.csv")
    data = data[data["has_power_curve"].astype(str).str.lower() == "true"]
    return {str(r.turbine_type): {"nominal_power_w": float(r.nominal_power),
                                  "rotor_diameter_m": float(r.rotor_diameter),
                                  "hub_heights_m": _hub_heights(r.hub_height), "manufacturer": str(r.manufacturer)}
            for r in data.itertuples()}


def windpowerlib_types() -> list[str]:
    """Turbine types of windpowerlib's library that have a power curve, sorted."""
    return sorted(_windpowerlib_table())


def _curve_from_data_file(turbine_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Power curve straight from windpowerlib's ``power_curves.csv``: speeds [m/s], power [W]."""
    import pandas as pd

    curves = pd.read_csv(_windpowerlib_dir() / "power_curves.csv", index_col=0)
    row = curves.loc[turbine_type].dropna()
    return row.index.astype(float).to_numpy(), row.to_numpy(dtype=float)


def _curve_from_windpowerlib(turbine_type: str, hub_height_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Power curve through windpowerlib's ``WindTurbine``: speeds [m/s], power [W]."""
    from windpowerlib import WindTurbine as WplTurbine

    wpl = WplTurbine(turbine_type=turbine_type, hub_height=hub_height_m)
    curve = wpl.power_curve
    return curve["wind_speed"].to_numpy(dtype=float), curve["value"].to_numpy(dtype=float)


def windpowerlib_turbine(turbine_type: str, hub_height_m: float | None = None) -> WindTurbine:
    """A turbine of windpowerlib's library.

    Parameters
    ----------
    turbine_type : str
        Type as windpowerlib names it, e.g. ``E-141/4200``.
    hub_height_m : float, optional
        Hub height [m]; default: the highest listed for the type.

    Raises
    ------
    InputError
        Unknown type (with the closest names), or no hub height known.
    """
    table = _windpowerlib_table()
    if turbine_type not in table:
        close = difflib.get_close_matches(turbine_type, list(table), n=3)
        raise InputError(f"windpowerlib has no power curve for turbine type {turbine_type!r}"
                         f"{' (did you mean ' + ', '.join(close) + '?)' if close else ''}; list them with "
                         "`wip wind --list-turbines`.")
    info = table[turbine_type]
    if hub_height_m is None:
        if not info["hub_heights_m"]:
            raise InputError(f"windpowerlib lists no hub height for {turbine_type}; give one.")
        hub_height_m = max(info["hub_heights_m"])
    try:
        speeds, power_w = _curve_from_windpowerlib(turbine_type, float(hub_height_m))
    except Exception:  # noqa: BLE001 - a windpowerlib incompatible with this pandas: read its data file
        speeds, power_w = _curve_from_data_file(turbine_type)
    import windpowerlib

    turbine = WindTurbine(
        hub_height_m=float(hub_height_m), rotor_diameter_m=info["rotor_diameter_m"],
        name=f"{info['manufacturer']} {turbine_type}", id=turbine_type,
        nominal_power_kw=info["nominal_power_w"] / 1000.0, wind_speeds_m_s=tuple(speeds.tolist()),
        power_kw=tuple((power_w / 1000.0).tolist()),
        source=WINDPOWERLIB_SOURCE.format(version=windpowerlib.__version__),
        hub_heights_m=info["hub_heights_m"])
    return turbine.with_hub_height(hub_height_m)


def nearest_windpowerlib_type(rotor_diameter_m: float, nominal_power_kw: float) -> str:
    """The windpowerlib type closest in rotor diameter and rated power (relative distance).

    Used to model existing turbines known only by their dimensions.
    """
    table = _windpowerlib_table()

    def distance(item: tuple[str, dict[str, Any]]) -> float:
        info = item[1]
        return (abs(info["rotor_diameter_m"] - rotor_diameter_m) / rotor_diameter_m
                + abs(info["nominal_power_w"] / 1000.0 - nominal_power_kw) / nominal_power_kw)

    return min(sorted(table.items()), key=distance)[0]


# ----------------------------------------------------------------- YAML turbines
def _density(value: Any) -> float:
    match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*kg/m(?:3|³)\s*", str(value))
    if not match:
        raise ValueError(f"cannot read {value!r}; write e.g. '1.225 kg/m3'")
    return float(match.group(1).replace(",", "."))


def parse_turbine(raw: Any, origin: str) -> WindTurbine:
    """Validate a turbine mapping (the YAML format) and build the turbine.

    Raises
    ------
    TurbineError
        Listing every problem with its place in the file.
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise TurbineError(origin, ["the file must hold a mapping (schema, id, hub_height, …)"])
    unknown_keys(raw, _TOP_KEYS, "", problems)
    if raw.get("schema") != SCHEMA:
        problems.append(f"schema: must be {SCHEMA!r}, found {raw.get('schema')!r}")
    tid = raw.get("id")
    if not isinstance(tid, str) or not re.fullmatch(r"[A-Za-z0-9_.\-/]+", tid):
        problems.append(f"id: {tid!r} must be a word of letters, digits, _ . - /")
    if not raw.get("source"):
        problems.append("source: required (data sheet, publication or data set with version)")
    lengths: dict[str, float] = {}
    for key in ("hub_height", "rotor_diameter"):
        try:
            lengths[key] = parse_length_m(raw.get(key), key)
            if lengths[key] <= 0:
                problems.append(f"{key}: must be positive")
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    hub_heights: list[float] = []
    for i, h in enumerate(raw.get("hub_heights") or []):
        try:
            hub_heights.append(parse_length_m(h, "hub_heights"))
        except ValueError as exc:
            problems.append(f"hub_heights[{i}]: {exc}")
    nominal_kw = read_quantity(raw.get("nominal_power"), "kW", "nominal_power", problems)
    if nominal_kw is None:
        nominal_kw = float("nan")
    elif nominal_kw <= 0:
        problems.append("nominal_power: must be positive")
    if {"hub_height", "rotor_diameter"} <= set(lengths) and lengths["hub_height"] <= lengths["rotor_diameter"] / 2:
        problems.append("hub_height: must exceed the rotor radius (the blade would hit the ground)")
    curve = raw.get("power_curve")
    speeds: list[float] = []
    power: list[float] = []
    density = STANDARD_DENSITY_KG_M3
    if not isinstance(curve, dict):
        problems.append("power_curve: required, a mapping with wind_speed_unit, power_unit, air_density, points")
    else:
        unknown_keys(curve, _CURVE_KEYS, "power_curve.", problems)
        speed_unit, power_unit = curve.get("wind_speed_unit"), curve.get("power_unit")
        if speed_unit not in SPEED_KIND.symbols:
            problems.append(f"power_curve.wind_speed_unit: {speed_unit!r} is not one of "
                            f"{', '.join(SPEED_KIND.symbols)}")
        if power_unit not in POWER_KIND.symbols:
            problems.append(f"power_curve.power_unit: {power_unit!r} is not one of {', '.join(POWER_KIND.symbols)}")
        try:
            density = _density(curve.get("air_density", "1.225 kg/m3"))
        except ValueError as exc:
            problems.append(f"power_curve.air_density: {exc}")
        points = curve.get("points")
        if not isinstance(points, list) or len(points) < 3:
            problems.append("power_curve.points: give at least three [wind speed, power] pairs")
            points = []
        for i, pt in enumerate(points):
            if (not isinstance(pt, (list, tuple)) or len(pt) != 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pt)):
                problems.append(f"power_curve.points[{i}]: {pt!r} is not a pair of numbers [wind speed, power]")
                continue
            if pt[0] < 0 or pt[1] < 0:
                problems.append(f"power_curve.points[{i}]: wind speed and power cannot be negative")
            speeds.append(SPEED_KIND.convert(float(pt[0]), speed_unit) if speed_unit in SPEED_KIND.symbols
                          else float(pt[0]))
            power.append(POWER_KIND.convert(float(pt[1]), power_unit) if power_unit in POWER_KIND.symbols
                         else float(pt[1]))
        if speeds and any(b <= a for a, b in zip(speeds, speeds[1:])):
            problems.append("power_curve.points: wind speeds must increase strictly")
        if power and np.isfinite(nominal_kw) and max(power) > 1.05 * nominal_kw:
            problems.append(f"power_curve.points: the curve reaches {max(power):g} kW, more than the nominal power "
                            f"({nominal_kw:g} kW); check power_unit")
        if power and np.isfinite(nominal_kw) and max(power) < 0.9 * nominal_kw:
            problems.append(f"power_curve.points: the curve stays below 90 % of the nominal power "
                            f"({max(power):g} of {nominal_kw:g} kW); check power_unit")
    if problems:
        raise TurbineError(origin, problems)
    return WindTurbine(
        hub_height_m=lengths["hub_height"], rotor_diameter_m=lengths["rotor_diameter"],
        name=str(raw.get("name") or tid), id=str(tid), nominal_power_kw=nominal_kw,
        wind_speeds_m_s=tuple(speeds), power_kw=tuple(power), curve_density_kg_m3=density,
        source=str(raw["source"]), hub_heights_m=tuple(hub_heights))


def load_turbine_file(path: str | Path) -> WindTurbine:
    """Read and validate a YAML turbine file.

    Raises
    ------
    TurbineError
        Every problem of the file, or an unreadable file (not valid YAML, not UTF-8).
    InputError
        A missing file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Turbine file {str(path)!r} does not exist.")
    try:
        raw = read_yaml(path, str(path), TurbineError.KIND)
    except SpecError as exc:
        raise TurbineError(exc.source, exc.problems) from exc
    return parse_turbine(raw, str(path))


def turbine_presets() -> list[str]:
    """Ids of the shipped YAML turbines (``presets/turbines/<id>.yaml``), sorted."""
    return sorted(p.stem for p in TURBINE_PRESET_DIR.glob("*.yaml"))


def load_turbine(spec: str | Turbine | None = None, hub_height_m: float | None = None) -> WindTurbine:
    """A turbine from a name: preset id, YAML path or windpowerlib type.

    Parameters
    ----------
    spec : str, Turbine or None
        ``ref_6mw_170`` (a shipped YAML), ``my_turbine.yaml`` (a file), ``E-141/4200``
        (windpowerlib); a :class:`WindTurbine` is returned as it is; None (or empty) is
        :data:`core.defaults.DEFAULT_TURBINE`.
    hub_height_m : float, optional
        Hub height replacing the file's or the type's default. [m]

    Raises
    ------
    InputError
        If the name is none of these, or the file has problems.
    """
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        spec = DEFAULT_TURBINE
    if isinstance(spec, WindTurbine):
        turbine = spec
    elif isinstance(spec, Turbine):
        raise InputError(f"The turbine {spec.name or spec} has no power curve; name a windpowerlib type "
                         f"(e.g. {DEFAULT_TURBINE}), a preset or a turbine YAML file.")
    else:
        text = str(spec).strip()
        if text in turbine_presets():
            turbine = load_turbine_file(TURBINE_PRESET_DIR / f"{text}.yaml")
        elif text in _windpowerlib_table():
            return windpowerlib_turbine(text, hub_height_m)
        elif text.endswith((".yaml", ".yml")) or Path(text).is_file():
            turbine = load_turbine_file(Path(text))
        else:
            names = turbine_presets() + windpowerlib_types()
            close = difflib.get_close_matches(text, names, n=3)
            raise InputError(f"Unknown turbine {text!r}: not a turbine preset ({', '.join(turbine_presets())}), "
                             f"a YAML file or a windpowerlib type"
                             f"{' (did you mean ' + ', '.join(close) + '?)' if close else ''}.")
    return turbine.with_hub_height(hub_height_m) if hub_height_m else turbine


def turbine_catalogue() -> list[dict[str, Any]]:
    """Every known turbine with its dimensions (for ``wip wind --list-turbines``)."""
    rows = []
    for tid in turbine_presets():
        t = load_turbine(tid)
        rows.append({"id": tid, "origin": "preset", "nominal_power_kw": t.nominal_power_kw,
                     "rotor_diameter_m": t.rotor_diameter_m, "hub_heights_m": t.hub_heights_m or (t.hub_height_m,)})
    for tid, info in sorted(_windpowerlib_table().items()):
        rows.append({"id": tid, "origin": "windpowerlib", "nominal_power_kw": info["nominal_power_w"] / 1000.0,
                     "rotor_diameter_m": info["rotor_diameter_m"], "hub_heights_m": info["hub_heights_m"]})
    return rows


__all__ = ["WindTurbine", "TurbineError", "load_turbine", "load_turbine_file", "parse_turbine",
           "windpowerlib_turbine", "windpowerlib_types", "nearest_windpowerlib_type", "turbine_presets",
           "density_corrected_power_kw", "turbine_catalogue", "STANDARD_DENSITY_KG_M3"]
