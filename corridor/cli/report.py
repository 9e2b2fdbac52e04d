"""``corridor report``: one self-contained HTML file of a scenario's results (tables, charts, inputs, sources)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("report", help="write one self-contained HTML report of a scenario (tables, charts, sources)")
    r.add_argument("scenario", type=Path, help="scenario file (TOML)")
    r.add_argument("-o", "--output", type=Path, metavar="FILE", required=True, help="the HTML file to write")
    r.add_argument("--draws", type=int, default=0, metavar="N",
                   help="sample the [[uncertainty]] entries N times (adds P10/P50/P90, P(cheapest) and their charts)")
    r.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the draws (default 0)")
    r.add_argument("--no-charts", action="store_true", help="tables only (faster)")
    r.set_defaults(handler=_report)


def _report(args) -> int:
    from ..html_report import write_html
    from ..scenario import load_scenario
    from ..solve import run

    if args.draws < 0 or args.seed < 0:
        raise InputError("--draws and --seed must be at least 0")
    if args.output.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"-o {args.output}: the file name must end in .html")
    results = run(load_scenario(args.scenario), draws=args.draws, seed=args.seed)
    path = write_html(results, args.output, charts=not args.no_charts)
    for case, why in results.failures.items():
        print(f"warning: case '{case}': {why}", file=sys.stderr)
    size = path.stat().st_size
    print(f"wrote {path} ({size / 1e6:.1f} MB)" if size >= 1e5 else f"wrote {path} ({size / 1e3:.0f} kB)")
    return 0
