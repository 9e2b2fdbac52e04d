"""Writing a set of output files all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_all(folder: str | Path, fill: Callable[[Path], None]) -> list[Path]:
    """Let ``fill(tmp)`` write files into a temporary folder beside ``folder``, then move them into ``folder``.

    If ``fill`` fails, nothing reaches ``folder``. Returns the files written, in name order.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".corridor-", dir=folder.parent))
    try:
        fill(tmp)
        folder.mkdir(exist_ok=True)
        written = []
        for f in sorted(tmp.iterdir()):
            os.replace(f, folder / f.name)
            written.append(folder / f.name)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def remove(paths: list[Path]) -> None:
    """Take back files written by :func:`write_all` (when a later output of the same run fails)."""
    for p in paths:
        Path(p).unlink(missing_ok=True)
