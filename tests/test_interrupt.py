"""Real SIGINT and SIGTERM sent to ``corridor run`` while it writes its outputs: exit 130 or 143 with one line, no
traceback, the destination exactly as it was, no temporary file left."""

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import DATA
from .test_staging import snapshot, temps


def _start(args, cwd):
    env = dict(os.environ, PYTHONUNBUFFERED="1", MPLBACKEND="Agg")
    return subprocess.Popen([sys.executable, "-m", "corridor.cli", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_writing_leaves_the_destination_unchanged(tmp_path, signum, code):
    out = tmp_path / "out"
    out.mkdir()
    (out / "routes.csv").write_text("an earlier run\n")
    (out / "cost_bars.png").write_bytes(b"an earlier chart")
    (out / "notes.txt").write_text("the user's\n")
    before = snapshot(tmp_path)
    proc = _start(["run", DATA / "toy.toml", "--out", out, "--plots", out, "--plot-case", "baseline"], tmp_path)
    deadline = time.monotonic() + 120
    while not temps(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the staging folder appears when the files start being written
    assert proc.poll() is None, "the run ended before its outputs were being written"
    time.sleep(0.3)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and stderr.count("\n") == 1 and stderr.startswith("error: ")
    assert stdout == ""
    assert snapshot(tmp_path) == before
    assert not temps(tmp_path)


@pytest.mark.slow
def test_a_signal_before_any_output_writes_nothing(tmp_path, signum=signal.SIGTERM, code=143):
    """Interrupted while drawing (long before any output): nothing is created."""
    args = ["run", str(DATA / "toy_uncertainty.toml"), "--draws", "20000000", "--out", str(tmp_path / "out")]
    # "ready" once imported: the signal must reach main(), not the import
    code_text = f"import sys, corridor.cli; print('ready', flush=True); sys.exit(corridor.cli.main({args!r}))"
    proc = subprocess.Popen([sys.executable, "-c", code_text], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n"
    time.sleep(0.5)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and stderr.count("\n") == 1 and stderr.startswith("error: ")
    assert list(tmp_path.iterdir()) == []
