"""Monte Carlo, tornado and break-even on the toy network, against hand-computed values and an independent method.

tests/data/toy_uncertainty.toml (value of time 0): route via P costs 31 USD/t, of which RU rail 10 (b-r 8, r-p 2) and
sea freight 5 (p_m: 1000 km x 0.005, + 3 fixed); route via E and T costs 38.5, of which sea freight 4 (t_m: 800 x
0.005, + 3 fixed). So with the RU tariff scaled by s and both sea tariffs by q (one group, one draw):
via P = 31 + 10 (s - 1) + 5 (q - 1), via E = 38.5 + 4 (q - 1).
"""

import json
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

import corridor
from corridor._progress import Progress
from corridor.cli import main
from corridor.graph import build_graph
from corridor.legs import route_legs
from corridor.routes import SINK, SOURCE, to_networkx
from corridor.uncertainty import breakeven, tornado
from corridor.uncertainty.candidates import CaseModel
from corridor.uncertainty.entries import apply_values, groups
from corridor.uncertainty.montecarlo import simulate
from corridor.uncertainty.streams import entry_values, sample_uniforms

from .conftest import DATA, ROOT, assert_input_error

TOY_U = DATA / "toy_uncertainty.toml"


@pytest.fixture
def toy_u():
    return corridor.load_scenario(TOY_U)


def with_entries(scenario, entries):
    data = dict(scenario.data)
    data["uncertainty"] = entries
    return corridor.Scenario.from_dict(data, source=scenario.source, base_dir=scenario.base_dir)


def test_zero_spread_reproduces_the_deterministic_run_exactly(toy_u, toy_net):
    zero = with_entries(toy_u, [
        {"table": "links", "where": {"country": "RU"}, "column": "tariff_usd_per_tkm", "distribution": "uniform",
         "low": 1.0, "high": 1.0},
        {"table": "links", "where": {"mode": "sea"}, "column": "fixed_usd_per_t", "distribution": "triangular",
         "low": 1, "mode": 1, "high": 1},
        {"table": "nodes", "where": {"id": "b"}, "column": "pass_hours", "distribution": "normal", "mean": 24,
         "sd": 0, "as": "value"},
        {"table": "transfers", "where": {"node": "e"}, "column": "cost_usd_per_t", "distribution": "lognormal",
         "mean": 4, "sd": 0, "as": "value"},
    ]).with_settings(value_of_time_usd_per_t_day=3.0)
    det = corridor.run(zero)
    res = corridor.run(zero, draws=3000, seed=5, chunk=700)
    for case, draws in res.uncertainty.items():
        det_routes = det.routes.loc[case]
        for row, rank in enumerate(draws.ranks):
            assert (draws.cost[row] == det_routes.at[rank, "cost_usd_per_t"]).all()
            assert (draws.generalized[row] == det_routes.at[rank, "generalized_usd_per_t"]).all()
        got = res.routes.loc[case]
        for col in ("p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t"):
            assert (got[col] == det_routes["cost_usd_per_t"]).all()
        assert (got["p50_generalized_usd_per_t"] == det_routes["generalized_usd_per_t"]).all()
        assert got["p_cheapest"].tolist() == [1.0] + [0.0] * (len(got) - 1)


def test_sample_mean_converges_to_the_expectation(toy_u):
    res = corridor.run(toy_u, draws=200_000, seed=11)
    draws = res.uncertainty["baseline"]
    via_p, via_e = draws.cost[draws.ranks.index(1)], draws.cost[draws.ranks.index(2)]
    # E[s] = 1.5 (uniform 0.5-2.5); E[q] = (0.8 + 1 + 1.6) / 3 (triangular)
    eq = (0.8 + 1.0 + 1.6) / 3
    for sample, expected in ((via_p, 31 + 10 * 0.5 + 5 * (eq - 1)), (via_e, 38.5 + 4 * (eq - 1))):
        se = sample.std() / np.sqrt(sample.size)
        assert abs(sample.mean() - expected) < 4 * se
    # and the spread: the RU part alone is 10 x uniform(0.5, 2.5) (sd 10 x 2 / sqrt 12 = 5.77)
    assert (via_p - via_e * 5 / 4).std() == pytest.approx(10 * 2 / np.sqrt(12), rel=0.01)


def test_lognormal_and_truncated_normal_draws_have_the_stated_moments(toy_u):
    u = sample_uniforms(3, 1, 0, 400_000)[0]
    border = toy_u.uncertainty[3].distribution  # lognormal mean 24 sd 12
    x = border.ppf(u)
    assert x.mean() == pytest.approx(24, rel=0.01) and x.std() == pytest.approx(12, rel=0.03)
    cut = corridor.uncertainty.Distribution("normal", low=0.9, high=1.1, mean=1.0, sd=0.2)
    y = cut.ppf(u)
    assert y.min() >= 0.9 and y.max() <= 1.1 and y.mean() == pytest.approx(1.0, abs=0.002)
    assert cut.expectation() == pytest.approx(1.0, abs=1e-6)


def test_probabilities_of_cheapest_sum_to_one_and_match_the_hand_model(toy_u):
    res = corridor.run(toy_u, draws=50_000, seed=2)
    for case in res.cases:
        assert res.routes.loc[case, "p_cheapest"].sum() == pytest.approx(1.0, abs=1e-12)
    # via P is cheaper when 10 (s - 1) + (q - 1) < 7.5; the groups are independent: estimate it from the draws
    n = 50_000
    names = groups(toy_u.uncertainty)
    x = entry_values(toy_u.uncertainty, sample_uniforms(2, len(names), 0, n))
    p_hand = np.mean(10 * (x[0] - 1) + (x[1] - 1) < 7.5)
    assert res.routes.loc[("baseline", 1), "p_cheapest"] == pytest.approx(p_hand, abs=2 / n)
    assert res.uncertainty["baseline"].coverage == 1.0 and res.uncertainty["baseline"].checked == 500


def test_seeded_runs_are_identical_bit_for_bit_whatever_the_chunks(toy_u):
    a = corridor.run(toy_u, draws=5000, seed=7)
    b = corridor.run(toy_u, draws=5000, seed=7, chunk=333)
    c = corridor.run(toy_u, draws=5000, seed=8)
    for case in a.uncertainty:
        assert np.array_equal(a.uncertainty[case].cost, b.uncertainty[case].cost)
        assert np.array_equal(a.uncertainty[case].generalized, b.uncertainty[case].generalized)
    assert a.to_json() == b.to_json()
    assert not np.array_equal(a.uncertainty["baseline"].cost, c.uncertainty["baseline"].cost)
    # a draw does not depend on where the block starts
    whole = sample_uniforms(7, 3, 0, 1000)
    assert np.array_equal(whole[:, 400:], sample_uniforms(7, 3, 400, 1000))


def networkx_best(case, net) -> float:
    """The exact cheapest generalized cost of ``case``'s shipment on ``net``: rebuild the graph, Dijkstra."""
    ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
    graph = build_graph(net, lot_t=ship.tonnes)
    g = to_networkx(graph, graph.money() + vot * graph.days())
    g.add_edges_from(((SOURCE, s) for s in graph.origin_states(ship.origin)), w=0.0)
    g.add_edges_from(((t, SINK) for t in graph.destination_states(ship.destination)), w=0.0)
    return nx.dijkstra_path_length(g, SOURCE, SINK, weight="w")  # the graph's shape spares the destination's pass


def test_vectorised_cheapest_matches_networkx_on_changed_networks(toy_u):
    """Independent method: apply each draw with Network.change, rebuild the graph, Dijkstra in networkx."""
    case = toy_u.case("baseline")
    entries = toy_u.uncertainty
    model = CaseModel.build(case, entries)
    n = 60
    x = entry_values(entries, sample_uniforms(4, len(groups(entries)), 0, n))
    _cost, gen, _wins, _, _ = simulate(model, draws=n, seed=4, check_share=0)
    for j in range(n):
        best = networkx_best(case, apply_values(case.network, entries, x[:, j]))
        assert gen[:, j].min() == pytest.approx(best, rel=1e-12)


def test_coverage_check_catches_missing_candidates(toy_u):
    one = toy_u.with_settings(routes=1)
    model = CaseModel.build(one.case("baseline"), one.uncertainty, candidates=1, extreme_candidates=0)
    assert len(model.routes.arc_lists) == 1  # only the route via P
    _, _gen, _wins, checked, missed = simulate(model, draws=20_000, seed=1, check_share=0.05)
    assert checked == 1000
    # the route via E is cheaper whenever 10 (s - 1) + (q - 1) > 7.5: about 37% of draws
    assert 0.30 < missed / checked < 0.45


def test_tornado_by_hand(toy_u):
    t = tornado(toy_u, case="baseline", metric="cost").set_index("parameter")
    assert list(t.index) == ["RU tariff", "sea market", "border B wait"]  # biggest swing first
    ru = t.loc["RU tariff"]
    assert (ru["low"], ru["high"]) == (0.5, 2.5)
    assert ru["best_low"] == pytest.approx(26.0) and ru["best_high"] == pytest.approx(38.5)  # via E wins at 2.5
    assert ru["gap_low"] == pytest.approx(12.5) and ru["gap_high"] == pytest.approx(-7.5)
    assert (ru["cheapest_low"], ru["cheapest_high"]) == (1, 2)
    sea = t.loc["sea market"]
    assert sea["best_low"] == pytest.approx(31 - 1.0) and sea["best_high"] == pytest.approx(31 + 3.0)
    assert sea["gap_high"] == pytest.approx(7.5 + 0.6 * 4 - 0.6 * 5)
    assert t.loc["border B wait", "swing"] == 0.0  # value of time 0: waiting costs nothing


def test_breakeven_plugged_back_makes_the_routes_cost_the_same(toy_u):
    (be,) = breakeven(toy_u, "RU tariff", ("p", "e"), case="baseline", within=(0.1, 3.0))
    assert be.value == pytest.approx(1.75, rel=1e-12)  # 31 + 10 (s - 1) = 38.5
    s = toy_u.with_case("at break-even", change=[{"table": "links", "where": {"country": "RU", "mode": "rail1520"},
                                                  "scale": {"tariff_usd_per_tkm": be.value}}])
    routes = corridor.run(s).routes.loc["at break-even"]
    via_p = routes[routes["nodes"].map(lambda n: "p" in n)]["cost_usd_per_t"].iloc[0]
    via_e = routes[routes["nodes"].map(lambda n: "e" in n)]["cost_usd_per_t"].iloc[0]
    assert via_p == pytest.approx(via_e, rel=1e-12)
    assert "below it Mine A › Station R › Port P › Market M is cheaper" in str(be)
    (never,) = breakeven(toy_u, "RU tariff", (1, 2), case="baseline")  # within 0.5-2.5: crosses at 1.75
    assert never.value == pytest.approx(1.75)
    (none,) = breakeven(toy_u, "RU tariff", (1, 2), case="baseline", within=(0.2, 1.5))
    assert none.value is None and "never cost the same" in str(none)


def test_breakeven_on_time_and_on_a_selection(toy_u):
    slow = toy_u.with_settings(value_of_time_usd_per_t_day=10.0)
    # gen via P = 31 + 10 x (6.95 - 1 + h / 24) with h the wait at B; via E = 38.5 + 57 -> h = 12 hours
    (be,) = breakeven(slow, "border B wait", ("p", "e"), case="baseline", within=(0, 48))
    assert be.value == pytest.approx(12.0, rel=1e-12)
    (sel,) = breakeven(toy_u, {"table": "transfers", "where": {"node": "p"}, "column": "cost_usd_per_t",
                               "as": "value"}, ("p", "e"), case="baseline", within=(0, 40))
    assert sel.value == pytest.approx(5.0 + 7.5)


BAD = [
    ({"table": "lnks"}, ["uncertainty[1] 'x'.table", "unknown table 'lnks'"]),
    ({"column": "mt_per_year"}, ["uncertainty[1] 'x'.column", "enters cost, time or capacity"]),
    ({"column": "capacity_mt_per_year"}, ["uncertainty[1] 'x'.where", "no row of links with a capacity_mt_per_year"]),
    ({"distribution": "beta"}, ["uncertainty[1] 'x'.distribution", "expected one of uniform"]),
    ({"low": 2.0, "high": 1.0}, ["uncertainty[1] 'x'", "low (2) is above high (1)"]),
    ({"high": "lots"}, ["uncertainty[1] 'x'.high", "expected a number"]),
    ({"where": {"country": "XX"}}, ["uncertainty[1] 'x'.where", "selects no row of links"]),
    ({"where": {"colour": "RU"}}, ["uncertainty[1] 'x'.where", "unknown key 'colour'"]),
    ({"as": "multiplier"}, ["uncertainty[1] 'x'.as", "expected \"scale\""]),
    ({"mean": 1.0}, ["uncertainty[1] 'x'.mean", "uniform distribution takes low, high, not mean"]),
    ({"distribution": "triangular"}, ["uncertainty[1] 'x'", "needs mode"]),
    ({"colour": 1}, ["uncertainty[1] 'x'", "unknown key 'colour'"]),
    ({"column": "speed_km_per_day", "low": 0.0}, ["uncertainty[1] 'x'.low", "must stay above 0"]),
    ({"low": -0.5}, ["uncertainty[1] 'x'.low", "at least 0"]),
]


def uncertainty_toml(entry: dict) -> list[str]:
    """An [[uncertainty]] table as TOML lines."""
    lines = ["[[uncertainty]]"]
    for k, v in entry.items():
        lines.append(f"{k} = " + (json.dumps(v) if not isinstance(v, dict) else
                                  "{ " + ", ".join(f"{a} = {json.dumps(b)}" for a, b in v.items()) + " }"))
    return lines


@pytest.mark.parametrize("change,needles", BAD)
def test_bad_uncertainty_entries_name_file_and_key(toy_copy, change, needles):
    entry = {"name": "x", "table": "links", "where": {"country": "RU"}, "column": "tariff_usd_per_tkm",
             "distribution": "uniform", "low": 0.5, "high": 1.5} | change
    lines = uncertainty_toml(entry)
    path = toy_copy / "bad.toml"
    path.write_text((toy_copy / "toy.toml").read_text() + "\n" + "\n".join(lines) + "\n")
    assert_input_error(path, *needles)


def test_draws_need_uncertainty_and_sane_numbers(toy_scenario, toy_u):
    with pytest.raises(corridor.InputError, match="no \\[\\[uncertainty\\]\\]"):
        corridor.run(toy_scenario, draws=10)
    with pytest.raises(corridor.InputError, match="draws must be"):
        corridor.run(toy_u, draws=-3)
    with pytest.raises(corridor.InputError, match="no uncertainty entry or group named 'nope'"):
        breakeven(toy_u, "nope", (1, 2))


def test_progress_bar_is_silent_off_a_terminal():
    import io

    quiet = io.StringIO()
    with Progress(100, "draws", stream=quiet) as bar:
        bar.update(100)
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    with Progress(100, "draws", stream=loud, enabled=True, interval=0) as bar:
        bar.update(50)
    assert "50%" in loud.getvalue()


def run_cli(capsys, *args):
    """``corridor ARGS`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_process(*args):
    """``corridor ARGS`` as a new Python process: (exit status, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "corridor.cli", *map(str, args)], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.slow
def test_cli_run_with_draws_json_and_text(capsys):
    code, out, err = run_cli(capsys, "run", TOY_U, "--draws", "4000", "--seed", "3", "--json")
    assert code == 0, err
    assert err == ""  # no progress bar off a terminal
    data = json.loads(out)
    case = data["cases"][0]
    assert case["draws"] == 4000 and case["coverage"] == 1.0
    route = case["routes"][0]
    for key in ("p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t", "p_cheapest"):
        assert key in route
    assert route["p10_usd_per_t"] <= route["p50_usd_per_t"] <= route["p90_usd_per_t"]
    assert sum(r["p_cheapest"] for r in case["routes"]) == pytest.approx(1.0)
    # the same seed in a new process (another hash seed, nothing shared) gives the same output
    _code2, out2, _ = run_process("run", TOY_U, "--draws", "4000", "--seed", "3", "--json")
    assert out2 == out
    code, text, err = run_cli(capsys, "run", TOY_U, "--draws", "1000")
    assert code == 0 and "P(cheapest)" in text and "coverage" in text


def test_cli_breakeven_and_tornado(tmp_path, capsys):
    code, out, err = run_cli(capsys, "breakeven", TOY_U, "--param", "RU tariff", "--routes", "p", "e",
                             "--within", "0.1", "3")
    assert code == 0, err
    assert "cost the same at RU tariff = 1.75" in out
    code, out, err = run_cli(capsys, "breakeven", TOY_U, "--param", "nope", "--routes", "1", "2")
    assert code == 2 and err.startswith("error: ") and "nope" in err
    png = tmp_path / "tornado.png"
    code, out, err = run_cli(capsys, "tornado", TOY_U, "--case", "baseline", "--png", png)
    assert code == 0, err
    assert out.splitlines()[2].split()[0] == "RU" and png.stat().st_size > 1000


# ----- sea freight by vessel class (the 2015 baseline network: its sea links have no tariff) ------------------

SEA_U = ROOT / "scenarios" / "test_shipment_2015_uncertainty.toml"
SEA_ENTRIES = ("time-charter hire", "bunker price", "ship port days", "sea distances")


@pytest.fixture(scope="module")
def sea_u():
    return corridor.load_scenario(SEA_U)


def sea_model(scenario, entries, case="baseline"):
    s = with_entries(scenario, entries)
    return s, CaseModel.build(s.case(case), s.uncertainty)


def test_sea_scenario_draws_on_the_vessels_table(sea_u):
    by_name = {e.name: e for e in sea_u.uncertainty}
    assert {e.table for n, e in by_name.items() if n in SEA_ENTRIES} == {"vessels", "links"}
    model = CaseModel.build(sea_u.case("baseline"), sea_u.uncertainty)
    active = {sea_u.uncertainty[i].name for i in model.pricer.active_entries}
    assert set(SEA_ENTRIES) <= active
    # the pricer's own sea prices at the file values are the graph's, bit for bit
    a = np.flatnonzero(model.pricer.is_vessel)
    assert len(a) > 0
    assert np.array_equal(model.pricer.sea_usd0[a], model.graph.arcs["usd_per_t"].to_numpy()[a])
    assert np.array_equal(model.pricer.sea_hours0[a], model.graph.arcs["hours"].to_numpy()[a])


def test_zero_spread_on_vessels_reproduces_the_deterministic_run_exactly(sea_u):
    zero = with_entries(sea_u, [
        {"table": "vessels", "where": {}, "column": "hire_usd_per_day", "distribution": "uniform", "low": 1, "high": 1},
        {"table": "vessels", "where": {}, "column": "fuel_usd_per_t", "distribution": "normal", "mean": 280, "sd": 0,
         "as": "value"},
        {"table": "vessels", "where": {"id": "handysize"}, "column": "speed_knots", "distribution": "triangular",
         "low": 1, "mode": 1, "high": 1},
        {"table": "links", "where": {"mode": "sea"}, "column": "distance_km", "distribution": "uniform", "low": 1,
         "high": 1},
        {"table": "links", "where": {"mode": "sea"}, "column": "fixed_usd_per_t", "distribution": "uniform", "low": 1,
         "high": 1},
    ])
    det = corridor.run(zero)
    res = corridor.run(zero, draws=2000, seed=3, chunk=300)
    for case, draws in res.uncertainty.items():
        det_routes = det.routes.loc[case]
        for row, rank in enumerate(draws.ranks):
            assert (draws.cost[row] == det_routes.at[rank, "cost_usd_per_t"]).all()
            assert (draws.generalized[row] == det_routes.at[rank, "generalized_usd_per_t"]).all()


def route_prices(graph, arc_lists, destination):
    """Money and days of each route from its legs on ``graph`` (the deterministic run's way)."""
    from corridor.costs import route_totals

    return np.array([route_totals(route_legs(graph, arcs)) for arcs in arc_lists]).T


def test_hire_draw_matches_network_change_and_rebuilt_graph(sea_u):
    """Independent path: Network.change on vessels.csv, build_graph (sea.price_sea_links), route legs."""
    s, model = sea_model(sea_u, [{"name": "hire", "table": "vessels", "where": {}, "column": "hire_usd_per_day",
                                  "distribution": "uniform", "low": 0.5, "high": 2.0}])
    case = s.case("baseline")
    money, days = model.routes.price(np.array([[1.5]]))
    net = case.network.change("vessels", {}, scale={"hire_usd_per_day": 1.5})
    graph = build_graph(net, lot_t=case.shipment.tonnes, origins=[case.shipment.origin])  # the cargo's layers
    assert graph.arcs[["tail", "head", "ref"]].equals(model.graph.arcs[["tail", "head", "ref"]])
    want_money, want_days = route_prices(graph, model.routes.arc_lists, case.shipment.destination)
    np.testing.assert_allclose(money[:, 0], want_money, rtol=1e-13, atol=0)
    np.testing.assert_allclose(days[:, 0], want_days, rtol=1e-13, atol=0)
    # every candidate has a sea leg, so every one got dearer
    assert (money[:, 0] > model.routes.money).all()


def test_class_switching_follows_price_sea_links(sea_u):
    """Handysize hire up: above some multiple a bigger class is cheaper for the 25,000 t lot, as sea.py says."""
    from corridor.sea import price_sea_links

    s, model = sea_model(sea_u, [{"name": "handy hire", "table": "vessels", "where": {"id": "handysize"},
                                  "column": "hire_usd_per_day", "distribution": "uniform", "low": 1.0, "high": 4.0}])
    case = s.case("baseline")
    values = np.array([1.0, 1.3, 1.6, 2.0, 2.5, 3.0, 4.0])
    arcs, usd, hours, classes = model.pricer.vessel_prices(values[None, :])
    refs = model.graph.arcs["ref"].to_numpy()[arcs]
    for j, v in enumerate(values):
        net = case.network.change("vessels", {"id": "handysize"}, scale={"hire_usd_per_day": float(v)})
        want = price_sea_links(net, case.shipment.tonnes).loc[refs]
        assert classes[:, j].tolist() == want["vessel_class"].tolist()
        assert np.array_equal(usd[:, j], want["usd_per_t"].to_numpy())  # one formula: the same bits
        assert np.array_equal(hours[:, j], want["hours"].to_numpy())
    assert (classes[:, 0] == "handysize").all() and (classes[:, -1] != "handysize").all()
    # the switch comes at a different multiple on different legs (a per-arc choice, not one for all)
    assert any(len(set(classes[:, j])) > 1 for j in range(len(values)))
    # both small classes dear: the bigger classes win where both ports take them, never from Rajin (<= 180 m LOA)
    _s2, model2 = sea_model(sea_u, [{"name": "small hire", "table": "vessels",
                                    "where": {"id": ["handysize", "handymax"]}, "column": "hire_usd_per_day",
                                    "distribution": "uniform", "low": 1.0, "high": 6.0},
                                   {"name": "faster", "table": "vessels", "where": {"id": ["handymax", "panamax"]},
                                    "column": "speed_knots", "distribution": "uniform", "low": 10, "high": 15,
                                    "as": "value"}])
    arcs2, usd2, hours2, classes2 = model2.pricer.vessel_prices(np.array([[6.0], [14.0]]))
    refs2 = model2.graph.arcs["ref"].to_numpy()[arcs2].astype(str)
    net = case.network.change("vessels", {"id": ["handysize", "handymax"]}, scale={"hire_usd_per_day": 6.0})
    net = net.change("vessels", {"id": ["handymax", "panamax"]}, set={"speed_knots": 14.0})
    want = price_sea_links(net, case.shipment.tonnes).loc[refs2]
    assert classes2[:, 0].tolist() == want["vessel_class"].tolist()
    assert np.array_equal(usd2[:, 0], want["usd_per_t"].to_numpy())
    assert np.array_equal(hours2[:, 0], want["hours"].to_numpy())  # the chosen class's speed
    assert len(set(np.round(hours2[:, 0] / model2.graph.arcs["distance_km"].to_numpy()[arcs2], 12))) == 2
    from_rajin = np.char.startswith(refs2, "rajin_")
    assert from_rajin.any() and np.isin(classes2[from_rajin, 0], ["handysize", "handymax"]).all()
    assert np.isin(classes2[~from_rajin, 0], ["supramax", "panamax", "capesize"]).any()
    # the routes' money follows the switch: drawn route costs equal a rebuilt graph at 3 x handysize hire
    money, _ = model.routes.price(np.array([[3.0]]))
    net = case.network.change("vessels", {"id": "handysize"}, scale={"hire_usd_per_day": 3.0})
    want_money, _ = route_prices(build_graph(net, lot_t=case.shipment.tonnes), model.routes.arc_lists,
                                 case.shipment.destination)
    np.testing.assert_allclose(money[:, 0], want_money, rtol=1e-13, atol=0)


def test_seeded_sea_draws_are_identical_whatever_the_chunks(sea_u):
    model = CaseModel.build(sea_u.case("baseline"), sea_u.uncertainty)
    a = simulate(model, draws=3000, seed=9, check_share=0)
    b = simulate(model, draws=3000, seed=9, chunk=257, check_share=0)
    c = simulate(model, draws=3000, seed=10, check_share=0)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])
    assert not np.array_equal(a[0], c[0])


def test_sea_draws_match_networkx_on_changed_networks(sea_u):
    """Independent method over every entry of the scenario (sea ones included): Network.change, rebuild, Dijkstra."""
    case = sea_u.case("baseline")
    entries = sea_u.uncertainty
    model = CaseModel.build(case, entries)
    n = 25
    x = entry_values(entries, sample_uniforms(6, len(groups(entries)), 0, n))
    _, gen, _, _, _ = simulate(model, draws=n, seed=6, check_share=0)
    for j in range(n):
        best = networkx_best(case, apply_values(case.network, entries, x[:, j]))
        assert gen[:, j].min() == pytest.approx(best, rel=1e-12)


BAD_SEA = [
    ({"column": "cargo_t"}, ["uncertainty[1] 'x'.column", "enters cost or time", "hire_usd_per_day"]),
    ({"where": {"id": "tanker"}}, ["uncertainty[1] 'x'.where", "selects no row of vessels"]),
    ({"where": {"colour": "red"}}, ["uncertainty[1] 'x'.where", "unknown key 'colour'"]),
    ({"column": "speed_knots", "low": 0.0}, ["uncertainty[1] 'x'.low", "must stay above 0"]),
    ({"table": "links", "where": {"mode": "sea"}, "column": "tariff_usd_per_tkm"},
     ["uncertainty[1] 'x'.where", "priced by vessel class", "tariff_usd_per_tkm", "table = \"vessels\""]),
    ({"table": "links", "where": {"id": "rajin_pohang_sea"}, "column": "speed_km_per_day"},
     ["uncertainty[1] 'x'.where", "rajin_pohang_sea", "speed_km_per_day"]),
]


@pytest.mark.parametrize("change,needles", BAD_SEA)
def test_bad_vessel_entries_name_file_and_key(tmp_path, change, needles):
    entry = {"name": "x", "table": "vessels", "where": {}, "column": "hire_usd_per_day",
             "distribution": "uniform", "low": 0.5, "high": 1.5} | change
    lines = uncertainty_toml(entry)
    path = tmp_path / "bad.toml"
    path.write_text('network = "baseline"\n[shipment]\norigin = "sharyn_gol"\ndestination = "pohang"\n'
                    'tonnes = 25000\n\n' + "\n".join(lines) + "\n")
    assert_input_error(path, *needles)


def test_vessel_entry_on_a_network_without_vessels(toy_copy):
    path = toy_copy / "bad.toml"
    path.write_text((toy_copy / "toy.toml").read_text() + '\n[[uncertainty]]\nname = "hire"\ntable = "vessels"\n'
                    'where = {}\ncolumn = "hire_usd_per_day"\ndistribution = "uniform"\nlow = 0.5\nhigh = 1.5\n')
    with pytest.raises(corridor.InputError, match=r"uncertainty\[1\] 'hire'.where.*no vessels.csv"):
        corridor.load_scenario(path)
