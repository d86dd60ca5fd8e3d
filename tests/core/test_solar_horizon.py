"""Horizon shading from the DEM: angles, the linearised loss against an exact run, the engine."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import rasterio
from test_solar import HALLE, _outputs, _write_raster, hill  # noqa: F401 (fixture)

from wip_qgis_plugin.core.solar import model as sm
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.solar.ground import NODATA, SolarOutputs, SolarSettings, run_solar_potential
from wip_qgis_plugin.core.solar.horizon import horizon_angles, horizon_loss, sample_offsets
from wip_qgis_plugin.core.solar.systems import load_pv_systems
from wip_qgis_plugin.core.data.weather import load_try


def test_flat_ground_has_no_horizon():
    dem = np.full((50, 50), 80.0)
    angles = horizon_angles(dem, np.array([25]), np.array([25]), 25.0, 16, 1000.0)
    assert angles.shape == (1, 16) and np.all(angles == 0)


def test_a_ridge_to_the_south():
    dem = np.zeros((200, 60))
    dem[120:, :] = 100.0          # 100 m high from row 120 on (south of the pixel at row 100)
    angles = horizon_angles(dem, np.array([100]), np.array([30]), 25.0, 8, 3000.0)[0]
    nearest = min(dist for dr, dc, dist in sample_offsets(25.0, 3000.0, 8)[4] if dr >= 20)
    assert angles[4] == pytest.approx(math.degrees(math.atan(100.0 / nearest)), abs=1e-4)   # south
    assert angles[0] == 0 and angles[2] == 0                                                 # north, east
    assert 0 < angles[3] < angles[4]                                                         # south-east


def test_linearised_loss_matches_an_exact_run():
    systems = load_pv_systems()
    weather = load_try(4)
    sky = sm.prepare_sky(weather, *HALLE, 100.0)
    fixed = systems.system("fixed_south")
    bands = sm.HorizonBands(16, 1.0, 45.0)
    yields, table = sm.specific_yields(sky, fixed, systems, [0.0, 8.0], [np.nan, 90.0], tilt_deg=34, horizon=bands)
    horizon = np.array([[10.0] * 16, [6.5] * 16])
    linear = yields - horizon_loss(table, np.array([0, 1]), horizon, bands.band_deg)
    # exact: no beam while the sun is lower than the horizon
    for i, (slope, aspect, h) in enumerate([(0.0, np.nan, 10.0), (8.0, 90.0, 6.5)]):
        blocked = (90.0 - sky.zenith) < h
        shaded = dataclasses.replace(sky, dni=np.where(blocked, 0.0, sky.dni),
                                     ghi=np.where(blocked, sky.dhi, sky.ghi))
        exact = sm.specific_yields(shaded, fixed, systems, [slope], [aspect], tilt_deg=34)[0]
        assert yields[i] - linear[i] == pytest.approx(yields[i] - exact, rel=0.1, abs=0.5)   # the loss itself
        assert yields[i] - linear[i] > 3


def test_engine_with_horizon(hill):
    plain = run_solar_potential(hill["elig"], {"dem": str(hill["dem"])}, None, None,
                                SolarOutputs(hill["tmp"] / "a.tif"), SolarSettings())
    shaded = run_solar_potential(hill["elig"], {"dem": str(hill["dem"])}, None, None,
                                 SolarOutputs(hill["tmp"] / "b.tif"), SolarSettings(horizon=True, horizon_distance_m=800.0))
    with rasterio.open(hill["tmp"] / "a.tif") as a, rasterio.open(hill["tmp"] / "b.tif") as b:
        ya, yb = a.read(1), b.read(1)
        assert b.tags()["WIP_HORIZON"].startswith("16 directions")
    mask = ya != NODATA
    assert np.all(yb[mask] <= ya[mask] + 1e-3)
    # north of the hill top (row 20) the hill stands in the south: more loss than south of it
    loss = ya - yb
    assert loss[5, 20] > loss[35, 20] >= 0
    assert 0 < shaded.horizon_loss_pct < 5 and plain.horizon_loss_pct == 0


def test_horizon_needs_the_dem(hill):
    with pytest.raises(InputError, match="Horizon shading needs the elevation model"):
        run_solar_potential(hill["elig"], None, None, None, SolarOutputs(hill["tmp"] / "c.tif"), SolarSettings(horizon=True))
