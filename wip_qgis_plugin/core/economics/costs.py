"""The cost table (``presets/economics.yml``, schema ``wip-economics/1``): every value with its unit and source.

:func:`load_cost_table` reads the shipped table or a user file and reports every problem at once, each with its
place. Values are converted to the canonical units of :mod:`..units` (EUR/kW, EUR/kW/a, EUR/MWh, a, fraction).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..spec import PRESET_DIR, Label, Problems, read_label, read_quantity, read_yaml

KIND = "Cost table"
SCHEMA = "wip-economics/1"
DEFAULT = "economics"
_TECH_KEYS = {"label", "capex", "opex", "lease", "lease_per_ha", "sizes"}
_SIZE_KEYS = {"below", "capex", "opex", "note"}
_TOP_KEYS = {"schema", "id", "version", "price_year", "title", "sources", "assumptions", "discount_rate", "lifetime",
             "market_price", "technologies", "municipal"}
_MUNICIPAL = {"eeg_payment": "EUR/MWh", "eeg_wind_radius": "length", "trade_tax_rate": "fraction",
              "trade_tax_site_share": "fraction", "trade_tax_allowance": "EUR", "hebesatz": "fraction"}


@dataclass(frozen=True)
class Technology:
    """Cost rates of one technology.

    Attributes
    ----------
    id : str
        ``wind``, ``pv_ground`` …
    label : Label
        Its name.
    capex_eur_per_kw, capex_low_eur_per_kw, capex_high_eur_per_kw : float
        Investment per installed power and its range (low = high = value where no range is given). [EUR/kW]
    opex_eur_per_kw_a : float
        Operating cost per installed power and year. [EUR/kW/a]
    lease_eur_per_kw_a : float
        Land lease per installed power and year (wind). [EUR/kW/a]
    lease_eur_per_ha_a : float
        Land lease per hectare and year (ground-mounted PV). [EUR/ha/a]
    sizes : tuple of SizeBand
        Rates of smaller plants, by ascending upper bound; a plant at or above the last bound has the rates above.
    """

    id: str
    label: Label
    capex_eur_per_kw: float
    capex_low_eur_per_kw: float
    capex_high_eur_per_kw: float
    opex_eur_per_kw_a: float
    lease_eur_per_kw_a: float = 0.0
    lease_eur_per_ha_a: float = 0.0
    sizes: tuple[SizeBand, ...] = ()

    def capex_for(self, capacity_kw: Any, bound: str = "value") -> np.ndarray:
        """Investment per kW of plants of ``capacity_kw`` (the rate of their size band). [EUR/kW]

        ``bound``: ``value``, ``low`` or ``high`` of the range.
        """
        index = {"value": 0, "low": 1, "high": 2}
        if bound not in index:
            raise ValueError(f"bound {bound!r} is not one of value, low, high")
        kw = np.asarray(capacity_kw, dtype=float)
        out = np.full(kw.shape, (self.capex_eur_per_kw, self.capex_low_eur_per_kw,
                                 self.capex_high_eur_per_kw)[index[bound]])
        for band in reversed(self.sizes):  # the smallest band last, so it wins where bands nest
            out = np.where(kw < band.below_kw, band.capex[index[bound]], out)
        return out

    def opex_for(self, capacity_kw: Any) -> np.ndarray:
        """Operating cost per kW and year of plants of ``capacity_kw``. [EUR/kW/a]"""
        kw = np.asarray(capacity_kw, dtype=float)
        out = np.full(kw.shape, self.opex_eur_per_kw_a)
        for band in reversed(self.sizes):
            if band.opex_eur_per_kw_a is not None:
                out = np.where(kw < band.below_kw, band.opex_eur_per_kw_a, out)
        return out


@dataclass(frozen=True)
class SizeBand:
    """Rates of plants below a size (e.g. rooftop PV below 30 kWp).

    Attributes
    ----------
    below_kw : float
        Plants of less than this capacity. [kW]
    capex : tuple of float
        Investment (value, low, high). [EUR/kW]
    opex_eur_per_kw_a : float or None
        Operating cost (None: the technology's). [EUR/kW/a]
    """

    below_kw: float
    capex: tuple[float, float, float]
    opex_eur_per_kw_a: float | None = None


@dataclass(frozen=True)
class CostTable:
    """The whole table: rates per technology, financing, market price and the municipal rates.

    Attributes
    ----------
    discount_rate : float
        Real discount rate. [1/a]
    lifetime_a : float
        Economic lifetime. [a]
    market_price_eur_per_mwh : float
        Average market revenue. [EUR/MWh]
    eeg_payment_eur_per_mwh : float
        § 6 EEG payment (0.2 ct/kWh = 2 EUR/MWh). [EUR/MWh]
    eeg_wind_radius_m : float
        Radius around a wind turbine within which municipalities share the payment. [m]
    trade_tax_rate, trade_tax_site_share, hebesatz : float
        Steuermesszahl, the share of the site municipalities, default multiplier (4.0 = 400 %). [-]
    trade_tax_allowance_eur : float
        Allowance of partnerships. [EUR]
    sources : dict of str to Label
        Every source and assumption text by key (the same text in both languages where the file has one string).
    """

    id: str
    price_year: int
    technologies: dict[str, Technology]
    discount_rate: float
    lifetime_a: float
    market_price_eur_per_mwh: float
    eeg_payment_eur_per_mwh: float
    eeg_wind_radius_m: float
    trade_tax_rate: float
    trade_tax_site_share: float
    trade_tax_allowance_eur: float
    hebesatz: float
    sources: dict[str, Label]
    origin: str = ""

    def technology(self, tech_id: str) -> Technology:
        """The rates of ``tech_id`` (KeyError naming the known ones)."""
        if tech_id not in self.technologies:
            raise KeyError(f"No technology {tech_id!r} in the cost table {self.id!r}; known: "
                           f"{', '.join(self.technologies)}")
        return self.technologies[tech_id]


def read_text(value: Any, where: str, problems: Problems | list[str]) -> Label:
    """A quoted text of a preset (a source, an assumption, a note): a plain string, shown as written in every
    language (users' own files), or ``{de: …, en: …}``, shown in the reader's language; a problem otherwise."""
    if isinstance(value, Mapping):
        extra = sorted(str(k) for k in value if k not in ("de", "en"))
        if extra:
            problems.append(f"{where}: {', '.join(extra)}: unknown language; write {{de: '…', en: '…'}}")
        return read_label(value, where, problems)
    if value is None or isinstance(value, (list, tuple)):
        problems.append(f"{where}: write a text, or one per language {{de: '…', en: '…'}}")
        return Label("", "")
    return Label(str(value), str(value))


def read_texts(raw: Mapping[str, Any], blocks: tuple[str, ...], problems: Problems | list[str]) -> dict[str, Label]:
    """The texts of the ``blocks`` of ``raw`` (``sources``, ``assumptions``) by key, each read with
    :func:`read_text`; a block that is not a mapping is a problem."""
    texts: dict[str, Label] = {}
    for block in blocks:
        entries = raw.get(block) or {}
        if not isinstance(entries, Mapping):
            problems.append(f"{block}: must be a mapping of key: text")
            continue
        texts.update({str(k): read_text(v, f"{block}.{k}", problems) for k, v in entries.items()})
    return texts


def _value(raw: Any, kind: str, where: str, cited: Mapping[str, Label], problems: Problems,
           required: bool = True) -> tuple[float, float, float] | None:
    """``{value, low?, high?, source}`` → (value, low, high) in the canonical unit of ``kind``."""
    if raw is None:
        if required:
            problems.add(f"{where}: required ({{value: …, source: …}})")
        return None
    if not isinstance(raw, Mapping) or "value" not in raw:
        problems.add(f"{where}: write {{value: …, source: …}}")
        return None
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.add(f"{where}.source: required (a key of 'sources' or 'assumptions')")
    elif source not in cited:
        problems.add(f"{where}.source: {source!r} is not a key of 'sources' or 'assumptions'")
    value = read_quantity(raw["value"], kind, f"{where}.value", problems)
    low = read_quantity(raw["low"], kind, f"{where}.low", problems) if "low" in raw else value
    high = read_quantity(raw["high"], kind, f"{where}.high", problems) if "high" in raw else value
    if value is None or low is None or high is None:
        return None
    if value < 0 or not low <= value <= high:
        problems.add(f"{where}: the value must not be negative and lie between low and high")
    return value, low, high


def _sizes(raw: Any, where: str, cited: Mapping[str, Label], problems: Problems) -> tuple[SizeBand, ...]:
    """``sizes: [{below: 30 kW, capex: {value, low, high, source}, opex: {…}}]`` → size bands, ascending."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(f"{where}.sizes: a list of {{below: 30 kW, capex: {{value: …, source: …}}}}")
        return ()
    bands = []
    for k, item in enumerate(raw):
        here = f"{where}.sizes[{k}]"
        if not isinstance(item, Mapping):
            problems.add(f"{here}: must be a mapping (below, capex, opex)")
            continue
        problems.unknown_keys(item, _SIZE_KEYS, f"{here}.")
        below = read_quantity(item.get("below"), "kW", f"{here}.below", problems) if "below" in item else None
        if below is None or below <= 0:
            problems.add(f"{here}.below: the size the band ends at, a positive power (e.g. 30 kW)")
            continue
        capex = _value(item.get("capex"), "EUR/kW", f"{here}.capex", cited, problems)
        opex = _value(item.get("opex"), "EUR/kW/a", f"{here}.opex", cited, problems, required=False)
        if capex:
            bands.append(SizeBand(float(below), capex, opex[0] if opex else None))
    ordered = sorted(bands, key=lambda b: b.below_kw)
    if len({b.below_kw for b in ordered}) != len(ordered):
        problems.add(f"{where}.sizes: two bands end at the same size")
    return tuple(ordered)


def load_cost_table(ref: str | Path | None = None) -> CostTable:
    """Read and check a cost table (preset id or YAML path), every problem at once.

    Raises
    ------
    SpecError
        Listing each problem with its place in the file.
    """
    name = str(ref or DEFAULT)
    path = Path(name) if name.endswith((".yml", ".yaml")) else PRESET_DIR / f"{name}.yml"
    raw = read_yaml(path, str(path), KIND)
    problems = Problems(KIND, str(path))
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        problems.add(f"schema: must be {SCHEMA!r}")
        problems.raise_if_any()
    problems.unknown_keys(raw, _TOP_KEYS, "")
    cited = read_texts(raw, ("sources", "assumptions"), problems)
    top = {key: _value(raw.get(key), kind, key, cited, problems)
           for key, kind in (("discount_rate", "fraction"), ("lifetime", "years"), ("market_price", "EUR/MWh"))}
    techs: dict[str, Technology] = {}
    for tid, t in (raw.get("technologies") or {}).items():
        where = f"technologies.{tid}"
        if not isinstance(t, Mapping):
            problems.add(f"{where}: must be a mapping (label, capex, opex …)")
            continue
        problems.unknown_keys(t, _TECH_KEYS, f"{where}.")
        label = read_label(t.get("label"), f"{where}.label", problems)
        capex = _value(t.get("capex"), "EUR/kW", f"{where}.capex", cited, problems)
        opex = _value(t.get("opex"), "EUR/kW/a", f"{where}.opex", cited, problems)
        lease = _value(t.get("lease"), "EUR/kW/a", f"{where}.lease", cited, problems, required=False)
        per_ha = _value(t.get("lease_per_ha"), "EUR/ha/a", f"{where}.lease_per_ha", cited, problems, required=False)
        sizes = _sizes(t.get("sizes"), where, cited, problems)
        if capex and opex:
            techs[str(tid)] = Technology(str(tid), label, *capex, opex[0], lease[0] if lease else 0.0,
                                         per_ha[0] if per_ha else 0.0, sizes)
    if not techs:
        problems.add("technologies: at least one technology with capex and opex is required")
    municipal_raw = raw.get("municipal") or {}
    municipal = {key: _value(municipal_raw.get(key), kind, f"municipal.{key}", cited, problems)
                 for key, kind in _MUNICIPAL.items()}
    problems.raise_if_any()
    m = {k: v[0] for k, v in municipal.items() if v}
    return CostTable(str(raw.get("id", path.stem)), int(raw.get("price_year", 0)), techs, top["discount_rate"][0],
                     top["lifetime"][0], top["market_price"][0], m["eeg_payment"], m["eeg_wind_radius"],
                     m["trade_tax_rate"], m["trade_tax_site_share"], m["trade_tax_allowance"], m["hebesatz"],
                     cited, str(path))
