"""Zones around the nests of collision-prone birds (BNatSchG § 45b, Anlage 1) as catalogue criteria.

A catalogue's ``species_zones`` key::

    species_zones: {layer: nest_sites, field: species, table: species_45b, terrain: flat}

expands, when the catalogue is read, into ordinary criteria on the point layer of nests: per zone the
species with the same distance share one criterion (a filter on the species field, a setback of that
distance), so the setbacks are exact as every setback is. Near zone → ``hard``; central check zone →
``soft``; extended check zone → ``case_by_case``. For the species whose check zones count only below a low
rotor (harriers, eagle-owl: lower tip under 30 m near the coast, 50 m in flat land, 80 m in hilly terrain)
those zones are left out where the catalogue's reference turbine is higher; their near zone stays, except
for the marsh harrier's. The catalogue's description says what was left out.
Where the catalogue has a direct-weighted ``suitability:`` section, the central check zones also become
suitability criteria (land that is eligible because only hard criteria were applied scores lower near a
nest: 0 at the near zone's edge, rising linearly to 1 at the central zone's edge), one per group of species
with the same two radii; the groups with nests near the area share ``central_weight`` (default
:data:`CENTRAL_WEIGHT`; :func:`share_central_weight`).
The table (``presets/species_45b.yml``, schema ``wip-species/1``) names each species in German, Latin and
English; the field may hold any of them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SpecError
from ..spec import PRESET_DIR, read_yaml, unknown_keys
from ..messages import msg

SPECIES_KIND = "Species table"
SCHEMA = "wip-species/1"
#: Zones in the order of the Anlage, with the criterion kind each becomes and its German and English name.
ZONES = (("near", "hard", "Nahbereich", "near zone"), ("central", "soft", "zentraler Prüfbereich", "central check zone"),
         ("extended", "case_by_case", "erweiterter Prüfbereich", "extended check zone"))
SPEC_KEYS = {"layer", "field", "table", "terrain", "zones", "central_weight"}
#: Weight of the central check zones in a catalogue's direct-weighted suitability, all species groups together
#: (modelling assumption; the catalogue's ``species_zones.central_weight`` replaces it). [-]
CENTRAL_WEIGHT = 0.2
#: Id prefix of the suitability criteria of the central check zones.
SCORE_PREFIX = "species_central_"
#: Terrain classes of the rotor-tip limits.
TERRAINS = ("flat", "hilly", "coast")
_METRES = re.compile(r"\s*(\d+(?:\.\d+)?)\s*m\s*")


@dataclass(frozen=True)
class Species:
    """One species of the table: names and zone radii [m]."""

    id: str
    de: str
    scientific: str
    en: str
    near_m: float
    central_m: float
    extended_m: float
    low_rotor_only: bool = False
    near_exempt: bool = False

    def names(self) -> tuple[str, ...]:
        """Every spelling the species field may hold."""
        names = (self.de, self.scientific, self.en, self.id)
        return tuple(dict.fromkeys([*names, *(n.lower() for n in names), *(n.upper() for n in names)]))


@dataclass(frozen=True)
class SpeciesTable:
    """The species, the rotor-tip limits [m] below which ``low_rotor_only`` species count, sources, start date."""

    species: tuple[Species, ...]
    rotor_tip_limit_m: float
    rotor_tip_limit_hilly_m: float
    rotor_tip_limit_coast_m: float
    sources: dict[str, str]
    valid_from: str
    source_key: str


def _metres(value: Any, where: str, problems: list[str]) -> float:
    match = _METRES.fullmatch(str(value)) if value is not None else None
    if not match:
        problems.append(f"{where}: {value!r} is not a distance; write e.g. '500 m'")
        return 0.0
    return float(match.group(1))


@lru_cache(maxsize=4)
def load_species_table(name: str | None = None) -> SpeciesTable:
    """Read and check a species table (a preset id or a YAML path), every problem at once.

    Raises
    ------
    SpecError
        Listing each problem with its place in the file.
    """
    path = Path(name) if name and name.endswith((".yml", ".yaml")) else PRESET_DIR / f"{name or 'species_45b'}.yml"
    raw = read_yaml(path, str(path), SPECIES_KIND)
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        raise SpecError(SPECIES_KIND, str(path), [f"schema must be {SCHEMA!r}"])
    problems: list[str] = []
    sources = {str(k): str(v) for k, v in (raw.get("sources") or {}).items()}
    if not sources:
        problems.append("sources: at least one citation is required")
    limit = raw.get("rotor_tip_limit") or {}
    tip = _metres(limit.get("value"), "rotor_tip_limit.value", problems)
    tip_hilly = _metres(limit.get("hilly"), "rotor_tip_limit.hilly", problems)
    tip_coast = _metres(limit.get("coast"), "rotor_tip_limit.coast", problems)
    species = []
    for i, row in enumerate(raw.get("species") or []):
        where = f"species[{i}]"
        if not isinstance(row, Mapping):
            problems.append(f"{where}: a mapping with id, de, scientific, en, near, central, extended is required")
            continue
        missing = [k for k in ("id", "de", "scientific", "en") if not row.get(k)]
        if missing:
            problems.append(f"{where}: {', '.join(missing)} required")
        radii = [_metres(row.get(z), f"{where}.{z}", problems) for z, *_ in ZONES]
        if radii != sorted(radii) or len(set(radii)) != 3:
            problems.append(f"{where}: the zones must grow: near < central < extended")
        species.append(Species(str(row.get("id")), str(row.get("de")), str(row.get("scientific")),
                               str(row.get("en")), *radii, bool(row.get("low_rotor_only", False)),
                               bool(row.get("near_exempt", False))))
    if not species:
        problems.append("species: at least one species is required")
    if len({s.id for s in species}) != len(species):
        problems.append("species: an id is used twice")
    if problems:
        raise SpecError(SPECIES_KIND, str(path), problems)
    return SpeciesTable(tuple(species), tip, tip_hilly, tip_coast, sources, str(raw.get("valid_from", "2022-07-29")),
                        next(iter(sources)))


def species_criteria(spec: Any, lower_tip_m: float | None, problems: list[str]
                     ) -> tuple[list[dict[str, Any]], dict[str, str], str, list[dict[str, Any]]]:
    """Raw catalogue criteria for ``species_zones`` (see the module docstring).

    Parameters
    ----------
    spec : mapping
        The catalogue's ``species_zones`` value.
    lower_tip_m : float or None
        Lower rotor tip of the catalogue's reference turbine above ground (hub − radius); None: unknown,
        every species counts. [m]
    problems : list of str
        Collects the problems of ``spec``.

    Returns
    -------
    criteria, sources, note, scores
        The criteria as a catalogue writes them, the citations they name, a note on left-out species, and
        the suitability criteria of the central check zones.
    """
    if not isinstance(spec, Mapping):
        problems.append("species_zones: a mapping {layer: nest_sites, field: species} is required")
        return [], {}, "", []
    unknown_keys(spec, SPEC_KEYS, "species_zones.", problems)
    try:
        table = load_species_table(spec.get("table"))
    except SpecError as exc:
        problems.append(f"species_zones.table: {exc}")
        return [], {}, "", []
    field = str(spec.get("field", "species"))
    layer = str(spec.get("layer", "nest_sites"))
    zones = tuple(spec.get("zones") or [z for z, *_ in ZONES])
    for z in zones:
        if z not in {name for name, *_ in ZONES}:
            problems.append(f"species_zones.zones: {z!r} is not one of near, central, extended")
    terrain = str(spec.get("terrain", "flat"))
    if terrain not in TERRAINS:
        problems.append(f"species_zones.terrain: {terrain!r} is not one of {', '.join(TERRAINS)}")
    limit = {"hilly": table.rotor_tip_limit_hilly_m, "coast": table.rotor_tip_limit_coast_m}.get(
        terrain, table.rotor_tip_limit_m)
    high = lower_tip_m is not None and lower_tip_m >= limit
    skipped = [s for s in table.species if s.low_rotor_only and high]

    def counts(s: Species, zone: str) -> bool:
        return s not in skipped or (zone == "near" and not s.near_exempt)

    criteria: list[dict[str, Any]] = []
    for zone, kind, zone_de, zone_en in ZONES:
        if zone not in zones:
            continue
        by_distance: dict[float, list[Species]] = {}
        for s in table.species:
            if counts(s, zone):
                by_distance.setdefault(getattr(s, f"{zone}_m"), []).append(s)
        for distance, group in sorted(by_distance.items()):
            criteria.append({
                "id": f"species_{zone}_{distance:g}m",
                "label": {"de": f"Brutplätze ({', '.join(s.de for s in group)}), {zone_de} {distance:g} m",
                          "en": f"Nests ({', '.join(s.en for s in group)}), {zone_en} {distance:g} m"},
                "kind": kind, "layer": layer,
                "filter": {field: [n for s in group for n in s.names()]},
                "buffer": f"{distance:g} m", "source": table.source_key, "valid_from": table.valid_from,
                "tags": ["species_45b", zone]})
    scores = []
    if "central" in zones:
        scores = _central_scores(table, [s for s in table.species if counts(s, "central")], layer, field,
                                 _weight(spec.get("central_weight", CENTRAL_WEIGHT), problems))
    note = ""
    if skipped:
        near = [s.de for s in skipped if not s.near_exempt]
        note = (f"BNatSchG § 45b: check zones of {', '.join(s.de for s in skipped)} not counted — the reference "
                f"turbine's lower rotor tip ({lower_tip_m:g} m) is at least {limit:g} m above ground ({terrain})"
                + (f"; the near zone of {', '.join(near)} still counts" if near else ""))
    return criteria, dict(table.sources), note, scores


def _weight(value: Any, problems: list[str]) -> float:
    try:
        weight = float(value)
    except (TypeError, ValueError):
        weight = -1.0
    if not 0.0 <= weight <= 1.0:
        problems.append(f"species_zones.central_weight: {value!r} is not a weight from 0 to 1")
        return CENTRAL_WEIGHT
    return weight


def _central_scores(table: SpeciesTable, counted: list[Species], layer: str, field: str,
                    weight: float) -> list[dict[str, Any]]:
    """Raw suitability criteria of the central check zones: one per (near, central) pair of radii."""
    groups: dict[tuple[float, float], list[Species]] = {}
    for s in counted:
        groups.setdefault((s.near_m, s.central_m), []).append(s)
    return [{
        "id": f"{SCORE_PREFIX}{near:g}_{central:g}m",
        "label": {"de": f"Abstand zu Brutplätzen ({', '.join(s.de for s in group)}) im zentralen Prüfbereich",
                  "en": f"Distance to nests ({', '.join(s.en for s in group)}) in the central check zone"},
        "input": {"distance_to": {"layer": layer, "filter": {field: [n for s in group for n in s.names()]}}},
        "value_function": {"type": "linear", "from": f"{near:g} m", "to": f"{central:g} m"},
        "weight": weight / len(groups),
        "source": f"{table.source_key}: central check zone {near:g}–{central:g} m (BNatSchG § 45b Abs. 3); the "
                  "linear rise and the weight are a modelling assumption"}
        for (near, central), group in sorted(groups.items())]


def share_central_weight(ids: list[str], weights: np.ndarray, features: Mapping[str, int],
                         progress: Any = None) -> np.ndarray:
    """The central-zone weight given to the species groups that have nests within reach, shared equally.

    The catalogue spreads ``central_weight`` over every group of the table; a group without a nest near the
    area scores 1 everywhere and would only dilute the penalty of the groups that do have nests (with one red
    kite, to a sixth). Here the groups without features get 0 and the others share the whole weight.

    Parameters
    ----------
    ids : list of str
        Suitability criterion ids, in the order of ``weights``.
    weights : numpy.ndarray
        Their normalised weights. [-]
    features : mapping of str to int
        Features within reach per layer criterion id.
    progress : Progress, optional
        Says how the weight was shared.
    """
    groups = [k for k, cid in enumerate(ids) if cid.startswith(SCORE_PREFIX)]
    if not groups:
        return weights
    present = [k for k in groups if features.get(ids[k], 0) > 0]
    out = weights.copy()
    total = float(weights[groups].sum())
    out[groups] = 0.0
    if present:
        out[present] = total / len(present)
    else:
        out = out / out.sum() if out.sum() > 0 else weights
    if progress is not None:
        if present:
            progress.info(msg("species_zones_weight", weight=total, n=len(present),
                              groups=", ".join(ids[k] for k in present)))
        else:
            progress.info(msg("species_zones_weight_no_nest", weight=total))
    return out


def expand_species_zones(raw: Mapping[str, Any], turbine: Any, problems: list[str]) -> dict[str, Any]:
    """A raw catalogue with its ``species_zones`` key replaced by the criteria, citations and note it stands for.

    ``turbine``: the catalogue's reference turbine (``hub_height_m``, ``rotor_radius_m``) or None. The result
    holds no ``species_zones`` key, so a catalogue rebuilt from it (overrides, tag buffers) is the same.
    """
    lower = None if turbine is None else turbine.hub_height_m - turbine.rotor_radius_m
    extra, cited, note, scores = species_criteria(raw["species_zones"], lower, problems)
    criteria = raw.get("criteria")
    suitability = raw.get("suitability")
    if isinstance(suitability, dict) and scores:
        if suitability.get("weighting", "direct") == "direct":
            suitability = {**suitability, "criteria": [*(suitability.get("criteria") or []), *scores]}
        else:
            note = "\n".join(t for t in (note, "BNatSchG § 45b: the central check zones are not scored in the "
                                         "suitability (it needs direct weights; add them to the AHP by hand)") if t)
    return {**{k: v for k, v in raw.items() if k not in ("species_zones", "suitability")},
            **({"suitability": suitability} if suitability is not None else {}),
            "criteria": [*(criteria if isinstance(criteria, list) else []), *extra],
            "sources": {**cited, **(raw.get("sources") if isinstance(raw.get("sources"), dict) else {})},
            "description": "\n".join(t for t in (str(raw.get("description", "")), note) if t)}
