"""Buildings of unknown use: the catalogue's ``dwelling_rule``, a documented conservative rule.

In OpenStreetMap 99 % of German buildings are tagged ``building=yes``: a filter listing the
residential values (``house``, ``detached`` …) finds only a few of the dwellings, and a setback to
dwellings silently shrinks. The rule sorts every building into one of three classes:

* **explicit dwelling**: its tags or codes say it is one (``dwelling`` filter);
* **not a dwelling**: its tags or codes say otherwise (``not_dwelling`` filter: garage, shed, barn,
  industrial …); an explicit dwelling value wins over a non-dwelling one;
* **unknown use**: anything else (``building=yes``, no value at all); treated as a dwelling
  (``unknown: dwelling``, the conservative default) or not (``unknown: not_dwelling``).

A criterion with ``dwellings: possible`` reads the explicit dwellings and, with
``unknown: dwelling``, the buildings of unknown use; ``dwellings: explicit`` reads only the
explicit ones. Example (YAML)::

    dwelling_rule:
      dwelling: {building: [house, detached, residential, apartments, farm]}
      not_dwelling: {building: [garage, garages, shed, barn, industrial, warehouse]}
      unknown: dwelling
      source: "Modelling assumption: a building counts as a dwelling unless its tags say otherwise."

The filters use the grammar of :mod:`.filters`, so codes work as well as tags (ALKIS
Gebäudefunktion: ``dwelling: {gebaeudefunktion: {">=": 1000, "<": 2000}}``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..spec import unknown_keys
from .filters import FeatureFilter, evaluate, parse_filter

#: How a building of unknown use is treated.
UNKNOWN_TREATMENTS = ("dwelling", "not_dwelling")
#: What a criterion's ``dwellings:`` key may select.
SELECTIONS = ("possible", "explicit")
#: Class codes of :func:`classify`.
EXPLICIT, UNKNOWN, NOT_DWELLING = 0, 1, 2
_KEYS = {"dwelling", "not_dwelling", "unknown", "source", "note"}


@dataclass(frozen=True)
class DwellingRule:
    """Which buildings count as dwellings (see the module docstring).

    Attributes
    ----------
    dwelling : FeatureFilter
        Buildings that are dwellings by their tags or codes.
    not_dwelling : FeatureFilter
        Buildings that are not dwellings by their tags or codes.
    unknown : str
        ``dwelling`` (conservative) or ``not_dwelling``: how the other buildings are treated.
    source : str
        Why the rule is as it is (a citation, a key of ``sources`` or a modelling assumption).
    """

    dwelling: FeatureFilter
    not_dwelling: FeatureFilter
    unknown: str = "dwelling"
    source: str = ""

    def fields(self) -> tuple[str, ...]:
        """Attribute fields the rule reads."""
        return tuple(dict.fromkeys(self.dwelling.fields() + self.not_dwelling.fields()))

    def __str__(self) -> str:
        unknown = "possible dwellings" if self.unknown == "dwelling" else "not dwellings"
        return f"dwellings ({self.dwelling}), not ({self.not_dwelling}), others {unknown}"


@dataclass(frozen=True)
class DwellingCounts:
    """How many buildings the rule put in each class.

    Attributes
    ----------
    explicit : int
        Buildings that are dwellings by their tags or codes.
    unknown : int
        Buildings of unknown use.
    not_dwelling : int
        Buildings that are not dwellings by their tags or codes.
    unknown_as_dwelling : bool
        Whether the buildings of unknown use were treated as dwellings.
    """

    explicit: int
    unknown: int
    not_dwelling: int
    unknown_as_dwelling: bool

    @property
    def treated_as_dwelling(self) -> int:
        """Buildings the setback is measured from."""
        return self.explicit + (self.unknown if self.unknown_as_dwelling else 0)

    @property
    def excluded(self) -> int:
        """Buildings not treated as dwellings."""
        return self.not_dwelling + (0 if self.unknown_as_dwelling else self.unknown)


def classify(rule: DwellingRule, frame: Any) -> np.ndarray:
    """Class of every building of a GeoDataFrame: :data:`EXPLICIT`, :data:`UNKNOWN` or :data:`NOT_DWELLING`.

    A filter that holds no condition matches nothing here (an empty ``dwelling`` filter means
    "no value says dwelling"), unlike a criterion's empty filter, which matches every feature.
    """
    n = len(frame)
    explicit = evaluate(rule.dwelling, frame) if _has_conditions(rule.dwelling) else np.zeros(n, bool)
    other = evaluate(rule.not_dwelling, frame) if _has_conditions(rule.not_dwelling) else np.zeros(n, bool)
    out = np.full(n, UNKNOWN, dtype=np.int8)
    out[other] = NOT_DWELLING
    out[explicit] = EXPLICIT
    return out


def select(rule: DwellingRule, selection: str, frame: Any) -> tuple[np.ndarray, DwellingCounts]:
    """Mask of the buildings a criterion with ``dwellings: selection`` reads, and the counts per class.

    Parameters
    ----------
    rule : DwellingRule
        The catalogue's rule.
    selection : str
        ``possible`` (explicit dwellings, and the unknown ones if the rule treats them as
        dwellings) or ``explicit``.
    frame : GeoDataFrame
        The buildings.
    """
    classes = classify(rule, frame)
    as_dwelling = rule.unknown == "dwelling" and selection == "possible"
    mask = (classes == EXPLICIT) | ((classes == UNKNOWN) if as_dwelling else False)
    counts = DwellingCounts(int((classes == EXPLICIT).sum()), int((classes == UNKNOWN).sum()),
                            int((classes == NOT_DWELLING).sum()), as_dwelling)
    return np.asarray(mask, dtype=bool), counts


def _has_conditions(flt: FeatureFilter) -> bool:
    return bool(flt.conditions or flt.any_of)


def parse_dwelling_rule(raw: Any, where: str, problems: list[str]) -> DwellingRule | None:
    """Validate the ``dwelling_rule:`` section; append every problem (with its place) to ``problems``."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping with dwelling, not_dwelling, unknown and source")
        return None
    n_before = len(problems)
    unknown_keys(raw, _KEYS, f"{where}.", problems)
    filters = {}
    for key in ("dwelling", "not_dwelling"):
        try:
            filters[key] = parse_filter(raw.get(key) or {})
        except ValueError as exc:
            problems.append(f"{where}.{key}: {exc}")
    if not raw.get("dwelling") and not raw.get("not_dwelling"):
        problems.append(f"{where}: give 'dwelling' and/or 'not_dwelling', filters such as "
                        "{building: [house, detached]} and {building: [garage, shed]}")
    treatment = raw.get("unknown", "dwelling")
    if treatment not in UNKNOWN_TREATMENTS:
        problems.append(f"{where}.unknown: {treatment!r} is not one of {', '.join(UNKNOWN_TREATMENTS)}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{where}.source: required (why buildings of unknown use are treated so)")
    if len(problems) > n_before:
        return None
    return DwellingRule(filters["dwelling"], filters["not_dwelling"], str(treatment), str(source))
