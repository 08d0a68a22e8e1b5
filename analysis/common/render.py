"""An Altair renderer for a book that must work with no network.

Each chart becomes one output with three forms: ``text/html`` (a static SVG, replaced by the
interactive chart when the site's own Vega bundle has loaded), ``image/png`` (for print and
LaTeX) and ``text/plain`` (the alt text). The HTML holds no script and names no other host: the
spec travels in a JSON block that ``_static/chart-embed.js`` hands to vegaEmbed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math

import altair as alt
import vl_convert as vlc

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
    svg = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    png = vlc.vegalite_to_png(spec, vl_version=VL_VERSION, scale=2)
    return {
        "text/html": _figure_html(spec, svg, alt_text, meta),
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": alt_text,
    }


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
        f"{footer_html(meta.get('provenance') or {}, meta.get('note'))}"
        "</figure>"
    )


def footer_html(prov: dict, note: str | None = None) -> str:
    """The footer as a chart's caption (a table's footer puts footer_parts in a div)."""
    return "<figcaption>" + footer_parts(prov, note) + "</figcaption>"


def footer_parts(prov: dict, note: str | None = None) -> str:
    """Note, source line and data line under a chart or table."""
    parts = []
    if note:
        parts.append(f'<p class="thesis-note"><strong>Note:</strong> {html.escape(note)}</p>')
    sources = prov.get("sources", [])
    srcs = [_link(s["publisher"] + ", " + s["title"], s["url"]) for s in sources]
    if len(srcs) == 1:
        parts.append('<p class="thesis-source"><strong>Source:</strong> ' + srcs[0] + ".</p>")
    elif srcs:
        # a long list stays one line (its publishers) until the reader opens it
        publishers = ", ".join(dict.fromkeys(s["publisher"] for s in sources))
        parts.append('<details class="thesis-source"><summary><strong>Source:</strong> '
                     f"{html.escape(publishers)} ({len(srcs)} documents)</summary>"
                     "<p>" + "; ".join(srcs) + ".</p></details>")
    for d in prov.get("datasets", []):
        csv_href = f"_DATA_/{html.escape(d['path'])}"
        parts.append(
            '<p class="thesis-data"><strong>Data:</strong> '
            f'<a href="{csv_href}" class="thesis-data-link">{html.escape(d["path"])}</a> '
            f"(dataset <code>{html.escape(d['name'])}</code>, version {html.escape(str(d['version']))}, "
            f"updated {html.escape(str(d['last_updated']))}).</p>"
        )
    return "".join(parts)


def _link(text: str, url: str) -> str:
    if not url:
        return html.escape(text)
    return f'<a href="{html.escape(url)}" class="reference external">{html.escape(text)}</a>'


def _renderer(spec: dict, **_) -> dict:
    return render(spec)


alt.renderers.register("thesis-offline", _renderer)


def enable() -> None:
    """Make every chart displayed in this kernel use the offline renderer."""
    alt.renderers.enable("thesis-offline")
