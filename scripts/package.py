#!/usr/bin/env python3
"""Build the QGIS plugin zip: dist/wip_qgis_plugin.zip (Plugins → Install from ZIP).

One top folder wip_qgis_plugin/ with the code, presets, styles, icons, help, the compiled
translations (.qm, not the .ts sources) and LICENSE; no caches, no tests. Entries are sorted
and time-stamped from metadata, so the same tree gives the same zip. The zip is checked with
scripts/check_package.py (the plugin repository's rules) before it replaces the old one. Needs
only the standard library:  python3 scripts/package.py [--output dist/wip_qgis_plugin.zip]
"""
from __future__ import annotations

import argparse
import configparser
import importlib.util
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "wip_qgis_plugin"
MAX_BYTES = 25 * 1024 * 1024
EXCLUDED_DIRS = {"__pycache__", "tests", ".pytest_cache", ".ruff_cache"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo", ".ts", ".orig", ".rej", ".swp"}
REQUIRED_METADATA = ("name", "qgisMinimumVersion", "qgisMaximumVersion", "description", "about", "version",
                     "author", "email", "tracker", "repository", "homepage")
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def plugin_files(src: Path) -> list[Path]:
    """Files of the plugin folder that belong in the zip, sorted."""
    files = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_dir() or any(p in EXCLUDED_DIRS or p.startswith(".") for p in rel.parts):
            continue
        if path.suffix in EXCLUDED_SUFFIXES or path.name.endswith(".egg-info"):
            continue
        files.append(path)
    return files


def check_sources(src: Path) -> list[str]:
    """Problems that make the plugin unusable once installed."""
    problems = []
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(src / "metadata.txt", encoding="utf-8")
    missing = [k for k in REQUIRED_METADATA if not meta.has_option("general", k)]
    if missing:
        problems.append(f"metadata.txt lacks {', '.join(missing)}")
    icon = meta.get("general", "icon", fallback="")
    if icon and not (src / icon).is_file():
        problems.append(f"metadata.txt names icon {icon!r}, which does not exist")
    for ts in sorted((src / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.is_file():
            problems.append(f"{qm.relative_to(ROOT)} is missing: run `make i18n` (lrelease)")
    return problems


def build(output: Path, src: Path = ROOT / PACKAGE) -> Path:
    problems = check_sources(src)
    if problems:
        raise SystemExit("Cannot package the plugin:\n" + "\n".join(f"  - {p}" for p in problems))
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        entries = [(f, f"{PACKAGE}/{f.relative_to(src).as_posix()}") for f in plugin_files(src)]
        entries.append((ROOT / "LICENSE", f"{PACKAGE}/LICENSE"))
        for path, arcname in sorted(entries, key=lambda e: e[1]):
            info = zipfile.ZipInfo(arcname, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    size = tmp.stat().st_size
    if size > MAX_BYTES:
        tmp.unlink()
        raise SystemExit(f"The zip would be {size / 2**20:.1f} MB; the plugin repository allows 25 MB.")
    problems = _check_package().check_zip(tmp)
    if problems:
        tmp.unlink()
        raise SystemExit("The zip would not pass the plugin repository's checks:\n"
                         + "\n".join(f"  - {p}" for p in problems))
    tmp.replace(output)
    return output


def _check_package():
    """scripts/check_package.py as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("check_package", Path(__file__).resolve().parent / "check_package.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "dist" / f"{PACKAGE}.zip")
    args = parser.parse_args(argv)
    out = build(args.output)
    with zipfile.ZipFile(out) as zf:
        n = len(zf.namelist())
    print(f"{out}: {n} files, {out.stat().st_size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
