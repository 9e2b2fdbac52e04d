"""Money in its own currency: conversion and indexation against hand-worked figures, and the errors of a row whose
money cannot be converted."""


import pandas as pd
import pytest

import corridor
from corridor.money import Converter

from .conftest import DATA, assert_input_error, edit_csv


def test_conversion_at_the_network_years_rate(regimes_net):
    # CNY 18/t in 2015 at 6.0 CNY/USD (2015) = USD 3.00/t; CNY 60/t flat = USD 10/t; MNT 6,000 at 2,000 = USD 3
    net = regimes_net
    assert net.transfers.at["t:rail1435>sea", "cost_usd_per_t"] == pytest.approx(3.0, rel=1e-15)
    assert net.regimes.at["cn_transit", "flat_usd_per_t"] == pytest.approx(10.0, rel=1e-15)
    assert net.nodes.at["b", "pass_usd_per_t"] == pytest.approx(3.0, rel=1e-15)


def test_indexation_in_the_original_currency_then_conversion(regimes_net):
    # RUB 0.8/t-km of 2010, RUB index 100 (2010) -> 150 (2015): RUB 1.2 of 2015; at 60 RUB/USD: USD 0.02/t-km
    assert regimes_net.links.at["r_p", "tariff_usd_per_tkm"] == pytest.approx(0.02, rel=1e-12)


def test_loaded_tables_keep_the_figure_as_published(regimes_net):
    row = regimes_net.links.loc["r_p"]
    assert (row["tariff_per_tkm"], row["currency"], row["price_year"]) == (0.8, "RUB", "2010")
    row = regimes_net.links.loc["a_b"]  # given in USD of the network's year
    assert (row["tariff_per_tkm"], row["currency"], row["price_year"]) == (0.03, "USD", "2015")


def test_converter_by_hand():
    rates = pd.DataFrame({"per_usd": [60.96, 0.9628]}, index=["RUB:2015", "CHF:2015"])
    index = pd.DataFrame({"index": [100.0, 115.5, 98.0, 100.0]}, index=["RUB:2013", "RUB:2015", "CHF:2009",
                                                                        "CHF:2015"])
    conv = Converter("2015", rates, index)
    # 1,000 RUB of 2013 -> x 115.5/100 = 1,155 RUB of 2015 -> / 60.96 = 18.9468... USD
    assert conv.to_usd(1000.0, "RUB", "2013") == pytest.approx(1155.0 / 60.96, rel=1e-12)
    assert conv.to_usd(1000.0, "RUB", "2013") == pytest.approx(18.946850393700787, rel=1e-12)
    # CHF 0.50 of 2009 -> x 100/98 -> / 0.9628: 0.52991... USD
    assert conv.to_usd(0.5, "CHF", "2009") == pytest.approx(0.5 * 100 / 98 / 0.9628, rel=1e-12)
    assert conv.to_usd(7.0, "USD", "") == 7.0
    assert conv.to_usd(7.0, "USD", "2015") == 7.0
    with pytest.raises(ValueError, match=r"price_index\.csv has no index for USD:2010"):
        conv.to_usd(7.0, "USD", "2010")
    with pytest.raises(ValueError, match=r"rates\.csv has no rate for CNY in 2015"):
        conv.to_usd(7.0, "CNY", "2015")
    assert conv.explain("RUB", "2013") == "RUB 2013 -> USD 2015: x 115.5/100 (RUB index 2015/2013) / 60.96 RUB/USD"


def test_round_trip_keeps_the_published_figures(regimes_net, tmp_path):
    corridor.write_network(regimes_net, tmp_path / "out")
    text = (tmp_path / "out" / "links.csv").read_text()
    assert "r_p,r,p,rail1520,RU,100.0,,0.8," in text  # written as published, not as its USD value
    again = corridor.load_network(tmp_path / "out")
    for table in ("nodes", "links", "transfers", "regimes"):
        pd.testing.assert_frame_equal(getattr(again, table), getattr(regimes_net, table), check_dtype=False)
    assert again.year == "2015"


@pytest.mark.parametrize(("file", "old", "new", "needles"), [
    ("links.csv", ",0.8,400,,,,RUB,2010,", ",0.8,400,,,,,2010,",
     ["line 4 (id=r_p)", "tariff_per_tkm needs a currency"]),
    ("links.csv", ",0.8,400,,,,RUB,2010,", ",0.8,400,,,,RUB,2012,",
     ["line 4 (id=r_p)", "price_index.csv has no index for RUB:2012"]),
    ("links.csv", ",0.8,400,,,,RUB,2010,", ",0.8,400,,,,KPW,2015,",
     ["line 4 (id=r_p)", "rates.csv has no rate for KPW in 2015"]),
    ("links.csv", "r_p,r,p,rail1520,RU,100,,0.8", "r_p,r,p,rail1520,RU,100,0.02,0.8",
     ["line 4 (id=r_p)", "give tariff_usd_per_tkm (USD of the network's year) or tariff_per_tkm"]),
    ("links.csv", "a_b,a,b,rail1520,MN,100,0.03,,500,,,,,,", "a_b,a,b,rail1520,MN,100,0.03,,500,,,,CNY,2015,",
     ["line 2 (id=a_b)", "tariff_usd_per_tkm holds USD of the network's year", "goes in tariff_per_tkm"]),
    ("transfers.csv", "t,rail1435,sea,,18,", "t,rail1435,sea,,,",
     ["(node=t)", "cost_usd_per_t is blank; it needs a number in USD/t (or cost_per_t"]),
    ("network.csv", "2015,", "20x5,", ["network.csv line 2", "year must be a year"]),
    ("rates.csv", "CNY,2015,6.0", "cny,2015,6.0", ["rates.csv line 2", "three-letter code"]),
    ("rates.csv", "RUB,2015,60", "CNY,2015,60", ["rates.csv: duplicate id 'CNY:2015'"]),
])
def test_money_that_cannot_be_converted(regimes_copy, file, old, new, needles):
    edit_csv(regimes_copy / file, old, new)
    assert_input_error(regimes_copy, *needles)


def test_a_folder_without_network_year_takes_usd_only(toy_copy):
    path = toy_copy / "toy" / "links.csv"
    text = path.read_text().replace("tariff_usd_per_tkm,", "tariff_usd_per_tkm,tariff_per_tkm,currency,")
    lines = text.splitlines()
    # a_b given "as published" in USD without a year (= the network's); the other links in the USD column
    rows = [lines[1].replace("MN,100,0.03,", "MN,100,,0.03,USD,")]
    rows += [",".join([*r.split(",")[:7], "", "", *r.split(",")[7:]]) for r in lines[2:]]
    path.write_text("\n".join([lines[0], *rows]) + "\n")
    net = corridor.load_network(toy_copy / "toy")
    assert net.links.at["a_b", "tariff_usd_per_tkm"] == 0.03
    assert net.links.at["b_r", "tariff_usd_per_tkm"] == 0.02
    edit_csv(path, ",,0.03,USD,", ",,0.03,CNY,")
    assert_input_error(toy_copy / "toy", "line 2 (id=a_b)", "the network declares no year (network.csv)")


def test_corridor_network_shows_the_conversions_and_the_regimes(capsys):
    from corridor.cli import main

    assert main(["network", str(DATA / "toy_regimes")]) == 0
    out = capsys.readouterr().out
    assert "Money in USD of 2015." in out
    assert "Money given in its own currency, converted to USD of 2015" in out
    row = next(line for line in out.splitlines() if " r_p " in line and "tariff_per_tkm" in line)
    assert row.split()[:6] == ["links", "r_p", "tariff_per_tkm", "0.8", "RUB", "2010"]
    assert "x 150/100 (RUB index 2015/2010) / 60 RUB/USD" in row and row.split()[-1] == "0.02"
    assert "cn_transit" in out and "10 USD/t (60 CNY 2015)" in out
