"""The checker shared by everything that reads a user's input: scenario files, uncertainty entries, network folders.

A :class:`Checker` collects problems, each naming the source (a file), where in it (a key or a line) and what is
wrong, so that one load reports every problem at once as a single :class:`corridor.InputError`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from typing import Any

from .errors import InputError


def type_name(value: Any) -> str:
    """How a value reads in an error message: text, a number, true/false, a list, a table."""
    return {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


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
        """``value`` if it is a table whose keys are all in ``keys`` (unknown keys are reported), else {}."""
        if not isinstance(value, dict):
            self.fail(where, f"expected a table, got {type_name(value)}")
            return {}
        for key in value:
            if key not in keys:
                self.fail(where, f"unknown key '{key}' (expected one of: {', '.join(sorted(keys))})")
        return value

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
                             f"{value!r}")
            return None
        if value < low or (strict and value == low):
            self.fail(where, f"must be {'greater than' if strict else 'at least'} {low:g}, got {value!r}")
            return None
        if value > high:
            self.fail(where, f"must be at most {high:g}, got {value!r}")
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
