"""Which layer of the project plays which role: pure functions for the guided panel (no QGIS, no Qt).

A layer is described by :class:`LayerInfo` (its name in the layer tree, its source URI, its geometry
as QGIS words it: ``Polygon``, ``Line``, ``Point``, or ``Raster`` for a raster layer, and its field
names). :func:`detect_roles` matches the layers to the input roles of ``wip:municipalprofile`` by
the role's name or a German layer name (``buildings``/``Gebäude``, ``water``/``Gewässer`` …), read
from the ``layername=`` of the source URI, the file name and the layer's name, with the geometry
the role takes; :func:`detect_municipality_layer` finds the municipalities (a polygon layer named
like ``municipalities``/``Gemeinden``/``VG250_GEM``, or with a name field and a key field
``ags``/``AGS``/``ARS``). Nothing is guessed from content: a layer whose name says nothing is left
for the planner to pick.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: Geometry classes of a layer: polygon, line, point, raster ("" where unknown: any vector role).
POLYGON, LINE, POINT, RASTER = "polygon", "line", "point", "raster"

#: Names a layer of a role goes by (normalised: lower case, umlauts folded, words joined by "_").
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "landuse": ("landuse", "land_use", "landnutzung", "flaechennutzung", "nutzung"),
    "settlements": ("settlements", "siedlungsflaechen", "siedlungen", "ortslage", "ortslagen"),
    "forest": ("forest", "wald", "waldflaechen"),
    "buildings": ("buildings", "building", "gebaeude", "hausumringe"),
    "roads": ("roads", "strassen", "strassennetz", "highways"),
    "railways": ("railways", "railway", "bahnstrecken", "eisenbahn", "schienenwege", "bahnlinien"),
    "power_lines": ("power_lines", "stromleitungen", "hochspannungsleitungen", "freileitungen"),
    "substations": ("substations", "umspannwerke", "umspannwerk"),
    "water": ("water", "gewaesser", "wasserflaechen", "stehende_gewaesser"),
    "waterways": ("waterways", "fliessgewaesser", "wasserlaeufe"),
    "protected_areas": ("protected_areas", "schutzgebiete"),
    "airfields": ("airfields", "flugplatz", "flugplaetze", "flughaefen", "flughafen"),
    "wind_turbines": ("wind_turbines", "windenergieanlagen", "windkraftanlagen"),
    "pv_parks": ("pv_parks", "pv_freiflaechenanlagen", "solarparks"),
    "nest_sites": ("nest_sites", "horste", "brutplaetze", "horststandorte"),
    "parking": ("parking", "parkplaetze", "parkplatz"),
    "disadvantaged_areas": ("disadvantaged_areas", "benachteiligte_gebiete"),
    "lakes": ("lakes", "floating_lakes", "tagebauseen", "seen_fuer_schwimmende_pv"),
    "dem": ("dem", "dgm", "dgm1", "dgm5", "dgm25", "dgm200", "hoehenmodell", "gelaendemodell", "elevation"),
    "wind_speed_100m": ("wind_speed_100m", "windgeschwindigkeit_100_m", "windgeschwindigkeit_100m"),
    "wind_speed_150m": ("wind_speed_150m", "windgeschwindigkeit_150_m", "windgeschwindigkeit_150m"),
    "soil_quality": ("soil_quality", "bodenqualitaet", "bodenguete", "ackerzahl", "ackerzahlen"),
}

#: Geometry classes a role takes (``lakes``: the optional lakes layer of floating PV).
ROLE_GEOMETRIES: dict[str, tuple[str, ...]] = {
    **{role: (POLYGON,) for role in ("landuse", "settlements", "forest", "water", "protected_areas", "pv_parks",
                                     "parking", "disadvantaged_areas", "lakes")},
    **{role: (LINE,) for role in ("roads", "railways", "power_lines", "waterways")},
    **{role: (POLYGON, POINT) for role in ("buildings", "substations", "airfields")},
    **{role: (POINT,) for role in ("wind_turbines", "nest_sites")},
    **{role: (RASTER,) for role in ("dem", "wind_speed_100m", "wind_speed_150m", "soil_quality")},
}

#: Names of a municipalities layer, and of its name and key (AGS) fields, case-insensitive.
MUNICIPALITY_NAMES = ("municipalities", "gemeinden", "gemeinde", "vg250_gem", "vg250", "gem", "vg25_gem",
                      "gemeindegrenzen", "kommunen")
NAME_FIELDS = ("name", "gen", "gemeinde", "gem_name", "bez", "name_de")
KEY_FIELDS = ("ags", "ags_0", "ars", "ars_0", "gemeindeschluessel", "gkz", "ags8")

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class LayerInfo:
    """What the detection reads of a layer: ``name`` (layer tree), ``source`` (URI), ``geometry``, ``fields``.

    ``key`` identifies the layer to the caller (the layer id in QGIS); it is returned as it is.
    """

    name: str
    source: str = ""
    geometry: str = ""
    fields: tuple[str, ...] = field(default=())
    key: str = ""


def normalise(text: str) -> str:
    """A name as the aliases are written.

    ``"Benachteiligte Gebiete (synthetisch)"`` → ``"benachteiligte_gebiete_synthetisch"``.
    """
    return re.sub(r"[^a-z0-9]+", "_", text.lower().translate(_FOLD)).strip("_")


def geometry_class(geometry: str) -> str:
    """The geometry class: ``MultiPolygon`` → polygon, ``LineString`` → line, ``Point`` → point, ``Raster``."""
    g = (geometry or "").lower()
    if "raster" in g:
        return RASTER
    if "polygon" in g or "surface" in g:
        return POLYGON
    if "line" in g or "curve" in g:
        return LINE
    if "point" in g:
        return POINT
    return ""


def source_names(source: str) -> list[str]:
    """The names a source URI gives its layer: the ``layername=`` (or ``table=``) and the file's name."""
    names = []
    for pattern in (r"layername=([^|&]+)", r'table="?(?:[^".]+"?\."?)?([^"\s]+)"?'):
        found = re.search(pattern, source or "")
        if found:
            names.append(found.group(1))
    path = (source or "").split("|")[0].split("?")[0].replace("\\", "/").rstrip("/")
    stem = path.rsplit("/", 1)[-1]
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    if stem:
        names.append(stem)
    return [normalise(n) for n in names if normalise(n)]


def name_score(names: Iterable[str], aliases: Sequence[str]) -> int:
    """3 for a name equal to an alias, 2 for one that starts with an alias and a word break, else 0."""
    best = 0
    for name in names:
        for alias in aliases:
            if name == alias:
                return 3
            if name.startswith(alias + "_"):
                best = 2
    return best


def role_score(layer: LayerInfo, role: str) -> int:
    """How well ``layer`` fits ``role``: 0 (not), else higher is better (the source's layer name counts most)."""
    wanted = ROLE_GEOMETRIES.get(role, ())
    kind = geometry_class(layer.geometry)
    if wanted and kind not in wanted and not (kind == "" and RASTER not in wanted):
        return 0
    aliases = ROLE_ALIASES.get(role, (role,))
    from_source = name_score(source_names(layer.source), aliases)
    from_name = name_score([normalise(layer.name)], aliases)
    if not (from_source or from_name):
        return 0
    return 2 * from_source + from_name


def detect_roles(layers: Sequence[LayerInfo], roles: Iterable[str] = tuple(ROLE_ALIASES),
                 exclude: Iterable[str] = ()) -> dict[str, LayerInfo]:
    """The layer of each role that one can tell from the project: ``{role: layer}``.

    Each layer serves one role at most (its best; ties go to the role listed first), each role takes its
    best-scoring layer (ties go to the layer listed first, i.e. the topmost in the layer tree). Layers
    whose ``key`` is in ``exclude`` (the municipalities layer) are left out. Roles without a match are
    absent from the result.
    """
    skip = set(exclude)
    candidates = [(role_score(layer, role), -i, -j, role, layer)
                  for j, role in enumerate(roles) for i, layer in enumerate(layers)
                  if layer.key not in skip or not layer.key]
    chosen: dict[str, LayerInfo] = {}
    used: set[int] = set()
    for score, neg_i, _neg_j, role, layer in sorted(candidates, key=lambda c: c[:3], reverse=True):
        if score <= 0 or role in chosen or -neg_i in used:
            continue
        chosen[role] = layer
        used.add(-neg_i)
    return {role: chosen[role] for role in roles if role in chosen}


def pick_field(fields: Sequence[str], wanted: Sequence[str]) -> str | None:
    """The first of ``fields`` whose name is one of ``wanted`` (case-insensitive, in the order of ``wanted``)."""
    by_name = {f.lower(): f for f in fields}
    for name in wanted:
        if name in by_name:
            return by_name[name]
    return None


def municipality_score(layer: LayerInfo) -> int:
    """How much ``layer`` looks like municipalities: 0 (not a polygon layer or nothing fits), else higher is better."""
    if geometry_class(layer.geometry) not in (POLYGON, ""):
        return 0
    score = 2 * name_score(source_names(layer.source), MUNICIPALITY_NAMES)
    score += name_score([normalise(layer.name)], MUNICIPALITY_NAMES)
    if pick_field(layer.fields, NAME_FIELDS) and pick_field(layer.fields, KEY_FIELDS):
        score += 4
    return score


def detect_municipality_layer(layers: Sequence[LayerInfo]) -> LayerInfo | None:
    """The layer most like municipalities (name, or a name and an AGS field), the topmost on ties; None if none."""
    best, best_score = None, 0
    for layer in layers:
        score = municipality_score(layer)
        if score > best_score:
            best, best_score = layer, score
    return best


def municipality_fields(fields: Sequence[str]) -> tuple[str | None, str | None]:
    """The name field and the key (AGS) field of a municipalities layer, None where it has none."""
    return pick_field(fields, NAME_FIELDS), pick_field(fields, KEY_FIELDS)


def land_codes(keys: Iterable[object], land_of_key) -> list[str]:
    """The Länder of the keys (AGS) in order of first appearance, by ``land_of_key`` (``core.catalogue.lands``)."""
    out: list[str] = []
    for key in keys:
        code = land_of_key(key)
        if code and code not in out:
            out.append(code)
    return out


def layer_keys(mapping: Mapping[str, LayerInfo]) -> dict[str, str]:
    """``{role: layer key}`` of a detection result."""
    return {role: layer.key for role, layer in mapping.items()}
