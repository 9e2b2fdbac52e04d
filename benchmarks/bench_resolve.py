"""LP re-solves per second per core: warm-started highspy against a cold scipy linprog, on the same draws.

Case "20 Mt/yr" of scenarios/scale_up_uncertainty.toml (the shipped 20 Mt/yr scale-up case with uncertain tariffs,
sea market, capacities and volumes). The same N draws are solved

* warm: :meth:`corridor.flows.FlowModel.solve` (the LP held by HiGHS, re-solved from the base basis);
* cold: :meth:`corridor.flows.FlowModel.solve_cold` (``scipy.optimize.linprog(method="highs")`` from scratch), on
  the first N_COLD of them;
* whole draw: :func:`corridor.uncertainty.flowdraws.flow_block` (pricing the arcs, capacities and volumes of the
  draws, the warm solve, the decomposition into corridors, the binding test and prices): what a draw costs in a run.

Times are CPU seconds of this process (``time.process_time``: the machine is shared, and wall time counts the other
processes too), medians of repeats; wall-clock medians are printed beside them. Every cold objective is compared
with the warm one (relative difference).

    python benchmarks/bench_resolve.py [N] [REPEATS]
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
from corridor.batch import Block  # noqa: E402
from corridor.uncertainty.entries import groups  # noqa: E402
from corridor.uncertainty.flowdraws import FlowCase, FlowDrawContext, flow_block  # noqa: E402
from corridor.uncertainty.streams import entry_values, sample_uniforms  # noqa: E402

SCENARIO = ROOT / "scenarios" / "scale_up_uncertainty.toml"
CASE = "20 Mt/yr"
N_COLD = 300  # cold solves per repeat (slower)


def timed(fn, repeats: int) -> tuple[float, float, object]:
    """Median CPU and wall seconds of ``fn()`` over ``repeats`` runs, and its last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), out


def main(n: int = 2000, repeats: int = 3) -> None:
    s = corridor.load_scenario(SCENARIO)
    case = s.case(CASE)
    fc = FlowCase.build(case, s.uncertainty)
    m = fc.model
    size = m.problem.size()
    x = entry_values(s.uncertainty, sample_uniforms(0, len(groups(s.uncertainty)), 0, n))
    nums = fc.numbers(x)
    draws = [{k: v[:, j] for k, v in nums.items() if v is not None} for j in range(n)]
    m.solve(**draws[0])
    m.solve_cold(**draws[0])  # imports and first-call overheads

    warm_cpu, warm_wall, warm = timed(lambda: [m.solve(**d) for d in draws], repeats)
    k = min(N_COLD, n)
    cold_cpu, cold_wall, cold = timed(lambda: [m.solve_cold(**d) for d in draws[:k]], repeats)
    rel = max(abs(a.objective - b.objective) / max(1.0, abs(b.objective)) for a, b in zip(warm, cold))
    same_x = sum(np.allclose(a.x, b.x, rtol=1e-7, atol=1e-9) for a, b in zip(warm, cold))

    ctx = FlowDrawContext(entries=s.uncertainty, seed=0, cases={CASE: fc})
    flow_block(ctx, Block(0, 0, 50, CASE))
    block_cpu, block_wall, _ = timed(lambda: flow_block(ctx, Block(0, 0, n, CASE)), repeats)

    per = {"warm re-solve (highspy)": (warm_cpu / n, warm_wall / n), "cold solve (scipy linprog)":
           (cold_cpu / k, cold_wall / k), "whole draw (price + warm solve + read)": (block_cpu / n, block_wall / n)}
    print(f"{SCENARIO.name}, case {CASE!r}: LP {size['variables']} variables, {size['equality_rows']} + "
          f"{size['inequality_rows']} rows, {size['nonzeros']} non-zeros; {len(s.uncertainty)} uncertain entries")
    print(f"{n} draws warm and whole, the first {k} cold; medians of {repeats} repeats\n")
    print(f"{'':42s} {'ms CPU':>8s} {'ms wall':>8s} {'per s/core':>11s}")
    for name, (c, w) in per.items():
        print(f"{name:42s} {c * 1e3:8.3f} {w * 1e3:8.3f} {1 / c:11.0f}")
    print(f"\ncold / warm (CPU): {per['cold solve (scipy linprog)'][0] / per['warm re-solve (highspy)'][0]:.1f}x; "
          f"whole draws per second per core: {1 / per['whole draw (price + warm solve + read)'][0]:.0f} "
          f"(goal >= 500)")
    print(f"warm vs cold on {k} draws: largest relative objective difference {rel:.2e}; same flows on {same_x} of {k} "
          "(elsewhere an equally cheap optimum)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
