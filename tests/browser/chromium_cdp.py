"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (standard library only).

Headless Chromium reads commands from its fd 3 and writes replies and events to its fd 4, each a JSON
message ended by a NUL byte; no websocket, no port. ``Browser.page()`` opens a tab and returns a
``Page`` whose ``call`` sends a command to it and waits for the reply; events are kept in ``events``.
"""
from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path


class CdpError(RuntimeError):
    pass


class Browser:
    def __init__(self, executable: str, profile_dir: Path):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds():  # in the child: its fd 3 reads our commands, fd 4 writes its answers
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--font-render-hinting=none", "--allow-file-access-from-files",
             f"--user-data-dir={profile_dir}", "about:blank"],
            # close_fds=False: the pipe ends are close-on-exec, so only their copies on fds 3 and 4 (made
            # inheritable by dup2) reach Chromium; with close_fds the child would close 3 and 4 after wire_fds.
            close_fds=False, preexec_fn=wire_fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._next_id = 0
        self._replies: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buffer = b""
        while True:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        box = self._replies.get(message["id"])
                    if box is not None:
                        box.put(message)
                else:
                    self.events.append(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60):
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
            box = self._replies[msg_id] = queue.Queue()
        message = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise CdpError(f"{method}: no reply within {timeout} s") from None
        if "error" in reply:
            raise CdpError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def page(self) -> Page:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except (CdpError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass


class Page:
    def __init__(self, browser: Browser, session: str):
        self.browser, self.session = browser, session
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, params: dict | None = None, timeout: float = 60):
        return self.browser.call(method, params, self.session, timeout)

    def events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events
                if e.get("sessionId") == self.session and e.get("method") == method]

    def open(self, url: str, width: int, height: int = 900, timeout: float = 60) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        start = len(self.events("Page.loadEventFired"))
        self.call("Page.navigate", {"url": url})
        end = time.time() + timeout
        while len(self.events("Page.loadEventFired")) <= start:
            if time.time() > end:
                raise CdpError(f"{url} did not load within {timeout} s")
            time.sleep(0.05)

    def evaluate(self, expression: str):
        reply = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                               "returnByValue": True})
        if "exceptionDetails" in reply:
            raise CdpError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        path.write_bytes(base64.b64decode(data))

    def pdf_a4(self, path: Path) -> None:
        data = self.call("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True,
                                             "marginTop": 0.4, "marginBottom": 0.4, "marginLeft": 0.4,
                                             "marginRight": 0.4}, timeout=120)["data"]
        path.write_bytes(base64.b64decode(data))
