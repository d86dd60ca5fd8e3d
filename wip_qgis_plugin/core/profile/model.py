"""The data of a municipal energy profile: the plan that describes a run and the results it produces.

Plain dataclasses, no computation: :class:`ProfilePlan` (what to run, JSON-able for the worker),
:class:`TechnologyStep` and :class:`SourceSpec` (its parts), :data:`GENERATION_SOURCES` (what each
generation source is and how it counts), and the results :class:`TechnologyFigures`,
:class:`SourceResult`, :class:`MunicipalProfile` and :class:`ProfileResult` that the indicators,
the outputs and the report read. How the sources are computed: :mod:`.sources`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from ..data.layers import LayerRef
from ..defaults import DEFAULT_CRS
from ..eligibility.engine import AreaOfInterest, EligibilityOutputs, MunicipalityStats
from ..errors import InputError, WipError
from .balance import HourlyBalance
from .demand import DemandCatalogue, MunicipalDemand

#: Fields every site layer (computed or reused) carries.
SITE_FIELDS = ("site_id", "municipality", "capacity_mw", "energy_mwh_per_a")

#: The grid step's note when it ran on no site (every technology at 0 ha): its indicators are 0, not missing.
NO_SITES_TO_CONNECT = "no sites with a capacity to connect"


class SourceUnavailable(WipError):
    """A generation source cannot be computed here (its engine or an input is missing)."""


def hours_of_year(year: int) -> int:
    """Hours of a calendar year (8784 in a leap year, else 8760). [h]"""
    return 8784 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 8760


# ----------------------------------------------------------------- generation sources
@dataclass(frozen=True)
class GenerationSource:
    """What a generation source is and how it counts (its engine: :data:`.sources.SOURCE_COMPUTE`).

    Attributes
    ----------
    key : str
        Registry key.
    label_de, label_en : str
        Names for reports.
    technology : str or None
        The technology step whose eligible areas it builds on (None: none).
    grid_connected : bool
        Whether its sites get a grid connection (rooftop PV does not: it feeds the local grid).
    additive : bool
        Counted in the totals and the hourly balance (agri-PV is not: it is an alternative use of
        the ground-PV land).
    ranked : bool
        Its sites compete for the top-N list and site maps (single roofs do not).
    """

    key: str
    label_de: str
    label_en: str
    technology: str | None
    grid_connected: bool
    additive: bool = True
    ranked: bool = True

    def label(self, language: str = "de") -> str:
        """Name in ``language``."""
        return self.label_en if language == "en" else self.label_de


#: The generation sources a profile can include.
GENERATION_SOURCES: dict[str, GenerationSource] = {
    "wind": GenerationSource("wind", "Windenergie (Anlagenlayout)", "wind (turbine layout)", "wind", True),
    "pv_ground": GenerationSource("pv_ground", "Freiflächen-PV", "ground-mounted PV", "pv_ground", True),
    "agri_pv": GenerationSource("agri_pv", "Agri-PV", "agrivoltaics", "pv_ground", False, additive=False),
    "pv_rooftop": GenerationSource("pv_rooftop", "Dach-PV", "rooftop PV", None, False, ranked=False),
    "pv_floating": GenerationSource("pv_floating", "Schwimmende PV", "floating PV", None, True),
}


# ----------------------------------------------------------------- plan
@dataclass(frozen=True)
class TechnologyStep:
    """Eligibility (and suitability) of one technology.

    Attributes
    ----------
    key : str
        ``wind`` or ``pv_ground`` (the output prefix and the key generation sources refer to).
    catalogue : dict
        Catalogue as an engine job names it: ``{"source": preset id or YAML, "overrides": …}``
        (also ``tag_buffers`` and ``suitability_overrides``, see :func:`~..catalogue.loader.load_catalogue_spec`).
    kinds : tuple of str
        Exclusion kinds.
    min_area_ha : float
        Smallest eligible polygon kept. [ha]
    """

    key: str
    catalogue: dict[str, Any]
    kinds: tuple[str, ...] = ("hard", "soft")
    min_area_ha: float = 1.0


@dataclass(frozen=True)
class SourceSpec:
    """One generation source of the profile.

    Attributes
    ----------
    key : str
        Key of :data:`GENERATION_SOURCES` (``wind``, ``pv_ground``, ``agri_pv``, ``pv_rooftop``, ``pv_floating``).
    sites : LayerRef or None
        Reuse this site layer instead of computing (fields :data:`SITE_FIELDS`).
    hourly : str or None
        CSV of the reused source's hourly generation: a column per municipality [MW], or one
        column ``capacity_factor`` [-] applied to each municipality's capacity; 8760 rows.
    options : dict
        Options passed to the source's engine (e.g. densities).
    """

    key: str
    sites: LayerRef | None = None
    hourly: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfilePlan:
    """Everything a profile run needs (JSON-able: the worker job carries it).

    Attributes
    ----------
    layers : dict of str to LayerRef
        Input layers by role.
    rasters : dict of str to str
        Input rasters by role (suitability criteria, wind speed).
    aoi : AreaOfInterest
        The municipalities (``names``: the chosen ones).
    output_dir : Path
        Folder of every output.
    technologies : tuple of TechnologyStep
        Eligibility steps.
    sources : tuple of SourceSpec
        Generation sources.
    resolution_m : float
        Grid of the eligibility steps. [m]
    crs : str
        Working CRS.
    reuse : bool
        Reuse outputs of earlier runs in ``output_dir`` whose provenance matches.
    suitability : bool
        Score the eligible land (needs the catalogue's rasters).
    rotor_in : bool
        WindBG § 4 rotor-in deduction for the counted wind area.
    demand_catalogue : str
        Demand preset id or YAML file.
    demand_table : str or None
        CSV with the municipalities' own demand (see :func:`.demand.read_demand_table`).
    population_field : str
        Population field of the municipality layer.
    land : str or None
        Land code where the AGS does not tell it (``ST``, ``SN``, ``TH``).
    grid_catalogue : str or None
        Grid connection catalogue (None: no grid step).
    grid_settings : dict
        Settings of the connection (:class:`..grid.settings.ConnectionSettings` fields: the substations' voltage,
        free-capacity and name fields, ``unknown_free_capacity_mw``, ``allocation``), as the scenario's ``grid:``
        gives them; the defaults otherwise.
    weather : str or None
        Weather of the generation sources (None: the TRY region of the area's centre).
    year : int
        Calendar year of the hourly series (the weather year; TRY: 2010).
    top_n : int
        Sites listed per municipality.
    suitable_min_score : float
        A candidate site counts as suitable from this mean score on. [0–100]
    report : bool
        Write the HTML reports.
    language : str
        ``de`` or ``en`` for the reports.
    workers : int
        Processes for the eligibility tiles.
    scheduler : str or None
        Run the eligibility tiles as tasks of this Dask scheduler (``local[:N]`` or ``tcp://HOST:PORT``;
        :mod:`.eligibility.dask_tiles`); None: on ``workers`` local processes.
    invalid_geometries : str
        ``error`` or ``repair``.
    sweep_setbacks_m : tuple of float
        Settlement setbacks of the wind sweep chart (empty: none, or the scenario's
        ``wind_sweep.csv`` in the output folder). [m]
    sweep_resolution_m : float
        Grid of the sweep (coarser than the eligibility is fine for a chart). [m]
    cost_table : str
        Cost table of the economics (preset id or YAML file, ``presets/economics.yml``).
    hebesatz_field : str
        Field of the municipality layer with the trade-tax multiplier (``400`` or ``4.0``: 400 %); a
        municipality without a value gets ``hebesatz_pct``.
    hebesatz_pct : float or None
        Trade-tax multiplier of the municipalities without a field value (None: the cost table's). [%]
    demand_scenarios : str or None
        Demand scenarios (preset id or YAML file, ``presets/demand_scenarios.yml``): the balance and the storage
        of each municipality today, in 2030 and 2045 (None: none).
    storage_targets_pct : tuple of float
        Self-sufficiency targets the storage of each scenario is sized for. [%]
    """

    layers: dict[str, LayerRef]
    aoi: AreaOfInterest
    output_dir: Path
    technologies: tuple[TechnologyStep, ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    rasters: dict[str, str] = field(default_factory=dict)
    resolution_m: float = 25.0
    crs: str = DEFAULT_CRS
    reuse: bool = True
    suitability: bool = True
    rotor_in: bool = True
    demand_catalogue: str = "demand"
    demand_table: str | None = None
    population_field: str = "population"
    land: str | None = None
    grid_catalogue: str | None = "grid_connection"
    grid_settings: dict[str, Any] = field(default_factory=dict)
    weather: str | None = None
    year: int = 2010
    top_n: int = 5
    suitable_min_score: float = 70.0
    report: bool = True
    language: str = "de"
    workers: int = 2
    scheduler: str | None = None
    invalid_geometries: str = "error"
    sweep_setbacks_m: tuple[float, ...] = ()
    sweep_resolution_m: float = 50.0
    cost_table: str = "economics"
    hebesatz_field: str = "hebesatz"
    hebesatz_pct: float | None = None
    demand_scenarios: str | None = "demand_scenarios"
    storage_targets_pct: tuple[float, ...] = (80.0, 90.0)

    def check(self) -> None:
        """Raise :class:`InputError` naming every impossible setting."""
        problems = []
        keys = [t.key for t in self.technologies]
        if len(set(keys)) != len(keys):
            problems.append(f"technologies: a key appears twice ({', '.join(keys)})")
        for s in self.sources:
            if s.key not in GENERATION_SOURCES:
                problems.append(f"sources.{s.key}: not a generation source; sources: {', '.join(GENERATION_SOURCES)}")
        if self.language not in ("de", "en"):
            problems.append(f"language {self.language!r}: use de or en")
        if self.top_n < 0:
            problems.append("top_n: use 0 or more")
        if not 0 <= self.suitable_min_score <= 100:
            problems.append("suitable_min_score: a score between 0 and 100")
        if self.hebesatz_pct is not None and not 200 <= self.hebesatz_pct <= 1000:
            problems.append(f"hebesatz_pct {self.hebesatz_pct:g}: a trade-tax multiplier in per cent, between 200 "
                            "(the legal minimum, § 16 (4) GewStG) and 1000 (e.g. 400)")
        if any(not 0 < float(t) <= 100 for t in self.storage_targets_pct):
            problems.append(f"storage_targets_pct {list(self.storage_targets_pct)}: self-sufficiency targets in per "
                            "cent, above 0 and at most 100 (e.g. 80, 90)")
        if problems:
            raise InputError("The profile settings have problems:\n" + "\n".join(f"  - {p}" for p in problems))


# ----------------------------------------------------------------- step results
@dataclass
class TechnologyFigures:
    """Eligibility and suitability of one technology (one run)."""

    key: str
    catalogue: Any
    stats: dict[str, MunicipalityStats]
    outputs: EligibilityOutputs
    reused: bool
    suitability: Path | None = None
    sites: Path | None = None
    suitable_ha: dict[str, float] = field(default_factory=dict)
    suitability_note: str = ""


@dataclass
class SourceResult:
    """What one generation source contributed.

    Attributes
    ----------
    key : str
        Source key.
    status : str
        ``computed``, ``reused`` or ``missing``.
    reason : str
        Why it is missing ('' otherwise).
    sites : GeoDataFrame or None
        One row per site with :data:`SITE_FIELDS` (+ ``source``).
    hourly_mw : dict of str to ndarray, or None
        Hourly generation per municipality [MW] (None: the source has no hourly series).
    density : str
        The capacity density or layout rule used, in English (the report words ``facts`` in its
        language).
    facts : dict
        Numbers behind the density: ``capacity_mw``, ``n_sites``, ``mw_per_km2_eligible``,
        ``mwp_per_ha``, ``yield_kwh_per_kwp``, ``full_load_hours``, ``turbine`` … (see
        :func:`.sources.density_facts`).
    provenance : dict
        Engine, catalogue/equipment versions and parameters.
    """

    key: str
    status: str
    reason: str = ""
    sites: gpd.GeoDataFrame | None = None
    hourly_mw: dict[str, np.ndarray] | None = None
    density: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class MunicipalProfile:
    """Indicators of one municipality.

    ``indicators`` holds numbers with their unit in the key (``area_ha``, ``wind_eligible_pct``,
    ``pv_ground_capacity_mw``, ``pv_ground_energy_gwh``, ``demand_gwh``, ``self_sufficiency_pct``,
    ``grid_cost_meur`` …); a source or step that is missing leaves its keys out.
    """

    name: str
    ags: str
    indicators: dict[str, float]
    demand: MunicipalDemand | None = None
    balance: HourlyBalance | None = None
    top_sites: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scenarios: list[Any] = field(default_factory=list)  # .scenarios.ScenarioFigures per demand scenario
    categories: dict[str, list[Any]] = field(default_factory=dict)  # technology → .categories.CategoryPotential list


@dataclass
class ProfileResult:
    """Everything a profile run produced (the report reads it)."""

    plan: ProfilePlan
    municipalities: list[MunicipalProfile]
    technologies: dict[str, TechnologyFigures]
    sources: dict[str, SourceResult]
    sites: gpd.GeoDataFrame
    connections: gpd.GeoDataFrame | None
    boundaries: gpd.GeoDataFrame
    demand_catalogue: DemandCatalogue
    provenance: dict[str, Any]
    files: dict[str, Path]
    sweep: dict[str, Any] | None = None
    grid_note: str = ""
    seconds: float = 0.0
    scenario_catalogue: Any = None  # .demand_scenarios.DemandScenarioCatalogue of the demand scenarios, if any

    def municipality(self, name: str) -> MunicipalProfile:
        """The profile of one municipality."""
        for m in self.municipalities:
            if m.name == name:
                return m
        raise KeyError(name)


@dataclass(frozen=True)
class SourceContext:
    """What a generation source may use: the plan, the technology steps' outputs, the boundaries."""

    plan: ProfilePlan
    technologies: Mapping[str, TechnologyFigures]
    boundaries: gpd.GeoDataFrame
    crs: Any
    tx: Any = None

    def output(self, name: str) -> Path:
        """Where a source writes ``output_dir/name``.

        A temporary file of the run's transaction (renamed when the whole profile succeeds), or
        the final path without one.
        """
        final = self.plan.output_dir / name
        return self.tx.temp_for(final) if self.tx is not None else final
