"""`make release`: archives named by version, a manifest, checksums that verify, a site that works unpacked."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest

from analysis import cite, datasets, release
from conftest import DATA
from test_judges import broken_links

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)


def _tiny_site(folder):
    (folder / "book").mkdir(parents=True)
    (folder / "index.html").write_text('<!DOCTYPE html><a href="book/p.html#fig-a">p</a>', encoding="utf-8")
    (folder / "book" / "p.html").write_text('<figure id="fig-a"></figure>', encoding="utf-8")
    return folder


def test_checksums_catch_a_changed_or_missing_file(tmp_path):
    out = tmp_path / "dist"
    release.release(_tiny_site(tmp_path / "site"), out, DATA, now=NOW)
    assert release.verify(out) == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    site_zip = out / manifest["archives"]["site"]["file"]
    site_zip.write_bytes(site_zip.read_bytes() + b"x")
    (out / ".zenodo.json").unlink()
    problems = release.verify(out)
    assert any("checksum" in p and site_zip.name in p for p in problems)
    assert any(".zenodo.json" in p and "missing" in p for p in problems)


def test_a_folder_without_a_built_site_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(release.ReleaseError, match="index.html"):
        release.release(tmp_path / "empty", tmp_path / "dist", DATA, now=NOW)


def test_archives_depend_only_on_their_contents(tmp_path):
    site = _tiny_site(tmp_path / "site")
    first = release.release(site, tmp_path / "a", DATA, now=NOW)
    second = release.release(site, tmp_path / "b", DATA, now=NOW + dt.timedelta(days=3))
    assert first["archives"] == second["archives"]


@pytest.fixture(scope="module")
def released(book, tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "dist"
    manifest = release.release(book.site(), out, book.data)
    return out, manifest


def test_release_of_the_built_book_verifies_and_names_its_versions(released):
    out, manifest = released
    meta, package = cite.book(), datasets.package(DATA).descriptor
    assert release.verify(out) == []
    assert manifest["book"]["version"] == meta.version and manifest["data_package"]["version"] == package["version"]
    assert manifest["commit"] and manifest["build_date"]
    assert meta.version in manifest["archives"]["site"]["file"]
    for facts in manifest["archives"].values():
        with zipfile.ZipFile(out / facts["file"]) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
        assert facts["files"] == len(infos) and facts["bytes"] == sum(i.file_size for i in infos)
    zenodo = json.loads((out / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["version"] == meta.version and zenodo["title"] == meta.title and zenodo["creators"]


def test_site_archive_unpacks_into_a_working_site(released, tmp_path):
    out, manifest = released
    with zipfile.ZipFile(out / manifest["archives"]["site"]["file"]) as archive:
        archive.extractall(tmp_path)
    (site,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert (site / "index.html").exists() and (site / "book" / "intro.html").exists()
    assert broken_links(site) == []
