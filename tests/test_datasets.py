"""The loader accepts the real package and rejects bad input with file, row and column."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import datasets, reads, validate
from analysis.datasets import DataError
from conftest import DATA, rewrite


def test_every_resource_loads_and_is_typed():
    pkg = datasets.package(DATA)
    assert len(pkg.names) >= 5
    for name in pkg.names:
        frame = datasets.load(name, DATA)
        assert len(frame) > 0, name
        assert frame.attrs["resource"]["name"] == name
        if "value" in frame:
            assert pd.api.types.is_float_dtype(frame["value"]), name


def test_validate_all_is_clean_on_the_real_package():
    assert validate.problems(DATA) == []


def test_every_value_has_source_status_and_unit():
    registry = datasets.sources(DATA)
    for name in datasets.package(DATA).names:
        frame = datasets.load(name, DATA)
        if "status" not in frame:
            continue
        assert frame["status"].isin(datasets.STATUSES).all(), name
        assert frame["source_id"].isin(list(registry)).all(), name
        if "value" in frame:
            assert frame["unit"].notna().all(), f"{name}: a value without a unit"


def test_frictionless_validates_the_package():
    exe = shutil.which("frictionless", path=str(__import__("pathlib").Path(sys.executable).parent))
    proc = subprocess.run([exe, "validate", str(DATA / "datapackage.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


def _error(data_copy, name="istat_census_size") -> DataError:
    with pytest.raises(DataError) as info:
        datasets.load(name, data_copy)
    return info.value


def test_wrong_unit_names_file_row_and_column(data_copy):
    rewrite(data_copy / "istat_census_size.csv", "2018,3-9,share_of_firms,79.5,%,", "2018,3-9,share_of_firms,79.5,per cent,")
    err = _error(data_copy)
    assert err.path.endswith("istat_census_size.csv") and err.column == "unit" and err.row is not None
    assert "per cent" in str(err) and f"row {err.row}" in str(err)


def test_a_stray_comma_in_a_number_is_caught_on_its_row(data_copy):
    rewrite(data_copy / "istat_census_size.csv", ",79.5,", ",79,5,")
    err = _error(data_copy)
    assert err.path.endswith("istat_census_size.csv") and err.row is not None


def test_decimal_comma_is_rejected(data_copy):
    rewrite(data_copy / "istat_census_size.csv", ",79.5,", ',"79,5",')
    err = _error(data_copy)
    assert err.column == "value" and "79,5" in str(err)


def test_missing_column(data_copy):
    path = data_copy / "istat_census_size.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([r[:-1] for r in rows])
    err = _error(data_copy)
    assert err.row == 1 and err.column == "note"


def test_malformed_quotes(data_copy):
    path = data_copy / "istat_census_size.csv"
    path.write_text(path.read_text(encoding="utf-8") + '2018,3-9,firms,1,firms,verified_primary,thesis,"open quote\n',
                    encoding="utf-8")
    err = _error(data_copy)
    assert "istat_census_size.csv" in str(err) and err.row is not None


def test_empty_file(data_copy):
    (data_copy / "istat_census_size.csv").write_text("", encoding="utf-8")
    assert "empty" in str(_error(data_copy))


def test_duplicate_key(data_copy):
    path = data_copy / "istat_census_size.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    err = _error(data_copy)
    assert err.row == len(lines) + 1  # the repeated row, not the first


def test_gap_must_be_marked_not_found(data_copy):
    path = data_copy / "istat_census_size.csv"
    rewrite(path, "2018,3-9,share_of_firms,79.5,", "2018,3-9,share_of_firms,,")
    row = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
               if ln.startswith("2018,3-9,share_of_firms,,"))
    err = _error(data_copy)
    assert err.column == "value" and err.row == row


def test_derived_row_needs_formula(data_copy):
    rewrite(data_copy / "istat_census_size.csv", "24000 - 3000", "")
    assert _error(data_copy).column == "formula"


def test_verified_row_needs_quote(data_copy):
    path = data_copy / "istat_census_size.csv"
    frame = list(csv.DictReader(path.open(encoding="utf-8")))
    frame[0]["quote"] = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(frame[0]))
        writer.writeheader()
        writer.writerows(frame)
    err = _error(data_copy)
    assert err.column == "quote" and err.row == 2


def test_unknown_source(data_copy):
    rewrite(data_copy / "istat_census_size.csv", ",istat_census_2019_pr,", ",no_such_source,")
    err = _error(data_copy)
    assert err.column == "source_id" and "no_such_source" in str(err)


def test_unknown_resource_lists_known_ones():
    with pytest.raises(DataError, match="istat_census_size"):
        datasets.load("no_such_dataset", DATA)


def test_broken_descriptor_is_reported(data_copy):
    (data_copy / "datapackage.json").write_text("{ not json", encoding="utf-8")
    problems = validate.problems(data_copy)
    assert len(problems) == 1 and "datapackage.json, row 1" in problems[0]


def test_validate_all_lists_each_broken_file(data_copy):
    rewrite(data_copy / "istat_census_size.csv", ",79.5,%,", ",79.5,EUR,")
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    other = next(r for r in descriptor["resources"] if r["name"] not in ("sources", "istat_census_size"))
    (data_copy / other["path"]).write_text("wrong,header\n", encoding="utf-8")
    problems = validate.problems(data_copy)
    assert len(problems) == 2
    assert any("istat_census_size.csv" in p and "'unit'" in p for p in problems)
    assert any(other["path"] in p and "row 1" in p for p in problems)


def test_loading_never_writes_to_the_data_folder(data_copy):
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    for name in datasets.package(data_copy).names:
        datasets.load(name, data_copy)
    assert before == {p.name: p.read_bytes() for p in data_copy.iterdir()}


def _reads(log, action) -> set[str]:
    reads.record_reads(log)
    try:
        action()
    finally:
        reads.record_reads(None)
    return set(log.read_text(encoding="utf-8").splitlines()) if log.exists() else set()


def test_reads_are_logged_for_the_build(data_copy, tmp_path):
    reads = _reads(tmp_path / "reads.log", lambda: datasets.load("istat_census_size", data_copy))
    assert str(data_copy / "istat_census_size.csv") in reads
    assert f"{data_copy / 'datapackage.json'}#istat_census_size" in reads
    # the check of its source ids against sources.csv is the package's, done before any page runs
    assert str(data_copy / "sources.csv") not in reads


def test_a_source_looked_up_is_a_read_of_its_row_and_a_listing_reads_them_all(data_copy, tmp_path):
    registry = datasets.sources(data_copy)
    some = sorted(dict.keys(registry))[:2]
    reads = _reads(tmp_path / "one.log", lambda: (registry[some[0]], registry.get(some[1]), "nobody" in registry))
    key = f"{data_copy / 'datapackage.json'}#sources"
    assert reads == {f"{key}@{some[0]}", f"{key}@{some[1]}", f"{key}@nobody"}
    reads = _reads(tmp_path / "all.log", lambda: list(registry.items()))
    assert str(data_copy / "sources.csv") in reads


def test_a_row_fingerprint_changes_with_its_row_only(data_copy):
    registry = datasets.sources(data_copy)
    first, second = sorted(dict.keys(registry))[:2]
    before = {k: reads.row_hash(data_copy, "sources", k) for k in (first, second, "nobody")}
    path = data_copy / "sources.csv"
    row = next(i for i, r in enumerate(_csv_rows(path)) if r["source_id"] == first)
    _set_cell(path, row, "title", _csv_rows(path)[row]["title"] + " (corrected)")
    after = {k: reads.row_hash(data_copy, "sources", k) for k in (first, second, "nobody")}
    assert after[first] != before[first]
    assert after[second] == before[second] and after["nobody"] == before["nobody"] == "absent"


def test_catalogue_counts_statuses():
    cat = datasets.catalogue(DATA)
    census = cat.set_index("name").loc["istat_census_size"]
    frame = datasets.load("istat_census_size", DATA)
    assert census["rows"] == len(frame)
    assert census["derived"] == (frame.status == "derived").sum()


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _set_cell(path: Path, row: int, column: str, text: str) -> None:
    """Set one cell of a copied CSV (``row`` counts data rows from 0), keeping every other byte's meaning."""
    rows = _csv_rows(path)
    rows[row][column] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _edit_census(data: Path, row: int, column: str, text: str) -> None:
    _set_cell(data / "istat_census_size.csv", row, column, text)


def _census_rows(data: Path) -> list[dict]:
    return _csv_rows(data / "istat_census_size.csv")


def test_a_part_of_a_table_is_a_read_of_that_part_and_nothing_more_is_returned(data_copy, tmp_path):
    first = _census_rows(data_copy)[0]
    where = {"measure": first["measure"], "size_class": first["size_class"]}
    got = {}
    log = _reads(tmp_path / "part.log",
                 lambda: got.update(frame=datasets.load("istat_census_size", data_copy, columns=["year", "value"],
                                                        where=where)))
    assert log == {f"{data_copy / 'datapackage.json'}#istat_census_size",
                   reads.query_key(data_copy / "datapackage.json", "istat_census_size", ["year", "value"], where)}
    expected = [r for r in _census_rows(data_copy) if all(r[k] == v for k, v in where.items())]
    assert list(got["frame"].columns) == ["year", "value"] and len(got["frame"]) == len(expected) > 0


def test_a_part_fingerprint_follows_the_cells_it_covers_only(data_copy):
    rows = _census_rows(data_copy)
    where = {k: rows[0][k] for k in ("year", "measure", "size_class")}
    query = {"columns": ["value", "status"], "where": where}
    other = next(i for i, r in enumerate(rows) if r["value"] and any(r[k] != v for k, v in where.items()))

    def fingerprint():
        return reads.query_hash(data_copy, "istat_census_size", query)

    before = fingerprint()
    _edit_census(data_copy, 0, "note", rows[0]["note"] + " (corrected)")
    _edit_census(data_copy, other, "value", str(float(rows[other]["value"]) + 1))
    assert fingerprint() == before  # a note of its row, a value of another row
    _edit_census(data_copy, 0, "value", str(float(rows[0]["value"]) + 1))
    assert fingerprint() != before


def test_asking_for_a_column_the_table_lacks_names_file_and_column(data_copy):
    with pytest.raises(DataError, match=r"istat_census_size\.csv, column 'colour'"):
        datasets.load("istat_census_size", data_copy, columns=["year", "colour"])
    with pytest.raises(DataError, match=r"istat_census_size\.csv, column 'shade'"):
        datasets.load("istat_census_size", data_copy, where={"shade": "dark"})


def test_a_part_of_a_table_the_package_no_longer_has_reads_as_removed(data_copy):
    query = {"columns": ["value"], "where": {}}
    assert reads.query_hash(data_copy, "istat_census_size", query) is not None
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "istat_census_size"]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert reads.query_hash(data_copy, "istat_census_size", query) is None
