"""What the matrix found in Debian's packages that the plugin has to live with.

Sid's python3-shapely 2.2.0-1 reports its version as "0+unknown" (the package was built without its
version); the engine's dependency check then reads "shapely 0 < 2" and refuses to run. The matrix repairs
the chroot's metadata (scripts/qgis_matrix.sh, fixups) so the other tests run; these tests state what the
check itself does with such a version: not knowing a version is not a version that is too old.
"""
from __future__ import annotations

import importlib.metadata

import pytest


@pytest.mark.parametrize("placeholder", ["0+unknown", "0", "0.0.0", "unknown"])
def test_a_version_debian_could_not_tell_is_not_too_old(monkeypatch, placeholder):
    from wip_qgis_plugin.core.jobs import protocol

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: placeholder if name == "shapely" else real(name))
    assert protocol.dependency_problems({"shapely": "shapely>=2"}) == []


@pytest.mark.parametrize(("version", "release"), [("2.0.6", (2, 0, 6)), ("0.2.2", (0, 2, 2)),
                                                  ("2.2.0+ds", (2, 2, 0)), ("0+unknown", None), ("", None)])
def test_release_number(version, release):
    from wip_qgis_plugin.core.jobs import protocol

    assert protocol.release_number(version) == release


def test_a_version_that_is_too_old_is_still_reported(monkeypatch):
    from wip_qgis_plugin.core.jobs import protocol

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.8.5" if name == "shapely" else real(name))
    assert protocol.dependency_problems({"shapely": "shapely>=2"}) == ["shapely>=2"]


def test_proj_is_compared_at_run_time(monkeypatch):
    """Sid's QGIS 3.44 was compiled with PROJ 9.8 and runs on 9.9 (same library, updated under it): the
    check compares the PROJ loaded in the process, not the one QGIS was compiled with."""
    from osgeo import osr
    from qgis.core import QgsProjUtils

    from wip_qgis_plugin import environment

    runtime = f"{osr.GetPROJVersionMajor()}.{osr.GetPROJVersionMinor()}"

    class CompiledWithAnOlderMinor:
        @staticmethod
        def projVersionMajor():  # noqa: N802 (QGIS API)
            return QgsProjUtils.projVersionMajor()

        @staticmethod
        def projVersionMinor():  # noqa: N802 (QGIS API)
            return QgsProjUtils.projVersionMinor() - 1

    assert environment.qgis_proj_version(CompiledWithAnOlderMinor) == runtime
    assert not [m for m in environment.library_mismatches() if m.startswith("pyproj")]
