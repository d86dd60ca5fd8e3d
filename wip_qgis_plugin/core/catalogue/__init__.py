"""The criteria language: catalogues of exclusion and suitability criteria, read from YAML.

Owns the catalogue model (:mod:`.model`: criteria, suitability section, presets), the loader that
reads, merges and validates catalogue files (:mod:`.loader`: :func:`~.loader.load_catalogue`,
:class:`~.loader.Catalogue`), attribute filters in OSM tagging (:mod:`.filters`), value functions
(:mod:`.value_functions`) and criterion weights with AHP (:mod:`.weights`). Both the eligibility
and the suitability stage read it.

May import only the root modules (errors, units, spec, …) and :mod:`core.data`.
"""
