"""Readers of the scenario's sections up to the eligible land and its analyses.

``layers``, ``rasters``, ``area_of_interest``, ``turbine``, ``on_date``, ``eligibility`` (one
:class:`~.model.TechnologyRun` per technology), ``sweep``, ``suitability`` and ``windbg``. Each
reader takes the raw value of its key and the problems collector, appends every problem with its
place in the file, and returns what it could read (problems are collected, not raised).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..catalogue.loader import Catalogue, load_catalogue
from ..data.layers import ROLES, LayerRef
from ..data.rasters import RASTER_ROLES, RasterRef
from ..data.vsi import resolve_input
from ..defaults import DEFAULT_CRS, DEFAULT_TURBINE
from ..eligibility.aoi import AreaOfInterest
from ..eligibility.engine import EligibilityOutputs, EligibilitySettings
from ..errors import InputError
from ..spec import suggest, unknown_keys
from ..units import Turbine
from ..wind.turbines import load_turbine
from .layer_bindings import TECHNOLOGY_KEYS, read_layer_bindings, read_require_all
from .model import DEFAULT_ROTOR_IN, SuitabilityRun, SweepRun, TechnologyRun, WindbgRun
from .values import layer_ref, parse_setbacks, read_kinds, read_names, resolved

_SUIT = {"sensitivity", "aggregation", "weights", "ahp", "weighting"}
_WINDBG = {"rotor_in", "tower_foot_radius_m", "plan_areas", "plan_rotor_in"}
_SWEEP = {"criterion", "setbacks_m", "variants", "resolution_m"}
_AOI = {"layer", "name_field", "names", "id_field"}
_TECH = {"catalogue", "kinds", "overrides", "min_area_ha", "settlement_setback_m"}
_TECH |= TECHNOLOGY_KEYS  # criterion_layers, role_layers, require_all (.layer_bindings)


def outputs_for(output_dir: Path, key: str) -> EligibilityOutputs:
    """Standard output names of a technology run in a folder."""
    return EligibilityOutputs(
        output_dir / f"{key}_eligibility.tif", output_dir / f"{key}_reasons.tif",
        output_dir / f"{key}_areas.gpkg", output_dir / f"{key}_table.csv",
    )


def catalogue_job_spec(raw: Mapping[str, Any], catalogue: Catalogue, base: Path) -> dict[str, Any]:
    """A scenario technology's catalogue as an engine job names it (``{"source": …, "overrides": …}``).

    The settlement setback is folded into the overrides, applied after the user's, as the scenario does.
    """
    ref = resolved(str(raw.get("catalogue", catalogue.id)), base)
    overrides = {k: (None if v is None else dict(v)) for k, v in (raw.get("overrides") or {}).items()}
    if raw.get("settlement_setback_m") is not None:
        metres = float(raw["settlement_setback_m"])
        for c in catalogue.criteria:
            if "settlement_setback" in c.tags:
                overrides[c.id] = {**(overrides.get(c.id) or {}), "buffer": f"{metres:g} m"}
    return {"source": ref, **({"overrides": overrides} if overrides else {})}


def read_layers(raw: Any, base: Path, problems: list[str]) -> dict[str, LayerRef]:
    """Read ``layers:``: role → ``{path, layer}`` or a path."""
    layers: dict[str, LayerRef] = {}
    for role, ref in (raw or {}).items():
        if role not in ROLES:
            problems.append(f"layers.{role}: not a layer role{suggest(role, ROLES)}; roles: {', '.join(ROLES)}")
            continue
        lr = layer_ref(ref, base, f"layers.{role}", problems)
        if lr is not None:
            layers[role] = lr
    return layers


def read_area_of_interest(raw: Any, layers: dict[str, LayerRef], base: Path,
                          problems: list[str]) -> AreaOfInterest | None:
    """Read ``area_of_interest:`` (default: every municipality of the ``municipalities`` layer).

    Returns None if no layer is named (the problem is recorded).
    """
    aoi_raw = raw or {"layer": "municipalities"}
    unknown_keys(aoi_raw, _AOI, "area_of_interest.", problems)
    aoi_layer_raw = aoi_raw.get("layer", "municipalities")
    aoi_layer = layers.get(aoi_layer_raw) if isinstance(aoi_layer_raw, str) and aoi_layer_raw in ROLES else \
        layer_ref(aoi_layer_raw, base, "area_of_interest.layer", problems)
    if aoi_layer is None:
        problems.append("area_of_interest.layer: give a role of 'layers' (e.g. municipalities) or {path, layer}")
        return None
    names = read_names(aoi_raw.get("names"))
    if not isinstance(names, (list, tuple)):
        problems.append("area_of_interest.names: give a list of names, e.g. [Zörbig, Petersberg], "
                        "or 'Zörbig, Petersberg'")
        return None
    return AreaOfInterest(aoi_layer, str(aoi_raw.get("name_field", "name")), tuple(str(n) for n in names),
                          aoi_raw.get("id_field", "ags"))


def read_turbine(raw: Any, base: Path, problems: list[str]) -> Turbine | None:
    """Read ``turbine:`` (the turbine of the setbacks in rotor diameters and hub heights).

    A type (``E-141/4200``), ``{type: …, hub_height_m: …}``, a turbine YAML file, or
    ``{hub_height_m, rotor_diameter_m}``; missing → None.
    """
    if not raw:
        return None
    t = raw
    try:
        if isinstance(t, str) or (isinstance(t, dict) and "type" in t):  # a turbine with a power curve
            name = t if isinstance(t, str) else str(t["type"])
            hub = None if isinstance(t, str) or t.get("hub_height_m") is None else float(t["hub_height_m"])
            return load_turbine(str((base / name).resolve()) if name.endswith((".yaml", ".yml")) else name, hub)
        return Turbine(float(t["hub_height_m"]), float(t["rotor_diameter_m"]), str(t.get("name", "")))
    except InputError as exc:
        problems.append(f"turbine: {exc}")
    except (KeyError, TypeError, ValueError):
        problems.append("turbine: needs hub_height_m and rotor_diameter_m (numbers in metres), or a turbine "
                        f"type: {DEFAULT_TURBINE}, {{type: nrel_6mw_170, hub_height_m: 165}} or a turbine YAML file")
    return None


def read_on_date(raw: Any, problems: list[str]) -> dt.date | None:
    """Read ``on_date:`` (``YYYY-MM-DD``; missing → None)."""
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        problems.append(f"on_date: {raw!r} is not a date; write YYYY-MM-DD")
        return None


def read_technologies(top: Mapping[str, Any], base: Path, out_dir: Path, turbine: Turbine | None,
                      on_date: dt.date | None, problems: list[str]) -> list[TechnologyRun]:
    """Read ``eligibility:``: one run per technology, with the top level's grid, CRS, turbine and date.

    Parameters
    ----------
    top : mapping
        The whole file (its ``eligibility`` key, and ``resolution_m``, ``crs``, ``workers`` and
        ``invalid_geometries``).
    base, out_dir : Path
        The scenario's folder and its output folder.
    turbine, on_date
        As read by :func:`read_turbine` and :func:`read_on_date`.
    problems : list of str
        Collector of the problems.
    """
    runs = []
    techs = top.get("eligibility") or {}
    if not techs:
        problems.append("eligibility: name at least one technology, e.g. wind: {catalogue: wind_sachsen_anhalt}")
    for key, spec in techs.items():
        where = f"eligibility.{key}"
        if not isinstance(spec, dict) or "catalogue" not in spec:
            problems.append(f"{where}: needs at least 'catalogue' (a preset id or a YAML file)")
            continue
        unknown_keys(spec, _TECH, f"{where}.", problems)
        cat_ref = str(spec["catalogue"])
        if cat_ref.endswith((".yaml", ".yml")):
            cat_ref = str((base / cat_ref).resolve())
        try:
            cat = load_catalogue(cat_ref)
            if spec.get("overrides") is not None and not (
                    isinstance(spec["overrides"], dict)
                    and all(isinstance(v, dict) or v is None for v in spec["overrides"].values())):
                raise ValueError("overrides map criterion ids to fields, e.g. {forest: {buffer: 30 m}} "
                                 "or {airfields: null} to drop one")
            if spec.get("overrides"):
                cat = cat.with_overrides(spec["overrides"])
            if spec.get("settlement_setback_m") is not None:
                cat = cat.with_tag_buffer("settlement_setback", float(spec["settlement_setback_m"]))
        except ValueError as exc:
            problems.append(f"{where}.catalogue: {exc}")
            continue
        try:
            settings = EligibilitySettings(
                resolution_m=float(top.get("resolution_m", 10.0)), crs=str(top.get("crs", DEFAULT_CRS)),
                kinds=read_kinds(spec.get("kinds")), min_area_ha=float(spec.get("min_area_ha", 1.0)),
                turbine=turbine, on_date=on_date, invalid_geometries=str(top.get("invalid_geometries", "error")),
                **({"workers": int(top["workers"])} if top.get("workers") else {}),
                require_all=read_require_all(spec, top, where, problems),
                layer_bindings=read_layer_bindings(spec, [c.id for c in cat.criteria], base, where, problems),
                rasters=criteria_rasters(cat, read_rasters(top.get("rasters"), base, [])),
            )
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        runs.append(TechnologyRun(key, cat, settings, outputs_for(out_dir, key), catalogue_job_spec(spec, cat, base)))
    return runs


def read_sweeps(raw: Any, by_key: dict[str, TechnologyRun], out_dir: Path, problems: list[str]) -> list[SweepRun]:
    """Read ``sweep:``: ``{technology key: {criterion, setbacks_m, variants, resolution_m}}``."""
    sweeps = []
    for key, spec in (raw or {}).items():
        where = f"sweep.{key}"
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{suggest(key, by_key)}")
            continue
        if not isinstance(spec, dict) or "criterion" not in spec or "setbacks_m" not in spec:
            problems.append(f"{where}: needs 'criterion' and 'setbacks_m'")
            continue
        unknown_keys(spec, _SWEEP, f"{where}.", problems)
        try:
            steps = parse_setbacks(spec["setbacks_m"])
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}.setbacks_m: {exc}")
            continue
        variants = {str(k): list(v or []) for k, v in (spec.get("variants") or {"all": []}).items()}
        run = by_key[key]
        if spec.get("resolution_m"):
            run = replace(run, settings=replace(run.settings, resolution_m=float(spec["resolution_m"])))
        sweeps.append(SweepRun(key, run, str(spec["criterion"]), steps, variants,
                               out_dir / f"{key}_sweep.csv", out_dir / f"{key}_sweep.png"))
    return sweeps


def criteria_rasters(catalogue: Catalogue, rasters: Mapping[str, str]) -> dict[str, RasterRef]:
    """The scenario's ``rasters:`` that the catalogue's raster criteria read (their roles, or the roles they
    derive from, e.g. ``dem`` for ``slope``)."""
    roles = {c.raster for c in catalogue.criteria if c.raster}
    roles |= {RASTER_ROLES[r].derived_from for r in roles if RASTER_ROLES[r].derived_from}
    return {r: RasterRef(p) for r, p in rasters.items() if r in roles}


def read_rasters(raw: Any, base: Path, problems: list[str]) -> dict[str, str]:
    """Read ``rasters:``: raster role → file (resolved against ``base``)."""
    rasters = {}
    for role, rpath in (raw or {}).items():
        if role not in RASTER_ROLES:
            problems.append(f"rasters.{role}: not a raster role{suggest(role, RASTER_ROLES)}; "
                            f"roles: {', '.join(RASTER_ROLES)}")
            continue
        rasters[role] = resolve_input(str(rpath), base)
    return rasters


def read_suitability(raw: Any, by_key: dict[str, TechnologyRun], out_dir: Path,
                     problems: list[str]) -> list[SuitabilityRun]:
    """Read ``suitability:``: ``{technology key: {sensitivity, aggregation, weights, ahp, weighting}}``."""
    suits = []
    for key, spec in (raw or {}).items():
        where = f"suitability.{key}"
        spec = spec or {}
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{suggest(key, by_key)}")
            continue
        unknown_keys(spec, _SUIT, f"{where}.", problems)
        run = by_key[key]
        overrides = {k: spec[k] for k in ("aggregation", "weights", "ahp", "weighting") if k in spec}
        if overrides:
            try:
                run = replace(run, catalogue=run.catalogue.with_suitability_overrides(overrides),
                              catalogue_spec={**run.catalogue_spec, "suitability_overrides": overrides})
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
        if run.catalogue.suitability is None:
            problems.append(f"{where}: the catalogue {run.catalogue.id!r} has no 'suitability' section")
            continue
        sens = spec.get("sensitivity")
        suits.append(SuitabilityRun(key, run, dict(sens) if sens else None, out_dir / f"{key}_suitability.tif",
                                    out_dir / f"{key}_sites.gpkg", out_dir / f"{key}_sites.csv",
                                    out_dir / f"{key}_stability.tif" if sens else None))
    return suits


def read_windbg(raw: Any, by_key: dict[str, TechnologyRun], out_dir: Path, problems: list[str],
                base: Path | None = None) -> list[WindbgRun]:
    """Read ``windbg:``: ``{technology key: {rotor_in, tower_foot_radius_m, plan_areas, plan_rotor_in}}``.

    ``plan_areas`` (a file, relative to the scenario) adds the accounting of a regional plan's designated areas
    and their overlap with the technology's eligible land (:mod:`..eligibility.plan_areas`).
    """
    base = base or out_dir
    windbgs = []
    for key, spec in (raw or {}).items():
        where = f"windbg.{key}"
        spec = spec or {}
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{suggest(key, by_key)}")
            continue
        unknown_keys(spec, _WINDBG, f"{where}.", problems)
        plan = None if spec.get("plan_areas") is None else layer_ref(spec["plan_areas"], base, f"{where}.plan_areas",
                                                                       problems)
        windbgs.append(WindbgRun(key, by_key[key], bool(spec.get("rotor_in", DEFAULT_ROTOR_IN)),
                                 float(spec.get("tower_foot_radius_m", 4.0)), out_dir / f"{key}_windbg.csv",
                                 plan, bool(spec.get("plan_rotor_in", False)),
                                 out_dir / f"{key}_plan_areas.csv" if plan else None,
                                 out_dir / f"{key}_plan_areas_criteria.csv" if plan else None))
    return windbgs
