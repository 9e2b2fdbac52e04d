"""``corridor run``: solve a scenario file and print (or write) the routes and flows of each case."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from .._files import Staging, target_problem
from ..errors import InputError, OutputError, one_line, shown

FORMATS = ("png", "svg", "pdf")


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("run", help="solve a scenario file and print the routes (and flows) of each case")
    r.add_argument("scenario", type=Path, help="scenario file (TOML)")
    r.add_argument("--json", action="store_true", help="print the results as JSON on stdout (with the run manifest)")
    r.add_argument("--wide", action="store_true",
                   help="print every column of the tables, however wide (default: fit the terminal)")
    r.add_argument("--out", type=Path, metavar="DIR",
                   help="also write the tables as CSV files into DIR, with the run's manifest.json")
    r.add_argument("--no-bom", action="store_true",
                   help="with --out: write the CSV files without the UTF-8 byte-order mark (Excel wants it)")
    r.add_argument("--xlsx", type=Path, metavar="FILE",
                   help="also write one Excel workbook: a sheet per table, the inputs and the sources (needs openpyxl)")
    r.add_argument("--geojson", type=Path, metavar="DIR",
                   help="also write nodes, links, routes and flows as GeoJSON files into DIR (for QGIS)")
    r.add_argument("--plots", type=Path, metavar="DIR",
                   help="also draw the charts into DIR: cost bars, time/cost-distance and map per case "
                        "(shipment routes); capacity and flow map (annual flows); cost distribution and P(cheapest) "
                        "(with --draws)")
    r.add_argument("--format", action="append", metavar="FMT",
                   help="with --plots: png (default), svg or pdf; repeat or separate with commas for several")
    r.add_argument("--plot-case", action="append", metavar="NAME",
                   help="with --plots: draw only this case's charts (repeat for more cases; any letter case)")
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


def formats(values: list[str] | None) -> tuple[str, ...]:
    """The plot formats asked for (``--format png --format svg`` or ``--format png,svg``); PNG by default."""
    out: list[str] = []
    for value in values or ["png"]:
        for fmt in (v.strip().lower().lstrip(".") for v in value.split(",")):
            if fmt not in FORMATS:
                raise InputError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
            if fmt not in out:
                out.append(fmt)
    return tuple(out)


def plot_cases(names: list[str] | None, cases: list[str], where: str) -> list[str] | None:
    """The cases ``--plot-case`` names, matched without regard to letter case; a clear error for an unknown one."""
    if not names:
        return None
    from .._validate import suggest

    by_lower = {c.lower(): c for c in cases}
    out = []
    for name in names:
        if name in cases:
            out.append(name)
        elif name.lower() in by_lower:
            out.append(by_lower[name.lower()])
        else:
            raise InputError(f"{where}: --plot-case: no case named {name!r}{suggest(name, cases)} "
                             f"(cases: {', '.join(cases)})")
    return list(dict.fromkeys(out))


def report_width(wide: bool) -> int | None:
    """The width the text report must fit: None with ``--wide``; the terminal's columns when stdout is one;
    else ``$COLUMNS`` or 120."""
    if wide:
        return None
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return shutil.get_terminal_size((120, 24)).columns if "COLUMNS" in os.environ else 120


def _run(args) -> int:
    from ..report import text_report
    from ..scenario import load_scenario
    from ..solve import run

    if args.draws < 0 or args.seed < 0:
        raise InputError("--draws and --seed must be at least 0")
    for flag, folder in (("--out", args.out), ("--plots", args.plots), ("--geojson", args.geojson)):
        problem = folder is not None and target_problem(folder / "_")  # before solving: a file where a folder goes
        if problem:
            raise OutputError(f"{flag} {folder}: {problem}")
    if args.xlsx is not None and target_problem(args.xlsx):
        raise OutputError(f"--xlsx {args.xlsx}: {target_problem(args.xlsx)}")
    if args.plot_case and not args.plots:
        raise InputError("--plot-case needs --plots DIR")
    if args.format and not args.plots:
        raise InputError("--format needs --plots DIR")
    fmts = formats(args.format)
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
            print(one_line(f"error: {args.scenario}: case {shown(case)}: {why}"), file=sys.stderr)
        return 2
    cases = plot_cases(args.plot_case, results.cases, str(args.scenario))
    output = results.to_json() if args.json else text_report(results, width=report_width(args.wide))
    written = write_outputs(results, args, cases=cases, formats=fmts)
    print(output)
    for case, why in results.failures.items():
        print(one_line(f"warning: case {shown(case)}: {why}"), file=sys.stderr)
    for folder, n in written:
        print(one_line(f"wrote {n} file{'s' if n != 1 else ''} to {folder}"), file=sys.stderr)
    return 0


def write_outputs(results, args, *, cases, formats) -> list[tuple[Path, int]]:
    """Every file the run was asked for, through one staging area (:class:`corridor._files.Staging`): each target
    checked first, everything written, then swapped in together; on a failure or a signal nothing is changed.
    Returns (folder or file, count) pairs."""
    report: list[tuple[Path, int]] = []
    with Staging() as stage:
        if args.plots:
            from ..plot import write_plots

            plots = write_plots(results, args.plots, cases=cases, formats=formats, progress=True, stage=stage)
            if not plots:
                print(one_line(f"warning: --plots: {args.scenario} has nothing to draw"), file=sys.stderr)
            else:
                report.append((args.plots, len(plots)))
        if args.out:
            report.append((args.out, len(results.write_csv(args.out, bom=not args.no_bom, stage=stage))))
        if args.xlsx:
            results.write_xlsx(args.xlsx, stage=stage)
            report.append((args.xlsx, 1))
        if args.geojson:
            report.append((args.geojson, len(results.write_geojson(args.geojson, stage=stage))))
    return report
