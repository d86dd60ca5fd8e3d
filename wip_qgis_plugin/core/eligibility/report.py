"""What an eligibility run records: the reason bit table, its sidecar, provenance tags and the CSV tables.

* ``*_bits.json`` (next to the reasons raster): ``bits`` (one per assessed exclusion criterion,
  plus ``outside_permitted_zones``), ``criteria`` (every active criterion with its ``status``:
  ``assessed`` or ``not_assessed``, the reason and the layers it read), ``not_assessed``,
  ``dwellings`` (the counts of the dwelling rule per criterion) and ``provenance``.
* the table per municipality (``*_table.csv``): total, eligible, and per assessed criterion the
  area it excludes and the area no other criterion excludes;
* the table per criterion (``*_table_criteria.csv``, :func:`criteria_table_path`): every active
  criterion with its status, the layers (or raster) it read, the features (selected raster cells)
  within reach, its areas and, for a raster criterion, the share of the area of interest where the
  raster has no value (``nodata_pct``).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__ as wip_version
from ..catalogue.dwellings import DwellingCounts
from ..catalogue.loader import Catalogue
from ..catalogue.model import Criterion
from ..data.layers import LayerRef
from ..data.outputs import write_csv
from .inputs import NotAssessed

#: Id of the bit set where a pixel lies outside every permitted zone.
OUTSIDE_PERMITTED = "outside_permitted_zones"


@dataclass(frozen=True)
class CriterionStats:
    """Area a criterion excludes in one municipality. [ha]"""

    excluded_ha: float
    only_this_ha: float


@dataclass(frozen=True)
class MunicipalityStats:
    """Eligibility figures of one area of interest. Areas in [ha], shares in [%]."""

    name: str
    ags: str
    total_ha: float
    eligible_ha: float
    criteria: dict[str, CriterionStats]
    categories: dict[str, float] = field(default_factory=dict)  # eligible land within each category's zones [ha]

    @property
    def eligible_pct(self) -> float:
        """Eligible share of the area. [%]"""
        return 100.0 * self.eligible_ha / self.total_ha if self.total_ha else 0.0


def bit_table(criteria: Sequence[Criterion], bit_of: Sequence[int], buffers_m: Sequence[float],
              permitted_idx: Sequence[int], n_bits: int, catalogue: Catalogue) -> list[dict[str, Any]]:
    """One entry per bit of the reasons raster (assessed criteria only; buffers [m])."""
    bits = []
    for ci, c in enumerate(criteria):
        if bit_of[ci] >= 0:
            bits.append({
                "bit": bit_of[ci], "value": 1 << bit_of[ci], "id": c.id, "kind": c.kind,
                "layer": c.layer, "raster": c.raster, "filter": c.selects(), "buffer": str(c.buffer),
                "buffer_m": round(buffers_m[ci], 3), "label_de": c.label.de, "label_en": c.label.en,
                "source": catalogue.source_text(c.source), "valid_from": c.valid_from.isoformat(),
                **({"except_within": [{"id": z.id, "label_de": z.label.de, "label_en": z.label.en,
                                       "buffer": str(z.buffer), "source": catalogue.source_text(z.source),
                                       "valid_from": z.valid_from.isoformat()} for z in c.except_within]}
                   if c.except_within else {}),
            })
    if permitted_idx:
        zones = ", ".join(criteria[i].id for i in permitted_idx)
        bits.append({
            "bit": n_bits, "value": 1 << n_bits, "id": OUTSIDE_PERMITTED, "kind": "permitted",
            "layer": "", "raster": "", "filter": "", "buffer": "", "buffer_m": 0.0,
            "label_de": f"außerhalb der zulässigen Zonen ({zones})",
            "label_en": f"outside the permitted zones ({zones})",
            "source": "; ".join(catalogue.source_text(criteria[i].source) for i in permitted_idx),
            "valid_from": "",
        })
    return bits


def json_bits(bits: list[dict[str, Any]]) -> str:
    """The compact bit table stored in the reasons GeoTIFF's metadata."""
    return json.dumps([{k: b[k] for k in ("bit", "id", "kind", "buffer_m")} for b in bits])


def bits_sidecar(reasons: Path) -> Path:
    """``reasons.tif`` → ``reasons_bits.json``."""
    return Path(reasons).with_name(Path(reasons).stem + "_bits.json")


def criteria_table_path(table: Path) -> Path:
    """``wind_table.csv`` → ``wind_table_criteria.csv`` (the table per criterion)."""
    return Path(table).with_name(Path(table).stem + "_criteria.csv")


def provenance_tags(catalogue: Catalogue, settings: Any, layers: Mapping[str, LayerRef], aoi: Any,
                    not_assessed: Sequence[NotAssessed] = ()) -> dict[str, str]:
    """Metadata every output carries: version, catalogue, resolution, kinds, date, AOI, layers."""
    tags = {
        "WIP_VERSION": wip_version,
        "WIP_CATALOGUE": f"{catalogue.id} {catalogue.version} ({catalogue.origin})",
        "WIP_RESOLUTION_M": f"{settings.resolution_m:g}",
        "WIP_KINDS": ",".join(settings.kinds),
        "WIP_ON_DATE": (settings.on_date or dt.date.today()).isoformat(),
        "WIP_AOI": f"{aoi.layer.describe()} {aoi.name_field} in {list(aoi.names) or 'all'}",
        "WIP_CREATED": dt.datetime.now().isoformat(timespec="seconds"),
    }
    for role, ref in layers.items():
        tags[f"WIP_LAYER_{role.upper()}"] = ref.describe()
    for role, ref in (getattr(settings, "rasters", None) or {}).items():
        tags[f"WIP_RASTER_{role.upper()}"] = ref.describe()
    for k, b in enumerate(settings.layer_bindings):
        tags[f"WIP_BINDING_{k + 1}"] = f"{b.criterion or b.role}: {b.describe()}"
    if not_assessed:
        tags["WIP_NOT_ASSESSED"] = ",".join(a.criterion for a in not_assessed)
    return tags


def criteria_status(criteria: Sequence[Criterion], inputs: Mapping[str, str], not_assessed: Sequence[NotAssessed],
                    features: Mapping[str, int], dwellings: Mapping[str, DwellingCounts],
                    nodata_pct: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """Every active criterion with its status (``assessed`` / ``not_assessed``), reason and inputs.

    ``features`` counts the features within reach (for a raster criterion: the selected cells);
    ``nodata_pct`` gives the share of the area of interest where a raster criterion's raster has no value [%].
    """
    absent = {a.criterion: a for a in not_assessed}
    rows = []
    for c in criteria:
        a = absent.get(c.id)
        row: dict[str, Any] = {
            "id": c.id, "kind": c.kind, "role": c.role, "status": "not_assessed" if a else "assessed",
            "reason": f"{a.reason}; {a.hint()}" if a else "", "input": inputs.get(c.id, ""),
            "features": None if a else int(features.get(c.id, 0)),
        }
        if c.raster:
            row["raster"] = c.raster
            row["nodata_pct"] = None if a else (nodata_pct or {}).get(c.id)
        if c.id in dwellings:
            d = dwellings[c.id]
            row["dwellings"] = {"explicit": d.explicit, "unknown": d.unknown, "not_dwelling": d.not_dwelling,
                                "treated_as_dwelling": d.treated_as_dwelling, "excluded": d.excluded}
        rows.append(row)
    return rows


def sidecar_data(bits: list[dict[str, Any]], status: list[dict[str, Any]], tags: Mapping[str, str]) -> dict[str, Any]:
    """The content of ``*_bits.json``."""
    return {
        "bits": bits, "criteria": status,
        "not_assessed": [{k: s[k] for k in ("id", "role", "reason")} for s in status if s["status"] == "not_assessed"],
        "dwellings": {s["id"]: s["dwellings"] for s in status if "dwellings" in s},
        "provenance": dict(tags),
    }


def write_table(path: Path, stats: list[MunicipalityStats], bits: list[dict[str, Any]]) -> None:
    """The table per municipality (with a TOTAL row). Areas [ha], shares [%]."""
    header = ["name", "ags", "total_ha", "eligible_ha", "eligible_pct"]
    categories = list(stats[0].categories) if stats else []
    header += [f"eligible_{c}_ha" for c in categories]  # overlapping categories each count their land
    for b in bits:
        header += [f"excl_{b['id']}_ha", f"only_{b['id']}_ha"]
    rows = []
    for m in stats + [total_row(stats, bits)]:
        row: list[Any] = [m.name, m.ags, m.total_ha, m.eligible_ha, m.eligible_pct]
        row += [m.categories.get(c, 0.0) for c in categories]
        for b in bits:
            c = m.criteria[b["id"]]
            row += [c.excluded_ha, c.only_this_ha]
        rows.append(row)
    write_csv(path, header, rows)


def write_criteria_table(path: Path, status: list[dict[str, Any]], total: MunicipalityStats,
                         buffers_m: Mapping[str, float]) -> None:
    """The table per criterion: status, reason, input, setback [m], features within reach, areas [ha]."""
    header = ["criterion", "kind", "role", "status", "reason", "input", "buffer_m", "features",
              "excluded_ha", "only_this_ha", "dwellings_explicit", "dwellings_unknown", "not_dwellings", "nodata_pct"]
    rows = []
    for s in status:
        st = total.criteria.get(s["id"])
        d = s.get("dwellings") or {}
        rows.append([s["id"], s["kind"], s["role"], s["status"], s["reason"], s["input"],
                     buffers_m.get(s["id"], ""), "" if s["features"] is None else s["features"],
                     "" if st is None else st.excluded_ha, "" if st is None else st.only_this_ha,
                     d.get("explicit", ""), d.get("unknown", ""), d.get("not_dwelling", ""),
                     "" if s.get("nodata_pct") is None else s["nodata_pct"]])
    write_csv(path, header, rows)


def total_row(stats: list[MunicipalityStats], bits: list[dict[str, Any]]) -> MunicipalityStats:
    """The sum over the municipalities, named TOTAL."""
    return MunicipalityStats(
        "TOTAL", "", sum(m.total_ha for m in stats), sum(m.eligible_ha for m in stats),
        {b["id"]: CriterionStats(sum(m.criteria[b["id"]].excluded_ha for m in stats),
                                 sum(m.criteria[b["id"]].only_this_ha for m in stats)) for b in bits},
        {c: sum(m.categories.get(c, 0.0) for m in stats) for c in (stats[0].categories if stats else {})},
    )


def reason_counts(labels: np.ndarray, reasons: np.ndarray, n_labels: int,
                  n_bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixels per label: in all, eligible, excluded by each bit, and excluded by that bit alone.

    Parameters
    ----------
    labels : numpy.ndarray
        Area label (0 … ``n_labels`` - 1) of each pixel.
    reasons : numpy.ndarray
        Reason bits of each pixel (unsigned integers, ``n_bits`` bits used).
    n_labels : int
        Number of labels.
    n_bits : int
        Number of reason bits.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray)
        ``total`` and ``eligible`` of shape ``(n_labels,)``, ``excluded`` and ``only`` of shape
        ``(n_bits, n_labels)``; counts of pixels as floats.
    """
    codes = 1 << n_bits
    excluded = np.zeros((n_bits, n_labels))
    only = np.zeros((n_bits, n_labels))
    if n_labels * codes <= 1 << 22:  # one histogram of (label, reason code), then sums over the codes
        first = int(labels[0]) if labels.size else 0
        if labels.size and (labels == first).all():  # one area (a tile inside one municipality)
            hist = np.zeros((n_labels, codes))
            hist[first] = np.bincount(reasons, minlength=codes)
        else:
            hist = np.bincount(labels.astype(np.int64) * codes + reasons, minlength=n_labels * codes)
            hist = hist.reshape(n_labels, codes).astype(float)
        code = np.arange(codes)
        for k in range(n_bits):
            excluded[k] = hist[:, (code >> k) & 1 == 1].sum(axis=1)
            only[k] = hist[:, 1 << k]
        return hist.sum(axis=1), hist[:, 0].copy(), excluded, only
    labels = labels.astype(np.int64)
    total = np.bincount(labels, minlength=n_labels).astype(float)
    eligible = np.bincount(labels[reasons == 0], minlength=n_labels).astype(float)
    for k in range(n_bits):
        bit = np.array(1 << k, dtype=reasons.dtype)
        excluded[k] = np.bincount(labels[(reasons & bit) != 0], minlength=n_labels)
        only[k] = np.bincount(labels[reasons == bit], minlength=n_labels)
    return total, eligible, excluded, only
