"""``corridor tornado`` and ``corridor breakeven``: how the answer moves with one uncertain input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError, one_line


def register(sub: argparse._SubParsersAction) -> None:
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
    b.set_defaults(handler=_breakeven)
    t = sub.add_parser("tornado", help="how much each uncertain input alone moves the best route's cost")
    t.add_argument("scenario", type=Path, help="scenario file (TOML) with [[uncertainty]] entries")
    t.add_argument("--case", help="one case by name (default: every case)")
    t.add_argument("--metric", choices=("generalized", "cost"), default="generalized")
    t.add_argument("--png", type=Path, metavar="FILE", help="also draw the tornado chart into FILE")
    t.add_argument("--json", action="store_true", help="print the table as JSON")
    t.set_defaults(handler=_tornado)


def _breakeven(args) -> int:
    import json

    from ..scenario import load_scenario
    from ..uncertainty import breakeven

    routes = tuple(int(r) if r.isascii() and r.isdigit() else r for r in args.routes)
    found = breakeven(load_scenario(args.scenario), args.param, routes, case=args.case,
                      within=tuple(args.within) if args.within else None, metric=args.metric)
    if args.json:
        print(json.dumps([b.to_dict() for b in found], ensure_ascii=False, indent=2))
    else:
        print("\n".join(str(b) for b in found))
    for why in found.skipped:
        print(one_line(f"note: left out {why}"), file=sys.stderr)
    return 0


def _tornado(args) -> int:
    import pandas as pd

    from ..scenario import load_scenario
    from ..uncertainty import tornado

    if args.png and args.png.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(f"--png {args.png}: the file name must end in .png, .svg or .pdf")
    scenario = load_scenario(args.scenario)
    table = tornado(scenario, case=args.case, metric=args.metric)
    if args.png:
        from .._files import Staging
        from ..plot.uncertainty import tornado_chart

        with Staging() as stage:
            stage.add(args.png, lambda path: tornado_chart(table, scenario=scenario.name).savefig(
                path, dpi=150, format=args.png.suffix.lower()[1:]))
    if args.json:
        print(table.to_json(orient="records", force_ascii=False, indent=2))
        return 0
    cols = ["parameter", "low", "high", "change_low", "change_high", "gap_low", "gap_high", "cheapest_low",
            "cheapest_high"]
    for i, (case, part) in enumerate(table.groupby("case", sort=False)):
        if i:
            print()
        gap = part["gap_usd_per_t"].iloc[0]
        print(f"Case: {case} — best route {part['best_usd_per_t'].iloc[0]:.2f} USD/t ({args.metric}); "
              + (f"gap to the runner-up {gap:.2f}" if pd.notna(gap) else "no runner-up (one route)"))
        print(part[cols].to_string(index=False, na_rep="-", float_format=lambda v: f"{v:.3g}"))
    if table.empty:
        print(f"{scenario.name}: no case has a route to move (see `corridor run`)")
    return 0
