"""Wall time of `corridor run` on the test shipment against Python importing pandas and networkx.

Runs both commands alternately N times in fresh processes and prints medians and the difference: the time corridor
itself adds beyond Python's start-up and its two unavoidable imports.

    python benchmarks/bench_cli.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "test_shipment_2015.toml"
COMMANDS = {
    "python -c 'import pandas, networkx'": [sys.executable, "-c", "import pandas, networkx"],
    "corridor run test_shipment_2015.toml": [sys.executable, "-m", "corridor.cli", "run", str(SCENARIO)],
}


def main(n: int = 15) -> None:
    times = {k: [] for k in COMMANDS}
    for _ in range(n):
        for name, cmd in COMMANDS.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        lo, hi = min(times[k]) * 1000, max(times[k]) * 1000
        print(f"{k:45s} median {v * 1000:7.0f} ms  (min {lo:.0f}, max {hi:.0f}, n={n})")
    base, ours = med.values()
    print(f"corridor beyond the imports: {(ours - base) * 1000:.0f} ms (ratio {ours / base:.2f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
