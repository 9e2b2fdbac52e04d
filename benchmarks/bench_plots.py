"""Wall time of `corridor run --plots DIR` on the test shipment against the same run without plots.

Runs both commands alternately N times in fresh processes and prints medians and the difference (what drawing and
writing every chart, PNG and SVG, costs), and the same run's bench of plain `corridor run` shows that the plot
code, imported lazily, adds nothing when no plot is asked for.

    python benchmarks/bench_plots.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "test_shipment_2015.toml"


def main(n: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "corridor run test_shipment_2015.toml": [sys.executable, "-m", "corridor.cli", "run", str(SCENARIO)],
            "  ... --plots DIR": [sys.executable, "-m", "corridor.cli", "run", str(SCENARIO), "--plots",
                                  str(Path(tmp) / "plots")],
        }
        times = {k: [] for k in commands}
        for _ in range(n):
            for name, cmd in commands.items():
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - t0)
        files = sorted((Path(tmp) / "plots").iterdir())
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        lo, hi = min(times[k]) * 1000, max(times[k]) * 1000
        print(f"{k:40s} median {v * 1000:7.0f} ms  (min {lo:.0f}, max {hi:.0f}, n={n})")
    base, ours = med.values()
    print(f"drawing and writing {len(files)} files: {(ours - base) * 1000:.0f} ms (ratio {ours / base:.2f}); "
          f"{(ours - base) * 1000 / max(1, len(files) // 2):.0f} ms per chart")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
