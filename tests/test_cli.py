"""The command line for people who update data: validate, run --data, status."""

import hashlib
import subprocess
import sys

from analysis import cli
from conftest import DATA, ROOT, rewrite


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT)


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
    proc = _cli("validate", "--data", str(tmp_path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "datapackage.json" in proc.stderr


def test_run_on_a_modified_copy_leaves_data_untouched(data_copy, tmp_path):
    before = _hash(DATA)
    # a revision that keeps the shares adding up to 100 (validate checks the sum)
    rewrite(data_copy / "istat_census_size.csv", ",79.5,", ",80.5,")
    rewrite(data_copy / "istat_census_size.csv", ",18.2,", ",17.2,")
    out = tmp_path / "runs"
    proc = _cli("run", "--data", str(data_copy), "--only", "1-1-economy-and-firms", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    executed = (out / "book/ch1-italy/1-1-economy-and-firms.ipynb").read_text(encoding="utf-8")
    assert "80.5" in executed
    assert _hash(DATA) == before

    status = _cli("status", "--data", str(data_copy), "--out", str(out))
    assert "current  book/ch1-italy/1-1-economy-and-firms" in status.stdout
    rewrite(data_copy / "istat_census_size.csv", ",80.5,", ",81.5,")
    rewrite(data_copy / "istat_census_size.csv", ",17.2,", ",16.2,")
    status = _cli("status", "--data", str(data_copy), "--out", str(out))
    assert "stale    book/ch1-italy/1-1-economy-and-firms  (input changed:" in status.stdout
    assert "istat_census_size.csv" in status.stdout


def test_parser_knows_the_four_commands():
    parser = cli._parser()
    for command in ("validate", "run", "status", "build"):
        assert parser.parse_args([command]).command == command
