"""The shipped networks and scenarios are whole and consistent: every scenario runs every case, the JSON of a run has
its documented fields, every source is cited, the stored sea distances are what the command computes.

Figures of the shipped data (which nodes, which routes, how many Mt/yr) are pinned in test_data_pins.py.
"""

import json

import pytest

import corridor
from corridor.cli import main

from .conftest import ROOT, copy_shipped_network

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
ROUTE_KEYS = {"rank", "route", "corridor", "top", "best_for", "nodes", "links", "cost_usd_per_t",
              "time_value_usd_per_t", "carbon_usd_per_t", "generalized_usd_per_t", "cost_usd", "distance_km",
              "transit_days", "co2_kg_per_t", "components_usd_per_t", "by_country_usd_per_t", "exposure",
              "estimated_share", "regimes"}


@pytest.fixture(scope="module")
def shipment(shipped):
    res = shipped("test_shipment_2015")
    return res.scenario, res


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_runs_every_case(path, shipped):
    res = shipped(path.stem)
    assert res.failures == {}
    # every case has routes (a [shipment]) or an allocation ([flows]), or both
    assert set(res.routes.index.get_level_values("case")) | set(res.allocations) == set(res.cases)
    assert not ((res.components.sum(axis=1) - res.routes["cost_usd_per_t"]).abs() > 1e-9).any()


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
    _s, res = shipment
    again = corridor.run(corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml"))
    assert again.to_json() == res.to_json()


# ----- the shipped sea distances and sources ---------------------------------------------------------

def test_stored_sea_distances_are_the_computed_ones(computed_sea_distances):
    """The shipped data is in step with the command (regenerate with `corridor sea-distances baseline`)."""
    computed = computed_sea_distances
    for network in ("baseline", "2025"):
        links = corridor.load_network(network).links
        for lid, row in computed.iterrows():
            if not links.at[lid, "distance_fixed"]:
                assert links.at[lid, "distance_km"] == row["computed_km"], (network, lid)


@pytest.mark.parametrize("network", ["baseline", "2025"])
def test_regenerating_the_shipped_sea_distances_changes_no_byte(tmp_path, network, computed_sea_distances):
    from corridor.tools.sea_distances import write

    computed = computed_sea_distances
    folder = copy_shipped_network(tmp_path, network)
    # the 2025 sea links join the same ports as the 2015 ones (checked), so the computed table applies to both
    links = corridor.load_network(folder).links
    sea_links = links[links["mode"] == "sea"]
    assert sea_links[["from", "to"]].equals(computed.loc[sea_links.index, ["from", "to"]])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert len(write(folder, computed)) == len(sea_links)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("network", ["baseline", "2025"])
def test_every_source_is_cited_by_some_row(network):
    net = corridor.load_network(network)
    cited = set()
    pt = net.projects
    for table in (net.nodes, net.links, net.transfers, net.vessels, net.prices, net.regimes, net.rates, net.price_index,
                  pt.table, pt.nodes, pt.links, pt.transfers, pt.capacity, net.observations):
        cited |= {s for cell in table["source"] for s in str(cell).split(";") if s}
    # a shipped scenario on this network may cite a source for its flows or appraisal settings
    scenarios = [p.read_text(encoding="utf-8") for p in (ROOT / "scenarios").glob("*.toml")
                 if f'network = "{network}"' in p.read_text(encoding="utf-8")]
    cited |= {s for s in net.sources.index if any(s in text for text in scenarios)}
    assert set(net.sources.index) - cited == set()
    assert cited - set(net.sources.index) <= {"estimate"}
