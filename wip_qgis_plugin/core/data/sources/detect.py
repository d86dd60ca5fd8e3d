"""Which profile a file follows, and which roles it gives, read from its schema only (no features).

A source is a file (GeoPackage, Shapefile, GeoJSON …; ``.osm``/``.pbf``/``.osm.gz`` through GDAL's OSM
driver), a folder of such files, or a ``.zip`` of them (read through ``/vsizip/``). Its layers' names,
geometry types and fields are compared with the ``detect`` rule of every shipped profile; the profile
with the highest priority whose rule holds wins (or the profile named explicitly).
"""
from __future__ import annotations

import fnmatch
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyogrio

from ...errors import InputError
from .profile import RolePart, SourceProfile, load_source_profile, shipped_profiles

#: File suffixes read as vector data when a source is a folder or a zip.
VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".fgb", ".sqlite", ".gml", ".kml", ".osm", ".pbf")


@dataclass(frozen=True)
class SourceLayer:
    """One layer of a source: what GDAL opens (``dataset``, ``name``), its geometry type and fields."""

    dataset: str
    name: str
    geometry_type: str
    fields: tuple[str, ...]
    single: bool = False

    @property
    def layer_arg(self) -> str | None:
        """The layer argument for pyogrio (None for single-layer files such as a Shapefile)."""
        return None if self.single else self.name

    def has_fields(self, names: tuple[str, ...]) -> bool:
        """Whether every field of ``names`` is present (case-insensitively)."""
        present = {f.lower() for f in self.fields}
        return all(n.lower() in present for n in names)

    def has_any_field(self, names: tuple[str, ...]) -> bool:
        """Whether one field of ``names`` is present (case-insensitively); True for no names."""
        present = {f.lower() for f in self.fields}
        return not names or any(n.lower() in present for n in names)


@dataclass(frozen=True)
class SourceMatch:
    """A source with its profile and the roles its layers give.

    Attributes
    ----------
    path : str
        The source as given.
    profile : SourceProfile
        The profile detected or named.
    layers : tuple of SourceLayer
        Every layer of the source.
    roles : dict
        Role → names of the layers that give it.
    explicit : bool
        True if the profile was named, not detected.
    part : str or None
        Id of the one part of the profile to apply (``authority_layer:nsg``), or None for all.
    """

    path: str
    profile: SourceProfile
    layers: tuple[SourceLayer, ...]
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    explicit: bool = False
    part: str | None = None

    def describe(self) -> str:
        """``bayreuth.gpkg: OSM (GDAL driver) — 4 layers → landuse, buildings, roads, …``."""
        how = "" if not self.explicit else " (named)"
        n = len(self.layers)
        roles = ", ".join(self.roles) or "no role"
        return f"{Path(self.path).name}: {self.profile.label.en}{how} — {n} layer{'s' * (n != 1)} → {roles}"

    def parts(self) -> tuple[RolePart, ...]:
        """The parts of the profile that apply (one if :attr:`part` is set)."""
        return tuple(p for p in self.profile.parts if self.part is None or p.id == self.part)

    def layers_for(self, part: RolePart) -> tuple[SourceLayer, ...]:
        """The layers of the source a part reads."""
        return tuple(lyr for lyr in self.layers if part_reads(self.profile, part, lyr, self.part is not None))


def gdal_path(path: str | Path) -> str:
    """What GDAL opens for a file: ``/vsigzip/`` for ``.gz``, ``/vsizip/`` for ``.zip``, else the path."""
    text = str(path)
    if text.startswith("/vsi"):
        return text
    if text.lower().endswith(".gz"):
        return f"/vsigzip/{text}"
    if text.lower().endswith(".zip"):
        return f"/vsizip/{text}"
    return text


def _datasets(path: Path) -> list[tuple[str, bool]]:
    """The GDAL datasets of a source and whether each is a single-layer file."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in VECTOR_SUFFIXES)
        return [(gdal_path(p), p.suffix.lower() in (".shp", ".geojson", ".json", ".fgb")) for p in files]
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if Path(n).suffix.lower() in VECTOR_SUFFIXES]
        except zipfile.BadZipFile as exc:
            raise InputError(f"Source {str(path)!r} is not a readable zip file ({exc}).") from exc
        return [(f"/vsizip/{path}/{n}", Path(n).suffix.lower() in (".shp", ".geojson", ".json", ".fgb"))
                for n in sorted(names)]
    return [(gdal_path(path), path.suffix.lower() in (".shp", ".geojson", ".json", ".fgb"))]


def source_layers(path: str | Path) -> tuple[SourceLayer, ...]:
    """The layers of a source with their fields, read from the schema only.

    Raises
    ------
    InputError
        If the source does not exist or GDAL cannot open one of its files.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"Source {str(path)!r} does not exist. Give a file, a folder or a .zip of vector files.")
    out: list[SourceLayer] = []
    for dataset, single in _datasets(path):
        try:
            listed = pyogrio.list_layers(dataset)
        except Exception as exc:  # pyogrio raises DataSourceError and friends
            raise InputError(f"Source {str(path)!r}: GDAL cannot open {dataset!r} ({exc}).") from exc
        for name, geometry_type in listed:
            layer = None if single else str(name)
            try:
                fields = tuple(str(f) for f in pyogrio.read_info(dataset, layer=layer)["fields"])
            except Exception as exc:
                raise InputError(f"Source {str(path)!r}: cannot read layer {name!r} of {dataset!r} ({exc}).") from exc
            label = Path(dataset).stem if single else str(name)
            out.append(SourceLayer(dataset, label, str(geometry_type or ""), fields, single))
    if not out:
        raise InputError(f"Source {str(path)!r} holds no vector layer (looked for {', '.join(VECTOR_SUFFIXES)}).")
    return tuple(out)


def _name_matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in patterns)


def _geometry_family(geometry_type: str) -> str | None:
    text = geometry_type.lower()
    for family, words in (("point", ("point",)), ("line", ("line",)), ("polygon", ("polygon",))):
        if any(w in text for w in words):
            return family
    return None  # Unknown / GeometryCollection: any family may be inside


def part_reads(profile: SourceProfile, part: RolePart, layer: SourceLayer, bound: bool = False) -> bool:
    """Whether a part reads a layer.

    Its name matches (``bound``: any name), its geometry family fits and, without an hstore column, the
    fields the selection tests with a value (or, without a selection, the field of its first mapped
    column) are columns of the layer.
    """
    if not bound and not _name_matches(layer.name, part.layers):
        return False
    family = _geometry_family(layer.geometry_type)
    if part.geometry is not None and family is not None and family != part.geometry:
        return False
    if profile.hstore and layer.has_fields((profile.hstore,)):
        return True
    needed = tuple(c.field for c in part.where if c.op != "none")
    if not needed:  # no selection: the part needs the field its first mapped column reads
        first = part.rules[0] if part.rules else None
        return first is None or first.constant is not None or layer.has_any_field(first.fields)
    return layer.has_fields(needed)


def _detected_layers(profile: SourceProfile, layers: tuple[SourceLayer, ...]) -> list[SourceLayer]:
    rule = profile.detect
    return [lyr for lyr in layers if _name_matches(lyr.name, rule.layers) and lyr.has_fields(rule.fields)
            and lyr.has_any_field(rule.any_fields)]


def _roles(profile: SourceProfile, layers: tuple[SourceLayer, ...], part_id: str | None) -> dict[str, tuple[str, ...]]:
    roles: dict[str, list[str]] = {}
    for part in profile.parts:
        if part_id is not None and part.id != part_id:
            continue
        for lyr in layers:
            if part_reads(profile, part, lyr, part_id is not None) and lyr.name not in roles.get(part.role, []):
                roles.setdefault(part.role, []).append(lyr.name)
    order = profile.roles()
    return {r: tuple(roles[r]) for r in order if r in roles}


def detect_source(path: str | Path, profile: str | Path | SourceProfile | None = None) -> SourceMatch:
    """The profile of a source and the roles its layers give, from the schema only.

    Parameters
    ----------
    path : path
        File, folder or zip.
    profile : str, path or SourceProfile, optional
        The profile to use instead of detecting one: an id (``osm_gdal``), ``id:part`` to apply one
        part only (``authority_layer:nsg``), a profile YAML file, or a loaded profile.

    Raises
    ------
    InputError
        If the source cannot be read, no profile recognises it, or a named part does not exist.
    """
    layers = source_layers(path)
    part_id = None
    if profile is not None:
        if isinstance(profile, str) and ":" in profile and not Path(profile).exists():
            profile, part_id = profile.split(":", 1)
        chosen = profile if isinstance(profile, SourceProfile) else load_source_profile(profile)
        if part_id is not None and part_id not in {p.id for p in chosen.parts}:
            ids = sorted({p.id for p in chosen.parts if p.id})
            raise InputError(f"Source profile {chosen.id!r} has no part {part_id!r}; "
                             f"parts: {', '.join(ids) or 'none'}.")
        return SourceMatch(str(path), chosen, layers, _roles(chosen, layers, part_id), True, part_id)
    candidates = []
    for prof in shipped_profiles():
        found = _detected_layers(prof, layers)
        if len(found) >= prof.detect.min_layers:
            candidates.append((prof.detect.priority, len(found), prof))
    if not candidates:
        names = ", ".join(f"{lyr.name} ({', '.join(lyr.fields[:6])}{', …' if len(lyr.fields) > 6 else ''})"
                          for lyr in layers[:8])
        raise InputError(
            f"Source {str(path)!r}: no source profile recognises its layers: {names}. Name the profile "
            "(--source-profile osm_gdal | osm_quickosm | osm_geofabrik | atkis_basis_dlm | alkis_buildings | "
            "authority_layer[:nsg|lsg|ffh|spa|wsg]) or give the layers by role (--layer ROLE=FILE[:LAYER]).")
    _, _, best = max(candidates, key=lambda c: (c[0], c[1]))
    return SourceMatch(str(path), best, layers, _roles(best, layers, None))
