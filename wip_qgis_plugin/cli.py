"""The ``wip`` command line: the same jobs as the QGIS algorithms, headless.

A subcommand turns its options into the job the matching Processing algorithm builds
(core/jobs/build.py), runs it in this process (core/jobs/protocol.run_job) and prints the JSON
result; ``wip run`` prints the steps of the scenario runner (core/jobs/runner.py) the same way.
This module only parses arguments and prints.

Examples::

    wip run sample_layers/scenario.yaml
    wip batch sample_layers/scenario.yaml --out-dir batch --dask local:2
    wip eligibility --catalogue wind_sachsen_anhalt --gpkg region.gpkg --resolution 25 --out-dir out
    wip presets
    wip presets show wind_sachsen
    wip worker job.json          # run a job of the QGIS plugin (core/jobs/protocol.py)
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path

from .core import __version__

# Engine modules are imported inside the commands, so that `wip --help` starts without numpy,
# geopandas and the engine (start-up speed only; the job layer imports the engine at its top).


class TerminalProgress:
    """A one-line progress bar on stderr implementing the engine's Progress protocol."""

    def __init__(self, label: str = "", stream=None, width: int = 30):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._last = -1.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def report(self, fraction: float, message: str | None = None) -> None:  # noqa: D102
        pct = max(0.0, min(1.0, fraction))
        if not self._tty and pct - self._last < 0.1 and pct < 1.0:
            return
        self._last = pct
        filled = int(self.width * pct)
        bar = "#" * filled + "-" * (self.width - filled)
        end = "\n" if (pct >= 1.0 or not self._tty) else ""
        self.stream.write(f"\r{self.label} [{bar}] {pct * 100:5.1f} % {message or ''}".ljust(90)[:100] + end)
        self.stream.flush()

    def info(self, message: str) -> None:  # noqa: D102
        if self._tty:
            self.stream.write("\r" + " " * 100 + "\r")
        self.stream.write(f"  {message}\n")

    def warning(self, message: str) -> None:  # noqa: D102
        self.stream.write(f"  WARNING: {message}\n")

    def is_cancelled(self) -> bool:  # noqa: D102
        return False


# --- printing a step's JSON result (the same for `wip run` and the subcommands)
def _num(value, spec: str, missing: str = "n/a") -> str:
    """``value`` formatted with ``spec``; ``missing`` (as wide) where there is no value.

    A step on 0 ha has no mean (None in its JSON result, NaN in the engine): it prints "n/a".
    """
    if value is None or value != value:
        width = "".join(ch for ch in spec.split(",")[0].split(".")[0] if ch.isdigit())
        return f"{missing:>{width}}" if width else missing
    return format(value, spec)


def _print_written(paths, seconds: float) -> None:
    """List the files a step wrote (each once, None skipped) and its time [s]."""
    for p in dict.fromkeys(p for p in paths if p is not None):
        print(f"  → {p}")
    print(f"  ({seconds:.1f} s)")


def _print_eligibility(step) -> None:
    r, out = step.result, sys.stdout
    out.write(f"\n{step.key}: eligible area per municipality (grid {r['resolution_m']:g} m)\n")
    out.write(f"  {'municipality':<28} {'area ha':>10} {'eligible ha':>12} {'share':>8}\n")
    for m in r["municipalities"]:
        out.write(f"  {m['name']:<28} {m['total_ha']:>10,.1f} {m['eligible_ha']:>12,.1f} {m['eligible_pct']:>7.2f}%\n")
    share = 100 * r["eligible_ha"] / r["total_ha"] if r["total_ha"] else 0.0
    out.write(f"  {'TOTAL':<28} {r['total_ha']:>10,.1f} {r['eligible_ha']:>12,.1f} {share:>7.2f}%\n")
    for cid, d in (r.get("dwellings") or {}).items():
        out.write(f"  {cid}: {d['explicit']} building(s) tagged as dwellings, {d['unknown']} of unknown use "
                  f"{'treated as dwellings' if d['treated_as_dwelling'] == d['explicit'] + d['unknown'] else 'not counted'}, "
                  f"{d['not_dwelling']} not dwellings\n")
    for a in r.get("not_assessed") or []:
        out.write(f"  NOT ASSESSED: {a['criterion']} (role {a['role']}: {a['reason']}); {a['hint']}\n")
    if r.get("data_check"):  # the warnings of the check at the start (logged above); the table: wip check-data
        codes = ", ".join(dict.fromkeys(w["code"] for w in r["data_check"]))
        out.write(f"  data check: {len(r['data_check'])} warning(s) ({codes}); details: wip check-data\n")
    if r.get("sources"):
        counts = r["sources"]["counts"]
        out.write(f"  sources ({r['sources']['seconds']:.1f} s): "
                  + ", ".join(f"{role} {c['kept']:,}" for role, c in counts.items()) + "\n")
    for key in ("eligibility", "reasons", "polygons", "table"):
        if r["outputs"].get(key) is not None:
            out.write(f"  → {r['outputs'][key]}\n")
    if "catalogue" in step.details:
        print(f"  ({step.seconds:.1f} s, catalogue {step.details['catalogue']} {step.details['version']})")


def _print_suitability(step) -> None:
    r = step.result
    print(f"\n{step.key}: suitability ({r['aggregation']}), mean score {_num(r['mean_score'], '.1f')} of 100 "
          f"on {r['scored_ha']:,.0f} ha")
    for cid, w in zip(r["criteria"], r["weights"]):
        print(f"  weight {w:5.3f}  {cid}")
    if r["consistency_ratio"] is not None:
        print(f"  AHP consistency ratio {r['consistency_ratio']:.3f}")
    for site in r["sites"][:5]:
        print(f"  rank {site['rank']:>3}: {site['name']:<24} {site['area_ha']:8.1f} ha, mean score {site['mean']:5.1f}")
    _print_written(step.files, step.seconds)


def _print_windbg(step) -> None:
    r = step.result
    print(f"\n{step.key}: WindBG area accounting ({r['accounting']})")
    print(f"  {'municipality':<24} {'area ha':>9} {'counted ha':>11} {'share':>7} {'2027':>6} {'2032':>6}")
    for row in (*r["rows"], r["total"]):
        print(f"  {row['name']:<24} {row['area_ha']:>9,.0f} {row['counted_ha']:>11,.1f} {row['counted_pct']:>6.2f}% "
              f"{row['target_2027_pct']:>5.1f}% {row['target_2032_pct']:>5.1f}%")
    print(f"  → {r['table']}")


def _print_sweep(step) -> None:
    r = step.result
    print(f"\n{step.key}: setback sweep of '{r['criterion_id']}' (eligible share of the whole area)")
    print("  " + f"{'setback m':>10}" + "".join(f"{v:>14}" for v in r["variants"]))
    series = [r["series"][v] for v in r["variants"]]
    for k, s in enumerate(r["setbacks_m"]):
        print("  " + f"{s:>10.0f}" + "".join(f"{ser[k]:>13.2f}%" for ser in series))
    print(f"  → {r['table']}\n  → {r['chart']}\n  ({step.seconds:.1f} s)")


def _print_grid_topology(step) -> None:
    s = step.result["summary"]
    levels = f"levels {', '.join(f'{v / 1000:g}' for v in s['levels_v'])} kV" if s["levels_v"] else "no voltage level"
    print(f"\ngrid topology: {s['length_km']:,.1f} km of lines in {s['line_pieces']} pieces, {s['components']} "
          f"connected part(s), {levels}, "
          f"{s['substations']} substations (snap tolerance {step.details['snap_tolerance_m']:g} m)")
    for kind, n in s["issues"].items():
        print(f"  {kind:<28} {n:>5}")
    print(f"  → {step.result['report']}\n  ({step.seconds:.1f} s)")


def _print_grid_connection(step) -> None:
    s = step.result["summary"]
    base = s.get("baseline")
    print(f"\n{step.key}: grid connection of {s['sites']} sites ({s['capacity_mw']:,.1f} MW, "
          f"{s['allocation']}, routes along {step.details['router']})")
    print(f"  connected {s['connected_mw']:,.1f} MW for {s['cost_eur'] / 1e6:,.2f} M€ "
          f"({_num(s.get('cost_eur_per_kw'), '.1f')} €/kW); not connected {s['unconnected_mw']:,.1f} MW")
    if base:
        print(f"  greedy for comparison: {base['connected_mw']:,.1f} MW for {base['cost_eur'] / 1e6:,.2f} M€")
    for status, n in sorted(s["status"].items()):
        print(f"  {status:<24} {n:>5} site(s)")
    for row in step.result["substations"]:
        if (row.get("allocated_mw") or 0) > 0:
            print(f"  {row['name']:<28} {row['allocated_mw']:>8.1f} of {row['free_capacity_mw']:>8.1f} MW free "
                  "allocated")
    _print_written(step.files, step.seconds)


def _print_wind_yield(step) -> None:
    from .core.wind.resource import RESOURCE_DESCRIPTIONS

    r = step.result
    print(f"\nwind yield: {r['turbine']}")
    print(f"  wind at hub: {RESOURCE_DESCRIPTIONS[r['resource_model']]}; weather {r['weather']}; "
          f"Weibull k {r['weibull_k'] if r['weibull_k'] is not None else 'raster'}")
    print(f"  losses: {r['losses']} (net = {r['loss_factor']:.3f} × gross)")
    print(f"  {'municipality':<24} {'wind m/s':>9} {'FLH h/a':>9} {'max FLH':>9}")
    for m in r["municipalities"]:
        print(f"  {m['name']:<24} {_num(m['mean_wind_speed_m_s'], '>9.2f')} "
              f"{_num(m['mean_full_load_hours'], '>9,.0f')} {_num(m['max_full_load_hours'], '>9,.0f')}")
    print(f"  {'mean':<24} {_num(r['mean_wind_speed_m_s'], '>9.2f')} {_num(r['mean_full_load_hours'], '>9,.0f')}")
    _print_written(step.files, step.seconds)


def _print_turbine_layout(step) -> None:
    r = step.result
    print(f"\nturbine layout ({'rotor-in' if r['rotor_in'] else 'rotor-out'}, main wind direction "
          + (f"{r['main_direction_deg']:.0f}°" if r['main_direction_deg'] is not None else "n/a")
          + f"): {r['n_turbines']} × {r['turbine']}")
    print(f"  {'municipality':<24} {'turbines':>8} {'MW':>8} {'GWh/a':>9} {'FLH h/a':>8} {'wake %':>7} {'MW/km²':>7}")
    for m in r["municipalities"]:
        print(f"  {m['municipality']:<24} {m['n_turbines']:>8} {m['capacity_mw']:>8,.1f} "
              f"{m['energy_mwh_per_a'] / 1000:>9,.1f} {m['full_load_hours']:>8,.0f} {m['wake_loss_pct']:>7.1f} "
              f"{m['density_mw_per_km2']:>7.1f}")
    print(f"  {'TOTAL':<24} {r['n_turbines']:>8} {r['capacity_mw']:>8,.1f} {r['energy_mwh_per_a'] / 1000:>9,.1f} "
          f"{r['full_load_hours']:>8,.0f} {r['wake_loss_pct']:>7.1f}")
    _print_written(step.files, step.seconds)


def _print_solar(step) -> None:
    r = step.result
    print(f"\n{step.key}: solar potential ({r['system']}), {r['eligible_ha']:,.0f} ha × "
          f"{r['capacity_density_mwp_per_ha']:.2f} MWp/ha = {r['capacity_mwp']:,.1f} MWp "
          f"({r['capacity_mw']:,.1f} MW AC), {r['energy_mwh_per_a'] / 1000:,.1f} GWh/a, "
          f"{_num(r['mean_yield_kwh_per_kwp'], ',.0f')} kWh/kWp/a, losses {r['losses_pct']:.1f} %"
          + (f", horizon {r['horizon_loss_pct']:.2f} %" if step.details.get("horizon") else ""))
    for g in r["regions"]:
        print(f"  {g['weather']}: tilt {g['tilt_deg']:g}°, {g['n_bins']} orientation bin(s), level ground "
              f"{g['flat_yield_kwh_per_kwp']:,.0f} kWh/kWp/a")
    for m in r["municipalities"]:
        print(f"  {m['municipality']:<28} {m['capacity_mwp']:10,.1f} MWp {m['energy_mwh_per_a'] / 1000:10,.1f} GWh/a")
    _print_written(step.files, step.seconds)


def _print_rooftop(step) -> None:
    r = step.result
    print(f"\nrooftop PV: {r['n_with_pv']:,} of {r['n_buildings']:,} buildings, {r['usable_roof_m2'] / 1e4:,.1f} ha "
          f"usable roof, {r['capacity_mwp']:,.1f} MWp ({r['capacity_mw']:,.1f} MW AC), "
          f"{r['energy_mwh_per_a'] / 1000:,.1f} GWh/a, {_num(r['mean_yield_kwh_per_kwp'], ',.0f')} kWh/kWp/a")
    for m in r["municipalities"]:
        print(f"  {m['municipality']:<28} {m['capacity_mwp']:10,.1f} MWp {m['energy_mwh_per_a'] / 1000:10,.1f} GWh/a")
    _print_written(step.files, step.seconds)


def _print_floating(step) -> None:
    r = step.result
    print(f"\nfloating PV: {len(r['fields'])} field(s), {r['capacity_mwp']:,.1f} MWp, "
          f"{r['energy_mwh_per_a'] / 1000:,.1f} GWh/a")
    for f in r["fields"]:
        print(f"  {f['lake']:<28} {f['municipality'] or '-':<22} {f['floating_ha']:8,.1f} ha of {f['lake_ha']:8,.1f} ha "
              f"{f['capacity_mwp']:8,.1f} MWp {f['energy_mwh_per_a'] / 1000:8,.1f} GWh/a")
    for lake, why in r["skipped"].items():
        print(f"  left out: {lake}: {why}")
    _print_written(step.files, step.seconds)


def _print_profile(step) -> None:
    from .core.profile.report import indicator_label

    r = step.result
    print(f"\nprofile: {len(r['municipalities'])} municipalities ({r['seconds']:.1f} s)")
    for key, src in r["sources"].items():
        print(f"  {key:<11} {src['status']:<8} {src['density'] or src['reason']}")
    present = set().union(*(m["indicators"] for m in r["municipalities"])) if r["municipalities"] else set()
    cols = [c for c in ("area_ha", "wind_eligible_pct", "pv_ground_eligible_pct", "capacity_mw", "energy_gwh",
                        "demand_gwh", "balance_pct", "self_sufficiency_pct", "demand_2045_gwh",
                        "self_sufficiency_2045_pct", "storage_90_2045_mwh", "municipal_value_keur", "grid_cost_meur")
            if c in present]

    width = {c: max(24, len(c) + 2) for c in cols}

    def cell(m, c):
        if c not in m["indicators"]:
            return f"{'-':>{width[c]}}"
        value = m["indicators"][c]
        return f"{float('nan') if value is None else value:>{width[c]},.1f}"

    print("  " + f"{'municipality':<22}" + "".join(f"{c:>{width[c]}}" for c in cols))
    for m in r["municipalities"]:
        print("  " + f"{m['name']:<22}" + "".join(cell(m, c) for c in cols))
    print("  units: " + ", ".join(f"{c} [{indicator_label(c, 'en')[1]}]" for c in cols))
    for key in ("indicators", "json", "hourly", "gpkg", "report"):
        if key in r["files"]:
            print(f"  → {r['files'][key]}")


#: The printer of each job's result.
PRINTERS = {
    "eligibility": _print_eligibility, "suitability": _print_suitability, "windbg": _print_windbg,
    "setback_sweep": _print_sweep, "grid_topology": _print_grid_topology, "grid_connection": _print_grid_connection,
    "wind_yield": _print_wind_yield, "turbine_layout": _print_turbine_layout, "solar_potential": _print_solar,
    "rooftop_solar": _print_rooftop, "profile": _print_profile, "floating_pv": _print_floating,
}


def _print_check_data(step) -> None:
    from .core.eligibility.check_text import table_lines

    r = step.result
    print("\n" + "\n".join(table_lines(r, r.get("language") or "en")))
    _print_written([r.get("table")], step.seconds)


PRINTERS["check_data"] = _print_check_data


def _print_plan_areas(step) -> None:
    r = step.result
    print(f"\n{step.key}: designated wind areas of the plan ({r['accounting']})")
    print(f"  {'municipality':<28} {'area ha':>9} {'designated':>11} {'counted ha':>11} {'share':>7} {'2027':>6} "
          f"{'2032':>6} {'eligible':>9}")
    for row in (*r["rows"], r["total"]):
        eligible = "" if row["eligible_ha"] is None else f"{row['eligible_ha']:>9,.1f}"
        print(f"  {row['name'][:28]:<28} {row['area_ha']:>9,.0f} {row['designated_ha']:>11,.1f} "
              f"{row['counted_ha']:>11,.1f} {row['counted_pct']:>6.2f}% {row['target_2027_pct']:>5.1f}% "
              f"{row['target_2032_pct']:>5.1f}% {eligible}")
    for criterion, ha in sorted(r["excluded_by"].items(), key=lambda kv: -kv[1]):
        if ha > 0:
            print(f"  designated land excluded by {criterion}: {ha:,.1f} ha")
    _print_written([r["outputs"]["table"], r["outputs"]["criteria_table"]], step.seconds)


PRINTERS["plan_areas"] = _print_plan_areas


def _print_sources(step) -> None:
    """The sources prepared for a ``wip run`` (detection lines, features per role, notes)."""
    r = step.result
    print("\nsources: " + "; ".join(r["detected"]))
    print("  " + ", ".join(f"{role} {c['kept']:,}" for role, c in r["counts"].items()) + f" ({r['seconds']:.1f} s)")
    for note in r["notes"]:
        print(f"  {note}")


def _print_immission(step) -> None:
    r = step.result
    lost = r["energy_mwh_before"] - r["energy_mwh_after_noise"]
    print(f"\n{step.key}: noise (ISO 9613-2, TA Lärm) and shadow flicker (LAI) at {r['n_receptors']:,} dwellings")
    print(f"  new turbines {r['n_turbines']}: {r['n_kept']} unrestricted, {r['n_reduced']} in a quieter mode, "
          f"{r['n_night_off']} off at night, {r['n_removed']} removed; {r['capacity_mw_before']:,.1f} → {r['capacity_mw_after']:,.1f} MW, "
          f"{r['energy_mwh_before'] / 1000:,.1f} → {r['energy_mwh_after_noise'] / 1000:,.1f} GWh/a "
          f"(noise: −{lost / 1000:,.1f} GWh/a)")
    print(f"  area types: " + ", ".join(f"{k} {v:,}" for k, v in r["area_types"].items())
          + " (from " + ", ".join(f"{k} {v:,}" for k, v in r["area_type_sources"].items()) + ")")
    print(f"  highest rated level {_num(r['max_level_db'], '.1f')} dB(A); receptors over their limit "
          f"{r['n_over_noise']:,}" + ("" if r["noise_met"] else " (the existing turbines alone)"))
    print(f"  shadow: highest {r['max_shadow_hours']:,.1f} h/a; receptors over 30 h/a or 30 min/d "
          f"{r['n_over_shadow']:,}; {r['n_shadow_turbines']} turbine(s) need a shutdown module "
          f"(≤ {r['shadow_energy_mwh_upper'] / 1000:,.2f} GWh/a)")
    _print_written(step.files, step.seconds)


PRINTERS["immission"] = _print_immission


def _print_repowering(step) -> None:
    r = step.result
    print(f"\n{step.key}: repowering {r['reference_year']}: {r['n_candidates']} of {r['n_existing']} existing turbines "
          f"old enough ({r['n_without_year']} without a commissioning year), {r['n_replaced']} replaced by "
          f"{r['n_new']} new")
    print(f"  new turbines: {r['n_layout']} in the {'placed replacement' if r['placed'] else 'given'} layout, "
          f"{r['n_new_16b']} within the § 16b zone, {r['n_new_plan_area']} by the plan's repowering areas")
    print(f"  {'municipality':<24} {'old':>5} {'old MW':>8} {'old GWh/a':>10} {'new':>5} {'new MW':>8} "
          f"{'new GWh/a':>10} {'net GWh/a':>10}")
    for row in r["rows"]:
        print(f"  {row['municipality']:<24} {row['old_replaced']:>5} {row['old_mw']:>8,.1f} "
              f"{row['old_mwh_per_a'] / 1000:>10,.1f} {row['new_turbines']:>5} {row['new_mw']:>8,.1f} "
              f"{row['new_mwh_per_a'] / 1000:>10,.1f} {row['net_mwh_per_a'] / 1000:>10,.1f}")
    print(f"  {'TOTAL':<24} {r['n_replaced']:>5} {r['old_mw']:>8,.1f} {r['old_mwh_per_a'] / 1000:>10,.1f} "
          f"{r['n_new']:>5} {r['new_mw']:>8,.1f} {r['new_mwh_per_a'] / 1000:>10,.1f} "
          f"{(r['new_mwh_per_a'] - r['old_mwh_per_a']) / 1000:>10,.1f}")
    _print_written(step.files, step.seconds)


PRINTERS["repowering"] = _print_repowering


PRINTERS["sources"] = _print_sources  # wip run with sources: the first result (core/jobs/runner.py)


def _run(job, key: str, label: str | None = None, **details) -> None:
    """Run a job in this process (the same path as the plugin's) and print its result."""
    from .core.jobs.paths import folder_lock
    from .core.jobs.protocol import job_outputs, run_job
    from .core.jobs.runner import StepResult

    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:  # one run at a time per output folder
        for folder in sorted({p.parent for p in job_outputs(job)}):
            stack.enter_context(folder_lock(folder, "command"))
        result = run_job(job, TerminalProgress(label or key))
    files = tuple(str(p) for p in job_outputs(job))
    PRINTERS[job.name](StepResult(job.name, key, result, time.perf_counter() - t0, files, details))


# --- wip run, wip profile: scenario files (core/jobs/runner.py)
def cmd_run(args: argparse.Namespace) -> int:
    """Run every step of a scenario."""
    from .core.jobs.paths import folder_lock
    from .core.jobs.runner import check_scenario_paths, run_scenario, scenario_keys
    from .core.scenario.spec import load_scenario

    # --source: more sources, relative to the working folder; --out-dir: the outputs anywhere (inputs stay relative
    # to the scenario file)
    sc = load_scenario(args.scenario, _sources(args), args.out_dir)
    if sc.profile is not None:
        sc = _with_profile_options(sc, args)
    print(f"Scenario '{sc.name}' → {sc.output_dir}")
    known = scenario_keys(sc)
    unknown = [k for k in args.only or [] if k not in known]
    if unknown:
        raise SystemExit(f"wip run --only: no technology {', '.join(unknown)} in the scenario; it has "
                         f"{', '.join(sorted(known))}")
    check_scenario_paths(sc)  # before the lock: a refused run leaves the folder untouched
    with folder_lock(sc.output_dir, "scenario"):
        for step in run_scenario(sc, args.only, args.resolution, TerminalProgress, scheduler=_scheduler(args)):
            PRINTERS[step.kind](step)
    return 0


def _with_profile_options(sc, args: argparse.Namespace):
    """The scenario with the profile flags (--cost-table, --hebesatz-*, --demand-scenarios, --storage-targets) laid
    over its ``profile:`` keys, read by the same functions as the scenario file (files relative to the working
    folder); a bad value stops with the scenario's wording."""
    from dataclasses import replace

    from .core.scenario.model import ProfileSection
    from .core.scenario.profile_section import read_demand_scenarios, read_economics

    economics = {k: v for k, v in (("table", args.cost_table), ("hebesatz_field", args.hebesatz_field),
                                   ("hebesatz_pct", args.hebesatz_pct)) if v is not None}
    scenarios: dict = {}
    if args.demand_scenarios is not None and args.demand_scenarios.lower() != "none":
        scenarios["catalogue"] = args.demand_scenarios
    if args.storage_targets is not None:
        try:
            scenarios["storage_targets_pct"] = [float(t) for t in args.storage_targets.split(",") if t.strip()]
        except ValueError:
            raise SystemExit(f"--storage-targets {args.storage_targets!r}: per cent values, e.g. 80,90") from None
    problems: list[str] = []
    options = read_economics(economics, Path.cwd(), problems) if economics else {}
    if args.demand_scenarios is not None and args.demand_scenarios.lower() == "none":
        options["demand_scenarios"] = None
    elif scenarios:
        options.update(read_demand_scenarios(scenarios, Path.cwd(), problems))
    if problems:
        raise SystemExit("wip: " + "; ".join(p.replace("profile.economics.", "--").replace(
            "profile.demand_scenarios.", "--") for p in problems))
    if not options:
        return sc
    section = sc.profile or ProfileSection()
    merged = {**dict(section.plan_options), **options}
    return replace(sc, profile=replace(section, plan_options=tuple(merged.items())))


def cmd_profile(args: argparse.Namespace) -> int:
    """Run the ``profile:`` step of a scenario (reusing the outputs of earlier runs)."""
    from dataclasses import replace

    from .core.jobs.runner import run_profile_step
    from .core.scenario.model import ProfileSection
    from .core.scenario.spec import load_scenario

    sc = load_scenario(args.scenario, output_dir=args.out_dir)
    if sc.profile is None:
        sc = replace(sc, profile=ProfileSection())
    sc = _with_profile_options(sc, args)
    names = _names(args)
    _print_profile(run_profile_step(sc, args.resolution, names, args.language, False if args.no_report else None,
                                    TerminalProgress, _scheduler(args)))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Run a scenario's chain for every municipality of a layer, resuming where an earlier batch stopped.

    Builds the ``batch`` job, as the algorithm "Energy profiles of many municipalities" does.
    """
    from .core.jobs.batch import FOLDERS_NAME
    from .core.jobs.build import batch_job
    from .core.jobs.protocol import run_job

    if args.dask and args.scheduler:
        raise SystemExit("wip batch: give --dask local[:N] or --scheduler tcp://HOST:PORT, not both")
    sources = _sources(args)
    settings = {"municipalities": _layer_arg(args.municipalities, "municipalities") if args.municipalities else None,
                "name_field": args.name_field, "id_field": args.id_field, "where": args.where,
                "only": list(args.only or ()), "resolution_m": args.resolution, "sources": sources}
    out_dir = args.out_dir
    if not out_dir:
        from .core.scenario.spec import load_scenario

        out_dir = str(load_scenario(args.scenario, sources).output_dir)
    job = batch_job(args.scenario, str(Path(out_dir).resolve()), settings, args.scheduler, args.dask, args.retries)
    result = run_job(job, _BatchProgress("batch"))
    out = Path(result["out_dir"])
    print(f"{result['done']} run, {result['skipped']} kept, {result['failed']} failed in "
          f"{result['seconds']:.1f} s; results per municipality in {out / FOLDERS_NAME}")
    if result["failed"]:
        print(f"wip batch: {result['failed']} municipalities failed (see {result['manifest']}); run the same "
              "command again to retry them, the finished ones are kept.", file=sys.stderr)
        return 1
    for path in (result["overview"], result["overview_map"], result["manifest"]):
        if path:
            print(f"  → {path}")
    return 0


class _BatchProgress(TerminalProgress):
    """The bar on stderr, the batch's lines (one per municipality) on stdout."""

    def info(self, message: str) -> None:  # noqa: D102
        if self._tty:
            self.stream.write("\r" + " " * 100 + "\r")
        print(f"  {message}", flush=True)

def cmd_prepare(args: argparse.Namespace) -> int:
    """Convert large vector inputs once into spatially indexed files (FlatGeobuf) every worker reads by box."""
    from .core.jobs.prepare import PrepareSettings, prepare_files, prepare_scenario
    from .core.scenario.spec import load_scenario

    scenarios = [i for i in args.inputs if i.lower().endswith((".yaml", ".yml"))]
    if scenarios and len(args.inputs) > 1:
        raise SystemExit("wip prepare: give one scenario, or vector files, not both")
    progress = TerminalProgress("prepare")
    if scenarios:
        crs = args.crs or load_scenario(scenarios[0]).crs
        done = prepare_scenario(scenarios[0], args.out_dir, PrepareSettings(crs, args.format, args.invalid), progress,
                                args.scenario_out)
        print(f"{len(set(p.path for p in done.layers.values()))} layer(s) prepared into {args.out_dir}")
        print(f"  → {done.scenario}  (the scenario naming the prepared layers)")
        return 0
    layers = prepare_files(args.inputs, args.out_dir, PrepareSettings(args.crs or PrepareSettings().crs, args.format,
                                                                       args.invalid), progress)
    print(f"{len(layers)} layer(s) prepared into {args.out_dir}")
    for layer in layers:
        print(f"  → {layer.path}")
    return 0


# --- arguments → inputs
def _names(args: argparse.Namespace) -> list[str]:
    """``--names`` split at commas (the engine joins the pieces of a name with a comma again) and every exact
    ``--name``."""
    return [n.strip() for n in (args.names or "").split(",") if n.strip()] + \
        [n.strip() for n in getattr(args, "name", None) or [] if n.strip()]


def _layer_arg(text: str, role: str) -> dict:
    """``FILE[:LAYER]`` → a layer of a job (a Windows drive colon is no layer)."""
    from .core.data.vsi import path_exists
    from .core.errors import InputError

    path, sep, layer = text.rpartition(":")
    if not sep or "/" in layer or "\\" in layer:
        path, layer = text, ""
    if not path_exists(path):  # a GDAL virtual file system path (/vsicurl/ …) is GDAL's to check
        raise InputError(f"--{role} {text!r}: file {path!r} does not exist.")
    return {"path": path, "layer": layer or None}


def _gpkg_layers(gpkg: str | None, roles) -> dict[str, dict]:
    """The layers of a GeoPackage named after the roles, as job layers."""
    from .core.data.layers import layer_names

    if not gpkg:
        return {}
    present = set(layer_names(gpkg, "--gpkg"))
    return {r: {"path": gpkg, "layer": r} for r in roles if r in present}


def _engine_inputs(args: argparse.Namespace):
    """Catalogue, layers, AOI and settings of a job from the common command-line options."""
    from .core.catalogue.loader import load_catalogue
    from .core.data.layers import ROLES
    from .core.data.vsi import path_exists
    from .core.errors import InputError
    from .core.eligibility.budget import check_resolution
    from .core.jobs.build import catalogue_spec

    try:  # inf and nan would reach the job as "no value"
        check_resolution(args.resolution)
    except InputError as exc:
        raise InputError(f"--resolution: {exc}") from None
    tags = {"settlement_setback": args.settlement_setback} if args.settlement_setback is not None else None
    catalogue = catalogue_spec(args.catalogue, tags)
    cat = load_catalogue(args.catalogue)  # its problems first, as the job would report them
    for tag, metres in (tags or {}).items():
        cat = cat.with_tag_buffer(tag, metres)
    if args.gpkg and not path_exists(args.gpkg):
        raise InputError(f"--gpkg {args.gpkg!r} does not exist.")
    layers = _gpkg_layers(args.gpkg, ROLES)
    for item in args.layer or []:
        role, _, src = item.partition("=")
        if role not in ROLES:
            raise InputError(f"--layer {item!r}: {role!r} is not a layer role; roles: {', '.join(ROLES)}")
        path, sep, layer = src.rpartition(":")
        if not sep or "/" in layer or "\\" in layer:  # no layer name (or a Windows drive colon)
            path, layer = src, ""
        layers[role] = {"path": path, "layer": layer or None}
    if "municipalities" not in layers and not getattr(args, "source", None):
        raise SystemExit("wip: give --gpkg with a 'municipalities' layer, --layer municipalities=FILE[:LAYER] "
                         "or --source FILE (an OSM extract with administrative boundaries)")
    aoi = {"name_field": args.name_field, "names": _names(args)}
    if "municipalities" in layers:
        aoi["layer"] = layers["municipalities"]
    settings = {"resolution_m": args.resolution, "crs": args.crs, "kinds": args.kinds.split(","),
                "min_area_ha": args.min_area, **({"workers": args.workers} if args.workers else {})}
    # always given, as the algorithm "Land eligibility" gives them (the same job for the same choices)
    settings["require_all"] = bool(getattr(args, "require_all", False))
    settings["invalid_geometries"] = getattr(args, "invalid_geometries", None) or "error"
    if _scheduler(args):  # the tiles as Dask tasks (core/eligibility/dask_tiles.py)
        settings["scheduler"] = _scheduler(args)
    if getattr(args, "eligibility_raster", None):  # raster criteria (e.g. land_cover): --raster ROLE=FILE
        settings["rasters"] = _raster_args(args.eligibility_raster)
    if _bindings(args):
        settings["layer_bindings"] = _bindings(args)
    return catalogue, layers, aoi, settings, args.prefix or cat.technology


def eligibility_job_from_args(args: argparse.Namespace):
    """The ``eligibility`` job of ``wip eligibility`` and its output prefix (the algorithm "Land eligibility"
    builds the same job)."""
    from .core.jobs.build import eligibility_job

    catalogue, layers, aoi, settings, key = _engine_inputs(args)
    # the AOI's layer serves the role municipalities (the job adds it), as the algorithm's AOI parameter does
    layers = {role: ref for role, ref in layers.items() if role != "municipalities"}
    out = Path(args.out_dir)
    outputs = {"eligibility": out / f"{key}_eligibility.tif", "reasons": out / f"{key}_reasons.tif",
               "polygons": out / f"{key}_areas.gpkg", "table": out / f"{key}_table.csv"}
    return eligibility_job(catalogue, layers, aoi, outputs, settings, _sources(args)), key


def _sources(args: argparse.Namespace) -> list[dict]:
    """``--source PATH`` (repeatable) with ``--source-profile ID[:PART]`` as job sources, each checked and its
    detection line printed (the schema only is read)."""
    from .core.data.sources.detect import detect_source

    out = []
    for path in getattr(args, "source", None) or []:
        profile = getattr(args, "source_profile", None)
        print(detect_source(path, profile).describe())
        out.append({"path": path, "profile": profile})
    return out


def cmd_eligibility(args: argparse.Namespace) -> int:
    """Run one eligibility step from command-line arguments."""
    job, key = eligibility_job_from_args(args)
    _run(job, key)
    return 0


def cmd_check_data(args: argparse.Namespace) -> int:
    """Check the inputs of an eligibility run (the arguments of ``wip eligibility``): table and CSV."""
    from .core.jobs.build import check_data_job

    catalogue, layers, aoi, settings, key = _engine_inputs(args)
    layers = {role: ref for role, ref in layers.items() if role != "municipalities"}
    table = Path(args.out_dir) / f"{key}_check.csv"
    _run(check_data_job(catalogue, layers, aoi, {"table": table}, settings, _sources(args), args.language), key,
         f"{key} check")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a setback sweep from command-line arguments."""
    job, key = sweep_job_from_args(args)
    _run(job, key, f"{key} sweep")
    return 0


def sweep_job_from_args(args: argparse.Namespace):
    """The ``setback_sweep`` job of ``wip sweep`` and its output prefix (the algorithm "Setback sweep" builds the
    same job)."""
    from .core.errors import InputError
    from .core.jobs.build import setback_sweep_job
    from .core.scenario.values import parse_setbacks

    catalogue, layers, aoi, settings, key = _engine_inputs(args)
    # the AOI's layer serves the role municipalities (the job adds it), as the algorithm's AOI parameter does
    layers = {role: ref for role, ref in layers.items() if role != "municipalities"}
    try:
        steps = parse_setbacks({"from": args.start, "to": args.stop, "step": args.step})
    except ValueError as exc:
        raise InputError(f"--from/--to/--step: {exc}") from exc
    variants: dict[str, list[str]] = {"all": []}
    for item in args.variant or []:
        name, _, drop = item.partition("=")
        variants[name] = [d for d in drop.split(",") if d]
    out = Path(args.out_dir)
    return setback_sweep_job(catalogue, layers, aoi, args.criterion, steps, settings, variants,
                             out / f"{key}_sweep.csv", out / f"{key}_sweep.png"), key


def cmd_suitability(args: argparse.Namespace) -> int:
    """Score eligible land with the catalogue's soft criteria."""
    from .core.jobs.build import suitability_job

    catalogue, layers, aoi, _, key = _engine_inputs(args)
    out = Path(args.out_dir)
    rasters = dict(item.partition("=")[::2] for item in args.raster or [])
    sens = {"runs": args.runs, "perturbation": args.perturbation, "top_pct": args.top} if args.runs else None
    outputs = {"suitability": out / f"{key}_suitability.tif", "sites": out / f"{key}_sites.gpkg",
               "sites_table": out / f"{key}_sites.csv", "stability": out / f"{key}_stability.tif" if sens else None}
    areas = {"path": args.areas, "layer": "eligible_areas"} if args.areas and Path(args.areas).exists() else None
    _run(suitability_job(catalogue, layers, rasters, aoi, args.eligibility, outputs, {"sensitivity": sens},
                         areas), key, f"{key} suitability")
    return 0


def cmd_windbg(args: argparse.Namespace) -> int:
    """WindBG area accounting of eligible wind areas."""
    job, key = windbg_job_from_args(args)
    _run(job, key)
    return 0


def windbg_job_from_args(args: argparse.Namespace):
    """The ``windbg`` job of ``wip windbg`` and its output prefix (the algorithm "WindBG accounting" builds the
    same job)."""
    from .core.catalogue.loader import load_catalogue
    from .core.jobs.build import windbg_job

    _, _, aoi, settings, key = _engine_inputs(args)
    aoi["id_field"] = args.id_field or None  # the AGS, whose first two digits name the Land
    turbine = None  # only rotor-in needs one, its dimensions (as the algorithm "WindBG accounting" sends them)
    if args.rotor_in:
        ref = load_catalogue(args.catalogue).reference_turbine
        if ref is None and not (args.hub_height and args.rotor_diameter):
            raise SystemExit("wip windbg: the catalogue has no reference turbine; give --hub-height and "
                             "--rotor-diameter")
        turbine = {"hub_height_m": args.hub_height or ref.hub_height_m,
                   "rotor_diameter_m": args.rotor_diameter or ref.rotor_diameter_m}
    return windbg_job(aoi, settings["crs"], {"path": args.areas, "layer": "eligible_areas"},
                      Path(args.out_dir) / f"{key}_windbg.csv", args.rotor_in, turbine, args.tower_foot,
                      land=args.land, invalid_geometries=settings.get("invalid_geometries")), key


def _grid_inputs(args: argparse.Namespace, need_substations: bool):
    """Lines, substations and roads from the grid options: --gpkg (layers named after the roles) and single layers."""
    from .core.errors import InputError

    present = _gpkg_layers(args.gpkg, ("power_lines", "substations", "roads"))

    def layer(option: str, role: str):
        value = getattr(args, option, None)
        if value:
            return _layer_arg(value, option)
        return _layer_arg(f"{args.gpkg}:{role}", option) if role in present else None

    subs = layer("substations", "substations")
    if need_substations and subs is None:
        raise InputError("wip connect: give --substations FILE[:LAYER] or --gpkg with a 'substations' layer.")
    raster = getattr(args, "cost_raster", None) or None
    roads = None if raster is not None else layer("roads", "roads") if hasattr(args, "roads") else None
    topology = {"snap_tolerance_m": args.snap, "voltage_field": args.voltage_field}
    return layer("lines", "power_lines"), subs, roads, raster, topology


def cmd_grid_check(args: argparse.Namespace) -> int:
    """Check the topology of power-line layers."""
    from .core.jobs.build import grid_topology_job

    lines, subs, _, _, topology = _grid_inputs(args, need_substations=False)
    if lines is None:
        raise SystemExit("wip grid-check: give --lines FILE[:LAYER] or --gpkg with a 'power_lines' layer")
    report = Path(args.out_dir) / f"{args.prefix}_topology.gpkg"
    _run(grid_topology_job(lines, subs, args.crs, topology, report, report), "grid", "grid topology",
         snap_tolerance_m=args.snap)
    return 0


def grid_connection_job_from_args(args: argparse.Namespace):
    """The ``grid_connection`` job of ``wip connect`` and its output prefix (the algorithm "Grid connection"
    builds the same job; the fields without a flag take the algorithm's defaults)."""
    from .core.data.layers import LayerRef, layer_info
    from .core.jobs.build import grid_connection_job

    _, subs, roads, raster, _ = _grid_inputs(args, need_substations=True)
    sites = _layer_arg(args.sites, "sites")
    site_id = args.site_id_field
    if site_id is None and "site_id" in layer_info(LayerRef(sites["path"], sites["layer"]), "sites").fields:
        site_id = "site_id"
    settings = {"capacity_field": args.capacity_field, "site_capacity_mw": args.site_capacity,
                "area_ha_per_mw": args.area_per_mw, "site_id_field": site_id, "terrain_factor_field": None,
                "substation_voltage_field": "voltage", "substation_free_field": args.free_capacity_field,
                "substation_name_field": "name", "unknown_free_capacity_mw": args.unknown_free_capacity,
                "allocation": args.allocation, "router": "cost_raster" if raster is not None else "roads",
                "highway_field": "highway"}
    out = Path(args.out_dir)
    gpkg = out / f"{args.prefix}.gpkg"
    outputs = {"connections": gpkg, "sites": gpkg, "site_table": out / f"{args.prefix}_sites.csv",
               "substations": gpkg, "topology_report": None}
    return grid_connection_job(sites, subs, roads, args.connection_catalogue, settings, outputs, args.crs,
                               raster), args.prefix


def cmd_connect(args: argparse.Namespace) -> int:
    """Connect sites to substations: route, price, allocate."""
    job, key = grid_connection_job_from_args(args)
    _run(job, key, f"{key} grid", router="roads" if job.arguments["cost_raster"] is None else "the cost raster")
    return 0


def _wind_inputs(args: argparse.Namespace, roles: tuple[str, ...] = ("landuse", "water")):
    """Layers (the ``roles`` the step reads, as the algorithms pass them), rasters, AOI, losses and resource of
    ``wip wind`` / ``wip layout``."""
    layers = _gpkg_layers(args.gpkg, roles)
    rasters = dict(item.partition("=")[::2] for item in args.raster or [])
    losses = {"availability_pct": args.availability_loss, "electrical_pct": args.electrical_loss,
              "wake_pct": args.wake_loss, "other_pct": args.other_loss}
    resource = {"weibull_k": args.weibull_k or None, "weather": args.weather,
                "weibull_k_raster": args.weibull_k_raster}
    aoi = None
    municipalities = _gpkg_layers(args.gpkg, ("municipalities",)).get("municipalities")
    if municipalities is not None:
        aoi = {"layer": municipalities, "name_field": args.name_field, "names": _names(args)}
    return layers, rasters, aoi, losses, resource


def cmd_wind(args: argparse.Namespace) -> int:
    """Wind yield rasters (or the list of turbines)."""
    if args.list_turbines:
        from .core.wind.turbines import turbine_catalogue

        print(f"{'turbine':<16} {'origin':<13} {'MW':>6} {'rotor m':>8}  hub heights m")
        for t in turbine_catalogue():
            print(f"{t['id']:<16} {t['origin']:<13} {t['nominal_power_kw'] / 1000:>6.2f} "
                  f"{t['rotor_diameter_m']:>8.0f}  "
                  f"{', '.join(f'{h:g}' for h in t['hub_heights_m'])}")
        return 0
    _run(wind_yield_job_from_args(args), "wind", "wind yield")
    return 0


def wind_yield_job_from_args(args: argparse.Namespace):
    """The ``wind_yield`` job of ``wip wind`` (the algorithm "Wind yield" builds the same job)."""
    from .core.jobs.build import wind_yield_job

    layers, rasters, aoi, losses, resource = _wind_inputs(args)
    settings = {"resolution_m": args.resolution, "crs": args.crs, "hub_height_m": args.hub_height,
                "losses": losses, "resource": resource}
    out, key = Path(args.out_dir), args.prefix
    outputs = {"energy": out / f"{key}_energy.tif", "full_load_hours": out / f"{key}_full_load_hours.tif",
               "wind_speed": out / f"{key}_speed_hub.tif", "table": out / f"{key}_yield.csv"}
    return wind_yield_job(args.turbine, aoi, rasters, layers, outputs, settings)


def cmd_layout(args: argparse.Namespace) -> int:
    """Turbine layout in eligible areas."""
    from .core.jobs.build import turbine_layout_job

    layers, rasters, _, losses, resource = _wind_inputs(args, ("landuse", "water", "buildings"))
    path, _, layer = args.areas.partition(":")
    settings = {"crs": args.crs, "hub_height_m": args.hub_height, "rotor_in": args.rotor_in,
                "spacing_along_d": args.along, "spacing_across_d": args.across,
                "main_direction_deg": args.direction, "objective": args.objective, "resolution_m": args.resolution,
                "losses": losses, "resource": resource, "wake_model": args.wake_model}
    out, key = Path(args.out_dir), args.prefix
    outputs = {"turbines": out / f"{key}_turbines.gpkg", "sites_table": out / f"{key}_layout_sites.csv",
               "municipalities_table": out / f"{key}_layout_municipalities.csv",
               "sites": out / f"{key}_layout_sites.gpkg"}
    _run(turbine_layout_job(args.turbine, {"path": path, "layer": layer or "eligible_areas"}, rasters, layers,
                            outputs, settings), "wind", "turbine layout")
    return 0


def immission_job_from_args(args: argparse.Namespace):
    """The ``immission`` job of ``wip immission``."""
    from .core.errors import InputError
    from .core.jobs.build import immission_job

    layers = _gpkg_layers(args.gpkg, ("buildings", "landuse", "wind_turbines"))
    for role, value in (("buildings", args.buildings), ("landuse", args.landuse), ("wind_turbines", args.existing)):
        if value:
            layers[role] = _layer_arg(value, role.replace("wind_turbines", "existing"))
    modes = []
    for text in args.mode or []:
        parts = text.split(":")
        try:
            modes.append({"name": parts[0], "reduction_db": float(parts[1]), "energy_factor": float(parts[2])})
        except (IndexError, ValueError):
            raise InputError(f"--mode {text!r}: write NAME:REDUCTION_DB:ENERGY_FACTOR, e.g. SO2:4:0.87") from None
    settings = {"crs": args.crs, "table": args.table, "sound_power_db": args.sound_power, "modes": modes,
                "reduce": not args.no_reduce, "last_resort": args.last_resort, "noise": not args.no_noise, "shadow": not args.no_shadow,
                "reach_m": args.reach, "resolution_m": args.resolution, "shadow_resolution_m": args.shadow_resolution,
                "shadow_real_case": args.shadow_real_case, "weather": args.weather}
    out, key = Path(args.out_dir), args.prefix
    outputs = {"receptors": out / f"{key}_receptors.gpkg", "turbines": out / f"{key}_turbines.gpkg",
               "noise_raster": out / f"{key}_noise.tif" if args.resolution > 0 else None,
               "contours": out / f"{key}_noise_contours.gpkg" if args.resolution > 0 else None,
               "shadow_raster": out / f"{key}_shadow.tif" if args.shadow_resolution > 0 else None}
    rasters = {"dem": args.dem} if args.dem else {}
    return immission_job(_layer_arg(args.turbines, "turbines"), layers, outputs, settings, rasters)


def cmd_immission(args: argparse.Namespace) -> int:
    """Noise and shadow flicker of a turbine layout at the dwellings."""
    _run(immission_job_from_args(args), "wind", "immission")
    return 0


def repowering_job_from_args(args: argparse.Namespace):
    """The ``repowering`` job of ``wip repowering`` (the algorithm "Repowering" builds the same job)."""
    from .core.errors import InputError
    from .core.jobs.build import repowering_job

    if bool(args.turbines) == bool(args.areas):
        raise InputError("wip repowering: give --turbines (a new layout) or --areas (eligible areas to place a "
                         "replacement layout on), one of them.")
    out, key = Path(args.out_dir), args.prefix
    settings = {"crs": args.crs, "reference_year": args.year, "min_age_years": args.min_age, "zone_h": args.zone_h,
                "old_full_load_hours": args.old_full_load_hours}
    placement = None
    if args.areas:
        layers, rasters, _, losses, resource = _wind_inputs(args)  # landuse and water: the roughness
        losses.pop("wake_pct")  # the layout computes its wakes
        placement = {"eligible_areas": _layer_arg(args.areas, "areas"), "turbine": args.turbine, "rasters": rasters,
                     "layers": layers, "settings": {
                         "crs": args.crs, "hub_height_m": args.hub_height, "rotor_in": args.rotor_in,
                         "spacing_along_d": args.along, "spacing_across_d": args.across,
                         "objective": args.objective, "resolution_m": args.resolution, "losses": losses,
                         "resource": resource}}
    return repowering_job(
        _layer_arg(args.existing, "existing"), _layer_arg(args.turbines, "turbines") if args.turbines else None,
        {"old_turbines": out / f"{key}_repowering_old.gpkg", "table": out / f"{key}_repowering.csv",
         "turbines": out / f"{key}_repowering_turbines.gpkg"},
        settings, _layer_arg(args.aoi, "aoi") if args.aoi else None,
        _layer_arg(args.plan_areas, "plan-areas") if args.plan_areas else None, placement)


def cmd_repowering(args: argparse.Namespace) -> int:
    """Repowering candidates among existing turbines and the new turbines that replace them."""
    _run(repowering_job_from_args(args), args.prefix, "repowering")
    return 0


def _aoi_arg(args: argparse.Namespace) -> dict | None:
    if not args.aoi:
        return None
    return {"layer": _layer_arg(args.aoi, "aoi"), "name_field": args.name_field, "names": _names(args)}


def cmd_solar(args: argparse.Namespace) -> int:
    """Solar potential of eligible land (ground-mounted PV, agri-PV)."""
    job, key = solar_potential_job_from_args(args)
    _run(job, key, f"{key} solar", horizon=args.horizon)
    return 0


def solar_potential_job_from_args(args: argparse.Namespace):
    """The ``solar_potential`` job of ``wip solar`` and its output prefix (the algorithm "Solar potential"
    builds the same job)."""
    from .core.jobs.build import solar_potential_job
    from .core.scenario.values import weather_source

    out, key = Path(args.out_dir), args.prefix
    sites = _layer_arg(args.sites, "sites") if args.sites else None
    settings = {"system": args.system, "tilt_deg": args.tilt, "gcr": args.gcr, "losses_pct": args.losses,
                "weather": weather_source(args.weather, Path.cwd()), "use_terrain": not args.no_terrain,
                "horizon": args.horizon}
    outputs = {"specific_yield": out / f"{key}_solar_yield.tif",
               "capacity_density": out / f"{key}_solar_capacity_density.tif",
               "energy_density": out / f"{key}_solar_energy_density.tif",
               "sites": out / f"{key}_solar_sites.gpkg" if sites else None,
               "sites_table": out / f"{key}_solar_sites.csv" if sites else None,
               "municipalities_table": out / f"{key}_solar_municipalities.csv" if args.aoi else None}
    rasters = {"dem": args.dem} if args.dem else {}
    return solar_potential_job(args.eligibility, outputs, settings, rasters, _aoi_arg(args), sites), key


def cmd_rooftop(args: argparse.Namespace) -> int:
    """Rooftop PV potential of building footprints."""
    from .core.jobs.build import rooftop_solar_job
    from .core.scenario.values import weather_source

    out, key = Path(args.out_dir), args.prefix
    settings = {"crs": args.crs, "weather": weather_source(args.weather, Path.cwd()), "losses_pct": args.losses}
    outputs = {"buildings": out / f"{key}_pv.gpkg", "buildings_table": out / f"{key}_pv.csv",
               "municipalities_table": out / f"{key}_municipalities.csv" if args.aoi else None}
    _run(rooftop_solar_job(_layer_arg(args.buildings, "buildings"), outputs, settings, _aoi_arg(args)), "rooftop",
         "rooftop PV")
    return 0


def cmd_floating(args: argparse.Namespace) -> int:
    """Floating PV on the qualifying lakes (WHG § 36 (3))."""
    from .core.jobs.build import floating_pv_job
    from .core.scenario.values import weather_source

    out, key = Path(args.out_dir), args.prefix
    names = [n.strip() for n in (args.lakes or "").split(",") if n.strip()]
    if args.all_features:
        lake_filter = None
    else:
        lake_filter = {"any": [{"water": ["reservoir", "basin"]}, {"name": names}]} if names else \
            {"water": ["reservoir", "basin"]}
    settings = {"crs": args.crs, "lake_filter": lake_filter, "shore_m": args.shore_m,
                "max_share": args.max_share_pct / 100.0, "min_field_ha": args.min_field_ha,
                "weather": weather_source(args.weather, Path.cwd())}
    outputs = {"fields": out / f"{key}_fields.gpkg", "table": out / f"{key}_fields.csv"}
    _run(floating_pv_job(_layer_arg(args.water, "water"), outputs, settings,
                         _layer_arg(args.aoi, "aoi") if args.aoi else None, args.name_field), "floating",
         "floating PV")
    return 0


def cmd_osm_download(args: argparse.Namespace) -> int:
    """OSM data for the municipalities and the catalogue's setbacks from an Overpass server (network)."""
    from .core.data.overpass import download_osm, urllib_fetch
    from .core.jobs.build import catalogue_spec, osm_convert_job, osm_plan_job
    from .core.jobs.protocol import run_job

    out = Path(args.out)
    osm = Path(args.osm) if args.osm else out.with_suffix(".osm")
    settings = {"server_url": args.server, "timeout_s": args.timeout, "crs": args.crs,
                "kinds": [k.strip() for k in args.kinds.split(",") if k.strip()]}
    progress = TerminalProgress("osm-download")
    plan = run_job(osm_plan_job(catalogue_spec(args.catalogue), _aoi_arg(args), settings), progress)
    print(f"osm-download: {plan['areas']} area(s), margin {plan['margin_m']:,.0f} m "
          f"(largest setback: {plan['margin_criterion'] or 'none'}), roles {', '.join(plan['roles'])}")
    print("  box (W, S, E, N) [°]: " + ", ".join(f"{v:.6f}" for v in plan["bbox_wgs84"]))
    download = download_osm(plan["query"], osm, urllib_fetch, progress, args.server, args.timeout)
    print(f"  {download.nodes:,} nodes, {download.ways:,} ways, {download.relations:,} relations "
          f"({download.size_bytes / 1e6:.1f} MB) from {args.server}" +
          (f", data of {download.timestamp}" if download.timestamp else ""))
    print(f"  → {osm}")
    converted = run_job(osm_convert_job(str(osm), str(out), args.crs, plan["bbox"]), progress)
    for role, n in converted["counts"].items():
        print(f"  {role:<16} {n:>8,}")
    for note in converted["notes"]:
        print(f"  note: {note}")
    print(f"  → {out}")
    return 0


def cmd_boundaries(args: argparse.Namespace) -> int:
    """The official municipal boundaries (BKG VG250-EW) of the Länder from the BKG's WFS (network)."""
    from .core.data.overpass import urllib_fetch
    from .core.data.vg250 import download_vg250

    result = download_vg250(args.out, args.land or ["ST", "SN", "TH"], urllib_fetch, TerminalProgress("boundaries"),
                            args.server, args.crs, args.timeout)
    print(f"boundaries: {result.count:,} municipalities ("
          + ", ".join(f"{k} {v:,}" for k, v in result.per_land.items()) + f"), {result.left_out:,} left out")
    print(f"  → {result.path}")
    return 0


def cmd_plan_areas(args: argparse.Namespace) -> int:
    """WindBG accounting of a plan's designated wind areas per municipality, and their overlap with the model."""
    from .core.catalogue.loader import load_catalogue
    from .core.jobs.build import plan_areas_job

    _, _, aoi, settings, key = _engine_inputs(args)
    turbine = None
    if args.rotor_in:
        ref = load_catalogue(args.catalogue).reference_turbine
        if ref is None and not (args.hub_height and args.rotor_diameter):
            raise SystemExit("wip plan-areas: the catalogue has no reference turbine; give --hub-height and "
                             "--rotor-diameter")
        turbine = {"hub_height_m": args.hub_height or ref.hub_height_m,
                   "rotor_diameter_m": args.rotor_diameter or ref.rotor_diameter_m}
    out = Path(args.out_dir)
    _run(plan_areas_job(_layer_arg(args.areas, "plan areas"), aoi,
                        {"table": str(out / f"{key}_plan_areas.csv"),
                         "criteria_table": str(out / f"{key}_plan_areas_criteria.csv") if args.reasons else None},
                        {"crs": settings["crs"], "rotor_in": args.rotor_in, "turbine": turbine, "land": args.land,
                         "tower_foot_radius_m": args.tower_foot,
                         "invalid_geometries": settings.get("invalid_geometries") or "repair"},
                        reasons=args.reasons), key)
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    """Delete the temporary files that killed runs left in output folders (those of running processes stay)."""
    from .core.jobs.paths import remove_stale_parts

    total = 0
    for folder in args.folders or ["out"]:
        removed = remove_stale_parts(folder, recursive=True)
        for path in removed:
            print(f"  removed {path}")
        total += len(removed)
    print(f"{total} temporary file(s) of interrupted runs removed.")
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    """List the presets, or show one."""
    from .core.catalogue.loader import list_presets, load_catalogue

    if args.action == "show":
        if not args.preset:
            raise SystemExit("wip presets show: name a preset, e.g. wip presets show wind_sachsen")
        cat = load_catalogue(args.preset)
        print(f"{cat.id} {cat.version} ({cat.technology}, {cat.land or '-'}): {cat.title.en}")
        if cat.reference_turbine:
            t = cat.reference_turbine
            print(f"reference turbine: {t.name}, hub {t.hub_height_m:g} m, rotor {t.rotor_diameter_m:g} m, "
                  f"H = {t.total_height_m:g} m")
        if cat.dwelling_rule is not None:
            users = ", ".join(c.id for c in cat.criteria if c.dwellings)
            treated = "count as possible dwellings" if cat.dwelling_rule.unknown == "dwelling" else "do not count"
            print(f"dwelling rule: buildings of unknown use (building=yes …) {treated} (criteria: {users or '-'})")
        print(f"{'id':<28} {'kind':<13} {'layer':<16} {'setback':<12} {'m':>7}  valid from  source")
        for c in cat.criteria:
            metres = c.buffer_m(cat.reference_turbine)
            print(f"{c.id:<28} {c.kind:<13} {c.role:<16} {str(c.buffer):<12} {metres:>7.0f}  "
                  f"{c.valid_from.isoformat()}  {cat.source_text(c.source)[:60]}")
        return 0
    for p in list_presets():
        print(f"{p.id:<22} {p.technology:<10} {p.version:<8} {p.title_en}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run one job of the QGIS plugin; protocol lines on stdout (see core/jobs/protocol.py)."""
    import json
    import os
    import signal
    import threading

    from .core.jobs.protocol import ENTRY_POINTS, check_report, serve

    if args.check:
        print(json.dumps(check_report(), ensure_ascii=False))
        return 0
    if args.list:
        for name in sorted(ENTRY_POINTS):
            print(f"{name:<16} {ENTRY_POINTS[name].function}")
        return 0
    if not args.job:
        raise SystemExit("wip worker: give a job file (or --check / --list)")
    # The protocol owns stdout; anything else printed (by Python or by C libraries) goes to stderr.
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    cancel = threading.Event()
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: cancel.set())
    control = None
    if args.control_stdin:  # read raw from a copy of the descriptor (see watch_for_cancel); nobody else reads it
        control = os.dup(sys.stdin.fileno())
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the rest of the process
    try:
        return serve(Path(args.job), protocol, control, cancel)
    finally:
        protocol.close()


def _grid_options(p: argparse.ArgumentParser, prefix: str) -> None:
    p.add_argument("--gpkg", help="GeoPackage whose layers are named after the roles (power_lines, substations, roads)")
    p.add_argument("--lines", metavar="FILE[:LAYER]", help="power lines (default: the gpkg's power_lines)")
    p.add_argument("--substations", metavar="FILE[:LAYER]", help="substations (default: the gpkg's substations)")
    p.add_argument("--voltage-field", default="voltage", help="voltage field of the lines (volts, OSM style)")
    p.add_argument("--snap", type=float, default=10.0, help="snap tolerance [m]")
    p.add_argument("--crs", default="EPSG:25832")
    p.add_argument("--prefix", default=prefix, help=f"output file prefix (default: {prefix})")
    p.add_argument("--out-dir", default="out")


def _wind_options(p: argparse.ArgumentParser, resolution: float) -> None:
    p.add_argument("--turbine", default="E-141/4200", help="windpowerlib type, turbine preset or YAML file")
    p.add_argument("--hub-height", type=float, help="hub height [m] (default: the turbine's)")
    p.add_argument("--gpkg", help="GeoPackage with municipalities, landuse, water, buildings layers")
    p.add_argument("--names", help="comma-separated municipality names (default: all)")
    p.add_argument("--name", action="append", metavar="NAME",
        help="one municipality by its exact name or key (AGS), repeatable; for names with commas")
    p.add_argument("--name-field", default="name")
    p.add_argument("--raster", action="append", metavar="ROLE=FILE",
                   help="wind_speed_100m, wind_speed_150m (one, two or none: TRY wind) and dem")
    p.add_argument("--weibull-k", type=float, default=2.0, help="Weibull shape k (0: fit to the weather)")
    p.add_argument("--weibull-k-raster", help="raster of Weibull k (e.g. Global Wind Atlas), replaces --weibull-k")
    p.add_argument("--weather", help="weather: TRY region number, .epw, PVGIS .csv/.json (default: TRY of the area)")
    p.add_argument("--availability-loss", type=float, default=3.0, help="[%%]")
    p.add_argument("--electrical-loss", type=float, default=2.0, help="[%%]")
    p.add_argument("--wake-loss", type=float, default=5.0, help="wake placeholder of the yield raster [%%]")
    p.add_argument("--other-loss", type=float, default=0.0, help="curtailment and other losses [%%]")
    p.add_argument("--resolution", type=float, default=resolution, help="pixel size [m]")
    p.add_argument("--crs", default="EPSG:25832")
    p.add_argument("--prefix", default="wind", help="output file prefix")
    p.add_argument("--out-dir", default="out")


def _solar_options(p: argparse.ArgumentParser, prefix: str) -> None:
    p.add_argument("--aoi", metavar="FILE[:LAYER]", help="municipality polygons (totals per municipality)")
    p.add_argument("--name-field", default="name")
    p.add_argument("--names", help="comma-separated municipality names (default: all)")
    p.add_argument("--name", action="append", metavar="NAME",
        help="one municipality by its exact name or key (AGS), repeatable; for names with commas")
    p.add_argument("--weather", help="TRY region (e.g. 4) or weather file (PVGIS TMY .csv/.json, .epw, CSV); "
                                     "default: the TRY region of each site")
    p.add_argument("--losses", type=float, help="combined DC losses [%%] (default: the preset's items, 14.08)")
    p.add_argument("--prefix", default=prefix, help="output file prefix")
    p.add_argument("--out-dir", default="out")


def _out_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out-dir", metavar="DIR",
                   help="write the outputs into DIR instead of the scenario's output_dir (relative to the working "
                        "folder; the scenario's inputs stay relative to the scenario file)")


def _dask_options(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--dask", metavar="local[:N]",
                   help=f"run {what} as tasks of a local Dask cluster of N worker processes (default N: one per core)")
    g.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help=f"run {what} on the workers of this Dask scheduler; they must see the inputs under the same "
                        "paths (docs/scale.md)")


def _scheduler(args: argparse.Namespace) -> str | None:
    """The Dask scheduler of ``--dask local[:N]`` / ``--scheduler ADDRESS``, checked (None: no Dask)."""
    from .core.cluster import local_workers

    if getattr(args, "dask", None):
        local_workers(args.dask)  # refuses anything but local / local:N
        return args.dask
    address = getattr(args, "scheduler", None)
    if address and "://" not in address:
        raise SystemExit(f"--scheduler {address!r}: give the scheduler's address, e.g. tcp://10.0.0.5:8786")
    return address or None


def _source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", action="append", metavar="PATH",
                   help="data in a source profile (OSM .osm/.pbf/GeoPackage, QuickOSM layers, Geofabrik shapefiles "
                        "or zip, ATKIS, ALKIS, authority layers) for every role --layer does not give (repeatable)")
    p.add_argument("--source-profile", metavar="ID[:PART]",
                   help="the profile of the --source files instead of detecting it, e.g. osm_gdal, "
                        "authority_layer:nsg (docs/sources.md)")


def _raster_args(items: list[str]) -> dict[str, dict]:
    """``--raster ROLE=FILE`` of eligibility runs → the settings' rasters (a missing file: not assessed)."""
    from .core.data.rasters import RASTER_ROLES
    from .core.errors import InputError
    from .core.spec import suggest

    out = {}
    for item in items:
        role, sep, path = item.partition("=")
        if not sep or not path:
            raise InputError(f"--raster {item!r}: write ROLE=FILE, e.g. land_cover=clc.tif")
        if role not in RASTER_ROLES:
            raise InputError(f"--raster {item!r}: {role!r} is not a raster role{suggest(role, RASTER_ROLES)}; "
                             f"roles: {', '.join(RASTER_ROLES)}")
        out[role] = {"path": path}
    return out


def _raster_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raster", action="append", dest="eligibility_raster", metavar="ROLE=FILE",
                   help="raster for the catalogue's raster criteria, e.g. land_cover=clc.tif (CORINE, LBM-DE, "
                        "Copernicus; any CRS and resolution) (repeatable)")


def _common_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalogue", required=True, help="preset id or YAML file")
    p.add_argument("--gpkg", help="GeoPackage whose layers are named after the roles")
    p.add_argument("--layer", action="append", metavar="ROLE=FILE[:LAYER]", help="layer for a role (repeatable)")
    p.add_argument("--names", help="comma-separated municipality names (default: all)")
    p.add_argument("--name", action="append", metavar="NAME",
        help="one municipality by its exact name or key (AGS), repeatable; for names with commas")
    p.add_argument("--name-field", default="name")
    p.add_argument("--kinds", default="hard,soft", help="exclusion kinds, comma-separated")
    p.add_argument("--resolution", type=float, default=10.0, help="pixel size [m]")
    p.add_argument("--crs", default="EPSG:25832")
    p.add_argument("--min-area", type=float, default=5.0,
                   help="minimum patch area [ha] (default 5, the sample scenario's wind; give 1 for a PV catalogue)")
    p.add_argument("--settlement-setback", type=float, help="setback to settlements [m]")
    p.add_argument("--workers", type=int)
    p.add_argument("--prefix", help="output file prefix (default: the technology)")
    p.add_argument("--out-dir", default="out")
    p.add_argument("--require-all", action="store_true",
                   help="refuse to run if a criterion's layer is missing (default: run, list it as not assessed)")
    p.add_argument("--invalid-geometries", choices=("error", "repair", "skip"),
                   help="invalid geometries of the features read: refuse (default), repair or leave them out")
    p.add_argument("--criterion-layer", action="append", metavar="CRITERION=FILE[:LAYER]",
                   help="the criterion reads only this layer, every feature counts (repeatable)")
    p.add_argument("--role-layer", action="append", metavar="ROLE=FILE[:LAYER][;FIELD=VALUE…]",
                   help="more features for a role, with fixed values, e.g. "
                        "'protected_areas=NSG.shp;protection_title=Naturschutzgebiet' (repeatable)")


def _accounting_options(p: argparse.ArgumentParser, rotor_in_help: str, rotor_in: bool) -> None:
    """Rotor-in (default ``rotor_in``, as the algorithm's), the reference turbine, the tower foot and the Land of a
    WindBG accounting (windbg, plan-areas)."""
    p.add_argument("--rotor-in", action=argparse.BooleanOptionalAction, default=rotor_in, help=rotor_in_help)
    p.add_argument("--hub-height", type=float, help="reference turbine hub height [m] (default: the catalogue's)")
    p.add_argument("--rotor-diameter", type=float, help="reference turbine rotor diameter [m]")
    p.add_argument("--tower-foot", type=float, default=4.0, help="tower-foot radius [m]")
    p.add_argument("--land", help="the Land (ST, SN, TH, BY …) of municipalities whose AGS does not name one")


def _bindings(args: argparse.Namespace) -> list[dict]:
    """``--criterion-layer`` and ``--role-layer`` → the layer bindings of the eligibility settings."""
    def layer(src: str) -> dict:  # FILE[:LAYER]; a missing file makes the criterion "not assessed"
        path, sep, name = src.rpartition(":")
        if not sep or "/" in name or "\\" in name:
            path, name = src, ""
        return {"path": path, "layer": name or None}

    out = []
    for item in getattr(args, "criterion_layer", None) or []:
        cid, _, src = item.partition("=")
        out.append({"layer": layer(src), "criterion": cid.strip()})
    for item in getattr(args, "role_layer", None) or []:
        role, _, rest = item.partition("=")
        src, *fixed = rest.split(";")
        attributes = [[f.strip(), v.strip()] for f, _, v in (x.partition("=") for x in fixed if x.strip())]
        out.append({"layer": layer(src), "role": role.strip(), "attributes": attributes})
    return out


def _profile_options(p: argparse.ArgumentParser) -> None:
    """The economics and demand-scenario options of the profile (the scenario keys profile.economics and
    profile.demand_scenarios; the Processing parameters COST_TABLE, HEBESATZ_*, DEMAND_SCENARIOS, SCENARIO_FILE)."""
    p.add_argument("--cost-table", metavar="ID|FILE", help="cost table (preset id or YAML; default: economics)")
    p.add_argument("--hebesatz-field", metavar="FIELD",
                   help="field of the municipality layer with the trade-tax multiplier (default: hebesatz)")
    p.add_argument("--hebesatz-pct", type=float, metavar="PCT",
                   help="trade-tax multiplier [%%] where the field gives none (default: the cost table's, 400)")
    p.add_argument("--demand-scenarios", metavar="ID|FILE|none",
                   help="demand scenarios today/2030/2045 (default: demand_scenarios; none: no scenarios)")
    p.add_argument("--storage-targets", metavar="PCT[,PCT]",
                   help="self-sufficiency targets of the storage sizing [%%] (default: 80,90)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``wip``."""
    p = argparse.ArgumentParser(prog="wip", description="WIP energy and spatial planning engine.")
    p.add_argument("--version", action="version", version=f"wip {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a scenario file")
    r.add_argument("scenario")
    r.add_argument("--only", action="append", help="run only this technology key (repeatable)")
    r.add_argument("--resolution", type=float, help="override the scenario's resolution [m]")
    _profile_options(r)
    _out_dir_option(r)
    _dask_options(r, "the tiles of every eligibility step")
    _source_options(r)
    r.set_defaults(func=cmd_run)
    e = sub.add_parser("eligibility", help="land eligibility for one catalogue")
    _common_options(e)
    _dask_options(e, "the tiles")
    _source_options(e)
    _raster_option(e)
    e.set_defaults(func=cmd_eligibility)
    cd = sub.add_parser("check-data", help="check the inputs of `wip eligibility` (same arguments): features matched "
                                           "per criterion, criteria not assessed, warnings; a CSV table")
    _common_options(cd)
    _source_options(cd)
    _raster_option(cd)
    cd.add_argument("--language", choices=["en", "de"], default="en", help="language of the table and its CSV")
    cd.set_defaults(func=cmd_check_data)
    s = sub.add_parser("sweep", help="eligible share as a function of one criterion's setback")
    _common_options(s)
    _raster_option(s)
    s.add_argument("--criterion", required=True, help="criterion id, e.g. settlements_soft")
    s.add_argument("--from", dest="start", type=float, default=400.0, help="first setback [m]")
    s.add_argument("--to", dest="stop", type=float, default=1500.0, help="last setback [m]")
    s.add_argument("--step", type=float, default=100.0, help="step [m]")
    s.add_argument("--variant", action="append", metavar="NAME=ID[,ID]",
                   help="a variant dropping criteria, e.g. 'ohne Wald=forest' (repeatable)")
    s.set_defaults(func=cmd_sweep, resolution=25.0)  # the sample scenario's sweep, as the algorithm's
    su = sub.add_parser("suitability", help="score eligible land with the catalogue's soft criteria")
    _common_options(su)
    su.add_argument("--eligibility", required=True, help="eligibility raster of `wip eligibility`")
    su.add_argument("--areas", help="eligible-area polygons (GeoPackage) for ranked candidate sites")
    su.add_argument("--raster", action="append", metavar="ROLE=FILE",
                    help="raster for a role: dem, slope, aspect, wind_speed_100m, wind_speed_150m, soil_quality")
    su.add_argument("--runs", type=int, default=50,
                    help="sensitivity runs (default 50, the sample scenario's; 0: none)")
    su.add_argument("--perturbation", type=float, default=0.2, help="weight perturbation (0.2 = ±20 %%)")
    su.add_argument("--top", type=float, default=10.0, help="top share for the stability raster [%%]")
    su.set_defaults(func=cmd_suitability)
    wb = sub.add_parser("windbg", help="WindBG area accounting of eligible wind areas")
    _common_options(wb)
    wb.add_argument("--areas", required=True, help="eligible-area polygons (GeoPackage) of `wip eligibility`")
    wb.add_argument("--id-field", default="ags",
                    help="municipality key field (AGS: it names the Land; default: ags, as the algorithm's)")
    _accounting_options(wb, "apply the WindBG § 4 rotor-in deduction (default: on, as the sample scenario)", True)
    wb.set_defaults(func=cmd_windbg)
    gc = sub.add_parser("grid-check", help="check power lines as a graph: dangling ends, islands, missing voltages")
    _grid_options(gc, "grid")
    gc.set_defaults(func=cmd_grid_check)
    cn = sub.add_parser("connect", help="connect sites to substations: route, price and allocate under free capacity")
    _grid_options(cn, "grid")
    cn.add_argument("--sites", required=True, metavar="FILE[:LAYER]", help="candidate sites (points or polygons)")
    cn.add_argument("--roads", metavar="FILE[:LAYER]", help="roads for routing (default: the gpkg's roads)")
    cn.add_argument("--cost-raster", help="cost-factor raster: least-cost paths instead of roads")
    cn.add_argument("--capacity-field", default="capacity_mw", help="site capacity field [MW]")
    cn.add_argument("--site-capacity", type=float, help="the same capacity for every site [MW]")
    cn.add_argument("--area-per-mw", type=float, help="capacity from the polygon area: hectares per MW [ha]")
    cn.add_argument("--site-id-field", help="site id field (default: site_id if present, else the row number)")
    cn.add_argument("--free-capacity-field", default="free_capacity_mw", help="substation free capacity field [MW]")
    cn.add_argument("--unknown-free-capacity", type=float, help="free capacity where the field is empty [MW]")
    cn.add_argument("--catalogue", dest="connection_catalogue", default="grid_connection",
                    help="connection levels and costs: preset id or YAML file")
    cn.add_argument("--allocation", default="min_cost_flow", choices=["min_cost_flow", "greedy"])
    cn.set_defaults(func=cmd_connect)
    wy = sub.add_parser("wind", help="wind yield: annual energy, full-load hours, hub-height wind per pixel")
    _wind_options(wy, 25.0)
    wy.add_argument("--list-turbines", action="store_true", help="list the turbines with power curves")
    wy.set_defaults(func=cmd_wind)
    wl = sub.add_parser("layout", help="place turbines in eligible areas; energy, wake losses, totals")
    _wind_options(wl, 50.0)
    wl.add_argument("--areas", required=True, metavar="FILE[:LAYER]", help="eligible areas of `wip eligibility`")
    wl.add_argument("--rotor-in", action=argparse.BooleanOptionalAction, default=True,
                    help="the whole rotor inside the area (default: on, as the sample scenario)")
    wl.add_argument("--along", type=float, default=5.0, help="spacing along the main wind direction [D]")
    wl.add_argument("--across", type=float, default=3.0, help="spacing across it [D]")
    wl.add_argument("--direction", type=float, help="main wind direction [°] (default: from the weather)")
    wl.add_argument("--objective", choices=["count", "energy"], default="count")
    wl.add_argument("--wake-model", choices=["jensen", "dena_mean", "knorr_mean"], default="jensen")
    wl.set_defaults(func=cmd_layout)
    im = sub.add_parser("immission", help="noise (TA Lärm, ISO 9613-2) and shadow flicker of a turbine layout; "
                                          "quieten or remove turbines over a limit")
    im.add_argument("--turbines", required=True, metavar="FILE[:LAYER]", help="new turbines (`wip layout`'s points)")
    im.add_argument("--gpkg", help="GeoPackage with buildings, landuse and wind_turbines (existing) layers")
    im.add_argument("--buildings", metavar="FILE[:LAYER]", help="dwellings (receptors); field area_type: WR, WA, MI …")
    im.add_argument("--landuse", metavar="FILE[:LAYER]", help="land use (area type of the receptors)")
    im.add_argument("--existing", metavar="FILE[:LAYER]", help="existing turbines (noise pre-load, shadow)")
    im.add_argument("--dem", help="elevation model (ground heights)")
    im.add_argument("--sound-power", type=float, help="L_WA of the new turbines [dB(A)] (default: field or table)")
    im.add_argument("--mode", action="append", metavar="NAME:DB:FACTOR",
                    help="a quieter mode: name, reduction [dB], annual energy factor; repeatable, loudest first")
    im.add_argument("--no-reduce", action="store_true", help="report only, change no turbine")
    im.add_argument("--last-resort", choices=["night_off", "remove"], default="night_off",
                    help="a turbine its quietest mode leaves over a limit: off at night (22–6 h) or removed")
    im.add_argument("--no-noise", action="store_true", help="skip the noise")
    im.add_argument("--no-shadow", action="store_true", help="skip the shadow flicker")
    im.add_argument("--shadow-real-case", action=argparse.BooleanOptionalAction, default=True,
                    help="also the real shadow duration per receptor (sunshine, operation, rotor turned into the wind "
                         "of the weather year) against the LAI's 8 h/a (default: on, as the sample scenario)")
    im.add_argument("--weather", default=None,
                    help="weather of the real case: a file or a TRY region (default: the site's TRY region)")
    im.add_argument("--table", help="immission table (YAML, schema wip-immission/1; default presets/immission.yml)")
    im.add_argument("--reach", type=float, default=3000.0, help="receptors within this of a new turbine [m]")
    im.add_argument("--resolution", type=float, default=25.0, help="noise raster pixel [m] (0: none)")
    im.add_argument("--shadow-resolution", type=float, default=50.0, help="shadow raster pixel [m] (0: none)")
    im.add_argument("--crs", default="EPSG:25832")
    im.add_argument("--prefix", default="wind", help="output file prefix")
    im.add_argument("--out-dir", default="out")
    im.set_defaults(func=cmd_immission)
    rp = sub.add_parser("repowering", help="existing turbines old enough for repowering and the new ones that "
                                           "replace them (§ 16b BImSchG)")
    rp.add_argument("--existing", required=True, metavar="FILE[:LAYER]",
                    help="existing turbines with commissioning year, hub height and rotor")
    rp.add_argument("--turbines", metavar="FILE[:LAYER]", help="new turbines (a layout); or --areas")
    rp.add_argument("--areas", metavar="FILE[:LAYER]",
                    help="eligible areas: place a replacement layout on them within the zones (instead of --turbines)")
    rp.add_argument("--plan-areas", metavar="FILE[:LAYER]",
                    help="the plan's repowering areas (polygons): new turbines in them are repowering turbines too")
    rp.add_argument("--aoi", metavar="FILE[:LAYER]", help="municipalities (name): the balance per municipality")
    rp.add_argument("--year", type=int, help="year of the assessment (default: this year)")
    rp.add_argument("--min-age", type=float, default=20.0, help="age from which a turbine is a candidate [a]")
    rp.add_argument("--zone-h", type=float, default=5.0, help="replacement zone in total heights of the new turbine")
    rp.add_argument("--old-full-load-hours", type=float, default=1630.0, help="of the old turbines [h/a]")
    _wind_options(rp, 50.0)  # the replacement layout (--areas): turbine, rasters, --gpkg layers, losses
    rp.add_argument("--rotor-in", action=argparse.BooleanOptionalAction, default=True,
                    help="replacement layout: the whole rotor inside the area (default: on, as the sample scenario)")
    rp.add_argument("--along", type=float, default=5.0, help="replacement layout: spacing along the wind [D]")
    rp.add_argument("--across", type=float, default=3.0, help="replacement layout: spacing across it [D]")
    rp.add_argument("--objective", choices=["count", "energy"], default="count")
    rp.set_defaults(func=cmd_repowering)
    bt = sub.add_parser("batch", help="a scenario's chain up to the profile for every municipality of a layer, one "
                                      "folder each plus an overview; resumes after a crash, on Dask if asked")
    bt.add_argument("scenario")
    bt.add_argument("--municipalities", metavar="FILE[:LAYER]",
                    help="the municipalities (default: the scenario's area_of_interest layer)")
    bt.add_argument("--name-field", help="field naming them (default: the scenario's area_of_interest.name_field)")
    bt.add_argument("--id-field", help="key field, e.g. ags (default: the scenario's area_of_interest.id_field)")
    bt.add_argument("--where", metavar="EXPR", help="OGR SQL condition selecting municipalities, e.g. \"ags LIKE "
                                                    "'15082%%'\"")
    bt.add_argument("--out-dir", metavar="DIR", help="the batch folder (default: the scenario's output_dir)")
    bt.add_argument("--only", action="append", help="run only this technology key (repeatable; the profile runs "
                                                    "always)")
    bt.add_argument("--resolution", type=float, help="override the scenario's resolution [m]")
    bt.add_argument("--dask", metavar="local[:N]", help="run the municipalities on a local Dask cluster of N worker "
                                                         "processes (default N: one per core)")
    bt.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the municipalities on the workers of this "
                                                                    "Dask scheduler (docs/scale.md)")
    bt.add_argument("--retries", type=int, default=1, help="Dask: retries of a municipality that failed with an "
                                                           "error (a killed worker's task is rerun anyway)")
    _source_options(bt)
    bt.set_defaults(func=cmd_batch)
    pr = sub.add_parser("prepare", help="convert large vector inputs once into spatially indexed files (FlatGeobuf, "
                                        "in the working CRS) that every batch worker reads by bounding box")
    pr.add_argument("inputs", nargs="+", metavar="INPUT",
                    help="a scenario (.yaml: every layer of its layers:) or vector files FILE[:LAYER] (a file "
                         "without a layer name: every layer); /vsicurl/, /vsis3/, /vsizip/ paths too")
    pr.add_argument("--out-dir", metavar="DIR", required=True, help="folder of the prepared files")
    pr.add_argument("--crs", help="working CRS (default: the scenario's, else EPSG:25832)")
    pr.add_argument("--format", choices=["flatgeobuf", "geoparquet"], default="flatgeobuf",
                    help="flatgeobuf (default, with its spatial index) or geoparquet (needs GDAL's Parquet driver)")
    pr.add_argument("--invalid", choices=["drop", "repair"], default="drop",
                    help="invalid geometries: left out (default) or repaired; counted either way")
    pr.add_argument("--scenario-out", metavar="FILE",
                    help="the prepared copy of the scenario (default: <scenario>_prepared.yaml beside it)")
    pr.set_defaults(func=cmd_prepare)
    pf = sub.add_parser("profile", help="municipal energy profile and reports of a scenario")
    pf.add_argument("scenario")
    pf.add_argument("--names", help="comma-separated municipality names (default: the scenario's)")
    pf.add_argument("--name", action="append", metavar="NAME",
        help="one municipality by its exact name or key (AGS), repeatable; for names with commas")
    pf.add_argument("--resolution", type=float, help="override the scenario's resolution [m]")
    pf.add_argument("--language", choices=["de", "en"], help="report language (default: the scenario's, else de)")
    pf.add_argument("--no-report", action="store_true", help="indicators only, no HTML reports")
    _profile_options(pf)
    _out_dir_option(pf)
    _dask_options(pf, "the tiles of the profile's eligibility runs")
    pf.set_defaults(func=cmd_profile)
    so = sub.add_parser("solar", help="solar potential of eligible land: yield, capacity and energy density, sites")
    so.add_argument("--eligibility", required=True, help="eligibility raster of `wip eligibility`")
    so.add_argument("--sites", metavar="FILE[:LAYER]", help="candidate sites (suitability sites or eligible areas)")
    so.add_argument("--dem", help="elevation model (slope and aspect turn the racks)")
    so.add_argument("--system", default="fixed_south",
                    help="fixed_south, east_west, single_axis, agri_vertical or agri_elevated")
    so.add_argument("--tilt", type=float, help="rack tilt [°] (default: the system's; fixed south: the optimum)")
    so.add_argument("--gcr", type=float, help="ground coverage ratio [-] (default: the system's)")
    so.add_argument("--no-terrain", action="store_true", help="take the ground as level")
    so.add_argument("--horizon", action="store_true", help="horizon shading from the DEM (slower)")
    _solar_options(so, "pv_ground")
    so.set_defaults(func=cmd_solar)
    rt = sub.add_parser("rooftop", help="rooftop PV of building footprints: per building and municipality")
    rt.add_argument("--buildings", required=True, metavar="FILE[:LAYER]", help="building footprints (OSM tags)")
    rt.add_argument("--crs", default="EPSG:25832")
    _solar_options(rt, "rooftop")
    rt.set_defaults(func=cmd_rooftop)
    fl = sub.add_parser("floating", help="floating PV on artificial lakes (WHG § 36 (3): ≤ 15 %% of the lake, "
                                         "≥ 40 m from the shore)")
    fl.add_argument("--water", required=True, metavar="FILE[:LAYER]", help="water polygons (OSM natural=water)")
    fl.add_argument("--lakes", metavar="NAME[,NAME]",
                    help="also these lakes by name (flooded open-cast mines OSM tags water=lake)")
    fl.add_argument("--all-features", action="store_true",
                    help="every feature of the layer qualifies (a layer of the qualifying lakes)")
    fl.add_argument("--shore-m", type=float, default=40.0, help="distance to every shore [m] (default 40)")
    fl.add_argument("--max-share-pct", type=float, default=15.0, help="largest share of a lake [%%] (default 15)")
    fl.add_argument("--min-field-ha", type=float, default=1.0, help="smallest field [ha] (default 1)")
    fl.add_argument("--aoi", metavar="FILE[:LAYER]", help="municipality polygons (each field assigned to one)")
    fl.add_argument("--name-field", default="name")
    fl.add_argument("--weather", help="TRY region (e.g. 4) or weather file; default: the TRY region of each lake")
    fl.add_argument("--crs", default="EPSG:25832")
    fl.add_argument("--prefix", default="floating_pv", help="output file prefix")
    fl.add_argument("--out-dir", default="out")
    fl.set_defaults(func=cmd_floating)
    od = sub.add_parser("osm-download", help="download OSM data for the municipalities plus the largest setback "
                                             "(Overpass, network) into a GeoPackage with one layer per role")
    od.add_argument("--catalogue", required=True, help="preset id or YAML file: its roles and largest setback")
    od.add_argument("--aoi", required=True, metavar="FILE[:LAYER]", help="municipality polygons")
    od.add_argument("--name-field", default="name")
    od.add_argument("--names", help="comma-separated municipality names (default: all)")
    od.add_argument("--name", action="append", metavar="NAME",
        help="one municipality by its exact name or key (AGS), repeatable; for names with commas")
    od.add_argument("--kinds", default="hard,soft,case_by_case,permitted",
                    help="criteria kinds whose layers and setbacks count, comma-separated")
    od.add_argument("--crs", default="EPSG:25832", help="working CRS of the GeoPackage")
    od.add_argument("--server", default="https://overpass-api.de/api/interpreter", help="Overpass API endpoint")
    od.add_argument("--timeout", type=float, default=300.0, help="time limit of the query [s]")
    od.add_argument("--osm", help="where to keep the downloaded OSM XML (default: OUT with .osm)")
    od.add_argument("--out", required=True, help="the GeoPackage to write")
    od.set_defaults(func=cmd_osm_download)
    bd = sub.add_parser("boundaries", help="the official municipal boundaries with population (BKG VG250-EW) of "
                                           "the Länder, from the BKG's WFS (network), as GeoJSON")
    bd.add_argument("--land", action="append", metavar="CODE",
                    help="Land code (ST, SN, TH, BY …), repeatable (default: ST, SN and TH)")
    bd.add_argument("--server", default="https://sgx.geodatenzentrum.de/wfs_vg250-ew", help="the VG250-EW WFS")
    bd.add_argument("--crs", default="EPSG:25832", help="CRS of the file")
    bd.add_argument("--timeout", type=float, default=180.0, help="time limit of the connection [s]")
    bd.add_argument("--out", required=True, help="the GeoJSON file to write")
    bd.set_defaults(func=cmd_boundaries)
    pa = sub.add_parser("plan-areas", help="WindBG accounting of a regional plan's designated wind areas per "
                                           "municipality, and the criteria that exclude them in the model")
    _common_options(pa)
    pa.add_argument("--areas", required=True, metavar="FILE[:LAYER]", help="the plan's designated wind areas")
    pa.add_argument("--reasons", help="reasons raster of an eligibility run (wind_reasons.tif) in the same CRS")
    _accounting_options(pa, "the plan requires the rotor inside (WindBG § 4 (3))", False)
    pa.set_defaults(func=cmd_plan_areas)
    cl = sub.add_parser("clean", help="delete temporary files that interrupted runs left in output folders")
    cl.add_argument("folders", nargs="*", help="output folders (default: out)")
    cl.set_defaults(func=cmd_clean)
    pr = sub.add_parser("presets", help="list the shipped criteria presets, or show one")
    pr.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    pr.add_argument("preset", nargs="?")
    pr.set_defaults(func=cmd_presets)
    w = sub.add_parser("worker", help="run a job of the QGIS plugin, reporting JSON lines on stdout")
    w.add_argument("job", nargs="?", help="job file (JSON) written by the plugin")
    w.add_argument("--control-stdin", action="store_true",
                   help="read 'cancel' from stdin; the end of stdin cancels too")
    w.add_argument("--check", action="store_true", help="print this Python's engine packages as JSON")
    w.add_argument("--list", action="store_true", help="list the jobs this engine runs")
    w.set_defaults(func=cmd_worker)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wip`` console script."""
    args = build_parser().parse_args(argv)
    _end_cleanly_on_signals()
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        _SHOWN.clear()
        warnings.simplefilter("default", _spec_warning())  # once per run, however often a file is read
        return _dispatch(args)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like Ctrl+C, so every open output transaction deletes its temporary files."""


_MAIN_PID = 0


def _raise_terminated(signum, frame) -> None:  # noqa: ANN001 (signal API)
    if os.getpid() != _MAIN_PID:  # a forked tile worker (the pool ends its workers with SIGTERM): end quietly
        os._exit(128 + signum)
    raise Terminated(signal.Signals(signum).name)


def _end_cleanly_on_signals() -> None:
    """SIGTERM and SIGHUP end the run like Ctrl+C (nothing half-written, no traceback); only in the main thread.

    Forked tile workers inherit the handler; in them it ends the process at once, as the default would.
    """
    import threading

    global _MAIN_PID
    if threading.current_thread() is not threading.main_thread():
        return
    _MAIN_PID = os.getpid()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise_terminated)


def _spec_warning() -> type[Warning]:
    from .core.spec import SpecWarning

    return SpecWarning


#: The warnings about the user's files already shown in this run.
_SHOWN: set[str] = set()


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001 (warnings API)
    """Warnings about the user's files (encodings …) on stderr as ``wip: warning: …``; others as Python shows them."""
    from .core.spec import SpecWarning

    if issubclass(category, SpecWarning):
        # once per run however often a file is read: the "default" filter's registry is reset whenever a job
        # restores the warning filters (core.jobs.protocol.run_job), so the messages shown are remembered here
        if str(message) not in _SHOWN:
            _SHOWN.add(str(message))
            print(f"wip: warning: {message}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _dispatch(args: argparse.Namespace) -> int:
    """Run a parsed command: every error becomes a message and an exit code, never a traceback."""
    from .core.errors import Cancelled, InternalError, WipError, internal_error, user_error

    try:
        return int(args.func(args) or 0)
    except FileNotFoundError as exc:
        print(f"wip: error: {exc}", file=sys.stderr)
        return 2
    except Cancelled:
        print("wip: cancelled; the step that was running wrote nothing (completed steps are kept).",
              file=sys.stderr)
        return 130
    except KeyboardInterrupt as exc:
        _quiet_stdout()
        why = f" ({exc})" if isinstance(exc, Terminated) else ""
        print(f"wip: interrupted{why}; the step that was running wrote nothing (completed steps are kept).",
              file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:  # the reader of our output went away (e.g. `wip … | head`): nothing to say
        _quiet_stdout()
        return 141
    except InternalError as exc:
        log = _write_error_log(exc.details)
        print(f"wip: error: {exc}" + (f" Details: {log}" if log else ""), file=sys.stderr)
        return 3
    except WipError as exc:
        print(f"wip: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - outside a job (argument handling, printing): still no traceback
        mapped = user_error(exc)
        if mapped is not None:
            print(f"wip: error: {mapped}", file=sys.stderr)
            return 2
        error = internal_error(exc, traceback.format_exc())
        log = _write_error_log(error.details)
        print(f"wip: error: {error}" + (f" Details: {log}" if log else ""), file=sys.stderr)
        return 3


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit finds no closed pipe (BrokenPipeError)."""
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _write_error_log(details: str) -> str | None:
    """Write a traceback to a log file in the temporary folder; its path (None if it cannot be written)."""
    if not details:
        return None
    import tempfile

    try:
        fd, path = tempfile.mkstemp(prefix="wip-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(details)
        return path
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
