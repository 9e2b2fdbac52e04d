"""Investment appraisal: hand-computed NPV, BCR and IRR on a toy network with projects, the rule of a half, the
portfolio MIP against brute force, budgets, and the checks of the project tables and [appraisal]."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

import corridor
from corridor.appraisal import appraise
from corridor.appraisal.portfolio import PortfolioProblem, best_portfolio, brute_force
from corridor.projects import close_projects, open_projects, usd_millions

from .conftest import assert_input_error

DATA = Path(__file__).parent / "data"
TOY = DATA / "toy_projects.toml"


@pytest.fixture(scope="module")
def toy():
    return appraise(corridor.load_scenario(TOY))


def _row(a, pid):
    return a.projects.set_index("id").loc[pid]


def test_rail_by_hand(toy):
    # Without: 5 Mt/yr by road at 10 USD/t, 3 Mt/yr unserved (penalty 50). With the rail: 8 Mt/yr at 4 USD/t.
    existing = (10 - 4) * 5                    # 30 MUSD/yr
    generated = 0.5 * (50 - 4) * 3             # 69 MUSD/yr, rule of a half
    b = existing + generated
    residual = 200 * 38 / 40                   # 2 of 40 years used by the end of 2027
    net = [-200, b - 2, b - 2 + residual]      # 2025 capex, 2026-2027 open (opex 2)
    npv = net[0] + net[1] / 1.1 + net[2] / 1.1**2
    v = (-net[1] + math.sqrt(net[1] ** 2 - 4 * net[2] * net[0])) / (2 * net[2])  # 287 v^2 + 97 v - 200 = 0
    bcr = (b / 1.1 + b / 1.21 + residual / 1.21) / (200 + 2 / 1.1 + 2 / 1.21)
    r = _row(toy, "rail")
    assert r["pv_existing_musd"] == pytest.approx(existing / 1.1 + existing / 1.21)
    assert r["pv_generated_musd"] == pytest.approx(generated / 1.1 + generated / 1.21)
    assert r["npv_musd"] == pytest.approx(npv)
    assert r["bcr"] == pytest.approx(bcr)
    assert r["irr"] == pytest.approx(1 / v - 1, abs=1e-9)
    assert r["payback_year"] == 2027


def test_widening_by_hand_with_currency(toy):
    # 350 CNY of 2024 at 7 CNY/USD = 50 USD of 2024, x 102/100 = 51 USD of 2025. With it: 8 Mt/yr by road.
    capex = 350 / 7 * 102 / 100
    b = 0.5 * (50 - 10) * 3                    # 60: only generated traffic; the existing pays the same
    net = [-capex, b, b + capex * 8 / 10]
    r = _row(toy, "widen")
    assert r["capex_musd"] == pytest.approx(capex)
    assert r["pv_existing_musd"] == pytest.approx(0.0, abs=1e-9)
    assert r["npv_musd"] == pytest.approx(net[0] + net[1] / 1.1 + net[2] / 1.21)
    # the IRR makes the NPV zero
    rate = r["irr"]
    assert net[0] + net[1] / (1 + rate) + net[2] / (1 + rate) ** 2 == pytest.approx(0.0, abs=1e-7)


def test_project_that_adds_nothing_has_zero_benefit(toy):
    r = _row(toy, "useless")
    assert r["pv_benefit_musd"] == 0.0
    cf = toy.cashflows[toy.cashflows["what"] == "useless"]
    assert (cf["benefit_existing_musd"] == 0).all() and (cf["benefit_generated_musd"] == 0).all()
    assert r["npv_musd"] == pytest.approx(-10 + 10 * 18 / 20 / 1.21)


def test_competing_projects_and_portfolio(toy):
    inter = toy.interactions.set_index(["project", "other"])
    both = inter.loc[("rail", "widen")]
    assert both["kind"] == "compete"
    assert both["interaction_musd"] == pytest.approx(-_row(toy, "widen")["pv_benefit_musd"])
    assert inter.loc[("rail", "useless"), "kind"] == "independent"
    # the rail alone beats the rail with the widening (which then adds only its cost)
    assert toy.portfolio["opening_year"] == {"rail": 2026}
    assert toy.portfolio["npv_musd"] == pytest.approx(_row(toy, "rail")["npv_musd"])
    assert _row(toy, "widen")["npv_with_others_musd"] < 0 < _row(toy, "widen")["npv_musd"]


def test_budget_picks_the_cheaper_project():
    s = corridor.load_scenario(TOY)
    data = {**s.data, "appraisal": {**s.data["appraisal"], "budget_total_musd": 100}}
    a = appraise(corridor.Scenario.from_dict(data, source=str(TOY), base_dir=TOY.parent))
    assert a.portfolio["opening_year"] == {"widen": 2026}
    assert a.portfolio["npv_musd"] == pytest.approx(_row(a, "widen")["npv_musd"])


def test_open_and_close_projects():
    net = corridor.load_network(DATA / "toy_projects")
    assert "a_m_rail" not in net.links.index and "z" not in net.nodes.index
    opened = open_projects(net, ["rail", "widen", "useless"])
    assert {"a_m_rail", "a_z_rail"} <= set(opened.links.index) and "z" in opened.nodes.index
    assert opened.links.loc["a_m_road", "capacity_mt_per_year"] == 10
    assert usd_millions(net, 350, "CNY", "2024", "2025") == pytest.approx(51.0)


def test_built_project_is_in_the_network_and_can_be_closed(tmp_path):
    src = DATA / "toy_projects"
    folder = tmp_path / "net"
    folder.mkdir()
    for f in src.iterdir():
        folder.joinpath(f.name).write_text(f.read_text())
    text = folder.joinpath("projects.csv").read_text().replace("2026,40,,10", "2026,40,2022,10")
    folder.joinpath("projects.csv").write_text(text)
    net = corridor.load_network(folder)
    assert "a_m_rail" in net.links.index and net.projects.built() == ["rail"]
    assert "a_m_rail" not in close_projects(net, ["rail"]).links.index
    corridor.write_network(net, tmp_path / "copy")
    again = corridor.load_network(tmp_path / "copy")
    assert set(again.links.index) == set(net.links.index) and again.projects.ids == net.projects.ids


# ----- the portfolio program against brute force -----------------------------------------------------------

def _random_problem(rng, n, n_k, budget_total=None, budget_per_year=None):
    allowed = np.zeros((n, n_k), dtype=bool)
    for i in range(n):
        allowed[i, rng.integers(0, n_k):] = True
    forced = np.full(n, -1)
    alone = rng.uniform(0, 100, size=(n, n_k))
    pair = rng.uniform(-40, 25, size=(n, n))  # competition (negative) and complementarity (positive)
    value = {}
    for k in range(n_k):
        avail = [i for i in range(n) if allowed[i, :k + 1].any()]
        for r in range(len(avail) + 1):
            for s in itertools.combinations(avail, r):
                v = sum(alone[i, k] for i in s) + sum(pair[i, j] for i, j in itertools.combinations(s, 2))
                value[(frozenset(s), k)] = float(v)
    cost = rng.uniform(20, 150, size=(n, n_k)) * allowed
    capex = rng.uniform(10, 100, size=n)
    years = {(i, k): {2025 + k - 1: float(capex[i])} for i in range(n) for k in range(n_k) if allowed[i, k]}
    return PortfolioProblem(projects=tuple(f"p{i}" for i in range(n)), allowed=allowed, forced=forced, value=value,
                            cost=cost, capex_years=years, capex_total=capex, budget_total=budget_total,
                            budget_per_year=budget_per_year)


@pytest.mark.parametrize("seed,n,n_k", [(1, 3, 1), (2, 5, 2), (3, 6, 3), (4, 8, 1), (5, 10, 1), (6, 4, 4)])
def test_mip_equals_brute_force(seed, n, n_k):
    rng = np.random.default_rng(seed)
    for budget in (None, 120.0):
        prob = _random_problem(rng, n, n_k, budget_total=budget, budget_per_year=90.0 if seed % 2 else None)
        mip, brute = best_portfolio(prob), brute_force(prob)
        assert mip.npv == pytest.approx(brute.npv, abs=1e-6)
        assert prob.npv({prob.projects.index(p): k for p, k in mip.opening.items()}) == pytest.approx(mip.npv)


def test_tighter_budget_never_raises_npv():
    rng = np.random.default_rng(11)
    for _ in range(5):
        base = _random_problem(rng, 6, 2)
        npvs = []
        for budget in (None, 400.0, 250.0, 150.0, 80.0, 30.0, 0.0):
            prob = PortfolioProblem(**{**base.__dict__, "budget_total": budget})
            npvs.append(best_portfolio(prob).npv)
        assert all(a >= b - 1e-9 for a, b in itertools.pairwise(npvs))
        assert npvs[-1] == pytest.approx(0.0)


@pytest.mark.slow
def test_mip_equals_brute_force_larger():
    rng = np.random.default_rng(99)
    prob = _random_problem(rng, 7, 3, budget_total=200.0, budget_per_year=120.0)
    assert best_portfolio(prob).npv == pytest.approx(brute_force(prob).npv, abs=1e-6)


# ----- input checks ----------------------------------------------------------------------------------------

def _toy_folder(tmp_path):
    folder = tmp_path / "toy_projects"
    folder.mkdir()
    for f in (DATA / "toy_projects").iterdir():
        folder.joinpath(f.name).write_text(f.read_text())
    return folder


@pytest.mark.parametrize("file,old,new,needle", [
    ("links.csv", ",rail,estimate", ",tram,estimate", "project 'tram' is not an id in projects.csv"),
    ("project_capacity.csv", "widen,links,a_m_road", "widen,links,a_m_rail", "raise only rows of the network"),
    ("project_capacity.csv", "widen,links,a_m_road", "widen,nodes,a", "has no capacity"),
    ("projects.csv", "350,CNY,2024", "350,CNY,2023", "needs a rate for 2023 in rates.csv"),
    ("projects.csv", "1,2026,40", "1,20x6,40", "earliest_open_year must be a year"),
    ("links.csv", "a_z_rail,a,z,rail1520,MN,10,0.04,10000,,,false,useless",
     "a_z_rail,a,z,rail1520,MN,10,0.04,10000,,,false,", "node 'z' belongs to project 'useless'"),
])
def test_bad_project_tables(tmp_path, file, old, new, needle):
    folder = _toy_folder(tmp_path)
    path = folder / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    with pytest.raises(corridor.InputError, match=needle):
        corridor.load_network(folder)


@pytest.mark.parametrize("extra,needle", [
    ("last_year = 2020", "appraisal.last_year: must be from first_year"),
    ('projects = ["tram"]', "unknown project 'tram'"),
    ("discount_rate = 9", "appraisal.discount_rate: must be at most 1"),
    ('demand_scale = { 2030 = 1.2 }\ndemand_growth_per_year = 0.02', "not both"),
    ("step = 5", "unknown key 'step'"),
])
def test_bad_appraisal_table(tmp_path, extra, needle):
    text = TOY.read_text().replace('network = "toy_projects"', f'network = "{DATA / "toy_projects"}"')
    key = extra.split("=")[0].strip()
    lines = [ln for ln in text.splitlines() if not ln.startswith(f"{key} =")]
    path = tmp_path / "bad.toml"
    path.write_text("\n".join(lines) + "\n" + extra + "\n")
    assert_input_error(path, needle)


# ----- command and charts -----------------------------------------------------------------------------------

def test_cli_table_json_and_csv(tmp_path, capsys):
    import json

    from corridor.cli import main

    assert main(["appraise", str(TOY), "--out", str(tmp_path / "a.csv")]) == 0
    text = capsys.readouterr().out
    assert "*rail " in text and "rail + widen: -104 (compete)" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert (tmp_path / "a_cashflows.csv").exists() and (tmp_path / "a_interactions.csv").exists()
    assert main(["appraise", str(TOY), "--json", "--no-portfolio"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in data["projects"]} == {"rail", "widen", "useless"} and data["portfolio"] == {}
    assert main(["appraise", str(DATA / "toy.toml")]) == 2
    assert "no [appraisal] table" in capsys.readouterr().err


def test_charts(toy):
    from corridor.plot.appraisal import cash_flows, npv_by_project

    from .conftest import assert_texts_inside

    fig = npv_by_project(toy)
    assert len(fig.axes[0].patches) == 6  # alone and with the others, three projects
    assert_texts_inside(fig)
    fig = cash_flows(toy, "rail")
    assert_texts_inside(fig)
    with pytest.raises(KeyError, match="no cash flow"):
        cash_flows(toy, "tram")


def test_rule_of_half_against_the_lp_objective():
    # The LP's saving values a generated tonne at the full (penalty - cost); the rule of a half at half of it.
    from corridor.appraisal import SwitchedLP
    from corridor.appraisal.benefits import rule_of_half

    s = corridor.load_scenario(TOY)
    f = s.cases[0].require_flows()
    lp = SwitchedLP(s.network, ["rail", "widen", "useless"], f.supply, f.demand, unserved_penalty_usd_per_t=50)
    without, with_ = lp.solve([]), lp.solve(["rail"])
    assert without.objective == pytest.approx(5 * 10 + 3 * 50) and with_.objective == pytest.approx(8 * 4)
    b = rule_of_half(without, with_, 50.0)
    assert without.objective - with_.objective - b.total == pytest.approx(0.5 * (50 - 4) * 3)
    assert lp.solve([], factor=2.0).unserved.sum() == pytest.approx(11.0)  # demand 16, road 5


def test_portfolio_npv_equals_its_cash_flows(toy):
    cf = toy.cashflows[toy.cashflows["what"] == "portfolio"]
    assert cf["discounted_musd"].sum() == pytest.approx(toy.portfolio["npv_musd"])


@pytest.mark.slow
def test_shipped_projects_2025():
    s = corridor.load_scenario(Path(__file__).parent.parent / "scenarios" / "projects_2025.toml")
    ap = appraise(s)
    t = ap.projects.set_index("id")
    assert set(t.index) == set(s.network.projects.ids)
    # the Zuunbayan-Khangi line carries nothing to China without a rail link across the border
    assert t.loc["zb_khangi_rail", "pv_benefit_musd"] == pytest.approx(0.0, abs=1e-6)
    inter = ap.interactions.set_index(["project", "other"])
    assert inter.loc[("zb_khangi_rail", "khangi_mandula_link"), "kind"] == "complement"
    assert inter.loc[("gs_gqmd_rail", "ganquan_upgrade"), "kind"] == "complement"
    # the budget holds for the candidates, and the portfolio's NPV is that of its cash flows
    chosen = [p for p in ap.portfolio["opening_year"] if not t.loc[p, "built"]]
    assert t.loc[chosen, "capex_musd"].sum() <= s.appraisal.budget_total_musd + 1e-6
    cf = ap.cashflows[ap.cashflows["what"] == "portfolio"]
    assert cf["discounted_musd"].sum() == pytest.approx(ap.portfolio["npv_musd"])
    tighter = [ap.portfolio_with_budget(b)["npv_musd"] for b in (None, 1000, 600, 200, 0)]
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(tighter))


def test_irr_says_when_there_is_none():
    from corridor.appraisal.cashflow import irr, payback_year

    years = np.arange(2025, 2030)
    assert irr(years, np.array([5.0, 5, 5, 5, 5]), 2025) == (None, "no net cost in any year")
    assert irr(years, np.array([-5.0, -1, -1, -1, -1]), 2025) == (None, "no net benefit in any year")
    rate, why = irr(years, np.array([-100.0, 0, 0, 0, 121 * 1.1**2]), 2025)
    assert rate == pytest.approx(0.10) and why == ""
    assert payback_year(years, np.array([-100.0, 0, 0, 0, 50]), 0.1, 2025) is None
