"""Measure the build on this machine: clean build, no-change rebuild, rebuild after one CSV changes.

    .venv/bin/python benchmarks/build_speed.py [--csv istat_census_size]

Works on a copy of data/ and a scratch build folder, so neither data/ nor _build/ is touched.
Targets (issue 4): no-change rebuild <= 15% of the clean build, one-CSV rebuild <= 35%.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn) -> tuple[float, list[str]]:
    lines: list[str] = []
    start = time.perf_counter()
    fn(lines.append)
    return time.perf_counter() - start, lines


def _bump_first_value(csv_path: Path) -> str:
    """Change the first non-empty value of a CSV by +1 (a real edit a maintainer could make)."""
    import csv

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    row = next(r for r in rows if r.get("value"))
    old = row["value"]
    row["value"] = repr(float(old) + 1)
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return f"{csv_path.name}: {old} -> {row['value']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default="istat_census_size", help="dataset to change for the third run")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="thesis-bench-"))
    os.environ["THESIS_BUILD_DIR"] = str(scratch / "_build")
    from analysis import build, execution  # after THESIS_BUILD_DIR is set

    data = scratch / "data"
    shutil.copytree(ROOT / "data", data)
    out = scratch / "html"
    run = lambda say: build.build(data_dir=data, out=out, say=say)  # noqa: E731
    n = len(execution.notebooks(ROOT))
    clean, _ = _timed(run)
    nochange, _ = _timed(run)
    edit = _bump_first_value(data / f"{args.csv}.csv")
    onecsv, lines = _timed(run)
    reran = sum(1 for ln in lines if ln.strip().startswith("["))
    print(f"machine: {os.cpu_count()} cores; {n} notebooks; scratch {scratch}")
    print(f"clean build:            {clean:6.1f} s  ({clean / n:.1f} s per notebook)")
    print(f"no-change rebuild:      {nochange:6.1f} s  ({nochange / clean:5.1%} of clean; target <= 15%)")
    print(f"one-CSV rebuild:        {onecsv:6.1f} s  ({onecsv / clean:5.1%} of clean; target <= 35%); "
          f"{reran} notebook(s) re-ran after {edit}")
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
