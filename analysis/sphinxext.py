"""Sphinx extension: serve the chart JavaScript and the data files from the site itself.

- writes Vega + Vega-Lite + vega-embed (from the vl-convert wheel) to ``_static/vega-bundle.js``
  and loads it deferred, so charts become interactive with no network;
- copies the data package to ``_static/data/`` so every figure's "Data" link works offline;
- points the ``_DATA_/`` placeholder of figure footers at that folder, relative to each page;
- adds the "Data on this page" box, the execution statistics and the list of figures.

The build passes its folders as config values (``thesis_data_dir``, ``thesis_exec_dir``,
``thesis_build_dir``, ``thesis_root``, written into the generated ``_config.yml``); nothing here
reads the environment. Without them (a plain ``jupyter-book build``) the book's own ``data/`` is
served and the execution reports are left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive

from . import datasets, execution, pageinfo
from .common.render import javascript_bundle

BUNDLE = "vega-bundle.js"
STATS_MARKER = "<!-- thesis-execution-statistics -->"
FIGURES_MARKER = "<!-- thesis-figure-list -->"


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
    app.add_js_file(BUNDLE, loading_method="defer")
    app.add_js_file("chart-embed.js", loading_method="defer")
    app.add_css_file("thesis.css")
    app.add_css_file("lang.css")  # CJK text in the readers' own system fonts; no web font
    app.add_js_file("sme-check.js", loading_method="defer")  # only where the page has the form (thesis_site)
    app.connect("build-finished", _write_static)
    app.connect("html-page-context", _data_links)
    app.connect("env-get-outdated", _always_reread)
    app.add_directive("execution-statistics", ExecutionStatistics)
    app.add_directive("figure-list", FigureList)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
