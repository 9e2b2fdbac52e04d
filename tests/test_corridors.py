"""Corridors as a first-class view: gateways of a route, the best route through each gateway, via/avoid, fixed paths
and the carbon price, on the toy network by hand (routes worked out in test_routes_toy.py) and on the shipped data
against an exhaustive enumeration.

Toy routes: A = a › b › r › p › m (31.0 USD/t, 6.95 days, 25 kg CO2/t: 600 rail km x 30 g + 1000 sea km x 7 g) and
B = a › e › t › m (38.5 USD/t, 5.7 days, 29.6 kg CO2/t: 800 rail km x 30 g + 800 sea km x 7 g).
"""

import pytest

import corridor
from corridor.routes import cheapest_routes
from tests.conftest import ROOT, assert_input_error

A, B = ["a", "b", "r", "p", "m"], ["a", "e", "t", "m"]


def _case(toy_scenario, **shipment):
    return toy_scenario.with_cases([{"name": "x", "shipment": shipment}])


def test_gateways_and_corridors_of_the_toy(toy_scenario):
    res = corridor.run(toy_scenario)
    base = res.routes.loc["baseline"]
    assert list(base["corridor"]) == ["Border B – Station R › Port P", "Mine A – Border E › Port T"]
    gw = res.corridors.loc["baseline"]
    assert gw["kind"].to_dict() == {"Mine A – Border E": "exit", "Border B – Station R": "exit", "Port P": "port",
                                    "Port T": "port"}
    assert gw["rank"].to_dict() == {"Mine A – Border E": 2, "Border B – Station R": 1, "Port P": 1, "Port T": 2}
    assert list(base["best_for"]) == [["Border B – Station R", "Port P"], ["Mine A – Border E", "Port T"]]
    # closing Russia closes the B–R crossing and port P: reported as closed, not dropped
    closed = res.corridors.loc["RU closed"]
    assert closed.loc["Border B – Station R", "status"] == "closed" and closed.loc["Port P", "status"] == "closed"
    assert closed.loc["Port T", "rank"] == 1


def test_report_lists_every_gateway(toy_scenario):
    from corridor.report import text_report

    text = text_report(corridor.run(toy_scenario))
    section = text.split("Case: RU closed")[1].split("Case:")[0]
    assert "Port P" in section and "closed in this case" in section and "Port T" in section


def test_best_route_through_a_gateway_beyond_the_k_cheapest(toy_scenario):
    """With routes = 1 the listed route is A; port T's best (B) is added with its true rank, 2."""
    res = corridor.run(toy_scenario.with_settings(routes=1))
    base = res.routes.loc["baseline"]
    assert list(base.index) == [1, 2] and list(base["top"]) == [True, False]
    assert base.loc[2, "nodes"] == B and base.loc[2, "best_for"] == ["Mine A – Border E", "Port T"]
    off = corridor.run(toy_scenario.with_settings(routes=1, corridors=False))
    assert len(off.routes.loc["baseline"]) == 1 and off.corridors.empty


def test_via_and_avoid(toy_scenario):
    for shipment, nodes in [({"via": ["e"]}, [B]), ({"avoid": {"countries": ["RU"]}}, [B]),
                            ({"via": {"crossings": ["r/b"]}}, [A]), ({"via": {"countries": ["RU"]}}, [A]),
                            ({"via": {"links": ["t_m"]}}, [B]), ({"avoid": {"transfers": ["p:rail1520>sea"]}}, [B]),
                            ({"via": {"nodes": ["b", "p"]}}, [A])]:
        res = corridor.run(_case(toy_scenario, **shipment))
        assert list(res.routes.loc["x", "nodes"]) == nodes, shipment
    res = corridor.run(_case(toy_scenario, via=["e"], avoid={"nodes": ["t"]}))
    assert "x" in res.failures and "through e, avoiding t" in res.failures["x"]


def test_fixed_path_and_price_path(toy_scenario):
    res = corridor.run(_case(toy_scenario, path=B))
    assert list(res.routes.loc["x", "nodes"]) == [B] and res.routes.loc[("x", 1), "cost_usd_per_t"] == 38.5
    links = corridor.run(_case(toy_scenario, path={"links": ["a_b", "b_r", "r_p", "p_m"]}))
    assert list(links.routes.loc["x", "nodes"]) == [A]
    # the path priced in every case where it is open: RU tariff doubled costs 31 + 8 + 2 = 41
    table = corridor.price_path(toy_scenario, A)
    assert list(table.index) == ["baseline", "RU tariff doubled", "time is money"]
    assert table["cost_usd_per_t"].to_list() == pytest.approx([31.0, 41.0, 31.0])
    assert table.loc["time is money", "generalized_usd_per_t"] == pytest.approx(100.5)
    by_links, legs = corridor.price_path(toy_scenario, ["a_b", "b_r", "r_p", "p_m"], case="baseline", legs=True)
    assert by_links.loc["baseline", "cost_usd_per_t"] == pytest.approx(legs["usd_per_t"].sum()) == 31.0
    with pytest.raises(corridor.NoRouteError, match="no route from a to m"):
        corridor.price_path(toy_scenario, A, case="RU closed")


@pytest.mark.parametrize("shipment, needles", [
    ('via = ["nowhere"]', ["shipment.via.nodes", "unknown node 'nowhere'"]),
    ('via = { crossings = ["a/r"] }', ["shipment.via.crossings", "unknown crossing 'a/r'"]),
    ('avoid = { countries = ["XX"] }', ["shipment.avoid.countries", "unknown country 'XX'"]),
    ('via = ["e"]\navoid = ["e"]', ["shipment", "e both in via and in avoid"]),
    ('avoid = ["a"]', ["shipment.avoid", "cannot avoid the shipment's own origin"]),
    ('path = ["a", "r", "p", "m"]', ["shipment.path", "no link from a to r"]),
    ('path = ["b", "r", "p", "m"]', ["shipment.path", "must run from the origin (a)"]),
    ('path = { links = ["a_b", "r_p"] }', ["shipment.path.links", "does not start where the path before it ends"]),
    ('via = { places = ["a"] }', ["shipment.via", "unknown key 'places'"]),
])
def test_bad_via_avoid_and_path(toy_copy, shipment, needles):
    path = toy_copy / "bad.toml"
    path.write_text(f'network = "toy"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n{shipment}\n')
    assert_input_error(path, *needles)


def test_carbon_price_by_hand(toy_scenario):
    """Carbon 1000 USD/t CO2 with value of time 10: A = 100.5 + 25 = 125.5, B = 95.5 + 29.6 = 125.1 (B still
    cheapest); at 2000: A 150.5 < B 154.7. The break-even is 5 / 0.0046 = 1087 USD/t CO2."""
    s = toy_scenario.with_cases([
        {"name": "1000", "settings": {"value_of_time_usd_per_t_day": 10.0, "carbon_price_usd_per_t_co2": 1000.0}},
        {"name": "2000", "settings": {"value_of_time_usd_per_t_day": 10.0, "carbon_price_usd_per_t_co2": 2000.0}}])
    res = corridor.run(s)
    r = res.routes
    assert r.loc[("1000", 1), "nodes"] == B and r.loc[("1000", 1), "generalized_usd_per_t"] == pytest.approx(125.1)
    assert r.loc[("1000", 1), "carbon_usd_per_t"] == pytest.approx(29.6)
    assert r.loc[("2000", 1), "nodes"] == A and r.loc[("2000", 1), "generalized_usd_per_t"] == pytest.approx(150.5)
    assert r.loc[("2000", 2), "generalized_usd_per_t"] == pytest.approx(154.7)
    # the same price enters the allocation LP: one tonne a year goes the way the route search sends it
    flows = corridor.run(s.with_flows(supply={"a": 1.0}, demand={"m": 1.0}))
    assert flows.allocations["2000"].routes.iloc[0]["nodes"] == A
    assert flows.allocations["2000"].totals["total_cost_usd_per_year"] == pytest.approx(150.5e6)


def test_carbon_price_is_checked(toy_copy):
    path = toy_copy / "bad.toml"
    path.write_text('network = "toy"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n'
                    '[settings]\ncarbon_price_usd_per_t_co2 = -5\n')
    assert_input_error(path, "settings.carbon_price_usd_per_t_co2", "at least 0")


@pytest.fixture(scope="module")
def shipped_2025():
    s = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2025.toml")
    return s, corridor.run(s)


@pytest.mark.parametrize("name", ["test_shipment_2015", "test_shipment_2025"])
def test_shipped_reports_show_every_port_corridor(name):
    """Rajin, Vostochny and the designated Chinese ports appear in every case (Rajin as closed where the case closes
    the DPRK); Caofeidian shows as having no route: no regime lets Mongolian coal transit China to it."""
    from corridor.report import text_report

    s = corridor.load_scenario(ROOT / "scenarios" / f"{name}.toml")
    res = corridor.run(s)
    text = text_report(res)
    ports = ("Rajin port", "Vostochny port", "Tianjin port", "Qinhuangdao port", "Caofeidian port")
    for case in s.cases:
        gw = res.corridors.loc[case.name]
        for port in ports:
            closed = port == "Rajin port" and "KP" in case.closed
            want = "closed" if closed else "no route" if port == "Caofeidian port" else "open"
            assert gw.loc[port, "status"] == want, (case.name, port)
            if want == "open":
                route = res.routes.loc[(case.name, int(gw.loc[port, "rank"]))]
                assert port in route["corridor"] and port in route["best_for"]
        section = text.split(f"Case: {case.name} —")[1].split("\nCase: ")[0]
        assert all(p in section for p in ports)


def test_gateway_best_and_rank_match_an_enumeration(shipped_2025):
    """Each gateway's best route is the cheapest of the first 60 routes (Yen, no restriction) that pass through it,
    and its rank is its place in that enumeration."""
    s, res = shipped_2025
    case = s.cases[0]
    ship = case.shipment
    graph = corridor.build_graph(case.network, lot_t=ship.tonnes)
    vot = case.settings.value_of_time_usd_per_t_day
    all_routes = cheapest_routes(graph, ship.origin, ship.destination, 60, vot)
    legs = [corridor.legs.route_legs(graph, r) for r in all_routes]
    nodes = case.network.nodes
    corridors_ = [corridor.legs.corridor_label(lg, nodes) for lg in legs]
    table = res.corridors.loc[case.name]
    routes = res.routes.loc[case.name]
    for gateway, row in table[table["status"] == "open"].iterrows():
        name, _, avoid = gateway.partition(", avoiding ")
        countries = [set(nodes.loc[corridor.legs.route_nodes(lg), "country"]) for lg in legs]
        first = next(i for i, c in enumerate(corridors_)
                     if name in c and (not avoid or avoid not in countries[i])
                     and (row["kind"] == "port" or c.startswith(name)))
        assert row["rank"] == first + 1, gateway
        assert routes.loc[first + 1, "nodes"] == corridor.legs.route_nodes(legs[first])


def test_via_matches_an_enumeration(shipped_2025):
    """The best route through a node is the cheapest route through it among the first 60 routes."""
    s, _ = shipped_2025
    case = s.cases[0]
    ship = case.shipment
    graph = corridor.build_graph(case.network, lot_t=ship.tonnes)
    vot = case.settings.value_of_time_usd_per_t_day
    all_routes = cheapest_routes(graph, ship.origin, ship.destination, 60, vot)
    for node in ("khasan", "qinhuangdao", "gashuunsukhait"):  # (no regime lets Mongolian coal reach Zabaikalsk)
        res = corridor.run(s.with_cases([{"name": "v", "shipment": {"via": [node]}, "settings": {"routes": 1,
                                                                                                 "corridors": False}}]))
        expected = next(r for r in all_routes if node in corridor.legs.route_nodes(corridor.legs.route_legs(graph, r)))
        assert res.routes.loc[("v", 1), "nodes"] == corridor.legs.route_nodes(corridor.legs.route_legs(graph, expected))


def test_charts_draw_either_view(toy_scenario):
    res = corridor.run(toy_scenario.with_settings(routes=1))
    fig = res.plot.cost_bars("baseline", view="top")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["1. Mine A › Station R › Port P › Market M"]
    fig = res.plot.cost_distance("baseline", view="corridors")
    assert sorted(line.get_gid() for line in fig.axes[0].get_lines()) == ["route:1", "route:2"]
    with pytest.raises(ValueError, match="view must be"):
        res.plot.map("baseline", view="cheapest")
