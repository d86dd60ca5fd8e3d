"""Source profiles: the schemas planners' data comes in, turned into the canonical roles and OSM-style tags.

A *source profile* is data (``presets/sources/*.yaml``, see docs/sources.md): how to recognise a file
(layer and field names), which layers and selections give each role of :data:`..layers.ROLES`, and how
its fields and codes become the tag columns the shipped catalogues filter on (Geofabrik
``fclass=residential`` → ``landuse=residential``, ATKIS ``OBJART 41001`` → ``landuse=residential`` …).

- :mod:`.profile`: the profile model and its loader (``SpecError`` kind "Source profile");
- :mod:`.tags`: the OSM ``other_tags`` hstore parser and the value mappings of one part;
- :mod:`.detect`: :func:`detect_source`, the profile and roles of a file read from its schema only;
- :mod:`.prepare`: :func:`prepare_sources`, one canonical GeoPackage (one layer per role) per run.

May import: the standard library, third-party libraries, the root modules of core and :mod:`..layers`,
:mod:`..outputs`.
"""
