"""QGIS's network stack as the engine's ``Fetch`` (``core.data.overpass``): the downloads of the algorithms go
through ``QgsBlockingNetworkRequest``, so the proxy and authentication settings of QGIS apply and cancelling in
the dialog aborts the transfer (used by ``wip:osmdownload`` and ``wip:vg250boundaries``)."""
from __future__ import annotations

from qgis.core import QgsBlockingNetworkRequest
from qgis.PyQt.QtCore import QByteArray, QUrl
from qgis.PyQt.QtNetwork import QNetworkReply, QNetworkRequest

from ..core import __version__
from ..core.data.overpass import CHUNK_BYTES, FetchFailure
from ..core.errors import Cancelled


def _enum(owner, scope: str, name: str):
    """``owner.scope.name`` (Qt6 scoped enums) or ``owner.name`` (Qt5)."""
    return getattr(getattr(owner, scope, owner), name)


def qgis_fetch(feedback):
    """A fetch (``core.data.overpass.Fetch``) through QGIS's network stack, aborted by ``feedback``: a POST of the
    body, a GET where it is empty."""
    def fetch(url: str, body: bytes, timeout_s: float):
        request = QNetworkRequest(QUrl(url))
        if body:
            request.setHeader(_enum(QNetworkRequest, "KnownHeaders", "ContentTypeHeader"),
                              "application/x-www-form-urlencoded; charset=utf-8")
        request.setRawHeader(b"User-Agent", f"wip-qgis-plugin/{__version__}".encode())
        if hasattr(request, "setTransferTimeout"):  # Qt >= 5.15
            request.setTransferTimeout(int(timeout_s * 1000))
        blocking = QgsBlockingNetworkRequest()
        code = blocking.post(request, QByteArray(body), True, feedback) if body else \
            blocking.get(request, True, feedback)
        if feedback is not None and feedback.isCanceled():
            raise Cancelled()
        reply = blocking.reply()
        content = bytes(reply.content())
        if code != _enum(QgsBlockingNetworkRequest, "ErrorCode", "NoError"):
            status = reply.attribute(_enum(QNetworkRequest, "Attribute", "HttpStatusCodeAttribute"))
            if status:
                raise FetchFailure("http", blocking.errorMessage(), int(status), content)
            timeouts = {_enum(QNetworkReply, "NetworkError", "TimeoutError"),
                        _enum(QNetworkReply, "NetworkError", "OperationCanceledError")}
            if code == _enum(QgsBlockingNetworkRequest, "ErrorCode", "TimeoutError") or reply.error() in timeouts:
                raise FetchFailure("timeout", blocking.errorMessage())
            raise FetchFailure("offline", blocking.errorMessage())
        for start in range(0, len(content), CHUNK_BYTES):
            yield content[start:start + CHUNK_BYTES]
    return fetch
