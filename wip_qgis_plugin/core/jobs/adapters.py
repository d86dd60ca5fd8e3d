"""The engine's entry points: one adapter per job of :data:`.protocol.ENTRY_POINTS`.

An adapter ``<job>_job(arguments, single_process, progress) -> dict`` decodes the job's JSON
arguments into the engine's dataclasses (:func:`.protocol.decode_dataclass`), refuses a job that
lacks inputs (:class:`.protocol.JobError` with a stable code), calls one engine orchestrator and
maps its result to JSON data. The result mappings (``<job>_json``) are public: the scenario runner
(:mod:`.runner`) maps the results of its steps with the same functions, so the CLI prints the same
fields whichever way a step ran.

:func:`.protocol.run_job` imports this module by name; it is the only module of the job layer that
imports the engine.
"""
from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import shapely

from ..catalogue.loader import Catalogue, load_catalogue_spec
from ..data.layers import LayerRef
from ..data.rasters import RASTER_ROLES
from ..data.sources.prepare import prepare_sources
from ..defaults import DEFAULT_CRS, DEFAULT_TURBINE
from ..eligibility.check import DataCheckOutputs, DataCheckSettings, data_check_json, quick_check, run_data_check
from ..eligibility.aoi import read_aoi_areas
from ..eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, run_eligibility
from ..eligibility.inputs import missing_roles_message, resolve_inputs
from ..eligibility.plan_areas import PlanAreaOutputs, PlanAreaSettings, plan_area_accounting
from ..eligibility.raster_criteria import resolve_raster_inputs
from ..eligibility.sweep import SweepOutputs, SweepSettings, run_setback_sweep
from ..eligibility.windbg import WINDBG_FIELDS, WindbgOutputs, WindbgSettings, municipal_areas, windbg_accounting
from ..errors import InputError
from ..grid.connection import ConnectionOutputs, run_grid_connection
from ..grid.settings import ConnectionSettings, TopologySettings
from ..grid.topology import TopologyOutputs, check_grid_topology
from ..profile.engine import run_profile
from ..profile.model import ProfilePlan
from ..profile.outputs import profile_json
from ..solar.ground import SolarOutputs, SolarSettings, run_solar_potential
from ..solar.floating import FloatingOutputs, FloatingSettings, run_floating
from ..solar.rooftop import RooftopOutputs, RooftopSettings, run_rooftop_solar
from ..suitability.engine import SuitabilityOutputs, SuitabilitySettings, run_suitability
from ..units import Turbine
from ..wind.energy import WindYieldOutputs, WindYieldSettings, run_wind_yield
from ..wind.immission import ImmissionOutputs, ImmissionSettings, run_immission
from ..wind.layout import LayoutOutputs, LayoutSettings, run_turbine_layout
from ..wind.repowering import ReplacementLayout, RepoweringOutputs, RepoweringSettings, run_repowering
from .osm_download import OsmDownloadSettings, convert_osm, plan_osm_download
from .protocol import JobError, ProtocolError, decode_dataclass, encode_dataclass, resolve, to_jsonable
from ..messages import msg


def _layers(data: Mapping[str, Any] | None) -> dict[str, Any]:
    return {role: decode_dataclass(LayerRef, ref, f"layers.{role}") for role, ref in (data or {}).items()}


def _optional(cls: type, data: Any, where: str) -> Any:
    return None if data is None else decode_dataclass(cls, data, where)


def _settings(cls: type, data: Mapping[str, Any] | None, single_process: bool, where: str = "settings") -> Any:
    data = dict(data or {})
    names = {f.name for f in dataclasses.fields(cls)}
    if single_process and "workers" in names:  # a Dask worker's task: no forked tile workers, no cluster of its own
        data["workers"] = 1
    if single_process and "scheduler" in names:
        data["scheduler"] = None
    return decode_dataclass(cls, data, where)


def _check_roles(catalogue: Any, settings: Any, layers: Mapping[str, Any], aoi: Any) -> None:
    """Refuse a job whose criteria lack their layers if it must assess every one (``require_all``) or none is left.

    Otherwise the engine runs without those criteria and lists them as not assessed.
    """
    kinds = tuple(settings.kinds)
    given = dict(layers)
    if aoi is not None:
        given.setdefault("municipalities", aoi.layer)
    active = catalogue.active(kinds, settings.on_date)
    inputs, absent = resolve_inputs(active, given, settings.layer_bindings)
    raster_inputs, raster_absent = resolve_raster_inputs(active, settings.rasters)
    absent, inputs = absent + raster_absent, inputs + raster_inputs
    if absent and (settings.require_all or not inputs):
        missing = list(dict.fromkeys(a.role for a in absent))
        raise JobError("missing_roles", missing_roles_message(catalogue.id, absent),
                       {"catalogue": catalogue.id, "kinds": list(kinds), "roles": missing})


def eligibility_json(result: Any) -> dict[str, Any]:
    """JSON result of an eligibility run (:class:`.eligibility.engine.EligibilityResult`)."""
    return {
        "eligible_ha": float(result.eligible_ha), "total_ha": float(result.total_ha),
        "resolution_m": float(result.grid.resolution_m),
        "municipalities": [{"name": m.name, "ags": m.ags, "total_ha": m.total_ha, "eligible_ha": m.eligible_ha,
                            "eligible_pct": m.eligible_pct} for m in result.municipalities],
        "outputs": encode_dataclass(result.outputs), "n_polygons": result.n_polygons,
        "not_assessed": [{"criterion": a.criterion, "role": a.role, "input": a.input, "reason": a.reason,
                          "hint": a.hint()} for a in result.not_assessed],
        "dwellings": {cid: {"explicit": d.explicit, "unknown": d.unknown, "not_dwelling": d.not_dwelling,
                            "treated_as_dwelling": d.treated_as_dwelling, "excluded": d.excluded}
                      for cid, d in result.dwellings.items()},
    }


def sources_json(prepared: Any) -> dict[str, Any]:
    """JSON of prepared sources (:class:`.data.sources.prepare.PreparedSources`): detection lines, counts, notes."""
    return {"detected": [m.describe() for m in prepared.matches], "notes": list(prepared.notes),
            "counts": {role: {"read": c.read, "kept": c.kept, "dropped": dict(c.dropped)}
                       for role, c in prepared.counts.items()}, "seconds": prepared.seconds}


#: Margin around the area of interest within which sources are read, beyond the catalogue's largest setback:
#: room for the dwelling groups' search and the grid's border pixels (the engine reads its own, smaller boxes). [m]
SOURCE_MARGIN_M = 5000.0


def largest_setback_m(catalogues: list[Any]) -> float:
    """The largest vector setback of catalogues (loaded, or as a job names them) for their reference turbine. [m]"""
    setbacks = [0.0]
    for catalogue in catalogues:
        spec = catalogue if isinstance(catalogue, Catalogue) else load_catalogue_spec(catalogue)
        setbacks += [c.buffer_m(spec.reference_turbine) for c in spec.criteria if not c.raster]
    return max(setbacks)


def source_bbox(aoi_data: Mapping[str, Any] | None, catalogues: list[Any], crs: Any) -> tuple[float, ...] | None:
    """The box sources are read within: the selected areas' bounds plus the largest setback and a margin.

    None (read everything) when the municipalities come from the sources themselves. [m, working CRS]
    """
    if not aoi_data or not aoi_data.get("layer"):
        return None
    aoi = decode_dataclass(AreaOfInterest, aoi_data, "aoi")
    _, _, geoms = read_aoi_areas(aoi, crs, "skip")
    reach = SOURCE_MARGIN_M + largest_setback_m(catalogues)
    xmin, ymin, xmax, ymax = shapely.union_all(geoms).bounds
    return (xmin - reach, ymin - reach, xmax + reach, ymax + reach)


@contextlib.contextmanager
def _prepared_sources(arguments: Mapping[str, Any], progress: Any) -> Iterator[tuple[Any, dict, dict]]:
    """Prepare a job's ``sources`` in a temporary folder (deleted at the end of the block).

    Yields the prepared sources, the layers (the sources' roles, overridden by the job's own ``layers``)
    and the ``aoi`` (the sources' municipalities when the job gives no layer). With a municipality layer,
    only the features within reach of the selected areas are read (:func:`source_bbox`).
    """
    crs = (arguments.get("settings") or {}).get("crs") or DEFAULT_CRS
    aoi_data = dict(arguments.get("aoi") or {})
    bbox = source_bbox(aoi_data, [c for c in arguments.get("catalogues") or [arguments.get("catalogue")] if c], crs)
    with tempfile.TemporaryDirectory(prefix="wip-sources-") as workdir:
        prepared = prepare_sources(arguments["sources"], workdir, crs, bbox=bbox, progress=progress)
        if bbox is not None:
            width_km, height_km = (bbox[2] - bbox[0]) / 1000, (bbox[3] - bbox[1]) / 1000
            progress.info(msg("sources_read_within", w=width_km, h=height_km))
        for note in prepared.notes:  # the detection lines are in the result (the CLI prints them first)
            progress.info(note)
        if not aoi_data.get("layer"):
            if "municipalities" not in prepared.layers:
                raise JobError("no_municipalities", "No municipality layer: the sources have no administrative "
                               "boundaries (admin_level 8). Give --layer municipalities=FILE[:LAYER].",
                               {"roles": ["municipalities"]})
            aoi_data["layer"] = encode_dataclass(prepared.layers["municipalities"])
        layers = {role: encode_dataclass(ref) for role, ref in prepared.layers.items()}
        layers.update(arguments.get("layers") or {})
        yield prepared, layers, aoi_data


def eligibility_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run an eligibility job: catalogue, layers, aoi, outputs, settings (see :func:`.eligibility.run_eligibility`).

    ``sources`` (optional, a list of ``{path, profile}``): files in a source profile (OSM, Geofabrik, ATKIS …),
    prepared into a temporary canonical GeoPackage for every role ``layers`` does not give; without an
    ``aoi`` layer their administrative boundaries are the municipalities (see :mod:`.data.sources`).
    """
    if arguments.get("sources"):
        with _prepared_sources(arguments, progress) as (prepared, layers, aoi_data):
            result = eligibility_job({**arguments, "sources": None, "layers": layers, "aoi": aoi_data},
                                     single_process, progress)
            return {**result, "sources": sources_json(prepared)}
    catalogue = load_catalogue_spec(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    settings = _settings(EligibilitySettings, arguments.get("settings"), single_process)
    _check_roles(catalogue, settings, layers, aoi)
    if "municipalities" in catalogue.roles_needed(settings.kinds):
        layers.setdefault("municipalities", aoi.layer)
    outputs = decode_dataclass(EligibilityOutputs, arguments.get("outputs"), "outputs")
    found = _start_check(catalogue, layers, aoi, settings, progress)
    result = run_eligibility(catalogue, layers, aoi, outputs, settings, progress)
    return {**eligibility_json(result), "data_check": found}


def _start_check(catalogue: Any, layers: Mapping[str, Any], aoi: Any, settings: Any, progress: Any) -> list[dict]:
    """The cheap data check at the start of a run (attributes and bounds only): its warnings, logged and as JSON.

    The criteria not assessed are left out (the run names them itself); an input the check cannot read
    is left to the run to refuse.
    """
    try:
        check = quick_check(catalogue, layers, aoi, settings)
    except InputError:
        return []
    found = [w for w in check.warnings if w.code != "not_assessed"]
    for w in found:
        progress.warning(w.line())
    return [w.to_json() for w in found]


def check_data_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a data check: the arguments of an eligibility job, ``outputs`` ``{table}`` and ``language``.

    See :func:`.eligibility.check.run_data_check`; ``sources`` are prepared as for :func:`eligibility_job`.
    """
    if arguments.get("sources"):
        with _prepared_sources(arguments, progress) as (prepared, layers, aoi_data):
            result = check_data_job({**arguments, "sources": None, "layers": layers, "aoi": aoi_data},
                                    single_process, progress)
            return {**result, "sources": sources_json(prepared)}
    catalogue = load_catalogue_spec(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    settings = _settings(EligibilitySettings, arguments.get("settings"), single_process)
    if "municipalities" in catalogue.roles_needed(settings.kinds):
        layers.setdefault("municipalities", aoi.layer)
    outputs = decode_dataclass(DataCheckOutputs, arguments.get("outputs"), "outputs")
    language = str(arguments.get("language") or "en")
    result = run_data_check(catalogue, layers, aoi, outputs, DataCheckSettings(settings, language=language),
                            progress)
    return {**data_check_json(result), "language": language}


def _first_setback_criterion(catalogue: Any, kinds: tuple[str, ...], tag: str = "settlement_setback") -> str:
    for criterion in catalogue.active(kinds):
        if tag in criterion.tags and criterion.kind != "permitted":
            return criterion.id
    raise JobError("no_default_criterion", f"The catalogue {catalogue.id!r} has no active criterion tagged {tag}: "
                   "give the id of the criterion to vary.", {"catalogue": catalogue.id})


def setback_sweep_json(result: Any) -> dict[str, Any]:
    """JSON result of a setback sweep."""
    return {
        "criterion_id": result.criterion_id, "setbacks_m": list(result.setbacks_m),
        "variants": list(result.variants), "series": {v: result.series(v).tolist() for v in result.variants},
        "rows": [dict(encode_dataclass(r), eligible_pct=r.eligible_pct) for r in result.rows],
        "table": result.table, "chart": result.chart,
    }


def setback_sweep_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a setback sweep job.

    Arguments: catalogue, layers, aoi, criterion (None: the settlement setback), setbacks_m,
    settings, variants, table, chart, language (see :func:`.sweep.run_setback_sweep`).
    """
    catalogue = load_catalogue_spec(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    settings = _settings(EligibilitySettings, arguments.get("settings"), single_process)
    criterion = arguments.get("criterion") or _first_setback_criterion(catalogue, settings.kinds)
    _check_roles(catalogue, settings, layers, aoi)
    chart = Path(arguments["chart"]) if arguments.get("chart") else None
    if chart is not None and importlib.util.find_spec("matplotlib") is None:
        raise JobError("needs_matplotlib", "The chart needs the Python package matplotlib: install it, or leave "
                       "the chart out.", {"python": sys.executable})
    result = run_setback_sweep(
        catalogue, layers, aoi, criterion, [float(s) for s in arguments.get("setbacks_m") or ()],
        {str(k): list(v) for k, v in (arguments.get("variants") or {}).items()} or None,
        SweepOutputs(table=Path(arguments["table"]) if arguments.get("table") else None, chart=chart),
        SweepSettings(settings, language=str(arguments.get("language") or "de")), progress=progress)
    return setback_sweep_json(result)


def suitability_json(result: Any) -> dict[str, Any]:
    """JSON result of a suitability run."""
    return {
        "criteria": list(result.criteria), "weights": [float(w) for w in result.weights],
        "aggregation": result.aggregation,
        "consistency_ratio": float(result.ahp.consistency_ratio) if result.ahp is not None else None,
        "mean_score": float(result.mean_score), "scored_ha": float(result.scored_ha),
        "sites": [{"rank": s.rank, "site_id": s.site_id, "name": s.name, "area_ha": s.area_ha, "mean": s.mean}
                  for s in result.sites],
        "outputs": encode_dataclass(result.outputs),
    }


def suitability_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a suitability job.

    Arguments: catalogue, layers (all given; the criteria's roles are used), rasters ({role: path}),
    aoi or None, eligibility (raster path), outputs, settings, eligible_areas or None.
    """
    catalogue = load_catalogue_spec(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    rasters = {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items()}
    spec = catalogue.suitability
    if spec is not None:
        missing_layers = [r for r in spec.layer_roles() if r not in layers and r != "municipalities"]
        missing_rasters = [r for r in spec.raster_roles() if r not in rasters
                           and (RASTER_ROLES[r].derived_from if r in RASTER_ROLES else None) not in rasters]
        if missing_layers or missing_rasters:
            raise JobError("missing_inputs", f"The suitability criteria of catalogue {catalogue.id!r} need these "
                           f"inputs, which were not given: {', '.join(missing_layers + missing_rasters)}.",
                           {"catalogue": catalogue.id, "layers": missing_layers, "rasters": missing_rasters})
        layers = {r: ref for r, ref in layers.items() if r in spec.layer_roles()}
    aoi = _optional(AreaOfInterest, arguments.get("aoi"), "aoi")
    outputs = decode_dataclass(SuitabilityOutputs, arguments.get("outputs"), "outputs")
    settings = _settings(SuitabilitySettings, arguments.get("settings"), single_process)
    result = run_suitability(catalogue, layers, rasters, aoi, Path(arguments["eligibility"]), outputs, settings,
                             progress, eligible_areas=_optional(LayerRef, arguments.get("eligible_areas"),
                                                                "eligible_areas"))
    return suitability_json(result)


def windbg_json(result: Any, table: Any) -> dict[str, Any]:
    """JSON result of a WindBG accounting (``table``: the CSV it wrote)."""
    def row(r: Any) -> dict[str, Any]:
        return {f: result.accounting if f == "accounting" else to_jsonable(getattr(r, f)) for f in WINDBG_FIELDS}

    return {"fields": list(WINDBG_FIELDS), "rows": [row(r) for r in result.rows], "total": row(result.total),
            "rotor_in": result.rotor_in, "inward_offset_m": result.inward_offset_m,
            "accounting": result.accounting, "table": str(table)}


def windbg_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a WindBG accounting job (and write its table).

    Arguments: aoi, crs, land (None: from the AGS), eligible_areas, rotor_in, turbine or None,
    tower_foot_radius_m, table, invalid_geometries (default ``error``; see :mod:`.windbg`).
    """
    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    crs = str(arguments.get("crs") or "EPSG:25832")
    turbine = _optional(Turbine, arguments.get("turbine"), "turbine")
    progress.report(0.0, msg("step_reading_layers"))
    municipalities = municipal_areas(aoi, crs, land=arguments.get("land"),
                                     invalid=str(arguments.get("invalid_geometries") or "error"))
    result = windbg_accounting(
        municipalities, decode_dataclass(LayerRef, arguments.get("eligible_areas"), "eligible_areas"),
        WindbgOutputs(Path(arguments["table"])),
        WindbgSettings(rotor_in=bool(arguments.get("rotor_in")), turbine=turbine, crs=crs,
                       tower_foot_radius_m=float(arguments.get("tower_foot_radius_m", 4.0))), progress)
    return windbg_json(result, arguments["table"])


def plan_areas_json(result: Any) -> dict[str, Any]:
    """JSON result of a plan-area accounting (rows, total, criteria, files)."""
    def row(r: Any) -> dict[str, Any]:
        return {"name": r.name, "ags": r.ags, "land": r.land, "area_ha": r.area_ha, "designated_ha": r.designated_ha,
                "designated_pct": r.designated_pct, "counted_ha": r.counted_ha, "counted_pct": r.counted_pct,
                "target_2027_pct": r.target_2027_pct, "target_2032_pct": r.target_2032_pct,
                "eligible_ha": r.eligible_ha, "outside_eligible_ha": r.outside_eligible_ha}
    return {"accounting": result.accounting, "rows": [row(r) for r in result.rows], "total": row(result.total),
            "excluded_by": dict(result.excluded_by), "outputs": encode_dataclass(result.outputs)}


def plan_areas_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a plan-area accounting job. Arguments: plan_areas, aoi, outputs, settings, reasons (or None)."""
    result = plan_area_accounting(
        decode_dataclass(LayerRef, arguments.get("plan_areas"), "plan_areas"),
        decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi"),
        decode_dataclass(PlanAreaOutputs, arguments.get("outputs"), "outputs"),
        decode_dataclass(PlanAreaSettings, arguments.get("settings") or {}, "settings"),
        Path(arguments["reasons"]) if arguments.get("reasons") else None, progress)
    return plan_areas_json(result)


def grid_topology_json(topo: Any, report: Any = None, cleaned_lines: Any = None) -> dict[str, Any]:
    """JSON result of a grid topology check (with the files it wrote)."""
    return {"summary": topo.summary(), "converged": topo.converged,
            "report": None if report is None else str(report),
            "cleaned_lines": None if cleaned_lines is None else str(cleaned_lines)}


def grid_topology_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a grid topology check. Arguments: lines, substations or None, crs, settings, report, cleaned_lines."""
    settings = _settings(TopologySettings, arguments.get("settings"), single_process)
    topo = check_grid_topology(
        decode_dataclass(LayerRef, arguments.get("lines"), "lines"),
        _optional(LayerRef, arguments.get("substations"), "substations"),
        outputs=TopologyOutputs(report=Path(arguments["report"]) if arguments.get("report") else None,
                                cleaned_lines=Path(arguments["cleaned_lines"]) if arguments.get("cleaned_lines")
                                else None),
        settings=dataclasses.replace(settings, crs=str(arguments.get("crs") or settings.crs)),
        progress=progress)
    return grid_topology_json(topo, arguments.get("report"), arguments.get("cleaned_lines"))


def grid_connection_json(result: Any) -> dict[str, Any]:
    """JSON result of a grid connection run (sites and substations without geometry)."""
    sites = result.sites.drop(columns=result.sites.geometry.name)
    subs = result.substations.drop(columns=result.substations.geometry.name)
    return {"summary": result.summary(),
            "sites": [{k: to_jsonable(v) for k, v in row.items()} for row in sites.to_dict("records")],
            "substations": [{k: to_jsonable(v) for k, v in row.items()} for row in subs.to_dict("records")],
            "n_connections": len(result.connections)}


def grid_connection_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a grid connection job.

    Arguments: sites, substations, roads or None, power_lines or None, catalogue (preset id or
    YAML file), settings (ConnectionSettings), topology (TopologySettings or None), outputs
    (ConnectionOutputs), crs, cost_raster or None (see :func:`.connection.run_grid_connection`).
    """
    settings = _settings(ConnectionSettings, arguments.get("settings"), single_process)
    result = run_grid_connection(
        decode_dataclass(LayerRef, arguments.get("sites"), "sites"),
        decode_dataclass(LayerRef, arguments.get("substations"), "substations"),
        _optional(LayerRef, arguments.get("roads"), "roads"),
        catalogue=str(arguments.get("catalogue") or "grid_connection"),
        cost_raster=arguments.get("cost_raster") or None,
        power_lines=_optional(LayerRef, arguments.get("power_lines"), "power_lines"),
        outputs=decode_dataclass(ConnectionOutputs, arguments.get("outputs") or {}, "outputs"),
        settings=dataclasses.replace(
            settings, crs=str(arguments.get("crs") or settings.crs),
            topology=_optional(TopologySettings, arguments.get("topology"), "topology") or settings.topology),
        progress=progress)
    return grid_connection_json(result)


# --- wind yield and turbine layout (core/wind/, core/wind/layout.py)
def wind_yield_json(result: Any) -> dict[str, Any]:
    """JSON result of a wind yield run."""
    return {"turbine": result.turbine.describe(), "nominal_power_mw": result.turbine.nominal_power_mw,
            "resource_model": result.resource_model, "weather": result.climate.name, "weibull_k": result.weibull_k,
            "losses": result.losses.describe(), "loss_factor": result.loss_factor,
            "mean_wind_speed_m_s": result.mean_wind_speed_m_s, "mean_full_load_hours": result.mean_full_load_hours,
            "mean_density_kg_m3": result.mean_density_kg_m3,
            "municipalities": [encode_dataclass(m) for m in result.municipalities],
            "outputs": encode_dataclass(result.outputs)}


def wind_yield_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a wind yield job.

    Arguments: turbine (preset id, YAML file or windpowerlib type), aoi or None, rasters ({role: path}:
    wind_speed_100m, wind_speed_150m, dem), layers (landuse, water), outputs, settings (see
    :func:`.wind.run_wind_yield`).
    """
    result = run_wind_yield(
        str(arguments.get("turbine") or DEFAULT_TURBINE), _optional(AreaOfInterest, arguments.get("aoi"), "aoi"),
        {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items() if v}, _layers(arguments.get("layers")),
        decode_dataclass(WindYieldOutputs, arguments.get("outputs"), "outputs"),
        _settings(WindYieldSettings, arguments.get("settings"), single_process), progress)
    return wind_yield_json(result)


def turbine_layout_json(result: Any) -> dict[str, Any]:
    """JSON result of a turbine layout."""
    return {"turbine": result.turbine.describe(), "n_turbines": result.n_turbines,
            "capacity_mw": result.capacity_mw, "energy_mwh_per_a": result.energy_mwh_per_a,
            "full_load_hours": result.full_load_hours, "wake_loss_pct": result.wake_loss_pct,
            "main_direction_deg": result.main_direction_deg, "rotor_in": result.rotor_in,
            "sites": [encode_dataclass(s) for s in result.sites],
            "municipalities": [encode_dataclass(m) for m in result.municipalities],
            "outputs": encode_dataclass(result.outputs)}


def turbine_layout_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a turbine layout job.

    Arguments: turbine, eligible_areas, rasters, layers (landuse, water, buildings), outputs, settings,
    aoi or None (every municipality gets a row, 0 turbines where none stands; see
    :func:`.layout.run_turbine_layout`).
    """
    result = run_turbine_layout(
        str(arguments.get("turbine") or DEFAULT_TURBINE),
        decode_dataclass(LayerRef, arguments.get("eligible_areas"), "eligible_areas"),
        {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items() if v}, _layers(arguments.get("layers")),
        decode_dataclass(LayoutOutputs, arguments.get("outputs"), "outputs"),
        _settings(LayoutSettings, arguments.get("settings"), single_process), progress,
        aoi=_optional(AreaOfInterest, arguments.get("aoi"), "aoi"))
    return turbine_layout_json(result)


def immission_json(result: Any) -> dict[str, Any]:
    """JSON result of an immission check (the turbines' table left out)."""
    data = {f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name != "turbines"}
    return to_jsonable(data)


def immission_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a noise and shadow-flicker check. Arguments: turbines, layers (buildings, landuse, wind_turbines),
    outputs (ImmissionOutputs), settings (ImmissionSettings), rasters ({dem}) (see :func:`.immission.run_immission`).
    """
    result = run_immission(
        decode_dataclass(LayerRef, arguments.get("turbines"), "turbines"), _layers(arguments.get("layers")),
        decode_dataclass(ImmissionOutputs, arguments.get("outputs"), "outputs"),
        _settings(ImmissionSettings, arguments.get("settings"), single_process),
        {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items() if v}, progress)
    return immission_json(result)


def repowering_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Repowering candidates and their replacements. Arguments: existing, turbines or None, outputs, settings,
    municipalities, plan_areas and placement (ReplacementLayout) or None (see :func:`.repowering.run_repowering`)."""
    result = run_repowering(
        decode_dataclass(LayerRef, arguments.get("existing"), "existing"),
        _optional(LayerRef, arguments.get("turbines"), "turbines"),
        decode_dataclass(RepoweringOutputs, arguments.get("outputs"), "outputs"),
        _settings(RepoweringSettings, arguments.get("settings"), single_process),
        _optional(LayerRef, arguments.get("municipalities"), "municipalities"), progress,
        plan_areas=_optional(LayerRef, arguments.get("plan_areas"), "plan_areas"),
        placement=_optional(ReplacementLayout, arguments.get("placement"), "placement"))
    return encode_dataclass(result)


# --- municipal energy profile (core/profile/)
def profile_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a municipal energy profile. Arguments: plan (:class:`.profile.ProfilePlan` as JSON).

    ``sources`` (optional, ``[{path, profile}]``): prepared into a temporary canonical GeoPackage for the roles
    the plan's layers do not give, as for the eligibility job; the result then has ``data_sources``.
    """
    if arguments.get("sources"):
        plan_data = dict(arguments.get("plan") or {})
        view = {"sources": arguments["sources"], "layers": plan_data.get("layers"), "aoi": plan_data.get("aoi"),
                "settings": {"crs": plan_data.get("crs")},
                "catalogues": [t.get("catalogue") for t in plan_data.get("technologies") or []]}
        with _prepared_sources(view, progress) as (prepared, layers, aoi_data):
            result = profile_job({"plan": {**plan_data, "layers": layers, "aoi": aoi_data}}, single_process, progress)
            return {**result, "data_sources": sources_json(prepared)}
    plan = _settings(ProfilePlan, arguments.get("plan"), single_process, "plan")
    return profile_json(run_profile(plan, progress))


# --- solar potential and rooftop PV (core/solar/ground.py, core/solar/rooftop.py)
def solar_potential_json(result: Any) -> dict[str, Any]:
    """JSON result of a solar potential run (the first 200 sites)."""
    data = encode_dataclass(result)
    data["sites"] = data["sites"][:200]
    return data


def solar_potential_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a solar potential job.

    Arguments: eligibility (raster path), outputs (SolarOutputs), settings (SolarSettings), rasters
    ({role: path}: dem or slope + aspect), aoi or None, sites or None (see :func:`.solar.run_solar_potential`).
    """
    result = run_solar_potential(
        Path(arguments["eligibility"]), {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items()},
        _optional(AreaOfInterest, arguments.get("aoi"), "aoi"), _optional(LayerRef, arguments.get("sites"), "sites"),
        decode_dataclass(SolarOutputs, arguments.get("outputs"), "outputs"),
        _settings(SolarSettings, arguments.get("settings"), single_process), progress)
    return solar_potential_json(result)


def rooftop_solar_json(result: Any) -> dict[str, Any]:
    """JSON result of a rooftop PV run."""
    return {"n_buildings": result.n_buildings, "n_with_pv": result.n_with_pv,
            "usable_roof_m2": result.usable_roof_m2, "capacity_mwp": result.capacity_mwp,
            "capacity_mw": result.capacity_mw, "energy_mwh_per_a": result.energy_mwh_per_a,
            "mean_yield_kwh_per_kwp": result.mean_yield_kwh_per_kwp, "n_classes": result.n_classes,
            "municipalities": [encode_dataclass(m) for m in result.municipalities],
            "outputs": encode_dataclass(result.outputs)}


def rooftop_solar_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a rooftop PV job. Arguments: buildings, outputs (RooftopOutputs), settings (RooftopSettings), aoi or None."""
    result = run_rooftop_solar(
        decode_dataclass(LayerRef, arguments.get("buildings"), "buildings"),
        _optional(AreaOfInterest, arguments.get("aoi"), "aoi"),
        decode_dataclass(RooftopOutputs, arguments.get("outputs") or {}, "outputs"),
        _settings(RooftopSettings, arguments.get("settings"), single_process), progress)
    return rooftop_solar_json(result)


def floating_pv_json(result: Any) -> dict[str, Any]:
    """JSON result of a floating PV run: the fields (without geometry), totals per municipality, lakes left out."""
    rows = [{k: v for k, v in r.items() if k != "geometry"} for r in result.frame.to_dict("records")]
    return {"fields": rows, "municipalities": result.municipalities, "skipped": result.skipped,
            "capacity_mwp": float(sum(r["capacity_mwp"] for r in rows)),
            "energy_mwh_per_a": float(sum(r["energy_mwh_per_a"] for r in rows)),
            "outputs": encode_dataclass(result.outputs)}


def floating_pv_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a floating PV job. Arguments: lakes, outputs (FloatingOutputs), settings (FloatingSettings),
    municipalities (optional) and name_field."""
    result = run_floating(
        decode_dataclass(LayerRef, arguments.get("lakes"), "lakes"),
        decode_dataclass(FloatingOutputs, arguments.get("outputs") or {}, "outputs"),
        _settings(FloatingSettings, arguments.get("settings"), single_process),
        _optional(LayerRef, arguments.get("municipalities"), "municipalities"),
        str(arguments.get("name_field") or "name"), progress)
    return floating_pv_json(result)


def osm_plan_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Plan an OSM download: catalogue, aoi, settings (see :func:`.osm_download.plan_osm_download`)."""
    plan = plan_osm_download(load_catalogue_spec(arguments.get("catalogue")),
                             decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi"),
                             decode_dataclass(OsmDownloadSettings, arguments.get("settings") or {}, "settings"),
                             progress)
    return encode_dataclass(plan)


def osm_convert_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Convert an ``.osm`` file: osm, outputs.geopackage, crs, bbox (see :func:`.osm_download.convert_osm`)."""
    geopackage = (arguments.get("outputs") or {}).get("geopackage")
    if not arguments.get("osm") or not geopackage:
        raise ProtocolError("osm_convert: give 'osm' (the .osm file) and outputs.geopackage.")
    bbox = arguments.get("bbox")
    return convert_osm(arguments["osm"], geopackage, str(arguments.get("crs") or DEFAULT_CRS),
                       [float(v) for v in bbox] if bbox else None, progress)


#: The batch job's adapter, named rather than imported: the batch runs the scenario runner, which imports this
#: module (an import would close a cycle); resolved by name as :func:`.protocol.run_job` resolves the adapters.
BATCH_ADAPTER = "wip_qgis_plugin.core.jobs.batch_job:run_batch_job"


def batch_job(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a batch: scenario, out_dir, settings, scheduler or dask, retries (see :mod:`.batch_job`)."""
    return resolve(BATCH_ADAPTER)(arguments, single_process, progress)
