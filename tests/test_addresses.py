"""Addresses that never break: every listed page and anchor resolves in the build, or a declared
redirect sends it on, and the redirect lands on the right page and anchor."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import addresses


def _page(site: Path, rel: str, ids=(), body: str = "") -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!DOCTYPE html><html><body>" + "".join(f'<figure id="{i}"></figure>' for i in ids)
                    + body + "</body></html>", encoding="utf-8")


@pytest.fixture
def tiny(tmp_path):
    site = tmp_path / "html"
    _page(site, "book/a.html", ["fig-one", "tab-two"])
    _page(site, "book/b.html", ["fig-three"])
    return site


def test_published_lists_pages_and_figure_and_table_anchors(tiny):
    assert addresses.published(tiny) == ["book/a.html", "book/a.html#fig-one", "book/a.html#tab-two",
                                         "book/b.html", "book/b.html#fig-three"]


def test_a_dropped_address_fails_until_a_redirect_is_declared(tiny):
    listed = addresses.published(tiny)
    (tiny / "book" / "b.html").unlink()
    _page(tiny, "book/c.html", ["fig-three-renamed"])
    problems = addresses.dropped(tiny, listed, {})
    assert {"book/b.html", "book/b.html#fig-three"} == {p.split(":")[0] for p in problems}
    redirects = {"book/b.html": "book/c.html", "book/b.html#fig-three": "book/c.html#fig-three-renamed"}
    assert addresses.dropped(tiny, listed, redirects) == []


def test_a_redirect_to_an_address_that_does_not_exist_is_reported(tiny):
    problems = addresses.dropped(tiny, addresses.published(tiny), {"book/old.html": "book/nowhere.html"})
    assert problems and "nowhere" in problems[0]


def test_a_gone_page_gets_a_stub_that_lands_on_the_new_page_and_anchor(tiny):
    (tiny / "book" / "b.html").unlink()
    _page(tiny, "book/sub/c.html", ["fig-three-renamed"])
    redirects = {"book/b.html#fig-three": "book/sub/c.html#fig-three-renamed"}
    addresses.write_stubs(tiny, redirects)
    landed = addresses.landing(tiny, "book/b.html#fig-three")
    assert landed == "book/sub/c.html#fig-three-renamed" and addresses.resolves(tiny, landed)
    stub = (tiny / "book" / "b.html").read_text(encoding="utf-8")
    assert 'id="fig-three"' in stub and 'href="sub/c.html#fig-three-renamed"' in stub


def test_a_moved_anchor_on_a_page_that_stays_links_to_its_new_place(tiny):
    redirects = {"book/a.html#fig-old": "book/b.html#fig-three"}
    element = addresses.moved_anchors("book/a.html", {"fig-one", "tab-two"}, redirects)
    _page(tiny, "book/a.html", ["fig-one", "tab-two"], body=element)
    assert addresses.landing(tiny, "book/a.html#fig-old") == "book/b.html#fig-three"
    assert addresses.landing(tiny, "book/a.html#fig-one") == "book/a.html#fig-one"
    assert addresses.moved_anchors("book/a.html", {"fig-old"}, redirects) == ""


def test_a_whole_page_redirect_keeps_the_anchor_the_reader_asked_for(tiny):
    (tiny / "book" / "b.html").unlink()
    _page(tiny, "book/c.html", ["fig-three"])
    addresses.write_stubs(tiny, {"book/b.html": "book/c.html"})
    assert addresses.landing(tiny, "book/b.html#fig-three") == "book/c.html#fig-three"
    assert addresses.dropped(tiny, ["book/b.html#fig-three"], {"book/b.html": "book/c.html"}) == []


def test_the_committed_list_covers_every_address_of_the_build_and_none_is_dropped(book):
    site = book.site()
    listed, redirects = addresses.read_list(), addresses.read_redirects()
    assert listed, "book/addresses.txt is empty: run python -m analysis.addresses update _build/html"
    assert addresses.dropped(site, listed, redirects) == []
    assert addresses.unlisted(site, listed) == [], "new addresses: python -m analysis.addresses update"


def test_declared_redirects_land_on_the_right_page_and_anchor(book):
    site = book.site()
    for old, new in addresses.read_redirects().items():
        assert addresses.landing(site, old) == new and addresses.resolves(site, new), old


def test_an_anchor_renamed_on_its_own_page_lands_on_the_figure_with_nothing_shown(tiny):
    redirects = {"book/a.html#chart-0123": "book/a.html#fig-one"}
    page = tiny / "book" / "a.html"
    body = addresses.renamed_here("book/a.html", page.read_text(encoding="utf-8"), redirects)
    page.write_text(body, encoding="utf-8")
    assert body.index('id="chart-0123"') < body.index('id="fig-one"')
    assert addresses.landing(tiny, "book/a.html#chart-0123") == "book/a.html#fig-one"
    assert addresses.moved_anchors("book/a.html", set(addresses.ids_in(body)), redirects) == ""
