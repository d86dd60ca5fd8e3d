"""The files of a profile: ``profile.json``, the indicator and hourly CSVs, the GeoPackage, the reports.

All written through the run's :class:`~..data.outputs.OutputTransaction` (all or nothing). The
provenance travels with every file: in ``profile.json``, in the CSV's first line and as GDAL
layer metadata of the GeoPackage (QGIS: Layer Properties → Information).
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..data.outputs import OutputTransaction, write_json
from ..progress import Progress
from ..plain import to_plain
from .demand import hourly_demand_mw
from .indicators import indicator_columns, municipality_land, total_row
from .model import ProfileResult, hours_of_year
from .report import write_reports

def csv_cell(value: Any) -> Any:
    """A value of the indicator CSV: floats with 4 decimals, NaN and None empty."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:.4f}" if isinstance(value, float) else value


def write_layer(path: Path, frame: gpd.GeoDataFrame, layer: str) -> None:
    """Add ``frame`` as ``layer`` to a GeoPackage (text columns as strings)."""
    frame = frame.copy()
    for c in frame.columns:
        if c != "geometry" and frame[c].dtype == object:
            frame[c] = frame[c].astype(str)
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", mode="a" if Path(path).exists() else "w")


def write_outputs(result: ProfileResult, progress: Progress, tx: OutputTransaction) -> None:
    """Write every file of the profile through ``tx`` and record them in ``result.files``."""
    out = result.plan.output_dir
    files = {"indicators": out / "profile_indicators.csv", "json": out / "profile.json",
             "hourly": out / "profile_hourly.csv", "gpkg": out / "profile_sites.gpkg"}
    cols = indicator_columns(result)
    tmp = tx.temp_for(files["indicators"])
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# WIP municipal energy profile {result.provenance['wip_version']}, "
                 f"{result.provenance['created']}; provenance in profile.json\n")
        w = csv.writer(fh)
        w.writerow(["name", "ags", *cols])
        for m in result.municipalities:
            w.writerow([m.name, m.ags, *(csv_cell(m.indicators.get(c)) for c in cols)])
        tot = total_row(result)
        w.writerow(["TOTAL", "", *(csv_cell(tot.get(c)) for c in cols)])
    hourly = {"hour": np.arange(hours_of_year(result.plan.year))}
    for m in result.municipalities:
        if m.balance is not None:
            hourly[f"{m.name}_demand_mw"] = m.balance.demand
            hourly[f"{m.name}_generation_mw"] = m.balance.generation
        elif m.demand is not None:
            hourly[f"{m.name}_demand_mw"] = hourly_demand_mw(m.demand, result.demand_catalogue, result.plan.year,
                                                              municipality_land(result.plan, m.ags))
    pd.DataFrame(hourly).to_csv(tx.temp_for(files["hourly"]), index=False, float_format="%.4f")
    gpkg = tx.temp_for(files["gpkg"])
    munis = result.boundaries[["name", "ags", "geometry"]].copy()
    for c in cols:
        munis[c] = [m.indicators.get(c, np.nan) for m in result.municipalities]
    # the provenance travels with the layer (GDAL layer metadata; QGIS: Layer Properties → Information)
    munis.to_file(gpkg, layer="municipalities", driver="GPKG", engine="pyogrio", dataset_options={"VERSION": "1.2"},
                  layer_metadata={"WIP_PROVENANCE": json.dumps(to_plain(result.provenance), ensure_ascii=False)})
    site_cols = [c for c in ("uid", "source", "site_id", "municipality", "capacity_mw", "energy_mwh_per_a",
                             "grid_cost_eur", "grid_connected_mw", "grid_status", "substation", "grid_length_km",
                             "lcoe_eur_per_mwh", "trade_tax_eur_per_a", "lease_eur_per_a")
                 if c in result.sites.columns]
    sites = result.sites[site_cols + ["geometry"]].copy()
    sites["rank"] = sites.groupby("municipality")["energy_mwh_per_a"].rank(ascending=False, method="first") \
        if len(sites) else []
    if "lcoe_eur_per_mwh" in sites.columns:  # the cheapest electricity first, per municipality and source
        sites["lcoe_rank"] = sites.groupby(["municipality", "source"])["lcoe_eur_per_mwh"].rank(method="first") \
            if len(sites) else []
    write_layer(gpkg, sites, "sites")
    if result.connections is not None and len(result.connections):
        write_layer(gpkg, result.connections, "connections")
    if result.plan.report:
        files.update(write_reports(result, tx, progress))
    result.files = files
    write_json(tx.temp_for(files["json"]), profile_json(result))


def profile_json(result: ProfileResult) -> dict[str, Any]:
    """The profile as JSON data (indicators, sources, top sites, monthly balance, provenance; NaN as None)."""
    munis = []
    for m in result.municipalities:
        entry: dict[str, Any] = {"name": m.name, "ags": m.ags, "indicators": m.indicators, "notes": m.notes,
                                 "top_sites": m.top_sites}
        if m.demand is not None:
            entry["demand_by_sector_mwh"] = m.demand.by_sector_mwh
            entry["demand_origin"] = m.demand.origin
        if m.balance is not None:
            entry["monthly_mwh"] = {k: v.tolist() for k, v in m.balance.monthly().items()}
        if m.scenarios:
            entry["demand_scenarios"] = [f.as_json() for f in m.scenarios]
        munis.append(entry)
    return to_plain({"municipalities": munis, "total": total_row(result),
                     "sources": {k: {"status": s.status, "reason": s.reason, "density": s.density}
                                 for k, s in result.sources.items()},
                     "provenance": result.provenance, "files": {k: str(v) for k, v in result.files.items()},
                     "seconds": result.seconds})

