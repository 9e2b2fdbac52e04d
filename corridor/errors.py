"""The errors a user sees.

Every problem with an input file is a :class:`InputError`: its message names the file, the row or key,
and what is wrong, so the CLI can print it on one line and exit with status 2.
"""

from __future__ import annotations


class CorridorError(Exception):
    """Base class of corridor's own errors."""


class InputError(CorridorError, ValueError):
    """A network folder or scenario file is malformed or inconsistent.

    ``problems`` holds one line per problem; ``str(err)`` joins them.
    """

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class NoRouteError(CorridorError):
    """No route joins the origin and the destination (for example after a closure)."""


def collect(problems: list[str]) -> None:
    """Raise one :class:`InputError` listing ``problems`` if there are any."""
    if problems:
        raise InputError(problems)
