"""The steps of a profile before its sources: eligibility, suitability, WindBG, setback sweep, grid.

Eligibility and suitability outputs that already exist in the output folder with the same
provenance (catalogue id and version, the active criteria with their setbacks and filters,
resolution, kinds, area of interest) are reused, not recomputed (``plan.reuse``). The grid step
connects the grid-connected sites of all sources at once (:func:`grid_step`).
"""
from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import rasterio

from ..catalogue.loader import Catalogue, load_catalogue_spec
from ..data.layers import LayerRef, layer_info, read_layer
from ..data.outputs import OutputTransaction
from ..data.rasters import RASTER_ROLES, RasterRef
from ..eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    MunicipalityStats,
    run_eligibility,
)
from ..eligibility.sweep import SweepSettings, run_setback_sweep
from ..eligibility.windbg import WindbgSettings, municipal_areas_from_stats, windbg_accounting
from ..grid.catalogue import load_connection_catalogue
from ..grid.connection import plan_connections
from ..grid.settings import ConnectionSettings
from ..progress import Progress
from ..suitability.engine import SuitabilityOutputs, SuitabilitySettings, run_suitability
from .model import NO_SITES_TO_CONNECT, ProfilePlan, TechnologyFigures, TechnologyStep
from ..messages import msg

#: Keys of a technology step's catalogue (see :class:`~.model.TechnologyStep`).


# ----------------------------------------------------------------- catalogue and provenance
def raster_tags(path: Path) -> dict[str, str]:
    """The GDAL metadata of a raster written before ({} if it cannot be read)."""
    try:
        with rasterio.open(path) as ds:
            return dict(ds.tags())
    except Exception:  # noqa: BLE001 - an unreadable old file is simply not reused
        return {}


def aoi_tag(aoi: AreaOfInterest) -> str:
    """The area of interest as the eligibility raster records it (``WIP_AOI``)."""
    return f"{aoi.layer.describe()} {aoi.name_field} in {list(aoi.names) or 'all'}"


def read_table(path: Path) -> dict[str, MunicipalityStats]:
    """Per-municipality areas of an eligibility table written before (the TOTAL row left out)."""
    out = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["name"] == "TOTAL":
                continue
            cats = {k[len("eligible_"):-len("_ha")]: float(v) for k, v in row.items()
                    if k.startswith("eligible_") and k.endswith("_ha") and k != "eligible_ha" and v not in ("", None)}
            out[row["name"]] = MunicipalityStats(row["name"], row.get("ags", ""), float(row["total_ha"]),
                                                 float(row["eligible_ha"]), {}, categories=cats)
    return out


def same_criteria(reasons: Path, catalogue: Catalogue, kinds: tuple[str, ...]) -> bool:
    """Whether the reason bits of a raster name the catalogue's active criteria, setbacks and filters.

    Overrides change them without changing the catalogue version.
    """
    sidecar = Path(reasons).with_name(Path(reasons).stem + "_bits.json")
    try:
        bits = json.loads(sidecar.read_text(encoding="utf-8"))["bits"]
    except (OSError, ValueError, KeyError):
        return False
    found = {(b["id"], b["buffer"], b["filter"]) for b in bits if b.get("kind") != "permitted"}
    wanted = {(c.id, str(c.buffer), str(c.filter)) for c in catalogue.active(kinds) if c.kind != "permitted"}
    return found == wanted


# ----------------------------------------------------------------- eligibility and suitability
def eligibility_step(plan: ProfilePlan, step: TechnologyStep, progress: Progress) -> TechnologyFigures:
    """Eligibility of one technology: reused from the output folder if its provenance matches, else computed."""
    catalogue = load_catalogue_spec(step.catalogue)
    out = plan.output_dir
    outputs = EligibilityOutputs(out / f"{step.key}_eligibility.tif", out / f"{step.key}_reasons.tif",
                                 out / f"{step.key}_areas.gpkg", out / f"{step.key}_table.csv")
    tags = raster_tags(outputs.eligibility) if plan.reuse and outputs.eligibility.exists() else {}
    wanted = {"WIP_RESOLUTION_M": f"{plan.resolution_m:g}", "WIP_KINDS": ",".join(step.kinds),
              "WIP_AOI": aoi_tag(plan.aoi)}
    # the catalogue's id and version must match; overrides are compared criterion by criterion
    same_catalogue = tags.get("WIP_CATALOGUE", "").startswith(f"{catalogue.id} {catalogue.version} (")
    if tags and same_catalogue and all(tags.get(k) == v for k, v in wanted.items()) and outputs.polygons.exists() \
            and outputs.table.exists() and same_criteria(outputs.reasons, catalogue, step.kinds):
        progress.info(msg("profile_reusing_eligibility", source=step.key, path=str(outputs.eligibility)))
        return TechnologyFigures(step.key, catalogue, read_table(outputs.table), outputs, True)
    raster_roles = catalogue.raster_roles_needed(step.kinds)  # raster criteria, and the roles they derive from
    raster_roles += tuple(RASTER_ROLES[r].derived_from for r in raster_roles if RASTER_ROLES[r].derived_from)
    settings = EligibilitySettings(resolution_m=plan.resolution_m, crs=plan.crs, kinds=step.kinds,
                                   min_area_ha=step.min_area_ha, workers=plan.workers, scheduler=plan.scheduler,
                                   invalid_geometries=plan.invalid_geometries,
                                   rasters={r: RasterRef(p) for r, p in plan.rasters.items() if r in raster_roles})
    layers = {r: ref for r, ref in plan.layers.items() if r in catalogue.roles_needed(step.kinds)}
    missing = [r for r in catalogue.roles_needed(step.kinds) if r not in layers and r != "municipalities"]
    if missing:  # the eligibility run lists each criterion on them as not assessed (or refuses under require_all)
        progress.warning(msg("profile_layers_missing", step=step.key, roles=", ".join(missing), catalogue=catalogue.id))
    if "municipalities" in catalogue.roles_needed(step.kinds):
        layers.setdefault("municipalities", plan.aoi.layer)
    result = run_eligibility(catalogue, layers, plan.aoi, outputs, settings, progress)
    return TechnologyFigures(step.key, catalogue, {m.name: m for m in result.municipalities}, result.outputs, False)


def suitability_step(plan: ProfilePlan, tech: TechnologyFigures, progress: Progress) -> None:
    """Score the eligible land and sum the area of sites with a mean score ≥ the threshold (fills ``tech``)."""
    spec = tech.catalogue.suitability
    if spec is None:
        tech.suitability_note = "the catalogue has no suitability section"
        return
    raster_path = plan.output_dir / f"{tech.key}_suitability.tif"
    sites_path = plan.output_dir / f"{tech.key}_sites.gpkg"
    if tech.reused and plan.reuse and raster_path.exists() and sites_path.exists() \
            and raster_path.stat().st_mtime >= tech.outputs.eligibility.stat().st_mtime:
        progress.info(msg("profile_reusing", source=tech.key, path=str(raster_path)))
    else:
        missing_r = [r for r in spec.raster_roles() if r not in plan.rasters
                     and (RASTER_ROLES[r].derived_from if r in RASTER_ROLES else None) not in plan.rasters]
        missing_l = [r for r in spec.layer_roles() if r not in plan.layers and r != "municipalities"]
        if missing_r or missing_l:
            tech.suitability_note = f"not scored: inputs missing ({', '.join(missing_l + missing_r)})"
            progress.warning(msg("suitability_inputs_missing", technology=tech.key,
                                 roles=", ".join(missing_l + missing_r)))
            return
        layers = {r: ref for r, ref in plan.layers.items() if r in spec.layer_roles()}
        run_suitability(tech.catalogue, layers, plan.rasters, plan.aoi, tech.outputs.eligibility,
                        SuitabilityOutputs(raster_path, sites_path), SuitabilitySettings(
                            invalid_geometries=plan.invalid_geometries), progress,
                        eligible_areas=LayerRef(str(tech.outputs.polygons), "eligible_areas"))
    tech.suitability, tech.sites = raster_path, sites_path
    sites = gpd.read_file(sites_path, engine="pyogrio", columns=["name", "area_ha", "mean"], ignore_geometry=True)
    good = sites[pd.to_numeric(sites["mean"], errors="coerce") >= plan.suitable_min_score]
    tech.suitable_ha = {str(k): float(v) for k, v in good.groupby("name")["area_ha"].sum().items()}


def windbg_step(plan: ProfilePlan, tech: TechnologyFigures) -> dict[str, Any]:
    """WindBG rows by municipality name, and the accounting text under ``_accounting``."""
    munis = municipal_areas_from_stats(list(tech.stats.values()), plan.land)
    turbine = tech.catalogue.reference_turbine
    res = windbg_accounting(munis, LayerRef(str(tech.outputs.polygons), "eligible_areas"),
                            settings=WindbgSettings(rotor_in=plan.rotor_in and turbine is not None, turbine=turbine,
                                                    crs=plan.crs))
    return {r.name: r for r in res.rows} | {"_accounting": res.accounting}


def sweep_series(plan: ProfilePlan, technologies: Mapping[str, TechnologyFigures], tx: OutputTransaction,
                 progress: Progress) -> dict[str, Any] | None:
    """The wind setback sweep for the charts.

    Computed with ``plan.sweep_setbacks_m`` (settlement setback, with and without forest), else the
    one a scenario run wrote (``wind_sweep.csv``), else None.
    """
    if plan.sweep_setbacks_m and "wind" in technologies:
        cat = technologies["wind"].catalogue
        step = next(s for s in plan.technologies if s.key == "wind")
        swept = [c.id for c in cat.active(step.kinds) if "settlement_setback" in c.tags and c.kind != "permitted"]
        if not swept:
            progress.warning(msg("sweep_no_setback_criterion"))
            return None
        forest = [c.id for c in cat.active(step.kinds) if c.id == "forest" or "forest" in c.tags]
        labels = ("with forest", "without forest") if plan.language == "en" else ("mit Wald", "ohne Wald")
        variants = {labels[0]: [], labels[1]: forest} if forest else {labels[0]: []}
        layers = {r: ref for r, ref in plan.layers.items() if r in cat.roles_needed(step.kinds)}
        if "municipalities" in cat.roles_needed(step.kinds):
            layers.setdefault("municipalities", plan.aoi.layer)
        table = plan.output_dir / "profile_wind_sweep.csv"
        settings = EligibilitySettings(resolution_m=max(plan.sweep_resolution_m, plan.resolution_m), crs=plan.crs,
                                       kinds=step.kinds, workers=plan.workers,
                                       invalid_geometries=plan.invalid_geometries)
        res = run_setback_sweep(cat, layers, plan.aoi, swept[-1], plan.sweep_setbacks_m, variants,
                                settings=SweepSettings(settings), progress=progress)
        rows = [{"variant": r.variant, "name": r.name, "ags": r.ags, "setback_m": r.setback_m, "total_ha": r.total_ha,
                 "eligible_ha": r.eligible_ha, "eligible_pct": r.eligible_pct} for r in res.rows]
        pd.DataFrame(rows).to_csv(tx.temp_for(table), index=False, float_format="%.4f")
        return {"file": str(table), "criterion": swept[-1], "rows": rows,
                "resolution_m": settings.resolution_m}
    path = plan.output_dir / "wind_sweep.csv"
    if not path.exists():
        return None
    frame = pd.read_csv(path)
    return {"file": str(path), "rows": frame.to_dict("records")}


# ----------------------------------------------------------------- grid
#: The connection settings a profile takes over from the scenario's ``grid:`` (the sites are the profile's own).
PROFILE_GRID_KEYS = ("substation_voltage_field", "substation_free_field", "substation_name_field",
                     "unknown_free_capacity_mw", "allocation", "router", "highway_field")


def grid_step(plan: ProfilePlan, sites: gpd.GeoDataFrame, crs: Any, progress: Progress
              ) -> tuple[gpd.GeoDataFrame | None, dict[str, dict[str, float]], str, dict[str, Any]]:
    """Connect the grid-connected sites.

    Returns
    -------
    tuple
        The connection routes (or None), per site ``uid`` its ``connected_mw``, ``cost_eur``,
        ``status``, ``substation`` and ``length_km``, a note why there is no grid step ('' if
        there is one) and the connection catalogue's provenance.
    """
    if plan.grid_catalogue is None:
        return None, {}, "no grid step in this profile", {}
    if "substations" not in plan.layers:
        return None, {}, "no substation layer given", {}
    if sites.empty:
        return None, {}, NO_SITES_TO_CONNECT, {}
    cat = load_connection_catalogue(plan.grid_catalogue)
    reach = max(lv.max_route_m for lv in cat.levels) + 1000.0
    x0, y0, x1, y1 = sites.total_bounds
    bbox = (x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    settings = ConnectionSettings(**{**{k: v for k, v in plan.grid_settings.items() if k in PROFILE_GRID_KEYS},
                                     "capacity_field": "capacity_mw", "site_id_field": "uid"})
    sinfo = layer_info(plan.layers["substations"], "substations")
    cols = tuple(f for f in (settings.substation_voltage_field, settings.substation_free_field,
                             settings.substation_name_field) if f in sinfo.fields)
    subs = read_layer(plan.layers["substations"], "substations", crs, bbox, cols, invalid="repair")
    roads = None
    if "roads" in plan.layers:
        rinfo = layer_info(plan.layers["roads"], "roads")
        roads = read_layer(plan.layers["roads"], "roads", crs, bbox,
                           ("highway",) if "highway" in rinfo.fields else (), invalid="repair")
    frame = sites[["uid", "capacity_mw", "geometry"]].copy()
    res = plan_connections(frame, subs, cat, settings, roads=roads, progress=progress)
    table = res.sites.set_index("site_id")
    return res.connections, {str(k): {c: table.loc[k, c] for c in ("connected_mw", "cost_eur", "status",
                                                                      "substation", "length_km")}
                             for k in table.index}, "", cat.provenance()
