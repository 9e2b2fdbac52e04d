"""``corridor criticality``: close (or derate) each element in turn; what a shipment's best route or an allocation
loses, ranked."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("criticality", help="close each link, node, transfer, crossing and country in turn: "
                                           "what it costs, ranked",
                       description="Close each element in turn (links, nodes, transfers, border crossings, countries "
                                   "and the scenario's [[criticality]] sets). Shipments: the rise in the best route's "
                                   "generalized cost and the corridor that takes over. Flows: the extra annual cost "
                                   "and the tonnes left unserved (or, with --derate, with each element derated).")
    p.add_argument("scenario", type=Path, help="scenario file (TOML)")
    p.add_argument("--case", help="one case by name (default: every case)")
    p.add_argument("--of", choices=("auto", "shipment", "flows"), default="auto",
                   help="measure the shipment or the annual flows (auto: flows where the scenario has them)")
    p.add_argument("--kinds", default="link,node,transfer,crossing,country", metavar="K,K",
                   help="element kinds (default: all)")
    p.add_argument("--derate", type=float, metavar="F", help="flows: keep this share of each element (0 < F < 1)")
    p.add_argument("--top", type=int, default=15, metavar="N", help="rows shown per case (default 15)")
    p.add_argument("--json", action="store_true", help="print every row as JSON")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write every row as CSV")
    p.add_argument("--png", type=Path, metavar="FILE", help="also draw the ranked chart (first case, or --case)")
    p.add_argument("--map", type=Path, metavar="FILE", help="also draw the map coloured by criticality")
    p.set_defaults(handler=_criticality)


def _criticality(args) -> int:
    from ..criticality import criticality
    from ..scenario import load_scenario

    for path in (args.png, args.map):
        if path and path.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise InputError(f"{path}: the file name must end in .png, .svg or .pdf")
    scenario = load_scenario(args.scenario)
    if args.case is not None and args.case not in [c.name for c in scenario.cases]:
        raise InputError(f"{args.scenario}: no case named {args.case!r} "
                         f"(cases: {', '.join(c.name for c in scenario.cases)})")
    crit = criticality(scenario, case=args.case, of=args.of, kinds=[k.strip() for k in args.kinds.split(",")],
                       derate=args.derate)
    if args.png:
        crit.plot(args.case).savefig(args.png, dpi=150)
    if args.map:
        crit.map(args.case).savefig(args.map, dpi=150)
    if args.csv:
        crit.table.to_csv(args.csv, index=False, float_format="%.6g")
    if args.json:
        print(json.dumps(crit.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(_text(crit, args.top))
    for why in crit.skipped:
        print(f"note: left out {why}", file=sys.stderr)
    return 0


def _text(crit, top: int) -> str:
    out = [crit.scenario.name]
    for case in dict.fromkeys(crit.table["case"]):
        rows = crit.ranked(case, top)
        n = int((crit.table["case"] == case).sum())
        out += ["", f"Case: {case} — {n} elements, the {len(rows)} whose loss costs most:"]
        if crit.of == "shipment":
            out.append("   USD/t  element (kind) → the corridor that takes over")
            for r in rows.itertuples():
                cost = "no route" if r.status == "no route" else f"{r.rise_usd_per_t:+8.2f}"
                out += textwrap.wrap(f"{cost:>8}  {r.name} ({r.kind})" + (f" → {r.corridor}" if r.corridor else ""),
                                     78, subsequent_indent=" " * 12)
        else:
            out.append("   MUSD/yr  unserved Mt/yr  element (kind)")
            for r in rows.itertuples():
                out += textwrap.wrap(f"{r.extra_cost_usd_per_year / 1e6:10,.1f}  {r.unserved_mt_per_year:14.2f}  "
                                     f"{r.name} ({r.kind})", 78, subsequent_indent=" " * 28)
        if not len(rows):
            out.append("  no element's loss costs anything")
    return "\n".join(out)
