"""The ``wip`` command line: the same engine as the QGIS algorithms, headless.

Examples::

    wip run sample_layers/scenario.yaml
    wip eligibility --catalogue wind_sachsen_anhalt --gpkg region.gpkg --resolution 25 --out-dir out
    wip presets
    wip presets show wind_sachsen
    wip worker job.json          # run a job of the QGIS plugin (core/jobs/protocol.py)
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
    from .core.eligibility.engine import run_eligibility
    from .core.scenario.spec import load_scenario

    sc = load_scenario(args.scenario)
    print(f"Scenario '{sc.name}' → {sc.output_dir}")
    known = {r.key for r in sc.runs} | ({"grid", *(c.key for c in sc.grid.connections)} if sc.grid else set())
    known |= {"wind"} if sc.wind is not None else set()
    known |= {"profile"} if sc.profile is not None else set()  # municipal energy profile
    known |= {r.key for r in sc.solar} | ({"rooftop"} if sc.rooftop is not None else set())  # solar, rooftop PV
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
    for so in sc.solar:  # solar potential of eligible land
        if not args.only or so.key in args.only:
            _run_solar(so, sc.rasters, sc.aoi)
    if sc.rooftop is not None and (not args.only or "rooftop" in args.only):
        _run_rooftop(sc.rooftop, sc.aoi)
    if sc.wind is not None and (not args.only or "wind" in args.only):
        _run_wind(sc.wind, sc.layers, sc.aoi)
    for sw in sc.sweeps:
        if args.only and sw.key not in args.only:
            continue
        _run_sweep(sw.run.catalogue, sc.layers, sc.aoi, sw.criterion_id, sw.setbacks_m, sw.run.settings,
                   sw.variants, sw.table, sw.chart, sw.key)
    if sc.grid is not None:
        if sc.grid.lines is not None and (not args.only or "grid" in args.only):
            _run_grid_topology(sc.grid)
        for conn in sc.grid.connections:
            if not args.only or conn.key in args.only or "grid" in args.only:
                _run_grid_connection(sc.grid, conn)
    if sc.profile is not None and (not args.only or "profile" in args.only):
        _run_profile(sc, args.resolution)
    return 0


def _print_written(paths, t0: float) -> None:
    """List the files a step wrote (each once, None skipped) and its time since ``t0`` [s]."""
    for p in dict.fromkeys(p for p in paths if p is not None):
        print(f"  → {p}")
    print(f"  ({time.perf_counter() - t0:.1f} s)")


def _run_suitability(su, sc) -> None:
    from .core.suitability.engine import SensitivitySettings, SuitabilityOutputs, SuitabilitySettings, run_suitability

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
    _print_written((su.suitability, su.sites, su.sites_table, su.stability), t0)


def _areas_ref(path):
    from .core.data.layers import LayerRef

    return LayerRef(str(path), "eligible_areas") if path is not None and Path(path).exists() else None


def _run_windbg(wb, sc) -> None:
    from .core.eligibility.windbg import municipal_areas, windbg_accounting, write_windbg_csv

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


def _run_profile(sc, resolution=None, names=None, language=None, report=None) -> None:
    """The ``profile:`` step: indicators, balance and reports per municipality (core/profile/)."""
    from dataclasses import replace

    from .core.profile.engine import indicator_columns, plan_from_scenario, run_profile
    from .core.profile.report import indicator_label

    plan = plan_from_scenario(sc, resolution)
    if names:
        plan = replace(plan, aoi=replace(plan.aoi, names=tuple(names)))
    if language:
        plan = replace(plan, language=language)
    if report is not None:
        plan = replace(plan, report=report)
    result = run_profile(plan, TerminalProgress("profile"))
    print(f"\nprofile: {len(result.municipalities)} municipalities ({result.seconds:.1f} s)")
    for key, src in result.sources.items():
        print(f"  {key:<11} {src.status:<8} {src.density or src.reason}")
    cols = [c for c in ("area_ha", "wind_eligible_pct", "pv_ground_eligible_pct", "capacity_mw", "energy_gwh",
                        "demand_gwh", "balance_pct", "self_sufficiency_pct", "grid_cost_meur")
            if c in indicator_columns(result)]
    print("  " + f"{'municipality':<22}" + "".join(f"{c:>24}" for c in cols))
    for m in result.municipalities:
        print("  " + f"{m.name:<22}" + "".join(
            f"{m.indicators[c]:>24,.1f}" if c in m.indicators else f"{'-':>24}" for c in cols))
    print("  units: " + ", ".join(f"{c} [{indicator_label(c, 'en')[1]}]" for c in cols))
    for key in ("indicators", "json", "hourly", "gpkg", "report"):
        if key in result.files:
            print(f"  → {result.files[key]}")


def cmd_profile(args: argparse.Namespace) -> int:
    """Run the ``profile:`` step of a scenario (reusing the outputs of earlier runs)."""
    from .core.scenario.spec import load_scenario

    sc = load_scenario(args.scenario)
    if sc.profile is None:
        from dataclasses import replace

        sc = replace(sc, profile={})
    names = [n.strip() for n in (args.names or "").split(",") if n.strip()]
    _run_profile(sc, args.resolution, names, args.language, False if args.no_report else None)
    return 0


def _run_sweep(catalogue, layers, aoi, criterion_id, setbacks, settings, variants, table, chart, key) -> None:
    from .core.eligibility.sweep import run_setback_sweep

    t0 = time.perf_counter()
    result = run_setback_sweep(catalogue, layers, aoi, criterion_id, setbacks, settings, variants, table, chart,
                               progress=TerminalProgress(f"{key} sweep"))
    print(f"\n{key}: setback sweep of '{criterion_id}' (eligible share of the whole area)")
    print("  " + f"{'setback m':>10}" + "".join(f"{v:>14}" for v in result.variants))
    series = [result.series(v) for v in result.variants]
    for k, s in enumerate(result.setbacks_m):
        print("  " + f"{s:>10.0f}" + "".join(f"{ser[k]:>13.2f}%" for ser in series))
    print(f"  → {table}\n  → {chart}\n  ({time.perf_counter() - t0:.1f} s)")


def _run_grid_topology(grid) -> None:
    from .core.grid.topology import check_grid_topology

    t0 = time.perf_counter()
    topo = check_grid_topology(grid.lines, grid.substations, grid.crs, grid.topology, report=grid.report,
                               cleaned_lines=grid.cleaned_lines, progress=TerminalProgress("grid topology"))
    s = topo.summary()
    print(f"\ngrid topology: {s['length_km']:,.1f} km of lines in {s['line_pieces']} pieces, {s['components']} "
          f"connected part(s), levels {', '.join(f'{v / 1000:g}' for v in s['levels_v'])} kV, "
          f"{s['substations']} substations (snap tolerance {grid.topology.snap_tolerance_m:g} m)")
    for kind, n in s["issues"].items():
        print(f"  {kind:<28} {n:>5}")
    print(f"  → {grid.report}\n  ({time.perf_counter() - t0:.1f} s)")


def _with_site_ids(sites, settings):
    """The settings with ``site_id_field = "site_id"`` where none is set and the sites layer has one."""
    from dataclasses import replace

    from .core.data.layers import layer_info

    if settings.site_id_field is None and "site_id" in layer_info(sites, "sites").fields:
        return replace(settings, site_id_field="site_id")
    return settings


def _run_grid_connection(grid, conn) -> None:
    from .core.grid.connection import run_grid_connection

    t0 = time.perf_counter()
    result = run_grid_connection(conn.sites, grid.substations, grid.roads, grid.catalogue,
                                 _with_site_ids(conn.sites, conn.settings), conn.outputs, grid.crs, grid.cost_raster,
                                 TerminalProgress(f"{conn.key} grid"))
    s = result.summary()
    base = s.get("baseline")
    print(f"\n{conn.key}: grid connection of {s['sites']} sites ({s['capacity_mw']:,.1f} MW, "
          f"{s['allocation']}, routes along {'roads' if grid.cost_raster is None else 'the cost raster'})")
    print(f"  connected {s['connected_mw']:,.1f} MW for {s['cost_eur'] / 1e6:,.2f} M€ "
          f"({s['cost_eur_per_kw']:.1f} €/kW); not connected {s['unconnected_mw']:,.1f} MW")
    if base:
        print(f"  greedy for comparison: {base['connected_mw']:,.1f} MW for {base['cost_eur'] / 1e6:,.2f} M€")
    for status, n in sorted(s["status"].items()):
        print(f"  {status:<24} {n:>5} site(s)")
    loaded = result.substations[result.substations["allocated_mw"] > 0]
    for row in loaded.itertuples():
        print(f"  {row.name:<28} {row.allocated_mw:>8.1f} of {row.free_capacity_mw:>8.1f} MW free allocated")
    _print_written(conn.outputs.paths(), t0)


def _layer_arg(text: str, role: str):
    """``FILE[:LAYER]`` → LayerRef (a Windows drive colon is no layer)."""
    from .core.errors import InputError
    from .core.data.layers import LayerRef

    path, sep, layer = text.rpartition(":")
    if not sep or "/" in layer or "\\" in layer:
        path, layer = text, ""
    if not Path(path).exists():
        raise InputError(f"--{role} {text!r}: file {path!r} does not exist.")
    return LayerRef(path, layer or None)


def _grid_from_args(args: argparse.Namespace, need_substations: bool):
    """A GridRun from the grid options: --gpkg (layers named after the roles) and single layers."""
    import pyogrio

    from .core.errors import InputError
    from .core.scenario.spec import GridRun
    from .core.grid.topology import TopologySettings

    present = {name for name, _ in pyogrio.list_layers(args.gpkg)} if args.gpkg else set()

    def layer(option: str, role: str):
        value = getattr(args, option, None)
        if value:
            return _layer_arg(value, option)
        return _layer_arg(f"{args.gpkg}:{role}", option) if role in present else None

    subs = layer("substations", "substations")
    if need_substations and subs is None:
        raise InputError("wip connect: give --substations FILE[:LAYER] or --gpkg with a 'substations' layer.")
    out = Path(args.out_dir)
    topology = TopologySettings(snap_tolerance_m=args.snap, voltage_field=args.voltage_field)
    raster = Path(args.cost_raster) if getattr(args, "cost_raster", None) else None
    roads = None if raster is not None else layer("roads", "roads") if hasattr(args, "roads") else None
    return GridRun(layer("lines", "power_lines"), subs, roads, raster, getattr(args, "connection_catalogue", ""),
                   topology, args.crs, out / f"{args.prefix}_topology.gpkg", out / f"{args.prefix}_topology.gpkg")


def cmd_grid_check(args: argparse.Namespace) -> int:
    """Check the topology of power-line layers."""
    grid = _grid_from_args(args, need_substations=False)
    if grid.lines is None:
        raise SystemExit("wip grid-check: give --lines FILE[:LAYER] or --gpkg with a 'power_lines' layer")
    _run_grid_topology(grid)
    return 0


def cmd_connect(args: argparse.Namespace) -> int:
    """Connect sites to substations: route, price, allocate."""
    from .core.grid.connection import ConnectionOutputs, ConnectionSettings
    from .core.scenario.spec import GridConnectionRun

    grid = _grid_from_args(args, need_substations=True)
    settings = ConnectionSettings(
        capacity_field=args.capacity_field, site_capacity_mw=args.site_capacity, area_ha_per_mw=args.area_per_mw,
        site_id_field=args.site_id_field, unknown_free_capacity_mw=args.unknown_free_capacity,
        allocation=args.allocation, router="cost_raster" if grid.cost_raster is not None else "roads",
        substation_free_field=args.free_capacity_field)
    out = Path(args.out_dir)
    gpkg = out / f"{args.prefix}.gpkg"
    outputs = ConnectionOutputs(connections=gpkg, sites=gpkg, site_table=out / f"{args.prefix}_sites.csv",
                                substations=gpkg)
    _run_grid_connection(grid, GridConnectionRun(args.prefix, _layer_arg(args.sites, "sites"), settings, outputs))
    return 0


def _grid_options(p: argparse.ArgumentParser, prefix: str) -> None:
    p.add_argument("--gpkg", help="GeoPackage whose layers are named after the roles (power_lines, substations, roads)")
    p.add_argument("--lines", metavar="FILE[:LAYER]", help="power lines (default: the gpkg's power_lines)")
    p.add_argument("--substations", metavar="FILE[:LAYER]", help="substations (default: the gpkg's substations)")
    p.add_argument("--voltage-field", default="voltage", help="voltage field of the lines (volts, OSM style)")
    p.add_argument("--snap", type=float, default=10.0, help="snap tolerance [m]")
    p.add_argument("--crs", default="EPSG:25832")
    p.add_argument("--prefix", default=prefix, help=f"output file prefix (default: {prefix})")
    p.add_argument("--out-dir", default="out")


def _run_wind(run, layers, aoi) -> None:
    """Wind yield rasters, then the layout if the run has one (``wip run``, ``wip wind``, ``wip layout``)."""
    from .core.wind.layout import run_turbine_layout
    from .core.wind.energy import RESOURCE_DESCRIPTIONS, run_wind_yield

    if run.outputs is not None:
        t0 = time.perf_counter()
        res = run_wind_yield(run.turbine, aoi, run.rasters, layers, run.outputs, run.settings,
                             TerminalProgress("wind yield"))
        print(f"\nwind yield: {res.turbine.describe()}")
        print(f"  wind at hub: {RESOURCE_DESCRIPTIONS[res.resource_model]}; weather {res.climate.name}; "
              f"Weibull k {res.weibull_k if res.weibull_k is not None else 'raster'}")
        print(f"  losses: {res.losses.describe()} (net = {res.loss_factor:.3f} × gross)")
        print(f"  {'municipality':<24} {'wind m/s':>9} {'FLH h/a':>9} {'max FLH':>9}")
        for m in res.municipalities:
            print(f"  {m.name:<24} {m.mean_wind_speed_m_s:>9.2f} {m.mean_full_load_hours:>9,.0f} "
                  f"{m.max_full_load_hours:>9,.0f}")
        print(f"  {'mean':<24} {res.mean_wind_speed_m_s:>9.2f} {res.mean_full_load_hours:>9,.0f}")
        _print_written((run.outputs.energy, run.outputs.full_load_hours, run.outputs.wind_speed, run.outputs.table),
                       t0)
    if run.layout is None:
        return
    t0 = time.perf_counter()
    res = run_turbine_layout(run.turbine, run.areas, run.rasters, layers, run.layout_outputs, run.layout,
                             TerminalProgress("turbine layout"))
    print(f"\nturbine layout ({'rotor-in' if res.rotor_in else 'rotor-out'}, main wind direction "
          f"{res.main_direction_deg:.0f}°): {res.n_turbines} × {res.turbine.describe()}")
    print(f"  {'municipality':<24} {'turbines':>8} {'MW':>8} {'GWh/a':>9} {'FLH h/a':>8} {'wake %':>7} {'MW/km²':>7}")
    for m in res.municipalities:
        print(f"  {m.municipality:<24} {m.n_turbines:>8} {m.capacity_mw:>8,.1f} {m.energy_mwh_per_a / 1000:>9,.1f} "
              f"{m.full_load_hours:>8,.0f} {m.wake_loss_pct:>7.1f} {m.density_mw_per_km2:>7.1f}")
    print(f"  {'TOTAL':<24} {res.n_turbines:>8} {res.capacity_mw:>8,.1f} {res.energy_mwh_per_a / 1000:>9,.1f} "
          f"{res.full_load_hours:>8,.0f} {res.wake_loss_pct:>7.1f}")
    _print_written((run.layout_outputs.turbines, run.layout_outputs.sites_table,
                    run.layout_outputs.municipalities_table, run.layout_outputs.sites), t0)


def _wind_from_args(args: argparse.Namespace, layout: bool):
    """A scenario WindRun, layers and AOI from the options of ``wip wind`` / ``wip layout``."""
    import pyogrio

    from .core.eligibility.engine import AreaOfInterest
    from .core.data.layers import ROLES, LayerRef
    from .core.wind.layout import LayoutOutputs, LayoutSettings
    from .core.scenario.spec import WindRun
    from .core.wind.energy import Losses, WindResourceSettings, WindYieldOutputs, WindYieldSettings

    layers = {}
    if args.gpkg:
        present = {name for name, _ in pyogrio.list_layers(args.gpkg)}
        layers = {r: LayerRef(args.gpkg, r) for r in ROLES if r in present}
    rasters = dict(item.partition("=")[::2] for item in args.raster or [])
    losses = Losses(args.availability_loss, args.electrical_loss, args.wake_loss, args.other_loss)
    resource = WindResourceSettings(weibull_k=args.weibull_k or None, weather=args.weather,
                                    weibull_k_raster=args.weibull_k_raster)
    settings = WindYieldSettings(resolution_m=args.resolution, crs=args.crs, hub_height_m=args.hub_height,
                                 losses=losses, resource=resource)
    out = Path(args.out_dir)
    key = args.prefix
    aoi = None
    if "municipalities" in layers:
        names = tuple(n.strip() for n in (args.names or "").split(",") if n.strip())
        aoi = AreaOfInterest(layers["municipalities"], args.name_field, names)
    if not layout:
        outputs = WindYieldOutputs(out / f"{key}_energy.tif", out / f"{key}_full_load_hours.tif",
                                   out / f"{key}_speed_hub.tif", out / f"{key}_yield.csv")
        return WindRun(args.turbine, rasters, settings, outputs), layers, aoi
    path, _, layer = args.areas.partition(":")
    lay = LayoutSettings(crs=args.crs, hub_height_m=args.hub_height, rotor_in=args.rotor_in,
                         spacing_along_d=args.along, spacing_across_d=args.across, main_direction_deg=args.direction,
                         objective=args.objective, resolution_m=args.resolution, losses=losses, resource=resource,
                         wake_model=args.wake_model)
    layout_out = LayoutOutputs(out / f"{key}_turbines.gpkg", out / f"{key}_layout_sites.csv",
                               out / f"{key}_layout_municipalities.csv", out / f"{key}_layout_sites.gpkg")
    return (WindRun(args.turbine, rasters, settings, None, LayerRef(path, layer or "eligible_areas"), lay, layout_out),
            layers, aoi)


def cmd_wind(args: argparse.Namespace) -> int:
    """Wind yield rasters (or the list of turbines)."""
    if args.list_turbines:
        from .core.wind.turbines import turbine_catalogue

        print(f"{'turbine':<16} {'origin':<13} {'MW':>6} {'rotor m':>8}  hub heights m")
        for t in turbine_catalogue():
            print(f"{t['id']:<16} {t['origin']:<13} {t['nominal_power_kw'] / 1000:>6.2f} {t['rotor_diameter_m']:>8.0f}  "
                  f"{', '.join(f'{h:g}' for h in t['hub_heights_m'])}")
        return 0
    run, layers, aoi = _wind_from_args(args, layout=False)
    _run_wind(run, layers, aoi)
    return 0


def cmd_layout(args: argparse.Namespace) -> int:
    """Turbine layout in eligible areas."""
    run, layers, aoi = _wind_from_args(args, layout=True)
    _run_wind(run, layers, aoi)
    return 0


def _wind_options(p: argparse.ArgumentParser, resolution: float) -> None:
    p.add_argument("--turbine", default="E-141/4200", help="windpowerlib type, turbine preset or YAML file")
    p.add_argument("--hub-height", type=float, help="hub height [m] (default: the turbine's)")
    p.add_argument("--gpkg", help="GeoPackage with municipalities, landuse, water, buildings layers")
    p.add_argument("--names", help="comma-separated municipality names (default: all)")
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


# --- solar potential and rooftop PV (core/solar/ground.py, core/solar/rooftop.py)
def _run_solar(run, rasters, aoi) -> None:
    from .core.solar.ground import run_solar_potential

    t0 = time.perf_counter()
    res = run_solar_potential(run.eligibility, run.outputs, run.settings, rasters, aoi, run.sites,
                              TerminalProgress(f"{run.key} solar"))
    print(f"\n{run.key}: solar potential ({res.system}), {res.eligible_ha:,.0f} ha × "
          f"{res.capacity_density_mwp_per_ha:.2f} MWp/ha = {res.capacity_mwp:,.1f} MWp "
          f"({res.capacity_mw:,.1f} MW AC), {res.energy_mwh_per_a / 1000:,.1f} GWh/a, "
          f"{res.mean_yield_kwh_per_kwp:,.0f} kWh/kWp/a, losses {res.losses_pct:.1f} %"
          + (f", horizon {res.horizon_loss_pct:.2f} %" if run.settings.horizon else ""))
    for r in res.regions:
        print(f"  {r.weather}: tilt {r.tilt_deg:g}°, {r.n_bins} orientation bin(s), level ground "
              f"{r.flat_yield_kwh_per_kwp:,.0f} kWh/kWp/a")
    for m in res.municipalities:
        print(f"  {m.municipality:<28} {m.capacity_mwp:10,.1f} MWp {m.energy_mwh_per_a / 1000:10,.1f} GWh/a")
    _print_written(vars(run.outputs).values(), t0)


def _run_rooftop(run, aoi) -> None:
    from .core.solar.rooftop import run_rooftop_solar

    t0 = time.perf_counter()
    res = run_rooftop_solar(run.buildings, run.outputs, run.settings, aoi, TerminalProgress("rooftop PV"))
    print(f"\nrooftop PV: {res.n_with_pv:,} of {res.n_buildings:,} buildings, {res.usable_roof_m2 / 1e4:,.1f} ha "
          f"usable roof, {res.capacity_mwp:,.1f} MWp ({res.capacity_mw:,.1f} MW AC), "
          f"{res.energy_mwh_per_a / 1000:,.1f} GWh/a, {res.mean_yield_kwh_per_kwp:,.0f} kWh/kWp/a")
    for m in res.municipalities:
        print(f"  {m.municipality:<28} {m.capacity_mwp:10,.1f} MWp {m.energy_mwh_per_a / 1000:10,.1f} GWh/a")
    _print_written(vars(run.outputs).values(), t0)


def _aoi_from_args(args: argparse.Namespace):
    from .core.eligibility.engine import AreaOfInterest

    if not args.aoi:
        return None
    names = tuple(n.strip() for n in (args.names or "").split(",") if n.strip())
    return AreaOfInterest(_layer_arg(args.aoi, "aoi"), args.name_field, names, "ags")


def cmd_solar(args: argparse.Namespace) -> int:
    """Solar potential of eligible land (ground-mounted PV, agri-PV)."""
    from .core.scenario.spec import SolarRun, _weather_source
    from .core.solar.ground import SolarOutputs, SolarSettings

    out, key = Path(args.out_dir), args.prefix
    sites = _layer_arg(args.sites, "sites") if args.sites else None
    settings = SolarSettings(system=args.system, tilt_deg=args.tilt, gcr=args.gcr, losses_pct=args.losses,
                             weather=_weather_source(args.weather, Path.cwd()), use_terrain=not args.no_terrain,
                             horizon=args.horizon)
    outputs = SolarOutputs(out / f"{key}_solar_yield.tif", out / f"{key}_solar_capacity_density.tif",
                           out / f"{key}_solar_energy_density.tif",
                           out / f"{key}_solar_sites.gpkg" if sites else None,
                           out / f"{key}_solar_sites.csv" if sites else None,
                           out / f"{key}_solar_municipalities.csv" if args.aoi else None)
    rasters = {"dem": args.dem} if args.dem else {}
    _run_solar(SolarRun(key, Path(args.eligibility), sites, settings, outputs), rasters, _aoi_from_args(args))
    return 0


def cmd_rooftop(args: argparse.Namespace) -> int:
    """Rooftop PV potential of building footprints."""
    from .core.solar.rooftop import RooftopOutputs, RooftopSettings
    from .core.scenario.spec import RooftopRun, _weather_source

    out, key = Path(args.out_dir), args.prefix
    settings = RooftopSettings(crs=args.crs, weather=_weather_source(args.weather, Path.cwd()), losses_pct=args.losses)
    outputs = RooftopOutputs(out / f"{key}_pv.gpkg", out / f"{key}_pv.csv",
                             out / f"{key}_municipalities.csv" if args.aoi else None)
    _run_rooftop(RooftopRun(_layer_arg(args.buildings, "buildings"), settings, outputs), _aoi_from_args(args))
    return 0


def _solar_options(p: argparse.ArgumentParser, prefix: str) -> None:
    p.add_argument("--aoi", metavar="FILE[:LAYER]", help="municipality polygons (totals per municipality)")
    p.add_argument("--name-field", default="name")
    p.add_argument("--names", help="comma-separated municipality names (default: all)")
    p.add_argument("--weather", help="TRY region (e.g. 4) or weather file (PVGIS TMY .csv/.json, .epw, CSV); "
                                     "default: the TRY region of each site")
    p.add_argument("--losses", type=float, help="combined DC losses [%%] (default: the preset's items, 14.08)")
    p.add_argument("--prefix", default=prefix, help="output file prefix")
    p.add_argument("--out-dir", default="out")


def _engine_inputs(args: argparse.Namespace):
    """Catalogue, layers, AOI and settings from the common command-line options."""
    import pyogrio

    from .core.catalogue.loader import load_catalogue
    from .core.eligibility.engine import AreaOfInterest, EligibilitySettings
    from .core.errors import InputError
    from .core.data.layers import ROLES, LayerRef

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
    from .core.eligibility.engine import run_eligibility
    from .core.scenario.spec import outputs_for

    cat, layers, aoi, settings = _engine_inputs(args)
    key = args.prefix or cat.technology
    result = run_eligibility(cat, layers, aoi, outputs_for(Path(args.out_dir), key), settings,
                             TerminalProgress(key))
    _print_result(key, result)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a setback sweep from command-line arguments."""
    from .core.errors import InputError
    from .core.scenario.spec import parse_setbacks

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

    from .core.eligibility.engine import EligibilityOutputs
    from .core.scenario.spec import TechnologyRun

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
    from .core.scenario.spec import SuitabilityRun

    run, ctx, key = _step_context(args)
    sens = {"runs": args.runs, "perturbation": args.perturbation, "top_pct": args.top} if args.runs else None
    out = Path(args.out_dir)
    _run_suitability(SuitabilityRun(key, run, sens, out / f"{key}_suitability.tif", out / f"{key}_sites.gpkg",
                                    out / f"{key}_sites.csv", out / f"{key}_stability.tif" if sens else None), ctx)
    return 0


def cmd_windbg(args: argparse.Namespace) -> int:
    """WindBG area accounting of eligible wind areas."""
    from dataclasses import replace

    from .core.scenario.spec import TechnologyRun, WindbgRun
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
    wl.add_argument("--rotor-in", action="store_true", help="the whole rotor inside the area")
    wl.add_argument("--along", type=float, default=5.0, help="spacing along the main wind direction [D]")
    wl.add_argument("--across", type=float, default=3.0, help="spacing across it [D]")
    wl.add_argument("--direction", type=float, help="main wind direction [°] (default: from the weather)")
    wl.add_argument("--objective", choices=["count", "energy"], default="count")
    wl.add_argument("--wake-model", choices=["jensen", "dena_mean", "knorr_mean"], default="jensen")
    wl.set_defaults(func=cmd_layout)
    pf = sub.add_parser("profile", help="municipal energy profile and reports of a scenario")
    pf.add_argument("scenario")
    pf.add_argument("--names", help="comma-separated municipality names (default: the scenario's)")
    pf.add_argument("--resolution", type=float, help="override the scenario's resolution [m]")
    pf.add_argument("--language", choices=["de", "en"], help="report language (default: the scenario's, else de)")
    pf.add_argument("--no-report", action="store_true", help="indicators only, no HTML reports")
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
