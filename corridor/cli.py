"""The ``corridor`` command: a thin shell over the Python API.

Bad input prints one line per problem (``error: file: where: what``) and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corridor", description="Compare coal export routes from Mongolia.")
    sub = p.add_subparsers(dest="command", required=True)
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
    b = sub.add_parser("breakeven", help="the value of an uncertain input at which two routes cost the same")
    b.add_argument("scenario", type=Path, help="scenario file (TOML) with [[uncertainty]] entries")
    b.add_argument("--param", required=True, metavar="NAME", help="name of an [[uncertainty]] entry or group")
    b.add_argument("--routes", nargs=2, required=True, metavar=("A", "B"),
                   help="two routes, each a rank or a node it passes through (id or part of a name)")
    b.add_argument("--within", nargs=2, type=float, metavar=("LOW", "HIGH"),
                   help="range searched (default: the entry's low and high)")
    b.add_argument("--case", help="one case by name (default: every case)")
    b.add_argument("--metric", choices=("generalized", "cost"), default="generalized")
    b.add_argument("--json", action="store_true", help="print the results as JSON")
    t = sub.add_parser("tornado", help="how much each uncertain input alone moves the best route's cost")
    t.add_argument("scenario", type=Path, help="scenario file (TOML) with [[uncertainty]] entries")
    t.add_argument("--case", help="one case by name (default: every case)")
    t.add_argument("--metric", choices=("generalized", "cost"), default="generalized")
    t.add_argument("--png", type=Path, metavar="FILE", help="also draw the tornado chart into FILE")
    t.add_argument("--json", action="store_true", help="print the table as JSON")
    v = sub.add_parser("validate", help="check a scenario file or a network folder")
    v.add_argument("path", type=Path)
    n = sub.add_parser("network", help="show what a network holds")
    n.add_argument("name", nargs="?", default="baseline", help="shipped network name or folder (default: baseline)")
    d = sub.add_parser("sea-distances", help="recompute sea-link distances with searoute and write them into links.csv")
    d.add_argument("name", help="network folder to write into (a shipped network name only with --dry-run)")
    d.add_argument("--dry-run", action="store_true", help="print the table only, write nothing")
    return p


def _run(args) -> int:
    from .report import text_report
    from .scenario import load_scenario
    from .solve import run

    if args.draws < 0 or args.seed < 0:
        raise InputError("--draws and --seed must be at least 0")
    results = run(load_scenario(args.scenario), draws=args.draws, seed=args.seed)
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
        from .plot import write_plots

        plots = write_plots(results, args.plots, cases=args.plot_case)
        if not plots:
            print(f"warning: --plots: {args.scenario} has nothing to draw", file=sys.stderr)
    if args.out:
        from .staging import remove

        try:
            results.write_csv(args.out)
        except OSError:
            remove(plots)
            raise
    print(output)
    for case, why in results.failures.items():
        print(f"warning: case '{case}': {why}", file=sys.stderr)
    return 0


def _breakeven(args) -> int:
    import json

    from .scenario import load_scenario
    from .uncertainty import breakeven

    routes = tuple(int(r) if r.isdigit() else r for r in args.routes)
    found = breakeven(load_scenario(args.scenario), args.param, routes, case=args.case,
                      within=tuple(args.within) if args.within else None, metric=args.metric)
    if args.json:
        print(json.dumps([b.to_dict() for b in found], ensure_ascii=False, indent=2))
    else:
        print("\n".join(str(b) for b in found))
    for why in found.skipped:
        print(f"note: left out {why}", file=sys.stderr)
    return 0


def _tornado(args) -> int:
    from .scenario import load_scenario
    from .uncertainty import tornado

    if args.png and args.png.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(f"--png {args.png}: the file name must end in .png, .svg or .pdf")
    scenario = load_scenario(args.scenario)
    table = tornado(scenario, case=args.case, metric=args.metric)
    if args.png:
        from .plot.uncertainty import tornado_chart

        tornado_chart(table, scenario=scenario.name).savefig(args.png, dpi=150)
    if args.json:
        print(table.to_json(orient="records", force_ascii=False, indent=2))
        return 0
    cols = ["parameter", "low", "high", "change_low", "change_high", "gap_low", "gap_high", "cheapest_low",
            "cheapest_high"]
    for i, (case, part) in enumerate(table.groupby("case", sort=False)):
        if i:
            print()
        print(f"Case: {case} — best route {part['best_usd_per_t'].iloc[0]:.2f} USD/t ({args.metric}); "
              f"gap to the runner-up {part['gap_usd_per_t'].iloc[0]:.2f}")
        print(part[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    return 0


def _validate(args) -> int:
    from .network import load_network
    from .scenario import load_scenario

    if args.path.is_dir():
        net = load_network(args.path)
        print(f"ok: {net!r}")
    else:
        scenario = load_scenario(args.path)
        print(f"ok: {scenario!r}")
    return 0


def _network(args) -> int:
    from .network import load_network
    from .report import network_report

    print(network_report(load_network(args.name)))
    return 0


def _sea_distances(args) -> int:
    from .sea_distances import main as sea_main

    return sea_main(args.name, dry_run=args.dry_run)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "validate": _validate, "network": _network, "breakeven": _breakeven,
                "tornado": _tornado, "sea-distances": _sea_distances}[args.command](args)
    except InputError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as err:  # an output path that cannot be written: --out, --plots, --png
        print(f"error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
