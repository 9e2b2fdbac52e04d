"""Warm re-solves in criticality, the diversification curve and project appraisal, against cold solves of the same
LPs in the same run.

- criticality: every element of scenarios/scale_up.toml, case "20 Mt/yr", closed in turn, then derated to half
  (:func:`corridor.flows.modify.solve_modified`, warm, against ``warm=False``: scipy ``linprog`` from scratch);
- diversification: 11 caps on the tonnes through China, scenarios/diversify_2025.toml (markets, sales, regimes);
- appraisal: every subset of the projects of scenarios/projects_2025.toml that change the LP, at two demand levels
  (:meth:`corridor.appraisal.SwitchedLP.solve`, warm against ``warm=False``).

Times are CPU seconds of this process (the machine is shared), medians of REPEATS; every warm objective is compared
with the cold one (largest relative difference printed).

    python benchmarks/bench_warm_paths.py [REPEATS]
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
from corridor.case import Limit  # noqa: E402
from corridor.criticality.elements import elements  # noqa: E402
from corridor.criticality.flows import modifications, prepare  # noqa: E402
from corridor.flows.diversify import limit_row  # noqa: E402
from corridor.flows.modify import Modification, solve_modified  # noqa: E402


def cpu(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t = time.process_time()
        out = fn()
        times.append(time.process_time() - t)
    return statistics.median(times), out


def report(name: str, n: int, warm_fn, cold_fn, repeats: int) -> None:
    t_warm, warm = cpu(warm_fn, repeats)
    t_cold, cold = cpu(cold_fn, repeats)
    worst = max(abs(w - c) / max(1.0, abs(c)) for w, c in zip(warm, cold))
    print(f"{name:34s} {n:5d} LPs  warm {t_warm:6.3f} s ({n / t_warm:6.0f}/s)  cold {t_cold:6.3f} s "
          f"({n / t_cold:5.0f}/s)  cold/warm {t_cold / t_warm:5.1f}x  max rel. diff {worst:.1e}")


def main(repeats: int = 3) -> None:
    print(f"CPU seconds, medians of {repeats}\n")
    s = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml")
    case = s.case("20 Mt/yr")
    prepared = prepare(case)
    f = case.require_flows()
    items = elements(prepared.problem.graph, ends=[*f.supply, *f.destination_nodes()])
    for derate in (None, 0.5):
        _, mods = modifications(prepared, items, derate)
        p = prepared.problem
        report(f"criticality, {'closed' if derate is None else 'derated to 0.5'}", len(mods),
               lambda p=p, mods=mods: [x.objective for x in solve_modified(p, mods)],
               lambda p=p, mods=mods: [x.objective for x in solve_modified(p, mods, warm=False)], repeats)

    d = corridor.load_scenario(ROOT / "scenarios" / "diversify_2025.toml")
    prepared = prepare(d.cases[0])
    p = prepared.problem
    cols, coef, _ = limit_row(p, Limit(countries=("CN",), max_share=1.0))
    total = float(p.demand.sum())
    mods = [Modification(f"{v:.0%}", rows=((cols, coef, v * total),)) for v in np.linspace(1.0, 0.0, 11)]
    report("diversification caps", len(mods), lambda: [x.objective for x in solve_modified(p, mods)],
           lambda: [x.objective for x in solve_modified(p, mods, warm=False)], repeats)

    from corridor.appraisal import SwitchedLP

    a = corridor.load_scenario(ROOT / "scenarios" / "projects_2025.toml")
    fl = a.cases[0].require_flows()
    projects = list(a.network.projects.ids)
    lp = SwitchedLP(a.network, projects, fl.supply, fl.demand, unserved_penalty_usd_per_t=fl.unserved_penalty_usd_per_t)
    touching = [q for q in projects if lp.touches(q)]
    subsets = [c for k in range(len(touching) + 1) for c in itertools.combinations(touching, k)][:256]
    runs = [(c, factor) for c in subsets for factor in (1.0, 1.48)]
    report(f"appraisal ({len(touching)} projects)", len(runs),
           lambda: [lp.solve(c, fac).objective for c, fac in runs],
           lambda: [lp.solve(c, fac, warm=False).objective for c, fac in runs], repeats)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
