"""Each page's preview image (og:image) and its footer: the book's version and when the page last changed.

On the session's one build of the book (conftest.py ``book``), or ``THESIS_SITE_DIR`` if set.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from analysis.version import version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import thesis_site  # noqa: E402


@pytest.fixture(scope="module")
def site(request) -> Path:
    if os.environ.get("THESIS_SITE_DIR"):
        return Path(os.environ["THESIS_SITE_DIR"])
    return request.getfixturevalue("book").site()


def book_pages(site: Path) -> list[Path]:
    """The pages built from the book's sources (not search, genindex or 404)."""
    return sorted(p for p in (site / "book").rglob("*.html") if "_static" not in p.parts)


def meta(page: Path, prop: str) -> str | None:
    m = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page.read_text(encoding="utf-8"))
    return unescape(m.group(1)) if m else None


def test_every_page_has_a_preview_image_that_exists_with_the_size_it_declares(site):
    base = os.environ.get("THESIS_SITE_URL", "")
    for page in book_pages(site):
        url = meta(page, "og:image")
        assert url, f"{page.relative_to(site)}: no og:image"
        if base and url.startswith(base):
            target = site / url[len(base):]
        else:
            assert not urlparse(url).netloc, f"{page.relative_to(site)}: og:image on another host: {url}"
            target = Path(urlparse(urljoin(page.as_uri(), url)).path)
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", target
        assert struct.unpack(">II", data[16:24]) == (int(meta(page, "og:image:width")),
                                                    int(meta(page, "og:image:height")))


def test_a_page_with_charts_previews_its_first_chart_and_a_page_without_the_book_card(site):
    with_chart = without = 0
    for page in book_pages(site):
        html = page.read_text(encoding="utf-8")
        first = re.search(r'<figure class="thesis-chart"[^>]*>.*?aria-label="([^"]*)"', html, re.S)
        image = meta(page, "og:image")
        if first:
            with_chart += 1
            assert not image.endswith("/" + thesis_site.BOOK_CARD), page
            assert meta(page, "og:image:alt") == thesis_site.describe(unescape(first.group(1)), 420)
        else:
            without += 1
            assert image.endswith("/" + thesis_site.BOOK_CARD), page
    assert with_chart and without


def test_every_page_footer_shows_the_book_version(site):
    for page in [*book_pages(site), site / "search.html"]:
        assert f"Version {version()} of the book." in page.read_text(encoding="utf-8"), page.relative_to(site)


def test_each_page_says_when_its_source_last_changed_as_git_records_it(site):
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    checked = 0
    for page in book_pages(site):
        stamp = re.search(r'This page last changed on <time datetime="([^"]+)">([^<]+)</time>',
                          page.read_text(encoding="utf-8"))
        assert stamp, f"{page.relative_to(site)}: no last-changed date"
        source = ROOT / page.relative_to(site).with_suffix(".md")
        if not source.exists():
            continue
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", str(source)],
                               capture_output=True, text=True).stdout.strip()
        logged = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cI", "--", str(source)],
                                capture_output=True, text=True).stdout.strip()
        if dirty or not logged:
            continue  # an uncommitted page shows its file's time
        assert dt.datetime.fromisoformat(stamp.group(1)) == dt.datetime.fromisoformat(logged)
        assert stamp.group(2) == stamp.group(1)[:10]
        checked += 1
    assert checked or os.environ.get("THESIS_SITE_DIR"), "no committed page to compare"


def test_outside_a_checkout_the_date_falls_back_to_the_files_time(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A page\n", encoding="utf-8")
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    os.utime(page, (when.timestamp(), when.timestamp()))
    assert thesis_site.last_changed(page) == when
