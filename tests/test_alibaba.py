"""Sections 2.1-2.3: Alibaba's revenue, segments, December quarters, facts, and the trend models."""

import numpy as np
import pandas as pd
import pytest

from analysis import alibaba, charts, datasets
from conftest import DATA, rewrite


@pytest.fixture(scope="module")
def annual():
    return datasets.load("alibaba_annual_revenue", DATA)


@pytest.fixture(scope="module")
def segment():
    return datasets.load("alibaba_segment_revenue", DATA)


@pytest.fixture(scope="module")
def quarter():
    return datasets.load("alibaba_december_quarter", DATA)


@pytest.fixture(scope="module")
def wholesale():
    return datasets.load("alibaba_wholesale_revenue", DATA)


@pytest.fixture(scope="module")
def facts():
    return datasets.load("alibaba_com_facts", DATA)


def _synthetic(annual: pd.DataFrame, growth: float, noise: float = 0.0, seed: int = 1) -> pd.DataFrame:
    """The annual frame with revenue replaced by an exact (or noisy) constant-growth series."""
    rng = np.random.default_rng(seed)
    out = annual.copy()
    out.attrs = dict(annual.attrs)
    t = out.fiscal_year - out.fiscal_year.min()
    out["value"] = 1000 * (1 + growth) ** t * np.exp(rng.normal(0, noise, len(out)))
    return out


# --- annual revenue and then-and-now ----------------------------------------------------------

def test_revenue_marks_unaudited_years_and_growth_is_like_for_like_only(annual):
    data = alibaba.revenue(annual).set_index("fiscal_year")
    unaudited = set(annual[~annual.audited].fiscal_year)
    assert unaudited, "the data should hold the unaudited FY2010-FY2011 years"
    assert set(data[data.basis == alibaba.UNAUDITED].index) == unaudited
    first_audited = min(set(annual.fiscal_year) - unaudited)
    assert not data.like_for_like[first_audited], "growth across the Alipay break is not like-for-like"
    y = first_audited + 1
    expected = (annual.set_index("fiscal_year").value[y] / annual.set_index("fiscal_year").value[y - 1] - 1) * 100
    assert data.growth_pct[y] == pytest.approx(expected) and data.like_for_like[y]
    assert data.revenue_bn[y] == pytest.approx(annual.set_index("fiscal_year").value[y] / 1000)


def test_annual_chart_draws_unaudited_bars_hollow(annual):
    spec = alibaba.annual_revenue_chart(annual).to_dict()
    fill = spec["encoding"]["fill"]
    assert fill["scale"]["domain"] == [alibaba.AUDITED, alibaba.UNAUDITED]
    assert fill["scale"]["range"][1] == "#ffffff" and spec["mark"]["stroke"] == charts.FOCUS
    assert "unaudited" in spec["description"]


@pytest.mark.parametrize("cutoff", [2019, 2021])
def test_then_and_now_follows_the_cutoff(annual, cutoff):
    data = alibaba.then_and_now(annual, cutoff)
    views = list(dict.fromkeys(data.view))
    assert data[data.view == views[0]].fiscal_year.max() == cutoff
    assert data[data.view == views[1]].fiscal_year.max() == annual.fiscal_year.max()
    spec = alibaba.then_and_now_chart(annual, cutoff).to_dict()
    assert spec["resolve"]["scale"]["y"] == "shared"
    assert f"FY{cutoff}" in " ".join(spec["title"]["text"] if isinstance(spec["title"]["text"], list)
                                     else [spec["title"]["text"]])


# --- segments -------------------------------------------------------------------------------

def test_segments_add_up_to_total_revenue(annual, segment):
    top = segment[segment.parent_segment.isna()].groupby("fiscal_year").value.sum()
    total = annual.set_index("fiscal_year").value
    for year, value in top.items():
        assert value == pytest.approx(total[year]), f"segments of FY{year} do not add up to total revenue"
    leaves = alibaba.segments(segment)
    assert np.allclose(leaves.groupby("fiscal_year").share_pct.sum(), 100)


def test_segment_table_has_a_derived_total_and_wholesale_share(segment, annual):
    table = alibaba.segment_table(segment).set_index("segment")
    assert table.loc["total", "status"] == "derived"
    w = segment[segment.segment == alibaba.WHOLESALE].set_index("fiscal_year").value
    last = int(segment.fiscal_year.max())
    total = annual.set_index("fiscal_year").value
    assert table.loc[alibaba.WHOLESALE, "share_pct"] == pytest.approx(w[last] / total[last] * 100)
    assert table.loc[alibaba.WHOLESALE, "growth_pct"] == pytest.approx((w[last] / w[last - 1] - 1) * 100)
    assert table.attrs["resource"]["name"] == "alibaba_segment_revenue"


def test_segment_chart_highlights_only_alibaba_com(segment):
    data = alibaba.segments(segment)
    assert set(data[data.highlight == "Alibaba.com"].segment) == {alibaba.WHOLESALE}
    spec = alibaba.segment_chart(segment).to_dict()
    colour = spec["spec"]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["range"] == [charts.FOCUS, charts.MUTED]


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        out.extend(_layers(layer) if "layer" in layer else [layer])
    return out


# --- the December quarters ------------------------------------------------------------------

def test_december_quarter_keeps_every_row_and_shows_gaps(quarter):
    rows = alibaba.december_quarter(quarter, (4, 5))
    assert len(rows) == int(quarter.table.isin([4, 5]).sum()), "no row may be dropped"
    gaps = rows[rows.status == "not_found"]
    assert len(gaps) > 0 and (gaps.value_text == "not available").all()
    thesis = rows[rows.status == "thesis_quoted"]
    assert (thesis.line_item == alibaba.WHOLESALE).any()
    html = alibaba.december_quarter_table(quarter, (4, 5)).html
    assert "as quoted by the thesis" in html and "not available" in html


def test_december_quarter_table_carries_the_thesis_slips(quarter):
    core = alibaba.december_quarter(quarter, (5,), ["core_commerce_share_of_revenue"])
    assert "89%" in core.remark.iloc[0], "the derived share's note should record the thesis's 89%"
    derived = alibaba.quarter_value(quarter, "2020Q4", "core_commerce_share_of_revenue")
    assert derived == pytest.approx(round(alibaba.quarter_value(quarter, "2020Q4", "core_commerce")
                                          / alibaba.quarter_value(quarter, "2020Q4", "total_revenue") * 100, 1))
    cash = alibaba.december_quarter(quarter, (3,))
    assert cash.status.isin(["thesis_quoted", "not_found", "verified_secondary"]).all()
    assert cash.remark.str.contains("RMB103.208 million").any()


def test_quarter_value_refuses_a_gap(quarter):
    gap = quarter[quarter.status == "not_found"].iloc[0]
    with pytest.raises(KeyError):
        alibaba.quarter_value(quarter, gap.quarter, gap.line_item)


def test_december_chart_marks_thesis_values_hollow(quarter):
    spec = alibaba.december_quarter_chart(quarter).to_dict()
    points = [layer["mark"] for layer in _layers(spec) if layer["mark"]["type"] == "point"]
    assert {m.get("filled") for m in points} == {True, False}
    n_gap = int(((quarter.unit == "RMB m") & quarter.line_item.isin(alibaba.QUARTER_RMB_LINES)
                 & (quarter.status == "not_found")).sum())
    assert f"{n_gap} of" in " ".join(spec["title"]["subtitle"])


def test_december_shares_show_missing_segments_as_not_available(quarter):
    spec = alibaba.december_shares_chart(quarter).to_dict()
    assert "Local consumer services not available" in spec["description"]


# --- Alibaba.com's revenue and share --------------------------------------------------------

def test_wholesale_share_is_segment_over_group_revenue(wholesale, annual):
    data = alibaba.wholesale_share(wholesale, annual).set_index("fiscal_year")
    total = annual.set_index("fiscal_year").value
    for year, row in data.iterrows():
        assert row.share_pct == pytest.approx(row.value / total[year] * 100)
    assert len(data) == len(wholesale)


def test_wholesale_chart_names_the_missing_years(wholesale, annual):
    spec = alibaba.wholesale_chart(wholesale, annual).to_dict()
    later = [f"FY{y}" for y in annual.fiscal_year if y > wholesale.fiscal_year.max()]
    assert later and all(y in spec["description"] for y in later)
    assert "not available" in spec["description"]


# --- facts and fees -------------------------------------------------------------------------

@pytest.mark.parametrize("topic", list(alibaba.TOPIC_TITLES))
def test_facts_tables_keep_every_row_and_mark_thesis_values(facts, topic):
    rows = alibaba.facts(facts, topic)
    assert len(rows) == int((facts.topic == topic).sum())
    html = alibaba.facts_table(facts, topic).html
    if (rows.status == "thesis_quoted").any():
        assert "as quoted by the thesis" in html


def test_fact_value_reads_one_fact_and_refuses_gaps_and_ambiguity(facts):
    row = facts[facts.topic == "antitrust_fine"].iloc[0]
    assert alibaba.fact_value(facts, row.topic, row.fact) == pytest.approx(row.value)
    shares = facts[facts.fact.str.startswith("combined share")]
    assert len(shares) > 1  # the same fact in several years: a period must be named
    with pytest.raises(ValueError):
        alibaba.fact_value(facts, shares.topic.iloc[0], shares.fact.iloc[0])
    last = shares.iloc[-1]
    assert alibaba.fact_value(facts, last.topic, last.fact, last.period) == pytest.approx(last.value)
    with pytest.raises(KeyError):
        alibaba.fact_value(facts, "antitrust_fine", "no such fact")
    # a value emptied into a gap is refused, not read as zero
    gap = facts.copy()
    gap.loc[(gap.topic == row.topic) & (gap.fact == row.fact), "value"] = np.nan
    with pytest.raises(KeyError):
        alibaba.fact_value(gap, row.topic, row.fact)


def test_fact_text_keeps_units():
    assert alibaba._fact_text(13792223, "buyers") == "13,792,223 buyers"
    assert alibaba._fact_text(2399, "USD per year") == "US$2,399 per year"
    assert alibaba._fact_text(18.228, "CNY bn") == "CNY 18.228 bn"
    assert alibaba._fact_text(2018, "year") == "2018"
    assert alibaba._fact_text(float("nan"), "firms") == "not available"


def test_status_mix_counts_every_fact(facts):
    topics = ["helloita", "made_in_italy_pavilion"]
    mix = alibaba.status_mix(facts, topics)
    assert mix.facts.sum() == int(facts.topic.isin(topics).sum())
    title = alibaba.status_mix_chart(facts, topics).to_dict()["title"]["text"]
    title = " ".join(title) if isinstance(title, list) else title
    thesis = int((facts.topic.isin(topics) & (facts.status == "thesis_quoted")).sum())
    assert title.startswith(f"{thesis} of the {mix.facts.sum()}")


def test_fee_ranges_pair_the_thesis_and_the_sources(facts):
    data = alibaba.fees(facts)
    thesis = data[data.range_label == "Amazon (thesis, 2021)"]
    assert sorted(thesis.end) == ["high", "low"] and (thesis.status == "thesis_quoted").all()
    assert data[data.status != "thesis_quoted"].value.max() > thesis.value.max()


# --- models ---------------------------------------------------------------------------------

@pytest.mark.parametrize("growth", [0.10, 0.35])
def test_growth_trend_recovers_a_known_rate(annual, growth):
    result = alibaba.growth_trend(_synthetic(annual, growth, noise=0.02)).iloc[0]
    assert result.ci_low_pct < growth * 100 < result.ci_high_pct
    assert result.growth_pct == pytest.approx(growth * 100, abs=2)
    exact = alibaba.growth_trend(_synthetic(annual, growth)).iloc[0]
    assert exact.growth_pct == pytest.approx(growth * 100)


def test_growth_trend_uses_audited_years_up_to_the_cutoff(annual):
    result = alibaba.growth_trend(annual, cutoff=2021).iloc[0]
    expected = annual[annual.audited & (annual.fiscal_year <= 2021)]
    assert result.n == len(expected) and result.first_year == expected.fiscal_year.min()
    assert result.last_year == 2021


def test_forecast_of_an_exact_trend_is_right(annual):
    fc = alibaba.trend_forecast(_synthetic(annual, 0.2, noise=0.01))
    ahead = fc[fc.kind == "forecast"]
    assert len(ahead) == int((annual.fiscal_year > 2021).sum())
    assert np.allclose(ahead.ratio, 1, atol=0.1)
    assert (ahead.pi_low < ahead.forecast).all() and (ahead.forecast < ahead.pi_high).all()


def test_forecast_intervals_widen_with_the_horizon(annual):
    fc = alibaba.trend_forecast(annual)
    ahead = fc[fc.kind == "forecast"]
    width = np.log(ahead.pi_high) - np.log(ahead.pi_low)
    assert (np.diff(width) > 0).all()


def test_forecast_reacts_to_the_data(data_copy, annual):
    # Doubling FY2026 revenue in a copy of the data must move the ratio for FY2026, not the forecast.
    path = data_copy / "alibaba_annual_revenue.csv"
    rewrite(path, "2026,2026-03-31,true,1023670,", "2026,2026-03-31,true,2047340,")
    before = alibaba.trend_forecast(annual).set_index("fiscal_year")
    after = alibaba.trend_forecast(datasets.load("alibaba_annual_revenue", data_copy)).set_index("fiscal_year")
    assert after.forecast[2026] == pytest.approx(before.forecast[2026])
    assert after.ratio[2026] == pytest.approx(2 * before.ratio[2026])


def test_forecast_chart_title_follows_the_result(annual):
    fc = alibaba.trend_forecast(annual)
    last = fc[fc.kind == "forecast"].iloc[-1]
    text = alibaba.forecast_chart(annual, fc).to_dict()["title"]["text"]
    text = " ".join(text) if isinstance(text, list) else text
    assert f"{1 / last.ratio:.1f}-fold" in text and last.fy_label in text


# --- every chart: title, alt text, provenance -----------------------------------------------

def _builders(annual, segment, quarter, wholesale, facts):
    trend, fc = alibaba.growth_trend(annual), alibaba.trend_forecast(annual)
    return {
        "annual": lambda: alibaba.annual_revenue_chart(annual),
        "then_and_now": lambda: alibaba.then_and_now_chart(annual),
        "segments": lambda: alibaba.segment_chart(segment),
        "december": lambda: alibaba.december_quarter_chart(quarter),
        "shares": lambda: alibaba.december_shares_chart(quarter),
        "wholesale": lambda: alibaba.wholesale_chart(wholesale, annual),
        "fees": lambda: alibaba.fee_chart(facts),
        "status": lambda: alibaba.status_mix_chart(facts, ["helloita"]),
        "growth": lambda: alibaba.growth_chart(annual, trend),
        "forecast": lambda: alibaba.forecast_chart(annual, fc),
    }


@pytest.mark.parametrize("name", ["annual", "then_and_now", "segments", "december", "shares", "wholesale",
                                  "fees", "status", "growth", "forecast"])
def test_charts_carry_title_alt_text_and_sources(name, annual, segment, quarter, wholesale, facts):
    spec = _builders(annual, segment, quarter, wholesale, facts)[name]().to_dict()
    title = spec["title"]["text"]
    lines = title if isinstance(title, list) else [title]
    assert lines[0] and all(len(line) <= 62 for line in lines)
    assert spec["description"].endswith(".") and len(spec["description"]) > 40
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"][0]["version"] and prov["sources"]
    assert all(s["publisher"] for s in prov["sources"])
