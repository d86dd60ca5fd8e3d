"""What the guided panel shows of the shipped criteria presets, read from their YAML files (no engine, no QGIS).

The panel lists the presets by their title, picks the wind preset of a municipality's Land and says what the
preset decides that the panel cannot change (the settlement setback, whether forest is excluded): those are
criteria of the preset, and ``wip:municipalprofile`` has no parameter for them. A preset that ``extends``
another inherits its criteria (``remove:`` drops some, a criterion with the same id updates the base's fields), as
the engine's loader merges them; ``tests/qgis/test_panel.py`` checks the two agree on the shipped presets.
The Land of a municipality key comes from ``core.catalogue.lands`` (standard library only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PRESET_DIR = Path(__file__).resolve().parent / "presets"
#: The preset for a Land without one of its own (``core.catalogue.lands.FALLBACK_WIND_PRESET``; a test compares).
FALLBACK_WIND_PRESET = "wind_regionalplanung"
#: German names of the Länder by their code.
LAND_NAMES = {"SH": "Schleswig-Holstein", "HH": "Hamburg", "NI": "Niedersachsen", "HB": "Bremen",
              "NW": "Nordrhein-Westfalen", "HE": "Hessen", "RP": "Rheinland-Pfalz", "BW": "Baden-Württemberg",
              "BY": "Bayern", "SL": "Saarland", "BE": "Berlin", "BB": "Brandenburg", "MV": "Mecklenburg-Vorpommern",
              "SN": "Sachsen", "ST": "Sachsen-Anhalt", "TH": "Thüringen"}


@dataclass(frozen=True)
class CriterionSummary:
    """One exclusion criterion as the panel names it: id, kind (hard, soft, case_by_case), labels by language."""

    id: str
    kind: str
    labels: dict[str, str]
    buffer: str = ""

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or self.id


@dataclass(frozen=True)
class PresetSummary:
    """A preset's id, technology, Land, titles by language, settlement-setback and forest criteria, PV categories."""

    id: str
    technology: str
    land: str | None
    titles: dict[str, str]
    settlement: tuple[CriterionSummary, ...] = ()
    forest: CriterionSummary | None = None
    categories: dict[str, dict[str, str]] = field(default_factory=dict)

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles.get("en") or self.id

    @property
    def forest_excluded(self) -> bool | None:
        """True where forest is a hard or soft exclusion, False where only case by case, None without a criterion."""
        if self.forest is None:
            return None
        return self.forest.kind in ("hard", "soft")


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {"en": str(value)} if value else {}


def _read(path: Path) -> dict[str, Any]:
    import yaml  # PyYAML ships with QGIS (Debian: python3-yaml; OSGeo4W; the macOS bundle)

    with open(path, encoding="utf-8-sig") as fh:
        data = yaml.safe_load(fh)
    return data if isinstance(data, dict) else {}


def _merged(preset_id: str, folder: Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The preset's data with the criteria and categories of the presets it extends merged in."""
    data = _read(folder / f"{preset_id}.yaml")
    base_id = data.get("extends")
    if not base_id or base_id in seen or not (folder / f"{base_id}.yaml").is_file():
        return data
    base = _merged(str(base_id), folder, (*seen, preset_id))
    removed = set(data.get("remove") or ())
    criteria = [dict(c) for c in base.get("criteria") or [] if isinstance(c, dict) and c.get("id") not in removed]
    index = {c.get("id"): i for i, c in enumerate(criteria)}
    for c in data.get("criteria") or []:
        if not isinstance(c, dict):
            continue
        if c.get("id") in index:  # the same id: its fields update the base's criterion in place
            criteria[index[c.get("id")]].update(c)
        else:
            index[c.get("id")] = len(criteria)
            criteria.append(dict(c))
    categories = dict(base.get("categories") or {})
    categories.update(data.get("categories") or {})
    merged = {**base, **data, "criteria": criteria, "categories": categories}
    for key in ("technology", "land"):
        if key not in data and key in base:
            merged[key] = base[key]
    return merged


def _is_forest(criterion: dict[str, Any]) -> bool:
    values = ((criterion.get("filter") or {}).get("landuse") or []) if isinstance(criterion.get("filter"), dict) else []
    return criterion.get("id") == "forest" or criterion.get("layer") == "forest" or values == ["forest"]


def summary(preset_id: str, folder: Path = PRESET_DIR) -> PresetSummary:
    """The :class:`PresetSummary` of ``presets/<preset_id>.yaml``."""
    data = _merged(preset_id, folder)
    criteria = [c for c in data.get("criteria") or [] if isinstance(c, dict)]

    def crit(c: dict[str, Any]) -> CriterionSummary:
        return CriterionSummary(str(c.get("id")), str(c.get("kind", "")), _labels(c.get("label")),
                                str(c.get("buffer", "")))

    settlement = tuple(crit(c) for c in criteria if "settlement_setback" in (c.get("tags") or []))
    forest = next((crit(c) for c in criteria if _is_forest(c)), None)
    categories = {str(k): _labels((v or {}).get("label")) for k, v in (data.get("categories") or {}).items()
                  if isinstance(v, dict)}
    land = data.get("land")
    return PresetSummary(preset_id, str(data.get("technology", "")), str(land) if land else None,
                         _labels(data.get("title")) or {"en": preset_id}, settlement, forest, categories)


@cache
def summaries(folder: Path = PRESET_DIR) -> dict[str, PresetSummary]:
    """Every shipped preset by id (read once per session; sorted by id)."""
    return {p.stem: summary(p.stem, folder) for p in sorted(folder.glob("*.yaml"))}


def presets_of(technology: str, folder: Path = PRESET_DIR) -> list[PresetSummary]:
    """The presets of ``technology`` (``wind``, ``pv_ground``), sorted by id."""
    return [p for p in summaries(folder).values() if p.technology == technology]


def wind_preset_for_land(land: str | None, folder: Path = PRESET_DIR) -> str:
    """The wind preset holding the rules of ``land`` (the first by id), else the regional-planning practice."""
    ids = sorted(p.id for p in presets_of("wind", folder) if land and p.land == land)
    return ids[0] if ids else FALLBACK_WIND_PRESET


def land_of_key(key: object) -> str | None:
    """The Land of a municipality key (AGS/ARS), as the engine reads it (``core.catalogue.lands``)."""
    from .core.catalogue.lands import land_of_key as engine_land_of_key  # standard library only

    return engine_land_of_key(key)
