"""Processing algorithms of the ``wip`` provider: one thin class per module.

To add an algorithm, subclass :class:`.base.WipAlgorithm` in a new module, write its
help in ``help/<name>.json`` (en and de) and list the class in :data:`ALGORITHMS`.
"""
from .land_eligibility import LandEligibility
from .setback_sweep import SetbackSweep
from .suitability import Suitability
from .windbg_accounting import WindbgAccounting

ALGORITHMS = (LandEligibility, SetbackSweep, Suitability, WindbgAccounting)
