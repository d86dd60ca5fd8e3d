"""PV system types (presets/pv_systems.yml): module, losses, inverter, mounting, land and roof use.

:func:`load_pv_systems` reads the shipped preset or a user file, validates it in one pass and
raises one :class:`~..errors.SpecError` listing every problem with its place in the file.
Every value is written with its unit and a source key (``sources`` or ``assumptions``).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from ..errors import InputError, SpecError
from ..spec import PRESET_DIR, read_yaml, suggest, unknown_keys
from ..data.pvlib_shim import pvlib_module
from ..units import parse_quantity

DEFAULT_PRESET = "pv_systems"
SCHEMA = "wip-pv-systems/1"
#: Mounting kinds the yield model knows (see :data:`.solar_model.MOUNTINGS`).
MOUNTINGS = ("fixed", "east_west", "single_axis", "vertical_bifacial")
#: Heat-loss factors of the PVsyst cell temperature model (pvlib.temperature.pvsyst_cell) by name: u_c [W/m²/K],
#: u_v [W/m³/K·s]. floating_closed: a closed floating structure with a large water footprint in the Netherlands
#: (Dörenkämper et al. 2021, The cooling effect of floating PV in two different climate zones, Solar Energy 214,
#: 239–247, doi:10.1016/j.solener.2020.11.029; as tabulated in pvlib's floating-PV example).
PVSYST_MODELS: dict[str, dict[str, float]] = {"floating_closed": {"u_c": 25.2, "u_v": 3.7}}
#: Cell temperature models: the SAPM parameter sets (pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])
#: and the PVsyst sets of :data:`PVSYST_MODELS`.
TEMPERATURE_MODELS = ("open_rack_glass_glass", "close_mount_glass_glass", "open_rack_glass_polymer",
                      "insulated_back_glass_polymer", *PVSYST_MODELS)
#: Loss items of pvlib.pvsystem.pvwatts_losses [%].
LOSS_ITEMS = ("soiling", "shading", "snow", "mismatch", "wiring", "connections", "lid", "nameplate_rating",
              "age", "availability")

#: Canonical units → accepted spellings and factors.
_TOP = {"schema", "id", "version", "valid_from", "title", "description", "sources", "assumptions", "module",
        "defaults", "systems", "rooftop"}
_SYSTEM = {"label", "mounting", "tilt", "azimuth", "gcr", "area_use", "bifaciality", "rear_factor",
           "temperature_model", "max_angle", "note"}
_QKEYS = {"value", "source", "note", "fallback"}


@dataclass(frozen=True)
class PvSystem:
    """A PV system type on the ground.

    Attributes
    ----------
    id : str
        Key in the preset (``fixed_south``, ``agri_vertical`` …).
    label_de, label_en : str
        Names.
    mounting : str
        One of :data:`MOUNTINGS`.
    tilt_deg : float or None
        Tilt of the modules from horizontal [°]; None: the optimum for the weather.
    fallback_tilt_deg : float
        Tilt used where the optimum cannot be computed [°].
    azimuth_deg : float
        Direction the (front of the) modules face, clockwise from north [°].
    gcr : float
        Ground coverage ratio: module area / ground area of the rows [-].
    area_use : float
        Share of the site area covered by rows [-].
    bifaciality : float
        Rear/front STC power ratio (0: monofacial) [-].
    rear_factor : float
        Share of the unobstructed rear-plane irradiance reaching the rear side [-].
    temperature_model : str
        SAPM parameter set name.
    max_angle_deg : float
        Rotation limit of trackers [°].
    """

    id: str
    label_de: str
    label_en: str
    mounting: str
    tilt_deg: float | None
    fallback_tilt_deg: float
    azimuth_deg: float
    gcr: float
    area_use: float
    bifaciality: float = 0.0
    rear_factor: float = 0.0
    temperature_model: str = "open_rack_glass_glass"
    max_angle_deg: float = 55.0


@dataclass(frozen=True)
class RoofShape:
    """Tilt of a roof form's faces [°]."""

    tilt_deg: float


@dataclass(frozen=True)
class BuildingType:
    """Usable share of a building type's roof faces [-] and the roof form assumed without a tag."""

    usable: float
    default_shape: str


@dataclass(frozen=True)
class RooftopSpec:
    """Rooftop assumptions (see the preset's ``rooftop:`` section)."""

    packing: float
    temperature_model: str
    min_module_area_m2: float
    flat_roof_tilt_deg: float
    exclude_north_deg: float
    roof_shapes: dict[str, RoofShape]
    building_types: dict[str, BuildingType]


@dataclass(frozen=True)
class PvSystems:
    """The loaded preset.

    Attributes
    ----------
    module_w_per_m2 : float
        STC module power per module area [W/m²].
    gamma_pdc : float
        Power temperature coefficient [1/K].
    losses_pct : dict of str to float
        Loss items for pvlib.pvsystem.pvwatts_losses [%].
    dc_ac_ratio : float
        DC (kWp) to AC (kW) rating [-].
    inverter_efficiency : float
        Nominal inverter efficiency [-].
    albedo : float
        Ground albedo [-].
    systems : dict of str to PvSystem
    rooftop : RooftopSpec
    origin : str
        Preset id or file.
    """

    id: str
    version: str
    origin: str
    module_w_per_m2: float
    gamma_pdc: float
    losses_pct: dict[str, float]
    dc_ac_ratio: float
    inverter_efficiency: float
    albedo: float
    systems: dict[str, PvSystem]
    rooftop: RooftopSpec
    sources: dict[str, str] = field(default_factory=dict)

    def system(self, system_id: str) -> PvSystem:
        """The system type ``system_id``.

        Raises
        ------
        InputError
            Unknown id (naming the known ones).
        """
        if system_id not in self.systems:
            raise InputError(f"PV system {system_id!r} is not defined{suggest(system_id, self.systems)}; "
                             f"known: {', '.join(self.systems)}.")
        return self.systems[system_id]

    def capacity_density_mwp_per_ha(self, system_id: str) -> float:
        """Installed DC capacity per hectare of site area: gcr × area use × module power [MWp/ha]."""
        s = self.system(system_id)
        return s.gcr * s.area_use * self.module_w_per_m2 / 100.0

    def total_loss_pct(self, overrides: Mapping[str, float] | None = None) -> float:
        """Combined loss of the items (pvlib.pvsystem.pvwatts_losses) [%]."""
        pvlib = pvlib_module()

        return float(pvlib.pvsystem.pvwatts_losses(**{**self.losses_pct, **(overrides or {})}))

    def with_overrides(self, **changes: Any) -> PvSystems:
        """A copy with fields replaced (e.g. ``losses_pct``, ``dc_ac_ratio``)."""
        return dataclasses.replace(self, **changes)


class _Reader:
    """Collects problems while reading values with units and sources."""

    def __init__(self, sources: Mapping[str, str]):
        self.sources = sources
        self.problems: list[str] = []

    def quantity(self, raw: Any, unit: str, where: str, lo: float | None = None, hi: float | None = None,
                 default: float | None = None, allow_optimum: bool = False) -> float | None:
        if raw is None:
            if default is None:
                self.problems.append(f"{where}: required ({{value: …, source: KEY}})")
            return default
        if not isinstance(raw, dict):
            self.problems.append(f"{where}: write {{value: …, source: KEY}}")
            return default
        unknown_keys(raw, _QKEYS, f"{where}.", self.problems)
        source = raw.get("source")
        if not source:
            self.problems.append(f"{where}.source: required (a key of 'sources' or 'assumptions')")
        elif source not in self.sources:
            self.problems.append(f"{where}.source: {source!r} is not a key of 'sources' or "
                                 f"'assumptions'{suggest(source, self.sources)}")
        value = raw.get("value")
        if allow_optimum and value == "optimum":
            return None
        try:
            number = parse_quantity(value, unit)
        except ValueError as exc:
            self.problems.append(f"{where}.value: {exc}")
            return default
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            self.problems.append(f"{where}.value: {value!r} outside [{lo}, {hi}]")
            return default
        return number

    def choice(self, raw: Any, choices: tuple[str, ...], where: str, default: str) -> str:
        if raw is None:
            return default
        if raw not in choices:
            self.problems.append(f"{where}: {raw!r} is not one of {', '.join(choices)}{suggest(raw, choices)}")
            return default
        return str(raw)


def _system(sid: str, raw: Any, r: _Reader) -> PvSystem | None:
    where = f"systems.{sid}"
    if not isinstance(raw, dict):
        r.problems.append(f"{where}: must be a mapping")
        return None
    unknown_keys(raw, _SYSTEM, f"{where}.", r.problems)
    label = raw.get("label") or {}
    mounting = r.choice(raw.get("mounting"), MOUNTINGS, f"{where}.mounting", "fixed")
    if raw.get("mounting") is None:
        r.problems.append(f"{where}.mounting: required ({', '.join(MOUNTINGS)})")
    tilt_raw = raw.get("tilt") if mounting != "single_axis" else None
    tilt = r.quantity(tilt_raw, "deg", f"{where}.tilt", 0, 90, allow_optimum=True,
                      default=0.0 if mounting == "single_axis" else None)
    fallback = 30.0
    if isinstance(tilt_raw, dict) and tilt_raw.get("fallback") is not None:
        try:
            fallback = parse_quantity(tilt_raw["fallback"], "deg")
        except ValueError as exc:
            r.problems.append(f"{where}.tilt.fallback: {exc}")
    azimuth = r.quantity(raw.get("azimuth"), "deg", f"{where}.azimuth", 0, 360,
                         default=180.0 if mounting in ("single_axis",) else None)
    gcr = r.quantity(raw.get("gcr"), "fraction", f"{where}.gcr", 0.01, 1.0)
    area_use = r.quantity(raw.get("area_use"), "fraction", f"{where}.area_use", 0.01, 1.0)
    bifaciality = r.quantity(raw.get("bifaciality"), "fraction", f"{where}.bifaciality", 0, 1, default=0.0)
    rear = r.quantity(raw.get("rear_factor"), "fraction", f"{where}.rear_factor", 0, 1,
                      default=1.0 if mounting == "vertical_bifacial" else 0.0)
    max_angle = r.quantity(raw.get("max_angle"), "deg", f"{where}.max_angle", 0, 90, default=55.0)
    temp = r.choice(raw.get("temperature_model"), TEMPERATURE_MODELS, f"{where}.temperature_model",
                    "open_rack_glass_glass")
    if None in (gcr, area_use, azimuth):
        return None
    return PvSystem(sid, str(label.get("de", sid)), str(label.get("en", sid)), mounting, tilt, fallback,
                    float(azimuth), float(gcr), float(area_use), float(bifaciality), float(rear), temp,
                    float(max_angle))


def _rooftop(raw: Any, r: _Reader) -> RooftopSpec | None:
    if not isinstance(raw, dict):
        r.problems.append("rooftop: required mapping (packing, roof_shapes, building_types …)")
        return None
    shapes: dict[str, RoofShape] = {}
    for name, spec in (raw.get("roof_shapes") or {}).items():
        tilt = r.quantity((spec or {}).get("tilt"), "deg", f"rooftop.roof_shapes.{name}.tilt", 0, 90)
        if tilt is not None:
            shapes[str(name)] = RoofShape(tilt)
    if "flat" not in shapes:
        r.problems.append("rooftop.roof_shapes.flat: required")
    types: dict[str, BuildingType] = {}
    for name, spec in (raw.get("building_types") or {}).items():
        where = f"rooftop.building_types.{name}"
        spec = spec or {}
        usable = r.quantity(spec.get("usable"), "fraction", f"{where}.usable", 0, 1)
        shape = str(spec.get("default_shape", "gabled"))
        if shape not in shapes:
            r.problems.append(f"{where}.default_shape: {shape!r} is not a roof shape{suggest(shape, shapes)}")
        if usable is not None:
            types[str(name)] = BuildingType(usable, shape)
    if "yes" not in types:
        r.problems.append("rooftop.building_types.yes: required (buildings of unknown type)")
    packing = r.quantity(raw.get("packing"), "fraction", "rooftop.packing", 0.01, 1)
    min_area = r.quantity(raw.get("min_module_area"), "m2", "rooftop.min_module_area", 0)
    flat_tilt = r.quantity(raw.get("flat_roof_tilt"), "deg", "rooftop.flat_roof_tilt", 0, 60)
    north = r.quantity(raw.get("exclude_north"), "deg", "rooftop.exclude_north", 0, 180)
    temp = r.choice(raw.get("temperature_model"), TEMPERATURE_MODELS, "rooftop.temperature_model",
                    "close_mount_glass_glass")
    if None in (packing, min_area, flat_tilt, north):
        return None
    return RooftopSpec(float(packing), temp, float(min_area), float(flat_tilt), float(north), shapes, types)


def build_pv_systems(raw: Any, origin: str = "<mapping>") -> PvSystems:
    """Validate a raw mapping in one pass and build :class:`PvSystems`.

    Raises
    ------
    CatalogueError
        Listing every problem found.
    """
    if not isinstance(raw, dict):
        raise SpecError("PV systems file", origin, ["the file must hold a mapping (schema, module, defaults, systems …)"])
    sources = {**{str(k): str(v) for k, v in (raw.get("sources") or {}).items()},
               **{str(k): str(v) for k, v in (raw.get("assumptions") or {}).items()}}
    r = _Reader(sources)
    unknown_keys(raw, _TOP, "", r.problems)
    if raw.get("schema") != SCHEMA:
        r.problems.append(f"schema: must be {SCHEMA!r}, found {raw.get('schema')!r}")
    module = raw.get("module") or {}
    power = r.quantity(module.get("power_density"), "w_per_m2", "module.power_density", 50, 400)
    gamma = r.quantity(module.get("temperature_coefficient"), "per_k", "module.temperature_coefficient",
                       -0.01, 0.0)
    defaults = raw.get("defaults") or {}
    losses: dict[str, float] = {}
    raw_losses = defaults.get("losses") or {}
    for key in raw_losses:
        if key not in LOSS_ITEMS:
            r.problems.append(f"defaults.losses.{key}: not a loss item{suggest(key, LOSS_ITEMS)}; "
                              f"items: {', '.join(LOSS_ITEMS)}")
    for item in LOSS_ITEMS:
        value = r.quantity(raw_losses.get(item), "percent", f"defaults.losses.{item}", 0, 100, default=0.0)
        losses[item] = float(value or 0.0)
    dc_ac = r.quantity(defaults.get("dc_ac_ratio"), "fraction", "defaults.dc_ac_ratio", 0.5, 3)
    eta = r.quantity(defaults.get("inverter_efficiency"), "fraction", "defaults.inverter_efficiency", 0.5, 1)
    albedo = r.quantity(defaults.get("albedo"), "fraction", "defaults.albedo", 0, 1)
    systems: dict[str, PvSystem] = {}
    raw_systems = raw.get("systems")
    if not isinstance(raw_systems, dict) or not raw_systems:
        r.problems.append("systems: a mapping of at least one system type is required")
        raw_systems = {}
    for sid, spec in raw_systems.items():
        system = _system(str(sid), spec, r)
        if system is not None:
            systems[str(sid)] = system
    rooftop = _rooftop(raw.get("rooftop"), r)
    if r.problems:
        raise SpecError("PV systems file", origin, r.problems)
    assert None not in (power, gamma, dc_ac, eta, albedo) and rooftop is not None
    return PvSystems(str(raw.get("id", "")), str(raw.get("version", "")), origin, float(power), float(gamma),
                     losses, float(dc_ac), float(eta), float(albedo), systems, rooftop, sources)


def load_pv_systems(ref: str | Path = DEFAULT_PRESET) -> PvSystems:
    """Load the PV system preset (``pv_systems``) or a user YAML file of the same schema.

    Raises
    ------
    CatalogueError
        Missing file, invalid YAML, or every problem of the content with its place.
    """
    path = PRESET_DIR / f"{ref}.yml" if isinstance(ref, str) and "/" not in ref and \
        not ref.endswith((".yml", ".yaml")) else Path(ref)
    origin = f"preset {ref}" if path.parent == PRESET_DIR else str(path)
    if not path.exists():
        raise SpecError("PV systems file", str(ref), [f"no such file or preset; the shipped preset is {DEFAULT_PRESET!r}"])
    raw = read_yaml(path, origin, "PV systems file")
    return build_pv_systems(raw, origin)
