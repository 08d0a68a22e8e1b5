"""The built site: strict build, offline, links that work, numbers from the data, data-aware rebuilds.

One clean build of the whole book (warnings as errors) into a temporary folder, from a copy of the
data package; then one number is changed and the book rebuilt.
"""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from analysis import build, datasets, execution, firms
from conftest import DATA, ROOT, rewrite

FIRMS_PAGE = "book/ch1-italy/1-1-economy-and-firms.html"


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A clean build from a copy of data/; returns (html folder, data copy, build folder, log lines)."""
    tmp = tmp_path_factory.mktemp("site")
    data = tmp / "data"
    import shutil
    shutil.copytree(DATA, data)
    before = _tree_hash(DATA)
    lines: list[str] = []
    mp = pytest.MonkeyPatch()
    mp.setattr(build, "BUILD", tmp / "_build")
    out = build.build(data_dir=data, out=tmp / "html", say=lines.append)
    yield out, data, tmp, lines, mp
    mp.undo()
    assert _tree_hash(DATA) == before, "a build wrote to data/"


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.imgs = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append(attrs[key])
        if tag == "img":
            self.imgs.append(attrs)


def test_every_page_of_the_toc_is_built(site):
    html = site[0]
    assert (html / "index.html").exists()
    for page in execution.toc_files(ROOT):
        rel = page.relative_to(ROOT).with_suffix(".html")
        assert (html / rel).exists(), rel


def test_firms_page_has_interactive_charts_with_alt_text(site):
    text = (site[0] / FIRMS_PAGE).read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="thesis-chart".*?</figure>', text, re.S)
    assert len(figures) >= 4
    for fig in figures:
        assert re.search(r'role="img" aria-label="[^"]{40,}"', fig) and "<svg" in fig
        assert "thesis-chart-spec" in fig and "Source:" in fig and "Data:" in fig
    assert "_static/vega-bundle.js" in text and "_static/chart-embed.js" in text
    assert (site[0] / "_static" / "vega-bundle.js").stat().st_size > 500_000


def test_numbers_in_the_prose_come_from_the_data(site):
    text = (site[0] / FIRMS_PAGE).read_text(encoding="utf-8")
    census = datasets.load("istat_census_size", DATA)
    micro = firms.census_value(census, 2018, "3-9", "share_of_firms")
    assert f"{micro:.1f}</span>%" in text or f">{micro:.1f}<" in text


def test_no_page_loads_from_another_host(site):
    assert build.external_references(site[0]) == []


def test_internal_links_and_images_resolve(site):
    html = site[0]
    broken, missing_alt = [], []
    for page in html.rglob("*.html"):
        if "_static" in page.relative_to(html).parts:  # theme templates, not pages
            continue
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        missing_alt += [f"{page.name}: {a.get('src')}" for a in parser.imgs if "alt" not in a]
        for ref in parser.refs:
            url = urlparse(ref)
            if url.scheme or ref.startswith(("#", "//", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if url.path and not target.exists():
                broken.append(f"{page.relative_to(html)} -> {ref}")
    assert not broken, broken[:20]
    assert not missing_alt, missing_alt[:20]


def test_data_files_are_downloadable_from_the_site(site):
    static = site[0] / "_static" / "data"
    assert (static / "datapackage.json").exists() and (static / "istat_census_size.csv").exists()


def test_changing_one_csv_reruns_only_its_readers_and_shows_the_new_number(site):
    html, data, tmp, _, mp = site
    census = datasets.load("istat_census_size", data)
    old = firms.census_value(census, 2018, "3-9", "share_of_firms")
    new = old + 1.2
    small = firms.census_value(census, 2018, "10-49", "share_of_firms")
    rewrite(data / "istat_census_size.csv", f"2018,3-9,share_of_firms,{old},", f"2018,3-9,share_of_firms,{new:.1f},")
    # keep the shares adding up to 100, as a real revision would (validate checks the sum)
    rewrite(data / "istat_census_size.csv", f"2018,10-49,share_of_firms,{small},",
            f"2018,10-49,share_of_firms,{small - 1.2:.1f},")
    lines: list[str] = []
    build.build(data_dir=data, out=html, say=lines.append)
    ran = [ln for ln in lines if ln.strip().startswith("[")]
    readers = [nb for nb in execution.notebooks(ROOT) if "istat_census_size" in nb.read_text(encoding="utf-8")
               or nb.name == "data.md"]
    assert len(ran) == len(readers), lines
    assert all("input changed" in ln for ln in ran)
    assert any("1-1-economy-and-firms" in ln for ln in ran)
    text = (html / FIRMS_PAGE).read_text(encoding="utf-8")
    assert f"{new:.1f}" in text


def test_no_change_rebuild_executes_nothing(site):
    html, data, tmp, _, mp = site
    lines: list[str] = []
    build.build(data_dir=data, out=html, say=lines.append)
    assert "notebooks: all current, nothing to execute" in lines


def test_a_failing_notebook_keeps_the_last_site(site, monkeypatch):
    html, data, tmp, _, mp = site
    marker = (html / "index.html").read_bytes()

    def broken(*args, **kwargs):
        return [execution.Record(page="book/x", status="failed", error="NameError: boom")]

    monkeypatch.setattr(execution, "run", broken)
    with pytest.raises(build.BuildError, match="boom"):
        build.build(data_dir=data, out=html, say=lambda *_: None)
    assert (html / "index.html").read_bytes() == marker


def _browser_tools():
    """Chromium and the pinned node packages (tests/a11y); CI installs both, so CI never skips this."""
    import os
    import shutil as sh
    chromium = sh.which("chromium") or sh.which("chromium-browser")
    node = sh.which("node")
    ready = chromium and node and (ROOT / "tests/a11y/node_modules/axe-core").exists()
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("CI must provide chromium, node and tests/a11y/node_modules (see .ci/run)")
        pytest.skip("needs chromium and `npm ci --prefix tests/a11y` (installed by .ci/run)")
    return chromium, node


def test_pages_pass_axe_and_charts_become_interactive_offline(site):
    import functools
    import http.server
    import json
    import subprocess
    import threading

    chromium, node = _browser_tools()
    html = site[0]
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output readable
            pass

    handler = functools.partial(Quiet, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        urls = [base + p.relative_to(ROOT).with_suffix(".html").as_posix() for p in execution.toc_files(ROOT)]
        proc = subprocess.run([node, str(ROOT / "tests/a11y/axe-check.js"), chromium, *urls],
                              capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["external"] == [], "a page contacted another host"
    serious = {url.replace(base, ""): [v for v in found if v["impact"] in ("serious", "critical")]
               for url, found in result["pages"].items()}
    assert not any(serious.values()), {k: v for k, v in serious.items() if v}
    firms_page = result["charts"][base + FIRMS_PAGE]
    assert firms_page["figures"] >= 4 and firms_page["interactive"] == firms_page["figures"]


def test_platform_names_are_text_not_links(site):
    # MyST's linkify would turn "Alibaba.com" into a link to that host on every page.
    pages = [p for p in site[0].rglob("*.html") if "_static" not in p.parts]
    assert not [p.name for p in pages if 'href="http://Alibaba.com"' in p.read_text(encoding="utf-8")]
