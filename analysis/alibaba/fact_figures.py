"""Charts of the facts Alibaba.com's pages quote (Altair specs only): how many could be checked, and
the selling fees beside Amazon's. Titles and alt text are composed from the rows drawn; the revenue
charts are in ``figures``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import datasets
from ..common import style
from ..common.style import FOCUS, MUTED, PALETTE, finish, tooltip
from . import data as d
from .labels import TOPIC_TITLES

STATUS_COLOURS = {"verified_primary": FOCUS, "verified_secondary": PALETTE[4], "derived": PALETTE[2],
                  "thesis_quoted": PALETTE[1], "not_found": MUTED}


def _status_colour(data: pd.DataFrame) -> alt.Color:
    """Colour by status, for the statuses present, in the house order."""
    codes = [s for s in STATUS_COLOURS if s in set(data.status)]
    names = list(style.status_label(pd.Series(codes)))
    return alt.Color("status_label:N", title="Status", sort=names,
                     scale=alt.Scale(domain=names, range=[STATUS_COLOURS[s] for s in codes]))



def status_mix(facts_frame: pd.DataFrame, topics: list[str], *, name: str) -> alt.Chart:
    """Per topic, how many of the numbers could be checked and how many rest on the thesis alone.

    ``name`` is the figure's id: the chart appears on more than one page, each with its own topics.
    """
    data = d.status_mix(facts_frame, topics)
    data["order"] = data.status.map({s: i for i, s in enumerate(STATUS_COLOURS)})
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("topic_label:N", title=None, sort=[TOPIC_TITLES.get(t, t) for t in topics]),
        x=alt.X("facts:Q", title="Numbers in the data (count)", axis=alt.Axis(tickMinStep=1)),
        color=_status_colour(data), order=alt.Order("order:Q"),
        tooltip=tooltip(("topic_label", "Topic", None), ("status_label", "Status", None), ("facts", "Numbers", "d")))
    total = int(data.facts.sum())
    thesis_only = int(data[data.status == "thesis_quoted"].facts.sum())
    return finish(
        bars.properties(height=36 * len(topics) + 20),
        name=name,
        title=f"{thesis_only} of the {total} numbers in the tables below rest on the thesis alone",
        subtitle="Numeric facts per topic, by status: verified in a source, or as quoted by the thesis (not checked)",
        alt_text=("Stacked bar chart counting the numeric facts of each topic by status: "
                  + "; ".join(f"{t}: " + ", ".join(f"{r.facts} {r.status_label}" for r in g.itertuples())
                              for t, g in data.groupby("topic_label", sort=False)) + "."),
        data=datasets.subset(facts_frame, facts_frame.topic.isin(topics)),
    )


def fees(facts_frame: pd.DataFrame) -> alt.Chart:
    """Alibaba.com's commission beside Amazon's referral fees, as the thesis and the sources give them."""
    data = d.fees(facts_frame)
    order = list(dict.fromkeys(data.range_label))
    spans = data.groupby("range_label").agg(low=("value", "min"), high=("value", "max"),
                                            status_label=("status_label", "first")).reset_index()
    colour = _status_colour(data)
    y = alt.Y("range_label:N", title=None, sort=order)
    rules = alt.Chart(spans).mark_rule(strokeWidth=4).encode(
        y=y, x=alt.X("low:Q", title="Fee (% of the sale price)",
                     scale=alt.Scale(domain=[0, float(data.value.max()) * 1.1])),
        x2="high:Q", color=colour)
    points = alt.Chart(data).mark_point(filled=True, size=90).encode(
        y=y, x="value:Q", color=colour,
        tooltip=tooltip(("fact", "Fee", None), ("period", "Period", None), ("value", "Rate (% of sale price)", ".0f"),
                        ("status_label", "Status", None)))
    labels = points.mark_text(dy=-11, fontSize=10).encode(text=alt.Text("value:Q", format=".0f"))
    amazon = data[data.fact.str.startswith("Amazon")]
    thesis = amazon[amazon.status == "thesis_quoted"].value
    top = amazon[amazon.status != "thesis_quoted"].value.max()
    where = "beyond" if top > thesis.max() else "within"
    ranges = spans.set_index("range_label").loc[order].reset_index()
    return finish(
        (rules + points + labels).properties(height=200),
        name="alibaba-fees",
        title=(f"Amazon's referral fee reaches {top:.0f}% in some categories, {where} the thesis's "
               f"{thesis.min():.0f}-{thesis.max():.0f}%"),
        subtitle="Fee on each sale, % of the sale price: Alibaba.com's commission and Amazon's referral fee",
        alt_text=("Range chart of selling fees in per cent of the sale price: "
                  + "; ".join(f"{r.range_label}: " + (f"{r.low:.0f}%" if r.low == r.high else f"{r.low:.0f}-{r.high:.0f}%")
                              + f" ({r.status_label})" for r in ranges.itertuples()) + "."),
        data=data,
    )
