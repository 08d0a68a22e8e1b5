"""What each page was built from: the execution records, rendered for readers.

Used by the Sphinx extension for the "Data on this page" box and the execution-statistics page.
"""

from __future__ import annotations

import html
from pathlib import Path

from . import datasets, execution


def datasets_used(rec: execution.Record) -> list[dict]:
    """Resources a page read, with version and last-updated date from the package it read them from."""
    out = []
    for key in sorted(rec.inputs):
        path, _, name = key.partition("#")
        if not name:
            continue
        try:
            res = datasets.package(Path(path).parent).resource(name)
        except datasets.DataError:
            continue
        out.append({"name": name, "path": res["path"], "version": res.get("version", ""),
                    "last_updated": res.get("last_updated", "")})
    return out


def page_box(rec: execution.Record, data_href: str) -> str:
    """A short box for the foot of a page: the datasets it used and when it ran."""
    used = datasets_used(rec)
    if not used:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(data_href + d["path"])}">{html.escape(d["path"])}</a> '
        f'version {html.escape(str(d["version"]))}, updated {html.escape(str(d["last_updated"]))}</li>'
        for d in used)
    return (f'<aside class="thesis-page-data" aria-label="Data on this page"><p><strong>Data on this page</strong> '
            f"(executed {html.escape(rec.executed_at)} in {rec.seconds:.1f} s):</p><ul>{items}</ul></aside>")


def statistics_table(records: list[execution.Record], pathto) -> str:
    """The execution-statistics table: one row per notebook, plus the environment of the last run."""
    rows = []
    for rec in records:
        inputs = ", ".join(d["name"] for d in datasets_used(rec)) or "none"
        rows.append(
            f'<tr><td><a href="{html.escape(pathto(rec.page))}">{html.escape(rec.page)}</a></td>'
            f"<td>{html.escape(rec.status)}</td><td class=\"num\">{rec.seconds:.1f}</td>"
            f"<td>{html.escape(rec.executed_at or 'never')}</td><td>{html.escape(inputs)}</td></tr>")
    env = next((r.environment for r in records if r.environment), {})
    env_items = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in env.items())
    total = sum(r.seconds for r in records)
    return ('<table class="thesis-table"><caption>Notebook execution (most recent run of each page)</caption>'
            "<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Status</th><th scope=\"col\">Run time (s)</th>"
            "<th scope=\"col\">Last executed (UTC)</th><th scope=\"col\">Datasets read</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p>Total execution time of the latest runs: {total:.1f} s over {len(records)} notebooks.</p>"
            f"<p><strong>Environment</strong></p><ul>{env_items}</ul>")
