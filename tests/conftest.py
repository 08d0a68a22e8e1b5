"""Shared fixtures: a private copy of the data package that a test may break, and the book built once.

``book`` is the one full build of a test session: every notebook executes once, from a copy of the
real data package, into a temporary build folder. The notebook, site and build tests all look at
its outputs, so ``make test`` executes each notebook once rather than once per kind of test.
``updated`` is the README's update of that book: only the pages that read what it changed run again.
Slow work on the book (the update, the PDF, the judges) runs in the background; see below.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from analysis import build, execution

ROOT = Path(__file__).resolve().parent.parent
_T0 = time.perf_counter()
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
    built = Book(root=ROOT, data=data, build_dir=tmp / "_build", out=tmp / "html", lines=[], error=None)

    def executed(_):  # work that needs only the executions starts while Sphinx writes the site
        for name in _NEEDED:
            if _EARLY[name]:
                _start(name, built)

    began = time.perf_counter() - _T0
    try:  # run times of an earlier `make book` (if any) put the longest notebooks first
        build.build(data_dir=data, build_dir=built.build_dir, out=built.out, say=built.lines.append, root=ROOT,
                    timings_from=[build.exec_dir_for(build.DEFAULT_BUILD_DIR, DATA)], on_executed=executed)
    except build.BuildError as err:
        built.error = str(err)
    _TIMES["book (the session's build)"] = (began, time.perf_counter() - _T0)
    for name in _NEEDED:
        _start(name, built)
    yield built
    _WORKER.shutdown(wait=True)
    assert tree_hash(DATA) == before, "a build wrote to data/"


# --- slow work on the session's book, in the background --------------------------------------------
#
# The update's run, the PDF and the site judges each take tens of seconds and need nothing but the
# session's build. They start one after another on one background thread as soon as the book is
# built, while the quick tests run in the main thread, so both cores stay busy. The tests that use
# their results are collected last (below) and wait for them. Each piece is registered under the
# name of the fixture that returns its result, and starts only if a collected test needs it.

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="book-work")
_SLOW: dict[str, Callable[["Book"], object]] = {}
_EARLY: dict[str, bool] = {}  # needs only the executed notebooks, not the site
_STARTED: dict[str, Future] = {}
_NEEDED: list[str] = []


def background(fixture_name: str, early: bool = False):
    """Register ``work(book)`` as the slow work whose result the fixture ``fixture_name`` returns;
    ``early`` work needs only the executed notebooks and starts before the site is written."""
    def register(work):
        _SLOW[fixture_name], _EARLY[fixture_name] = work, early
        return work
    return register


_TIMES: dict[str, tuple[float, float]] = {}  # seconds after the session began: start, end


def _start(name: str, book: "Book") -> Future:
    if name not in _STARTED:
        def timed(book):
            began = time.perf_counter()
            try:
                return _SLOW[name](book)
            finally:
                _TIMES[name] = (began - _T0, time.perf_counter() - _T0)
        _STARTED[name] = _WORKER.submit(timed, book)
    return _STARTED[name]


def pytest_terminal_summary(terminalreporter):
    """When each piece of background work ran: what a maintainer needs to see where the time goes."""
    for name, (began, ended) in sorted(_TIMES.items(), key=lambda kv: kv[1]):
        terminalreporter.write_line(f"background {name}: {ended - began:.1f} s (from {began:.0f} s to {ended:.0f} s "
                                    "after the session began)")


def result_of(name: str, book: "Book"):
    """The slow work's result (raising its error), waiting for it; started now if it was not yet."""
    return _start(name, book).result()


def pytest_collection_modifyitems(session, config, items):
    """Tests that wait for slow work go last, in the order their work will finish."""
    uses = {name: [i for i, item in enumerate(items) if name in item.fixturenames] for name in _SLOW}
    _NEEDED[:] = sorted((n for n in uses if uses[n]), key=lambda n: (not _EARLY[n], uses[n][0]))
    late = {i for n in _NEEDED for i in uses[n]}
    first_use = {i: min(_NEEDED.index(n) for n in _NEEDED if i in uses[n]) for i in late}
    items[:] = ([item for i, item in enumerate(items) if i not in late]
                + [items[i] for i in sorted(late, key=lambda i: (first_use[i], i))])


@dataclass
class Update:
    """The session's book after the README's update: what was changed, what ran, and what it printed."""
    data: Path  # the updated copy of the data package
    exec_dir: Path  # the executions, copied from the session's build and brought up to date
    drills: list  # per drill: page, figure, period column, new period, new value (or None)
    micro: float  # the corrected census micro-firm share
    ran: list[dict] = field(default_factory=list)  # execution history entries of the update's run
    output: str = ""
    data_hash: tuple[str, str] = ("", "")  # tree hash of data/ before and after


def relocate(exec_dir: Path, dest: Path, old_data: Path, new_data: Path) -> None:
    """A copy of an executions folder whose records name ``new_data`` where they named ``old_data``, so
    only what differs between the two data folders is stale."""
    shutil.copytree(exec_dir, dest)
    for record in dest.rglob("*.json"):
        record.write_text(record.read_text(encoding="utf-8").replace(str(old_data), str(new_data)), encoding="utf-8")


@pytest.fixture(scope="session")
def updated(book) -> Update:
    """The README's update done once on the session's book: the next edition of four figure families
    and one corrected census share, in a copy of its data, then ``run --data`` on a copy of its
    executions. Only the pages that read what changed run again: each other page keeps the one
    execution of the session."""
    book.site()
    return result_of("updated", book)


@background("updated", early=True)
def _update(book: Book) -> Update:
    import drills

    tmp = Path(tempfile.mkdtemp(prefix="update-", dir=book.build_dir.parent.parent))
    data, out = tmp / "data", tmp / "exec"
    shutil.copytree(book.data, data)
    relocate(book.exec_dir, out, book.data, data)
    update = Update(data=data, exec_dir=out, drills=[drill(data) for drill in drills.DRILLS],
                    micro=drills.shift_micro_share(data, 1.2))
    before, done = len(execution.history(out)), tree_hash(DATA)
    proc = subprocess.run([sys.executable, "-m", "analysis", "run", "--data", str(data), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    update.ran, update.output = execution.history(out)[before:], proc.stdout + proc.stderr
    update.data_hash = (done, tree_hash(DATA))
    return update
