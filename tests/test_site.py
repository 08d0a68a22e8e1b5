"""The built site (the session's one strict build, ``book`` fixture): every page, offline, links that
work, charts with alt text and their sources, the data it was built from, the reports on each run.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from analysis import build, execution, reads
from conftest import ROOT


def _pages(html: Path) -> list[Path]:
    return [p for p in sorted(html.rglob("*.html")) if "_static" not in p.relative_to(html).parts]


def _url(page: Path, root: Path) -> str:
    return page.relative_to(root).with_suffix(".html").as_posix()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.imgs, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append(attrs[key])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "img":
            self.imgs.append(attrs)


def _parse(page: Path) -> _Refs:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_page_of_the_toc_is_built(book):
    html = book.site()
    assert (html / "index.html").exists()
    missing = [_url(p, book.root) for p in execution.toc_files(book.root) if not (html / _url(p, book.root)).exists()]
    assert missing == []


def test_every_chart_is_interactive_offline_with_alt_text_source_and_data(book):
    html = book.site()
    figures = 0
    for page in _pages(html):
        text = page.read_text(encoding="utf-8")
        for fig in re.findall(r'<figure class="thesis-chart".*?</figure>', text, re.S):
            figures += 1
            assert re.search(r'role="img" aria-label="[^"]{20,}"', fig) and "<svg" in fig, page.name
            assert "thesis-chart-spec" in fig and "Data:" in fig, page.name
            assert "_static/vega-bundle.js" in text and "_static/chart-embed.js" in text, page.name
    assert figures, "the book has no chart"
    assert (html / "_static" / "vega-bundle.js").stat().st_size > 500_000


def test_no_page_loads_from_another_host(book):
    assert build.external_references(book.site()) == []


def test_internal_links_anchors_and_images_resolve(book):
    html = book.site()
    broken, missing_alt, parsed = [], [], {}
    for page in _pages(html):
        parsed[page.resolve()] = _parse(page)
    for page, refs in parsed.items():
        missing_alt += [f"{page.name}: {a.get('src')}" for a in refs.imgs if "alt" not in a]
        for ref in refs.refs:
            url = urlparse(ref)
            if url.scheme or ref.startswith(("#", "//", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if url.path and not target.exists():
                broken.append(f"{page.relative_to(html.resolve())} -> {ref}")
            elif url.fragment and target in parsed and url.fragment not in parsed[target].ids:
                broken.append(f"{page.relative_to(html.resolve())} -> {ref} (no such anchor)")
    assert not broken, broken[:20]
    assert not missing_alt, missing_alt[:20]


def test_the_site_serves_the_data_package_it_was_built_from(book):
    static = book.site() / "_static" / "data"
    for name in ("datapackage.json", "sources.csv", "istat_census_size.csv"):
        assert (static / name).read_bytes() == (book.data / name).read_bytes(), name


def test_every_page_that_read_data_names_it_in_its_data_box(book):
    html = book.site()
    for rec in execution.records(book.exec_dir, book.root):
        used = {reads.parse(key)[1] for key in rec.inputs if "#" in key}
        text = (html / f"{rec.page}.html").read_text(encoding="utf-8")
        box = re.search(r'<aside class="thesis-page-data".*?</aside>', text, re.S)
        assert bool(box) == bool(used), rec.page
        for name in used:
            path = next(r["path"] for r in _resources(book.data) if r["name"] == name)
            assert path in box.group(0), f"{rec.page}: {path}"


def _resources(data: Path) -> list[dict]:
    import json
    return json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def test_the_execution_statistics_list_every_notebook(book):
    text = (book.site() / "book/about/execution.html").read_text(encoding="utf-8")
    table = re.search(r"<table class=\"thesis-table\"><caption>Notebook execution.*?</table>", text, re.S)
    assert table, "no execution statistics table"
    rows = re.findall(r"<tr><td><a [^>]*>([^<]+)</a></td><td>(\w+)</td>", table.group(0))
    assert sorted(rows) == sorted((execution.page_id(nb, book.root), "ok") for nb in execution.notebooks(book.root))


def test_the_list_of_figures_links_every_chart_of_the_book(book):
    html = book.site()
    charts = sum(p.read_text(encoding="utf-8").count('<figure class="thesis-chart"') for p in _pages(html))
    listing = (html / "book/about/figures.html").read_text(encoding="utf-8")
    linked = re.findall(r'<td>Figure \w+\.\d+</td><td><a href="([^"]+#fig-[\w-]+)"', listing)
    assert charts and len(linked) == charts


def test_platform_names_are_text_not_links(book):
    # MyST's linkify would turn "Alibaba.com" into a link to that host on every page.
    pages = _pages(book.site())
    assert not [p.name for p in pages if 'href="http://Alibaba.com"' in p.read_text(encoding="utf-8")]
