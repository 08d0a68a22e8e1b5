"""How fast Alibaba was growing when the thesis was written, and what that trend would have forecast.

One model, fitted once per page: ``growth_trend`` fits ``common.trends.loglinear`` (log revenue on
fiscal year, OLS) to the audited years the thesis could see (``common.editions.thesis_saw``: the
package's one cutoff). ``summary`` and ``forecast`` read that fit; they never refit it. The
unaudited years (which include Alipay) are drawn but never fitted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import datasets
from ..common import editions, trends
from .data import revenue
from .labels import fy

MODEL = "log(revenue) ~ fiscal year (OLS)"


def fit_window(annual: pd.DataFrame) -> pd.DataFrame:
    """The audited years with a value whose annual report the thesis could have read."""
    data = revenue(annual)
    return datasets.subset(data, data.audited & editions.thesis_saw(data) & data.value.notna())


def growth_trend(annual: pd.DataFrame, alpha: float = 0.05) -> trends.Trend:
    """The log-linear trend of revenue over ``fit_window`` (centred on its last year).

    The implied annual growth is exp(b) - 1 with its (1 - alpha) confidence interval; see
    ``common.trends``. ValueError when fewer than three years can be fitted.
    """
    window = fit_window(annual)
    return trends.loglinear(window.fiscal_year, window.value, alpha=alpha)


def summary(trend: trends.Trend, annual: pd.DataFrame) -> pd.DataFrame:
    """The fit in one tidy row, in per cent, with the compound growth from its last year to the newest.

    ``cagr_after_pct`` = ((revenue_newest / revenue_last_fitted) ^ (1 / years) - 1) x 100.
    """
    s = trend.summary()
    rev = annual.set_index("fiscal_year").value
    last, newest = int(s["last"]), int(editions.newest(annual))
    out = pd.DataFrame([{
        "model": MODEL, "first_year": int(s["first"]), "last_year": last, "n": s["n"],
        "slope": s["slope"], "slope_se": s["slope_se"], "confidence_pct": (1 - trend.alpha) * 100,
        "growth_pct": s["growth"] * 100, "ci_low_pct": s["ci_low"] * 100, "ci_high_pct": s["ci_high"] * 100,
        "r_squared": s["r_squared"], "resid_sd": s["resid_sd"], "durbin_watson": s["durbin_watson"],
        "cagr_after_pct": trends.cagr(rev[last], rev[newest], newest - last) * 100,
        "after_from": last, "after_to": newest,
    }])
    return datasets.with_provenance(out, annual)


def forecast(trend: trends.Trend, annual: pd.DataFrame) -> pd.DataFrame:
    """The trend's median forecast and (1 - alpha) prediction interval for every year from its first.

    Rows: ``kind`` = "fit" inside the window, "forecast" after it; ``ratio`` = actual / forecast;
    ``inside`` = the actual value lies within the prediction interval. ``attrs`` add the window
    (``fit_first``, ``fit_last``) and the interval's ``confidence_pct``.
    """
    data = revenue(annual)
    years = data.fiscal_year[data.fiscal_year >= trend.first].to_numpy()
    pred = trend.predict(years)
    out = pd.DataFrame({
        "fiscal_year": years, "fy_label": [fy(y) for y in years],
        "kind": np.where(years <= trend.last, "fit", "forecast"),
        "forecast": pred.forecast.to_numpy(), "pi_low": pred.pi_low.to_numpy(), "pi_high": pred.pi_high.to_numpy(),
        "actual": data.set_index("fiscal_year").value.reindex(years).to_numpy(),
    })
    out["ratio"] = out.actual / out.forecast
    out["inside"] = (out.actual >= out.pi_low) & (out.actual <= out.pi_high)
    for col in ("forecast", "pi_low", "pi_high", "actual"):
        out[col + "_bn"] = out[col] / 1000
    datasets.with_provenance(out, annual)
    out.attrs.update(fit_first=int(trend.first), fit_last=int(trend.last), confidence_pct=(1 - trend.alpha) * 100)
    return out


def against_trend(annual: pd.DataFrame, summary_row: pd.DataFrame) -> pd.DataFrame:
    """Each like-for-like year's growth on the year before, placed against the trend's window.

    ``period``: "window" (a year inside the fit window, after its first), "after" (after the window),
    or "not_like_for_like" (growth against an unaudited year); ``below_interval``: growth under the
    trend's confidence interval.
    """
    t = summary_row.iloc[0]
    data = revenue(annual)
    data = datasets.subset(data, data.growth_pct.notna())
    data["period"] = np.select(
        [~data.like_for_like, data.fiscal_year > t.last_year, data.fiscal_year > t.first_year],
        ["not_like_for_like", "after", "window"], default="not_like_for_like")
    data["below_interval"] = data.growth_pct < t.ci_low_pct
    return data
