"""Marks the trade figures share: JSON-safe chart data, the gap-aware trade lines, derived-value notes.

A line joins consecutive years only (``common.lines.runs``); a year with no value gets a grey band,
a gap in one flow an open mark labelled "not available". Every frame a chart embeds goes through
:func:`chart`, which turns a missing text cell into ``None``: a NaN would make the spec invalid JSON
and stop the interactive chart from loading.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..common.style import PALETTE, tooltip
from . import data as trade_data
from .labels import BASIS_ORDER, BASIS_SHAPES, ISTAT_BASES, ISTAT_BASIS_SHAPES, ISTAT_FLOWS, NOT_AVAILABLE

EUR_BN = "Value (billion euros)"


def safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with text columns typed as text, so Altair writes a gap as null.

    Altair's sanitiser turns a missing cell of a text (``str``) column into null, but under pandas 3
    leaves NaN in an ``object`` column, and a NaN makes the spec invalid JSON. Object columns that
    hold only text become ``str``; any other missing object cell becomes None.
    """
    out = frame.copy()
    for col in out.columns[out.dtypes == object]:
        present = out[col].dropna()
        if present.map(lambda v: isinstance(v, str)).all():
            out[col] = out[col].astype("str")
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def chart(frame: pd.DataFrame) -> alt.Chart:
    """``alt.Chart`` on a JSON-safe copy of ``frame``."""
    return alt.Chart(safe(frame))


def derived_note(rows: pd.DataFrame, describe) -> str:
    """'Derived: ...' from the rows' own formulas; empty when no row is derived."""
    derived = rows[rows.status == "derived"]
    return ("Derived: " + "; ".join(f"{describe(r)} ({r.formula})" for r in derived.itertuples()) + "."
            if len(derived) else "")


def basis_shape(data: pd.DataFrame) -> alt.Shape:
    """One shape per basis the data hold (ISTAT final or preliminary, Eurostat, a lower bound, ...)."""
    shapes = dict(zip(ISTAT_BASES.values(), ISTAT_BASIS_SHAPES))
    shapes.update({b: s for b, s in zip(BASIS_ORDER, BASIS_SHAPES) if b not in shapes})
    present = [b for b in shapes if b in set(data.basis)]
    return alt.Shape("basis:N", title="Value is", sort=present,
                     scale=alt.Scale(domain=present, range=[shapes[b] for b in present]))


def trade_layers(data: pd.DataFrame, y_domain: list[float] | None = None, x_span: list[int] | None = None,
                 last_seen: int | None = None) -> alt.LayerChart:
    """Lines per run of consecutive years, marks by basis, grey bands on years with no value at all."""
    labels = [ISTAT_FLOWS[f] for f in ISTAT_FLOWS if f in set(data.flow)]
    span = x_span or [int(data.year.min()), int(data.year.max())]
    colour = alt.Color("flow_label:N", title=None, sort=labels,
                       scale=alt.Scale(domain=labels, range=PALETTE[:len(labels)]))
    ticks = list(range(span[0], span[1] + 1))
    x_scale = alt.Scale(domain=[span[0] - 0.5, span[1] + 0.5], nice=False)
    x = alt.X("year:Q", title="Year", scale=x_scale,
              axis=alt.Axis(format="d", values=ticks, labelAngle=-90 if len(ticks) > 10 else 0, grid=False))
    y = alt.Y("value:Q", title=EUR_BN, scale=alt.Scale(domain=y_domain) if y_domain else alt.Undefined)
    tips = tooltip(("flow_label", "Flow", None), ("year", "Year", None), ("value", "Value (EUR bn)", ",.2f"),
                   ("yoy_change_pct", "Published change on previous year (%)", "+.1f"),
                   ("basis", "Value is", None), ("status_label", "Status", None))
    shape = basis_shape(data)
    avail, gaps = data[data.value.notna()], data[data.value.isna()]
    empty = trade_data.missing_years(data, span[0], last_seen or span[1])
    layers = []
    if empty:
        band = pd.DataFrame({"start": [yr - 0.5 for yr in empty], "end": [yr + 0.5 for yr in empty],
                             "year": empty, "what": "no value in the sources"})
        layers.append(chart(band).mark_rect(color="#eeeeee").encode(
            x=alt.X("start:Q", scale=x_scale, title="Year"), x2="end:Q",
            tooltip=tooltip(("year", "Year", None), ("what", "Data", None))))
    layers += [chart(avail).mark_line().encode(x=x, y=y, color=colour, detail="run:N"),
               chart(avail).mark_point(filled=True, size=65).encode(x=x, y="value:Q", color=colour, tooltip=tips,
                                                                    shape=shape)]
    if not gaps.empty:
        layers.append(chart(gaps).mark_point(filled=False, size=65).encode(
            x=x, y="value_plot:Q", color=colour, tooltip=tips, shape=shape))
        layers.append(chart(gaps.assign(gap_text=NOT_AVAILABLE)).mark_text(
            align="left", dx=7, dy=-9, fontSize=10, color="#444").encode(x=x, y="value_plot:Q", text="gap_text:N"))
    if last_seen is not None and last_seen < span[1]:
        later = pd.DataFrame({"year": [(last_seen + 1 + span[1]) / 2], "value": [(y_domain or [0, 1])[1] / 2],
                              "text": ["not yet published"]})
        layers.append(chart(later).mark_text(fontSize=11, fontStyle="italic", color="#777", angle=270).encode(
            x=alt.X("year:Q", scale=x_scale), y="value:Q", text="text:N"))
    return alt.layer(*layers)


def values_text(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r.flow_label} {r.year} " + (NOT_AVAILABLE if pd.isna(r.value) else f"{r.value:.2f}"
                                                    + (" (lower bound)" if r.lower_bound else "")
                                                    + (" (derived)" if r.status == "derived" else ""))
                     for r in rows.itertuples())


