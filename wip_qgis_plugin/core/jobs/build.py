"""Job builders: the arguments of each job, named, for every front end (standard library only).

``wip eligibility …`` and the Processing algorithm "Land eligibility" both call
:func:`eligibility_job`, so a command-line flag and an algorithm parameter end in the same
:class:`.protocol.Job` and can never disagree. Values may be engine dataclasses (``LayerRef``,
``AreaOfInterest``, settings, outputs) or their JSON data; the job holds JSON data either way
(:func:`.protocol.to_jsonable`), exactly what a worker reads from a job file.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .protocol import Job, to_jsonable


def _job(name: str, **arguments: Any) -> Job:
    return Job(name, to_jsonable(arguments))


def catalogue_spec(source: str, tag_buffers: Mapping[str, float] | None = None,
                   overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A job's catalogue: a preset id or YAML file, with tag buffers [m] and criterion overrides."""
    spec: dict[str, Any] = {"source": str(source)}
    if tag_buffers:
        spec["tag_buffers"] = {str(k): float(v) for k, v in tag_buffers.items()}
    if overrides:
        spec["overrides"] = dict(overrides)
    return spec


def eligibility_job(catalogue: Mapping[str, Any], layers: Mapping[str, Any], aoi: Any, outputs: Any,
                    settings: Any, sources: Sequence[Mapping[str, Any]] | None = None) -> Job:
    """The ``eligibility`` job (see :func:`.eligibility.engine.run_eligibility`).

    ``sources``: ``[{path, profile}]`` files in a source profile for the roles ``layers`` does not give
    (see :func:`.data.sources.prepare.prepare_sources`); ``aoi`` may then lack its ``layer``.
    """
    if sources:
        return _job("eligibility", catalogue=catalogue, layers=layers, aoi=aoi, outputs=outputs, settings=settings,
                    sources=[{"path": str(s["path"]), "profile": s.get("profile")} for s in sources])
    return _job("eligibility", catalogue=catalogue, layers=layers, aoi=aoi, outputs=outputs, settings=settings)


def check_data_job(catalogue: Mapping[str, Any], layers: Mapping[str, Any], aoi: Any, outputs: Any, settings: Any,
                   sources: Sequence[Mapping[str, Any]] | None = None, language: str = "en") -> Job:
    """The ``check_data`` job (see :func:`.eligibility.check.run_data_check`).

    The arguments of an eligibility job, ``outputs`` ``{table: CSV}`` and the ``language`` of the table's
    messages (``en`` or ``de``).
    """
    arguments: dict[str, Any] = dict(catalogue=catalogue, layers=layers, aoi=aoi, outputs=outputs, settings=settings,
                                     language=language)
    if sources:
        arguments["sources"] = [{"path": str(s["path"]), "profile": s.get("profile")} for s in sources]
    return _job("check_data", **arguments)


def setback_sweep_job(catalogue: Mapping[str, Any], layers: Mapping[str, Any], aoi: Any, criterion: str | None,
                      setbacks_m: Sequence[float], settings: Any, variants: Mapping[str, Sequence[str]],
                      table: Any, chart: Any, language: str = "de") -> Job:
    """The ``setback_sweep`` job (see :func:`.eligibility.sweep.run_setback_sweep`); setbacks [m]."""
    return _job("setback_sweep", catalogue=catalogue, layers=layers, aoi=aoi, criterion=criterion,
                setbacks_m=[float(s) for s in setbacks_m], settings=settings, variants=variants, table=table,
                chart=chart, language=language)


def suitability_job(catalogue: Mapping[str, Any], layers: Mapping[str, Any], rasters: Mapping[str, Any], aoi: Any,
                    eligibility: Any, outputs: Any, settings: Any, eligible_areas: Any = None) -> Job:
    """The ``suitability`` job (see :func:`.suitability.engine.run_suitability`)."""
    return _job("suitability", catalogue=catalogue, layers=layers, rasters=rasters, aoi=aoi, eligibility=eligibility,
                outputs=outputs, settings=settings, eligible_areas=eligible_areas)


def windbg_job(aoi: Any, crs: str, eligible_areas: Any, table: Any, rotor_in: bool = False, turbine: Any = None,
               tower_foot_radius_m: float = 4.0, land: str | None = None,
               invalid_geometries: str | None = None) -> Job:
    """The ``windbg`` job (see :func:`.eligibility.windbg.windbg_accounting`); tower-foot radius [m]."""
    arguments: dict[str, Any] = dict(aoi=aoi, crs=crs, land=land, eligible_areas=eligible_areas, rotor_in=rotor_in,
                                     turbine=turbine, tower_foot_radius_m=tower_foot_radius_m, table=table)
    if invalid_geometries is not None:
        arguments["invalid_geometries"] = invalid_geometries
    return _job("windbg", **arguments)


def plan_areas_job(plan_areas: Any, aoi: Any, outputs: Any, settings: Any, reasons: str | None = None) -> Job:
    """The ``plan_areas`` job (see :func:`.eligibility.plan_areas.plan_area_accounting`)."""
    return _job("plan_areas", plan_areas=plan_areas, aoi=aoi, outputs=outputs, settings=settings, reasons=reasons)


def grid_topology_job(lines: Any, substations: Any, crs: str, settings: Any, report: Any = None,
                      cleaned_lines: Any = None) -> Job:
    """The ``grid_topology`` job (see :func:`.grid.topology.check_grid_topology`)."""
    return _job("grid_topology", lines=lines, substations=substations, crs=crs, settings=settings, report=report,
                cleaned_lines=cleaned_lines)


def grid_connection_job(sites: Any, substations: Any, roads: Any, catalogue: str, settings: Any, outputs: Any,
                        crs: str, cost_raster: Any = None, power_lines: Any = None, topology: Any = None) -> Job:
    """The ``grid_connection`` job (see :func:`.grid.connection.run_grid_connection`)."""
    return _job("grid_connection", sites=sites, substations=substations, roads=roads, power_lines=power_lines,
                catalogue=catalogue, settings=settings, topology=topology, outputs=outputs, crs=crs,
                cost_raster=cost_raster)


def wind_yield_job(turbine: str, aoi: Any, rasters: Mapping[str, Any], layers: Mapping[str, Any], outputs: Any,
                   settings: Any) -> Job:
    """The ``wind_yield`` job (see :func:`.wind.energy.run_wind_yield`)."""
    return _job("wind_yield", turbine=turbine, aoi=aoi, rasters=rasters, layers=layers, outputs=outputs,
                settings=settings)


def turbine_layout_job(turbine: str, eligible_areas: Any, rasters: Mapping[str, Any], layers: Mapping[str, Any],
                       outputs: Any, settings: Any, aoi: Any = None) -> Job:
    """The ``turbine_layout`` job (see :func:`.wind.layout.run_turbine_layout`)."""
    return _job("turbine_layout", turbine=turbine, eligible_areas=eligible_areas, rasters=rasters, layers=layers,
                outputs=outputs, settings=settings, aoi=aoi)


def immission_job(turbines: Any, layers: Mapping[str, Any], outputs: Any, settings: Any,
                  rasters: Mapping[str, Any] | None = None) -> Job:
    """The ``immission`` job: noise and shadow flicker of a layout (see :func:`.wind.immission.run_immission`)."""
    return _job("immission", turbines=turbines, layers=layers, outputs=outputs, settings=settings,
                rasters=dict(rasters or {}))


def repowering_job(existing: Any, turbines: Any, outputs: Any, settings: Any, municipalities: Any = None,
                   plan_areas: Any = None, placement: Any = None) -> Job:
    """The ``repowering`` job (see :func:`.wind.repowering.run_repowering`): ``turbines`` (a layout) or
    ``placement`` (a :class:`.wind.repowering.ReplacementLayout` or its data: the layout placed in the zones)."""
    return _job("repowering", existing=existing, turbines=turbines, outputs=outputs, settings=settings,
                municipalities=municipalities, plan_areas=plan_areas, placement=placement)


def profile_job(plan: Any, sources: Sequence[Mapping[str, Any]] | None = None) -> Job:
    """The ``profile`` job (see :func:`.profile.engine.run_profile`): a ProfilePlan or its JSON data.

    ``sources``: ``[{path, profile}]`` data sources for the roles the plan's layers do not give (and, without an
    ``aoi`` layer, the municipalities), as for :func:`eligibility_job`.
    """
    if sources:
        return _job("profile", plan=plan,
                    sources=[{"path": str(s["path"]), "profile": s.get("profile")} for s in sources])
    return _job("profile", plan=plan)


def solar_potential_job(eligibility: Any, outputs: Any, settings: Any, rasters: Mapping[str, Any] | None = None,
                        aoi: Any = None, sites: Any = None) -> Job:
    """The ``solar_potential`` job (see :func:`.solar.ground.run_solar_potential`)."""
    return _job("solar_potential", eligibility=eligibility, outputs=outputs, settings=settings, rasters=rasters or {},
                aoi=aoi, sites=sites)


def rooftop_solar_job(buildings: Any, outputs: Any, settings: Any, aoi: Any = None) -> Job:
    """The ``rooftop_solar`` job (see :func:`.solar.rooftop.run_rooftop_solar`)."""
    return _job("rooftop_solar", buildings=buildings, outputs=outputs, settings=settings, aoi=aoi)


def floating_pv_job(lakes: Any, outputs: Any, settings: Any = None, municipalities: Any = None,
                    name_field: str = "name") -> Job:
    """The ``floating_pv`` job (see :func:`.solar.floating.run_floating`)."""
    return _job("floating_pv", lakes=lakes, outputs=outputs, settings=settings or {}, municipalities=municipalities,
                name_field=name_field)


def osm_plan_job(catalogue: Mapping[str, Any], aoi: Any, settings: Any = None) -> Job:
    """The ``osm_plan`` job: the Overpass query for the catalogue's roles around the area.

    See :func:`.osm_download.plan_osm_download`.
    """
    return _job("osm_plan", catalogue=catalogue, aoi=aoi, settings=settings or {})


def osm_convert_job(osm: Any, geopackage: Any, crs: str, bbox: Sequence[float] | None = None) -> Job:
    """The ``osm_convert`` job: an ``.osm`` file → the canonical GeoPackage (see :func:`.osm_download.convert_osm`)."""
    return _job("osm_convert", osm=osm, outputs={"geopackage": geopackage}, crs=crs,
                bbox=[float(v) for v in bbox] if bbox is not None else None)


def batch_job(scenario: Any, out_dir: Any, settings: Mapping[str, Any] | None = None, scheduler: str | None = None,
              dask: str | None = None, retries: int = 1) -> Job:
    """The ``batch`` job: a scenario's chain for every municipality of a layer (see :mod:`.batch_job`).

    ``settings``: the fields of :class:`.batch.BatchSettings` (``municipalities`` as ``{path, layer}``,
    ``name_field``, ``id_field``, ``where``, ``only``, ``resolution_m``, ``sources``); ``scheduler``: a Dask
    scheduler's address (``tcp://host:8786``), ``dask``: ``local[:N]``; neither: in the job's process.
    """
    return _job("batch", scenario=str(scenario), out_dir=str(out_dir),
                settings={k: v for k, v in dict(settings or {}).items() if v not in (None, "", (), [])},
                scheduler=scheduler or None, dask=dask or None, retries=int(retries))
