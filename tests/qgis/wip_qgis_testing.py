"""Constants and helpers of the QGIS tests (imported by conftest.py and the test modules).

A plain module with a unique name: tests/qgis is not a package, since a package named
``tests.qgis`` or ``qgis`` would shadow QGIS's own ``qgis`` package.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback

REPO = Path(__file__).resolve().parents[2]
PLUGIN_DIR = REPO / "wip_qgis_plugin"
# WIP_SAMPLE_GPKG points the sample tests at another region built by make_sample_region.py
SAMPLE_GPKG = Path(os.environ.get("WIP_SAMPLE_GPKG") or REPO / "sample_layers" / "revier_sample.gpkg")
DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_DIR = SAMPLE_GPKG.parent
ALG_ID = "wip:landeligibility"
#: Layer roles the wind presets' exclusion criteria (hard and soft) read.
WIND_ROLES = ("landuse", "buildings", "protected_areas", "water", "waterways")
X0, Y0 = 700_000.0, 5_700_000.0


@dataclass(frozen=True)
class Region:
    """A GeoPackage with one layer per role (named after the role) and a municipalities layer."""

    path: Path
    layers: tuple[str, ...]
    names: tuple[str, ...] = field(default=())

    def uri(self, layer: str) -> str:
        return f"{self.path}|layername={layer}"

    def parameters(self, roles=None, **extra) -> dict:
        """Algorithm parameters: AOI plus each role layer present (or only ``roles``)."""
        from wip_qgis_plugin.processing_algorithms.roles import INPUT_ROLES, parameter_name

        chosen = [r for r in INPUT_ROLES if r in self.layers and (roles is None or r in roles)]
        params = {"AOI": self.uri("municipalities"), "AOI_NAME_FIELD": "name"}
        params.update({parameter_name(r): self.uri(r) for r in chosen})
        params.update(extra)
        return params


def run_algorithm(algorithm_id: str, parameters: dict, context=None, feedback=None) -> dict:
    """processing.run of one of the provider's algorithms."""
    import processing

    return processing.run(algorithm_id, parameters, context=context, feedback=feedback)


def assert_refused(algorithm_id: str, parameters: dict, folder: Path, *fragments, feedback=None) -> str:
    """The run raises QgsProcessingException naming every fragment and leaves ``folder`` empty."""
    with pytest.raises(QgsProcessingException) as info:
        run_algorithm(algorithm_id, parameters, feedback=feedback)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert [p.name for p in folder.iterdir()] == [], "an output was left behind"
    return str(info.value)


def read_band(path):
    """Band 1 of a raster as a numpy array."""
    import rasterio

    with rasterio.open(path) as ds:
        return ds.read(1)


class RecordingFeedback(QgsProcessingFeedback):
    """A feedback that keeps the warnings, infos, progress values and progress texts it was sent."""

    def __init__(self):
        super().__init__()
        self.warnings: list[str] = []
        self.infos: list[str] = []
        self.progress_values: list[float] = []
        self.progress_texts: list[str] = []
        self.progressChanged.connect(self.progress_values.append)

    def setProgressText(self, text):  # noqa: N802 (QGIS API)
        self.progress_texts.append(text)

    def pushWarning(self, message):  # noqa: N802 (QGIS API)
        self.warnings.append(message)

    def pushInfo(self, message):  # noqa: N802 (QGIS API)
        self.infos.append(message)


def require_engine() -> None:
    """Skip when the engine (wip_qgis_plugin.core.eligibility.engine) is not importable."""
    pytest.importorskip("wip_qgis_plugin.core.eligibility.engine",
                        reason="the engine (wip_qgis_plugin/core/eligibility/engine.py) is not ready")


# ----------------------------------------------------------------- qgis_process
def qgis_process_bin() -> str:
    """qgis_process.bin (on Debian the `qgis_process` wrapper passes flags QGIS 3.22 rejects)."""
    exe = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    if exe is None:
        pytest.skip("qgis_process is not installed")
    return exe


def qgis_process_env(profile: Path, plugin_path: Path | None = None) -> dict:
    """Environment for qgis_process: a fresh profile, headless, this venv's packages visible.

    QGIS's embedded Python sees only the system site-packages, so the engine's packages of the
    running (virtual) environment are added with PYTHONPATH; extra plugin folders go in
    QGIS_PLUGINPATH.
    """
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QGIS_CUSTOM_CONFIG_PATH"] = str(profile)
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [os.environ.get("PYTHONPATH")])])
    env.pop("QGIS_PLUGINPATH", None)
    if plugin_path is not None:
        env["QGIS_PLUGINPATH"] = str(plugin_path)
    return env


def run_qgis_process(args: list[str], env: dict, cwd: Path, timeout: int = 900):
    return subprocess.run([qgis_process_bin(), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def enable_plugin(env: dict, cwd: Path) -> None:
    """Activate the plugin in the profile (writes [PythonPlugins] wip_qgis_plugin=true)."""
    proc = run_qgis_process(["plugins", "enable", "wip_qgis_plugin"], env, cwd)
    assert proc.returncode == 0, proc.stderr
    ini = Path(env["QGIS_CUSTOM_CONFIG_PATH"]) / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    assert "wip_qgis_plugin=true" in ini.read_text(encoding="utf-8")


def cli_arguments(params: dict) -> list[str]:
    """qgis_process `run` arguments: `--` then NAME=VALUE (lists repeat the name)."""
    args = ["--"]
    for key, value in params.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            args.append(f"{key}={v}")
    return args
