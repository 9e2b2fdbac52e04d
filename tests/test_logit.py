"""Route choice with dispersion (flows/logit.py): shares computed by hand on the toy network, capacities as
penalties at their dual price, and the least-cost allocation as the limit of a vanishing dispersion."""

import itertools
import math

import numpy as np
import pytest

import corridor
from corridor.flows import allocate, allocate_logit

from .conftest import DATA, assert_input_error

# The toy network's two routes from a to m (hand-computed in test_routes_toy.py):
# north a-b-r-p-m 31.0 USD/t, south a-e-t-m 38.5 USD/t.
NORTH, SOUTH = 31.0, 38.5


def _by_gateway(alloc):
    north = alloc.routes[alloc.routes["nodes"].map(lambda n: "b" in n)]["mt_per_year"].sum()
    south = alloc.routes[alloc.routes["nodes"].map(lambda n: "e" in n)]["mt_per_year"].sum()
    return north, south


@pytest.fixture(scope="module")
def graph():
    return corridor.build_graph(corridor.load_network(DATA / "toy"))


@pytest.mark.parametrize("mu", [2.0, 5.0, 20.0])
def test_two_routes_split_by_the_logit_of_their_costs(graph, mu):
    alloc = allocate_logit(graph, {"a": 10.0}, {"m": 10.0}, dispersion_usd_per_t=mu)
    north, south = _by_gateway(alloc)
    share = 1.0 / (1.0 + math.exp(-(SOUTH - NORTH) / mu))  # by hand
    assert north == pytest.approx(10.0 * share, rel=1e-7)
    assert south == pytest.approx(10.0 * (1.0 - share), rel=1e-6)
    assert sorted(alloc.routes["cost_usd_per_t"]) == pytest.approx([NORTH, SOUTH])
    assert alloc.totals["unserved_mt_per_year"] == 0.0
    assert alloc.totals["transport_cost_usd_per_year"] == pytest.approx((north * NORTH + south * SOUTH) * 1e6)


def test_a_binding_capacity_takes_its_price_as_a_penalty(graph):
    net = corridor.load_network(DATA / "toy").change("links", {"id": "b_r"}, set={"capacity_mt_per_year": 6.0})
    alloc = allocate_logit(corridor.build_graph(net), {"a": 10.0}, {"m": 10.0}, dispersion_usd_per_t=5.0)
    north, south = _by_gateway(alloc)
    assert (north, south) == (pytest.approx(6.0, abs=1e-7), pytest.approx(4.0, abs=1e-7))
    # 6/4 = exp(-(31 + G - 38.5) / 5), so G = 7.5 - 5 ln(1.5) (the unconstrained split would be 8.18 / 1.82)
    price = alloc.elements.set_index("id").at["b_r", "shadow_price_usd_per_t"]
    assert price == pytest.approx(7.5 - 5.0 * math.log(1.5), abs=1e-6)


def test_supply_short_of_demand_leaves_demand_unserved_within_capacity(graph):
    alloc = allocate_logit(graph, {"a": 4.0}, {"m": 10.0}, dispersion_usd_per_t=5.0)
    assert alloc.totals["delivered_mt_per_year"] == pytest.approx(4.0)
    assert alloc.totals["unserved_mt_per_year"] == pytest.approx(6.0)
    north, south = _by_gateway(alloc)
    assert north / south == pytest.approx(math.exp((SOUTH - NORTH) / 5.0))


@pytest.mark.parametrize("capacity", [None, 3.0])
def test_least_cost_is_the_limit_of_a_vanishing_dispersion(capacity):
    net = corridor.load_network(DATA / "toy")
    if capacity is not None:
        net = net.change("nodes", {"id": "b"}, set={"capacity_mt_per_year": capacity})
    g = corridor.build_graph(net)
    supply, demand = {"a": 9.0}, {"m": 5.0, "t": 2.5}
    lp = allocate(g, supply, demand)
    gaps = []
    for mu in (4.0, 1.0, 0.25, 0.05):
        logit = allocate_logit(g, supply, demand, dispersion_usd_per_t=mu)
        gaps.append(float(np.abs(logit.arc_flow - lp.arc_flow).max()))
        assert logit.totals["delivered_mt_per_year"] == pytest.approx(7.5, abs=1e-6)
    assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(gaps))  # closer as it falls
    assert gaps[0] > 0.1 or capacity is not None  # far at first (with the capacity, both fill it and go south)
    assert gaps[-1] < 1e-6
    assert logit.totals["transport_cost_usd_per_year"] == pytest.approx(lp.totals["transport_cost_usd_per_year"],
                                                                        rel=1e-7)
    if capacity is not None:  # the capacity's price tends to the LP's shadow price: 7.5 - mu ln(3 / 2) by hand
        price = lambda a: a.elements.set_index("id").at["b", "shadow_price_usd_per_t"]  # noqa: E731
        assert price(lp) == pytest.approx(SOUTH - NORTH)
        assert price(logit) == pytest.approx(SOUTH - NORTH - 0.05 * math.log(3.0 / 2.0), abs=1e-6)


def test_logit_through_a_scenario(toy_copy):
    (toy_copy / "flows.toml").write_text('name = "toy flows"\nnetwork = "toy"\n[flows]\nsupply = { a = 10 }\n'
                                         'demand = { m = 10 }\nassignment = "logit"\ndispersion_usd_per_t = 5\n'
                                         'paths = 3\nyear = 2015\n')
    s = corridor.load_scenario(toy_copy / "flows.toml")
    f = s.cases[0].flows
    assert (f.assignment, f.dispersion_usd_per_t, f.paths, f.year) == ("logit", 5.0, 3, "2015")
    alloc = corridor.run(s).allocations["baseline"]
    assert alloc.totals["dispersion_usd_per_t"] == 5.0
    assert _by_gateway(alloc)[0] == pytest.approx(10.0 / (1.0 + math.exp(-7.5 / 5.0)))


@pytest.mark.parametrize(("flows", "needle"), [
    ('assignment = "logit"', "needs dispersion_usd_per_t"),
    ("dispersion_usd_per_t = 5", 'go with assignment = "logit"'),
    ('assignment = "gravity"', 'expected "least-cost" or "logit"'),
    ('assignment = "logit"\ndispersion_usd_per_t = 0', "must be greater than 0"),
    ('assignment = "logit"\ndispersion_usd_per_t = 5\npaths = 0', "paths"),
    ('year = "15"', "expected a year such as 2015"),
])
def test_bad_logit_settings(toy_copy, flows, needle):
    path = toy_copy / "toy.toml"
    text = path.read_text()
    path.write_text(text.replace('[settings]', f'[flows]\nsupply = {{ a = 1 }}\ndemand = {{ m = 1 }}\n{flows}\n'
                                               '[settings]'))
    assert_input_error(path, "flows", needle)


def test_dispersion_must_be_positive():
    from corridor.flows.logit import path_set, solve_logit

    g = corridor.build_graph(corridor.load_network(DATA / "toy"))
    from corridor.flows import flow_problem

    p = flow_problem(g, {"a": 1.0}, {"m": 1.0})
    ps = path_set(p)
    with pytest.raises(ValueError, match="greater than 0"):
        solve_logit(ps, ps.costs(p.c[:p.n_arcs]), p.supply, p.demand, p.b_ub[1:], 0.0)
