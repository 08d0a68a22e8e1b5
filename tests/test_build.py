"""Build mechanics: offline check, atomic publish, refusing bad data, and data-aware rebuilds.

The rebuild tests start from the session's one clean build (``book`` fixture) and never change it;
the update's rebuild works on copies of its data and executions (``updated`` in conftest.py).
"""


import pytest

from analysis import build, datasets, execution
from conftest import ROOT
from drills import changed_inputs

FIRMS_PAGE = "book/ch1-italy/1-1-economy-and-firms"


def test_external_references_are_found(tmp_path):
    (tmp_path / "ok.html").write_text('<a href="https://example.org">a link is fine</a><script src="_static/x.js"></script>')
    (tmp_path / "bad.html").write_text('<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>')
    (tmp_path / "proto.html").write_text("<link rel=stylesheet href='//fonts.example.com/css'>")
    (tmp_path / "s.css").write_text("@import url('https://fonts.googleapis.com/css2');")
    found = build.external_references(tmp_path)
    assert {f.split(":")[0] for f in found} == {"bad.html", "proto.html", "s.css"}


def test_publish_swaps_the_site_in_whole(tmp_path):
    new, out = tmp_path / "new", tmp_path / "html"
    new.mkdir()
    (new / "index.html").write_text("new")
    out.mkdir()
    (out / "index.html").write_text("old")
    (out / "gone.html").write_text("old page")
    build.publish(new, out)
    assert (out / "index.html").read_text() == "new" and not (out / "gone.html").exists()
    assert not (tmp_path / "html.old").exists() and not (tmp_path / "html.new").exists()


def test_bad_data_stops_the_build_and_keeps_the_last_site(tmp_path, data_copy):
    out = tmp_path / "html"
    out.mkdir()
    (out / "index.html").write_text("last good site")
    (data_copy / "istat_census_size.csv").write_text("year,size_class\n2018,3-9\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match=r"istat_census_size.csv, row 1"):
        build.build(data_dir=data_copy, out=out, build_dir=tmp_path / "_build", say=lambda *_: None)
    assert (out / "index.html").read_text() == "last good site"
    assert not (tmp_path / "_build").exists()


def test_other_data_get_their_own_executions_folder(tmp_path, data_copy):
    own = build.exec_dir_for(tmp_path, datasets.DEFAULT_DATA_DIR)
    other = build.exec_dir_for(tmp_path, data_copy)
    assert own.parent == tmp_path and other != own and other.is_relative_to(tmp_path)


def test_citation_file_is_valid_cff():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version"):
        assert cff[key], key
    assert all("name" in a or "family-names" in a for a in cff["authors"])


# --- rebuilds of the session's book -----------------------------------------------------------

def test_no_change_rebuild_executes_nothing(book):
    book.site()
    before = execution.history(book.exec_dir)
    lines: list[str] = []
    build.build(data_dir=book.data, build_dir=book.build_dir, out=book.out, say=lines.append, root=book.root)
    assert "notebooks: all current, nothing to execute" in lines
    assert execution.history(book.exec_dir) == before
    assert not any(line.startswith("sphinx:") for line in lines), "the site was rebuilt though nothing changed"
    assert (book.out / "index.html").exists()


def test_a_changed_page_source_is_rebuilt_after_a_no_change_run(book):
    """The no-change shortcut compares a fingerprint of the site's sources: a new one builds again."""
    site = book.site()
    src = book.build_dir / "site-src"
    assert build.site_stamp(src, book.root, book.data) == build.site_stamp(src, book.root, book.data)
    extra = src / "book" / "zz-probe.txt"
    extra.write_text("x", encoding="utf-8")
    try:
        assert build.site_stamp(src, book.root, book.data) != (book.build_dir / "site.stamp").read_text().split("\n")[1]
    finally:
        extra.unlink()
    assert (site / "index.html").exists()


def test_a_failing_notebook_keeps_the_last_site(book, monkeypatch):
    html = book.site()
    marker = (html / "index.html").read_bytes()

    def broken(*args, **kwargs):
        return [execution.Record(page="book/x", status="failed", error="NameError: boom")]

    monkeypatch.setattr(execution, "run", broken)
    with pytest.raises(build.BuildError, match="boom"):
        build.build(data_dir=book.data, build_dir=book.build_dir, out=html, say=lambda *_: None, root=book.root)
    assert (html / "index.html").read_bytes() == marker


def test_an_update_reruns_only_the_readers_of_what_changed(book, updated):
    """The update (conftest.py) changes five datasets, their metadata and the source list: exactly the
    pages whose recorded inputs changed run again, each saying why, and the new number is on the page."""
    records = execution.records(book.exec_dir, book.root)
    changed = changed_inputs(book.data, updated.data, {key for r in records for key in r.inputs})
    readers = sorted(r.page for r in records if changed & set(r.inputs))
    assert sorted(h["page"] for h in updated.ran) == readers
    assert FIRMS_PAGE in readers and len(readers) < len(execution.notebooks(book.root))
    progress = [ln for ln in updated.output.splitlines() if ln.strip().startswith("[")]
    assert len(progress) == len(readers) and all("input changed" in ln for ln in progress)
    executed = execution.executed_path(updated.exec_dir, FIRMS_PAGE).read_text(encoding="utf-8")
    assert f"{updated.micro:.1f}" in executed
