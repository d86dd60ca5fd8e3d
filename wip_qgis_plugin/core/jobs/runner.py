"""The scenario runner (``wip run``): every step of a scenario, in order, as jobs.

Each step of a scenario becomes the :class:`.protocol.Job` of the matching subcommand and
Processing algorithm, built with the same builder (:mod:`.build`) and run in this process with
:func:`.protocol.run_job`; so a ``wip run`` step, ``wip <subcommand>`` and the QGIS algorithm
decode their inputs with the same adapter (:mod:`.adapters`) and return the same JSON result. A
technology's catalogue travels as the job spec the scenario keeps beside the loaded catalogue
(:attr:`.scenario.model.TechnologyRun.catalogue_spec`: preset or file plus overrides).

Steps are built lazily (:func:`scenario_steps`): a step reads the outputs of earlier steps (the
eligible areas, the sites of the layout), so its job is made only after those ran. The runner
lives in ``jobs/``, not in ``scenario/``, because it builds jobs; it prints nothing (the CLI does).

A scenario with ``sources:`` (or ``wip run --source``) is prepared once per run
(:func:`prepared_scenario`): the sources become one canonical GeoPackage in a temporary folder that
is deleted when the run ends, and every placeholder layer of the scenario
(:func:`.scenario.sources_section.source_placeholder`) is replaced by its prepared layer, so every
step reads the same prepared layers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogue.loader import Catalogue
from ..data.layers import LayerRef, layer_info
from ..data.sources.prepare import PreparedSources, prepare_sources
from ..eligibility.budget import check_resolution
from ..errors import InputError
from ..progress import NullProgress, Progress
from ..scenario.model import Scenario, TechnologyRun
from ..scenario.sources_section import is_source_placeholder
from ..scenario.spec import plan_from_scenario
from .adapters import source_bbox, sources_json
from ..units import Turbine
from .build import (
    eligibility_job,
    grid_connection_job,
    grid_topology_job,
    immission_job,
    plan_areas_job,
    profile_job,
    repowering_job,
    rooftop_solar_job,
    setback_sweep_job,
    solar_potential_job,
    suitability_job,
    turbine_layout_job,
    wind_yield_job,
    windbg_job,
)
from .protocol import Job, encode_dataclass, job_outputs, run_job

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
        ``grid_connection``, ``profile``; ``sources`` for the sources prepared for the run).
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


@dataclass(frozen=True)
class ScenarioStep:
    """One step of a scenario before it runs: the job and what the CLI prints beside its result.

    Attributes
    ----------
    key : str
        The technology key of the step.
    label : str
        Label of the step's progress.
    job : Job
        The job the step runs (its name is the step's kind).
    files : tuple of str
        The files the step writes (None left out).
    details : dict
        Step settings the CLI prints beside the result.
    """

    key: str
    label: str
    job: Job
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


def job_catalogue(run: TechnologyRun) -> dict[str, Any]:
    """The catalogue of a scenario's technology run as a job names it (preset or file plus overrides)."""
    if not run.catalogue_spec:
        raise InputError(f"Scenario technology {run.key!r}: no catalogue spec to send as a job; load the scenario "
                         "with load_scenario (it records the catalogue, overrides and setbacks).")
    return dict(run.catalogue_spec)


def setback_turbine(turbine: Turbine | None) -> Turbine | None:
    """The dimensions of a turbine (a power-curve turbine reduced to the :class:`.units.Turbine` a job carries)."""
    return None if turbine is None else Turbine(turbine.hub_height_m, turbine.rotor_diameter_m, turbine.name)


def _files(*paths: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(p) for p in paths if p is not None))


def run_step(step: ScenarioStep, progress: Progress | None = None, single_process: bool = False) -> StepResult:
    """Run one step's job in this process (:func:`.protocol.run_job`), timing it.

    ``single_process``: no forked tile workers, e.g. in a Dask worker, whose processes may not have children.
    """
    t0 = time.perf_counter()
    job = replace(step.job, single_process=True) if single_process else step.job
    result = run_job(job, progress or NullProgress())
    return StepResult(step.job.name, step.key, result, time.perf_counter() - t0, step.files, step.details)


def scenario_steps(sc: Scenario, only: Collection[str] | None = None,
                   resolution_m: float | None = None, scheduler: str | None = None) -> Iterator[ScenarioStep]:
    """The steps of a scenario in order, each built when the previous one has run.

    A step's job may depend on the files of earlier steps (the eligible areas of windbg and
    suitability, the site ids of the grid connection), so build the next step only after running
    the last one (as :func:`run_scenario` does).

    Parameters
    ----------
    sc : Scenario
        The loaded scenario.
    only : collection of str, optional
        Technology keys to run (see :func:`scenario_keys`); default: every step.
    resolution_m : float, optional
        Overrides the scenario's resolution of the eligibility and profile steps [m].
    scheduler : str, optional
        Run the tiles of the eligibility steps on this Dask scheduler (``local[:N]`` or ``tcp://HOST:PORT``).
    """
    def wanted(key: str) -> bool:
        return not only or key in only

    if resolution_m is not None:  # an override is used or refused, never ignored (0, nan, inf)
        check_resolution(resolution_m)
    for run in sc.runs:
        if wanted(run.key):
            settings = replace(run.settings, resolution_m=resolution_m) if resolution_m is not None else run.settings
            settings = replace(settings, scheduler=scheduler) if scheduler else settings
            yield ScenarioStep(run.key, run.key, eligibility_job(
                job_catalogue(run), sc.layers, sc.aoi, run.outputs,
                replace(settings, turbine=setback_turbine(settings.turbine))),
                details={"catalogue": run.catalogue.id, "version": run.catalogue.version})
    for su in sc.suitability:
        if wanted(su.key):
            outputs = {"suitability": su.suitability, "sites": su.sites, "sites_table": su.sites_table,
                       "stability": su.stability}
            yield ScenarioStep(su.key, f"{su.key} suitability", suitability_job(
                job_catalogue(su.run), sc.layers, sc.rasters, sc.aoi, su.run.outputs.eligibility, outputs,
                {"sensitivity": su.sensitivity}, eligible_areas_ref(su.run.outputs.polygons)),
                _files(su.suitability, su.sites, su.sites_table, su.stability))
    for wb in sc.windbg:
        if wanted(wb.key):
            settings = wb.run.settings
            turbine = settings.turbine or wb.run.catalogue.reference_turbine
            yield ScenarioStep(wb.key, wb.key, windbg_job(
                sc.aoi, settings.crs, eligible_areas_ref(wb.run.outputs.polygons), wb.table, wb.rotor_in,
                setback_turbine(turbine), wb.tower_foot_radius_m, invalid_geometries=settings.invalid_geometries),
                _files(wb.table))
            if wb.plan_areas is not None:  # the regional plan's designated areas against the law and the model
                yield ScenarioStep(wb.key, f"{wb.key} plan areas", plan_areas_job(
                    wb.plan_areas, sc.aoi, {"table": wb.plan_table, "criteria_table": wb.plan_criteria_table},
                    {"crs": settings.crs, "rotor_in": wb.plan_rotor_in, "turbine": setback_turbine(turbine),
                     "tower_foot_radius_m": wb.tower_foot_radius_m,
                     "invalid_geometries": "repair" if settings.invalid_geometries == "error"
                     else settings.invalid_geometries},
                    str(wb.run.outputs.reasons) if wb.run.outputs.reasons else None),
                    _files(wb.plan_table, wb.plan_criteria_table))
    for so in sc.solar:  # solar potential of eligible land
        if wanted(so.key):
            yield ScenarioStep(so.key, f"{so.key} solar", solar_potential_job(
                so.eligibility, so.outputs, so.settings, sc.rasters, sc.aoi, so.sites),
                _files(*vars(so.outputs).values()), {"horizon": so.settings.horizon})
    if sc.rooftop is not None and wanted("rooftop"):
        rt = sc.rooftop
        yield ScenarioStep("rooftop", "rooftop PV", rooftop_solar_job(rt.buildings, rt.outputs, rt.settings, sc.aoi),
                           _files(*vars(rt.outputs).values()))
    if sc.wind is not None and wanted("wind"):
        yield from wind_steps(sc.wind, sc.layers, sc.aoi)
    for sw in sc.sweeps:
        if wanted(sw.key):
            settings = sw.run.settings
            yield ScenarioStep(sw.key, f"{sw.key} sweep", setback_sweep_job(
                job_catalogue(sw.run), sc.layers, sc.aoi, sw.criterion_id, sw.setbacks_m,
                replace(settings, turbine=setback_turbine(settings.turbine)), sw.variants, sw.table, sw.chart),
                _files(sw.table, sw.chart))
    if sc.grid is not None:
        yield from grid_steps(sc.grid, wanted)
    if sc.profile is not None and wanted("profile"):
        yield profile_step(sc, resolution_m, scheduler=scheduler)


def wind_steps(run: Any, layers: Any, aoi: Any) -> Iterator[ScenarioStep]:
    """The wind steps of a scenario (a :class:`.scenario.model.WindRun`): yield rasters, then the layout if any."""
    if run.outputs is not None:
        out = run.outputs
        yield ScenarioStep("wind", "wind yield", wind_yield_job(run.turbine, aoi, run.rasters, layers, out,
                                                                run.settings),
                           _files(out.energy, out.full_load_hours, out.wind_speed, out.table))
    if run.layout is not None:
        out = run.layout_outputs
        yield ScenarioStep("wind", "turbine layout", turbine_layout_job(run.turbine, run.areas, run.rasters, layers,
                                                                        out, run.layout, aoi),
                           _files(out.turbines, out.sites_table, out.municipalities_table, out.sites))
    if run.layout is not None and run.immission is not None:
        out = run.immission_outputs
        yield ScenarioStep("wind", "immission", immission_job(
            LayerRef(str(run.layout_outputs.turbines), "turbines"),
            {k: v for k, v in layers.items() if k in ("buildings", "landuse", "wind_turbines")}, out, run.immission,
            {"dem": run.rasters["dem"]} if run.rasters.get("dem") else {}),
            _files(out.receptors, out.turbines, out.noise_raster, out.contours, out.shadow_raster))
    if run.repowering is not None:
        yield repowering_step(run, layers, aoi)


def repowering_step(run: Any, layers: Any, aoi: Any) -> ScenarioStep:
    """``wind.repowering``: the existing turbines against the checked layout, the layout, or a placed one."""
    rp = run.repowering
    new, placement = None, None
    if rp.turbines == "place":
        placement = {"eligible_areas": rp.areas, "turbine": run.turbine, "rasters": run.rasters, "layers": {
            k: v for k, v in layers.items() if k in ("landuse", "water", "buildings")}, "settings": rp.layout}
    else:
        out = run.immission_outputs if rp.turbines == "immission" else run.layout_outputs
        new = LayerRef(str(out.turbines), "turbines")
    out = rp.outputs
    return ScenarioStep("wind", "repowering", repowering_job(
        rp.existing, new, out, replace(rp.settings, name_field=aoi.name_field), aoi.layer, rp.plan_areas, placement),
        _files(out.old_turbines, out.table, out.turbines))


def grid_steps(grid: Any, wanted: Callable[[str], bool]) -> Iterator[ScenarioStep]:
    """The grid steps of a scenario (a :class:`.scenario.model.GridRun`): the topology check, then each connection."""
    if grid.lines is not None and wanted("grid"):
        yield ScenarioStep("grid", "grid topology", grid_topology_job(
            grid.lines, grid.substations, grid.crs, grid.topology, grid.report, grid.cleaned_lines),
            _files(grid.report), {"snap_tolerance_m": grid.topology.snap_tolerance_m})
    for conn in grid.connections:
        if wanted(conn.key) or wanted("grid"):
            settings = replace(with_site_ids(conn.sites, conn.settings), crs=grid.crs)  # the sites exist by now
            yield ScenarioStep(conn.key, f"{conn.key} grid", grid_connection_job(
                conn.sites, grid.substations, grid.roads, grid.catalogue, settings, conn.outputs, grid.crs,
                grid.cost_raster), _files(*conn.outputs.paths()),
                {"router": "roads" if grid.cost_raster is None else "the cost raster"})


def profile_step(sc: Scenario, resolution_m: float | None = None, names: Collection[str] | None = None,
                 language: str | None = None, report: bool | None = None,
                 scheduler: str | None = None) -> ScenarioStep:
    """The ``profile:`` step as a job: the scenario's plan, with the CLI's overrides (``scheduler``: the Dask
    scheduler of its eligibility tiles)."""
    if resolution_m is not None:
        check_resolution(resolution_m)
    plan = plan_from_scenario(sc, resolution_m)
    if names:
        plan = replace(plan, aoi=replace(plan.aoi, names=tuple(names)))
    if language:
        plan = replace(plan, language=language)
    if report is not None:
        plan = replace(plan, report=report)
    if scheduler:
        plan = replace(plan, scheduler=scheduler)
    return ScenarioStep("profile", "profile", profile_job(plan))


def bind_layers(value: Any, layers: Mapping[str, LayerRef]) -> Any:
    """``value`` with every source placeholder replaced by the prepared layer of its role.

    Walks dataclasses (catalogues apart), dicts, lists and tuples; what holds no placeholder is
    returned as it is.

    A placeholder in a mapping (the layers of a step) whose role the sources hold no feature of is dropped, so the
    criteria reading it are not assessed (:func:`.data.sources.prepare.prepare_sources`).

    Raises
    ------
    InputError
        If a placeholder standing alone (e.g. the municipalities) has a role not among the prepared layers.
    """
    if is_source_placeholder(value):
        if value.layer not in layers:
            raise InputError(f"The scenario's sources give no layer for the role {value.layer!r}; prepared: "
                             f"{', '.join(layers) or 'none'}. Give it under 'layers:'.")
        return layers[value.layer]
    if isinstance(value, (LayerRef, Catalogue, str, bytes, int, float, bool)) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = bind_layers(old, layers)
            if new is not old:
                changed[f.name] = new
        return replace(value, **changed) if changed else value
    if isinstance(value, dict):  # a role the sources hold no feature of is left out: its criteria are not assessed
        items = {k: bind_layers(v, layers) for k, v in value.items()
                 if not (is_source_placeholder(v) and v.layer not in layers)}
        return items if len(items) != len(value) or any(items[k] is not v for k, v in value.items()) else value
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        seq = [bind_layers(v, layers) for v in value]
        return type(value)(seq) if any(a is not b for a, b in zip(seq, value)) else value
    return value


@contextmanager
def prepared_scenario(sc: Scenario, progress: Progress | None = None
                      ) -> Iterator[tuple[Scenario, PreparedSources | None]]:
    """The scenario with its sources prepared (and None without sources); the prepared files live in the block.

    The sources are written once into a temporary folder in the scenario's CRS
    (:func:`.data.sources.prepare.prepare_sources`) that is deleted when the block ends, also on an
    error or a cancel; every placeholder layer is replaced by its prepared layer (:func:`bind_layers`).
    """
    if not sc.sources:
        yield sc, None
        return
    bbox = None  # with a municipality layer of its own, only what lies within reach of the selected areas is read
    if not is_source_placeholder(sc.aoi.layer):
        bbox = source_bbox(encode_dataclass(sc.aoi), [r.catalogue for r in sc.runs], sc.crs)
    with tempfile.TemporaryDirectory(prefix="wip-sources-") as workdir:
        prepared = prepare_sources(sc.sources, workdir, sc.crs, bbox=bbox, progress=progress)
        yield bind_layers(sc, prepared.layers), prepared


def sources_result(prepared: PreparedSources) -> StepResult:
    """The prepared sources as the first result of a run (kind ``sources``): detection lines, counts, notes."""
    return StepResult("sources", "sources", sources_json(prepared), prepared.seconds)


#: The ``Path`` fields of a loaded scenario that are read, not written (every other ``Path`` is an output).
_READ_PATH_FIELDS = frozenset({("Scenario", "path"), ("Scenario", "output_dir"), ("GridRun", "cost_raster"),
                               ("SolarRun", "eligibility")})


def _layer_files(refs: Any) -> list[str]:
    return [ref.path for ref in refs if isinstance(ref, LayerRef)]


def scenario_paths(sc: Scenario) -> tuple[list[Path], list[Path]]:
    """The files the user gives a scenario (layers, rasters, sources, catalogues, grid and profile inputs) and
    every file its steps write (each ``Path`` of the loaded scenario but the file itself and the few inputs that
    are paths: the grid's cost raster, the solar steps' eligibility rasters)."""
    given: list[Any] = [*_layer_files([*sc.layers.values(), sc.aoi.layer]), *sc.rasters.values(),
                        *(getattr(s, "path", s) for s in sc.sources)]
    for run in sc.runs:
        given += [run.catalogue.origin, *_layer_files(b.layer for b in run.settings.layer_bindings),
                  *(r.get("path") if isinstance(r, Mapping) else r for r in run.settings.rasters.values())]
    if sc.wind is not None:
        given += list(sc.wind.rasters.values())
    if sc.grid is not None:
        given += [sc.grid.cost_raster, *_layer_files([sc.grid.lines, sc.grid.substations, sc.grid.roads])]
    if sc.profile is not None:
        given += [sc.profile.demand_table, sc.profile.weather]
    given += _layer_files(w.plan_areas for w in sc.windbg)
    inputs = [Path(str(g).split("|", 1)[0]) for g in given if isinstance(g, (str, Path)) and str(g)]
    outputs: list[Path] = []

    def walk(value: Any) -> None:
        if isinstance(value, Catalogue) or value is None:
            return
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                if (type(value).__name__, f.name) not in _READ_PATH_FIELDS:
                    walk(getattr(value, f.name))
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, Path):
            outputs.append(value)
    walk(sc)
    return [p for p in inputs if p.is_file()], outputs


def check_scenario_paths(sc: Scenario) -> None:
    """Refuse, before the first step, a scenario one of whose steps would write onto a file it reads.

    Raises
    ------
    InputError
        Naming the file and the fix.
    """
    inputs, outputs = scenario_paths(sc)
    read = {str(p.resolve()): p for p in inputs}
    for out in outputs:
        if str(out.resolve()) in read:
            raise InputError(f"The scenario would write {str(out)!r}, which is also one of its inputs; the run would "
                             "replace the input. Move the input out of the output folder or choose another "
                             "output_dir.")


def run_scenario(sc: Scenario, only: Collection[str] | None = None, resolution_m: float | None = None,
                 progress_for: ProgressFactory | None = None, single_process: bool = False,
                 scheduler: str | None = None) -> Iterator[StepResult]:
    """Run the steps of a scenario in order (:func:`scenario_steps`), yielding each result as it finishes.

    With sources, the first result is of kind ``sources`` (:func:`sources_result`) and the steps read
    the layers prepared once for the run (:func:`prepared_scenario`).

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
    single_process : bool
        Compute every step in this process, without forked tile workers (a Dask worker's tasks).
    scheduler : str, optional
        Run the tiles of the eligibility steps as tasks of this Dask scheduler (:mod:`.eligibility.dask_tiles`).
    """
    progress_for = progress_for or (lambda label: NullProgress())
    check_scenario_paths(sc)
    with prepared_scenario(sc, progress_for("sources") if sc.sources else None) as (bound, prepared):
        if prepared is not None:
            yield sources_result(prepared)
        done = []
        for step in scenario_steps(bound, only, resolution_m, scheduler):
            result = run_step(step, progress_for(step.label), single_process)
            done.append((result, tuple(str(p) for p in job_outputs(step.job))))
            yield result
        write_manifest(sc, done)


#: Name of the manifest a complete ``wip run`` writes last into its output folder.
MANIFEST_NAME = "wip_run.json"


def write_manifest(sc: Scenario, results: list[tuple[StepResult, tuple[str, ...]]]) -> Path:
    """Write what a complete run wrote (steps, files with their sizes), atomically and last.

    A folder without a manifest, or with an older one than its files, holds the outputs of an interrupted run.
    """
    files = []
    for r, written in results:
        for f in written:
            p = Path(f)
            files.append({"step": r.key, "kind": r.kind, "path": str(p),
                          "bytes": p.stat().st_size if p.is_file() else None})
    data = {"scenario": str(sc.path), "name": sc.name, "version": __version__,
            "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "steps": [{"kind": r.kind, "key": r.key, "seconds": round(r.seconds, 2)} for r, _ in results],
            "files": files}
    sc.output_dir.mkdir(parents=True, exist_ok=True)
    target = sc.output_dir / MANIFEST_NAME
    tmp = sc.output_dir / f".{target.stem}.{os.getpid()}-manifest.part.json"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def run_wind(run: Any, layers: Any, aoi: Any, progress_for: ProgressFactory | None = None) -> Iterator[StepResult]:
    """Run the wind steps of a scenario: yield rasters, then the layout if the run has one."""
    progress_for = progress_for or (lambda label: NullProgress())
    for step in wind_steps(run, layers, aoi):  # a scenario's sources: bind them first (prepared_scenario)
        yield run_step(step, progress_for(step.label))


def run_profile_step(sc: Scenario, resolution_m: float | None = None, names: Collection[str] | None = None,
                     language: str | None = None, report: bool | None = None,
                     progress_for: ProgressFactory | None = None, scheduler: str | None = None) -> StepResult:
    """Run the ``profile:`` step: indicators, balance and reports per municipality (core/profile/)."""
    progress_for = progress_for or (lambda label: NullProgress())
    with prepared_scenario(sc, progress_for("sources") if sc.sources else None) as (bound, _):
        step = profile_step(bound, resolution_m, names, language, report, scheduler)
        return run_step(step, progress_for(step.label))
