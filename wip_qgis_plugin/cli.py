"""The ``wip`` command line: the same engine as the QGIS algorithms, headless.

Examples::

    wip run sample_layers/scenario.yaml
    wip eligibility --catalogue wind_sachsen_anhalt --gpkg region.gpkg --resolution 25 --out-dir out
    wip presets
    wip presets show wind_sachsen
    wip worker job.json          # run a job of the QGIS plugin (core/worker_protocol.py)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .core import __version__


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


def _print_result(key: str, result, out=None) -> None:
    out = out or sys.stdout
    out.write(f"\n{key}: eligible area per municipality (grid {result.grid.resolution_m:g} m)\n")
    out.write(f"  {'municipality':<28} {'area ha':>10} {'eligible ha':>12} {'share':>8}\n")
    for m in result.municipalities:
        out.write(f"  {m.name:<28} {m.total_ha:>10,.1f} {m.eligible_ha:>12,.1f} {m.eligible_pct:>7.2f}%\n")
    share = 100 * result.eligible_ha / result.total_ha if result.total_ha else 0.0
    out.write(f"  {'TOTAL':<28} {result.total_ha:>10,.1f} {result.eligible_ha:>12,.1f} {share:>7.2f}%\n")
    for p in (result.outputs.eligibility, result.outputs.reasons, result.outputs.polygons, result.outputs.table):
        if p is not None:
            out.write(f"  → {p}\n")


def cmd_run(args: argparse.Namespace) -> int:
    """Run every step of a scenario."""
    from .core.eligibility import run_eligibility
    from .core.scenario import load_scenario

    sc = load_scenario(args.scenario)
    print(f"Scenario '{sc.name}' → {sc.output_dir}")
    known = {r.key for r in sc.runs}
    unknown = [k for k in args.only or [] if k not in known]
    if unknown:
        raise SystemExit(f"wip run --only: no technology {', '.join(unknown)} in the scenario; it has "
                         f"{', '.join(sorted(known))}")
    for run in sc.runs:
        if args.only and run.key not in args.only:
            continue
        settings = run.settings
        if args.resolution:
            from dataclasses import replace
            settings = replace(settings, resolution_m=args.resolution)
        t0 = time.perf_counter()
        result = run_eligibility(run.catalogue, sc.layers, sc.aoi, run.outputs, settings,
                                 TerminalProgress(run.key))
        _print_result(run.key, result)
        print(f"  ({time.perf_counter() - t0:.1f} s, catalogue {run.catalogue.id} {run.catalogue.version})")
    for su in sc.suitability:
        if args.only and su.key not in args.only:
            continue
        _run_suitability(su, sc)
    for wb in sc.windbg:
        if args.only and wb.key not in args.only:
            continue
        _run_windbg(wb, sc)
    for sw in sc.sweeps:
        if args.only and sw.key not in args.only:
            continue
        _run_sweep(sw.run.catalogue, sc.layers, sc.aoi, sw.criterion_id, sw.setbacks_m, sw.run.settings,
                   sw.variants, sw.table, sw.chart, sw.key)
    return 0


def _run_suitability(su, sc) -> None:
    from .core.suitability import SensitivitySettings, SuitabilityOutputs, SuitabilitySettings, run_suitability

    t0 = time.perf_counter()
    sens = SensitivitySettings(**su.sensitivity) if su.sensitivity else None
    outputs = SuitabilityOutputs(su.suitability, su.sites, su.sites_table, su.stability)
    result = run_suitability(su.run.catalogue, sc.layers, sc.rasters, sc.aoi, su.run.outputs.eligibility, outputs,
                             SuitabilitySettings(sensitivity=sens), TerminalProgress(f"{su.key} suitability"),
                             eligible_areas=_areas_ref(su.run.outputs.polygons))
    print(f"\n{su.key}: suitability ({result.aggregation}), mean score {result.mean_score:.1f} of 100 "
          f"on {result.scored_ha:,.0f} ha")
    for cid, w in zip(result.criteria, result.weights):
        print(f"  weight {w:5.3f}  {cid}")
    if result.ahp is not None:
        print(f"  AHP consistency ratio {result.ahp.consistency_ratio:.3f}")
    for site in result.sites[:5]:
        print(f"  rank {site.rank:>3}: {site.name:<24} {site.area_ha:8.1f} ha, mean score {site.mean:5.1f}")
    for p in (su.suitability, su.sites, su.sites_table, su.stability):
        if p is not None:
            print(f"  → {p}")
    print(f"  ({time.perf_counter() - t0:.1f} s)")


def _areas_ref(path):
    from .core.layers import LayerRef

    return LayerRef(str(path), "eligible_areas") if path is not None and Path(path).exists() else None


def _run_windbg(wb, sc) -> None:
    from .core.windbg import municipal_areas, windbg_accounting, write_windbg_csv

    munis = municipal_areas(sc.aoi, wb.run.settings.crs, invalid=wb.run.settings.invalid_geometries)
    turbine = wb.run.settings.turbine or wb.run.catalogue.reference_turbine
    result = windbg_accounting(munis, _areas_ref(wb.run.outputs.polygons), rotor_in=wb.rotor_in, turbine=turbine,
                               tower_foot_radius_m=wb.tower_foot_radius_m, crs=wb.run.settings.crs)
    write_windbg_csv(wb.table, result)
    print(f"\n{wb.key}: WindBG area accounting ({result.accounting})")
    print(f"  {'municipality':<24} {'area ha':>9} {'counted ha':>11} {'share':>7} {'2027':>6} {'2032':>6}")
    for r in (*result.rows, result.total):
        print(f"  {r.name:<24} {r.area_ha:>9,.0f} {r.counted_ha:>11,.1f} {r.counted_pct:>6.2f}% "
              f"{r.target_2027_pct:>5.1f}% {r.target_2032_pct:>5.1f}%")
    print(f"  → {wb.table}")


def _run_sweep(catalogue, layers, aoi, criterion_id, setbacks, settings, variants, table, chart, key) -> None:
    from .core.sweep import run_setback_sweep

    t0 = time.perf_counter()
    result = run_setback_sweep(catalogue, layers, aoi, criterion_id, setbacks, settings, variants, table, chart,
                               progress=TerminalProgress(f"{key} sweep"))
    print(f"\n{key}: setback sweep of '{criterion_id}' (eligible share of the whole area)")
    print("  " + f"{'setback m':>10}" + "".join(f"{v:>14}" for v in result.variants))
    series = [result.series(v) for v in result.variants]
    for k, s in enumerate(result.setbacks_m):
        print("  " + f"{s:>10.0f}" + "".join(f"{ser[k]:>13.2f}%" for ser in series))
    print(f"  → {table}\n  → {chart}\n  ({time.perf_counter() - t0:.1f} s)")


def _engine_inputs(args: argparse.Namespace):
    """Catalogue, layers, AOI and settings from the common command-line options."""
    import pyogrio

    from .core.catalogue import load_catalogue
    from .core.eligibility import AreaOfInterest, EligibilitySettings
    from .core.errors import InputError
    from .core.layers import ROLES, LayerRef

    cat = load_catalogue(args.catalogue)
    if args.settlement_setback is not None:
        cat = cat.with_tag_buffer("settlement_setback", args.settlement_setback)
    layers: dict[str, LayerRef] = {}
    if args.gpkg:
        if not Path(args.gpkg).exists():
            raise InputError(f"--gpkg {args.gpkg!r} does not exist.")
        present = {name for name, _ in pyogrio.list_layers(args.gpkg)}
        layers.update({r: LayerRef(args.gpkg, r) for r in ROLES if r in present})
    for item in args.layer or []:
        role, _, src = item.partition("=")
        if role not in ROLES:
            raise InputError(f"--layer {item!r}: {role!r} is not a layer role; roles: {', '.join(ROLES)}")
        path, sep, layer = src.rpartition(":")
        if not sep or "/" in layer or "\\" in layer:  # no layer name (or a Windows drive colon)
            path, layer = src, ""
        layers[role] = LayerRef(path, layer or None)
    if "municipalities" not in layers:
        raise SystemExit("wip: give --gpkg with a 'municipalities' layer or --layer municipalities=FILE[:LAYER]")
    names = tuple(n.strip() for n in (args.names or "").split(",") if n.strip())
    aoi = AreaOfInterest(layers["municipalities"], args.name_field, names)
    settings = EligibilitySettings(resolution_m=args.resolution, crs=args.crs, kinds=tuple(args.kinds.split(",")),
                                   min_area_ha=args.min_area, **({"workers": args.workers} if args.workers else {}))
    return cat, layers, aoi, settings


def cmd_eligibility(args: argparse.Namespace) -> int:
    """Run one eligibility step from command-line arguments."""
    from .core.eligibility import run_eligibility
    from .core.scenario import outputs_for

    cat, layers, aoi, settings = _engine_inputs(args)
    key = args.prefix or cat.technology
    result = run_eligibility(cat, layers, aoi, outputs_for(Path(args.out_dir), key), settings,
                             TerminalProgress(key))
    _print_result(key, result)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a setback sweep from command-line arguments."""
    from .core.errors import InputError
    from .core.scenario import parse_setbacks

    cat, layers, aoi, settings = _engine_inputs(args)
    try:
        steps = parse_setbacks({"from": args.start, "to": args.stop, "step": args.step})
    except ValueError as exc:
        raise InputError(f"--from/--to/--step: {exc}") from exc
    variants: dict[str, list[str]] = {"all": []}
    for item in args.variant or []:
        name, _, drop = item.partition("=")
        variants[name] = [d for d in drop.split(",") if d]
    out = Path(args.out_dir)
    key = args.prefix or cat.technology
    _run_sweep(cat, layers, aoi, args.criterion, steps, settings, variants, out / f"{key}_sweep.csv",
               out / f"{key}_sweep.png", key)
    return 0


def _step_context(args: argparse.Namespace):
    """A technology run and a scenario-like context from the common options and --eligibility/--areas."""
    from types import SimpleNamespace

    from .core.eligibility import EligibilityOutputs
    from .core.scenario import TechnologyRun

    cat, layers, aoi, settings = _engine_inputs(args)
    outputs = EligibilityOutputs(Path(args.eligibility) if getattr(args, "eligibility", None) else Path("-"),
                                 polygons=Path(args.areas) if args.areas else None)
    rasters = {}
    for item in getattr(args, "raster", None) or []:
        role, _, path = item.partition("=")
        rasters[role] = path
    key = args.prefix or cat.technology
    return TechnologyRun(key, cat, settings, outputs), SimpleNamespace(layers=layers, aoi=aoi, rasters=rasters), key


def cmd_suitability(args: argparse.Namespace) -> int:
    """Score eligible land with the catalogue's soft criteria."""
    from .core.scenario import SuitabilityRun

    run, ctx, key = _step_context(args)
    sens = {"runs": args.runs, "perturbation": args.perturbation, "top_pct": args.top} if args.runs else None
    out = Path(args.out_dir)
    _run_suitability(SuitabilityRun(key, run, sens, out / f"{key}_suitability.tif", out / f"{key}_sites.gpkg",
                                    out / f"{key}_sites.csv", out / f"{key}_stability.tif" if sens else None), ctx)
    return 0


def cmd_windbg(args: argparse.Namespace) -> int:
    """WindBG area accounting of eligible wind areas."""
    from dataclasses import replace

    from .core.scenario import TechnologyRun, WindbgRun
    from .core.units import Turbine

    run, ctx, key = _step_context(args)
    if args.hub_height or args.rotor_diameter:
        ref = run.catalogue.reference_turbine
        if ref is None and not (args.hub_height and args.rotor_diameter):
            raise SystemExit("wip windbg: the catalogue has no reference turbine; give --hub-height and "
                             "--rotor-diameter")
        turbine = Turbine(args.hub_height or ref.hub_height_m, args.rotor_diameter or ref.rotor_diameter_m)
        run = TechnologyRun(run.key, run.catalogue, replace(run.settings, turbine=turbine), run.outputs)
    _run_windbg(WindbgRun(key, run, args.rotor_in, args.tower_foot, Path(args.out_dir) / f"{key}_windbg.csv"), ctx)
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    """List the presets, or show one."""
    from .core.catalogue import list_presets, load_catalogue

    if args.action == "show":
        if not args.preset:
            raise SystemExit("wip presets show: name a preset, e.g. wip presets show wind_sachsen")
        cat = load_catalogue(args.preset)
        print(f"{cat.id} {cat.version} ({cat.technology}, {cat.land or '-'}): {cat.title.en}")
        if cat.reference_turbine:
            t = cat.reference_turbine
            print(f"reference turbine: {t.name}, hub {t.hub_height_m:g} m, rotor {t.rotor_diameter_m:g} m, "
                  f"H = {t.total_height_m:g} m")
        print(f"{'id':<28} {'kind':<13} {'layer':<16} {'setback':<12} {'m':>7}  valid from  source")
        for c in cat.criteria:
            metres = c.buffer_m(cat.reference_turbine)
            print(f"{c.id:<28} {c.kind:<13} {c.layer:<16} {str(c.buffer):<12} {metres:>7.0f}  "
                  f"{c.valid_from.isoformat()}  {cat.source_text(c.source)[:60]}")
        return 0
    for p in list_presets():
        print(f"{p.id:<22} {p.technology:<10} {p.version:<8} {p.title_en}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run one job of the QGIS plugin; protocol lines on stdout (see core/worker_protocol.py)."""
    import json
    import os
    import signal
    import threading

    from .core.worker_protocol import ENTRY_POINTS, check_report, serve

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


def _common_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalogue", required=True, help="preset id or YAML file")
    p.add_argument("--gpkg", help="GeoPackage whose layers are named after the roles")
    p.add_argument("--layer", action="append", metavar="ROLE=FILE[:LAYER]", help="layer for a role (repeatable)")
    p.add_argument("--names", help="comma-separated municipality names (default: all)")
    p.add_argument("--name-field", default="name")
    p.add_argument("--kinds", default="hard,soft", help="exclusion kinds, comma-separated")
    p.add_argument("--resolution", type=float, default=10.0, help="pixel size [m]")
    p.add_argument("--crs", default="EPSG:25832")
    p.add_argument("--min-area", type=float, default=1.0, help="minimum polygon area [ha]")
    p.add_argument("--settlement-setback", type=float, help="setback to settlements [m]")
    p.add_argument("--workers", type=int)
    p.add_argument("--prefix", help="output file prefix (default: the technology)")
    p.add_argument("--out-dir", default="out")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``wip``."""
    p = argparse.ArgumentParser(prog="wip", description="WIP energy and spatial planning engine.")
    p.add_argument("--version", action="version", version=f"wip {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a scenario file")
    r.add_argument("scenario")
    r.add_argument("--only", action="append", help="run only this technology key (repeatable)")
    r.add_argument("--resolution", type=float, help="override the scenario's resolution [m]")
    r.set_defaults(func=cmd_run)
    e = sub.add_parser("eligibility", help="land eligibility for one catalogue")
    _common_options(e)
    e.set_defaults(func=cmd_eligibility)
    s = sub.add_parser("sweep", help="eligible share as a function of one criterion's setback")
    _common_options(s)
    s.add_argument("--criterion", required=True, help="criterion id, e.g. settlements_soft")
    s.add_argument("--from", dest="start", type=float, default=400.0, help="first setback [m]")
    s.add_argument("--to", dest="stop", type=float, default=1500.0, help="last setback [m]")
    s.add_argument("--step", type=float, default=100.0, help="step [m]")
    s.add_argument("--variant", action="append", metavar="NAME=ID[,ID]",
                   help="a variant dropping criteria, e.g. 'ohne Wald=forest' (repeatable)")
    s.set_defaults(func=cmd_sweep)
    su = sub.add_parser("suitability", help="score eligible land with the catalogue's soft criteria")
    _common_options(su)
    su.add_argument("--eligibility", required=True, help="eligibility raster of `wip eligibility`")
    su.add_argument("--areas", help="eligible-area polygons (GeoPackage) for ranked candidate sites")
    su.add_argument("--raster", action="append", metavar="ROLE=FILE",
                    help="raster for a role: dem, slope, aspect, wind_speed_100m, wind_speed_150m, soil_quality")
    su.add_argument("--runs", type=int, default=0, help="sensitivity runs (0: none)")
    su.add_argument("--perturbation", type=float, default=0.2, help="weight perturbation (0.2 = ±20 %%)")
    su.add_argument("--top", type=float, default=10.0, help="top share for the stability raster [%%]")
    su.set_defaults(func=cmd_suitability)
    wb = sub.add_parser("windbg", help="WindBG area accounting of eligible wind areas")
    _common_options(wb)
    wb.add_argument("--areas", required=True, help="eligible-area polygons (GeoPackage) of `wip eligibility`")
    wb.add_argument("--rotor-in", action="store_true", help="apply the WindBG § 4 rotor-in deduction")
    wb.add_argument("--hub-height", type=float, help="reference turbine hub height [m] (default: the catalogue's)")
    wb.add_argument("--rotor-diameter", type=float, help="reference turbine rotor diameter [m]")
    wb.add_argument("--tower-foot", type=float, default=4.0, help="tower-foot radius [m]")
    wb.set_defaults(func=cmd_windbg)
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
    from .core.errors import Cancelled, WipError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except FileNotFoundError as exc:
        print(f"wip: error: {exc}", file=sys.stderr)
        return 2
    except Cancelled:
        print("wip: cancelled; the step that was running wrote nothing (completed steps are kept).",
              file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("wip: interrupted; no output was written.", file=sys.stderr)
        return 130
    except WipError as exc:
        print(f"wip: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
