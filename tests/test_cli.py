"""The command line for people who update data: validate, run --data, status, outdated."""

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict

from analysis import build, cli, datasets, execution
from analysis.common import editions, lookup
import pytest
from conftest import DATA, ROOT, rewrite, set_value


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, **(env or {})))


def _hash(folder):
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())).hexdigest()


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


def _shift_micro_share(data, points: float) -> float:
    """Move census share points from small to micro firms (shares still add to 100); the new micro share."""
    census = datasets.load("istat_census_size", data)
    year = editions.last_seen(census)
    micro = lookup.value(census, year=year, size_class="3-9", measure="share_of_firms")
    small = lookup.value(census, year=year, size_class="10-49", measure="share_of_firms")
    for size, share in (("3-9", micro + points), ("10-49", small - points)):
        set_value(data / "istat_census_size.csv", round(share, 1), f"{share:.1f}%", year=year, size_class=size,
                  measure="share_of_firms")
    return round(micro + points, 1)


def test_run_on_a_modified_copy_leaves_data_untouched(data_copy, tmp_path):
    before = _hash(DATA)
    micro = _shift_micro_share(data_copy, 1.0)
    out = tmp_path / "runs"
    proc = _cli("run", "--data", str(data_copy), "--only", "1-1-economy-and-firms", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    executed = (out / "book/ch1-italy/1-1-economy-and-firms.ipynb").read_text(encoding="utf-8")
    assert f"{micro:.1f}" in executed
    assert _hash(DATA) == before

    status = _cli("status", "--data", str(data_copy), "--out", str(out))
    assert "current  book/ch1-italy/1-1-economy-and-firms" in status.stdout
    _shift_micro_share(data_copy, 1.0)
    status = _cli("status", "--data", str(data_copy), "--out", str(out))
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
