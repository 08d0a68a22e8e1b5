"""Alibaba Group and Alibaba.com (sections 2.1-2.3): revenue, segments, the December quarters,
the facts the thesis quotes, and what a trend fitted in 2021 would have forecast.

Alibaba's fiscal year ends on 31 March: FY2021 runs from April 2020 to March 2021. Revenue is
published in RMB million; charts show RMB billion (value / 1,000).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.api as sm

from . import charts, datasets, tables
from .charts import FOCUS, MUTED, PALETTE, finish, tooltip

#: The last fiscal year the thesis (2021) could have seen.
THESIS_CUTOFF = 2021
AUDITED, UNAUDITED = "Audited", "Unaudited, includes Alipay"
WHOLESALE = "international_commerce_wholesale"

SEGMENT_LABELS = {
    "core_commerce": "Core commerce (total)",
    "china_commerce_retail": "China commerce retail (Taobao, Tmall)",
    "china_commerce_retail_customer_management": "China retail: customer management",
    "china_commerce_retail_others": "China retail: others",
    "china_commerce_wholesale": "China commerce wholesale (1688.com)",
    "international_commerce_retail": "International commerce retail (AliExpress, Lazada)",
    WHOLESALE: "International commerce wholesale (Alibaba.com)",
    "cainiao_logistics_services": "Cainiao logistics services",
    "local_consumer_services": "Local consumer services",
    "core_commerce_others": "Other core commerce",
    "cloud_computing": "Cloud computing",
    "digital_media_and_entertainment": "Digital media and entertainment",
    "innovation_initiatives_and_others": "Innovation initiatives and others",
}
#: Segments that together make total revenue, with core commerce split into its lines.
LEAF_SEGMENTS = ["china_commerce_retail", "china_commerce_wholesale", "international_commerce_retail", WHOLESALE,
                 "cainiao_logistics_services", "local_consumer_services", "core_commerce_others",
                 "cloud_computing", "digital_media_and_entertainment", "innovation_initiatives_and_others"]
#: Rows of the segment table, in the 20-F's order (sub-lines after their parent).
TABLE_SEGMENTS = ["core_commerce", "china_commerce_retail", "china_commerce_retail_customer_management",
                  "china_commerce_retail_others", "china_commerce_wholesale", "international_commerce_retail",
                  WHOLESALE, "cainiao_logistics_services", "local_consumer_services", "core_commerce_others",
                  "cloud_computing", "digital_media_and_entertainment", "innovation_initiatives_and_others"]

QUARTER_LABELS = {"2019Q4": "Oct-Dec 2019 (FY2020 Q3)", "2020Q4": "Oct-Dec 2020 (FY2021 Q3)"}
LINE_LABELS = {
    "total_revenue": "Total revenue",
    "total_revenue_usd": "Total revenue in US dollars",
    "total_revenue_yoy_growth": "Total revenue, growth on a year earlier",
    "core_commerce_yoy_growth": "Core commerce, growth on a year earlier",
    "core_commerce_share_of_revenue": "Core commerce, share of revenue",
    "china_commerce_retail_yoy_growth": "China commerce retail, growth on a year earlier",
    "china_commerce_retail_share_of_revenue": "China commerce retail, share of revenue",
    "china_commerce_wholesale_share_of_revenue": "China commerce wholesale, share of revenue",
    "international_commerce_retail_share_of_revenue": "International commerce retail, share of revenue",
    "international_commerce_wholesale_yoy_growth": "International commerce wholesale, growth on a year earlier",
    "international_commerce_wholesale_share_of_core_commerce": "International commerce wholesale, share of core commerce",
    "international_commerce_wholesale_share_of_revenue": "International commerce wholesale, share of revenue",
    "cainiao_logistics_services_share_of_revenue": "Cainiao logistics services, share of revenue",
    "cloud_computing_usd": "Cloud computing in US dollars",
    "cloud_computing_yoy_growth": "Cloud computing, growth on a year earlier",
    "cloud_computing_share_of_revenue": "Cloud computing, share of revenue",
    "digital_media_and_entertainment_share_of_revenue": "Digital media and entertainment, share of revenue",
    "innovation_initiatives_and_others_share_of_revenue": "Innovation initiatives and others, share of revenue",
    "net_cash_from_operating_activities": "Net cash from operating activities",
    "net_cash_from_operating_activities_yoy_growth": "Net cash from operating activities, growth on a year earlier",
    "free_cash_flow_non_gaap": "Free cash flow (non-GAAP)",
    "free_cash_flow_non_gaap_usd": "Free cash flow (non-GAAP) in US dollars",
    "capital_expenditures": "Capital expenditures",
    **{k: v for k, v in SEGMENT_LABELS.items() if k != "core_commerce"},
    "core_commerce": "Core commerce",
}
#: December-quarter lines in RMB million, in reading order (the chart of Tables 4 and 5).
QUARTER_RMB_LINES = ["total_revenue", "core_commerce", "china_commerce_retail",
                     "china_commerce_retail_customer_management", "china_commerce_retail_others",
                     "china_commerce_wholesale", "international_commerce_retail", WHOLESALE,
                     "local_consumer_services", "cainiao_logistics_services", "core_commerce_others",
                     "cloud_computing", "digital_media_and_entertainment", "innovation_initiatives_and_others"]

TOPIC_TITLES = {
    "alibaba_com_scale": "How big Alibaba.com is",
    "alibaba_com_services": "Alibaba.com's services for sellers",
    "alibaba_com_fees": "What selling costs: Alibaba.com and Amazon",
    "helloita": "helloITA on Tmall",
    "ice_alibaba_cooperation": "ICE, Alibaba and other marketplaces",
    "italy_b2b_export": "Italy's B2B online exports",
    "made_in_italy_pavilion": "The Made in Italy pavilion on Alibaba.com",
    "tmall_italian_gmv": "Italian brands' flagship stores on Tmall",
    "antitrust_fine": "The 2021 antitrust fine on Alibaba Group",
    "china_retail_consumers": "Annual active consumers on Alibaba's China retail marketplaces",
    "online_trade_shows": "Alibaba.com's online trade shows",
    "ipr_protection": "Alibaba's intellectual property protection",
}
STATUS_COLOURS = {"verified_primary": FOCUS, "verified_secondary": PALETTE[4], "derived": PALETTE[2],
                  "thesis_quoted": PALETTE[1], "not_found": MUTED}


def _value(frame: pd.DataFrame, **where) -> float:
    """One value picked by column equality; KeyError when the data lack it (a page never shows a guess)."""
    rows = frame
    for col, val in where.items():
        rows = rows[rows[col] == val]
    if rows.empty or pd.isna(rows.value.iloc[0]):
        raise KeyError(f"no value for {where}")
    return float(rows.value.iloc[0])


def fy(year: int) -> str:
    return f"FY{int(year)}"


# --- annual revenue (2.1) -------------------------------------------------------------------

def revenue(annual: pd.DataFrame) -> pd.DataFrame:
    """Annual revenue with RMB billion, a basis label and the growth on the year before.

    ``growth_pct`` = (revenue_t / revenue_{t-1} - 1) x 100, for consecutive fiscal years;
    ``like_for_like`` is true only when both years are audited (FY2010-FY2011 include Alipay).
    """
    out = annual.sort_values("fiscal_year").copy()
    datasets.with_provenance(out, annual)
    out["fiscal_year_end"] = out.fiscal_year_end.astype(str)  # dates are not JSON; charts embed the data
    out["revenue_bn"] = out.value / 1000
    out["fy_label"] = out.fiscal_year.map(fy)
    out["basis"] = np.where(out.audited, AUDITED, UNAUDITED)
    out["status_label"] = charts.status_label(out.status)
    prev = out.value.shift(1)
    consecutive = out.fiscal_year.diff() == 1
    out["growth_pct"] = np.where(consecutive, (out.value / prev - 1) * 100, np.nan)
    out["like_for_like"] = out.audited & out.audited.shift(1, fill_value=False) & consecutive
    return out


def revenue_value(annual: pd.DataFrame, year: int) -> float:
    """Revenue of one fiscal year in RMB million."""
    return _value(annual, fiscal_year=year)


def _fill(domain=(AUDITED, UNAUDITED), title="Basis") -> alt.Fill:
    return alt.Fill("basis:N", title=title, scale=alt.Scale(domain=list(domain), range=[FOCUS, "#ffffff"]),
                    legend=alt.Legend(symbolStrokeColor=FOCUS, symbolStrokeWidth=1.5, symbolType="square"))


def _revenue_bars(data: pd.DataFrame, y_domain=None, width=None) -> alt.Chart:
    y_scale = alt.Scale(domain=y_domain) if y_domain else alt.Undefined
    chart = alt.Chart(data).mark_bar(stroke=FOCUS, strokeWidth=1.5).encode(
        x=alt.X("fy_label:O", title="Fiscal year (ending 31 March)", sort=list(data.fy_label),
                axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("revenue_bn:Q", title="Revenue (RMB billion)", scale=y_scale),
        fill=_fill(),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("revenue_bn", "Revenue (RMB bn)", ",.1f"),
                        ("value", "Revenue (RMB m)", ",.0f"), ("basis", "Basis", None),
                        ("status_label", "Status", None)),
    )
    return chart.properties(width=width) if width else chart


def annual_revenue_chart(annual: pd.DataFrame) -> alt.Chart:
    """Revenue FY2010-FY2026, unaudited years (with Alipay) hollow."""
    data = revenue(annual)
    audited = data[data.audited]
    first, last = audited.iloc[0], data.iloc[-1]
    secondary = ", ".join(data[data.status == "verified_secondary"].fy_label)
    return finish(
        _revenue_bars(data).properties(height=300),
        title=(f"Alibaba's revenue grew {last.value / first.value:.0f}-fold between {first.fy_label} "
               f"and {last.fy_label}"),
        subtitle=(f"Alibaba Group total revenue by fiscal year (ending 31 March), RMB billion: "
                  f"{first.revenue_bn:,.1f} in {first.fy_label}, {last.revenue_bn:,.1f} in {last.fy_label}"),
        alt_text="Bar chart of Alibaba Group's total revenue by fiscal year in RMB billion: "
                 + "; ".join(f"{r.fy_label} {r.revenue_bn:,.1f}" + ("" if r.audited else " (unaudited, includes Alipay)")
                             for r in data.itertuples()) + ".",
        data=annual,
        note=(f"Hollow bars ({', '.join(data[~data.audited].fy_label)}) are unaudited and include Alipay, which "
              f"Alibaba consolidated until FY2011, so they are not like-for-like with later years. "
              f"{secondary} were read in copies or aggregators of the filings (verified, secondary source)."),
    )


# --- then and now (2.1) ---------------------------------------------------------------------

def then_and_now(annual: pd.DataFrame, cutoff: int = THESIS_CUTOFF) -> pd.DataFrame:
    """The revenue series twice: as it stood at ``cutoff`` and as it stands now (column ``view``)."""
    data = revenue(annual)
    then = data[data.fiscal_year <= cutoff].assign(view=f"What the thesis could see (to {fy(cutoff)})")
    now = data.assign(view=f"With the newest data (to {fy(data.fiscal_year.max())})")
    out = pd.concat([then, now], ignore_index=True)
    datasets.with_provenance(out, annual)
    return out


def then_and_now_chart(annual: pd.DataFrame, cutoff: int = THESIS_CUTOFF, span: int = 5) -> alt.HConcatChart:
    """Side by side, on one scale: revenue to ``cutoff`` and to the newest year."""
    data = then_and_now(annual, cutoff)
    views = list(dict.fromkeys(data.view))
    top = float(data.revenue_bn.max()) * 1.05
    panels = [_revenue_bars(data[data.view == v], y_domain=[0, top], width=230 if i == 0 else 330)
              .properties(title=alt.TitleParams(v, fontSize=13), height=280) for i, v in enumerate(views)]
    rev = revenue(annual).set_index("fiscal_year").value
    last = int(rev.index.max())
    before = cutoff - span
    after = min(cutoff + span, last)
    fold_before = rev[cutoff] / rev[before]
    pct_after = (rev[after] / rev[cutoff] - 1) * 100
    return finish(
        alt.hconcat(*panels).resolve_scale(y="shared", fill="shared"),
        title=(f"In the {span} years to {fy(cutoff)} revenue grew {fold_before:.1f}-fold; "
               f"in the {after - cutoff} after, it grew {pct_after:.0f}%"),
        subtitle="Alibaba Group total revenue by fiscal year (ending 31 March), RMB billion, same scale in both panels",
        alt_text=(f"Two bar charts of Alibaba Group's revenue on the same scale. Left, the years to {fy(cutoff)}: "
                  f"revenue rises steeply from RMB{rev[before] / 1000:,.1f} bn in {fy(before)} to "
                  f"RMB{rev[cutoff] / 1000:,.1f} bn in {fy(cutoff)}. Right, all years to {fy(last)}: after "
                  f"{fy(cutoff)} the bars flatten, reaching RMB{rev[after] / 1000:,.1f} bn in {fy(after)}."),
        data=annual,
        note=("Hollow bars are unaudited and include Alipay. The thesis itself quotes revenue only to FY2020 "
              "(a Statista report of April 2021); FY2021 ended on 31 March 2021, before the thesis was finished."),
    )


# --- segments FY2019-FY2021 (2.1) -----------------------------------------------------------

def segments(segment: pd.DataFrame) -> pd.DataFrame:
    """Leaf segments (core commerce split into its lines) with labels, RMB billion and the share of revenue.

    ``share_pct`` = segment revenue / sum of top-level segments of the same year x 100 (the sum equals
    total revenue in the 20-F).
    """
    out = datasets.subset(segment, segment.segment.isin(LEAF_SEGMENTS))
    totals = segment[segment.parent_segment.isna()].groupby("fiscal_year").value.sum()
    out["label"] = out.segment.map(SEGMENT_LABELS)
    out["fy_label"] = out.fiscal_year.map(fy)
    out["revenue_bn"] = out.value / 1000
    out["share_pct"] = out.value / out.fiscal_year.map(totals) * 100
    out["status_label"] = charts.status_label(out.status)
    out["highlight"] = np.where(out.segment == WHOLESALE, "Alibaba.com", "Other segments")
    return out


def segment_chart(segment: pd.DataFrame) -> alt.FacetChart:
    """Revenue by segment FY2019-FY2021, Alibaba.com's line in the focus colour."""
    data = segments(segment)
    order = [SEGMENT_LABELS[s] for s in LEAF_SEGMENTS]
    base = alt.Chart().encode(
        y=alt.Y("label:N", title=None, sort=order),
        x=alt.X("revenue_bn:Q", title="Revenue (RMB billion)", scale=alt.Scale(domain=[0, 560])),
        tooltip=tooltip(("label", "Segment", None), ("fy_label", "Fiscal year", None),
                        ("value", "Revenue (RMB m)", ",.0f"), ("share_pct", "Share of revenue (%)", ".1f"),
                        ("status_label", "Status", None)),
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "highlight:N", title=None, scale=alt.Scale(domain=["Alibaba.com", "Other segments"], range=[FOCUS, MUTED])))
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(text=alt.Text("revenue_bn:Q", format=",.1f"))
    chart = alt.layer(bars, labels, data=data).properties(width=150, height=260).facet(
        column=alt.Column("fy_label:N", title="Fiscal year (ending 31 March)", sort=sorted(data.fy_label.unique())))
    w = data[data.segment == WHOLESALE].set_index("fiscal_year")
    last = int(w.index.max())
    growth = (w.value[last] / w.value[last - 1] - 1) * 100
    return finish(
        chart,
        title=(f"Alibaba.com's segment grew {growth:.0f}% in {fy(last)} but was only "
               f"{w.share_pct[last]:.1f}% of group revenue"),
        subtitle=("Alibaba Group revenue by segment, RMB billion, FY2019-FY2021 (FY2021 Form 20-F presentation); "
                  "core commerce shown by its lines"),
        alt_text="Three bar charts, one per fiscal year, of Alibaba Group revenue by segment in RMB billion, with "
                 "international commerce wholesale (Alibaba.com) highlighted: "
                 + "; ".join(f"{fy_}: " + ", ".join(f"{r.label} {r.revenue_bn:,.1f}" for r in grp.itertuples())
                             for fy_, grp in data.groupby("fy_label")) + ".",
        data=segment,
        note=("FY2019 and FY2020 are restated as in the FY2021 report (self-developed games moved to digital media). "
              "From FY2022 Alibaba dropped 'core commerce', so later years cannot be added to this chart."),
    )


def segment_table(segment: pd.DataFrame) -> pd.DataFrame:
    """One row per segment or line: FY2019-FY2021 in RMB million, growth in the last year, share of revenue."""
    years = sorted(segment.fiscal_year.unique())
    wide = segment.pivot(index="segment", columns="fiscal_year", values="value").reindex(TABLE_SEGMENTS)
    first = segment.drop_duplicates("segment").set_index("segment")[["parent_segment", "status", "source_id"]]
    out = wide.join(first)
    total = segment[segment.parent_segment.isna()].groupby("fiscal_year").value.sum()
    out.loc["total"] = {**total.to_dict(), "parent_segment": None, "status": "derived",
                        "source_id": first.source_id.iloc[0]}
    last, prev = years[-1], years[-2]
    out["growth_pct"] = (out[last] / out[prev] - 1) * 100
    out["share_pct"] = out[last] / total[last] * 100
    depth = out.parent_segment.map({"core_commerce": 1, "china_commerce_retail": 2}).fillna(0)
    labels = [SEGMENT_LABELS.get(s, "Total revenue (sum of segments)") for s in out.index]
    out["label"] = ["\u2003" * int(d) + ("of which " if d else "") + lab for d, lab in zip(depth, labels)]
    out = out.reset_index(names="segment").rename(columns={y: f"fy{y}" for y in years})
    datasets.with_provenance(out, segment)
    return out


def segment_table_view(segment: pd.DataFrame) -> tables.Table:
    """The segment table as the page shows it."""
    data = segment_table(segment)
    years = sorted(segment.fiscal_year.unique())
    return tables.table(
        data,
        [tables.Column("label", "Segment or revenue line")]
        + [tables.Column(f"fy{y}", f"{fy(y)} (RMB million)", "{:,.0f}") for y in years]
        + [tables.Column("growth_pct", f"Growth {fy(years[-1])} (%, derived)", "{:+.1f}"),
           tables.Column("share_pct", f"Share of {fy(years[-1])} revenue (%, derived)", "{:.1f}")],
        caption=f"Alibaba Group revenue by segment, {fy(years[0])}-{fy(years[-1])}",
        note=("Growth = this year / last year - 1; share = line / total revenue. The total is the sum of the "
              "top-level segments (core commerce, cloud, digital media, innovation initiatives), which equals the "
              "total revenue the 20-F reports. International commerce wholesale is Alibaba.com."),
    )


# --- the December quarters: thesis Tables 3, 4 and 5 (2.1, 2.2) ------------------------------

def _format(value, unit: str) -> str:
    if pd.isna(value):
        return "not available"
    if unit in ("RMB m", "USD m"):
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")


def december_quarter(dq: pd.DataFrame, thesis_tables=(4, 5), lines=None) -> pd.DataFrame:
    """Rows of the thesis's December-quarter tables, one per value, paired by line item then quarter.

    Gaps stay as rows whose ``value_text`` reads "not available"; ``remark`` carries the data's note for
    rows the thesis alone gives or that are derived (where the thesis's own slips are recorded).
    """
    out = datasets.subset(dq, dq.table.isin(thesis_tables) & (dq.line_item.isin(lines) if lines is not None else True))
    out["line_label"] = out.line_item.map(LINE_LABELS).fillna(out.line_item)
    out["quarter_label"] = out.quarter.map(QUARTER_LABELS).fillna(out.quarter)
    out["table_label"] = "Table " + out.table.astype(str)
    out["value_text"] = [_format(v, u) for v, u in zip(out.value, out.unit)]
    out["remark"] = np.where(out.status.isin(["thesis_quoted", "derived"]), out.note.fillna(""), "")
    out["_order"] = out.line_item.map(_line_order)
    return out.sort_values(["_order", "quarter"]).drop(columns="_order")


#: Reading order of the December-quarter lines: each line, then its US-dollar value, growth and shares.
LINE_BASES = ["total_revenue"] + QUARTER_RMB_LINES[1:] + ["net_cash_from_operating_activities",
                                                         "free_cash_flow_non_gaap", "capital_expenditures"]
LINE_SUFFIXES = ["", "_usd", "_yoy_growth", "_share_of_revenue", "_share_of_core_commerce"]


def _line_order(line_item: str) -> tuple[int, int]:
    for i, base in sorted(enumerate(LINE_BASES), key=lambda p: -len(p[1])):  # longest base first
        if line_item.startswith(base) and line_item[len(base):] in LINE_SUFFIXES:
            return i, LINE_SUFFIXES.index(line_item[len(base):])
    return len(LINE_BASES), 0


def december_quarter_table(dq: pd.DataFrame, thesis_tables=(4, 5), caption: str | None = None,
                           lines=None) -> tables.Table:
    """The December-quarter comparison as the page shows it: one row per value, with status and source."""
    data = december_quarter(dq, thesis_tables, lines)
    searched = " / ".join(dict.fromkeys(data[data.status == "not_found"].note.dropna()))
    return tables.table(
        data,
        [tables.Column("line_label", "Line item"), tables.Column("quarter_label", "Quarter"),
         tables.Column("table_label", "In the thesis"),
         tables.Column("value_text", "Value"), tables.Column("unit", "Unit"),
         tables.Column("remark", "What to know (thesis-only and derived rows)")],
        caption=caption or "December quarters 2019 and 2020: the values behind the thesis's Tables 4 and 5",
        note="Values are in the unit shown (RMB m = RMB million)."
             + (f" Where a value is not available, what was searched: {searched}" if searched else ""),
    )


def quarter_value(dq: pd.DataFrame, quarter: str, line_item: str) -> float:
    return _value(dq, quarter=quarter, line_item=line_item)


def december_quarter_chart(dq: pd.DataFrame) -> alt.Chart:
    """December 2019 against December 2020 for each revenue line, status by shape, gaps as text."""
    data = datasets.subset(dq, dq.line_item.isin(QUARTER_RMB_LINES) & (dq.unit == "RMB m"))
    data["line_label"] = data.line_item.map(LINE_LABELS)
    data["quarter_label"] = data.quarter.map(QUARTER_LABELS)
    data["revenue_bn"] = data.value / 1000
    data["status_label"] = charts.status_label(data.status)
    data["zero"] = 0.0
    order = [LINE_LABELS[k] for k in QUARTER_RMB_LINES]
    quarters = [QUARTER_LABELS[q] for q in sorted(QUARTER_LABELS)]
    statuses = [s for s in charts.STATUS_ORDER if s in set(data.status_label) and s != "not available"]
    shapes = {"verified (publisher)": "circle", "verified (secondary source)": "circle", "derived": "diamond",
              "as quoted by the thesis": "square"}
    base = alt.Chart(data).encode(
        y=alt.Y("line_label:N", title=None, sort=order),
        yOffset=alt.YOffset("quarter_label:N", sort=quarters),
        color=alt.Color("quarter_label:N", title="Quarter", sort=quarters,
                        scale=alt.Scale(domain=quarters, range=[PALETTE[1], FOCUS])),
    )
    known = base.transform_filter(alt.datum.status != "not_found")
    shape = alt.Shape("status_label:N", title="Status", sort=statuses,
                      scale=alt.Scale(domain=statuses, range=[shapes[s] for s in statuses]),
                      legend=alt.Legend(symbolStrokeColor="#444", symbolStrokeWidth=1.5,
                                        symbolFillColor="transparent"))
    encoding = dict(
        x=alt.X("revenue_bn:Q", title="Revenue in the quarter (RMB billion)", scale=alt.Scale(domain=[0, 260])),
        shape=shape,
        tooltip=tooltip(("line_label", "Line item", None), ("quarter_label", "Quarter", None),
                        ("value", "Revenue (RMB m)", ",.0f"), ("status_label", "Status", None)),
    )
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
    rev19 = quarter_value(dq, "2019Q4", "total_revenue")
    rev20 = quarter_value(dq, "2020Q4", "total_revenue")
    growth = quarter_value(dq, "2020Q4", "total_revenue_yoy_growth")
    n_gap = int((data.status == "not_found").sum())
    return finish(
        (points + values + gaps).properties(height=520),
        title=(f"December-quarter revenue rose {growth:.0f}% to RMB{rev20 / 1000:,.1f} bn, "
               f"but most segment lines could not be re-read"),
        subtitle=(f"Alibaba Group revenue by line, quarters ended 31 December 2019 and 2020, RMB billion. Filled dots: "
                  f"verified; hollow squares: as quoted by the thesis; {n_gap} of {len(data)} values not available"),
        alt_text=("Dot chart comparing Alibaba's revenue lines in the quarters ended December 2019 and December 2020 "
                  "in RMB billion: "
                  + "; ".join(f"{r.line_label}, {r.quarter_label}: "
                              + ("not available" if r.status == "not_found" else
                                 f"{r.revenue_bn:,.1f}" + (" (as quoted by the thesis)" if r.status == "thesis_quoted" else ""))
                              for r in data.sort_values(["line_item", "quarter"]).itertuples())
                  + f". Total revenue went from {rev19 / 1000:,.1f} to {rev20 / 1000:,.1f}."),
        data=dq,
        note=("Segment values were published rounded to RMB0.1 bn in the press (Retail Week, South China Morning "
              "Post, ww01.net); the press-release copies stop before the segment table. International wholesale "
              "(Alibaba.com) is given only by the thesis, which prints it without a unit (e.g. 'RMB3.762'); it is "
              "read here as RMB million."),
    )


def december_shares_chart(dq: pd.DataFrame, quarter: str = "2020Q4") -> alt.Chart:
    """Each segment's share of one December quarter's revenue (Morningstar, rounded), Alibaba.com highlighted."""
    suffix = "_share_of_revenue"
    rows = dq[(dq.quarter == quarter) & dq.line_item.str.endswith(suffix) & (dq.line_item != "core_commerce" + suffix)]
    present = dict(zip(rows.line_item.str.removesuffix(suffix), rows.index))
    leaf = [s for s in LEAF_SEGMENTS if s != "core_commerce_others"]
    records = []
    for seg in leaf:
        if seg in present:
            rec = dq.loc[present[seg]].to_dict()
        else:  # no share published: show the segment's gap, not a guess
            gap = dq[(dq.quarter == quarter) & (dq.line_item == seg)]
            rec = {**(gap.iloc[0].to_dict() if not gap.empty else {}), "value": np.nan, "status": "not_found"}
        rec.update(segment=seg, label=SEGMENT_LABELS[seg])
        records.append(rec)
    data = pd.DataFrame(records)
    datasets.with_provenance(data, dq)
    data["status_label"] = charts.status_label(data.status)
    data["highlight"] = np.where(data.segment == WHOLESALE, "Alibaba.com", "Other segments")
    data["zero"] = 0.0
    order = [SEGMENT_LABELS[s] for s in leaf]
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=order))
    known = base.transform_filter("isValid(datum.value)")
    bars = known.mark_bar().encode(
        x=alt.X("value:Q", title=f"Share of revenue, {QUARTER_LABELS.get(quarter, quarter)} (%)",
                scale=alt.Scale(domain=[0, 80])),
        color=alt.Color("highlight:N", title=None,
                        scale=alt.Scale(domain=["Alibaba.com", "Other segments"], range=[FOCUS, MUTED])),
        tooltip=tooltip(("label", "Segment", None), ("value", "Share of revenue (%)", ".0f"),
                        ("status_label", "Status", None)))
    labels = known.mark_text(align="left", dx=3, fontSize=11).encode(
        x="value:Q", text=alt.Text("value:Q", format=".0f"))
    gaps = base.transform_filter("!isValid(datum.value)").mark_text(
        align="left", dx=2, fontSize=11, fontStyle="italic").encode(x="zero:Q", text=alt.value("not available"))
    share = _value(data, segment=WHOLESALE)
    core = quarter_value(dq, quarter, "core_commerce_share_of_revenue")
    return finish(
        (bars + labels + gaps).properties(height=280),
        title=f"Alibaba.com's segment made about {share:.0f}% of revenue in the December 2020 quarter",
        subtitle=(f"Share of Alibaba Group revenue by segment, {QUARTER_LABELS.get(quarter, quarter)}, % "
                  f"(Morningstar, rounded to whole per cent); core commerce in all: {core:.1f}% (derived)"),
        alt_text=("Horizontal bar chart of each segment's share of Alibaba's revenue in the quarter ended December "
                  "2020: " + "; ".join(f"{r.label} " + ("not available" if pd.isna(r.value) else f"{r.value:.0f}%")
                                      for r in data.itertuples()) + "."),
        data=dq,
        note=("Shares are rounded, so they do not add up to 100. Morningstar does not list local consumer services, "
              "and no figure for it was found. The thesis gives Alibaba.com's segment as a share of core commerce, "
              "not of total revenue: see the table below."),
    )


# --- Alibaba.com's revenue and share (2.2) ---------------------------------------------------

SHARE_FORMULA = "international commerce wholesale revenue / Alibaba Group total revenue x 100 (same fiscal year)"


def wholesale_share(wholesale: pd.DataFrame, annual: pd.DataFrame) -> pd.DataFrame:
    """Alibaba.com's revenue with its share of group revenue, derived here: see ``SHARE_FORMULA``."""
    total = annual.set_index("fiscal_year").value
    out = wholesale.sort_values("fiscal_year").copy()
    datasets.with_provenance(out, wholesale)
    out["fy_label"] = out.fiscal_year.map(fy)
    out["revenue_bn"] = out.value / 1000
    out["group_revenue"] = out.fiscal_year.map(total)
    out["share_pct"] = out.value / out.group_revenue * 100
    out["status_label"] = charts.status_label(out.status)
    return out


def wholesale_chart(wholesale: pd.DataFrame, annual: pd.DataFrame) -> alt.VConcatChart:
    """Alibaba.com's revenue FY2014-FY2022 and its (derived) share of group revenue; later years not available."""
    data = wholesale_share(wholesale, annual)
    later = [y for y in sorted(annual.fiscal_year) if y > data.fiscal_year.max()]
    gaps = pd.DataFrame({"fy_label": [fy(y) for y in later], "text": "not available", "zero": 0.0})
    years = list(data.fy_label) + list(gaps.fy_label)
    x = alt.X("fy_label:O", title="Fiscal year (ending 31 March)", sort=years, scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=-45))
    bars = alt.Chart(data).mark_bar(color=FOCUS).encode(
        x=x, y=alt.Y("revenue_bn:Q", title="Revenue (RMB billion)"),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("value", "Revenue (RMB m)", ",.0f"),
                        ("share_pct", "Share of group revenue (%, derived)", ".1f"), ("status_label", "Status", None)))
    labels = bars.mark_text(dy=-6, fontSize=10).encode(text=alt.Text("revenue_bn:Q", format=".1f"))
    missing = alt.Chart(gaps).mark_text(angle=270, align="left", baseline="middle", dx=4, fontSize=10, fontStyle="italic",
                                        color=MUTED).encode(x=x, y=alt.Y("zero:Q"), text="text:N")
    share = alt.Chart(data).mark_line(point=True, color=FOCUS).encode(
        x=x, y=alt.Y("share_pct:Q", title="Share of group revenue (%)", scale=alt.Scale(domain=[0, 10])),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("share_pct", "Share of group revenue (%)", ".1f"),
                        ("group_revenue", "Group revenue (RMB m)", ",.0f")))
    share_labels = share.mark_text(dy=-10, fontSize=10).encode(text=alt.Text("share_pct:Q", format=".1f"))
    first, last = data.iloc[0], data.iloc[-1]
    return finish(
        alt.vconcat((bars + labels + missing).properties(height=220, width=charts.WIDTH),
                    (share + share_labels).properties(height=140, width=charts.WIDTH)).resolve_scale(x="shared"),
        title=(f"Alibaba.com's revenue grew {last.value / first.value:.1f}-fold from {first.fy_label} to "
               f"{last.fy_label}, yet its share fell from {first.share_pct:.1f}% to {last.share_pct:.1f}%"),
        subtitle=("International commerce wholesale revenue (mainly Alibaba.com), RMB billion, and its share of "
                  "Alibaba Group revenue (%, derived: segment / group total)"),
        alt_text=("Bar chart of Alibaba.com's (international commerce wholesale) revenue in RMB billion, with a line "
                  "chart of its share of group revenue below: "
                  + "; ".join(f"{r.fy_label} {r.revenue_bn:,.1f} bn ({r.share_pct:.1f}%)" for r in data.itertuples())
                  + (f". {', '.join(gaps.fy_label)}: not available." if later else ".")),
        data=[wholesale, annual],
        note=(f"Share = {SHARE_FORMULA}. FY2014-FY2016 are the line 'Wholesale' under international commerce; FY2022 "
              f"is from the first report with Alibaba's new segments. Later years were not found as a separate line."),
    )


# --- facts and fees (2.2, 2.3) ---------------------------------------------------------------

def _fact_text(value, unit: str) -> str:
    if pd.isna(value):
        return "not available"
    if unit == "year":
        return f"{value:.0f}"
    number = f"{value:,.3f}".rstrip("0").rstrip(".")
    if unit.startswith("%"):
        return f"{number}%" + unit[1:]
    if unit.startswith("USD "):
        return f"US${number} {unit[4:]}"
    if unit.startswith(("EUR ", "CNY ")):
        return f"{unit[:3]} {number} {unit[4:]}"
    return f"{number} {unit}"


def facts(facts_frame: pd.DataFrame, topic: str) -> pd.DataFrame:
    """The facts of one topic, in the data's order, with the value written out with its unit."""
    out = datasets.subset(facts_frame, facts_frame.topic == topic)
    if out.empty:
        raise KeyError(f"no facts for topic {topic}")
    out["value_text"] = [_fact_text(v, u) for v, u in zip(out.value, out.unit)]
    out["note"] = out.note.fillna("")
    return out


def fact_value(facts_frame: pd.DataFrame, topic: str, fact: str, period: str | None = None) -> float:
    """One fact's value for a page's prose (ready for myst_nb.glue).

    KeyError when the data lack it or hold it as a gap; ValueError when the fact has several periods
    and none is named, so a page never quotes the wrong year by accident.
    """
    rows = facts_frame[(facts_frame.topic == topic) & (facts_frame.fact == fact)]
    if period is not None:
        rows = rows[rows.period == period]
    if len(rows) > 1:
        raise ValueError(f"{topic} / {fact}: several periods ({', '.join(rows.period)}); name one")
    if rows.empty or pd.isna(rows.value.iloc[0]):
        raise KeyError(f"no value for {topic} / {fact}" + (f" / {period}" if period else ""))
    return float(rows.value.iloc[0])


def fact_values(facts_frame: pd.DataFrame, wanted: dict[str, tuple]) -> dict[str, float]:
    """Several facts at once: name -> (topic, fact) or (topic, fact, period)."""
    return {name: fact_value(facts_frame, *where) for name, where in wanted.items()}


def facts_table(facts_frame: pd.DataFrame, topic: str, caption: str | None = None) -> tables.Table:
    """A small table of one topic's facts, with status and source per row."""
    return tables.table(
        facts(facts_frame, topic),
        [tables.Column("fact", "Fact"), tables.Column("period", "Period"),
         tables.Column("value_text", "Value (unit)"), tables.Column("note", "What to know")],
        caption=caption or TOPIC_TITLES.get(topic, topic),
        note=("'As quoted by the thesis': only the thesis gives the value; it could not be checked. Values stored "
              "as bounds ('more than', 'over') say so under 'What to know'."),
    )


def status_mix(facts_frame: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """How many facts of each topic have each status (zero counts dropped)."""
    rows = datasets.subset(facts_frame, facts_frame.topic.isin(topics))
    out = rows.groupby(["topic", "status"]).size().rename("facts").reset_index()
    out["topic_label"] = out.topic.map(TOPIC_TITLES).fillna(out.topic)
    out["status_label"] = charts.status_label(out.status)
    datasets.with_provenance(out, facts_frame)
    return out


def status_mix_chart(facts_frame: pd.DataFrame, topics: list[str]) -> alt.Chart:
    """Per topic, how many of the numbers could be checked and how many rest on the thesis alone."""
    data = status_mix(facts_frame, topics)
    statuses = [s for s in STATUS_COLOURS if s in set(data.status)]
    labels = [charts.status_label(pd.Series([s])).iloc[0] for s in statuses]
    data["order"] = data.status.map({s: i for i, s in enumerate(statuses)})
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("topic_label:N", title=None, sort=[TOPIC_TITLES.get(t, t) for t in topics]),
        x=alt.X("facts:Q", title="Numbers in the data (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status_label:N", title="Status", sort=labels,
                        scale=alt.Scale(domain=labels, range=[STATUS_COLOURS[s] for s in statuses])),
        order=alt.Order("order:Q"),
        tooltip=tooltip(("topic_label", "Topic", None), ("status_label", "Status", None), ("facts", "Numbers", "d")))
    total = int(data.facts.sum())
    thesis_only = int(data[data.status == "thesis_quoted"].facts.sum())
    return finish(
        bars.properties(height=36 * len(topics) + 20),
        title=f"{thesis_only} of the {total} numbers in the tables below rest on the thesis alone",
        subtitle="Numeric facts per topic, by status: verified in a source, or as quoted by the thesis (not checked)",
        alt_text=("Stacked bar chart counting the numeric facts of each topic by status: "
                  + "; ".join(f"{t}: " + ", ".join(f"{r.facts} {r.status_label}" for r in g.itertuples())
                              for t, g in data.groupby("topic_label", sort=False)) + "."),
        data=facts_frame,
        note="Thesis figures and the sourced figures beside them count as separate numbers.",
    )


#: How the fee rows pair up into ranges: fact -> (row label, end of range).
FEE_RANGES = {
    "Alibaba.com commission on sales (most countries)": ("Alibaba.com commission (thesis, 2021)", "point"),
    "Amazon referral fee, lowest rate (thesis)": ("Amazon (thesis, 2021)", "low"),
    "Amazon referral fee, highest rate (thesis)": ("Amazon (thesis, 2021)", "high"),
    "Amazon referral fee, typical range low end": ("Amazon, usual range (US, 2023-2025)", "low"),
    "Amazon referral fee, typical range high end": ("Amazon, usual range (US, 2023-2025)", "high"),
    "Amazon referral fee, highest category rate (Amazon device accessories)":
        ("Amazon, highest category (US, 2023-2025)", "point"),
}


def fees(facts_frame: pd.DataFrame) -> pd.DataFrame:
    """Fee rows (per cent of the sale price) with the range each belongs to."""
    out = datasets.subset(facts_frame, (facts_frame.topic == "alibaba_com_fees") & (facts_frame.unit == "% of sale price"))
    out["range_label"] = out.fact.map(lambda f: FEE_RANGES.get(f, (f, "point"))[0])
    out["end"] = out.fact.map(lambda f: FEE_RANGES.get(f, (f, "point"))[1])
    out["status_label"] = charts.status_label(out.status)
    return out


def fee_chart(facts_frame: pd.DataFrame) -> alt.Chart:
    """Alibaba.com's zero commission beside Amazon's referral fees, as the thesis and the sources give them."""
    data = fees(facts_frame)
    order = list(dict.fromkeys(data.range_label))
    spans = data.groupby("range_label").agg(low=("value", "min"), high=("value", "max"),
                                            status_label=("status_label", "first")).reset_index()
    statuses = [s for s in charts.STATUS_ORDER if s in set(data.status_label)]
    colours = {"verified (publisher)": FOCUS, "verified (secondary source)": PALETTE[4],
               "as quoted by the thesis": PALETTE[1], "derived": PALETTE[2]}
    colour = alt.Color("status_label:N", title="Status", sort=statuses,
                       scale=alt.Scale(domain=statuses, range=[colours[s] for s in statuses]))
    y = alt.Y("range_label:N", title=None, sort=order)
    rules = alt.Chart(spans).mark_rule(strokeWidth=4).encode(
        y=y, x=alt.X("low:Q", title="Fee (% of the sale price)", scale=alt.Scale(domain=[0, 50])), x2="high:Q",
        color=colour)
    points = alt.Chart(data).mark_point(filled=True, size=90).encode(
        y=y, x="value:Q", color=colour,
        tooltip=tooltip(("fact", "Fee", None), ("period", "Period", None), ("value", "Rate (% of sale price)", ".0f"),
                        ("status_label", "Status", None)))
    labels = points.mark_text(dy=-11, fontSize=10).encode(text=alt.Text("value:Q", format=".0f"))
    amazon = data[data.fact.str.startswith("Amazon")]
    thesis = amazon[amazon.status == "thesis_quoted"].value
    top = amazon[amazon.status != "thesis_quoted"].value.max()
    return finish(
        (rules + points + labels).properties(height=200),
        title=(f"Amazon's referral fee reaches {top:.0f}% in some categories, beyond the thesis's "
               f"{thesis.min():.0f}-{thesis.max():.0f}%"),
        subtitle="Fee on each sale, % of the sale price: Alibaba.com's commission and Amazon's referral fee",
        alt_text=("Range chart of selling fees in per cent of the sale price: "
                  + "; ".join(f"{r.range_label}: " + (f"{r.low:.0f}%" if r.low == r.high else f"{r.low:.0f}-{r.high:.0f}%")
                              + f" ({r.status_label})" for r in spans.set_index("range_label").loc[order].reset_index().itertuples())
                  + "."),
        data=facts_frame,
        note=("Alibaba.com charges sellers an annual membership instead of a commission (see the fee table). "
              "Sourced Amazon rates are for the US marketplace in 2023-2025; Amazon.it rates of 2021 were not seen."),
    )


# --- models: the growth trend and what it would have forecast (2.1) ---------------------------

def _fit_window(annual: pd.DataFrame, cutoff: int, first: int | None) -> pd.DataFrame:
    data = revenue(annual)
    data = data[data.audited & (data.fiscal_year <= cutoff) & data.value.notna()]
    if first is not None:
        data = data[data.fiscal_year >= first]
    if len(data) < 3:
        raise ValueError(f"need at least 3 audited years up to {cutoff} to fit a trend")
    return data


def _fit(data: pd.DataFrame, cutoff: int):
    X = sm.add_constant(data.fiscal_year.to_numpy(dtype=float) - cutoff)
    return sm.OLS(np.log(data.value.to_numpy(dtype=float)), X).fit()


def growth_trend(annual: pd.DataFrame, cutoff: int = THESIS_CUTOFF, first: int | None = None) -> pd.DataFrame:
    """Log-linear trend of revenue over audited years up to ``cutoff``.

    Model: log(revenue_t) = a + b * (t - cutoff) + e_t, ordinary least squares, e_t independent
    N(0, s^2). The implied annual growth rate is exp(b) - 1, with its 95% confidence interval
    exp(b +/- t_0.975 * se(b)) - 1. One row of results, tidy.
    """
    data = _fit_window(annual, cutoff, first)
    fit = _fit(data, cutoff)
    low, high = fit.conf_int(alpha=0.05)[1]
    years = data.fiscal_year
    after = revenue(annual).set_index("fiscal_year").value
    last = int(after.index.max())
    cagr_after = ((after[last] / after[cutoff]) ** (1 / (last - cutoff)) - 1) * 100 if last > cutoff else np.nan
    return pd.DataFrame([{
        "model": "log(revenue) ~ fiscal year (OLS)",
        "first_year": int(years.min()), "last_year": int(years.max()), "n": int(fit.nobs),
        "slope": float(fit.params[1]), "slope_se": float(fit.bse[1]),
        "growth_pct": float(np.expm1(fit.params[1]) * 100),
        "ci_low_pct": float(np.expm1(low) * 100), "ci_high_pct": float(np.expm1(high) * 100),
        "r_squared": float(fit.rsquared), "resid_sd": float(np.sqrt(fit.scale)),
        "durbin_watson": float(sm.stats.durbin_watson(fit.resid)),
        "cagr_after_pct": float(cagr_after), "after_from": cutoff, "after_to": last,
    }])


def growth_chart(annual: pd.DataFrame, trend: pd.DataFrame) -> alt.Chart:
    """Growth on the year before, with the trend's implied rate and its 95% interval."""
    data = revenue(annual)
    data = datasets.subset(data, data.growth_pct.notna())
    t = trend.iloc[0]
    inside = f"Within the trend's window ({fy(t.first_year)}-{fy(t.last_year)})"
    after = f"After the thesis ({fy(t.last_year + 1)}-{fy(data.fiscal_year.max())})"
    other = "Not like-for-like (against an unaudited year with Alipay)"
    data["period"] = np.select(
        [~data.like_for_like, data.fiscal_year > t.last_year, data.fiscal_year > t.first_year],
        [other, after, inside], default=other)
    domain = [inside, after, other]
    band = pd.DataFrame({"low": [t.ci_low_pct], "high": [t.ci_high_pct], "mid": [t.growth_pct],
                         "label": [f"trend: {t.growth_pct:.0f}% a year"]})
    x = alt.X("fy_label:O", title="Fiscal year (ending 31 March)", sort=list(data.fy_label),
              axis=alt.Axis(labelAngle=-45))
    bars = alt.Chart(data).mark_bar(strokeWidth=1.5).encode(
        x=x, y=alt.Y("growth_pct:Q", title="Revenue growth on the year before (%)"),
        fill=alt.Fill("period:N", title=None, sort=domain,
                      scale=alt.Scale(domain=domain, range=[FOCUS, PALETTE[1], "#ffffff"]),
                      legend=alt.Legend(symbolStrokeColor="#555", symbolStrokeWidth=1, symbolType="square",
                                        columns=1)),
        stroke=alt.Stroke("period:N", sort=domain, legend=None,
                          scale=alt.Scale(domain=domain, range=[FOCUS, PALETTE[1], MUTED])),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("growth_pct", "Growth on the year before (%)", ".1f"),
                        ("period", "Period", None)))
    rect = alt.Chart(band).mark_rect(color=MUTED, opacity=0.3).encode(y="low:Q", y2="high:Q")
    rule = alt.Chart(band).mark_rule(color="#333", strokeDash=[4, 3]).encode(y="mid:Q")
    text = alt.Chart(band).mark_text(align="right", dy=-8, x="width", dx=-4, fontSize=11).encode(
        y="high:Q", text="label:N")
    return finish(
        (bars + rect + rule + text).properties(height=300, width=charts.WIDTH),
        title=(f"The trend to {fy(t.last_year)} implied {t.growth_pct:.0f}% growth a year; after it, revenue grew "
               f"{t.cagr_after_pct:.0f}% a year"),
        subtitle=(f"Alibaba Group revenue growth on the previous fiscal year (%, derived), with the log-linear trend "
                  f"{fy(t.first_year)}-{fy(t.last_year)} and its 95% confidence interval (grey band)"),
        alt_text=("Bar chart of Alibaba's revenue growth on the previous fiscal year: "
                  + "; ".join(f"{r.fy_label} {r.growth_pct:.1f}%" for r in data.itertuples())
                  + f". A dashed line marks the trend's {t.growth_pct:.1f}% a year (95% interval "
                    f"{t.ci_low_pct:.1f}% to {t.ci_high_pct:.1f}%); every year after {fy(t.last_year)} falls below it."),
        data=annual,
        note=(f"Growth = revenue / revenue of the year before - 1. The trend is fitted to revenue levels, not to these "
              f"growth rates. {fy(t.after_from)}-{fy(t.after_to)} average: compound annual growth rate."),
    )


def trend_forecast(annual: pd.DataFrame, cutoff: int = THESIS_CUTOFF, first: int | None = None,
                   alpha: float = 0.05) -> pd.DataFrame:
    """Fit the log-linear trend up to ``cutoff`` and predict every later year of the data.

    Prediction intervals come from OLS ``get_prediction`` on the log scale (obs_ci: parameter
    uncertainty plus the residual variance) and are exponentiated; the point forecast exp(mean log)
    is the median, not the mean, of a log-normal forecast. Rows: ``kind`` = "fit" for the window,
    "forecast" after it; ``ratio`` = actual / forecast.
    """
    data = _fit_window(annual, cutoff, first)
    fit = _fit(data, cutoff)
    allrev = revenue(annual)
    years = allrev[allrev.fiscal_year >= data.fiscal_year.min()].fiscal_year.to_numpy()
    X = sm.add_constant(years.astype(float) - cutoff, has_constant="add")
    pred = fit.get_prediction(X).summary_frame(alpha=alpha)
    actual = allrev.set_index("fiscal_year").value
    out = pd.DataFrame({
        "fiscal_year": years,
        "fy_label": [fy(y) for y in years],
        "kind": np.where(years <= cutoff, "fit", "forecast"),
        "forecast": np.exp(pred["mean"].to_numpy()),
        "pi_low": np.exp(pred["obs_ci_lower"].to_numpy()),
        "pi_high": np.exp(pred["obs_ci_upper"].to_numpy()),
        "actual": actual.reindex(years).to_numpy(),
    })
    out["ratio"] = out.actual / out.forecast
    out["inside"] = (out.actual >= out.pi_low) & (out.actual <= out.pi_high)
    for col in ("forecast", "pi_low", "pi_high", "actual"):
        out[col + "_bn"] = out[col] / 1000
    out.attrs = {"cutoff": cutoff, "first": int(data.fiscal_year.min()), "alpha": alpha}
    return out


def forecast_chart(annual: pd.DataFrame, forecast: pd.DataFrame) -> alt.Chart:
    """Actual revenue against the trend fitted to ``cutoff`` and its 95% prediction band (log scale)."""
    cutoff, first = forecast.attrs["cutoff"], forecast.attrs["first"]
    data = revenue(annual)
    ahead = forecast[forecast.kind == "forecast"]
    joint = forecast[forecast.fiscal_year >= cutoff]  # the band starts at the last fitted year
    lo, hi = int(data.fiscal_year.min()), int(data.fiscal_year.max())
    x = alt.X("fiscal_year:Q", title="Fiscal year (ending 31 March)", scale=alt.Scale(domain=[lo, hi]),
              axis=alt.Axis(values=list(range(lo, hi + 1, 2)), labelExpr="'FY' + datum.value", labelAngle=-45))
    bottom = float(data.revenue_bn.min()) * 0.8
    top = float(max(forecast.pi_high_bn.max(), data.revenue_bn.max())) * 1.1
    log = alt.Scale(type="log", domain=[bottom, top])
    title = "Revenue (RMB billion, log scale)"
    band = alt.Chart(joint).mark_area(color=PALETTE[1], opacity=0.25).encode(
        x=x, y=alt.Y("pi_low_bn:Q", title=title, scale=log), y2="pi_high_bn:Q")
    line = alt.Chart(forecast).mark_line(color=PALETTE[1], strokeDash=[6, 3]).encode(
        x=x, y=alt.Y("forecast_bn:Q", title=title, scale=log),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("forecast_bn", "Trend (RMB bn)", ",.0f"),
                        ("pi_low_bn", "95% prediction interval, low (RMB bn)", ",.0f"),
                        ("pi_high_bn", "95% prediction interval, high (RMB bn)", ",.0f"),
                        ("actual_bn", "Actual (RMB bn)", ",.0f")))
    y = alt.Y("revenue_bn:Q", title=title, scale=log)
    actual_line = alt.Chart(data).mark_line(color=FOCUS).encode(x=x, y=y)
    actual_points = alt.Chart(data).mark_point(size=55, stroke=FOCUS, strokeWidth=1.5, opacity=1).encode(
        x=x, y=y, fill=_fill(),
        tooltip=tooltip(("fy_label", "Fiscal year", None), ("revenue_bn", "Actual (RMB bn)", ",.1f"),
                        ("basis", "Basis", None), ("status_label", "Status", None)))
    actual = actual_line + actual_points
    legend = pd.DataFrame({"item": ["Actual revenue", f"Trend fitted to {fy(first)}-{fy(cutoff)}, extended",
                                    "95% prediction interval"]})
    key = alt.Chart(legend).mark_point(opacity=0).encode(
        color=alt.Color("item:N", title=None, sort=list(legend.item),
                        scale=alt.Scale(domain=list(legend.item), range=[FOCUS, PALETTE[1], "#f5d9a8"]),
                        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1, columns=1)))
    cut = alt.Chart(pd.DataFrame({"x": [cutoff + 0.5]})).mark_rule(color="#666", strokeDash=[2, 2]).encode(x="x:Q")
    last = ahead.iloc[-1]
    return finish(
        (band + line + actual + cut + key).properties(height=320),
        title=(f"Extending the pre-{cutoff + 1} trend would have over-forecast {last.fy_label} revenue "
               f"{1 / last.ratio:.1f}-fold"),
        subtitle=(f"Alibaba Group revenue, RMB billion (log scale): actual, and the log-linear trend fitted to "
                  f"{fy(first)}-{fy(cutoff)} with its 95% prediction interval; dotted line: the thesis's horizon"),
        alt_text=(f"Line chart on a log scale of Alibaba's revenue against a trend fitted to {fy(first)}-{fy(cutoff)}. "
                  + "; ".join(f"{r.fy_label}: forecast {r.forecast_bn:,.0f} bn (95% interval {r.pi_low_bn:,.0f} to "
                              f"{r.pi_high_bn:,.0f}), actual {r.actual_bn:,.0f} bn" for r in ahead.itertuples())
                  + f". {int((~ahead.inside).sum())} of {len(ahead)} actual values fall outside the interval."),
        data=annual,
        note=("The point forecast is exp(mean of log revenue), the median of the forecast. FY2010-FY2011 "
              "(unaudited, with Alipay) are drawn but not fitted."),
    )


def forecast_table(forecast: pd.DataFrame, annual: pd.DataFrame) -> tables.Table:
    """Forecast against what happened, year by year after the cutoff."""
    ahead = forecast[forecast.kind == "forecast"].copy()
    ahead["inside_text"] = np.where(ahead.inside, "yes", "no")
    cutoff, first = forecast.attrs["cutoff"], forecast.attrs["first"]
    return tables.numbers(
        ahead,
        [tables.Column("fy_label", "Fiscal year"),
         tables.Column("forecast_bn", "Trend forecast (RMB bn)", "{:,.0f}"),
         tables.Column("pi_low_bn", "95% prediction interval, low (RMB bn)", "{:,.0f}"),
         tables.Column("pi_high_bn", "95% prediction interval, high (RMB bn)", "{:,.0f}"),
         tables.Column("actual_bn", "Actual (RMB bn)", "{:,.0f}"),
         tables.Column("ratio", "Actual / forecast", "{:.2f}"),
         tables.Column("inside_text", "Actual inside the interval?")],
        caption=f"What a trend fitted to {fy(first)}-{fy(cutoff)} forecast, and what happened",
        data=annual,
    )


def trend_table(trend: pd.DataFrame, annual: pd.DataFrame) -> tables.Table:
    """The growth model's results in one row."""
    view = trend.assign(window=trend.first_year.map(fy) + "-" + trend.last_year.map(fy))
    return tables.numbers(
        view,
        [tables.Column("window", "Fit window"), tables.Column("n", "Years (n)", "{:.0f}"),
         tables.Column("growth_pct", "Implied growth (% a year)", "{:.1f}"),
         tables.Column("ci_low_pct", "95% CI, low (%)", "{:.1f}"),
         tables.Column("ci_high_pct", "95% CI, high (%)", "{:.1f}"),
         tables.Column("r_squared", "R²", "{:.3f}"),
         tables.Column("durbin_watson", "Durbin-Watson", "{:.2f}")],
        caption="Log-linear trend of Alibaba Group revenue (OLS on log revenue)",
        data=annual,
    )
