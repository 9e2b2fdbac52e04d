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
    r = sub.add_parser("run", help="solve a scenario file and print the routes of each case")
    r.add_argument("scenario", type=Path, help="scenario file (TOML)")
    r.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    r.add_argument("--out", type=Path, metavar="DIR", help="also write the tables as CSV files into DIR")
    r.add_argument("--plots", type=Path, metavar="DIR",
                   help="also draw the charts (cost bars, time/cost-distance and map per case) as PNG and SVG into DIR")
    v = sub.add_parser("validate", help="check a scenario file or a network folder")
    v.add_argument("path", type=Path)
    n = sub.add_parser("network", help="show what a network holds")
    n.add_argument("name", nargs="?", default="baseline", help="shipped network name or folder (default: baseline)")
    return p


def _run(args) -> int:
    from .report import text_report
    from .scenario import load_scenario
    from .solve import run

    results = run(load_scenario(args.scenario))
    if len(results.routes) == 0:
        for case, why in results.failures.items():
            print(f"error: {args.scenario}: case '{case}': {why}", file=sys.stderr)
        return 2
    if args.out:
        results.write_csv(args.out)
    if args.plots:
        from .plot import write_plots

        write_plots(results, args.plots)
    print(results.to_json() if args.json else text_report(results))
    for case, why in results.failures.items():
        print(f"warning: case '{case}': {why}", file=sys.stderr)
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "validate": _validate, "network": _network}[args.command](args)
    except InputError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
