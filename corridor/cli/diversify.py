"""``corridor diversify``: the diversification cost curve of a scenario's annual flows."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diversify", help="what sending less of the flows through one country costs (annual flows)",
                       description="Cap the share of the exported tonnes that may pass through a country (or a set "
                                   "of gateway nodes) at each share in turn: the extra annual cost, per tonne diverted "
                                   "and of the last tonne (the cap's dual), and what is left unserved.")
    p.add_argument("scenario", type=Path, help="scenario file (TOML) with [flows]")
    p.add_argument("--through", nargs="+", required=True, metavar="C",
                   help="countries (CN) or node ids (zamyn_uud gashuunsukhait) to send less through")
    p.add_argument("--case", help="the case (default: the first with [flows] and no limit of its own)")
    p.add_argument("--shares", nargs="+", type=float, metavar="S",
                   help="caps as shares of the exported tonnes (default: 11 steps from no cap to 0)")
    p.add_argument("--steps", type=int, default=11, metavar="N")
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv", type=Path, metavar="FILE")
    p.add_argument("--png", type=Path, metavar="FILE", help="also draw the curve")
    p.set_defaults(handler=_diversify)


def _diversify(args) -> int:
    from ..flows.diversify import diversification
    from ..scenario import load_scenario
    from ..schema import COUNTRIES

    if args.png and args.png.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(f"--png {args.png}: the file name must end in .png, .svg or .pdf")
    scenario = load_scenario(args.scenario)
    flows = [c for c in scenario.cases if c.flows is not None]
    if not flows:
        raise InputError(f"{args.scenario}: no case has [flows]")
    if args.case:
        case = next((c for c in flows if c.name == args.case), None)
        if case is None:
            raise InputError(f"{args.scenario}: no case with [flows] named {args.case!r}")
    else:
        case = next((c for c in flows if not c.require_flows().limits), flows[0])
    countries = [t for t in args.through if t in COUNTRIES]
    nodes = [t for t in args.through if t not in COUNTRIES]
    unknown = [n for n in nodes if n not in scenario.network.nodes.index]
    if unknown:
        raise InputError(f"--through: {unknown[0]!r} is neither a country ({', '.join(COUNTRIES)}) nor a node id")
    curve = diversification(case, countries=countries, nodes=nodes, shares=args.shares, steps=args.steps)
    curve.scenario = scenario.name
    if args.png:
        curve.plot().savefig(args.png, dpi=150)
    if args.csv:
        curve.table.to_csv(args.csv, index=False, float_format="%.6g")
    if args.json:
        print(json.dumps(curve.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
        return 0
    print(f"{scenario.name}, case {case.name}: {curve.demand_mt_per_year:.1f} Mt/yr exported, "
          f"{curve.baseline_through_mt_per_year:.1f} through {curve.through} with no cap")
    print("  at most  through   diverted   extra     per t    last t   unserved")
    print("        %    Mt/yr      Mt/yr  MUSD/yr  diverted  diverted      Mt/yr")
    for r in curve.table.itertuples():
        print(f"  {100 * r.max_share:7.0f} {r.through_mt_per_year:8.2f} {r.diverted_mt_per_year:10.2f} "
              f"{r.extra_usd_per_year / 1e6:8,.1f} {r.extra_usd_per_diverted_t:9.2f} {r.marginal_usd_per_t:9.2f} "
              f"{r.unserved_mt_per_year:10.2f}")
    print("  (extra: the total annual cost above no cap; per t diverted: extra / diverted; last t: the cap's dual)")
    return 0
