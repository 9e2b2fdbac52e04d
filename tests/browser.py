"""A small client of the Chrome DevTools protocol over a pipe, for tests that open a page in a real headless
Chromium (Debian's ``chromium`` package): no websocket library and no browser download.

Chromium started with ``--remote-debugging-pipe`` reads commands from file descriptor 3 and writes answers and
events to descriptor 4, each a JSON message ended by a NUL byte.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """The browser to use: ``$CORRIDOR_BROWSER``, else the first Chromium on PATH."""
    env = os.environ.get("CORRIDOR_BROWSER")
    if env:
        return env
    return next((path for path in map(shutil.which, NAMES) if path), None)


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    """The two descriptors moved to numbers of 10 and above (clear of 3 and 4)."""
    import fcntl

    out = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return out[0], out[1]


class Browser:
    """One headless Chromium and one page in it. Collects the page's console errors and uncaught exceptions."""

    def __init__(self, executable: str, *, timeout: float = 120.0):
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="corridor-chromium-")
        cmd_r, self._cmd_w = _high(os.pipe())
        self._out_r, out_w = _high(os.pipe())
        args = ["--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-dev-shm-usage", "--hide-scrollbars",
                f"--user-data-dir={self._profile}", "about:blank"]
        # bash (dash takes no descriptor above 9) puts the pipes on the browser's descriptors 3 (commands in) and 4
        # (answers out), then becomes the browser
        self.proc = subprocess.Popen(["bash", "-c", f'exec "$0" "$@" 3<&{cmd_r} 4>&{out_w} {cmd_r}<&- {out_w}>&-',
                                      executable, *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     pass_fds=(cmd_r, out_w))
        os.close(cmd_r)
        os.close(out_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    # ----- the protocol --------------------------------------------------------------------------------------------
    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from the browser")
            chunk = os.read(self._out_r, 1 << 20)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, *, session: bool = False, **params) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            got = self._read()
            if got.get("id") == self._next:
                if "error" in got:
                    raise RuntimeError(f"{method}: {got['error']}")
                return got.get("result", {})
            self.events.append(got)

    def wait_for(self, method: str) -> dict:
        for i, ev in enumerate(self.events):
            if ev.get("method") == method:
                return self.events.pop(i)
        while True:
            ev = self._read()
            if ev.get("method") == method:
                return ev
            self.events.append(ev)

    # ----- what a test asks ----------------------------------------------------------------------------------------
    def open(self, path: Path, *, width: int = 1280, height: int = 900, mobile: bool = False, scale: float = 1.0):
        """Load ``path`` in a window of ``width`` x ``height`` CSS pixels and wait for its load event."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=scale, mobile=mobile)
        self.events.clear()
        self.call("Page.navigate", session=True, url=Path(path).resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        got = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                        awaitPromise=True)
        if "exceptionDetails" in got:
            raise RuntimeError(f"{expression[:60]}...: {got['exceptionDetails']}")
        return got["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, failed resource loads and uncaught exceptions seen since the last :meth:`open`."""
        out = []
        for ev in self.events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(params["entry"].get("text", ""))
        return out

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        params = {"format": "png", "captureBeyondViewport": full_page}
        data = self.call("Page.captureScreenshot", session=True, **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def pdf(self) -> bytes:
        return base64.b64decode(self.call("Page.printToPDF", session=True, printBackground=True)["data"])

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the browser may close its pipe before it answers
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for fd in (self._cmd_w, self._out_r):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
