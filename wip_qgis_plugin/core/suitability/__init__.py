"""Suitability: where on eligible land the technology should go first.

Owns :func:`~.engine.run_suitability` (scores every eligible pixel with the soft criteria of a
catalogue's ``suitability:`` section, ranks candidate sites, runs the weight sensitivity analysis)
and :mod:`.mcda` (aggregation of criterion scores, perturbed weights, top shares, ranks). The
criteria themselves (value functions, AHP weights) are part of :mod:`core.catalogue`.

May import the root modules, :mod:`core.data`, :mod:`core.catalogue` and :mod:`core.eligibility`.
"""
