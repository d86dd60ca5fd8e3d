"""Reading the reasons raster back: a pixel's value and the ``*_bits.json`` sidecar → the reasons.

The eligibility run (:mod:`.engine`, sidecar written by :mod:`.report`) stores one bit per assessed
exclusion criterion, plus one bit for "outside every permitted zone" when the catalogue has permitted
zones (``kind: permitted``); the largest value of the raster's integer type is nodata: outside the
area of interest. This module only decodes: :func:`decode_reasons` turns a value into the criteria
that exclude the pixel, :func:`legend_classes` groups the values of a raster into the classes of a
legend a planner can read. Both are pure; the reason inspector and the reasons style of the QGIS
plugin call them, so they import nothing but the standard library (the plugin may run without the
engine's packages).
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

#: ``kind`` of the bit set where a pixel lies outside every permitted zone.
PERMITTED_KIND = "permitted"

Status = Literal["eligible", "excluded", "outside"]


@dataclass(frozen=True)
class ReasonBit:
    """One bit of the reasons raster, as the sidecar describes it. Setback ``buffer_m`` in [m]."""

    bit: int
    id: str
    kind: str
    label_de: str
    label_en: str
    buffer: str = ""
    buffer_m: float = 0.0
    source: str = ""
    valid_from: str = ""
    layer: str = ""

    @property
    def value(self) -> int:
        """The raster value of a pixel excluded by this criterion alone."""
        return 1 << self.bit

    def label(self, language: str) -> str:
        """The label in ``language`` (``de``; any other language gets the English label)."""
        return self.label_de if language == "de" else (self.label_en or self.label_de)

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> ReasonBit:
        """An entry of the sidecar's ``bits`` list."""
        try:
            bit = int(entry["bit"])
            ident = str(entry["id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"bit table entry {dict(entry)!r} lacks a valid 'bit' or 'id'; "
                             "give the *_bits.json written by the same eligibility run") from exc
        return cls(bit=bit, id=ident, kind=str(entry.get("kind", "")),
                   label_de=str(entry.get("label_de") or ident), label_en=str(entry.get("label_en") or ident),
                   buffer=str(entry.get("buffer", "")), buffer_m=float(entry.get("buffer_m") or 0.0),
                   source=str(entry.get("source", "")), valid_from=str(entry.get("valid_from", "")),
                   layer=str(entry.get("layer", "")))


@dataclass(frozen=True)
class PixelReasons:
    """What excludes one pixel: ``eligible`` (no reason), ``excluded`` (the reasons, in bit order) or
    ``outside`` (not in the area of interest)."""

    status: Status
    value: int | None
    reasons: tuple[ReasonBit, ...] = ()


def sidecar_path(reasons: str | Path) -> Path:
    """``wind_reasons.tif`` → ``wind_reasons_bits.json`` (beside the raster)."""
    p = Path(reasons)
    return p.with_name(p.stem + "_bits.json")


def parse_bit_table(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> tuple[ReasonBit, ...]:
    """The bits of a sidecar's content (the whole document or its ``bits`` list), sorted by bit."""
    entries = data.get("bits") if isinstance(data, Mapping) else data
    if not isinstance(entries, Sequence):
        raise ValueError("the bit table has no 'bits' list; give the *_bits.json of an eligibility run")
    bits = sorted((ReasonBit.from_json(e) for e in entries), key=lambda b: b.bit)
    seen = [b.bit for b in bits]
    if len(set(seen)) != len(seen):
        raise ValueError(f"the bit table names a bit twice ({seen}); the file is damaged, rerun the eligibility")
    return tuple(bits)


def read_bit_table(reasons: str | Path) -> tuple[ReasonBit, ...]:
    """The bits described by the sidecar beside a reasons raster.

    Raises ``FileNotFoundError`` when there is no sidecar and ``ValueError`` when it is not a bit table.
    """
    path = sidecar_path(reasons)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name} is not valid JSON ({exc}); rerun the eligibility to write it again") from exc
    return parse_bit_table(data)


def decode_reasons(value: float | int | None, bits: Sequence[ReasonBit], nodata: float | None = None) -> PixelReasons:
    """The criteria that exclude a pixel of value ``value``.

    ``None``, NaN and ``nodata`` (the raster's nodata value: the largest value of its type) mean the
    pixel lies outside the area of interest. A set bit the table does not describe is an error: the
    raster and the sidecar come from different runs.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or (nodata is not None and value == nodata):
        return PixelReasons("outside", None)
    if value < 0 or value != int(value):
        raise ValueError(f"{value!r} is not a value of a reasons raster (non-negative integers only)")
    v = int(value)
    if v == 0:
        return PixelReasons("eligible", 0)
    by_bit = {b.bit: b for b in bits}
    found, unknown, k = [], [], 0
    while v >> k:
        if (v >> k) & 1:
            (found.append(by_bit[k]) if k in by_bit else unknown.append(k))
        k += 1
    if unknown:
        if nodata is None and v == (1 << k) - 1 and k in (8, 16, 32):
            return PixelReasons("outside", None)  # all bits of the type set: the nodata value
        raise ValueError(f"value {v} sets bit(s) {unknown} that the bit table does not describe: the raster and "
                         "its *_bits.json come from different runs; keep the files of one run together")
    return PixelReasons("excluded", int(value), tuple(found))


@dataclass(frozen=True)
class LegendClass:
    """One class of the reasons legend: raster values ``(lower, upper]`` (integers), what they mean.

    ``kind`` is ``eligible`` (value 0), ``single`` (excluded by ``bit`` alone) or ``several`` (excluded
    by ``bit`` and at least one criterion of a lower bit).
    """

    lower: int
    upper: int
    kind: Literal["eligible", "single", "several"]
    bit: ReasonBit | None = None


def legend_classes(bits: Sequence[ReasonBit], present: Iterable[int] | None = None) -> list[LegendClass]:
    """The classes of a legend of the reasons raster, in increasing value.

    A pixel excluded by one criterion only has the value ``2**k``; the values strictly between ``2**k`` and
    ``2**(k+1)`` are the pixels excluded by criterion ``k`` together with criteria of lower bits (earlier in
    the catalogue). Each class is an interval of values, so a discrete colour ramp draws it with one legend
    entry. With ``present`` (the values the raster holds; nodata left out) a class with no pixel is left
    out; the eligible class is always kept.
    """
    values = None if present is None else {int(v) for v in present}
    out = [LegendClass(-1, 0, "eligible")]
    for b in sorted(bits, key=lambda x: x.bit):
        single = 1 << b.bit
        if values is None or single in values:
            out.append(LegendClass(single - 1, single, "single", b))
        upper = (1 << (b.bit + 1)) - 1
        if b.bit > 0 and (values is None or any(single < v <= upper for v in values)):
            out.append(LegendClass(single, upper, "several", b))
    return out
