"""Settings shared by tests/core and tests/qgis.

QGIS tests run headless: pytest-qgis creates the QgsApplication while pytest configures
itself, after this file is imported, so the Qt platform is set here unless the caller chose
one. (tests/core runs with ``-p no:qgis`` and never starts QGIS.)
"""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
