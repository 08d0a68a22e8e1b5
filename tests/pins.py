"""Would pip find a wheel for every pin, on each supported Python? Asked of the package index directly.

This does what ``pip download --only-binary=:all: --python-version 3.X --no-deps -r requirements.txt``
decides, without downloading anything: for each ``name==version`` pin it reads the project's file list
from the index's Simple API (PEP 691 JSON, or the PEP 503 HTML page when an index only serves that) and
looks, for each target Python, for a wheel of that version

* whose tags meet the tags pip accepts for that Python on this platform (``packaging.tags``, as pip's own
  ``get_supported`` builds them for ``--python-version``),
* whose ``requires-python`` admits that Python as pip sees it: ``--python-version 3.11`` means 3.11.0,
  so ``>=3.11.5`` shuts it out; an unparsable ``requires-python`` is ignored, as pip ignores it,
* and that its maintainers have not yanked (PEP 592). pip would still take a yanked file when it is the
  only match for an exact pin, with a warning; here that is a failure, with the maintainers' reason.

Environment markers on a pin are evaluated for the target Python (pip itself evaluates them for the
Python it runs on), so a pin that does not apply to 3.13 is not looked for on 3.13.

Only the index is asked (PIP_INDEX_URL, else PyPI): the extra indexes and find-links a machine's pip
configuration may add are not what a reader gets.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import chain
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse, urlsplit

from packaging import tags
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (InvalidSdistFilename, InvalidWheelFilename, canonicalize_name,
                             parse_sdist_filename, parse_wheel_filename)
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/simple"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"
BACKOFF = 0.5  # seconds before the first retry, twice that before the second
# pip's own Accept header: JSON first, HTML from indexes that serve nothing else
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"


@dataclass(frozen=True)
class File:
    """One file of a project on the index. ``yanked`` is None when it stands, else the reason ("" if none)."""
    filename: str
    requires_python: str | None = None
    yanked: str | None = None


def index_url() -> str:
    return (os.environ.get("PIP_INDEX_URL") or PYPI).rstrip("/")


# ---- the pins ---------------------------------------------------------------------------------------------

def read_pins(path: Path) -> list[Requirement]:
    """The requirements in ``path``, each an exact ``==`` pin (anything else is refused: this file pins)."""
    pins = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)
        if len(req.specifier) != 1 or next(iter(req.specifier)).operator not in ("==", "==="):
            raise ValueError(f"{path}:{number}: {line!r} is not an exact pin (name==version)")
        pins.append(req)
    return pins


def applies(req: Requirement, python: str) -> bool:
    """Whether the pin's environment marker (if any) holds for CPython ``python`` ("3.13") on this platform."""
    if req.marker is None:
        return True
    return req.marker.evaluate({"python_version": python, "python_full_version": f"{python}.0",
                                "implementation_name": "cpython", "platform_python_implementation": "CPython"})


# ---- what pip would accept ----------------------------------------------------------------------------------

def accepted_tags(python: str, platforms: Sequence[str] | None = None) -> frozenset[tags.Tag]:
    """The wheel tags pip accepts with ``--python-version python`` (on this platform unless ``platforms``)."""
    version = tuple(int(part) for part in python.split("."))
    platforms = list(tags.platform_tags()) if platforms is None else list(platforms)
    return frozenset(chain(tags.cpython_tags(python_version=version, platforms=platforms),
                           tags.compatible_tags(python_version=version, interpreter=f"cp{version[0]}{version[1]}",
                                                platforms=platforms)))


def _admits(requires_python: str | None, python: str) -> bool:
    if not requires_python or not requires_python.strip():
        return True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:  # pip ignores what it cannot parse
        return True
    return spec.contains(Version(f"{python}.0"), prereleases=True)


def _tag_summary(wheels: Iterable[tuple[File, frozenset[tags.Tag]]]) -> str:
    """'cp311-cp311 (manylinux_2_17_x86_64, win_amd64), py3-none (any)' for the wheels' tags."""
    by_abi: dict[str, set[str]] = defaultdict(set)
    for _, wheel_tags in wheels:
        for tag in wheel_tags:
            by_abi[f"{tag.interpreter}-{tag.abi}"].add(tag.platform)
    return "; ".join(f"{abi} ({', '.join(sorted(platforms))})" for abi, platforms in sorted(by_abi.items()))


@dataclass(frozen=True)
class Release:
    """The files of the pinned version: its wheels with their tags, and its source distributions."""
    req: Requirement
    wheels: tuple[tuple[File, frozenset[tags.Tag]], ...]
    sdists: tuple[File, ...]


def release(req: Requirement, files: Iterable[File]) -> Release:
    """Pick the pinned version's files out of all the project's (pydantic-core alone lists some 15,000)."""
    name = canonicalize_name(req.name)
    matches: dict[str, bool] = {}  # version string as written in file names -> is it the pinned version?

    def pinned(version: str) -> bool:
        if version not in matches:
            try:
                matches[version] = req.specifier.contains(Version(version), prereleases=True)
            except InvalidVersion:
                matches[version] = False
        return matches[version]

    wheels, sdists = [], []
    for file in files:
        if file.filename.endswith(".whl"):
            parts = file.filename.split("-")
            if len(parts) not in (5, 6) or not pinned(parts[1]):
                continue  # cheap test first: parse only this version's wheels
            try:
                wheel_name, _, _, wheel_tags = parse_wheel_filename(file.filename)
            except InvalidWheelFilename:
                continue  # pip passes them by too
            if wheel_name == name:
                wheels.append((file, frozenset(wheel_tags)))
        else:
            try:
                sdist_name, version = parse_sdist_filename(file.filename)
            except InvalidSdistFilename:
                continue  # eggs, exes, odd names
            if sdist_name == name and pinned(str(version)):
                sdists.append(file)
    return Release(req, tuple(wheels), tuple(sdists))


def why_not(found: Release, python: str, accepted: frozenset[tags.Tag]) -> str | None:
    """None when pip, for CPython ``python`` and the ``accepted`` tags, would take an unyanked wheel of the pin;
    else what is wrong, naming the pin, the Python and what the index holds."""
    where = f"{found.req.name}{found.req.specifier} on Python {python}"
    wheels = found.wheels
    if not wheels:
        if found.sdists:
            return f"{where}: no wheel at all, only the source distribution {found.sdists[0].filename}"
        return f"{where}: the index has no file of this version"
    fitting = [(f, t) for f, t in wheels if t & accepted]
    if not fitting:
        return (f"{where}: no wheel for CPython {python} on this platform; the wheels of this version are "
                f"tagged {_tag_summary(wheels)}")
    admitted = [(f, t) for f, t in fitting if _admits(f.requires_python, python)]
    if not admitted:
        needs = sorted({f.requires_python for f, _ in fitting})
        return f"{where}: the wheels that fit this platform require Python {' or '.join(needs)}"
    if all(f.yanked is not None for f, _ in admitted):
        reasons = sorted({f.yanked or "no reason given" for f, _ in admitted})
        return (f"{where}: yanked by its maintainers ({admitted[0][0].filename}): "
                f"{'; '.join(reasons)}")
    return None


# ---- the index ----------------------------------------------------------------------------------------------

class _Links(HTMLParser):
    """The anchors of a PEP 503 project page, as Files."""

    def __init__(self, base: str):
        super().__init__()
        self.base, self.files = base, []

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        attrs = dict(attrs)
        href = attrs.get("href")
        if not href:
            return
        filename = unquote(urlparse(urljoin(self.base, href)).path.rsplit("/", 1)[-1])
        yanked = (attrs["data-yanked"] or "") if "data-yanked" in attrs else None  # a bare attribute is None
        self.files.append(File(filename, attrs.get("data-requires-python"), yanked))


def parse_project_page(body: bytes, content_type: str, url: str) -> list[File]:
    """The files of a Simple API project page, JSON (PEP 691) or HTML (PEP 503)."""
    if content_type.split(";")[0].strip().lower().endswith("json"):  # PEP 691, or an index saying application/json
        files = []
        for entry in json.loads(body)["files"]:
            yanked = entry.get("yanked", False)
            files.append(File(entry["filename"], entry.get("requires-python") or None,
                              None if yanked is False or yanked is None else ("" if yanked is True else str(yanked))))
        return files
    parser = _Links(url)
    parser.feed(body.decode("utf-8", errors="replace"))
    return parser.files


class Session:
    """Keep-alive connections to the index, one per thread, and one DNS lookup per host.

    pip keeps its connections open too. Opening one per project instead costs a TLS handshake and a DNS
    lookup each: 130 lookups at once are more than some resolvers answer (lookups lost, 5 s retries)."""

    def __init__(self, timeout: float = 20):
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._addresses: dict[tuple[str, int], tuple[str, int]] = {}
        self._open: list[http.client.HTTPConnection] = []
        self._context: ssl.SSLContext | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        with self._lock:
            for conn in self._open:
                conn.close()
            self._open.clear()

    def _address(self, host: str, port: int) -> tuple[str, int]:
        with self._lock:  # one lookup per host, whatever the number of threads
            if (host, port) not in self._addresses:
                for attempt in range(3):
                    try:
                        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                        break
                    except socket.gaierror:
                        if attempt == 2:
                            raise
                        time.sleep(BACKOFF * (attempt + 1))
                self._addresses[host, port] = info[0][4][:2]
            return self._addresses[host, port]

    def _ssl(self) -> ssl.SSLContext:
        with self._lock:  # loading the CA bundle costs ~25 ms of CPU: once
            if self._context is None:
                self._context = ssl.create_default_context(cafile=os.environ.get("PIP_CERT") or None)
            return self._context

    def _connection(self, scheme: str, host: str, port: int) -> http.client.HTTPConnection:
        conns = self._local.__dict__.setdefault("conns", {})
        if (scheme, host, port) not in conns:
            sock = socket.create_connection(self._address(host, port), timeout=self.timeout)
            if scheme == "https":
                sock = self._ssl().wrap_socket(sock, server_hostname=host)
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            conn.sock = sock  # connected (and encrypted) above; http.client only speaks HTTP over it
            conns[scheme, host, port] = conn
            with self._lock:
                self._open.append(conn)
        return conns[scheme, host, port]

    def _drop(self, scheme: str, host: str, port: int) -> None:
        conn = self._local.__dict__.get("conns", {}).pop((scheme, host, port), None)
        if conn is not None:
            conn.close()

    def get(self, url: str, headers: dict[str, str], redirects: int = 5) -> tuple[int, dict, bytes]:
        """Status, headers (lower-case names) and body of a GET, following redirects."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise OSError(f"{url}: only http(s) indexes can be asked")
        if urllib.request.getproxies().get(parts.scheme) and not urllib.request.proxy_bypass(parts.hostname):
            request = urllib.request.Request(url, headers=headers)  # through the proxy: plain urllib
            try:
                with urllib.request.urlopen(request, timeout=self.timeout, context=self._ssl()) as response:
                    return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
            except urllib.error.HTTPError as err:
                return err.code, {k.lower(): v for k, v in err.headers.items()}, b""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (parts.scheme, parts.hostname, port)
        conn = self._connection(*key)
        try:
            conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                         headers={"Host": parts.netloc, **headers})
            response = conn.getresponse()
            status, got, body = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        except Exception:
            self._drop(*key)  # a connection the server closed, or half-read: open a fresh one next time
            raise
        if response.will_close:
            self._drop(*key)
        if status in (301, 302, 303, 307, 308) and "location" in got and redirects:
            return self.get(urljoin(url, got["location"]), headers, redirects - 1)
        return status, got, body


def fetch_files(name: str, index: str | None = None, session: Session | None = None,
                retries: int = 2) -> list[File]:
    """The files the index lists for project ``name``; LookupError if it has no such project."""
    if session is None:
        with Session() as session:
            return fetch_files(name, index, session, retries)
    url = f"{(index or index_url()).rstrip('/')}/{canonicalize_name(name)}/"
    headers = {"Accept": ACCEPT, "Accept-Encoding": "gzip", "User-Agent": "thesis-companion pin check"}
    for attempt in range(retries + 1):
        try:
            status, got, body = session.get(url, headers)
        except (OSError, http.client.HTTPException) as err:
            if attempt == retries:
                raise OSError(f"{url}: {err!r} (after {retries + 1} tries)") from None
        else:
            if status == 404:
                raise LookupError(f"{url} answers 404: no project {name!r} on the index")
            if status == 200:
                if got.get("content-encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                return parse_project_page(body, got.get("content-type", ""), url)
            if attempt == retries or (status < 500 and status != 429):
                raise OSError(f"{url}: HTTP {status}")
        time.sleep(BACKOFF * (attempt + 1))
    raise AssertionError("unreachable")


def check_pins(pins: Sequence[Requirement], pythons: Sequence[str], index: str | None = None,
               workers: int = 16) -> list[str]:
    """Everything that stops a pin from installing as a wheel on one of ``pythons``; empty when all is well."""
    with Session() as session, ThreadPoolExecutor(max_workers=workers) as pool:
        def files_of(req):
            try:
                return fetch_files(req.name, index, session)
            except (LookupError, OSError) as err:
                return err
        listings = list(pool.map(files_of, pins))
    accepted = {python: accepted_tags(python) for python in pythons}
    problems = []
    for req, files in zip(pins, listings):
        if isinstance(files, Exception):
            problems.append(f"{req}: could not read its files from the index: {files}")
            continue
        found = release(req, files)
        for python in pythons:
            if applies(req, python) and (problem := why_not(found, python, accepted[python])):
                problems.append(problem)
    return problems
