"""Chapter 3's ranking charts (Allianz Risk Barometer): Altair specs only, titles and notes composed
from the numbers they draw. The thesis's concept diagrams are in ``process_figures``.

A row's own caveat (a derived rank, sources that disagree) is the ``note`` of its CSV row and is
shown in the tooltip; what the book says about the thesis is on the page. Each chart cites the
rows it draws (``data=``), never the whole dataset.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import datasets
from ..common import lines, style, words
from ..common.style import FOCUS, MUTED, PALETTE, finish, tooltip
from . import data as risk_data
from .labels import NOT_AVAILABLE, THESIS_RISKS, UNKNOWN, short

RISK_COLOURS = dict(zip(THESIS_RISKS, [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[5], PALETTE[3]]))
SPARE_COLOURS = [PALETTE[4], PALETTE[7], PALETTE[6]]
NOTE_TIP = ("note", "Note on this row", None)
#: Columns no chart encodes: left out of the chart's inline data (the footer cites the rows' sources).
UNDRAWN = ["quote", "source_id", "formula", "unit", "status", "tie_size", "tie_index", "view", "thesis_line"]


def drawn(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in UNDRAWN if c in frame])


def _colour_scale(order: list[str], spare: list[str] | None = None) -> alt.Scale:
    """The thesis's five risks in their own colours; the others grey, or in ``spare`` colours in turn."""
    others = iter((spare or [MUTED]) * len(order))
    return alt.Scale(domain=order, range=[RISK_COLOURS.get(r) or next(others) for r in order])


def _share_axis(*values: pd.Series) -> alt.Scale:
    """0 to the next multiple of 10 above the largest share drawn."""
    top = max(float(v.max()) for v in values if v.notna().any())
    return alt.Scale(domain=[0, 10 * math.ceil(top / 10 + 0.05)])


def _rank_axis(allianz: pd.DataFrame, below: float = 0.6) -> alt.Scale:
    """Ranks upside down (1 at the top), down to the last slot of the ranking plus ``below``."""
    return alt.Scale(domain=[int(allianz["rank"].max()) + below, 0.4], nice=False, zero=False)


# --- one edition ---------------------------------------------------------------------------


def table6_chart(italy: pd.DataFrame, edition: int) -> alt.LayerChart:
    """One edition of Italy's top 10 as bars of shares; slots not found are drawn as 'not available' rows."""
    rows = risk_data.ranking(italy, edition)
    known = rows[rows.known]
    top, missing = rows.iloc[0], risk_data.unknown_ranks(italy, edition)
    statuses = [s for s in style.STATUS_ORDER if s in set(rows.status_label)]
    colour = alt.Color("status_label:N", title="Status", sort=statuses,
                       scale=alt.Scale(domain=statuses, range=[MUTED if s == NOT_AVAILABLE else FOCUS for s in statuses]))
    tips = tooltip(("rank", "Rank", None), ("risk_label", "Risk", None), ("share_label", "Share of responses", None),
                   ("status_label", "Status", None), NOTE_TIP)
    base = alt.Chart(drawn(rows)).encode(y=alt.Y("row_label:N", title=None, sort=list(rows.row_label)))
    named, gaps = base.transform_filter(alt.datum.known), base.transform_filter(~alt.datum.known)
    bars = named.mark_bar().encode(x=alt.X("value:Q", title="Share of responses (%)", scale=_share_axis(rows.value)),
                                   color=colour, tooltip=tips)
    labels = named.mark_text(align="left", dx=3, fontSize=11).encode(x="value:Q", text=alt.Text("value:Q", format=".0f"))
    holes = gaps.mark_point(shape="circle", filled=False, size=60).encode(x=alt.datum(0), color=colour, tooltip=tips)
    hole_text = gaps.mark_text(align="left", dx=9, fontSize=11, fontStyle="italic", color="#555").encode(
        x=alt.datum(0), text=alt.value("risk and share not found"))
    total = known.value.sum()
    return finish(
        (bars + labels + holes + hole_text).properties(height=300), name="risk-italy-top10",
        title=f"{top.risk} led Italy's {edition} ranking with {top.value:.0f}% of responses; "
              f"ranks {missing} are not available",
        subtitle=f"Top 10 business risks in Italy, Allianz Risk Barometer {edition}: share of responses (%); "
                 "respondents could name more than one risk",
        alt_text=f"Bar chart of Italy's top 10 business risks in the Allianz Risk Barometer {edition}: "
                 + "; ".join(f"rank {r.rank} {r.risk} {r.value:.0f}%" for r in known.itertuples())
                 + f"; ranks {missing} are shown as not available because no source gives them.",
        data=rows,
        note=f"The published shares add up to {total:.0f}%: a respondent could name more than one risk."
             if total > 100 else None,
    )


def global_top10_chart(glob: pd.DataFrame, italy: pd.DataFrame, edition: int) -> alt.LayerChart:
    """The global top 10 of one edition, with Italy's share beside it where Italy's rank is known."""
    rows = risk_data.ranking(glob, edition)
    if not rows.known.all() or rows.value.isna().any():
        raise ValueError(f"the global {edition} top 10 is not complete in the data")
    it = risk_data.ranking(italy, edition)
    it = it[it.known & it.value.notna()][["risk", "rank", "value"]].rename(
        columns={"rank": "italy_rank", "value": "italy_value"})
    rows = rows.merge(it, on="risk", how="left")
    known = words.ranges(it["italy_rank"])
    rows["italy_label"] = [f"{v:.0f}% (rank {int(r)})" if pd.notna(v) else f"not among Italy's known ranks ({known})"
                           for v, r in zip(rows.italy_value, rows.italy_rank)]
    rows["series"] = f"World {edition}"
    order = list(rows.row_label)
    tips = tooltip(("rank", "Global rank", None), ("risk", "Risk", None), ("value", "Global share (% of responses)", ".0f"),
                   ("italy_label", f"Italy {edition}", None), ("status_label", "Status (global)", None), NOTE_TIP)
    x_scale = _share_axis(rows.value, rows.italy_value)
    base = alt.Chart(drawn(rows)).encode(y=alt.Y("row_label:N", title=None, sort=order))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title="Share of responses (%)", scale=x_scale),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=[FOCUS]), legend=alt.Legend(symbolType="square")),
        tooltip=tips)
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(x="value:Q", text=alt.Text("value:Q", format=".0f"))
    italy_rows = rows[rows.italy_value.notna()].assign(italy_series=f"Italy {edition} (ranks {known} known)")
    ticks = alt.Chart(drawn(italy_rows)).mark_point(shape="diamond", filled=True, size=110, color="#000000", opacity=1).encode(
        y=alt.Y("row_label:N", sort=order), x=alt.X("italy_value:Q", scale=x_scale), tooltip=tips,
        shape=alt.Shape("italy_series:N", title=None, scale=alt.Scale(range=["diamond"])))
    top = rows.iloc[0]
    return finish(
        (bars + labels + ticks).properties(height=300).resolve_scale(shape="independent"), name="risk-global-top10",
        title=f"{top.risk} topped the global list in {edition} with {top.value:.0f}% of responses",
        subtitle=f"Top 10 global business risks, Allianz Risk Barometer {edition}, share of responses (%); "
                 "diamonds: share in Italy where known",
        alt_text=f"Bar chart of the global top 10 business risks in the Allianz Risk Barometer {edition}: "
                 + "; ".join(f"{r.rank} {r.risk} {r.value:.0f}%" for r in rows.itertuples())
                 + ". Italy's shares, where known: "
                 + "; ".join(f"{r.risk} {r.italy_value:.0f}% (rank {int(r.italy_rank)} in Italy)"
                             for r in italy_rows.sort_values("italy_rank").itertuples()) + ".",
        data=[risk_data.edition_rows(glob, [edition]), risk_data.edition_rows(italy, [edition])],
        note=f"Italian shares (black diamonds) are shown for Italy's known ranks ({known}) only; Italy's ranks "
             f"{risk_data.unknown_ranks(italy, edition)} were not found.",
    )


# --- editions over time ------------------------------------------------------------------------


def bump_chart(italy: pd.DataFrame) -> alt.LayerChart:
    """Italy's rank per risk across every edition in the data: lines join consecutive known ranks only."""
    points = risk_data.known_ranks(italy)
    points["run"] = lines.runs(points, by=["risk"], period="edition", needs="rank")
    first, last = int(italy.edition.min()), int(italy.edition.max())
    order, gaps = risk_data.risk_order(points), risk_data.gap_labels(italy)
    gaps["text"] = "not found:\n" + gaps.gap
    sel = alt.selection_point(fields=["risk"], bind="legend")
    fade = alt.when(sel).then(alt.value(1.0)).otherwise(alt.value(0.12))
    x = alt.X("edition_label:O", title="Edition of the Allianz Risk Barometer (year published)",
              scale=alt.Scale(domain=list(gaps.edition_label)), axis=alt.Axis(labelAngle=0))
    y = alt.Y("y:Q", title="Rank in Italy (1 = most feared)", scale=_rank_axis(italy, below=1.9),
              axis=alt.Axis(values=list(range(1, int(italy["rank"].max()) + 1)), grid=True))
    colour = alt.Color("risk:N", title="Risk (click to highlight)", scale=_colour_scale(order), sort=order,
                       legend=alt.Legend(columns=2, symbolLimit=0, labelLimit=260))
    tips = tooltip(("risk", "Risk", None), ("edition", "Edition", None), ("rank", "Rank in Italy", None),
                   ("share_label", "Share of responses", None), ("status_label", "Status", None), NOTE_TIP)
    line = alt.Chart(drawn(points)).mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, detail="run:N", opacity=fade).add_params(sel)
    dots = alt.Chart(drawn(points)).mark_point(filled=True, size=70).encode(
        x=x, y=y, color=colour, opacity=fade, tooltip=tips,
        shape=alt.Shape("status_label:N", title="Status",
                        sort=[s for s in style.STATUS_ORDER if s in set(points.status_label)]))
    gap_text = alt.Chart(gaps).mark_text(fontSize=10, color="#555", lineBreak="\n", baseline="top").encode(
        x=x, y=alt.datum(int(italy["rank"].max()) + 0.75), text="text:N")
    ends = points.sort_values("edition").groupby("risk", sort=False).tail(1).assign(
        short=lambda f: f.risk.map(short))
    end_text = alt.Chart(drawn(ends)).mark_text(align="left", dx=7, fontSize=9, color="#333").encode(
        x=x, y=y, text="short:N", opacity=fade)
    run = risk_data.top_two_run(italy)
    return finish(
        (line + dots + end_text + gap_text).properties(height=380, width=560), name="risk-italy-ranks-by-edition",
        title=(f"Since {run[0]}, {run[2][0].lower()} and {run[2][1].lower()} have held Italy's top two places "
               "in every edition found") if run else "Italy's top risks changed from edition to edition",
        subtitle=f"Rank of each risk in Italy, Allianz Risk Barometer editions {first}-{last}; a line joins "
                 "ranks in consecutive editions only, so a gap means the rank is not known",
        alt_text=f"Rank chart of Italy's top business risks in the Allianz Risk Barometer, editions {first} to "
                 f"{last}. " + " ".join(
                     f"{risk}: " + ", ".join(f"{r.rank} in {r.edition}" for r in sub.sort_values("edition").itertuples())
                     + "." for risk, sub in points.groupby("risk", sort=False))
                 + " Ranks not found: " + "; ".join(f"{g.edition_label} {g.gap}" for g in gaps.itertuples()) + ".",
        data=[points, datasets.subset(italy, italy.risk == UNKNOWN)],
        note="Ranks within the top 10 only: a risk missing from an edition is either below the last rank or in a "
             "slot that was not found (listed under each edition). Labels sit at each risk's last known rank; "
             "hover a point for its status and the note on its row.",
    )


def headline_chart(glob: pd.DataFrame, allianz_editions: pd.DataFrame, top: int = 3) -> alt.VConcatChart:
    """Global shares of responses for the leading risks, edition by edition; missing shares in a strip below."""
    data = risk_data.headline_shares(glob, top)
    resp = allianz_editions[allianz_editions.measure == "respondents"].set_index("edition").value
    data["respondents"] = data.edition.map(lambda e: f"{resp[e]:,.0f}" if pd.notna(resp.get(e)) else NOT_AVAILABLE)
    order = risk_data.risk_order(data)
    shares = datasets.subset(data, data.has_share)
    shares["run"] = lines.runs(shares, by=["risk"], period="edition")
    missing = datasets.subset(data, ~data.has_share)
    missing["text"] = "rank " + missing["rank"].astype(str)
    colours = _colour_scale(order, SPARE_COLOURS)
    x = alt.X("edition_label:O", title="Edition of the Allianz Risk Barometer", axis=alt.Axis(labelAngle=0),
              scale=alt.Scale(domain=[str(e) for e in sorted(glob.edition.unique())]))
    colour = alt.Color("risk:N", title="Risk", scale=colours, sort=order, legend=alt.Legend(columns=2))
    tips = tooltip(("risk", "Risk", None), ("edition", "Edition", None), ("rank", "Global rank", None),
                   ("share_label", "Share of responses", None), ("respondents", "Respondents in the edition", None),
                   ("status_label", "Status", None), NOTE_TIP)
    y = alt.Y("value:Q", title="Share of responses (%)", scale=_share_axis(shares.value))
    line = alt.Chart(drawn(shares)).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, detail="run:N")
    dots = alt.Chart(drawn(shares)).mark_point(filled=True, size=60, opacity=1).encode(x=x, y=y, color=colour, tooltip=tips)
    strip_y = alt.Y("risk:N", title="Rank known, share not published", sort=order,
                    axis=alt.Axis(titleAngle=0, titleAlign="left", titleY=-8, titleX=0, labelLimit=220))
    strip = alt.Chart(drawn(missing)).mark_point(filled=False, size=60, strokeWidth=1.5, opacity=1).encode(
        x=x, y=strip_y, color=alt.Color("risk:N", scale=colours, sort=order, legend=None), tooltip=tips)
    strip_text = alt.Chart(drawn(missing)).mark_text(dx=8, align="left", fontSize=10).encode(
        x=x, y=alt.Y("risk:N", sort=order), text="text:N")
    lead = shares.groupby("risk").size().sort_values(ascending=False).index[0]
    lead_rows = shares[shares.risk == lead]
    upper = alt.layer(line, dots).properties(height=280, width=500)
    lower = alt.layer(strip, strip_text).properties(height=22 * max(1, missing.risk.nunique()), width=500)
    return finish(
        alt.vconcat(upper, lower, spacing=18).resolve_scale(x="shared"), name="risk-global-leading-shares",
        title=f"{lead} drew {lead_rows.value.min():.0f}-{lead_rows.value.max():.0f}% of responses in every "
              f"edition {lead_rows.edition.min()}-{lead_rows.edition.max()}",
        subtitle=f"Share of responses (%) in the global Allianz Risk Barometer for risks ranked in the top {top} at "
                 f"least once; {resp.min():,.0f} to {resp.max():,.0f} respondents per edition where known",
        alt_text="Line chart of global shares of responses by edition: "
                 + " ".join(f"{risk}: " + ", ".join(f"{r.value:.0f}% in {r.edition}" for r in sub.itertuples()) + "."
                            for risk, sub in shares.sort_values("edition").groupby("risk", sort=False))
                 + " Rank known but share not published: "
                 + "; ".join(f"{r.risk} {r.edition} (rank {r.rank})" for r in missing.itertuples()) + ".",
        data=[data, datasets.subset(allianz_editions, allianz_editions.measure == "respondents")],
        note="Lines join consecutive editions only." + _overlap_note(shares),
    )


def _overlap_note(shares: pd.DataFrame) -> str:
    same = shares.groupby(["edition", "value"]).risk.apply(list)
    return "".join(f" In {e}, {' and '.join(r.lower() for r in risks)} both drew {v:.0f}%, so their points overlap."
                   for (e, v), risks in same[same.map(len) > 1].items())


def then_and_now_chart(italy: pd.DataFrame) -> alt.HConcatChart:
    """Italy's ranking in the newest edition the thesis could see beside the newest edition in the data."""
    both = lines.then_and_now(italy)
    then, now = int(both.attrs["last_seen"]), int(both.attrs["newest"])
    order = risk_data.risk_order(italy)
    a, b = risk_data.ranking(italy, then), risk_data.ranking(italy, now)
    leaders = lambda rows: " and ".join(r.lower() for r in rows.query("known and rank == 1").risk)
    moves = [f"{r.risk} {int(a.loc[a.risk == r.risk, 'rank'].iloc[0])} to {r.rank}" if (a.risk == r.risk).any()
             else f"{r.risk} new at {r.rank}" for r in b[b.known].itertuples()]
    shared_first = len(b.query("known and rank == 1")) > 1
    label = lambda view, last: f"{last} edition (" + (
        "what the thesis could see" if view == "then" else "newest in the data") + ")"
    unpublished = "No shares are published for Italy in either edition. " if a.value.isna().all() and \
        b.value.isna().all() else ""
    return finish(
        style.then_and_now(both, lambda rows: _ranking_panel(rows, order), label, width=250, height=380),
        name="risk-then-and-now",
        title=f"{leaders(a).capitalize()} led Italy's {then} ranking; in {now} " + leaders(b)
              + (" shared first place" if shared_first else " led it"),
        subtitle=f"Top 10 business risks in Italy, Allianz Risk Barometer: the {then} edition beside the {now} "
                 "edition; hollow grey marks: slots whose risk was not found",
        alt_text=f"Two ranked lists of Italy's top 10 business risks. {then}: "
                 + "; ".join(f"{r.rank} {r.risk_label}" for r in a.itertuples())
                 + f". {now}: " + "; ".join(f"{r.rank} {r.risk_label}" for r in b.itertuples())
                 + f". Moves from {then} to {now}: " + "; ".join(moves) + ".",
        data=risk_data.edition_rows(italy, [then, now]),
        note=unpublished + f"Ranks {risk_data.unknown_ranks(italy, now)} of {now} are not available. "
             "Hover a point for the note on its row.",
    )


def _ranking_panel(rows: pd.DataFrame, order: list[str]) -> alt.LayerChart:
    """One edition's ranking as labelled points (the newest edition among ``rows``)."""
    rows = risk_data.ranking(rows, int(rows.edition.max()))
    rows["label"] = rows.risk_label + rows.tied.map({True: " (tied)", False: ""})
    y = alt.Y("y:Q", title="Rank in Italy (1 = most feared)", scale=_rank_axis(rows),
              axis=alt.Axis(values=list(range(1, int(rows["rank"].max()) + 1))))
    x = alt.X("pos:Q", axis=None, scale=alt.Scale(domain=[0, 10]))
    tips = tooltip(("edition", "Edition", None), ("rank", "Rank in Italy", None), ("risk_label", "Risk", None),
                   ("share_label", "Share of responses", None), ("status_label", "Status", None), NOTE_TIP)
    base = alt.Chart(drawn(rows)).transform_calculate(pos="1")
    known = base.transform_filter(alt.datum.known).mark_point(filled=True, size=90).encode(
        x=x, y=y, color=alt.Color("risk:N", scale=_colour_scale(order), sort=order, legend=None), tooltip=tips)
    gap = base.transform_filter(~alt.datum.known).mark_point(filled=False, size=90, color=MUTED).encode(
        x=x, y=y, tooltip=tips)
    text = base.mark_text(align="left", dx=10, fontSize=11).encode(
        x=x, y=y, text="label:N", color=alt.condition(alt.datum.known, alt.value("#222"), alt.value("#777")))
    return alt.layer(known, gap, text)


# --- how stable are the rankings? ------------------------------------------------------------------


def stability_chart(result: pd.DataFrame, italy: pd.DataFrame, glob: pd.DataFrame) -> alt.LayerChart:
    """Tau-b per pair of editions (with how many risks it rests on) and the pooled tau with its interval."""
    data = result.copy()
    data["label"] = [(f"n = {n}" if p != "all pairs" else f"{n} risk comparisons") if c
                     else f"n = {n}: not comparable" for n, c, p in zip(data.n_risks, data.comparable, data.pair)]
    data["tau_plot"] = data[["tau", "ci_high"]].max(axis=1).fillna(0)
    data["row"] = data.scope + ": " + data.pair
    tips = tooltip(("scope", "Ranking", None), ("pair", "Editions", None), ("n_risks", "Risks ranked in both", None),
                   ("risks", "Risks compared", None), ("tau", "Kendall tau-b", ".2f"),
                   ("p_value", "One-sided exact p-value", ".3f"), ("min_p", "Smallest p-value possible", ".3f"),
                   ("mean_abs_shift", "Mean shift (places)", ".1f"), ("ci_low", "95% bootstrap low", ".2f"),
                   ("ci_high", "95% bootstrap high", ".2f"))
    tau_scale = alt.Scale(domain=[-1, 1])
    base = alt.Chart(data).encode(y=alt.Y("row:N", title=None, sort=list(data.row)))
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=MUTED).encode(x="x:Q")
    ci = base.transform_filter("isValid(datum.ci_low)").mark_rule(strokeWidth=2, color="#000").encode(
        x=alt.X("ci_low:Q", scale=tau_scale), x2="ci_high:Q")
    pooled_mark = alt.datum.pair == "all pairs"
    dots = base.transform_filter(alt.datum.comparable).mark_point(filled=True, opacity=1).encode(
        x=alt.X("tau:Q", title="Kendall's tau-b between the two editions (-1 reversed, 0 unrelated, 1 same order)",
                scale=tau_scale),
        color=alt.Color("scope:N", title="Ranking", scale=alt.Scale(domain=["Italy", "World"], range=PALETTE[:2])),
        shape=alt.condition(pooled_mark, alt.value("diamond"), alt.value("circle")),
        size=alt.condition(pooled_mark, alt.value(160), alt.value(80)), tooltip=tips)
    text = base.mark_text(align="left", dx=8, fontSize=10, color="#444").encode(
        x=alt.X("tau_plot:Q", scale=tau_scale), text="label:N", tooltip=tips)
    pooled = result[result.pair == "all pairs"].set_index("scope")
    tested = result[(result.pair != "all pairs") & result.comparable]
    verb = "mostly keep" if (pooled.tau > 0.5).all() else "partly keep" if (pooled.tau > 0).all() else "do not keep"
    return finish(
        (zero + ci + dots + text).properties(height=22 * len(data), width=470), name="risk-rank-stability",
        title=f"Consecutive editions {verb} the order of the risks they share (pooled tau "
              + ", ".join(f"{s} {pooled.tau[s]:.2f}" for s in pooled.index) + ")",
        subtitle="Kendall's tau-b between consecutive editions over the risks ranked in both top 10s; diamonds: "
                 "all pairs pooled, with a 95% bootstrap interval",
        alt_text="Dot chart of Kendall's tau-b between consecutive Allianz Risk Barometer editions: "
                 + "; ".join(f"{r.scope} {r.pair} " + (f"tau {r.tau:.2f} over {r.n_risks} risks" if r.comparable
                                                      else f"not comparable ({r.n_risks} risks in both)")
                             for r in data.itertuples())
                 + ". Pooled: " + "; ".join(f"{s} {pooled.tau[s]:.2f} (95% interval {pooled.ci_low[s]:.2f} to "
                                            f"{pooled.ci_high[s]:.2f})" for s in pooled.index) + ".",
        data=[risk_data.paired_rows(italy), risk_data.paired_rows(glob)],
        note=f"Each tested pair rests on {tested.n_risks.min()} to {tested.n_risks.max()} risks; the smallest "
             f"p-value a single pair can reach is {tested.min_p.min():.2g} to {tested.min_p.max():.2g}.",
    )
