"""Real-case shadow flicker: the astronomical shadow only in sunshine, with the rotor turning and its disc turned
into the wind — against a brute-force computation written here, instant by instant."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wip_qgis_plugin.core.wind.shadow import shadow_flicker, sun_path
from wip_qgis_plugin.core.wind.shadow_real import HourlyConditions, real_case_hours

HUB = np.array([0.0, 0.0, 160.0])
R = 70.5
WINDOWS = np.array([[-300.0, -250.0, 2.0], [450.0, -150.0, 2.0], [0.0, 500.0, 2.0]])


@pytest.fixture(scope="module")
def sun():
    return sun_path(51.6, 12.2, step_min=4.0)


def conditions(seed, sunny=0.5, calm=0.2, unknown=0.0):
    rng = np.random.default_rng(seed)
    n = 8760
    direction = rng.uniform(0, 2 * math.pi, n)
    direction[rng.random(n) < unknown] = np.nan
    return HourlyConditions(rng.random(n) < sunny, direction, np.where(rng.random(n) < calm, 1.0, 7.0))


def brute_force(sun, cond, window, cut_in=3.0):
    """Every instant: sunshine, rotor turning, and the ray to the sun crossing the disc turned into the wind."""
    count = 0
    for vector, minute in zip(sun.vectors, sun.minute):
        h = (minute // 60) % 8760
        if not cond.sunshine[h] or cond.hub_speed_m_s[h] < cut_in:
            continue
        theta = cond.wind_from_rad[h]
        normal = vector if not np.isfinite(theta) else np.array([math.sin(theta), math.cos(theta), 0.0])
        denom = float(normal @ vector)
        if abs(denom) < 1e-12:
            continue
        t = float(normal @ (HUB - window)) / denom
        if t > 0 and np.linalg.norm(window + t * vector - HUB) <= R:
            count += 1
    return count * sun.step_min / 60.0


def test_the_real_case_equals_a_brute_force_count(sun):
    cond = conditions(7)
    got = real_case_hours(HUB[None], R, WINDOWS, sun, cond, 2000.0)
    for k, window in enumerate(WINDOWS):
        assert got[k] == pytest.approx(brute_force(sun, cond, window), abs=1e-9)
    assert got.max() > 0


def test_always_sunny_turning_and_facing_the_sun_is_the_astronomical_case(sun):
    n = 8760
    facing = HourlyConditions(np.ones(n, bool), np.full(n, np.nan), np.full(n, 8.0))
    astro = shadow_flicker(HUB[None], R, WINDOWS, sun, 2000.0).hours_per_year
    assert real_case_hours(HUB[None], R, WINDOWS, sun, facing, 2000.0) == pytest.approx(astro)
    assert astro.max() > 5
    dark = HourlyConditions(np.zeros(n, bool), np.zeros(n), np.full(n, 8.0))
    assert real_case_hours(HUB[None], R, WINDOWS, sun, dark, 2000.0).max() == 0.0
    still = HourlyConditions(np.ones(n, bool), np.zeros(n), np.full(n, 2.0))
    assert real_case_hours(HUB[None], R, WINDOWS, sun, still, 2000.0).max() == 0.0


def test_a_disc_turned_edge_on_casts_far_less_than_the_sphere(sun):
    """Wind from the receptor's side: the disc faces the receptor and the sun behind it is hidden by the disc's
    face; wind across that line: the disc stands edge-on to it and hides little."""
    n = 8760
    window = WINDOWS[2]                                     # north of the turbine: the sun behind it, from the south
    towards = math.atan2(window[0], window[1]) % (2 * math.pi)
    face = HourlyConditions(np.ones(n, bool), np.full(n, towards), np.full(n, 8.0))
    edge = HourlyConditions(np.ones(n, bool), np.full(n, towards + math.pi / 2), np.full(n, 8.0))
    h_face = real_case_hours(HUB[None], R, window[None], sun, face, 2000.0)[0]
    h_edge = real_case_hours(HUB[None], R, window[None], sun, edge, 2000.0)[0]
    assert h_face > 3 * h_edge
    assert h_face == pytest.approx(brute_force(sun, face, window), abs=1e-9)
