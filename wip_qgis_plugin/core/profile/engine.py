"""Municipal energy profile ("Zukunftsprofil"): the whole chain for chosen municipalities.

eligibility → suitability → generation sources (wind layout, ground PV, agri-PV, rooftop PV) →
grid connection → demand → hourly balance → indicators per municipality, with the provenance of
every number (catalogue versions, parameters, input layers). :func:`run_profile` runs it; the
parts live beside it: the plan and results (:mod:`.model`), the steps before the sources with
their reuse (:mod:`.steps`), the sources (:mod:`.sources`), the indicators (:mod:`.indicators`)
and the files (:mod:`.outputs`, :mod:`.report`).

Example::

    plan = ProfilePlan(layers=..., rasters=..., aoi=..., output_dir=Path("out/profile"),
                       technologies=(TechnologyStep("wind", {"source": "wind_sachsen_anhalt"}),
                                     TechnologyStep("pv_ground", {"source": "pv_ground"})),
                       sources=(SourceSpec("wind"), SourceSpec("pv_ground")))
    result = run_profile(plan)
    result.municipalities[0].indicators["pv_ground_energy_gwh"]
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import __version__
from ..data.layers import check_working_crs
from ..data.outputs import OutputTransaction
from ..economics.costs import load_cost_table
from ..economics.sites import hebesatz_of, site_economics
from ..eligibility.aoi import read_aoi_frame
from ..progress import NullProgress, Progress, SubProgress, check_cancelled
from .demand import DemandCatalogue, MunicipalDemand, demands_for, load_demand_catalogue, read_demand_table
from .categories import category_indicators, category_potentials, system_yields
from .demand_scenarios import DemandScenarioCatalogue, load_demand_scenarios
from .indicators import (
    group_positions,
    municipal_profile,
    municipal_value_indicators,
    municipality_land,
    site_records,
    unique_ids,
)
from .model import (
    GENERATION_SOURCES,
    SITE_FIELDS,
    MunicipalProfile,
    ProfilePlan,
    ProfileResult,
    SourceContext,
    SourceResult,
    TechnologyFigures,
)
from .outputs import write_outputs
from .scenarios import municipal_scenarios, scenario_indicators, scenario_temperature
from .sources import centre_lonlat, profile_weather, run_source
from .steps import eligibility_step, grid_step, suitability_step, sweep_series, windbg_step
from ..messages import msg


def read_boundaries(plan: ProfilePlan, crs: Any, progress: Progress | None = None) -> gpd.GeoDataFrame:
    """The chosen municipalities, one row each (``name``, ``ags``, ``population``), parts dissolved.

    Read as every step reads its area of interest (:func:`..eligibility.aoi.read_aoi_frame`): NULL names
    labelled by the key, namesakes with different keys kept apart, names containing commas selectable.
    """
    pop, heb = plan.population_field, plan.hebesatz_field
    extra = tuple(f for f in (pop, heb) if f)
    frame, id_field = read_aoi_frame(plan.aoi, crs, plan.invalid_geometries, progress, extra=extra)
    agg: dict[str, Any] = {"geometry": lambda g: shapely.union_all(np.asarray(g)), "aoi_id": "first"}
    if pop and pop in frame.columns:
        frame[pop] = pd.to_numeric(frame[pop], errors="coerce")
        agg[pop] = lambda v: float(v.sum()) if v.notna().any() else np.nan
    if heb and heb in frame.columns and heb != pop:
        frame[heb] = pd.to_numeric(frame[heb], errors="coerce")
        agg[heb] = "first"
    groups = frame.groupby("aoi_label", sort=False).agg(agg).reset_index()
    return gpd.GeoDataFrame({
        "name": groups["aoi_label"].astype(str),
        "ags": groups["aoi_id"].astype(str) if id_field else "",
        "population": groups[pop].astype(float) if pop and pop in groups.columns else np.nan,
        "hebesatz": groups[heb].astype(float) if heb and heb in groups.columns and heb != pop else np.nan,
    }, geometry=list(groups["geometry"]), crs=crs)


def municipal_hebesatz(plan: ProfilePlan, boundaries: gpd.GeoDataFrame, progress: Progress) -> dict[str, float]:
    """Trade-tax multiplier per municipality: the layer's field, else ``plan.hebesatz_pct``, else none (the
    cost table's default applies); implausible field values are reported and replaced. [-] (4.0 = 400 %)"""
    given = hebesatz_of(boundaries, "hebesatz")
    odd = sorted(n for n, v in given.items() if not 2.0 <= v <= 10.0)
    if odd:
        progress.warning(msg("hebesatz_implausible", field=plan.hebesatz_field, names=", ".join(odd[:10])))
        given = {n: v for n, v in given.items() if n not in odd}
    if plan.hebesatz_pct is not None:
        return {str(n): given.get(str(n), plan.hebesatz_pct / 100.0) for n in boundaries["name"]}
    return given


def municipal_demands(plan: ProfilePlan, boundaries: gpd.GeoDataFrame, cat: DemandCatalogue,
                      progress: Progress) -> list[MunicipalDemand]:
    """Demand of every municipality with a table row or a population; the others are reported."""
    table = read_demand_table(plan.demand_table, cat) if plan.demand_table else None
    pops = [None if not np.isfinite(p) else float(p) for p in boundaries["population"].astype(float)]
    names, ags = list(boundaries["name"]), list(boundaries["ags"])
    known = [i for i in range(len(names)) if pops[i] is not None or names[i] in (table or {})
             or ags[i] in (table or {})]
    lacking = [names[i] for i in range(len(names)) if i not in set(known)]
    if lacking:
        progress.warning(msg("demand_missing", names=", ".join(lacking[:10]) + (" …" if len(lacking) > 10 else ""),
                             field=plan.population_field))
    return demands_for([names[i] for i in known], [ags[i] for i in known], [pops[i] for i in known], cat, table,
                       f"table {plan.demand_table}" if plan.demand_table else "table")


def provenance_of(plan: ProfilePlan, technologies: Mapping[str, TechnologyFigures],
                  sources: Mapping[str, SourceResult], demand_cat: DemandCatalogue,
                  grid: dict[str, Any]) -> dict[str, Any]:
    """What every output records: versions, parameters and input layers."""
    return {
        "wip_version": __version__, "created": dt.datetime.now().isoformat(timespec="seconds"),
        "parameters": {k: v for k, v in dataclasses.asdict(plan).items()
                       if k not in ("layers", "rasters", "aoi", "technologies", "sources")},
        "area_of_interest": {"layer": plan.aoi.layer.describe(), "name_field": plan.aoi.name_field,
                             "names": list(plan.aoi.names) or "all"},
        "input_layers": {r: ref.describe() for r, ref in plan.layers.items()},
        "input_rasters": dict(plan.rasters),
        "catalogues": {k: {**t.catalogue.provenance(), "kinds": next(
            (list(s.kinds) for s in plan.technologies if s.key == k), []), "reused": t.reused}
            for k, t in technologies.items()},
        "sources": {k: {"status": s.status, "reason": s.reason, "density": s.density, "facts": s.facts,
                        **s.provenance}
                    for k, s in sources.items()},
        "demand": {**demand_cat.provenance(), "table": plan.demand_table, "population_field": plan.population_field},
        "grid": grid,
    }


def run_profile(plan: ProfilePlan, progress: Progress | None = None) -> ProfileResult:
    """Run the whole profile and write its outputs (all or nothing).

    Outputs in ``plan.output_dir``: ``profile_indicators.csv`` (one row per municipality and
    a TOTAL row), ``profile.json`` (indicators, sources, provenance), ``profile_hourly.csv``
    (demand and generation per municipality [MW]), ``profile_sites.gpkg`` (layers
    ``municipalities`` with the indicators, ``sites``, ``connections``) and, with
    ``plan.report``, ``report/index.html`` plus one HTML per municipality. Eligibility and
    suitability outputs go to the same folder under their usual names.

    Raises
    ------
    InputError
        Missing layers, fields or a bad setting, naming the fix.
    """
    progress = progress or NullProgress()
    t0 = time.perf_counter()
    plan.check()
    crs = check_working_crs(plan.crs)
    plan.output_dir.mkdir(parents=True, exist_ok=True)
    boundaries = read_boundaries(plan, crs, progress)
    demand_cat = load_demand_catalogue(plan.demand_catalogue)
    demands = {d.name: d for d in municipal_demands(plan, boundaries, demand_cat, progress)}
    n_tech = max(1, len(plan.technologies))
    technologies: dict[str, TechnologyFigures] = {}
    for i, step in enumerate(plan.technologies):
        sub = SubProgress(progress, 0.5 * i / n_tech, 0.5 * (i + 0.8) / n_tech)
        progress.report(0.5 * i / n_tech, msg("profile_step_eligibility", source=step.key))
        tech = eligibility_step(plan, step, sub)
        if plan.suitability:
            progress.report(0.5 * (i + 0.8) / n_tech, msg("profile_step_suitability", source=step.key))
            suitability_step(plan, tech, SubProgress(progress, 0.5 * (i + 0.8) / n_tech, 0.5 * (i + 1) / n_tech))
        technologies[step.key] = tech
        check_cancelled(progress)
    windbg = windbg_step(plan, technologies["wind"]) if "wind" in technologies else {}
    tx = OutputTransaction()
    try:
        result = generation_to_outputs(plan, progress, t0, crs, boundaries, demand_cat, demands, technologies,
                                       windbg, tx)
        tx.commit()
    except BaseException:
        tx.rollback()
        raise
    progress.report(1.0, msg("step_done"))
    return result


def categories_step(ctx: SourceContext, technologies: Mapping[str, TechnologyFigures],
                    municipalities: list[MunicipalProfile], costs: Any) -> None:
    """PV potential per category of land of each technology whose catalogue declares categories (fills
    ``m.categories`` and the ``<key>_<category>_…`` indicators)."""
    for key, tech in technologies.items():
        cats = getattr(tech.catalogue, "categories", None) or {}
        if not cats:
            continue
        yields = system_yields({c.system for c in cats.values()}, profile_weather(ctx), *centre_lonlat(ctx))
        for m in municipalities:
            st = tech.stats.get(m.name)
            if st is None:
                continue
            m.categories[key] = category_potentials(cats, st.categories, yields, costs)
            m.indicators.update(category_indicators(key, m.categories[key]))


def demand_scenarios_step(plan: ProfilePlan, ctx: SourceContext, boundaries: gpd.GeoDataFrame,
                          municipalities: list[MunicipalProfile], progress: Progress) -> DemandScenarioCatalogue | None:
    """Each municipality's balance and storage in the demand scenarios (fills ``m.scenarios`` and its indicators);
    the catalogue, or None without scenarios. A municipality without an hourly balance or population gets a note."""
    if not plan.demand_scenarios:
        return None
    cat = load_demand_scenarios(plan.demand_scenarios)
    temperature = scenario_temperature(profile_weather(ctx))
    population = dict(zip(boundaries["name"].astype(str), boundaries["population"].astype(float)))
    ags = dict(zip(boundaries["name"].astype(str), boundaries["ags"].astype(str)))
    for i, m in enumerate(municipalities):
        progress.report(i / max(1, len(municipalities)), msg("profile_step_demand", name=m.name))
        pop = population.get(m.name, float("nan"))
        if m.balance is None or not np.isfinite(pop):
            m.notes.append("demand scenarios: need the hourly balance and the population; not computed")
            continue
        m.scenarios = municipal_scenarios(m.balance.generation, m.balance.demand, pop, cat, temperature, plan.year,
                                          municipality_land(plan, ags.get(m.name, "")), plan.storage_targets_pct)
        m.indicators.update(scenario_indicators(m.scenarios, cat.reference))
        check_cancelled(progress)
    return cat


def generation_to_outputs(plan: ProfilePlan, progress: Progress, t0: float, crs: Any, boundaries: gpd.GeoDataFrame,
                          demand_cat: DemandCatalogue, demands: Mapping[str, MunicipalDemand],
                          technologies: dict[str, TechnologyFigures], windbg: Mapping[str, Any],
                          tx: OutputTransaction) -> ProfileResult:
    """Sources, grid, indicators and outputs, all written through ``tx`` (the second half of :func:`run_profile`)."""
    ctx = SourceContext(plan, technologies, boundaries, crs, tx)
    sources: dict[str, SourceResult] = {}
    for i, spec in enumerate(plan.sources):
        progress.report(0.5 + 0.3 * i / max(1, len(plan.sources)), msg("profile_step_generation", source=spec.key))
        sources[spec.key] = run_source(ctx, spec, SubProgress(progress, 0.5 + 0.3 * i / len(plan.sources),
                                                              0.5 + 0.3 * (i + 1) / len(plan.sources)))
        check_cancelled(progress)
    frames = [s.sites for s in sources.values() if s.sites is not None and not s.sites.empty]
    sites = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs) if frames else \
        gpd.GeoDataFrame({f: [] for f in (*SITE_FIELDS, "source")}, geometry=[], crs=crs)
    sites["uid"] = unique_ids(sites)
    progress.report(0.8, msg("step_grid_connection"))
    grid_sites = sites[sites["source"].map(lambda k: GENERATION_SOURCES[k].grid_connected)] if len(sites) else sites
    connections, per_site, grid_note, grid_prov = grid_step(plan, grid_sites, crs, SubProgress(progress, 0.8, 0.9))
    sites["grid_cost_eur"] = sites["uid"].map(lambda u: float(per_site[u]["cost_eur"]) if u in per_site else np.nan)
    sites["grid_connected_mw"] = sites["uid"].map(
        lambda u: float(per_site[u]["connected_mw"]) if u in per_site else np.nan)
    sites["grid_status"] = sites["uid"].map(lambda u: str(per_site[u]["status"]) if u in per_site else "")
    sites["substation"] = sites["uid"].map(lambda u: str(per_site[u]["substation"]) if u in per_site else "")
    sites["grid_length_km"] = sites["uid"].map(
        lambda u: float(per_site[u]["length_km"]) if u in per_site else np.nan)
    costs = load_cost_table(plan.cost_table)
    hebesatz = municipal_hebesatz(plan, boundaries, progress)
    sites, economics = site_economics(sites, boundaries, costs, hebesatz,
                                      counted={k for k, g in GENERATION_SOURCES.items() if g.additive})
    check_cancelled(progress)
    progress.report(0.88, msg("step_setback_sweep"))
    sweep = sweep_series(plan, technologies, tx, SubProgress(progress, 0.88, 0.9))
    progress.report(0.9, msg("step_indicators"))
    tops = site_records(sites, plan.top_n)
    municipalities = []
    groups = group_positions(sites, "municipality")   # each municipality's sites in one pass
    for _, row in boundaries.iterrows():
        mine = sites.iloc[groups.get(str(row["name"]), np.empty(0, dtype=np.intp))] if len(sites) else sites
        municipalities.append(municipal_profile(plan, row, technologies, windbg, sources, sites, demands,
                                                demand_cat, per_site, grid_note, tops, mine))
    for m in municipalities:
        m.indicators.update(municipal_value_indicators(economics.get(m.name, {})))
    categories_step(ctx, technologies, municipalities, costs)
    scenario_cat = demand_scenarios_step(plan, ctx, boundaries, municipalities, SubProgress(progress, 0.9, 0.95))
    result = ProfileResult(plan, municipalities, technologies, sources, sites, connections, boundaries, demand_cat,
                           provenance_of(plan, technologies, sources, demand_cat, grid_prov), {},
                           sweep, grid_note)
    result.scenario_catalogue = scenario_cat
    result.provenance["demand_scenarios"] = scenario_cat.provenance() if scenario_cat is not None else None
    result.provenance["windbg_accounting"] = windbg.get("_accounting")
    result.provenance["economics"] = {"table": costs.id, "price_year": costs.price_year, "file": costs.origin,
                                      "discount_rate": costs.discount_rate, "lifetime_a": costs.lifetime_a,
                                      "hebesatz_pct": {n: round(100 * v, 1) for n, v in hebesatz.items()},
                                      "hebesatz_default_pct": round(100 * costs.hebesatz, 1)}
    result.seconds = time.perf_counter() - t0
    check_cancelled(progress)
    write_outputs(result, progress, tx)
    return result


__all__ = ["categories_step", "demand_scenarios_step", "generation_to_outputs", "municipal_demands", "municipal_hebesatz", "provenance_of", "read_boundaries", "run_profile"]
