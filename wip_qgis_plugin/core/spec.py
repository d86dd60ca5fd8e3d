"""The toolkit every configuration file of the engine is read with.

Catalogues, source profiles, turbines, PV systems, demand and grid presets and scenarios are YAML
files that users edit by hand. Each loader reads its file with :func:`read_yaml`, walks the raw
mapping, and collects **every** problem it finds in a :class:`Problems` collector, each with its
place in the file (``criteria[3].buffer``), before it raises one :class:`~.errors.SpecError` that
lists them all. The small readers here (:func:`read_label`, :func:`read_date`, :func:`read_quantity`,
:func:`items_with_ids`, :meth:`Problems.unknown_keys`) append to the collector instead of raising, so one pass reports
everything.

This module may import only the standard library, PyYAML, :mod:`.errors` and :mod:`.units`.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError, spec_error
from .plain import to_plain  # noqa: F401 - the toolkit's to_plain (one implementation, standard library only)
from .units import parse_quantity

#: Folder of the presets shipped with the plugin (catalogues, turbines, PV systems, grid, demand).
PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"


def suggest(word: object, choices: Iterable[object]) -> str:
    """A ``" (did you mean 'x'?)"`` hint for a misspelt word, or ``""`` if nothing is close.

    Parameters
    ----------
    word : object
        What the user wrote.
    choices : iterable
        The accepted words.
    """
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def json_roundtrip(raw: Any) -> Any:
    """``raw`` through JSON (dates and other objects as strings): a deep, plain copy of a YAML tree."""
    return json.loads(json.dumps(raw, default=str))


@dataclass(frozen=True)
class Label:
    """A name shown to people, in German and English.

    Attributes
    ----------
    de, en : str
        The German and the English text.
    """

    de: str
    en: str

    def get(self, language: str = "de") -> str:
        """The text in ``language`` (``"en"``: English; anything else: German)."""
        return self.en if language == "en" else self.de


class Problems:
    """Collects the problems of one configuration file, each with its place in the file.

    Parameters
    ----------
    kind : str
        What the file is, as :class:`~.errors.SpecError` names it (``"Criteria catalogue"``,
        ``"Turbine file"`` …).
    source : str
        The file or preset the problems are in.

    Examples
    --------
    >>> p = Problems("Scenario", "s.yaml")
    >>> p.unknown_keys({"resolutoin_m": 10}, {"resolution_m"}, "")
    >>> p.messages
    ["resolutoin_m: unknown key (did you mean 'resolution_m'?)"]
    """

    def __init__(self, kind: str, source: str):
        self.kind = kind
        self.source = source
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def __iter__(self) -> Iterator[str]:
        return iter(self.messages)

    def add(self, message: str) -> None:
        """Record one problem (already prefixed with its place)."""
        self.messages.append(message)

    def append(self, message: str) -> None:
        """Alias of :meth:`add`, so a collector can stand where a ``list[str]`` of problems did."""
        self.add(message)

    def extend(self, messages: Iterable[str]) -> None:
        """Record several problems."""
        self.messages.extend(messages)

    def unknown_keys(self, raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        """Record every key of ``raw`` that is not in ``allowed``, with a suggestion.

        Parameters
        ----------
        raw : mapping
            The mapping as written in the file.
        allowed : iterable of str
            The keys the schema knows.
        where : str
            Prefix of the place, ending in ``.`` (or empty for the top level).
        """
        unknown_keys(raw, allowed, where, self.messages)

    def error(self) -> SpecError:
        """The :class:`~.errors.SpecError` listing every problem recorded."""
        return spec_error(self.kind, self.source, self.messages)

    def raise_if_any(self) -> None:
        """Raise :meth:`error` if any problem was recorded.

        Raises
        ------
        SpecError
            Listing every problem.
        """
        if self.messages:
            raise self.error()


def unknown_keys(raw: Mapping[str, Any], allowed: Iterable[str], where: str, problems: list[str]) -> None:
    """Append ``"<where><key>: unknown key (did you mean …?)"`` for every key not in ``allowed``.

    The functional form of :meth:`Problems.unknown_keys`, for loaders that collect problems in a
    plain list.
    """
    allowed = set(allowed)
    for key in raw:
        if key not in allowed:
            problems.append(f"{where}{key}: unknown key{suggest(key, sorted(allowed))}")


def items_with_ids(raw: Any, where: str, problems: list[str] | Problems,
                   what: str = "items") -> Iterator[tuple[str, dict[str, Any]]]:
    """Each mapping of a non-empty list of mappings with unique ids, with its place in the file.

    The place of an item is ``where[i]``, or ``where[i] (id)`` once the item has a text ``id``, so
    every later problem of the item names it. Appends, as it goes:

    - ``"<where>: a non-empty list of <what> is required"`` if ``raw`` is not a non-empty list
      (and yields nothing);
    - ``"<where>[i]: must be a mapping"`` for an item that is not one (and skips it);
    - ``"<where>[i] (id).id: 'id' is used twice"`` for the second item with an id (and still yields it).

    Parameters
    ----------
    raw : object
        The list as written in the file.
    where : str
        Its place (``levels``, ``suitability.criteria`` …).
    problems : list of str or Problems
        Where the problems go.
    what : str
        What the items are, for the message of a missing list (``connection levels`` …).

    Yields
    ------
    tuple of (str, dict)
        The place of the item and the item.

    Examples
    --------
    >>> p = []
    >>> [w for w, _ in items_with_ids([{"id": "a"}, 3, {"id": "a"}], "levels", p)]
    ['levels[0] (a)', 'levels[2] (a)']
    >>> p
    ['levels[1]: must be a mapping', "levels[2] (a).id: 'a' is used twice"]
    """
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: a non-empty list of {what} is required")
        return
    seen: set[str] = set()
    for i, item in enumerate(raw):
        place = f"{where}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{place}: must be a mapping")
            continue
        item_id = item.get("id")
        if isinstance(item_id, str):
            place = f"{where}[{i}] ({item_id})"
            if item_id in seen:
                problems.append(f"{place}.id: {item_id!r} is used twice")
            seen.add(item_id)
        yield place, item


def read_label(value: Any, where: str, problems: list[str] | Problems) -> Label:
    """A :class:`Label` from ``{de: …, en: …}``; a problem (and an empty label) otherwise."""
    if isinstance(value, Mapping) and isinstance(value.get("de"), str) and isinstance(value.get("en"), str):
        return Label(value["de"], value["en"])
    problems.append(f"{where}: needs a German and an English text, e.g. {{de: '…', en: '…'}}")
    return Label("", "")


def read_date(value: Any, where: str, problems: list[str] | Problems) -> dt.date | None:
    """A date from a YAML date or an ISO string ``YYYY-MM-DD``; a problem (and None) otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date; write YYYY-MM-DD")
        return None


def read_quantity(value: Any, unit: str, where: str, problems: list[str] | Problems) -> float | None:
    """A value in the canonical ``unit`` (see :func:`~.units.parse_quantity`); a problem (and None) if unreadable."""
    try:
        return parse_quantity(value, unit)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return None


#: Largest configuration file read. [bytes] Catalogues and scenarios are a few kB; more is not a configuration.
MAX_YAML_BYTES = 5_000_000
#: Largest number of values a YAML file may expand to with its aliases resolved ("billion laughs" guard).
MAX_YAML_NODES = 1_000_000
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 13))


class SpecWarning(UserWarning):
    """Something about a configuration file the user should know, read all the same (e.g. its encoding)."""


def _place(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - data.rfind(b"\n", 0, offset)
    return f"line {line}, column {column}"


def decode_text(data: bytes, origin: str) -> tuple[str, str | None]:
    """Text of a configuration file: UTF-8 with or without a byte-order mark, else Windows-1252/Latin-1.

    Returns the text and a note when it was not UTF-8; raises ValueError (with the line and column of the
    first byte that is no text) for a binary file.
    """
    bad = next((k for k, b in enumerate(data) if b in _CONTROL), None)
    if bad is not None:
        raise ValueError(f"not a text file: byte {data[bad]:#04x} at {_place(data, bad)}; save it as UTF-8 text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        where = _place(data, exc.start)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, (f"{origin} is not UTF-8 (first non-UTF-8 byte at {where}); read as Windows-1252/Latin-1 — "
                  "check umlauts in names and save it as UTF-8")


def _duplicate_keys(node: Any, out: list[str], seen: set[int]) -> list[str]:
    """A problem for every key written twice in one mapping (YAML would silently keep the last), with its line."""
    if id(node) in seen:
        return out
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in keys:
                    out.append(f"line {key.start_mark.line + 1}: the key {key.value!r} is written twice in one "
                               f"mapping (first on line {keys[key.value]}); YAML would keep only the last — merge them")
                else:
                    keys[key.value] = key.start_mark.line + 1
            _duplicate_keys(value, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _duplicate_keys(item, out, seen)
    return out


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """Values a YAML node stands for with every alias expanded (memoised: shared nodes are counted, not walked)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[key] = min(size, 10 * MAX_YAML_NODES)
    return memo[key]


def read_yaml(path: Path | str, origin: str, kind: str = "Configuration file") -> Any:
    """The content of a YAML file, read within bounds.

    UTF-8 (with or without BOM) is read as it is; Windows-1252/Latin-1 is read with a :class:`SpecWarning`; a binary
    file, a file over :data:`MAX_YAML_BYTES` or one whose aliases expand to more than :data:`MAX_YAML_NODES` values
    is refused before anything is built; an impossible value (``2024-13-45``) is a problem with its place.

    Parameters
    ----------
    path : path
        The file.
    origin : str
        How the file is named in messages (``preset wind_sachsen``, a path …).
    kind : str
        What the file is, for the error (``"Criteria catalogue"``, ``"Turbine file"`` …).

    Raises
    ------
    SpecError
        If the file cannot be read or is not valid YAML, naming ``origin`` and the line and column.
    """
    try:
        size = Path(path).stat().st_size
        if size > MAX_YAML_BYTES:
            raise spec_error(kind, origin, [f"{size:,} bytes is too large for a configuration file (at most "
                                            f"{MAX_YAML_BYTES:,}); is it the right file?"])
        data = Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise spec_error(kind, origin, ["is a folder, not a file"]) from exc
    except OSError as exc:
        raise spec_error(kind, origin, [f"cannot be read ({exc.strerror or exc})"]) from exc
    try:
        text, note = decode_text(data, origin)
    except ValueError as exc:
        raise spec_error(kind, origin, [str(exc)]) from exc
    if note:
        warnings.warn(note, SpecWarning, stacklevel=2)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_YAML_NODES:
            raise spec_error(kind, origin, [f"its aliases (*name) expand to more than {MAX_YAML_NODES:,} values; "
                                            "write the values out or use fewer nested aliases"])
        twice = _duplicate_keys(node, [], set())
        if twice:
            raise spec_error(kind, origin, twice)
        return loader.construct_document(node)
    except SpecError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise spec_error(kind, origin, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from exc
    except (ValueError, TypeError, OverflowError) as exc:  # a date 2024-13-45, a number out of range …
        raise spec_error(kind, origin, [f"a value cannot be read ({exc}); check dates (YYYY-MM-DD) and numbers"]) \
            from exc
    finally:
        loader.dispose()


def preset_path(ref: str | Path, suffixes: tuple[str, ...] = (".yaml", ".yml"),
                folder: Path = PRESET_DIR) -> Path | None:
    """The shipped preset named ``ref`` (an id, no folder or suffix), or None if ``ref`` is a path or unknown."""
    if not isinstance(ref, str) or "/" in ref or "\\" in ref or ref.endswith(suffixes):
        return None
    for suffix in suffixes:
        candidate = folder / f"{ref}{suffix}"
        if candidate.exists():
            return candidate
    return None
