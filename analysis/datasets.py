"""Load the data package: every CSV is checked against its schema before anyone sees it.

``load("istat_census_size")`` returns a typed DataFrame whose ``attrs`` carry the resource's
metadata. Bad input raises :class:`DataError` naming the file, the row and the column, so a
build stops with a message a data maintainer can act on.
"""

from __future__ import annotations

import csv
import io
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .reads import SourceRegistry, query_key, record_read as _record_read

#: The book's own data package. Another folder is passed explicitly (``root=``); only the process
#: boundary (the CLI, a notebook's first cell through ``analysis.page.start``) reads the environment.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STATUSES = ("verified_primary", "verified_secondary", "derived", "thesis_quoted", "not_found")
STATUS_LABELS = {
    "verified_primary": "verified (publisher)",
    "verified_secondary": "verified (secondary source)",
    "derived": "derived",
    "thesis_quoted": "as quoted by the thesis",
    "not_found": "not available",
}


class DataError(ValueError):
    """A data file breaks its schema; the message names file, row and column."""

    def __init__(self, path: Path | str, message: str, row: int | None = None, column: str | None = None):
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
        self.path, self.row, self.column = str(path), row, column


def data_dir(root: Path | str | None = None) -> Path:
    """The data folder to read: ``root`` when given, else the book's own ``data/``."""
    return Path(root or DEFAULT_DATA_DIR).resolve()


@dataclass(frozen=True)
class Package:
    root: Path
    descriptor: dict

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        known = ", ".join(r.get("name", "?") for r in self.descriptor.get("resources", []))
        raise DataError(self.root / "datapackage.json", f"no resource named '{name}' (known: {known})")

    @property
    def names(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", [])]

    def load(self, name: str, columns=None, where: dict | None = None) -> pd.DataFrame:
        """``load(name, root)`` for this package: what a page calls (``data.load("allianz_italy")``)."""
        return load(name, self.root, columns=columns, where=where)


def package(root: Path | str | None = None) -> Package:
    root = data_dir(root)
    return _package(root, _mtime(root / "datapackage.json"))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        raise DataError(path, "data package descriptor not found") from None


@lru_cache(maxsize=8)
def _package(root: Path, _stamp: float) -> Package:
    path = root / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(path, f"invalid JSON: {err.msg}", row=err.lineno) from None
    return Package(root, descriptor)


# --- cell parsing -------------------------------------------------------------------------

def _parse(raw: str, field: dict):
    """Turn one CSV cell into a Python value of the field's type, or raise ValueError."""
    kind = field.get("type", "string")
    if raw == "":
        return None
    if kind == "string":
        return raw
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            raise ValueError(f"'{raw}' is not an integer")
        return int(raw)
    if kind == "number":
        if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", raw):
            raise ValueError(f"'{raw}' is not a number (use '.' as decimal mark, no thousands separators)")
        value = float(raw)
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"'{raw}' is not a finite number")
        return value
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ValueError(f"'{raw}' is not a boolean (true or false)")
        return raw == "true"
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"'{raw}' is not a date (YYYY-MM-DD)") from None
    raise ValueError(f"unsupported field type '{kind}'")


def _check_constraints(value, raw: str, field: dict) -> None:
    cons = field.get("constraints", {})
    if value is None:
        if cons.get("required"):
            raise ValueError("a value is required")
        return
    if "enum" in cons and value not in cons["enum"]:
        raise ValueError(f"'{raw}' is not one of: {', '.join(map(str, cons['enum']))}")
    if "minimum" in cons and value < cons["minimum"]:
        raise ValueError(f"{raw} is below the minimum {cons['minimum']}")
    if "maximum" in cons and value > cons["maximum"]:
        raise ValueError(f"{raw} is above the maximum {cons['maximum']}")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], raw):
        raise ValueError(f"'{raw}' does not match the pattern {cons['pattern']}")


def _check_provenance(record: dict, path: Path, row: int) -> None:
    """The project's rules that a schema alone cannot say (data/README.md)."""
    status = record.get("status")
    if "value" in record and (record["value"] is None) != (status == "not_found"):
        if status == "not_found":
            raise DataError(path, "a 'not_found' row must leave value empty", row, "value")
        if not record.get("_value_may_be_empty"):
            raise DataError(path, f"value is empty but status is '{status}' (use 'not_found' for a gap)", row, "value")
    if "formula" in record and (status == "derived") != bool(record.get("formula")):
        msg = "a derived row needs its formula" if status == "derived" else "only derived rows carry a formula"
        raise DataError(path, msg, row, "formula")
    if "quote" in record and status in ("verified_primary", "verified_secondary", "thesis_quoted"):
        if not record.get("quote"):
            raise DataError(path, f"a '{status}' row needs the exact phrase it was read from", row, "quote")


# --- reading ------------------------------------------------------------------------------

def read_rows(path: Path, schema: dict, allow_empty_value: bool = False) -> list[dict]:
    """Read and validate a CSV against a Table Schema; rows are numbered as in a spreadsheet.

    What spreadsheets write is accepted as it is: a UTF-8 byte-order mark and CRLF line endings read
    exactly like plain UTF-8 with LF. Any other encoding stops with the row and column of the first
    byte that is not UTF-8.
    """
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    text = _text(path, names)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header != names:
            _header_error(path, header, names)
        records = [_record(path, line, cells, fields, allow_empty_value) for line, cells in enumerate(reader, start=2)]
    except csv.Error as err:
        raise DataError(path, f"malformed CSV: {err}", row=reader.line_num) from None
    _check_keys(path, records, schema)
    return records


def _text(path: Path, names: list[str]) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = raw[:err.start].count(b"\n") + 1
        line = raw.splitlines()[row - 1].decode("utf-8", errors="replace")
        cells = next(csv.reader([line]), [])
        col = next((names[i] for i, c in enumerate(cells) if "\ufffd" in c and i < len(names)), None)
        raise DataError(path, f"not UTF-8 text (byte {raw[err.start]:#04x}; save the file as UTF-8)",
                        row=row, column=col) from None


def _header_error(path: Path, header, names) -> None:
    if header is None:
        raise DataError(path, "file is empty; expected a header row", row=1)
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    if missing:
        raise DataError(path, f"missing column(s) {missing}; header is {header}", row=1, column=missing[0])
    if extra:
        raise DataError(path, f"unexpected column(s) {extra}", row=1, column=extra[0])
    raise DataError(path, f"columns out of order; expected {names}", row=1)


def _record(path: Path, line: int, cells: list[str], fields: list[dict], allow_empty_value: bool) -> dict:
    if len(cells) != len(fields):
        raise DataError(path, f"expected {len(fields)} cells, found {len(cells)}", row=line)
    record = {}
    for raw, field in zip(cells, fields):
        try:
            value = _parse(raw, field)
            _check_constraints(value, raw, field)
        except ValueError as err:
            raise DataError(path, str(err), row=line, column=field["name"]) from None
        record[field["name"]] = value
    if allow_empty_value:
        record["_value_may_be_empty"] = True
    _check_provenance(record, path, line)
    record.pop("_value_may_be_empty", None)
    return record


def _check_keys(path: Path, records: list[dict], schema: dict) -> None:
    key = schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    unique = [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    for cols in ([key] if key else []) + [[u] for u in unique]:
        seen: dict[tuple, int] = {}
        for line, rec in enumerate(records, start=2):
            k = tuple(rec[c] for c in cols)
            if k in seen:
                raise DataError(path, f"duplicate key {dict(zip(cols, k))} (first on row {seen[k]})", line, cols[0])
            seen[k] = line


class Shared(dict):
    """Read-only metadata that copies share instead of duplicating.

    pandas deep-copies ``attrs`` into the result of nearly every operation; a dataset's resource
    descriptor (its whole schema) copied thousands of times was most of the time spent checking the
    package and much of a page's run time.
    """

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def load(name: str, root: Path | str | None = None, record: bool = True, columns=None,
         where: dict | None = None) -> pd.DataFrame:
    """A validated dataset as a DataFrame; ``df.attrs`` holds its metadata and source records.

    ``columns`` and ``where`` (column: value, compared as text) ask for part of the table: only that
    part is logged as the page's input (see :mod:`analysis.reads`), and only that part is returned, so
    the page cannot use more than it depends on. ``record=False`` reads without logging the read (see
    :func:`sources`)."""
    pkg = package(root)
    res = pkg.resource(name)
    path = pkg.root / res["path"]
    part = columns is not None or bool(where)
    if record:
        _record_read(f"{pkg.root / 'datapackage.json'}#{name}")
        _record_read(query_key(pkg.root / "datapackage.json", name, columns, where) if part else path)
    rows = _rows_cached(path, _mtime(path), json.dumps(res["schema"], sort_keys=True),
                        bool(res.get("value_may_be_empty")))
    frame = pd.DataFrame(rows, columns=fields(res))
    if name != "sources":
        _check_foreign_keys(pkg, res, path, rows)
    frame.attrs.update(resource=Shared(res), path=str(path), root=str(pkg.root),
                       package_version=pkg.descriptor.get("version"))
    return select(frame, columns, where) if part else frame


def fields(res: dict) -> list[str]:
    """The column names a resource's schema declares, in order."""
    return [f["name"] for f in res["schema"]["fields"]]


def select(frame: pd.DataFrame, columns=None, where: dict | None = None) -> pd.DataFrame:
    """The rows whose ``where`` columns read as the given text, with only ``columns`` (None: all)."""
    missing = [c for c in [*(where or {}), *(columns or [])] if c not in frame]
    if missing:
        raise DataError(frame.attrs.get("path", "?"), f"no column '{missing[0]}'", column=missing[0])
    if where:
        mask = pd.Series(True, index=frame.index)
        for column, wanted in where.items():
            mask &= frame[column].astype(str) == str(wanted)
        frame = frame[mask]
    return frame if columns is None else frame[list(columns)]


@lru_cache(maxsize=64)
def _rows_cached(path: Path, _stamp: float, schema_json: str, allow_empty: bool) -> tuple:
    return tuple(read_rows(path, json.loads(schema_json), allow_empty))


def _check_foreign_keys(pkg: Package, res: dict, path: Path, rows) -> None:
    for fk in res["schema"].get("foreignKeys", []):
        ref = fk["reference"]
        # not a read of the page: the whole package is validated before any page runs
        target = load(ref["resource"], pkg.root, record=False) if ref["resource"] else None
        known = set(target[ref["fields"][0]])
        col = fk["fields"][0]
        for line, rec in enumerate(rows, start=2):
            if rec[col] is not None and rec[col] not in known:
                raise DataError(path, f"'{rec[col]}' is not a {ref['fields'][0]} in {ref['resource']}", line, col)


def with_provenance(out: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """Give a frame derived from ``source`` its dataset metadata (attrs), so charts and tables can cite it."""
    out.attrs = dict(source.attrs)
    return out


def subset(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """Filter rows but keep the dataset metadata (attrs) that lets a chart or table cite them."""
    return with_provenance(frame.loc[mask].copy(), frame)


def sources(root: Path | str | None = None) -> SourceRegistry:
    """Source records keyed by source_id; a page depends on the records it looks up, not on the list."""
    pkg = package(root)
    frame = load("sources", pkg.root, record=False)
    return SourceRegistry({r["source_id"]: {k: ("" if pd.isna(v) else v) for k, v in r.items()}
                           for r in frame.to_dict("records")},
                          f"{pkg.root / 'datapackage.json'}#sources", pkg.root / pkg.resource("sources")["path"])


def catalogue(root: Path | str | None = None) -> pd.DataFrame:
    """One row per dataset: what it holds, its version and date, and how its values are sourced."""
    pkg = package(root)
    rows = []
    for name in pkg.names:
        if name == "sources":
            continue
        res = pkg.resource(name)
        # only the statuses (and so the number of rows): a corrected note or value re-runs no list
        frame = load(name, pkg.root, columns=[c for c in ("status",) if c in fields(res)])
        counts = frame["status"].value_counts() if "status" in frame else pd.Series(dtype=int)
        rows.append({"name": name, "title": res.get("title", ""), "path": res["path"], "rows": len(frame),
                     "version": res.get("version", ""), "last_updated": res.get("last_updated", ""),
                     **{label: int(counts.get(key, 0)) for key, label in STATUS_LABELS.items()}})
    return pd.DataFrame(rows)
