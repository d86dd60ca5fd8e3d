#!/usr/bin/env python3
"""Write a plugin repository (plugins.xml) for a plugin zip, as plugins.qgis.org publishes it.

    python3 scripts/plugin_repository.py dist/wip_qgis_plugin.zip http://127.0.0.1:8000/ out/plugins.xml

QGIS's plugin installer (pyplugin_installer) reads such a file from any URL added under Plugins →
Manage and Install → Settings → Plugin repositories; the entry points at BASE_URL + the zip's file
name. Used by the installer tests (tests/matrix/test_plugin_installer.py, the desktop smoke test)
and usable for a private repository. Standard library only.
"""
from __future__ import annotations

import configparser
import io
import sys
import zipfile
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, quoteattr


def read_metadata(zip_path: Path) -> tuple[str, dict[str, str]]:
    """The top folder (plugin id) and the [general] section of its metadata.txt."""
    with zipfile.ZipFile(zip_path) as zf:
        top = PurePosixPath(zf.namelist()[0]).parts[0]
        text = io.TextIOWrapper(zf.open(f"{top}/metadata.txt"), encoding="utf-8").read()
    meta = configparser.ConfigParser(interpolation=None)
    meta.optionxform = str
    meta.read_string(text)
    return top, dict(meta["general"])


def repository_xml(zip_path: Path, base_url: str) -> str:
    """plugins.xml text with one <pyqgis_plugin> for the zip."""
    top, m = read_metadata(zip_path)
    url = base_url.rstrip("/") + "/" + zip_path.name
    fields = {
        "description": m.get("description", ""), "about": m.get("about", ""), "version": m["version"],
        "qgis_minimum_version": m.get("qgisMinimumVersion", ""),
        "qgis_maximum_version": m.get("qgisMaximumVersion", ""), "homepage": m.get("homepage", ""),
        "file_name": zip_path.name, "icon": "", "author_name": m.get("author", ""),
        "author_email": m.get("email", ""), "download_url": url, "uploaded_by": m.get("author", ""),
        "experimental": m.get("experimental", "False"), "deprecated": m.get("deprecated", "False"),
        "trusted": "False", "tracker": m.get("tracker", ""), "repository": m.get("repository", ""),
        "tags": m.get("tags", ""), "category": m.get("category", ""), "changelog": m.get("changelog", ""),
        "server": m.get("server", "False"), "external_dependencies": "", "downloads": "0",
        "average_vote": "0", "rating_votes": "0",
    }
    body = "\n".join(f"    <{k}>{escape(v.strip())}</{k}>" for k, v in fields.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<plugins>\n'
            f'  <pyqgis_plugin name={quoteattr(m["name"])} version={quoteattr(m["version"])} plugin_id="1">\n'
            f"{body}\n  </pyqgis_plugin>\n</plugins>\n")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(__doc__.strip().splitlines()[0] + "\nusage: plugin_repository.py PLUGIN.zip BASE_URL OUT.xml",
              file=sys.stderr)
        return 2
    zip_path, base_url, out = Path(args[0]), args[1], Path(args[2])
    out.write_text(repository_xml(zip_path, base_url), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
