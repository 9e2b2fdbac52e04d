"""A one-line progress bar for long runs, drawn on stderr only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Progress of ``total`` units of work: ``label [#####.....]  48% 48,000/100,000``.

    Silent unless ``stream`` (stderr by default) is a terminal, so pipes, files and tests see nothing. Redraws at
    most every ``interval`` seconds and clears its line when closed.

    Examples
    --------
    >>> with Progress(100_000, "draws") as bar:
    ...     for chunk in range(10):
    ...         bar.update(10_000)
    """

    def __init__(self, total: int, label: str = "", *, stream: TextIO | None = None, enabled: bool | None = None,
                 interval: float = 0.1, width: int = 30):
        self.total, self.label, self.width, self.interval = max(int(total), 1), label, width, interval
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.done = 0
        self._last = 0.0

    def update(self, n: int) -> None:
        self.done = min(self.done + n, self.total)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= self.interval or self.done == self.total:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {100 * self.done // self.total:3d}% {self.done:,}/{self.total:,}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + self.width + 40) + "\r")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
