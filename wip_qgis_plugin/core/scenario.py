"""Scenarios: one YAML file naming the input layers by role, the technologies and the outputs.

Paths in a scenario are relative to the scenario file. Example::

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

import datetime as dt
import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .catalogue import DEFAULT_KINDS, Catalogue, load_catalogue
from .eligibility import AreaOfInterest, EligibilityOutputs, EligibilitySettings
from .errors import InputError
from .layers import ROLES, LayerRef
from .units import Turbine

_TOP = {"name", "crs", "resolution_m", "output_dir", "layers", "area_of_interest", "eligibility",
        "turbine", "invalid_geometries", "workers", "on_date", "sweep", "rasters", "suitability", "windbg"}
_SUIT = {"sensitivity", "aggregation", "weights", "ahp", "weighting"}
_WINDBG = {"rotor_in", "tower_foot_radius_m"}
_SWEEP = {"criterion", "setbacks_m", "variants", "resolution_m"}
_AOI = {"layer", "name_field", "names", "id_field"}
_TECH = {"catalogue", "kinds", "overrides", "min_area_ha", "settlement_setback_m"}


@dataclass(frozen=True)
class TechnologyRun:
    """One eligibility run of a scenario."""

    key: str
    catalogue: Catalogue
    settings: EligibilitySettings
    outputs: EligibilityOutputs


@dataclass(frozen=True)
class SweepRun:
    """A setback sweep of a scenario, on the catalogue of one technology run."""

    key: str
    run: TechnologyRun
    criterion_id: str
    setbacks_m: tuple[float, ...]
    variants: dict[str, list[str]]
    table: Path
    chart: Path


def parse_setbacks(raw: Any) -> tuple[float, ...]:
    """``[400, 500]`` or ``{from: 400, to: 1500, step: 100}`` → setbacks. [m]"""
    if isinstance(raw, dict):
        start, stop, step = float(raw["from"]), float(raw["to"]), float(raw["step"])
        if step <= 0 or stop < start:
            raise ValueError("needs from ≤ to and a positive step")
        n = int(round((stop - start) / step))
        return tuple(start + i * step for i in range(n + 1))
    if isinstance(raw, list) and raw:
        return tuple(float(v) for v in raw)
    raise ValueError("give a list of setbacks in metres or {from: 400, to: 1500, step: 100}")


@dataclass(frozen=True)
class SuitabilityRun:
    """Suitability scoring of one technology's eligible land."""

    key: str
    run: TechnologyRun
    sensitivity: dict[str, float] | None
    suitability: Path
    sites: Path
    sites_table: Path
    stability: Path | None


@dataclass(frozen=True)
class WindbgRun:
    """WindBG area accounting of one technology's eligible areas."""

    key: str
    run: TechnologyRun
    rotor_in: bool
    tower_foot_radius_m: float
    table: Path


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario."""

    name: str
    path: Path
    layers: dict[str, LayerRef]
    aoi: AreaOfInterest
    output_dir: Path
    runs: tuple[TechnologyRun, ...] = field(default=())
    sweeps: tuple[SweepRun, ...] = field(default=())
    rasters: dict[str, str] = field(default_factory=dict)
    suitability: tuple[SuitabilityRun, ...] = field(default=())
    windbg: tuple[WindbgRun, ...] = field(default=())


def outputs_for(output_dir: Path, key: str) -> EligibilityOutputs:
    """Standard output names of a technology run in a folder."""
    return EligibilityOutputs(
        output_dir / f"{key}_eligibility.tif", output_dir / f"{key}_reasons.tif",
        output_dir / f"{key}_areas.gpkg", output_dir / f"{key}_table.csv",
    )


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _layer_ref(raw: Any, base: Path, where: str, problems: list[str]) -> LayerRef | None:
    if isinstance(raw, str):
        path, _, layer = raw.partition("|layername=")
        return LayerRef(str((base / path).resolve()), layer or None)
    if isinstance(raw, dict) and "path" in raw:
        extra = set(raw) - {"path", "layer"}
        if extra:
            problems.append(f"{where}: unknown key(s) {sorted(extra)}; use path and layer")
        return LayerRef(str((base / raw["path"]).resolve()), raw.get("layer"))
    problems.append(f"{where}: give {{path: file.gpkg, layer: name}} or a path")
    return None


def _kinds(raw: Any) -> tuple[str, ...]:
    """``[hard, soft]`` or ``"hard, soft"`` → kinds; missing → the default."""
    if raw is None:
        return DEFAULT_KINDS
    if isinstance(raw, str):
        return tuple(k.strip() for k in raw.split(",") if k.strip())
    return tuple(str(k) for k in raw)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, reporting every problem at once.

    Raises
    ------
    InputError
        Listing every problem with its place in the file.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise InputError(f"Scenario file {str(path)!r} does not exist.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"Scenario {path}: not valid YAML: {exc}") from exc
    base = path.parent
    problems: list[str] = []
    for key in raw:
        if key not in _TOP:
            problems.append(f"{key}: unknown key{_suggest(key, _TOP)}")
    layers: dict[str, LayerRef] = {}
    for role, ref in (raw.get("layers") or {}).items():
        if role not in ROLES:
            problems.append(f"layers.{role}: not a layer role{_suggest(role, ROLES)}; roles: {', '.join(ROLES)}")
            continue
        lr = _layer_ref(ref, base, f"layers.{role}", problems)
        if lr is not None:
            layers[role] = lr
    aoi_raw = raw.get("area_of_interest") or {"layer": "municipalities"}
    for key in aoi_raw:
        if key not in _AOI:
            problems.append(f"area_of_interest.{key}: unknown key{_suggest(key, _AOI)}")
    aoi_layer_raw = aoi_raw.get("layer", "municipalities")
    aoi_layer = layers.get(aoi_layer_raw) if isinstance(aoi_layer_raw, str) and aoi_layer_raw in ROLES else \
        _layer_ref(aoi_layer_raw, base, "area_of_interest.layer", problems)
    if aoi_layer is None:
        problems.append("area_of_interest.layer: give a role of 'layers' (e.g. municipalities) or {path, layer}")
    names = aoi_raw.get("names") or []
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    turbine = None
    if raw.get("turbine"):
        t = raw["turbine"]
        try:
            turbine = Turbine(float(t["hub_height_m"]), float(t["rotor_diameter_m"]), str(t.get("name", "")))
        except (KeyError, TypeError, ValueError):
            problems.append("turbine: needs hub_height_m and rotor_diameter_m (numbers in metres)")
    on_date = None
    if raw.get("on_date") is not None:
        try:
            on_date = dt.date.fromisoformat(str(raw["on_date"]))
        except ValueError:
            problems.append(f"on_date: {raw['on_date']!r} is not a date; write YYYY-MM-DD")
    out_dir = (base / str(raw.get("output_dir", "out"))).resolve()
    runs = []
    techs = raw.get("eligibility") or {}
    if not techs:
        problems.append("eligibility: name at least one technology, e.g. wind: {catalogue: wind_sachsen_anhalt}")
    for key, spec in techs.items():
        where = f"eligibility.{key}"
        if not isinstance(spec, dict) or "catalogue" not in spec:
            problems.append(f"{where}: needs at least 'catalogue' (a preset id or a YAML file)")
            continue
        for k in spec:
            if k not in _TECH:
                problems.append(f"{where}.{k}: unknown key{_suggest(k, _TECH)}")
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
                resolution_m=float(raw.get("resolution_m", 10.0)), crs=str(raw.get("crs", "EPSG:25832")),
                kinds=_kinds(spec.get("kinds")), min_area_ha=float(spec.get("min_area_ha", 1.0)),
                turbine=turbine, on_date=on_date, invalid_geometries=str(raw.get("invalid_geometries", "error")),
                **({"workers": int(raw["workers"])} if raw.get("workers") else {}),
            )
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        runs.append(TechnologyRun(key, cat, settings, outputs_for(out_dir, key)))
    sweeps = []
    by_key = {r.key: r for r in runs}
    for key, spec in (raw.get("sweep") or {}).items():
        where = f"sweep.{key}"
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{_suggest(key, by_key)}")
            continue
        if not isinstance(spec, dict) or "criterion" not in spec or "setbacks_m" not in spec:
            problems.append(f"{where}: needs 'criterion' and 'setbacks_m'")
            continue
        for k in spec:
            if k not in _SWEEP:
                problems.append(f"{where}.{k}: unknown key{_suggest(k, _SWEEP)}")
        try:
            steps = parse_setbacks(spec["setbacks_m"])
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}.setbacks_m: {exc}")
            continue
        variants = {str(k): list(v or []) for k, v in (spec.get("variants") or {"all": []}).items()}
        run = by_key[key]
        if spec.get("resolution_m"):
            run = TechnologyRun(run.key, run.catalogue,
                                replace(run.settings, resolution_m=float(spec["resolution_m"])), run.outputs)
        sweeps.append(SweepRun(key, run, str(spec["criterion"]), steps, variants,
                               out_dir / f"{key}_sweep.csv", out_dir / f"{key}_sweep.png"))
    rasters = {}
    for role, rpath in (raw.get("rasters") or {}).items():
        from .rasters import RASTER_ROLES

        if role not in RASTER_ROLES:
            problems.append(f"rasters.{role}: not a raster role{_suggest(role, RASTER_ROLES)}; "
                            f"roles: {', '.join(RASTER_ROLES)}")
            continue
        rasters[role] = str((base / str(rpath)).resolve())
    suits = []
    for key, spec in (raw.get("suitability") or {}).items():
        where = f"suitability.{key}"
        spec = spec or {}
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{_suggest(key, by_key)}")
            continue
        for k in spec:
            if k not in _SUIT:
                problems.append(f"{where}.{k}: unknown key{_suggest(k, _SUIT)}")
        run = by_key[key]
        overrides = {k: spec[k] for k in ("aggregation", "weights", "ahp", "weighting") if k in spec}
        if overrides:
            try:
                run = TechnologyRun(run.key, run.catalogue.with_suitability_overrides(overrides), run.settings,
                                    run.outputs)
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
    windbgs = []
    for key, spec in (raw.get("windbg") or {}).items():
        where = f"windbg.{key}"
        spec = spec or {}
        if key not in by_key:
            problems.append(f"{where}: no technology {key!r} under 'eligibility'{_suggest(key, by_key)}")
            continue
        for k in spec:
            if k not in _WINDBG:
                problems.append(f"{where}.{k}: unknown key{_suggest(k, _WINDBG)}")
        windbgs.append(WindbgRun(key, by_key[key], bool(spec.get("rotor_in", False)),
                                 float(spec.get("tower_foot_radius_m", 4.0)), out_dir / f"{key}_windbg.csv"))
    if problems:
        raise InputError(f"Scenario {path} has {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    assert aoi_layer is not None
    aoi = AreaOfInterest(aoi_layer, str(aoi_raw.get("name_field", "name")), tuple(str(n) for n in names),
                         aoi_raw.get("id_field", "ags"))
    return Scenario(str(raw.get("name", path.stem)), path, layers, aoi, out_dir, tuple(runs), tuple(sweeps),
                    rasters, tuple(suits), tuple(windbgs))
