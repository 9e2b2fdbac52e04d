"""``corridor run``: solve a scenario file and print (or write) the routes and flows of each case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._files import Staging, target_problem
from ..errors import InputError, OutputError, one_line, shown


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("run", help="solve a scenario file and print the routes (and flows) of each case")
    r.add_argument("scenario", type=Path, help="scenario file (TOML)")
    r.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    r.add_argument("--out", type=Path, metavar="DIR", help="also write the tables as CSV files into DIR")
    r.add_argument("--plots", type=Path, metavar="DIR",
                   help="also draw the charts as PNG and SVG into DIR: cost bars, time/cost-distance and map per case "
                        "(shipment routes); capacity and flow map (annual flows); cost distribution and P(cheapest) "
                        "(with --draws)")
    r.add_argument("--plot-case", action="append", metavar="NAME",
                   help="with --plots: draw only this case's charts (repeat for more cases)")
    r.add_argument("--draws", type=int, default=0, metavar="N",
                   help="sample the [[uncertainty]] entries N times: P10/P50/P90 and probability of being cheapest")
    r.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the draws (default 0)")
    r.set_defaults(handler=_run)


def _run(args) -> int:
    from ..report import text_report
    from ..scenario import load_scenario
    from ..solve import run

    if args.draws < 0 or args.seed < 0:
        raise InputError("--draws and --seed must be at least 0")
    for flag, folder in (("--out", args.out), ("--plots", args.plots)):  # before solving: a file where a folder goes
        problem = folder is not None and target_problem(folder / "_")
        if problem:
            raise OutputError(f"{flag} {folder}: {problem}")
    results = run(load_scenario(args.scenario), draws=args.draws, seed=args.seed)
    if len(results.routes) == 0 and not results.allocations:
        for case, why in results.failures.items():
            print(one_line(f"error: {args.scenario}: case {shown(case)}: {why}"), file=sys.stderr)
        return 2
    if args.plot_case and not args.plots:
        raise InputError("--plot-case needs --plots DIR")
    unknown = [c for c in args.plot_case or () if c not in results.cases]
    if unknown:
        raise InputError(f"{args.scenario}: --plot-case: no case named {unknown[0]!r} "
                         f"(cases: {', '.join(results.cases)})")
    output = results.to_json() if args.json else text_report(results)
    with Staging() as stage:  # every output of the run: all written, or none (see corridor._files)
        if args.plots:
            from ..plot import write_plots

            if not write_plots(results, args.plots, cases=args.plot_case, stage=stage):
                print(one_line(f"warning: --plots: {args.scenario} has nothing to draw"), file=sys.stderr)
        if args.out:
            results.write_csv(args.out, stage=stage)
    print(output)
    for case, why in results.failures.items():
        print(one_line(f"warning: case {shown(case)}: {why}"), file=sys.stderr)
    return 0
