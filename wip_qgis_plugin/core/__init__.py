"""The WIP engine: land eligibility, suitability and energy potentials.

Pure Python on numpy, shapely, geopandas, rasterio and pyproj. Nothing in this
package imports QGIS or Qt (``tests/core/test_core_is_qgis_free.py`` checks it),
so the same code runs inside QGIS, in the ``wip`` command line and in tests.
"""

from pathlib import Path as _Path


def _read_version() -> str:
    """Version from the plugin's metadata.txt (its single source of truth)."""
    meta = _Path(__file__).resolve().parent.parent / "metadata.txt"
    try:
        for line in meta.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("version="):
                return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "0.0.0"


__version__ = _read_version()
