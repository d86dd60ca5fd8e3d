"""Areas where a criterion does not apply (``except_within``), and the categories of permitted zones.

Some Land rules hold "everywhere except in …": BayBO Art. 82 (10 H) does not apply in forests, along
motorways and main railways and in the other cases of Art. 82 (5); there the 1,000 m of Art. 82a apply
instead (a second criterion of the catalogue). A criterion writes its exceptions as a list of small
criteria of their own — layer or raster, filter, buffer, source, the dates between which the exception
holds::

    - id: settlements_10h
      ...
      except_within:
        - {id: forest, label: {de: Wald, en: Forest}, layer: landuse, filter: {landuse: [forest]},
           buffer: 0 m, source: baybo_82_5, valid_from: 2022-11-16}

The land within any exception (on the run's date) is not excluded by the criterion; every other criterion
still applies there. ``inset`` (e.g. ``1 R``) keeps the exception that far inside its areas' edges (BayBO: the
tower foot at least one rotor radius inside the forest). An exception whose layer is absent is *not assessed*: the criterion then applies there
too (the stricter reading), and the run says so. Each exception has the id ``<criterion>.<exception>`` and
can read a layer bound to that id like any criterion.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..units import Distance, parse_distance
from .model import Criterion

#: Separator of a criterion's id and its exception's id.
SEPARATOR = "."


def parse_exceptions(raw: Any, parent_id: Any, parent_kind: Any, where: str, problems: list[str],
                     parse: Callable[[dict[str, Any], str, list[str]], Criterion | None]) -> tuple[Criterion, ...]:
    """The exceptions of one criterion (its ``except_within`` value), every problem appended.

    Parameters
    ----------
    raw : list or None
        The ``except_within`` value.
    parent_id : str
        The criterion's id.
    parent_kind : str
        Its kind: only an exclusion (hard, soft, case by case) has exceptions.
    where : str
        The criterion's place in the catalogue, for the problems.
    problems : list of str
        Collects the problems.
    parse : callable
        Parses one criterion mapping (the loader's, with the catalogue's sources bound).

    Returns
    -------
    tuple of Criterion
        One per exception, id ``<parent>.<exception>``, kind ``permitted`` (where the parent does not apply).
    """
    if raw is None:
        return ()
    if parent_kind == "permitted":
        problems.append(f"{where}.except_within: a permitted zone has no exceptions (only an exclusion does); "
                        "narrow the zone's filter or buffer instead")
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}.except_within: must be a list of areas (id, label, layer, filter, buffer, source, "
                        "valid_from) where the criterion does not apply")
        return ()
    out = []
    for k, zone in enumerate(raw):
        here = f"{where}.except_within[{k}]"
        if not isinstance(zone, dict):
            problems.append(f"{here}: must be a mapping (id, label, layer, filter, buffer, source, valid_from)")
            continue
        if zone.get("except_within") is not None or zone.get("kind") not in (None, "permitted"):
            problems.append(f"{here}: an exception takes no 'kind' and no exceptions of its own")
            continue
        inset = Distance()
        if zone.get("inset") is not None:
            try:
                inset = parse_distance(zone["inset"])
            except ValueError as exc:
                problems.append(f"{here}.inset: {exc}")
        crit = parse({k: v for k, v in zone.items() if k != "inset"} | {"kind": "permitted"}, here, problems)
        if crit is not None:
            out.append(replace(crit, id=f"{parent_id}{SEPARATOR}{crit.id}", inset=inset))
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        problems.append(f"{where}.except_within: an id is used twice")
    return tuple(out)


def zone_category(raw: Any, kind: Any, where: str, problems: list[str]) -> str:
    """The ``category`` of a permitted zone (a word), "" without one; a problem on another kind of criterion."""
    if raw in (None, ""):
        return ""
    if kind != "permitted":
        problems.append(f"{where}.category: only a permitted zone opens a category of land (this is {kind!r})")
        return ""
    if not isinstance(raw, str) or not raw.isidentifier():
        problems.append(f"{where}.category: {raw!r} must be a word of letters, digits and _ (e.g. conversion)")
        return ""
    return raw


def in_force(zones: tuple[Criterion, ...], day: Any) -> list[str]:
    """The layer roles of the exceptions in force on ``day``."""
    return [z.layer for z in zones if z.applies_on(day)]


def exception_ids(criteria: tuple[Criterion, ...] | list[Criterion]) -> list[str]:
    """Ids of every exception of ``criteria`` (a layer can be bound to each)."""
    return [z.id for c in criteria for z in c.except_within]
