"""Risks and risk management (chapter 3): the Allianz Risk Barometer and the thesis's concept figures.

The Allianz files (``allianz_italy``, ``allianz_global``) hold one row per top-10 slot and edition.
A verified rank may have no published share (empty ``value``), and a slot whose risk was not found
is a ``(unknown)`` row with status ``not_found``. Nothing here fills either gap: charts show a known
rank without a share as a hollow mark, and an unknown slot as "not available".
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from . import charts, datasets, tables
from .charts import MUTED, PALETTE, finish, tooltip

UNKNOWN = "(unknown)"
NOT_AVAILABLE = "not available"
#: The risks the thesis names when it reads its Table 6 (§3.1), in the colours every chart uses.
THESIS_RISKS = ["Business interruption", "Cyber incidents", "Loss of reputation or brand value",
                "Natural catastrophes", "Macroeconomic developments"]
RISK_COLOURS = dict(zip(THESIS_RISKS, [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[5], PALETTE[3]]))
#: The two axes the thesis names for its risk matrix (Table 7): "crossing the likelihood of the risk,
#: and the risk impact on the objectives" (thesis line 2655, kept in the risk_matrix note).
MATRIX_AXES = ("likelihood of the risk", "impact on the objectives")
#: Short names for direct labels on crowded charts (tooltips and legends keep Allianz's full names).
SHORT = {"Business interruption": "Business interruption", "Cyber incidents": "Cyber",
         "Loss of reputation or brand value": "Reputation", "Natural catastrophes": "Natural catastrophes",
         "Macroeconomic developments": "Macroeconomic", "Changes in legislation and regulation": "Legislation",
         "Product recall, quality management, serial defects": "Product recall",
         "Political risks and violence": "Political risks", "Shortage of skilled workforce": "Skilled workforce",
         "Pandemic outbreak": "Pandemic", "Power blackout": "Blackout", "Market developments": "Market",
         "Fire, explosion": "Fire"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
            8: "eighth", 9: "ninth", 10: "tenth"}


def ordinal(n: int) -> str:
    """'fourth' for 4: for prose glued from the data."""
    return ORDINALS.get(int(n), f"{int(n)}th")


def _ranges(numbers) -> str:
    """[5, 6, 7, 9] -> '5-7, 9'."""
    nums = sorted(set(int(n) for n in numbers))
    parts, start = [], None
    for i, n in enumerate(nums):
        if start is None:
            start = n
        if i + 1 == len(nums) or nums[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


def _risk_order(allianz: pd.DataFrame) -> list[str]:
    """Named risks: the thesis's five first, then the others by their best rank."""
    named = allianz[allianz.risk != UNKNOWN]
    others = named[~named.risk.isin(THESIS_RISKS)].groupby("risk")["rank"].min().sort_values(kind="stable")
    return [r for r in THESIS_RISKS if r in set(named.risk)] + list(others.index)


def _colour_scale(order: list[str]) -> alt.Scale:
    return alt.Scale(domain=order, range=[RISK_COLOURS.get(r, MUTED) for r in order])


# --- one edition ---------------------------------------------------------------------------

def ranking(allianz: pd.DataFrame, edition: int) -> pd.DataFrame:
    """The top-10 rows of one edition in rank order, with labels; unknown slots say 'not available'."""
    rows = datasets.subset(allianz, allianz.edition == edition)
    if rows.empty:
        raise KeyError(f"no rows for edition {edition}")
    rows["known"] = rows.risk != UNKNOWN
    rows["risk_label"] = rows.risk.where(rows.known, NOT_AVAILABLE)
    rows["status_label"] = charts.status_label(rows.status)
    rows["share_label"] = rows.value.map(lambda v: "not published" if pd.isna(v) else f"{v:.0f}%")
    rows = rows.sort_values(["rank", "known"], ascending=[True, False], kind="stable")
    # Tied ranks: keep them apart on a chart without changing the rank a reader is told.
    rows["tie_size"] = rows.groupby("rank")["rank"].transform("size")
    rows["tie_index"] = rows.groupby("rank").cumcount()
    rows["y"] = rows["rank"] + (rows.tie_index - (rows.tie_size - 1) / 2) * 0.4
    rows["tied"] = rows.tie_size > 1
    rows["row_label"] = [f"{r}. {lab}" + (" (tied)" if t else "") for r, lab, t in
                         zip(rows["rank"], rows.risk_label, rows.tied)]
    return rows


def rank_of(allianz: pd.DataFrame, edition: int, risk: str) -> int:
    rows = allianz[(allianz.edition == edition) & (allianz.risk == risk)]
    if rows.empty:
        raise KeyError(f"{risk} has no known rank in edition {edition}")
    return int(rows["rank"].iloc[0])


def share_of(allianz: pd.DataFrame, edition: int, risk: str) -> float:
    rows = allianz[(allianz.edition == edition) & (allianz.risk == risk)]
    if rows.empty or pd.isna(rows.value.iloc[0]):
        raise KeyError(f"no published share for {risk} in edition {edition}")
    return float(rows.value.iloc[0])


def editions_of(allianz: pd.DataFrame, risk: str) -> list[int]:
    """The editions in which ``risk`` has a known top-10 rank."""
    return sorted(int(e) for e in allianz.loc[allianz.risk == risk, "edition"].unique())


def place(allianz: pd.DataFrame, edition: int, risk: str) -> str:
    """'fourth', or 'tied fourth' when another risk shares the rank."""
    rank = rank_of(allianz, edition, risk)
    shared = ((allianz.edition == edition) & (allianz["rank"] == rank)).sum() > 1
    return ("tied " if shared else "") + ordinal(rank)


def prose_numbers(italy: pd.DataFrame, world: pd.DataFrame, edition: int = 2020) -> dict[str, object]:
    """The numbers §3.1's text quotes about Allianz, read from the data (for myst_nb.glue)."""
    macro = "Macroeconomic developments"
    seen = editions_of(italy, macro)
    return {
        "it_bi_share": share_of(italy, edition, "Business interruption"),
        "it_nc_place": place(italy, edition, "Natural catastrophes"),
        "it_nc_share": share_of(italy, edition, "Natural catastrophes"),
        "it_missing": unknown_ranks(italy, edition),
        "gl_macro_place": place(world, edition, macro),
        "it_macro_first": seen[0],
        "it_macro_first_place": place(italy, seen[0], macro),
        "it_macro_next": [e for e in seen if e > edition][0],
    }


def unknown_ranks(allianz: pd.DataFrame, edition: int) -> str:
    """The slots of an edition's top 10 whose risk was not found, e.g. '5-10' or '7 (tie), 10'."""
    rows = allianz[allianz.edition == edition]
    if rows.empty:
        return "all"
    known = set(rows.loc[rows.risk != UNKNOWN, "rank"])
    unknown = sorted(set(rows.loc[rows.risk == UNKNOWN, "rank"]))
    if not unknown:
        return "none"
    if len(unknown) == 10:
        return "all"
    plain = [r for r in unknown if r not in known]
    tied = [r for r in unknown if r in known]
    parts = ([_ranges(plain)] if plain else []) + [f"{r} (tie)" for r in tied]
    return ", ".join(sorted(parts, key=lambda p: int(p.split("-")[0].split(" ")[0].rstrip(","))))


def table6(italy: pd.DataFrame, edition: int = 2020) -> tables.Table:
    """The thesis's Table 6: Italy's top 10 of one edition, every slot shown, gaps as 'not available'."""
    rows = ranking(italy, edition)
    missing = unknown_ranks(italy, edition)
    return tables.table(
        rows,
        [tables.Column("rank", "Rank", "{:.0f}"), tables.Column("risk_label", "Risk (Allianz category)"),
         tables.Column("value", "Share of responses (%)", "{:.0f}")],
        caption=f"Table 6. Top 10 business risks in Italy, Allianz Risk Barometer {edition}",
        note=f"Ranks {missing}: not available. The Italian release, as reproduced by every outlet found, "
             f"names only ranks {_ranges(rows.loc[rows.known, 'rank'])}; the thesis's own table was an image. "
             + _sum_note(rows),
    )


def _sum_note(rows: pd.DataFrame) -> str:
    total = rows.value.sum()
    return (f"The published shares already add up to {total:.0f}%: a respondent could name more than one risk."
            if total > 100 else "")


def table6_chart(italy: pd.DataFrame, edition: int = 2020) -> alt.Chart:
    """Italy's top 10 as a bar chart of shares; slots not found are drawn as 'not available' rows."""
    rows = ranking(italy, edition)
    order = list(rows.row_label)
    top = rows.iloc[0]
    nat_rank, nat_share = rank_of(italy, edition, "Natural catastrophes"), share_of(italy, edition, "Natural catastrophes")
    missing = unknown_ranks(italy, edition)
    status_order = [s for s in charts.STATUS_ORDER if s in set(rows.status_label)]
    colour = alt.Color("status_label:N", title="Status", sort=status_order,
                       scale=alt.Scale(domain=status_order,
                                       range=[MUTED if s == NOT_AVAILABLE else charts.FOCUS for s in status_order]))
    tips = tooltip(("rank", "Rank", None), ("risk_label", "Risk", None),
                   ("share_label", "Share of responses", None), ("status_label", "Status", None))
    base = alt.Chart(rows).encode(y=alt.Y("row_label:N", title=None, sort=order))
    bars = base.transform_filter(alt.datum.known).mark_bar().encode(
        x=alt.X("value:Q", title="Share of responses (%)", scale=alt.Scale(domain=[0, 60])),
        color=colour, tooltip=tips)
    labels = base.transform_filter(alt.datum.known).mark_text(align="left", dx=3, fontSize=11).encode(
        x="value:Q", text=alt.Text("value:Q", format=".0f"))
    gaps = base.transform_filter(~alt.datum.known).mark_point(shape="circle", filled=False, size=60).encode(
        x=alt.datum(0), color=colour, tooltip=tips)
    gap_text = base.transform_filter(~alt.datum.known).mark_text(
        align="left", dx=9, fontSize=11, fontStyle="italic", color="#555").encode(
        x=alt.datum(0), text=alt.value("risk and share not found"))
    return finish(
        (bars + labels + gaps + gap_text).properties(height=300),
        title=f"{top.risk} led Italy's {edition} ranking with {top.value:.0f}% of responses; "
              f"ranks {missing} are not available",
        subtitle=f"Top 10 business risks in Italy, Allianz Risk Barometer {edition}: share of responses (%); "
                 "respondents could name more than one risk",
        alt_text=f"Bar chart of Italy's top 10 business risks in the Allianz Risk Barometer {edition}: "
                 + "; ".join(f"rank {r.rank} {r.risk} {r.value:.0f}%" for r in rows[rows.known].itertuples())
                 + f"; ranks {missing} are shown as not available because no source gives them.",
        data=italy,
        note=f"The thesis calls the first risk 'supply chain disruption' (Allianz: business interruption, incl. "
             f"supply chain disruption) and says natural catastrophes moved 'to the bottom of the list'; the "
             f"source puts them {ordinal(nat_rank)} with {nat_share:.0f}%. The thesis's 'new category' of "
             f"macroeconomic developments cannot be checked, because ranks {missing} were not found.",
    )


# --- editions over time ------------------------------------------------------------------------

def known_ranks(allianz: pd.DataFrame) -> pd.DataFrame:
    """Every named risk with its rank per edition (rows with a known risk only), for rank charts."""
    parts = [ranking(allianz, e) for e in sorted(allianz.edition.unique())]
    out = pd.concat(parts, ignore_index=True)
    out = out[out.known].copy()
    out["edition_label"] = out.edition.astype(str)
    return datasets.with_provenance(out, allianz)


def segments(points: pd.DataFrame, column: str = "rank") -> pd.DataFrame:
    """Line pieces joining a risk's values in consecutive editions only: a missing edition leaves a gap."""
    pts = points[points[column].notna()]
    pieces = []
    for risk, sub in pts.groupby("risk"):
        sub = sub.sort_values("edition")
        for (_, a), (_, b) in zip(sub.iterrows(), sub.iloc[1:].iterrows()):
            if b.edition == a.edition + 1:
                seg = f"{risk}|{a.edition}"
                pieces += [dict(a, segment=seg), dict(b, segment=seg)]
    out = pd.DataFrame(pieces, columns=list(points.columns) + ["segment"])
    return datasets.with_provenance(out, points)


def gap_labels(allianz: pd.DataFrame, editions) -> pd.DataFrame:
    """One line per edition saying which top-10 slots are not available."""
    return pd.DataFrame({"edition_label": [str(e) for e in editions],
                         "gap": [unknown_ranks(allianz, e) for e in editions]})


def bump_chart(italy: pd.DataFrame, first: int = 2017, last: int | None = None) -> alt.Chart:
    """Italy's rank per risk across editions: lines only between consecutive known ranks; gaps stated."""
    last = last or int(italy.edition.max())
    editions = list(range(first, last + 1))
    points = known_ranks(datasets.subset(italy, italy.edition.between(first, last)))
    lines = segments(points, "y")
    order = _risk_order(points)
    gaps = gap_labels(italy, editions)
    gaps["text"] = ["not found:\n" + g for g in gaps.gap]
    labels = [str(e) for e in editions]
    sel = alt.selection_point(fields=["risk"], bind="legend")
    fade = alt.when(sel).then(alt.value(1.0)).otherwise(alt.value(0.12))
    x = alt.X("edition_label:O", title="Edition of the Allianz Risk Barometer (year published)",
              scale=alt.Scale(domain=labels), axis=alt.Axis(labelAngle=0))
    y = alt.Y("y:Q", title="Rank in Italy (1 = most feared)",
              scale=alt.Scale(domain=[11.9, 0.5], nice=False, zero=False),
              axis=alt.Axis(values=list(range(1, 11)), grid=True))
    colour = alt.Color("risk:N", title="Risk (click to highlight)", scale=_colour_scale(order),
                       sort=order, legend=alt.Legend(columns=2, symbolLimit=0, labelLimit=260))
    tips = tooltip(("risk", "Risk", None), ("edition", "Edition", None), ("rank", "Rank in Italy", None),
                   ("share_label", "Share of responses", None), ("status_label", "Status", None))
    line = alt.Chart(lines).mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, detail="segment:N", opacity=fade).add_params(sel)
    dots = alt.Chart(points).mark_point(filled=True, size=70).encode(
        x=x, y=y, color=colour, opacity=fade, tooltip=tips,
        shape=alt.Shape("status_label:N", title="Status",
                        sort=[s for s in charts.STATUS_ORDER if s in set(points.status_label)]))
    gap_text = alt.Chart(gaps).mark_text(fontSize=10, color="#555", lineBreak="\n", baseline="top").encode(
        x=x, y=alt.datum(10.75), text="text:N")
    ends = points.sort_values("edition").groupby("risk", sort=False).tail(1).copy()
    ends["short"] = ends.risk.map(lambda r: SHORT.get(r, r))
    end_text = alt.Chart(ends).mark_text(align="left", dx=7, fontSize=9, color="#333").encode(
        x=x, y=y, text="short:N", opacity=fade)
    run = _top_two_run(italy, editions)
    title = (f"Since {run[0]}, {run[2][0].lower()} and {run[2][1].lower()} have held Italy's top two places "
             "in every edition found" if run else "Italy's top risks changed from edition to edition")
    first_seen = _first_seen(points)
    return finish(
        (line + dots + end_text + gap_text).properties(height=380, width=560),
        title=title,
        subtitle=f"Rank of each risk in Italy, Allianz Risk Barometer editions {first}-{last}; a line joins "
                 "ranks in consecutive editions only, so a gap means the rank is not known",
        alt_text=f"Rank chart of Italy's top business risks in the Allianz Risk Barometer, editions {first} to "
                 f"{last}. " + " ".join(
                     f"{risk}: " + ", ".join(f"{r.rank} in {r.edition}" for r in sub.sort_values('edition').itertuples()) + "."
                     for risk, sub in points.groupby("risk", sort=False))
                 + " Ranks not found: " + "; ".join(f"{g.edition_label} {g.gap}" for g in gaps.itertuples()) + ".",
        data=italy,
        note="Ranks within the top 10 only: a risk missing from an edition is either below 10th or in a slot "
             "that was not found (listed under each edition). "
             + (f"Macroeconomic developments were already in Italy's top 10 in {first_seen['Macroeconomic developments']}, "
                "so the thesis's 'new category' in 2020 is doubtful. " if "Macroeconomic developments" in first_seen else "")
             + "2019's rank for reputation is derived from the 2020 release ('two places' up to 3rd). Sources "
               "disagree on Italy's 2023 ranks 8 and 10 (fire or political risks); the chart follows the ordered "
               "2023 list. Labels sit at each risk's last known rank.",
    )


def _first_seen(points: pd.DataFrame) -> dict[str, int]:
    return points.groupby("risk").edition.min().astype(int).to_dict()


def _top_two_run(allianz: pd.DataFrame, editions) -> tuple[int, int, list[str]] | None:
    """The latest run of editions (skipping editions with no data) whose top two are the same two risks."""
    found = []
    for e in editions:
        rows = allianz[(allianz.edition == e) & (allianz["rank"] <= 2)]
        if rows.empty or (rows.risk == UNKNOWN).all():
            continue
        found.append((e, frozenset(rows.risk) if UNKNOWN not in set(rows.risk) and len(rows) == 2 else None))
    if not found or found[-1][1] is None:
        return None
    pair, start = found[-1][1], found[-1][0]
    for e, s in reversed(found):
        if s != pair:
            break
        start = e
    if start == found[-1][0]:
        return None
    names = sorted(pair, key=lambda r: THESIS_RISKS.index(r) if r in THESIS_RISKS else 99)
    return start, found[-1][0], names


def global_top10_chart(glob: pd.DataFrame, italy: pd.DataFrame, edition: int = 2020) -> alt.Chart:
    """The global top 10 of one edition, with Italy's share beside it where Italy's rank is known."""
    rows = ranking(glob, edition)
    if not rows.known.all() or rows.value.isna().any():
        raise ValueError(f"the global {edition} top 10 is not complete in the data")
    it = ranking(italy, edition)
    it = it[it.known & it.value.notna()][["risk", "rank", "value"]].rename(
        columns={"rank": "italy_rank", "value": "italy_value"})
    rows = rows.merge(it, on="risk", how="left")
    known = _ranges(it["italy_rank"])
    rows["italy_label"] = [f"{v:.0f}% (rank {int(r)})" if pd.notna(v) else f"not among Italy's known ranks ({known})"
                           for v, r in zip(rows.italy_value, rows.italy_rank)]
    rows["series"] = f"World {edition}"
    order = list(rows.row_label)
    tips = tooltip(("rank", "Global rank", None), ("risk", "Risk", None), ("value", "Global share (% of responses)", ".0f"),
                   ("italy_label", f"Italy {edition}", None), ("status_label", "Status (global)", None))
    base = alt.Chart(rows).encode(y=alt.Y("row_label:N", title=None, sort=order))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title="Share of responses (%)", scale=alt.Scale(domain=[0, 60])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=[charts.FOCUS]),
                        legend=alt.Legend(symbolType="square")), tooltip=tips)
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(x="value:Q", text=alt.Text("value:Q", format=".0f"))
    italy_rows = rows[rows.italy_value.notna()].assign(italy_series=f"Italy {edition} (ranks {known} known)")
    ticks = alt.Chart(italy_rows).mark_point(shape="diamond", filled=True, size=110, color="#000000", opacity=1).encode(
        y=alt.Y("row_label:N", sort=order), x="italy_value:Q", tooltip=tips,
        shape=alt.Shape("italy_series:N", title=None, scale=alt.Scale(range=["diamond"])))
    top = rows.iloc[0]
    macro = rows[rows.risk == "Macroeconomic developments"]
    note = (f"Italian shares (black diamonds) are shown for Italy's known ranks ({known}) only; Italy's ranks "
            f"{unknown_ranks(italy, edition)} were not found.")
    if not macro.empty:
        m = macro.iloc[0]
        note += (f" Macroeconomic developments, the thesis's 'new category', were {ordinal(m['rank'])} "
                 f"globally with {m.value:.0f}%.")
    it_only = rows[rows.italy_value.notna()].sort_values("italy_rank")
    return finish(
        (bars + labels + ticks).properties(height=300).resolve_scale(shape="independent"),
        title=f"{top.risk} topped the global list in {edition} with {top.value:.0f}% of responses",
        subtitle=f"Top 10 global business risks, Allianz Risk Barometer {edition}, share of responses (%); "
                 "diamonds: share in Italy where known",
        alt_text=f"Bar chart of the global top 10 business risks in the Allianz Risk Barometer {edition}: "
                 + "; ".join(f"{r.rank} {r.risk} {r.value:.0f}%" for r in rows.itertuples())
                 + ". Italy's shares, where known: "
                 + "; ".join(f"{r.risk} {r.italy_value:.0f}% (rank {int(r.italy_rank)} in Italy)" for r in it_only.itertuples()) + ".",
        data=[glob, italy],
        note=note,
    )


def headline_shares(glob: pd.DataFrame, top: int = 3, min_shares: int = 2) -> pd.DataFrame:
    """Shares across editions for risks ranked in the global top ``top`` at least once, with enough shares."""
    pts = known_ranks(glob)
    leaders = set(pts.loc[pts["rank"] <= top, "risk"])
    counts = pts[pts.value.notna()].groupby("risk").size()
    keep = [r for r in leaders if counts.get(r, 0) >= min_shares]
    out = datasets.subset(pts, pts.risk.isin(keep))
    out["has_share"] = out.value.notna()
    return out


def headline_chart(glob: pd.DataFrame, editions: pd.DataFrame, top: int = 3) -> alt.Chart:
    """Global shares of responses for the leading risks, edition by edition; missing shares marked."""
    data = headline_shares(glob, top)
    resp = editions[editions.measure == "respondents"].set_index("edition").value
    data["respondents"] = data.edition.map(lambda e: f"{resp[e]:,.0f}" if pd.notna(resp.get(e)) else NOT_AVAILABLE)
    order = [r for r in _risk_order(data)]
    years = sorted(glob.edition.unique())
    labels = [str(e) for e in years]
    shares = data[data.has_share]
    lines = segments(shares, "value")
    x = alt.X("edition_label:O", title="Edition of the Allianz Risk Barometer", scale=alt.Scale(domain=labels),
              axis=alt.Axis(labelAngle=0))
    colour = alt.Color("risk:N", title="Risk", scale=_colour_scale_global(order), sort=order,
                       legend=alt.Legend(columns=2))
    tips = tooltip(("risk", "Risk", None), ("edition", "Edition", None), ("rank", "Global rank", None),
                   ("share_label", "Share of responses", None), ("respondents", "Respondents in the edition", None),
                   ("status_label", "Status", None))
    y = alt.Y("value:Q", title="Share of responses (%)", scale=alt.Scale(domain=[0, 50]))
    line = alt.Chart(lines).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, detail="segment:N")
    dots = alt.Chart(shares).mark_point(filled=True, size=60, opacity=1).encode(x=x, y=y, color=colour, tooltip=tips)
    missing = datasets.subset(data, ~data.has_share)
    missing["text"] = "rank " + missing["rank"].astype(str)
    strip_y = alt.Y("risk:N", title="Rank known, share not published", sort=order,
                    axis=alt.Axis(titleAngle=0, titleAlign="left", titleY=-8, titleX=0, labelLimit=220))
    strip = alt.Chart(missing).mark_point(filled=False, size=60, strokeWidth=1.5, opacity=1).encode(
        x=x, y=strip_y, color=alt.Color("risk:N", scale=_colour_scale_global(order), sort=order, legend=None),
        tooltip=tips)
    strip_text = alt.Chart(missing).mark_text(dx=8, align="left", fontSize=10).encode(
        x=x, y=alt.Y("risk:N", sort=order), text="text:N")
    lead = shares.groupby("risk").size().sort_values(ascending=False).index[0]
    lead_rows = shares[shares.risk == lead]
    upper = (alt.layer(line, dots).properties(height=280, width=500))
    lower = alt.layer(strip, strip_text).properties(height=22 * max(1, missing.risk.nunique()), width=500)
    low_resp, high_resp = resp.dropna().min(), resp.dropna().max()
    return finish(
        alt.vconcat(upper, lower, spacing=18).resolve_scale(x="shared"),
        title=f"{lead} drew {lead_rows.value.min():.0f}-{lead_rows.value.max():.0f}% of responses in every "
              f"edition {lead_rows.edition.min()}-{lead_rows.edition.max()}",
        subtitle=f"Share of responses (%) in the global Allianz Risk Barometer for risks ranked in the top {top} at "
                 f"least once; {low_resp:,.0f} to {high_resp:,.0f} respondents per edition where known",
        alt_text="Line chart of global shares of responses by edition: "
                 + " ".join(f"{risk}: " + ", ".join(f"{r.value:.0f}% in {r.edition}" for r in sub.itertuples()) + "."
                            for risk, sub in shares.sort_values("edition").groupby("risk", sort=False))
                 + " Rank known but share not published: "
                 + "; ".join(f"{r.risk} {r.edition} (rank {r.rank})" for r in missing.itertuples()) + ".",
        data=[glob, editions],
        note="The panel of respondents changes every edition and no margin of error is given in the sources "
             "consulted, so a change of a few points may be noise. Lines join consecutive editions only."
             + _overlap_note(shares),
    )


def _overlap_note(shares: pd.DataFrame) -> str:
    same = shares.groupby(["edition", "value"]).risk.apply(list)
    same = same[same.map(len) > 1]
    return "".join(f" In {e}, {' and '.join(r.lower() for r in risks)} both drew {v:.0f}%, so their points overlap."
                   for (e, v), risks in same.items())


def _colour_scale_global(order: list[str]) -> alt.Scale:
    spare = [PALETTE[4], PALETTE[7], PALETTE[6]]
    colours, k = [], 0
    for r in order:
        if r in RISK_COLOURS:
            colours.append(RISK_COLOURS[r])
        else:
            colours.append(spare[k % len(spare)])
            k += 1
    return alt.Scale(domain=order, range=colours)


# --- then and now ------------------------------------------------------------------------------

def then_and_now(italy: pd.DataFrame, cutoff: int = 2021) -> tuple[int, int]:
    """The newest edition a reader had at ``cutoff`` and the newest edition in the data."""
    known = italy[italy.risk != UNKNOWN]
    then = int(known.loc[known.edition <= cutoff, "edition"].max())
    now = int(known.edition.max())
    return then, now


def ranking_panel(italy: pd.DataFrame, edition: int, order: list[str], heading: str) -> alt.LayerChart:
    rows = ranking(italy, edition)
    rows["panel"] = heading
    rows["label"] = [f"{lab}" + (" (tied)" if t else "") for lab, t in zip(rows.risk_label, rows.tied)]
    y = alt.Y("y:Q", title="Rank in Italy (1 = most feared)", scale=alt.Scale(domain=[10.6, 0.4], nice=False, zero=False),
              axis=alt.Axis(values=list(range(1, 11))))
    x = alt.X("pos:Q", axis=None, scale=alt.Scale(domain=[0, 10]))
    tips = tooltip(("edition", "Edition", None), ("rank", "Rank in Italy", None), ("risk_label", "Risk", None),
                   ("share_label", "Share of responses", None), ("status_label", "Status", None))
    base = alt.Chart(rows).transform_calculate(pos="1")
    known = base.transform_filter(alt.datum.known).mark_point(filled=True, size=90).encode(
        x=x, y=y, color=alt.Color("risk:N", scale=_colour_scale(order), sort=order, legend=None), tooltip=tips)
    gap = base.transform_filter(~alt.datum.known).mark_point(filled=False, size=90, color=MUTED).encode(
        x=x, y=y, tooltip=tips)
    text = base.mark_text(align="left", dx=10, fontSize=11).encode(
        x=x, y=y, text="label:N",
        color=alt.condition(alt.datum.known, alt.value("#222"), alt.value("#777")))
    return alt.layer(known, gap, text).properties(width=250, height=380, title=heading)


def then_and_now_chart(italy: pd.DataFrame, cutoff: int = 2021) -> alt.HConcatChart:
    """Italy's ranking as of the ``cutoff`` edition beside the newest edition, on one rank scale."""
    then, now = then_and_now(italy, cutoff)
    order = _risk_order(italy)
    left = ranking_panel(italy, then, order, f"{then} edition (what the thesis could see)")
    right = ranking_panel(italy, now, order, f"{now} edition (newest in the data)")
    lead = lambda e: " and ".join(r.lower() for r in ranking(italy, e).query("known and rank == 1").risk)
    a, b = ranking(italy, then), ranking(italy, now)
    moves = []
    for r in b[b.known].itertuples():
        old = a[(a.risk == r.risk)]
        moves.append(f"{r.risk} {old['rank'].iloc[0]} to {r.rank}" if not old.empty else f"{r.risk} new at {r.rank}")
    title = lead(then).capitalize() + f" led Italy's {then} ranking; in {now} " + lead(now) + " shared first place" \
        if len(b.query("known and rank == 1")) > 1 else \
        lead(then).capitalize() + f" led Italy's {then} ranking; in {now}, " + lead(now)
    return finish(
        alt.hconcat(left, right, spacing=40).resolve_scale(y="shared"),
        title=title,
        subtitle=f"Top 10 business risks in Italy, Allianz Risk Barometer: the {then} edition beside the {now} edition; "
                 "hollow grey marks: slots whose risk was not found",
        alt_text=f"Two ranked lists of Italy's top 10 business risks. {then}: "
                 + "; ".join(f"{r.rank} {r.risk_label}" for r in a.itertuples())
                 + f". {now}: " + "; ".join(f"{r.rank} {r.risk_label}" for r in b.itertuples())
                 + ". Moves from " + str(then) + " to " + str(now) + ": " + "; ".join(moves) + ".",
        data=italy,
        note=f"No shares are published for Italy in either edition. Ranks {unknown_ranks(italy, now)} of {now} "
             f"are not available. Some {then} ranks are inferred from the order in which the release lists the risks.",
    )


# --- how stable are the rankings? ------------------------------------------------------------------

def rank_pairs(allianz: pd.DataFrame) -> pd.DataFrame:
    """Risks with a known rank in two consecutive editions: one row per risk and pair of editions."""
    known = allianz[allianz.risk != UNKNOWN][["edition", "risk", "rank"]]
    rows = []
    editions = sorted(allianz.edition.unique())
    for a, b in zip(editions, editions[1:]):
        if b != a + 1:
            continue
        both = known[known.edition == a].merge(known[known.edition == b], on="risk", suffixes=("_from", "_to"))
        rows.append(both.assign(pair=f"{a}-{b}", edition_from=a, edition_to=b)
                    if not both.empty else pd.DataFrame({"pair": [f"{a}-{b}"], "edition_from": [a], "edition_to": [b]}))
    out = pd.concat(rows, ignore_index=True)
    return out[["pair", "edition_from", "edition_to", "risk", "rank_from", "rank_to"]]


def kendall_s(x, y) -> int:
    """Kendall's S: concordant minus discordant pairs (tied pairs count zero)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    sx = np.sign(x[:, None] - x[None, :])
    sy = np.sign(y[:, None] - y[None, :])
    return int(np.triu(sx * sy, 1).sum())


def _tau_b_denominator(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    n0 = len(x) * (len(x) - 1) / 2
    tx = sum(c * (c - 1) / 2 for c in Counter(x).values())
    ty = sum(c * (c - 1) / 2 for c in Counter(y).values())
    return math.sqrt((n0 - tx) * (n0 - ty))


def null_distribution(x, y) -> dict[int, float]:
    """Exact distribution of S when y's ranks are assigned to the risks at random (every permutation)."""
    counts = Counter(kendall_s(x, perm) for perm in itertools.permutations(y))
    total = sum(counts.values())
    return {s: c / total for s, c in sorted(counts.items())}


def _convolve(dists: list[dict[int, float]]) -> dict[int, float]:
    out = {0: 1.0}
    for d in dists:
        nxt: dict[int, float] = {}
        for s1, p1 in out.items():
            for s2, p2 in d.items():
                nxt[s1 + s2] = nxt.get(s1 + s2, 0.0) + p1 * p2
        out = nxt
    return out


def stability(allianz: pd.DataFrame, scope: str, n_boot: int = 5000, seed: int = 2021) -> pd.DataFrame:
    """Kendall's tau-b between consecutive editions, over risks ranked in both, plus a pooled estimate.

    Per pair of editions: tau-b and S over the n risks with a known rank in both top 10s; the
    one-sided p-value is exact: the share of all n! ways of assigning the second edition's ranks
    to the n risks that give an S at least as large. Pooled: the sum of S over pairs divided by the
    sum of the tau-b denominators; its p-value is exact (the pairs' null distributions convolved)
    and its 95% interval is a percentile bootstrap that resamples risks within each pair.
    """
    pairs = rank_pairs(allianz)
    rows, dists, data = [], [], []
    for pair, sub in pairs.groupby("pair", sort=True):
        sub = sub.dropna(subset=["risk"])
        n = len(sub)
        row = {"scope": scope, "pair": pair, "edition_from": int(sub.edition_from.iloc[0]) if n else int(pair[:4]),
               "edition_to": int(pair[-4:]), "n_risks": n, "risks": ", ".join(sub.risk) if n else ""}
        x, y = sub.rank_from.to_numpy(float), sub.rank_to.to_numpy(float)
        if n >= 3 and _tau_b_denominator(x, y) > 0:
            dist = null_distribution(x, y)
            s = kendall_s(x, y)
            row.update(tau=float(stats.kendalltau(x, y).statistic), s=s,
                       p_value=float(sum(p for v, p in dist.items() if v >= s - 1e-9)),
                       min_p=float(sum(p for v, p in dist.items() if v >= max(dist) - 1e-9)),
                       mean_abs_shift=float(np.abs(x - y).mean()))
            dists.append(dist)
            data.append((x, y))
        else:
            row.update(tau=np.nan, s=np.nan, p_value=np.nan, min_p=np.nan,
                       mean_abs_shift=float(np.abs(x - y).mean()) if n else np.nan)
        rows.append(row)
    out = pd.DataFrame(rows)
    if data:
        s_obs = sum(kendall_s(x, y) for x, y in data)
        denom = sum(_tau_b_denominator(x, y) for x, y in data)
        pooled = _convolve(dists)
        rng = np.random.default_rng(seed)
        boots = []
        for _ in range(n_boot):
            s_b, d_b = 0, 0.0
            for x, y in data:
                idx = rng.integers(0, len(x), len(x))
                s_b += kendall_s(x[idx], y[idx])
                d_b += _tau_b_denominator(x[idx], y[idx])
            if d_b > 0:
                boots.append(s_b / d_b)
        low, high = np.percentile(boots, [2.5, 97.5])
        out = pd.concat([out, pd.DataFrame([{
            "scope": scope, "pair": "all pairs", "edition_from": int(out.edition_from.min()),
            "edition_to": int(out.edition_to.max()), "n_risks": int(sum(len(x) for x, _ in data)),
            "risks": f"{len(data)} pairs of editions", "tau": s_obs / denom, "s": s_obs,
            "p_value": float(sum(p for v, p in pooled.items() if v >= s_obs - 1e-9)),
            "min_p": float(sum(p for v, p in pooled.items() if v >= max(pooled) - 1e-9)),
            "mean_abs_shift": float(np.mean(np.concatenate([np.abs(x - y) for x, y in data]))),
            "ci_low": float(low), "ci_high": float(high)}])], ignore_index=True)
    for col in ("ci_low", "ci_high"):
        if col not in out:
            out[col] = np.nan
    out["comparable"] = out.tau.notna()
    return out


def stability_both(italy: pd.DataFrame, glob: pd.DataFrame, n_boot: int = 5000) -> pd.DataFrame:
    return pd.concat([stability(italy, "Italy", n_boot), stability(glob, "World", n_boot)], ignore_index=True)


def stability_chart(result: pd.DataFrame, italy: pd.DataFrame, glob: pd.DataFrame) -> alt.Chart:
    """Tau-b per pair of editions (with how many risks it rests on) and the pooled tau with its interval."""
    data = result.copy()
    data["label"] = [(f"n = {n}" if p != "all pairs" else f"{n} risk comparisons") if c
                     else f"n = {n}: not comparable" for n, c, p in zip(data.n_risks, data.comparable, data.pair)]
    data["tau_plot"] = data[["tau", "ci_high"]].max(axis=1).fillna(0)
    data["row"] = data.scope + ": " + data.pair
    order = list(data.row)
    tips = tooltip(("scope", "Ranking", None), ("pair", "Editions", None), ("n_risks", "Risks ranked in both", None),
                   ("risks", "Risks compared", None), ("tau", "Kendall tau-b", ".2f"),
                   ("p_value", "One-sided exact p-value", ".3f"), ("min_p", "Smallest p-value possible", ".3f"),
                   ("mean_abs_shift", "Mean shift (places)", ".1f"), ("ci_low", "95% bootstrap low", ".2f"),
                   ("ci_high", "95% bootstrap high", ".2f"))
    base = alt.Chart(data).encode(y=alt.Y("row:N", title=None, sort=order))
    x = alt.X("tau:Q", title="Kendall's tau-b between the two editions (-1 reversed, 0 unrelated, 1 same order)",
              scale=alt.Scale(domain=[-1, 1]))
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=MUTED).encode(x="x:Q")
    ci = base.transform_filter("isValid(datum.ci_low)").mark_rule(strokeWidth=2, color="#000").encode(
        x=alt.X("ci_low:Q", scale=alt.Scale(domain=[-1, 1])), x2="ci_high:Q")
    dots = base.transform_filter(alt.datum.comparable).mark_point(filled=True, opacity=1).encode(
        x=x, color=alt.Color("scope:N", title="Ranking", scale=alt.Scale(domain=["Italy", "World"], range=[PALETTE[0], PALETTE[1]])),
        shape=alt.condition(alt.datum.pair == "all pairs", alt.value("diamond"), alt.value("circle")),
        size=alt.condition(alt.datum.pair == "all pairs", alt.value(160), alt.value(80)),
        tooltip=tips)
    text = base.mark_text(align="left", dx=8, fontSize=10, color="#444").encode(
        x=alt.X("tau_plot:Q", scale=alt.Scale(domain=[-1, 1])), text="label:N", tooltip=tips)
    pooled = result[result.pair == "all pairs"].set_index("scope")
    parts = [f"{s} {pooled.tau[s]:.2f}" for s in pooled.index]
    comp = result[(result.pair != "all pairs") & result.comparable]
    verb = ("mostly keep" if (pooled.tau > 0.5).all() else "partly keep" if (pooled.tau > 0).all()
            else "do not keep")
    return finish(
        (zero + ci + dots + text).properties(height=22 * len(data), width=470),
        title=f"Consecutive editions {verb} the order of the risks they share (pooled tau {', '.join(parts)})",
        subtitle="Kendall's tau-b between consecutive editions over the risks ranked in both top 10s; diamonds: "
                 "all pairs pooled, with a 95% bootstrap interval",
        alt_text="Dot chart of Kendall's tau-b between consecutive Allianz Risk Barometer editions: "
                 + "; ".join(f"{r.scope} {r.pair} " + (f"tau {r.tau:.2f} over {r.n_risks} risks" if r.comparable
                                                      else f"not comparable ({r.n_risks} risks in both)")
                             for r in data.itertuples())
                 + ". Pooled: " + "; ".join(f"{s} {pooled.tau[s]:.2f} (95% interval {pooled.ci_low[s]:.2f} to "
                                            f"{pooled.ci_high[s]:.2f})" for s in pooled.index) + ".",
        data=[italy, glob],
        note=f"Each pair rests on {comp.n_risks.min()} to {comp.n_risks.max()} risks, so no single pair can reach "
             "a small p-value. Risks that left the top 10 or sit in slots not found are not compared, which "
             "leaves out the largest moves.",
    )


# --- concept figures (the thesis's images, rebuilt from its prose) -----------------------------------

def _tree(frame: pd.DataFrame, top: str) -> pd.DataFrame:
    """Parents (group == top) each followed by their children, children marked with an arrow."""
    parents = frame[frame.group == top]
    parts = []
    for _, p in parents.iterrows():
        parts.append(p.to_frame().T.assign(label=p.risk_type, part_of=top))
        kids = frame[frame.group == p.risk_type]
        parts.append(kids.assign(label="↳ " + kids.risk_type, part_of=kids.group))
    return datasets.with_provenance(pd.concat(parts, ignore_index=True), frame)


def risk_types_table(risk_types: pd.DataFrame) -> tables.Table:
    data = _tree(risk_types, "Business risk")
    return tables.table(
        data, [tables.Column("label", "Type of risk"), tables.Column("description", "What it covers (paraphrase)"),
               tables.Column("quote", "The thesis's words")],
        caption="Image 5. Types of business risk, as the thesis classifies them (after Assolombarda)",
        note="The thesis's Image 5 is not in its text; the table is rebuilt from the prose that describes it. "
             "Sub-types (↳) belong to the type above them.",
    )


def international_risks_table(international: pd.DataFrame) -> tables.Table:
    data = _tree(international, "International business risk")
    return tables.table(
        data, [tables.Column("label", "Risk"), tables.Column("description", "What it covers (paraphrase)"),
               tables.Column("quote", "The thesis's words")],
        caption="Image 6. Risks of international business, as the thesis describes them",
        note="The thesis's Image 6 is not in its text; the four risks are rebuilt from the prose. The five kinds "
             "of political risk (↳) come from the prose; whether Image 6 showed them is not known.",
    )


def barriers_table(barriers: pd.DataFrame) -> tables.Table:
    order = {"Internal": 0, "External": 1}
    data = barriers.sort_values("barrier_group", key=lambda s: s.map(order), kind="stable")
    data = datasets.with_provenance(data.assign(group_label=data.barrier_group + " barrier"), barriers)
    return tables.table(
        data, [tables.Column("group_label", "Group"), tables.Column("barrier", "Barrier"),
               tables.Column("description", "What it covers (paraphrase)")],
        caption="Image 9. Barriers to SMEs' access to international markets (after the OECD glossary)",
        note="Internal barriers lie in the firm's own capabilities; external ones in its home and host "
             "environment. The thesis's Image 9 is not in its text; the table is rebuilt from the prose.",
    )


def iso_process(iso: pd.DataFrame) -> pd.DataFrame:
    """The process in reading order: bases, the numbered steps (with their group), then what runs throughout."""
    steps = iso[iso.kind == "step"].sort_values("step_order")
    out = pd.concat([iso[iso.kind == "basis"], iso[iso.kind == "group"], steps, iso[iso.kind == "cross-cutting"]])
    groups = {g: _ranges(steps.loc[steps.parent_step == g, "step_order"]) for g in iso.loc[iso.kind == "group", "step"]}
    out["order_label"] = [f"step {int(o)}" if k == "step" else
                          (f"steps {groups.get(s, '')}" if k == "group" else
                           ("basis" if k == "basis" else "throughout"))
                          for k, o, s in zip(out.kind, out.step_order, out.step)]
    out["part_of"] = out.parent_step.fillna("")
    return datasets.with_provenance(out.reset_index(drop=True), iso)


def iso_process_table(iso: pd.DataFrame) -> tables.Table:
    data = iso_process(iso)
    n_steps = int((data.kind == "step").sum())
    return tables.table(
        data, [tables.Column("order_label", "Place in the process"), tables.Column("step", "Element"),
               tables.Column("part_of", "Part of"), tables.Column("description", "What it does (paraphrase)")],
        caption=f"Image 7. The risk management process after ISO 31000:2018, in {n_steps} steps",
        note="The thesis's Image 7 (the ISO figure, modified by the author) is not in its text; rebuilt from the prose.",
    )


def iso_flow_chart(iso: pd.DataFrame) -> alt.LayerChart:
    """The ISO 31000 process as a flow: bases on top, the numbered steps in order, recording alongside."""
    data = iso_process(iso)
    steps = data[data.kind == "step"].reset_index(drop=True)
    n = len(steps)
    box_h, gap = 1.0, 0.55
    top = 0.0
    boxes = []
    bases = data[data.kind == "basis"].reset_index(drop=True)
    width = 6.0
    for i, b in bases.iterrows():  # the bases, side by side above the steps
        w = width / len(bases)
        boxes.append(dict(b, x0=i * w + 0.05, x1=(i + 1) * w - 0.05, y0=top, y1=top + box_h,
                          text=b.step, fill="#f2f2f2"))
    start = top + box_h + gap * 1.6
    for i, s in steps.iterrows():
        y0 = start + i * (box_h + gap)
        boxes.append(dict(s, x0=0.9, x1=width - 0.05, y0=y0, y1=y0 + box_h,
                          text=f"{int(s.step_order)}. {s.step}", fill="#e8f1f8"))
    last = start + (n - 1) * (box_h + gap) + box_h
    group = data[data.kind == "group"]
    if not group.empty:
        g = group.iloc[0]
        members = steps[steps.parent_step == g.step].index
        y0 = start + members.min() * (box_h + gap)
        y1 = start + members.max() * (box_h + gap) + box_h
        boxes.append(dict(g, x0=0.0, x1=0.8, y0=y0, y1=y1, text=g.step, fill="#fff4dc"))
    cross = data[data.kind == "cross-cutting"]
    for _, c in cross.iterrows():
        boxes.append(dict(c, x0=width + 0.15, x1=width + 0.95, y0=start, y1=last, text=c.step, fill="#f2f2f2"))
    frame = pd.DataFrame(boxes)
    frame["xm"], frame["ym"] = (frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2
    frame["vertical"] = frame.kind.isin(["group", "cross-cutting"])
    frame["status_label"] = charts.status_label(frame.status)
    arrows = pd.DataFrame([{"x": (0.9 + width) / 2, "y0": start + i * (box_h + gap) + box_h,
                            "y1": start + (i + 1) * (box_h + gap)} for i in range(n - 1)]
                          + [{"x": width / 2, "y0": top + box_h, "y1": start}])
    xs = alt.Scale(domain=[-0.05, width + 1.0], nice=False)
    ys = alt.Scale(domain=[last + 0.1, -0.1], nice=False)
    tips = tooltip(("step", "Element", None), ("order_label", "Place in the process", None),
                   ("description", "What it does (paraphrase of the thesis)", None), ("status_label", "Status", None))
    rects = alt.Chart(frame).mark_rect(stroke="#555", strokeWidth=1, cornerRadius=4).encode(
        x=alt.X("x0:Q", scale=xs, axis=None), x2="x1", y=alt.Y("y0:Q", scale=ys, axis=None), y2="y1",
        fill=alt.Fill("fill:N", scale=None), tooltip=tips)
    flat = alt.Chart(frame).transform_filter(~alt.datum.vertical).mark_text(fontSize=12).encode(
        x="xm:Q", y="ym:Q", text="text:N", tooltip=tips)
    upright = alt.Chart(frame).transform_filter(alt.datum.vertical).mark_text(fontSize=12, angle=270).encode(
        x="xm:Q", y="ym:Q", text="text:N", tooltip=tips)
    shafts = alt.Chart(arrows).mark_rule(strokeWidth=1.5, color="#333").encode(x="x:Q", y="y0:Q", y2="y1:Q")
    heads = alt.Chart(arrows).mark_point(shape="triangle-down", filled=True, size=60, color="#333").encode(
        x="x:Q", y="y1:Q")
    labels = ", ".join(f"{int(s.step_order)} {s.step.lower()}" for s in steps.itertuples())
    return finish(
        alt.layer(rects, shafts, heads, flat, upright).properties(width=520, height=40 * (last + 0.2)),
        title=f"Risk management in {n} steps, from identification to monitoring",
        subtitle="The ISO 31000:2018 process as the thesis describes it (its Image 7), as quoted by the thesis; "
                 "hover a box for the description",
        alt_text=f"Flow chart of the risk management process as the thesis describes it after ISO 31000: "
                 f"{', '.join(bases.step.str.lower())} at the basis; then the steps {labels}; "
                 + (f"steps {_ranges(steps[steps.parent_step == group.iloc[0].step].step_order)} form "
                    f"{group.iloc[0].step.lower()}; " if not group.empty else "")
                 + (f"{cross.iloc[0].step.lower()} runs alongside the whole process." if not cross.empty else ""),
        data=iso,
        note="Rebuilt from the thesis's prose, not from the ISO figure itself. Every element is as quoted by the thesis.",
    )


def trm_erm_table(trm: pd.DataFrame) -> tables.Table:
    return tables.table(
        trm, [tables.Column("aspect", "Aspect"),
              tables.Column("traditional_risk_management", "Traditional risk management (TRM)"),
              tables.Column("enterprise_risk_management", "Enterprise risk management (ERM)")],
        caption="Table 8. Traditional risk management and enterprise risk management compared",
        note="The thesis's Table 8 (source: Mondaq.com) was an image; the rows are rebuilt from its prose, not "
             "from the table's own wording. The thesis refers to this table as 'Table 6'.",
    )


def risk_matrix_chart(matrix: pd.DataFrame) -> alt.LayerChart:
    """The thesis's Table 7 as the empty frame it is in the data: two named axes, no levels, no ratings."""
    rated = matrix[matrix.rating.notna() & (matrix.status != "not_found")]
    if not rated.empty:
        raise ValueError("risk_matrix now has sourced cells: draw them instead of the empty frame")
    note_text = " ".join(matrix.note.dropna())
    missing = [a for a in MATRIX_AXES if a not in note_text]
    if missing:
        raise ValueError(f"the risk_matrix note no longer names the axis {missing[0]!r}")
    frame = pd.DataFrame({"x0": [0], "x1": [1], "y0": [0], "y1": [1]})
    msg = pd.DataFrame({"x": [0.5], "y": [0.5],
                        "text": ["cells not available:\nthe thesis's table was an image\nand no sourced copy was found"]})
    xs, ys = alt.Scale(domain=[0, 1], nice=False), alt.Scale(domain=[0, 1], nice=False)
    box = alt.Chart(frame).mark_rect(fill="#fafafa", stroke="#777", strokeDash=[6, 4]).encode(
        x=alt.X("x0:Q", scale=xs, title=f"{MATRIX_AXES[0].capitalize()} (levels not given) →",
                axis=alt.Axis(labels=False, ticks=False, grid=False, domain=False)),
        x2="x1", y=alt.Y("y0:Q", scale=ys, title=f"{MATRIX_AXES[1].capitalize()} (levels not given) →",
                         axis=alt.Axis(labels=False, ticks=False, grid=False, domain=False)), y2="y1")
    text = alt.Chart(msg).mark_text(fontSize=13, fontStyle="italic", color="#555", lineBreak="\n").encode(
        x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), text="text:N")
    return finish(
        (box + text).properties(width=380, height=300),
        title="The thesis's risk matrix crosses likelihood with impact; its cells are not available",
        subtitle="Table 7 of the thesis (source: Corporate Compliance Insights): only the two axes are known from its text",
        alt_text="An empty frame standing for the thesis's risk matrix: the horizontal axis is the likelihood of the "
                 "risk and the vertical axis its impact on the objectives, with no levels and no cells, because the "
                 "thesis's table was an image and no sourced copy was found.",
        data=matrix,
        note="No likelihood or impact levels and no cell ratings are drawn, because none are sourced. A common "
             "template would add them, but it would not be the thesis's table.",
    )


def stability_numbers(result: pd.DataFrame) -> dict[str, object]:
    """The pooled results the page quotes, keyed for myst_nb.glue (plain floats and ints)."""
    out: dict[str, object] = {}
    for scope, key in (("Italy", "it"), ("World", "gl")):
        rows = result[result.scope == scope]
        pooled = rows[rows.pair == "all pairs"].iloc[0]
        tested = rows[(rows.pair != "all pairs") & rows.comparable]
        out.update({
            f"{key}_tau": float(pooled.tau), f"{key}_lo": float(pooled.ci_low), f"{key}_hi": float(pooled.ci_high),
            f"{key}_p": float(pooled.p_value), f"{key}_n": int(pooled.n_risks), f"{key}_pairs": int(len(tested)),
            f"{key}_shift": float(pooled.mean_abs_shift),
            f"{key}_untested": int(((rows.pair != "all pairs") & ~rows.comparable).sum()),
            f"{key}_nmin": int(tested.n_risks.min()), f"{key}_nmax": int(tested.n_risks.max()),
        })
    out["gl_vs_it"] = "more closely" if out["gl_tau"] > out["it_tau"] else "less closely"
    tested = result[(result.pair != "all pairs") & result.comparable]
    out["min_p_low"], out["min_p_high"] = float(tested.min_p.min()), float(tested.min_p.max())
    out["negative_pairs"] = int((tested.tau < 0).sum())
    return out


def stability_table(result: pd.DataFrame, allianz: pd.DataFrame, scope: str) -> tables.Table:
    """The per-pair and pooled results for one ranking, with what each rests on."""
    data = result[result.scope == scope].copy()
    data["editions"] = data.pair.where(data.pair != "all pairs", "all pairs pooled")
    data["interval"] = [f"{lo:+.2f} to {hi:+.2f}" if pd.notna(lo) else "" for lo, hi in zip(data.ci_low, data.ci_high)]
    data["tested"] = [r.risks if r.comparable else
                      (f"not tested: {r.n_risks} risk{'s' if r.n_risks != 1 else ''} ranked in both" if r.n_risks
                       else "not tested: no risk ranked in both") for r in data.itertuples()]
    where = "Italy" if scope == "Italy" else "the global ranking"
    return tables.numbers(
        data,
        [tables.Column("editions", "Editions"),
         tables.Column("n_risks", "Risks ranked in both (n)", "{:,.0f}"),
         tables.Column("tau", "Kendall's tau-b", "{:+.2f}"),
         tables.Column("p_value", "p-value (exact, one-sided)", "{:.2g}"),
         tables.Column("min_p", "Smallest p-value possible", "{:.2g}"),
         tables.Column("mean_abs_shift", "Mean shift (places)", "{:.1f}"),
         tables.Column("interval", "95% bootstrap interval"),
         tables.Column("tested", "Risks compared")],
        caption=f"Agreement between consecutive editions of the Allianz Risk Barometer: {where}",
        data=allianz,
        note="A pair is tested only when at least three risks have a known rank in both editions; 'not available' "
             "marks a pair that could not be tested. The smallest possible p-value is the chance of a perfect match "
             "among the n risks: no pair can go below it, however stable the ranking.",
    )


def shift_by_start(allianz: pd.DataFrame, top: int = 2) -> dict[str, float]:
    """Mean places moved to the next edition, for risks starting in the top ``top`` and for the others."""
    pairs = rank_pairs(allianz).dropna(subset=["risk"])
    shift = (pairs.rank_to - pairs.rank_from).abs()
    lead = pairs.rank_from <= top
    return {"top_shift": float(shift[lead].mean()), "rest_shift": float(shift[~lead].mean()),
            "top_n": int(lead.sum()), "rest_n": int((~lead).sum())}
