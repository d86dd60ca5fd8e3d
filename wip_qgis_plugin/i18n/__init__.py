"""Translations of the plugin's user interface (German: ``wip_de.ts`` → ``wip_de.qm``).

All user-facing strings go through :func:`tr` with the single context ``wip``, so
``scripts/update_ts.py`` can collect them; the language follows the QGIS setting
``locale/userLocale`` (Settings → Options → General → Locale).
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "wip"
I18N_DIR = Path(__file__).resolve().parent

_translator: QTranslator | None = None


def tr(text: str) -> str:
    """Translate a user-facing string in the context ``wip``."""
    return QCoreApplication.translate(CONTEXT, text)


def format_number(value, decimals: int = 1, locale: QLocale | None = None, missing: str = "–") -> str:
    """``value`` with ``decimals`` digits and the separators of ``locale`` (default ``QLocale()``, QGIS's: German
    ``1.234,5``); ``missing`` for None, NaN or anything that is not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return missing
    if number != number:  # NaN
        return missing
    return (locale or QLocale()).toString(number, "f", decimals)


def ui_language() -> str:
    """Two-letter language of the QGIS user interface, e.g. ``de`` or ``en``."""
    locale = QgsSettings().value("locale/userLocale", "", type=str) or QLocale().name()
    return (locale or "en")[:2].lower()


def install_translator(language: str | None = None) -> bool:
    """Install the translation for ``language`` (default: the QGIS locale) if one exists."""
    global _translator
    remove_translator()
    qm = I18N_DIR / f"wip_{language or ui_language()}.qm"
    if not qm.is_file():
        return False
    translator = QTranslator()
    if not translator.load(str(qm)):
        return False
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return True


def remove_translator() -> None:
    """Remove the translator installed by :func:`install_translator`."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
