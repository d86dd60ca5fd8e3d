"""The plugin loads like QGIS loads it, registers provider ``wip`` and leaves cleanly."""
from __future__ import annotations

import configparser
import subprocess
import sys

from qgis.core import QgsApplication, QgsProcessingFeedback
from wip_qgis_testing import PLUGIN_DIR, REPO


def test_provider_is_registered_with_id_wip(provider):
    assert provider is not None
    assert provider.id() == "wip"
    assert provider.name()
    assert not provider.icon().isNull()
    assert "wip:landeligibility" in [a.id() for a in provider.algorithms()]
    assert QgsApplication.processingRegistry().algorithmById("wip:landeligibility") is not None


def test_unload_removes_the_provider_and_init_processing_restores_it(wip_plugin):
    registry = QgsApplication.processingRegistry()
    wip_plugin.unload()
    assert registry.providerById("wip") is None
    wip_plugin.initProcessing()
    assert registry.providerById("wip") is not None
    wip_plugin.initProcessing()  # a second call must not register twice
    assert [p.id() for p in registry.providers()].count("wip") == 1


def test_package_imports_without_qgis():
    """The CLI and tests/core import the package; classFactory must be the only QGIS entry."""
    code = ("import sys; sys.modules['qgis'] = None; import wip_qgis_plugin; "
            "assert callable(wip_qgis_plugin.classFactory)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_metadata_has_the_fields_the_plugin_repository_requires():
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    general = meta["general"]
    for key in ("name", "qgisMinimumVersion", "qgisMaximumVersion", "description", "about",
                "version", "author", "email", "tracker", "repository", "homepage", "tags",
                "category", "icon", "experimental", "deprecated", "changelog"):
        assert general.get(key, "").strip(), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert (PLUGIN_DIR / general["icon"]).is_file()
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{general["version"]}"' in pyproject


def test_input_roles_are_the_engine_roles_except_the_area_of_interest():
    from wip_qgis_plugin.core.data.layers import ROLES
    from wip_qgis_plugin.processing_algorithms.roles import INPUT_ROLES

    assert set(INPUT_ROLES) == set(ROLES) - {"municipalities"}


def test_raster_parameters_are_the_engine_raster_roles():
    from wip_qgis_plugin.core.data.rasters import RASTER_ROLES
    from wip_qgis_plugin.processing_algorithms.roles import DERIVED_RASTER_ROLES, RASTER_INPUT_ROLES

    assert RASTER_INPUT_ROLES == tuple(RASTER_ROLES)
    assert DERIVED_RASTER_ROLES == {r: v.derived_from for r, v in RASTER_ROLES.items() if v.derived_from}


def test_suitability_shows_the_layer_roles_the_presets_score_with():
    """Roles no shipped suitability section reads are folded away as advanced parameters."""
    from wip_qgis_plugin.core.catalogue.loader import list_presets, load_catalogue
    from wip_qgis_plugin.processing_algorithms.suitability import Suitability

    used = {role for p in list_presets() for role in (load_catalogue(p.id).suitability.layer_roles()
                                                       if load_catalogue(p.id).suitability else ())}
    assert used == set(Suitability.SHOWN_ROLES)


def test_preset_enum_lists_the_engine_presets():
    from wip_qgis_plugin.core.catalogue.loader import list_presets
    from wip_qgis_plugin.processing_algorithms.base import preset_ids

    assert preset_ids() == sorted(p.id for p in list_presets())


def test_feedback_adapter_implements_the_progress_protocol():
    from wip_qgis_plugin.core.progress import Progress
    from wip_qgis_plugin.feedback import FeedbackProgress

    feedback = QgsProcessingFeedback()
    progress = FeedbackProgress(feedback)
    assert isinstance(progress, Progress)
    progress.report(0.25, "Reading layers")
    assert feedback.progress() == 25.0
    progress.report(7.0)  # clamped
    assert feedback.progress() == 100.0
    progress.info("a line")
    progress.warning("a warning")
    assert not progress.is_cancelled()
    feedback.cancel()
    assert progress.is_cancelled()
    assert FeedbackProgress(None).is_cancelled() is False


def test_missing_engine_packages_are_named_with_an_install_command(provider, monkeypatch):
    from wip_qgis_plugin import environment

    monkeypatch.setitem(environment.ENGINE_DEPENDENCIES, "wip_no_such_module", "wip-no-such-package")
    ok, message = provider.algorithm("landeligibility").canExecute()
    assert not ok
    assert "wip-no-such-package" in message and "pip install" in message
