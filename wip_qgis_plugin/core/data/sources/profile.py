"""The source-profile model and its loader (``presets/sources/*.yaml``, schema ``wip-source-profile/1``).

A profile has three parts (docs/sources.md):

- ``detect``: the layer names (shell patterns, case-insensitive) and fields that recognise a file;
- ``roles``: for each canonical role a list of *parts*, each a layer pattern, a selection (``where``,
  ``except``) and the rules that write the role's OSM-style tag columns (``copy``, ``tags``), with the
  ``source`` the mapping follows;
- ``sources``: the citations the parts name.

Every problem of a file is collected with its place (``roles.landuse[1].tags.landuse.map``) and raised
together as one :class:`~...errors.SpecError` of kind ``"Source profile"``.
"""
from __future__ import annotations

import re

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...spec import PRESET_DIR, Label, Problems, preset_path, read_label, read_yaml, suggest
from ..layers import ROLES

KIND = "Source profile"
SCHEMA = "wip-source-profile/1"
#: Folder of the shipped source profiles.
PROFILE_DIR = PRESET_DIR / "sources"

#: The tag columns of each role in the canonical GeoPackage, the keys the shipped catalogues filter on
#: (OSM keys; ``ags`` and ``population`` for municipalities). A part may write further columns.
CANONICAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "municipalities": ("name", "ags", "population", "admin_level"),
    "landuse": ("landuse", "name"),
    "settlements": ("landuse", "name"),
    "forest": ("landuse", "name"),
    "buildings": ("building", "name"),
    "roads": ("highway", "ref", "name"),
    "railways": ("railway", "tracks", "usage", "service", "name"),
    "power_lines": ("power", "voltage", "cables", "name"),
    "substations": ("power", "voltage", "substation", "name"),
    "water": ("natural", "water", "name"),
    "waterways": ("waterway", "name"),
    "protected_areas": ("boundary", "protection_title", "protect_class", "zone", "leisure", "name"),
    "airfields": ("aeroway", "icao", "name"),
    "wind_turbines": ("power", "generator:source", "name"),
    "pv_parks": ("power", "plant:source", "generator:source", "name"),
    "parking": ("amenity", "parking", "name"),
}
GEOMETRIES = ("point", "line", "polygon")


@dataclass(frozen=True)
class Condition:
    """One test of a field in a selection.

    Attributes
    ----------
    field : str
        Field (or OSM key) tested; matched case-insensitively.
    op : {"any", "none", "in", "between"}
        Has a value; has none; value in ``values``; number within ``bounds`` (inclusive).
    """

    field: str
    op: str
    values: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class TagRule:
    """How one canonical column gets its value.

    Attributes
    ----------
    column : str
        Canonical column written.
    constant : str or None
        A fixed value (then no field is read).
    fields : tuple of str
        Candidate source fields, the first present in the layer is read.
    mapping : tuple of (str, str or None)
        Raw value → canonical value (None: no value).
    ranges : tuple of (float, float, str or None)
        ``(low, high, value)``: numeric raw values within ``[low, high]`` (after ``mapping``).
    has_default, default
        Value of raw values neither mapped nor in a range; without a default they pass unchanged.
    missing : str or None
        Value written where the field has no value (default: none).
    scale : float or None
        Factor applied to numeric raw values that pass unchanged (ATKIS ``SPG`` kV → ``voltage`` V).
    code : str or None
        Regular expression whose first group is the code inside a raw value, applied before everything
        else (ALKIS "vereinfacht" writes ``31001_1010`` for Gebäudefunktion 1010); values it does not
        match pass unchanged.
    """

    column: str
    constant: str | None = None
    fields: tuple[str, ...] = ()
    mapping: tuple[tuple[str, str | None], ...] = ()
    ranges: tuple[tuple[float, float, str | None], ...] = ()
    has_default: bool = False
    default: str | None = None
    scale: float | None = None
    code: str | None = None
    missing: str | None = None


@dataclass(frozen=True)
class RolePart:
    """One layer selection of a file that gives features of one role."""

    role: str
    index: int
    layers: tuple[str, ...]
    rules: tuple[TagRule, ...]
    source: str
    id: str | None = None
    geometry: str | None = None
    where: tuple[Condition, ...] = ()
    exclude: tuple[Condition, ...] = ()

    @property
    def place(self) -> str:
        """Where the part stands in its profile (``roles.landuse[1]``)."""
        return f"roles.{self.role}[{self.index}]"


@dataclass(frozen=True)
class DetectRule:
    """How a file is recognised.

    At least ``min_layers`` layers whose names match ``layers`` and that have every field of ``fields``
    and one of ``any_fields`` (when given); of two profiles that recognise a file, the higher
    ``priority`` wins.
    """

    layers: tuple[str, ...] = ("*",)
    min_layers: int = 1
    fields: tuple[str, ...] = ()
    any_fields: tuple[str, ...] = ()
    priority: int = 0


@dataclass(frozen=True)
class SourceProfile:
    """A source profile (see the module docstring)."""

    id: str
    label: Label
    description: str
    detect: DetectRule
    parts: tuple[RolePart, ...]
    sources: Mapping[str, str] = field(default_factory=dict)
    hstore: str | None = None
    origin: str = ""

    def roles(self) -> tuple[str, ...]:
        """The roles the profile can give, in the order of :data:`..layers.ROLES`."""
        present = {p.role for p in self.parts}
        return tuple(r for r in ROLES if r in present)

    def parts_of(self, role: str) -> tuple[RolePart, ...]:
        """The parts of one role."""
        return tuple(p for p in self.parts if p.role == role)

    def citation(self, part: RolePart) -> str:
        """The citation text of a part (its ``source`` key resolved)."""
        return self.sources.get(part.source, part.source)


# ------------------------------------------------------------------------------------------- reading
def _strings(value: Any, where: str, problems: Problems, allow_empty: bool = False) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or str(item) == "":
            problems.add(f"{where}{f'[{i}]' if isinstance(value, list) else ''}: {item!r} is not a name or value")
        else:
            out.append(code_text(item))
    if not out and not allow_empty:
        problems.add(f"{where}: give at least one entry")
    return tuple(out)


def code_text(value: Any) -> str:
    """A raw value as text the way codes are compared: integral numbers without ``.0`` (``41001.0`` → ``41001``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _conditions(raw: Any, where: str, problems: Problems) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        problems.add(f"{where}: give a mapping of field → value, list of values, '*' (any value) or null (no value)")
        return ()
    out = []
    for fld, spec in raw.items():
        place = f"{where}.{fld}"
        if spec is None:
            out.append(Condition(str(fld), "none"))
        elif spec == "*":
            out.append(Condition(str(fld), "any"))
        elif isinstance(spec, Mapping):
            bounds = spec.get("between")
            if set(spec) != {"between"} or not (isinstance(bounds, list) and len(bounds) == 2
                                                and all(isinstance(b, (int, float)) for b in bounds)):
                problems.add(f"{place}: write {{between: [low, high]}} with two numbers")
                continue
            out.append(Condition(str(fld), "between", bounds=(float(bounds[0]), float(bounds[1]))))
        else:
            out.append(Condition(str(fld), "in", _strings(spec, place, problems)))
    return tuple(out)


def _value(raw: Any, where: str, problems: Problems) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        problems.add(f"{where}: {raw!r} is not a value (a text, a number or null)")
        return None
    return code_text(raw)


def _code_pattern(raw: Any, where: str, problems: Problems) -> str | None:
    """``code:`` of a tag rule: a regular expression with one group (the code), checked here."""
    if raw is None:
        return None
    try:
        groups = re.compile(raw).groups if isinstance(raw, str) else 0
    except re.error as exc:
        problems.add(f"{where}.code: {raw!r} is not a regular expression ({exc})")
        return None
    if groups < 1:
        problems.add(f"{where}.code: {raw!r} needs one group in brackets, the code, e.g. '^(?:31001_)?(\\d+)$'")
        return None
    return raw


def _tag_rule(column: str, raw: Any, where: str, problems: Problems) -> TagRule:
    if not isinstance(raw, Mapping):
        value = _value(raw, where, problems)
        if value is None:
            problems.add(f"{where}: give a fixed value or {{from: FIELD, map: {{…}}}}")
        return TagRule(column, constant=value)
    problems.unknown_keys(raw, {"from", "map", "ranges", "default", "missing", "scale", "code"}, f"{where}.")
    if "from" not in raw:
        problems.add(f"{where}: 'from' (the field read) is missing")
        return TagRule(column)
    fields = _strings(raw["from"], f"{where}.from", problems)
    mapping: list[tuple[str, str | None]] = []
    if "map" in raw:
        if isinstance(raw["map"], Mapping):
            for key, val in raw["map"].items():
                mapping.append((code_text(key), _value(val, f"{where}.map.{key}", problems)))
        else:
            problems.add(f"{where}.map: give a mapping of raw value → canonical value")
    ranges: list[tuple[float, float, str | None]] = []
    for i, item in enumerate(raw.get("ranges") or []):
        numbers = isinstance(item, list) and len(item) == 3 and all(
            isinstance(b, (int, float)) and not isinstance(b, bool) for b in item[:2])
        if not numbers:
            problems.add(f"{where}.ranges[{i}]: write [low, high, value], e.g. [1000, 1999, residential]")
            continue
        if item[0] > item[1]:
            problems.add(f"{where}.ranges[{i}]: low {item[0]} is above high {item[1]}")
        ranges.append((float(item[0]), float(item[1]), _value(item[2], f"{where}.ranges[{i}]", problems)))
    scale = raw.get("scale")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale <= 0):
        problems.add(f"{where}.scale: {scale!r} is not a positive number")
        scale = None
    return TagRule(column, fields=fields, mapping=tuple(mapping), ranges=tuple(ranges), has_default="default" in raw,
                   default=_value(raw.get("default"), f"{where}.default", problems),
                   scale=None if scale is None else float(scale), code=_code_pattern(raw.get("code"), where, problems),
                   missing=_value(raw.get("missing"), f"{where}.missing", problems))


def _part(role: str, index: int, raw: Any, sources: Mapping[str, str], problems: Problems) -> RolePart | None:
    where = f"roles.{role}[{index}]"
    if not isinstance(raw, Mapping):
        problems.add(f"{where}: give a mapping with layer, where, copy/tags and source")
        return None
    problems.unknown_keys(raw, {"id", "layer", "geometry", "where", "except", "copy", "tags", "source"}, f"{where}.")
    layers = _strings(raw.get("layer", "*"), f"{where}.layer", problems)
    geometry = raw.get("geometry")
    if geometry is not None and geometry not in GEOMETRIES:
        problems.add(f"{where}.geometry: {geometry!r} is not one of {', '.join(GEOMETRIES)}"
                     f"{suggest(geometry, GEOMETRIES)}")
        geometry = None
    rules: list[TagRule] = [TagRule(k, fields=(k,)) for k in _strings(raw.get("copy", []), f"{where}.copy", problems,
                                                                         allow_empty=True)]
    tags = raw.get("tags") or {}
    if not isinstance(tags, Mapping):
        problems.add(f"{where}.tags: give a mapping of canonical column → value or {{from: FIELD, …}}")
        tags = {}
    rules += [_tag_rule(str(col), spec, f"{where}.tags.{col}", problems) for col, spec in tags.items()]
    if not rules:
        problems.add(f"{where}: no tag column is written; give copy: [KEY, …] or tags: {{COLUMN: …}}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.add(f"{where}.source: missing; name an entry of 'sources' or cite the document the mapping follows")
        source = ""
    elif source not in sources and len(source.split()) < 3:
        problems.add(f"{where}.source: {source!r} is not an entry of 'sources'{suggest(source, sources)}")
    return RolePart(role, index, layers, tuple(rules), source, id=raw.get("id"), geometry=geometry,
                    where=_conditions(raw.get("where"), f"{where}.where", problems),
                    exclude=_conditions(raw.get("except"), f"{where}.except", problems))


def _detect(raw: Any, problems: Problems) -> DetectRule:
    if not isinstance(raw, Mapping):
        problems.add("detect: missing; give the layer names and fields that recognise the schema")
        return DetectRule()
    problems.unknown_keys(raw, {"layers", "min_layers", "fields", "any_fields", "priority"}, "detect.")
    min_layers, priority = raw.get("min_layers", 1), raw.get("priority", 0)
    for key, value in (("min_layers", min_layers), ("priority", priority)):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(f"detect.{key}: {value!r} is not a whole number")
    return DetectRule(
        layers=_strings(raw.get("layers", "*"), "detect.layers", problems),
        min_layers=min_layers if isinstance(min_layers, int) else 1,
        fields=_strings(raw.get("fields", []), "detect.fields", problems, allow_empty=True),
        any_fields=_strings(raw.get("any_fields", []), "detect.any_fields", problems, allow_empty=True),
        priority=priority if isinstance(priority, int) else 0)


def parse_source_profile(raw: Any, origin: str) -> SourceProfile:
    """Check a profile's YAML content in one pass and build the :class:`SourceProfile`.

    Raises
    ------
    SpecError
        Kind ``"Source profile"``, listing every problem with its place.
    """
    problems = Problems(KIND, origin)
    if not isinstance(raw, Mapping):
        problems.add("the file must hold a mapping with schema, id, label, detect, roles and sources")
        problems.raise_if_any()
    problems.unknown_keys(raw, {"schema", "id", "label", "description", "hstore", "detect", "roles", "sources"}, "")
    if raw.get("schema") != SCHEMA:
        problems.add(f"schema: {raw.get('schema')!r}; write schema: {SCHEMA}")
    pid = raw.get("id")
    if not isinstance(pid, str) or not pid.isidentifier():
        problems.add(f"id: {pid!r} is not an identifier (letters, digits, _)")
        pid = ""
    label = read_label(raw.get("label"), "label", problems)
    sources = raw.get("sources") or {}
    if not isinstance(sources, Mapping) or not all(isinstance(v, str) and v.strip() for v in sources.values()):
        problems.add("sources: give a mapping of key → citation text")
        sources = {}
    hstore = raw.get("hstore")
    if hstore is not None and not isinstance(hstore, str):
        problems.add(f"hstore: {hstore!r} is not a field name")
        hstore = None
    roles = raw.get("roles")
    parts: list[RolePart] = []
    if not isinstance(roles, Mapping) or not roles:
        problems.add("roles: give at least one role with its parts")
        roles = {}
    for role, items in roles.items():
        if role not in ROLES:
            problems.add(f"roles.{role}: not a layer role{suggest(role, ROLES)}; roles: {', '.join(ROLES)}")
            continue
        if not isinstance(items, list) or not items:
            problems.add(f"roles.{role}: give a list of parts (layer, where, copy/tags, source)")
            continue
        parts += [p for i, item in enumerate(items) if (p := _part(role, i, item, sources, problems))]
    detect = _detect(raw.get("detect"), problems)
    problems.raise_if_any()
    return SourceProfile(pid, label, str(raw.get("description") or "").strip(), detect, tuple(parts),
                         dict(sources), hstore, origin)


def profile_ids() -> tuple[str, ...]:
    """The ids of the shipped source profiles."""
    return tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))


def load_source_profile(ref: str | Path) -> SourceProfile:
    """A shipped profile by id (``osm_gdal``) or a profile YAML file.

    Raises
    ------
    SpecError
        If the profile is unknown, unreadable or has problems.
    """
    path = preset_path(str(ref), folder=PROFILE_DIR) if isinstance(ref, str) else None
    if path is None and not Path(ref).is_file():
        problems = Problems(KIND, str(ref))
        problems.add(f"no shipped profile or file {str(ref)!r}{suggest(ref, profile_ids())}; "
                     f"shipped: {', '.join(profile_ids())}")
        problems.raise_if_any()
    path = path or Path(ref)
    origin = f"preset {path.stem}" if path.parent == PROFILE_DIR else str(path)
    return parse_source_profile(read_yaml(path, origin, KIND), origin)


def shipped_profiles() -> tuple[SourceProfile, ...]:
    """Every shipped profile, highest detection priority first."""
    return tuple(sorted((load_source_profile(i) for i in profile_ids()), key=lambda p: -p.detect.priority))
