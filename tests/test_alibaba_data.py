"""Alibaba's tidy frames and lookups: synthetic frames with known answers, the real data through invariants."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.alibaba import data as ad, labels
from analysis.common import editions
from conftest import DATA


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
def facts():
    return datasets.load("alibaba_com_facts", DATA)


def like(real: pd.DataFrame, **columns) -> pd.DataFrame:
    """A synthetic frame with the real dataset's attrs (its editions, its package root)."""
    frame = pd.DataFrame(columns)
    frame.attrs = dict(real.attrs)
    return frame


def synthetic_annual(real, years, values, audited=None):
    n = len(years)
    return like(real, fiscal_year=list(years), fiscal_year_end=[f"{y}-03-31" for y in years],
                audited=list(audited) if audited is not None else [True] * n, value=list(values),
                unit=["RMB m"] * n, status=["verified_primary"] * n, source_id=[real.source_id.iloc[-1]] * n,
                quote=[None] * n, formula=[None] * n, note=[None] * n)


# --- annual revenue -------------------------------------------------------------------------

def test_growth_is_missing_across_a_gap_and_not_like_for_like_across_the_audit_break(annual):
    frame = synthetic_annual(annual, [2010, 2011, 2012, 2014, 2015], [100, 110, 121, 200, 260],
                             audited=[False, True, True, True, True])
    rev = ad.revenue(frame).set_index("fiscal_year")
    assert np.isnan(rev.growth_pct[2010]) and np.isnan(rev.growth_pct[2014]), "no growth over a missing year"
    assert not rev.like_for_like[2011], "growth against an unaudited year is not like-for-like"
    assert rev.like_for_like[2012] and rev.growth_pct[2012] == pytest.approx(10)
    assert rev.growth_pct[2015] == pytest.approx(30)
    assert set(rev[~rev.audited].basis) == {labels.UNAUDITED}


def test_then_and_now_ends_at_what_the_thesis_saw_and_at_the_newest_year(annual):
    tn = ad.then_and_now(annual)
    then, now = tn[tn.view == "then"], tn[tn.view == "now"]
    assert now.fiscal_year.max() == annual.fiscal_year.max()
    assert then.fiscal_year.max() == editions.last_seen(annual) < annual.fiscal_year.max()
    assert len(now) == len(annual)


def test_then_and_now_follows_the_package_cutoff(data_copy):
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["thesis"]["cutoff"] = "2019-06-30"
    path.write_text(json.dumps(package), encoding="utf-8")
    tn = ad.then_and_now(datasets.load("alibaba_annual_revenue", data_copy))
    assert tn[tn.view == "then"].fiscal_year.max() == 2019


def test_a_new_annual_report_reaches_the_now_panel_and_the_heading_years(data_copy, annual):
    path = data_copy / "alibaba_annual_revenue.csv"
    last = annual.iloc[-1]
    value = f"{last.value * 1.05:.0f}"
    row = (f"{last.fiscal_year + 1},{last.fiscal_year + 1}-03-31,true,{value},RMB m,verified_primary,"
           f"{last.source_id},Revenue {value},,\n")
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")
    updated = datasets.load("alibaba_annual_revenue", data_copy)
    tn = ad.then_and_now(updated)
    assert tn[tn.view == "now"].fiscal_year.max() == last.fiscal_year + 1
    assert tn[tn.view == "then"].fiscal_year.max() == editions.last_seen(annual)
    assert ad.years(updated)["last"] == last.fiscal_year + 1


def test_the_years_after_stop_at_the_newest_year(annual):
    seen = int(editions.last_seen(annual))
    years = list(range(seen - 5, seen + 3))
    frame = synthetic_annual(annual, years, [100 * 2 ** i for i in range(len(years))])
    span = ad.span_after(frame, span=5)
    assert span["years_before"] == 5 and span["years_after"] == 2
    assert span["fold_before"] == pytest.approx(2 ** 5)
    assert span["pct_after"] == pytest.approx((2 ** 2 - 1) * 100)


# --- segments -------------------------------------------------------------------------------

def test_top_level_segments_add_up_to_group_revenue(annual, segment):
    top = segment[segment.parent_segment.isna()].groupby("fiscal_year").value.sum()
    total = annual.set_index("fiscal_year").value
    for year, value in top.items():
        assert value == pytest.approx(total[year]), f"segments of FY{year} do not add up to total revenue"


def test_leaf_segment_shares_add_up_to_100_each_year(segment):
    shares = ad.segments(segment).groupby("fiscal_year").share_pct.sum()
    assert len(shares) == segment.fiscal_year.nunique()
    assert np.allclose(shares, 100)


def test_segment_table_total_is_derived_and_lines_fit_inside_it(segment):
    table = ad.segment_table(segment).set_index("segment")
    assert table.loc["total", "status"] == "derived"
    assert table.loc["total", "share_pct"] == pytest.approx(100)
    lines = table.drop(index="total")
    assert (lines.share_pct > 0).all() and (lines.share_pct < 100).all()
    assert table.attrs["resource"]["name"] == "alibaba_segment_revenue"


# --- the December quarters ------------------------------------------------------------------

def test_december_quarter_keeps_every_row_and_writes_gaps_without_a_number(quarter):
    rows = ad.december_quarter(quarter, (4, 5))
    assert len(rows) == int(quarter.table.isin([4, 5]).sum()), "no row may be dropped"
    gaps = rows[rows.status == "not_found"]
    assert len(gaps) > 0 and not gaps.value_text.str.contains(r"\d").any()
    known = rows[rows.status != "not_found"]
    assert known.value_text.str.contains(r"\d").all()


def test_only_thesis_only_and_derived_rows_carry_a_remark(quarter):
    rows = ad.december_quarter(quarter, (3, 4, 5))
    checked = rows[~rows.status.isin(["thesis_quoted", "derived"])]
    assert (checked.remark == "").all()
    assert (rows[rows.status.isin(["thesis_quoted", "derived"])].remark != "").any()


def test_quarter_values_refuse_a_gap(quarter):
    gap = quarter[quarter.status == "not_found"].iloc[0]
    with pytest.raises(KeyError):
        ad.quarter_values(quarter, {"gap": (gap.quarter, gap.line_item)})


def test_december_shares_keep_a_segment_without_a_share_as_a_gap(quarter):
    trimmed = datasets.subset(quarter, quarter.line_item != "cloud_computing_share_of_revenue")
    shares = ad.december_shares(trimmed, "2020Q4").set_index("segment")
    assert np.isnan(shares.value["cloud_computing"]) and shares.status["cloud_computing"] == "not_found"
    assert shares.index.is_unique
    assert set(shares[shares.highlight == labels.ALIBABA_COM].index) == {labels.WHOLESALE}


# --- Alibaba.com's share --------------------------------------------------------------------

def test_wholesale_share_of_a_segment_worth_a_twentieth_is_5_per_cent(annual):
    years = [2020, 2021]
    group = synthetic_annual(annual, years, [1000.0, 3000.0])
    segment = like(annual, fiscal_year=years, value=[50.0, 150.0], status=["verified_primary"] * 2)
    assert np.allclose(ad.wholesale_share(segment, group).share_pct, 5)


# --- facts and fees -------------------------------------------------------------------------

def test_fact_text_writes_the_number_with_separators_and_its_unit():
    text = ad.fact_text(13792223, "buyers")
    assert "13,792,223" in text and "buyers" in text
    assert "2,399" in ad.fact_text(2399, "USD per year") and "per year" in ad.fact_text(2399, "USD per year")
    assert ad.fact_text(2018, "year").strip() == "2018", "a year has no separator"
    assert not any(c.isdigit() for c in ad.fact_text(float("nan"), "firms"))


def test_fact_values_read_one_row_and_refuse_gaps_and_unnamed_periods(facts):
    row = facts[facts.topic == "antitrust_fine"].iloc[0]
    assert ad.fact_values(facts, {"x": (row.topic, row.fact)})["x"] == pytest.approx(row.value)
    repeated = facts[facts.duplicated(["topic", "fact"], keep=False)].iloc[-1]
    with pytest.raises(KeyError):
        ad.fact_values(facts, {"x": (repeated.topic, repeated.fact)})
    named = ad.fact_values(facts, {"x": (repeated.topic, repeated.fact, repeated.period)})["x"]
    assert named == pytest.approx(repeated.value)
    gap = facts.copy()
    gap.loc[(gap.topic == row.topic) & (gap.fact == row.fact), "value"] = np.nan
    with pytest.raises(KeyError):
        ad.fact_values(gap, {"x": (row.topic, row.fact)})


def test_facts_keep_every_row_of_their_topic(facts):
    for topic in facts.topic.unique():
        assert len(ad.facts(facts, topic)) == int((facts.topic == topic).sum())
    with pytest.raises(KeyError):
        ad.facts(facts, "no_such_topic")


def test_status_mix_counts_every_fact_of_its_topics(facts):
    topics = ["helloita", "made_in_italy_pavilion"]
    mix = ad.status_mix(facts, topics)
    assert mix.facts.sum() == int(facts.topic.isin(topics).sum())
    assert (mix.facts > 0).all()


def test_fee_ranges_carry_the_period_of_their_rows(facts):
    fees = ad.fees(facts)
    assert all(str(p) in label for p, label in zip(fees.period, fees.range_label))
    for _, rng in fees.groupby("range_label"):
        assert rng.status.nunique() == 1, "a range mixes the thesis's figures with sourced ones"
        ends = sorted(rng.end)
        assert ends in (["point"], ["high", "low"])
