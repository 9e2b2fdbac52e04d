"""Time of the criticality of annual flows: every element (links, nodes, transfers, crossings, countries) closed in
turn, on the shipped baseline flows.

"The shipped baseline flows" is the [flows] of scenarios/scale_up.toml (10 Mt/yr from Tavan Tolgoi and Ukhaa Khudag
to Japan and Korea, 2015 network; its case "10 Mt/yr"); the script also times all 12 cases of that scenario.

Two methods, timed alternately N times in the same run:

- **prepared**: corridor.criticality.criticality: the LP is built once per case and solved again with each element's
  arcs held at 0 (corridor.flows.modify); elements that carry no flow are not re-solved;
- **cold**: for every element, Network.close (links, nodes, transfers; a crossing = its links; a country) on the case's
  network, build_graph and allocate from scratch, as a user would without the module.

Both give the same extra annual cost for every element (checked). Prints medians and the ratio cold / prepared.

    python benchmarks/bench_criticality.py [N]
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
from corridor.criticality import criticality  # noqa: E402
from corridor.flows import allocate  # noqa: E402

SCENARIO = ROOT / "scenarios" / "scale_up.toml"
BASELINE = "10 Mt/yr"


def cold(scenario, case_name: str) -> dict[tuple[str, str], float]:
    """Extra annual cost (USD/yr) of closing each element, rebuilding the network, graph and LP every time."""
    case = scenario.case(case_name)
    f, s = case.require_flows(), case.settings
    kw = dict(unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
              value_of_time_usd_per_t_day=s.value_of_time_usd_per_t_day,
              carbon_price_usd_per_t_co2=s.carbon_price_usd_per_t_co2)
    base = allocate(corridor.build_graph(case.network), f.supply, f.demand, **kw).totals["total_cost_usd_per_year"]
    out = {}
    # the same elements as the prepared method, closed through Network.close
    elements = criticality(scenario, case=case_name, include_sets=False).table
    for r in elements.itertuples():
        net = case.network
        if r.kind == "crossing":
            a, _, b = r.id.partition("/")
            lk = net.links
            ids = list(lk.index[((lk["from"] == a) & (lk["to"] == b)) | ((lk["from"] == b) & (lk["to"] == a))])
            net = net.close(links=ids)
        else:
            net = net.close(**{{"link": "links", "node": "nodes", "transfer": "transfers",
                                "country": "countries"}[r.kind]: [r.id]})
        total = allocate(corridor.build_graph(net), f.supply, f.demand, **kw).totals["total_cost_usd_per_year"]
        out[(r.kind, r.id)] = max(0.0, total - base)
    return out


def main(n: int = 3) -> None:
    scenario = corridor.load_scenario(SCENARIO)
    flows_cases = [c.name for c in scenario.cases if c.flows is not None]
    criticality(scenario, case=BASELINE)  # warm up imports
    times: dict[str, list[float]] = {"prepared": [], "cold": [], "prepared, all cases": []}
    for _ in range(n):
        t = time.perf_counter()
        fast = criticality(scenario, case=BASELINE, include_sets=False)
        times["prepared"].append(time.perf_counter() - t)
        t = time.perf_counter()
        slow = cold(scenario, BASELINE)
        times["cold"].append(time.perf_counter() - t)
        t = time.perf_counter()
        criticality(scenario, include_sets=False)
        times["prepared, all cases"].append(time.perf_counter() - t)
    got = {(r.kind, r.id): r.extra_cost_usd_per_year for r in fast.table.itertuples()}
    worst = max(abs(got[k] - v) for k, v in slow.items())
    assert worst < 1e-3 * max(1.0, max(slow.values())), worst
    n_el = len(fast.table)
    costly = int(((fast.table["extra_cost_usd_per_year"] > 0) | (fast.table["unserved_mt_per_year"] > 0)).sum())
    print(f"{SCENARIO.name}, case '{BASELINE}': {n_el} elements ({costly} whose loss costs something); "
          f"{len(flows_cases)} cases in all; {n} runs; max difference {worst:.3g} USD/yr")
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"  {k:22s} median {v:7.3f} s   (min {min(times[k]):.3f}, max {max(times[k]):.3f})")
    print(f"  cold / prepared: {med['cold'] / med['prepared']:.1f}x; target: every element of the baseline flows "
          f"in under 5 s -> {'met' if med['prepared'] < 5 else 'NOT met'}")
    print(f"  (all {len(flows_cases)} cases, prepared: {med['prepared, all cases']:.2f} s; "
          f"{np.mean([med['prepared, all cases'] / len(flows_cases)]):.2f} s per case)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
