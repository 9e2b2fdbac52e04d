"""Every notebook under notebooks/ runs top to bottom with a real Jupyter kernel (the one of this Python)."""

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory):
    """A ``python3`` kernelspec that starts this very interpreter, found first on JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    return root


def test_there_are_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"01_test_shipment_2015.ipynb", "02_corridor_comparison.ipynb",
                                          "03_scale_up.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stripped_and_starts_with_parameters(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", [])
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs not stripped"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "corridor." in text
    for private in ("corridor.plot._", "corridor.routes", "corridor.graph", "corridor.solve", "from corridor."):
        assert private not in text, f"{path.name} uses {private!r}: notebooks use the public API only"


# Notebook 01 runs (with a changed parameter) in the papermill test below: the others run here.
BY_CLIENT = [p for p in NOTEBOOKS if p.name != "01_test_shipment_2015.ipynb"]


def assert_charts_displayed(nb, name: str) -> None:
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    plot_cells = [c for c in nb.cells if c.cell_type == "code" and ".plot." in c.source]
    assert len(images) >= len(plot_cells), f"{name}: a chart did not display"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", BY_CLIENT, ids=[p.stem for p in BY_CLIENT])
def test_notebook_runs(path, kernel_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError naming the cell if one fails
    assert_charts_displayed(nb, path.name)


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_notebook_runs_through_papermill_with_a_changed_parameter(kernel_path, monkeypatch, tmp_path):
    """The `notebooks` extra's papermill runs notebook 01 with another Russian tariff, and the result follows it."""
    papermill = pytest.importorskip("papermill")
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    path = ROOT / "notebooks" / "01_test_shipment_2015.ipynb"
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(path), str(out), parameters={"russian_tariff_scale": 0.4},
                               kernel_name="python3", cwd=str(path.parent), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "russian_tariff_scale = 0.4" in injected[0].source
    texts = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("data", {}).get("text/html", ""))
                      for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Russian tariff x0.4" in texts and "Russian tariff x0.7" not in texts
    assert_charts_displayed(nb, path.name)  # notebook 01 ran top to bottom (papermill raises on a failed cell)
