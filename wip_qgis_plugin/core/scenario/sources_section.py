"""The ``sources:`` key of a scenario: files in a source profile that give the roles ``layers:`` does not.

::

    sources:
      - data/north-bayreuth.osm.gz                 # detected from its schema (docs/sources.md)
      - {path: data/NSG.shp, profile: "authority_layer:nsg"}

Paths are relative to the scenario file. The sources are read at load time from their schema only
(:func:`..data.sources.detect.detect_source`): every role they give that ``layers:`` does not name is
bound to a *placeholder* layer (:func:`source_placeholder`, path :data:`SOURCES_PATH`), so the
sections that name roles (``area_of_interest``, ``rooftop.buildings``, ``grid``) check as usual. The
scenario runner prepares the sources once per run into a temporary GeoPackage and replaces every
placeholder by the prepared layer (``jobs/runner.py``); without a municipality layer the
administrative boundaries of an OSM source are the municipalities.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..data.layers import LayerRef
from ..data.sources.detect import detect_source
from ..data.sources.prepare import SourceSpec
from ..data.vsi import resolve_input
from ..errors import InputError

#: Path of the placeholder layers the prepared sources replace at run time.
SOURCES_PATH = "<sources>"


def source_placeholder(role: str) -> LayerRef:
    """The placeholder of a role the scenario's sources give (replaced by the prepared layer at run time)."""
    return LayerRef(SOURCES_PATH, role)


def is_source_placeholder(ref: Any) -> bool:
    """Whether ``ref`` is a placeholder of :func:`source_placeholder`."""
    return isinstance(ref, LayerRef) and ref.path == SOURCES_PATH


def read_sources(raw: Any, base: Path, problems: list[str]) -> tuple[SourceSpec, ...]:
    """Read ``sources:``: a list of paths or ``{path, profile}`` (paths relative to ``base``)."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out: list[SourceSpec] = []
    for k, item in enumerate(items):
        where = f"sources[{k}]"
        if isinstance(item, str) and item:
            out.append(SourceSpec(resolve_input(item, base)))
        elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
            extra = sorted(set(item) - {"path", "profile"})
            if extra:
                problems.append(f"{where}: unknown key(s) {extra}; use path and profile")
                continue
            profile = item.get("profile")
            if profile is not None and not isinstance(profile, str):
                problems.append(f"{where}.profile: {profile!r} is not a profile id (e.g. osm_gdal, "
                                "authority_layer:nsg) or a profile YAML file")
                continue
            if isinstance(profile, str) and profile.endswith((".yaml", ".yml")):
                profile = str((base / profile).resolve())
            out.append(SourceSpec(resolve_input(item["path"], base), profile or None))
        else:
            problems.append(f"{where}: give a path or {{path: FILE, profile: ID}} "
                            "(e.g. data/extract.osm.pbf or {path: NSG.shp, profile: 'authority_layer:nsg'})")
    return tuple(out)


def source_roles(sources: Sequence[SourceSpec], problems: list[str]) -> dict[str, str]:
    """Role → the source (path) that first gives it, detected from the schema; problems with their place."""
    roles: dict[str, str] = {}
    for k, spec in enumerate(sources):
        try:
            match = detect_source(spec.path, spec.profile)
        except InputError as exc:
            problems.append(f"sources[{k}]: {exc}")
            continue
        for role in match.roles:
            roles.setdefault(role, spec.path)
    return roles


def bind_source_roles(layers: Mapping[str, LayerRef], roles: Mapping[str, str]) -> dict[str, LayerRef]:
    """``layers`` with a placeholder for every role the sources give and ``layers`` does not name."""
    out = dict(layers)
    for role in roles:
        out.setdefault(role, source_placeholder(role))
    return out
