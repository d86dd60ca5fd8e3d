"""The criteria catalogue as frozen objects: exclusion criteria, suitability criteria, presets.

A catalogue is data. Every exclusion :class:`Criterion` names the layer role it reads and an attribute
filter in OSM tagging — or the raster role it reads and the class codes or value range it selects
(:mod:`.classes`) — a setback with its unit, its legal source and the date from which it applies; the optional ``suitability:`` section (:class:`SuitabilitySpec`) holds soft criteria,
each an input mapped by a value function (:mod:`.value_functions`) to a score, with direct or AHP
weights (:mod:`.weights`). The :class:`~.loader.Catalogue` that holds them, and the reading and
validation of the YAML files, are in :mod:`.loader`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..data.rasters import RASTER_ROLES
from ..spec import Label
from ..units import Distance, Turbine
from .classes import ValueSelection
from .dwellings import DwellingRule
from .filters import FeatureFilter
from .value_functions import ValueFunction
from .weights import AhpResult, ahp_weights, normalise_weights, pairwise_matrix

#: Schema id of a criteria catalogue file (``schema:``).
SCHEMA = "wip-catalogue/1"
#: Technologies a catalogue can be for.
TECHNOLOGIES = ("wind", "pv_ground")
#: Kinds of criteria: exclusions (hard, soft, case by case) and permitted zones.
KINDS = ("hard", "soft", "case_by_case", "permitted")
#: The exclusion kinds of :data:`KINDS`.
EXCLUSION_KINDS = ("hard", "soft", "case_by_case")
#: Exclusion kinds an eligibility run applies unless told otherwise.
DEFAULT_KINDS = ("hard", "soft")
#: How a suitability section weights its criteria.
WEIGHTINGS = ("direct", "ahp")


@dataclass(frozen=True)
class GroupRule:
    """Keep only features in groups with at least ``min_dwellings`` dwellings.

    Buildings closer than ``max_gap_m`` to each other form a group (e.g. the
    SächsBO § 84 rule on groups of five or more dwellings in the Außenbereich).
    """

    min_dwellings: int
    max_gap_m: float
    dwellings_field: str | None = None


@dataclass(frozen=True)
class Criterion:
    """One exclusion criterion or permitted zone.

    Attributes
    ----------
    id : str
        Stable identifier, unique in the catalogue.
    label : Label
        Name shown to users.
    kind : str
        ``hard``, ``soft``, ``case_by_case`` (exclusions) or ``permitted``
        (an area where the technology is allowed, e.g. a PV corridor).
    layer : str
        Layer role the criterion reads (``""`` for a raster criterion).
    filter : FeatureFilter
        Which features of the layer count.
    buffer : Distance
        Setback from the features, or from the selected cells of a raster criterion
        (``0 m``: the features or cells themselves). [m, H, R]
    line_offset_m : float
        Added to the setback where the law measures from an edge but the layer
        holds centre lines (e.g. half a carriageway). [m]
    source : str
        Legal or technical source (a citation or a key of ``sources``).
    valid_from, valid_to : datetime.date
        Dates between which the rule applies.
    tags : tuple of str
        Free tags; ``settlement_setback`` marks the common override.
    group : GroupRule or None
        Optional grouping rule on the features.
    dwellings : str
        ``possible`` or ``explicit``: the features are the buildings the catalogue's
        ``dwelling_rule`` selects (and that pass ``filter``); ``""`` without the rule.
    dwelling_rule : DwellingRule or None
        The catalogue's rule, set on the criteria that read it.
    raster : str
        Raster role a raster criterion reads (a key of :data:`core.data.rasters.RASTER_ROLES`,
        e.g. ``land_cover``); ``""`` for a layer criterion.
    values : ValueSelection or None
        The cells of the raster that count (class codes or a value range); None for a layer criterion.
    except_within : tuple of Criterion
        Areas where the criterion does not apply (statutory exceptions; :mod:`.exceptions`), each a
        criterion of its own with id ``<id>.<exception>``.
    inset : Distance
        For an exception: how far inside its areas' edges it starts (0: at the edge). [m, H, R]
    category : str
        For a permitted zone: the area category it opens (``corridor``, ``conversion`` …); the eligible
        land is also reported per category (overlaps counted in each, the total once); "" for none.
    """

    id: str
    label: Label
    kind: str
    layer: str
    filter: FeatureFilter
    buffer: Distance
    source: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    line_offset_m: float = 0.0
    tags: tuple[str, ...] = ()
    note: str = ""
    group: GroupRule | None = None
    dwellings: str = ""
    dwelling_rule: DwellingRule | None = None
    raster: str = ""
    values: ValueSelection | None = None
    except_within: tuple[Criterion, ...] = ()
    inset: Distance = field(default_factory=Distance)
    category: str = ""

    @property
    def role(self) -> str:
        """The role the criterion reads: its raster role for a raster criterion, else its layer role."""
        return self.raster or self.layer

    def selects(self) -> str:
        """What it selects, for tables and messages: the filter, or the raster values."""
        return str(self.values) if self.raster else str(self.filter)

    def fields(self) -> tuple[str, ...]:
        """Attribute fields the criterion reads: its filter's and its dwelling rule's."""
        rule = self.dwelling_rule.fields() if self.dwelling_rule is not None and self.dwellings else ()
        return tuple(dict.fromkeys(self.filter.fields() + rule))

    def selection_key(self) -> str:
        """Text that is equal for two criteria exactly when they select the same features."""
        if self.raster:
            return f"raster:{self.raster}|{self.values}"
        rule = f"|{self.dwellings}:{self.dwelling_rule}" if self.dwellings else ""
        return f"{self.layer}|{self.filter}|{self.group}{rule}"

    def buffer_m(self, turbine: Turbine | None) -> float:
        """Setback in metres for the given turbine, line offset included. [m]"""
        return self.buffer.metres(turbine) + self.line_offset_m

    def applies_on(self, day: dt.date) -> bool:
        """True if the rule is in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class SuitabilityInput:
    """What a suitability criterion measures: a raster role, or the distance to features of a layer role.

    Attributes
    ----------
    raster : str or None
        Raster role (a key of :data:`core.data.rasters.RASTER_ROLES`).
    layer : str or None
        Layer role the distance is measured to.
    filter : FeatureFilter
        Which features of ``layer`` count.
    """

    raster: str | None = None
    layer: str | None = None
    filter: FeatureFilter = field(default_factory=FeatureFilter)

    @property
    def dimension(self) -> str:
        """Physical dimension of the input: ``length`` for distances, else the raster role's."""
        return RASTER_ROLES[self.raster].dimension if self.raster else "length"

    def describe(self) -> str:
        """Short text such as ``raster wind_speed_150m`` or ``distance to substations (voltage >= 110000)``."""
        if self.raster:
            return f"raster {self.raster} [{RASTER_ROLES[self.raster].unit}]"
        return f"distance to {self.layer} ({self.filter}) [m]"


@dataclass(frozen=True)
class SuitabilityCriterion:
    """One soft criterion: an input mapped by a value function to a score in [0, 1].

    Attributes
    ----------
    id : str
        Identifier, unique in the suitability section.
    label : Label
        Name shown to users.
    input : SuitabilityInput
        The physical input.
    value_function : ValueFunction
        Maps the input (in its canonical unit) to a score.
    source : str
        Source of the value function (a citation or a key of ``sources``).
    weight : float or None
        Direct weight (not normalised); unused with AHP weighting.
    missing_score : float or None
        Score where the input is undefined (e.g. the aspect of flat ground);
        None leaves such pixels unscored.
    """

    id: str
    label: Label
    input: SuitabilityInput
    value_function: ValueFunction
    source: str
    weight: float | None = None
    missing_score: float | None = None
    note: str = ""


@dataclass(frozen=True)
class SuitabilitySpec:
    """The ``suitability:`` section of a catalogue: soft criteria, weighting and aggregation.

    Attributes
    ----------
    criteria : tuple of SuitabilityCriterion
        The soft criteria.
    aggregation : str
        ``weighted_linear`` or ``weighted_geometric`` (one of :data:`.weights.AGGREGATION_NAMES`).
    weighting : str
        ``direct`` (each criterion's ``weight``) or ``ahp`` (pairwise comparisons).
    ahp : tuple of (str, str, float)
        Upper-triangle judgements ``(a, b, v)``: a is v times as important as b.
    """

    criteria: tuple[SuitabilityCriterion, ...]
    aggregation: str = "weighted_linear"
    weighting: str = "direct"
    ahp: tuple[tuple[str, str, float], ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """Criterion ids in order."""
        return tuple(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> SuitabilityCriterion:
        """Return the criterion with this id (KeyError naming the known ids otherwise)."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(f"No suitability criterion {criterion_id!r}; known: {', '.join(self.ids)}")

    def ahp_matrix(self) -> np.ndarray:
        """The full reciprocal pairwise comparison matrix in criterion order."""
        return pairwise_matrix(self.ids, self.ahp)

    def ahp_result(self) -> AhpResult | None:
        """AHP weights and consistency (None with direct weighting)."""
        return ahp_weights(self.ahp_matrix(), self.ids) if self.weighting == "ahp" else None

    def weights(self) -> tuple[float, ...]:
        """Normalised weights in criterion order (sum 1), from ``weight`` or the AHP matrix."""
        if self.weighting == "ahp":
            res = self.ahp_result()
            assert res is not None
            return res.weights
        return tuple(float(w) for w in normalise_weights([c.weight or 0.0 for c in self.criteria]))

    def layer_roles(self) -> tuple[str, ...]:
        """Layer roles the distance criteria read, in order."""
        return tuple(dict.fromkeys(c.input.layer for c in self.criteria if c.input.layer))

    def raster_roles(self) -> tuple[str, ...]:
        """Raster roles the criteria read, in order."""
        return tuple(dict.fromkeys(c.input.raster for c in self.criteria if c.input.raster))


@dataclass(frozen=True)
class PresetInfo:
    """Summary of a shipped preset."""

    id: str
    technology: str
    title_de: str
    title_en: str
    version: str
    path: Path
    land: str | None = None  # the Land whose rules it holds (two letters); None: any Land
