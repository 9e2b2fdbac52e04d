"""Sea legs: distances from searoute, vessel-class freight, port limits, netbacks, overrides.

Figures of the shipped networks and scenarios (which ship Rajin takes, the 2025 railways, known sea distances) are
pinned in test_data_pins.py; the shipped data's own consistency is checked in test_data_shipped.py.
"""

import csv
import io
import json
import math
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor import sea
from corridor.cli import main

from .conftest import ROOT, SHIPPED, copy_shipped_network, sea_arcs

# ----- a scalar reference implementation (one link, one lot at a time) -----------------------------
# An independent, per-link version of the rule in corridor/sea.py's docstring, written with pandas Series
# and no shared code: corridor.sea.price_sea_links (links x classes arrays) must agree with it.

def voyage(vessels: pd.DataFrame, distance_km: float) -> pd.DataFrame:
    """Days and cost of one round voyage of each class over ``distance_km`` (one way)."""
    v = vessels
    km_per_day = v["speed_knots"] * 1.852 * 24.0
    sea_days = 2.0 * distance_km / km_per_day
    port_days = v["port_days"]
    fuel = v["fuel_usd_per_t"]
    cost = (sea_days * (v["hire_usd_per_day"] + v["fuel_sea_t_per_day"] * fuel)
            + port_days * (v["hire_usd_per_day"] + v["fuel_port_t_per_day"] * fuel) + v["port_usd_per_voyage"])
    return pd.DataFrame({"sea_days": sea_days, "voyage_days": sea_days + port_days, "voyage_usd": cost,
                         "passage_hours": distance_km / (v["speed_knots"] * 1.852)}, index=v.index)


def fitting_classes(vessels: pd.DataFrame, nodes: pd.DataFrame, a: str, b: str) -> pd.Index:
    """Ids of the vessel classes both ports ``a`` and ``b`` accept (length and draught)."""
    ok = pd.Series(True, index=vessels.index)
    for port in (a, b):
        for limit, size in (("max_loa_m", "loa_m"), ("max_draught_m", "draught_m")):
            if not np.isnan(nodes.at[port, limit]):
                ok &= vessels[size] <= nodes.at[port, limit]
    return vessels.index[ok.to_numpy()]


def class_costs(vessels: pd.DataFrame, distance_km: float, lot_t: float | None) -> pd.DataFrame:
    """Cost per tonne of carrying a lot over one link with each class (``voyages``, ``usd_per_t``)."""
    out = voyage(vessels, distance_km)
    cargo = vessels["cargo_t"].to_numpy(float)
    if lot_t is None:
        out["voyages"] = np.nan
        out["usd_per_t"] = out["voyage_usd"] / cargo
    else:
        n = np.ceil(lot_t / cargo)
        out["voyages"] = n
        out["usd_per_t"] = n * out["voyage_usd"] / lot_t
    return out


def cheapest_class(vessels: pd.DataFrame, distance_km: float, lot_t: float | None) -> tuple[str, pd.Series]:
    """The class with the lowest cost per tonne for the lot (ties: the smaller ship) and its figures."""
    costs = class_costs(vessels, distance_km, lot_t)
    order = np.lexsort((vessels["cargo_t"].to_numpy(float), np.round(costs["usd_per_t"].to_numpy(float), 9)))
    best = costs.index[order[0]]
    return str(best), costs.loc[best]


# ----- hand-computed voyage --------------------------------------------------------------------------

def _one_class(**over):
    row = dict(name="", dwt_t=30000.0, cargo_t=25000.0, loa_m=170.0, draught_m=10.0, speed_knots=12.5,
               hire_usd_per_day=6000.0, fuel_sea_t_per_day=20.0, fuel_port_t_per_day=2.0, fuel_usd_per_t=300.0,
               port_days=4.0, port_usd_per_voyage=20000.0, co2_g_per_tkm=8.0)
    row.update(over)
    return pd.DataFrame([row], index=pd.Index(["handy"], name="id"))


def test_voyage_cost_by_hand():
    # 1,111.2 km = 600 nm; at 12.5 kn the laden leg takes 48 h, the round trip 4 days at sea.
    v = voyage(_one_class(), 1111.2).loc["handy"]
    assert v["sea_days"] == pytest.approx(4.0)
    assert v["passage_hours"] == pytest.approx(48.0)
    # 4 x (6,000 + 20 x 300) + 4 x (6,000 + 2 x 300) + 20,000 = 48,000 + 26,400 + 20,000
    assert v["voyage_usd"] == pytest.approx(94400.0)
    costs = class_costs(_one_class(), 1111.2, 10000.0).loc["handy"]
    assert costs["usd_per_t"] == pytest.approx(94400.0 / 10000.0)  # a part-empty ship: the lot pays it all
    costs = class_costs(_one_class(), 1111.2, 60000.0).loc["handy"]
    assert costs["voyages"] == 3 and costs["usd_per_t"] == pytest.approx(3 * 94400.0 / 60000.0)
    assert class_costs(_one_class(), 1111.2, None).loc["handy", "usd_per_t"] == pytest.approx(94400.0 / 25000.0)


# ----- port limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("network", ["baseline", "2025"])
@pytest.mark.parametrize("lot", [3000.0, 25000.0, 45000.0, 150000.0, 5e6, None])
def test_a_ship_a_port_cannot_take_is_never_chosen(network, lot):
    net = corridor.load_network(network)
    arcs = sea_arcs(net, lot)
    assert len(arcs) == (net.links["mode"] == "sea").sum()
    for a, b, cls in zip(arcs["from_node"], arcs["node"], arcs["vessel_class"], strict=True):
        v = net.vessels.loc[cls]
        for port in (a, b):
            lim_loa, lim_dr = net.nodes.at[port, "max_loa_m"], net.nodes.at[port, "max_draught_m"]
            assert np.isnan(lim_loa) or v["loa_m"] <= lim_loa, (network, lot, a, b, cls)
            assert np.isnan(lim_dr) or v["draught_m"] <= lim_dr, (network, lot, a, b, cls)


def test_tightening_a_port_limit_moves_to_a_smaller_ship_and_never_cheapens_it():
    net = corridor.load_network("baseline")
    before = sea_arcs(net, 5e6).set_index("ref").loc["tianjin_pohang_sea"]
    tight = net.change("nodes", {"id": "tianjin"}, set={"max_loa_m": 200.0})
    after = sea_arcs(tight, 5e6).set_index("ref").loc["tianjin_pohang_sea"]
    assert net.vessels.at[after["vessel_class"], "loa_m"] <= 200.0
    assert after["usd_per_t"] > before["usd_per_t"]


# ----- lot size ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("network", ["baseline", "2025"])
@pytest.mark.parametrize("link", ["rajin_pohang_sea", "tianjin_kashima_sea", "vostochny_dangjin_sea"])
def test_sea_cost_per_tonne_falls_with_lot_size_until_the_largest_allowed_class_is_full(network, link):
    net = corridor.load_network(network)
    row = net.links.loc[link]
    allowed = net.vessels.loc[fitting_classes(net.vessels, net.nodes, row["from"], row["to"])]
    largest = allowed["cargo_t"].max()

    def per_t(lot):
        return cheapest_class(allowed, float(row["distance_km"]), lot)[1]["usd_per_t"]

    full = sorted(allowed["cargo_t"])
    # at each class's full load a tonne costs less than at any smaller class's full load (economies of scale) ...
    costs_at_full = [per_t(c) for c in full]
    assert all(b <= a + 1e-9 for a, b in pairwise(costs_at_full))
    # ... between full loads it never rises, and the largest allowed class full is the cheapest lot of all
    lots = np.linspace(1000.0, largest, 400)
    grid = [per_t(x) for x in lots]
    for lo, hi in zip([0.0, *full[:-1]], full, strict=True):
        inside = [c for x, c in zip(lots, grid, strict=True) if lo < x <= hi]
        assert all(b <= a + 1e-9 for a, b in pairwise(inside))
    assert min(grid) == pytest.approx(per_t(largest))
    assert per_t(3 * largest) == pytest.approx(per_t(largest))
    assert per_t(None) == pytest.approx(per_t(largest))
    # the lot's total freight never falls as the lot grows
    totals = [c * x for c, x in zip(grid, lots, strict=True)]
    assert all(b >= a - 1e-6 for a, b in pairwise(totals))


# ----- netback ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", ["test_shipment_2015.toml", "tavan_tolgoi_2015.toml", "test_shipment_2025.toml"])
def test_netback_is_price_minus_cost_in_every_row(scenario, shipped):
    res = shipped(scenario.removesuffix(".toml"))
    s = res.scenario
    r = res.routes
    priced = r["price_usd_per_t"].notna()
    assert priced.any()
    assert np.allclose(r.loc[priced, "netback_usd_per_t"],
                       r.loc[priced, "price_usd_per_t"] - r.loc[priced, "cost_usd_per_t"])
    assert r.loc[~priced, "netback_usd_per_t"].isna().all()
    for (case, _), row in r.iterrows():
        ship = s.case(case).shipment
        assert row["price_usd_per_t"] == pytest.approx(s.case(case).network.price(ship.destination, ship.coal),
                                                       nan_ok=True)
        has_sea = any(res.legs[(res.legs["case"] == case) & (res.legs["rank"] == _)]["mode"] == "sea")
        assert bool(row["vessel_class"]) == has_sea


def test_json_routes_carry_vessel_class_price_and_netback(capsys):
    assert main(["run", str(ROOT / "scenarios" / "test_shipment_2015.toml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    route = data["cases"][0]["routes"][0]
    assert route["vessel_class"] in ("handysize", "handymax", "supramax", "panamax", "capesize")
    assert route["netback_usd_per_t"] == pytest.approx(route["price_usd_per_t"] - route["cost_usd_per_t"], abs=1e-5)


def test_fob_port_destination_has_no_price_and_null_netback():
    s = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml")
    s = s.with_cases([{"name": "to Tianjin FOB", "shipment": {"destination": "tianjin"}}])
    d = corridor.run(s).to_dict()["cases"][0]["routes"][0]
    assert d["price_usd_per_t"] is None and d["netback_usd_per_t"] is None and "vessel_class" not in d


# ----- overrides and writing a network -----------------------------------------------------------------

def test_a_sea_link_with_a_tariff_is_an_override():
    net = corridor.load_network("baseline")
    net2 = net.change("links", {"id": "rajin_pohang_sea"}, set={"tariff_usd_per_tkm": 0.01, "speed_km_per_day": 500.0})
    arc = sea_arcs(net2, 25000.0).set_index("ref").loc["rajin_pohang_sea"]
    d = net.links.at["rajin_pohang_sea", "distance_km"]
    assert arc["usd_per_t"] == pytest.approx(d * 0.01) and arc["vessel_class"] == ""
    assert arc["hours"] == pytest.approx(d / 500.0 * 24)


def test_all_sea_links_overridden_prices_them_all_by_tariff():
    net = corridor.load_network("baseline")
    net2 = net.change("links", {"mode": "sea"}, set={"tariff_usd_per_tkm": 0.002, "speed_km_per_day": 556.0})
    arcs = sea_arcs(net2, 25000.0)
    assert (arcs["vessel_class"] == "").all()
    assert np.allclose(arcs["usd_per_t"], arcs["distance_km"] * 0.002)


def test_scenario_can_change_vessel_costs():
    s = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml")
    s2 = s.with_cases([{"name": "base"}, {"name": "hire x2", "change": [
        {"table": "vessels", "where": {}, "scale": {"hire_usd_per_day": 2.0}}]}])
    comps = corridor.run(s2).components
    assert comps.loc[("hire x2", 1), "sea"] > comps.loc[("base", 1), "sea"]


def test_write_network_round_trip_keeps_vessels_and_prices(tmp_path):
    net = corridor.load_network("2025")
    back = corridor.load_network(corridor.write_network(net, tmp_path / "net"))
    pd.testing.assert_frame_equal(back.vessels, net.vessels, check_dtype=False)
    pd.testing.assert_frame_equal(back.prices, net.prices, check_dtype=False)


# ----- bad input --------------------------------------------------------------------------------------


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bad_sea_inputs_name_file_line_and_problem(tmp_path, capsys):
    folder = copy_shipped_network(tmp_path)
    _replace(folder / "vessels.csv", "handysize,Handysize (28k dwt),28000,26000,",
             "handysize,Handysize (28k dwt),28000,29000,")
    _replace(folder / "links.csv", "darkhan_sukhbaatar_1520,darkhan,sukhbaatar,rail1520,MN,102,,39,",
             "darkhan_sukhbaatar_1520,darkhan,sukhbaatar,rail1520,MN,102,,,")
    _replace(folder / "prices.csv", "pohang,thermal,2015,", "pohnag,thermal,2015,")
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "vessels.csv line 2 (id=handysize): cargo_t 29000 is more than dwt_t 28000" in err
    assert "links.csv line 3 (id=darkhan_sukhbaatar_1520): tariff_usd_per_tkm is blank" in err
    assert "prices.csv line 2 (market=pohnag): node 'pohnag' is not in nodes.csv" in err


def test_no_vessel_class_fits_a_port(tmp_path, capsys):
    folder = copy_shipped_network(tmp_path)
    _replace(folder / "nodes.csv", "130.3897,,,3.5,180,", "130.3897,,,3.5,100,")
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "(id=rajin_pohang_sea): no vessel class in vessels.csv fits both ports (max_loa_m 100" in err


def test_vessel_priced_sea_link_needs_vessels_csv(tmp_path, capsys):
    folder = copy_shipped_network(tmp_path)
    (folder / "vessels.csv").unlink()
    assert main(["validate", str(folder)]) == 2
    assert "no vessels.csv to price" in capsys.readouterr().err


def test_unknown_coal_type_in_a_scenario(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text('network = "baseline"\n[shipment]\norigin = "sharyn_gol"\ndestination = "pohang"\n'
                    'tonnes = 1000\ncoal = "lignite"\n', encoding="utf-8")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "shipment.coal: no price for coal 'lignite' in prices.csv (coal types: coking, thermal)" in err


# ----- sea distances (searoute) -----------------------------------------------------------------------

def test_sea_distance_is_never_shorter_than_the_great_circle_and_includes_port_legs(computed_sea_distances):
    computed = computed_sea_distances
    assert (computed["computed_km"] >= computed["great_circle_km"] - 0.5).all()
    assert np.allclose(computed["computed_km"], computed["network_km"] + computed["port_legs_km"], atol=0.6)
    assert (computed["port_legs_km"] > 0).all()


def test_sea_distances_command_writes_and_keeps_fixed_rows(tmp_path, capsys):
    pytest.importorskip("searoute")
    folder = copy_shipped_network(tmp_path)
    # an optional distance_fixed column, true on one row: that row's distance is a data override
    rows = list(csv.reader(io.StringIO((folder / "links.csv").read_text(encoding="utf-8"), newline="")))
    at = rows[0].index("source")
    for r in rows:
        r.insert(at, "distance_fixed" if r is rows[0] else ("true" if r[0] == "rajin_pohang_sea" else ""))
        if r[0] == "rajin_pohang_sea":
            r[rows[0].index("distance_km")] = "700"
        if r[0] == "rajin_gwangyang_sea":
            r[rows[0].index("distance_km")] = "1"
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (folder / "links.csv").write_bytes(buf.getvalue().encode("utf-8"))
    before = (folder / "links.csv").read_text(encoding="utf-8")
    assert main(["sea-distances", str(folder)]) == 0
    assert "wrote 19 sea-link distances" in capsys.readouterr().out
    links = corridor.load_network(folder).links
    assert links.at["rajin_pohang_sea", "distance_km"] == 700  # distance_fixed: a data row overrides
    assert links.at["rajin_gwangyang_sea", "distance_km"] == 1052
    assert "searoute 1." in links.at["rajin_gwangyang_sea", "note"]
    after = (folder / "links.csv").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("rajin_gwangyang_sea")


def test_sea_distance_between_network_nodes_is_the_network_path():
    sr = pytest.importorskip("searoute")
    from corridor.tools.sea_distances import great_circle_km, sea_distance

    # two nodes of searoute's own network: no port legs, and the length is searoute's
    a, b = (42.3, 132.0), (36.264207, 140.666199)  # (lat, lon) of two network nodes: off Vladivostok, off Kashima
    d = sea_distance(a, b)
    assert d["legs_km"] == pytest.approx(0.0)
    assert d["distance_km"] == pytest.approx(sr.searoute([132.0, 42.3], [140.666199, 36.264207]).properties["length"])
    assert d["distance_km"] >= great_circle_km(*a, *b)
    assert math.isclose(great_circle_km(0, 0, 0, 1), 2 * math.pi * 6371.0088 / 360, rel_tol=1e-9)


@pytest.mark.parametrize("lot", [2000.0, 25000.0, 40000.0, 1e6, None])
def test_vectorised_sea_prices_equal_the_per_link_rule(lot):
    net = corridor.load_network("2025")
    table = sea.price_sea_links(net, lot)
    for lid, row in net.links[net.links["mode"] == "sea"].iterrows():
        allowed = net.vessels.loc[fitting_classes(net.vessels, net.nodes, row["from"], row["to"])]
        name, best = cheapest_class(allowed, float(row["distance_km"]), lot)
        assert table.at[lid, "vessel_class"] == name
        assert table.at[lid, "usd_per_t"] == pytest.approx(best["usd_per_t"], rel=1e-9)
        assert table.at[lid, "hours"] == pytest.approx(best["passage_hours"])


@pytest.mark.parametrize("network", ["baseline", "2025"])
def test_shared_port_limit_rule_agrees_with_the_per_port_reference(network):
    net = corridor.load_network(network)
    links = net.links[net.links["mode"] == "sea"]
    fits, max_loa, _ = sea.fitting_classes(net.vessels, net.nodes, links["from"], links["to"])
    assert fits.shape == (len(links), len(net.vessels)) and fits.any(axis=1).all()
    for row, a, b in zip(fits, links["from"], links["to"], strict=True):
        assert list(net.vessels.index[row]) == list(fitting_classes(net.vessels, net.nodes, a, b)), (a, b)
    assert (max_loa[(links["from"] == "rajin").to_numpy()] == 180).all()
    assert not fits[(links["from"] == "rajin").to_numpy()][:, (net.vessels["loa_m"] > 180).to_numpy()].any()


def test_sea_distances_refuses_to_write_a_shipped_network_by_name(capsys):
    before = {p.name: p.read_bytes() for p in (SHIPPED / "baseline").glob("*.csv")}
    assert main(["sea-distances", "baseline"]) == 2
    err = capsys.readouterr().err
    assert "error: sea-distances: 'baseline' is a shipped network name" in err and "--dry-run" in err
    assert {p.name: p.read_bytes() for p in (SHIPPED / "baseline").glob("*.csv")} == before


def test_sea_distances_writes_both_files_or_neither(tmp_path, monkeypatch, computed_sea_distances):
    import os

    from corridor import _files
    from corridor.tools import sea_distances

    computed = computed_sea_distances
    folder = copy_shipped_network(tmp_path)
    for name, old, new in (("links.csv", b"rajin_pohang_sea,rajin,pohang,sea,INT,776,",
                            b"rajin_pohang_sea,rajin,pohang,sea,INT,1,"),
                           ("sources.csv", b"searoute,searoute 1.", b"searoute,searoute 0.")):
        data = (folder / name).read_bytes()
        assert old in data
        (folder / name).write_bytes(data.replace(old, new, 1))  # bytes: keep the CRLF line endings
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real, calls = os.replace, []

    def failing_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(_files.os, "replace", failing_second)
    with pytest.raises(OSError, match="disk full"):
        sea_distances.write(folder, computed)
    assert len(calls) == 2  # the first file was replaced, then put back
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary file left either
    monkeypatch.setattr(_files.os, "replace", real)
    sea_distances.write(folder, computed)
    assert corridor.load_network(folder).links.at["rajin_pohang_sea", "distance_km"] == 776
    assert (folder / "sources.csv").read_bytes() == (SHIPPED / "baseline" / "sources.csv").read_bytes()


