import os
import shutil
from pathlib import Path

import pytest

import corridor

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SHIPPED = Path(corridor.__file__).parent / "data"  # the shipped networks


@pytest.fixture
def toy_net():
    return corridor.load_network(DATA / "toy")


@pytest.fixture
def toy_scenario():
    return corridor.load_scenario(DATA / "toy.toml")


@pytest.fixture(scope="session")
def shipped():
    """``shipped(stem)``: the results of ``scenarios/<stem>.toml``, solved once in a session and shared (read them,
    do not change them; a test of solving itself runs the scenario anew)."""
    solved = {}

    def get(stem: str):
        if stem not in solved:
            solved[stem] = corridor.run(corridor.load_scenario(ROOT / "scenarios" / f"{stem}.toml"))
        return solved[stem]

    return get


CHARTS = ("cost_bars", "cost_distance", "map", "capacity", "flow_map", "cost_distribution", "p_cheapest")


@pytest.fixture
def blank_charts(monkeypatch):
    """``blank_charts(*charts)``: from then on, those chart methods of ``res.plot`` (every one by default) return a
    small blank figure instead of drawing. For tests of which files ``write_plots`` and ``--plots`` write (names,
    formats, all or nothing), not of what a chart shows; each kind of chart is drawn and written for real elsewhere."""
    from corridor.plot import PlotAccessor

    def blank(self, case=None, **kwargs):
        from matplotlib.figure import Figure

        return Figure(figsize=(1, 1))

    def apply(*charts):
        for chart in charts or CHARTS:
            monkeypatch.setattr(PlotAccessor, chart, blank)

    return apply


@pytest.fixture(scope="session")
def computed_sea_distances():
    """The sea distances of the baseline network as ``corridor sea-distances`` computes them (searoute)."""
    pytest.importorskip("searoute")
    from corridor.tools.sea_distances import compute

    return compute("baseline")


@pytest.fixture
def toy_copy(tmp_path):
    """A writable copy of the toy network folder and scenario, for bad-input tests."""
    shutil.copytree(DATA / "toy", tmp_path / "toy")
    shutil.copy(DATA / "toy.toml", tmp_path / "toy.toml")
    return tmp_path


def assert_input_error(path, *needles) -> str:
    """Loading the scenario file (``.toml``) or network folder at ``path`` fails with an InputError naming the
    path and every needle; returns the message."""
    with pytest.raises(corridor.InputError) as info:
        corridor.load_scenario(path) if str(path).endswith(".toml") else corridor.load_network(path)
    text = str(info.value)
    for needle in (str(path), *needles):
        assert needle in text, text
    return text


def copy_shipped_network(tmp_path, name="baseline"):
    """A writable copy of a shipped network folder, at ``tmp_path / "net"``."""
    dst = tmp_path / "net"
    shutil.copytree(SHIPPED / name, dst)
    return dst


def sea_arcs(net, lot):
    """The sea link arcs of ``net``'s routing graph for a lot of ``lot`` tonnes."""
    from corridor.graph import build_graph

    g = build_graph(net, lot_t=lot)
    arcs = g.arcs[(g.arcs["mode"] == "sea") & (g.arcs["kind"] == "link")]
    # with transit regimes a sea link has one arc per layer (and cargo country) it may be sailed from, all priced
    # alike (sea legs belong to no country): one per link
    return arcs.drop_duplicates("ref")


def edit_csv(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def assert_texts_inside(fig):
    """Every drawn text (tick labels inside the axis range, labels, legends, titles) ends inside the figure."""
    import matplotlib.text

    fig.draw_without_rendering()
    box = fig.bbox
    ticks = {id(label): (tick, axis) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for tick in axis.get_major_ticks() for label in (tick.label1, tick.label2)}

    def drawn(t):
        if id(t) in ticks:
            tick, axis = ticks[id(t)]
            lo, hi = sorted(axis.get_view_interval())
            if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                return False
        return t.get_visible() and bool(t.get_text().strip())

    texts = [t for t in fig.findobj(matplotlib.text.Text) if drawn(t)]
    assert len(texts) > 10
    for t in texts:
        bb = t.get_window_extent()
        assert box.x0 - 1 <= bb.x0 and bb.x1 <= box.x1 + 1 and box.y0 - 1 <= bb.y0 and bb.y1 <= box.y1 + 1, \
            f"{fig.get_suptitle()}: {t.get_text()!r} is cut"


def pytest_collection_modifyitems(config, items):
    """The long fuzz profile (``@pytest.mark.fuzz``) runs only when asked: ``-m fuzz`` or ``CORRIDOR_FUZZ=long``."""
    if "fuzz" in (config.getoption("markexpr") or "") or os.environ.get("CORRIDOR_FUZZ") == "long":
        return
    kept = [item for item in items if item.get_closest_marker("fuzz") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("fuzz")])
        items[:] = kept


@pytest.fixture
def regimes_net():
    """The toy network with transit regimes and money in several currencies (tests/data/toy_regimes)."""
    return corridor.load_network(DATA / "toy_regimes")


@pytest.fixture
def regimes_copy(tmp_path):
    """A writable copy of tests/data/toy_regimes (a folder)."""
    shutil.copytree(DATA / "toy_regimes", tmp_path / "net")
    return tmp_path / "net"
