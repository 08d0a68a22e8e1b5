"""Measure the build against its floor on this machine, all in one run.

    .venv/bin/python benchmarks/build_speed.py [--csv istat_census_size] [--with-test] [--keep]
    .venv/bin/python benchmarks/build_speed.py --quick 2     # a dry run on the first 2 notebooks

Steps, on a scratch copy of data/ and a scratch build folder (neither data/ nor _build/ is touched):

1. clean build: ``build`` from nothing (validate, execute, Sphinx with -W -n, checks, publish);
2. floor: as many notebooks, each doing nothing but importing the stack (pandas, altair,
   statsmodels, the analysis modules its page imports) and loading the datasets its page read
   (from the clean build's execution records), run two at a time; plus the Sphinx build of the same
   pages (their text, with those notebooks in place of the real ones);
3. no-change rebuild;
4. one-CSV rebuild: one CSV edited (a note cell), so the pages that read it re-run;
5. one-value rebuild: the value most pages quote changed (the census share of micro firms in the
   edition the thesis saw, moved from small firms so the shares still add to 100): every page that
   reads that row re-runs;
6. with ``--with-test``: ``make test``.

Each step also reports the CPU time all cores spent busy while it ran (Linux, from /proc/stat; so
measure on an otherwise quiet machine): on N cores a step cannot take less than its CPU / N.

Targets (issue 7): clean <= 1.5 x floor; no-change <= 0.10 x clean; one-CSV <= 0.30 x clean;
make test <= 2.5 x clean. ``--quick N`` builds a book of the first N notebooks (Sphinx not strict,
since links to the other pages break): it checks that the benchmark works; its ratios mean little.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from analysis import build, dependencies, execution, reads

ROOT = execution.ROOT
TARGETS = {"clean": ("floor", 1.5), "no-change": ("clean", 0.10), "one-CSV": ("clean", 0.30),
           "one-value": ("clean", 0.30), "make test": ("clean", 2.5)}


def busy_cpu() -> float | None:
    """CPU seconds all cores have spent busy since boot (Linux /proc/stat), None where there is none."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


# --- the book to measure -------------------------------------------------------------------

def quick_book(dest: Path, n: int) -> Path:
    """A copy of the book whose table of contents holds only its first ``n`` notebooks."""
    pages = [execution.page_id(nb) for nb in execution.notebooks(ROOT)][:n]
    shutil.copytree(ROOT / "book", dest / "book")
    shutil.copy(ROOT / "_config.yml", dest / "_config.yml")
    toc = {"format": "jb-book", "root": pages[0], "chapters": [{"file": p} for p in pages[1:]]}
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return dest


def floor_book(book: Path, exec_dir: Path, dest: Path) -> Path:
    """The same pages, each notebook replaced by one that only imports the stack and loads its data."""
    shutil.copytree(book / "book", dest / "book")
    for name in ("_config.yml", "_toc.yml", "references.bib"):
        if (book / name).exists():
            shutil.copy(book / name, dest / name)
    for nb in execution.notebooks(book):
        page = execution.page_id(nb, book)
        rec = execution.Record.load(execution.record_path(exec_dir, page))
        names = sorted({reads.parse(key)[1] for key in (rec.inputs if rec else {}) if "#" in key})
        modules = sorted(dependencies.imported_modules(ROOT, nb))
        real = execution.read_notebook(nb)
        floor = nbformat.v4.new_notebook(metadata=real.metadata)
        floor.cells = [nbformat.v4.new_code_cell(floor_code(modules, names))]
        floor.cells += [c for c in real.cells if c.cell_type == "markdown"]
        target = dest / nb.relative_to(book).with_suffix(".ipynb")
        (dest / nb.relative_to(book)).unlink()
        nbformat.write(floor, target)
    return dest


def floor_code(modules: list[str], names: list[str]) -> str:
    lines = ["import pandas, altair, statsmodels.api", *(f"import {m}" for m in modules),
             "from analysis import page", "data = page.start()"]
    return "\n".join(lines + [f"data.load({n!r})" for n in names])


def floor(book: Path, data: Path, exec_dir: Path, scratch: Path, say) -> tuple[float, float]:
    """Seconds to execute the floor notebooks two at a time, and to build their pages with Sphinx."""
    root = floor_book(book, exec_dir, scratch / "floor")
    build_dir = scratch / "floor-build"
    run_s, _ = timed(execution.run, build_dir / "exec", data, root=root, jobs=2, force=True, say=say)
    settings = {"thesis_data_dir": str(data), "thesis_exec_dir": str(build_dir / "exec"),
                "thesis_build_dir": str(build_dir), "thesis_root": str(root)}

    def site():
        src = build.assemble(build_dir / "exec", build_dir / "site-src", root, settings)
        return build.sphinx(src, build_dir / "work", strict=False, say=say)

    sphinx_s, _ = timed(site)
    return run_s, sphinx_s


def edit_one_csv(data: Path, name: str) -> str:
    """A real edit a maintainer could make that keeps the package valid: the first row's note."""
    path = data / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if "note" not in rows[0]:
        raise SystemExit(f"{path.name} has no note column to edit")
    rows[0]["note"] = (rows[0]["note"] + " " if rows[0]["note"] else "") + "(edited by the benchmark)"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return f"{path.name}: note of row 2"


def edit_one_value(data: Path) -> str:
    """The value most pages quote, changed as the update drills change it (tests/drills.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from drills import shift_micro_share

    shift_micro_share(data, 0.5)
    return "istat_census_size.csv: the micro-firm share the thesis saw"


# --- the report --------------------------------------------------------------------------------

def report(times: dict[str, float], cpu: dict[str, float], detail: dict[str, str]) -> str:
    lines = [f"{'step':<12} {'seconds':>8} {'cpu s':>7}  {'ratio':<14} {'target':<8} met  detail"]
    for step, seconds in times.items():
        base, limit = TARGETS.get(step, (None, None))
        ratio = f"{seconds / times[base]:.2f} x {base}" if base in times else ""
        target = f"<= {limit}" if base in times else ""
        met = ("yes" if seconds / times[base] <= limit else "NO") if base in times else ""
        busy = f"{cpu[step]:7.1f}" if step in cpu else f"{'':7}"
        lines.append(f"{step:<12} {seconds:8.1f} {busy}  {ratio:<14} {target:<8} {met:<4} {detail.get(step, '')}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default="istat_census_size", help="dataset edited for the one-CSV rebuild")
    parser.add_argument("--quick", type=int, metavar="N", help="dry run on a book of the first N notebooks")
    parser.add_argument("--with-test", action="store_true", help="also time `make test`")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="thesis-bench-"))
    data = scratch / "data"
    shutil.copytree(ROOT / "data", data)
    book = quick_book(scratch / "quick", args.quick) if args.quick else ROOT
    log: list[str] = []
    say = log.append
    build_dir = scratch / "_build"
    exec_dir = build.exec_dir_for(build_dir, data)
    n = len(execution.notebooks(book))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {n} notebooks; scratch {scratch}",
          flush=True)

    def rebuild():
        return build.build(data_dir=data, build_dir=build_dir, out=scratch / "html", root=book,
                           strict=not args.quick, say=say)

    times, cpu, detail = {}, {}, {}

    def step(name, fn, *args, **kwargs):
        before = busy_cpu()
        times[name], result = timed(fn, *args, **kwargs)
        if before is not None:
            cpu[name] = busy_cpu() - before
        return result

    step("clean", rebuild)
    before = busy_cpu()
    run_s, sphinx_s = floor(book, data, exec_dir, scratch, say)
    times["floor"] = run_s + sphinx_s
    if before is not None:
        cpu["floor"] = busy_cpu() - before
    detail["floor"] = f"{n} notebooks two at a time {run_s:.1f} s + Sphinx {sphinx_s:.1f} s"
    executed = sum(r.seconds for r in execution.records(exec_dir, book))
    detail["clean"] = f"notebook run times add up to {executed:.1f} s"
    step("no-change", rebuild)
    for name, edit in (("one-CSV", lambda: edit_one_csv(data, args.csv)), ("one-value", lambda: edit_one_value(data))):
        ran = len(execution.history(exec_dir))
        what = edit()
        step(name, rebuild)
        detail[name] = f"{len(execution.history(exec_dir)) - ran} notebook(s) re-ran after editing {what}"
    if args.with_test:
        proc = step("make test", subprocess.run, ["make", "test"], cwd=ROOT, capture_output=True, text=True)
        detail["make test"] = "passed" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    order = ["floor", "clean", "no-change", "one-CSV", "one-value", "make test"]
    print(report({k: times[k] for k in order if k in times}, cpu, detail))
    if not args.keep:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
