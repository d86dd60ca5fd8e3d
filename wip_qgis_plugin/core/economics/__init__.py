"""Economics: what the energy costs and what it is worth to the municipality.

:mod:`.costs` reads the sourced cost table (``presets/economics.yml``), :mod:`.lcoe` gives the levelised cost of
electricity per site (grid connection included), :mod:`.value` the § 6 EEG payments shared by the
municipalities around a wind turbine, the trade tax and the lease. May import the root modules and every stage
before it (data … grid: sites, energies and connection costs arrive as numbers and geometries); nothing of the
stages after it (profile, scenario, jobs).
"""
