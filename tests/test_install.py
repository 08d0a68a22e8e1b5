"""Two commands on any current machine: the Makefile finds a suitable Python, and the pins install on 3.11-3.13
(checked against the package index by tests/pins.py, as `pip download --python-version` would decide)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from packaging import tags
from packaging.requirements import Requirement

import pins
from conftest import ROOT
from pins import (ACCEPT, JSON_TYPE, File, Session, accepted_tags, applies, check_pins, fetch_files, index_url,
                  parse_project_page, read_pins, release, why_not)

MAKE = shutil.which("make")
SUPPORTED = ["3.11", "3.12", "3.13"]


def _fake_python(folder: Path, name: str, version: tuple[int, int] | None) -> None:
    """An interpreter called ``name`` that reports ``version``; None makes a broken pyenv-style shim."""
    script = folder / name
    if version is None:
        script.write_text(f'#!/bin/sh\necho "pyenv: {name}: command not found" >&2\nexit 127\n')
    else:
        code = f"import sys; sys.version_info = {version}; exec(sys.argv[1])"
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "{code}" "$2"\n')
    script.chmod(0o755)


def _make_python(tmp_path: Path, fakes: dict[str, tuple[int, int] | None], *args: str):
    for name, version in fakes.items():
        _fake_python(tmp_path, name, version)
    # a make that runs these tests (`make test PYTHON=...`, as .ci/run does) hands its variables down
    # through MAKEFLAGS: drop them, so the make under test chooses for itself
    inherited = {"PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    env = {k: v for k, v in os.environ.items() if k not in inherited} | {"PATH": str(tmp_path)}
    return subprocess.run([MAKE, "-s", "-C", str(ROOT), "python", *args], capture_output=True, text=True, env=env)


pytestmark_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")


@pytestmark_make
def test_make_takes_the_first_interpreter_that_runs(tmp_path):
    proc = _make_python(tmp_path, {"python3.11": None, "python3.12": (3, 12), "python3.13": (3, 13),
                                   "python3": (3, 12)})
    assert proc.returncode == 0 and proc.stdout.strip() == "python3.12", proc.stderr


@pytestmark_make
def test_make_falls_back_to_python3_when_it_is_new_enough(tmp_path):
    proc = _make_python(tmp_path, {"python3.11": None, "python3": (3, 14)})
    assert proc.returncode == 0 and proc.stdout.strip() == "python3", proc.stderr


@pytestmark_make
def test_make_refuses_an_old_python3_and_says_what_it_tried(tmp_path):
    proc = _make_python(tmp_path, {"python3": (3, 10)})
    assert proc.returncode != 0
    assert all(name in proc.stderr for name in ("python3.11", "python3.12", "python3.13", "python3", "PYTHON="))


@pytestmark_make
def test_python_variable_overrides_the_search(tmp_path):
    proc = _make_python(tmp_path, {"python3.11": (3, 11)}, "PYTHON=/opt/my/python")
    assert proc.stdout.strip() == "/opt/my/python"


def _index_host() -> str:
    return urlparse(index_url()).hostname


def _index_port() -> int:
    url = urlparse(index_url())
    return url.port or (80 if url.scheme == "http" else 443)


def _need_index() -> None:
    """Skip offline, with the reason; in CI (CI=true) an unreachable index is a failure."""
    try:
        socket.create_connection((_index_host(), _index_port()), timeout=5).close()
    except OSError as err:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"CI must reach the package index {_index_host()} to check the pins: {err}")
        pytest.skip(f"offline ({_index_host()} not reachable): the pins were not checked for Python "
                    f"{', '.join(SUPPORTED)}")


@pytest.mark.network
def test_every_pin_has_a_wheel_for_python_3_11_to_3_13():
    """What `pip download --only-binary=:all: --python-version V --no-deps -r requirements.txt` decides for
    V = 3.11, 3.12, 3.13, asked of the index (PIP_INDEX_URL, else PyPI) without downloading: ~1 s, not ~30."""
    _need_index()
    problems = check_pins(read_pins(ROOT / "requirements.txt"), SUPPORTED, index_url())
    assert not problems, f"pins a reader cannot install as wheels from {index_url()}:\n" + "\n".join(problems)


# ---- the selection itself, on made-up file lists with known answers (no network) ----------------------------

# the platform tags of a glibc 2.36 x86-64 Linux (Debian 12), as packaging.tags.platform_tags() gives them there
GLIBC_X86_64 = ["linux_x86_64", *(f"manylinux_2_{minor}_x86_64" for minor in range(36, 4, -1)),
                "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]


def _verdict(files, python: str, pin: str = "demo==1.0", platforms=GLIBC_X86_64) -> str | None:
    req = Requirement(pin)
    files = [f if isinstance(f, File) else File(f) for f in files]
    return why_not(release(req, files), python, accepted_tags(python, platforms))


def test_a_wheel_for_one_python_only_fails_on_the_others():
    wheel = "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    assert _verdict([wheel], "3.11") is None
    for python in ("3.12", "3.13"):
        problem = _verdict([wheel], python)
        assert all(word in problem for word in ("demo==1.0", f"Python {python}", "cp311-cp311",
                                                "manylinux_2_17_x86_64")), problem


@pytest.mark.parametrize("python", SUPPORTED)
@pytest.mark.parametrize("wheel", ["demo-1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                                   "demo-1.0-py3-none-any.whl",
                                   "demo-1.0-cp313-cp313-manylinux_2_36_x86_64.whl"])
def test_abi3_and_pure_wheels_fit_every_python(wheel, python):
    verdict = _verdict([wheel], python)
    assert (verdict is None) == (python == "3.13" or "cp313" not in wheel), verdict


def test_requires_python_is_read_as_pip_reads_python_version():
    def wheel(requires_python):
        return [File("demo-1.0-py3-none-any.whl", requires_python=requires_python)]
    assert _verdict(wheel("<3.13"), "3.12") is None
    problem = _verdict(wheel("<3.13"), "3.13")
    assert "Python 3.13" in problem and "<3.13" in problem
    # `--python-version 3.11` is 3.11.0 to pip: soupsieve 3.0.2 and later (>=3.11.5) are shut out that way
    assert "require Python >=3.11.5" in _verdict(wheel(">=3.11.5"), "3.11")
    assert _verdict(wheel(">=3.11.5"), "3.12") is None
    # pip ignores a requires-python it cannot parse, and so does the check
    assert _verdict(wheel("not a specifier"), "3.13") is None


def test_a_project_with_only_a_source_distribution_fails():
    for python in SUPPORTED:
        assert "only the source distribution demo-1.0.tar.gz" in _verdict(["demo-1.0.tar.gz"], python)


def test_a_yanked_pin_fails_with_the_maintainers_reason():
    yanked = File("demo-1.0-py3-none-any.whl", yanked="broken on 3.11.0-3.11.4")
    problem = _verdict([yanked, "demo-1.0.tar.gz"], "3.12")
    assert "yanked" in problem and "broken on 3.11.0-3.11.4" in problem and "demo==1.0" in problem
    assert "no reason given" in _verdict([File("demo-1.0-py3-none-any.whl", yanked="")], "3.12")
    # pip prefers a standing file to a yanked one of the same version, so one standing wheel is enough
    assert _verdict([yanked, "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"], "3.12") is None
    # a yanked wheel that does not fit anyway is no excuse
    assert "yanked" in _verdict([yanked, "demo-1.0-cp312-cp312-win_amd64.whl"], "3.12")


def test_wheels_for_other_platforms_fail_on_glibc_linux():
    others = ["demo-1.0-cp313-cp313-musllinux_1_2_x86_64.whl", "demo-1.0-cp313-cp313-macosx_11_0_arm64.whl",
              "demo-1.0-cp313-cp313-win_amd64.whl", "demo-1.0-cp313-cp313-manylinux_2_17_aarch64.whl",
              "demo-1.0-cp313-cp313-manylinux_2_39_x86_64.whl"]  # needs a newer glibc than 2.36
    problem = _verdict(others, "3.13")
    assert "no wheel for CPython 3.13 on this platform" in problem
    assert "musllinux_1_2_x86_64" in problem and "macosx_11_0_arm64" in problem


def test_only_the_pinned_version_and_project_count():
    assert "no wheel at all" in _verdict(["demo-1.0.tar.gz", "demo-1.1-py3-none-any.whl",
                                          "demo_extra-1.0-py3-none-any.whl"], "3.12")
    assert "no file of this version" in _verdict(["demo-0.9-py3-none-any.whl"], "3.12")
    # names and versions compare normalized, as pip compares them: 1.0 == 1.0.0, Demo_Pkg is demo-pkg
    assert _verdict(["Demo_Pkg-1.0.0-py3-none-any.whl"], "3.12", pin="demo-pkg==1.0") is None


def test_the_accepted_tags_of_this_machine_are_pips():
    mine = list(tags.platform_tags())[0]
    for python in SUPPORTED:
        cp = f"cp{python.replace('.', '')}"
        accepted = accepted_tags(python)
        assert {tags.Tag("py3", "none", "any"), tags.Tag(cp, "abi3", mine), tags.Tag(cp, cp, mine),
                tags.Tag("cp39", "abi3", mine)} <= accepted
        assert tags.Tag("cp310", "cp310", mine) not in accepted


def test_pins_are_read_with_their_markers(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# comment\n\nDemo_Pkg==1.0  # trailing\nold==2.0 ; python_version < \"3.12\"\n")
    first, old = read_pins(path)
    assert (first.name, str(first.specifier)) == ("Demo_Pkg", "==1.0")
    assert [applies(old, python) for python in SUPPORTED] == [True, False, False]
    path.write_text("demo>=1.0\n")
    with pytest.raises(ValueError, match="not an exact pin"):
        read_pins(path)


def test_the_book_s_requirements_are_exact_pins():
    assert len(read_pins(ROOT / "requirements.txt")) > 100


def test_project_pages_are_read_in_json_and_in_html():
    page = {"meta": {"api-version": "1.1"}, "name": "demo", "files": [
        {"filename": "demo-1.0-py3-none-any.whl", "url": "x", "hashes": {}, "requires-python": ">=3.11",
         "yanked": False},
        {"filename": "demo-1.1-py3-none-any.whl", "url": "x", "hashes": {}, "yanked": True},
        {"filename": "demo-1.2.tar.gz", "url": "x", "hashes": {}, "requires-python": None, "yanked": "oops"}]}
    assert parse_project_page(json.dumps(page).encode(), JSON_TYPE, "https://x/simple/demo/") == [
        File("demo-1.0-py3-none-any.whl", ">=3.11", None), File("demo-1.1-py3-none-any.whl", None, ""),
        File("demo-1.2.tar.gz", None, "oops")]
    html = ('<html><body><a href="../../packages/demo-1.0-py3-none-any.whl#sha256=00" '
            'data-requires-python="&lt;3.13">demo-1.0-py3-none-any.whl</a>'
            '<a href="https://files.example/demo-1.1.tar.gz" data-yanked>demo-1.1.tar.gz</a>'
            '<a href="demo-1.2.tar.gz" data-yanked="bad build">demo-1.2.tar.gz</a></body></html>')
    assert parse_project_page(html.encode(), "text/html", "https://x/simple/demo/") == [
        File("demo-1.0-py3-none-any.whl", "<3.13", None), File("demo-1.1.tar.gz", None, ""),
        File("demo-1.2.tar.gz", None, "bad build")]


def test_the_index_is_asked_with_retries_and_redirects(monkeypatch):
    """A small local index: JSON, a 503 that passes on a retry, a redirect, and a project it does not have."""
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(pins, "BACKOFF", 0.01)
    body = json.dumps({"meta": {"api-version": "1.1"}, "name": "demo",
                       "files": [{"filename": "demo-1.0-py3-none-any.whl", "url": "x", "hashes": {}}]}).encode()
    hits = []

    class Index(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append((self.path, self.headers["Accept"]))
            if self.path == "/simple/flaky/" and hits.count(hits[-1]) == 1:
                self.send_error(503)
            elif self.path == "/simple/moved/":
                self.send_response(301)
                self.send_header("Location", "/simple/demo/")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path in ("/simple/demo/", "/simple/flaky/"):
                self.send_response(200)
                self.send_header("Content-Type", JSON_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    Index.protocol_version = "HTTP/1.1"  # keep-alive, as PyPI
    server = ThreadingHTTPServer(("127.0.0.1", 0), Index)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    index = f"http://127.0.0.1:{server.server_address[1]}/simple"
    try:
        with Session(timeout=5) as session:
            for name in ("Demo", "flaky", "moved"):
                assert fetch_files(name, index, session) == [File("demo-1.0-py3-none-any.whl")]
            with pytest.raises(LookupError, match="no project 'absent'"):
                fetch_files("absent", index, session)
        assert hits[0] == ("/simple/demo/", ACCEPT) and JSON_TYPE in ACCEPT
        assert [path for path, _ in hits].count("/simple/flaky/") == 2
        problems = check_pins([Requirement("demo==1.0"), Requirement("absent==1.0")], SUPPORTED, index)
        assert len(problems) == 1 and "absent==1.0" in problems[0] and "404" in problems[0]
    finally:
        server.shutdown()
        server.server_close()
