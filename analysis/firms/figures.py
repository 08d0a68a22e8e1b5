"""Charts for section 1.1 (Altair specs only). Titles, notes and alt text state the numbers drawn."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import datasets
from ..common import lines, lookup, style
from ..common.style import finish, tooltip
from ..common.words import number_word
from . import data as firms_data
from . import models
from .data import CENSUS_CLASSES, CLASS_LABELS, SECTOR_LABELS

_CLASS_SORT = [CLASS_LABELS[c] for c in CENSUS_CLASSES]


def _bar_labels(bars: alt.Chart) -> alt.Chart:
    return bars.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("value:Q", format=".1f"))


# --- the economy's structure -----------------------------------------------------------------

def sectors(structure: pd.DataFrame) -> alt.Chart:
    """Italy's economy by sector: shares of GDP and of employment, stacked."""
    data = firms_data.sector_shares(structure)
    names = {"share_of_gdp": "Share of GDP", "employment_share": "Share of employment"}
    data["what"] = data.indicator.map(names) + ", " + data.year.astype(str)
    data["note"] = data.note.fillna("")
    gdp = data[data.indicator == "share_of_gdp"].set_index("sector").value
    colours = alt.Scale(domain=list(SECTOR_LABELS.values()),
                        range=[style.PALETTE[2], style.PALETTE[1], style.PALETTE[0], style.MUTED])
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="Share (%)", stack="zero", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("what:N", title=None),
        color=alt.Color("sector_label:N", title="Sector", scale=colours),
        order=alt.Order("order:Q"),
        tooltip=tooltip(("what", "Measure", None), ("sector_label", "Sector", None),
                        ("value", "Share (%)", ".1f"), ("status_label", "Status", None), ("note", "Note", None)),
    )
    return finish(
        bars.properties(height=120), name="firms-sectors",
        title=f"Services make {gdp['services']:.0f}% of Italy's GDP; "
              f"agriculture under {np.ceil(gdp['agriculture']):.0f}%",
        subtitle="Value added by sector as a share of GDP, and persons employed by sector as a share of employment",
        alt_text="Stacked bar chart of Italy's economy by sector: "
                 + "; ".join(f"{r.what.lower()}, {r.sector_label.lower()} {r.value:.1f}%" for r in data.itertuples())
                 + ".",
        data=data,
    )


# --- the census size mix ---------------------------------------------------------------------

def _combined_note(census: pd.DataFrame, mix: pd.DataFrame) -> str | None:
    """Each combined class the bars leave out (e.g. 50+), with its share and its row's note; the universe."""
    parts = [f"{r.year}: {r.class_label} {r.value:.1f}%" + (f" ({r.note})" if isinstance(r.note, str) else "")
             for r in mix[~mix.size_class.isin(CENSUS_CLASSES)].itertuples()]
    universe = census[(census.measure == "share_of_all_italian_firms") & census.value.notna()].sort_values("year")
    if not universe.empty:
        parts.append("The census covers only firms with 3 or more persons employed, "
                     + ", ".join(f"{r.value:.1f}% in {r.year}" for r in universe.itertuples())
                     + " of all Italian firms")
    return ". ".join(parts) + "." if parts else None


def size_mix(census: pd.DataFrame) -> alt.Chart:
    """Share of firms by size class in each census year (firms with 3+ persons employed)."""
    mix = firms_data.size_mix(census, "share_of_firms")
    data = datasets.subset(mix, mix.size_class.isin(CENSUS_CLASSES))
    data["year_label"] = data.year.astype(str)
    years = sorted(data.year_label.unique())
    newest = int(data.year.max())
    micro = lookup.value(data, year=newest, size_class="3-9")
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="Share of firms with 3+ persons employed (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("class_label:N", title=None, sort=_CLASS_SORT),
        yOffset=alt.YOffset("year_label:N", sort=years),
        color=alt.Color("year_label:N", title="Reference year", sort=years),
        tooltip=tooltip(("class_label", "Size class", None), ("year_label", "Year", None),
                        ("value", "Share of firms (%)", ".1f"), ("status_label", "Status", None)),
    )
    return finish(
        (bars + _bar_labels(bars)).properties(height=260), name="firms-size-mix",
        title=f"{number_word(round(micro / 20)).capitalize()} in five Italian firms with 3+ persons employed "
              f"are micro firms ({micro:.1f}% in {newest})",
        subtitle="Share of firms by persons employed, ISTAT permanent census (3+ universe only)",
        alt_text="Horizontal bar chart of the share of Italian firms with 3 or more persons employed by size class: "
                 + "; ".join(f"{r.class_label} {r.value:.1f}% in {r.year}" for r in data.itertuples()) + ".",
        data=[mix, datasets.subset(census, (census.measure == "share_of_all_italian_firms") & census.value.notna())],
        note=_combined_note(census, mix),
    )


def _employment_lines(data: pd.DataFrame) -> alt.LayerChart:
    """Lines of employment share by size class, labelled at the panel's last year."""
    last = int(data.year.max())
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Reference year"),
        y=alt.Y("value:Q", title="Share of persons employed in firms with 3+ persons (%)",
                scale=alt.Scale(zero=False)),
        color=alt.Color("class_label:N", title="Size class (persons employed)", sort=_CLASS_SORT),
        tooltip=tooltip(("class_label", "Size class", None), ("year", "Year", None),
                        ("value", "Share of persons employed (%)", ".1f"), ("status_label", "Status", None)),
    )
    return base.mark_line(point=True) + base.mark_text(align="left", dx=6, fontSize=11).encode(
        text=alt.Text("value:Q", format=".1f")).transform_filter(alt.datum.year == last)


def _shift_words(start: pd.Series, end: pd.Series) -> str:
    """'from micro to large firms' when micro lost share and large gained it, and the reverse."""
    micro, large = end["3-9"] - start["3-9"], end["250+"] - start["250+"]
    if micro < 0 < large:
        return "Jobs moved from micro to large firms"
    if large < 0 < micro:
        return "Jobs moved from large to micro firms"
    return "Employment shares by size class changed"


def employment(census: pd.DataFrame) -> alt.Chart:
    """Employment shares by size class across the census years: a slope chart."""
    data = firms_data.size_mix(census, "share_of_employment")
    first, last = int(data.year.min()), int(data.year.max())
    start = data[data.year == first].set_index("size_class").value
    end = data[data.year == last].set_index("size_class").value
    return finish(
        _employment_lines(data).properties(height=320, width=420), name="firms-employment",
        title=f"{_shift_words(start, end)} between {first} and {last}",
        subtitle=(f"Share of persons employed by size class: micro {start['3-9']:.1f}% to {end['3-9']:.1f}%, "
                  f"large {start['250+']:.1f}% to {end['250+']:.1f}% (ISTAT census, firms with 3+ persons employed)"),
        alt_text="Line chart of employment shares by size class in "
                 + ", ".join(map(str, sorted(data.year.unique()))) + ": "
                 + "; ".join(f"{r.class_label} {r.value:.1f}% in {r.year}" for r in data.itertuples()) + ".",
        data=data,
    )


def then_and_now(census: pd.DataFrame, shift: pd.DataFrame) -> alt.HConcatChart:
    """Employment shares as the thesis could draw them beside the newest census, on one scale.

    ``shift`` is ``data.employment_shift(...)``: its ``continues`` flag, which the page also glues,
    decides the title's verb.
    """
    views = lines.then_and_now(firms_data.size_mix(census, "share_of_employment"))
    seen, newest = views.attrs["last_seen"], views.attrs["newest"]
    first = int(views.year.min())
    verb = "continues" if bool(shift.continues.all()) else "does not continue"
    then, now = views[views.view == "then"], views[(views.view == "now") & (views.year == newest)]
    chart = style.then_and_now(
        views, _employment_lines, lambda view, last: f"{'Then' if view == 'then' else 'Now'}: census data up to {last}",
        width=230, height=280)
    return finish(
        chart, name="firms-then-and-now",
        title=f"The {newest} census {verb} the {first}-{seen} shift in employment shares",
        subtitle="Share of persons employed by size class, ISTAT census (firms with 3+ persons employed)",
        alt_text=f"Two line charts side by side. Left, data available to the thesis (up to {seen}): "
                 + "; ".join(f"{r.class_label} {r.value:.1f}% in {r.year}" for r in then.itertuples())
                 + f". Right, the newest data, adding {newest}: "
                 + "; ".join(f"{r.class_label} {r.value:.1f}%" for r in now.itertuples()) + ".",
        data=views,
    )


# --- Italy beside the EU ---------------------------------------------------------------------

def italy_vs_eu(sme: pd.DataFrame) -> alt.Chart:
    """SME shares of firms, employment and value added: Italy against the EU, and Italy's newest."""
    data = firms_data.italy_vs_eu(sme)
    pair = data.attrs["paired_year"]
    groups = list(dict.fromkeys(data.sort_values(["year_num", "area"], ascending=[True, False]).group))
    emp = data[(data.measure == "share_of_employment") & (data.year_num == pair)]
    italy, eu = emp[emp.area == "Italy"].value.iloc[0], emp[emp.area != "Italy"].value.iloc[0]
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="Share accounted for by SMEs (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("measure_label:N", title=None, sort=list(firms_data.SME_MEASURES.values())),
        yOffset=alt.YOffset("group:N", sort=groups),
        color=alt.Color("group:N", title="Area and data year", sort=groups),
        tooltip=tooltip(("group", "Area, year", None), ("measure_label", "Share of", None),
                        ("value", "SME share (%)", ".1f"), ("status_label", "Status", None), ("note", "Scope", None)),
    )
    more = "more" if italy > eu else "less"
    return finish(
        (bars + _bar_labels(bars)).properties(height=300), name="firms-italy-vs-eu",
        title=f"SMEs carry {more} of Italy's jobs than the EU's ({italy:.1f}% against {eu:.1f}% in {pair})",
        subtitle="SME (0-249 persons employed) shares in the non-financial business economy, European Commission data",
        alt_text="Grouped bar chart of the share of firms, persons employed and value added accounted for by SMEs: "
                 + "; ".join(f"{r.group} {r.measure_label.lower()} {r.value:.1f}%" for r in data.itertuples()) + ".",
        data=data,
    )


# --- is the shift larger than rounding? ------------------------------------------------------

def rounding(shares: pd.DataFrame, result: pd.DataFrame, verdict: dict) -> alt.LayerChart:
    """Each class's trend with its interval, beside the widest change rounding could produce.

    ``result`` is ``models.rounding_test(shares)`` and ``verdict`` ``models.rounding_verdict(result)``,
    the counts the page's text states too; ``shares`` are the census rows the model was fitted to.
    """
    band_pp = verdict["max_rounding_pp"]
    span = f"{verdict['first_year']}-{verdict['last_year']}"
    band = alt.Chart(pd.DataFrame({"low": [-band_pp], "high": [band_pp]})).mark_rect(
        color=style.MUTED, opacity=0.35).encode(x="low:Q", x2="high:Q")
    base = alt.Chart(result).encode(y=alt.Y("size_class:N", title=None, sort=list(result.size_class)))
    ci = base.mark_rule(strokeWidth=2, color=style.FOCUS).encode(
        x=alt.X("ci_low:Q", title="Trend in employment share (percentage points per decade)"), x2="ci_high:Q")
    dot = base.mark_point(filled=True, size=70, color=style.FOCUS).encode(
        x="slope_pp_per_decade:Q",
        tooltip=tooltip(("size_class", "Size class", None), ("slope_pp_per_decade", "Trend (pp per decade)", "+.2f"),
                        ("ci_low", "95% interval, low", "+.2f"), ("ci_high", "95% interval, high", "+.2f"),
                        ("change_pp", "Change, first to last census (pp)", "+.1f")))
    who = ("every size class" if verdict["every"]
           else f"{verdict['exceeding']} of {verdict['classes']} size classes")
    return finish(
        (band + ci + dot).properties(height=200), name="firms-rounding",
        title=f"In {who}, the {span} trend is larger than rounding could explain",
        subtitle=f"Least-squares trend {span} with 95% intervals; "
                 "grey band: the largest change two rounded values can fake",
        alt_text="Dot-and-interval chart of the trend in employment share per decade for each size class: "
                 + "; ".join(f"{r.size_class} {r.slope_pp_per_decade:+.2f} pp (95% interval {r.ci_low:+.2f} "
                             f"to {r.ci_high:+.2f})" for r in result.itertuples())
                 + f". A grey band marks plus or minus {band_pp:.1f} pp, "
                   "the largest change rounding alone could produce.",
        data=models.fitted_rows(shares),
    )
