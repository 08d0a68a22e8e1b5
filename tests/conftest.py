"""Shared fixtures: a private copy of the data package that a test may break, and the book built once.

``book`` is the one full build of a test session: every notebook executes once, from a copy of the
real data package, into a temporary build folder. The notebook, site and build tests all look at
its outputs, so ``make test`` executes each notebook once rather than once per kind of test.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis import build

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


def set_value(path: Path, value: float, quote: str | None = None, **match: str) -> None:
    """Set the ``value`` cell (and the ``quote``, if given) of the one CSV row whose columns equal
    ``match`` (compared as text). A verified row's quote must carry its value (validate checks)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hits = [r for r in rows if all(r[k] == str(v) for k, v in match.items())]
    assert len(hits) == 1, f"{len(hits)} rows of {path.name} match {match}"
    hits[0]["value"] = f"{value:.15g}"
    if quote is not None:
        hits[0]["quote"] = quote
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@dataclass
class Book:
    """The session's build: where it put things, what it printed, and why it failed if it did."""
    root: Path  # the book that was built (the repository)
    data: Path
    build_dir: Path
    out: Path
    lines: list[str]
    error: str | None

    @property
    def exec_dir(self) -> Path:
        return build.exec_dir_for(self.build_dir, self.data)

    def site(self) -> Path:
        """The published HTML folder; a test of the site fails (with the build's error) if there is none."""
        if self.error:
            pytest.fail(f"the book did not build:\n{self.error}")
        return self.out


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Book:
    """One clean, strict build of the whole book from a copy of data/, shared by the whole session."""
    tmp = tmp_path_factory.mktemp("book")
    data = tmp / "data"
    shutil.copytree(DATA, data)
    before = tree_hash(DATA)
    lines: list[str] = []
    error = None
    try:  # run times of an earlier `make book` (if any) put the longest notebooks first
        build.build(data_dir=data, build_dir=tmp / "_build", out=tmp / "html", say=lines.append, root=ROOT,
                    timings_from=[build.exec_dir_for(build.DEFAULT_BUILD_DIR, DATA)])
    except build.BuildError as err:
        error = str(err)
    yield Book(root=ROOT, data=data, build_dir=tmp / "_build", out=tmp / "html", lines=lines, error=error)
    assert tree_hash(DATA) == before, "a build wrote to data/"
