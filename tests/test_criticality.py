"""Criticality on the toy by hand (routes in test_routes_toy.py: A = a › b › r › p › m, 31 USD/t; B = a › e › t › m,
38.5 USD/t), against rebuilding the network for every closure, and the command."""

import math

import pytest

import corridor
from corridor.cli import main
from corridor.criticality import criticality

from .conftest import DATA, ROOT, assert_input_error


def _row(table, case, kind, id_):
    hit = table[(table["case"] == case) & (table["kind"] == kind) & (table["id"] == id_)]
    assert len(hit) == 1, (case, kind, id_)
    return hit.iloc[0]


def test_shipment_criticality_by_hand(toy_scenario):
    crit = criticality(toy_scenario, sets={"B and E": {"nodes": ["b", "e"]}})
    t = crit.table
    for kind, id_ in [("node", "b"), ("link", "b_r"), ("country", "RU"), ("crossing", "b/r"),
                      ("transfer", "p:rail1520>sea")]:
        r = _row(t, "baseline", kind, id_)
        assert r["rise_usd_per_t"] == pytest.approx(7.5) and r["corridor"] == "Mine A – Border E › Port T"
        assert r["on_route"]
    for kind, id_ in [("node", "e"), ("link", "t_m"), ("country", "CN")]:
        r = _row(t, "baseline", kind, id_)
        assert r["rise_usd_per_t"] == 0 and not r["on_route"]
    assert math.isinf(_row(t, "baseline", "set", "B and E")["rise_usd_per_t"])
    assert _row(t, "RU closed", "node", "e")["status"] == "no route"
    # the ends are not elements; the ranking puts "no route" first
    assert not ((t["kind"] == "node") & t["id"].isin(["a", "m"])).any()
    assert t[t["case"] == "RU closed"].iloc[0]["status"] == "no route"
    # "time is money" (value of time 10): B is the best route; closing E sends the lot via P, 100.5 - 95.5 = 5
    assert _row(t, "time is money", "node", "e")["rise_usd_per_t"] == pytest.approx(5.0)


def test_flow_criticality_by_hand(toy_scenario):
    """2 Mt/yr from a to m (penalty 1000 USD/t): via A at 31 USD/t. Closing B moves it via E at 38.5: 2 x 7.5 = 15
    MUSD/yr; closing B and E leaves it unserved: 2 x (1000 - 31) = 1938 MUSD/yr. Derating the (uncapacitated) link b-r
    to half of what it carries moves 1 Mt/yr: 7.5 MUSD/yr."""
    s = toy_scenario.with_flows(supply={"a": 5.0}, demand={"m": 2.0})
    crit = criticality(s, case="baseline", sets={"B and E": {"nodes": ["b", "e"]}})
    assert crit.of == "flows"
    t = crit.table
    r = _row(t, "baseline", "node", "b")
    assert r["extra_cost_usd_per_year"] == pytest.approx(15e6) and r["unserved_mt_per_year"] == pytest.approx(0)
    assert r["flow_mt_per_year"] == pytest.approx(2.0)
    both = _row(t, "baseline", "set", "B and E")
    assert both["extra_cost_usd_per_year"] == pytest.approx(1938e6) and both["unserved_mt_per_year"] == pytest.approx(2)
    assert _row(t, "baseline", "node", "e")["extra_cost_usd_per_year"] == 0
    half = criticality(s, case="baseline", derate=0.5, kinds=["link"]).table
    assert _row(half, "baseline", "link", "b_r")["extra_cost_usd_per_year"] == pytest.approx(7.5e6)
    assert _row(half, "baseline", "link", "e_t")["extra_cost_usd_per_year"] == 0  # it carries nothing
    with pytest.raises(corridor.InputError, match="derate"):
        criticality(s, derate=1.5)


def test_flow_criticality_equals_rebuilding_the_network():
    """Closing an element in the prepared LP gives what closing it in the network and allocating from scratch gives."""
    from corridor.flows import allocate

    s = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml")
    case = s.case("20 Mt/yr")
    crit = criticality(s, case=case.name, include_sets=False)
    f = case.flows
    kw = dict(unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
              value_of_time_usd_per_t_day=case.settings.value_of_time_usd_per_t_day)
    base = allocate(corridor.build_graph(case.network), f.supply, f.demand, **kw).totals["total_cost_usd_per_year"]
    for kind, key in [("node", "nodes"), ("link", "links"), ("transfer", "transfers"), ("country", "countries")]:
        rows = crit.table[crit.table["kind"] == kind].head(4)
        for r in rows.itertuples():
            net = case.network.close(**{key: [r.id]})
            total = allocate(corridor.build_graph(net), f.supply, f.demand, **kw).totals["total_cost_usd_per_year"]
            assert r.extra_cost_usd_per_year == pytest.approx(total - base, rel=1e-7, abs=1.0), r.id


def test_criticality_sets_in_a_scenario(toy_copy):
    path = toy_copy / "sets.toml"
    head = 'network = "toy"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n'
    path.write_text(head + '[[criticality]]\nname = "all Russia"\nclose = { countries = ["RU"] }\n')
    s = corridor.load_scenario(path)
    assert s.element_sets == (("all Russia", {"countries": ["RU"]}),)
    r = _row(criticality(s).table, "baseline", "set", "all Russia")
    assert r["rise_usd_per_t"] == pytest.approx(7.5)
    path.write_text(head + '[[criticality]]\nname = "x"\nclose = { nodes = ["nowhere"] }\n')
    assert_input_error(path, "criticality[1] 'x'.close.nodes", "unknown node 'nowhere'")


def test_cli_and_charts(capsys, tmp_path, toy_scenario):
    from .conftest import assert_texts_inside

    png, map_, csv = tmp_path / "c.png", tmp_path / "m.png", tmp_path / "c.csv"
    assert main(["criticality", str(DATA / "toy.toml"), "--case", "baseline", "--png", str(png), "--map", str(map_),
                 "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "+7.50  Border B (node) → Mine A – Border E › Port T" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert png.stat().st_size > 0 and map_.stat().st_size > 0 and csv.read_text().startswith("case,kind,id")
    assert main(["criticality", str(DATA / "toy.toml"), "--case", "nope"]) == 2
    crit = criticality(toy_scenario, case="baseline")
    for fig in (crit.plot(), crit.map()):
        assert_texts_inside(fig)
