"""Writing files all or nothing: every output of corridor goes through here.

- :func:`write_all`: a set of new files written into a folder (``--out``, ``--plots``);
- :func:`replace_together`: existing files replaced by new bytes together (``corridor sea-distances``,
  :func:`corridor.write_network`).
"""

from __future__ import annotations

import os
import shutil
import stat
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


def replace_together(files: dict[Path, bytes]) -> None:
    """Write each file's new bytes to a temporary file beside it, then move them all into place; if any step fails,
    the files that were already replaced get their old bytes back (new ones are removed) and no temporary file
    stays. A file that did not exist is created with the folder's default permissions."""
    old = {path: path.read_bytes() if path.exists() else None for path in files}
    temps: dict[Path, str] = {}
    done: list[Path] = []
    try:
        for path, data in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = tmp
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            if old[path] is not None:
                os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        for path, tmp in temps.items():
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in done:
            before = old[path]
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        for tmp in temps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
