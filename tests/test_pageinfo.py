"""Reader-facing build reports: the data box, the execution statistics and the list of figures."""

import datetime as dt
import json

import altair as alt

from analysis import cite, datasets, execution, pageinfo
from analysis.common import editions, render, style, tables
from conftest import DATA, ROOT


def _notebook_with_chart_and_tables():
    census = datasets.load("istat_census_size", DATA)
    chart = style.finish(alt.Chart(census).mark_bar().encode(x="value:Q"), name="firms-test-bars",
                         title="A finding about firms", alt_text="Bars.", data=census)
    chart_bundle = render.render(chart.to_dict())
    named_table = tables.table(census.head(2), [tables.Column("size_class", "Size class")], caption="Census & rows",
                               name="firms-census-rows")
    named = named_table._repr_html_()
    unnamed = ('<table class="thesis-table"><caption>EU definition</caption></table>'
               '<p class="thesis-data">Data: x (dataset <code>eu_sme_definition</code>, version 1)</p>')
    return {"cells": [{"cell_type": "code", "outputs": [{"data": chart_bundle}]},
                      {"cell_type": "code", "outputs": [{"data": named_table._repr_mimebundle_()},
                                                        {"data": {"text/html": unnamed}}]}]}


def test_figures_and_tables_are_found_with_their_anchor_title_and_datasets():
    found = pageinfo.figures_of(_notebook_with_chart_and_tables())
    assert [(f["kind"], f["id"]) for f in found] == [("figure", "fig-firms-test-bars"),
                                                     ("table", "tab-firms-census-rows"), ("table", "")]
    assert found[0]["title"] == "A finding about firms" and found[0]["datasets"] == ["istat_census_size"]
    assert found[1]["title"] == "Census & rows" and found[1]["datasets"] == ["istat_census_size"]
    assert found[2]["datasets"] == ["eu_sme_definition"]


def test_figure_list_numbers_and_links_every_figure_and_table(tmp_path):
    nb = execution.notebooks(ROOT)[0]
    page = execution.page_id(nb)
    path = execution.executed_path(tmp_path, page)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(_notebook_with_chart_and_tables()))
    html = pageinfo.figure_list(tmp_path, lambda p: p + ".html", "data/", data_dir=DATA)
    numbers = {i.anchor: i.number for i in cite.read_items(tmp_path, ROOT)}
    assert set(numbers) == {"fig-firms-test-bars", "tab-firms-census-rows"}
    for number in numbers.values():  # the list prints the numbers the pages print
        assert f"<td>{number}</td>" in html
    assert f'href="{page}.html#fig-firms-test-bars"' in html and f'href="{page}.html#tab-firms-census-rows"' in html
    assert f'href="{page}.html"' in html  # the table with no name links to its page
    assert 'href="data/istat_census_size.csv"' in html


def test_page_box_lists_datasets_with_version():
    rec = execution.Record(page="p", executed_at="2026-01-01T00:00:00+00:00", seconds=1.5,
                           inputs={f"{DATA / 'datapackage.json'}#istat_census_size": "x"})
    version = datasets.package(DATA).resource("istat_census_size")["version"]
    box = pageinfo.page_box(rec, "../_static/data/")
    assert 'href="../_static/data/istat_census_size.csv"' in box and f"version {version}" in box and "1.5 s" in box


def _item(box: str, path: str) -> str:
    return next(li for li in box.split("<li>") if f">{path}</a>" in li)


def test_page_box_says_when_each_datasets_next_edition_is_expected():
    inputs = {f"{DATA / 'datapackage.json'}#{name}": "x" for name in ("istat_census_size", "eu_sme_definition")}
    rec = execution.Record(page="p", executed_at="2026-01-01T00:00:00+00:00", seconds=1.0, inputs=inputs)
    due = editions.next_expected(datasets.load("istat_census_size", DATA))
    ahead = pageinfo.page_box(rec, "d/", as_of=due - dt.timedelta(days=1))
    assert f"next edition expected {due.isoformat()}" in _item(ahead, "istat_census_size.csv")
    late = pageinfo.page_box(rec, "d/", as_of=due)
    assert f"next edition due since {due.isoformat()}" in _item(late, "istat_census_size.csv")
    # a dataset with no edition cycle (a legal definition) says nothing about a next edition
    assert "next edition" not in _item(late, "eu_sme_definition.csv")


def test_a_page_that_read_no_dataset_has_no_box():
    assert pageinfo.page_box(execution.Record(page="p", inputs={"/x/sources.csv": "h"}), "d/") == ""


def test_statistics_table_has_a_row_per_record_and_sums_their_times():
    recs = [execution.Record(page="a", status="ok", seconds=2.0, environment={"python": "3.11"}),
            execution.Record(page="b", status="failed", seconds=1.5)]
    html = pageinfo.statistics_table(recs, lambda p: p)
    assert html.count("<tr>") == 3 and "failed" in html and "3.5 s over 2 notebooks" in html
