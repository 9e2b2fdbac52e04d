"""Every cost rule is written once (corridor.costs): the routing graph, the re-pricing of draws and the allocation LP
price the same routes to the same numbers."""

import numpy as np
import pytest

import corridor
from corridor import costs
from corridor.flows import flow_problem
from corridor.graph import build_graph
from corridor.legs import route_legs
from corridor.routes import cheapest_routes
from corridor.uncertainty.reprice import ArcPricer, RouteSet


def _three_ways(net, origin, destination, vot, lot=None):
    """(legs, re-pricing, LP) generalized cost of the 8 cheapest routes."""
    graph = build_graph(net, lot_t=lot)
    arc_lists = cheapest_routes(graph, origin, destination, 8, vot)
    legs = [route_legs(graph, arcs) for arcs in arc_lists]
    by_legs = np.array([costs.generalized(*costs.route_totals(lg), vot) for lg in legs])
    pricer = ArcPricer(graph, ())
    by_weights = np.array([pricer.weights(np.empty((0, 1)), vot)[arcs, 0].sum() for arcs in arc_lists])
    money = np.array([costs.route_totals(lg)[0] for lg in legs])
    days = np.array([costs.route_totals(lg)[1] for lg in legs])
    priced = RouteSet(pricer, arc_lists, money, days, vot).price(np.empty((0, 3)))
    by_draws = costs.generalized(priced[0], priced[1], vot)
    lp = flow_problem(graph, {origin: 1.0}, {destination: 1.0}, value_of_time_usd_per_t_day=vot)
    by_lp = np.array([lp.c[arcs].sum() for arcs in arc_lists])
    return by_legs, by_weights, by_draws, by_lp


@pytest.mark.parametrize("vot", [0.0, 10.0])
def test_graph_draws_and_lp_price_routes_alike_on_the_toy(toy_net, vot):
    # pass charges at the origin and the destination: no route pays them, in any of the three
    net = toy_net.change("nodes", {"id": ["a", "m"]}, set={"pass_usd_per_t": 1000.0, "pass_hours": 1000.0})
    by_legs, by_weights, by_draws, by_lp = _three_ways(net, "a", "m", vot)
    assert len(by_legs) >= 2
    np.testing.assert_allclose(by_weights, by_legs, rtol=1e-12)
    assert np.array_equal(by_draws, np.repeat(by_legs[:, None], 3, axis=1))  # no change: bit for bit
    np.testing.assert_allclose(by_lp, by_legs, rtol=1e-12)
    assert by_legs.max() < 1000.0  # the 1,000 USD/t pass charges of origin and destination were not paid


def test_graph_draws_and_lp_price_routes_alike_on_the_shipped_network():
    net = corridor.load_network("baseline")
    by_legs, by_weights, by_draws, by_lp = _three_ways(net, "sharyn_gol", "pohang", 0.02, lot=25_000)
    np.testing.assert_allclose(by_weights, by_legs, rtol=1e-12)
    assert np.array_equal(by_draws[:, 0], by_legs)
    np.testing.assert_allclose(by_lp, by_legs, rtol=1e-12)


def test_link_rule_by_hand():
    assert costs.link_usd_per_t(100.0, 0.02, 1.5) == pytest.approx(3.5)
    assert costs.link_hours(480.0, 480.0) == pytest.approx(24.0)
    assert costs.generalized(10.0, 2.0, 0.5) == pytest.approx(11.0)
    assert costs.co2_kg_per_t(1000.0, 30.0) == pytest.approx(30.0)
