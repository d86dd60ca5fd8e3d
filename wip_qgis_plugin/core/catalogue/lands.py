"""The German Länder: from a municipality's key (AGS) to its Land, and to the preset holding that Land's rules.

A catalogue names the Land whose rules it holds (``land: BY``). Run on a municipality of another Land, its
statutory distances may not apply there: :func:`land_mismatch` says so, naming the preset to choose.
"""
from __future__ import annotations

from collections.abc import Sequence

#: First two digits of the Amtlicher Gemeindeschlüssel (AGS) or Regionalschlüssel (ARS) → Land.
AGS_LAND: dict[str, str] = {"01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP",
                            "08": "BW", "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN",
                            "15": "ST", "16": "TH"}
#: The preset for a Land without one of its own.
FALLBACK_WIND_PRESET = "wind_regionalplanung"


def land_of_key(key: object) -> str | None:
    """The Land of an 8-digit AGS or 12-digit ARS (``"09472150"`` → ``"BY"``); None for anything else.

    A key read as a number (``9472150``, ``9472150.0``: a Shapefile or CSV column) has lost its leading zero;
    it is restored.
    """
    text = str(key).strip() if key is not None else ""
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and len(text) in (7, 11):
        text = "0" + text
    return AGS_LAND.get(text[:2]) if text.isdigit() and len(text) in (8, 12) else None


def preset_for_land(land: str, technology: str = "wind") -> str | None:
    """The shipped preset holding the rules of ``land`` for ``technology``; for wind the practice preset
    where the Land has none of its own; None for other technologies without one."""
    from .loader import list_presets  # the preset folder is read when asked, not at import

    ids = sorted(p.id for p in list_presets() if p.technology == technology and p.land == land)
    if ids:
        return ids[0]
    return FALLBACK_WIND_PRESET if technology == "wind" else None


def land_mismatch(catalogue_id: str, land: str | None, technology: str, names: Sequence[str],
                  keys: Sequence[object]) -> list[str]:
    """Warnings for areas whose AGS lies in another Land than the catalogue's rules (none if it names no Land)."""
    if not land:
        return []
    elsewhere: dict[str, list[str]] = {}
    for name, key in zip(names, keys):
        code = land_of_key(key)
        if code is not None and code != land:
            elsewhere.setdefault(code, []).append(str(name))
    out = []
    for code, found in sorted(elsewhere.items()):
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        choice = preset_for_land(code, technology)
        out.append(f"Catalogue '{catalogue_id}' holds the rules of the Land {land}, but {shown} lie(s) in {code} by "
                   f"the AGS: the Land's own distance rules are not applied there. Choose the catalogue "
                   f"{choice or 'of that Land'} (or your own) for {code}.")
    return out
