"""The scenario runner (``wip run``): every step of a scenario, in order, as JSON results.

A step runs the engine orchestrator with the scenario's typed sections and maps its result with
the adapter's ``<job>_json`` (:mod:`.adapters`), so the CLI prints a ``wip run`` step and the
matching subcommand's job alike. The runner lives in ``jobs/``, not in ``scenario/``, because it
uses those mappings; it prints nothing (the CLI does).

A scenario step is not sent as a :class:`.protocol.Job`: its catalogue is loaded and modified
by the scenario file (overrides, settlement setback, suitability overrides), which a job's
catalogue argument (a preset or file plus overrides) cannot yet describe.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..data.layers import LayerRef, layer_info
from ..eligibility.engine import run_eligibility
from ..eligibility.sweep import SweepOutputs, SweepSettings, run_setback_sweep
from ..eligibility.windbg import WindbgOutputs, WindbgSettings, municipal_areas, windbg_accounting
from ..grid.connection import run_grid_connection
from ..grid.topology import TopologyOutputs, check_grid_topology
from ..profile.engine import run_profile
from ..profile.outputs import profile_json
from ..progress import NullProgress, Progress
from ..scenario.spec import Scenario, plan_from_scenario
from ..solar.ground import run_solar_potential
from ..solar.rooftop import run_rooftop_solar
from ..suitability.engine import SensitivitySettings, SuitabilityOutputs, SuitabilitySettings, run_suitability
from ..wind.energy import run_wind_yield
from ..wind.layout import run_turbine_layout
from .adapters import (
    eligibility_json,
    grid_connection_json,
    grid_topology_json,
    rooftop_solar_json,
    setback_sweep_json,
    solar_potential_json,
    suitability_json,
    turbine_layout_json,
    wind_yield_json,
    windbg_json,
)

#: ``progress_for(label)``: the progress of one step (the CLI gives a terminal bar per step).
ProgressFactory = Callable[[str], Progress]


@dataclass(frozen=True)
class StepResult:
    """One finished step of a scenario.

    Attributes
    ----------
    kind : str
        The job name of the step (``eligibility``, ``suitability``, ``windbg``, ``solar_potential``,
        ``rooftop_solar``, ``wind_yield``, ``turbine_layout``, ``setback_sweep``, ``grid_topology``,
        ``grid_connection``, ``profile``).
    key : str
        The technology key of the step (its label).
    result : dict
        The JSON result, as the job of the same name returns it.
    seconds : float
        Wall time of the step [s].
    files : tuple of str
        The files the step wrote (None left out).
    details : dict
        Step settings the CLI prints beside the result (e.g. the catalogue version).
    """

    kind: str
    key: str
    result: dict[str, Any]
    seconds: float
    files: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


def scenario_keys(sc: Scenario) -> set[str]:
    """The technology keys ``wip run --only`` accepts for a scenario."""
    known = {r.key for r in sc.runs} | ({"grid", *(c.key for c in sc.grid.connections)} if sc.grid else set())
    known |= {"wind"} if sc.wind is not None else set()
    known |= {"profile"} if sc.profile is not None else set()  # municipal energy profile
    known |= {r.key for r in sc.solar} | ({"rooftop"} if sc.rooftop is not None else set())  # solar, rooftop PV
    return known


def eligible_areas_ref(path: Path | None) -> LayerRef | None:
    """The eligible-area polygons of an earlier step, if it wrote them."""
    return LayerRef(str(path), "eligible_areas") if path is not None and Path(path).exists() else None


def with_site_ids(sites: LayerRef, settings: Any) -> Any:
    """The settings with ``site_id_field = "site_id"`` where none is set and the sites layer has one."""
    if settings.site_id_field is None and "site_id" in layer_info(sites, "sites").fields:
        return replace(settings, site_id_field="site_id")
    return settings


def _files(*paths: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(p) for p in paths if p is not None))


def run_scenario(sc: Scenario, only: Collection[str] | None = None, resolution_m: float | None = None,
                 progress_for: ProgressFactory | None = None) -> Iterator[StepResult]:
    """Run the steps of a scenario in order, yielding each result as it finishes.

    Parameters
    ----------
    sc : Scenario
        The loaded scenario.
    only : collection of str, optional
        Technology keys to run (see :func:`scenario_keys`); default: every step.
    resolution_m : float, optional
        Overrides the scenario's resolution of the eligibility and profile steps [m].
    progress_for : callable, optional
        ``progress_for(label)`` gives the progress of each step.
    """
    progress_for = progress_for or (lambda label: NullProgress())

    def wanted(key: str) -> bool:
        return not only or key in only

    for run in sc.runs:
        if wanted(run.key):
            settings = replace(run.settings, resolution_m=resolution_m) if resolution_m else run.settings
            t0 = time.perf_counter()
            res = run_eligibility(run.catalogue, sc.layers, sc.aoi, run.outputs, settings, progress_for(run.key))
            yield StepResult("eligibility", run.key, eligibility_json(res), time.perf_counter() - t0,
                             details={"catalogue": run.catalogue.id, "version": run.catalogue.version})
    for su in sc.suitability:
        if wanted(su.key):
            t0 = time.perf_counter()
            sens = SensitivitySettings(**su.sensitivity) if su.sensitivity else None
            outputs = SuitabilityOutputs(su.suitability, su.sites, su.sites_table, su.stability)
            res = run_suitability(su.run.catalogue, sc.layers, sc.rasters, sc.aoi, su.run.outputs.eligibility,
                                  outputs, SuitabilitySettings(sensitivity=sens),
                                  progress_for(f"{su.key} suitability"),
                                  eligible_areas=eligible_areas_ref(su.run.outputs.polygons))
            yield StepResult("suitability", su.key, suitability_json(res), time.perf_counter() - t0,
                             _files(su.suitability, su.sites, su.sites_table, su.stability))
    for wb in sc.windbg:
        if wanted(wb.key):
            t0 = time.perf_counter()
            settings = wb.run.settings
            munis = municipal_areas(sc.aoi, settings.crs, invalid=settings.invalid_geometries)
            turbine = settings.turbine or wb.run.catalogue.reference_turbine
            res = windbg_accounting(munis, eligible_areas_ref(wb.run.outputs.polygons), WindbgOutputs(wb.table),
                                    WindbgSettings(rotor_in=wb.rotor_in, turbine=turbine, crs=settings.crs,
                                                   tower_foot_radius_m=wb.tower_foot_radius_m))
            yield StepResult("windbg", wb.key, windbg_json(res, wb.table), time.perf_counter() - t0, _files(wb.table))
    for so in sc.solar:  # solar potential of eligible land
        if wanted(so.key):
            t0 = time.perf_counter()
            res = run_solar_potential(so.eligibility, sc.rasters, sc.aoi, so.sites, so.outputs, so.settings,
                                      progress_for(f"{so.key} solar"))
            yield StepResult("solar_potential", so.key, solar_potential_json(res), time.perf_counter() - t0,
                             _files(*vars(so.outputs).values()), {"horizon": so.settings.horizon})
    if sc.rooftop is not None and wanted("rooftop"):
        rt = sc.rooftop
        t0 = time.perf_counter()
        res = run_rooftop_solar(rt.buildings, sc.aoi, rt.outputs, rt.settings, progress_for("rooftop PV"))
        yield StepResult("rooftop_solar", "rooftop", rooftop_solar_json(res), time.perf_counter() - t0,
                         _files(*vars(rt.outputs).values()))
    if sc.wind is not None and wanted("wind"):
        yield from run_wind(sc.wind, sc.layers, sc.aoi, progress_for)
    for sw in sc.sweeps:
        if wanted(sw.key):
            t0 = time.perf_counter()
            res = run_setback_sweep(sw.run.catalogue, sc.layers, sc.aoi, sw.criterion_id, sw.setbacks_m,
                                    sw.variants, SweepOutputs(table=sw.table, chart=sw.chart),
                                    SweepSettings(sw.run.settings), progress=progress_for(f"{sw.key} sweep"))
            yield StepResult("setback_sweep", sw.key, setback_sweep_json(res), time.perf_counter() - t0,
                             _files(sw.table, sw.chart))
    if sc.grid is not None:
        grid = sc.grid
        if grid.lines is not None and wanted("grid"):
            t0 = time.perf_counter()
            topo = check_grid_topology(grid.lines, grid.substations, TopologyOutputs(grid.report, grid.cleaned_lines),
                                       replace(grid.topology, crs=grid.crs), progress=progress_for("grid topology"))
            yield StepResult("grid_topology", "grid", grid_topology_json(topo, grid.report, grid.cleaned_lines),
                             time.perf_counter() - t0, _files(grid.report),
                             {"snap_tolerance_m": grid.topology.snap_tolerance_m})
        for conn in grid.connections:
            if wanted(conn.key) or wanted("grid"):
                t0 = time.perf_counter()
                settings = replace(with_site_ids(conn.sites, conn.settings), crs=grid.crs)
                res = run_grid_connection(conn.sites, grid.substations, grid.roads, grid.catalogue, grid.cost_raster,
                                          outputs=conn.outputs, settings=settings,
                                          progress=progress_for(f"{conn.key} grid"))
                yield StepResult("grid_connection", conn.key, grid_connection_json(res), time.perf_counter() - t0,
                                 _files(*conn.outputs.paths()),
                                 {"router": "roads" if grid.cost_raster is None else "the cost raster"})
    if sc.profile is not None and wanted("profile"):
        yield run_profile_step(sc, resolution_m, progress_for=progress_for)


def run_wind(run: Any, layers: Any, aoi: Any, progress_for: ProgressFactory | None = None) -> Iterator[StepResult]:
    """The wind steps of a scenario: yield rasters, then the layout if the run has one."""
    progress_for = progress_for or (lambda label: NullProgress())
    if run.outputs is not None:
        t0 = time.perf_counter()
        res = run_wind_yield(run.turbine, aoi, run.rasters, layers, run.outputs, run.settings,
                             progress_for("wind yield"))
        out = run.outputs
        yield StepResult("wind_yield", "wind", wind_yield_json(res), time.perf_counter() - t0,
                         _files(out.energy, out.full_load_hours, out.wind_speed, out.table))
    if run.layout is not None:
        t0 = time.perf_counter()
        res = run_turbine_layout(run.turbine, run.areas, run.rasters, layers, run.layout_outputs, run.layout,
                                 progress_for("turbine layout"))
        out = run.layout_outputs
        yield StepResult("turbine_layout", "wind", turbine_layout_json(res), time.perf_counter() - t0,
                         _files(out.turbines, out.sites_table, out.municipalities_table, out.sites))


def run_profile_step(sc: Scenario, resolution_m: float | None = None, names: Collection[str] | None = None,
                     language: str | None = None, report: bool | None = None,
                     progress_for: ProgressFactory | None = None) -> StepResult:
    """The ``profile:`` step: indicators, balance and reports per municipality (core/profile/)."""
    progress_for = progress_for or (lambda label: NullProgress())
    plan = plan_from_scenario(sc, resolution_m)
    if names:
        plan = replace(plan, aoi=replace(plan.aoi, names=tuple(names)))
    if language:
        plan = replace(plan, language=language)
    if report is not None:
        plan = replace(plan, report=report)
    t0 = time.perf_counter()
    res = run_profile(plan, progress_for("profile"))
    return StepResult("profile", "profile", profile_json(res), time.perf_counter() - t0)
