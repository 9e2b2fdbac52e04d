"""``corridor run``: solve a scenario file and print (or write) the routes and flows of each case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError


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
    r.add_argument("--workers", type=int, default=0, metavar="N",
                   help="with --draws: solve the draws over [flows] on N local processes (default: in this process); "
                        "the numbers do not change")
    r.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --draws: solve the draws over [flows] on the Dask cluster at ADDRESS (tcp://host:8786; "
                        "needs pip install \"corridor[dask]\"); the numbers do not change")
    r.set_defaults(handler=_run)


def _run(args) -> int:
    from ..report import text_report
    from ..scenario import load_scenario
    from ..solve import run

    if args.draws < 0 or args.seed < 0:
        raise InputError("--draws and --seed must be at least 0")
    if args.workers < 0:
        raise InputError(f"--workers must be at least 0, got {args.workers}")
    if (args.workers or args.scheduler) and not args.draws:
        raise InputError("--workers and --scheduler spread the draws: give --draws N too")
    if args.workers and args.scheduler:
        raise InputError("give --workers (local processes) or --scheduler (a Dask cluster), not both")
    batch = {"workers": args.workers, "scheduler": args.scheduler} if args.draws else {}
    results = run(load_scenario(args.scenario), draws=args.draws, seed=args.seed, **batch)
    if len(results.routes) == 0 and not results.allocations:
        for case, why in results.failures.items():
            print(f"error: {args.scenario}: case '{case}': {why}", file=sys.stderr)
        return 2
    if args.plot_case and not args.plots:
        raise InputError("--plot-case needs --plots DIR")
    unknown = [c for c in args.plot_case or () if c not in results.cases]
    if unknown:
        raise InputError(f"{args.scenario}: --plot-case: no case named {unknown[0]!r} "
                         f"(cases: {', '.join(results.cases)})")
    output = results.to_json() if args.json else text_report(results)
    plots: list = []
    if args.plots:  # first: drawing is what most often fails, and a later failure takes its files back
        from ..plot import write_plots

        plots = write_plots(results, args.plots, cases=args.plot_case)
        if not plots:
            print(f"warning: --plots: {args.scenario} has nothing to draw", file=sys.stderr)
    if args.out:
        from .._files import remove

        try:
            results.write_csv(args.out)
        except OSError:
            remove(plots)
            raise
    print(output)
    for case, why in results.failures.items():
        print(f"warning: case '{case}': {why}", file=sys.stderr)
    return 0
