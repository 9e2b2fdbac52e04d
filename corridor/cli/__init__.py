"""The ``corridor`` command: a thin shell over the Python API, one module per family of commands.

Bad input prints one line per problem (``error: file: where: what``) and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import InputError
from . import appraise, check, criticality, data, diversify, report, run, sensitivity, sweep

# each registers its sub-commands and their handlers
COMMANDS = (run, report, sensitivity, sweep, criticality, diversify, appraise, check, data)


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    p = argparse.ArgumentParser(prog="corridor", description="Compare coal export routes from Mongolia.")
    p.add_argument("--version", action="version", version=f"corridor {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if argv is None:  # the `corridor` command itself, in its own process (not a program calling main)
        from .._memory import keep_freed_memory

        keep_freed_memory()
    try:
        return args.handler(args)
    except InputError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as err:  # an output path that cannot be written: --out, --plots, --png
        print(f"error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 2
