"""Transit regimes in the routing graph: hand-computed transit and import prices on the toy network with regimes
(tests/data/toy_regimes), routes no regime permits, scenario changes and additions, flows, draws.

The toy: MN cargo from mine a reaches market m (KR) through RU (regime ru_transit: 0.5 x the link tariff, exit port
p) or through CN (regime cn_transit: CNY 60/t = USD 10/t flat on entering, rail1435 links free, exit port t); CN
market c is an import at the links' own tariffs; a route to a port that is a regime's exit (p, t) ends in the cheaper
of import and transit; CN lets no cargo leave through h (to RU's q).
"""

from dataclasses import replace

import numpy as np
import pytest

import corridor
from corridor.graph import build_graph
from corridor.legs import route_legs
from corridor.routes import cheapest_routes
from corridor.uncertainty.distributions import Distribution
from corridor.uncertainty.entries import Entry, apply_values
from corridor.uncertainty.reprice import ArcPricer, RouteSet

from .conftest import DATA, assert_input_error


@pytest.fixture(scope="module")
def net():
    return corridor.load_network(DATA / "toy_regimes")


@pytest.fixture(scope="module")
def res():
    return corridor.run(corridor.load_scenario(DATA / "toy_regimes.toml"))


def _costs(graph, origin, destination, k=5):
    return [round(float(route_legs(graph, r)["usd_per_t"].sum()), 9) for r in
            cheapest_routes(graph, origin, destination, k, 0.0)]


def test_transit_prices_by_hand(res):
    r = res.routes.loc["baseline"]
    # via RU: load 1 + a_b 100 x 0.03 = 3 + pass b (MNT 6,000 = 3) + b_r (charged by RU, entered in transit)
    # 400 x 0.02 x 0.5 = 4 + r_p 100 x 0.02 x 0.5 = 1 + port p 5 + sea 1000 x 0.005 + 3 = 8 + unload 2 = 27
    assert r.loc[1, "cost_usd_per_t"] == pytest.approx(27.0, abs=1e-9)
    assert r.loc[1, "regimes"] == {"MN": "export", "RU": "ru_transit", "KR": "import"}
    # via CN: 1 + a_e 9 + flat CNY 60 / 6 = 10 + transloading e 4 + e_t free + port t CNY 18 / 6 = 3 + sea 7 + 2 = 36
    assert r.loc[2, "cost_usd_per_t"] == pytest.approx(36.0, abs=1e-9)
    assert r.loc[2, "regimes"] == {"MN": "export", "CN": "cn_transit", "KR": "import"}
    assert len(r) == 2  # no other route is permitted


def test_import_prices_by_hand(res):
    # to CN's market c: imported, China Railway's own tariff: 1 + 9 + 4 + e_c 200 x 0.025 = 5 + unload 2 = 21
    r = res.routes.loc["to C"]
    assert r.loc[1, "cost_usd_per_t"] == pytest.approx(21.0, abs=1e-9)
    assert r.loc[1, "regimes"] == {"MN": "export", "CN": "import"}


def test_a_port_of_a_transit_country_as_destination_takes_the_cheaper_of_transit_and_import(net):
    g = build_graph(net, origins=["a"])
    # to port t (free on board there): transit 1 + 9 + flat 10 + 4 + 0 = 24, import 1 + 9 + 4 + 12.5 = 26.5; the same
    # links and transfers, so one route, in the cheaper layer
    routes = cheapest_routes(g, "a", "t", 5, 0.0)
    assert len(routes) == 1
    assert route_legs(g, routes[0])["usd_per_t"].sum() == pytest.approx(24.0)
    from corridor.legs import route_regimes

    assert route_regimes(g, routes[0]) == {"MN": "export", "CN": "cn_transit"}
    dear = net.change("regimes", {"id": "cn_transit"}, set={"flat_usd_per_t": 20.0})
    g2 = build_graph(dear, origins=["a"])
    assert route_legs(g2, cheapest_routes(g2, "a", "t", 5, 0.0)[0])["usd_per_t"].sum() == pytest.approx(26.5)


def test_legs_name_their_regime(res):
    legs = res.legs[(res.legs["case"] == "baseline") & (res.legs["rank"] == 2)].set_index("id")
    assert legs.loc["cn_transit", "kind"] == "regime"
    assert legs.loc["cn_transit", ["country", "usd_per_t"]].tolist() == ["CN", pytest.approx(10.0)]
    assert legs.loc["e_t", ["regime", "usd_per_t"]].tolist() == ["cn_transit", 0.0]
    assert legs.loc["a_e", "regime"] == "export"
    assert legs.loc["t_m", "regime"] == ""  # sea legs are charged by no country
    assert legs["usd_per_t"].sum() == pytest.approx(36.0)
    legs1 = res.legs[(res.legs["case"] == "baseline") & (res.legs["rank"] == 1)].set_index("id")
    assert legs1.loc["b_r", ["country", "regime", "usd_per_t"]].tolist() == ["RU", "ru_transit", pytest.approx(4.0)]


def test_one_link_carries_two_prices(net):
    arcs = build_graph(net, origins=["a"]).arcs
    e_t = arcs[arcs["ref"] == "e_t"]
    assert set(zip(e_t["regime"], e_t["usd_per_t"])) == {("cn_transit", 0.0), ("import", 12.5)}  # both ways


def test_a_route_no_regime_permits_is_not_found(net, res):
    # MN cargo through CN into RU: CN lets it leave only at port t, so with b_r closed nothing reaches p
    assert "no route from a to p with b_r closed that the transit regimes permit" in res.failures["to P, B-R closed"]
    open_net = replace(net, regimes=net.regimes.iloc[:0])  # without regimes.csv: every transit is open
    closed = open_net.close(links=["b_r"])
    # 1 + a_e 9 + 4 + e_h 7.5 + h_q 1.25 + q_p 1 = 23.75 (at the links' own tariffs)
    assert _costs(build_graph(closed), "a", "p") == [23.75]
    assert not build_graph(open_net).cargos


def test_a_scenario_adds_a_regime(res):
    # a hypothetical CN transit for MN cargo to h at USD 0.01/t-km: 1 + 9 + 4 + 300 x 0.01 + 50 x 0.01, then q_p to
    # port p, an exit of RU's transit regime (delivered there, the cheaper of transit and import): 50 x 0.02 x 0.5
    r = res.routes.loc["to P, B-R closed, CN lets MN cargo transit to H"]
    assert r.loc[1, "cost_usd_per_t"] == pytest.approx(18.0)
    assert r.loc[1, "regimes"] == {"MN": "export", "CN": "cn_ru_transit", "RU": "ru_transit"}


def test_a_scenario_changes_a_regime(res):
    # coefficient 0.8: 27 + (8 + 2) x 0.3 = 30
    assert res.routes.loc[("RU coefficient 0.8", 1), "cost_usd_per_t"] == pytest.approx(30.0)


def test_cargo_from_another_country_has_its_own_layers(net):
    g = build_graph(net, origins=["r"])  # RU cargo: RU is its export layer; CN and KR admit it only as imports
    assert g.cargos == ("RU",)
    # r_p 2 (own tariff) + port 5 + sea 8 + unload 2 = 17
    assert _costs(g, "r", "m") == [17.0]
    both = build_graph(net)  # every country's cargo
    assert set(both.cargos) == set(net.nodes["country"])
    assert _costs(both, "r", "m") == [17.0] and _costs(both, "a", "m")[:2] == [27.0, 36.0]
    with pytest.raises(ValueError, match="built for cargo from RU, not from MN"):
        g.origin_states("a")


def test_json_and_csv_show_regimes(res, tmp_path):
    route = res.to_dict()["cases"][0]["routes"][0]
    assert route["regimes"] == {"MN": "export", "RU": "ru_transit", "KR": "import"}
    res.write_csv(tmp_path)
    text = (tmp_path / "routes.csv").read_text()
    assert "MN:export RU:ru_transit KR:import" in text
    assert ",regime" in (tmp_path / "legs.csv").read_text().splitlines()[0]


def test_flows_respect_regimes_and_share_capacities(net):
    from corridor.flows import allocate

    # p takes 4 Mt/yr (node capacity, all layers together): 4 via RU at 27, the other 6 via CN at 36
    alloc = allocate(build_graph(net, origins=["a"]), {"a": 10.0}, {"m": 10.0})
    routes = alloc.routes.set_index("mt_per_year")
    assert alloc.totals["transport_cost_usd_per_year"] == pytest.approx((4 * 27 + 6 * 36) * 1e6)
    assert routes.loc[6.0, "regimes"] == {"MN": "export", "CN": "cn_transit", "KR": "import"}
    # cargo from two countries: each its own layers, p's capacity shared by both
    alloc2 = allocate(build_graph(net, origins=["a", "r"]), {"a": 3.0, "r": 3.0}, {"m": 6.0})
    through_p = alloc2.elements.set_index("id").loc["p", "flow_mt_per_year"]
    assert through_p == pytest.approx(4.0)
    by_origin = alloc2.routes.groupby("origin")["mt_per_year"].sum()
    assert by_origin.sum() == pytest.approx(6.0)


def test_flows_results_name_the_regimes():
    scenario = corridor.load_scenario(DATA / "toy_regimes.toml").with_flows(supply={"a": 5.0}, demand={"m": 5.0})
    res = corridor.run(scenario)
    flow = res.to_dict()["cases"][0]["flows"]["routes"]
    assert {tuple(sorted(f["regimes"].items())) for f in flow} == {
        (("KR", "import"), ("MN", "export"), ("RU", "ru_transit")),
        (("CN", "cn_transit"), ("KR", "import"), ("MN", "export"))}


def _entries(net):
    return (Entry("RU coefficient", "regimes", {"id": "ru_transit"}, "coefficient", Distribution("uniform", 0.3, 1.2)),
            Entry("CN flat", "regimes", {"id": "cn_transit"}, "flat_usd_per_t", Distribution("uniform", 2.0, 30.0),
                  how="value"),
            Entry("RU tariff", "links", {"country": "RU"}, "tariff_usd_per_tkm", Distribution("uniform", 0.5, 2.0)))


def test_draws_reprice_regime_arcs_as_a_rebuilt_graph(net):
    graph = build_graph(net, lot_t=1000.0, origins=["a"])
    arc_lists = cheapest_routes(graph, "a", "m", 5, 0.0)
    entries = _entries(net)
    pricer = ArcPricer(graph, entries)
    legs = [route_legs(graph, r) for r in arc_lists]
    money = np.array([lg["usd_per_t"].sum() for lg in legs])
    days = np.array([lg["days"].sum() for lg in legs])
    x = np.array([[0.3, 1.0, 1.2], [2.0, 10.0, 30.0], [2.0, 1.0, 0.5]])
    priced, _ = RouteSet(pricer, arc_lists, money, days, 0.0).price(x)
    assert np.array_equal(priced[:, 1], money)  # the file values: unchanged bit for bit
    for j in range(x.shape[1]):
        g2 = build_graph(apply_values(net, entries, x[:, j]), lot_t=1000.0, origins=["a"])
        want = [g2.arcs["usd_per_t"].to_numpy()[r].sum() for r in arc_lists]
        np.testing.assert_allclose(priced[:, j], want, rtol=1e-12)
    # by hand: coefficient 0.5 x 0.3 = 0.15 and RU tariffs x 2: (400 + 100) km x 0.04 x 0.15 = 3 instead of 5
    assert priced[0, 0] == pytest.approx(27.0 - 5.0 + 3.0)
    assert priced[1, 0] == pytest.approx(36.0 - 10.0 + 2.0)


def test_bad_additions_and_changes(tmp_path):
    text = (DATA / "toy_regimes.toml").read_text().replace('network = "toy_regimes"',
                                                          f'network = "{DATA / "toy_regimes"}"')
    bad = text.replace('exits = ["h"]', 'exits = ["q"]').replace("tariff_usd_per_tkm = 0.01", "colour = 1")
    bad = bad.replace("set = { coefficient = 0.8 }", "set = { flat_usd_per_t = 3.0 }")
    (tmp_path / "bad.toml").write_text(bad)
    assert_input_error(tmp_path / "bad.toml", "cases[4] 'to P, B-R closed, CN lets MN cargo transit to H'.add[1]",
                       "unknown key 'colour'", "exit 'q' is in RU, not in CN", "basis tariff needs tariff_usd_per_tkm",
                       "cases[5] 'RU coefficient 0.8'.change[1]", "the basis of ru_transit does not use flat_usd_per_t")


def test_uncertainty_entries_on_regimes_draws_tornado_and_breakeven(tmp_path):
    from corridor.uncertainty import breakeven, tornado

    text = (DATA / "toy_regimes.toml").read_text().replace('network = "toy_regimes"',
                                                          f'network = "{DATA / "toy_regimes"}"')
    text = text.split("[[cases]]")[0] + '''[[cases]]
name = "baseline"
[[uncertainty]]
name = "RU transit coefficient"
table = "regimes"
where = { id = "ru_transit" }
column = "coefficient"
distribution = "uniform"
low = 0.5
high = 4.0
'''
    (tmp_path / "u.toml").write_text(text)
    s = corridor.load_scenario(tmp_path / "u.toml")
    # via RU: 22 + (400 + 100) km x 0.02 x 0.5 x scale = 22 + 5 x scale; via CN: 36 -> the same at scale 2.8
    found = breakeven(s, "RU transit coefficient", (1, 2), metric="cost")
    assert found[0].value == pytest.approx(2.8, rel=1e-9)
    t = tornado(s, metric="cost").iloc[0]
    assert (t["best_low"], t["best_high"]) == (pytest.approx(24.5), pytest.approx(36.0))
    res = corridor.run(s, draws=2000, seed=3)
    # P(via RU cheapest) = P(scale < 2.8) = (2.8 - 0.5) / 3.5
    assert res.routes.loc[("baseline", 1), "p_cheapest"] == pytest.approx(2.3 / 3.5, abs=0.03)
    bad = text.replace('column = "coefficient"', 'column = "flat_usd_per_t"')
    (tmp_path / "bad.toml").write_text(bad)
    assert_input_error(tmp_path / "bad.toml", "uncertainty[1] 'RU transit coefficient'.where",
                       "basis does not use flat_usd_per_t")
