"""The fuzz campaign: thousands of generated inputs (tests/fuzzing.py), counted by outcome.

    python benchmarks/fuzz_campaign.py --runs 3000 [--api 500] [--seed 12] [--plots] [--json counts.json]

Runs ``corridor.cli.main`` in-process on each input (and the API on ``--api`` more) and prints how many ended in a
traceback, a hang, an exit other than 0/2/130/143, a partial output, a non-finite result, a leaked warning or a
message broken over lines, with the first examples of each. A run stopped at the time limit (30 s; 240 s with
--plots) counts as a hang if it used less than a fifth of that in CPU (blocked, e.g. on a FIFO) and is blocked again
when run once more with twice the time (a run starved of CPU on a loaded machine is not), else as slow (not a
failure). The inputs depend only on ``--seed``, so two versions of
the code are compared on the same inputs. This is a record, not a test: ``tests/test_fuzz.py`` asserts.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fuzzing import Outcome, Spec, api_specs, run_spec, specs

CLASSES = ("traceback", "hang", "bad exit", "partial", "non-finite", "warning", "multi-line", "harness error",
           "slow (not a failure)")


def classify(o: Outcome) -> list[str]:
    out = []
    if o.traceback:
        out.append("traceback")
    if o.hang:
        out.append("hang")
    if o.bad_exit and not o.traceback and not o.hang:
        out.append("bad exit")
    if o.partial:
        out.append("partial")
    if o.nonfinite:
        out.append("non-finite")
    if o.warning:
        out.append("warning")
    if o.multiline:
        out.append("multi-line")
    if o.slow:
        out.append("slow (not a failure)")
    return out


def campaign(strategy, n: int, seed_value: int, label: str, log) -> dict:
    counts: collections.Counter = collections.Counter()
    exits: collections.Counter = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    kinds: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    seen: set[str] = set()
    start = time.monotonic()

    @seed(seed_value)
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(spec: Spec) -> None:
        key = spec.describe()
        seen.add(key)
        try:
            outcome = run_spec(spec)
        except Exception as err:  # the harness itself: counted apart, never hidden
            counts["harness error"] += 1
            examples["harness error"].append(f"{key[:600]}\n      -> {err!r}")
            return
        counts["runs"] += 1
        exits[str(outcome.code)] += 1
        for c in classify(outcome):
            counts[c] += 1
            detail = outcome.problems()
            kinds[c][next((d for d in detail if d.startswith(c.split()[0])), c)[:150]] += 1
            if len(examples[c]) < 5:
                examples[c].append(f"{key[:600]}\n      -> {'; '.join(detail)[:400]}")
        if counts["runs"] % 100 == 0:
            print(f"  {label}: {counts['runs']} runs, {time.monotonic() - start:.0f} s, "
                  f"{ {c: counts[c] for c in CLASSES if counts[c]} }", file=log, flush=True)

    try:
        one()
    except Exception as err:  # the campaign stops (e.g. Hypothesis found its own strategies flaky): keep the counts
        counts["stopped early"] += 1
        examples["stopped early"].append(f"{type(err).__name__}: {str(err)[:300]}")
    counts["distinct"] = len(seen)
    return {"counts": dict(counts), "exits": dict(exits), "examples": dict(examples),
            "kinds": {k: dict(v.most_common(15)) for k, v in kinds.items()}, "seconds": time.monotonic() - start}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=1000, help="CLI inputs")
    p.add_argument("--api", type=int, default=200, help="API inputs")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--plots", action="store_true", help="draw --plots in one input of ten that writes (slow)")
    p.add_argument("--json", type=Path, help="write the counts and examples here")
    args = p.parse_args()
    report = {}
    if args.runs:
        report["cli"] = campaign(specs(plots=args.plots), args.runs, args.seed, "cli", sys.stderr)
    if args.api:
        report["api"] = campaign(api_specs(), args.api, args.seed + 1, "api", sys.stderr)
    for name, part in report.items():
        c = part["counts"]
        print(f"{name}: {c.get('runs', 0)} runs ({c.get('distinct', 0)} distinct) in {part['seconds']:.0f} s; "
              f"exits {part['exits']}")
        for cls in CLASSES:
            print(f"  {cls:11s} {c.get(cls, 0)}")
        for cls, kinds in part["kinds"].items():
            print(f"  {cls}:")
            for k, v in kinds.items():
                print(f"    {v:4d}  {k}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
