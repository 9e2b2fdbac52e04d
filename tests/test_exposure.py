"""Exposure by country of routes and of allocations: the toy by hand (routes in test_routes_toy.py), invariants on the
shipped scenarios (the countries' shares add up to the route's or the allocation's totals)."""

import pytest

import corridor

from .conftest import ROOT


def test_route_exposure_by_hand(toy_scenario):
    """Route A (a › b › r › p › m, 1000 t): MN loads (1) + a-b 100 km (3) + B pass (2, 1 day); RU 500 km (8 + 2) + port
    P (5, 2 days); INT the 1000 sea km (8, 2 days); KR unloading (2, 0.5 day)."""
    res = corridor.run(toy_scenario)
    ex = res.exposure.loc[("baseline", 1)]
    assert list(ex.index) == ["MN", "RU", "INT", "KR"]
    assert ex["usd_per_t"].to_dict() == pytest.approx({"MN": 6.0, "RU": 15.0, "INT": 8.0, "KR": 2.0})
    assert ex["km"].to_dict() == pytest.approx({"MN": 100.0, "RU": 500.0, "INT": 1000.0, "KR": 0.0})
    assert ex["days"].to_dict() == pytest.approx({"MN": 1.2, "RU": 3.25, "INT": 2.0, "KR": 0.5})
    assert (ex["tonnes"] == 1000.0).all() and ex.loc["RU", "tonne_km"] == 500_000.0
    assert ex.loc["RU", "usd"] == 15_000.0 and ex.loc["RU", "co2_kg_per_t"] == pytest.approx(15.0)
    # route B never touches Russia
    assert "RU" not in res.exposure.loc[("baseline", 2)].index


def test_flow_exposure_by_hand(toy_scenario):
    """2 Mt/yr over route A: MN carries 2 Mt/yr x 100 km, 2 x 6 MUSD, 1.2 days a tonne, 2 x 3 kt CO2."""
    res = corridor.run(toy_scenario.with_flows(supply={"a": 5.0}, demand={"m": 2.0}))
    ex = res.flow_exposure.loc["baseline"]
    assert ex.loc["MN"].to_dict() == pytest.approx({"mt_per_year": 2.0, "share_of_delivered": 1.0,
                                                    "mtkm_per_year": 200.0, "usd_per_year": 12e6, "days_per_t": 1.2,
                                                    "co2_kt_per_year": 6.0})
    assert ex.loc["RU", "usd_per_year"] == pytest.approx(30e6) and "CN" not in ex.index
    assert res.flow_exposure.loc[("RU closed", "CN"), "mt_per_year"] == pytest.approx(2.0)


@pytest.mark.slow
def test_exposure_adds_up_on_the_shipped_scenarios():
    res = corridor.run(corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2025.toml"))
    by_route = res.exposure.groupby(level=["case", "rank"])[["usd_per_t", "days", "km", "co2_kg_per_t"]].sum()
    r = res.routes.loc[by_route.index]
    assert by_route["usd_per_t"].to_numpy() == pytest.approx(r["cost_usd_per_t"].to_numpy())
    assert by_route["days"].to_numpy() == pytest.approx(r["transit_days"].to_numpy())
    assert by_route["km"].to_numpy() == pytest.approx(r["distance_km"].to_numpy())
    assert by_route["co2_kg_per_t"].to_numpy() == pytest.approx(r["co2_kg_per_t"].to_numpy())
    flows = corridor.run(corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml"))
    for case, alloc in flows.allocations.items():
        ex = alloc.exposure
        assert ex["usd_per_year"].sum() == pytest.approx(alloc.totals["transport_cost_usd_per_year"]), case
        assert ex.loc["MN", "mt_per_year"] == pytest.approx(alloc.totals["delivered_mt_per_year"]), case
        assert (ex["share_of_delivered"] <= 1 + 1e-9).all()
