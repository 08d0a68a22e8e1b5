"""The command line for people who update data: validate, run --data, status, outdated."""

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import asdict

from analysis import build, cli, datasets, execution
from analysis.common import editions
import pytest
from conftest import DATA, ROOT, rewrite
from conftest import tree_hash as _tree
from drills import shift_micro_share


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, **(env or {})))


def test_validate_passes_on_the_package():
    proc = _cli("validate")
    assert proc.returncode == 0 and "data package OK" in proc.stdout


def test_validate_prints_each_problem_on_one_line_and_fails(data_copy):
    rewrite(data_copy / "istat_census_size.csv", ",79.5,%,", ",79.5,pct,")
    rewrite(data_copy / "eu_sme_definition.csv", "micro,staff_headcount,<,10,", "micro,staff_headcount,<,ten,")
    proc = _cli("validate", "--data", str(data_copy))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert any("istat_census_size.csv, row" in ln and "column 'unit'" in ln for ln in lines)
    assert any("eu_sme_definition.csv, row 2, column 'value'" in ln for ln in lines)
    assert "Traceback" not in proc.stderr


def test_errors_are_one_line_unless_verbose(tmp_path):
    proc = _cli("build", "--data", str(tmp_path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "datapackage.json" in proc.stderr
    assert "Traceback" in _cli("--verbose", "build", "--data", str(tmp_path)).stderr


def test_run_on_an_updated_copy_leaves_data_untouched_and_status_follows_the_data(updated):
    """``run --data`` happened in the ``updated`` fixture (conftest.py): status then finds every page
    current; one more edit makes the census page stale, naming the file."""
    assert updated.data_hash[0] == updated.data_hash[1] == _tree(DATA)
    args = ("status", "--data", str(updated.data), "--out", str(updated.exec_dir))
    status = _cli(*args)
    assert status.returncode == 0 and "0 stale page(s)" in status.stdout
    assert "current  book/ch1-italy/1-1-economy-and-firms" in status.stdout
    census = updated.data / "istat_census_size.csv"
    original = census.read_bytes()
    try:
        shift_micro_share(updated.data, 1.0)
        status = _cli(*args)
    finally:
        census.write_bytes(original)
    assert "stale    book/ch1-italy/1-1-economy-and-firms  (input changed:" in status.stdout
    assert "istat_census_size.csv" in status.stdout


def test_status_reads_the_build_folder_named_by_thesis_build_dir(tmp_path):
    nb = ROOT / "book/ch1-italy/1-3-ice-ita.md"
    page = execution.page_id(nb)
    exec_dir = build.exec_dir_for(tmp_path / "scratch", DATA)
    rec = execution.Record(page=page, status="ok", source_hash=execution.file_hash(nb),
                           code_hash=execution.code_hash(ROOT, nb), data_dir=str(DATA.resolve()))
    execution.record_path(exec_dir, page).parent.mkdir(parents=True)
    execution.record_path(exec_dir, page).write_text(json.dumps(asdict(rec)))
    execution.executed_path(exec_dir, page).write_text("{}")
    lines = _cli("status", env={"THESIS_BUILD_DIR": str(tmp_path / "scratch")}).stdout.splitlines()
    assert f"current  {page}" in lines
    assert sum(ln.startswith("stale ") for ln in lines) == len(execution.notebooks(ROOT)) - 1


def test_parser_knows_the_five_commands():
    parser = cli._parser()
    for command in ("validate", "run", "status", "build", "outdated"):
        assert parser.parse_args([command]).command == command


def test_validate_prints_each_warning_on_stderr_and_still_passes(data_copy, capsys):
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("nobody_cites_me,Nobody,An uncited page,https://example.org/x,secondary,,2026-11-29\n")
    assert cli.main(["validate", "--data", str(data_copy)]) == 0
    out = capsys.readouterr()
    warnings = [ln for ln in out.err.splitlines() if ln.startswith("warning: ")]
    assert any("'nobody_cites_me'" in ln for ln in warnings)
    assert "data package OK" in out.out and "nobody_cites_me" not in out.out


def _outdated(capsys, day: dt.date) -> str:
    assert cli.main(["outdated", "--as-of", day.isoformat()]) == 0
    return capsys.readouterr().out


def test_outdated_lists_what_is_due_on_a_fixed_date_with_the_address_to_look_at(capsys):
    report = editions.report(DATA, dt.date(2000, 1, 1))
    first = report.next_expected.min()
    before = _outdated(capsys, first - dt.timedelta(days=1))
    assert before.startswith("No dataset's next edition is due") and f"{len(report)} datasets" in before
    on_the_day = _outdated(capsys, first)
    due = report[report.next_expected == first]
    assert f"{len(due)} of {len(report)} datasets" in on_the_day
    for row in due.itertuples():
        line = next(ln for ln in on_the_day.splitlines() if ln.strip().startswith(row.dataset + ":"))
        assert f"next expected {first}" in line and row.where_to_look in line and str(row.newest) in line
    assert len(on_the_day.strip().splitlines()) == len(due) + 1
    everything = _outdated(capsys, report.next_expected.max())
    assert all(f"  {name}:" in everything for name in report.dataset)


def test_outdated_refuses_a_date_that_is_not_one(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["outdated", "--as-of", "2026-02-30"])
    assert info.value.code == 2 and "is not a date" in capsys.readouterr().err
