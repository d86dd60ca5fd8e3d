"""Data in and out: everything that touches files, before any planning rule is applied.

Owns reading vector layers (:mod:`.layers`: ``LayerRef``, roles, CRS checks), rasters onto the
analysis grid (:mod:`.rasters`, :mod:`.raster_grid`: pixel-centre rule, windows), weather years
(:mod:`.weather`: DWD TRY, PVGIS, EPW, CSV), the atomic writers every output goes through
(:mod:`.outputs`) and the guarded pvlib import (:mod:`.pvlib_shim`).

May import: the standard library, third-party libraries and the root modules of core
(errors, progress, units, spec, defaults). Nothing of the later stages.
"""
