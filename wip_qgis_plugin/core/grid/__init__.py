"""The grid: power-line topology and the connection of candidate sites to substations.

Topology: :mod:`.voltages` (OSM voltage values), :mod:`.cleaning` (snapping and splitting of
lines), :mod:`.graph` (lines and substations as a networkx graph), :mod:`.issues` (the report),
:mod:`.topology` (:func:`~.topology.check_grid_topology`). Connection: :mod:`.catalogue` (levels
and costs), :mod:`.sites` (validated sites and substations), :mod:`.routing` (roads or cost
raster), :mod:`.allocation` (min-cost flow, greedy), :mod:`.connection`
(:func:`~.connection.run_grid_connection`); :mod:`.settings` holds the settings of both runs.
May import the root modules (errors, progress, units, spec, defaults) and data/; nothing of
solar/ or wind/ (sites arrive as layers), nor of the stages after it (profile, scenario, jobs).
"""
