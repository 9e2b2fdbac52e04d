"""``corridor appraise``: NPV, BCR, IRR and payback of a scenario's projects, and the portfolio worth building."""

from __future__ import annotations

import argparse
import math
import textwrap
from pathlib import Path

from ..errors import InputError

TABLE_COLUMNS = [("id", "project", 21), ("open_year", "opens", 5), ("capex_musd", "capex", 6),
                 ("pv_benefit_musd", "PV ben", 6), ("npv_musd", "NPV", 6), ("bcr", "BCR", 5), ("irr", "IRR", 6),
                 ("payback_year", "pays", 5), ("npv_with_others_musd", "+others", 7)]


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("appraise", help="appraise a scenario's projects: NPV, BCR, IRR, payback, the best portfolio")
    a.add_argument("scenario", type=Path, help="scenario file (TOML) with an [appraisal] table")
    a.add_argument("--json", action="store_true", help="print the appraisal as JSON")
    a.add_argument("--out", type=Path, metavar="FILE", help="write the project table to FILE (CSV); the cash flows "
                                                              "and interactions go next to it")
    a.add_argument("--plots", type=Path, metavar="DIR", help="draw npv_by_project.png and cash_flows.png into DIR")
    a.add_argument("--no-portfolio", action="store_true", help="skip the portfolio program (2^n allocations)")
    a.set_defaults(handler=_appraise)


def _fmt(value, col: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if col == "irr":
        return f"{value:.1%}"
    if col == "bcr":
        return f"{value:.2f}"
    if col in ("open_year", "payback_year", "portfolio_open_year"):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)


def text_report(ap) -> str:
    """The appraisal as text that fits 80 columns."""
    st = ap.settings
    lines = [f"Appraisal {st.first_year}–{st.last_year}: million USD of {st.price_year}, discounted at "
             f"{st.discount_rate:.1%} to {st.first_year}.",
             "Each project alone (against the built network) and, in +others, its NPV added to",
             "(or taken from) the portfolio (*).", ""]
    lines.append(" ".join(f"{h:>{w}}" if i else f"{h:<{w}}" for i, (_, h, w) in enumerate(TABLE_COLUMNS)))
    for _, row in ap.projects.iterrows():
        cells = []
        for i, (col, _, w) in enumerate(TABLE_COLUMNS):
            text = _fmt(row.get(col), col)
            if i == 0:
                mark = "*" if row.get("in_portfolio") else " "
                cells.append(f"{mark}{text[:w - 1]:<{w - 1}}")
            else:
                cells.append(f"{text:>{w}}")
        lines.append(" ".join(cells))
    notes = [f"{r['id']}: no IRR ({r['irr_note']})" for _, r in ap.projects.iterrows()
             if r.get("irr_note") and (r.get("irr") is None or (isinstance(r.get("irr"), float)
                                                                  and math.isnan(r["irr"])))]
    port = ap.portfolio
    if port:
        opening = ", ".join(f"{p} {y}" for p, y in port["opening_year"].items()) or "nothing"
        budget = []
        if port.get("budget_total_musd") is not None:
            budget.append(f"total {port['budget_total_musd']:,.0f}")
        if port.get("budget_per_year_musd") is not None:
            budget.append(f"{port['budget_per_year_musd']:,.0f} a year")
        lines += ["", *textwrap.wrap(f"Portfolio (*), budget {' and '.join(budget) or 'none'}: {opening}", 80,
                                     subsequent_indent="  "),
                  *textwrap.wrap(f"NPV {port['npv_musd']:,.0f} (the chosen projects alone add to "
                                 f"{port['sum_alone_npv_musd']:,.0f}); {port['binaries']} binaries, solved in "
                                 f"{port['seconds']:.2f} s", 80, initial_indent="  ", subsequent_indent="  ")]
    if len(ap.interactions):
        inter = ap.interactions[ap.interactions["kind"] != "independent"]
        if len(inter):
            lines += ["", "Pairs that interact (PV of benefits together less alone):"]
            for _, r in inter.sort_values("interaction_musd").iterrows():
                lines.append(f"  {r['project']} + {r['other']}: {r['interaction_musd']:+,.0f} ({r['kind']})")
    lines.append("")
    for n in [*ap.notes, *notes]:
        lines += textwrap.wrap(f"note: {n}", 80, subsequent_indent="  ")
    return "\n".join(lines)


def _appraise(args) -> int:
    import json

    from ..appraisal import appraise
    from ..scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if scenario.appraisal is None:
        raise InputError(f"{args.scenario}: no [appraisal] table (first_year, last_year, discount_rate, ...); see "
                         f"docs/appraisal.md")
    ap = appraise(scenario, portfolio=not args.no_portfolio)
    if args.out:
        from .._files import replace_together

        out = args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        stem = out.with_suffix("")
        replace_together({out: ap.projects.to_csv(index=False).encode(),
                          Path(f"{stem}_cashflows.csv"): ap.cashflows.to_csv(index=False).encode(),
                          Path(f"{stem}_interactions.csv"): ap.interactions.to_csv(index=False).encode()})
    if args.plots:
        from ..plot.appraisal import cash_flows, npv_by_project

        args.plots.mkdir(parents=True, exist_ok=True)
        npv_by_project(ap).savefig(args.plots / "npv_by_project.png", dpi=150)
        what = "portfolio" if "portfolio" in set(ap.cashflows["what"]) else str(ap.cashflows["what"].iloc[0])
        cash_flows(ap, what).savefig(args.plots / "cash_flows.png", dpi=150)
    if args.json:
        payload = {"settings": ap.settings.__dict__, "projects": json.loads(ap.projects.to_json(orient="records")),
                   "portfolio": ap.portfolio, "interactions": json.loads(ap.interactions.to_json(orient="records")),
                   "years": json.loads(ap.years.to_json(orient="records")), "notes": ap.notes}
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        print(text_report(ap))
    return 0
