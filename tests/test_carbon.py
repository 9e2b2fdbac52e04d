"""The carbon price as an uncertain input: break-even by hand on the toy, draws against the obvious method (the
network of each draw rebuilt and priced by its legs), CO2 following drawn distances and vessel classes.

Toy, value of time 10 USD/t-day: route A (via P) 31 + 69.5 = 100.5 USD/t and 25 kg CO2/t; route B (via E) 38.5 + 57
= 95.5 USD/t and 29.6 kg CO2/t. They cost the same at a carbon price of 5 / 0.0046 = 1086.956... USD/t CO2.
"""

import numpy as np
import pytest

import corridor
from corridor.uncertainty import breakeven
from corridor.uncertainty.candidates import CaseModel
from corridor.uncertainty.entries import apply_values

from .conftest import DATA, ROOT, assert_input_error

CARBON = {"name": "carbon price", "table": "settings", "column": "carbon_price_usd_per_t_co2",
          "distribution": "uniform", "low": 0.0, "high": 2000.0, "as": "value"}


def _with(data_path, entries, **settings):
    s = corridor.load_scenario(data_path)
    data = dict(s.data)
    data["uncertainty"] = entries
    s = corridor.Scenario.from_dict(data, source=s.source, base_dir=s.base_dir)
    return s.with_settings(**settings) if settings else s


def test_carbon_break_even_by_hand():
    s = _with(DATA / "toy_uncertainty.toml", [CARBON], value_of_time_usd_per_t_day=10.0)
    found = breakeven(s, "carbon price", (1, 2), case="baseline")
    assert found[0].value == pytest.approx(5 / 0.0046, rel=1e-12)


def _obvious(case, entries, values, lot):
    """Generalized cost of each candidate route with the network and the carbon price of one draw, by its legs."""
    from corridor.uncertainty.entries import carbon_price

    net = apply_values(case.network, entries, values)
    graph = corridor.build_graph(net, lot_t=lot)
    carbon = carbon_price(case.settings.carbon_price_usd_per_t_co2, entries, values)
    return graph, carbon


@pytest.mark.parametrize("scenario, extra", [
    (DATA / "toy_uncertainty.toml", [{"name": "distance", "table": "links", "where": {"id": ["b_r", "t_m"]},
                                      "column": "distance_km", "distribution": "uniform", "low": 0.5, "high": 2.0}]),
    (ROOT / "scenarios" / "test_shipment_2015_uncertainty.toml", None),
])
def test_draws_with_a_carbon_price_match_the_rebuilt_network(scenario, extra):
    """Carbon price, distances, tariffs and ship hire drawn together: each candidate's generalized cost equals the
    sum over the legs of the same route on the network rebuilt for the draw (the ship class can change per draw)."""
    from corridor.uncertainty.streams import entry_values, sample_uniforms

    base = corridor.load_scenario(scenario)
    raw = [*base.data["uncertainty"], *(extra or []), CARBON]
    s = _with(scenario, raw, value_of_time_usd_per_t_day=1.0)
    entries = s.uncertainty
    case = s.cases[0]
    model = CaseModel.build(case, entries, candidates=6, extreme_candidates=1)
    x = entry_values(tuple(entries), sample_uniforms(7, len({e.group_key for e in entries}), 0, 12))
    priced = model.price(x)
    weights = model.weights(x)
    for j in range(x.shape[1]):
        graph, carbon = _obvious(case, entries, x[:, j], case.shipment.tonnes)
        assert carbon == pytest.approx(x[-1, j])
        w = graph.weights(1.0, carbon)
        for i, arcs in enumerate(model.routes.arc_lists):
            legs = corridor.legs.route_legs(graph, arcs)
            money, days = corridor.costs.route_totals(legs)
            expected = corridor.costs.generalized(money, days, 1.0, legs["co2_kg_per_t"].sum(), carbon)
            assert priced[i, j] == pytest.approx(expected, rel=1e-9), (i, j)
            assert weights[arcs, j].sum() == pytest.approx(w[arcs].sum(), rel=1e-9)


def test_carbon_draws_move_the_odds():
    """At a carbon price drawn from 0 to 2000 (value of time 10) route A is cheapest when the price is above
    1087: P(A cheapest) = (2000 - 1087) / 2000 = 0.457."""
    s = _with(DATA / "toy_uncertainty.toml", [CARBON], value_of_time_usd_per_t_day=10.0)
    res = corridor.run(s, draws=20_000, seed=2)
    p = res.routes.loc["baseline"].set_index(res.routes.loc["baseline"]["nodes"].map(tuple))["p_cheapest"]
    assert p[("a", "b", "r", "p", "m")] == pytest.approx((2000 - 5 / 0.0046) / 2000, abs=0.01)
    assert res.uncertainty["baseline"].coverage == 1.0


def test_bad_carbon_entries(toy_copy):
    path = toy_copy / "u.toml"
    head = 'network = "toy"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[uncertainty]]\n'
    path.write_text(head + 'table = "settings"\ncolumn = "value_of_time"\ndistribution = "uniform"\nlow = 0\n'
                           'high = 1\n')
    assert_input_error(path, "uncertainty[1].column", "carbon_price_usd_per_t_co2")
    path.write_text(head + 'table = "settings"\nwhere = { id = "x" }\ncolumn = "carbon_price_usd_per_t_co2"\n'
                           'distribution = "uniform"\nlow = 0\nhigh = 1\n')
    assert_input_error(path, "uncertainty[1].where", "takes no where")


def test_zero_carbon_leaves_the_numbers_bit_for_bit():
    s = corridor.load_scenario(DATA / "toy_uncertainty.toml")
    with_zero = _with(DATA / "toy_uncertainty.toml", [*s.data["uncertainty"],
                                                      {**CARBON, "low": 0.0, "high": 0.0}])
    a = corridor.run(s, draws=500, seed=1).uncertainty["baseline"]
    b = corridor.run(with_zero, draws=500, seed=1).uncertainty["baseline"]
    assert np.array_equal(a.generalized, b.generalized) and np.array_equal(a.cost, b.cost)
