"""The Dask scheduler of the plugin: the QGIS setting ``wip/dask_scheduler`` and the SCHEDULER parameters it presets.

"Energy profiles of many municipalities" sends municipalities, "Land eligibility" the tiles of one run to the
scheduler (docs/scale.md). Empty: everything runs on this computer.
"""
from __future__ import annotations

from qgis.core import QgsProcessingException, QgsSettings

from ..i18n import tr

#: QgsSettings key of the Dask scheduler's address (the default of the SCHEDULER parameters); empty: no cluster.
KEY_DASK_SCHEDULER = "wip/dask_scheduler"


def dask_scheduler_setting() -> str:
    """The Dask scheduler of the plugin settings (``tcp://host:8786``), '' if none is set."""
    return (QgsSettings().value(KEY_DASK_SCHEDULER, "", type=str) or "").strip()


def checked_scheduler(text: str | None, local: bool = False) -> str | None:
    """A SCHEDULER parameter's value: an address ``tcp://HOST:PORT`` (with ``local``: also ``local[:N]``), or None.

    Raises
    ------
    QgsProcessingException
        Anything else, naming the value and the forms it may take.
    """
    value = (text or "").strip()
    if not value or "://" in value:
        return value or None
    if local and (value == "local" or (value.startswith("local:") and value[6:].isdigit() and int(value[6:]) >= 1)):
        return value
    if local:
        raise QgsProcessingException(tr("“{address}” is no Dask scheduler: give tcp://HOST:PORT, local:N (N worker "
                                        "processes on this computer), or leave it empty.").format(address=value))
    raise QgsProcessingException(tr("“{address}” is no Dask scheduler address: give tcp://HOST:PORT, or "
                                    "leave it empty.").format(address=value))
