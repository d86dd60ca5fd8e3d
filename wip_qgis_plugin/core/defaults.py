"""Defaults that several stages share, in one place.

Anything a user can change (a parameter, a scenario key, a CLI flag) that has no value given falls
back to these. Values with a physical meaning carry their unit in the name.
"""
from __future__ import annotations

#: Working CRS of the engine when none is given: ETRS89 / UTM 32N (Sachsen-Anhalt, Thüringen;
#: Sachsen works in UTM 33N, EPSG:25833).
DEFAULT_CRS = "EPSG:25832"

#: Reference turbine when none is given: Enercon E-141 EP4 4.2 MW (windpowerlib type), hub 159 m,
#: rotor 141 m, the type the Land presets use for height-based setbacks (docs/wind.md).
DEFAULT_TURBINE = "E-141/4200"
