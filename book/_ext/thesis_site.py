"""Sphinx extension: what the published site needs beyond the theme.

- Each page loads only the scripts it uses: the Vega bundle and chart-embed.js only on pages with
  charts; nothing of sphinx-thebe (the book has no live code; Jupyter Book 1 loads the extension
  anyway and emits its inline script twice, a console error); no duplicate inline scripts.
- myst-nb's "Show code cell source" toggle: a ``<summary>`` whose accessible name is its visible text
  (not "Toggle hidden content") and whose labels are ``<span>`` (``<p>`` is not allowed in a summary).
- Per page: a meta description (the page's first paragraph) and OpenGraph tags, with a preview
  image: the page's first chart drawn offline to PNG by vl-convert (``_static/og/<page>.png``), or a
  book-wide card (``_static/og/book.png``) on pages without a chart.
- Per page, in the footer: the book's version (``analysis.version``, from CITATION.cff) and when the
  page's source last changed (its last commit, ``git log -1 --format=%cI``; outside a checkout, the
  file's modification time; the footer template is ``_templates/last-updated.html``).
- A 404 page, ``sitemap.xml`` and ``robots.txt``. Absolute addresses (sitemap, og:url, the 404 page's
  base) come from ``THESIS_SITE_URL`` in the environment, else ``thesis_site_url`` in the config;
  without one the sitemap lists root-relative paths and robots.txt names no sitemap.
- A check that every FontAwesome icon a page uses is in the site's icon subset (``icons.css``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import struct
import subprocess
import textwrap
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
    tags += _og_image(app, pagename, context, base)
    if pagename == NOT_FOUND:
        tags.append('<meta name="robots" content="noindex">')
        context["thesis_base_href"] = urlparse(base).path if base else "/"
    context["metatags"] = meta + "\n".join(tags) + "\n"


# --- preview images ------------------------------------------------------------------------------

CHART_SPEC = re.compile(r'<script type="application/json" class="thesis-chart-spec">(.*?)</script>', re.S)
OG_DIR = "_static/og"
BOOK_CARD = "book.png"


def _og_image(app, pagename, context, base: str) -> list[str]:
    """og:image for the page: its first chart as PNG, else the book-wide card; relative to the page
    unless the site's address is known (THESIS_SITE_URL), then absolute on that address."""
    if app.builder.name != "html" or pagename == NOT_FOUND:
        return []
    out = Path(app.outdir) / OG_DIR
    match = CHART_SPEC.search(context.get("body") or "")
    try:
        if match:
            spec = json.loads(match.group(1))
            name = pagename.replace("/", "--") + ".png"
            png = chart_png(spec)
            alt = spec.get("description") or ""
        else:
            name, png, alt = BOOK_CARD, None, app.config.html_title or app.config.project
            if not (out / name).exists():
                png = book_card(app.config.html_title or app.config.project, _book_version())
    except Exception as err:  # a preview must never break the build of a page
        logger.warning("no preview image for %s: %s", pagename, err)
        return []
    out.mkdir(parents=True, exist_ok=True)
    if png is not None and (not (out / name).exists() or (out / name).read_bytes() != png):
        (out / name).write_bytes(png)
    width, height = png_size((out / name).read_bytes())
    rel = f"{OG_DIR}/{name}"
    url = base + rel if base else context["pathto"](rel, 1)
    return [f'<meta property="og:image" content="{html.escape(url)}">',
            f'<meta property="og:image:width" content="{width}">',
            f'<meta property="og:image:height" content="{height}">',
            f'<meta property="og:image:alt" content="{html.escape(describe(alt, 420))}">',
            '<meta name="twitter:card" content="summary_large_image">']


def chart_png(spec: dict) -> bytes:
    import vl_convert as vlc

    from analysis.common.render import VL_VERSION

    spec = dict(spec, background=spec.get("background") or "#ffffff")  # previews sit on any colour
    return vlc.vegalite_to_png(spec, vl_version=VL_VERSION, scale=2)


def book_card(title: str, version: str) -> bytes:
    """A 1200x630 card with the book's title and version, drawn by vl-convert (no image file in the repository)."""
    import vl_convert as vlc

    from analysis.common.render import VL_VERSION

    lines = textwrap.wrap(title, 30)
    texts = [{"text": line, "y": 150 + 70 * i, "size": 54, "weight": "bold", "colour": "#1a1a1a"}
             for i, line in enumerate(lines)]
    texts.append({"text": f"Version {version}" if version else "", "y": 150 + 70 * len(lines) + 40,
                  "size": 30, "weight": "normal", "colour": "#333333"})
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 1200, "height": 630, "padding": 0, "autosize": {"type": "none"},
        "background": "#ffffff", "view": {"stroke": None},
        "layer": [
            {"data": {"values": [{}]}, "mark": {"type": "rect", "color": "#0072B2"},
             "encoding": {"x": {"value": 0}, "x2": {"value": 24}, "y": {"value": 0}, "y2": {"value": 630}}},
            {"data": {"values": texts},
             "mark": {"type": "text", "align": "left", "baseline": "middle", "font": "sans-serif"},
             "encoding": {"x": {"value": 80}, "y": {"field": "y", "type": "quantitative", "scale": None},
                          "text": {"field": "text"}, "size": {"field": "size", "type": "quantitative", "scale": None},
                          "fontWeight": {"field": "weight"},
                          "color": {"field": "colour", "type": "nominal", "scale": None}}},
        ],
    }
    return vlc.vegalite_to_png(spec, vl_version=VL_VERSION, scale=1)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


# --- version and last change, shown in each page's footer ----------------------------------------

def _book_version() -> str:
    try:
        from analysis.version import version
        return version()
    except Exception:  # outside the project (no CITATION.cff): no version rather than no site
        return ""


def source_file(app, pagename: str) -> Path | None:
    """The page's own source in the book's folder (the .md, not the executed copy Sphinx reads)."""
    if pagename not in app.env.all_docs and pagename not in app.env.found_docs:
        return None
    root = Path(getattr(app.config, "thesis_root", None) or app.srcdir)
    for suffix in (".md", ".ipynb", ".rst"):
        path = root / (pagename + suffix)
        if path.exists():
            return path
    return None


def last_changed(path: Path) -> dt.datetime | None:
    """When the file last changed: its last commit's time, else (no git, no checkout, a file never
    committed) its modification time."""
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%cI", "--", path.name], cwd=path.parent,
                              capture_output=True, text=True, timeout=20)
        if proc.returncode == 0 and proc.stdout.strip():
            return dt.datetime.fromisoformat(proc.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
    except OSError:
        return None


def _changed_at(app, pagename: str) -> str:
    path = source_file(app, pagename)
    when = last_changed(path) if path else None
    return when.isoformat() if when else ""


def _stamps_outdated(app, env, added, changed, removed):
    """A page whose last-change time moved (a commit that left its text alone) is written again."""
    old = getattr(env, "thesis_changed", {})
    new = {doc: _changed_at(app, doc) for doc in env.found_docs}
    env.thesis_changed = new
    return [doc for doc in env.found_docs if doc in old and old[doc] != new[doc]]


def _page_stamp(app, pagename, templatename, context, doctree) -> None:
    context["thesis_version"] = app.config.thesis_book_version
    iso = getattr(app.env, "thesis_changed", {}).get(pagename) or ""
    context["thesis_changed_iso"] = iso
    context["thesis_changed"] = iso[:10]


def _set_version(app, config) -> None:
    if not config.thesis_book_version:
        config.thesis_book_version = _book_version()


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
    # the footer's version: every page is written again when it changes ("env")
    app.add_config_value("thesis_book_version", "", "env")
    app.connect("config-inited", _set_version)
    app.connect("env-get-outdated", _stamps_outdated)
    app.connect("html-page-context", _page_stamp)
    _drop_thebe(app)
    app.add_css_file("icons/icons.css")
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide, _depart_hide))
    app.connect("html-page-context", _page_assets, priority=900)
    app.connect("html-page-context", _page_meta)
    app.connect("html-collect-pages", _not_found_page)
    app.connect("build-finished", _site_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
