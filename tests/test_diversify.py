"""Diversification: the limit row by hand on the toy (routes in test_routes_toy.py: A via Russia 31 USD/t, B via
China 38.5 USD/t), its dual against a finite difference, market groups and sales at market prices, and the shipped
scenario's curve (non-decreasing in the share removed)."""

import numpy as np
import pytest

import corridor
from corridor.cli import main
from corridor.flows.diversify import diversification

from .conftest import ROOT, assert_input_error


@pytest.fixture
def toy_flows(toy_scenario):
    return toy_scenario.with_flows(supply={"a": 5.0}, demand={"m": 2.0})


def test_limit_by_hand(toy_flows):
    """At most half of the 2 Mt/yr through Russia: 1 Mt/yr moves to B, 7.5 USD/t dearer: 7.5 MUSD/yr; the limit's
    dual is 7.5 USD/t."""
    res = corridor.run(toy_flows.with_flows(limits=[{"countries": ["RU"], "max_share": 0.5}]))
    a = res.allocations["baseline"]
    assert a.totals["total_cost_usd_per_year"] == pytest.approx((31 * 2 + 7.5) * 1e6)
    lim = a.limits.iloc[0]
    assert (lim["through"], lim["through_mt_per_year"], lim["binding"]) == ("RU", pytest.approx(1.0), True)
    assert lim["marginal_usd_per_t"] == pytest.approx(7.5)
    assert res.flow_exposure.loc[("baseline", "RU"), "mt_per_year"] == pytest.approx(1.0)
    # the same cap in Mt/yr, and on the gateway node instead of the country
    for limit in ({"countries": ["RU"], "max_mt_per_year": 1.0}, {"nodes": ["r"], "max_share": 0.5}):
        t = corridor.run(toy_flows.with_flows(limits=[limit])).allocations["baseline"].totals
        assert t["total_cost_usd_per_year"] == pytest.approx((31 * 2 + 7.5) * 1e6)


def test_curve_by_hand(toy_flows):
    curve = diversification(toy_flows.case("baseline"), countries=["RU"], shares=[1.0, 0.75, 0.5, 0.0])
    t = curve.table
    assert curve.baseline_through_mt_per_year == pytest.approx(2.0)
    assert t["extra_usd_per_year"].to_list() == pytest.approx([0.0, 3.75e6, 7.5e6, 15e6])
    assert t["extra_usd_per_diverted_t"].to_list()[1:] == pytest.approx([7.5, 7.5, 7.5])
    assert t["marginal_usd_per_t"].to_list()[1:3] == pytest.approx([7.5, 7.5])
    assert t["marginal_usd_per_t"].iloc[3] >= 7.5 - 1e-9  # at a cap of 0 any dual from 7.5 up is one (degenerate)


def test_dual_is_the_finite_difference():
    s = corridor.load_scenario(ROOT / "scenarios" / "diversify_2025.toml")
    case = s.case("no cap")
    demand = sum(case.flows.demand.values())
    d = 0.01 / demand  # 0.01 Mt/yr either side of the cap
    for share in (0.5, 0.1):
        curve = diversification(case, countries=["CN"], shares=[share - d, share, share + d]).table
        at = curve.set_index("max_share")["extra_usd_per_year"]
        lo, hi = at[share - d], at[share + d]
        fd = (lo - hi) / (2 * 0.01 * 1e6)  # USD/yr per Mt/yr of cap -> USD/t
        assert curve.set_index("max_share").loc[share, "marginal_usd_per_t"] == pytest.approx(fd, rel=1e-6)


def test_shipped_curve_is_non_decreasing_in_the_share_removed():
    s = corridor.load_scenario(ROOT / "scenarios" / "diversify_2025.toml")
    t = diversification(s.case("no cap"), countries=["CN"], steps=21).table  # no cap first, 0% last
    for col in ("extra_usd_per_year", "extra_usd_per_diverted_t", "marginal_usd_per_t", "diverted_mt_per_year"):
        assert (np.diff(t[col].to_numpy()) >= -1e-6 * max(1.0, t[col].abs().max())).all(), col
    res = corridor.run(s)
    totals = res.flow_totals["total_cost_usd_per_year"]
    assert totals.is_monotonic_increasing  # no cap, 50%, 30%, 10%
    cn = res.flow_exposure.xs("CN", level="country")["mt_per_year"].to_numpy()
    assert cn[1:] == pytest.approx([21.3, 12.78, 4.26])  # each cap binds: 50%, 30%, 10% of the 42.6 Mt/yr delivered
    assert 21.3 <= cn[0] <= 42.6  # uncapped, China takes what is cheapest through it


def test_market_groups_and_sales(toy_copy):
    """A group {m, t}: the 2 Mt/yr go to port T (26.5 USD/t: loading 1 + a-e 9 + gauge 4 + e-t 12.5) rather than to
    M (31). With prices (M 50, T 30) and sell = "thermal", netbacks are M 19 and T 3.5: all goes to M, and the
    allocation earns 2 x 19 = 38 MUSD/yr."""
    (toy_copy / "toy" / "prices.csv").write_text(
        "market,coal,year,usd_per_t,basis,source,note\nm,thermal,2025,50,,estimate,toy\nt,thermal,2025,30,,estimate,toy\n")
    head = 'network = "toy"\n[flows]\nsupply = { a = 5 }\ndemand = { any = 2 }\nmarkets = { any = ["m", "t"] }\n'
    path = toy_copy / "groups.toml"
    path.write_text(head)
    a = corridor.run(corridor.load_scenario(path)).allocations["baseline"]
    assert a.routes["destination"].to_list() == ["t"] and a.totals["total_cost_usd_per_year"] == pytest.approx(53e6)
    path.write_text(head + 'sell = "thermal"\nunserved_penalty_usd_per_t = 0\n')
    a = corridor.run(corridor.load_scenario(path)).allocations["baseline"]
    assert a.routes["destination"].to_list() == ["m"]
    assert a.totals["sales_usd_per_year"] == pytest.approx(100e6)
    assert a.totals["total_cost_usd_per_year"] == pytest.approx(-38e6)
    path.write_text(head + 'sell = "lignite"\n')
    assert_input_error(path, "flows.sell", "no price for coal 'lignite'")
    path.write_text(head + "unserved_penalty_usd_per_t = 0\n")
    assert_input_error(path, "0 only with sell")
    path.write_text(head.replace('["m", "t"]', '["m", "nowhere"]'))
    assert_input_error(path, "flows.markets.any", "unknown node 'nowhere'")
    path.write_text(head + 'limits = [{ countries = ["CN"] }]\n')
    assert_input_error(path, "flows.limits[1]", "give max_share")


def test_cli_diversify(capsys, tmp_path):
    png = tmp_path / "d.png"
    assert main(["diversify", str(ROOT / "scenarios" / "diversify_2025.toml"), "--through", "CN", "--shares", "0.5",
                 "0.3", "0.1", "--png", str(png)]) == 0
    out = capsys.readouterr().out
    assert "42.6 Mt/yr exported" in out and png.stat().st_size > 0
    assert max(len(line) for line in out.splitlines()) <= 110
    assert main(["diversify", str(ROOT / "scenarios" / "diversify_2025.toml"), "--through", "XX"]) == 2
