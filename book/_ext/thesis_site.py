"""Sphinx extension: what the published site needs beyond the theme.

- Each page loads only the scripts it uses: the Vega bundle and chart-embed.js only on pages with
  charts; nothing of sphinx-thebe (the book has no live code; Jupyter Book 1 loads the extension
  anyway and emits its inline script twice, a console error); no duplicate inline scripts.
- myst-nb's "Show code cell source" toggle: a ``<summary>`` whose accessible name is its visible text
  (not "Toggle hidden content") and whose labels are ``<span>`` (``<p>`` is not allowed in a summary).
- Per page: a meta description (the page's first paragraph) and OpenGraph tags.
- A 404 page, ``sitemap.xml`` and ``robots.txt``. Absolute addresses (sitemap, og:url, the 404 page's
  base) come from ``THESIS_SITE_URL`` in the environment, else ``thesis_site_url`` in the config;
  without one the sitemap lists root-relative paths and robots.txt names no sitemap.
- A check that every FontAwesome icon a page uses is in the site's icon subset (``icons.css``).
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import urlparse

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

CHART_SCRIPTS = ("vega-bundle.js", "chart-embed.js")
#: A script that serves one form: loaded only on the page that has the form's element.
FORM_SCRIPTS = {"sme-check.js": 'id="sme-check"'}
DESCRIPTION_LENGTH = 160
NOT_FOUND = "404"


# --- scripts -----------------------------------------------------------------------------------

def _drop_thebe(app) -> None:
    """Disconnect sphinx-thebe's handlers: no config script, no sphinx-thebe.js, no per-page config."""
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe"):
                app.disconnect(listener.id)


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body") or ""
    has_chart = 'class="thesis-chart"' in body
    seen, scripts = set(), []
    for js in context.get("script_files", []):
        name = os.path.basename(str(getattr(js, "filename", js) or ""))
        inline = getattr(js, "attributes", {}).get("body", "")
        if name in CHART_SCRIPTS and not has_chart:
            continue
        if name in FORM_SCRIPTS and FORM_SCRIPTS[name] not in body:
            continue
        if "thebe" in name or "THEBE" in inline:
            continue
        key = (name, inline)
        if key in seen:
            continue
        seen.add(key)
        scripts.append(js)
    context["script_files"] = scripts
    context["css_files"] = [css for css in context.get("css_files", [])
                            if "thebe" not in os.path.basename(str(getattr(css, "filename", css)))]


# --- the code-cell toggle ------------------------------------------------------------------------

def _visit_hide(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>')
    self.body.append(f'<span class="collapsed admonition-title">{html.escape(node["prompt_show"])}</span>')
    self.body.append(f'<span class="expanded admonition-title">{html.escape(node["prompt_hide"])}</span>')
    self.body.append("</summary>\n")


def _depart_hide(self, node) -> None:
    self.body.append("</details>\n")


# --- page metadata -------------------------------------------------------------------------------

def site_url(config) -> str:
    url = os.environ.get("THESIS_SITE_URL") or config.thesis_site_url or ""
    return url if not url or url.endswith("/") else url + "/"


def _first_paragraph(doctree) -> str:
    if doctree is None:
        return ""
    for para in doctree.findall(nodes.paragraph):
        if para.parent is not None and isinstance(para.parent, (nodes.section, nodes.document)):
            text = " ".join(para.astext().split())
            if len(text) >= 40:
                return text
    return ""


def describe(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _page_meta(app, pagename, templatename, context, doctree) -> None:
    meta = context.get("metatags", "")
    desc = describe(_first_paragraph(doctree)) or app.config.thesis_site_description
    tags = []
    if desc and 'name="description"' not in meta:
        tags.append(f'<meta name="description" content="{html.escape(desc)}">')
    title = re.sub(r"<[^>]+>", "", context.get("title") or "") or app.config.project
    site_name = app.config.html_title or app.config.project
    tags += [
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{html.escape(html.unescape(title), quote=True)}">',
        f'<meta property="og:site_name" content="{html.escape(site_name)}">',
    ]
    if desc:
        tags.append(f'<meta property="og:description" content="{html.escape(desc)}">')
    base = site_url(app.config)
    if base and pagename != NOT_FOUND:
        tags.append(f'<meta property="og:url" content="{html.escape(base + pagename + app.builder.out_suffix)}">')
    if pagename == NOT_FOUND:
        tags.append('<meta name="robots" content="noindex">')
        context["thesis_base_href"] = urlparse(base).path if base else "/"
    context["metatags"] = meta + "\n".join(tags) + "\n"


# --- 404, sitemap, robots ------------------------------------------------------------------------

def _not_found_page(app):
    if app.builder.format != "html" or app.builder.name == "singlehtml":
        return []
    start = app.config.root_doc
    body = (
        '<section id="page-not-found"><h1>Page not found</h1>'
        "<p>No page of this book has this address. It may have moved when the book was reorganised.</p>"
        f'<p>Start again from <a href="{start}{app.builder.out_suffix}">the introduction</a>, '
        f'or <a href="search{app.builder.out_suffix}">search the book</a>.</p></section>'
    )
    context = {"title": "Page not found", "body": body, "display_toc": False, "toc": "",
               "sourcename": "", "meta": {"html_theme.sidebar_secondary.remove": True}}
    return [(NOT_FOUND, context, "page.html")]


def _site_files(app, exception) -> None:
    if exception or app.builder.format != "html" or app.builder.name != "html":
        return
    out = Path(app.outdir)
    base = site_url(app.config)
    names = [d for d in sorted(app.env.found_docs) if d in app.env.all_docs]
    root_doc = app.config.root_doc
    names.sort(key=lambda d: (d != root_doc, d))
    urls = "".join(f"  <url><loc>{html.escape((base or '/') + d + app.builder.out_suffix)}</loc></url>\n"
                   for d in names)
    (out / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n",
        encoding="utf-8")
    robots = "User-agent: *\nDisallow: /_sources/\n"
    if base:
        robots += f"\nSitemap: {base}sitemap.xml\n"
    (out / "robots.txt").write_text(robots, encoding="utf-8")
    _check_icons(app, out)


ICON_CLASS = re.compile(r'\bfa-(?!solid\b|regular\b|brands\b|lg\b|xs\b|sm\b|\dx\b|fw\b)([a-z0-9-]+)')


def _check_icons(app, out: Path) -> None:
    """Warn (an error under -W) when a page uses an icon the subset font does not carry."""
    known_file = Path(__file__).resolve().parent.parent / "_static" / "icons" / "icons.json"
    if not known_file.exists():
        return
    known = set(json.loads(known_file.read_text(encoding="utf-8"))["classes"])
    used = {}
    for page in out.rglob("*.html"):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for cls in re.findall(r'class="([^"]*\bfa-[^"]*)"', text):
            for name in ICON_CLASS.findall(cls):
                used.setdefault(name, page.relative_to(out).as_posix())
    missing = {k: v for k, v in used.items() if k not in known}
    if missing:
        logger.warning("icons not in book/_static/icons (rebuild the subset): %s", missing)


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_config_value("thesis_site_url", "", "html")
    app.add_config_value("thesis_site_description", "", "html")
    _drop_thebe(app)
    app.add_css_file("icons/icons.css")
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide, _depart_hide))
    app.connect("html-page-context", _page_assets, priority=900)
    app.connect("html-page-context", _page_meta)
    app.connect("html-collect-pages", _not_found_page)
    app.connect("build-finished", _site_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
