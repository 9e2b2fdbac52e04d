"""Where a run's inputs came from: content hashes of a network folder and of a scenario file.

A hash names the bytes that were read, so two runs whose inputs hash alike read the same data, and a report can
say which copy of a network it used (the one in a source checkout, or the installed package's).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SHORT = 12  # hex digits shown in reports (the manifest keeps the full hash)


def bytes_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_sha256(folder: str | Path, names: list[str] | tuple[str, ...]) -> str:
    """One SHA-256 over the files ``names`` of ``folder`` that exist, in name order: each file's name, a NUL,
    its length, a NUL and its bytes (so moving bytes from one file to the next changes the hash)."""
    folder = Path(folder)
    h = hashlib.sha256()
    for name in sorted(names):
        path = folder / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0")
        h.update(data)
    return h.hexdigest()


def short(digest: str) -> str:
    """The first hex digits of a hash, for reports."""
    return digest[:SHORT] if digest else "-"
