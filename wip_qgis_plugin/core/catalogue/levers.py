"""The planning levers of a catalogue spec: forest in or out, which PV land categories open land.

A planner changes a preset in a few plain ways (the guided panel's controls, the profile's Processing
parameters, ``wip profile`` flags, a scenario's catalogue spec):

``forest``
    ``preset`` (as the catalogue says), ``excluded`` (every forest criterion becomes a soft exclusion where
    it was only case by case) or ``open`` (the forest criteria are left out: forest is not excluded as such;
    its other criteria, e.g. protected areas, still apply).
``categories``
    The land categories of permitted zones that open land (``corridor``, ``conversion``, ``disadvantaged``,
    ``parking`` …); the permitted zones of the others are left out.

The settlement setback is the third lever; it is a tag buffer (``tag_buffers: {settlement_setback: m}``).
These functions only compute the criterion overrides (:meth:`.loader.Catalogue.with_overrides` applies and
re-validates them), so every refusal names the catalogue and what it lacks.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InputError

FOREST_MODES = ("preset", "excluded", "open")
#: Kinds that exclude land in a profile run (a forest criterion of another kind is raised to soft).
EXCLUDING_KINDS = ("hard", "soft")


def is_forest(criterion: Any) -> bool:
    """A criterion about forest: id ``forest``, the layer role ``forest``, or a filter selecting only forest."""
    if criterion.id == "forest" or criterion.layer == "forest":
        return True
    conditions = getattr(criterion.filter, "conditions", ())
    return any(c.op in ("in", "==") and tuple(c.values) == ("forest",) for c in conditions)


def forest_overrides(catalogue: Any, mode: str) -> dict[str, Any]:
    """Criterion overrides that make ``catalogue`` treat forest as ``mode`` (see the module docstring).

    Raises
    ------
    InputError
        For an unknown mode, or ``excluded``/``open`` with a catalogue that has no forest criterion.
    """
    if mode not in FOREST_MODES:
        raise InputError(f"forest: {mode!r} is not a choice; use one of {', '.join(FOREST_MODES)}.")
    if mode == "preset":
        return {}
    forest = [c for c in catalogue.criteria if c.kind != "permitted" and is_forest(c)]
    if not forest:
        raise InputError(f"forest: the catalogue {catalogue.id} has no forest criterion, so forest cannot be "
                         f"{'excluded' if mode == 'excluded' else 'opened'} by this setting; add a criterion "
                         "with id forest to your own catalogue, or leave the setting at preset.")
    if mode == "open":
        return {c.id: None for c in forest}
    return {c.id: {"kind": "soft"} for c in forest if c.kind not in EXCLUDING_KINDS}


def category_overrides(catalogue: Any, keep: Sequence[str]) -> dict[str, Any]:
    """Criterion overrides that leave out the permitted zones of every category not in ``keep``.

    Raises
    ------
    InputError
        For a category the catalogue does not have (with the ones it has), or an empty ``keep`` for a
        catalogue with categories (nothing would open land).
    """
    zones = [c for c in catalogue.criteria if c.kind == "permitted" and c.category]
    known = sorted({c.category for c in zones})
    unknown = [k for k in keep if k not in known]
    if unknown:
        raise InputError(f"categories: {', '.join(unknown)} not in the catalogue {catalogue.id} "
                         f"(it has {', '.join(known) or 'no categories'}).")
    if zones and not keep:
        raise InputError(f"categories: choose at least one of {', '.join(known)}; without one no land opens.")
    return {c.id: None for c in zones if c.category not in keep}
