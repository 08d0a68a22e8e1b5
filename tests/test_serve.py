"""`make serve`: the built site on 127.0.0.1, on the port asked for (printed), stopped cleanly.

The server runs as `make serve` runs it (``python -m analysis.serve``) in a child process, with
``--no-build`` so the test does not build: on the session's one build of the book (or
``THESIS_SITE_DIR``), and on a two-page site made here.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(site: Path, port: int):
    """Start the server; yield (base address, the line it printed); stop it."""
    proc = subprocess.Popen([sys.executable, "-m", "analysis.serve", "--no-build", "--site", str(site),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"no address printed: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
        yield f"http://127.0.0.1:{match.group(1)}/", line
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@pytest.fixture
def small_site(tmp_path) -> Path:
    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text("<!DOCTYPE html><title>start</title><p>the start page</p>", encoding="utf-8")
    (site / "404.html").write_text("<!DOCTYPE html><title>lost</title><p>no such page here</p>", encoding="utf-8")
    return site


def test_serve_prints_the_port_it_was_asked_for_and_serves_the_index(small_site):
    port = free_port()
    with serving(small_site, port) as (base, line):
        assert base == f"http://127.0.0.1:{port}/"
        status, body = fetch(base)
        assert status == 200 and "the start page" in body


def test_unknown_address_gets_the_sites_404_page_with_status_404(small_site):
    with serving(small_site, 0) as (base, _):
        status, body = fetch(base + "no/such/page.html")
        assert status == 404 and "no such page here" in body


def test_a_busy_port_fails_with_a_message_naming_another_port(small_site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "analysis.serve", "--no-build", "--site", str(small_site),
                               "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert f"PORT={port + 1}" in proc.stderr


def test_serve_without_a_site_says_to_build_it(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis.serve", "--no-build", "--site", str(tmp_path / "none"),
                           "--port", "0"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "make book" in proc.stderr


@pytest.fixture
def built_site(request) -> Path:
    if os.environ.get("THESIS_SITE_DIR"):
        return Path(os.environ["THESIS_SITE_DIR"])
    return request.getfixturevalue("book").site()


def test_serve_serves_the_built_books_index_and_first_page(built_site):
    with serving(built_site, 0) as (base, _):
        status, body = fetch(base)
        assert status == 200
        target = re.search(r'url=([^"\s>]+)', body)  # the root is a redirect to the first page
        assert target, "index.html names no page to go to"
        status, page = fetch(base + target.group(1))
        assert status == 200 and "<h1" in page


def test_text_is_sent_gzip_compressed_to_browsers_that_accept_it(small_site):
    import gzip

    with serving(small_site, 0) as (base, _):
        req = urllib.request.Request(base + "index.html", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.headers["Content-Encoding"] == "gzip"
            assert b"the start page" in gzip.decompress(resp.read())
        status, body = fetch(base + "index.html")  # a client that does not ask gets it plain
        assert status == 200 and "the start page" in body
