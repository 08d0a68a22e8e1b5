"""The shared pieces every theme uses: lookups, gap-aware lines, the thesis cutoff, trends, words."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.common import editions, lines, lookup, trends, words


def _frame(rows, name="demo", **editions_block):
    frame = pd.DataFrame(rows)
    frame.attrs = {"resource": {"name": name, "editions": editions_block}}
    return frame


# --- lookup -------------------------------------------------------------------------------------

def test_value_returns_the_one_matching_number():
    frame = _frame({"year": [2019, 2020], "flow": ["x", "x"], "value": [1.5, 2.5]})
    assert lookup.value(frame, year=2020, flow="x") == 2.5


@pytest.mark.parametrize("match", [{"year": 2021}, {"year": 2019}, {"flow": "x"}])
def test_value_refuses_missing_empty_or_ambiguous_rows(match):
    frame = _frame({"year": [2019, 2020], "flow": ["x", "x"], "value": [np.nan, 2.5]})
    with pytest.raises(KeyError):
        lookup.value(frame, **match)


def test_value_names_an_unknown_column():
    with pytest.raises(KeyError, match="colour"):
        lookup.value(_frame({"value": [1.0]}), colour="red")


# --- gap-aware lines ------------------------------------------------------------------------------

def test_runs_break_at_a_missing_year_and_per_series():
    frame = pd.DataFrame({"flow": ["a"] * 5 + ["b"] * 2, "year": [2010, 2011, 2013, 2014, 2015, 2010, 2011],
                          "value": [1, 2, 3, 4, 5, 6, 7]})
    ids = lines.runs(frame, by=["flow"])
    assert ids[0] == ids[1] != ids[2] == ids[3] == ids[4]
    assert ids[5] == ids[6] and ids[5] != ids[0]


def test_runs_break_at_an_empty_value():
    frame = pd.DataFrame({"flow": ["a"] * 4, "year": [1, 2, 3, 4], "value": [1.0, np.nan, 3.0, 4.0]})
    ids = lines.runs(frame, by=["flow"])
    assert ids[1] == "" and ids[0] != ids[2] == ids[3]


# --- the thesis cutoff and the editions ----------------------------------------------------------

ANNUAL = {"period_field": "year", "period_ends": "12-31", "published_after_months": 3, "cycle_months": 12}


def test_periods_publish_after_their_lag():
    assert editions.published(2020, ANNUAL) == dt.date(2021, 3, 31)
    assert editions.published("2021-01..06", ANNUAL) == dt.date(2021, 9, 30)
    fiscal = dict(ANNUAL, period_ends="03-31", published_after_months=2)
    assert editions.published(2021, fiscal) == dt.date(2021, 5, 31)


def test_a_period_that_is_not_a_year_is_refused():
    with pytest.raises(ValueError, match="period"):
        editions.period_end("FY21", ANNUAL)


def _with_cutoff(data_copy, cutoff: str):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["thesis"]["cutoff"] = cutoff
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def test_the_thesis_view_moves_with_the_declared_cutoff(data_copy):
    frame = datasets.load("alibaba_annual_revenue", data_copy)
    before, seen_before = editions.last_seen(frame), int(editions.thesis_saw(frame).sum())
    info = frame.attrs["resource"]["editions"]
    later = editions.published(before + 1, info)
    _with_cutoff(data_copy, later.isoformat())
    moved = datasets.load("alibaba_annual_revenue", data_copy)
    assert editions.last_seen(moved) == before + 1
    assert editions.thesis_saw(moved).sum() == seen_before + 1


def test_then_and_now_keeps_every_row_now_and_only_published_rows_then():
    frame = datasets.load("allianz_italy")
    both = lines.then_and_now(frame)
    now, then = both[both.view == "now"], both[both.view == "then"]
    assert len(now) == len(frame)
    assert then.edition.max() == both.attrs["last_seen"] < both.attrs["newest"] == frame.edition.max()
    assert both.attrs["resource"] == frame.attrs["resource"]


def test_next_edition_follows_the_newest_by_one_cycle():
    frame = datasets.load("allianz_global")
    info = frame.attrs["resource"]["editions"]
    gap = editions.next_expected(frame) - editions.published(editions.newest(frame), info)
    assert 360 <= gap.days <= 370


def test_a_dataset_without_editions_says_so():
    with pytest.raises(KeyError, match="risk_types"):
        editions.last_seen(datasets.load("risk_types"))


# --- trends ---------------------------------------------------------------------------------------

def test_exact_growth_is_recovered_with_a_tight_interval():
    years = np.arange(2010, 2020)
    trend = trends.loglinear(years, 100 * 1.1 ** (years - 2010))
    assert trend.growth == pytest.approx(0.10)
    low, high = trend.interval
    assert low == pytest.approx(0.10) and high == pytest.approx(0.10)


def test_noisy_growth_interval_contains_the_truth_and_forecast_band_widens():
    rng = np.random.default_rng(1)
    years = np.arange(2000, 2015)
    trend = trends.loglinear(years, 50 * np.exp(0.2 * (years - 2000) + rng.normal(0, 0.05, len(years))))
    low, high = trend.interval
    assert low < np.expm1(0.2) < high
    ahead = trend.predict([2015, 2020, 2030])
    widths = np.log(ahead.pi_high) - np.log(ahead.pi_low)
    assert (np.diff(widths) > 0).all()
    assert (ahead.pi_low < ahead.forecast).all() and (ahead.forecast < ahead.pi_high).all()


@pytest.mark.parametrize("y", [[1.0, 2.0], [1.0, -2.0, 3.0], [1.0, np.nan, 3.0]])
def test_a_trend_refuses_too_few_or_non_positive_values(y):
    with pytest.raises(ValueError):
        trends.loglinear(range(len(y)), y)


def test_cagr_of_a_doubling_over_two_periods():
    assert trends.cagr(100, 400, 2) == pytest.approx(1.0)
    assert np.isnan(trends.cagr(100, 400, 0))


# --- words ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("n,text", [(1, "first"), (3, "third"), (11, "11th"), (12, "12th"), (13, "13th"),
                                    (21, "21st"), (22, "22nd"), (23, "23rd"), (111, "111th")])
def test_ordinals(n, text):
    assert words.ordinal(n) == text


def test_ranges_collapse_consecutive_numbers():
    assert words.ranges([9, 5, 6, 7, 7]) == "5-7, 9"
    assert words.ranges([]) == ""


def test_number_words_stop_at_ten():
    assert words.number_word(5) == "five" and words.number_word(11) == "11"


def test_plain_turns_numpy_scalars_into_python_ones():
    assert type(words.plain(np.int64(3))) is int and type(words.plain(np.float32(1.5))) is float
    assert words.plain("x") == "x" and words.plain(np.bool_(True)) is not None


# --- render: the spec a browser receives is strict JSON -----------------------------------------

def test_a_chart_with_gaps_renders_as_strict_json():
    import altair as alt

    from analysis.common import render, style

    frame = datasets.load("allianz_italy")
    values = [{"x": 1, "y": 2.0}, {"x": 2, "y": float("nan")}, {"x": 3, "y": float("inf")}]
    chart = style.finish(alt.Chart(alt.Data(values=values)).mark_point().encode(x="x:Q", y="y:Q"),
                         name="test-gaps", title="t", alt_text="a", data=frame)
    html = render.render(chart.to_dict())["text/html"]
    spec = html.split('class="thesis-chart-spec">', 1)[1].split("</script>", 1)[0]
    assert "NaN" not in spec
    json.loads(spec.replace("<\\/", "</"))
    assert 'id="fig-test-gaps"' in html


def test_runs_can_follow_another_column_than_value():
    frame = pd.DataFrame({"risk": ["a"] * 3, "edition": [1, 2, 3], "rank": [1, 2, 1], "value": [50.0, np.nan, 40.0]})
    by_value = lines.runs(frame, by=["risk"], period="edition")
    by_rank = lines.runs(frame, by=["risk"], period="edition", needs="rank")
    assert by_value[0] != by_value[2]
    assert by_rank[0] == by_rank[1] == by_rank[2]


def test_the_outdated_report_turns_due_when_the_next_edition_date_passes():
    report = editions.report(as_of=dt.date(2000, 1, 1))
    assert len(report) and not report.due.any()
    first = report.iloc[0]
    on_the_day = editions.report(as_of=first.next_expected)
    assert on_the_day.set_index("dataset").loc[first.dataset, "due"]
    assert editions.report(as_of=dt.date(9999, 1, 1)).due.all()
