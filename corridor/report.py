"""Plain-text tables of Results for the terminal."""

from __future__ import annotations

import pandas as pd

from ._texttable import Col, fit, wrap
from .errors import one_line
from .legs import regimes_text, short_name
from .results import Results


def _fmt_money(x: float) -> str:
    return f"{x:,.0f}"


def _via(results: Results, case: str, rank: int) -> str:
    """A route by the key nodes between its ends: ``"Naushki › Vostochny port"`` (the case line names the ends)."""
    r = results.routes.loc[(case, rank)]
    names = results.scenario.network.nodes["name"]
    keys = list(r["key_nodes"])[1:-1]
    return " › ".join(short_name(names[k]) for k in keys) if keys else "direct"


def case_table(results: Results, case: str, *, top_components: int = 3, width: int | None = None) -> str:
    """One case's routes as an aligned text table no wider than ``width`` characters (None: every column).

    Too wide, the table drops columns in this order: the biggest components, then routes are named by the nodes
    between their ends (``via``), then CO2, cost of the lot, ship class, P10 and P90, netback, distance and
    generalized cost; a route label that still does not fit is wrapped.
    """
    routes = results.routes.loc[case]
    comps = results.components.loc[case]
    ranks: list = []  # ranks in order, None for the blank line before the gateways' best routes beyond the k cheapest
    for rank, r in routes.iterrows():
        if not r.get("top", True) and ranks and None not in ranks:
            ranks.append(None)
        ranks.append(rank)
    rows = [None if r is None else routes.loc[r] for r in ranks]

    def col(header, fmt, *, left=False, drop=0) -> Col:
        return Col(header, ["" if r is None else fmt(r) for r in rows], left, drop)

    def biggest(rank) -> str:
        if rank is None:
            return ""
        big = comps.loc[rank].sort_values(ascending=False)
        return ", ".join(f"{k} {v:.1f}" for k, v in big.head(top_components).items() if v > 0)

    cols = [Col("rank", ["" if r is None else _rank(r) for r in ranks]), col("route", lambda r: r["route"], left=True)]
    drawn = "p_cheapest" in routes.columns
    if drawn:
        cols += [col("P10", lambda r: f"{r['p10_usd_per_t']:.2f}", drop=5),
                 col("P50", lambda r: f"{r['p50_usd_per_t']:.2f}"),
                 col("P90", lambda r: f"{r['p90_usd_per_t']:.2f}", drop=5)]
    cols += [col("USD/t", lambda r: f"{r['cost_usd_per_t']:.2f}"),
             col("gen. USD/t", lambda r: f"{r['generalized_usd_per_t']:.2f}", drop=9),
             col("lot USD", lambda r: _fmt_money(r["cost_usd"]), drop=3),
             col("km", lambda r: f"{r['distance_km']:,.0f}", drop=8),
             col("days", lambda r: f"{r['transit_days']:.1f}", drop=10),
             col("CO2 kg/t", lambda r: f"{r['co2_kg_per_t']:.1f}", drop=2)]
    if "vessel_class" in routes and (routes["vessel_class"] != "").any():
        cols.append(col("ship", lambda r: r["vessel_class"] or "-", left=True, drop=4))
    if "netback_usd_per_t" in routes and routes["netback_usd_per_t"].notna().any():
        cols.append(col("netback USD/t", lambda r: "-" if pd.isna(r["netback_usd_per_t"])
                        else f"{r['netback_usd_per_t']:.2f}", drop=7))
    cols.append(Col("biggest components (USD/t)", [biggest(r) for r in ranks], True, 1))
    if drawn:
        cols.append(col("P(cheapest)", lambda r: f"{r['p_cheapest']:.1%}", drop=11))
    shorter = ["" if r is None else _via(results, case, r) for r in ranks]
    out = [fit(cols, width, flex=1, shorter=shorter)]
    if "estimated_share" in routes:  # the share of each route's money that rests on estimated cells
        out.append(wrap("money resting on estimates: " + ", ".join(f"{_rank(rank)}: {_share(x)}" for rank, x
                                                                   in routes["estimated_share"].items()),
                        width, indent="  "))
    if "regimes" in routes and routes["regimes"].map(bool).any():  # a network with transit regimes
        for i, (rank, regimes) in enumerate(routes["regimes"].items()):
            out.append(wrap(f"{'regimes' if i == 0 else '':7}  {_rank(rank)}: {regimes_text(regimes)}", width,
                            indent="  "))
    return "\n".join(out)


def _share(x) -> str:
    """A share of money resting on estimates, in per cent ('-' where a route costs nothing)."""
    return "-" if x is None or pd.isna(x) else f"{100 * x:.0f}%"


def _rank(rank: int) -> str:
    """A rank as shown: beyond the ranks looked for, ``>200``."""
    from .corridors import RANK_LIMIT

    return f">{RANK_LIMIT}" if rank > RANK_LIMIT else str(rank)


def corridors_text(results: Results, case: str, *, width: int | None = None) -> str:
    """The best route through each gateway of one case: rank, generalized cost, gap to the best, corridor."""
    table = results.corridors.loc[case]
    routes = results.routes.loc[case]
    best = float(routes["generalized_usd_per_t"].min())
    rows = []
    for gateway, g in table.iterrows():
        if g["status"] != "open":
            rows.append([gateway, g["kind"], "-", "-", "-", "closed in this case" if g["status"] == "closed"
                         else "no route"])
            continue
        r = routes.loc[int(g["rank"])]
        rows.append([gateway, g["kind"], _rank(int(g["rank"])), f"{r['generalized_usd_per_t']:.2f}",
                     f"{r['generalized_usd_per_t'] - best:+.2f}", r["corridor"]])
    head = wrap("Corridors: the best route through each gateway (exit: crossing out of "
                f"{_home(results, case)}; port: where it goes to sea)", width, indent="  ")
    cols = [Col(h, [row[i] for row in rows], i in (0, 1, 5), drop) for i, (h, drop) in
            enumerate([("gateway", 0), ("kind", 2), ("rank", 1), ("gen. USD/t", 0), ("vs best", 0), ("corridor", 0)])]
    return head + "\n" + fit(cols, width, flex=5, indent="  ", min_flex=20)


def _home(results: Results, case: str) -> str:
    c = results.scenario.case(case)
    return str(c.network.nodes.at[c.require_shipment().origin, "country"])


def _table(header: list[str], rows: list[list[str]], left: set[int], indent: str = "  ") -> str:
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells):
        text = "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return (indent + text).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _mt(x: float) -> str:
    return f"{x:,.2f}"


def flows_text(results: Results, case: str, *, width: int | None = None) -> str:
    """One case's allocation: routes with their annual flows, capacity elements (binding first), totals."""
    alloc = results.allocations[case]
    flows = results.scenario.case(case).require_flows()
    t = alloc.totals
    out = [wrap(f"Flows: supply {', '.join(f'{k} {v:g}' for k, v in flows.supply.items())}; demand "
                f"{', '.join(f'{k} {v:g}' for k, v in flows.demand.items())} Mt/yr; unserved penalty "
                f"{flows.unserved_penalty_usd_per_t:,.0f} USD/t", width, indent="  ")]
    ar = alloc.routes
    if len(ar):
        cols = [Col("Mt/yr", [_mt(v) for v in ar["mt_per_year"]]),
                Col("from", list(ar["origin"]), True, 1), Col("to", list(ar["destination"]), True, 2),
                Col("route", list(ar["route"]), True),
                Col("USD/t", [f"{v:.2f}" for v in ar["cost_usd_per_t"]]),
                Col("est.", [_share(v) for v in ar["estimated_share"]], drop=4),
                Col("gen. USD/t", [f"{v:.2f}" for v in ar["generalized_usd_per_t"]], drop=3)]
        out.append(fit(cols, width, flex=3, indent="  "))
    el = alloc.elements
    shown = el[(el["flow_mt_per_year"] > 1e-9) | (el["shadow_price_usd_per_t"] > 0)]
    if len(el):
        out.append("")
        out.append(wrap("Capacity elements, binding first (shadow price: USD/t the total falls by per extra tonne a "
                        "year of capacity, relieved together with the elements named beside it; a cut costs the "
                        "same):", width, indent="  "))
        # in full (no width): who is relieved with whom in the table; fitted: below it, where it can wrap
        status = [("binding" + (f" (with {e.relieve_with.replace(';', ', ')})" if e.relieve_with and width is None
                                else "")) if e.shadow_price_usd_per_t > 0 else "full" if e.binding else ""
                  for e in shown.itertuples()]
        cols = [Col("kind", list(shown["kind"]), True), Col("id", list(shown["id"]), True),
                Col("Mt/yr", [_mt(v) for v in shown["flow_mt_per_year"]]),
                Col("capacity", [_mt(v) + ("*" if est else "") for v, est in
                                 zip(shown["capacity_mt_per_year"], shown["capacity_estimated"])], drop=1),
                Col("use", [f"{100 * v:.0f}%" for v in shown["utilisation"]]),
                Col("shadow USD/t", [f"{v:.2f}" for v in shown["shadow_price_usd_per_t"]]),
                Col("", status, True)]
        out.append(fit(cols, width, indent="  "))
        priced = shown[(shown["shadow_price_usd_per_t"] > 0) & (shown["relieve_with"] != "")]
        for e in priced.itertuples() if width is not None else ():
            out.append(wrap(f"{e.id} is relieved together with {e.relieve_with.replace(';', ', ')}", width,
                            indent="  "))
        if len(shown) < len(el):
            out.append(f"  ({len(el) - len(shown)} more capacity elements carry no flow)")
        if shown["capacity_estimated"].any():
            binding = shown.loc[shown["binding"] & shown["capacity_estimated"], "id"]
            out.append(wrap("* the capacity is an estimate" + (f" (binding: {', '.join(binding)})" if len(binding)
                                                               else ""), width, indent="  "))
        if ((shown["shadow_price_usd_per_t"] <= 0) & shown["binding"]).any():
            out.append(wrap("'full' at price 0: relieving it alone saves nothing; it caps the same flow as a priced "
                            "element (e.g. a port's node and its terminal)", width, indent="  "))
    out.append("")
    time_value = t["generalized_cost_usd_per_year"] - t["transport_cost_usd_per_year"]
    if t.get("sales_usd_per_year", 0.0):
        out.append(wrap(f"Sales at market prices {t['sales_usd_per_year'] / 1e6:,.1f} MUSD/yr; net earnings (sales "
                        f"less the costs below) {-t['total_cost_usd_per_year'] / 1e6:,.1f} MUSD/yr", width,
                        indent="  "))
    total = (f"Costs {(t['total_cost_usd_per_year'] + t['sales_usd_per_year']) / 1e6:,.1f} MUSD/yr"
             if t.get("sales_usd_per_year", 0.0) else
             f"Total generalized cost {t['total_cost_usd_per_year'] / 1e6:,.1f} MUSD/yr")
    out.append(wrap(f"{total} = transport "
                    f"{t['transport_cost_usd_per_year'] / 1e6:,.1f} + value of transit time {time_value / 1e6:,.1f} + "
                    f"unserved penalty {t['unserved_penalty_usd_per_year'] / 1e6:,.1f} MUSD/yr; "
                    f"{_mt(t['delivered_mt_per_year'])} Mt/yr delivered at an average "
                    f"{t['average_cost_usd_per_t']:.2f} USD/t (generalized {t['average_generalized_usd_per_t']:.2f})",
                    width, indent="  "))
    if t.get("unrouted_mt_per_year"):
        out.append(wrap(f"Warning: {_mt(t['unrouted_mt_per_year'])} Mt/yr of the LP's deliveries could not be traced "
                        "to a route (shown as unrouted in the destinations table)", width, indent="  "))
    unserved = alloc.destinations["unserved_mt_per_year"]
    unserved = unserved[unserved > 1e-9]
    out.append(wrap("Unserved: " + (", ".join(f"{d} {_mt(v)} Mt/yr" for d, v in unserved.items()) if len(unserved)
                                    else "none"), width, indent="  "))
    ex = alloc.exposure
    if len(ex):
        out.append(wrap("Through each country (Mt/yr, share of the delivered tonnes, MUSD/yr charged there): "
                        + ", ".join(f"{c} {_mt(e.mt_per_year)} ({100 * e.share_of_delivered:.0f}%, "
                                    f"{e.usd_per_year / 1e6:,.1f})" for c, e in ex.iterrows()), width, indent="  "))
    return "\n".join(out)


SHOWN = 12  # rows of each table of draws over flows shown in the terminal


def flow_draws_text(results: Results, case: str, width: int | None = None) -> str:
    """One case's draws over flows: totals, capacity elements by binding probability, corridors (P10-P90), no wider
    than ``width`` (None: as wide as they need)."""
    d = results.flow_draws[case]
    out = [wrap(f"Draws over flows: {d.draws:,} (seed {d.seed}), each allocation re-solved; P10/P50/P90 and the "
                "value at the file values", width, indent="  ")]
    t = d.totals()
    scale = {"total_cost_usd_per_year": ("total cost MUSD/yr", 1e-6), "delivered_mt_per_year": ("delivered Mt/yr", 1),
             "unserved_mt_per_year": ("unserved Mt/yr", 1)}
    names = [scale[k][0] for k in t.index]
    cols = [Col("", names, left=True)] + [
        Col(h, [f"{r[c] * scale[k][1]:,.1f}" for k, r in t.iterrows()])
        for h, c in (("P10", "p10"), ("P50", "p50"), ("P90", "p90"), ("file", "deterministic"))]
    out.append(fit(cols, width, indent="  "))
    el = d.element_table()
    shown = el[(el["p_binding"] > 0) | (el["p_priced"] > 0)].head(SHOWN)
    if len(shown):
        out += ["", wrap("Capacity elements, most often binding first (shadow price USD/t):", width, indent="  ")]
        cols = [Col("element", [str(e) for e in shown["id"]], left=True),
                Col("P(full)", [f"{v:.0%}" for v in shown["p_binding"]]),
                Col("P(price)", [f"{v:.0%}" for v in shown["p_priced"]])]
        cols += [Col(h, [f"{v:.1f}" for v in shown[c]], drop=k) for h, c, k in (
            ("P10", "p10_shadow_price_usd_per_t", 2), ("P50", "p50_shadow_price_usd_per_t", 0),
            ("P90", "p90_shadow_price_usd_per_t", 3), ("file", "deterministic_shadow_price_usd_per_t", 1))]
        out.append(fit(cols, width, flex=0, indent="  ", min_flex=32))
        more = int(((el["p_binding"] > 0) | (el["p_priced"] > 0)).sum()) - len(shown)
        if more > 0:
            out.append(wrap(f"({more} more bind in some draw: see flow_draw_elements.csv with --out)", width,
                            indent="  "))
    cor = d.corridor_table()
    cor = cor[cor["p_used"] > 0]
    if len(cor):
        out += ["", wrap("Mt/yr by corridor (the border crossings and export port a route uses):", width,
                         indent="  ")]
        top = cor.head(SHOWN)
        cols = [Col(h, [f"{v:.2f}" for v in top[c]], drop=k) for h, c, k in (
            ("P10", "p10_mt_per_year", 0), ("P50", "p50_mt_per_year", 0), ("P90", "p90_mt_per_year", 0),
            ("file", "deterministic_mt_per_year", 1))]
        cols += [Col("P(used)", [f"{v:.0%}" for v in top["p_used"]], drop=2),
                 Col("corridor", [str(c) for c in top["corridor"]], left=True)]
        out.append(fit(cols, width, flex=5, indent="  ", min_flex=24))
        if len(cor) > SHOWN:
            out.append(wrap(f"({len(cor) - SHOWN} more corridors carry flow in some draw: flow_draw_corridors.csv)",
                            width, indent="  "))
    return "\n".join(out)


def _restriction(ship) -> str:
    """``"via rajin; avoiding country CN"`` or ``"fixed path a › b › c"``."""
    if ship.path:
        return "fixed path " + " › ".join(ship.path)
    parts = []
    if ship.via:
        parts.append("via " + ", ".join(e if k in ("node", "link") else f"{k} {e}" for k, e in ship.via))
    if ship.avoid:
        parts.append("avoiding " + ", ".join(e if k in ("node", "link") else f"{k} {e}" for k, e in ship.avoid))
    return "; ".join(parts)


def summary(results: Results, *, width: int | None = None) -> str:
    """One line per case: its cheapest route (by generalized cost), cost, days and the gap to the runner-up, or why
    it has no route; then, for cases with ``[flows]``, what they deliver at what average cost and what binds first."""
    solved = set(results.routes.index.get_level_values("case"))
    shipped = [c.name for c in results.scenario.cases if c.shipment is not None]
    out = []
    if shipped:
        best, cost, days, gap, nxt = [], [], [], [], []
        for case in shipped:
            if case not in solved:
                best.append("no route: " + results.failures.get(case, ""))
                cost.append("-")
                days.append("-")
                gap.append("-")
                nxt.append("")
                continue
            r = results.routes.loc[case]
            first = r.iloc[0]
            best.append(_via(results, case, int(r.index[0])))
            cost.append(f"{first['cost_usd_per_t']:.2f}")
            days.append(f"{first['transit_days']:.1f}")
            if len(r) > 1:
                gap.append(f"+{r.iloc[1]['generalized_usd_per_t'] - first['generalized_usd_per_t']:.2f}")
                nxt.append(_via(results, case, int(r.index[1])))
            else:
                gap.append("-")
                nxt.append("")
        cols = [Col("case", shipped, True), Col("cheapest route (via)", best, True), Col("USD/t", cost),
                Col("days", days, drop=3), Col("next +gen. USD/t", gap, drop=2),
                Col("next route (via)", nxt, True, 1)]
        out.append(fit(cols, width, flex=1, indent="  "))
    if results.allocations:
        names = list(results.allocations)
        delivered, avg, binds = [], [], []
        for case in names:
            alloc = results.allocations[case]
            t = alloc.totals
            delivered.append(f"{t['delivered_mt_per_year']:.2f} of {t['demand_mt_per_year']:.2f}")
            avg.append(f"{t['average_cost_usd_per_t']:.2f}")
            el = alloc.elements
            priced = el[el["shadow_price_usd_per_t"] > 0]
            more = f" (+{len(priced) - 1} more)" if len(priced) > 1 else ""
            binds.append(f"{priced['id'].iloc[0]} {priced['shadow_price_usd_per_t'].iloc[0]:,.2f}{more}"
                         if len(priced) else "none")
        cols = [Col("case", names, True), Col("Mt/yr delivered", delivered), Col("avg USD/t", avg),
                Col("binding first (shadow USD/t)", binds, True, 1)]
        out.append(fit(cols, width, flex=0, indent="  ", min_flex=20))
    return "\n\n".join(out)


def text_report(results: Results, *, width: int | None = None) -> str:
    """Every case of a scenario: first which network was read and a one-line summary per case, then each case's
    shipment and routes (or why there is none) and its flows. No line is wider than ``width`` characters (None:
    every column, as wide as they need)."""
    from .manifest import network_line

    scenario = results.scenario
    out = [f"{scenario.name}", "=" * min(len(scenario.name), width or len(scenario.name)),
           wrap(network_line(results), width)]
    if scenario.description:
        out.append(wrap(scenario.description.strip(), width))
    out += ["", "Summary: " + ("the cheapest route of each case by generalized cost, and the next one"
                              if any(c.shipment is not None for c in scenario.cases)
                              else "what each case delivers, and the capacity that binds first") + ":",
            summary(results, width=width)]
    for case in scenario.cases:
        ship, s = case.shipment, case.settings
        out.append("")
        lot = (f"{ship.tonnes:,.0f} t of {ship.coal} coal from {ship.origin} to {ship.destination}; "
               if ship is not None else "")
        out.append(wrap(f"Case: {case.name} — {lot}value of time {s.value_of_time_usd_per_t_day:g} USD/t-day"
                        + (f"; carbon price {s.carbon_price_usd_per_t_co2:g} USD/t CO2"
                           if s.carbon_price_usd_per_t_co2 else "")
                        + (f"; {_restriction(ship)}" if ship is not None and ship.restricted else "")
                        + (f"; closed: {', '.join(case.closed)}" if case.closed else ""), width))
        if case.name in results.failures:
            out.append(wrap(results.failures[case.name], width, indent="  "))
        elif results.uncertainty and case.name in results.uncertainty:
            d = results.uncertainty[case.name]
            covered = (f"coverage {d.coverage:.1%} of {d.checked:,} draws checked by exact search" if d.checked
                       else "coverage not checked")
            out.append(wrap(f"{d.draws:,} draws (seed {d.seed}) over {d.candidates} candidate routes; {covered}; "
                            "P10-P90 of USD/t", width, indent="  "))
        if ship is not None and case.name not in results.failures:
            out.append(case_table(results, case.name, width=width))
            if case.name in results.corridors.index.get_level_values("case"):
                out.append(corridors_text(results, case.name, width=width))
        if case.name in results.allocations:
            out.append(flows_text(results, case.name, width=width))
        if case.name in results.flow_draws:
            out += ["", flow_draws_text(results, case.name, width=width)]
    return "\n".join(out)


def network_report(net) -> str:
    """What a network holds: counts, nodes by country, kilometres by mode and country, transfers, transit regimes and
    the money given in its own currency (with its conversion)."""
    from .netreport import money_text, regimes_text

    nodes, links = net.nodes, net.links
    out = [repr(net)]
    if net.year is not None:
        out.append(f"Money in USD of {net.year}." + (f" {net.description}" if net.description else ""))
    out += ["", "Nodes by country and kind:"]
    out.append(pd.crosstab(nodes["country"], nodes["kind"]).to_string())
    out += ["", "Link kilometres by country and mode:"]
    out.append(links.pivot_table(index="country", columns="mode", values="distance_km", aggfunc="sum",
                                 fill_value=0).round(0).astype(int).to_string())
    out += ["", "Nodes:"]
    out.append(nodes[["name", "country", "kind"]].map(lambda v: one_line(str(v), 60)).to_string())
    out += ["", "Transfers (where a route may change mode):"]
    out.append(net.transfers[["cost_usd_per_t", "dwell_hours", "capacity_mt_per_year"]].to_string(
        na_rep="unlimited"))
    out += ["", regimes_text(net)]
    money = money_text(net)
    if money:
        out += ["", money]
    return "\n".join(out)
