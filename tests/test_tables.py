"""Tables for people: units in headers, separators, gaps said out loud, one-click sources."""

import pandas as pd

from analysis import datasets, tables
from conftest import DATA


def test_table_formats_numbers_marks_status_and_links_source():
    census = datasets.load("istat_census_size", DATA)
    rows = census[census.measure.isin(["firms", "share_of_value_added"])]
    out = tables.table(rows, [tables.Column("size_class", "Size class"),
                              tables.Column("value", "Firms (number)", "{:,.0f}")], caption="Firms")
    html = out._repr_html_()
    assert "821,000" in html and "<em>not available</em>" in html
    assert "as quoted by the thesis" not in html and "derived" in html
    assert 'href="https://www.istat.it/it/archivio/238337"' in html
    assert "<caption>Firms</caption>" in html and "Firms (number)" in html


def test_plain_table_links_a_column():
    frame = pd.DataFrame({"name": ["a"], "href": ["x.csv"], "n": [12345]})
    html = tables.plain(frame, [tables.Column("name", "Name"), tables.Column("n", "N", "{:,}")], "c",
                        links={"name": "href"})._repr_html_()
    assert '<a href="x.csv"' in html and "12,345" in html


def test_prose_numbers_become_plain_python():
    import numpy as np

    from analysis import prose

    assert type(prose.plain(np.float64(1.5))) is float and type(prose.plain(np.int64(3))) is int
    assert prose.plain("text") == "text" and prose.plain(True) is True
