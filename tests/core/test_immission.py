"""Noise (ISO 9613-2, LAI Interimsverfahren) and shadow flicker against hand figures and independent computations."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from wip_qgis_plugin.core.errors import SpecError
from wip_qgis_plugin.core.wind.noise import (
    IMMISSION_PRESET,
    Contributions,
    SoundMode,
    band_power_db,
    contributions,
    energetic_sum_db,
    level_db,
    load_immission_table,
    reduce_for_noise,
)
from wip_qgis_plugin.core.wind.shadow import (
    SunPath,
    blade_coverage,
    shadow_flicker,
    shadow_hits,
    shadow_reach_m,
    sun_path,
)

#: Octave-band sound power of the hand example. [dB(A)]
HAND_LW = np.array([85.0, 92.0, 96.0, 99.0, 100.0, 98.0, 93.0, 84.0])


@pytest.fixture(scope="module")
def table():
    return load_immission_table()


# ------------------------------------------------------------------ the table
def test_shipped_table_values_and_sources(table):
    n = table.noise
    assert n.absorption_db_per_km.tolist() == [0.1, 0.4, 1.0, 1.9, 3.7, 9.7, 32.8, 117.0]
    assert n.ground_db == -3.0
    assert n.uncertainty_db == pytest.approx(1.28 * math.sqrt(0.5 ** 2 + 1.2 ** 2 + 1.0 ** 2))   # 2.10 dB
    assert energetic_sum_db(n.spectrum_db) == pytest.approx(0.0, abs=1e-9)
    assert {k: n.night_limits_db[k] for k in ("WR", "WA", "MI", "MD", "AB", "GE", "GI")} == {
        "WR": 35.0, "WA": 40.0, "MI": 45.0, "MD": 45.0, "AB": 45.0, "GE": 50.0, "GI": 70.0}
    assert n.default_sound_power_db(82.0) == 103.0 and n.default_sound_power_db(141.0) == 106.0
    s = table.shadow
    assert (s.max_hours_per_year, s.max_minutes_per_day, s.min_sun_elevation_deg, s.min_sun_coverage) == (
        30.0, 30.0, 3.0, 0.2)
    assert {"iso9613_2", "lai_interim", "ta_laerm", "lai_shadow"} <= set(table.sources)


def test_a_bad_table_reports_every_problem_at_once(tmp_path):
    raw = yaml.safe_load(IMMISSION_PRESET.read_text(encoding="utf-8"))
    raw["noise"]["ground"] = "-3"                       # no unit
    del raw["noise"]["sigma_forecast"]["source"]        # no source
    raw["noise"]["absorption"]["values"] = [0.1, 0.4]   # too few bands
    raw["noise"]["area_type_from_landuse"]["landuse=residential"] = "XX"
    raw["shadow"]["time_step"] = "30 min"
    path = tmp_path / "immission.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_immission_table(str(path))
    text = str(err.value)
    for part in ("noise.ground", "noise.sigma_forecast.source", "noise.absorption", "landuse=residential",
                 "shadow.time_step"):
        assert part in text


# ------------------------------------------------------------------ noise
def test_iso9613_hand_example(table):
    """One source, one receptor, octave bands, computed by hand (ISO 9613-2 with the Interimsverfahren's terms):
    hub 150 m, receptor window 5 m, 800 m apart on the ground: d = √(800² + 145²) = 813.03 m,
    A_div = 20 lg 813.03 + 11 = 69.20 dB, A_gr = −3 dB, A_atm = α·0.81303 km; band levels
    18.72, 25.47, 28.98, 31.25, 30.79, 23.91, 0.13, −77.33 dB(A) → L = 36.02 dB(A).
    A second, equal source 1,200 m away: 31.63 dB(A); both: 37.37 dB(A)."""
    level = level_db(HAND_LW[None, :], np.array([math.hypot(800.0, 145.0)]), table.noise)
    assert level[0] == pytest.approx(36.02, abs=0.01)
    c = contributions(np.array([[0.0, 0.0, 150.0], [2000.0, 0.0, 150.0]]), np.vstack([HAND_LW, HAND_LW]),
                      np.array([[800.0, 0.0, 5.0]]), table.noise)
    assert c.levels_db()[0] == pytest.approx(37.37, abs=0.01)
    assert 10 * np.log10(c.energy[c.source == 1][0]) == pytest.approx(31.63, abs=0.01)


def test_band_power_adds_up_and_the_spectrum_shapes_the_distance_law(table):
    bands = band_power_db([106.0, 103.0], table.noise.spectrum_db)
    assert energetic_sum_db(bands, axis=1) == pytest.approx([106.0, 103.0])
    d = np.array([300.0, 600.0, 1200.0, 2400.0])
    levels = level_db(np.repeat(bands[:1], 4, axis=0), d, table.noise)
    # each doubling: 6 dB of divergence plus the absorption of the extra distance, more with distance
    steps = -np.diff(levels)
    assert np.all(steps > 6.0) and np.all(np.diff(steps) > 0)


def test_receptors_beyond_reach_hear_nothing(table):
    c = contributions(np.array([[0.0, 0.0, 160.0]]), band_power_db([106.0], table.noise.spectrum_db),
                      np.array([[500.0, 0.0, 5.0], [20_000.0, 0.0, 5.0]]), table.noise, reach_m=10_000.0)
    levels = c.levels_db()
    assert np.isfinite(levels[0]) and levels[1] == -np.inf


def _grid_case(table, n_turbines=9, spacing=500.0):
    xs, ys = np.meshgrid(np.arange(3) * spacing, np.arange(n_turbines // 3) * spacing)
    hubs = np.column_stack([xs.ravel(), ys.ravel(), np.full(xs.size, 160.0)])
    rng = np.random.default_rng(3)
    angles = rng.uniform(0, 2 * np.pi, 40)
    dist = rng.uniform(700, 1500, 40)
    centre = hubs[:, :2].mean(axis=0)
    receptors = np.column_stack([centre[0] + dist * np.cos(angles), centre[1] + dist * np.sin(angles),
                                 np.full(40, 5.0)])
    return hubs, receptors


def test_reduction_meets_every_limit_it_reports(table):
    """Nine turbines at 106 dB(A) with receptors 0.7–1.5 km from the farm's centre, limit 40 dB(A): modes down
    to 100 dB(A), then removal; afterwards every receptor's rated level, recomputed from scratch with the modes
    chosen, is within its limit, and no turbine was quietened that a receptor did not need."""
    hubs, receptors = _grid_case(table)
    modes = [[SoundMode("0", 106.0, 1.0), SoundMode("SO2", 103.0, 0.93), SoundMode("SO4", 100.0, 0.82)]] * len(hubs)
    c = contributions(hubs, band_power_db([106.0] * len(hubs), table.noise.spectrum_db), receptors, table.noise)
    limits = np.full(len(receptors), 40.0)
    before = c.levels_db() + table.noise.uncertainty_db
    assert (before > limits).any()                   # the case needs a reduction
    result = reduce_for_noise(c, modes, limits, table.noise.uncertainty_db)
    assert result.met
    power = np.array([modes[t][m].sound_power_db if m >= 0 else -np.inf for t, m in enumerate(result.mode)])
    kept = result.mode >= 0
    again = contributions(hubs[kept], band_power_db(power[kept], table.noise.spectrum_db), receptors, table.noise)
    rated = again.levels_db() + table.noise.uncertainty_db
    assert np.all(rated <= limits + 1e-9)
    assert rated == pytest.approx(result.levels_db, abs=1e-9)
    # every change was needed: undoing the last step of any changed turbine breaks a limit
    for t in np.flatnonzero(result.mode != 0):
        louder = result.mode.copy()
        louder[t] = len(modes[t]) - 1 if louder[t] < 0 else louder[t] - 1
        p = np.array([modes[k][m].sound_power_db if m >= 0 else -np.inf for k, m in enumerate(louder)])
        on = louder >= 0
        test = contributions(hubs[on], band_power_db(p[on], table.noise.spectrum_db), receptors, table.noise)
        assert np.any(test.levels_db() + table.noise.uncertainty_db > limits + 1e-9)


def test_where_the_preload_exceeds_the_limit_new_turbines_must_be_irrelevant(table):
    """TA Lärm 3.2.1 (2): existing turbines give 45.5 dB(A) rated at a 45 dB(A) receptor; a new one adds 44 dB(A)
    (rated 46.1). It may add only 39 dB(A) rated (6 below the limit): −4 dB is not enough (42.1), −8 dB is (38.1)."""
    u = table.noise.uncertainty_db
    new = Contributions(np.array([0]), np.array([0]), np.array([10 ** 4.4]), 1)
    modes = [[SoundMode("0", 106.0), SoundMode("SO4", 102.0), SoundMode("SO8", 98.0)]]
    result = reduce_for_noise(new, modes, np.array([45.0]), u, np.array([10 ** ((45.5 - u) / 10)]))
    assert result.mode.tolist() == [2] and result.preloaded.tolist() == [True]
    assert not result.met                                            # the receptor stays over: the pre-load's doing
    assert 10 * np.log10(10 ** 4.4 * 10 ** -0.8) + u <= 45.0 - 6.0


def test_preload_alone_over_the_limit_is_reported_not_hidden(table):
    new = Contributions(np.array([0]), np.array([0]), np.array([10 ** 3.0]), 2)   # 30 dB at receptor 0
    limits = np.array([40.0, 40.0])
    pre = np.array([0.0, 10 ** 4.2])                                              # 42 dB of existing turbines
    result = reduce_for_noise(new, [[SoundMode("0", 105.0)]], limits, 2.1, pre)
    assert not result.met and result.mode.tolist() == [0]                         # the new one is not to blame
    assert result.levels_db[1] == pytest.approx(42.0 + 2.1)


# ------------------------------------------------------------------ shadow flicker
def test_blade_coverage_and_reach():
    assert blade_coverage(0.0) == 0.0 and blade_coverage(1.0) == pytest.approx(1.0)
    reach = shadow_reach_m(3.5, 0.533, 0.2)
    x = 3.5 / (reach * math.radians(0.533))
    assert blade_coverage(x) == pytest.approx(0.2, abs=1e-9)
    assert 2000 < reach < 2800


def _oracle_hours(lat, lon, hub, radius, receptor, step_min=1.0, min_elev=3.0):
    """Independent: pvlib's 'ephemeris' sun (another algorithm than the engine's SPA), 1-minute steps, and the
    ray–sphere intersection by its discriminant over every instant of the year (no azimuth window)."""
    import pvlib

    times = pd.date_range("2023-01-01 00:00", "2024-01-01 00:00", freq=f"{step_min}min", inclusive="left",
                          tz="Etc/GMT-1") + pd.Timedelta(minutes=step_min / 2)
    pos = pvlib.solarposition.ephemeris(times, lat, lon)
    el = np.radians(pos["apparent_elevation"].to_numpy())
    az = np.radians(pos["azimuth"].to_numpy())
    s = np.column_stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)])
    # ray P + t s hits the sphere |X − H| = R: t² − 2 t (s·v) + |v|² − R² = 0 has a root t > 0
    v = np.asarray(hub, float) - np.asarray(receptor, float)
    b = s @ v
    disc = b * b - (v @ v - radius * radius)
    hit = (disc >= 0) & (b + np.sqrt(np.maximum(disc, 0)) > 0) & (np.degrees(el) >= min_elev)
    days = times.dayofyear.to_numpy()[hit]
    per_day = np.bincount(days) * step_min if len(days) else np.zeros(1)
    return hit.sum() * step_min / 60.0, per_day.max()


@pytest.mark.parametrize("receptor", [(-420.0, -160.0, 2.0), (380.0, 250.0, 2.0), (-700.0, 40.0, 2.0)])
def test_shadow_hours_against_an_independent_computation(receptor):
    """One turbine (hub 161 m, rotor 141 m) and one receptor west-south-west / east-north-east / west of it:
    hours per year within 2 % and the worst day within 2 minutes of the independent computation."""
    lat, lon = 51.6, 12.2
    hub = (0.0, 0.0, 161.0)
    sun = sun_path(lat, lon, 2023, step_min=1.0)
    result = shadow_flicker(np.array([hub]), 70.5, np.array([receptor]), sun, 5000.0)
    hours, worst = _oracle_hours(lat, lon, hub, 70.5, receptor)
    assert hours > 10
    assert result.hours_per_year[0] == pytest.approx(hours, rel=0.02)
    assert result.max_minutes_per_day[0] == pytest.approx(worst, abs=2.0)


def test_no_shadow_outside_the_geometric_reach():
    """Due south (the sun never stands 28° high in the north), beyond the 20 % reach, and far away: zero hours."""
    sun = sun_path(51.6, 12.2, 2023, step_min=2.0)
    reach = shadow_reach_m(3.5)
    receptors = np.array([[0.0, -300.0, 2.0], [-(reach + 50.0), 0.0, 2.0], [0.0, 9000.0, 2.0]])
    result = shadow_flicker(np.array([[0.0, 0.0, 161.0]]), 70.5, receptors, sun, reach)
    assert result.hours_per_year.tolist() == [0.0, 0.0, 0.0]
    assert [len(t) for t in result.turbines] == [0, 0, 0]


def test_shadow_of_two_turbines_at_once_counts_once():
    sun = sun_path(51.6, 12.2, 2023, step_min=2.0)
    receptor = np.array([[-420.0, -160.0, 2.0]])
    one = shadow_flicker(np.array([[0.0, 0.0, 161.0]]), 70.5, receptor, sun, 3000.0)
    twin = shadow_flicker(np.array([[0.0, 0.0, 161.0], [0.0, 0.0, 161.0]]), 70.5, receptor, sun, 3000.0)
    assert twin.hours_per_year[0] == pytest.approx(one.hours_per_year[0])
    assert twin.turbines[0].tolist() == [0, 1]


def test_two_minute_steps_change_the_hours_by_less_than_one_percent():
    """The table's 2-minute step against the LAI's 1 minute (the claim in presets/immission.yml)."""
    hub, receptor = np.array([[0.0, 0.0, 161.0]]), np.array([[-420.0, -160.0, 2.0], [380.0, 250.0, 2.0]])
    fine = shadow_flicker(hub, 70.5, receptor, sun_path(51.6, 12.2, 2023, step_min=1.0), 3000.0)
    coarse = shadow_flicker(hub, 70.5, receptor, sun_path(51.6, 12.2, 2023, step_min=2.0), 3000.0)
    assert coarse.hours_per_year == pytest.approx(fine.hours_per_year, rel=0.01)


def test_grid_north_turns_the_sun():
    """A sun path in a grid turned by 2.3° is the true one turned back: azimuths differ by exactly that."""
    a = sun_path(51.6, 12.2, 2023, step_min=10.0)
    b = sun_path(51.6, 12.2, 2023, step_min=10.0, grid_convergence_deg=2.3)
    diff = np.degrees((a.azimuth_rad - b.azimuth_rad + np.pi) % (2 * np.pi) - np.pi)
    assert diff == pytest.approx(np.full(len(diff), 2.3))
    assert isinstance(a, SunPath) and np.allclose(np.linalg.norm(a.vectors, axis=1), 1.0)


# ------------------------------------------------------------------ the fast paths against plain ones
def _reference_reduction(c, modes, limits, u):
    """The reduction written plainly (every pair every round, no pre-load): the fast one must choose alike."""
    n_rec, n_src = c.n_receptors, len(modes)
    mode, scale = np.zeros(n_src, dtype=int), np.ones(n_src)
    target = 10.0 ** (0.1 * (limits - u))
    hopeless = np.zeros(n_rec, dtype=bool)

    def added():
        return np.bincount(c.receptor, weights=c.energy * scale[c.source], minlength=n_rec)

    while True:
        over = ~hopeless & (added() > target * (1 + 1e-12) + 1e-300)
        if not over.any():
            break
        val = c.energy * scale[c.source]
        loud = np.zeros(n_rec)
        np.maximum.at(loud, c.receptor, val)
        hopeless |= over & (loud <= 0)
        named = np.unique(c.source[over[c.receptor] & (loud[c.receptor] > 0) & (val == loud[c.receptor])])
        for t in named:
            mode[t] = mode[t] + 1 if mode[t] + 1 < len(modes[t]) else -1
            scale[t] = 10.0 ** (0.1 * (modes[t][mode[t]].sound_power_db - modes[t][0].sound_power_db)) \
                if mode[t] >= 0 else 0.0
    changed = True
    while changed:
        changed = False
        for t in np.flatnonzero(mode != 0):
            louder = len(modes[t]) - 1 if mode[t] < 0 else mode[t] - 1
            old = scale[t]
            scale[t] = 10.0 ** (0.1 * (modes[t][louder].sound_power_db - modes[t][0].sound_power_db))
            if np.all(hopeless | (added() <= target * (1 + 1e-12) + 1e-300)):
                mode[t], changed = louder, True
            else:
                scale[t] = old
    return mode


@pytest.mark.parametrize("last_resort", ["night_off", "remove"])
def test_reduction_chooses_as_the_plain_algorithm(table, last_resort):
    """Sixty turbines among 400 receptors, limits 35–45 dB(A): the same modes as the plain algorithm, also where
    a receptor's near turbines fall silent (off at night) and its loudest is found among all its pairs; the
    pairs given shuffled (not grouped by receptor) or grouped give the same."""
    rng = np.random.default_rng(11)
    hubs = np.column_stack([rng.uniform(0, 6000, 60), rng.uniform(0, 6000, 60), rng.uniform(120, 170, 60)])
    receptors = np.column_stack([rng.uniform(-500, 6500, 400), rng.uniform(-500, 6500, 400), np.full(400, 5.0)])
    lw = rng.choice([104.0, 106.0], 60)
    night = [SoundMode("night off", -math.inf, 0.6)] if last_resort == "night_off" else []
    modes = [[SoundMode("0", w), SoundMode("SO2", w - 2), SoundMode("SO6", w - 6), *night] for w in lw]
    limits = rng.choice([35.0, 40.0, 45.0], 400)
    u = table.noise.uncertainty_db
    c = contributions(hubs, band_power_db(lw, table.noise.spectrum_db), receptors, table.noise, 4000.0, block=37)
    assert c.grouped
    fast = reduce_for_noise(c, modes, limits, u)
    assert (fast.mode != 0).sum() > 10 and (fast.mode == len(modes[0]) - 1).any()   # quietened, some to the last
    assert fast.mode.tolist() == _reference_reduction(c, modes, limits, u).tolist()
    shuffle = rng.permutation(len(c.receptor))
    loose = Contributions(c.receptor[shuffle], c.source[shuffle], c.energy[shuffle], c.n_receptors)
    again = reduce_for_noise(loose, modes, limits, u)
    assert again.mode.tolist() == fast.mode.tolist()
    assert again.levels_db == pytest.approx(fast.levels_db, abs=1e-9)


def test_contributions_in_blocks_equal_one_pair_at_a_time(table):
    """Blocks of 5 receptors or of 512: the same pairs, and each pair's energy is the level formula's."""
    rng = np.random.default_rng(5)
    hubs = np.column_stack([rng.uniform(0, 3000, 12), rng.uniform(0, 3000, 12), np.full(12, 150.0)])
    receptors = np.column_stack([rng.uniform(0, 3000, 50), rng.uniform(0, 3000, 50), np.full(50, 5.0)])
    receptors[0, :2] = hubs[0, :2]                                    # right under a hub: distance 145 m
    bands = band_power_db(rng.uniform(100, 106, 12), table.noise.spectrum_db)
    small = contributions(hubs, bands, receptors, table.noise, 2000.0, block=5)
    large = contributions(hubs, bands, receptors, table.noise, 2000.0)
    pairs = {(r, s): e for r, s, e in zip(small.receptor.tolist(), small.source.tolist(), small.energy.tolist())}
    assert pairs == {(r, s): e for r, s, e in zip(large.receptor.tolist(), large.source.tolist(),
                                                    large.energy.tolist())}
    near = np.hypot(*(receptors[:, None, :2] - hubs[None, :, :2]).transpose(2, 0, 1)) <= 2000.0
    assert set(pairs) == set(zip(*np.nonzero(near)))
    for (r, s), e in list(pairs.items())[:40]:
        d = np.linalg.norm(receptors[r] - hubs[s])
        assert 10 * np.log10(e) == pytest.approx(level_db(bands[s][None, :], np.array([d]), table.noise)[0],
                                                  abs=1e-3)


def test_ungrouped_contributions_give_the_same_levels_to_the_last_bit(table):
    """``grouped=False`` (the noise raster's path) skips the sort by receptor: the same pairs and the same levels."""
    rng = np.random.default_rng(9)
    hubs = np.column_stack([rng.uniform(0, 6000, 40), rng.uniform(0, 6000, 40), np.full(40, 160.0)])
    receptors = np.column_stack([rng.uniform(0, 6000, 3000), rng.uniform(0, 6000, 3000), np.full(3000, 5.0)])
    bands = band_power_db(rng.uniform(100, 106, 40), table.noise.spectrum_db)
    grouped = contributions(hubs, bands, receptors, table.noise, 2500.0, block=97)
    loose = contributions(hubs, bands, receptors, table.noise, 2500.0, block=97, grouped=False)
    assert grouped.grouped and not loose.grouped
    assert np.array_equal(grouped.levels_db(), loose.levels_db())
    key = lambda c: sorted(zip(c.receptor.tolist(), c.source.tolist(), c.energy.tolist()))  # noqa: E731
    assert key(grouped) == key(loose)


def _instants(sun, hub, radius, points):
    """Every instant tested: the ray towards the sun passes within the rotor radius of the hub, in front."""
    v = np.asarray(hub, float)[None, :] - points
    t = v @ sun.vectors.T
    return (t > 0) & ((v * v).sum(axis=1)[:, None] - t * t <= radius ** 2)


def test_shadow_runs_equal_every_instant_tested():
    """Windows around a hub in every direction, 80 m to 2.4 km off, at heights 2 m and 40 m: the instants the
    day runs hold are exactly those every instant's test finds."""
    sun = sun_path(51.6, 12.2, 2023, step_min=2.0, grid_convergence_deg=2.3)
    rng = np.random.default_rng(2)
    angle, dist = rng.uniform(0, 2 * np.pi, 300), rng.uniform(80, 2400, 300)
    points = np.column_stack([dist * np.sin(angle), dist * np.cos(angle), rng.choice([2.0, 40.0], 300)])
    hub = (10.0, -20.0, 161.0)
    point, step = shadow_hits(np.array(hub), 70.5, points, sun)
    want = _instants(sun, hub, 70.5, points)
    assert want.sum() > 50_000
    got = np.zeros_like(want)
    got[point, step] = True
    assert np.array_equal(got, want)
    assert len(point) == want.sum()                                     # no instant twice


def test_shadow_in_blocks_equals_each_receptor_alone():
    """Twelve turbines of three heights over 200 receptors: hours, worst day, days and casting turbines in blocks
    of 7 receptors (or 4096) equal the union of every turbine's instants at each receptor alone; a sun path out
    of time order (no day frame: the per-instant window) gives the same."""
    sun = sun_path(51.6, 12.2, 2023, step_min=2.0)
    rng = np.random.default_rng(4)
    hubs = np.column_stack([rng.uniform(0, 2500, 12), rng.uniform(0, 2500, 12), rng.choice([120.0, 160.0, 200.0], 12)])
    radius = rng.choice([50.0, 70.5], 12)
    receptors = np.column_stack([rng.uniform(-500, 3000, 200), rng.uniform(-500, 3000, 200), np.full(200, 2.0)])
    reach = shadow_reach_m(3.5)
    blocks = shadow_flicker(hubs, radius, receptors, sun, reach, chunk=7, limits=(30.0, 30.0))
    whole = shadow_flicker(hubs, radius, receptors, sun, reach, limits=(30.0, 30.0))
    backwards = SunPath(sun.vectors[::-1], sun.azimuth_rad[::-1], sun.day[::-1], sun.step_min)
    assert backwards.frame is None and sun.frame is not None
    plain = shadow_flicker(hubs, radius, receptors, backwards, reach, chunk=50, limits=(30.0, 30.0))
    for result in (whole, plain):
        for name in ("hours_per_year", "max_minutes_per_day", "days", "turbine_hours"):
            assert getattr(result, name).tolist() == getattr(blocks, name).tolist()
        assert [t.tolist() for t in result.turbines] == [t.tolist() for t in blocks.turbines]
    shaded = np.zeros((len(receptors), len(sun.vectors)), dtype=bool)
    casting, each = [[] for _ in receptors], []
    for j in range(len(hubs)):
        near = np.linalg.norm(receptors - hubs[j], axis=1) <= reach
        hits = np.zeros_like(shaded)
        hits[near] = _instants(sun, hubs[j], radius[j], receptors[near])
        shaded |= hits
        each.append(hits)
        for i in np.flatnonzero(hits.any(axis=1)):
            casting[i].append(j)
    assert shaded.sum() > 10_000 and max(len(c) for c in casting) >= 3
    assert blocks.hours_per_year.tolist() == (shaded.sum(axis=1) * 2.0 / 60.0).tolist()
    per_day = np.stack([np.bincount(sun.day[row], minlength=366) for row in shaded])
    assert blocks.max_minutes_per_day.tolist() == (per_day.max(axis=1) * 2.0).tolist()
    assert blocks.days.tolist() == np.count_nonzero(per_day, axis=1).tolist()
    assert [t.tolist() for t in blocks.turbines] == casting
    # per turbine the instants it shades any receptor over 30 h/a or 30 min/d (the shutdown's hours)
    over = (blocks.hours_per_year > 30.0) | (blocks.max_minutes_per_day > 30.0)
    assert 0 < over.sum() < len(receptors)
    assert blocks.turbine_hours.tolist() == [h[over].any(axis=0).sum() * 2.0 / 60.0 for h in each]
    assert (blocks.turbine_hours > 0).sum() >= 3
