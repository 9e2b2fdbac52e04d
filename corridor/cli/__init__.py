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

from .._files import raise_if_interrupted, received_signals
from ..errors import InputError, OutputError, Terminated, one_line
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


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt and SIGTERM :class:`Terminated`, so cleanup runs; each is also recorded
    (``corridor._files.received_signals``), so one Python had to drop (raised in a weakref callback or a ``__del__``,
    where it cannot propagate; reported as "Exception ignored") still stops the run before its outputs are swapped in,
    and no traceback is printed for it. The previous handlers are restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame) -> None:
        received_signals.append(signum)
        raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)

    def unraisable(info) -> None:
        if isinstance(info.exc_value, (KeyboardInterrupt, Terminated)):
            return  # recorded by the handler; the run stops at its next check
        previous_hook(info)

    previous_hook = sys.unraisablehook
    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)
           if signal.getsignal(s) is not signal.SIG_IGN}
    received_signals.clear()
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for s, h in old.items():
            signal.signal(s, h)


def main(argv: list[str] | None = None) -> int:
    with _interrupts():
        try:
            args = _parser().parse_args(argv)
            if argv is None:  # the `corridor` command itself, in its own process (not a program calling main)
                from .._memory import keep_freed_memory

                keep_freed_memory()
            with warnings.catch_warnings():
                # a numerical warning is not a message for the user: every result is checked to be finite instead;
                # any other (e.g. a chart's layout) is one line, without the file and line that raised it
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.showwarning = _show_warning
                code = args.handler(args)
            raise_if_interrupted()  # a signal Python dropped (see _interrupts)
            return code
        except InputError as err:
            for problem in err.problems:
                print(f"error: {problem}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            return 0
        except OutputError as err:
            print(one_line(f"error: {err}"), file=sys.stderr)
            return 2
        except OSError as err:  # an output path that cannot be written
            print(one_line(f"error: {err.filename or ''}: {err.strerror or err}"), file=sys.stderr)
            return 2
        except (KeyboardInterrupt, Terminated) as err:
            return _interrupted(signal.SIGINT if isinstance(err, KeyboardInterrupt) else signal.SIGTERM)
        except Exception:
            if received_signals:  # an interrupt wrapped in another error (e.g. raised while a module was imported)
                return _interrupted(received_signals[0])
            raise


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(one_line(f"warning: {message}"), file=sys.stderr)


def _interrupted(signum: int) -> int:
    """One line, and 130 (SIGINT) or 143 (SIGTERM): 128 + the signal's number, as a shell reports it."""
    what = "interrupted (SIGINT)" if signum == signal.SIGINT else "terminated (SIGTERM)"
    print(f"error: {what}; outputs are all written or left as they were", file=sys.stderr)
    return 128 + int(signum)
