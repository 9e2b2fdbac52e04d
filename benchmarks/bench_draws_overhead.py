"""What 100,000 draws add to a plain run, end to end, this code against a baseline revision in the same run.

Four commands, each in a fresh process, alternated N times:

    corridor run scenarios/test_shipment_2015_uncertainty.toml                      (this code, and the baseline)
    corridor run scenarios/test_shipment_2015_uncertainty.toml --draws 100000 --seed 1

The addition is the median of the run with draws less the median of the plain run. Both wall-clock seconds and CPU
seconds of the child processes (user + system) are given: the machine is shared, and wall time counts the other
work on it. The baseline is the code of another revision (default a401a9f, main before this work was merged),
extracted with ``git archive`` into a temporary folder.

Then, in this process, where the addition goes: the candidate routes (searches at the file values and at the ends of
every range), the pricing of the draws, the 1% exact check, and the assembly of the results.

    python benchmarks/bench_draws_overhead.py [N] [BASELINE_REVISION]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "test_shipment_2015_uncertainty.toml"
DRAWS = 100_000


def timed_child(code: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of ``python -m corridor.cli run SCENARIO args`` with ``code`` first."""
    env = dict(os.environ, PYTHONPATH=str(code))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corridor.cli", "run", str(SCENARIO), *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, cwd=code)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def breakdown() -> None:
    sys.path.insert(0, str(ROOT))
    import corridor
    from corridor.uncertainty.candidates import CaseModel
    from corridor.uncertainty.montecarlo import simulate

    s = corridor.load_scenario(SCENARIO)
    corridor.run(s, draws=1000)  # imports, first-call costs

    def cpu(fn, n=3) -> float:
        out = []
        for _ in range(n):
            t = time.process_time()
            fn()
            out.append(time.process_time() - t)
        return statistics.median(out)

    plain = cpu(lambda: corridor.run(s))
    full = cpu(lambda: corridor.run(s, draws=DRAWS, seed=1))
    parts = {}
    for case in s.cases:
        build = cpu(lambda case=case: CaseModel.build(case, s.uncertainty))
        model = CaseModel.build(case, s.uncertainty)
        priced = cpu(lambda model=model: simulate(model, draws=DRAWS, seed=1, check_share=0))
        checked = cpu(lambda model=model: simulate(model, draws=DRAWS, seed=1))
        for k, v in (("candidate routes", build), ("pricing the draws", priced), ("1% exact check", checked - priced)):
            parts[k] = parts.get(k, 0.0) + v
    parts["assembly and the rest"] = (full - plain) - sum(parts.values())
    print(f"\nin one process (CPU s, medians of 3; {len(s.cases)} cases): plain run {plain:.3f}, with {DRAWS:,} draws "
          f"{full:.3f}, addition {full - plain:.3f}")
    for k, v in parts.items():
        print(f"  {k:24s} {v:7.3f}")


def main(n: int = 7, baseline: str = "a401a9f") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", baseline, "corridor", "scenarios"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        codes = {"this code": ROOT, f"baseline {baseline}": old}
        runs = {(c, k): [] for c in codes for k in ("plain", "draws")}
        for code in codes.values():
            timed_child(code, [])  # warm the file cache
        for _ in range(n):
            for name, code in codes.items():
                runs[(name, "plain")].append(timed_child(code, []))
                runs[(name, "draws")].append(timed_child(code, ["--draws", str(DRAWS), "--seed", "1"]))
    print(f"{SCENARIO.name}, {DRAWS:,} draws: medians of {n} fresh processes, wall s (CPU s)\n")
    print(f"{'':24s} {'plain run':>18s} {'with draws':>18s} {'addition':>18s}")
    for name in codes:
        p = [statistics.median(t[i] for t in runs[(name, "plain")]) for i in (0, 1)]
        d = [statistics.median(t[i] for t in runs[(name, "draws")]) for i in (0, 1)]
        print(f"{name:24s} {p[0]:8.2f} ({p[1]:6.2f}) {d[0]:8.2f} ({d[1]:6.2f}) {d[0] - p[0]:8.2f} "
              f"({d[1] - p[1]:6.2f})")
    breakdown()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 7, args[1] if len(args) > 1 else "a401a9f")
