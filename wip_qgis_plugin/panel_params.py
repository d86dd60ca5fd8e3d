"""The guided panel's choices (:class:`PanelState`) and the parameters of ``wip:municipalprofile`` they make.

:func:`profile_parameters` is the one place where the panel's controls meet the algorithm: it uses the
algorithm's own parameter names (class constants of ``MunicipalProfile``, ``roles.parameter_name``) so the
two cannot drift apart: the planning levers (settlement setback, forest, turbine, ground-PV land categories)
and the run's options.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import tr
from .processing_algorithms.inputs import SOURCE_KEYS
from .processing_algorithms.municipal_profile import MunicipalProfile as Alg
from .processing_algorithms.roles import INPUT_ROLES, RASTER_INPUT_ROLES, parameter_name

ALGORITHM_ID = "wip:municipalprofile"
#: Raster roles the panel offers (parameters of the algorithm; slope and aspect follow from the elevation model).
PANEL_RASTER_ROLES = ("dem", "wind_speed_150m", "wind_speed_100m", "soil_quality")
#: The optional lakes layer of floating PV (parameter FLOATING_LAKES), shown in the panel's table as a role.
LAKES_ROLE = "lakes"
#: Grid resolutions the panel offers [m].
RESOLUTIONS_M = (25.0, 50.0, 100.0)


@dataclass(frozen=True)
class PanelState:
    """What the planner chose in the panel.

    Layers are given as Processing takes them: a layer id of the project (the panel) or a source URI
    (tests, scripts). ``wind_preset``/``pv_preset`` ``None`` means no wind areas / no ground-PV areas.
    ``land`` is the Land code the planner chose where the key (AGS) does not tell; None: from the AGS.
    ``hebesatz_pct`` None: the field of the municipalities layer, else the cost table's.
    ``settlement_setback_m`` None: the wind preset's; ``forest`` one of ``preset``, ``excluded``, ``open``;
    ``pv_categories`` None: every category of the ground-PV preset.
    """

    aoi: str
    names: tuple[str, ...]
    output_folder: str
    name_field: str = "name"
    id_field: str | None = "ags"
    population_field: str | None = "population"
    wind_preset: str | None = "wind_sachsen_anhalt"
    pv_preset: str | None = "pv_ground"
    layers: dict[str, str] = field(default_factory=dict)
    rasters: dict[str, str] = field(default_factory=dict)
    land: str | None = None
    sources: tuple[str, ...] = SOURCE_KEYS
    rotor_in: bool = True
    hebesatz_pct: float | None = None
    demand_scenarios: bool = True
    sweep: bool = True
    resolution_m: float = 25.0
    language: str = "de"
    settlement_setback_m: float | None = None
    forest: str = "preset"
    turbine: str | None = None
    pv_categories: tuple[str, ...] | None = None


def state_problems(state: PanelState) -> list[str]:
    """What keeps the state from a run, in words for the planner (empty: ready)."""
    problems = []
    if not state.aoi:
        problems.append(tr("Choose the municipalities layer."))
    if not state.names:
        problems.append(tr("Tick at least one municipality."))
    if any("," in name for name in state.names):
        problems.append(tr("A municipality name contains a comma; the profile cannot select it by name."))
    if not state.output_folder:
        problems.append(tr("Choose an output folder."))
    if not state.sources and not state.wind_preset and not state.pv_preset:
        problems.append(tr("Choose at least one generation source or preset."))
    return problems


def profile_parameters(state: PanelState) -> dict:
    """The parameters of ``wip:municipalprofile`` for ``state``.

    Raises ValueError naming what is missing (see :func:`state_problems`).
    """
    problems = state_problems(state)
    if problems:
        raise ValueError(" ".join(problems))
    params = {
        Alg.AOI: state.aoi,
        Alg.AOI_NAME_FIELD: state.name_field,
        Alg.AOI_NAMES: ", ".join(state.names),
        Alg.WIND_PRESET: state.wind_preset or Alg.NO_PRESET,
        Alg.PV_PRESET: state.pv_preset or Alg.NO_PRESET,
        Alg.RESOLUTION: float(state.resolution_m),
        Alg.SOURCES: [SOURCE_KEYS.index(k) for k in SOURCE_KEYS if k in state.sources],
        Alg.ROTOR_IN: bool(state.rotor_in),
        Alg.DEMAND_SCENARIOS: bool(state.demand_scenarios),
        Alg.SWEEP: bool(state.sweep),
        Alg.LANGUAGE: Alg.LANGUAGES.index(state.language) if state.language in Alg.LANGUAGES else 0,
        Alg.LAND: Alg.LAND_IDS.index(state.land) if state.land in Alg.LAND_IDS else 0,
        Alg.REUSE: True,
        Alg.OUTPUT_FOLDER: state.output_folder,
    }
    if state.id_field:
        params[Alg.AOI_ID_FIELD] = state.id_field
    if state.population_field:
        params[Alg.POPULATION_FIELD] = state.population_field
    if state.hebesatz_pct is not None:
        params[Alg.HEBESATZ_PCT] = float(state.hebesatz_pct)
    if state.settlement_setback_m is not None:
        params[Alg.SETTLEMENT_SETBACK] = float(state.settlement_setback_m)
    params[Alg.FOREST] = Alg.FOREST_MODES.index(state.forest) if state.forest in Alg.FOREST_MODES else 0
    if state.turbine:
        params[Alg.TURBINE] = state.turbine
    if state.pv_categories is not None:
        params[Alg.PV_CATEGORIES] = [Alg.PV_CATEGORY_KEYS.index(k) for k in state.pv_categories
                                     if k in Alg.PV_CATEGORY_KEYS]
    for role, layer in state.layers.items():
        if not layer:
            continue
        if role == LAKES_ROLE:
            params[Alg.FLOATING_LAKES] = layer
        elif role in INPUT_ROLES:
            params[parameter_name(role)] = layer
    for role, layer in state.rasters.items():
        if layer and role in RASTER_INPUT_ROLES:
            params[parameter_name(role)] = layer
    return params
