"""The print copy of an executed notebook, for the PDF edition (``analysis.pdf``).

Outputs made for the site become MyST that LaTeX can set: a chart becomes a figure of a vector PDF
drawn by vl-convert from the chart's spec (caption: its title and subtitle; label ``fig-<name>``),
followed by its note, source, data and code lines; a table becomes a list-table with its caption
(label ``tab-<name>``), column widths from its text, that breaks across pages. Code is left out;
output meant only for the browser (a script's data) is dropped. The site's notebooks are not touched.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from pathlib import Path

CHART_SPEC = re.compile(r'<script type="application/json" class="thesis-chart-spec">(.*?)</script>', re.S)


def _escape(text: str) -> str:
    """Text as MyST Markdown that reads literally (every ASCII punctuation mark escaped)."""
    text = re.sub(r"\s+", " ", str(text))
    return "".join("\\" + c if c in string.punctuation else c for c in text)


def _inline(node) -> str:
    """An HTML fragment (BeautifulSoup node) as one line of MyST: text, links, bold, code."""
    from bs4 import Comment, NavigableString

    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return _escape(str(node)) if str(node).strip() else (" " if str(node) else "")
    parts = "".join(_inline(child) for child in node.children)
    name = node.name
    if name == "a" and node.get("href", "").startswith(("http://", "https://")):
        href = node["href"].replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
        return f"[{parts.strip()}](<{href}>)"
    if name in ("strong", "b") and parts.strip():
        return f"**{parts.strip()}** "
    if name == "code" and parts.strip():
        return f"`{node.get_text()}`"
    if name == "br":
        return " "
    return parts


def _line(node) -> str:
    return re.sub(r"\s+", " ", _inline(node)).strip()


def _footer_lines(container) -> list[str]:
    """Note, source, data and code lines under a chart or table, for print: the parts that only work
    on the site (the download of the rows drawn, the notebook, the citation box) are left out."""
    lines = []
    if container is None:
        return lines
    for part in container.find_all(["p", "details"]):
        classes = set(part.get("class") or [])
        if part.find_parent("details") is not None:
            continue
        if "thesis-note" in classes:
            lines.append(_line(part))
        elif "thesis-source" in classes and part.name == "details":
            summary, body = part.find("summary"), part.find("p")
            label = _line(summary.find("strong")) if summary and summary.find("strong") else "**Source:**"
            lines.append(f"{label} {_line(body) if body else ''}".strip())
        elif "thesis-source" in classes:
            lines.append(_line(part))
        elif "thesis-data" in classes and part.find("a", class_="thesis-data-link"):
            _drop_downloads(part)
            label = part.find("strong")
            head = f"**{_escape(label.extract().get_text().strip())}** " if label else ""
            lines.append(head + _escape(part.get_text().strip()))
        elif "thesis-code" in classes and part.find("code"):
            lines.append(f"**Code:** `{part.find('code').get_text()}`")
    return [line for line in lines if line]


def _drop_downloads(part) -> None:
    """Remove the site's download of the rows drawn (and its words) up to the first dataset link."""
    for link in part.find_all("a", class_="thesis-download"):
        node = link
        while node is not None and not (getattr(node, "name", None) == "a"
                                        and "thesis-data-link" in (node.get("class") or [])):
            following = node.next_sibling
            node.extract()
            node = following
        if node is not None and node.previous_sibling is None:
            node.insert_before(" ")


def _directive(name: str, argument: str, options: dict[str, str], body: list[str]) -> str:
    fence = ":" * 4
    head = [f"{fence}{{{name}}} {argument}".rstrip()] + [f":{k}: {v}" for k, v in options.items()]
    return "\n".join(head + [""] + body + [fence]) + "\n"


def chart_markdown(html_text: str, charts_dir: Path, rel_dir: str) -> tuple[str, str] | None:
    """A chart output as a MyST figure of a vector PDF (caption: the chart's title and subtitle), then
    its note, source, data and code lines as paragraphs, which may run on to the next page."""
    import vl_convert as vlc
    from bs4 import BeautifulSoup

    from .common.render import VL_VERSION

    match = CHART_SPEC.search(html_text)
    if not match:
        return None
    spec = json.loads(match.group(1))
    meta = spec.get("usermeta") or {}
    name = ("fig-" + meta["name"] if meta.get("name")
            else "chart-" + hashlib.sha1(match.group(1).encode()).hexdigest()[:10])
    caption, subtitle = _title_parts(spec.pop("title", None))  # the caption says it; the drawing need not
    charts_dir.mkdir(parents=True, exist_ok=True)
    (charts_dir / f"{name}.pdf").write_bytes(vlc.vegalite_to_pdf(spec, vl_version=VL_VERSION))
    body = [_escape((caption or spec.get("description", "Chart")).strip())]
    if subtitle:
        body += ["", _escape(subtitle.strip())]
    options = {"name": name, "alt": _escape(spec.get("description", ""))}
    footer = _footer_lines(BeautifulSoup(html_text, "html.parser").find("figcaption"))
    text = _directive("figure", f"{rel_dir}/{name}.pdf", options, body) + "".join("\n" + line + "\n" for line in footer)
    return text, spec.get("description", "")


def _title_parts(title) -> tuple[str, str]:
    if isinstance(title, dict):
        text, sub = title.get("text", ""), title.get("subtitle", "")
    else:
        text, sub = title or "", ""
    join = lambda t: " ".join(t) if isinstance(t, list) else str(t or "")  # noqa: E731
    return join(text), join(sub)


def table_markdown(html_text: str) -> str | None:
    """A table output as a MyST list-table with its caption and name; None when there is no table."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_text, "html.parser")
    table = soup.find("table")
    if table is None:
        return None
    caption = table.find("caption")
    rows, texts = [], []
    for tr in table.find_all("tr"):
        cells = tr.find_all(["th", "td"], recursive=False)
        if cells:
            rows.append([_line(c) or "\u00a0" for c in cells])
            texts.append([" ".join(c.get_text(" ").split()) for c in cells])
    if not rows:
        return None
    width = max(len(r) for r in rows)
    body = []
    for row in rows:
        row = row + ["\u00a0"] * (width - len(row))
        body += [f"* - {row[0]}"] + [f"  - {cell}" for cell in row[1:]]
    header = 1 if table.find("thead") is not None else 0
    options = {"header-rows": str(header), "widths": " ".join(map(str, column_weights(texts))),
               "class": "longtable"}  # a tall table breaks across pages, its header repeated
    if table.get("id"):
        options["name"] = table["id"]
    text = _directive("list-table", _escape(caption.get_text().strip()) if caption else "", options, body)
    footer = _footer_lines(soup.find(class_="thesis-table-footer"))
    return text + "".join("\n" + line + "\n" for line in footer)


#: About how many characters of a table's small type fit across the text width (A4, 10pt body),
#: and how many a cell's padding takes (\tabcolsep is 3pt, see ``pdf.LATEX_PREAMBLE``).
LINE_CHARS, PADDING = 110, 2


def column_weights(rows: list[list[str]], line: int = LINE_CHARS) -> list[int]:
    """Column widths, in characters of the line, from the text the columns hold (rows of plain text).

    A column would like a width that grows with the square root of its mean length (never less than
    its longest word, up to 6 characters); the line is shared in proportion, and no column gets less
    than its longest word up to 5 characters (longer words are hyphenated).
    """
    least, want = [], []
    for i in range(max(len(r) for r in rows)):
        cells = [r[i] if i < len(r) else "" for r in rows]
        longest_word = max((len(w) for c in cells for w in c.split()), default=1)
        mean = sum(len(c) for c in cells) / len(cells)
        least.append(PADDING + min(longest_word, 5) + 1)
        want.append(PADDING + max(min(longest_word, 6) + 1, 4 * mean ** 0.5))
    if sum(least) >= line:
        return least
    widths = [w * line / sum(want) for w in want]
    for _ in range(len(widths)):  # raise the columns below their least width, taking from the others
        short = sum(max(0.0, m - w) for w, m in zip(widths, least))
        room = sum(w - m for w, m in zip(widths, least) if w > m)
        if short <= 1e-9 or room <= 0:
            break
        widths = [m if w <= m else w - (w - m) * short / room for w, m in zip(widths, least)]
    return [max(1, round(w)) for w in widths]


def print_copy(nb: dict, charts_dir: Path, rel_dir: str) -> dict:
    """The notebook as the PDF shows it: outputs only, charts and tables in print form."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "remove-input" not in tags:
            tags.append("remove-input")
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            html_text = data.get("text/html")
            if html_text is None:
                outputs.append(out)
                continue
            html_text = "".join(html_text) if isinstance(html_text, list) else html_text
            chart = chart_markdown(html_text, charts_dir, rel_dir)
            if chart:
                out["data"] = {"text/markdown": chart[0], "text/plain": chart[1]}
            elif (table := table_markdown(html_text)) is not None:
                out["data"] = {"text/markdown": table, "text/plain": ""}
            elif re.fullmatch(r"\s*<script\b.*</script>\s*", html_text, re.S):
                continue  # data for a script in the browser: nothing to print
            outputs.append(out)
        cell["outputs"] = outputs
    return nb
