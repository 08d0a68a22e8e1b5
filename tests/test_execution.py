"""Which notebooks the book has, and when one must re-run: code, notebook or any data it read."""

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from analysis import execution
from conftest import ROOT, rewrite


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


def test_code_hash_follows_the_analysis_package(tmp_path):
    shutil.copytree(ROOT / "analysis", tmp_path / "analysis")
    shutil.copy(ROOT / "requirements.txt", tmp_path)
    before = execution.code_hash(tmp_path)
    (tmp_path / "analysis" / "firms.py").write_text("# changed\n", encoding="utf-8")
    assert execution.code_hash(tmp_path) != before


def test_metadata_of_another_dataset_does_not_make_a_page_stale(fake_run):
    import json as _json
    nb, out, data = fake_run
    page = execution.page_id(nb)
    rec = _json.loads(execution.record_path(out, page).read_text())
    key = f"{data / 'datapackage.json'}#istat_census_size"
    rec["inputs"][key] = execution.input_hash(key)
    execution.record_path(out, page).write_text(_json.dumps(rec))
    descriptor = _json.loads((data / "datapackage.json").read_text())
    other = next(r for r in descriptor["resources"] if r["name"] == "eu_sme_definition")
    other["version"] = "9.9.9"
    (data / "datapackage.json").write_text(_json.dumps(descriptor))
    assert execution.why_stale(nb, out, data) is None
    mine = next(r for r in descriptor["resources"] if r["name"] == "istat_census_size")
    mine["version"] = "1.0.1"
    (data / "datapackage.json").write_text(_json.dumps(descriptor))
    assert execution.why_stale(nb, out, data) == "input changed: " + str(data / "datapackage.json") + " (istat_census_size metadata)"


def test_a_page_depends_only_on_the_modules_it_imports(tmp_path):
    shutil.copytree(ROOT / "analysis", tmp_path / "analysis")
    shutil.copy(ROOT / "requirements.txt", tmp_path)
    page = tmp_path / "page.md"
    page.write_text("```{code-cell} ipython3\nfrom analysis import datasets, firms, offline\n```\n")
    used = execution._imported_modules(tmp_path, page)
    assert {"datasets", "firms", "offline", "charts"} <= used  # charts comes in through firms
    assert "cli" not in used and "build" not in used
    before = execution.code_hash(tmp_path, page)
    (tmp_path / "analysis" / "cli.py").write_text("# unrelated change\n")
    assert execution.code_hash(tmp_path, page) == before
    (tmp_path / "analysis" / "charts.py").write_text("# shared helper changed\n")
    assert execution.code_hash(tmp_path, page) != before
