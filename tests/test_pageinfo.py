"""Reader-facing build reports: the data box, the execution statistics and the list of figures."""

import json

import altair as alt

from analysis import charts, datasets, execution, offline, pageinfo
from conftest import DATA, ROOT


def _notebook_with_chart_and_table():
    census = datasets.load("istat_census_size", DATA)
    chart = charts.finish(alt.Chart(census).mark_bar().encode(x="value:Q"), title="A finding about firms",
                          alt_text="Bars.", data=census)
    html = offline.render(chart.to_dict())["text/html"]
    table = ('<table class="thesis-table"><caption>Table 1. EU &amp; definition</caption></table>'
             '<p class="thesis-data">Data: x (dataset <code>eu_sme_definition</code>, version 1)</p>')
    return {"cells": [{"cell_type": "code", "outputs": [{"data": {"text/html": html}}]},
                      {"cell_type": "code", "outputs": [{"data": {"text/html": [table]}}]}]}


def test_figures_are_found_with_title_id_and_datasets():
    found = pageinfo.figures_of(_notebook_with_chart_and_table())
    assert [f["kind"] for f in found] == ["figure", "table"]
    assert found[0]["title"] == "A finding about firms" and found[0]["id"].startswith("chart-")
    assert found[0]["datasets"] == ["istat_census_size"]
    assert found[1]["title"] == "Table 1. EU & definition" and found[1]["datasets"] == ["eu_sme_definition"]


def test_figure_list_numbers_and_links_every_figure(tmp_path):
    nb = execution.notebooks(ROOT)[0]
    path = execution.executed_path(tmp_path, execution.page_id(nb))
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(_notebook_with_chart_and_table()))
    html = pageinfo.figure_list(tmp_path, lambda p: p + ".html", "data/")
    assert "Figure 1" in html and "Table 1" in html and "1 figures and 1 tables" in html
    assert f'href="{execution.page_id(nb)}.html#chart-' in html
    assert 'href="data/istat_census_size.csv"' in html


def test_page_box_lists_datasets_with_version(tmp_path):
    rec = execution.Record(page="p", executed_at="2026-01-01T00:00:00+00:00", seconds=1.5,
                           inputs={f"{DATA / 'datapackage.json'}#istat_census_size": "x"})
    box = pageinfo.page_box(rec, "../_static/data/")
    assert "istat_census_size.csv" in box and "version 1.0.0" in box and "1.5 s" in box


def test_statistics_table_has_a_row_per_record():
    recs = [execution.Record(page="a", status="ok", seconds=2.0, environment={"python": "3.11"}),
            execution.Record(page="b", status="failed", seconds=1.0)]
    html = pageinfo.statistics_table(recs, lambda p: p)
    assert html.count("<tr>") == 3 and "failed" in html and "3.0 s over 2 notebooks" in html
