"""Capacity charts and flow maps, checked through matplotlib's objects (bar widths, line widths, markers).

Toy flows (numbers of tests/test_allocate.py): 4 Mt/yr from mine a to market m; link b_r capped at 3 Mt/yr, so
3 Mt/yr go via P (31 USD/t) and 1 via E and T (38.5): b_r binds with a shadow price of 38.5 - 31 = 7.5 USD/t;
node e (capacity 2) carries 1 (50%), transfer t:rail1435>sea (capacity 5) carries 1 (20%). With RU closed all
flow goes via E, which caps it at 2: 2 Mt/yr unserved at the 1000 USD/t penalty, so e's price is 1000 - 38.5.
"""

import matplotlib
import pytest
from matplotlib.container import BarContainer

import corridor
from corridor.cli import main
from corridor.plot import write_plots
from corridor.plot._geo import Projection
from corridor.plot.flows import link_flows

from .conftest import DATA, ROOT, assert_texts_inside


@pytest.fixture(scope="module")
def toy_flows():
    s = corridor.load_scenario(DATA / "toy.toml")
    net = (s.network.change("links", {"id": "b_r"}, set={"capacity_mt_per_year": 3.0})
           .change("nodes", {"id": "e"}, set={"capacity_mt_per_year": 2.0})
           .change("transfers", {"id": "t:rail1435>sea"}, set={"capacity_mt_per_year": 5.0}))
    s = s.with_network(net).with_flows(supply={"a": 10.0}, demand={"m": 4.0})
    return corridor.run(s)


@pytest.fixture(scope="module")
def scale_up(shipped):
    return shipped("scale_up")


def _bars(ax):
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    return bars


def test_capacity_bars_are_the_utilisation_binding_first(toy_flows):
    fig = toy_flows.plot.capacity("baseline")
    ax = fig.axes[0]
    bars = _bars(ax)
    assert bars.get_label() == "utilisation"
    # top to bottom: b_r (binding, 7.5 USD/t), node e 1/2, transfer at t 1/5
    top_down = sorted(bars, key=lambda p: -p.get_y())
    assert [p.get_width() for p in top_down] == pytest.approx([1.0, 0.5, 0.2])
    labels = [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]
    assert labels[0].startswith("Border B – Station R") and "[link]" in labels[0]
    assert "[node]" in labels[1] and "[transfer]" in labels[2]
    values = [t.get_text() for t in sorted(ax.texts, key=lambda t: -t.xy[1]) if t.get_gid() == "value"]
    assert values[0] == "3.00 / 3.00 Mt/yr  ·  7.5 USD/t"
    assert values[1:] == ["1.00 / 2.00 Mt/yr", "1.00 / 5.00 Mt/yr"]
    # the binding bar stands out; the others share one colour
    colors = [matplotlib.colors.to_hex(p.get_facecolor()) for p in top_down]
    assert colors[0] != colors[1] == colors[2]
    assert "baseline" in ax.get_title(loc="left") and "utilisation" in ax.get_xlabel()


def test_capacity_bars_match_the_flow_table_in_every_case_and_panel(scale_up):
    cases = ["20 Mt/yr", "20 Mt/yr, Rajin expanded"]
    fig = scale_up.plot.capacity(cases, elements="all")
    panels = [ax for ax in fig.axes if ax.containers]
    assert [ax.get_gid() for ax in panels] == [f"capacity:{c}" for c in cases]
    for ax, case in zip(panels, cases, strict=True):
        el = scale_up.flow_elements.loc[case]
        top_down = sorted(_bars(ax), key=lambda p: -p.get_y())
        assert [p.get_width() for p in top_down] == pytest.approx(el["utilisation"].tolist())
        priced = el[el["shadow_price_usd_per_t"] > 0]
        texts = [t.get_text() for t in ax.texts if t.get_gid() == "value"]
        assert sum("USD/t" in t for t in texts) == len(priced) > 0
        assert f"{priced['shadow_price_usd_per_t'].iloc[0]:,.1f} USD/t" in texts[0]
    # "used" (default) drops the elements with no flow that do not bind
    used = scale_up.plot.capacity("20 Mt/yr")
    el = scale_up.flow_elements.loc["20 Mt/yr"]
    keep = el[(el["flow_mt_per_year"] > 1e-9) | el["binding"]]
    assert len(_bars(used.axes[0])) == len(keep) < len(el)


def test_flow_map_widths_follow_the_flows(toy_flows):
    flows = link_flows(toy_flows, "baseline")
    assert flows.to_dict() == pytest.approx({"a_b": 3.0, "b_r": 3.0, "r_p": 3.0, "p_m": 3.0,
                                             "a_e": 1.0, "e_t": 1.0, "t_m": 1.0})
    ax = toy_flows.plot.flow_map("baseline").axes[0]
    lines = {ln.get_gid()[5:]: ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("flow:")}
    assert set(lines) == set(flows.index)
    widths = {k: ln.get_linewidth() for k, ln in lines.items()}
    assert widths["a_b"] == widths["b_r"] > widths["a_e"] == widths["t_m"] > 0
    nodes = toy_flows.scenario.network.nodes
    x, y = Projection()(nodes.loc[["b", "r"], "lon"], nodes.loc[["b", "r"], "lat"])
    assert lines["b_r"].get_xdata() == pytest.approx(x) and lines["b_r"].get_ydata() == pytest.approx(y)


def test_flow_map_one_marker_per_binding_element(toy_flows, scale_up):
    ax = toy_flows.plot.flow_map("RU closed").axes[0]
    marks = [c.get_gid() for c in ax.collections if (c.get_gid() or "").startswith("bottleneck:")]
    assert marks == ["bottleneck:node:e"]
    numbers = [t.get_text() for t in ax.texts if t.get_gid() == "bottleneck_number"]
    assert numbers == ["1"]
    legend_texts = [t.get_text() for leg in ax.figure.legends for t in leg.get_texts()]
    assert any(t.startswith("1. Border E [node]: 962 USD/t") for t in legend_texts)  # 1000 - 38.5
    labels = {t.get_text() for t in ax.texts if t.get_gid() == "node_label"}
    assert {"Mine A: 2.0 Mt/yr out", "Market M: 2.0 of 4.0 Mt/yr in"} <= labels

    for case in ("20 Mt/yr", "20 Mt/yr, Rajin closed"):
        el = scale_up.flow_elements.loc[case]
        binding = el[el["binding"]]
        ax = scale_up.plot.flow_map(case).axes[0]
        marks = [c for c in ax.collections if (c.get_gid() or "").startswith("bottleneck:")]
        assert sorted(c.get_gid() for c in marks) == sorted(f"bottleneck:{k}:{i}" for k, i in
                                                            zip(binding["kind"], binding["id"], strict=True))
        assert all(len(c.get_offsets()) == 1 for c in marks)
        numbers = [t for t in ax.texts if t.get_gid() == "bottleneck_number"]
        assert len(numbers) == (binding["shadow_price_usd_per_t"] > 0).sum()


def test_flow_widths_agree_with_the_capacity_table(scale_up):
    """The decomposed routes put on each capacitated link what the LP put on it."""
    for case in scale_up.allocations:
        el = scale_up.flow_elements.loc[case]
        links = el[el["kind"] == "link"].set_index("id")["flow_mt_per_year"]
        flows = link_flows(scale_up, case).reindex(links.index, fill_value=0.0)
        assert flows.to_numpy() == pytest.approx(links.to_numpy(), abs=1e-6)


def test_flow_charts_need_flows(toy_flows):
    res = corridor.run(corridor.load_scenario(DATA / "toy.toml"))
    with pytest.raises(ValueError, match="no case has annual flows"):
        res.plot.capacity()
    with pytest.raises(KeyError, match="no case named 'nope'"):
        toy_flows.plot.flow_map("nope")
    with pytest.raises(ValueError, match="elements must be"):
        toy_flows.plot.capacity(elements="some")


@pytest.mark.slow
def test_flow_chart_texts_stay_inside_the_figure(scale_up):
    assert_texts_inside(scale_up.plot.flow_map("20 Mt/yr, half to China, Rajin closed"))
    assert_texts_inside(scale_up.plot.capacity(["10 Mt/yr", "20 Mt/yr, TT road paved"]))


@pytest.mark.slow
def test_plots_of_flows_write_capacity_and_flow_maps(toy_flows, tmp_path, capsys, blank_charts):
    written = write_plots(toy_flows, tmp_path / "p", cases=["baseline"], formats=("png",))
    assert {p.name for p in written} == {"cost_bars.png", "cost_distance_baseline.png", "map_baseline.png",
                                         "capacity_baseline.png", "flow_map_baseline.png"}
    # which files the command writes for the chosen cases: by name, so blank charts (the toy's capacity chart and
    # flow map above are drawn and written for real)
    blank_charts()
    scale = ROOT / "scenarios" / "scale_up.toml"
    assert main(["run", str(scale), "--plots", str(tmp_path / "s"), "--plot-case", "20 Mt/yr",
                 "--plot-case", "5 Mt/yr"]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        f"{k}_{c}.png" for k in ("capacity", "flow_map") for c in ("20_mt_yr", "5_mt_yr"))
    capsys.readouterr()
    toy = DATA / "toy.toml"  # the same checks on a scenario that solves in a moment
    assert main(["run", str(toy), "--plots", str(tmp_path / "x"), "--plot-case", "nope"]) == 2
    assert "no case named 'nope'" in capsys.readouterr().err and not (tmp_path / "x").exists()
    assert main(["run", str(toy), "--plot-case", "baseline"]) == 2
    assert "--plot-case needs --plots" in capsys.readouterr().err


def test_scale_up_gallery_is_what_the_documented_command_writes():
    page = (ROOT / "docs" / "outputs.md").read_text()
    assert 'corridor run scenarios/scale_up.toml --plots docs/scale_up --plot-case "20 Mt/yr"' in page
    assert "![" in page and "(scale_up/flow_map_20_mt_yr.png)" in page
    assert sorted(p.name for p in (ROOT / "docs" / "scale_up").iterdir()) == sorted(
        f"{k}_20_mt_yr.png" for k in ("capacity", "flow_map"))
