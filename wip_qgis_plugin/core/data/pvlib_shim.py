"""Import pvlib where its h5py cannot be loaded (inside QGIS processes).

``import pvlib`` imports h5py (``pvlib.clearsky``, ``pvlib.location``), which pvlib only uses to
read its Linke turbidity and altitude tables. Inside ``qgis_process`` the h5py wheel (built
against another HDF5) clashes with the HDF5 library QGIS has already loaded, and importing it
raises (``ValueError: Not a datatype``), so pvlib cannot be imported at all. The engine never
reads those tables; :func:`pvlib_module` then imports pvlib with a stand-in h5py module that
refuses every use with a clear message.
"""
from __future__ import annotations

import sys
import types
from typing import Any


class _H5pyUnavailable(types.ModuleType):
    """Stand-in for h5py: importing works, any use raises ImportError naming the cause."""

    def __init__(self, reason: str):
        super().__init__("h5py")
        self.__reason = reason

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(f"h5py cannot be used in this Python ({self.__reason}); pvlib's Linke turbidity "
                          "and altitude tables are not available here.")


def _forget(prefixes: tuple[str, ...]) -> None:
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            del sys.modules[name]


def _raised_in_h5py(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if "h5py" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return "h5py" in str(exc)


def pvlib_module() -> Any:
    """The pvlib package, imported with a stand-in h5py if the real one cannot be loaded.

    Raises
    ------
    ImportError
        If pvlib itself is not installed.
    """
    if "pvlib" in sys.modules and getattr(sys.modules["pvlib"], "pvsystem", None) is not None:
        return sys.modules["pvlib"]
    try:
        import pvlib

        return pvlib
    except ImportError as exc:
        if "h5py" not in str(exc) and getattr(exc, "name", "") != "h5py":
            raise
        reason = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - h5py's own initialisation fails with ValueError/OSError/…
        if not _raised_in_h5py(exc):
            raise
        reason = f"{type(exc).__name__}: {exc}"
    _forget(("pvlib", "h5py"))
    sys.modules["h5py"] = _H5pyUnavailable(reason)
    import pvlib

    return pvlib
