"""Tables for people: units in headers, separators, gaps said out loud, one-click sources, anchors."""

import numpy as np
import pandas as pd

from analysis import datasets
from analysis.common import tables
from conftest import DATA


def _like_census(rows: list[dict]) -> pd.DataFrame:
    """A synthetic frame with the real census's columns and metadata (so it can be cited)."""
    census = datasets.load("istat_census_size", DATA)
    frame = pd.DataFrame(rows, columns=list(census.columns))
    frame.attrs = dict(census.attrs)
    return frame


def test_table_formats_numbers_says_gaps_marks_status_and_links_source():
    source = datasets.load("istat_census_size", DATA).source_id.iloc[0]
    url = datasets.sources(DATA)[source]["url"]
    frame = _like_census([
        {"size_class": "a", "value": 1234567.0, "status": "verified_primary", "source_id": source},
        {"size_class": "b", "value": np.nan, "status": "not_found", "source_id": source},
    ])
    html = tables.table(frame, [tables.Column("size_class", "Size class"),
                                tables.Column("value", "Firms (number)", "{:,.0f}")], caption="Firms",
                        name="test-firms")._repr_html_()
    assert "1,234,567" in html and "<em>not available</em>" in html
    assert html.count(f'href="{url}"') >= 2
    assert datasets.STATUS_LABELS["verified_primary"] in html and datasets.STATUS_LABELS["not_found"] in html
    assert '<table class="thesis-table" id="tab-test-firms"><caption>Firms</caption>' in html
    assert "Firms (number)" in html


def test_a_table_without_a_name_has_no_anchor():
    frame = _like_census([{"size_class": "a", "value": 1.0, "status": "derived", "source_id": "thesis"}])
    html = tables.table(frame, [tables.Column("size_class", "Size class")], caption="c")._repr_html_()
    assert '<table class="thesis-table"><caption>' in html


def test_plain_table_links_a_column():
    frame = pd.DataFrame({"name": ["a"], "href": ["x.csv"], "n": [12345]})
    html = tables.plain(frame, [tables.Column("name", "Name"), tables.Column("n", "N", "{:,}")], "c",
                        links={"name": "href"})._repr_html_()
    assert '<a href="x.csv"' in html and "12,345" in html

