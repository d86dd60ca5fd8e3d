"""The words of the data check (:mod:`.check`) in English and German, and its readable table.

Standard library only: the plugin's log (``feedback.py``) translates the check's lines with
:func:`translate_check_line` even where QGIS's Python lacks the engine's packages, and the CLI and
the algorithm print :func:`table_lines` from the job's JSON result.

Each message is a template per language; its fields are filled with values (numbers are formatted
with the field's spec, with German separators in German: ``4.229`` and ``99,1``). An English line
of the engine is turned back into its fields by a pattern built from the English template, so the
German wording is written once, here.
"""
from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Languages of the texts.
LANGUAGES = ("en", "de")
#: Prefix of the check's lines in the log of a run.
LINE_PREFIX = {"en": "Data check: ", "de": "Datenprüfung: "}

#: Message templates by code: ``{code: {"en": …, "de": …}}``.
TEMPLATES: dict[str, dict[str, str]] = {
    "not_assessed": {
        "en": "criterion '{criterion}' would be NOT ASSESSED: {reason}; give a layer for role '{role}' or bind one "
              "to the criterion.",
        "de": "Kriterium „{criterion}“ würde NICHT GEPRÜFT: {reason}; geben Sie eine Ebene für die Rolle „{role}“ an "
              "oder binden Sie eine an das Kriterium."},
    "no_match": {
        "en": "criterion '{criterion}': none of the {in_reach:,} feature(s) of '{role}' within reach matches "
              "{filter}; check the layer's values against the filter.",
        "de": "Kriterium „{criterion}“: keines der {in_reach:,} Objekte von „{role}“ in Reichweite erfüllt "
              "{filter}; prüfen Sie die Werte der Ebene gegen den Filter."},
    "nothing_in_reach": {
        "en": "criterion '{criterion}': the layer of '{role}' has no feature within {buffer_m:,.0f} m of the area; "
              "check its extent and CRS.",
        "de": "Kriterium „{criterion}“: die Ebene für „{role}“ hat kein Objekt im Umkreis von {buffer_m:,.0f} m um "
              "das Gebiet; prüfen Sie ihre Ausdehnung und ihr KBS."},
    "empty_layer": {
        "en": "layer {layer} of '{role}' holds no feature: {criteria} exclude nothing (read as 'no such features'); "
              "if the source simply lacks these data, give a layer that has them.",
        "de": "Ebene {layer} für „{role}“ enthält kein Objekt: {criteria} schließen nichts aus (gelesen als „keine "
              "solchen Objekte“); fehlen die Daten nur in der Quelle, geben Sie eine Ebene an, die sie enthält."},
    "dwelling_share": {
        "en": "criterion '{criterion}': only {matched:,} of {in_reach:,} buildings within reach ({share_pct:.1f} %) "
              "match its dwelling filter; OSM tags most buildings building=yes, so the setback to dwellings would "
              "miss most of them; use the catalogue's dwelling rule (dwellings: possible).",
        "de": "Kriterium „{criterion}“: nur {matched:,} von {in_reach:,} Gebäuden in Reichweite ({share_pct:.1f} %) "
              "erfüllen seinen Wohngebäude-Filter; OSM erfasst die meisten Gebäude als building=yes, der Abstand "
              "zu Wohngebäuden verfehlte also die meisten; nutzen Sie die Wohngebäude-Regel des Katalogs "
              "(dwellings: possible)."},
    "building_yes_share": {
        "en": "{count:,} of the {total:,} buildings of the layer ({share_pct:.1f} %) are tagged building=yes (use "
              "unknown); {consequence}.",
        "de": "{count:,} der {total:,} Gebäude der Ebene ({share_pct:.1f} %) sind building=yes (Nutzung "
              "unbekannt); {consequence}."},
    "building_yes_rule": {
        "en": "the catalogue's dwelling rule treats them as {treatment}",
        "de": "die Wohngebäude-Regel des Katalogs behandelt sie als {treatment}"},
    "building_yes_filter": {
        "en": "a filter listing residential values ({criteria}) misses them",
        "de": "ein Filter mit Wohnnutzungen ({criteria}) verfehlt sie"},
    "treatment_dwelling": {"en": "possible dwellings", "de": "mögliche Wohngebäude"},
    "treatment_not_dwelling": {"en": "not dwellings", "de": "keine Wohngebäude"},
    "no_landuse": {
        "en": "{share_pct:.1f} % of the area ({uncovered_ha:,.1f} of {total_ha:,.1f} ha) lies in no land-use polygon "
              "at all; criteria on land use see nothing there (incomplete mapping?).",
        "de": "{share_pct:.1f} % des Gebiets ({uncovered_ha:,.1f} von {total_ha:,.1f} ha) liegen in keiner "
              "Flächennutzungs-Fläche; Kriterien zur Flächennutzung sehen dort nichts (unvollständige Kartierung?)."},
    "crs_missing": {
        "en": "layer {layer} has no coordinate reference system; the run refuses it: assign its CRS (QGIS: Layer "
              "Properties → Source → Assigned CRS) and save it.",
        "de": "Ebene {layer} hat kein Koordinatenbezugssystem; der Lauf lehnt sie ab: weisen Sie ihr KBS zu (QGIS: "
              "Layer-Eigenschaften → Quelle → KBS zuweisen) und speichern Sie sie."},
    "crs_geographic": {
        "en": "layer {layer} is in the geographic CRS {crs} (degrees); it is reprojected to {working_crs}, but "
              "check that the coordinates really are longitudes and latitudes.",
        "de": "Ebene {layer} liegt im geografischen KBS {crs} (Grad); sie wird nach {working_crs} umprojiziert; "
              "prüfen Sie, ob die Koordinaten wirklich Längen und Breiten sind."},
    "invalid_geometries": {
        "en": "layer {layer}: {count:,} invalid geometr(y/ies) within reach ({where}); repair them (QGIS: Fix "
              "geometries) or run with --invalid-geometries repair.",
        "de": "Ebene {layer}: {count:,} ungültige Geometrie(n) in Reichweite ({where}); reparieren Sie sie (QGIS: "
              "Geometrien reparieren) oder rechnen Sie mit --invalid-geometries repair."},
    "null_names": {
        "en": "layer {layer}: {count:,} feature(s) with no name in field '{field}' ({where}); they are labelled by "
              "their key or refused, and cannot be selected by name.",
        "de": "Ebene {layer}: {count:,} Objekt(e) ohne Namen im Feld „{field}“ ({where}); sie werden mit ihrem "
              "Schlüssel bezeichnet oder abgelehnt und sind nicht per Name wählbar."},
    "missing_field": {
        "en": "layer {layer} of '{role}' has no field '{field}' that criterion '{criterion}' filters on{hint}; "
              "the run refuses it: rename the field or adapt the filter.",
        "de": "Ebene {layer} für „{role}“ hat kein Feld „{field}“, nach dem Kriterium „{criterion}“ filtert{hint}; "
              "der Lauf lehnt sie ab: benennen Sie das Feld um oder passen Sie den Filter an."},
    "near_miss": {
        "en": "'{field}={value}' ({count:,} feature(s) of '{role}' within reach) is close to '{known}', which "
              "{criteria} select(s), but does not match it; correct the value or add it to the filter.",
        "de": "„{field}={value}“ ({count:,} Objekt(e) von „{role}“ in Reichweite) ähnelt „{known}“, das {criteria} "
              "auswählt, passt aber nicht; korrigieren Sie den Wert oder ergänzen Sie den Filter."},
    "unreadable": {
        "en": "layer {layer} of '{role}' cannot be read: {reason}.",
        "de": "Ebene {layer} für „{role}“ ist nicht lesbar: {reason}."},
    # progress lines
    "progress_aoi": {"en": "Reading the area of interest", "de": "Lese das Untersuchungsgebiet"},
    "progress_layer": {"en": "Checking layer '{role}'", "de": "Prüfe Ebene „{role}“"},
    "progress_landuse": {"en": "Land-use coverage", "de": "Abdeckung durch Flächennutzung"},
    "summary": {
        "en": "{n_criteria} criteria checked, {n_not_assessed} would not be assessed, {n_warnings} warning(s).",
        "de": "{n_criteria} Kriterien geprüft, {n_not_assessed} würden nicht geprüft, {n_warnings} Warnung(en)."},
}

#: Words of the table.
WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Data check of catalogue {catalogue}: {n_areas} area(s), {total_ha} ha",
              "de": "Datenprüfung für Katalog {catalogue}: {n_areas} Gebiet(e), {total_ha} ha"},
    "criterion": {"en": "criterion", "de": "Kriterium"},
    "kind": {"en": "kind", "de": "Art"},
    "role": {"en": "role", "de": "Rolle"},
    "matched": {"en": "matched / in reach", "de": "passend / in Reichweite"},
    "area_ha": {"en": "area ha", "de": "Fläche ha"},
    "length_km": {"en": "length km", "de": "Länge km"},
    "status": {"en": "status", "de": "Status"},
    "assessed": {"en": "assessed", "de": "geprüft"},
    "not_assessed": {"en": "NOT ASSESSED", "de": "NICHT GEPRÜFT"},
    "unreadable": {"en": "unreadable", "de": "nicht lesbar"},
    "raster": {"en": "raster (not checked)", "de": "Raster (nicht geprüft)"},
    "warnings": {"en": "Warnings ({n})", "de": "Warnungen ({n})"},
    "no_warnings": {"en": "No warnings.", "de": "Keine Warnungen."},
    "uncovered": {"en": "area in no land-use polygon: {pct} %", "de": "Fläche ohne Flächennutzung: {pct} %"},
}


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


def localise_number(text: str, language: str) -> str:
    """An English-formatted number (``4,229.5``) with the separators of ``language`` (de: ``4.229,5``)."""
    if _language(language) != "de":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class _Formatter(string.Formatter):
    def __init__(self, language: str):
        self.language = _language(language)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            text = str(value)
            return localise_number(text, self.language) if _NUMBER.fullmatch(text) else text
        return localise_number(format(value, format_spec), self.language)


_NUMBER = re.compile(r"[-+]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[-+]?\d+(?:\.\d+)?")


def render(code: str, params: Mapping[str, Any], language: str = "en") -> str:
    """The message ``code`` in ``language`` with its fields filled (numbers localised).

    A field's value may be a message of its own, ``(code, params)``, rendered in the same language.
    """
    template = TEMPLATES[code][_language(language)]
    values = {k: render(v[0], v[1], language) if isinstance(v, tuple) and len(v) == 2 and v[0] in TEMPLATES else v
              for k, v in params.items()}
    return _Formatter(language).vformat(template, (), values)


def word(key: str, language: str = "en", **params: Any) -> str:
    """A word or heading of the table in ``language``."""
    return WORDS[key][_language(language)].format(**params)


def _pattern(template: str) -> tuple[re.Pattern[str], list[str]]:
    parts, names = [], []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            group = f"f{len(names)}"
            names.append(name)
            parts.append(f"(?P<{group}>.+?)")
    return re.compile("^" + "".join(parts) + "$", re.S), names


_PATTERNS: list[tuple[str, re.Pattern[str], list[str]]] = []


def translate_check_line(message: str, language: str) -> str | None:
    """A line of the check (English, with or without :data:`LINE_PREFIX`) in ``language``; None if it is none.

    Examples
    --------
    >>> translate_check_line("Checking layer 'roads'", "de")
    'Prüfe Ebene „roads“'
    """
    if not _PATTERNS:
        for code, texts in TEMPLATES.items():
            _PATTERNS.append((code, *_pattern(texts["en"])))
    prefix = ""
    body = message
    if message.startswith(LINE_PREFIX["en"]):
        prefix, body = LINE_PREFIX[_language(language)], message[len(LINE_PREFIX["en"]):]
    text = _translate(body, language, 0)
    return None if text is None else prefix + text


def _translate(body: str, language: str, depth: int) -> str | None:
    for code, pat, names in _PATTERNS:
        m = pat.match(body)
        if m:
            values = {}
            for i, name in enumerate(names):  # a field may hold a message of its own (building_yes_rule …)
                value = m.group(f"f{i}")
                values[name] = (_translate(value, language, depth + 1) if depth < 2 else None) or value
            return render(code, values, language)
    return None


@dataclass
class DataWarning:
    """One finding of the data check.

    Attributes
    ----------
    code : str
        What was found: a key of :data:`TEMPLATES` (``no_match``, ``building_yes_share`` …).
    criterion : str
        The criterion (or criteria, comma-separated) it concerns; "" for a layer finding.
    role, layer : str
        The layer role and the layer (``path|layername=…``) it concerns.
    count : int or None
        How many features.
    share_pct : float or None
        Their share. [%]
    value, known_value : str
        The value found and, for a near miss, the value of the filter it resembles.
    where : str
        The first features concerned (``fid 12 (681234, 5541234), …``).
    params : dict
        The fields of the message template.
    """

    code: str
    criterion: str = ""
    role: str = ""
    layer: str = ""
    count: int | None = None
    share_pct: float | None = None
    value: str = ""
    known_value: str = ""
    where: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str = "en") -> str:
        """The message in ``language``."""
        return render(self.code, self.params, language)

    def line(self) -> str:
        """The English line of the log (``Data check: …``), translated in QGIS by :func:`translate_check_line`."""
        return LINE_PREFIX["en"] + self.text("en")

    def to_json(self) -> dict[str, Any]:
        """JSON data: the fields, and the message in every language."""
        return {"code": self.code, "criterion": self.criterion, "role": self.role, "layer": self.layer,
                "count": self.count, "share_pct": None if self.share_pct is None else round(self.share_pct, 3),
                "value": self.value, "known_value": self.known_value, "where": self.where,
                "messages": {lang: self.text(lang) for lang in LANGUAGES}}


def _cell(value: Any, spec: str, language: str) -> str:
    if value is None or value == "":
        return "–"
    return localise_number(format(value, spec), language)


def table_lines(result: Mapping[str, Any], language: str = "en") -> list[str]:
    """The readable table of a check's JSON result (:func:`.check.data_check_json`): criteria, then warnings."""
    lang = _language(language)
    aoi = result.get("aoi") or {}
    lines = [word("title", lang, catalogue=result.get("catalogue", ""), n_areas=aoi.get("n_areas", 0),
                  total_ha=_cell(aoi.get("total_ha"), ",.1f", lang))]
    head = (f"  {word('criterion', lang):<24} {word('kind', lang):<13} {word('role', lang):<16} "
            f"{word('matched', lang):>24} {word('area_ha', lang):>11} {word('length_km', lang):>10}  "
            f"{word('status', lang)}")
    lines.append(head)
    for c in result.get("criteria") or []:
        matched = "–" if c.get("matched") is None else (
            f"{_cell(c['matched'], ',d', lang)} / {_cell(c.get('in_reach'), ',d', lang)}")
        status = word(c["status"], lang) if c["status"] in WORDS else c["status"]
        lines.append(f"  {c['criterion']:<24} {c['kind']:<13} {c['role']:<16} {matched:>24} "
                     f"{_cell(c.get('area_ha'), ',.1f', lang):>11} {_cell(c.get('length_km'), ',.1f', lang):>10}  "
                     f"{status}")
    if aoi.get("uncovered_pct") is not None:
        lines.append("  " + word("uncovered", lang, pct=_cell(aoi["uncovered_pct"], ".1f", lang)))
    warnings: Sequence[Mapping[str, Any]] = result.get("warnings") or []
    lines.append(word("warnings", lang, n=len(warnings)) if warnings else word("no_warnings", lang))
    for w in warnings:
        text = w.get("messages", {}).get(lang) or w.get("message", "")
        lines.append(f"  [{w['code']}] {text}")
    return lines
