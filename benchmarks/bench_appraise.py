"""Time of the portfolio program (corridor.appraisal.portfolio) and of a whole appraisal.

1. The portfolio MIP (scipy milp, HiGHS) on seeded random benefit tables with 4, 6, 8 and 10 free projects over 1 and
   3 periods, against brute-force enumeration of every schedule measured in the same run (the baseline). Medians of
   N runs; the two must agree.
2. The appraisal of scenarios/projects_2025.toml: the allocations (one LP re-solved with bounds per set of projects
   and representative year) and the portfolio program, medians of N runs.

    python benchmarks/bench_appraise.py [N]
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corridor  # noqa: E402
from corridor.appraisal.portfolio import PortfolioProblem, best_portfolio, brute_force  # noqa: E402


def random_problem(seed: int, n: int, n_k: int) -> PortfolioProblem:
    """Benefits with pairwise competition and complementarity; a total budget of about half the capex."""
    rng = np.random.default_rng(seed)
    allowed = np.zeros((n, n_k), dtype=bool)
    for i in range(n):
        allowed[i, rng.integers(0, n_k):] = True
    alone = rng.uniform(0, 100, size=(n, n_k))
    pair = rng.uniform(-40, 25, size=(n, n))
    value = {}
    for k in range(n_k):
        avail = [i for i in range(n) if allowed[i, :k + 1].any()]
        for r in range(len(avail) + 1):
            for s in itertools.combinations(avail, r):
                value[(frozenset(s), k)] = float(sum(alone[i, k] for i in s)
                                                 + sum(pair[i, j] for i, j in itertools.combinations(s, 2)))
    capex = rng.uniform(10, 100, size=n)
    return PortfolioProblem(projects=tuple(f"p{i}" for i in range(n)), allowed=allowed, forced=np.full(n, -1),
                            value=value, cost=rng.uniform(20, 150, size=(n, n_k)) * allowed, capex_total=capex,
                            budget_total=float(capex.sum() / 2))


def median_seconds(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(runs: int = 5) -> None:
    print(f"portfolio program vs brute force (median of {runs})")
    print(f"{'projects':>8} {'periods':>7} {'binaries':>8} {'MIP s':>8} {'brute s':>8} {'brute/MIP':>9}  agree")
    for n, n_k in ((4, 1), (6, 1), (8, 1), (10, 1), (4, 3), (6, 3), (8, 3), (10, 3)):
        prob = random_problem(n * 10 + n_k, n, n_k)
        t_mip, mip = median_seconds(lambda prob=prob: best_portfolio(prob), runs)
        if (n_k + 1) ** n > 100_000:  # a million schedules: brute force is left out
            print(f"{n:>8} {n_k:>7} {mip.size['binaries']:>8} {t_mip:>8.3f} {'–':>8} {'–':>9}  –")
            continue
        t_bf, bf = median_seconds(lambda prob=prob: brute_force(prob), runs)
        agree = abs(mip.npv - bf.npv) < 1e-6
        print(f"{n:>8} {n_k:>7} {mip.size['binaries']:>8} {t_mip:>8.3f} {t_bf:>8.3f} {t_bf / t_mip:>9.2f}  "
              f"{'yes' if agree else 'NO'}")
    scenario = corridor.load_scenario(ROOT / "scenarios" / "projects_2025.toml")
    t_all, ap = median_seconds(lambda: corridor.appraisal.appraise(scenario), max(1, runs // 2))
    t_none, _ = median_seconds(lambda: corridor.appraisal.appraise(scenario, portfolio=False), max(1, runs // 2))
    print(f"\nprojects_2025.toml: whole appraisal {t_all:.2f} s ({ap.lp_solves} allocations), without the portfolio "
          f"{t_none:.2f} s; portfolio program alone {ap.portfolio['seconds']:.3f} s "
          f"({ap.portfolio['binaries']} binaries)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
