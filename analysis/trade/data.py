"""The trade datasets as tidy frames and single values, for charts, tables and the page (no Altair here).

Every frame keeps its dataset's ``attrs`` (``datasets.with_provenance``), so a chart or a table
drawn from it can cite the data. A number the page quotes comes from ``common.lookup.value``: a gap
in the data stops the page instead of printing a guess. The years the thesis wrote about are the
newest it could see (``common.editions.last_seen``), never typed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import datasets
from ..common import editions, lines, lookup
from .labels import (DIRECTION, EDITIONS, FLOW_LABELS, GACC_RECORDER, ISTAT_BASES, ISTAT_FLOWS, ISTAT_RECORDER,
                     LOWER_BOUND,
                     MACRO_LABELS, MONTHS, NOT_AVAILABLE, RETAIL_LABELS, THESIS_TABLE, TRADE_KIND, VINTAGES)


def period_label(period) -> str:
    """'2021-01..06' -> '2021 (Jan-Jun)'; a plain year stays as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{2})", str(period))
    if not m:
        return str(period)
    return f"{m.group(1)} ({MONTHS[int(m.group(2)) - 1]}-{MONTHS[int(m.group(3)) - 1]})"


def is_lower_bound(note) -> bool:
    """Rows published as 'more than X' say so in their note; their value is a floor, not a level."""
    return isinstance(note, str) and "lower bound" in note


def basis(frame: pd.DataFrame) -> pd.Series:
    """What each value is: its basis from the data where the dataset records one, else verified or derived.

    The ISTAT series records each row's basis (final or preliminary ISTAT, Eurostat, goods and
    services, a lower bound); a figure marks each with its own shape (``labels.ISTAT_BASES``).
    """
    if "basis" in frame:
        coded = frame.basis.where(frame.status != "not_found", "not_found")
        return coded.where(frame.status != "derived", "derived").map(ISTAT_BASES)
    out = np.where(frame.status == "derived", "derived", "verified")
    out = np.where(frame.note.map(is_lower_bound), LOWER_BOUND, out)
    return pd.Series(np.where(frame.status == "not_found", NOT_AVAILABLE, out), index=frame.index)


def _status_labels(frame: pd.DataFrame) -> pd.Series:
    return frame.status.map(datasets.STATUS_LABELS)


# --- China: GDP, goods and services trade, online retail ----------------------------------------

def macro_value(macro: pd.DataFrame, year: int, indicator: str, flow: str = "total",
                vintage: str = "preliminary") -> float:
    """One value of ``china_macro_trade``."""
    return lookup.value(macro, year=year, indicator=indicator, flow=flow, vintage=vintage)


def macro_change(macro: pd.DataFrame, year: int, indicator: str, flow: str = "total") -> float:
    """The published year-on-year change (%) of one first-published value."""
    return lookup.value(macro, "yoy_change_pct", year=year, indicator=indicator, flow=flow, vintage="preliminary")


def macro_series(macro: pd.DataFrame) -> pd.DataFrame:
    """GDP (every vintage) and goods trade by flow, with labels and status, sorted by series and year."""
    keys = pd.Series(list(zip(macro.indicator, macro.flow)), index=macro.index)
    out = datasets.subset(macro, keys.isin(list(MACRO_LABELS)) & macro.value.notna())
    out["series"] = [MACRO_LABELS[k] for k in zip(out.indicator, out.flow)]
    out["panel"] = np.where(out.indicator == "gdp", "GDP", "Goods trade")
    out["status_label"] = _status_labels(out)
    out["basis"] = np.where(out.status == "derived", "derived", "verified")
    out["vintage_label"] = out.vintage.map(VINTAGES)
    cols = ["year", "indicator", "flow", "vintage", "vintage_label", "series", "panel", "value", "yoy_change_pct",
            "unit", "status", "status_label", "basis", "source_id", "formula"]
    return out[cols].sort_values(["series", "year"])


def goods_vs_services(macro: pd.DataFrame, year: int) -> pd.DataFrame:
    """Goods and services trade in one year: total, exports and imports, with published changes."""
    out = datasets.subset(macro, (macro.year == year) & macro.indicator.isin(list(TRADE_KIND))
                          & macro.flow.isin(["total", "exports", "imports"]) & (macro.vintage == "preliminary"))
    out["kind"] = out.indicator.map(TRADE_KIND)
    out["flow_label"] = out.flow.map(FLOW_LABELS)
    out["status_label"] = _status_labels(out)
    out["label"] = [(NOT_AVAILABLE if pd.isna(v) else f"{v:,.1f}" + ("" if pd.isna(c) else f" ({c:+.1f}%)"))
                    for v, c in zip(out.value, out.yoy_change_pct)]
    return out[["year", "indicator", "kind", "flow", "flow_label", "value", "yoy_change_pct", "label",
                "unit", "status", "status_label", "source_id"]]


def online_retail(retail: pd.DataFrame) -> pd.DataFrame:
    """Online retail rows with labels: money in yuan and the share of retail, changes as published."""
    out = datasets.with_provenance(retail.copy(), retail)
    out["measure_label"] = out.measure.map(RETAIL_LABELS)
    out["year_label"] = out.year.astype(str)
    out["status_label"] = _status_labels(out)
    out["label"] = [(NOT_AVAILABLE if pd.isna(v) else (f"{v:,.0f}" if u == "CNY bn" else f"{v:.1f}%"))
                    + ("" if pd.isna(c) else f" ({c:+.1f}%)")
                    for v, u, c in zip(out.value, out.unit, out.yoy_change_pct)]
    return out


# --- Italy-China trade, ISTAT ----------------------------------------------------------------------

def istat_annual(istat: pd.DataFrame) -> pd.DataFrame:
    """Full calendar years of the ISTAT series, one row per year and flow, with basis and line runs.

    Part-year periods (e.g. January-May 2024) are left out: they are not comparable with full years.
    """
    out = datasets.subset(istat, istat.period.astype(str).str.fullmatch(r"\d{4}"))
    out["year"] = out.period.astype(int)
    out["flow_label"] = out.flow.map(ISTAT_FLOWS)
    out["basis"] = basis(out)
    out["lower_bound"] = out.basis == LOWER_BOUND
    out["status_label"] = _status_labels(out)
    out["value_plot"] = out.value.fillna(0.0)
    out["run"] = lines.runs(out, ["flow"])
    return out.sort_values(["flow", "year"])


def istat_value(istat: pd.DataFrame, period, flow: str) -> float:
    """One ISTAT value: ``istat_value(istat, 2019, "exports")``."""
    return lookup.value(istat, period=str(period), flow=flow)


def missing_years(data: pd.DataFrame, first: int | None = None, last: int | None = None) -> list[int]:
    """Years in the span with no value for any of the rows' flows (the gaps a chart must show)."""
    have = set(data.loc[data.value.notna(), "year"])
    first = int(data.year.min()) if first is None else first
    last = int(data.year.max()) if last is None else last
    return [y for y in range(first, last + 1) if y not in have]


def first_unseen_year(annual: pd.DataFrame) -> int:
    """The first year with a value after the newest one the thesis could see (the break of the level shift)."""
    seen = int(editions.last_seen(annual))
    later = annual.loc[annual.value.notna() & (annual.year > seen), "year"]
    if later.empty:
        raise ValueError(f"no year with a value after {seen}, the newest the thesis could see")
    return int(later.min())


def istat_rows(istat: pd.DataFrame) -> pd.DataFrame:
    """Every ISTAT row, in period order, with readable labels; gaps and part-years kept."""
    out = datasets.with_provenance(istat.copy(), istat)
    out["period_label"] = out.period.map(period_label)
    out["flow_label"] = out.flow.map(ISTAT_FLOWS)
    out["basis"] = basis(out)
    out["flow_order"] = out.flow.map({f: i for i, f in enumerate(ISTAT_FLOWS)})
    return out.sort_values(["period", "flow_order"])


def import_export_ratios(istat: pd.DataFrame) -> pd.Series:
    """Imports divided by exports, for each full year with both values (lower bounds left out)."""
    data = istat_annual(istat)
    data = data[data.value.notna() & ~data.lower_bound & data.flow.isin(["exports", "imports"])]
    wide = data.pivot(index="year", columns="flow", values="value").dropna()
    return wide.imports / wide.exports


def then_and_now(istat: pd.DataFrame, flows: tuple[str, ...] = ("exports", "imports")) -> pd.DataFrame:
    """The annual ISTAT series twice: as the thesis could see it (``view`` "then") and now."""
    annual = istat_annual(istat)
    return lines.then_and_now(datasets.subset(annual, annual.flow.isin(flows)))


# --- the Chinese-customs mirror ---------------------------------------------------------------------

def mirror(istat: pd.DataFrame, gacc: pd.DataFrame) -> pd.DataFrame:
    """Both sides' counts of the two directions of trade, for the years Chinese customs cover.

    One row per recorder, period and direction. The two recorders use different currencies and
    bases; the frame keeps them as separate series (``recorder``) and never converts one into the other.
    """
    g = gacc[gacc.flow != "total"]
    years = [int(str(p)[:4]) for p in g.period]
    i = istat_annual(istat)
    i = i[i.flow.isin(["exports", "imports"]) & i.year.between(min(years), max(years))]
    cols = ["period", "flow", "value", "unit", "status", "source_id", "yoy_change_pct", "formula"]
    out = pd.concat([i[cols].assign(recorder=ISTAT_RECORDER), g[cols].assign(recorder=GACC_RECORDER)],
                    ignore_index=True)
    out["direction"] = out.flow.map(DIRECTION)
    out["period_label"] = out.period.map(period_label)
    out["status_label"] = _status_labels(out)
    out["label"] = [(NOT_AVAILABLE if pd.isna(v) else f"{v:.1f}") + ("*" if st == "derived" else "")
                    for v, st in zip(out.value, out.status)]
    datasets.with_provenance(out, gacc)
    return out


# --- cross-border e-commerce (thesis Table 2) ------------------------------------------------------

def crossborder(ecom: pd.DataFrame) -> pd.DataFrame:
    """Every edition's values with readable labels and line runs; gaps kept (status not_found)."""
    out = ecom.copy()
    datasets.with_provenance(out, ecom)
    out["edition_label"] = out.edition.map(EDITIONS)
    out["edition_order"] = out.edition.map({e: i for i, e in enumerate(EDITIONS)})
    out["kind_label"] = np.select(
        [out.status == "not_found", (out.kind == "estimate") & (out.status == "derived"), out.kind == "estimate"],
        [NOT_AVAILABLE, "implied estimate (derived)", "estimate"], default="forecast")
    out["status_label"] = _status_labels(out)
    out["label"] = out.value.map(lambda v: "n/a" if pd.isna(v) else f"{v:.0f}")
    out["run"] = lines.runs(out, ["edition"])
    return out.sort_values(["edition_order", "year"])


# --- numbers quoted in the page's prose --------------------------------------------------------------

def key_numbers(macro: pd.DataFrame, istat: pd.DataFrame, gacc: pd.DataFrame, ecom: pd.DataFrame,
                retail: pd.DataFrame) -> dict[str, float | int | str]:
    """Plain numbers for the page's glue, every one read from the data.

    ``seen`` is the newest year of China's statistics the thesis could see; ``prev`` the year before.
    """
    seen = int(editions.last_seen(macro))
    prev = seen - 1
    annual = istat_annual(istat)
    annual = annual[annual.value.notna()]
    thesis = ecom[ecom.edition == THESIS_TABLE]
    retail_years = sorted(retail.year.unique())
    return {
        "seen_year": seen, "prev_year": prev,
        "macro_first_year": int(macro.year.min()), "macro_last_year": int(macro.year.max()),
        "gdp_prev_prelim": macro_value(macro, prev, "gdp"),
        "gdp_prev_revised": macro_value(macro, prev, "gdp", vintage="revised"),
        "services_seen": macro_value(macro, seen, "services_trade"),
        "services_seen_fall": -macro_change(macro, seen, "services_trade"),
        "goods_seen": macro_value(macro, seen, "goods_trade"),
        "goods_seen_change": macro_change(macro, seen, "goods_trade"),
        "istat_exports_prev": istat_value(istat, prev, "exports"),
        "istat_exports_seen": istat_value(istat, seen, "exports"),
        "istat_first_year": int(annual.year.min()), "istat_last_year": int(annual.year.max()),
        "istat_seen_year": int(editions.last_seen(istat_annual(istat))),
        "istat_min_ratio": float(import_export_ratios(istat).min()),
        "gacc_imports_from_italy_seen": lookup.value(gacc, period=str(seen), flow="china_imports_from_italy"),
        "thesis_table_rows": int(len(thesis)), "thesis_table_available": int(thesis.value.notna().sum()),
        "thesis_table_first": int(thesis.year.min()), "thesis_table_last": int(thesis.year.max()),
        "online_seen": lookup.value(retail, year=seen, measure="online_retail_sales"),
        "retail_years": " and ".join(map(str, retail_years)) if len(retail_years) < 3
        else f"{retail_years[0]} to {retail_years[-1]}",
    }
