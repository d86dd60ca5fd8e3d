"""Eligibility: where the law allows the technology at all.

Owns :func:`~.engine.run_eligibility` (applies the exclusion criteria of a catalogue tile by tile:
an eligibility raster, polygons and area statistics per municipality), the distance kernel behind
setbacks (:mod:`.distance`), the setback sweep that reruns the same plan for many settlement
setbacks and criterion variants (:mod:`.sweep`), and the accounting of eligible areas against the
WindBG area targets (:mod:`.windbg`).

May import the root modules, :mod:`core.data` and :mod:`core.catalogue`.
"""
