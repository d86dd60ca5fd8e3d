"""Processing algorithms of the ``wip`` provider: one thin class per module.

To add an algorithm, subclass :class:`.base.WipAlgorithm` in a new module, write its
help in ``help/<name>.json`` (en and de) and list the class in :data:`ALGORITHMS`.
Parameter blocks two algorithms share go into ``inputs.py`` (layer roles: ``roles.py``), output
styles into ``styles/`` via ``output_styles.py``; no algorithm module imports another. Whether the
engine can run at all is ``wip_qgis_plugin/environment.py``.
"""
from .batch_profile import BatchProfile
from .check_data import CheckData
from .floating_pv import FloatingPv
from .grid_connection import GridConnection
from .grid_topology_check import GridTopologyCheck
from .land_eligibility import LandEligibility
from .municipal_profile import MunicipalProfile
from .osm_download import OsmDownload
from .rooftop_solar import RooftopSolar
from .setback_sweep import SetbackSweep
from .site_maps import SiteMaps
from .solar_potential import SolarPotential
from .suitability import Suitability
from .turbine_layout import TurbineLayout
from .vg250_boundaries import Vg250Boundaries
from .wind_immission import WindImmission
from .wind_repowering import WindRepowering
from .wind_yield import WindYield
from .plan_area_accounting import PlanAreaAccounting
from .windbg_accounting import WindbgAccounting

ALGORITHMS = (
    LandEligibility, SetbackSweep, Suitability, WindbgAccounting, PlanAreaAccounting,  # eligibility … accounting
    SolarPotential, RooftopSolar, FloatingPv, WindYield, TurbineLayout, WindImmission, WindRepowering,  # potential
    GridTopologyCheck, GridConnection,  # grid
    MunicipalProfile, SiteMaps, BatchProfile,  # profile
    OsmDownload, Vg250Boundaries, CheckData,  # input data
)
