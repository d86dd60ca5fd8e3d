"""Reader of the scenario's ``profile:`` section (the municipal energy profile, core/profile/).

Returns the typed :class:`~.model.ProfileSection`, paths resolved against the scenario's folder;
problems are collected, not raised.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..data.layers import LayerRef
from ..data.vsi import resolve_input
from ..economics.costs import load_cost_table
from ..errors import InputError, SpecError
from ..profile.demand_scenarios import load_demand_scenarios
from ..profile.model import GENERATION_SOURCES, SourceSpec
from ..profile.sources import FLOATING_OPTIONS
from ..spec import suggest, unknown_keys
from .model import ProfileSection, all_sources
from .values import layer_ref, parse_setbacks, read_names, resolved, weather_source

#: Keys of a scenario's ``profile:`` section.
PROFILE_KEYS = {"names", "technologies", "sources", "demand", "grid", "weather", "year", "top_n",
                "suitable_min_score", "rotor_in", "language", "report", "suitability", "reuse", "sweep",
                "economics", "demand_scenarios"}
_DEMAND_KEYS = {"catalogue", "table", "population_field", "land"}
_ECONOMICS_KEYS = {"table", "hebesatz_field", "hebesatz_pct"}
_SCENARIO_KEYS = {"catalogue", "storage_targets_pct"}
_SOURCE_KEYS = ("sites", "hourly", "options")
#: Kinds of earlier steps a source's ``sites`` may name (``layout.wind``, ``immission.wind``, ``repowering.wind``,
#: ``solar.pv_ground``, ``rooftop``).
STEP_KINDS = ("layout", "immission", "repowering", "solar", "rooftop")


def read_sources(raw: Any, base: Path, problems: list[str],
                 steps: Mapping[str, LayerRef] | None = None) -> tuple[SourceSpec, ...]:
    """``profile.sources``: ``{key: {} or {sites: file.gpkg|layername=x, hourly: x.csv, options: {…}}}``.

    ``sites`` may name an earlier step of the scenario by key (``layout.wind``, ``solar.pv_ground``, ``rooftop``:
    the keys of ``steps``), so the scenario runs wherever its output folder is.
    """
    steps = steps or {}
    if raw is None:
        return all_sources()
    if not isinstance(raw, Mapping):
        problems.append("profile.sources: map source keys to {} or {sites: file.gpkg|layername=x, hourly: x.csv}")
        return ()
    specs = []
    for key, spec in raw.items():
        where = f"profile.sources.{key}"
        if key not in GENERATION_SOURCES:
            problems.append(f"{where}: not a generation source{suggest(key, GENERATION_SOURCES)}; "
                            f"sources: {', '.join(GENERATION_SOURCES)}")
        spec = spec or {}
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: give {{}} or {{sites: file.gpkg|layername=x, hourly: x.csv}}")
            continue
        for k in spec:
            if k not in _SOURCE_KEYS:
                problems.append(f"{where}.{k}: unknown key; use {', '.join(_SOURCE_KEYS)}")
        raw_sites = spec.get("sites")
        if isinstance(raw_sites, str) and "." in raw_sites.split("|")[0] and raw_sites.split(".")[0] in STEP_KINDS \
                or raw_sites in STEP_KINDS:
            sites = steps.get(str(raw_sites))
            if sites is None:
                problems.append(f"{where}.sites: the scenario has no step {raw_sites!r}"
                                f"{suggest(str(raw_sites), list(steps))}; steps: {', '.join(steps) or 'none'}")
        else:
            sites = None if raw_sites is None else layer_ref(raw_sites, base, f"{where}.sites", problems)
        options = spec.get("options") or {}
        if key == "pv_floating" and isinstance(options, Mapping):
            for k in options:
                if k not in FLOATING_OPTIONS:
                    problems.append(f"{where}.options.{k}: unknown option{suggest(str(k), FLOATING_OPTIONS)}; "
                                    f"options: {', '.join(FLOATING_OPTIONS)}")
        hourly = resolve_input(str(spec["hourly"]), base) if spec.get("hourly") else None
        specs.append(SourceSpec(str(key), sites, hourly, dict(spec.get("options") or {})))
    return tuple(specs)


def read_economics(raw: Any, base: Path, problems: list[str]) -> dict[str, Any]:
    """``profile.economics``: ``{table: economics|costs.yml, hebesatz_field: hebesatz, hebesatz_pct: 400}`` as
    :class:`~..profile.model.ProfilePlan` fields (problems are collected)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append("profile.economics: give a mapping, e.g. {table: economics, hebesatz_field: hebesatz, "
                        "hebesatz_pct: 400}")
        return {}
    unknown_keys(raw, _ECONOMICS_KEYS, "profile.economics.", problems)
    out: dict[str, Any] = {}
    if raw.get("table") is not None:
        out["cost_table"] = resolved(str(raw["table"]), base)
        try:
            load_cost_table(out["cost_table"])
        except (SpecError, InputError) as exc:
            problems.append(f"profile.economics.table: {exc}")
    if raw.get("hebesatz_field") is not None:
        out["hebesatz_field"] = str(raw["hebesatz_field"])
    pct = raw.get("hebesatz_pct")
    if pct is not None:
        if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not 200 <= pct <= 1000:
            problems.append(f"profile.economics.hebesatz_pct: {pct!r} is not a trade-tax multiplier in per cent "
                            "between 200 (§ 16 (4) GewStG) and 1000, e.g. 400")
        else:
            out["hebesatz_pct"] = float(pct)
    return out


def read_demand_scenarios(raw: Any, base: Path, problems: list[str]) -> dict[str, Any]:
    """``profile.demand_scenarios``: ``{catalogue: demand_scenarios|file.yml, storage_targets_pct: [80, 90]}``, or
    ``null`` for none, as :class:`~..profile.model.ProfilePlan` fields (problems are collected)."""
    where = "profile.demand_scenarios"
    if raw is None:
        return {"demand_scenarios": None}
    if raw is True or raw == {}:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: give {{catalogue: demand_scenarios, storage_targets_pct: [80, 90]}} or null")
        return {}
    unknown_keys(raw, _SCENARIO_KEYS, f"{where}.", problems)
    out: dict[str, Any] = {}
    if raw.get("catalogue") is not None:
        out["demand_scenarios"] = resolved(str(raw["catalogue"]), base)
        try:
            load_demand_scenarios(out["demand_scenarios"])
        except (SpecError, InputError) as exc:
            problems.append(f"{where}.catalogue: {exc}")
    targets = raw.get("storage_targets_pct")
    if targets is not None:
        values = targets if isinstance(targets, list) else [targets]
        if not values or any(isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 100
                             for t in values):
            problems.append(f"{where}.storage_targets_pct: {targets!r}; give self-sufficiency targets in per cent "
                            "above 0 and at most 100, e.g. [80, 90]")
        else:
            out["storage_targets_pct"] = tuple(float(t) for t in values)
    return out


def read_profile(raw: Any, base: Path, technology_keys: list[str], problems: list[str],
                 steps: Mapping[str, LayerRef] | None = None) -> ProfileSection | None:
    """Read the ``profile:`` key (problems are collected, not raised); ``steps``: the scenario's site outputs by key."""
    if not isinstance(raw, Mapping):
        problems.append("profile: give a mapping, e.g. {sources: {pv_ground: {}}, top_n: 5}")
        return None
    unknown_keys(raw, PROFILE_KEYS, "profile.", problems)
    techs = raw.get("technologies")
    for key in techs or []:
        if key not in technology_keys:
            problems.append(f"profile.technologies: no technology {key!r} under 'eligibility'"
                            f"{suggest(key, technology_keys)}")
    sources = read_sources(raw.get("sources"), base, problems, steps)
    demand = raw.get("demand") or {}
    if not isinstance(demand, Mapping):
        problems.append("profile.demand: give a mapping, e.g. {table: demand.csv, population_field: population}")
        demand = {}
    unknown_keys(demand, _DEMAND_KEYS, "profile.demand.", problems)
    grid = raw.get("grid", {"catalogue": "grid_connection"})
    if grid is not None and not isinstance(grid, Mapping):
        problems.append("profile.grid: give {catalogue: grid_connection} or null (no grid step)")
        grid = None
    language = raw.get("language", "de")
    if language not in ("de", "en"):
        problems.append("profile.language: de or en")
    sweep = raw.get("sweep")
    setbacks: tuple[float, ...] = ()
    if sweep is not None:
        try:
            setbacks = parse_setbacks(sweep.get("setbacks_m") if isinstance(sweep, Mapping) else None)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"profile.sweep.setbacks_m: {exc}")
    for key, kind in (("top_n", int), ("year", int), ("suitable_min_score", (int, float))):
        if key in raw and not isinstance(raw[key], kind):
            problems.append(f"profile.{key}: a number")
    names = read_names(raw.get("names"))
    options = read_economics(raw.get("economics"), base, problems)
    if "demand_scenarios" in raw:
        options.update(read_demand_scenarios(raw.get("demand_scenarios"), base, problems))
    try:
        return ProfileSection(
            technologies=None if not techs else tuple(str(k) for k in techs), sources=sources,
            names=tuple(str(n) for n in names),
            demand_catalogue=resolved(str(demand.get("catalogue", "demand")), base),
            demand_table=resolve_input(str(demand["table"]), base) if demand.get("table") else None,
            population_field=str(demand.get("population_field", "population")),
            land=None if demand.get("land") is None else str(demand["land"]),
            grid_catalogue=None if grid is None else resolved(str(grid.get("catalogue", "grid_connection")), base),
            weather=weather_source(raw.get("weather"), base), year=int(raw.get("year", 2010)),
            top_n=int(raw.get("top_n", 5)), suitable_min_score=float(raw.get("suitable_min_score", 70.0)),
            rotor_in=bool(raw.get("rotor_in", True)), language=str(language), report=bool(raw.get("report", True)),
            suitability=bool(raw.get("suitability", True)), reuse=bool(raw.get("reuse", True)),
            sweep_setbacks_m=setbacks,
            sweep_resolution_m=float((sweep if isinstance(sweep, Mapping) else {}).get("resolution_m", 50.0)),
            plan_options=tuple(options.items()))
    except (TypeError, ValueError) as exc:
        problems.append(f"profile: {exc}")
        return None

