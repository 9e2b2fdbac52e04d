"""What transit regimes cost: the routing graph's states and arcs, and the time of a run, with and without layers.

The same network twice: as shipped, and with a regimes.csv written beside a copy of it (REGIMES: Mongolian cargo
may transit China to Tianjin and Caofeidian, Russia to Vostochny and Khasan, North Korea to Rajin, at the links' own
tariffs). Prints the states and arcs of the graph for Mongolian cargo (as a shipment builds it) and for every
origin country (as `build_graph(net)` builds it), then runs `corridor run scenarios/test_shipment_2015.toml` on
each in fresh processes, alternately, N times, and prints the medians and their ratio.

    python benchmarks/bench_regimes.py [N] [network]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corridor
from corridor.graph import build_graph

ROOT = Path(__file__).resolve().parent.parent
REGIMES = """id,country,origin_country,exits,basis,coefficient,source,note
cn_mn_transit,CN,MN,tianjin;caofeidian,coefficient,1.0,estimate,benchmark: the links' own tariffs
ru_mn_transit,RU,MN,vostochny;khasan,coefficient,1.0,estimate,benchmark: the links' own tariffs
kp_transit,KP,MN;RU,rajin,coefficient,1.0,estimate,benchmark: the links' own tariffs
"""


def counts(net) -> str:
    mn = build_graph(net, origins=["sharyn_gol"])
    every = build_graph(net)
    return (f"MN cargo {len(mn.states):5d} states {len(mn.arcs):5d} arcs; every origin country "
            f"{len(every.states):5d} states {len(every.arcs):5d} arcs")


def main(n: int = 9, network: str = "baseline") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / network
        shutil.copytree(corridor.network.resolve_network_path(network), folder)
        (folder / "regimes.csv").write_text(REGIMES)
        scenario = (ROOT / "scenarios" / "test_shipment_2015.toml").read_text()
        (Path(tmp) / "layered.toml").write_text(scenario.replace('network = "baseline"', f'network = "{folder}"'))
        print(f"{network} as shipped:   {counts(corridor.load_network(network))}")
        print(f"{network} with regimes: {counts(corridor.load_network(folder))}")
        commands = {"as shipped": ROOT / "scenarios" / "test_shipment_2015.toml",
                    "with regimes": Path(tmp) / "layered.toml"}
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(n):
            for name, path in commands.items():
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "corridor.cli", "run", str(path)], check=True,
                               stdout=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"corridor run test_shipment_2015 {k:13s} median {v * 1000:6.0f} ms "
              f"(min {min(times[k]) * 1000:.0f}, max {max(times[k]) * 1000:.0f}, n={n})")
    print(f"ratio with regimes / as shipped: {med['with regimes'] / med['as shipped']:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9, sys.argv[2] if len(sys.argv) > 2 else "baseline")
