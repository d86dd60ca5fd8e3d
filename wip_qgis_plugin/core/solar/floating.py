"""Floating PV on artificial and heavily modified lakes (the flooded open-cast mines of the Revier).

WHG § 36 (3) (since 2023): a floating PV plant may cover at most 15 % of the water surface and must keep at
least 40 m from the shore; on natural lakes it is not allowed. :func:`floating_area` gives, per lake, the part
that may be covered: the lake shrunk by the shore distance (islands keep it too), cut down to the share of the
lake's area along its long axis, starting at one end (a compact field, not a ring). Its area never exceeds the
share and no point of it comes closer to the shore than the distance (both checked exactly in the tests).

:func:`run_floating` reads the lakes (which ones qualify is the planner's knowledge: by default OSM's
``water=reservoir|basin``, or every feature of a layer of qualifying lakes), places the fields and computes
their capacity (the ``floating`` system of ``presets/pv_systems.yml``: east–west pontoons, PVsyst cell
temperature with the heat-loss factors of a closed floating structure) and energy with the hourly pvlib chain,
per lake and per municipality.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from ..catalogue.filters import FeatureFilter, evaluate, parse_filter
from ..data.layers import LayerRef, check_working_crs, layer_info, read_layer
from ..data.outputs import OutputTransaction, write_csv, write_vector
from ..data.weather import find_try_region, load_try, read_weather
from ..defaults import DEFAULT_CRS
from ..errors import InputError
from ..progress import NullProgress, Progress
from .model import prepare_sky, specific_yields
from .systems import load_pv_systems
from ..messages import msg

#: WHG § 36 (3) as amended in 2023.
WHG_SOURCE = ("Wasserhaushaltsgesetz (WHG) § 36 Abs. 3 (in Kraft seit 2023): schwimmende Photovoltaikanlagen nur auf "
              "künstlichen oder erheblich veränderten Gewässern, höchstens 15 % der Gewässerfläche, mindestens 40 m "
              "Abstand zum Ufer.")
QUAD_SEGS = 16
FIELDS = ("lake", "municipality", "lake_ha", "floating_ha", "share_pct", "shore_m", "capacity_mwp",
          "yield_kwh_per_kwp", "energy_mwh_per_a")


@dataclass(frozen=True)
class FloatingSettings:
    """Which lakes, the legal limits and the system.

    Attributes
    ----------
    crs : str
        Projected working CRS.
    shore_m : float
        Distance to the shore. [m]
    max_share : float
        Largest share of a lake's surface covered. [-]
    lake_filter : str or mapping or None
        Which water features qualify (catalogue filter syntax); None: every feature of the layer (a layer of
        qualifying lakes). Default: OSM's reservoirs and basins.
    min_field_ha : float
        Smaller fields are left out. [ha]
    system : str
        The PV system of ``presets/pv_systems.yml``.
    albedo : float
        Albedo of open water (Dvoracek and Hannabas 1990: 0.05–0.1 at mid sun elevations). [-]
    weather : str or None
        Weather file or TRY region; None: the TRY region of each lake.
    """

    crs: str = DEFAULT_CRS
    shore_m: float = 40.0
    max_share: float = 0.15
    lake_filter: Any = dataclasses.field(default_factory=lambda: {"water": ["reservoir", "basin"]})
    min_field_ha: float = 1.0
    system: str = "floating"
    albedo: float = 0.08
    weather: str | None = None


@dataclass(frozen=True)
class FloatingOutputs:
    """Destination files (``None`` skips one): fields (GeoPackage layer ``floating_pv``) and the table (CSV)."""

    fields: Path | None = None
    table: Path | None = None


@dataclass(frozen=True)
class FloatingResult:
    """Fields per lake, totals per municipality, and the lakes left out with the reason."""

    frame: gpd.GeoDataFrame
    municipalities: dict[str, dict[str, float]]
    skipped: dict[str, str]
    outputs: FloatingOutputs


def floating_area(lake: Any, shore_m: float = 40.0, max_share: float = 0.15, rel_tol: float = 1e-4) -> Any:
    """The part of a lake a floating plant may cover (empty if none).

    Parameters
    ----------
    lake : shapely Polygon or MultiPolygon
        The water surface (islands as holes).
    shore_m : float
        Distance to keep from every shore, islands included. [m]
    max_share : float
        Largest share of the lake's area. [-]
    rel_tol : float
        How close below the share the cut stops. [-]

    Returns
    -------
    shapely geometry
        Within the lake shrunk by ``shore_m``; its area at most ``max_share`` × the lake's.
    """
    # around a bay's corner the offset is an arc drawn as chords; the radius is widened so that every chord,
    # not only its ends, keeps the distance
    radius = shore_m / math.cos(math.pi / (4 * QUAD_SEGS))
    inner = shapely.buffer(lake, -radius, quad_segs=QUAD_SEGS)
    # GEOS simplifies the shore by up to 1 % of the distance before offsetting: measure, and shrink by what lacks
    for _ in range(3):
        if inner.is_empty or shore_m <= 0:
            break
        gap = shore_m - float(shapely.distance(inner, shapely.boundary(lake)))
        if gap <= 0:
            break
        radius += gap + 1e-6 * shore_m
        inner = shapely.buffer(lake, -radius, quad_segs=QUAD_SEGS)
    target = max_share * lake.area
    if inner.is_empty or inner.area <= target:
        return inner
    rect = np.asarray(shapely.minimum_rotated_rectangle(inner).exterior.coords)[:4]
    edges = np.diff(np.vstack([rect, rect[:1]]), axis=0)
    long = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
    u = long / np.hypot(*long)
    coords = shapely.get_coordinates(inner)
    proj = coords @ u
    lo, hi = float(proj.min()), float(proj.max())
    normal = np.array([-u[1], u[0]])
    span = float(np.abs(coords @ normal).max()) * 2 + 1.0
    centre = float((coords @ normal).mean())

    def part(t: float) -> Any:
        a = lo - 1.0
        corners = [a * u + (centre - span) * normal, t * u + (centre - span) * normal,
                   t * u + (centre + span) * normal, a * u + (centre + span) * normal]
        return shapely.intersection(inner, shapely.Polygon(corners))

    below, above = lo, hi
    for _ in range(60):
        mid = 0.5 * (below + above)
        if part(mid).area <= target:
            below = mid
        else:
            above = mid
        if part(below).area >= target * (1 - rel_tol):
            break
    return part(below)


def _lakes(ref: LayerRef, crs: CRS, flt: FeatureFilter | None, name_field: str = "name") -> gpd.GeoDataFrame:
    fields = layer_info(ref, "water").fields
    wanted = tuple(flt.fields()) if flt is not None else ()
    missing = [f for f in wanted if f not in fields]
    if missing:
        raise InputError(f"The water layer {ref.describe()} has no field {', '.join(missing)} the lake filter reads; "
                         "give a layer of qualifying lakes (every feature counts: lake filter none) or a filter on "
                         f"its fields ({', '.join(fields) or 'none'}).")
    columns = wanted + ((name_field,) if name_field in fields and name_field not in wanted else ())
    frame = read_layer(ref, "water", crs, columns=columns, invalid="repair")
    frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    return frame[evaluate(flt, frame)] if flt is not None else frame


def run_floating(lakes: LayerRef, outputs: FloatingOutputs, settings: FloatingSettings = FloatingSettings(),
                 municipalities: LayerRef | None = None, name_field: str = "name",
                 progress: Progress | None = None) -> FloatingResult:
    """Place floating PV on the qualifying lakes and compute capacity and energy.

    Parameters
    ----------
    lakes : LayerRef
        Water polygons (role ``water``).
    outputs : FloatingOutputs
        Files to write (atomically).
    settings : FloatingSettings
        Limits, lake filter, system and weather.
    municipalities : LayerRef, optional
        Municipality polygons: each field is assigned to the one holding most of it.
    name_field : str
        Their name field.
    progress : Progress, optional
        Messages and cancellation.

    Raises
    ------
    InputError
        A bad layer or filter, limits outside their range.
    """
    progress = progress or NullProgress()
    crs = check_working_crs(settings.crs)
    if not (0 < settings.max_share <= 1) or settings.shore_m < 0:
        raise InputError(f"Floating PV: the share must lie in (0, 1] and the shore distance be ≥ 0 m, not "
                         f"{settings.max_share} and {settings.shore_m} m.")
    flt = parse_filter(settings.lake_filter) if settings.lake_filter else None
    frame = _lakes(lakes, crs, flt)
    if flt is not None:
        others = _lakes(lakes, crs, parse_filter({"water": ["lake"]})) if "water" in layer_info(
            lakes, "water").fields else frame.iloc[:0]
        others = others[~others.index.isin(frame.index)]  # a filter may name flooded mines tagged water=lake
        big = int((others.geometry.area >= 10_000.0 * settings.min_field_ha).sum())
        if big:
            progress.warning(msg("floating_lakes_left_out", n=big, min_ha=float(settings.min_field_ha)))
    if frame.empty:
        progress.warning(msg("floating_no_lake" if flt is None else "floating_no_lake_filter",
                             layer=lakes.describe(), filter=str(flt)))
    systems = load_pv_systems()
    systems = dataclasses.replace(systems, albedo=settings.albedo)
    system = systems.system(settings.system)
    density = systems.capacity_density_mwp_per_ha(settings.system)
    to_wgs = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    user_weather = read_weather(settings.weather) if settings.weather else None
    yields: dict[Any, float] = {}
    muni = read_layer(municipalities, "municipalities", crs, columns=(name_field,)) if municipalities else None
    rows, geoms, skipped = [], [], {}
    for k, (idx, lake) in enumerate(frame.iterrows()):
        name = str(lake.get("name") or f"lake {idx}")
        name = name if name not in skipped and name not in {r["lake"] for r in rows} else f"{name} ({idx})"
        field = floating_area(lake.geometry, settings.shore_m, settings.max_share)
        ha = field.area / 1e4
        if ha < settings.min_field_ha:
            skipped[name] = (f"{ha:.2f} ha left after {settings.shore_m:g} m from the shore and "
                             f"{100 * settings.max_share:g} % of {lake.geometry.area / 1e4:.1f} ha")
            continue
        lon, lat = to_wgs.transform(*shapely.get_coordinates(field.centroid)[0])
        key = "user" if user_weather is not None else find_try_region(lon, lat)
        if key not in yields:
            weather = user_weather if user_weather is not None else load_try(key)
            sky = prepare_sky(weather, lat, lon, weather.elevation_m if math.isfinite(weather.elevation_m) else 0.0)
            yields[key] = float(specific_yields(sky, system, systems, [0.0], [math.nan])[0])
        mwp = ha * density
        municipality = ""
        if muni is not None and len(muni):
            areas = np.asarray(muni.geometry.values, dtype=object)
            touching = shapely.intersects(areas, field)  # GEOS warns on every empty intersection otherwise
            overlap = np.zeros(len(areas))
            overlap[touching] = shapely.area(shapely.intersection(areas[touching], field))
            if overlap.max() > 0:
                municipality = str(muni.iloc[int(np.argmax(overlap))][name_field])
        rows.append({"lake": name, "municipality": municipality, "lake_ha": lake.geometry.area / 1e4,
                     "floating_ha": ha, "share_pct": 100 * field.area / lake.geometry.area,
                     "shore_m": settings.shore_m, "capacity_mwp": mwp, "yield_kwh_per_kwp": yields[key],
                     "energy_mwh_per_a": mwp * yields[key]})
        geoms.append(field if field.geom_type == "MultiPolygon" else shapely.MultiPolygon(
            [g for g in getattr(field, "geoms", [field]) if g.geom_type == "Polygon"]))
        progress.report((k + 1) / max(1, len(frame)), msg("floating_lake_step", n=k + 1, m=len(frame)))
    if any(not r["municipality"] for r in rows) and muni is not None:
        progress.warning(msg("floating_outside_municipalities",
                             lakes=", ".join(r["lake"] for r in rows if not r["municipality"])))
    for name, why in skipped.items():
        progress.info(msg("floating_lake_left_out", lake=name, why=why))
    out = gpd.GeoDataFrame(rows, columns=list(FIELDS), geometry=geoms, crs=crs)
    totals: dict[str, dict[str, float]] = {}
    for r in rows:
        t = totals.setdefault(r["municipality"], {"floating_ha": 0.0, "capacity_mwp": 0.0, "energy_mwh_per_a": 0.0})
        for key in t:
            t[key] += r[key]
    with OutputTransaction() as tx:
        if outputs.fields is not None:
            write_vector(tx.temp_for(outputs.fields), out, "floating_pv", "MultiPolygon")
        if outputs.table is not None:
            write_csv(tx.temp_for(outputs.table), list(FIELDS), [[r[f] for f in FIELDS] for r in rows])
    progress.info(msg("floating_summary", fields=len(rows), lakes=len(frame),
                      mwp=float(sum(r["capacity_mwp"] for r in rows)),
                      gwh=float(sum(r["energy_mwh_per_a"] for r in rows) / 1000), source=WHG_SOURCE))
    return FloatingResult(out, totals, skipped, outputs)
