#!/usr/bin/env python3
"""Check a plugin zip against the rules of the QGIS plugin repository (standard library only).

    python3 scripts/check_package.py dist/wip_qgis_plugin.zip

What plugins.qgis.org refuses or warns about, checked before uploading:

* one top folder, named like a Python package, holding ``__init__.py`` with ``classFactory``;
* ``metadata.txt`` with the required fields, each valid: name, qgisMinimumVersion,
  qgisMaximumVersion, description, about, version, author, email, tracker, repository, homepage
  (URLs are http(s), versions are dotted numbers, minimum ≤ maximum, flags are True/False);
  the icon it names is in the zip;
* a ``LICENSE`` file in the top folder;
* no caches or build leftovers (``__pycache__``, ``.pyc``, ``.git``, ``__MACOSX``, hidden files),
  no binaries other than images and compiled translations (``.qm``); text files contain no NUL;
* the zip smaller than 25 MB; no absolute or ``..`` paths; no damaged member (CRC);
* no executable or library by content (ELF, PE, Mach-O), whatever its name;
* metadata.txt readable with the repository's parser (ConfigParser with interpolation: a lone '%'
  fails the upload), no '/' in author, no template placeholder URLs.

Not checked here: that the tracker, repository and homepage URLs answer (the repository requests them;
this check runs offline).

Exit code 1 and one line per problem if anything fails.
"""
from __future__ import annotations

import configparser
import io
import re
import sys
import zipfile
from pathlib import Path, PurePosixPath

MAX_BYTES = 25 * 1024 * 1024
REQUIRED_FIELDS = ("name", "qgisMinimumVersion", "qgisMaximumVersion", "description", "about", "version",
                   "author", "email", "tracker", "repository", "homepage")
URL_FIELDS = ("tracker", "repository", "homepage")
BOOLEAN_FIELDS = ("experimental", "deprecated", "server")
TEXT_SUFFIXES = {".py", ".txt", ".md", ".rst", ".json", ".yaml", ".yml", ".qml", ".sld", ".svg", ".ui", ".qrc",
                 ".html", ".htm", ".css", ".csv", ".cfg", ".ini", ".xml", ".model3"}
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".qm"}
PLAIN_NAMES = {"LICENSE", "LICENCE", "COPYING", "README", "CHANGELOG", "AUTHORS"}
FORBIDDEN_PARTS = {"__pycache__", "__MACOSX", ".git", ".svn", ".hg", ".idea", ".vscode", ".pytest_cache",
                   ".ruff_cache", ".mypy_cache"}
VERSION = re.compile(r"^\d+(\.\d+){1,2}$")
PLUGIN_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?([.-]?(alpha|beta|rc|dev|a|b)\d*)?$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$")
PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PLACEHOLDER_URLS = {"http://bugs", "http://repo", "http://homepage"}
#: Magic numbers of executables and libraries (ELF, PE/DLL, Mach-O), refused whatever the file is called.
EXECUTABLE_MAGIC = (b"\x7fELF", b"MZ", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe",
                    b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def repository_parse_problems(text: str) -> list[str]:
    """metadata.txt read the way plugins.qgis.org reads it: a ConfigParser with its default interpolation,
    so a lone '%' (e.g. "30 % less") makes the upload fail although QGIS itself reads the file."""
    parser = configparser.ConfigParser()
    parser.optionxform = str
    try:
        parser.read_string(text)
        parser.items("general")
    except (configparser.Error, KeyError) as exc:
        return [f"metadata.txt: the plugin repository cannot read it ({type(exc).__name__}: {exc}); "
                "write a literal % as %%"]
    return []


def check_metadata(text: str, names: set[str], top: str) -> list[str]:
    """Problems of metadata.txt."""
    meta = configparser.ConfigParser(interpolation=None)
    try:
        meta.read_string(text)
    except configparser.Error as exc:
        return [f"metadata.txt cannot be read: {exc}"]
    if not meta.has_section("general"):
        return ["metadata.txt has no [general] section"]
    general = meta["general"]
    problems = [f"metadata.txt: {key} is missing or empty" for key in REQUIRED_FIELDS
                if not general.get(key, "").strip()]
    for key in ("qgisMinimumVersion", "qgisMaximumVersion"):
        value = general.get(key, "").strip()
        if value and not VERSION.match(value):
            problems.append(f"metadata.txt: {key}={value!r} is not a version like 3.22")
    low, high = general.get("qgisMinimumVersion", "").strip(), general.get("qgisMaximumVersion", "").strip()
    if VERSION.match(low) and VERSION.match(high) and _version_tuple(low) > _version_tuple(high):
        problems.append(f"metadata.txt: qgisMinimumVersion {low} is above qgisMaximumVersion {high}")
    version = general.get("version", "").strip()
    if version and not PLUGIN_VERSION.match(version):
        problems.append(f"metadata.txt: version={version!r} is not a version like 1.2.3")
    email = general.get("email", "").strip()
    if email and not EMAIL.match(email):
        problems.append(f"metadata.txt: email={email!r} is not an e-mail address")
    for key in URL_FIELDS:
        value = general.get(key, "").strip()
        if value and not URL.match(value):
            problems.append(f"metadata.txt: {key}={value!r} is not an http(s) URL")
    for key in BOOLEAN_FIELDS:
        value = general.get(key, "").strip()
        if value and value.lower() not in ("true", "false"):
            problems.append(f"metadata.txt: {key}={value!r} must be True or False")
    provider = general.get("hasProcessingProvider", "").strip()
    if provider and provider.lower() not in ("yes", "no", "true", "false"):
        problems.append(f"metadata.txt: hasProcessingProvider={provider!r} must be yes or no")
    if len(general.get("description", "")) > 1000:
        problems.append("metadata.txt: description is longer than a short sentence or two; put details in about")
    if "/" in general.get("author", ""):
        problems.append("metadata.txt: author must not contain '/' (the plugin repository refuses it)")
    for key in URL_FIELDS:
        if general.get(key, "").strip().rstrip("/") in PLACEHOLDER_URLS:
            problems.append(f"metadata.txt: {key} is the template's placeholder URL")
    problems += repository_parse_problems(text)
    icon = general.get("icon", "").strip()
    if icon and f"{top}/{icon}" not in names:
        problems.append(f"metadata.txt: icon={icon!r} is not in the zip")
    return problems


def check_zip(path: Path) -> list[str]:
    """Every problem the plugin repository would find in the zip."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return [f"{path} is not a zip file"]
    problems = []
    size = path.stat().st_size
    if size >= MAX_BYTES:
        problems.append(f"the zip has {size / 2**20:.1f} MB; the plugin repository takes less than 25 MB")
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
        if len(tops) != 1:
            return problems + [f"the zip must hold exactly one top folder, it holds: {', '.join(sorted(tops))}"]
        top = tops.pop()
        if not PACKAGE_NAME.match(top):
            problems.append(f"top folder {top!r} is not a valid Python package name")
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or ":" in parts[0]:
                problems.append(f"{name}: absolute or parent path")
            bad = [p for p in parts if p in FORBIDDEN_PARTS or (p.startswith(".") and p not in (".", ".."))]
            if bad:
                problems.append(f"{name}: {bad[0]} must not be in the zip")
                continue
            if info.is_dir():
                continue
            suffix = PurePosixPath(name).suffix.lower()
            with zf.open(info) as f:
                disguised = f.read(4).startswith(EXECUTABLE_MAGIC)
            if disguised and (suffix in BINARY_SUFFIXES or suffix in TEXT_SUFFIXES or parts[-1] in PLAIN_NAMES):
                problems.append(f"{name}: an executable or library (by its content) under an allowed name; "
                                "no binaries in the zip")
                continue
            if suffix in (".pyc", ".pyo"):
                problems.append(f"{name}: compiled Python must not be in the zip")
            elif suffix in BINARY_SUFFIXES:
                continue
            elif suffix in TEXT_SUFFIXES or (not suffix and parts[-1] in PLAIN_NAMES):
                if b"\0" in zf.read(info):
                    problems.append(f"{name}: a binary file with a text suffix")
            else:
                problems.append(f"{name}: a {suffix or 'suffix-less'} file; only sources, styles, images and "
                                ".qm translations belong in the zip (no executables or libraries)")
        bad = zf.testzip()
        if bad:
            problems.append(f"{bad}: damaged in the zip (CRC error)")
        for required in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{top}/{required}" not in names:
                problems.append(f"{top}/{required} is missing")
        if f"{top}/__init__.py" in names and b"def classFactory" not in zf.read(f"{top}/__init__.py"):
            problems.append(f"{top}/__init__.py defines no classFactory(iface)")
        if f"{top}/metadata.txt" in names:
            text = io.TextIOWrapper(zf.open(f"{top}/metadata.txt"), encoding="utf-8").read()
            problems += check_metadata(text, names, top)
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.splitlines()[0] + "\nusage: check_package.py PLUGIN.zip", file=sys.stderr)
        return 2
    problems = check_zip(Path(args[0]))
    for problem in problems:
        print(f"{args[0]}: {problem}")
    print(f"check_package: {len(problems)} problem(s) in {args[0]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
