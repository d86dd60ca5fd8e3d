"""The sites and substations of a connection run, validated: capacities, levels, voltages.

:func:`group_sites` joins rows that share a site id (the turbines of one wind farm);
:func:`prepare_sites` reads each site's capacity [MW] by the rule of :data:`SITE_CAPACITY` and
picks its connection level from the catalogue; :func:`prepare_substations` reads the voltage
levels and the free capacity [MW] of each substation. Every refusal is an
:class:`~..errors.InputError` naming the layer, field and row at fault.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from .catalogue import ConnectionCatalogue
from .settings import ConnectionSettings
from .voltages import parse_voltages


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
    dropped : tuple of (str, int)
        Features of the layer left out because their type is no substation (``power=joint`` …), by type.
    """

    names: tuple[str, ...]
    levels_v: tuple[tuple[int, ...], ...]
    free_mw: np.ndarray
    geometry: np.ndarray
    dropped: tuple[tuple[str, int], ...] = ()


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
    # no sites is a result (a technology with 0 ha): nothing to connect, 0 MW
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
    dropped: tuple[tuple[str, int], ...] = ()
    if settings.substation_type_field in substations.columns:  # an OSM grid layer: joints and towers are no substations
        kind = substations[settings.substation_type_field].astype(object)
        other = kind.notna() & ~kind.astype(str).str.strip().str.lower().isin(settings.substation_types)
        if other.any():
            dropped = tuple(sorted(((str(k), int(n)) for k, n in kind[other].value_counts().items()),
                                   key=lambda kv: -kv[1]))
            substations = substations[~other.to_numpy()].reset_index(drop=True)
            if len(substations) == 0:
                raise InputError(
                    f"The substations layer holds no substation: its {settings.substation_type_field!r} values are "
                    f"{', '.join(f'{k} ({n})' for k, n in dropped)}; substations are "
                    f"{' or '.join(settings.substation_types)}. Give the substations layer.")
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
    return SubstationInputs(names, levels, free, substations.geometry.values, dropped)
