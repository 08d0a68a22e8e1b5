"""What each page was built from: the execution records, rendered for readers.

Used by the Sphinx extension for the "Data on this page" box and the execution-statistics page.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

from . import cite, datasets, execution, reads
from . import version as _version
from .common import editions


def datasets_used(rec: execution.Record) -> list[dict]:
    """Resources a page read, with version and last-updated date from the package it read them from."""
    out, seen = [], set()
    for key in sorted(rec.inputs):
        path, name, _, _ = reads.parse(key)  # a read of a row or part of a table counts as a read of it
        if not name or name in seen:
            continue
        seen.add(name)
        try:
            res = datasets.package(Path(path).parent).resource(name)
        except datasets.DataError:
            continue
        out.append({"name": name, "path": res["path"], "version": res.get("version", ""),
                    "last_updated": res.get("last_updated", ""), "next_expected": next_edition(path, name, res)})
    return out


def next_edition(descriptor: str, name: str, res: dict) -> dt.date | None:
    """When the publisher's next edition of a dataset is expected (None: the dataset declares no cycle)."""
    if "editions" not in res:
        return None
    try:
        return editions.next_expected(datasets.load(name, Path(descriptor).parent))
    except (datasets.DataError, KeyError, ValueError):
        return None


def _edition_words(due: dt.date | None, as_of: dt.date) -> str:
    if due is None:
        return ""
    if due <= as_of:
        return f"; next edition due since {due.isoformat()}"
    return f"; next edition expected {due.isoformat()}"


def page_box(rec: execution.Record, data_href: str, as_of: dt.date | None = None) -> str:
    """A short box for the foot of a page: the datasets it used, when it ran, and when the publisher's
    next edition of each is expected (or since when it is due, as of ``as_of``, default today)."""
    used = datasets_used(rec)
    if not used:
        return ""
    as_of = as_of or dt.date.today()
    items = "".join(
        f'<li><a href="{html.escape(data_href + d["path"])}">{html.escape(d["path"])}</a> '
        f'version {html.escape(str(d["version"]))}, updated {html.escape(str(d["last_updated"]))}'
        f'{html.escape(_edition_words(d["next_expected"], as_of))}</li>'
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


#: A chart's figure (its id is ``fig-<name>``, or ``chart-<hash>`` for a chart with no name) and spec.
_SPEC = re.compile(r'<figure class="thesis-chart" id="([\w-]+)">.*?<script type="application/json" '
                   r'class="thesis-chart-spec">(.*?)</script>', re.S)
_DATASET = re.compile(r"\(dataset <code>(\w+)</code>")
#: A table and its caption; a named table carries ``id="tab-<name>"``.
_TABLE = re.compile(r'<table class="thesis-table"(?: id="([\w-]+)")?><caption>(.*?)</caption>', re.S)


def figures_of(notebook_json: dict) -> list[dict]:
    """Charts and tables (kind, id, title, datasets) found in an executed notebook's outputs, in order."""
    found = []
    for cell in notebook_json.get("cells", []):
        for out in cell.get("outputs", []):
            markup = out.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else markup
            for ident, spec_json in _SPEC.findall(markup):
                spec = json.loads(spec_json.replace("<\\/", "</"))
                title = spec.get("title", {})
                text = title.get("text", "") if isinstance(title, dict) else title
                text = " ".join(text) if isinstance(text, list) else text
                prov = (spec.get("usermeta") or {}).get("provenance") or {}
                found.append({"kind": "figure", "id": ident, "title": text,
                              "datasets": [d["name"] for d in prov.get("datasets", [])]})
            starts = [m for m in _TABLE.finditer(markup)]
            for i, match in enumerate(starts):  # a table's footer runs up to the next table
                segment = markup[match.end(): starts[i + 1].start() if i + 1 < len(starts) else len(markup)]
                found.append({"kind": "table", "id": match.group(1) or "", "title": html.unescape(match.group(2)),
                              "datasets": _DATASET.findall(segment)})
    return found


def figure_list(exec_dir: Path, pathto, data_href: str, data_dir: Path | None = None,
                root: Path = execution.ROOT) -> str:
    """The book's list of figures and tables, page by page, each linked to its place and its data."""
    catalogue = datasets.catalogue(data_dir).set_index("name")
    numbers = {item.anchor: item.number for item in cite.read_items(exec_dir, root)}  # "Figure 2.1", as printed
    rows, n_fig, n_tab = [], 0, 0
    for nb in execution.notebooks(root):
        page = execution.page_id(nb, root)
        path = execution.executed_path(exec_dir, page)
        if not path.exists():
            continue
        for item in figures_of(json.loads(path.read_text(encoding="utf-8"))):
            if item["kind"] == "figure":
                n_fig += 1
            else:
                n_tab += 1
            label = numbers.get(item["id"]) or item["kind"].capitalize()
            href = f"{pathto(page)}#{item['id']}" if item["id"] else pathto(page)
            data = ", ".join(f'<a href="{html.escape(data_href + catalogue.loc[d, "path"])}">{html.escape(d)}</a>'
                             for d in item["datasets"] if d in catalogue.index)
            rows.append(f'<tr><td>{label}</td><td><a href="{html.escape(href)}">{html.escape(item["title"])}</a></td>'
                        f"<td>{html.escape(page.split('/')[-1])}</td><td>{data}</td>"
                        f"<td>{html.escape(_status_mix(catalogue, item['datasets']))}</td></tr>")
    return ('<table class="thesis-table"><caption>Figures and tables of the book, in reading order</caption>'
            '<thead><tr><th scope="col">No.</th><th scope="col">Title</th><th scope="col">Page</th>'
            '<th scope="col">Data</th><th scope="col">Status of the rows in its datasets</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table><p>{n_fig} figures and {n_tab} tables.</p>")


def _status_mix(catalogue, names: list[str]) -> str:
    names = [n for n in names if n in catalogue.index]
    if not names:
        return ""
    counts = catalogue.loc[names, list(datasets.STATUS_LABELS.values())].sum()
    return "; ".join(f"{label} {int(n)}" for label, n in counts.items() if n)


# --- what changed, for readers -------------------------------------------------------------------

class _Html(str):
    def _repr_html_(self) -> str:
        return str(self)


def changelogs(data_root: Path) -> _Html:
    """The book's changelog, then the data package's, as HTML under the page's own heading.

    Both files are logged as the page's inputs, so the page is re-run when either changes.
    """
    from markdown_it import MarkdownIt

    parts = []
    for path in (_version.CITATION.parent / "CHANGELOG.md", Path(data_root) / "CHANGELOG.md"):
        reads.record_read(path)
        text = path.read_text(encoding="utf-8")
        body = MarkdownIt("commonmark").render(text)
        for level in (3, 2, 1):  # the file's headings sit under the page's title
            body = body.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
        parts.append(f'<section class="thesis-changelog">{body}</section>')
    return _Html("".join(parts))
