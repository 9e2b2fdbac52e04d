"""Time of `corridor sea-distances` (corridor.tools.sea_distances.compute) on the shipped baseline network.

Two ways over the same 16 sea links, alternated N times in one run:

- ``per link``: each link sets up its own view of searoute's maritime network (the node list, the nearest
  nodes of both ports sorted from all nodes, every network path searched afresh), as the command did before;
- ``per run``: :func:`compute`, which builds the node list once and reuses each port's nearest nodes and
  each node pair's path across links.

Both must give the same distances (checked). Prints medians and the ratio.

    python benchmarks/bench_sea_distances.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corridor  # noqa: E402
from corridor.tools.sea_distances import compute, sea_distance  # noqa: E402


def per_link(net) -> dict[str, float]:
    out = {}
    for lid, link in net.links[net.links["mode"] == "sea"].iterrows():
        a = tuple(net.nodes.loc[link["from"], ["lat", "lon"]].astype(float))
        b = tuple(net.nodes.loc[link["to"], ["lat", "lon"]].astype(float))
        out[lid] = round(sea_distance(a, b)["distance_km"])  # a fresh network view for every link
    return out


def main(n: int = 5) -> None:
    net = corridor.load_network("baseline")
    compute("baseline")  # warm-up: searoute loads its network once per process (lru_cache)
    times = {"per link": [], "per run": []}
    for _ in range(n):
        t = time.perf_counter()
        old = per_link(net)
        times["per link"].append(time.perf_counter() - t)
        t = time.perf_counter()
        new = compute("baseline")["computed_km"].to_dict()
        times["per run"].append(time.perf_counter() - t)
        assert old == new, "the two ways disagree"
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"sea links: {len(new)}, repeats: {n}")
    for k, v in med.items():
        print(f"{k:>9}: median {v:.3f} s")
    print(f"ratio per link / per run: {med['per link'] / med['per run']:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
