"""The growth trend and its forecast, on synthetic revenue series with known answers."""

import numpy as np
import pytest

from analysis import datasets
from analysis.alibaba import models
from analysis.common import editions
from conftest import DATA
from test_alibaba_data import synthetic_annual


@pytest.fixture(scope="module")
def annual():
    return datasets.load("alibaba_annual_revenue", DATA)


@pytest.fixture(scope="module")
def seen(annual):
    return int(editions.last_seen(annual))


def series(annual, seen, growth, after=None, noise=0.0, first=2012, newest=None, seed=1):
    """Revenue growing ``growth`` a year up to the thesis's last year, then ``after`` a year (default: the same)."""
    newest = newest or seen + 5
    years = np.arange(first, newest + 1)
    rates = np.where(years <= seen, growth, growth if after is None else after)
    rates[0] = 0.0
    values = 1000 * np.cumprod(1 + rates) * np.exp(np.random.default_rng(seed).normal(0, noise, len(years)))
    return synthetic_annual(annual, years, values)


@pytest.mark.parametrize("growth", [0.10, 0.35])
def test_an_exact_growth_rate_is_recovered_with_an_interval_containing_it(annual, seen, growth):
    s = models.summary(models.growth_trend(series(annual, seen, growth)), series(annual, seen, growth)).iloc[0]
    assert s.growth_pct == pytest.approx(growth * 100)
    assert s.ci_low_pct <= growth * 100 + 1e-6 and growth * 100 - 1e-6 <= s.ci_high_pct


@pytest.mark.parametrize("growth", [0.10, 0.35])
def test_a_noisy_growth_rate_falls_inside_its_interval(annual, seen, growth):
    frame = series(annual, seen, growth, noise=0.02)
    s = models.summary(models.growth_trend(frame), frame).iloc[0]
    assert s.ci_low_pct < growth * 100 < s.ci_high_pct
    assert s.ci_high_pct - s.ci_low_pct > 0.1, "a noisy series must leave some uncertainty"


def test_the_fit_sees_only_audited_years_the_thesis_could_read(annual, seen):
    frame = series(annual, seen, 0.2)
    frame.loc[frame.fiscal_year == 2012, "audited"] = False
    frame.loc[frame.fiscal_year == 2012, "value"] = 1.0          # an unaudited outlier
    frame.loc[frame.fiscal_year > seen, "value"] = 5.0            # a collapse after the cutoff
    s = models.summary(models.growth_trend(frame), frame).iloc[0]
    assert s.first_year == 2013 and s.last_year == seen
    assert s.n == seen - 2013 + 1
    assert s.growth_pct == pytest.approx(20)


def test_too_few_years_to_fit_are_refused(annual, seen):
    frame = series(annual, seen, 0.2, first=seen - 1)
    with pytest.raises(ValueError):
        models.growth_trend(frame)


def test_growth_after_the_window_is_the_compound_rate_to_the_newest_year(annual, seen):
    frame = series(annual, seen, 0.4, after=0.05, newest=seen + 4)
    s = models.summary(models.growth_trend(frame), frame).iloc[0]
    assert s.cagr_after_pct == pytest.approx(5)
    assert (s.after_from, s.after_to) == (seen, seen + 4)


def test_an_exact_trend_forecasts_the_years_after_exactly(annual, seen):
    frame = series(annual, seen, 0.2)
    fc = models.forecast(models.growth_trend(frame), frame)
    ahead = fc[fc.kind == "forecast"]
    assert list(ahead.fiscal_year) == list(range(seen + 1, seen + 6))
    assert np.allclose(ahead.ratio, 1)


def test_forecast_intervals_widen_with_distance(annual, seen):
    frame = series(annual, seen, 0.2, noise=0.03)
    fc = models.forecast(models.growth_trend(frame), frame)
    ahead = fc[fc.kind == "forecast"]
    width = np.log(ahead.pi_high) - np.log(ahead.pi_low)
    assert (np.diff(width) > 0).all()
    assert (ahead.pi_low < ahead.forecast).all() and (ahead.forecast < ahead.pi_high).all()


def test_a_slowdown_falls_outside_the_forecast_and_below_the_trend(annual, seen):
    frame = series(annual, seen, 0.4, after=0.0, noise=0.01)
    trend = models.growth_trend(frame)
    fc = models.forecast(trend, frame)
    ahead = fc[fc.kind == "forecast"]
    assert (ahead.ratio < 1).all() and not ahead.inside.iloc[-1]
    assert np.all(np.diff(ahead.ratio) < 0), "a stalled series falls further behind each year"
    placed = models.against_trend(frame, models.summary(trend, frame))
    after = placed[placed.period == "after"]
    assert len(after) == 5 and after.below_interval.all()


def test_changing_an_actual_value_moves_the_ratio_not_the_forecast(annual, seen):
    frame = series(annual, seen, 0.2, noise=0.02)
    doubled = frame.copy()
    doubled.attrs = dict(frame.attrs)
    doubled.loc[doubled.fiscal_year == seen + 5, "value"] *= 2
    before = models.forecast(models.growth_trend(frame), frame).set_index("fiscal_year")
    after = models.forecast(models.growth_trend(doubled), doubled).set_index("fiscal_year")
    assert after.forecast[seen + 5] == pytest.approx(before.forecast[seen + 5])
    assert after.ratio[seen + 5] == pytest.approx(2 * before.ratio[seen + 5])


def test_the_real_fit_ends_at_the_last_year_the_thesis_saw(annual, seen):
    trend = models.growth_trend(annual)
    s = models.summary(trend, annual).iloc[0]
    assert s.last_year == seen and s.after_to == annual.fiscal_year.max()
    assert s.ci_low_pct < s.growth_pct < s.ci_high_pct
    assert s.n == len(annual[annual.audited & (annual.fiscal_year <= seen)])
