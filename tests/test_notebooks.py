"""Every notebook in _toc.yml executed without error, once, in the session's build (``book`` fixture).

The list comes from the table of contents, so a new page is covered without editing this file.
"""

import base64
import json
import re
from collections import Counter

import pytest

from analysis import execution
from conftest import ROOT

NOTEBOOKS = execution.notebooks(ROOT)
PAGES = [execution.page_id(nb, ROOT) for nb in NOTEBOOKS]


def _outputs(book, page: str) -> list[dict]:
    path = execution.executed_path(book.exec_dir, page)
    assert path.exists(), f"{page} was not executed"
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _html(output: dict) -> str:
    markup = output.get("data", {}).get("text/html", "")
    return "".join(markup) if isinstance(markup, list) else markup


def test_the_book_has_notebooks():
    assert NOTEBOOKS, "no executable page found in _toc.yml"


@pytest.mark.parametrize("page", PAGES)
def test_notebook_executes_without_error(book, page):
    rec = execution.Record.load(execution.record_path(book.exec_dir, page))
    assert rec is not None and rec.status == "ok", rec.error if rec else "no record"
    errors = [o for o in _outputs(book, page) if o["output_type"] == "error"]
    assert not errors, errors[0].get("evalue")


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_alt_text_and_a_static_image(book, page):
    for output in (o for o in _outputs(book, page) if 'class="thesis-chart"' in _html(o)):
        label = re.search(r'role="img" aria-label="([^"]*)"', _html(output))
        assert label and label.group(1).strip(), f"a chart on {page} has no alt text"
        assert base64.b64decode(output["data"]["image/png"]).startswith(b"\x89PNG"), page


def test_each_notebook_ran_exactly_once_in_this_test_session(book):
    runs = Counter(entry["page"] for entry in execution.history(book.exec_dir))
    assert runs == Counter(PAGES)


def test_figure_and_table_anchors_are_unique_in_the_book(book):
    ids = [m for page in PAGES for o in _outputs(book, page)
           for m in re.findall(r'<(?:figure|table) class="thesis-(?:chart|table)" id="([\w-]+)"', _html(o))]
    assert ids, "no figure or table has an anchor"
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert not [i for i in ids if i.startswith("chart-")], "a figure has no stable name (style.finish(name=...))"
