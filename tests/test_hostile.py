"""Hostile and careless input: each case is refused by the CLI with one line naming file, row and
column and a non-zero exit; what spreadsheets write is accepted as it is; markup from a CSV is text.

Each case breaks a private copy of the data package (``data_copy``); ``data/`` is never touched.
"""

import re
import shutil
import subprocess
import sys

import pytest

from analysis import datasets, validate
from analysis.common import render, style, tables
from conftest import DATA, ROOT, rewrite, set_value

CENSUS = "istat_census_size.csv"
ROW5 = "2018,3-9,firms,821000,firms,"  # the census row of micro firms (row 5 of the file)


def _non_numeric(d):
    rewrite(d / CENSUS, ROW5, "2018,3-9,firms,lots,firms,")
    return CENSUS, 5, "value"


def _renamed_column(d):
    rewrite(d / CENSUS, "year,size_class,measure,value", "year,size_class,measure,amount")
    return CENSUS, 1, "value"


def _duplicate_key(d):
    line = next(ln for ln in (d / CENSUS).read_text(encoding="utf-8").splitlines() if ln.startswith(ROW5))
    rewrite(d / CENSUS, line, line + "\n" + line)
    return CENSUS, 6, "year"


def _shares_off(d):
    set_value(d / CENSUS, 97.5, year=2018, size_class="3-9", measure="share_of_firms")
    return CENSUS, None, "value"


def _negative_count(d):
    rewrite(d / CENSUS, ROW5, "2018,3-9,firms,-821000,firms,")
    return CENSUS, 5, "value"


def _wrong_unit(d):
    rewrite(d / CENSUS, ROW5, "2018,3-9,firms,821000,companies,")
    return CENSUS, 5, "unit"


def _decimal_comma(d):
    rewrite(d / CENSUS, ",79.5,%,", ',"79,5",%,')
    return CENSUS, None, "value"


def _latin1(d):
    text = (d / CENSUS).read_text(encoding="utf-8")
    (d / CENSUS).write_bytes(text.encode("latin-1", errors="replace"))  # its Italian quotes have accents
    return CENSUS, None, None


def _empty(d):
    (d / CENSUS).write_text("", encoding="utf-8")
    return CENSUS, 1, None


def _undescribed(d):
    shutil.copy(d / CENSUS, d / "census_copy.csv")
    return "census_copy.csv", None, None


def _unknown_source(d):
    rewrite(d / CENSUS, ROW5 + "verified_primary,istat_census_2019_pr,", ROW5 + "verified_primary,no_such_source,")
    return CENSUS, 5, "source_id"


CASES = [_non_numeric, _renamed_column, _duplicate_key, _shares_off, _negative_count, _wrong_unit, _decimal_comma,
         _latin1, _empty, _undescribed, _unknown_source]


@pytest.mark.parametrize("breaks", CASES, ids=[c.__name__.strip("_") for c in CASES])
def test_the_cli_refuses_bad_input_naming_file_row_and_column(breaks, data_copy):
    name, row, column = breaks(data_copy)
    proc = subprocess.run([sys.executable, "-m", "analysis", "validate", "--data", str(data_copy)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if name in ln]
    assert lines, proc.stderr
    if row is not None:
        assert any(f"row {row}" in ln for ln in lines), lines
    if column is not None:
        assert any(f"column '{column}'" in ln for ln in lines), lines


def test_a_latin1_file_is_refused_at_its_first_non_utf8_row(data_copy):
    _latin1(data_copy)
    raw = (data_copy / CENSUS).read_bytes()
    first = next(i for i, line in enumerate(raw.splitlines(), start=1) if any(b > 127 for b in line))
    problems = [p for p in validate.problems(data_copy) if CENSUS in p]
    assert problems and f"row {first}" in problems[0] and "UTF-8" in problems[0]


def test_a_spreadsheet_bom_and_crlf_load_exactly_like_plain_utf8(data_copy):
    plain = datasets.load("istat_census_size", DATA)
    text = (data_copy / CENSUS).read_text(encoding="utf-8")
    (data_copy / CENSUS).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    excel = datasets.load("istat_census_size", data_copy)
    assert excel.equals(plain)
    assert validate.problems(data_copy) == []


HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


def test_markup_from_a_csv_shows_as_text_in_tables_figures_and_alt_text(data_copy):
    import altair as alt

    census = datasets.load("istat_census_size", data_copy)
    evil = census.head(3).assign(note=HOSTILE, quote=HOSTILE)
    table = tables.table(evil, [tables.Column("note", "Note"), tables.Column("quote", "Quote")],
                         caption=HOSTILE, note=HOSTILE, name="hostile")
    chart = style.finish(alt.Chart(evil).mark_point().encode(x="value:Q", tooltip="note:N"), name="hostile",
                         title=HOSTILE, alt_text=HOSTILE, data=evil, note=HOSTILE)
    figure = render.render(chart.to_dict())["text/html"]
    # the spec travels as JSON inside <script type="application/json">: raw text to the browser, whose
    # only way out, "</script>", is escaped; everything else on the page must carry the markup escaped
    spec = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', figure, re.S)
    assert "</script>" not in spec.group(1) and "<\\/script>" in spec.group(1)
    outside = figure.replace(spec.group(0), "")
    for markup in (table.html, outside):
        assert "<img src=x" not in markup and "<script>window" not in markup
        assert "&lt;img src=x" in markup


def test_markup_from_a_csv_does_not_run_in_the_browser(data_copy, tmp_path):
    """The same hostile text, rendered into a page and opened in Chromium: nothing runs, the text shows."""
    import altair as alt
    import json

    node, chromium = shutil.which("node"), shutil.which("chromium") or shutil.which("chromium-browser")
    playwright = ROOT / "tests" / "a11y" / "node_modules" / "playwright-core"
    if not (node and chromium and playwright.exists()):
        import os
        if os.environ.get("CI"):
            pytest.fail("CI must provide node, chromium and tests/a11y/node_modules")
        pytest.skip("needs node, chromium and `npm ci --prefix tests/a11y`")
    census = datasets.load("istat_census_size", data_copy)
    evil = census.head(3).assign(note=HOSTILE)
    table = tables.table(evil, [tables.Column("note", "Note")], caption="c", note=HOSTILE, name="hostile")
    chart = style.finish(alt.Chart(evil).mark_point().encode(x="value:Q"), name="hostile", title=HOSTILE,
                         alt_text=HOSTILE, data=evil, note=HOSTILE)
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body>" + table.html + render.render(chart.to_dict())["text/html"]
                    + "</body></html>", encoding="utf-8")
    script = tmp_path / "check.js"
    script.write_text(f"""
const {{ chromium }} = require({json.dumps(str(playwright))});
(async () => {{
  const browser = await chromium.launch({{ executablePath: {json.dumps(chromium)},
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] }});
  const page = await browser.newPage();
  await page.goto('file://{page}');
  await page.waitForTimeout(300);
  const out = await page.evaluate(() => ({{ pwned: window.pwned || 0, text: document.body.innerText }}));
  console.log(JSON.stringify(out));
  await browser.close();
}})();
""", encoding="utf-8")
    proc = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["pwned"] == 0
    assert '<img src=x onerror="window.pwned=1">' in result["text"]
