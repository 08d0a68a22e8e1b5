"""Is the shift in employment shares larger than rounding? One least-squares line per size class.

Model: share_t = a + b * (year_t - first year) + e_t for each size class, fitted by least squares,
where the only error assumed is rounding to ``decimals`` places: e_t ~ Uniform(-h, h) with
h = 0.5 * 10**-decimals, so Var(e_t) = h**2 / 3 is fixed rather than estimated (a few census years leave
too few residuals to estimate it). Census sampling error is not published in these sources, so the intervals
are a lower bound on the true uncertainty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .. import datasets
from .data import CENSUS_CLASSES, CLASS_LABELS


def rounding_half(decimals: int = 1) -> float:
    """Half a unit of the last published digit: the largest error rounding adds to one value."""
    return 0.5 * 10 ** -decimals


def _fit_class(sub: pd.DataFrame, scale: float):
    years = sub.year.to_numpy(dtype=float)
    design = sm.add_constant(years - years.min(), has_constant="add")
    return sm.OLS(sub.value.to_numpy(dtype=float), design).fit(cov_type="fixed scale", cov_kwds={"scale": scale})


def fitted_rows(shares: pd.DataFrame) -> pd.DataFrame:
    """The rows ``rounding_test`` fits: the census classes (not a combined one) with a value."""
    return datasets.subset(shares, shares.size_class.isin(CENSUS_CLASSES) & shares.value.notna())


def rounding_test(shares: pd.DataFrame, decimals: int = 1, alpha: float = 0.05) -> pd.DataFrame:
    """Trend in each class's share (percentage points per decade) with its interval, against rounding.

    ``shares`` has ``year``, ``size_class`` and ``value`` (``data.size_mix(census, "share_of_employment")``).
    One row per size class: the change from first to last year, the largest change rounding alone
    could produce (``max_rounding_pp``) and that change's multiple (``times_rounding``), the slope with
    its (1 - alpha) interval, z and p (``exceeds_rounding`` when p < alpha), and the misfit chi-square.
    """
    half = rounding_half(decimals)
    scale = half ** 2 / 3
    rows, fitted = [], fitted_rows(shares)
    for size_class in [c for c in CENSUS_CLASSES if c in set(fitted.size_class)]:
        sub = fitted[fitted.size_class == size_class].sort_values("year")
        fit = _fit_class(sub, scale)
        low, high = fit.conf_int(alpha=alpha)[1] * 10
        change = float(sub.value.iloc[-1] - sub.value.iloc[0])
        rows.append({
            "size_class": CLASS_LABELS[size_class], "first_year": int(sub.year.iloc[0]),
            "last_year": int(sub.year.iloc[-1]), "n": len(sub),
            "change_pp": round(change, 10), "max_rounding_pp": 2 * half,
            "times_rounding": abs(change) / (2 * half),
            "slope_pp_per_decade": float(fit.params[1] * 10), "ci_low": float(low), "ci_high": float(high),
            "z": float(fit.tvalues[1]), "p_value": float(fit.pvalues[1]),
            "exceeds_rounding": bool(fit.pvalues[1] < alpha),
            "misfit_chi2": float(np.sum(fit.resid ** 2) / scale), "misfit_df": int(fit.df_resid),
        })
    return datasets.with_provenance(pd.DataFrame(rows), shares)


def rounding_verdict(result: pd.DataFrame) -> dict:
    """The counts a title and the page's text both state: classes whose trend exceeds rounding, of all."""
    return {"exceeding": int(result.exceeds_rounding.sum()), "classes": len(result),
            "every": bool(result.exceeds_rounding.all()),
            "first_year": int(result.first_year.min()), "last_year": int(result.last_year.max()),
            "max_rounding_pp": float(result.max_rounding_pp.iloc[0])}
