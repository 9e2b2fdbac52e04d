"""Many cases: a 1,000-case flows scenario, this code against a baseline revision, in the same run.

The scenario is scenarios/scale_up.toml's base (20 Mt/yr from two mines to three ports' markets) with N generated
cases (seeded), each changing numbers only: one capacity (a Chinese port, Naushki, the Tavan Tolgoi road or Rajin)
scaled by 0.5-1.5, the Russian rail tariff scaled by 0.5-1.2, and Kashima's demand drawn from 2-6 Mt/yr. Every
tenth case also closes the DPRK (a case that changes what is open, built in full).

Timed, each in a fresh process (CPU seconds of that process, wall-clock beside): loading the scenario (every case
checked, its network changed and priced) and solving it (every allocation). The baseline is the same scenario run
by the code of another revision (default: a401a9f, main before this work was merged), extracted with
``git archive`` into a temporary folder; both must give the same total costs.

    python benchmarks/bench_cases.py [N] [REPEATS] [BASELINE_REVISION]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CAPACITIES = [("nodes", "tianjin"), ("nodes", "caofeidian"), ("nodes", "naushki"),
              ("links", "tavan_tolgoi_gashuunsukhait_road"), ("nodes", "rajin")]

CHILD = r"""
import json, sys, time
import corridor
data = json.load(open(sys.argv[1]))
c0, w0 = time.process_time(), time.perf_counter()
s = corridor.Scenario.from_dict(data, source="many cases", base_dir=__import__("pathlib").Path(sys.argv[2]))
c1, w1 = time.process_time(), time.perf_counter()
r = corridor.run(s)
c2, w2 = time.process_time(), time.perf_counter()
totals = [float(v) for v in r.flow_totals["total_cost_usd_per_year"]]
print(json.dumps({"load": [c1 - c0, w1 - w0], "run": [c2 - c1, w2 - w1], "totals": totals}))
"""


def many_cases(n: int, seed: int = 1) -> dict:
    """scale_up.toml with ``n`` generated cases (numbers only, and every tenth closing the DPRK)."""
    data = tomllib.loads((ROOT / "scenarios" / "scale_up.toml").read_text())
    data["flows"]["supply"] = {"tavan_tolgoi": 12.0, "ukhaa_khudag": 8.0}
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        table, rid = CAPACITIES[i % len(CAPACITIES)]
        case = {"name": f"case {i}", "change": [
            {"table": table, "where": {"id": rid},
             "scale": {"capacity_mt_per_year": float(np.round(rng.uniform(0.5, 1.5), 3))}},
            {"table": "links", "where": {"country": "RU", "mode": "rail1520"},
             "scale": {"tariff_usd_per_tkm": float(np.round(rng.uniform(0.5, 1.2), 3))}}],
            "flows": {"demand": {"kashima": float(np.round(rng.uniform(2, 6), 2)), "pohang": 6.0, "gwangyang": 6.0}}}
        if i % 10 == 9:
            case["close"] = {"countries": ["KP"]}
            case["change"] = case["change"][1:]  # Rajin is closed: its capacity is no longer there to change
        cases.append(case)
    data["cases"] = cases
    return data


def run_child(code_dir: Path, scenario_json: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code_dir))
    out = subprocess.run([sys.executable, "-c", CHILD, str(scenario_json), str(ROOT / "scenarios")], env=env,
                         check=True, capture_output=True, text=True, cwd=code_dir).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(n: int = 1000, repeats: int = 3, baseline: str = "a401a9f") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        scenario_json = tmp_dir / "many.json"
        scenario_json.write_text(json.dumps(many_cases(n)))
        old = tmp_dir / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", baseline, "corridor"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        runs: dict[str, list[dict]] = {"this code": [], f"baseline {baseline}": []}
        for _ in range(repeats):  # alternate, so both see the same load on the machine
            runs["this code"].append(run_child(ROOT, scenario_json))
            runs[f"baseline {baseline}"].append(run_child(old, scenario_json))
    same = np.allclose(runs["this code"][0]["totals"], runs[f"baseline {baseline}"][0]["totals"], rtol=1e-9)
    print(f"{n:,} cases of scale_up.toml (numbers changed; every tenth closes KP); medians of {repeats} fresh "
          f"processes, CPU s (wall s)\n")
    print(f"{'':24s} {'load':>16s} {'run (allocate)':>18s} {'ms per case':>12s}")
    med = {}
    for name, rs in runs.items():
        load = [statistics.median(r["load"][k] for r in rs) for k in (0, 1)]
        run = [statistics.median(r["run"][k] for r in rs) for k in (0, 1)]
        med[name] = (load[0], run[0])
        print(f"{name:24s} {load[0]:7.2f} ({load[1]:6.2f}) {run[0]:8.2f} ({run[1]:7.2f}) "
              f"{(load[0] + run[0]) / n * 1e3:12.1f}")
    (l_new, r_new), (l_old, r_old) = med.values()
    print(f"\nbaseline / this code: load {l_old / l_new:.1f}x, run {r_old / r_new:.1f}x, "
          f"together {(l_old + r_old) / (l_new + r_new):.1f}x; same total costs: {same}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 1000, int(args[1]) if len(args) > 1 else 3, args[2] if len(args) > 2 else "a401a9f")
