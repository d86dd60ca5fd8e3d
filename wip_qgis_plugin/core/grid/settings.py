"""What a user sets for the two grid runs: the topology check and the connection of sites.

:class:`TopologySettings` (tolerances and fields of the power-line check) and
:class:`ConnectionSettings` (fields, capacity source, router, allocator and numerical settings of a
connection run). Both carry the working CRS (default :data:`~..defaults.DEFAULT_CRS`) and check
themselves (``check()``, an :class:`~..errors.InputError` naming the impossible value).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..defaults import DEFAULT_CRS
from ..errors import InputError
from ..spec import suggest
from .allocation import ALLOCATORS
from .routing import ROUTERS


@dataclass(frozen=True)
class TopologySettings:
    """How power lines are cleaned and joined.

    Parameters
    ----------
    snap_tolerance_m : float
        Line ends closer than this are merged; dangling ends this close to another line join
        it. [m]
    substation_tolerance_m : float or None
        Line ends this close to a substation (point, or polygon edge) attach to it; None: the
        snap tolerance. [m]
    voltage_field : str
        Field with the voltage in volts, OSM style (``110000``, ``110000;20000``). Values
        below 1000 are read as kV (SciGRID's ``v_nom``).
    substation_voltage_field : str
        Voltage field of the substation layer (may be missing).
    name_field : str
        Name field of the substation layer (may be missing).
    min_voltage_v : float
        Voltage levels below this are left out (not reported). [V]
    max_passes : int
        Upper limit of cleaning passes per voltage level.
    crs : str
        Working CRS the layers are read in (projected, metres).
    bbox : tuple of float or None
        Only features intersecting ``(xmin, ymin, xmax, ymax)`` (working CRS); None: all. [m]
    """

    snap_tolerance_m: float = 10.0
    substation_tolerance_m: float | None = None
    voltage_field: str = "voltage"
    substation_voltage_field: str = "voltage"
    name_field: str = "name"
    min_voltage_v: float = 0.0
    max_passes: int = 10
    crs: str = DEFAULT_CRS
    bbox: tuple[float, float, float, float] | None = None

    @property
    def attach_tolerance_m(self) -> float:
        """Tolerance used to attach line ends to substations. [m]"""
        return self.snap_tolerance_m if self.substation_tolerance_m is None else self.substation_tolerance_m

    def check(self) -> None:
        """Raise :class:`InputError` for impossible values."""
        if not self.snap_tolerance_m >= 0 or not self.attach_tolerance_m >= 0:
            raise InputError(
                f"Snap tolerance {self.snap_tolerance_m!r} m / substation tolerance "
                f"{self.substation_tolerance_m!r} m: use zero or a positive distance in metres (e.g. 10).")
        if self.max_passes < 1:
            raise InputError(f"max_passes = {self.max_passes}: use at least 1.")


@dataclass(frozen=True)
class ConnectionSettings:
    """Fields, methods and numerical settings of a connection run.

    Parameters
    ----------
    capacity_field : str
        Site field with the capacity (used unless ``site_capacity_mw`` or
        ``area_ha_per_mw`` is set). [MW]
    site_capacity_mw : float or None
        The same capacity for every site (e.g. one turbine group). [MW]
    area_ha_per_mw : float or None
        Capacity from the site's area: area / this (polygon sites only; PV on the ground
        1–2.5 ha per MW, wind areas about 5 ha per MW, DOMAIN.md). [ha/MW]
    site_id_field : str or None
        Site field with an identifier (None: the row number).
    substation_voltage_field, substation_free_field, substation_name_field : str
        Substation fields: OSM voltage (``110000;20000``), free capacity [MW], name.
    substation_type_field, substation_types
        Where the layer has this field (OSM ``power``), only features of these types are substations; others
        (an OSM grid's joints, towers) are left out with a warning.
    unknown_free_capacity_mw : float or None
        Free capacity assumed where the field is empty; None refuses such substations. [MW]
    allocation : str
        A key of :data:`ALLOCATORS` (``min_cost_flow`` or ``greedy``).
    allocation_time_limit_s : float
        Wall-time limit of the exact fixed-charge step that prices split sites by every line they need
        (:func:`~.allocation.fixed_charge_allocation`); past it the best solution found is kept and its
        gap reported. [s]
    router : str
        A key of :data:`ROUTERS` (``roads`` or ``cost_raster``).
    mw_unit : float
        Size of one flow unit. [MW]
    max_candidates : int
        Cheapest substations kept per site for the allocation.
    terrain_factor_field : str or None
        Site field with a cost factor for the line (≥ 1 for difficult ground). [-]
    highway_field : str
        Road class field of the road layer.
    road_factors : tuple of (str, float)
        Cost factor per road class (e.g. ``(("motorway", 1.5),)``); others 1. [-]
    baseline : bool
        Also run the greedy allocation and report its cost.
    road_component_share : float
        Sites and substations attach only to road components with at least this share of the
        road length (the largest always). [-]
    crs : str
        Working CRS the layers are read in (projected, metres).
    topology : TopologySettings or None
        Settings of the topology check when power lines are given; None: the defaults, with the
        substation voltage and name fields of these settings. Its CRS and extent are those of
        the connection run.
    """

    capacity_field: str = "capacity_mw"
    site_capacity_mw: float | None = None
    area_ha_per_mw: float | None = None
    site_id_field: str | None = None
    substation_voltage_field: str = "voltage"
    substation_free_field: str = "free_capacity_mw"
    substation_name_field: str = "name"
    substation_type_field: str = "power"
    substation_types: tuple[str, ...] = ("substation", "sub_station")
    unknown_free_capacity_mw: float | None = None
    allocation: str = "min_cost_flow"
    allocation_time_limit_s: float = 30.0
    router: str = "roads"
    mw_unit: float = 0.1
    max_candidates: int = 8
    terrain_factor_field: str | None = None
    highway_field: str = "highway"
    road_factors: tuple[tuple[str, float], ...] = ()
    baseline: bool = True
    road_component_share: float = 0.01
    crs: str = DEFAULT_CRS
    topology: TopologySettings | None = None

    def check(self) -> None:
        """Raise :class:`InputError` naming impossible settings."""
        if self.allocation not in ALLOCATORS:
            raise InputError(f"Allocation {self.allocation!r} is unknown; use one of {', '.join(ALLOCATORS)}"
                             f"{suggest(self.allocation, ALLOCATORS)}.")
        if self.router not in ROUTERS:
            raise InputError(f"Router {self.router!r} is unknown; use one of {', '.join(ROUTERS)}"
                             f"{suggest(self.router, ROUTERS)}.")
        if not self.allocation_time_limit_s > 0:
            raise InputError(f"allocation_time_limit_s = {self.allocation_time_limit_s!r} s: use a positive "
                             "time, e.g. 30 s.")
        if not self.mw_unit > 0:
            raise InputError(f"mw_unit = {self.mw_unit!r} MW: use a positive size, e.g. 0.1 MW.")
        if self.max_candidates < 1:
            raise InputError(f"max_candidates = {self.max_candidates}: keep at least 1 substation per site.")
        if self.site_capacity_mw is not None and self.area_ha_per_mw is not None:
            raise InputError("Give either a capacity per site [MW] or an area per MW [ha], not both.")
        for name, value, unit in (("site_capacity_mw", self.site_capacity_mw, "MW"),
                                  ("area_ha_per_mw", self.area_ha_per_mw, "ha per MW")):
            if value is not None and not value > 0:
                raise InputError(f"{name} = {value!r} {unit}: use a positive number.")
        for cls, f in self.road_factors:
            if not f > 0:
                raise InputError(f"road factor for {cls!r} is {f!r}: use a positive factor (1 = normal).")

    @property
    def capacity_source(self) -> str:
        """Where site capacities come from: ``field``, ``per_site`` or ``area`` (:data:`~.sites.SITE_CAPACITY`)."""
        if self.site_capacity_mw is not None:
            return "per_site"
        return "field" if self.area_ha_per_mw is None else "area"

    def site_columns(self) -> tuple[str, ...]:
        """Site fields a run reads."""
        fields = (self.capacity_field if self.capacity_source == "field" else None, self.site_id_field,
                  self.terrain_factor_field)
        return tuple(dict.fromkeys(f for f in fields if f))
