"""Annual flows on a capacitated network (corridor.flows).

Hand-computed cases use the toy network (tests/data/toy; routes worked out in test_routes_toy.py):
route via port P costs 31 USD/t, route via E and T costs 38.5 USD/t, both from mine ``a`` to market ``m``.
Random integer instances are checked against networkx's network simplex on a graph built independently
from the network tables (not from the LP or the routing graph), and against invariants.
"""

from __future__ import annotations

import json
from itertools import pairwise

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.cli import main
from corridor.flows import allocate, flow_problem
from corridor.graph import build_graph
from corridor.routes import cheapest_routes, is_valid

from .conftest import DATA, assert_input_error


def alloc_of(net, supply, demand, **kw):
    return allocate(build_graph(net), supply, demand, **kw)


def element(alloc, kind, id_):
    el = alloc.elements
    return el[(el["kind"] == kind) & (el["id"] == id_)].iloc[0]


# ----- hand-computed cases on the toy network ----------------------------------------------------------

def test_uncapacitated_takes_cheapest_route(toy_net):
    a = alloc_of(toy_net, {"a": 10}, {"m": 4})
    assert len(a.routes) == 1
    r = a.routes.iloc[0]
    assert r["nodes"] == ["a", "b", "r", "p", "m"] and r["mt_per_year"] == pytest.approx(4.0)
    assert r["cost_usd_per_t"] == pytest.approx(31.0)
    assert a.totals["total_cost_usd_per_year"] == pytest.approx(4e6 * 31.0)
    assert a.totals["unserved_mt_per_year"] == pytest.approx(0.0)
    assert a.elements.empty  # the toy network has no capacities
    # one more tonne of demand at m costs the cheapest route; one more tonne of supply at a is worth nothing
    assert a.destinations.at["m", "marginal_usd_per_t"] == pytest.approx(31.0)
    assert a.origins.at["a", "value_usd_per_t"] == pytest.approx(0.0)


def test_binding_link_and_its_shadow_price(toy_net):
    """b_r capped at 3 Mt/yr: 3 via P at 31, the 4th Mt via E at 38.5; total 4e6 x ... = 131.5 MUSD/yr.
    One more tonne a year on b_r moves a tonne from E (38.5) to P (31): shadow price 7.5 USD/t."""
    net = toy_net.change("links", {"id": "b_r"}, set={"capacity_mt_per_year": 3.0})
    a = alloc_of(net, {"a": 10}, {"m": 4})
    flows = a.routes.set_index(a.routes["nodes"].map(tuple))["mt_per_year"]
    assert flows.to_dict() == pytest.approx({("a", "b", "r", "p", "m"): 3.0, ("a", "e", "t", "m"): 1.0})
    assert a.totals["total_cost_usd_per_year"] == pytest.approx((3 * 31.0 + 1 * 38.5) * 1e6)
    assert a.totals["average_cost_usd_per_t"] == pytest.approx((3 * 31.0 + 38.5) / 4)
    b_r = element(a, "link", "b_r")
    assert b_r["flow_mt_per_year"] == pytest.approx(3.0) and b_r["utilisation"] == pytest.approx(1.0)
    assert b_r["shadow_price_usd_per_t"] == pytest.approx(7.5) and b_r["binding"]
    assert a.destinations.at["m", "marginal_usd_per_t"] == pytest.approx(38.5)


def test_shadow_price_against_finite_difference(toy_net):
    """The dual is the slope of total cost in capacity: check it against re-solving with +0.1 Mt/yr."""
    for table, where in (("links", {"id": "b_r"}), ("nodes", {"id": "p"}), ("transfers", {"id": "p:rail1520>sea"})):
        net = toy_net.change(table, where, set={"capacity_mt_per_year": 2.5})
        more = toy_net.change(table, where, set={"capacity_mt_per_year": 2.6})
        a, b = alloc_of(net, {"a": 10}, {"m": 4}), alloc_of(more, {"a": 10}, {"m": 4})
        slope = (a.totals["total_cost_usd_per_year"] - b.totals["total_cost_usd_per_year"]) / 0.1e6
        kind = table[:-1]
        price = element(a, kind, where["id"])["shadow_price_usd_per_t"]
        assert slope == pytest.approx(7.5) and price == pytest.approx(7.5), (table, slope, price)


def test_unserved_at_the_penalty_and_prices_bounded_by_it(toy_net):
    """Both routes capped at 2 Mt/yr, demand 6: 2 Mt/yr unserved at 200 USD/t. One more tonne on b_r
    saves 200 - 31 = 169, on e_t 200 - 38.5 = 161.5 USD/t; total = 2x31 + 2x38.5 + 2x200 = 539 MUSD/yr."""
    net = toy_net.change("links", {"id": ["b_r", "e_t"]}, set={"capacity_mt_per_year": 2.0})
    a = alloc_of(net, {"a": 10}, {"m": 6}, unserved_penalty_usd_per_t=200.0)
    assert a.destinations.at["m", "unserved_mt_per_year"] == pytest.approx(2.0)
    assert a.totals["total_cost_usd_per_year"] == pytest.approx(539e6)
    assert a.totals["unserved_penalty_usd_per_year"] == pytest.approx(400e6)
    assert a.totals["transport_cost_usd_per_year"] == pytest.approx(139e6)
    assert element(a, "link", "b_r")["shadow_price_usd_per_t"] == pytest.approx(169.0)
    assert element(a, "link", "e_t")["shadow_price_usd_per_t"] == pytest.approx(161.5)
    assert list(a.elements["id"]) == ["b_r", "e_t"]  # binding, highest price first
    assert a.destinations.at["m", "marginal_usd_per_t"] == pytest.approx(200.0)


def test_supply_short_of_demand_is_unserved_not_an_error(toy_net):
    a = alloc_of(toy_net, {"a": 1.5}, {"m": 4}, unserved_penalty_usd_per_t=300.0)
    assert a.totals["delivered_mt_per_year"] == pytest.approx(1.5)
    assert a.destinations.at["m", "unserved_mt_per_year"] == pytest.approx(2.5)
    # one more tonne of supply at a saves the penalty less the route's cost
    assert a.origins.at["a", "value_usd_per_t"] == pytest.approx(300.0 - 31.0)
    closed = toy_net.close(nodes=["a"])
    b = alloc_of(closed, {"a": 5}, {"m": 4})
    assert b.routes.empty and b.totals["unserved_mt_per_year"] == pytest.approx(4.0)
    assert b.totals["total_cost_usd_per_year"] == pytest.approx(4e6 * 1000.0)


def test_destination_pass_charge_is_not_paid_but_transit_through_a_destination_pays(toy_net):
    """How the destination's pass charge was checked.

    The LP charges the pass of the node entered on every link arc and refunds the destination's pass on its
    demand arc. Worked by hand on the toy network with demand at station r (2 Mt/yr, no unloading rows,
    so flow ends in r's rail state) and at m (4 Mt/yr):

    * r's pass 10 USD/t: the r route a-b-r costs 1 + 3 + 2 (B) + 8 = 14, without r's 10. A tonne to m
      through r pays it: 31 + 10 = 41 > 38.5 via E, so m is served via E. Total 2x14 + 4x38.5 = 182 MUSD/yr.
    * r's pass 5: through r costs 36 < 38.5, so m is served via P at 36. Total 2x14 + 4x36 = 172 MUSD/yr.
    * m's own pass 100 (and 100 h): nothing changes for tonnes ending at m (31 USD/t).
    The route costs reported equal :func:`corridor.legs.route_legs` (which drops the destination's pass).
    """
    from corridor.legs import route_legs

    for pass_r, via, m_cost, total in ((10.0, ["a", "e", "t", "m"], 38.5, 182e6), (5.0, ["a", "b", "r", "p", "m"],
                                                                                  36.0, 172e6)):
        net = toy_net.change("nodes", {"id": "r"}, set={"pass_usd_per_t": pass_r})
        a = alloc_of(net, {"a": 10}, {"r": 2, "m": 4})
        routes = a.routes.set_index("destination")
        assert routes.at["r", "cost_usd_per_t"] == pytest.approx(14.0)
        assert routes.at["m", "nodes"] == via and routes.at["m", "cost_usd_per_t"] == pytest.approx(m_cost)
        assert a.totals["total_cost_usd_per_year"] == pytest.approx(total)
        g = build_graph(net)
        for r in a.routes.itertuples():
            assert route_legs(g, r.arcs)["usd_per_t"].sum() == pytest.approx(r.cost_usd_per_t)
    net = toy_net.change("nodes", {"id": "m"}, set={"pass_usd_per_t": 100.0, "pass_hours": 100.0})
    a = alloc_of(net, {"a": 10}, {"m": 4}, value_of_time_usd_per_t_day=1.0)
    assert a.routes.iloc[0]["cost_usd_per_t"] == pytest.approx(31.0)
    assert a.routes.iloc[0]["generalized_usd_per_t"] == pytest.approx(31.0 + 6.95)
    assert a.totals["total_cost_usd_per_year"] == pytest.approx(4e6 * (31.0 + 6.95))


def test_both_ways_link_shares_its_capacity_backwards_too(toy_net, tmp_path):
    """b_r written the other way round (from r to b): the flow uses its backward arc, and the capacity binds
    exactly as before (shadow price 7.5)."""
    links = toy_net.links.copy()
    links.loc["b_r", ["from", "to"]] = ["r", "b"]
    links.loc["b_r", "capacity_mt_per_year"] = 3.0
    net = corridor.write_network(toy_net.__class__(toy_net.nodes, links, toy_net.transfers, toy_net.sources),
                                 tmp_path / "rev")
    a = alloc_of(corridor.load_network(net), {"a": 10}, {"m": 4})
    b_r = element(a, "link", "b_r")
    assert b_r["flow_mt_per_year"] == pytest.approx(3.0) and b_r["shadow_price_usd_per_t"] == pytest.approx(7.5)
    problem = flow_problem(build_graph(corridor.load_network(net)), {"a": 1}, {"m": 1})
    row = problem.A_ub[1 + problem.elements.index[problem.elements["id"] == "b_r"][0]]
    assert row.nnz == 2  # both directions in one capacity row


def test_value_of_time_changes_the_allocation(toy_net):
    """At 10 USD/t-day via E (95.5 generalized) beats via P (100.5): all flow moves to E."""
    a = alloc_of(toy_net, {"a": 10}, {"m": 4}, value_of_time_usd_per_t_day=10.0)
    r = a.routes.iloc[0]
    assert r["nodes"] == ["a", "e", "t", "m"] and r["generalized_usd_per_t"] == pytest.approx(95.5)
    assert a.totals["total_cost_usd_per_year"] == pytest.approx(4e6 * 95.5)
    assert a.totals["transport_cost_usd_per_year"] == pytest.approx(4e6 * 38.5)


# ----- random integer instances: networkx and invariants ----------------------------------------------

def random_network(seed: int, folder) -> tuple[corridor.Network, dict, dict]:
    """A random network with integer costs and capacities, origins and destinations.

    Node capacities only at rail-only nodes; destinations charge no pass (the networkx model below has no
    refund arcs; the destination pass is checked by hand above).
    """
    rng = np.random.default_rng(seed)
    n = 14
    ids = [f"n{i}" for i in range(n)]
    order = rng.permutation(n)
    origins, dests = [ids[i] for i in order[:2]], [ids[i] for i in order[2:5]]
    has_road = {i: bool(rng.random() < 0.35) for i in ids}
    links = []

    def add_link(u, v, mode):
        cap = int(rng.integers(1, 5)) if rng.random() < 0.4 else ""
        links.append(dict(id=f"l{len(links)}", **{"from": u, "to": v}, mode=mode, country="MN",
                          distance_km=int(rng.integers(1, 20)), tariff_usd_per_tkm=1.0, speed_km_per_day=500,
                          fixed_usd_per_t="", capacity_mt_per_year=cap,
                          both_ways="true" if rng.random() < 0.7 else "false", co2_g_per_tkm="", source="estimate",
                          note="random"))

    perm = rng.permutation(n)
    for a_, b_ in pairwise(perm):
        add_link(ids[a_], ids[b_], "rail1520")
    for _ in range(12):
        u, v = rng.choice(n, size=2, replace=False)
        mode = "road" if has_road[ids[u]] and has_road[ids[v]] and rng.random() < 0.6 else "rail1520"
        add_link(ids[u], ids[v], mode)
    road_nodes = {x for lk in links if lk["mode"] == "road" for x in (lk["from"], lk["to"])}
    transfers = []
    for node in sorted(road_nodes):
        for f, t in (("rail1520", "road"), ("road", "rail1520")):
            transfers.append(dict(node=node, from_mode=f, to_mode=t, cost_usd_per_t=int(rng.integers(0, 4)),
                                  dwell_hours=0, capacity_mt_per_year=int(rng.integers(1, 6)) if rng.random() < 0.4
                                  else "", source="estimate", note="random"))
    for o in origins:
        if rng.random() < 0.5:
            transfers.append(dict(node=o, from_mode="stock", to_mode="rail1520", cost_usd_per_t=1, dwell_hours=0,
                                  capacity_mt_per_year="", source="estimate", note="random"))
    for d in dests:
        if rng.random() < 0.5:
            transfers.append(dict(node=d, from_mode="rail1520", to_mode="stock", cost_usd_per_t=1, dwell_hours=0,
                                  capacity_mt_per_year=int(rng.integers(1, 4)) if rng.random() < 0.5 else "",
                                  source="estimate", note="random"))
    nodes = []
    for i in ids:
        cap = int(rng.integers(1, 6)) if (i not in road_nodes and rng.random() < 0.3) else ""
        nodes.append(dict(id=i, name=i.upper(), country="MN", kind="station", lat=45.0, lon=105.0,
                          pass_usd_per_t=0 if i in dests else int(rng.integers(0, 3)), pass_hours=0,
                          capacity_mt_per_year=cap, source="estimate", note="random"))
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(nodes).to_csv(folder / "nodes.csv", index=False)
    pd.DataFrame(links).to_csv(folder / "links.csv", index=False)
    tr_cols = ["node", "from_mode", "to_mode", "cost_usd_per_t", "dwell_hours", "capacity_mt_per_year", "source",
               "note"]
    pd.DataFrame(transfers, columns=tr_cols).to_csv(folder / "transfers.csv", index=False)
    pd.DataFrame([dict(id="random", title="random", publisher="", year="", url="", note="")]).to_csv(
        folder / "sources.csv", index=False)
    supply = {o: int(rng.integers(1, 7)) for o in origins}
    demand = {d: int(rng.integers(1, 6)) for d in dests}
    return corridor.load_network(folder), supply, demand


def networkx_min_cost(net: corridor.Network, supply: dict, demand: dict, penalty: int) -> int:
    """Min total cost by networkx's network simplex, on a graph built straight from the network tables.

    States (node, mode); a link is a gadget in -> out whose middle arc carries the link's capacity, entered
    from either end if both_ways (so both directions share it); a node's capacity sits on one arc that every
    link into it feeds (capped nodes have a single mode in these instances); a
    super-source feeds origins (capped by supply) and, at the penalty, each destination directly (unserved).
    """
    g = nx.DiGraph()
    total = sum(demand.values())
    g.add_node("S", demand=-total)
    ncap = net.nodes["capacity_mt_per_year"]
    transfers = net.transfers
    modes: dict[str, set] = {}
    links = net.links.rename(columns={"from": "src"})
    for lk in links.itertuples():
        modes.setdefault(lk.src, set()).add(lk.mode)
        modes.setdefault(lk.to, set()).add(lk.mode)

    def enter(v, mode, gate, cost):
        if pd.notna(ncap[v]):
            g.add_edge(gate, ("N", v), weight=int(cost))  # every way in goes through one capped arc
            g.add_edge(("N", v), (v, mode), capacity=int(ncap[v]), weight=0)
        else:
            g.add_edge(gate, (v, mode), weight=int(cost))

    for lk in links.itertuples():
        u, v = lk.src, lk.to
        cost = round(lk.distance_km * lk.tariff_usd_per_tkm)
        lin, lout = ("Lin", lk.Index), ("Lout", lk.Index)
        if pd.notna(lk.capacity_mt_per_year):
            g.add_edge(lin, lout, capacity=int(lk.capacity_mt_per_year), weight=0)
        else:
            g.add_edge(lin, lout, weight=0)
        g.add_edge((u, lk.mode), lin, weight=0)
        enter(v, lk.mode, ("Lout_to", lk.Index, v), 0)
        g.add_edge(lout, ("Lout_to", lk.Index, v), weight=int(cost + net.nodes.at[v, "pass_usd_per_t"]))
        if lk.both_ways:
            g.add_edge((v, lk.mode), lin, weight=0)
            g.add_edge(lout, ("Lout_to", lk.Index, u), weight=int(cost + net.nodes.at[u, "pass_usd_per_t"]))
            enter(u, lk.mode, ("Lout_to", lk.Index, u), 0)
    for t in transfers.itertuples():
        a = (t.node, "LOAD" if t.from_mode == "stock" else t.from_mode)
        b = (t.node, "UNLOAD" if t.to_mode == "stock" else t.to_mode)
        kw = {"capacity": int(t.capacity_mt_per_year)} if pd.notna(t.capacity_mt_per_year) else {}
        g.add_edge(a, b, weight=int(t.cost_usd_per_t), **kw)
    for o, s in supply.items():
        g.add_edge("S", ("O", o), capacity=int(s), weight=0)
        loads = transfers[(transfers["node"] == o) & (transfers["from_mode"] == "stock")]
        for m in (["LOAD"] if len(loads) else sorted(modes.get(o, ()))):
            g.add_edge(("O", o), (o, m), weight=0)
    for d, dem in demand.items():
        g.add_node(("T", d), demand=int(dem))
        g.add_edge("S", ("T", d), weight=int(penalty))
        unloads = transfers[(transfers["node"] == d) & (transfers["to_mode"] == "stock")]
        for m in (["UNLOAD"] if len(unloads) else sorted(modes.get(d, ()))):
            g.add_edge((d, m), ("T", d), weight=0)
    cost, _ = nx.network_simplex(g)
    return cost


@pytest.mark.parametrize("seed", range(12))
def test_total_cost_matches_networkx_network_simplex(seed, tmp_path):
    net, supply, demand = random_network(seed, tmp_path / "net")
    a = alloc_of(net, supply, demand, unserved_penalty_usd_per_t=100.0)
    expected = networkx_min_cost(net, supply, demand, 100)
    assert a.totals["total_cost_usd_per_year"] / 1e6 == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_invariants(seed, tmp_path):
    net, supply, demand = random_network(seed, tmp_path / "net")
    g = build_graph(net)
    a = allocate(g, supply, demand, unserved_penalty_usd_per_t=100.0)
    tol = 1e-7
    # no element over its capacity; prices >= 0; a positive price only where the element is full
    el = a.elements
    assert (el["flow_mt_per_year"] <= el["capacity_mt_per_year"] + tol).all()
    assert (el["shadow_price_usd_per_t"] >= 0).all()
    assert (el.loc[el["shadow_price_usd_per_t"] > 1e-6, "utilisation"] > 1 - 1e-6).all()
    # binding elements (by price) come first
    prices = el["shadow_price_usd_per_t"].to_numpy()
    assert (np.diff(prices) <= 1e-9).all()
    # conservation at every state that is not an origin's start or a destination's end
    flow = a.arc_flow
    n = len(g.states)
    net_in = (np.bincount(g.arcs["head"], weights=flow, minlength=n) - np.bincount(g.arcs["tail"], weights=flow,
                                                                                   minlength=n))
    ends = {s for o in supply for s in g.origin_states(o)} | {s for d in demand for s in g.destination_states(d)}
    inner = np.array([i not in ends for i in range(n)])
    assert np.abs(net_in[inner]).max(initial=0) < 1e-7
    # supply, delivery and unserved add up; the routes rebuild the arc flows and the cost exactly
    dest = a.destinations
    assert (dest["delivered_mt_per_year"] + dest["unserved_mt_per_year"]).to_numpy() == pytest.approx(
        dest["demand_mt_per_year"].to_numpy())
    assert (a.origins["shipped_mt_per_year"] <= a.origins["supply_mt_per_year"] + tol).all()
    by_dest = a.routes.groupby("destination")["mt_per_year"].sum().reindex(dest.index, fill_value=0.0)
    assert by_dest.to_numpy() == pytest.approx(dest["delivered_mt_per_year"].to_numpy(), abs=1e-7)
    rebuilt = np.zeros(len(flow))
    for r in a.routes.itertuples():
        np.add.at(rebuilt, r.arcs, r.mt_per_year)
    assert rebuilt == pytest.approx(flow, abs=1e-7)
    cost = a.totals["generalized_cost_usd_per_year"] + a.totals["unserved_penalty_usd_per_year"]
    assert cost == pytest.approx(a.totals["total_cost_usd_per_year"], rel=1e-9, abs=1e-3)


@pytest.mark.parametrize("seed", range(8))
def test_adding_capacity_never_raises_cost_and_removing_never_lowers_it(seed, tmp_path):
    net, supply, demand = random_network(seed, tmp_path / "net")
    base = alloc_of(net, supply, demand).totals["total_cost_usd_per_year"]
    rng = np.random.default_rng(seed)
    for table in ("links", "transfers", "nodes"):
        df = net.table(table)
        capped = list(df.index[df["capacity_mt_per_year"].notna()])
        if not capped:
            continue
        pick = capped[int(rng.integers(len(capped)))]
        more = net.change(table, {"id": pick}, add={"capacity_mt_per_year": 1.0})
        less = net.change(table, {"id": pick}, scale={"capacity_mt_per_year": 0.5})
        assert alloc_of(more, supply, demand).totals["total_cost_usd_per_year"] <= base + 1e-3
        assert alloc_of(less, supply, demand).totals["total_cost_usd_per_year"] >= base - 1e-3
    for scale in (2.0, 0.0):
        changed = net
        for table in ("links", "transfers", "nodes"):
            if net.table(table)["capacity_mt_per_year"].notna().any():
                changed = changed.change(table, None, scale={"capacity_mt_per_year": scale})
        cost = alloc_of(changed, supply, demand).totals["total_cost_usd_per_year"]
        assert cost <= base + 1e-3 if scale > 1 else cost >= base - 1e-3


@pytest.mark.parametrize("seed", range(8))
def test_unlimited_capacity_every_tonne_takes_the_cheapest_route(seed, tmp_path):
    net, supply, demand = random_network(seed, tmp_path / "net")
    free = corridor.Network(net.nodes.assign(capacity_mt_per_year=np.nan),
                            net.links.assign(capacity_mt_per_year=np.nan),
                            net.transfers.assign(capacity_mt_per_year=np.nan), net.sources, name="free")
    g = build_graph(free)
    a = allocate(g, supply, demand)
    assert a.elements.empty
    for r in a.routes.itertuples():
        best = cheapest_routes(g, r.origin, r.destination, 1, 0.0)[0]
        best_cost = float(g.money()[best].sum())  # destinations charge no pass here
        assert r.cost_usd_per_t <= best_cost + 1e-9
        if is_valid(g, r.arcs):  # the LP may revisit a node to change mode, which route search excludes
            assert r.cost_usd_per_t == pytest.approx(best_cost)


def test_unlimited_capacity_on_toy_matches_rank_one_route(toy_net):
    g = build_graph(toy_net)
    a = allocate(g, {"a": 3}, {"m": 2})
    assert [r.arcs for r in a.routes.itertuples()] == [cheapest_routes(g, "a", "m", 1, 0.0)[0]]


# ----- scenario files, results, CLI ------------------------------------------------------------------

FLOWS_TOML = """name = "toy flows"
network = "toy"
[flows]
supply = { a = 10 }
demand = { m = 4 }
unserved_penalty_usd_per_t = 200
[[cases]]
name = "baseline"
[[cases]]
name = "b_r capped"
[[cases.change]]
table = "links"
where = { id = "b_r" }
set = { capacity_mt_per_year = 3 }
[[cases]]
name = "more demand"
flows = { demand = { m = 6, r = 1 } }
[[cases]]
name = "a closed"
close = { nodes = ["a"] }
"""


@pytest.fixture
def flows_file(tmp_path):
    import shutil
    shutil.copytree(DATA / "toy", tmp_path / "toy")
    path = tmp_path / "flows.toml"
    path.write_text(FLOWS_TOML)
    return path


def test_scenario_flows_and_case_overrides(flows_file):
    s = corridor.load_scenario(flows_file)
    assert s.cases[0].shipment is None
    assert s.cases[0].flows.supply == {"a": 10.0} and s.cases[0].flows.unserved_penalty_usd_per_t == 200.0
    assert s.case("more demand").flows.demand == {"m": 6.0, "r": 1.0}
    assert s.case("more demand").flows.supply == {"a": 10.0}
    res = corridor.run(s)
    assert res.routes.empty and res.failures == {}
    totals = res.flow_totals["total_cost_usd_per_year"]
    assert totals["baseline"] == pytest.approx(124e6)
    assert totals["b_r capped"] == pytest.approx(131.5e6)
    assert totals["a closed"] == pytest.approx(4 * 200e6)
    assert res.flow_destinations.loc[("a closed", "m"), "unserved_mt_per_year"] == pytest.approx(4.0)
    assert res.flow_elements.loc["b_r capped"].iloc[0]["shadow_price_usd_per_t"] == pytest.approx(7.5)
    s2 = s.with_flows(supply={"a": 2})
    assert corridor.run(s2).flow_totals.loc["baseline", "unserved_mt_per_year"] == pytest.approx(2.0)


def test_json_structure(flows_file, capsys):
    assert main(["run", str(flows_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    case = {c["name"]: c for c in out["cases"]}["b_r capped"]
    flows = case["flows"]
    assert {"total_cost_usd_per_year", "routes", "elements", "unserved_mt_per_year"} <= set(flows)
    assert flows["total_cost_usd_per_year"] == pytest.approx(131.5e6)
    assert {"nodes", "mt_per_year", "cost_usd_per_t", "generalized_usd_per_t"} <= set(flows["routes"][0])
    assert flows["routes"][0]["nodes"] == ["a", "b", "r", "p", "m"]
    assert flows["elements"] == [{"kind": "link", "id": "b_r", "name": "Border B – Station R", "flow_mt_per_year": 3.0,
                                  "capacity_mt_per_year": 3.0, "utilisation": 1.0, "shadow_price_usd_per_t": 7.5,
                                  "binding": True, "capacity_estimated": True, "relieve_with": []}]
    assert flows["unserved_mt_per_year"] == {"m": 0.0}


def test_text_report_and_csv(flows_file, capsys, tmp_path):
    assert main(["run", str(flows_file), "--out", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "Capacity elements" in text and "b_r" in text and "7.50" in text and "binding" in text
    assert "Unserved: m 4.00 Mt/yr" in text  # the 'a closed' case
    stored = pd.read_csv(tmp_path / "out" / "flow_elements.csv")
    assert stored.loc[0, "id"] == "b_r"


def test_shipment_and_flows_together(toy_scenario):
    s = toy_scenario.with_flows(supply={"a": 5}, demand={"m": 2})
    res = corridor.run(s)
    assert len(res.routes.loc["baseline"]) == 2 and "baseline" in res.allocations
    entry = res.to_dict()["cases"][0]
    assert list(entry) == ["name", "routes", "corridors", "flows"]


BAD_FLOWS = [
    ("[flows]\nsupply = { atlantis = 3 }\ndemand = { m = 1 }\n", ["flows.supply.atlantis", "unknown node 'atlantis'"]),
    ("[flows]\nsupply = { a = -3 }\ndemand = { m = 1 }\n", ["flows.supply.a", "at least 0"]),
    ("[flows]\nsupply = { a = 'lots' }\ndemand = { m = 1 }\n", ["flows.supply.a", "expected a number"]),
    ("[flows]\nsupply = { a = 3 }\n", ["flows", "missing demand"]),
    ("[flows]\nsupply = 3\ndemand = { m = 1 }\n", ["flows.supply", "expected a table"]),
    ("[flows]\nsupply = { a = 3, m = 1 }\ndemand = { m = 1 }\n", ["flows", "m in both supply and demand"]),
    ("[flows]\nsupply = { a = 3 }\ndemand = { m = 1 }\nunserved_penalty_usd_per_t = 0\n",
     ["flows.unserved_penalty_usd_per_t", "greater than 0"]),
    ("[flows]\nsupply = { a = 3 }\ndemand = { m = 1 }\nspeed = 1\n", ["flows", "unknown key 'speed'"]),
    ("[flows]\nsupply = {}\ndemand = { m = 1 }\n", ["flows.supply", "is empty"]),
    ("[flows]\nsupply = { a = 3 }\ndemand = { m = 1 }\n[[cases]]\nname = 'x'\nflows = { demand = { q = 1 } }\n",
     ["cases[1] 'x'.flows.demand.q", "unknown node 'q'"]),
    ('name = "x"\n', ["missing [shipment]", "or [flows]"]),
]


@pytest.mark.parametrize("text,needles", BAD_FLOWS)
def test_bad_flows_name_file_and_key(text, needles, tmp_path, capsys):
    import shutil
    shutil.copytree(DATA / "toy", tmp_path / "toy")
    path = tmp_path / "bad.toml"
    path.write_text('network = "toy"\n' + text)
    assert_input_error(path, *needles)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


