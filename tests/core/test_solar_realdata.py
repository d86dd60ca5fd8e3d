"""Validation against the real PV parks of central Germany (UFZ, status 2015), where present.

For every open-field PV park: the modelled specific yield of fixed south racks at the optimum
tilt on the TRY 2010 weather of its climate region (sun at the park), and its installed capacity
density (capacity / polygon area) against the preset's assumption. Run with ``-s`` to see the
figures::

    .venv/bin/python -m pytest tests/core/test_solar_realdata.py -p no:qgis -q -s
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wip_qgis_plugin.core.solar import model as sm
from wip_qgis_plugin.core.solar.systems import load_pv_systems
from wip_qgis_plugin.core.data.weather import find_try_region, load_try

UFZ = Path("/work/shared/realdata/ufz_re_plants_2015/ufz_re_plants_mitteldeutschland.gpkg")


@pytest.fixture(scope="module")
def parks():
    if not UFZ.is_file():
        pytest.skip(f"real data not present: {UFZ}")
    import geopandas as gpd

    frame = gpd.read_file(UFZ, layer="photovoltaics_open_space")
    frame = frame[(frame["Power_kW"] > 0) & (frame["Area_sqm"] > 0)].reset_index(drop=True)
    centres = frame.geometry.representative_point().to_crs("EPSG:4326")
    frame["lon"], frame["lat"] = centres.x.to_numpy(), centres.y.to_numpy()
    frame["density_mwp_per_ha"] = frame["Power_kW"] / 1000.0 / (frame.geometry.area / 10_000.0)
    return frame


def modelled_yields(parks) -> np.ndarray:
    systems = load_pv_systems()
    fixed = systems.system("fixed_south")
    out = np.empty(len(parks))
    weather: dict[int, object] = {}
    cache: dict[tuple, float] = {}
    for i, (lon, lat) in enumerate(zip(parks["lon"], parks["lat"])):
        region = find_try_region(lon, lat)
        key = (region, round(lat, 1), round(lon, 1))   # the sun at 0.1° (≈ 10 km): < 0.1 % yield
        if key not in cache:
            weather.setdefault(region, load_try(region))
            sky = sm.prepare_sky(weather[region], key[1], key[2], weather[region].elevation_m)
            cache[key] = sm.specific_yields(sky, fixed, systems, [0.0], [np.nan])[0]
        out[i] = cache[key]
    return out


def test_ufz_parks_yield_and_capacity_density(parks):
    systems = load_pv_systems()
    assumed = systems.capacity_density_mwp_per_ha("fixed_south")
    yields = modelled_yields(parks)
    kw = parks["Power_kW"].to_numpy()
    density = parks["density_mwp_per_ha"].to_numpy()
    area_ha = parks.geometry.area.to_numpy() / 10_000.0
    regions = [find_try_region(lo, la) for lo, la in zip(parks["lon"], parks["lat"])]
    q = np.percentile(density, [10, 25, 50, 75, 90])
    print(f"\nUFZ open-field PV parks 2015 in the clip: {len(parks)} parks, {kw.sum() / 1000:,.0f} MWp, "
          f"{area_ha.sum():,.0f} ha")
    print(f"TRY regions: {dict(zip(*np.unique(regions, return_counts=True)))}")
    for region in sorted(set(regions)):
        sel = np.asarray(regions) == region
        print(f"  region {region}: {sel.sum()} parks, {kw[sel].sum() / 1000:,.0f} MWp, modelled "
              f"{yields[sel].min():.0f}–{yields[sel].max():.0f} kWh/kWp/a")
    print(f"modelled specific yield (fixed south, optimum tilt, 14.08 % losses): min {yields.min():.0f}, "
          f"median {np.median(yields):.0f}, max {yields.max():.0f}, capacity-weighted "
          f"{np.average(yields, weights=kw):.0f} kWh/kWp/a")
    print(f"modelled energy of the parks: {(yields * kw).sum() / 1e6:,.0f} GWh/a")
    print(f"installed capacity density: p10 {q[0]:.2f}, p25 {q[1]:.2f}, median {q[2]:.2f}, p75 {q[3]:.2f}, "
          f"p90 {q[4]:.2f} MWp/ha; area-weighted {kw.sum() / 1000 / area_ha.sum():.2f} MWp/ha "
          f"(preset fixed_south: {assumed:.2f} MWp/ha, modules of 2023/24)")
    by_year = {int(y): (parks['Power_kW'][parks['Year'] == y].sum() / 1000
                        / (parks.geometry.area[parks['Year'] == y].sum() / 10_000)) for y in sorted(set(parks['Year']))
               if (parks['Year'] == y).sum() >= 5}
    print("area-weighted density by commissioning year: "
          + ", ".join(f"{y}: {d:.2f}" for y, d in by_year.items()))
    # plausibility: DOMAIN.md 950–1,050 kWh/kWp for optimally tilted fixed PV; 1 MWp per 1–2.5 ha
    assert 930 < np.median(yields) < 1080
    assert np.percentile(yields, 90) - np.percentile(yields, 10) < 60   # most parks in TRY region 4
    assert 0.25 < q[2] < 1.0
    # the 2015 fleet (15–16 % modules) is less dense than the preset's 2023/24 assumption
    assert kw.sum() / 1000 / area_ha.sum() < assumed
