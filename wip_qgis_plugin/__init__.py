"""WIP Energy & Spatial Planning: a QGIS plugin with a Processing provider (id ``wip``).

Importing this package needs neither QGIS nor Qt: the engine in :mod:`wip_qgis_plugin.core`
is used by the ``wip`` command line and the core tests on its own. QGIS loads the plugin
through :func:`classFactory`, which imports the QGIS side lazily.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    """Return the plugin object QGIS asks for (also used by qgis_process, with iface None)."""
    from .plugin import WipPlugin

    return WipPlugin(iface)
