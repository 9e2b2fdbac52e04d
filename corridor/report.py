"""Plain-text tables of Results for the terminal."""

from __future__ import annotations

import pandas as pd

from .results import Results


def _fmt_money(x: float) -> str:
    return f"{x:,.0f}"


def case_table(results: Results, case: str, *, top_components: int = 3) -> str:
    """One case's routes as an aligned text table."""
    routes = results.routes.loc[case]
    comps = results.components.loc[case]
    header = ["rank", "route", "USD/t", "gen. USD/t", "lot USD", "km", "days", "CO2 kg/t", "biggest components (USD/t)"]
    extra = []  # shown only where a route has them: the ship class, the netback at the market price
    if "vessel_class" in routes and (routes["vessel_class"] != "").any():
        extra.append(("ship", lambda r: r["vessel_class"] or "-"))
    if "netback_usd_per_t" in routes and routes["netback_usd_per_t"].notna().any():
        extra.append(("netback USD/t", lambda r: "-" if pd.isna(r["netback_usd_per_t"])
                      else f"{r['netback_usd_per_t']:.2f}"))
    header[8:8] = [name for name, _ in extra]
    rows: list[list[str]] = []
    for rank, r in routes.iterrows():
        if not r.get("top", True) and all(row[0] != "" for row in rows) and rows:
            rows.append([""] * len(header))  # a blank line before the gateways' best routes beyond the k cheapest
        biggest = comps.loc[rank].sort_values(ascending=False)
        biggest = ", ".join(f"{k} {v:.1f}" for k, v in biggest.head(top_components).items() if v > 0)
        rows.append([_rank(rank), r["route"], f"{r['cost_usd_per_t']:.2f}", f"{r['generalized_usd_per_t']:.2f}",
                     _fmt_money(r["cost_usd"]), f"{r['distance_km']:,.0f}", f"{r['transit_days']:.1f}",
                     f"{r['co2_kg_per_t']:.1f}", *(fmt(r) for _, fmt in extra), biggest])
    if "p_cheapest" in routes.columns:  # a run with draws
        header[2:2] = ["P10", "P50", "P90"]
        header.append("P(cheapest)")
        for row, (_, r) in zip([row for row in rows if row[0]], routes.iterrows()):
            row[2:2] = [f"{r[c]:.2f}" for c in ("p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t")]
            row.append(f"{r['p_cheapest']:.1%}")
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    left = {1, header.index("biggest components (USD/t)")} | ({header.index("ship")} if "ship" in header else set())

    def line(cells):
        padded = (c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _rank(rank: int) -> str:
    """A rank as shown: beyond the ranks looked for, ``>200``."""
    from .corridors import RANK_LIMIT

    return f">{RANK_LIMIT}" if rank > RANK_LIMIT else str(rank)


def corridors_text(results: Results, case: str) -> str:
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
    head = ("  Corridors: the best route through each gateway (exit: crossing out of "
            f"{_home(results, case)}; port: where it goes to sea)")
    return head + "\n" + _table(["gateway", "kind", "rank", "gen. USD/t", "vs best", "corridor"], rows, {0, 1, 5})


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


def flows_text(results: Results, case: str) -> str:
    """One case's allocation: routes with their annual flows, capacity elements (binding first), totals."""
    alloc = results.allocations[case]
    flows = results.scenario.case(case).require_flows()
    t = alloc.totals
    out = [f"  Flows: supply {', '.join(f'{k} {v:g}' for k, v in flows.supply.items())}; demand "
           f"{', '.join(f'{k} {v:g}' for k, v in flows.demand.items())} Mt/yr; unserved penalty "
           f"{flows.unserved_penalty_usd_per_t:,.0f} USD/t"]
    rows = [[_mt(r.mt_per_year), r.origin, r.destination, r.route,
             f"{r.cost_usd_per_t:.2f}", f"{r.generalized_usd_per_t:.2f}"] for r in alloc.routes.itertuples()]
    if rows:
        out.append(_table(["Mt/yr", "from", "to", "route", "USD/t", "gen. USD/t"], rows, {1, 2, 3}))
    el = alloc.elements
    shown = el[(el["flow_mt_per_year"] > 1e-9) | (el["shadow_price_usd_per_t"] > 0)]
    if len(el):
        out.append("")
        out.append("  Capacity elements, binding first (shadow price: USD/t the total falls by per extra tonne a year "
                   "of capacity, relieved together with the elements named beside it; a cut costs the same):")
        rows = [[e.kind, e.id, _mt(e.flow_mt_per_year), _mt(e.capacity_mt_per_year), f"{100 * e.utilisation:.0f}%",
                 f"{e.shadow_price_usd_per_t:.2f}",
                 ("binding" + (f" (with {e.relieve_with.replace(';', ', ')})" if e.relieve_with else ""))
                 if e.shadow_price_usd_per_t > 0 else "full" if e.binding else ""]
                for e in shown.itertuples()]
        out.append(_table(["kind", "id", "Mt/yr", "capacity", "use", "shadow USD/t", ""], rows, {0, 1, 6}))
        if len(shown) < len(el):
            out.append(f"  ({len(el) - len(shown)} more capacity elements carry no flow)")
        if ((shown["shadow_price_usd_per_t"] <= 0) & shown["binding"]).any():
            out.append("  'full' at price 0: relieving it alone saves nothing; it caps the same flow as a priced "
                       "element "
                       "(e.g. a port's node and its terminal)")
    out.append("")
    time_value = t["generalized_cost_usd_per_year"] - t["transport_cost_usd_per_year"]
    out.append(f"  Total generalized cost {t['total_cost_usd_per_year'] / 1e6:,.1f} MUSD/yr = transport "
               f"{t['transport_cost_usd_per_year'] / 1e6:,.1f} + value of transit time {time_value / 1e6:,.1f} + "
               f"unserved penalty {t['unserved_penalty_usd_per_year'] / 1e6:,.1f} MUSD/yr; "
               f"{_mt(t['delivered_mt_per_year'])} Mt/yr delivered at an average {t['average_cost_usd_per_t']:.2f} "
               f"USD/t (generalized {t['average_generalized_usd_per_t']:.2f})")
    unserved = alloc.destinations["unserved_mt_per_year"]
    unserved = unserved[unserved > 1e-9]
    out.append("  Unserved: " + (", ".join(f"{d} {_mt(v)} Mt/yr" for d, v in unserved.items()) if len(unserved)
                                 else "none"))
    ex = alloc.exposure
    if len(ex):
        out.append("  Through each country (Mt/yr, share of the delivered tonnes, MUSD/yr charged there): "
                   + ", ".join(f"{c} {_mt(e.mt_per_year)} ({100 * e.share_of_delivered:.0f}%, "
                               f"{e.usd_per_year / 1e6:,.1f})" for c, e in ex.iterrows()))
    return "\n".join(out)


SHOWN = 12  # rows of each table of draws over flows shown in the terminal


def flow_draws_text(results: Results, case: str) -> str:
    """One case's draws over flows: totals, capacity elements by binding probability, corridors (P10-P90)."""
    d = results.flow_draws[case]
    out = [f"  Draws over flows: {d.draws:,} (seed {d.seed}), each allocation re-solved; P10/P50/P90 and the value "
           "at the file values"]
    t = d.totals()
    scale = {"total_cost_usd_per_year": ("total cost MUSD/yr", 1e-6), "delivered_mt_per_year": ("delivered Mt/yr", 1),
             "unserved_mt_per_year": ("unserved Mt/yr", 1)}
    rows = [[scale[k][0], *(f"{r[c] * scale[k][1]:,.1f}" for c in ("p10", "p50", "p90", "deterministic"))]
            for k, r in t.iterrows()]
    out.append(_table(["", "P10", "P50", "P90", "file"], rows, {0}))
    el = d.element_table()
    shown = el[(el["p_binding"] > 0) | (el["p_priced"] > 0)]
    if len(shown):
        out += ["", "  Capacity elements, most often binding first (shadow price USD/t):"]
        rows = [[e.id, f"{e.p_binding:.0%}", f"{e.p_priced:.0%}", f"{e.p10_shadow_price_usd_per_t:.1f}",
                 f"{e.p50_shadow_price_usd_per_t:.1f}", f"{e.p90_shadow_price_usd_per_t:.1f}",
                 f"{e.deterministic_shadow_price_usd_per_t:.1f}"] for e in shown.head(SHOWN).itertuples()]
        out.append(_table(["element", "P(full)", "P(price)", "P10", "P50", "P90", "file"], rows, {0}))
        if len(shown) > SHOWN:
            out.append(f"  ({len(shown) - SHOWN} more bind in some draw: see flow_draw_elements.csv with --out)")
    cor = d.corridor_table()
    cor = cor[cor["p_used"] > 0]
    if len(cor):
        out += ["", "  Mt/yr by corridor (the border crossings and export port a route uses):"]
        rows = [[f"{c.p10_mt_per_year:.2f}", f"{c.p50_mt_per_year:.2f}", f"{c.p90_mt_per_year:.2f}",
                 f"{c.deterministic_mt_per_year:.2f}", f"{c.p_used:.0%}", c.corridor]
                for c in cor.head(SHOWN).itertuples()]
        out.append(_table(["P10", "P50", "P90", "file", "P(used)", "corridor"], rows, {5}))
        if len(cor) > SHOWN:
            out.append(f"  ({len(cor) - SHOWN} more corridors carry flow in some draw: flow_draw_corridors.csv)")
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


def text_report(results: Results) -> str:
    """Every case of a scenario: its shipment, then its routes (or why there is none)."""
    scenario = results.scenario
    out = [f"{scenario.name}", "=" * len(scenario.name)]
    if scenario.description:
        out.append(scenario.description.strip())
    for case in scenario.cases:
        ship, s = case.shipment, case.settings
        out.append("")
        lot = (f"{ship.tonnes:,.0f} t of {ship.coal} coal from {ship.origin} to {ship.destination}; "
               if ship is not None else "")
        out.append(f"Case: {case.name} — {lot}"
                   f"value of time {s.value_of_time_usd_per_t_day:g} USD/t-day"
                   + (f"; carbon price {s.carbon_price_usd_per_t_co2:g} USD/t CO2" if s.carbon_price_usd_per_t_co2
                      else "")
                   + (f"; {_restriction(ship)}" if ship is not None and ship.restricted else "")
                   + (f"; closed: {', '.join(case.closed)}" if case.closed else ""))
        if case.name in results.failures:
            out.append(f"  {results.failures[case.name]}")
        elif results.uncertainty and case.name in results.uncertainty:
            d = results.uncertainty[case.name]
            out.append(f"  {d.draws:,} draws (seed {d.seed}) over {d.candidates} candidate routes; coverage "
                       f"{d.coverage:.1%} of {d.checked:,} draws checked by exact search; P10-P90 of USD/t")
        if ship is not None and case.name not in results.failures:
            out.append(case_table(results, case.name))
            if case.name in results.corridors.index.get_level_values("case"):
                out.append(corridors_text(results, case.name))
        if case.name in results.allocations:
            out.append(flows_text(results, case.name))
        if case.name in results.flow_draws:
            out += ["", flow_draws_text(results, case.name)]
    return "\n".join(out)


def network_report(net) -> str:
    """What a network holds: counts, nodes by country, kilometres by mode and country."""
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
    out.append(nodes[["name", "country", "kind"]].to_string())
    out += ["", "Transfers (where a route may change mode):"]
    out.append(net.transfers[["cost_usd_per_t", "dwell_hours", "capacity_mt_per_year"]].to_string())
    out += ["", regimes_text(net)]
    money = money_text(net)
    if money:
        out += ["", money]
    return "\n".join(out)
