"""The errors a user sees.

Every problem with an input file is a :class:`InputError`: its message names the file, the row or key,
and what is wrong, so the CLI can print it on one line and exit with status 2. An output that cannot be written is
an :class:`OutputError` (also exit 2), naming the file the user asked for.
"""

from __future__ import annotations

import re

MAX_MESSAGE = 500  # characters of one problem; longer ones (an over-long cell echoed back) are cut
# control characters, C1 controls (U+0085 breaks a line for str.splitlines) and the Unicode line separators
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line: line breaks and other control characters shown escaped (``\\n``), cut at ``limit``."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def shown(value: object, limit: int = 60) -> str:
    """A value echoed back in a message: quoted, on one line, cut at ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = one_line(text, limit)
    return f"'{text}'" if isinstance(value, str) else text


class CorridorError(Exception):
    """Base class of corridor's own errors."""


class InputError(CorridorError, ValueError):
    """A network folder or scenario file is malformed or inconsistent (or an argument of the API is).

    ``problems`` holds one line per problem; ``str(err)`` joins them. Each problem is kept on one line.
    """

    def __init__(self, problems: str | list[str]):
        raw = [problems] if isinstance(problems, str) else list(problems)
        self.problems = [one_line(p) for p in raw]
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


class UnknownCaseError(InputError, KeyError):
    """No case has the name asked for (an :class:`InputError`, and a ``KeyError`` for code that looks names up)."""


def unknown_case(name: object, known: list[str], source: str = "") -> UnknownCaseError:
    """The error for a case name that is not among ``known``."""
    where = f"{source}: " if source else ""
    return UnknownCaseError(f"{where}no case named {shown(name)} (cases: {', '.join(known) or 'none'})")


class OutputError(CorridorError, OSError):
    """An output cannot be written (a folder where a file should go, no permission, a full disk); the message names
    the file asked for. Nothing of the run was written."""

    def __str__(self) -> str:
        return one_line(self.args[0] if self.args else "")


class NoRouteError(CorridorError):
    """No route joins the origin and the destination (for example after a closure)."""


class Terminated(BaseException):
    """SIGTERM arrived (raised by the CLI's handler, like KeyboardInterrupt for SIGINT)."""

    def __init__(self, signum: int = 15):
        self.signum = signum
        super().__init__(signum)


def collect(problems: list[str]) -> None:
    """Raise one :class:`InputError` listing ``problems`` if there are any."""
    if problems:
        raise InputError(problems)
