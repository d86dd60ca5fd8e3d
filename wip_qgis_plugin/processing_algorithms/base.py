"""Shared plumbing of the WIP Processing algorithms.

Each algorithm is a thin class: it declares parameters, turns layers into file paths,
calls one engine function and maps engine errors to ``QgsProcessingException``. What
they all need lives here: translation, help text from ``help/<algorithm id>.json``,
the dependency check, and layer and output conversion (styles: output_styles.py).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
)
from qgis.PyQt.QtCore import QCoreApplication, QThread
from qgis.PyQt.QtGui import QIcon

from ..compat import push_warning, set_advanced
from ..i18n import tr, ui_language

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "icons" / "wip.svg"
HELP_DIR = PLUGIN_DIR / "help"
HOMEPAGE = "https://github.com/wip-energy/wip_qgis_plugin"

#: Python modules the engine imports, with the pip package that provides each.
ENGINE_DEPENDENCIES = {
    "numpy": "numpy", "shapely": "shapely>=2", "geopandas": "geopandas", "pyogrio": "pyogrio",
    "rasterio": "rasterio", "pyproj": "pyproj", "scipy": "scipy", "yaml": "pyyaml", "edt": "edt",
}

#: Vector formats the engine reads straight from the file; other layers are exported to gpkg.
ENGINE_VECTOR_FORMATS = ["gpkg", "shp", "geojson", "json", "fgb", "sqlite", "gml", "kml"]


def group_name(group_id: str) -> str:
    """Translated name of an algorithm group."""
    return {"eligibility": tr("Eligibility"), "suitability": tr("Suitability"),
            "accounting": tr("Area accounting")}[group_id]


@cache
def _help_data(algorithm_id: str) -> dict[str, Any]:
    with open(HELP_DIR / f"{algorithm_id}.json", encoding="utf-8") as fh:
        return json.load(fh)


def help_for(algorithm_id: str, language: str | None = None) -> dict[str, Any]:
    """Help of an algorithm in the UI language (English if there is none in that language)."""
    data = _help_data(algorithm_id)
    return data.get(language or ui_language()) or data["en"]


def preset_ids() -> list[str]:
    """Ids of the shipped criteria presets (``presets/<id>.yaml``), sorted.

    Read from the file names, as the engine's ``list_presets()`` does, without importing the
    engine: loading the provider (at every QGIS and qgis_process start) stays cheap and works
    even when the engine's packages are missing.
    """
    return sorted(p.stem for p in (PLUGIN_DIR / "presets").glob("*.yaml"))


def in_main_thread() -> bool:
    """True in qgis_process, scripts and tests; False in the desktop's Processing worker thread.

    The engine forks worker processes for tiles; forking from a thread of the QGIS desktop can
    deadlock the child (locks held by other threads, e.g. GDAL's during map rendering), so
    algorithms run tiles in-process there.
    """
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def missing_dependencies() -> list[str]:
    """Pip names of the engine's packages that cannot be found in QGIS's Python."""
    missing = [pip for mod, pip in ENGINE_DEPENDENCIES.items() if importlib.util.find_spec(mod) is None]
    if "shapely>=2" not in missing and int(importlib.metadata.version("shapely").split(".")[0]) < 2:
        missing.append("shapely>=2")  # found without importing it (QGIS start stays light)
    return missing


def missing_dependencies_message(missing: list[str]) -> str:
    return tr(
        "The WIP engine needs Python packages that are missing in the Python environment of "
        "QGIS: {packages}. Install them and restart QGIS, e.g. with: python3 -m pip install "
        "--user --no-binary shapely,pyproj,pyogrio,rasterio {packages} (on Windows in the "
        "OSGeo4W Shell)."
    ).format(packages=" ".join(f'"{m}"' if ">" in m else m for m in missing))


def library_mismatches() -> list[str]:
    """Engine packages built with another GEOS, PROJ or GDAL than QGIS uses.

    Binary wheels bundle their own copies of these libraries; inside QGIS and qgis_process
    they clash with QGIS's (observed: shapely returning empty results, crashes at exit).
    """
    import pyogrio
    import pyproj
    import rasterio
    import shapely
    from qgis.core import Qgis, QgsProjUtils

    found = []
    qgis_geos = Qgis.geosVersion().split("-")[0]
    if shapely.geos_version_string.split("-")[0] != qgis_geos:
        found.append(f"shapely: GEOS {shapely.geos_version_string} (QGIS: {qgis_geos})")
    qgis_proj = f"{QgsProjUtils.projVersionMajor()}.{QgsProjUtils.projVersionMinor()}"
    if not pyproj.proj_version_str.startswith(qgis_proj + "."):
        found.append(f"pyproj: PROJ {pyproj.proj_version_str} (QGIS: {qgis_proj})")
    try:
        from osgeo import gdal
    except ImportError:
        return found
    for name, version in (("pyogrio", pyogrio.__gdal_version_string__), ("rasterio", rasterio.__gdal_version__)):
        if version != gdal.__version__:
            found.append(f"{name}: GDAL {version} (QGIS: {gdal.__version__})")
    return found


class WipAlgorithm(QgsProcessingAlgorithm):
    """Base class: metadata from ``help/<name>.json``, helpers for layers and outputs."""

    GROUP_ID = ""

    def tr(self, text: str) -> str:
        return tr(text)

    def createInstance(self):  # noqa: N802 (QGIS API)
        return type(self)()

    def group(self) -> str:
        return group_name(self.GROUP_ID)

    def groupId(self) -> str:  # noqa: N802 (QGIS API)
        return self.GROUP_ID

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS API)
        return str(ICON_PATH)

    def shortDescription(self) -> str:  # noqa: N802 (QGIS API)
        return help_for(self.name())["description"]

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API)
        text = help_for(self.name())
        parts = [f"<p>{p}</p>" for p in text["help"]]
        params = [(d.description(), text["parameters"].get(d.name()))
                  for d in self.parameterDefinitions()]
        items = "".join(f"<dt><b>{label}</b></dt><dd>{doc}</dd>" for label, doc in params if doc)
        return "".join(parts) + (f"<h3>{tr('Parameters')}</h3><dl>{items}</dl>" if items else "")

    def tags(self) -> list[str]:
        """Search words of the toolbox, from the help data."""
        return list(help_for(self.name()).get("tags", []))

    def helpUrl(self) -> str:  # noqa: N802 (QGIS API)
        return f"{HOMEPAGE}#{self.name()}"

    def canExecute(self):  # noqa: N802 (QGIS API)
        missing = missing_dependencies()
        return (False, missing_dependencies_message(missing)) if missing else (True, "")

    def add_parameter(self, param, advanced: bool = False):
        """Add a parameter with its tooltip from the help data."""
        doc = help_for(self.name())["parameters"].get(param.name())
        if doc and hasattr(param, "setHelp"):
            param.setHelp(doc)
        self.addParameter(set_advanced(param) if advanced else param)
        return param

    def require_engine(self, feedback) -> None:
        """Raise if the engine's packages are missing; warn if they use other C libraries than QGIS."""
        ok, message = self.canExecute()
        if not ok:
            raise QgsProcessingException(message)
        mismatches = library_mismatches()
        if mismatches and feedback is not None:
            push_warning(feedback, tr(
                "These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. "
                "Inside QGIS this can give wrong results or crashes. Reinstall them compiled "
                "against the libraries of QGIS: python3 -m pip install --user --force-reinstall "
                "--no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio"
            ).format(list="; ".join(mismatches)))

    def layer_ref(self, parameters, name, context, feedback):
        """The engine's LayerRef for a vector parameter, or None if it was left empty.

        Files the engine reads directly are passed as they are; memory, database and
        filtered layers are exported to a temporary GeoPackage first.
        """
        from ..core.layers import LayerRef

        if self.parameterAsSource(parameters, name, context) is None:
            return None
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, name, context, ENGINE_VECTOR_FORMATS, "gpkg", feedback)
        return LayerRef(path, layer or None) if path else None

    def output_path(self, parameters, name, context, suffixes: tuple[str, ...]) -> Path | None:
        """Path of a file output, None if it is skipped; refuses formats the engine cannot write."""
        if isinstance(self.parameterDefinition(name), QgsProcessingParameterFileDestination):
            value = self.parameterAsFileOutput(parameters, name, context)
        else:
            value = self.parameterAsOutputLayer(parameters, name, context)
        if not value:
            return None
        path = Path(value)
        if path.suffix.lower() not in suffixes:
            raise QgsProcessingException(
                tr("“{output}”: the file must end in {suffixes} (got “{path}”).").format(
                    output=self.parameterDefinition(name).description(),
                    suffixes=" / ".join(suffixes), path=value))
        return path
