"""The two models of section 1.2, fitted once per page, returning tidy frames with their uncertainty.

- ``level_shift``: did Italy-China trade sit at a different level after the years the thesis could
  see? Least squares with Newey-West (HAC) standard errors, and ordinary ones beside them.
- ``crossborder_growth``: the growth rate implied by one eMarketer edition (``common.trends.loglinear``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .. import datasets
from ..common import editions, trends
from . import data as trade_data
from .labels import EDITIONS, ISTAT_FLOWS, THESIS_TABLE


# --- a level shift after the thesis, HAC standard errors ------------------------------------------

def level_shift(annual: pd.DataFrame, flows: tuple[str, ...] = ("exports", "imports"), break_year: int | None = None,
                maxlags: int = 1, drop_lower_bounds: bool = True) -> pd.DataFrame:
    """Change in the level of each flow from ``break_year`` on, over a linear trend.

    ``annual`` is ``data.istat_annual(istat)``. Model, per flow: value_t = a + b * (year_t - break_year)
    + c * post_t + e_t, with post_t = 1 from ``break_year`` on (default: the first year with a value
    after the newest one the thesis could see). Least squares; standard errors are Newey-West (HAC)
    with ``maxlags`` lags and the small-sample correction, intervals from the t distribution, and
    the ordinary ones beside them. Lower bounds ('more than X') are dropped by default because they
    are not levels. Missing years are simply absent: the lag structure treats neighbouring available
    years as adjacent, an approximation. ``evidence`` says which 95% intervals for c exclude zero.
    """
    break_year = trade_data.first_unseen_year(annual) if break_year is None else break_year
    rows = [_fit_flow(annual, flow, break_year, maxlags, drop_lower_bounds) for flow in flows]
    out = pd.DataFrame(rows)
    hac = (out.ci_low > 0) | (out.ci_high < 0)
    ols = (out.ci_low_ols > 0) | (out.ci_high_ols < 0)
    out["hac_excludes_zero"], out["ols_excludes_zero"] = hac, ols
    out["evidence"] = np.select([hac & ols, hac, ols], ["both", "hac_only", "ols_only"], default="neither")
    return datasets.with_provenance(out, annual)


def _fit_flow(annual: pd.DataFrame, flow: str, break_year: int, maxlags: int, drop_lower_bounds: bool) -> dict:
    sub = annual[(annual.flow == flow) & annual.value.notna()]
    dropped = sub[sub.lower_bound].year.tolist() if drop_lower_bounds else []
    sub = (sub[~sub.lower_bound] if drop_lower_bounds else sub).sort_values("year")
    post = (sub.year >= break_year).to_numpy(dtype=float)
    if post.sum() < 1 or (1 - post).sum() < 2:
        raise ValueError(f"{flow}: need at least two years before {break_year} and one from it on")
    X = np.column_stack([np.ones(len(sub)), (sub.year - break_year).to_numpy(dtype=float), post])
    y = sub.value.to_numpy(dtype=float)
    fit = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True}, use_t=True)
    plain = sm.OLS(y, X).fit()
    ci, ci_plain = fit.conf_int(alpha=0.05), plain.conf_int(alpha=0.05)
    return {
        "flow": flow, "flow_label": ISTAT_FLOWS[flow], "n": int(len(sub)),
        "first_year": int(sub.year.min()), "last_year": int(sub.year.max()),
        "n_post": int(post.sum()), "break_year": int(break_year),
        "years": ", ".join(map(str, sub.year)), "dropped_lower_bounds": ", ".join(map(str, dropped)),
        "n_post_derived": int(((sub.year >= break_year) & (sub.status == "derived")).sum()),
        "const": fit.params[0], "trend": fit.params[1], "trend_ci_low": ci[1][0], "trend_ci_high": ci[1][1],
        "shift_bn": fit.params[2], "se_hac": fit.bse[2], "se_ols": plain.bse[2],
        "ci_low": ci[2][0], "ci_high": ci[2][1], "p_value": fit.pvalues[2],
        "ci_low_ols": ci_plain[2][0], "ci_high_ols": ci_plain[2][1], "p_value_ols": plain.pvalues[2],
        "df_resid": int(fit.df_resid), "maxlags": maxlags, "r2": fit.rsquared,
    }


def fit_rows(annual: pd.DataFrame, result: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``annual`` each flow's fit used (its ``years``), for a table or chart to cite."""
    used = {(r.flow, int(y)) for r in result.itertuples() for y in str(r.years).split(", ") if y}
    return datasets.subset(annual, [k in used for k in zip(annual.flow, annual.year)])


def evidence_groups(result: pd.DataFrame) -> dict[str, list[str]]:
    """The flows sharing each verdict of the two intervals, e.g. {"hac_only": ["exports", "imports"]}."""
    return {e: list(g.flow) for e, g in result.groupby("evidence", sort=False)}


def level_shift_lines(result: pd.DataFrame) -> pd.DataFrame:
    """Fitted lines from the estimates: before, after, and the earlier trend carried on (no refit)."""
    rows = []
    for r in result.itertuples():
        for year in range(r.first_year, r.last_year + 1):
            t, post = year - r.break_year, year >= r.break_year
            rows.append({"flow": r.flow, "flow_label": r.flow_label, "year": year,
                         "line": "fitted, after" if post else "fitted, before",
                         "fitted": r.const + r.trend * t + (r.shift_bn if post else 0.0)})
            if year >= r.break_year - 1:
                rows.append({"flow": r.flow, "flow_label": r.flow_label, "year": year,
                             "line": "earlier trend carried on", "fitted": r.const + r.trend * t})
    return pd.DataFrame(rows)


# --- growth of cross-border e-commerce, within one edition ----------------------------------------

FIT_COLUMNS = ["growth", "ci_low", "ci_high", "slope", "se", "r2", "df_resid"]


@dataclass(frozen=True)
class Growth:
    """One trend per edition (``editions``), and for the selected edition the values it used
    (``points``) and the 95% band for the trend (``band``: year, fitted, low, high)."""
    editions: pd.DataFrame
    points: pd.DataFrame
    band: pd.DataFrame

    @property
    def selected(self) -> pd.Series | None:
        chosen = self.editions[self.editions.selected]
        return None if chosen.empty else chosen.iloc[0]


def crossborder_growth(ecom: pd.DataFrame, min_points: int = 4) -> Growth:
    """Implied annual growth from a log-linear trend (``trends.loglinear``), within one edition only.

    Editions are never pooled: eMarketer revised its series. Basis: an edition's non-forecast values
    (kind 'estimate') when some edition has at least ``min_points`` of them; otherwise every value
    of each edition, forecasts included, which describes the path the edition assumed rather than
    observed growth. Editions with fewer than ``min_points`` values get no fit (NaN). ``selected``
    marks the edition reported: the one with the most points on the basis used.
    """
    data = trade_data.crossborder(ecom)
    data = data[data.value.notna() & (data.edition != THESIS_TABLE)]
    actual = data[data.kind == "estimate"]
    use_actual = not actual.empty and actual.groupby("edition").size().max() >= min_points
    pool = actual if use_actual else data
    counts = pool.groupby("edition").size()
    best = counts.idxmax() if not counts.empty and counts.max() >= min_points else None
    rows, points, band = [], data.iloc[:0], pd.DataFrame(columns=["year", "fitted", "low", "high"])
    for edition in [e for e in EDITIONS if e in set(data.edition)]:
        sub = pool[pool.edition == edition].sort_values("year")
        row = {"edition": edition, "edition_label": EDITIONS[edition],
               "n_estimates": int((actual.edition == edition).sum()), "n_values": int((data.edition == edition).sum()),
               "basis_estimates_only": bool(use_actual), "n_fit": int(len(sub)), "years": ", ".join(map(str, sub.year)),
               "selected": edition == best, "min_points": min_points, **dict.fromkeys(FIT_COLUMNS, np.nan)}
        if len(sub) >= min_points:
            trend = trends.loglinear(sub.year, sub.value, min_points=min_points)
            s = trend.summary()
            row.update(growth=s["growth"], ci_low=s["ci_low"], ci_high=s["ci_high"], slope=s["slope"],
                       se=s["slope_se"], r2=s["r_squared"], df_resid=s["df_resid"])
            if edition == best:
                points, band = sub, _trend_band(trend)
        rows.append(row)
    return Growth(editions=datasets.with_provenance(pd.DataFrame(rows), ecom),
                  points=datasets.subset(points, points.index), band=band)


def _trend_band(trend: trends.Trend) -> pd.DataFrame:
    """The fitted trend and its 95% confidence band (for the trend, not for single values), each year."""
    years = np.arange(int(trend.first), int(trend.last) + 1)
    design = sm.add_constant(years - trend.centre, has_constant="add")
    pred = trend.fit.get_prediction(design).summary_frame(alpha=trend.alpha)
    return pd.DataFrame({"year": years, "fitted": np.exp(pred["mean"].to_numpy()),
                         "low": np.exp(pred["mean_ci_lower"].to_numpy()),
                         "high": np.exp(pred["mean_ci_upper"].to_numpy())})


# --- the models' numbers for the page's glue ------------------------------------------------------

def model_numbers(shift: pd.DataFrame, growth: Growth, annual: pd.DataFrame) -> dict[str, float | int | str]:
    """The models' results as plain numbers and lists for the page (the page writes the sentences)."""
    out: dict[str, float | int | str] = {}
    for r in shift.itertuples():
        key = {"exports": "exp", "imports": "imp"}.get(r.flow, r.flow)
        out.update({f"{key}_shift": r.shift_bn, f"{key}_ci_low": r.ci_low, f"{key}_ci_high": r.ci_high,
                    f"{key}_ci_low_ols": r.ci_low_ols, f"{key}_ci_high_ols": r.ci_high_ols, f"{key}_p": r.p_value,
                    f"{key}_n": r.n, f"{key}_n_post": r.n_post, f"{key}_post_derived": r.n_post_derived,
                    f"{key}_years": r.years, f"{key}_se_ratio": r.se_hac / r.se_ols})
    used = annual[annual.flow.isin(shift.flow)]
    dropped = sorted({y for d in shift.dropped_lower_bounds for y in str(d).split(", ") if y})
    out.update(shift_break_year=int(shift.break_year.iloc[0]), shift_seen_year=int(editions.last_seen(annual)),
               shift_maxlags=int(shift.maxlags.iloc[0]),
               shift_missing_years=", ".join(map(str, trade_data.missing_years(used))) or "none",
               shift_dropped=", ".join(dropped) if dropped else "none")
    table = growth.editions
    out.update(growth_max_estimates=int(table.n_estimates.max()), growth_min_points=int(table.min_points.iloc[0]))
    chosen = growth.selected
    if chosen is not None:
        out.update(growth_rate=chosen.growth, growth_ci_low=chosen.ci_low, growth_ci_high=chosen.ci_high,
                   growth_n=chosen.n_fit, growth_df=chosen.df_resid, growth_edition=chosen.edition_label,
                   growth_years=chosen.years)
    return out
