"""Citations: one version, one title, two licences stated alike; numbers by chapter; four lines under
every figure and table; every BibTeX entry the book prints parses; downloads that work offline."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
import pytest
import yaml

from analysis import cite, datasets, sitecite
from analysis.common import render, style, tables
from conftest import DATA, ROOT

SCHEMA = ROOT / "tests" / "schemas" / "cff-1.2.0.json"  # CFF 1.2.0 (citation-file-format, CC BY 4.0)
ITEM = re.compile(r'<figure class="thesis-chart" id="(fig-[\w-]+)">.*?</figure>'
                  r'|<table class="thesis-table" id="(tab-[\w-]+)">.*?</table><div class="thesis-table-footer">'
                  r'(.*?)(?=<table class="thesis-table"|<figure class="thesis-chart"|</section>|\Z)', re.S)
BIB = re.compile(r'<pre id="cite-bib-[\w-]+">(.*?)</pre>', re.S)


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "book").rglob("*.html"))


@pytest.fixture(scope="module")
def site(book) -> Path:
    return book.site()


@pytest.fixture(scope="module")
def items(site) -> list[tuple[Path, str, str]]:
    """(page, anchor, markup of the item with its footer) for every named figure and table of the site."""
    found = []
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        for m in ITEM.finditer(text):
            found.append((page, m.group(1) or m.group(2), m.group(0)))
    return found


# --- one source of truth --------------------------------------------------------------------------

def test_citation_file_is_valid_cff_1_2_0():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_cffconvert_validates_the_citation_file():
    exe = ROOT / ".venv-tools" / "bin" / "cffconvert"  # made by `make test` (tests/tools/cffconvert.txt)
    exe = str(exe) if exe.exists() else shutil.which("cffconvert")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("CI must install cffconvert (make test does, into .venv-tools)")
        pytest.skip("cffconvert is not installed (make test installs it into .venv-tools)")
    proc = subprocess.run([exe, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_one_title_in_citation_file_config_and_first_page():
    title = cite.cff()["title"]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    heading = next(ln[2:].strip() for ln in (ROOT / "book" / "intro.md").read_text(encoding="utf-8").splitlines()
                   if ln.startswith("# "))
    assert config["title"] == title
    assert heading == title


def test_licences_are_code_mit_and_text_and_data_cc_by_everywhere(site):
    meta = cite.book()
    assert set(meta.licences) == {"MIT", "CC-BY-4.0"}
    statement = cite.licence_statement(meta)
    assert "Code: MIT" in statement and "Text and data: CC BY 4.0" in statement
    package = datasets.package(DATA).descriptor
    assert any(lic["name"] == "CC-BY-4.0" for lic in package["licenses"])
    for page in [site / "book" / "intro.html", site / "book" / "about" / "cite.html"]:
        assert statement in _text(page.read_text(encoding="utf-8")), page


def test_version_agrees_in_citation_file_site_footer_and_how_to_cite(site):
    version = str(cite.cff()["version"])
    footer_versions = set()
    for page in _pages(site):
        footer_versions |= set(re.findall(r'class="thesis-footer-version">Version ([^ ]+) ',
                                          page.read_text(encoding="utf-8")))
    assert footer_versions == {version}
    how = (site / "book" / "about" / "cite.html").read_text(encoding="utf-8")
    assert re.search(r"This is version <strong>([^<]+)</strong>", how).group(1) == version
    assert f"(Version {version})" in _text(how)


def test_the_installed_package_reports_the_citation_files_version():
    from importlib.metadata import version as installed

    import analysis

    assert analysis.__version__ == str(cite.cff()["version"]) == installed("thesis-companion-analysis")


# --- numbers ----------------------------------------------------------------------------------------

def _item(kind, anchor, page):
    return cite.Item(kind, anchor, anchor, page)


def test_numbers_count_by_chapter_so_an_added_figure_never_renumbers_another_chapter():
    parts = [cite.Part("Chapter 1. A", "1", ["p1", "p2"]), cite.Part("Chapter 2. B", "2", ["p3"])]
    before = {"p1": [_item("figure", "fig-a", "p1"), _item("table", "tab-a", "p1")],
              "p2": [_item("figure", "fig-b", "p2")], "p3": [_item("figure", "fig-c", "p3")]}
    after = {**before, "p1": [_item("figure", "fig-new", "p1")] + before["p1"]}
    first = {i.anchor: i.number for i in cite.numbering(before, parts)}
    second = {i.anchor: i.number for i in cite.numbering(after, parts)}
    assert first == {"fig-a": "Figure 1.1", "tab-a": "Table 1.1", "fig-b": "Figure 1.2", "fig-c": "Figure 2.1"}
    assert second["fig-c"] == first["fig-c"] and second["tab-a"] == first["tab-a"]
    assert second["fig-a"] == "Figure 1.2"


def test_chapter_labels_come_from_the_table_of_contents():
    labels = {p.caption: p.label for p in cite.parts(ROOT)}
    chapters = [c for c in labels if c.startswith("Chapter ")]
    assert chapters and all(labels[c] == c.split()[1].rstrip(".") for c in chapters)
    assert cite.chapter_label("Conclusion") == "C" and cite.chapter_label("About this book") == "A"


def test_every_named_item_has_one_number_and_numbers_run_without_gaps(site, items):
    numbers = [re.search(r'class="thesis-label">(?:<strong>)?((?:Figure|Table) [\w]+\.\d+)', m).group(1)
               for _, _, m in items]
    assert len(numbers) == len(set(numbers)) == len(items)
    by_group: dict[str, list[int]] = {}
    for number in numbers:
        head, _, n = number.rpartition(".")
        by_group.setdefault(head, []).append(int(n))
    assert all(sorted(ns) == list(range(1, len(ns) + 1)) for ns in by_group.values()), by_group


# --- four lines under every figure and table ---------------------------------------------------------

def test_every_figure_and_table_has_source_data_code_and_citation_lines(items):
    assert len(items) > 50
    for page, anchor, markup in items:
        for line in ("Source:", "Data:", "Code:", "Cite this "):
            assert line in markup, f"{page.name}#{anchor}: no {line!r} line"
        kind = "Figure" if anchor.startswith("fig-") else "Table"
        apa = _text(re.search(r'<span class="thesis-cite-apa"[^>]*>(.*?)</span></p>', markup, re.S).group(1))
        number = re.search(rf"{kind} [\w]+\.\d+", markup).group(0)
        assert f"{number}." in apa and f"(Version {cite.cff()['version']})" in apa
        assert f"#{anchor}" in apa and "Retrieved " in apa


def test_download_code_and_notebook_links_lead_to_real_files(site, items):
    for page, anchor, markup in items:
        hrefs = {cls: href for href, cls in re.findall(r'<a href="([^"]+)" class="(thesis-[\w-]+)"', markup)}
        assert (page.parent / hrefs["thesis-download"]).resolve() == (site / "_downloads" / f"{anchor}.zip").resolve()
        notebook = page.parent / hrefs["thesis-notebook"]
        assert json.loads(notebook.read_text(encoding="utf-8"))["cells"], notebook
        if "thesis-code-link" in hrefs:
            target, _, func = hrefs["thesis-code-link"].partition("#")
            assert f'<span id="{func}">' in (page.parent / target).read_text(encoding="utf-8")


def test_each_item_archive_holds_exactly_its_rows_with_metadata_and_both_citations(site, items):
    for _, anchor, _ in items:
        with zipfile.ZipFile(site / "_downloads" / f"{anchor}.zip") as archive:
            meta = json.loads(archive.read(f"{anchor}.json"))
            rows = [list(csv.DictReader(io.StringIO(archive.read(n).decode("utf-8")))) for n in meta["files"]]
        assert meta["rows"] == sum(map(len, rows)) and meta["anchor"] == anchor
        assert meta["licence"] == cite.licence_statement(cite.book())
        assert meta["datasets"] and all(d["version"] for d in meta["datasets"])
        cite.parse_bibtex(meta["citation"]["bibtex"])
        assert meta["number"] in meta["citation"]["apa"]
        drawn = {r["source_id"] for table in rows for r in table if r.get("source_id")}
        listed = {s["source_id"] for s in meta["sources"]}
        assert drawn <= listed, anchor  # every row's source is named
        if not anchor.startswith("fig-"):
            continue  # a claims table cites the checks behind its claims, which its datasets list does not name
        # a chart names no source beyond the datasets it uses (which rows: tests/test_<theme>_figures.py)
        frames = [datasets.load(d["name"], DATA) for d in meta["datasets"]]
        used = {s for f in frames if "source_id" in f for s in f.source_id.dropna()}
        assert listed <= used, anchor


def test_whole_data_package_and_notebooks_are_offered_offline(site):
    package = datasets.package(DATA).descriptor
    with zipfile.ZipFile(site / "_downloads" / f"{package['name']}-{package['version']}.zip") as archive:
        names = set(archive.namelist())
    assert "datapackage.json" in names and {r["path"] for r in package["resources"]} <= names
    how = (site / "book" / "about" / "cite.html").read_text(encoding="utf-8")
    assert f'_downloads/{package["name"]}-{package["version"]}.zip"' in how


# --- BibTeX -----------------------------------------------------------------------------------------

def test_every_bibtex_entry_the_book_prints_parses_with_pybtex(site):
    entries = 0
    for page in _pages(site):
        for block in BIB.findall(page.read_text(encoding="utf-8")):
            parsed = cite.parse_bibtex(_text(block))
            assert len(parsed.entries) == 1, page
            entry = next(iter(parsed.entries.values()))
            assert entry.fields["title"] and entry.fields["year"] and entry.persons["author"], page
            entries += 1
    assert entries > 50
    assert len(cite.parse_bibtex((ROOT / "references.bib").read_text(encoding="utf-8")).entries) >= 20


def test_bibtex_escapes_what_bibtex_reads_as_markup():
    meta = cite.book(url="https://example.org/book/")
    item = cite.Item("figure", "fig-x", "Growth of 25% & more in {braces} for #1_a", "book/p", "Figure 1.1")
    entry = cite.parse_bibtex(cite.item_citation(meta, item, "book/p.html", dt.date(2026, 1, 2)).bibtex)
    fields = next(iter(entry.entries.values())).fields
    assert r"25\% \& more in \{braces\} for \#1\_a" in fields["title"]
    assert fields["url"] == "https://example.org/book/book/p.html#fig-x" and fields["urldate"] == "2026-01-02"


def test_copy_buttons_are_real_buttons_hidden_until_scripts_run_and_the_text_is_there_without(site, items):
    page, anchor, markup = items[0]
    row = re.search(r'<p class="thesis-copy-row" hidden>(.*?)</p>', markup, re.S).group(1)
    assert re.findall(r'<button type="button" class="thesis-copy" data-copy="([\w-]+)">Copy [\w]+</button>', row)
    assert f'id="cite-bib-{anchor}"' in markup and f'id="cite-apa-{anchor}"' in markup
    assert "cite.js" in page.read_text(encoding="utf-8")


def test_one_bibliography_page_with_list_item_roles(site):
    lists = [p for p in _pages(site) if 'class="citation-list"' in p.read_text(encoding="utf-8")]
    assert [p.relative_to(site).as_posix() for p in lists] == ["book/about/bibliography.html"]
    text = lists[0].read_text(encoding="utf-8")
    assert 'role="doc-biblioentry"' not in text and 'role="listitem"' in text


# --- sources of the rows drawn, notes, disagreements --------------------------------------------------

def test_a_chart_of_some_rows_cites_only_the_sources_of_those_rows():
    census = datasets.load("istat_census_size", DATA)
    one = census.source_id.iloc[0]
    drawn = datasets.subset(census, census.source_id == one)
    assert census.source_id.nunique() > 1
    chart = alt.Chart(drawn).mark_point().encode(x="value:Q")  # finish is given the rows the chart uses
    spec = style.finish(chart, name="test-subset", title="t", alt_text="a", data=drawn).to_dict()
    payload = render.render(spec)[render.ITEM_MIME]
    assert [s["id"] for s in payload["provenance"]["sources"]] == [one]


def test_a_note_citing_a_source_id_becomes_a_link_but_not_inside_a_chart_spec():
    registry = datasets.sources(DATA)
    sid, rec = next((k, v) for k, v in registry.items() if v.get("url"))
    body = f'<p>See [source: {sid}].</p><script type="application/json">{{"n": "[source: {sid}]"}}</script>'
    out = sitecite.link_sources(body, registry)
    assert f'href="{html.escape(rec["url"])}"' in out.split("<script")[0]
    assert f'"[source: {sid}]"' in out.split("<script")[1]


def test_no_page_leaves_a_bare_source_id_in_its_text(site):
    for page in _pages(site):
        text = sitecite.NO_TOUCH.sub("", page.read_text(encoding="utf-8"))
        assert not sitecite.SOURCE_REF.search(text), page


def test_a_table_shows_the_other_value_and_its_source_where_a_row_records_a_disagreement():
    frame = None
    for name in ("allianz_italy", "italy_china_trade_istat", "alibaba_segment_revenue", "allianz_global"):
        data = datasets.load(name, DATA)
        if "alt_value" in data and data.alt_value.notna().any():
            frame = datasets.subset(data, data.alt_value.notna())
            break
    assert frame is not None, "no dataset records a disagreement"
    registry = datasets.sources(DATA)
    table = tables.table(frame.head(1), [tables.Column("value", "Value", "{:,.1f}")], "Caption", name="test-alt")
    row = table.html.split("<tbody>")[1]
    assert "Another source gives" in table.html
    assert f"{frame.alt_value.iloc[0]:,.1f}" in row
    assert html.escape(registry[frame.alt_source_id.iloc[0]]["publisher"]) in row


def test_table_payload_carries_exactly_its_rows_and_the_function_that_made_it():
    census = datasets.load("istat_census_size", DATA).head(3)
    table = tables.table(census, [tables.Column("value", "Value", "{:,.1f}")], "Caption", name="test-rows")
    payload = table._repr_mimebundle_()[render.ITEM_MIME]
    assert len(payload["tables"][0]["rows"]) == 3 and payload["anchor"] == "tab-test-rows"
    assert payload["code"].endswith("test_table_payload_carries_exactly_its_rows_and_the_function_that_made_it")
    assert pd.DataFrame(payload["tables"][0]["rows"]).source_id.tolist() == census.source_id.tolist()


def test_a_table_whose_html_is_marked_keeps_its_rows():
    import dataclasses

    census = datasets.load("istat_census_size", DATA).head(2)
    table = tables.table(census, [tables.Column("value", "Value", "{:,.1f}")], "Caption", name="test-remade")
    again = dataclasses.replace(table, html=table.html.replace("Caption", "Caption, marked"))
    assert again._repr_mimebundle_()[render.ITEM_MIME]["anchor"] == "tab-test-remade"
    assert len(again._repr_mimebundle_()[render.ITEM_MIME]["tables"][0]["rows"]) == 2


def test_a_claims_table_with_chinese_marks_keeps_its_rows():
    from analysis import claims_tables

    claims = datasets.load("thesis_claims", DATA)
    table = claims_tables.claims_table(claims, language="zh")
    payload = table._repr_mimebundle_()[render.ITEM_MIME]
    assert 'lang="zh-Hans"' in table.html
    assert len(payload["tables"][0]["rows"]) == int((claims.language == "zh").sum())
