"""Reader of the scenario's ``grid:`` section: the topology check and the connections of site sets.

The sites a connection takes are a layer or the sites another step of the same scenario writes
(``sites: suitability.wind``, ``solar.pv_ground``, ``layout.wind``; see :data:`SITE_STEPS`).
Problems are collected, not raised.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.layers import ROLES, LayerRef
from ..grid.connection import ConnectionOutputs
from ..grid.settings import ConnectionSettings, TopologySettings
from ..spec import suggest, unknown_keys
from .model import GridConnectionRun, GridRun
from .values import layer_ref

#: Scenario steps whose sites the grid step connects (``sites: suitability.wind``): step → where
#: its run ``key`` writes them in the output folder.
SITE_STEPS: dict[str, Any] = {
    "suitability": lambda out_dir, key: LayerRef(str(out_dir / f"{key}_sites.gpkg"), "candidate_sites"),
}
#: ``grid.connect.<key>.sites: layout.wind``: the turbines of the scenario's wind layout (grouped by site_id).
SITE_STEPS["layout"] = lambda out_dir, key: LayerRef(str(out_dir / f"{key}_turbines.gpkg"), "turbines")
#: ``grid.connect.<key>.sites: immission.wind``: the layout's turbines that stand after noise and shadow flicker.
SITE_STEPS["immission"] = lambda out_dir, key: LayerRef(str(out_dir / f"{key}_immission_turbines.gpkg"), "turbines")
#: ``grid.connect.<key>.sites: repowering.wind``: the new turbines of the repowering step (with their rule).
SITE_STEPS["repowering"] = lambda out_dir, key: LayerRef(str(out_dir / f"{key}_repowering_turbines.gpkg"), "turbines")
#: ``grid.connect.<key>.sites: solar.pv_ground``: the solar sites of a solar step (their AC capacity_mw).
SITE_STEPS["solar"] = lambda out_dir, key: LayerRef(str(out_dir / f"{key}_solar_sites.gpkg"), "solar_sites")
_GRID = {"lines", "substations", "roads", "cost_raster", "catalogue", "snap_tolerance_m", "voltage_field",
         "substation_voltage_field", "free_capacity_field", "name_field", "unknown_free_capacity_mw",
         "allocation", "connect"}
_CONNECT = {"sites", "capacity_field", "site_capacity_mw", "area_ha_per_mw", "site_id_field", "terrain_factor_field"}


def _grid_layer(raw: Any, role: str, base: Path, layers: dict[str, LayerRef], where: str,
                problems: list[str]) -> LayerRef | None:
    """A grid input: a role of ``layers`` (default: ``role``), or {path, layer} / a path."""
    raw = role if raw is None else raw
    if isinstance(raw, str) and raw in ROLES:
        if raw not in layers:
            problems.append(f"{where}: the role {raw!r} is not under 'layers'; add it or give {{path, layer}}")
        return layers.get(raw)
    return layer_ref(raw, base, where, problems)


def _grid_sites(raw: Any, base: Path, out_dir: Path, steps: dict[str, set[str]], where: str,
                problems: list[str]) -> LayerRef | None:
    """Sites: ``<step>.<key>`` (the sites another step of this scenario writes) or a layer."""
    if isinstance(raw, str) and "." in raw and not raw.endswith((".gpkg", ".shp", ".geojson", ".fgb")):
        step, _, key = raw.partition(".")
        if step not in SITE_STEPS:
            problems.append(f"{where}: unknown step {step!r}{suggest(step, SITE_STEPS)}; steps with sites: "
                            f"{', '.join(SITE_STEPS)} (or give {{path, layer}})")
            return None
        if key not in steps.get(step, set()):
            problems.append(f"{where}: the scenario has no {step} step {key!r}{suggest(key, steps.get(step, ()))}")
            return None
        return SITE_STEPS[step](out_dir, key)
    if raw is None:
        problems.append(f"{where}: give the sites: a step's sites (e.g. suitability.wind) or {{path, layer}}")
        return None
    return layer_ref(raw, base, where, problems)


def read_grid(raw: Any, base: Path, layers: dict[str, LayerRef], out_dir: Path, crs: str,
              steps: dict[str, set[str]], problems: list[str]) -> GridRun | None:
    """Read the ``grid:`` key (problems are collected, not raised)."""
    if not isinstance(raw, dict):
        problems.append("grid: give a mapping, e.g. {snap_tolerance_m: 10, connect: {wind: {sites: suitability.wind}}}")
        return None
    unknown_keys(raw, _GRID, "grid.", problems)
    lines = None if raw.get("lines") is None and "power_lines" not in layers else _grid_layer(
        raw.get("lines"), "power_lines", base, layers, "grid.lines", problems)  # no lines: no topology check
    subs = _grid_layer(raw.get("substations"), "substations", base, layers, "grid.substations", problems)
    cost_raster = (base / str(raw["cost_raster"])).resolve() if raw.get("cost_raster") else None
    roads = None if cost_raster is not None and raw.get("roads") is None else _grid_layer(
        raw.get("roads"), "roads", base, layers, "grid.roads", problems)
    catalogue = str(raw.get("catalogue", "grid_connection"))
    if catalogue.endswith((".yaml", ".yml")):
        catalogue = str((base / catalogue).resolve())
    fields = {"substation_voltage_field": str(raw.get("substation_voltage_field", "voltage")),
              "substation_name_field": str(raw.get("name_field", "name"))}
    try:
        topology = TopologySettings(snap_tolerance_m=float(raw.get("snap_tolerance_m", 10.0)),
                                    voltage_field=str(raw.get("voltage_field", "voltage")),
                                    substation_voltage_field=fields["substation_voltage_field"],
                                    name_field=fields["substation_name_field"])
        topology.check()
    except (TypeError, ValueError) as exc:
        problems.append(f"grid.snap_tolerance_m: {exc}")
        return None
    connections = []
    for key, spec in (raw.get("connect") or {}).items():
        where = f"grid.connect.{key}"
        spec = spec if isinstance(spec, dict) else {"sites": spec}
        unknown_keys(spec, _CONNECT, f"{where}.", problems)
        sites = _grid_sites(spec.get("sites"), base, out_dir, steps, f"{where}.sites", problems)
        try:
            settings = ConnectionSettings(
                capacity_field=str(spec.get("capacity_field", "capacity_mw")),
                site_capacity_mw=None if spec.get("site_capacity_mw") is None else float(spec["site_capacity_mw"]),
                area_ha_per_mw=None if spec.get("area_ha_per_mw") is None else float(spec["area_ha_per_mw"]),
                site_id_field=spec.get("site_id_field"),  # None: site_id where the layer has it
                terrain_factor_field=spec.get("terrain_factor_field"),
                substation_free_field=str(raw.get("free_capacity_field", "free_capacity_mw")),
                unknown_free_capacity_mw=(None if raw.get("unknown_free_capacity_mw") is None
                                          else float(raw["unknown_free_capacity_mw"])),
                allocation=str(raw.get("allocation", "min_cost_flow")),
                router="cost_raster" if cost_raster is not None else "roads", **fields)
            settings.check()
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        if sites is not None:
            gpkg = out_dir / f"{key}_grid.gpkg"
            connections.append(GridConnectionRun(key, sites, settings, ConnectionOutputs(
                connections=gpkg, sites=gpkg, site_table=out_dir / f"{key}_grid_sites.csv", substations=gpkg)))
    if subs is None:
        return None
    return GridRun(lines, subs, roads, cost_raster, catalogue, topology, crs, out_dir / "grid_topology.gpkg",
                   out_dir / "grid_topology.gpkg", tuple(connections))

