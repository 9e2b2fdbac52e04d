"""Provenance in results: the share of each route's money resting on estimated cells, by hand on the toy network with
regimes; sea legs term by term; estimated capacities in flows; ``corridor network --provenance``."""

from dataclasses import replace

import numpy as np
import pytest

import corridor
from corridor import sea
from corridor.cli import main
from corridor.flows import allocate
from corridor.graph import build_graph

from .conftest import DATA


@pytest.fixture(scope="module")
def res():
    return corridor.run(corridor.load_scenario(DATA / "toy_regimes.toml"))


def test_estimated_share_by_hand(res):
    r = res.routes
    # route 1 via RU (27 USD/t): p_m's tariff is an estimate (1000 km x 0.005 = 5) and r_p's tariff is RUB of 2010
    # indexed to 2015 (100 km x 0.02 x 0.5 = 1): 6 / 27
    assert r.loc[("baseline", 1), "estimated_share"] == pytest.approx(6 / 27)
    assert r.loc[("baseline", 2), "estimated_share"] == 0.0  # via CN: every cell published
    # the added regime cites only 'estimate' and names no cell: its tariff is an estimate (e_h 3 + h_q 0.5 of 18)
    assert r.loc[("to P, B-R closed, CN lets MN cargo transit to H", 1), "estimated_share"] == pytest.approx(3.5 / 18)
    # a coefficient the scenario sets is its assumption: b_r 6.4 + r_p 1.6 + p_m 5 = 13 of 30
    assert r.loc[("RU coefficient 0.8", 1), "estimated_share"] == pytest.approx(13 / 30)
    legs = res.legs[(res.legs["case"] == "baseline") & (res.legs["rank"] == 1)].set_index("id")
    assert legs.loc["p_m", "estimated_usd_per_t"] == pytest.approx(5.0)
    assert legs.loc["a_b", "estimated_usd_per_t"] == 0.0


def test_estimated_share_in_json_csv_text_and_bars(res, tmp_path):
    route = res.to_dict()["cases"][0]["routes"][0]
    assert route["estimated_share"] == pytest.approx(6 / 27, abs=1e-6)
    res.write_csv(tmp_path)
    assert "estimated_share" in (tmp_path / "routes.csv").read_text().splitlines()[0]
    from corridor.report import case_table

    text = case_table(res, "baseline")
    assert "  money resting on estimates: 1: 22%, 2: 0%" in text.splitlines()
    fig = res.plot.cost_bars("baseline")
    lines = next(c for c in fig.axes[0].collections if c.get_label() == "estimated")
    widths = sorted(seg[1][0] - seg[0][0] for seg in lines.get_segments())
    assert widths == pytest.approx([0.0, 6.0])
    assert any("22% est." in t.get_text() for t in fig.axes[0].texts)


def _sea_with(net, vessels_estimated: str):
    """The network with every vessel class's estimated cells set, and sea links' distances published."""
    v = net.vessels.assign(estimated=vessels_estimated, source="toy")
    lk = net.links.copy()
    sea_links = lk["mode"] == "sea"
    lk.loc[sea_links, "estimated"] = "co2_g_per_tkm"
    return replace(net, vessels=v, links=lk)


@pytest.mark.parametrize("lot", [None, 25_000.0])
def test_sea_legs_rest_on_estimates_term_by_term(lot):
    net = corridor.load_network("baseline")
    priced = sea.price_sea_links(_sea_with(net, "port_usd_per_voyage"), lot)
    v = net.vessels
    for lid, row in priced.iterrows():
        cls = v.loc[row["vessel_class"]]
        per_t = 1 / cls["cargo_t"] if lot is None else np.ceil(lot / cls["cargo_t"]) / lot
        # only the port dues rest on an estimate
        assert row["estimated_usd_per_t"] == pytest.approx(cls["port_usd_per_voyage"] * per_t, rel=1e-12), lid
    everything = sea.price_sea_links(_sea_with(net, "cargo_t"), lot)  # every term is over cargo_t
    np.testing.assert_allclose(everything["estimated_usd_per_t"], everything["usd_per_t"], rtol=1e-9)
    nothing = sea.price_sea_links(_sea_with(net, "co2_g_per_tkm"), lot)
    assert (nothing["estimated_usd_per_t"] == 0).all()


def test_cost_terms_add_up_to_the_voyage_cost():
    v = corridor.load_network("baseline").vessels
    args = {c: v[c].to_numpy(float) for c in (*sea.COST_COLUMNS, "cargo_t")}
    for lot in (None, 25_000.0):
        terms = sea.cost_terms(2000.0, **args, lot_t=lot)
        np.testing.assert_allclose(sum(terms.values()), sea.cost_per_t(2000.0, **args, lot_t=lot), rtol=1e-9)


def test_flows_say_which_binding_capacities_are_estimates(capsys):
    net = corridor.load_network(DATA / "toy_regimes")
    alloc = allocate(build_graph(net, origins=["a"]), {"a": 10.0}, {"m": 10.0})
    el = alloc.elements.set_index("id")
    assert bool(el.loc["p", "binding"]) and bool(el.loc["p", "capacity_estimated"])
    shares = alloc.routes.set_index("mt_per_year")["estimated_share"]
    assert shares[4.0] == pytest.approx(6 / 27) and shares[6.0] == 0.0


def test_network_provenance_command(capsys):
    assert main(["network", str(DATA / "toy_regimes"), "--provenance"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[5].split() == ["table", "kind", "cells", "published", "derived", "estimated"]
    links = next(i for i, line in enumerate(lines) if line.startswith("links "))
    # 11 distances, 11 speeds published; 13 money cells of which 2 estimated (p_m's tariff, r_p's indexed tariff)
    assert lines[links].split() == ["links", "money", "13", "85%", "0%", "15%"]
    assert "Audit: nothing to report." in out
    assert max(len(line) for line in lines) <= 80
