"""Wall time of `corridor run --plots DIR` on the test shipment against the same run without plots, per chart.

Runs each command alternately N times in fresh processes and prints medians; drawing and writing the charts is the
difference from the plain run, divided by the number of charts. Measured for PNG and SVG together (what --plots
wrote before --format) and for PNG alone (the default now).

With ``--baseline PATH`` (another checkout of corridor, e.g. the main branch before a change) the same commands
run in that tree too, in the same loop, so that the ratio compares like with like on the same machine at the same
time (an older tree, whose --plots always writes PNG and SVG, is run without --format):

    python benchmarks/bench_plots.py [N] [--baseline /path/to/other/checkout]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "test_shipment_2015.toml"


def _has_format(tree: Path) -> bool:
    return "--format" in (tree / "corridor" / "cli" / "run.py").read_text(encoding="utf-8")


def main(n: int = 5, baseline: Path | None = None) -> None:
    trees = {"this tree": ROOT} | ({"baseline": baseline} if baseline else {})
    with tempfile.TemporaryDirectory() as tmp:
        commands: dict[str, tuple[Path, list[str], Path | None]] = {}
        for label, tree in trees.items():
            base = [sys.executable, "-m", "corridor.cli", "run", str(SCENARIO)]
            commands[f"{label}: run"] = (tree, base, None)
            out = Path(tmp) / f"{label}-png-svg"
            fmt = ["--format", "png,svg"] if _has_format(tree) else []
            commands[f"{label}: --plots (png+svg)"] = (tree, [*base, "--plots", str(out), *fmt], out)
            if _has_format(tree):
                out = Path(tmp) / f"{label}-png"
                commands[f"{label}: --plots (png)"] = (tree, [*base, "--plots", str(out)], out)
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(n):
            for name, (tree, cmd, _) in commands.items():
                env = dict(os.environ, PYTHONPATH=str(tree))
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree,
                               env=env)
                times[name].append(time.perf_counter() - t0)
        charts = {name: len({p.stem for p in out.iterdir()}) for name, (_, _, out) in commands.items() if out}
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:34s} median {v * 1000:7.0f} ms  (min {min(times[k]) * 1000:.0f}, max {max(times[k]) * 1000:.0f},"
              f" n={n})")
    per_chart = {}
    for name, count in charts.items():
        label = name.split(":")[0]
        per_chart[name] = (med[name] - med[f"{label}: run"]) / count
        print(f"{name:34s} {count} charts: {per_chart[name] * 1000:6.0f} ms per chart")
    if baseline:
        new, old = per_chart["this tree: --plots (png+svg)"], per_chart["baseline: --plots (png+svg)"]
        png = per_chart["this tree: --plots (png)"]
        print(f"per chart, png+svg: {old * 1000:.0f} -> {new * 1000:.0f} ms (ratio {new / old:.2f}); png alone now "
              f"{png * 1000:.0f} ms (ratio {png / old:.2f})")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=5)
    ap.add_argument("--baseline", type=Path, help="another checkout of corridor to compare with")
    a = ap.parse_args()
    main(a.n, a.baseline)
