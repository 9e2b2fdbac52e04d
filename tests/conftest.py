import shutil
from pathlib import Path

import pytest

import corridor

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def toy_net():
    return corridor.load_network(DATA / "toy")


@pytest.fixture
def toy_scenario():
    return corridor.load_scenario(DATA / "toy.toml")


@pytest.fixture
def toy_copy(tmp_path):
    """A writable copy of the toy network folder and scenario, for bad-input tests."""
    shutil.copytree(DATA / "toy", tmp_path / "toy")
    shutil.copy(DATA / "toy.toml", tmp_path / "toy.toml")
    return tmp_path


def edit_csv(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
