"""Draws over annual flows: the allocation re-solved per draw, against a hand model, a brute-force loop of cold
solves, and the deterministic allocation; the warm re-solve against a cold one; the same numbers whatever the backend.

tests/data/toy_flows_uncertainty.toml, case "baseline": 4 Mt/yr (drawn: D) from a to m on two routes, via P at
costP = 21 + 10 s USD/t (RU tariff scaled by s) through b_r (capacity drawn: c), and via E and T at 38.5 through
e_t (capacity 3); unserved tonnes cost 200. The cheaper route fills first, then the other, then demand goes unserved.
A full route's capacity is worth the next route's cost minus its own, or 200 minus its own when demand goes unserved.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

import corridor
from corridor.batch import Block, Executor, plan_blocks
from corridor.flows import flow_problem, read_solution, solve_problem
from corridor.graph import build_graph
from corridor.uncertainty.entries import apply_flow_values, apply_values, groups
from corridor.uncertainty.flowdraws import FlowCase, FlowDrawContext, flow_block, gather
from corridor.uncertainty.flowstats import FlowDraws
from corridor.uncertainty.streams import entry_values, sample_uniforms

from .conftest import DATA, ROOT, assert_input_error

TOY_F = DATA / "toy_flows_uncertainty.toml"


@pytest.fixture(scope="module")
def toy_f():
    return corridor.load_scenario(TOY_F)


def values(scenario, draws, seed=0):
    e = scenario.uncertainty
    return entry_values(e, sample_uniforms(seed, len(groups(e)), 0, draws))


def hand(s, c, d):
    """Total cost (MUSD/yr), unserved Mt/yr, and the prices of b_r and e_t on the toy baseline, by the greedy rule."""
    penalty = 200.0
    (c1, k1, e1), (c2, k2, e2) = sorted([(21 + 10 * s, c, "b_r"), (38.5, 3.0, "e_t")])
    f1 = min(k1, d)
    f2 = min(k2, d - f1)
    u = d - f1 - f2
    price = {e2: penalty - c2 if u > 0 else 0.0,
             e1: 0.0 if f1 < k1 else penalty - c1 if u > 0 else c2 - c1}
    return c1 * f1 + c2 * f2 + penalty * u, u, price["b_r"], price["e_t"]


def test_flow_draws_match_the_hand_model(toy_f):
    res = corridor.run(toy_f, draws=400, seed=3)
    d = res.flow_draws["baseline"]
    x = values(toy_f, 400, seed=3)
    expect = np.array([hand(*x[:, j]) for j in range(400)])
    assert d.total_cost_usd_per_year == pytest.approx(expect[:, 0] * 1e6, rel=1e-9)
    assert d.unserved_mt_per_year == pytest.approx(expect[:, 1], abs=1e-9)
    assert list(d.elements["id"]) == ["b_r", "e_t"]
    assert d.shadow_price[0] == pytest.approx(expect[:, 2], abs=1e-9)
    assert d.shadow_price[1] == pytest.approx(expect[:, 3], abs=1e-9)
    # RU closed: only E, 3 Mt/yr; D > 3 always (triangular 3-4-7), so e_t binds at 200 - 38.5 in every draw
    closed = res.flow_draws["RU closed"]
    assert closed.binding.all() and (closed.shadow_price == pytest.approx(161.5))
    assert closed.unserved_mt_per_year == pytest.approx(x[2] - 3.0)
    t = closed.element_table()
    assert t.loc[0, "p_binding"] == 1.0 and t.loc[0, "p50_shadow_price_usd_per_t"] == pytest.approx(161.5)


def test_binding_probability_and_price_percentiles_match_a_brute_force_loop(toy_f):
    """Each draw solved the obvious way: tables changed, graph rebuilt, LP built and solved cold (scipy)."""
    n = 300
    res = corridor.run(toy_f, draws=n, seed=11)
    x = values(toy_f, n, seed=11)
    for case, n in zip(toy_f.cases, (80, 20)):  # the first draws of each case (a cold solve per draw is slow)
        d = res.flow_draws[case.name]
        binding = np.zeros((len(d.elements), n), dtype=bool)
        price = np.zeros((len(d.elements), n))
        for j in range(n):
            net = apply_values(case.network, toy_f.uncertainty, x[:, j])
            supply, demand = apply_flow_values(case.flows.supply, case.flows.demand, toy_f.uncertainty, x[:, j])
            p = flow_problem(build_graph(net), supply, demand, unserved_penalty_usd_per_t=200.0)
            el = read_solution(p, solve_problem(p)).elements.set_index("id")
            binding[:, j] = el.loc[d.elements["id"], "binding"].to_numpy()
            price[:, j] = el.loc[d.elements["id"], "shadow_price_usd_per_t"].to_numpy()
        assert (d.binding[:, :n] == binding).all()
        assert d.shadow_price[:, :n] == pytest.approx(price, abs=1e-9)
        first = {"total_cost": d.total_cost_usd_per_year[:n], "delivered": d.delivered_mt_per_year[:n],
                 "unserved": d.unserved_mt_per_year[:n], "binding": d.binding_matrix[:, :n],
                 "shadow_price": d.price_matrix[:, :n], "corridor_labels": d.corridors,
                 "corridor_flow": d.corridor_matrix[:, :n]}
        d = FlowDraws.from_arrays(case.name, first, d.elements, d.deterministic, build_graph(case.network), draws=n,
                                  seed=11)
        table = d.element_table().set_index("id").loc[d.elements["id"]]
        assert table["p_binding"].to_numpy() == pytest.approx(binding.mean(axis=1))
        assert table[["p10_shadow_price_usd_per_t", "p50_shadow_price_usd_per_t", "p90_shadow_price_usd_per_t"]
                     ].to_numpy() == pytest.approx(np.percentile(price, [10, 50, 90], axis=1).T, abs=1e-9)


def zero_spread(scenario, entries):
    data = dict(scenario.data)
    data["uncertainty"] = entries
    return corridor.Scenario.from_dict(data, source=scenario.source, base_dir=scenario.base_dir)


def assert_draws_equal_deterministic(res):
    for case, d in res.flow_draws.items():
        det = res.allocations[case]
        # the deterministic totals are summed from its routes (generalized + penalty - sales, delivered by route:
        # the exact decomposition), a draw's from the LP's variables: the same numbers to float rounding
        for key in ("total_cost_usd_per_year", "delivered_mt_per_year", "unserved_mt_per_year"):
            assert getattr(d, key) == pytest.approx(np.full(d.draws, det.totals[key]), rel=1e-12, abs=1e-9), key
        el = det.elements.set_index(["kind", "id"])
        index = list(zip(d.elements["kind"], d.elements["id"]))
        assert (d.shadow_price == el.loc[index, "shadow_price_usd_per_t"].to_numpy()[:, None]).all()
        assert (d.binding == el.loc[index, "binding"].to_numpy()[:, None]).all()
        for corridor_name, mt in d.deterministic_corridors.items():
            assert (d.flow_of(corridor_name) == mt).all(), corridor_name
        assert set(d.corridors) == set(d.deterministic_corridors.index)


def test_zero_spread_draws_reproduce_the_deterministic_allocation_exactly(toy_f):
    s = zero_spread(toy_f, [
        {"table": "links", "where": {"country": "RU"}, "column": "tariff_usd_per_tkm", "distribution": "uniform",
         "low": 1.0, "high": 1.0},
        {"table": "links", "where": {"id": "b_r"}, "column": "capacity_mt_per_year", "distribution": "triangular",
         "low": 1.0, "mode": 1.0, "high": 1.0},
        {"table": "demand", "where": {"node": "m"}, "distribution": "normal", "mean": 4.0, "sd": 0.0, "as": "value"},
        {"table": "supply", "where": {}, "distribution": "uniform", "low": 1.0, "high": 1.0},
    ]).with_settings(value_of_time_usd_per_t_day=2.0)
    assert_draws_equal_deterministic(corridor.run(s, draws=200, seed=1, block=64))


def test_zero_spread_on_the_scale_up_network_with_vessels_capacities_and_volumes():
    s = corridor.load_scenario(ROOT / "scenarios" / "scale_up_uncertainty.toml")
    entries = [{k: v for k, v in e.items() if k not in ("low", "mode", "high", "as")}
               | {"distribution": "uniform", "low": 1.0, "high": 1.0} for e in s.data["uncertainty"]]
    assert_draws_equal_deterministic(corridor.run(zero_spread(s, entries), draws=40, seed=2, block=16))


def test_warm_resolve_equals_a_cold_solve_on_every_sampled_draw():
    s = corridor.load_scenario(ROOT / "scenarios" / "scale_up_uncertainty.toml")
    case = s.case("20 Mt/yr")
    fc = FlowCase.build(case, s.uncertainty)
    x = values(s, 60, seed=7)
    nums = fc.numbers(x)
    assert all(nums[k] is not None for k in ("cost", "capacity", "supply", "demand"))
    m = fc.model
    moved = 0
    for j in range(x.shape[1]):
        one = {k: v[:, j] for k, v in nums.items() if v is not None}
        warm, cold = m.solve(**one), m.solve_cold(**one)
        assert warm.objective == pytest.approx(cold.objective, rel=1e-7)
        p = m.problem_with(**one)  # the warm answer is feasible for the drawn numbers, at the cold optimum's cost
        assert np.abs(p.A_eq @ warm.x - p.b_eq).max() <= 1e-7 * max(1.0, np.abs(p.b_eq).max())
        assert (p.A_ub @ warm.x - p.b_ub).max() <= 1e-7 * max(1.0, np.abs(p.b_ub).max())
        assert float(p.c @ warm.x) == pytest.approx(cold.objective, rel=1e-7)
        moved += not np.allclose(warm.x, m.solve().x)
    assert moved > 30  # the draws do move the allocation


def test_a_resolve_depends_on_its_numbers_only_not_on_earlier_solves_or_the_process(toy_f):
    fc = FlowCase.build(toy_f.case("baseline"), toy_f.uncertainty)
    nums = fc.numbers(values(toy_f, 50, seed=4))
    one = [{k: v[:, j] for k, v in nums.items() if v is not None} for j in range(50)]
    forward = [fc.model.solve(**n) for n in one]
    backward = [fc.model.solve(**n) for n in reversed(one)][::-1]
    copy = pickle.loads(pickle.dumps(fc.model))  # as a worker receives it: rebuilt from the pickled LP
    again = [copy.solve(**n) for n in one[::3]]
    for a, b in zip(forward, backward):
        assert np.array_equal(a.x, b.x) and np.array_equal(a.ub_marginals, b.ub_marginals)
    for a, b in zip(forward[::3], again):
        assert np.array_equal(a.x, b.x) and np.array_equal(a.eq_marginals, b.eq_marginals)


def arrays(res):
    out = {}
    for case, d in res.flow_draws.items():
        for name in ("total_cost_usd_per_year", "delivered_mt_per_year", "unserved_mt_per_year"):
            out[(case, name)] = getattr(d, name)
        for name in ("binding_matrix", "price_matrix", "corridor_matrix"):  # the stored (sparse) arrays, exactly
            m = getattr(d, name).tocsr()
            for part in ("data", "indices", "indptr"):
                out[(case, name, part)] = getattr(m, part)
        out[(case, "corridors")] = np.array(d.corridors)
    return out


def assert_identical(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), k


def test_seeded_flow_draws_are_identical_in_process_and_on_two_local_processes(toy_f):
    ref = arrays(corridor.run(toy_f, draws=500, seed=9, block=500))
    assert_identical(ref, arrays(corridor.run(toy_f, draws=500, seed=9, block=37)))
    assert_identical(ref, arrays(corridor.run(toy_f, draws=500, seed=9, block=64, workers=2)))


@pytest.mark.slow
def test_seeded_flow_draws_are_identical_through_a_dask_local_cluster(toy_f):
    distributed = pytest.importorskip("distributed")
    ref = arrays(corridor.run(toy_f, draws=300, seed=9))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        assert len(cl.workers) == 2
        res = corridor.run(toy_f, draws=300, seed=9, block=50, scheduler=cl.scheduler_address)
    assert all(d.backend == "dask" for d in res.flow_draws.values())
    assert_identical(ref, arrays(res))


def square(context, block: Block):
    return [context * i * i for i in range(block.start, block.stop)]


def test_executor_returns_blocks_in_order_and_checks_its_arguments():
    blocks = plan_blocks(10, 3, key="k")
    assert [(b.index, b.start, b.stop) for b in blocks] == [(0, 0, 3), (1, 3, 6), (2, 6, 9), (3, 9, 10)]
    with Executor() as ex:
        assert ex.backend == "in-process"
        assert [v for part in ex.map(square, 2, blocks) for v in part] == [2 * i * i for i in range(10)]
    with pytest.raises(corridor.InputError, match="workers must be"):
        Executor(workers=-1)
    with pytest.raises(corridor.InputError, match="expected the address of a Dask scheduler"):
        Executor(scheduler="nonsense").start()


def test_flow_block_is_a_pure_function_of_context_and_block(toy_f):
    ctx = FlowDrawContext.build(toy_f.cases, toy_f.uncertainty, seed=5)
    whole = gather([flow_block(ctx, Block(0, 0, 40, "baseline"))], 40, 2)
    parts = [flow_block(ctx, Block(1, 25, 40, "baseline")), flow_block(ctx, Block(0, 0, 25, "baseline"))]
    joined = gather(parts[::-1], 40, 2)
    for key in ("total_cost", "delivered", "unserved"):
        assert np.array_equal(whole[key], joined[key])
    for key in ("shadow_price", "binding", "corridor_flow"):
        assert np.array_equal(whole[key].toarray(), joined[key].toarray())


BAD = [
    ({"column": "capacity_mt_per_year", "where": {"id": "b_r"}, "low": -1.0, "high": 2.0},
     ["uncertainty[4] 'x'.low", "at least 0"]),
    ({"column": "capacity_mt_per_year", "where": {"id": "a_b"}},
     ["uncertainty[4] 'x'.where", "no row of links with a capacity_mt_per_year"]),
    ({"table": "demand", "where": {"node": "a"}, "column": None},
     ["uncertainty[4] 'x'.where.node", "a has no demand in [flows] or any case (demand nodes: m)"]),
    ({"table": "supply", "where": {"node": ["a", "m"]}, "column": None},
     ["uncertainty[4] 'x'.where.node", "m has no supply"]),
    ({"table": "demand", "where": {"id": "m"}, "column": None}, ["uncertainty[4] 'x'.where", "unknown key 'id'"]),
    ({"table": "demand", "where": {}, "column": "tonnes"}, ["uncertainty[4] 'x'.column", "leave out column"]),
]


@pytest.mark.parametrize("change,needles", BAD)
def test_bad_flow_entries_are_one_line_errors(tmp_path, change, needles):
    from .test_uncertainty import uncertainty_toml

    entry = {"name": "x", "table": "links", "where": {"id": "b_r"}, "column": "tariff_usd_per_tkm",
             "distribution": "uniform", "low": 0.5, "high": 1.5} | change
    entry = {k: v for k, v in entry.items() if v is not None}
    (tmp_path / "toy").symlink_to(DATA / "toy")
    path = tmp_path / "bad.toml"
    path.write_text(TOY_F.read_text() + "\n" + "\n".join(uncertainty_toml(entry)) + "\n")
    text = assert_input_error(path, *needles)
    assert "\n" not in text


def test_a_supply_entry_needs_flows(toy_copy):
    from .test_uncertainty import uncertainty_toml

    path = toy_copy / "bad.toml"
    entry = {"name": "x", "table": "supply", "where": {}, "distribution": "uniform", "low": 0.5, "high": 1.5}
    path.write_text((toy_copy / "toy.toml").read_text() + "\n" + "\n".join(uncertainty_toml(entry)) + "\n")
    assert_input_error(path, "uncertainty[1] 'x'.table", "needs [flows]")


def test_cli_flow_draws_text_json_csv_and_errors(tmp_path, capsys):
    from corridor.cli import main

    assert main(["run", str(TOY_F), "--draws", "200", "--json", "--out", str(tmp_path / "out")]) == 0
    doc = json.loads(capsys.readouterr().out)
    draws = doc["cases"][0]["flows"]["draws"]
    assert draws["draws"] == 200 and {e["id"] for e in draws["elements"]} == {"b_r", "e_t"}
    assert {"flow_draw_totals.csv", "flow_draw_elements.csv", "flow_draw_corridors.csv"} <= \
        {p.name for p in (tmp_path / "out").iterdir()}
    assert main(["run", str(TOY_F), "--draws", "200"]) == 0
    text = capsys.readouterr().out
    assert "Draws over flows: 200" in text and "P(full)" in text and "Border B – Station R › Port P" in text
    for argv, needle in ((["--workers", "2"], "give --draws N too"), (["--draws", "5", "--workers", "-1"],
                                                                       "--workers must be at least 0"),
                         (["--draws", "5", "--scheduler", "x"], "expected the address of a Dask scheduler"),
                         (["--draws", "5", "--workers", "2", "--scheduler", "tcp://h:1"], "not both")):
        assert main(["run", str(TOY_F), *argv]) == 2
        err = capsys.readouterr().err
        assert needle in err and err.count("\n") == 1, err


def test_zero_spread_with_regimes_markets_sales_and_limits():
    """diversify_2025.toml: transit regimes, a market group, sales at market prices and a cap through China."""
    s = corridor.load_scenario(ROOT / "scenarios" / "diversify_2025.toml")
    s = s.with_cases([c for c in s.data["cases"] if c["name"] in ("no cap", "at most 30% through China")])
    s = zero_spread(s, [
        {"table": "nodes", "where": {"id": "naushki"}, "column": "capacity_mt_per_year", "distribution": "uniform",
         "low": 1.0, "high": 1.0},
        {"table": "supply", "where": {"node": "tavan_tolgoi"}, "distribution": "uniform", "low": 1.0, "high": 1.0},
    ])
    res = corridor.run(s, draws=12, seed=3, block=5)
    assert res.allocations["at most 30% through China"].limits["binding"].all()
    assert_draws_equal_deterministic(res)


def test_the_draws_text_fits_the_width(toy_f):
    from corridor.report import text_report

    res = corridor.run(toy_f, draws=50, seed=1)
    for width in (80, 100):
        text = text_report(res, width=width)
        assert "Draws over flows: 50" in text and "P(full)" in text
        assert max(len(line) for line in text.splitlines()) <= width
    assert "P(price)" in text_report(res, width=None)
