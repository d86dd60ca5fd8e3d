"""The municipal energy profile: the whole chain for chosen municipalities, and its report.

Owns the plan and results (:mod:`.model`), the steps before the sources with their reuse
(:mod:`.steps`), the generation sources (:mod:`.sources`), demand (:mod:`.demand`) and the hourly
balance (:mod:`.balance`), the indicators (:mod:`.indicators`), the files (:mod:`.outputs`), the
HTML report (:mod:`.report`) and how sources look (:mod:`.legend`); :func:`.engine.run_profile`
runs it all.

May import: the root modules, data, catalogue, eligibility, suitability, solar, wind and grid.
Not scenario/, jobs/, the CLI or QGIS (a scenario's ``profile:`` section is read in
scenario/profile_section.py).
"""
