"""Command line for people who update the data: validate, run, status, build.

    python -m analysis validate [--data DIR]
    python -m analysis run [--data DIR] [--only PAGE] [--out DIR] [--jobs N] [--force]
    python -m analysis status [--data DIR] [--out DIR]
    python -m analysis build [--data DIR] [--jobs N]
    python -m analysis outdated [--as-of YYYY-MM-DD] [--data DIR]

Everything generated goes under ``_build/`` (or ``$THESIS_BUILD_DIR``: this module is the process
boundary, the one place that reads it). Errors print as one line each; ``--verbose`` shows the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import build, datasets, execution, validate
from .common import editions


def build_dir() -> Path:
    """The build folder: ``$THESIS_BUILD_DIR`` when set (e.g. a scratch build), else ``_build/``."""
    return Path(os.environ.get("THESIS_BUILD_DIR") or build.DEFAULT_BUILD_DIR).resolve()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="thesis-book", description=__doc__.split("\n\n")[0])
    p.add_argument("--verbose", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check the data package and print every problem")
    v.add_argument("--data", type=Path, help="data package folder (default: data/)")
    r = sub.add_parser("run", help="execute the analyses (stale pages only, in parallel)")
    r.add_argument("--data", type=Path, help="an updated copy of the data package; data/ is not touched")
    r.add_argument("--only", action="append", help="page to run, e.g. 1-1-economy-and-firms (repeatable)")
    r.add_argument("--out", type=Path, help="where executed notebooks go (default: under _build/)")
    r.add_argument("--jobs", type=int, help="parallel notebooks (default: number of cores)")
    r.add_argument("--force", action="store_true", help="re-run even when nothing changed")
    s = sub.add_parser("status", help="which pages are stale, and why")
    s.add_argument("--data", type=Path)
    s.add_argument("--out", type=Path)
    b = sub.add_parser("build", help="build the book into _build/html (the same as `make book`)")
    b.add_argument("--data", type=Path, help="build from another copy of the data package")
    b.add_argument("--jobs", type=int)
    o = sub.add_parser("outdated", help="datasets whose publisher's next edition is due or past")
    o.add_argument("--as-of", type=_date, help="the day to judge by, YYYY-MM-DD (default: today)")
    o.add_argument("--data", type=Path, help="data package folder (default: data/)")
    return p


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _out_dir(data: Path, out: Path | None) -> Path:
    """Executed notebooks for the book's own data live in _build/exec; other data get their own folder."""
    return out.resolve() if out else build.exec_dir_for(build_dir(), data)


def cmd_validate(args) -> int:
    root = datasets.data_dir(args.data)
    problems = validate.problems(root)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    for line in validate.warnings(root):
        print(f"warning: {line}", file=sys.stderr)
    print(f"data package OK: {len(datasets.package(root).names)} resources in {root}")
    return 0


def cmd_run(args) -> int:
    data = datasets.data_dir(args.data)
    if cmd_validate(argparse.Namespace(data=data)):
        return 1
    out = _out_dir(data, args.out)
    recs = execution.run(out, data, only=args.only, jobs=args.jobs, force=args.force,
                         timings_from=[build.exec_dir_for(build_dir(), datasets.DEFAULT_DATA_DIR)])
    failed = [r for r in recs if r.status != "ok"]
    for r in failed:
        print(f"{r.page}: failed\n{r.error}", file=sys.stderr)
    print(f"executed notebooks are in {out}")
    return 1 if failed else 0


def cmd_status(args) -> int:
    data = datasets.data_dir(args.data)
    out = _out_dir(data, args.out)
    stale = 0
    for nb in execution.notebooks():
        why = execution.why_stale(nb, out, data)
        stale += bool(why)
        print(f"{'stale' if why else 'current':8} {execution.page_id(nb)}" + (f"  ({why})" if why else ""))
    print(f"{stale} stale page(s)")
    return 0


def cmd_outdated(args) -> int:
    """List the datasets whose next edition is due or past, each with the address to look at."""
    root = datasets.data_dir(args.data)
    as_of = args.as_of or dt.date.today()
    report = editions.report(root, as_of)
    due = report[report.due] if len(report) else report
    if due.empty:
        print(f"No dataset's next edition is due as of {as_of} ({len(report)} datasets declare an edition cycle).")
        return 0
    print(f"{len(due)} of {len(report)} datasets with an edition cycle have a new edition due as of {as_of}:")
    for row in due.sort_values(["next_expected", "dataset"]).itertuples():
        print(f"  {row.dataset}: newest edition held {row.newest}; next expected {row.next_expected}; "
              f"look at {row.where_to_look or 'the publisher named in datapackage.json'}")
    return 0


def cmd_build(args) -> int:
    build.build(data_dir=args.data, jobs=args.jobs, build_dir=build_dir())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {"validate": cmd_validate, "run": cmd_run, "status": cmd_status, "build": cmd_build,
               "outdated": cmd_outdated}[args.command]
    try:
        return handler(args)
    except Exception as err:  # one clear line unless --verbose
        if args.verbose:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
