"""The command line for people who update data: validate, run --data, status."""

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict

from analysis import build, cli, datasets, execution
from analysis.common import editions, lookup
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


def test_parser_knows_the_four_commands():
    parser = cli._parser()
    for command in ("validate", "run", "status", "build"):
        assert parser.parse_args([command]).command == command
