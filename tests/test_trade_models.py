"""Section 1.2 models: the level shift and the cross-border growth trend, on data with known answers."""

import numbers

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.trade import data as trade_data, models
from analysis.trade.labels import EDITIONS
from conftest import DATA


@pytest.fixture(scope="module")
def istat():
    return datasets.load("italy_china_trade_istat", DATA)


@pytest.fixture(scope="module")
def ecom():
    return datasets.load("china_crossborder_ecommerce", DATA)


def annual_with(istat, shift=3.0, trend=0.4, noise=0.0, seed=0, years=range(2008, 2025), brk=2021,
                lower_bound_year=None):
    """A synthetic annual ISTAT frame (real columns and attrs): each flow a line plus a step at ``brk``."""
    rng = np.random.default_rng(seed)
    rows = []
    for flow in ("exports", "imports"):
        for year in years:
            value = 10 + trend * (year - brk) + shift * (year >= brk) + rng.normal(0, noise)
            basis = "istat_lower_bound" if year == lower_bound_year else "istat"
            rows.append({**{c: None for c in istat.columns}, "period": str(year), "flow": flow, "value": value,
                         "unit": "EUR bn", "status": "verified_secondary", "source_id": istat.source_id.iloc[0],
                         "basis": basis})
    frame = pd.DataFrame(rows, columns=istat.columns)
    frame.attrs = dict(istat.attrs)
    return trade_data.istat_annual(frame)


# --- level shift ------------------------------------------------------------------------------------

def test_level_shift_recovers_a_known_step_and_trend(istat):
    exact = models.level_shift(annual_with(istat, shift=3.0, trend=0.4), break_year=2021).iloc[0]
    assert exact.shift_bn == pytest.approx(3.0) and exact.trend == pytest.approx(0.4)
    noisy = models.level_shift(annual_with(istat, shift=3.0, noise=0.2, seed=1), break_year=2021).iloc[0]
    assert noisy.ci_low < 3.0 < noisy.ci_high and noisy.ci_low > 0
    assert noisy.evidence == "both"


def test_level_shift_sees_no_step_when_there_is_none(istat):
    result = models.level_shift(annual_with(istat, shift=0.0, noise=0.3, seed=2), break_year=2021)
    assert (result.ci_low < 0).all() and (result.ci_high > 0).all()
    assert (result.evidence == "neither").all()


def test_the_default_break_is_the_first_year_after_what_the_thesis_saw(istat):
    annual = annual_with(istat)
    assert (models.level_shift(annual).break_year == trade_data.first_unseen_year(annual)).all()


def test_level_shift_leaves_out_lower_bounds_and_counts_what_it_used(istat):
    annual = annual_with(istat, noise=0.1, lower_bound_year=2012)
    result = models.level_shift(annual, break_year=2021).set_index("flow")
    exports = annual[annual.flow == "exports"]
    assert result.loc["exports", "dropped_lower_bounds"] == "2012"
    assert "2012" not in result.loc["exports", "years"].split(", ")
    assert result.loc["exports", "n"] == len(exports) - 1
    assert result.loc["exports", "n_post"] == (exports.year >= 2021).sum()


def test_level_shift_needs_years_on_both_sides_of_the_break(istat):
    with pytest.raises(ValueError):
        models.level_shift(annual_with(istat), break_year=2030)


def test_evidence_says_which_intervals_exclude_zero(istat):
    result = models.level_shift(trade_data.istat_annual(istat))
    for r in result.itertuples():
        hac = r.ci_low > 0 or r.ci_high < 0
        ols = r.ci_low_ols > 0 or r.ci_high_ols < 0
        expected = "both" if hac and ols else "hac_only" if hac else "ols_only" if ols else "neither"
        assert r.evidence == expected and r.hac_excludes_zero == hac and r.ols_excludes_zero == ols
    groups = models.evidence_groups(result)
    assert sorted(f for flows in groups.values() for f in flows) == sorted(result.flow)


def test_fitted_lines_step_by_the_shift_at_the_break(istat):
    result = models.level_shift(annual_with(istat, noise=0.2, seed=3), break_year=2021)
    lines = models.level_shift_lines(result)
    for r in result.itertuples():
        at_break = lines[(lines.flow == r.flow) & (lines.year == r.break_year)].set_index("line").fitted
        assert at_break["fitted, after"] - at_break["earlier trend carried on"] == pytest.approx(r.shift_bn)


# --- cross-border growth -------------------------------------------------------------------------------

def with_edition(ecom, edition, values, kind=None):
    out = ecom.copy()
    out.attrs = dict(ecom.attrs)
    for year, value in values.items():
        mask = (out.edition == edition) & (out.year == year)
        out.loc[mask, ["value", "status"]] = [value, "verified_secondary"]
        if kind:
            out.loc[mask, "kind"] = kind
    return out


def test_growth_recovers_a_known_rate_from_one_edition(ecom):
    edition = next(iter(EDITIONS))
    years = sorted(ecom[ecom.edition == edition].year)
    growth = models.crossborder_growth(with_edition(ecom, edition, {y: 50 * 1.25 ** (y - years[0]) for y in years}))
    assert growth.selected.edition == edition and growth.selected.growth == pytest.approx(0.25)


def test_growth_uses_estimates_only_when_an_edition_has_enough(ecom):
    edition = next(iter(EDITIONS))
    years = sorted(ecom[ecom.edition == edition].year)
    values = {y: 40 * 1.10 ** (y - years[0]) for y in years}
    growth = models.crossborder_growth(with_edition(ecom, edition, values, kind="estimate"))
    chosen = growth.selected
    assert chosen.basis_estimates_only and chosen.n_fit == len(years) and chosen.growth == pytest.approx(0.10)


def test_growth_on_real_data_falls_back_to_forecasts_and_fits_only_long_editions(ecom):
    growth = models.crossborder_growth(ecom)
    table = growth.editions
    assert table.selected.sum() == 1 and not growth.selected.basis_estimates_only
    assert table.n_estimates.max() < growth.selected.min_points
    assert growth.selected.ci_low < growth.selected.growth < growth.selected.ci_high
    assert table[table.n_fit < table.min_points].growth.isna().all()


def test_the_band_brackets_the_trend_over_every_fitted_year(ecom):
    growth = models.crossborder_growth(ecom)
    band, points = growth.band, growth.points
    assert list(band.year) == list(range(points.year.min(), points.year.max() + 1))
    assert ((band.low <= band.fitted) & (band.fitted <= band.high)).all()


def test_too_few_points_give_no_fit(ecom):
    growth = models.crossborder_growth(ecom, min_points=50)
    assert growth.selected is None and growth.editions.growth.isna().all() and growth.band.empty


def test_model_numbers_are_numbers_or_text(istat, ecom):
    annual = trade_data.istat_annual(istat)
    out = models.model_numbers(models.level_shift(annual), models.crossborder_growth(ecom), annual)
    assert all(isinstance(v, (numbers.Real, str)) for v in out.values())
    assert out["shift_break_year"] == trade_data.first_unseen_year(annual)
