"""The tables of section 1.2, for people: units in headers, a status and a source per row."""

from __future__ import annotations

import pandas as pd

from ..common import tables
from ..common.tables import Column
from . import data as trade_data
from . import models
from .labels import EVIDENCE


def istat(istat_frame: pd.DataFrame) -> tables.Table:
    """Every ISTAT row: full years, gaps and part-years, with the change as published."""
    return tables.table(
        trade_data.istat_rows(istat_frame),
        [Column("period_label", "Period"), Column("flow_label", "Flow"), Column("value", "Value (EUR bn)", "{:,}"),
         Column("yoy_change_pct", "Published change on previous year (%)", "{:+.1f}"), Column("basis", "Value is")],
        caption="Italy's trade in goods with China, ISTAT basis (billion euros)",
        note="'not available' in the change column means no change was published with the value. "
             "Part-year periods cover only the months named.",
        name="trade-istat",
    )


def crossborder(ecom: pd.DataFrame, note: str | None = None) -> tables.Table:
    """Every edition's values by year, gaps kept; ``note`` is the page's word on the table."""
    return tables.table(
        trade_data.crossborder(ecom),
        [Column("edition_label", "Edition"), Column("year", "Year"), Column("kind_label", "Value is"),
         Column("value", "Sales (USD bn)", "{:,}")],
        caption="China's cross-border retail e-commerce sales by edition (billion US dollars)",
        note=note,
        name="trade-crossborder-editions",
    )


def level_shift(result: pd.DataFrame, annual: pd.DataFrame) -> tables.Table:
    """The level-shift estimates per flow, with both kinds of interval and what they say."""
    brk = int(result.break_year.iloc[0])
    shown = result.assign(evidence_label=result.evidence.map(EVIDENCE))
    return tables.numbers(
        shown,
        [Column("flow_label", "Flow"), Column("n", "Years used", "{:d}"),
         Column("trend", "Trend (EUR bn a year)", "{:+.2f}"),
         Column("shift_bn", f"Change in level from {brk} (EUR bn)", "{:+.2f}"),
         Column("ci_low", "95% interval, low (HAC)", "{:+.2f}"),
         Column("ci_high", "95% interval, high (HAC)", "{:+.2f}"),
         Column("p_value", "p-value (HAC)", "{:.2g}"),
         Column("ci_low_ols", "95% interval, low (ordinary SE)", "{:+.2f}"),
         Column("ci_high_ols", "95% interval, high (ordinary SE)", "{:+.2f}"),
         Column("evidence_label", "Which intervals exclude zero")],
        caption=f"Change in the level of Italy-China trade from {brk}, over a linear trend (ISTAT, billion euros)",
        data=models.fit_rows(annual, result),
        name="trade-level-shift",
    )
