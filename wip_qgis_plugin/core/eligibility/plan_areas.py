"""Designated wind areas of a regional plan (Vorranggebiete, Windenergiegebiete) against the law and the model.

:func:`plan_area_accounting` reads the plan's polygons, splits them by municipality and counts them as WindBG § 4
counts designated areas: the whole area (rotor-out), or the area left when the boundary moves inward by the rotor
radius less the tower-foot radius (rotor-in, where the plan requires the rotor inside). Each municipality's share
is set against its Land's targets (:data:`.windbg.WINDBG_TARGETS`). Given the reasons raster of an eligibility run
(its ``_bits.json`` beside it), it also says how much designated land the model finds eligible and, for every
designated hectare outside the eligible land, which criteria exclude it: where plan and model disagree, and why.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import shapely
from rasterio.features import rasterize

from ..data.layers import LayerRef, check_working_crs, read_layer
from ..data.outputs import OutputTransaction, write_csv
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from ..units import Turbine
from .aoi import AreaOfInterest, read_aoi_frame
from .windbg import WINDBG_TARGETS, inward_offset_m, land_of, rotor_in_geometry

#: Columns of the table per municipality (``*_plan_areas.csv``).
PLAN_FIELDS = ("name", "ags", "land", "area_ha", "designated_ha", "designated_pct", "accounting", "counted_ha",
               "counted_pct", "target_2027_pct", "target_2032_pct", "eligible_ha", "outside_eligible_ha")


@dataclass(frozen=True)
class PlanAreaSettings:
    """How designated areas are counted.

    Attributes
    ----------
    crs : str
        Projected working CRS (areas in metres).
    rotor_in : bool
        The plan requires the rotor inside the area: count the area left after the inward offset.
    turbine : Turbine or None
        Reference turbine of the rotor-in offset (its rotor radius).
    tower_foot_radius_m : float
        Tower-foot radius taken off the offset. [m]
    land : str or None
        Land of municipalities whose AGS names none.
    invalid_geometries : str
        ``error``, ``repair`` or ``skip`` for the plan's and the municipalities' polygons.
    """

    crs: str = "EPSG:25832"
    rotor_in: bool = False
    turbine: Turbine | None = None
    tower_foot_radius_m: float = 4.0
    land: str | None = None
    invalid_geometries: str = "repair"


@dataclass(frozen=True)
class PlanAreaOutputs:
    """Files written: the table per municipality and, with a reasons raster, the table per criterion."""

    table: Path | None = None
    criteria_table: Path | None = None


@dataclass(frozen=True)
class PlanAreaRow:
    """One municipality (or the total): areas [ha], shares of its area [%]."""

    name: str
    ags: str
    land: str
    area_ha: float
    designated_ha: float
    counted_ha: float
    target_2027_pct: float
    target_2032_pct: float
    eligible_ha: float | None = None

    @property
    def designated_pct(self) -> float:
        return 100.0 * self.designated_ha / self.area_ha if self.area_ha else 0.0

    @property
    def counted_pct(self) -> float:
        return 100.0 * self.counted_ha / self.area_ha if self.area_ha else 0.0

    @property
    def outside_eligible_ha(self) -> float | None:
        return None if self.eligible_ha is None else self.designated_ha - self.eligible_ha


@dataclass(frozen=True)
class PlanAreaResult:
    """Designated areas per municipality, the total, and per criterion the designated land it excludes [ha]."""

    rows: tuple[PlanAreaRow, ...]
    total: PlanAreaRow
    accounting: str
    excluded_by: dict[str, float] = field(default_factory=dict)
    outputs: PlanAreaOutputs = field(default_factory=PlanAreaOutputs)


def _reasons_overlap(reasons: Path, geoms: Sequence[Any], crs: Any) -> tuple[list[float], dict[str, float]]:
    """Per polygon the eligible hectares inside it, and per criterion the designated hectares it excludes."""
    bits_path = reasons.with_name(reasons.stem + "_bits.json")
    if not bits_path.is_file():
        raise InputError(f"Reasons raster {str(reasons)!r}: its bit table {bits_path.name} is missing beside it; "
                         "give the reasons raster of a complete eligibility run.")
    bits = json.loads(bits_path.read_text(encoding="utf-8"))["bits"]
    with rasterio.open(reasons) as ds:
        if ds.crs is None or not check_working_crs(ds.crs.to_wkt()).equals(crs):
            raise InputError(f"Reasons raster {str(reasons)!r} is not in the working CRS {crs.to_string()}; run the "
                             "eligibility and this accounting in the same CRS.")
        data = ds.read(1)
        nodata = ds.nodata
        transform = ds.transform
        pixel_ha = abs(transform.a * transform.e) / 10_000.0
    eligible_ha, excluded = [], {b["id"]: 0.0 for b in bits}
    for geom in geoms:
        inside = rasterize([(geom, 1)], out_shape=data.shape, transform=transform, fill=0, dtype="uint8") > 0
        values = data[inside]
        if nodata is not None:
            values = values[values != nodata]
        eligible_ha.append(float((values == 0).sum()) * pixel_ha)
        for b in bits:
            excluded[b["id"]] += float(((values & np.array(b["value"], dtype=values.dtype)) > 0).sum()) * pixel_ha
    return eligible_ha, excluded


def plan_area_accounting(plan: LayerRef, aoi: AreaOfInterest, outputs: PlanAreaOutputs, settings: PlanAreaSettings,
                         reasons: Path | None = None, progress: Progress | None = None) -> PlanAreaResult:
    """WindBG accounting of a plan's designated wind areas per municipality, and their overlap with the model.

    Parameters
    ----------
    plan : LayerRef
        The designated areas (polygons, any CRS).
    aoi : AreaOfInterest
        The municipalities.
    outputs : PlanAreaOutputs
        Tables to write (None: not written).
    settings : PlanAreaSettings
        CRS, rotor-in, turbine, Land.
    reasons : Path, optional
        Reasons raster of an eligibility run in the same CRS: eligible designated land and the criteria that
        exclude the rest.
    progress : Progress, optional
        Progress and cancel.

    Raises
    ------
    InputError
        Rotor-in without a turbine, an unknown Land, unreadable layers.
    """
    progress = progress or NullProgress()
    crs = check_working_crs(settings.crs)
    if settings.rotor_in and settings.turbine is None:
        raise InputError("The rotor-in accounting needs a reference turbine (its rotor diameter).")
    munis, _ = read_aoi_frame(aoi, crs, settings.invalid_geometries, progress)
    munis = munis.dissolve(by="aoi_label", sort=False, aggfunc="first").reset_index()
    areas = read_layer(plan, "wind plan areas", crs, tuple(munis.total_bounds), (), settings.invalid_geometries,
                       empty_ok=True, progress=progress)
    designated = shapely.union_all(np.asarray(areas.geometry.values, dtype=object)) if len(areas) else shapely.Polygon()
    counted_all = designated
    if settings.rotor_in and not designated.is_empty:
        assert settings.turbine is not None
        counted_all = rotor_in_geometry(np.asarray([designated], dtype=object),
                                        inward_offset_m(settings.turbine, settings.tower_foot_radius_m))
    check_cancelled(progress)
    pieces = [shapely.intersection(g, designated) for g in munis.geometry.values]
    eligible, excluded_by = (_reasons_overlap(Path(reasons), pieces, crs) if reasons is not None
                             else ([None] * len(pieces), {}))
    rows = []
    for k, (name, ags, geom) in enumerate(zip(munis["aoi_label"], munis["aoi_id"], munis.geometry.values)):
        land = land_of(str(ags), settings.land, str(name))
        target = WINDBG_TARGETS[land]
        rows.append(PlanAreaRow(str(name), str(ags), land, float(shapely.area(geom)) / 1e4,
                                float(shapely.area(pieces[k])) / 1e4,
                                float(shapely.area(shapely.intersection(geom, counted_all))) / 1e4,
                                target.share_pct(2027), target.share_pct(2032), eligible[k]))
    area = sum(r.area_ha for r in rows)
    lands = {r.land for r in rows}

    def weighted(attr: str) -> float:
        return sum(getattr(r, attr) * r.area_ha for r in rows) / area if area else 0.0
    total = PlanAreaRow("TOTAL", "", lands.pop() if len(lands) == 1 else "mixed", area,
                        sum(r.designated_ha for r in rows), sum(r.counted_ha for r in rows),
                        weighted("target_2027_pct"), weighted("target_2032_pct"),
                        None if reasons is None else sum(r.eligible_ha or 0.0 for r in rows))
    accounting = "rotor-in" if settings.rotor_in else "rotor-out"
    result = PlanAreaResult(tuple(rows), total, accounting, excluded_by, outputs)
    write_plan_tables(result)
    return result


def write_plan_tables(result: PlanAreaResult) -> None:
    """Write the table per municipality (then ``TOTAL``) and the table per criterion, atomically together."""
    def values(r: PlanAreaRow) -> list[object]:
        out = {**{f: getattr(r, f) for f in PLAN_FIELDS if f != "accounting"}, "accounting": result.accounting}
        return ["" if out[f] is None else out[f] for f in PLAN_FIELDS]

    with OutputTransaction() as tx:
        if result.outputs.table is not None:
            write_csv(tx.temp_for(Path(result.outputs.table)), PLAN_FIELDS,
                      [values(r) for r in (*result.rows, result.total)])
        if result.outputs.criteria_table is not None and result.excluded_by:
            write_csv(tx.temp_for(Path(result.outputs.criteria_table)), ("criterion", "designated_excluded_ha"),
                      sorted(result.excluded_by.items(), key=lambda kv: -kv[1]))
