"""Tables for people: units in headers, thousands separators, a status and a source link per row."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from .. import datasets
from . import style
from .render import footer_parts


@dataclass(frozen=True)
class Column:
    """How one column is shown: its header (with unit) and its number format."""
    name: str
    header: str
    fmt: str | None = None  # e.g. "{:,.0f}"; None for text


@dataclass
class Table:
    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def table(frame: pd.DataFrame, columns: list[Column], caption: str, note: str | None = None,
          name: str | None = None) -> Table:
    """Rows of a dataset, each with its status mark and a one-click source.

    ``name`` is the table's stable identity: its anchor is ``tab-<name>`` (see ``style.finish``).
    """
    registry = datasets.sources(frame.attrs.get("root"))
    extra = []
    for _, row in frame.iterrows():
        label = datasets.STATUS_LABELS.get(row["status"], row["status"])
        extra.append([f'<td><span class="status-mark status-{row["status"]}">{html.escape(label)}</span></td>',
                      f"<td>{_source_cell(registry.get(row['source_id']))}</td>"])
    return _render(frame, columns, caption, ["Status", "Source"], extra, style.provenance([frame]), note, name)


def numbers(frame: pd.DataFrame, columns: list[Column], caption: str, data: pd.DataFrame,
            note: str | None = None, name: str | None = None) -> Table:
    """A table of computed results (a model's output), cited to the dataset it was computed from."""
    return _render(frame, columns, caption, [], [[] for _ in range(len(frame))], style.provenance([data]), note,
                   name)


def plain(frame: pd.DataFrame, columns: list[Column], caption: str, links: dict[str, str] | None = None) -> Table:
    """A reference table with no provenance footer (catalogues, lists); ``links`` maps a column to its URL column."""
    links = links or {}
    body = []
    for _, row in frame.iterrows():
        cells = []
        for c in columns:
            url = row.get(links[c.name]) if c.name in links else None
            cells.append(f"<td>{_link_cell(row[c.name], url)}</td>" if url else _cell(row[c.name], c.fmt))
        body.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f'<th scope="col">{html.escape(c.header)}</th>' for c in columns)
    markup = (f'<table class="thesis-table"><caption>{html.escape(caption)}</caption>'
              f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return Table(markup, caption + "\n" + frame[[c.name for c in columns]].to_string(index=False))


def _link_cell(text, url: str) -> str:
    return f'<a href="{html.escape(str(url))}" class="reference external">{html.escape(str(text))}</a>'


def _render(frame, columns, caption, extra_heads, extra_cells, prov, note, name=None) -> Table:
    body = []
    for (_, row), extra in zip(frame.iterrows(), extra_cells):
        body.append("<tr>" + "".join(_cell(row[c.name], c.fmt) for c in columns) + "".join(extra) + "</tr>")
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in [c.header for c in columns] + extra_heads)
    ident = f' id="tab-{html.escape(name)}"' if name else ""
    markup = (f'<table class="thesis-table"{ident}><caption>{html.escape(caption)}</caption>'
              f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
              f'<div class="thesis-table-footer">{footer_parts(prov, note)}</div>')
    return Table(markup, caption + "\n" + frame[[c.name for c in columns]].to_string(index=False))


def _cell(value, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return '<td class="num"><em>not available</em></td>' if fmt else "<td></td>"
    if fmt:
        return f'<td class="num">{html.escape(fmt.format(value))}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _source_cell(rec: dict | None) -> str:
    if rec is None:
        return ""
    text = html.escape(rec["publisher"])
    if rec.get("url"):
        return f'<a href="{html.escape(rec["url"])}" class="reference external" title="{html.escape(rec["title"])}">{text}</a>'
    return text
