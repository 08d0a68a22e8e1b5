"""Sphinx extension: serve the chart JavaScript and the data files from the site itself.

- writes Vega + Vega-Lite + vega-embed (from the vl-convert wheel) to ``_static/vega-bundle.js``
  and loads it deferred, so charts become interactive with no network;
- copies the data package to ``_static/data/`` so every figure's "Data" link works offline;
- points the ``_DATA_/`` placeholder of figure footers at that folder, relative to each page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import datasets
from .offline import javascript_bundle

BUNDLE = "vega-bundle.js"


def _bundle_cache() -> Path:
    from .offline import VL_VERSION
    import vl_convert

    return Path(__file__).resolve().parent.parent / "_build" / f"vega-bundle-{VL_VERSION}-{vl_convert.__version__}.js"


def _write_static(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    cache = _bundle_cache()
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(javascript_bundle(), encoding="utf-8")
    shutil.copyfile(cache, static / BUNDLE)
    source = datasets.data_dir()
    target = static / "data"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))


def _data_links(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and "_DATA_/" in body:
        context["body"] = body.replace('href="_DATA_/', 'href="' + context["pathto"]("_static/data/", 1))


def setup(app):
    app.add_js_file(BUNDLE, loading_method="defer")
    app.add_js_file("chart-embed.js", loading_method="defer")
    app.add_css_file("thesis.css")
    app.connect("build-finished", _write_static)
    app.connect("html-page-context", _data_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
