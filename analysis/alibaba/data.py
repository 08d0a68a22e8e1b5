"""Alibaba's datasets as tidy frames for charts, tables and the pages' prose (no Altair here).

Every frame keeps its dataset's ``attrs`` (``datasets.with_provenance``), so a chart or a table
drawn from it can cite the data. A number a page quotes comes from ``common.lookup.value``: a gap
in the data stops the page instead of printing a guess.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import datasets
from ..common import editions, lines, lookup
from .labels import (ALIBABA_COM, AUDITED, FEE_RANGES, LEAF_SEGMENTS, LINE_BASES, LINE_LABELS, LINE_SUFFIXES,
                     OTHER_SEGMENTS, QUARTER_LABELS, QUARTER_RMB_LINES, SEGMENT_LABELS, TABLE_SEGMENTS, TOPIC_TITLES,
                     TOTAL_LABEL, UNAUDITED, WHOLESALE, fy)

SHARE_FORMULA = "international commerce wholesale revenue / Alibaba Group total revenue x 100 (same fiscal year)"


# --- annual revenue (2.1) -------------------------------------------------------------------

def revenue(annual: pd.DataFrame) -> pd.DataFrame:
    """Annual revenue with RMB billion, a basis label and the growth on the year before.

    ``growth_pct`` = (revenue_t / revenue_{t-1} - 1) x 100, for consecutive fiscal years;
    ``like_for_like`` is true only when both years are audited (the unaudited years include Alipay).
    """
    out = annual.sort_values("fiscal_year").copy()
    datasets.with_provenance(out, annual)
    out["fiscal_year_end"] = out.fiscal_year_end.astype(str)  # dates are not JSON; charts embed the data
    out["revenue_bn"] = out.value / 1000
    out["fy_label"] = out.fiscal_year.map(fy)
    out["basis"] = np.where(out.audited, AUDITED, UNAUDITED)
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    consecutive = out.fiscal_year.diff() == 1
    out["growth_pct"] = np.where(consecutive, (out.value / out.value.shift(1) - 1) * 100, np.nan)
    out["like_for_like"] = out.audited & out.audited.shift(1, fill_value=False) & consecutive
    return out


def then_and_now(annual: pd.DataFrame) -> pd.DataFrame:
    """The revenue series twice (``view`` "then" and "now"), split at the package's one thesis cutoff."""
    return lines.then_and_now(revenue(annual))


def years(frame: pd.DataFrame) -> dict:
    """First, newest and last-seen-by-the-thesis fiscal year of a dataset with an ``editions`` block."""
    return {"first": int(frame.fiscal_year.min()), "last": int(editions.newest(frame)),
            "last_seen": int(editions.last_seen(frame))}


def span_after(annual: pd.DataFrame, span: int = 5) -> dict:
    """Revenue ``span`` years before the thesis's last year, at it, and up to ``span`` years after.

    The years after stop at the newest year of the data, so "the five years after" is whatever the
    data hold: ``years_after`` says how many there are.
    """
    rev = annual.set_index("fiscal_year").value
    seen, last = int(editions.last_seen(annual)), int(editions.newest(annual))
    before, after = seen - span, min(seen + span, last)
    return {"before": before, "seen": seen, "after": after, "years_before": seen - before,
            "years_after": after - seen, "fold_before": rev[seen] / rev[before],
            "pct_after": (rev[after] / rev[seen] - 1) * 100,
            **{f"{k}_bn": rev[y] / 1000 for k, y in (("before", before), ("seen", seen), ("after", after))}}


# --- segments (2.1) -------------------------------------------------------------------------

def _top_level_totals(segment: pd.DataFrame) -> pd.Series:
    """Sum of the top-level segments per fiscal year (equals total revenue in the 20-F; see checks)."""
    return segment[segment.parent_segment.isna()].groupby("fiscal_year").value.sum()


def segments(segment: pd.DataFrame) -> pd.DataFrame:
    """Leaf segments (core commerce split into its lines) with labels, RMB billion and the share of revenue.

    ``share_pct`` = segment revenue / sum of top-level segments of the same year x 100.
    """
    out = datasets.subset(segment, segment.segment.isin(LEAF_SEGMENTS))
    out["label"] = out.segment.map(SEGMENT_LABELS)
    out["fy_label"] = out.fiscal_year.map(fy)
    out["revenue_bn"] = out.value / 1000
    out["share_pct"] = out.value / out.fiscal_year.map(_top_level_totals(segment)) * 100
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    out["highlight"] = np.where(out.segment == WHOLESALE, ALIBABA_COM, OTHER_SEGMENTS)
    return out


def segment_table(segment: pd.DataFrame) -> pd.DataFrame:
    """One row per segment or line: each year in RMB million, growth in the last year, share of revenue."""
    years_ = sorted(segment.fiscal_year.unique())
    wide = segment.pivot(index="segment", columns="fiscal_year", values="value").reindex(TABLE_SEGMENTS)
    first = segment.drop_duplicates("segment").set_index("segment")[["parent_segment", "status", "source_id"]]
    out = wide.join(first)
    total = _top_level_totals(segment)
    out.loc["total"] = {**total.to_dict(), "parent_segment": None, "status": "derived",
                        "source_id": first.source_id.iloc[0]}
    last, prev = years_[-1], years_[-2]
    out["growth_pct"] = (out[last] / out[prev] - 1) * 100
    out["share_pct"] = out[last] / total[last] * 100
    depth = out.parent_segment.map({"core_commerce": 1, "china_commerce_retail": 2}).fillna(0)
    labels = [SEGMENT_LABELS.get(s, TOTAL_LABEL) for s in out.index]
    out["label"] = ["\u2003" * int(d) + ("of which " if d else "") + lab for d, lab in zip(depth, labels)]
    out = out.reset_index(names="segment").rename(columns={y: f"fy{y}" for y in years_})
    return datasets.with_provenance(out, segment)


# --- the December quarters: thesis Tables 3, 4 and 5 (2.1, 2.2) ------------------------------

def _format(value, unit: str) -> str:
    if pd.isna(value):
        return "not available"
    if unit in ("RMB m", "USD m"):
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")


def _line_order(line_item: str) -> tuple[int, int]:
    for i, base in sorted(enumerate(LINE_BASES), key=lambda p: -len(p[1])):  # longest base first
        if line_item.startswith(base) and line_item[len(base):] in LINE_SUFFIXES:
            return i, LINE_SUFFIXES.index(line_item[len(base):])
    return len(LINE_BASES), 0


def december_quarter(dq: pd.DataFrame, thesis_tables=(4, 5), line_items=None) -> pd.DataFrame:
    """Rows of the thesis's December-quarter tables, one per value, paired by line item then quarter.

    Gaps stay as rows whose ``value_text`` reads "not available"; ``remark`` carries the data's note for
    rows the thesis alone gives or that are derived (where the thesis's own slips are recorded).
    """
    mask = dq.table.isin(thesis_tables) & (dq.line_item.isin(line_items) if line_items is not None else True)
    out = datasets.subset(dq, mask)
    out["line_label"] = out.line_item.map(LINE_LABELS).fillna(out.line_item)
    out["quarter_label"] = out.quarter.map(QUARTER_LABELS).fillna(out.quarter)
    out["table_label"] = "Table " + out.table.astype(str)
    out["value_text"] = [_format(v, u) for v, u in zip(out.value, out.unit)]
    out["remark"] = np.where(out.status.isin(["thesis_quoted", "derived"]), out.note.fillna(""), "")
    out["_order"] = out.line_item.map(_line_order)
    return out.sort_values(["_order", "quarter"]).drop(columns="_order")


def quarter_values(dq: pd.DataFrame, wanted: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Several December-quarter values at once: name -> (quarter, line item)."""
    return {name: lookup.value(dq, quarter=q, line_item=line) for name, (q, line) in wanted.items()}


def december_rows(dq: pd.DataFrame, quarter: str, line_items: list[str]) -> pd.DataFrame:
    """The rows of some line items in one December quarter (e.g. values a chart quotes in its subtitle)."""
    return datasets.subset(dq, (dq.quarter == quarter) & dq.line_item.isin(line_items))


def december_lines(dq: pd.DataFrame) -> pd.DataFrame:
    """The revenue lines in RMB million of both quarters, with labels and RMB billion."""
    out = datasets.subset(dq, dq.line_item.isin(QUARTER_RMB_LINES) & (dq.unit == "RMB m"))
    out["line_label"] = out.line_item.map(LINE_LABELS)
    out["quarter_label"] = out.quarter.map(QUARTER_LABELS)
    out["revenue_bn"] = out.value / 1000
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    out["zero"] = 0.0
    return out


def december_shares(dq: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Each leaf segment's share of one December quarter's revenue; a segment with no share is a gap row."""
    suffix = "_share_of_revenue"
    rows = dq[(dq.quarter == quarter) & dq.line_item.str.endswith(suffix)]
    present = dict(zip(rows.line_item.str.removesuffix(suffix), rows.index))
    records = []
    for seg in [s for s in LEAF_SEGMENTS if s != "core_commerce_others"]:
        if seg in present:
            rec = dq.loc[present[seg]].to_dict()
        else:  # no share published: show the segment's gap, not a guess
            gap = dq[(dq.quarter == quarter) & (dq.line_item == seg)]
            rec = {**(gap.iloc[0].to_dict() if not gap.empty else {}), "value": np.nan, "status": "not_found"}
        rec.update(segment=seg, label=SEGMENT_LABELS[seg])
        records.append(rec)
    out = datasets.with_provenance(pd.DataFrame(records), dq)
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    out["highlight"] = np.where(out.segment == WHOLESALE, ALIBABA_COM, OTHER_SEGMENTS)
    out["zero"] = 0.0
    return out


# --- Alibaba.com's revenue and share (2.2) ---------------------------------------------------

def wholesale_share(wholesale: pd.DataFrame, annual: pd.DataFrame) -> pd.DataFrame:
    """Alibaba.com's revenue with its share of group revenue, derived here: see ``SHARE_FORMULA``."""
    out = wholesale.sort_values("fiscal_year").copy()
    datasets.with_provenance(out, wholesale)
    out["fy_label"] = out.fiscal_year.map(fy)
    out["revenue_bn"] = out.value / 1000
    out["group_revenue"] = out.fiscal_year.map(annual.set_index("fiscal_year").value)
    out["share_pct"] = out.value / out.group_revenue * 100
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    return out


# --- facts and fees (2.2, 2.3, 3.4, conclusion) ----------------------------------------------

def fact_text(value, unit: str) -> str:
    """A fact's value written with its unit: 'US$2,399 per year', 'CNY 18.228 bn', 'not available'."""
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
    out["value_text"] = [fact_text(v, u) for v, u in zip(out.value, out.unit)]
    out["note"] = out.note.fillna("")
    return out


def fact_values(facts_frame: pd.DataFrame, wanted: dict[str, tuple]) -> dict[str, float]:
    """Several facts at once for a page's prose: name -> (topic, fact) or (topic, fact, period).

    Each is ``lookup.value``: KeyError for a gap, a missing fact, or a fact with several periods
    when none is named, so a page never quotes the wrong year by accident.
    """
    out = {}
    for name, where in wanted.items():
        match = dict(zip(("topic", "fact", "period"), where))
        if match.get("period") is None:
            match.pop("period", None)
        out[name] = lookup.value(facts_frame, **match)
    return out


def status_mix(facts_frame: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """How many facts of each topic have each status (zero counts dropped)."""
    rows = facts_frame[facts_frame.topic.isin(topics)]
    out = rows.groupby(["topic", "status"]).size().rename("facts").reset_index()
    out["topic_label"] = out.topic.map(TOPIC_TITLES).fillna(out.topic)
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    return datasets.with_provenance(out, facts_frame)


def fees(facts_frame: pd.DataFrame) -> pd.DataFrame:
    """Fee rows (per cent of the sale price), each with the range it belongs to, labelled with its period."""
    mask = (facts_frame.topic == "alibaba_com_fees") & (facts_frame.unit == "% of sale price")
    out = datasets.subset(facts_frame, mask)
    base = out.fact.map(lambda f: FEE_RANGES.get(f, (f, "point"))[0])
    out["range_label"] = base + " (" + out.period.astype(str) + ")"
    out["end"] = out.fact.map(lambda f: FEE_RANGES.get(f, (f, "point"))[1])
    out["status_label"] = out.status.map(datasets.STATUS_LABELS)
    return out
