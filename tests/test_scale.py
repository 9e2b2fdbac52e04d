"""Many cases and large searches: shared graphs and LPs equal full builds bit for bit; sea prices are reused only
when what they read is the same; Yen's search in scipy finds the routes networkx finds."""

from __future__ import annotations

from itertools import islice, pairwise

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor import costs, sea
from corridor.flows import flow_problem
from corridor.graph import build_graph
from corridor.restrict import Restriction
from corridor.routes import SINK, SOURCE, is_valid, routes_in_order, to_networkx
from corridor.shared import SharedBuilds

from .conftest import DATA, ROOT


def test_shared_graphs_and_lps_equal_full_builds_bit_for_bit():
    s = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml")
    shared = SharedBuilds(s.network)
    patched = 0
    for case in s.cases:
        f, st = case.flows, case.settings
        kw = dict(unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                  value_of_time_usd_per_t_day=st.value_of_time_usd_per_t_day)
        full = flow_problem(build_graph(case.network, origins=list(f.supply)), f.supply, f.demand, **kw)
        got = shared.case_problem(case)
        pd.testing.assert_frame_equal(full.graph.arcs, got.graph.arcs, check_exact=True)
        assert full.graph.states == got.graph.states
        for name in ("c", "b_eq", "b_ub", "supply", "demand", "supply_state", "sink_state", "sink_dest"):
            assert np.array_equal(getattr(full, name), getattr(got, name)), (case.name, name)
        assert (full.A_eq != got.A_eq).nnz == 0 and (full.A_ub != got.A_ub).nnz == 0
        pd.testing.assert_frame_equal(full.elements, got.elements, check_exact=True)
        patched += got.graph.states is shared.graph(s.network, None, list(f.supply)).states
    assert patched == sum(not c.closed for c in s.cases) == 8  # every case that closes nothing
    # and the run's allocations are those of each case on its own
    res = corridor.run(s)
    for case in s.cases[:4]:
        alone = corridor.solve.solve_flows(case)
        assert alone.totals == res.allocations[case.name].totals
        pd.testing.assert_frame_equal(alone.elements, res.allocations[case.name].elements, check_exact=True)


def test_a_closing_case_is_built_in_full_and_a_graph_like_another_reprices_every_number():
    net = corridor.load_network("baseline")
    base = build_graph(net)
    closed = net.close(countries=["KP"])
    assert build_graph(closed, like=base).states is not base.states
    changed = net.change("links", {"country": "CN"}, scale={"tariff_usd_per_tkm": 1.5, "capacity_mt_per_year": 0.5})
    changed = changed.change("nodes", {"kind": "border"}, add={"pass_hours": 3.0})
    like = build_graph(changed, like=base)
    assert like.states is base.states
    pd.testing.assert_frame_equal(like.arcs, build_graph(changed).arcs, check_exact=True)
    assert not like.arcs["usd_per_t"].equals(base.arcs["usd_per_t"])


@pytest.mark.parametrize("network", ["baseline", DATA / "toy_regimes"])
def test_a_graph_like_another_with_transit_regimes_reprices_links_by_regime_and_flat_charges(network):
    net = corridor.load_network(network)
    assert net.has_regimes
    origin = net.nodes.index[net.nodes["country"] == "MN"][0]
    base = build_graph(net, origins=[origin])
    assert base.cargos == ("MN",) and (base.arcs["priced_by"] != "").any()
    basis = net.regimes["basis"]
    changed = net.change("regimes", {"id": list(basis.index[basis == "coefficient"])}, scale={"coefficient": 0.7})
    if (basis == "flat").any():
        changed = changed.change("regimes", {"id": list(basis.index[basis == "flat"])}, scale={"flat_usd_per_t": 1.3})
    changed = changed.change("links", None, scale={"tariff_usd_per_tkm": 1.2, "distance_km": 1.1})
    like = build_graph(changed, origins=[origin], like=base)
    assert like.states is base.states
    full = build_graph(changed, origins=[origin])
    pd.testing.assert_frame_equal(like.arcs, full.arcs, check_exact=True)
    assert np.array_equal(like.rows, full.rows)
    by_regime = (base.arcs["priced_by"] != "").to_numpy()
    assert not np.array_equal(like.arcs["usd_per_t"].to_numpy()[by_regime],
                              base.arcs["usd_per_t"].to_numpy()[by_regime])
    flat = (base.arcs["kind"] == "regime").to_numpy()
    assert flat.any() == (basis == "flat").any()
    assert not np.array_equal(like.arcs["usd_per_t"].to_numpy()[flat], base.arcs["usd_per_t"].to_numpy()[flat]) \
        or not flat.any()
    # other layers (every country's cargo) or another regime structure: built in full
    assert build_graph(changed, like=base).states is not base.states
    other = net.change("regimes", {"id": list(basis.index[basis == "coefficient"])}, set={"coefficient": 1.0})
    assert build_graph(other, origins=[origin], like=base).states is base.states


def test_sea_prices_are_shared_only_between_networks_that_price_the_sea_alike():
    net = corridor.load_network("baseline")
    first = sea.price_sea_links(net, 25_000.0)
    rail = net.change("links", {"country": "RU", "mode": "rail1520"}, scale={"tariff_usd_per_tkm": 0.5})
    assert sea.price_sea_links(rail, 25_000.0) is first  # nothing the sea pricing reads has changed
    assert sea.price_sea_links(net, 5_000.0) is not first  # another lot
    for other in (net.change("vessels", {}, scale={"hire_usd_per_day": 1.5}),
                  net.change("links", {"mode": "sea"}, scale={"distance_km": 1.1}),
                  net.change("nodes", {"kind": "port"}, set={"max_loa_m": 150.0})):
        again = sea.price_sea_links(other, 25_000.0)
        assert again is not first
        fresh = sea._price(other, other.links.loc[again.index], 25_000.0)
        pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    assert costs.price_links(rail, None) is costs.price_links(rail, None)  # once per network and lot


def networkx_routes(graph, origin, destination, weights, k, restriction=None):
    """Valid routes in order from networkx's Yen on the same graph (the search corridor used before)."""
    import networkx as nx

    g = to_networkx(graph, weights, restriction)
    layered = restriction is not None and not restriction.empty
    first = (lambda s: (s, 0)) if layered else (lambda s: s)
    last = (lambda s: (s, restriction.layers - 1)) if layered else (lambda s: s)
    g.add_edges_from(((SOURCE, first(s)) for s in graph.origin_states(origin) if first(s) in g), w=0.0, arc=None)
    g.add_edges_from(((last(e), SINK) for e in graph.destination_states(destination) if last(e) in g), w=0.0,
                     arc=None)
    out = []
    for path in islice(nx.shortest_simple_paths(g, SOURCE, SINK, weight="w"), 40 * k):
        arcs = [a for a in (g.edges[u, v]["arc"] for u, v in pairwise(path)) if a is not None]
        if is_valid(graph, arcs):
            out.append(arcs)
            if len(out) == k:
                break
    return out


@pytest.mark.parametrize("via,avoid", [((), ()), ((("node", "naushki"),), ()), ((), (("country", "CN"),))])
def test_yen_in_scipy_finds_the_routes_networkx_finds(via, avoid):
    net = corridor.load_network("baseline")
    graph = build_graph(net, lot_t=25_000.0)
    w = graph.weights(0.2)
    restriction = Restriction.build(graph, via=via, avoid=avoid) if via or avoid else None
    k = 25
    ours = list(islice(routes_in_order(graph, "tavan_tolgoi", "pohang", w, restriction), k))
    theirs = networkx_routes(graph, "tavan_tolgoi", "pohang", w, k, restriction)
    assert len(ours) == len(theirs) >= 2  # 16 valid routes through Naushki in all, 2 avoiding China
    cost = lambda r: float(w[r].sum())  # noqa: E731
    assert [cost(r) for r in ours] == pytest.approx([cost(r) for r in theirs], rel=1e-12)
    assert {tuple(r) for r in ours if cost(r) < cost(ours[-1]) - 1e-9} == \
        {tuple(r) for r in theirs if cost(r) < cost(theirs[-1]) - 1e-9}  # the same routes, but for ties at the end
