#!/usr/bin/env python3
"""Collect the tr("...") strings of the plugin into a Qt .ts file, keeping translations.

    python3 scripts/update_ts.py wip_qgis_plugin/i18n/wip_de.ts

Every literal passed to ``tr()`` (function or method) in wip_qgis_plugin/ outside core/ is a
message in the context ``wip``. New messages are added as unfinished, translations of known
ones are kept, messages no longer in the code are dropped. Translate with Qt Linguist or an
editor, then compile with ``make i18n`` (lrelease).
"""
from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wip_qgis_plugin"
CONTEXT = "wip"


def collect_messages(package: Path = PACKAGE) -> dict[str, tuple[str, int]]:
    """Map each tr() literal to the first (file, line) it appears at."""
    found: dict[str, tuple[str, int]] = {}
    for path in sorted(package.rglob("*.py")):
        if "core" in path.relative_to(package).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            arg = node.args[0]
            if name == "tr" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, (str(path.relative_to(ROOT)), node.lineno))
    return found


def read_translations(ts: Path) -> dict[str, str]:
    """Finished translations already in the .ts file."""
    return {source: text for source, (text, finished) in read_drafts(ts).items() if finished}


def read_drafts(ts: Path) -> dict[str, tuple[str, bool]]:
    """Every translation text in the .ts file, with whether it is finished (not ``type="unfinished"``)."""
    if not ts.exists():
        return {}
    out = {}
    for message in ET.parse(ts).getroot().iter("message"):
        source = message.findtext("source")
        element = message.find("translation")
        if source is not None and element is not None and element.text:
            out[source] = (element.text, element.get("type") not in ("unfinished", "vanished", "obsolete"))
    return out


def write_ts(ts: Path, language: str, messages: dict[str, tuple[str, int]],
             translations: dict[str, str], drafts: dict[str, str] | None = None) -> None:
    """Write the .ts: finished ``translations``; ``drafts`` (texts not yet reviewed) stay unfinished."""
    drafts = drafts or {}
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source, (filename, line) in sorted(messages.items(), key=lambda kv: kv[1]):
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "location", filename=f"../../{filename}", line=str(line))
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if source in translations:
            translation.text = translations[source]
        else:
            translation.set("type", "unfinished")
            translation.text = drafts.get(source)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                  encoding="utf-8")


def main(argv: list[str]) -> int:
    ts = Path(argv[1]) if len(argv) > 1 else PACKAGE / "i18n" / "wip_de.ts"
    language = ts.stem.split("_", 1)[1] if "_" in ts.stem else "de"
    messages = collect_messages()
    translations = read_translations(ts)
    drafts = {source: text for source, (text, finished) in read_drafts(ts).items() if not finished}
    write_ts(ts, language, messages, translations, drafts)
    todo = [m for m in messages if m not in translations]
    print(f"{ts}: {len(messages)} messages, {len(todo)} untranslated")
    for m in todo:
        print(f"  untranslated: {m!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
