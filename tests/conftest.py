"""Shared fixtures: a private copy of the data package that a test may break."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of data/ that a test can edit; data/ itself is never touched."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a copied file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
