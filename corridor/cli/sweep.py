"""``corridor sweep``: the best route through each gateway as one input moves, the break-evens between steps, and
the cheapest corridor over the plane of two inputs."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from ..errors import InputError

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="move one input (or two) over a range: best route per corridor, break-evens",
                       description="Move an input from --from to --to in --steps steps: the best route through each "
                                   "gateway at each step and the exact values where the cheapest route changes. With "
                                   "--param2, the cheapest corridor over the plane of two inputs.")
    p.add_argument("scenario", type=Path, help="scenario file (TOML)")
    p.add_argument("--param", required=True, metavar="NAME",
                   help="an [[uncertainty]] entry or group, or a selection such as "
                        "'links[country=RU,mode=rail1520].tariff_usd_per_tkm' (where values: a|b)")
    p.add_argument("--from", dest="start", type=float, required=True, metavar="A")
    p.add_argument("--to", dest="stop", type=float, required=True, metavar="B")
    p.add_argument("--steps", type=int, default=21, metavar="N", help="values from A to B, ends included (21)")
    p.add_argument("--as", dest="how", choices=("scale", "value"), default="scale",
                   help="a selection's values: multipliers of the file values (scale, the default) or the values")
    p.add_argument("--param2", metavar="NAME", help="a second input: draw the cheapest corridor over the plane")
    p.add_argument("--from2", dest="start2", type=float, metavar="A")
    p.add_argument("--to2", dest="stop2", type=float, metavar="B")
    p.add_argument("--steps2", type=int, default=21, metavar="N")
    p.add_argument("--as2", dest="how2", choices=("scale", "value"), default="scale")
    p.add_argument("--case", help="one case by name (default: every case with a shipment)")
    p.add_argument("--metric", choices=("generalized", "cost"), default="generalized")
    p.add_argument("--path", nargs="+", metavar="ID", help="also price this fixed route (node ids or link ids)")
    p.add_argument("--json", action="store_true", help="print the tables as JSON")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write the tidy table as CSV")
    p.add_argument("--png", type=Path, metavar="FILE", help="also draw the chart (first case, or --case)")
    p.set_defaults(handler=_sweep)


def _sweep(args) -> int:
    from ..scenario import load_scenario
    from ..uncertainty.sweeps import Sweep, SweepMap, parse_selection, sweep, sweep_map

    if args.png and args.png.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(f"--png {args.png}: the file name must end in .png, .svg or .pdf")
    scenario = load_scenario(args.scenario)
    param = parse_selection(args.param, args.how)
    if args.param2:
        if args.start2 is None or args.stop2 is None:
            raise InputError("--param2 needs --from2 and --to2")
        if args.path:
            raise InputError("--path goes with a sweep of one input")
        smap = sweep_map(scenario, (param, args.start, args.stop, args.steps),
                         (parse_selection(args.param2, args.how2), args.start2, args.stop2, args.steps2),
                         case=args.case, metric=args.metric)
        result: Sweep | SweepMap = smap
        text = _map_text(smap)
    else:
        sw = sweep(scenario, param, args.start, args.stop, args.steps, case=args.case, metric=args.metric,
                   path=args.path)
        result, text = sw, _sweep_text(sw)
    table, data = result.table, result.to_dict()
    if table.empty:
        for why in result.skipped:
            print(f"error: {args.scenario}: {why}", file=sys.stderr)
        return 2
    if args.png:
        result.plot(args.case).savefig(args.png, dpi=150)
    if args.csv:
        table.to_csv(args.csv, index=False, float_format="%.6g")
    print(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) if args.json else text)
    for why in result.skipped:
        print(f"note: left out {why}", file=sys.stderr)
    return 0


def _unit(how: str, column: str = "") -> str:
    return "x the file value" if how == "scale" else (column or "value")


def _sweep_text(sw) -> str:
    out = [f"{sw.scenario}", *textwrap.wrap(f"{sw.parameter} ({_unit(sw.how, sw.column)}) from {sw.values[0]:g} to "
                                            f"{sw.values[-1]:g}; {sw.metric} cost per tonne (USD/t)", 78)]
    col = "cost_usd_per_t" if sw.metric == "cost" else "generalized_usd_per_t"
    for case, part in sw.table.groupby("case", sort=False):
        out += ["", f"Case: {case}", "   value    USD/t  cheapest corridor"]
        best = part[part["gateway"] == "cheapest"]
        for r in best.itertuples():
            out.append(f"  {r.value:6.4g}  {getattr(r, col):7.2f}  " + textwrap.shorten(r.corridor, 56,
                                                                                      placeholder=" …"))
        bes = sw.breakevens[sw.breakevens["case"] == case]
        for b in bes.itertuples():
            out += textwrap.wrap(f"Break-even at {b.value:.6g} ({b.usd_per_t:.2f} USD/t): {b.below_corridor} "
                                 f"below, {b.above_corridor} above", 78, initial_indent="  ",
                                 subsequent_indent="    ")
        if not len(bes):
            out.append("  The cheapest route does not change over the range.")
        first, last = sw.values[0], sw.values[-1]
        out.append(f"  Best through each gateway (USD/t) at {first:g} and at {last:g}:")
        for g, rows in part[part["gateway"] != "cheapest"].groupby("gateway", sort=False):
            at = rows.set_index("value")[col]
            a = f"{at[first]:7.2f}" if first in at.index else "      -"
            b = f"{at[last]:7.2f}" if last in at.index else "      -"
            out.append(f"  {a} {b}  {textwrap.shorten(g, 60, placeholder=' …')}")
    return "\n".join(out)


def _map_text(smap) -> str:
    out = [f"{smap.scenario}", *textwrap.wrap(f"Cheapest corridor: {smap.parameters[0]} ({_unit(smap.hows[0])}) "
                                              f"across, {smap.parameters[1]} ({_unit(smap.hows[1])}) down", 78)]
    for case, part in smap.table.groupby("case", sort=False):
        corridors = list(dict.fromkeys(part["corridor"]))
        letter = {c: LETTERS[i % len(LETTERS)] for i, c in enumerate(corridors)}
        out += ["", f"Case: {case}"]
        grid = part.pivot(index="value_y", columns="value_x", values="corridor")
        out.append(f"  {'':>8}  {smap.values_x[0]:<.4g} … {smap.values_x[-1]:.4g}")
        for y in grid.index[::-1]:
            out.append(f"  {y:8.4g}  " + "".join(letter[c] for c in grid.loc[y]))
        out += [f"  {letter[c]} = {c}" for c in corridors]
    return "\n".join(out)
