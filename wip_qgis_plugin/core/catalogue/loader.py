"""Criteria catalogues: reading, merging and validating the YAML files into a :class:`Catalogue`.

:func:`load_catalogue` reads a shipped preset or a user file (which may ``extends:`` a preset and
override single values), validates everything in one pass, and raises one :class:`CatalogueError`
listing every problem with its place in the file. The objects it builds are in :mod:`.model`;
:class:`Catalogue` lives here because its ``with_…`` overrides re-validate through the same
builder.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..data.layers import ROLES
from ..data.rasters import RASTER_ROLES
from .categories import AreaCategory, parse_categories
from .exceptions import in_force, parse_exceptions, zone_category
from .levers import category_overrides, forest_overrides
from .species import expand_species_zones
from ..errors import CatalogueError, InputError
from ..spec import PRESET_DIR, items_with_ids, Label, json_roundtrip, read_date, read_label, read_yaml, suggest, unknown_keys
from ..units import Distance, Turbine, parse_distance, parse_length_m, setback_problem
from .classes import parse_values
from .dwellings import SELECTIONS, DwellingRule, parse_dwelling_rule
from .filters import FeatureFilter, parse_filter
from .model import (DEFAULT_KINDS, KINDS, SCHEMA, TECHNOLOGIES, WEIGHTINGS, Criterion, GroupRule, PresetInfo,
                    SuitabilityCriterion, SuitabilityInput, SuitabilitySpec)
from .value_functions import ValueFunction
from .weights import AGGREGATION_NAMES, ahp_weights, pairwise_matrix

_TOP_KEYS = {
    "schema", "id", "version", "technology", "land", "title", "description", "valid_from",
    "sources", "reference_turbine", "criteria", "extends", "remove", "suitability", "dwelling_rule", "species_zones",
    "categories"}
_CRIT_KEYS = {
    "id", "label", "kind", "layer", "filter", "buffer", "line_offset", "source", "valid_from",
    "valid_to", "tags", "note", "group", "dwellings", "raster", "values", "except_within", "category",
}
_LAYER_ONLY = ("filter", "dwellings", "group", "line_offset")  # keys a raster criterion does not take
_TURBINE_KEYS = {"name", "hub_height", "rotor_diameter", "source"}
_GROUP_KEYS = {"min_dwellings", "max_gap", "dwellings_field"}
_SUIT_KEYS = {"aggregation", "weighting", "criteria", "ahp", "note"}
_SUIT_CRIT_KEYS = {"id", "label", "input", "value_function", "weight", "source", "missing_score", "note"}


@dataclass(frozen=True)
class Catalogue:
    """A validated criteria catalogue (immutable; overrides return a new one)."""

    id: str
    version: str
    technology: str
    land: str | None
    title: Label
    valid_from: dt.date
    criteria: tuple[Criterion, ...]
    sources: tuple[tuple[str, str], ...] = ()
    reference_turbine: Turbine | None = None
    description: str = ""
    origin: str = ""
    raw_json: str = field(default="{}", repr=False, compare=False)
    suitability: SuitabilitySpec | None = None
    dwelling_rule: DwellingRule | None = None
    categories: dict[str, AreaCategory] = field(default_factory=dict, compare=False)  # id → its law, system, density

    def criterion(self, criterion_id: str) -> Criterion:
        """Return the criterion with this id (KeyError naming the known ids otherwise)."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(
            f"No criterion {criterion_id!r} in catalogue {self.id!r}; known: "
            f"{', '.join(c.id for c in self.criteria)}"
        )

    def active(self, kinds: tuple[str, ...] = DEFAULT_KINDS, on: dt.date | None = None) -> tuple[Criterion, ...]:
        """Criteria of the given exclusion kinds in force on ``on``, plus all permitted zones."""
        day = on or dt.date.today()
        return tuple(
            c for c in self.criteria
            if (c.kind in kinds or c.kind == "permitted") and c.applies_on(day)
        )

    def roles_needed(self, kinds: tuple[str, ...] = DEFAULT_KINDS, on: dt.date | None = None) -> tuple[str, ...]:
        """Layer roles the active criteria and their exceptions read, in catalogue order (rasters: below)."""
        day = on or dt.date.today()
        roles = (r for c in self.active(kinds, on) for r in (c.layer, *in_force(c.except_within, day)) if r)
        return tuple(dict.fromkeys(roles))

    def raster_roles_needed(self, kinds: tuple[str, ...] = DEFAULT_KINDS,
                            on: dt.date | None = None) -> tuple[str, ...]:
        """Raster roles the active raster criteria read (e.g. ``land_cover``), in catalogue order."""
        return tuple(dict.fromkeys(c.raster for c in self.active(kinds, on) if c.raster))

    def source_text(self, key: str) -> str:
        """Full citation for a source key (the key itself if it is a citation)."""
        return dict(self.sources).get(key, key)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> Catalogue:
        """Return a new catalogue with single fields of criteria replaced.

        ``overrides`` maps criterion ids to fields, e.g.
        ``{"settlements_soft": {"buffer": "800 m"}}``; ``{"id": None}`` removes a
        criterion. Raises :class:`CatalogueError` on unknown ids or bad values.
        """
        raw = json.loads(self.raw_json)
        known = {c.get("id") for c in raw.get("criteria", [])}
        unknown = [k for k in overrides if k not in known]
        if unknown:
            raise CatalogueError(
                f"overrides of {self.id}",
                [f"overrides.{k}: no such criterion{suggest(k, known)}" for k in unknown],
            )
        new_criteria = []
        for c in raw.get("criteria", []):
            ov = overrides.get(c.get("id"), {})
            if ov is None:
                continue
            new_criteria.append({**c, **json_roundtrip(dict(ov))})
        raw["criteria"] = new_criteria
        return _build(raw, f"{self.origin} (with overrides)")

    def with_tag_buffer(self, tag: str, buffer_m: float) -> Catalogue:
        """Return a new catalogue where every criterion tagged ``tag`` has ``buffer_m`` metres."""
        ids = [c.id for c in self.criteria if tag in c.tags]
        if not ids:
            raise CatalogueError(self.origin, [f"no criterion is tagged {tag!r}"])
        return self.with_overrides({i: {"buffer": f"{float(buffer_m):g} m"} for i in ids})

    def with_suitability_overrides(self, overrides: Mapping[str, Any]) -> Catalogue:
        """Return a new catalogue with parts of the ``suitability:`` section replaced.

        ``overrides`` may hold ``aggregation``, ``weighting``, ``ahp`` (a list of
        ``[a, b, value]``), ``weights`` (``{criterion id: weight}``) and ``criteria``
        (``{criterion id: {field: value}}``; ``None`` removes a criterion). The
        result is validated like a file. Raises :class:`CatalogueError`.
        """
        raw = json.loads(self.raw_json)
        section = raw.get("suitability")
        if not isinstance(section, dict):
            raise CatalogueError(f"overrides of {self.id}", ["suitability: the catalogue has no suitability section"])
        section = copy.deepcopy(section)
        problems = []
        known = [c.get("id") for c in section.get("criteria") or [] if isinstance(c, dict)]
        allowed = {"aggregation", "weighting", "ahp", "weights", "criteria"}
        unknown_keys(overrides, allowed, "overrides.suitability.", problems)
        for key, value in overrides.items():
            if key not in allowed:
                continue
            if key in ("weights", "criteria"):
                if not isinstance(value, Mapping):
                    problems.append(f"overrides.suitability.{key}: must map criterion ids to values")
                    continue
                for cid in value:
                    if cid not in known:
                        problems.append(f"overrides.suitability.{key}.{cid}: no such criterion{suggest(cid, known)}")
            else:
                section[key] = json_roundtrip(value)
        if problems:
            raise CatalogueError(f"overrides of {self.id}", problems)
        crits = []
        for c in section.get("criteria") or []:
            cid = c.get("id") if isinstance(c, dict) else None
            ov = (overrides.get("criteria") or {}).get(cid, {})
            if ov is None:
                continue
            c = {**c, **json_roundtrip(dict(ov))}
            if cid in (overrides.get("weights") or {}):
                c["weight"] = overrides["weights"][cid]
            crits.append(c)
        section["criteria"] = crits
        raw["suitability"] = section
        return _build(raw, f"{self.origin} (with suitability overrides)")

    def provenance(self) -> dict[str, Any]:
        """What a result must record about the catalogue it came from."""
        return {"id": self.id, "version": self.version, "origin": self.origin,
                "technology": self.technology, "land": self.land}


def list_presets() -> list[PresetInfo]:
    """Return the shipped criteria presets, sorted by id.

    Other YAML files in the preset folder (equipment, roughness tables, grid connection costs) have
    their own ``schema`` and are not criteria catalogues: they are skipped.
    """
    out = []
    for path in sorted(PRESET_DIR.glob("*.yaml")):
        raw = read_yaml(path, f"preset {path.stem}", "Criteria catalogue")
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            continue
        title = raw.get("title", {})
        out.append(PresetInfo(raw["id"], raw["technology"], title.get("de", ""), title.get("en", ""),
                              str(raw.get("version", "")), path, raw.get("land")))
    return out


#: Keys of a catalogue spec (see :func:`load_catalogue_spec`).
CATALOGUE_SPEC_KEYS = ("source", "tag_buffers", "overrides", "suitability_overrides", "forest", "categories")


def load_catalogue_spec(spec: Mapping[str, Any]) -> Catalogue:
    """The catalogue a technology step or a job names: ``source`` (preset id or YAML path) and optional changes.

    ``tag_buffers`` (``{tag: metres}``), ``overrides`` (``{criterion id: {field: value}}``), the levers ``forest``
    and ``categories`` (:mod:`.levers`) and ``suitability_overrides`` are applied in this order. The one reader of a catalogue spec: the
    profile's steps and the job adapters both call it.

    Raises
    ------
    InputError
        Without a ``source``, or with unknown keys.
    """
    if not isinstance(spec, Mapping) or not spec.get("source"):
        raise InputError("catalogue: give {'source': preset id or YAML file}.")
    unknown = sorted(set(spec) - set(CATALOGUE_SPEC_KEYS))
    if unknown:
        raise InputError(f"catalogue: unknown keys {', '.join(unknown)}.")
    catalogue = load_catalogue(spec["source"])
    for tag, metres in (spec.get("tag_buffers") or {}).items():
        catalogue = catalogue.with_tag_buffer(tag, float(metres))
    if spec.get("overrides"):
        catalogue = catalogue.with_overrides(spec["overrides"])
    levers = {**forest_overrides(catalogue, str(spec.get("forest") or "preset")),
              **(category_overrides(catalogue, list(spec["categories"])) if spec.get("categories") is not None
                 else {})}
    if levers:
        catalogue = catalogue.with_overrides(levers)
    if spec.get("suitability_overrides") and catalogue.suitability is not None:
        catalogue = catalogue.with_suitability_overrides(spec["suitability_overrides"])
    return catalogue


def load_catalogue(ref: str | Path) -> Catalogue:
    """Load a preset by id, or a catalogue file (which may extend a preset).

    Raises
    ------
    CatalogueError
        Listing every problem with its place in the file.
    """
    raw, origin = _load_raw(ref, chain=())
    return _build(raw, origin)


def _preset_path(preset_id: str) -> Path | None:
    p = PRESET_DIR / f"{preset_id}.yaml"
    return p if p.exists() else None


def _load_raw(ref: str | Path, chain: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    looks_like_id = isinstance(ref, str) and "/" not in ref and not ref.endswith((".yaml", ".yml"))
    preset = _preset_path(str(ref)) if looks_like_id else None
    path = preset or Path(ref)
    origin = f"preset {ref}" if preset else str(path)
    if not path.exists():
        ids = [p.stem for p in PRESET_DIR.glob("*.yaml")]
        raise CatalogueError(str(ref), [
            f"no such file or preset{suggest(str(ref), ids)}; presets: {', '.join(sorted(ids))}"])
    if str(path.resolve()) in chain:
        raise CatalogueError(origin, ["'extends' forms a cycle: " + " → ".join(chain)])
    raw = read_yaml(path, origin, "Criteria catalogue")
    if not isinstance(raw, dict):
        raise CatalogueError(origin, ["the file must hold a mapping (schema, id, criteria …)"])
    if "extends" in raw:
        parent = str(raw["extends"])
        if parent.endswith((".yaml", ".yml")) and not Path(parent).is_absolute():
            parent = str(path.parent / parent)  # relative to the extending file, not the working folder
        base, _ = _load_raw(parent, chain + (str(path.resolve()),))
        raw = _merge(base, raw, origin)
    return raw, origin


def _merge(base: dict[str, Any], user: dict[str, Any], origin: str) -> dict[str, Any]:
    """Merge a user catalogue onto its base: criteria by id, ``sources`` by key, other keys replaced."""
    out = copy.deepcopy(base)
    problems: list[str] = []
    for key, value in user.items():
        if key in ("criteria", "extends", "remove"):
            continue
        if key == "suitability" and isinstance(value, dict) and isinstance(out.get("suitability"), dict):
            out[key] = _merge_suitability(out["suitability"], value, problems)
            continue
        if key in ("sources", "categories") and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **copy.deepcopy(value)}  # the base's criteria still cite their sources
            continue
        out[key] = copy.deepcopy(value)
    remove = user.get("remove") or []
    base_ids = [c.get("id") for c in out.get("criteria", [])]
    for r in remove:
        if r not in base_ids:
            problems.append(f"remove: no criterion {r!r} in the base catalogue{suggest(str(r), base_ids)}")
    crits = [c for c in out.get("criteria", []) if c.get("id") not in remove]
    index = {c.get("id"): i for i, c in enumerate(crits)}
    for i, c in enumerate(user.get("criteria") or []):
        if not isinstance(c, dict) or "id" not in c:
            problems.append(f"criteria[{i}]: each entry needs an 'id'")
            continue
        if c["id"] in index:
            crits[index[c["id"]]] = {**crits[index[c["id"]]], **copy.deepcopy(c)}
        else:
            crits.append(copy.deepcopy(c))
            index[c["id"]] = len(crits) - 1
    if problems:
        raise CatalogueError(origin, problems)
    out["criteria"] = crits
    return out


def _merge_suitability(base: dict[str, Any], user: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """Merge a user's suitability section onto the base: criteria by id, ``remove:`` by id."""
    out = copy.deepcopy(base)
    for key, value in user.items():
        if key not in ("criteria", "remove"):
            out[key] = copy.deepcopy(value)
    remove = user.get("remove") or []
    crits = [c for c in out.get("criteria") or [] if isinstance(c, dict)]
    base_ids = [c.get("id") for c in crits]
    for r in remove:
        if r not in base_ids:
            problems.append(f"suitability.remove: no criterion {r!r} in the base catalogue{suggest(str(r), base_ids)}")
    crits = [c for c in crits if c.get("id") not in remove]
    index = {c.get("id"): i for i, c in enumerate(crits)}
    for i, c in enumerate(user.get("criteria") or []):
        if not isinstance(c, dict) or "id" not in c:
            problems.append(f"suitability.criteria[{i}]: each entry needs an 'id'")
        elif c["id"] in index:
            crits[index[c["id"]]] = {**crits[index[c["id"]]], **copy.deepcopy(c)}
        else:
            crits.append(copy.deepcopy(c))
            index[c["id"]] = len(crits) - 1
    out["criteria"] = crits
    return out


def _build(raw: dict[str, Any], origin: str) -> Catalogue:
    """Validate a raw (merged) catalogue mapping and build the frozen object."""
    raw = json_roundtrip(raw)
    problems: list[str] = []
    unknown_keys(raw, _TOP_KEYS - {"extends", "remove"}, "", problems)
    if raw.get("schema") != SCHEMA:
        problems.append(f"schema: must be {SCHEMA!r}, found {raw.get('schema')!r}")
    for key in ("id", "version"):
        if not isinstance(raw.get(key), (str, int, float)) or str(raw.get(key)).strip() == "":
            problems.append(f"{key}: required")
    tech = raw.get("technology")
    if tech not in TECHNOLOGIES:
        problems.append(
            f"technology: {tech!r} is not one of {', '.join(TECHNOLOGIES)}{suggest(str(tech), TECHNOLOGIES)}")
    title = read_label(raw.get("title"), "title", problems)
    valid_from = read_date(raw.get("valid_from", "1900-01-01"), "valid_from", problems) or dt.date(1900, 1, 1)
    sources = raw.get("sources") or {}
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        problems.append("sources: must map short keys to citations (text)")
        sources = {}
    turbine = None
    if raw.get("reference_turbine") is not None:
        turbine = _turbine(raw["reference_turbine"], "reference_turbine", problems)
    dwelling_rule = None
    if raw.get("dwelling_rule") is not None:
        dwelling_rule = parse_dwelling_rule(raw["dwelling_rule"], "dwelling_rule", problems)
        if dwelling_rule is not None and dwelling_rule.source.isidentifier() and dwelling_rule.source not in sources:
            problems.append(f"dwelling_rule.source: {dwelling_rule.source!r} is not a key of 'sources'"
                            f"{suggest(dwelling_rule.source, sources)}")
    if raw.get("species_zones") is not None:  # nests of collision-prone birds (BNatSchG § 45b): criteria by zone
        raw = expand_species_zones(raw, turbine, problems)
        sources = {**raw["sources"], **sources}
    crits_raw = raw.get("criteria")
    criteria: list[Criterion] = []
    if not isinstance(crits_raw, list) or not crits_raw:
        problems.append("criteria: a non-empty list of criteria is required")
        crits_raw = []
    seen: set[str] = set()
    for i, c in enumerate(crits_raw):
        where = f"criteria[{i}]"
        if not isinstance(c, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        if isinstance(c.get("id"), str):
            where = f"criteria[{i}] ({c['id']})"
        crit = _criterion(c, where, sources, problems)
        if crit is None:
            continue
        if crit.dwellings:
            if dwelling_rule is None and "dwelling_rule" not in raw:
                problems.append(f"{where}.dwellings: the catalogue has no 'dwelling_rule' (see docs/catalogue.md)")
            crit = replace(crit, dwelling_rule=dwelling_rule)
        if crit.id in seen:
            problems.append(f"{where}.id: {crit.id!r} is used twice")
        seen.add(crit.id)
        if crit.buffer.needs_turbine and turbine is None:
            problems.append(f"{where}.buffer: {crit.buffer} needs a 'reference_turbine' in the catalogue")
        else:
            problem = setback_problem(crit.buffer_m(turbine))
            if problem:
                problems.append(f"{where}.buffer: {crit.buffer} {problem}")
        criteria.append(crit)
    suitability = None
    if raw.get("suitability") is not None:
        suitability = _suitability(raw["suitability"], sources, problems)
    categories = parse_categories(raw.get("categories"), [(f"criteria ({c.id})", c.category) for c in criteria
                                                          if c.category], sources, problems)
    if problems:
        raise CatalogueError(origin, problems)
    return Catalogue(
        id=str(raw["id"]), version=str(raw["version"]), technology=tech, land=raw.get("land"),
        title=title, valid_from=valid_from, criteria=tuple(criteria),
        sources=tuple(sorted(sources.items())), reference_turbine=turbine,
        description=str(raw.get("description", "")), origin=origin, raw_json=json.dumps(raw),
        suitability=suitability, dwelling_rule=dwelling_rule, categories=categories)


def _turbine(raw: Any, where: str, problems: list[str]) -> Turbine | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping with hub_height, rotor_diameter, source")
        return None
    unknown_keys(raw, _TURBINE_KEYS, f"{where}.", problems)
    if not raw.get("source"):
        problems.append(f"{where}.source: required (data sheet or publication)")
    try:
        hub = parse_length_m(raw.get("hub_height"), "hub_height")
        rotor = parse_length_m(raw.get("rotor_diameter"), "rotor_diameter")
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return None
    if hub <= 0 or rotor <= 0:
        problems.append(f"{where}: hub_height and rotor_diameter must be positive")
        return None
    return Turbine(hub, rotor, str(raw.get("name", "")))


def _criterion(c: dict[str, Any], where: str, sources: dict[str, str], problems: list[str]) -> Criterion | None:
    n_before = len(problems)
    unknown_keys(c, _CRIT_KEYS, f"{where}.", problems)
    cid = c.get("id")
    if not isinstance(cid, str) or not cid.isidentifier():
        problems.append(f"{where}.id: {cid!r} must be a word of letters, digits and _")
    label = read_label(c.get("label"), f"{where}.label", problems)
    kind = c.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}{suggest(str(kind), KINDS)}")
    layer, raster, values = _criterion_input(c, where, problems)
    try:
        flt = parse_filter(c.get("filter") or {})
    except ValueError as exc:
        problems.append(f"{where}.filter: {exc}")
        flt = FeatureFilter()
    buffer = Distance()
    if "buffer" not in c:
        problems.append(f"{where}.buffer: required (write '0 m' for the features themselves)")
    else:
        try:
            buffer = parse_distance(c["buffer"])
        except ValueError as exc:
            problems.append(f"{where}.buffer: {exc}")
    offset = 0.0
    if c.get("line_offset") is not None:
        try:
            offset = parse_length_m(c["line_offset"], "line_offset")
        except ValueError as exc:
            problems.append(f"{where}.line_offset: {exc}")
    source = c.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{where}.source: required (legal source or a key of 'sources')")
        source = ""
    elif source.isidentifier() and source not in sources:
        problems.append(f"{where}.source: {source!r} is not a key of 'sources'{suggest(source, sources)}")
    valid_from = None
    if "valid_from" not in c:
        problems.append(f"{where}.valid_from: required (date from which the rule applies, YYYY-MM-DD)")
    else:
        valid_from = read_date(c["valid_from"], f"{where}.valid_from", problems)
    valid_to = read_date(c["valid_to"], f"{where}.valid_to", problems) if c.get("valid_to") else None
    tags = c.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(f"{where}.tags: must be a list of words")
        tags = []
    dwellings = c.get("dwellings") or ""
    if dwellings and dwellings not in SELECTIONS:
        problems.append(f"{where}.dwellings: {dwellings!r} is not one of {', '.join(SELECTIONS)}"
                        f"{suggest(str(dwellings), SELECTIONS)}")
    group = None
    if c.get("group") is not None:
        g = c["group"]
        if not isinstance(g, dict):
            problems.append(f"{where}.group: must be a mapping (min_dwellings, max_gap)")
        else:
            unknown_keys(g, _GROUP_KEYS, f"{where}.group.", problems)
            try:
                group = GroupRule(int(g["min_dwellings"]), parse_length_m(g["max_gap"], "max_gap"),
                                  g.get("dwellings_field"))
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(f"{where}.group: needs min_dwellings (integer) and max_gap (e.g. '50 m'): {exc}")
    exceptions = parse_exceptions(c.get("except_within"), cid, kind, where, problems,
                                  lambda z, w, p: _criterion(z, w, sources, p))
    category = zone_category(c.get("category"), kind, where, problems)
    if len(problems) > n_before:
        return None
    return Criterion(
        id=cid, label=label, kind=kind, layer=layer, filter=flt, buffer=buffer, source=source,
        valid_from=valid_from, valid_to=valid_to, line_offset_m=offset, tags=tuple(tags),
        note=str(c.get("note", "")), group=group, dwellings=str(dwellings), raster=raster, values=values,
        except_within=exceptions, category=category)


def _criterion_input(c: dict[str, Any], where: str, problems: list[str]) -> tuple[str, str, Any]:
    """The ``layer``, or the ``raster`` and its ``values``, of a criterion (exactly one of the two)."""
    layer, raster = c.get("layer"), c.get("raster")
    if layer is not None and raster is not None:
        problems.append(f"{where}: give either 'layer' (a layer role) or 'raster' (a raster role), not both"
                        " (a criterion that extends a layer criterion writes 'layer: null')")
        return "", "", None
    if raster is None:
        if layer is None:
            problems.append(f"{where}: needs 'layer' (a layer role, e.g. landuse) or 'raster' (a raster role, "
                            f"e.g. land_cover); layer roles: {', '.join(ROLES)}; raster roles: "
                            f"{', '.join(RASTER_ROLES)}")
        elif layer not in ROLES:
            problems.append(f"{where}.layer: {layer!r} is not a layer role{suggest(str(layer), ROLES)}; "
                            f"roles: {', '.join(ROLES)}")
        if c.get("values") is not None:
            problems.append(f"{where}.values: only a raster criterion selects values (a layer criterion uses "
                            "'filter')")
        return str(layer or ""), "", None
    if raster not in RASTER_ROLES:
        problems.append(f"{where}.raster: {raster!r} is not a raster role{suggest(str(raster), RASTER_ROLES)}; "
                        f"roles: {', '.join(RASTER_ROLES)}")
    for key in _LAYER_ONLY:
        if c.get(key) not in (None, "", {}):
            problems.append(f"{where}.{key}: applies to layer criteria only; a raster criterion selects its cells "
                            "with 'values'")
    values = None
    if c.get("values") is None:
        problems.append(f"{where}.values: required with 'raster': class codes ([1, 2]), {{'>=': 13}} or "
                        "{between: [5, 12]}")
    else:
        try:
            values = parse_values(c["values"])
        except ValueError as exc:
            problems.append(f"{where}.values: {exc}")
    return "", str(raster), values


def _source(value: Any, where: str, sources: dict[str, str], problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.source: required (publication, data set or 'modelling assumption: …')")
        return ""
    if value.isidentifier() and value not in sources:
        problems.append(f"{where}.source: {value!r} is not a key of 'sources'{suggest(value, sources)}")
    return value


def _judgement(value: Any) -> float:
    """A pairwise judgement: a number or a fraction written as text ('1/3')."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and "/" in value:
        num, den = value.split("/", 1)
        return float(num) / float(den)
    return float(value)


def _suitability_input(raw: Any, where: str, problems: list[str]) -> SuitabilityInput | None:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("raster", "distance_to"):
        problems.append(f"{where}: must be {{raster: ROLE}} or {{distance_to: {{layer: ROLE, filter: {{…}}}}}}")
        return None
    if "raster" in raw:
        role = raw["raster"]
        scored = [r for r, v in RASTER_ROLES.items() if v.dimension != "class"]
        if role not in RASTER_ROLES:
            problems.append(f"{where}.raster: {role!r} is not a raster role{suggest(str(role), scored)}; "
                            f"roles: {', '.join(scored)}")
            return None
        if role not in scored:
            problems.append(f"{where}.raster: {role!r} holds class codes, which a value function cannot score; "
                            f"exclude classes with an exclusion criterion (raster: {role}, values: [...]) instead")
            return None
        return SuitabilityInput(raster=role)
    d = raw["distance_to"]
    if not isinstance(d, dict):
        problems.append(f"{where}.distance_to: must be a mapping {{layer: ROLE, filter: {{…}}}}")
        return None
    unknown_keys(d, {"layer", "filter"}, f"{where}.distance_to.", problems)
    layer = d.get("layer")
    ok = True
    if layer not in ROLES:
        problems.append(f"{where}.distance_to.layer: {layer!r} is not a layer role{suggest(str(layer), ROLES)}; "
                        f"roles: {', '.join(ROLES)}")
        ok = False
    try:
        flt = parse_filter(d.get("filter") or {})
    except ValueError as exc:
        problems.append(f"{where}.distance_to.filter: {exc}")
        ok = False
    return SuitabilityInput(layer=layer, filter=flt) if ok else None


def _suitability_criterion(
    c: dict[str, Any], where: str, weighting: str, sources: dict[str, str], problems: list[str]
) -> SuitabilityCriterion | None:
    n_before = len(problems)
    unknown_keys(c, _SUIT_CRIT_KEYS, f"{where}.", problems)
    cid = c.get("id")
    if not isinstance(cid, str) or not cid.isidentifier():
        problems.append(f"{where}.id: {cid!r} must be a word of letters, digits and _")
    label = read_label(c.get("label"), f"{where}.label", problems)
    inp = _suitability_input(c.get("input"), f"{where}.input", problems)
    vf = None
    if "value_function" not in c:
        problems.append(f"{where}.value_function: required, e.g. {{type: linear, from: '500 m', to: '2000 m'}}")
    elif inp is not None:
        try:
            vf = ValueFunction.from_spec(c["value_function"], inp.dimension)
        except ValueError as exc:
            problems.append(f"{where}.value_function: {exc}")
    weight = c.get("weight")
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0):
        problems.append(f"{where}.weight: {weight!r} must be a positive number")
        weight = None
    elif weight is None and weighting == "direct":
        problems.append(f"{where}.weight: required with weighting: direct (a positive number, e.g. 0.25)")
    source = _source(c.get("source"), where, sources, problems)
    missing = c.get("missing_score")
    if missing is not None and (isinstance(missing, bool) or not isinstance(missing, (int, float))
                                or not 0 <= missing <= 1):
        problems.append(f"{where}.missing_score: {missing!r} must be a score between 0 and 1")
    if len(problems) > n_before or inp is None or vf is None:
        return None
    return SuitabilityCriterion(
        id=cid, label=label, input=inp, value_function=vf, source=source,
        weight=float(weight) if weight is not None else None,
        missing_score=float(missing) if missing is not None else None, note=str(c.get("note", "")),
    )


def _suitability(raw: Any, sources: dict[str, str], problems: list[str]) -> SuitabilitySpec | None:
    """Validate the ``suitability:`` section; append every problem to ``problems``."""
    if not isinstance(raw, dict):
        problems.append("suitability: must be a mapping (aggregation, weighting, criteria, ahp)")
        return None
    n_before = len(problems)
    unknown_keys(raw, _SUIT_KEYS, "suitability.", problems)
    aggregation = raw.get("aggregation", "weighted_linear")
    if aggregation not in AGGREGATION_NAMES:
        problems.append(f"suitability.aggregation: {aggregation!r} is not one of {', '.join(AGGREGATION_NAMES)}"
                        f"{suggest(str(aggregation), AGGREGATION_NAMES)}")
    weighting = raw.get("weighting", "direct")
    if weighting not in WEIGHTINGS:
        problems.append(f"suitability.weighting: {weighting!r} is not one of {', '.join(WEIGHTINGS)}"
                        f"{suggest(str(weighting), WEIGHTINGS)}")
    criteria: list[SuitabilityCriterion] = []
    items = list(items_with_ids(raw.get("criteria"), "suitability.criteria", problems, "criteria"))
    for where, c in items:
        crit = _suitability_criterion(c, where, weighting, sources, problems)
        if crit is not None:
            criteria.append(crit)
    ids = [c.get("id") for _, c in items if isinstance(c.get("id"), str)]
    judgements: list[tuple[str, str, float]] = []
    ahp_raw = raw.get("ahp")
    if weighting == "ahp" and not ahp_raw:
        problems.append("suitability.ahp: required with weighting: ahp — a list of [criterion, criterion, value] "
                        "for every pair, value on Saaty's scale 1/9 … 9")
    for k, item in enumerate(ahp_raw or []):
        where = f"suitability.ahp[{k}]"
        if not isinstance(item, list) or len(item) != 3:
            problems.append(f"{where}: must be [criterion, criterion, value], e.g. [wind_speed, grid_distance, 3]")
            continue
        a, b, v = item
        bad = [x for x in (a, b) if x not in ids]
        for x in bad:
            problems.append(f"{where}: {x!r} is not a suitability criterion{suggest(str(x), ids)}")
        try:
            value = _judgement(v)
        except (ValueError, ZeroDivisionError):
            problems.append(f"{where}: {v!r} is not a number (write 3 or '1/3')")
            continue
        if not 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
            problems.append(f"{where}: {v!r} lies outside Saaty's scale 1/9 … 9")
            continue
        if not bad:
            judgements.append((a, b, value))
    if ahp_raw and len(problems) == n_before:
        try:
            matrix = pairwise_matrix(ids, judgements)
            ahp_weights(matrix, ids)
        except ValueError as exc:
            problems.append(f"suitability.ahp: {exc}")
    if len(problems) > n_before:
        return None
    return SuitabilitySpec(tuple(criteria), aggregation, weighting, tuple(judgements))
