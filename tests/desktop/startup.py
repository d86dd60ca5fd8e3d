# Installed as QGIS's startup.py by test_desktop_smoke.py: runs before the plugins load and writes
# every message of the QGIS message log (tag, level, text) to $WIP_DESKTOP_LOG, one JSON per line,
# so the test sees the Python errors that a plugin's start would put in the log panel.
import json
import os

from qgis.core import QgsApplication

_log_path = os.environ.get("WIP_DESKTOP_LOG")


def _record(message, tag, level):
    with open(_log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"tag": tag, "level": int(getattr(level, "value", level)), "message": message}) + "\n")


if _log_path:
    QgsApplication.messageLog().messageReceived.connect(_record)
