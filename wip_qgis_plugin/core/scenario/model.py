"""The typed sections of a loaded scenario: one frozen dataclass per step, and the :class:`Scenario`.

The readers of the sections (``*_sections.py``, ``grid_section.py``, ``profile_section.py``) build
them from the file; :func:`.spec.load_scenario` puts them together. Paths here are already resolved
against the scenario's folder, and every output path is fixed at load time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue.loader import Catalogue
from ..data.layers import LayerRef
from ..data.sources.prepare import SourceSpec as DataSource
from ..defaults import DEFAULT_CRS
from ..eligibility.aoi import AreaOfInterest
from ..eligibility.engine import EligibilityOutputs, EligibilitySettings
from ..grid.connection import ConnectionOutputs
from ..grid.settings import ConnectionSettings, TopologySettings
from ..profile.model import GENERATION_SOURCES, SourceSpec
from ..solar.ground import SolarOutputs, SolarSettings
from ..solar.rooftop import RooftopOutputs, RooftopSettings
from ..wind.energy import WindYieldOutputs, WindYieldSettings
from ..wind.immission import ImmissionOutputs, ImmissionSettings
from ..wind.layout import LayoutOutputs, LayoutSettings
from ..wind.repowering import RepoweringOutputs, RepoweringSettings


@dataclass(frozen=True)
class TechnologyRun:
    """One eligibility run of a scenario (``eligibility.<key>``)."""

    key: str
    catalogue: Catalogue
    settings: EligibilitySettings
    outputs: EligibilityOutputs
    catalogue_spec: dict[str, Any] = field(default_factory=dict)  # as a job names it (catalogue_job_spec)


@dataclass(frozen=True)
class SweepRun:
    """A setback sweep of a scenario, on the catalogue of one technology run (``sweep.<key>``)."""

    key: str
    run: TechnologyRun
    criterion_id: str
    setbacks_m: tuple[float, ...]
    variants: dict[str, list[str]]
    table: Path
    chart: Path


@dataclass(frozen=True)
class SuitabilityRun:
    """Suitability scoring of one technology's eligible land (``suitability.<key>``)."""

    key: str
    run: TechnologyRun
    sensitivity: dict[str, float] | None
    suitability: Path
    sites: Path
    sites_table: Path
    stability: Path | None


#: What a scenario that leaves the key out gets: the defaults of the dialogs and of the `wip` flags (Turbine layout,
#: WindBG accounting, Repowering: rotor-in; Wind immission: the real shadow duration), as the sample scenario sets
#: them (one job path, docs/architecture.md). A regional plan's ``plan_rotor_in`` stays off: a fact of the plan.
DEFAULT_ROTOR_IN = True
DEFAULT_SHADOW_REAL_CASE = True


@dataclass(frozen=True)
class WindbgRun:
    """WindBG area accounting of one technology's eligible areas (``windbg.<key>``)."""

    key: str
    run: TechnologyRun
    rotor_in: bool
    tower_foot_radius_m: float
    table: Path
    plan_areas: LayerRef | None = None  # the regional plan's designated areas (windbg.<key>.plan_areas)
    plan_rotor_in: bool = False         # the plan requires the rotor inside its areas
    plan_table: Path | None = None
    plan_criteria_table: Path | None = None


@dataclass(frozen=True)
class GridConnectionRun:
    """The connection of one set of sites (``grid.connect.<key>``)."""

    key: str
    sites: LayerRef
    settings: ConnectionSettings
    outputs: ConnectionOutputs


@dataclass(frozen=True)
class GridRun:
    """The scenario's grid step (``grid:``): the topology check and the connections of its site sets."""

    lines: LayerRef | None
    substations: LayerRef
    roads: LayerRef | None
    cost_raster: Path | None
    catalogue: str
    topology: TopologySettings
    crs: str
    report: Path
    cleaned_lines: Path
    connections: tuple[GridConnectionRun, ...] = ()


@dataclass(frozen=True)
class RepoweringRun:
    """``wind.repowering``: the scenario's existing turbines old enough for repowering and what replaces them.

    Attributes
    ----------
    settings : RepoweringSettings
        Year, age, zone, the old turbines' full-load hours.
    outputs : RepoweringOutputs
        The old turbines, the balance and the new turbines with their repowering rule.
    existing : LayerRef
        The existing turbines (the scenario's role ``wind_turbines`` unless the section names a layer).
    turbines : str
        The new turbines: ``immission`` (the layout after noise and shadow flicker), ``layout`` or ``place`` (a
        replacement layout placed within the zones on ``areas``).
    plan_areas : LayerRef or None
        The plan's repowering areas.
    areas : LayerRef or None
        The eligible areas a placed replacement layout stands on.
    layout : LayoutSettings or None
        How a replacement layout is placed (the scenario's layout settings, or the defaults).
    """

    settings: RepoweringSettings
    outputs: RepoweringOutputs
    existing: LayerRef
    turbines: str = "immission"
    plan_areas: LayerRef | None = None
    areas: LayerRef | None = None
    layout: LayoutSettings | None = None


@dataclass(frozen=True)
class WindRun:
    """The scenario's wind step (``wind:``): yield rasters, and a layout in eligible areas if asked for."""

    turbine: str
    rasters: dict[str, str]
    settings: WindYieldSettings
    outputs: WindYieldOutputs
    areas: LayerRef | None = None
    layout: LayoutSettings | None = None
    layout_outputs: LayoutOutputs | None = None
    immission: ImmissionSettings | None = None
    immission_outputs: ImmissionOutputs | None = None
    repowering: RepoweringRun | None = None


@dataclass(frozen=True)
class SolarRun:
    """One ``solar:`` entry: PV on the eligible land of an eligibility run."""

    key: str
    eligibility: Path
    sites: LayerRef | None
    settings: SolarSettings
    outputs: SolarOutputs


@dataclass(frozen=True)
class RooftopRun:
    """The ``rooftop:`` key: PV on the buildings' roofs."""

    buildings: LayerRef
    settings: RooftopSettings
    outputs: RooftopOutputs


def all_sources() -> tuple[SourceSpec, ...]:
    """Every generation source of :data:`~..profile.model.GENERATION_SOURCES`, computed (no files given)."""
    return tuple(SourceSpec(k) for k in GENERATION_SOURCES)


@dataclass(frozen=True)
class ProfileSection:
    """The ``profile:`` section of a scenario, read and checked with the rest of the file (paths resolved).

    Attributes
    ----------
    technologies : tuple of str or None
        Keys of the eligibility runs the profile builds on (None: every run of the scenario).
    sources : tuple of SourceSpec
        Generation sources (default: every source of :data:`~..profile.model.GENERATION_SOURCES`,
        computed).
    names : tuple of str
        Municipalities (empty: those of the scenario's ``area_of_interest``).
    demand_catalogue, demand_table, population_field, land
        The ``demand:`` key (see :class:`~..profile.model.ProfilePlan`).
    grid_catalogue : str or None
        Grid connection catalogue (``grid: null``: no grid step).
    weather : str or None
        Weather of the hourly series (see :func:`.values.weather_source`).
    sweep_setbacks_m : tuple of float
        Settlement setbacks of the sweep chart (``sweep.setbacks_m``). [m]
    sweep_resolution_m : float
        Grid of the sweep. [m]
    plan_options : tuple of (str, object)
        Further :class:`~..profile.model.ProfilePlan` fields the section sets (economics, demand scenarios),
        passed as they are.
    year, top_n, suitable_min_score, rotor_in, language, report, suitability, reuse
        As in :class:`~..profile.model.ProfilePlan`.
    """

    technologies: tuple[str, ...] | None = None
    sources: tuple[SourceSpec, ...] = field(default_factory=all_sources)
    names: tuple[str, ...] = ()
    demand_catalogue: str = "demand"
    demand_table: str | None = None
    population_field: str = "population"
    land: str | None = None
    grid_catalogue: str | None = "grid_connection"
    weather: str | None = None
    year: int = 2010
    top_n: int = 5
    suitable_min_score: float = 70.0
    rotor_in: bool = True
    language: str = "de"
    report: bool = True
    suitability: bool = True
    reuse: bool = True
    sweep_setbacks_m: tuple[float, ...] = ()
    sweep_resolution_m: float = 50.0
    plan_options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario."""

    name: str
    path: Path
    layers: dict[str, LayerRef]
    aoi: AreaOfInterest
    output_dir: Path
    runs: tuple[TechnologyRun, ...] = field(default=())
    sweeps: tuple[SweepRun, ...] = field(default=())
    rasters: dict[str, str] = field(default_factory=dict)
    suitability: tuple[SuitabilityRun, ...] = field(default=())
    windbg: tuple[WindbgRun, ...] = field(default=())
    grid: GridRun | None = None
    wind: WindRun | None = None
    profile: ProfileSection | None = None  # the `profile:` section (None: the scenario has none)
    solar: tuple[SolarRun, ...] = ()  # one per `solar:` entry
    rooftop: RooftopRun | None = None  # the `rooftop:` key
    sources: tuple[DataSource, ...] = ()  # the `sources:` key (.sources_section; prepared by the runner)
    crs: str = DEFAULT_CRS  # the working CRS of the scenario (the prepared sources are written in it)
