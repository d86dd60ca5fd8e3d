"""Solar energy: PV systems, the hourly PV model, terrain horizon, ground-mounted and rooftop PV.

Owns the PV systems file (:mod:`.systems`), the pvlib chain from weather to specific yield
(:mod:`.model`), horizon shading from a DEM (:mod:`.horizon`), the solar potential of eligible
land (:mod:`.ground`: ground-mounted PV and agri-PV) and rooftop PV on building footprints
(:mod:`.rooftop`).

May import: the root modules of core (errors, progress, units, spec, defaults), data, catalogue,
eligibility and suitability. Not wind (a sibling), nor any later stage.
"""
