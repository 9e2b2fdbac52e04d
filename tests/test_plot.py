"""Plots, checked through matplotlib's objects (bar widths, line vertices, steps, texts), not pixels.

Toy numbers (see test_routes_toy.py): via P, rail 13 + sea 8 + transfer 8 + border 2 = 31 USD/t over 1,600 km and
6.95 days, steps at A (load 1), B (pass 2 USD, 1 day), P (port 5 USD, 2 days), M (unload 2 USD, 0.5 day); via E and T,
38.5 USD/t, steps at A, E (gauge 4 USD, 1 day), T (port 3 USD, 1 day), M.
"""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.container import BarContainer

import corridor
from corridor.cli import main
from corridor.plot import write_plots
from corridor.plot._geo import Projection
from corridor.plot.distance import route_profile

from .conftest import DATA, ROOT, assert_texts_inside


@pytest.fixture(scope="module")
def toy():
    return corridor.run(corridor.load_scenario(DATA / "toy.toml"))


def _lines(ax, prefix="route:"):
    return {ln.get_gid(): ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith(prefix)}


def _steps(line):
    """Vertical segments of a polyline: (x, y_from, y_to)."""
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    return [(x[i], y[i], y[i + 1]) for i in range(len(x) - 1) if x[i] == x[i + 1]]


@pytest.mark.slow
def test_matplotlib_is_not_imported_until_a_plot_is_drawn():
    code = (f"import sys, corridor; r = corridor.run(corridor.load_scenario({str(DATA / 'toy.toml')!r})); r.plot; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cost_bars_widths_are_the_breakdown(toy):
    fig = toy.plot.cost_bars()
    axes = [ax for ax in fig.axes if ax.containers]
    assert len(axes) == len(toy.cases)
    for ax, case in zip(axes, toy.cases, strict=True):
        assert case in ax.get_title(loc="left")
        bars = {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}
        ranks = list(toy.routes.loc[case].index)
        for comp in ("rail", "road", "sea", "transfer", "border"):
            widths = [p.get_width() for p in bars[comp]]
            # bars in rank order (rank 1 drawn at the top)
            assert widths == pytest.approx(toy.components.loc[case].loc[ranks, comp].tolist())
        total = sum(np.array([p.get_width() for p in c]) for c in bars.values())
        assert total == pytest.approx(toy.routes.loc[case, "generalized_usd_per_t"].to_numpy())
        assert [p.get_y() for p in bars["rail"]] == sorted((p.get_y() for p in bars["rail"]), reverse=True)
        # bars are stacked: each segment starts where the one before it ends
        lefts = np.array([[p.get_x() for p in bars[c]] for c in ("rail", "road", "sea", "transfer", "border")])
        ends = np.cumsum([[p.get_width() for p in bars[c]] for c in ("rail", "road", "sea", "transfer")], axis=0)
        assert lefts[1:] == pytest.approx(ends)
    first = {c.get_label(): c[0].get_width() for c in axes[0].containers}
    assert first == pytest.approx({"rail": 13.0, "road": 0.0, "sea": 8.0, "transfer": 8.0, "border": 2.0,
                              "time_value": 0.0})
    # the time value segment of 'time is money' (10 USD/t-day): via E 5.7 d = 57, via P 6.95 d = 69.5
    time_bars = {c.get_label(): c for c in axes[-1].containers}["time_value"]
    assert [p.get_width() for p in time_bars] == pytest.approx([57.0, 69.5])
    totals = [t.get_text() for t in axes[0].texts if t.get_gid() == "total"]
    assert totals[0].startswith("31.0 USD/t") and totals[1].startswith("38.5 USD/t")
    assert "USD/t" in axes[-1].get_xlabel()


def test_cost_distance_one_line_per_route_and_a_step_per_stop(toy):
    fig = toy.plot.cost_distance("baseline")
    ax_usd, ax_days = fig.axes
    assert "toy" in fig.get_suptitle() and "baseline" in fig.get_suptitle()
    assert "USD/t" in ax_usd.get_ylabel() and "days" in ax_days.get_ylabel() and "km" in ax_days.get_xlabel()
    lines = _lines(ax_usd)
    assert set(lines) == {"route:1", "route:2"} and set(_lines(ax_days)) == {"route:1", "route:2"}
    via_p, via_e = lines["route:1"], lines["route:2"]
    assert via_p.get_xdata()[-1] == pytest.approx(1600) and via_p.get_ydata()[-1] == pytest.approx(31.0)
    assert _lines(ax_days)["route:1"].get_ydata()[-1] == pytest.approx(6.95)
    steps = _steps(via_p)
    assert [(x, round(b - a, 9)) for x, a, b in steps] == [(0, 1.0), (100, 2.0), (600, 5.0), (1600, 2.0)]
    assert [(x, round(b - a, 9)) for x, a, b in _steps(_lines(ax_days)["route:1"])] == [
        (0, 0.0), (100, 1.0), (600, 2.0), (1600, 0.5)]
    assert [(x, round(b - a, 9)) for x, a, b in _steps(via_e)] == [(0, 1.0), (300, 4.0), (800, 3.0), (1600, 2.0)]
    # slopes along links: rail A-B 100 km at 0.03 USD/t-km
    x, y = via_p.get_xdata(), via_p.get_ydata()
    assert (y[2] - y[1]) / (x[2] - x[1]) == pytest.approx(0.03)
    labels = {t.get_text() for t in ax_usd.texts if t.get_gid() == "step"}
    assert {"Mine A", "Border B", "Port P", "Border E", "Port T", "Market M"} <= labels


def test_pass_charge_and_transfer_at_one_node_make_one_step(toy_net, toy_scenario):
    net = toy_net.change("nodes", {"id": "e"}, set={"pass_usd_per_t": 1.5, "pass_hours": 12.0})
    res = corridor.run(toy_scenario.with_network(net).with_cases([{"name": "RU closed",
                                                                   "close": {"countries": ["RU"]}}]))
    legs = res.legs[res.legs["rank"] == 1].sort_values("seq")
    assert list(legs.loc[legs["node"] == "e", "kind"]) == ["link", "pass", "transfer"]
    points, steps = route_profile(legs)
    e = steps.set_index("node").loc["e"]
    assert (e["usd_to"] - e["usd_from"], e["days_to"] - e["days_from"]) == pytest.approx((5.5, 1.5))
    assert e["kinds"] == "pass+transfer" and list(steps["node"]) == ["a", "e", "t", "m"]
    assert points["usd_per_t"].iloc[-1] == pytest.approx(res.routes["cost_usd_per_t"].iloc[0])
    line = _lines(res.plot.cost_distance().axes[0])["route:1"]
    assert len(_steps(line)) == 5  # a, e (pass), e (transfer) drawn as one vertical, t, m: vertices at one x
    xs = sorted({x for x, _, _ in _steps(line)})
    assert xs == [0, 300, 800, 1600]


def test_a_route_keeps_its_colour_in_every_chart(toy):
    colors = toy.plot.colors()
    # via P is rank 1 in baseline and rank 2 with the RU tariff doubled: the same route, the same colour
    assert colors[("baseline", 1)] == colors[("RU tariff doubled", 2)] == colors[("time is money", 2)]
    assert colors[("baseline", 1)] != colors[("baseline", 2)]
    to_rgba = matplotlib.colors.to_rgba
    line = _lines(toy.plot.cost_distance("RU tariff doubled").axes[0])["route:2"]
    band = _lines(toy.plot.map("RU tariff doubled").axes[0])["route:2"]
    assert to_rgba(line.get_color()) == to_rgba(band.get_color()) == to_rgba(colors[("baseline", 1)])
    ticks = toy.plot.cost_bars("RU tariff doubled").axes[0].get_yticklabels()
    assert [to_rgba(t.get_color()) for t in ticks] == [to_rgba(colors[("RU tariff doubled", r)]) for r in (1, 2)]


def test_map_draws_routes_links_nodes_and_what_is_closed(toy, toy_net):
    fig = toy.plot.map("RU closed")
    ax = fig.axes[0]
    assert "RU closed" in fig.get_suptitle()
    assert all(t.get_text().endswith("°E") for t in ax.get_xticklabels())
    assert all(t.get_text().endswith("°N") for t in ax.get_yticklabels())
    bands = _lines(ax)
    assert list(bands) == ["route:1"]
    nodes = toy_net.nodes
    x, y = Projection()(nodes.loc[["a", "e", "t", "m"], "lon"], nodes.loc[["a", "e", "t", "m"], "lat"])
    # the toy links have no drawn course, and a single route is not moved sideways: it runs through its nodes
    assert bands["route:1"].get_xdata() == pytest.approx(x) and bands["route:1"].get_ydata() == pytest.approx(y)
    by_gid = {}
    for ln in ax.get_lines():
        if (ln.get_gid() or "").startswith("link:"):
            by_gid[ln.get_gid()] = by_gid.get(ln.get_gid(), 0) + 1
    # RU closed: b-r, r-p (RU rail) and p-m (sea from the closed port P) are faint; a-b and a-e stay
    assert by_gid == {"link:rail1520": 2, "link:rail1435": 1, "link:sea": 1, "link:closed": 3}
    def node_marks(ax):
        return {c.get_gid(): len(c.get_offsets()) for c in ax.collections if c.get_gid().startswith("nodes:")}

    # station R and port P are in Russia: drawn as closed nodes
    assert node_marks(ax) == {"nodes:mine": 1, "nodes:border": 2, "nodes:port": 1, "nodes:market": 1,
                              "nodes:closed": 2}
    assert node_marks(toy.plot.map("baseline").axes[0]) == {"nodes:mine": 1, "nodes:station": 1, "nodes:border": 2,
                                                            "nodes:port": 2, "nodes:market": 1}
    countries = {t.get_text() for t in ax.texts if t.get_gid() == "country"}
    assert countries == {"MONGOLIA", "CHINA", "RUSSIA", "KOREA"}


@pytest.mark.slow
def test_labels_stay_inside_the_figure(shipped):
    res = shipped("test_shipment_2015")
    for fig in res.plot.figures().values():
        assert_texts_inside(fig)


def test_dollar_signs_are_text_not_mathematics(toy_scenario):
    s = toy_scenario.with_cases([{"name": "cut", "description": "from US$25 to US$15 per tonne",
                                  "close": {"countries": ["RU"]}}])
    fig = corridor.run(s).plot.cost_bars()
    title = fig.axes[0].get_title(loc="left")
    assert r"US\$25 to US\$15" in title
    fig.draw_without_rendering()


def test_unknown_or_failed_case_is_a_clear_error(toy_scenario, blank_charts):
    res = corridor.run(toy_scenario.with_case("all shut", close={"countries": ["RU", "CN"]}))
    with pytest.raises(KeyError, match="no case named 'nope'"):
        res.plot.map("nope")
    with pytest.raises(ValueError, match="'all shut' has no route"):
        res.plot.cost_distance("all shut")
    with pytest.raises(KeyError, match="no route ranked"):
        res.plot.cost_distance("baseline", ranks=[7])
    blank_charts()  # which charts figures() makes, by name: no need to draw them
    assert "all_shut" not in " ".join(res.plot.figures())


@pytest.mark.slow
def test_write_plots_writes_every_chart_in_both_formats(toy, tmp_path):
    written = write_plots(toy, tmp_path / "plots", formats=("png", "svg"))
    stems = {p.stem for p in written}
    assert stems == {"cost_bars", *(f"{k}_{c}" for k in ("cost_distance", "map")
                                    for c in ("baseline", "ru_closed", "ru_tariff_doubled", "time_is_money"))}
    assert {p.suffix for p in written} == {".png", ".svg"} and len(written) == 2 * len(stems)
    assert (tmp_path / "plots" / "map_baseline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "plots" / "cost_bars.svg").read_text().lstrip().startswith("<?xml")
    again = write_plots(toy, tmp_path / "again", formats=("png", "svg"))
    assert [p.read_bytes() for p in again if p.suffix == ".svg"] == [p.read_bytes() for p in written
                                                                    if p.suffix == ".svg"]


def test_write_plots_is_all_or_nothing(toy, tmp_path, monkeypatch, blank_charts):
    from matplotlib.figure import Figure

    from corridor.plot import PlotAccessor

    def broken(self, case=None, **kw):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(PlotAccessor, "map", broken)
    with pytest.raises(RuntimeError):
        write_plots(toy, tmp_path / "plots")
    assert not (tmp_path / "plots").exists()
    assert list(tmp_path.iterdir()) == []
    # every chart is drawn before a file is written, so that failure came before any file: fail in the middle of
    # writing too (the third file): the two already written are taken back with their temporary folder
    blank_charts()
    real, saved = Figure.savefig, []

    def failing_third(self, fname, *args, **kwargs):
        saved.append(fname)
        if len(saved) == 3:
            raise OSError("disk full")
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", failing_third)
    with pytest.raises(OSError, match="disk full"):
        write_plots(toy, tmp_path / "plots")
    assert len(saved) == 3 and not (tmp_path / "plots").exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_plots(tmp_path, capsys, blank_charts):
    blank_charts()  # the charts themselves are drawn and written in test_write_plots_writes_every_chart_in_both_formats
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(tmp_path / "p")]) == 0
    assert "Case: baseline" in capsys.readouterr().out
    assert len(list((tmp_path / "p").glob("*.png"))) == 9 and not list((tmp_path / "p").glob("*.svg"))


def test_gallery_images_exist_and_are_what_the_documented_command_writes(shipped):
    import re

    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    images = {(page.parent / img).resolve() for page in pages
              for img in re.findall(r"!\[[^\]]*\]\(([^)]*gallery/[^)]+)\)", page.read_text())}
    assert len(images) == 3  # the cost bars (README and docs/outputs.md), a time/cost-distance chart and a map
    for img in images:
        assert img.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    documented = (ROOT / "docs" / "outputs.md").read_text()
    assert "corridor run scenarios/test_shipment_2015.toml --plots docs/gallery" in documented
    # the gallery holds exactly the charts the documented command draws (so it is not stale after a case is renamed)
    res = shipped("test_shipment_2015")
    from corridor.plot import _stems

    solved = list(dict.fromkeys(res.routes.index.get_level_values("case")))
    stems = {"cost_bars", *(f"{k}_{s}" for s in _stems(solved).values() for k in ("cost_distance", "map"))}
    assert {p.name for p in (ROOT / "docs" / "gallery").iterdir()} == {f"{s}.png" for s in stems}


def test_plots_of_a_run_with_nothing_to_draw_write_nothing(toy_scenario, tmp_path):
    res = corridor.run(toy_scenario.with_cases([{"name": "all shut", "close": {"countries": ["RU", "CN"]}}]))
    assert len(res.routes) == 0 and not res.allocations
    assert write_plots(res, tmp_path / "p") == [] and not (tmp_path / "p").exists()


def test_plots_of_a_flows_only_run_are_capacity_charts_and_flow_maps(tmp_path, shipped, blank_charts):
    res = shipped("scale_up")
    assert len(res.routes) == 0
    # which files, by name: capacity charts and flow maps of the scale-up cases are drawn and written for real in
    # test_plot_flows.py (test_plots_of_flows_write_capacity_and_flow_maps)
    blank_charts()
    written = write_plots(res, tmp_path / "p", formats=("png",))
    from corridor.plot import _stems

    assert {p.stem for p in written} == {f"{k}_{s}" for s in _stems(res.cases).values()
                                         for k in ("capacity", "flow_map")}
