"""What the build writes into the site for citing and downloading: numbers, footers, archives, code.

Used by ``analysis.sphinxext``. At page-writing time each named figure and table gets its number
before its caption, its "Cite this figure" line (APA 7 and BibTeX, with copy buttons that work with
the keyboard; without JavaScript the text is all there), working download, code and notebook links,
and ``[source: <id>]`` in its notes becomes a link to that source. When the build ends, the site
gets a zip of exactly the rows each item draws (CSV plus metadata), the whole data package as one
zip, and a highlighted copy of the analysis code with an anchor at each function.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import html
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import cite, datasets

DOWNLOADS = "_downloads"
CODE = "_static/code"
CITE_MARK = re.compile(r"<!--thesis-cite:([\w-]+)-->")
SOURCE_REF = re.compile(r"\[source: ([\w-]+)\]")
#: Parts of a page where no markup may be added: scripts (chart specs) and drawings.
NO_TOUCH = re.compile(r"(<script\b.*?</script>|<svg\b.*?</svg>)", re.S)


@dataclass
class Site:
    """Everything the citations of one build depend on."""
    meta: cite.Book
    items: list[cite.Item]
    sources: dict[str, dict]
    package: dict
    data_dir: Path
    root: Path
    by_anchor: dict[str, cite.Item] = field(default_factory=dict)

    def __post_init__(self):
        self.by_anchor = {item.anchor: item for item in self.items}

    @property
    def accessed(self) -> dt.date:
        """Printed access date; the reader's browser puts today's date in its place."""
        return self.meta.released

    def stamp(self) -> str:
        """Changes when any number or citation would: the build then re-reads every page."""
        numbers = [(i.page, i.anchor, i.number, i.title) for i in self.items]
        return json.dumps([self.meta.__dict__, numbers], default=str, sort_keys=True)

    def page_items(self, page: str) -> list[cite.Item]:
        return [i for i in self.items if i.page == page]

    def archive_name(self) -> str:
        return f"{self.package.get('name', 'data')}-{self.package.get('version', '')}.zip"


def site(root: Path, data_dir: Path | None, exec_dir: Path | None, url: str = "") -> Site:
    data_dir = datasets.data_dir(data_dir)
    items = cite.read_items(exec_dir, root) if exec_dir else []
    return Site(cite.book(url=url), items, datasets.sources(data_dir), datasets.package(data_dir).descriptor,
                data_dir, Path(root))


# --- the page ----------------------------------------------------------------------------------

def fill_page(body: str, page: str, state: Site, pathto) -> str:
    """Numbers, citations, links and download addresses for one page's HTML."""
    for item in state.page_items(page):
        body = _number(body, item)
    body = CITE_MARK.sub(lambda m: _cite_block(state, m.group(1), page), body)
    body = link_sources(body, state.sources)
    body = body.replace('href="_DL_/', 'href="' + pathto(DOWNLOADS + "/", 1))
    body = body.replace('href="_CODE_/', 'href="' + pathto(CODE + "/", 1))
    return body.replace('href="_NB_"', 'href="' + pathto(f"_sources/{page}.ipynb", 1) + '"')


def _number(body: str, item: cite.Item) -> str:
    label = html.escape(item.number)
    if item.kind == "table":
        head = f'<table class="thesis-table" id="{item.anchor}"><caption>'
        return body.replace(head, head + f'<span class="thesis-label">{label}.</span> ', 1)
    start = body.find(f'<figure class="thesis-chart" id="{item.anchor}">')
    at = body.find("<figcaption>", start) if start >= 0 else -1
    if at < 0:
        return body
    at += len("<figcaption>")
    return body[:at] + f'<p class="thesis-label"><strong>{label}</strong></p>' + body[at:]


def _cite_block(state: Site, anchor: str, page: str) -> str:
    item = state.by_anchor.get(anchor)
    if item is None or item.page != page:
        return ""
    citation = cite.item_citation(state.meta, item, page + ".html", state.accessed)
    kind = cite.KINDS[item.kind][0].lower()
    return cite_html(citation, anchor, f"Cite this {kind}:")


def cite_html(citation: cite.Citation, ident: str, lead: str) -> str:
    """APA in a line, BibTeX behind a disclosure, and copy buttons that appear when scripts run."""
    bib = html.escape(citation.bibtex)
    bib = re.sub(r"(urldate = \{)([0-9-]+)(\})",
                 lambda m: m.group(1) + f'<time class="thesis-accessed" data-format="iso" datetime="{m.group(2)}">'
                 f"{m.group(2)}</time>" + m.group(3), bib)
    bib = re.sub(r"(url = \{)([^}<]*)(\})", lambda m: m.group(1) + _url_span(m.group(2)) + m.group(3), bib)
    return (f'<div class="thesis-cite"><p><strong>{html.escape(lead)}</strong> '
            f'<span class="thesis-cite-apa" id="cite-apa-{ident}">{citation.apa_html}</span></p>'
            f'<details class="thesis-cite-bibtex"><summary>BibTeX</summary>'
            f'<pre id="cite-bib-{ident}">{bib}</pre></details>'
            f'<p class="thesis-copy-row" hidden><button type="button" class="thesis-copy" data-copy="cite-apa-{ident}">'
            f'Copy APA</button> <button type="button" class="thesis-copy" data-copy="cite-bib-{ident}">Copy BibTeX'
            '</button> <span class="thesis-copy-status" role="status"></span></p></div>')


def _url_span(shown: str) -> str:
    """An address the reader's browser completes when the build did not know the site's address."""
    if re.match(r"[a-z]+://", shown):
        return shown
    return f'<span class="thesis-cite-url" data-path="{shown}">{shown}</span>'


def link_sources(body: str, registry: dict[str, dict]) -> str:
    """``[source: <id>]`` in text (never in a script or a drawing) as a link to that source."""
    def one(match):
        rec = registry.get(match.group(1))
        if not rec:
            return match.group(0)
        text = html.escape(f"{rec['publisher']}, {rec['title']}")
        if rec.get("url"):
            text = f'<a href="{html.escape(rec["url"])}" class="reference external thesis-source-ref">{text}</a>'
        return f"[source: {text}]"

    pieces = NO_TOUCH.split(body)
    return "".join(p if i % 2 else SOURCE_REF.sub(one, p) for i, p in enumerate(pieces))


# --- the How-to-cite page -----------------------------------------------------------------------

def citation_block(state: Site, what: str, pathto) -> str:
    """One generated part of the How-to-cite page (``{thesis-citation} <what>``)."""
    meta = state.meta
    if what == "version":
        return (f'<p class="thesis-version">This is version <strong>{html.escape(meta.version)}</strong> of the '
                f"book, released {cite.apa_date(meta.released)}, with version "
                f"<strong>{html.escape(str(state.package.get('version', '')))}</strong> of its data package. "
                f"{cite.licence_statement(meta, as_html=True)}</p>")
    if what == "book":
        return cite_html(cite.book_citation(meta, _root_page(state) + ".html"), "book", "The book:")
    if what == "chapters":
        out = []
        for part in cite.parts(state.root):
            if part.label.isdigit() or part.label == "C":
                citation = cite.chapter_citation(meta, part.caption, part.label, part.pages[0] + ".html")
                out.append(cite_html(citation, f"chapter-{part.label.lower()}", part.caption + ":"))
        return "".join(out)
    if what == "data":
        href = DOWNLOADS + "/" + state.archive_name()
        citation = cite.data_citation(meta, state.package, href)
        return (cite_html(citation, "data", "The data package:")
                + f'<p>Download it: <a href="{html.escape(pathto(href, 1))}" download>{html.escape(state.archive_name())}'
                  "</a> (every CSV file, its schema and sources, the changelog).</p>")
    if what == "figure-example":
        item = next((i for i in state.items if i.kind == "figure"), None)
        if item is None:
            return ""
        citation = cite.item_citation(meta, item, item.page + ".html", state.accessed)
        link = f'<a href="{html.escape(pathto(item.page) + "#" + item.anchor)}">{html.escape(item.number)}</a>'
        return (f"<p>For example, {link} is cited as:</p>" + cite_html(citation, "example-" + item.anchor, "APA 7:"))
    raise ValueError(f"unknown citation block {what!r}")


def _root_page(state: Site) -> str:
    return cite.parts(state.root)[0].pages[0]


# --- downloads ---------------------------------------------------------------------------------

def _stamp(day: dt.date) -> tuple:
    return (day.year, day.month, day.day, 0, 0, 0)


def _write_zip(path: Path, files: dict[str, bytes], day: dt.date) -> None:
    """A zip whose bytes depend only on its contents (fixed dates, sorted names)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, _stamp(day))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])


def item_files(state: Site, item: cite.Item) -> dict[str, bytes]:
    """The CSV of exactly the rows an item draws, and its metadata, ready to zip."""
    payload = item.payload or {}
    tables = payload.get("tables") or []
    files = {}
    for n, table in enumerate(tables, start=1):
        name = f"{item.anchor}.csv" if len(tables) == 1 else f"{item.anchor}-{n}.csv"
        files[name] = _csv(table["columns"], table["rows"])
    files[f"{item.anchor}.json"] = json.dumps(item_metadata(state, item, sorted(files)), indent=2,
                                              ensure_ascii=False, default=str).encode("utf-8")
    return files


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue().encode("utf-8")


def item_metadata(state: Site, item: cite.Item, files: list[str]) -> dict:
    payload = item.payload or {}
    rows = [r for t in payload.get("tables", []) for r in t["rows"]]
    prov = payload.get("provenance") or {}
    ids = [s.get("id") for s in prov.get("sources", [])]
    citation = cite.item_citation(state.meta, item, item.page + ".html", state.accessed)
    resources = {r["name"]: r for r in state.package.get("resources", [])}
    sets = [{**d, "licenses": resources.get(d["name"], {}).get("licenses") or state.package.get("licenses", [])}
            for d in prov.get("datasets", [])]
    return {
        "title": item.title, "number": item.number, "kind": item.kind, "anchor": item.anchor,
        "address": cite.address(state.meta, f"{item.page}.html#{item.anchor}"), "files": files,
        "rows": len(rows), "note": payload.get("note", ""), "code": payload.get("code", ""),
        "sources": [_source_record(state.sources.get(i) or s) for i, s in zip(ids, prov.get("sources", []))],
        "units": sorted({str(r["unit"]) for r in rows if r.get("unit") not in (None, "")}),
        "statuses": _counts(r.get("status") for r in rows),
        "datasets": sets,
        "data_package": {"name": state.package.get("name"), "version": state.package.get("version"),
                         "licenses": state.package.get("licenses", [])},
        "book": {"title": state.meta.title, "version": state.meta.version,
                 "released": state.meta.released.isoformat()},
        "licence": cite.licence_statement(state.meta),
        "citation": {"apa": citation.apa_text, "bibtex": citation.bibtex},
    }


def _source_record(rec: dict) -> dict:
    keys = ("source_id", "id", "publisher", "title", "url", "kind", "primary_url", "accessed")
    return {k: str(rec[k]) for k in keys if rec.get(k) not in (None, "")}


def _counts(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        if v:
            out[v] = out.get(v, 0) + 1
    return out


def write_downloads(outdir: Path, state: Site) -> list[Path]:
    """Every item's zip and the data package's, under ``_downloads/``."""
    written = []
    for item in state.items:
        path = Path(outdir) / DOWNLOADS / f"{item.anchor}.zip"
        _write_zip(path, item_files(state, item), state.meta.released)
        written.append(path)
    path = Path(outdir) / DOWNLOADS / state.archive_name()
    write_data_package(state.data_dir, path, state.meta.released)
    return written + [path]


def write_data_package(data_dir: Path, path: Path, day: dt.date) -> Path:
    """The whole data package (CSV files, datapackage.json, sources, README, changelog) as one zip."""
    files = {p.relative_to(data_dir).as_posix(): p.read_bytes() for p in sorted(Path(data_dir).rglob("*"))
             if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in p.parts)}
    _write_zip(path, files, day)
    return path


# --- the code, readable in the site ---------------------------------------------------------------

def write_code(outdir: Path, root: Path) -> list[Path]:
    """Each module of ``analysis/`` as a highlighted page with line numbers and an anchor per function."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    import pygments

    formatter = HtmlFormatter(linenos="inline", lineanchors="L", wrapcode=True)
    style = formatter.get_style_defs(".highlight")
    written = []
    for src in sorted((Path(root) / "analysis").rglob("*.py")):
        rel = src.relative_to(root).as_posix()
        text = src.read_text(encoding="utf-8")
        out = Path(outdir) / CODE / (rel + ".html")
        # highlighting every module took a third of a rebuild: a page whose module is unchanged stays
        stamp = f"<!-- source {hashlib.sha256((pygments.__version__ + text).encode()).hexdigest()} -->"
        if out.exists() and stamp in out.read_text(encoding="utf-8"):
            written.append(out)
            continue
        body = highlight(text, PythonLexer(), formatter)
        for name, line in _functions(text).items():
            body = body.replace(f'<a id="L-{line}" name="L-{line}"></a>',
                                f'<a id="L-{line}" name="L-{line}"></a><span id="{html.escape(name)}"></span>', 1)
        page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(rel)}</title>'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">{stamp}'
                f"<style>{style} body{{font-family:system-ui,sans-serif;margin:1rem}} pre{{font-size:13px}}</style>"
                f'</head><body><main><h1><code>{html.escape(rel)}</code></h1>{body}</main></body></html>\n')
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
        written.append(out)
    return written


def _functions(text: str) -> dict[str, int]:
    """Function name -> line of its ``def`` (the first one of that name, decorators excluded)."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in found:
            found[node.name] = node.lineno
    return found
