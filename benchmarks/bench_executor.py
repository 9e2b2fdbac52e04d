"""Scaling of draws over flows: in-process, on 2 local processes, and on a 2-worker Dask LocalCluster.

Case "20 Mt/yr" of scenarios/scale_up_uncertainty.toml alone, N draws (default 10,000) through ``corridor.run``
(the deterministic allocation, then every draw re-solved), timed wall-clock (what parallel work buys) with CPU time
of this process beside it. Each backend is checked to give the same numbers bit for bit as in-process.

Then the cost of the machinery itself:

* overhead per task: ``Executor.map`` of a task that does nothing, per block, on each backend (the context is a
  real draw context, so its shipping to the workers is counted once per map, as in a run);
* block size: the same N/2 draws on 2 local processes with blocks of 16 .. 1024 draws: small blocks pay the
  overhead per task, large ones leave a worker idle at the end.

Process pools and clusters are started inside each timing (a run starts its own), except where said. The machine is
shared: wall times move with the other work on it; compare the ratios within one run.

    python benchmarks/bench_executor.py [N]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import timed as _timed  # noqa: E402

import corridor  # noqa: E402
from corridor.batch import BLOCK, Block, Executor, plan_blocks  # noqa: E402
from corridor.uncertainty.flowdraws import FlowDrawContext, flow_block  # noqa: E402

SCENARIO = ROOT / "scenarios" / "scale_up_uncertainty.toml"
CASE = "20 Mt/yr"
REPEATS = 3
FEW, MANY = 20, 400  # tasks in the two maps that measure the overhead


def nothing(context, block: Block) -> int:
    return block.size


def timed_block(context, block: Block) -> tuple[int, float, float]:
    """A block of draws (the task of a run), with the CPU and wall seconds it took where it ran."""
    c, w = time.process_time(), time.perf_counter()
    flow_block(context, block)
    return os.getpid(), time.process_time() - c, time.perf_counter() - w


def arrays(res) -> list[np.ndarray]:
    d = res.flow_draws[CASE]
    return [d.total_cost_usd_per_year, d.delivered_mt_per_year, d.unserved_mt_per_year, d.shadow_price, d.binding,
            d.corridor_flow]


def timed(fn, repeats: int = REPEATS) -> tuple[float, float, object]:
    return _timed(fn, repeats)


def main(n: int = 10_000) -> None:
    from distributed import LocalCluster

    s = corridor.load_scenario(SCENARIO)
    one = s.with_cases([c for c in s.data["cases"] if c["name"] == CASE])
    corridor.run(one, draws=100)  # imports
    print(f"{SCENARIO.name}, case {CASE!r}: {n:,} draws through corridor.run; wall-clock medians of {REPEATS}\n")
    rows = {}
    ref = None
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        backends = {"in-process": {}, "2 local processes": {"workers": 2},
                    "Dask LocalCluster, 2 workers": {"scheduler": address}}
        for name, kw in backends.items():
            wall, cpu, res = timed(lambda kw=kw: corridor.run(one, draws=n, seed=1, **kw))
            same = ref is None or all(np.array_equal(a, b) for a, b in zip(ref, arrays(res)))
            ref = ref if ref is not None else arrays(res)
            rows[name] = wall
            print(f"{name:30s} {wall:7.2f} s  {n / wall:5.0f} draws/s  {rows['in-process'] / wall:4.2f}x in-process  "
                  f"identical: {same}")

        print(f"\nthe same {n:,} draws as tasks of {BLOCK} draws, each timed where it runs (CPU s; the tasks' wall "
              "s added up: where it exceeds the CPU, the task waited for a core):")
        ctx = FlowDrawContext.build([one.case(CASE)], one.uncertainty, seed=1)
        blocks = plan_blocks(n, BLOCK, key=CASE)
        for name, kw in backends.items():
            w0 = time.perf_counter()
            with Executor(**kw) as ex:
                out = ex.map(timed_block, ctx, blocks)
            wall = time.perf_counter() - w0
            cpu, waited = sum(o[1] for o in out), sum(o[2] for o in out)
            print(f"  {name:30s} wall {wall:6.2f} s; tasks: CPU {cpu:6.2f} s = {cpu / n * 1e3:.3f} ms/draw = "
                  f"{n / cpu:5.0f} draws/s/core, wall {waited:6.2f} s, on {len({o[0] for o in out})} process(es)")

        print("\noverhead per task (a task that does nothing; context = the case's draw context), from maps of "
              f"{FEW} and {MANY} tasks: start-up = what a map costs before its first task, per task = the slope")
        for name, kw in (("2 local processes (a pool per map)", {"workers": 2}),
                         ("Dask LocalCluster (running; context scattered per map)", {"scheduler": address})):
            with Executor(**kw) as ex:
                ex.map(nothing, ctx, plan_blocks(4, 1, key=CASE))  # connect, warm up
                few, _, _ = timed(lambda ex=ex: ex.map(nothing, ctx, plan_blocks(FEW, 1, key=CASE)))
                many, _, _ = timed(lambda ex=ex: ex.map(nothing, ctx, plan_blocks(MANY, 1, key=CASE)))
            per = (many - few) / (MANY - FEW)
            print(f"  {name:56s} start-up {few - FEW * per:6.2f} s, {per * 1e3:6.2f} ms per task")

    print(f"\nblock size on 2 local processes ({n // 2:,} draws):")
    base = None
    for size in (16, 64, 256, 1024):
        wall, _, _ = timed(lambda size=size: corridor.run(one, draws=n // 2, seed=1, workers=2, block=size), 1)
        base = base or wall
        print(f"  block {size:5d}: {wall:6.2f} s  ({-(-(n // 2) // size):4d} tasks; {wall / base:4.2f}x block 16)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
