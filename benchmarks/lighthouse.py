"""Lighthouse 12.2.3 on the home page and two chart pages, phone and desktop, the median of 3 runs.

    python benchmarks/lighthouse.py [SITE] [--runs 3] [--page book/intro.html ...] [--json FILE]

SITE (default ``_build/html``) is served as ``make serve`` serves it (127.0.0.1, text gzip-compressed
as a host would). Lighthouse: ``$LIGHTHOUSE`` (a ``lighthouse`` executable), else
``npx --yes lighthouse@12.2.3``; Chromium: ``$CHROME_PATH``, default ``/usr/bin/chromium``.

Prints, per page and form factor, the median score of performance, accessibility, best practices
and SEO, the range of the performance score over the runs, and the median bytes transferred.
Scores swing on a loaded machine (see the toolchain notes): this is a report, not a test, and not
part of ``make test``; the byte budgets in tests/test_judges.py are the gate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import serve  # noqa: E402

VERSION = "12.2.3"
PAGES = ("book/intro.html", "book/ch1-italy/1-2-why-china.html", "book/ch2-alibaba/2-1-alibaba-group.html")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse_command() -> list[str]:
    if os.environ.get("LIGHTHOUSE"):
        return [os.environ["LIGHTHOUSE"]]
    if shutil.which("lighthouse"):
        return [shutil.which("lighthouse")]
    return ["npx", "--yes", f"lighthouse@{VERSION}"]


def run_once(url: str, desktop: bool, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        flags = f"--headless=new --no-sandbox --disable-gpu --disable-background-networking --user-data-dir={profile}"
        cmd = lighthouse_command() + [url, "--quiet", "--output=json", "--output-path=stdout",
                                      f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
        if desktop:
            cmd.append("--preset=desktop")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, CHROME_PATH=chrome))
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    audits = report["audits"]
    return {**scores, "bytes": audits["total-byte-weight"]["numericValue"],
            "lcp_ms": audits["largest-contentful-paint"].get("numericValue"),
            "failed": sorted(k for k, a in audits.items()
                             if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary")}


def median_of(runs: list[dict]) -> dict:
    out = {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in (*CATEGORIES, "bytes", "lcp_ms")}
    out["performance_range"] = (min(r["performance"] for r in runs), max(r["performance"] for r in runs))
    out["failed"] = sorted({a for r in runs for a in r["failed"]})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--page", action="append", help=f"page to audit (default: {', '.join(PAGES)})")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    chrome = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
    httpd = serve.server(args.site.resolve(), 0, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    results = {}
    try:
        for page in args.page or PAGES:
            for form in ("mobile", "desktop"):
                runs = [run_once(base + page, form == "desktop", chrome) for _ in range(args.runs)]
                results[f"{page} {form}"] = median_of(runs)
                r = results[f"{page} {form}"]
                lo, hi = r["performance_range"]
                print(f"{page:45} {form:7}  perf {r['performance']:.2f} ({lo:.2f}-{hi:.2f})  "
                      f"a11y {r['accessibility']:.2f}  best {r['best-practices']:.2f}  seo {r['seo']:.2f}  "
                      f"{r['bytes'] / 1024:.0f} KB  LCP {r['lcp_ms'] / 1000:.1f} s"
                      + (f"  failing: {', '.join(r['failed'])}" if r["failed"] else ""), flush=True)
    finally:
        httpd.shutdown()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
