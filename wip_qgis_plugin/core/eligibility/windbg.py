"""WindBG area accounting: eligible wind area per municipality against the Land's area target.

The Windenergieflächenbedarfsgesetz (WindBG) obliges each Land to designate a
share of its area for wind energy (Anlage 1: e.g. Sachsen-Anhalt 1.8 % by the
end of 2027, 2.2 % by the end of 2032). It sets no municipal targets; splitting
the Land's share by area (municipal area × target share) gives a municipality an
*orientation value* to compare its eligible area with.

WindBG § 4: where a plan requires the rotor to stay inside the area
("rotor-in"), only the area left after moving the boundary inward by the rotor
radius minus the tower-foot radius counts. :func:`windbg_accounting` computes
that exactly with a negative shapely buffer of the dissolved eligible areas (so
that an area crossing a municipal boundary does not shrink along it) and
splits the result back by municipality.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from ..catalogue.lands import AGS_LAND, land_of_key
from ..data.outputs import OutputTransaction, write_csv
from .aoi import AreaOfInterest, read_aoi_frame
from .engine import MunicipalityStats
from ..defaults import DEFAULT_CRS
from ..errors import InputError
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..progress import NullProgress, Progress, check_cancelled
from ..units import Turbine
from ..messages import msg

#: Tower-foot radius of the reference turbine (modelling assumption: a modern tubular
#: or hybrid tower is about 8 m across at its foot). [m]
DEFAULT_TOWER_FOOT_RADIUS_M = 4.0

WINDBG_SOURCE = (
    "Windenergieflächenbedarfsgesetz (WindBG), Art. 3 des Gesetzes zur Erhöhung und Beschleunigung des Ausbaus "
    "von Windenergieanlagen an Land vom 20. Juli 2022 (BGBl. I S. 1353), in Kraft seit 1. Februar 2023: "
    "Anlage 1 (zu § 3 Abs. 1) Flächenbeitragswerte; § 4 Abs. 3 Rotor-innerhalb-Flächen."
)
AREA_SOURCE = "Landesfläche as given in the project's domain notes (official area statistics)."


@dataclass(frozen=True)
class LandTarget:
    """A Land's WindBG area contribution values.

    Attributes
    ----------
    code : str
        Abbreviation of the Land (``ST``, ``SN``, ``TH``, ``BY`` …).
    name : str
        Name of the Land.
    area_km2 : float
        Area of the Land. [km²]
    share_2027_pct, share_2032_pct : float
        Share of the Land's area to designate by the end of 2027 / 2032. [%]
    source : str
        Legal source of the shares and source of the area.
    """

    code: str
    name: str
    area_km2: float
    share_2027_pct: float
    share_2032_pct: float
    source: str = WINDBG_SOURCE + " " + AREA_SOURCE

    def target_km2(self, year: int) -> float:
        """Area the Land must designate by the end of ``year`` (2027 or 2032). [km²]"""
        return self.area_km2 * self.share_pct(year) / 100.0

    def share_pct(self, year: int) -> float:
        """Target share by the end of ``year`` (2027 or 2032). [%]"""
        shares = {2027: self.share_2027_pct, 2032: self.share_2032_pct}
        if year not in shares:
            raise ValueError(f"WindBG sets shares for the end of 2027 and of 2032, not {year}")
        return shares[year]


#: Area of the Länder outside the Revier, rounded to the km²: a planner outside SN/ST/TH gets the Land's target
#: in km² to this precision (the per-municipality shares do not use it).
AREA_SOURCE_OTHER = ("Landesfläche rounded to the km² (Statistisches Bundesamt, Gebietsstand 31.12.2022); "
                     "verify against the Land's statistics office before citing the target in km².")

#: WindBG Anlage 1 (zu § 3 Abs. 1) values of every Land; the three of the Mitteldeutsches Revier with their exact area.
WINDBG_TARGETS: dict[str, LandTarget] = {
    "ST": LandTarget("ST", "Sachsen-Anhalt", 20_459.12, 1.8, 2.2),
    "SN": LandTarget("SN", "Sachsen", 18_449.93, 1.3, 2.0),
    "TH": LandTarget("TH", "Thüringen", 16_202.39, 1.8, 2.2),
    **{code: LandTarget(code, name, km2, s27, s32, WINDBG_SOURCE + " " + AREA_SOURCE_OTHER) for code, name, km2, s27, s32 in (
        ("SH", "Schleswig-Holstein", 15_804.0, 1.3, 2.0), ("HH", "Hamburg", 755.0, 0.25, 0.5),
        ("NI", "Niedersachsen", 47_710.0, 1.7, 2.2), ("HB", "Bremen", 420.0, 0.25, 0.5),
        ("NW", "Nordrhein-Westfalen", 34_112.0, 1.1, 1.8), ("HE", "Hessen", 21_116.0, 1.8, 2.2),
        ("RP", "Rheinland-Pfalz", 19_858.0, 1.4, 2.2), ("BW", "Baden-Württemberg", 35_748.0, 1.1, 1.8),
        ("BY", "Bayern", 70_542.0, 1.1, 1.8), ("SL", "Saarland", 2_571.0, 1.1, 1.8),
        ("BE", "Berlin", 891.0, 0.25, 0.5), ("BB", "Brandenburg", 29_654.0, 1.8, 2.2),
        ("MV", "Mecklenburg-Vorpommern", 23_295.0, 1.4, 2.1))},
}



def land_of(ags: str, default: str | None = None, name: str = "") -> str:
    """The Land of a municipality from its AGS (``15…`` → ``ST``), else ``default``.

    Raises
    ------
    InputError
        If the AGS names no Land of the table and no default is given (naming the municipality).
    """
    code = land_of_key(ags) or AGS_LAND.get(str(ags).strip()[:2])
    if code is not None:
        return code
    if default in WINDBG_TARGETS:
        return str(default)
    which = f"{name!r} (AGS {ags!r})" if name else f"the municipality with AGS {ags!r}"
    raise InputError(
        f"Cannot tell the Land of {which}: the first two digits of the AGS name it. Fill in the AGS in the "
        f"municipality layer's key field, or give the Land ({', '.join(WINDBG_TARGETS)}: the Land parameter of "
        "'WindBG accounting', wip windbg --land, the profile's land:)."
    )


def inward_offset_m(turbine: Turbine, tower_foot_radius_m: float = DEFAULT_TOWER_FOOT_RADIUS_M) -> float:
    """Distance the boundary moves inward under rotor-in (rotor radius − tower-foot radius). [m]

    Raises
    ------
    ValueError
        If the tower-foot radius is negative or not smaller than the rotor radius.
    """
    if not 0.0 <= tower_foot_radius_m < turbine.rotor_radius_m:
        raise ValueError(f"the tower-foot radius must be between 0 m and the rotor radius "
                         f"({turbine.rotor_radius_m:g} m), got {tower_foot_radius_m!r} m")
    return turbine.rotor_radius_m - tower_foot_radius_m


def rotor_in_geometry(geoms: Sequence[shapely.Geometry] | np.ndarray, offset_m: float,
                      quad_segs: int = 16) -> shapely.Geometry:
    """The area left when the boundary of the dissolved polygons moves inward by ``offset_m``.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        Eligible (or designated) areas; touching polygons are dissolved first.
    offset_m : float
        Inward offset. [m]
    quad_segs : int
        Segments per quarter circle where the offset rounds a concave corner.

    Returns
    -------
    shapely.Geometry
        The eroded area (possibly empty).
    """
    arr = np.asarray(list(geoms), dtype=object)
    if arr.size == 0:
        return shapely.Polygon()
    union = shapely.union_all(arr)
    return shapely.buffer(union, -float(offset_m), quad_segs=quad_segs)


@dataclass(frozen=True)
class MunicipalArea:
    """A municipality for the accounting.

    Attributes
    ----------
    name, ags : str
        Name and Amtlicher Gemeindeschlüssel.
    area_ha : float
        Area of the municipality. [ha]
    land : str
        ``ST``, ``SN`` or ``TH``.
    """

    name: str
    ags: str
    area_ha: float
    land: str


def municipal_areas(aoi: AreaOfInterest, crs: str = DEFAULT_CRS, land: str | None = None,
                    invalid: str = "error") -> list[MunicipalArea]:
    """Municipal areas from the area-of-interest layer (areas measured in ``crs``).

    The Land comes from the AGS (``id_field``) if present, else from ``land``.
    """
    working = check_working_crs(crs)
    frame, _ = read_aoi_frame(aoi, working, invalid)  # NULL names and invalid polygons as in the eligibility run
    out = []
    for name, group in frame.groupby("aoi_label", sort=False):
        ags = str(group["aoi_id"].iloc[0])
        area = float(shapely.area(shapely.union_all(group.geometry.values))) / 10_000.0
        out.append(MunicipalArea(str(name), ags, area, land_of(ags, land, str(name))))
    return out


def municipal_areas_from_stats(stats: Sequence[MunicipalityStats], land: str | None = None) -> list[MunicipalArea]:
    """Municipal areas from an eligibility result (pixel-counted total areas)."""
    return [MunicipalArea(m.name, m.ags, m.total_ha, land_of(m.ags, land, m.name)) for m in stats]


@dataclass(frozen=True)
class WindbgRow:
    """WindBG figures of one municipality (or the total). Areas in [ha], shares in [%].

    Attributes
    ----------
    name, ags, land : str
        Municipality and its Land (``mixed`` in a total over several Länder).
    area_ha : float
        Municipal area.
    eligible_ha : float
        Eligible wind area (the eligible polygons).
    counted_ha : float
        Area that counts: ``eligible_ha`` (rotor-out) or the rotor-in remainder.
    target_2027_pct, target_2032_pct : float
        The Land's target shares (area-weighted in a total over several Länder).
    """

    name: str
    ags: str
    land: str
    area_ha: float
    eligible_ha: float
    counted_ha: float
    target_2027_pct: float
    target_2032_pct: float

    @property
    def eligible_pct(self) -> float:
        """Eligible share of the municipal area. [%]"""
        return 100.0 * self.eligible_ha / self.area_ha if self.area_ha else 0.0

    @property
    def counted_pct(self) -> float:
        """Counted share of the municipal area. [%]"""
        return 100.0 * self.counted_ha / self.area_ha if self.area_ha else 0.0

    @property
    def orientation_2027_ha(self) -> float:
        """Orientation value: municipal area × the Land's 2027 share. [ha]"""
        return self.area_ha * self.target_2027_pct / 100.0

    @property
    def orientation_2032_ha(self) -> float:
        """Orientation value: municipal area × the Land's 2032 share. [ha]"""
        return self.area_ha * self.target_2032_pct / 100.0

    @property
    def gap_2027_ha(self) -> float:
        """Orientation value 2027 minus counted area (negative: more than the share). [ha]"""
        return self.orientation_2027_ha - self.counted_ha

    @property
    def gap_2032_ha(self) -> float:
        """Orientation value 2032 minus counted area (negative: more than the share). [ha]"""
        return self.orientation_2032_ha - self.counted_ha


@dataclass(frozen=True)
class WindbgResult:
    """Result of :func:`windbg_accounting`.

    Attributes
    ----------
    rows : tuple of WindbgRow
        One row per municipality, in input order.
    total : WindbgRow
        The whole area of interest (``name = "TOTAL"``).
    rotor_in : bool
        Whether the rotor-in deduction was applied.
    inward_offset_m : float
        Inward offset used (0 for rotor-out). [m]
    turbine : Turbine or None
        Reference turbine of the deduction.
    tower_foot_radius_m : float
        Tower-foot radius used. [m]
    unassigned_ha : float
        Eligible area whose polygons name no municipality of the list. [ha]
    """

    rows: tuple[WindbgRow, ...]
    total: WindbgRow
    rotor_in: bool
    inward_offset_m: float
    turbine: Turbine | None
    tower_foot_radius_m: float
    unassigned_ha: float = 0.0

    @property
    def accounting(self) -> str:
        """``rotor-out`` or ``rotor-in (−x m)``."""
        return f"rotor-in (-{self.inward_offset_m:g} m)" if self.rotor_in else "rotor-out"


def read_eligible_areas(ref: LayerRef, crs: str = DEFAULT_CRS, name_field: str = "name") -> gpd.GeoDataFrame:
    """Eligible polygons of an eligibility run (layer ``eligible_areas``) in the working CRS."""
    working = check_working_crs(crs)
    info = layer_info(ref, "eligible areas")
    if name_field not in info.fields:
        raise InputError(f"The eligible-area layer ({ref.describe()}) has no field {name_field!r} naming the "
                         "municipality; use the polygons written by the eligibility analysis.")
    if info.feature_count == 0:
        return gpd.GeoDataFrame({name_field: []}, geometry=[], crs=working)
    return read_layer(ref, "eligible areas", working, columns=(name_field,))


@dataclass(frozen=True)
class WindbgOutputs:
    """The files :func:`windbg_accounting` writes (atomically); ``None`` skips a file.

    Attributes
    ----------
    table : Path or None
        CSV of the accounting (:func:`write_windbg_csv`).
    """

    table: Path | None = None


@dataclass(frozen=True)
class WindbgSettings:
    """How to account.

    Attributes
    ----------
    rotor_in : bool
        Apply the WindBG § 4 rotor-in deduction.
    turbine : Turbine or None
        Reference turbine (required with ``rotor_in``).
    tower_foot_radius_m : float
        Tower-foot radius. [m]
    crs : str
        Working CRS when the eligible areas are a layer.
    name_field : str
        Field of the eligible areas holding the municipality name.
    targets : mapping of str to LandTarget
        Target table (default: WindBG Anlage 1).
    """

    rotor_in: bool = False
    turbine: Turbine | None = None
    tower_foot_radius_m: float = DEFAULT_TOWER_FOOT_RADIUS_M
    crs: str = DEFAULT_CRS
    name_field: str = "name"
    targets: Mapping[str, LandTarget] = field(default_factory=lambda: WINDBG_TARGETS)


def windbg_accounting(
    municipalities: Sequence[MunicipalArea],
    eligible: gpd.GeoDataFrame | LayerRef,
    outputs: WindbgOutputs = WindbgOutputs(),
    settings: WindbgSettings = WindbgSettings(),
    progress: Progress | None = None,
) -> WindbgResult:
    """Eligible (and counted) wind area per municipality against the WindBG targets.

    Parameters
    ----------
    municipalities : sequence of MunicipalArea
        The municipalities, with area and Land.
    eligible : GeoDataFrame or LayerRef
        Eligible polygons in a projected CRS with a field ``settings.name_field`` naming the
        municipality.
    outputs : WindbgOutputs
        Table to write (default: none).
    settings : WindbgSettings
        Rotor-in deduction, turbine, tower-foot radius, CRS, name field and targets.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    WindbgResult

    Raises
    ------
    InputError
        Rotor-in without a turbine, an unknown Land, or a bad layer.
    Cancelled
        The user cancelled (nothing is written).
    """
    progress = progress or NullProgress()
    rotor_in, turbine, targets = settings.rotor_in, settings.turbine, settings.targets
    tower_foot_radius_m, name_field = settings.tower_foot_radius_m, settings.name_field
    if rotor_in and turbine is None:
        raise InputError("The rotor-in deduction needs a reference turbine (rotor diameter).")
    for m in municipalities:
        if m.land not in targets:
            raise InputError(f"No WindBG target for Land {m.land!r} of {m.name!r}; known: {', '.join(targets)}.")
    frame = read_eligible_areas(eligible, settings.crs, name_field) if isinstance(eligible, LayerRef) else eligible
    if len(frame) and frame.crs is not None and not frame.crs.is_projected:
        raise InputError("The eligible polygons must be in a projected CRS (areas in metres).")
    names = frame[name_field].astype(str).to_numpy() if len(frame) else np.asarray([], dtype=str)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    offset = 0.0
    eroded = None
    if rotor_in:
        assert turbine is not None
        try:
            offset = inward_offset_m(turbine, tower_foot_radius_m)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        eroded = rotor_in_geometry(geoms, offset)
    parts = shapely.get_parts(eroded) if eroded is not None else np.empty(0, dtype=object)
    tree = shapely.STRtree(parts) if parts.size else None
    rows = []
    known = set()
    for m in municipalities:
        known.add(m.name)
        mine = geoms[names == m.name]
        eligible_ha = float(shapely.area(mine).sum()) / 10_000.0 if mine.size else 0.0
        counted_ha = eligible_ha
        if rotor_in:
            counted_ha = 0.0
            if mine.size and tree is not None:
                own = shapely.union_all(mine)
                near = parts[tree.query(own, predicate="intersects")]
                if near.size:
                    counted_ha = float(shapely.area(shapely.intersection(shapely.union_all(near), own))) / 10_000.0
        t = targets[m.land]
        rows.append(WindbgRow(m.name, m.ags, m.land, m.area_ha, eligible_ha, counted_ha,
                              t.share_2027_pct, t.share_2032_pct))
    other = geoms[~np.isin(names, list(known))] if names.size else geoms[:0]
    unassigned = float(shapely.area(other).sum()) / 10_000.0 if other.size else 0.0
    result = WindbgResult(tuple(rows), _total(rows), rotor_in, offset, turbine, tower_foot_radius_m, unassigned)
    check_cancelled(progress)
    if outputs.table is not None:
        write_windbg_csv(outputs.table, result)
    progress.report(1.0, msg("step_done"))
    return result


def windbg_from_stats(stats: Sequence[MunicipalityStats], land: str | None = None,
                      targets: Mapping[str, LandTarget] = WINDBG_TARGETS) -> WindbgResult:
    """Rotor-out accounting straight from an eligibility result (pixel-counted areas of the raster).

    Unlike :func:`windbg_accounting` on the polygons, this counts every eligible
    pixel (no minimum-area filter) and cannot apply the rotor-in deduction.
    """
    rows = []
    for m in stats:
        code = land_of(m.ags, land, m.name)
        if code not in targets:
            raise InputError(f"No WindBG target for Land {code!r} of {m.name!r}; known: {', '.join(targets)}.")
        t = targets[code]
        rows.append(WindbgRow(m.name, m.ags, code, m.total_ha, m.eligible_ha, m.eligible_ha,
                              t.share_2027_pct, t.share_2032_pct))
    return WindbgResult(tuple(rows), _total(rows), False, 0.0, None, 0.0)


def _total(rows: Sequence[WindbgRow]) -> WindbgRow:
    area = sum(r.area_ha for r in rows)
    lands = sorted({r.land for r in rows})
    t27 = sum(r.orientation_2027_ha for r in rows) / area * 100.0 if area else 0.0
    t32 = sum(r.orientation_2032_ha for r in rows) / area * 100.0 if area else 0.0
    if len(lands) == 1:  # one Land: its exact shares, not a rounded weighted mean
        t27, t32 = rows[0].target_2027_pct, rows[0].target_2032_pct
    return WindbgRow("TOTAL", "", lands[0] if len(lands) == 1 else "mixed", area,
                     sum(r.eligible_ha for r in rows), sum(r.counted_ha for r in rows), t27, t32)


WINDBG_FIELDS = ("name", "ags", "land", "area_ha", "eligible_ha", "eligible_pct", "accounting", "counted_ha",
                 "counted_pct", "target_2027_pct", "orientation_2027_ha", "gap_2027_ha", "target_2032_pct",
                 "orientation_2032_ha", "gap_2032_ha")


def write_windbg_csv(path: Path, result: WindbgResult) -> None:
    """Write the accounting as CSV (one row per municipality, then ``TOTAL``), atomically."""
    def values(r: WindbgRow) -> list[object]:
        return [result.accounting if f == "accounting" else getattr(r, f) for f in WINDBG_FIELDS]

    with OutputTransaction() as tx:
        write_csv(tx.temp_for(Path(path)), WINDBG_FIELDS, [values(r) for r in (*result.rows, result.total)])
