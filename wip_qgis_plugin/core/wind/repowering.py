"""Repowering: which existing turbines are old enough to be replaced, and what a new layout puts in their place.

:func:`run_repowering` reads the existing turbines (role ``wind_turbines``: commissioning year, hub height,
rotor, capacity as OSM, the UFZ/MaStR-like tables or this project write them) and a new layout (the
turbines of :func:`.layout.run_turbine_layout`, or those left by the immission check). An existing turbine
is a candidate when it has reached ``min_age_years`` (20 by default: the end of the EEG payment period) in
``reference_year``. A new turbine is a repowering turbine when it stands within ``zone_h`` times its own
total height of a candidate (§ 16b (2) BImSchG: the simplified procedure for a modernisation applies to
a new turbine within five times its total height of the old one, as amended in 2024; before: twice),
and is then counted as replacing those candidates. The balance per municipality: old turbines, MW and
MWh/a removed (the old energy as capacity × ``old_full_load_hours``, by default the measured ABW fleet
figure of DOMAIN.md), new turbines, MW and MWh/a put in their place.

Turbines without a commissioning year are counted and left out (not guessed); zero candidates is a result.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, write_csv, write_vector
from ..defaults import DEFAULT_CRS
from ..errors import InputError
from ..progress import NullProgress, Progress
from .immission import HUB_FIELDS, ROTOR_FIELDS, metres

#: Fields with the commissioning year (or a date starting with it), first found wins.
YEAR_FIELDS = ("commissioning_year", "start_date", "Year", "Inbetriebnahme", "inbetriebnahme")
#: Fields with the rated power: MW, kW or OSM text (``"3.05 MW"``).
POWER_FIELDS = (("capacity_mw", 1.0), ("Power_kW", 0.001), ("generator:output:electricity", None))
TABLE_FIELDS = ("municipality", "old_replaced", "old_mw", "old_mwh_per_a", "new_turbines", "new_mw",
                "new_mwh_per_a", "net_mw", "net_mwh_per_a")


@dataclass(frozen=True)
class RepoweringSettings:
    """Which turbines are old, and how close a new one must stand to replace them.

    Attributes
    ----------
    crs : str
        Projected working CRS.
    reference_year : int or None
        The year of the assessment; None: this year.
    min_age_years : float
        Age from which an existing turbine is a candidate (20: the EEG payment period). [a]
    zone_h : float
        A new turbine replaces candidates within this many of its total heights (§ 16b (2) BImSchG: 5). [-]
    old_full_load_hours : float
        Full-load hours of the old turbines (the ABW fleet 2011–2015, DOMAIN.md). [h/a]
    """

    crs: str = DEFAULT_CRS
    reference_year: int | None = None
    min_age_years: float = 20.0
    zone_h: float = 5.0
    old_full_load_hours: float = 1630.0

    def check(self) -> None:
        """Raise :class:`InputError` naming impossible settings."""
        if not self.min_age_years >= 0 or not self.zone_h > 0 or not 0 < self.old_full_load_hours < 8760:
            raise InputError("Repowering: min_age_years ≥ 0, zone_h > 0 and 0 < old_full_load_hours < 8,760 h; "
                             f"got {self.min_age_years!r}, {self.zone_h!r}, {self.old_full_load_hours!r}.")


@dataclass(frozen=True)
class RepoweringOutputs:
    """Destinations: the existing turbines with their status (GeoPackage) and the balance (CSV)."""

    old_turbines: Path
    table: Path | None = None


@dataclass(frozen=True)
class RepoweringResult:
    """The balance of old and new turbines (totals; ``rows`` per municipality).

    ``n_candidates``: existing turbines old enough; ``n_replaced``: those with a new turbine within the zone
    (``old_mw`` and ``old_mwh_per_a`` are theirs); ``n_new``: the new turbines that replace them.
    """

    reference_year: int
    n_existing: int
    n_without_year: int
    n_candidates: int
    n_replaced: int
    old_mw: float
    old_mwh_per_a: float
    n_new: int
    new_mw: float
    new_mwh_per_a: float
    rows: tuple[dict[str, Any], ...] = field(default=())
    outputs: RepoweringOutputs | None = None


def commissioning_year(values: Any) -> np.ndarray:
    """The year a field holds (``2009``, ``"2009-05-12"``, ``"12.05.2009"``); NaN where none. [a]"""
    text = pd.Series(values, dtype=object).astype(str)
    year = text.str.extract(r"((?:19|20)\d\d)")[0]
    return pd.to_numeric(year, errors="coerce").to_numpy(float)


def rated_mw(frame: pd.DataFrame) -> np.ndarray:
    """Rated power from the first power field present [MW]; NaN where it cannot be read."""
    for name, factor in POWER_FIELDS:
        if name not in frame.columns:
            continue
        if factor is not None:
            return pd.to_numeric(frame[name], errors="coerce").to_numpy(float) * factor
        out = []
        for v in frame[name].astype(str):
            m = re.match(r"\s*(\d+(?:[.,]\d+)?)\s*(MW|kW|W)?\s*$", v)
            scale = {"MW": 1.0, "kW": 1e-3, "W": 1e-6, None: np.nan}[m.group(2)] if m else np.nan  # no unit: unknown
            out.append(float(m.group(1).replace(",", ".")) * scale if m else np.nan)
        return np.asarray(out)
    return np.full(len(frame), np.nan)


def _municipality(points: np.ndarray, aoi: gpd.GeoDataFrame | None) -> np.ndarray:
    if aoi is None or aoi.empty:
        return np.full(len(points), "", dtype=object)
    tree = shapely.STRtree(aoi.geometry.values)
    p, a = tree.query(points, predicate="intersects")
    out = np.full(len(points), "", dtype=object)
    out[p] = aoi["name"].astype(str).to_numpy()[a]
    return out


def run_repowering(existing: LayerRef, new: LayerRef, outputs: RepoweringOutputs,
                   settings: RepoweringSettings = RepoweringSettings(), municipalities: LayerRef | None = None,
                   progress: Progress | None = None) -> RepoweringResult:
    """Repowering candidates among the existing turbines and the new turbines that replace them.

    Parameters
    ----------
    existing : LayerRef
        Existing turbines (points) with a commissioning year, hub height and rotor fields.
    new : LayerRef
        New turbines (points) with ``hub_height_m``, ``rotor_diameter_m``, ``capacity_mw`` and
        ``energy_mwh_per_a``.
    outputs : RepoweringOutputs
        Destinations.
    settings : RepoweringSettings
        Age, zone and the old turbines' full-load hours.
    municipalities : LayerRef, optional
        Polygons with ``name``: the balance per municipality (else one row).
    progress : Progress, optional
        Progress and messages.
    """
    progress = progress or NullProgress()
    settings.check()
    crs = check_working_crs(settings.crs)
    year_now = settings.reference_year or dt.date.today().year
    info = layer_info(existing, "existing turbines")
    year_field = next((f for f in YEAR_FIELDS if f in info.fields), None)
    hub_field = next((f for f in HUB_FIELDS if f in info.fields), None)
    rotor_field = next((f for f in ROTOR_FIELDS if f in info.fields), None)
    if year_field is None or hub_field is None or rotor_field is None:
        raise InputError(f"The existing turbines ({existing.describe()}) need a commissioning year "
                         f"({' or '.join(YEAR_FIELDS[:3])}), a hub height and a rotor diameter field. Fields present: "
                         f"{', '.join(info.fields) or 'none'}.")
    power_cols = tuple(n for n, _ in POWER_FIELDS if n in info.fields)
    old = read_layer(existing, "existing turbines", crs, columns=(year_field, hub_field, rotor_field, *power_cols),
                     empty_ok=True).explode(index_parts=False).reset_index(drop=True)
    years = commissioning_year(old[year_field])
    mw = rated_mw(old)
    no_year = ~np.isfinite(years)
    if no_year.any():
        progress.warning(f"{int(no_year.sum())} of {len(old)} existing turbine(s) have no commissioning year in "
                         f"{year_field!r}: not assessed for repowering.")
    candidate = np.isfinite(years) & (year_now - years >= settings.min_age_years)
    if np.any(candidate & ~np.isfinite(mw)):
        raise InputError(f"{int(np.sum(candidate & ~np.isfinite(mw)))} repowering candidate(s) have no readable rated "
                         f"power ({', '.join(n for n, _ in POWER_FIELDS)}); fill it.")
    turbines = read_layer(new, "new turbines", crs, columns=("hub_height_m", "rotor_diameter_m", "capacity_mw",
                                                               "energy_mwh_per_a"), empty_ok=True)
    height = metres(turbines["hub_height_m"]) + metres(turbines["rotor_diameter_m"]) / 2.0
    new_xy = shapely.get_coordinates(turbines.geometry.values)
    old_pts = old.geometry.values
    replaces = np.zeros(len(turbines), dtype=bool)
    replaced = np.zeros(len(old), dtype=bool)
    if candidate.any() and len(turbines):  # exact distances, as for every setback
        idx = np.flatnonzero(candidate)
        t_hit, o_hit = shapely.STRtree(old_pts[idx]).query(turbines.geometry.values, predicate="dwithin",
                                                            distance=settings.zone_h * height)
        replaces[t_hit] = True
        replaced[idx[o_hit]] = True
    aoi = read_layer(municipalities, "municipalities", crs, columns=("name",)) if municipalities else None
    old_muni = _municipality(old_pts, aoi)
    new_muni = _municipality(turbines.geometry.values, aoi)
    old_mwh = np.where(replaced, np.nan_to_num(mw) * settings.old_full_load_hours, 0.0)
    new_mw = pd.to_numeric(turbines["capacity_mw"], errors="coerce").fillna(0.0).to_numpy(float)
    new_mwh = pd.to_numeric(turbines["energy_mwh_per_a"], errors="coerce").fillna(0.0).to_numpy(float)
    rows = []
    for name in sorted(set(old_muni[replaced]) | set(new_muni[replaces])):
        o, n = replaced & (old_muni == name), replaces & (new_muni == name)
        row = {"municipality": name or "(outside)", "old_replaced": int(o.sum()), "old_mw": float(np.sum(mw[o])),
               "old_mwh_per_a": float(np.sum(old_mwh[o])), "new_turbines": int(n.sum()),
               "new_mw": float(new_mw[n].sum()), "new_mwh_per_a": float(new_mwh[n].sum())}
        row["net_mw"] = row["new_mw"] - row["old_mw"]
        row["net_mwh_per_a"] = row["new_mwh_per_a"] - row["old_mwh_per_a"]
        rows.append(row)
    status = np.where(no_year, "no commissioning year", np.where(
        replaced, "repowering: replaced", np.where(candidate, "candidate: no new turbine within the zone", "too young")))
    out = gpd.GeoDataFrame({"commissioning_year": years, "age_years": year_now - years, "capacity_mw": mw,
                            "status": status.astype(object), "municipality": old_muni},
                           geometry=old.geometry.values, crs=old.crs)
    with OutputTransaction() as tx:
        write_vector(tx.temp_for(Path(outputs.old_turbines)), out, "old_turbines", "Point")
        if outputs.table is not None:
            write_csv(tx.temp_for(Path(outputs.table)), TABLE_FIELDS, [[r[f] for f in TABLE_FIELDS] for r in rows])
    progress.info(f"Repowering {year_now}: {int(candidate.sum())} of {len(old)} existing turbines are at least "
                  f"{settings.min_age_years:g} years old; {int(replaced.sum())} of them have a new turbine within "
                  f"{settings.zone_h:g} H.")
    return RepoweringResult(year_now, len(old), int(no_year.sum()), int(candidate.sum()), int(replaced.sum()),
                            float(np.sum(mw[replaced])),
                            float(old_mwh.sum()), int(replaces.sum()), float(new_mw[replaces].sum()),
                            float(new_mwh[replaces].sum()), tuple(rows), outputs)
