"""Sphinx extension: serve the chart JavaScript and the data files from the site itself.

- writes Vega + Vega-Lite + vega-embed (from the vl-convert wheel) to ``_static/vega-bundle.js``
  and loads it deferred, so charts become interactive with no network;
- copies the data package to ``_static/data/`` so every figure's "Data" link works offline;
- points the ``_DATA_/`` placeholder of figure footers at that folder, relative to each page;
- adds the "Data on this page" box, the execution statistics and the list of figures;
- numbers every figure and table by chapter and writes its footer's citation, download, code and
  notebook links (``analysis.sitecite``); writes each item's rows as a zip, the data package as one
  zip and a readable copy of the code; fills the How-to-cite page (``{thesis-citation}``);
- shows the version and the licences in every page's footer; gives the bibliography list items
  the roles assistive technology expects; keeps old addresses working (``analysis.addresses``).

The build passes its folders as config values (``thesis_data_dir``, ``thesis_exec_dir``,
``thesis_build_dir``, ``thesis_root``, written into the generated ``_config.yml``); nothing here
reads the environment. Without them (a plain ``jupyter-book build``) the book's own ``data/`` is
served and the execution reports are left out. The site's address for citations is
``THESIS_SITE_URL`` (as for the sitemap), else ``thesis_site_url``, else CITATION.cff's ``url``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive

from . import addresses, cite, datasets, execution, pageinfo, sitecite
from .common.render import javascript_bundle

BUNDLE = "vega-bundle.js"
STATS_MARKER = "<!-- thesis-execution-statistics -->"
FIGURES_MARKER = "<!-- thesis-figure-list -->"
CITATION_MARKER = "<!-- thesis-citation:{} -->"
CITE_SCRIPT = "cite.js"
#: What needs cite.js on a page: copy buttons, citation addresses to complete, moved anchors.
CITE_SCRIPT_NEEDED = ('class="thesis-copy"', 'class="thesis-cite-url"', 'class="thesis-moved"')


def _folder(config, name: str) -> Path | None:
    value = getattr(config, name, None)
    return Path(value) if value else None


def _bundle_cache(config) -> Path:
    """The Vega bundle is generated once per build folder and version, then copied into each site."""
    import vl_convert

    from .common.render import VL_VERSION

    folder = _folder(config, "thesis_build_dir") or Path(config.thesis_root or execution.ROOT) / "_build"
    return folder / f"vega-bundle-{VL_VERSION}-{vl_convert.__version__}.js"


def _write_static(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    cache = _bundle_cache(app.config)
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(javascript_bundle(), encoding="utf-8")
    shutil.copyfile(cache, static / BUNDLE)
    _proper_redirect(Path(app.outdir), app.config.master_doc, app.config.html_title or app.config.project)
    _label_toggles(Path(app.outdir))
    source = datasets.data_dir(_folder(app.config, "thesis_data_dir"))
    target = static / "data"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    state = _state(app)
    sitecite.write_downloads(Path(app.outdir), state)
    sitecite.write_code(Path(app.outdir), state.root)
    addresses.write_stubs(Path(app.outdir), _redirects(app), app.config.html_title or app.config.project)


def _proper_redirect(outdir: Path, master: str, title: str) -> None:
    """Jupyter Book writes a bare redirect stub as the site root; give it a doctype, title and link."""
    stub = outdir / "index.html"
    if master == "index" or (stub.exists() and "<title>" in stub.read_text(encoding="utf-8")):
        return
    target = f"{master}.html"
    stub.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta http-equiv="refresh" content="0; url={target}">'
        f'<link rel="canonical" href="{target}"></head>'
        f'<body><p><a href="{target}">Go to the start of the book</a>.</p></body></html>\n',
        encoding="utf-8")


TOGGLE = '<summary><span class="toctree-toggle" role="presentation">'


def _label_toggles(outdir: Path) -> None:
    """The theme's navigation toggles are <summary> elements with no accessible name (axe: summary-name)."""
    labelled = '<summary aria-label="Show or hide the pages of this section"><span class="toctree-toggle" role="presentation">'
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if TOGGLE in text:
            page.write_text(text.replace(TOGGLE, labelled), encoding="utf-8")


def _data_links(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body:
        return
    data_href = context["pathto"]("_static/data/", 1)
    body = body.replace('href="_DATA_/', 'href="' + data_href)
    body = _citations(app, pagename, body, context["pathto"])
    exec_dir, config = _folder(app.config, "thesis_exec_dir"), app.config
    if exec_dir:
        root = _folder(config, "thesis_root") or execution.ROOT
        rec = execution.Record.load(execution.record_path(exec_dir, pagename))
        if rec:
            body += pageinfo.page_box(rec, data_href)
        if STATS_MARKER in body:
            recs = [r for r in execution.records(exec_dir, root) if r.executed_at]
            body = body.replace(STATS_MARKER, pageinfo.statistics_table(recs, lambda p: context["pathto"](p)))
        if FIGURES_MARKER in body:
            body = body.replace(FIGURES_MARKER, pageinfo.figure_list(
                exec_dir, lambda p: context["pathto"](p), data_href,
                data_dir=_folder(config, "thesis_data_dir"), root=root))
    context["body"] = body
    if not any(mark in body for mark in CITE_SCRIPT_NEEDED):
        context["script_files"] = [js for js in context.get("script_files", [])
                                   if os.path.basename(str(getattr(js, "filename", js) or "")) != CITE_SCRIPT]


def _citations(app, pagename: str, body: str, pathto) -> str:
    """Numbers, footers and citation texts; bibliography roles; elements for anchors that moved."""
    state = _state(app)
    body = sitecite.fill_page(body, pagename, state, pathto)
    for what in CITATION_WHATS:
        marker = CITATION_MARKER.format(what)
        if marker in body:
            body = body.replace(marker, sitecite.citation_block(state, what, pathto))
    # docutils writes a citation list as role="list" holding role="doc-biblioentry" items, which
    # assistive technology reads as a list with no items (axe: aria-required-children).
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    body = addresses.renamed_here(pagename + ".html", body, _redirects(app))
    moved = addresses.moved_anchors(pagename + ".html", set(addresses.ids_in(body)), _redirects(app))
    return body + moved


def _state(app) -> sitecite.Site:
    """The citations' inputs for this build, computed once."""
    state = getattr(app, "_thesis_cite", None)
    if state is None:
        config = app.config
        url = os.environ.get("THESIS_SITE_URL") or getattr(config, "thesis_site_url", "") or ""
        state = sitecite.site(_folder(config, "thesis_root") or execution.ROOT,
                              _folder(config, "thesis_data_dir"), _folder(config, "thesis_exec_dir"), url)
        app._thesis_cite = state
    return state


def _redirects(app) -> dict[str, str]:
    root = _folder(app.config, "thesis_root") or execution.ROOT
    return addresses.read_redirects(root / "book" / "redirects.txt")


def _config_inited(app, config) -> None:
    """Version and licences in every footer; a stamp that re-reads every page when a number changes."""
    state = _state(app)
    meta = state.meta
    footer = (f'<p class="thesis-footer-version">Version {meta.version} ({meta.released.isoformat()}). '
              f"{cite.licence_statement(meta, as_html=True)}</p>")
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer
    config.html_theme_options = options
    # the declared redirects are written into pages too: a new one re-writes every page
    redirects = sorted(_redirects(app).items())
    config.thesis_cite_stamp = state.stamp() + "|" + hashlib.sha256(repr(redirects).encode()).hexdigest()[:12]


CITATION_WHATS = ("version", "book", "chapters", "data", "figure-example")


class Citation(Directive):
    """``{thesis-citation} book``: a generated part of the How-to-cite page (filled at page-writing time)."""
    required_arguments = 1

    def run(self):
        what = self.arguments[0]
        if what not in CITATION_WHATS:
            raise self.error(f"thesis-citation: {what!r} is not one of {', '.join(CITATION_WHATS)}")
        return [nodes.raw("", CITATION_MARKER.format(what), format="html")]


class ExecutionStatistics(Directive):
    """``{execution-statistics}``: replaced at page-writing time by the table of notebook runs."""

    def run(self):
        return [nodes.raw("", STATS_MARKER, format="html")]


class FigureList(Directive):
    """``{figure-list}``: replaced at page-writing time by the list of figures and tables."""

    def run(self):
        return [nodes.raw("", FIGURES_MARKER, format="html")]


def _always_reread(app, env, added, changed, removed):
    """These pages depend on every run, which Sphinx cannot see: re-read them each build."""
    return [doc for doc in env.found_docs if doc.endswith(("about/execution", "about/figures"))]


def setup(app):
    for name in ("thesis_data_dir", "thesis_exec_dir", "thesis_build_dir", "thesis_root"):
        app.add_config_value(name, None, "")  # folders of this build; changing them re-reads nothing
    app.add_config_value("thesis_cite_stamp", "", "env")  # set below; a change re-reads every page
    app.connect("config-inited", _config_inited)
    app.add_js_file(BUNDLE, loading_method="defer")
    app.add_js_file("chart-embed.js", loading_method="defer")
    app.add_css_file("thesis.css")
    app.add_css_file("lang.css")  # CJK text in the readers' own system fonts; no web font
    app.add_js_file("sme-check.js", loading_method="defer")  # only where the page has the form (thesis_site)
    app.add_js_file(CITE_SCRIPT, loading_method="defer")  # only where a page cites (_data_links)
    app.add_css_file("cite.css")
    app.connect("build-finished", _write_static)
    app.connect("html-page-context", _data_links)
    app.connect("env-get-outdated", _always_reread)
    app.add_directive("execution-statistics", ExecutionStatistics)
    app.add_directive("figure-list", FigureList)
    app.add_directive("thesis-citation", Citation)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
