"""Every failure of the fuzz campaign of issue 12, each as an input that must now end with one clear line and exit 2
(or a correct result): non-scalar TOML values, damaged files, numbers that overflow, flows that must add up, outputs
that must be all or nothing, unbounded work, the API's arguments, and the messages themselves."""

import contextlib
import io
import json
import os
import shutil

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import corridor
from corridor import limits
from corridor.cli import main
from corridor.errors import UnknownCaseError

from .conftest import DATA, ROOT

BASELINE = ROOT / "corridor" / "data" / "baseline"


def cli(*args):
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code, out, err, *needles):
    assert code == 2, err
    assert out == "" and "Traceback" not in err and "Warning" not in err
    lines = err.splitlines()
    assert lines and all(ln.startswith("error: ") for ln in lines), err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.fixture
def work(tmp_path):
    """A writable copy of the toy network (``net``) and of the baseline (``base``)."""
    shutil.copytree(DATA / "toy", tmp_path / "net")
    shutil.copytree(BASELINE, tmp_path / "base")
    return tmp_path


TOY = 'network = "net"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 1000\n'
CHANGE = TOY + '[[cases]]\nname = "x"\n[[cases.change]]\ntable = "links"\n'
ENTRY = (TOY + '[[uncertainty]]\nname = "u"\ntable = "links"\nwhere = { country = "RU" }\n'
         'column = "tariff_usd_per_tkm"\ndistribution = "uniform"\nlow = 0.5\nhigh = 2.0\n')

SCENARIOS = {
    "misspelt where column with a list": (CHANGE + 'where = { contry = ["RU"] }\nscale = { tariff_usd_per_tkm = 2 }\n',
                                          ["change[1].where", "unknown key 'contry'"]),
    "nested list in where": (CHANGE + 'where = { country = [["RU"]] }\nscale = { tariff_usd_per_tkm = 2 }\n',
                             ["change[1].where.country", "a list holding a list"]),
    "table in where": (CHANGE + 'where = { country = { a = 1 } }\nscale = { tariff_usd_per_tkm = 2 }\n',
                       ["change[1].where.country", "got a table"]),
    "change table as an array": ('network = "net"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 1000\n'
                                 '[[cases]]\nname = "x"\n[[cases.change]]\ntable = ["links"]\n'
                                 'scale = { tariff_usd_per_tkm = 2 }\n', ["change[1].table", "expected text"]),
    "uncertainty table as an array": (ENTRY.replace('table = "links"', 'table = ["links"]'),
                                      ["uncertainty[1] 'u'.table", "expected text, got a list"]),
    "uncertainty column as an array": (ENTRY.replace('column = "tariff_usd_per_tkm"', 'column = ["distance_km"]'),
                                       ["uncertainty[1] 'u'.column", "expected text, got a list"]),
    "uncertainty distribution as an array": (ENTRY.replace('distribution = "uniform"', 'distribution = ["uniform"]'),
                                             ["uncertainty[1] 'u'.distribution", "expected text"]),
    "5,000-deep nested array": (TOY + "deep = " + "[" * 5000 + "1" + "]" * 5000 + "\n",
                                ["not valid TOML", "nested too deeply"]),
    "extreme lognormal": (ENTRY.replace('distribution = "uniform"\nlow = 0.5\nhigh = 2.0',
                                        'distribution = "lognormal"\nmean = 1e-300\nsd = 1e12'),
                          ["uncertainty[1] 'u'", "not finite numbers"]),
    "scale to 1e300": (CHANGE + 'where = { id = "a_b" }\nscale = { tariff_usd_per_tkm = 1e300 }\n',
                       ["change[1].scale.tariff_usd_per_tkm", "at most 1e+12"]),
    "tariff near 1e308 after a change": (CHANGE + 'where = { id = "a_b" }\nset = { tariff_usd_per_tkm = 1e11 }\n',
                                         ["cases[1] 'x'", "MAX_ARC_USD_PER_T"]),
    "demand 1e20": ('network = "net"\n[flows]\nsupply = { a = 3 }\ndemand = { m = 1e20 }\n',
                    ["flows.demand.m", "at most 10000 Mt/yr", "MAX_MT_PER_YEAR"]),
    "penalty 1e19": ('network = "net"\n[flows]\nsupply = { a = 3 }\ndemand = { m = 2 }\n'
                     'unserved_penalty_usd_per_t = 1e19\n', ["unserved_penalty_usd_per_t", "MAX_PENALTY_USD_PER_T"]),
    "a lot of 1e-320 t": (TOY.replace("tonnes = 1000", "tonnes = 1e-320"), ["shipment.tonnes", "at least 1 t"]),
    "a lot of 1e-300 t": (TOY.replace("tonnes = 1000", "tonnes = 1e-300"), ["shipment.tonnes", "at least 1 t"]),
    "supply below a tonne a year": ('network = "net"\n[flows]\nsupply = { a = 1e-9 }\ndemand = { m = 2 }\n',
                                    ["flows.supply.a", "0 or at least 1e-06 Mt/yr"]),
    "a line break in a key": (TOY + '"bad\\nkey" = 1\n', ["unknown key 'bad\\nkey'"]),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_bad_scenario_values_end_in_one_line(work, name):
    text, needles = SCENARIOS[name]
    path = work / "s.toml"
    path.write_text(text)
    for args in (["run", path], ["run", path, "--json"], ["validate", path]):
        assert_one_line_error(*cli(*args), str(path), *needles)


@pytest.mark.parametrize("name", ["misspelt where column with a list", "nested list in where",
                                  "uncertainty table as an array", "extreme lognormal", "demand 1e20"])
def test_bad_values_through_the_api_are_input_errors(work, name):
    import tomllib

    data = tomllib.loads(SCENARIOS[name][0])
    with pytest.raises(corridor.InputError) as info:
        corridor.Scenario.from_dict(data, base_dir=work)
    assert all("\n" not in p for p in info.value.problems)
    s = corridor.Scenario.from_dict(tomllib.loads(TOY), base_dir=work)
    with pytest.raises(corridor.InputError):
        s.with_case("x", change=[{"table": ["links"], "scale": {"tariff_usd_per_tkm": 2}}])
    with pytest.raises(corridor.InputError, match=r"settings\.routes"):
        s.with_settings(routes=[5])
    with pytest.raises(corridor.InputError, match=r"flows\.supply\.a"):
        s.with_flows(supply={"a": {"x": 1}}, demand={"m": 1})
    deep: list = [1]
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(corridor.InputError, match="nested too deeply"):
        corridor.Scenario.from_dict({**tomllib.loads(TOY), "deep": deep}, base_dir=work)
    with pytest.raises(corridor.InputError, match="nested too deeply"):
        s.with_case("deep", close={"countries": deep})


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


NETWORKS = {
    "cell over 131,072 characters": ("net/nodes.csv", "Mine A", "x" * 140_000,
                                     ["nodes.csv line 2", "longer than 131,072 characters"]),
    "superscript year": ("base/prices.csv", "pohang,thermal,2015", "pohang,thermal,²",
                         ["prices.csv line 2", "year must be a year", "'²'"]),
    "1_000": ("net/links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,1_000,",
              ["links.csv line 2 (id=a_b)", "distance_km must be a number", "'1_000'"]),
    "Arabic-Indic digit": ("net/links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,١٠٠,",
                           ["distance_km must be a number"]),
    "fullwidth digits": ("net/links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,１００,",
                         ["distance_km must be a number"]),
    "inf": ("net/links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,inf,", ["distance_km must be a number"]),
    "1e308 tariff": ("net/links.csv", "a_b,a,b,rail1520,MN,100,0.03", "a_b,a,b,rail1520,MN,100,1e308",
                     ["tariff_usd_per_tkm must be at most 1e+12", "MAX_NUMBER"]),
    "a line break in a cell": ("net/nodes.csv", "a,Mine A,MN", 'a,Mine A,"M\nN"', ["country 'M\\nN' is not one of"]),
    "tiny speed": ("net/links.csv", "a_b,a,b,rail1520,MN,100,0.03,500", "a_b,a,b,rail1520,MN,100,0.03,1e-300",
                   ["1 link takes more than 1e+06 hours", "MAX_ARC_HOURS", "a_b"]),
    "speed so small the time overflows": ("net/links.csv", "a_b,a,b,rail1520,MN,100,0.03,500",
                                          "a_b,a,b,rail1520,MN,100,0.03,1e-307", ["cannot be priced", "a_b"]),
    "huge pass": ("net/nodes.csv", "48.0,106.0,2.0,24", "48.0,106.0,2e9,24", ["MAX_ARC_USD_PER_T", ": b"]),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_bad_network_files_end_in_one_line(work, name):
    file, old, new, needles = NETWORKS[name]
    _edit(work / file, old, new)
    folder = work / file.split("/")[0]
    scen = work / "s.toml"
    if folder.name == "net":
        scen.write_text(TOY)
    else:
        scen.write_text((ROOT / "scenarios" / "test_shipment_2015.toml").read_text().replace(
            'network = "baseline"', 'network = "base"'))
    for args in (["run", scen], ["run", scen, "--json"]):
        assert_one_line_error(*cli(*args), *needles)


@pytest.mark.parametrize("kind", ["fifo", "dangling symlink", "folder"])
def test_unreadable_files_are_named(work, kind):
    path = work / "net" / "transfers.csv"  # optional: absent is fine, unreadable is not
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling symlink":
        path.symlink_to(work / "gone.csv")
    else:
        path.mkdir()
    (work / "s.toml").write_text(TOY)
    why = {"fifo": "not a regular file", "dangling symlink": "broken link", "folder": "is a folder"}[kind]
    assert_one_line_error(*cli("run", work / "s.toml"), str(path), why)
    scen = work / "fifo.toml"
    os.mkfifo(scen)
    assert_one_line_error(*cli("run", scen), str(scen), "not a regular file")


def test_every_link_one_way_is_a_valid_network(work):
    lines = (work / "net" / "links.csv").read_text().splitlines()
    head = lines[0].split(",")
    col = head.index("both_ways")
    rows = [ln.split(",") for ln in lines[1:]]
    for r in rows:
        r[col] = "false"
    (work / "net" / "links.csv").write_text("\n".join(",".join(r) for r in [head, *rows]) + "\n")
    (work / "s.toml").write_text(TOY + '[[cases]]\nname = "base"\n[[cases]]\nname = "back"\n'
                                       'shipment = { origin = "m", destination = "a" }\n')
    code, out, err = cli("run", work / "s.toml", "--json")
    assert code == 0, err
    cases = json.loads(out)["cases"]
    assert cases[0]["routes"][0]["nodes"] == ["a", "b", "r", "p", "m"]
    assert cases[1]["routes"] == [] and "no route from m to a" in cases[1]["error"]


@pytest.mark.parametrize("draws", ["1000000000", "-1"])
def test_draws_beyond_the_limits_are_refused_at_once(draws):
    code, out, err = cli("run", DATA / "toy_uncertainty.toml", "--draws", draws)
    assert_one_line_error(code, out, err, "draws")
    if draws != "-1":
        assert "MAX_DRAWS" in err


def test_draws_beyond_the_memory_limit_are_refused_before_drawing(monkeypatch):
    monkeypatch.setattr(limits, "MAX_DRAW_MEMORY_BYTES", 1024**2)
    code, out, err = cli("run", DATA / "toy_uncertainty.toml", "--draws", "100000")
    assert_one_line_error(code, out, err, "MiB of memory", "MAX_DRAW_MEMORY_BYTES", "use at most 65,536 draws")


def test_many_draws_keep_only_the_reported_routes_compactly(toy_scenario, monkeypatch):
    """Beyond STORE_BYTES a first pass counts the wins and a second keeps the reported routes' draws as float32:
    the same wins, and percentiles to float32 precision."""
    from corridor.uncertainty import montecarlo

    s = corridor.load_scenario(DATA / "toy_uncertainty.toml")
    one = corridor.run(s, draws=3000, seed=4)
    monkeypatch.setattr(montecarlo, "STORE_BYTES", 1000)
    two = corridor.run(s, draws=3000, seed=4)
    assert list(one.routes.index) == list(two.routes.index)
    assert (one.routes["p_cheapest"] == two.routes["p_cheapest"]).all()
    for col in ("p10_usd_per_t", "p50_usd_per_t", "p90_generalized_usd_per_t"):
        np.testing.assert_allclose(two.routes[col], one.routes[col], rtol=1e-6)
    draws = two.uncertainty["baseline"]
    assert draws.cost.dtype == np.float32 and draws.cost.shape == (len(draws.ranks), 3000)


def test_too_many_routes_for_the_graph_are_refused(monkeypatch, toy_scenario):
    import corridor.routes

    graph = corridor.build_graph(toy_scenario.network)
    monkeypatch.setattr(corridor.routes, "MAX_ROUTE_WORK", 2 * len(graph.arcs) * len(graph.states))
    code, out, err = cli("run", DATA / "toy.toml")
    assert_one_line_error(code, out, err, "case 'baseline'", "5 routes on a routing graph", "MAX_ROUTE_WORK",
                          "ask for at most 2 routes")


def _grid(folder, side):
    """A side x side grid of rail links (side**2 nodes), every link 10-16 km."""
    folder.mkdir()
    nodes = ["id,name,country,kind,lat,lon,source,note"] + [
        f"n{i}_{j},N {i} {j},MN,station,{40 + i * 10 / side:.4f},{100 + j * 20 / side:.4f},estimate,grid"
        for i in range(side) for j in range(side)]
    links = ["id,from,to,mode,country,distance_km,tariff_usd_per_tkm,speed_km_per_day,source,note"]
    for i in range(side):
        for j in range(side):
            if i + 1 < side:
                km = 10 + (7 * i + 3 * j) % 5
                links.append(f"v{i}_{j},n{i}_{j},n{i + 1}_{j},rail1520,MN,{km},0.03,500,estimate,g")
            if j + 1 < side:
                km = 10 + (5 * i + j) % 7
                links.append(f"h{i}_{j},n{i}_{j},n{i}_{j + 1},rail1520,MN,{km},0.03,500,estimate,g")
    (folder / "nodes.csv").write_text("\n".join(nodes) + "\n")
    (folder / "links.csv").write_text("\n".join(links) + "\n")
    (folder / "sources.csv").write_text("id,title\ngrid,grid\n")


@pytest.mark.slow
def test_a_thousand_routes_on_a_5000_node_network_are_refused_at_once(tmp_path):
    """Yen's search for 1,000 routes on a 70 x 70 grid would run for hours: refused before it starts."""
    _grid(tmp_path / "grid", 70)
    path = tmp_path / "grid.toml"
    path.write_text('network = "grid"\n[shipment]\norigin = "n0_0"\ndestination = "n69_69"\ntonnes = 1000\n'
                    '[settings]\nroutes = 1000\n')
    code, out, err = cli("run", path)
    assert_one_line_error(code, out, err, "1000 routes on a routing graph of 9,800 states", "MAX_ROUTE_WORK",
                          "ask for at most 8 routes")


def test_breakeven_range_beyond_the_limits_is_refused():
    code, out, err = cli("breakeven", DATA / "toy_uncertainty.toml", "--param", "RU tariff", "--routes", "1", "2",
                         "--within", "0", "1e308")
    assert_one_line_error(code, out, err, "MAX_NUMBER")
    code, out, err = cli("breakeven", DATA / "toy_uncertainty.toml", "--param", "RU tariff", "--routes", "²", "2")
    assert_one_line_error(code, out, err, "no node id or name matches '²'")


def test_breakeven_says_when_it_did_not_converge(monkeypatch):
    from corridor.uncertainty import breakeven, sensitivity

    s = corridor.load_scenario(DATA / "toy_uncertainty.toml")
    (found,) = breakeven(s, "RU tariff", (1, 2), case="baseline", within=(0.2, 3.0))
    assert found.converged and found.value is not None
    monkeypatch.setattr(sensitivity, "MAX_ITERATIONS", 1)
    (stuck,) = breakeven(s, "RU tariff", (1, 2), case="baseline", within=(0.2, 3.0))
    assert not stuck.converged and stuck.value is None
    assert stuck.bracket[0] <= found.value <= stuck.bracket[1]
    assert "did not converge" in str(stuck) and "no break-even value is given" in str(stuck)
    assert json.dumps(stuck.to_dict())  # strict JSON: no NaN


def test_tornado_of_a_single_route_prints_no_nan():
    code, out, err = cli("tornado", DATA / "toy_uncertainty.toml", "--case", "RU closed")
    assert code == 0, err
    assert "no runner-up" in out and "nan" not in out.lower() and err == ""


def test_run_arguments_are_checked():
    s = corridor.load_scenario(DATA / "toy_uncertainty.toml")
    with pytest.raises(corridor.InputError, match="chunk"):
        corridor.run(s, draws=5, chunk=-1)
    with pytest.raises(corridor.InputError, match="check_share"):
        corridor.run(s, draws=5, check_share=2.0)
    with pytest.raises(corridor.InputError, match="apply to a run with draws"):
        corridor.run(s, chunk=10)
    with pytest.raises(TypeError, match="colour"):
        corridor.run(s, colour="red")
    with pytest.raises(corridor.InputError, match="draws must be a whole number"):
        corridor.run(s, draws=2.5)


def test_an_unknown_case_is_one_error_type_everywhere():
    from corridor.uncertainty import breakeven, tornado

    s = corridor.load_scenario(DATA / "toy_uncertainty.toml")
    res = corridor.run(s)
    calls = [lambda: s.case("nope"), lambda: tornado(s, case="nope"),
             lambda: breakeven(s, "RU tariff", (1, 2), case="nope"), lambda: res.plot.map(case="nope"),
             lambda: res.plot.figures(cases=["nope"]), lambda: res.plot.cost_distance(case="nope"),
             lambda: res.plot.capacity(case="nope")]
    for call in calls:
        with pytest.raises(UnknownCaseError, match="no case named 'nope'") as info:
            call()
        assert isinstance(info.value, corridor.InputError) and isinstance(info.value, KeyError)
    assert_one_line_error(*cli("tornado", DATA / "toy_uncertainty.toml", "--case", "nope"), "no case named 'nope'")


def test_two_routes_never_share_a_label(work):
    _edit(work / "net" / "links.csv", "b_r,b,r", "a_b2,a,b,rail1520,MN,100,0.03,500,1,,,,estimate,toy\nb_r,b,r")
    (work / "s.toml").write_text(TOY)
    res = corridor.run(corridor.load_scenario(work / "s.toml"))
    labels = list(res.routes.loc["baseline", "route"])
    assert len(labels) == len(set(labels)) == 3
    assert "Mine A › Station R › Port P › Market M (via a_b2)" in labels
    flows = corridor.load_scenario(work / "s.toml").with_flows(supply={"a": 9}, demand={"m": 9}).with_network(
        corridor.load_network(work / "net").change("links", {"id": "a_b"}, set={"capacity_mt_per_year": 4}))
    routes = corridor.run(flows).allocations["baseline"].routes
    assert len(routes) == 2 and routes["route"].is_unique


def test_no_numpy_warning_reaches_stderr(work):
    """Overflowing prices are refused without a RuntimeWarning, in the API (warnings made errors) and the CLI."""
    import warnings

    _edit(work / "net" / "links.csv", "a_b,a,b,rail1520,MN,100,0.03,500", "a_b,a,b,rail1520,MN,100,0.03,1e-307")
    (work / "s.toml").write_text(TOY + '[[cases]]\nname = "x"\n[[cases.change]]\ntable = "links"\n'
                                       'where = { id = "b_r" }\nscale = { tariff_usd_per_tkm = 2 }\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(corridor.InputError, match="cannot be priced"):
            corridor.run(corridor.load_scenario(work / "s.toml"))
        code, _, err = cli("run", work / "s.toml")
    assert code == 2 and "Warning" not in err


# ----- flows that add up, on every case and at extreme magnitudes ---------------------------------------------

def _assert_flows_add_up(alloc):
    d, t, r = alloc.destinations, alloc.totals, alloc.routes
    assert "unrouted_mt_per_year" not in d
    by_dest = r.groupby("destination")["mt_per_year"].sum().reindex(d.index, fill_value=0.0).astype(float)
    np.testing.assert_allclose(d["delivered_mt_per_year"], by_dest, rtol=1e-12, atol=0)
    np.testing.assert_allclose(d["delivered_mt_per_year"] + d["unserved_mt_per_year"], d["demand_mt_per_year"],
                               rtol=1e-12, atol=1e-300)
    time_value = t["generalized_cost_usd_per_year"] - t["transport_cost_usd_per_year"]
    assert t["total_cost_usd_per_year"] == pytest.approx(
        t["transport_cost_usd_per_year"] + time_value + t["unserved_penalty_usd_per_year"], rel=1e-12)
    assert t["delivered_mt_per_year"] == pytest.approx(float(r["mt_per_year"].sum()), rel=1e-12)
    assert (r["mt_per_year"] > 0).all() and np.isfinite(r.select_dtypes("number").to_numpy(float)).all()
    return alloc


def test_flows_add_up_in_every_shipped_flows_case():
    res = corridor.run(corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml"))
    for alloc in res.allocations.values():
        _assert_flows_add_up(alloc)


@pytest.mark.parametrize("supply,demand", [
    ({"a": 1e4, "b": 1e-6}, {"m": 1e4, "t": 1e-6}),
    ({"a": 1e4}, {"m": 8.0, "p": 3.0, "t": 1e-4}),
    ({"a": 1e-6}, {"m": 1e4}),
    ({"a": 1e4, "e": 1e-6}, {"m": 1e-6, "p": 1e4}),
])
def test_flows_add_up_at_extreme_magnitudes(toy_scenario, supply, demand):
    """Supplies 10 orders of magnitude apart: every flow is decomposed whole (the tolerance is the solver's noise
    relative to the largest flow, not a share of the total supply), and the LP's objective is the sum of its
    parts."""
    from corridor.flows import allocate, flow_problem, solve_problem

    graph = corridor.build_graph(toy_scenario.network)
    alloc = _assert_flows_add_up(allocate(graph, supply, demand, value_of_time_usd_per_t_day=2.0))
    small = min(v for v in (*supply.values(), *demand.values()) if v > 0)
    assert alloc.routes["mt_per_year"].min() <= small * (1 + 1e-9)
    lp = solve_problem(flow_problem(graph, supply, demand, value_of_time_usd_per_t_day=2.0))
    assert alloc.totals["total_cost_usd_per_year"] == pytest.approx(lp.objective * 1e6, rel=1e-9)


def test_a_flow_that_cannot_be_decomposed_is_reported_as_a_remainder(toy_scenario):
    """If the LP's flow did not add up (here: an arc's flow cut by hand), what the routes miss is reported."""
    from dataclasses import replace

    from corridor.flows import flow_problem, read_solution, solve_problem

    graph = corridor.build_graph(toy_scenario.network)
    problem = flow_problem(graph, {"a": 5.0}, {"m": 5.0})
    sol = solve_problem(problem)
    x = sol.x.copy()
    used = np.flatnonzero(x[:problem.n_arcs] > 1)
    x[used[0]] = 2.0  # 3 Mt/yr lost on one arc
    alloc = read_solution(problem, replace(sol, x=x))
    d = alloc.destinations.loc["m"]
    assert d["delivered_mt_per_year"] == pytest.approx(2.0) and d["unrouted_mt_per_year"] == pytest.approx(3.0)
    assert d["delivered_mt_per_year"] + d["unserved_mt_per_year"] + d["unrouted_mt_per_year"] == pytest.approx(5.0)
    assert alloc.totals["unrouted_mt_per_year"] == pytest.approx(3.0)


def test_flows_api_refuses_absurd_magnitudes(toy_scenario):
    from corridor.flows import allocate

    graph = corridor.build_graph(toy_scenario.network)
    for supply, demand, kw, needle in [({"a": 1e20}, {"m": 1}, {}, "supply of 'a'"),
                                       ({"a": 3}, {"m": float("nan")}, {}, "demand of 'm'"),
                                       ({"a": 3}, {"m": 2}, {"unserved_penalty_usd_per_t": 1e19}, "unserved_penalty"),
                                       ({"a": 3}, {"a": 2}, {}, "both an origin and a destination")]:
        with pytest.raises(corridor.InputError, match=needle):
            allocate(graph, supply, demand, **kw)


def test_a_zero_capacity_element_is_full_not_infinitely_used(toy_scenario):
    from corridor.flows import allocate

    net = toy_scenario.network.change("links", {"id": "b_r"}, set={"capacity_mt_per_year": 0.0})
    alloc = allocate(corridor.build_graph(net), {"a": 3}, {"m": 2})
    row = alloc.elements.set_index("id").loc["b_r"]
    assert row["utilisation"] == 1.0 and row["flow_mt_per_year"] == pytest.approx(0.0, abs=1e-9)


def test_other_warnings_are_one_line_without_a_file_name(monkeypatch):
    import warnings

    import corridor.report

    real = corridor.report.text_report

    def warning_report(results, **kw):
        warnings.warn("constrained_layout not applied\nbecause axes sizes collapsed", UserWarning, stacklevel=1)
        warnings.warn("overflow encountered in reduce", RuntimeWarning, stacklevel=1)
        return real(results, **kw)

    monkeypatch.setattr(corridor.report, "text_report", warning_report)
    code, out, err = cli("run", DATA / "toy.toml")
    assert code == 0 and "Case: baseline" in out
    assert err == "warning: constrained_layout not applied\\nbecause axes sizes collapsed\n"


@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate])
@given(st.dictionaries(st.sampled_from(["a", "b", "e"]), st.sampled_from([0.0, 1e-6, 1e-3, 1.0, 7.5, 1e3, 1e4]),
                       min_size=1),
       st.dictionaries(st.sampled_from(["m", "t", "p"]), st.sampled_from([0.0, 1e-6, 2e-3, 3.0, 1e3, 1e4]),
                       min_size=1),
       st.sampled_from([None, 0.0, 1e-6, 2.0, 1e4]), st.sampled_from([0.0, 1.0, 1000.0]))
def test_flows_add_up_for_generated_magnitudes(supply, demand, capacity, vot):
    """Generated supplies, demands (1e-6 to 1e4 Mt/yr), a capacity on the Russian line and values of time: every
    table adds up and the total is HiGHS's objective."""
    from corridor.flows import allocate, flow_problem, solve_problem

    net = TOY_NET if capacity is None else TOY_NET.change("links", {"id": "b_r"},
                                                          set={"capacity_mt_per_year": capacity})
    graph = corridor.build_graph(net)
    alloc = _assert_flows_add_up(allocate(graph, supply, demand, value_of_time_usd_per_t_day=vot))
    lp = solve_problem(flow_problem(graph, supply, demand, value_of_time_usd_per_t_day=vot))
    assert alloc.totals["total_cost_usd_per_year"] == pytest.approx(lp.objective * 1e6, rel=1e-9, abs=1e-3)


TOY_NET = corridor.load_network(DATA / "toy")


def test_a_range_that_draws_would_refuse_is_refused_for_the_tornado_and_breakeven_too(work):
    """The issue's tornado with infinite swings: a range whose largest draw makes a tariff the network could not hold
    is refused at load, so ``run --draws``, ``tornado`` and ``breakeven`` all stop on the same one line."""
    text = (DATA / "toy_uncertainty.toml").read_text().replace('network = "toy"', 'network = "net"')
    path = work / "u.toml"
    path.write_text(text.replace("low = 0.5\nhigh = 2.5", "low = 0.5\nhigh = 1e300", 1))
    for args in (["run", path, "--draws", "50"], ["tornado", path],
                 ["breakeven", path, "--param", "RU tariff", "--routes", "1", "2"]):
        assert_one_line_error(*cli(*args), str(path), "uncertainty[1] 'RU tariff'", "MAX_NUMBER")
    # a range the file can hold, however wide: finite swings (1e10 x the tariff: 31 -> 1e11 USD/t on the RU route)
    path.write_text(text.replace("low = 0.5\nhigh = 2.5", "low = 0.5\nhigh = 1e10", 1))
    code, out, err = cli("tornado", path, "--json")
    assert code == 0, err
    rows = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
    ru = next(r for r in rows if r["case"] == "baseline" and r["parameter"] == "RU tariff")
    # RU rail is 10 of the 31 USD/t via P: at 1e10 x the tariff that route costs 21 + 1e11; via T stays 38.5
    assert ru["gap_high"] == pytest.approx(38.5 - (21 + 10 * 1e10)) and ru["cheapest_high"] == 2
