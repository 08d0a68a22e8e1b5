"""An Altair renderer for a book that must work with no network.

Each chart becomes one output with three forms: ``text/html`` (a static SVG, replaced by the
interactive chart when the site's own Vega bundle has loaded), ``image/png`` (for the executed
notebook a reader downloads) and ``text/plain`` (the alt text). The HTML holds no script and names
no other host: the spec travels in a JSON block that ``_static/chart-embed.js`` hands to vegaEmbed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
from pathlib import Path

import altair as alt
import vl_convert as vlc

from ..cite import ITEM_MIME  # the output type that carries an item's rows and metadata to the build

#: Vega-Lite version of the bundle served by the site; it must match Altair's schema.
VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]


def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script, scoped so it cannot clash with Sphinx's globals."""
    return "(function(){\n" + vlc.javascript_bundle(vl_version=VL_VERSION) + "\n})();\n"


def render(spec: dict) -> dict:
    """The mimebundle for one chart spec."""
    spec = strict_json(spec)
    meta = spec.get("usermeta") or {}
    alt_text = spec.get("description") or ""
    if not alt_text:
        raise ValueError("chart has no alt text: finish it with style.finish(..., alt_text=...)")
    tables = drawn_tables(spec)  # the Source line is the figure's own: style.finish got exactly the rows it uses
    svg, png = drawings(spec)
    bundle = {
        "text/html": _figure_html(spec, svg, alt_text, meta),
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": alt_text,
    }
    if meta.get("name"):
        bundle[ITEM_MIME] = item_payload("figure", "fig-" + meta["name"], title_text(spec), meta.get("code", ""),
                                         meta.get("note"), meta.get("provenance") or {}, tables)
    return bundle


#: Where drawings are kept between runs (set by :func:`enable`; None keeps nothing).
_drawings_dir: Path | None = None


def drawings(spec: dict) -> tuple[str, bytes]:
    """The static SVG and the PNG (twice the size) of a chart spec.

    The PNG is made from the SVG: the same bytes as ``vegalite_to_png``, without drawing the chart a
    second time. Drawing is most of a page's run time, so a spec already drawn for this build
    folder (same spec, same Vega-Lite and vl-convert) is read back instead of drawn again.
    """
    key = hashlib.sha256(f"{VL_VERSION} {vlc.__version__} {json.dumps(spec, sort_keys=True)}".encode()).hexdigest()
    kept = (_drawings_dir / f"{key}.svg", _drawings_dir / f"{key}.png") if _drawings_dir else None
    if kept and kept[0].exists() and kept[1].exists():
        return kept[0].read_text(encoding="utf-8"), kept[1].read_bytes()
    svg = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    png = vlc.svg_to_png(svg, scale=2)
    if kept:
        _keep(kept[0], svg.encode("utf-8"))
        _keep(kept[1], png)
    return svg, png


def _keep(path: Path, data: bytes) -> None:
    """Write whole or not at all: two kernels may draw the same chart at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def title_text(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def drawn_tables(spec: dict) -> list[dict]:
    """The rows the chart draws: each inline data set of the spec, with its columns in order."""
    found = [rows for rows in (spec.get("datasets") or {}).values() if isinstance(rows, list)]

    def walk(node):
        if isinstance(node, dict):
            values = (node.get("data") or {}).get("values") if isinstance(node.get("data"), dict) else None
            if isinstance(values, list) and values and isinstance(values[0], dict):
                found.append(values)
            for key, child in node.items():
                if key not in ("datasets", "data"):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    out = []
    for rows in found:
        columns = list(dict.fromkeys(k for row in rows for k in row))
        out.append({"columns": columns, "rows": rows})
    return out


def item_payload(kind: str, anchor: str, title: str, code: str, note: str | None, prov: dict,
                 tables: list[dict]) -> dict:
    """What the build needs to number a figure or table, cite it and offer its rows for download."""
    return {"kind": kind, "anchor": anchor, "title": title, "code": code, "note": note or "",
            "provenance": prov, "tables": tables}


def strict_json(value):
    """The spec with every NaN or infinity as null: JSON has no NaN, and a browser refuses a spec with one.

    Under pandas 3 a missing cell of an object column reaches Altair as float NaN; Vega reads null
    as "no value", which is what a gap means.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strict_json(v) for v in value]
    return value


def _figure_html(spec: dict, svg: str, alt_text: str, meta: dict) -> str:
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    ident = "fig-" + meta["name"] if meta.get("name") else "chart-" + hashlib.sha1(spec_json.encode()).hexdigest()[:10]
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return (
        f'<figure class="thesis-chart" id="{ident}">'
        f'<div class="thesis-chart-view" role="img" aria-label="{html.escape(alt_text)}">{svg}</div>'
        f'<script type="application/json" class="thesis-chart-spec">{spec_json}</script>'
        f"{footer_html(meta.get('provenance') or {}, meta.get('note'), ident if meta.get('name') else '', meta.get('code', ''))}"
        "</figure>"
    )


def footer_html(prov: dict, note: str | None = None, anchor: str = "", code: str = "") -> str:
    """The footer as a chart's caption (a table's footer puts footer_parts in a div)."""
    return "<figcaption>" + footer_parts(prov, note, anchor, code) + "</figcaption>"


def footer_parts(prov: dict, note: str | None = None, anchor: str = "", code: str = "") -> str:
    """Note, then four lines: Source, Data, Code, and (filled in by the build) Cite this figure or table.

    The build (``analysis.sphinxext``) gives each ``_DATA_/``, ``_DL_/``, ``_CODE_/`` and ``_NB_``
    address its place in the site, turns ``[source: <id>]`` in notes into links, puts the item's
    number before its caption, and replaces the ``thesis-cite`` marker with its citation.
    """
    parts = []
    if note:
        parts.append(f'<p class="thesis-note"><strong>Note:</strong> {html.escape(note)}</p>')
    parts.append(source_line(prov.get("sources", [])) or _computed_line(prov.get("datasets", [])))
    parts.append(data_line(prov.get("datasets", []), anchor))
    if code or anchor:
        parts.append(code_line(code))
    if anchor:
        parts.append(f"<!--thesis-cite:{anchor}-->")
    return "".join(p for p in parts if p)


def source_line(sources: list[dict]) -> str:
    """The publisher, the document and a link; a long list stays one line until it is opened."""
    srcs = [_source_link(s) for s in sources]
    if len(srcs) == 1:
        return '<p class="thesis-source"><strong>Source:</strong> ' + srcs[0] + ".</p>"
    if not srcs:
        return ""
    publishers = ", ".join(dict.fromkeys(s["publisher"] for s in sources))
    return ('<details class="thesis-source"><summary><strong>Source:</strong> '
            f"{html.escape(publishers)} ({len(srcs)} documents)</summary>"
            "<p>" + "; ".join(srcs) + ".</p></details>")


def _computed_line(sets: list[dict]) -> str:
    """When the rows drawn are computed and name no source: where their sources are."""
    if not sets:
        return ""
    return ('<p class="thesis-source"><strong>Source:</strong> computed by this book from the '
            f"dataset{'s' if len(sets) > 1 else ''} on the Data line, whose rows each name their source.</p>")


def _source_link(src: dict) -> str:
    text = _link(src["publisher"] + ", " + src["title"], src.get("url", ""))
    if src.get("kind") == "secondary":
        own = src.get("primary_url")
        text += (f" (read second-hand; the publisher's own page: {_link('link', own)})" if own
                 else " (read second-hand)")
    return text


def data_line(sets: list[dict], anchor: str = "") -> str:
    """A download of exactly the rows drawn (built into the site), and the datasets they come from."""
    if not sets and not anchor:
        return ""
    rows = (f'<a href="_DL_/{html.escape(anchor)}.zip" class="thesis-download" download>the rows drawn</a> '
            "(CSV and metadata, zip)" if anchor else "")
    whole = "; ".join(
        f'<a href="_DATA_/{html.escape(d["path"])}" class="thesis-data-link">{html.escape(d["path"])}</a> '
        f"(dataset <code>{html.escape(d['name'])}</code>, version {html.escape(str(d['version']))}, "
        f"updated {html.escape(str(d['last_updated']))})" for d in sets)
    joined = rows + ("; from " + whole if rows and whole else whole)
    return f'<p class="thesis-data"><strong>Data:</strong> {joined}.</p>'


def code_line(code: str) -> str:
    """The function that drew the item (its place in the site's copy of the code) and the page's notebook."""
    shown = ""
    if code.startswith("analysis."):
        module, _, func = code.rpartition(".")
        href = f"_CODE_/{module.replace('.', '/')}.py.html#{func}"
        shown = f'<a href="{html.escape(href)}" class="thesis-code-link"><code>{html.escape(code)}</code></a>; '
    return (f'<p class="thesis-code"><strong>Code:</strong> {shown}'
            '<a href="_NB_" class="thesis-notebook" download>the page\'s executed notebook (.ipynb)</a>.</p>')


def _link(text: str, url: str) -> str:
    if not url:
        return html.escape(text)
    return f'<a href="{html.escape(url)}" class="reference external">{html.escape(text)}</a>'


def _renderer(spec: dict, **_) -> dict:
    return render(spec)


alt.renderers.register("thesis-offline", _renderer)


def enable(drawings_dir: str | Path | None = None) -> None:
    """Make every chart displayed in this kernel use the offline renderer; keep its drawings in
    ``drawings_dir`` (a folder of the build) when given."""
    global _drawings_dir
    _drawings_dir = Path(drawings_dir) if drawings_dir else None
    alt.renderers.enable("thesis-offline")
