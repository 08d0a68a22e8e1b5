"""Alibaba's tables for people: units in the headers, a status and a source per row, a stable name each."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.tables import Column, Table, numbers, table
from .. import datasets
from . import data as d
from .models import fit_window
from .labels import TOPIC_TITLES, fy


def segments(segment: pd.DataFrame) -> Table:
    """Revenue by segment and line in each fiscal year, with the last year's growth and share."""
    rows = d.segment_table(segment)
    years = sorted(segment.fiscal_year.unique())
    top = ", ".join(rows[rows.parent_segment.isna() & (rows.segment != "total")].label.str.lower())
    return table(
        rows,
        [Column("label", "Segment or revenue line")]
        + [Column(f"fy{y}", f"{fy(y)} (RMB million)", "{:,.0f}") for y in years]
        + [Column("growth_pct", f"Growth {fy(years[-1])} (%, derived)", "{:+.1f}"),
           Column("share_pct", f"Share of {fy(years[-1])} revenue (%, derived)", "{:.1f}")],
        caption=f"Alibaba Group revenue by segment, {fy(years[0])}-{fy(years[-1])}",
        note=(f"Growth = this year / last year - 1; share = line / total revenue. The total is the sum of the "
              f"top-level segments ({top})."),
        name="alibaba-segments",
    )


def december_quarter(dq: pd.DataFrame, thesis_tables=(4, 5), *, name: str, caption: str | None = None,
                     line_items=None) -> Table:
    """December-quarter values as the page shows them: one row per value, with status and source.

    ``name`` is the table's id: the page shows several selections of the same data.
    """
    rows = d.december_quarter(dq, thesis_tables, line_items)
    searched = " / ".join(dict.fromkeys(rows[rows.status == "not_found"].note.dropna()))
    years = " and ".join(sorted({q[:4] for q in rows.quarter}))
    numbers_ = " and ".join(str(t) for t in thesis_tables)
    return table(
        rows,
        [Column("line_label", "Line item"), Column("quarter_label", "Quarter"), Column("table_label", "In the thesis"),
         Column("value_text", "Value"), Column("unit", "Unit"),
         Column("remark", "What to know (thesis-only and derived rows)")],
        caption=caption or f"December quarters {years}: the values behind the thesis's Tables {numbers_}",
        note="Values are in the unit shown (RMB m = RMB million)."
             + (f" Where a value is not available, what was searched: {searched}" if searched else ""),
        name=name,
    )


def facts(facts_frame: pd.DataFrame, topic: str, caption: str | None = None) -> Table:
    """A small table of one topic's facts, with status and source per row (named after the topic)."""
    return table(
        d.facts(facts_frame, topic),
        [Column("fact", "Fact"), Column("period", "Period"), Column("value_text", "Value (unit)"),
         Column("note", "What to know")],
        caption=caption or TOPIC_TITLES.get(topic, topic),
        note=("'As quoted by the thesis': only the thesis gives the value; it could not be checked. Values stored "
              "as bounds ('more than', 'over') say so under 'What to know'."),
        name="alibaba-facts-" + topic.replace("_", "-"),
    )


def trend(summary: pd.DataFrame, annual: pd.DataFrame) -> Table:
    """The growth model's results in one row."""
    level = f"{summary.confidence_pct.iloc[0]:.0f}%"
    view = summary.assign(window=summary.first_year.map(fy) + "-" + summary.last_year.map(fy))
    return numbers(
        view,
        [Column("window", "Fit window"), Column("n", "Years (n)", "{:.0f}"),
         Column("growth_pct", "Implied growth (% a year)", "{:.1f}"),
         Column("ci_low_pct", f"{level} CI, low (%)", "{:.1f}"),
         Column("ci_high_pct", f"{level} CI, high (%)", "{:.1f}"),
         Column("r_squared", "R²", "{:.3f}"), Column("durbin_watson", "Durbin-Watson", "{:.2f}")],
        caption="Log-linear trend of Alibaba Group revenue (OLS on log revenue)",
        data=fit_window(annual),
        name="alibaba-trend",
    )


def forecast(forecast_frame: pd.DataFrame, annual: pd.DataFrame) -> Table:
    """Forecast against what happened, year by year after the fit window."""
    first, cut = forecast_frame.attrs["fit_first"], forecast_frame.attrs["fit_last"]
    level = f"{forecast_frame.attrs['confidence_pct']:.0f}%"
    ahead = forecast_frame[forecast_frame.kind == "forecast"].copy()
    ahead["inside_text"] = np.where(ahead.inside, "yes", "no")
    return numbers(
        ahead,
        [Column("fy_label", "Fiscal year"),
         Column("forecast_bn", "Trend forecast (RMB bn)", "{:,.0f}"),
         Column("pi_low_bn", f"{level} prediction interval, low (RMB bn)", "{:,.0f}"),
         Column("pi_high_bn", f"{level} prediction interval, high (RMB bn)", "{:,.0f}"),
         Column("actual_bn", "Actual (RMB bn)", "{:,.0f}"),
         Column("ratio", "Actual / forecast", "{:.2f}"),
         Column("inside_text", "Actual inside the interval?")],
        caption=f"What a trend fitted to {fy(first)}-{fy(cut)} forecast, and what happened",
        data=datasets.subset(annual, annual.fiscal_year.isin([*fit_window(annual).fiscal_year, *ahead.fiscal_year])),
        name="alibaba-forecast",
    )
