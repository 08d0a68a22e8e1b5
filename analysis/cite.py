"""Citations of the book, its chapters, its figures and tables, and its data, from one source of truth.

Every text here is generated from ``CITATION.cff`` (title, authors, version, release date, licences)
through :mod:`analysis.version`; nothing is typed twice. Figure and table numbers ("Figure 2.3",
"Table 3.1") are given at build time, chapter by chapter, in reading order (``numbering``), so a
figure added to one chapter never renumbers another; anchors (``fig-<name>``, ``tab-<name>``) never
change with the numbers.

APA 7 texts come as HTML (the book's title in italics) and as plain text; BibTeX entries escape
what BibTeX would read as markup, and every one parses with pybtex (``tests/test_cite.py``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import version as _version

#: How each licence is named to readers, and where its text is.
LICENCES = {
    "MIT": ("MIT licence", "https://opensource.org/license/mit"),
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
}
#: What each licence covers (CITATION.cff lists the identifiers; this says which part each one is for).
COVERS = {"MIT": "code", "CC-BY-4.0": "text and data"}
#: The custom output type a figure's or table's rows travel in, inside the executed notebook.
ITEM_MIME = "application/vnd.thesis.item+json"
KINDS = {"figure": ("Figure", "fig-"), "table": ("Table", "tab-")}


# --- the book's metadata -----------------------------------------------------------------------

@dataclass(frozen=True)
class Book:
    title: str
    authors: tuple[str, ...]
    version: str
    released: dt.date
    licences: tuple[str, ...]
    url: str = ""
    thesis_title: str = ""

    @property
    def year(self) -> int:
        return self.released.year

    @property
    def key(self) -> str:
        """The BibTeX key stem: first word of the title and the release year ("alibabacom2026")."""
        return re.sub(r"[^a-z]", "", self.title.split()[0].lower()) + str(self.year)


def cff() -> dict:
    """CITATION.cff as read by ``analysis.version``."""
    return _version.citation()


def book(cff: dict | None = None, url: str = "") -> Book:
    """The book's metadata, read from CITATION.cff; ``url`` is where the site is published, if known."""
    cff = cff or _version.citation()
    lic = cff.get("license", [])
    thesis = next((r for r in cff.get("references", []) if r.get("type") == "thesis"), {})
    released = cff.get("date-released")
    released = released if isinstance(released, dt.date) else dt.date.fromisoformat(str(released))
    return Book(title=str(cff["title"]), authors=tuple(_author(a) for a in cff["authors"]),
                version=str(cff["version"]), released=released,
                licences=tuple([lic] if isinstance(lic, str) else lic),
                url=_slash(url or cff.get("url", "")), thesis_title=thesis.get("title", ""))


def _author(entry: dict) -> str:
    if entry.get("name"):
        return entry["name"]
    return ", ".join(p for p in (entry.get("family-names"), entry.get("given-names")) if p)


def _slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def licence_statement(meta: Book, as_html: bool = False) -> str:
    """'Code: MIT licence. Text and data: CC BY 4.0.' — the one way the book states its licences."""
    parts = []
    for ident in meta.licences:
        name, url = LICENCES.get(ident, (ident, ""))
        shown = f'<a rel="license" href="{url}">{name}</a>' if as_html and url else name
        parts.append(f"{COVERS.get(ident, 'all').capitalize()}: {shown}.")
    return " ".join(parts)


# --- reading order and numbers -----------------------------------------------------------------

@dataclass
class Part:
    """A part of the table of contents: its caption, the label its numbers use, its pages in order."""
    caption: str
    label: str
    pages: list[str] = field(default_factory=list)


def chapter_label(caption: str) -> str:
    """'Chapter 2. ...' -> '2'; the conclusion 'C'; the pages about the book 'A'; front matter 'I'."""
    match = re.match(r"\s*Chapter\s+(\d+)", caption or "")
    if match:
        return match.group(1)
    if (caption or "").strip().lower().startswith("conclusion"):
        return "C"
    if (caption or "").strip().lower().startswith("about"):
        return "A"
    return "I"


def parts(root: Path) -> list[Part]:
    """The book's parts, from _toc.yml, each with its pages (ids like 'book/ch2-alibaba/index')."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    out = [Part("", "I", [_page(toc["root"])])]

    def walk(entries, into: Part):
        for entry in entries or []:
            if entry.get("file"):
                into.pages.append(_page(entry["file"]))
            walk(entry.get("sections"), into)

    for part in toc.get("parts", []):
        caption = part.get("caption", "")
        out.append(Part(caption, chapter_label(caption)))
        walk(part.get("chapters"), out[-1])
    return out


def _page(name: str) -> str:
    return re.sub(r"\.(md|ipynb)$", "", name)


@dataclass(frozen=True)
class Item:
    """A figure or a table of a page, as an executed notebook recorded it."""
    kind: str          # "figure" or "table"
    anchor: str        # "fig-alibaba-revenue"
    title: str
    page: str          # "book/ch2-alibaba/2-1-alibaba-group"
    number: str = ""   # "Figure 2.1", given by ``numbering``
    payload: dict | None = None

    @property
    def label(self) -> str:
        return self.number or KINDS[self.kind][0]


def items_of(notebook: dict, page: str) -> list[Item]:
    """The named figures and tables an executed notebook shows, in output order."""
    found = []
    for cell in notebook.get("cells", []):
        for out in cell.get("outputs", []):
            payload = out.get("data", {}).get(ITEM_MIME)
            if isinstance(payload, str):
                payload = json.loads(payload)
            if payload and payload.get("anchor"):
                found.append(Item(payload["kind"], payload["anchor"], payload.get("title", ""), page,
                                  payload=payload))
    return found


def numbering(items_by_page: dict[str, list[Item]], book_parts: list[Part]) -> list[Item]:
    """Every item with its number: per part (chapter), figures and tables counted apart, in reading order."""
    numbered, counts = [], {}
    for part in book_parts:  # parts with one label (the front matter) share one count
        for page in part.pages:
            for item in items_by_page.get(page, []):
                n = counts[(part.label, item.kind)] = counts.get((part.label, item.kind), 0) + 1
                number = f"{KINDS[item.kind][0]} {part.label}.{n}"
                numbered.append(Item(item.kind, item.anchor, item.title, item.page, number, item.payload))
    return numbered


def read_items(exec_dir: Path, root: Path) -> list[Item]:
    """Number every figure and table of the book from the executed notebooks in ``exec_dir``."""
    book_parts = parts(root)
    by_page = {}
    for part in book_parts:
        for page in part.pages:
            path = Path(exec_dir) / f"{page}.ipynb"
            if path.exists():
                by_page[page] = items_of(json.loads(path.read_text(encoding="utf-8")), page)
    return numbering(by_page, book_parts)


# --- APA 7 -------------------------------------------------------------------------------------

def apa_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def sentence_title(title: str) -> str:
    """APA keeps the title's words but capitalises the first word after a colon."""
    return re.sub(r":\s+([a-z])", lambda m: ": " + m.group(1).upper(), title)


def _apa_authors(meta: Book) -> str:
    names = list(meta.authors)
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    return text if text.endswith(".") else text + "."


def address(meta: Book, path: str) -> str:
    """The absolute address of a page (and anchor) when the site's address is known, else the path."""
    return meta.url + path if meta.url else path


@dataclass(frozen=True)
class Citation:
    apa_html: str
    apa_text: str
    bibtex: str


def _apa(meta: Book, lead: str, path: str, accessed: dt.date | None, html_mode: bool) -> str:
    book_title = sentence_title(meta.title)
    shown = f"<i>{html.escape(book_title)}</i>" if html_mode else book_title
    where = address(meta, path)
    where = _url_html(meta, path) if html_mode else where
    date = (_time_html(accessed, "apa") if html_mode else apa_date(accessed)) if accessed else ""
    head = f"{html.escape(_apa_authors(meta)) if html_mode else _apa_authors(meta)} ({meta.year}). "
    if lead:
        body = f"{lead} In {shown} (Version {meta.version})."
    else:
        body = f"{shown} (Version {meta.version})."
    tail = f" Retrieved {date}, from {where}" if date else f" {where}"
    return head + body + tail


def _url_html(meta: Book, path: str) -> str:
    text = html.escape(address(meta, path))
    return f'<span class="thesis-cite-url" data-path="{html.escape(path)}">{text}</span>'


def _time_html(day: dt.date, fmt: str) -> str:
    shown = apa_date(day) if fmt == "apa" else day.isoformat()
    return f'<time class="thesis-accessed" data-format="{fmt}" datetime="{day.isoformat()}">{shown}</time>'


def book_citation(meta: Book, path: str = "") -> Citation:
    fields = _common_fields(meta, path)
    return Citation(_apa(meta, "", path, None, True), _apa(meta, "", path, None, False),
                    bibtex_entry("book", meta.key, [("title", meta.title)] + fields))


def chapter_citation(meta: Book, caption: str, label: str, path: str) -> Citation:
    """A chapter (a part of the book) by its caption, e.g. 'Chapter 2. Alibaba Group and Alibaba.com'."""
    lead_text = sentence_title(caption.rstrip(".")) + "."
    lead_html = html.escape(lead_text)
    fields = [("title", caption), ("booktitle", meta.title), ("chapter", label)] + _common_fields(meta, path)
    return Citation(_apa(meta, lead_html, path, None, True), _apa(meta, lead_text, path, None, False),
                    bibtex_entry("inbook", f"{meta.key}ch{label.lower()}", fields))


def item_citation(meta: Book, item: Item, path: str, accessed: dt.date) -> Citation:
    """A figure or table: its number and title, the book and version, its address with anchor, a date."""
    kind = KINDS[item.kind][0]
    title = item.title.rstrip(". ")
    lead = f"{item.label}. {title} [{kind}]."
    fields = ([("title", f"{item.label}: {title}"), ("booktitle", meta.title)]
              + _common_fields(meta, path + "#" + item.anchor) + [("urldate", accessed.isoformat())])
    key = f"{meta.key}{item.anchor.replace('-', '')}"
    apa_html = _apa(meta, html.escape(lead), path + "#" + item.anchor, accessed, True)
    apa_text = _apa(meta, lead, path + "#" + item.anchor, accessed, False)
    return Citation(apa_html, apa_text, bibtex_entry("misc", key, fields))


def data_citation(meta: Book, package: dict, path: str) -> Citation:
    """The data package, by its own title and version, published with the book."""
    title = package.get("title") or package.get("name", "data package")
    version = str(package.get("version", ""))
    lead = f"{sentence_title(title)} (Data package version {version}) [Data set]."
    head = f"{_apa_authors(meta)} ({meta.year}). "
    where = address(meta, path)
    apa_text = f"{head}{lead} Published with {sentence_title(meta.title)} (Version {meta.version}). {where}"
    apa_html = (f"{html.escape(head)}{html.escape(lead)} Published with <i>{html.escape(sentence_title(meta.title))}"
                f"</i> (Version {html.escape(meta.version)}). {_url_html(meta, path)}")
    fields = [("title", title), ("howpublished", f"Data package of {meta.title}, version {meta.version}")]
    fields += [f for f in _common_fields(meta, path) if f[0] != "version"] + [("version", version)]
    return Citation(apa_html, apa_text, bibtex_entry("misc", f"{meta.key}data", fields))


def _common_fields(meta: Book, path: str) -> list[tuple[str, str]]:
    fields = [("author", " and ".join("{" + a + "}" for a in meta.authors)),
              ("year", str(meta.year)), ("version", meta.version)]
    where = address(meta, path)
    if where:
        fields.append(("url", where))
    fields.append(("note", f"Version {meta.version}. {licence_statement(meta)}"))
    return fields


# --- BibTeX ------------------------------------------------------------------------------------

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
#: Fields whose value is an address: kept verbatim (BibTeX styles typeset them with \url).
VERBATIM = {"url", "urldate"}


def bibtex_escape(text: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def bibtex_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """One entry; author fields come pre-braced, other text is escaped; addresses stay as they are."""
    lines = [f"@{kind}{{{key},"]
    for name, value in fields:
        if name == "author":
            shown = value
        elif name in VERBATIM:
            shown = value.replace("{", "%7B").replace("}", "%7D")
        else:
            shown = bibtex_escape(value)
        lines.append(f"  {name} = {{{shown}}},")
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}"


def parse_bibtex(text: str):
    """Parse with pybtex (a real BibTeX parser); raises on any entry it cannot read."""
    from pybtex.database import parse_string

    return parse_string(text, "bibtex")
