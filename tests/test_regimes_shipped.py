"""Every route and flow route of the shipped scenarios crosses each country as its regimes permit, checked by an
independent walk over the route's nodes (not the routing graph's layers).

A shipped network without regimes.csv is checked against ASSUMED_REGIMES: what the Mongolia-China and
Russia-Mongolia transit agreements are taken to allow, at the links' own tariffs (coefficient 1), so that the check
bites before the network's own table exists.
"""

from dataclasses import replace
from pathlib import Path

import pytest

import corridor
from corridor.schema import split_list

from .conftest import ROOT

ASSUMED_REGIMES = [
    dict(id="cn_mn_transit", country="CN", origin_country="MN", exits="tianjin;caofeidian", basis="coefficient",
         coefficient=1.0, source="estimate", note="test: MN cargo transits CN to its designated seaports"),
    dict(id="ru_mn_transit", country="RU", origin_country="MN", exits="vostochny;khasan", basis="coefficient",
         coefficient=1.0, source="estimate", note="test: MN cargo transits RU to the Far East ports and to Rajin"),
    dict(id="kp_transit", country="KP", origin_country="MN;RU", exits="rajin", basis="coefficient", coefficient=1.0,
         source="estimate", note="test: Rajin takes transit coal"),
]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def with_regimes(scenario):
    net = scenario.network
    return scenario if net.has_regimes else scenario.with_network(net.add_rows("regimes", ASSUMED_REGIMES))


def violations(net, origin: str, nodes: list[str], links: list[str], regimes: dict) -> list[str]:
    """Each country the route leaves without a regime that admits its cargo and lists the node it leaves from; each
    transit or import it reports against what it did."""
    country, mode, regs = net.nodes["country"], net.links["mode"], net.regimes
    cargo = country[origin]
    visits: list[tuple[str, list[str]]] = []  # the countries in the order the route is in them, with their nodes
    for i, n in enumerate(nodes):
        by_sea = i > 0 and mode[links[i - 1]] == "sea"
        if not visits or visits[-1][0] != country[n] or by_sea:
            visits.append((country[n], [n]))
        else:
            visits[-1][1].append(n)
    found = []
    for j, (c, ns) in enumerate(visits):
        if c == cargo:
            continue
        ok = [rid for rid, r in regs.iterrows() if r["country"] == c and cargo in split_list(r["origin_country"])
              and ns[-1] in split_list(r["exits"])]
        if j == len(visits) - 1:  # where the route ends: an import, or delivered at an exit of a transit regime
            if regimes.get(c) not in ["import", *ok]:
                found.append(f"ends in {c} but reports {regimes.get(c)!r}")
            continue
        if not ok:
            found.append(f"leaves {c} at {ns[-1]}, which no regime of {c} lets {cargo} cargo leave from")
        elif regimes.get(c) not in ok:
            found.append(f"transits {c} under {regimes.get(c)!r}, not one of {ok}")
    return found


def _all_routes(res):
    for (case, _rank), r in res.routes.iterrows():
        yield case, r["origin"], r["nodes"], r["links"], r["regimes"]
    if res.allocations:
        for (case, _n), r in res.flow_routes.iterrows():
            yield case, r["origin"], r["nodes"], r["links"], r["regimes"]


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_every_shipped_route_crosses_countries_as_the_regimes_permit(path):
    scenario = with_regimes(corridor.load_scenario(path))
    res = corridor.run(scenario)
    checked = 0
    for case, origin, nodes, links, regimes in _all_routes(res):
        net = scenario.case(case).network
        assert violations(net, origin, list(nodes), list(links), regimes) == [], (case, nodes)
        checked += 1
    assert checked > 0


def test_the_walk_finds_what_the_regimes_forbid():
    # without regimes the 2015 test shipment may cross RU into CN (Naushki › Manzhouli › Caofeidian): the walk,
    # judged against the regimes, must refuse it; with them, the graph no longer finds it
    scenario = with_regimes(corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml"))
    scenario = scenario.with_cases([{"name": "baseline"}])  # the other cases change the shipped regimes
    net = scenario.network
    open_res = corridor.run(scenario.with_network(replace(net, regimes=net.regimes.iloc[:0])))
    judged = [violations(net, o, list(n), list(lk), dict.fromkeys(net.nodes["country"], "import"))
              for _case, o, n, lk, _r in _all_routes(open_res)]
    assert any(any("no regime" in v for v in found) for found in judged)
    assert any("manzhouli" in n for _c, _o, n, _l, _r in _all_routes(open_res))
    res = corridor.run(scenario)
    assert not any("manzhouli" in n for _c, _o, n, _l, _r in _all_routes(res))
