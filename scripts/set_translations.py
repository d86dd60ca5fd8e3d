#!/usr/bin/env python3
"""Add reviewed German translations to the .ts file and recompile the .qm.

    python3 scripts/set_translations.py translations.json [wip_qgis_plugin/i18n/wip_de.ts]

``translations.json`` maps English source strings (as passed to ``tr()``) to their translation.
The .ts is first brought up to date with the code (as ``scripts/update_ts.py`` does); the given
translations are then stored as finished, and the .qm is compiled with ``lrelease`` when it is
installed. Entries for strings that are not (or no longer) in the code are reported and skipped.
Several people translating at once: run it under ``flock /tmp/wip-ts.lock``.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from update_ts import PACKAGE, collect_messages, read_drafts, read_translations, write_ts  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    given: dict[str, str] = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    ts = Path(argv[2]) if len(argv) > 2 else PACKAGE / "i18n" / "wip_de.ts"
    language = ts.stem.split("_", 1)[1] if "_" in ts.stem else "de"
    messages = collect_messages()
    translations = read_translations(ts)
    unknown = sorted(source for source in given if source not in messages)
    translations.update({source: text for source, text in given.items() if source in messages and text})
    drafts = {source: text for source, (text, finished) in read_drafts(ts).items()
              if not finished and source not in translations}
    write_ts(ts, language, messages, translations, drafts)
    for source in unknown:
        print(f"  not in the code (skipped): {source!r}")
    todo = [m for m in messages if m not in translations]
    print(f"{ts}: {len(messages)} messages, {len(todo)} untranslated")
    for source in todo:
        print(f"  untranslated: {source!r}")
    lrelease = shutil.which("lrelease")
    if lrelease:
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    else:
        print("lrelease not found (apt install qttools5-dev-tools): the .qm was not recompiled", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
