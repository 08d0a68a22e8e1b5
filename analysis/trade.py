"""Why China (section 1.2): China's economy and trade, Italy-China trade, cross-border e-commerce.

Every function takes datasets loaded with :func:`analysis.datasets.load` and keeps their metadata,
so each chart can cite the rows it draws. Two models live here: a log-linear growth trend for
cross-border e-commerce (:func:`crossborder_growth`) and a level shift in Italy-China trade after
2020 with Newey-West standard errors (:func:`level_shift`).
"""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.api as sm

from . import charts, datasets
from .charts import finish, tooltip

#: Readable names for the series drawn on this page.
MACRO_LABELS = {("gdp", "total"): "GDP", ("goods_trade", "total"): "Goods trade, total",
                ("goods_trade", "exports"): "Goods exports", ("goods_trade", "imports"): "Goods imports",
                ("goods_trade", "balance"): "Goods trade balance"}
TRADE_KIND = {"goods_trade": "Trade in goods (customs, GACC)", "services_trade": "Trade in services (MOFCOM)"}
FLOW_LABELS = {"total": "Total (exports + imports)", "exports": "Exports", "imports": "Imports",
               "balance": "Balance (exports - imports)"}
ISTAT_FLOWS = {"exports": "Italian exports to China", "imports": "Italian imports from China",
               "balance": "Balance (exports - imports)", "total": "Total (exports + imports)"}
#: The two directions of trade, whichever side records them.
DIRECTION = {"exports": "Italian goods into China", "imports": "Chinese goods into Italy",
             "china_imports_from_italy": "Italian goods into China",
             "china_exports_to_italy": "Chinese goods into Italy"}
EDITIONS = {"emarketer_2016_06": "eMarketer, June 2016", "emarketer_2017_04": "eMarketer, April 2017",
            "emarketer_2017_11": "eMarketer, November 2017", "emarketer_2018_late": "eMarketer, late 2018",
            "alizila_2017_thesis": "Thesis Table 2 (credited to Alizila 2017)"}
RETAIL_LABELS = {"online_retail_sales": "Online retail sales (goods and services)",
                 "online_retail_sales_physical_goods": "of which physical goods"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
#: Mark for each kind of value; a shape legend reads these.
BASIS_ORDER = ["verified", "derived", "lower bound ('more than')", "not available"]
BASIS_SHAPES = ["circle", "diamond", "triangle-up", "square"]


def _segments(frame: pd.DataFrame, by: list[str], year: str = "year") -> pd.Series:
    """A run id per row: consecutive years of one series share an id, a missing year starts a new run.

    Lines are drawn per run, so a gap in the data stays a gap on the chart (no line across it).
    """
    ids = pd.Series("", index=frame.index, dtype=object)
    for key, grp in frame.sort_values(year).groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        run = (grp[year].diff() != 1).cumsum()
        ids.loc[grp.index] = ["|".join(map(str, key)) + f"|{r}" for r in run]
    return ids


def period_label(period: str) -> str:
    """'2021-01..06' -> '2021 (Jan-Jun)'; a plain year stays as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{2})", str(period))
    if not m:
        return str(period)
    return f"{m.group(1)} ({MONTHS[int(m.group(2)) - 1]}-{MONTHS[int(m.group(3)) - 1]})"


def is_lower_bound(note) -> bool:
    """Rows published as 'more than X' say so in their note; their value is a floor, not a level."""
    return isinstance(note, str) and "lower bound" in note


def _basis(row) -> str:
    if row.status == "not_found":
        return "not available"
    if is_lower_bound(row.note):
        return "lower bound ('more than')"
    return "derived" if row.status == "derived" else "verified"


def _one(frame: pd.DataFrame, what: str, **match) -> float:
    """One value; raises KeyError when the data lack it (so a page never shows a guess)."""
    rows = frame
    for col, val in match.items():
        rows = rows[rows[col] == val]
    if rows.empty or pd.isna(rows.value.iloc[0]):
        raise KeyError(f"no value for {what} {match}")
    if len(rows) > 1:
        raise KeyError(f"more than one value for {what} {match}")
    return float(rows.value.iloc[0])


def macro_value(macro: pd.DataFrame, year: int, indicator: str, flow: str = "total",
                vintage: str = "preliminary") -> float:
    """One value of ``china_macro_trade``."""
    return _one(macro, "china_macro_trade", year=year, indicator=indicator, flow=flow, vintage=vintage)


def macro_change(macro: pd.DataFrame, year: int, indicator: str, flow: str = "total") -> float:
    """The published year-on-year change (%) of one first-published value."""
    rows = macro[(macro.year == year) & (macro.indicator == indicator) & (macro.flow == flow)
                 & (macro.vintage == "preliminary")]
    if rows.empty or pd.isna(rows.yoy_change_pct.iloc[0]):
        raise KeyError(f"no published change for {indicator} {flow} in {year}")
    return float(rows.yoy_change_pct.iloc[0])


# --- 1. China's GDP and goods trade, 2019-2023 --------------------------------------------------

def macro_series(macro: pd.DataFrame) -> pd.DataFrame:
    """GDP (both 2019 vintages) and goods trade by flow, with labels and status, sorted by year."""
    keys = macro[["indicator", "flow"]].apply(tuple, axis=1)
    out = datasets.subset(macro, keys.isin(MACRO_LABELS) & macro.value.notna())
    out["series"] = out[["indicator", "flow"]].apply(tuple, axis=1).map(MACRO_LABELS)
    out["panel"] = np.where(out.indicator == "gdp", "GDP", "Goods trade")
    out["status_label"] = charts.status_label(out.status)
    out["basis"] = np.where(out.status == "derived", "derived", "verified")
    out["vintage_label"] = out.vintage.map({"preliminary": "first published", "revised": "revised"})
    return out[["year", "indicator", "flow", "vintage", "vintage_label", "series", "panel", "value",
                "yoy_change_pct", "unit", "status", "status_label", "basis", "source_id"]].sort_values(["series", "year"])


def china_macro_chart(macro: pd.DataFrame) -> alt.HConcatChart:
    """China's GDP and goods trade as first published, 2019-2023; 2019 GDP in both vintages."""
    data = macro_series(macro)
    first = data[data.vintage == "preliminary"]
    first = datasets.subset(first, first.index)
    revised = data[data.vintage == "revised"]
    years = sorted(first.year.unique())
    y0, y1 = int(years[0]), int(years[-1])
    gdp_growth = [macro_change(macro, y, "gdp") for y in years]
    trade_growth = [macro_change(macro, y, "goods_trade") for y in years]
    both = all(g > 0 for g in gdp_growth + trade_growth)
    series = list(MACRO_LABELS.values())
    colour = alt.Color("series:N", title=None, sort=series,
                       scale=alt.Scale(domain=series, range=charts.PALETTE[:len(series)]))
    tips = tooltip(("series", "Series", None), ("year", "Year", None), ("value", "Value (bn yuan)", ",.1f"),
                   ("yoy_change_pct", "Published change on previous year (%)", "+.1f"),
                   ("vintage_label", "Vintage", None), ("status_label", "Status", None))
    x = alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))

    def panel(rows: pd.DataFrame, title: str) -> alt.LayerChart:
        base = alt.Chart(rows).encode(x=x, color=colour, tooltip=tips)
        line = base.mark_line().encode(y=alt.Y("value:Q", title=title), detail="series:N")
        dots = base.mark_point(filled=True, size=60).encode(
            y="value:Q", shape=alt.Shape("basis:N", title="Value is",
                                         scale=alt.Scale(domain=BASIS_ORDER[:2], range=BASIS_SHAPES[:2])))
        return line + dots

    gdp = panel(first[first.panel == "GDP"], "GDP (billion yuan)")
    hollow = alt.Chart(revised).mark_point(filled=False, size=90, color=charts.PALETTE[0]).encode(
        x=x, y="value:Q", tooltip=tips)
    note_text = alt.Chart(revised.assign(label=[f"revised: {v:,.1f}" for v in revised.value])).mark_text(
        align="left", dx=8, dy=10, fontSize=10, color="#444").encode(x=x, y="value:Q", text="label:N")
    trade = panel(first[first.panel == "Goods trade"], "Trade in goods (billion yuan)")
    chart = alt.hconcat((gdp + hollow + note_text).properties(width=230, height=260),
                        trade.properties(width=230, height=260)).resolve_scale(y="independent")
    prelim19 = macro_value(macro, y0, "gdp")
    rev19 = macro_value(macro, y0, "gdp", vintage="revised")
    headline = (f"China's GDP and goods trade grew every year from {y0} to {y1}, as published"
                if both else f"China's GDP and goods trade, {y0}-{y1}: growth was not positive every year")
    last_trade, prev_trade = macro_value(macro, y1, "goods_trade"), macro_value(macro, y1 - 1, "goods_trade")
    vintage_note = ""
    if last_trade < prev_trade and macro_change(macro, y1, "goods_trade") > 0:
        vintage_note = (f" This is why goods trade in {y1} ({last_trade:,.1f} bn) sits below the first-published "
                        f"{y1 - 1} level ({prev_trade:,.1f} bn) although its published change is "
                        f"{macro_change(macro, y1, 'goods_trade'):+.1f}%.")
    return finish(
        chart,
        title=headline,
        subtitle=(f"Billion yuan, each year as first published (GDP: NBS; goods trade: GACC). 2019 GDP is the NBS "
                  f"preliminary figure the thesis quotes ({prelim19:,.1f} bn); the hollow point is the revised "
                  f"figure ({rev19:,.1f} bn)"),
        alt_text=("Two line charts. Left: China's GDP in billion yuan, "
                  + "; ".join(f"{r.year} {r.value:,.1f} ({r.yoy_change_pct:+.1f}%)"
                              for r in first[first.panel == "GDP"].itertuples())
                  + f", with the revised {y0} value {rev19:,.1f} shown as a hollow point. Right: goods trade, "
                  + "; ".join(f"{r.series.lower()} {r.year} {r.value:,.1f}"
                              for r in first[first.panel == "Goods trade"].sort_values(["year", "series"]).itertuples())
                  + " billion yuan."),
        data=datasets.subset(macro, macro.index.isin(first.index.union(revised.index))),
        note=("The published changes compare each year with the previous year's revised figure, so they do not "
              "always match the change between the first-published levels drawn here." + vintage_note
              + " Balances for 2022 and 2023 are exports minus imports (derived)."),
    )


# --- 2. 2020: goods against services ----------------------------------------------------------

def goods_vs_services(macro: pd.DataFrame, year: int = 2020) -> pd.DataFrame:
    """Goods and services trade in one year: total, exports and imports, with published changes."""
    out = datasets.subset(macro, (macro.year == year) & macro.indicator.isin(TRADE_KIND)
                & macro.flow.isin(["total", "exports", "imports"]) & (macro.vintage == "preliminary"))
    out["kind"] = out.indicator.map(TRADE_KIND)
    out["flow_label"] = out.flow.map(FLOW_LABELS)
    out["status_label"] = charts.status_label(out.status)
    out["label"] = [("not available" if pd.isna(v) else f"{v:,.1f}" + ("" if pd.isna(c) else f" ({c:+.1f}%)"))
                    for v, c in zip(out.value, out.yoy_change_pct)]
    out["thesis_total"] = (out.indicator == "services_trade") & (out.flow == "total")
    out.loc[out.thesis_total, "label"] += "  ← the thesis's 'total trade'"
    return out[["year", "indicator", "kind", "flow", "flow_label", "value", "yoy_change_pct", "label",
                "thesis_total", "unit", "status", "status_label", "source_id"]]


def goods_vs_services_chart(macro: pd.DataFrame, year: int = 2020) -> alt.LayerChart:
    """Goods trade beside services trade: the thesis's 'total trade' is the services bar."""
    data = goods_vs_services(macro, year)
    goods = macro_value(macro, year, "goods_trade")
    services = macro_value(macro, year, "services_trade")
    g_chg, s_chg = macro_change(macro, year, "goods_trade"), macro_change(macro, year, "services_trade")
    flows = [FLOW_LABELS[f] for f in ("total", "exports", "imports")]
    kinds = list(TRADE_KIND.values())
    base = alt.Chart(data).encode(
        y=alt.Y("flow_label:N", title=None, sort=flows),
        yOffset=alt.YOffset("kind:N", sort=kinds),
        tooltip=tooltip(("kind", "Trade in", None), ("flow_label", "Flow", None),
                        ("value", "Value (bn yuan)", ",.1f"), ("yoy_change_pct", "Change on previous year (%)", "+.1f"),
                        ("status_label", "Status", None)),
    )
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=f"Value in {year} (billion yuan)", axis=alt.Axis(tickCount=4)),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=[charts.FOCUS, charts.PALETTE[1]])))
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(x="value:Q", text="label:N")
    return finish(
        (bars + labels).properties(height=250, width=380),
        title=(f"China's goods trade {'grew' if g_chg > 0 else 'changed'} {abs(g_chg) if g_chg > 0 else g_chg:.1f}% in {year}; "
               f"the {s_chg:+.1f}% the thesis reports is trade in services"),
        subtitle=f"China's trade in goods (GACC) and in services (MOFCOM), {year}, billion yuan, with the published change on {year - 1}",
        alt_text=(f"Grouped bar chart of China's trade in {year}. "
                  + "; ".join(f"{r.kind}: {r.flow_label.lower()} {r.label} billion yuan" for r in data.itertuples())
                  + f". The services total, {services:,.1f} billion yuan ({s_chg:+.1f}%), is the figure the thesis calls total trade."),
        data=data,
        note=(f"The thesis gives {services:,.1f} bn yuan ({s_chg:+.1f}%) as 'the total value of imports and exports' "
              f"in {year}. MOFCOM publishes that figure as trade in services, and the export and import figures the "
              f"thesis gives next to it are services too. Trade in goods was {goods:,.1f} bn yuan ({g_chg:+.1f}%)."),
    )


# --- 3. Italy-China trade, ISTAT ----------------------------------------------------------------

def istat_annual(istat: pd.DataFrame) -> pd.DataFrame:
    """Full calendar years of the ISTAT series, one row per year and flow, with basis and line runs.

    Part-year periods (e.g. January-May 2024) are left out: they are not comparable with full years.
    """
    full = istat.period.str.fullmatch(r"\d{4}")
    out = datasets.subset(istat, full)
    out["year"] = out.period.astype(int)
    out["flow_label"] = out.flow.map(ISTAT_FLOWS)
    out["lower_bound"] = out.note.map(is_lower_bound)
    out["basis"] = [_basis(r) for r in out.itertuples()]
    out["status_label"] = charts.status_label(out.status)
    out["value_plot"] = out.value.fillna(0.0)
    avail = out[out.value.notna()]
    out["run"] = _segments(avail, ["flow"]).reindex(out.index)
    return out.sort_values(["flow", "year"])


def istat_value(istat: pd.DataFrame, period, flow: str) -> float:
    return _one(istat, "italy_china_trade_istat", period=str(period), flow=flow)


def missing_years(data: pd.DataFrame, first: int | None = None, last: int | None = None) -> list[int]:
    """Years in the span with no value for any of the rows' flows (the gaps a chart must show)."""
    have = set(data.loc[data.value.notna(), "year"])
    first = int(data.year.min()) if first is None else first
    last = int(data.year.max()) if last is None else last
    return [y for y in range(first, last + 1) if y not in have]


def _trade_layers(data: pd.DataFrame, flows: list[str], y_title: str, x_domain: list[int],
                  y_domain: list[float] | None = None, last_seen: int | None = None) -> alt.LayerChart:
    """Lines per run of consecutive years, marks by basis, grey bands on years with no value at all."""
    labels = [ISTAT_FLOWS[f] for f in flows]
    colour = alt.Color("flow_label:N", title=None, sort=labels,
                       scale=alt.Scale(domain=labels, range=charts.PALETTE[:len(labels)]))
    ticks = list(range(x_domain[0], x_domain[1] + 1))
    x_scale = alt.Scale(domain=[x_domain[0] - 0.5, x_domain[1] + 0.5], nice=False)
    x = alt.X("year:Q", title="Year", scale=x_scale,
              axis=alt.Axis(format="d", values=ticks, labelAngle=-90 if len(ticks) > 10 else 0, grid=False))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=y_domain) if y_domain else alt.Undefined)
    tips = tooltip(("flow_label", "Flow", None), ("year", "Year", None), ("value", "Value (EUR bn)", ",.2f"),
                   ("yoy_change_pct", "Published change on previous year (%)", "+.1f"),
                   ("basis", "Value is", None), ("status_label", "Status", None))
    avail = data[data.value.notna()]
    gaps = data[data.value.isna()]
    empty = missing_years(data, x_domain[0], last_seen or x_domain[1])
    shape = alt.Shape("basis:N", title="Value is", scale=alt.Scale(domain=BASIS_ORDER, range=BASIS_SHAPES))
    layers = []
    if empty:
        band = pd.DataFrame({"start": [yr - 0.5 for yr in empty], "end": [yr + 0.5 for yr in empty],
                             "year": empty, "what": "no value in the sources"})
        layers.append(alt.Chart(band).mark_rect(color="#eeeeee").encode(
            x=alt.X("start:Q", scale=x_scale, title="Year"), x2="end:Q",
            tooltip=tooltip(("year", "Year", None), ("what", "Data", None))))
    layers += [alt.Chart(avail).mark_line().encode(x=x, y=y, color=colour, detail="run:N"),
               alt.Chart(avail).mark_point(filled=True, size=65).encode(x=x, y="value:Q", color=colour,
                                                                          tooltip=tips, shape=shape)]
    if not gaps.empty:
        layers.append(alt.Chart(gaps).mark_point(filled=False, size=65).encode(
            x=x, y="value_plot:Q", color=colour, tooltip=tips, shape=shape))
        layers.append(alt.Chart(gaps.assign(gap_text="not available")).mark_text(
            align="left", dx=7, dy=-9, fontSize=10, color="#444").encode(x=x, y="value_plot:Q", text="gap_text:N"))
    if last_seen is not None and last_seen < x_domain[1]:
        later = pd.DataFrame({"year": [(last_seen + 1 + x_domain[1]) / 2], "value": [(y_domain or [0, 1])[1] / 2],
                              "text": ["not yet published"]})
        layers.append(alt.Chart(later).mark_text(fontSize=11, fontStyle="italic", color="#777", angle=270).encode(
            x=alt.X("year:Q", scale=x_scale), y="value:Q", text="text:N"))
    return alt.layer(*layers)


def italy_china_chart(istat: pd.DataFrame, flows: tuple[str, ...] = ("exports", "imports")) -> alt.LayerChart:
    """Italian exports to and imports from China by year (ISTAT), gaps left as gaps."""
    annual = istat_annual(istat)
    data = datasets.subset(annual, annual.flow.isin(flows))
    both = data[data.value.notna()].pivot(index="year", columns="flow", values="value").dropna(subset=["exports", "imports"])
    last = int(both.index.max())
    exp, imp = both.loc[last, "exports"], both.loc[last, "imports"]
    span = [int(data.year.min()), int(data.year.max())]
    missing = missing_years(data, *span)
    partial = list(dict.fromkeys(period_label(p) for p in istat.period if not re.fullmatch(r"\d{4}", str(p))))
    bal = annual[(annual.flow == "balance") & annual.value.notna()]
    chart = _trade_layers(data, list(flows), "Value (billion euros)", span)
    return finish(
        chart.properties(height=320),
        title=f"Italy buys from China {imp / exp:.1f} times what it sells there (EUR {imp:.1f} bn against {exp:.1f} bn in {last})",
        subtitle=("Italy's trade in goods with China, billion euros, Italian statistics (ISTAT, as reported by the press). "
                  "Lines join consecutive years only; grey: no value"),
        alt_text=("Line chart of Italy's goods trade with China by year, billion euros: "
                  + "; ".join(f"{r.flow_label} {r.year} "
                              + ("not available" if pd.isna(r.value) else f"{r.value:.2f}"
                                 + (" (lower bound)" if r.lower_bound else "") + (" (derived)" if r.status == "derived" else ""))
                              for r in data.itertuples())
                  + (f". No value for {', '.join(map(str, missing))}." if missing else ".")),
        data=data,
        note=("Years with no export or import value are shaded"
              + (f" ({', '.join(map(str, missing))})" if missing else "")
              + "; values published as 'more than' are lower bounds (triangles). "
              + ("The sources give ISTAT's balance only for "
                 + ", ".join(f"{r.year} (EUR {r.value:+.1f} bn)" for r in bal.itertuples()) + "; see the table below. "
                 if len(bal) else "The sources give no ISTAT balance. ")
              + (f"Part-year figures ({', '.join(partial)}) are not drawn. " if partial else "")
              + "Chinese customs figures for the same trade are in a separate chart, never in this series."),
    )


def istat_table(istat: pd.DataFrame) -> pd.DataFrame:
    """Every ISTAT row, in period order, with readable labels; gaps and part-years kept."""
    out = istat.copy()
    datasets.with_provenance(out, istat)
    out["period_label"] = out.period.map(period_label)
    out["flow_label"] = out.flow.map(ISTAT_FLOWS)
    out["basis"] = [_basis(r) for r in out.itertuples()]
    order = {f: i for i, f in enumerate(ISTAT_FLOWS)}
    out["flow_order"] = out.flow.map(order)
    return out.sort_values(["period", "flow_order"])


def import_export_ratios(istat: pd.DataFrame) -> pd.Series:
    """Imports divided by exports, for each full year with both values (lower bounds left out)."""
    data = istat_annual(istat)
    data = data[data.value.notna() & ~data.lower_bound & data.flow.isin(["exports", "imports"])]
    wide = data.pivot(index="year", columns="flow", values="value").dropna()
    return wide.imports / wide.exports


# --- 4. the Chinese-customs mirror -------------------------------------------------------------

def mirror(istat: pd.DataFrame, gacc: pd.DataFrame) -> pd.DataFrame:
    """Both sides' counts of the two directions of trade, for the years Chinese customs cover.

    One row per recorder, period and direction. The two recorders use different currencies and
    bases; the frame keeps them as separate series (``recorder``) and never converts one into the other.
    """
    g = datasets.subset(gacc, gacc.flow != "total")
    years = {int(p[:4]) for p in g.period}
    i = istat_annual(istat)
    i = datasets.subset(i, i.flow.isin(["exports", "imports"]) & i.year.between(min(years), max(years)))
    rows = []
    for frame, who in ((i, "ISTAT (Italy), EUR bn"), (g, "Chinese customs (GACC), USD bn")):
        part = frame[["period", "flow", "value", "unit", "status", "source_id", "yoy_change_pct"]].copy()
        part["recorder"] = who
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["direction"] = out.flow.map(DIRECTION)
    out["period_label"] = out.period.map(period_label)
    out["status_label"] = charts.status_label(out.status)
    out["label"] = [("not available" if pd.isna(v) else f"{v:.1f}") + ("*" if st == "derived" else "")
                    for v, st in zip(out.value, out.status)]
    datasets.with_provenance(out, gacc)
    return out


def mirror_chart(istat: pd.DataFrame, gacc: pd.DataFrame) -> alt.HConcatChart:
    """ISTAT and Chinese customs side by side, each in its own currency and panel."""
    data = mirror(istat, gacc)
    directions = ["Italian goods into China", "Chinese goods into Italy"]
    colour = alt.Color("direction:N", title=None, sort=directions,
                       scale=alt.Scale(domain=directions, range=[charts.FOCUS, charts.PALETTE[1]]))

    def panel(who: str, unit: str) -> alt.LayerChart:
        rows = data[data.recorder == who]
        order = sorted(rows.period_label.unique())
        base = alt.Chart(rows).encode(
            x=alt.X("period_label:N", title="Period", sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("direction:N", sort=directions),
            tooltip=tooltip(("recorder", "Recorded by", None), ("period_label", "Period", None),
                            ("direction", "Direction", None), ("value", f"Value ({unit})", ",.3f"),
                            ("status_label", "Status", None)))
        bars = base.mark_bar().encode(y=alt.Y("value:Q", title=f"Value ({unit})"), color=colour)
        text = base.mark_text(dy=-5, fontSize=10).encode(y="value:Q", text="label:N")
        return (bars + text).properties(width=230, height=260,
                                        title=alt.TitleParams(who, fontSize=12, fontWeight="normal"))

    istat_rows = data[data.recorder.str.startswith("ISTAT")]
    gacc_rows = data[data.recorder.str.startswith("Chinese")]
    common = sorted(set(istat_rows.period) & set(gacc_rows.period))
    year = common[-1]
    i_val = float(istat_rows[(istat_rows.period == year) & (istat_rows.flow == "exports")].value.iloc[0])
    g_val = float(gacc_rows[(gacc_rows.period == year) & (gacc_rows.flow == "china_imports_from_italy")].value.iloc[0])
    chart = alt.hconcat(panel("ISTAT (Italy), EUR bn", "billion euros"),
                        panel("Chinese customs (GACC), USD bn", "billion US dollars")).resolve_scale(y="independent")
    return finish(
        chart,
        title=f"Two counts of one trade: Italian goods into China in {year} were USD {g_val:.1f} bn for Chinese customs, EUR {i_val:.1f} bn for ISTAT",
        subtitle="Italy-China trade in goods as recorded by each side, in each side's own currency; not converted and not to be mixed",
        alt_text=("Two bar charts side by side. Left, ISTAT in billion euros: "
                  + "; ".join(f"{r.direction} {r.period_label} {r.label}" for r in istat_rows.itertuples())
                  + ". Right, Chinese customs in billion US dollars: "
                  + "; ".join(f"{r.direction} {r.period_label} {r.label}" for r in gacc_rows.itertuples()) + "."),
        data=[datasets.subset(istat, istat.period.isin(istat_rows.period) & istat.flow.isin(["exports", "imports"])),
              datasets.subset(gacc, gacc.flow != "total")],
        note=("The panels differ in currency (euros and US dollars) and in basis: importers record goods by country of "
              "origin, exporters by destination, and goods routed through other EU ports are counted differently. "
              "No exchange rate is in this book's data, so the two are not converted. "
              + ("The Chinese figure for 2021 covers January to June only. " if any("Jan-Jun" in p for p in gacc_rows.period_label) else "")
              + "* derived: " + "; ".join(f"{r.recorder.split(' (')[0]}, {r.period_label}, {r.direction} "
                                          f"({'from 2022 and its published growth' if r.flow == 'exports' else 'total minus the other flow'})"
                                          for r in data[data.status == "derived"].itertuples()) + "."),
    )


# --- 7. then and now --------------------------------------------------------------------------

def then_and_now(istat: pd.DataFrame, cutoff: int = 2020, flows: tuple[str, ...] = ("exports", "imports")) -> pd.DataFrame:
    """The ISTAT series as the thesis could see it (years up to ``cutoff``) and with the newest data."""
    data = istat_annual(istat)
    data = data[data.flow.isin(flows)]
    last = int(data.year.max())
    then = data[data.year <= cutoff].assign(view=f"As the thesis could see it (to {cutoff})")
    now = data.assign(view=f"With the newest data (to {last})")
    out = pd.concat([then, now], ignore_index=True)
    out["run"] = out.view + "|" + out.run.astype(str)
    datasets.with_provenance(out, istat)
    return out


def then_and_now_chart(istat: pd.DataFrame, cutoff: int = 2020) -> alt.HConcatChart:
    """Two panels on one scale: the Italy-China series to ``cutoff`` and to the latest year."""
    data = then_and_now(istat, cutoff)
    views = list(dict.fromkeys(data.view))
    avail = data[data.value.notna()]
    then_imp = avail[(avail.view == views[0]) & (avail.flow == "imports")]
    now_imp = avail[(avail.view == views[1]) & (avail.flow == "imports")]
    peak = now_imp.loc[now_imp.value.idxmax()]
    seen = then_imp.loc[then_imp.year.idxmax()]
    span = [int(data.year.min()), int(data.year.max())]
    top = float(np.ceil(avail.value.max() / 10) * 10)
    panels = [_trade_layers(data[data.view == v], ["exports", "imports"], "Value (billion euros)", span, [0, top],
                            last_seen=cutoff if i == 0 else None)
              .properties(width=250, height=260, title=alt.TitleParams(v, fontSize=12, fontWeight="normal"))
              for i, v in enumerate(views)]
    return finish(
        alt.hconcat(*panels).resolve_scale(y="shared"),
        title=(f"The thesis saw Italy's imports from China at EUR {seen.value:.1f} bn ({int(seen.year)}); "
               f"they peaked at EUR {peak.value:.1f} bn in {int(peak.year)}"),
        subtitle=f"Italy's trade in goods with China, billion euros (ISTAT): years up to {cutoff} beside all years now available, same scale",
        alt_text=("Two line charts on the same scale. "
                  + " ".join(f"{v}: " + "; ".join(f"{r.flow_label} {r.year} "
                                                  + ("not available" if pd.isna(r.value) else f"{r.value:.2f}")
                                                  for r in data[data.view == v].itertuples()) + "."
                             for v in views)),
        data=data,
        note=(f"The left panel keeps only years up to {cutoff}; the values are those reported later, which may differ "
              "from what was published at the time. Lines join consecutive years only; grey: no value."),
    )


# --- model b: a level shift after 2020, HAC standard errors -------------------------------------

def level_shift(istat: pd.DataFrame, flows: tuple[str, ...] = ("exports", "imports"), break_year: int = 2021,
                maxlags: int = 1, drop_lower_bounds: bool = True) -> pd.DataFrame:
    """Change in the level of each flow from ``break_year`` on, over a linear trend.

    Model, per flow: value_t = a + b * (year_t - break_year) + c * post_t + e_t, with
    post_t = 1 from ``break_year`` on (post-2020 by default). Least squares; standard errors are
    Newey-West (HAC) with ``maxlags`` lags and the small-sample correction, and intervals use the
    t distribution. Rows are full years with a value; lower bounds ('more than X') are dropped
    by default because they are not levels. Years missing from the data are simply absent: the lag
    structure treats neighbouring available years as adjacent, which is an approximation.
    """
    data = istat_annual(istat)
    rows = []
    for flow in flows:
        sub = data[(data.flow == flow) & data.value.notna()]
        dropped = sub[sub.lower_bound].year.tolist() if drop_lower_bounds else []
        if drop_lower_bounds:
            sub = sub[~sub.lower_bound]
        sub = sub.sort_values("year")
        post = (sub.year >= break_year).to_numpy(dtype=float)
        if post.sum() < 1 or (1 - post).sum() < 2:
            raise ValueError(f"{flow}: need at least two years before {break_year} and one from it on")
        t = (sub.year - break_year).to_numpy(dtype=float)
        X = np.column_stack([np.ones(len(sub)), t, post])
        y = sub.value.to_numpy(dtype=float)
        fit = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True}, use_t=True)
        plain = sm.OLS(y, X).fit()
        ci = fit.conf_int(alpha=0.05)
        ci_plain = plain.conf_int(alpha=0.05)
        rows.append({
            "flow": flow, "flow_label": ISTAT_FLOWS[flow], "n": int(len(sub)),
            "first_year": int(sub.year.min()), "last_year": int(sub.year.max()),
            "n_post": int(post.sum()), "break_year": break_year,
            "years": ", ".join(map(str, sub.year)), "dropped_lower_bounds": ", ".join(map(str, dropped)),
            "const": fit.params[0], "trend": fit.params[1], "trend_ci_low": ci[1][0], "trend_ci_high": ci[1][1],
            "shift_bn": fit.params[2], "se_hac": fit.bse[2], "se_ols": plain.bse[2],
            "ci_low": ci[2][0], "ci_high": ci[2][1], "p_value": fit.pvalues[2],
            "ci_low_ols": ci_plain[2][0], "ci_high_ols": ci_plain[2][1], "p_value_ols": plain.pvalues[2],
            "df_resid": int(fit.df_resid), "maxlags": maxlags, "r2": fit.rsquared,
        })
    return pd.DataFrame(rows)


def level_shift_fit(istat: pd.DataFrame, result: pd.DataFrame) -> pd.DataFrame:
    """Fitted lines for the level-shift model: before, after, and the earlier trend carried on."""
    rows = []
    for r in result.itertuples():
        for year in range(r.first_year, r.last_year + 1):
            t = year - r.break_year
            post = year >= r.break_year
            rows.append({"flow": r.flow, "flow_label": r.flow_label, "year": year,
                         "line": "fitted, after" if post else "fitted, before",
                         "fitted": r.const + r.trend * t + (r.shift_bn if post else 0.0)})
            if year >= r.break_year - 1:
                rows.append({"flow": r.flow, "flow_label": r.flow_label, "year": year,
                             "line": "earlier trend carried on", "fitted": r.const + r.trend * t})
    return pd.DataFrame(rows)


def _excludes_zero(low: float, high: float) -> bool:
    return low > 0 or high < 0


def _shift_phrase(r) -> str:
    """A title phrase that claims a shift only when both kinds of interval exclude zero."""
    hac, ols = _excludes_zero(r.ci_low, r.ci_high), _excludes_zero(r.ci_low_ols, r.ci_high_ols)
    side = "above" if r.shift_bn > 0 else "below"
    if hac and ols:
        return f"ran EUR {abs(r.shift_bn):.1f} bn {side} their earlier trend"
    if hac or ols:
        return f"ran EUR {abs(r.shift_bn):.1f} bn {side} trend, but too few years to rule out no change"
    return "show no shift distinguishable from their earlier trend"


def shift_verdict(result: pd.DataFrame) -> str:
    """One plain sentence on what the level-shift intervals allow us to say."""
    parts = []
    for r in result.itertuples():
        hac, ols = _excludes_zero(r.ci_low, r.ci_high), _excludes_zero(r.ci_low_ols, r.ci_high_ols)
        what = r.flow
        if hac and ols:
            parts.append(f"for {what}, both the Newey-West and the ordinary interval exclude zero")
        elif hac:
            parts.append(f"for {what}, the Newey-West interval excludes zero but the ordinary one does not")
        elif ols:
            parts.append(f"for {what}, the ordinary interval excludes zero but the Newey-West one does not")
        else:
            parts.append(f"for {what}, neither interval excludes zero")
    firm = all(_excludes_zero(r.ci_low, r.ci_high) and _excludes_zero(r.ci_low_ols, r.ci_high_ols)
               for r in result.itertuples())
    direction = ("higher" if (result.shift_bn > 0).all() else "lower" if (result.shift_bn < 0).all()
                 else "a change in")
    tail = ("The change in level is clear under both." if firm else
            f"So the data point to {direction} trade after 2020, but they cannot firmly separate a change in level "
            "from the trend and the year-to-year noise.")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + ". " + tail


def level_shift_chart(istat: pd.DataFrame, result: pd.DataFrame) -> alt.FacetChart:
    """Observed values, the fitted lines and the trend carried on, one panel per flow."""
    obs = istat_annual(istat)
    obs = datasets.subset(obs, obs.flow.isin(result.flow) & obs.value.notna())
    obs["used"] = np.where(obs.lower_bound, "left out (lower bound)", "used in the fit")
    fitted = level_shift_fit(istat, result)
    labels = list(result.flow_label)
    x = alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0),
              scale=alt.Scale(nice=False, zero=False,
                              domain=[int(result.first_year.min()) - 0.5, int(result.last_year.max()) + 0.5]))
    lines = alt.Chart().mark_line().transform_filter(alt.datum.kind == "fit").encode(
        x=x, y=alt.Y("fitted:Q", title="Value (billion euros)"),
        color=alt.Color("line:N", title=None, sort=["fitted, before", "fitted, after", "earlier trend carried on"],
                        scale=alt.Scale(range=[charts.MUTED, charts.FOCUS, charts.PALETTE[5]])),
        strokeDash=alt.StrokeDash("line:N", legend=None, sort=["fitted, before", "fitted, after", "earlier trend carried on"],
                                  scale=alt.Scale(range=[[1, 0], [1, 0], [5, 4]])),
        detail="line:N")
    dots = alt.Chart().mark_point(filled=True, size=55, color="#222").transform_filter(alt.datum.kind == "obs").encode(
        x=x, y="value:Q",
        shape=alt.Shape("used:N", title=None, scale=alt.Scale(domain=["used in the fit", "left out (lower bound)"],
                                                              range=["circle", "triangle-up"])),
        tooltip=tooltip(("flow_label", "Flow", None), ("year", "Year", None), ("value", "Value (EUR bn)", ",.2f"),
                        ("basis", "Value is", None), ("used", "In the model", None)))
    combined = pd.concat([obs[["flow_label", "year", "value", "basis", "used"]].assign(kind="obs"),
                          fitted.assign(kind="fit")], ignore_index=True)
    exp = result.set_index("flow").loc["exports"] if "exports" in set(result.flow) else result.iloc[0]
    who = exp.flow_label.replace("Italian exports", "Italy's exports").replace("Italian imports", "Italy's imports")
    chart = alt.layer(lines, dots, data=combined).properties(width=250, height=240).facet(
        column=alt.Column("flow_label:N", title=None, sort=labels, header=alt.Header(labelAnchor="start")))
    return finish(
        chart.resolve_scale(y="independent"),
        title=f"After {int(exp.break_year) - 1}, {who} {_shift_phrase(exp)}",
        subtitle=("Least-squares fit of value = a + b × year + c × (year ≥ " + str(int(exp.break_year))
                  + "), billion euros (ISTAT). 95% intervals for c: "
                  + "; ".join(f"{r.flow} {r.ci_low:+.1f} to {r.ci_high:+.1f} (Newey-West), "
                              f"{r.ci_low_ols:+.1f} to {r.ci_high_ols:+.1f} (ordinary)" for r in result.itertuples())),
        alt_text=("Two panels of observed annual values with fitted lines. "
                  + " ".join(f"{r.flow_label}: shift from {r.break_year} of {r.shift_bn:+.2f} bn euros "
                             f"(95% interval {r.ci_low:+.2f} to {r.ci_high:+.2f}), trend {r.trend:+.2f} bn a year, "
                             f"{r.n} years ({r.years})." for r in result.itertuples())),
        data=obs,
        note=("Few annual points, gaps in the series and a single shock: the intervals rest on a model fitted to "
              + ", ".join(f"{r.n} {r.flow} values" for r in result.itertuples())
              + ", and cannot separate the pandemic from anything else that changed after 2020."),
    )


# --- 5. cross-border e-commerce (thesis Table 2) ---------------------------------------------

def crossborder(ecom: pd.DataFrame) -> pd.DataFrame:
    """Every edition's values with readable labels; gaps kept (status not_found)."""
    out = ecom.copy()
    datasets.with_provenance(out, ecom)
    out["edition_label"] = out.edition.map(EDITIONS)
    out["kind_label"] = np.select(
        [out.status == "not_found", (out.kind == "estimate") & (out.status == "derived"), out.kind == "estimate"],
        ["not available", "implied estimate (derived)", "estimate"], default="forecast")
    out["status_label"] = charts.status_label(out.status)
    out["label"] = out.value.map(lambda v: "n/a" if pd.isna(v) else f"{v:.0f}")
    avail = out[out.value.notna()]
    out["run"] = _segments(avail, ["edition"]).reindex(out.index)
    return out.sort_values(["edition", "year"])


KIND_ORDER = ["estimate", "implied estimate (derived)", "forecast"]


def crossborder_chart(ecom: pd.DataFrame) -> alt.VConcatChart:
    """One line per eMarketer edition, with a grid below of which years each edition (and the thesis) gives."""
    data = crossborder(ecom)
    avail = data[data.value.notna()]
    editions = [EDITIONS[e] for e in EDITIONS if e in set(data.edition)]
    drawn = [e for e in editions if e in set(avail.edition_label)]
    years = list(range(int(data.year.min()), int(data.year.max()) + 1))
    x = alt.X("year:O", title="Year the sales refer to", scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0))
    colour = alt.Color("edition_label:N", title="Edition", sort=drawn, legend=alt.Legend(columns=2),
                       scale=alt.Scale(domain=drawn, range=charts.PALETTE[:len(drawn)]))
    tips = tooltip(("edition_label", "Edition", None), ("year", "Year", None), ("value", "Sales (USD bn)", ",.2f"),
                   ("kind_label", "Value is", None), ("status_label", "Status", None))
    line = alt.Chart(avail).mark_line().encode(x=x, y=alt.Y("value:Q", title="Cross-border retail e-commerce (billion US dollars)"),
                                              color=colour, detail="run:N")
    dots = alt.Chart(avail).mark_point(size=70, filled=True).encode(
        x=x, y="value:Q", color=colour, tooltip=tips,
        shape=alt.Shape("kind_label:N", title="Value is", sort=KIND_ORDER,
                        scale=alt.Scale(domain=KIND_ORDER, range=["circle", "diamond", "triangle-up"])))
    top = (line + dots).properties(height=260, width=440)
    grid = alt.Chart(data).encode(
        x=alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("edition_label:N", title=None, sort=editions),
        tooltip=tips)
    cells = (grid.mark_text(fontSize=11, color="#111").transform_filter(alt.datum.status != "not_found")
             .encode(text="label:N")
             + grid.mark_text(fontSize=11, fontStyle="italic", color="#777")
             .transform_filter(alt.datum.status == "not_found").encode(text="label:N"))
    bottom = cells.properties(height=22 * len(editions), width=440,
                              title=alt.TitleParams("Values by edition (USD bn); n/a = not available; blank = not covered",
                                                    fontSize=12, fontWeight="normal"))
    multi = avail.groupby("year").filter(lambda g: g.edition.nunique() > 1)
    if multi.empty:
        headline = "China's cross-border retail e-commerce by eMarketer edition"
    else:
        yr = int(multi.groupby("year").value.apply(lambda v: v.max() - v.min()).idxmax())
        pair = multi[multi.year == yr].sort_values("edition")
        a, b = pair.iloc[0], pair.iloc[-1]
        headline = (f"eMarketer revised its own figures: {yr} was USD {a.value:.1f} bn in its {a.edition_label[11:]} "
                    f"edition, {b.value:.1f} bn in {b.edition_label[11:]}")
    thesis = data[data.edition == "alizila_2017_thesis"]
    return finish(
        alt.vconcat(top, bottom, spacing=18),
        title=headline,
        subtitle=("China's cross-border retail e-commerce sales (consumers buying from abroad), billion US dollars, "
                  "one line per eMarketer edition; compare values only within an edition"),
        alt_text=("Line chart of China's cross-border retail e-commerce sales by eMarketer edition, billion US dollars: "
                  + "; ".join(f"{ed}: " + ", ".join(f"{r.year} {r.value:.2f} ({r.kind_label})"
                                                     for r in avail[avail.edition_label == ed].itertuples())
                              for ed in drawn)
                  + (f". A grid below shows which years each edition gives; the thesis's Table 2 has no available value "
                     f"for any of {int(thesis.year.min())}-{int(thesis.year.max())}." if len(thesis) else ".")),
        data=data,
        note=("The thesis's Table 2 ('Source: Alizila 2017') was an image; none of its values survive in the text and the "
              "Alizila article was not found, so its row is not available. Lines join consecutive years of one edition "
              "only. Values for years after an edition's publication are forecasts."),
    )


def crossborder_table(ecom: pd.DataFrame) -> pd.DataFrame:
    """Rows for the Table 2 reconstruction: edition, year, kind, value (not_found kept)."""
    out = crossborder(ecom)
    order = {e: i for i, e in enumerate(EDITIONS)}
    out = out.sort_values(["edition", "year"], key=lambda s: s.map(order) if s.name == "edition" else s)
    datasets.with_provenance(out, ecom)
    return out


# --- model a: growth of cross-border e-commerce -----------------------------------------------

def crossborder_growth(ecom: pd.DataFrame, min_points: int = 4) -> pd.DataFrame:
    """Implied annual growth from a log-linear trend, within one edition only.

    Model: log(value_t) = a + b * year_t + e_t, least squares, within one edition (editions are
    never pooled: eMarketer revised its series). Growth = exp(b) - 1 with a 95% interval from the
    t distribution of b. Basis: an edition's non-forecast values (kind 'estimate') when some edition
    has at least ``min_points`` of them; otherwise every value of each edition, forecasts included,
    which describes the path the edition assumed rather than observed growth. Editions with fewer
    than ``min_points`` values get no fit (NaN): two points fix a line exactly and leave no
    residual to estimate uncertainty, three leave one. ``selected`` marks the edition reported:
    the one with the most points on the basis used.
    """
    data = crossborder(ecom)
    data = data[data.value.notna() & (data.edition != "alizila_2017_thesis")]
    actual = data[data.kind == "estimate"]
    use_actual = actual.groupby("edition").size().max() >= min_points if not actual.empty else False
    pool = actual if use_actual else data
    basis = "estimates only" if use_actual else "all values, forecasts included"
    counts = pool.groupby("edition").size()
    best = counts.idxmax() if (not counts.empty and counts.max() >= min_points) else None
    rows = []
    for edition in [e for e in EDITIONS if e in set(data.edition)]:
        sub = pool[pool.edition == edition].sort_values("year")
        row = {"edition": edition, "edition_label": EDITIONS[edition],
               "n_estimates": int((actual.edition == edition).sum()), "n_values": int((data.edition == edition).sum()),
               "basis": basis, "n_fit": int(len(sub)), "years": ", ".join(map(str, sub.year)),
               "selected": edition == best, "min_points": min_points, "growth": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "slope": np.nan, "se": np.nan, "r2": np.nan, "df_resid": np.nan,
               "first_year": int(sub.year.min()) if len(sub) else np.nan}
        if len(sub) >= min_points:
            X = sm.add_constant(sub.year.to_numpy(dtype=float) - sub.year.min())
            fit = sm.OLS(np.log(sub.value.to_numpy(dtype=float)), X).fit()
            low, high = fit.conf_int(alpha=0.05)[1]
            row.update(growth=np.expm1(fit.params[1]), ci_low=np.expm1(low), ci_high=np.expm1(high),
                       slope=fit.params[1], se=fit.bse[1], r2=fit.rsquared, df_resid=int(fit.df_resid),
                       intercept=fit.params[0])
        rows.append(row)
    return pd.DataFrame(rows)


def growth_statement(result: pd.DataFrame) -> str:
    """One plain sentence for the page: what was fitted, or why nothing was."""
    chosen = result[result.selected]
    most = int(result.n_estimates.max()) if len(result) else 0
    if chosen.empty:
        return (f"No single edition has enough values for a meaningful trend (the most any edition gives is "
                f"{int(result.n_values.max())}), so no growth rate is estimated.")
    r = chosen.iloc[0]
    lead = ("" if r.basis == "estimates only" else
            f"No edition gives more than {most} non-forecast values, too few for a trend with any residual "
            f"to measure uncertainty, so the fit uses the longest single edition, forecasts included. ")
    return (lead + f"The {r.edition_label} edition's {r.n_fit} values ({r.years}) imply growth of about "
            f"{r.growth:.0%} a year (95% interval {r.ci_low:.0%} to {r.ci_high:.0%}, {int(r.df_resid)} residual "
            f"degrees of freedom).")


def crossborder_growth_chart(ecom: pd.DataFrame, result: pd.DataFrame) -> alt.LayerChart:
    """The selected edition's values on a log scale, with the fitted trend and its 95% band."""
    chosen = result[result.selected]
    if chosen.empty:  # too few points: say so instead of drawing a forced fit
        from IPython.display import Markdown
        return Markdown(f"*No trend is drawn.* {growth_statement(result)}")
    r = chosen.iloc[0]
    data = crossborder(ecom)
    pts = data[(data.edition == r.edition) & data.value.notna()]
    if r.basis == "estimates only":
        pts = pts[pts.kind == "estimate"]
    pts = datasets.subset(pts, pts.index)
    years = np.arange(int(pts.year.min()), int(pts.year.max()) + 1)
    X = sm.add_constant(pts.year.to_numpy(dtype=float) - pts.year.min())
    fit = sm.OLS(np.log(pts.value.to_numpy(dtype=float)), X).fit()
    pred = fit.get_prediction(sm.add_constant(years - pts.year.min(), has_constant="add")).summary_frame(alpha=0.05)
    band = pd.DataFrame({"year": years, "fitted": np.exp(pred["mean"]), "low": np.exp(pred["mean_ci_lower"]),
                         "high": np.exp(pred["mean_ci_upper"])})
    x = alt.X("year:Q", title="Year the sales refer to", axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0),
              scale=alt.Scale(zero=False, nice=False, domain=[int(years[0]) - 0.3, int(years[-1]) + 0.3]))
    y_scale = alt.Scale(type="log")
    area = alt.Chart(band).mark_area(opacity=0.25, color=charts.FOCUS).encode(
        x=x, y=alt.Y("low:Q", scale=y_scale, title="Sales (billion US dollars, log scale)"), y2="high:Q")
    trend = alt.Chart(band).mark_line(color=charts.FOCUS).encode(
        x=x, y=alt.Y("fitted:Q", scale=y_scale),
        tooltip=tooltip(("year", "Year", None), ("fitted", "Trend (USD bn)", ",.1f"),
                        ("low", "95% band, low (USD bn)", ",.1f"), ("high", "95% band, high (USD bn)", ",.1f")))
    dots = alt.Chart(pts).mark_point(filled=True, size=70, color="#222").encode(
        x=x, y=alt.Y("value:Q", scale=y_scale),
        shape=alt.Shape("kind_label:N", title="Value is", sort=KIND_ORDER,
                        scale=alt.Scale(domain=KIND_ORDER, range=["circle", "diamond", "triangle-up"])),
        tooltip=tooltip(("year", "Year", None), ("value", "Sales (USD bn)", ",.2f"), ("kind_label", "Value is", None),
                        ("status_label", "Status", None)))
    return finish(
        (area + trend + dots).properties(height=280),
        title=f"The {r.edition_label[11:]} edition implies about {r.growth:.0%} growth a year (95% interval {r.ci_low:.0%} to {r.ci_high:.0%})",
        subtitle=(f"Log-linear least-squares trend through the {r.edition_label} edition's {r.n_fit} values ({r.basis}); "
                  "shaded: 95% band for the trend"),
        alt_text=(f"Log-scale chart of the {r.edition_label} edition's values: "
                  + "; ".join(f"{p.year} {p.value:.2f} bn US dollars ({p.kind_label})" for p in pts.itertuples())
                  + f", with a fitted trend of {r.growth:.1%} a year (95% interval {r.ci_low:.1%} to {r.ci_high:.1%})."),
        data=pts,
        note=("A trend through one edition's estimates and forecasts describes the growth eMarketer assumed, not "
              "growth that was measured. Derived values are implied by a published growth rate, so they add no "
              "information of their own."),
    )


# --- 6. online retail ------------------------------------------------------------------------

def online_retail_chart(retail: pd.DataFrame) -> alt.HConcatChart:
    """Online retail sales (total and physical goods) and the physical-goods share of all retail."""
    data = retail.copy()
    datasets.with_provenance(data, retail)
    data["measure_label"] = data.measure.map(RETAIL_LABELS)
    data["year_label"] = data.year.astype(str)
    data["status_label"] = charts.status_label(data.status)
    data["label"] = [("not available" if pd.isna(v) else (f"{v:,.0f}" if u == "CNY bn" else f"{v:.1f}%"))
                     + ("" if pd.isna(c) else f" ({c:+.1f}%)") for v, u, c in zip(data.value, data.unit, data.yoy_change_pct)]
    money = data[data.unit == "CNY bn"]
    share = data[data.unit == "%"]
    yrs = sorted(data.year_label.unique())
    colour = alt.Color("year_label:N", title="Year", sort=yrs)
    tips = tooltip(("measure_label", "Measure", None), ("year_label", "Year", None), ("value", "Value", ",.1f"),
                   ("unit", "Unit", None), ("yoy_change_pct", "Published change on previous year (%)", "+.1f"),
                   ("status_label", "Status", None))
    measures = list(RETAIL_LABELS.values())
    left_base = alt.Chart(money).encode(y=alt.Y("measure_label:N", title=None, sort=measures),
                                        yOffset=alt.YOffset("year_label:N", sort=yrs), tooltip=tips)
    left = (left_base.mark_bar().encode(x=alt.X("value:Q", title="Billion yuan"), color=colour)
            + left_base.mark_text(align="left", dx=3, fontSize=10).encode(x="value:Q", text="label:N")
            ).properties(width=260, height=170, title=alt.TitleParams("Online retail sales", fontSize=12, fontWeight="normal"))
    right_base = alt.Chart(share).encode(y=alt.Y("year_label:N", title=None, sort=yrs), tooltip=tips)
    right = (right_base.mark_bar().encode(x=alt.X("value:Q", title="% of retail sales of consumer goods",
                                                  scale=alt.Scale(domain=[0, 100])), color=colour)
             + right_base.mark_text(align="left", dx=3, fontSize=10).encode(x="value:Q", text="label:N")
             ).properties(width=150, height=170,
                          title=alt.TitleParams("Physical goods sold online", fontSize=12, fontWeight="normal"))
    last = int(money.year.max())
    tot = money[(money.year == last) & (money.measure == "online_retail_sales")].iloc[0]
    sh = share[share.year == last]
    return finish(
        alt.hconcat(left, right),
        title=(f"China's online retail sales grew {tot.yoy_change_pct:.1f}% to {tot.value:,.0f} bn yuan in {last}"
               + (f"; goods sold online took {sh.value.iloc[0]:.1f}% of retail" if len(sh) else "")),
        subtitle=f"Online retail sales and share of physical goods sold online, {', '.join(yrs)} (NBS, also released by MOFCOM)",
        alt_text=("Bar charts of China's online retail: "
                  + "; ".join(f"{r.measure_label.lower()} {r.year} {r.label}" for r in money.itertuples())
                  + " billion yuan; physical goods sold online as a share of retail sales of consumer goods: "
                  + "; ".join(f"{r.year} {r.value:.1f}%" for r in share.itertuples()) + "."),
        data=data,
        note=(f"Only {', '.join(yrs)} are in this book's data. Changes in brackets are as published "
              "(on a comparable basis), not computed from the levels."),
    )


# --- numbers quoted in the page's prose ------------------------------------------------------

def key_numbers(macro: pd.DataFrame, istat: pd.DataFrame, gacc: pd.DataFrame, ecom: pd.DataFrame,
                retail: pd.DataFrame) -> dict[str, float | str]:
    """Plain floats and strings for myst_nb.glue, every one read from the data."""
    istat_years = istat_annual(istat)
    istat_years = istat_years[istat_years.value.notna()]
    thesis_rows = ecom[ecom.edition == "alizila_2017_thesis"]
    return {
        "gdp_2019_prelim": macro_value(macro, 2019, "gdp"),
        "gdp_2019_revised": macro_value(macro, 2019, "gdp", vintage="revised"),
        "gdp_2020": macro_value(macro, 2020, "gdp"),
        "gdp_2020_change": macro_change(macro, 2020, "gdp"),
        "services_2020": macro_value(macro, 2020, "services_trade"),
        "services_2020_change": macro_change(macro, 2020, "services_trade"),
        "services_2020_fall": -macro_change(macro, 2020, "services_trade"),
        "services_exports_2020": macro_value(macro, 2020, "services_trade", "exports"),
        "services_imports_2020": macro_value(macro, 2020, "services_trade", "imports"),
        "goods_2020": macro_value(macro, 2020, "goods_trade"),
        "goods_2020_change": macro_change(macro, 2020, "goods_trade"),
        "goods_exports_2020_change": macro_change(macro, 2020, "goods_trade", "exports"),
        "goods_2019": macro_value(macro, 2019, "goods_trade"),
        "istat_exports_2019": istat_value(istat, 2019, "exports"),
        "istat_exports_2020": istat_value(istat, 2020, "exports"),
        "istat_first_year": int(istat_years.year.min()),
        "istat_min_ratio": float(import_export_ratios(istat).min()),
        "istat_last_year": int(istat_years.year.max()),
        "gacc_imports_from_italy_2020": _one(gacc, "gacc", period="2020", flow="china_imports_from_italy"),
        "thesis_table_rows": int(len(thesis_rows)),
        "thesis_table_available": int(thesis_rows.value.notna().sum()),
        "online_2020": _one(retail, "retail", year=2020, measure="online_retail_sales"),
    }


def model_numbers(shift: pd.DataFrame, growth: pd.DataFrame, istat: pd.DataFrame) -> dict[str, float | str]:
    """The models' results as plain floats and strings for the page's prose."""
    out: dict[str, float | str] = {"growth_statement": growth_statement(growth), "shift_verdict": shift_verdict(shift)}
    annual = istat_annual(istat)
    for r in shift.itertuples():
        key = {"exports": "exp", "imports": "imp"}.get(r.flow, r.flow)
        post = annual[(annual.flow == r.flow) & (annual.year >= r.break_year) & annual.value.notna()]
        out[f"{key}_post_derived"] = int((post.status == "derived").sum())
        out.update({f"{key}_shift": float(r.shift_bn), f"{key}_ci_low": float(r.ci_low),
                    f"{key}_ci_high": float(r.ci_high), f"{key}_p": float(r.p_value), f"{key}_n": int(r.n),
                    f"{key}_n_post": int(r.n_post), f"{key}_years": r.years,
                    f"{key}_se_ratio": float(r.se_hac / r.se_ols), f"{key}_ci_low_ols": float(r.ci_low_ols),
                    f"{key}_ci_high_ols": float(r.ci_high_ols)})
    used = annual[annual.flow.isin(shift.flow)]
    ratio = shift.se_hac / shift.se_ols
    out["shift_hac_compare"] = "narrower" if (ratio < 1).all() else "wider" if (ratio > 1).all() else "mixed (narrower for one flow, wider for the other)"
    out["shift_break_year"] = int(shift.break_year.iloc[0])
    out["shift_maxlags"] = int(shift.maxlags.iloc[0])
    out["shift_missing_years"] = ", ".join(map(str, missing_years(used)))
    dropped = sorted({y for d in shift.dropped_lower_bounds for y in str(d).split(", ") if y})
    out["shift_dropped"] = ", ".join(dropped) if dropped else "none"
    chosen = growth[growth.selected]
    if not chosen.empty:
        c = chosen.iloc[0]
        out.update(growth_rate=float(c.growth), growth_ci_low=float(c.ci_low), growth_ci_high=float(c.ci_high),
                   growth_n=int(c.n_fit), growth_edition=c.edition_label)
    out["growth_max_estimates"] = int(growth.n_estimates.max())
    out["growth_min_points"] = int(growth.min_points.iloc[0])
    return out
