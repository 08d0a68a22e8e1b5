"""Italy's firms by size (section 1.1): the EU definition, the ISTAT census mix, Italy against the EU."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.api as sm

from . import charts, datasets
from .charts import finish, tooltip

#: Census size classes (persons employed) in reading order.
CENSUS_CLASSES = ["3-9", "10-49", "50-249", "250+"]
CLASS_LABELS = {"3-9": "Micro (3-9)", "10-49": "Small (10-49)", "50-249": "Medium (50-249)",
                "250+": "Large (250+)", "50+": "Medium and large (50+)"}


def census_value(census: pd.DataFrame, year: int, size_class: str, measure: str) -> float:
    """One census value; raises KeyError when the data lack it (so a page never shows a guess)."""
    rows = census[(census.year == year) & (census.size_class == size_class) & (census.measure == measure)]
    if rows.empty or pd.isna(rows.value.iloc[0]):
        raise KeyError(f"no {measure} for size class {size_class} in {year}")
    return float(rows.value.iloc[0])


# --- the EU definition (thesis Table 1) ------------------------------------------------------

def definition_table(definition: pd.DataFrame) -> pd.DataFrame:
    """One row per category: headcount, turnover, balance sheet, as the Recommendation states them.

    Status and source come from the category's rows (all three criteria share one source).
    """
    signs = {"<": "fewer than", "<=": "at most"}
    text = definition.assign(limit=definition.comparison.map(signs) + " " + definition.value.map("{:,.0f}".format)
                             + definition.unit.map({"persons": "", "EUR m": " million"}))
    wide = text.pivot(index="category", columns="criterion", values="limit")
    first = definition.drop_duplicates("category").set_index("category")[["status", "source_id"]]
    order = [c for c in ("micro", "small", "medium") if c in wide.index]
    out = wide.loc[order].join(first).reset_index()
    out["category"] = out.category.str.capitalize()
    datasets.with_provenance(out, definition)
    return out


def italy_vs_eu(sme: pd.DataFrame, year: int = 2017) -> pd.DataFrame:
    """SME shares of firms, employment and value added: Italy and the EU near ``year``, plus Italy's latest."""
    measures = {"share_of_firms": "Firms", "share_of_employment": "Persons employed",
                "share_of_value_added": "Value added"}
    rows = sme[(sme.size_class == "sme") & sme.measure.isin(measures) & sme.value.notna()].copy()
    rows["year_num"] = rows.year.astype(str).str[:4].astype(int)
    rows["gap"] = (rows.year_num - year).abs()
    near = rows[rows.area.isin(["Italy", "EU-28"])].sort_values("gap").drop_duplicates(["area", "measure"])
    latest = rows[rows.area == "Italy"].sort_values("year_num").drop_duplicates("measure", keep="last")
    latest = latest[latest.year_num > year]
    out = pd.concat([near, latest]).assign(measure_label=lambda d: d.measure.map(measures))
    out["group"] = out.area + " " + out.year.astype(str)
    out["status_label"] = charts.status_label(out.status)
    datasets.with_provenance(out, sme)
    return out.sort_values(["measure", "year_num", "area"])


def italy_vs_eu_chart(sme: pd.DataFrame) -> alt.Chart:
    """Italy leans on SMEs more than the EU: shares of employment and value added."""
    data = italy_vs_eu(sme)
    groups = list(dict.fromkeys(data.sort_values(["year_num", "area"], ascending=[True, False]).group))
    emp = data[(data.measure == "share_of_employment") & (data.year_num == 2017)].set_index("area").value
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="Share accounted for by SMEs (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("measure_label:N", title=None, sort=["Firms", "Persons employed", "Value added"]),
        yOffset=alt.YOffset("group:N", sort=groups),
        color=alt.Color("group:N", title="Area and data year", sort=groups),
        tooltip=tooltip(("group", "Area, year", None), ("measure_label", "Share of", None),
                        ("value", "SME share (%)", ".1f"), ("status_label", "Status", None), ("note", "Scope", None)),
    )
    labels = bars.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("value:Q", format=".1f"))
    return finish(
        (bars + labels).properties(height=300),
        title=f"SMEs carry more of Italy's jobs than the EU's ({emp['Italy']:.1f}% against {emp['EU-28']:.1f}% in 2017)",
        subtitle="SME (0-249 persons employed) shares in the non-financial business economy, European Commission SBA data",
        alt_text="Grouped bar chart of the share of firms, persons employed and value added accounted for by SMEs: "
                 + "; ".join(f"{r.group} {r.measure_label.lower()} {r.value:.1f}%" for r in data.itertuples()) + ".",
        data=sme,
        note="These are all firms (0-249 persons employed) in the non-financial business economy. They cannot be set "
             "beside the ISTAT census shares above, which cover only firms with 3 or more persons employed.",
    )


# --- the census size mix ---------------------------------------------------------------------

def size_mix(census: pd.DataFrame, measure: str = "share_of_firms") -> pd.DataFrame:
    """Shares (or counts) by size class and year, with readable labels and the class order."""
    rows = datasets.subset(census, (census.measure == measure) & census.size_class.isin(CLASS_LABELS) & census.value.notna())
    rows["class_label"] = rows.size_class.map(CLASS_LABELS)
    rows["status_label"] = charts.status_label(rows.status)
    order = {c: i for i, c in enumerate(["3-9", "10-49", "50+", "50-249", "250+"])}
    return rows.sort_values(["year", "size_class"], key=lambda s: s.map(order) if s.name == "size_class" else s)


def firm_mix_chart(census: pd.DataFrame) -> alt.Chart:
    """Share of firms by size class, census 2018 and 2021 (the 3+ universe)."""
    data = size_mix(census, "share_of_firms")
    data = datasets.subset(data, data.size_class != "50+")
    data["year_label"] = data.year.astype(str)
    years = sorted(data.year_label.unique())
    micro_2018 = census_value(census, 2018, "3-9", "share_of_firms")
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="Share of firms with 3+ persons employed (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("class_label:N", title=None, sort=[CLASS_LABELS[c] for c in CENSUS_CLASSES]),
        yOffset=alt.YOffset("year_label:N", sort=years),
        color=alt.Color("year_label:N", title="Reference year", sort=years),
        tooltip=tooltip(("class_label", "Size class", None), ("year_label", "Year", None),
                        ("value", "Share of firms (%)", ".1f"), ("status_label", "Status", None)),
    )
    labels = bars.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("value:Q", format=".1f"))
    return finish(
        (bars + labels).properties(height=260),
        title=f"Four in five Italian firms with 3+ persons employed are micro firms ({micro_2018:.1f}% in 2018)",
        subtitle="Share of firms by persons employed, ISTAT permanent census (3+ universe only)",
        alt_text=_firm_mix_alt(data),
        data=census,
        note="In 2018 ISTAT gives medium and large firms together (2.3%); the medium class alone is not "
             "published, so 2018 shows no separate medium or large bar. The census covers only firms with "
             "3 or more persons employed (24% of Italian firms).",
    )


def _firm_mix_alt(data: pd.DataFrame) -> str:
    parts = [f"{r.class_label} {r.value:.1f}% in {r.year}" for r in data.itertuples()]
    return "Horizontal bar chart of the share of Italian firms with 3 or more persons employed by size class: " + "; ".join(parts) + "."


def employment_shares(census: pd.DataFrame) -> pd.DataFrame:
    """Share of persons employed by size class for each census year (wide: one column per year)."""
    data = size_mix(census, "share_of_employment")
    wide = data.pivot(index="size_class", columns="year", values="value").reindex(CENSUS_CLASSES)
    wide.index = wide.index.map(CLASS_LABELS)
    return wide


def _employment_lines(data: pd.DataFrame) -> alt.LayerChart:
    """Lines of employment share by size class, labelled at the last year."""
    last = int(data.year.max())
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Reference year"),
        y=alt.Y("value:Q", title="Share of persons employed in firms with 3+ persons (%)",
                scale=alt.Scale(zero=False)),
        color=alt.Color("class_label:N", title="Size class (persons employed)",
                        sort=[CLASS_LABELS[c] for c in CENSUS_CLASSES]),
        tooltip=tooltip(("class_label", "Size class", None), ("year", "Year", None),
                        ("value", "Share of persons employed (%)", ".1f"), ("status_label", "Status", None)),
    )
    return base.mark_line(point=True) + base.mark_text(align="left", dx=6, fontSize=11).encode(
        text=alt.Text("value:Q", format=".1f")).transform_filter(alt.datum.year == last)


def employment_chart(census: pd.DataFrame) -> alt.Chart:
    """Employment shares by size class across 2011, 2018 and 2021: a slope chart."""
    data = size_mix(census, "share_of_employment")
    micro = data[data.size_class == "3-9"].set_index("year").value
    large = data[data.size_class == "250+"].set_index("year").value
    first, last = int(data.year.min()), int(data.year.max())
    return finish(
        _employment_lines(data).properties(height=320, width=420),
        title=f"Jobs moved from micro to large firms between {first} and {last}",
        subtitle=(f"Share of persons employed by size class: micro {micro[first]:.1f}% to {micro[last]:.1f}%, "
                  f"large {large[first]:.1f}% to {large[last]:.1f}% (ISTAT census, firms with 3+ persons employed)"),
        alt_text="Line chart of employment shares by size class in "
                 + ", ".join(map(str, sorted(data.year.unique()))) + ": "
                 + "; ".join(f"{r.class_label} {r.value:.1f}% in {r.year}" for r in data.itertuples()) + ".",
        data=census,
    )


def then_and_now_chart(census: pd.DataFrame, cutoff: int = 2018) -> alt.HConcatChart:
    """Employment shares as the thesis could draw them (census data up to ``cutoff``) beside the newest."""
    data = size_mix(census, "share_of_employment")
    then, now = datasets.subset(data, data.year <= cutoff), data
    last = int(now.year.max())
    panel = lambda d, label: _employment_lines(d).properties(  # noqa: E731
        width=230, height=280, title=alt.TitleParams(label, fontSize=13))
    chart = alt.hconcat(panel(then, f"Then: census data up to {cutoff}"),
                        panel(now, f"Now: census data up to {last}")).resolve_scale(y="shared")
    return finish(
        chart,
        title=f"The {last} census continues the shift the thesis could already have seen",
        subtitle="Share of persons employed by size class, ISTAT census (firms with 3+ persons employed)",
        alt_text=f"Two line charts side by side. Left, data available to the thesis (up to {cutoff}): "
                 + "; ".join(f"{r.class_label} {r.value:.1f}% in {r.year}" for r in then.itertuples())
                 + f". Right, the newest data, adding {last}: "
                 + "; ".join(f"{r.class_label} {r.value:.1f}%" for r in now[now.year == last].itertuples()) + ".",
        data=census,
    )


# --- is the shift larger than rounding? ------------------------------------------------------

def rounding_test(census: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """Trend in each class's employment share, against the noise that rounding alone would add.

    Model: share_t = a + b * year_t + e_t per size class, fitted by least squares, where the only
    error assumed is rounding to ``decimals`` places: e_t ~ Uniform(-h, h), h = 0.5 * 10**-decimals,
    so Var(e_t) = h**2 / 3 with the scale fixed rather than estimated. Census sampling error is not
    published in these sources, so the intervals are a lower bound on the true uncertainty.
    """
    data = size_mix(census, "share_of_employment")
    half = 0.5 * 10 ** -decimals
    scale = half ** 2 / 3
    rows = []
    for size_class in CENSUS_CLASSES:
        sub = data[data.size_class == size_class].sort_values("year")
        X = sm.add_constant(sub.year.to_numpy(dtype=float) - 2011)
        fit = sm.OLS(sub.value.to_numpy(dtype=float), X).fit(cov_type="fixed scale", cov_kwds={"scale": scale})
        slope, se = fit.params[1] * 10, fit.bse[1] * 10
        low, high = fit.conf_int(alpha=0.05)[1] * 10
        change = sub.value.iloc[-1] - sub.value.iloc[0]
        rows.append({
            "size_class": CLASS_LABELS[size_class],
            "first_year": int(sub.year.iloc[0]), "last_year": int(sub.year.iloc[-1]),
            "change_pp": round(change, 10),
            "max_rounding_pp": 2 * half,
            "slope_pp_per_decade": slope, "ci_low": low, "ci_high": high,
            "z": fit.tvalues[1], "p_value": fit.pvalues[1],
            "misfit_chi2": float(np.sum(fit.resid ** 2) / scale), "misfit_df": int(fit.df_resid),
        })
    return pd.DataFrame(rows)


def rounding_chart(census: pd.DataFrame, result: pd.DataFrame) -> alt.Chart:
    """Each class's trend with its 95% interval, beside the widest change rounding could produce."""
    data = result.assign(rounding_band=result.max_rounding_pp)
    band = alt.Chart(pd.DataFrame({"low": [-data.max_rounding_pp.iloc[0]], "high": [data.max_rounding_pp.iloc[0]]})
                     ).mark_rect(color=charts.MUTED, opacity=0.35).encode(x="low:Q", x2="high:Q")
    base = alt.Chart(data).encode(y=alt.Y("size_class:N", title=None, sort=list(data.size_class)))
    ci = base.mark_rule(strokeWidth=2, color=charts.FOCUS).encode(
        x=alt.X("ci_low:Q", title="Trend in employment share (percentage points per decade)"), x2="ci_high:Q")
    dot = base.mark_point(filled=True, size=70, color=charts.FOCUS).encode(
        x="slope_pp_per_decade:Q",
        tooltip=tooltip(("size_class", "Size class", None), ("slope_pp_per_decade", "Trend (pp per decade)", "+.2f"),
                        ("ci_low", "95% interval, low", "+.2f"), ("ci_high", "95% interval, high", "+.2f"),
                        ("change_pp", "Change, first to last census (pp)", "+.1f")))
    moved = int((result.p_value < 0.05).sum())
    who = "every size class" if moved == len(result) else f"{moved} of {len(result)} size classes"
    return finish(
        (band + ci + dot).properties(height=200),
        title=f"In {who}, the 2011-2021 trend is larger than rounding could explain",
        subtitle="Least-squares trend 2011-2021 with 95% intervals; grey band: the largest change two rounded values can fake",
        alt_text="Dot-and-interval chart of the trend in employment share per decade for each size class: "
                 + "; ".join(f"{r.size_class} {r.slope_pp_per_decade:+.2f} pp (95% interval {r.ci_low:+.2f} to {r.ci_high:+.2f})"
                             for r in result.itertuples())
                 + f". A grey band marks plus or minus {result.max_rounding_pp.iloc[0]:.1f} pp, the largest change rounding alone could produce.",
        data=census,
    )


# --- the economy's structure (GDP and jobs by sector) -----------------------------------------

SECTOR_LABELS = {"agriculture": "Agriculture", "industry": "Industry", "services": "Services",
                 "remainder": "Not allocated to sectors (net taxes on products)"}


def sector_shares(structure: pd.DataFrame) -> pd.DataFrame:
    """Sector shares of GDP (World Bank, 2019) and of employment (latest), ready to stack."""
    gdp = structure[(structure.indicator == "share_of_gdp") & (structure.year == 2019)
                    & structure.sector.isin(SECTOR_LABELS) & (structure.status != "thesis_quoted")]
    jobs = structure[(structure.indicator == "employment_share") & structure.sector.isin(SECTOR_LABELS)]
    jobs = jobs[jobs.year == jobs.year.max()]
    out = pd.concat([gdp.assign(what=f"Share of GDP, {int(gdp.year.max())}"),
                     jobs.assign(what=f"Share of employment, {int(jobs.year.max())}")])
    out["sector_label"] = out.sector.map(SECTOR_LABELS)
    out["status_label"] = charts.status_label(out.status)
    out["order"] = out.sector.map({k: i for i, k in enumerate(SECTOR_LABELS)})
    datasets.with_provenance(out, structure)
    return out


def sector_chart(structure: pd.DataFrame) -> alt.Chart:
    """Services dominate both output and jobs; agriculture is small in both."""
    data = sector_shares(structure)
    gdp = data[data.what.str.startswith("Share of GDP")].set_index("sector").value
    colours = alt.Scale(domain=list(SECTOR_LABELS.values()), range=[charts.PALETTE[2], charts.PALETTE[1],
                                                                    charts.PALETTE[0], charts.MUTED])
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="Share (%)", stack="zero", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("what:N", title=None),
        color=alt.Color("sector_label:N", title="Sector", scale=colours),
        order=alt.Order("order:Q"),
        tooltip=tooltip(("what", "Measure", None), ("sector_label", "Sector", None),
                        ("value", "Share (%)", ".1f"), ("status_label", "Status", None)),
    )
    return finish(
        bars.properties(height=120),
        title=f"Services make {gdp['services']:.0f}% of Italy's GDP; agriculture under {np.ceil(gdp['agriculture']):.0f}%",
        subtitle="Value added by sector as a share of GDP (World Bank) and employment by sector (Statista)",
        alt_text="Stacked bar chart of Italy's economy by sector: "
                 + "; ".join(f"{r.what.lower()}, {r.sector_label.lower()} {r.value:.1f}%" for r in data.itertuples()) + ".",
        data=structure,
        note="Sector shares of GDP do not add up to 100%: GDP also includes taxes less subsidies on products, "
             "which no sector is given.",
    )


def thesis_vs_source(structure: pd.DataFrame) -> pd.DataFrame:
    """The thesis's GDP shares beside the World Bank's, with the difference."""
    rows = structure[(structure.indicator == "share_of_gdp") & (structure.year == 2019)]
    thesis = rows[rows.status == "thesis_quoted"].set_index("sector").value
    source = rows[rows.status != "thesis_quoted"].drop_duplicates("sector").set_index("sector")
    out = pd.DataFrame({"sector": thesis.index, "thesis": thesis.values,
                        "source": source.value.reindex(thesis.index).values})
    out["difference"] = out.thesis - out.source
    out["sector"] = out.sector.str.replace("_", " ").str.capitalize()
    return out
