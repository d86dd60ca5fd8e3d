"""The engine's messages by id: one table of wordings, rendered in the reader's language with its numbers.

The engine reports a line as ``msg("aoi_grid", n=1, width=153, ...)``: a :class:`Message`, which *is* the
English text (a ``str``, so logs, tests and the command line read it as before) and also carries its id and
parameters. Whoever shows it to a person renders it in their language with :meth:`Message.render`: the
Processing feedback in QGIS's UI language, the worker protocol passes id and parameters along. Numbers are
formatted when the line is rendered, by the language (``1,200.5`` in English, ``1.200,5`` in German), never
rematched from English text.

The wordings are in ``messages.json`` beside this module: ``{id: {"en": ..., "de": ...}}``, with
``str.format`` fields; a number field's format spec gives its digits and grouping (``{reach_m:,.0f}``), the
language its separators. Standard library only (the QGIS side imports it without the engine's packages).
"""
from __future__ import annotations

import json
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).resolve().parent / "messages.json"
LANGUAGES = ("en", "de")


@cache
def wordings() -> dict[str, dict[str, str]]:
    """The table ``{id: {language: wording}}`` (read once)."""
    with open(TABLE, encoding="utf-8") as fh:
        return json.load(fh)


def localise_number(text: str, language: str) -> str:
    """An English-formatted number (``1,234.5``) with the separators of ``language`` (German: ``1.234,5``)."""
    if language != "de":
        return text
    return text.translate(str.maketrans({",": ".", ".": ","}))


class _LocalFormatter(string.Formatter):
    """``str.format`` whose number fields take the separators of a language (and a default format)."""

    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):  # a message inside a message (a weather's name, a word) in the same language
            return format(value.render(self.language), format_spec)
        if isinstance(value, Mapping) and "en" in value:  # a value worded per language (localised())
            return format(str(value.get(self.language) or value["en"]), format_spec)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return super().format_field(value, format_spec)
        if not format_spec:
            format_spec = ",d" if isinstance(value, int) else ",.1f"
        return localise_number(format(value, format_spec), self.language)


class Message(str):
    """An engine message: the English text, with its id and parameters to render it in another language.

    Parameters
    ----------
    message_id : str
        Key of the wording table (``messages.json``).
    params : mapping
        The values of the wording's fields (JSON-able: numbers, strings, lists of strings).
    """

    id: str
    params: dict[str, Any]

    def __new__(cls, message_id: str, params: Mapping[str, Any] | None = None) -> Message:
        params = dict(params or {})
        self = super().__new__(cls, _render(message_id, params, "en"))
        self.id = message_id
        self.params = params
        return self

    def __reduce__(self):  # pickled to tile workers and back: by id and parameters
        return (Message, (self.id, self.params))

    def render(self, language: str = "en") -> str:
        """The message in ``language`` (English where the table has no wording in it)."""
        return _render(self.id, self.params, language)


def _render(message_id: str, params: Mapping[str, Any], language: str) -> str:
    entry = wordings().get(message_id)
    if entry is None:
        raise KeyError(f"engine message {message_id!r} is not in {TABLE.name}: add its wordings there")
    wording = entry.get(language) or entry["en"]
    return _LocalFormatter(language).vformat(wording, (), params)


def localised(**wordings_by_language: str) -> dict[str, str]:
    """A parameter worded per language (``localised(en="all features", de="alle Objekte")``); English is needed."""
    if "en" not in wordings_by_language:
        raise ValueError("a localised value needs its English wording (en=...)")
    return dict(wordings_by_language)


def msg(message_id: str, **params: Any) -> Message:
    """The message ``message_id`` with ``params`` (see :class:`Message`)."""
    return Message(message_id, params)


def render(message: str, language: str) -> str:
    """``message`` in ``language`` if it is a :class:`Message`, else as it is."""
    return message.render(language) if isinstance(message, Message) else message


def _params_to_wire(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: {"message_id": v.id, "params": _params_to_wire(v.params)} if isinstance(v, Message) else v
            for k, v in params.items()}


def _params_from_wire(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: Message(v["message_id"], _params_from_wire(v.get("params") or {}))
            if isinstance(v, dict) and "message_id" in v else v for k, v in params.items()}


def to_wire(message: str) -> dict[str, Any]:
    """The fields the worker protocol sends for a message (its text, and id and parameters where it has them)."""
    if isinstance(message, Message):
        return {"message": str(message), "id": message.id, "params": _params_to_wire(message.params)}
    return {"message": str(message)}


def from_wire(fields: Mapping[str, Any]) -> str:
    """A message received over the worker protocol (:func:`to_wire`): a :class:`Message` where it has an id the
    table knows (a newer engine's id is shown in its English text)."""
    text = str(fields.get("message") or "")
    message_id = fields.get("id")
    if isinstance(message_id, str) and message_id in wordings():
        try:
            return Message(message_id, _params_from_wire(fields.get("params") or {}))
        except (KeyError, IndexError, ValueError, TypeError):
            return text
    return text
