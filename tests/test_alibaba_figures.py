"""Alibaba's charts and tables: structure and numbers, never a copied sentence."""

import re

import pandas as pd
import pytest

from analysis import datasets
from analysis.alibaba import fact_figures, figures, labels, models, tables
from analysis.common import editions
from conftest import DATA
from test_alibaba_data import synthetic_annual


@pytest.fixture(scope="module")
def frames():
    return {name: datasets.load(f"alibaba_{name}", DATA)
            for name in ("annual_revenue", "segment_revenue", "december_quarter", "wholesale_revenue", "com_facts")}


@pytest.fixture(scope="module")
def fitted(frames):
    annual = frames["annual_revenue"]
    trend = models.growth_trend(annual)
    return models.summary(trend, annual), models.forecast(trend, annual)


@pytest.fixture(scope="module")
def specs(frames, fitted):
    annual, seg, dq = frames["annual_revenue"], frames["segment_revenue"], frames["december_quarter"]
    ws, facts = frames["wholesale_revenue"], frames["com_facts"]
    summary, forecast = fitted
    charts = [figures.revenue(annual), figures.then_and_now(annual), figures.segments(seg),
              figures.december_quarter(dq), figures.december_shares(dq, "2020Q4"), figures.wholesale(ws, annual),
              fact_figures.fees(facts), fact_figures.status_mix(facts, ["helloita"], name="alibaba-test-status"),
              figures.growth(annual, summary), figures.forecast(annual, forecast)]
    return {c.to_dict()["usermeta"]["name"]: c.to_dict() for c in charts}


def walk(node):
    """Every dict inside a spec."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def rows(spec) -> pd.DataFrame:
    return pd.DataFrame([r for values in spec.get("datasets", {}).values() for r in values])


def title_text(spec) -> str:
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else text


def test_every_figure_has_a_stable_unique_alibaba_name(specs):
    assert len(specs) == 10, "two figures share a name"
    assert all(re.fullmatch(r"alibaba(-[a-z0-9]+)+", name) for name in specs)


@pytest.mark.parametrize("name", ["alibaba-revenue", "alibaba-then-and-now", "alibaba-segments",
                                  "alibaba-december-quarter", "alibaba-december-shares", "alibaba-wholesale",
                                  "alibaba-fees", "alibaba-test-status", "alibaba-growth", "alibaba-forecast"])
def test_every_figure_has_alt_text_a_source_and_axis_units(specs, name):
    spec = specs[name]
    assert title_text(spec) and len(spec["description"]) > 40
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"] and all(d["version"] for d in prov["datasets"])
    assert prov["sources"] and all(s["publisher"] for s in prov["sources"])
    titles = [enc["title"] for node in walk(spec) for ch, enc in node.get("encoding", {}).items()
              if ch in ("x", "y") and isinstance(enc, dict) and enc.get("type") == "quantitative" and enc.get("title")]
    assert titles, "no titled quantitative axis"
    assert all("(" in t and t.endswith(")") for t in titles), f"an axis title without its unit: {titles}"


def test_then_and_now_shows_the_newest_year_now_and_nothing_later_than_the_thesis_saw_then(specs, frames):
    annual = frames["annual_revenue"]
    data = rows(specs["alibaba-then-and-now"])
    assert data[data.view == "now"].fiscal_year.max() == annual.fiscal_year.max()
    assert data[data.view == "then"].fiscal_year.max() == editions.last_seen(annual)
    assert specs["alibaba-then-and-now"]["resolve"]["scale"]["y"] == "shared"


def test_unaudited_years_are_drawn_hollow(specs):
    fills = [n["fill"] for n in walk(specs["alibaba-revenue"]) if isinstance(n.get("fill"), dict) and "scale" in n["fill"]]
    scale = fills[0]["scale"]
    assert scale["range"][scale["domain"].index(labels.UNAUDITED)] == "#ffffff"
    assert scale["range"][scale["domain"].index(labels.AUDITED)] != "#ffffff"


def test_only_alibaba_com_is_highlighted(specs):
    for name in ("alibaba-segments", "alibaba-december-shares"):
        data = rows(specs[name])
        assert set(data[data.highlight == labels.ALIBABA_COM].segment) == {labels.WHOLESALE}


def test_thesis_only_quarter_values_are_hollow_and_gaps_are_counted(specs, frames):
    spec = specs["alibaba-december-quarter"]
    marks = [n["mark"] for n in walk(spec) if isinstance(n.get("mark"), dict) and n["mark"].get("type") == "point"]
    assert {m.get("filled") for m in marks} == {True, False}
    data = rows(spec)
    assert f"{int((data.status == 'not_found').sum())} of" in title_text(spec)


def test_growth_figure_counts_the_years_below_the_interval(specs, fitted, frames):
    summary = fitted[0]
    placed = models.against_trend(frames["annual_revenue"], summary)
    after = placed[placed.period == "after"]
    assert f"{int(after.below_interval.sum())} of the {len(after)} years" in specs["alibaba-growth"]["description"]


def test_forecast_title_states_the_fold_of_the_newest_year(specs, fitted):
    last = fitted[1][fitted[1].kind == "forecast"].iloc[-1]
    fold = 1 / last.ratio if last.ratio < 1 else last.ratio
    assert f"{fold:.1f}-fold" in title_text(specs["alibaba-forecast"]) and last.fy_label in title_text(specs["alibaba-forecast"])


def test_forecast_title_states_the_fold_when_the_actual_beats_the_trend(frames):
    annual = frames["annual_revenue"]
    seen = int(editions.last_seen(annual))
    years = list(range(2012, seen + 4))
    values = [1000 * 1.2 ** i for i in range(len(years) - 3)] + [1000 * 1.6 ** (len(years) - 4 + k) for k in (1, 2, 3)]
    frame = synthetic_annual(annual, years, values)
    trend = models.growth_trend(frame)
    fc = models.forecast(trend, frame)
    title = title_text(figures.forecast(frame, fc).to_dict())
    assert fc.ratio.iloc[-1] > 1
    assert f"{fc.ratio.iloc[-1]:.1f}-fold" in title


def test_status_mix_title_counts_the_thesis_only_facts(specs, frames):
    facts = frames["com_facts"]
    thesis = int(((facts.topic == "helloita") & (facts.status == "thesis_quoted")).sum())
    total = int((facts.topic == "helloita").sum())
    assert title_text(specs["alibaba-test-status"]).startswith(f"{thesis} of the {total}")


def test_tables_have_stable_names_and_cite_their_data(frames, fitted):
    seg, dq, facts, annual = (frames[k] for k in ("segment_revenue", "december_quarter", "com_facts", "annual_revenue"))
    built = [tables.segments(seg), tables.december_quarter(dq, (4, 5), name="alibaba-test-quarter"),
             tables.facts(facts, "helloita"), tables.trend(fitted[0], annual), tables.forecast(fitted[1], annual)]
    ids = [re.search(r'id="tab-([a-z0-9-]+)"', t.html).group(1) for t in built]
    assert len(set(ids)) == len(ids) and all(i.startswith("alibaba-") for i in ids)
    assert all("thesis-data" in t.html for t in built)


def test_forecast_table_lists_every_year_after_the_window(frames, fitted):
    annual = frames["annual_revenue"]
    text = tables.forecast(fitted[1], annual).text
    after = annual[annual.fiscal_year > editions.last_seen(annual)].fiscal_year
    assert all(f"FY{y}" in text for y in after)


# --- every figure and table cites the sources of the rows it draws, and no others ---------------------

def _ids(*frames) -> set[str]:
    return set().union(*(set(f.source_id.dropna()) for f in frames))


def _drawn_rows(frames) -> dict:
    """Per figure or table: the rows of the datasets it draws (or quotes in its title), selected here."""
    annual, seg, dq = frames["annual_revenue"], frames["segment_revenue"], frames["december_quarter"]
    ws, facts = frames["wholesale_revenue"], frames["com_facts"]
    lines = dq[dq.line_item.isin(labels.QUARTER_RMB_LINES) & (dq.unit == "RMB m")]
    first_q, last_q = sorted(lines.quarter.unique())[0], sorted(lines.quarter.unique())[-1]
    q = dq[dq.quarter == "2020Q4"]
    segments = [s for s in labels.LEAF_SEGMENTS if s != "core_commerce_others"]  # core "others" has no share
    window = annual[annual.audited & editions.thesis_saw(annual)]
    after = annual[annual.fiscal_year > window.fiscal_year.max()]
    return {
        "alibaba-revenue": [annual], "alibaba-then-and-now": [annual], "alibaba-forecast": [annual],
        "alibaba-growth": [annual],  # each year's growth needs the year before; the trend its window
        "alibaba-segments": [seg[seg.segment.isin(labels.LEAF_SEGMENTS) | seg.parent_segment.isna()]],
        "alibaba-december-quarter": [lines, dq[(dq.line_item == "total_revenue") & dq.quarter.isin([first_q, last_q])],
                                     dq[(dq.line_item == "total_revenue_yoy_growth") & (dq.quarter == last_q)]],
        "alibaba-december-shares": [q[q.line_item.isin([s + "_share_of_revenue" for s in segments + ["core_commerce"]])],
                                    q[q.line_item.isin([s for s in segments if s + "_share_of_revenue" not in
                                                        set(q.line_item)])]],  # a segment with no share: a gap
        "alibaba-wholesale": [ws, annual[annual.fiscal_year.isin(ws.fiscal_year)]],
        "alibaba-fees": [facts[(facts.topic == "alibaba_com_fees") & (facts.unit == "% of sale price")]],
        "alibaba-test-status": [facts[facts.topic == "helloita"]],
        "tab-alibaba-trend": [window], "tab-alibaba-forecast": [window, after],
    }


def test_each_figure_and_table_cites_exactly_the_sources_of_the_rows_it_draws(specs, frames, fitted):
    annual = frames["annual_revenue"]
    cited = {name: {s["id"] for s in spec["usermeta"]["provenance"]["sources"]} for name, spec in specs.items()}
    for table in (tables.trend(fitted[0], annual), tables.forecast(fitted[1], annual)):
        cited[table.payload["anchor"]] = {s["id"] for s in table.payload["provenance"]["sources"]}
    expected = _drawn_rows(frames)
    assert set(cited) == set(expected)
    for name, rows in expected.items():
        assert cited[name] == _ids(*rows), name
    facts = frames["com_facts"]
    assert cited["alibaba-fees"] < _ids(facts) and cited["alibaba-test-status"] < _ids(facts)
    assert cited["tab-alibaba-trend"] < _ids(annual), "the trend table cites years outside its window"
