"""Observations (observations.csv), the validation report and its chart, computed by hand on the toy network."""

import json
import math
import shutil

import numpy as np
import pytest

import corridor
from corridor.cli import main
from corridor.validation.observations import FLOW_FLOOR, MIN_BAND, Observation, residual

from .conftest import DATA, assert_input_error, assert_texts_inside

HEADER = "id,kind,origin,destination,via,element,value,low,high,year,cargo,source,note\n"
ROWS = """c1,cost_usd_per_t,a,m,,,30,28,34,2015,coal,toy,cheapest route a to m
c2,cost_usd_per_t,a,m,e,,40,35,45,2015,coal,toy,through e
t1,transit_days,a,m,,,5,4,6,2015,coal,toy,days
b1,border_hours,,,,b,20,18,30,2015,coal,toy,pass time at b
x1,border_hours,,,,b/r,20,18,30,2015,coal,toy,the crossing b-r
l1,cost_usd_per_t,,,,b_r,8,7,9,2015,coal,toy,the link
f1,flow_mt_per_year,,,,b,6,5,7,2015,coal,toy,flow through b
f2,flow_mt_per_year,a,,e,,1,0.5,2,2015,coal,toy,flow from a through e
f3,flow_mt_per_year,,,,b,9,8,10,2016,coal,toy,another year
"""


@pytest.fixture
def obs_net(tmp_path):
    shutil.copytree(DATA / "toy", tmp_path / "toy")
    (tmp_path / "toy" / "observations.csv").write_text(HEADER + ROWS)
    (tmp_path / "flows.toml").write_text('name = "toy flows"\nnetwork = "toy"\n[flows]\nsupply = { a = 10 }\n'
                                         'demand = { m = 10 }\nyear = 2015\n')
    return tmp_path


def test_observations_load_with_the_network(obs_net):
    net = corridor.load_network(obs_net / "toy")
    assert list(net.observations.index) == ["c1", "c2", "t1", "b1", "x1", "l1", "f1", "f2", "f3"]
    obs = {o.id: o for o in corridor.validation.read_observations(net)}
    assert obs["x1"].element == ("crossing", "b/r")
    assert obs["c2"].via == (("node", "e"),)
    assert obs["l1"].element == ("link", "b_r")
    assert obs["c2"].where == "a → m via e"
    # a network folder without observations.csv has none
    assert len(corridor.load_network(DATA / "toy").observations) == 0


def test_check_by_hand(obs_net):
    rep = corridor.validation.check(obs_net / "toy")
    t = rep.table.set_index("id")
    # north route 31 USD/t, south (through e) 38.5; north days 0.2 + 1 + 1 + 0.25 + 2 + 2 + 0.5 = 6.95
    expected = {"c1": 31.0, "c2": 38.5, "t1": 6.95, "b1": 24.0, "x1": 48.0, "l1": 8.0}
    for oid, value in expected.items():
        assert t.at[oid, "modelled"] == pytest.approx(value), oid
    assert t.at["c1", "log_error"] == pytest.approx(math.log(31 / 30))
    assert t.at["c1", "ratio"] == pytest.approx(31 / 30)
    assert list(t.loc[list(expected), "inside"]) == [True, True, False, True, False, True]
    # the log error over the band's half-width: x1 at 48 against 20 (18-30): ln 2.4 / (ln(30 / 18) / 2)
    assert t.at["x1", "residual"] == pytest.approx(math.log(2.4) / (math.log(30 / 18) / 2))
    assert t.at["c2", "residual"] == pytest.approx(math.log(38.5 / 40) / (math.log(45 / 35) / 2))
    # flows need a scenario with [flows]
    assert not t.loc[["f1", "f2", "f3"], "compared"].any()
    assert "no [flows]" in t.at["f1", "why"]
    s = rep.summary.set_index("kind")
    assert s.at["cost_usd_per_t", "compared"] == 3
    assert s.at["cost_usd_per_t", "share_inside"] == 1.0
    assert s.at["border_hours", "median_abs_log_error"] == pytest.approx(np.median([math.log(24 / 20),
                                                                                     math.log(48 / 20)]))
    errors = [math.log(31 / 30), math.log(38.5 / 40), math.log(6.95 / 5), math.log(24 / 20), math.log(48 / 20), 0.0]
    assert s.at["all", "median_abs_log_error"] == pytest.approx(np.median(np.abs(errors)))
    assert s.at["all", "share_inside"] == pytest.approx(4 / 6)
    assert "4/6 observations inside their band" in rep.line()


def test_flows_of_the_scenario_year_are_compared(obs_net):
    rep = corridor.validation.check(obs_net / "flows.toml")
    t = rep.table.set_index("id")
    assert t.at["f1", "modelled"] == pytest.approx(10.0)  # everything goes north, through b
    assert t.at["f2", "modelled"] == pytest.approx(0.0)
    assert t.at["f2", "log_error"] == pytest.approx(math.log(FLOW_FLOOR / (1 + FLOW_FLOOR)))
    assert not t.at["f3", "compared"]
    assert "[flows] are of 2015" in t.at["f3", "why"]


def test_residual_is_one_at_the_edge_of_a_symmetric_band():
    o = Observation(id="x", kind="cost_usd_per_t", value=10.0, low=8.0, high=12.5, year="2015")
    assert float(residual(o, 12.5)) == pytest.approx(1.0)
    assert float(residual(o, 8.0)) == pytest.approx(-1.0)
    # a figure at the end of its band weighs by the whole band's half-width on both sides
    edge = Observation(id="z", kind="cost_usd_per_t", value=15.7, low=9.1, high=15.7, year="2019")
    assert float(residual(edge, 15.7 * 15.7 / 9.1)) == pytest.approx(2.0)
    exact = Observation(id="y", kind="cost_usd_per_t", value=10.0, low=10.0, high=10.0, year="2015")
    assert float(residual(exact, 10.0 * math.exp(MIN_BAND))) == pytest.approx(1.0)


def test_shared_sources_flag_circular_checks(obs_net):
    path = obs_net / "toy"
    (path / "sources.csv").write_text((path / "sources.csv").read_text() + "other,Other,x,2015,,an observation\n")
    text = (path / "observations.csv").read_text().replace("l1,cost_usd_per_t,,,,b_r,8,7,9,2015,coal,toy,",
                                                           "l1,cost_usd_per_t,,,,b_r,8,7,9,2015,coal,other,")
    (path / "observations.csv").write_text(text.replace("toy,pass time", "other;toy,pass time"))
    nodes = (path / "nodes.csv").read_text()
    (path / "nodes.csv").write_text(nodes.replace("2.0,24,,estimate,toy", "2.0,24,,toy,toy"))
    t = corridor.validation.check(path).table.set_index("id")
    assert t.at["l1", "shared_sources"] == ""  # cites a source the link does not
    assert t.at["b1", "shared_sources"] == "toy"  # the node b row cites toy too


@pytest.mark.parametrize(("row", "needles"), [
    ("z,cost_usd_per_t,,,,nowhere,1,1,1,2015,,toy,n", ["line 11 (id=z)", "element 'nowhere' is not a node"]),
    ("z,cost_usd_per_t,a,m,,,5,6,7,2015,,toy,n", ["the band must hold the value"]),
    ("z,border_hours,a,m,,,5,4,7,2015,,toy,n", ["border_hours is observed at an element"]),
    ("z,cost_usd_per_t,a,,,,5,4,7,2015,,toy,n", ["needs a destination"]),
    ("z,cost_usd_per_t,,,b,b_r,5,4,7,2015,,toy,n", ["via goes with an origin"]),
    ("z,cost_usd_per_t,a,m,,b_r,5,4,7,2015,,toy,n", ["give an element or an origin"]),
    ("z,border_hours,,,,b_r,5,4,7,2015,,toy,n", ["cannot be of a link"]),
    ("z,flow_mt_per_year,,,,b,5,4,7,2015,,toy,", ["note is blank"]),
    ("z,flow_mt_per_year,,,,a/m,5,4,7,15,,toy,n", ["'a/m' is not a node", "year must be a year"]),
    ("z,speed,,,,b,5,4,7,2015,,toy,n", ["kind 'speed' is not one of cost_usd_per_t"]),
    ("z,flow_mt_per_year,,,,b,5,4,7,2015,,nosuch,n", ["source 'nosuch' is not an id"]),
])
def test_bad_observations(obs_net, row, needles):
    path = obs_net / "toy" / "observations.csv"
    path.write_text(path.read_text() + row + "\n")
    assert_input_error(obs_net / "toy", "observations.csv", *needles)


def test_chart_shows_every_compared_observation(obs_net):
    from corridor.plot.validation import validation_chart

    rep = corridor.validation.check(obs_net / "flows.toml")
    fig = validation_chart(rep)
    ax = fig.axes[0]
    by_gid = {c.get_gid(): len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("kind:")}
    assert by_gid == {"kind:cost_usd_per_t": 3, "kind:transit_days": 1, "kind:border_hours": 2,
                      "kind:flow_mt_per_year": 2}
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    outside = {t.get_text() for t in ax.texts}
    assert outside == {"t1", "x1", "f1", "f2"}
    assert_texts_inside(fig)


def test_cli_check(obs_net, capsys, tmp_path):
    out, png = tmp_path / "check.csv", tmp_path / "check.png"
    assert main(["check", str(obs_net / "flows.toml"), "--out", str(out), "--png", str(png)]) == 0
    text = capsys.readouterr().out
    assert "Validation: toy flows" in text and "skip: [flows] are of 2015" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert out.read_text().startswith("id,kind,where,year,observed")
    assert png.stat().st_size > 10_000
    assert main(["check", str(obs_net / "toy"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {s["kind"] for s in data["summary"]} >= {"cost_usd_per_t", "all"}
    assert main(["check", str(obs_net / "toy"), "--png", str(tmp_path / "x.txt")]) == 2
    assert "must end in .png" in capsys.readouterr().err


def test_with_transit_regimes_an_element_is_read_at_its_own_tariff(tmp_path):
    """toy_regimes: Mongolian coal may transit RU at half the tariff (ru_transit); a link's observed cost is its own
    tariff (import layer), 400 km x 0.02 = 8, not the transit price 4."""
    shutil.copytree(DATA / "toy_regimes", tmp_path / "net")
    (tmp_path / "net" / "observations.csv").write_text(HEADER + "l1,cost_usd_per_t,,,,b_r,8,7,9,2015,coal,toy,link\n"
                                                       "b1,border_hours,,,,b,24,20,30,2015,coal,toy,pass\n")
    t = corridor.validation.check(tmp_path / "net").table.set_index("id")
    assert t.at["l1", "modelled"] == pytest.approx(8.0)
    assert t.at["b1", "modelled"] == pytest.approx(24.0)


def test_the_html_report_shows_the_validation_summary(obs_net):
    from corridor import html_report

    text = html_report.html_report(corridor.run(corridor.load_scenario(obs_net / "flows.toml")), charts=False)
    assert "Validation against observations" in text
    summary = corridor.validation.report.results_summary(corridor.run(corridor.load_scenario(obs_net / "flows.toml")))
    rows = summary.set_index("kind")
    # by hand (test_check_by_hand, test_flows_of_the_scenario_year_are_compared): costs 3 of 3 inside; flows f1
    # (10 against 5-7) and f2 (0 against 0.5-2) outside, f3 of 2016 not compared
    assert rows.at["cost_usd_per_t", "inside band"] == "3 (100%)"
    assert rows.at["flow_mt_per_year", "compared"] == "2/3" and rows.at["flow_mt_per_year", "inside band"] == "0 (0%)"
    assert rows.at["cost_usd_per_t", "median |log error|"] in text
