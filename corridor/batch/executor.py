"""One executor for all batch work: in-process, local processes (``workers``) or a Dask cluster (``scheduler``).

A *task* is a module-level function ``task(context, block) -> result`` (so worker processes can import it by name);
the *context* is what every block needs (models, entries, seed), pickled once per worker; a :class:`Block` names a
slice of the work. :meth:`Executor.map` returns the results in block order, whatever order they finish in.

Local processes start with ``forkserver`` where the platform has it (Linux) and ``spawn`` elsewhere, never
``fork``: nothing of the parent (threads, open solvers, a Dask client) leaks into a worker. A script that uses
``workers`` needs the usual ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .._progress import Progress
from ..errors import InputError

ADDRESS = re.compile(r"^((tcp|tls|ucx|ws|wss)://)?[\w.\-\[\]:]+:\d+/?$")  # a Dask scheduler: [protocol://]host:port
BLOCK = 256  # draws per block: amortises the per-task overhead of processes and Dask (benchmarks/bench_executor.py)


@dataclass(frozen=True)
class Block:
    """A slice of the work: items ``start .. stop-1`` (draws, variants) of ``key`` (e.g. a case name)."""

    index: int
    start: int
    stop: int
    key: Any = None

    @property
    def size(self) -> int:
        return self.stop - self.start


def plan_blocks(n: int, size: int = BLOCK, key: Any = None, *, first_index: int = 0) -> list[Block]:
    """``n`` items cut into blocks of ``size`` (the last one shorter), numbered from ``first_index``."""
    if size < 1:
        raise ValueError(f"block size must be at least 1, got {size}")
    return [Block(first_index + i, start, min(start + size, n), key)
            for i, start in enumerate(range(0, n, size))]


# ----- worker side ---------------------------------------------------------------------------------------
_CONTEXT: dict[str, Any] = {}  # context installed in a worker process, by token


def _install(token: str, context: Any) -> None:
    _CONTEXT.clear()
    _CONTEXT[token] = context


def _run_installed(task: Callable, token: str, block: Block) -> Any:
    return task(_CONTEXT[token], block)


def _run_with(task: Callable, context: Any, block: Block) -> Any:
    return task(context, block)


# ----- the executor ----------------------------------------------------------------------------------------
class Executor:
    """Runs tasks over blocks in-process (default), on ``workers`` local processes, or on a Dask cluster.

    Parameters
    ----------
    workers : int
        0 or 1: in-process. N > 1: N local processes.
    scheduler : str or distributed.Client, optional
        The address of a running Dask scheduler (``tcp://host:8786``) or a connected ``distributed.Client``; the
        work goes to its workers (``workers`` is then ignored). Needs ``pip install "corridor[dask]"``.
    progress : bool or None
        A progress bar on stderr (None: only if stderr is a terminal).
    """

    def __init__(self, workers: int = 0, scheduler: Any = None, *, progress: bool | None = None):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise InputError(f"workers must be a whole number of at least 0, got {workers!r}")
        self.workers = workers
        self.scheduler = scheduler
        self.progress = progress
        self._client: Any = None
        self._own_client = False

    @property
    def backend(self) -> str:
        """``"in-process"``, ``"processes"`` or ``"dask"``."""
        if self.scheduler is not None:
            return "dask"
        return "processes" if self.workers > 1 else "in-process"

    def __repr__(self) -> str:
        where = {"in-process": "in-process", "processes": f"{self.workers} local processes",
                 "dask": f"Dask scheduler {self._address()}"}[self.backend]
        return f"<Executor: {where}>"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> Executor:
        """Connect to the Dask scheduler now (the processes start with each :meth:`map`), so that a wrong address
        fails before any work is done."""
        if self.backend == "dask":
            self._connect()
        return self

    def close(self) -> None:
        """Disconnect from the Dask scheduler if this executor connected to it."""
        if self._client is not None and self._own_client:
            self._client.close()
        self._client = None

    # ----- map -------------------------------------------------------------------------------------------
    def map(self, task: Callable[[Any, Block], Any], context: Any, blocks: Sequence[Block], *, label: str = "",
            bar: Progress | None = None) -> list:
        """``[task(context, b) for b in blocks]``, computed by the backend, in block order.

        Parameters
        ----------
        task : function
            A module-level function ``task(context, block)`` (importable by workers).
        context : object
            What every block needs; pickled once per worker (processes, Dask), used as is in-process.
        blocks : sequence of Block
        label : str
            The progress bar's label (the bar counts the blocks' items).
        bar : Progress, optional
            A bar to update instead of a new one.
        """
        blocks = list(blocks)
        own = bar is None
        bar = bar if bar is not None else Progress(sum(b.size for b in blocks), label, enabled=self.progress)
        try:
            if not blocks:
                return []
            if self.backend == "in-process":
                out = []
                for b in blocks:
                    out.append(task(context, b))
                    bar.update(b.size)
                return out
            if self.backend == "processes":
                return self._map_processes(task, context, blocks, bar)
            return self._map_dask(task, context, blocks, bar)
        finally:
            if own:
                bar.close()

    def _map_processes(self, task, context, blocks: list[Block], bar: Progress) -> list:
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        token = f"{os.getpid()}-{id(context)}"
        n = min(self.workers, len(blocks))
        results: list = [None] * len(blocks)
        with ProcessPoolExecutor(max_workers=n, mp_context=_context(task), initializer=_install,
                                 initargs=(token, context)) as pool:
            pending = {pool.submit(_run_installed, task, token, b): i for i, b in enumerate(blocks)}
            try:
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        i = pending.pop(f)
                        results[i] = f.result()
                        bar.update(blocks[i].size)
            except BaseException:
                for f in pending:
                    f.cancel()
                raise
        return results

    def _map_dask(self, task, context, blocks: list[Block], bar: Progress) -> list:
        from distributed import as_completed

        client = self._connect()
        shared = client.scatter(context, broadcast=True, hash=False)
        futures = [client.submit(_run_with, task, shared, b, pure=False) for b in blocks]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * len(blocks)
        try:
            for f in as_completed(futures, loop=client.loop):
                i = index[f.key]
                results[i] = f.result()
                bar.update(blocks[i].size)
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            del shared
        return results

    def _address(self) -> str:
        s = self.scheduler
        return s if isinstance(s, str) else getattr(getattr(s, "scheduler", None), "address", None) or repr(s)

    def _connect(self):
        if self._client is not None:
            return self._client
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs dask.distributed, which is not installed: "
                             "pip install \"corridor[dask]\"") from None
        if isinstance(self.scheduler, Client):
            self._client = self.scheduler
            return self._client
        if not isinstance(self.scheduler, str) or not ADDRESS.match(self.scheduler):
            raise InputError(f"--scheduler {self.scheduler}: expected the address of a Dask scheduler, "
                             "such as tcp://10.0.0.5:8786")
        try:
            self._client = Client(self.scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            why = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise InputError(f"--scheduler {self.scheduler}: cannot reach a Dask scheduler there ({why})") from None
        self._own_client = True
        return self._client


def _context(task: Callable):
    """``forkserver`` where available (Linux), else ``spawn``: never ``fork`` (threads, solvers, clients).

    The fork server imports the task's module once (numpy, pandas, scipy, highspy and corridor with it) and every
    worker is forked from it, instead of each worker importing them again.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([task.__module__])
        return ctx
    return multiprocessing.get_context("spawn")
