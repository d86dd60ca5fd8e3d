"""Validation against real turbines: the 2015 fleet of the region (UFZ), modelled with the nearest
windpowerlib power curve at their own hub heights and the TRY weather of their climate region,
against the fleet figures of the domain notes (Sachsen-Anhalt ≈ 1,500 h in 2023, ABW fleet 1,630 h
2011–2015). Skipped where ../shared/realdata is absent."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wip_qgis_plugin.core.wind.turbines import load_turbine, nearest_windpowerlib_type
from wip_qgis_plugin.core.data.weather import find_try_region, load_try
from wip_qgis_plugin.core.wind.energy import Losses
from wip_qgis_plugin.core.wind.physics import air_density_kg_m3, reference_to_hub_speed, series_energy_mwh
from wip_qgis_plugin.core.wind.roughness import load_roughness_table

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "ufz_re_plants_2015" / \
    "ufz_re_plants_mitteldeutschland.gpkg"
FLEET_FLH_ST_2023 = 1500.0
FLEET_FLH_ABW_2011_2015 = 1630.0


def modelled_fleet_flh(losses: Losses = Losses()) -> tuple[np.ndarray, np.ndarray]:
    """Net full-load hours of every UFZ turbine with plausible dimensions, and their commissioning years."""
    import pyogrio
    from pyproj import Transformer

    t = pyogrio.read_dataframe(REALDATA, layer="windpower")
    t = t[(t["Hub_m"] >= 40) & (t["Dia_m"] >= 40) & (t["Power_kW"] >= 500)].reset_index(drop=True)
    lon, lat = Transformer.from_crs(t.crs, "EPSG:4326", always_xy=True).transform(t.geometry.x.values,
                                                                                   t.geometry.y.values)
    table = load_roughness_table()
    regions = np.array([find_try_region(a, b) for a, b in zip(lon, lat)])
    flh = np.empty(len(t))
    for region in np.unique(regions):
        weather = load_try(int(region))
        v10 = weather.data["wind_speed"].to_numpy()
        temp, pres = float(weather.data["temp_air"].mean()), float(weather.data["pressure"].mean())
        sel = np.flatnonzero(regions == region)
        groups: dict[tuple[str, float], list[int]] = {}
        for i in sel:
            key = (nearest_windpowerlib_type(float(t["Dia_m"][i]), float(t["Power_kW"][i])), float(t["Hub_m"][i]))
            groups.setdefault(key, []).append(i)
        for (wpl_type, hub), idx in groups.items():
            rotor = float(t["Dia_m"][idx[0]])
            turbine = load_turbine(wpl_type, max(hub, 0.5 * max(rotor, 1.0) + 5.0, 45.0))
            v_hub = reference_to_hub_speed(v10, weather.wind_height_m, turbine.hub_height_m, table.default_m,
                                           table.reference_station_m, 250.0)
            rho = float(air_density_kg_m3(weather.elevation_m, turbine.hub_height_m, temp, pres, weather.elevation_m))
            energy = series_energy_mwh(turbine, v_hub, rho) * losses.factor()
            flh[idx] = energy / turbine.nominal_power_mw
    return flh, t["Year"].to_numpy()


@pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata/ufz_re_plants_2015 is absent")
def test_fleet_full_load_hours_against_domain_figures(capsys):
    flh, year = modelled_fleet_flh()
    q = np.percentile(flh, [10, 25, 50, 75, 90])
    with capsys.disabled():
        print(f"\nUFZ 2015 fleet, n = {len(flh)}: modelled net full-load hours P10 {q[0]:.0f}, P25 {q[1]:.0f}, "
              f"median {q[2]:.0f}, P75 {q[3]:.0f}, P90 {q[4]:.0f}, mean {flh.mean():.0f} h/a; "
              f"built ≤ 2005: median {np.median(flh[year <= 2005]):.0f}, 2011–2015: "
              f"{np.median(flh[year >= 2011]):.0f} h/a; fleet figures {FLEET_FLH_ABW_2011_2015:.0f} (ABW 2011–15), "
              f"{FLEET_FLH_ST_2023:.0f} (ST 2023)")
    # The model (TRY mean year, open farmland, no curtailment, 5 % wake placeholder) must land within
    # ±40 % of the fleet's measured figure and rank newer, taller turbines above old ones.
    assert 0.6 * FLEET_FLH_ABW_2011_2015 < np.median(flh) < 1.4 * FLEET_FLH_ABW_2011_2015
    assert np.median(flh[year >= 2011]) > np.median(flh[year <= 2005])
