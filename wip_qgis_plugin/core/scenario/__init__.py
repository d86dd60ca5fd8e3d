"""Scenarios: one YAML file that describes a whole run, from eligibility to the municipal profile.

Owns the scenario file: :mod:`.spec` (``load_scenario`` reads and validates the file in one pass,
every problem with its place; ``plan_from_scenario``), :mod:`.model` (the typed sections of each
step and the ``Scenario``), the readers of the sections (:mod:`.eligibility_sections`,
:mod:`.energy_sections`, :mod:`.grid_section`, :mod:`.profile_section`, :mod:`.layer_bindings`) and
the small value readers they share (:mod:`.values`). The loop that runs a scenario's steps lives
with the jobs (see docs/architecture.md).

May import: every engine stage (data, catalogue, eligibility, suitability, solar, wind, grid,
profile) and the root modules. Not jobs/, the CLI or QGIS.
"""
