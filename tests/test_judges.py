"""The strictest judges, on every page of a built site served from 127.0.0.1.

- axe-core (newest release, tests/a11y) in light and dark colour schemes: no serious or critical finding;
- Chromium: no console error, no page error, no request leaving the machine, every chart interactive
  with its marks drawn, chart text at least 9 px tall on a 390-px phone, no page scrolling sideways;
- the Nu Html Checker (vnu-jar): no error;
- internal links and anchors: none broken;
- weight, gzip as a host serves it: at most 150 KB of HTML and 1.0 MB in all per page (first visit).

The site is the test session's one build (``book`` in conftest.py), or ``THESIS_SITE_DIR`` if set. With ``CI`` set, a missing tool or site
fails instead of skipping. Run as a script for the numbers: ``python tests/test_judges.py [SITE]``.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from conftest import background, result_of

ROOT = Path(__file__).resolve().parent.parent
JUDGES = ROOT / "tests" / "a11y"
VNU = JUDGES / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MIN_TEXT_PX = 9.0
MAX_HTML = 150_000
MAX_PAGE = 1_000_000
TEXT_TYPES = {".html", ".js", ".css", ".svg", ".json", ".txt", ".xml", ".csv", ".map", ".ttf", ".eot"}


# --- helpers (also used when run as a script) ---------------------------------------------------

def pages(site: Path) -> list[Path]:
    """Every HTML page a reader can open (not the theme's template fragments, not downloads)."""
    skip = {"_static", "_sources", "_images"}
    return sorted(p for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts))


def served_size(path: Path) -> int:
    """Bytes on the wire: gzip (level 6, as web servers default to) for text, as-is otherwise."""
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix.lower() in TEXT_TYPES else len(data)


class Server:
    """The site on 127.0.0.1, on a free port, in a background thread."""

    def __init__(self, site: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def tools(strict: bool) -> dict:
    """Paths of chromium, node, java; missing ones fail under CI, else skip (or None in a script)."""
    found = {"chromium": shutil.which("chromium") or shutil.which("chromium-browser"),
             "node": shutil.which("node"), "java": shutil.which("java")}
    missing = [k for k, v in found.items() if not v]
    if not (JUDGES / "node_modules" / "axe-core").exists() or not VNU.exists():
        missing.append("tests/a11y/node_modules (npm ci --prefix tests/a11y)")
    if missing and strict:
        msg = "the judges need: " + ", ".join(missing) + " (installed by .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return found


def run_browser(site: Path, chromium: str, node: str) -> dict:
    """judge.js over every page; returns {page path: {desktop: ..., phone: ...}} plus versions. judge.js
    judges a few (page, view) pairs at once, each in its own browser context (JUDGE_JOBS=1: one at a time)."""
    with Server(site) as server:
        urls = [server.base + p.relative_to(site).as_posix() for p in pages(site)]
        proc = subprocess.run([node, str(JUDGES / "judge.js"), chromium, *urls],
                              capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError("judge.js failed:\n" + proc.stderr[-3000:])
    result = json.loads(proc.stdout)
    base = server.base
    result["pages"] = {url[len(base):]: res for url, res in result["pages"].items()}
    for res in result["pages"].values():
        for view in res.values():
            view["resources"] = [unquote(urlparse(u).path).lstrip("/") for u in view["resources"]]
    return result


def run_vnu(site: Path, java: str) -> dict[str, list[str]]:
    """Nu Html Checker errors per page. The JVM only interprets and quick-compiles (C1): the same messages
    from half the CPU on a short run; its deeper stack is what the checker asks for with C1 frames."""
    files = pages(site)
    proc = subprocess.run([java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU), "--errors-only",
                           "--format", "json", *map(str, files)], capture_output=True, text=True, timeout=900)
    found: dict[str, list[str]] = {p.relative_to(site).as_posix(): [] for p in files}
    for msg in json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]:
        path = Path(unquote(urlparse(msg.get("url", "")).path))
        key = path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)
        found.setdefault(key, []).append(f"{msg.get('lastLine', '?')}: {msg['message']}")
    return found


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "base":
            return  # the 404 page's base address: the site's root where it is published
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Internal links (and their #anchors) that lead nowhere, over every page."""
    broken = []
    for page in pages(site):
        for link in _parse(page).links:
            url = urlparse(link)
            if url.scheme or link.startswith("//"):
                continue  # another host (or mailto:, data:): not ours to check offline
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists() or not target.is_relative_to(site.resolve()) and not target.is_relative_to(site):
                broken.append(f"{page.relative_to(site)}: {link}")
                continue
            if url.fragment and target.suffix == ".html" and unquote(url.fragment) not in _parse(target).ids:
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    return broken


def weights(site: Path, browser: dict) -> dict[str, dict[str, int]]:
    """Per page: its HTML and everything a first visit loads from the site, gzip-sized."""
    out = {}
    for rel, res in browser["pages"].items():
        loaded = set(res["desktop"]["resources"]) | set(res["phone"]["resources"]) | {rel}
        files = [site / r for r in loaded if (site / r).is_file()]
        out[rel] = {"html": served_size(site / rel), "total": sum(served_size(f) for f in files),
                    "requests": len(files)}
    return out


# --- tests ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def judged_site(request) -> Path:
    """The session's one build (tests/conftest.py), or THESIS_SITE_DIR to judge another site (then the book
    is not built for these tests)."""
    site = (Path(os.environ["THESIS_SITE_DIR"]) if os.environ.get("THESIS_SITE_DIR")
            else request.getfixturevalue("book").site())
    if not (site / "index.html").exists():
        msg = f"no built site at {site} (make book, or set THESIS_SITE_DIR)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return site.resolve()


@background("browser_report")
def _judge_the_session_site(book) -> dict:
    """The browser judges on the session's site, in the background once it is built (conftest.py)."""
    found = tools(strict=True)
    return run_browser(book.site().resolve(), found["chromium"], found["node"])


@pytest.fixture(scope="module")
def browser_report(judged_site, request):
    found = tools(strict=True)
    if os.environ.get("THESIS_SITE_DIR"):
        return run_browser(judged_site, found["chromium"], found["node"])
    return result_of("browser_report", request.getfixturevalue("book"))


def _by_page(report, pick):
    return {page: found for page, res in report["pages"].items()
            for found in [[x for view in res.values() for x in pick(view)]] if found}


def test_axe_finds_nothing_serious_in_light_or_dark(browser_report):
    bad = _by_page(browser_report, lambda v: [f"{a['id']} ({a['nodes']}): {a['sample']}" for a in v["axe"]
                                              if a["impact"] in ("serious", "critical")])
    assert not bad, bad


def test_no_console_or_page_errors(browser_report):
    bad = _by_page(browser_report, lambda v: v["consoleErrors"] + v["pageErrors"])
    assert not bad, bad


def test_nothing_leaves_the_machine_and_nothing_is_missing(browser_report):
    assert not _by_page(browser_report, lambda v: v["external"])
    assert not _by_page(browser_report, lambda v: v["failed"])


def test_every_chart_becomes_interactive_with_marks(browser_report):
    bad = _by_page(browser_report, lambda v: [c["id"] for c in v["charts"] if not (c["interactive"] and c["marks"])])
    assert not bad, bad
    assert sum(len(r["desktop"]["charts"]) for r in browser_report["pages"].values()) > 0


def test_chart_text_is_readable_on_a_phone(browser_report):
    bad = {page: [(c["id"], c["minTextPx"]) for c in res["phone"]["charts"]
                  if c["minTextPx"] is None or c["minTextPx"] < MIN_TEXT_PX]
           for page, res in browser_report["pages"].items()}
    assert not any(bad.values()), {k: v for k, v in bad.items() if v}


def test_no_page_scrolls_sideways(browser_report):
    bad = {page: (v["scrollWidth"], v["clientWidth"]) for page, res in browser_report["pages"].items()
           for v in res.values() if v["scrollWidth"] > v["clientWidth"] + 1}
    assert not bad, bad


def test_pages_are_light(judged_site, browser_report):
    w = weights(judged_site, browser_report)
    heavy = {p: x for p, x in w.items() if x["html"] > MAX_HTML or x["total"] > MAX_PAGE}
    assert not heavy, heavy


def test_nu_html_checker_finds_no_error(judged_site):
    found = tools(strict=True)
    errors = {page: msgs for page, msgs in run_vnu(judged_site, found["java"]).items() if msgs}
    assert not errors, {p: m[:5] for p, m in errors.items()}


def test_no_broken_internal_links_or_anchors(judged_site):
    assert broken_links(judged_site) == []


# --- the numbers, for a person ------------------------------------------------------------------

def report(site: Path) -> dict:
    found = tools(strict=False)
    browser = run_browser(site, found["chromium"], found["node"])
    vnu = run_vnu(site, found["java"])
    w = weights(site, browser)
    rows = {}
    for page, res in browser["pages"].items():
        d, p = res["desktop"], res["phone"]
        serious = lambda v: sum(a["nodes"] for a in v["axe"] if a["impact"] in ("serious", "critical"))
        charts = d["charts"]
        rows[page] = {
            "axe_light": serious(d), "axe_dark": serious(p),
            "console": len(d["consoleErrors"] + d["pageErrors"] + p["consoleErrors"] + p["pageErrors"]),
            "external": len(d["external"] + p["external"]),
            "charts": len(charts), "interactive": sum(1 for c in charts if c["interactive"] and c["marks"]),
            "phone_min_text": min((c["minTextPx"] or 0 for c in p["charts"]), default=None),
            "sideways": max(v["scrollWidth"] - v["clientWidth"] for v in res.values()),
            "vnu": len(vnu.get(page, [])), **w[page],
        }
    return {"versions": browser["versions"], "pages": rows, "broken_links": broken_links(site),
            "details": browser, "vnu": vnu}


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build" / "html").resolve()
    r = report(site)
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_text(json.dumps(r, indent=1))
    print(r["versions"])
    cols = ["axe_light", "axe_dark", "console", "external", "charts", "interactive", "phone_min_text",
            "sideways", "vnu", "html", "total", "requests"]
    print(f"{'page':42s} " + " ".join(f"{c[:9]:>9s}" for c in cols))
    for page, row in r["pages"].items():
        print(f"{page:42s} " + " ".join(f"{str(row[c]):>9s}" for c in cols))
    print("broken links:", len(r["broken_links"]), r["broken_links"][:10])
