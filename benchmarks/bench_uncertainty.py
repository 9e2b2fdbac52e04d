"""Monte Carlo speed: the vectorised method against re-solving a shortest path per draw, in the same process.

Scenario: scenarios/test_shipment_2015_uncertainty.toml, case "baseline" (10 uncertain entries in 10 groups, 4 of
them the sea market: vessels.csv and sea distances).

* vectorised: candidate routes priced for blocks of draws (corridor.uncertainty.simulate), timed without and with
  the 1% exact coverage check; candidate search (setup) timed on its own.
* obvious: for each draw, apply the drawn values to the network tables (Network.change), rebuild the routing graph
  and run networkx's Dijkstra. Run on the first N_OBVIOUS draws and extrapolated to all draws (said in the output).
* networkx only: the drawn arc costs handed over ready-made, networkx's Dijkstra per draw on one graph whose edge
  weights are updated: the cost of the solver alone, a lower bound for any per-draw re-solve in networkx.

The methods must agree on every compared draw: the same cheapest cost (to 1e-9) and the same route. Times are medians
of repeats; the machine is shared and noisy.

    python benchmarks/bench_uncertainty.py [DRAWS]
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np

import corridor
from corridor.graph import build_graph
from corridor.routes import SINK, SOURCE, to_networkx
from corridor.uncertainty.candidates import CaseModel
from corridor.uncertainty.entries import apply_values, groups
from corridor.uncertainty.montecarlo import simulate
from corridor.uncertainty.streams import entry_values, sample_uniforms

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "test_shipment_2015_uncertainty.toml"
SEED = 1
N_OBVIOUS = 300  # draws re-solved the obvious way (extrapolated)
N_NX = 3000  # draws re-solved with networkx only


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out




def obvious(case, entries, x: np.ndarray) -> list[tuple[float, list[int]]]:
    """Per draw: change the tables, rebuild the graph, Dijkstra in networkx. Returns (cost, arcs) per draw."""
    ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
    out = []
    for j in range(x.shape[1]):
        net = apply_values(case.network, entries, x[:, j])
        graph = build_graph(net, lot_t=case.shipment.tonnes)  # sea legs priced for the lot, as the model does
        g = to_networkx(graph, graph.money() + vot * graph.days())
        g.add_edges_from(((SOURCE, s) for s in graph.origin_states(ship.origin)), w=0.0, arc=None)
        g.add_edges_from(((t, SINK) for t in graph.destination_states(ship.destination)), w=0.0, arc=None)
        length, path = nx.single_source_dijkstra(g, SOURCE, SINK, weight="w")  # no route pays the destination's pass
        arcs = [g.edges[u, v]["arc"] for u, v in itertools.pairwise(path) if g.edges[u, v]["arc"] is not None]
        out.append((length, arcs))
    return out


def networkx_only(model, w: np.ndarray) -> list[tuple[float, list[int]]]:
    """Per draw: set the edge weights of one networkx graph to the drawn arc costs and run Dijkstra."""
    ship = model.case.shipment
    g = to_networkx(model.graph, w[:, 0])
    g.add_edges_from(((SOURCE, s) for s in model.graph.origin_states(ship.origin)), w=0.0, arc=None)
    g.add_edges_from(((t, SINK) for t in model.graph.destination_states(ship.destination)), w=0.0, arc=None)
    edges = [(u, v, d["arc"]) for u, v, d in g.edges(data=True) if d["arc"] is not None]
    out = []
    for j in range(w.shape[1]):
        wj = w[:, j]
        for u, v, a in edges:
            g.edges[u, v]["w"] = wj[a]
        length, path = nx.single_source_dijkstra(g, SOURCE, SINK, weight="w")
        arcs = [g.edges[u, v]["arc"] for u, v in itertools.pairwise(path) if g.edges[u, v]["arc"] is not None]
        out.append((length, arcs))
    return out


def main(draws: int = 100_000) -> None:
    scenario = corridor.load_scenario(SCENARIO)
    case, entries = scenario.case("baseline"), scenario.uncertainty
    print(f"scenario {SCENARIO.name}, case 'baseline': {len(entries)} uncertain entries in "
          f"{len(groups(entries))} groups, {draws:,} draws, seed {SEED}")

    t_setup, model = median_time(lambda: CaseModel.build(case, entries), 5)
    print(f"setup (k-cheapest candidates at the file values and {2 * len(groups(entries)) + 2} extreme points): "
          f"{t_setup * 1000:.0f} ms -> {len(model.routes.arc_lists)} candidate routes, "
          f"{len(model.routes.used)} arcs that vary on them, {len(model.graph.arcs)} arcs in the graph")

    t_vec, (_cost, gen, _wins, _, _) = median_time(lambda: simulate(model, draws=draws, seed=SEED, check_share=0), 5)
    t_chk, (_, _, _, checked, missed) = median_time(lambda: simulate(model, draws=draws, seed=SEED), 3)
    print(f"vectorised, {draws:,} draws:            {t_vec:7.3f} s  (median of 5)")
    print(f"vectorised + 1% exact coverage check: {t_chk:7.3f} s  (median of 3; {checked:,} draws checked, "
          f"coverage {1 - missed / checked:.1%})")

    # the obvious method, on the same (first) draws
    n_ob = min(N_OBVIOUS, draws)
    x = entry_values(entries, sample_uniforms(SEED, len(groups(entries)), 0, max(n_ob, min(N_NX, draws))))
    t_ob, ref = median_time(lambda: obvious(case, entries, x[:, :n_ob]), 3)
    per_draw = t_ob / n_ob
    print(f"obvious (change tables, rebuild graph, networkx Dijkstra) on {n_ob} draws: {t_ob:.3f} s "
          f"= {per_draw * 1000:.2f} ms/draw -> {per_draw * draws:.1f} s for {draws:,} draws (extrapolated)")
    n_nx = x.shape[1]
    w = model.pricer.weights(x, model.vot)  # drawn arc costs, made outside the timing
    t_nx, ref_nx = median_time(lambda: networkx_only(model, w), 3)
    per_nx = t_nx / n_nx
    print(f"networkx only (drawn arc costs given, Dijkstra per draw) on {n_nx} draws: {t_nx:.3f} s "
          f"= {per_nx * 1e6:.0f} us/draw -> {per_nx * draws:.1f} s for {draws:,} draws (extrapolated)")

    # agreement
    best = np.argmin(gen, axis=0)
    bad = 0
    for j, (length, arcs) in enumerate(ref):
        if abs(length - gen[best[j], j]) > 1e-9 * length or arcs != model.routes.arc_lists[best[j]]:
            bad += 1
    for j, (length, arcs) in enumerate(ref_nx):
        if abs(length - gen[best[j], j]) > 1e-9 * length or arcs != model.routes.arc_lists[best[j]]:
            bad += 1
    print(f"agreement: {len(ref) + len(ref_nx) - bad} of {len(ref) + len(ref_nx)} draws give the same cheapest "
          f"route and cost (to 1e-9)")
    print(f"speed-up: {per_draw * draws / t_vec:,.0f}x over the obvious method, {per_nx * draws / t_vec:,.0f}x over "
          f"networkx only (vectorised without the check); {per_draw * draws / t_chk:,.0f}x and "
          f"{per_nx * draws / t_chk:,.0f}x with it")

    # memory: working memory beyond the stored draws (routes x draws x 2 arrays) stays flat as draws grow
    for n in (draws // 10, draws, 3 * draws):
        tracemalloc.start()
        simulate(model, draws=n, seed=SEED, check_share=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stored = 2 * len(model.routes.arc_lists) * n * 8
        print(f"memory, {n:>9,} draws: peak {peak / 2**20:7.1f} MiB, of which stored draws {stored / 2**20:7.1f} MiB,"
              f" working {(peak - stored) / 2**20:5.1f} MiB")
    if bad:
        sys.exit(f"{bad} draws disagree")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
