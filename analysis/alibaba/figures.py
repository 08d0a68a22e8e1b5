"""Alibaba's revenue charts (group, segments, December quarters, Alibaba.com, trend): Altair specs only.

Titles, notes and alt text are composed from the numbers drawn, and each chart cites the rows it draws;
what the book says about the thesis and its sources is on the pages. The facts' charts are in
``fact_figures``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import datasets
from ..common import lookup, style
from ..common.style import FOCUS, MUTED, PALETTE, finish, tooltip
from ..common.words import number_word
from . import data as d
from .models import against_trend
from .labels import (ALIBABA_COM, AUDITED, LEAF_SEGMENTS, LINE_LABELS, OTHER_SEGMENTS, QUARTER_LABELS,
                     QUARTER_RMB_LINES, SEGMENT_LABELS, UNAUDITED, UNAUDITED_NOTE, WHOLESALE, fy)

FISCAL_YEAR = "Fiscal year (ending 31 March)"
HIGHLIGHT = alt.Scale(domain=[ALIBABA_COM, OTHER_SEGMENTS], range=[FOCUS, MUTED])


def _fill() -> alt.Fill:
    return alt.Fill("basis:N", title="Basis", scale=alt.Scale(domain=[AUDITED, UNAUDITED], range=[FOCUS, "#ffffff"]),
                    legend=alt.Legend(symbolStrokeColor=FOCUS, symbolStrokeWidth=1.5, symbolType="square"))


def _revenue_bars(data: pd.DataFrame) -> alt.Chart:
    return alt.Chart(data).mark_bar(stroke=FOCUS, strokeWidth=1.5).encode(
        x=alt.X("fy_label:O", title=FISCAL_YEAR, sort=list(data.fy_label), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("revenue_bn:Q", title="Revenue (RMB billion)"),
        fill=_fill(),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("revenue_bn", "Revenue (RMB bn)", ",.1f"),
                        ("value", "Revenue (RMB m)", ",.0f"), ("basis", "Basis", None), ("status_label", "Status", None)))


def _hollow_note(data: pd.DataFrame) -> str:
    unaudited = ", ".join(data[~data.audited].fy_label.unique())
    return f"Hollow bars ({unaudited}): {UNAUDITED_NOTE}, not like-for-like with the audited years." if unaudited else ""


def revenue(annual: pd.DataFrame) -> alt.Chart:
    """Revenue in every fiscal year of the data, unaudited years (with Alipay) hollow."""
    data = d.revenue(annual)
    first, last = data[data.audited].iloc[0], data.iloc[-1]
    secondary = ", ".join(data[data.status == "verified_secondary"].fy_label)
    return finish(
        _revenue_bars(data).properties(height=300),
        name="alibaba-revenue",
        title=(f"Alibaba's revenue grew {last.value / first.value:.0f}-fold between {first.fy_label} "
               f"and {last.fy_label}"),
        subtitle=(f"Alibaba Group total revenue by fiscal year (ending 31 March), RMB billion: "
                  f"{first.revenue_bn:,.1f} in {first.fy_label}, {last.revenue_bn:,.1f} in {last.fy_label}"),
        alt_text="Bar chart of Alibaba Group's total revenue by fiscal year in RMB billion: "
                 + "; ".join(f"{r.fy_label} {r.revenue_bn:,.1f}" + ("" if r.audited else f" ({UNAUDITED_NOTE})")
                             for r in data.itertuples()) + ".",
        data=annual,
        note=_hollow_note(data) + (f" Verified in a secondary source: {secondary}." if secondary else ""),
    )


def then_and_now(annual: pd.DataFrame, span: int = 5) -> alt.HConcatChart:
    """Side by side, on one scale: revenue as the thesis could see it and to the newest year."""
    data = d.then_and_now(annual)
    s = d.span_after(annual, span)
    names = {"then": "What the thesis could see", "now": "With the newest data"}
    chart = style.then_and_now(
        data, lambda frame: _revenue_bars(frame).properties(width=max(150, 19 * len(frame))),
        lambda view, last: f"{names[view]} (to {fy(last)})", height=280)
    return finish(
        chart.resolve_scale(y="shared", fill="shared"),
        name="alibaba-then-and-now",
        title=(f"In the {number_word(s['years_before'])} years to {fy(s['seen'])} revenue grew "
               f"{s['fold_before']:.1f}-fold; in the {number_word(s['years_after'])} after, it grew "
               f"{s['pct_after']:.0f}%"),
        subtitle="Alibaba Group total revenue by fiscal year (ending 31 March), RMB billion, same scale in both panels",
        alt_text=(f"Two bar charts of Alibaba Group's revenue on the same scale. Left, the years to {fy(s['seen'])}: "
                  f"RMB{s['before_bn']:,.1f} bn in {fy(s['before'])} and RMB{s['seen_bn']:,.1f} bn in "
                  f"{fy(s['seen'])}, {s['fold_before']:.1f} times as much. Right, all years to "
                  f"{fy(data.attrs['newest'])}: RMB{s['after_bn']:,.1f} bn in {fy(s['after'])}, "
                  f"{s['pct_after']:.0f}% more than in {fy(s['seen'])}."),
        data=annual,
        note=_hollow_note(data),
    )


def segments(segment: pd.DataFrame) -> alt.FacetChart:
    """Revenue by segment in each fiscal year of the data, Alibaba.com's line in the focus colour."""
    data = d.segments(segment)
    order = [SEGMENT_LABELS[s] for s in LEAF_SEGMENTS]
    fys = sorted(data.fy_label.unique())
    base = alt.Chart().encode(
        y=alt.Y("label:N", title=None, sort=order),
        x=alt.X("revenue_bn:Q", title="Revenue (RMB billion)",
                scale=alt.Scale(domain=[0, float(data.revenue_bn.max()) * 1.2])),
        tooltip=tooltip(("label", "Segment", None), ("fy_label", "Fiscal year", None), ("value", "Revenue (RMB m)", ",.0f"),
                        ("share_pct", "Share of revenue (%)", ".1f"), ("status_label", "Status", None)))
    bars = base.mark_bar().encode(color=alt.Color("highlight:N", title=None, scale=HIGHLIGHT))
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(text=alt.Text("revenue_bn:Q", format=",.1f"))
    chart = alt.layer(bars, labels, data=data).properties(width=150, height=260).facet(
        column=alt.Column("fy_label:N", title=FISCAL_YEAR, sort=fys))
    w = data[data.segment == WHOLESALE].set_index("fiscal_year")
    last = int(w.index.max())
    return finish(
        chart,
        name="alibaba-segments",
        title=(f"Alibaba.com's segment grew {(w.value[last] / w.value[last - 1] - 1) * 100:.0f}% in {fy(last)} but was only "
               f"{w.share_pct[last]:.1f}% of group revenue"),
        subtitle=f"Alibaba Group revenue by segment, RMB billion, {fys[0]}-{fys[-1]}; core commerce shown by its lines",
        alt_text=(f"{number_word(len(fys)).capitalize()} bar charts, one per fiscal year, of Alibaba Group revenue "
                  "by segment in RMB billion, with international commerce wholesale (Alibaba.com) highlighted: "
                  + "; ".join(f"{fy_}: " + ", ".join(f"{r.label} {r.revenue_bn:,.1f}" for r in grp.itertuples())
                              for fy_, grp in data.groupby("fy_label")) + "."),
        data=[data, datasets.subset(segment, segment.parent_segment.isna())],  # top level: the shares' base
    )


def _quarter_marks(data: pd.DataFrame, quarters: list[str]) -> alt.LayerChart:
    """Dots per line and quarter: filled when verified, hollow when only the thesis gives it; gaps as text."""
    order = [LINE_LABELS[k] for k in QUARTER_RMB_LINES]
    statuses = [s for s in style.STATUS_ORDER if s in set(data.status_label) and s != "not available"]
    shapes = {"verified (publisher)": "circle", "verified (secondary source)": "circle", "derived": "diamond",
              "as quoted by the thesis": "square"}
    base = alt.Chart(data).encode(
        y=alt.Y("line_label:N", title=None, sort=order),
        yOffset=alt.YOffset("quarter_label:N", sort=quarters),
        color=alt.Color("quarter_label:N", title="Quarter", sort=quarters,
                        scale=alt.Scale(domain=quarters, range=[PALETTE[1], FOCUS])))
    known = base.transform_filter(alt.datum.status != "not_found")
    encoding = dict(
        x=alt.X("revenue_bn:Q", title="Revenue in the quarter (RMB billion)",
                scale=alt.Scale(domain=[0, float(data.revenue_bn.max()) * 1.15])),
        shape=alt.Shape("status_label:N", title="Status", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=[shapes[s] for s in statuses]),
                        legend=alt.Legend(symbolStrokeColor="#444", symbolStrokeWidth=1.5,
                                          symbolFillColor="transparent")),
        tooltip=tooltip(("line_label", "Line item", None), ("quarter_label", "Quarter", None),
                        ("value", "Revenue (RMB m)", ",.0f"), ("status_label", "Status", None)))
    points = (known.transform_filter(alt.datum.status != "thesis_quoted")
              .mark_point(size=80, filled=True).encode(**encoding)
              + known.transform_filter(alt.datum.status == "thesis_quoted")
              .mark_point(size=80, strokeWidth=2, filled=False).encode(**encoding))
    values = known.mark_text(align="left", dx=8, fontSize=10).encode(
        x="revenue_bn:Q", text=alt.Text("revenue_bn:Q", format=",.1f"))
    gaps = base.transform_filter(alt.datum.status == "not_found").mark_text(
        align="left", dx=2, fontSize=10, fontStyle="italic").encode(
        x="zero:Q", text=alt.value("not available"),
        tooltip=tooltip(("line_label", "Line item", None), ("quarter_label", "Quarter", None),
                        ("status_label", "Status", None)))
    return points + values + gaps


def december_quarter(dq: pd.DataFrame) -> alt.Chart:
    """The December quarters side by side for each revenue line, status by shape, gaps as text."""
    data = d.december_lines(dq)
    quarter_codes = sorted(data.quarter.unique())
    quarters = [QUARTER_LABELS.get(q, q) for q in quarter_codes]
    quoted = [(quarter_codes[0], "total_revenue"), (quarter_codes[-1], "total_revenue"),
              (quarter_codes[-1], "total_revenue_yoy_growth")]
    rev_then, rev_now, growth = (lookup.value(dq, quarter=q, line_item=line) for q, line in quoted)
    n_gap = int((data.status == "not_found").sum())
    return finish(
        _quarter_marks(data, quarters).properties(height=520),
        name="alibaba-december-quarter",
        title=(f"December-quarter revenue rose {growth:.0f}% to RMB{rev_now / 1000:,.1f} bn; {n_gap} of the "
               f"{len(data)} revenue values are not available"),
        subtitle=(f"Alibaba Group revenue by line, quarters ended 31 December {' and '.join(q[:4] for q in quarter_codes)}, "
                  f"RMB billion. Filled dots: verified; hollow squares: as quoted by the thesis"),
        alt_text=("Dot chart comparing Alibaba's revenue lines in the quarters "
                  + " and ".join(quarters) + " in RMB billion: "
                  + "; ".join(f"{r.line_label}, {r.quarter_label}: "
                              + ("not available" if r.status == "not_found" else
                                 f"{r.revenue_bn:,.1f}" + (" (as quoted by the thesis)" if r.status == "thesis_quoted" else ""))
                              for r in data.sort_values(["line_item", "quarter"]).itertuples())
                  + f". Total revenue went from {rev_then / 1000:,.1f} to {rev_now / 1000:,.1f}."),
        data=[data, datasets.subset(dq, [k in quoted for k in zip(dq.quarter, dq.line_item)])],
    )


def december_shares(dq: pd.DataFrame, quarter: str) -> alt.Chart:
    """Each segment's share of one December quarter's revenue, Alibaba.com highlighted, gaps as text."""
    data = d.december_shares(dq, quarter)
    label = QUARTER_LABELS.get(quarter, quarter)
    order = list(data.label)
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=order))
    known = base.transform_filter("isValid(datum.value)")
    bars = known.mark_bar().encode(
        x=alt.X("value:Q", title=f"Share of revenue, {label} (%)",
                scale=alt.Scale(domain=[0, float(data.value.max()) * 1.15])),
        color=alt.Color("highlight:N", title=None, scale=HIGHLIGHT),
        tooltip=tooltip(("label", "Segment", None), ("value", "Share of revenue (%)", ".0f"),
                        ("status_label", "Status", None)))
    labels = known.mark_text(align="left", dx=3, fontSize=11).encode(
        x="value:Q", text=alt.Text("value:Q", format=".0f"))
    gaps = base.transform_filter("!isValid(datum.value)").mark_text(
        align="left", dx=2, fontSize=11, fontStyle="italic").encode(x="zero:Q", text=alt.value("not available"))
    share = lookup.value(data, segment=WHOLESALE)
    core = lookup.value(dq, quarter=quarter, line_item="core_commerce_share_of_revenue")
    missing = ", ".join(data[data.value.isna()].label)
    return finish(
        (bars + labels + gaps).properties(height=280),
        name="alibaba-december-shares",
        title=f"Alibaba.com's segment made about {share:.0f}% of revenue in {label}",
        subtitle=(f"Share of Alibaba Group revenue by segment, {label}, %; core commerce in all: "
                  f"{core:.1f}% (derived)"),
        alt_text=(f"Horizontal bar chart of each segment's share of Alibaba's revenue in {label}: "
                  + "; ".join(f"{r.label} " + ("not available" if pd.isna(r.value) else f"{r.value:.0f}%")
                              for r in data.itertuples()) + "."),
        data=[data, d.december_rows(dq, quarter, ["core_commerce_share_of_revenue"])],
        note=(f"The shares shown add up to {data.value.sum():.0f}%."
              + (f" Not available: {missing}." if missing else "")),
    )


def wholesale(wholesale_frame: pd.DataFrame, annual: pd.DataFrame) -> alt.VConcatChart:
    """Alibaba.com's revenue and its (derived) share of group revenue; later years of the group marked as gaps."""
    data = d.wholesale_share(wholesale_frame, annual)
    later = [y for y in sorted(annual.fiscal_year) if y > data.fiscal_year.max()]
    gaps = pd.DataFrame({"fy_label": [fy(y) for y in later], "text": "not available", "zero": 0.0})
    years = list(data.fy_label) + list(gaps.fy_label)
    x = alt.X("fy_label:O", title=FISCAL_YEAR, sort=years, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=-45))
    bars = alt.Chart(data).mark_bar(color=FOCUS).encode(
        x=x, y=alt.Y("revenue_bn:Q", title="Revenue (RMB billion)"),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("value", "Revenue (RMB m)", ",.0f"),
                        ("share_pct", "Share of group revenue (%, derived)", ".1f"), ("status_label", "Status", None)))
    labels = bars.mark_text(dy=-6, fontSize=10).encode(text=alt.Text("revenue_bn:Q", format=".1f"))
    missing = alt.Chart(gaps).mark_text(angle=270, align="left", baseline="middle", dx=4, fontSize=10,
                                        fontStyle="italic", color=MUTED).encode(x=x, y=alt.Y("zero:Q"), text="text:N")
    share = alt.Chart(data).mark_line(point=True, color=FOCUS).encode(
        x=x, y=alt.Y("share_pct:Q", title="Share of group revenue (%)",
                     scale=alt.Scale(domain=[0, float(data.share_pct.max()) * 1.3])),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("share_pct", "Share of group revenue (%)", ".1f"),
                        ("group_revenue", "Group revenue (RMB m)", ",.0f")))
    share_labels = share.mark_text(dy=-10, fontSize=10).encode(text=alt.Text("share_pct:Q", format=".1f"))
    first, last = data.iloc[0], data.iloc[-1]
    return finish(
        alt.vconcat((bars + labels + missing).properties(height=220, width=style.WIDTH),
                    (share + share_labels).properties(height=140, width=style.WIDTH)).resolve_scale(x="shared"),
        name="alibaba-wholesale",
        title=(f"Alibaba.com's revenue grew {last.value / first.value:.1f}-fold from {first.fy_label} to "
               f"{last.fy_label}, yet its share fell from {first.share_pct:.1f}% to {last.share_pct:.1f}%"),
        subtitle=("International commerce wholesale revenue (mainly Alibaba.com), RMB billion, and its share of "
                  "Alibaba Group revenue (%, derived: segment / group total)"),
        alt_text=("Bar chart of Alibaba.com's (international commerce wholesale) revenue in RMB billion, with a line "
                  "chart of its share of group revenue below: "
                  + "; ".join(f"{r.fy_label} {r.revenue_bn:,.1f} bn ({r.share_pct:.1f}%)" for r in data.itertuples())
                  + (f". {', '.join(gaps.fy_label)}: not available." if later else ".")),
        data=[data, datasets.subset(annual, annual.fiscal_year.isin(data.fiscal_year))],
        note=f"Share = {d.SHARE_FORMULA}.",
    )



def growth(annual: pd.DataFrame, summary: pd.DataFrame) -> alt.Chart:
    """Growth on the year before, with the trend's implied rate and its confidence interval."""
    t = summary.iloc[0]
    data = against_trend(annual, summary)
    names = {"window": f"Within the trend's window ({fy(t.first_year)}-{fy(t.last_year)})",
             "after": f"After the thesis ({fy(t.last_year + 1)}-{fy(data.fiscal_year.max())})",
             "not_like_for_like": "Not like-for-like (against an unaudited year with Alipay)"}
    data["period_label"] = data.period.map(names)
    domain = list(names.values())
    band = pd.DataFrame({"low": [t.ci_low_pct], "high": [t.ci_high_pct], "mid": [t.growth_pct],
                         "label": [f"trend: {t.growth_pct:.0f}% a year"]})
    x = alt.X("fy_label:O", title=FISCAL_YEAR, sort=list(data.fy_label), axis=alt.Axis(labelAngle=-45))
    bars = alt.Chart(data).mark_bar(strokeWidth=1.5).encode(
        x=x, y=alt.Y("growth_pct:Q", title="Revenue growth on the year before (%)"),
        fill=alt.Fill("period_label:N", title=None, sort=domain,
                      scale=alt.Scale(domain=domain, range=[FOCUS, PALETTE[1], "#ffffff"]),
                      legend=alt.Legend(symbolStrokeColor="#555", symbolStrokeWidth=1, symbolType="square", columns=1)),
        stroke=alt.Stroke("period_label:N", sort=domain, legend=None,
                          scale=alt.Scale(domain=domain, range=[FOCUS, PALETTE[1], MUTED])),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("growth_pct", "Growth on the year before (%)", ".1f"),
                        ("period_label", "Period", None)))
    rect = alt.Chart(band).mark_rect(color=MUTED, opacity=0.3).encode(y="low:Q", y2="high:Q")
    rule = alt.Chart(band).mark_rule(color="#333", strokeDash=[4, 3]).encode(y="mid:Q")
    text = alt.Chart(band).mark_text(align="right", dy=-8, x="width", dx=-4, fontSize=11).encode(y="high:Q", text="label:N")
    after = data[data.period == "after"]
    level = f"{t.confidence_pct:.0f}%"
    return finish(
        (bars + rect + rule + text).properties(height=300, width=style.WIDTH),
        name="alibaba-growth",
        title=(f"The trend to {fy(t.last_year)} implied {t.growth_pct:.0f}% growth a year; after it, revenue grew "
               f"{t.cagr_after_pct:.0f}% a year"),
        subtitle=(f"Alibaba Group revenue growth on the previous fiscal year (%, derived), with the log-linear trend "
                  f"{fy(t.first_year)}-{fy(t.last_year)} and its {level} confidence interval (grey band)"),
        alt_text=("Bar chart of Alibaba's revenue growth on the previous fiscal year: "
                  + "; ".join(f"{r.fy_label} {r.growth_pct:.1f}%" for r in data.itertuples())
                  + f". A dashed line marks the trend's {t.growth_pct:.1f}% a year ({level} interval "
                    f"{t.ci_low_pct:.1f}% to {t.ci_high_pct:.1f}%); {int(after.below_interval.sum())} of the "
                    f"{len(after)} years after {fy(t.last_year)} fall below the interval."),
        data=annual,
        note=(f"Growth = revenue / revenue of the year before - 1. The trend is fitted to revenue levels, not to these "
              f"growth rates. {fy(t.after_from)}-{fy(t.after_to)} average: compound annual growth rate."),
    )


def _actual_line(data: pd.DataFrame, x: alt.X, y: alt.Y) -> alt.LayerChart:
    """Actual revenue as a line with a dot per year, unaudited years hollow."""
    return alt.Chart(data).mark_line(color=FOCUS).encode(x=x, y=y) + alt.Chart(data).mark_point(
        size=55, stroke=FOCUS, strokeWidth=1.5, opacity=1).encode(
        x=x, y=y, fill=_fill(),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("revenue_bn", "Actual (RMB bn)", ",.1f"),
                        ("basis", "Basis", None), ("status_label", "Status", None)))


def forecast(annual: pd.DataFrame, forecast_frame: pd.DataFrame) -> alt.Chart:
    """Actual revenue against the trend and its prediction band (log scale), the thesis's horizon dotted."""
    first, cut = forecast_frame.attrs["fit_first"], forecast_frame.attrs["fit_last"]
    level = f"{forecast_frame.attrs['confidence_pct']:.0f}%"
    data = d.revenue(annual)
    ahead = forecast_frame[forecast_frame.kind == "forecast"]
    joint = forecast_frame[forecast_frame.fiscal_year >= cut]  # the band starts at the last fitted year
    lo, hi = int(data.fiscal_year.min()), int(data.fiscal_year.max())
    x = alt.X("fiscal_year:Q", title=FISCAL_YEAR, scale=alt.Scale(domain=[lo, hi]),
              axis=alt.Axis(values=list(range(lo, hi + 1, 2)), labelExpr="'FY' + datum.value", labelAngle=-45))
    top = float(max(forecast_frame.pi_high_bn.max(), data.revenue_bn.max())) * 1.1
    log = alt.Scale(type="log", domain=[float(data.revenue_bn.min()) * 0.8, top])
    y_title = "Revenue (RMB billion, log scale)"
    band = alt.Chart(joint).mark_area(color=PALETTE[1], opacity=0.25).encode(
        x=x, y=alt.Y("pi_low_bn:Q", title=y_title, scale=log), y2="pi_high_bn:Q")
    line = alt.Chart(forecast_frame).mark_line(color=PALETTE[1], strokeDash=[6, 3]).encode(
        x=x, y=alt.Y("forecast_bn:Q", title=y_title, scale=log),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("forecast_bn", "Trend (RMB bn)", ",.0f"),
                        ("pi_low_bn", f"{level} prediction interval, low (RMB bn)", ",.0f"),
                        ("pi_high_bn", f"{level} prediction interval, high (RMB bn)", ",.0f"),
                        ("actual_bn", "Actual (RMB bn)", ",.0f")))
    actual = _actual_line(data, x, alt.Y("revenue_bn:Q", title=y_title, scale=log))
    items = ["Actual revenue", f"Trend fitted to {fy(first)}-{fy(cut)}, extended", f"{level} prediction interval"]
    key = alt.Chart(pd.DataFrame({"item": items})).mark_point(opacity=0).encode(
        color=alt.Color("item:N", title=None, sort=items,
                        scale=alt.Scale(domain=items, range=[FOCUS, PALETTE[1], "#f5d9a8"]),
                        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1, columns=1)))
    horizon = alt.Chart(pd.DataFrame({"x": [cut + 0.5]})).mark_rule(color="#666", strokeDash=[2, 2]).encode(x="x:Q")
    last = ahead.iloc[-1]
    over = last.ratio < 1
    unfitted = ", ".join(data[~data.audited].fy_label)
    return finish(
        (band + line + actual + horizon + key).properties(height=320),
        name="alibaba-forecast",
        title=(f"Extending the trend to {fy(cut)} would have {'over' if over else 'under'}-forecast "
               f"{last.fy_label} revenue {(1 / last.ratio if over else last.ratio):.1f}-fold"),
        subtitle=(f"Alibaba Group revenue, RMB billion (log scale): actual, and the log-linear trend fitted to "
                  f"{fy(first)}-{fy(cut)} with its {level} prediction interval; dotted line: the thesis's horizon"),
        alt_text=(f"Line chart on a log scale of Alibaba's revenue against a trend fitted to {fy(first)}-{fy(cut)}. "
                  + "; ".join(f"{r.fy_label}: forecast {r.forecast_bn:,.0f} bn ({level} interval {r.pi_low_bn:,.0f} "
                              f"to {r.pi_high_bn:,.0f}), actual {r.actual_bn:,.0f} bn" for r in ahead.itertuples())
                  + f". {int((~ahead.inside).sum())} of {len(ahead)} actual values fall outside the interval."),
        data=annual,
        note=("The point forecast is exp(mean of log revenue), the median of the forecast."
              + (f" {unfitted} ({UNAUDITED_NOTE}) are drawn but not fitted." if unfitted else "")),
    )
