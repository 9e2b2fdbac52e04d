"""The ``corridor`` command: a thin shell over the Python API, one module per family of commands.

Bad input prints one line per problem (``error: file: where: what``) and exits with status 2; an interrupted run
(SIGINT, SIGTERM) prints one line and exits with 130 or 143, its outputs all written or left as they were.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import warnings
from collections.abc import Iterator

from ..errors import InputError, OutputError, Terminated, one_line
from . import data, run, sensitivity

COMMANDS = (run, sensitivity, data)  # each registers its sub-commands and their handlers


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corridor", description="Compare coal export routes from Mongolia.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return p


@contextlib.contextmanager
def _sigterm_as_exception() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` (as SIGINT raises KeyboardInterrupt), so cleanup runs; restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame) -> None:
        raise Terminated(signum)

    old = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def main(argv: list[str] | None = None) -> int:
    with _sigterm_as_exception():
        try:
            args = _parser().parse_args(argv)
            with warnings.catch_warnings():
                # a numerical warning is not a message for the user: every result is checked to be finite instead
                warnings.simplefilter("ignore", RuntimeWarning)
                return args.handler(args)
        except InputError as err:
            for problem in err.problems:
                print(f"error: {problem}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            return 0
        except OutputError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        except OSError as err:  # an output path that cannot be written
            print(one_line(f"error: {err.filename or ''}: {err.strerror or err}"), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("error: interrupted (SIGINT); outputs are all written or left as they were", file=sys.stderr)
            return 130
        except Terminated:
            print("error: terminated (SIGTERM); outputs are all written or left as they were", file=sys.stderr)
            return 143
