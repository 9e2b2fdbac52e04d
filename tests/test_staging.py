"""The one staging area of a run's outputs (corridor._files.Staging): every target checked first, everything written,
then swapped in; on a failure or a signal the destination is exactly as it was and no temporary file stays."""

import os
import signal
import stat

import pytest

import corridor
from corridor._files import Staging, replace_together
from corridor.cli import main
from corridor.errors import OutputError

from .conftest import DATA


def snapshot(folder):
    """Every file and folder under ``folder`` with its bytes (and mode), to compare before and after."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = (p.read_bytes() if p.is_file() else "dir", stat.S_IMODE(p.lstat().st_mode))
    return out


def temps(folder):
    return list(folder.rglob(".corridor-*"))


@pytest.fixture
def earlier(tmp_path):
    """A folder holding the outputs of an earlier run, and a file of the user's."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("earlier a\n")
    (out / "b.csv").write_text("earlier b\n")
    (out / "mine.txt").write_text("the user's\n")
    os.chmod(out / "a.csv", 0o640)
    return out


def test_commit_writes_everything_and_keeps_other_files(earlier):
    with Staging() as stage:
        stage.add(earlier / "a.csv", b"new a\n")
        stage.add(earlier / "c.csv", lambda path: path.write_text("new c\n"))
        stage.add(earlier / "sub" / "d.csv", b"new d\n")
        assert (earlier / "a.csv").read_text() == "earlier a\n"  # nothing before the block ends
    assert stage.written == [earlier / "a.csv", earlier / "c.csv", earlier / "sub" / "d.csv"]
    assert (earlier / "a.csv").read_text() == "new a\n" and (earlier / "c.csv").read_text() == "new c\n"
    assert (earlier / "sub" / "d.csv").read_text() == "new d\n"
    assert (earlier / "b.csv").read_text() == "earlier b\n" and (earlier / "mine.txt").exists()
    assert stat.S_IMODE((earlier / "a.csv").stat().st_mode) == 0o640  # a replaced file keeps its permissions
    assert not temps(earlier.parent)


def test_a_failing_writer_leaves_the_destination_as_it_was(earlier):
    before = snapshot(earlier.parent)

    def broken(path):
        path.write_text("half")
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError, match="drawing failed"), Staging() as stage:
        stage.add(earlier / "a.csv", b"new a\n")
        stage.add(earlier.parent / "elsewhere" / "x.png", broken)
        stage.add(earlier / "c.csv", b"new c\n")
    assert snapshot(earlier.parent) == before


def test_an_error_inside_the_block_writes_nothing(earlier):
    before = snapshot(earlier.parent)
    with pytest.raises(ZeroDivisionError), Staging() as stage:
        stage.add(earlier / "a.csv", b"new a\n")
        1 / 0  # noqa: B018
    assert snapshot(earlier.parent) == before


@pytest.mark.parametrize("setup,target,needle", [
    (lambda d: (d / "routes.csv").mkdir(), "routes.csv", "is a folder"),
    (lambda d: (d / "file").write_text("x"), "file/routes.csv", "is not a folder"),
    (lambda d: (d / "link").symlink_to(d / "gone"), "link/routes.csv", "broken link"),
])
def test_a_bad_target_is_refused_when_added_naming_it(earlier, setup, target, needle):
    setup(earlier)
    before = snapshot(earlier.parent)
    stage = Staging()
    stage.add(earlier / "a.csv", b"new")
    with pytest.raises(OutputError) as info:
        stage.add(earlier / target, b"x")
    assert str(info.value).startswith(str(earlier / target)) and needle in str(info.value)
    assert ".corridor" not in str(info.value)
    assert snapshot(earlier.parent) == before


def test_two_outputs_with_one_name_are_refused(tmp_path):
    stage = Staging()
    stage.add(tmp_path / "x.csv", b"1")
    with pytest.raises(OutputError, match="two outputs"):
        stage.add(tmp_path / "." / "x.csv", b"2")


@pytest.mark.parametrize("fail_at", [0, 1, 2])
def test_a_failure_during_the_swap_puts_everything_back(earlier, monkeypatch, fail_at):
    before = snapshot(earlier.parent)
    real = os.replace
    hits = []

    def replace(src, dst):
        if ".corridor" not in str(dst):  # a file moved into place (not one moved aside)
            hits.append(dst)
            if len(hits) == fail_at + 1:
                raise OSError(28, "No space left on device")
        return real(src, dst)

    stage = Staging()
    for name in ("a.csv", "b.csv", "new.csv"):
        stage.add(earlier / name, f"new {name}".encode())
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as info:
        stage.commit()
    monkeypatch.setattr(os, "replace", real)
    assert "No space left on device" in str(info.value) and ".corridor" not in str(info.value)
    assert snapshot(earlier.parent) == before


@pytest.mark.parametrize("signum,exc", [(signal.SIGINT, KeyboardInterrupt),
                                        (signal.SIGTERM, corridor.errors.Terminated)])
def test_a_signal_during_the_swap_is_held_then_everything_is_put_back(earlier, monkeypatch, signum, exc):
    """A real signal sent to this process in the middle of the swap: held until the files are back, then raised."""
    before = snapshot(earlier.parent)
    real = os.replace
    sent = []

    def replace(src, dst):
        out = real(src, dst)
        if not sent and str(dst) == str(earlier / "a.csv"):
            sent.append(signum)
            os.kill(os.getpid(), signum)  # delivered now; the staging holds it
        return out

    def terminate(s, frame):
        raise corridor.errors.Terminated(s)

    old = signal.signal(signal.SIGTERM, terminate)
    try:
        stage = Staging()
        for name in ("a.csv", "b.csv", "new.csv"):
            stage.add(earlier / name, f"new {name}".encode())
        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(exc):
            stage.commit()
    finally:
        signal.signal(signal.SIGTERM, old)
    assert sent == [signum]
    assert snapshot(earlier.parent) == before


def test_replace_together_keeps_modes_and_creates_new_files(tmp_path):
    (tmp_path / "a.csv").write_text("old")
    os.chmod(tmp_path / "a.csv", 0o600)
    replace_together({tmp_path / "a.csv": b"new", tmp_path / "b.csv": b"b"})
    assert (tmp_path / "a.csv").read_text() == "new" and (tmp_path / "b.csv").read_text() == "b"
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o600
    assert not temps(tmp_path)


def test_write_csv_errors_name_the_real_target(toy_scenario, tmp_path):
    res = corridor.run(toy_scenario)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "legs.csv").mkdir()
    with pytest.raises(OutputError) as info:
        res.write_csv(tmp_path / "out")
    assert str(info.value).startswith(str(tmp_path / "out" / "legs.csv")) and ".corridor" not in str(info.value)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["legs.csv"]


def test_write_plots_errors_name_the_real_target(toy_scenario, tmp_path, monkeypatch):
    from corridor.plot import PlotAccessor, write_plots

    res = corridor.run(toy_scenario)
    monkeypatch.setattr(PlotAccessor, "makers", lambda self, cases=None: {"cost_bars": _tiny_figure})
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "cost_bars.svg").mkdir()
    with pytest.raises(OutputError) as info:
        write_plots(res, tmp_path / "p", formats=("png", "svg"))
    assert str(info.value).startswith(str(tmp_path / "p" / "cost_bars.svg"))
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["cost_bars.svg"]


def _tiny_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.add_subplot().plot([0, 1])
    return fig


def test_a_run_failing_on_out_keeps_the_plots_of_an_earlier_run(tmp_path, monkeypatch, capsys):
    """--plots and --out share one staging area: a run that cannot write --out writes no chart and deletes none."""
    from corridor.plot import PlotAccessor

    monkeypatch.setattr(PlotAccessor, "makers", lambda self, cases=None: {"cost_bars": _tiny_figure})
    plots, out = tmp_path / "plots", tmp_path / "out"
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(plots), "--out", str(out)]) == 0
    assert sorted(p.name for p in plots.iterdir()) == ["cost_bars.png"]
    (out / "routes.csv").unlink()
    (out / "routes.csv").mkdir()
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(plots), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {out / 'routes.csv'}: is a folder")
    assert snapshot(tmp_path) == before


def test_check_writes_its_table_and_chart_together_or_neither(tmp_path, capsys):
    """``corridor check`` (validation) stages --out and --png together: a folder where the chart goes leaves no CSV."""
    (tmp_path / "chart.png").mkdir()
    before = snapshot(tmp_path)
    code = main(["check", "baseline", "--out", str(tmp_path / "obs.csv"), "--png", str(tmp_path / "chart.png")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith(f"error: {tmp_path / 'chart.png'}: is a folder")
    assert snapshot(tmp_path) == before and not temps(tmp_path)
