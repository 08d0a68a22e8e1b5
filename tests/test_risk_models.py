"""Rank stability (chapter 3): Kendall's S and tau-b, the exact null, the pooled test and its bootstrap.

Synthetic rankings with known answers; the real data only through invariants.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.risk import models

NAMES = ["Business interruption", "Cyber incidents", "Natural catastrophes", "Fire, explosion",
         "Climate change", "Market developments"]


from test_risk_data import italy, world  # noqa: E402,F401  (the same real-data fixtures, defined once)


def editions_frame(template, ranks_by_edition: dict[int, list[int]], names=NAMES) -> pd.DataFrame:
    """Allianz-shaped rows, one per named risk and edition, with the real dataset's attrs."""
    rows = [{"edition": e, "rank": r, "risk": n, "value": np.nan, "unit": "% of responses",
             "status": "verified_secondary", "source_id": "risk_agcs_arb", "quote": "", "formula": "", "note": ""}
            for e, ranks in ranks_by_edition.items() for n, r in zip(names, ranks)]
    frame = pd.DataFrame(rows)
    frame.attrs = dict(template.attrs)
    return frame


# --- Kendall's S and tau-b ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(8))
def test_tau_b_matches_scipy_on_random_rankings_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 11))
    x, y = rng.integers(1, n, n), rng.integers(1, n, n)  # fewer values than risks: ties are certain
    if models.tau_b_denominator(x, y) == 0:
        pytest.skip("a constant ranking has no tau-b")
    tau = models.kendall_s(x, y) / models.tau_b_denominator(x, y)
    assert tau == pytest.approx(stats.kendalltau(x, y).statistic)


def test_kendall_s_counts_concordant_minus_discordant_pairs():
    assert models.kendall_s([1, 2, 3, 4], [1, 2, 3, 4]) == 6
    assert models.kendall_s([1, 2, 3, 4], [4, 3, 2, 1]) == -6
    assert models.kendall_s([1, 2, 3], [1, 1, 2]) == 2  # the pair tied in y counts zero


def test_statistics_over_many_draws_equal_one_draw_at_a_time():
    rng = np.random.default_rng(1)
    x, y = rng.permutation(7) + 1.0, rng.permutation(7) + 1.0
    idx = rng.integers(0, 7, size=(50, 7))
    s, d = models._s_and_denominator(x[idx], y[idx])
    assert list(s) == [models.kendall_s(x[i], y[i]) for i in idx]
    assert np.allclose(d, [models.tau_b_denominator(x[i], y[i]) for i in idx])


# --- the exact null distribution ---------------------------------------------------------------------

@pytest.mark.parametrize("x, y", [([1, 2, 3, 4, 5], [5, 3, 1, 2, 4]), ([1, 1, 2, 3, 4, 5], [2, 1, 3, 6, 5, 4]),
                                  ([1, 2, 3, 4, 4, 6, 7], [1, 2, 3, 4, 5, 6, 7])])
def test_null_distribution_sums_to_one_and_is_symmetric(x, y):
    dist = models.null_distribution(x, y)
    assert dist.sum() == pytest.approx(1)
    assert np.allclose(dist.to_numpy(), dist.loc[-dist.index].to_numpy())


def test_null_distribution_gives_each_ordering_equal_weight():
    dist = models.null_distribution([1, 2, 3, 4], [1, 2, 3, 4])
    assert dist.loc[6] == pytest.approx(1 / math.factorial(4))  # only the identity is perfectly concordant
    assert dist.index.max() == 6 and dist.index.min() == -6


def test_exact_p_value_matches_scipy_without_ties():
    x, y = [1, 2, 3, 4, 5, 6, 7], [2, 1, 4, 3, 7, 5, 6]
    dist = models.null_distribution(x, y)
    p = dist[dist.index >= models.kendall_s(x, y)].sum()
    assert p == pytest.approx(stats.kendalltau(x, y, method="exact", alternative="greater").pvalue)


# --- the stability test on synthetic editions ---------------------------------------------------------

def test_identical_editions_give_tau_one_and_the_smallest_p(italy):
    frame = editions_frame(italy, {e: [1, 2, 3, 4, 5, 6] for e in range(2019, 2024)})
    out = models.stability(frame, "test", n_boot=200)
    pairs, pooled = out[out.pair != "all pairs"], out[out.pair == "all pairs"].iloc[0]
    assert np.allclose(pairs.tau, 1) and (pairs.n_risks == 6).all()
    assert np.allclose(pairs.p_value, 1 / math.factorial(6)) and np.allclose(pairs.p_value, pairs.min_p)
    assert pooled.tau == pytest.approx(1) and pooled.ci_low == pytest.approx(1) == pooled.ci_high
    assert pooled.p_value == pytest.approx((1 / math.factorial(6)) ** 4)


def test_reversed_editions_give_tau_minus_one_and_p_one(italy):
    frame = editions_frame(italy, {e: [1, 2, 3, 4, 5, 6] if e % 2 else [6, 5, 4, 3, 2, 1] for e in range(2019, 2024)})
    pooled = models.stability(frame, "test", n_boot=200).query("pair == 'all pairs'").iloc[0]
    assert pooled.tau == pytest.approx(-1) and pooled.p_value == pytest.approx(1)


def test_random_editions_give_an_interval_around_the_estimate(italy):
    rng = np.random.default_rng(7)
    frame = editions_frame(italy, {e: list(rng.permutation(6) + 1) for e in range(2019, 2024)})
    pooled = models.stability(frame, "test", n_boot=500).query("pair == 'all pairs'").iloc[0]
    assert pooled.ci_low < pooled.tau < pooled.ci_high


def test_pairs_with_too_few_shared_risks_are_reported_not_tested(italy):
    ranks = {2019: [1, 2, 3, 4, 5, 6], 2020: [1, 2, 3, 4, 5, 6]}
    frame = pd.concat([editions_frame(italy, ranks),
                       editions_frame(italy, {2021: [3, 1]}, names=NAMES[:models.MIN_RISKS - 1])])
    frame.attrs = dict(italy.attrs)
    out = models.stability(frame, "test", n_boot=100).set_index("pair")
    assert not out.loc["2020-2021", "comparable"] and out.loc["2020-2021", "n_risks"] == models.MIN_RISKS - 1
    assert out.loc["all pairs", "n_risks"] == 6  # only the tested pair is pooled


def test_the_bootstrap_is_fixed_by_its_seed():
    rng = np.random.default_rng(3)
    tested = [(rng.permutation(6) + 1.0, rng.permutation(6) + 1.0) for _ in range(3)]
    a, b = models.bootstrap_tau(tested, 400, seed=5), models.bootstrap_tau(tested, 400, seed=5)
    assert np.array_equal(a, b) and not np.array_equal(a, models.bootstrap_tau(tested, 400, seed=6))
    assert len(a) <= 400 and ((-1 <= a) & (a <= 1)).all()


def test_shift_by_start_separates_the_leaders(italy):
    frame = editions_frame(italy, {e: [1, 2, 3, 4, 5, 6] if e % 2 else [1, 2, 6, 5, 4, 3] for e in range(2019, 2024)})
    out = models.shift_by_start(frame, top=2)
    assert out["top_shift"] == 0 and out["rest_shift"] == pytest.approx((3 + 1 + 1 + 3) / 4)
    assert out["top_n"] + out["rest_n"] == 4 * 6


# --- the real rankings: invariants ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def result(italy, world):
    return models.stability_both(italy, world, n_boot=300)


def test_no_pair_goes_below_the_smallest_p_its_null_allows(result):
    tested = result[(result.pair != "all pairs") & result.comparable]
    assert (tested.p_value >= tested.min_p - 1e-12).all()
    assert (tested.min_p >= 1 / tested.n_risks.map(math.factorial) - 1e-15).all()


def test_pooled_rows_add_up_their_pairs(result):
    for scope, rows in result.groupby("scope"):
        tested = rows[(rows.pair != "all pairs") & rows.comparable]
        pooled = rows[rows.pair == "all pairs"].iloc[0]
        assert pooled.n_risks == tested.n_risks.sum() and pooled.s == tested.s.sum(), scope
        assert pooled.ci_low <= pooled.tau <= pooled.ci_high, scope


def test_summary_is_plain_numbers_within_their_interval(result):
    summary = models.stability_summary(result)
    assert all(type(v) in (int, float) for v in summary.values())
    for key in ("it", "gl"):
        assert summary[f"{key}_lo"] <= summary[f"{key}_tau"] <= summary[f"{key}_hi"]
        assert summary[f"{key}_nmin"] <= summary[f"{key}_nmax"]
