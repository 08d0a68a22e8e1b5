"""The e-commerce charts of section 1.2 (Altair specs only): China's online retail and its cross-border
retail e-commerce by eMarketer edition, with the growth one edition implies.

Titles, notes and alt text state the numbers drawn; every frame a chart embeds goes through
``marks.chart`` so the spec is valid JSON, and each chart cites the rows it draws.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..common.style import FOCUS, PALETTE, finish, tooltip
from ..common.words import ranges
from . import data as trade_data
from . import marks, models
from .labels import KIND_ORDER, KIND_SHAPES, RETAIL_LABELS


# --- online retail ----------------------------------------------------------------------------------

def online_retail(retail: pd.DataFrame) -> alt.HConcatChart:
    """Online retail sales (total and physical goods) and the physical-goods share of all retail."""
    data = trade_data.online_retail(retail)
    money, share = data[data.unit == "CNY bn"], data[data.unit == "%"]
    yrs = sorted(data.year_label.unique())
    colour = alt.Color("year_label:N", title="Year", sort=yrs)
    tips = tooltip(("measure_label", "Measure", None), ("year_label", "Year", None), ("value", "Value", ",.1f"),
                   ("unit", "Unit", None), ("yoy_change_pct", "Published change on previous year (%)", "+.1f"),
                   ("status_label", "Status", None))
    sub = lambda text: alt.TitleParams(text, fontSize=12, fontWeight="normal")
    left = marks.chart(money).encode(y=alt.Y("measure_label:N", title=None, sort=list(RETAIL_LABELS.values())),
                                     yOffset=alt.YOffset("year_label:N", sort=yrs), tooltip=tips)
    left = (left.mark_bar().encode(x=alt.X("value:Q", title="Billion yuan"), color=colour)
            + left.mark_text(align="left", dx=3, fontSize=10).encode(x="value:Q", text="label:N")
            ).properties(width=260, height=170, title=sub("Online retail sales"))
    right = marks.chart(share).encode(y=alt.Y("year_label:N", title=None, sort=yrs), tooltip=tips)
    right = (right.mark_bar().encode(x=alt.X("value:Q", title="% of retail sales of consumer goods",
                                             scale=alt.Scale(domain=[0, 100])), color=colour)
             + right.mark_text(align="left", dx=3, fontSize=10).encode(x="value:Q", text="label:N")
             ).properties(width=150, height=170, title=sub("Physical goods sold online"))
    last = int(money.year.max())
    tot = money[(money.year == last) & (money.measure == "online_retail_sales")].iloc[0]
    sh = share[share.year == last]
    return finish(
        alt.hconcat(left, right), name="trade-online-retail",
        title=(f"China's online retail sales grew {tot.yoy_change_pct:.1f}% to {tot.value:,.0f} bn yuan in {last}"
               + (f"; goods sold online took {sh.value.iloc[0]:.1f}% of retail" if len(sh) else "")),
        subtitle=(f"Online retail sales and share of physical goods sold online, {', '.join(yrs)} "
                  "(NBS, also released by MOFCOM)"),
        alt_text=("Bar charts of China's online retail: "
                  + "; ".join(f"{r.measure_label.lower()} {r.year} {r.label}" for r in money.itertuples())
                  + " billion yuan; physical goods sold online as a share of retail sales of consumer goods: "
                  + "; ".join(f"{r.year} {r.value:.1f}%" for r in share.itertuples()) + "."),
        data=data,
        note=(f"Only {', '.join(yrs)} are in this book's data. Changes in brackets are as published "
              "(on a comparable basis), not computed from the levels."),
    )


# --- cross-border e-commerce ------------------------------------------------------------------------

def _revision_title(avail: pd.DataFrame) -> str:
    multi = avail.groupby("year").filter(lambda g: g.edition.nunique() > 1)
    if multi.empty:
        return "China's cross-border retail e-commerce by eMarketer edition"
    year = int(multi.groupby("year").value.apply(lambda v: v.max() - v.min()).idxmax())
    pair = multi[multi.year == year].sort_values("edition_order")
    a, b = pair.iloc[0], pair.iloc[-1]
    short = lambda label: label.replace("eMarketer, ", "")
    return (f"eMarketer revised its own figures: {year} was USD {a.value:.1f} bn in its {short(a.edition_label)} "
            f"edition, {b.value:.1f} bn in {short(b.edition_label)}")


def _kind_shape() -> alt.Shape:
    return alt.Shape("kind_label:N", title="Value is", sort=KIND_ORDER,
                     scale=alt.Scale(domain=KIND_ORDER, range=KIND_SHAPES))


def crossborder(ecom: pd.DataFrame) -> alt.VConcatChart:
    """One line per edition, with a grid below of which years each edition (and the thesis) gives."""
    data = trade_data.crossborder(ecom)
    avail = data[data.value.notna()]
    labels = list(dict.fromkeys(data.edition_label))
    drawn = [e for e in labels if e in set(avail.edition_label)]
    years = list(range(int(data.year.min()), int(data.year.max()) + 1))
    x = alt.X("year:O", title="Year the sales refer to", scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0))
    colour = alt.Color("edition_label:N", title="Edition", sort=drawn, legend=alt.Legend(columns=2),
                       scale=alt.Scale(domain=drawn, range=PALETTE[:len(drawn)]))
    tips = tooltip(("edition_label", "Edition", None), ("year", "Year", None), ("value", "Sales (USD bn)", ",.2f"),
                   ("kind_label", "Value is", None), ("status_label", "Status", None))
    y = alt.Y("value:Q", title="Cross-border retail e-commerce (billion US dollars)")
    top = (marks.chart(avail).mark_line().encode(x=x, y=y, color=colour, detail="run:N")
           + marks.chart(avail).mark_point(size=70, filled=True).encode(x=x, y="value:Q", color=colour, tooltip=tips,
                                                                         shape=_kind_shape())
           ).properties(height=260, width=440)
    grid = marks.chart(data).encode(
        x=alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("edition_label:N", title=None, sort=labels), tooltip=tips)
    cells = (grid.mark_text(fontSize=11, color="#111").transform_filter(alt.datum.status != "not_found")
             .encode(text="label:N")
             + grid.mark_text(fontSize=11, fontStyle="italic", color="#777")
             .transform_filter(alt.datum.status == "not_found").encode(text="label:N"))
    bottom = cells.properties(height=22 * len(labels), width=440, title=alt.TitleParams(
        "Values by edition (USD bn); n/a = not available; blank = not covered", fontSize=12, fontWeight="normal"))
    gaps = data[data.value.isna()].groupby("edition_label", sort=False).year.agg(ranges)
    return finish(
        alt.vconcat(top, bottom, spacing=18), name="trade-crossborder",
        title=_revision_title(avail),
        subtitle=("China's cross-border retail e-commerce sales (consumers buying from abroad), billion US dollars, "
                  "one line per edition; compare values only within an edition"),
        alt_text=("Line chart of China's cross-border retail e-commerce sales by edition, billion US dollars: "
                  + "; ".join(f"{ed}: " + ", ".join(f"{r.year} {r.value:.2f} ({r.kind_label})"
                                                     for r in avail[avail.edition_label == ed].itertuples())
                              for ed in drawn)
                  + ". A grid below shows which years each edition gives"
                  + "".join(f"; {ed} has no available value for {yrs}" for ed, yrs in gaps.items()) + "."),
        data=data,
        note=("n/a, no value found in the sources: " + "; ".join(f"{ed}, {yrs}" for ed, yrs in gaps.items()) + ". "
              if len(gaps) else "")
             + "Lines join consecutive years of one edition only. Values for years after an edition's publication "
               "are forecasts.",
    )


def crossborder_growth(growth: models.Growth) -> alt.LayerChart:
    """The selected edition's values on a log scale, with the fitted trend and its 95% band."""
    r = growth.selected
    if r is None:  # too few points: say so instead of drawing a forced fit
        table = growth.editions
        text = (f"No edition gives {int(table.min_points.iloc[0])} values for a trend "
                f"(the most is {int(table.n_values.max())})")
        empty = marks.chart(pd.DataFrame({"text": ["No trend is drawn"]})).mark_text(fontSize=14).encode(text="text:N")
        return finish(empty, name="trade-crossborder-growth", title=text, alt_text=text + ".", data=table)
    pts, band = growth.points, growth.band
    x = alt.X("year:Q", title="Year the sales refer to", axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0),
              scale=alt.Scale(zero=False, nice=False,
                              domain=[int(band.year.min()) - 0.3, int(band.year.max()) + 0.3]))
    y_scale = alt.Scale(type="log")
    area = marks.chart(band).mark_area(opacity=0.25, color=FOCUS).encode(
        x=x, y=alt.Y("low:Q", scale=y_scale, title="Sales (billion US dollars, log scale)"), y2="high:Q")
    trend = marks.chart(band).mark_line(color=FOCUS).encode(
        x=x, y=alt.Y("fitted:Q", scale=y_scale),
        tooltip=tooltip(("year", "Year", None), ("fitted", "Trend (USD bn)", ",.1f"),
                        ("low", "95% band, low (USD bn)", ",.1f"), ("high", "95% band, high (USD bn)", ",.1f")))
    dots = marks.chart(pts).mark_point(filled=True, size=70, color="#222").encode(
        x=x, y=alt.Y("value:Q", scale=y_scale),
        shape=_kind_shape(),
        tooltip=tooltip(("year", "Year", None), ("value", "Sales (USD bn)", ",.2f"),
                        ("kind_label", "Value is", None), ("status_label", "Status", None)))
    basis = "estimates only" if r.basis_estimates_only else "estimates and forecasts"
    kinds = pts.kind_label.value_counts()
    return finish(
        (area + trend + dots).properties(height=280), name="trade-crossborder-growth",
        title=(f"The {r.edition_label} edition implies about {r.growth:.0%} growth a year "
               f"(95% interval {r.ci_low:.0%} to {r.ci_high:.0%})"),
        subtitle=(f"Log-linear least-squares trend through the {r.edition_label} edition's {r.n_fit} values "
                  f"({basis}); shaded: 95% band for the trend"),
        alt_text=(f"Log-scale chart of the {r.edition_label} edition's values: "
                  + "; ".join(f"{p.year} {p.value:.2f} bn US dollars ({p.kind_label})" for p in pts.itertuples())
                  + f", with a fitted trend of {r.growth:.1%} a year "
                    f"(95% interval {r.ci_low:.1%} to {r.ci_high:.1%})."),
        data=pts,
        note=("Values fitted: " + ", ".join(f"{n} {k}" for k, n in kinds.items()) + f"; {int(r.df_resid)} residual "
              "degrees of freedom. " + marks.derived_note(pts, lambda p: f"{p.year}")),
    )
