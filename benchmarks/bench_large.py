"""Route search and flows on a generated 10,000-node network.

The network is generated as in bench_allocate.py (seeded): nodes on a plane joined to near neighbours, two rail gauges
with transfers where they meet, road links, capacities on a third of the links and a tenth of the nodes, 10 origins
and 10 destinations; here 10,000 nodes and 40,000 links.

* Route search, k = 20 cheapest routes between an origin and a destination: ``corridor.routes.cheapest_routes``
  (``scipy.sparse.csgraph.yen`` on the states, parallel arcs through mid-points, the node-visit rule applied to the
  paths found) against the networkx search it replaced (``networkx.shortest_simple_paths`` with the same rule), in
  the same run. Both must find routes of the same costs.
* Flows: the stages of one allocation (routing graph, LP, HiGHS cold solve, reading the tables), then warm re-solves
  of draws that move every arc cost by up to +-10% and the capacities by up to +-20%: the per-solve time behind the
  projection in docs/scaling.md.

Times are medians of repeats, wall-clock with CPU time of this process beside them; the machine is shared.

    python benchmarks/bench_large.py [NODES] [REPEATS]
"""

from __future__ import annotations

import sys
import tempfile
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import timed  # noqa: E402
from bench_allocate import generated_network  # noqa: E402

from corridor.flows import FlowModel, flow_problem, read_solution  # noqa: E402
from corridor.graph import build_graph  # noqa: E402
from corridor.routes import MAX_INVALID_IN_A_ROW, SINK, SOURCE, cheapest_routes, is_valid, to_networkx  # noqa: E402

K = 20
DRAWS = 20  # warm re-solves timed


def networkx_routes(graph, origin: str, destination: str, k: int, weights: np.ndarray) -> list[list[int]]:
    """The networkx search corridor used before (Yen's via shortest_simple_paths, then the node-visit rule,
    stopping after MAX_INVALID_IN_A_ROW invalid paths in a row)."""
    import networkx as nx

    g = to_networkx(graph, weights)
    g.add_edges_from(((SOURCE, s) for s in graph.origin_states(origin)), w=0.0, arc=None)
    g.add_edges_from(((e, SINK) for e in graph.destination_states(destination)), w=0.0, arc=None)
    routes, misses = [], 0
    for path in nx.shortest_simple_paths(g, SOURCE, SINK, weight="w"):
        arcs = [a for a in (g.edges[u, v]["arc"] for u, v in pairwise(path)) if a is not None]
        if is_valid(graph, arcs):
            routes.append(arcs)
            misses = 0
            if len(routes) == k:
                break
        else:
            misses += 1
            if misses >= MAX_INVALID_IN_A_ROW:
                break
    return routes




def main(n_nodes: int = 10_000, repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        net, supply, demand = generated_network(Path(tmp) / "big", n_nodes=n_nodes, n_links=4 * n_nodes, seed=1)
    t_graph = timed(lambda: build_graph(net), repeats)
    graph = t_graph[2]
    w = graph.weights(0.0)
    print(f"generated network: {len(net.nodes):,} nodes, {len(net.links):,} links, {len(net.transfers):,} transfers "
          f"-> {len(graph.states):,} states, {len(graph.arcs):,} arcs\n")
    print(f"{'stage':48s} {'wall s':>8s} {'CPU s':>8s}")
    print(f"{'routing graph (build_graph)':48s} {t_graph[0]:8.3f} {t_graph[1]:8.3f}")

    # route search: pairs of an origin and a destination
    pairs = list(zip(list(supply)[:2], list(demand)[:2]))
    for o, d in pairs:
        t_sp = timed(lambda o=o, d=d: cheapest_routes(graph, o, d, K, 0.0), repeats)
        t_nx = timed(lambda o=o, d=d: networkx_routes(graph, o, d, K, w), 1)
        a = sorted(round(float(w[r].sum()), 6) for r in t_sp[2])
        b = sorted(round(float(w[r].sum()), 6) for r in t_nx[2])
        print(f"{f'k={K} routes {o}->{d}: scipy yen':48s} {t_sp[0]:8.3f} {t_sp[1]:8.3f}")
        print(f"{f'k={K} routes {o}->{d}: networkx (before)':48s} {t_nx[0]:8.3f} {t_nx[1]:8.3f}   "
              f"ratio {t_nx[0] / t_sp[0]:5.1f}x; same costs: {a == b}")

    # flows
    t_lp = timed(lambda: flow_problem(graph, supply, demand), repeats)
    problem = t_lp[2]
    t_model = timed(lambda: FlowModel(problem), repeats)
    model = t_model[2]
    t_base = timed(lambda: model.solve(), repeats)
    t_read = timed(lambda: read_solution(problem, t_base[2]), repeats)
    size = problem.size()
    print(f"{'LP (flow_problem)':48s} {t_lp[0]:8.3f} {t_lp[1]:8.3f}   {size['variables']:,} variables, "
          f"{size['equality_rows'] + size['inequality_rows']:,} rows")
    print(f"{'HiGHS: pass the LP and solve cold (FlowModel)':48s} {t_model[0]:8.3f} {t_model[1]:8.3f}")
    print(f"{'read the allocation (read_solution)':48s} {t_read[0]:8.3f} {t_read[1]:8.3f}   "
          f"{len(t_read[2].routes)} routes")

    rng = np.random.default_rng(3)
    cost0, cap0 = model.base_cost, model.base_capacity
    draws = [dict(cost=cost0 * rng.uniform(0.9, 1.1, len(cost0)), capacity=cap0 * rng.uniform(0.8, 1.2, len(cap0)))
             for _ in range(DRAWS)]
    t_warm = timed(lambda: [model.solve(**dr) for dr in draws], 1)
    t_cold = timed(lambda: [model.solve_cold(**dr) for dr in draws[:3]], 1)
    rel = max(abs(a.objective - b.objective) / abs(b.objective) for a, b in zip(t_warm[2], t_cold[2]))
    print(f"{'warm re-solve of a draw (per solve)':48s} {t_warm[0] / DRAWS:8.3f} {t_warm[1] / DRAWS:8.3f}")
    print(f"{'cold linprog of a draw (per solve)':48s} {t_cold[0] / 3:8.3f} {t_cold[1] / 3:8.3f}   "
          f"cold/warm {t_cold[1] / 3 / (t_warm[1] / DRAWS):.1f}x; objectives agree to {rel:.1e}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
