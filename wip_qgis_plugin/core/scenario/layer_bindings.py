"""The scenario keys of a technology that bind layers to criteria and roles, and ``require_all``.

Under ``eligibility.<technology>`` (criterion ids belong to that technology's catalogue)::

    eligibility:
      wind:
        catalogue: wind_sachsen_anhalt
        require_all: false                 # true: refuse if a criterion's data is absent
        criterion_layers:                  # the criterion reads only this layer; every feature counts
          nature_reserves: data/NSG.shp
          bird_protection: {path: data/schutzgebiete.gpkg, layer: spa}
        role_layers:                       # more layers for a role, each with fixed attribute values
          protected_areas:
            - {path: data/LSG.shp, attributes: {protection_title: Landschaftsschutzgebiet}}
            - {path: data/WSG.shp, attributes: {protection_title: Wasserschutzgebiet, zone: II}}

``require_all`` may also stand at the top of the scenario (for every technology). Paths are
relative to the scenario file. See :mod:`..eligibility.inputs`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.layers import ROLES, LayerRef
from ..data.vsi import resolve_input
from ..eligibility.inputs import LayerBinding
from ..spec import suggest

#: The keys this module reads under ``eligibility.<technology>``.
TECHNOLOGY_KEYS = {"criterion_layers", "role_layers", "require_all"}


def _ref(raw: Any, base: Path, where: str, problems: list[str]) -> LayerRef | None:
    if isinstance(raw, str):
        path, _, layer = raw.partition("|layername=")
        return LayerRef(resolve_input(path, base), layer or None)
    if isinstance(raw, dict) and isinstance(raw.get("path"), str):
        return LayerRef(resolve_input(raw["path"], base), raw.get("layer"))
    problems.append(f"{where}: give a path or {{path: file.gpkg, layer: name}}")
    return None


def read_layer_bindings(spec: dict[str, Any], criterion_ids: list[str], base: Path, where: str,
                        problems: list[str]) -> tuple[LayerBinding, ...]:
    """``criterion_layers`` and ``role_layers`` of a technology → bindings; problems with their place."""
    out: list[LayerBinding] = []
    crit = spec.get("criterion_layers") or {}
    if not isinstance(crit, dict):
        problems.append(f"{where}.criterion_layers: map criterion ids to layers, e.g. {{nature_reserves: NSG.shp}}")
        crit = {}
    for cid, raw in crit.items():
        here = f"{where}.criterion_layers.{cid}"
        if cid not in criterion_ids:
            problems.append(f"{here}: no criterion {cid!r} in the catalogue{suggest(str(cid), criterion_ids)}")
            continue
        if isinstance(raw, dict) and set(raw) - {"path", "layer"}:
            problems.append(f"{here}: unknown key(s) {sorted(set(raw) - {'path', 'layer'})}; use path and layer "
                            "(every feature of a criterion's own layer counts)")
            continue
        for item in raw if isinstance(raw, list) else [raw]:
            ref = _ref(item, base, here, problems)
            if ref is not None:
                out.append(LayerBinding(ref, criterion=str(cid)))
    roles = spec.get("role_layers") or {}
    if not isinstance(roles, dict):
        problems.append(f"{where}.role_layers: map roles to lists of {{path, layer, attributes}}")
        roles = {}
    for role, items in roles.items():
        here = f"{where}.role_layers.{role}"
        if role not in ROLES:
            problems.append(f"{here}: not a layer role{suggest(str(role), ROLES)}")
            continue
        for k, item in enumerate(items if isinstance(items, list) else [items]):
            at = f"{here}[{k}]"
            attributes = item.get("attributes") or {} if isinstance(item, dict) else {}
            if isinstance(item, dict) and set(item) - {"path", "layer", "attributes"}:
                problems.append(f"{at}: unknown key(s) {sorted(set(item) - {'path', 'layer', 'attributes'})}; "
                                "use path, layer and attributes")
                continue
            if not isinstance(attributes, dict):
                problems.append(f"{at}.attributes: map fields to values, e.g. {{protection_title: Naturschutzgebiet}}")
                continue
            ref = _ref(item, base, at, problems)
            if ref is not None:
                out.append(LayerBinding(ref, role=str(role),
                                        attributes=tuple((str(f), str(v)) for f, v in attributes.items())))
    return tuple(out)


def read_require_all(spec: dict[str, Any], top: dict[str, Any], where: str, problems: list[str]) -> bool:
    """``require_all`` of a technology, else of the scenario (default false)."""
    value = spec.get("require_all", top.get("require_all", False))
    if not isinstance(value, bool):
        problems.append(f"{where}.require_all: {value!r} must be true or false")
        return False
    return value
