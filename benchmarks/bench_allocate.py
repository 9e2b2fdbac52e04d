"""Time of the capacitated allocation (corridor.flows) on the baseline network and on a generated large one.

The baseline is the shipped 2015 network with the "20 Mt/yr" case of scenarios/scale_up.toml. The large network is
generated (seeded): about 2,000 nodes and 8,000 links joining nearest neighbours on a plane, two rail gauges with
transfers where they meet, road links with road-rail transfers, capacities on a third of the links and a tenth of
the nodes, 10 origins with loading rows and 10 destinations with unloading rows. Each stage is timed N times,
alternating the two networks; the script prints the LP size, median times and the ratio large/baseline.

    python benchmarks/bench_allocate.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corridor  # noqa: E402
from corridor.flows import flow_problem, read_solution, solve_problem  # noqa: E402
from corridor.graph import build_graph  # noqa: E402


def generated_network(folder: Path, *, n_nodes: int = 2000, n_links: int = 8000, seed: int = 1) -> tuple:
    """Write a random network folder and return (network, supply, demand)."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    xy = rng.random((n_nodes, 2))
    ids = np.array([f"g{i:04d}" for i in range(n_nodes)])
    _, near = cKDTree(xy).query(xy, k=12)
    pairs = {(min(i, j), max(i, j)) for i, row in enumerate(near) for j in row[1:]}
    pairs = sorted(pairs)
    pick = rng.choice(len(pairs), size=min(n_links, len(pairs)), replace=False)
    pairs = np.array(pairs)[np.sort(pick)]
    gauge = np.where(xy[:, 0] < 0.5, "rail1520", "rail1435")
    is_road = rng.random(len(pairs)) < 0.2
    mode = np.where(is_road, "road", gauge[pairs[:, 0]])
    dist = np.maximum(1.0, np.round(np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T) * 3000.0))
    links = pd.DataFrame({
        "id": [f"l{k:05d}" for k in range(len(pairs))], "from": ids[pairs[:, 0]], "to": ids[pairs[:, 1]],
        "mode": mode, "country": "MN", "distance_km": dist, "tariff_usd_per_tkm": np.where(is_road, 0.08, 0.03),
        "speed_km_per_day": np.where(is_road, 300, 450), "fixed_usd_per_t": "",
        "capacity_mt_per_year": np.where(rng.random(len(pairs)) < 1 / 3,
                                         rng.integers(2, 15, len(pairs)).astype(str), ""),
        "both_ways": "true", "co2_g_per_tkm": "", "source": "estimate", "note": "generated"})
    node_modes: dict[str, set] = {}
    for f, t, m in zip(links["from"], links["to"], links["mode"]):
        node_modes.setdefault(f, set()).add(m)
        node_modes.setdefault(t, set()).add(m)
    transfers = []
    for node, modes in sorted(node_modes.items()):
        for a in sorted(modes):
            for b in sorted(modes):
                if a != b:
                    transfers.append(dict(node=node, from_mode=a, to_mode=b, cost_usd_per_t=3.0, dwell_hours=12,
                                          capacity_mt_per_year=""))
    order = rng.permutation([n for n in ids if n in node_modes])
    origins, dests = list(order[:10]), list(order[10:20])
    for o in origins:
        transfers.append(dict(node=o, from_mode="stock", to_mode=sorted(node_modes[o])[0], cost_usd_per_t=1.0,
                              dwell_hours=4, capacity_mt_per_year=""))
    for d in dests:
        transfers.append(dict(node=d, from_mode=sorted(node_modes[d])[0], to_mode="stock", cost_usd_per_t=2.0,
                              dwell_hours=12, capacity_mt_per_year=""))
    transfers = pd.DataFrame(transfers).assign(source="estimate", note="generated")
    node_cap = np.where(rng.random(n_nodes) < 0.1, rng.integers(3, 20, n_nodes).astype(str), "")
    nodes = pd.DataFrame({"id": ids, "name": ids, "country": "MN", "kind": "station", "lat": 40 + 10 * xy[:, 1],
                          "lon": 100 + 20 * xy[:, 0], "pass_usd_per_t": np.round(rng.random(n_nodes), 2),
                          "pass_hours": 1.0, "capacity_mt_per_year": node_cap, "source": "estimate",
                          "note": "generated"})
    folder.mkdir(parents=True, exist_ok=True)
    nodes.to_csv(folder / "nodes.csv", index=False)
    links.to_csv(folder / "links.csv", index=False)
    transfers.to_csv(folder / "transfers.csv", index=False)
    pd.DataFrame([dict(id="generated", title="generated", publisher="", year="", url="", note="")]).to_csv(
        folder / "sources.csv", index=False)
    supply = {o: float(rng.integers(5, 20)) for o in origins}
    demand = {d: float(rng.integers(5, 15)) for d in dests}
    return corridor.load_network(folder), supply, demand


def stages(net, supply, demand, penalty, vot) -> dict[str, float]:
    """Seconds of each stage of one allocation."""
    t0 = time.perf_counter()
    graph = build_graph(net)
    t1 = time.perf_counter()
    problem = flow_problem(graph, supply, demand, unserved_penalty_usd_per_t=penalty, value_of_time_usd_per_t_day=vot)
    t2 = time.perf_counter()
    sol = solve_problem(problem)
    t3 = time.perf_counter()
    alloc = read_solution(problem, sol)
    t4 = time.perf_counter()
    return {"build_graph": t1 - t0, "build LP": t2 - t1, "HiGHS solve": t3 - t2, "read + decompose": t4 - t3,
            "allocation (LP+solve+read)": t4 - t1, "_routes": len(alloc.routes), "_size": problem.size(),
            "_states": len(graph.states), "_arcs": len(graph.arcs)}


def main(n: int = 9) -> None:
    scenario = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml")
    case = scenario.case("20 Mt/yr")
    f = case.flows
    vot = case.settings.value_of_time_usd_per_t_day
    with tempfile.TemporaryDirectory() as tmp:
        big, big_supply, big_demand = generated_network(Path(tmp) / "generated")
    runs = {
        "baseline": (case.network, f.supply, f.demand, f.unserved_penalty_usd_per_t, vot),
        "generated": (big, big_supply, big_demand, 1000.0, 0.0),
    }
    stages(*runs["baseline"])  # warm-up: imports scipy, first-call overheads
    times: dict[str, list[dict]] = {k: [] for k in runs}
    for _ in range(n):
        for name, args in runs.items():
            times[name].append(stages(*args))
    for name, ts in times.items():
        first = ts[0]
        s = first["_size"]
        print(f"{name}: {len(runs[name][0].nodes)} nodes, {len(runs[name][0].links)} links, "
              f"{len(runs[name][0].transfers)} transfers -> {first['_states']} states, {first['_arcs']} arcs; "
              f"LP {s['variables']} variables, {s['equality_rows']} equality + {s['inequality_rows']} inequality rows, "
              f"{s['nonzeros']} non-zeros; {first['_routes']} routes in the decomposition")
    keys = [k for k in times["baseline"][0] if not k.startswith("_")]
    print(f"\n{'stage':30s} {'baseline ms':>12s} {'generated ms':>13s} {'ratio':>7s}   (medians of n={n})")
    for k in keys:
        b = statistics.median(t[k] for t in times["baseline"])
        g = statistics.median(t[k] for t in times["generated"])
        print(f"{k:30s} {b * 1000:12.1f} {g * 1000:13.1f} {g / b:7.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
