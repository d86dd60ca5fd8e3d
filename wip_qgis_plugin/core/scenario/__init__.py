"""Scenarios: one YAML file that describes a whole run, from eligibility to the municipal profile.

Owns the scenario spec (:mod:`.spec`: reading and validating the file in one pass, every problem
with its place; the typed sections of each step; ``plan_from_scenario``). The loop that runs a
scenario's steps lives with the jobs (see docs/architecture.md).

May import: every engine stage (data, catalogue, eligibility, suitability, solar, wind, grid,
profile) and the root modules. Not jobs/, the CLI or QGIS.
"""
