"""Wind energy: turbines, the wind at hub height, the annual yield per pixel and turbine layouts.

Owns the turbines with their power curves (:mod:`.turbines`), the roughness of the land
(:mod:`.roughness`), the pure physics kernels (:mod:`.physics`: profiles, air density, Weibull
energy table), the resource models (:mod:`.resource`), the yield raster run (:mod:`.energy`),
the wake models (:mod:`.wakes`) and the layout of turbines in eligible areas (:mod:`.layout`).

May import: the root modules of core (errors, progress, units, spec, defaults), data, catalogue,
eligibility and suitability. Not solar (a sibling), nor any later stage.
"""
