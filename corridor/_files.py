"""Writing files all or nothing: every output of corridor goes through one :class:`Staging` area.

A run adds each of its outputs to one staging area (``--out`` tables, ``--plots`` charts, a tornado ``--png``,
:func:`corridor.write_network`, ``corridor sea-distances``, and any later export): a target path and its content,
given as bytes or as a function that writes the file at the path it is given. Adding checks the target name at once,
so a bad location fails before any work. :meth:`Staging.commit` then

1. writes every file into a temporary folder (``.corridor-*``) beside its target, on the same file system;
2. swaps them in: each existing target is moved aside, the new file moved into place (``os.replace``);
3. removes the temporary folders, with the old files moved aside.

If anything fails, or SIGINT or SIGTERM arrives, before the last file is in place, every target is left exactly as
it was (files moved aside go back, new files and folders created for them are removed) and no temporary file stays.
The signals are held during step 2 and delivered after it, so a run is never stopped half-swapped. Files of an
earlier run that this run does not write are left alone: a failed run deletes nothing.

Errors name the target, never a temporary path (:class:`corridor.errors.OutputError`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import OutputError, Terminated

Content = bytes | Callable[[Path], object]
TEMP_PREFIX = ".corridor-"
# Signals the CLI's handlers received (corridor.cli). Python drops an exception raised where it cannot propagate (a
# weakref callback, a __del__), so a commit also checks this list before it swaps anything in.
received_signals: list[int] = []


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt (SIGINT) or Terminated (SIGTERM) if a handler recorded a signal."""
    if received_signals:
        signum = received_signals[0]
        raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _existing_ancestor(path: Path) -> Path:
    """The nearest ancestor of ``path`` (itself excluded) that exists."""
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(path.anchor or ".")


def target_problem(target: Path) -> str | None:
    """Why ``target`` cannot be written as a file, or None."""
    if target.name in ("", ".", ".."):
        return "not a file name"
    if target.is_dir():
        return "is a folder; corridor writes a file of this name there"
    for parent in target.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                return f"{parent} is not a folder" if parent.exists() else f"{parent} is a broken link"
            if not os.access(parent, os.W_OK | os.X_OK):
                return f"no permission to write in {parent}"
            break
    return None


class Staging:
    """The outputs of one run, written together or not at all (see the module docstring).

    Use it as a context manager: the block adds the outputs, and they are committed when it ends without an error
    (nothing is written if it raises)::

        with Staging() as stage:
            stage.add(folder / "routes.csv", routes_csv_bytes)
            stage.add(folder / "map.png", lambda path: fig.savefig(path))

    or call :meth:`commit` yourself.
    """

    def __init__(self) -> None:
        self._targets: dict[str, tuple[Path, Content]] = {}
        self._keep: set[Path] = set()  # temporary folders holding earlier files that could not be put back
        self.written: list[Path] = []

    def __len__(self) -> int:
        return len(self._targets)

    def add(self, target: str | Path, content: Content) -> Path:
        """Stage ``content`` (bytes, or a function that writes the file at the path it is given) for ``target``.

        Raises
        ------
        OutputError
            at once, if ``target`` cannot be written (a folder of that name, a file where a folder should be, no
            permission) or another output of this run already has it.
        """
        target = Path(target)
        problem = target_problem(target)
        if problem:
            raise OutputError(f"{target}: {problem}")
        key = os.path.normcase(os.path.abspath(target))
        if key in self._targets:
            raise OutputError(f"{target}: two outputs of this run have this name")
        if not isinstance(content, bytes) and not callable(content):
            raise TypeError(f"content of {target} must be bytes or a function that writes the file")
        self._targets[key] = (target, content)
        return target

    def targets(self) -> list[Path]:
        """The staged targets, in the order they were added."""
        return [t for t, _ in self._targets.values()]

    def commit(self) -> list[Path]:
        """Write every staged file, then swap them all in (see the module docstring). Returns the targets."""
        if not self._targets:
            return []
        with _sigterm_raises():
            temps: dict[Path, Path] = {}  # target's parent -> temporary folder
            try:
                staged = self._write(temps)
                raise_if_interrupted()
                self._swap(staged, temps)
            finally:
                for tmp in temps.values():
                    if tmp not in self._keep:
                        shutil.rmtree(tmp, ignore_errors=True)
        self.written = self.targets()
        self._targets = {}
        return self.written

    def discard(self) -> None:
        """Forget the staged outputs (nothing has been written)."""
        self._targets = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    # ----- the two steps --------------------------------------------------------------------------------------
    def _write(self, temps: dict[Path, Path]) -> list[tuple[Path, Path]]:
        """Each target's content in a temporary folder beside it: (target, staged file) pairs."""
        staged = []
        for i, (target, content) in enumerate(self._targets.values()):
            parent = target.parent
            if parent not in temps:
                where = parent if parent.is_dir() else _existing_ancestor(parent)
                try:
                    temps[parent] = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=where))
                except OSError as err:
                    raise OutputError(f"{target}: cannot write in {where}: {err.strerror or err}") from None
            path = temps[parent] / f"{i:04d}-{target.name}"
            try:
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    content(path)
            except OSError as err:
                raise OutputError(f"{target}: {err.strerror or err}") from None
            if not path.is_file():
                raise OutputError(f"{target}: nothing was written for it")
            staged.append((target, path))
        return staged

    def _swap(self, staged: list[tuple[Path, Path]], temps: dict[Path, Path]) -> None:
        """Move every staged file into place, or none (signals held meanwhile)."""
        created: list[Path] = []
        done: list[tuple[Path, Path | None]] = []  # (target, where its old file was moved, or None)
        mask = _umask()
        with _signals_held() as received:
            try:
                for target, path in staged:
                    if received:
                        raise _Stop(f"{target}: interrupted; nothing was changed")
                    for folder in reversed([target.parent, *target.parent.parents]):
                        if not folder.exists():
                            folder.mkdir()
                            created.append(folder)
                    old = None
                    if target.exists() or target.is_symlink():
                        if target.is_file() and not target.is_symlink():
                            os.chmod(path, stat.S_IMODE(target.stat().st_mode))
                        else:
                            os.chmod(path, 0o666 & ~mask)
                        old = temps[target.parent] / f"old-{len(done):04d}-{target.name}"
                        os.replace(target, old)
                    else:
                        os.chmod(path, 0o666 & ~mask)
                    done.append((target, old))
                    os.replace(path, target)
                if received:
                    raise _Stop(f"{staged[-1][0]}: interrupted; nothing was changed")
            except BaseException as err:
                kept = _undo(done, created)
                for old in kept:  # an earlier file that could not be put back stays where it is, and is named
                    self._keep.add(old.parent)
                note = f"; earlier files that could not be put back are in {', '.join(map(str, kept))}" if kept else ""
                if isinstance(err, OSError) and not isinstance(err, OutputError):
                    target = done[-1][0] if done else staged[0][0]
                    raise OutputError(f"{target}: {err.strerror or err}{note}") from None
                if note:
                    raise OutputError(f"{staged[0][0]}: the outputs could not all be put back{note}") from err
                raise


class _Stop(OutputError):
    """A signal arrived during the swap: it was undone (the signal itself is raised when the signals are released;
    this error is seen only if its handler returns)."""


def _undo(done: list[tuple[Path, Path | None]], created: list[Path]) -> list[Path]:
    """Put the moved-aside files back and remove the new ones; returns the old files that could not be put back."""
    kept = []
    for target, old in reversed(done):
        try:
            if old is not None:
                os.replace(old, target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        except OSError:
            if old is not None:
                kept.append(old)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()
    return kept


@contextlib.contextmanager
def _signals_held() -> Iterator[list[int]]:
    """SIGINT and SIGTERM received inside the block are recorded (the list yielded) and raised when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    received: list[int] = []

    def hold(signum, frame) -> None:
        received.append(signum)

    old = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)
           if signal.getsignal(s) not in (signal.SIG_IGN, None)}
    try:
        yield received
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)  # runs its handler now (KeyboardInterrupt, Terminated, ...)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Where SIGTERM would kill the process outright (its default action), raise :class:`Terminated` instead while
    files are written, so the temporary files are removed; the process then ends by SIGTERM as it would have."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def terminate(signum, frame) -> None:
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def replace_together(files: dict[Path, bytes]) -> list[Path]:
    """Replace (or create) each file with its new bytes, all together or none (one :class:`Staging`). A replaced
    file keeps its permissions; a new one gets the folder's default."""
    stage = Staging()
    for path, data in files.items():
        stage.add(path, data)
    return stage.commit()
