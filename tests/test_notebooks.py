"""Every notebook in _toc.yml executes from top to bottom under papermill.

The list comes from the table of contents, so a new page is covered without editing this file.
"""

import nbformat
import papermill
import pytest

from analysis import execution
from conftest import ROOT

NOTEBOOKS = execution.notebooks(ROOT)


def test_the_book_has_notebooks():
    assert NOTEBOOKS, "no executable page found in _toc.yml"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[execution.page_id(nb) for nb in NOTEBOOKS])
def test_notebook_executes(notebook, tmp_path):
    src = tmp_path / "in.ipynb"
    nbformat.write(execution.read_notebook(notebook), src)
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(src), str(out), cwd=str(notebook.parent), kernel_name="python3",
                               progress_bar=False)
    done = nbformat.read(out, as_version=4)
    errors = [o for c in done.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    charts = [o for c in done.cells if c.cell_type == "code" for o in c.outputs
              if "thesis-chart" in o.get("data", {}).get("text/html", "")]
    for output in charts:  # every chart carries alt text and a static image
        assert "aria-label=" in output["data"]["text/html"] and "image/png" in output["data"]
