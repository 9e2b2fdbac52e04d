"""Sweeps against values worked out by hand on the toy (tests/data/toy_uncertainty.toml: route A via P costs
31 + 10 (s - 1) + 5 (q - 1) USD/t with the RU tariff scaled by s and the sea tariffs by q; route B via E costs
38.5 + 4 (q - 1)), and against `corridor breakeven` on the shipped data."""

import json

import numpy as np
import pytest

import corridor
from corridor.cli import main
from corridor.uncertainty import breakeven
from corridor.uncertainty.sweeps import parse_selection, sweep, sweep_map

from .conftest import DATA, ROOT

A, B = "Mine A › Station R › Port P › Market M", "Mine A › Border E › Port T › Market M"


@pytest.fixture(scope="module")
def toy_u():
    return corridor.load_scenario(DATA / "toy_uncertainty.toml")


def test_sweep_by_hand(toy_u):
    """A costs 31 + 10 (s - 1): 26 at s = 0.5 ... 46 at 2.5; B 38.5 throughout; they cross at s = 1.75."""
    sw = sweep(toy_u, "RU tariff", 0.5, 2.5, 5, case="baseline")
    t = sw.table.set_index(["value", "gateway"])
    for s in (0.5, 1.0, 1.5, 2.0, 2.5):
        assert t.loc[(s, "Port P"), "cost_usd_per_t"] == pytest.approx(31 + 10 * (s - 1))
        assert t.loc[(s, "Border B – Station R"), "route"] == A
        assert t.loc[(s, "Port T"), "cost_usd_per_t"] == pytest.approx(38.5)
        assert t.loc[(s, "cheapest"), "route"] == (A if s < 1.75 else B)
        assert t.loc[(s, "Port P"), "cheapest"] == (s < 1.75)
    assert len(sw.breakevens) == 1
    b = sw.breakevens.iloc[0]
    assert (b["value"], b["low"], b["high"]) == (pytest.approx(1.75, rel=1e-14), 1.5, 2.0)
    assert (b["below"], b["above"], b["usd_per_t"]) == (A, B, pytest.approx(38.5))
    assert b["below_corridor"] == "Border B – Station R › Port P" and b["corridor_changes"]
    # `corridor breakeven` finds the same value for the same two routes
    be = breakeven(toy_u, "RU tariff", (1, 2), case="baseline")[0]
    assert be.value == pytest.approx(b["value"], rel=1e-12)
    # the RU-closed case has no route the tariff touches: left out with the reason
    assert any("RU closed" in why for why in sweep(toy_u, "RU tariff", 0.5, 2.5, 3).skipped)


def test_fixed_path_follows_one_route(toy_u):
    sw = sweep(toy_u, "RU tariff", 0.5, 2.5, 3, case="baseline", path=["a", "b", "r", "p", "m"])
    path = sw.table[sw.table["gateway"] == "fixed path"]
    assert list(path["route"]) == [A] * 3
    assert path["cost_usd_per_t"].to_list() == pytest.approx([26.0, 36.0, 46.0])


def test_selection_equals_the_named_entry(toy_u):
    named = sweep(toy_u, "RU tariff", 0.5, 2.5, 9, case="baseline")
    text = "links[country=RU,mode=rail1520].tariff_usd_per_tkm"
    selection = parse_selection(text)
    assert selection == {"table": "links", "where": {"country": "RU", "mode": "rail1520"},
                         "column": "tariff_usd_per_tkm", "as": "scale"}
    by_selection = sweep(toy_u, selection, 0.5, 2.5, 9, case="baseline")
    assert np.allclose(named.table["generalized_usd_per_t"], by_selection.table["generalized_usd_per_t"])
    assert by_selection.breakevens["value"].iloc[0] == named.breakevens["value"].iloc[0]
    assert parse_selection("links[id=a_b|b_r].distance_km") == {"table": "links", "where": {"id": ["a_b", "b_r"]},
                                                               "column": "distance_km", "as": "scale"}
    with pytest.raises(corridor.InputError, match="no uncertainty entry or group named 'RZD'"):
        sweep(toy_u, "RZD", 0.5, 2.5, 3)
    with pytest.raises(corridor.InputError, match="at least 2"):
        sweep(toy_u, "RU tariff", 0.5, 2.5, 1)


def test_several_changes_between_two_steps_are_all_found():
    """Two steps only over a range where the cheapest route changes: the same break-evens as 25 steps."""
    s = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015_uncertainty.toml")
    fine = sweep(s, "RZD transit rate", 0.3, 1.5, 25, case="baseline")
    coarse = sweep(s, "RZD transit rate", 0.3, 1.5, 2, case="baseline")
    assert len(fine.breakevens) >= 1
    assert coarse.breakevens["value"].to_list() == pytest.approx(fine.breakevens["value"].to_list(), rel=1e-12)
    # and `corridor breakeven` of the two routes gives the same value
    b = fine.breakevens.iloc[0]
    be = breakeven(s, "RZD transit rate", ("vostochny", "qinhuangdao"), case="baseline", within=(0.3, 1.5))[0]
    assert be.routes == (b["below"], b["above"]) and be.value == pytest.approx(b["value"], rel=1e-12)


def test_carbon_price_sweep(toy_u):
    data = dict(toy_u.data)
    data["uncertainty"] = [{"name": "carbon", "table": "settings", "column": "carbon_price_usd_per_t_co2",
                            "distribution": "uniform", "low": 0, "high": 2000, "as": "value"}]
    s = corridor.Scenario.from_dict(data, source=toy_u.source, base_dir=toy_u.base_dir)
    s = s.with_settings(value_of_time_usd_per_t_day=10.0)
    sw = sweep(s, "carbon", 0, 2000, 3, case="baseline")
    assert sw.breakevens["value"].to_list() == pytest.approx([5 / 0.0046], rel=1e-12)


def test_map_of_the_cheapest_corridor(toy_u):
    """A is cheapest where 31 + 10 (s - 1) + 5 (q - 1) < 38.5 + 4 (q - 1), i.e. 10 s + q < 18.5."""
    m = sweep_map(toy_u, ("RU tariff", 0.5, 2.5, 9), ("sea market", 0.8, 1.6, 5), case="baseline")
    assert len(m.table) == 45
    for r in m.table.itertuples():
        if abs(10 * r.value_x + r.value_y - 18.5) < 1e-9:  # a tie (s = 1.75, q = 1): either
            continue
        a_wins = 10 * r.value_x + r.value_y < 18.5
        assert r.corridor == ("Border B – Station R › Port P" if a_wins else "Mine A – Border E › Port T")
    with pytest.raises(corridor.InputError, match="move the same entry"):
        sweep_map(toy_u, ("RU tariff", 0.5, 2.5, 3), ("RU tariff", 0.5, 2.5, 3))


def test_cli_sweep(capsys, tmp_path):
    png, csv = tmp_path / "s.png", tmp_path / "s.csv"
    code = main(["sweep", str(DATA / "toy_uncertainty.toml"), "--param", "RU tariff", "--from", "0.5", "--to", "2.5",
                 "--steps", "5", "--case", "baseline", "--png", str(png), "--csv", str(csv)])
    out = capsys.readouterr().out
    assert code == 0 and "Break-even at 1.75 (38.50 USD/t)" in out and png.stat().st_size > 0
    assert "value,gateway" not in out and csv.read_text().startswith("case,value,gateway")
    assert max(len(line) for line in out.splitlines()) <= 80
    assert main(["sweep", str(DATA / "toy_uncertainty.toml"), "--param", "RU tariff", "--from", "0.5", "--to", "2.5",
                 "--steps", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["breakevens"][0]["value"] == pytest.approx(1.75)
    code = main(["sweep", str(DATA / "toy_uncertainty.toml"), "--param", "RU tariff", "--from", "0.5", "--to", "2.5",
                 "--param2", "sea market", "--from2", "0.8", "--to2", "1.6", "--steps2", "5", "--case", "baseline"])
    out = capsys.readouterr().out
    assert code == 0 and "A = Border B – Station R › Port P" in out
    assert main(["sweep", str(DATA / "toy_uncertainty.toml"), "--param", "nothing", "--from", "0", "--to", "1"]) == 2
    assert "no uncertainty entry or group named 'nothing'" in capsys.readouterr().err


def test_sweep_charts(toy_u):
    from .conftest import assert_texts_inside

    sw = sweep(toy_u, "RU tariff", 0.5, 2.5, 5, case="baseline", path=["a", "e", "t", "m"])
    fig = sw.plot()
    ax = fig.axes[0]
    gids = {line.get_gid() for line in ax.get_lines()}
    assert {"cheapest", "gateway:Port P", "gateway:Port T", "gateway:fixed path", "breakeven"} <= gids
    band = next(line for line in ax.get_lines() if line.get_gid() == "cheapest")
    assert 1.75 in list(band.get_xdata())  # the band turns at the break-even, not between steps
    assert_texts_inside(fig)
    m = sweep_map(toy_u, ("RU tariff", 0.5, 2.5, 9), ("sea market", 0.8, 1.6, 5), case="baseline")
    fig = m.plot()
    assert [c.get_gid() for c in fig.axes[0].collections] == ["cheapest_corridor"]
    assert_texts_inside(fig)
