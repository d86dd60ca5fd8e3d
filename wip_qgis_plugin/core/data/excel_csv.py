"""Tables for Excel in German: a copy of each CSV with ``;`` between the fields and decimal commas.

The engine's tables stay in the plain CSV every program and the engine itself read (``,`` between the fields,
``.`` as decimal point): the profile and a rerun read them back (``reuse``). A German Excel reads such a
file as one column per line, or takes ``1.234`` for 1,234. Where the user chooses German tables (the
plugin's setting ``wip/csv_format`` = ``excel_de``, by default for the German UI; ``WIP_CSV_FORMAT=excel_de``
for the command line), every CSV a job writes gets a copy ``<name>_excel.csv`` beside it: UTF-8 with a byte
order mark (so Excel reads umlauts), ``;`` between the fields, numbers with a decimal comma and without
grouping, texts unchanged. Standard library only (the job protocol calls it).
"""
from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

CSV_FORMATS = ("standard", "excel_de")
#: A plain decimal number as the engine writes it (no grouping; an exponent allowed).
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
SUFFIX = "_excel"


def excel_cell(text: str) -> str:
    """A cell for German Excel: a number with a decimal comma, anything else as it is."""
    return text.replace(".", ",") if _NUMBER.match(text.strip()) else text


def excel_path(path: str | Path) -> Path:
    """Where the Excel copy of ``path`` goes: ``<stem>_excel.csv`` beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}{SUFFIX}{path.suffix}")


def excel_copy(path: str | Path) -> Path:
    """Write the German-Excel copy of the CSV ``path`` atomically; returns its path."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = [[excel_cell(c) for c in row] for row in csv.reader(fh)]
    target = excel_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as fh:
            csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def csv_paths(value: Any) -> list[Path]:
    """Every existing ``.csv`` file named in a job's result (nested dicts and lists of paths), not the copies."""
    found: list[Path] = []

    def walk(v: Any) -> None:
        if isinstance(v, str) and v.lower().endswith(".csv") and not v.lower().endswith(f"{SUFFIX}.csv"):
            p = Path(v)
            if p.is_file() and p not in found:
                found.append(p)
        elif isinstance(v, Mapping):
            for item in v.values():
                walk(item)
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)

    walk(value)
    return found


def excel_copies(paths: Iterable[Path]) -> list[str]:
    """The German-Excel copies of ``paths`` (existing CSV files), as strings for a job's result."""
    return [str(excel_copy(p)) for p in paths]
