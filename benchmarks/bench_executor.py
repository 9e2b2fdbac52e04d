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

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corridor  # noqa: E402
from corridor.batch import Block, Executor, plan_blocks  # noqa: E402
from corridor.uncertainty.flowdraws import FlowDrawContext  # noqa: E402

SCENARIO = ROOT / "scenarios" / "scale_up_uncertainty.toml"
CASE = "20 Mt/yr"
REPEATS = 3


def nothing(context, block: Block) -> int:
    return block.size


def arrays(res) -> list[np.ndarray]:
    d = res.flow_draws[CASE]
    return [d.total_cost_usd_per_year, d.delivered_mt_per_year, d.unserved_mt_per_year, d.shadow_price, d.binding,
            d.corridor_flow]


def timed(fn, repeats: int = REPEATS) -> tuple[float, float, object]:
    wall, cpu, out = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def main(n: int = 10_000) -> None:
    from distributed import LocalCluster

    s = corridor.load_scenario(SCENARIO)
    one = s.with_cases([c for c in s.data["cases"] if c["name"] == CASE])
    corridor.run(one, draws=100)  # imports
    print(f"{SCENARIO.name}, case {CASE!r}: {n:,} draws; wall-clock medians of {REPEATS} (CPU of this process)\n")
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
            print(f"{name:32s} {wall:7.2f} s  ({cpu:6.2f} s CPU here)  {n / wall:6.0f} draws/s  "
                  f"{rows['in-process'] / wall:4.2f}x in-process  identical: {same}")

        print("\noverhead per task (a task that does nothing; context = the case's draw context):")
        ctx = FlowDrawContext.build([one.case(CASE)], one.uncertainty, seed=1)
        tasks = 200
        blocks = plan_blocks(tasks, 1, key=CASE)
        for name, kw in (("in-process", {}), ("2 local processes (pool started inside)", {"workers": 2}),
                         ("Dask LocalCluster (running)", {"scheduler": address})):
            with Executor(**kw) as ex:
                ex.map(nothing, ctx, blocks[:4])  # connect
                wall, _, _ = timed(lambda ex=ex: ex.map(nothing, ctx, blocks))
            print(f"  {name:42s} {wall / tasks * 1e3:8.3f} ms per task ({tasks} tasks in {wall:.2f} s)")

    print(f"\nblock size on 2 local processes ({n // 2:,} draws):")
    base = None
    for size in (16, 64, 256, 1024):
        wall, _, _ = timed(lambda size=size: corridor.run(one, draws=n // 2, seed=1, workers=2, block=size), 1)
        base = base or wall
        print(f"  block {size:5d}: {wall:6.2f} s  ({-(-(n // 2) // size):4d} tasks; {wall / base:4.2f}x block 16)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
