"""Turbines: windpowerlib's library, user YAML turbines validated in one pass, density correction."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from wip_qgis_plugin.core.wind.turbines import (
    TurbineError,
    WindTurbine,
    _curve_from_data_file,
    density_corrected_power_kw,
    load_turbine,
    nearest_windpowerlib_type,
    parse_turbine,
    turbine_presets,
    windpowerlib_turbine,
)
from wip_qgis_plugin.core.units import Turbine, parse_distance
from wip_qgis_plugin.core.eligibility.windbg import inward_offset_m


@pytest.mark.parametrize("name, kw, rotor", [("E-141/4200", 4200, 141), ("N131/3600", 3600, 131),
                                             ("V126/3450", 3450, 126)])
def test_windpowerlib_types(name, kw, rotor):
    t = load_turbine(name, 140.0)
    assert t.nominal_power_kw == kw and t.rotor_diameter_m == rotor and t.hub_height_m == 140.0
    assert max(t.power_kw) == pytest.approx(kw, rel=0.02)
    assert t.power_curve_kw(0.5) == 0.0 and t.power_curve_kw(40.0) == 0.0


def test_windpowerlib_curve_equals_its_data_file():
    """The curve through windpowerlib's WindTurbine (pandas 3) equals the data file read directly."""
    t = windpowerlib_turbine("E-141/4200", 159.0)
    speeds, power_w = _curve_from_data_file("E-141/4200")
    np.testing.assert_allclose(t.wind_speeds_m_s, speeds)
    np.testing.assert_allclose(np.array(t.power_kw) * 1000.0, power_w)


def test_default_hub_height_is_the_highest_listed():
    assert windpowerlib_turbine("E-141/4200").hub_height_m == 159.0


def test_a_wind_turbine_is_a_turbine_for_setbacks_and_rotor_in():
    t = load_turbine("E-141/4200", 159.0)
    assert isinstance(t, Turbine)
    assert t.total_height_m == pytest.approx(229.5)
    assert parse_distance("2 H").metres(t) == pytest.approx(459.0)
    assert inward_offset_m(t, 4.0) == pytest.approx(66.5)


def test_density_correction_matches_windpowerlib():
    from windpowerlib.power_output import power_curve_density_correction

    t = load_turbine("N131/3600", 134.0)
    v = np.array([3.5, 6.0, 9.0, 11.0, 14.0])
    ours = density_corrected_power_kw(t, v, 1.17)
    theirs = power_curve_density_correction(pd.Series(v), pd.Series(t.wind_speeds_m_s), pd.Series(np.array(t.power_kw)),
                                            pd.Series([1.17] * len(v)))
    np.testing.assert_allclose(ours, theirs.to_numpy(), rtol=1e-9)
    assert (ours[:3] < t.power_curve_kw(v)[:3]).all()  # thinner air, less power below rated
    np.testing.assert_allclose(density_corrected_power_kw(t, v, 1.225), t.power_curve_kw(v))


def test_reference_turbine_preset():
    assert "nrel_6mw_170" in turbine_presets()
    t = load_turbine("nrel_6mw_170")
    assert t.rotor_diameter_m >= 160 and 6000 <= t.nominal_power_kw <= 7000
    assert "NREL" in t.source and t.hub_height_m == 165.0
    assert t.power_curve_kw(13.25) == 6000 and t.power_curve_kw(26.0) == 0
    assert load_turbine("nrel_6mw_170", 145.0).hub_height_m == 145.0


def _raw(**changes):
    raw = {"schema": "wip-turbine/1", "id": "t1", "name": "T", "hub_height": "120 m", "rotor_diameter": "100 m",
           "nominal_power": "2 MW", "source": "data sheet",
           "power_curve": {"wind_speed_unit": "m/s", "power_unit": "kW", "air_density": "1.225 kg/m3",
                           "points": [[3, 0], [8, 1000], [12, 2000], [25, 2000]]}}
    raw.update(changes)
    return raw


def test_yaml_turbine_in_all_units(tmp_path):
    raw = _raw(power_curve={"wind_speed_unit": "km/h", "power_unit": "MW",
                            "points": [[10.8, 0], [28.8, 1.0], [43.2, 2.0], [90, 2.0]]})
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    t = load_turbine(str(path))
    assert isinstance(t, WindTurbine)
    np.testing.assert_allclose(t.wind_speeds_m_s, [3, 8, 12, 25])
    np.testing.assert_allclose(t.power_kw, [0, 1000, 2000, 2000])


def test_yaml_turbine_reports_every_problem_at_once():
    raw = _raw(hub_height=120, nominal_power="2 GW", source="", colour="red")
    raw["power_curve"] = {"wind_speed_unit": "mph", "power_unit": "kW", "points": [[3, 0], [2, 5], "x"]}
    with pytest.raises(TurbineError) as err:
        parse_turbine(raw, "t.yaml")
    text = str(err.value)
    for place in ("hub_height:", "nominal_power:", "source:", "colour:", "power_curve.wind_speed_unit",
                  "power_curve.points[2]", "increase strictly"):
        assert place in text, place
    assert len(err.value.problems) >= 7


def test_curve_above_nominal_power_is_refused():
    with pytest.raises(TurbineError, match="more than the nominal power"):
        parse_turbine(_raw(nominal_power="1 MW"), "t.yaml")


def test_unknown_turbine_suggests_names():
    with pytest.raises(Exception, match="E-141/4200"):
        load_turbine("E-141/420")


def test_nearest_type_for_existing_turbines():
    assert nearest_windpowerlib_type(141, 4200) == "E-141/4200"
    assert nearest_windpowerlib_type(82, 2050).startswith("E-82/")
