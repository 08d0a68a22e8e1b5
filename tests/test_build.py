"""Build mechanics: offline check, atomic publish, and refusing bad data before touching the site."""

import pytest

from analysis import build


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
        build.build(data_dir=data_copy, out=out, say=lambda *_: None)
    assert (out / "index.html").read_text() == "last good site"


def test_citation_file_is_valid_cff():
    import yaml
    from conftest import ROOT

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version"):
        assert cff[key], key
    assert all("name" in a or "family-names" in a for a in cff["authors"])
