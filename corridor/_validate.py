"""The checker shared by everything that reads a user's input: scenario files, uncertainty entries, network folders.

A :class:`Checker` collects problems, each naming the source (a file), where in it (a key or a line) and what is
wrong, so that one load reports every problem at once as a single :class:`corridor.InputError`.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError, shown

MAX_FILE_BYTES = 64 * 1024**2  # an input file larger than this is not a network table or a scenario
MAX_DEPTH = 32  # nesting of a scenario's tables and lists (the format needs 5)


def type_name(value: Any) -> str:
    """How a value reads in an error message: text, a number, true/false, a list, a table."""
    return {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file (missing, a broken link, a folder, a FIFO or device, too
    large), or None. Nothing is opened, so a FIFO cannot block."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "is a broken link (its target does not exist)" if os.path.islink(path) else "not found"
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a FIFO, socket or device)"
    if st.st_size > MAX_FILE_BYTES:
        return f"is {st.st_size / 1024**2:,.0f} MB, more than the {MAX_FILE_BYTES // 1024**2} MB an input file may be"
    return None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True if ``value`` nests lists or tables more than ``limit`` levels deep (checked without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, (list, tuple)):
            children = list(item)
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((c, depth + 1) for c in children)
    return False


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


def suggest(value: Any, choices: Iterable[str], names: dict[str, str] | None = None) -> str:
    """`` (did you mean 'KP'?)`` when ``value`` is close to one of ``choices`` (ignoring case, spaces and
    punctuation; ``names`` maps a choice to a display name that may be matched too: 'Tavan Tolgoi' ->
    'tavan_tolgoi'), else ``""``."""
    if not isinstance(value, str) or not value:
        return ""
    choices = [str(c) for c in choices]
    want = _norm(value)
    by_norm: dict[str, str] = {}
    for c in choices:
        by_norm.setdefault(_norm(c), c)
    for c, name in (names or {}).items():
        by_norm.setdefault(_norm(name), c)
        short = str(name).split(" (", 1)[0]
        by_norm.setdefault(_norm(short), c)
    hit = by_norm.get(want)
    if hit is None:
        close = difflib.get_close_matches(want, list(by_norm), n=1, cutoff=0.75)
        hit = by_norm[close[0]] if close else None
    return f" (did you mean '{hit}'?)" if hit is not None and hit != value else ""


class Checker:
    """Problems found in one input (``source``: a file name), each ``source: where: what``."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        """Record a problem at ``where`` (a key path such as ``cases[2].change[1].where``; empty for the file)."""
        self.problems.append(f"{self.source}: {where}: {what}" if where else f"{self.source}: {what}")

    def mark(self) -> int:
        """A bookmark: :meth:`since` tells whether problems were found after it."""
        return len(self.problems)

    def since(self, mark: int) -> bool:
        """True if a problem was recorded after ``mark``."""
        return len(self.problems) > mark

    def raise_if_any(self) -> None:
        """Raise one InputError listing every problem (each once, in order)."""
        if self.problems:
            raise InputError(list(dict.fromkeys(self.problems)))

    def table(self, value: Any, where: str, keys: set[str]) -> dict[str, Any]:
        """The items of ``value`` whose keys are in ``keys`` if it is a table (unknown keys are reported and left
        out), else {}."""
        if not isinstance(value, dict):
            self.fail(where, f"expected a table, got {type_name(value)}")
            return {}
        for key in value:
            if key not in keys:
                self.fail(where, f"unknown key {shown(key)} (expected one of: {', '.join(sorted(keys))})")
        return {k: v for k, v in value.items() if k in keys}

    def text(self, value: Any, where: str) -> str | None:
        """``value`` if it is non-empty text, else None (reported)."""
        if not isinstance(value, str) or not value:
            self.fail(where, f"expected text, got {type_name(value)}")
            return None
        return value

    def number(self, value: Any, where: str, *, low: float = 0.0, strict: bool = False, integer: bool = False,
               high: float = math.inf) -> float | int | None:
        """``value`` if it is a finite number (a whole one if ``integer``) within ``low`` (excluded if ``strict``)
        and ``high``, else None (reported)."""
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or (isinstance(value, float) and not math.isfinite(value)):
            self.fail(where, f"expected {'a whole number' if integer else 'a number'}, got {type_name(value)} "
                             f"{shown(value)}")
            return None
        if value < low or (strict and value == low):
            self.fail(where, f"must be {'greater than' if strict else 'at least'} {low:g}, got {shown(value)}")
            return None
        if value > high:
            self.fail(where, f"must be at most {high:g}, got {shown(value)}")
            return None
        return value

    def names(self, value: Any, where: str) -> list[str]:
        """A list of names (a single name is a list of one), else [] (reported)."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, f"expected a list of names, got {type_name(value)}")
            return []
        return value
