"""Who read what: the build re-runs a page when something it read has changed.

A notebook's kernel logs each read (``record_reads`` names the log; ``analysis.page.start`` sets it):

- a data file (the whole table);
- ``datapackage.json#<resource>`` for one resource's metadata;
- ``datapackage.json#sources@<id>`` for one source a page cites;
- ``datapackage.json#<resource>?{"columns": [...], "where": {...}}`` for the part of a table a page
  asked for (``datasets.load(name, columns=..., where=...)``): a page that lists each dataset's statuses,
  or checks one quoted number, does not run again when a note elsewhere in the table is corrected.

The fingerprints below say whether a logged read still reads the same.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path


class SourceRegistry(dict):
    """Source records that log each lookup as a read of that one row (``...#sources@<id>``).

    Every chart cites its sources, so a page that depended on all of sources.csv would run again
    whenever any source is added or corrected: after a new edition, every page. Going through the
    whole list (iterating) is a read of the whole file.
    """

    def __init__(self, records: dict, key: str, path: Path):
        super().__init__(records)
        self.key, self.path = key, path

    def _read(self, source_id) -> None:
        record_read(f"{self.key}@{source_id}")

    def __getitem__(self, source_id):
        self._read(source_id)
        return super().__getitem__(source_id)

    def get(self, source_id, default=None):
        self._read(source_id)
        return super().get(source_id, default)

    def __contains__(self, source_id) -> bool:
        self._read(source_id)
        return super().__contains__(source_id)

    def _all(self) -> None:
        record_read(self.key)
        record_read(self.path)

    def __iter__(self):
        self._all()
        return super().__iter__()

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()


def query_key(descriptor: Path | str, name: str, columns=None, where: dict | None = None) -> str:
    """The logged name of a read of some columns (None: all) of the rows matching ``where``."""
    query = {"columns": None if columns is None else list(columns),
             "where": {str(k): str(v) for k, v in (where or {}).items()}}
    return f"{descriptor}#{name}?{json.dumps(query, sort_keys=True, separators=(',', ':'))}"


def parse(key: str) -> tuple[str, str, str, dict | None]:
    """A logged read as (path, resource, source row, query); the parts it does not have are empty."""
    path, _, part = key.partition("#")
    resource, _, query = part.partition("?")
    resource, _, row = resource.partition("@")
    return path, resource, row, (json.loads(query) if query else None)


def query_hash(root: Path | str, name: str, query: dict) -> str | None:
    """Fingerprint of the part of a table a query reads: its rows in order, only its columns (None
    when the package no longer has the table)."""
    from .datasets import DataError, _mtime, package

    pkg = package(root)
    try:
        path = pkg.root / pkg.resource(name)["path"]
    except DataError:
        return None  # the resource is gone: the page must run again
    return _query_hash(str(pkg.root), name, json.dumps(query, sort_keys=True), _mtime(path))


@lru_cache(maxsize=256)
def _query_hash(root: str, name: str, query: str, _stamp: float) -> str:
    from .datasets import load

    q = json.loads(query)
    part = load(name, root, record=False, columns=q["columns"], where=q["where"])
    records = json.dumps(part.to_dict("records"), sort_keys=True, default=str)
    return hashlib.sha256(records.encode()).hexdigest()


def label(key: str, root: Path) -> str:
    """A logged read as a maintainer knows it: the file (relative to ``root``) and what part of it."""
    from .datasets import DataError, package

    path, resource, row, query = parse(key)
    if query is not None:  # the table's own file, which is what a maintainer edits
        cols = ", ".join(query["columns"]) if query["columns"] is not None else "all columns"
        rows = "; ".join(f"{k}={v}" for k, v in query["where"].items())
        try:
            table = Path(path).parent / package(Path(path).parent).resource(resource)["path"]
        except DataError:
            table = Path(path)
        return f"{_short(table, root)} ({resource}: {cols}{' where ' + rows if rows else ''})"
    what = f" ({resource} row {row})" if row else f" ({resource} metadata)" if resource else ""
    return _short(Path(path), root) + what


def _short(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def row_hash(root: Path | str, name: str, key: str) -> str:
    """Fingerprint of the row of ``name`` whose one-column primary key is ``key`` ("absent" if none)."""
    from .datasets import _mtime, package

    pkg = package(root)
    return _row_hashes(str(pkg.root), name, _mtime(pkg.root / pkg.resource(name)["path"])).get(key, "absent")


@lru_cache(maxsize=16)
def _row_hashes(root: str, name: str, _stamp: float) -> dict[str, str]:
    from .datasets import load, package

    frame = load(name, root, record=False)
    column = package(root).resource(name)["schema"]["primaryKey"]
    column = column[0] if isinstance(column, list) else column
    return {str(r[column]): hashlib.sha256(json.dumps(r, sort_keys=True, default=str).encode()).hexdigest()
            for r in frame.to_dict("records")}


def descriptor_hash(root: Path | str, name: str) -> str | None:
    """Fingerprint of one resource's metadata, so editing another dataset's entry re-runs nothing here."""
    from .datasets import DataError, package

    try:
        res = package(root).resource(name)
    except DataError:
        return None
    return hashlib.sha256(json.dumps(res, sort_keys=True).encode()).hexdigest()


#: Where to log every file read (set by ``record_reads``; the executor gives each notebook its own).
_READ_LOG: Path | None = None


def record_reads(log: Path | str | None) -> None:
    """Log every file ``load`` reads to ``log``: the build re-runs a page when one of them changes."""
    global _READ_LOG
    _READ_LOG = Path(log) if log else None


def record_read(path: Path | str) -> None:
    if _READ_LOG:
        with open(_READ_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{path}\n")
