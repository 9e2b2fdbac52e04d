"""Charts of draws over flows (tests/data/toy_flows_uncertainty.toml), checked through matplotlib's objects."""

import numpy as np
import pytest
from matplotlib.container import BarContainer

import corridor

from .conftest import DATA, ROOT, assert_texts_inside


@pytest.fixture(scope="module")
def res():
    return corridor.run(corridor.load_scenario(DATA / "toy_flows_uncertainty.toml"), draws=400, seed=2)


def test_binding_probability_bars_are_the_shares_of_the_draws(res):
    fig = res.plot.binding_probability("baseline")
    ax = fig.axes[0]
    bars = {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}
    table = res.flow_draws["baseline"].element_table()
    assert [b.get_width() for b in bars["p_binding"]] == pytest.approx(list(table["p_binding"]))
    assert [b.get_width() for b in bars["p_priced"]] == pytest.approx(list(table["p_priced"]))
    assert 0 < table["p_binding"].min() < 1  # both elements bind in some draws and not in others
    names = {"b_r": "Border B – Station R (rail 1520) [link]", "e_t": "Border E – Port T (rail 1435) [link]"}
    assert [t.get_text() for t in ax.get_yticklabels()] == [names[i] for i in table["id"]]
    assert_texts_inside(fig)


def test_shadow_price_violins_mark_the_percentiles_and_the_file_value(res):
    d = res.flow_draws["baseline"]
    fig = res.plot.shadow_prices("baseline")
    ax = fig.axes[0]
    p50 = next(line for line in ax.lines if line.get_gid() == "p50")
    file = next(line for line in ax.lines if line.get_gid() == "file")
    table = d.element_table()
    table = table[table["p_priced"] > 0].sort_values("mean_shadow_price_usd_per_t", ascending=False, kind="stable")
    row = {i: j for j, i in enumerate(d.elements["id"])}
    expect = [np.percentile(d.shadow_price[row[i]], 50) for i in table["id"]]
    assert list(p50.get_xdata()) == pytest.approx(expect)
    assert list(file.get_xdata()) == pytest.approx(list(table["deterministic_shadow_price_usd_per_t"]))
    assert_texts_inside(fig)


def test_flow_fan_bands_are_the_percentiles_of_each_corridor(res):
    d = res.flow_draws["baseline"]
    fig = res.plot.flow_fan("baseline")
    ax = fig.axes[0]
    table = d.corridor_table()
    bands = {c.get_gid(): c for c in ax.collections}
    for lo, hi in ((5, 95), (10, 90), (25, 75)):
        segs = bands[f"p{lo}_p{hi}"].get_segments()
        for seg, corridor_name in zip(segs, table["corridor"]):
            assert seg[:, 0] == pytest.approx(np.percentile(d.flow_of(corridor_name), [lo, hi]))
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == list(table["corridor"]) and "Border B – Station R › Port P" in ticks
    assert_texts_inside(fig)


def test_write_plots_draws_the_flow_draw_charts(res, tmp_path):
    from corridor.plot import write_plots

    files = {p.name for p in write_plots(res, tmp_path, formats=("png",))}
    for stem in ("binding", "shadow_prices", "flow_fan"):
        assert {f"{stem}_baseline.png", f"{stem}_ru_closed.png"} <= files
    with pytest.raises(ValueError, match="no draws over flows"):
        corridor.run(corridor.load_scenario(DATA / "toy_flows_uncertainty.toml")).plot.flow_fan()


def test_draws_gallery_is_what_the_documented_command_writes():
    page = (ROOT / "docs" / "scaling.md").read_text()
    command = ("corridor run scenarios/scale_up_uncertainty.toml --draws 10000 --workers 2 "
               '--plots docs/scale_up_draws\n--plot-case "20 Mt/yr"')
    assert command in page
    shown = {f"{k}_20_mt_yr.png" for k in ("binding", "shadow_prices", "flow_fan")}
    assert all(f"(scale_up_draws/{name})" in page for name in shown)
    written = {p.name for p in (ROOT / "docs" / "scale_up_draws").iterdir()}
    assert shown <= written and all(name.endswith(".png") for name in written)
