"""`make pdf`: the whole book through Jupyter Book's LaTeX route, checked in the PDF itself.

The book is built once for the session (conftest.py ``book``); the PDF is made from that build's
executed notebooks (about 40 s on two cores), then read with poppler-utils (pdftotext, pdffonts,
pdfimages, pdftohtml). Without TeX Live or poppler the PDF tests skip, and fail under ``CI``.
The first tests need neither: they check the print conversion on small inputs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import pdf, printcopy
from analysis.common import render
from analysis.version import version
from conftest import background, result_of

ROOT = Path(__file__).resolve().parent.parent
POPPLER = ("pdftotext", "pdffonts", "pdfimages", "pdftohtml")


# --- the print conversion, on small inputs ------------------------------------------------------

def chart_spec(name: str = "test-bars") -> dict:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": {"text": "Three bars, the last tallest", "subtitle": "Units, 2020-2022"},
            "description": "Bar chart: 2020 1, 2021 2, 2022 3.",
            "usermeta": {"name": name, "note": "A note with *stars* and [brackets].",
                         "provenance": {"sources": [{"id": "s", "publisher": "Pub", "title": "Doc",
                                                     "url": "https://example.org/doc"}], "datasets": []}},
            "data": {"values": [{"year": y, "v": v} for y, v in [(2020, 1), (2021, 2), (2022, 3)]]},
            "mark": "bar", "encoding": {"x": {"field": "year", "type": "ordinal"},
                                        "y": {"field": "v", "type": "quantitative"}}}


def notebook(*outputs: dict) -> dict:
    return {"cells": [{"cell_type": "code", "metadata": {}, "source": "x", "outputs": list(outputs)}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def display(data: dict) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": {}}


def test_a_chart_becomes_a_named_figure_of_a_vector_pdf_with_its_title_as_caption(tmp_path):
    bundle = render.render(chart_spec())
    nb = printcopy.print_copy(notebook(display(bundle)), tmp_path / "_charts", "/_charts")
    cell = nb["cells"][0]
    assert "remove-input" in cell["metadata"]["tags"]
    (out,) = cell["outputs"]
    md = out["data"]["text/markdown"]
    assert set(out["data"]) == {"text/markdown", "text/plain"}  # no PNG left for LaTeX to pick
    assert md.startswith("::::{figure} /_charts/fig-test-bars.pdf")
    assert ":name: fig-test-bars" in md
    assert "Three bars, the last tallest" in md.replace("\\", "")
    image = (tmp_path / "_charts" / "fig-test-bars.pdf").read_bytes()
    assert image.startswith(b"%PDF") and not re.search(rb"/Subtype\s*/Image", image)  # drawn, not a raster


def test_a_table_becomes_a_list_table_with_its_caption_name_and_every_row():
    html = ('<table class="thesis-table" id="tab-demo"><caption>Demo [1] *table*</caption>'
            '<thead><tr><th>Year</th><th>Value</th></tr></thead><tbody>'
            '<tr><td>2020</td><td>1.5</td></tr><tr><td>2021</td><td><a href="https://e.org/x">link</a></td></tr>'
            '</tbody></table><div class="thesis-table-footer"><figcaption>'
            '<p class="thesis-note"><strong>Note:</strong> one.</p></figcaption></div>')
    nb = printcopy.print_copy(notebook(display({"text/html": html, "text/plain": "t"})), Path("/nonexistent"), "/_charts")
    md = nb["cells"][0]["outputs"][0]["data"]["text/markdown"]
    assert md.startswith("::::{list-table} Demo \\[1\\] \\*table\\*")
    assert ":name: tab-demo" in md and ":header-rows: 1" in md
    assert md.count("\n* - ") == 3  # header and two rows
    assert "[link](<https://e.org/x>)" in md and "Note" in md


def test_a_browser_only_script_output_is_left_out_of_the_print_copy():
    nb = printcopy.print_copy(notebook(display({"text/html": '<script type="application/json" id="x">{}</script>',
                                          "text/plain": "<IPython>"})), Path("/nonexistent"), "/_charts")
    assert nb["cells"][0]["outputs"] == []


def test_narrow_columns_stay_narrow_and_sentences_get_room():
    rows = [["Claim", "Why"], ["C01", "A long sentence " * 12], ["C02", "Another long explanation " * 10]]
    narrow, wide = printcopy.column_weights(rows)
    assert wide > 3 * narrow
    assert narrow >= len("Claim") + 1


def test_missing_tex_names_the_debian_packages_to_install(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda cmd: None)
    monkeypatch.setattr(pdf, "_font_families", lambda: set())
    with pytest.raises(pdf.PdfError) as err:
        pdf.check_tools()
    message = str(err.value)
    for package in ("texlive-xetex", "latexmk", "fonts-noto-cjk", "texlive-lang-cjk", "fonts-freefont-otf"):
        assert package in message
    assert "apt-get install" in message


def test_site_only_pages_are_left_out_of_the_pdf_and_its_contents(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    (tmp_path / "book" / "list.md").write_text("# List\n\n```{figure-list}\n```\n", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/a\nparts:\n- caption: P\n  chapters:\n"
                                       "  - file: book/list\n", encoding="utf-8")
    assert pdf.drop_html_only_pages(tmp_path) == ["book/list"]
    assert "book/list" not in (tmp_path / "_toc.yml").read_text(encoding="utf-8")
    assert not (tmp_path / "book" / "list.md").exists() and (tmp_path / "book" / "a.md").exists()


# --- the PDF of the whole book ------------------------------------------------------------------

def _need(strict_names: list[str]) -> None:
    missing = [n for n in strict_names if not shutil.which(n)]
    tex = pdf.missing_packages()
    if missing or tex:
        msg = f"the PDF tests need poppler-utils and TeX Live (.ci/run installs them): {missing} {sorted(tex)}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def site(request) -> Path:
    """The session's build of the site, or THESIS_SITE_DIR (with THESIS_PDF_FILE: a PDF made from it)."""
    if os.environ.get("THESIS_SITE_DIR"):
        return Path(os.environ["THESIS_SITE_DIR"])
    return request.getfixturevalue("book").site()


@background("book_pdf", early=True)
def _book_pdf(book) -> Path:
    """The PDF of the session's build (started in the background once its notebooks ran: conftest.py)."""
    return pdf.build_pdf(book.build_dir, book.data, root=book.root, execute=False, say=lambda *_: None)


@pytest.fixture(scope="module")
def book_pdf(request, site) -> Path:
    _need(list(POPPLER))
    if os.environ.get("THESIS_PDF_FILE"):
        return Path(os.environ["THESIS_PDF_FILE"])
    return result_of("book_pdf", request.getfixturevalue("book"))


@pytest.fixture(scope="module")
def pages(book_pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(book_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _site_pages(site: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images"}
    return [p for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts)]


def _left_out(root: Path) -> set[str]:
    return {p.relative_to(root).with_suffix(".html").as_posix() for p in (root / "book").rglob("*.md")
            if pdf.HTML_ONLY.search(p.read_text(encoding="utf-8"))}


def _numbered(pages: list[str], label: str) -> set[int]:
    return {int(n) for page in pages for n in re.findall(rf"^\s*{label} (\d+):", page, re.M)}


def test_the_pdf_has_every_chart_of_the_site_as_a_numbered_figure(site, pages):
    on_site = sum(p.read_text(encoding="utf-8").count('<figure class="thesis-chart"') for p in _site_pages(site))
    figures = _numbered(pages, r"Fig\.")
    assert on_site > 0
    assert figures == set(range(1, on_site + 1)), f"{len(figures)} figures in the PDF, {on_site} charts on the site"


def test_the_pdf_has_every_table_of_the_site_as_a_numbered_table(site, pages):
    left_out = _left_out(ROOT)
    on_site = sum(p.read_text(encoding="utf-8").count('<table class="thesis-table"') for p in _site_pages(site)
                  if p.relative_to(site).as_posix() not in left_out)
    tables = _numbered(pages, "Table")
    assert tables == set(range(1, on_site + 1)), f"{len(tables)} tables in the PDF, {on_site} on the site"


def test_every_font_is_embedded_and_the_chinese_text_has_a_cjk_font(book_pdf):
    out = subprocess.run(["pdffonts", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    not_embedded = [r[0] for r in rows if r[-5] != "yes"]  # columns: ... emb sub uni object ID
    assert not not_embedded, f"fonts not embedded: {not_embedded}"
    assert any("CJK" in r[0] for r in rows), "no CJK font: the Chinese pages would print as boxes"


def test_charts_are_vectors_not_pictures(book_pdf):
    out = subprocess.run(["pdfimages", "-list", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    images = [line for line in out.splitlines()[2:] if line.strip()]
    assert images == [], f"{len(images)} raster images in the PDF"


def test_title_page_contents_and_lists_of_figures_and_tables(pages):
    assert f"Version {version()}" in pages[0]
    front = "\n".join(pages[:8]).upper()
    for heading in ("CONTENTS", "LIST OF FIGURES", "LIST OF TABLES"):
        assert heading in front, heading


def test_chinese_text_survives_into_the_pdf(pages):
    source = (ROOT / "book" / "intro-zh.md").read_text(encoding="utf-8")
    phrase = re.search(r"[\u4e00-\u9fff]{4,}", source).group(0)
    assert any(phrase in page for page in pages), phrase


def test_each_entry_of_the_list_of_figures_links_to_its_figure_on_the_printed_page(book_pdf, pages):
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(book_pdf)], capture_output=True,
                         text=True, check=True).stdout
    chunks = re.split(r'<page number="\d+"', xml)[1:]
    first = next(i for i, c in enumerate(chunks) if "LIST OF FIGURES" in c)
    last = next(i for i, c in enumerate(chunks) if "LIST OF TABLES" in c)
    entries, current = [], None
    for token in re.findall(r"<text [^>]*>(.*?)</text>", "".join(chunks[first:last])):
        start = re.fullmatch(r'<a href="[^"#]*#(\d+)">(\d+)</a>', token)
        if start:  # an entry begins with its number, linked to a page
            current = (int(start.group(1)), int(start.group(2)))
        elif current and (end := re.fullmatch(r"[. ]*?(\d+)", token)):  # and ends with the printed page number
            entries.append((*current, end.group(1)))
            current = None
    linked = {n for target, n, printed in entries
              if re.search(rf"^\s*Fig\. {n}:", pages[target - 1], re.M)  # the link leads to the figure
              and re.search(rf"(^|\s){printed}(\s|$)", pages[target - 1])}  # which is on the page it says
    figures = _numbered(pages, r"Fig\.")
    assert figures and linked >= figures, f"entries that do not lead to their figure: {sorted(figures - linked)}"
