"""Jobs: the one path from a front end to the engine.

Owns the job protocol (:mod:`.protocol`: ``Job``, messages, codec, errors, the job table and
``run_job``; standard library only, so the plugin can use it where the engine is missing), the
adapters (:mod:`.adapters`: a job's JSON arguments → the engine's dataclasses → JSON result),
the job builders shared by the CLI and the Processing algorithms (:mod:`.build`) and the scenario
runner of ``wip run`` (:mod:`.runner`).

May import: every engine stage and the root modules (``protocol`` and ``build``: the standard
library and the root's ``errors``, ``progress`` and ``plain`` only). Not the CLI, worker.py or QGIS.
"""
