"""The shipped network and scenarios: they load, every case has routes, and the cases move the way they must."""

import json
from pathlib import Path

import pytest

import corridor
from corridor.cli import main

ROOT = Path(__file__).parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
REQUIRED_NODES = ["tavan_tolgoi", "ukhaa_khudag", "sharyn_gol", "darkhan", "ulaanbaatar", "sainshand", "zuunbayan",
                  "zamyn_uud", "erenhot", "sukhbaatar", "naushki", "ulan_ude", "khabarovsk", "ussuriysk", "khasan",
                  "tumangang", "rajin", "vostochny", "tianjin", "caofeidian", "gashuunsukhait", "ganqimaodu", "baotou",
                  "choibalsan", "pohang", "gwangyang", "dangjin", "kashima"]
ROUTE_KEYS = {"rank", "route", "corridor", "top", "best_for", "nodes", "links", "cost_usd_per_t",
              "time_value_usd_per_t", "carbon_usd_per_t", "generalized_usd_per_t", "cost_usd", "distance_km",
              "transit_days", "co2_kg_per_t", "components_usd_per_t", "by_country_usd_per_t", "exposure"}


@pytest.fixture(scope="module")
def shipment():
    s = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml")
    return s, corridor.run(s)


def test_baseline_has_the_required_nodes_and_gauges():
    net = corridor.load_network("baseline")
    assert set(REQUIRED_NODES) <= set(net.nodes.index)
    gauge = net.links.groupby("country")["mode"].agg(set)
    assert gauge["MN"] <= {"rail1520", "road"} and gauge["RU"] <= {"rail1520"} and gauge["CN"] <= {"rail1435", "road"}
    # Khasan–Tumangang–Rajin carries both gauges
    kp = net.links[net.links["country"] == "KP"]
    assert set(kp["mode"]) == {"rail1520", "rail1435"}
    assert "erenhot:rail1520>rail1435" in net.transfers.index


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_runs_every_case(path):
    res = corridor.run(corridor.load_scenario(path))
    assert res.failures == {}
    # every case has routes (a [shipment]) or an allocation ([flows]), or both
    assert set(res.routes.index.get_level_values("case")) | set(res.allocations) == set(res.cases)
    assert not ((res.components.sum(axis=1) - res.routes["cost_usd_per_t"]).abs() > 1e-9).any()


def test_test_shipment_cases_move_as_they_must(shipment):
    s, res = shipment
    best = res.best()
    nodes = res.routes["nodes"]
    assert any("rajin" in n for n in nodes.loc["baseline"])
    assert not any(set(n) & {"rajin", "tumangang"} for n in nodes.loc["Rajin closed"])
    assert best.loc["Rajin closed", "generalized_usd_per_t"] >= best.loc["baseline", "generalized_usd_per_t"]
    assert best.loc["Russian transit discount", "cost_usd_per_t"] <= best.loc["baseline", "cost_usd_per_t"]
    assert best.loc["from Tavan Tolgoi", "nodes"][0] == "tavan_tolgoi"
    # the Rajin route is cheaper with the Russian discount by exactly half its Russian rail charge
    legs = res.legs
    rajin = res.routes.loc["baseline"]
    rank = next(r for r, n in rajin["nodes"].items() if "rajin" in n)
    ru_rail = legs[(legs["case"] == "baseline") & (legs["rank"] == rank) & (legs["country"] == "RU")
                   & (legs["kind"] == "link")]
    ru_tariff = sum(s.network.links.at[i, "distance_km"] * s.network.links.at[i, "tariff_usd_per_tkm"]
                    for i in ru_rail["id"])
    discounted = res.routes.loc["Russian transit discount"]
    same = discounted[discounted["links"].map(tuple) == tuple(rajin.loc[rank, "links"])]
    assert len(same) == 1
    assert same["cost_usd_per_t"].iloc[0] == pytest.approx(rajin.loc[rank, "cost_usd_per_t"] - ru_tariff / 2)


def test_json_has_the_documented_fields(capsys):
    assert main(["run", str(ROOT / "scenarios" / "test_shipment_2015.toml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"].startswith("2015 test shipment")
    for case in data["cases"]:
        for r in case["routes"]:
            # vessel_class only on routes with a sea leg (all of this scenario's routes end at a Korean port)
            assert set(r) == ROUTE_KEYS | {"price_usd_per_t", "netback_usd_per_t", "vessel_class"}
            assert set(r["components_usd_per_t"]) == {"rail", "road", "sea", "transfer", "border"}
            assert sum(r["components_usd_per_t"].values()) == pytest.approx(r["cost_usd_per_t"], abs=1e-5)
            assert sum(r["by_country_usd_per_t"].values()) == pytest.approx(r["cost_usd_per_t"], abs=1e-5)
            assert len(r["nodes"]) == len(set(r["nodes"]))
            assert r["cost_usd"] == pytest.approx(r["cost_usd_per_t"] * 25000, rel=1e-6)


def test_notebook_style_changes(shipment):
    s, res = shipment
    net = s.network.change("vessels", {}, scale={"hire_usd_per_day": 3.0})
    res2 = corridor.run(s.with_network(net))
    assert (res2.best()["cost_usd_per_t"] > res.best()["cost_usd_per_t"]).all()  # every best route has a sea leg
    with pytest.raises(corridor.InputError, match="nothing would change"):
        s.network.change("links", {"mode": "sea"}, scale={"tariff_usd_per_tkm": 3.0})
    with pytest.raises(corridor.InputError, match="speed_km_per_day must be greater than 0"):
        s.network.change("links", {"mode": "rail1520"}, set={"speed_km_per_day": 0})
    with pytest.raises(corridor.InputError, match="lat must be from -90 to 90"):
        s.network.change("nodes", {"id": "rajin"}, set={"lat": 500})
    s2 = s.with_case("sea doubled", change=[{"table": "vessels", "where": {},
                                             "scale": {"hire_usd_per_day": 2.0}}])
    assert s2.cases[-1].name == "sea doubled" and len(s2.cases) == len(s.cases) + 1
    with pytest.raises(corridor.InputError, match="selects no row"):
        s.with_case("typo", change=[{"table": "links", "where": {"mode": "sae"}, "scale": {"tariff_usd_per_tkm": 2}}])
    cmp = res.compare()
    assert cmp.loc["baseline", "cost_usd_per_t_vs_baseline"] == 0


def test_results_are_deterministic(shipment):
    s, res = shipment
    again = corridor.run(corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml"))
    assert again.to_json() == res.to_json()
