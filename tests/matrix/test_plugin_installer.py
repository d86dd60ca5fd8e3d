"""The plugin zip is what the official repository accepts and installs through QGIS's plugin installer.

On every column of the matrix: `scripts/package.py` builds the zip, `scripts/check_package.py`
checks it with the rules of plugins.qgis.org, `scripts/plugin_repository.py` publishes it in a
plugins.xml served on 127.0.0.1, and installer_run.py lets pyplugin_installer fetch the repository
and install the plugin into an empty home plugin folder, as Plugins → Manage and Install does. The
installed copy (not the source tree) must load, register the provider with every algorithm and add
its menu.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.slow


#: The plugin menu's entries (English): the engine's four, the planning panel, the reason inspector's three.
MENU_ENTRIES = ["Engine Python…", "Create engine environment", "Check engine",
                "Always run the engine in the engine Python", "WIP planning panel", "Why is this excluded?",
                "Style exclusion reasons per criterion", "Exclusion zones per criterion as polygons"]


@pytest.fixture(scope="module")

def built_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "wip_qgis_plugin.zip"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "package.py"), "--output", str(out)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_zip_passes_the_repository_checks(built_zip):
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "check_package.py"), str(built_zip)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def rewritten(zip_path: Path, out: Path, change) -> Path:
    """A copy of the zip with ``change(name, data) -> (name, data)`` applied to every member."""
    import zipfile

    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name, data = change(info.filename, src.read(info))
            dst.writestr(name, data)
    return out


@pytest.mark.parametrize("case, change, fragment", [
    ("percent in about", lambda n, d: (n, d.replace(b"about=", b"about=30 % less land. ", 1))
     if n.endswith("metadata.txt") else (n, d), "write a literal % as %%"),
    ("slash in author", lambda n, d: (n, d.replace(b"author=", b"author=A/B ", 1))
     if n.endswith("metadata.txt") else (n, d), "author must not contain '/'"),
    ("executable named like an icon", lambda n, d: (n, b"\x7fELF" + d) if n.endswith("icons/wip.png") else (n, d),
     "an executable or library"),
])
def test_check_refuses_what_the_repository_refuses(built_zip, tmp_path, case, change, fragment):
    broken = rewritten(built_zip, tmp_path / "broken.zip", change)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "check_package.py"), str(broken)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and fragment in proc.stdout, (case, proc.stdout)


@pytest.fixture
def repository(built_zip, tmp_path):
    """plugins.xml and the zip on http://127.0.0.1:PORT/ (a thread of this process)."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / built_zip.name).write_bytes(built_zip.read_bytes())
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "plugin_repository.py"),
                           str(root / built_zip.name), base, str(root / "plugins.xml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base + "plugins.xml"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_installs_through_the_plugin_installer(repository, tmp_path):
    from wip_qgis_plugin.processing_algorithms import ALGORITHMS

    home = tmp_path / "profile" / "python" / "plugins"
    result_file = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QGIS_PLUGINPATH")}
    env.update(QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"),
               PYTHONNOUSERSITE="1")
    proc = subprocess.run([sys.executable, str(HERE / "installer_run.py"), repository, str(home), str(result_file)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and result_file.is_file(), proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert "exception" not in result, result["exception"]
    assert result["repository_state"] == 2, result  # Repositories.STATE_LOADED
    assert result["listed"] and result["status_before"] == "not installed", result
    assert not result["stuck_dialogs"], result
    assert not result["error"], result
    assert result["status_after"] == "installed", result
    assert {"__init__.py", "metadata.txt", "LICENSE"} <= set(result["installed_files"])
    assert result["module_file"] and Path(result["module_file"]).is_relative_to(home), result["module_file"]
    assert result["active"] and result["enabled_setting"], result
    assert len(result["provider_algorithms"]) == len(ALGORITHMS), result["provider_algorithms"]
    assert list(result["menus"].values()) == [MENU_ENTRIES], result["menus"]
