"""Update drills: the README's three steps, done for the next edition of each figure family.

The drills (tests/drills.py) add the next period to a copy of the data package with a new source row
and bump its versions; the ``updated`` fixture (conftest.py) then runs ``run --data`` on it. A drill
passes when the pages execute, the new value is drawn on its page, and the then-and-now figure's
"now" side holds the new period, not its "then" side. ``data/`` is never touched.
"""

import pytest

from analysis import validate
from drills import DRILLS, drawn_rows, figure_spec


def test_the_drilled_package_validates(updated):
    assert validate.problems(updated.data) == []


@pytest.mark.parametrize("index", range(len(DRILLS)), ids=[d.__name__ for d in DRILLS])
def test_the_next_edition_reaches_the_then_and_now_figure(updated, index):
    page, figure, period, new, value = updated.drills[index]
    notebook = next(updated.exec_dir.rglob(f"{page}.ipynb"))
    rows = drawn_rows(figure_spec(notebook, figure))
    periods = {str(r.get(period)) for r in rows if r.get("view", "now") == "now"}
    assert str(new) in periods, f"{figure}: {new} not among {sorted(periods)}"
    if value is not None:
        assert any(r.get("value") == value for r in rows), f"{figure}: {value} not drawn"
    then = {str(r.get(period)) for r in rows if r.get("view") == "then"}
    assert str(new) not in then


def test_data_is_untouched_by_the_drills(updated):
    before, after = updated.data_hash
    assert before == after
