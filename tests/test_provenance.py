"""Provenance on every cell (estimated / derived / published), the data audit, and the checks of regimes.csv."""


import pytest

import corridor
from corridor import provenance

from .conftest import assert_input_error, edit_csv


def test_status_by_the_rule(regimes_net, toy_net):
    links = provenance.status(regimes_net, "links")
    assert links.at["p_m", "tariff_usd_per_tkm"] == "estimated"  # named in `estimated`
    assert links.at["p_m", "distance_km"] == "published"  # the rest rests on the cited source
    assert links.at["r_p", "tariff_usd_per_tkm"] == "estimated"  # RUB of 2010 indexed to 2015
    assert links.at["r_p", "distance_km"] == "published"
    assert provenance.status(regimes_net, "transfers").at["t:rail1435>sea", "cost_usd_per_t"] == "published"
    assert provenance.status(regimes_net, "nodes").at["p", "capacity_mt_per_year"] == "estimated"
    # the toy rows cite only 'estimate' and name no cell: every numeric cell counts as estimated
    assert (provenance.status(toy_net, "links") == "estimated").all().all()


def test_local_names_and_star_stand_for_model_columns(regimes_copy):
    edit_csv(regimes_copy / "links.csv", "toy,toy,,\ne_t", "toy,toy,tariff_per_tkm,speed_km_per_day\ne_t")
    edit_csv(regimes_copy / "links.csv", "e_t,e,t,rail1435,CN,500,0.025,,500,,,,,,toy,toy,,",
             "e_t,e,t,rail1435,CN,500,0.025,,500,,,,,,toy,toy,*,")
    net = corridor.load_network(regimes_copy)
    assert net.links.at["a_e", "estimated"] == "tariff_usd_per_tkm"
    assert net.links.at["a_e", "derived"] == "speed_km_per_day"
    st = provenance.status(net, "links")
    assert st.at["a_e", "speed_km_per_day"] == "derived"
    assert set(st.loc["e_t"]) == {"estimated"}


def test_tally_by_hand(regimes_net):
    t = provenance.tally(regimes_net)
    # links: 11 distances, 11 speeds, 11 tariffs, 2 fixed charges given; estimated: p_m's tariff, r_p's tariff
    # (indexed from 2010): 2 of 35 cells
    assert t.loc[("links", "all"), "cells"] == 35
    assert t.loc[("links", "all"), "estimated"] == 2
    assert t.loc[("links", "money"), "cells"] == 13
    assert t.loc[("links", "distance"), "estimated"] == 0
    assert t.loc[("nodes", "capacity"), "estimated_share"] == 1.0
    assert t.loc[("all", "all"), "cells"] == t.loc[[(x, "all") for x in t.index.get_level_values(0).unique()
                                                    if x != "all"], "cells"].sum()


def test_a_scenario_change_makes_its_cells_estimates(regimes_net):
    net = regimes_net.change("links", {"id": "a_b"}, scale={"tariff_usd_per_tkm": 0.5})
    assert provenance.status(net, "links").at["a_b", "tariff_usd_per_tkm"] == "estimated"
    assert provenance.status(net, "links").at["a_b", "distance_km"] == "published"


def test_a_scaled_money_cell_scales_its_published_figure_too(regimes_net):
    net = regimes_net.change("links", {"id": "r_p"}, scale={"tariff_usd_per_tkm": 0.5})
    assert net.links.at["r_p", "tariff_per_tkm"] == pytest.approx(0.4)
    assert net.links.at["r_p", "currency"] == "RUB"
    net = regimes_net.change("links", {"id": "r_p"}, set={"tariff_usd_per_tkm": 0.05})
    assert (net.links.at["r_p", "tariff_per_tkm"], net.links.at["r_p", "currency"]) == (0.05, "USD")


# ----- the data audit -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "needles"), [
    (',toy,"toy, tariff estimated",tariff_usd_per_tkm,', ",toy,,tariff_usd_per_tkm,",
     ["line 5 (id=p_m)", "a row with estimated cells needs a note"]),
    ("a_b,a,b,rail1520,MN,100,0.03,,500,,,,,,toy,toy,,",
     "a_b,a,b,rail1520,MN,100,0.03,,500,,,,,,toy,,,speed_km_per_day",
     ["line 2 (id=a_b)", "a row with derived cells needs a note"]),
    ("a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,", "a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy;nowhere_2015,",
     ["line 6 (id=a_e)", "source 'nowhere_2015' is not an id in sources.csv"]),
    ("a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,,", "a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,estimate,,,",
     ["line 6 (id=a_e)", "source 'estimate' needs a note"]),
    ("a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,,", "a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,tarif,",
     ["line 6 (id=a_e)", "estimated names 'tarif', which is not a numeric column of links.csv"]),
    ("a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,,", "a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,mode,",
     ["estimated names 'mode'"]),
    ("a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,,",
     "a_e,a,e,rail1520,MN,300,0.03,,500,,,,,,toy,toy,distance_km,distance_km",
     ["line 6 (id=a_e)", "distance_km is both estimated and derived"]),
])
def test_audit_refuses_at_load(regimes_copy, old, new, needles):
    edit_csv(regimes_copy / "links.csv", old, new)
    assert_input_error(regimes_copy, *needles)


def test_audit_money_without_a_year(toy_net, regimes_net):
    assert provenance.audit(regimes_net) == []
    problems = provenance.audit(toy_net)  # the toy folder has no network.csv
    assert len(problems) == 1 and "money cells in USD of an undeclared year" in problems[0]


@pytest.mark.parametrize("name", corridor.shipped_networks())
def test_shipped_networks_pass_the_audit(name):
    net = corridor.load_network(name)
    assert net.year is not None and net.year in name.replace("baseline", "2015")
    assert provenance.audit(net) == []


# ----- regimes.csv ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "needles"), [
    ("ru_transit,RU,MN,p,", "import,RU,MN,p,", ["(id=import)", "the name of a layer"]),
    ("ru_transit,RU,MN,p,", "ru_transit,RU,MN,t,", ["(id=ru_transit)", "exit 't' is in CN, not in RU"]),
    ("ru_transit,RU,MN,p,", "ru_transit,RU,MN,p;nowhere,", ["exit 'nowhere' is not in nodes.csv"]),
    ("ru_transit,RU,MN,p,", "ru_transit,RU,MN;XX,p,", ["origin_country 'XX' is not one of"]),
    ("ru_transit,RU,MN,p,", "ru_transit,RU,RU,p,", ["origin_country lists RU, the country crossed"]),
    ("ru_transit,RU,MN,p,", "ru_transit,RU,MN,,", ["exits is blank"]),
    ("rail1520;rail1435,coefficient", "rail1520;sea,coefficient", ["modes lists 'sea'"]),
    ("coefficient,0.5,", "coefficient,,", ["basis coefficient needs coefficient"]),
    ("coefficient,0.5,,,,", "coefficient,0.5,0.01,,,", ["basis coefficient takes no tariff_usd_per_tkm"]),
    ("coefficient,0.5,", "tariff,0.5,", ["basis tariff needs tariff_usd_per_tkm (or tariff_per_tkm)"]),
    ("coefficient,0.5,", "toll,0.5,", ["basis 'toll' is not one of tariff, coefficient, flat"]),
    ("flat,,,,,60,CNY", "flat,,,,,60,", ["(id=cn_transit)", "flat_per_t needs a currency"]),
])
def test_bad_regimes(regimes_copy, old, new, needles):
    edit_csv(regimes_copy / "regimes.csv", old, new)
    assert_input_error(regimes_copy, "regimes.csv line", *needles)
