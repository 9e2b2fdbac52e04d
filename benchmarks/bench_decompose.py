"""The flow decomposition (corridor.flows.decompose) against the one it replaced, in the same run: time and the
flow each loses.

The earlier decomposition dropped every arc flow below 1e-9 x the total supply and gave up on a source at the first
dead end, so small flows beside large ones went missing. The current one keeps every flow above the solver's noise
(1e-14 x the largest flow) and walks on past dead ends. Both decompose the same LP solutions: the "20 Mt/yr" case of
scenarios/scale_up.toml, the generated network of bench_allocate.py (~2,000 nodes), and the toy network with supplies
10 orders of magnitude apart. The script prints median times (n runs), their ratio, and the Mt/yr each leaves out.

    python benchmarks/bench_decompose.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_allocate import generated_network  # noqa: E402

import corridor  # noqa: E402
from corridor.flows import decompose, flow_problem, solve_problem  # noqa: E402


def earlier_decompose(problem, x):
    """The decomposition as it was before issue 12 (commit 81043be), for comparison."""
    n_arcs, n_sup = problem.n_arcs, len(problem.supply_state)
    n_snk = len(problem.sink_state)
    scale = max(1.0, float(problem.demand.sum()), float(problem.supply.sum()))
    eps = 1e-9 * scale
    rem = x[:n_arcs].copy()
    rem[rem < eps] = 0.0
    ysrc = x[n_arcs:n_arcs + n_sup].copy()
    zsnk = x[n_arcs + n_sup:n_arcs + n_sup + n_snk].copy()
    tails, heads = problem.graph.arcs["tail"].to_numpy(), problem.graph.arcs["head"].to_numpy()
    out: dict[int, list[int]] = {}
    for arc in np.flatnonzero(rem > 0):
        out.setdefault(int(tails[arc]), []).append(int(arc))
    sinks: dict[int, list[int]] = {}
    for entry in np.flatnonzero(zsnk > eps):
        sinks.setdefault(int(problem.sink_state[entry]), []).append(int(entry))
    paths: dict = {}

    def next_in(lst, left):
        while lst and left[lst[0]] <= eps:
            lst.pop(0)
        return lst[0] if lst else None

    for i in np.flatnonzero(ysrc > eps):
        while ysrc[i] > eps:
            v = int(problem.supply_state[i])
            path: list[int] = []
            seen = {v: 0}
            k = next_in(sinks.get(v, []), zsnk)
            while k is None:
                a = next_in(out.get(v, []), rem)
                if a is None:
                    break
                w = int(heads[a])
                if w in seen:
                    cycle = [*path[seen[w]:], a]
                    rem[cycle] -= rem[cycle].min()
                    for b in path[seen[w]:]:
                        seen.pop(int(heads[b]), None)
                    path = path[:seen[w]]
                else:
                    path.append(a)
                    seen[w] = len(path)
                v = w
                k = next_in(sinks.get(v, []), zsnk)
            if k is None:
                ysrc[i] = 0.0
                break
            amount = min(ysrc[i], zsnk[k], rem[path].min() if path else np.inf)
            ysrc[i] -= amount
            zsnk[k] -= amount
            if path:
                rem[path] -= amount
            key = (int(problem.supply_origin[i]), int(problem.sink_dest[k]), tuple(path))
            paths[key] = paths.get(key, 0.0) + float(amount)
    return [(o, d, arcs, amt) for (o, d, arcs), amt in paths.items() if amt > eps]


def lost(problem, x, paths) -> float:
    """Mt/yr the LP delivers that the paths do not."""
    n_arcs, n_sup = problem.n_arcs, len(problem.supply_state)
    z = x[n_arcs + n_sup:n_arcs + n_sup + len(problem.sink_state)]
    return float(np.clip(z, 0, None).sum() - sum(p[3] for p in paths))


def main(n: int = 9) -> None:
    scale = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml").case("20 Mt/yr")
    toy = corridor.load_network(ROOT / "tests" / "data" / "toy")
    with tempfile.TemporaryDirectory() as tmp:
        big, big_supply, big_demand = generated_network(Path(tmp) / "generated")
    cases = {
        "scale_up 20 Mt/yr": (scale.network, scale.flows.supply, scale.flows.demand),
        "generated ~2,000 nodes": (big, big_supply, big_demand),
        "toy, 1e4 and 1e-6 Mt/yr": (toy, {"a": 1e4, "b": 1e-6}, {"m": 1e4, "t": 1e-6}),
    }
    print(f"{'case':26s} {'earlier ms':>10s} {'current ms':>10s} {'ratio':>6s} {'earlier lost Mt/yr':>19s} "
          f"{'current lost Mt/yr':>19s}   (medians of n={n})")
    for name, (net, supply, demand) in cases.items():
        problem = flow_problem(corridor.build_graph(net), supply, demand)
        x = np.clip(solve_problem(problem).x, 0.0, None)
        times: dict[str, list[float]] = {"earlier": [], "current": []}
        results = {}
        for _ in range(n):
            for label, fn in (("earlier", earlier_decompose), ("current", decompose)):
                t = time.perf_counter()
                results[label] = fn(problem, x)
                times[label].append(time.perf_counter() - t)
        e, c = (statistics.median(times[k]) for k in ("earlier", "current"))
        print(f"{name:26s} {e * 1000:10.2f} {c * 1000:10.2f} {c / e:6.2f} {lost(problem, x, results['earlier']):19.3g} "
              f"{lost(problem, x, results['current']):19.3g}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
