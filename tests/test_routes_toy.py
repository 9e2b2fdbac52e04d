"""Routes on the toy network (tests/data/toy), against values worked out by hand.

Route via port P: load 1 + rail a-b 100 km x 0.03 = 3 + border B pass 2 + rail b-r 400 x 0.02 = 8
+ rail r-p 100 x 0.02 = 2 + port P 5 + sea 1000 x 0.005 + 3 = 8 + unload 2 = 31 USD/t;
days 0.2 + 1 (B) + 1 + 0.25 + 2 (P) + 2 + 0.5 = 6.95.
Route via E (break of gauge) and T: 1 + 9 + 4 + 12.5 + 3 + 7 + 2 = 38.5 USD/t; days 0.6 + 1 + 1 + 1 + 1.6 + 0.5 = 5.7.
"""

import pytest

import corridor


def test_hand_computed_costs(toy_scenario):
    res = corridor.run(toy_scenario)
    base = res.routes.loc["baseline"]
    assert list(base["nodes"]) == [["a", "b", "r", "p", "m"], ["a", "e", "t", "m"]]
    assert base.loc[1, "cost_usd_per_t"] == pytest.approx(31.0)
    assert base.loc[1, "transit_days"] == pytest.approx(6.95)
    assert base.loc[2, "cost_usd_per_t"] == pytest.approx(38.5)
    assert base.loc[2, "transit_days"] == pytest.approx(5.7)
    assert base.loc[1, "cost_usd"] == pytest.approx(31.0 * 1000)
    # CO2: 600 rail km x 30 g + 1000 sea km x 7 g (defaults by mode)
    assert base.loc[1, "co2_kg_per_t"] == pytest.approx(0.6 * 30 + 1.0 * 7)


def test_components_and_countries_sum_to_cost(toy_scenario):
    res = corridor.run(toy_scenario)
    comp = res.components.loc[("baseline", 1)]
    assert comp.to_dict() == pytest.approx({"rail": 13.0, "road": 0.0, "sea": 8.0, "transfer": 8.0, "border": 2.0})
    by_country = res.countries.loc[("baseline", 1)]
    assert by_country[by_country != 0].to_dict() == pytest.approx({"MN": 6.0, "RU": 15.0, "INT": 8.0, "KR": 2.0})
    assert (res.components.sum(axis=1) - res.routes["cost_usd_per_t"]).abs().max() < 1e-9
    assert (res.countries.sum(axis=1) - res.routes["cost_usd_per_t"]).abs().max() < 1e-9


def test_break_of_gauge_is_paid_where_gauge_changes(toy_scenario):
    res = corridor.run(toy_scenario)
    legs = res.legs[(res.legs["case"] == "baseline") & (res.legs["rank"] == 2)]
    transfers = legs[legs["kind"] == "transfer"]
    assert list(transfers["id"]) == ["a:stock>rail1520", "e:rail1520>rail1435", "t:rail1435>sea", "m:sea>stock"]
    gauge = transfers.set_index("id").loc["e:rail1520>rail1435"]
    assert gauge["usd_per_t"] == 4.0 and gauge["days"] == 1.0


def test_closure_scale_and_value_of_time(toy_scenario):
    res = corridor.run(toy_scenario)
    best = res.best()
    assert best.loc["RU closed", "nodes"] == ["a", "e", "t", "m"]
    assert len(res.routes.loc["RU closed"]) == 1
    # RU tariff doubled: via P costs 31 + 8 + 2 = 41 > 38.5
    assert best.loc["RU tariff doubled", "cost_usd_per_t"] == pytest.approx(38.5)
    assert res.routes.loc[("RU tariff doubled", 2), "cost_usd_per_t"] == pytest.approx(41.0)
    # value of time 10 USD/t-day: via P 31 + 69.5 = 100.5; via E 38.5 + 57 = 95.5
    assert best.loc["time is money", "generalized_usd_per_t"] == pytest.approx(95.5)
    assert res.routes.loc[("time is money", 2), "generalized_usd_per_t"] == pytest.approx(100.5)


def test_value_of_time_from_cargo_value(toy_scenario):
    s = toy_scenario.with_settings(cargo_value_usd_per_t=73.0, interest_rate_per_year=0.1)
    case = s.cases[0]
    assert case.settings.value_of_time_usd_per_t_day == pytest.approx(73.0 * 0.1 / 365)


def test_pass_charge_not_paid_at_origin_or_destination(toy_net, toy_scenario):
    # make the origin and destination charge for passing: routes starting/ending there must not pay
    net = toy_net.change("nodes", {"id": ["a", "m"]}, set={"pass_usd_per_t": 100.0, "pass_hours": 100.0})
    res = corridor.run(toy_scenario.with_network(net))
    assert res.best().loc["baseline", "cost_usd_per_t"] == pytest.approx(31.0)


def test_no_route_is_reported_and_other_cases_run(toy_scenario):
    s = toy_scenario.with_case("all shut", close={"countries": ["RU", "CN"]})
    res = corridor.run(s)
    assert res.failures == {"all shut": "no route from a to m with RU, CN closed"}
    assert "baseline" in res.routes.index.get_level_values("case")
    assert res.to_dict()["cases"][-1] == {"name": "all shut", "error": "no route from a to m with RU, CN closed",
                                          "routes": []}


def test_one_way_sea_link_is_not_used_backwards(toy_scenario):
    s = toy_scenario.with_settings().with_cases([{"name": "back", "shipment": {"origin": "m", "destination": "a"}}])
    res = corridor.run(s)
    assert "back" in res.failures


def test_route_visits_each_node_once(toy_net):
    from corridor.graph import build_graph
    from corridor.legs import route_legs, route_nodes
    from corridor.routes import cheapest_routes

    g = build_graph(toy_net)
    for arcs in cheapest_routes(g, "a", "m", 10, 0.0):
        nodes = route_nodes(route_legs(g, arcs))
        assert len(nodes) == len(set(nodes))


def test_network_change_returns_copy(toy_net):
    net2 = toy_net.change("links", {"id": "a_b"}, add={"tariff_usd_per_tkm": 0.01})
    assert toy_net.links.at["a_b", "tariff_usd_per_tkm"] == 0.03
    assert net2.links.at["a_b", "tariff_usd_per_tkm"] == pytest.approx(0.04)
