#!/usr/bin/env python3
"""Fleet validation (issue 14, item 4; not a test): the real 2015 turbines of the region against the measured fleet.

The UFZ turbines (../shared/realdata/ufz_re_plants_2015, 2,855 in central Germany, hub height and rotor diameter
each) are modelled as the engine models a turbine: the nearest windpowerlib power curve at the turbine's own hub
height, the TRY 2010 hourly wind of its climate region lifted from 10 m with the roughness table, the air density
at the hub, then the stated losses. The difference to the measured fleet figure (ABW fleet 2011–2015: 1,630 full-load
hours, DOMAIN.md) is split into the parts this data can quantify, each by number:

The DWD TRY is what the engine uses; step 4 also checks the engine's lift of its 10 m wind to 100 m against the
reanalysis.

1. the model with the engine's default losses (availability 3 %, electrical 2 %, a 5 % wake placeholder);
2. wakes computed instead of the placeholder: the Jensen deficits of ``core.wind.wakes`` on the real positions of
   the fleet (farms are where the wakes are; the TRY's direction rose, sub-directions of 2°, the generic Ct curve),
   simplified for a fleet of mixed types (one median rotor per region, the cube law for the energy: an upper
   estimate of the wake loss);
3. the fleet's own mix by commissioning period (old, low turbines beside new, tall ones).

4. the wind year: the same turbine through the same lift of a 10 m wind, once with the TRY's mean year and once
   with the ERA5 reanalysis year 2017 of ../shared/realdata/met_era5_berlin_2017_feedinlib (six grid points near
   Berlin, 120–150 km from the Revier, the only reanalysis year the shared data has): the ratio is a measured
   example of how far one real year lies from the TRY, not the index of 2011–2015;
5. curtailment under Einspeisemanagement as a stated assumption (``--curtailment-pct``), not a measurement.

What stays after these is printed as the remainder.

Usage::

    python benchmarks/fleet.py [--gpkg ../shared/realdata/ufz_re_plants_2015/ufz_re_plants_mitteldeutschland.gpkg]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from wip_qgis_plugin.core.data.weather import find_try_region, load_try  # noqa: E402
from wip_qgis_plugin.core.wind.energy import Losses  # noqa: E402
from wip_qgis_plugin.core.wind.physics import (  # noqa: E402
    air_density_kg_m3,
    reference_to_hub_speed,
    series_energy_mwh,
)
from wip_qgis_plugin.core.wind.roughness import load_roughness_table  # noqa: E402
from wip_qgis_plugin.core.wind.turbines import load_turbine, nearest_windpowerlib_type  # noqa: E402
from wip_qgis_plugin.core.wind.wakes import jensen_deficits, thrust_coefficients, wind_rose  # noqa: E402

DEFAULT_GPKG = HERE.parents[1] / "shared" / "realdata" / "ufz_re_plants_2015" / "ufz_re_plants_mitteldeutschland.gpkg"
#: Measured fleet figure the model is held against (DOMAIN.md: ABW fleet 2011–2015). [h/a]
MEASURED_FLH = 1630.0
DEFAULT_ERA5 = HERE.parents[1] / "shared" / "realdata" / "met_era5_berlin_2017_feedinlib" / "ERA5_example_data.nc"
#: Assumed share of wind energy curtailed under Einspeisemanagement (§ 14 EEG 2014) in 2011–2015. [%]
#: Assumption, not a measurement: the Monitoringberichte of BNetzA/BKartA give 0.4 TWh (2011) to 4.7 TWh (2015)
#: curtailed in Germany, mostly wind in the north, i.e. about 1–6 % of onshore wind; the 50Hertz area south of
#: Brandenburg lies in the lower half.
CURTAILMENT_PCT = 2.0


def fleet(path: Path):
    """The plausible turbines (hub ≥ 40 m, rotor ≥ 40 m, ≥ 500 kW) in EPSG:25832 with lon/lat."""
    import pyogrio
    from pyproj import Transformer

    t = pyogrio.read_dataframe(path, layer="windpower")
    t = t[(t["Hub_m"] >= 40) & (t["Dia_m"] >= 40) & (t["Power_kW"] >= 500)].reset_index(drop=True)
    lon, lat = Transformer.from_crs(t.crs, "EPSG:4326", always_xy=True).transform(t.geometry.x.values,
                                                                                   t.geometry.y.values)
    xy = np.column_stack(Transformer.from_crs(t.crs, "EPSG:25832", always_xy=True).transform(
        t.geometry.x.values, t.geometry.y.values))
    return t, np.asarray(lon), np.asarray(lat), xy


def gross_and_wakes(t, lon, lat, xy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per turbine: rated power [MW], gross energy before losses [MWh/a] and the Jensen wake loss [-] of the fleet."""
    table = load_roughness_table()
    regions = np.array([find_try_region(a, b) for a, b in zip(lon, lat)])
    rated = t["Power_kW"].to_numpy(float) / 1000.0
    gross = np.empty(len(t))
    waked = np.empty(len(t))
    for region in np.unique(regions):
        weather = load_try(int(region))
        v10 = weather.data["wind_speed"].to_numpy()
        temp, pres = float(weather.data["temp_air"].mean()), float(weather.data["pressure"].mean())
        directions, freq, ratios = wind_rose(v10, weather.data["wind_direction"].to_numpy(), 12, 2.0)
        sel = np.flatnonzero(regions == region)
        turbines = {}
        for i in sel:
            key = (nearest_windpowerlib_type(float(t["Dia_m"][i]), float(t["Power_kW"][i])), float(t["Hub_m"][i]))
            if key not in turbines:
                rotor = float(t["Dia_m"][i])
                turbines[key] = load_turbine(key[0], max(key[1], 0.5 * max(rotor, 1.0) + 5.0, 45.0))
            turbine = turbines[key]
            v_hub = reference_to_hub_speed(v10, weather.wind_height_m, turbine.hub_height_m, table.default_m,
                                           table.reference_station_m, 250.0)
            rho = float(air_density_kg_m3(weather.elevation_m, turbine.hub_height_m, temp, pres, weather.elevation_m))
            gross[i] = series_energy_mwh(turbine, v_hub, rho)
            rated[i] = turbine.nominal_power_mw
        # wakes of the fleet in this region, simplified for a mixed fleet: every rotor with the region's median
        # radius, Ct of the generic curve at a 7 m/s mean hub speed scaled by the direction's speed ratio, and the
        # energy lost taken as 1 − (1 − δ)³ (the cube law below rated speed: an upper estimate of the energy lost)
        radius = t["Dia_m"].to_numpy(float)[sel] / 2.0
        mean_hub = np.array([7.0] * len(sel))
        loss = np.zeros(len(sel))
        pts = xy[sel]
        for deg, f, r in zip(directions, freq, ratios):
            ct = np.full(len(sel), float(thrust_coefficients(next(iter(turbines.values())), [mean_hub[0] * r])[0]))
            deficit = jensen_deficits(pts, float(deg), float(np.median(radius)), ct)
            loss += f * (1.0 - (1.0 - deficit) ** 3)
        waked[sel] = np.clip(loss, 0.0, 1.0)
    return rated, gross, waked


def era5_wind_100m(path: Path) -> tuple[np.ndarray, float, float]:
    """ERA5 100 m wind speed, mean of the grid points [m/s], mean 2 m temperature [°C], mean pressure [Pa].

    The 100 m wind, not the 10 m one: ERA5's 10 m wind is that of a grid cell with its own roughness (0.69 m
    around Berlin: city and forest), not comparable to a station's 10 m wind over short grass.
    """
    from scipy.io import netcdf_file

    with netcdf_file(path, "r", mmap=False) as nc:
        def var(name: str) -> np.ndarray:
            v = nc.variables[name]
            raw = v[:].astype(float)
            raw[raw == v._attributes.get("_FillValue", -32767)] = np.nan
            return raw * v.scale_factor + v.add_offset

        speed = np.hypot(var("u100"), var("v100"))  # (time, lat, lon)
        return np.nanmean(speed, axis=(1, 2)), float(np.nanmean(var("t2m")) - 273.15), float(np.nanmean(var("sp")))


def wind_year_ratio(t, era5: Path) -> tuple[float, float, float, str]:
    """Energy of the fleet's median turbine with ERA5 2017 against the TRY of region 4 (the same lift). [-]

    Returns the energy ratio, the two mean 100 m speeds (the TRY's as the engine lifts it) [m/s] and the
    turbine's description.
    """
    table = load_roughness_table()
    rotor, hub, power_kw = (float(np.median(t[c])) for c in ("Dia_m", "Hub_m", "Power_kW"))
    turbine = load_turbine(nearest_windpowerlib_type(rotor, power_kw), max(hub, 0.5 * rotor + 5.0, 45.0))
    weather = load_try(4)
    v_try = weather.data["wind_speed"].to_numpy()
    v_era, temp, pres = era5_wind_100m(era5)
    energies = []
    for v, height_m, t_c, p_pa in (
            (v_try, 10.0, float(weather.data["temp_air"].mean()), float(weather.data["pressure"].mean())),
            (v_era, 100.0, temp, pres)):
        v_hub = reference_to_hub_speed(v, height_m, turbine.hub_height_m, table.default_m, table.reference_station_m,
                                       250.0)
        rho = float(air_density_kg_m3(weather.elevation_m, turbine.hub_height_m, t_c, p_pa, weather.elevation_m))
        energies.append(series_energy_mwh(turbine, v_hub, rho))
    label = f"{turbine.name}, hub {turbine.hub_height_m:.0f} m"
    v_try_100 = reference_to_hub_speed(v_try, 10.0, 100.0, table.default_m, table.reference_station_m, 250.0)
    return energies[1] / energies[0], float(np.nanmean(v_try_100)), float(np.nanmean(v_era)), label


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gpkg", type=Path, default=DEFAULT_GPKG)
    parser.add_argument("--era5", type=Path, default=DEFAULT_ERA5)
    parser.add_argument("--curtailment-pct", type=float, default=CURTAILMENT_PCT,
                        help="assumed share of wind energy curtailed under Einspeisemanagement [%%]")
    args = parser.parse_args(argv)
    if not args.gpkg.is_file():
        print(f"{args.gpkg} is absent: nothing to validate.")
        return 0
    t, lon, lat, xy = fleet(args.gpkg)
    rated, gross, wake = gross_and_wakes(t, lon, lat, xy)
    year = t["Year"].to_numpy()
    default = Losses()
    placeholder = gross * default.factor() / rated
    no_wake = Losses(wake_pct=0.0).factor()
    computed = gross * no_wake * (1.0 - wake) / rated
    print(f"UFZ 2015 fleet: {len(t):,} turbines, {rated.sum():,.0f} MW; measured ABW fleet 2011–2015: "
          f"{MEASURED_FLH:,.0f} h/a")
    print(f"1. model, default losses (availability {default.availability_pct:g} %, electrical "
          f"{default.electrical_pct:g} %, wake placeholder {default.wake_pct:g} %): median {np.median(placeholder):,.0f}"
          f" h/a ({100 * (np.median(placeholder) / MEASURED_FLH - 1):+.1f} %)")
    print(f"2. wakes computed on the real positions (Jensen, k 0.075): fleet wake loss "
          f"{100 * np.average(wake, weights=rated):.1f} % (capacity-weighted; median turbine {100 * np.median(wake):.1f}"
          f" %); median {np.median(computed):,.0f} h/a ({100 * (np.median(computed) / MEASURED_FLH - 1):+.1f} %)")
    for lo, hi in ((1991, 2000), (2001, 2005), (2006, 2010), (2011, 2015)):
        sel = (year >= lo) & (year <= hi)
        if sel.any():
            print(f"   built {lo}–{hi}: {sel.sum():,} turbines, median {np.median(computed[sel]):,.0f} h/a")
    capacity_weighted = np.average(computed, weights=rated)
    print(f"3. capacity-weighted fleet figure {capacity_weighted:,.0f} h/a "
          f"({100 * (capacity_weighted / MEASURED_FLH - 1):+.1f} % against the measured fleet)")
    figure = capacity_weighted
    if args.era5.is_file():
        ratio, v_try, v_era, label = wind_year_ratio(t, args.era5)
        print(f"4. wind year: ERA5 2017 near Berlin, mean 100 m wind {v_era:.2f} m/s against {v_try:.2f} m/s "
              f"of the TRY region 4 mean year lifted by the engine; energy of the median turbine ({label}) {100 * (ratio - 1):+.1f} %. One real "
              "year, 120–150 km away: an example of the spread of single years, not applied to the fleet figure")
    else:
        print(f"4. wind year: {args.era5} is absent; not sized")
    figure *= 1.0 - args.curtailment_pct / 100.0
    print(f"5. curtailment (assumption, not measured) {args.curtailment_pct:g} %: {figure:,.0f} h/a")
    remainder = 100 * (figure / MEASURED_FLH - 1)
    print(f"   remainder against the measured fleet {remainder:+.1f} % "
          f"({'within' if abs(remainder) <= 10 else 'outside'} ±10 %); not sized by the shared data: the wind years "
          "2011–2015 of the Revier itself, availability of ageing turbines beyond the default 3 %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
