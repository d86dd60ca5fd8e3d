"""Grid connection of candidate sites: voltage level, route, cost and allocation to substations.

Pipeline (:func:`plan_connections`):

1. **Level.** Each site's capacity [MW] picks the lowest level of the connection catalogue
   (``presets/grid_connection.yml``) whose limit it does not exceed; a substation *suits* a level
   if it has one of the level's substation voltages.
2. **Routes.** A router from :data:`ROUTERS` finds, for every site, the suitable substations it can
   reach within the level's longest route: ``roads`` follows the road network (a weighted
   networkx graph of the noded road lines, with a straight access segment from the site to the
   nearest road point and from the substation to its nearest road point); ``cost_raster`` is a
   least-cost path over an 8-neighbour graph of a cost-factor raster.
3. **Price.** ``cost = weighted length [km] × line cost [EUR/km] × terrain factor + bay cost [EUR]``.
4. **Allocation.** An allocator from :data:`ALLOCATORS` assigns the sites' MW to substations
   without exceeding any substation's free capacity: ``min_cost_flow`` (networkx network simplex)
   or ``greedy`` (each site, in input order, takes its cheapest substation that still has room for
   all of it: the baseline).

Min-cost-flow formulation (integers, as network simplex needs them): one unit is ``mw_unit`` MW
(default 0.1 MW). Site *i* supplies ``s_i = ceil(P_i / mw_unit)`` units; substation *j* takes at
most ``c_j = floor(F_j / mw_unit)`` units (so a substation is never overloaded in MW); a sink *T*
takes everything. Arcs: site→substation for every candidate pair at ``round(C_ij / s_i)`` EUR per
unit (a site sending all its units pays its full connection cost ``C_ij``); substation→T with
capacity ``c_j`` at 0; site→T ("not connected") with capacity ``s_i`` at a penalty ``M`` larger
than any rerouting can save, so the flow first connects as many MW as possible, then at least
cost. The flow may split a site between substations (the LP relaxation of the single-source
problem); a basic optimal solution splits at most one site per saturated substation, and split
sites are flagged.

Marginal cost of the next MW at a substation: the increase of the optimal cost if one unit of
the substation's free capacity were taken away, per MW, i.e. the shadow price of its capacity.
It equals the shortest path from the substation to T in the residual network of the optimal
flow (Bellman-Ford, no negative cycles at optimality): 0 where capacity is left; for a full
substation, the extra cost of moving the displaced MW to the next-best substation. Where the
displaced MW has nowhere else to go the value is NaN and ``next_mw_displaces`` is true.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.csgraph import dijkstra as csgraph_dijkstra
from shapely.ops import substring

from ..errors import InputError, SpecError
from ..spec import PRESET_DIR, Label, read_date, read_label, read_yaml, suggest
from ..data.outputs import OutputTransaction, write_csv, write_vector
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..units import KINDS, parse_quantity
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from .topology import GridTopology, TopologySettings, build_topology, issues_frame, parse_voltages, read_grid_layers

SCHEMA = "wip-grid-connection/1"
DEFAULT_PRESET = "grid_connection"

# ----------------------------------------------------------------------------------------------
# Quantities with units
# ----------------------------------------------------------------------------------------------
#: Accepted units per canonical unit, with their factor to it.
@dataclass(frozen=True)
class Quantity:
    """A catalogue value in its canonical unit, with its source.

    Attributes
    ----------
    value : float
        The value in ``unit``.
    unit : str
        Canonical unit (a key of :data:`UNITS`).
    source : str
        Key of the catalogue's ``sources`` or ``assumptions``.
    assumption : bool
        True if the source is a modelling assumption of the project.
    low, high : float or None
        Published range, if any (same unit).
    note : str
        Remark.
    """

    value: float
    unit: str
    source: str
    assumption: bool
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ConnectionLevel:
    """A connection voltage level: which sites, which substations, what it costs.

    Attributes
    ----------
    id : str
        Identifier (e.g. ``mv_20kv``).
    label : Label
        Name shown to users.
    connection_voltage_v : float
        Voltage of the connection line. [V]
    max_capacity : Quantity or None
        Largest site capacity of the level [MW]; None: no upper limit.
    substation_voltages_v : tuple of int
        A substation suits the level if it has one of these voltages. [V]
    line_cost : Quantity
        Cost of the connection line per km. [EUR/km]
    bay_cost : Quantity
        Cost of the bay at the substation. [EUR]
    max_route : Quantity
        Longest connection line considered. [km]
    valid_from : datetime.date
        Date from which the figures apply.
    """

    id: str
    label: Label
    connection_voltage_v: float
    max_capacity: Quantity | None
    substation_voltages_v: tuple[int, ...]
    line_cost: Quantity
    bay_cost: Quantity
    max_route: Quantity
    valid_from: dt.date

    @property
    def max_capacity_mw(self) -> float:
        """Largest site capacity of the level (inf without limit). [MW]"""
        return math.inf if self.max_capacity is None else self.max_capacity.value

    @property
    def max_route_m(self) -> float:
        """Longest connection line. [m]"""
        return self.max_route.value * 1000.0

    def suits(self, substation_levels_v: Iterable[int]) -> bool:
        """True if a substation with these voltage levels can take a site of this level."""
        return bool(set(substation_levels_v) & set(self.substation_voltages_v))

    def cost_eur(self, weighted_length_km: float | np.ndarray) -> float | np.ndarray:
        """Connection cost for a (terrain-weighted) line length. [EUR]"""
        return weighted_length_km * self.line_cost.value + self.bay_cost.value


@dataclass(frozen=True)
class ConnectionCatalogue:
    """Validated connection levels and cost rates (immutable)."""

    id: str
    version: str
    title: Label
    valid_from: dt.date
    levels: tuple[ConnectionLevel, ...]
    sources: tuple[tuple[str, str], ...] = ()
    assumptions: tuple[tuple[str, str], ...] = ()
    description: str = ""
    origin: str = ""

    def level_for(self, capacity_mw: float) -> ConnectionLevel | None:
        """The lowest level whose capacity limit ``capacity_mw`` does not exceed (None if none). [MW]"""
        for level in self.levels:
            if capacity_mw <= level.max_capacity_mw:
                return level
        return None

    def level(self, level_id: str) -> ConnectionLevel:
        """The level with this id (KeyError naming the known ids otherwise)."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"No connection level {level_id!r}; known: {', '.join(lv.id for lv in self.levels)}")

    def source_text(self, key: str) -> str:
        """Citation or assumption text of a source key."""
        return dict(self.sources).get(key) or dict(self.assumptions).get(key) or key

    def assumption_rows(self) -> list[tuple[str, str, str]]:
        """``(level id, value name, assumption text)`` of every value that is a modelling assumption."""
        rows = []
        for lv in self.levels:
            for name in ("max_capacity", "line_cost", "bay_cost", "max_route"):
                q = getattr(lv, name)
                if q is not None and q.assumption:
                    rows.append((lv.id, name, self.source_text(q.source)))
        return rows

    def provenance(self) -> dict[str, Any]:
        """What a result records about the catalogue."""
        return {"id": self.id, "version": self.version, "origin": self.origin}


_TOP_KEYS = {"schema", "id", "version", "valid_from", "title", "description", "sources", "assumptions", "levels"}
_LEVEL_KEYS = {"id", "label", "connection_voltage", "max_capacity", "substation_voltages", "line_cost",
               "bay_cost", "max_route", "valid_from", "note"}
_QUANTITY_KEYS = {"value", "low", "high", "source", "note"}


def load_connection_catalogue(ref: str | Path = DEFAULT_PRESET) -> ConnectionCatalogue:
    """Load the connection catalogue: a preset id (``grid_connection``) or a YAML file.

    Raises
    ------
    CatalogueError
        Listing every problem with its place in the file.
    """
    path = _connection_path(ref)
    origin = f"preset {ref}" if path.parent == PRESET_DIR and str(ref) == path.stem else str(path)
    if not path.exists():
        raise SpecError("Grid connection catalogue", str(ref), [f"no such file or preset; the shipped preset is {DEFAULT_PRESET!r}"])
    raw = read_yaml(path, origin, "Grid connection catalogue")
    return build_connection_catalogue(raw, origin)


def _connection_path(ref: str | Path) -> Path:
    if isinstance(ref, str) and "/" not in ref and not ref.endswith((".yaml", ".yml")):
        for suffix in (".yml", ".yaml"):
            p = PRESET_DIR / f"{ref}{suffix}"
            if p.exists():
                return p
    return Path(ref)


def build_connection_catalogue(raw: Any, origin: str = "<mapping>") -> ConnectionCatalogue:
    """Validate a raw catalogue mapping in one pass and build the frozen object.

    Raises
    ------
    CatalogueError
        Listing every problem found.
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise SpecError("Grid connection catalogue", origin, ["the file must hold a mapping (schema, id, levels …)"])
    for key in raw:
        if key not in _TOP_KEYS:
            problems.append(f"{key}: unknown key{suggest(key, _TOP_KEYS)}")
    if raw.get("schema") != SCHEMA:
        problems.append(f"schema: must be {SCHEMA!r}, found {raw.get('schema')!r}")
    for key in ("id", "version"):
        if not isinstance(raw.get(key), (str, int, float)) or str(raw.get(key)).strip() == "":
            problems.append(f"{key}: required")
    title = read_label(raw.get("title"), "title", problems)
    valid_from = read_date(raw.get("valid_from"), "valid_from", problems) or dt.date(1900, 1, 1)
    sources = _text_map(raw.get("sources"), "sources", problems)
    assumptions = _text_map(raw.get("assumptions"), "assumptions", problems)
    for key in set(sources) & set(assumptions):
        problems.append(f"assumptions.{key}: the key is also in 'sources'; use distinct keys")
    levels: list[ConnectionLevel] = []
    raw_levels = raw.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        problems.append("levels: a non-empty list of connection levels is required")
        raw_levels = []
    seen: set[str] = set()
    for i, lv in enumerate(raw_levels):
        where = f"levels[{i}]"
        if not isinstance(lv, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        if isinstance(lv.get("id"), str):
            where = f"levels[{i}] ({lv['id']})"
            if lv["id"] in seen:
                problems.append(f"{where}.id: {lv['id']!r} is used twice")
            seen.add(lv["id"])
        level = _level(lv, where, sources, assumptions, problems)
        if level is not None:
            levels.append(level)
    caps = [_raw_max_capacity(lv) for lv in raw_levels if isinstance(lv, dict)]
    if sum(c == math.inf for c in caps) > 1:
        problems.append("levels: only one level may have no max_capacity (null)")
    caps = [c for c in caps if c is not None]
    if caps != sorted(caps) or len(set(caps)) != len(caps):
        problems.append("levels: list the levels by rising max_capacity, each limit higher than the one before")
    if problems:
        raise SpecError("Grid connection catalogue", origin, problems)
    return ConnectionCatalogue(
        id=str(raw["id"]), version=str(raw["version"]), title=title, valid_from=valid_from, levels=tuple(levels),
        sources=tuple(sorted(sources.items())), assumptions=tuple(sorted(assumptions.items())),
        description=str(raw.get("description", "")).strip(), origin=origin)


def _raw_max_capacity(lv: dict[str, Any]) -> float | None:
    """A level's capacity limit as far as it can be read (inf for null, None if unreadable). [MW]"""
    raw = lv.get("max_capacity")
    if raw is None:
        return math.inf if "max_capacity" in lv else None
    try:
        return parse_quantity(raw.get("value"), "MW") if isinstance(raw, dict) else None
    except ValueError:
        return None


def _text_map(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        problems.append(f"{where}: must map short keys to texts (citations or explanations)")
        return {}
    return {str(k): " ".join(str(v).split()) for k, v in value.items()}


def _quantity(raw: Any, unit: str, where: str, sources: dict[str, str], assumptions: dict[str, str],
              problems: list[str]) -> Quantity | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping {{value: '… {next(iter(KINDS[unit].symbols))}', source: KEY}}")
        return None
    n_before = len(problems)
    for key in raw:
        if key not in _QUANTITY_KEYS:
            problems.append(f"{where}.{key}: unknown key{suggest(key, _QUANTITY_KEYS)}")
    values: dict[str, float | None] = {}
    for key in ("value", "low", "high"):
        if raw.get(key) is None:
            values[key] = None
            if key == "value":
                problems.append(f"{where}.value: required (a number with its unit)")
            continue
        try:
            values[key] = parse_quantity(raw[key], unit)
        except ValueError as exc:
            values[key] = None
            problems.append(f"{where}.{key}: {exc}")
    value = values["value"]
    if value is not None and value < 0:
        problems.append(f"{where}.value: must not be negative")
    low, high = values["low"], values["high"]
    if value is not None and ((low is not None and low > value) or (high is not None and high < value)):
        problems.append(f"{where}: value must lie between low and high")
    source = raw.get("source")
    if not isinstance(source, str) or source not in sources and source not in assumptions:
        keys = [*sources, *assumptions]
        problems.append(f"{where}.source: {source!r} is not a key of 'sources' or 'assumptions'"
                        f"{suggest(str(source), keys)}")
    if len(problems) > n_before or value is None:
        return None
    return Quantity(value, unit, source, source in assumptions, low, high, str(raw.get("note", "")))


def _level(lv: dict[str, Any], where: str, sources: dict[str, str], assumptions: dict[str, str],
           problems: list[str]) -> ConnectionLevel | None:
    n_before = len(problems)
    for key in lv:
        if key not in _LEVEL_KEYS:
            problems.append(f"{where}.{key}: unknown key{suggest(key, _LEVEL_KEYS)}")
    lid = lv.get("id")
    if not isinstance(lid, str) or not lid.isidentifier():
        problems.append(f"{where}.id: {lid!r} must be a word of letters, digits and _")
    label = read_label(lv.get("label"), f"{where}.label", problems)
    voltage = 0.0
    try:
        voltage = parse_quantity(lv.get("connection_voltage"), "V")
    except ValueError as exc:
        problems.append(f"{where}.connection_voltage: {exc}")
    max_cap = None
    if lv.get("max_capacity") is not None:
        max_cap = _quantity(lv["max_capacity"], "MW", f"{where}.max_capacity", sources, assumptions, problems)
    elif "max_capacity" not in lv:
        problems.append(f"{where}.max_capacity: required ({{value: '20 MW', source: KEY}}, or null for no limit)")
    subv: list[int] = []
    raw_subv = lv.get("substation_voltages")
    if not isinstance(raw_subv, list) or not raw_subv:
        problems.append(f"{where}.substation_voltages: a list of voltages such as [110 kV]")
    else:
        for k, v in enumerate(raw_subv):
            try:
                subv.append(int(round(parse_quantity(v, "V"))))
            except ValueError as exc:
                problems.append(f"{where}.substation_voltages[{k}]: {exc}")
    line_cost = _quantity(lv.get("line_cost"), "EUR/km", f"{where}.line_cost", sources, assumptions, problems)
    bay_cost = _quantity(lv.get("bay_cost"), "EUR", f"{where}.bay_cost", sources, assumptions, problems)
    max_route = _quantity(lv.get("max_route"), "km", f"{where}.max_route", sources, assumptions, problems)
    valid_from = None
    if "valid_from" not in lv:
        problems.append(f"{where}.valid_from: required (date from which the figures apply, YYYY-MM-DD)")
    else:
        valid_from = read_date(lv["valid_from"], f"{where}.valid_from", problems)
    if len(problems) > n_before or line_cost is None or bay_cost is None or max_route is None or valid_from is None:
        return None
    return ConnectionLevel(lid, label, voltage, max_cap, tuple(subv), line_cost, bay_cost, max_route, valid_from)


# ----------------------------------------------------------------------------------------------
# Settings and inputs
# ----------------------------------------------------------------------------------------------
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
    unknown_free_capacity_mw : float or None
        Free capacity assumed where the field is empty; None refuses such substations. [MW]
    allocation : str
        A key of :data:`ALLOCATORS` (``min_cost_flow`` or ``greedy``).
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
    """

    capacity_field: str = "capacity_mw"
    site_capacity_mw: float | None = None
    area_ha_per_mw: float | None = None
    site_id_field: str | None = None
    substation_voltage_field: str = "voltage"
    substation_free_field: str = "free_capacity_mw"
    substation_name_field: str = "name"
    unknown_free_capacity_mw: float | None = None
    allocation: str = "min_cost_flow"
    router: str = "roads"
    mw_unit: float = 0.1
    max_candidates: int = 8
    terrain_factor_field: str | None = None
    highway_field: str = "highway"
    road_factors: tuple[tuple[str, float], ...] = ()
    baseline: bool = True
    road_component_share: float = 0.01

    def check(self) -> None:
        """Raise :class:`InputError` naming impossible settings."""
        if self.allocation not in ALLOCATORS:
            raise InputError(f"Allocation {self.allocation!r} is unknown; use one of {', '.join(ALLOCATORS)}"
                             f"{suggest(self.allocation, ALLOCATORS)}.")
        if self.router not in ROUTERS:
            raise InputError(f"Router {self.router!r} is unknown; use one of {', '.join(ROUTERS)}"
                             f"{suggest(self.router, ROUTERS)}.")
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
        """Where site capacities come from: a key of :data:`SITE_CAPACITY` (``field``, ``per_site``, ``area``)."""
        if self.site_capacity_mw is not None:
            return "per_site"
        return "field" if self.area_ha_per_mw is None else "area"

    def site_columns(self) -> tuple[str, ...]:
        """Site fields a run reads."""
        fields = (self.capacity_field if self.capacity_source == "field" else None, self.site_id_field,
                  self.terrain_factor_field)
        return tuple(dict.fromkeys(f for f in fields if f))


def _capacity_from_field(sites: gpd.GeoDataFrame, settings: ConnectionSettings) -> np.ndarray:
    return np.array(pd.to_numeric(sites[settings.capacity_field], errors="coerce"), dtype=float)


def _capacity_per_site(sites: gpd.GeoDataFrame, settings: ConnectionSettings) -> np.ndarray:
    return np.full(len(sites), float(settings.site_capacity_mw))


def _capacity_from_area(sites: gpd.GeoDataFrame, settings: ConnectionSettings) -> np.ndarray:
    types = shapely.get_type_id(sites.geometry.values)
    if not np.isin(types, (3, 6)).all():
        raise InputError("Capacity from the area (ha per MW) needs polygon sites; the sites layer holds "
                         "points. Give a capacity field or a capacity per site instead.")
    return shapely.area(sites.geometry.values) / 10_000.0 / float(settings.area_ha_per_mw)


#: How site capacities are obtained (:attr:`ConnectionSettings.capacity_source`). [MW]
SITE_CAPACITY: dict[str, Callable[[gpd.GeoDataFrame, ConnectionSettings], np.ndarray]] = {
    "field": _capacity_from_field, "per_site": _capacity_per_site, "area": _capacity_from_area,
}


@dataclass(frozen=True)
class SiteInputs:
    """Candidate sites, validated.

    Attributes
    ----------
    ids : numpy.ndarray
        Identifiers (text).
    capacity_mw : numpy.ndarray
        Capacity. [MW]
    level : numpy.ndarray
        Index of the connection level in the catalogue (-1: above every level).
    terrain : numpy.ndarray
        Cost factor of the line. [-]
    geometry : numpy.ndarray
        Points or polygons (working CRS).
    """

    ids: np.ndarray
    capacity_mw: np.ndarray
    level: np.ndarray
    terrain: np.ndarray
    geometry: np.ndarray


@dataclass(frozen=True)
class SubstationInputs:
    """Substations, validated.

    Attributes
    ----------
    names : tuple of str
        Names (``#row`` where empty).
    levels_v : tuple of tuple of int
        Voltage levels of each substation. [V]
    free_mw : numpy.ndarray
        Free capacity. [MW]
    geometry : numpy.ndarray
        Points or polygons (working CRS).
    """

    names: tuple[str, ...]
    levels_v: tuple[tuple[int, ...], ...]
    free_mw: np.ndarray
    geometry: np.ndarray


def group_sites(sites: gpd.GeoDataFrame, settings: ConnectionSettings) -> gpd.GeoDataFrame:
    """Rows that share a site id become one site (e.g. the turbines of one wind farm).

    Applies when the capacity comes from a field and ``site_id_field`` is set: capacities are
    summed, the geometries joined (MultiPoint / MultiPolygon), a terrain factor is averaged
    weighted by capacity. Layers with unique ids come back unchanged.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site rows with the fields :meth:`ConnectionSettings.site_columns` names.
    settings : ConnectionSettings
        Capacity source, site id and terrain factor fields.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site id, in the order of first appearance.
    """
    key = settings.site_id_field
    if key is None or settings.capacity_source != "field" or key not in sites.columns or len(sites) == 0:
        return sites
    ids = sites[key].astype(str)
    if not ids.duplicated().any():
        return sites
    cap = pd.to_numeric(sites[settings.capacity_field], errors="coerce")
    frame = pd.DataFrame({"_id": ids.to_numpy(), "_cap": cap.to_numpy(dtype=float)})
    order = pd.unique(frame["_id"])
    groups = frame.groupby("_id", sort=False).indices
    geoms = sites.geometry.values
    caps = frame["_cap"].to_numpy()
    # a missing capacity stays missing in the sum (NaN): prepare_sites names the row
    rows = {key: list(order), settings.capacity_field: [float(np.sum(caps[groups[i]])) for i in order]}
    if settings.terrain_factor_field:
        terrain = pd.to_numeric(sites[settings.terrain_factor_field], errors="coerce").to_numpy(dtype=float)
        rows[settings.terrain_factor_field] = [
            float(np.average(terrain[groups[i]], weights=caps[groups[i]])) if np.nansum(caps[groups[i]]) > 0
            else float(np.mean(terrain[groups[i]])) for i in order]
    geometry = [shapely.union_all(geoms[groups[i]]) for i in order]
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=sites.crs)


def prepare_sites(sites: gpd.GeoDataFrame, catalogue: ConnectionCatalogue, settings: ConnectionSettings
                  ) -> SiteInputs:
    """Validate the sites and pick each one's connection level.

    Raises
    ------
    InputError
        Missing capacity field, capacities that are not positive numbers, bad geometries.
    """
    fields = [c for c in sites.columns if c != sites.geometry.name]
    capacity_field = settings.capacity_field if settings.capacity_source == "field" else None
    for role, name in (("capacity", capacity_field), ("site id", settings.site_id_field),
                       ("terrain factor", settings.terrain_factor_field)):
        if name is not None and name not in sites.columns:
            raise InputError(f"The sites layer has no {role} field {name!r}. Fields present: "
                             f"{', '.join(fields) or 'none'}. Choose the field or add it"
                             + (", or give a capacity per site or an area per MW." if role == "capacity" else "."))
    if len(sites) == 0:
        raise InputError("The sites layer holds no features; give at least one candidate site.")
    types = set(shapely.get_type_id(sites.geometry.values).tolist()) - {0, 3, 4, 6}
    if types or sites.geometry.isna().any() or sites.geometry.is_empty.any():
        raise InputError("Sites must be points or polygons without empty geometries (the sites layer holds "
                         "lines or empty geometries); give point or polygon sites, repair them (QGIS: Fix "
                         "geometries) or remove the empty ones.")
    cap = SITE_CAPACITY[settings.capacity_source](sites, settings)
    bad = np.flatnonzero(~(cap > 0))
    if len(bad):
        value = sites[capacity_field].iat[int(bad[0])] if capacity_field else cap[bad[0]]
        raise InputError(
            f"{len(bad)} site(s) have no positive capacity [MW] "
            f"{f'in field {capacity_field!r} ' if capacity_field else ''}"
            f"(first: row {int(bad[0])}, value {value!r}). "
            "Fill the field with the capacity in MW, or remove those sites.")
    terrain = np.ones(len(sites))
    if settings.terrain_factor_field is not None:
        terrain = np.array(pd.to_numeric(sites[settings.terrain_factor_field], errors="coerce"), dtype=float)
        bad = np.flatnonzero(~(terrain > 0))
        if len(bad):
            raise InputError(f"Terrain factor {settings.terrain_factor_field!r} of site row {int(bad[0])} is "
                             f"{terrain[bad[0]]!r}: use a positive factor (1 = open farmland).")
    ids = (sites[settings.site_id_field].astype(str).to_numpy(dtype=object) if settings.site_id_field
           else np.array([str(i) for i in range(len(sites))], dtype=object))
    level_index = {lv.id: k for k, lv in enumerate(catalogue.levels)}
    levels = np.array([level_index[lv.id] if (lv := catalogue.level_for(c)) is not None else -1 for c in cap],
                      dtype=np.int64)
    return SiteInputs(ids, cap, levels, terrain, sites.geometry.values)


def prepare_substations(substations: gpd.GeoDataFrame, settings: ConnectionSettings) -> SubstationInputs:
    """Validate the substations: voltage levels and free capacity.

    Raises
    ------
    InputError
        Missing voltage or free-capacity field, empty or negative free capacity (unless
        ``unknown_free_capacity_mw`` is set).
    """
    fields = [c for c in substations.columns if c != substations.geometry.name]
    if len(substations) == 0:
        raise InputError("The substations layer holds no features; give the substations (OSM power=substation).")
    for role, name in (("voltage", settings.substation_voltage_field),
                       ("free capacity [MW]", settings.substation_free_field)):
        if name not in substations.columns:
            raise InputError(f"The substations layer has no {role} field {name!r}. Fields present: "
                             f"{', '.join(fields) or 'none'}. Choose the field or add it (free capacity: "
                             "from the network operator's published grid connection capacities).")
    free = np.array(pd.to_numeric(substations[settings.substation_free_field], errors="coerce"), dtype=float)
    missing = np.isnan(free)
    if missing.any():
        if settings.unknown_free_capacity_mw is None:
            first = int(np.flatnonzero(missing)[0])
            raise InputError(
                f"{int(missing.sum())} substation(s) have no value in {settings.substation_free_field!r} "
                f"(first: row {first}). Fill in the free capacity in MW, or set an assumed value for "
                "unknown ones (unknown_free_capacity_mw).")
        free[missing] = settings.unknown_free_capacity_mw
    if (free < 0).any():
        first = int(np.flatnonzero(free < 0)[0])
        raise InputError(f"Substation row {first} has a negative free capacity ({free[first]} MW); use 0 or more.")
    levels = tuple(parse_voltages(v) for v in substations[settings.substation_voltage_field].to_numpy(dtype=object))
    if settings.substation_name_field in substations.columns:
        names = tuple(str(v) if isinstance(v, str) and v else f"#{j}"
                      for j, v in enumerate(substations[settings.substation_name_field].to_numpy(dtype=object)))
    else:
        names = tuple(f"#{j}" for j in range(len(substations)))
    return SubstationInputs(names, levels, free, substations.geometry.values)


# ----------------------------------------------------------------------------------------------
# Road network
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoadNetwork:
    """The noded road lines as arrays; :meth:`to_graph` gives the weighted networkx graph.

    Attributes
    ----------
    pieces : numpy.ndarray
        Road pieces between junctions (LineStrings, working CRS).
    u, v : numpy.ndarray
        End nodes of each piece.
    node_xy : numpy.ndarray
        ``(n, 2)`` node coordinates. [m]
    length_m : numpy.ndarray
        Piece lengths. [m]
    factor : numpy.ndarray
        Cost factor of each piece (road class). [-]
    usable : numpy.ndarray
        True for the pieces that are graph edges (the cheapest of parallel pieces; no loops).
    """

    pieces: np.ndarray
    u: np.ndarray
    v: np.ndarray
    node_xy: np.ndarray
    length_m: np.ndarray
    factor: np.ndarray
    usable: np.ndarray

    @property
    def weight(self) -> np.ndarray:
        """Edge weights: length × factor. [m]"""
        return self.length_m * self.factor

    def to_graph(self) -> nx.Graph:
        """The weighted road graph: nodes 0…n-1 (``x``, ``y``), edges ``weight`` [m], ``length_m`` [m], ``piece``."""
        g = nx.Graph()
        g.add_nodes_from((i, {"x": float(x), "y": float(y)}) for i, (x, y) in enumerate(self.node_xy))
        idx = np.flatnonzero(self.usable)
        g.add_edges_from((int(self.u[p]), int(self.v[p]),
                          {"weight": float(self.weight[p]), "length_m": float(self.length_m[p]), "piece": int(p)})
                         for p in idx)
        return g


def build_road_network(roads: gpd.GeoDataFrame, highway_field: str = "highway",
                       factors: Mapping[str, float] | None = None) -> RoadNetwork:
    """Node the road lines at every junction and crossing and index them as a graph.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        Road centre lines (OSM highway=*), projected CRS in metres.
    highway_field : str
        Road class field (only read when ``factors`` are given).
    factors : mapping, optional
        Cost factor per road class; other classes 1. [-]

    Raises
    ------
    InputError
        No lines, or the class field is missing while factors are given.
    """
    parts = shapely.get_parts(roads.geometry.values)
    parts = parts[(shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)]
    if not len(parts):
        raise InputError("The road layer holds no lines; give road centre lines (OSM highway=*).")
    parts = shapely.force_2d(parts)
    pieces = shapely.get_parts(shapely.node(shapely.multilinestrings(parts)))
    pieces = pieces[shapely.length(pieces) > 0]
    factor = np.ones(len(pieces))
    if factors:
        if highway_field not in roads.columns:
            raise InputError(f"Road cost factors are given but the road layer has no field {highway_field!r}.")
        part_rows = shapely.get_parts(roads.geometry.values, return_index=True)[1]
        classes = roads[highway_field].astype(str).to_numpy(dtype=object)
        keep = (shapely.get_type_id(shapely.get_parts(roads.geometry.values)) == 1)
        part_factor = np.array([float(factors.get(c, 1.0)) for c in classes[part_rows[keep]]])
        mid = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
        tree = shapely.STRtree(parts)
        pairs = tree.query(mid, predicate="dwithin", distance=1e-6)
        factor = np.full(len(pieces), np.inf)
        np.minimum.at(factor, pairs[0], part_factor[pairs[1]])
        factor[~np.isfinite(factor)] = 1.0
    coords = shapely.get_coordinates(pieces)
    n = shapely.get_num_coordinates(pieces)
    last = np.cumsum(n) - 1
    first = last - n + 1
    ends = np.vstack([coords[first], coords[last]])
    node_xy, inverse = np.unique(np.round(ends, 3), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    u, v = inverse[:len(pieces)], inverse[len(pieces):]
    length = shapely.length(pieces)
    usable = u != v
    # among parallel pieces keep the cheapest
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((np.arange(len(pieces)), length * factor, b, a))
    dup = np.zeros(len(order), dtype=bool)
    dup[1:] = (a[order][1:] == a[order][:-1]) & (b[order][1:] == b[order][:-1])
    usable[order[dup]] = False
    return RoadNetwork(pieces, u, v, node_xy, length, factor, usable)


def main_road_components(network: RoadNetwork, min_share: float = 0.01) -> np.ndarray:
    """Pieces of the road components holding at least ``min_share`` of the road length (the largest always).

    Isolated pieces (a farm track that crosses no other road in the data) are left out, so that
    nothing attaches to a road that leads nowhere. [-]
    """
    use = np.flatnonzero(network.usable)
    n = len(network.node_xy)
    graph = coo_matrix((np.ones(len(use)), (network.u[use], network.v[use])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    length = np.bincount(label[network.u[use]], weights=network.length_m[use], minlength=label.max() + 1)
    good = (length >= min_share * length.sum()) | (length == length.max())
    return good[label[network.u]] & network.usable


@dataclass(frozen=True)
class Access:
    """Straight access segments from geometries to their nearest usable road piece.

    Attributes
    ----------
    piece : numpy.ndarray
        Road piece reached.
    position_m : numpy.ndarray
        Position of the access point along the piece from its first vertex. [m]
    length_m : numpy.ndarray
        Length of the straight access segment. [m]
    segment : numpy.ndarray
        Access segments (LineStrings from the geometry to the road).
    """

    piece: np.ndarray
    position_m: np.ndarray
    length_m: np.ndarray
    segment: np.ndarray


def attach_to_roads(network: RoadNetwork, geoms: np.ndarray, allowed: np.ndarray | None = None) -> Access:
    """The nearest point on a usable (and allowed) road piece for each geometry."""
    ok = network.usable if allowed is None else network.usable & allowed
    idx = np.flatnonzero(ok)
    if not len(idx):
        raise InputError("No usable road piece to attach sites or substations to; check the road layer.")
    tree = shapely.STRtree(network.pieces[idx])
    pairs = tree.query_nearest(geoms, all_matches=False)
    nearest = np.empty(len(geoms), dtype=np.int64)
    nearest[pairs[0]] = idx[pairs[1]]
    seg = shapely.shortest_line(geoms, network.pieces[nearest])
    road_pt = shapely.get_point(seg, 1)
    pos = shapely.line_locate_point(network.pieces[nearest], road_pt)
    return Access(nearest, pos, shapely.length(seg), seg)


# ----------------------------------------------------------------------------------------------
# Routers
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidates:
    """Site–substation pairs a router can connect within the level's longest route.

    Attributes
    ----------
    site, substation : numpy.ndarray
        Indices.
    weighted_m : numpy.ndarray
        Route length weighted by cost factors (road class or raster), access included. [m]
    """

    site: np.ndarray
    substation: np.ndarray
    weighted_m: np.ndarray


@dataclass(frozen=True)
class Route:
    """A connection route from a site to a substation.

    Attributes
    ----------
    geometry : shapely.LineString
        From the site to the substation.
    length_m : float
        Geometric length. [m]
    access_m : float
        Straight (off-road) part of it. [m]
    """

    geometry: shapely.LineString
    length_m: float
    access_m: float


class Router(Protocol):
    """Finds candidate pairs and draws the routes of chosen pairs."""

    def candidates(self, level: np.ndarray, suitable: np.ndarray, limit_m: np.ndarray,
                   progress: Progress) -> Candidates:
        """Pairs within the limit; ``suitable[level, substation]``, ``limit_m[level]`` [m]."""

    def routes(self, pairs: Sequence[tuple[int, int]], progress: Progress) -> list[Route]:
        """The route of each ``(site, substation)`` pair."""


@dataclass(frozen=True)
class RoutingInputs:
    """What the routers may use: the sites, the substations and the network or surface."""

    sites: SiteInputs
    substations: SubstationInputs
    roads: RoadNetwork | None = None
    cost_surface: CostSurface | None = None
    settings: ConnectionSettings = field(default_factory=lambda: ConnectionSettings())


class RoadRouter:
    """Routes along the road graph, with straight access segments at both ends.

    The road pieces plus one node per access point (the pieces split there) form the routing
    graph; :attr:`graph` is it as a weighted networkx graph. Dijkstra runs on the same edge list
    in ``scipy.sparse.csgraph`` (compiled; a networkx run per substation was too slow at Land
    scale), one limited search per substation, batched. Sites and substations attach to the
    nearest road piece of a main road component (see :func:`main_road_components`), so that a
    site beside an isolated farm track still reaches the network.
    """

    #: Substations searched together (memory: batch × nodes × 8 bytes).
    BATCH = 16

    def __init__(self, inputs: RoutingInputs):
        if inputs.roads is None:
            raise InputError("The 'roads' router needs a road layer (OSM highway=*).")
        net = inputs.roads
        self.net = net
        self.inputs = inputs
        allowed = main_road_components(net, inputs.settings.road_component_share)
        self.sub_access = attach_to_roads(net, inputs.substations.geometry, allowed)
        self.site_access = attach_to_roads(net, inputs.sites.geometry, allowed)
        self.n_nodes = len(net.node_xy)
        self.n_sites = len(inputs.sites.ids)
        self.n_total = self.n_nodes + self.n_sites + len(inputs.substations.names)
        self.edges = self._routing_edges()
        e = self.edges
        w = np.maximum(e["weight"], 1e-9)   # csgraph would drop explicit zeros
        self.csr = coo_matrix((np.r_[w, w], (np.r_[e["a"], e["b"]], np.r_[e["b"], e["a"]])),
                              shape=(self.n_total, self.n_total)).tocsr()
        self._edge_of: dict[tuple[int, int], int] = {}
        self._coords: dict[int, np.ndarray] = {}
        self._road_m: dict[tuple[int, int], float] = {}

    def _routing_edges(self) -> dict[str, np.ndarray]:
        """Edges of the road graph split at the access points; the cheapest of parallel edges."""
        net = self.net
        acc_piece = np.concatenate([self.site_access.piece, self.sub_access.piece])
        acc_pos = np.concatenate([self.site_access.position_m, self.sub_access.position_m])
        acc_node = self.n_nodes + np.arange(len(acc_piece))
        usable = np.flatnonzero(net.usable)
        touched = np.zeros(len(net.pieces), dtype=bool)
        touched[acc_piece] = True
        plain = usable[~touched[usable]]
        e_piece, e_from, e_to = [plain], [np.zeros(len(plain))], [net.length_m[plain]]
        e_a, e_b = [net.u[plain]], [net.v[plain]]
        order = np.lexsort((acc_node, acc_pos, acc_piece))
        sp, spos, snode = acc_piece[order], acc_pos[order], acc_node[order]
        bounds = np.flatnonzero(np.r_[True, sp[1:] != sp[:-1], True])
        for s, e in zip(bounds[:-1], bounds[1:]):
            p = int(sp[s])
            nodes = np.r_[net.u[p], snode[s:e], net.v[p]]
            pos = np.r_[0.0, spos[s:e], net.length_m[p]]
            e_piece.append(np.full(len(nodes) - 1, p))
            e_from.append(pos[:-1])
            e_to.append(pos[1:])
            e_a.append(nodes[:-1])
            e_b.append(nodes[1:])
        edges = {"piece": np.concatenate(e_piece).astype(np.int64), "from": np.concatenate(e_from),
                 "to": np.concatenate(e_to), "a": np.concatenate(e_a).astype(np.int64),
                 "b": np.concatenate(e_b).astype(np.int64)}
        edges["weight"] = (edges["to"] - edges["from"]) * net.factor[edges["piece"]]
        lo, hi = np.minimum(edges["a"], edges["b"]), np.maximum(edges["a"], edges["b"])
        order = np.lexsort((np.arange(len(lo)), edges["weight"], hi, lo))
        first = np.r_[True, (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])]
        keep = np.sort(order[first])
        return {k: v[keep] for k, v in edges.items()}

    @property
    def graph(self) -> nx.Graph:
        """The routing graph as a weighted networkx graph (``weight`` [m], ``e``: edge index)."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n_total))
        e = self.edges
        g.add_edges_from((int(a), int(b), {"weight": float(w), "e": k})
                         for k, (a, b, w) in enumerate(zip(e["a"], e["b"], e["weight"])))
        return g

    def site_node(self, i: int) -> int:
        """Graph node of site ``i``'s access point."""
        return self.n_nodes + i

    def substation_node(self, j: int) -> int:
        """Graph node of substation ``j``'s access point."""
        return self.n_nodes + self.n_sites + j

    def candidates(self, level: np.ndarray, suitable: np.ndarray, limit_m: np.ndarray,
                   progress: Progress) -> Candidates:
        """One limited Dijkstra per substation some site can use, cut off at the longest route."""
        n_subs = len(self.inputs.substations.names)
        has_sites = np.zeros(suitable.shape[0], dtype=bool)
        has_sites[np.unique(level[level >= 0])] = True
        cutoff = np.full(n_subs, -1.0)
        for j in range(n_subs):
            lv = np.flatnonzero(suitable[:, j] & has_sites)
            if len(lv):
                cutoff[j] = float(limit_m[lv].max()) - float(self.sub_access.length_m[j])
        work = np.flatnonzero(cutoff >= 0)
        work = work[np.argsort(cutoff[work], kind="stable")]
        site_nodes = self.n_nodes + np.arange(self.n_sites)
        site_acc = self.site_access.length_m
        out_i, out_j, out_w = [], [], []
        for start in range(0, len(work), self.BATCH):
            check_cancelled(progress)
            progress.report(start / max(len(work), 1))
            batch = work[start:start + self.BATCH]
            dist = csgraph_dijkstra(self.csr, directed=True, indices=self.n_nodes + self.n_sites + batch,
                                    limit=float(cutoff[batch].max()))[:, site_nodes]
            for row, j in enumerate(batch):
                d = dist[row]
                sites = np.flatnonzero(d <= cutoff[j])
                total = d[sites] + site_acc[sites] + self.sub_access.length_m[j]
                lvl = level[sites]
                ok = lvl >= 0
                ok[ok] &= suitable[lvl[ok], j] & (total[ok] <= limit_m[lvl[ok]])
                out_i.append(sites[ok])
                out_j.append(np.full(int(ok.sum()), j))
                out_w.append(total[ok])
                self._road_m.update(zip(zip(sites[ok].tolist(), [int(j)] * int(ok.sum())), d[sites[ok]].tolist()))
        if not out_i:
            return Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        return Candidates(np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64),
                          np.concatenate(out_w))

    def routes(self, pairs: Sequence[tuple[int, int]], progress: Progress) -> list[Route]:
        """Draw each pair's route: one Dijkstra per substation used, cut off at its farthest site."""
        by_sub: dict[int, list[int]] = {}
        for k, (_, j) in enumerate(pairs):
            by_sub.setdefault(int(j), []).append(k)
        out: list[Route] = [None] * len(pairs)  # type: ignore[list-item]
        for step, (j, ks) in enumerate(sorted(by_sub.items())):
            check_cancelled(progress)
            progress.report(step / max(len(by_sub), 1))
            need = max(self._road_m.get((int(pairs[k][0]), j), np.inf) for k in ks)
            _, pred = csgraph_dijkstra(self.csr, directed=True, indices=self.substation_node(j),
                                       limit=float(need) * (1 + 1e-9) + 1e-6 if np.isfinite(need) else np.inf,
                                       return_predecessors=True)
            for k in ks:
                out[k] = self._route(int(pairs[k][0]), j, pred)
        return out

    def road_path(self, site: int, substation: int, pred: np.ndarray | None = None) -> list[int]:
        """Graph nodes from the site's access point to the substation's (empty if unreachable)."""
        src = self.substation_node(substation)
        if pred is None:
            _, pred = csgraph_dijkstra(self.csr, directed=True, indices=src, return_predecessors=True)
        node = self.site_node(site)
        path = [node]
        while node != src:
            node = int(pred[node])
            if node < 0:
                return []
            path.append(node)
        return path

    def _edge(self, x: int, y: int) -> int:
        if not self._edge_of:
            e = self.edges
            self._edge_of = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(e["a"], e["b"]))}
        k = self._edge_of.get((x, y))
        return self._edge_of[(y, x)] if k is None else k

    def _piece_coords(self, p: int) -> np.ndarray:
        if p not in self._coords:
            self._coords[p] = shapely.get_coordinates(self.net.pieces[p])
        return self._coords[p]

    def _edge_coords(self, k: int, start: int) -> np.ndarray:
        e = self.edges
        p, a, b = int(e["piece"][k]), float(e["from"][k]), float(e["to"][k])
        if a <= 0.0 and b >= self.net.length_m[p]:
            c = self._piece_coords(p)
        else:
            c = shapely.get_coordinates(substring(self.net.pieces[p], a, b))
        return c if int(e["a"][k]) == start else c[::-1]

    def _route(self, i: int, j: int, pred: np.ndarray) -> Route:
        path = self.road_path(i, j, pred)
        parts = [shapely.get_coordinates(self.site_access.segment[i])]
        for x, y in zip(path[:-1], path[1:]):
            parts.append(self._edge_coords(self._edge(x, y), x))
        parts.append(shapely.get_coordinates(self.sub_access.segment[j])[::-1])
        coords = np.vstack(parts)
        keep = np.r_[True, np.any(coords[1:] != coords[:-1], axis=1)]
        coords = coords[keep]
        if len(coords) < 2:
            coords = np.vstack([coords, coords])
        line = shapely.LineString(coords)
        return Route(line, float(line.length), float(self.site_access.length_m[i] + self.sub_access.length_m[j]))


@dataclass(frozen=True)
class CostSurface:
    """A raster of cost factors for least-cost routing (1 = open farmland; NaN or ≤ 0 = impassable).

    Attributes
    ----------
    factor : numpy.ndarray
        Cost factor per cell. [-]
    x0, y0 : float
        Upper-left corner of the raster. [m]
    resolution_m : float
        Cell size (square cells). [m]
    """

    factor: np.ndarray
    x0: float
    y0: float
    resolution_m: float

    def cell_of(self, xy: np.ndarray) -> np.ndarray:
        """Flat index of the cell holding each point (-1 outside)."""
        rows, cols = self.factor.shape
        c = np.floor((xy[:, 0] - self.x0) / self.resolution_m).astype(np.int64)
        r = np.floor((self.y0 - xy[:, 1]) / self.resolution_m).astype(np.int64)
        inside = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
        return np.where(inside, r * cols + c, -1)

    def centre_of(self, cells: np.ndarray) -> np.ndarray:
        """Coordinates of cell centres. [m]"""
        cols = self.factor.shape[1]
        r, c = np.divmod(np.asarray(cells), cols)
        return np.column_stack([self.x0 + (c + 0.5) * self.resolution_m, self.y0 - (r + 0.5) * self.resolution_m])

    def graph(self) -> Any:
        """8-neighbour cost graph (scipy CSR): step length × mean factor of both cells. [m]"""
        f = np.where(np.isfinite(self.factor) & (self.factor > 0), self.factor, np.nan)
        rows, cols = f.shape
        idx = np.arange(rows * cols).reshape(rows, cols)
        src, dst, w = [], [], []
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            c0, c1 = max(0, -dc), cols - max(0, dc)
            a = idx[0:rows - dr, c0:c1]
            b = idx[dr:rows, c0 + dc:c1 + dc]
            step = self.resolution_m * math.hypot(dr, dc)
            cost = step * (f.ravel()[a.ravel()] + f.ravel()[b.ravel()]) / 2.0
            ok = np.isfinite(cost)
            src.append(a.ravel()[ok])
            dst.append(b.ravel()[ok])
            w.append(cost[ok])
        s, d, ww = np.concatenate(src), np.concatenate(dst), np.concatenate(w)
        n = rows * cols
        return coo_matrix((np.r_[ww, ww], (np.r_[s, d], np.r_[d, s])), shape=(n, n)).tocsr()


def read_cost_surface(path: Path | str, band: int = 1) -> CostSurface:
    """Read a cost-factor GeoTIFF (square cells, north up) into a :class:`CostSurface`.

    Raises
    ------
    InputError
        If the raster is rotated or its cells are not square.
    """
    import rasterio

    with rasterio.open(path) as ds:
        t = ds.transform
        if t.b != 0 or t.d != 0 or abs(abs(t.e) - t.a) > 1e-9 * t.a:
            raise InputError(f"Cost raster {path}: cells must be square and north up; warp it first (gdalwarp -tr).")
        data = ds.read(band).astype(float)
        if ds.nodata is not None:
            data[data == ds.nodata] = np.nan
    return CostSurface(data, float(t.c), float(t.f), float(t.a))


class RasterRouter:
    """Least-cost paths over a cost-factor raster (8 neighbours; scipy Dijkstra per substation).

    Sites and substations enter at the cell holding their representative point (the point itself,
    or a point inside a polygon); routes run between cell centres. Meant for municipal extents:
    the graph holds 8 edges per cell.
    """

    def __init__(self, inputs: RoutingInputs):
        if inputs.cost_surface is None:
            raise InputError("The 'cost_raster' router needs a cost raster (cost factor per cell, 1 = farmland).")
        self.surface = inputs.cost_surface
        self.inputs = inputs
        self.csr = self.surface.graph()
        self.site_cell = self.surface.cell_of(_points_xy(inputs.sites.geometry))
        self.sub_cell = self.surface.cell_of(_points_xy(inputs.substations.geometry))
        self._pred: dict[int, np.ndarray] = {}

    def candidates(self, level: np.ndarray, suitable: np.ndarray, limit_m: np.ndarray,
                   progress: Progress) -> Candidates:
        """One limited Dijkstra per substation over the raster graph."""
        out_i, out_j, out_w = [], [], []
        n_subs = len(self.sub_cell)
        for j in range(n_subs):
            check_cancelled(progress)
            progress.report(j / max(n_subs, 1))
            lv = np.flatnonzero(suitable[:, j])
            if self.sub_cell[j] < 0 or not len(lv):
                continue
            dist = csgraph_dijkstra(self.csr, directed=True, indices=int(self.sub_cell[j]),
                                    limit=float(limit_m[lv].max()))
            inside = self.site_cell >= 0
            d = np.full(len(self.site_cell), np.inf)
            d[inside] = dist[self.site_cell[inside]]
            lvl = level
            ok = (lvl >= 0) & np.isfinite(d)
            ok[ok] &= suitable[lvl[ok], j] & (d[ok] <= limit_m[lvl[ok]])
            sites = np.flatnonzero(ok)
            out_i.append(sites)
            out_j.append(np.full(len(sites), j))
            out_w.append(d[sites])
        if not out_i:
            return Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        return Candidates(np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64),
                          np.concatenate(out_w))

    def routes(self, pairs: Sequence[tuple[int, int]], progress: Progress) -> list[Route]:
        """Follow the predecessors from each site cell to the substation cell."""
        out = []
        for i, j in pairs:
            pred = self._pred.get(int(j))
            if pred is None:   # only the substations used keep their predecessors
                _, pred = csgraph_dijkstra(self.csr, directed=True, indices=int(self.sub_cell[j]),
                                           return_predecessors=True)
                self._pred[int(j)] = pred
            cells = [int(self.site_cell[i])]
            while cells[-1] != self.sub_cell[j] and pred[cells[-1]] >= 0:
                cells.append(int(pred[cells[-1]]))
            xy = self.surface.centre_of(np.array(cells))
            if len(xy) < 2:
                xy = np.vstack([xy, xy])
            line = shapely.LineString(xy)
            out.append(Route(line, float(line.length), 0.0))
        return out


def _points_xy(geoms: np.ndarray) -> np.ndarray:
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts)


#: Routers by name: how a connection line finds its way.
ROUTERS: dict[str, Callable[[RoutingInputs], Router]] = {
    "roads": RoadRouter,
    "cost_raster": RasterRouter,
}


# ----------------------------------------------------------------------------------------------
# Allocation
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AllocationProblem:
    """Sites, substations and the connection cost of every candidate pair.

    Attributes
    ----------
    supply_mw : numpy.ndarray
        Capacity of each site. [MW]
    capacity_mw : numpy.ndarray
        Free capacity of each substation. [MW]
    pair_site, pair_sub : numpy.ndarray
        Candidate pairs.
    pair_cost_eur : numpy.ndarray
        Cost of connecting the whole site over the pair. [EUR]
    mw_unit : float
        Size of one flow unit. [MW]
    """

    supply_mw: np.ndarray
    capacity_mw: np.ndarray
    pair_site: np.ndarray
    pair_sub: np.ndarray
    pair_cost_eur: np.ndarray
    mw_unit: float = 0.1

    @property
    def supply_units(self) -> np.ndarray:
        """Site capacities in units, rounded up."""
        return np.ceil(np.asarray(self.supply_mw) / self.mw_unit - 1e-9).astype(np.int64)

    @property
    def capacity_units(self) -> np.ndarray:
        """Free capacities in units, rounded down."""
        return np.floor(np.asarray(self.capacity_mw) / self.mw_unit + 1e-9).astype(np.int64)

    @property
    def unit_cost(self) -> np.ndarray:
        """Cost per unit of each pair: pair cost / site units, rounded to whole EUR. [EUR]"""
        su = self.supply_units[self.pair_site]
        return np.rint(np.asarray(self.pair_cost_eur) / np.maximum(su, 1)).astype(np.int64)

    @property
    def penalty(self) -> int:
        """Cost per unit left unconnected: above anything rerouting can save. [EUR]"""
        top = int(self.unit_cost.max()) if len(self.pair_site) else 0
        return max(top, 1) * (2 * len(self.capacity_mw) + 4) + 1

    @property
    def displacement_threshold(self) -> int:
        """Residual path costs above this pass through "not connected". [EUR]"""
        top = int(self.unit_cost.max()) if len(self.pair_site) else 0
        return max(top, 1) * (len(self.capacity_mw) + 2)

    def objective(self, pair_units: np.ndarray) -> int:
        """Integer objective of an allocation: pair units × unit cost + unconnected units × penalty."""
        left = self.supply_units - np.bincount(self.pair_site, weights=pair_units, minlength=len(self.supply_mw))
        return int(np.dot(pair_units.astype(np.int64), self.unit_cost)) + int(left.sum()) * self.penalty


@dataclass(frozen=True)
class Allocation:
    """Which share of each site goes to which substation.

    Attributes
    ----------
    method : str
        The allocator used.
    problem : AllocationProblem
        The problem solved.
    pair_units : numpy.ndarray
        Units sent over each candidate pair.
    marginal_units : numpy.ndarray
        Per substation: cost of the next unit [EUR]; NaN where unknown or displacing a site.
    displaces : numpy.ndarray
        Per substation: the next MW would push MW out of the grid (no alternative).
    """

    method: str
    problem: AllocationProblem
    pair_units: np.ndarray
    marginal_units: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    displaces: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0, dtype=bool))

    @property
    def pair_share(self) -> np.ndarray:
        """Share of its site each pair carries. [-]"""
        return self.pair_units / np.maximum(self.problem.supply_units[self.problem.pair_site], 1)

    @property
    def pair_mw(self) -> np.ndarray:
        """MW of its site each pair carries. [MW]"""
        return self.pair_share * np.asarray(self.problem.supply_mw)[self.problem.pair_site]

    @property
    def connected_mw_per_site(self) -> np.ndarray:
        """Connected capacity per site. [MW]"""
        p = self.problem
        return np.bincount(p.pair_site, weights=self.pair_mw, minlength=len(p.supply_mw))

    @property
    def unconnected_mw(self) -> np.ndarray:
        """Capacity per site left unconnected. [MW]"""
        return np.maximum(np.asarray(self.problem.supply_mw) - self.connected_mw_per_site, 0.0)

    @property
    def load_mw(self) -> np.ndarray:
        """Allocated load per substation (≤ its free capacity). [MW]"""
        p = self.problem
        return np.bincount(p.pair_sub, weights=self.pair_mw, minlength=len(p.capacity_mw))

    @property
    def load_units(self) -> np.ndarray:
        """Allocated units per substation (≤ its capacity in units)."""
        p = self.problem
        return np.bincount(p.pair_sub, weights=self.pair_units, minlength=len(p.capacity_mw)).astype(np.int64)

    @property
    def connection_cost_eur(self) -> float:
        """Σ share × pair cost. [EUR]"""
        return float(np.dot(self.pair_share, self.problem.pair_cost_eur))

    @property
    def objective(self) -> int:
        """The integer objective (see :meth:`AllocationProblem.objective`)."""
        return self.problem.objective(self.pair_units)

    @property
    def marginal_cost_eur_per_mw(self) -> np.ndarray:
        """Marginal cost of the next MW at each substation. [EUR/MW]"""
        if not len(self.marginal_units):
            return np.full(len(self.problem.capacity_mw), np.nan)
        return self.marginal_units / self.problem.mw_unit


def allocate_min_cost_flow(problem: AllocationProblem) -> Allocation:
    """Optimal allocation as a minimum-cost flow (networkx network simplex), with marginal costs.

    See the module docstring for the formulation.
    """
    graph = _flow_graph(problem)
    _, flow = nx.network_simplex(graph)
    n = len(problem.supply_mw)
    units = np.array([flow[int(i)].get(n + int(j), 0) for i, j in zip(problem.pair_site, problem.pair_sub)],
                     dtype=np.int64)
    marginal, displaces = _marginal_units(problem, graph, flow)
    return Allocation("min_cost_flow", problem, units, marginal, displaces)


def _flow_graph(problem: AllocationProblem) -> nx.DiGraph:
    n, m = len(problem.supply_mw), len(problem.capacity_mw)
    su, cu, uc, pen = problem.supply_units, problem.capacity_units, problem.unit_cost, problem.penalty
    sink = n + m
    g = nx.DiGraph()
    for i in range(n):
        g.add_node(i, demand=-int(su[i]))
    for j in range(m):
        g.add_node(n + j, demand=0)
    g.add_node(sink, demand=int(su.sum()))
    for i, j, c in zip(problem.pair_site.tolist(), problem.pair_sub.tolist(), uc.tolist()):
        g.add_edge(i, n + j, weight=int(c), capacity=int(su[i]))
    for i in range(n):
        g.add_edge(i, sink, weight=pen, capacity=int(su[i]))
    for j in range(m):
        g.add_edge(n + j, sink, weight=0, capacity=int(cu[j]))
    return g


def _marginal_units(problem: AllocationProblem, graph: nx.DiGraph, flow: Mapping[Any, Mapping[Any, int]]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Shortest residual path from each substation to the sink (the shadow price of its capacity)."""
    n, m = len(problem.supply_mw), len(problem.capacity_mw)
    sink = n + m
    rev = nx.DiGraph()
    rev.add_nodes_from(graph.nodes)
    for a, b, d in graph.edges(data=True):
        f = flow[a][b]
        if f < d["capacity"]:
            rev.add_edge(b, a, weight=d["weight"])      # residual a→b, reversed
        if f > 0:
            rev.add_edge(a, b, weight=-d["weight"])     # residual b→a, reversed
    dist = nx.single_source_bellman_ford_path_length(rev, sink, weight="weight")
    marginal = np.full(m, np.nan)
    displaces = np.zeros(m, dtype=bool)
    limit = problem.displacement_threshold
    for j in range(m):
        d = dist.get(n + j)
        if d is None:
            continue
        if d > limit:
            displaces[j] = True
        else:
            marginal[j] = float(d)
    return marginal, displaces


def allocate_greedy(problem: AllocationProblem) -> Allocation:
    """Baseline: each site, in input order, takes its cheapest substation with room for all of it."""
    su, left = problem.supply_units, problem.capacity_units.copy()
    uc = problem.unit_cost
    units = np.zeros(len(problem.pair_site), dtype=np.int64)
    order = np.lexsort((problem.pair_sub, uc, problem.pair_site))
    bounds = np.flatnonzero(np.r_[True, problem.pair_site[order][1:] != problem.pair_site[order][:-1], True]) \
        if len(order) else np.array([0])
    for s, e in zip(bounds[:-1], bounds[1:]):
        for k in order[s:e]:
            i, j = problem.pair_site[k], problem.pair_sub[k]
            if left[j] >= su[i]:
                units[k] = su[i]
                left[j] -= su[i]
                break
    m = len(problem.capacity_mw)
    return Allocation("greedy", problem, units, np.full(m, np.nan), np.zeros(m, dtype=bool))


#: Allocators by name.
ALLOCATORS: dict[str, Callable[[AllocationProblem], Allocation]] = {
    "min_cost_flow": allocate_min_cost_flow,
    "greedy": allocate_greedy,
}


# ----------------------------------------------------------------------------------------------
# Orchestration and outputs
# ----------------------------------------------------------------------------------------------
#: Site status values and what they mean.
SITE_STATUS: dict[str, str] = {
    "connected": "connected to one substation",
    "split": "connected, its capacity split between substations (flow relaxation)",
    "partly_connected": "only part of its capacity fits into the free capacity within reach",
    "no_free_capacity": "suitable substations within reach, but none with free capacity left",
    "no_suitable_substation": "no substation of its level within the level's longest route",
    "above_all_levels": "capacity above every level's limit in the catalogue",
}


@dataclass(frozen=True)
class ConnectionResult:
    """Connections, site table and substation loads of a run.

    Attributes
    ----------
    connections : geopandas.GeoDataFrame
        One route per (site, substation) pair carrying MW: ``site_id``, ``substation``,
        ``level``, ``voltage_kv``, ``allocated_mw``, ``share``, ``length_km``, ``access_km``,
        ``cost_eur`` (whole pair), ``allocated_cost_eur`` (share × cost), ``split``.
    sites : geopandas.GeoDataFrame
        One row per site: ``site_id``, ``capacity_mw``, ``level``, ``voltage_kv``, ``status``,
        ``substation``, ``length_km``, ``connected_mw``, ``unconnected_mw``, ``cost_eur``,
        ``cost_eur_per_kw``, ``cheapest_option_eur``.
    substations : geopandas.GeoDataFrame
        One row per substation: ``name``, ``voltage``, ``free_capacity_mw``, ``allocated_mw``,
        ``remaining_mw``, ``n_sites``, ``utilisation_pct``, ``marginal_cost_eur_per_mw``,
        ``next_mw_displaces``, ``n_candidates``.
    allocation : Allocation
        The allocation chosen.
    baseline : Allocation or None
        The greedy allocation, for comparison.
    catalogue : ConnectionCatalogue
        Levels and costs used.
    topology : GridTopology or None
        The checked power-line topology, when power lines were given.
    """

    connections: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    substations: gpd.GeoDataFrame
    allocation: Allocation
    baseline: Allocation | None
    catalogue: ConnectionCatalogue
    topology: GridTopology | None = None

    def summary(self) -> dict[str, Any]:
        """Totals for logs and reports."""
        a = self.allocation
        connected = float(a.connected_mw_per_site.sum())
        out = {"allocation": a.method, "catalogue": self.catalogue.provenance(), "sites": len(self.sites),
               "capacity_mw": float(np.sum(a.problem.supply_mw)), "connected_mw": connected,
               "unconnected_mw": float(a.unconnected_mw.sum()), "cost_eur": a.connection_cost_eur,
               "cost_eur_per_kw": a.connection_cost_eur / (connected * 1000.0) if connected else float("nan"),
               "split_sites": int((self.sites["status"] == "split").sum()),
               "status": self.sites["status"].value_counts().to_dict()}
        if self.baseline is not None:
            b = self.baseline
            out["baseline"] = {"allocation": b.method, "connected_mw": float(b.connected_mw_per_site.sum()),
                               "cost_eur": b.connection_cost_eur}
        if self.topology is not None:
            out["topology"] = self.topology.summary()
        return out


def plan_connections(
    sites: gpd.GeoDataFrame,
    substations: gpd.GeoDataFrame,
    catalogue: ConnectionCatalogue | None = None,
    settings: ConnectionSettings = ConnectionSettings(),
    roads: gpd.GeoDataFrame | RoadNetwork | None = None,
    cost_surface: CostSurface | None = None,
    progress: Progress | None = None,
) -> ConnectionResult:
    """Choose levels, route, price and allocate the sites to substations.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Candidate sites (points or polygons) with ``settings.capacity_field`` [MW].
    substations : geopandas.GeoDataFrame
        Substations (points or polygons) with a voltage and a free-capacity field [MW].
    catalogue : ConnectionCatalogue, optional
        Levels and costs; default the ``grid_connection`` preset.
    settings : ConnectionSettings
        Fields and methods.
    roads : geopandas.GeoDataFrame or RoadNetwork, optional
        Road lines (``roads`` router).
    cost_surface : CostSurface, optional
        Cost-factor raster (``cost_raster`` router).
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    ConnectionResult

    Raises
    ------
    InputError
        Naming the layer, field or value at fault.
    """
    progress = progress or NullProgress()
    settings.check()
    catalogue = catalogue or load_connection_catalogue()
    crs = sites.crs
    if crs is not None:
        check_working_crs(crs)
    if substations.crs is not None and crs is not None and not CRS.from_user_input(substations.crs).equals(
            CRS.from_user_input(crs)):
        substations = substations.to_crs(crs)
    site_in = prepare_sites(sites, catalogue, settings)
    sub_in = prepare_substations(substations, settings)
    progress.report(0.02, "Road network")
    network = None
    if isinstance(roads, RoadNetwork):
        network = roads
    elif roads is not None:
        if crs is not None and roads.crs is not None and not CRS.from_user_input(roads.crs).equals(
                CRS.from_user_input(crs)):
            roads = roads.to_crs(crs)
        network = build_road_network(roads, settings.highway_field, dict(settings.road_factors) or None)
    check_cancelled(progress)
    router = ROUTERS[settings.router](RoutingInputs(site_in, sub_in, network, cost_surface, settings))
    levels = catalogue.levels
    suitable = np.array([[lv.suits(s) for s in sub_in.levels_v] for lv in levels], dtype=bool).reshape(
        len(levels), len(sub_in.names))
    limit = np.array([lv.max_route_m for lv in levels])
    progress.report(0.1, "Routes")
    cand = router.candidates(site_in.level, suitable, limit, SubProgress(progress, 0.1, 0.6))
    cost = _pair_costs(cand, site_in, levels)
    keep = _cheapest_per_site(cand.site, cost, settings.max_candidates)
    problem = AllocationProblem(site_in.capacity_mw, sub_in.free_mw, cand.site[keep], cand.substation[keep],
                                cost[keep], settings.mw_unit)
    progress.report(0.6, "Allocation")
    allocation = ALLOCATORS[settings.allocation](problem)
    baseline = allocate_greedy(problem) if settings.baseline and settings.allocation != "greedy" else None
    check_cancelled(progress)
    used = np.flatnonzero(allocation.pair_units > 0)
    progress.report(0.7, "Drawing routes")
    routes = router.routes([(int(problem.pair_site[k]), int(problem.pair_sub[k])) for k in used],
                           SubProgress(progress, 0.7, 0.95))
    frames = _frames(site_in, sub_in, catalogue, problem, allocation, used, routes, cand, crs)
    progress.report(1.0)
    return ConnectionResult(*frames, allocation, baseline, catalogue)


def _pair_costs(cand: Candidates, sites: SiteInputs, levels: Sequence[ConnectionLevel]) -> np.ndarray:
    line = np.array([lv.line_cost.value for lv in levels])
    bay = np.array([lv.bay_cost.value for lv in levels])
    lvl = sites.level[cand.site]
    return cand.weighted_m / 1000.0 * sites.terrain[cand.site] * line[lvl] + bay[lvl]


def _cheapest_per_site(site: np.ndarray, cost: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` cheapest pairs of every site."""
    if not len(site):
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((cost, site))
    s = site[order]
    start = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    rank = np.arange(len(s)) - np.repeat(start, np.diff(np.r_[start, len(s)]))
    return np.sort(order[rank < k])


def _frames(sites: SiteInputs, subs: SubstationInputs, catalogue: ConnectionCatalogue, problem: AllocationProblem,
            alloc: Allocation, used: np.ndarray, routes: list[Route], cand: Candidates, crs: Any
            ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    levels = catalogue.levels
    n = len(sites.ids)
    share, mw = alloc.pair_share, alloc.pair_mw
    n_conn = np.bincount(problem.pair_site[used], minlength=n)
    pi, pj = problem.pair_site[used], problem.pair_sub[used]
    level_id = [levels[k].id if k >= 0 else "" for k in sites.level]
    volt = [levels[k].connection_voltage_v / 1000.0 if k >= 0 else np.nan for k in sites.level]
    connections = gpd.GeoDataFrame({
        "site_id": sites.ids[pi] if len(used) else np.empty(0, dtype=object),
        "substation": [subs.names[j] for j in pj],
        "substation_index": pj.astype(np.int64),
        "level": [level_id[i] for i in pi],
        "voltage_kv": [volt[i] for i in pi],
        "allocated_mw": mw[used],
        "share": share[used],
        "length_km": [r.length_m / 1000.0 for r in routes],
        "access_km": [r.access_m / 1000.0 for r in routes],
        "cost_eur": problem.pair_cost_eur[used],
        "allocated_cost_eur": share[used] * problem.pair_cost_eur[used],
        "split": n_conn[pi] > 1,
    }, geometry=[r.geometry for r in routes], crs=crs)
    connected = alloc.connected_mw_per_site
    unconnected = alloc.unconnected_mw
    cost_site = np.bincount(pi, weights=share[used] * problem.pair_cost_eur[used], minlength=n)
    n_cand_all = np.bincount(cand.site, minlength=n)
    cheapest = np.full(n, np.nan)
    if len(problem.pair_site):
        tmp = np.full(n, np.inf)
        np.minimum.at(tmp, problem.pair_site, problem.pair_cost_eur)
        cheapest = np.where(np.isfinite(tmp), tmp, np.nan)
    main_sub = [""] * n
    main_len = np.full(n, np.nan)
    names_of: dict[int, list[str]] = {}
    best_share = np.zeros(n)
    for k, (i, j) in enumerate(zip(pi.tolist(), pj.tolist())):
        names_of.setdefault(i, []).append(subs.names[j])
        if share[used[k]] > best_share[i]:
            best_share[i] = share[used[k]]
            main_len[i] = routes[k].length_m / 1000.0
    for i, names in names_of.items():
        main_sub[i] = "; ".join(names)
    status = np.where(sites.level < 0, "above_all_levels",
                      np.where(n_cand_all == 0, "no_suitable_substation",
                               np.where(connected <= 1e-9, "no_free_capacity",
                                        np.where(unconnected > 1e-6, "partly_connected",
                                                 np.where(n_conn > 1, "split", "connected")))))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_kw = np.where(connected > 0, cost_site / (connected * 1000.0), np.nan)
    site_frame = gpd.GeoDataFrame({
        "site_id": sites.ids, "capacity_mw": sites.capacity_mw, "level": level_id, "voltage_kv": volt,
        "status": status, "substation": main_sub, "length_km": main_len, "connected_mw": connected,
        "unconnected_mw": unconnected, "cost_eur": np.where(connected > 0, cost_site, np.nan),
        "cost_eur_per_kw": per_kw, "cheapest_option_eur": cheapest,
    }, geometry=sites.geometry, crs=crs)
    load = alloc.load_mw
    m = len(subs.names)
    n_sites = np.bincount(pj, minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(subs.free_mw > 0, load / subs.free_mw * 100.0, np.nan)
    sub_frame = gpd.GeoDataFrame({
        "name": list(subs.names), "voltage": [";".join(str(v) for v in lv) for lv in subs.levels_v],
        "free_capacity_mw": subs.free_mw, "allocated_mw": load, "remaining_mw": np.round(subs.free_mw - load, 9),
        "n_sites": n_sites, "utilisation_pct": util, "marginal_cost_eur_per_mw": alloc.marginal_cost_eur_per_mw,
        "next_mw_displaces": alloc.displaces if len(alloc.displaces) else np.zeros(m, dtype=bool),
        "n_candidates": np.bincount(problem.pair_sub, minlength=m),
    }, geometry=subs.geometry, crs=crs)
    return connections, site_frame, sub_frame


@dataclass(frozen=True)
class ConnectionOutputs:
    """Where to write the results (None: not written).

    Attributes
    ----------
    connections : Path or None
        GeoPackage, layer ``connections`` (routes).
    sites : Path or None
        GeoPackage, layer ``connection_sites``.
    site_table : Path or None
        CSV of the site table.
    substations : Path or None
        GeoPackage, layer ``substation_load``.
    topology_report : Path or None
        GeoPackage, layer ``topology_report`` (needs power lines).
    """

    connections: Path | None = None
    sites: Path | None = None
    site_table: Path | None = None
    substations: Path | None = None
    topology_report: Path | None = None

    def paths(self) -> list[Path]:
        """Every file written (each once)."""
        return list(dict.fromkeys(Path(p) for p in (self.connections, self.sites, self.site_table,
                                                     self.substations, self.topology_report) if p))


def write_connection_outputs(result: ConnectionResult, outputs: ConnectionOutputs) -> ConnectionOutputs:
    """Write the outputs atomically (all or nothing); several layers may share one GeoPackage."""
    layers = [(outputs.connections, "connections", result.connections),
              (outputs.sites, "connection_sites", result.sites),
              (outputs.substations, "substation_load", result.substations)]
    if outputs.topology_report is not None:
        report = (result.topology.report_frame() if result.topology is not None
                  else issues_frame((), result.connections.crs))
        layers.append((outputs.topology_report, "topology_report", report))
    with OutputTransaction() as tx:
        temps: dict[Path, Path] = {}
        for path, layer, frame in layers:
            if path is None:
                continue
            path = Path(path)
            if path not in temps:
                temps[path] = tx.temp_for(path)
            write_vector(temps[path], frame, layer)
        if outputs.site_table is not None:
            table = pd.DataFrame(result.sites.drop(columns=result.sites.geometry.name))
            write_csv(tx.temp_for(Path(outputs.site_table)), list(table.columns),
                      table.itertuples(index=False, name=None))
    return outputs


def run_grid_connection(
    sites: LayerRef,
    substations: LayerRef,
    roads: LayerRef | None = None,
    catalogue: ConnectionCatalogue | str | Path | None = None,
    settings: ConnectionSettings = ConnectionSettings(),
    outputs: ConnectionOutputs = ConnectionOutputs(),
    crs: str | CRS = "EPSG:25832",
    cost_raster: Path | str | None = None,
    progress: Progress | None = None,
    power_lines: LayerRef | None = None,
    topology: TopologySettings | None = None,
) -> ConnectionResult:
    """Read the layers, plan the connections and write the outputs (all or nothing).

    Substations, roads and power lines are read within the sites' extent grown by the longest
    route of the catalogue, so that substations just outside the area are considered. With
    ``power_lines`` the grid topology is checked as well (``topology`` settings; its voltage
    and name fields default to the substation fields of ``settings``) and its report is
    written to ``outputs.topology_report``.

    Raises
    ------
    InputError
        Missing files, layers or fields, naming the layer and the fix.
    """
    progress = progress or NullProgress()
    working = check_working_crs(crs)
    cat = catalogue if isinstance(catalogue, ConnectionCatalogue) else load_connection_catalogue(
        catalogue or DEFAULT_PRESET)
    settings.check()
    sinfo = layer_info(sites, "sites")
    cols = settings.site_columns()
    missing = [c for c in cols if c not in sinfo.fields]
    if missing:
        hint = (" Choose the capacity field, or give a capacity per site or an area per MW."
                if settings.capacity_source == "field" and settings.capacity_field in missing else "")
        raise InputError(f"Sites layer ({sites.describe()}) has no field {', '.join(map(repr, missing))}. "
                         f"Fields present: {', '.join(sinfo.fields) or 'none'}.{hint}")
    site_frame = group_sites(read_layer(sites, "sites", working, None, cols, invalid="repair"), settings)
    reach = max(lv.max_route_m for lv in cat.levels) + 1000.0
    x0, y0, x1, y1 = site_frame.total_bounds
    bbox = (x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    subinfo = layer_info(substations, "substations")
    sub_cols = tuple(f for f in (settings.substation_voltage_field, settings.substation_free_field,
                                 settings.substation_name_field) if f in subinfo.fields)
    sub_frame = read_layer(substations, "substations", working, bbox, sub_cols, invalid="repair")
    road_frame = None
    if roads is not None:
        rinfo = layer_info(roads, "roads")
        rcols = (settings.highway_field,) if settings.highway_field in rinfo.fields else ()
        road_frame = read_layer(roads, "roads", working, bbox, rcols, invalid="repair")
    if outputs.topology_report is not None and power_lines is None:
        raise InputError("The topology report needs the power-line layer; give it, or leave the report out.")
    grid = None
    if power_lines is not None:
        topo_settings = topology or TopologySettings(substation_voltage_field=settings.substation_voltage_field,
                                                     name_field=settings.substation_name_field)
        topo_settings.check()
        line_frame, topo_subs = read_grid_layers(power_lines, substations, working, topo_settings, bbox)
        grid = build_topology(line_frame, topo_subs, topo_settings, SubProgress(progress, 0.0, 0.1))
    surface = read_cost_surface(cost_raster) if cost_raster is not None else None
    result = plan_connections(site_frame, sub_frame, cat, settings, road_frame, surface,
                              SubProgress(progress, 0.1 if grid is not None else 0.0, 1.0))
    if grid is not None:
        result = replace(result, topology=grid)
    check_cancelled(progress)
    write_connection_outputs(result, outputs)
    return result
