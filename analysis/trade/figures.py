"""The trade charts of section 1.2 (Altair specs only): China's GDP and trade, Italy-China trade as each
side records it, and the level shift after the thesis. Titles, notes and alt text state the numbers drawn;
the e-commerce charts are in ``ecommerce_figures``.

Every chart is finished with ``style.finish`` and a stable ``name`` ("trade-..."); every frame a
chart embeds goes through ``marks.chart`` so the spec is valid JSON. Commentary about the thesis and
its sources is on the page, or in a row's ``note``.
"""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd

from .. import datasets
from ..common import editions, style
from ..common.style import FOCUS, MUTED, PALETTE, finish, tooltip
from . import data as trade_data
from . import marks, models
from .labels import (BASIS_ORDER, BASIS_SHAPES, EVIDENCE, FIT_LINES, FLOW_LABELS, GACC_RECORDER, INTO_CHINA,
                     INTO_ITALY, ISTAT_RECORDER, MACRO_LABELS, TRADE_KIND, VIEWS)

# --- China's GDP and goods trade ------------------------------------------------------------------

def china_macro(macro: pd.DataFrame) -> alt.HConcatChart:
    """China's GDP and goods trade as first published, each year; a revised GDP figure as a hollow point."""
    data = trade_data.macro_series(macro)
    first = datasets.subset(data, data.vintage == "preliminary")
    revised = data[data.vintage == "revised"]
    years = sorted(first.year.unique())
    y0, y1 = int(years[0]), int(years[-1])
    changes = [trade_data.macro_change(macro, y, ind) for y in years for ind in ("gdp", "goods_trade")]
    series = list(MACRO_LABELS.values())
    colour = alt.Color("series:N", title=None, sort=series,
                       scale=alt.Scale(domain=series, range=PALETTE[:len(series)]))
    tips = tooltip(("series", "Series", None), ("year", "Year", None), ("value", "Value (bn yuan)", ",.1f"),
                   ("yoy_change_pct", "Published change on previous year (%)", "+.1f"),
                   ("vintage_label", "Vintage", None), ("status_label", "Status", None))
    x = alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))

    def panel(rows: pd.DataFrame, title: str) -> alt.LayerChart:
        base = marks.chart(rows).encode(x=x, color=colour, tooltip=tips)
        shape = alt.Shape("basis:N", title="Value is",
                          scale=alt.Scale(domain=BASIS_ORDER[:2], range=BASIS_SHAPES[:2]))
        return (base.mark_line().encode(y=alt.Y("value:Q", title=title), detail="series:N")
                + base.mark_point(filled=True, size=60).encode(y="value:Q", shape=shape)
                ).properties(width=230, height=260)

    hollow = marks.chart(revised).mark_point(filled=False, size=90, color=PALETTE[0]).encode(
        x=x, y="value:Q", tooltip=tips)
    tags = marks.chart(revised.assign(label=[f"revised: {v:,.1f}" for v in revised.value])).mark_text(
        align="left", dx=8, dy=10, fontSize=10, color="#444").encode(x=x, y="value:Q", text="label:N")
    chart = alt.hconcat(panel(first[first.panel == "GDP"], "GDP (billion yuan)") + hollow + tags,
                        panel(first[first.panel == "Goods trade"], "Trade in goods (billion yuan)"))
    grew = all(c > 0 for c in changes)
    return finish(
        chart.resolve_scale(y="independent"), name="trade-china-macro",
        title=(f"China's GDP and goods trade grew every year from {y0} to {y1}, as published" if grew
               else f"China's GDP and goods trade, {y0}-{y1}: growth was not positive every year"),
        subtitle="Billion yuan, each year as first published (GDP: NBS; goods trade: GACC)" + "".join(
            f". {r.year} GDP: the filled point is the preliminary figure "
            f"({trade_data.macro_value(macro, r.year, 'gdp'):,.1f} bn), the hollow one the revised figure "
            f"({r.value:,.1f} bn)" for r in revised.itertuples()),
        alt_text=_macro_alt_text(first, revised),
        data=datasets.subset(macro, macro.index.isin(first.index.union(revised.index))),
        note=_macro_note(macro, first, y1),
    )


def _macro_alt_text(first: pd.DataFrame, revised: pd.DataFrame) -> str:
    gdp, goods = first[first.panel == "GDP"], first[first.panel == "Goods trade"].sort_values(["year", "series"])
    return ("Two line charts. Left: China's GDP in billion yuan, "
            + "; ".join(f"{r.year} {r.value:,.1f} ({r.yoy_change_pct:+.1f}%)" for r in gdp.itertuples())
            + "".join(f", with the revised {r.year} value {r.value:,.1f} shown as a hollow point"
                      for r in revised.itertuples())
            + ". Right: goods trade, "
            + "; ".join(f"{r.series.lower()} {r.year} {r.value:,.1f}" for r in goods.itertuples()) + " billion yuan.")


def _macro_note(macro: pd.DataFrame, first: pd.DataFrame, last: int) -> str:
    note = ("The published changes compare each year with the previous year's revised figure, so they do not "
            "always match the change between the first-published levels drawn here.")
    now, before = (trade_data.macro_value(macro, y, "goods_trade") for y in (last, last - 1))
    change = trade_data.macro_change(macro, last, "goods_trade")
    if now < before and change > 0:
        note += (f" This is why goods trade in {last} ({now:,.1f} bn) sits below the first-published {last - 1} "
                 f"level ({before:,.1f} bn) although its published change is {change:+.1f}%.")
    return note + " " + marks.derived_note(first, lambda r: f"{r.series.lower()} {r.year}")


def goods_vs_services(macro: pd.DataFrame, year: int,
                      callout: tuple[str, str, str] | None = None) -> alt.LayerChart:
    """Goods trade beside services trade in one year; ``callout`` = (indicator, flow, text) marks one bar."""
    data = trade_data.goods_vs_services(macro, year)
    if callout:
        mark = (data.indicator == callout[0]) & (data.flow == callout[1])
        data.loc[mark, "label"] += f"  ← {callout[2]}"
    g_chg, s_chg = (trade_data.macro_change(macro, year, ind) for ind in ("goods_trade", "services_trade"))
    flows, kinds = [FLOW_LABELS[f] for f in ("total", "exports", "imports")], list(TRADE_KIND.values())
    base = marks.chart(data).encode(
        y=alt.Y("flow_label:N", title=None, sort=flows), yOffset=alt.YOffset("kind:N", sort=kinds),
        tooltip=tooltip(("kind", "Trade in", None), ("flow_label", "Flow", None),
                        ("value", "Value (bn yuan)", ",.1f"), ("yoy_change_pct", "Change on previous year (%)", "+.1f"),
                        ("status_label", "Status", None)))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=f"Value in {year} (billion yuan)", axis=alt.Axis(tickCount=4)),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=[FOCUS, PALETTE[1]])))
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(x="value:Q", text="label:N")
    verb = lambda c: f"grew {c:.1f}%" if c > 0 else f"fell {-c:.1f}%"
    return finish(
        (bars + labels).properties(height=250, width=380), name="trade-goods-vs-services",
        title=f"In {year} China's trade in goods {verb(g_chg)}, its trade in services {verb(s_chg)}",
        subtitle=(f"China's trade in goods (GACC) and in services (MOFCOM), {year}, billion yuan, with the published "
                  f"change on {year - 1}"),
        alt_text=(f"Grouped bar chart of China's trade in {year}. "
                  + "; ".join(f"{r.kind}: {r.flow_label.lower()} {r.label} billion yuan" for r in data.itertuples())
                  + "."),
        data=data,
    )


# --- Italy-China trade, ISTAT ---------------------------------------------------------------------

def italy_china(istat: pd.DataFrame, flows: tuple[str, ...] = ("exports", "imports")) -> alt.LayerChart:
    """Italian exports to and imports from China by year (ISTAT), gaps left as gaps."""
    annual = trade_data.istat_annual(istat)
    data = datasets.subset(annual, annual.flow.isin(flows))
    both = data[data.value.notna()].pivot(index="year", columns="flow", values="value").dropna()
    last = int(both.index.max())
    exp, imp = both.loc[last, "exports"], both.loc[last, "imports"]
    missing = trade_data.missing_years(data)
    gaps = f" ({', '.join(map(str, missing))})" if missing else ""
    partial = list(dict.fromkeys(trade_data.period_label(p) for p in istat.period
                                 if not re.fullmatch(r"\d{4}", str(p))))
    bal = datasets.subset(annual, (annual.flow == "balance") & annual.value.notna())  # quoted in the note
    return finish(
        marks.trade_layers(data).properties(height=320), name="trade-italy-china",
        title=(f"Italy buys from China {imp / exp:.1f} times what it sells there "
               f"(EUR {imp:.1f} bn against {exp:.1f} bn in {last})"),
        subtitle=("Italy's trade in goods with China, billion euros, Italian statistics (ISTAT, as reported by the "
                  "press). Lines join consecutive years only; grey: no value"),
        alt_text=(f"Line chart of Italy's goods trade with China by year, billion euros: {marks.values_text(data)}"
                  + (f". No value for {', '.join(map(str, missing))}." if missing else ".")),
        data=[data, bal],
        note=(f"Years with no export or import value are shaded{gaps}; values published as 'more than' are lower "
              "bounds (triangles). "
              + ("The sources give ISTAT's balance only for "
                 + ", ".join(f"{r.year} (EUR {r.value:+.1f} bn)" for r in bal.itertuples()) + ". "
                 if len(bal) else "The sources give no ISTAT balance. ")
              + (f"Part-year figures ({', '.join(partial)}) are not drawn. " if partial else "")
              + "Chinese customs count the same trade in US dollars, in a separate chart."),
    )


def then_and_now(istat: pd.DataFrame) -> alt.HConcatChart:
    """Two panels on one scale: the ISTAT series as the thesis could see it, and with the newest data."""
    data = trade_data.then_and_now(istat)
    avail = data[data.value.notna()]
    span = [int(data.year.min()), int(data.year.max())]
    top = float(np.ceil(avail.value.max() / 10) * 10)
    last_seen = int(data.attrs["last_seen"])

    def panel(rows: pd.DataFrame) -> alt.LayerChart:
        return marks.trade_layers(rows, [0, top], span, last_seen if (rows.view == "then").all() else None)

    chart = style.then_and_now(data, panel, lambda view, last: VIEWS[view].format(last=last),
                               width=250, height=260)
    then_imp = avail[(avail.view == "then") & (avail.flow == "imports")]
    now_imp = avail[(avail.view == "now") & (avail.flow == "imports")]
    seen, peak = then_imp.loc[then_imp.year.idxmax()], now_imp.loc[now_imp.value.idxmax()]
    cutoff = editions.cutoff(istat)
    return finish(
        chart, name="trade-then-and-now",
        title=(f"The thesis saw Italy's imports from China at EUR {seen.value:.1f} bn ({int(seen.year)}); "
               f"they peaked at EUR {peak.value:.1f} bn in {int(peak.year)}"),
        subtitle=(f"Italy's trade in goods with China, billion euros (ISTAT): years to {last_seen} beside all years "
                  f"to {data.attrs['newest']}, same scale"),
        alt_text=("Two line charts on the same scale. "
                  + " ".join(f"{VIEWS[v].format(last=data.attrs['last_seen' if v == 'then' else 'newest'])}: "
                             f"{marks.values_text(data[data.view == v])}." for v in ("then", "now"))),
        data=data,
        note=(f"The left panel keeps the years whose figures were out by {cutoff:%d %B %Y}; the values are those "
              "reported later, which may differ from what was published at the time. Lines join consecutive years "
              "only; grey: no value."),
    )


def mirror(istat: pd.DataFrame, gacc: pd.DataFrame) -> alt.HConcatChart:
    """ISTAT and Chinese customs side by side, each in its own currency and panel."""
    data = trade_data.mirror(istat, gacc)
    directions = [INTO_CHINA, INTO_ITALY]
    colour = alt.Color("direction:N", title=None, sort=directions,
                       scale=alt.Scale(domain=directions, range=[FOCUS, PALETTE[1]]))

    def panel(who: str, unit: str) -> alt.LayerChart:
        rows = data[data.recorder == who]
        base = marks.chart(rows).encode(
            x=alt.X("period_label:N", title="Period", sort=sorted(rows.period_label.unique()),
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("direction:N", sort=directions),
            tooltip=tooltip(("recorder", "Recorded by", None), ("period_label", "Period", None),
                            ("direction", "Direction", None), ("value", f"Value ({unit})", ",.3f"),
                            ("status_label", "Status", None)))
        return (base.mark_bar().encode(y=alt.Y("value:Q", title=f"Value ({unit})"), color=colour)
                + base.mark_text(dy=-5, fontSize=10).encode(y="value:Q", text="label:N")
                ).properties(width=230, height=260, title=alt.TitleParams(who, fontSize=12, fontWeight="normal"))

    ist, gac = data[data.recorder == ISTAT_RECORDER], data[data.recorder == GACC_RECORDER]
    year = sorted(set(ist.period) & set(gac.period))[-1]
    i_val = float(ist[(ist.period == year) & (ist.direction == INTO_CHINA)].value.iloc[0])
    g_val = float(gac[(gac.period == year) & (gac.direction == INTO_CHINA)].value.iloc[0])
    listing = lambda rows: "; ".join(f"{r.direction} {r.period_label} {r.label}" for r in rows.itertuples())
    part_years = [p for p in gac.period_label.unique() if "(" in p]
    return finish(
        alt.hconcat(panel(ISTAT_RECORDER, "billion euros"), panel(GACC_RECORDER, "billion US dollars")
                    ).resolve_scale(y="independent"), name="trade-mirror",
        title=(f"Two counts of one trade: Italian goods into China in {year} were USD {g_val:.1f} bn for Chinese "
               f"customs, EUR {i_val:.1f} bn for ISTAT"),
        subtitle="Italy-China trade in goods as recorded by each side, in each side's own currency; not converted",
        alt_text=(f"Two bar charts side by side. Left, ISTAT in billion euros: {listing(ist)}. "
                  f"Right, Chinese customs in billion US dollars: {listing(gac)}."),
        data=[datasets.subset(istat, istat.period.isin(ist.period) & istat.flow.isin(["exports", "imports"])),
              datasets.subset(gacc, gacc.flow != "total")],
        note=("No exchange rate is in this book's data, so the two panels are not converted. "
              + (f"Part-year periods: {', '.join(part_years)}. " if part_years else "")
              + marks.derived_note(data, lambda r: f"* {r.recorder.split(' (')[0]}, {r.period_label}, "
                                                   f"{r.direction}")),
    )


# --- the level shift --------------------------------------------------------------------------------

def _evidence_phrase(result: pd.DataFrame) -> str:
    groups = models.evidence_groups(result)
    if len(groups) == 1:
        return ("for each flow, " if len(result) > 1 else "") + EVIDENCE[next(iter(groups))]
    return "; ".join(f"{' and '.join(flows)}: {EVIDENCE[e]}" for e, flows in groups.items())


def level_shift(annual: pd.DataFrame, result: pd.DataFrame) -> alt.FacetChart:
    """Observed values, the fitted lines and the earlier trend carried on, one panel per flow."""
    obs = datasets.subset(annual, annual.flow.isin(result.flow) & annual.value.notna())
    obs["used"] = np.where(obs.lower_bound, "left out (lower bound)", "used in the fit")
    x = alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0),
              scale=alt.Scale(nice=False, zero=False,
                              domain=[int(result.first_year.min()) - 0.5, int(result.last_year.max()) + 0.5]))
    lines = alt.Chart().mark_line().transform_filter(alt.datum.kind == "fit").encode(
        x=x, y=alt.Y("fitted:Q", title=marks.EUR_BN),
        color=alt.Color("line:N", title=None, sort=FIT_LINES, scale=alt.Scale(range=[MUTED, FOCUS, PALETTE[5]])),
        strokeDash=alt.StrokeDash("line:N", legend=None, sort=FIT_LINES,
                                  scale=alt.Scale(range=[[1, 0], [1, 0], [5, 4]])),
        detail="line:N")
    dots = alt.Chart().mark_point(filled=True, size=55, color="#222").transform_filter(
        alt.datum.kind == "obs").encode(
        x=x, y="value:Q",
        shape=alt.Shape("used:N", title=None, scale=alt.Scale(domain=["used in the fit", "left out (lower bound)"],
                                                              range=["circle", "triangle-up"])),
        tooltip=tooltip(("flow_label", "Flow", None), ("year", "Year", None), ("value", "Value (EUR bn)", ",.2f"),
                        ("basis", "Value is", None), ("used", "In the model", None)))
    combined = pd.concat([obs[["flow_label", "year", "value", "basis", "used"]].assign(kind="obs"),
                          models.level_shift_lines(result).assign(kind="fit")], ignore_index=True)
    chart = alt.layer(lines, dots, data=marks.safe(combined)).properties(width=250, height=240).facet(
        column=alt.Column("flow_label:N", title=None, sort=list(result.flow_label),
                          header=alt.Header(labelAnchor="start")))
    brk, seen = int(result.break_year.iloc[0]), int(editions.last_seen(annual))
    return finish(
        chart.resolve_scale(y="independent"), name="trade-level-shift",
        title=(f"After {seen}: " + ", ".join(f"{r.flow} EUR {r.shift_bn:+.1f} bn" for r in result.itertuples())
               + f" against the earlier trend; {_evidence_phrase(result)}"),
        subtitle=(f"Least-squares fit of value = a + b × year + c × (year ≥ {brk}), billion euros (ISTAT). "
                  "95% intervals for c: "
                  + "; ".join(f"{r.flow} {r.ci_low:+.1f} to {r.ci_high:+.1f} (Newey-West), "
                              f"{r.ci_low_ols:+.1f} to {r.ci_high_ols:+.1f} (ordinary)" for r in result.itertuples())),
        alt_text=("Panels of observed annual values with fitted lines, one per flow. "
                  + " ".join(f"{r.flow_label}: shift from {r.break_year} of {r.shift_bn:+.2f} bn euros "
                             f"(95% interval {r.ci_low:+.2f} to {r.ci_high:+.2f}), trend {r.trend:+.2f} bn a year, "
                             f"{r.n} years ({r.years})." for r in result.itertuples())),
        data=obs,
        note=("Fitted to " + ", ".join(f"{r.n} {r.flow} values ({r.n_post} from {r.break_year})"
                                       for r in result.itertuples())
              + "; lower bounds left out: "
              + (", ".join(d for d in dict.fromkeys(result.dropped_lower_bounds) if d) or "none") + "."),
    )
