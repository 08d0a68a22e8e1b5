"""The executor: which notebooks the book has, when one must re-run, and kernels that always start."""

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from analysis import dependencies, execution
from conftest import DATA, ROOT, rewrite


def test_toc_pages_exist_and_include_the_firms_chapter():
    pages = execution.toc_files(ROOT)
    assert pages[0].name == "intro.md"
    assert ROOT / "book/ch1-italy/1-1-economy-and-firms.md" in pages
    assert all(p.exists() for p in pages)


def test_notebooks_are_found_from_the_toc():
    nbs = execution.notebooks(ROOT)
    assert ROOT / "book/ch1-italy/1-1-economy-and-firms.md" in nbs
    assert ROOT / "book/ch1-italy/index.md" not in nbs  # plain page, nothing to execute


def test_a_toc_entry_without_a_file_is_an_error(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: missing\n")
    with pytest.raises(FileNotFoundError, match="missing"):
        execution.toc_files(tmp_path)


# --- staleness ------------------------------------------------------------------------------

@pytest.fixture
def fake_run(tmp_path, data_copy):
    """A stored record for the firms page as if it had just run on data_copy."""
    nb = ROOT / "book/ch1-italy/1-1-economy-and-firms.md"
    out = tmp_path / "exec"
    page = execution.page_id(nb)
    inputs = [data_copy / "istat_census_size.csv", data_copy / "sources.csv"]
    rec = execution.Record(page=page, status="ok", source_hash=execution.file_hash(nb),
                           code_hash=execution.code_hash(ROOT, nb), data_dir=str(data_copy.resolve()),
                           inputs={str(p): execution.file_hash(p) for p in inputs})
    execution.executed_path(out, page).parent.mkdir(parents=True)
    execution.executed_path(out, page).write_text("{}")
    execution.record_path(out, page).write_text(json.dumps(asdict(rec)))
    return nb, out, data_copy.resolve()


def test_current_when_nothing_changed(fake_run):
    nb, out, data = fake_run
    assert execution.why_stale(nb, out, data) is None


def test_stale_when_a_csv_it_read_changes(fake_run):
    nb, out, data = fake_run
    rewrite(data / "istat_census_size.csv", ",79.5,", ",79.6,")
    assert execution.why_stale(nb, out, data) == "input changed: " + str(data / "istat_census_size.csv")


def test_not_stale_when_a_csv_it_did_not_read_changes(fake_run):
    nb, out, data = fake_run
    (data / "eu_sme_definition.csv").write_text("changed", encoding="utf-8")
    assert execution.why_stale(nb, out, data) is None


def test_stale_when_the_data_folder_differs(fake_run, tmp_path):
    nb, out, data = fake_run
    assert execution.why_stale(nb, out, tmp_path / "elsewhere").startswith("data folder changed")


def test_stale_when_never_run_or_failed(fake_run):
    nb, out, data = fake_run
    rec = json.loads(execution.record_path(out, execution.page_id(nb)).read_text())
    rec["status"] = "failed"
    execution.record_path(out, execution.page_id(nb)).write_text(json.dumps(rec))
    assert execution.why_stale(nb, out, data) == "last run failed"
    assert execution.why_stale(nb, out / "nothing", data) == "never executed"


def test_metadata_of_another_dataset_does_not_make_a_page_stale(fake_run):
    nb, out, data = fake_run
    page = execution.page_id(nb)
    rec = json.loads(execution.record_path(out, page).read_text())
    key = f"{data / 'datapackage.json'}#istat_census_size"
    rec["inputs"][key] = execution.input_hash(key)
    execution.record_path(out, page).write_text(json.dumps(rec))
    descriptor = json.loads((data / "datapackage.json").read_text())
    other = next(r for r in descriptor["resources"] if r["name"] == "eu_sme_definition")
    other["version"] = "9.9.9"
    (data / "datapackage.json").write_text(json.dumps(descriptor))
    assert execution.why_stale(nb, out, data) is None
    mine = next(r for r in descriptor["resources"] if r["name"] == "istat_census_size")
    mine["version"] = "99.0.0"
    (data / "datapackage.json").write_text(json.dumps(descriptor))
    assert execution.why_stale(nb, out, data) == "input changed: " + str(data / "datapackage.json") + " (istat_census_size metadata)"


# --- which code a page depends on ---------------------------------------------------------

def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.fixture
def toy_package(tmp_path):
    """A small analysis package: a shared layer, two themes, and modules no page imports."""
    _package(tmp_path, {
        "requirements.txt": "pandas==1\n",
        "analysis/__init__.py": "",
        "analysis/datasets.py": "import json\n",
        "analysis/page.py": "from . import datasets\nfrom .common import render\n",
        "analysis/cli.py": "from . import build\n",
        "analysis/build.py": "",
        "analysis/common/__init__.py": "",
        "analysis/common/render.py": "",
        "analysis/common/style.py": "from .. import datasets\n",
        "analysis/common/words.py": "",
        "analysis/alibaba/__init__.py": "",
        "analysis/alibaba/figures.py": "from ..common import style\nfrom .labels import NAMES\n",
        "analysis/alibaba/labels.py": "NAMES = {}\n",
        "analysis/alibaba/data.py": "",
        "analysis/trade/__init__.py": "",
        "analysis/trade/figures.py": "",
        "page.md": "---\nkernelspec:\n  name: python3\n---\n# P\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
                   "from analysis import page\nfrom analysis.alibaba import figures as alibaba_figures\n"
                   "from analysis.common import words\n%matplotlib inline\n```\n",
    })
    return tmp_path, tmp_path / "page.md"


def test_a_page_depends_on_the_modules_it_reaches_through_imports(toy_package):
    root, page = toy_package
    used = dependencies.imported_modules(root, page)
    assert {"analysis.alibaba.figures", "analysis.alibaba.labels", "analysis.common.style",
            "analysis.datasets", "analysis.common.render", "analysis.common.words", "analysis"} <= used
    assert not used & {"analysis.cli", "analysis.build", "analysis.trade.figures", "analysis.alibaba.data"}


def test_editing_a_module_a_page_reaches_changes_its_code_hash_and_others_do_not(toy_package):
    root, page = toy_package
    before = execution.code_hash(root, page)
    (root / "analysis/cli.py").write_text("# unrelated change\n")
    (root / "analysis/trade/figures.py").write_text("# another theme\n")
    assert execution.code_hash(root, page) == before
    (root / "analysis/alibaba/labels.py").write_text("NAMES = {'a': 1}\n")  # reached through a relative import
    assert execution.code_hash(root, page) != before


def test_the_code_hash_of_the_whole_package_follows_every_module_and_the_pins(toy_package):
    root, _ = toy_package
    before = execution.code_hash(root)
    (root / "analysis/trade/figures.py").write_text("# changed\n")
    after = execution.code_hash(root)
    (root / "requirements.txt").write_text("pandas==2\n")
    assert len({before, after, execution.code_hash(root)}) == 3


# --- scheduling --------------------------------------------------------------------------

def test_never_timed_pages_start_first_then_the_longest():
    seconds = {"a": 3.0, "b": None, "c": 27.0, "d": 12.0, "e": None}
    assert execution.longest_first(list(seconds), seconds) == ["b", "e", "c", "d", "a"]


def test_never_timed_pages_with_the_most_code_start_first():
    seconds = {"a": 3.0, "b": None, "c": 27.0, "e": None, "f": None}
    sizes = {"a": 9000, "b": 100, "c": 50, "e": 4000, "f": 700}
    assert execution.longest_first(list(seconds), seconds, sizes) == ["e", "f", "b", "c", "a"]


def test_the_last_recorded_time_comes_from_the_first_folder_that_has_one(tmp_path):
    for folder, seconds in (("new", 0.0), ("old", 9.5)):
        path = execution.record_path(tmp_path / folder, "book/p")
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(asdict(execution.Record(page="book/p", seconds=seconds))))
    assert execution.last_seconds("book/p", [tmp_path / "new", tmp_path / "old"]) == 9.5
    assert execution.last_seconds("book/q", [tmp_path / "new", tmp_path / "old"]) is None


# --- kernels -------------------------------------------------------------------------------

def _toy_book(root: Path, cells: list[str]) -> Path:
    """A book of one MyST notebook per cell, all listed in its _toc.yml."""
    (root / "book").mkdir(parents=True)
    toc = ["format: jb-book", "root: book/p0", "chapters:"]
    for i, code in enumerate(cells):
        (root / f"book/p{i}.md").write_text(
            f"---\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n# Page {i}\n\n"
            f"```{{code-cell}} ipython3\n{code}\n```\n", encoding="utf-8")
        if i:
            toc.append(f"  - file: book/p{i}")
    (root / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return root


def _stdout(out_dir: Path, page: str) -> str:
    nb = json.loads(execution.executed_path(out_dir, page).read_text(encoding="utf-8"))
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


TRANSPORT = "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport, {i} * 7)"


def test_six_kernels_started_at_once_all_execute_over_ipc(tmp_path):
    root = _toy_book(tmp_path / "book", [TRANSPORT.format(i=i) for i in range(6)])
    recs = execution.run(tmp_path / "exec", DATA, root=root, jobs=6, say=lambda *_: None)
    assert sorted(r.page for r in recs if r.status == "ok") == [f"book/p{i}" for i in range(6)], \
        [r.error for r in recs]
    for i in range(6):
        assert _stdout(tmp_path / "exec", f"book/p{i}").split() == ["ipc", str(i * 7)]
    ran = [h["page"] for h in execution.history(tmp_path / "exec")]
    assert sorted(ran) == [f"book/p{i}" for i in range(6)]


def _failing_starts(n: int):
    """A kernel manager factory whose first ``n`` kernel starts fail the way a port race does."""
    failures = []

    def factory(folder):
        base = execution.ipc_kernel_manager(folder)

        class Flaky(base):
            async def start_kernel(self, **kw):
                if len(failures) < n:
                    failures.append(1)
                    raise RuntimeError("Kernel died before replying to kernel_info")
                return await base.start_kernel(self, **kw)

        return Flaky

    return factory


def test_a_kernel_that_fails_to_start_is_started_again_and_the_progress_says_so(tmp_path, data_copy):
    root = _toy_book(tmp_path / "book", ["print(6 * 7)"])
    rec = execution.execute_one(root / "book/p0.md", tmp_path / "exec", data_copy, root,
                                kernel_manager=_failing_starts(1))
    assert rec.status == "ok" and len(rec.kernel_retries) == 1
    assert _stdout(tmp_path / "exec", "book/p0").strip() == "42"
    lines = execution.progress_lines(rec, 1, 1, "never executed")
    assert len(lines) == 2 and "book/p0" in lines[0] and "Kernel died" in lines[0]


def test_a_kernel_that_never_starts_fails_after_the_last_attempt(tmp_path, data_copy):
    root = _toy_book(tmp_path / "book", ["print(6 * 7)"])
    rec = execution.execute_one(root / "book/p0.md", tmp_path / "exec", data_copy, root,
                                kernel_manager=_failing_starts(execution.KERNEL_STARTS))
    assert rec.status == "failed" and "Kernel died" in rec.error
    assert len(rec.kernel_retries) == execution.KERNEL_STARTS - 1


def test_an_error_in_a_cell_is_not_retried(tmp_path, data_copy):
    root = _toy_book(tmp_path / "book", ["raise ValueError('a broken page')"])
    rec = execution.execute_one(root / "book/p0.md", tmp_path / "exec", data_copy, root)
    assert rec.status == "failed" and "a broken page" in rec.error and rec.kernel_retries == []
    assert execution.why_stale(root / "book/p0.md", tmp_path / "exec", data_copy, root)  # runs again next time

