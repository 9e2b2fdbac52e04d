"""Time of one model evaluation inside a calibration, against the obvious way, on scenarios/observed_flows_2015.toml.

A calibration evaluates the model at many values of the uncertain entries (a few hundred with leave-one-out). The
fast way (corridor.validation.Predictor.predict) reprices only the arcs the entries touch, re-solves the logit
allocation on its fixed path set from the previous duals, and reads each observation off the arc arrays. The
obvious way applies the values to the network (apply_values), rebuilds the routing graph, allocates from scratch
(allocate_logit) and runs the check. Both are timed N times at the same random entry values (seeded), alternating;
the script prints the medians, their ratio, and the largest difference between the two ways' model values (they
must agree).

    python benchmarks/bench_validation.py [N]
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
from corridor.uncertainty import apply_values  # noqa: E402
from corridor.uncertainty.entries import dispersion  # noqa: E402


def main(n: int = 10) -> None:
    scenario = corridor.load_scenario(ROOT / "scenarios" / "observed_flows_2015.toml")
    case = scenario.cases[0]
    entries = scenario.uncertainty
    observations = corridor.validation.read_observations(case.network)
    predictor = corridor.validation.Predictor.build(case, observations, entries)
    rng = np.random.default_rng(1)
    fast, slow, gaps = [], [], []
    for _ in range(n):
        u = rng.random()
        x = np.array([float(e.distribution.ppf(np.array([u]))[0]) for e in entries])
        t0 = time.perf_counter()
        values = predictor.predict(x)
        t1 = time.perf_counter()
        net = apply_values(scenario.network, entries, x)
        flows = dict(case.flows.__dict__, dispersion_usd_per_t=dispersion(case.flows.dispersion_usd_per_t,
                                                                          entries, list(x)))
        changed = scenario.with_network(net).with_flows(**{k: flows[k] for k in ("dispersion_usd_per_t",)})
        report = corridor.validation.check(changed, entries=())
        t2 = time.perf_counter()
        fast.append(t1 - t0)
        slow.append(t2 - t1)
        ref = report.table.set_index("id").loc[[o.id for o in predictor.compared], "modelled"].to_numpy()
        gaps.append(float(np.max(np.abs(np.log((values + 0.1) / (ref + 0.1))))))
    mf, ms = statistics.median(fast), statistics.median(slow)
    print(f"{len(predictor.compared)} observations, {len(entries)} entries, {n} evaluations")
    print(f"Predictor.predict         median {mf * 1000:8.1f} ms")
    print(f"apply + rebuild + check   median {ms * 1000:8.1f} ms")
    print(f"ratio (rebuild / predict)        {ms / mf:8.1f}")
    print(f"largest |log difference| of the model values: {max(gaps):.2e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
