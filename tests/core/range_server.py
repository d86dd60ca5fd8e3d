"""A loopback HTTP server with Range requests, as GDAL's /vsicurl/ needs (tests only)."""
from __future__ import annotations

import contextlib
import http.server
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import partial


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` answering ``Range: bytes=a-b`` with 206 Partial Content."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        fh = open(path, "rb")
        if match is None:
            self.send_response(200)
            start, end = 0, size - 1
        else:
            start = int(match.group(1)) if match.group(1) else max(0, size - int(match.group(2)))
            end = min(int(match.group(2)), size - 1) if match.group(1) and match.group(2) else size - 1
            if start >= size:
                fh.close()
                self.send_error(416)
                return None
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        fh.seek(start)
        self._remaining = end - start + 1
        return fh

    def copyfile(self, source, outputfile):
        remaining = getattr(self, "_remaining", None)
        while remaining is None or remaining > 0:
            chunk = source.read(65536 if remaining is None else min(65536, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            if remaining is not None:
                remaining -= len(chunk)


@contextlib.contextmanager
def serve_folder(folder: str) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) from another process for the block; yields ``http://127.0.0.1:PORT``.

    Another process, not a thread: GDAL reads holding the GIL would wait for a server thread of the same process.
    """
    proc = subprocess.Popen([sys.executable, __file__, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline().strip())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=sys.argv[1]))
    print(server.server_address[1], flush=True)
    server.serve_forever()
