"""Charts of a run with draws and the tornado, checked through matplotlib's objects
(tests/data/toy_uncertainty.toml)."""

import matplotlib
import numpy as np
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

import corridor
from corridor.cli import main
from corridor.plot.uncertainty import tornado_chart
from corridor.uncertainty import tornado

from .conftest import DATA

TOY_U = DATA / "toy_uncertainty.toml"
to_rgba = matplotlib.colors.to_rgba


@pytest.fixture(scope="module")
def drawn():
    return corridor.run(corridor.load_scenario(TOY_U), draws=2000, seed=4)


def test_p_cheapest_bars_are_the_shares_in_route_colours(drawn):
    d = drawn.uncertainty["baseline"]
    fig = drawn.plot.p_cheapest("baseline")
    assert isinstance(fig, Figure) and fig.canvas.manager is None  # a plain Figure, not a pyplot one
    (bars,) = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
    top_down = sorted(bars, key=lambda p: -p.get_y())
    assert [p.get_width() for p in top_down] == pytest.approx(list(d.p_cheapest))
    assert sum(p.get_width() for p in bars) == pytest.approx(1.0)
    assert 0 < d.p_cheapest[0] < 1  # both routes win some draws: the chart shows a real split
    colors = drawn.plot.colors()
    assert [to_rgba(p.get_facecolor(), 1) for p in top_down] == [to_rgba(colors[("baseline", r)]) for r in d.ranks]
    assert "baseline" in fig.get_suptitle()


def test_cost_distribution_one_violin_per_route_and_percentiles(drawn):
    d = drawn.uncertainty["baseline"]
    fig = drawn.plot.cost_distribution("baseline")
    ax = fig.axes[0]
    bodies = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    assert len(bodies) == len(d.ranks)
    colors = drawn.plot.colors()
    assert [to_rgba(b.get_facecolor()[0], 1) for b in bodies] == [to_rgba(colors[("baseline", r)]) for r in d.ranks]
    (p50,) = [ln for ln in ax.get_lines() if ln.get_gid() == "p50"]
    assert list(p50.get_xdata()) == pytest.approx(list(np.percentile(d.cost, 50, axis=1)))
    assert list(p50.get_xdata()) == pytest.approx(drawn.routes.loc["baseline"].loc[d.ranks, "p50_usd_per_t"].tolist())
    (file_values,) = [ln for ln in ax.get_lines() if ln.get_gid() == "file"]
    assert list(file_values.get_xdata()) == pytest.approx([31.0, 38.5][:len(d.ranks)])
    assert "USD/t" in ax.get_xlabel()
    gen = drawn.plot.cost_distribution("baseline", metric="generalized")
    assert "generalized" in gen.axes[0].get_xlabel()
    with pytest.raises(ValueError, match="metric"):
        drawn.plot.cost_distribution(metric="money")


def test_charts_of_draws_need_draws(toy_scenario):
    res = corridor.run(toy_scenario)
    with pytest.raises(ValueError, match="no draws"):
        res.plot.p_cheapest()


def test_tornado_bars_are_the_changes_biggest_on_top():
    s = corridor.load_scenario(TOY_U)
    table = tornado(s, case="baseline", metric="cost")
    fig = tornado_chart(table)
    ax = fig.axes[0]
    bars = {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}
    part = table.sort_values("swing", ascending=False, kind="stable")
    for side in ("low", "high"):
        top_down = sorted(bars[side], key=lambda p: -p.get_y())
        assert [p.get_width() for p in top_down] == pytest.approx(part[f"change_{side}"].tolist())
    ticks = [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]
    assert ticks[0].startswith(part["parameter"].iloc[0])
    # the accessor computes the same table itself
    acc = corridor.run(s).plot.tornado("baseline", metric="cost")
    got = {c.get_label(): [p.get_width() for p in c] for c in acc.axes[0].containers}
    assert got == {k: pytest.approx([p.get_width() for p in v]) for k, v in bars.items()}


def test_plots_after_draws_write_distribution_and_p_cheapest(tmp_path, blank_charts):
    # the charts of a run without draws are drawn and written for real in test_plot.py; these are drawn here
    blank_charts("cost_bars", "cost_distance", "map")
    assert main(["run", str(TOY_U), "--draws", "500", "--plots", str(tmp_path / "p")]) == 0
    stems = {p.stem for p in (tmp_path / "p").glob("*.png")}
    assert stems == {"cost_bars", *(f"{k}_{c}" for k in ("cost_distance", "map", "cost_distribution", "p_cheapest")
                                    for c in ("baseline", "ru_closed"))}
