"""The log-linear growth trend, fitted once, with its confidence interval and prediction band.

Model: log(y_t) = a + b * (x_t - centre) + e_t, ordinary least squares, e_t independent
N(0, s^2). The implied growth per unit of x is exp(b) - 1; its 95% interval is
exp(b +/- t_0.975 * se(b)) - 1. Predictions come from statsmodels' ``get_prediction`` on the log
scale (``obs_ci``: parameter uncertainty plus residual variance), exponentiated, so the point
forecast is the median of a log-normal forecast, not its mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm


@dataclass(frozen=True)
class Trend:
    """A fitted log-linear trend; ``summary()`` gives its numbers as one tidy row."""
    fit: object
    centre: float
    alpha: float
    first: float
    last: float

    @property
    def growth(self) -> float:
        """Implied growth per period, as a fraction (0.48 for 48%)."""
        return float(np.expm1(self.fit.params[1]))

    @property
    def interval(self) -> tuple[float, float]:
        low, high = self.fit.conf_int(alpha=self.alpha)[1]
        return float(np.expm1(low)), float(np.expm1(high))

    def summary(self) -> dict:
        low, high = self.interval
        fit = self.fit
        return {"first": self.first, "last": self.last, "n": int(fit.nobs), "df_resid": int(fit.df_resid),
                "intercept": float(fit.params[0]), "slope": float(fit.params[1]), "slope_se": float(fit.bse[1]),
                "growth": self.growth, "ci_low": low, "ci_high": high, "r_squared": float(fit.rsquared),
                "resid_sd": float(np.sqrt(fit.scale)),
                "durbin_watson": float(sm.stats.durbin_watson(fit.resid))}

    def predict(self, x) -> pd.DataFrame:
        """Median forecast and the (1 - alpha) prediction interval at each x, on the original scale."""
        x = np.asarray(x, dtype=float)
        design = sm.add_constant(x - self.centre, has_constant="add")
        frame = self.fit.get_prediction(design).summary_frame(alpha=self.alpha)
        return pd.DataFrame({"x": x, "forecast": np.exp(frame["mean"].to_numpy()),
                             "pi_low": np.exp(frame["obs_ci_lower"].to_numpy()),
                             "pi_high": np.exp(frame["obs_ci_upper"].to_numpy())})


def loglinear(x, y, centre: float | None = None, alpha: float = 0.05, min_points: int = 3) -> Trend:
    """Fit log(y) on x. ``centre`` shifts x so the intercept is the level there (default: the last x).

    Raises ValueError with fewer than ``min_points`` points (two fix a line and leave no residual
    to measure uncertainty) or any y that is not positive (its log is undefined).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < min_points:
        raise ValueError(f"a trend needs at least {min_points} points, got {len(x)}")
    if (y <= 0).any() or not np.isfinite(y).all():
        raise ValueError("a log-linear trend needs positive, finite values")
    centre = float(x.max()) if centre is None else float(centre)
    fit = sm.OLS(np.log(y), sm.add_constant(x - centre, has_constant="add")).fit()
    return Trend(fit=fit, centre=centre, alpha=alpha, first=float(x.min()), last=float(x.max()))


def cagr(first_value: float, last_value: float, periods: float) -> float:
    """Compound growth per period between two values, as a fraction; NaN over no periods."""
    if periods <= 0:
        return float("nan")
    return float((last_value / first_value) ** (1 / periods) - 1)
