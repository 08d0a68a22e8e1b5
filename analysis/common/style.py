"""The house style every chart shares, and the footer that ties a chart to its data.

A chart is finished with :func:`finish`: a title that states the finding, alt text, and the
datasets it was drawn from. The offline renderer (``analysis.common.render``) turns that metadata into
the source line under the chart.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable

import altair as alt
import pandas as pd

from .. import datasets

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Grey for context, the first colour for the series a chart is about.
MUTED, FOCUS = "#9E9E9E", PALETTE[0]
WIDTH = 520
STATUS_ORDER = list(datasets.STATUS_LABELS.values())


@alt.theme.register("thesis", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "view": {"continuousWidth": WIDTH, "continuousHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12,
                      "subtitleColor": "#444", "limit": 0},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
                     "gridColor": "#e6e6e6", "labelLimit": 260},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "labelLimit": 420},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
        }
    }


def finish(chart: alt.TopLevelMixin, *, name: str, title: str, alt_text: str,
           data: pd.DataFrame | Iterable[pd.DataFrame], subtitle: str | None = None,
           note: str | None = None) -> alt.TopLevelMixin:
    """Give a chart its finding-title, alt text and provenance (read by the offline renderer).

    ``name`` is the figure's stable identity ("alibaba-revenue"): its anchor on the page is
    ``fig-<name>`` whatever the data or the order of figures, so a cited address keeps working.
    The function that called ``finish`` is recorded as the code that drew the figure.
    """
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise ValueError(f"figure name {name!r}: use lower-case words joined by hyphens")
    frames = [data] if isinstance(data, pd.DataFrame) else list(data)
    params = {"text": wrap(title, 62)}
    if subtitle:
        params["subtitle"] = wrap(subtitle, 90)
    return chart.properties(
        title=alt.TitleParams(**params),
        description=alt_text,
        usermeta={"name": name, "code": caller(), "provenance": provenance(frames), "note": note},
    )


def caller(depth: int = 2) -> str:
    """'analysis.alibaba.figures.revenue': the function that asked for a figure or table."""
    frame = inspect.stack()[depth].frame
    return f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}"


def then_and_now(data: pd.DataFrame, panel, label, **props) -> alt.HConcatChart:
    """Two panels on one shared scale: the thesis's view (``view == "then"``) beside today's.

    ``data`` comes from ``common.lines.then_and_now``; ``panel(frame)`` draws one panel and
    ``label(view, last_period)`` names it from the data, so no year is typed.
    """
    last = {"then": data.attrs["last_seen"], "now": data.attrs["newest"]}
    panels = [panel(data[data.view == v]).properties(
                  title=alt.TitleParams(label(v, last[v]), fontSize=12, fontWeight="normal"), **props)
              for v in ("then", "now")]
    return alt.hconcat(*panels).resolve_scale(y="shared")


def wrap(text: str, width: int) -> list[str] | str:
    """Break a long title into lines, so it is never cut off on a narrow page."""
    import textwrap

    lines = textwrap.wrap(text, width)
    return lines[0] if len(lines) == 1 else lines


def provenance(frames: Iterable[pd.DataFrame]) -> dict:
    """Datasets (name, version, date) and the sources of the rows actually drawn."""
    frames = list(frames)
    used, sets = [], []
    for frame in frames:
        res = frame.attrs.get("resource", {})
        if res and all(d["name"] != res["name"] for d in sets):
            sets.append({"name": res["name"], "path": res["path"], "title": res.get("title", ""),
                         "version": res.get("version", ""), "last_updated": res.get("last_updated", "")})
        if "source_id" in frame:
            used.extend(s for s in frame["source_id"].dropna().unique() if s not in used)
    if not sets:
        raise ValueError("finish() needs data loaded with datasets.load() so the chart can cite it")
    registry = datasets.sources(next((f.attrs["root"] for f in frames if f.attrs.get("root")), None))
    srcs = [_source_entry(registry[s]) for s in used]
    return {"datasets": sets, "sources": srcs}


def _source_entry(rec: dict) -> dict:
    return {"publisher": rec["publisher"], "title": rec["title"], "url": rec.get("url") or "",
            "kind": rec["kind"], "id": rec["source_id"], "primary_url": rec.get("primary_url") or ""}


def status_label(series: pd.Series) -> pd.Series:
    """Readable status for legends and tooltips."""
    return series.map(datasets.STATUS_LABELS)


def tooltip(*fields: tuple[str, str, str]) -> list[alt.Tooltip]:
    """Tooltips as (column, title with unit, d3 format) triples."""
    return [alt.Tooltip(col, title=title, format=fmt) if fmt else alt.Tooltip(col, title=title)
            for col, title, fmt in fields]
