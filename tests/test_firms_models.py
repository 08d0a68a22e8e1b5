"""Section 1.1 model: the trend in each size class's employment share against rounding error alone.

Known answers on synthetic shares; the real census only through invariants.
"""

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.firms import data as firms_data, models
from conftest import DATA

YEARS = [2011, 2018, 2021]


def shares(by_class: dict[str, list[float]], years=YEARS) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "size_class": c, "value": v}
                         for c, values in by_class.items() for y, v in zip(years, values)])


def test_a_share_rising_exactly_one_point_per_decade_has_that_slope_and_no_misfit():
    result = models.rounding_test(shares({"3-9": [10.0, 10.7, 11.0]})).iloc[0]
    assert result.slope_pp_per_decade == pytest.approx(1.0)
    assert result.change_pp == pytest.approx(1.0)
    assert result.misfit_chi2 == pytest.approx(0.0, abs=1e-9)
    assert result.ci_low < 1.0 < result.ci_high
    assert result.exceeds_rounding


def test_the_largest_rounding_change_is_one_unit_of_the_last_digit():
    result = models.rounding_test(shares({"3-9": [10.0, 10.7, 11.0]}), decimals=1).iloc[0]
    assert result.max_rounding_pp == pytest.approx(0.1)
    assert result.times_rounding == pytest.approx(10.0)
    assert models.rounding_half(decimals=2) == pytest.approx(0.005)


def test_a_share_that_moves_only_in_the_last_rounded_digit_is_not_a_trend():
    result = models.rounding_test(shares({"50-249": [16.0, 16.1, 16.0]})).iloc[0]
    assert result.p_value > 0.05 and not result.exceeds_rounding
    assert result.ci_low < 0 < result.ci_high


def test_coarser_rounding_widens_the_interval_in_proportion():
    data = shares({"3-9": [10.0, 10.7, 11.0]})
    fine, coarse = (models.rounding_test(data, decimals=d).iloc[0] for d in (1, 0))
    assert (coarse.ci_high - coarse.ci_low) == pytest.approx(10 * (fine.ci_high - fine.ci_low))
    assert coarse.slope_pp_per_decade == pytest.approx(fine.slope_pp_per_decade)


def test_a_bent_series_shows_misfit_with_one_degree_of_freedom():
    result = models.rounding_test(shares({"3-9": [10.0, 12.0, 10.0]})).iloc[0]
    assert result.misfit_df == 1 and result.misfit_chi2 > 10


def test_classes_come_out_in_size_order_whatever_the_input_order():
    data = shares({"250+": [1.0, 2.0, 3.0], "3-9": [3.0, 2.0, 1.0], "10-49": [5.0, 5.0, 5.0]})
    labels = list(models.rounding_test(data).size_class)
    assert labels == [firms_data.CLASS_LABELS[c] for c in ("3-9", "10-49", "250+")]


def test_shares_that_add_to_100_have_slopes_that_add_to_zero():
    data = shares({"3-9": [40.0, 38.0, 37.0], "10-49": [30.0, 30.5, 30.0], "250+": [30.0, 31.5, 33.0]})
    result = models.rounding_test(data)
    assert result.slope_pp_per_decade.sum() == pytest.approx(0.0, abs=1e-9)


def test_verdict_counts_the_classes_whose_trend_exceeds_rounding():
    result = models.rounding_test(shares({"3-9": [10.0, 10.7, 11.0], "50-249": [16.0, 16.1, 16.0],
                                          "250+": [5.0, 6.0, 7.0]}))
    verdict = models.rounding_verdict(result)
    assert (verdict["exceeding"], verdict["classes"], verdict["every"]) == (2, 3, False)
    assert (verdict["first_year"], verdict["last_year"]) == (min(YEARS), max(YEARS))


def test_real_census_trends_sit_inside_their_intervals_and_nearly_cancel():
    census = datasets.load("istat_census_size", DATA)
    result = models.rounding_test(firms_data.size_mix(census, "share_of_employment"))
    assert len(result) == len(firms_data.CENSUS_CLASSES)
    assert (result.ci_low < result.slope_pp_per_decade).all() and (result.slope_pp_per_decade < result.ci_high).all()
    assert abs(result.slope_pp_per_decade.sum()) < 0.5, "shares adding to ~100 move by slopes adding to ~0"
    assert np.isfinite(result.p_value).all() and result.p_value.between(0, 1).all()
