"""Scenarios: one YAML file naming the input layers by role, the technologies and the outputs.

Paths in a scenario are relative to the scenario file. :func:`load_scenario` reads the file and
checks it in one pass: each section is read by its reader (:mod:`.eligibility_sections`,
:mod:`.energy_sections`, :mod:`.grid_section`, :mod:`.profile_section`), which records every
problem with its place; they are raised together. Each step's section becomes a typed run of
:mod:`.model` (:class:`~.model.TechnologyRun`, :class:`~.model.WindRun`,
:class:`~.model.ProfileSection` …). :func:`plan_from_scenario` turns a scenario into the municipal
profile's plan.

Example::

    name: Beispielregion
    crs: EPSG:25832
    resolution_m: 10
    output_dir: ../out
    layers:
      municipalities: {path: revier_sample.gpkg, layer: municipalities}
      buildings: {path: revier_sample.gpkg, layer: buildings}
    area_of_interest: {layer: municipalities, name_field: name, names: []}
    eligibility:
      wind: {catalogue: wind_sachsen_anhalt, kinds: [hard, soft], min_area_ha: 1}
      pv_ground: {catalogue: pv_ground, overrides: {forest: {buffer: 30 m}}}
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any


from ..data.layers import LayerRef
from ..defaults import DEFAULT_CRS
from ..errors import InputError, SpecError
from ..profile.model import ProfilePlan, TechnologyStep
from ..profile.steps import PROFILE_GRID_KEYS
from ..spec import read_yaml, unknown_keys
from .eligibility_sections import (
    read_area_of_interest,
    read_layers,
    read_on_date,
    read_rasters,
    read_suitability,
    read_sweeps,
    read_technologies,
    read_turbine,
    read_windbg,
)
from .energy_sections import read_rooftop, read_solar, read_wind
from .grid_section import read_grid
from .model import ProfileSection, Scenario
from .profile_section import read_profile
from .sources_section import bind_source_roles, read_sources, source_roles

#: Keys of the top level of a scenario file.
TOP_KEYS = {"name", "crs", "resolution_m", "output_dir", "layers", "area_of_interest", "eligibility", "turbine",
            "invalid_geometries", "workers", "on_date", "sweep", "rasters", "suitability", "windbg", "grid", "wind",
            "profile", "solar", "rooftop"}
TOP_KEYS |= {"require_all"}  # refuse a run whose criteria lack data (.layer_bindings)
TOP_KEYS |= {"sources"}  # files in a source profile for the roles `layers` does not give (.sources_section)


#: Top-level keys holding a mapping, a list, a number or a text: checked before any section is read, so that a
#: wrong shape (``layers:`` written as a list) is a problem with its place, never an AttributeError.
_MAPPINGS = ("layers", "area_of_interest", "eligibility", "sweep", "rasters", "suitability", "windbg")
_TEXTS = ("name", "crs", "output_dir", "invalid_geometries")


def check_shapes(raw: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """``raw`` without the top-level values of the wrong type (each a problem with its key and the fix)."""
    out = dict(raw)
    for key in _MAPPINGS:
        if out.get(key) is not None and not isinstance(out[key], dict):
            problems.append(f"{key}: must be a mapping of keys and values (key: value on separate lines), "
                            f"not a {type(out[key]).__name__}; see sample_layers/scenario.yaml")
            out.pop(key)
    for key in ("suitability", "windbg", "sweep"):
        for tech, value in list((out.get(key) or {}).items()):
            if value is not None and not isinstance(value, dict):
                problems.append(f"{key}.{tech}: must be a mapping (e.g. catalogue: wind_sachsen_anhalt), "
                                f"not a {type(value).__name__}")
                out[key] = {k: v for k, v in out[key].items() if k != tech}
    for key in _TEXTS:
        if out.get(key) is not None and not isinstance(out[key], str):
            problems.append(f"{key}: must be a text, not {out[key]!r}")
            out.pop(key)
    value = out.get("resolution_m")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0
                              or value == float("inf")):
        problems.append(f"resolution_m: {value!r} is not a positive number of metres (e.g. 10 or 25)")
        out.pop("resolution_m")
    value = out.get("workers")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        problems.append(f"workers: {value!r} is not a whole number of processes ≥ 1")
        out.pop("workers")
    return out


def load_scenario(path: str | Path, sources: Sequence[str | Mapping[str, Any]] = (),
                  output_dir: str | Path | None = None) -> Scenario:
    """Read and validate a scenario file, reporting every problem at once.

    Parameters
    ----------
    path : str or Path
        The scenario file; the paths in it are relative to its folder.
    sources : sequence, optional
        More sources than the file's ``sources:`` (``wip run --source``): paths or ``{path, profile}``,
        relative to the working folder.
    output_dir : str or Path, optional
        Write every output into this folder instead of the file's ``output_dir`` (``wip run --out-dir``);
        relative to the working folder. The inputs stay relative to the scenario file.

    Raises
    ------
    InputError
        Listing every problem with its place in the file.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise InputError(f"Scenario file {str(path)!r} does not exist.")
    try:
        raw = read_yaml(path, str(path), "Scenario") or {}
    except SpecError as exc:
        raise InputError(str(exc)) from exc
    if not isinstance(raw, dict):
        raise InputError(f"Scenario {path}: the file must be a mapping of keys (name, layers, area_of_interest, "
                         f"eligibility …), not a {type(raw).__name__}. See sample_layers/scenario.yaml.")
    base = path.parent
    problems: list[str] = []
    unknown_keys(raw, TOP_KEYS, "", problems)
    raw = check_shapes(raw, problems)
    layers = read_layers(raw.get("layers"), base, problems)
    data_sources = read_sources(raw.get("sources"), base, problems) + read_sources(list(sources), Path.cwd(),
                                                                                    problems)
    layers = bind_source_roles(layers, source_roles(data_sources, problems))  # placeholders, prepared per run
    aoi = read_area_of_interest(raw.get("area_of_interest"), layers, base, problems)
    turbine = read_turbine(raw.get("turbine"), base, problems)
    on_date = read_on_date(raw.get("on_date"), problems)
    out_dir = Path(output_dir).resolve() if output_dir is not None and str(output_dir) \
        else (base / str(raw.get("output_dir", "out"))).resolve()
    runs = read_technologies(raw, base, out_dir, turbine, on_date, problems)
    by_key = {r.key: r for r in runs}
    sweeps = read_sweeps(raw.get("sweep"), by_key, out_dir, problems)
    rasters = read_rasters(raw.get("rasters"), base, problems)
    suits = read_suitability(raw.get("suitability"), by_key, out_dir, problems)
    windbgs = read_windbg(raw.get("windbg"), by_key, out_dir, problems, base)
    wind = read_wind(raw.get("wind"), base, by_key, out_dir, rasters, raw, problems, layers) if raw.get("wind") \
        else None
    solar = read_solar(raw.get("solar"), base, by_key, {s.key: s for s in suits}, out_dir, rasters, raw, problems)
    grid = read_grid(raw.get("grid"), base, layers, out_dir, str(raw.get("crs", DEFAULT_CRS)),
                     {"suitability": {s.key for s in suits},
                      "layout": {"wind"} if wind is not None and wind.layout is not None else set(),
                      "immission": {"wind"} if wind is not None and wind.immission is not None else set(),
                      "repowering": {"wind"} if wind is not None and wind.repowering is not None else set(),
                      "solar": {r.key for r in solar if r.outputs.sites is not None}},
                     problems) if raw.get("grid") else None
    later: list[str] = []  # the rooftop section's problems, listed after the profile's as the sections come
    rooftop = read_rooftop(raw.get("rooftop"), base, layers, out_dir, raw, later) if "rooftop" in raw else None
    profile = read_profile(raw["profile"] or {}, base, [r.key for r in runs], problems,
                           step_sites(wind, solar, rooftop)) \
        if "profile" in raw else None  # municipal energy profile (core/profile/)
    problems.extend(later)
    if problems:
        raise InputError(f"Scenario {path} has {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    assert aoi is not None
    return Scenario(str(raw.get("name", path.stem)), path, layers, aoi, out_dir, tuple(runs), tuple(sweeps),
                    rasters, tuple(suits), tuple(windbgs), grid, wind,
                    profile=profile, solar=solar, rooftop=rooftop, sources=data_sources,
                    crs=str(raw.get("crs", DEFAULT_CRS)))


def step_sites(wind: Any, solar: Any, rooftop: Any) -> dict[str, LayerRef]:
    """The site layers earlier steps of a scenario write, by the key a profile source names them with."""
    out: dict[str, LayerRef] = {}
    if wind is not None and wind.layout_outputs is not None:
        out["layout.wind"] = LayerRef(str(wind.layout_outputs.turbines), "turbines")
    if wind is not None and getattr(wind, "immission_outputs", None) is not None:
        # the layout after noise and shadow flicker: what stands, with the energy its modes leave
        out["immission.wind"] = LayerRef(str(wind.immission_outputs.turbines), "turbines")
    if wind is not None and getattr(wind, "repowering", None) is not None:
        # the new turbines with their repowering rule and the old turbines they replace
        out["repowering.wind"] = LayerRef(str(wind.repowering.outputs.turbines), "turbines")
    for run in solar or ():
        if run.outputs.sites is not None:
            out[f"solar.{run.key}"] = LayerRef(str(run.outputs.sites), "solar_sites")
    if rooftop is not None and rooftop.outputs.buildings is not None:
        out["rooftop"] = LayerRef(str(rooftop.outputs.buildings), "rooftop_pv")
    return out


def with_scenario_layout(sources: Sequence[Any], sc: Scenario) -> tuple[Any, ...]:
    """The profile's sources, the wind source taking the scenario's own layout: its turbines where the scenario
    lays them out (``layout.wind``), else its turbine, hub height, spacing and rotor-in for the profile's layout.

    One chain: the profile, the scenario's layout and its WindBG accounting then agree on rotor-in and turbine.
    Where the scenario checks its layout for noise and shadow flicker (``wind.immission``), the profile counts
    the checked layout (the turbines that stand, with the energy their modes leave); where it assesses repowering
    on that layout (``wind.repowering``), the same turbines with the old ones they replace. Options the profile
    section gives itself win.
    """
    if sc.wind is None or sc.wind.layout is None:
        return tuple(sources)
    layout = sc.wind.layout
    defaults = {"turbine": sc.wind.turbine, "hub_height_m": layout.hub_height_m or sc.wind.settings.hub_height_m,
                "rotor_in": layout.rotor_in, "spacing_along_d": layout.spacing_along_d,
                "spacing_across_d": layout.spacing_across_d}
    steps = step_sites(sc.wind, (), None)
    turbines = steps.get("immission.wind", steps["layout.wind"])  # checked for noise where the scenario checks it
    if sc.wind.repowering is not None and sc.wind.repowering.turbines != "place":
        turbines = steps["repowering.wind"]  # the same turbines, with what they replace
    reuse = turbines if Path(turbines.path).is_file() else None  # the layout ran before the profile in this run
    out = []
    for spec in sources:
        if spec.key == "wind":
            spec = replace(spec, sites=spec.sites or reuse,
                           options={**{k: v for k, v in defaults.items() if v is not None}, **spec.options})
        out.append(spec)
    return tuple(out)


def scenario_grid_settings(sc: Scenario) -> dict[str, Any]:
    """The connection settings of the scenario's ``grid:`` the profile's grid step takes over (one chain)."""
    if sc.grid is None or not sc.grid.connections:
        return {}
    settings = sc.grid.connections[0].settings
    return {k: getattr(settings, k) for k in PROFILE_GRID_KEYS}


def plan_from_scenario(sc: Scenario, resolution_m: float | None = None) -> ProfilePlan:
    """The profile plan of a scenario (its ``profile:`` section, or the defaults without one).

    Outputs go to the scenario's folder, so the eligibility and suitability outputs of the same
    scenario run are reused.

    Parameters
    ----------
    sc : Scenario
        A loaded scenario.
    resolution_m : float, optional
        Grid of the eligibility steps (default: that of the scenario's first run). [m]
    """
    section = sc.profile or ProfileSection()
    runs = {r.key: r for r in sc.runs}
    keys = list(section.technologies or runs)
    techs = tuple(TechnologyStep(k, dict(runs[k].catalogue_spec or {"source": runs[k].catalogue.id}),
                                 tuple(runs[k].settings.kinds), float(runs[k].settings.min_area_ha)) for k in keys)
    first = runs[keys[0]].settings if keys else None
    aoi = sc.aoi if not section.names else replace(sc.aoi, names=section.names)
    return ProfilePlan(
        layers=dict(sc.layers), aoi=aoi, output_dir=Path(sc.output_dir), technologies=techs,
        sources=with_scenario_layout(section.sources, sc), rasters={k: str(v) for k, v in sc.rasters.items()},
        resolution_m=float(resolution_m or (first.resolution_m if first else 25.0)),
        crs=first.crs if first else DEFAULT_CRS, reuse=section.reuse, suitability=section.suitability,
        rotor_in=section.rotor_in, demand_catalogue=section.demand_catalogue, demand_table=section.demand_table,
        population_field=section.population_field, land=section.land, grid_catalogue=section.grid_catalogue,
        grid_settings=scenario_grid_settings(sc),
        weather=section.weather, year=section.year, top_n=section.top_n,
        suitable_min_score=section.suitable_min_score, report=section.report, language=section.language,
        sweep_setbacks_m=section.sweep_setbacks_m, sweep_resolution_m=section.sweep_resolution_m,
        workers=first.workers if first else 2, invalid_geometries=first.invalid_geometries if first else "error",
        **dict(section.plan_options))
